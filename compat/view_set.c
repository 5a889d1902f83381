/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "view_set.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int view_set_read(const struct compat_tree *t, int fd, const char *key, char *buf, size_t size) {
        int r = t->backend->get_state(fd, key, buf, size - 1);
        if (r == -ENODATA)
                r = 0;
        if (r < 0)
                return r;
        buf[r] = 0;
        return r;
}

/* The newline that opens @view_key's line, or NULL. */
static char *member_of(const char *set, const char *view_key) {
        size_t n = strlen(view_key);
        for (const char *p = strchr(set, '\n'); p; p = strchr(p + 1, '\n'))
                if (!strncmp(p + 1, view_key, n) && p[1 + n] == '\n')
                        return (char *) p;
        return NULL;
}

bool view_set_has(const char *set, const char *view_key) {
        return member_of(set, view_key) != NULL;
}

int view_set_add(char *set, size_t size, const char *view_key) {
        size_t len = strlen(set);
        if (!view_key[0] || strchr(view_key, '\n'))
                return -EINVAL;
        if (len == 0) {
                if (size < 2)
                        return -ENOSPC;
                set[len++] = '\n'; /* "\n" alone is the empty set */
                set[len] = 0;
        }
        int n = snprintf(set + len, size - len, "%s\n", view_key);
        if (n < 0 || (size_t) n >= size - len) {
                set[len] = 0;
                return -ENOSPC;
        }
        return 0;
}

int view_set_remove(char *set, const char *view_key) {
        char *member = member_of(set, view_key);
        if (!member)
                return 0;
        const char *next = member + 1 + strlen(view_key);
        memmove(member, next, strlen(next) + 1);
        return 1;
}

size_t view_set_count(const char *set) {
        size_t n = 0;
        for (const char *p = strchr(set, '\n'); p && p[1]; p = strchr(p + 1, '\n'))
                n++;
        return n;
}
