/* Macros: ${HOME} ~/ ${CFG} ${RUNUSER} ${PATH} and the XDG user dirs. */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "tap.h"
#include "test-firejail-util.h"

#define P "/etc/firejail/test.profile"

static struct memfs fs;
static struct brig_fj_context ctx;

static void
expect(const char *text, const char *want, const char *what)
{
  EXPECT_STR(parse_render(&ctx, text), want, "%s: %s", what, oneline(text));
}

static void
user_dirs(const char *text, const char *want, const char *what)
{
  char *dirs[6] = { 0 };
  char got[1024] = "";

  fj_parse_user_dirs(text, strlen(text), "/h", dirs);
  for (int k = 0; k < 6; k++) {
    snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", k ? "|" : "",
             dirs[k] ? dirs[k] : "-");
    free(dirs[k]);
  }
  if (!TAP_OK(!strcmp(got, want), "user-dirs.dirs: %s", what))
    tap_diag("got %s", got);
}

int
main(void)
{
  struct brig_fj_profile *p;
  char *err;
  const char *xdg_all = "blacklist ${DOWNLOADS}\nblacklist ${DOCUMENTS}\nblacklist ${MUSIC}\n"
                        "blacklist ${PICTURES}\nblacklist ${VIDEOS}\nblacklist ${DESKTOP}";

  test_context(&ctx, &fs);

  expect("blacklist ${HOME}/.ssh\nwhitelist ~/.mozilla\nmkdir ${HOME}",
         "blacklist "
         "/home/u/.ssh;whitelist "
         "/home/u/.mozilla;mkdir "
         "/home/u",
         "home");
  expect("blacklist ~\nblacklist ~x\nblacklist /a/~/b", "blacklist ~;blacklist ~x;blacklist /a/~/b",
         "~ only expands as ~/");
  expect("mkdir ${RUNUSER}/app\nwhitelist ${RUNUSER}",
         "mkdir /run/user/1000/app;whitelist "
         "/run/user/1000",
         "runuser from uid");
  ctx.runuser = "/run/u";
  expect("mkdir ${RUNUSER}/app", "mkdir /run/u/app", "runuser override");
  ctx.runuser = NULL;
  expect("read-only ${CFG}/x", "read-only /etc/firejail/x", "cfg");
  ctx.cfg_dir = "/usr/local/etc/firejail";
  expect("read-only ${CFG}/x", "read-only /usr/local/etc/firejail/x", "cfg dir from context");
  ctx.cfg_dir = "/etc/firejail";

  expect("blacklist ${PATH}/ifconfig",
         "blacklist /usr/local/bin/ifconfig;blacklist /usr/bin/ifconfig;blacklist "
         "/bin/ifconfig;blacklist /usr/local/sbin/ifconfig;blacklist /usr/sbin/ifconfig;blacklist "
         "/sbin/ifconfig",
         "${PATH}: one directive per directory, Firejail's default list");
  if (brig_fj_parse_buffer(&ctx, P, "caps\nnoexec ${PATH}/x", 21, &p, &err) == 0) {
    bool ok = p->n_items == 7;

    for (size_t i = 1; ok && i < 7; i++)
      ok = p->items[i].line == 2 && (p->items[i].flags & BRIG_FJ_DIR_FROM_PATH_MACRO) &&
           !strcmp(p->items[i].text, "noexec ${PATH}/x");
    TAP_OK(ok && !(p->items[0].flags & BRIG_FJ_DIR_FROM_PATH_MACRO),
           "${PATH} copies share line and text, flagged");
    brig_fj_profile_free(p);
  } else {
    free(err);
  }
  {
    static const char *const dirs[] = { "/opt/bin", "/usr/games" };

    ctx.path_dirs = dirs;
    ctx.n_path_dirs = 2;
    expect("blacklist ${PATH}/x", "blacklist /opt/bin/x;blacklist /usr/games/x", "custom PATH");
    ctx.n_path_dirs = 0;
    expect("blacklist ${PATH}/x\ncaps", "caps", "empty PATH list drops the line");
    ctx.path_dirs = NULL;
  }
  expect("bind ${PATH}/a,/b", "ERROR: " P ":1: 'bind': ${PATH} is not supported here",
         "${PATH} in bind");
  expect("include ${PATH}/a.inc", "ERROR: " P ":1: 'include': ${PATH} is not supported here",
         "${PATH} in include");

  expect("blacklist ${FOO}/x", "ERROR: " P ":1: unknown or misplaced macro in '${FOO}/x'",
         "unknown macro");
  expect("blacklist /tmp/${HOME}", "ERROR: " P ":1: unknown or misplaced macro in '/tmp/${HOME}'",
         "macro not at the start");
  expect("blacklist ${HOME}/${HOME}",
         "ERROR: " P ":1: unknown or misplaced macro in '${HOME}/${HOME}'", "second macro");
  expect("env A=${HOME}\nname ${HOME}", "env A=${HOME};name ${HOME}",
         "no expansion outside path arguments");
  expect("private-cwd ${HOME}/w\nhosts-file ~/hosts\ntmpfs ${HOME}/t\nnoexec ${HOME}\n"
         "read-write ${HOME}/rw\nmkfile ~/f\nwhitelist-ro ~/ro\nblacklist-nolog ~/n",
         "private-cwd /home/u/w;hosts-file /home/u/hosts;tmpfs /home/u/t;noexec /home/u;"
         "read-write /home/u/rw;mkfile /home/u/f;whitelist-ro /home/u/ro;blacklist-nolog "
         "/home/u/n",
         "all path directives expand");

  /* XDG user dirs */
  fs.reads = 0;
  expect("caps\nblacklist ${HOME}/x", "caps;blacklist /home/u/x", "no XDG macro");
  TAP_OK(fs.reads == 0, "user-dirs.dirs is read only when an XDG macro is used");
  expect(xdg_all,
         "blacklist /home/u/Downloads;blacklist /home/u/Documents;blacklist /home/u/Music;"
         "blacklist /home/u/Pictures;blacklist /home/u/Videos;blacklist /home/u/Desktop",
         "no user-dirs.dirs: Firejail's fallbacks");
  memfs_add(&fs, "/home/u/.config/user-dirs.dirs",
            "# written by xdg-user-dirs-update\n"
            "XDG_DESKTOP_DIR=\"$HOME/Bureau\"\n"
            "XDG_DOWNLOAD_DIR=\"$HOME/Téléchargements\"\n"
            "XDG_DOCUMENTS_DIR=\"/srv/docs\"\n"
            "XDG_MUSIC_DIR=\"$HOME/\"\n"
            "  XDG_PICTURES_DIR=\"$HOME/Images\" # trailing comment\n"
            "XDG_VIDEOS_DIR=$HOME/Vidéos\n");
  fs.reads = 0;
  expect(xdg_all,
         "blacklist /home/u/Téléchargements;blacklist /home/u/Documents;blacklist "
         "/home/u/Music;blacklist /home/u/Images;blacklist /home/u/Videos;blacklist "
         "/home/u/Bureau",
         "user-dirs.dirs with Firejail's rules");
  TAP_OK(fs.reads == 1, "user-dirs.dirs read once per parse");
  expect("whitelist ${DOWNLOADS}/sub", "whitelist /home/u/Téléchargements/sub",
         "XDG macro followed by a sub path");
  ctx.user_dirs_file = "/elsewhere/dirs";
  memfs_add(&fs, "/elsewhere/dirs", "XDG_MUSIC_DIR=\"$HOME/Tunes\"\n");
  expect("whitelist ${MUSIC}", "whitelist /home/u/Tunes", "user_dirs_file from context");
  ctx.user_dirs_file = NULL;
  memfs_add_err(&fs, "/home/x/.config/user-dirs.dirs", EACCES);
  ctx.home = "/home/x";
  expect("whitelist ${MUSIC}",
         "ERROR: " P ":1: cannot read /home/x/.config/user-dirs.dirs: Permission denied",
         "unreadable user-dirs.dirs is an error");
  ctx.home = "home/u";
  expect("caps", "ERROR: " P ": the home directory of the target user must be an absolute path",
         "relative home rejected");
  ctx.home = NULL;
  expect("caps", "ERROR: " P ": the home directory of the target user must be an absolute path",
         "missing home rejected");
  ctx.home = "/home/u";

  user_dirs("", "-|-|-|-|-|-", "empty file");
  user_dirs("XDG_DOWNLOAD_DIR=\"$HOME/D\"\nXDG_DOCUMENTS_DIR=\"$HOME/Doc/\"\n"
            "XDG_MUSIC_DIR=\"$HOME/M u\"\nXDG_PICTURES_DIR=\"$HOME/P\"\n"
            "XDG_VIDEOS_DIR=\"$HOME/V\"\nXDG_DESKTOP_DIR=\"$HOME/Desk\"",
            "/h/D|/h/Doc/|/h/M u|/h/P|/h/V|/h/Desk", "all six, trailing slash and space kept");
  user_dirs("XDG_DOWNLOAD_DIR = \"$HOME/D\"\nXDG_DOCUMENTS_DIR=\"${HOME}/Doc\"\n"
            "#XDG_MUSIC_DIR=\"$HOME/M\"\nXDG_PICTURES_DIR=\"$HOME/P\nXDG_VIDEOS_DIR=\"~/V\"\n"
            "xdg_desktop_dir=\"$HOME/d\"",
            "-|-|-|-|-|-", "spaces around =, ${HOME}, comment, unterminated, ~, lower case");
  user_dirs("XDG_DOWNLOAD_DIR=\"$HOME/first\"\nXDG_DOWNLOAD_DIR=\"$HOME/second\"\n",
            "/h/first|-|-|-|-|-", "first valid line wins");
  user_dirs("\tXDG_DESKTOP_DIR=\"$HOME/T\"\r\n", "-|-|-|-|-|/h/T", "leading tab, CRLF");
  return tap_done();
}
