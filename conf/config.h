/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * compat.conf.yaml: where the v2 tree lives, the name of the hidden leaf, the
 * release agent, and the legacy views to mount. Loading is strict: an unknown
 * key, a wrong type or a bad value is an error that names the file, line and
 * column, because a daemon that silently ignores a typo mounts the wrong thing.
 */

#include <stddef.h>

#include "compat/legacy_file.h"

struct view_config {
        enum view_flavor flavor;
        char *mount;          /* absolute path */
};

struct config {
        char *backend_root;   /* "auto" or an absolute v2 cgroup path */
        char *leaf;           /* hidden child holding a group's own tasks */
        char *release_agent;  /* absolute path, or "" for none */
        struct view_config *views;
        size_t n_views;
};

/* Built-in defaults: backend.root auto, leaf ".tasks", release_agent /sbin/container_release_agent,
 * one view {container, /dev/container}. *ret is overwritten, not freed. */
int config_defaults(struct config *ret);

/* Load a file. On a wrong key, type or value: returns -EINVAL and sets *ret_error to a malloc'd
 * "FILE:LINE:COLUMN: message" (1-based, from the YAML mark of the offending node); on I/O error
 * returns -errno and sets *ret_error to "FILE: strerror". Keys absent from the file keep their
 * defaults; if `views` is present it replaces the default view list. *ret is only written on
 * success; *ret_error is set to NULL on success (ret_error may be NULL). */
int config_load(const char *path, struct config *ret, char **ret_error);

/* Same, from a string in memory (name used in messages). */
int config_load_string(const char *name, const char *text, size_t len, struct config *ret, char **ret_error);

/* Frees the members and zeroes *c; safe on a zeroed struct and twice. */
void config_free(struct config *c);
