/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * tools/caller_path.c: another process's path resolved as its kernel would.
 * The caller is a forked child that waits; we resolve as the supervisor does.
 */

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tools/caller_path.h"

struct child {
        pid_t pid;
        int proc_fd;
        int release; /* write end: the child exits when it closes */
};

/* A child that chdirs to @cwd (if any), chroots to @root (if any, root only), then waits. */
static struct child spawn_child(const char *cwd, const char *root) {
        int ready[2], release[2];
        cr_assert_eq(pipe2(ready, O_CLOEXEC), 0);
        cr_assert_eq(pipe2(release, O_CLOEXEC), 0);
        pid_t pid = fork();
        cr_assert_geq(pid, 0);
        if (pid == 0) {
                char c = 'r', buf;
                if ((root && chroot(root) < 0) || (cwd && chdir(cwd) < 0))
                        c = 'e';
                if (write(ready[1], &c, 1) != 1)
                        _exit(1);
                close(release[1]);
                (void) !read(release[0], &buf, 1);
                _exit(0);
        }
        char c;
        close(ready[1]);
        close(release[0]);
        cr_assert_eq(read(ready[0], &c, 1), 1);
        cr_assert_eq(c, 'r', "the child could not chdir or chroot");
        close(ready[0]);
        char name[64];
        snprintf(name, sizeof(name), "/proc/%d", (int) pid);
        int fd = open(name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        cr_assert_geq(fd, 0);
        return (struct child) { .pid = pid, .proc_fd = fd, .release = release[1] };
}

static void reap_child(struct child *c) {
        close(c->release);
        close(c->proc_fd);
        cr_assert_eq(waitpid(c->pid, NULL, 0), c->pid);
}

static bool same_file(int fd, const char *path) {
        struct stat a, b;
        cr_assert_eq(fstat(fd, &a), 0);
        cr_assert_eq(stat(path, &b), 0, "stat %s", path);
        return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static char dir_template[64];

/* A scratch directory: d/file, d/sub/, links in d. */
static const char *scratch(void) {
        snprintf(dir_template, sizeof(dir_template), "/tmp/caller-path-XXXXXX");
        cr_assert_not_null(mkdtemp(dir_template));
        char p[PATH_MAX];
        snprintf(p, sizeof(p), "%s/sub", dir_template);
        cr_assert_eq(mkdir(p, 0755), 0);
        snprintf(p, sizeof(p), "%s/sub/file", dir_template);
        int fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
        cr_assert_geq(fd, 0);
        close(fd);
        return dir_template;
}

static void scratch_remove(void) {
        char cmd[PATH_MAX + 16];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir_template);
        cr_assert_eq(system(cmd), 0);
}

Test(caller_path, dotdot_stops_at_root) {
        struct child c = spawn_child("/", NULL);
        struct caller who = { .pid = c.pid, .proc_fd = c.proc_fd };
        struct caller_path p = CALLER_PATH_INIT;

        cr_assert_eq(caller_path_resolve(&who, AT_FDCWD, "/../../../proc/../../etc", CALLER_PATH_FOLLOW, &p), 0);
        cr_assert(same_file(p.fd, "/etc"));
        cr_assert_str_eq(p.name, "etc");
        caller_path_done(&p);
        cr_assert_eq(caller_path_resolve(&who, AT_FDCWD, "../..", CALLER_PATH_FOLLOW, &p), 0);
        cr_assert(same_file(p.fd, "/"));
        cr_assert_eq(p.dir_fd, -1);
        caller_path_done(&p);
        reap_child(&c);
}

Test(caller_path, dotdot_stops_at_a_chroot) {
        if (geteuid() != 0)
                cr_skip_test("chroot needs root");
        const char *d = scratch();
        struct child c = spawn_child("/", d);
        struct caller who = { .pid = c.pid, .proc_fd = c.proc_fd };
        struct caller_path p = CALLER_PATH_INIT;
        char sub[PATH_MAX];

        snprintf(sub, sizeof(sub), "%s/sub/file", d);
        cr_assert_eq(caller_path_resolve(&who, AT_FDCWD, "/../../sub/../../sub/file", CALLER_PATH_FOLLOW, &p), 0);
        cr_assert(same_file(p.fd, sub));
        caller_path_done(&p);
        /* An absolute symlink starts again at the caller's root, not ours. */
        char link[PATH_MAX];
        snprintf(link, sizeof(link), "%s/abs", d);
        cr_assert_eq(symlink("/sub/file", link), 0);
        cr_assert_eq(caller_path_resolve(&who, AT_FDCWD, "/abs", CALLER_PATH_FOLLOW, &p), 0);
        cr_assert(same_file(p.fd, sub));
        caller_path_done(&p);
        reap_child(&c);
        scratch_remove();
}

Test(caller_path, symlink_loops) {
        const char *d = scratch();
        char a[PATH_MAX], b[PATH_MAX], path[PATH_MAX];
        snprintf(a, sizeof(a), "%s/a", d);
        snprintf(b, sizeof(b), "%s/b", d);
        cr_assert_eq(symlink("b", a), 0);
        cr_assert_eq(symlink("a", b), 0);
        struct child c = spawn_child(d, NULL);
        struct caller who = { .pid = c.pid, .proc_fd = c.proc_fd };
        struct caller_path p = CALLER_PATH_INIT;

        cr_assert_eq(caller_path_resolve(&who, AT_FDCWD, "a", CALLER_PATH_FOLLOW, &p), -ELOOP);
        cr_assert_eq(caller_path_resolve(&who, AT_FDCWD, "a/x", 0, &p), -ELOOP);
        /* Not followed in the final component: the link itself. */
        cr_assert_eq(caller_path_resolve(&who, AT_FDCWD, "a", 0, &p), 0);
        cr_assert_str_eq(p.name, "a");
        caller_path_done(&p);
        /* A chain of 40 links is followed, 41 is too many, as the kernel counts. */
        for (int i = 0; i < 41; i++) {
                char target[32];
                snprintf(target, sizeof(target), i ? "l%d" : "sub/file", i - 1);
                snprintf(path, sizeof(path), "%s/l%d", d, i);
                cr_assert_eq(symlink(target, path), 0);
        }
        cr_assert_eq(caller_path_resolve(&who, AT_FDCWD, "l39", CALLER_PATH_FOLLOW, &p), 0);
        snprintf(path, sizeof(path), "%s/sub/file", d);
        cr_assert(same_file(p.fd, path));
        cr_assert_str_eq(p.name, "file");
        caller_path_done(&p);
        cr_assert_eq(caller_path_resolve(&who, AT_FDCWD, "l40", CALLER_PATH_FOLLOW, &p), -ELOOP);
        cr_assert_eq(caller_path_resolve(&who, AT_FDCWD, "missing", CALLER_PATH_FOLLOW, &p), -ENOENT);
        cr_assert_eq(caller_path_resolve(&who, AT_FDCWD, "", CALLER_PATH_FOLLOW, &p), -ENOENT);
        cr_assert_eq(caller_path_resolve(&who, AT_FDCWD, "sub/file/x", CALLER_PATH_FOLLOW, &p), -ENOTDIR);
        reap_child(&c);
        scratch_remove();
}

Test(caller_path, proc_self_is_the_caller) {
        struct child c = spawn_child("/", NULL);
        struct caller who = { .pid = c.pid, .proc_fd = c.proc_fd };
        struct caller_path p = CALLER_PATH_INIT;
        char want[64];

        snprintf(want, sizeof(want), "/proc/%d", (int) c.pid);
        cr_assert_eq(caller_path_resolve(&who, AT_FDCWD, "/proc/self/cgroup", CALLER_PATH_FOLLOW, &p), 0);
        cr_assert(same_file(p.dir_fd, want), "/proc/self is not the child's directory");
        cr_assert_str_eq(p.name, "cgroup");
        cr_assert_eq(caller_dir_kind(p.dir_fd), CALLER_DIR_PROC_PID);
        caller_path_done(&p);
        /* /proc/mounts is the link self/mounts: the child's too. */
        cr_assert_eq(caller_path_resolve(&who, AT_FDCWD, "/proc/mounts", CALLER_PATH_FOLLOW, &p), 0);
        cr_assert(same_file(p.dir_fd, want));
        cr_assert_str_eq(p.name, "mounts");
        caller_path_done(&p);
        snprintf(want, sizeof(want), "/proc/%d/task/%d", (int) c.pid, (int) c.pid);
        cr_assert_eq(caller_path_resolve(&who, AT_FDCWD, "/proc/thread-self/mountinfo", CALLER_PATH_FOLLOW, &p), 0);
        cr_assert(same_file(p.dir_fd, want));
        cr_assert_eq(caller_dir_kind(p.dir_fd), CALLER_DIR_PROC_PID);
        caller_path_done(&p);
        cr_assert_eq(caller_path_resolve(&who, AT_FDCWD, "/proc/cgroups", CALLER_PATH_FOLLOW, &p), 0);
        cr_assert_eq(caller_dir_kind(p.dir_fd), CALLER_DIR_PROC_ROOT);
        caller_path_done(&p);
        /* Neither /proc/sys nor an ordinary directory is a pid directory. */
        cr_assert_eq(caller_path_resolve(&who, AT_FDCWD, "/proc/sys/kernel", CALLER_PATH_FOLLOW, &p), 0);
        cr_assert_eq(caller_dir_kind(p.dir_fd), CALLER_DIR_OTHER);
        caller_path_done(&p);
        cr_assert_eq(caller_path_resolve(&who, AT_FDCWD, "/etc/hostname", CALLER_PATH_FOLLOW, &p), 0);
        cr_assert_eq(caller_dir_kind(p.dir_fd), CALLER_DIR_OTHER);
        caller_path_done(&p);
        reap_child(&c);
}

Test(caller_path, relative_to_a_dirfd_and_the_cwd) {
        const char *d = scratch();
        char path[PATH_MAX], want[64];
        snprintf(path, sizeof(path), "%s/sub", d);
        int dirfd = open(path, O_RDONLY | O_DIRECTORY); /* inherited by the child, same number */
        cr_assert_geq(dirfd, 0);
        int procfd = open("/proc/1", O_PATH | O_DIRECTORY);
        cr_assert_geq(procfd, 0);
        snprintf(path, sizeof(path), "%s/link-to-self-cgroup", d);
        cr_assert_eq(symlink("/proc/self/cgroup", path), 0);
        struct child c = spawn_child("/proc", NULL);
        struct caller who = { .pid = c.pid, .proc_fd = c.proc_fd };
        struct caller_path p = CALLER_PATH_INIT;

        snprintf(path, sizeof(path), "%s/sub/file", d);
        cr_assert_eq(caller_path_resolve(&who, dirfd, "file", CALLER_PATH_FOLLOW, &p), 0);
        cr_assert(same_file(p.fd, path));
        caller_path_done(&p);
        cr_assert_eq(caller_path_resolve(&who, dirfd, "../sub/./file", CALLER_PATH_FOLLOW, &p), 0);
        cr_assert(same_file(p.fd, path));
        caller_path_done(&p);
        /* From /proc/1, up and into self: the child's. */
        snprintf(want, sizeof(want), "/proc/%d", (int) c.pid);
        cr_assert_eq(caller_path_resolve(&who, procfd, "../self/mountinfo", CALLER_PATH_FOLLOW, &p), 0);
        cr_assert(same_file(p.dir_fd, want));
        caller_path_done(&p);
        /* The child's cwd is /proc. */
        cr_assert_eq(caller_path_resolve(&who, AT_FDCWD, "self/cgroup", CALLER_PATH_FOLLOW, &p), 0);
        cr_assert(same_file(p.dir_fd, want));
        caller_path_done(&p);
        /* A link anywhere into /proc/self names the child's file. */
        snprintf(path, sizeof(path), "%s/link-to-self-cgroup", d);
        cr_assert_eq(caller_path_resolve(&who, AT_FDCWD, path, CALLER_PATH_FOLLOW, &p), 0);
        cr_assert(same_file(p.dir_fd, want));
        cr_assert_str_eq(p.name, "cgroup");
        caller_path_done(&p);
        /* A dirfd the child does not have. */
        cr_assert_eq(caller_path_resolve(&who, 1000, "file", CALLER_PATH_FOLLOW, &p), -ENOENT);
        reap_child(&c);
        close(dirfd);
        close(procfd);
        scratch_remove();
}
