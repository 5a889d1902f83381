/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The fds a cgroup.event_control writer names are in its own fd table: they are
 * taken (pidfd_getfd) or looked at (/proc/PID/fd) from outside its process, and
 * the process that holds an eventfd is found again when the writer lets it go.
 * Nothing here ever waits on a file a writer chose: a close that could call a
 * FUSE server's flush happens on a thread of its own.
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "compat/caller.h"
#include "compat/task_info.h"

/* pidfd_open(2); a negative errno. */
int process_pidfd_open(pid_t pid, unsigned flags);
/* A pidfd of the thread @tid (6.9+), else of its process @tgid: whose fd table its write named. */
int writer_pidfd(pid_t tid, pid_t tgid, int *ret_pidfd);
/* pidfd_getfd(2) of the fd numbered @fd as written (EBADF past INT_MAX, as fdget() finds nothing). */
int pidfd_take_fd(int pidfd, uint64_t fd, int *ret);

bool fd_is_eventfd(int fd);
/* The kernel's "eventfd-id" of an eventfd of ours (fdinfo), 0 if it shows none. */
uint64_t fd_eventfd_id(int fd);
/* Closes a file a writer passed to us, without waiting for its flush. */
void fd_close_untrusted(int fd);

/* Field 22 of /proc/PID/stat: tells a process from a later one with its pid. */
int process_start_time(pid_t pid, uint64_t *ret);
/* file_permission(MAY_READ) of a file with @stx's owner and mode, for @writer's credentials (@info, its status). */
int writer_may_read(const struct caller *writer, const struct task_info *info, const struct statx *stx);
/* Does the process @pid hold, at @fd, the same open file as our @ours (kcmp(2))? */
bool process_holds_file(pid_t pid, int fd, int ours);

/* One pass over /proc: every eventfd of every process but us, as (pid, fd). */
typedef void (*eventfd_fn)(void *userdata, pid_t pid, int fd);
void for_each_eventfd(eventfd_fn fn, void *userdata);
