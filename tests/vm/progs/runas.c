/*
 * runas UID GID CMD [ARG...]: drops every group, then to GID and UID, and runs CMD
 * (the VM's busybox has no setpriv). Static, built by tests/vm/build-progs.sh.
 */
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

int main(int argc, char *argv[]) {
        if (argc < 4) {
                fprintf(stderr, "usage: runas UID GID CMD [ARG...]\n");
                return 2;
        }
        uid_t uid = (uid_t) strtoul(argv[1], NULL, 10);
        gid_t gid = (gid_t) strtoul(argv[2], NULL, 10);
        if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(uid) < 0) {
                fprintf(stderr, "runas: %s\n", strerror(errno));
                return 126;
        }
        if (getuid() != uid || geteuid() != uid || getgid() != gid || getegid() != gid) {
                fprintf(stderr, "runas: the ids did not change\n");
                return 126;
        }
        execv(argv[3], argv + 3);
        fprintf(stderr, "runas: %s: %s\n", argv[3], strerror(errno));
        return 127;
}
