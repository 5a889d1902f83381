/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What a subsystem row works with: the v2 files of its group (and of the hidden
 * leaf), flat keyed files, and the legacy-only state kept on the group's v2
 * directory (DESIGN.md invariant 1), including the text last written for
 * read-back fidelity. All return 0 (or a length) or a negative errno.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "legacy_file.h"
#include "macro.h"

/* The group's v2 file, malloc'd and NUL-terminated, one trailing newline removed. */
int group_read_v2(const struct file_ctx *ctx, const char *file, char **ret);
/* Writes one value; the kernel's errno comes back unchanged. */
int group_write_v2(const struct file_ctx *ctx, const char *file, const char *value);
int group_printf_v2(const struct file_ctx *ctx, const char *file, const char *fmt, ...) _printf_(3, 4);

/*
 * Groups' ceilings (memory.max, pids.max, cpu.max...) are written to the group's
 * hidden leaf too, when it has one (leaf_limits.h): every group write goes
 * through here, so no row has to remember it.
 */

/* A v2 file and what a new v2 cgroup has in it. */
struct v2_default {
        const char *file;
        const char *value;
};
/*
 * Puts the group's files back to what a new v2 cgroup has, in order, skipping files the
 * group does not have (ENOENT: a controller not enabled, a kernel without the file).
 * Goes on after a failure and returns the first.
 */
int group_reset_v2(const struct file_ctx *ctx, const struct v2_default *defaults, size_t n);

/* Takes each key's line out of a keyed v2 @file (convert_simple.h v2_key_resets): "KEY @value" per line. */
int group_reset_keys(const struct file_ctx *ctx, const char *file, const char *value);

/* A v1 file whose v2 file has the same name (or the row's .arg) and format: pids, rdma, misc. */
int passthrough_read(const struct file_ctx *ctx, struct text *out);
/* The same bytes reach the same kernel parser: its errno is v1's. */
int passthrough_write(const struct file_ctx *ctx, const char *buf, size_t len);
/* A row of such a file, offered where the tree's root has @req. */
#define PASSTHROUGH_ROW(file, m, where, req, ...) \
        { .name = file, .mode = (m), .place = (where), .requires = req, .mapping = MAP_EXACT, \
          .read = passthrough_read, __VA_ARGS__ }

/* The same on the hidden leaf that holds the group's own tasks (made if missing). */
int leaf_read_v2(const struct file_ctx *ctx, const char *file, char **ret);
int leaf_write_v2(const struct file_ctx *ctx, const char *file, const char *value);

/* A v2 file's one number ("98", "100000"): -EBADMSG if it holds anything else. */
int v2_parse_u64(const char *text, uint64_t *ret);
/* A v2 limit: 1 for "max", else 0 and its number in @ret; -EBADMSG if it is neither. */
int v2_parse_limit(const char *text, uint64_t *ret);
/* The group's v2 file that holds one number. */
int group_read_u64(const struct file_ctx *ctx, const char *file, uint64_t *ret);

/* The value of @key in a flat keyed text ("key value" lines: cpu.stat, memory.stat...); -ENODATA if absent. */
int keyed_u64(const char *text, const char *key, uint64_t *ret);
int group_read_keyed(const struct file_ctx *ctx, const char *file, const char *key, uint64_t *ret);

/* Legacy-only state named @name ("v1.<name>" on the group): its length, or -ENODATA; NUL-terminated. */
int legacy_state_get(const struct file_ctx *ctx, const char *name, char *buf, size_t size);
int legacy_state_set(const struct file_ctx *ctx, const char *name, const char *value, size_t len);
int legacy_state_remove(const struct file_ctx *ctx, const char *name);
/* Legacy-only state that holds a number (a baseline, a watermark): @fallback if there is none. */
int legacy_state_get_u64(const struct file_ctx *ctx, const char *name, uint64_t fallback, uint64_t *ret);
int legacy_state_set_u64(const struct file_ctx *ctx, const char *name, uint64_t value);
/* A new group starts with its parent's legacy state @name, as css_online copies it (net_cls, net_prio, memory). */
int legacy_state_inherit(const struct file_ctx *parent, const struct file_ctx *child, const char *name);

/*
 * A count v1 can reset and v2 cannot (failcnt): @count reads it, and the row keeps
 * (under its name) what it was at the last reset, 0 before any.
 */
typedef int (*count_fn)(const struct file_ctx *ctx, uint64_t *ret);
int count_and_baseline(const struct file_ctx *ctx, count_fn count, uint64_t *ret_count, uint64_t *ret_baseline);
int count_reset(const struct file_ctx *ctx, count_fn count);

/*
 * Read-back fidelity: a lossy conversion remembers the v1 text that produced
 * a v2 value; while v2 still holds that value, the v1 text is what reads back
 * (cpu.shares 1000 reads 1000, not the 1004 of weight 98). Keyed by the row.
 */
int sticky_remember(const struct file_ctx *ctx, const char *v2_value, const char *v1_text, size_t v1_len);
/* 1 and the v1 text in @buf if v2 still holds what was written, else 0. */
int sticky_recall(const struct file_ctx *ctx, const char *v2_value, char *buf, size_t size);

/* A value with no v2 home, under the view's policy: stored (and announced) or EOPNOTSUPP. */
int unsupported_store(const struct file_ctx *ctx, const char *value, size_t len);
/* The same for a number, kept as v1 reads it back: decimal, whatever base it was written in. */
int unsupported_store_u64(const struct file_ctx *ctx, uint64_t value);
/* The stored value of the row, else @fallback; a newline follows. */
int unsupported_read(const struct file_ctx *ctx, const char *fallback, struct text *out);

/* The kernel's page size, and v1's "unlimited" for page counters: (LONG_MAX / PAGE) * PAGE. */
uint64_t page_size(void);
uint64_t v1_unlimited(void);
