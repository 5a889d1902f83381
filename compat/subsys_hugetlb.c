/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The hugetlb subsystem (MAPPING.md §6.5): per huge page size, a fault counter
 * and a reservation counter, each with a limit, a usage, a high watermark and a
 * failure count. v2 has the limits and usages; the watermark and the failure
 * count v1 could reset have no v2 file that matches, so they are approximated
 * with state kept on the group (see their rows).
 *
 * A row's .arg names its counter: "2MB" for faults, "2MB.rsvd" for reservations.
 * The v1 rows and the v2 files of a counter are "hugetlb.<arg>.<what>", so one
 * function per shape serves every size and both counters. The sizes are
 * x86_64's; a size the kernel lacks has no hugetlb.<size>.max, so its rows are
 * not offered.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "convert_simple.h"
#include "group_io.h"

struct counter {
        const char *arg;       /* "2MB" or "2MB.rsvd" */
        char size[16];         /* "2MB" */
        uint64_t huge_page;    /* its bytes */
};

static int counter_of(const struct file_ctx *ctx, struct counter *ret) {
        const char *arg = ctx->file->arg;
        size_t n = strcspn(arg, ".");

        if (n >= sizeof(ret->size))
                return -EINVAL;
        memcpy(ret->size, arg, n);
        ret->size[n] = 0;
        ret->arg = arg;
        return hugetlb_size_parse(arg, n, &ret->huge_page);
}

/* "hugetlb.<arg>.<what>": a v2 file of the counter, or the name of one of its v1 rows. */
static int counter_file(const struct counter *c, const char *what, char *buf, size_t size) {
        int n = snprintf(buf, size, "hugetlb.%s.%s", c->arg, what);
        return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
}

static int limit_read(const struct file_ctx *ctx, struct text *out) {
        _cleanup_free_ char *text = NULL;
        struct counter c;
        char file[64];
        uint64_t bytes;
        int r;

        r = counter_of(ctx, &c);
        if (r >= 0)
                r = counter_file(&c, "max", file, sizeof(file));
        if (r >= 0)
                r = group_read_v2(ctx, file, &text);
        if (r >= 0)
                r = hugetlb_limit_from_v2(text, page_size(), c.huge_page, &bytes);
        if (r < 0)
                return r;
        return text_printf(out, "%" PRIu64 "\n", bytes);
}

static int limit_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        struct counter c;
        char file[64], value[32];
        int r;

        if (ctx->is_root)
                return -EINVAL; /* hugetlb_cgroup_write(): "Can't set limit on root", before parsing */
        r = counter_of(ctx, &c);
        if (r >= 0)
                r = counter_file(&c, "max", file, sizeof(file));
        if (r >= 0)
                r = hugetlb_limit_to_v2(buf, len, page_size(), c.huge_page, value, sizeof(value));
        if (r < 0)
                return r;
        return group_write_v2(ctx, file, value);
}

/*
 * The usage now and the high watermark seen so far. v2 keeps no watermark for
 * hugetlb, so the watermark is the highest usage the daemon has read (on each
 * read of the usage or of the watermark), kept on the group: it misses peaks
 * nobody looked at. An approximation, the best v2 allows. With @ret_max NULL
 * only the usage is wanted: keeping the watermark is then best effort.
 */
static int usage_and_watermark(const struct file_ctx *ctx, uint64_t *ret_usage, uint64_t *ret_max) {
        struct counter c;
        char file[64], key[64];
        uint64_t usage, seen = 0;
        int r;

        r = counter_of(ctx, &c);
        if (r >= 0)
                r = counter_file(&c, "current", file, sizeof(file));
        if (r >= 0)
                r = counter_file(&c, "max_usage_in_bytes", key, sizeof(key));
        if (r >= 0)
                r = group_read_u64(ctx, file, &usage);
        if (r < 0)
                return r;
        *ret_usage = usage;

        r = legacy_state_get_u64(ctx, key, 0, &seen);
        if (r >= 0 && usage > seen) {
                seen = usage;
                r = legacy_state_set_u64(ctx, key, seen);
        }
        if (ret_max) {
                if (r < 0)
                        return r;
                *ret_max = seen;
        }
        return 0;
}

static int usage_read(const struct file_ctx *ctx, struct text *out) {
        uint64_t usage;
        int r = usage_and_watermark(ctx, &usage, NULL);
        if (r < 0)
                return r;
        return text_printf(out, "%" PRIu64 "\n", usage);
}

static int max_usage_read(const struct file_ctx *ctx, struct text *out) {
        uint64_t usage, max;
        int r = usage_and_watermark(ctx, &usage, &max);
        if (r < 0)
                return r;
        return text_printf(out, "%" PRIu64 "\n", max);
}

/* Any write resets, whatever it says (hugetlb_cgroup_reset): the watermark becomes the usage. */
static int max_usage_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        uint64_t usage;
        int r;

        (void) buf;
        (void) len;
        r = usage_and_watermark(ctx, &usage, NULL);
        if (r < 0)
                return r;
        return legacy_state_set_u64(ctx, ctx->file->name, usage);
}

/*
 * v1 counts the charges this counter's limit refused. v2 counts, in
 * hugetlb.<size>.events "max", the charges refused to the group's tasks and its
 * children's, by any limit, faults and reservations together. That count less
 * the one at the last reset (kept on the group) is the failcnt: the same when
 * the limit that refuses is the group's own, which is how limits are used.
 */
static int events_max(const struct file_ctx *ctx, uint64_t *ret) {
        struct counter c;
        char file[64];
        int r;

        r = counter_of(ctx, &c);
        if (r >= 0) {
                int n = snprintf(file, sizeof(file), "hugetlb.%s.events", c.size);
                r = n < 0 || (size_t) n >= sizeof(file) ? -ENAMETOOLONG : 0;
        }
        if (r >= 0)
                r = group_read_keyed(ctx, file, "max", ret);
        return r;
}

static int failcnt_read(const struct file_ctx *ctx, struct text *out) {
        uint64_t events, baseline;
        int r = count_and_baseline(ctx, events_max, &events, &baseline);
        if (r < 0)
                return r;
        /* A baseline above the count is stale (not ours to explain): count from zero again. */
        return text_printf(out, "%" PRIu64 "\n", events >= baseline ? events - baseline : events);
}

static int failcnt_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        (void) buf;
        (void) len;
        return count_reset(ctx, events_max);
}

#define COUNTER_ROW(counter, what, m, map, ...) \
        { .name = "hugetlb." counter "." what, .mode = (m), .requires = "hugetlb." counter ".max", \
          .mapping = (map), .arg = counter, __VA_ARGS__ }

/* The v1 files of one counter (__hugetlb_cgroup_file_legacy_init makes them for each size). */
#define COUNTER_ROWS(counter) \
        COUNTER_ROW(counter, "limit_in_bytes", 0644, MAP_EXACT, .read = limit_read, .write = limit_write), \
        COUNTER_ROW(counter, "usage_in_bytes", 0444, MAP_EXACT, .read = usage_read), \
        COUNTER_ROW(counter, "max_usage_in_bytes", 0644, MAP_LOSSY, .read = max_usage_read, .write = max_usage_write), \
        COUNTER_ROW(counter, "failcnt", 0644, MAP_LOSSY, .read = failcnt_read, .write = failcnt_write)

#define SIZE_ROWS(size) COUNTER_ROWS(size), COUNTER_ROWS(size ".rsvd")

static const struct legacy_file files[] = {
        SIZE_ROWS("2MB"),
        SIZE_ROWS("1GB"),
};

/* Every counter's limit (the rows that write one) back to max, as a new v2 cgroup has it. */
static int hugetlb_reset_group(const struct file_ctx *ctx) {
        int result = 0;

        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                struct file_ctx at = *ctx;
                struct counter c;
                char file[64];

                if (files[i].write != limit_write)
                        continue;
                at.file = &files[i];
                int r = counter_of(&at, &c);
                if (r >= 0)
                        r = counter_file(&c, "max", file, sizeof(file));
                if (r >= 0) {
                        struct v2_default d = { file, "max" };
                        r = group_reset_v2(ctx, &d, 1);
                }
                if (r < 0 && result >= 0)
                        result = r;
        }
        return result;
}

const struct subsystem subsys_hugetlb = {
        .name = "hugetlb",
        .files = files,
        .n_files = ELEMENTSOF(files),
        .reset_group = hugetlb_reset_group,
};
