/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "convert_simple.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert_memory.h"
#include "group_io.h"
#include "kstrto.h"

int v2_key_resets(const char *v2_text, const char *value, struct text *out) {
        for (const char *line = v2_text; *line;) {
                const char *eol = strchrnul(line, '\n');
                size_t key_len = strcspn(line, " \n");
                if (key_len > 0 && !(key_len == 7 && !strncmp(line, "default", 7))) {
                        int r = text_printf(out, "%.*s %s\n", (int) key_len, line, value);
                        if (r < 0)
                                return r;
                }
                line = *eol ? eol + 1 : eol;
        }
        return 0;
}

static bool buf_is(const char *buf, size_t len, const char *word) {
        return len == strlen(word) && !memcmp(buf, word, len);
}

static int print_number(char *ret, size_t size, uint64_t value) {
        int n = snprintf(ret, size, "%" PRIu64, value);
        return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
}

static int print_max(char *ret, size_t size) {
        int n = snprintf(ret, size, "max");
        return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
}

int pids_max_to_v2(const char *buf, size_t len, char *ret, size_t size) {
        long long limit;
        int r;

        kstrstrip(&buf, &len);
        if (buf_is(buf, len, "max"))
                return print_max(ret, size);
        r = kstrtoll(buf, len, 0, &limit);
        if (r < 0)
                return r;
        if (limit < 0 || limit > PIDS_LIMIT_MAX)
                return -EINVAL;
        return print_number(ret, size, (uint64_t) limit);
}

int freezer_state_parse(const char *buf, size_t len, bool *ret_freeze) {
        kstrstrip(&buf, &len);
        if (buf_is(buf, len, "FROZEN"))
                *ret_freeze = true;
        else if (buf_is(buf, len, "THAWED"))
                *ret_freeze = false;
        else
                return -EINVAL; /* FREEZING too: it is a state the kernel reaches, not one to ask for */
        return 0;
}

enum freezer_state freezer_state_of(bool self_freezing, bool parent_freezing, bool frozen) {
        if (!self_freezing && !parent_freezing)
                return FREEZER_THAWED;
        return frozen ? FREEZER_FROZEN : FREEZER_FREEZING;
}

const char *freezer_state_to_string(enum freezer_state s) {
        static const char *const names[] = {
                [FREEZER_THAWED] = "THAWED",
                [FREEZER_FREEZING] = "FREEZING",
                [FREEZER_FROZEN] = "FROZEN",
        };
        assert((size_t) s < ELEMENTSOF(names));
        return names[s];
}

int hugetlb_size_parse(const char *name, size_t len, uint64_t *ret) {
        static const struct {
                const char *unit;
                unsigned shift;
        } units[] = { { "KB", 10 }, { "MB", 20 }, { "GB", 30 } };
        unsigned long long n;

        if (len < 3)
                return -EINVAL;
        for (size_t i = 0; i < ELEMENTSOF(units); i++) {
                if (memcmp(name + len - 2, units[i].unit, 2) != 0)
                        continue;
                /* Digits only: kstrtoull alone would also take a "+" or a newline. */
                for (size_t k = 0; k < len - 2; k++)
                        if (!kernel_isdigit((unsigned char) name[k]))
                                return -EINVAL;
                if (kstrtoull(name, len - 2, 10, &n) < 0 || n == 0 || n > (UINT64_MAX >> units[i].shift))
                        return -EINVAL;
                *ret = (uint64_t) n << units[i].shift;
                return 0;
        }
        return -EINVAL;
}

uint64_t hugetlb_unlimited(uint64_t page, uint64_t huge_page) {
        uint64_t pages = memcg_pages_max(page), per_huge = huge_page / page;
        return (pages - pages % per_huge) * page;
}

int hugetlb_limit_to_v2(const char *buf, size_t len, uint64_t page, uint64_t huge_page, char *ret, size_t size) {
        uint64_t nr_pages;
        int r;

        assert(page > 0 && huge_page >= page && huge_page % page == 0);
        /* The same page_counter_memparse(buf, "-1") as memory's limits: "max" is v2's word only. */
        r = memcg_parse_limit(buf, len, page, &nr_pages);
        if (r < 0)
                return r;
        nr_pages -= nr_pages % (huge_page / page);
        if (nr_pages * page == hugetlb_unlimited(page, huge_page))
                return print_max(ret, size);
        return print_number(ret, size, nr_pages * page);
}

int hugetlb_limit_from_v2(const char *v2, uint64_t page, uint64_t huge_page, uint64_t *ret) {
        int r = v2_parse_limit(v2, ret);
        if (r > 0)
                *ret = hugetlb_unlimited(page, huge_page);
        return r < 0 ? r : 0;
}

int classid_parse(const char *buf, size_t len, uint32_t *ret) {
        unsigned long long value;
        /* cgroup_file_write() for write_u64: kstrtoull(buf, 0) without stripping. */
        int r = kstrtoull(buf, len, 0, &value);
        if (r < 0)
                return r;
        *ret = (uint32_t) value; /* write_classid(): cs->classid = (u32)value, no range check */
        return 0;
}

int ifpriomap_parse(const char *buf, size_t len, char name[IFPRIOMAP_NAME_MAX + 1], uint32_t *ret_prio) {
        const char *end = buf + len, *p;
        unsigned long long prio;
        size_t n = 0;

        /* "%16s": leading spaces skipped, then up to 16 bytes that are not spaces. */
        p = kernel_skip_spaces(buf, end);
        while (p < end && !kernel_isspace((unsigned char) *p) && n < IFPRIOMAP_NAME_MAX)
                name[n++] = *p++;
        name[n] = 0;

        /* " %u": any spaces, then a decimal digit must follow; the value wraps, then is cut to u32. */
        if (!kernel_scan_ull(p, end, &prio))
                return -EINVAL;
        *ret_prio = (uint32_t) prio; /* and whatever follows the number is ignored */
        return 0;
}

/* Calls @fn for each "IFINDEX PRIO" line of @map until it returns false. */
static void priomap_for_each(const char *map, bool (*fn)(void *userdata, unsigned ifindex, uint32_t prio),
                             void *userdata) {
        for (const char *line = map; *line;) {
                unsigned ifindex;
                uint32_t prio;

                if (sscanf(line, "%u %" SCNu32, &ifindex, &prio) == 2 && !fn(userdata, ifindex, prio))
                        return;
                line = strchrnul(line, '\n');
                if (*line)
                        line++;
        }
}

struct priomap_lookup {
        unsigned ifindex;
        uint32_t prio;
};

static bool lookup_one(void *userdata, unsigned ifindex, uint32_t prio) {
        struct priomap_lookup *l = userdata;
        if (ifindex != l->ifindex)
                return true;
        l->prio = prio;
        return false;
}

uint32_t priomap_get(const char *map, unsigned ifindex) {
        struct priomap_lookup l = { .ifindex = ifindex };
        priomap_for_each(map, lookup_one, &l);
        return l.prio;
}

struct priomap_copy {
        unsigned skip;
        char *out;
        size_t size, len;
        int error;
};

static void copy_line(struct priomap_copy *c, unsigned ifindex, uint32_t prio) {
        int n = snprintf(c->out + c->len, c->size - c->len, "%u %" PRIu32 "\n", ifindex, prio);
        if (n < 0 || (size_t) n >= c->size - c->len)
                c->error = -ENOSPC;
        else
                c->len += (size_t) n;
}

static bool copy_other(void *userdata, unsigned ifindex, uint32_t prio) {
        struct priomap_copy *c = userdata;
        if (ifindex != c->skip && prio != 0)
                copy_line(c, ifindex, prio);
        return c->error == 0;
}

int priomap_set(const char *map, unsigned ifindex, uint32_t prio, char *ret, size_t size) {
        struct priomap_copy c = { .skip = ifindex, .out = ret, .size = size };

        assert(size > 0);
        ret[0] = 0;
        priomap_for_each(map, copy_other, &c);
        if (c.error == 0 && prio != 0)
                copy_line(&c, ifindex, prio);
        if (c.error < 0)
                ret[0] = 0;
        return c.error;
}
