/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* One legacy view: a FUSE mount served from the shared tree, with its own inode table. */

#include <limits.h>
#include <stdbool.h>

#define FUSE_USE_VERSION 35
#include <fuse_lowlevel.h>

#include "compat/legacy_file.h"
#include "compat/node_table.h"
#include "compat/tree.h"

struct view {
        struct view_settings settings;
        char key[256];
        char mount[PATH_MAX];
        struct compat_tree *tree;
        struct node_table nodes;
        struct node *root;
        struct fuse_session *session;
        struct fuse_buf buf;
        /* A directory entry of the group with v2 inode @parent_ino changed: the other views must forget it. */
        void (*entry_changed)(void *userdata, const struct view *v, uint64_t parent_ino, const char *name);
        void *userdata;
};

int view_start(struct view *v, struct compat_tree *tree, const struct view_settings *settings, const char *mount);
int view_fd(const struct view *v);
/* Serve one request; -ENODEV once the mount is gone. */
int view_process(struct view *v);
/* Unmount, leaving the session to view_stop(). */
void view_unmount(struct view *v);
void view_stop(struct view *v);

/* The node id this view's kernel knows the group with v2 inode @ino by, or 0 if it knows none. */
fuse_ino_t view_group_nodeid(struct view *v, uint64_t ino);
