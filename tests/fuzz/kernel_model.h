/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * An independent model of the kernel's lib/kstrtox.c and lib/string.c strim(), written
 * from the kernel sources in their own shape (_parse_integer_fixup_radix, _parse_integer,
 * _kstrtoull, kstrtoll, kstrtoint), to compare compat/kstrto.c against.
 *
 * The kernel reads C strings; compat/kstrto.c reads counted buffers. Here a counted buffer
 * is read through at(): past the end it is the kernel's terminating NUL, and a NUL byte
 * inside the buffer is a character that is no digit, no '\n' and not the end (so "5\0"
 * is "5" followed by junk: -EINVAL; legacy_file_write() cuts at the NUL before parsing).
 */

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#define MODEL_END (-1)       /* the kernel's terminating NUL */
#define MODEL_INNER_NUL 0x100 /* a NUL byte inside the buffer */

struct model_str {
        const unsigned char *s;
        size_t len;
};

static inline int model_at(struct model_str m, size_t i) {
        if (i >= m.len)
                return MODEL_END;
        return m.s[i] ? m.s[i] : MODEL_INNER_NUL;
}

static inline int model_tolower(int c) {
        return c >= 0 && c < 0x100 ? (c | 0x20) : c; /* lib/ctype: _tolower(c) is c | 0x20 */
}

static inline bool model_isxdigit(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* lib/ctype.c: _S is ' ', \t \n \v \f \r and 0xa0 (Latin-1 NBSP). */
static inline bool model_isspace(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || c == 0xa0;
}

/* Returns the offset after the radix prefix, and sets *base. */
static inline size_t model_fixup_radix(struct model_str m, size_t i, unsigned *base) {
        if (*base == 0) {
                if (model_at(m, i) == '0') {
                        if (model_tolower(model_at(m, i + 1)) == 'x' && model_isxdigit(model_at(m, i + 2)))
                                *base = 16;
                        else
                                *base = 8;
                } else
                        *base = 10;
        }
        if (*base == 16 && model_at(m, i) == '0' && model_tolower(model_at(m, i + 1)) == 'x')
                i += 2;
        return i;
}

/* _kstrtoull from offset @i. The overflow test is by 128-bit arithmetic, not the kernel's. */
static inline int model_kstrtoull_from(struct model_str m, size_t i, unsigned base, unsigned long long *res) {
        unsigned __int128 value = 0;
        bool overflow = false;
        size_t digits = 0;

        i = model_fixup_radix(m, i, &base);
        for (;; i++, digits++) {
                int c = model_at(m, i), lc = model_tolower(c);
                unsigned val;

                if (c >= '0' && c <= '9')
                        val = (unsigned) (c - '0');
                else if (lc >= 'a' && lc <= 'f')
                        val = (unsigned) (lc - 'a' + 10);
                else
                        break;
                if (val >= base)
                        break;
                value = value * base + val;
                if (value > ULLONG_MAX) {
                        overflow = true;
                        value = (unsigned __int128) ULLONG_MAX + 1; /* stays above, never wraps */
                }
        }
        if (overflow)
                return -ERANGE;
        if (digits == 0)
                return -EINVAL;
        if (model_at(m, i) == '\n')
                i++;
        if (model_at(m, i) != MODEL_END)
                return -EINVAL;
        *res = (unsigned long long) value;
        return 0;
}

static inline int model_kstrtoull(const char *s, size_t len, unsigned base, unsigned long long *res) {
        struct model_str m = { (const unsigned char *) s, len };
        size_t i = 0;

        if (model_at(m, 0) == '+')
                i = 1;
        return model_kstrtoull_from(m, i, base, res);
}

static inline int model_kstrtoll(const char *s, size_t len, unsigned base, long long *res) {
        struct model_str m = { (const unsigned char *) s, len };
        unsigned long long tmp;
        int rv;

        if (model_at(m, 0) == '-') {
                rv = model_kstrtoull_from(m, 1, base, &tmp);
                if (rv < 0)
                        return rv;
                if (tmp > (unsigned long long) LLONG_MAX + 1)
                        return -ERANGE;
                *res = tmp == (unsigned long long) LLONG_MAX + 1 ? LLONG_MIN : -(long long) tmp;
        } else {
                rv = model_kstrtoull(s, len, base, &tmp);
                if (rv < 0)
                        return rv;
                if (tmp > (unsigned long long) LLONG_MAX)
                        return -ERANGE;
                *res = (long long) tmp;
        }
        return 0;
}

static inline int model_kstrtoint(const char *s, size_t len, unsigned base, int *res) {
        long long tmp;
        int rv = model_kstrtoll(s, len, base, &tmp);

        if (rv < 0)
                return rv;
        if (tmp != (int) tmp)
                return -ERANGE;
        *res = (int) tmp;
        return 0;
}

/* strim(): trailing space off, then skip_spaces(). */
static inline void model_strstrip(const char *s, size_t len, size_t *ret_start, size_t *ret_len) {
        size_t end = len, start = 0;

        while (end > 0 && model_isspace((unsigned char) s[end - 1]))
                end--;
        while (start < end && model_isspace((unsigned char) s[start]))
                start++;
        *ret_start = start;
        *ret_len = end - start;
}
