/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "caller.h"

#include <stdio.h>
#include <sys/stat.h>

#include "macro.h"
#include "task_info.h"

#define CAP_SYS_ADMIN_BIT 21

int caller_in_init_userns(const struct caller *c) {
        static ino_t init_userns;
        struct stat st;
        char path[64];

        if (c->pid <= 0)
                return 0;
        if (init_userns == 0) {
                if (stat("/proc/1/ns/user", &st) < 0 && stat("/proc/self/ns/user", &st) < 0)
                        return negative_errno();
                init_userns = st.st_ino;
        }
        snprintf(path, sizeof(path), "/proc/%d/ns/user", (int) c->pid);
        if (stat(path, &st) < 0)
                return errno == ENOENT ? 0 : negative_errno();
        return st.st_ino == init_userns;
}

int caller_is_init_admin(const struct caller *c) {
        struct task_info info;
        int r = caller_in_init_userns(c);
        if (r <= 0)
                return r;
        r = task_info_read(c->pid, &info);
        if (r == -ESRCH)
                return 0;
        if (r < 0)
                return r;
        return (info.cap_effective >> CAP_SYS_ADMIN_BIT) & 1;
}
