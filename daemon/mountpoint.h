/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/*
 * Make @path ready to take a view: create it, and clear a dead mount left by a
 * daemon that was killed (its FUSE connection answers ENOTCONN). A live view
 * there means another daemon serves it: -EBUSY.
 */
int mountpoint_prepare(const char *path);

/* mkdir -p */
int mkdir_p(const char *path);

/*
 * The mount table, read from /proc/self/mountinfo: never stat(2) or statfs(2) a view from
 * the daemon's own thread, which would wait on a request only that thread can answer.
 */
int mountinfo_read(char **ret);
/*
 * The device (field 3, "MAJOR:MINOR") of the topmost mount at @path in @table whose type is
 * @fstype (any type when NULL): -ENOENT when there is none.
 */
int mountinfo_device(const char *table, const char *path, const char *fstype, dev_t *ret);
/* Is a mount of device @dev at @path in @table? */
bool mountinfo_has(const char *table, const char *path, dev_t dev);
/* How many mounts of device @dev are at @path in @table (a view stacked on itself: 2). */
int mountinfo_count(const char *table, const char *path, dev_t dev);
/* Unmounts (lazily) the mounts at @path while the topmost is a fuse.cgcompat one, at most @max; returns how many. */
int mountinfo_unmount_fuse(const char *path, int max);
