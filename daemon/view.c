/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "view.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "compat/core_files.h"
#include "log.h"
#include "mountpoint.h"

/*
 * The kernel may keep names and attributes this long. Every change made through
 * a view answers with fresh attributes, so this only bounds how late changes made
 * directly in v2 show up; negative entries are never cached.
 */
#define CACHE_SECONDS 1.0

struct open_file {
        struct node *node;
        struct caller opener;
        struct text content;
        bool loaded;
};

struct dir_entry {
        char *name;
        uint64_t ino;
        mode_t type;
};

struct dir_handle {
        struct dir_entry *entries;
        size_t n, allocated;
};

static struct view *view_of(fuse_req_t req) {
        return fuse_req_userdata(req);
}

static struct node *node_of(struct view *v, fuse_ino_t ino) {
        return ino == FUSE_ROOT_ID ? v->root : (struct node *) (uintptr_t) ino;
}

static fuse_ino_t nodeid_of(struct view *v, struct node *n) {
        return n == v->root ? FUSE_ROOT_ID : (fuse_ino_t) (uintptr_t) n;
}

static struct caller caller_of(fuse_req_t req) {
        const struct fuse_ctx *ctx = fuse_req_ctx(req);
        return (struct caller) { .uid = ctx->uid, .gid = ctx->gid, .pid = ctx->pid, .init_admin = -1 };
}

/* Replies with the outcome of an operation: 0 or a negative errno. */
static void reply_error(fuse_req_t req, int r) {
        fuse_reply_err(req, r < 0 ? -r : 0);
}

/* Owner and mode of a file without a v2 twin, after a chown or chmod through the view. */
static int file_attr_override(struct view *v, const struct node *n, int group_fd, struct stat *st) {
        char key[64], value[64];
        unsigned uid, gid, mode;

        snprintf(key, sizeof(key), "attr.%s", n->file->name);
        int r = v->tree->backend->get_state(group_fd, key, value, sizeof(value) - 1);
        if (r == -ENODATA)
                return 0;
        if (r < 0)
                return r;
        value[r] = 0;
        if (sscanf(value, "%u %u %o", &uid, &gid, &mode) != 3)
                return 0;
        st->st_uid = uid;
        st->st_gid = gid;
        st->st_mode = S_IFREG | (mode & 07777);
        return 0;
}

static int stat_node(struct view *v, struct node *n, struct stat *ret) {
        const struct backend_ops *b = v->tree->backend;
        struct node *group = n->kind == NODE_GROUP ? n : n->group;
        struct stat st;
        int fd, r;

        fd = node_fd(&v->nodes, group);
        if (fd < 0)
                return fd;
        r = b->stat(fd, NULL, &st);
        if (r < 0)
                return r;
        st.st_ino = n->ino;
        st.st_size = 0;
        st.st_blocks = 0;
        st.st_blksize = 4096;
        if (n->kind == NODE_GROUP) {
                st.st_nlink = 2;
                *ret = st;
                return 0;
        }

        st.st_nlink = 1;
        st.st_mode = S_IFREG | n->file->mode;
        if (n->file->backing) {
                _cleanup_close_ int leaf_fd = -1;
                struct stat backing;

                if (tree_open_leaf(v->tree, fd, false, &leaf_fd) >= 0 &&
                    b->stat(leaf_fd, n->file->backing, &backing) >= 0) {
                        st.st_uid = backing.st_uid;
                        st.st_gid = backing.st_gid;
                        st.st_mode = S_IFREG | (backing.st_mode & 07777);
                }
        } else {
                r = file_attr_override(v, n, fd, &st);
                if (r < 0)
                        return r;
        }
        *ret = st;
        return 0;
}

static void reply_entry(fuse_req_t req, struct view *v, struct node *n) {
        struct fuse_entry_param e = { .attr_timeout = CACHE_SECONDS, .entry_timeout = CACHE_SECONDS };
        int r = stat_node(v, n, &e.attr);

        if (r < 0) {
                node_forget(&v->nodes, n, 0); /* frees a node nobody holds yet */
                reply_error(req, r);
                return;
        }
        e.ino = nodeid_of(v, n);
        n->nlookup++;
        if (fuse_reply_entry(req, &e) == -ENOENT)
                node_forget(&v->nodes, n, 1); /* the lookup was interrupted */
}

static const struct legacy_file *file_named(struct view *v, struct node *parent, const char *name) {
        return legacy_file_find(&v->settings, parent == v->root, name);
}

/* Adopt a v2 directory fd as a group node of this view. */
static int group_node(struct view *v, int fd, struct node **ret) {
        struct stat st;
        int r = v->tree->backend->stat(fd, NULL, &st);
        if (r < 0) {
                close(fd);
                return r;
        }
        return node_table_add_group(&v->nodes, st.st_ino, fd, ret);
}

static void op_lookup(fuse_req_t req, fuse_ino_t parent_ino, const char *name) {
        struct view *v = view_of(req);
        struct node *parent = node_of(v, parent_ino), *n;
        const struct legacy_file *file;
        struct tree_child child;
        int r;

        if (parent->kind != NODE_GROUP)
                return reply_error(req, -ENOTDIR);
        file = file_named(v, parent, name);
        if (file)
                r = node_table_file(&v->nodes, parent, file, &n);
        else {
                r = node_fd(&v->nodes, parent);
                if (r >= 0)
                        r = tree_lookup(v->tree, r, name, &child);
                if (r >= 0)
                        r = group_node(v, child.fd, &n);
        }
        if (r == -ENOENT) {
                struct fuse_entry_param negative = {}; /* ino 0, no timeout: not cached */
                fuse_reply_entry(req, &negative);
                return;
        }
        if (r < 0)
                return reply_error(req, r);
        reply_entry(req, v, n);
}

static void op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup) {
        struct view *v = view_of(req);
        struct node *n = node_of(v, ino);

        if (n != v->root)
                node_forget(&v->nodes, n, nlookup);
        fuse_reply_none(req);
}

static void op_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets) {
        struct view *v = view_of(req);

        for (size_t i = 0; i < count; i++) {
                struct node *n = node_of(v, forgets[i].ino);
                if (n != v->root)
                        node_forget(&v->nodes, n, forgets[i].nlookup);
        }
        fuse_reply_none(req);
}

static void op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
        struct view *v = view_of(req);
        struct stat st;
        int r;

        (void) fi;
        r = stat_node(v, node_of(v, ino), &st);
        if (r < 0)
                return reply_error(req, r);
        fuse_reply_attr(req, &st, CACHE_SECONDS);
}

/* chown and chmod act on the v2 objects that carry the same meaning there. */
static int set_owner_and_mode(struct view *v, struct node *n, int to_set, const struct stat *attr) {
        static const char *const group_delegation[] = { NULL, "cgroup.procs", "cgroup.threads", "cgroup.subtree_control" };
        const struct backend_ops *b = v->tree->backend;
        uid_t uid = (to_set & FUSE_SET_ATTR_UID) ? attr->st_uid : (uid_t) -1;
        gid_t gid = (to_set & FUSE_SET_ATTR_GID) ? attr->st_gid : (gid_t) -1;
        bool chown = to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID);
        bool chmod = to_set & FUSE_SET_ATTR_MODE;
        int fd, r = 0;

        fd = node_fd(&v->nodes, n->kind == NODE_GROUP ? n : n->group);
        if (fd < 0)
                return fd;
        if (n->kind == NODE_GROUP) {
                for (size_t i = 0; r >= 0 && chown && i < ELEMENTSOF(group_delegation); i++)
                        r = b->chown(fd, group_delegation[i], uid, gid);
                if (r >= 0 && chmod)
                        r = b->chmod(fd, NULL, attr->st_mode & 07777);
                return r;
        }

        if (n->file->backing) {
                /* The v2 files that make a leaf writable by its owner: cgroup.procs and cgroup.threads. */
                const char *files[] = { n->file->backing, "cgroup.threads" };
                _cleanup_close_ int leaf_fd = -1;

                r = tree_open_leaf(v->tree, fd, true, &leaf_fd);
                for (size_t i = 0; r >= 0 && i < ELEMENTSOF(files); i++) {
                        if (chown)
                                r = b->chown(leaf_fd, files[i], uid, gid);
                        if (r >= 0 && chmod)
                                r = b->chmod(leaf_fd, files[i], attr->st_mode & 07777);
                }
                return r;
        }

        struct stat st;
        char key[64], value[64];
        r = stat_node(v, n, &st);
        if (r < 0)
                return r;
        snprintf(key, sizeof(key), "attr.%s", n->file->name);
        int len = snprintf(value, sizeof(value), "%u %u %o", (unsigned) (chown && uid != (uid_t) -1 ? uid : st.st_uid),
                           (unsigned) (chown && gid != (gid_t) -1 ? gid : st.st_gid),
                           (unsigned) (chmod ? attr->st_mode & 07777 : st.st_mode & 07777));
        return b->set_state(fd, key, value, (size_t) len);
}

static void op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set, struct fuse_file_info *fi) {
        struct view *v = view_of(req);
        struct node *n = node_of(v, ino);
        struct stat st;
        int r = 0;

        (void) fi;
        /* Size and times are accepted and ignored, as on cgroupfs: content is generated. */
        if (to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID | FUSE_SET_ATTR_MODE))
                r = set_owner_and_mode(v, n, to_set, attr);
        if (r >= 0)
                r = stat_node(v, n, &st);
        if (r < 0)
                return reply_error(req, r);
        fuse_reply_attr(req, &st, CACHE_SECONDS);
}

/* Each subsystem sets up the new group from its parent, as its css_alloc did in v1. */
static int init_group(struct view *v, struct node *parent, int fd, const struct caller *c) {
        int parent_fd = node_fd(&v->nodes, parent);
        if (parent_fd < 0)
                return parent_fd;
        struct file_ctx parent_ctx = {
                .tree = v->tree, .view = &v->settings, .fd = parent_fd, .is_root = parent == v->root,
                .opener = c, .caller = c,
        };
        struct file_ctx child_ctx = { .tree = v->tree, .view = &v->settings, .fd = fd, .opener = c, .caller = c };

        for (int s = 0; s < SUBSYS__COUNT; s++) {
                const struct subsystem *sub = subsystem_get(s);
                if (!sub->init_group || !subsystem_offered(v->tree, s))
                        continue;
                int r = sub->init_group(&parent_ctx, &child_ctx);
                if (r < 0)
                        return log_warning_errno(r, sub->name, "cannot set up a new group");
        }
        return 0;
}

static void op_mkdir(fuse_req_t req, fuse_ino_t parent_ino, const char *name, mode_t mode) {
        struct view *v = view_of(req);
        struct node *parent = node_of(v, parent_ino), *n;
        struct caller c = caller_of(req);
        int fd, r;

        (void) mode; /* cgroup directories are always 0755 */
        if (parent->kind != NODE_GROUP)
                return reply_error(req, -ENOTDIR);
        if (file_named(v, parent, name))
                return reply_error(req, -EEXIST);
        r = node_fd(&v->nodes, parent);
        if (r >= 0)
                r = tree_mkdir(v->tree, r, name, &c, &fd);
        if (r >= 0) {
                r = init_group(v, parent, fd, &c);
                if (r < 0) {
                        close(fd);
                        int parent_fd = node_fd(&v->nodes, parent);
                        if (parent_fd >= 0)
                                (void) tree_rmdir(v->tree, parent_fd, name);
                }
        }
        if (r >= 0)
                r = group_node(v, fd, &n);
        if (r < 0) {
                log_debug(name, "mkdir failed: %s", strerror(-r));
                return reply_error(req, r);
        }
        reply_entry(req, v, n);
}

static void entry_changed(struct view *v, struct node *parent, const char *name) {
        if (v->entry_changed)
                v->entry_changed(v->userdata, v, parent->ino, name);
}

static void op_rmdir(fuse_req_t req, fuse_ino_t parent_ino, const char *name) {
        struct view *v = view_of(req);
        struct node *parent = node_of(v, parent_ino);

        if (parent->kind != NODE_GROUP)
                return reply_error(req, -ENOTDIR);
        if (file_named(v, parent, name))
                return reply_error(req, -ENOTDIR);
        int fd = node_fd(&v->nodes, parent);
        int r = fd < 0 ? fd : tree_rmdir(v->tree, fd, name);
        if (r >= 0)
                entry_changed(v, parent, name);
        reply_error(req, r);
}

static void op_rename(fuse_req_t req, fuse_ino_t parent_ino, const char *name, fuse_ino_t new_parent_ino,
                      const char *new_name, unsigned flags) {
        struct view *v = view_of(req);
        struct node *parent = node_of(v, parent_ino), *new_parent = node_of(v, new_parent_ino);

        if (flags)
                return reply_error(req, -EINVAL); /* kernfs takes no rename flags */
        if (parent->kind != NODE_GROUP || new_parent->kind != NODE_GROUP)
                return reply_error(req, -ENOTDIR);
        if (file_named(v, parent, name))
                return reply_error(req, -ENOTDIR);
        if (parent != new_parent)
                return reply_error(req, -EIO);
        if (file_named(v, new_parent, new_name))
                return reply_error(req, -ENOTDIR);
        int fd = node_fd(&v->nodes, parent);
        int r = fd < 0 ? fd : tree_rename(v->tree, fd, name, fd, new_name);
        if (r >= 0) {
                entry_changed(v, parent, name);
                entry_changed(v, parent, new_name);
        }
        reply_error(req, r);
}

static void op_refuse_eperm(fuse_req_t req) {
        reply_error(req, -EPERM);
}

static void op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name) {
        (void) parent;
        (void) name;
        op_refuse_eperm(req);
}

static void op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev) {
        (void) parent;
        (void) name;
        (void) mode;
        (void) rdev;
        op_refuse_eperm(req);
}

static void op_symlink(fuse_req_t req, const char *link, fuse_ino_t parent, const char *name) {
        (void) link;
        (void) parent;
        (void) name;
        op_refuse_eperm(req);
}

static void op_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t new_parent, const char *new_name) {
        (void) ino;
        (void) new_parent;
        (void) new_name;
        op_refuse_eperm(req);
}

static void op_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, struct fuse_file_info *fi) {
        (void) parent;
        (void) name;
        (void) mode;
        (void) fi;
        reply_error(req, -EACCES); /* cgroupfs directories have no create operation */
}

static void op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
        struct view *v = view_of(req);
        struct node *n = node_of(v, ino);
        struct open_file *h;

        if (n->kind != NODE_FILE)
                return reply_error(req, -EISDIR);
        h = calloc(1, sizeof(*h));
        if (!h)
                return reply_error(req, -ENOMEM);
        h->node = n;
        h->opener = caller_of(req);
        /* The kernel judges a privileged write by the credentials the file was opened with. */
        if (n->file->admin_only && (fi->flags & O_ACCMODE) != O_RDONLY)
                h->opener.init_admin = caller_is_init_admin(&h->opener) > 0;
        node_pin(n);
        fi->fh = (uintptr_t) h;
        fi->direct_io = 1; /* content is generated: no page cache, st_size 0 as on cgroupfs */
        if (fuse_reply_open(req, fi) == -ENOENT) {
                node_unpin(&v->nodes, n);
                free(h);
        }
}

static int file_ctx_of(struct view *v, struct open_file *h, const struct caller *c, struct file_ctx *ret) {
        int fd = node_fd(&v->nodes, h->node->group);
        if (fd < 0)
                return fd;
        *ret = (struct file_ctx) {
                .tree = v->tree,
                .view = &v->settings,
                .file = h->node->file,
                .fd = fd,
                .is_root = h->node->group == v->root,
                .opener = &h->opener,
                .caller = c,
        };
        return 0;
}

static void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi) {
        struct view *v = view_of(req);
        struct open_file *h = (struct open_file *) (uintptr_t) fi->fh;
        struct caller c = caller_of(req);

        (void) ino;
        /* Like seq_file: generated at offset 0, then read on from the same snapshot. */
        if (off == 0 || !h->loaded) {
                struct file_ctx ctx;
                int r;

                if (!h->node->file->read)
                        return reply_error(req, -EINVAL);
                h->content.len = 0;
                r = file_ctx_of(v, h, &c, &ctx);
                if (r >= 0)
                        r = h->node->file->read(&ctx, &h->content);
                if (r < 0)
                        return reply_error(req, r);
                h->loaded = true;
        }
        if ((size_t) off >= h->content.len)
                return (void) fuse_reply_buf(req, NULL, 0);
        size_t n = h->content.len - (size_t) off;
        fuse_reply_buf(req, h->content.data + off, n < size ? n : size);
}

static void op_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
                     struct fuse_file_info *fi) {
        struct view *v = view_of(req);
        struct open_file *h = (struct open_file *) (uintptr_t) fi->fh;
        struct caller c = caller_of(req);
        struct v2_trace trace;
        struct file_ctx ctx;
        int r;

        (void) ino;
        (void) off; /* each write is one value, wherever the offset is */
        trace.len = 0;
        r = file_ctx_of(v, h, &c, &ctx);
        ctx.trace = &trace;
        if (r >= 0)
                r = legacy_file_write(h->node->file, &ctx, buf, size);
        if (r < 0)
                return reply_error(req, r);
        fuse_reply_write(req, size);
}

static void op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
        struct view *v = view_of(req);
        struct open_file *h = (struct open_file *) (uintptr_t) fi->fh;

        (void) ino;
        text_free(&h->content);
        node_unpin(&v->nodes, h->node);
        free(h);
        fuse_reply_err(req, 0);
}

static void dir_handle_free(struct dir_handle *d) {
        for (size_t i = 0; i < d->n; i++)
                free(d->entries[i].name);
        free(d->entries);
        free(d);
}

static int dir_add(struct dir_handle *d, const char *name, uint64_t ino, mode_t type) {
        if (d->n == d->allocated) {
                size_t n = d->allocated ? d->allocated * 2 : 16;
                struct dir_entry *e = realloc(d->entries, n * sizeof(*e));
                if (!e)
                        return -ENOMEM;
                d->entries = e;
                d->allocated = n;
        }
        char *copy = strdup(name);
        if (!copy)
                return -ENOMEM;
        d->entries[d->n++] = (struct dir_entry) { .name = copy, .ino = ino, .type = type };
        return 0;
}

static int dir_add_child(void *userdata, const char *name, const char *v2_name, ino_t ino) {
        (void) v2_name;
        return dir_add(userdata, name, ino, S_IFDIR);
}

static int dir_fill(struct view *v, struct node *n, struct dir_handle *d) {
        bool is_root = n == v->root;
        int r;

        r = dir_add(d, ".", n->ino, S_IFDIR);
        if (r >= 0)
                r = dir_add(d, "..", FUSE_ROOT_ID, S_IFDIR);
        for (size_t i = 0, count = legacy_file_count(); r >= 0 && i < count; i++) {
                const struct legacy_file *f = legacy_file_at(i);
                if (legacy_file_visible(f, &v->settings, is_root))
                        r = dir_add(d, f->name, node_file_ino(n->ino, i), S_IFREG);
        }
        if (r >= 0)
                r = node_fd(&v->nodes, n);
        if (r >= 0)
                r = tree_for_each_child(v->tree, r, dir_add_child, d);
        return r;
}

static void op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
        struct view *v = view_of(req);
        struct node *n = node_of(v, ino);
        struct dir_handle *d;

        if (n->kind != NODE_GROUP)
                return reply_error(req, -ENOTDIR);
        d = calloc(1, sizeof(*d));
        if (!d)
                return reply_error(req, -ENOMEM);
        fi->fh = (uintptr_t) d;
        if (fuse_reply_open(req, fi) == -ENOENT)
                dir_handle_free(d);
}

static void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi) {
        struct view *v = view_of(req);
        struct dir_handle *d = (struct dir_handle *) (uintptr_t) fi->fh;
        _cleanup_free_ char *buf = NULL;
        size_t used = 0;

        if (off == 0) {
                for (size_t i = 0; i < d->n; i++)
                        free(d->entries[i].name);
                d->n = 0;
                int r = dir_fill(v, node_of(v, ino), d);
                if (r < 0)
                        return reply_error(req, r);
        }
        buf = malloc(size);
        if (!buf)
                return reply_error(req, -ENOMEM);
        for (size_t i = (size_t) off; i < d->n; i++) {
                struct stat st = { .st_ino = d->entries[i].ino, .st_mode = d->entries[i].type };
                size_t len = fuse_add_direntry(req, buf + used, size - used, d->entries[i].name, &st, (off_t) i + 1);
                if (len > size - used)
                        break;
                used += len;
        }
        fuse_reply_buf(req, buf, used);
}

static void op_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
        (void) ino;
        dir_handle_free((struct dir_handle *) (uintptr_t) fi->fh);
        fuse_reply_err(req, 0);
}

static void op_statfs(fuse_req_t req, fuse_ino_t ino) {
        struct statvfs st = { .f_bsize = 4096, .f_frsize = 4096, .f_namemax = NAME_MAX };

        (void) ino;
        fuse_reply_statfs(req, &st);
}

static void op_init(void *userdata, struct fuse_conn_info *conn) {
        (void) userdata;
        if (conn->capable & FUSE_CAP_ATOMIC_O_TRUNC)
                conn->want |= FUSE_CAP_ATOMIC_O_TRUNC; /* "echo x > file" needs no truncate */
}

static const struct fuse_lowlevel_ops view_ops = {
        .init = op_init,
        .lookup = op_lookup,
        .forget = op_forget,
        .forget_multi = op_forget_multi,
        .getattr = op_getattr,
        .setattr = op_setattr,
        .mkdir = op_mkdir,
        .rmdir = op_rmdir,
        .rename = op_rename,
        .unlink = op_unlink,
        .mknod = op_mknod,
        .symlink = op_symlink,
        .link = op_link,
        .create = op_create,
        .open = op_open,
        .read = op_read,
        .write = op_write,
        .release = op_release,
        .opendir = op_opendir,
        .readdir = op_readdir,
        .releasedir = op_releasedir,
        .statfs = op_statfs,
};

static int reopen_group(void *userdata, uint64_t ino, int *ret_fd) {
        struct view *v = userdata;
        return v->tree->backend->open_by_id(v->tree->root_fd, ino, ret_fd);
}

/* Half of what the process may open: the rest is for leaves, files and agents. */
static size_t max_cached_fds(void) {
        struct rlimit rl;
        if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
                return 4096;
        return rl.rlim_cur / 2;
}

static const char *flavor_fsname(enum view_flavor flavor) {
        return flavor == FLAVOR_CONTAINER ? "container" : "cgroup";
}

int view_start(struct view *v, struct compat_tree *tree, const struct view_settings *settings, const char *mount) {
        char options[256];
        int fd, r;

        *v = (struct view) { .tree = tree };
        if (strlen(mount) >= sizeof(v->mount) || strlen(settings->key) >= sizeof(v->key))
                return -ENAMETOOLONG;
        strcpy(v->mount, mount);
        strcpy(v->key, settings->key);
        v->settings = *settings;
        v->settings.key = v->key;
        v->settings.offered = tree->offered;

        r = node_table_init(&v->nodes, max_cached_fds(), reopen_group, v);
        if (r < 0)
                return r;
        fd = fcntl(tree->root_fd, F_DUPFD_CLOEXEC, 3);
        if (fd < 0)
                return log_error_errno(negative_errno(), mount, "cannot duplicate the root fd");
        r = group_node(v, fd, &v->root);
        if (r < 0)
                return r;
        v->root->nlookup = 1; /* the kernel's reference on the root, never forgotten */

        r = mountpoint_prepare(mount);
        if (r < 0)
                return r;

        snprintf(options, sizeof(options), "allow_other,default_permissions,fsname=%s,subtype=cgcompat",
                 flavor_fsname(settings->flavor));
        char *argv[] = { "cgcompatd", "-o", options, NULL };
        struct fuse_args args = FUSE_ARGS_INIT(3, argv);
        v->session = fuse_session_new(&args, &view_ops, sizeof(view_ops), v);
        fuse_opt_free_args(&args);
        if (!v->session)
                return log_error_errno(-EINVAL, mount, "cannot create the FUSE session");
        if (fuse_session_mount(v->session, mount) != 0) {
                fuse_session_destroy(v->session);
                v->session = NULL;
                return log_error_errno(-EIO, mount, "cannot mount the view");
        }
        /* Our own loop polls all views: never block on one of them. */
        if (fcntl(fuse_session_fd(v->session), F_SETFL, O_NONBLOCK) < 0)
                return log_error_errno(negative_errno(), mount, "cannot make the FUSE fd non-blocking");
        return 0;
}

int view_fd(const struct view *v) {
        return fuse_session_fd(v->session);
}

int view_process(struct view *v) {
        int r = fuse_session_receive_buf(v->session, &v->buf);
        if (r == -EINTR || r == -EAGAIN)
                return 0;
        if (r <= 0 || fuse_session_exited(v->session))
                return r < 0 ? r : -ENODEV;
        fuse_session_process_buf(v->session, &v->buf);
        return 0;
}

fuse_ino_t view_group_nodeid(struct view *v, uint64_t ino) {
        struct node *n = node_table_find_group(&v->nodes, ino);
        return n ? nodeid_of(v, n) : 0;
}

void view_unmount(struct view *v) {
        if (v->session)
                fuse_session_unmount(v->session);
}

void view_stop(struct view *v) {
        if (v->session) {
                fuse_session_unmount(v->session);
                fuse_session_destroy(v->session);
                v->session = NULL;
        }
        node_table_free(&v->nodes);
        v->root = NULL;
        free(v->buf.mem);
        v->buf.mem = NULL;
}
