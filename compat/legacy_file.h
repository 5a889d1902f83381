/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Legacy files are declared in tables, one row per file, as the kernel's
 * cgroup1_base_files: a name, a mode, where it appears, and how it reads and
 * writes. Adding a v1 file is adding a row and its conversion.
 */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "caller.h"
#include "text.h"
#include "tree.h"

enum view_flavor {
        FLAVOR_CONTAINER = 1u << 0, /* the 2006 "process containers" filesystem */
        FLAVOR_CGROUP_V1 = 1u << 1,
};

enum file_place {
        IN_EVERY_GROUP,
        IN_ROOT_ONLY,
};

/* What a view contributes to its files: its identity and the settings it was mounted with. */
struct view_settings {
        const char *key;            /* names this view's own state, e.g. "container" */
        enum view_flavor flavor;
        const char *release_agent;  /* default until written through the view */
};

struct file_ctx {
        const struct compat_tree *tree;
        const struct view_settings *view;
        int fd;                        /* the group's v2 directory */
        const struct caller *opener;   /* judged as the kernel judges f_cred */
        const struct caller *caller;   /* who reads or writes now */
};

struct legacy_file {
        const char *name;
        mode_t mode;
        unsigned flavors;
        enum file_place place;
        /* v2 file in the leaf whose owner and mode this file shows, NULL for the group's. */
        const char *backing;
        /* Writers need CAP_SYS_ADMIN in the initial user namespace (CVE-2022-0492). */
        bool admin_only;
        size_t max_write; /* longer writes fail E2BIG; 0 means the kernel's PAGE_SIZE */
        int (*read)(const struct file_ctx *ctx, struct text *out);
        int (*write)(const struct file_ctx *ctx, const char *buf, size_t len);
};

extern const struct legacy_file legacy_files[];
extern const size_t legacy_files_count;

/* The row for @name as it appears in a group of the view, or NULL. */
const struct legacy_file *legacy_file_find(enum view_flavor flavor, bool is_root, const char *name);
bool legacy_file_visible(const struct legacy_file *f, enum view_flavor flavor, bool is_root);
size_t legacy_file_index(const struct legacy_file *f);

/* Checks shared by every write: size limit, then the row's own parser. */
int legacy_file_write(const struct legacy_file *f, const struct file_ctx *ctx, const char *buf, size_t len);
