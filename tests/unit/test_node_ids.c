/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * compat/node_table.c, the part a restart needs: node ids stable across
 * processes (a group's v2 inode, a file's node_file_ino), nodes made again on
 * demand from an id the kernel got from a previous daemon, forgets clamped.
 */

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include "compat/node_table.h"

/* The reopen callback: which inode was asked for, and whether it still exists. */
struct reopener {
        uint64_t asked[8];
        size_t n;
        uint64_t gone; /* this inode was removed: ENOENT */
};

static int reopen(void *userdata, uint64_t ino, int *ret_fd) {
        struct reopener *r = userdata;
        if (r->n < 8)
                r->asked[r->n++] = ino;
        if (ino == r->gone)
                return -ENOENT;
        *ret_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        return *ret_fd < 0 ? -errno : 0;
}

Test(node_ids, file_ids_decode_to_their_group_and_row) {
        uint64_t group;
        size_t row;

        for (size_t r = 0; r < legacy_file_count(); r++) {
                uint64_t id = node_file_ino(34605, r);
                cr_assert(node_ino_is_file(id, &group, &row));
                cr_assert_eq(group, 34605);
                cr_assert_eq(row, r);
        }
        /* Group ids are v2 inodes: no top byte, never taken for a file. */
        cr_assert_not(node_ino_is_file(34605, &group, &row));
        cr_assert_not(node_ino_is_file(2, &group, &row));
        cr_assert_not(node_ino_is_file((1ull << 56) - 1, &group, &row));
}

Test(node_ids, a_group_unknown_to_this_process_is_reopened_by_inode) {
        struct reopener ro = {};
        struct node_table t;
        struct node *n = NULL, *again = NULL;

        cr_assert_eq(node_table_init(&t, 64, reopen, &ro), 0);
        cr_assert_null(node_table_find(&t, 777));
        cr_assert_eq(node_table_get(&t, 777, &n), 0);
        cr_assert_eq(ro.n, 1);
        cr_assert_eq(ro.asked[0], 777);
        cr_assert_eq(n->kind, NODE_GROUP);
        cr_assert_eq(n->ino, 777);
        cr_assert_eq(n->nlookup, 0); /* how many lookups the kernel holds is not known */
        cr_assert_geq(n->fd, 0);
        cr_assert_eq(node_table_find(&t, 777), n);
        cr_assert_eq(node_table_get(&t, 777, &again), 0);
        cr_assert_eq(again, n);
        cr_assert_eq(ro.n, 1); /* known now: not reopened */
        node_table_free(&t);
}

Test(node_ids, a_file_id_makes_its_group_and_its_file_node) {
        struct reopener ro = {};
        struct node_table t;
        struct node *f = NULL;
        size_t row = legacy_file_count() - 1;

        cr_assert_eq(node_table_init(&t, 64, reopen, &ro), 0);
        cr_assert_null(node_table_find(&t, node_file_ino(4242, row)));
        cr_assert_eq(node_table_get(&t, node_file_ino(4242, row), &f), 0);
        cr_assert_eq(f->kind, NODE_FILE);
        cr_assert_eq(f->ino, node_file_ino(4242, row));
        cr_assert_eq(f->file, legacy_file_at(row));
        cr_assert_eq(f->group->ino, 4242);
        cr_assert_eq(f->group->pins, 1);
        cr_assert_eq(node_table_find(&t, node_file_ino(4242, row)), f);
        cr_assert_eq(node_table_find(&t, 4242), f->group);
        /* Another row of the same group is not there until asked for. */
        cr_assert_null(node_table_find(&t, node_file_ino(4242, 0)));
        node_table_free(&t);
}

Test(node_ids, ids_that_cannot_be_resolved) {
        struct reopener ro = { .gone = 99 };
        struct node_table t;
        struct node *n = NULL;

        cr_assert_eq(node_table_init(&t, 64, reopen, &ro), 0);
        cr_assert_eq(node_table_get(&t, 99, &n), -ENOENT); /* removed since */
        cr_assert_eq(node_table_get(&t, node_file_ino(99, 0), &n), -ENOENT);
        /* A row beyond the tables: no daemon of this build gave it. */
        cr_assert_eq(node_table_get(&t, node_file_ino(5, legacy_file_count()), &n), -ENOENT);
        cr_assert_eq(ro.n, 2);
        cr_assert_eq(t.n_groups, 0);
        node_table_free(&t);

        /* Without a way to reopen, an unknown id is unknown. */
        cr_assert_eq(node_table_init(&t, 64, NULL, NULL), 0);
        cr_assert_eq(node_table_get(&t, 5, &n), -ENOENT);
        node_table_free(&t);
}

Test(node_ids, forgets_beyond_what_was_counted_are_clamped) {
        struct reopener ro = {};
        struct node_table t;
        struct node *g = NULL, *f = NULL;

        cr_assert_eq(node_table_init(&t, 64, reopen, &ro), 0);
        cr_assert_eq(node_table_get(&t, 31, &g), 0);
        g->nlookup = 1; /* one lookup answered by this process... */
        node_forget(&t, g, 5); /* ...five forgotten: four were the previous daemon's */
        cr_assert_null(node_table_find(&t, 31));

        /* A file node: its forget frees it, then its group once nothing holds that. */
        cr_assert_eq(node_table_get(&t, node_file_ino(32, 0), &f), 0);
        node_forget(&t, f, 3);
        cr_assert_null(node_table_find(&t, node_file_ino(32, 0)));
        cr_assert_null(node_table_find(&t, 32));

        /* Freed too early costs a reopen, nothing else. */
        size_t asked = ro.n;
        cr_assert_eq(node_table_get(&t, 31, &g), 0);
        cr_assert_eq(ro.n, asked + 1);
        node_table_free(&t);
}
