/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mountpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>

#include "compat/macro.h"
#include "compat/text.h"
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

        /* A view is two layers (itself and its bind on itself): a dead daemon leaves both. */
        for (int layers = 0; statfs(path, &sfs) < 0 && errno == ENOTCONN; layers++) {
                if (layers >= 8)
                        return log_error_errno(-EBUSY, path, "cannot clear the dead mounts: too many");
                log_info(path, "clearing the mount of a daemon that died");
                if (umount2(path, MNT_DETACH) < 0)
                        return log_error_errno(negative_errno(), path, "cannot clear the dead mount");
        }
        if (statfs(path, &sfs) < 0) {
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

int mountinfo_read(char **ret) {
        return read_all_at(AT_FDCWD, "/proc/self/mountinfo", SIZE_MAX, ret, NULL);
}

/* The kernel escapes space, tab, newline and backslash in paths as \ooo. */
static void unescape(char *s) {
        char *out = s;
        for (char *p = s; *p; p++) {
                if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' && p[3] >= '0' &&
                    p[3] <= '7') {
                        *out++ = (char) ((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
                        p += 3;
                } else
                        *out++ = *p;
        }
        *out = 0;
}

/* One line: "id parent MAJOR:MINOR root mount-point options [optional...] - fstype source super-options". */
static bool parse_line(const char *line, size_t len, char *mount_point, char *fstype, dev_t *dev) {
        char copy[PATH_MAX * 2], *sep;
        unsigned major, minor;

        if (len >= sizeof(copy))
                return false;
        memcpy(copy, line, len);
        copy[len] = 0;
        sep = strstr(copy, " - ");
        if (!sep || sscanf(copy, "%*s %*s %u:%u %*s %4095s", &major, &minor, mount_point) != 3 ||
            sscanf(sep + 3, "%63s", fstype) != 1)
                return false;
        unescape(mount_point);
        *dev = makedev(major, minor);
        return true;
}

/*
 * The mounts at @path, in the table's order (the last one mounted is on top): with @want, 0 if
 * one is of that device; else 0 and the device of the last one of type @fstype.
 */
static int mountinfo_scan(const char *table, const char *path, const char *fstype, dev_t want, dev_t *ret) {
        int r = -ENOENT;

        for (const char *line = table, *end; *line; line = *end ? end + 1 : end) {
                char mount_point[PATH_MAX], type[64];
                dev_t dev;

                end = strchrnul(line, '\n');
                if (!parse_line(line, (size_t) (end - line), mount_point, type, &dev) || strcmp(mount_point, path) ||
                    (fstype && strcmp(type, fstype)))
                        continue;
                if (want != 0 && dev == want)
                        return 0;
                if (ret)
                        *ret = dev;
                r = want ? -ENOENT : 0;
        }
        return r;
}

int mountinfo_device(const char *table, const char *path, const char *fstype, dev_t *ret) {
        return mountinfo_scan(table, path, fstype, 0, ret);
}

bool mountinfo_has(const char *table, const char *path, dev_t dev) {
        return dev != 0 && mountinfo_scan(table, path, NULL, dev, NULL) == 0;
}

int mountinfo_count(const char *table, const char *path, dev_t dev) {
        int n = 0;

        for (const char *line = table, *end; dev != 0 && *line; line = *end ? end + 1 : end) {
                char mount_point[PATH_MAX], type[64];
                dev_t d;

                end = strchrnul(line, '\n');
                if (parse_line(line, (size_t) (end - line), mount_point, type, &d) && d == dev &&
                    !strcmp(mount_point, path))
                        n++;
        }
        return n;
}

int mountinfo_unmount_fuse(const char *path, int max) {
        int n = 0;

        /* Lazily, as libfuse: a synchronous unmount could wait on a request only this process answers. */
        while (n < max) {
                _cleanup_free_ char *table = NULL;
                dev_t top, fuse;

                if (mountinfo_read(&table) < 0 || mountinfo_device(table, path, NULL, &top) < 0 ||
                    mountinfo_device(table, path, "fuse.cgcompat", &fuse) < 0 || top != fuse)
                        break;
                if (umount2(path, MNT_DETACH) < 0)
                        break;
                n++;
        }
        return n;
}
