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
#include "handles.h"

struct metrics;

/* What a daemon inherits of a view from the one before it, through systemd's fd store. */
struct view_resume {
        int fuse_fd;   /* the mounted connection: view_fd() of the previous daemon */
        int record_fd; /* its view_record() */
};

struct view {
        struct view_settings settings;
        char key[256];
        char mount[PATH_MAX];
        struct compat_tree *tree;
        struct node_table nodes;
        struct node *root;
        struct fuse_session *session;
        struct fuse_buf buf;
        struct handle_table *handles; /* shared by all views */
        bool initialised;       /* FUSE_INIT was answered, by this daemon or one before it */
        bool resumed;           /* the mount is one a previous daemon left */
        void *init_request;     /* the kernel's FUSE_INIT as it came, for view_record() */
        size_t init_len;
        uint64_t want;          /* the FUSE capabilities agreed with the kernel */
        bool in_fd_store;       /* systemd keeps its connection for the next daemon (set by the caller) */
        dev_t dev;              /* the connection's device, as mountinfo shows it; 0 if unknown */
        bool dead;              /* the connection failed (ENODEV): to be mounted again (set by the caller) */
        bool page_cache;        /* settings read through the kernel's page cache (set by the caller) */
        const struct event_registrar *events; /* cgroup.event_control's (set by the caller) */
        /* Where each request is counted, as view @metrics_index (set by the caller); NULL: nowhere. */
        struct metrics *metrics;
        size_t metrics_index;
        int request_error;      /* the errno the request being served was answered with, else 0 */
        int stack_done_fd;      /* while a child stacking the view on itself waits: hangs up when it is done; else -1 */
        /* FUSE_INIT of a new mount was answered: the view serves from now on. */
        void (*initialised_hook)(void *userdata, struct view *v);
        /* A directory entry of the group with v2 inode @parent_ino changed: the other views must forget it. */
        void (*entry_changed)(void *userdata, const struct view *v, uint64_t parent_ino, const char *name);
        void *userdata;
};

/*
 * Mounts the view at @mount, or with @resume, answers the mount a previous daemon
 * left there (falling back to a new mount if it cannot: the fds are taken either way).
 */
int view_start(struct view *v, struct compat_tree *tree, struct handle_table *handles,
               const struct view_settings *settings, const char *mount, struct view_resume *resume);
/* A view the previous daemon served and this one does not: unmounts it (lazily) and closes the fds. */
void view_abandon(struct view_resume *resume);
/* A sealed memfd recording the connection, which a restarted daemon needs with view_fd(); -EAGAIN before FUSE_INIT. */
int view_record(const struct view *v, int *ret_fd);
int view_fd(const struct view *v);
/* Serve one request: 1 if one was served, 0 if none was queued, -ENODEV once the mount is gone. */
int view_process(struct view *v);
/*
 * How many layers of the view's own live connection are at its place in @mountinfo
 * (mountinfo_read()): 2 as it should be (stacked on itself), 1 after an outside umount took
 * the top one (view_restack() puts it back), 0 when it must be mounted again.
 */
int view_layers(const struct view *v, const char *mountinfo);
int view_restack(struct view *v);
/* A restack is still waiting for the view's root (a process holds it while it waits for us). */
bool view_stacking(struct view *v);
/*
 * For a view unmounted from outside (or whose connection died): closes our end of its
 * connection, drops its handles and returns its session, which the caller destroys once no
 * thread uses it. Then view_mount_again() makes a new mount and connection at the same place.
 */
struct fuse_session *view_disconnect(struct view *v);
int view_mount_again(struct view *v);
/* Unmount, leaving the session to view_stop(); without it, view_stop() leaves the view mounted. */
void view_unmount(struct view *v);
void view_stop(struct view *v);

/* Frees what a view keeps for an open handle, at exit (without the views' node tables). */
void view_free_handle_state(enum handle_kind kind, void *state);

/* The node id this view's kernel knows the group with v2 inode @ino by, or 0 if it knows none. */
fuse_ino_t view_group_nodeid(struct view *v, uint64_t ino);
