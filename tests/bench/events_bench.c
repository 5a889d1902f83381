/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The memory event API's figures, on a pure v2 kernel (tests/bench/events_bench.sh
 * runs it in the VM): how long after v2's own notification a v1 listener hears
 * of an OOM or of memory pressure, how long after a crossing it hears of a usage
 * threshold, and what the daemon's threshold watch costs with many registrations.
 *
 *   events_bench oom       VIEW_GROUP V2_GROUP ROUNDS
 *   events_bench pressure  VIEW_GROUP V2_GROUP ROUNDS FILE   (FILE on a disk: its page cache is reclaimed)
 *   events_bench threshold VIEW_GROUP ROUNDS
 *   events_bench cost      VIEW_PARENT GROUPS SECONDS DAEMON_PID
 *
 * The v2 side is read as a v2 program would: inotify on memory.events, re-read on each
 * wakeup; a PSI trigger on memory.pressure with the same values as the daemon's.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <stdbool.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what) {
        fprintf(stderr, "events_bench: %s: %s\n", what, strerror(errno));
        exit(1);
}

static int64_t now_ns(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void write_file(const char *path, const char *value) {
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, value, strlen(value)) < 0)
                die(path);
        close(fd);
}

/* A listener's registration, as cgroup_event_listener makes it: its eventfd. */
static int listen_on(const char *group, const char *file, const char *args) {
        char control[4096], line[64];
        snprintf(control, sizeof(control), "%s/%s", group, file);
        int cfd = open(control, O_RDONLY | O_CLOEXEC);
        int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (cfd < 0 || efd < 0)
                die(control);
        snprintf(control, sizeof(control), "%s/cgroup.event_control", group);
        int n = snprintf(line, sizeof(line), "%d %d %s", efd, cfd, args);
        int wfd = open(control, O_WRONLY | O_CLOEXEC);
        if (wfd < 0 || write(wfd, line, (size_t) n) < 0)
                die(control);
        close(wfd);
        close(cfd);
        return efd;
}

/* The group @view with a memory limit, its tasks file in @tasks, and a listener on @file: its eventfd. */
static int limited_listener(const char *view, const char *limit, const char *file, const char *args, char *tasks,
                            size_t size) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/memory.limit_in_bytes", view);
        write_file(path, limit);
        snprintf(tasks, size, "%s/tasks", view);
        return listen_on(view, file, args);
}

static uint64_t keyed(const char *path, const char *key) {
        char buf[4096], *p;
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
        if (n < 0)
                die(path);
        close(fd);
        buf[n] = 0;
        size_t klen = strlen(key);
        for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
                if (!strncmp(p, key, klen) && p[klen] == ' ')
                        return strtoull(p + klen + 1, NULL, 10);
        return 0;
}

/* A child in @tasks that allocates and touches @mb MiB (0: until the kernel stops it), then holds @hold_s. */
static pid_t allocator(const char *tasks, unsigned mb, unsigned hold_s, int ready_fd) {
        pid_t pid = fork();
        if (pid < 0)
                die("fork");
        if (pid > 0)
                return pid;
        write_file(tasks, "0");
        for (unsigned i = 0; mb == 0 || i < mb; i++) {
                char *p = malloc(1 << 20);
                if (!p)
                        _exit(1);
                memset(p, 1, 1 << 20);
        }
        if (ready_fd >= 0 && write(ready_fd, "x", 1) < 0)
                _exit(1);
        sleep(hold_s);
        _exit(0);
}

static int cmp_i64(const void *a, const void *b) {
        int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
        return x < y ? -1 : x > y;
}

static void report(const char *what, int64_t *samples, size_t n) {
        if (n == 0) {
                printf("%s: no samples\n", what);
                return;
        }
        qsort(samples, n, sizeof(*samples), cmp_i64);
        size_t p99 = (n * 99 + 99) / 100 - 1;
        printf("%s: n=%zu min=%.2f ms p50=%.2f ms p99=%.2f ms max=%.2f ms\n", what, n, samples[0] / 1e6,
               samples[n / 2] / 1e6, samples[p99 < n ? p99 : n - 1] / 1e6, samples[n - 1] / 1e6);
}

static void drain(int fd) {
        char buf[4096];
        while (read(fd, buf, sizeof(buf)) > 0)
                ;
}

/*
 * Until both fds have woken (or 20 s): when each first did, -1 if never. @v2_events is what
 * v2's fd wakes with (POLLIN for inotify, POLLPRI for a PSI trigger, whose POLLIN is always
 * set); @changed says whether a wakeup counts.
 */
static void wait_both(int v2_fd, short v2_events, int ours_fd, bool (*changed)(void *), void *userdata,
                      int64_t *t_v2, int64_t *t_ours) {
        int64_t deadline = now_ns() + 20000000000LL;
        *t_v2 = *t_ours = -1;
        while ((*t_v2 < 0 || *t_ours < 0) && now_ns() < deadline) {
                struct pollfd p[2] = { { .fd = v2_fd, .events = v2_events }, { .fd = ours_fd, .events = POLLIN } };
                if (poll(p, 2, 100) < 0 && errno != EINTR)
                        die("poll");
                int64_t t = now_ns();
                if ((p[0].revents & v2_events) && *t_v2 < 0) {
                        if (v2_events == POLLIN)
                                drain(v2_fd);
                        if (!changed || changed(userdata))
                                *t_v2 = t;
                }
                if ((p[1].revents & POLLIN) && *t_ours < 0) {
                        uint64_t v;
                        if (read(ours_fd, &v, sizeof(v)) == sizeof(v))
                                *t_ours = t;
                }
        }
}

struct oom_seen {
        const char *events;
        uint64_t oom;
};

static bool oom_increased(void *userdata) {
        struct oom_seen *s = userdata;
        uint64_t now = keyed(s->events, "oom");
        if (now == s->oom)
                return false;
        s->oom = now;
        return true;
}

static void bench_oom(const char *view, const char *v2, unsigned rounds) {
        char path[4096], tasks[4096];
        int64_t *lat = calloc(rounds, sizeof(int64_t));
        size_t n = 0, missed = 0;

        int efd = limited_listener(view, "33554432", "memory.oom_control", "", tasks, sizeof(tasks));
        int ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        snprintf(path, sizeof(path), "%s/memory.events", v2);
        if (ifd < 0 || inotify_add_watch(ifd, path, IN_MODIFY) < 0)
                die(path);
        struct oom_seen seen = { .events = path, .oom = keyed(path, "oom") };
        for (unsigned i = 0; i < rounds; i++) {
                int64_t t_v2, t_ours;
                pid_t child = allocator(tasks, 0, 0, -1);
                wait_both(ifd, POLLIN, efd, oom_increased, &seen, &t_v2, &t_ours);
                waitpid(child, NULL, 0);
                if (t_v2 < 0 || t_ours < 0)
                        missed++;
                else
                        lat[n++] = t_ours - t_v2;
                usleep(20000); /* the kernel's 10 ms between two notifications of a file */
                drain(ifd);
        }
        report("oom: after v2's memory.events notification", lat, n);
        printf("oom: rounds %u, missed %zu\n", rounds, missed);
}

/* A child in @tasks that reads @file again and again: clean page cache the group's limit makes it reclaim. */
static pid_t reader(const char *tasks, const char *file) {
        static char buf[1 << 20];
        pid_t pid = fork();
        if (pid < 0)
                die("fork");
        if (pid > 0)
                return pid;
        write_file(tasks, "0");
        for (;;) {
                int fd = open(file, O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                        _exit(1);
                while (read(fd, buf, sizeof(buf)) > 0)
                        ;
                close(fd);
        }
}

static void bench_pressure(const char *view, const char *v2, unsigned rounds, const char *file) {
        char path[4096], tasks[4096];
        int64_t *lat = calloc(rounds, sizeof(int64_t));
        size_t n = 0, missed = 0;

        int efd = limited_listener(view, "33554432", "memory.pressure_level", "low", tasks, sizeof(tasks));
        snprintf(path, sizeof(path), "%s/memory.pressure", v2);
        int pfd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
        const char *trigger = "some 1000 500000"; /* the daemon's own (compat/event_control.c) */
        if (pfd < 0 || write(pfd, trigger, strlen(trigger) + 1) < 0)
                die(path);
        for (unsigned i = 0; i < rounds; i++) {
                int64_t t_v2, t_ours;
                uint64_t v;
                /* Events of the last round's tail, on either side, are not this round's. */
                struct pollfd stale = { .fd = pfd, .events = POLLPRI };
                (void) poll(&stale, 1, 0);
                (void) read(efd, &v, sizeof(v));
                pid_t child = reader(tasks, file);
                wait_both(pfd, POLLPRI, efd, NULL, NULL, &t_v2, &t_ours);
                kill(child, SIGKILL);
                waitpid(child, NULL, 0);
                if (t_v2 < 0 || t_ours < 0) {
                        printf("pressure: round %u: %s\n", i, t_v2 < 0 && t_ours < 0 ? "neither woke"
                                                             : t_v2 < 0              ? "v2's trigger did not fire"
                                                                                     : "no event reached the listener");
                        missed++;
                } else
                        lat[n++] = t_ours - t_v2;
                sleep(2); /* a trigger fires once per window */
        }
        report("pressure: after v2's PSI trigger", lat, n);
        printf("pressure: rounds %u, missed %zu\n", rounds, missed);
}

static void bench_threshold(const char *view, unsigned rounds) {
        char tasks[4096];
        int64_t *lat = calloc(rounds, sizeof(int64_t));
        size_t n = 0, missed = 0;
        int ready[2];

        int efd = limited_listener(view, "67108864", "memory.usage_in_bytes", "8M", tasks, sizeof(tasks));
        /* Past the threshold within the last MiB the allocator touches: timed from its end. */
        if (pipe2(ready, O_CLOEXEC) < 0)
                die("pipe");
        for (unsigned i = 0; i < rounds; i++) {
                char c;
                uint64_t v;
                pid_t child = allocator(tasks, 9, 2, ready[1]);
                if (read(ready[0], &c, 1) != 1)
                        die("allocator");
                int64_t crossed = now_ns();
                struct pollfd p = { .fd = efd, .events = POLLIN };
                if (poll(&p, 1, 5000) == 1 && read(efd, &v, sizeof(v)) == sizeof(v))
                        lat[n++] = now_ns() - crossed;
                else
                        missed++;
                kill(child, SIGKILL);
                waitpid(child, NULL, 0);
                /* The way down is an event too: wait for it before the next round. */
                if (poll(&p, 1, 5000) == 1)
                        (void) read(efd, &v, sizeof(v));
        }
        report("threshold: after the allocation crossed it", lat, n);
        printf("threshold: rounds %u, missed %zu\n", rounds, missed);
}

static double cpu_ms(pid_t pid) {
        char path[64], buf[4096];
        unsigned long utime, stime;
        snprintf(path, sizeof(path), "/proc/%d/stat", (int) pid);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
        if (n < 0)
                die(path);
        close(fd);
        buf[n] = 0;
        const char *p = strrchr(buf, ')');
        for (int field = 2; field < 14 && p; field++)
                p = strchr(p + 1, ' ');
        if (!p || sscanf(p + 1, "%lu %lu", &utime, &stime) != 2)
                die("stat");
        return (double) (utime + stime) * 1000.0 / (double) sysconf(_SC_CLK_TCK);
}

static double cpu_share(pid_t daemon, unsigned seconds) {
        double before = cpu_ms(daemon);
        sleep(seconds);
        return (cpu_ms(daemon) - before) / (seconds * 10.0); /* percent of one CPU */
}

static void bench_cost(const char *parent, unsigned groups, unsigned seconds, pid_t daemon) {
        struct rlimit rl = { 4 * groups + 64, 4 * groups + 64 };
        char group[4096];

        (void) setrlimit(RLIMIT_NOFILE, &rl);
        printf("cost: daemon CPU with no registration: %.2f%%\n", cpu_share(daemon, seconds));
        int64_t begin = now_ns();
        for (unsigned i = 0; i < groups; i++) {
                snprintf(group, sizeof(group), "%s/t%u", parent, i);
                if (mkdir(group, 0755) < 0 && errno != EEXIST)
                        die(group);
                (void) listen_on(group, "memory.usage_in_bytes", "1G");
        }
        printf("cost: %u groups made and registered in %.1f s\n", groups, (now_ns() - begin) / 1e9);
        printf("cost: daemon CPU with %u idle threshold registrations: %.2f%%\n", groups, cpu_share(daemon, seconds));

        /* Some group's usage moving all the time, as on a machine at work: every threshold is looked at. */
        snprintf(group, sizeof(group), "%s/busy", parent);
        if (mkdir(group, 0755) < 0 && errno != EEXIST)
                die(group);
        snprintf(group, sizeof(group), "%s/busy/tasks", parent);
        pid_t busy = fork();
        if (busy == 0) {
                write_file(group, "0");
                /* mmap, not malloc: glibc would keep the freed heap, and the usage would not move. */
                for (;;) {
                        char *p = mmap(NULL, 4 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                        if (p == MAP_FAILED)
                                _exit(1);
                        memset(p, 1, 4 << 20);
                        munmap(p, 4 << 20);
                        usleep(10000);
                }
        }
        printf("cost: daemon CPU with %u threshold registrations, usage moving: %.2f%%\n", groups,
               cpu_share(daemon, seconds));

        kill(busy, SIGKILL);
        waitpid(busy, NULL, 0);
}

int main(int argc, char *argv[]) {
        setvbuf(stdout, NULL, _IOLBF, 0);
        if (argc == 5 && !strcmp(argv[1], "oom"))
                bench_oom(argv[2], argv[3], (unsigned) atoi(argv[4]));
        else if (argc == 6 && !strcmp(argv[1], "pressure"))
                bench_pressure(argv[2], argv[3], (unsigned) atoi(argv[4]), argv[5]);
        else if (argc == 4 && !strcmp(argv[1], "threshold"))
                bench_threshold(argv[2], (unsigned) atoi(argv[3]));
        else if (argc == 6 && !strcmp(argv[1], "cost"))
                bench_cost(argv[2], (unsigned) atoi(argv[3]), (unsigned) atoi(argv[4]), (pid_t) atoi(argv[5]));
        else {
                fprintf(stderr, "usage: events_bench oom VIEW_GROUP V2_GROUP ROUNDS\n"
                                "       events_bench pressure VIEW_GROUP V2_GROUP ROUNDS FILE\n"
                                "       events_bench threshold VIEW_GROUP ROUNDS\n"
                                "       events_bench cost VIEW_PARENT GROUPS SECONDS DAEMON_PID\n");
                return 2;
        }
        return 0;
}
