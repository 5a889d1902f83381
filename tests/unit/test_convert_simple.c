/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * compat/convert_simple.c against the kernel's parsers:
 *   pids.max        kernel/cgroup/pids.c pids_max_write (strstrip, "max", kstrtoll base 0, 0..PID_MAX_LIMIT)
 *   freezer.state   kernel/cgroup/legacy_freezer.c freezer_write / freezer_read
 *   hugetlb limits  mm/hugetlb_cgroup.c hugetlb_cgroup_write_legacy (page_counter_memparse "-1",
 *                   round_down to the huge page), hugetlb_cgroup_init (the default limit)
 *   net_cls.classid cgroup_file_write write_u64 (kstrtoull base 0, no strip), write_classid (u32)
 *   ifpriomap       net/core/netprio_cgroup.c write_priomap: sscanf("%16s %u") (lib/vsprintf.c)
 *
 * Parsers see an exact-size heap copy with no NUL after it (ASan catches a read
 * past the counted length) and the bytes in place; both must agree.
 */

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/convert_simple.h"
#include "unit_helpers.h"

#define KiB 1024ull
#define MiB (1024 * KiB)
#define GiB (1024 * MiB)
#define PAGE (4 * KiB)

/* A parser to text: run on both copies, the results must agree. */
typedef int (*to_text_fn)(const char *buf, size_t len, char *ret, size_t size);

static int to_text(to_text_fn fn, const char *s, char *ret, size_t size) {
        char in_place[64] = "untouched", copied[64] = "untouched";
        char *b = exact_copy(s, strlen(s));
        int r1 = fn(s, strlen(s), in_place, sizeof(in_place));
        int r2 = fn(b, strlen(s), copied, sizeof(copied));
        free(b);
        cr_assert_eq(r1, r2, "\"%s\": in place %d, exact copy %d", s, r1, r2);
        if (r1 >= 0)
                cr_assert_str_eq(in_place, copied);
        snprintf(ret, size, "%s", copied);
        return r2;
}

static void text_ok(to_text_fn fn, const char *s, const char *expected) {
        char out[64];
        int r = to_text(fn, s, out, sizeof(out));
        cr_assert_eq(r, 0, "\"%s\" = %d, expected \"%s\"", s, r, expected);
        cr_assert_str_eq(out, expected, "\"%s\" gave \"%s\", expected \"%s\"", s, out, expected);
}

static void text_fails(to_text_fn fn, const char *s, int expected) {
        char out[64];
        int r = to_text(fn, s, out, sizeof(out));
        cr_assert_eq(r, expected, "\"%s\" = %d, expected %d", s, r, expected);
}

/* pids.max */

Test(pids_max_to_v2, keyword_and_range) {
        text_ok(pids_max_to_v2, "max", "max");
        text_ok(pids_max_to_v2, "max\n", "max");
        text_ok(pids_max_to_v2, "  max \t", "max");
        text_ok(pids_max_to_v2, "0", "0");
        text_ok(pids_max_to_v2, "5\n", "5");
        text_ok(pids_max_to_v2, " 5 ", "5");
        text_ok(pids_max_to_v2, "4194304", "4194304"); /* PID_MAX_LIMIT */
        text_ok(pids_max_to_v2, "+7", "7");
        text_ok(pids_max_to_v2, "-0", "0");
}

Test(pids_max_to_v2, base_prefixes_are_normalised) {
        text_ok(pids_max_to_v2, "0x10", "16");
        text_ok(pids_max_to_v2, "010", "8");
        text_ok(pids_max_to_v2, "0X400000", "4194304");
}

Test(pids_max_to_v2, refused) {
        text_fails(pids_max_to_v2, "4194305", -EINVAL); /* PIDS_MAX itself is "max", not a number */
        text_fails(pids_max_to_v2, "-1", -EINVAL);
        text_fails(pids_max_to_v2, "-4194304", -EINVAL);
        text_fails(pids_max_to_v2, "9223372036854775807", -EINVAL);
        text_fails(pids_max_to_v2, "9223372036854775808", -ERANGE); /* kstrtoll's own errno */
        text_fails(pids_max_to_v2, "-9223372036854775809", -ERANGE);
        text_fails(pids_max_to_v2, "", -EINVAL);
        text_fails(pids_max_to_v2, "\n", -EINVAL);
        text_fails(pids_max_to_v2, "Max", -EINVAL);
        text_fails(pids_max_to_v2, "max5", -EINVAL);
        text_fails(pids_max_to_v2, "unlimited", -EINVAL);
        text_fails(pids_max_to_v2, "5 6", -EINVAL);
        text_fails(pids_max_to_v2, "5k", -EINVAL);
        text_fails(pids_max_to_v2, "08", -EINVAL);
        text_fails(pids_max_to_v2, "0x", -EINVAL);
}

Test(pids_max_to_v2, small_buffer) {
        char out[3];
        cr_assert_eq(pids_max_to_v2("4194304", 7, out, sizeof(out)), -ENAMETOOLONG);
}

/* freezer */

static int freeze_of(const char *s, bool *ret) {
        *ret = false;
        return parse_both_ways(freezer_state_parse, s, strlen(s), ret);
}

Test(freezer_state_parse, frozen_and_thawed) {
        bool freeze;
        cr_assert_eq(freeze_of("FROZEN", &freeze), 0);
        cr_assert(freeze);
        cr_assert_eq(freeze_of("FROZEN\n", &freeze), 0);
        cr_assert(freeze);
        cr_assert_eq(freeze_of(" \tFROZEN \n", &freeze), 0);
        cr_assert(freeze);
        cr_assert_eq(freeze_of("THAWED", &freeze), 0);
        cr_assert(!freeze);
        cr_assert_eq(freeze_of("THAWED\n", &freeze), 0);
        cr_assert(!freeze);
}

Test(freezer_state_parse, anything_else_is_einval) {
        static const char *const refused[] = {
                "FREEZING", "FREEZING\n", "frozen", "thawed", "Frozen", "FROZE", "FROZENX", "FROZEN THAWED",
                "", "\n", "1", "0", "THAW",
        };
        bool freeze;
        for (size_t i = 0; i < ELEMENTSOF(refused); i++)
                cr_assert_eq(freeze_of(refused[i], &freeze), -EINVAL, "\"%s\"", refused[i]);
}

Test(freezer_state_of, v1_states_from_v2) {
        cr_assert_eq(freezer_state_of(false, false, false), FREEZER_THAWED);
        /* "frozen" without a freeze asked in the tree cannot be explained in v1 terms: thawed. */
        cr_assert_eq(freezer_state_of(false, false, true), FREEZER_THAWED);
        cr_assert_eq(freezer_state_of(true, false, false), FREEZER_FREEZING);
        cr_assert_eq(freezer_state_of(true, false, true), FREEZER_FROZEN);
        cr_assert_eq(freezer_state_of(false, true, false), FREEZER_FREEZING);
        cr_assert_eq(freezer_state_of(false, true, true), FREEZER_FROZEN);
        cr_assert_eq(freezer_state_of(true, true, true), FREEZER_FROZEN);
        cr_assert_str_eq(freezer_state_to_string(FREEZER_THAWED), "THAWED");
        cr_assert_str_eq(freezer_state_to_string(FREEZER_FREEZING), "FREEZING");
        cr_assert_str_eq(freezer_state_to_string(FREEZER_FROZEN), "FROZEN");
}

/* hugetlb */

static void size_ok(const char *s, uint64_t expected) {
        uint64_t bytes = 0;
        int r = hugetlb_size_parse(s, strlen(s), &bytes);
        cr_assert_eq(r, 0, "\"%s\" = %d", s, r);
        cr_assert_eq(bytes, expected, "\"%s\" gave %llu", s, (unsigned long long) bytes);
}

Test(hugetlb_size_parse, kernel_names) {
        size_ok("2MB", 2 * MiB);
        size_ok("1GB", GiB);
        size_ok("64KB", 64 * KiB);
        size_ok("32MB", 32 * MiB);
        size_ok("16GB", 16 * GiB);
}

Test(hugetlb_size_parse, refused) {
        static const char *const refused[] = {
                "", "MB", "2", "2M", "2mb", "2 MB", "+2MB", "-2MB", "0MB", "2MB.rsvd", "2TB", "0x2MB", "2MB\n",
        };
        uint64_t bytes = 7;
        for (size_t i = 0; i < ELEMENTSOF(refused); i++)
                cr_assert_eq(hugetlb_size_parse(refused[i], strlen(refused[i]), &bytes), -EINVAL, "\"%s\"",
                             refused[i]);
        cr_assert_eq(bytes, 7);
        /* A counted buffer: "2MB.rsvd" cut before its dot is "2MB". */
        cr_assert_eq(hugetlb_size_parse("2MB.rsvd", 3, &bytes), 0);
        cr_assert_eq(bytes, 2 * MiB);
}

Test(hugetlb_unlimited, round_down_of_page_counter_max) {
        /* round_down(LONG_MAX / 4096, 512) * 4096 = 2^63 - 2^21 */
        cr_assert_eq(hugetlb_unlimited(PAGE, 2 * MiB), 9223372036852678656ull);
        /* round_down(LONG_MAX / 4096, 262144) * 4096 = 2^63 - 2^30 */
        cr_assert_eq(hugetlb_unlimited(PAGE, GiB), 9223372035781033984ull);
        /* 64 KiB pages: round_down(LONG_MAX / 65536, 32) * 65536 = 2^63 - 2^21 again */
        cr_assert_eq(hugetlb_unlimited(64 * KiB, 2 * MiB), 9223372036852678656ull);
        cr_assert_eq(hugetlb_unlimited(64 * KiB, 512 * MiB), 9223372036317904896ull);
}

static uint64_t limit_page = PAGE, limit_huge = 2 * MiB;

static int limit_to_v2(const char *buf, size_t len, char *ret, size_t size) {
        return hugetlb_limit_to_v2(buf, len, limit_page, limit_huge, ret, size);
}

Test(hugetlb_limit_to_v2, rounds_down_to_huge_pages) {
        text_ok(limit_to_v2, "4194305", "4194304");
        text_ok(limit_to_v2, "4194304", "4194304");
        text_ok(limit_to_v2, "4194303", "2097152");
        text_ok(limit_to_v2, "2097151", "0");
        text_ok(limit_to_v2, "0", "0");
        text_ok(limit_to_v2, "2M", "2097152");
        text_ok(limit_to_v2, "3m", "2097152");
        text_ok(limit_to_v2, "1G\n", "1073741824");
        text_ok(limit_to_v2, " 1g ", "1073741824");
        text_ok(limit_to_v2, "0x400000", "4194304");
        text_ok(limit_to_v2, "020000000", "4194304");
        text_ok(limit_to_v2, "1e", "1152921504606846976"); /* decimal 1 with the E suffix */
        text_ok(limit_to_v2, "0x1e", "0");                 /* hex 30 bytes */
}

Test(hugetlb_limit_to_v2, unlimited) {
        text_ok(limit_to_v2, "-1", "max");
        text_ok(limit_to_v2, "-1\n", "max");
        text_ok(limit_to_v2, " -1 ", "max"); /* strstrip() first */
        text_ok(limit_to_v2, "9223372036854771712", "max"); /* memory's V1_UNLIMITED */
        text_ok(limit_to_v2, "9223372036852678656", "max"); /* hugetlb's own */
        text_ok(limit_to_v2, "18446744073709551615", "max");
        text_ok(limit_to_v2, "9223372036852678655", "9223372036850581504");
        text_ok(limit_to_v2, "8E", "max");
}

Test(hugetlb_limit_to_v2, kernel_quirks_kept) {
        /* memparse() wraps on overflow and takes an empty number as 0: the kernel sets a 0 limit. */
        text_ok(limit_to_v2, "18446744073709551616", "0");
        text_ok(limit_to_v2, "16E", "0");
        text_ok(limit_to_v2, "\n", "0");
        text_ok(limit_to_v2, "k", "0");
}

Test(hugetlb_limit_to_v2, refused) {
        static const char *const refused[] = {
                "max", "-2", "- 1", "1.5G", "1GB", "1 G", "abc", "0x", "08", "-0", "--1", "1k1", "+1",
        };
        for (size_t i = 0; i < ELEMENTSOF(refused); i++)
                text_fails(limit_to_v2, refused[i], -EINVAL);
}

Test(hugetlb_limit_to_v2, gigantic_pages) {
        limit_huge = GiB;
        text_ok(limit_to_v2, "1073741823", "0");
        text_ok(limit_to_v2, "3G", "3221225472");
        text_ok(limit_to_v2, "3221225473", "3221225472");
        text_ok(limit_to_v2, "-1", "max");
        text_ok(limit_to_v2, "9223372035781033984", "max");
        text_ok(limit_to_v2, "9223372035781033983", "9223372034707292160");
}

Test(hugetlb_limit_from_v2, max_and_bytes) {
        uint64_t v;
        cr_assert_eq(hugetlb_limit_from_v2("max", PAGE, 2 * MiB, &v), 0);
        cr_assert_eq(v, 9223372036852678656ull);
        cr_assert_eq(hugetlb_limit_from_v2("max", PAGE, GiB, &v), 0);
        cr_assert_eq(v, 9223372035781033984ull);
        cr_assert_eq(hugetlb_limit_from_v2("4194304", PAGE, 2 * MiB, &v), 0);
        cr_assert_eq(v, 4194304);
        cr_assert_eq(hugetlb_limit_from_v2("0", PAGE, 2 * MiB, &v), 0);
        cr_assert_eq(v, 0);
        cr_assert_eq(hugetlb_limit_from_v2("", PAGE, 2 * MiB, &v), -EBADMSG);
        cr_assert_eq(hugetlb_limit_from_v2("-1", PAGE, 2 * MiB, &v), -EBADMSG);
        cr_assert_eq(hugetlb_limit_from_v2("maximum", PAGE, 2 * MiB, &v), -EBADMSG);
}

/* net_cls.classid */

static int classid_of(const char *s, uint32_t *ret) {
        *ret = 0xdeadbeef;
        return parse_both_ways(classid_parse, s, strlen(s), ret);
}

static void classid_ok(const char *s, uint32_t expected) {
        uint32_t v;
        int r = classid_of(s, &v);
        cr_assert_eq(r, 0, "\"%s\" = %d", s, r);
        cr_assert_eq(v, expected, "\"%s\" gave %u, expected %u", s, v, expected);
}

Test(classid_parse, bases_and_truncation) {
        classid_ok("0x100001", 1048577);
        classid_ok("0x100001\n", 1048577);
        classid_ok("0X10FFFF", 0x10ffff);
        classid_ok("1048577", 1048577);
        classid_ok("04000001", 1048577);
        classid_ok("0", 0);
        classid_ok("+5", 5);
        classid_ok("4294967295", 4294967295u);
        classid_ok("4294967296", 0);  /* (u32)value: no range check */
        classid_ok("0x100000001", 1);
        classid_ok("18446744073709551615", 4294967295u);
}

Test(classid_parse, refused) {
        uint32_t v;
        cr_assert_eq(classid_of("18446744073709551616", &v), -ERANGE);
        cr_assert_eq(classid_of("-1", &v), -EINVAL);
        cr_assert_eq(classid_of(" 1", &v), -EINVAL); /* write_u64 files are not stripped */
        cr_assert_eq(classid_of("1 ", &v), -EINVAL);
        cr_assert_eq(classid_of("1\n\n", &v), -EINVAL);
        cr_assert_eq(classid_of("", &v), -EINVAL);
        cr_assert_eq(classid_of("0x", &v), -EINVAL);
        cr_assert_eq(classid_of("10:1", &v), -EINVAL);
        cr_assert_eq(classid_of("abc", &v), -EINVAL);
}

/* net_prio.ifpriomap */

struct priomap_entry {
        char name[IFPRIOMAP_NAME_MAX + 1];
        uint32_t prio;
};

static int priomap_entry_parse(const char *buf, size_t len, struct priomap_entry *ret) {
        return ifpriomap_parse(buf, len, ret->name, &ret->prio);
}

static int priomap_of(const char *s, struct priomap_entry *ret) {
        memset(ret, 0x5a, sizeof(*ret));
        return parse_both_ways(priomap_entry_parse, s, strlen(s), ret);
}

static void priomap_ok(const char *s, const char *name, uint32_t prio) {
        struct priomap_entry e;
        int r = priomap_of(s, &e);
        cr_assert_eq(r, 0, "\"%s\" = %d", s, r);
        cr_assert_str_eq(e.name, name, "\"%s\" named \"%s\"", s, e.name);
        cr_assert_eq(e.prio, prio, "\"%s\" gave %u", s, e.prio);
}

Test(ifpriomap_parse, sscanf_16s_u) {
        priomap_ok("lo 5", "lo", 5);
        priomap_ok("lo 5\n", "lo", 5);
        priomap_ok("  eth0\t\t7", "eth0", 7);
        priomap_ok("lo\n5", "lo", 5);
        priomap_ok("lo 5abc", "lo", 5);           /* what follows the number is not looked at */
        priomap_ok("lo 5 eth0 6", "lo", 5);       /* one pair per write */
        priomap_ok("lo 0x10", "lo", 0);           /* %u is decimal: "0", then "x10" ignored */
        priomap_ok("lo 007", "lo", 7);
        priomap_ok("lo 4294967295", "lo", 4294967295u);
        priomap_ok("lo 4294967296", "lo", 0);     /* cut to u32 */
        priomap_ok("abcdefghijklmnop 1", "abcdefghijklmnop", 1); /* 16 bytes: no such device later */
        priomap_ok("abcdefghijklmnop1", "abcdefghijklmnop", 1);  /* %16s stops at 16 */
}

Test(ifpriomap_parse, refused) {
        static const char *const refused[] = {
                "", " ", "\n", "lo", "lo ", "lo\n", "lo -1", "lo +1", "lo x", "abcdefghijklmnopq 5", "5",
        };
        struct priomap_entry e;
        for (size_t i = 0; i < ELEMENTSOF(refused); i++)
                cr_assert_eq(priomap_of(refused[i], &e), -EINVAL, "\"%s\"", refused[i]);
}

Test(priomap, set_and_get_by_index) {
        char a[64], b[64], c[64], d[64];

        cr_assert_eq(priomap_get("", 1), 0);
        cr_assert_eq(priomap_set("", 1, 5, a, sizeof(a)), 0);
        cr_assert_str_eq(a, "1 5\n");
        cr_assert_eq(priomap_get(a, 1), 5);
        cr_assert_eq(priomap_get(a, 2), 0);
        cr_assert_eq(priomap_get(a, 11), 0);

        cr_assert_eq(priomap_set(a, 2, 7, b, sizeof(b)), 0);
        cr_assert_str_eq(b, "1 5\n2 7\n");
        cr_assert_eq(priomap_set(b, 1, 9, c, sizeof(c)), 0);
        cr_assert_str_eq(c, "2 7\n1 9\n");
        cr_assert_eq(priomap_get(c, 1), 9);
        cr_assert_eq(priomap_get(c, 2), 7);

        /* 0 is the default: not kept. */
        cr_assert_eq(priomap_set(c, 2, 0, d, sizeof(d)), 0);
        cr_assert_str_eq(d, "1 9\n");
        cr_assert_eq(priomap_set(d, 1, 0, a, sizeof(a)), 0);
        cr_assert_str_eq(a, "");
        cr_assert_eq(priomap_get("1 9", 1), 9); /* no final newline */
}

static void check_resets(const char *v2, const char *value, const char *expected) {
        struct text out = {};
        cr_assert_eq(v2_key_resets(v2, value, &out), 0);
        cr_assert_str_eq(out.len ? out.data : "", expected, "\"%s\"", v2);
        text_free(&out);
}

Test(v2_key_resets, one_line_per_key) {
        check_resets("8:0 rbps=1048576 wbps=max riops=max wiops=max\n259:0 rbps=max wbps=max riops=100 wiops=max\n",
                     "rbps=max wbps=max riops=max wiops=max",
                     "8:0 rbps=max wbps=max riops=max wiops=max\n259:0 rbps=max wbps=max riops=max wiops=max\n");
        /* io.weight's default line is not a device. */
        check_resets("default 100\n8:0 200\n", "default", "8:0 default\n");
        check_resets("default 100\n", "default", "");
        check_resets("mlx4_0 hca_handle=2 hca_object=2000\n", "hca_handle=max hca_object=max",
                     "mlx4_0 hca_handle=max hca_object=max\n");
        check_resets("sev 10\nsev_es max", "max", "sev max\nsev_es max\n");
        check_resets("", "max", "");
        check_resets("\n\n", "max", "");
}

Test(priomap, full_buffer) {
        char small[8] = "x";
        cr_assert_eq(priomap_set("1 5\n", 2, 4294967295u, small, sizeof(small)), -ENOSPC);
        cr_assert_str_eq(small, "");
}
