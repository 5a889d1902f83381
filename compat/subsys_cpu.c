/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The cpu subsystem: its v1 files over their v2 forms (MAPPING.md §2). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "convert_cpu.h"
#include "group_io.h"
#include "kstrto.h"
#include "legacy_file.h"

static int shares_read(const struct file_ctx *ctx, struct text *out) {
        _cleanup_free_ char *weight_text = NULL;
        char written[32];
        uint64_t weight;
        int r;

        r = group_read_v2(ctx, "cpu.weight", &weight_text);
        if (r < 0)
                return r;
        r = sticky_recall(ctx, weight_text, written, sizeof(written));
        if (r < 0)
                return r;
        if (r > 0)
                return text_printf(out, "%s\n", written);
        r = v2_parse_u64(weight_text, &weight);
        if (r < 0)
                return r;
        return text_printf(out, "%" PRIu64 "\n", cpu_weight_to_shares(weight));
}

static int shares_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        unsigned long long value;
        char weight[32], shares[32];
        int r;

        r = kstrtoull(buf, len, 0, &value);
        if (r < 0)
                return r;
        if (ctx->is_root)
                return -EINVAL; /* the root task group has no scheduling entity to weigh */

        /* What v1 would store and read back: clamped into [2, 262144], never refused. */
        snprintf(shares, sizeof(shares), "%" PRIu64, cpu_shares_clamp(value));
        snprintf(weight, sizeof(weight), "%" PRIu64, cpu_shares_to_weight(value));
        r = group_write_v2(ctx, "cpu.weight", weight);
        if (r < 0)
                return r;
        /* 1000 becomes weight 98, which reads 1004: keep the 1000 while v2 holds 98. */
        return sticky_remember(ctx, weight, shares, strlen(shares));
}

/* The cpu.max of the group behind @fd: ctx's row and tree, another group. */
static int bandwidth_of(const struct file_ctx *ctx, int fd, uint64_t *ret_quota, uint64_t *ret_period) {
        struct file_ctx at = *ctx;
        _cleanup_free_ char *text = NULL;
        int r;

        at.fd = fd;
        r = group_read_v2(&at, "cpu.max", &text);
        if (r < 0)
                return r;
        return cpu_max_parse(text, ret_quota, ret_period);
}

/* 1 if @fd is the view's root, or is not in the tree at all (no group is above the root). */
static int is_view_root(const struct file_ctx *ctx, int fd, const struct stat *tree_root) {
        struct stat st;
        int r = ctx->tree->backend->stat(fd, NULL, &st);
        if (r < 0)
                return r;
        return st.st_ino == tree_root->st_ino || st.st_dev != tree_root->st_dev;
}

/*
 * The ratio a group's parent hands down (its hierarchical_quota): the nearest
 * limited ancestor's. The view's root is v1's root task group, which is never
 * limited: what v2 sets above or on it clamps silently, as v1's root would not.
 */
static int inherited_ratio(const struct file_ctx *ctx, uint64_t *ret) {
        const struct backend_ops *b = ctx->tree->backend;
        _cleanup_close_ int fd = -1;
        struct stat tree_root;
        int r;

        r = b->stat(ctx->tree->root_fd, NULL, &tree_root);
        if (r >= 0)
                r = b->open_child(ctx->fd, "..", &fd);
        if (r < 0)
                return r;
        for (;;) {
                uint64_t quota, period;

                r = is_view_root(ctx, fd, &tree_root);
                if (r < 0)
                        return r;
                if (r > 0) {
                        *ret = CFS_RATIO_UNLIMITED;
                        return 0;
                }
                r = bandwidth_of(ctx, fd, &quota, &period);
                if (r < 0 && r != -ENOENT)
                        return r;
                if (r >= 0 && quota != CFS_QUOTA_UNLIMITED) {
                        *ret = cfs_ratio(quota, period);
                        return 0;
                }

                int parent_fd;
                r = b->open_child(fd, "..", &parent_fd);
                if (r < 0)
                        return r;
                closep(&fd);
                fd = parent_fd;
        }
}

struct descendants_check {
        const struct file_ctx *ctx;
        int fd;
        uint64_t inherited;
};

static int check_descendants(const struct file_ctx *ctx, int fd, uint64_t inherited);

static int check_child(void *userdata, const char *name, const char *v2_name, ino_t ino) {
        const struct descendants_check *d = userdata;
        _cleanup_close_ int fd = -1;
        uint64_t quota, period, effective;
        int r;

        (void) name;
        (void) ino;
        r = d->ctx->tree->backend->open_child(d->fd, v2_name, &fd);
        if (r == -ENOENT)
                return 0; /* removed meanwhile */
        if (r < 0)
                return r;
        r = bandwidth_of(d->ctx, fd, &quota, &period);
        if (r == -ENOENT)
                return 0; /* no cpu controller from here down: nothing limited */
        if (r < 0)
                return r;
        r = cfs_ratio_within(cfs_ratio(quota, period), d->inherited, &effective);
        if (r < 0)
                return r;
        /* A limited child was judged against itself when it was set; an unlimited one passes ours down. */
        if (quota != CFS_QUOTA_UNLIMITED)
                return 0;
        return check_descendants(d->ctx, fd, effective);
}

/* tg_cfs_schedulable_down() below a group whose children now inherit @inherited. */
static int check_descendants(const struct file_ctx *ctx, int fd, uint64_t inherited) {
        struct descendants_check d = { .ctx = ctx, .fd = fd, .inherited = inherited };

        if (inherited == CFS_RATIO_UNLIMITED)
                return 0;
        return tree_for_each_child(ctx->tree, fd, ctx->view->key, check_child, &d);
}

/*
 * Sets cpu.max as cgroup1's tg_set_cfs_bandwidth() would: its limits, then its
 * hierarchy rule (a group may not have more than its parent, nor less than a
 * child already has), which v2 replaces with a silent min().
 */
static int set_bandwidth(const struct file_ctx *ctx, uint64_t quota, uint64_t period) {
        uint64_t inherited, effective;
        char value[64];
        int r;

        if (ctx->is_root)
                return -EINVAL;
        r = cfs_bandwidth_check(quota, period);
        if (r < 0)
                return r;
        r = inherited_ratio(ctx, &inherited);
        if (r < 0)
                return r;
        r = cfs_ratio_within(cfs_ratio(quota, period), inherited, &effective);
        if (r < 0)
                return r;
        r = check_descendants(ctx, ctx->fd, effective);
        if (r < 0)
                return r;
        r = cpu_max_format(quota, period, value, sizeof(value));
        if (r < 0)
                return r;
        return group_write_v2(ctx, "cpu.max", value);
}

static int quota_read(const struct file_ctx *ctx, struct text *out) {
        uint64_t quota, period;
        int r = bandwidth_of(ctx, ctx->fd, &quota, &period);
        if (r < 0)
                return r;
        return text_printf(out, "%lld\n", cfs_quota_to_v1(quota));
}

static int quota_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        uint64_t quota, old_quota, period;
        long long value;
        int r;

        r = kstrtoll(buf, len, 0, &value);
        if (r < 0)
                return r;
        r = cfs_quota_from_v1(value, &quota);
        if (r < 0)
                return r;
        r = bandwidth_of(ctx, ctx->fd, &old_quota, &period);
        if (r < 0)
                return r;
        return set_bandwidth(ctx, quota, period);
}

static int period_read(const struct file_ctx *ctx, struct text *out) {
        uint64_t quota, period;
        int r = bandwidth_of(ctx, ctx->fd, &quota, &period);
        if (r < 0)
                return r;
        return text_printf(out, "%" PRIu64 "\n", period);
}

static int period_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        uint64_t quota, old_period, period;
        unsigned long long value;
        int r;

        r = kstrtoull(buf, len, 0, &value);
        if (r < 0)
                return r;
        r = cfs_period_from_v1(value, &period);
        if (r < 0)
                return r;
        r = bandwidth_of(ctx, ctx->fd, &quota, &old_period);
        if (r < 0)
                return r;
        return set_bandwidth(ctx, quota, period);
}

static int stat_read(const struct file_ctx *ctx, struct text *out) {
        _cleanup_free_ char *text = NULL;
        int r = group_read_v2(ctx, "cpu.stat", &text);
        if (r < 0)
                return r;
        return cpu_stat_to_v1(text, out);
}

/* Files v1 and v2 share (the row's arg names the v2 one): same handler in the kernel, same values. */
static int twin_read(const struct file_ctx *ctx, struct text *out) {
        _cleanup_free_ char *text = NULL;
        int r = group_read_v2(ctx, ctx->file->arg, &text);
        if (r < 0)
                return r;
        return text_printf(out, "%s\n", text);
}

/* A parsed number to the twin; v1's root task group takes none (v2 has no such file there). */
static int twin_write_number(const struct file_ctx *ctx, const char *value) {
        if (ctx->is_root)
                return -EINVAL;
        return group_write_v2(ctx, ctx->file->arg, value);
}

static int twin_write_u64(const struct file_ctx *ctx, const char *buf, size_t len) {
        unsigned long long value;
        char text[32];
        int r = kstrtoull(buf, len, 0, &value);
        if (r < 0)
                return r;
        snprintf(text, sizeof(text), "%llu", value);
        return twin_write_number(ctx, text);
}

static int twin_write_s64(const struct file_ctx *ctx, const char *buf, size_t len) {
        long long value;
        char text[32];
        int r = kstrtoll(buf, len, 0, &value);
        if (r < 0)
                return r;
        snprintf(text, sizeof(text), "%lld", value);
        return twin_write_number(ctx, text);
}

/* A seq-write twin parses the text itself: hand it over as written. */
static int twin_write_text(const struct file_ctx *ctx, const char *buf, size_t len) {
        _cleanup_free_ char *value = strndup(buf, len);
        if (!value)
                return -ENOMEM;
        return group_write_v2(ctx, ctx->file->arg, value);
}

/*
 * RT group bandwidth has no v2 home: v2's cpu controller does not control
 * realtime tasks, they run under the global sched_rt_runtime_us alone. Values
 * that keep v1's defaults (a child's runtime 0, the root's 950000, period
 * 1000000) are true as they are and are accepted quietly. Any other value goes
 * to the view's unsupported policy: refused with EOPNOTSUPP, or stored, read
 * back and logged. A stored runtime is never enforced: under the store policy
 * a group "granted" RT bandwidth gets none, so its RT tasks stay bound by the
 * global limit only (in v1 without the grant, attaching them would fail).
 * We chose this over EINVAL (MAPPING.md's suggestion) so that the choice is
 * the administrator's, as for every other file with no v2 home; v1's own
 * checks still refuse what v1 would refuse.
 */
static int rt_stored(const struct file_ctx *ctx, const char *name, uint64_t fallback, uint64_t *ret) {
        char text[64];
        long long value;
        int r = legacy_state_get(ctx, name, text, sizeof(text));
        if (r == -ENODATA) {
                *ret = fallback;
                return 0;
        }
        if (r < 0)
                return r;
        if (kstrtoll(text, strlen(text), 10, &value) < 0)
                return -EBADMSG;
        *ret = value < 0 ? RT_RUNTIME_UNLIMITED : (uint64_t) value;
        return 0;
}

/* The machine's global RT limit, which is all v2 has. */
static uint64_t rt_global(void) {
        long long runtime = (long long) RT_RUNTIME_ROOT_DEFAULT_US;
        unsigned long long period = RT_PERIOD_DEFAULT_US;
        FILE *f;

        if ((f = fopen("/proc/sys/kernel/sched_rt_runtime_us", "re"))) {
                if (fscanf(f, "%lld", &runtime) != 1)
                        runtime = (long long) RT_RUNTIME_ROOT_DEFAULT_US;
                fclose(f);
        }
        if ((f = fopen("/proc/sys/kernel/sched_rt_period_us", "re"))) {
                if (fscanf(f, "%llu", &period) != 1)
                        period = RT_PERIOD_DEFAULT_US;
                fclose(f);
        }
        return rt_global_ratio(runtime, period);
}

static int rt_set(const struct file_ctx *ctx, uint64_t runtime, uint64_t period, uint64_t value,
                  uint64_t default_value, const char *text) {
        int r = rt_bandwidth_check(ctx->is_root, runtime, period, rt_global());
        if (r < 0)
                return r;
        if (value == default_value)
                return legacy_state_remove(ctx, ctx->file->name);
        return unsupported_store(ctx, text, strlen(text));
}

static int rt_runtime_read(const struct file_ctx *ctx, struct text *out) {
        char fallback[32];
        snprintf(fallback, sizeof(fallback), "%" PRIu64, rt_runtime_default(ctx->is_root));
        return unsupported_read(ctx, fallback, out);
}

static int rt_runtime_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        uint64_t runtime, period;
        long long value;
        char text[32];
        int r;

        r = kstrtoll(buf, len, 0, &value);
        if (r < 0)
                return r;
        r = rt_runtime_from_v1(value, &runtime);
        if (r < 0)
                return r;
        r = rt_stored(ctx, "cpu.rt_period_us", RT_PERIOD_DEFAULT_US, &period);
        if (r < 0)
                return r;
        snprintf(text, sizeof(text), "%lld", runtime == RT_RUNTIME_UNLIMITED ? -1LL : (long long) runtime);
        return rt_set(ctx, runtime, period, runtime, rt_runtime_default(ctx->is_root), text);
}

static int rt_period_read(const struct file_ctx *ctx, struct text *out) {
        char fallback[32];
        snprintf(fallback, sizeof(fallback), "%llu", RT_PERIOD_DEFAULT_US);
        return unsupported_read(ctx, fallback, out);
}

static int rt_period_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        uint64_t runtime, period;
        unsigned long long value;
        char text[32];
        int r;

        r = kstrtoull(buf, len, 0, &value);
        if (r < 0)
                return r;
        r = rt_period_from_v1(value, &period);
        if (r < 0)
                return r;
        r = rt_stored(ctx, "cpu.rt_runtime_us", rt_runtime_default(ctx->is_root), &runtime);
        if (r < 0)
                return r;
        snprintf(text, sizeof(text), "%" PRIu64, period);
        return rt_set(ctx, runtime, period, period, RT_PERIOD_DEFAULT_US, text);
}

#define CPU_ROW(n, m, req, map, ...) { .name = "cpu." n, .mode = (m), .requires = req, .mapping = (map), __VA_ARGS__ }

/* In the order of the kernel's cpu_legacy_files. */
static const struct legacy_file files[] = {
        /* cpu.weight is coarser: read-back kept while v2 holds the weight. */
        CPU_ROW("shares", 0644, "cpu.max", MAP_LOSSY, .read = shares_read, .write = shares_write),
        CPU_ROW("idle", 0644, "cpu.idle", MAP_EXACT, .arg = "cpu.idle", .read = twin_read, .write = twin_write_s64),
        /* v1's hierarchy rule emulated; the view root counts as unlimited. */
        CPU_ROW("cfs_quota_us", 0644, "cpu.max", MAP_EXACT, .read = quota_read, .write = quota_write),
        CPU_ROW("cfs_period_us", 0644, "cpu.max", MAP_EXACT, .read = period_read, .write = period_write),
        CPU_ROW("cfs_burst_us", 0644, "cpu.max.burst", MAP_EXACT, .arg = "cpu.max.burst", .read = twin_read,
                .write = twin_write_u64),
        /* Times in µs precision; no wait_sum. */
        CPU_ROW("stat", 0444, "cpu.max", MAP_LOSSY, .read = stat_read),
        CPU_ROW("rt_runtime_us", 0644, "cpu.max", MAP_NONE, .read = rt_runtime_read, .write = rt_runtime_write),
        CPU_ROW("rt_period_us", 0644, "cpu.max", MAP_NONE, .read = rt_period_read, .write = rt_period_write),
        CPU_ROW("uclamp.min", 0644, "cpu.uclamp.min", MAP_EXACT, .place = NOT_ON_ROOT, .arg = "cpu.uclamp.min",
                .read = twin_read, .write = twin_write_text),
        CPU_ROW("uclamp.max", 0644, "cpu.uclamp.min", MAP_EXACT, .place = NOT_ON_ROOT, .arg = "cpu.uclamp.max",
                .read = twin_read, .write = twin_write_text),
};

/*
 * What a new v2 cgroup has in the files the rows write. cpu.idle goes first: an idle
 * group refuses a weight (sched_group_set_shares). The burst goes before the quota,
 * which may not fall below it.
 */
static const struct v2_default defaults[] = {
        { "cpu.idle", "0" },
        { "cpu.weight", "100" },
        { "cpu.max.burst", "0" },
        { "cpu.max", "max 100000" },
        { "cpu.uclamp.min", "0" },
        { "cpu.uclamp.max", "max" },
};

static int cpu_reset_group(const struct file_ctx *ctx) {
        return group_reset_v2(ctx, defaults, ELEMENTSOF(defaults));
}

const struct subsystem subsys_cpu = {
        .name = "cpu",
        .files = files,
        .n_files = ELEMENTSOF(files),
        .reset_group = cpu_reset_group,
};
