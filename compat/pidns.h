/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Pids as the caller sees them. v1 reads and writes pids in the pid namespace of
 * the reader or writer; FUSE only tells us the caller's tid in the daemon's
 * namespace, so every pid crossing the boundary is translated here.
 */

#include <stdbool.h>
#include <sys/types.h>

struct pidns_view {
        pid_t caller;      /* the caller's tid in the daemon's namespace */
        bool same;         /* the caller's namespace is the daemon's */
        ino_t ns_ino;      /* the caller's pid namespace */
        unsigned level;    /* its depth below the daemon's namespace */
};

/* -EPERM when the caller is not visible from the daemon (FUSE reports pid 0). */
int pidns_view_of(pid_t caller, struct pidns_view *ret);

/* A daemon-namespace tid as the caller numbers it; -ESRCH if the caller cannot see it. */
int pidns_to_caller(const struct pidns_view *v, pid_t global, pid_t *ret);

/* A tid written by the caller, in the daemon's numbering; -ESRCH if there is none. */
int pidns_from_caller(const struct pidns_view *v, pid_t local, pid_t *ret);
