/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The hidden leaf shows what is enforced on its group (DESIGN.md invariant 2): a
 * v2-aware program placed through the legacy API reads limits from its own
 * cgroup, the leaf, so the group's max-type limits are mirrored onto it.
 *
 * Only ceilings are mirrored: the leaf holds a part of what its group holds, so
 * a copy of the group's ceiling never limits the leaf's tasks more than the
 * group already does, and a write of it to the leaf cannot fail where the
 * group's succeeded. What is relative or a floor is not mirrored, because it
 * would mean something else one level down: cpu.weight and io.weight weigh a
 * cgroup against its siblings (the leaf's siblings are the group's children,
 * not the group's siblings), memory.low and memory.min protect a share of what
 * the parent hands down, cpuset.cpus and mems are inherited by the leaf anyway
 * (an empty v2 mask inherits). Those read their v2 defaults on the leaf.
 */

#include <stdbool.h>

#include "tree.h"

/* Is the group's v2 @file one its leaf carries a copy of? */
bool leaf_limit_mirrored(const char *file);

/* Copies the group's mirrored limits onto its leaf (a leaf just made, or made again). */
int leaf_mirror_limits(const struct compat_tree *t, int group_fd, int leaf_fd);
