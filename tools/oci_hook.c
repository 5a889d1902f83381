/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cgcompatctl oci-hook: an OCI createRuntime hook that gives a container the
 * /sys/fs/cgroup of a cgroup-v1 container host: a tmpfs with one directory
 * per hierarchy, each a bind of the container's own group in that view, so
 * its group is the root there, as runtimes on v1 hosts mounted it.
 *
 * The runtime runs it after it made the container's mounts and before
 * pivot_root, with the container's state on stdin (its pid and bundle). The
 * hook enters the container's mount namespace, where the rootfs is still at
 * <bundle>/<root.path> and the daemon's views are there as in the runtime's
 * own namespace, and mounts over <rootfs>/sys/fs/cgroup. The container's
 * mount table then shows the views; what it is shown as (cgroup, with the
 * subsystems) is the seccomp agent's or cgcompatctl exec's business.
 */
#include "oci_hook.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compat/macro.h"
#include "compat/text.h"
#include "json_scan.h"
#include "served.h"

#define STATE_MAX (1 << 20)
#define CONTAINER_CGROUP_DIR "sys/fs/cgroup"

/* The container's rootfs: config.json's root.path, relative to the bundle unless absolute. */
static int container_rootfs(const char *bundle, char *buf, size_t size) {
        static const char *const root_path[] = { "root", "path", NULL };
        _cleanup_free_ char *config = NULL, *rootfs = NULL;
        char path[PATH_MAX];

        if (snprintf(path, sizeof(path), "%s/config.json", bundle) >= (int) sizeof(path))
                return -ENAMETOOLONG;
        int r = read_all_at(AT_FDCWD, path, STATE_MAX, &config, NULL);
        if (r < 0)
                return r;
        r = json_get_string(config, root_path, &rootfs);
        if (r < 0)
                return r;
        r = rootfs[0] == '/' ? snprintf(buf, size, "%s", rootfs) : snprintf(buf, size, "%s/%s", bundle, rootfs);
        return r < 0 || (size_t) r >= size ? -ENAMETOOLONG : 0;
}

/* A view's directory in the legacy root ("cpu,cpuacct"), NULL for views elsewhere (the container view). */
static const char *name_in_legacy_root(const struct served *s, const char *mount) {
        size_t n = strlen(s->legacy_root);
        if (n == 0 || strncmp(mount, s->legacy_root, n) || mount[n] != '/' || strchr(mount + n + 1, '/'))
                return NULL;
        return mount + n + 1;
}

/* The hierarchy links (cpu -> cpu,cpuacct) of the configuration's views, beside their targets. */
static void add_links(const struct config *c, const struct served *s, int dir_fd) {
        for (size_t i = 0; i < c->n_views; i++) {
                const char *target = name_in_legacy_root(s, c->views[i].mount);
                for (size_t k = 0; target && k < c->views[i].n_links; k++) {
                        const char *link = name_in_legacy_root(s, c->views[i].links[k]);
                        if (link && symlinkat(target, dir_fd, link) < 0 && errno != EEXIST)
                                fprintf(stderr, "cgcompatctl oci-hook: cannot link %s: %m\n", link);
                }
        }
}

/*
 * Binds the container's group of each view on <rootfs>/sys/fs/cgroup/<view>. @paths: the group
 * of each view of @s, PATH_MAX apart, computed in the runtime's namespace.
 */
static int mount_views(const struct config *c, const struct served *s, const char *paths, const char *rootfs) {
        char top[PATH_MAX], source[PATH_MAX], target[PATH_MAX];

        if (snprintf(top, sizeof(top), "%s/" CONTAINER_CGROUP_DIR, rootfs) >= (int) sizeof(top))
                return -ENAMETOOLONG;
        (void) mkdir(top, 0755);
        if (mount("cgcompat", top, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755,size=64k") < 0) {
                int r = negative_errno();
                fprintf(stderr, "cgcompatctl oci-hook: cannot mount a tmpfs on %s: %s\n", top, strerror(-r));
                return r;
        }
        for (size_t i = 0; i < s->n_views; i++) {
                const char *name = name_in_legacy_root(s, s->views[i].mount);
                if (!name || !strcmp(s->views[i].flavor, "container"))
                        continue;
                const char *group = paths + i * PATH_MAX;
                if (snprintf(source, sizeof(source), "%s%s", s->views[i].mount, strcmp(group, "/") ? group : "") >=
                            (int) sizeof(source) ||
                    snprintf(target, sizeof(target), "%s/%s", top, name) >= (int) sizeof(target))
                        return -ENAMETOOLONG;
                if (mkdir(target, 0755) < 0 && errno != EEXIST)
                        return negative_errno();
                if (mount(source, target, NULL, MS_BIND, NULL) < 0) {
                        int r = negative_errno();
                        fprintf(stderr, "cgcompatctl oci-hook: cannot bind %s on %s: %s\n", source, target, strerror(-r));
                        return r;
                }
        }
        _cleanup_close_ int dir_fd = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir_fd >= 0)
                add_links(c, s, dir_fd);
        return 0;
}

int oci_hook_run(const struct config *c, int state_fd) {
        static const char *const pid_key[] = { "pid", NULL }, *const bundle_key[] = { "bundle", NULL };
        _cleanup_(served_freep) struct served s = {};
        _cleanup_free_ char *state = NULL, *bundle = NULL, *paths = NULL;
        char rootfs[PATH_MAX], ns[64];
        struct compat_tree t;
        int64_t pid;

        int r = read_all_fd(state_fd, STATE_MAX, &state, NULL);
        if (r >= 0)
                r = json_get_int(state, pid_key, &pid);
        if (r >= 0 && (pid <= 0 || pid > INT_MAX))
                r = -ERANGE;
        if (r >= 0)
                r = json_get_string(state, bundle_key, &bundle);
        if (r < 0) {
                fprintf(stderr, "cgcompatctl oci-hook: the container's state on stdin: %s\n", strerror(-r));
                return r;
        }
        r = container_rootfs(bundle, rootfs, sizeof(rootfs));
        if (r < 0) {
                fprintf(stderr, "cgcompatctl oci-hook: %s/config.json: no root.path: %s\n", bundle, strerror(-r));
                return r;
        }
        r = served_load(c->runtime_dir, &s);
        if (r < 0) {
                fprintf(stderr, "cgcompatctl oci-hook: no view registry in %s: %s\n", c->runtime_dir, strerror(-r));
                return r;
        }
        if (!s.legacy_root[0]) {
                fprintf(stderr, "cgcompatctl oci-hook: the daemon has no legacy_root\n");
                return -ENOENT;
        }
        r = served_tree_open(&s, &t);
        if (r < 0) {
                fprintf(stderr, "cgcompatctl oci-hook: %s: %s\n", s.root, strerror(-r));
                return r;
        }
        _cleanup_close_ int root_fd = t.root_fd;
        paths = calloc(s.n_views ? s.n_views : 1, PATH_MAX);
        if (!paths)
                return -ENOMEM;
        for (size_t i = 0; i < s.n_views; i++) {
                r = served_view_path(&t, (pid_t) pid, s.views[i].key, paths + i * PATH_MAX, PATH_MAX);
                if (r > 0) {
                        /* Binding the roots would give the container every group of the machine. */
                        fprintf(stderr, "cgcompatctl oci-hook: process %lld is not in cgcompat's tree (%s): "
                                        "give the container a cgroupsPath below it\n", (long long) pid, s.root);
                        return -EPERM;
                }
                if (r < 0) {
                        fprintf(stderr, "cgcompatctl oci-hook: process %lld: %s\n", (long long) pid, strerror(-r));
                        return r;
                }
        }
        snprintf(ns, sizeof(ns), "/proc/%lld/ns/mnt", (long long) pid);
        _cleanup_close_ int ns_fd = open(ns, O_RDONLY | O_CLOEXEC);
        if (ns_fd < 0 || setns(ns_fd, CLONE_NEWNS) < 0) {
                r = negative_errno();
                fprintf(stderr, "cgcompatctl oci-hook: cannot enter %s: %s\n", ns, strerror(-r));
                return r;
        }
        return mount_views(c, &s, paths, rootfs);
}
