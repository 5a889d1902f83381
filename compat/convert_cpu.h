/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Pure conversions between the v1 cpu and cpuacct files and their v2 forms
 * (MAPPING.md §2, §3, §8): no I/O, so every boundary value is unit-tested.
 * The numbers are the kernel's (kernel/sched/core.c, kernel/sched/cpuacct.c).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "text.h"

/* cpu.shares and cpu.weight: the kernel keeps one tg->shares behind both. */
#define CPU_SHARES_MIN 2ULL      /* MIN_SHARES */
#define CPU_SHARES_MAX 262144ULL /* MAX_SHARES, 1 << 18 */
#define CPU_WEIGHT_MIN 1ULL      /* CGROUP_WEIGHT_MIN */
#define CPU_WEIGHT_MAX 10000ULL  /* CGROUP_WEIGHT_MAX */
#define CPU_SHARES_IDLE 3ULL     /* WEIGHT_IDLEPRIO: what an idle group's cpu.shares reads */

/* What v1 stores for a write of @shares (out-of-range values are clamped, not refused). */
uint64_t cpu_shares_clamp(uint64_t shares);
/* The cpu.weight that schedules like @shares: clamp((s·100 + 512) / 1024, 1, 10000). */
uint64_t cpu_shares_to_weight(uint64_t shares);
/* The cpu.shares v1 reads for a cpu.weight: (w·1024 + 50) / 100, the kernel's own rounding. */
uint64_t cpu_weight_to_shares(uint64_t weight);

/* CFS bandwidth in µs, as cpu.max "$QUOTA $PERIOD" holds it. */
#define CFS_QUOTA_UNLIMITED UINT64_MAX      /* "max" in v2, -1 in v1 */
#define CFS_PERIOD_MIN_US 1000ULL          /* min_cfs_quota_period: 1 ms, also the least quota */
#define CFS_PERIOD_MAX_US 1000000ULL       /* max_cfs_quota_period: 1 s */
#define CFS_RUNTIME_MAX_US ((1ULL << 44) - 1) /* max_cfs_runtime: MAX_BW µs */
#define CFS_RATIO_UNLIMITED UINT64_MAX

/* "max 100000" or "20000 100000": -EBADMSG if it is not cpu.max. */
int cpu_max_parse(const char *text, uint64_t *ret_quota, uint64_t *ret_period);
/* The cpu.max line for @quota (CFS_QUOTA_UNLIMITED for "max") and @period. */
int cpu_max_format(uint64_t quota, uint64_t period, char *buf, size_t size);

/* A cpu.cfs_quota_us value (write_s64): negative is unlimited; too large to be ns is -EINVAL. */
int cfs_quota_from_v1(long long quota_us, uint64_t *ret);
/* What cpu.cfs_quota_us reads for a quota: -1 when unlimited. */
long long cfs_quota_to_v1(uint64_t quota);
/* A cpu.cfs_period_us value (write_u64): too large to be ns is -EINVAL. */
int cfs_period_from_v1(unsigned long long period_us, uint64_t *ret);

/* tg_set_cfs_bandwidth()'s own limits on a quota and period: 0 or -EINVAL. */
int cfs_bandwidth_check(uint64_t quota, uint64_t period);
/* The kernel's to_ratio(): (quota << 20) / period, CFS_RATIO_UNLIMITED without a quota. */
uint64_t cfs_ratio(uint64_t quota, uint64_t period);
/*
 * tg_cfs_schedulable_down() on cgroup1: a group's ratio against the one it
 * inherits. 0 and the ratio its children inherit, or -EINVAL when the group
 * asks for more than its parent has (v2 would silently take the smaller).
 */
int cfs_ratio_within(uint64_t ratio, uint64_t parent_ratio, uint64_t *ret_effective);

/*
 * RT group bandwidth (cpu.rt_runtime_us, cpu.rt_period_us) has no v2 home;
 * v1's own checks are kept so a value v1 would refuse is refused the same.
 */
#define RT_RUNTIME_UNLIMITED UINT64_MAX               /* -1 in v1 */
#define RT_PERIOD_DEFAULT_US 1000000ULL               /* sysctl_sched_rt_period */
#define RT_RUNTIME_ROOT_DEFAULT_US 950000ULL          /* sysctl_sched_rt_runtime */
#define RT_RUNTIME_MAX_US (((1ULL << 44) - 1) / 1000) /* max_rt_runtime is MAX_BW ns */

/* What a group's cpu.rt_runtime_us holds until written: the root 950000, other groups 0. */
uint64_t rt_runtime_default(bool root);
/* A cpu.rt_runtime_us value (write_s64): negative is unlimited, too large to be ns -EINVAL. */
int rt_runtime_from_v1(long long runtime_us, uint64_t *ret);
/* A cpu.rt_period_us value (write_u64): too large to be ns -EINVAL. */
int rt_period_from_v1(unsigned long long period_us, uint64_t *ret);
/* to_ratio() of the global sysctls sched_rt_runtime_us (-1: unlimited) and sched_rt_period_us. */
uint64_t rt_global_ratio(long long runtime_us, unsigned long long period_us);
/*
 * tg_set_rt_bandwidth() and the group's own part of tg_rt_schedulable(): 0 or
 * -EINVAL. The sums over children and siblings are not checked (nothing
 * would enforce them anyway).
 */
int rt_bandwidth_check(bool root, uint64_t runtime, uint64_t period, uint64_t global_ratio);

/* v1 cpu.stat from v2 cpu.stat: nr_periods, nr_throttled, throttled_time (ns), then the burst pair if v2 has it. */
int cpu_stat_to_v1(const char *v2_stat, struct text *out);

/* The counters of v2 cpu.stat behind cpuacct, in µs. */
enum cpu_usage_kind {
        CPU_USAGE_TOTAL,  /* usage_usec: cpuacct.usage */
        CPU_USAGE_USER,   /* user_usec: cpuacct.usage_user, "user" of cpuacct.stat */
        CPU_USAGE_SYSTEM, /* system_usec: cpuacct.usage_sys, "system" of cpuacct.stat */
        _CPU_USAGE_MAX,
};
struct cpu_usage {
        uint64_t usec[_CPU_USAGE_MAX];
};

/* The kind whose v2 key is @key ("usage_usec", "user_usec", "system_usec"), or -EINVAL. */
int cpu_usage_kind_from_key(const char *key);
/* The counters of a v2 cpu.stat text; -ENODATA if one is missing. */
int cpu_usage_parse(const char *v2_stat, struct cpu_usage *ret);
/* A reset baseline as kept in legacy state, "usage user system" in µs. */
int cpu_usage_format(const struct cpu_usage *u, char *buf, size_t size);
int cpu_usage_parse_baseline(const char *text, struct cpu_usage *ret);
/*
 * The part of a group's counters that is its own in v1's sums, where a parent is
 * its own part plus what each child reports, to the nanosecond (cpuacct_charge()
 * adds each charge to every ancestor). v2 keeps µs, each cgroup's truncated on
 * its own: a parent's usage_usec is up to one less than that per child above the
 * sum of its children's, and ×1000 that is a parent 1000 ns off its children.
 *
 * @group is the group's v2 counters, @children the sum of its n v2 children's
 * (the hidden leaf among them), @own the sum of those whose time is the group's
 * in the view: the leaf, where its tasks are, and children the view does not
 * hold. What the group has beyond its children is time of children since
 * removed, plus the truncation carries, at most n - 1 µs: so n - 1 is taken off
 * it. A removed child's last µs are lost from its parent's sum, and a carry is
 * never shown as time nobody used.
 *
 * user_usec and system_usec are not sums in v2 even to the µs: each cgroup
 * splits its own total by its own tick ratio (cputime_adjust()). So what a
 * group has of them beyond its children counts only up to the total removed:
 * with no child removed a parent's user and system are its children's and its
 * own exactly, as in v1, whose ticks went to every ancestor.
 */
struct cpu_usage cpu_usage_own(const struct cpu_usage *group, const struct cpu_usage *children,
                               const struct cpu_usage *own, unsigned n_children);
/* @a += @b, kind by kind. */
void cpu_usage_add(struct cpu_usage *a, const struct cpu_usage *b);
/* What accrued since @baseline (never below zero). */
struct cpu_usage cpu_usage_since(const struct cpu_usage *now, const struct cpu_usage *baseline);

/* nsec_to_clock_t() of a µs count: floor(usec · USER_HZ / 10^6). */
uint64_t usec_to_clock_t(uint64_t usec, unsigned long user_hz);
/* cpuacct.stat: "user N\nsystem N\n" in USER_HZ ticks. */
int cpuacct_stat_format(const struct cpu_usage *u, unsigned long user_hz, struct text *out);

/*
 * Kernel cpu lists ("0-3,8-11", as in /sys/devices/system/cpu/possible and
 * cpuset.cpus.effective): the next range from *cursor; 1 and the range, 0 at
 * the end, -EINVAL on bad syntax.
 */
int cpu_list_next(const char **cursor, unsigned *ret_first, unsigned *ret_last);
/* The first CPU of a list, -ENODATA if it is empty. */
int cpu_list_first(const char *list, unsigned *ret);

/*
 * v2 has no per-CPU usage. The sum-preserving approximation: all of @ns on
 * @home_cpu (or on the first possible CPU if @home_cpu is not possible),
 * zero on every other possible CPU.
 */
/* cpuacct.usage_percpu*: "%llu " per possible CPU, then a newline. */
int cpuacct_percpu_format(const char *possible, unsigned home_cpu, uint64_t ns, struct text *out);
/* cpuacct.usage_all: "cpu user system", then "<cpu> <user ns> <system ns>" per possible CPU. */
int cpuacct_all_format(const char *possible, unsigned home_cpu, uint64_t user_ns, uint64_t system_ns,
                       struct text *out);
