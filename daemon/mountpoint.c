/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mountpoint.h"

#include <errno.h>
#include <linux/magic.h>
#include <limits.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "log.h"

#define FUSE_SUPER_MAGIC 0x65735546

int mkdir_p(const char *path) {
        char buf[PATH_MAX];

        if (strlen(path) >= sizeof(buf))
                return -ENAMETOOLONG;
        strcpy(buf, path);
        for (char *p = buf + 1;; p++) {
                if (*p && *p != '/')
                        continue;
                char c = *p;
                *p = 0;
                if (mkdir(buf, 0755) < 0 && errno != EEXIST)
                        return negative_errno();
                if (!c)
                        return 0;
                *p = c;
        }
}

/* Creating a directory in cgroupfs makes a cgroup: refuse paths that would. */
static int nearest_existing_is_cgroup(const char *path) {
        char buf[PATH_MAX];
        struct statfs sfs;

        if (strlen(path) >= sizeof(buf))
                return -ENAMETOOLONG;
        strcpy(buf, path);
        for (;;) {
                char *slash = strrchr(buf, '/');
                if (!slash)
                        return 0;
                *slash = 0;
                if (statfs(buf[0] ? buf : "/", &sfs) == 0)
                        return sfs.f_type == CGROUP2_SUPER_MAGIC || sfs.f_type == CGROUP_SUPER_MAGIC;
                if (errno != ENOENT)
                        return negative_errno();
        }
}

int mountpoint_prepare(const char *path) {
        struct statfs sfs;
        int r;

        if (statfs(path, &sfs) < 0) {
                if (errno == ENOTCONN) {
                        log_info(path, "clearing the mount of a daemon that died");
                        if (umount2(path, MNT_DETACH) < 0)
                                return log_error_errno(negative_errno(), path, "cannot clear the dead mount");
                        return 0;
                }
                if (errno != ENOENT)
                        return log_error_errno(negative_errno(), path, "cannot inspect the mount point");
                r = nearest_existing_is_cgroup(path);
                if (r != 0)
                        return r < 0 ? r : log_error_errno(-EBUSY, path, "would be a new cgroup on the machine's cgroup2 "
                                                           "filesystem; mount views below legacy_root");
                r = mkdir_p(path);
                if (r < 0)
                        return log_error_errno(r, path, "cannot create the mount point");
                return 0;
        }
        if (sfs.f_type == FUSE_SUPER_MAGIC)
                return log_error_errno(-EBUSY, path, "already served by a running daemon");
        if (sfs.f_type == CGROUP2_SUPER_MAGIC || sfs.f_type == CGROUP_SUPER_MAGIC)
                return log_error_errno(-EBUSY, path,
                                       "is on the machine's own cgroup filesystem: a view there would hide it "
                                       "(on cgroup2, make a cgroup); mount views below legacy_root");
        return 0;
}
