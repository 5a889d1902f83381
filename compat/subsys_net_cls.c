/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The net_cls subsystem: its v1 files over their v2 forms (MAPPING.md). */
#include "legacy_file.h"

static const struct legacy_file files[] = {};

const struct subsystem subsys_net_cls = {
        .name = "net_cls",
        .files = files,
        .n_files = ELEMENTSOF(files),
};
