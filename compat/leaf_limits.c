/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "leaf_limits.h"

#include <string.h>

#include "macro.h"

/*
 * The ceilings, with what a new cgroup has in each. cpu.max comes before its
 * burst: the kernel refuses a burst above the quota (tg_set_cfs_bandwidth), so
 * a copy in this order passes where the group's own values did.
 */
static const struct {
        const char *file;
        const char *fresh;
} mirrored[] = {
        { "memory.max", "max" },
        { "memory.high", "max" },
        { "memory.swap.max", "max" },
        { "pids.max", "max" },
        { "cpu.max", "max 100000" },
        /* A leaf without the group's burst would be throttled at the quota where the group is not. */
        { "cpu.max.burst", "0" },
};

bool leaf_limit_mirrored(const char *file) {
        for (size_t i = 0; i < ELEMENTSOF(mirrored); i++)
                if (!strcmp(mirrored[i].file, file))
                        return true;
        return false;
}

int leaf_mirror_limits(const struct compat_tree *t, int group_fd, int leaf_fd) {
        for (size_t i = 0; i < ELEMENTSOF(mirrored); i++) {
                _cleanup_free_ char *value = NULL;
                size_t len;
                int r = t->backend->read_file(group_fd, mirrored[i].file, &value, &len);
                if (r == -ENOENT)
                        continue; /* no such controller under the tree, or no such file in this kernel */
                if (r < 0)
                        return r;
                while (len > 0 && value[len - 1] == '\n')
                        value[--len] = 0;
                if (!strcmp(value, mirrored[i].fresh))
                        continue; /* the new leaf has it already */
                r = t->backend->write_file(leaf_fd, mirrored[i].file, value, len);
                if (r < 0 && r != -ENOENT)
                        return r;
        }
        return 0;
}
