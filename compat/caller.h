/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <sys/types.h>

/* Who asks: what FUSE tells the daemon about the thread behind a request. */
struct caller {
        uid_t uid; /* the filesystem uid, which is the euid unless setfsuid() was used */
        gid_t gid;
        pid_t pid; /* thread id in the daemon's pid namespace, 0 if invisible from it */
        /* Privilege in the initial user namespace, judged when the request came: -1 unknown. */
        int init_admin;
};

/* 1 if the caller is in the initial user namespace, where its capabilities count for every file. */
int caller_in_init_userns(const struct caller *c);
/* 1 if the caller holds CAP_SYS_ADMIN in the initial user namespace, 0 if not. */
int caller_is_init_admin(const struct caller *c);
