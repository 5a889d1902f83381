/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The hidden leaf shows what is enforced on its group (DESIGN.md invariant 2): a
 * v2-aware program placed through the legacy API reads limits from its own
 * cgroup, the leaf, so the group's max-type limits are mirrored onto it.
 */

#include "tree.h"

/* Copies the group's mirrored limits onto its leaf (a leaf just made, or made again). */
int leaf_mirror_limits(const struct compat_tree *t, int group_fd, int leaf_fd);
