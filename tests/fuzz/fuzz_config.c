/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * conf/config.c config_load_string() on any bytes. Invariants:
 *  - the return is 0, -EINVAL or -ENOMEM;
 *  - on -EINVAL the error is set and begins "NAME:LINE:COLUMN: " with LINE and COLUMN
 *    1-based and inside the input, followed by a one-line message;
 *  - on success the error is NULL, *ret holds a configuration the loader's own rules allow
 *    (backend.root "auto" or absolute, a leaf that is one path component, an absolute or
 *    empty release agent, at least one view, each with a known flavour and an absolute
 *    mount), and config_free() releases everything (LeakSanitizer checks, the run fails on
 *    a leak) and zeroes the struct, twice in a row too;
 *  - *ret is left alone on failure;
 *  - a NULL ret_error gives the same result.
 */

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/config.h"
#include "fuzz_common.h"

#define NAME "fuzz.yaml"

static bool all_zero(const void *p, size_t n) {
        const unsigned char *b = p;
        for (size_t i = 0; i < n; i++)
                if (b[i])
                        return false;
        return true;
}

/* Digits, then @stop; returns the value and advances *p, or -1. */
static long long number_then(const char **p, char stop) {
        const char *s = *p;
        long long v = 0;

        if (*s < '0' || *s > '9')
                return -1;
        while (*s >= '0' && *s <= '9') {
                if (v > (LLONG_MAX - 9) / 10)
                        return -1;
                v = v * 10 + (*s++ - '0');
        }
        if (*s != stop)
                return -1;
        *p = s + 1;
        return v;
}

static void check_error(const char *error, size_t size) {
        const char *p = error;
        long long line, column;

        FUZZ_CHECK(error, "-EINVAL without an error message");
        FUZZ_CHECK(strncmp(p, NAME ":", strlen(NAME ":")) == 0, "error does not start with the name: \"%s\"", error);
        p += strlen(NAME ":");
        line = number_then(&p, ':');
        column = number_then(&p, ':');
        FUZZ_CHECK(line >= 1 && column >= 1, "error has no LINE:COLUMN: \"%s\"", error);
        /* Every line but the first starts after a break, which takes at least one byte. */
        FUZZ_CHECK((size_t) line <= size + 1, "error line %lld beyond the input (%zu bytes): \"%s\"", line, size, error);
        FUZZ_CHECK((size_t) column <= size + 1, "error column %lld beyond the input (%zu bytes): \"%s\"", column, size,
                   error);
        FUZZ_CHECK(*p == ' ' && p[1] != '\0', "error has no message: \"%s\"", error);
        /* config.c quotes user values so that a newline or control byte can't garble the one-line error. */
        for (const char *q = error; *q; q++)
                FUZZ_CHECK((unsigned char) *q >= 0x20 && *q != 0x7f, "error holds control byte 0x%02x at %td: \"%s\"",
                           (unsigned char) *q, q - error, error);
}

/* "/a//b/" and "/a/b" name one directory. */
static bool same_path(const char *a, const char *b) {
        for (;;) {
                while (*a == '/')
                        a++;
                while (*b == '/')
                        b++;
                if (!*a || !*b)
                        return !*a && !*b;
                while (*a && *a != '/' && *a == *b)
                        a++, b++;
                if ((*a && *a != '/') || (*b && *b != '/'))
                        return false;
        }
}

static bool path_clean(const char *s) {
        return s[0] == '/' && strlen(s) < PATH_MAX;
}

static void check_config(const struct config *c) {
        FUZZ_CHECK(c->backend_root && (strcmp(c->backend_root, "auto") == 0 || path_clean(c->backend_root)),
                   "backend.root \"%s\"", c->backend_root ? c->backend_root : "(null)");
        FUZZ_CHECK(c->leaf && c->leaf[0] && strlen(c->leaf) <= NAME_MAX && !strchr(c->leaf, '/') &&
                           !strchr(c->leaf, '\n') && strcmp(c->leaf, ".") && strcmp(c->leaf, ".."),
                   "backend.leaf \"%s\"", c->leaf ? c->leaf : "(null)");
        FUZZ_CHECK(c->release_agent && (c->release_agent[0] == 0 || path_clean(c->release_agent)), "release_agent \"%s\"",
                   c->release_agent ? c->release_agent : "(null)");
        FUZZ_CHECK(c->n_views >= 1 && c->views, "%zu views", c->n_views);
        for (size_t i = 0; i < c->n_views; i++) {
                FUZZ_CHECK(c->views[i].flavor == FLAVOR_CONTAINER || c->views[i].flavor == FLAVOR_CGROUP_V1 ||
                                   c->views[i].flavor == FLAVOR_UNIFIED,
                           "views[%zu].flavor %d", i, (int) c->views[i].flavor);
                FUZZ_CHECK(c->views[i].flavor != FLAVOR_UNIFIED || (!c->views[i].subsystems && !c->views[i].name),
                           "views[%zu]: a unified view with subsystems or a name", i);
                FUZZ_CHECK(c->views[i].mount && path_clean(c->views[i].mount), "views[%zu].mount \"%s\"", i,
                           c->views[i].mount ? c->views[i].mount : "(null)");
                for (size_t j = 0; j < i; j++)
                        FUZZ_CHECK(!same_path(c->views[i].mount, c->views[j].mount), "views[%zu] and [%zu] share \"%s\"",
                                   j, i, c->views[i].mount);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct config c, c2;
        char *error = (char *) 0x1, *text;
        int r, r2;

        fuzz_set_input(data, size);
        text = fuzz_exact_copy(data, size); /* no NUL after it: a counted buffer */

        memset(&c, 0, sizeof(c));
        r = config_load_string(NAME, text, size, &c, &error);
        FUZZ_CHECK(r == 0 || r == -EINVAL || r == -ENOMEM, "config_load_string returned %d", r);
        if (r == -EINVAL)
                check_error(error, size);
        else if (r == 0)
                FUZZ_CHECK(error == NULL, "error \"%s\" set on success", error);
        if (r < 0)
                FUZZ_CHECK(all_zero(&c, sizeof(c)), "*ret written on failure %d", r);
        else
                check_config(&c);

        /* The same without an error string. */
        memset(&c2, 0, sizeof(c2));
        r2 = config_load_string(NAME, text, size, &c2, NULL);
        FUZZ_CHECK(r2 == r, "config_load_string returned %d with ret_error, %d without", r, r2);
        if (r == 0) {
                FUZZ_CHECK(strcmp(c.backend_root, c2.backend_root) == 0 && strcmp(c.leaf, c2.leaf) == 0 &&
                                   strcmp(c.release_agent, c2.release_agent) == 0 && c.n_views == c2.n_views,
                           "a second load differs");
                for (size_t i = 0; i < c.n_views; i++)
                        FUZZ_CHECK(c.views[i].flavor == c2.views[i].flavor &&
                                           strcmp(c.views[i].mount, c2.views[i].mount) == 0,
                                   "a second load differs in views[%zu]", i);
        }

        config_free(&c);
        FUZZ_CHECK(all_zero(&c, sizeof(c)), "config_free did not zero the struct");
        config_free(&c); /* safe twice */
        config_free(&c2);
        free(error);
        free(text);
        return 0;
}
