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
 *   device 0:52 /run/cgcompat/cgroup/cpu,cpuacct
 *   link /run/cgcompat/cgroup/cpu /run/cgcompat/cgroup/cpu,cpuacct
 *   view unified unified /run/cgcompat/cgroup/unified
 *   device 0:53 /run/cgcompat/cgroup/unified
 *
 * The flavour is view_flavor_name()'s: "container", "cgroup-v1" or "unified"
 * (cgroup2's format, for the preload library to present as cgroup2).
 *
 * "device MAJOR:MINOR MOUNT" follows its view's line: the view's FUSE device as field 3 of
 * /proc/self/mountinfo shows it, so that a view is recognised wherever it is bound (a bind of a
 * subdirectory in a container included). A view mounted again (unmounted from outside) has a
 * new device, and the registry is published again. Readers ignore records they do not know.
 *
 * Written whole to a temporary file and renamed, so readers never see half of it.
 */

#include <sys/types.h>

#include "conf/config.h"

/* @devices: each configured view's device, 0 when unknown (no device line); NULL for none. */
int registry_publish(const struct config *c, const char *v2_root, const dev_t *devices);
void registry_remove(const struct config *c);
