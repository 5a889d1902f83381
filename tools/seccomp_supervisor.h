/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The seccomp supervisor of cgcompatctl exec: every process the command runs,
 * however it is linked (static, Go, setuid, with a cleared environment), sees
 * the legacy layout that tools/legacy_layout.c generates, as the preload
 * library shows it to dynamic programs that use libc.
 *
 * A filter in the command's process sends open and openat (read-only opens of
 * regular files only), openat2, statfs and fstatfs to a supervisor process as
 * user notifications. The supervisor resolves the caller's path as the
 * caller's kernel would (tools/caller_path.h) and answers a rewritten file
 * with a sealed memfd installed into the caller, statfs of a view with the
 * type it is shown as; everything else goes on to the kernel untouched
 * (SECCOMP_USER_NOTIF_FLAG_CONTINUE), so errnos are the kernel's own.
 *
 * Process model, in cgcompatctl exec:
 *   seccomp_supervisor_spawn()      before joining a group or unsharing: the
 *                                   supervisor stays in the caller's cgroup and
 *                                   mount namespace, and is no child of CMD's
 *   seccomp_install_listener()      in the process that will exec CMD
 *   seccomp_supervisor_hand_over()  the listener to the supervisor, which serves
 *                                   until no task uses the filter any more
 */

/*
 * Fork the supervisor (double fork, own session, only its socket open) that
 * will serve the generator's layout of @runtime_dir (NULL: the default).
 * Returns the socket to hand the listener over with in *@ret_sock.
 */
int seccomp_supervisor_spawn(const char *runtime_dir, int *ret_sock);

/*
 * Install the filter in the calling process (and so in all it runs) without
 * no_new_privs, which would break setuid programs: needs CAP_SYS_ADMIN.
 * Returns the listener fd. -EINVAL, -ENOSYS, -EBUSY (a listener above us),
 * -EOPNOTSUPP (an architecture we have no filter for): the kernel or the
 * build cannot.
 */
int seccomp_install_listener(void);

/* Send @listener over @sock and wait until the supervisor serves it. Closes neither. */
int seccomp_supervisor_hand_over(int sock, int listener);

/* The supervisor's loop on @listener (exposed for tests): returns when no task uses the filter. */
int seccomp_supervise(int listener, const char *runtime_dir);
