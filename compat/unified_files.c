/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "unified_files.h"

#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_files.h"
#include "group_io.h"
#include "kstrto.h"
#include "placement.h"

/* The first index of @pid in @sorted, which holds it. */
static size_t first_index(const pid_t *sorted, size_t n, pid_t pid) {
        size_t lo = 0, hi = n;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (sorted[mid] < pid)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

/*
 * v2's pidlists are not sorted: they come in the order the kernel walks the tasks. The view's
 * order is the leaf's, the group's, then the unheld groups' below; a task that moved between two
 * of those reads is still listed once, as v2 lists it once.
 */
static int list_unsorted(const struct file_ctx *ctx, bool processes, struct text *out) {
        struct pid_list tasks = {};
        _cleanup_free_ pid_t *sorted = NULL;
        _cleanup_free_ bool *listed = NULL;
        int r;

        r = view_tasks(ctx, processes, &tasks);
        if (r < 0 || tasks.n == 0)
                goto finish;
        sorted = malloc(tasks.n * sizeof(pid_t));
        listed = calloc(tasks.n, sizeof(bool));
        if (!sorted || !listed) {
                r = -ENOMEM;
                goto finish;
        }
        memcpy(sorted, tasks.pids, tasks.n * sizeof(pid_t));
        qsort(sorted, tasks.n, sizeof(pid_t), pid_compare);
        r = text_reserve(out, tasks.n * 12);
        for (size_t i = 0; r >= 0 && i < tasks.n; i++) {
                size_t k = first_index(sorted, tasks.n, tasks.pids[i]);
                if (listed[k])
                        continue;
                listed[k] = true;
                r = text_printf(out, "%d\n", (int) tasks.pids[i]);
        }
finish:
        pid_list_free(&tasks);
        return r;
}

int unified_procs_read(const struct file_ctx *ctx, struct text *out) {
        return list_unsorted(ctx, true, out);
}

int unified_threads_read(const struct file_ctx *ctx, struct text *out) {
        return list_unsorted(ctx, false, out);
}

static int same_group(const struct compat_tree *t, int a_fd, int b_fd) {
        struct stat a, b;
        int r = t->backend->stat(a_fd, NULL, &a);
        if (r >= 0)
                r = t->backend->stat(b_fd, NULL, &b);
        if (r < 0)
                return r;
        return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/*
 * v2 moves a thread on its own only inside a threaded subtree, and every group of the view is
 * a domain: a thread may only be "moved" to the group it is in already (cgroup_attach_permissions).
 */
int unified_threads_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        _cleanup_close_ int fd = -1;
        pid_t tid;
        int r;

        r = written_task(ctx, buf, len, &tid);
        if (r < 0)
                return r;
        if (kill(tid, 0) < 0 && errno == ESRCH)
                return -ESRCH;
        r = placement_of_task(ctx->tree, tid, ctx->view->key, &fd);
        if (r < 0)
                return r;
        if (r > 0)
                return -EOPNOTSUPP; /* outside the tree: another domain than any of the view's */
        r = same_group(ctx->tree, fd, ctx->fd);
        if (r < 0)
                return r;
        return r ? 0 : -EOPNOTSUPP;
}

int unified_empty_read(const struct file_ctx *ctx, struct text *out) {
        (void) ctx;
        (void) out;
        return 0;
}

/* The legacy names v1's /proc/cgroups gives the v2 controllers, where they differ. */
static const char *v1_name_of(const char *controller) {
        return strcmp(controller, "io") ? controller : "blkio";
}

/* Does @word appear in @text, between spaces or line ends? */
static bool has_word(const char *text, const char *word) {
        size_t n = strlen(word);
        for (const char *p = text; (p = strstr(p, word)); p += n)
                if ((p == text || p[-1] == ' ' || p[-1] == '\n') && (p[n] == 0 || p[n] == ' ' || p[n] == '\n'))
                        return true;
        return false;
}

/*
 * Is @name a v2 controller this kernel has? The kernel tells a name it does not know (EINVAL)
 * from a controller this hierarchy lacks (ENOENT). /proc/cgroups lists those that v1 can mount;
 * those v2 alone has are in the machine's cgroup2 root, where v1 never took them.
 */
static int kernel_has_controller(const struct compat_tree *t, const char *name) {
        static const char *const v2_controllers[] = {
                "cpuset", "cpu", "io", "memory", "hugetlb", "pids", "rdma", "misc", "dmem", "perf_event",
        };
        bool v2 = false;

        for (size_t i = 0; i < ELEMENTSOF(v2_controllers); i++)
                v2 |= !strcmp(v2_controllers[i], name);
        if (!v2)
                return 0;

        FILE *f = fopen("/proc/cgroups", "re");
        char line[256], subsys[64];
        bool listed = false;
        int enabled;
        while (f && !listed && fgets(line, sizeof(line), f))
                listed = sscanf(line, "%63s %*d %*d %d", subsys, &enabled) == 2 && enabled &&
                         !strcmp(subsys, v1_name_of(name));
        if (f)
                fclose(f);
        if (listed)
                return 1;

        char root[PATH_MAX];
        _cleanup_close_ int fd = -1;
        _cleanup_free_ char *text = NULL;
        size_t len;
        int r = cgroup2_mount_point(root, sizeof(root));
        if (r < 0)
                return r;
        fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        r = t->backend->read_file(fd, "cgroup.controllers", &text, &len);
        if (r < 0)
                return r;
        return has_word(text, name);
}

/*
 * cgroup_subtree_control_write(): every token is "+name" or "-name" of a controller the kernel
 * has (else EINVAL), then each enabled one must be available here (else ENOENT): none is, as on
 * a hybrid host whose controllers are all bound to v1. Disabling what is not enabled is no change.
 */
int unified_subtree_control_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        _cleanup_free_ char *copy = NULL;
        bool enable = false;
        char *p, *token;
        int r;

        kstrstrip(&buf, &len);
        copy = strndup(buf, len);
        if (!copy)
                return -ENOMEM;
        for (p = copy; (token = strsep(&p, " "));) {
                if (!token[0])
                        continue;
                if (token[0] != '+' && token[0] != '-')
                        return -EINVAL;
                r = kernel_has_controller(ctx->tree, token + 1);
                if (r < 0)
                        return r;
                if (r == 0)
                        return -EINVAL;
                enable |= token[0] == '+';
        }
        return enable ? -ENOENT : 0;
}

int unified_type_read(const struct file_ctx *ctx, struct text *out) {
        (void) ctx;
        return text_printf(out, "domain\n");
}

/* Only "threaded" may be written (else EINVAL); the view has no threaded subtrees to offer. */
int unified_type_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        (void) ctx;
        kstrstrip(&buf, &len);
        if (len != strlen("threaded") || memcmp(buf, "threaded", len))
                return -EINVAL;
        return -EOPNOTSUPP;
}

struct descendants {
        const struct compat_tree *t;
        const char *view_key;
        int fd;
        uint64_t n;
};

static int count_descendant(void *userdata, const char *name, const char *v2_name, ino_t ino) {
        struct descendants *d = userdata, below;
        _cleanup_close_ int fd = -1;
        int r;

        (void) name;
        (void) ino;
        d->n++;
        r = d->t->backend->open_child(d->fd, v2_name, &fd);
        if (r == -ENOENT)
                return 0; /* removed meanwhile: v2 would not count it either */
        if (r < 0)
                return r;
        below = (struct descendants) { .t = d->t, .view_key = d->view_key, .fd = fd };
        r = tree_for_each_child(d->t, fd, d->view_key, count_descendant, &below);
        d->n += below.n;
        return r;
}

/*
 * nr_descendants counts the groups this view holds below the group: the v2 count has the hidden
 * leaves and the other views' groups in it. Only a group with child groups is walked. Dying
 * cgroups have no directory left to tell whose they were; each group dies with its leaf, so
 * half of v2's count is the groups.
 */
int unified_stat_read(const struct file_ctx *ctx, struct text *out) {
        struct descendants d = { .t = ctx->tree, .view_key = ctx->view->key, .fd = ctx->fd };
        uint64_t v2_descendants, v2_dying;
        int r;

        r = group_read_keyed(ctx, "cgroup.stat", "nr_descendants", &v2_descendants);
        if (r >= 0)
                r = group_read_keyed(ctx, "cgroup.stat", "nr_dying_descendants", &v2_dying);
        if (r < 0)
                return r;
        if (v2_descendants > 1) {
                r = tree_for_each_child(ctx->tree, ctx->fd, ctx->view->key, count_descendant, &d);
                if (r < 0)
                        return r;
        }
        return text_printf(out, "nr_descendants %" PRIu64 "\nnr_dying_descendants %" PRIu64 "\n", d.n,
                           (v2_dying + 1) / 2);
}

/* A limit as cgroup.max.* take it (cgroup_max_depth_write): "max", else a non-negative int. */
static int parse_max(const char *buf, size_t len, bool *ret_max, int *ret) {
        int r;

        kstrstrip(&buf, &len);
        *ret_max = len == 3 && !memcmp(buf, "max", 3);
        if (*ret_max)
                return 0;
        r = kstrtoint(buf, len, 0, ret);
        if (r < 0)
                return r;
        return *ret < 0 ? -ERANGE : 0;
}

/* The view's limit @value is v2's @scale * value + 1: a group's leaf is one more cgroup below it. */
static int limit_write(const struct file_ctx *ctx, const char *buf, size_t len, long long scale) {
        long long v2;
        bool max;
        int value, r;

        r = parse_max(buf, len, &max, &value);
        if (r < 0)
                return r;
        v2 = scale * value + 1;
        if (max || v2 >= INT_MAX)
                return group_write_v2(ctx, ctx->file->name, "max");
        return group_printf_v2(ctx, ctx->file->name, "%lld", v2);
}

static int limit_read(const struct file_ctx *ctx, struct text *out, uint64_t scale) {
        _cleanup_free_ char *text = NULL;
        uint64_t v2;
        int r;

        r = group_read_v2(ctx, ctx->file->name, &text);
        if (r >= 0)
                r = v2_parse_limit(text, &v2);
        if (r < 0)
                return r;
        if (r > 0)
                return text_printf(out, "max\n");
        return text_printf(out, "%" PRIu64 "\n", v2 > 0 ? (v2 - 1) / scale : 0);
}

/* Depth: a group's leaf is one level deeper than the group. */
int unified_max_depth_read(const struct file_ctx *ctx, struct text *out) {
        return limit_read(ctx, out, 1);
}

int unified_max_depth_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        return limit_write(ctx, buf, len, 1);
}

/* Descendants: the group's own leaf, and each group below with its leaf. */
int unified_max_descendants_read(const struct file_ctx *ctx, struct text *out) {
        return limit_read(ctx, out, 2);
}

int unified_max_descendants_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        return limit_write(ctx, buf, len, 2);
}
