/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The legacy tree over a v2 subtree: legacy directory X is v2 cgroup X, its own
 * tasks live in the hidden child X/<leaf> (DESIGN.md invariant 2). Names can
 * differ between the two trees (rename, or a name v2 reserves for a file); the
 * legacy name then lives on the v2 directory and its parent is flagged, so a
 * lookup costs one open unless the parent has such aliases.
 */

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "backend/backend.h"
#include "caller.h"

struct file_ctx;

struct compat_hooks {
        /* notify_on_release of the group behind @fd became @on. */
        void (*notify_changed)(void *userdata, int fd, bool on);
        /* A child of @parent_fd was removed: v1 re-checks the parent for release. */
        void (*child_removed)(void *userdata, int parent_fd);
        /* The view with @view_key let the group behind @fd go (rmdir), whether v2 keeps it or not. */
        void (*group_removed)(void *userdata, const char *view_key, int fd);
        /* A value v2 cannot enforce was kept for a legacy file (the unsupported policy "store"). */
        void (*value_stored)(void *userdata, const struct file_ctx *ctx, const char *value, size_t len);
        /* A legacy file was written through a view, with result @r: for the log and the audit. */
        void (*file_written)(void *userdata, const struct file_ctx *ctx, const char *value, size_t len, int r);
};


struct compat_tree {
        const struct backend_ops *backend;
        int root_fd;
        ino_t root_ino;
        char root_path[PATH_MAX];
        /* The root as /proc/PID/cgroup names it ("/cgcompat"), "" if it is not below our cgroup2 mount. */
        char root_cgroup[PATH_MAX];
        char leaf[NAME_MAX + 1];
        /* "+cpu +memory ...": the v2 controllers every group hands to its children. */
        char controllers[256];
        bool offered[256];  /* by legacy row: see tree_offers() */
        const struct compat_hooks *hooks;
        void *userdata;
        /* Keys of every view served from the tree (at most 64): what "held by every view" means. */
        const char *const *view_keys;
        size_t n_view_keys;
};

/*
 * cgroupfs, v1 and v2 alike, takes names longer than NAME_MAX; FUSE passes up to
 * 1024 bytes (FUSE_NAME_MAX), so that is the longest name a view can carry.
 */
#define GROUP_NAME_MAX 1024

struct tree_child {
        int fd;
        char v2_name[GROUP_NAME_MAX + 1];
};

/* Keys of the legacy-only state kept on v2 directories. */
#define STATE_LEGACY_NAME "name"
#define STATE_HAS_ALIASES "aliases"
#define STATE_NOTIFY_ON_RELEASE "notify_on_release" /* per view: a view flag set */
#define STATE_CLONE_CHILDREN "clone_children"       /* per view: a view flag set */
#define STATE_RELEASED "released" /* its agent ran; cleared once the group is in use again */

int tree_open(struct compat_tree *t, const struct backend_ops *backend, const char *root, const char *leaf);
void tree_close(struct compat_tree *t);
/* Sets root_cgroup from root_path: tree_open() does, and so does whoever opens a tree another way. */
void tree_find_root_cgroup(struct compat_tree *t);

/* Is @name acceptable for a new group? 0 or the kernel's errno. */
int tree_check_new_name(const struct compat_tree *t, const char *name);

/*
 * Groups as a view sees them (membership.h): @view_key names the view, NULL any view.
 * A lookup finds only a group the view holds (its parent is held: the caller came through it).
 */
int tree_lookup(const struct compat_tree *t, int parent_fd, const char *name, const char *view_key,
                struct tree_child *ret);
/*
 * mkdir through a view, with v1's @mode: makes the v2 cgroup held by the view alone, or, when
 * the v2 cgroup exists and the view does not hold it, makes it the view's and returns 1.
 */
int tree_mkdir(struct compat_tree *t, int parent_fd, const char *name, mode_t mode, const struct caller *c,
               const char *view_key, int *ret_fd);
/*
 * rmdir through a view: EBUSY while it has tasks or child groups in that view. The v2 cgroup goes
 * once no view holds it; while others keep it, @release is called first with its fd, to put the
 * view's settings back to their defaults.
 */
typedef int (*tree_release_fn)(void *userdata, int fd);
int tree_rmdir(struct compat_tree *t, int parent_fd, const char *name, const char *view_key, tree_release_fn release,
               void *userdata);
int tree_rename(struct compat_tree *t, int parent_fd, const char *old_name, int new_parent_fd, const char *new_name,
                const char *view_key);

/*
 * Complete a group that has no leaf, after a crash cut its mkdir short or when
 * it was made directly in v2: inherited flags, then the leaf. An alias that
 * never got its legacy name is removed instead (returns 1).
 */
int tree_finish_group(struct compat_tree *t, int parent_fd, const struct tree_child *child);

/*
 * Calls @fn with each child group's legacy name, v2 name and v2 inode, of those the view @view_key
 * holds (NULL: every child in v2); stops on a negative return.
 */
typedef int (*tree_child_fn)(void *userdata, const char *name, const char *v2_name, ino_t ino);
int tree_for_each_child(const struct compat_tree *t, int fd, const char *view_key, tree_child_fn fn, void *userdata);

/*
 * Calls @fn with the group's directory, then each ancestor's, up to the tree's root (@is_root
 * on the last); stops on a negative return. -EXDEV if the group is not below the root.
 */
typedef int (*tree_ancestor_fn)(void *userdata, int fd, bool is_root);
int tree_for_each_ancestor(const struct compat_tree *t, int fd, tree_ancestor_fn fn, void *userdata);

/* The views that see the group: those that hold it and each of its ancestors (membership.h). */
int tree_holders(const struct compat_tree *t, int fd, uint64_t *ret);

/* 1 if the group has child groups the view holds (NULL: any; the hidden leaf does not count), else 0. */
int tree_has_children(const struct compat_tree *t, int fd, const char *view_key);

/* The group's v2 path relative to the tree root, "." for the root. v2 paths never change. */
int tree_v2_path(const struct compat_tree *t, int fd, char *buf, size_t size);

/* The group's path relative to the view root, "/" for the root, "/A/B" below it. */
int tree_legacy_path(const struct compat_tree *t, int fd, char *buf, size_t size);

/* Open the hidden leaf of a group; with @create, make it if it is missing. */
int tree_open_leaf(const struct compat_tree *t, int fd, bool create, int *ret_fd);

/* A string kept as state, NUL-terminated into @buf; @fallback when there is none. */
int tree_get_string(const struct compat_tree *t, int fd, const char *key, const char *fallback, char *buf, size_t size);

/* A boolean legacy flag kept as state; a missing flag is false, a view flag set with members true. */
int tree_get_flag(const struct compat_tree *t, int fd, const char *key);
int tree_set_flag(const struct compat_tree *t, int fd, const char *key, bool on);

/*
 * A flag each view keeps for itself, as each v1 hierarchy had its own
 * (notify_on_release, cgroup.clone_children): the set of view keys that have it.
 */
#define VIEW_FLAG_SET_MAX 2048
int tree_get_view_flag(const struct compat_tree *t, int fd, const char *key, const char *view_key);
int tree_set_view_flag(const struct compat_tree *t, int fd, const char *key, const char *view_key, bool on);

/* Rows of the legacy tables the v2 tree can back: tree_open() looks once at what the root has. */
bool tree_offers(const struct compat_tree *t, size_t row);
