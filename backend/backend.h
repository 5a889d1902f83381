/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Everything that touches cgroup v2 goes through a backend: a small table of
 * operations on v2 cgroups, each named by a directory fd (the "handle").
 * Callers never see paths below the root or legacy names. A second backend
 * (e.g. one that asks systemd for every change) slots in by filling the table.
 *
 * All functions return 0 (or a count) on success and a negative errno on failure.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

struct pid_list {
        pid_t *pids;
        size_t n, allocated;
};

void pid_list_free(struct pid_list *l);
int pid_list_append(struct pid_list *l, pid_t pid);

/* Called with each state key found; a negative errno stops the walk. */
typedef int (*state_key_fn)(void *userdata, const char *key);

struct backend_ops {
        const char *name;

        /* Open (creating it and its parents if missing) the v2 cgroup at an absolute path. */
        int (*open_root)(const char *path, int *ret_fd);
        /* Open a child cgroup; -ENOENT if it does not exist, -ENOTDIR if it is a file. */
        int (*open_child)(int parent_fd, const char *name, int *ret_fd);
        /* Open a cgroup by its id (its inode number), given any fd on the same filesystem. */
        int (*open_by_id)(int fs_fd, uint64_t id, int *ret_fd);
        int (*make_child)(int parent_fd, const char *name);
        int (*remove_child)(int parent_fd, const char *name);

        /* Move the whole process @pid into the cgroup. */
        int (*attach_process)(int fd, pid_t pid);
        /* Thread ids of every task directly in the cgroup, unsorted. */
        int (*list_threads)(int fd, struct pid_list *ret);
        /* Process ids (thread group leaders) directly in the cgroup, unsorted, maybe repeated. */
        int (*list_processes)(int fd, struct pid_list *ret);
        /* 1 if the cgroup or any descendant has a live task, 0 if not. */
        int (*populated)(int fd);

        /* Legacy-only state kept on the v2 directory (DESIGN.md invariant 1). */
        int (*get_state)(int fd, const char *key, char *buf, size_t size);
        int (*set_state)(int fd, const char *key, const char *value, size_t size);
        int (*remove_state)(int fd, const char *key);
        /* Each key of the cgroup's state that starts with @prefix. */
        int (*list_state)(int fd, const char *prefix, state_key_fn fn, void *userdata);

        /* Identity and ownership: @file NULL means the cgroup directory itself. */
        int (*stat)(int fd, const char *file, struct stat *ret);
        int (*chown)(int fd, const char *file, uid_t uid, gid_t gid);
        int (*chmod)(int fd, const char *file, mode_t mode);

        /* A v2 interface file of the cgroup: its whole content (malloc'd, NUL-terminated), or a write of one value. */
        int (*read_file)(int fd, const char *file, char **ret, size_t *ret_len);
        int (*write_file)(int fd, const char *file, const char *value, size_t len);

        /* Path of the file whose changes announce (un)population, for inotify. */
        int (*events_path)(int fd, char *buf, size_t size);
};

extern const struct backend_ops backend_cgroupfs;

/* The machine's cgroup2 mount point: /sys/fs/cgroup on pure v2, .../unified on hybrid. */
int cgroup2_mount_point(char *buf, size_t size);
