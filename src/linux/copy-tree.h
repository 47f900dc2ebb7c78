/* Copies the tree below the directory src into the directory dst (both
 * fds, O_PATH allowed): files, directories, symlinks (as links), device
 * nodes and fifos, with their mode and owner; never following a link.
 * With root_attrs, dst also takes src's mode and owner.  -1 with errno. */
#ifndef BRIG_LINUX_COPY_TREE_H
#define BRIG_LINUX_COPY_TREE_H

#include <stdbool.h>

int brig_copy_tree(int src, int dst, bool root_attrs);

#endif
