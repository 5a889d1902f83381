/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "listener_fds.h"

#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/kcmp.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "compat/macro.h"
#include "compat/task_info.h"
#include "compat/text.h"
#include "log.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif
#define CAP_DAC_OVERRIDE_BIT 1
#define CAP_DAC_READ_SEARCH_BIT 2

static inline void closedirp(DIR **d) {
        if (*d)
                closedir(*d);
}

int process_pidfd_open(pid_t pid, unsigned flags) {
        int fd = (int) syscall(SYS_pidfd_open, pid, flags);
        return fd < 0 ? negative_errno() : fd;
}

/* A pidfd of the thread that wrote (6.9+), else of its process: whose fd table the line names. */
int writer_pidfd(pid_t tid, pid_t tgid, int *ret_pidfd) {
        int fd = process_pidfd_open(tid, PIDFD_THREAD);
        if (fd == -EINVAL)
                fd = process_pidfd_open(tgid, 0);
        if (fd < 0)
                return fd;
        *ret_pidfd = fd;
        return 0;
}

int pidfd_take_fd(int pidfd, uint64_t fd, int *ret) {
        if (fd > INT_MAX)
                return -EBADF;
        int r = (int) syscall(SYS_pidfd_getfd, pidfd, (int) fd, 0);
        if (r < 0)
                return negative_errno();
        *ret = r;
        return 0;
}

static int fd_link(pid_t pid, int fd, char *buf, size_t size) {
        char path[64];
        if (pid)
                snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int) pid, fd);
        else
                snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        ssize_t n = readlink(path, buf, size - 1);
        if (n < 0)
                return negative_errno();
        buf[n] = 0;
        return 0;
}

bool fd_is_eventfd(int fd) {
        char link[64];
        return fd_link(0, fd, link, sizeof(link)) >= 0 && !strcmp(link, "anon_inode:[eventfd]");
}

static void *close_in_background(void *arg) {
        close((int) (intptr_t) arg);
        return NULL;
}

/*
 * Closing a file may call its flush (a FUSE file: a request to a server that need never
 * answer). A file a writer passed off as an eventfd is closed where that cannot stop us.
 */
void fd_close_untrusted(int fd) {
        char link[64];
        pthread_t thread;

        if (fd_link(0, fd, link, sizeof(link)) >= 0 &&
            (!strncmp(link, "anon_inode:", 11) || !strncmp(link, "pipe:", 5) || !strncmp(link, "socket:", 7))) {
                close(fd);
                return;
        }
        if (pthread_create(&thread, NULL, close_in_background, (void *) (intptr_t) fd) != 0) {
                log_warning("events", "cannot close fd %d in the background: kept open", fd);
                return;
        }
        pthread_detach(thread);
}

/* The "eventfd-id:" of an fd of ours, 0 if the kernel shows none. */
uint64_t fd_eventfd_id(int fd) {
        _cleanup_free_ char *info = NULL;
        char path[64];
        uint64_t id = 0;

        snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
        if (read_all_at(AT_FDCWD, path, 4096, &info, NULL) < 0)
                return 0;
        const char *p = strstr(info, "eventfd-id:");
        if (p)
                (void) sscanf(p + 11, "%" SCNu64, &id);
        return id;
}

/* Field 22 of /proc/PID/stat: tells a process from a later one with its pid. */
int process_start_time(pid_t pid, uint64_t *ret) {
        _cleanup_free_ char *stat = NULL;
        char path[64];

        snprintf(path, sizeof(path), "/proc/%d/stat", (int) pid);
        int r = read_all_at(AT_FDCWD, path, 4096, &stat, NULL);
        if (r < 0)
                return r == -ENOENT ? -ESRCH : r;
        const char *p = strrchr(stat, ')');
        if (!p)
                return -EBADMSG;
        /* After the name: state (field 3) ... starttime (field 22). */
        for (int field = 2; field < 21 && p; field++)
                p = strchr(p + 1, ' ');
        if (!p || sscanf(p + 1, "%" SCNu64, ret) != 1)
                return -EBADMSG;
        return 0;
}

/* file_permission(MAY_READ) with the writer's credentials, as generic_permission() judges it. */
int writer_may_read(const struct caller *writer, const struct task_info *info, const struct statx *stx) {
        unsigned mode = stx->stx_mode;

        if (info->fsuid == stx->stx_uid)
                mode >>= 6;
        else {
                bool in_group = info->fsgid == stx->stx_gid;
                for (size_t i = 0; !in_group && i < info->n_groups && i < TASK_GROUPS_MAX; i++)
                        in_group = info->groups[i] == stx->stx_gid;
                if (in_group)
                        mode >>= 3;
        }
        if (mode & 4)
                return 0;
        uint64_t dac = (1ull << CAP_DAC_OVERRIDE_BIT) | (1ull << CAP_DAC_READ_SEARCH_BIT);
        if ((info->cap_effective & dac) && caller_in_init_userns(writer) > 0)
                return 0;
        return -EACCES;
}

bool process_holds_file(pid_t pid, int fd, int ours) {
        return syscall(SYS_kcmp, getpid(), pid, KCMP_FILE, ours, fd) == 0;
}

void for_each_eventfd(eventfd_fn fn, void *userdata) {
        _cleanup_(closedirp) DIR *proc = opendir("/proc");
        struct dirent *de;
        pid_t self = getpid();

        while (proc && (de = readdir(proc))) {
                char path[64], link[64];
                pid_t pid = (pid_t) atoi(de->d_name);
                if (pid <= 0 || pid == self)
                        continue;
                snprintf(path, sizeof(path), "/proc/%d/fd", (int) pid);
                _cleanup_(closedirp) DIR *fds = opendir(path);
                struct dirent *fe;
                while (fds && (fe = readdir(fds))) {
                        int fd = atoi(fe->d_name);
                        if (fe->d_name[0] >= '0' && fe->d_name[0] <= '9' && fd_link(pid, fd, link, sizeof(link)) >= 0 &&
                            !strcmp(link, "anon_inode:[eventfd]"))
                                fn(userdata, pid, fd);
                }
        }
}
