/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The open files and directories of all views. The kernel names an open file by
 * the handle the daemon gave when it was opened, and keeps it across a restart
 * of the daemon (the fd store keeps the connection): so a handle is a slot in a
 * memfd that the next daemon inherits, holding what cannot be recomputed, the
 * opener (v1 judges writes to tasks and release_agent by the opener's
 * credentials as well as the writer's). What can be recomputed, a file's read
 * snapshot or a directory's listing, is this process's own state of the slot,
 * made again on demand by the next daemon.
 */

#include <stddef.h>
#include <stdint.h>

#include "compat/caller.h"

enum handle_kind { HANDLE_FREE, HANDLE_FILE, HANDLE_DIR };

struct handle_record {
        uint32_t kind;
        uint32_t uid;
        uint32_t gid;
        int32_t init_admin; /* as judged at open, -1 if it was not */
};

struct handle_table {
        int fd;                 /* the memfd: a header, then the records */
        void *map;
        size_t n_slots;
        void **state;           /* this process's state of each slot; NULL until made */
        const void **owner;     /* the connection each slot was given on, as far as this process knows */
        size_t *free_slots;     /* a stack */
        size_t n_free;
};

/* Over @fd inherited from a previous daemon, or a new memfd when @fd is -1. Takes @fd. */
int handle_table_init(struct handle_table *t, int fd);
/* This process's side; @free_state (may be NULL) frees each state made. The records stay for the next daemon. */
void handle_table_free(struct handle_table *t, void (*free_state)(enum handle_kind kind, void *state));

/* A new handle for something opened by @opener, with this process's @state. */
int handle_table_add(struct handle_table *t, enum handle_kind kind, const struct caller *opener, void *state,
                     uint64_t *ret);
/*
 * The handle @fh of @kind: the opener (pid 0: not known to outlive a restart) and
 * where this process keeps its state for it (*state NULL when the handle comes
 * from a previous daemon and nothing was made yet). -EBADF for a handle never given.
 */
int handle_table_get(struct handle_table *t, uint64_t fh, enum handle_kind kind, struct caller *ret_opener,
                     void ***ret_state);
/* Frees the slot; returns this process's state of it, for the caller to free. */
void *handle_table_remove(struct handle_table *t, uint64_t fh);
/* Marks slot @fh as given on the connection @owner (an opaque pointer), for handle_table_drop(). */
void handle_table_set_owner(struct handle_table *t, uint64_t fh, const void *owner);
/*
 * Frees every slot marked with @owner, freeing its state with @free_state: the connection is
 * gone and the kernel will never release them. Slots a previous daemon gave and this one never
 * saw used carry no owner and stay. Returns how many were freed.
 */
size_t handle_table_drop(struct handle_table *t, const void *owner, void (*free_state)(enum handle_kind kind, void *state));
