/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The cpuacct subsystem: its v1 files over their v2 forms (MAPPING.md §3).
 * v2 has no cpuacct controller; cpu.stat's usage_usec, user_usec and
 * system_usec exist in every group, with the cpu controller or without it.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "convert_cpu.h"
#include "group_io.h"
#include "kstrto.h"
#include "legacy_file.h"
#include "membership.h"

#define NSEC_PER_USEC UINT64_C(1000)

/* Where the counters stood when cpuacct.usage was last reset: v2 counters only grow. */
#define BASELINE_STATE "cpuacct.baseline"

/* The v2 counters of the group behind @fd. */
static int v2_counters(const struct file_ctx *ctx, int fd, struct cpu_usage *ret) {
        struct file_ctx at = *ctx;
        _cleanup_free_ char *text = NULL;
        int r;

        at.fd = fd;
        r = group_read_v2(&at, "cpu.stat", &text);
        if (r < 0)
                return r;
        return cpu_usage_parse(text, ret);
}

static int summed_counters(const struct file_ctx *ctx, int fd, struct cpu_usage *ret_v2, struct cpu_usage *ret_sum);

/* What a group's v2 children add up to (cpu_usage_own()), and what the view's children report. */
struct children_sums {
        const struct file_ctx *ctx;
        int fd;
        struct cpu_usage children, own, held;
        unsigned n;
};

static int add_child(struct children_sums *s, int fd, bool held) {
        struct cpu_usage v2, sum;
        int r = held ? summed_counters(s->ctx, fd, &v2, &sum) : v2_counters(s->ctx, fd, &v2);
        if (r < 0)
                return r;
        cpu_usage_add(&s->children, &v2);
        cpu_usage_add(held ? &s->held : &s->own, held ? &sum : &v2);
        s->n++;
        return 0;
}

static int add_child_group(void *userdata, const char *name, const char *v2_name, ino_t ino) {
        struct children_sums *s = userdata;
        _cleanup_close_ int fd = -1;
        int r;

        (void) name, (void) ino;
        r = s->ctx->tree->backend->open_child(s->fd, v2_name, &fd);
        if (r >= 0)
                r = membership_held(s->ctx->tree, fd, s->ctx->view->key);
        if (r >= 0)
                r = add_child(s, fd, r > 0);
        return r == -ENOENT ? 0 : r; /* removed meanwhile: its time is in the group's own now */
}

/*
 * A group's counters as v1 sums them: its own part and what each child the view
 * holds reports, recursively, so that a parent is exactly its children and its
 * own. The cost is a read per group below it in the view, where v1's is one.
 */
static int summed_counters(const struct file_ctx *ctx, int fd, struct cpu_usage *ret_v2, struct cpu_usage *ret_sum) {
        struct children_sums s = { .ctx = ctx, .fd = fd };
        _cleanup_close_ int leaf_fd = -1;
        int r;

        r = v2_counters(ctx, fd, ret_v2);
        if (r < 0)
                return r;
        r = tree_open_leaf(ctx->tree, fd, false, &leaf_fd);
        if (r >= 0)
                r = add_child(&s, leaf_fd, false);
        if (r >= 0 || r == -ENOENT)
                r = tree_for_each_child(ctx->tree, fd, NULL, add_child_group, &s);
        if (r < 0)
                return r;
        *ret_sum = cpu_usage_own(ret_v2, &s.children, &s.own, s.n);
        cpu_usage_add(ret_sum, &s.held);
        return 0;
}

static int usage_counters(const struct file_ctx *ctx, struct cpu_usage *ret) {
        struct cpu_usage v2;
        return summed_counters(ctx, ctx->fd, &v2, ret);
}

/* The counters since the last reset, as v1 counts them. */
static int usage_since_reset(const struct file_ctx *ctx, struct cpu_usage *ret) {
        struct cpu_usage now, baseline;
        char text[128];
        int r;

        r = usage_counters(ctx, &now);
        if (r < 0)
                return r;
        r = legacy_state_get(ctx, BASELINE_STATE, text, sizeof(text));
        if (r == -ENODATA) {
                *ret = now;
                return 0;
        }
        if (r < 0)
                return r;
        r = cpu_usage_parse_baseline(text, &baseline);
        if (r < 0)
                return r;
        *ret = cpu_usage_since(&now, &baseline);
        return 0;
}

/* The row's counter (its arg is the v2 key) since the last reset, in ns. */
static int row_counter_ns(const struct file_ctx *ctx, uint64_t *ret) {
        struct cpu_usage u;
        int kind = cpu_usage_kind_from_key(ctx->file->arg);
        int r;

        assert(kind >= 0);
        r = usage_since_reset(ctx, &u);
        if (r < 0)
                return r;
        *ret = u.usec[kind] * NSEC_PER_USEC;
        return 0;
}

static int usage_read(const struct file_ctx *ctx, struct text *out) {
        uint64_t ns;
        int r = row_counter_ns(ctx, &ns);
        if (r < 0)
                return r;
        return text_printf(out, "%" PRIu64 "\n", ns);
}

static int usage_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        struct cpu_usage now;
        unsigned long long value;
        char text[128];
        int r;

        r = kstrtoull(buf, len, 0, &value);
        if (r < 0)
                return r;
        if (value != 0)
                return -EINVAL; /* cpuusage_write(): only a reset */
        if (ctx->is_root)
                return 0; /* "Don't allow to reset global kernel_cpustat": v1 accepts and keeps counting */

        /* One reset covers every file of the group, as v1 zeroes usage and cpustat together. */
        r = usage_counters(ctx, &now);
        if (r < 0)
                return r;
        r = cpu_usage_format(&now, text, sizeof(text));
        if (r < 0)
                return r;
        return legacy_state_set(ctx, BASELINE_STATE, text, strlen(text));
}

static int stat_read(const struct file_ctx *ctx, struct text *out) {
        struct cpu_usage u;
        int r = usage_since_reset(ctx, &u);
        if (r < 0)
                return r;
        return cpuacct_stat_format(&u, (unsigned long) sysconf(_SC_CLK_TCK), out);
}

/* The CPUs v1 lists per-CPU counters for: every possible one. */
static int possible_cpus(char *buf, size_t size) {
        FILE *f = fopen("/sys/devices/system/cpu/possible", "re");
        if (!f)
                return negative_errno();
        char *line = fgets(buf, (int) size, f);
        fclose(f);
        return line ? 0 : -EIO;
}

/*
 * The CPU that shows the whole of the group's usage in the per-CPU files: the
 * first the group may run on, else CPU 0. v2 keeps no per-CPU usage; totals
 * and sums over CPUs stay true, the distribution does not (MAPPING.md §3 (b)).
 */
static unsigned home_cpu(const struct file_ctx *ctx) {
        _cleanup_free_ char *cpus = NULL;
        unsigned cpu;

        if (group_read_v2(ctx, "cpuset.cpus.effective", &cpus) < 0 || cpu_list_first(cpus, &cpu) < 0)
                return 0;
        return cpu;
}

static int percpu_read(const struct file_ctx *ctx, struct text *out) {
        char possible[4096];
        uint64_t ns;
        int r;

        r = row_counter_ns(ctx, &ns);
        if (r >= 0)
                r = possible_cpus(possible, sizeof(possible));
        if (r < 0)
                return r;
        return cpuacct_percpu_format(possible, home_cpu(ctx), ns, out);
}

static int all_read(const struct file_ctx *ctx, struct text *out) {
        char possible[4096];
        struct cpu_usage u;
        int r;

        r = usage_since_reset(ctx, &u);
        if (r >= 0)
                r = possible_cpus(possible, sizeof(possible));
        if (r < 0)
                return r;
        return cpuacct_all_format(possible, home_cpu(ctx), u.usec[CPU_USAGE_USER] * NSEC_PER_USEC,
                                  u.usec[CPU_USAGE_SYSTEM] * NSEC_PER_USEC, out);
}

#define CPUACCT_ROW(n, m, ...) \
        { .name = "cpuacct." n, .mode = (m), .requires = "cpu.stat", .mapping = MAP_LOSSY, __VA_ARGS__ }

/*
 * In the order of the kernel's cpuacct files[]. All are lossy: v2 counts in µs
 * (v1 in ns), and splits user and system time from scaled cputime.
 */
static const struct legacy_file files[] = {
        CPUACCT_ROW("usage", 0644, .arg = "usage_usec", .read = usage_read, .write = usage_write),
        CPUACCT_ROW("usage_user", 0444, .arg = "user_usec", .read = usage_read),
        CPUACCT_ROW("usage_sys", 0444, .arg = "system_usec", .read = usage_read),
        /* No per-CPU data in v2: all on one CPU. */
        CPUACCT_ROW("usage_percpu", 0444, .arg = "usage_usec", .read = percpu_read),
        CPUACCT_ROW("usage_percpu_user", 0444, .arg = "user_usec", .read = percpu_read),
        CPUACCT_ROW("usage_percpu_sys", 0444, .arg = "system_usec", .read = percpu_read),
        CPUACCT_ROW("usage_all", 0444, .read = all_read),
        /* USER_HZ ticks from µs, not from the tick's own cpustat. */
        CPUACCT_ROW("stat", 0444, .read = stat_read),
};

/* cpuacct writes no v2 file; its one state is not a row's, and would be a stale baseline. */
static int cpuacct_reset_group(const struct file_ctx *ctx) {
        int r = legacy_state_remove(ctx, BASELINE_STATE);
        return r == -ENODATA ? 0 : r;
}

const struct subsystem subsys_cpuacct = {
        .name = "cpuacct",
        .files = files,
        .n_files = ELEMENTSOF(files),
        .reset_group = cpuacct_reset_group,
};
