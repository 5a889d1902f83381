/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libcgcompat-preload.so: legacy programs that find cgroups through the mount
 * table see cgcompat's cgroup-v1 views as the kernel's v1 hierarchies.
 *
 * Interposed (LD_PRELOAD) for the process and everything it runs:
 *   /proc/mounts, /proc/PID/mounts, /etc/mtab   each cgroup-v1 view is a `cgroup` mount
 *   /proc/PID/mountinfo                         with its subsystems (or name=), the unified
 *                                               view the hybrid layout's `cgroup2` mount
 *   /proc/PID/cgroup                            one v1 line per view, then the 0:: line: the
 *                                               unified view's path if one is served
 *   /proc/cgroups                               a view's subsystems in its hierarchy, and
 *                                               the number of groups it holds
 *   statfs/fstatfs in a view                    CGROUP_SUPER_MAGIC, CGROUP2_SUPER_MAGIC in
 *                                               the unified view
 * PID is also self, thread-self and PID/task/TID. Rewritten text is served
 * from a sealed memfd, so the caller gets a real fd or FILE.
 *
 * The daemon's registry (<runtime_dir>/views, daemon/registry.h) says what is
 * a view: $CGCOMPAT_RUNTIME_DIR/views, else /run/cgcompat/views. Without it,
 * or with CGCOMPAT_PRELOAD=0, every call is passed through untouched; so is
 * every call when anything goes wrong here: a program must never fail
 * because of this library.
 *
 * The content is tools/legacy_layout.c's, the generator the seccomp
 * supervisor of cgcompatctl exec shares: this library is the fast path for
 * dynamically linked programs that go through libc (cgcompatctl exec
 * --preload); the supervisor reaches every program.
 */
#undef _FILE_OFFSET_BITS /* we define open and open64, statfs and statfs64 side by side */
#undef _FORTIFY_SOURCE   /* no inline wrappers in the way of our definitions */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <mntent.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "compat/macro.h"
#include "legacy_layout.h"
#include "open_pass.h"

#define PROC_DIR_MAX 64 /* "/proc/4194304/task/4194304" and the like */

#define EXPORT __attribute__((visibility("default")))

/* ---- the functions we stand in front of ---- */

/* dlsym(RTLD_NEXT) once per symbol; a race only looks the same symbol up twice. */
#define REAL(name, type)                                             \
        static type real_##name(void) {                              \
                static type fn;                                      \
                type f = __atomic_load_n(&fn, __ATOMIC_ACQUIRE);     \
                if (!f) {                                            \
                        f = (type) dlsym(RTLD_NEXT, #name);          \
                        __atomic_store_n(&fn, f, __ATOMIC_RELEASE);  \
                }                                                    \
                return f;                                            \
        }

typedef int (*open_fn)(const char *, int, ...);
typedef int (*openat_fn)(int, const char *, int, ...);
typedef int (*open2_fn)(const char *, int);
typedef int (*openat2_fn)(int, const char *, int);
typedef FILE *(*fopen_fn)(const char *, const char *);
typedef int (*statfs_fn)(const char *, struct statfs *);
typedef int (*fstatfs_fn)(int, struct statfs *);
typedef int (*statfs64_fn)(const char *, struct statfs64 *);
typedef int (*fstatfs64_fn)(int, struct statfs64 *);
REAL(open, open_fn)
REAL(open64, open_fn)
REAL(openat, openat_fn)
REAL(openat64, openat_fn)
REAL(__open_2, open2_fn)
REAL(__open64_2, open2_fn)
REAL(__openat_2, openat2_fn)
REAL(__openat64_2, openat2_fn)
REAL(fopen, fopen_fn)
REAL(fopen64, fopen_fn)
REAL(setmntent, fopen_fn)
REAL(statfs, statfs_fn)
REAL(fstatfs, fstatfs_fn)
REAL(statfs64, statfs64_fn)
REAL(fstatfs64, fstatfs64_fn)

/* The /proc directories the generator reads, straight from the kernel, never through our open(). */
static int raw_open_dir(const char *path) {
        openat_fn f = real_openat();
        return f ? f(AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
}

/* Off by CGCOMPAT_PRELOAD=0, and always in a daemon started from a shell that has us: it reads the real table. */
static bool enabled(void) {
        const char *e = getenv("CGCOMPAT_PRELOAD");
        return (!e || strcmp(e, "0") != 0) && strcmp(program_invocation_short_name, "cgcompatd") != 0;
}

/*
 * Under cgcompatctl exec's seccomp supervisor, which answers for every program: it rewrites
 * (it reads the held marks an unprivileged caller may not), and this library only spares
 * unrelated opens the round trip to it (open_pass.h).
 */
static bool supervised(void) {
        const char *e = getenv(CGCOMPAT_SUPERVISED_ENV);
        return e && !strcmp(e, "1");
}

/*
 * CGCOMPAT_OPEN_UNRELATED when the open cannot be of a rewritten file: supervised, and the
 * last component is none of their names and no symlink (one that is goes to the supervisor,
 * which follows it as the kernel does: /etc/mtab, or any link into /proc). Else 0.
 */
static int unrelated_mark(int dirfd, const char *path, int flags) {
        char name[NAME_MAX + 1];
        struct stat st;

        if (!path || !supervised() || (flags & O_ACCMODE) != O_RDONLY)
                return 0;
        size_t end = strlen(path);
        while (end > 1 && path[end - 1] == '/')
                end--;
        size_t start = end;
        while (start > 0 && path[start - 1] != '/')
                start--;
        if (end - start > NAME_MAX)
                return 0;
        memcpy(name, path + start, end - start);
        name[end - start] = 0;
        if (layout_file_in_pid_dir(name) != LAYOUT_NONE || layout_file_in_proc_root(name) != LAYOUT_NONE)
                return 0;
        int saved = errno;
        bool link = fstatat(dirfd, path, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
        errno = saved;
        return link ? 0 : CGCOMPAT_OPEN_UNRELATED;
}

/* The daemon's registry, NULL when there is none or we are off: then nothing is rewritten. */
static struct layout *load_layout(void) {
        struct layout *l = NULL;
        return enabled() && layout_load(NULL, &l) >= 0 ? l : NULL;
}

/* ---- which paths, and serving them ---- */

/* Is path one of ours? Sets dir to the /proc directory its siblings are read from. */
static enum layout_file classify(const char *path, char *dir, size_t size) {
        if (!strcmp(path, "/proc/mounts") || !strcmp(path, "/etc/mtab")) {
                if (path[1] == 'e') { /* only when it is the usual link to the kernel's table */
                        char target[PATH_MAX];
                        ssize_t n = readlink(path, target, sizeof(target) - 1);
                        if (n < 0)
                                return LAYOUT_NONE;
                        target[n] = 0;
                        if (strcmp(target, "/proc/self/mounts") && strcmp(target, "../proc/self/mounts") &&
                            strcmp(target, "/proc/mounts"))
                                return LAYOUT_NONE;
                }
                snprintf(dir, size, "/proc/self");
                return LAYOUT_MOUNTS;
        }
        if (!strcmp(path, "/proc/cgroups")) {
                snprintf(dir, size, "/proc");
                return LAYOUT_CGROUPS;
        }
        if (strncmp(path, "/proc/", 6))
                return LAYOUT_NONE;
        const char *p = path + 6, *slash = strchr(p, '/');
        if (!slash)
                return LAYOUT_NONE;
        size_t n = (size_t) (slash - p);
        if (!(n == 4 && !strncmp(p, "self", 4)) && !(n == 11 && !strncmp(p, "thread-self", 11)) && !layout_is_pid_name(p, n))
                return LAYOUT_NONE;
        p = slash + 1;
        if (!strncmp(p, "task/", 5)) {
                slash = strchr(p + 5, '/');
                if (!slash || !layout_is_pid_name(p + 5, (size_t) (slash - p - 5)))
                        return LAYOUT_NONE;
                p = slash + 1;
        }
        enum layout_file file = layout_file_in_pid_dir(p);
        if (file == LAYOUT_NONE || (size_t) (p - 1 - path) >= size)
                return LAYOUT_NONE;
        memcpy(dir, path, (size_t) (p - 1 - path));
        dir[p - 1 - path] = 0;
        return file;
}

/* Relative names are made absolute only when they could be ours (their last component says). */
static enum layout_file classify_at(int dirfd, const char *path, char *dir, size_t size) {
        char base[PATH_MAX], full[PATH_MAX];

        if (!path)
                return LAYOUT_NONE;
        if (path[0] == '/')
                return classify(path, dir, size);
        const char *last = strrchr(path, '/');
        last = last ? last + 1 : path;
        if (strcmp(last, "mounts") && strcmp(last, "mountinfo") && strcmp(last, "cgroup") && strcmp(last, "cgroups") &&
            strcmp(last, "mtab"))
                return LAYOUT_NONE;
        if (dirfd == AT_FDCWD) {
                if (!getcwd(base, sizeof(base)))
                        return LAYOUT_NONE;
        } else {
                char link[64];
                snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
                ssize_t n = readlink(link, base, sizeof(base) - 1);
                if (n < 0)
                        return LAYOUT_NONE;
                base[n] = 0;
        }
        if (snprintf(full, sizeof(full), "%s/%s", strcmp(base, "/") ? base : "", path) >= (int) sizeof(full))
                return LAYOUT_NONE;
        return classify(full, dir, size);
}

/* The rewritten text as a read-only, sealed memfd at offset 0. */
static int serve(const struct layout_text *t, bool cloexec) {
        _cleanup_close_ int fd = memfd_create("cgcompat", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (fd < 0)
                return -1;
        for (size_t done = 0; done < t->len;) {
                ssize_t n = write(fd, t->data + done, t->len - done);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return -1;
                done += (size_t) n;
        }
        if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0 ||
            lseek(fd, 0, SEEK_SET) < 0 || (!cloexec && fcntl(fd, F_SETFD, 0) < 0))
                return -1;
        return TAKE_FD(fd);
}

#define PASS_THROUGH (-2)

/* An fd on the rewritten content, or PASS_THROUGH: not ours, or anything failed. */
static int rewritten(int dirfd, const char *path, int flags) {
        char dir[PROC_DIR_MAX];
        struct layout_text out = {};
        int saved = errno, r = -ENOENT;

        if ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_PATH | O_DIRECTORY | O_CREAT)) || supervised())
                return PASS_THROUGH;
        enum layout_file file = classify_at(dirfd, path, dir, sizeof(dir));
        struct layout *l = file != LAYOUT_NONE ? load_layout() : NULL;
        if (l) {
                _cleanup_close_ int task_fd = raw_open_dir(dir), reader_fd = raw_open_dir("/proc/self");
                if (task_fd >= 0 && reader_fd >= 0)
                        r = layout_generate(l, file, task_fd, reader_fd, &out);
                layout_free(l);
        }
        int fd = r >= 0 ? serve(&out, flags & O_CLOEXEC) : -1;
        free(out.data);
        errno = saved;
        return fd >= 0 ? fd : PASS_THROUGH;
}

static mode_t mode_arg(int flags, va_list ap) {
        return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t) va_arg(ap, int) : 0;
}

#define OPEN_WRAPPER(name, fntype)                                      \
        EXPORT int name(const char *path, int flags, ...) {            \
                va_list ap;                                             \
                va_start(ap, flags);                                    \
                mode_t mode = mode_arg(flags, ap);                      \
                va_end(ap);                                             \
                int fd = rewritten(AT_FDCWD, path, flags);              \
                if (fd != PASS_THROUGH)                                 \
                        return fd;                                      \
                flags |= unrelated_mark(AT_FDCWD, path, flags);         \
                fntype f = real_##name();                               \
                return f ? f(path, flags, mode) : (errno = ENOSYS, -1); \
        }
OPEN_WRAPPER(open, open_fn)
OPEN_WRAPPER(open64, open_fn)

#define OPENAT_WRAPPER(name, fntype)                                           \
        EXPORT int name(int dirfd, const char *path, int flags, ...) {        \
                va_list ap;                                                    \
                va_start(ap, flags);                                           \
                mode_t mode = mode_arg(flags, ap);                             \
                va_end(ap);                                                    \
                int fd = rewritten(dirfd, path, flags);                        \
                if (fd != PASS_THROUGH)                                        \
                        return fd;                                             \
                flags |= unrelated_mark(dirfd, path, flags);                   \
                fntype f = real_##name();                                      \
                return f ? f(dirfd, path, flags, mode) : (errno = ENOSYS, -1); \
        }
OPENAT_WRAPPER(openat, openat_fn)
OPENAT_WRAPPER(openat64, openat_fn)

/* What _FORTIFY_SOURCE builds call. */
#define OPEN2_WRAPPER(name)                                         \
        EXPORT int name(const char *path, int flags) {             \
                int fd = rewritten(AT_FDCWD, path, flags);          \
                if (fd != PASS_THROUGH)                             \
                        return fd;                                  \
                flags |= unrelated_mark(AT_FDCWD, path, flags);     \
                open2_fn f = real_##name();                         \
                return f ? f(path, flags) : (errno = ENOSYS, -1);   \
        }
OPEN2_WRAPPER(__open_2)
OPEN2_WRAPPER(__open64_2)

#define OPENAT2_WRAPPER(name)                                            \
        EXPORT int name(int dirfd, const char *path, int flags) {       \
                int fd = rewritten(dirfd, path, flags);                  \
                if (fd != PASS_THROUGH)                                  \
                        return fd;                                       \
                flags |= unrelated_mark(dirfd, path, flags);             \
                openat2_fn f = real_##name();                            \
                return f ? f(dirfd, path, flags) : (errno = ENOSYS, -1); \
        }
OPENAT2_WRAPPER(__openat_2)
OPENAT2_WRAPPER(__openat64_2)

/* libc's own fopen and setmntent open files without going through our open(). */
static FILE *fopen_rewritten(const char *path, const char *mode) {
        if (!path || !mode || mode[0] != 'r' || strchr(mode, '+'))
                return NULL;
        int fd = rewritten(AT_FDCWD, path, O_RDONLY | (strchr(mode, 'e') ? O_CLOEXEC : 0));
        if (fd == PASS_THROUGH)
                return NULL;
        FILE *f = fdopen(fd, "r");
        if (!f)
                close(fd);
        return f;
}

#define FOPEN_WRAPPER(name)                                                  \
        EXPORT FILE *name(const char *path, const char *mode) {             \
                FILE *f = fopen_rewritten(path, mode);                       \
                if (f)                                                       \
                        return f;                                            \
                fopen_fn real = real_##name();                               \
                return real ? real(path, mode) : (errno = ENOSYS, NULL);     \
        }
FOPEN_WRAPPER(fopen)
FOPEN_WRAPPER(fopen64)

EXPORT FILE *setmntent(const char *path, const char *mode) {
        FILE *f = fopen_rewritten(path, mode);
        if (f) {
                __fsetlocking(f, FSETLOCKING_BYCALLER); /* as glibc's setmntent */
                return f;
        }
        fopen_fn real = real_setmntent();
        return real ? real(path, mode) : (errno = ENOSYS, NULL);
}

/* ---- statfs ---- */

/* The filesystem type the view on device @dev that this process can see is shown as, 0 if none. */
static long view_fs_type(dev_t dev) {
        struct layout *l = load_layout();
        long type = 0;

        if (l) {
                _cleanup_close_ int reader_fd = raw_open_dir("/proc/self");
                type = reader_fd >= 0 ? layout_fs_type(l, reader_fd, dev) : 0;
                layout_free(l);
        }
        return type;
}

/*
 * What statfs shows: @f_type, or in a view the type it is shown as. A view is FUSE to the kernel:
 * only then is the device looked up, so the common case costs nothing.
 */
static long shown_fs_type(long f_type, const char *path, int fd) {
        struct stat st;
        int saved = errno;
        long type = f_type == LAYOUT_FUSE_SUPER_MAGIC && (path ? stat(path, &st) : fstat(fd, &st)) == 0
                ? view_fs_type(st.st_dev)
                : 0;
        errno = saved;
        return type ?: f_type;
}

#define STATFS_WRAPPER(name, fntype, buftype, argtype, path, fd)                   \
        EXPORT int name(argtype arg, buftype *buf) {                               \
                fntype f = real_##name();                                          \
                int r = f ? f(arg, buf) : (errno = ENOSYS, -1);                    \
                if (r == 0)                                                        \
                        buf->f_type = shown_fs_type((long) buf->f_type, path, fd); \
                return r;                                                          \
        }
STATFS_WRAPPER(statfs, statfs_fn, struct statfs, const char *, arg, -1)
STATFS_WRAPPER(statfs64, statfs64_fn, struct statfs64, const char *, arg, -1)
STATFS_WRAPPER(fstatfs, fstatfs_fn, struct statfs, int, NULL, arg)
STATFS_WRAPPER(fstatfs64, fstatfs64_fn, struct statfs64, int, NULL, arg)
