/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Which views hold a group (DESIGN.md invariant 3). v1's hierarchies were
 * independent: the same name could be made in one and not in another. Each
 * view keeps its own set of groups over the one v2 tree, in the kernel like all
 * legacy state: the v2 directory carries the keys of the views that hold it,
 * "\nkey\n..." ("\n" for none while its removal is under way). A group without
 * the mark was made directly in v2 (or before views were independent) and is
 * held by every view.
 *
 * A view holds a group only if it holds its parent: a group is reached through
 * its parent, so the set each view holds is a tree, as a v1 hierarchy is.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tree.h"

#define STATE_HELD "held"

/* The mark as kept is a view set (view_set.h): "" for no mark, which names every view. */
bool held_set_has(const char *set, const char *key);

/* 1 if the group's own mark names the view (or it has none), 0 if not. */
int membership_held(const struct compat_tree *t, int fd, const char *view_key);
/* The view's number in t->view_keys (its bit in a mask), -1 for a view the tree does not serve. */
int membership_view_index(const struct compat_tree *t, const char *view_key);
/* Every view the tree serves, as a mask (bit i: t->view_keys[i]). */
uint64_t membership_every_view(const struct compat_tree *t);
/* The views the group's own mark names, every view without a mark. */
int membership_mask(const struct compat_tree *t, int fd, uint64_t *ret);
/* A group made through a view: held by it alone. */
int membership_init(const struct compat_tree *t, int fd, const char *view_key);
/* The view takes an existing group as its own. */
int membership_add(const struct compat_tree *t, int fd, const char *view_key);
/* The view lets the group go: how many views still hold it. */
int membership_remove(const struct compat_tree *t, int fd, const char *view_key);
