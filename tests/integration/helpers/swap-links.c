/* swap-links A B SECONDS: exchanges the names A and B (renameat2
 * RENAME_EXCHANGE, atomic) as fast as it can, for at most SECONDS, so
 * that a path is now one file and now another.  Used by
 * tests/integration/lifecycle-security.sh to show that brig resolves a
 * bind mount's source once: a stat() and a later open by path would see
 * a directory and then a file. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int
main(int argc, char **argv)
{
  time_t end;
  unsigned long n = 0;

  if (argc != 4)
    return 2;
  end = time(NULL) + atoi(argv[3]);
  for (;;) {
    if (renameat2(AT_FDCWD, argv[1], AT_FDCWD, argv[2], RENAME_EXCHANGE) < 0)
      return perror("renameat2"), 1;
    if (++n % 4096 == 0 && time(NULL) >= end)
      return 0;
  }
}
