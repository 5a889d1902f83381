/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "pidns.h"

#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "macro.h"
#include "task_info.h"


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
 * Only a process inside the caller's namespace can name a pid of it. A helper
 * enters the namespace (its child is born there), and the child sends @local
 * as SCM_CREDENTIALS: the kernel resolves it in the sender's namespace and
 * hands it over renumbered for ours, as lxcfs did. The payload is 0, or the
 * negative errno of a pid that does not exist there.
 */
static void send_in_namespace(int sock, pid_t local) {
        struct ucred cred = { .pid = local, .uid = getuid(), .gid = getgid() };
        union {
                char buf[CMSG_SPACE(sizeof(struct ucred))];
                struct cmsghdr align;
        } control = {};
        int status = 0;
        struct iovec iov = { .iov_base = &status, .iov_len = sizeof(status) };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                              .msg_controllen = sizeof(control.buf) };
        struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_CREDENTIALS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(cred));
        memcpy(CMSG_DATA(cmsg), &cred, sizeof(cred));
        if (sendmsg(sock, &msg, 0) >= 0)
                return;
        status = negative_errno();
        (void) !send(sock, &status, sizeof(status), 0);
}

static int receive_resolved(int sock, pid_t *ret) {
        union {
                char buf[CMSG_SPACE(sizeof(struct ucred))];
                struct cmsghdr align;
        } control;
        int status;
        struct iovec iov = { .iov_base = &status, .iov_len = sizeof(status) };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                              .msg_controllen = sizeof(control.buf) };
        ssize_t n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);

        if (n < 0)
                return negative_errno();
        if (n != sizeof(status))
                return -EIO; /* the helper died before it answered */
        if (status < 0)
                return status;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
                        struct ucred cred;
                        memcpy(&cred, CMSG_DATA(c), sizeof(cred));
                        if (cred.pid <= 0)
                                return -ESRCH; /* not visible from our namespace */
                        *ret = cred.pid;
                        return 0;
                }
        return -EIO;
}

static int resolve_in_namespace(pid_t caller, pid_t local, pid_t *ret) {
        char path[64];
        _cleanup_close_ int ns_fd = -1, ours = -1, theirs = -1;
        int pair[2], status, r;
        pid_t helper;

        snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int) caller);
        ns_fd = open(path, O_RDONLY | O_CLOEXEC);
        if (ns_fd < 0)
                return errno == ENOENT ? -ESRCH : negative_errno();
        if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, pair) < 0)
                return negative_errno();
        ours = pair[0];
        theirs = pair[1];
        if (setsockopt(ours, SOL_SOCKET, SO_PASSCRED, &(int) { 1 }, sizeof(int)) < 0)
                return negative_errno();

        helper = fork();
        if (helper < 0)
                return negative_errno();
        if (helper == 0) {
                if (setns(ns_fd, CLONE_NEWPID) < 0) {
                        int e = negative_errno();
                        (void) !send(theirs, &e, sizeof(e), 0);
                        _exit(0);
                }
                pid_t child = fork();
                if (child == 0) {
                        send_in_namespace(theirs, local);
                        _exit(0);
                }
                if (child < 0) {
                        int e = negative_errno();
                        (void) !send(theirs, &e, sizeof(e), 0);
                } else
                        waitpid(child, NULL, 0);
                _exit(0);
        }

        closep(&theirs);
        theirs = -1;
        r = receive_resolved(ours, ret);
        while (waitpid(helper, &status, 0) < 0 && errno == EINTR)
                ;
        return r;
}

int pidns_from_caller(const struct pidns_view *v, pid_t local, pid_t *ret) {
        if (v->same) {
                *ret = local;
                return 0;
        }
        return resolve_in_namespace(v->caller, local, ret);
}
