/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * compat.conf.yaml: where the v2 tree lives, the name of the hidden leaf, the
 * release agent, and the legacy views to mount. Loading is strict: an unknown
 * key, a wrong type or a bad value is an error that names the file, line and
 * column, because a daemon that silently ignores a typo mounts the wrong thing.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compat/legacy_file.h"

struct view_config {
        enum view_flavor flavor;
        char *mount;          /* absolute path */
        unsigned subsystems;  /* cgroup-v1: SUBSYS_BIT()s; a subsystem is in one view at most */
        char *name;           /* cgroup-v1: name= of a named hierarchy, NULL if none */
        char **links;         /* absolute paths made symlinks to the mount (/sys/fs/cgroup/cpu -> cpu,cpuacct) */
        size_t n_links;
        char *release_agent;  /* NULL: the flavour's default (container: the top-level release_agent; else none) */
};

struct config {
        char *backend_root;   /* "auto" or an absolute v2 cgroup path */
        char *leaf;           /* hidden child holding a group's own tasks */
        char *release_agent;  /* absolute path, or "" for none */
        /*
         * A tmpfs the daemon mounts to assemble a legacy /sys/fs/cgroup: the views
         * below it (the unified view at "unified", in the built-in layout) and their links.
         * Legacy workloads see it at /sys/fs/cgroup in their own mount namespace
         * (cgcompatctl exec); "" for none.
         */
        char *legacy_root;
        enum unsupported_policy unsupported; /* writes to files with no v2 equivalent */
        /* The daemon's runtime files: the view registry ("views"), its control socket. */
        char *runtime_dir;
        bool audit;           /* record every legacy write in <runtime_dir>/audit.log */
        /* Settings read through the kernel's page cache while unchanged (see view.c's open_page_cached). */
        bool page_cache;
        /*
         * Prometheus metrics for node_exporter's textfile collector: the file rewritten every
         * metrics_interval_ms (a *.prom path), "" for none. A missing directory is waited for.
         */
        char *metrics_textfile;
        uint64_t metrics_interval_ms;
        struct view_config *views;
        size_t n_views;
};

/* "container", "cgroup-v1" or "unified": the flavour as the configuration and the view registry name it. */
const char *view_flavor_name(enum view_flavor flavor);

/* A view's key, which names its own state: "container", "name=systemd", or "cpu,cpuacct" (kernel order). */
int view_config_key(const struct view_config *v, char *buf, size_t size);

/* Built-in defaults: backend.root auto, leaf ".tasks", release_agent /sbin/container_release_agent,
 * unsupported store, legacy_root /run/cgcompat/cgroup, no metrics textfile (interval 15 s), the view {container, /dev/container} and the
 * distributions' v1 layout below legacy_root (cpu,cpuacct; cpuset; memory; blkio; pids; freezer;
 * devices; hugetlb; net_cls,net_prio; perf_event; name=systemd; then unified, the cgroup2 view).
 * *ret is overwritten, not freed. */
int config_defaults(struct config *ret);

/* Load a file. On a wrong key, type or value: returns -EINVAL and sets *ret_error to a malloc'd
 * "FILE:LINE:COLUMN: message" (1-based, from the YAML mark of the offending node); on I/O error
 * returns -errno and sets *ret_error to "FILE: strerror". Keys absent from the file keep their
 * defaults; if `views` is present it replaces the default view list. *ret is only written on
 * success; *ret_error is set to NULL on success (ret_error may be NULL). */
int config_load(const char *path, struct config *ret, char **ret_error);

/* Same, from a string in memory (name used in messages). */
int config_load_string(const char *name, const char *text, size_t len, struct config *ret, char **ret_error);

/* A duration as the configuration spells it: "15s", "500ms", "2min"; into @buf. */
const char *config_format_duration(uint64_t ms, char *buf, size_t size);

/* Frees the members and zeroes *c; safe on a zeroed struct and twice. */
void config_free(struct config *c);
