/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "node_table.h"

#include <assert.h>
#include <string.h>

#include "macro.h"

static size_t bucket_of(const struct node_table *t, uint64_t ino) {
        /* cgroup2 inode numbers are sequential: a multiplicative hash spreads them. */
        return (size_t) ((ino * 0x9E3779B97F4A7C15ull) >> 32) & (t->n_buckets - 1);
}

int node_table_init(struct node_table *t, size_t max_cached, node_reopen_fn reopen, void *userdata) {
        *t = (struct node_table) {
                .n_buckets = 1024,
                .max_cached = max_cached < 16 ? 16 : max_cached,
                .reopen = reopen,
                .userdata = userdata,
        };
        t->buckets = calloc(t->n_buckets, sizeof(struct node *));
        return t->buckets ? 0 : -ENOMEM;
}

static void lru_unlink(struct node_table *t, struct node *n) {
        if (n->lru_prev)
                n->lru_prev->lru_next = n->lru_next;
        else
                t->lru_head = n->lru_next;
        if (n->lru_next)
                n->lru_next->lru_prev = n->lru_prev;
        else
                t->lru_tail = n->lru_prev;
        n->lru_prev = n->lru_next = NULL;
}

static void lru_push_front(struct node_table *t, struct node *n) {
        n->lru_next = t->lru_head;
        if (t->lru_head)
                t->lru_head->lru_prev = n;
        t->lru_head = n;
        if (!t->lru_tail)
                t->lru_tail = n;
}

static void uncache_fd(struct node_table *t, struct node *n) {
        if (n->fd < 0)
                return;
        lru_unlink(t, n);
        closep(&n->fd);
        n->fd = -1;
        t->n_cached--;
}

/* Takes ownership of @fd as @n's cached fd, making room by closing the least recently used. */
static void cache_fd(struct node_table *t, struct node *n, int fd) {
        while (t->n_cached >= t->max_cached && t->lru_tail)
                uncache_fd(t, t->lru_tail);
        n->fd = fd;
        lru_push_front(t, n);
        t->n_cached++;
}

int node_fd(struct node_table *t, struct node *group) {
        int fd, r;

        assert(group->kind == NODE_GROUP);
        if (group->fd >= 0) {
                if (t->lru_head != group) {
                        lru_unlink(t, group);
                        lru_push_front(t, group);
                }
                return group->fd;
        }
        if (!t->reopen)
                return -EBADF;
        r = t->reopen(t->userdata, group->ino, &fd);
        if (r < 0)
                return r;
        cache_fd(t, group, fd);
        return fd;
}

static void file_node_free(struct node *n) {
        if (n->page_content)
                text_free(n->page_content);
        free(n->page_content);
        free(n);
}

static void node_free(struct node_table *t, struct node *n) {
        if (n->kind == NODE_GROUP) {
                uncache_fd(t, n);
                free(n);
        } else
                file_node_free(n);
}

void node_table_free(struct node_table *t) {
        for (size_t i = 0; i < t->n_buckets; i++)
                for (struct node *n = t->buckets[i], *next; n; n = next) {
                        next = n->hash_next;
                        for (struct node *f = n->files, *next_file; f; f = next_file) {
                                next_file = f->next_file;
                                file_node_free(f);
                        }
                        /* Everything goes: no need to keep the LRU list, whose neighbours may be freed already. */
                        closep(&n->fd);
                        free(n);
                }
        free(t->buckets);
        *t = (struct node_table) {};
}

static void grow(struct node_table *t) {
        size_t n_buckets = t->n_buckets * 2;
        struct node **buckets = calloc(n_buckets, sizeof(struct node *));
        if (!buckets)
                return; /* longer chains, still correct */
        struct node_table bigger = { .buckets = buckets, .n_buckets = n_buckets };
        for (size_t i = 0; i < t->n_buckets; i++)
                for (struct node *n = t->buckets[i], *next; n; n = next) {
                        next = n->hash_next;
                        size_t b = bucket_of(&bigger, n->ino);
                        n->hash_next = buckets[b];
                        buckets[b] = n;
                }
        free(t->buckets);
        t->buckets = buckets;
        t->n_buckets = n_buckets;
}

struct node *node_table_find_group(const struct node_table *t, uint64_t ino) {
        for (struct node *n = t->buckets[bucket_of(t, ino)]; n; n = n->hash_next)
                if (n->ino == ino)
                        return n;
        return NULL;
}

int node_table_add_group(struct node_table *t, uint64_t ino, int fd, struct node **ret) {
        struct node *n = node_table_find_group(t, ino);

        if (n) {
                closep(&fd);
                *ret = n;
                return 0;
        }
        n = calloc(1, sizeof(*n));
        if (!n) {
                closep(&fd);
                return -ENOMEM;
        }
        *n = (struct node) { .kind = NODE_GROUP, .ino = ino, .fd = -1 };
        cache_fd(t, n, fd);
        if (t->n_groups >= t->n_buckets)
                grow(t);
        size_t b = bucket_of(t, ino);
        n->hash_next = t->buckets[b];
        t->buckets[b] = n;
        t->n_groups++;
        *ret = n;
        return 0;
}

#define ROW_SHIFT 56

uint64_t node_file_ino(uint64_t group_ino, size_t row) {
        return (group_ino & ~(0xffull << ROW_SHIFT)) | ((uint64_t) (row + 1) << ROW_SHIFT);
}

bool node_ino_is_file(uint64_t id, uint64_t *ret_group_ino, size_t *ret_row) {
        uint64_t row = id >> ROW_SHIFT;
        if (row == 0)
                return false;
        *ret_group_ino = id & ~(0xffull << ROW_SHIFT);
        *ret_row = (size_t) row - 1;
        return true;
}

static struct node *file_node_of(const struct node *group, size_t row) {
        for (struct node *n = group->files; n; n = n->next_file)
                if (legacy_file_index(n->file) == row)
                        return n;
        return NULL;
}

struct node *node_table_find(const struct node_table *t, uint64_t id) {
        uint64_t group_ino;
        size_t row;

        if (!node_ino_is_file(id, &group_ino, &row))
                return node_table_find_group(t, id);
        struct node *group = node_table_find_group(t, group_ino);
        return group ? file_node_of(group, row) : NULL;
}

static int get_group(struct node_table *t, uint64_t ino, struct node **ret) {
        int fd, r;

        *ret = node_table_find_group(t, ino);
        if (*ret)
                return 0;
        if (!t->reopen)
                return -ENOENT;
        r = t->reopen(t->userdata, ino, &fd);
        if (r < 0)
                return r;
        return node_table_add_group(t, ino, fd, ret);
}

int node_table_get(struct node_table *t, uint64_t id, struct node **ret) {
        struct node *group;
        uint64_t group_ino;
        size_t row;
        int r;

        if (!node_ino_is_file(id, &group_ino, &row))
                return get_group(t, id, ret);
        if (row >= legacy_file_count())
                return -ENOENT; /* not an id this daemon's tables could have given */
        r = get_group(t, group_ino, &group);
        if (r < 0)
                return r;
        return node_table_file(t, group, legacy_file_at(row), ret);
}

/* A group holds few file nodes at a time, so a list costs less than a slot per row. */
int node_table_file(struct node_table *t, struct node *group, const struct legacy_file *file, struct node **ret) {
        struct node *n;

        assert(group->kind == NODE_GROUP);
        for (n = group->files; n; n = n->next_file)
                if (n->file == file) {
                        *ret = n;
                        return 0;
                }
        n = calloc(1, sizeof(*n));
        if (!n)
                return -ENOMEM;
        *n = (struct node) {
                .kind = NODE_FILE,
                .ino = node_file_ino(group->ino, legacy_file_index(file)),
                .fd = -1,
                .group = group,
                .file = file,
                .next_file = group->files,
        };
        group->files = n;
        group->pins++;
        t->n_files++;
        *ret = n;
        return 0;
}

static void unlink_group(struct node_table *t, struct node *n) {
        for (struct node **p = &t->buckets[bucket_of(t, n->ino)]; *p; p = &(*p)->hash_next)
                if (*p == n) {
                        *p = n->hash_next;
                        t->n_groups--;
                        return;
                }
}

static void maybe_free(struct node_table *t, struct node *n) {
        if (n->nlookup > 0 || n->pins > 0)
                return;
        if (n->kind == NODE_FILE) {
                struct node *group = n->group;
                for (struct node **p = &group->files; *p; p = &(*p)->next_file)
                        if (*p == n) {
                                *p = n->next_file;
                                break;
                        }
                t->n_files--;
                node_free(t, n);
                node_unpin(t, group);
                return;
        }
        unlink_group(t, n);
        node_free(t, n);
}

void node_pin(struct node *n) {
        n->pins++;
}

void node_unpin(struct node_table *t, struct node *n) {
        assert(n->pins > 0);
        n->pins--;
        maybe_free(t, n);
}

void node_forget(struct node_table *t, struct node *n, uint64_t nlookup) {
        /* More than counted: lookups answered by a daemon before this one (see node_table.h). */
        n->nlookup -= nlookup < n->nlookup ? nlookup : n->nlookup;
        maybe_free(t, n);
}
