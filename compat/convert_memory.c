/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "convert_memory.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "group_io.h"
#include "kstrto.h"

uint64_t memcg_pages_max(uint64_t page) {
        assert(page > 0);
        return (uint64_t) LONG_MAX / page;
}

/* memparse()'s suffixes, each 10 more bits than the one before; 0 for none. */
static unsigned suffix_shift(char c) {
        switch (c) {
        case 'k': case 'K': return 10;
        case 'm': case 'M': return 20;
        case 'g': case 'G': return 30;
        case 't': case 'T': return 40;
        case 'p': case 'P': return 50;
        case 'e': case 'E': return 60;
        default: return 0;
        }
}

/*
 * simple_strtoull(s, &end, 0) then the suffix switch of lib/cmdline.c. The
 * kernel does not stop at overflow: _parse_integer_limit() flags it, keeps
 * multiplying (the value wraps) and simple_strtoull() ignores the flag; the
 * suffix shifts bits out the same way. v2's memory.max parses alike.
 */
uint64_t memcg_memparse(const char *s, size_t len, size_t *ret_used) {
        unsigned base = 10;
        uint64_t value = 0;
        size_t i = 0;

        if (len >= 1 && s[0] == '0') { /* _parse_integer_fixup_radix() */
                if (len >= 3 && (s[1] | 0x20) == 'x' && hex_to_bin((unsigned char) s[2]) >= 0) {
                        base = 16;
                        i = 2;
                } else
                        base = 8;
        }
        for (; i < len; i++) {
                int d = hex_to_bin((unsigned char) s[i]);
                if (d < 0 || (unsigned) d >= base)
                        break;
                value = value * base + (unsigned) d;
        }

        if (i < len) {
                unsigned shift = suffix_shift(s[i]);
                if (shift > 0) {
                        value <<= shift;
                        i++;
                }
        }
        *ret_used = i;
        return value;
}

int memcg_parse_limit(const char *buf, size_t len, uint64_t page, uint64_t *ret_pages) {
        uint64_t max = memcg_pages_max(page);
        size_t used;

        kstrstrip(&buf, &len);
        if (len == 2 && buf[0] == '-' && buf[1] == '1') {
                *ret_pages = max;
                return 0;
        }
        uint64_t bytes = memcg_memparse(buf, len, &used);
        if (used != len)
                return -EINVAL;
        *ret_pages = bytes / page < max ? bytes / page : max;
        return 0;
}

int memcg_limit_to_v2(uint64_t pages, uint64_t page, char *buf, size_t size) {
        int n = pages >= memcg_pages_max(page) ? snprintf(buf, size, "max")
                                               : snprintf(buf, size, "%" PRIu64, pages * page);
        return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
}

int memcg_limit_from_v2(const char *v2, uint64_t page, uint64_t *ret_pages) {
        uint64_t max = memcg_pages_max(page), bytes;
        int r = v2_parse_limit(v2, &bytes);
        if (r < 0)
                return r;
        *ret_pages = r > 0 || bytes / page >= max ? max : bytes / page;
        return 0;
}

uint64_t memcg_pages_to_bytes(uint64_t pages, uint64_t page) {
        uint64_t max = memcg_pages_max(page);
        return (pages < max ? pages : max) * page;
}

uint64_t memsw_from_v2(uint64_t mem_pages, uint64_t swap_pages, uint64_t page) {
        uint64_t max = memcg_pages_max(page);
        if (mem_pages >= max || swap_pages >= max - mem_pages)
                return max;
        return mem_pages + swap_pages;
}

int memsw_plan_memory_limit(uint64_t new_mem, uint64_t mem_pages, uint64_t swap_pages, uint64_t page,
                            uint64_t *ret_swap_pages) {
        if (swap_pages == UINT64_MAX)
                return 0; /* no swap accounting: there is no memsw limit to keep */
        uint64_t memsw = memsw_from_v2(mem_pages, swap_pages, page);
        if (memsw >= memcg_pages_max(page))
                return 0; /* unlimited memsw stays unlimited whatever memory.max becomes */
        if (new_mem > memsw)
                return -EINVAL; /* mem_cgroup_resize_max(): memory.max <= memsw.max */
        if (memsw - new_mem == swap_pages)
                return 0;
        *ret_swap_pages = memsw - new_mem;
        return 1;
}

int memsw_plan_memsw_limit(uint64_t new_memsw, uint64_t mem_pages, uint64_t page, uint64_t *ret_swap_pages) {
        uint64_t max = memcg_pages_max(page);
        if (new_memsw < mem_pages)
                return -EINVAL; /* mem_cgroup_resize_max(): memsw.max >= memory.max */
        *ret_swap_pages = new_memsw >= max ? max : new_memsw - mem_pages;
        return 0;
}

uint64_t memcg_max_usage_since_reset(uint64_t peak_now, uint64_t current, uint64_t peak_at_reset, uint64_t watermark) {
        if (peak_now != UINT64_MAX && peak_now > peak_at_reset)
                return peak_now;
        return watermark > current ? watermark : current;
}

static uint64_t stat_key(const char *v2_stat, const char *key) {
        uint64_t v;
        return keyed_u64(v2_stat, key, &v) < 0 ? 0 : v;
}

uint64_t memcg_kmem_usage(const char *v2_stat) {
        static const char *const parts[] = { "kernel_stack", "pagetables", "percpu", "slab", "vmalloc" };
        uint64_t v, sum = 0;

        if (keyed_u64(v2_stat, "kernel", &v) >= 0)
                return v;
        for (size_t i = 0; i < ELEMENTSOF(parts); i++)
                sum += stat_key(v2_stat, parts[i]);
        return sum;
}

uint64_t memcg_stat_pages(const char *v2_stat) {
        return stat_key(v2_stat, "anon") + stat_key(v2_stat, "file") + stat_key(v2_stat, "sock");
}

static uint64_t sub_or_zero(uint64_t a, uint64_t b) {
        return a > b ? a - b : 0;
}

uint64_t memcg_tasks_usage(uint64_t group_current, uint64_t group_pages, uint64_t children_current,
                           uint64_t children_pages) {
        uint64_t own_pages = sub_or_zero(group_pages, children_pages);
        uint64_t own = sub_or_zero(group_current, children_current);
        return children_current + (own_pages < own ? own_pages : own);
}

uint64_t memcg_tasks_peak(uint64_t group_peak, uint64_t children_peak, uint64_t own_pages, uint64_t usage) {
        uint64_t peak = group_peak;
        if (group_peak == UINT64_MAX)
                return UINT64_MAX;
        if (children_peak != UINT64_MAX && children_peak + own_pages < peak)
                peak = children_peak + own_pages;
        return peak > usage ? peak : usage;
}

static const struct {
        const char *v1, *v2; /* v2 NULL: not in v2's memory.stat */
} stat_keys[MEMCG_STAT__COUNT] = {
        [MEMCG_STAT_CACHE] = { "cache", "file" },
        [MEMCG_STAT_RSS] = { "rss", "anon" },
        [MEMCG_STAT_RSS_HUGE] = { "rss_huge", "anon_thp" },
        [MEMCG_STAT_SHMEM] = { "shmem", "shmem" },
        [MEMCG_STAT_MAPPED_FILE] = { "mapped_file", "file_mapped" },
        [MEMCG_STAT_DIRTY] = { "dirty", "file_dirty" },
        [MEMCG_STAT_WRITEBACK] = { "writeback", "file_writeback" },
        [MEMCG_STAT_WORKINGSET_REFAULT_ANON] = { "workingset_refault_anon", "workingset_refault_anon" },
        [MEMCG_STAT_WORKINGSET_REFAULT_FILE] = { "workingset_refault_file", "workingset_refault_file" },
        [MEMCG_STAT_SWAP] = { "swap", NULL },             /* memory.swap.current */
        [MEMCG_STAT_SWAPCACHED] = { "swapcached", "swapcached" },
        [MEMCG_STAT_PGPGIN] = { "pgpgin", NULL },         /* v2 does not count them per group */
        [MEMCG_STAT_PGPGOUT] = { "pgpgout", NULL },
        [MEMCG_STAT_PGFAULT] = { "pgfault", "pgfault" },
        [MEMCG_STAT_PGMAJFAULT] = { "pgmajfault", "pgmajfault" },
        [MEMCG_STAT_INACTIVE_ANON] = { "inactive_anon", "inactive_anon" },
        [MEMCG_STAT_ACTIVE_ANON] = { "active_anon", "active_anon" },
        [MEMCG_STAT_INACTIVE_FILE] = { "inactive_file", "inactive_file" },
        [MEMCG_STAT_ACTIVE_FILE] = { "active_file", "active_file" },
        [MEMCG_STAT_UNEVICTABLE] = { "unevictable", "unevictable" },
};

void memcg_stat_from_v2(const char *v2_stat, uint64_t swap_bytes, struct memcg_stat *ret) {
        for (size_t i = 0; i < MEMCG_STAT__COUNT; i++)
                ret->value[i] = stat_keys[i].v2 ? stat_key(v2_stat, stat_keys[i].v2) : 0;
        ret->value[MEMCG_STAT_SWAP] = swap_bytes;
}

/* v2's rstat flushes lazily: a child read after its parent can hold a little more than the parent had. */
static uint64_t subtract_floor0(uint64_t a, uint64_t b) {
        return a > b ? a - b : 0;
}

void memcg_stat_subtract(struct memcg_stat *from, const struct memcg_stat *child) {
        for (size_t i = 0; i < MEMCG_STAT__COUNT; i++)
                from->value[i] = subtract_floor0(from->value[i], child->value[i]);
}

int memcg_stat_format(struct text *out, const struct memcg_stat *local, const struct memcg_stat *total,
                      uint64_t hierarchical_memory_limit, uint64_t hierarchical_memsw_limit) {
        int r = 0;

        for (size_t i = 0; r >= 0 && i < MEMCG_STAT__COUNT; i++)
                r = text_printf(out, "%s %" PRIu64 "\n", stat_keys[i].v1, local->value[i]);
        if (r >= 0)
                r = text_printf(out, "hierarchical_memory_limit %" PRIu64 "\nhierarchical_memsw_limit %" PRIu64 "\n",
                                hierarchical_memory_limit, hierarchical_memsw_limit);
        for (size_t i = 0; r >= 0 && i < MEMCG_STAT__COUNT; i++)
                r = text_printf(out, "total_%s %" PRIu64 "\n", stat_keys[i].v1, total->value[i]);
        return r;
}

static const char *const numa_lru_keys[NUMA_LRU__COUNT] = {
        [NUMA_LRU_INACTIVE_ANON] = "inactive_anon", [NUMA_LRU_ACTIVE_ANON] = "active_anon",
        [NUMA_LRU_INACTIVE_FILE] = "inactive_file", [NUMA_LRU_ACTIVE_FILE] = "active_file",
        [NUMA_LRU_UNEVICTABLE] = "unevictable",
};

/* The slot of node @id, added if new; -E2BIG past MAX_NUMNODES. */
static int numa_slot(struct memcg_numa *n, int id) {
        for (size_t i = 0; i < n->n_nodes; i++)
                if (n->node[i] == id)
                        return (int) i;
        if (n->n_nodes >= MEMCG_NUMA_NODES_MAX)
                return -E2BIG;
        n->node[n->n_nodes] = id;
        memset(n->bytes[n->n_nodes], 0, sizeof(n->bytes[0]));
        return (int) n->n_nodes++;
}

static int numa_lru_of(const char *key, size_t len) {
        for (int i = 0; i < NUMA_LRU__COUNT; i++)
                if (strlen(numa_lru_keys[i]) == len && !strncmp(numa_lru_keys[i], key, len))
                        return i;
        return -1;
}

/* One line of v2's memory.numa_stat: "<key> N<id>=<bytes> N<id>=<bytes>...". */
static int numa_parse_line(const char *line, size_t len, struct memcg_numa *ret) {
        const char *end = line + len, *sp = memchr(line, ' ', len);
        int lru = numa_lru_of(line, sp ? (size_t) (sp - line) : len);

        if (lru < 0)
                return 0; /* anon, file, kernel_stack...: v1 shows the LRU lists only */
        for (const char *p = sp; p && p < end;) {
                p++;
                const char *word_end = memchr(p, ' ', (size_t) (end - p));
                if (!word_end)
                        word_end = end;
                const char *eq = memchr(p, '=', (size_t) (word_end - p));
                unsigned long long id, bytes;
                if (p[0] != 'N' || !eq || kstrtoull(p + 1, (size_t) (eq - p - 1), 10, &id) < 0 || id > INT_MAX ||
                    kstrtoull(eq + 1, (size_t) (word_end - eq - 1), 10, &bytes) < 0)
                        return -EBADMSG;
                int slot = numa_slot(ret, (int) id);
                if (slot < 0)
                        return slot;
                ret->bytes[slot][lru] = bytes;
                p = word_end < end ? word_end : NULL;
        }
        return 0;
}

int memcg_numa_from_v2(const char *v2_numa_stat, struct memcg_numa *ret) {
        ret->n_nodes = 0;
        for (const char *line = v2_numa_stat; *line;) {
                const char *end = strchrnul(line, '\n');
                int r = numa_parse_line(line, (size_t) (end - line), ret);
                if (r < 0)
                        return r;
                line = *end ? end + 1 : end;
        }
        return 0;
}

void memcg_numa_subtract(struct memcg_numa *from, const struct memcg_numa *child) {
        for (size_t c = 0; c < child->n_nodes; c++)
                for (size_t f = 0; f < from->n_nodes; f++) {
                        if (from->node[f] != child->node[c])
                                continue;
                        for (int lru = 0; lru < NUMA_LRU__COUNT; lru++)
                                from->bytes[f][lru] = subtract_floor0(from->bytes[f][lru], child->bytes[c][lru]);
                }
}

/* The kernel's LRU masks of memcg_numa_stat_show(), in its order. */
static const struct {
        const char *name;
        unsigned lru_mask;
} numa_stats[] = {
        { "total", (1u << NUMA_LRU__COUNT) - 1 },
        { "file", (1u << NUMA_LRU_INACTIVE_FILE) | (1u << NUMA_LRU_ACTIVE_FILE) },
        { "anon", (1u << NUMA_LRU_INACTIVE_ANON) | (1u << NUMA_LRU_ACTIVE_ANON) },
        { "unevictable", 1u << NUMA_LRU_UNEVICTABLE },
};

static uint64_t numa_node_pages(const struct memcg_numa *n, size_t slot, unsigned mask, uint64_t page) {
        uint64_t bytes = 0;
        for (int lru = 0; lru < NUMA_LRU__COUNT; lru++)
                if (mask & (1u << lru))
                        bytes += n->bytes[slot][lru];
        return bytes / page;
}

static int numa_format_one(struct text *out, const struct memcg_numa *n, const char *prefix, uint64_t page) {
        int r = 0;

        for (size_t s = 0; r >= 0 && s < ELEMENTSOF(numa_stats); s++) {
                uint64_t sum = 0;
                for (size_t i = 0; i < n->n_nodes; i++)
                        sum += numa_node_pages(n, i, numa_stats[s].lru_mask, page);
                r = text_printf(out, "%s%s=%" PRIu64, prefix, numa_stats[s].name, sum);
                for (size_t i = 0; r >= 0 && i < n->n_nodes; i++)
                        r = text_printf(out, " N%d=%" PRIu64, n->node[i], numa_node_pages(n, i, numa_stats[s].lru_mask, page));
                if (r >= 0)
                        r = text_append(out, "\n", 1);
        }
        return r;
}

int memcg_numa_format(struct text *out, const struct memcg_numa *local, const struct memcg_numa *total, uint64_t page) {
        int r = numa_format_one(out, local, "", page);
        if (r >= 0)
                r = numa_format_one(out, total, "hierarchical_", page);
        return r;
}
