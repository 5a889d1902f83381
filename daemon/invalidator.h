/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * All views are one tree: a directory removed or renamed through one view must
 * vanish from the kernel's dentry cache of the others at once, not after their
 * entry timeout. The kernel takes the parent's inode lock to apply such a
 * notification, and a request of that view may hold it while it waits for our
 * single-threaded loop: so notifications are written by a thread of their own,
 * and the loop never waits for them.
 */

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#define FUSE_USE_VERSION 35
#include <fuse_lowlevel.h>

struct invalidation;

struct invalidator {
        pthread_t thread;
        pthread_mutex_t lock;
        pthread_cond_t wake, idle;
        struct fuse_session *current; /* the session a notification is being written to */
        struct invalidation *head, **tail;
        bool stopping, started;
        size_t dropped; /* lost to memory pressure: those entries expire by their timeout */
};

int invalidator_start(struct invalidator *inv);
/* Queue: forget @name in @parent of @session. Never blocks on the kernel. */
void invalidator_entry(struct invalidator *inv, struct fuse_session *session, fuse_ino_t parent, const char *name);
/*
 * The same, then tells @done_fd (an eventfd): for @session's own rmdir, the notification
 * waits on the parent's inode lock until the rmdir has completed, so the eventfd says
 * the name is gone from the kernel's dentry cache. Told at once without the thread.
 */
void invalidator_entry_then(struct invalidator *inv, struct fuse_session *session, fuse_ino_t parent, const char *name,
                            int done_fd);
/*
 * Forgets what is queued for @session and waits until no notification is being written to it,
 * so that it can be destroyed. Close our end of its connection first: a notification stuck on
 * an inode lock then returns, its connection aborted.
 */
void invalidator_forget_session(struct invalidator *inv, struct fuse_session *session);
/* Ends the thread; unmount the views first, so that a notification stuck on one returns. */
void invalidator_stop(struct invalidator *inv);
