/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The cgroupfs backend: the v2 tree driven directly through its files. */
#include "backend.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/xattr.h>

#include "compat/kstrto.h"
#include "compat/macro.h"
#include "compat/text.h"

#define STATE_PREFIX "trusted.cgcompat."

void pid_list_free(struct pid_list *l) {
        free(l->pids);
        *l = (struct pid_list) {};
}

int pid_list_append(struct pid_list *l, pid_t pid) {
        if (l->n == l->allocated) {
                size_t n = l->allocated ? l->allocated * 2 : 64;
                pid_t *p = realloc(l->pids, n * sizeof(pid_t));
                if (!p)
                        return -ENOMEM;
                l->pids = p;
                l->allocated = n;
        }
        l->pids[l->n++] = pid;
        return 0;
}

static int is_cgroup2(int fd) {
        struct statfs sfs;

        if (fstatfs(fd, &sfs) < 0)
                return negative_errno();
        return sfs.f_type == CGROUP2_SUPER_MAGIC;
}

static int mkdir_parents(const char *path) {
        char buf[PATH_MAX];

        if (strlen(path) >= sizeof(buf))
                return -ENAMETOOLONG;
        strcpy(buf, path);
        for (char *p = buf + 1; *p; p++) {
                if (*p != '/')
                        continue;
                *p = 0;
                if (mkdir(buf, 0755) < 0 && errno != EEXIST)
                        return negative_errno();
                *p = '/';
        }
        if (mkdir(buf, 0755) < 0 && errno != EEXIST)
                return negative_errno();
        return 0;
}

static int cgroupfs_open_root(const char *path, int *ret_fd) {
        _cleanup_close_ int fd = -1;
        int r;

        r = mkdir_parents(path);
        if (r < 0)
                return r;
        fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        r = is_cgroup2(fd);
        if (r < 0)
                return r;
        if (r == 0)
                return -EMEDIUMTYPE;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

static int cgroupfs_open_child(int parent_fd, const char *name, int *ret_fd) {
        int fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return negative_errno();
        *ret_fd = fd;
        return 0;
}

/* kernfs file handles are the node id: the cgroup id, which is also its inode number. */
#define FILEID_KERNFS 0xfe

static int cgroupfs_open_by_id(int fs_fd, uint64_t id, int *ret_fd) {
        union {
                struct file_handle handle;
                char buf[sizeof(struct file_handle) + sizeof(uint64_t)];
        } h = { .handle = { .handle_bytes = sizeof(uint64_t), .handle_type = FILEID_KERNFS } };
        memcpy(h.handle.f_handle, &id, sizeof(id));
        int fd = open_by_handle_at(fs_fd, &h.handle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return errno == ESTALE ? -ENOENT : negative_errno();
        *ret_fd = fd;
        return 0;
}

static int cgroupfs_make_child(int parent_fd, const char *name) {
        return mkdirat(parent_fd, name, 0755) < 0 ? negative_errno() : 0;
}

static int cgroupfs_remove_child(int parent_fd, const char *name) {
        return unlinkat(parent_fd, name, AT_REMOVEDIR) < 0 ? negative_errno() : 0;
}

static int cgroupfs_write_file(int dir_fd, const char *file, const char *text, size_t len) {
        _cleanup_close_ int fd = openat(dir_fd, file, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        ssize_t n = write(fd, text, len);
        if (n < 0)
                return negative_errno();
        return (size_t) n == len ? 0 : -EIO;
}

/* Reads a whole (small, generated) cgroup file; the result is NUL-terminated. */
static int cgroupfs_read_file(int dir_fd, const char *file, char **ret, size_t *ret_len) {
        return read_all_at(dir_fd, file, SIZE_MAX, ret, ret_len);
}

static int cgroupfs_attach_process(int fd, pid_t pid) {
        char text[32];
        int n = snprintf(text, sizeof(text), "%d\n", (int) pid);
        return cgroupfs_write_file(fd, "cgroup.procs", text, (size_t) n);
}

static int read_pid_list(int fd, const char *file, struct pid_list *ret) {
        _cleanup_free_ char *text = NULL;
        size_t len;
        int r;

        r = cgroupfs_read_file(fd, file, &text, &len);
        if (r < 0)
                return r;
        for (char *line = text, *end; *line; line = end) {
                int pid;

                end = strchrnul(line, '\n');
                r = kstrtoint(line, (size_t) (end - line), 10, &pid);
                if (r < 0)
                        return -EBADMSG;
                r = pid_list_append(ret, pid);
                if (r < 0)
                        return r;
                if (*end)
                        end++;
        }
        return 0;
}

static int cgroupfs_list_threads(int fd, struct pid_list *ret) {
        return read_pid_list(fd, "cgroup.threads", ret);
}

static int cgroupfs_list_processes(int fd, struct pid_list *ret) {
        return read_pid_list(fd, "cgroup.procs", ret);
}

static int cgroupfs_populated(int fd) {
        _cleanup_free_ char *text = NULL;
        int r;

        r = cgroupfs_read_file(fd, "cgroup.events", &text, NULL);
        if (r < 0)
                return r;
        /* "populated 0\nfrozen 0\n": the first key is the one we want. */
        const char *p = strstr(text, "populated ");
        if (!p)
                return -EBADMSG;
        return p[strlen("populated ")] == '1';
}

static int state_key(const char *key, char *buf, size_t size) {
        int n = snprintf(buf, size, STATE_PREFIX "%s", key);
        return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
}

static int cgroupfs_get_state(int fd, const char *key, char *buf, size_t size) {
        char name[XATTR_NAME_MAX + 1];
        int r = state_key(key, name, sizeof(name));
        if (r < 0)
                return r;
        ssize_t n = fgetxattr(fd, name, buf, size);
        if (n < 0)
                return errno == ENODATA ? -ENODATA : negative_errno();
        return (int) n;
}

static int cgroupfs_set_state(int fd, const char *key, const char *value, size_t size) {
        char name[XATTR_NAME_MAX + 1];
        int r = state_key(key, name, sizeof(name));
        if (r < 0)
                return r;
        return fsetxattr(fd, name, value, size, 0) < 0 ? negative_errno() : 0;
}

static int cgroupfs_list_state(int fd, const char *prefix, state_key_fn fn, void *userdata) {
        _cleanup_free_ char *names = NULL;
        ssize_t n = 0;

        /* Sized, then read: another writer may add a name in between, so ask again on ERANGE. */
        for (;;) {
                n = flistxattr(fd, NULL, 0);
                if (n <= 0)
                        return n < 0 ? negative_errno() : 0;
                free(names);
                names = malloc((size_t) n);
                if (!names)
                        return -ENOMEM;
                n = flistxattr(fd, names, (size_t) n);
                if (n >= 0)
                        break;
                if (errno != ERANGE)
                        return negative_errno();
        }
        size_t skip = strlen(STATE_PREFIX), len = strlen(prefix);
        for (char *p = names; p < names + n; p += strlen(p) + 1) {
                if (strncmp(p, STATE_PREFIX, skip) || strncmp(p + skip, prefix, len))
                        continue;
                int r = fn(userdata, p + skip);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int cgroupfs_remove_state(int fd, const char *key) {
        char name[XATTR_NAME_MAX + 1];
        int r = state_key(key, name, sizeof(name));
        if (r < 0)
                return r;
        if (fremovexattr(fd, name) < 0 && errno != ENODATA)
                return negative_errno();
        return 0;
}

static int cgroupfs_stat(int fd, const char *file, struct stat *ret) {
        if (fstatat(fd, file ? file : "", ret, file ? AT_SYMLINK_NOFOLLOW : AT_EMPTY_PATH) < 0)
                return negative_errno();
        return 0;
}

static int cgroupfs_chown(int fd, const char *file, uid_t uid, gid_t gid) {
        if (fchownat(fd, file ? file : "", uid, gid, file ? AT_SYMLINK_NOFOLLOW : AT_EMPTY_PATH) < 0)
                return negative_errno();
        return 0;
}

static int cgroupfs_chmod(int fd, const char *file, mode_t mode) {
        int r;

        if (file) {
                _cleanup_close_ int file_fd = openat(fd, file, O_PATH | O_CLOEXEC | O_NOFOLLOW);
                if (file_fd < 0)
                        return negative_errno();
                char path[64];
                snprintf(path, sizeof(path), "/proc/self/fd/%d", file_fd);
                r = chmod(path, mode);
        } else
                r = fchmod(fd, mode);
        return r < 0 ? negative_errno() : 0;
}

static int cgroupfs_events_path(int fd, char *buf, size_t size) {
        int n = snprintf(buf, size, "/proc/self/fd/%d/cgroup.events", fd);
        return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
}

const struct backend_ops backend_cgroupfs = {
        .name = "cgroupfs",
        .open_root = cgroupfs_open_root,
        .open_child = cgroupfs_open_child,
        .open_by_id = cgroupfs_open_by_id,
        .make_child = cgroupfs_make_child,
        .remove_child = cgroupfs_remove_child,
        .attach_process = cgroupfs_attach_process,
        .list_threads = cgroupfs_list_threads,
        .list_processes = cgroupfs_list_processes,
        .populated = cgroupfs_populated,
        .get_state = cgroupfs_get_state,
        .set_state = cgroupfs_set_state,
        .list_state = cgroupfs_list_state,
        .remove_state = cgroupfs_remove_state,
        .stat = cgroupfs_stat,
        .chown = cgroupfs_chown,
        .chmod = cgroupfs_chmod,
        .read_file = cgroupfs_read_file,
        .write_file = cgroupfs_write_file,
        .events_path = cgroupfs_events_path,
};

int cgroup2_mount_point(char *buf, size_t size) {
        static const char *const candidates[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };

        for (size_t i = 0; i < ELEMENTSOF(candidates); i++) {
                struct statfs sfs;

                if (statfs(candidates[i], &sfs) < 0 || sfs.f_type != CGROUP2_SUPER_MAGIC)
                        continue;
                if (strlen(candidates[i]) >= size)
                        return -ENAMETOOLONG;
                strcpy(buf, candidates[i]);
                return 0;
        }
        return -ENOMEDIUM;
}
