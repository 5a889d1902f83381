/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * compat/kstrto.c: kstrtoull, kstrtoll, kstrtoint in bases 0, 8, 10 and 16, and kstrstrip,
 * on every input. Checked against kernel_model.h and against invariants that need no model:
 * a result is written only on success, a kstrtoull result prints back (in the base chosen,
 * after the input's prefix) to the input's digits, kstrtoll and kstrtoint agree with
 * kstrtoull, and kstrstrip returns a window of the input with only kernel space cut off.
 */

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "compat/kstrto.h"
#include "fuzz_common.h"
#include "kernel_model.h"

#define SENTINEL_ULL 0xA5A5A5A5A5A5A5A5ull
#define SENTINEL_LL ((long long) 0x5A5A5A5A5A5A5A5Aull)
#define SENTINEL_INT 0x5A5A5A5A

static const unsigned bases[] = { 0, 8, 10, 16 };

static bool is_space(unsigned char c) {
        return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

static int hexval(unsigned char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
                return (c | 0x20) - 'a' + 10;
        return -1;
}

/*
 * A successful kstrtoull(s, len, base) = v: split the input into sign, prefix, digits and
 * newline; the digits without leading zeros are v printed in the effective base, and
 * sign + prefix + printed digits + newline parses to v again.
 */
static void check_round_trip(const char *s, size_t len, unsigned base, unsigned long long v) {
        size_t i = 0, end = len;
        const char *prefix_start;
        size_t prefix_len = 0;
        unsigned eff = base;
        char printed[80], canon[80], again[200];
        unsigned long long v2 = SENTINEL_ULL;
        int r;

        if (i < len && s[i] == '+')
                i++;
        prefix_start = s + i;
        if (eff == 0) {
                if (i < len && s[i] == '0') {
                        if (i + 2 < len && (s[i + 1] | 0x20) == 'x' && hexval((unsigned char) s[i + 2]) >= 0)
                                eff = 16;
                        else
                                eff = 8;
                } else
                        eff = 10;
        }
        if (eff == 16 && i + 1 < len && s[i] == '0' && (s[i + 1] | 0x20) == 'x')
                prefix_len = 2;
        else if (base == 0 && eff == 8)
                prefix_len = 1; /* the leading "0" */
        i += prefix_len;
        if (end > i && s[end - 1] == '\n')
                end--;

        size_t n = 0;
        bool leading = true;
        for (size_t k = i; k < end; k++) {
                int d = hexval((unsigned char) s[k]);
                FUZZ_CHECK(d >= 0 && (unsigned) d < eff, "kstrtoull base %u (effective %u) accepted byte 0x%02x at %zu",
                           base, eff, (unsigned char) s[k], k);
                if (leading && d == 0)
                        continue;
                leading = false;
                FUZZ_CHECK(n + 1 < sizeof(canon), "kstrtoull base %u accepted %zu significant digits", base, n + 1);
                canon[n++] = "0123456789abcdef"[d];
        }
        if (n == 0)
                canon[n++] = '0';
        canon[n] = 0;

        snprintf(printed, sizeof(printed), eff == 16 ? "%llx" : eff == 8 ? "%llo" : "%llu", v);
        FUZZ_CHECK(strcmp(printed, canon) == 0, "kstrtoull base %u: value %llu prints as %s in base %u, input digits are %s",
                   base, v, printed, eff, canon);

        r = snprintf(again, sizeof(again), "%s%.*s%s%s", prefix_start > s ? "+" : "", (int) prefix_len, prefix_start,
                     printed, end < len ? "\n" : "");
        r = kstrtoull(again, (size_t) r, base, &v2);
        FUZZ_CHECK(r == 0 && v2 == v, "kstrtoull base %u: \"%s\" gives %d/%llu, the original gave %llu", base, again, r,
                   v2, v);
}

static void check_base(const char *s, size_t len, unsigned base) {
        unsigned long long u = SENTINEL_ULL, mu = SENTINEL_ULL;
        long long l = SENTINEL_LL, ml = SENTINEL_LL;
        int i = SENTINEL_INT, mi = SENTINEL_INT;
        int ru, rl, ri, mru, mrl, mri;

        ru = kstrtoull(s, len, base, &u);
        rl = kstrtoll(s, len, base, &l);
        ri = kstrtoint(s, len, base, &i);

        FUZZ_CHECK(ru == 0 || ru == -EINVAL || ru == -ERANGE, "kstrtoull base %u returned %d", base, ru);
        FUZZ_CHECK(rl == 0 || rl == -EINVAL || rl == -ERANGE, "kstrtoll base %u returned %d", base, rl);
        FUZZ_CHECK(ri == 0 || ri == -EINVAL || ri == -ERANGE, "kstrtoint base %u returned %d", base, ri);
        FUZZ_CHECK(ru == 0 || u == SENTINEL_ULL, "kstrtoull base %u wrote %llu on failure %d", base, u, ru);
        FUZZ_CHECK(rl == 0 || l == SENTINEL_LL, "kstrtoll base %u wrote %lld on failure %d", base, l, rl);
        FUZZ_CHECK(ri == 0 || i == SENTINEL_INT, "kstrtoint base %u wrote %d on failure %d", base, i, ri);

        /* The kernel, as modelled. */
        mru = model_kstrtoull(s, len, base, &mu);
        mrl = model_kstrtoll(s, len, base, &ml);
        mri = model_kstrtoint(s, len, base, &mi);
        FUZZ_CHECK(ru == mru && u == mu, "kstrtoull base %u: %d/%llu, kernel model %d/%llu", base, ru, u, mru, mu);
        FUZZ_CHECK(rl == mrl && l == ml, "kstrtoll base %u: %d/%lld, kernel model %d/%lld", base, rl, l, mrl, ml);
        FUZZ_CHECK(ri == mri && i == mi, "kstrtoint base %u: %d/%d, kernel model %d/%d", base, ri, i, mri, mi);

        if (ru == 0)
                check_round_trip(s, len, base, u);

        /* kstrtoll against kstrtoull: equal on the non-negative side. */
        if (len == 0 || s[0] != '-') {
                if (ru == 0 && u <= (unsigned long long) LLONG_MAX)
                        FUZZ_CHECK(rl == 0 && (unsigned long long) l == u, "kstrtoll base %u: %d/%lld, kstrtoull %llu", base,
                                   rl, l, u);
                else if (ru == 0)
                        FUZZ_CHECK(rl == -ERANGE, "kstrtoll base %u of %llu returned %d", base, u, rl);
                else
                        FUZZ_CHECK(rl == ru, "kstrtoll base %u returned %d, kstrtoull %d", base, rl, ru);
        } else {
                FUZZ_CHECK(ru == -EINVAL, "kstrtoull base %u accepted a '-' (%d, %llu)", base, ru, u);
                FUZZ_CHECK(rl != 0 || l <= 0, "kstrtoll base %u gave %lld for a negative number", base, l);
        }

        /* kstrtoint: kstrtoll restricted to INT range. */
        if (rl == 0 && l >= INT_MIN && l <= INT_MAX)
                FUZZ_CHECK(ri == 0 && i == l, "kstrtoint base %u: %d/%d, kstrtoll %lld", base, ri, i, l);
        else if (rl == 0)
                FUZZ_CHECK(ri == -ERANGE, "kstrtoint base %u of %lld returned %d", base, l, ri);
        else
                FUZZ_CHECK(ri == rl, "kstrtoint base %u returned %d, kstrtoll %d", base, ri, rl);
        if (ri == 0)
                FUZZ_CHECK(i >= INT_MIN && i <= INT_MAX && (long long) i == l, "kstrtoint base %u: %d", base, i);
}

static void check_strip(const char *s, size_t len) {
        const char *start = s;
        size_t n = len, ms, ml;

        kstrstrip(&start, &n);
        FUZZ_CHECK(start >= s && start <= s + len && n <= len - (size_t) (start - s),
                   "kstrstrip: window [%td, +%zu) outside [0, %zu)", start - s, n, len);
        for (const char *p = s; p < start; p++)
                FUZZ_CHECK(is_space((unsigned char) *p), "kstrstrip cut byte 0x%02x at %td", (unsigned char) *p, p - s);
        for (const char *p = start + n; p < s + len; p++)
                FUZZ_CHECK(is_space((unsigned char) *p), "kstrstrip cut byte 0x%02x at %td", (unsigned char) *p, p - s);
        if (n > 0)
                FUZZ_CHECK(!is_space((unsigned char) start[0]) && !is_space((unsigned char) start[n - 1]),
                           "kstrstrip left space around [%td, +%zu)", start - s, n);

        model_strstrip(s, len, &ms, &ml);
        FUZZ_CHECK((size_t) (start - s) == ms && n == ml, "kstrstrip gave [%td, +%zu), kernel model [%zu, +%zu)",
                   start - s, n, ms, ml);

        /* Idempotent. */
        const char *again = start;
        size_t n2 = n;
        kstrstrip(&again, &n2);
        FUZZ_CHECK(again == start && n2 == n, "kstrstrip is not idempotent");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *s = (const char *) data; /* libFuzzer's buffer holds exactly @size bytes */

        fuzz_set_input(data, size);
        for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++)
                check_base(s, size, bases[b]);
        check_strip(s, size);
        /* Parsing what strip left, as every stripping caller does. */
        const char *start = s;
        size_t n = size;
        kstrstrip(&start, &n);
        for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++)
                check_base(start, n, bases[b]);
        return 0;
}
