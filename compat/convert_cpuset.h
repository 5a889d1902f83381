/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * CPU and memory node lists as the kernel reads and prints them: the list
 * format of bitmap_parselist() ("0-3,5", "0-15:2/4", "N", "all") and of
 * printk's "%*pbl" ("0-3,5"). cpuset.cpus and cpuset.mems take and show
 * this format in v1 and in v2 alike.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "text.h"

/* NR_CPUS of distribution kernels (CONFIG_MAXSMP): the widest CPU mask there is. */
#define CPUMASK_BITS_MAX 8192
/* MAX_NUMNODES, 1 << CONFIG_NODES_SHIFT (10 on distribution kernels): nodelist_parse()'s width. */
#define NODEMASK_BITS 1024

struct bitmask {
        uint64_t words[CPUMASK_BITS_MAX / 64];
};

/*
 * bitmap_parselist() on the NUL-terminated @s for a mask @nbits wide
 * (1..CPUMASK_BITS_MAX): 0, or -EINVAL (syntax), -ERANGE (a bit at or past
 * @nbits), -EOVERFLOW (a number past UINT_MAX). "" and "\n" are the empty set.
 */
int bitmask_parse_list(const char *s, unsigned nbits, struct bitmask *ret);

/*
 * A write to cpuset.cpus or cpuset.mems (cpuset_write_resmask): the counted
 * bytes stripped of surrounding space, then parsed; nothing left is the empty set.
 */
int bitmask_parse_write(const char *buf, size_t len, unsigned nbits, struct bitmask *ret);

/* Appends "%*pbl": "0-3,5", nothing for the empty set (no newline). */
int bitmask_format_list(const struct bitmask *m, struct text *out);

bool bitmask_empty(const struct bitmask *m);
bool bitmask_subset(const struct bitmask *sub, const struct bitmask *set);
bool bitmask_intersects(const struct bitmask *a, const struct bitmask *b);
/* The highest bit set, or -1 for the empty set. */
int bitmask_last(const struct bitmask *m);
bool bitmask_test(const struct bitmask *m, unsigned bit);
