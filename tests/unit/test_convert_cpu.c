/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * compat/convert_cpu.c against MAPPING.md §2, §3, §8 and the kernel it cites:
 * kernel/sched/core.c (cpu_shares_write_u64, cpu_weight_{read,write}_u64,
 * tg_set_cfs_{quota,period,bandwidth}, tg_cfs_schedulable_down, cpu_cfs_stat_show,
 * tg_set_rt_bandwidth, tg_rt_schedulable) and kernel/sched/cpuacct.c.
 */

#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "compat/convert_cpu.h"

/* MAPPING.md §8.1, the "kernel-exact" columns. */
static const struct {
        uint64_t shares, weight, read_back;
} shares_table[] = {
        { 2, 1, 10 },           { 16, 2, 20 },          { 128, 13, 133 },
        { 512, 50, 512 },       { 1024, 100, 1024 },    { 2048, 200, 2048 },
        { 10240, 1000, 10240 }, { 102400, 10000, 102400 }, { 262144, 10000, 102400 },
};

Test(cpu_shares, mapping_table) {
        for (size_t i = 0; i < sizeof(shares_table) / sizeof(shares_table[0]); i++) {
                uint64_t w = cpu_shares_to_weight(shares_table[i].shares);
                cr_assert_eq(w, shares_table[i].weight, "shares %lu: weight %lu", shares_table[i].shares, w);
                cr_assert_eq(cpu_weight_to_shares(w), shares_table[i].read_back, "weight %lu", w);
        }
}

Test(cpu_shares, the_example_of_read_back_fidelity) {
        cr_assert_eq(cpu_shares_to_weight(1000), 98);
        cr_assert_eq(cpu_weight_to_shares(98), 1004); /* DIV_ROUND_CLOSEST(98 · 1024, 100): 1003.52 */
}

Test(cpu_shares, clamped_not_refused) {
        cr_assert_eq(cpu_shares_clamp(0), 2);
        cr_assert_eq(cpu_shares_clamp(1), 2);
        cr_assert_eq(cpu_shares_clamp(2), 2);
        cr_assert_eq(cpu_shares_clamp(262144), 262144);
        cr_assert_eq(cpu_shares_clamp(262145), 262144);
        cr_assert_eq(cpu_shares_clamp(UINT64_MAX), 262144);
        cr_assert_eq(cpu_shares_to_weight(0), 1);
        cr_assert_eq(cpu_shares_to_weight(UINT64_MAX), 10000);
}

Test(cpu_shares, every_weight_survives_the_round_trip) {
        /* What v2 holds must come back unchanged when v1 writes what it reads. */
        for (uint64_t w = 1; w <= 10000; w++)
                cr_assert_eq(cpu_shares_to_weight(cpu_weight_to_shares(w)), w, "weight %lu", w);
}

Test(cpu_shares, idle_group) {
        /* cpu.idle 1: tg->shares is WEIGHT_IDLEPRIO (3), cpu.weight rounds it to 0. */
        cr_assert_eq(cpu_weight_to_shares(0), 3);
}

Test(cpu_max, parse) {
        uint64_t q = 1, p = 1;
        cr_assert_eq(cpu_max_parse("max 100000", &q, &p), 0);
        cr_assert_eq(q, CFS_QUOTA_UNLIMITED);
        cr_assert_eq(p, 100000);
        cr_assert_eq(cpu_max_parse("20000 100000\n", &q, &p), 0);
        cr_assert_eq(q, 20000);
        cr_assert_eq(p, 100000);
        cr_assert_eq(cpu_max_parse("max", &q, &p), -EBADMSG);
        cr_assert_eq(cpu_max_parse("maxi 1000", &q, &p), -EBADMSG);
        cr_assert_eq(cpu_max_parse("-1 1000", &q, &p), -EBADMSG);
        cr_assert_eq(cpu_max_parse("1000 x", &q, &p), -EBADMSG);
        cr_assert_eq(cpu_max_parse("", &q, &p), -EBADMSG);
}

Test(cpu_max, format) {
        char buf[64];
        cr_assert_eq(cpu_max_format(CFS_QUOTA_UNLIMITED, 100000, buf, sizeof(buf)), 0);
        cr_assert_str_eq(buf, "max 100000");
        cr_assert_eq(cpu_max_format(20000, 50000, buf, sizeof(buf)), 0);
        cr_assert_str_eq(buf, "20000 50000");
        cr_assert_eq(cpu_max_format(20000, 50000, buf, 5), -ENAMETOOLONG);
}

/* A quota write as the row does it: parse, then the bandwidth limits with the default period. */
static int quota_write(long long v1, uint64_t *ret) {
        int r = cfs_quota_from_v1(v1, ret);
        return r < 0 ? r : cfs_bandwidth_check(*ret, 100000);
}

Test(cfs_quota, boundaries) {
        uint64_t q;
        cr_assert_eq(quota_write(-1, &q), 0);
        cr_assert_eq(q, CFS_QUOTA_UNLIMITED);
        cr_assert_eq(quota_write(-12345, &q), 0, "any negative value is unlimited");
        cr_assert_eq(q, CFS_QUOTA_UNLIMITED);
        cr_assert_eq(quota_write(LLONG_MIN, &q), 0);
        cr_assert_eq(quota_write(0, &q), -EINVAL);
        cr_assert_eq(quota_write(999, &q), -EINVAL);
        cr_assert_eq(quota_write(1000, &q), 0);
        cr_assert_eq(q, 1000);
        cr_assert_eq(quota_write((1LL << 44) - 1, &q), 0, "max_cfs_runtime");
        cr_assert_eq(quota_write(1LL << 44, &q), -EINVAL);
        cr_assert_eq(quota_write(LLONG_MAX, &q), -EINVAL, "too large to be ns");
        cr_assert_eq(cfs_quota_to_v1(CFS_QUOTA_UNLIMITED), -1);
        cr_assert_eq(cfs_quota_to_v1(20000), 20000);
}

static int period_write(unsigned long long v1, uint64_t quota) {
        uint64_t p;
        int r = cfs_period_from_v1(v1, &p);
        return r < 0 ? r : cfs_bandwidth_check(quota, p);
}

Test(cfs_period, boundaries) {
        cr_assert_eq(period_write(999, CFS_QUOTA_UNLIMITED), -EINVAL);
        cr_assert_eq(period_write(1000, CFS_QUOTA_UNLIMITED), 0);
        cr_assert_eq(period_write(1000000, CFS_QUOTA_UNLIMITED), 0);
        cr_assert_eq(period_write(1000001, CFS_QUOTA_UNLIMITED), -EINVAL);
        cr_assert_eq(period_write(0, CFS_QUOTA_UNLIMITED), -EINVAL);
        cr_assert_eq(period_write(ULLONG_MAX, CFS_QUOTA_UNLIMITED), -EINVAL, "-1 parsed as u64 is refused");
        cr_assert_eq(period_write(1000, 50000), 0, "the quota may exceed the period");
}

Test(cfs_ratio, hierarchy) {
        uint64_t eff = 0;
        uint64_t half = cfs_ratio(50000, 100000);

        cr_assert_eq(half, 1ULL << 19);
        cr_assert_eq(cfs_ratio(CFS_QUOTA_UNLIMITED, 100000), CFS_RATIO_UNLIMITED);
        cr_assert_eq(cfs_ratio(25000, 50000), half, "same ratio, other period");

        cr_assert_eq(cfs_ratio_within(cfs_ratio(20000, 100000), CFS_RATIO_UNLIMITED, &eff), 0);
        cr_assert_eq(eff, cfs_ratio(20000, 100000));
        cr_assert_eq(cfs_ratio_within(half, half, &eff), 0, "equal is allowed");
        cr_assert_eq(cfs_ratio_within(cfs_ratio(50001, 100000), half, &eff), -EINVAL);
        cr_assert_eq(cfs_ratio_within(cfs_ratio(60000, 100000), half, &eff), -EINVAL);
        cr_assert_eq(cfs_ratio_within(CFS_RATIO_UNLIMITED, half, &eff), 0, "unlimited inherits");
        cr_assert_eq(eff, half);
        cr_assert_eq(cfs_ratio_within(CFS_RATIO_UNLIMITED, CFS_RATIO_UNLIMITED, &eff), 0);
        cr_assert_eq(eff, CFS_RATIO_UNLIMITED);
        /* The largest quota with the smallest period stays within 64 bits. */
        cr_assert_eq(cfs_ratio((1ULL << 44) - 1, 1000), (((1ULL << 44) - 1) << 20) / 1000);
}

static char *convert_stat(const char *v2) {
        struct text out = {};
        cr_assert_eq(cpu_stat_to_v1(v2, &out), 0);
        return out.data;
}

Test(cpu_stat, to_v1) {
        const char *v2 = "usage_usec 2718281\n"
                         "user_usec 1000000\n"
                         "system_usec 1718281\n"
                         "nr_periods 20\n"
                         "nr_throttled 16\n"
                         "throttled_usec 1598765\n"
                         "nr_bursts 2\n"
                         "burst_usec 1500\n";
        char *s = convert_stat(v2);
        cr_assert_str_eq(s, "nr_periods 20\n"
                            "nr_throttled 16\n"
                            "throttled_time 1598765000\n"
                            "nr_bursts 2\n"
                            "burst_time 1500000\n");
        free(s);
}

Test(cpu_stat, without_bursts_or_controller) {
        char *s = convert_stat("usage_usec 1\nuser_usec 1\nsystem_usec 0\nnr_periods 3\nnr_throttled 0\nthrottled_usec 0\n");
        cr_assert_str_eq(s, "nr_periods 3\nnr_throttled 0\nthrottled_time 0\n");
        free(s);
        s = convert_stat("usage_usec 1\nuser_usec 1\nsystem_usec 0\n");
        cr_assert_str_eq(s, "nr_periods 0\nnr_throttled 0\nthrottled_time 0\n");
        free(s);
}

Test(rt, defaults_and_limits) {
        uint64_t v, global = rt_global_ratio(950000, 1000000);

        cr_assert_eq(rt_runtime_default(true), 950000);
        cr_assert_eq(rt_runtime_default(false), 0);
        cr_assert_eq(rt_runtime_from_v1(-1, &v), 0);
        cr_assert_eq(v, RT_RUNTIME_UNLIMITED);
        cr_assert_eq(rt_runtime_from_v1(LLONG_MAX, &v), -EINVAL);
        cr_assert_eq(rt_period_from_v1(ULLONG_MAX, &v), -EINVAL);

        cr_assert_eq(rt_bandwidth_check(false, 0, 1000000, global), 0);
        cr_assert_eq(rt_bandwidth_check(true, 950000, 1000000, global), 0);
        cr_assert_eq(rt_bandwidth_check(true, 0, 1000000, global), -EINVAL, "the root keeps some RT time");
        cr_assert_eq(rt_bandwidth_check(false, 0, 0, global), -EINVAL, "no period");
        cr_assert_eq(rt_bandwidth_check(false, 2000, 1000, global), -EINVAL, "more runtime than period");
        cr_assert_eq(rt_bandwidth_check(false, 960000, 1000000, global), -EINVAL, "more than the global 95%");
        cr_assert_eq(rt_bandwidth_check(false, RT_RUNTIME_UNLIMITED, 1000000, global), -EINVAL);
        cr_assert_eq(rt_bandwidth_check(false, RT_RUNTIME_UNLIMITED, 1000000, rt_global_ratio(-1, 1000000)), 0);
        cr_assert_eq(rt_bandwidth_check(false, RT_RUNTIME_MAX_US + 1, ULLONG_MAX / 1000, rt_global_ratio(-1, 1)),
                     -EINVAL, "max_rt_runtime");
        cr_assert_eq(rt_bandwidth_check(false, RT_RUNTIME_MAX_US, ULLONG_MAX / 1000, rt_global_ratio(-1, 1)), 0);
}

Test(cpu_usage, parse_and_baseline) {
        struct cpu_usage u, b, d;
        char buf[128];

        cr_assert_eq(cpu_usage_parse("usage_usec 3000\nuser_usec 2000\nsystem_usec 1000\nnr_periods 0\n", &u), 0);
        cr_assert_eq(u.usec[CPU_USAGE_TOTAL], 3000);
        cr_assert_eq(u.usec[CPU_USAGE_USER], 2000);
        cr_assert_eq(u.usec[CPU_USAGE_SYSTEM], 1000);
        cr_assert_eq(cpu_usage_parse("usage_usec 3000\nuser_usec 2000\n", &u), -ENODATA);

        cr_assert_eq(cpu_usage_parse("usage_usec 3000\nuser_usec 2000\nsystem_usec 1000\n", &u), 0);
        cr_assert_eq(cpu_usage_format(&u, buf, sizeof(buf)), 0);
        cr_assert_str_eq(buf, "3000 2000 1000");
        cr_assert_eq(cpu_usage_parse_baseline(buf, &b), 0);
        cr_assert_eq(memcmp(&u, &b, sizeof(u)), 0);
        cr_assert_eq(cpu_usage_parse_baseline("1 2", &b), -EBADMSG);
        cr_assert_eq(cpu_usage_parse_baseline("1 2 3 4", &b), -EBADMSG);
        cr_assert_eq(cpu_usage_parse_baseline("1 2 x", &b), -EBADMSG);

        struct cpu_usage later = { .usec = { 5000, 2500, 2500 } };
        d = cpu_usage_since(&later, &b);
        cr_assert_eq(d.usec[CPU_USAGE_TOTAL], 2000);
        cr_assert_eq(d.usec[CPU_USAGE_USER], 500);
        cr_assert_eq(d.usec[CPU_USAGE_SYSTEM], 1500);
        d = cpu_usage_since(&b, &later);
        cr_assert_eq(d.usec[CPU_USAGE_TOTAL], 0, "never below zero");

        cr_assert_eq(cpu_usage_kind_from_key("usage_usec"), CPU_USAGE_TOTAL);
        cr_assert_eq(cpu_usage_kind_from_key("user_usec"), CPU_USAGE_USER);
        cr_assert_eq(cpu_usage_kind_from_key("system_usec"), CPU_USAGE_SYSTEM);
        cr_assert_eq(cpu_usage_kind_from_key("usage"), -EINVAL);
}

Test(cpuacct_stat, user_hz_rounding) {
        /* floor(usec * USER_HZ / 10^6): a tick is 10000 µs at USER_HZ 100. */
        cr_assert_eq(usec_to_clock_t(0, 100), 0);
        cr_assert_eq(usec_to_clock_t(9999, 100), 0);
        cr_assert_eq(usec_to_clock_t(10000, 100), 1);
        cr_assert_eq(usec_to_clock_t(19999, 100), 1);
        cr_assert_eq(usec_to_clock_t(1000000, 100), 100);
        cr_assert_eq(usec_to_clock_t(3999, 250), 0);
        cr_assert_eq(usec_to_clock_t(4000, 250), 1);
        cr_assert_eq(usec_to_clock_t(1000, 1000), 1);
        cr_assert_eq(usec_to_clock_t(UINT64_MAX, 100), UINT64_MAX / 10000, "no overflow");

        struct cpu_usage u = { .usec = { 3000000, 1234567, 89999 } };
        struct text out = {};
        cr_assert_eq(cpuacct_stat_format(&u, 100, &out), 0);
        cr_assert_str_eq(out.data, "user 123\nsystem 8\n");
        text_free(&out);
}

Test(cpu_list, parse) {
        const char *p = "0-3,8-11,16\n";
        unsigned a, b;
        cr_assert_eq(cpu_list_next(&p, &a, &b), 1);
        cr_assert(a == 0 && b == 3);
        cr_assert_eq(cpu_list_next(&p, &a, &b), 1);
        cr_assert(a == 8 && b == 11);
        cr_assert_eq(cpu_list_next(&p, &a, &b), 1);
        cr_assert(a == 16 && b == 16);
        cr_assert_eq(cpu_list_next(&p, &a, &b), 0);

        cr_assert_eq(cpu_list_first("2,4-5", &a), 0);
        cr_assert_eq(a, 2);
        cr_assert_eq(cpu_list_first("", &a), -ENODATA);
        cr_assert_eq(cpu_list_first("\n", &a), -ENODATA);
        p = "3-1";
        cr_assert_eq(cpu_list_next(&p, &a, &b), -EINVAL);
        p = "1;2";
        cr_assert_eq(cpu_list_next(&p, &a, &b), -EINVAL);
        p = "x";
        cr_assert_eq(cpu_list_next(&p, &a, &b), -EINVAL);
}

static char *percpu(const char *possible, unsigned home, uint64_t ns) {
        struct text out = {};
        cr_assert_eq(cpuacct_percpu_format(possible, home, ns, &out), 0);
        return out.data;
}

static struct cpu_usage usage3(uint64_t total, uint64_t user, uint64_t system) {
        return (struct cpu_usage) { .usec = { [CPU_USAGE_TOTAL] = total, [CPU_USAGE_USER] = user, [CPU_USAGE_SYSTEM] = system } };
}

/* Two children of 1.6 µs each: v2 prints 1 and 1, their parent 3 (3.2 truncated once). */
Test(cpu_usage_own, truncation_carries_are_nobodys) {
        struct cpu_usage group = usage3(3, 3, 0), children = usage3(2, 2, 0), own = usage3(0, 0, 0);
        /* The leaf and two children: up to 2 carries. */
        struct cpu_usage u = cpu_usage_own(&group, &children, &own, 3);
        cr_assert_eq(u.usec[CPU_USAGE_TOTAL], 0);
        cr_assert_eq(u.usec[CPU_USAGE_USER], 0);
        /* Nothing but the leaf: the group is the leaf, to the µs. */
        group = usage3(7, 5, 2);
        children = own = usage3(7, 5, 2);
        u = cpu_usage_own(&group, &children, &own, 1);
        cr_assert_eq(u.usec[CPU_USAGE_TOTAL], 7);
        cr_assert_eq(u.usec[CPU_USAGE_SYSTEM], 2);
}

Test(cpu_usage_own, the_leaf_and_unheld_children_are_own) {
        /* Leaf 10, an unheld child 20, a held one 30: the group's own is 30, the held child reports for itself. */
        struct cpu_usage group = usage3(61, 40, 21), children = usage3(60, 40, 20), own = usage3(30, 20, 10);
        struct cpu_usage u = cpu_usage_own(&group, &children, &own, 3);
        cr_assert_eq(u.usec[CPU_USAGE_TOTAL], 30);
        cr_assert_eq(u.usec[CPU_USAGE_USER], 20);
        cr_assert_eq(u.usec[CPU_USAGE_SYSTEM], 10);
}

Test(cpu_usage_own, removed_children_stay_in_their_parent) {
        /* A removed child's 1000 µs stay in the group's v2 counter: its own now, less the possible carries. */
        struct cpu_usage group = usage3(1012, 800, 212), children = usage3(10, 8, 2), own = usage3(4, 3, 1);
        struct cpu_usage u = cpu_usage_own(&group, &children, &own, 2);
        cr_assert_eq(u.usec[CPU_USAGE_TOTAL], 4 + 1012 - 10 - 1);
        cr_assert_eq(u.usec[CPU_USAGE_USER], 3 + 800 - 8 - 1);
        cr_assert_eq(u.usec[CPU_USAGE_SYSTEM], 1 + 212 - 2 - 1);
        /* v2's split of a parent's total is its own: beyond its children's, only up to the time removed. */
        group = usage3(20, 15, 5);
        children = usage3(20, 10, 10);
        own = usage3(4, 3, 1);
        u = cpu_usage_own(&group, &children, &own, 1);
        cr_assert_eq(u.usec[CPU_USAGE_TOTAL], 4);
        cr_assert_eq(u.usec[CPU_USAGE_USER], 3);
        cr_assert_eq(u.usec[CPU_USAGE_SYSTEM], 1);
        group = usage3(120, 115, 5);
        u = cpu_usage_own(&group, &children, &own, 1);
        cr_assert_eq(u.usec[CPU_USAGE_TOTAL], 104);
        cr_assert_eq(u.usec[CPU_USAGE_USER], 103);
        cr_assert_eq(u.usec[CPU_USAGE_SYSTEM], 1);
        /* No v2 child at all (a group without its leaf): all of it. */
        u = cpu_usage_own(&group, &(struct cpu_usage) {}, &(struct cpu_usage) {}, 0);
        cr_assert_eq(u.usec[CPU_USAGE_TOTAL], 120);
        cr_assert_eq(u.usec[CPU_USAGE_USER], 115);
}

Test(cpu_usage_add, kind_by_kind) {
        struct cpu_usage a = usage3(1, 2, 3), b = usage3(10, 20, 30);
        cpu_usage_add(&a, &b);
        cr_assert_eq(a.usec[CPU_USAGE_TOTAL], 11);
        cr_assert_eq(a.usec[CPU_USAGE_USER], 22);
        cr_assert_eq(a.usec[CPU_USAGE_SYSTEM], 33);
}

Test(cpuacct_percpu, sum_preserving_format) {
        char *s = percpu("0-3\n", 0, 123456000);
        cr_assert_str_eq(s, "123456000 0 0 0 \n");
        free(s);
        s = percpu("0-3", 2, 5000);
        cr_assert_str_eq(s, "0 0 5000 0 \n");
        free(s);
        s = percpu("0-1", 7, 5000); /* not a possible CPU: the first possible one carries it */
        cr_assert_str_eq(s, "5000 0 \n");
        free(s);
        s = percpu("0", 0, 0);
        cr_assert_str_eq(s, "0 \n");
        free(s);
        s = percpu("0,2-3", 2, 9);
        cr_assert_str_eq(s, "0 9 0 \n");
        free(s);
}

Test(cpuacct_all, format) {
        struct text out = {};
        cr_assert_eq(cpuacct_all_format("0-2", 1, 7000, 3000, &out), 0);
        cr_assert_str_eq(out.data, "cpu user system\n"
                                   "0 0 0\n"
                                   "1 7000 3000\n"
                                   "2 0 0\n");
        text_free(&out);
        cr_assert_eq(cpuacct_all_format("", 0, 1, 1, &out), -ENODATA);
        text_free(&out);
}
