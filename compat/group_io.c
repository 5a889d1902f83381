/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "group_io.h"

#include <assert.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "convert_simple.h"
#include "kstrto.h"
#include "leaf_limits.h"

static int read_v2(const struct compat_tree *t, int fd, const char *file, char **ret) {
        char *text;
        size_t len;
        int r = t->backend->read_file(fd, file, &text, &len);
        if (r < 0)
                return r;
        if (len > 0 && text[len - 1] == '\n')
                text[len - 1] = 0;
        *ret = text;
        return 0;
}

/* Notes "[leaf/]file=value; " for the audit, cut short rather than lost if it is long. */
static void trace_write(const struct file_ctx *ctx, bool leaf, const char *file, const char *value, size_t len) {
        struct v2_trace *t = ctx->trace;
        if (!t || t->len >= sizeof(t->text) - 1)
                return;
        while (len > 0 && value[len - 1] == '\n')
                len--;
        int n = snprintf(t->text + t->len, sizeof(t->text) - t->len, "%s%s%s=%.*s", t->len ? "; " : "",
                         leaf ? "leaf/" : "", file, (int) len, value);
        if (n > 0)
                t->len = t->len + (size_t) n < sizeof(t->text) ? t->len + (size_t) n : sizeof(t->text) - 1;
}

static int write_v2(const struct file_ctx *ctx, int fd, bool leaf, const char *file, const char *value, size_t len) {
        int r = ctx->tree->backend->write_file(fd, file, value, len);
        if (r < 0)
                return r;
        trace_write(ctx, leaf, file, value, len);
        if (leaf || !leaf_limit_mirrored(file))
                return 0;

        /*
         * The group's ceiling, copied to its leaf (leaf_limits.h): the same text reaches
         * the same parser, after the same earlier writes, so it passes where the group's
         * did. A group with no leaf yet gets the copy when the leaf is made; a leaf
         * without the file has no such controller.
         */
        _cleanup_close_ int leaf_fd = -1;
        r = tree_open_leaf(ctx->tree, fd, false, &leaf_fd);
        if (r >= 0)
                r = write_v2(ctx, leaf_fd, true, file, value, len);
        return r == -ENOENT ? 0 : r;
}

int group_read_v2(const struct file_ctx *ctx, const char *file, char **ret) {
        return read_v2(ctx->tree, ctx->fd, file, ret);
}

int group_write_v2(const struct file_ctx *ctx, const char *file, const char *value) {
        return write_v2(ctx, ctx->fd, false, file, value, strlen(value));
}

/* The v2 file of a row that has one of the same format: its .arg, else its own name. */
static const char *same_v2_file(const struct file_ctx *ctx) {
        return ctx->file->arg ? ctx->file->arg : ctx->file->name;
}

int passthrough_read(const struct file_ctx *ctx, struct text *out) {
        _cleanup_free_ char *text = NULL;
        int r = group_read_v2(ctx, same_v2_file(ctx), &text);
        if (r < 0)
                return r;
        /* An empty file (no rdma device, no misc resource) stays empty. */
        return text[0] ? text_printf(out, "%s\n", text) : 0;
}

int passthrough_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        return write_v2(ctx, ctx->fd, false, same_v2_file(ctx), buf, len);
}

int group_printf_v2(const struct file_ctx *ctx, const char *file, const char *fmt, ...) {
        char value[512];
        va_list ap;

        va_start(ap, fmt);
        int n = vsnprintf(value, sizeof(value), fmt, ap);
        va_end(ap);
        if (n < 0 || (size_t) n >= sizeof(value))
                return -ENAMETOOLONG;
        return group_write_v2(ctx, file, value);
}

int leaf_read_v2(const struct file_ctx *ctx, const char *file, char **ret) {
        _cleanup_close_ int leaf_fd = -1;
        int r = tree_open_leaf(ctx->tree, ctx->fd, true, &leaf_fd);
        if (r < 0)
                return r;
        return read_v2(ctx->tree, leaf_fd, file, ret);
}

int leaf_write_v2(const struct file_ctx *ctx, const char *file, const char *value) {
        _cleanup_close_ int leaf_fd = -1;
        int r = tree_open_leaf(ctx->tree, ctx->fd, true, &leaf_fd);
        if (r < 0)
                return r;
        return write_v2(ctx, leaf_fd, true, file, value, strlen(value));
}

int group_reset_v2(const struct file_ctx *ctx, const struct v2_default *defaults, size_t n) {
        int result = 0;
        for (size_t i = 0; i < n; i++) {
                int r = group_write_v2(ctx, defaults[i].file, defaults[i].value);
                /* Each file on its own: a partial reset limits less than none. */
                if (r < 0 && r != -ENOENT && result >= 0)
                        result = r;
        }
        return result;
}

int group_reset_keys(const struct file_ctx *ctx, const char *file, const char *value) {
        _cleanup_(text_free) struct text lines = {};
        _cleanup_free_ char *text = NULL;
        int r = group_read_v2(ctx, file, &text);
        if (r == -ENOENT)
                return 0;
        if (r >= 0)
                r = v2_key_resets(text, value, &lines);
        for (char *line = lines.data; r >= 0 && line && *line;) {
                char *eol = strchr(line, '\n');
                *eol = 0;
                r = group_write_v2(ctx, file, line);
                line = eol + 1;
        }
        return r == -ENOENT ? 0 : r;
}

int v2_parse_u64(const char *text, uint64_t *ret) {
        unsigned long long v;
        if (kstrtoull(text, strlen(text), 10, &v) < 0)
                return -EBADMSG;
        *ret = v;
        return 0;
}

int v2_parse_limit(const char *text, uint64_t *ret) {
        if (!strcmp(text, "max"))
                return 1;
        return v2_parse_u64(text, ret);
}

int group_read_u64(const struct file_ctx *ctx, const char *file, uint64_t *ret) {
        _cleanup_free_ char *text = NULL;
        int r = group_read_v2(ctx, file, &text);
        if (r < 0)
                return r;
        return v2_parse_u64(text, ret);
}

int keyed_u64(const char *text, const char *key, uint64_t *ret) {
        size_t n = strlen(key);

        for (const char *line = text; *line;) {
                const char *end = strchrnul(line, '\n');
                if ((size_t) (end - line) > n && !strncmp(line, key, n) && line[n] == ' ') {
                        unsigned long long v;
                        int r = kstrtoull(line + n + 1, (size_t) (end - line) - n - 1, 10, &v);
                        if (r < 0)
                                return -EBADMSG;
                        *ret = v;
                        return 0;
                }
                line = *end ? end + 1 : end;
        }
        return -ENODATA;
}

int group_read_keyed(const struct file_ctx *ctx, const char *file, const char *key, uint64_t *ret) {
        _cleanup_free_ char *text = NULL;
        int r = group_read_v2(ctx, file, &text);
        if (r < 0)
                return r;
        return keyed_u64(text, key, ret);
}

static int state_key(const char *name, char *buf, size_t size) {
        int n = snprintf(buf, size, "v1.%s", name);
        return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
}

int legacy_state_get(const struct file_ctx *ctx, const char *name, char *buf, size_t size) {
        char key[128];
        int r = state_key(name, key, sizeof(key));
        if (r < 0)
                return r;
        assert(size > 0);
        r = ctx->tree->backend->get_state(ctx->fd, key, buf, size - 1);
        if (r < 0)
                return r;
        buf[r] = 0;
        return r;
}

int legacy_state_set(const struct file_ctx *ctx, const char *name, const char *value, size_t len) {
        char key[128];
        int r = state_key(name, key, sizeof(key));
        if (r < 0)
                return r;
        return ctx->tree->backend->set_state(ctx->fd, key, value, len);
}

int legacy_state_inherit(const struct file_ctx *parent, const struct file_ctx *child, const char *name) {
        char value[8192];
        int r = legacy_state_get(parent, name, value, sizeof(value));
        if (r == -ENODATA)
                return 0;
        if (r < 0)
                return r;
        return legacy_state_set(child, name, value, (size_t) r);
}

int legacy_state_get_u64(const struct file_ctx *ctx, const char *name, uint64_t fallback, uint64_t *ret) {
        char buf[32];
        unsigned long long v;
        int r = legacy_state_get(ctx, name, buf, sizeof(buf));
        if (r == -ENODATA) {
                *ret = fallback;
                return 0;
        }
        if (r < 0)
                return r;
        if (kstrtoull(buf, (size_t) r, 10, &v) < 0)
                return -EBADMSG;
        *ret = v;
        return 0;
}

int legacy_state_set_u64(const struct file_ctx *ctx, const char *name, uint64_t value) {
        char buf[32];
        int n = snprintf(buf, sizeof(buf), "%" PRIu64, value);
        return legacy_state_set(ctx, name, buf, (size_t) n);
}

int count_and_baseline(const struct file_ctx *ctx, count_fn count, uint64_t *ret_count, uint64_t *ret_baseline) {
        int r = count(ctx, ret_count);
        if (r < 0)
                return r;
        return legacy_state_get_u64(ctx, ctx->file->name, 0, ret_baseline);
}

int count_reset(const struct file_ctx *ctx, count_fn count) {
        uint64_t now;
        int r = count(ctx, &now);
        if (r < 0)
                return r;
        return legacy_state_set_u64(ctx, ctx->file->name, now);
}

int legacy_state_remove(const struct file_ctx *ctx, const char *name) {
        char key[128];
        int r = state_key(name, key, sizeof(key));
        if (r < 0)
                return r;
        return ctx->tree->backend->remove_state(ctx->fd, key);
}

/* Kept as "<v2 value>\n<v1 text>". */
int sticky_remember(const struct file_ctx *ctx, const char *v2_value, const char *v1_text, size_t v1_len) {
        char pair[8192];
        int n = snprintf(pair, sizeof(pair), "%s\n%.*s", v2_value, (int) v1_len, v1_text);
        if (n < 0 || (size_t) n >= sizeof(pair))
                return -E2BIG;
        return legacy_state_set(ctx, ctx->file->name, pair, (size_t) n);
}

int sticky_recall(const struct file_ctx *ctx, const char *v2_value, char *buf, size_t size) {
        char pair[8192];
        int r = legacy_state_get(ctx, ctx->file->name, pair, sizeof(pair));
        if (r == -ENODATA)
                return 0;
        if (r < 0)
                return r;
        char *sep = strchr(pair, '\n');
        if (!sep)
                return 0;
        *sep = 0;
        if (strcmp(pair, v2_value) != 0)
                return 0; /* changed since, directly in v2: convert what is there */
        if (strlen(sep + 1) >= size)
                return -ENAMETOOLONG;
        strcpy(buf, sep + 1);
        return 1;
}

int unsupported_store(const struct file_ctx *ctx, const char *value, size_t len) {
        if (ctx->view->unsupported == UNSUPPORTED_REJECT)
                return -EOPNOTSUPP;
        kstrstrip(&value, &len);
        int r = legacy_state_set(ctx, ctx->file->name, value, len);
        if (r < 0)
                return r;
        const struct compat_hooks *h = ctx->tree->hooks;
        if (h && h->value_stored)
                h->value_stored(ctx->tree->userdata, ctx, value, len);
        return 0;
}

int unsupported_store_u64(const struct file_ctx *ctx, uint64_t value) {
        char text[32];
        int n = snprintf(text, sizeof(text), "%" PRIu64, value);
        return unsupported_store(ctx, text, (size_t) n);
}

int unsupported_read(const struct file_ctx *ctx, const char *fallback, struct text *out) {
        char value[4096];
        int r = legacy_state_get(ctx, ctx->file->name, value, sizeof(value));
        if (r == -ENODATA)
                return text_printf(out, "%s\n", fallback);
        if (r < 0)
                return r;
        return text_printf(out, "%s\n", value);
}

uint64_t page_size(void) {
        static uint64_t size;
        if (!size)
                size = (uint64_t) sysconf(_SC_PAGESIZE);
        return size;
}

uint64_t v1_unlimited(void) {
        return (uint64_t) LONG_MAX / page_size() * page_size();
}
