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
 * A view is recognised in the mount table by its mount point in the registry
 * and, through its device number, wherever it is bound again (cgcompatctl
 * exec binds the legacy root on /sys/fs/cgroup). The machine's own v1
 * hierarchies and cgroup2 mounts are dropped: the views replace them. The
 * hybrid layout's cgroup2 is the unified view, never the machine's (DESIGN.md
 * invariant 3); without one the layout is systemd's legacy one, which mounted
 * no cgroup2 either, though the kernel still shows the 0:: line.
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

#define CGROUP_SUPER_MAGIC_V1 0x27e0ebL
#define CGROUP2_SUPER_MAGIC_VALUE 0x63677270L
#define FUSE_SUPER_MAGIC_VALUE 0x65735546L
#define DEFAULT_RUNTIME_DIR "/run/cgcompat"
#define MAX_FIELDS 64
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

/* Our own reads go straight to the kernel's file, never through our open(). */
static int raw_open(const char *path) {
        open_fn f = real_open();
        return f ? f(path, O_RDONLY | O_CLOEXEC) : -1;
}

static int raw_open_dir(int dirfd, const char *name) {
        openat_fn f = real_openat();
        return f ? f(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
}

/* ---- small text helpers ---- */

struct text {
        char *data;
        size_t len, size;
};

static bool text_add(struct text *t, const char *s, size_t n) {
        if (t->len + n + 1 > t->size) {
                size_t size = (t->len + n + 1) * 2;
                char *p = realloc(t->data, size);
                if (!p)
                        return false;
                t->data = p;
                t->size = size;
        }
        memcpy(t->data + t->len, s, n);
        t->len += n;
        t->data[t->len] = 0;
        return true;
}

static bool text_adds(struct text *t, const char *s) {
        return text_add(t, s, strlen(s));
}

/* A whole file, NUL-terminated; /proc files report no size, so read until EOF. */
static char *read_file(const char *path) {
        struct text t = {};
        char chunk[4096];
        ssize_t n;

        _cleanup_close_ int fd = raw_open(path);
        if (fd < 0)
                return NULL;
        while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 || !text_add(&t, chunk, (size_t) n)) {
                        free(t.data);
                        return NULL;
                }
        }
        if (!t.data)
                t.data = calloc(1, 1);
        return t.data;
}

/* The kernel escapes space, tab, newline and backslash in mount table paths as \ooo. */
static void unescape(char *s) {
        char *out = s;
        for (; *s; s++) {
                if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
                    s[3] <= '7') {
                        *out++ = (char) ((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
                        s += 3;
                } else
                        *out++ = *s;
        }
        *out = 0;
}

static bool all_digits(const char *s, size_t n) {
        if (n == 0)
                return false;
        for (size_t i = 0; i < n; i++)
                if (s[i] < '0' || s[i] > '9')
                        return false;
        return true;
}

/* Splits line (modified in place) at single spaces; returns the number of fields. */
static size_t split(char *line, char sep, char **fields, size_t max) {
        size_t n = 0;
        for (char *p = line; n < max;) {
                fields[n++] = p;
                p = strchr(p, sep);
                if (!p)
                        break;
                *p++ = 0;
        }
        return n;
}

/* ---- the registry ---- */

/* How a view is shown: a container view is left as it is. */
enum shown_as { AS_ITSELF, AS_CGROUP, AS_CGROUP2 };

struct view {
        enum shown_as as;  /* cgroup-v1 views as cgroup, the unified view as cgroup2 */
        const char *key;   /* "cpu,cpuacct", "name=systemd" */
        const char *mount; /* as the daemon mounted it */
        char dev[32];      /* "major:minor" once found in the mount table */
        unsigned id;       /* hierarchy id shown for it: 1, 2, ... in registry order */
};

struct registry {
        char *text;
        const char *pid, *root, *leaf; /* the daemon's pid, and the tree's root in its mount namespace */
        struct view *views;
        size_t n_views;
};

static void registry_free(struct registry *r) {
        free(r->text);
        free(r->views);
        *r = (struct registry) {};
}

/* Off by CGCOMPAT_PRELOAD=0, and always in a daemon started from a shell that has us: it reads the real table. */
static bool enabled(void) {
        const char *e = getenv("CGCOMPAT_PRELOAD");
        return (!e || strcmp(e, "0") != 0) && strcmp(program_invocation_short_name, "cgcompatd") != 0;
}

/* False when there is no registry: then nothing is rewritten. */
static bool registry_load(struct registry *r) {
        const char *dir = getenv("CGCOMPAT_RUNTIME_DIR");
        char path[PATH_MAX];
        unsigned id = 0;

        *r = (struct registry) {};
        if (!enabled())
                return false;
        if (snprintf(path, sizeof(path), "%s/views", dir && *dir ? dir : DEFAULT_RUNTIME_DIR) >= (int) sizeof(path))
                return false;
        r->text = read_file(path);
        if (!r->text)
                return false;
        size_t lines = 1;
        for (const char *p = r->text; *p; p++)
                lines += *p == '\n';
        r->views = calloc(lines, sizeof(struct view));
        if (!r->views) {
                registry_free(r);
                return false;
        }
        for (char *line = r->text, *next; line && *line; line = next) {
                next = strchr(line, '\n');
                if (next)
                        *next++ = 0;
                char *f[4];
                /* The path comes last and may hold spaces: split the first fields only. */
                size_t n = split(line, ' ', f, !strncmp(line, "view ", 5) ? 4 : 2);
                if (n == 2 && !strcmp(f[0], "pid"))
                        r->pid = f[1];
                else if (n == 2 && !strcmp(f[0], "root"))
                        r->root = f[1];
                else if (n == 2 && !strcmp(f[0], "leaf"))
                        r->leaf = f[1];
                else if (n == 4 && !strcmp(f[0], "view")) {
                        struct view *v = &r->views[r->n_views++];
                        v->as = !strcmp(f[1], "cgroup-v1") ? AS_CGROUP
                                : !strcmp(f[1], "unified") ? AS_CGROUP2
                                                           : AS_ITSELF;
                        v->key = f[2];
                        v->mount = f[3];
                        v->id = v->as == AS_CGROUP ? ++id : 0; /* cgroup2's is 0 */
                }
        }
        return r->root && r->leaf;
}

/* ---- the mount table ---- */

enum disposition { KEEP, VIEW, DROP };

struct mount_entry {
        const char *line; /* in the original text, with its length */
        size_t len;
        char *f[MAX_FIELDS]; /* the fields, split in a copy */
        size_t n;
        const char *fstype; /* after the " - " separator, before the source */
        enum disposition disposition;
        struct view *view;
};

struct mount_table {
        char *copy;
        struct mount_entry *e;
        size_t n;
};

static void mount_table_free(struct mount_table *t) {
        free(t->copy);
        free(t->e);
        *t = (struct mount_table) {};
}

static bool mount_table_parse(const char *mountinfo, struct mount_table *t) {
        size_t lines = 0;

        *t = (struct mount_table) {};
        for (const char *p = mountinfo; *p; p++)
                lines += *p == '\n';
        t->copy = strdup(mountinfo);
        t->e = calloc(lines + 1, sizeof(*t->e));
        if (!t->copy || !t->e) {
                mount_table_free(t);
                return false;
        }
        for (char *line = t->copy, *next; *line; line = next) {
                next = strchr(line, '\n');
                next = next ? next + 1 : line + strlen(line);
                struct mount_entry *e = &t->e[t->n++];
                e->line = mountinfo + (line - t->copy);
                e->len = (size_t) (next - line);
                if (next[-1] == '\n')
                        next[-1] = 0;
                e->n = split(line, ' ', e->f, MAX_FIELDS);
                for (size_t i = 6; i + 3 < e->n && !e->fstype; i++)
                        if (!strcmp(e->f[i], "-"))
                                e->fstype = e->f[i + 1];
                if (e->n < 10 || !e->fstype) {
                        mount_table_free(t);
                        return false;
                }
        }
        return true;
}

/* Which lines are views and which go. False: no view in this table. */
static bool mount_table_classify(struct mount_table *t, struct registry *r) {
        bool found = false;

        for (size_t k = 0; k < r->n_views; k++)
                r->views[k].dev[0] = 0;
        for (size_t i = 0; i < t->n; i++) {
                struct mount_entry *e = &t->e[i];
                if (strcmp(e->fstype, "fuse.cgcompat"))
                        continue;
                char mountpoint[PATH_MAX];
                snprintf(mountpoint, sizeof(mountpoint), "%s", e->f[4]);
                unescape(mountpoint);
                for (size_t k = 0; k < r->n_views; k++)
                        if (!r->views[k].dev[0] && !strcmp(mountpoint, r->views[k].mount)) {
                                snprintf(r->views[k].dev, sizeof(r->views[k].dev), "%s", e->f[2]);
                                found |= r->views[k].as != AS_ITSELF;
                        }
        }
        if (!found)
                return false;
        for (size_t i = 0; i < t->n; i++) {
                struct mount_entry *e = &t->e[i];
                if (!strcmp(e->fstype, "cgroup") || !strcmp(e->fstype, "cgroup2"))
                        e->disposition = DROP;
                else if (!strcmp(e->fstype, "fuse.cgcompat"))
                        for (size_t k = 0; k < r->n_views; k++) {
                                if (strcmp(e->f[2], r->views[k].dev))
                                        continue;
                                /* The daemon stacks each view on itself: one line per device and place. */
                                for (size_t j = 0; j < i && e->disposition != DROP; j++)
                                        if (!strcmp(t->e[j].fstype, "fuse.cgcompat") && !strcmp(t->e[j].f[2], e->f[2]) &&
                                            !strcmp(t->e[j].f[4], e->f[4]))
                                                e->disposition = DROP;
                                if (e->disposition != DROP && r->views[k].as != AS_ITSELF) {
                                        e->disposition = VIEW;
                                        e->view = &r->views[k];
                                }
                        }
        }
        return true;
}

/* "rw" or "ro" as the mount itself has it. */
static const char *access_mode(const struct mount_entry *e) {
        return !strncmp(e->f[5], "ro", 2) && (e->f[5][2] == ',' || !e->f[5][2]) ? "ro" : "rw";
}

/*
 * The mount options systemd mounted the v1 hierarchies and the hybrid cgroup2 with. Its cgroup2
 * also had nsdelegate, which is not shown: the unified view does not make cgroup namespaces
 * delegation boundaries, and this hybrid development machine's own cgroup2 has no such option.
 */
#define MOUNT_OPTIONS ",nosuid,nodev,noexec,relatime"

static const char *shown_fstype(const struct view *v) {
        return v->as == AS_CGROUP2 ? "cgroup2" : "cgroup";
}

/* A v1 hierarchy's subsystems (or name=), last of the superblock's options; cgroup2 has none. */
static bool subsystem_options(struct text *out, const struct view *v) {
        return v->as != AS_CGROUP || (text_adds(out, ",") && text_adds(out, v->key));
}

static bool mountinfo_line(struct text *out, const struct mount_entry *e) {
        if (e->disposition != VIEW)
                return text_add(out, e->line, e->len);
        const char *type = shown_fstype(e->view);
        bool ok = true;
        for (size_t i = 0; i < 5; i++)
                ok = ok && text_adds(out, e->f[i]) && text_adds(out, " ");
        ok = ok && text_adds(out, access_mode(e)) && text_adds(out, MOUNT_OPTIONS);
        for (size_t i = 6; ok && strcmp(e->f[i], "-"); i++) /* the optional fields (shared:N) */
                ok = text_adds(out, " ") && text_adds(out, e->f[i]);
        return ok && text_adds(out, " - ") && text_adds(out, type) && text_adds(out, " ") && text_adds(out, type) &&
               text_adds(out, " ") && text_adds(out, access_mode(e)) && subsystem_options(out, e->view) &&
               text_adds(out, "\n");
}

/* As the kernel writes it: the superblock's options after the mount's, the access mode once. */
static bool mounts_line(struct text *out, const struct mount_entry *e, const char *line, size_t len) {
        if (e->disposition != VIEW)
                return text_add(out, line, len);
        const char *type = shown_fstype(e->view);
        return text_adds(out, type) && text_adds(out, " ") && text_adds(out, e->f[4]) && text_adds(out, " ") &&
               text_adds(out, type) && text_adds(out, " ") && text_adds(out, access_mode(e)) &&
               text_adds(out, MOUNT_OPTIONS) && subsystem_options(out, e->view) && text_adds(out, " 0 0\n");
}

/* The mount point field of a /proc/PID/mounts line, which must be that of the mountinfo line. */
static bool same_mountpoint(const char *line, size_t len, const struct mount_entry *e) {
        const char *sp = memchr(line, ' ', len);
        size_t n = strlen(e->f[4]);
        return sp && (size_t) (line + len - sp) > n + 1 && !memcmp(sp + 1, e->f[4], n) && sp[1 + n] == ' ';
}

/*
 * /proc/PID/mounts has no device numbers: pair its lines with mountinfo's,
 * which the kernel lists in the same order. A mount made between the two
 * reads shows as a mismatch: read both again.
 */
static bool rewrite_mounts(const char *dir, struct registry *r, struct text *out) {
        char path[PROC_DIR_MAX + 16];

        for (int attempt = 0; attempt < 5; attempt++) {
                _cleanup_free_ char *mountinfo = NULL, *mounts = NULL;
                struct mount_table t;

                snprintf(path, sizeof(path), "%s/mountinfo", dir);
                mountinfo = read_file(path);
                snprintf(path, sizeof(path), "%s/mounts", dir);
                mounts = mountinfo ? read_file(path) : NULL;
                if (!mounts || !mount_table_parse(mountinfo, &t))
                        return false;
                if (!mount_table_classify(&t, r)) {
                        mount_table_free(&t);
                        return false;
                }
                bool paired = true, ok = true;
                const char *line = mounts;
                for (size_t i = 0; i < t.n && paired && ok; i++) {
                        const char *end = strchr(line, '\n');
                        size_t len = end ? (size_t) (end - line) + 1 : strlen(line);
                        paired = len > 0 && same_mountpoint(line, len, &t.e[i]);
                        if (paired && t.e[i].disposition != DROP)
                                ok = mounts_line(out, &t.e[i], line, len);
                        line += len;
                }
                paired = paired && !*line;
                mount_table_free(&t);
                if (!ok)
                        return false;
                if (paired)
                        return true;
                out->len = 0;
        }
        return false;
}

static bool rewrite_mountinfo(const char *dir, struct registry *r, struct text *out) {
        char path[PROC_DIR_MAX + 16];
        struct mount_table t;

        snprintf(path, sizeof(path), "%s/mountinfo", dir);
        _cleanup_free_ char *mountinfo = read_file(path);
        if (!mountinfo || !mount_table_parse(mountinfo, &t))
                return false;
        bool ok = mount_table_classify(&t, r);
        for (size_t i = 0; i < t.n && ok; i++)
                if (t.e[i].disposition != DROP)
                        ok = mountinfo_line(out, &t.e[i]);
        mount_table_free(&t);
        return ok;
}

/* ---- /proc/PID/cgroup and /proc/cgroups ---- */

/*
 * The registry's root as a cgroup path (what 0:: lines show): the path below
 * the cgroup2 mount holding it, after that mount's own root. Matched on the
 * text of the mount table, since cgcompatctl exec hides that mount.
 */
static char *root_cgroup_path(const struct registry *r, struct mount_table *t) {
        size_t best = 0;
        char *result = NULL;

        for (size_t i = 0; i < t->n; i++) {
                struct mount_entry *e = &t->e[i];
                if (strcmp(e->fstype, "cgroup2"))
                        continue;
                unescape(e->f[4]);
                unescape(e->f[3]);
                size_t n = strlen(e->f[4]);
                while (n > 0 && e->f[4][n - 1] == '/')
                        n--;
                if (strncmp(r->root, e->f[4], n) || (r->root[n] && r->root[n] != '/') || (result && n <= best))
                        continue;
                free(result);
                const char *below = r->root + n, *mnt_root = strcmp(e->f[3], "/") ? e->f[3] : "";
                if (asprintf(&result, "%s%s", mnt_root, *below || *mnt_root ? below : "/") < 0)
                        result = NULL;
                best = n;
        }
        return result;
}

/* This process's mount table, if it shows a view of the registry (else nothing is rewritten). */
static bool own_mount_table(struct registry *r, struct mount_table *t) {
        _cleanup_free_ char *mountinfo = read_file("/proc/self/mountinfo");
        if (!mountinfo || !mount_table_parse(mountinfo, t))
                return false;
        if (mount_table_classify(t, r))
                return true;
        mount_table_free(t);
        return false;
}

/*
 * The group of a v2 cgroup below the tree's root, its hidden leaf dropped: "a/b", "" for the
 * root. False outside the tree.
 */
static bool group_below_root(const char *cgroup, const char *root, const char *leaf, const char **ret,
                             size_t *ret_len) {
        size_t n = strcmp(root, "/") ? strlen(root) : 0;
        if (strncmp(cgroup, root, n) || (cgroup[n] && cgroup[n] != '/'))
                return false;
        const char *rel = cgroup + n + (cgroup[n] == '/');
        size_t len = strlen(rel), l = strlen(leaf);
        if (!strcmp(rel, leaf))
                len = 0;
        else if (len > l && rel[len - l - 1] == '/' && !strcmp(rel + len - l, leaf))
                len -= l + 1;
        *ret = rel;
        *ret_len = len;
        return true;
}

/* ---- the groups each view holds (DESIGN.md invariant 3) ---- */

/* As the daemon keeps them (backend/cgroupfs.c, compat/membership.h, compat/tree.h). */
#define STATE_PREFIX "trusted.cgcompat."
#define HELD_SET_MAX 2048  /* VIEW_FLAG_SET_MAX */
#define GROUP_NAME_MAX 1024
/* Deeper groups go uncounted in /proc/cgroups rather than cost the caller its fds and stack. */
#define WALK_DEPTH_MAX 256

/*
 * Does the held set ("\nkey\n...", "\n" for none) name @key? compat/membership.c's set_has(),
 * repeated because this library links nothing.
 */
static bool held_set_has(const char *set, const char *key) {
        size_t n = strlen(key);
        for (const char *p = strchr(set, '\n'); p; p = strchr(p + 1, '\n'))
                if (!strncmp(p + 1, key, n) && p[1 + n] == '\n')
                        return true;
        return false;
}

/*
 * The group's held set into @buf. False when it has none, which means every view holds it, and
 * when it cannot be read: the kernel lets only CAP_SYS_ADMIN read trusted.* (others get ENODATA,
 * or EPERM, EACCES, ENOTSUP), so an unprivileged caller sees every group in every view, the
 * paths as they were before views held their own.
 */
static bool read_held_set(int fd, char *buf, size_t size) {
        ssize_t n = fgetxattr(fd, STATE_PREFIX "held", buf, size - 1);
        if (n < 0)
                return false;
        buf[n] = 0;
        return true;
}

/* Of the views (bit k: r->views[k]) that hold the parent, those that hold the group @fd. */
static uint64_t held_by(const struct registry *r, int fd, uint64_t parent) {
        char set[HELD_SET_MAX];
        uint64_t mask = 0;

        if (!read_held_set(fd, set, sizeof(set)))
                return parent;
        for (size_t k = 0; k < r->n_views && k < 64; k++)
                if ((parent & (UINT64_C(1) << k)) && held_set_has(set, r->views[k].key))
                        mask |= UINT64_C(1) << k;
        return mask;
}

/* The group's legacy name (a rename, or a name v2 keeps for a file), else (or unprivileged) its v2 name. */
static const char *legacy_name(int fd, const char *v2_name, char *buf, size_t size) {
        ssize_t n = fd >= 0 ? fgetxattr(fd, STATE_PREFIX "name", buf, size - 1) : -1;
        if (n <= 0)
                return v2_name;
        buf[n] = 0;
        return buf;
}

/*
 * The tree's root, to read what the daemon keeps there. Through the daemon's own root first:
 * the registry's path is the daemon's, and cgcompatctl exec can hide the cgroup2 mount under
 * the legacy root (on a pure v2 machine it is at /sys/fs/cgroup). Only privileged callers may
 * look there; others take the path in their own namespace. Only a cgroup2 directory is taken,
 * never anything served over FUSE.
 */
static int open_tree_root(const struct registry *r) {
        char path[PATH_MAX];
        struct statfs sf;
        fstatfs_fn real = real_fstatfs();
        int fd = -1;

        if (r->pid && all_digits(r->pid, strlen(r->pid)) &&
            snprintf(path, sizeof(path), "/proc/%s/root%s", r->pid, r->root) < (int) sizeof(path))
                fd = raw_open_dir(AT_FDCWD, path);
        if (fd < 0)
                fd = raw_open_dir(AT_FDCWD, r->root);
        if (fd >= 0 && (!real || real(fd, &sf) < 0 || sf.f_type != CGROUP2_SUPER_MAGIC_VALUE)) {
                close(fd);
                return -1;
        }
        return fd;
}

/*
 * The group view @k shows a task of the v2 group @rel (@len bytes, "" for the root) in: its
 * groups from the tree root (@root_fd) down while the view holds them, by legacy names. A group
 * that cannot be opened counts as held, by its v2 name: the path as it was before views held
 * their own.
 */
static bool view_path(const struct registry *r, int root_fd, size_t k, const char *rel, size_t len, struct text *out) {
        _cleanup_free_ char *copy = strndup(rel, len);
        _cleanup_close_ int fd = -1;
        size_t start = out->len;
        int parent = root_fd;

        if (!copy)
                return false;
        for (char *save = NULL, *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
                char name[GROUP_NAME_MAX + 1];
                int child = parent >= 0 ? raw_open_dir(parent, c) : -1;
                closep(&fd);
                parent = fd = child;
                if (fd >= 0 && k < 64 && !held_by(r, fd, UINT64_C(1) << k))
                        break;
                if (!text_adds(out, "/") || !text_adds(out, legacy_name(fd, c, name, sizeof(name))))
                        return false;
        }
        return out->len > start || text_adds(out, "/");
}

/* Where a task is in the tree: below its root (the group @rel, @len bytes, "" for the root) or not. */
struct placement {
        bool inside;
        const char *rel;
        size_t len;
        int root_fd;
};

/* View @k's line of /proc/PID/cgroup, "<id>:<subsystems>:<path>", as the kernel writes it: 0:: for cgroup2. */
static bool cgroup_line(const struct registry *r, size_t k, const struct placement *p, struct text *out) {
        const struct view *v = &r->views[k];
        char id[16];

        snprintf(id, sizeof(id), "%u:", v->id);
        return text_adds(out, id) && text_adds(out, v->as == AS_CGROUP ? v->key : "") && text_adds(out, ":") &&
               (p->inside ? view_path(r, p->root_fd, k, p->rel, p->len, out) : text_adds(out, "/")) &&
               text_adds(out, "\n");
}

static bool rewrite_cgroup(const char *dir, struct registry *r, struct text *out) {
        char path[PROC_DIR_MAX + 16];

        snprintf(path, sizeof(path), "%s/cgroup", dir);
        _cleanup_free_ char *cgroup = read_file(path), *root = NULL;
        struct mount_table t;
        if (!cgroup || !own_mount_table(r, &t))
                return false;
        root = root_cgroup_path(r, &t);
        mount_table_free(&t);
        if (!root)
                return false;
        char *v2_line = !strncmp(cgroup, "0::", 3) ? cgroup : strstr(cgroup, "\n0::");
        if (!v2_line)
                return false;
        if (*v2_line == '\n')
                v2_line++;
        char *end = strchr(v2_line, '\n');
        if (end)
                *end = 0;
        struct placement p = {};
        /* Outside the tree, every view shows the task at its root, where v1 shows a task nobody moved. */
        p.inside = group_below_root(v2_line + 3, root, r->leaf, &p.rel, &p.len);
        _cleanup_close_ int root_fd = p.inside ? open_tree_root(r) : -1;
        p.root_fd = root_fd;
        bool ok = true;
        for (size_t k = 0; k < r->n_views && ok; k++)
                if (r->views[k].as == AS_CGROUP)
                        ok = cgroup_line(r, k, &p, out);
        /* The hybrid layout's 0:: line is its unified hierarchy's; without one, the kernel's own. */
        size_t u = 0;
        while (u < r->n_views && r->views[u].as != AS_CGROUP2)
                u++;
        if (u < r->n_views)
                return ok && cgroup_line(r, u, &p, out);
        return ok && text_adds(out, v2_line) && text_adds(out, "\n");
}

/* The view whose key lists the subsystem (its subsystems comma-separated, or name=X: none), NULL if none. */
static const struct view *hierarchy_of(const struct registry *r, const char *subsystem) {
        size_t n = strlen(subsystem);
        for (size_t k = 0; k < r->n_views; k++)
                for (const char *p = r->views[k].key; r->views[k].as == AS_CGROUP && p;
                     p = strchr(p, ','), p = p ? p + 1 : NULL)
                        if (!strncmp(p, subsystem, n) && (p[n] == ',' || !p[n]))
                                return &r->views[k];
        return NULL;
}

static void add_held(const struct registry *r, uint64_t held, size_t *counts) {
        for (size_t k = 0; k < r->n_views && k < 64; k++)
                counts[k] += (held >> k) & 1;
}

/* Counts the groups below @fd (which it closes) that each view holds: only where it holds the parent. */
static void count_below(const struct registry *r, int fd, uint64_t held, unsigned depth, size_t *counts) {
        DIR *d = fdopendir(fd);
        struct dirent *de;

        if (!d) {
                close(fd);
                return;
        }
        while ((de = readdir(d))) {
                if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
                    !strcmp(de->d_name, r->leaf))
                        continue;
                int child = raw_open_dir(dirfd(d), de->d_name);
                if (child < 0)
                        continue; /* removed meanwhile */
                uint64_t mask = held_by(r, child, held);
                add_held(r, mask, counts);
                if (mask && depth < WALK_DEPTH_MAX)
                        count_below(r, child, mask, depth + 1, counts);
                else
                        close(child);
        }
        closedir(d);
}

/*
 * num_cgroups of each view (counts[k] for r->views[k]): the groups it holds, its root among them,
 * in one walk of the v2 tree. False if the tree cannot be read: the kernel's numbers stay.
 */
static bool count_groups(const struct registry *r, size_t *counts) {
        uint64_t every = r->n_views >= 64 ? UINT64_MAX : (UINT64_C(1) << r->n_views) - 1;
        int fd = open_tree_root(r);
        if (fd < 0)
                return false;
        add_held(r, every, counts);
        count_below(r, fd, every, 1, counts);
        return true;
}

static bool rewrite_cgroups(struct registry *r, struct text *out) {
        _cleanup_free_ char *cgroups = read_file("/proc/cgroups");
        _cleanup_free_ size_t *counts = calloc(r->n_views ? r->n_views : 1, sizeof(size_t));
        struct mount_table t;
        if (!cgroups || !counts || !own_mount_table(r, &t))
                return false;
        mount_table_free(&t);
        bool counted = count_groups(r, counts), ok = true;
        for (char *line = cgroups, *next; *line && ok; line = next) {
                next = strchr(line, '\n');
                next = next ? next + 1 : line + strlen(line);
                char *f[4];
                if (next[-1] == '\n')
                        next[-1] = 0;
                if (line[0] == '#' || split(line, '\t', f, 4) != 4) {
                        ok = text_adds(out, line) && text_adds(out, "\n");
                        continue;
                }
                const struct view *v = hierarchy_of(r, f[0]);
                char id[16], num[32];
                snprintf(id, sizeof(id), "%u", v ? v->id : 0);
                /* A subsystem in no view keeps the kernel's number. */
                if (v && counted)
                        snprintf(num, sizeof(num), "%zu", counts[v - r->views]);
                else
                        snprintf(num, sizeof(num), "%s", f[2]);
                ok = text_adds(out, f[0]) && text_adds(out, "\t") && text_adds(out, id) && text_adds(out, "\t") &&
                     text_adds(out, num) && text_adds(out, "\t") && text_adds(out, f[3]) && text_adds(out, "\n");
        }
        return ok;
}

/* ---- which paths, and serving them ---- */

enum kind { K_NONE, K_MOUNTS, K_MOUNTINFO, K_CGROUP, K_CGROUPS };

/* Is path one of ours? Sets dir to the /proc directory its siblings are read from. */
static enum kind classify(const char *path, char *dir, size_t size) {
        static const struct {
                const char *name;
                enum kind kind;
        } files[] = { { "mounts", K_MOUNTS }, { "mountinfo", K_MOUNTINFO }, { "cgroup", K_CGROUP } };

        if (!strcmp(path, "/proc/mounts") || !strcmp(path, "/etc/mtab")) {
                if (path[1] == 'e') { /* only when it is the usual link to the kernel's table */
                        char target[PATH_MAX];
                        ssize_t n = readlink(path, target, sizeof(target) - 1);
                        if (n < 0)
                                return K_NONE;
                        target[n] = 0;
                        if (strcmp(target, "/proc/self/mounts") && strcmp(target, "../proc/self/mounts") &&
                            strcmp(target, "/proc/mounts"))
                                return K_NONE;
                }
                snprintf(dir, size, "/proc/self");
                return K_MOUNTS;
        }
        if (!strcmp(path, "/proc/cgroups"))
                return K_CGROUPS;
        if (strncmp(path, "/proc/", 6))
                return K_NONE;
        const char *p = path + 6, *slash = strchr(p, '/');
        if (!slash)
                return K_NONE;
        size_t n = (size_t) (slash - p);
        if (!(n == 4 && !strncmp(p, "self", 4)) && !(n == 11 && !strncmp(p, "thread-self", 11)) && !all_digits(p, n))
                return K_NONE;
        p = slash + 1;
        if (!strncmp(p, "task/", 5)) {
                slash = strchr(p + 5, '/');
                if (!slash || !all_digits(p + 5, (size_t) (slash - p - 5)))
                        return K_NONE;
                p = slash + 1;
        }
        for (size_t i = 0; i < ELEMENTSOF(files); i++)
                if (!strcmp(p, files[i].name)) {
                        if ((size_t) (p - 1 - path) >= size)
                                return K_NONE;
                        memcpy(dir, path, (size_t) (p - 1 - path));
                        dir[p - 1 - path] = 0;
                        return files[i].kind;
                }
        return K_NONE;
}

/* Relative names are made absolute only when they could be ours (their last component says). */
static enum kind classify_at(int dirfd, const char *path, char *dir, size_t size) {
        char base[PATH_MAX], full[PATH_MAX];

        if (!path)
                return K_NONE;
        if (path[0] == '/')
                return classify(path, dir, size);
        const char *last = strrchr(path, '/');
        last = last ? last + 1 : path;
        if (strcmp(last, "mounts") && strcmp(last, "mountinfo") && strcmp(last, "cgroup") && strcmp(last, "cgroups") &&
            strcmp(last, "mtab"))
                return K_NONE;
        if (dirfd == AT_FDCWD) {
                if (!getcwd(base, sizeof(base)))
                        return K_NONE;
        } else {
                char link[64];
                snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
                ssize_t n = readlink(link, base, sizeof(base) - 1);
                if (n < 0)
                        return K_NONE;
                base[n] = 0;
        }
        if (snprintf(full, sizeof(full), "%s/%s", strcmp(base, "/") ? base : "", path) >= (int) sizeof(full))
                return K_NONE;
        return classify(full, dir, size);
}

/* The rewritten text as a read-only, sealed memfd at offset 0. */
static int serve(const struct text *t, bool cloexec) {
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
        struct registry r;
        struct text out = {};
        bool ok = false;
        int saved = errno;

        if ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_PATH | O_DIRECTORY | O_CREAT)))
                return PASS_THROUGH;
        enum kind kind = classify_at(dirfd, path, dir, sizeof(dir));
        if (kind == K_NONE || !registry_load(&r)) {
                if (kind != K_NONE)
                        registry_free(&r);
                errno = saved;
                return PASS_THROUGH;
        }
        switch (kind) {
        case K_MOUNTS:
                ok = rewrite_mounts(dir, &r, &out);
                break;
        case K_MOUNTINFO:
                ok = rewrite_mountinfo(dir, &r, &out);
                break;
        case K_CGROUP:
                ok = rewrite_cgroup(dir, &r, &out);
                break;
        case K_CGROUPS:
                ok = rewrite_cgroups(&r, &out);
                break;
        case K_NONE:
                break;
        }
        registry_free(&r);
        int fd = ok ? serve(&out, flags & O_CLOEXEC) : -1;
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
        struct registry r;
        char wanted[32];
        long type = 0;

        if (!registry_load(&r)) {
                registry_free(&r);
                return 0;
        }
        snprintf(wanted, sizeof(wanted), "%u:%u", major(dev), minor(dev));
        struct mount_table t;
        if (own_mount_table(&r, &t)) {
                for (size_t k = 0; k < r.n_views && !type; k++)
                        if (r.views[k].as != AS_ITSELF && !strcmp(r.views[k].dev, wanted))
                                type = r.views[k].as == AS_CGROUP2 ? CGROUP2_SUPER_MAGIC_VALUE : CGROUP_SUPER_MAGIC_V1;
                mount_table_free(&t);
        }
        registry_free(&r);
        return type;
}

/*
 * What statfs shows: @f_type, or in a view the type it is shown as. A view is FUSE to the kernel:
 * only then is the device looked up, so the common case costs nothing.
 */
static long shown_fs_type(long f_type, const char *path, int fd) {
        struct stat st;
        int saved = errno;
        long type = f_type == FUSE_SUPER_MAGIC_VALUE && (path ? stat(path, &st) : fstat(fd, &st)) == 0
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
