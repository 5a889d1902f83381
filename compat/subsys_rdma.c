/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The rdma subsystem (MAPPING.md §6.8): v1 and v2 share kernel/cgroup/rdma.c's
 * files, so each v1 file is its v2 file, bytes for bytes both ways.
 */
#include "convert_simple.h"
#include "group_io.h"

static const struct legacy_file files[] = {
        {
                .name = "rdma.max",
                .mode = 0644,
                .place = NOT_ON_ROOT,
                .requires = "rdma.max",
                .mapping = MAP_EXACT,
                .read = passthrough_read,
                .write = passthrough_write,
        },
        {
                .name = "rdma.current",
                .mode = 0444,
                .place = NOT_ON_ROOT,
                .requires = "rdma.max",
                .mapping = MAP_EXACT,
                .read = passthrough_read,
        },
        {
                .name = "rdma.peak", /* kernels that have it in v2 have it in v1 */
                .mode = 0444,
                .place = NOT_ON_ROOT,
                .requires = "rdma.peak",
                .mapping = MAP_EXACT,
                .read = passthrough_read,
        },
};

const struct subsystem subsys_rdma = {
        .name = "rdma",
        .files = files,
        .n_files = ELEMENTSOF(files),
};
