/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one generator of the cgroup-v1 layout legacy programs are shown
 * (tools/legacy_layout.h). Linked into libcgcompat-preload.so, so libc only,
 * and every file is read with raw system calls: an open() or fstatfs() here
 * would be the preload's own.
 *
 * A view is recognised in a mount table by its device (the registry's
 * `device` lines, wherever it is bound: the legacy root, /sys/fs/cgroup in
 * cgcompatctl exec's namespace, a container's bind of its own group), else
 * by its mount point in the registry. The machine's own v1 hierarchies and
 * cgroup2 mounts are dropped: the views replace them. The hybrid layout's
 * cgroup2 is the unified view, never the machine's (DESIGN.md invariant 3);
 * without one the layout is systemd's legacy one, which mounted no cgroup2
 * either, though the kernel still shows the 0:: line.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "legacy_layout.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "compat/macro.h"

#define DEFAULT_RUNTIME_DIR "/run/cgcompat"
#define MAX_FIELDS 64
/* Where a v1 host mounts its hierarchies: the mount shown when a view is bound in several places. */
#define LEGACY_CGROUP_DIR "/sys/fs/cgroup/"

/* Straight to the kernel: in the preload, the libc names are our own wrappers. */
static int raw_openat(int dirfd, const char *name, int flags) {
        return (int) syscall(SYS_openat, dirfd, name, flags | O_CLOEXEC, 0);
}

static int raw_open_dir(int dirfd, const char *name) {
        return raw_openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
}

static int raw_fstatfs(int fd, struct statfs *sf) {
        return (int) syscall(SYS_fstatfs, fd, sf);
}

/* ---- small text helpers ---- */

static bool text_add(struct layout_text *t, const char *s, size_t n) {
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

static bool text_adds(struct layout_text *t, const char *s) {
        return text_add(t, s, strlen(s));
}

/* A whole file, NUL-terminated; /proc files report no size, so read until EOF. */
static char *read_file(int dirfd, const char *name) {
        struct layout_text t = {};
        char chunk[4096];
        ssize_t n;

        _cleanup_close_ int fd = raw_openat(dirfd, name, O_RDONLY);
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

bool layout_is_pid_name(const char *s, size_t n) {
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
        enum shown_as as;   /* cgroup-v1 views as cgroup, the unified view as cgroup2 */
        const char *key;    /* "cpu,cpuacct", "name=systemd" */
        const char *mount;  /* as the daemon mounted it */
        const char *device; /* "major:minor" of its FUSE mount, from the registry; NULL if not given */
        char dev[32];       /* "major:minor" as found in the mount table being rewritten */
        unsigned id;        /* hierarchy id shown for it: 1, 2, ... in registry order */
};

struct layout {
        char *text;
        const char *pid, *root, *leaf; /* the daemon's pid, and the tree's root in its mount namespace */
        struct view *views;
        size_t n_views;
};

void layout_free(struct layout *l) {
        if (!l)
                return;
        free(l->text);
        free(l->views);
        free(l);
}

static struct view *view_mounted_at(struct layout *l, const char *mount) {
        for (size_t k = 0; k < l->n_views; k++)
                if (!strcmp(l->views[k].mount, mount))
                        return &l->views[k];
        return NULL;
}

/* One line of the registry (daemon/registry.c), split in place; unknown lines are for later versions. */
static void registry_line(struct layout *l, char *line, unsigned *id) {
        char *f[4];
        /* The path comes last and may hold spaces: split the first fields only. */
        size_t n = split(line, ' ', f, !strncmp(line, "view ", 5) ? 4 : !strncmp(line, "device ", 7) ? 3 : 2);

        if (n == 2 && !strcmp(f[0], "pid") && layout_is_pid_name(f[1], strlen(f[1])))
                l->pid = f[1]; /* read as /proc/PID: only a number */
        else if (n == 2 && !strcmp(f[0], "root"))
                l->root = f[1];
        else if (n == 2 && !strcmp(f[0], "leaf"))
                l->leaf = f[1];
        else if (n == 4 && !strcmp(f[0], "view")) {
                struct view *v = &l->views[l->n_views++];
                v->as = !strcmp(f[1], "cgroup-v1") ? AS_CGROUP : !strcmp(f[1], "unified") ? AS_CGROUP2 : AS_ITSELF;
                v->key = f[2];
                v->mount = f[3];
                v->id = v->as == AS_CGROUP ? ++*id : 0; /* cgroup2's is 0 */
        } else if (n == 3 && !strcmp(f[0], "device")) {
                struct view *v = view_mounted_at(l, f[2]);
                if (v)
                        v->device = f[1];
        }
}

int layout_load(const char *runtime_dir, struct layout **ret) {
        const char *dir = runtime_dir ? runtime_dir : getenv("CGCOMPAT_RUNTIME_DIR");
        char path[PATH_MAX];
        unsigned id = 0;

        if (snprintf(path, sizeof(path), "%s/views", dir && *dir ? dir : DEFAULT_RUNTIME_DIR) >= (int) sizeof(path))
                return -ENAMETOOLONG;
        struct layout *l = calloc(1, sizeof(*l));
        if (!l)
                return -ENOMEM;
        l->text = read_file(AT_FDCWD, path);
        if (!l->text) {
                int r = negative_errno();
                layout_free(l);
                return r;
        }
        size_t lines = 1;
        for (const char *p = l->text; *p; p++)
                lines += *p == '\n';
        l->views = calloc(lines, sizeof(struct view));
        if (!l->views) {
                layout_free(l);
                return -ENOMEM;
        }
        for (char *line = l->text, *next; line && *line; line = next) {
                next = strchr(line, '\n');
                if (next)
                        *next++ = 0;
                registry_line(l, line, &id);
        }
        if (!l->root || !l->leaf) {
                layout_free(l);
                return -EBADMSG;
        }
        *ret = l;
        return 0;
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

/* The view's device: the registry's, else that of the mount at the view's own mount point here. */
static void find_view_devices(struct mount_table *t, struct layout *l) {
        for (size_t k = 0; k < l->n_views; k++) {
                struct view *v = &l->views[k];
                v->dev[0] = 0;
                if (v->device)
                        snprintf(v->dev, sizeof(v->dev), "%s", v->device);
        }
        for (size_t i = 0; i < t->n; i++) {
                struct mount_entry *e = &t->e[i];
                if (strcmp(e->fstype, "fuse.cgcompat"))
                        continue;
                char mountpoint[PATH_MAX];
                snprintf(mountpoint, sizeof(mountpoint), "%s", e->f[4]);
                unescape(mountpoint);
                struct view *v = view_mounted_at(l, mountpoint);
                if (v && !v->dev[0])
                        snprintf(v->dev, sizeof(v->dev), "%s", e->f[2]);
        }
}

static bool under_legacy_dir(const struct mount_entry *e) {
        return !strncmp(e->f[4], LEGACY_CGROUP_DIR, strlen(LEGACY_CGROUP_DIR));
}

/* The view on the device of a fuse.cgcompat line, the container view included; NULL if none. */
static struct view *view_on_device(struct layout *l, const struct mount_entry *e) {
        if (strcmp(e->fstype, "fuse.cgcompat"))
                return NULL;
        for (size_t k = 0; k < l->n_views; k++)
                if (l->views[k].dev[0] && !strcmp(e->f[2], l->views[k].dev))
                        return &l->views[k];
        return NULL;
}

/*
 * Which lines are views and which go. The daemon stacks each view on itself (so that an
 * outside umount takes only the top layer): one line per view and place. A view bound in
 * several places (the legacy root, and /sys/fs/cgroup in cgcompatctl exec's namespace) is
 * shown once, as a v1 host mounts each hierarchy once: where /sys/fs/cgroup has it, else
 * where it is first. False: no cgroup view here.
 */
static bool mount_table_classify(struct mount_table *t, struct layout *l) {
        bool found = false;

        find_view_devices(t, l);
        for (size_t i = 0; i < t->n; i++) {
                struct mount_entry *e = &t->e[i];
                if (!strcmp(e->fstype, "cgroup") || !strcmp(e->fstype, "cgroup2")) {
                        e->disposition = DROP;
                        continue;
                }
                struct view *v = view_on_device(l, e);
                if (!v)
                        continue;
                for (size_t j = 0; j < i && e->disposition != DROP; j++)
                        if (view_on_device(l, &t->e[j]) == v && !strcmp(t->e[j].f[4], e->f[4]))
                                e->disposition = DROP; /* the layer below, or above, at the same place */
                if (e->disposition == DROP || v->as == AS_ITSELF)
                        continue;
                e->view = v;
                found = true;
                struct mount_entry *shown = NULL;
                for (size_t j = 0; j < i && !shown; j++)
                        if (t->e[j].view == v && t->e[j].disposition == VIEW)
                                shown = &t->e[j];
                if (!shown)
                        e->disposition = VIEW;
                else if (!under_legacy_dir(shown) && under_legacy_dir(e)) {
                        shown->disposition = DROP;
                        e->disposition = VIEW;
                } else
                        e->disposition = DROP;
        }
        return found;
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
static bool subsystem_options(struct layout_text *out, const struct view *v) {
        return v->as != AS_CGROUP || (text_adds(out, ",") && text_adds(out, v->key));
}

static bool mountinfo_line(struct layout_text *out, const struct mount_entry *e) {
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
static bool mounts_line(struct layout_text *out, const struct mount_entry *e, const char *line, size_t len) {
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
static bool rewrite_mounts(int task_fd, struct layout *l, struct layout_text *out) {
        for (int attempt = 0; attempt < 5; attempt++) {
                _cleanup_free_ char *mountinfo = NULL, *mounts = NULL;
                struct mount_table t;

                mountinfo = read_file(task_fd, "mountinfo");
                mounts = mountinfo ? read_file(task_fd, "mounts") : NULL;
                if (!mounts || !mount_table_parse(mountinfo, &t))
                        return false;
                if (!mount_table_classify(&t, l)) {
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

static bool rewrite_mountinfo(int task_fd, struct layout *l, struct layout_text *out) {
        struct mount_table t;

        _cleanup_free_ char *mountinfo = read_file(task_fd, "mountinfo");
        if (!mountinfo || !mount_table_parse(mountinfo, &t))
                return false;
        bool ok = mount_table_classify(&t, l);
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
static char *root_cgroup_path_in(const struct layout *l, struct mount_table *t) {
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
                if (strncmp(l->root, e->f[4], n) || (l->root[n] && l->root[n] != '/') || (result && n <= best))
                        continue;
                free(result);
                const char *below = l->root + n, *mnt_root = strcmp(e->f[3], "/") ? e->f[3] : "";
                if (asprintf(&result, "%s%s", mnt_root, *below || *mnt_root ? below : "/") < 0)
                        result = NULL;
                best = n;
        }
        return result;
}

/* The reader's mount table, if it shows a view of the registry (else nothing is rewritten). */
static bool reader_mount_table(struct layout *l, int reader_fd, struct mount_table *t) {
        _cleanup_free_ char *mountinfo = read_file(reader_fd, "mountinfo");
        if (!mountinfo || !mount_table_parse(mountinfo, t))
                return false;
        if (mount_table_classify(t, l))
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

/* Of the views (bit k: l->views[k]) that hold the parent, those that hold the group @fd. */
static uint64_t held_by(const struct layout *l, int fd, uint64_t parent) {
        char set[HELD_SET_MAX];
        uint64_t mask = 0;

        if (!read_held_set(fd, set, sizeof(set)))
                return parent;
        for (size_t k = 0; k < l->n_views && k < 64; k++)
                if ((parent & (UINT64_C(1) << k)) && held_set_has(set, l->views[k].key))
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
static int open_tree_root(const struct layout *l) {
        char path[PATH_MAX];
        struct statfs sf;
        int fd = -1;

        if (l->pid &&
            snprintf(path, sizeof(path), "/proc/%s/root%s", l->pid, l->root) < (int) sizeof(path))
                fd = raw_open_dir(AT_FDCWD, path);
        if (fd < 0)
                fd = raw_open_dir(AT_FDCWD, l->root);
        if (fd >= 0 && (raw_fstatfs(fd, &sf) < 0 || sf.f_type != LAYOUT_CGROUP2_SUPER_MAGIC)) {
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
static bool view_path(const struct layout *l, int root_fd, size_t k, const char *rel, size_t len, struct layout_text *out) {
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
                if (fd >= 0 && k < 64 && !held_by(l, fd, UINT64_C(1) << k))
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
static bool cgroup_line(const struct layout *l, size_t k, const struct placement *p, struct layout_text *out) {
        const struct view *v = &l->views[k];
        char id[16];

        snprintf(id, sizeof(id), "%u:", v->id);
        return text_adds(out, id) && text_adds(out, v->as == AS_CGROUP ? v->key : "") && text_adds(out, ":") &&
               (p->inside ? view_path(l, p->root_fd, k, p->rel, p->len, out) : text_adds(out, "/")) &&
               text_adds(out, "\n");
}

/*
 * The registry's root is a path in the daemon's mount namespace: its cgroup path comes from the
 * daemon's mount table, which a container's lacks (its cgroup2 is hidden or was never mounted).
 * The reader's own table is the fallback when the daemon's pid means nothing in our pid
 * namespace. Both tables show cgroup roots in our cgroup namespace, as /proc/PID/cgroup does.
 */
static char *root_cgroup_path(struct layout *l, int reader_fd) {
        struct mount_table t;
        char *root = NULL;

        if (l->pid) {
                char path[64];
                snprintf(path, sizeof(path), "/proc/%s/mountinfo", l->pid);
                _cleanup_free_ char *mountinfo = read_file(AT_FDCWD, path);
                if (mountinfo && mount_table_parse(mountinfo, &t)) {
                        root = root_cgroup_path_in(l, &t);
                        mount_table_free(&t);
                }
        }
        if (!root && reader_mount_table(l, reader_fd, &t)) {
                root = root_cgroup_path_in(l, &t);
                mount_table_free(&t);
        }
        return root;
}

static bool rewrite_cgroup(int task_fd, int reader_fd, struct layout *l, struct layout_text *out) {
        _cleanup_free_ char *cgroup = read_file(task_fd, "cgroup"), *root = NULL;
        struct mount_table t;
        if (!cgroup || !reader_mount_table(l, reader_fd, &t))
                return false;
        mount_table_free(&t);
        root = root_cgroup_path(l, reader_fd);
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
        p.inside = group_below_root(v2_line + 3, root, l->leaf, &p.rel, &p.len);
        _cleanup_close_ int root_fd = p.inside ? open_tree_root(l) : -1;
        p.root_fd = root_fd;
        bool ok = true;
        for (size_t k = 0; k < l->n_views && ok; k++)
                if (l->views[k].as == AS_CGROUP)
                        ok = cgroup_line(l, k, &p, out);
        /* The hybrid layout's 0:: line is its unified hierarchy's; without one, the kernel's own. */
        size_t u = 0;
        while (u < l->n_views && l->views[u].as != AS_CGROUP2)
                u++;
        if (u < l->n_views)
                return ok && cgroup_line(l, u, &p, out);
        return ok && text_adds(out, v2_line) && text_adds(out, "\n");
}

/* The view whose key lists the subsystem (its subsystems comma-separated, or name=X: none), NULL if none. */
static const struct view *hierarchy_of(const struct layout *l, const char *subsystem) {
        size_t n = strlen(subsystem);
        for (size_t k = 0; k < l->n_views; k++)
                for (const char *p = l->views[k].key; l->views[k].as == AS_CGROUP && p;
                     p = strchr(p, ','), p = p ? p + 1 : NULL)
                        if (!strncmp(p, subsystem, n) && (p[n] == ',' || !p[n]))
                                return &l->views[k];
        return NULL;
}

static void add_held(const struct layout *l, uint64_t held, size_t *counts) {
        for (size_t k = 0; k < l->n_views && k < 64; k++)
                counts[k] += (held >> k) & 1;
}

/* Counts the groups below @fd (which it closes) that each view holds: only where it holds the parent. */
static void count_below(const struct layout *l, int fd, uint64_t held, unsigned depth, size_t *counts) {
        DIR *d = fdopendir(fd);
        struct dirent *de;

        if (!d) {
                close(fd);
                return;
        }
        while ((de = readdir(d))) {
                if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
                    !strcmp(de->d_name, l->leaf))
                        continue;
                int child = raw_open_dir(dirfd(d), de->d_name);
                if (child < 0)
                        continue; /* removed meanwhile */
                uint64_t mask = held_by(l, child, held);
                add_held(l, mask, counts);
                if (mask && depth < WALK_DEPTH_MAX)
                        count_below(l, child, mask, depth + 1, counts);
                else
                        close(child);
        }
        closedir(d);
}

/*
 * num_cgroups of each view (counts[k] for l->views[k]): the groups it holds, its root among them,
 * in one walk of the v2 tree. False if the tree cannot be read: the kernel's numbers stay.
 */
static bool count_groups(const struct layout *l, size_t *counts) {
        uint64_t every = l->n_views >= 64 ? UINT64_MAX : (UINT64_C(1) << l->n_views) - 1;
        int fd = open_tree_root(l);
        if (fd < 0)
                return false;
        add_held(l, every, counts);
        count_below(l, fd, every, 1, counts);
        return true;
}

static bool rewrite_cgroups(int proc_root_fd, int reader_fd, struct layout *l, struct layout_text *out) {
        _cleanup_free_ char *cgroups = read_file(proc_root_fd, "cgroups");
        _cleanup_free_ size_t *counts = calloc(l->n_views ? l->n_views : 1, sizeof(size_t));
        struct mount_table t;
        if (!cgroups || !counts || !reader_mount_table(l, reader_fd, &t))
                return false;
        mount_table_free(&t);
        bool counted = count_groups(l, counts), ok = true;
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
                const struct view *v = hierarchy_of(l, f[0]);
                char id[16], num[32];
                snprintf(id, sizeof(id), "%u", v ? v->id : 0);
                /* A subsystem in no view keeps the kernel's number. */
                if (v && counted)
                        snprintf(num, sizeof(num), "%zu", counts[v - l->views]);
                else
                        snprintf(num, sizeof(num), "%s", f[2]);
                ok = text_adds(out, f[0]) && text_adds(out, "\t") && text_adds(out, id) && text_adds(out, "\t") &&
                     text_adds(out, num) && text_adds(out, "\t") && text_adds(out, f[3]) && text_adds(out, "\n");
        }
        return ok;
}

/* ---- what the mechanisms call ---- */

enum layout_file layout_file_in_pid_dir(const char *name) {
        static const struct {
                const char *name;
                enum layout_file file;
        } files[] = {
                { "mounts", LAYOUT_MOUNTS },
                { "mountinfo", LAYOUT_MOUNTINFO },
                { "cgroup", LAYOUT_CGROUP },
        };

        for (size_t i = 0; i < ELEMENTSOF(files); i++)
                if (!strcmp(name, files[i].name))
                        return files[i].file;
        return LAYOUT_NONE;
}

enum layout_file layout_file_in_proc_root(const char *name) {
        return !strcmp(name, "cgroups") ? LAYOUT_CGROUPS : LAYOUT_NONE;
}

int layout_generate(struct layout *l, enum layout_file file, int task_dir_fd, int reader_dir_fd,
                    struct layout_text *out) {
        bool ok = false;

        switch (file) {
        case LAYOUT_MOUNTS:
                ok = rewrite_mounts(task_dir_fd, l, out);
                break;
        case LAYOUT_MOUNTINFO:
                ok = rewrite_mountinfo(task_dir_fd, l, out);
                break;
        case LAYOUT_CGROUP:
                ok = rewrite_cgroup(task_dir_fd, reader_dir_fd, l, out);
                break;
        case LAYOUT_CGROUPS:
                ok = rewrite_cgroups(task_dir_fd, reader_dir_fd, l, out);
                break;
        case LAYOUT_NONE:
                break;
        }
        return ok ? 0 : -ENOENT;
}

long layout_fs_type(struct layout *l, int reader_dir_fd, dev_t dev) {
        struct mount_table t;
        char wanted[32];
        long type = 0;

        snprintf(wanted, sizeof(wanted), "%u:%u", major(dev), minor(dev));
        if (!reader_mount_table(l, reader_dir_fd, &t))
                return 0;
        for (size_t k = 0; k < l->n_views && !type; k++)
                if (l->views[k].as != AS_ITSELF && !strcmp(l->views[k].dev, wanted))
                        type = l->views[k].as == AS_CGROUP2 ? LAYOUT_CGROUP2_SUPER_MAGIC : LAYOUT_CGROUP_SUPER_MAGIC;
        mount_table_free(&t);
        return type;
}
