/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "membership.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* A set of view keys as kept: "\nkey\n" per member; "" for no mark (every view). */
struct view_set {
        char text[VIEW_FLAG_SET_MAX];
        bool marked;
};

static int set_read(const struct compat_tree *t, int fd, struct view_set *ret) {
        int r = t->backend->get_state(fd, STATE_HELD, ret->text, sizeof(ret->text) - 1);
        if (r == -ENODATA) {
                ret->text[0] = 0;
                ret->marked = false;
                return 0;
        }
        if (r < 0)
                return r;
        ret->text[r] = 0;
        ret->marked = true;
        return 0;
}

static int set_write(const struct compat_tree *t, int fd, const struct view_set *s) {
        /* An empty set is kept as "\n": no mark at all would mean every view. */
        const char *text = s->text[0] ? s->text : "\n";
        return t->backend->set_state(fd, STATE_HELD, text, strlen(text));
}

static bool set_has(const struct view_set *s, const char *key) {
        size_t n = strlen(key);
        if (!s->marked)
                return true;
        for (const char *p = strchr(s->text, '\n'); p; p = strchr(p + 1, '\n'))
                if (!strncmp(p + 1, key, n) && p[1 + n] == '\n')
                        return true;
        return false;
}

static int set_add(struct view_set *s, const char *key) {
        size_t len = strlen(s->text);
        if (len == 0)
                s->text[len++] = '\n'; /* "\n" alone is the empty set */
        s->text[len] = 0;
        int n = snprintf(s->text + len, sizeof(s->text) - len, "%s\n", key);
        return n < 0 || (size_t) n >= sizeof(s->text) - len ? -ENOSPC : 0;
}

/* Turns "no mark" into the explicit set of every view the tree serves. */
static int set_make_explicit(const struct compat_tree *t, struct view_set *s) {
        if (s->marked)
                return 0;
        s->marked = true;
        s->text[0] = 0;
        for (size_t i = 0; i < t->n_view_keys; i++) {
                int r = set_add(s, t->view_keys[i]);
                if (r < 0)
                        return r;
        }
        return 0;
}

static size_t set_count(const struct view_set *s) {
        size_t n = 0;
        for (const char *p = strchr(s->text, '\n'); p && p[1]; p = strchr(p + 1, '\n'))
                n++;
        return n;
}

int membership_held(const struct compat_tree *t, int fd, const char *view_key) {
        struct view_set s;
        int r = set_read(t, fd, &s);
        if (r < 0)
                return r;
        return set_has(&s, view_key);
}

int membership_mask(const struct compat_tree *t, int fd, uint64_t *ret) {
        struct view_set s;
        int r = set_read(t, fd, &s);
        if (r < 0)
                return r;
        assert(t->n_view_keys <= 64);
        *ret = 0;
        for (size_t i = 0; i < t->n_view_keys; i++)
                if (set_has(&s, t->view_keys[i]))
                        *ret |= UINT64_C(1) << i;
        return 0;
}

int membership_init(const struct compat_tree *t, int fd, const char *view_key) {
        struct view_set s = { .marked = true };
        int r = set_add(&s, view_key);
        if (r < 0)
                return r;
        return set_write(t, fd, &s);
}

int membership_add(const struct compat_tree *t, int fd, const char *view_key) {
        struct view_set s;
        int r = set_read(t, fd, &s);
        if (r < 0)
                return r;
        if (set_has(&s, view_key))
                return 0;
        r = set_add(&s, view_key);
        if (r < 0)
                return r;
        return set_write(t, fd, &s);
}

int membership_remove(const struct compat_tree *t, int fd, const char *view_key) {
        struct view_set s;
        int r = set_read(t, fd, &s);
        if (r >= 0)
                r = set_make_explicit(t, &s);
        if (r < 0)
                return r;
        size_t n = strlen(view_key);
        for (char *p = strchr(s.text, '\n'); p; p = strchr(p + 1, '\n'))
                if (!strncmp(p + 1, view_key, n) && p[1 + n] == '\n') {
                        memmove(p, p + 1 + n, strlen(p + 1 + n) + 1);
                        r = set_write(t, fd, &s);
                        if (r < 0)
                                return r;
                        break;
                }
        return (int) set_count(&s);
}
