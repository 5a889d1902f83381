/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The perf_event subsystem (MAPPING.md §6.7) has no files of its own in v1: a
 * perf_event hierarchy is its directories and the core files. What it is for,
 * perf_event_open(PERF_FLAG_PID_CGROUP) with the fd of a cgroup directory, cannot
 * work through a view: the kernel resolves that fd with
 * css_tryget_online_from_dir(), which takes only a directory of cgroupfs and
 * refuses a FUSE one (EBADF). Callers must be given the group's real v2
 * directory instead, where v2's always-enabled perf_event filters by cgroup.
 */
#include "legacy_file.h"

static const struct legacy_file files[] = {};

const struct subsystem subsys_perf_event = {
        .name = "perf_event",
        .files = files,
        .n_files = ELEMENTSOF(files),
};
