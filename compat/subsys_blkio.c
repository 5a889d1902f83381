/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The blkio subsystem: its v1 files over the io controller (MAPPING.md §6.1).
 *
 * The hidden leaf that holds a group's own tasks is v1's implicit leaf node:
 * the leaf_weight files are its io.weight, and the non-recursive statistics
 * are its io.stat (v2's io.stat counts a group with all its descendants,
 * which is v1's *_recursive). As CFQ did, the view root's weight is its
 * leaf weight: the tree's root shares the machine with groups outside it,
 * and no v1 root weight ever changed that.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "convert_blkio.h"
#include "group_io.h"
#include "kstrto.h"
#include "legacy_file.h"

/* The legacy state holding io.stat of the leaf as it was at the last reset_stats. */
#define STATE_STATS_BASELINE "blkio.reset_stats"
/* An io.stat line takes ~100 bytes: room for hundreds of devices. */
#define BASELINE_MAX (64 * 1024)

static bool on_leaf(const struct file_ctx *ctx) {
        return ctx->is_root || (ctx->file->arg && !strcmp(ctx->file->arg, "leaf"));
}

static int read_io_weight(const struct file_ctx *ctx, char **ret) {
        return on_leaf(ctx) ? leaf_read_v2(ctx, "io.weight", ret) : group_read_v2(ctx, "io.weight", ret);
}

static int write_io_weight(const struct file_ctx *ctx, const char *value) {
        return on_leaf(ctx) ? leaf_write_v2(ctx, "io.weight", value) : group_write_v2(ctx, "io.weight", value);
}

/* blkio.weight, blkio.leaf_weight: the io.weight default, scaled; what was written reads back. */
static int weight_read(const struct file_ctx *ctx, struct text *out) {
        _cleanup_free_ char *io_weight = NULL;
        char io_text[32], v1_text[32];
        uint64_t io;
        int r;

        r = read_io_weight(ctx, &io_weight);
        if (r < 0)
                return r;
        r = io_weight_default(io_weight, &io);
        if (r < 0)
                return r;
        snprintf(io_text, sizeof(io_text), "%" PRIu64, io);
        r = sticky_recall(ctx, io_text, v1_text, sizeof(v1_text));
        if (r < 0)
                return r;
        if (r > 0)
                return text_printf(out, "%s\n", v1_text);
        return text_printf(out, "%" PRIu64 "\n", io_weight_to_blkio(io));
}

/* __cfq_set_weight(): a write_u64 file, ERANGE outside 10..1000. */
static int weight_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        unsigned long long weight;
        char io_text[32], v1_text[32], value[48];
        int r;

        r = kstrtoull(buf, len, 0, &weight);
        if (r < 0)
                return r;
        if (weight < BLKIO_WEIGHT_MIN || weight > BLKIO_WEIGHT_MAX)
                return -ERANGE;
        snprintf(io_text, sizeof(io_text), "%" PRIu64, blkio_weight_to_io(weight));
        snprintf(value, sizeof(value), "default %s", io_text);
        r = write_io_weight(ctx, value);
        if (r < 0)
                return r;
        int n = snprintf(v1_text, sizeof(v1_text), "%llu", weight);
        return sticky_remember(ctx, io_text, v1_text, (size_t) n);
}

static int weight_device_read(const struct file_ctx *ctx, struct text *out) {
        _cleanup_free_ char *io_weight = NULL;
        int r = read_io_weight(ctx, &io_weight);
        if (r < 0)
                return r;
        return io_weight_to_blkio_devices(io_weight, out);
}

static int weight_device_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        char line[64];
        int r = blkio_weight_device_to_io(buf, len, line, sizeof(line));
        if (r < 0)
                return r;
        return write_io_weight(ctx, line);
}

/* blkio.throttle.*_device: one io.max key each, named by the row's arg. */
static int throttle_read(const struct file_ctx *ctx, struct text *out) {
        _cleanup_free_ char *io_max = NULL;
        int r = group_read_v2(ctx, "io.max", &io_max);
        if (r < 0)
                return r;
        return io_max_to_blkio_throttle(io_max, ctx->file->arg, out);
}

static int throttle_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        char line[96];
        int r = blkio_throttle_to_io_max(buf, len, ctx->file->arg, line, sizeof(line));
        if (r < 0)
                return r;
        return group_write_v2(ctx, "io.max", line);
}

static bool ends_with(const char *s, const char *suffix) {
        size_t n = strlen(s), k = strlen(suffix);
        return n >= k && !strcmp(s + n - k, suffix);
}

static int leaf_io_stat(const struct file_ctx *ctx, struct io_stat *ret) {
        _cleanup_free_ char *text = NULL;
        int r = leaf_read_v2(ctx, "io.stat", &text);
        if (r < 0)
                return r;
        return io_stat_parse(text, ret);
}

/* Counters are shown since the group's last reset_stats, which cleared its own (the leaf's). */
static int subtract_baseline(const struct file_ctx *ctx, struct io_stat *s) {
        _cleanup_free_ char *text = malloc(BASELINE_MAX);
        struct io_stat baseline;
        int r;

        if (!text)
                return -ENOMEM;
        r = legacy_state_get(ctx, STATE_STATS_BASELINE, text, BASELINE_MAX);
        if (r == -ENODATA)
                return 0;
        if (r >= 0)
                r = io_stat_parse(text, &baseline);
        if (r < 0)
                return r;
        io_stat_subtract(s, &baseline);
        io_stat_free(&baseline);
        return 0;
}

/* Every statistics file: what it shows in the row's arg, *_recursive the whole subtree. */
static int stat_read(const struct file_ctx *ctx, struct text *out) {
        struct io_stat s;
        int what = blkio_stat_from_string(ctx->file->arg);
        int r;

        assert(what >= 0);
        if (ends_with(ctx->file->name, "_recursive")) {
                _cleanup_free_ char *text = NULL;
                r = group_read_v2(ctx, "io.stat", &text);
                if (r >= 0)
                        r = io_stat_parse(text, &s);
        } else
                r = leaf_io_stat(ctx, &s);
        if (r < 0)
                return r;
        r = subtract_baseline(ctx, &s);
        if (r >= 0)
                r = blkio_stat_format(&s, what, out);
        io_stat_free(&s);
        return r;
}

/* blkcg_reset_stats(): a write_u64 file; any number resets the group's own counters. */
static int reset_stats_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        _cleanup_(text_free) struct text baseline = {};
        struct io_stat s;
        unsigned long long value;
        int r;

        r = kstrtoull(buf, len, 0, &value);
        if (r < 0)
                return r;
        r = leaf_io_stat(ctx, &s);
        if (r < 0)
                return r;
        r = io_stat_format(&s, &baseline);
        io_stat_free(&s);
        if (r < 0)
                return r;
        if (baseline.len >= BASELINE_MAX)
                return -E2BIG;
        return legacy_state_set(ctx, STATE_STATS_BASELINE, baseline.data, baseline.len);
}

#define WEIGHT_ROW(_name, _arg, _read, _write)                                                                  \
        {                                                                                                       \
                .name = "blkio." _name, .mode = 0644, .requires = "io.weight", .mapping = MAP_LOSSY,            \
                .arg = _arg, .read = _read, .write = _write,                                                    \
        }
#define THROTTLE_ROW(_name, _key)                                                                               \
        {                                                                                                       \
                .name = "blkio.throttle." _name, .mode = 0644, .requires = "io.max", .mapping = MAP_EXACT,      \
                .arg = _key, .read = throttle_read, .write = throttle_write,                                    \
        }
/* Bytes and ios lose only v1's sync/async split; CFQ's own counters have no v2 source and read 0. */
#define STAT_ROW(_name, _what, _mapping)                                                                        \
        {                                                                                                       \
                .name = "blkio." _name, .mode = 0444, .requires = "io.stat", .mapping = _mapping,               \
                .arg = _what, .read = stat_read,                                                                \
        }
#define STAT_ROWS(_name, _what, _mapping) STAT_ROW(_name, _what, _mapping), STAT_ROW(_name "_recursive", _what, _mapping)

static const struct legacy_file files[] = {
        {
                .name = "blkio.reset_stats",
                .mode = 0200,
                .requires = "io.stat",
                .mapping = MAP_LOSSY, /* the view shows counters from the reset; v2's own go on */
                .write = reset_stats_write,
        },
        WEIGHT_ROW("weight", NULL, weight_read, weight_write),
        WEIGHT_ROW("weight_device", NULL, weight_device_read, weight_device_write),
        WEIGHT_ROW("leaf_weight", "leaf", weight_read, weight_write),
        WEIGHT_ROW("leaf_weight_device", "leaf", weight_device_read, weight_device_write),
        THROTTLE_ROW("read_bps_device", "rbps"),
        THROTTLE_ROW("write_bps_device", "wbps"),
        THROTTLE_ROW("read_iops_device", "riops"),
        THROTTLE_ROW("write_iops_device", "wiops"),
        STAT_ROWS("throttle.io_service_bytes", "bytes", MAP_LOSSY),
        STAT_ROWS("throttle.io_serviced", "ios", MAP_LOSSY),
        STAT_ROWS("io_service_bytes", "bytes", MAP_LOSSY),
        STAT_ROWS("io_serviced", "ios", MAP_LOSSY),
        STAT_ROWS("sectors", "sectors", MAP_LOSSY),
        STAT_ROWS("io_service_time", "zero_rwstat", MAP_NONE),
        STAT_ROWS("io_wait_time", "zero_rwstat", MAP_NONE),
        STAT_ROWS("io_merged", "zero_rwstat", MAP_NONE),
        STAT_ROWS("io_queued", "zero_rwstat", MAP_NONE),
        STAT_ROWS("time", "zero_u64", MAP_NONE),
        /* CONFIG_DEBUG_BLK_CGROUP's, which had no _recursive forms */
        STAT_ROW("avg_queue_size", "zero_u64", MAP_NONE),
        STAT_ROW("group_wait_time", "zero_u64", MAP_NONE),
        STAT_ROW("idle_time", "zero_u64", MAP_NONE),
        STAT_ROW("empty_time", "zero_u64", MAP_NONE),
        STAT_ROW("dequeue", "zero_u64", MAP_NONE),
};

/* The io.weight of a new v2 cgroup: the default weight, no device of its own. */
static int reset_weight(const struct file_ctx *ctx) {
        int r = group_reset_keys(ctx, "io.weight", "default");
        if (r >= 0) {
                static const struct v2_default weight = { "io.weight", "default 100" };
                r = group_reset_v2(ctx, &weight, 1);
        }
        return r;
}

/* A new v2 cgroup's io, on the group, and on its leaf, whose weight the leaf_weight rows write. */
static int blkio_reset_group(const struct file_ctx *ctx) {
        _cleanup_close_ int leaf_fd = -1;
        int r, result;

        result = group_reset_keys(ctx, "io.max", "rbps=max wbps=max riops=max wiops=max");
        r = reset_weight(ctx);
        if (r < 0 && result >= 0)
                result = r;
        r = tree_open_leaf(ctx->tree, ctx->fd, false, &leaf_fd);
        if (r >= 0) {
                struct file_ctx leaf = *ctx;
                leaf.fd = leaf_fd;
                r = reset_weight(&leaf);
        }
        if (r < 0 && r != -ENOENT && result >= 0)
                result = r;
        return result;
}

const struct subsystem subsys_blkio = {
        .name = "blkio",
        .files = files,
        .n_files = ELEMENTSOF(files),
        .reset_group = blkio_reset_group,
};
