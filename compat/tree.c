/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "tree.h"

#include <assert.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "leaf_limits.h"
#include "legacy_file.h"
#include "macro.h"
#include "membership.h"
#include "view_set.h"

/* The private v2 name of a group whose legacy name v2 cannot take. */
#define ALIAS_FORMAT "cgcompat-%08x"

static void closedirp(DIR **d) {
        if (*d)
                closedir(*d);
}

/* A fresh directory stream on @fd, with its own offset. */
static int open_dir_stream(int fd, DIR **ret) {
        int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return negative_errno();
        DIR *d = fdopendir(dfd);
        if (!d) {
                int r = negative_errno();
                close(dfd);
                return r;
        }
        *ret = d;
        return 0;
}

/* Every controller the root may use is handed down the whole tree, as runc and systemd's Delegate= do. */
static int read_controllers(struct compat_tree *t) {
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        int r;

        r = t->backend->read_file(t->root_fd, "cgroup.controllers", &text, NULL);
        if (r < 0)
                return r;
        for (char *save = NULL, *c = strtok_r(text, " \n", &save); c; c = strtok_r(NULL, " \n", &save)) {
                int n = snprintf(t->controllers + len, sizeof(t->controllers) - len, "%s+%s", len ? " " : "", c);
                if (n < 0 || (size_t) n >= sizeof(t->controllers) - len)
                        return -ENAMETOOLONG;
                len += (size_t) n;
        }
        return 0;
}

static int enable_controllers(const struct compat_tree *t, int fd) {
        if (!t->controllers[0])
                return 0;
        return t->backend->write_file(fd, "cgroup.subtree_control", t->controllers, strlen(t->controllers));
}

static void find_offered_rows(struct compat_tree *t) {
        size_t n = legacy_file_count();
        assert(n <= ELEMENTSOF(t->offered));
        for (size_t row = 0; row < n; row++) {
                const struct legacy_file *f = legacy_file_at(row);
                struct stat st;
                t->offered[row] = !f->requires || t->backend->stat(t->root_fd, f->requires, &st) >= 0;
        }
}

void tree_find_root_cgroup(struct compat_tree *t) {
        char mount[PATH_MAX];
        size_t len;

        if (cgroup2_mount_point(mount, sizeof(mount)) < 0)
                return;
        len = strlen(mount);
        if (strncmp(t->root_path, mount, len) || (t->root_path[len] && t->root_path[len] != '/'))
                return;
        snprintf(t->root_cgroup, sizeof(t->root_cgroup), "%s", t->root_path[len] ? t->root_path + len : "/");
}

bool tree_offers(const struct compat_tree *t, size_t row) {
        return row < ELEMENTSOF(t->offered) && t->offered[row];
}

int tree_open(struct compat_tree *t, const struct backend_ops *backend, const char *root, const char *leaf) {
        struct stat st;
        int r;

        if (!leaf[0] || strchr(leaf, '/') || strlen(leaf) > NAME_MAX || !strcmp(leaf, ".") || !strcmp(leaf, ".."))
                return -EINVAL;
        if (strlen(root) >= sizeof(t->root_path))
                return -ENAMETOOLONG;

        *t = (struct compat_tree) { .backend = backend, .root_fd = -1 };
        strcpy(t->root_path, root);
        strcpy(t->leaf, leaf);
        r = backend->open_root(root, &t->root_fd);
        if (r >= 0)
                r = backend->stat(t->root_fd, NULL, &st);
        if (r >= 0)
                r = read_controllers(t);
        if (r >= 0)
                r = enable_controllers(t, t->root_fd);
        if (r < 0) {
                tree_close(t);
                return r;
        }
        t->root_ino = st.st_ino;
        find_offered_rows(t);
        tree_find_root_cgroup(t);
        return 0;
}

void tree_close(struct compat_tree *t) {
        closep(&t->root_fd);
        t->root_fd = -1;
}

int tree_get_flag(const struct compat_tree *t, int fd, const char *key) {
        char value[2];
        int r = t->backend->get_state(fd, key, value, sizeof(value));
        if (r == -ENODATA || r == -ERANGE)
                return r == -ERANGE; /* longer than a flag: a non-empty view set */
        if (r < 0)
                return r;
        return r >= 1 && value[0] != '0';
}

int tree_set_flag(const struct compat_tree *t, int fd, const char *key, bool on) {
        return t->backend->set_state(fd, key, on ? "1" : "0", 1);
}

/* A per-view flag is the set of the views that have it (view_set.h). */
int tree_get_view_flag(const struct compat_tree *t, int fd, const char *key, const char *view_key) {
        char set[VIEW_FLAG_SET_MAX];
        int r = view_set_read(t, fd, key, set, sizeof(set));
        if (r < 0)
                return r;
        return view_set_has(set, view_key);
}

int tree_set_view_flag(const struct compat_tree *t, int fd, const char *key, const char *view_key, bool on) {
        char set[VIEW_FLAG_SET_MAX];
        int r = view_set_read(t, fd, key, set, sizeof(set));
        if (r < 0)
                return r;
        if (on == view_set_has(set, view_key))
                return 0;
        r = on ? view_set_add(set, sizeof(set), view_key) : view_set_remove(set, view_key);
        if (r < 0)
                return r;
        if (view_set_count(set) == 0)
                return t->backend->remove_state(fd, key);
        return t->backend->set_state(fd, key, set, strlen(set));
}

/* A child starts with its parent's flags, as cgroup_create() copies them. */
static int inherit_state(const struct compat_tree *t, int parent_fd, int fd, const char *key, bool *ret_any) {
        char value[VIEW_FLAG_SET_MAX];
        int r = view_set_read(t, parent_fd, key, value, sizeof(value));
        *ret_any = r > 0 && strcmp(value, "0");
        if (r <= 0 || !*ret_any)
                return r;
        return t->backend->set_state(fd, key, value, (size_t) r);
}

int tree_get_string(const struct compat_tree *t, int fd, const char *key, const char *fallback, char *buf, size_t size) {
        int r = t->backend->get_state(fd, key, buf, size - 1);
        if (r == -ENODATA) {
                if (strlen(fallback) >= size)
                        return -ENAMETOOLONG;
                strcpy(buf, fallback);
                return 0;
        }
        if (r < 0)
                return r;
        buf[r] = 0;
        return 0;
}

static int legacy_name_of(const struct compat_tree *t, int fd, const char *v2_name, char *buf, size_t size) {
        return tree_get_string(t, fd, STATE_LEGACY_NAME, v2_name, buf, size);
}

int tree_check_new_name(const struct compat_tree *t, const char *name) {
        if (strchr(name, '\n'))
                return -EINVAL; /* cgroup_mkdir() and cgroup1_rename() refuse these */
        if (strlen(name) > GROUP_NAME_MAX)
                return -ENAMETOOLONG;
        if (!strcmp(name, t->leaf))
                return -EEXIST; /* the name is taken, by the hidden leaf */
        return 0;
}

/* The slow path, only for parents with aliases: match legacy names one by one. */
static int lookup_by_scan(const struct compat_tree *t, int parent_fd, const char *name, struct tree_child *ret) {
        _cleanup_(closedirp) DIR *d = NULL;
        struct dirent *de;
        int r;

        r = open_dir_stream(parent_fd, &d);
        if (r < 0)
                return r;
        while ((errno = 0, de = readdir(d))) {
                char legacy[GROUP_NAME_MAX + 1];
                _cleanup_close_ int fd = -1;

                if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
                    !strcmp(de->d_name, t->leaf))
                        continue;
                if (t->backend->open_child(parent_fd, de->d_name, &fd) < 0)
                        continue; /* removed meanwhile */
                if (legacy_name_of(t, fd, de->d_name, legacy, sizeof(legacy)) < 0 || strcmp(legacy, name))
                        continue;
                ret->fd = TAKE_FD(fd);
                strcpy(ret->v2_name, de->d_name);
                return 0;
        }
        return errno ? negative_errno() : -ENOENT;
}

static int lookup_any(const struct compat_tree *t, int parent_fd, const char *name, struct tree_child *ret) {
        _cleanup_close_ int fd = -1;
        int aliases, r;

        if (strlen(name) > GROUP_NAME_MAX)
                return -ENAMETOOLONG;
        if (!strcmp(name, t->leaf) || !strcmp(name, ".") || !strcmp(name, ".."))
                return -ENOENT;

        aliases = tree_get_flag(t, parent_fd, STATE_HAS_ALIASES);
        if (aliases < 0)
                return aliases;

        r = t->backend->open_child(parent_fd, name, &fd);
        if (r < 0 && r != -ENOENT && r != -ENOTDIR)
                return r;
        if (r >= 0) {
                char legacy[GROUP_NAME_MAX + 1];

                if (!aliases || (legacy_name_of(t, fd, name, legacy, sizeof(legacy)) >= 0 && !strcmp(legacy, name))) {
                        ret->fd = TAKE_FD(fd);
                        strcpy(ret->v2_name, name);
                        return 0;
                }
        }
        if (!aliases)
                return -ENOENT;
        return lookup_by_scan(t, parent_fd, name, ret);
}

int tree_lookup(const struct compat_tree *t, int parent_fd, const char *name, const char *view_key,
                struct tree_child *ret) {
        int r = lookup_any(t, parent_fd, name, ret);
        if (r < 0 || !view_key)
                return r;
        r = membership_held(t, ret->fd, view_key);
        if (r > 0)
                return 0;
        close(ret->fd);
        return r < 0 ? r : -ENOENT;
}

int tree_open_leaf(const struct compat_tree *t, int fd, bool create, int *ret_fd) {
        int r = t->backend->open_child(fd, t->leaf, ret_fd);
        if (r != -ENOENT || !create)
                return r;
        r = t->backend->make_child(fd, t->leaf);
        if (r < 0 && r != -EEXIST)
                return r;
        bool made = r >= 0;
        r = t->backend->open_child(fd, t->leaf, ret_fd);
        if (r < 0 || !made)
                return r;
        r = leaf_mirror_limits(t, fd, *ret_fd);
        if (r < 0)
                closep(ret_fd);
        return r;
}

/* v1 gives a new group and its files to the uid and gid that created it (cgroup_kn_set_ugid). */
static int give_to(const struct compat_tree *t, int fd, bool is_leaf, uid_t uid, gid_t gid) {
        static const char *const delegation_files[] = { NULL, "cgroup.procs", "cgroup.threads", "cgroup.subtree_control" };
        /* A leaf never has children: it delegates only its directory and task files. */
        size_t n = is_leaf ? 3 : ELEMENTSOF(delegation_files);
        int r = 0;

        if (uid == 0 && gid == 0)
                return 0;
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = t->backend->chown(fd, delegation_files[i], uid, gid);
        return r;
}

/*
 * The leaf is made last: a group with its leaf is complete. One without was cut
 * short by a crash (or made directly in v2), and tree_finish_group() completes it.
 */
static int make_leaf(const struct compat_tree *t, int parent_fd, int fd, uid_t uid, gid_t gid) {
        _cleanup_close_ int leaf_fd = -1;
        bool notify, clone_children;
        int r;

        r = inherit_state(t, parent_fd, fd, STATE_NOTIFY_ON_RELEASE, &notify);
        if (r >= 0)
                r = inherit_state(t, parent_fd, fd, STATE_CLONE_CHILDREN, &clone_children);
        if (r >= 0)
                r = enable_controllers(t, fd);
        if (r >= 0)
                r = tree_open_leaf(t, fd, true, &leaf_fd);
        if (r >= 0)
                r = give_to(t, leaf_fd, true, uid, gid);
        if (r < 0)
                return r;
        if (notify && t->hooks && t->hooks->notify_changed)
                t->hooks->notify_changed(t->userdata, fd, true);
        return 0;
}

static bool is_alias_name(const char *name) {
        unsigned id;
        int end = 0;
        return sscanf(name, ALIAS_FORMAT "%n", &id, &end) == 1 && end == (int) strlen(name) && strlen(name) == 17;
}

int tree_finish_group(struct compat_tree *t, int parent_fd, const struct tree_child *child) {
        _cleanup_close_ int leaf_fd = -1;
        char legacy[GROUP_NAME_MAX + 1];
        struct stat st;
        int r;

        r = tree_open_leaf(t, child->fd, false, &leaf_fd);
        if (r != -ENOENT)
                return r;
        /* An alias that never got its legacy name: its mkdir never returned. Remove it if we can. */
        if (is_alias_name(child->v2_name) &&
            t->backend->get_state(child->fd, STATE_LEGACY_NAME, legacy, sizeof(legacy)) == -ENODATA &&
            t->backend->remove_child(parent_fd, child->v2_name) >= 0)
                return 1;
        r = t->backend->stat(child->fd, NULL, &st);
        if (r < 0)
                return r;
        return make_leaf(t, parent_fd, child->fd, st.st_uid, st.st_gid);
}

/* v2 has a file by that name: make the group under a private name and record the legacy one. */
static int make_alias(const struct compat_tree *t, int parent_fd, const char *name, char *ret_v2_name) {
        int r = tree_set_flag(t, parent_fd, STATE_HAS_ALIASES, true);
        if (r < 0)
                return r;
        for (int attempt = 0; attempt < 16; attempt++) {
                uint32_t id;
                _cleanup_close_ int fd = -1;

                if (getrandom(&id, sizeof(id), 0) != sizeof(id))
                        return -EIO;
                snprintf(ret_v2_name, GROUP_NAME_MAX + 1, ALIAS_FORMAT, id);
                r = t->backend->make_child(parent_fd, ret_v2_name);
                if (r == -EEXIST)
                        continue;
                if (r < 0)
                        return r;
                r = t->backend->open_child(parent_fd, ret_v2_name, &fd);
                if (r >= 0)
                        r = t->backend->set_state(fd, STATE_LEGACY_NAME, name, strlen(name));
                if (r < 0)
                        (void) t->backend->remove_child(parent_fd, ret_v2_name);
                return r;
        }
        return -EEXIST;
}

/* The view takes a group v2 has (made through another view, or directly in v2) as its own. */
static int adopt(const struct compat_tree *t, int parent_fd, struct tree_child *existing, const char *view_key,
                 int *ret_fd) {
        _cleanup_close_ int fd = existing->fd;
        int r = membership_held(t, fd, view_key);
        if (r < 0)
                return r;
        if (r > 0 || !view_key)
                return -EEXIST;
        /* A new group of the view: its flags in this view are its parent's, as cgroup_create() copies them. */
        int notify = tree_get_view_flag(t, parent_fd, STATE_NOTIFY_ON_RELEASE, view_key);
        int clone_children = tree_get_view_flag(t, parent_fd, STATE_CLONE_CHILDREN, view_key);
        if (notify < 0 || clone_children < 0)
                return notify < 0 ? notify : clone_children;
        r = tree_set_view_flag(t, fd, STATE_NOTIFY_ON_RELEASE, view_key, notify);
        if (r >= 0)
                r = tree_set_view_flag(t, fd, STATE_CLONE_CHILDREN, view_key, clone_children);
        if (r >= 0)
                r = membership_add(t, fd, view_key);
        if (r >= 0)
                r = t->backend->remove_state(parent_fd, STATE_RELEASED);
        if (r < 0)
                return r;
        if (notify && t->hooks && t->hooks->notify_changed)
                t->hooks->notify_changed(t->userdata, fd, true);
        if (ret_fd)
                *ret_fd = TAKE_FD(fd);
        return 1;
}

int tree_mkdir(struct compat_tree *t, int parent_fd, const char *name, mode_t mode, const struct caller *c,
               const char *view_key, int *ret_fd) {
        struct tree_child existing;
        char v2_name[GROUP_NAME_MAX + 1];
        _cleanup_close_ int fd = -1;
        int r;

        r = tree_check_new_name(t, name);
        if (r < 0)
                return r;
        r = lookup_any(t, parent_fd, name, &existing);
        if (r >= 0)
                return adopt(t, parent_fd, &existing, view_key, ret_fd);
        if (r != -ENOENT)
                return r;

        strcpy(v2_name, name);
        r = t->backend->make_child(parent_fd, name);
        if (r == -EEXIST)
                r = make_alias(t, parent_fd, name, v2_name);
        if (r < 0)
                return r;

        r = t->backend->open_child(parent_fd, v2_name, &fd);
        /* Marked first: a crash before the leaf leaves a group the next start completes for this view. */
        if (r >= 0 && view_key)
                r = membership_init(t, fd, view_key);
        /* The parent is in use again: its next abandonment is a new release. */
        if (r >= 0)
                r = t->backend->remove_state(parent_fd, STATE_RELEASED);
        /* mkdir(2)'s mode, as cgroup_mkdir() gives it to kernfs (the VFS applied the umask). */
        if (r >= 0)
                r = t->backend->chmod(fd, NULL, mode & 07777);
        if (r >= 0)
                r = give_to(t, fd, false, c->uid, c->gid);
        if (r >= 0)
                r = make_leaf(t, parent_fd, fd, c->uid, c->gid);
        if (r < 0) {
                if (fd >= 0)
                        (void) t->backend->remove_child(fd, t->leaf);
                (void) t->backend->remove_child(parent_fd, v2_name);
                return r;
        }
        if (ret_fd)
                *ret_fd = TAKE_FD(fd);
        return 0;
}

static int count_children(void *userdata, const char *name, const char *v2_name, ino_t ino) {
        (void) name;
        (void) v2_name;
        (void) ino;
        (*(unsigned *) userdata)++;
        return -ECANCELED; /* one is enough */
}

int tree_has_children(const struct compat_tree *t, int fd, const char *view_key) {
        unsigned n = 0;
        int r = tree_for_each_child(t, fd, view_key, count_children, &n);
        if (r < 0 && r != -ECANCELED)
                return r;
        return n > 0;
}

static int remove_child_subtree(void *userdata, const char *name, const char *v2_name, ino_t ino);

/* Removes every v2 cgroup below @fd (unpopulated: the caller checked), its leaf last. */
static int remove_below(const struct compat_tree *t, int fd) {
        struct { const struct compat_tree *t; int fd; } below = { t, fd };
        int r = tree_for_each_child(t, fd, NULL, remove_child_subtree, &below);
        if (r < 0)
                return r;
        return t->backend->remove_child(fd, t->leaf);
}

static int remove_child_subtree(void *userdata, const char *name, const char *v2_name, ino_t ino) {
        const struct { const struct compat_tree *t; int fd; } *below = userdata;
        _cleanup_close_ int fd = -1;

        (void) name, (void) ino;
        int r = below->t->backend->open_child(below->fd, v2_name, &fd);
        if (r >= 0)
                r = remove_below(below->t, fd);
        if (r >= 0 || r == -ENOENT)
                r = below->t->backend->remove_child(below->fd, v2_name);
        return r == -ENOENT ? 0 : r;
}

int tree_for_each_ancestor(const struct compat_tree *t, int fd, tree_ancestor_fn fn, void *userdata) {
        _cleanup_close_ int dir_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);

        if (dir_fd < 0)
                return negative_errno();
        /* Up through "..": a group is as deep as its v2 path, and the root ends the walk. */
        for (ino_t below = 0;;) {
                struct stat st;
                int r = t->backend->stat(dir_fd, NULL, &st);
                if (r < 0)
                        return r;
                if (st.st_ino == below)
                        return -EXDEV; /* "/" is its own parent: the group is not below the root */
                below = st.st_ino;
                bool is_root = st.st_ino == t->root_ino;
                r = fn(userdata, dir_fd, is_root);
                if (r < 0 || is_root)
                        return r;
                int parent_fd = openat(dir_fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (parent_fd < 0)
                        return negative_errno();
                close(dir_fd);
                dir_fd = parent_fd;
        }
}

struct holders {
        const struct compat_tree *t;
        uint64_t mask;
};

static int add_holders(void *userdata, int fd, bool is_root) {
        struct holders *h = userdata;
        uint64_t own;

        if (is_root)
                return 0; /* every view holds its root */
        int r = membership_mask(h->t, fd, &own);
        if (r < 0)
                return r;
        h->mask &= own;
        return 0;
}

int tree_holders(const struct compat_tree *t, int fd, uint64_t *ret) {
        struct holders h = { t, membership_every_view(t) };
        int r = tree_for_each_ancestor(t, fd, add_holders, &h);
        if (r < 0)
                return r;
        *ret = h.mask;
        return 0;
}

/* Do views other than @view_key see the group? */
static int held_by_others(const struct compat_tree *t, int fd, const char *view_key) {
        int self = membership_view_index(t, view_key);
        uint64_t others = ~(self >= 0 ? UINT64_C(1) << self : 0), mask;

        /* The group's own mark first: ancestors can only take views away, never add one. */
        int r = membership_mask(t, fd, &mask);
        if (r >= 0 && (mask & others))
                r = tree_holders(t, fd, &mask);
        if (r < 0)
                return r;
        return (mask & others) != 0;
}

int tree_rmdir(struct compat_tree *t, int parent_fd, const char *name, const char *view_key, tree_release_fn release,
               void *userdata) {
        struct tree_child child;
        _cleanup_close_ int fd = -1;
        int r;

        r = tree_lookup(t, parent_fd, name, view_key, &child);
        if (r < 0)
                return r;
        fd = child.fd;

        /* cgroup_destroy_locked(): child groups in this hierarchy, or tasks, make it EBUSY. */
        r = tree_has_children(t, fd, view_key);
        if (r < 0)
                return r;
        if (r > 0)
                return -EBUSY;
        /* The view shows every task of the subtree here: none of the groups below is its own. */
        r = t->backend->populated(fd);
        if (r < 0)
                return r;
        if (r > 0)
                return -EBUSY;

        r = view_key ? held_by_others(t, fd, view_key) : 0;
        if (r < 0)
                return r;
        if (r > 0) {
                /* Gone from this view only: its settings first, so that a crash leaves it held, not stale. */
                if (release) {
                        r = release(userdata, fd);
                        if (r < 0)
                                return r;
                }
                r = membership_remove(t, fd, view_key);
                if (r < 0)
                        return r;
        } else {
                /*
                 * No view sees it any more, nor anything below it: groups made there directly in v2
                 * (held by every view that holds their parent) go with it, leaves first. The kernel
                 * keeps us honest about races: a task that arrives now makes these fail.
                 */
                r = remove_below(t, fd);
                if (r < 0 && r != -ENOENT)
                        return r == -ENOTEMPTY ? -EBUSY : r;
                r = t->backend->remove_child(parent_fd, child.v2_name);
                if (r < 0) {
                        int leaf_fd;
                        if (tree_open_leaf(t, fd, true, &leaf_fd) >= 0)
                                close(leaf_fd);
                        return r == -ENOTEMPTY ? -EBUSY : r;
                }
        }
        if (t->hooks && t->hooks->group_removed && view_key)
                t->hooks->group_removed(t->userdata, view_key, fd);
        if (t->hooks && t->hooks->child_removed)
                t->hooks->child_removed(t->userdata, parent_fd);
        return 0;
}

int tree_rename(struct compat_tree *t, int parent_fd, const char *old_name, int new_parent_fd, const char *new_name,
                const char *view_key) {
        struct tree_child child, existing;
        struct stat a, b;
        _cleanup_close_ int fd = -1;
        int r;

        r = t->backend->stat(parent_fd, NULL, &a);
        if (r >= 0)
                r = t->backend->stat(new_parent_fd, NULL, &b);
        if (r < 0)
                return r;
        if (a.st_ino != b.st_ino)
                return -EIO; /* cgroup1_rename(): only within the same parent */
        if (strchr(new_name, '\n'))
                return -EINVAL;
        r = tree_check_new_name(t, new_name);
        if (r < 0)
                return r;

        r = tree_lookup(t, parent_fd, old_name, view_key, &child);
        if (r < 0)
                return r;
        fd = child.fd;
        if (!strcmp(old_name, new_name))
                return 0;
        /* Also a group of another view: v2 has one name for it in every view. */
        r = lookup_any(t, parent_fd, new_name, &existing);
        if (r >= 0) {
                close(existing.fd);
                return -EEXIST;
        }
        if (r != -ENOENT)
                return r;

        /* Flag the parent first: a crash in between leaves a flag, never a lost name. */
        r = tree_set_flag(t, parent_fd, STATE_HAS_ALIASES, true);
        if (r < 0)
                return r;
        if (!strcmp(new_name, child.v2_name))
                return t->backend->remove_state(fd, STATE_LEGACY_NAME);
        return t->backend->set_state(fd, STATE_LEGACY_NAME, new_name, strlen(new_name));
}

int tree_for_each_child(const struct compat_tree *t, int fd, const char *view_key, tree_child_fn fn, void *userdata) {
        _cleanup_(closedirp) DIR *d = NULL;
        struct dirent *de;
        int aliases, r;

        aliases = tree_get_flag(t, fd, STATE_HAS_ALIASES);
        if (aliases < 0)
                return aliases;
        r = open_dir_stream(fd, &d);
        if (r < 0)
                return r;
        while ((errno = 0, de = readdir(d))) {
                char legacy[GROUP_NAME_MAX + 1];
                const char *name = de->d_name;

                if (de->d_type != DT_DIR || !strcmp(name, ".") || !strcmp(name, "..") || !strcmp(name, t->leaf))
                        continue;
                if (aliases || view_key) {
                        _cleanup_close_ int child_fd = -1;
                        if (t->backend->open_child(fd, name, &child_fd) < 0)
                                continue;
                        if (view_key && membership_held(t, child_fd, view_key) <= 0)
                                continue;
                        if (aliases && legacy_name_of(t, child_fd, name, legacy, sizeof(legacy)) < 0)
                                continue;
                        if (aliases)
                                name = legacy;
                }
                r = fn(userdata, name, de->d_name, de->d_ino);
                if (r < 0)
                        return r;
        }
        return errno ? negative_errno() : 0;
}

int tree_v2_path(const struct compat_tree *t, int fd, char *buf, size_t size) {
        char link[64], path[PATH_MAX];
        size_t root_len = strlen(t->root_path);

        snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
        ssize_t n = readlink(link, path, sizeof(path) - 1);
        if (n < 0)
                return negative_errno();
        path[n] = 0;
        if (strncmp(path, t->root_path, root_len) || (path[root_len] && path[root_len] != '/'))
                return -EXDEV;
        n = snprintf(buf, size, "%s", path[root_len] ? path + root_len + 1 : ".");
        return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
}

int tree_legacy_path(const struct compat_tree *t, int fd, char *buf, size_t size) {
        char v2_path[PATH_MAX];
        size_t len = 0;
        _cleanup_close_ int dir_fd = -1;
        int e;

        e = tree_v2_path(t, fd, v2_path, sizeof(v2_path));
        if (e < 0)
                return e;

        dir_fd = fcntl(t->root_fd, F_DUPFD_CLOEXEC, 3);
        if (dir_fd < 0)
                return negative_errno();
        char *save = NULL;
        for (char *component = strcmp(v2_path, ".") ? strtok_r(v2_path, "/", &save) : NULL; component;
             component = strtok_r(NULL, "/", &save)) {
                char legacy[GROUP_NAME_MAX + 1];
                int child_fd, r;

                r = t->backend->open_child(dir_fd, component, &child_fd);
                if (r < 0)
                        return r;
                close(dir_fd);
                dir_fd = child_fd;
                r = legacy_name_of(t, dir_fd, component, legacy, sizeof(legacy));
                if (r < 0)
                        return r;
                if (len + 1 + strlen(legacy) >= size)
                        return -ENAMETOOLONG;
                buf[len++] = '/';
                strcpy(buf + len, legacy);
                len += strlen(legacy);
        }
        if (len == 0) {
                if (size < 2)
                        return -ENAMETOOLONG;
                strcpy(buf, "/");
        }
        return 0;
}
