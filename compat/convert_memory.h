/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The memory subsystem's conversions, with no I/O (MAPPING.md §0, §5, §5.1, §8):
 * v1 limit text to pages exactly as mm/page_counter.c parses it, limits between
 * v1 bytes and v2's "max", the memsw arithmetic over memory.max + memory.swap.max,
 * and memory.stat / memory.numa_stat in v1's format from v2's texts.
 *
 * Counts of pages are what the kernel compares, so limits travel as pages and
 * become bytes only when printed. @page is the page size, a parameter so that
 * 64 KiB kernels can be tested too.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "text.h"

/* PAGE_COUNTER_MAX: LONG_MAX / PAGE_SIZE pages, "unlimited" in v1 and "max" in v2. */
uint64_t memcg_pages_max(uint64_t page);

/*
 * A v1 limit write (memory.limit_in_bytes and its siblings): mem_cgroup_write()
 * strips surrounding whitespace, page_counter_memparse(buf, "-1") takes the exact
 * text "-1" as unlimited, anything else through memparse() (base 0, suffixes
 * k/m/g/t/p/e in either case, overflow wraps as in the kernel), then floors to
 * pages and clamps to PAGE_COUNTER_MAX. Trailing garbage is -EINVAL.
 */
int memcg_parse_limit(const char *buf, size_t len, uint64_t page, uint64_t *ret_pages);

/* The kernel's memparse() over a counted buffer: the value and how many bytes it took. */
uint64_t memcg_memparse(const char *s, size_t len, size_t *ret_used);

/* What a v2 limit file takes for @pages: "max" for unlimited, else bytes. */
int memcg_limit_to_v2(uint64_t pages, uint64_t page, char *buf, size_t size);

/* A v2 limit ("max" or bytes, as memory.max prints it) as pages; -EBADMSG if it is neither. */
int memcg_limit_from_v2(const char *v2, uint64_t page, uint64_t *ret_pages);

/* What v1 prints for a limit of @pages: pages * PAGE, so unlimited reads (LONG_MAX / PAGE) * PAGE. */
uint64_t memcg_pages_to_bytes(uint64_t pages, uint64_t page);

/* memsw as v1 shows it: memory.max + memory.swap.max, unlimited if either is. */
uint64_t memsw_from_v2(uint64_t mem_pages, uint64_t swap_pages, uint64_t page);

/*
 * A new memory.limit_in_bytes of @new_mem pages against the group's v2 state
 * (@mem_pages, @swap_pages; @swap_pages is UINT64_MAX when there is no
 * memory.swap.max): -EINVAL when it would exceed the memsw limit (v1's invariant
 * memory <= memsw), else 1 and the memory.swap.max that keeps memsw where it was
 * in @ret_swap_pages, or 0 when memory.swap.max stays as it is.
 */
int memsw_plan_memory_limit(uint64_t new_mem, uint64_t mem_pages, uint64_t swap_pages, uint64_t page,
                            uint64_t *ret_swap_pages);

/* A new memory.memsw.limit_in_bytes: -EINVAL below memory.max, else the memory.swap.max it means. */
int memsw_plan_memsw_limit(uint64_t new_memsw, uint64_t mem_pages, uint64_t page, uint64_t *ret_swap_pages);

/*
 * memory.max_usage_in_bytes after a reset, over v2's monotonic memory.peak
 * (kernel 6.1 has no reset): @peak_at_reset and @watermark were kept when it
 * was reset (UINT64_MAX @peak_now: no memory.peak). A peak above the one at the
 * reset happened since: it is exact. Otherwise the highest usage seen since
 * (sampled at reads) is what we know: a lower bound.
 */
uint64_t memcg_max_usage_since_reset(uint64_t peak_now, uint64_t current, uint64_t peak_at_reset, uint64_t watermark);

/* The kernel memory a group uses, from its v2 memory.stat: "kernel", else the sum of its parts. */
uint64_t memcg_kmem_usage(const char *v2_stat);

/*
 * memory.usage_in_bytes of a group X as v1 shows it, the charges of what its tasks
 * and child groups use, from v2 counters (bytes).
 *
 * v2 charges X itself with what is not its tasks': the per-CPU memcg data of each
 * v2 child, the hidden leaf included (mem_cgroup_alloc() charges the parent, a few
 * KiB per child), and the per-CPU charge batch that charge left cached (up to
 * MEMCG_CHARGE_BATCH = 64 pages per CPU, counted in memory.current until another
 * cgroup charges on that CPU). A v1 group has no leaf: an empty one reads 0. What
 * X's tasks and children use is charged to its v2 children, the leaf where its
 * tasks live and its child groups; what else X holds that v1 would count is the
 * pages left by removed children (still in dying child memcgs): anon, file, sock.
 * So:
 *
 *   usage = C + min(P_X - P_C, current_X - C)
 *
 * where C is the sum of memory.current of X's v2 children (leaf included), P the
 * anon + file + sock of memory.stat (P_C summed over the same children), each
 * difference taken as 0 below 0. The children's own per-CPU batches stay counted,
 * as they are in v1's counter (a "fuzz value", v1's memory.txt says): v1 drains
 * them before it judges a limit, and so do limit writes here.
 */
uint64_t memcg_stat_pages(const char *v2_stat);
uint64_t memcg_tasks_usage(uint64_t group_current, uint64_t group_pages, uint64_t children_current,
                           uint64_t children_pages);
/*
 * memory.max_usage_in_bytes the same way: X's memory.peak holds X's own charges too,
 * the sum of its children's peaks does not but may add peaks that never met. Both
 * bound the peak of the usage above (X's own part as it is now): the lower one,
 * never below the usage now. UINT64_MAX @group_peak: no memory.peak (before 5.19);
 * UINT64_MAX @children_peak: a child without one.
 */
uint64_t memcg_tasks_peak(uint64_t group_peak, uint64_t children_peak, uint64_t own_pages, uint64_t usage);

/* memory.stat: v1 keys, v1 order (memcg1_stat_format), values from v2's memory.stat. */
enum {
        MEMCG_STAT_CACHE,
        MEMCG_STAT_RSS,
        MEMCG_STAT_RSS_HUGE,
        MEMCG_STAT_SHMEM,
        MEMCG_STAT_MAPPED_FILE,
        MEMCG_STAT_DIRTY,
        MEMCG_STAT_WRITEBACK,
        MEMCG_STAT_WORKINGSET_REFAULT_ANON,
        MEMCG_STAT_WORKINGSET_REFAULT_FILE,
        MEMCG_STAT_SWAP,
        MEMCG_STAT_SWAPCACHED,
        MEMCG_STAT_PGPGIN,
        MEMCG_STAT_PGPGOUT,
        MEMCG_STAT_PGFAULT,
        MEMCG_STAT_PGMAJFAULT,
        MEMCG_STAT_INACTIVE_ANON,
        MEMCG_STAT_ACTIVE_ANON,
        MEMCG_STAT_INACTIVE_FILE,
        MEMCG_STAT_ACTIVE_FILE,
        MEMCG_STAT_UNEVICTABLE,
        MEMCG_STAT__COUNT,
};

struct memcg_stat {
        uint64_t value[MEMCG_STAT__COUNT];
};

/* The v1 values of a group from its v2 memory.stat and memory.swap.current (hierarchical both). */
void memcg_stat_from_v2(const char *v2_stat, uint64_t swap_bytes, struct memcg_stat *ret);
/* Take a child's share out of its parent's: what is left is the parent's own (never below 0). */
void memcg_stat_subtract(struct memcg_stat *from, const struct memcg_stat *child);
/* The v1 text: @local keys, the hierarchical limits (bytes), then @total as total_* keys. */
int memcg_stat_format(struct text *out, const struct memcg_stat *local, const struct memcg_stat *total,
                      uint64_t hierarchical_memory_limit, uint64_t hierarchical_memsw_limit);

/* memory.numa_stat: per node LRU sizes from v2's bytes, shown by v1 in pages. */
enum { NUMA_LRU_INACTIVE_ANON, NUMA_LRU_ACTIVE_ANON, NUMA_LRU_INACTIVE_FILE, NUMA_LRU_ACTIVE_FILE,
       NUMA_LRU_UNEVICTABLE, NUMA_LRU__COUNT };
#define MEMCG_NUMA_NODES_MAX 1024 /* the kernel's MAX_NUMNODES with NODES_SHIFT 10 */

struct memcg_numa {
        size_t n_nodes;
        int node[MEMCG_NUMA_NODES_MAX];
        uint64_t bytes[MEMCG_NUMA_NODES_MAX][NUMA_LRU__COUNT];
};

/* Parse v2's memory.numa_stat; -EBADMSG if it is not in its format. */
int memcg_numa_from_v2(const char *v2_numa_stat, struct memcg_numa *ret);
void memcg_numa_subtract(struct memcg_numa *from, const struct memcg_numa *child);
/* v1's memcg_numa_stat_show(): total/file/anon/unevictable, then hierarchical_*, in pages. */
int memcg_numa_format(struct text *out, const struct memcg_numa *local, const struct memcg_numa *total, uint64_t page);
