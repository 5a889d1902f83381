/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "placement.h"

#include <assert.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "macro.h"
#include "membership.h"
#include "task_info.h"

/* Deeper v2 paths are placed as if no view placed the task below the attached group. */
#define CHAIN_MAX 128

/* The groups from the tree root down to a task's v2 group, and the views that hold each. */
struct chain {
        int fds[CHAIN_MAX];
        uint64_t held[CHAIN_MAX]; /* a view holds a group only if it holds its parent */
        char *names[CHAIN_MAX];   /* v2 names; names[0] is the root's, "" */
        size_t n;
        char path[PATH_MAX];
};

static void chain_done(struct chain *c) {
        for (size_t i = 1; i < c->n; i++)
                closep(&c->fds[i]);
        c->n = 0;
}

/*
 * The task's v2 cgroup relative to the tree root, its leaf dropped, as "a/b" ("" for the root).
 * 1 if the task is outside the tree.
 */
static int task_group_path(const struct compat_tree *t, pid_t tid, char *buf, size_t size) {
        char path[PATH_MAX];
        size_t root_len = strlen(t->root_cgroup);

        if (!root_len)
                return 1; /* the tree is not below this process's cgroup2 mount */
        int r = task_cgroup2_path(tid, path, sizeof(path));
        if (r < 0)
                return r;
        if (strncmp(path, t->root_cgroup, root_len) ||
            (path[root_len] && path[root_len] != '/' && strcmp(t->root_cgroup, "/")))
                return 1;
        const char *rel = path + root_len;
        rel += *rel == '/';
        if (strlen(rel) >= size)
                return -ENAMETOOLONG;
        strcpy(buf, rel);
        char *last = strrchr(buf, '/');
        if (!strcmp(last ? last + 1 : buf, t->leaf))
                *(last ? last : buf) = 0;
        return 0;
}

/* Opens the groups on @path from the root down, with the views holding each. */
static int chain_open(const struct compat_tree *t, const char *path, struct chain *c) {
        c->fds[0] = t->root_fd;
        c->held[0] = membership_every_view(t);
        c->names[0] = (char *) "";
        c->n = 1;
        if (strlen(path) >= sizeof(c->path))
                return -ENAMETOOLONG;
        strcpy(c->path, path);
        for (char *save = NULL, *name = strtok_r(c->path, "/", &save); name; name = strtok_r(NULL, "/", &save)) {
                uint64_t mask;
                int fd, r;

                if (c->n == CHAIN_MAX)
                        return -ELOOP;
                r = t->backend->open_child(c->fds[c->n - 1], name, &fd);
                if (r < 0)
                        return r;
                c->fds[c->n] = fd;
                c->names[c->n] = name;
                r = membership_mask(t, fd, &mask);
                if (r < 0)
                        return r;
                c->held[c->n] = c->held[c->n - 1] & mask;
                c->n++;
        }
        return 0;
}

/* Where @fd is on the chain: its depth, or -1 if it is not on it. */
static int chain_find(const struct compat_tree *t, const struct chain *c, int fd) {
        char path[PATH_MAX];
        int r = tree_v2_path(t, fd, path, sizeof(path));
        if (r < 0)
                return r;
        if (!strcmp(path, "."))
                return 0;
        size_t depth = 1;
        const char *p = path;
        for (; depth < c->n; depth++) {
                size_t len = strlen(c->names[depth]);
                if (strncmp(p, c->names[depth], len) || (p[len] && p[len] != '/'))
                        return -1;
                if (!p[len])
                        return (int) depth;
                p += len + 1;
        }
        return -1;
}

/*
 * The other views show the task at groups on its chain; the deepest of them bounds where it may
 * go. From the attached group down to that one, no group may be this view's, or the task would
 * show elsewhere here; below it, the task stays as deep as it is now.
 */
int placement_choose(const uint64_t *held, size_t n, size_t h, unsigned self) {
        uint64_t bit = UINT64_C(1) << self;
        size_t bound = 0, x = h;

        assert(h < n && self < 64);
        for (size_t i = 1; i < n; i++)
                if (held[i] & ~bit)
                        bound = i;
        while (x + 1 < n && !(held[x + 1] & bit))
                x++;
        return x < bound ? -1 : (int) x;
}

static int dup_fd(int fd, int *ret_fd) {
        int copy = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (copy < 0)
                return negative_errno();
        *ret_fd = copy;
        return 0;
}

int placement_attach_target(const struct compat_tree *t, int fd, const char *view_key, pid_t tid, int *ret_fd) {
        _cleanup_(chain_done) struct chain c = { .n = 0 };
        char path[PATH_MAX];
        int self = membership_view_index(t, view_key), r;

        /* One view, or one this tree does not know: the group itself. */
        if (t->n_view_keys <= 1 || self < 0)
                return dup_fd(fd, ret_fd);
        r = task_group_path(t, tid, path, sizeof(path));
        if (r < 0)
                return r;
        if (r > 0)
                return dup_fd(fd, ret_fd); /* outside the tree: every view shows it at the root */
        r = chain_open(t, path, &c);
        if (r == -ENOENT)
                return dup_fd(fd, ret_fd); /* its group went meanwhile */
        if (r < 0)
                return r;
        int h = chain_find(t, &c, fd);
        if (h < 0)
                return h == -1 ? dup_fd(fd, ret_fd) : h;

        int x = placement_choose(c.held, c.n, (size_t) h, (unsigned) self);
        if (x < 0 || x == h)
                return dup_fd(fd, ret_fd); /* the group itself, or no group is both: the attach wins */
        r = dup_fd(c.fds[x], ret_fd);
        return r < 0 ? r : 1;
}

/* Every task in the v2 subtree of @fd, its leaves included. */
static int list_subtree(const struct compat_tree *t, int fd, int (*list)(int fd, struct pid_list *ret),
                        struct pid_list *ret);

struct subtree_walk {
        const struct compat_tree *t;
        int fd;
        const char *view_key; /* children this view holds are skipped; NULL: none */
        int (*list)(int fd, struct pid_list *ret);
        struct pid_list *ret;
};

static int walk_child(void *userdata, const char *name, const char *v2_name, ino_t ino) {
        struct subtree_walk *w = userdata;
        _cleanup_close_ int fd = -1;

        (void) name, (void) ino;
        int r = w->t->backend->open_child(w->fd, v2_name, &fd);
        if (r == -ENOENT)
                return 0; /* removed meanwhile: its tasks were gone */
        if (r < 0)
                return r;
        if (w->view_key) {
                r = membership_held(w->t, fd, w->view_key);
                if (r != 0)
                        return r < 0 ? r : 0;
        }
        r = list_subtree(w->t, fd, w->list, w->ret);
        return r == -ENOENT ? 0 : r;
}

static int list_subtree(const struct compat_tree *t, int fd, int (*list)(int fd, struct pid_list *ret),
                        struct pid_list *ret) {
        struct subtree_walk w = { .t = t, .fd = fd, .list = list, .ret = ret };
        _cleanup_close_ int leaf_fd = -1;
        int r = list(fd, ret);
        if (r >= 0)
                r = tree_open_leaf(t, fd, false, &leaf_fd);
        if (r >= 0)
                r = list(leaf_fd, ret);
        if (r < 0 && r != -ENOENT)
                return r;
        return tree_for_each_child(t, fd, NULL, walk_child, &w);
}

int placement_list_unheld(const struct compat_tree *t, int fd, const char *view_key,
                          int (*list)(int fd, struct pid_list *ret), struct pid_list *ret) {
        struct subtree_walk w = { .t = t, .fd = fd, .view_key = view_key, .list = list, .ret = ret };
        if (t->n_view_keys <= 1 && membership_view_index(t, view_key) >= 0)
                return 0; /* one view holds every group */
        return tree_for_each_child(t, fd, NULL, walk_child, &w);
}

int placement_of_task(const struct compat_tree *t, pid_t tid, const char *view_key, int *ret_fd) {
        _cleanup_(chain_done) struct chain c = { .n = 0 };
        char path[PATH_MAX];
        int self = membership_view_index(t, view_key), r;

        r = task_group_path(t, tid, path, sizeof(path));
        if (r < 0)
                return r;
        if (r > 0) {
                r = dup_fd(t->root_fd, ret_fd);
                return r < 0 ? r : 1;
        }
        r = chain_open(t, path, &c);
        if (r < 0)
                return r;
        size_t x = c.n - 1;
        while (x > 0 && self >= 0 && !(c.held[x] & (UINT64_C(1) << self)))
                x--;
        return dup_fd(c.fds[x], ret_fd);
}
