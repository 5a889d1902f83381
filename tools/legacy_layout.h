/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The cgroup-v1 layout a legacy program is shown: the one generator of the
 * rewritten mount tables, /proc/PID/cgroup, /proc/cgroups and statfs types,
 * shared by every mechanism that shows it (the LD_PRELOAD library and the
 * seccomp supervisor of cgcompatctl exec and its OCI agent).
 *
 * Needs nothing but libc (it is linked into the preload library) and reads
 * the kernel's files with raw system calls, never through an interposed open.
 * Functions return 0 or a negative errno; -ENOENT means "nothing to rewrite":
 * the kernel's own file or value stands.
 */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define LAYOUT_CGROUP_SUPER_MAGIC 0x27e0ebL
#define LAYOUT_CGROUP2_SUPER_MAGIC 0x63677270L
#define LAYOUT_FUSE_SUPER_MAGIC 0x65735546L

/* The files that are rewritten. */
enum layout_file {
        LAYOUT_NONE,
        LAYOUT_MOUNTS,    /* /proc/PID/mounts (and /proc/mounts, /etc/mtab through their links) */
        LAYOUT_MOUNTINFO, /* /proc/PID/mountinfo */
        LAYOUT_CGROUP,    /* /proc/PID/cgroup */
        LAYOUT_CGROUPS,   /* /proc/cgroups */
};

/* Which file a name in a /proc/PID (or /proc/PID/task/TID) directory is; LAYOUT_NONE if none of ours. */
enum layout_file layout_file_in_pid_dir(const char *name);
/* Whether @n bytes of @s name a task's directory in procfs: a number. */
bool layout_is_pid_name(const char *s, size_t n);

/* Which file a name in procfs's root directory is (only "cgroups"). */
enum layout_file layout_file_in_proc_root(const char *name);

/* Text grown by the generator; free(data) when done. */
struct layout_text {
        char *data;
        size_t len, size;
};

struct layout;

/*
 * The daemon's registry (<runtime_dir>/views): @runtime_dir NULL means
 * $CGCOMPAT_RUNTIME_DIR, else /run/cgcompat. -ENOENT without one.
 */
int layout_load(const char *runtime_dir, struct layout **ret);
void layout_free(struct layout *l);

/*
 * The content of @file as the kernel of a v1 host would show it.
 *   @task_dir_fd: the /proc/PID (or /proc/PID/task/TID) directory the file is
 *                 in, as the caller's path named it; procfs's root for
 *                 LAYOUT_CGROUPS.
 *   @reader_dir_fd: the /proc/PID directory of the process that opens it: its
 *                 mount table says what is a view and where the cgroup2 mount
 *                 holding the tree is.
 * Appends to @out. -ENOENT: no view in the reader's mount table.
 */
int layout_generate(struct layout *l, enum layout_file file, int task_dir_fd, int reader_dir_fd,
                    struct layout_text *out);

/*
 * The f_type statfs shows for a file on @dev to the reader (@reader_dir_fd as
 * above): CGROUP_SUPER_MAGIC for a cgroup-v1 view, CGROUP2_SUPER_MAGIC for the
 * unified view, 0 when @dev is no view (the kernel's value stands).
 */
long layout_fs_type(struct layout *l, int reader_dir_fd, dev_t dev);
