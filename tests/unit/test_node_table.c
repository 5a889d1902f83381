/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* compat/node_table.c: the inode table of a view (lookups, pins, forget, growth). */

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include "compat/node_table.h"

static int open_null(void) {
        int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        cr_assert_geq(fd, 0);
        return fd;
}

static bool fd_is_open(int fd) {
        return fcntl(fd, F_GETFD) >= 0;
}

static void assert_closed(int fd) {
        errno = 0;
        cr_assert_eq(fcntl(fd, F_GETFD), -1, "fd %d is still open", fd);
        cr_assert_eq(errno, EBADF);
}

static struct node *add(struct node_table *t, uint64_t ino, int fd) {
        struct node *n = NULL;
        cr_assert_eq(node_table_add_group(t, ino, fd, &n), 0);
        cr_assert_not_null(n);
        return n;
}

static struct node *file_of(struct node_table *t, struct node *g, size_t row) {
        struct node *n = NULL;
        cr_assert_lt(row, legacy_file_count());
        cr_assert_eq(node_table_file(t, g, legacy_file_at(row), &n), 0);
        cr_assert_not_null(n);
        return n;
}

Test(node_table, empty) {
        struct node_table t;

        cr_assert_eq(node_table_init(&t, 1u << 20, NULL, NULL), 0);
        cr_assert_eq(t.n_groups, 0);
        cr_assert_eq(t.n_files, 0);
        cr_assert_null(node_table_find_group(&t, 1));
        cr_assert_null(node_table_find_group(&t, 0));
        cr_assert_null(node_table_find_group(&t, UINT64_MAX));
        node_table_free(&t);
        cr_assert_null(t.buckets);
}

Test(node_table, add_and_find) {
        struct node_table t;
        int fd1 = open_null(), fd2 = open_null();

        cr_assert_eq(node_table_init(&t, 1u << 20, NULL, NULL), 0);
        struct node *a = add(&t, 1, fd1);
        struct node *b = add(&t, 34605, fd2);

        cr_assert_neq(a, b);
        cr_assert_eq(a->kind, NODE_GROUP);
        cr_assert_eq(a->ino, 1);
        cr_assert_eq(a->fd, fd1);
        cr_assert_eq(a->nlookup, 0);
        cr_assert_eq(a->pins, 0);
        cr_assert_null(a->files);
        cr_assert_null(a->group);
        cr_assert_eq(b->ino, 34605);
        cr_assert_eq(b->fd, fd2);
        cr_assert_eq(t.n_groups, 2);

        cr_assert_eq(node_table_find_group(&t, 1), a);
        cr_assert_eq(node_table_find_group(&t, 34605), b);
        cr_assert_null(node_table_find_group(&t, 2));
        cr_assert_null(node_table_find_group(&t, 34604));

        node_table_free(&t);
        /* The table owns the group fds. */
        assert_closed(fd1);
        assert_closed(fd2);
}

/* A second lookup of the same v2 directory reuses the node and closes the new fd. */
Test(node_table, same_ino_same_node) {
        struct node_table t;
        int fd1 = open_null();

        cr_assert_eq(node_table_init(&t, 1u << 20, NULL, NULL), 0);
        struct node *a = add(&t, 77, fd1);
        a->nlookup = 1;

        int fd2 = open_null();
        cr_assert_neq(fd1, fd2);
        struct node *again = add(&t, 77, fd2);
        cr_assert_eq(again, a);
        assert_closed(fd2);
        cr_assert(fd_is_open(fd1));
        cr_assert_eq(a->fd, fd1);
        cr_assert_eq(a->nlookup, 1); /* counting lookups is the caller's job */
        cr_assert_eq(t.n_groups, 1);

        node_table_free(&t);
        assert_closed(fd1);
}

Test(node_table, file_nodes_pin_their_group) {
        struct node_table t;
        int fd = open_null();

        cr_assert_eq(node_table_init(&t, 1u << 20, NULL, NULL), 0);
        struct node *g = add(&t, 4242, fd);
        g->nlookup = 1;

        struct node *f0 = file_of(&t, g, 0);
        cr_assert_eq(f0->kind, NODE_FILE);
        cr_assert_eq(f0->ino, node_file_ino(4242, 0));
        cr_assert_eq(f0->fd, -1);
        cr_assert_eq(f0->group, g);
        cr_assert_eq(f0->file, legacy_file_at(0));
        cr_assert_eq(f0->nlookup, 0);
        cr_assert_eq(f0->pins, 0);
        cr_assert_eq(g->pins, 1);
        cr_assert_eq(t.n_files, 1);

        /* The same row again: the same node, no second pin. */
        cr_assert_eq(file_of(&t, g, 0), f0);
        cr_assert_eq(g->pins, 1);
        cr_assert_eq(t.n_files, 1);

        struct node *f1 = file_of(&t, g, 1);
        cr_assert_neq(f1, f0);
        cr_assert_eq(f1->ino, node_file_ino(4242, 1));
        cr_assert_eq(f1->file, legacy_file_at(1));
        cr_assert_eq(g->pins, 2);
        cr_assert_eq(t.n_files, 2);
        /* File nodes are not groups. */
        cr_assert_eq(node_table_find_group(&t, f0->ino), NULL);
        cr_assert_eq(t.n_groups, 1);

        f0->nlookup = 1;
        f1->nlookup = 2;

        /* The kernel forgets the group first: the files keep it. */
        node_forget(&t, g, 1);
        cr_assert_eq(node_table_find_group(&t, 4242), g);
        cr_assert(fd_is_open(fd));
        cr_assert_eq(g->nlookup, 0);

        node_forget(&t, f0, 1); /* frees f0, unpins g */
        cr_assert_eq(t.n_files, 1);
        cr_assert_eq(g->pins, 1);
        cr_assert_eq(g->files, f1); /* the only one left in the group's list */
        cr_assert_null(f1->next_file);
        cr_assert_eq(node_table_find_group(&t, 4242), g);

        node_forget(&t, f1, 1);
        cr_assert_eq(node_table_find_group(&t, 4242), g);
        cr_assert_eq(t.n_files, 1);

        node_forget(&t, f1, 1); /* the last hold on anything */
        cr_assert_null(node_table_find_group(&t, 4242));
        cr_assert_eq(t.n_files, 0);
        cr_assert_eq(t.n_groups, 0);
        assert_closed(fd);

        node_table_free(&t);
}

Test(node_table, forget_frees_at_zero) {
        struct node_table t;
        int fd = open_null();

        cr_assert_eq(node_table_init(&t, 1u << 20, NULL, NULL), 0);
        struct node *g = add(&t, 9, fd);
        g->nlookup = 3;

        node_forget(&t, g, 1);
        cr_assert_eq(node_table_find_group(&t, 9), g);
        cr_assert_eq(g->nlookup, 2);
        node_forget(&t, g, 0);
        cr_assert_eq(node_table_find_group(&t, 9), g);
        cr_assert(fd_is_open(fd));

        node_forget(&t, g, 2);
        cr_assert_null(node_table_find_group(&t, 9));
        cr_assert_eq(t.n_groups, 0);
        assert_closed(fd);

        /* The same inode comes back later as a new node. */
        int fd2 = open_null();
        struct node *again = add(&t, 9, fd2);
        cr_assert_eq(again->fd, fd2);
        cr_assert_eq(again->nlookup, 0);
        cr_assert_eq(t.n_groups, 1);
        node_table_free(&t);
        assert_closed(fd2);
}

/* view.c drops a node nobody has looked up yet with a forget of 0. */
Test(node_table, forget_zero_frees_unheld_node) {
        struct node_table t;
        int fd = open_null();

        cr_assert_eq(node_table_init(&t, 1u << 20, NULL, NULL), 0);
        struct node *g = add(&t, 5, fd);
        node_forget(&t, g, 0);
        cr_assert_null(node_table_find_group(&t, 5));
        cr_assert_eq(t.n_groups, 0);
        assert_closed(fd);
        node_table_free(&t);
}

Test(node_table, pins_keep_nodes) {
        struct node_table t;
        int fd = open_null();

        cr_assert_eq(node_table_init(&t, 1u << 20, NULL, NULL), 0);
        struct node *g = add(&t, 11, fd);
        g->nlookup = 1;
        node_pin(g); /* an open handle */
        node_pin(g);
        cr_assert_eq(g->pins, 2);

        node_forget(&t, g, 1);
        cr_assert_eq(node_table_find_group(&t, 11), g);
        node_unpin(&t, g);
        cr_assert_eq(node_table_find_group(&t, 11), g);
        cr_assert(fd_is_open(fd));
        node_unpin(&t, g);
        cr_assert_null(node_table_find_group(&t, 11));
        assert_closed(fd);

        /* A pinned file node outlives its lookups, and so does its group. */
        int fd2 = open_null();
        struct node *h = add(&t, 12, fd2);
        h->nlookup = 1;
        struct node *f = file_of(&t, h, legacy_file_count() - 1);
        f->nlookup = 1;
        node_pin(f);
        node_forget(&t, f, 1);
        node_forget(&t, h, 1);
        cr_assert_eq(node_table_find_group(&t, 12), h);
        cr_assert_eq(h->files, f);
        node_unpin(&t, f);
        cr_assert_null(node_table_find_group(&t, 12));
        cr_assert_eq(t.n_files, 0);
        assert_closed(fd2);
        node_table_free(&t);
}

/* Growth keeps every node findable; cgroup2 inode numbers are sequential, so test those. */
Test(node_table, growth_past_1024_groups) {
        enum { N = 5000 };
        static struct node *nodes[N + 8];
        struct node_table t;

        cr_assert_eq(node_table_init(&t, 1u << 20, NULL, NULL), 0);
        size_t initial_buckets = t.n_buckets;
        for (uint64_t i = 0; i < N; i++) {
                nodes[i] = add(&t, i + 1, -1);
                nodes[i]->nlookup = 1;
                cr_assert_eq(t.n_groups, i + 1);
        }
        /* Inode numbers far apart too, up to the highest a group may have (56 bits). */
        const uint64_t far[] = { 1ull << 32, (1ull << 32) + 1, 1ull << 40, 1ull << 48, (1ull << 56) - 1 };
        for (size_t i = 0; i < ELEMENTSOF(far); i++) {
                nodes[N + i] = add(&t, far[i], -1);
                nodes[N + i]->nlookup = 1;
        }
        size_t total = N + ELEMENTSOF(far);
        cr_assert_eq(t.n_groups, total);
        cr_assert_gt(t.n_buckets, initial_buckets);

        for (uint64_t i = 0; i < N; i++) {
                struct node *n = node_table_find_group(&t, i + 1);
                cr_assert_eq(n, nodes[i], "ino %llu lost after growth", (unsigned long long) (i + 1));
                cr_assert_eq(n->ino, i + 1);
        }
        for (size_t i = 0; i < ELEMENTSOF(far); i++)
                cr_assert_eq(node_table_find_group(&t, far[i]), nodes[N + i]);
        cr_assert_null(node_table_find_group(&t, N + 1));
        cr_assert_null(node_table_find_group(&t, 0));

        /* A duplicate after growth still finds the existing node. */
        int fd = open_null();
        cr_assert_eq(add(&t, 4321, fd), nodes[4320]);
        assert_closed(fd);
        cr_assert_eq(t.n_groups, total);

        /* Forget every other node: the rest stay findable, the others are gone. */
        for (uint64_t i = 0; i < N; i += 2)
                node_forget(&t, nodes[i], 1);
        cr_assert_eq(t.n_groups, total - N / 2);
        for (uint64_t i = 0; i < N; i++) {
                struct node *n = node_table_find_group(&t, i + 1);
                if (i % 2)
                        cr_assert_eq(n, nodes[i]);
                else
                        cr_assert_null(n);
        }
        /* Growth again from here, with real fds on a few of the new nodes. */
        int fds[4];
        for (size_t i = 0; i < 4; i++) {
                fds[i] = open_null();
                add(&t, 100000 + i, fds[i]);
        }
        for (uint64_t i = 0; i < 3000; i++)
                add(&t, 200000 + i, -1);
        for (size_t i = 0; i < 4; i++) {
                struct node *n = node_table_find_group(&t, 100000 + i);
                cr_assert_not_null(n);
                cr_assert_eq(n->fd, fds[i]);
        }
        for (uint64_t i = 0; i < 3000; i++)
                cr_assert_not_null(node_table_find_group(&t, 200000 + i));
        for (uint64_t i = 1; i < N; i += 2)
                cr_assert_eq(node_table_find_group(&t, i + 1), nodes[i]);

        node_table_free(&t);
        for (size_t i = 0; i < 4; i++)
                assert_closed(fds[i]);
}

/* node_table_free() also frees file nodes that are still held. */
Test(node_table, free_with_live_files) {
        struct node_table t;
        int fd = open_null();

        cr_assert_eq(node_table_init(&t, 1u << 20, NULL, NULL), 0);
        struct node *g = add(&t, 3, fd);
        g->nlookup = 1;
        for (size_t row = 0; row < legacy_file_count(); row++)
                file_of(&t, g, row)->nlookup = 5;
        cr_assert_eq(t.n_files, legacy_file_count());
        cr_assert_eq(g->pins, legacy_file_count());
        node_table_free(&t); /* LeakSanitizer would report a file node left behind */
        assert_closed(fd);
}

Test(node_table, file_ino) {
        /* The top byte names the row (row + 1), the rest is the group's inode. */
        cr_assert_eq(node_file_ino(5, 0), (1ull << 56) | 5);
        cr_assert_eq(node_file_ino(5, 2), (3ull << 56) | 5);
        cr_assert_eq(node_file_ino(1, 0), (1ull << 56) | 1);
        cr_assert_eq(node_file_ino(0x00ffffffffffffffull, 0), 0x01ffffffffffffffull);

        const uint64_t groups[] = { 1, 2, 34605, 1ull << 32, (1ull << 56) - 1 };
        for (size_t g = 0; g < ELEMENTSOF(groups); g++)
                for (size_t row = 0; row < legacy_file_count(); row++) {
                        uint64_t ino = node_file_ino(groups[g], row);
                        cr_assert_neq(ino, groups[g]);
                        cr_assert_neq(ino, 0);
                        cr_assert_eq(ino & ((1ull << 56) - 1), groups[g]);
                        for (size_t other = 0; other < row; other++)
                                cr_assert_neq(ino, node_file_ino(groups[g], other));
                        for (size_t h = 0; h < ELEMENTSOF(groups); h++) {
                                cr_assert_neq(ino, groups[h]);
                                if (h != g)
                                        cr_assert_neq(ino, node_file_ino(groups[h], row));
                        }
                }
        /* Every row fits in the top byte. */
        cr_assert_lt(legacy_file_count(), 255);
}

/* Only the most recently used groups keep a directory fd; the others are reopened by inode number. */
static int reopens;

static int reopen_dev_null(void *userdata, uint64_t ino, int *ret_fd) {
        (void) userdata;
        (void) ino;
        reopens++;
        *ret_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        return *ret_fd < 0 ? -errno : 0;
}

Test(node_table, fd_cache_is_bounded_and_reopens) {
        struct node_table t;
        struct node *nodes[40];
        int first_fd;

        reopens = 0;
        cr_assert_eq(node_table_init(&t, 16, reopen_dev_null, NULL), 0);
        for (int i = 0; i < 40; i++) {
                int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
                if (i == 0)
                        first_fd = fd;
                cr_assert_eq(node_table_add_group(&t, 1000 + (uint64_t) i, fd, &nodes[i]), 0);
                cr_assert_leq(t.n_cached, 16);
        }
        cr_assert_eq(t.n_cached, 16);
        /* The oldest groups lost their fds to newer ones; the survivors' fds are open and distinct. */
        for (int i = 0; i < 24; i++)
                cr_assert_eq(nodes[i]->fd, -1, "group %d still has an fd", i);
        for (int i = 24; i < 40; i++) {
                cr_assert(fd_is_open(nodes[i]->fd));
                for (int j = i + 1; j < 40; j++)
                        cr_assert_neq(nodes[i]->fd, nodes[j]->fd);
        }
        (void) first_fd;
        cr_assert_eq(reopens, 0);
        int fd = node_fd(&t, nodes[0]);
        cr_assert_geq(fd, 0);
        cr_assert_eq(reopens, 1);
        cr_assert_eq(nodes[0]->fd, fd);
        cr_assert_eq(t.n_cached, 16);
        /* A cached fd is returned as is, and makes its group the most recent. */
        cr_assert_eq(node_fd(&t, nodes[0]), fd);
        cr_assert_eq(reopens, 1);
        cr_assert_eq(t.lru_head, nodes[0]);
        /* The least recently used now is the oldest survivor, nodes[25]. */
        cr_assert_eq(t.lru_tail, nodes[25]);
        node_table_free(&t);
}
