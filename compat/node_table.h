/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The inode table of a view, as in libfuse's passthrough_ll: a node lives while
 * the kernel holds lookups on it or something pins it, and is found by the
 * inode number of the v2 cgroup behind it, so a request never walks the tree.
 *
 * A group's directory fd is a cache, not a belonging: the kernel may hold
 * lookups on more groups than a process may hold fds, so only the most
 * recently used keep theirs and the others are reopened by inode number.
 *
 * The node ids the kernel is given are stable, derived from the v2 inode (a
 * group's is its inode, a file's node_file_ino() of its group's), so the table
 * is itself a cache too: a daemon restarted under a mounted view resolves the
 * ids its predecessor gave (node_table_get) by reopening the group by inode.
 * How many lookups the kernel holds on such a node is unknown, so a forget is
 * clamped to what this process counted; freeing a node too early only costs
 * a reopen.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "legacy_file.h"

enum node_kind { NODE_GROUP, NODE_FILE };

struct node {
        enum node_kind kind;
        uint64_t ino;                  /* group: the v2 inode; file: derived from it */
        int fd;                        /* group: its v2 directory while cached, else -1 */
        struct node *group;            /* file: the group it belongs to (pinned) */
        const struct legacy_file *file;
        /* file: what its pages in the kernel's page cache hold and st_size says, NULL while unknown */
        struct text *page_content;
        unsigned page_readers;         /* file: open handles reading those pages */
        unsigned writers;              /* file: open handles that may write it */
        uint64_t nlookup;              /* held by the kernel */
        unsigned pins;                 /* held by open handles and by file nodes */
        struct node *files;            /* group: its file nodes, created lazily */
        struct node *next_file;        /* file: the next of its group's */
        struct node *hash_next;
        struct node *lru_prev, *lru_next; /* groups with a cached fd, most recent first */
};

/* Opens the v2 directory of the group with inode number @ino. */
typedef int (*node_reopen_fn)(void *userdata, uint64_t ino, int *ret_fd);

struct node_table {
        struct node **buckets;
        size_t n_buckets, n_groups, n_files;
        struct node *lru_head, *lru_tail;
        size_t n_cached, max_cached;
        node_reopen_fn reopen;
        void *userdata;
};

/* Keeps at most @max_cached directory fds open (at least 16: a request uses up to three). */
int node_table_init(struct node_table *t, size_t max_cached, node_reopen_fn reopen, void *userdata);

/* The group's directory fd, valid until the next call that caches another one. */
int node_fd(struct node_table *t, struct node *group);
void node_table_free(struct node_table *t);

struct node *node_table_find_group(const struct node_table *t, uint64_t ino);
/* The node with node id @id (a group's inode or a file's node_file_ino()), if this table has it. */
struct node *node_table_find(const struct node_table *t, uint64_t id);
/* The same, made on demand: the group reopened by inode (-ENOENT once it is gone), the file node of its row. */
int node_table_get(struct node_table *t, uint64_t id, struct node **ret);
/* Takes ownership of @fd, also on failure. An existing node for @ino is returned as is. */
int node_table_add_group(struct node_table *t, uint64_t ino, int fd, struct node **ret);
/* The node of a legacy file of @group, created on first use. */
int node_table_file(struct node_table *t, struct node *group, const struct legacy_file *file, struct node **ret);

void node_pin(struct node *n);
/* Drop a pin or @nlookup kernel lookups (at most as many as it holds); frees the node once nothing holds it. */
void node_unpin(struct node_table *t, struct node *n);
void node_forget(struct node_table *t, struct node *n, uint64_t nlookup);

/* The inode number shown for a legacy file of a group: the top byte names the row. */
uint64_t node_file_ino(uint64_t group_ino, size_t row);
/* The reverse: whether @id names a legacy file, and then its group's inode and its row. */
bool node_ino_is_file(uint64_t id, uint64_t *ret_group_ino, size_t *ret_row);
