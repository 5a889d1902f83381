/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "convert_cpu.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "group_io.h"
#include "kstrto.h"

#define NSEC_PER_USEC UINT64_C(1000)
#define USEC_PER_SEC UINT64_C(1000000)
#define BW_SHIFT 20

static uint64_t clamp_u64(uint64_t v, uint64_t lo, uint64_t hi) {
        return v < lo ? lo : v > hi ? hi : v;
}

uint64_t cpu_shares_clamp(uint64_t shares) {
        /* cpu_shares_write_u64() turns values too large to scale into MAX_SHARES: the same clamp. */
        return clamp_u64(shares, CPU_SHARES_MIN, CPU_SHARES_MAX);
}

uint64_t cpu_shares_to_weight(uint64_t shares) {
        /*
         * cpu_weight_read_u64() is DIV_ROUND_CLOSEST(shares · 100, 1024): the
         * weight a v2 reader would see had v1 stored these shares. It keeps
         * ratios (512:1024 is 50:100) and the default (1024 is 100).
         */
        return clamp_u64((cpu_shares_clamp(shares) * 100 + 512) / 1024, CPU_WEIGHT_MIN, CPU_WEIGHT_MAX);
}

uint64_t cpu_weight_to_shares(uint64_t weight) {
        /* An idle group (cpu.idle 1) has WEIGHT_IDLEPRIO shares, which cpu.weight rounds to 0. */
        if (weight == 0)
                return CPU_SHARES_IDLE;
        /* cpu_weight_write_u64(): DIV_ROUND_CLOSEST(w · 1024, 100), what the kernel then stores. */
        return (weight * 1024 + 50) / 100;
}

/* A whole decimal token of @len bytes, as cpu_max_show() prints them. */
static int parse_decimal(const char *s, size_t len, uint64_t *ret) {
        unsigned long long v;
        if (len == 0 || !isdigit((unsigned char) s[0]))
                return -EBADMSG;
        if (kstrtoull(s, len, 10, &v) < 0)
                return -EBADMSG;
        *ret = v;
        return 0;
}

int cpu_max_parse(const char *text, uint64_t *ret_quota, uint64_t *ret_period) {
        const char *space = strchr(text, ' ');
        uint64_t quota, period;
        int r;

        if (!space)
                return -EBADMSG;
        size_t quota_len = (size_t) (space - text);
        if (quota_len == 3 && !strncmp(text, "max", 3))
                quota = CFS_QUOTA_UNLIMITED;
        else {
                r = parse_decimal(text, quota_len, &quota);
                if (r < 0)
                        return r;
        }
        r = parse_decimal(space + 1, strcspn(space + 1, "\n"), &period);
        if (r < 0)
                return r;
        *ret_quota = quota;
        *ret_period = period;
        return 0;
}

int cpu_max_format(uint64_t quota, uint64_t period, char *buf, size_t size) {
        int n = quota == CFS_QUOTA_UNLIMITED ? snprintf(buf, size, "max %" PRIu64, period)
                                            : snprintf(buf, size, "%" PRIu64 " %" PRIu64, quota, period);
        return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
}

int cfs_quota_from_v1(long long quota_us, uint64_t *ret) {
        /* tg_set_cfs_quota(): any negative value lifts the limit. */
        if (quota_us < 0)
                *ret = CFS_QUOTA_UNLIMITED;
        else if ((uint64_t) quota_us > UINT64_MAX / NSEC_PER_USEC)
                return -EINVAL;
        else
                *ret = (uint64_t) quota_us;
        return 0;
}

long long cfs_quota_to_v1(uint64_t quota) {
        return quota == CFS_QUOTA_UNLIMITED ? -1 : (long long) quota;
}

int cfs_period_from_v1(unsigned long long period_us, uint64_t *ret) {
        if (period_us > UINT64_MAX / NSEC_PER_USEC)
                return -EINVAL; /* tg_set_cfs_period() */
        *ret = period_us;
        return 0;
}

int cfs_bandwidth_check(uint64_t quota, uint64_t period) {
        /* tg_set_cfs_bandwidth(), in µs: "max" passes the lower bound as RUNTIME_INF does. */
        if (quota < CFS_PERIOD_MIN_US || period < CFS_PERIOD_MIN_US)
                return -EINVAL;
        if (period > CFS_PERIOD_MAX_US)
                return -EINVAL;
        if (quota != CFS_QUOTA_UNLIMITED && quota > CFS_RUNTIME_MAX_US)
                return -EINVAL;
        return 0;
}

uint64_t cfs_ratio(uint64_t quota, uint64_t period) {
        if (quota == CFS_QUOTA_UNLIMITED)
                return CFS_RATIO_UNLIMITED;
        if (period == 0)
                return 0;
        /* quota ≤ CFS_RUNTIME_MAX_US (44 bits) keeps the shift within 64 bits. */
        return (quota << BW_SHIFT) / period;
}

int cfs_ratio_within(uint64_t ratio, uint64_t parent_ratio, uint64_t *ret_effective) {
        if (ratio == CFS_RATIO_UNLIMITED)
                ratio = parent_ratio; /* cgroup1 inherits only when no limit is set */
        else if (parent_ratio != CFS_RATIO_UNLIMITED && ratio > parent_ratio)
                return -EINVAL;
        *ret_effective = ratio;
        return 0;
}

uint64_t rt_runtime_default(bool root) {
        return root ? RT_RUNTIME_ROOT_DEFAULT_US : 0;
}

int rt_runtime_from_v1(long long runtime_us, uint64_t *ret) {
        /* sched_group_set_rt_runtime() */
        if (runtime_us < 0)
                *ret = RT_RUNTIME_UNLIMITED;
        else if ((uint64_t) runtime_us > UINT64_MAX / NSEC_PER_USEC)
                return -EINVAL;
        else
                *ret = (uint64_t) runtime_us;
        return 0;
}

int rt_period_from_v1(unsigned long long period_us, uint64_t *ret) {
        if (period_us > UINT64_MAX / NSEC_PER_USEC)
                return -EINVAL; /* sched_group_set_rt_period() */
        *ret = period_us;
        return 0;
}

/* to_ratio() as RT uses it: no limit counts as the whole of a CPU. */
static uint64_t rt_ratio(uint64_t runtime, uint64_t period) {
        if (runtime == RT_RUNTIME_UNLIMITED)
                return 1ULL << BW_SHIFT;
        if (period == 0)
                return 0;
        return (runtime << BW_SHIFT) / period;
}

uint64_t rt_global_ratio(long long runtime_us, unsigned long long period_us) {
        return rt_ratio(runtime_us < 0 ? RT_RUNTIME_UNLIMITED : (uint64_t) runtime_us, period_us);
}

int rt_bandwidth_check(bool root, uint64_t runtime, uint64_t period, uint64_t global_ratio) {
        /* The kernel needs RT bandwidth for its own threads in the root group. */
        if (root && runtime == 0)
                return -EINVAL;
        if (period == 0)
                return -EINVAL;
        if (runtime != RT_RUNTIME_UNLIMITED && (runtime > RT_RUNTIME_MAX_US || runtime > period))
                return -EINVAL;
        if (rt_ratio(runtime, period) > global_ratio)
                return -EINVAL; /* "Nobody can have more than the global setting allows." */
        return 0;
}

/* A counter of a keyed text, 0 when absent: an unthrottled group has nothing to count. */
static uint64_t keyed_or_zero(const char *text, const char *key) {
        uint64_t v;
        return keyed_u64(text, key, &v) < 0 ? 0 : v;
}

int cpu_stat_to_v1(const char *v2_stat, struct text *out) {
        uint64_t nr_bursts;
        int r;

        /* cpu_cfs_stat_show() order; wait_sum needs schedstats and has no v2 source. */
        r = text_printf(out, "nr_periods %" PRIu64 "\nnr_throttled %" PRIu64 "\nthrottled_time %" PRIu64 "\n",
                        keyed_or_zero(v2_stat, "nr_periods"), keyed_or_zero(v2_stat, "nr_throttled"),
                        keyed_or_zero(v2_stat, "throttled_usec") * NSEC_PER_USEC);
        if (r < 0)
                return r;
        /* The burst pair came with cpu.cfs_burst_us (5.14): show it where v2 has it. */
        if (keyed_u64(v2_stat, "nr_bursts", &nr_bursts) < 0)
                return 0;
        return text_printf(out, "nr_bursts %" PRIu64 "\nburst_time %" PRIu64 "\n", nr_bursts,
                           keyed_or_zero(v2_stat, "burst_usec") * NSEC_PER_USEC);
}

static const char *const cpu_usage_keys[_CPU_USAGE_MAX] = {
        [CPU_USAGE_TOTAL] = "usage_usec",
        [CPU_USAGE_USER] = "user_usec",
        [CPU_USAGE_SYSTEM] = "system_usec",
};

int cpu_usage_kind_from_key(const char *key) {
        for (int k = 0; k < _CPU_USAGE_MAX; k++)
                if (!strcmp(cpu_usage_keys[k], key))
                        return k;
        return -EINVAL;
}

int cpu_usage_parse(const char *v2_stat, struct cpu_usage *ret) {
        struct cpu_usage u;
        for (int k = 0; k < _CPU_USAGE_MAX; k++) {
                int r = keyed_u64(v2_stat, cpu_usage_keys[k], &u.usec[k]);
                if (r < 0)
                        return r;
        }
        *ret = u;
        return 0;
}

int cpu_usage_format(const struct cpu_usage *u, char *buf, size_t size) {
        int n = snprintf(buf, size, "%" PRIu64 " %" PRIu64 " %" PRIu64, u->usec[CPU_USAGE_TOTAL],
                         u->usec[CPU_USAGE_USER], u->usec[CPU_USAGE_SYSTEM]);
        return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
}

int cpu_usage_parse_baseline(const char *text, struct cpu_usage *ret) {
        struct cpu_usage u;
        const char *p = text;

        for (int k = 0; k < _CPU_USAGE_MAX; k++) {
                size_t len = strcspn(p, " ");
                int r = parse_decimal(p, len, &u.usec[k]);
                if (r < 0)
                        return r;
                p += len;
                if (k < _CPU_USAGE_MAX - 1) {
                        if (*p != ' ')
                                return -EBADMSG;
                        p++;
                }
        }
        if (*p)
                return -EBADMSG;
        *ret = u;
        return 0;
}

struct cpu_usage cpu_usage_own(const struct cpu_usage *group, const struct cpu_usage *children,
                               const struct cpu_usage *own, unsigned n_children) {
        uint64_t carries = n_children > 0 ? n_children - 1 : 0, removed = 0;
        struct cpu_usage u;

        for (int k = 0; k < _CPU_USAGE_MAX; k++) {
                uint64_t accounted = children->usec[k] + carries;
                uint64_t beyond = group->usec[k] > accounted ? group->usec[k] - accounted : 0;
                /* The total comes first: user and system time removed can be no more than time removed. */
                if (k == CPU_USAGE_TOTAL)
                        removed = beyond;
                else if (beyond > removed)
                        beyond = removed;
                u.usec[k] = own->usec[k] + beyond;
        }
        return u;
}

void cpu_usage_add(struct cpu_usage *a, const struct cpu_usage *b) {
        for (int k = 0; k < _CPU_USAGE_MAX; k++)
                a->usec[k] += b->usec[k];
}

struct cpu_usage cpu_usage_since(const struct cpu_usage *now, const struct cpu_usage *baseline) {
        struct cpu_usage d;
        for (int k = 0; k < _CPU_USAGE_MAX; k++)
                d.usec[k] = now->usec[k] > baseline->usec[k] ? now->usec[k] - baseline->usec[k] : 0;
        return d;
}

uint64_t usec_to_clock_t(uint64_t usec, unsigned long user_hz) {
        /* nsec_to_clock_t() divides ns by NSEC_PER_SEC / USER_HZ: the same floor, in µs. */
        return (uint64_t) ((unsigned __int128) usec * user_hz / USEC_PER_SEC);
}

int cpuacct_stat_format(const struct cpu_usage *u, unsigned long user_hz, struct text *out) {
        return text_printf(out, "user %" PRIu64 "\nsystem %" PRIu64 "\n",
                           usec_to_clock_t(u->usec[CPU_USAGE_USER], user_hz),
                           usec_to_clock_t(u->usec[CPU_USAGE_SYSTEM], user_hz));
}

static int parse_cpu_number(const char **p, unsigned *ret) {
        unsigned long v = 0;
        const char *s = *p;

        if (!isdigit((unsigned char) *s))
                return -EINVAL;
        for (; isdigit((unsigned char) *s); s++) {
                v = v * 10 + (unsigned long) (*s - '0');
                if (v > UINT32_MAX / 2)
                        return -EINVAL;
        }
        *p = s;
        *ret = (unsigned) v;
        return 0;
}

int cpu_list_next(const char **cursor, unsigned *ret_first, unsigned *ret_last) {
        const char *p = *cursor;
        unsigned first, last;
        int r;

        while (isspace((unsigned char) *p))
                p++;
        if (!*p) {
                *cursor = p;
                return 0;
        }
        r = parse_cpu_number(&p, &first);
        if (r < 0)
                return r;
        last = first;
        if (*p == '-') {
                p++;
                r = parse_cpu_number(&p, &last);
                if (r < 0)
                        return r;
                if (last < first)
                        return -EINVAL;
        }
        if (*p == ',')
                p++;
        else if (*p && !isspace((unsigned char) *p))
                return -EINVAL;
        *cursor = p;
        *ret_first = first;
        *ret_last = last;
        return 1;
}

int cpu_list_first(const char *list, unsigned *ret) {
        unsigned first, last;
        int r = cpu_list_next(&list, &first, &last);
        if (r < 0)
                return r;
        if (r == 0)
                return -ENODATA;
        *ret = first;
        return 0;
}

/* The CPU that carries the whole count: @home if possible, else the first possible CPU. */
static int carrier_cpu(const char *possible, unsigned home, unsigned *ret) {
        unsigned first, last;
        int r;

        for (const char *p = possible; (r = cpu_list_next(&p, &first, &last)) > 0;)
                if (home >= first && home <= last) {
                        *ret = home;
                        return 0;
                }
        if (r < 0)
                return r;
        return cpu_list_first(possible, ret);
}

/* Calls @line for each possible CPU with its share of the count (all of it, or nothing). */
typedef int (*percpu_line_fn)(struct text *out, unsigned cpu, bool carries, const uint64_t *ns);

static int for_each_possible(const char *possible, unsigned home, percpu_line_fn line, const uint64_t *ns,
                             struct text *out) {
        unsigned carrier, first, last;
        int r;

        r = carrier_cpu(possible, home, &carrier);
        if (r < 0)
                return r;
        for (const char *p = possible; (r = cpu_list_next(&p, &first, &last)) > 0;)
                for (unsigned cpu = first; cpu <= last; cpu++) {
                        r = line(out, cpu, cpu == carrier, ns);
                        if (r < 0)
                                return r;
                }
        return r;
}

static int percpu_line(struct text *out, unsigned cpu, bool carries, const uint64_t *ns) {
        (void) cpu;
        /* __cpuacct_percpu_seq_show(): each value followed by a space. */
        return text_printf(out, "%" PRIu64 " ", carries ? ns[0] : 0);
}

int cpuacct_percpu_format(const char *possible, unsigned home_cpu, uint64_t ns, struct text *out) {
        int r = for_each_possible(possible, home_cpu, percpu_line, &ns, out);
        if (r < 0)
                return r;
        return text_printf(out, "\n");
}

static int all_line(struct text *out, unsigned cpu, bool carries, const uint64_t *ns) {
        return text_printf(out, "%u %" PRIu64 " %" PRIu64 "\n", cpu, carries ? ns[0] : 0, carries ? ns[1] : 0);
}

int cpuacct_all_format(const char *possible, unsigned home_cpu, uint64_t user_ns, uint64_t system_ns,
                       struct text *out) {
        const uint64_t ns[2] = { user_ns, system_ns };
        /* cpuacct_all_seq_show(): a header naming cpuacct_stat_desc[], then a line per possible CPU. */
        int r = text_printf(out, "cpu user system\n");
        if (r < 0)
                return r;
        return for_each_possible(possible, home_cpu, all_line, ns, out);
}
