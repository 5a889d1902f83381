/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "convert_cpuset.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <strings.h>

#include "kstrto.h"
#include "macro.h"

/*
 * What follows mirrors lib/bitmap-str.c (bitmap_parselist and its helpers),
 * which both cgroup versions use for these files, so that every text is
 * accepted or refused as the kernel does, with the same errno.
 */
struct region {
        unsigned start, off, group_len, end, nbits;
};

static bool end_of_str(char c) {
        return c == '\0' || c == '\n';
}

static bool end_of_region_separator(char c) {
        return kernel_isspace((unsigned char) c) || c == ',';
}

static bool end_of_region(char c) {
        return end_of_region_separator(c) || end_of_str(c);
}

/* bitmap_getnum(): "N" is the last bit; digits are base 10 only; past UINT_MAX is EOVERFLOW. */
static const char *get_number(const char *s, unsigned *ret, unsigned lastbit, int *error) {
        unsigned long long n = 0;
        bool overflow = false;
        size_t len = 0;

        if (s[0] == 'N') {
                *ret = lastbit;
                return s + 1;
        }
        for (; s[len] >= '0' && s[len] <= '9'; len++) {
                n = n * 10 + (unsigned) (s[len] - '0');
                if (n > UINT_MAX)
                        overflow = true; /* keeps consuming digits, as _parse_integer() */
        }
        if (len == 0) {
                *error = -EINVAL;
                return NULL;
        }
        if (overflow) {
                *error = -EOVERFLOW;
                return NULL;
        }
        *ret = (unsigned) n;
        return s + len;
}

/* bitmap_parse_region(): NULL with *error set, or NULL at the end of the string, or where to go on. */
static const char *parse_region(const char *s, struct region *r, bool *done, int *error) {
        unsigned lastbit = r->nbits - 1;

        *done = false;
        if (!strncasecmp(s, "all", 3)) {
                r->start = 0;
                r->end = lastbit;
                s += 3;
                goto check_pattern;
        }

        s = get_number(s, &r->start, lastbit, error);
        if (!s)
                return NULL;
        if (end_of_region(*s))
                goto no_end;
        if (*s != '-')
                goto invalid;
        s = get_number(s + 1, &r->end, lastbit, error);
        if (!s)
                return NULL;

check_pattern:
        if (end_of_region(*s))
                goto no_pattern;
        if (*s != ':')
                goto invalid;
        s = get_number(s + 1, &r->off, lastbit, error);
        if (!s)
                return NULL;
        if (*s != '/')
                goto invalid;
        return get_number(s + 1, &r->group_len, lastbit, error);

no_end:
        r->end = r->start;
no_pattern:
        r->off = r->end + 1;
        r->group_len = r->end + 1;
        *done = end_of_str(*s);
        return s;

invalid:
        *error = -EINVAL;
        return NULL;
}

static int check_region(const struct region *r) {
        if (r->start > r->end || r->group_len == 0 || r->off > r->group_len)
                return -EINVAL;
        if (r->end >= r->nbits)
                return -ERANGE;
        return 0;
}

static void set_bit(struct bitmask *m, unsigned bit) {
        m->words[bit / 64] |= UINT64_C(1) << (bit % 64);
}

/* bitmap_set_region(): @off bits at the start of each @group_len group from @start to @end. */
static void set_region(const struct region *r, struct bitmask *m) {
        for (unsigned start = r->start; start <= r->end; start += r->group_len) {
                unsigned n = r->end - start + 1 < r->off ? r->end - start + 1 : r->off;
                for (unsigned i = 0; i < n; i++)
                        set_bit(m, start + i);
        }
}

int bitmask_parse_list(const char *s, unsigned nbits, struct bitmask *ret) {
        struct region r = { .nbits = nbits };
        struct bitmask m = {};

        assert(nbits >= 1 && nbits <= CPUMASK_BITS_MAX);
        for (;;) {
                /* bitmap_find_region(): commas and spaces may lead a region. */
                while (end_of_region_separator(*s))
                        s++;
                if (end_of_str(*s))
                        break;

                bool done;
                int error = 0;
                s = parse_region(s, &r, &done, &error);
                if (!s)
                        return error;
                int e = check_region(&r);
                if (e < 0)
                        return e;
                set_region(&r, &m);
                if (done)
                        break;
        }
        *ret = m;
        return 0;
}

int bitmask_parse_write(const char *buf, size_t len, unsigned nbits, struct bitmask *ret) {
        kstrstrip(&buf, &len);
        _cleanup_free_ char *value = strndup(buf, len);
        if (!value)
                return -ENOMEM;
        return bitmask_parse_list(value, nbits, ret);
}

bool bitmask_test(const struct bitmask *m, unsigned bit) {
        return bit < CPUMASK_BITS_MAX && (m->words[bit / 64] >> (bit % 64)) & 1;
}

int bitmask_format_list(const struct bitmask *m, struct text *out) {
        bool first = true;

        for (unsigned bit = 0; bit < CPUMASK_BITS_MAX; bit++) {
                if (!bitmask_test(m, bit))
                        continue;
                unsigned last = bit;
                while (last + 1 < CPUMASK_BITS_MAX && bitmask_test(m, last + 1))
                        last++;
                int r = last == bit ? text_printf(out, "%s%u", first ? "" : ",", bit)
                                    : text_printf(out, "%s%u-%u", first ? "" : ",", bit, last);
                if (r < 0)
                        return r;
                first = false;
                bit = last;
        }
        /* An empty list is still a string a caller may use. */
        return text_append(out, "", 0);
}

bool bitmask_empty(const struct bitmask *m) {
        for (size_t i = 0; i < ELEMENTSOF(m->words); i++)
                if (m->words[i])
                        return false;
        return true;
}

bool bitmask_subset(const struct bitmask *sub, const struct bitmask *set) {
        for (size_t i = 0; i < ELEMENTSOF(sub->words); i++)
                if (sub->words[i] & ~set->words[i])
                        return false;
        return true;
}

bool bitmask_intersects(const struct bitmask *a, const struct bitmask *b) {
        for (size_t i = 0; i < ELEMENTSOF(a->words); i++)
                if (a->words[i] & b->words[i])
                        return true;
        return false;
}

int bitmask_last(const struct bitmask *m) {
        for (size_t i = ELEMENTSOF(m->words); i-- > 0;)
                if (m->words[i])
                        return (int) (i * 64 + 63 - (size_t) __builtin_clzll(m->words[i]));
        return -1;
}
