/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * compat/convert_memory.c: v1 memory limits parsed as mm/page_counter.c's
 * page_counter_memparse(strstrip(buf), "-1") does (lib/cmdline.c memparse(),
 * lib/vsprintf.c simple_strtoull(), lib/kstrtox.c _parse_integer_limit()),
 * the memsw arithmetic of MAPPING.md §8.2, and memory.stat / numa_stat in
 * the format of mm/memcontrol-v1.c.
 */

#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compat/convert_memory.h"
#include "unit_helpers.h"

#define PAGE 4096
#define PAGE_64K 65536
#define SENTINEL UINT64_C(0x5a5a5a5a5a5a5a5a)
#define PCMAX UINT64_C(2251799813685247)          /* LONG_MAX / 4096 */
#define V1_UNLIMITED UINT64_C(9223372036854771712) /* PCMAX * 4096 */

/* Parse from an exact-size heap copy, so that nothing past @len is read (FUSE buffers have no NUL). */
static int parse(const char *s, uint64_t page, uint64_t *ret) {
        size_t len = strlen(s);
        char *b = exact_copy(s, len);
        *ret = SENTINEL;
        int r = memcg_parse_limit(b, len, page, ret);
        free(b);
        return r;
}

static void pages_ok(const char *s, uint64_t page, uint64_t expected) {
        uint64_t pages;
        int r = parse(s, page, &pages);
        cr_assert_eq(r, 0, "\"%s\": %d, expected 0", s, r);
        cr_assert_eq(pages, expected, "\"%s\": %llu pages, expected %llu", s, (unsigned long long) pages,
                     (unsigned long long) expected);
}

static void limit_einval(const char *s) {
        uint64_t pages;
        int r = parse(s, PAGE, &pages);
        cr_assert_eq(r, -EINVAL, "\"%s\": %d, expected -EINVAL", s, r);
        cr_assert_eq(pages, SENTINEL, "\"%s\" wrote its result on failure", s);
}

Test(memcg_parse_limit, unlimited) {
        pages_ok("-1", PAGE, PCMAX);
        pages_ok("-1\n", PAGE, PCMAX); /* strstrip() first */
        pages_ok(" \t-1 \n", PAGE, PCMAX);
        pages_ok("9223372036854771712", PAGE, PCMAX); /* v1's own "unlimited" reads back in */
        pages_ok("9223372036854775807", PAGE, PCMAX); /* LONG_MAX: floors to PCMAX pages */
        pages_ok("9223372036854775808", PAGE, PCMAX); /* past LONG_MAX: clamped */
        pages_ok("18446744073709551615", PAGE, PCMAX);
        pages_ok("8E", PAGE, PCMAX);
        pages_ok("-1", PAGE_64K, UINT64_C(140737488355327));
        pages_ok("9223372036854710272", PAGE_64K, UINT64_C(140737488355327));
}

Test(memcg_parse_limit, floors_to_pages) {
        pages_ok("0", PAGE, 0);
        pages_ok("1", PAGE, 0);
        pages_ok("4095", PAGE, 0);
        pages_ok("4096", PAGE, 1);
        pages_ok("4097", PAGE, 1);
        pages_ok("1k", PAGE, 0);    /* 1024 bytes: no whole page */
        pages_ok("4k", PAGE, 1);
        pages_ok("4K", PAGE, 1);
        pages_ok("1G", PAGE, 262144);
        pages_ok("1g", PAGE, 262144);
        pages_ok("64M", PAGE, 16384);
        pages_ok("  64M\n", PAGE, 16384); /* mem_cgroup_write() strips both ends */
        pages_ok("64m", PAGE, 16384);
        pages_ok("1T", PAGE, UINT64_C(268435456));
        pages_ok("1p", PAGE, UINT64_C(274877906944));
        pages_ok("64k", PAGE_64K, 1);
        pages_ok("65535", PAGE_64K, 0);
}

Test(memcg_parse_limit, bases_as_simple_strtoull) {
        pages_ok("0x1000", PAGE, 1);
        pages_ok("0X1000", PAGE, 1);
        pages_ok("010000", PAGE, 1); /* octal 4096 */
        pages_ok("0x1k", PAGE, 0);   /* 1 KiB */
        pages_ok("0x4K", PAGE, 1);
        pages_ok("0x1e", PAGE, 0);   /* 'e' is a hex digit there: 30 bytes */
        pages_ok("1e", PAGE, UINT64_C(281474976710656)); /* and an exa suffix in decimal: 1 << 60 */
        pages_ok("00", PAGE, 0);
}

Test(memcg_parse_limit, empty_and_bare_suffix_are_zero) {
        /* memparse() of no digits is 0 and takes a suffix anyway: the kernel sets a 0 limit. */
        pages_ok("", PAGE, 0);
        pages_ok("\n", PAGE, 0);
        pages_ok("k", PAGE, 0);
        pages_ok(" G ", PAGE, 0);
}

Test(memcg_parse_limit, overflow_wraps_as_the_kernel) {
        /* _parse_integer_limit() flags overflow and keeps going; simple_strtoull() drops the flag. */
        pages_ok("18446744073709551616", PAGE, 0); /* 2^64 */
        pages_ok("18446744073709555712", PAGE, 1); /* 2^64 + 4096 */
        pages_ok("100000000000000000000", PAGE, UINT64_C(1896064363147520)); /* 10^20 mod 2^64 */
        pages_ok("99999999999999999999", PAGE, UINT64_C(1896064363147519)); /* (10^20 - 1) mod 2^64 */
        pages_ok("16E", PAGE, 0);                  /* 16 << 60 == 2^64 */
        pages_ok("16777216T", PAGE, 0);            /* 2^24 << 40 */
        pages_ok("0x10000000000000000", PAGE, 0);
}

Test(memcg_parse_limit, rejected) {
        limit_einval("max"); /* v2's keyword, not v1's */
        limit_einval("-2");
        limit_einval("-01");
        limit_einval("- 1");
        limit_einval("+1");
        limit_einval("1.5G");
        limit_einval("64MB");
        limit_einval("64 M");
        limit_einval("1kk");
        limit_einval("1x");
        limit_einval("08");    /* octal */
        limit_einval("0x");    /* "0" in octal, then garbage */
        limit_einval("0xg");
        limit_einval("1\n2");
        limit_einval("-1 -1");
        limit_einval("unlimited");
}

Test(memcg_limit_to_v2, max_or_bytes) {
        char buf[32];

        cr_assert_eq(memcg_limit_to_v2(PCMAX, PAGE, buf, sizeof(buf)), 0);
        cr_assert_str_eq(buf, "max");
        cr_assert_eq(memcg_limit_to_v2(PCMAX - 1, PAGE, buf, sizeof(buf)), 0);
        cr_assert_str_eq(buf, "9223372036854767616");
        cr_assert_eq(memcg_limit_to_v2(16384, PAGE, buf, sizeof(buf)), 0);
        cr_assert_str_eq(buf, "67108864");
        cr_assert_eq(memcg_limit_to_v2(0, PAGE, buf, sizeof(buf)), 0);
        cr_assert_str_eq(buf, "0");
        cr_assert_eq(memcg_limit_to_v2(UINT64_C(140737488355327), PAGE_64K, buf, sizeof(buf)), 0);
        cr_assert_str_eq(buf, "max");
        cr_assert_eq(memcg_limit_to_v2(16384, PAGE, buf, 4), -ENAMETOOLONG);
}

Test(memcg_limit_from_v2, max_or_bytes) {
        uint64_t pages = SENTINEL;

        cr_assert_eq(memcg_limit_from_v2("max", PAGE, &pages), 0);
        cr_assert_eq(pages, PCMAX);
        cr_assert_eq(memcg_limit_from_v2("67108864", PAGE, &pages), 0);
        cr_assert_eq(pages, 16384);
        cr_assert_eq(memcg_limit_from_v2("0", PAGE, &pages), 0);
        cr_assert_eq(pages, 0);
        pages = SENTINEL;
        cr_assert_eq(memcg_limit_from_v2("", PAGE, &pages), -EBADMSG);
        cr_assert_eq(memcg_limit_from_v2("-1", PAGE, &pages), -EBADMSG);
        cr_assert_eq(memcg_limit_from_v2("max ", PAGE, &pages), -EBADMSG);
        cr_assert_eq(pages, SENTINEL);
}

Test(memcg_pages_to_bytes, unlimited_reads_v1_unlimited) {
        cr_assert_eq(memcg_pages_to_bytes(PCMAX, PAGE), V1_UNLIMITED);
        cr_assert_eq(memcg_pages_to_bytes(UINT64_MAX, PAGE), V1_UNLIMITED);
        cr_assert_eq(memcg_pages_to_bytes(UINT64_C(140737488355327), PAGE_64K), UINT64_C(9223372036854710272));
        cr_assert_eq(memcg_pages_to_bytes(16384, PAGE), UINT64_C(67108864));
        cr_assert_eq(memcg_pages_to_bytes(0, PAGE), 0);
}

Test(memsw_from_v2, sum_or_unlimited) {
        cr_assert_eq(memsw_from_v2(16384, 8192, PAGE), 24576);
        cr_assert_eq(memsw_from_v2(16384, 0, PAGE), 16384);
        cr_assert_eq(memsw_from_v2(PCMAX, 0, PAGE), PCMAX);
        cr_assert_eq(memsw_from_v2(16384, PCMAX, PAGE), PCMAX);
        cr_assert_eq(memsw_from_v2(16384, UINT64_MAX, PAGE), PCMAX); /* no memory.swap.max */
        cr_assert_eq(memsw_from_v2(PCMAX - 1, 1, PAGE), PCMAX);
        cr_assert_eq(memsw_from_v2(PCMAX - 1, 2, PAGE), PCMAX); /* never past unlimited */
}

Test(memsw_plan_memory_limit, keeps_memsw) {
        uint64_t swap = SENTINEL;

        /* memory 64M + swap 32M: memsw 96M. */
        cr_assert_eq(memsw_plan_memory_limit(32768, 16384, 8192, PAGE, &swap), -EINVAL); /* 128M > 96M */
        cr_assert_eq(memsw_plan_memory_limit(24577, 16384, 8192, PAGE, &swap), -EINVAL); /* one page over */
        cr_assert_eq(memsw_plan_memory_limit(PCMAX, 16384, 8192, PAGE, &swap), -EINVAL); /* -1 */
        cr_assert_eq(swap, SENTINEL);
        cr_assert_eq(memsw_plan_memory_limit(12288, 16384, 8192, PAGE, &swap), 1); /* 48M: swap 48M */
        cr_assert_eq(swap, 12288);
        cr_assert_eq(memsw_plan_memory_limit(24576, 16384, 8192, PAGE, &swap), 1); /* == memsw: no swap */
        cr_assert_eq(swap, 0);
        swap = SENTINEL;
        cr_assert_eq(memsw_plan_memory_limit(16384, 16384, 8192, PAGE, &swap), 0); /* unchanged */
        cr_assert_eq(swap, SENTINEL);
}

Test(memsw_plan_memory_limit, nothing_to_keep) {
        uint64_t swap = SENTINEL;

        cr_assert_eq(memsw_plan_memory_limit(32768, 16384, PCMAX, PAGE, &swap), 0);      /* memsw unlimited */
        cr_assert_eq(memsw_plan_memory_limit(PCMAX, 16384, PCMAX, PAGE, &swap), 0);
        cr_assert_eq(memsw_plan_memory_limit(16384, PCMAX, 0, PAGE, &swap), 0);          /* memory unlimited */
        cr_assert_eq(memsw_plan_memory_limit(32768, 16384, UINT64_MAX, PAGE, &swap), 0); /* no swap accounting */
        cr_assert_eq(swap, SENTINEL);
}

Test(memsw_plan_memsw_limit, swap_is_the_difference) {
        uint64_t swap = SENTINEL;

        cr_assert_eq(memsw_plan_memsw_limit(8192, 16384, PAGE, &swap), -EINVAL);  /* 32M < 64M */
        cr_assert_eq(memsw_plan_memsw_limit(16383, 16384, PAGE, &swap), -EINVAL); /* one page under */
        cr_assert_eq(memsw_plan_memsw_limit(16384, PCMAX, PAGE, &swap), -EINVAL); /* memory unlimited */
        cr_assert_eq(swap, SENTINEL);
        cr_assert_eq(memsw_plan_memsw_limit(24576, 16384, PAGE, &swap), 0);
        cr_assert_eq(swap, 8192);
        cr_assert_eq(memsw_plan_memsw_limit(16384, 16384, PAGE, &swap), 0); /* memsw == memory: no swap */
        cr_assert_eq(swap, 0);
        cr_assert_eq(memsw_plan_memsw_limit(PCMAX, 16384, PAGE, &swap), 0); /* -1: swap unlimited */
        cr_assert_eq(swap, PCMAX);
        cr_assert_eq(memsw_plan_memsw_limit(PCMAX, PCMAX, PAGE, &swap), 0);
        cr_assert_eq(swap, PCMAX);
}

Test(memcg_max_usage_since_reset, exact_or_lower_bound) {
        /* The peak rose past the one at the reset: it happened since, and is exact. */
        cr_assert_eq(memcg_max_usage_since_reset(300, 100, 200, 150), 300);
        /* Not past it: the highest usage read since the reset. */
        cr_assert_eq(memcg_max_usage_since_reset(200, 100, 200, 150), 150);
        cr_assert_eq(memcg_max_usage_since_reset(200, 180, 200, 150), 180);
        /* No memory.peak (before 5.19): sampling only. */
        cr_assert_eq(memcg_max_usage_since_reset(UINT64_MAX, 100, UINT64_MAX, 150), 150);
        cr_assert_eq(memcg_max_usage_since_reset(UINT64_MAX, 170, UINT64_MAX, 150), 170);
}

Test(memcg_kmem_usage, kernel_key_or_its_parts) {
        cr_assert_eq(memcg_kmem_usage("anon 1\nkernel 8192\nkernel_stack 4096\nsock 4096\n"), 8192);
        cr_assert_eq(memcg_kmem_usage("anon 1\nkernel_stack 1\npagetables 2\npercpu 4\nsock 1000\nslab 8\nvmalloc 16"),
                     31);
        cr_assert_eq(memcg_kmem_usage(""), 0);
}

Test(memcg_tasks_usage, stat_pages_are_anon_file_sock) {
        cr_assert_eq(memcg_stat_pages("anon 4096\nfile 8192\nkernel 65536\npercpu 7008\nsock 12288\nshmem 8192\n"),
                     24576);
        cr_assert_eq(memcg_stat_pages("kernel 8192\npercpu 7008\n"), 0);
}

/* Numbers read in the VM (6.1, 2 CPUs). */
Test(memcg_tasks_usage, an_empty_group_reads_zero) {
        /* The leaf's memcg data (7008 bytes percpu, 2 pages charged) and the batch it left: 64 pages on the group. */
        cr_assert_eq(memcg_tasks_usage(262144, 0, 0, 0), 0);
        /* The batch drained since: the 2 pages alone. */
        cr_assert_eq(memcg_tasks_usage(8192, 0, 0, 0), 0);
}

Test(memcg_tasks_usage, the_leaf_and_children_count_whole) {
        /* 4 MB of a string in the leaf; the group's own 2 pages are not the task's. */
        cr_assert_eq(memcg_tasks_usage(4665344, 4251648, 4657152, 4251648), 4657152);
        /* The task gone, its batch still cached on the leaf (counted, as v1 counts it until a drain). */
        cr_assert_eq(memcg_tasks_usage(303104, 0, 294912, 0), 294912);
}

Test(memcg_tasks_usage, pages_left_by_removed_children_count) {
        /* 10 MiB of page cache of a removed child, in its dying memcg: the group's own pages. */
        cr_assert_eq(memcg_tasks_usage(10485760 + 4096 + 8192 + 262144, 10485760 + 4096, 4096, 4096), 10485760 + 4096);
        /* Stale stats saying more than the counters hold: never more than what the group holds itself. */
        cr_assert_eq(memcg_tasks_usage(16384, 1048576, 4096, 0), 16384);
        /* Children's stats ahead of the group's (flushed apart): nothing of its own. */
        cr_assert_eq(memcg_tasks_usage(16384, 0, 4096, 8192), 4096);
        /* Children's counters above the group's (read apart): theirs. */
        cr_assert_eq(memcg_tasks_usage(4096, 0, 8192, 0), 8192);
}

Test(memcg_tasks_peak, the_lower_bound_never_below_usage) {
        /* An empty group: its peak is the leaf's creation, not a task's. */
        cr_assert_eq(memcg_tasks_peak(262144, 0, 0, 0), 0);
        /* The leaf's peak, below the group's own charges on top. */
        cr_assert_eq(memcg_tasks_peak(4685824, 4665344, 0, 303104), 4665344);
        /* Children that peaked apart: the group's peak is lower than their sum. */
        cr_assert_eq(memcg_tasks_peak(6000000, 8000000, 0, 100), 6000000);
        /* The group's own pages count with the children's peaks. */
        cr_assert_eq(memcg_tasks_peak(9000000, 1000000, 4096, 200), 1004096);
        cr_assert_eq(memcg_tasks_peak(100, 50, 0, 4096), 4096);
        /* No memory.peak: none; a child without one: the group's. */
        cr_assert_eq(memcg_tasks_peak(UINT64_MAX, 50, 0, 10), UINT64_MAX);
        cr_assert_eq(memcg_tasks_peak(5000, UINT64_MAX, 0, 10), 5000);
}

static const char group_stat[] =
        "anon 20971520\nfile 8388608\nkernel 1048576\nkernel_stack 65536\npagetables 131072\npercpu 0\nsock 0\n"
        "vmalloc 0\nshmem 4194304\nfile_mapped 1048576\nfile_dirty 4096\nfile_writeback 0\nswapcached 0\n"
        "anon_thp 2097152\nfile_thp 0\nshmem_thp 0\ninactive_anon 16777216\nactive_anon 8388608\n"
        "inactive_file 4194304\nactive_file 4194304\nunevictable 8192\nslab_reclaimable 1\nslab_unreclaimable 2\n"
        "slab 3\nworkingset_refault_anon 5\nworkingset_refault_file 7\npgfault 1000\npgmajfault 10\n"
        "pgscan 0\npgsteal 0\n";
static const char child_stat[] =
        "anon 16777216\nfile 4194304\nshmem 4194304\nfile_mapped 0\nfile_dirty 8192\nfile_writeback 0\n"
        "anon_thp 0\ninactive_anon 16777216\nactive_anon 0\ninactive_file 4194304\nactive_file 0\nunevictable 0\n"
        "workingset_refault_anon 1\nworkingset_refault_file 2\npgfault 600\npgmajfault 4\n";

Test(memcg_stat, v1_keys_in_v1_order) {
        struct memcg_stat total, local, child;
        struct text out = {};

        memcg_stat_from_v2(group_stat, 12288, &total);
        memcg_stat_from_v2(child_stat, 4096, &child);
        local = total;
        memcg_stat_subtract(&local, &child);
        cr_assert_eq(memcg_stat_format(&out, &local, &total, UINT64_C(67108864), V1_UNLIMITED), 0);
        cr_assert_str_eq(out.data,
                         "cache 4194304\n"
                         "rss 4194304\n"
                         "rss_huge 2097152\n"
                         "shmem 0\n"
                         "mapped_file 1048576\n"
                         "dirty 0\n" /* the child's 8192 exceeds the parent's 4096: never below 0 */
                         "writeback 0\n"
                         "workingset_refault_anon 4\n"
                         "workingset_refault_file 5\n"
                         "swap 8192\n"
                         "swapcached 0\n"
                         "pgpgin 0\n"
                         "pgpgout 0\n"
                         "pgfault 400\n"
                         "pgmajfault 6\n"
                         "inactive_anon 0\n"
                         "active_anon 8388608\n"
                         "inactive_file 0\n"
                         "active_file 4194304\n"
                         "unevictable 8192\n"
                         "hierarchical_memory_limit 67108864\n"
                         "hierarchical_memsw_limit 9223372036854771712\n"
                         "total_cache 8388608\n"
                         "total_rss 20971520\n"
                         "total_rss_huge 2097152\n"
                         "total_shmem 4194304\n"
                         "total_mapped_file 1048576\n"
                         "total_dirty 4096\n"
                         "total_writeback 0\n"
                         "total_workingset_refault_anon 5\n"
                         "total_workingset_refault_file 7\n"
                         "total_swap 12288\n"
                         "total_swapcached 0\n"
                         "total_pgpgin 0\n"
                         "total_pgpgout 0\n"
                         "total_pgfault 1000\n"
                         "total_pgmajfault 10\n"
                         "total_inactive_anon 16777216\n"
                         "total_active_anon 8388608\n"
                         "total_inactive_file 4194304\n"
                         "total_active_file 4194304\n"
                         "total_unevictable 8192\n");
        text_free(&out);
}

Test(memcg_stat, keys_v2_lacks_read_zero) {
        struct memcg_stat s;

        memcg_stat_from_v2("anon 4096\n", 0, &s);
        cr_assert_eq(s.value[MEMCG_STAT_RSS], 4096);
        cr_assert_eq(s.value[MEMCG_STAT_SWAPCACHED], 0); /* before 6.5 v2 has no swapcached */
        cr_assert_eq(s.value[MEMCG_STAT_CACHE], 0);
        /* "file" is a key; "file_mapped" must not be taken for it. */
        memcg_stat_from_v2("file_mapped 5\nfile 7\n", 0, &s);
        cr_assert_eq(s.value[MEMCG_STAT_CACHE], 7);
        cr_assert_eq(s.value[MEMCG_STAT_MAPPED_FILE], 5);
}

static const char group_numa[] =
        "anon N0=20971520 N1=4096\nfile N0=8388608 N1=0\nkernel_stack N0=65536 N1=0\n"
        "inactive_anon N0=16777216 N1=4096\nactive_anon N0=4194304 N1=0\n"
        "inactive_file N0=4194304 N1=0\nactive_file N0=4194304 N1=8192\nunevictable N0=0 N1=4096\n"
        "workingset_refault_anon N0=0 N1=0\n";
static const char child_numa[] =
        "anon N0=16777216 N1=0\ninactive_anon N0=16777216 N1=0\nactive_anon N0=0 N1=0\n"
        "inactive_file N0=0 N1=0\nactive_file N0=4194304 N1=0\nunevictable N0=0 N1=0\n";

Test(memcg_numa, v1_pages_local_then_hierarchical) {
        struct memcg_numa *total = malloc(sizeof(*total)), *local = malloc(sizeof(*local)),
                          *child = malloc(sizeof(*child));
        struct text out = {};

        cr_assert(total && local && child);
        cr_assert_eq(memcg_numa_from_v2(group_numa, total), 0);
        cr_assert_eq(memcg_numa_from_v2(child_numa, child), 0);
        cr_assert_eq(total->n_nodes, 2);
        *local = *total;
        memcg_numa_subtract(local, child);
        cr_assert_eq(memcg_numa_format(&out, local, total, PAGE), 0);
        cr_assert_str_eq(out.data,
                         "total=2052 N0=2048 N1=4\n"
                         "file=1026 N0=1024 N1=2\n"
                         "anon=1025 N0=1024 N1=1\n"
                         "unevictable=1 N0=0 N1=1\n"
                         "hierarchical_total=7172 N0=7168 N1=4\n"
                         "hierarchical_file=2050 N0=2048 N1=2\n"
                         "hierarchical_anon=5121 N0=5120 N1=1\n"
                         "hierarchical_unevictable=1 N0=0 N1=1\n");
        text_free(&out);
        free(total);
        free(local);
        free(child);
}

Test(memcg_numa, malformed) {
        struct memcg_numa *n = malloc(sizeof(*n));

        cr_assert_not_null(n);
        cr_assert_eq(memcg_numa_from_v2("active_anon N0=x\n", n), -EBADMSG);
        cr_assert_eq(memcg_numa_from_v2("active_anon 0=1\n", n), -EBADMSG);
        cr_assert_eq(memcg_numa_from_v2("active_anon N0\n", n), -EBADMSG);
        cr_assert_eq(memcg_numa_from_v2("anon whatever\n", n), 0); /* not an LRU list: not read */
        cr_assert_eq(memcg_numa_from_v2("", n), 0);
        cr_assert_eq(n->n_nodes, 0);
        free(n);
}
