/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "legacy_root.h"

#include <errno.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "compat/macro.h"
#include "log.h"
#include "mountpoint.h"

bool path_is_below(const char *path, const char *root) {
        size_t n = strlen(root);
        while (n > 1 && root[n - 1] == '/')
                n--;
        return !strncmp(path, root, n) && (path[n] == 0 || path[n] == '/');
}

/* A mount point is on another device than its parent, or is the parent (bind of a directory on itself). */
static int is_mount_point(const char *path) {
        char parent[PATH_MAX];
        struct stat st, pst;

        if (snprintf(parent, sizeof(parent), "%s/..", path) >= (int) sizeof(parent))
                return -ENAMETOOLONG;
        if (stat(path, &st) < 0 || stat(parent, &pst) < 0)
                return negative_errno();
        return st.st_dev != pst.st_dev || st.st_ino == pst.st_ino;
}

static int fs_type(const char *path, long *ret) {
        struct statfs sfs;
        if (statfs(path, &sfs) < 0)
                return negative_errno();
        *ret = (long) sfs.f_type;
        return 0;
}

/*
 * Is @path the mount point of a cgroup2 mount? Read from the mount table, never by statfs:
 * the path may be a view the previous daemon left, which nobody answers before us.
 */
static bool is_cgroup2_mount(const char *path) {
        _cleanup_free_ char *line = NULL;
        size_t n = 0;
        bool found = false;
        FILE *f = fopen("/proc/self/mountinfo", "re");

        if (!f)
                return false;
        while (!found && getline(&line, &n, f) > 0) {
                char mount_point[PATH_MAX], fstype[64];
                const char *sep = strstr(line, " - ");
                /* Fields: id parent major:minor root mount-point ...; mount points with spaces are escaped. */
                if (sep && sscanf(line, "%*s %*s %*s %*s %4095s", mount_point) == 1 &&
                    sscanf(sep + 3, "%63s", fstype) == 1)
                        found = !strcmp(mount_point, path) && !strcmp(fstype, "cgroup2");
        }
        fclose(f);
        return found;
}

/*
 * A daemon before the unified view bound the machine's cgroup2 at root/unified: in an adopted
 * legacy root that bind would still reach outside the tree (DESIGN.md invariant 3).
 */
static int drop_machine_cgroup2(const char *root) {
        char unified[PATH_MAX];

        if (snprintf(unified, sizeof(unified), "%s/unified", root) >= (int) sizeof(unified))
                return -ENAMETOOLONG;
        if (!is_cgroup2_mount(unified))
                return 0;
        if (umount2(unified, MNT_DETACH) < 0)
                return log_error_errno(negative_errno(), unified, "cannot unmount the machine's cgroup2 from the legacy root");
        log_info(unified, "unmounted the machine's cgroup2 a previous daemon bound there");
        return 0;
}

int legacy_root_prepare(const char *root) {
        long type;
        int r;

        r = mkdir_p(root);
        if (r < 0)
                return log_error_errno(r, root, "cannot create the legacy root");
        r = fs_type(root, &type);
        if (r >= 0 && type == CGROUP2_SUPER_MAGIC)
                return log_error_errno(-EBUSY, root, "is the machine's cgroup2 mount: it must stay visible");
        if (r >= 0)
                r = is_mount_point(root);
        if (r < 0)
                return log_error_errno(r, root, "cannot inspect the legacy root");
        if (r == 0 || type != TMPFS_MAGIC) {
                if (mount("cgcompat", root, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755,size=1m") < 0)
                        return log_error_errno(negative_errno(), root, "cannot mount the legacy root");
                return 0;
        }
        log_info(root, "adopting the legacy root a previous daemon left");
        return drop_machine_cgroup2(root);
}

void legacy_root_release(const char *root) {
        /* Lazily, with the views still mounted in it: each view unmounts its own. */
        if (umount2(root, MNT_DETACH) < 0)
                log_warning_errno(negative_errno(), root, "cannot unmount the legacy root");
}

int legacy_link(const char *link, const char *target) {
        char current[PATH_MAX];
        const char *slash_l = strrchr(link, '/'), *slash_t = strrchr(target, '/');
        const char *value = target;

        if (slash_l && slash_t && slash_l - link == slash_t - target && !strncmp(link, target, (size_t) (slash_l - link)))
                value = slash_t + 1;
        ssize_t n = readlink(link, current, sizeof(current) - 1);
        if (n >= 0) {
                current[n] = 0;
                if (!strcmp(current, value))
                        return 0;
                if (unlink(link) < 0)
                        return log_error_errno(negative_errno(), link, "cannot replace the link");
        } else if (errno != ENOENT)
                return log_error_errno(errno == EINVAL ? -EEXIST : negative_errno(), link, "is in the way of a link to %s", target);
        if (symlink(value, link) < 0)
                return log_error_errno(negative_errno(), link, "cannot link to %s", target);
        return 0;
}
