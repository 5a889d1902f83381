/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The pids subsystem (MAPPING.md §6.2): v1 and v2 share kernel/cgroup/pids.c, so
 * the files are the same, and v2 counts a group's own tasks (in its leaf) and
 * its children's together, as v1's hierarchical counters do.
 */
#include <inttypes.h>

#include "convert_simple.h"
#include "group_io.h"

static int pids_max_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        char value[32];
        int r = pids_max_to_v2(buf, len, value, sizeof(value));
        if (r < 0)
                return r;
        return group_write_v2(ctx, "pids.max", value);
}

/* "max N" of a pids.events, 0 where there is no such file (a group without its leaf yet). */
static int events_max(const struct file_ctx *ctx, bool leaf, uint64_t *ret) {
        _cleanup_free_ char *text = NULL;
        int r = leaf ? leaf_read_v2(ctx, "pids.events", &text) : group_read_v2(ctx, "pids.events", &text);
        *ret = 0;
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        return keyed_u64(text, "max", ret);
}

/*
 * v1 counts the forks its own tasks had refused (pids_event() on the forking
 * cgroup). The group's own tasks live in its leaf. Kernels before pids.events.local
 * (6.1 among them), and later ones mounted with pids_localevents, count the same
 * way in v2: the leaf's count is v1's, and the group's own is 0 unless tasks were
 * put in it directly. Later kernels count instead, in each cgroup, the refusals its
 * limit caused in its subtree: then the leaf's is 0 and the group's is the nearest
 * v2 has. The sum is right in every case where it can be.
 */
static int pids_events_read(const struct file_ctx *ctx, struct text *out) {
        uint64_t own, group;
        int r = events_max(ctx, true, &own);
        if (r >= 0)
                r = events_max(ctx, false, &group);
        if (r < 0)
                return r;
        return text_printf(out, "max %" PRIu64 "\n", own + group);
}

static const struct legacy_file files[] = {
        PASSTHROUGH_ROW("pids.max", 0644, NOT_ON_ROOT, "pids.max", .write = pids_max_write),
        PASSTHROUGH_ROW("pids.current", 0444, NOT_ON_ROOT, "pids.max"),
        PASSTHROUGH_ROW("pids.peak", 0444, NOT_ON_ROOT, "pids.peak"), /* kernels that have it in v2 have it in v1 */
        {
                .name = "pids.events",
                .mode = 0444,
                .place = NOT_ON_ROOT,
                .requires = "pids.max",
                .mapping = MAP_LOSSY, /* exact where v2 counts locally: see pids_events_read() */
                .read = pids_events_read,
        },
};

static int pids_reset_group(const struct file_ctx *ctx) {
        static const struct v2_default defaults[] = { { "pids.max", "max" } };
        return group_reset_v2(ctx, defaults, ELEMENTSOF(defaults));
}

const struct subsystem subsys_pids = {
        .name = "pids",
        .files = files,
        .n_files = ELEMENTSOF(files),
        .reset_group = pids_reset_group,
};
