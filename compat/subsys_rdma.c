/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The rdma subsystem: its v1 files over their v2 forms (MAPPING.md). */
#include "legacy_file.h"

static const struct legacy_file files[] = {};

const struct subsystem subsys_rdma = {
        .name = "rdma",
        .files = files,
        .n_files = ELEMENTSOF(files),
};
