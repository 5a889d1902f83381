/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What the running daemon serves, as the tools see it: the configuration they
 * share with it, the view registry it publishes at <runtime_dir>/views
 * (daemon/registry.h), and checks that never hang on a dead or stuck view.
 */

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "compat/tree.h"
#include "conf/config.h"

#define DEFAULT_CONFIG "/etc/cgcompat/compat.conf.yaml"

struct served_view {
        char *flavor; /* "container" or "cgroup-v1" */
        char *key;    /* "container", "name=systemd", "cpu,cpuacct" */
        char *mount;
};

struct served {
        char path[PATH_MAX]; /* the registry file */
        pid_t pid;
        char *root;          /* the v2 directory of the tree */
        char *leaf;
        char *legacy_root;   /* "" for none */
        struct served_view *views;
        size_t n_views;
        const char **view_keys; /* views[i].key: the tree's "held by every view" (compat/membership.h) */
};

/*
 * @path, else DEFAULT_CONFIG when it exists, else the built-in defaults: what
 * cgcompatctl -c means. Errors are printed, prefixed with @tool.
 */
int tools_load_config(const char *tool, const char *path, struct config *ret);

/* Read <runtime_dir>/views: -ENOENT when no daemon published one, -EBADMSG when it is not a registry. */
int served_load(const char *runtime_dir, struct served *ret);
void served_free(struct served *s);

/* Is the daemon named in the registry alive (and not a process that took over its pid)? */
bool served_daemon_alive(const struct served *s);

/* The first view of the registry with @flavor, NULL if none. */
const struct served_view *served_find_flavor(const struct served *s, const char *flavor);

/* The view that is mounted at @path, NULL if none. */
const struct served_view *served_find_mount(const struct served *s, const char *path);

/* A hierarchy as the kernel names it: its subsystems in the kernel's order, then name=NAME. */
int hierarchy_name(unsigned subsystems, const char *name, char *buf, size_t size);

/*
 * A cgroup-v1 view's hierarchy as the kernel writes it in /proc/PID/cgroup and
 * takes it as mount options: "cpu,cpuacct", "name=x", "cpu,name=x". The registry
 * keys a view that has both a name and subsystems by its name alone, so the
 * subsystems come from the configuration's view at the same mount, if any.
 */
int served_hierarchy(const struct served_view *v, const struct config *c, char *buf, size_t size);

/*
 * The tree for reading only: no controller is enabled and nothing is created,
 * as tree_open() would. Enough for tree_lookup(), tree_legacy_path() and
 * placement_of_task(): its views are the registry's. @s must outlive it.
 */
int served_tree_open(const struct served *s, struct compat_tree *ret);

/*
 * The group the view @key shows the process in (DESIGN.md invariant 3): the
 * nearest group to its v2 cgroup that the view holds, by legacy names. A
 * process outside the tree is at the root, where v1 shows every process nobody
 * moved: returns 1 then.
 */
int served_view_path(const struct compat_tree *t, pid_t pid, const char *key, char *buf, size_t size);

/* 1 when a cgcompat view (a fuse.cgcompat mount) is mounted at @path, 0 if not. */
int path_is_view_mount(const char *path);

/*
 * Does each view answer? A listing of its root is made in a child process per
 * view, so a hung FUSE mount costs @timeout_ms and never hangs the tool. ret[i]
 * is 0, the listing's -errno, or -ETIMEDOUT.
 */
int probe_views(char *const *mounts, size_t n, int timeout_ms, int *ret);

static inline void served_freep(struct served *s) {
        served_free(s);
}

static inline void config_freep(struct config *c) {
        config_free(c);
}
