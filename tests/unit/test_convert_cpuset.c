/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * compat/convert_cpuset.c against the kernel's lib/bitmap-str.c (bitmap_parselist,
 * the list format of cpuset.cpus and cpuset.mems in v1 and v2) and printk's "%*pbl".
 */

#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "compat/convert_cpuset.h"

/* The list the kernel would print for @s, or the errno of its parse, for a mask @nbits wide. */
static const char *parsed(const char *s, unsigned nbits, int *ret) {
        static char printed[4096];
        struct bitmask m;
        memset(&m, 0xa5, sizeof(m)); /* a failed parse leaves it alone, a good one replaces it whole */
        *ret = bitmask_parse_list(s, nbits, &m);
        if (*ret < 0)
                return NULL;
        struct text t = {};
        cr_assert_eq(bitmask_format_list(&m, &t), 0);
        cr_assert_lt(t.len, sizeof(printed));
        memcpy(printed, t.data, t.len + 1);
        text_free(&t);
        return printed;
}

static void assert_list(const char *s, unsigned nbits, const char *expected) {
        int r;
        const char *got = parsed(s, nbits, &r);
        cr_assert_eq(r, 0, "\"%s\": %s", s, strerror(-r));
        cr_assert_str_eq(got, expected, "\"%s\" read as \"%s\"", s, got);
}

static void assert_error(const char *s, unsigned nbits, int expected) {
        int r;
        parsed(s, nbits, &r);
        cr_assert_eq(r, expected, "\"%s\": got %d (%s), want %d", s, r, strerror(-r), expected);
}

Test(bitmask_parse_list, empty_means_no_bits) {
        assert_list("", 8, "");
        assert_list("\n", 8, "");
        assert_list(",", 8, "");
        assert_list(" , ", 8, "");
}

Test(bitmask_parse_list, ranges_and_singles) {
        assert_list("0", 8, "0");
        assert_list("0-3,5", 8, "0-3,5");
        assert_list("5,0-3", 8, "0-3,5");
        assert_list("0-1", 8, "0-1"); /* two bits still print as a range */
        assert_list("0,2,4", 8, "0,2,4");
        assert_list("3-3", 8, "3");
        assert_list("0-2,1-4", 8, "0-4");
        assert_list("007", 8, "7"); /* base 10 with leading zeros, never octal */
}

Test(bitmask_parse_list, groups) {
        assert_list("0-7:2/4", 8, "0-1,4-5");
        assert_list("0-1023:2/256", 1024, "0-1,256-257,512-513,768-769");
        assert_list("0-3:1/2,6", 8, "0,2,6");
        assert_list("0-6:3/4", 8, "0-2,4-6"); /* the last group is cut at the range's end */
        assert_list("0-3:0/2", 8, "");        /* no bit of each group */
        assert_list("0-3:2/2", 8, "0-3");
}

Test(bitmask_parse_list, last_bit_and_all) {
        assert_list("N", 8, "7");
        assert_list("0-N", 4, "0-3");
        assert_list("all", 4, "0-3");
        assert_list("ALL", 4, "0-3");
        assert_list("all:1/2", 8, "0,2,4,6");
        assert_list("N-N", 2, "1");
}

Test(bitmask_parse_list, separators) {
        assert_list("0 1", 8, "0-1");
        assert_list(",0,,1,", 8, "0-1");
        assert_list("0\t3", 8, "0,3");
        assert_list(" 2", 8, "2");
        assert_list("2\n", 8, "2");
        assert_list("0\n1", 8, "0"); /* a newline ends the string: the rest is not read */
        assert_list("0-7:2/4 1", 8, "0-1,4-5"); /* after a group the list goes on */
        assert_list("\xa0" "1", 8, "1");         /* the kernel's isspace() takes NBSP */
}

Test(bitmask_parse_list, syntax_errors) {
        assert_error("a", 8, -EINVAL);
        assert_error("-1", 8, -EINVAL);
        assert_error("0-", 8, -EINVAL);
        assert_error("0-a", 8, -EINVAL);
        assert_error("3-1", 8, -EINVAL); /* start after end */
        assert_error("0x1", 8, -EINVAL);
        assert_error("1,2x", 8, -EINVAL);
        assert_error("0-3:2", 8, -EINVAL);   /* a used size without its group size */
        assert_error("0-3:1/0", 8, -EINVAL); /* empty groups */
        assert_error("0-3:3/2", 8, -EINVAL); /* more used than the group has */
        assert_error("0-3:1/", 8, -EINVAL);
        assert_error("0:1/2", 8, -EINVAL);   /* groups need a range */
        assert_error("0-3:1/2-5", 8, -EINVAL);
        assert_error("+1", 8, -EINVAL);
        assert_error("1;2", 8, -EINVAL);
        assert_error("alll", 8, -EINVAL);
        assert_error("0--1", 8, -EINVAL);
}

Test(bitmask_parse_list, range_errors) {
        assert_error("8", 8, -ERANGE);
        assert_error("0-8", 8, -ERANGE);
        assert_error("7-9:1/2", 8, -ERANGE);
        assert_error("1023", 2, -ERANGE);
        assert_error("4294967294", 8, -ERANGE);
        assert_error("4294967295", 8, -EINVAL); /* UINT_MAX: its group length end + 1 wraps to 0 */
        assert_error("4294967296", 8, -EOVERFLOW);
        assert_error("0-99999999999999999999999", 8, -EOVERFLOW);
        assert_error("1,3-2,9", 8, -EINVAL); /* the first bad region decides */
        assert_error("9,3-2", 8, -ERANGE);
}

Test(bitmask_parse_list, widest_mask) {
        assert_list("0-N", CPUMASK_BITS_MAX, "0-8191");
        assert_list("8191", CPUMASK_BITS_MAX, "8191");
        assert_error("8192", CPUMASK_BITS_MAX, -ERANGE);
        assert_list("1023", NODEMASK_BITS, "1023");
        assert_error("1024", NODEMASK_BITS, -ERANGE);
}

Test(bitmask_parse_write, strips_like_cpuset_write_resmask) {
        struct bitmask m;
        struct text t = {};

        cr_assert_eq(bitmask_parse_write(" 0-1 \n", 6, 8, &m), 0);
        cr_assert_eq(bitmask_format_list(&m, &t), 0);
        cr_assert_str_eq(t.data, "0-1");
        text_free(&t);

        cr_assert_eq(bitmask_parse_write("   ", 3, 8, &m), 0);
        cr_assert(bitmask_empty(&m));
        cr_assert_eq(bitmask_parse_write("\n", 1, 8, &m), 0);
        cr_assert(bitmask_empty(&m));

        /* Counted: bytes past the length are not read. */
        cr_assert_eq(bitmask_parse_write("1x", 1, 8, &m), 0);
        cr_assert(bitmask_test(&m, 1));
        cr_assert_eq(bitmask_parse_write("0-1x", 4, 8, &m), -EINVAL);
        cr_assert_eq(bitmask_parse_write("9", 1, 8, &m), -ERANGE);
}

Test(bitmask, set_operations) {
        struct bitmask a, b, none = {};

        cr_assert_eq(bitmask_parse_list("0-3", 8, &a), 0);
        cr_assert_eq(bitmask_parse_list("2", 8, &b), 0);
        cr_assert(bitmask_subset(&b, &a));
        cr_assert_not(bitmask_subset(&a, &b));
        cr_assert(bitmask_subset(&none, &b)); /* the empty set is in every set */
        cr_assert(bitmask_intersects(&a, &b));
        cr_assert_not(bitmask_intersects(&none, &a));
        cr_assert(bitmask_empty(&none));
        cr_assert_not(bitmask_empty(&b));
        cr_assert_eq(bitmask_last(&a), 3);
        cr_assert_eq(bitmask_last(&none), -1);
        cr_assert_eq(bitmask_parse_list("64,8191", CPUMASK_BITS_MAX, &a), 0);
        cr_assert_eq(bitmask_last(&a), 8191);
        cr_assert(bitmask_test(&a, 64));
        cr_assert_not(bitmask_test(&a, 63));
        cr_assert_not(bitmask_test(&a, CPUMASK_BITS_MAX)); /* out of the mask is never set */
}
