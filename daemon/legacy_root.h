/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The legacy /sys/fs/cgroup, assembled away from the machine's own: a tmpfs
 * holding the views and their links (cpu -> cpu,cpuacct), as systemd's hybrid
 * layout had it; its "unified" is a view too, never the machine's cgroup2
 * (DESIGN.md invariant 3). Legacy workloads get it at /sys/fs/cgroup in a mount
 * namespace of their own (cgcompatctl exec), so nothing else on the machine
 * stops seeing cgroup2, and nothing in it reaches outside the tree.
 */

#include <stdbool.h>

/* Mounts the tmpfs at @root, or adopts the one a killed daemon left. */
int legacy_root_prepare(const char *root);
/* Unmounts what prepare mounted. */
void legacy_root_release(const char *root);

/* @link becomes a symlink to @target, relative when both are in one directory. */
int legacy_link(const char *link, const char *target);

/* Is @path below @root (or @root itself)? */
bool path_is_below(const char *path, const char *root);
