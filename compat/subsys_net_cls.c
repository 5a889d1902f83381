/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The net_cls subsystem (MAPPING.md §6.6). v2 has no net_cls: the class id is
 * kept on the group under the view's policy for files with no v2 home (stored
 * and announced, or EOPNOTSUPP), and nothing tags the group's packets with it.
 * The real v1 net_cls must never be mounted beside v2: the kernel then turns off
 * v2's socket matching for the whole machine (cgroup_sk_alloc_disable).
 */
#include "convert_simple.h"
#include "group_io.h"

#define CLASSID "net_cls.classid" /* the row's name: its state's name too */

static int classid_read(const struct file_ctx *ctx, struct text *out) {
        return unsupported_read(ctx, "0", out);
}

static int classid_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        uint32_t classid;
        int r = classid_parse(buf, len, &classid);
        if (r < 0)
                return r;
        return unsupported_store_u64(ctx, classid);
}

/* cgrp_css_online(): a new group starts with its parent's class id. */
static int net_cls_init_group(const struct file_ctx *parent, const struct file_ctx *child) {
        return legacy_state_inherit(parent, child, CLASSID);
}

static const struct legacy_file files[] = {
        {
                .name = CLASSID,
                .mode = 0644,
                .mapping = MAP_NONE,
                .read = classid_read,
                .write = classid_write,
        },
};

const struct subsystem subsys_net_cls = {
        .name = "net_cls",
        .files = files,
        .n_files = ELEMENTSOF(files),
        .init_group = net_cls_init_group,
};
