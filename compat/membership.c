/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "membership.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

bool held_set_has(const char *set, const char *key) {
        size_t n = strlen(key);
        if (!set[0])
                return true; /* no mark: every view */
        for (const char *p = strchr(set, '\n'); p; p = strchr(p + 1, '\n'))
                if (!strncmp(p + 1, key, n) && p[1 + n] == '\n')
                        return true;
        return false;
}

int held_set_add(char *set, size_t size, const char *key) {
        size_t len = strlen(set);
        if (!key[0] || strchr(key, '\n'))
                return -EINVAL;
        if (len == 0) {
                if (size < 2)
                        return -ENOSPC;
                set[len++] = '\n'; /* "\n" alone is the empty set */
                set[len] = 0;
        }
        int n = snprintf(set + len, size - len, "%s\n", key);
        if (n < 0 || (size_t) n >= size - len) {
                set[len] = 0;
                return -ENOSPC;
        }
        return 0;
}

size_t held_set_count(const char *set) {
        size_t n = 0;
        for (const char *p = strchr(set, '\n'); p && p[1]; p = strchr(p + 1, '\n'))
                n++;
        return n;
}

int held_set_remove(char *set, const char *key) {
        size_t n = strlen(key);
        for (char *p = strchr(set, '\n'); p; p = strchr(p + 1, '\n'))
                if (!strncmp(p + 1, key, n) && p[1 + n] == '\n') {
                        memmove(p, p + 1 + n, strlen(p + 1 + n) + 1);
                        return 1;
                }
        return 0;
}

/* The group's set as kept; "" when it has no mark. */
static int set_read(const struct compat_tree *t, int fd, char *set, size_t size) {
        int r = t->backend->get_state(fd, STATE_HELD, set, size - 1);
        if (r == -ENODATA)
                r = 0;
        if (r < 0)
                return r;
        set[r] = 0;
        return 0;
}

static int set_write(const struct compat_tree *t, int fd, const char *set) {
        /* An empty set is kept as "\n": no mark at all would mean every view. */
        const char *text = set[0] ? set : "\n";
        return t->backend->set_state(fd, STATE_HELD, text, strlen(text));
}

int membership_held(const struct compat_tree *t, int fd, const char *view_key) {
        char set[VIEW_FLAG_SET_MAX];
        int r = set_read(t, fd, set, sizeof(set));
        if (r < 0)
                return r;
        return held_set_has(set, view_key);
}

uint64_t membership_every_view(const struct compat_tree *t) {
        assert(t->n_view_keys <= 64);
        return t->n_view_keys == 64 ? UINT64_MAX : (UINT64_C(1) << t->n_view_keys) - 1;
}

int membership_mask(const struct compat_tree *t, int fd, uint64_t *ret) {
        char set[VIEW_FLAG_SET_MAX];
        int r = set_read(t, fd, set, sizeof(set));
        if (r < 0)
                return r;
        assert(t->n_view_keys <= 64);
        *ret = 0;
        for (size_t i = 0; i < t->n_view_keys; i++)
                if (held_set_has(set, t->view_keys[i]))
                        *ret |= UINT64_C(1) << i;
        return 0;
}

int membership_init(const struct compat_tree *t, int fd, const char *view_key) {
        char set[VIEW_FLAG_SET_MAX] = "";
        int r = held_set_add(set, sizeof(set), view_key);
        if (r < 0)
                return r;
        return set_write(t, fd, set);
}

int membership_add(const struct compat_tree *t, int fd, const char *view_key) {
        char set[VIEW_FLAG_SET_MAX];
        int r = set_read(t, fd, set, sizeof(set));
        if (r < 0)
                return r;
        if (held_set_has(set, view_key))
                return 0;
        r = held_set_add(set, sizeof(set), view_key);
        if (r < 0)
                return r;
        return set_write(t, fd, set);
}

int membership_remove(const struct compat_tree *t, int fd, const char *view_key) {
        char set[VIEW_FLAG_SET_MAX];
        int r = set_read(t, fd, set, sizeof(set));
        if (r < 0)
                return r;
        if (!set[0]) /* no mark: every view the tree serves, from now on by name */
                for (size_t i = 0; r >= 0 && i < t->n_view_keys; i++)
                        r = held_set_add(set, sizeof(set), t->view_keys[i]);
        if (r < 0)
                return r;
        if (held_set_remove(set, view_key)) {
                r = set_write(t, fd, set);
                if (r < 0)
                        return r;
        }
        return (int) held_set_count(set);
}
