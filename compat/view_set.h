/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * A set of view keys, as the legacy state of a v2 directory keeps it: each member on
 * a line of its own between newlines, "\nname=systemd\ncpu,cpuacct\n"; "" or "\n" has
 * no member. The per-view flags (notify_on_release, cgroup.clone_children) and the
 * views that hold a group (membership.h) are such sets.
 */

#include <stdbool.h>
#include <stddef.h>

#include "tree.h"

/* The set kept under @key on the directory, NUL-terminated in @buf: its length, 0 when there is none. */
int view_set_read(const struct compat_tree *t, int fd, const char *key, char *buf, size_t size);

bool view_set_has(const char *set, const char *view_key);
/* -EINVAL for a key that cannot be a member, -ENOSPC (the set unchanged) when @size cannot take it. */
int view_set_add(char *set, size_t size, const char *view_key);
/* 1 if @view_key was a member and is removed, 0 if it was not. */
int view_set_remove(char *set, const char *view_key);
size_t view_set_count(const char *set);
