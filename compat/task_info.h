/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the v1 rules need to know about a task, read from /proc/<tid>/status. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define TASK_MAX_NS_LEVELS 33 /* MAX_PID_NS_LEVEL is 32, plus the procfs level */
#define TASK_GROUPS_MAX 256   /* supplementary groups kept; more are rare, and then n_groups says so */

struct task_info {
        pid_t tgid;
        uid_t ruid, euid, suid, fsuid;
        gid_t fsgid;
        /* Supplementary groups: the first TASK_GROUPS_MAX, n_groups counts them all. */
        gid_t groups[TASK_GROUPS_MAX];
        size_t n_groups;
        bool kthread;
        uint64_t cap_effective;
        /* The task's ids from the procfs pid namespace (index 0) down to its own. */
        pid_t nspid[TASK_MAX_NS_LEVELS];
        unsigned nspid_levels;
};

/* -ESRCH when no such task is visible in /proc. */
int task_info_read(pid_t tid, struct task_info *ret);

/* The task's v2 cgroup, the "0::" line of /proc/<tid>/cgroup ("/a/b"); -ENODATA without one. */
int task_cgroup2_path(pid_t tid, char *buf, size_t size);

/* Parse the text of a status file; separate from the read for unit tests. */
int task_info_parse(const char *status, struct task_info *ret);
