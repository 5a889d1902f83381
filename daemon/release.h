/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Release notification (DESIGN.md): every group flagged notify_on_release has
 * its cgroup.events watched with inotify; when it is flagged, unpopulated and
 * has no child groups, each view's agent runs with the group's legacy path,
 * without waiting, as the kernel's call_usermodehelper(UMH_WAIT_EXEC) did.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compat/tree.h"
#include "view.h"

struct release_watch;

struct release {
        struct compat_tree *tree;
        struct view *views;
        size_t n_views;
        int inotify_fd;
        struct release_watch **watches; /* indexed by inotify watch descriptor */
        size_t n_watches;
        int *queue;                     /* watches of groups to release, oldest first */
        size_t queue_head, queue_len, queue_size;
        uint64_t agents_started;
};

int release_init(struct release *r, struct compat_tree *tree, struct view *views, size_t n_views);
void release_free(struct release *r);

/*
 * Once at start, over the whole tree: complete groups a crash left unfinished,
 * watch every flagged group, and release those already abandoned.
 */
int release_scan(struct release *r);
/* Handle what inotify reported. */
int release_process(struct release *r);
/* Start the agents of up to @max queued groups; returns how many are still queued. */
size_t release_run_pending(struct release *r, size_t max);

/* The tree's news: a group's flag changed; a child of a group was removed. */
void release_notify_changed(struct release *r, int fd, bool on);
void release_child_removed(struct release *r, int parent_fd);

/* Collect agents that finished (on SIGCHLD). */
void release_reap(struct release *r);
