/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cgcompatctl seccomp-agent SOCKET: the OCI seccomp agent
 * (linux.seccomp.listenerPath). A runtime (runc, crun) that starts a container
 * whose profile sends syscalls to SCMP_ACT_NOTIFY connects to SOCKET and
 * passes the container's listener fd with SCM_RIGHTS, beside its state as
 * JSON. Each listener is served by a child of its own with the supervisor
 * cgcompatctl exec uses (tools/seccomp_supervisor.h), so the container's
 * processes see what a process under exec sees; the child ends when the
 * container's last process does.
 */
#include "seccomp_agent.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "compat/macro.h"
#include "seccomp_supervisor.h"

/* runc sends the state (a few KiB at most) and the fds in one message. */
#define STATE_MESSAGE_MAX (64 * 1024)
#define FDS_MAX 16

static volatile sig_atomic_t stopping;

static void on_stop(int sig) {
        (void) sig;
        stopping = 1;
}

static int listen_on(const char *path) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };

        if (strlen(path) >= sizeof(sa.sun_path))
                return -ENAMETOOLONG;
        strcpy(sa.sun_path, path);
        _cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return negative_errno();
        (void) unlink(path);
        /* Only root's runtimes hand us a listener: the supervisor answers with root's reach. */
        mode_t old = umask(0077);
        int r = bind(fd, (struct sockaddr *) &sa, sizeof(sa));
        umask(old);
        if (r < 0 || listen(fd, 16) < 0)
                return negative_errno();
        return TAKE_FD(fd);
}

/* The fds of one message (the runtime's state is not needed: the listener says it all). */
static int receive_fds(int conn, int *fds, size_t *n_fds) {
        static char state[STATE_MESSAGE_MAX];
        union {
                struct cmsghdr align;
                char buf[CMSG_SPACE(sizeof(int) * FDS_MAX)];
        } control;
        struct iovec iov = { state, sizeof(state) };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                              .msg_controllen = sizeof(control.buf) };

        *n_fds = 0;
        ssize_t n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
        if (n < 0)
                return negative_errno();
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                        size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                        for (size_t i = 0; i < k && *n_fds < FDS_MAX; i++)
                                memcpy(&fds[(*n_fds)++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
                }
        if (msg.msg_flags & MSG_CTRUNC)
                return -EMSGSIZE;
        return *n_fds > 0 ? 0 : -EBADMSG;
}

/*
 * The listener is the one fd runc sends ("fds": ["seccompFd"]); should a runtime send more, each
 * is served: a listener fd is useless to anyone else, and a wrong one only fails in its child.
 */
static void serve_connection(int conn, const char *runtime_dir) {
        int fds[FDS_MAX];
        size_t n_fds;

        int r = receive_fds(conn, fds, &n_fds);
        if (r < 0) {
                fprintf(stderr, "cgcompatctl seccomp-agent: a runtime's message: %s\n", strerror(-r));
                for (size_t i = 0; i < n_fds; i++)
                        close(fds[i]);
                return;
        }
        for (size_t i = 0; i < n_fds; i++) {
                pid_t child = fork();
                if (child == 0) {
                        close(conn);
                        r = seccomp_supervise(fds[i], runtime_dir);
                        if (r < 0)
                                fprintf(stderr, "cgcompatctl seccomp-agent: listener: %s\n", strerror(-r));
                        _exit(r < 0 ? 1 : 0);
                }
                if (child < 0)
                        fprintf(stderr, "cgcompatctl seccomp-agent: cannot fork: %m\n");
                close(fds[i]);
        }
}

int seccomp_agent_run(const char *socket_path, const char *runtime_dir) {
        struct sigaction stop = { .sa_handler = on_stop }, reap = { .sa_handler = SIG_IGN, .sa_flags = SA_NOCLDWAIT };

        _cleanup_close_ int fd = listen_on(socket_path);
        if (fd < 0) {
                fprintf(stderr, "cgcompatctl seccomp-agent: cannot listen on %s: %s\n", socket_path, strerror(-fd));
                return fd;
        }
        /* Children are reaped by the kernel; SIGTERM and SIGINT end the loop, not the containers' supervisors. */
        sigaction(SIGCHLD, &reap, NULL);
        sigaction(SIGTERM, &stop, NULL);
        sigaction(SIGINT, &stop, NULL);
        while (!stopping) {
                int conn = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
                if (conn < 0) {
                        if (errno == EINTR || errno == ECONNABORTED)
                                continue;
                        int r = negative_errno();
                        fprintf(stderr, "cgcompatctl seccomp-agent: accept on %s: %s\n", socket_path, strerror(-r));
                        (void) unlink(socket_path);
                        return r;
                }
                serve_connection(conn, runtime_dir);
                close(conn);
        }
        (void) unlink(socket_path);
        return 0;
}
