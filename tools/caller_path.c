/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Resolving another process's path as its kernel would: see caller_path.h. */
#include <assert.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "compat/macro.h"
#include "tools/caller_path.h"
#include "tools/legacy_layout.h"

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif
#define PROC_ROOT_INO 1
/* The kernel's limit on symlinks followed in one lookup (MAXSYMLINKS). */
#define MAX_SYMLINKS 40
/* Pid namespaces nest at most 32 deep. */
#define MAX_PID_LEVELS 33

/* Who an fd is, to tell the caller's root apart: the same inode seen through another mount is not it. */
struct identity {
        dev_t dev;
        ino_t ino;
        uint64_t mnt_id;
};

static int identify(int fd, struct identity *ret) {
        struct statx stx;

        if (statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC, STATX_INO | STATX_MNT_ID, &stx) < 0)
                return negative_errno();
        *ret = (struct identity) {
                .dev = makedev(stx.stx_dev_major, stx.stx_dev_minor),
                .ino = stx.stx_ino,
                .mnt_id = (stx.stx_mask & STATX_MNT_ID) ? stx.stx_mnt_id : 0,
        };
        return 0;
}

static bool same_identity(const struct identity *a, const struct identity *b) {
        return a->dev == b->dev && a->ino == b->ino && a->mnt_id == b->mnt_id;
}

static bool is_procfs(int fd) {
        struct statfs sfs;
        return fstatfs(fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
}

static bool is_procfs_root(int fd) {
        struct stat st;
        return is_procfs(fd) && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) && st.st_ino == PROC_ROOT_INO;
}

/* A small file read whole, NUL-terminated; -E2BIG if it does not fit. */
static int read_small(int dir_fd, const char *name, char *buf, size_t size) {
        size_t len = 0;

        assert(size > 0);
        _cleanup_close_ int fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return negative_errno();
        for (;;) {
                if (len + 1 >= size)
                        return -E2BIG;
                ssize_t n = read(fd, buf + len, size - 1 - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return negative_errno();
                if (n == 0)
                        break;
                len += (size_t) n;
        }
        buf[len] = 0;
        return 0;
}

/* Field 22 of stat, the start time: with the pid it tells a task from a later one with its number. */
static int start_time(int dir_fd, const char *stat_name, uint64_t *ret) {
        char buf[1024];
        int r = read_small(dir_fd, stat_name, buf, sizeof(buf));
        if (r < 0)
                return r;
        /* The command (field 2) may hold anything, ')' too: fields 3 on follow the last ')'. */
        char *p = strrchr(buf, ')');
        if (!p)
                return -EBADMSG;
        p++;
        for (int field = 3; field < 22; field++) {
                p = strchr(p + 1, ' ');
                if (!p)
                        return -EBADMSG;
        }
        char *end;
        errno = 0;
        *ret = strtoull(p + 1, &end, 10);
        return errno || end == p + 1 ? -EBADMSG : 0;
}

/* The numbers on a "NStgid:" or "NSpid:" line of status, outermost pid namespace (ours) first. */
static int parse_ns_ids(const char *status, const char *key, pid_t *ids, size_t max, size_t *ret_n) {
        size_t klen = strlen(key), n = 0;

        for (const char *line = status; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
                if (strncmp(line, key, klen))
                        continue;
                for (const char *p = line + klen; *p && *p != '\n';) {
                        while (*p == ' ' || *p == '\t')
                                p++;
                        if (*p < '0' || *p > '9')
                                break;
                        if (n == max)
                                return -E2BIG;
                        char *end;
                        ids[n++] = (pid_t) strtol(p, &end, 10);
                        p = end;
                }
                *ret_n = n;
                return n > 0 ? 0 : -EBADMSG;
        }
        return -ENOENT;
}

int caller_proc_self(const struct caller *c, int procfs_root_fd, bool thread, char *buf, size_t size) {
        pid_t tgids[MAX_PID_LEVELS], tids[MAX_PID_LEVELS];
        size_t n_tgids, n_tids;
        uint64_t ours, theirs;
        char status[4096], name[64];

        assert(c && c->proc_fd >= 0 && procfs_root_fd >= 0 && buf);
        int r = read_small(c->proc_fd, "status", status, sizeof(status));
        if (r >= 0)
                r = parse_ns_ids(status, "NStgid:", tgids, MAX_PID_LEVELS, &n_tgids);
        if (r >= 0)
                r = parse_ns_ids(status, "NSpid:", tids, MAX_PID_LEVELS, &n_tids);
        if (r >= 0)
                r = start_time(c->proc_fd, "stat", &ours);
        if (r < 0)
                return r;
        if (n_tgids != n_tids)
                return -EBADMSG;
        /*
         * The procfs may belong to any of the caller's pid namespaces (or none): the
         * level where its directory for the thread is this very thread is the one.
         */
        for (size_t i = 0; i < n_tgids; i++) {
                snprintf(name, sizeof(name), "%d/task/%d/stat", (int) tgids[i], (int) tids[i]);
                if (start_time(procfs_root_fd, name, &theirs) < 0 || theirs != ours)
                        continue;
                int n = thread ? snprintf(buf, size, "%d/task/%d", (int) tgids[i], (int) tids[i])
                               : snprintf(buf, size, "%d", (int) tgids[i]);
                return n < (int) size ? 0 : -ENAMETOOLONG;
        }
        return -ENOENT;
}

/* The name of the directory @fd is in its parent: the last component of our own link to it. */
static int dir_name(int fd, char *buf, size_t size) {
        char link[64], target[PATH_MAX];

        snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
        ssize_t n = readlink(link, target, sizeof(target) - 1);
        if (n < 0)
                return negative_errno();
        target[n] = 0;
        const char *slash = strrchr(target, '/');
        return snprintf(buf, size, "%s", slash ? slash + 1 : target) < (int) size ? 0 : -ENAMETOOLONG;
}

/* A numbered directory right below procfs's root (a dead task's is " (deleted)", so no longer numbered). */
static bool is_proc_pid_dir(int fd) {
        char name[NAME_MAX + 1];

        if (dir_name(fd, name, sizeof(name)) < 0 || !layout_is_pid_name(name, strlen(name)))
                return false;
        _cleanup_close_ int parent = openat(fd, "..", O_PATH | O_CLOEXEC);
        return parent >= 0 && is_procfs_root(parent);
}

enum caller_dir_kind caller_dir_kind(int dir_fd) {
        struct stat st;
        char name[NAME_MAX + 1];

        if (dir_fd < 0 || !is_procfs(dir_fd) || fstat(dir_fd, &st) < 0 || !S_ISDIR(st.st_mode))
                return CALLER_DIR_OTHER;
        if (st.st_ino == PROC_ROOT_INO)
                return CALLER_DIR_PROC_ROOT;
        if (dir_name(dir_fd, name, sizeof(name)) < 0 || !layout_is_pid_name(name, strlen(name)))
                return CALLER_DIR_OTHER;
        _cleanup_close_ int parent = openat(dir_fd, "..", O_PATH | O_CLOEXEC);
        if (parent < 0)
                return CALLER_DIR_OTHER;
        if (is_procfs_root(parent))
                return CALLER_DIR_PROC_PID;
        /* /proc/PID/task/TID */
        if (dir_name(parent, name, sizeof(name)) < 0 || strcmp(name, "task"))
                return CALLER_DIR_OTHER;
        _cleanup_close_ int pid_dir = openat(parent, "..", O_PATH | O_CLOEXEC);
        return pid_dir >= 0 && is_proc_pid_dir(pid_dir) ? CALLER_DIR_PROC_PID : CALLER_DIR_OTHER;
}

void caller_path_done(struct caller_path *p) {
        if (!p)
                return;
        if (p->fd >= 0)
                close(p->fd);
        if (p->dir_fd >= 0)
                close(p->dir_fd);
        *p = (struct caller_path) CALLER_PATH_INIT;
}

/* The directory a relative walk starts from: the caller's working directory or its @dirfd. */
static int start_dir(const struct caller *c, int dirfd) {
        char name[32];

        if (dirfd == AT_FDCWD)
                snprintf(name, sizeof(name), "cwd");
        else if (dirfd < 0)
                return -EBADF;
        else
                snprintf(name, sizeof(name), "fd/%d", dirfd);
        int fd = openat(c->proc_fd, name, O_PATH | O_CLOEXEC);
        return fd < 0 ? negative_errno() : fd;
}

/* @target + "/" + @rest as the path still to walk. */
static int splice_link(const char *target, const char *rest, char **ret) {
        char *s;

        if (asprintf(&s, "%s%s%s", target, *rest ? "/" : "", rest) < 0)
                return -ENOMEM;
        if (strlen(s) >= PATH_MAX * 2) { /* grows only by links' targets, 40 at most, but stay bounded */
                free(s);
                return -ENAMETOOLONG;
        }
        *ret = s;
        return 0;
}

static bool is_symlink(int fd) {
        struct stat st;
        return fstatat(fd, "", &st, AT_EMPTY_PATH) == 0 && S_ISLNK(st.st_mode);
}

int caller_path_resolve(const struct caller *c, int dirfd, const char *path, unsigned flags, struct caller_path *ret) {
        _cleanup_free_ char *todo = NULL;
        _cleanup_close_ int root = -1, cur = -1;
        struct identity root_id;
        unsigned links = 0;
        int r;

        assert(c && c->proc_fd >= 0 && path && ret);
        *ret = (struct caller_path) CALLER_PATH_INIT;
        if (!*path)
                return -ENOENT; /* without AT_EMPTY_PATH, as open and statfs have it */
        if (strlen(path) >= PATH_MAX)
                return -ENAMETOOLONG;
        root = openat(c->proc_fd, "root", O_PATH | O_CLOEXEC);
        if (root < 0)
                return negative_errno();
        r = identify(root, &root_id);
        if (r < 0)
                return r;
        cur = path[0] == '/' ? fcntl(root, F_DUPFD_CLOEXEC, 3) : start_dir(c, dirfd);
        if (cur < 0)
                return path[0] == '/' ? negative_errno() : cur;
        todo = strdup(path);
        if (!todo)
                return -ENOMEM;

        for (char *p = todo;;) {
                while (*p == '/')
                        p++;
                if (!*p) {
                        /* Ended on "/", ".", ".." or a directory's trailing slash: a directory, no final name. */
                        ret->fd = TAKE_FD(cur);
                        ret->trailing_slash = p > todo && p[-1] == '/';
                        return 0;
                }
                char *end = strchrnul(p, '/');
                size_t len = (size_t) (end - p);
                if (len > NAME_MAX)
                        return -ENAMETOOLONG;
                char name[NAME_MAX + 1];
                memcpy(name, p, len);
                name[len] = 0;
                p = end;
                const char *rest = p;
                while (*rest == '/')
                        rest++;
                bool last = !*rest, slash = *p == '/';

                if (!strcmp(name, "."))
                        continue;
                if (!strcmp(name, "..")) {
                        struct identity id;
                        r = identify(cur, &id);
                        if (r < 0)
                                return r;
                        if (same_identity(&id, &root_id))
                                continue; /* never above the caller's root */
                        int up = openat(cur, "..", O_PATH | O_CLOEXEC);
                        if (up < 0)
                                return negative_errno();
                        close(cur);
                        cur = up;
                        continue;
                }

                _cleanup_close_ int next = openat(cur, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                if (next < 0)
                        return negative_errno();
                bool follow = !last || slash || (flags & CALLER_PATH_FOLLOW);
                if (follow && is_symlink(next)) {
                        char target[PATH_MAX];
                        _cleanup_free_ char *spliced = NULL;

                        if (++links > MAX_SYMLINKS)
                                return -ELOOP;
                        bool procfs = is_procfs(cur), proc_root = procfs && is_procfs_root(cur);
                        if (procfs && !proc_root) {
                                /*
                                 * Below /proc/PID: fd/N, cwd, root, exe, ns/...: magic links, which the
                                 * kernel resolves the same for every reader.
                                 */
                                int followed = openat(cur, name, O_PATH | O_CLOEXEC);
                                if (followed < 0)
                                        return negative_errno();
                                close(cur);
                                cur = followed;
                                if (last) {
                                        ret->fd = TAKE_FD(cur);
                                        ret->trailing_slash = slash;
                                        return 0;
                                }
                                p = (char *) rest;
                                continue;
                        }
                        if (proc_root && (!strcmp(name, "self") || !strcmp(name, "thread-self"))) {
                                /* Our readlink would name us: name the caller as that procfs numbers it. */
                                r = caller_proc_self(c, cur, name[0] == 't', target, sizeof(target));
                                if (r < 0)
                                        return r;
                        } else {
                                ssize_t n = readlinkat(cur, name, target, sizeof(target) - 1);
                                if (n < 0)
                                        return negative_errno();
                                target[n] = 0;
                        }
                        r = splice_link(target, rest, &spliced);
                        if (r < 0)
                                return r;
                        if (target[0] == '/') {
                                int fd = fcntl(root, F_DUPFD_CLOEXEC, 3);
                                if (fd < 0)
                                        return negative_errno();
                                close(cur);
                                cur = fd;
                        }
                        free(todo);
                        todo = TAKE_PTR(spliced);
                        p = todo;
                        continue;
                }
                if (last) {
                        ret->fd = TAKE_FD(next);
                        ret->dir_fd = TAKE_FD(cur);
                        ret->trailing_slash = slash;
                        memcpy(ret->name, name, len + 1);
                        return 0;
                }
                close(cur);
                cur = TAKE_FD(next);
                p = (char *) rest;
        }
}
