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

/* A flagged group a task was just moved into, looked at again until @until_ns (CLOCK_MONOTONIC). */
struct release_recheck {
        int wd;
        int64_t until_ns;
};

struct release {
        struct compat_tree *tree;
        struct view *views;
        size_t n_views;
        int inotify_fd;
        struct release_watch **watches; /* indexed by inotify watch descriptor */
        size_t n_watches;
        int *queue;                     /* watches of groups to release, oldest first */
        size_t queue_head, queue_len, queue_size;
        struct release_recheck *rechecks;
        size_t n_rechecks, rechecks_size;
        int64_t rechecked_ns;           /* when they were last looked at */
        uint64_t agents_started;
        uint64_t agents_failed;         /* could not be started (spawn failed) */
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

/*
 * The kernel announces a change of cgroup.events at most once per 10 ms per file: a task that
 * leaves a group within 10 ms of joining it (which announced "populated 1") is announced late.
 * When the daemon moved a task into a flagged group, it looks at the group itself, every
 * millisecond, until the kernel's window has passed.
 */
void release_attached(struct release *r, int fd);
/* How long the event loop may sleep before release_recheck() is due: -1 for no limit, else ms. */
int release_recheck_timeout(const struct release *r);
void release_recheck(struct release *r);

/* Collect agents that finished (on SIGCHLD). */
void release_reap(struct release *r);
