/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The files of the hybrid "unified" hierarchy (DESIGN.md invariant 3): cgroup2's
 * core files over cgcompat's tree, as a hybrid host showed them with every
 * controller bound to v1. The view has no controllers; its groups are the view's
 * own and their hidden leaves are never seen, not even in counts and limits.
 */

#include "legacy_file.h"

int unified_procs_read(const struct file_ctx *ctx, struct text *out);
int unified_threads_read(const struct file_ctx *ctx, struct text *out);
int unified_threads_write(const struct file_ctx *ctx, const char *buf, size_t len);
/* cgroup.controllers and cgroup.subtree_control: no controller, ever. */
int unified_empty_read(const struct file_ctx *ctx, struct text *out);
int unified_subtree_control_write(const struct file_ctx *ctx, const char *buf, size_t len);
int unified_type_read(const struct file_ctx *ctx, struct text *out);
int unified_type_write(const struct file_ctx *ctx, const char *buf, size_t len);
int unified_stat_read(const struct file_ctx *ctx, struct text *out);
int unified_max_depth_read(const struct file_ctx *ctx, struct text *out);
int unified_max_depth_write(const struct file_ctx *ctx, const char *buf, size_t len);
int unified_max_descendants_read(const struct file_ctx *ctx, struct text *out);
int unified_max_descendants_write(const struct file_ctx *ctx, const char *buf, size_t len);
