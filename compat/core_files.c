/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "core_files.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "kstrto.h"
#include "membership.h"
#include "placement.h"
#include "pidns.h"
#include "task_info.h"

int parse_pid_write(const char *buf, size_t len, pid_t *ret) {
        int pid;

        kstrstrip(&buf, &len);
        /* __cgroup1_procs_write(): any parse failure, ERANGE included, is EINVAL. */
        if (kstrtoint(buf, len, 0, &pid) < 0 || pid < 0)
                return -EINVAL;
        *ret = pid;
        return 0;
}

bool may_move_task(uid_t euid, uid_t task_ruid, uid_t task_suid) {
        return euid == 0 || euid == task_ruid || euid == task_suid;
}

int pid_compare(const void *a, const void *b) {
        pid_t x = *(const pid_t *) a, y = *(const pid_t *) b;
        return (x > y) - (x < y);
}

/*
 * Tasks of a group are those of its leaf, plus any placed in the v2 cgroup directly, plus, in a
 * view, those of the groups below it that the view does not hold (placement.h).
 */
static int own_tasks(const struct file_ctx *ctx, bool processes, struct pid_list *ret) {
        const struct backend_ops *b = ctx->tree->backend;
        int (*list)(int fd, struct pid_list *ret) = processes ? b->list_processes : b->list_threads;
        _cleanup_close_ int leaf_fd = -1;
        int r;

        r = tree_open_leaf(ctx->tree, ctx->fd, false, &leaf_fd);
        if (r >= 0)
                r = list(leaf_fd, ret);
        if (r < 0 && r != -ENOENT)
                return r;
        r = list(ctx->fd, ret);
        if (r < 0)
                return r;
        return placement_list_unheld(ctx->tree, ctx->fd, ctx->view->key, list, ret);
}

int view_tasks(const struct file_ctx *ctx, bool processes, struct pid_list *ret) {
        struct pidns_view view;
        struct pid_list tids = {};
        int r;

        r = pidns_view_of(ctx->caller->pid, &view);
        if (r < 0)
                return r;
        r = own_tasks(ctx, processes, &tids);
        if (r < 0)
                goto finish;

        size_t n = 0;
        for (size_t i = 0; i < tids.n; i++) {
                pid_t task = tids.pids[i], local;

                r = pidns_to_caller(&view, task, &local);
                if (r == -ESRCH)
                        continue; /* exited, or not visible to this reader */
                if (r < 0)
                        goto finish;
                tids.pids[n++] = local;
        }
        tids.n = n;
        *ret = TAKE_STRUCT(tids);
        r = 0;
finish:
        pid_list_free(&tids);
        return r;
}

/* v1 pidlists: sorted; cgroup.procs lists each process once. */
static int list_tasks(const struct file_ctx *ctx, bool processes, struct text *out) {
        struct pid_list tids = {};
        int r;

        r = view_tasks(ctx, processes, &tids);
        if (r < 0)
                return r;
        if (tids.n > 0)
                qsort(tids.pids, tids.n, sizeof(pid_t), pid_compare);

        r = text_reserve(out, tids.n * 12);
        for (size_t i = 0; r >= 0 && i < tids.n; i++)
                if (i == 0 || tids.pids[i] != tids.pids[i - 1])
                        r = text_printf(out, "%d\n", (int) tids.pids[i]);
        pid_list_free(&tids);
        return r;
}

int tasks_read(const struct file_ctx *ctx, struct text *out) {
        return list_tasks(ctx, false, out);
}

int procs_read(const struct file_ctx *ctx, struct text *out) {
        return list_tasks(ctx, true, out);
}

static int check_mover(const struct caller *c, const struct task_info *task) {
        return may_move_task(c->uid, task->ruid, task->suid) ? 0 : -EACCES;
}

static bool may_move_any_task(const struct file_ctx *ctx) {
        return ctx->opener->uid == 0 && ctx->caller->uid == 0;
}

/*
 * v1's checks before a move, in its order: the task exists (ESRCH), is no kernel thread (EINVAL),
 * and the opener and the writer may move it (EACCES). uid 0 may move any task, and v2's own write
 * refuses kernel threads with EINVAL: then /proc/TID/status, the costliest part of an attach, is
 * not needed, only whether the task exists (see refusal_of_subsystems() for the rest of the order).
 */
static int check_move(const struct file_ctx *ctx, pid_t tid) {
        struct task_info task;
        int r;

        if (may_move_any_task(ctx))
                return kill(tid, 0) < 0 && errno == ESRCH ? -ESRCH : 0;
        r = task_info_read(tid, &task);
        if (r < 0)
                return r;
        if (task.kthread)
                return -EINVAL; /* PF_NO_SETAFFINITY: the kernel says no, before any permission check */
        r = check_mover(ctx->opener, &task);
        if (r >= 0)
                r = check_mover(ctx->caller, &task);
        return r;
}

/* A subsystem refused the move (e.g. cpuset's ENOSPC): v1 said EINVAL first for a kernel thread. */
static int refusal_of_subsystems(const struct file_ctx *ctx, pid_t tid, int refusal) {
        struct task_info task;

        if (may_move_any_task(ctx) && task_info_read(tid, &task) >= 0 && task.kthread)
                return -EINVAL;
        return refusal;
}

int written_task(const struct file_ctx *ctx, const char *buf, size_t len, pid_t *ret) {
        struct pidns_view view;
        pid_t pid;
        int r;

        r = parse_pid_write(buf, len, &pid);
        if (r < 0)
                return r;
        if (ctx->caller->pid <= 0)
                return -EPERM; /* a caller we cannot see is refused, not guessed */
        if (pid == 0) {
                *ret = ctx->caller->pid;
                return 0;
        }
        r = pidns_view_of(ctx->caller->pid, &view);
        if (r < 0)
                return r;
        return pidns_from_caller(&view, pid, ret);
}

int tasks_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        _cleanup_close_ int target_fd = -1, leaf_fd = -1;
        pid_t tid;
        int r;

        r = written_task(ctx, buf, len, &tid);
        if (r < 0)
                return r;
        r = check_move(ctx, tid);
        if (r < 0)
                return r;

        /* A group this view let go (rmdir) while the file was open is gone here, as in v1. */
        r = membership_held(ctx->tree, ctx->fd, ctx->view->key);
        if (r <= 0)
                return r < 0 ? r : -ENODEV;
        r = legacy_can_attach(ctx);
        if (r < 0)
                return refusal_of_subsystems(ctx, tid, r);
        r = placement_attach_target(ctx->tree, ctx->fd, ctx->view->key, tid, &target_fd);
        if (r < 0)
                return r;
        bool below = r > 0;
        r = tree_open_leaf(ctx->tree, target_fd, true, &leaf_fd);
        if (r < 0)
                return r;
        /* A thread id moves its whole process: v2's cgroup.procs takes the thread group of any of its tids. */
        r = ctx->tree->backend->attach_process(leaf_fd, tid);
        if (r < 0)
                return r;
        /* In use again: the next emptying is a new release, also across a restart. */
        r = ctx->tree->backend->remove_state(target_fd, STATE_RELEASED);
        if (r >= 0 && below)
                r = ctx->tree->backend->remove_state(ctx->fd, STATE_RELEASED);
        return r;
}

static int view_flag_read(const struct file_ctx *ctx, const char *key, struct text *out) {
        int r = tree_get_view_flag(ctx->tree, ctx->fd, key, ctx->view->key);
        if (r < 0)
                return r;
        return text_printf(out, "%d\n", r);
}

/* A write_u64 file: no stripping, one optional trailing newline (cgroup_file_write). */
static int view_flag_write(const struct file_ctx *ctx, const char *key, const char *buf, size_t len) {
        unsigned long long value;
        int r;

        r = kstrtoull(buf, len, 0, &value);
        if (r < 0)
                return r;
        return tree_set_view_flag(ctx->tree, ctx->fd, key, ctx->view->key, value != 0);
}

int notify_on_release_read(const struct file_ctx *ctx, struct text *out) {
        return view_flag_read(ctx, STATE_NOTIFY_ON_RELEASE, out);
}

int notify_on_release_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        int r = view_flag_write(ctx, STATE_NOTIFY_ON_RELEASE, buf, len);
        if (r < 0)
                return r;
        /* Watched while any view wants to hear of its release. */
        r = tree_get_flag(ctx->tree, ctx->fd, STATE_NOTIFY_ON_RELEASE);
        if (r < 0)
                return r;
        const struct compat_hooks *h = ctx->tree->hooks;
        if (h && h->notify_changed)
                h->notify_changed(ctx->tree->userdata, ctx->fd, r > 0);
        return 0;
}

int clone_children_read(const struct file_ctx *ctx, struct text *out) {
        return view_flag_read(ctx, STATE_CLONE_CHILDREN, out);
}

int clone_children_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        return view_flag_write(ctx, STATE_CLONE_CHILDREN, buf, len);
}

int sane_behavior_read(const struct file_ctx *ctx, struct text *out) {
        (void) ctx;
        return text_printf(out, "0\n"); /* v1 hierarchies never have it: it became v2 */
}

static void release_agent_key(const struct view_settings *view, char *buf, size_t size) {
        snprintf(buf, size, "release_agent.%s", view->key);
}

int release_agent_get(const struct compat_tree *t, const struct view_settings *view, char *buf, size_t size) {
        char key[128];

        release_agent_key(view, key, sizeof(key));
        return tree_get_string(t, t->root_fd, key, view->release_agent ? view->release_agent : "", buf, size);
}

int release_agent_read(const struct file_ctx *ctx, struct text *out) {
        char agent[PATH_MAX];
        int r = release_agent_get(ctx->tree, ctx->view, agent, sizeof(agent));
        if (r < 0)
                return r;
        return text_printf(out, "%s\n", agent);
}

int release_agent_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        char key[128];

        kstrstrip(&buf, &len);
        release_agent_key(ctx->view, key, sizeof(key));
        return ctx->tree->backend->set_state(ctx->tree->root_fd, key, buf, len);
}
