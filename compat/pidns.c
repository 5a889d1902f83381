/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "pidns.h"

#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "macro.h"
#include "task_info.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

static int stat_ns(pid_t pid, struct stat *st) {
        char path[64];

        snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int) pid);
        if (stat(path, st) < 0)
                return errno == ENOENT ? -ESRCH : negative_errno();
        return 0;
}

int pidns_view_of(pid_t caller, struct pidns_view *ret) {
        static ino_t daemon_ns;
        struct task_info info;
        struct stat st;
        int r;

        if (caller <= 0)
                return -EPERM;
        if (daemon_ns == 0) {
                if (stat("/proc/self/ns/pid", &st) < 0)
                        return negative_errno();
                daemon_ns = st.st_ino;
        }
        r = stat_ns(caller, &st);
        if (r < 0)
                return r;
        *ret = (struct pidns_view) { .caller = caller, .same = st.st_ino == daemon_ns, .ns_ino = st.st_ino };
        if (ret->same)
                return 0;

        r = task_info_read(caller, &info);
        if (r < 0)
                return r;
        ret->level = info.nspid_levels - 1;
        return 0;
}

/* Is the pid namespace of @tid, @up levels above its own, the one with inode @ns_ino? */
static int ns_ancestor_is(pid_t tid, unsigned up, ino_t ns_ino) {
        char path[64];
        _cleanup_close_ int fd = -1;
        struct stat st;

        snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int) tid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOENT ? -ESRCH : negative_errno();
        while (up-- > 0) {
                int parent = ioctl(fd, NS_GET_PARENT);
                if (parent < 0)
                        return negative_errno();
                close(fd);
                fd = parent;
        }
        if (fstat(fd, &st) < 0)
                return negative_errno();
        return st.st_ino == ns_ino;
}

int pidns_to_caller(const struct pidns_view *v, pid_t global, pid_t *ret) {
        struct task_info info;
        int r;

        if (v->same) {
                *ret = global;
                return 0;
        }
        r = task_info_read(global, &info);
        if (r < 0)
                return r;
        if (info.nspid_levels <= v->level)
                return -ESRCH;
        r = ns_ancestor_is(global, info.nspid_levels - 1 - v->level, v->ns_ino);
        if (r < 0)
                return r;
        if (r == 0)
                return -ESRCH;
        *ret = info.nspid[v->level];
        return 0;
}

/*
 * Only a process inside the caller's namespace can name a pid of it: a helper
 * enters the namespace (its child is born there), opens a pidfd for @local and
 * reports the pid that pidfd has in our /proc.
 */
static int resolve_in_namespace(pid_t caller, pid_t local, pid_t *ret) {
        char path[64];
        _cleanup_close_ int ns_fd = -1;
        int pipefd[2];
        pid_t helper;
        int status, value = 0;

        snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int) caller);
        ns_fd = open(path, O_RDONLY | O_CLOEXEC);
        if (ns_fd < 0)
                return errno == ENOENT ? -ESRCH : negative_errno();
        if (pipe2(pipefd, O_CLOEXEC) < 0)
                return negative_errno();

        helper = fork();
        if (helper < 0) {
                int r = negative_errno();
                close(pipefd[0]);
                close(pipefd[1]);
                return r;
        }
        if (helper == 0) {
                int result = -ESRCH;
                if (setns(ns_fd, CLONE_NEWPID) < 0)
                        result = negative_errno();
                else {
                        pid_t child = fork();
                        if (child == 0) {
                                int pidfd = (int) syscall(SYS_pidfd_open, local, PIDFD_THREAD);
                                char fdinfo[64], text[2048];
                                int answer = -ESRCH;
                                if (pidfd >= 0) {
                                        snprintf(fdinfo, sizeof(fdinfo), "/proc/self/fdinfo/%d", pidfd);
                                        int fd = open(fdinfo, O_RDONLY | O_CLOEXEC);
                                        ssize_t n = fd >= 0 ? read(fd, text, sizeof(text) - 1) : -1;
                                        if (n > 0) {
                                                text[n] = 0;
                                                const char *p = strstr(text, "\nPid:");
                                                if (p && sscanf(p + 5, "%d", &answer) != 1)
                                                        answer = -EBADMSG;
                                        }
                                }
                                (void) !write(pipefd[1], &answer, sizeof(answer));
                                _exit(0);
                        }
                        if (child > 0)
                                waitpid(child, NULL, 0);
                        _exit(0);
                }
                (void) !write(pipefd[1], &result, sizeof(result));
                _exit(0);
        }

        close(pipefd[1]);
        ssize_t n = read(pipefd[0], &value, sizeof(value));
        close(pipefd[0]);
        while (waitpid(helper, &status, 0) < 0 && errno == EINTR)
                ;
        if (n != sizeof(value))
                return -EIO;
        if (value <= 0)
                return value < 0 ? value : -ESRCH;
        *ret = value;
        return 0;
}

int pidns_from_caller(const struct pidns_view *v, pid_t local, pid_t *ret) {
        if (v->same) {
                *ret = local;
                return 0;
        }
        return resolve_in_namespace(v->caller, local, ret);
}
