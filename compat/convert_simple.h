/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Pure conversions for the small v1 subsystems: pids, freezer, hugetlb, net_cls
 * and net_prio (MAPPING.md §6.2-6.6). Each parses exactly the bytes the v1
 * kernel accepts, with its errno, from a counted buffer (FUSE writes are not
 * NUL-terminated), and gives the v2 text or the v1 value. No I/O.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "legacy_file.h"

/*
 * Files keyed by a device or a resource, one line each (io.max, io.weight,
 * rdma.max, misc.max): the lines that take each key's setting out, "KEY @value"
 * for each line of @v2_text, one per write. io.weight's "default N" line is
 * not a key and gets none.
 */
int v2_key_resets(const char *v2_text, const char *value, struct text *out);

/* pids (kernel/cgroup/pids.c pids_max_write): PID_MAX_LIMIT on 64-bit, the largest limit. */
#define PIDS_LIMIT_MAX 4194304

/* A pids.max write, stripped, "max" or 0..PIDS_LIMIT_MAX: the v2 text ("max" or decimal) in @ret. */
int pids_max_to_v2(const char *buf, size_t len, char *ret, size_t size);

/* freezer (kernel/cgroup/legacy_freezer.c) */
enum freezer_state {
        FREEZER_THAWED,
        FREEZER_FREEZING,
        FREEZER_FROZEN,
};

/* A freezer.state write: "FROZEN" (true) or "THAWED" (false) once stripped, anything else -EINVAL. */
int freezer_state_parse(const char *buf, size_t len, bool *ret_freeze);
/* What freezer.state reads: freezing asked by itself or an ancestor, done once v2 says frozen. */
enum freezer_state freezer_state_of(bool self_freezing, bool parent_freezing, bool frozen);
const char *freezer_state_to_string(enum freezer_state s);

/* hugetlb (mm/hugetlb_cgroup.c) */

/* The bytes of a huge page size as the kernel names it in files (mem_fmt: "64KB", "2MB", "1GB"). */
int hugetlb_size_parse(const char *name, size_t len, uint64_t *ret);
/*
 * What v1 reads for an unlimited counter of this huge page size: the kernel keeps
 * round_down(PAGE_COUNTER_MAX, pages per huge page) pages, so with 4 KiB pages
 * 2MB reads 9223372036852678656, not the 9223372036854771712 of memory.*.
 */
uint64_t hugetlb_unlimited(uint64_t page, uint64_t huge_page);
/*
 * A hugetlb.<size>.limit_in_bytes write (hugetlb_cgroup_write_legacy): strstrip,
 * page_counter_memparse(buf, "-1"), rounded down to whole huge pages. The v2 text
 * for hugetlb.<size>.max in @ret: "max" or the bytes the kernel will keep.
 */
int hugetlb_limit_to_v2(const char *buf, size_t len, uint64_t page, uint64_t huge_page, char *ret, size_t size);
/* hugetlb.<size>.max as v1 reads it: "max" is hugetlb_unlimited(), numbers are bytes already. */
int hugetlb_limit_from_v2(const char *v2, uint64_t page, uint64_t huge_page, uint64_t *ret);

/* net_cls (net/core/netclassid_cgroup.c): a write_u64 file, kept as u32 (write_classid truncates). */
int classid_parse(const char *buf, size_t len, uint32_t *ret);

/* net_prio (net/core/netprio_cgroup.c) */
#define IFPRIOMAP_NAME_MAX 16 /* IFNAMSIZ: sscanf("%16s %u") */

/* A net_prio.ifpriomap write as sscanf(buf, "%16s %u") reads it: -EINVAL unless both are there. */
int ifpriomap_parse(const char *buf, size_t len, char name[IFPRIOMAP_NAME_MAX + 1], uint32_t *ret_prio);
/*
 * The priorities kept for a group, as "IFINDEX PRIO" lines: keyed by interface
 * index, as the kernel keys them by device, so a rename keeps its priority and a
 * new device of an old name does not inherit it. Unlisted interfaces have 0.
 */
uint32_t priomap_get(const char *map, unsigned ifindex);
/* @map with @ifindex set to @prio (0 drops the line) into @ret; -ENOSPC if it does not fit. */
int priomap_set(const char *map, unsigned ifindex, uint32_t prio, char *ret, size_t size);

