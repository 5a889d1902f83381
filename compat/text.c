/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "text.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

void text_free(struct text *t) {
        free(t->data);
        *t = (struct text) {};
}

bool text_equal(const struct text *a, const struct text *b) {
        return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

int text_reserve(struct text *t, size_t extra) {
        if (t->size - t->len > extra)
                return 0;
        size_t size = t->size ? t->size : 256;
        if (extra >= SIZE_MAX / 2 - t->len)
                return -ENOMEM;
        while (size - t->len <= extra)
                size *= 2;
        char *p = realloc(t->data, size);
        if (!p)
                return -ENOMEM;
        t->data = p;
        t->size = size;
        return 0;
}

int text_append(struct text *t, const char *s, size_t n) {
        int r = text_reserve(t, n);
        if (r < 0)
                return r;
        memcpy(t->data + t->len, s, n);
        t->len += n;
        t->data[t->len] = 0;
        return 0;
}

int text_printf(struct text *t, const char *fmt, ...) {
        va_list ap;
        int n, r;

        va_start(ap, fmt);
        n = vsnprintf(NULL, 0, fmt, ap);
        va_end(ap);
        if (n < 0)
                return -EINVAL;
        r = text_reserve(t, (size_t) n);
        if (r < 0)
                return r;
        va_start(ap, fmt);
        vsnprintf(t->data + t->len, t->size - t->len, fmt, ap);
        va_end(ap);
        t->len += (size_t) n;
        return 0;
}

void json_put_string(FILE *f, const char *s, size_t len) {
        fputc('"', f);
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char) s[i];
                if (c == '"' || c == '\\')
                        fprintf(f, "\\%c", c);
                else if (c < 0x20 || c == 0x7f)
                        fprintf(f, "\\u%04x", c);
                else
                        fputc(c, f);
        }
        fputc('"', f);
}
