/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "view.h"

#include <assert.h>
#include <fcntl.h>
#include <linux/fuse.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compat/clock.h"
#include "compat/core_files.h"
#include "log.h"
#include "metrics.h"
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
        bool page_cached; /* read through the page cache: READ serves node->page_content */
        bool writer;      /* counted in node->writers */
};

struct dir_entry {
        char *name;
        uint64_t ino;
        mode_t type;
};

struct dir_handle {
        struct dir_entry *entries;
        size_t n, allocated;
        bool filled;
};

static struct view *view_of(fuse_req_t req) {
        return fuse_req_userdata(req);
}

/*
 * Node ids are the v2 inode numbers (node_table.h), not pointers, so that a daemon
 * restarted under the mount understands the ids the kernel got from the one before.
 */
static fuse_ino_t nodeid_of(struct view *v, struct node *n) {
        return n == v->root ? FUSE_ROOT_ID : n->ino;
}

/* The node a request names, made again if this process never saw it; NULL once the request is answered. */
static struct node *node_or_reply(fuse_req_t req, struct view *v, fuse_ino_t ino) {
        struct node *n;
        int r;

        if (ino == FUSE_ROOT_ID)
                return v->root;
        r = node_table_get(&v->nodes, ino, &n);
        if (r < 0) {
                v->request_error = -r;
                fuse_reply_err(req, -r);
                return NULL;
        }
        return n;
}

/* Forget without making: a node this process does not have holds nothing here. */
static void forget(struct view *v, fuse_ino_t ino, uint64_t nlookup) {
        struct node *n = ino == FUSE_ROOT_ID ? NULL : node_table_find(&v->nodes, ino);
        if (n)
                node_forget(&v->nodes, n, nlookup);
}

static struct caller caller_of(fuse_req_t req) {
        const struct fuse_ctx *ctx = fuse_req_ctx(req);
        return (struct caller) { .uid = ctx->uid, .gid = ctx->gid, .pid = ctx->pid, .init_admin = -1 };
}

/* Replies with the outcome of an operation: 0 or a negative errno. */
static void reply_error(fuse_req_t req, int r) {
        if (r < 0)
                view_of(req)->request_error = -r;
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
        /* 0 as on cgroupfs, but the page cache reads no further than st_size. */
        st.st_size = n->page_content ? (off_t) n->page_content->len : 0;
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
        struct node *parent = node_or_reply(req, v, parent_ino), *n;
        const struct legacy_file *file;
        struct tree_child child;
        int r;

        if (!parent)
                return;
        if (parent->kind != NODE_GROUP)
                return reply_error(req, -ENOTDIR);
        file = file_named(v, parent, name);
        if (file)
                r = node_table_file(&v->nodes, parent, file, &n);
        else {
                r = node_fd(&v->nodes, parent);
                if (r >= 0)
                        r = tree_lookup(v->tree, r, name, v->key, &child);
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
        forget(view_of(req), ino, nlookup);
        fuse_reply_none(req);
}

static void op_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets) {
        struct view *v = view_of(req);

        for (size_t i = 0; i < count; i++)
                forget(v, forgets[i].ino, forgets[i].nlookup);
        fuse_reply_none(req);
}

static void op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
        struct view *v = view_of(req);
        struct stat st;
        int r;

        (void) fi;
        struct node *n = node_or_reply(req, v, ino);
        if (!n)
                return;
        r = stat_node(v, n, &st);
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
                _cleanup_close_ int leaf_fd = -1;

                r = tree_open_leaf(v->tree, fd, true, &leaf_fd);
                if (r >= 0 && chown)
                        r = b->chown(leaf_fd, n->file->backing, uid, gid);
                if (r >= 0 && chmod)
                        r = b->chmod(leaf_fd, n->file->backing, attr->st_mode & 07777);
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
        struct node *n = node_or_reply(req, v, ino);
        struct stat st;
        int r = 0;

        (void) fi;
        if (!n)
                return;
        /* Size and times are accepted and ignored, as on cgroupfs: content is generated. */
        if (to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID | FUSE_SET_ATTR_MODE))
                r = set_owner_and_mode(v, n, to_set, attr);
        if (r >= 0)
                r = stat_node(v, n, &st);
        if (r < 0)
                return reply_error(req, r);
        fuse_reply_attr(req, &st, CACHE_SECONDS);
}

/* The file context of a group of this view, as a request by @c sees it. */
static struct file_ctx group_ctx(struct view *v, int fd, bool is_root, const struct caller *c) {
        return (struct file_ctx) {
                .tree = v->tree, .view = &v->settings, .fd = fd, .is_root = is_root, .opener = c, .caller = c,
        };
}

/* The view's subsystems set up a group it now holds from its parent, as their css_alloc did in v1. */
static int init_group(struct view *v, struct node *parent, int fd, const struct caller *c) {
        int parent_fd = node_fd(&v->nodes, parent);
        if (parent_fd < 0)
                return parent_fd;
        struct file_ctx parent_ctx = group_ctx(v, parent_fd, parent == v->root, c);
        struct file_ctx child_ctx = group_ctx(v, fd, false, c);
        int r = legacy_init_group(&parent_ctx, &child_ctx);
        if (r < 0)
                return log_warning_errno(r, v->key, "cannot set up a new group");
        return 0;
}

struct view_release {
        struct view *v;
        const struct caller *caller;
};

/*
 * The view lets a group go that other views keep: the group is gone from this hierarchy, so
 * its subsystems' settings go back to their defaults and its per-view flags are cleared.
 */
static int release_from_view(void *userdata, int fd) {
        struct view_release *rel = userdata;
        struct view *v = rel->v;
        struct file_ctx ctx = group_ctx(v, fd, false, rel->caller);
        int r = legacy_reset_group(&ctx);
        if (r < 0)
                log_warning_errno(r, v->key, "cannot put a released group's settings back to their defaults");
        r = tree_set_view_flag(v->tree, fd, STATE_NOTIFY_ON_RELEASE, v->key, false);
        if (r >= 0)
                r = tree_set_view_flag(v->tree, fd, STATE_CLONE_CHILDREN, v->key, false);
        return r;
}

static void op_mkdir(fuse_req_t req, fuse_ino_t parent_ino, const char *name, mode_t mode) {
        struct view *v = view_of(req);
        struct node *parent = node_or_reply(req, v, parent_ino), *n;
        struct caller c = caller_of(req);
        int fd, r;

        if (!parent)
                return;
        if (parent->kind != NODE_GROUP)
                return reply_error(req, -ENOTDIR);
        if (file_named(v, parent, name))
                return reply_error(req, -EEXIST);
        r = node_fd(&v->nodes, parent);
        if (r >= 0)
                r = tree_mkdir(v->tree, r, name, mode, &c, v->key, &fd);
        if (r >= 0) {
                r = init_group(v, parent, fd, &c);
                if (r < 0) {
                        close(fd);
                        int parent_fd = node_fd(&v->nodes, parent);
                        struct view_release rel = { v, &c };
                        if (parent_fd >= 0)
                                (void) tree_rmdir(v->tree, parent_fd, name, v->key, release_from_view, &rel);
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
        struct node *parent = node_or_reply(req, v, parent_ino);

        if (!parent)
                return;
        if (parent->kind != NODE_GROUP)
                return reply_error(req, -ENOTDIR);
        if (file_named(v, parent, name))
                return reply_error(req, -ENOTDIR);
        struct caller c = caller_of(req);
        struct view_release rel = { v, &c };
        int fd = node_fd(&v->nodes, parent);
        int r = fd < 0 ? fd : tree_rmdir(v->tree, fd, name, v->key, release_from_view, &rel);
        if (r >= 0)
                entry_changed(v, parent, name);
        reply_error(req, r);
}

static void op_rename(fuse_req_t req, fuse_ino_t parent_ino, const char *name, fuse_ino_t new_parent_ino,
                      const char *new_name, unsigned flags) {
        struct view *v = view_of(req);
        struct node *parent, *new_parent;

        if (flags)
                return reply_error(req, -EINVAL); /* kernfs takes no rename flags */
        parent = node_or_reply(req, v, parent_ino);
        if (!parent)
                return;
        new_parent = node_or_reply(req, v, new_parent_ino);
        if (!new_parent)
                return;
        if (parent->kind != NODE_GROUP || new_parent->kind != NODE_GROUP)
                return reply_error(req, -ENOTDIR);
        if (file_named(v, parent, name))
                return reply_error(req, -ENOTDIR);
        if (parent != new_parent)
                return reply_error(req, -EIO);
        if (file_named(v, new_parent, new_name))
                return reply_error(req, -ENOTDIR);
        int fd = node_fd(&v->nodes, parent);
        int r = fd < 0 ? fd : tree_rename(v->tree, fd, name, fd, new_name, v->key);
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
                .events = v->events,
        };
        return 0;
}

static void open_file_free(struct view *v, struct open_file *h) {
        if (!h)
                return;
        if (h->page_cached)
                h->node->page_readers--;
        if (h->writer && --h->node->writers == 0 && h->node->page_content) {
                text_free(h->node->page_content);
                free(TAKE_PTR(h->node->page_content)); /* the next reader sets st_size and the pages again */
        }
        text_free(&h->content);
        node_unpin(&v->nodes, h->node);
        free(h);
}

/*
 * A FUSE read costs two round trips, the READ and the READ that finds the end. A file that reads
 * the same for everyone is made at open instead, and when it is what the kernel's page cache of
 * it holds already, the kernel answers read(2) itself. When it changed, the kernel drops those
 * pages at this open (no keep_cache) and must ask st_size again before it reads: attributes are
 * invalidated first, so that no reader stops at the old length. The pages change only while no
 * handle reads them, so that each open reads one whole content, as from v1's seq_file; an open
 * that finds them in use, or any failure, reads its own snapshot by direct I/O. So does every open
 * while the file is open for writing: a write moves the kernel's st_size and drops its pages
 * (O_TRUNC) beneath its readers, so the pages are trusted again only once the writers are gone.
 * That leaves two differences from v1, which is why this is an option: a file kept open and
 * read again from offset 0 reads the content of its open (seq_file makes it again), and a write
 * opened while a reader is between its first and its last read(2) may leave it a partial value.
 */
static void open_page_cached(struct view *v, fuse_req_t req, struct open_file *h, struct fuse_file_info *fi) {
        _cleanup_(text_free) struct text fresh = {};
        struct caller c = caller_of(req);
        struct node *n = h->node;
        struct file_ctx ctx;

        if (n->writers > 0 || file_ctx_of(v, h, &c, &ctx) < 0 || n->file->read(&ctx, &fresh) < 0)
                return; /* the READ will make it again, and fail as the kernel would */
        if (n->page_content && text_equal(n->page_content, &fresh)) {
                fi->keep_cache = 1;
                h->page_cached = true;
                n->page_readers++;
                return;
        }
        if (n->page_readers > 0 || fuse_lowlevel_notify_inval_inode(v->session, nodeid_of(v, n), -1, 0) < 0)
                return;
        if (!n->page_content && !(n->page_content = calloc(1, sizeof(*n->page_content))))
                return;
        text_free(n->page_content);
        *n->page_content = TAKE_STRUCT(fresh);
        h->page_cached = true;
        n->page_readers++;
}

static void op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
        struct view *v = view_of(req);
        struct node *n = node_or_reply(req, v, ino);
        struct open_file *h;
        uint64_t fh;
        int r;

        if (!n)
                return;
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
        r = handle_table_add(v->handles, HANDLE_FILE, &h->opener, h, &fh);
        if (r < 0) {
                open_file_free(v, h);
                return reply_error(req, r);
        }
        fi->fh = fh;
        handle_table_set_owner(v->handles, fh, v->session);
        if (v->page_cache && legacy_file_cacheable(n->file)) {
                if ((fi->flags & O_ACCMODE) == O_RDONLY)
                        open_page_cached(v, req, h, fi);
                else {
                        h->writer = true;
                        n->writers++;
                }
        }
        /* Otherwise, generated at the first read: no page cache, st_size 0 as on cgroupfs. */
        fi->direct_io = !h->page_cached;
        if (fuse_reply_open(req, fi) == -ENOENT)
                open_file_free(v, handle_table_remove(v->handles, fh));
}

/* The open file behind a handle, made again for a handle the daemon before us gave (its opener kept). */
static int open_file_of(struct view *v, fuse_ino_t ino, uint64_t fh, struct open_file **ret) {
        struct caller opener;
        struct node *n;
        void **state;
        int r;

        r = handle_table_get(v->handles, fh, HANDLE_FILE, &opener, &state);
        if (r < 0)
                return r;
        if (!*state) {
                r = node_table_get(&v->nodes, ino, &n);
                if (r < 0)
                        return r;
                if (n->kind != NODE_FILE)
                        return -EBADF;
                struct open_file *h = calloc(1, sizeof(*h));
                if (!h)
                        return -ENOMEM;
                *h = (struct open_file) { .node = n, .opener = opener };
                node_pin(n);
                *state = h;
                handle_table_set_owner(v->handles, fh, v->session);
        }
        *ret = *state;
        return 0;
}

static void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi) {
        struct view *v = view_of(req);
        struct caller c = caller_of(req);
        struct open_file *h;
        int r;

        r = open_file_of(v, ino, fi->fh, &h);
        if (r < 0)
                return reply_error(req, r);
        if (h->page_cached && h->node->page_content) {
                const struct text *t = h->node->page_content;
                size_t n = (size_t) off < t->len ? t->len - (size_t) off : 0;
                return (void) fuse_reply_buf(req, n ? t->data + off : NULL, n < size ? n : size);
        }
        /* Like seq_file: generated at offset 0, then read on from the same snapshot. */
        if (off == 0 || !h->loaded) {
                struct file_ctx ctx;

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
        struct caller c = caller_of(req);
        struct open_file *h;
        struct v2_trace trace;
        struct file_ctx ctx;
        int r;

        (void) off; /* each write is one value, wherever the offset is */
        trace.len = 0;
        r = open_file_of(v, ino, fi->fh, &h);
        if (r >= 0)
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

        (void) ino;
        open_file_free(v, handle_table_remove(v->handles, fi->fh));
        fuse_reply_err(req, 0);
}

static void dir_handle_free(struct dir_handle *d) {
        if (!d)
                return;
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
                r = tree_for_each_child(v->tree, r, v->key, dir_add_child, d);
        return r;
}

static void op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
        struct view *v = view_of(req);
        struct node *n = node_or_reply(req, v, ino);
        struct caller c = caller_of(req);
        struct dir_handle *d;
        uint64_t fh;
        int r;

        if (!n)
                return;
        if (n->kind != NODE_GROUP)
                return reply_error(req, -ENOTDIR);
        d = calloc(1, sizeof(*d));
        if (!d)
                return reply_error(req, -ENOMEM);
        r = handle_table_add(v->handles, HANDLE_DIR, &c, d, &fh);
        if (r < 0) {
                dir_handle_free(d);
                return reply_error(req, r);
        }
        fi->fh = fh;
        handle_table_set_owner(v->handles, fh, v->session);
        if (fuse_reply_open(req, fi) == -ENOENT)
                dir_handle_free(handle_table_remove(v->handles, fh));
}

static void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi) {
        struct view *v = view_of(req);
        _cleanup_free_ char *buf = NULL;
        struct dir_handle *d;
        size_t used = 0;
        void **state;
        int r;

        r = handle_table_get(v->handles, fi->fh, HANDLE_DIR, NULL, &state);
        if (r < 0)
                return reply_error(req, r);
        if (!*state) {
                /* Opened under the daemon before us: list again, and go on from the offset. */
                *state = calloc(1, sizeof(struct dir_handle));
                if (!*state)
                        return reply_error(req, -ENOMEM);
                handle_table_set_owner(v->handles, fi->fh, v->session);
        }
        d = *state;
        if (off == 0 || !d->filled) {
                struct node *n = node_or_reply(req, v, ino);
                if (!n)
                        return;
                for (size_t i = 0; i < d->n; i++)
                        free(d->entries[i].name);
                d->n = 0;
                r = dir_fill(v, n, d);
                if (r < 0)
                        return reply_error(req, r);
                d->filled = true;
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

void view_free_handle_state(enum handle_kind kind, void *state) {
        if (kind == HANDLE_DIR)
                dir_handle_free(state);
        else {
                struct open_file *h = state;
                text_free(&h->content);
                free(h);
        }
}

static void op_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
        (void) ino;
        dir_handle_free(handle_table_remove(view_of(req)->handles, fi->fh));
        fuse_reply_err(req, 0);
}

static void op_statfs(fuse_req_t req, fuse_ino_t ino) {
        struct statvfs st = { .f_bsize = 4096, .f_frsize = 4096, .f_namemax = NAME_MAX };

        (void) ino;
        fuse_reply_statfs(req, &st);
}

static void op_init(void *userdata, struct fuse_conn_info *conn) {
        struct view *v = userdata;

        if (v->resumed)
                /* The kernel keeps what it agreed with the daemon before us: want exactly that again. */
                conn->want = (unsigned) v->want & conn->capable;
        else if (conn->capable & FUSE_CAP_ATOMIC_O_TRUNC)
                conn->want |= FUSE_CAP_ATOMIC_O_TRUNC; /* "echo x > file" needs no truncate */
        v->want = conn->want;
        v->initialised = true;
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

/*
 * The mount's source: "cgcompat" for every view, as for the legacy root. Not "cgroup" or
 * "container" as the kernel's filesystems named theirs: umount(8) given a path that is not a
 * mount point ("umount cgroup/", run by legacy scripts after their own mount there failed)
 * falls back to the mounts whose source matches it, and would take a view. The preload shows
 * legacy programs the source they expect.
 */
#define VIEW_SOURCE "cgcompat"

/*
 * What a restarted daemon needs besides the FUSE fd: the FUSE_INIT request the
 * kernel sent when the view was mounted (libfuse answers nothing before it, and
 * the kernel never sends it again) and the capabilities agreed then. File node
 * ids name rows of the legacy tables, so the tables must be the same ones.
 */
#define VIEW_RECORD_MAGIC "cgcview1"
#define INIT_REQUEST_MAX 4096

struct view_record {
        char magic[8];
        uint64_t tree_root_ino;
        uint64_t rows;
        uint64_t want;
        uint64_t init_len;
        char mount[PATH_MAX];
        /* then init_len bytes: the FUSE_INIT request */
};

/* Kernels since 6.9 hand back the requests a daemon read and never answered (it died mid-request). */
#define NOTIFY_RESEND 7

static uint64_t rows_fingerprint(void) {
        uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
        for (size_t i = 0, n = legacy_file_count(); i < n; i++)
                for (const char *p = legacy_file_at(i)->name;; p++) {
                        h = (h ^ (unsigned char) *p) * 0x100000001b3ull;
                        if (!*p)
                                break;
                }
        return h;
}

int view_record(const struct view *v, int *ret_fd) {
        struct view_record rec = {
                .tree_root_ino = v->tree->root_ino,
                .rows = rows_fingerprint(),
                .want = v->want,
                .init_len = v->init_len,
        };
        _cleanup_close_ int fd = -1;

        if (!v->initialised || !v->init_request)
                return -EAGAIN;
        memcpy(rec.magic, VIEW_RECORD_MAGIC, sizeof(rec.magic));
        strcpy(rec.mount, v->mount);
        fd = memfd_create("cgcompat-view", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (fd < 0)
                return negative_errno();
        struct iovec iov[] = { { &rec, sizeof(rec) }, { v->init_request, v->init_len } };
        ssize_t n = writev(fd, iov, ELEMENTSOF(iov));
        if (n < 0)
                return negative_errno();
        if ((size_t) n != sizeof(rec) + v->init_len)
                return -EIO;
        /* Sealed: the next daemon reads exactly what this one wrote. */
        if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
                return negative_errno();
        *ret_fd = TAKE_FD(fd);
        return 0;
}

static int read_record(int fd, struct view_record *rec, void **ret_init) {
        _cleanup_free_ void *init = NULL;

        if (pread(fd, rec, sizeof(*rec), 0) != sizeof(*rec) || memcmp(rec->magic, VIEW_RECORD_MAGIC, sizeof(rec->magic)) ||
            rec->init_len < sizeof(struct fuse_in_header) + sizeof(struct fuse_init_in) ||
            rec->init_len > INIT_REQUEST_MAX || !memchr(rec->mount, 0, sizeof(rec->mount)))
                return -EBADMSG;
        init = malloc(rec->init_len);
        if (!init)
                return -ENOMEM;
        if (pread(fd, init, rec->init_len, sizeof(*rec)) != (ssize_t) rec->init_len)
                return -EBADMSG;
        const struct fuse_in_header *in = init;
        if (in->opcode != FUSE_INIT || in->len != rec->init_len)
                return -EBADMSG;
        *ret_init = TAKE_PTR(init);
        return 0;
}

/*
 * A session speaking FUSE on @fuse_fd, a connection already mounted: libfuse's
 * documented way ("/dev/fd/N", the mount being the caller's business). The
 * daemon mounts and unmounts itself, so that a mount may outlive the session
 * that made it (the next daemon answers it) and the session owns nothing else.
 * Takes @fuse_fd.
 */
static int new_session(struct view *v, int fuse_fd) {
        char device[64];
        char *argv[] = { "cgcompatd", NULL };
        struct fuse_args args = FUSE_ARGS_INIT(1, argv);

        v->session = fuse_session_new(&args, &view_ops, sizeof(view_ops), v);
        fuse_opt_free_args(&args);
        if (!v->session) {
                close(fuse_fd);
                return log_error_errno(-EINVAL, v->mount, "cannot create the FUSE session");
        }
        snprintf(device, sizeof(device), "/dev/fd/%d", fuse_fd);
        if (fuse_session_mount(v->session, device) != 0) {
                close(fuse_fd);
                return log_error_errno(-EIO, v->mount, "cannot hand the FUSE fd to the session");
        }
        /* Our own loop polls all views: never block on one of them. */
        if (fcntl(fuse_fd, F_SETFL, O_NONBLOCK) < 0)
                return log_error_errno(negative_errno(), v->mount, "cannot make the FUSE fd non-blocking");
        return 0;
}

/* What libfuse does as root: open /dev/fuse, mount it, nosuid and nodev; the fd is the connection. */
static int mount_fuse(const struct view *v, int *ret_fd) {
        char options[128];
        _cleanup_close_ int fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);

        if (fd < 0)
                return log_error_errno(negative_errno(), "/dev/fuse", "cannot open");
        snprintf(options, sizeof(options), "fd=%d,rootmode=40000,user_id=%u,group_id=%u,allow_other,default_permissions",
                 fd, (unsigned) getuid(), (unsigned) getgid());
        if (mount(VIEW_SOURCE, v->mount, "fuse.cgcompat", MS_NOSUID | MS_NODEV, options) < 0)
                return log_error_errno(negative_errno(), v->mount, "cannot mount the view");
        *ret_fd = TAKE_FD(fd);
        return 0;
}

/* A FUSE fd whose connection still stands: mounted and not aborted. */
static bool connection_alive(int fuse_fd) {
        struct pollfd pfd = { .fd = fuse_fd };
        return poll(&pfd, 1, 0) >= 0 && !(pfd.revents & (POLLERR | POLLHUP | POLLNVAL));
}

/*
 * Answers the mount a previous daemon left, through its FUSE fd from the fd
 * store. libfuse answers nothing but FUSE_INIT first, so it is given the
 * recorded one: it sets up the session as then, and its answer is refused by
 * the kernel (that request was answered long ago: ENOENT, which libfuse keeps
 * quiet about). The fds stay the caller's: the session gets a copy.
 */
static int resume_session(struct view *v, struct view_resume *resume) {
        _cleanup_free_ void *init = NULL;
        struct view_record rec;
        int r;

        if (resume->record_fd < 0)
                return -ENODATA; /* the daemon stopped between storing the two */
        r = read_record(resume->record_fd, &rec, &init);
        if (r < 0)
                return r;
        if (strcmp(rec.mount, v->mount)) {
                /* Moved in the configuration: the old place is served by nobody once its fd is closed. */
                if (connection_alive(resume->fuse_fd))
                        (void) mountinfo_unmount_fuse(rec.mount, 2);
                closep(&resume->fuse_fd);
                return -ESTALE;
        }
        if (rec.tree_root_ino != v->tree->root_ino || rec.rows != rows_fingerprint())
                return -ESTALE; /* its node ids mean other groups or other files here */
        if (!connection_alive(resume->fuse_fd))
                return -ENOTCONN; /* unmounted meanwhile, or aborted */

        int fd = fcntl(resume->fuse_fd, F_DUPFD_CLOEXEC, 3);
        if (fd < 0)
                return negative_errno();
        r = new_session(v, fd);
        if (r < 0)
                return r;
        v->resumed = true;
        v->want = rec.want;
        struct fuse_buf buf = { .mem = init, .size = rec.init_len };
        fuse_session_process_buf(v->session, &buf);
        if (!v->initialised)
                return -EPROTO;
        v->init_request = TAKE_PTR(init);
        v->init_len = rec.init_len;
        struct fuse_out_header resend = { .len = sizeof(resend), .error = NOTIFY_RESEND };
        (void) !write(fuse_session_fd(v->session), &resend, sizeof(resend));
        return 0;
}

void view_abandon(struct view_resume *resume) {
        _cleanup_free_ void *init = NULL;
        struct view_record rec;

        if (resume->fuse_fd >= 0 && connection_alive(resume->fuse_fd) && resume->record_fd >= 0 &&
            read_record(resume->record_fd, &rec, &init) >= 0 && mountinfo_unmount_fuse(rec.mount, 2) > 0)
                log_info(rec.mount, "unmounted: the previous daemon served it, this configuration has no such view");
        closep(&resume->fuse_fd);
        closep(&resume->record_fd);
}

static void drop_session(struct view *v) {
        if (v->session)
                fuse_session_destroy(v->session);
        v->session = NULL;
        v->resumed = v->initialised = false;
}

/* The node table with the root alone: what a new connection's kernel knows. */
static int reset_nodes(struct view *v) {
        int fd, r;

        node_table_free(&v->nodes);
        v->root = NULL;
        r = node_table_init(&v->nodes, max_cached_fds(), reopen_group, v);
        if (r < 0)
                return r;
        fd = fcntl(v->tree->root_fd, F_DUPFD_CLOEXEC, 3);
        if (fd < 0)
                return log_error_errno(negative_errno(), v->mount, "cannot duplicate the root fd");
        r = group_node(v, fd, &v->root);
        if (r < 0)
                return r;
        v->root->nlookup = 1; /* the kernel's reference on the root, never forgotten */
        return 0;
}

/* The view's FUSE device as the mount table shows it: the topmost fuse.cgcompat mount at its place. */
static int read_device(struct view *v) {
        _cleanup_free_ char *table = NULL;
        int r = mountinfo_read(&table);

        if (r >= 0)
                r = mountinfo_device(table, v->mount, "fuse.cgcompat", &v->dev);
        if (r < 0)
                return log_error_errno(r, v->mount, "cannot find the view's mount in /proc/self/mountinfo");
        return 0;
}

/* How long the loop waits for a bind of the view on itself before it serves again. */
#define STACK_WAIT_MS 1000

/*
 * The view is stacked on itself, a bind of its root on its own mount point: an outside umount
 * (or umount -l) takes the top layer only, the one below serves on from the same connection, and
 * a script running across it never finds the directory empty; the daemon stacks it again.
 *
 * mount(2) takes the lock of the mount point's inode, the view's own root directory, and a
 * process listing that directory (or looking a name up in it) holds that lock while it waits
 * for this thread to answer: made from this thread, the bind would wait forever. So a child
 * makes it, with every fd but stdio closed (the connection must not live on in it), and the
 * loop waits for it a while only, then serves on; the child finishes once the listing has
 * its answer.
 */
static int stack(struct view *v) {
        int done[2], status;

        assert(v->stack_done_fd < 0);
        /* The child's end closes when it exits: a pipe, not a pidfd, which valgrind does not know. */
        if (pipe2(done, O_CLOEXEC) < 0)
                return log_warning_errno(negative_errno(), v->mount, "cannot make a pipe to stack the view on itself");
        pid_t pid = fork();
        if (pid < 0) {
                closep(&done[0]);
                closep(&done[1]);
                return log_warning_errno(negative_errno(), v->mount, "cannot fork to stack the view on itself");
        }
        if (pid == 0) {
                if (done[1] > 3)
                        (void) close_range(3, (unsigned) done[1] - 1, 0);
                (void) close_range((unsigned) done[1] + 1, ~0U, 0);
                /* The type is ignored for a bind; "none" as mount(8) passes, not NULL (valgrind checks it). */
                if (mount(v->mount, v->mount, "none", MS_BIND, NULL) < 0) {
                        log_warning_errno(negative_errno(), v->mount, "cannot stack the view on itself: an outside "
                                          "umount will leave it missing until it is mounted again");
                        _exit(EXIT_FAILURE);
                }
                _exit(EXIT_SUCCESS);
        }
        closep(&done[1]);
        struct pollfd exited = { .fd = done[0], .events = POLLIN };
        if (poll(&exited, 1, STACK_WAIT_MS) == 1) {
                closep(&done[0]);
                /* Not reaped before this looks (only the loop reaps): the pid is still the child's. */
                if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
                        return -EIO; /* the child said why */
                return 0;
        }
        log_warning(v->mount, "stacking the view on itself waits for a process that holds its root: serving meanwhile");
        v->stack_done_fd = done[0];
        return 0;
}

bool view_stacking(struct view *v) {
        struct pollfd exited = { .fd = v->stack_done_fd, .events = POLLIN };

        if (v->stack_done_fd < 0)
                return false;
        if (poll(&exited, 1, 0) == 0)
                return true;
        closep(&v->stack_done_fd); /* the loop's SIGCHLD handling reaps the child */
        v->stack_done_fd = -1;
        return false;
}

int view_restack(struct view *v) {
        return stack(v);
}

/* Mounted at @v->mount and given a new session; the mount is undone if the session cannot be made. */
static int mount_new(struct view *v) {
        int fd = -1, r;

        r = mountpoint_prepare(v->mount);
        if (r >= 0)
                r = mount_fuse(v, &fd);
        if (r < 0)
                return r;
        r = new_session(v, fd);
        if (r >= 0)
                r = read_device(v);
        if (r < 0) {
                drop_session(v);
                (void) umount2(v->mount, MNT_DETACH);
                return r;
        }
        (void) stack(v);
        return 0;
}

int view_start(struct view *v, struct compat_tree *tree, struct handle_table *handles,
               const struct view_settings *settings, const char *mount, struct view_resume *resume) {
        int r;

        *v = (struct view) { .tree = tree, .handles = handles, .stack_done_fd = -1 };
        if (strlen(mount) >= sizeof(v->mount) || strlen(settings->key) >= sizeof(v->key))
                r = -ENAMETOOLONG;
        else {
                strcpy(v->mount, mount);
                strcpy(v->key, settings->key);
                v->settings = *settings;
                v->settings.key = v->key;
                v->settings.offered = tree->offered;
                r = reset_nodes(v);
        }
        if (resume) {
                int e = r < 0 ? r : resume_session(v, resume);
                if (e < 0) {
                        if (r >= 0)
                                log_warning_errno(e, mount, "cannot answer the mount the previous daemon left, mounting anew");
                        drop_session(v);
                        /* Nobody will answer it once its fd is closed: out of the way, lazily as libfuse does. */
                        if (resume->fuse_fd >= 0 && connection_alive(resume->fuse_fd))
                                (void) mountinfo_unmount_fuse(mount, 2);
                }
                closep(&resume->fuse_fd);
                closep(&resume->record_fd);
                if (e >= 0) {
                        log_info(mount, "answering the mount the previous daemon left");
                        /* Unknown (0) if it is not at its place any more: the first look at the mount table mounts it again. */
                        _cleanup_free_ char *table = NULL;
                        if (mountinfo_read(&table) >= 0)
                                (void) mountinfo_device(table, mount, "fuse.cgcompat", &v->dev);
                        return 0;
                }
        }
        if (r < 0)
                return r;
        return mount_new(v);
}

int view_layers(const struct view *v, const char *mountinfo) {
        return v->session && !v->dead ? mountinfo_count(mountinfo, v->mount, v->dev) : 0;
}

struct fuse_session *view_disconnect(struct view *v) {
        struct fuse_session *old = TAKE_PTR(v->session);
        size_t dropped;

        if (!old)
                return NULL;
        /*
         * Our end of the old connection goes now, its fd number staying valid (/dev/null) until the
         * session is destroyed: with no other end open, the kernel aborts the connection, so that
         * files still open on a lazily detached mount fail instead of waiting for an answer.
         */
        _cleanup_close_ int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (null < 0 || dup3(null, fuse_session_fd(old), O_CLOEXEC) < 0)
                log_warning_errno(negative_errno(), v->mount, "cannot close the old connection");
        /* Its handles mean nothing to the new connection, and no RELEASE will come for them. */
        dropped = handle_table_drop(v->handles, old, view_free_handle_state);
        if (dropped > 0)
                log_info(v->mount, "dropped %zu handles open on the old mount", dropped);
        v->resumed = v->initialised = v->dead = false;
        free(TAKE_PTR(v->init_request));
        v->init_len = 0;
        return old;
}

int view_mount_again(struct view *v) {
        _cleanup_free_ char *table = NULL;
        int r;

        assert(!v->session);
        /* The kernel forgot every node id of the old connection: only the root is known. */
        r = reset_nodes(v);
        if (r < 0)
                return r;
        /*
         * Our old layers still at their place are dead (aborted): out of the way, lazily as libfuse
         * does, before anything looks at the path (a statfs of a layer of ours would wait on us).
         */
        for (int k = 0; k < 8; k++) {
                free(TAKE_PTR(table));
                if (mountinfo_read(&table) < 0 || !mountinfo_has(table, v->mount, v->dev))
                        break;
                if (umount2(v->mount, MNT_DETACH) < 0)
                        return log_error_errno(negative_errno(), v->mount, "cannot unmount the dead mount");
        }
        v->dev = 0;
        return mount_new(v);
}

int view_fd(const struct view *v) {
        return fuse_session_fd(v->session);
}

/* The first request of a new mount is FUSE_INIT: kept for view_record(). */
static void remember_init(struct view *v, size_t len) {
        const struct fuse_in_header *in = v->buf.mem;

        if ((v->buf.flags & FUSE_BUF_IS_FD) || len < sizeof(*in) || in->opcode != FUSE_INIT || in->len != len ||
            len > INIT_REQUEST_MAX)
                return;
        free(v->init_request);
        v->init_request = malloc(len);
        if (v->init_request)
                memcpy(v->init_request, in, len);
        v->init_len = v->init_request ? len : 0;
}

/*
 * The member of struct fuse_lowlevel_ops that serves each opcode, plus one (0: libfuse's
 * own: INIT, DESTROY, INTERRUPT, NOTIFY_REPLY...). Where view_ops leaves it NULL, libfuse
 * answers ENOSYS itself, which reply_error() never sees.
 */
#define OP_MEMBER(member) (offsetof(struct fuse_lowlevel_ops, member) + 1)
static const size_t op_member[] = {
        [FUSE_LOOKUP] = OP_MEMBER(lookup),           [FUSE_FORGET] = OP_MEMBER(forget),
        [FUSE_GETATTR] = OP_MEMBER(getattr),         [FUSE_SETATTR] = OP_MEMBER(setattr),
        [FUSE_READLINK] = OP_MEMBER(readlink),       [FUSE_SYMLINK] = OP_MEMBER(symlink),
        [FUSE_MKNOD] = OP_MEMBER(mknod),             [FUSE_MKDIR] = OP_MEMBER(mkdir),
        [FUSE_UNLINK] = OP_MEMBER(unlink),           [FUSE_RMDIR] = OP_MEMBER(rmdir),
        [FUSE_RENAME] = OP_MEMBER(rename),           [FUSE_RENAME2] = OP_MEMBER(rename),
        [FUSE_LINK] = OP_MEMBER(link),               [FUSE_OPEN] = OP_MEMBER(open),
        [FUSE_READ] = OP_MEMBER(read),               [FUSE_WRITE] = OP_MEMBER(write),
        [FUSE_STATFS] = OP_MEMBER(statfs),           [FUSE_RELEASE] = OP_MEMBER(release),
        [FUSE_FSYNC] = OP_MEMBER(fsync),             [FUSE_SETXATTR] = OP_MEMBER(setxattr),
        [FUSE_GETXATTR] = OP_MEMBER(getxattr),       [FUSE_LISTXATTR] = OP_MEMBER(listxattr),
        [FUSE_REMOVEXATTR] = OP_MEMBER(removexattr), [FUSE_FLUSH] = OP_MEMBER(flush),
        [FUSE_OPENDIR] = OP_MEMBER(opendir),         [FUSE_READDIR] = OP_MEMBER(readdir),
        [FUSE_RELEASEDIR] = OP_MEMBER(releasedir),   [FUSE_FSYNCDIR] = OP_MEMBER(fsyncdir),
        [FUSE_GETLK] = OP_MEMBER(getlk),             [FUSE_SETLK] = OP_MEMBER(setlk),
        [FUSE_SETLKW] = OP_MEMBER(setlk),            [FUSE_ACCESS] = OP_MEMBER(access),
        [FUSE_CREATE] = OP_MEMBER(create),           [FUSE_BMAP] = OP_MEMBER(bmap),
        [FUSE_IOCTL] = OP_MEMBER(ioctl),             [FUSE_POLL] = OP_MEMBER(poll),
        [FUSE_BATCH_FORGET] = OP_MEMBER(forget_multi), [FUSE_FALLOCATE] = OP_MEMBER(fallocate),
        [FUSE_READDIRPLUS] = OP_MEMBER(readdirplus), [FUSE_COPY_FILE_RANGE] = OP_MEMBER(copy_file_range),
        [FUSE_LSEEK] = OP_MEMBER(lseek),
};

/* Whether view_ops serves @opcode, or libfuse does: otherwise libfuse answers ENOSYS. */
static bool view_answers(uint32_t opcode) {
        void (*handler)(void);

        if (opcode >= ELEMENTSOF(op_member) || op_member[opcode] == 0)
                return true;
        memcpy(&handler, (const char *) &view_ops + op_member[opcode] - 1, sizeof(handler));
        return handler != NULL;
}

/* The opcode of the request in v->buf; 0 (counted as "other") when it is not in memory. */
static uint32_t request_opcode(const struct view *v, size_t len) {
        const struct fuse_in_header *in = v->buf.mem;

        if ((v->buf.flags & FUSE_BUF_IS_FD) || len < sizeof(*in))
                return 0;
        return in->opcode;
}

/* Counted after libfuse has answered it: forget and interrupt have no answer, and count as ok. */
static void count_request(struct view *v, uint32_t opcode, int64_t begin) {
        int error = v->request_error;

        if (!error && opcode && !view_answers(opcode))
                error = ENOSYS;
        metrics_count_request(v->metrics, v->metrics_index, opcode, error, monotonic_ns() - begin);
}

int view_process(struct view *v) {
        bool was_initialised = v->initialised;
        uint32_t opcode;
        int64_t begin = 0;
        int r = fuse_session_receive_buf(v->session, &v->buf);
        if (r == -EINTR || r == -EAGAIN)
                return 0; /* nothing queued */
        if (r <= 0 || fuse_session_exited(v->session))
                return r < 0 ? r : -ENODEV;
        if (!was_initialised)
                remember_init(v, (size_t) r);
        opcode = request_opcode(v, (size_t) r);
        v->request_error = 0;
        if (v->metrics)
                begin = monotonic_ns();
        fuse_session_process_buf(v->session, &v->buf);
        if (v->metrics)
                count_request(v, opcode, begin);
        if (!was_initialised && v->initialised && v->initialised_hook)
                v->initialised_hook(v->userdata, v);
        return 1;
}

fuse_ino_t view_group_nodeid(struct view *v, uint64_t ino) {
        if (ino == v->root->ino)
                return FUSE_ROOT_ID;
        /* Under a mount the previous daemon left, the kernel may know groups this process never saw. */
        return v->resumed || node_table_find_group(&v->nodes, ino) ? ino : 0;
}

void view_unmount(struct view *v) {
        if (!v->session)
                return; /* not mounted by us: maybe served by another daemon */
        /* As libfuse: not if the connection is gone already, since the path may be another mount's by now. */
        struct pollfd pfd = { .fd = fuse_session_fd(v->session) };
        if (poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLERR))
                return;
        /* Both layers, the view and its bind on itself: only ours, by device, when the table can be read. */
        for (int k = 0; k < 8; k++) {
                _cleanup_free_ char *table = NULL;
                bool known = v->dev != 0 && mountinfo_read(&table) >= 0;
                if (known && !mountinfo_has(table, v->mount, v->dev))
                        break;
                /* Lazily, as libfuse: a synchronous unmount could wait on a request only this process answers. */
                if (umount2(v->mount, MNT_DETACH) < 0) {
                        if (errno != EINVAL && errno != ENOENT)
                                log_warning_errno(negative_errno(), v->mount, "cannot unmount");
                        break;
                }
                if (!known && k >= 1)
                        break; /* blind: the two layers a view has */
        }
}

void view_stop(struct view *v) {
        closep(&v->stack_done_fd);
        v->stack_done_fd = -1;
        drop_session(v);
        node_table_free(&v->nodes);
        v->root = NULL;
        free(v->buf.mem);
        v->buf.mem = NULL;
        free(v->init_request);
        v->init_request = NULL;
}
