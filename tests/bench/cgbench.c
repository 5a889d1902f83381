/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cgbench: the timing loops of the cgcompat benchmark (tests/bench/bench.sh).
 *
 * Every timed subcommand appends one line per operation to OUT: the operation's cost in
 * nanoseconds (CLOCK_MONOTONIC), so that samples of several rounds can be pooled and
 * summarised with `cgbench stats OUT...`.
 *
 *   attach FILE_A FILE_B PID N OUT     open/write PID/close, alternating FILE_A and FILE_B
 *   mkdir-rmdir DIR N OUT              mkdir DIR/cgbench-mr then rmdir it
 *   read FILE N OUT                    open/read to EOF/close; prints bytes and lines of the last read
 *   open-close FILE N OUT              open(O_RDONLY)/close, nothing read: what cgcompatctl exec's
 *                                      seccomp supervisor (or its preload) adds to every open
 *   stat FILE N OUT                    stat(2)
 *   release agent TASKS LOG N LIFE_MS PATH OUT
 *                                      a child attaches itself to TASKS, lives LIFE_MS, exits; the
 *                                      latency is from just before its _exit(2) to the agent's start,
 *                                      as the agent (cgbench-agent) records it in LOG (only lines
 *                                      for the group PATH; "-" for any)
 *                                      prints how many times the agent ran for the N releases
 *   release inotify PROCS EVENTS N LIFE_MS - OUT
 *                                      the same in v2, up to the inotify event on EVENTS that shows
 *                                      "populated 0" (v2 has no agent: this is the floor)
 *   stats FILE...                      n min p10 p50 p90 p99 max mean of the pooled samples (ns)
 *   mkgroups DIR PREFIX FROM TO        mkdir DIR/PREFIX<i> for FROM <= i < TO
 *   rmgroups DIR PREFIX FROM TO [LEAF] rmdir them (missing ones are skipped; a busy one loses its
 *                                      child LEAF first)
 *   lookup-all DIR                     readdir DIR and stat every directory in it: prints the count
 *   hold-threads N PIDFILE             a process of N threads that sleeps until killed
 *   spawn-wait FILE RESULT TIMEOUT_S CMD...
 *                                      runs CMD, writes "NS PID" to RESULT once stat(FILE) succeeds
 *                                      (NS from the fork), then waits for CMD and exits with its status
 *   now                                CLOCK_MONOTONIC in ns
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void die(const char *what) {
        fprintf(stderr, "cgbench: %s: %s\n", what, strerror(errno));
        exit(1);
}

static void dief(const char *fmt, const char *arg) {
        fprintf(stderr, "cgbench: ");
        fprintf(stderr, fmt, arg);
        fprintf(stderr, "\n");
        exit(1);
}

static long parse_long(const char *s) {
        char *end;
        errno = 0;
        long v = strtol(s, &end, 10);
        if (errno || *end || end == s)
                dief("not a number: %s", s);
        return v;
}

/* Samples: collected in memory, written out at the end so file I/O stays out of the loop. */
struct samples {
        int64_t *v;
        size_t n, cap;
};

static void add(struct samples *s, int64_t ns) {
        if (s->n == s->cap) {
                s->cap = s->cap ? s->cap * 2 : 1024;
                s->v = realloc(s->v, s->cap * sizeof(*s->v));
                if (!s->v)
                        die("realloc");
        }
        s->v[s->n++] = ns;
}

static void save(const struct samples *s, const char *path) {
        FILE *f = fopen(path, "a");
        if (!f)
                die(path);
        for (size_t i = 0; i < s->n; i++)
                fprintf(f, "%lld\n", (long long) s->v[i]);
        if (fclose(f))
                die(path);
}

/* Warm-up operations, not recorded: caches, lazily created leaves, the first FUSE lookups. */
static long warmup_of(long n) {
        return n / 10 < 20 ? (n < 20 ? n : 20) : n / 10;
}

static void write_all_once(const char *path, const char *buf, size_t len) {
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                die(path);
        if (write(fd, buf, len) != (ssize_t) len)
                die(path);
        if (close(fd) < 0)
                die(path);
}

static int cmd_attach(int argc, char **argv) {
        if (argc != 6)
                return 2;
        const char *files[2] = { argv[1], argv[2] };
        char pid[32];
        int len = snprintf(pid, sizeof(pid), "%s\n", argv[3]);
        long n = parse_long(argv[4]), warm = warmup_of(n);
        struct samples s = {};

        for (long i = -warm; i < n; i++) {
                const char *f = files[i & 1];
                int64_t t0 = now_ns();
                write_all_once(f, pid, (size_t) len);
                int64_t t1 = now_ns();
                if (i >= 0)
                        add(&s, t1 - t0);
        }
        save(&s, argv[5]);
        return 0;
}

static int cmd_mkdir_rmdir(int argc, char **argv) {
        if (argc != 4)
                return 2;
        char path[PATH_MAX];
        snprintf(path, sizeof(path), "%s/cgbench-mr", argv[1]);
        long n = parse_long(argv[2]), warm = warmup_of(n);
        struct samples s = {};

        for (long i = -warm; i < n; i++) {
                int64_t t0 = now_ns();
                if (mkdir(path, 0755) < 0)
                        die(path);
                if (rmdir(path) < 0)
                        die(path);
                int64_t t1 = now_ns();
                if (i >= 0)
                        add(&s, t1 - t0);
        }
        save(&s, argv[3]);
        return 0;
}

static int cmd_read(int argc, char **argv) {
        if (argc != 4)
                return 2;
        static char buf[1 << 20];
        long n = parse_long(argv[2]), warm = warmup_of(n);
        size_t total = 0;
        struct samples s = {};

        for (long i = -warm; i < n; i++) {
                int64_t t0 = now_ns();
                int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                        die(argv[1]);
                total = 0;
                for (;;) {
                        ssize_t r = read(fd, buf + total, sizeof(buf) - total);
                        if (r < 0)
                                die(argv[1]);
                        if (r == 0)
                                break;
                        total += (size_t) r;
                        if (total == sizeof(buf))
                                dief("%s: more than 1 MiB", argv[1]);
                }
                close(fd);
                int64_t t1 = now_ns();
                if (i >= 0)
                        add(&s, t1 - t0);
        }
        size_t lines = 0;
        for (size_t i = 0; i < total; i++)
                lines += buf[i] == '\n';
        printf("bytes=%zu lines=%zu\n", total, lines);
        save(&s, argv[3]);
        return 0;
}

/* --- release latency --- */

/* Pause between releases: longer than the kernel's 10 ms rate limit on cgroup.events. */
#define SETTLE_MS 30

struct shared {
        volatile int64_t exit_ns;
};

static void sleep_ms(long ms) {
        struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

/* The child: attach itself, tell the parent, live a while, stamp the time, exit. */
static pid_t spawn_member(const char *attach_file, struct shared *sh, long life_ms) {
        int ready_fd[2];
        if (pipe2(ready_fd, O_CLOEXEC) < 0)
                die("pipe");
        sh->exit_ns = 0;
        pid_t pid = fork();
        if (pid < 0)
                die("fork");
        if (pid == 0) {
                char buf[32];
                int len = snprintf(buf, sizeof(buf), "%d\n", (int) getpid());
                close(ready_fd[0]);
                write_all_once(attach_file, buf, (size_t) len);
                if (write(ready_fd[1], "r", 1) != 1)
                        _exit(3);
                close(ready_fd[1]);
                if (life_ms > 0)
                        sleep_ms(life_ms);
                sh->exit_ns = now_ns();
                _exit(0);
        }
        char c;
        close(ready_fd[1]);
        ssize_t n = read(ready_fd[0], &c, 1);
        close(ready_fd[0]);
        if (n != 1) {
                waitpid(pid, NULL, 0);
                dief("%s: the child could not attach itself", attach_file);
        }
        return pid;
}

/*
 * The agent's log: "MONO_NS PATH" lines. Returns 1 with the timestamp of the next line after
 * *offset for @path (lines for other groups of a shared hierarchy are skipped), 0 if none yet.
 */
static int next_agent_line(int fd, off_t *offset, const char *path, int64_t *ret) {
        char buf[8192];
        for (;;) {
                ssize_t n = pread(fd, buf, sizeof(buf) - 1, *offset);
                if (n <= 0)
                        return 0;
                buf[n] = 0;
                char *nl = strchr(buf, '\n');
                if (!nl)
                        return 0; /* partial line: the agent writes one line in one write(2) */
                *nl = 0;
                *offset += nl - buf + 1;
                char *sp = strchr(buf, ' ');
                if (path && (!sp || strcmp(sp + 1, path)))
                        continue;
                *ret = strtoll(buf, NULL, 10);
                return 1;
        }
}

static int cmd_open_close(int argc, char **argv) {
        if (argc != 4)
                return 2;
        long n = parse_long(argv[2]), warm = warmup_of(n);
        struct samples s = {};

        for (long i = -warm; i < n; i++) {
                int64_t t0 = now_ns();
                int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                        die(argv[1]);
                close(fd);
                int64_t t1 = now_ns();
                if (i >= 0)
                        add(&s, t1 - t0);
        }
        save(&s, argv[3]);
        return 0;
}

static int cmd_stat(int argc, char **argv) {
        if (argc != 4)
                return 2;
        long n = parse_long(argv[2]), warm = warmup_of(n);
        struct samples s = {};
        struct stat st;

        for (long i = -warm; i < n; i++) {
                int64_t t0 = now_ns();
                if (stat(argv[1], &st) < 0)
                        die(argv[1]);
                int64_t t1 = now_ns();
                if (i >= 0)
                        add(&s, t1 - t0);
        }
        save(&s, argv[3]);
        return 0;
}

static int cmd_release(int argc, char **argv) {
        if (argc != 8)
                return 2;
        const char *mode = argv[1], *attach_file = argv[2], *watched = argv[3];
        const char *agent_path = strcmp(argv[6], "-") ? argv[6] : NULL, *out = argv[7];
        long n = parse_long(argv[4]), life_ms = parse_long(argv[5]);
        bool agent = !strcmp(mode, "agent");
        struct samples s = {};

        if (!agent && strcmp(mode, "inotify"))
                return 2;
        struct shared *sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (sh == MAP_FAILED)
                die("mmap");
        int in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
        if (in < 0)
                die("inotify");
        if (inotify_add_watch(in, watched, IN_MODIFY) < 0)
                die(watched);
        int log_fd = -1;
        off_t log_off = 0;
        if (agent) {
                log_fd = open(watched, O_RDONLY | O_CLOEXEC);
                if (log_fd < 0)
                        die(watched);
                log_off = lseek(log_fd, 0, SEEK_END);
        }

        long missed = 0, runs = 0, consecutive = 0;
        int64_t t0;
        for (long i = 0; i < n; i++) {
                char evbuf[4096];
                /* Vary the life a little so samples do not lock to the timer tick. */
                long life = life_ms > 0 ? life_ms + (i % 7) : 0;
                int64_t t;
                /*
                 * Let the previous release settle (past the kernel's 10 ms cgroup.events window),
                 * then count and skip any further agent runs it caused: one release, one run.
                 */
                if (i > 0)
                        sleep_ms(SETTLE_MS);
                while (agent && next_agent_line(log_fd, &log_off, agent_path, &t))
                        runs++;
                pid_t pid = spawn_member(attach_file, sh, life);
                int64_t stamp = 0, deadline = now_ns() + (int64_t) (life + 2000) * 1000000;
                bool got = false;

                while (!got && now_ns() < deadline) {
                        struct pollfd p = { .fd = in, .events = POLLIN };
                        if (poll(&p, 1, 100) < 0 && errno != EINTR)
                                die("poll");
                        while (read(in, evbuf, sizeof(evbuf)) > 0)
                                ;
                        if (!sh->exit_ns)
                                continue;
                        if (agent) {
                                /* Only an agent that started after the exit is this release's. */
                                while (!got && next_agent_line(log_fd, &log_off, agent_path, &t)) {
                                        runs++;
                                        if (t > sh->exit_ns) {
                                                stamp = t;
                                                got = true;
                                        }
                                }
                        } else {
                                int64_t t = now_ns();
                                char ev[256];
                                int fd = open(watched, O_RDONLY | O_CLOEXEC);
                                ssize_t r = fd < 0 ? -1 : read(fd, ev, sizeof(ev) - 1);
                                if (fd >= 0)
                                        close(fd);
                                if (r > 0) {
                                        ev[r] = 0;
                                        if (strstr(ev, "populated 0")) {
                                                stamp = t;
                                                got = true;
                                        }
                                }
                        }
                }
                waitpid(pid, NULL, 0);
                if (got) {
                        add(&s, stamp - sh->exit_ns);
                        consecutive = 0;
                } else {
                        missed++;
                        if (++consecutive == 3) {
                                fprintf(stderr, "cgbench: 3 releases in a row without an agent, giving up\n");
                                break;
                        }
                }
        }
        sleep_ms(SETTLE_MS);
        while (agent && next_agent_line(log_fd, &log_off, agent_path, &t0))
                runs++;
        save(&s, out);
        if (agent)
                printf("samples=%zu missed=%ld releases=%ld agent_runs=%ld\n", s.n, missed, n, runs);
        else
                printf("samples=%zu missed=%ld\n", s.n, missed);
        return missed ? 1 : 0;
}

/* --- statistics --- */

static int cmp64(const void *a, const void *b) {
        int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
        return (x > y) - (x < y);
}

/* Nearest-rank percentile. */
static int64_t pct(const struct samples *s, double p) {
        size_t k = (size_t) (p / 100.0 * (double) s->n + 0.999999);
        if (k < 1)
                k = 1;
        if (k > s->n)
                k = s->n;
        return s->v[k - 1];
}

static int cmd_stats(int argc, char **argv) {
        struct samples s = {};
        for (int i = 1; i < argc; i++) {
                FILE *f = fopen(argv[i], "r");
                long long v;
                if (!f)
                        continue;
                while (fscanf(f, "%lld", &v) == 1)
                        add(&s, v);
                fclose(f);
        }
        if (s.n == 0) {
                printf("0 - - - - - - -\n");
                return 0;
        }
        qsort(s.v, s.n, sizeof(*s.v), cmp64);
        double sum = 0;
        for (size_t i = 0; i < s.n; i++)
                sum += (double) s.v[i];
        printf("%zu %lld %lld %lld %lld %lld %lld %.0f\n", s.n, (long long) s.v[0], (long long) pct(&s, 10),
               (long long) pct(&s, 50), (long long) pct(&s, 90), (long long) pct(&s, 99), (long long) s.v[s.n - 1],
               sum / (double) s.n);
        return 0;
}

/* --- trees of groups --- */

static int cmd_groups(int argc, char **argv, bool make) {
        if (argc != 5 && !(argc == 6 && !make))
                return 2;
        const char *leaf = argc == 6 ? argv[5] : NULL;
        int dfd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                die(argv[1]);
        long from = parse_long(argv[3]), to = parse_long(argv[4]);
        int64_t t0 = now_ns();
        long done = 0, failed = 0;
        for (long i = from; i < to; i++) {
                char name[NAME_MAX + 1], leaf_path[2 * NAME_MAX + 2];
                snprintf(name, sizeof(name), "%s%ld", argv[2], i);
                if (make) {
                        if (mkdirat(dfd, name, 0755) < 0 && errno != EEXIST)
                                die(name);
                } else if (unlinkat(dfd, name, AT_REMOVEDIR) < 0) {
                        if (errno == ENOENT)
                                continue;
                        /* cgcompatd gives groups made directly in v2 their leaf: remove it first. */
                        snprintf(leaf_path, sizeof(leaf_path), "%s/%s", name, leaf ? leaf : "");
                        if (!leaf || errno != EBUSY || unlinkat(dfd, leaf_path, AT_REMOVEDIR) < 0 ||
                            unlinkat(dfd, name, AT_REMOVEDIR) < 0) {
                                if (failed++ == 0)
                                        fprintf(stderr, "cgbench: rmdir %s: %s\n", name, strerror(errno));
                                continue;
                        }
                }
                done++;
        }
        printf("%ld groups %s in %.3f s\n", done, make ? "made" : "removed", (double) (now_ns() - t0) / 1e9);
        if (failed)
                fprintf(stderr, "cgbench: %ld groups could not be removed\n", failed);
        return failed ? 1 : 0;
}

static int cmd_lookup_all(int argc, char **argv) {
        if (argc != 2)
                return 2;
        DIR *d = opendir(argv[1]);
        if (!d)
                die(argv[1]);
        int64_t t0 = now_ns();
        long n = 0, failed = 0;
        int first_errno = 0;
        struct dirent *de;
        while ((errno = 0, de = readdir(d))) {
                struct stat st;
                if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                        continue;
                if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
                        if (!first_errno)
                                first_errno = errno;
                        failed++;
                        continue;
                }
                if (S_ISDIR(st.st_mode))
                        n++;
        }
        if (errno)
                die("readdir");
        closedir(d);
        printf("%ld %ld %.3f %s\n", n, failed, (double) (now_ns() - t0) / 1e9,
               first_errno ? strerror(first_errno) : "-");
        return 0;
}

static void *idle_thread(void *arg) {
        (void) arg;
        for (;;)
                pause();
        return NULL;
}

static int cmd_hold_threads(int argc, char **argv) {
        if (argc != 3)
                return 2;
        long n = parse_long(argv[1]);
        pthread_attr_t attr;

        prctl(PR_SET_PDEATHSIG, SIGKILL);
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, 65536);
        for (long i = 1; i < n; i++) {
                pthread_t t;
                int e = pthread_create(&t, &attr, idle_thread, NULL);
                if (e) {
                        errno = e;
                        die("pthread_create");
                }
        }
        char tmp[PATH_MAX];
        snprintf(tmp, sizeof(tmp), "%s.tmp", argv[2]);
        FILE *f = fopen(tmp, "w");
        if (!f || fprintf(f, "%d\n", (int) getpid()) < 0 || fclose(f) || rename(tmp, argv[2]))
                die(argv[2]);
        for (;;)
                pause();
}

static int cmd_spawn_wait(int argc, char **argv) {
        if (argc < 5)
                return 2;
        const char *file = argv[1], *result = argv[2];
        long timeout_s = parse_long(argv[3]);
        int64_t t0 = now_ns();
        pid_t pid = fork();
        if (pid < 0)
                die("fork");
        if (pid == 0) {
                execvp(argv[4], argv + 4);
                _exit(127);
        }
        char tmp[PATH_MAX], line[64];
        snprintf(tmp, sizeof(tmp), "%s.tmp", result);
        snprintf(line, sizeof(line), "timeout %d\n", (int) pid);
        for (;;) {
                struct stat st;
                if (stat(file, &st) == 0) {
                        snprintf(line, sizeof(line), "%lld %d\n", (long long) (now_ns() - t0), (int) pid);
                        break;
                }
                if (waitpid(pid, NULL, WNOHANG) == pid) {
                        snprintf(line, sizeof(line), "died %d\n", (int) pid);
                        pid = -1;
                        break;
                }
                if (now_ns() - t0 > timeout_s * 1000000000LL)
                        break;
                struct timespec ts = { 0, 200000 };
                nanosleep(&ts, NULL);
        }
        FILE *f = fopen(tmp, "w");
        if (!f || fputs(line, f) < 0 || fclose(f) || rename(tmp, result))
                die(result);
        if (pid < 0)
                return 1;
        int status;
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        die("waitpid");
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv) {
        int r = 2;
        if (argc >= 2) {
                const char *c = argv[1];
                argc--;
                argv++;
                if (!strcmp(c, "attach"))
                        r = cmd_attach(argc, argv);
                else if (!strcmp(c, "mkdir-rmdir"))
                        r = cmd_mkdir_rmdir(argc, argv);
                else if (!strcmp(c, "read"))
                        r = cmd_read(argc, argv);
                else if (!strcmp(c, "open-close"))
                        r = cmd_open_close(argc, argv);
                else if (!strcmp(c, "stat"))
                        r = cmd_stat(argc, argv);
                else if (!strcmp(c, "release"))
                        r = cmd_release(argc, argv);
                else if (!strcmp(c, "stats"))
                        r = cmd_stats(argc, argv);
                else if (!strcmp(c, "mkgroups"))
                        r = cmd_groups(argc, argv, true);
                else if (!strcmp(c, "rmgroups"))
                        r = cmd_groups(argc, argv, false);
                else if (!strcmp(c, "lookup-all"))
                        r = cmd_lookup_all(argc, argv);
                else if (!strcmp(c, "hold-threads"))
                        r = cmd_hold_threads(argc, argv);
                else if (!strcmp(c, "spawn-wait"))
                        r = cmd_spawn_wait(argc, argv);
                else if (!strcmp(c, "now") && argc == 1) {
                        printf("%lld\n", (long long) now_ns());
                        r = 0;
                }
        }
        if (r == 2)
                fprintf(stderr, "usage: see the comment at the top of tests/bench/cgbench.c\n");
        return r;
}
