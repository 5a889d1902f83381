/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The net_prio subsystem (MAPPING.md §6.6). v2 has no net_prio: the priorities
 * are kept on the group under the view's policy for files with no v2 home, and
 * nothing sets the priority of the group's packets. The interfaces are those of
 * the daemon's network namespace, as the kernel used init_net's.
 */
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "convert_simple.h"
#include "group_io.h"

#define IFPRIOMAP "net_prio.ifpriomap" /* the row's name: its state's name too */

/* A unique number per group, as the kernel's cgroup id was: the v2 cgroup's id, its inode. */
static int prioidx_read(const struct file_ctx *ctx, struct text *out) {
        struct stat st;
        int r = ctx->tree->backend->stat(ctx->fd, NULL, &st);
        if (r < 0)
                return r;
        return text_printf(out, "%llu\n", (unsigned long long) st.st_ino);
}

/* The priorities kept for the group, "" when it has none. */
static int priomap_of(const struct file_ctx *ctx, char *buf, size_t size) {
        int r = legacy_state_get(ctx, IFPRIOMAP, buf, size);
        if (r == -ENODATA) {
                buf[0] = 0;
                return 0;
        }
        return r < 0 ? r : 0;
}

static int by_index(const void *a, const void *b) {
        unsigned x = ((const struct if_nameindex *) a)->if_index, y = ((const struct if_nameindex *) b)->if_index;
        return (x > y) - (x < y);
}

static void if_freenameindexp(struct if_nameindex **p) {
        if (*p)
                if_freenameindex(*p);
}

/* read_priomap(): every interface, in the order they came, with its priority or 0. */
static int ifpriomap_read(const struct file_ctx *ctx, struct text *out) {
        _cleanup_(if_freenameindexp) struct if_nameindex *ifs = NULL;
        char map[8192];
        size_t n = 0;
        int r;

        r = priomap_of(ctx, map, sizeof(map));
        if (r < 0)
                return r;
        ifs = if_nameindex();
        if (!ifs)
                return negative_errno();
        while (ifs[n].if_index != 0)
                n++;
        qsort(ifs, n, sizeof(*ifs), by_index);
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = text_printf(out, "%s %u\n", ifs[i].if_name, (unsigned) priomap_get(map, ifs[i].if_index));
        return r;
}

/* write_priomap(): one "IFNAME PRIO" per write; an interface that does not exist is ENODEV. */
static int ifpriomap_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        char name[IFPRIOMAP_NAME_MAX + 1], map[8192], updated[8192];
        uint32_t prio;
        unsigned ifindex;
        int r;

        r = ifpriomap_parse(buf, len, name, &prio);
        if (r < 0)
                return r;
        ifindex = if_nametoindex(name);
        if (ifindex == 0)
                return -ENODEV;
        if (ctx->view->unsupported == UNSUPPORTED_REJECT)
                return -EOPNOTSUPP;
        r = priomap_of(ctx, map, sizeof(map));
        if (r >= 0)
                r = priomap_set(map, ifindex, prio, updated, sizeof(updated));
        if (r < 0)
                return r;
        if (!updated[0])
                return legacy_state_remove(ctx, IFPRIOMAP);
        return legacy_state_set(ctx, IFPRIOMAP, updated, strlen(updated));
}

/* cgrp_css_online(): a new group starts with its parent's priorities. */
static int net_prio_init_group(const struct file_ctx *parent, const struct file_ctx *child) {
        return legacy_state_inherit(parent, child, IFPRIOMAP);
}

static const struct legacy_file files[] = {
        {
                .name = "net_prio.prioidx",
                .mode = 0444,
                .mapping = MAP_NONE,
                .read = prioidx_read,
        },
        {
                .name = IFPRIOMAP,
                .mode = 0644,
                .mapping = MAP_NONE,
                .read = ifpriomap_read,
                .write = ifpriomap_write,
        },
};

const struct subsystem subsys_net_prio = {
        .name = "net_prio",
        .files = files,
        .n_files = ELEMENTSOF(files),
        .init_group = net_prio_init_group,
};
