/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "metrics_file.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "compat/clock.h"
#include "compat/task_info.h"
#include "compat/text.h"
#include "log.h"
#include "mountpoint.h"

#define STARTS_FILE "starts"

static void closedirp(DIR **d) {
        if (*d)
                closedir(*d);
}

static int64_t realtime_ns(void) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* How many starts <runtime_dir>/starts had, then one more recorded. */
static int count_start(const char *runtime_dir, uint64_t *ret) {
        char path[PATH_MAX], number[32];
        _cleanup_free_ char *text = NULL;
        uint64_t starts = 0;
        int r;

        if (snprintf(path, sizeof(path), "%s/" STARTS_FILE, runtime_dir) >= (int) sizeof(path))
                return -ENAMETOOLONG;
        r = mkdir_p(runtime_dir);
        if (r < 0)
                return r;
        r = read_all_at(AT_FDCWD, path, sizeof(number), &text, NULL);
        if (r >= 0 && sscanf(text, "%" SCNu64, &starts) != 1)
                starts = 0; /* not ours, or cut short: counting starts again beats refusing to start */
        else if (r < 0 && r != -ENOENT)
                return r;
        snprintf(number, sizeof(number), "%" PRIu64 "\n", starts + 1);
        r = write_file_atomic(path, number, strlen(number));
        if (r < 0)
                return r;
        *ret = starts;
        return 0;
}

int metrics_file_init(struct metrics_file *f, const char *path, uint64_t interval_ms, const char *runtime_dir) {
        int r;

        assert(f);
        assert(runtime_dir);

        *f = (struct metrics_file) {
                .path = path ?: "",
                .timer_fd = -1,
                .start_time_ns = realtime_ns(),
                .groups = -1,
                .tasks = -1,
        };
        r = count_start(runtime_dir, &f->restarts);
        if (r < 0)
                log_warning_errno(r, runtime_dir, "cannot count this start in " STARTS_FILE ": restarts reported as 0");
        if (!f->path[0])
                return 0;

        assert(interval_ms > 0);
        struct itimerspec its = {
                .it_interval = { .tv_sec = (time_t) (interval_ms / 1000), .tv_nsec = (long) (interval_ms % 1000) * 1000000 },
        };
        its.it_value = its.it_interval;
        f->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
        if (f->timer_fd < 0)
                return log_error_errno(negative_errno(), f->path, "cannot make the metrics timer");
        if (timerfd_settime(f->timer_fd, 0, &its, NULL) < 0)
                return log_error_errno(negative_errno(), f->path, "cannot arm the metrics timer");
        return 0;
}

void metrics_file_free(struct metrics_file *f) {
        if (!f)
                return;
        closep(&f->timer_fd);
        f->timer_fd = -1;
}

int metrics_file_fd(const struct metrics_file *f) {
        return f->timer_fd;
}

bool metrics_file_due(struct metrics_file *f) {
        uint64_t expirations;
        return f->timer_fd >= 0 && read(f->timer_fd, &expirations, sizeof(expirations)) == sizeof(expirations);
}

void metrics_file_count_tree(struct metrics_file *f, const struct compat_tree *t, struct metrics_gauges *g) {
        int64_t begin = monotonic_ns();
        int r;

        if (begin >= f->next_walk_ns) {
                r = metrics_count_tree(t, &f->groups, &f->tasks);
                if (r < 0)
                        log_warning_errno(r, t->root_path, "cannot count the groups and tasks for the metrics");
                int64_t took = monotonic_ns() - begin;
                /* A walk of a few ms is no burden to space out: its figures stay current. */
                f->next_walk_ns = took > 10 * 1000000 ? begin + 100 * took : 0;
                log_debug(t->root_path, "%" PRId64 " groups and %" PRId64 " tasks counted in %.1f ms", f->groups, f->tasks,
                          (double) took / 1e6);
        }
        g->groups = f->groups;
        g->tasks = f->tasks;
}

int metrics_file_write(struct metrics_file *f, const struct metrics *m, struct metrics_gauges *g) {
        _cleanup_(text_free) struct text out = {};
        int r;

        assert(f);
        if (!f->path[0])
                return 0;
        g->restarts = f->restarts;
        g->start_time_ns = f->start_time_ns;
        r = metrics_format(m, g, &out);
        if (r >= 0)
                r = write_file_atomic(f->path, out.data ?: "", out.len);
        if (r != f->last_error) {
                /* Once per change: a missing directory is the usual case where node_exporter is not installed. */
                if (r == -ENOENT)
                        log_info(f->path, "its directory does not exist: metrics are not written until it does");
                else if (r < 0)
                        log_warning_errno(r, f->path, "cannot write the metrics, trying again at each interval");
                else if (f->last_error)
                        log_info(f->path, "metrics written again");
                f->last_error = r;
        }
        return r;
}

struct group_count {
        const struct compat_tree *tree;
        int fd; /* of the group whose children are being counted */
        int64_t n;
};

static int count_groups_below(const struct compat_tree *t, int fd, int64_t *n);

/*
 * A cgroup directory's link count is 2 plus its subdirectories (kernfs keeps it), so a child
 * whose only subdirectory is its leaf, as most are, is neither opened nor listed: listing a
 * cgroup directory costs tens of µs, a stat about one.
 */
static int count_child(void *userdata, const char *name, const char *v2_name, ino_t ino) {
        struct group_count *c = userdata;
        const struct compat_tree *t = c->tree;
        _cleanup_close_ int fd = -1;
        char leaf[GROUP_NAME_MAX + NAME_MAX + 2];
        struct stat st;
        int r;

        (void) name, (void) ino;
        c->n++;
        r = t->backend->stat(c->fd, v2_name, &st);
        if (r < 0)
                return r == -ENOENT ? 0 : r; /* removed meanwhile */
        if (st.st_nlink <= 2)
                return 0;
        snprintf(leaf, sizeof(leaf), "%s/%s", v2_name, t->leaf);
        if (st.st_nlink == 3 && t->backend->stat(c->fd, leaf, &st) >= 0)
                return 0;
        r = t->backend->open_child(c->fd, v2_name, &fd);
        if (r >= 0)
                r = count_groups_below(t, fd, &c->n);
        return r == -ENOENT || r == -ENODEV ? 0 : r;
}

static int count_groups_below(const struct compat_tree *t, int fd, int64_t *n) {
        struct group_count c = { .tree = t, .fd = fd };
        int r = tree_for_each_child(t, fd, NULL, count_child, &c);

        if (r < 0)
                return r;
        *n += c.n;
        return 0;
}

/*
 * Processes from /proc rather than from each group's cgroup.procs: the cost is that of the
 * machine's processes, not of the tree's groups.
 */
static int count_tasks(const struct compat_tree *t, int64_t *ret) {
        _cleanup_(closedirp) DIR *proc = NULL;
        size_t root_len = strlen(t->root_cgroup);
        struct dirent *de;
        int64_t n = 0;

        *ret = -1;
        if (root_len == 0)
                return 0; /* the tree is not below our cgroup2 mount: /proc cannot say, and no sample beats a wrong one */
        proc = opendir("/proc");
        if (!proc)
                return negative_errno();
        while ((errno = 0, de = readdir(proc))) {
                char cgroup[PATH_MAX];

                if (de->d_name[0] < '1' || de->d_name[0] > '9')
                        continue;
                if (task_cgroup2_path((pid_t) atoi(de->d_name), cgroup, sizeof(cgroup)) < 0)
                        continue; /* exited meanwhile, or in no v2 cgroup */
                size_t len = strlen(cgroup);
                if (len >= root_len && memcmp(cgroup, t->root_cgroup, root_len) == 0 &&
                    (len == root_len || cgroup[root_len] == '/' || root_len == 1))
                        n++;
        }
        if (errno)
                return negative_errno();
        *ret = n;
        return 0;
}

int metrics_count_tree(const struct compat_tree *t, int64_t *ret_groups, int64_t *ret_tasks) {
        int64_t groups = 0;
        int r;

        assert(t);
        r = count_groups_below(t, t->root_fd, &groups);
        *ret_groups = r >= 0 ? groups : -1;
        *ret_tasks = -1;
        if (r >= 0)
                r = count_tasks(t, ret_tasks);
        return r;
}
