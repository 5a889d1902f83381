/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The files every legacy hierarchy has: tasks, notify_on_release, release_agent;
 * and those cgroup v1 added: cgroup.procs, cgroup.clone_children, cgroup.sane_behavior.
 */

#include "legacy_file.h"

/*
 * The tasks (@processes: the processes) a view shows in the group of @ctx, as pids of the
 * reader's namespace, in no order: each pidlist orders them as its kernel did.
 */
int view_tasks(const struct file_ctx *ctx, bool processes, struct pid_list *ret);
int tasks_read(const struct file_ctx *ctx, struct text *out);
int tasks_write(const struct file_ctx *ctx, const char *buf, size_t len);
int procs_read(const struct file_ctx *ctx, struct text *out);
int clone_children_read(const struct file_ctx *ctx, struct text *out);
int clone_children_write(const struct file_ctx *ctx, const char *buf, size_t len);
int sane_behavior_read(const struct file_ctx *ctx, struct text *out);
int notify_on_release_read(const struct file_ctx *ctx, struct text *out);
int notify_on_release_write(const struct file_ctx *ctx, const char *buf, size_t len);
int release_agent_read(const struct file_ctx *ctx, struct text *out);
int release_agent_write(const struct file_ctx *ctx, const char *buf, size_t len);

/* The agent the view runs for released groups: written through the view, else its default. */
int release_agent_get(const struct compat_tree *t, const struct view_settings *view, char *buf, size_t size);

/* A pid as written to tasks: surrounding space stripped, one integer, base prefixes allowed. */
int parse_pid_write(const char *buf, size_t len, pid_t *ret);

/* The task a write to a pidlist names, in the daemon's pid namespace: "0" is the caller. */
int written_task(const struct file_ctx *ctx, const char *buf, size_t len, pid_t *ret);

/* qsort()'s order of pids, ascending. */
int pid_compare(const void *a, const void *b);

/* The v1 attach rule: euid 0, or the task's real or saved uid. */
bool may_move_task(uid_t euid, uid_t task_ruid, uid_t task_suid);
