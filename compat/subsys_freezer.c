/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The freezer subsystem (MAPPING.md §6.3) over v2's core freezer: cgroup.freeze
 * is what a group asked for, cgroup.events "frozen" whether it is done. Being
 * core files they exist on every v2 host, hybrid ones included.
 *
 * One difference stays: a v2-frozen task can still be killed, and can move in and
 * out of a frozen group, where v1 kept it in the refrigerator.
 */
#include <limits.h>
#include <sys/stat.h>

#include "convert_simple.h"
#include "group_io.h"

/* 1 if the v2 cgroup behind @fd asks to be frozen, else 0, or a negative errno. */
static int freeze_asked(const struct compat_tree *t, int fd) {
        _cleanup_free_ char *text = NULL;
        size_t len;
        int r = t->backend->read_file(fd, "cgroup.freeze", &text, &len);
        if (r < 0)
                return r;
        return text[0] == '1';
}

static bool same_dir(const struct stat *a, const struct stat *b) {
        return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/*
 * v1's CGROUP_FREEZING_PARENT: an ancestor asked for a freeze. Ancestors are
 * looked at up to the tree's root and never above it (they are not the tree's);
 * the root being frozen from above (a service manager freezing the daemon's unit)
 * counts as a parent's freeze, since that is what v1 would have shown.
 */
static int parent_freezing(const struct file_ctx *ctx) {
        const struct compat_tree *t = ctx->tree;
        const struct backend_ops *b = t->backend;
        _cleanup_close_ int up_fd = -1;
        struct stat root, st;
        int fd = ctx->fd, r;

        r = b->stat(t->root_fd, NULL, &root);
        if (r >= 0)
                r = b->stat(fd, NULL, &st);
        if (r < 0)
                return r;
        /* A path has at most PATH_MAX / 2 components: more means this group is not below the root. */
        for (unsigned depth = 0; !same_dir(&st, &root); depth++) {
                int parent_fd;

                if (depth > PATH_MAX / 2)
                        return -EXDEV;
                r = b->open_child(fd, "..", &parent_fd);
                if (r < 0)
                        return r;
                closep(&up_fd);
                fd = up_fd = parent_fd;
                r = freeze_asked(t, fd);
                if (r != 0)
                        return r;
                r = b->stat(fd, NULL, &st);
                if (r < 0)
                        return r;
        }

        _cleanup_free_ char *events = NULL;
        size_t len;
        uint64_t frozen = 0;
        r = b->read_file(t->root_fd, "cgroup.events", &events, &len);
        if (r >= 0)
                r = keyed_u64(events, "frozen", &frozen);
        if (r < 0)
                return r;
        return frozen == 1;
}

static int state_read(const struct file_ctx *ctx, struct text *out) {
        uint64_t frozen = 0;
        int self, parent = 0, r;

        self = freeze_asked(ctx->tree, ctx->fd);
        if (self < 0)
                return self;
        if (!self) {
                parent = parent_freezing(ctx);
                if (parent < 0)
                        return parent;
        }
        if (self || parent) {
                /* v2 drops "frozen" while a new task is being frozen, as v1 went back to FREEZING. */
                r = group_read_keyed(ctx, "cgroup.events", "frozen", &frozen);
                if (r < 0)
                        return r;
        }
        return text_printf(out, "%s\n", freezer_state_to_string(freezer_state_of(self, parent, frozen == 1)));
}

static int state_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        bool freeze;
        int r = freezer_state_parse(buf, len, &freeze);
        if (r < 0)
                return r;
        return group_write_v2(ctx, "cgroup.freeze", freeze ? "1" : "0");
}

static int self_freezing_read(const struct file_ctx *ctx, struct text *out) {
        int r = freeze_asked(ctx->tree, ctx->fd);
        if (r < 0)
                return r;
        return text_printf(out, "%d\n", r);
}

static int parent_freezing_read(const struct file_ctx *ctx, struct text *out) {
        int r = parent_freezing(ctx);
        if (r < 0)
                return r;
        return text_printf(out, "%d\n", r);
}

static const struct legacy_file files[] = {
        {
                .name = "freezer.state",
                .mode = 0644,
                .place = NOT_ON_ROOT,
                .requires = "cgroup.freeze",
                .mapping = MAP_LOSSY, /* same states; v2's frozen tasks can be killed and moved */
                .read = state_read,
                .write = state_write,
        },
        {
                .name = "freezer.self_freezing",
                .mode = 0444,
                .place = NOT_ON_ROOT,
                .requires = "cgroup.freeze",
                .mapping = MAP_EXACT,
                .read = self_freezing_read,
        },
        {
                .name = "freezer.parent_freezing",
                .mode = 0444,
                .place = NOT_ON_ROOT,
                .requires = "cgroup.freeze",
                .mapping = MAP_EXACT,
                .read = parent_freezing_read,
        },
};

/* A group the freezer hierarchy let go thaws: nothing else would ever thaw it. */
static int freezer_reset_group(const struct file_ctx *ctx) {
        static const struct v2_default defaults[] = { { "cgroup.freeze", "0" } };
        return group_reset_v2(ctx, defaults, ELEMENTSOF(defaults));
}

const struct subsystem subsys_freezer = {
        .name = "freezer",
        .files = files,
        .n_files = ELEMENTSOF(files),
        .reset_group = freezer_reset_group,
};
