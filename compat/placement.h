/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Where a task is, in each view (DESIGN.md invariant 3). A task lives in one v2
 * cgroup; each view shows it at the nearest group that view holds, so a group's
 * tasks in a view are its own and those of every group below it the view does
 * not hold. Attaching through a view moves the task to the deepest v2 group that
 * is that group in this view and keeps the task where every other view shows it
 * now; where no v2 group can do both (the views' placements do not lie on one
 * path), the attach wins: the task goes to the group itself, and the other
 * views show it at the nearest group they hold from there.
 */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "backend/backend.h"
#include "tree.h"

/*
 * The rule alone, for a task whose v2 group is the last of a chain of @n groups from the tree
 * root (@held[i]: the views that hold group i and its ancestors), attached to the group at depth
 * @h of that chain through view number @self: the depth of the group it goes to, or -1 when no
 * group keeps every other view's placement (then the attach wins).
 */
int placement_choose(const uint64_t *held, size_t n, size_t h, unsigned self);

/*
 * The v2 group (a new fd) whose leaf a task attached to the group @fd through the view @view_key
 * goes to: 0 if it is that group, 1 if it is one below it.
 */
int placement_attach_target(const struct compat_tree *t, int fd, const char *view_key, pid_t tid, int *ret_fd);

/*
 * Tasks the view shows in the group @fd besides those of the group and its leaf: those of every
 * child group the view does not hold, and of everything below it. @list adds a cgroup's tasks.
 */
int placement_list_unheld(const struct compat_tree *t, int fd, const char *view_key,
                          int (*list)(int fd, struct pid_list *ret), struct pid_list *ret);

/*
 * The group the view shows the task in: the nearest group to its v2 cgroup, itself included,
 * that the view holds (a new fd). 1 if the task is outside the tree (the root is returned).
 */
int placement_of_task(const struct compat_tree *t, pid_t tid, const char *view_key, int *ret_fd);
