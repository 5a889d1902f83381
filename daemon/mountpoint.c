/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mountpoint.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "log.h"

#define FUSE_SUPER_MAGIC 0x65735546

static int mkdir_p(const char *path) {
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
                r = mkdir_p(path);
                if (r < 0)
                        return log_error_errno(r, path, "cannot create the mount point");
                return 0;
        }
        if (sfs.f_type == FUSE_SUPER_MAGIC)
                return log_error_errno(-EBUSY, path, "already served by a running daemon");
        return 0;
}
