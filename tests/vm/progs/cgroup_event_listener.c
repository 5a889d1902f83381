/*
 * cgroup_event_listener CONTROL-FILE ARGS: a cgroup-v1 memory event listener, the way the
 * kernel's tools/cgroup/cgroup_event_listener.c is used (our own code):
 *   opens CONTROL-FILE (memory.oom_control, memory.usage_in_bytes,
 *   memory.memsw.usage_in_bytes, memory.pressure_level) for reading, and the
 *   cgroup.event_control beside it for writing; makes an eventfd and writes
 *   "<eventfd> <control fd> ARGS" to cgroup.event_control; then, for every read of the
 *   eventfd, prints
 *       event CONTROL-FILE ARGS count=<the eventfd's counter>
 *   and checks that cgroup.event_control is still there: once it is gone (ENOENT), prints
 *   "The cgroup seems to have removed." and exits 0.
 * Errors go to stderr as "<what>: <strerror>", exit status the errno (1 when none).
 * Stdout is flushed after every line (the tests read it from a file while it runs).
 * Built static and dynamic by tests/vm/build-progs.sh.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

static int fail(const char *what) {
        int e = errno;
        fprintf(stderr, "%s: %s\n", what, strerror(e));
        return e > 0 && e < 256 ? e : 1;
}

int main(int argc, char *argv[]) {
        if (argc != 3) {
                fputs("usage: cgroup_event_listener <control file> <args>\n", stderr);
                return 1;
        }
        const char *control = argv[1], *args = argv[2];

        /* <dirname of the control file>/cgroup.event_control */
        char event_control[PATH_MAX];
        const char *slash = strrchr(control, '/');
        int n = slash ? snprintf(event_control, sizeof(event_control), "%.*s/cgroup.event_control",
                                 (int) (slash - control), control)
                      : snprintf(event_control, sizeof(event_control), "cgroup.event_control");
        if (n < 0 || (size_t) n >= sizeof(event_control)) {
                fputs("the control file's path is too long\n", stderr);
                return 1;
        }

        int cfd = open(control, O_RDONLY);
        if (cfd < 0)
                return fail("open control file");
        int ecfd = open(event_control, O_WRONLY);
        if (ecfd < 0)
                return fail("open cgroup.event_control");
        int efd = eventfd(0, 0);
        if (efd < 0)
                return fail("eventfd");

        char line[PATH_MAX + 64];
        n = snprintf(line, sizeof(line), "%d %d %s", efd, cfd, args);
        if (n < 0 || (size_t) n >= sizeof(line)) {
                fputs("the arguments are too long\n", stderr);
                return 1;
        }
        if (write(ecfd, line, (size_t) n) < 0)
                return fail("write");
        close(ecfd);

        for (;;) {
                uint64_t count;
                ssize_t r = read(efd, &count, sizeof(count));
                if (r < 0) {
                        if (errno == EINTR)
                                continue;
                        return fail("read eventfd");
                }
                if (r != (ssize_t) sizeof(count)) {
                        fprintf(stderr, "read eventfd: %zd bytes\n", r);
                        return 1;
                }
                printf("event %s %s count=%" PRIu64 "\n", control, args, count);
                fflush(stdout);
                if (access(event_control, W_OK) < 0) {
                        if (errno == ENOENT) {
                                puts("The cgroup seems to have removed.");
                                fflush(stdout);
                                return 0;
                        }
                        return fail("cgroup.event_control is not accessible any more");
                }
        }
}
