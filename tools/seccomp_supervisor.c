/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The seccomp supervisor of cgcompatctl exec: see seccomp_supervisor.h. */
#include <assert.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/param.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compat/macro.h"
#include "compat/text.h"
#include "tools/caller_path.h"
#include "tools/legacy_layout.h"
#include "tools/seccomp_supervisor.h"
#include "tools/open_pass.h"

#if defined(__x86_64__)
#define AUDIT_ARCH_NATIVE AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define AUDIT_ARCH_NATIVE AUDIT_ARCH_AARCH64
#endif

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARG_LOW(i) (offsetof(struct seccomp_data, args) + 8 * (i))
#else
#define ARG_LOW(i) (offsetof(struct seccomp_data, args) + 8 * (i) + 4)
#endif

/*
 * Opens the kernel sends us: read-only, of what may be a regular file. The
 * rewritten files are read-only regular files, so every other open (writes,
 * creations, directories, O_PATH, truncations, which the kernel refuses on
 * procfs with its own errno) stays off the round trip; so does an open the
 * preload library marked as none of ours (tools/open_pass.h).
 */
#define OPEN_FLAGS_NOT_OURS (O_ACCMODE | O_PATH | O_DIRECTORY | O_CREAT | O_TMPFILE | O_TRUNC | CGCOMPAT_OPEN_UNRELATED)

/* ---- the filter ---- */

int seccomp_install_listener(void) {
#ifndef AUDIT_ARCH_NATIVE
        return -EOPNOTSUPP;
#else
        /* Each test jumps over its own few instructions only: no offsets to keep in step. */
#define LOAD(off) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off))
#define RET(v) BPF_STMT(BPF_RET | BPF_K, (v))
#define NOTIFY_IF_NR(nr) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), RET(SECCOMP_RET_USER_NOTIF)
        /* A syscall whose flags argument @arg decides: the accumulator is lost, so it returns either way. */
#define NOTIFY_IF_READ_ONLY(nr, arg)                                                     \
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 5), LOAD(ARG_LOW(arg)),             \
                BPF_STMT(BPF_ALU | BPF_AND | BPF_K, OPEN_FLAGS_NOT_OURS),                \
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1), RET(SECCOMP_RET_USER_NOTIF), \
                RET(SECCOMP_RET_ALLOW)
        struct sock_filter filter[] = {
                /* Other architectures' calls (i386, and x32 below) are not ours: untouched. */
                LOAD(offsetof(struct seccomp_data, arch)),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_NATIVE, 1, 0),
                RET(SECCOMP_RET_ALLOW),
                LOAD(offsetof(struct seccomp_data, nr)),
#ifdef __x86_64__
                BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000 /* __X32_SYSCALL_BIT */, 0, 1),
                RET(SECCOMP_RET_ALLOW),
#endif
                NOTIFY_IF_NR(__NR_openat2),
                NOTIFY_IF_NR(__NR_statfs),
                NOTIFY_IF_NR(__NR_fstatfs),
#ifdef __NR_open
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_openat, 1, 0),
                BPF_JUMP(BPF_JMP | BPF_JA, 5, 0, 0), /* not openat: on to open */
                LOAD(ARG_LOW(2)),
                BPF_STMT(BPF_ALU | BPF_AND | BPF_K, OPEN_FLAGS_NOT_OURS),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
                RET(SECCOMP_RET_USER_NOTIF),
                RET(SECCOMP_RET_ALLOW),
                NOTIFY_IF_READ_ONLY(__NR_open, 1),
#else
                NOTIFY_IF_READ_ONLY(__NR_openat, 2),
#endif
                RET(SECCOMP_RET_ALLOW),
        };
#undef LOAD
#undef RET
#undef NOTIFY_IF_NR
#undef NOTIFY_IF_READ_ONLY
        struct sock_fprog prog = { .len = ELEMENTSOF(filter), .filter = filter };

        int fd = (int) syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
        return fd < 0 ? negative_errno() : fd;
#endif
}

/* ---- the supervisor's state ---- */

struct supervisor {
        int listener;
        int proc_fd; /* our /proc */
        const char *runtime_dir;
        char registry[PATH_MAX]; /* <runtime_dir>/views, whose changes reload the layout */
        struct layout *layout;
        struct stat layout_stat; /* of the registry, when the layout was loaded */
        struct seccomp_notif_sizes sizes;
        struct seccomp_notif *req;
        struct seccomp_notif_resp *resp;
        gid_t *groups; /* our own supplementary groups, restored after walking as a caller */
        size_t n_groups;
        bool broken; /* our credentials could not be restored: every call goes on to the kernel */
};

/* The generator's layout, loaded again only when the daemon has rewritten its registry. */
static int supervisor_layout(struct supervisor *s, struct layout **ret) {
        struct stat st;

        if (stat(s->registry, &st) < 0) {
                layout_free(s->layout);
                s->layout = NULL;
                return -ENOENT;
        }
        if (s->layout && st.st_dev == s->layout_stat.st_dev && st.st_ino == s->layout_stat.st_ino &&
            st.st_size == s->layout_stat.st_size && st.st_mtim.tv_sec == s->layout_stat.st_mtim.tv_sec &&
            st.st_mtim.tv_nsec == s->layout_stat.st_mtim.tv_nsec && st.st_ctim.tv_sec == s->layout_stat.st_ctim.tv_sec &&
            st.st_ctim.tv_nsec == s->layout_stat.st_ctim.tv_nsec) {
                *ret = s->layout;
                return 0;
        }
        layout_free(s->layout);
        s->layout = NULL;
        int r = layout_load(s->runtime_dir, &s->layout);
        if (r < 0)
                return r;
        s->layout_stat = st;
        *ret = s->layout;
        return 0;
}

/* ---- reading and writing the caller ---- */

/*
 * A NUL-terminated string at @addr in the caller, read page by page so that a
 * string ending just before an unmapped page is read whole. process_vm_readv
 * rather than /proc/PID/mem: no descriptor per call. Should the caller be
 * killed and its pid reused meanwhile, what we read is wrong but harmless: the
 * path is resolved from the validated /proc/PID fd, and the answer cannot reach
 * a caller that is gone.
 */
static int read_caller_string(pid_t pid, uint64_t addr, char *buf, size_t size) {
        size_t page = (size_t) sysconf(_SC_PAGESIZE), done = 0;

        while (done < size) {
                uint64_t at = addr + done;
                size_t chunk = page - (size_t) (at % page);
                if (chunk > size - done)
                        chunk = size - done;
                struct iovec local = { buf + done, chunk }, remote = { (void *) (uintptr_t) at, chunk };
                ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
                if (n <= 0)
                        return n < 0 ? negative_errno() : -EFAULT;
                if (memchr(buf + done, 0, (size_t) n))
                        return 0;
                done += (size_t) n;
        }
        return -ENAMETOOLONG;
}

static int read_caller(pid_t pid, uint64_t addr, void *buf, size_t size) {
        struct iovec local = { buf, size }, remote = { (void *) (uintptr_t) addr, size };
        ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
        return n == (ssize_t) size ? 0 : -EFAULT;
}

/*
 * Writes go through /proc/PID/mem opened from the validated /proc/PID directory
 * fd: bound to the caller's memory, never to a process that took its pid since
 * (process_vm_writev names the process by number). Unmapped memory fails with
 * EFAULT as the kernel's own copy would; unlike it, a read-only mapping is
 * written (mem forces), which no correct caller of statfs asks for.
 */
static int write_caller(int proc_fd, uint64_t addr, const void *buf, size_t size) {
        _cleanup_close_ int mem = openat(proc_fd, "mem", O_WRONLY | O_CLOEXEC);
        if (mem < 0)
                return negative_errno();
        ssize_t n = pwrite(mem, buf, size, (off_t) addr);
        return n == (ssize_t) size ? 0 : -EFAULT;
}

static bool notification_valid(const struct supervisor *s) {
        uint64_t id = s->req->id;
        return ioctl(s->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

/* The caller's credentials, from its status (this thread's: credentials are per thread). */
struct caller_creds {
        uid_t euid, fsuid;
        gid_t fsgid;
        gid_t *groups;
        size_t n_groups;
};

static void caller_creds_done(struct caller_creds *cr) {
        free(cr->groups);
        cr->groups = NULL;
}

static int caller_creds(int proc_fd, struct caller_creds *ret) {
        _cleanup_free_ char *buf = NULL;
        unsigned ids[4];

        int r = read_all_at(proc_fd, "status", SIZE_MAX, &buf, NULL);
        if (r < 0)
                return r;
        *ret = (struct caller_creds) {};
        const char *uid = strstr(buf, "\nUid:"), *gid = strstr(buf, "\nGid:"), *groups = strstr(buf, "\nGroups:");
        if (!uid || sscanf(uid + 5, "%u %u %u %u", &ids[0], &ids[1], &ids[2], &ids[3]) != 4)
                return -EBADMSG;
        ret->euid = ids[1];
        ret->fsuid = ids[3];
        if (!gid || sscanf(gid + 5, "%u %u %u %u", &ids[0], &ids[1], &ids[2], &ids[3]) != 4)
                return -EBADMSG;
        ret->fsgid = ids[3];
        if (!groups)
                return -EBADMSG;
        size_t max = 0;
        for (const char *p = groups + 8; *p && *p != '\n'; p++)
                max += *p == ' ' || *p == '\t';
        ret->groups = calloc(max + 1, sizeof(gid_t));
        if (!ret->groups)
                return -ENOMEM;
        for (char *p = (char *) groups + 8, *end; *p && *p != '\n' && ret->n_groups <= max; p = end) {
                while (*p == ' ' || *p == '\t')
                        p++;
                if (*p < '0' || *p > '9')
                        break;
                ret->groups[ret->n_groups++] = (gid_t) strtoul(p, &end, 10);
        }
        return 0;
}

/*
 * @path resolved again with the caller's filesystem credentials (fsuid, fsgid,
 * groups) in place of ours, before we answer for it: where the caller may not
 * search a directory on the way, the kernel's EACCES stands (DESIGN.md
 * invariant 5: never lend our privilege). A caller with fsuid 0 walks as we do.
 */
static int resolve_as_caller(struct supervisor *s, const struct caller *c, const struct caller_creds *cr,
                             int dirfd, const char *path, unsigned flags, struct caller_path *ret) {
        if (cr->fsuid == 0)
                return caller_path_resolve(c, dirfd, path, flags, ret);
        /* Raw calls: ours alone, not glibc's broadcast to every thread (there is one). */
        if (syscall(SYS_setgroups, cr->n_groups, cr->groups) < 0)
                return negative_errno();
        (void) syscall(SYS_setfsgid, cr->fsgid);
        (void) syscall(SYS_setfsuid, cr->fsuid);
        int r = (uid_t) syscall(SYS_setfsuid, -1) == cr->fsuid && (gid_t) syscall(SYS_setfsgid, -1) == cr->fsgid
                ? caller_path_resolve(c, dirfd, path, flags, ret)
                : -EPERM;
        (void) syscall(SYS_setfsuid, 0);
        (void) syscall(SYS_setfsgid, 0);
        if (syscall(SYS_setgroups, s->n_groups, s->groups) < 0 || syscall(SYS_setfsuid, -1) != 0) {
                /* Without our credentials back nothing could be answered right: the kernel answers all. */
                s->broken = true;
                caller_path_done(ret);
                return -EPERM;
        }
        return r;
}

/* Whether the caller reaches the same file as we did, with its own credentials. */
static bool caller_reaches(struct supervisor *s, const struct caller *c, const struct caller_creds *cr,
                           int dirfd, const char *path, unsigned flags, int fd) {
        _cleanup_(caller_path_done) struct caller_path p = CALLER_PATH_INIT;
        struct stat a, b;

        if (cr->fsuid == 0)
                return true; /* the walk we did: root's permissions are ours */
        return resolve_as_caller(s, c, cr, dirfd, path, flags, &p) >= 0 && fstat(p.fd, &a) == 0 && fstat(fd, &b) == 0 &&
               a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/*
 * The preload's switch, CGCOMPAT_PRELOAD=0 in a program's environment, holds
 * for the supervisor too: the environment the caller was started with.
 */
static bool caller_opted_out(int proc_fd) {
        static const char wanted[] = "CGCOMPAT_PRELOAD=0";
        char buf[65536];
        size_t kept = 0;
        bool at_start = true;

        _cleanup_close_ int fd = openat(proc_fd, "environ", O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return false;
        /* Variable by variable; one that does not fit in the buffer is skipped. */
        for (;;) {
                ssize_t n = read(fd, buf + kept, sizeof(buf) - kept);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return kept > 0 && at_start && kept == sizeof(wanted) - 1 && !memcmp(buf, wanted, kept);
                size_t len = kept + (size_t) n, start = 0;
                for (char *nul; (nul = memchr(buf + start, 0, len - start)); start = (size_t) (nul - buf) + 1) {
                        if (at_start && (size_t) (nul - buf) - start == sizeof(wanted) - 1 &&
                            !memcmp(buf + start, wanted, sizeof(wanted) - 1))
                                return true;
                        at_start = true;
                }
                kept = len - start;
                memmove(buf, buf + start, kept);
                if (kept == sizeof(buf)) {
                        kept = 0;
                        at_start = false;
                }
        }
}

/* ---- answers ---- */

/* The generated text as a sealed memfd, read-only like the file it stands for, at offset 0. */
static int sealed_memfd(const struct layout_text *t) {
        char self[64];

        _cleanup_close_ int fd = memfd_create("cgcompat", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (fd < 0)
                return negative_errno();
        for (size_t done = 0; done < t->len;) {
                ssize_t n = write(fd, t->data + done, t->len - done);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return n < 0 ? negative_errno() : -EIO;
                done += (size_t) n;
        }
        if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
                return negative_errno();
        /* Opened again read-only: a write gets EBADF, as on the kernel's file, not EPERM. */
        snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
        int ro = open(self, O_RDONLY | O_CLOEXEC);
        return ro < 0 ? negative_errno() : ro;
}

/* 1: answered (or the caller is gone); 0: let the kernel do it; <0: an error of ours, the same. */
static int answer_with_fd(struct supervisor *s, int fd, bool cloexec) {
        struct seccomp_notif_addfd addfd = {
                .id = s->req->id,
                .flags = SECCOMP_ADDFD_FLAG_SEND,
                .srcfd = (uint32_t) fd,
                .newfd_flags = cloexec ? O_CLOEXEC : 0,
        };
        if (ioctl(s->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd) >= 0)
                return 1;
        /* ENOENT: the caller died or a signal interrupted its call, which it will restart. */
        return errno == ENOENT ? 1 : negative_errno();
}

/* The file the caller opens, if it is one the layout rewrites and the caller may be shown it. */
static int answer_open(struct supervisor *s, const struct caller *c, int dirfd, uint64_t path_addr, uint64_t flags) {
        _cleanup_(caller_path_done) struct caller_path p = CALLER_PATH_INIT;
        struct layout_text text = {};
        struct layout *l;
        char path[PATH_MAX];
        struct stat st;

        /* O_DIRECT (EINVAL on procfs) and O_NOATIME (EPERM on another's file): the kernel's errors. */
        if (flags > UINT32_MAX || (flags & (OPEN_FLAGS_NOT_OURS | O_DIRECT | O_NOATIME)))
                return 0;
        int r = read_caller_string(c->pid, path_addr, path, sizeof(path));
        if (r < 0)
                return r;
        r = caller_path_resolve(c, dirfd, path, (flags & O_NOFOLLOW) ? 0 : CALLER_PATH_FOLLOW, &p);
        if (r < 0)
                return r;
        if (p.dir_fd < 0 || p.trailing_slash || fstat(p.fd, &st) < 0 || !S_ISREG(st.st_mode))
                return 0;
        enum layout_file file = layout_file_in_pid_dir(p.name);
        enum caller_dir_kind want = CALLER_DIR_PROC_PID;
        if (file == LAYOUT_NONE) {
                file = layout_file_in_proc_root(p.name);
                want = CALLER_DIR_PROC_ROOT;
        }
        if (file == LAYOUT_NONE || caller_dir_kind(p.dir_fd) != want)
                return 0;
        _cleanup_(caller_creds_done) struct caller_creds cr = {};
        r = caller_creds(c->proc_fd, &cr);
        if (r < 0)
                return r;
        /* Another task's file only for root or its owner (the task's dumpable owner, as procfs says). */
        struct stat task;
        if (want == CALLER_DIR_PROC_PID && cr.euid != 0 && (fstat(p.dir_fd, &task) < 0 || task.st_uid != cr.euid))
                return 0;
        if (caller_opted_out(c->proc_fd) ||
            !caller_reaches(s, c, &cr, dirfd, path, (flags & O_NOFOLLOW) ? 0 : CALLER_PATH_FOLLOW, p.fd))
                return 0;
        r = supervisor_layout(s, &l);
        if (r < 0)
                return r;
        _cleanup_close_ int task_dir = openat(p.dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (task_dir < 0)
                return negative_errno();
        r = layout_generate(l, file, task_dir, c->proc_fd, &text);
        _cleanup_close_ int fd = r < 0 ? r : sealed_memfd(&text);
        free(text.data);
        if (fd < 0)
                return fd;
        return answer_with_fd(s, fd, flags & O_CLOEXEC);
}

/*
 * statfs and fstatfs of a view: the kernel's answer for @target, with the type
 * the view is shown as. @path (NULL for fstatfs) is walked again with the
 * caller's own credentials before we answer.
 */
static int answer_statfs(struct supervisor *s, const struct caller *c, int target, uint64_t buf_addr, int dirfd,
                         const char *path) {
        struct statfs sfs;
        struct stat st;
        struct layout *l;

        /* A view is FUSE to the kernel: only then is the layout asked. */
        if (fstatfs(target, &sfs) < 0 || sfs.f_type != LAYOUT_FUSE_SUPER_MAGIC || fstat(target, &st) < 0)
                return 0;
        int r = supervisor_layout(s, &l);
        if (r < 0)
                return r;
        long type = layout_fs_type(l, c->proc_fd, st.st_dev);
        if (type == 0 || caller_opted_out(c->proc_fd))
                return 0;
        if (path) {
                _cleanup_(caller_creds_done) struct caller_creds cr = {};
                r = caller_creds(c->proc_fd, &cr);
                if (r < 0)
                        return r;
                if (!caller_reaches(s, c, &cr, dirfd, path, CALLER_PATH_FOLLOW, target))
                        return 0;
        }
        sfs.f_type = type;
        if (!notification_valid(s))
                return 1;
        s->resp->id = s->req->id;
        s->resp->flags = 0;
        s->resp->val = 0;
        s->resp->error = write_caller(c->proc_fd, buf_addr, &sfs, sizeof(sfs)) < 0 ? -EFAULT : 0;
        if (s->resp->error)
                s->resp->val = -1;
        if (ioctl(s->listener, SECCOMP_IOCTL_NOTIF_SEND, s->resp) < 0 && errno != ENOENT)
                return negative_errno();
        return 1;
}

static int answer_path_statfs(struct supervisor *s, const struct caller *c, uint64_t path_addr, uint64_t buf_addr) {
        _cleanup_(caller_path_done) struct caller_path p = CALLER_PATH_INIT;
        char path[PATH_MAX];

        int r = read_caller_string(c->pid, path_addr, path, sizeof(path));
        if (r < 0)
                return r;
        r = caller_path_resolve(c, AT_FDCWD, path, CALLER_PATH_FOLLOW, &p);
        if (r < 0)
                return r;
        return answer_statfs(s, c, p.fd, buf_addr, AT_FDCWD, path);
}

static int answer_fd_statfs(struct supervisor *s, const struct caller *c, int fd, uint64_t buf_addr) {
        char name[32];

        if (fd < 0)
                return 0;
        snprintf(name, sizeof(name), "fd/%d", fd);
        _cleanup_close_ int target = openat(c->proc_fd, name, O_PATH | O_CLOEXEC);
        if (target < 0)
                return 0;
        return answer_statfs(s, c, target, buf_addr, AT_FDCWD, NULL);
}

static int answer(struct supervisor *s) {
        const struct seccomp_data *d = &s->req->data;
        struct caller c = { .pid = (pid_t) s->req->pid, .proc_fd = -1 };
        char name[32];

        if (s->broken)
                return 0;
        snprintf(name, sizeof(name), "%d", (int) c.pid);
        _cleanup_close_ int proc_fd = openat(s->proc_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (proc_fd < 0)
                return negative_errno();
        /* Only now is /proc/<pid> known to be the caller's, not a task that took its number since. */
        if (!notification_valid(s))
                return 1;
        c.proc_fd = proc_fd;
        switch (d->nr) {
#ifdef __NR_open
        case __NR_open:
                return answer_open(s, &c, AT_FDCWD, d->args[0], d->args[1]);
#endif
        case __NR_openat:
                return answer_open(s, &c, (int) d->args[0], d->args[1], d->args[2]);
        case __NR_openat2: {
                struct open_how how = {};
                /*
                 * resolve flags (RESOLVE_IN_ROOT, ...) change the walk, a mode without O_CREAT is
                 * EINVAL, a larger struct may hold fields we do not know: the kernel's own.
                 */
                if (d->args[3] != sizeof(how) || read_caller(c.pid, d->args[2], &how, sizeof(how)) < 0 ||
                    how.resolve != 0 || how.mode != 0)
                        return 0;
                return answer_open(s, &c, (int) d->args[0], d->args[1], how.flags);
        }
        case __NR_statfs:
                return answer_path_statfs(s, &c, d->args[0], d->args[1]);
        case __NR_fstatfs:
                return answer_fd_statfs(s, &c, (int) d->args[0], d->args[1]);
        default:
                return 0;
        }
}

static void handle_one(struct supervisor *s) {
        memset(s->req, 0, s->sizes.seccomp_notif);
        if (ioctl(s->listener, SECCOMP_IOCTL_NOTIF_RECV, s->req) < 0)
                return; /* EINTR, or ENOENT: the caller went away before we read it */
        if (answer(s) > 0)
                return;
        /* Not ours, or we could not: the kernel does the call, with its own result and errno. */
        memset(s->resp, 0, s->sizes.seccomp_notif_resp);
        s->resp->id = s->req->id;
        s->resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
        (void) ioctl(s->listener, SECCOMP_IOCTL_NOTIF_SEND, s->resp);
}

int seccomp_supervise(int listener, const char *runtime_dir) {
        struct supervisor s = { .listener = listener, .runtime_dir = runtime_dir };
        int r = 0;

        assert(listener >= 0);
        if (!runtime_dir)
                runtime_dir = getenv("CGCOMPAT_RUNTIME_DIR");
        if (snprintf(s.registry, sizeof(s.registry), "%s/views", runtime_dir ? runtime_dir : "/run/cgcompat") >=
            (int) sizeof(s.registry))
                return -ENAMETOOLONG;
        if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &s.sizes) < 0)
                return negative_errno();
        /* The kernel's structures may be larger than our headers': its sizes, at least ours. */
        s.req = calloc(1, MAX(s.sizes.seccomp_notif, sizeof(struct seccomp_notif)));
        s.resp = calloc(1, MAX(s.sizes.seccomp_notif_resp, sizeof(struct seccomp_notif_resp)));
        s.sizes.seccomp_notif = MAX(s.sizes.seccomp_notif, sizeof(struct seccomp_notif));
        s.sizes.seccomp_notif_resp = MAX(s.sizes.seccomp_notif_resp, sizeof(struct seccomp_notif_resp));
        s.proc_fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
        int n_groups = getgroups(0, NULL);
        s.groups = n_groups >= 0 ? calloc((size_t) n_groups + 1, sizeof(gid_t)) : NULL;
        if (s.groups && n_groups > 0)
                n_groups = getgroups(n_groups, s.groups);
        s.n_groups = n_groups > 0 ? (size_t) n_groups : 0;
        if (!s.req || !s.resp || !s.groups || n_groups < 0)
                r = -ENOMEM;
        else if (s.proc_fd < 0)
                r = negative_errno();
        while (r >= 0) {
                struct pollfd p = { .fd = listener, .events = POLLIN };
                if (poll(&p, 1, -1) < 0) {
                        if (errno != EINTR)
                                r = negative_errno();
                        continue;
                }
                if (p.revents & POLLIN)
                        handle_one(&s);
                else if (p.revents & (POLLHUP | POLLERR | POLLNVAL))
                        break; /* no task uses the filter any more */
        }
        layout_free(s.layout);
        free(s.groups);
        free(s.req);
        free(s.resp);
        if (s.proc_fd >= 0)
                close(s.proc_fd);
        return r;
}

/* ---- the process model ---- */

static int receive_fd(int sock) {
        char data;
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int))];
        } control = {};
        struct iovec iov = { &data, 1 };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control, .msg_controllen = sizeof(control) };

        ssize_t n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
        if (n <= 0)
                return n < 0 ? negative_errno() : -ECONNRESET;
        struct cmsghdr *h = CMSG_FIRSTHDR(&msg);
        if (!h || h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS || h->cmsg_len != CMSG_LEN(sizeof(int)))
                return -EBADMSG;
        int fd;
        memcpy(&fd, CMSG_DATA(h), sizeof(fd));
        return fd;
}

/* The supervisor process: only its socket (and then the listener) open, silent, in a session of its own. */
static _Noreturn void supervisor_main(int sock, const char *runtime_dir) {
        /* Nothing of the command's: not its terminal, not the pipes a shell waits on for EOF. */
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
                _exit(1);
        /* Nor its working directory: it would keep a mount busy for as long as the command runs. */
        if (chdir("/") < 0)
                _exit(1);
        if (sock != 3) {
                if (dup3(sock, 3, O_CLOEXEC) < 0)
                        _exit(1);
                sock = 3;
        }
        (void) close_range(4, ~0U, 0);
        signal(SIGPIPE, SIG_IGN);
        signal(SIGHUP, SIG_IGN);
        signal(SIGINT, SIG_IGN);

        _cleanup_close_ int listener = receive_fd(sock);
        if (listener < 0)
                _exit(listener == -ECONNRESET ? 0 : 1); /* no listener: exec fell back to the preload */
        if (write(sock, "k", 1) != 1)
                _exit(1);
        close(sock);
        _exit(seccomp_supervise(listener, runtime_dir) < 0 ? 1 : 0);
}

int seccomp_supervisor_spawn(const char *runtime_dir, int *ret_sock) {
        int sv[2];

        assert(ret_sock);
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
                return negative_errno();
        pid_t pid = fork();
        if (pid < 0) {
                int r = negative_errno();
                close(sv[0]);
                close(sv[1]);
                return r;
        }
        if (pid == 0) {
                /* Twice: reparented away, never a child the command could wait for or signal as one. */
                close(sv[0]);
                pid_t grandchild = fork();
                if (grandchild != 0)
                        _exit(grandchild < 0);
                if (setsid() < 0)
                        _exit(1);
                supervisor_main(sv[1], runtime_dir);
        }
        close(sv[1]);
        int status;
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR) {
                        close(sv[0]);
                        return -ECHILD;
                }
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                close(sv[0]);
                return -ECHILD;
        }
        *ret_sock = sv[0];
        return 0;
}

int seccomp_supervisor_hand_over(int sock, int listener) {
        char data = 'l', ack;
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int))];
        } control = {};
        struct iovec iov = { &data, 1 };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control, .msg_controllen = sizeof(control) };

        assert(sock >= 0 && listener >= 0);
        struct cmsghdr *h = CMSG_FIRSTHDR(&msg);
        h->cmsg_level = SOL_SOCKET;
        h->cmsg_type = SCM_RIGHTS;
        h->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(h), &listener, sizeof(int));
        if (sendmsg(sock, &msg, MSG_NOSIGNAL) != 1)
                return negative_errno();
        /* Until it answers, nobody would: every read-only open of ours would wait for ever. */
        for (;;) {
                ssize_t n = read(sock, &ack, 1);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return negative_errno();
                return n == 1 && ack == 'k' ? 0 : -ECONNRESET;
        }
}
