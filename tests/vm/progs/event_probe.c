/*
 * event_probe: writes to cgroup.event_control (cgroup-v1 memory events) and says what the
 * write gave, as an errno name (EBADF, EINVAL, EACCES...) or "ok"; and the small helpers
 * the memory event tests need. Static, built by tests/vm/build-progs.sh.
 *
 *   event_probe [OPTIONS] line EVENT_CONTROL LINE [CONTROL]
 *       writes LINE as it is, with %E replaced by the number of a fresh eventfd and %C by
 *       the number of CONTROL opened O_RDONLY (CONTROL "fd:N": fd N, already open).
 *   event_probe [OPTIONS] reg EVENT_CONTROL EFD-KIND CONTROL ARGS
 *       writes "<efd> <cfd> ARGS". EFD-KIND: eventfd, pipe (the read end of a pipe),
 *       devnull (/dev/null), closed (an fd number just closed), bigfd (4000, never open).
 *       CONTROL: a path opened O_RDONLY, "fd:N" (fd N as it is: opened by the caller, e.g.
 *       before dropping privileges) or "closed" (a closed fd number).
 *     OPTIONS, for a registration that succeeded:
 *       --keep SECONDS   hold the fds that long, printing "event count=N" per read of the
 *                        eventfd, then "total N" (the sum of the counts)
 *       --fill           fill the eventfd's counter (UINT64_MAX - 1), print "filled", and
 *                        stay alive for --keep's SECONDS: a signal must not block the daemon
 *       --close-efd      close the eventfd (and the control fd) at once, print "closed",
 *                        and stay alive for --keep's SECONDS (unregistration by close)
 *       --fork-hold      a child keeps the eventfd (and counts as --keep does) while the
 *                        parent exits at once, printing "holder PID"
 *       --fork-exit      the write is made by a child, which exits right after it; the
 *                        parent prints what the child's write gave
 *       --fork-kill USEC the write is made by a child, SIGKILLed USEC microseconds after it
 *                        said it is about to write; prints "killed" or the write's result
 *   event_probe read FILE
 *       "ok", or "open:ERRNO" / "read:ERRNO": opening FILE O_RDONLY, then a read.
 *   event_probe alloc MB [HOLD]
 *       allocates and touches MB MiB of anonymous memory, prints "allocated MB", keeps it
 *       HOLD seconds (default 0), exits 0.
 *   event_probe thrash MB SECONDS
 *       touches MB MiB again and again for SECONDS (reclaim under a tight limit), then "done".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *errname(int e) {
        const char *n = strerrorname_np(e);
        static char buf[32];
        if (n)
                return n;
        snprintf(buf, sizeof(buf), "errno%d", e);
        return buf;
}

static void usage(void) {
        fputs("usage: event_probe [--keep S] [--fill] [--close-efd] [--fork-hold] [--fork-exit] [--fork-kill USEC]\n"
              "         (line EVENT_CONTROL LINE [CONTROL] | reg EVENT_CONTROL EFD-KIND CONTROL ARGS)\n"
              "       event_probe read FILE | alloc MB [HOLD] | thrash MB SECONDS\n",
              stderr);
        exit(2);
}

static void die(const char *what) {
        fprintf(stderr, "event_probe: %s: %s\n", what, strerror(errno));
        exit(1);
}

static double now(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* An fd number that is not open: opened, then closed. */
static int closed_fd(void) {
        int fd = open("/dev/null", O_RDONLY);
        if (fd < 0)
                die("/dev/null");
        close(fd);
        return fd;
}

static int make_efd(const char *kind, int *is_eventfd) {
        int fd, p[2];
        *is_eventfd = 0;
        if (!strcmp(kind, "eventfd")) {
                fd = eventfd(0, 0);
                if (fd < 0)
                        die("eventfd");
                *is_eventfd = 1;
                return fd;
        }
        if (!strcmp(kind, "pipe")) {
                if (pipe(p) < 0)
                        die("pipe");
                return p[0];
        }
        if (!strcmp(kind, "devnull")) {
                fd = open("/dev/null", O_RDWR);
                if (fd < 0)
                        die("/dev/null");
                return fd;
        }
        if (!strcmp(kind, "closed"))
                return -2; /* made last, after the control file: see main */
        if (!strcmp(kind, "bigfd"))
                return 4000;
        fprintf(stderr, "event_probe: unknown eventfd kind %s\n", kind);
        exit(2);
}

static int open_control(const char *control) {
        if (!strcmp(control, "closed"))
                return -2;
        if (!strncmp(control, "fd:", 3))
                return atoi(control + 3);
        int fd = open(control, O_RDONLY);
        if (fd < 0)
                die(control);
        return fd;
}

/* LINE with %E and %C replaced. */
static char *expand(const char *line, int efd, int cfd) {
        size_t cap = strlen(line) * 4 + 64, n = 0;
        char *out = malloc(cap);
        if (!out)
                die("malloc");
        for (const char *p = line; *p; p++) {
                if (p[0] == '%' && (p[1] == 'E' || p[1] == 'C')) {
                        n += (size_t) snprintf(out + n, cap - n, "%d", p[1] == 'E' ? efd : cfd);
                        p++;
                } else {
                        out[n++] = *p;
                }
                if (n + 16 >= cap)
                        break;
        }
        out[n] = '\0';
        return out;
}

/* EVENT_CONTROL opened O_WRONLY, before the fds of the line are made (so that none of
 * their numbers, a closed one in particular, is taken by it); "open:ERRNO" and exit if not. */
static int open_event_control(const char *event_control) {
        int fd = open(event_control, O_WRONLY | O_CLOEXEC);
        if (fd < 0) {
                printf("open:%s\n", errname(errno));
                exit(0);
        }
        return fd;
}

/* Writes TEXT to the event control fd: 0 or the errno. */
static int write_line(int fd, const char *text) {
        ssize_t r = write(fd, text, strlen(text));
        int e = r < 0 ? errno : 0;
        close(fd);
        return e;
}

/* Reads the eventfd for SECONDS; prints each read's count, then the total. */
static void count_events(int efd, double seconds) {
        uint64_t total = 0;
        double end = now() + seconds;
        for (;;) {
                double left = end - now();
                if (left <= 0)
                        break;
                struct pollfd p = { .fd = efd, .events = POLLIN };
                int r = poll(&p, 1, (int) (left * 1000) + 1);
                if (r < 0 && errno != EINTR)
                        die("poll");
                if (r <= 0)
                        continue;
                uint64_t c;
                if (read(efd, &c, sizeof(c)) == (ssize_t) sizeof(c)) {
                        total += c;
                        printf("event count=%" PRIu64 "\n", c);
                        fflush(stdout);
                }
        }
        printf("total %" PRIu64 "\n", total);
        fflush(stdout);
}

static int cmd_read(const char *file) {
        int fd = open(file, O_RDONLY);
        if (fd < 0) {
                printf("open:%s\n", errname(errno));
                return 0;
        }
        char buf[4096];
        if (read(fd, buf, sizeof(buf)) < 0)
                printf("read:%s\n", errname(errno));
        else
                puts("ok");
        return 0;
}

static char *touch_mb(long mb) {
        size_t len = (size_t) mb << 20;
        char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
                die("mmap");
        for (size_t i = 0; i < len; i += 4096)
                p[i] = (char) (i >> 12 | 1);
        return p;
}

static int cmd_alloc(long mb, long hold) {
        touch_mb(mb);
        printf("allocated %ld\n", mb);
        fflush(stdout);
        if (hold > 0)
                sleep((unsigned) hold);
        return 0;
}

static int cmd_thrash(long mb, long seconds) {
        char *p = touch_mb(mb);
        size_t len = (size_t) mb << 20;
        double end = now() + (double) seconds;
        unsigned long rounds = 0;
        while (now() < end) {
                for (size_t i = 0; i < len; i += 4096)
                        p[i]++;
                rounds++;
        }
        printf("done %lu\n", rounds);
        return 0;
}

int main(int argc, char *argv[]) {
        double keep = 0;
        int close_efd = 0, fork_hold = 0, fork_exit = 0, fill = 0;
        long kill_usec = -1;
        int i = 1;
        for (; i < argc && !strncmp(argv[i], "--", 2); i++) {
                if (!strcmp(argv[i], "--keep") && i + 1 < argc)
                        keep = atof(argv[++i]);
                else if (!strcmp(argv[i], "--close-efd"))
                        close_efd = 1;
                else if (!strcmp(argv[i], "--fill"))
                        fill = 1;
                else if (!strcmp(argv[i], "--fork-hold"))
                        fork_hold = 1;
                else if (!strcmp(argv[i], "--fork-exit"))
                        fork_exit = 1;
                else if (!strcmp(argv[i], "--fork-kill") && i + 1 < argc)
                        kill_usec = atol(argv[++i]);
                else
                        usage();
        }
        argc -= i;
        argv += i;
        if (argc < 1)
                usage();
        const char *cmd = argv[0];
        if (!strcmp(cmd, "read") && argc == 2)
                return cmd_read(argv[1]);
        if (!strcmp(cmd, "alloc") && (argc == 2 || argc == 3))
                return cmd_alloc(atol(argv[1]), argc == 3 ? atol(argv[2]) : 0);
        if (!strcmp(cmd, "thrash") && argc == 3)
                return cmd_thrash(atol(argv[1]), atol(argv[2]));

        int ecfd = -1, efd = -1, cfd = -1, is_eventfd = 0;
        char *text;
        if (!strcmp(cmd, "line") && (argc == 3 || argc == 4)) {
                ecfd = open_event_control(argv[1]);
                if (argc == 4)
                        cfd = open_control(argv[3]);
                efd = eventfd(0, 0);
                if (efd < 0)
                        die("eventfd");
                is_eventfd = 1;
                text = expand(argv[2], efd, cfd);
        } else if (!strcmp(cmd, "reg") && argc == 5) {
                ecfd = open_event_control(argv[1]);
                efd = make_efd(argv[2], &is_eventfd);
                cfd = open_control(argv[3]);
                /* "closed": numbers not open when the write is made. */
                if (efd == -2)
                        efd = closed_fd();
                if (cfd == -2)
                        cfd = closed_fd();
                if (asprintf(&text, "%d %d %s", efd, cfd, argv[4]) < 0)
                        die("asprintf");
        } else {
                usage();
        }

        if (fork_exit || kill_usec >= 0) {
                int p[2];
                if (pipe(p) < 0)
                        die("pipe");
                pid_t child = fork();
                if (child < 0)
                        die("fork");
                if (child == 0) {
                        close(p[0]);
                        if (write(p[1], "w", 1) != 1)
                                _exit(101);
                        ssize_t r = write(ecfd, text, strlen(text));
                        int e = r < 0 ? errno : 0;
                        if (write(p[1], &e, sizeof(e)) != (ssize_t) sizeof(e))
                                _exit(101);
                        _exit(0); /* the eventfd goes with the child */
                }
                close(p[1]);
                close(ecfd);
                /* The parent's copies go: only the child held the eventfd. */
                if (efd >= 0)
                        close(efd);
                char w;
                if (read(p[0], &w, 1) != 1) {
                        puts("child failed");
                        return 1;
                }
                if (kill_usec >= 0) {
                        if (kill_usec > 0)
                                usleep((useconds_t) kill_usec);
                        kill(child, SIGKILL);
                }
                int e, status;
                ssize_t r = read(p[0], &e, sizeof(e));
                waitpid(child, &status, 0);
                if (r == (ssize_t) sizeof(e))
                        puts(e ? errname(e) : "ok");
                else
                        puts("killed");
                return 0;
        }

        int e = write_line(ecfd, text);
        puts(e ? errname(e) : "ok");
        fflush(stdout);
        if (e || !is_eventfd)
                return 0;
        if (fill) {
                /* The counter one below its maximum: a blocking write of 1 more would wait for ever. */
                uint64_t most = UINT64_MAX - 1;
                if (write(efd, &most, sizeof(most)) != sizeof(most))
                        die("fill");
                puts("filled");
                fflush(stdout);
                if (keep > 0)
                        usleep((useconds_t) (keep * 1e6));
                return 0;
        }
        if (close_efd) {
                close(efd);
                if (cfd >= 0)
                        close(cfd);
                puts("closed");
                fflush(stdout);
                if (keep > 0)
                        usleep((useconds_t) (keep * 1e6));
                return 0;
        }
        if (fork_hold) {
                pid_t child = fork();
                if (child < 0)
                        die("fork");
                if (child == 0) {
                        count_events(efd, keep);
                        _exit(0);
                }
                printf("holder %d\n", (int) child);
                fflush(stdout);
                return 0;
        }
        if (keep > 0)
                count_events(efd, keep);
        return 0;
}
