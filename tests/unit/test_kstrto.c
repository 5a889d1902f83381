/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * compat/kstrto.c against the kernel's lib/kstrtox.c (kstrtoull, kstrtoll, kstrtoint,
 * _parse_integer_fixup_radix) and lib/string.c (strim/strstrip with lib/ctype.c isspace).
 *
 * Every input is parsed twice: once from a heap copy of exactly its bytes with no NUL
 * after them (so ASan catches a read past the counted length), and once in place.
 */

#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "compat/kstrto.h"
#include "unit_helpers.h"

#define SENTINEL_ULL 0xA5A5A5A5A5A5A5A5ull
#define SENTINEL_LL ((long long) 0x5A5A5A5A5A5A5A5Aull)
#define SENTINEL_INT 0x5A5A5A5A

static int ull_n(const char *s, size_t len, unsigned base, unsigned long long *v) {
        *v = SENTINEL_ULL;
        return parse_both_ways(kstrtoull, s, len, v, base);
}

static int ll_n(const char *s, size_t len, unsigned base, long long *v) {
        *v = SENTINEL_LL;
        return parse_both_ways(kstrtoll, s, len, v, base);
}

static int int_n(const char *s, size_t len, unsigned base, int *v) {
        *v = SENTINEL_INT;
        return parse_both_ways(kstrtoint, s, len, v, base);
}

static void ull_ok(const char *s, unsigned base, unsigned long long expected) {
        unsigned long long v;
        int r = ull_n(s, strlen(s), base, &v);
        cr_assert_eq(r, 0, "kstrtoull(\"%s\", %u) = %d, expected 0", s, base, r);
        cr_assert_eq(v, expected, "kstrtoull(\"%s\", %u) gave %llu, expected %llu", s, base, v, expected);
}

static void ull_err(const char *s, unsigned base, int expected) {
        unsigned long long v;
        int r = ull_n(s, strlen(s), base, &v);
        cr_assert_eq(r, expected, "kstrtoull(\"%s\", %u) = %d, expected %d", s, base, r, expected);
        cr_assert_eq(v, SENTINEL_ULL, "kstrtoull(\"%s\") wrote its result on failure", s);
}

static void ll_ok(const char *s, long long expected) {
        long long v;
        int r = ll_n(s, strlen(s), 0, &v);
        cr_assert_eq(r, 0, "kstrtoll(\"%s\") = %d, expected 0", s, r);
        cr_assert_eq(v, expected, "kstrtoll(\"%s\") gave %lld, expected %lld", s, v, expected);
}

static void ll_err(const char *s, int expected) {
        long long v;
        int r = ll_n(s, strlen(s), 0, &v);
        cr_assert_eq(r, expected, "kstrtoll(\"%s\") = %d, expected %d", s, r, expected);
        cr_assert_eq(v, SENTINEL_LL, "kstrtoll(\"%s\") wrote its result on failure", s);
}

static void int_ok(const char *s, int expected) {
        int v;
        int r = int_n(s, strlen(s), 0, &v);
        cr_assert_eq(r, 0, "kstrtoint(\"%s\") = %d, expected 0", s, r);
        cr_assert_eq(v, expected, "kstrtoint(\"%s\") gave %d, expected %d", s, v, expected);
}

static void int_err(const char *s, int expected) {
        int v;
        int r = int_n(s, strlen(s), 0, &v);
        cr_assert_eq(r, expected, "kstrtoint(\"%s\") = %d, expected %d", s, r, expected);
        cr_assert_eq(v, SENTINEL_INT, "kstrtoint(\"%s\") wrote its result on failure", s);
}

/* Measured on this machine's v1 notify_on_release, a write_u64 file: kstrtoull(buf, 0). */
Test(kstrtoull, measured_notify_on_release_inputs) {
        ull_ok("0", 0, 0);
        ull_ok("1", 0, 1);
        ull_ok("2", 0, 2);
        ull_ok("1\n", 0, 1);
        ull_ok("+1", 0, 1);
        ull_ok("0x10", 0, 16);
        ull_ok("010", 0, 8);

        ull_err(" 1", 0, -EINVAL);
        ull_err("1 ", 0, -EINVAL);
        ull_err("1 \n", 0, -EINVAL);
        ull_err("-1", 0, -EINVAL);
        ull_err("08", 0, -EINVAL);
        ull_err("abc", 0, -EINVAL);
        ull_err("1 2", 0, -EINVAL);
        ull_err("-0", 0, -EINVAL);
        ull_err("99999999999999999999", 0, -ERANGE);
}

Test(kstrtoull, radix_prefixes) {
        ull_ok("0X1F", 0, 31);
        ull_ok("0x1f", 0, 31);
        ull_ok("0xABCDEF", 0, 0xabcdef);
        ull_ok("0xaBcDeF\n", 0, 0xabcdef);
        ull_ok("0x0", 0, 0);
        ull_ok("00", 0, 0);
        ull_ok("0\n", 0, 0);
        ull_ok("0777", 0, 0777);
        ull_ok("+0x10", 0, 16);
        ull_ok("+010", 0, 8);
        ull_ok("123456789", 0, 123456789);

        /* "0x" without a hex digit after it is octal "0" followed by garbage. */
        ull_err("0x", 0, -EINVAL);
        ull_err("0X", 0, -EINVAL);
        ull_err("0xg", 0, -EINVAL);
        ull_err("0x\n", 0, -EINVAL);
        ull_err("0x 1", 0, -EINVAL);
        ull_err("09", 0, -EINVAL);
        ull_err("0b1", 0, -EINVAL);
        ull_err("1a", 0, -EINVAL);
        ull_err("1f", 0, -EINVAL);
        ull_err("0x1g", 0, -EINVAL);
}

Test(kstrtoull, syntax_errors) {
        ull_err("", 0, -EINVAL);
        ull_err("\n", 0, -EINVAL);
        ull_err("+", 0, -EINVAL);
        ull_err("+\n", 0, -EINVAL);
        ull_err("++1", 0, -EINVAL);
        ull_err("+-1", 0, -EINVAL);
        ull_err("-", 0, -EINVAL);
        ull_err("1\n\n", 0, -EINVAL);
        ull_err("\n1", 0, -EINVAL);
        ull_err("1\r", 0, -EINVAL);
        ull_err("1\r\n", 0, -EINVAL);
        ull_err("1\t", 0, -EINVAL);
        ull_err("\t1", 0, -EINVAL);
        ull_err("1\n1", 0, -EINVAL);
        ull_err("1.0", 0, -EINVAL);
        ull_err("1e3", 0, -EINVAL);
        ull_err("\xa0" "1", 0, -EINVAL);
}

Test(kstrtoull, boundaries) {
        ull_ok("18446744073709551615", 0, ULLONG_MAX);
        ull_ok("18446744073709551615\n", 0, ULLONG_MAX);
        ull_ok("+18446744073709551615", 0, ULLONG_MAX);
        ull_ok("0xffffffffffffffff", 0, ULLONG_MAX);
        ull_ok("0XFFFFFFFFFFFFFFFF", 0, ULLONG_MAX);
        ull_ok("01777777777777777777777", 0, ULLONG_MAX);
        ull_ok("0x000000000000000000000001", 0, 1); /* leading zeros never overflow */
        ull_ok("000000000000000000000000000007", 0, 7);

        ull_err("18446744073709551616", 0, -ERANGE);
        ull_err("+18446744073709551616", 0, -ERANGE);
        ull_err("18446744073709551620", 0, -ERANGE);
        ull_err("0x10000000000000000", 0, -ERANGE);
        ull_err("02000000000000000000000", 0, -ERANGE);
        ull_err("99999999999999999999999999999999999999", 0, -ERANGE);
}

/* _kstrtoull() tests the overflow flag before anything else: garbage after it does not matter. */
Test(kstrtoull, overflow_wins_over_trailing_garbage) {
        ull_err("99999999999999999999abc", 0, -ERANGE);
        ull_err("99999999999999999999 ", 0, -ERANGE);
        ull_err("99999999999999999999\n\n", 0, -ERANGE);
        ull_err("18446744073709551616 1", 0, -ERANGE);
        ull_err("0x10000000000000000g", 0, -ERANGE);
        ull_err("020000000000000000000009", 0, -ERANGE);
}

Test(kstrtoull, explicit_bases) {
        ull_ok("ff", 16, 255);
        ull_ok("FF\n", 16, 255);
        ull_ok("0xff", 16, 255);
        ull_ok("0XfF", 16, 255);
        ull_ok("10", 8, 8);
        ull_ok("010", 10, 10);
        ull_ok("10", 10, 10);
        ull_ok("0", 8, 0);

        ull_err("0x", 16, -EINVAL);
        ull_err("0xg", 16, -EINVAL);
        ull_err("g", 16, -EINVAL);
        ull_err("8", 8, -EINVAL);
        ull_err("0x10", 10, -EINVAL);
        ull_err("0x10", 8, -EINVAL);
        ull_err("a", 10, -EINVAL);
        ull_err("10000000000000000", 16, -ERANGE);
}

/* FUSE hands the daemon counted bytes: nothing past @len may be read or matter. */
Test(kstrtoull, counted_buffers) {
        unsigned long long v;

        cr_assert_eq(ull_n("12345", 3, 0, &v), 0);
        cr_assert_eq(v, 123);
        cr_assert_eq(ull_n("12345", 5, 0, &v), 0);
        cr_assert_eq(v, 12345);
        cr_assert_eq(ull_n("12345", 1, 0, &v), 0);
        cr_assert_eq(v, 1);
        cr_assert_eq(ull_n("1\nx", 2, 0, &v), 0);
        cr_assert_eq(v, 1);
        cr_assert_eq(ull_n("0x1F", 3, 0, &v), 0);
        cr_assert_eq(v, 1);
        cr_assert_eq(ull_n("010", 2, 0, &v), 0);
        cr_assert_eq(v, 1);
        cr_assert_eq(ull_n("99999999999999999999", 19, 0, &v), 0);
        cr_assert_eq(v, 9999999999999999999ull);
        cr_assert_eq(ull_n("+7x", 2, 0, &v), 0);
        cr_assert_eq(v, 7);

        cr_assert_eq(ull_n("12345", 0, 0, &v), -EINVAL);
        cr_assert_eq(v, SENTINEL_ULL);
        cr_assert_eq(ull_n("0x1F", 2, 0, &v), -EINVAL); /* "0x" */
        cr_assert_eq(v, SENTINEL_ULL);
        cr_assert_eq(ull_n("0x1F", 2, 16, &v), -EINVAL);
        cr_assert_eq(v, SENTINEL_ULL);
        cr_assert_eq(ull_n("+5", 1, 0, &v), -EINVAL);
        cr_assert_eq(v, SENTINEL_ULL);
        cr_assert_eq(ull_n("1\n\n", 3, 0, &v), -EINVAL);
        cr_assert_eq(v, SENTINEL_ULL);
        cr_assert_eq(ull_n("99999999999999999999", 20, 0, &v), -ERANGE);
        cr_assert_eq(v, SENTINEL_ULL);
}

Test(kstrtoll, signs_and_boundaries) {
        ll_ok("0", 0);
        ll_ok("-0", 0);
        ll_ok("-1", -1);
        ll_ok("-1\n", -1);
        ll_ok("+1", 1);
        ll_ok("-010", -8);
        ll_ok("-0x10", -16);
        ll_ok("9223372036854775807", LLONG_MAX);
        ll_ok("+9223372036854775807", LLONG_MAX);
        ll_ok("0x7fffffffffffffff", LLONG_MAX);
        ll_ok("-9223372036854775807", -LLONG_MAX);
        ll_ok("-9223372036854775808", LLONG_MIN);
        ll_ok("-0x8000000000000000", LLONG_MIN);
        ll_ok("-01000000000000000000000", LLONG_MIN);

        ll_err("9223372036854775808", -ERANGE);
        ll_err("0x8000000000000000", -ERANGE);
        ll_err("18446744073709551615", -ERANGE);
        ll_err("-9223372036854775809", -ERANGE);
        ll_err("-18446744073709551615", -ERANGE);
        ll_err("-18446744073709551616", -ERANGE);
        ll_err("-99999999999999999999x", -ERANGE);
        ll_err("99999999999999999999", -ERANGE);
}

Test(kstrtoll, syntax_errors) {
        ll_err("", -EINVAL);
        ll_err("-", -EINVAL);
        ll_err("-\n", -EINVAL);
        ll_err("--1", -EINVAL);
        ll_err("-+1", -EINVAL);
        ll_err("+-1", -EINVAL);
        ll_err(" -1", -EINVAL);
        ll_err("- 1", -EINVAL);
        ll_err("-1 ", -EINVAL);
        ll_err("-x", -EINVAL);
        ll_err("-0x", -EINVAL);
        ll_err("-08", -EINVAL);
        ll_err("1-", -EINVAL);
}

Test(kstrtoll, counted_buffers) {
        long long v;

        cr_assert_eq(ll_n("-12345", 4, 0, &v), 0);
        cr_assert_eq(v, -123);
        cr_assert_eq(ll_n("-9223372036854775808", 19, 0, &v), 0);
        cr_assert_eq(v, -922337203685477580ll);
        cr_assert_eq(ll_n("-5", 1, 0, &v), -EINVAL);
        cr_assert_eq(v, SENTINEL_LL);
        cr_assert_eq(ll_n("-5", 0, 0, &v), -EINVAL);
        cr_assert_eq(v, SENTINEL_LL);
}

Test(kstrtoint, boundaries) {
        int_ok("0", 0);
        int_ok("-0", 0);
        int_ok("2147483647", INT_MAX);
        int_ok("2147483647\n", INT_MAX);
        int_ok("0x7fffffff", INT_MAX);
        int_ok("017777777777", INT_MAX);
        int_ok("-2147483648", INT_MIN);
        int_ok("-0x80000000", INT_MIN);
        int_ok("-2147483647", -INT_MAX);
        int_ok("+42", 42);

        int_err("2147483648", -ERANGE);
        int_err("0x80000000", -ERANGE);
        int_err("4294967295", -ERANGE);
        int_err("-2147483649", -ERANGE);
        int_err("9223372036854775807", -ERANGE);
        int_err("9223372036854775808", -ERANGE);
        int_err("-9223372036854775808", -ERANGE);
        int_err("99999999999999999999", -ERANGE);
        int_err("99999999999999999999abc", -ERANGE);
        /* Only a u64 overflow beats the garbage check: int range is checked after parsing. */
        int_err("2147483648abc", -EINVAL);

        int_err("", -EINVAL);
        int_err(" 1", -EINVAL);
        int_err("1 ", -EINVAL);
        int_err("0x", -EINVAL);
        int_err("08", -EINVAL);
        int_err("--1", -EINVAL);
}

Test(kstrtoint, counted_buffers) {
        int v;

        cr_assert_eq(int_n("12345", 3, 0, &v), 0);
        cr_assert_eq(v, 123);
        cr_assert_eq(int_n("21474836470", 10, 0, &v), 0);
        cr_assert_eq(v, INT_MAX);
        cr_assert_eq(int_n("21474836480", 10, 0, &v), -ERANGE);
        cr_assert_eq(v, SENTINEL_INT);
}

static void strip(const char *s, size_t len, const char *expected) {
        char *b = exact_copy(s, len);
        const char *start = b;
        size_t n = len;

        kstrstrip(&start, &n);
        cr_assert_eq(n, strlen(expected), "strip of \"%.*s\": length %zu, expected %zu", (int) len, s, n,
                     strlen(expected));
        if (n > 0) {
                cr_assert(start >= b && start + n <= b + len);
                cr_assert_eq(memcmp(start, expected, n), 0, "strip gave \"%.*s\"", (int) n, start);
        }
        free(b);
}

#define STRIP(s, expected) strip(s, sizeof(s) - 1, expected)

Test(kstrstrip, kernel_isspace) {
        STRIP("", "");
        STRIP(" ", "");
        STRIP(" \t\n\v\f\r", "");
        STRIP("1234", "1234");
        STRIP("  1234  ", "1234");
        STRIP("\t1234\n", "1234");
        STRIP(" a b \t\n", "a b");
        STRIP("\v\f\rx\r\f\v", "x");
        /* lib/ctype.c: 0xa0 (Latin-1 NBSP) is a space to the kernel. */
        STRIP("\xa0" "12\xa0", "12");
        /* ...but 0x85 and the C0 separators 0x1c-0x1f are not (unlike some libcs' isspace). */
        STRIP("\x85" "12\x85", "\x85" "12\x85");
        STRIP("\x1c" "12\x1f", "\x1c" "12\x1f");
        /* NUL and 0x08 are not spaces. */
        STRIP("\b12\b", "\b12\b");
}

Test(kstrstrip, counted_window) {
        /* Only the first 5 bytes are the window: "  ab " -> "ab". */
        strip("  ab  cd", 5, "ab");
        strip("  ab  cd", 2, "");
        strip("x   ", 1, "x");
        strip(" x", 1, "");
}
