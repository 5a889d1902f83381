/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "leaf_limits.h"

int leaf_mirror_limits(const struct compat_tree *t, int group_fd, int leaf_fd) {
        (void) t;
        (void) group_fd;
        (void) leaf_fd;
        return 0;
}
