/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The FUSE floor for the benchmark: a server that does no work. It answers the requests the
 * benchmark's operations cause, as cgcompatd answers them (libfuse's low-level API, one thread,
 * direct I/O, the same cache times and mount options), but makes nothing: every file reads
 * "0\n", a write is taken and dropped, mkdir and rmdir keep a name in memory. What an operation
 * costs here is what FUSE itself costs on this machine.
 *
 *   fusenull MOUNTPOINT        (root; serves until unmounted)
 *
 * Its root holds the files "tasks" and "notify_on_release" and the directories "a" and "b",
 * each with the same two files; mkdir and rmdir work in the root.
 */
#define FUSE_USE_VERSION 35
#include <errno.h>
#include <fuse_lowlevel.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define CACHE_SECONDS 1.0
#define MAX_DIRS 64

enum { ROOT = 1, FILES_PER_DIR = 2 };

static const char *const file_names[FILES_PER_DIR] = { "tasks", "notify_on_release" };
static char dir_names[MAX_DIRS][256] = { "a", "b" };

/* Directory i is inode 4 + 3i and its files the two after it; the root's files are 2 and 3. */
static fuse_ino_t dir_ino(int i) {
        return 4 + (fuse_ino_t) i * 3;
}

static void stat_of(fuse_ino_t ino, struct stat *st) {
        bool dir = ino == ROOT || (ino >= 4 && (ino - 4) % 3 == 0);
        *st = (struct stat) { .st_ino = ino, .st_nlink = dir ? 2 : 1, .st_blksize = 4096 };
        st->st_mode = dir ? S_IFDIR | 0755 : S_IFREG | 0644;
}

static void reply_entry(fuse_req_t req, fuse_ino_t ino) {
        struct fuse_entry_param e = { .ino = ino, .attr_timeout = CACHE_SECONDS, .entry_timeout = CACHE_SECONDS };
        stat_of(ino, &e.attr);
        fuse_reply_entry(req, &e);
}

static void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name) {
        fuse_ino_t base = parent == ROOT ? 1 : parent;
        for (int f = 0; f < FILES_PER_DIR; f++)
                if (!strcmp(name, file_names[f]))
                        return reply_entry(req, base + 1 + (fuse_ino_t) f);
        if (parent == ROOT)
                for (int i = 0; i < MAX_DIRS; i++)
                        if (dir_names[i][0] && !strcmp(name, dir_names[i]))
                                return reply_entry(req, dir_ino(i));
        fuse_reply_err(req, ENOENT);
}

static void op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
        struct stat st;
        (void) fi;
        stat_of(ino, &st);
        fuse_reply_attr(req, &st, CACHE_SECONDS);
}

static void op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
        (void) ino;
        fi->direct_io = 1;
        fuse_reply_open(req, fi);
}

static void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi) {
        static const char content[] = "0\n";
        (void) ino;
        (void) fi;
        if ((size_t) off >= sizeof(content) - 1)
                return (void) fuse_reply_buf(req, NULL, 0);
        size_t n = sizeof(content) - 1 - (size_t) off;
        fuse_reply_buf(req, content + off, n < size ? n : size);
}

static void op_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
                     struct fuse_file_info *fi) {
        (void) ino;
        (void) buf;
        (void) off;
        (void) fi;
        fuse_reply_write(req, size);
}

static void op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
        (void) ino;
        (void) fi;
        fuse_reply_err(req, 0);
}

static void op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode) {
        (void) mode;
        if (parent != ROOT || strlen(name) >= sizeof(dir_names[0]))
                return (void) fuse_reply_err(req, EPERM);
        for (int i = 0; i < MAX_DIRS; i++)
                if (!dir_names[i][0]) {
                        strcpy(dir_names[i], name);
                        return reply_entry(req, dir_ino(i));
                }
        fuse_reply_err(req, ENOSPC);
}

static void op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name) {
        for (int i = 2; parent == ROOT && i < MAX_DIRS; i++)
                if (!strcmp(dir_names[i], name)) {
                        dir_names[i][0] = 0;
                        return (void) fuse_reply_err(req, 0);
                }
        fuse_reply_err(req, ENOENT);
}

static const struct fuse_lowlevel_ops ops = {
        .lookup = op_lookup,
        .getattr = op_getattr,
        .open = op_open,
        .read = op_read,
        .write = op_write,
        .release = op_release,
        .mkdir = op_mkdir,
        .rmdir = op_rmdir,
};

int main(int argc, char **argv) {
        char *fuse_argv[] = { argv[0], "-o", "allow_other,default_permissions", NULL };
        struct fuse_args args = FUSE_ARGS_INIT(3, fuse_argv);

        if (argc != 2) {
                fprintf(stderr, "usage: %s MOUNTPOINT\n", argv[0]);
                return 2;
        }
        struct fuse_session *se = fuse_session_new(&args, &ops, sizeof(ops), NULL);
        if (!se || fuse_session_mount(se, argv[1]) != 0)
                return 1;
        int r = fuse_session_loop(se);
        fuse_session_unmount(se);
        fuse_session_destroy(se);
        return r < 0 ? 1 : 0;
}
