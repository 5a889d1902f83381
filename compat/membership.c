/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "membership.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "view_set.h"

bool held_set_has(const char *set, const char *key) {
        return !set[0] || view_set_has(set, key); /* no mark: every view */
}

static int set_read(const struct compat_tree *t, int fd, char *set, size_t size) {
        int r = view_set_read(t, fd, STATE_HELD, set, size);
        return r < 0 ? r : 0;
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

int membership_view_index(const struct compat_tree *t, const char *view_key) {
        for (size_t i = 0; i < t->n_view_keys; i++)
                if (!strcmp(t->view_keys[i], view_key))
                        return (int) i;
        return -1;
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
        int r = view_set_add(set, sizeof(set), view_key);
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
        r = view_set_add(set, sizeof(set), view_key);
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
                        r = view_set_add(set, sizeof(set), t->view_keys[i]);
        if (r < 0)
                return r;
        if (view_set_remove(set, view_key)) {
                r = set_write(t, fd, set);
                if (r < 0)
                        return r;
        }
        return (int) view_set_count(set);
}
