/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The rdma subsystem (MAPPING.md §6.8): v1 and v2 share kernel/cgroup/rdma.c's
 * files, so each v1 file is its v2 file, bytes for bytes both ways.
 */
#include "convert_simple.h"
#include "group_io.h"

static const struct legacy_file files[] = {
        PASSTHROUGH_ROW("rdma.max", 0644, NOT_ON_ROOT, "rdma.max", .write = passthrough_write),
        PASSTHROUGH_ROW("rdma.current", 0444, NOT_ON_ROOT, "rdma.max"),
        PASSTHROUGH_ROW("rdma.peak", 0444, NOT_ON_ROOT, "rdma.peak"), /* kernels that have it in v2 have it in v1 */
};

static int rdma_reset_group(const struct file_ctx *ctx) {
        return group_reset_keys(ctx, "rdma.max", "hca_handle=max hca_object=max");
}

const struct subsystem subsys_rdma = {
        .name = "rdma",
        .files = files,
        .n_files = ELEMENTSOF(files),
        .reset_group = rdma_reset_group,
};
