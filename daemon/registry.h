/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * <runtime_dir>/views: what the running daemon serves, for cgcompatctl, the
 * mount helpers and the preload library. One record per line, the path last
 * since only it may hold spaces:
 *
 *   pid 1234
 *   root /sys/fs/cgroup/cgcompat
 *   leaf .tasks
 *   legacy_root /run/cgcompat/cgroup
 *   view cgroup-v1 cpu,cpuacct /run/cgcompat/cgroup/cpu,cpuacct
 *   link /run/cgcompat/cgroup/cpu /run/cgcompat/cgroup/cpu,cpuacct
 *   view unified unified /run/cgcompat/cgroup/unified
 *
 * The flavour is view_flavor_name()'s: "container", "cgroup-v1" or "unified"
 * (cgroup2's format, for the preload library to present as cgroup2).
 *
 * Written whole to a temporary file and renamed, so readers never see half of it.
 */

#include "conf/config.h"

int registry_publish(const struct config *c, const char *v2_root);
void registry_remove(const struct config *c);
