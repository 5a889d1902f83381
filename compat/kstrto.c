/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "kstrto.h"

#include <errno.h>
#include <limits.h>

bool kernel_isspace(unsigned char c) {
        return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

bool kernel_isdigit(unsigned char c) {
        return c >= '0' && c <= '9';
}

int hex_to_bin(unsigned char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        c |= 0x20;
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        return -1;
}

void kstrstrip(const char **start, size_t *len) {
        const char *s = *start;
        size_t n = *len;

        while (n > 0 && kernel_isspace((unsigned char) s[n - 1]))
                n--;
        while (n > 0 && kernel_isspace((unsigned char) *s)) {
                s++;
                n--;
        }
        *start = s;
        *len = n;
}

const char *kernel_skip_spaces(const char *s, const char *end) {
        while (s < end && kernel_isspace((unsigned char) *s))
                s++;
        return s;
}

const char *kernel_scan_ull(const char *s, const char *end, unsigned long long *ret) {
        unsigned long long v = 0;

        s = kernel_skip_spaces(s, end);
        if (s == end || !kernel_isdigit((unsigned char) *s))
                return NULL;
        for (; s < end && kernel_isdigit((unsigned char) *s); s++)
                v = v * 10 + (unsigned) (*s - '0');
        *ret = v;
        return s;
}

static int parse_unsigned(const char *s, size_t len, unsigned base, unsigned long long *ret) {
        unsigned long long value = 0;
        size_t i = 0, digits = 0;
        int overflow = 0;

        /* _parse_integer_fixup_radix() */
        if (base == 0) {
                if (len >= 1 && s[0] == '0') {
                        if (len >= 3 && (s[1] | 0x20) == 'x' && hex_to_bin((unsigned char) s[2]) >= 0)
                                base = 16;
                        else
                                base = 8;
                } else
                        base = 10;
        }
        if (base == 16 && len >= 2 && s[0] == '0' && (s[1] | 0x20) == 'x')
                i = 2;

        for (; i < len; i++, digits++) {
                int d = hex_to_bin((unsigned char) s[i]);

                if (d < 0 || (unsigned) d >= base)
                        break;
                if (value > (ULLONG_MAX - (unsigned) d) / base)
                        overflow = 1;
                value = value * base + (unsigned) d;
        }

        if (overflow)
                return -ERANGE;
        if (digits == 0)
                return -EINVAL;
        if (i < len && s[i] == '\n')
                i++;
        if (i != len)
                return -EINVAL;

        *ret = value;
        return 0;
}

int kstrtoull(const char *s, size_t len, unsigned base, unsigned long long *ret) {
        if (len > 0 && s[0] == '+') {
                s++;
                len--;
        }
        return parse_unsigned(s, len, base, ret);
}

int kstrtoll(const char *s, size_t len, unsigned base, long long *ret) {
        unsigned long long magnitude;
        int r;

        if (len > 0 && s[0] == '-') {
                r = parse_unsigned(s + 1, len - 1, base, &magnitude);
                if (r < 0)
                        return r;
                if (magnitude > (unsigned long long) LLONG_MAX + 1)
                        return -ERANGE;
                *ret = (long long) (0 - magnitude);
                return 0;
        }

        r = kstrtoull(s, len, base, &magnitude);
        if (r < 0)
                return r;
        if (magnitude > (unsigned long long) LLONG_MAX)
                return -ERANGE;
        *ret = (long long) magnitude;
        return 0;
}

int kstrtoint(const char *s, size_t len, unsigned base, int *ret) {
        long long value;
        int r;

        r = kstrtoll(s, len, base, &value);
        if (r < 0)
                return r;
        if (value < INT_MIN || value > INT_MAX)
                return -ERANGE;
        *ret = (int) value;
        return 0;
}
