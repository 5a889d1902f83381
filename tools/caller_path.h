/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * A path named by another process (the caller of a system call that the
 * seccomp supervisor answers), resolved as the caller's kernel resolves it:
 * from the caller's root, working directory or file descriptor, in the
 * caller's mount tree, with `..` stopping at the caller's root and procfs's
 * self and thread-self naming the caller, not us.
 *
 * The supervisor runs as root in another mount namespace: it reaches the
 * caller's tree through the magic links /proc/PID/{root,cwd,fd/N}, which the
 * kernel resolves to the caller's mounts whoever reads them, and then walks
 * one component at a time so that nothing is resolved relative to itself.
 *
 * Functions return 0 or a negative errno. An error only means "the caller's
 * own system call must decide": the resolver never opens anything but O_PATH
 * descriptors and its errors are never shown to the caller.
 */

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

/* The resolver's view of a caller: its /proc/PID directory in our procfs (valid: checked by the supervisor). */
struct caller {
        pid_t pid;   /* the calling thread, in our pid namespace */
        int proc_fd; /* /proc/<pid> in our procfs, a directory fd (O_PATH is enough) */
};

/* Where the directory holding the final component is, in a procfs. */
enum caller_dir_kind {
        CALLER_DIR_OTHER,
        CALLER_DIR_PROC_ROOT, /* procfs's root: /proc */
        CALLER_DIR_PROC_PID,  /* /proc/PID or /proc/PID/task/TID */
};

struct caller_path {
        int fd;                  /* O_PATH fd on what the path names, the final symlink followed or not as asked */
        int dir_fd;              /* O_PATH fd on the directory holding the final component, -1 if none (".", a magic link) */
        char name[NAME_MAX + 1]; /* that component, "" if none */
        bool trailing_slash;     /* the path ended in '/' (the final must be a directory) */
};

#define CALLER_PATH_INIT { .fd = -1, .dir_fd = -1 }

/* Follow a symlink in the final component (open without O_NOFOLLOW, statfs). */
#define CALLER_PATH_FOLLOW (1U << 0)

/*
 * Resolve @path as @c would with @dirfd (AT_FDCWD or one of its fds) and
 * @flags. On success @ret holds new descriptors: release with caller_path_done().
 */
int caller_path_resolve(const struct caller *c, int dirfd, const char *path, unsigned flags, struct caller_path *ret);
void caller_path_done(struct caller_path *p);

/* Whether @dir_fd is procfs's root, a /proc/PID (or /proc/PID/task/TID) directory, or anything else. */
enum caller_dir_kind caller_dir_kind(int dir_fd);

/*
 * What procfs's `self` (@thread false) or `thread-self` (@thread true) names
 * for @c in the procfs whose root is @procfs_root_fd: "N" or "N/task/T", the
 * caller's ids as that procfs's pid namespace numbers them. -ENOENT when the
 * caller has no pid there (the kernel's answer too).
 */
int caller_proc_self(const struct caller *c, int procfs_root_fd, bool thread, char *buf, size_t size);
