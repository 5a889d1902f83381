/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The misc subsystem (MAPPING.md §6.8): v1 and v2 share kernel/cgroup/misc.c's
 * files, so each v1 file is its v2 file, bytes for bytes both ways. The one
 * exception is where a file lives: misc.capacity is only in the root of the
 * machine's cgroup2, above the tree.
 */
#include <fcntl.h>
#include <limits.h>

#include "convert_simple.h"
#include "group_io.h"

/*
 * The machine's capacity, from the cgroup2 root: the only place it is. Read, never
 * written, and only by the view root's file. In a cgroup namespace the mount's
 * root is not the machine's and has no capacity: the read fails as v2 would.
 */
static int capacity_read(const struct file_ctx *ctx, struct text *out) {
        _cleanup_close_ int fd = -1;
        _cleanup_free_ char *text = NULL;
        char root[PATH_MAX];
        size_t len;
        int r;

        r = cgroup2_mount_point(root, sizeof(root));
        if (r < 0)
                return r;
        fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        r = ctx->tree->backend->read_file(fd, "misc.capacity", &text, &len);
        if (r < 0)
                return r;
        return text_append(out, text, len);
}

static const struct legacy_file files[] = {
        PASSTHROUGH_ROW("misc.max", 0644, NOT_ON_ROOT, "misc.current", .write = passthrough_write),
        PASSTHROUGH_ROW("misc.current", 0444, IN_EVERY_GROUP, "misc.current"),
        PASSTHROUGH_ROW("misc.peak", 0444, IN_EVERY_GROUP, "misc.peak"),
        PASSTHROUGH_ROW("misc.events", 0444, NOT_ON_ROOT, "misc.events"),
        PASSTHROUGH_ROW("misc.events.local", 0444, NOT_ON_ROOT, "misc.events.local"),
        {
                .name = "misc.capacity",
                .mode = 0444,
                .place = IN_ROOT_ONLY,
                .requires = "misc.current",
                .mapping = MAP_EXACT,
                .read = capacity_read,
        },
};

static int misc_reset_group(const struct file_ctx *ctx) {
        return group_reset_keys(ctx, "misc.max", "max");
}

const struct subsystem subsys_misc = {
        .name = "misc",
        .files = files,
        .n_files = ELEMENTSOF(files),
        .reset_group = misc_reset_group,
};
