/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void text_free(struct text *t) {
        free(t->data);
        *t = (struct text) {};
}

bool text_equal(const struct text *a, const struct text *b) {
        return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

int text_reserve(struct text *t, size_t extra) {
        if (t->size - t->len > extra)
                return 0;
        size_t size = t->size ? t->size : 256;
        if (extra >= SIZE_MAX / 2 - t->len)
                return -ENOMEM;
        while (size - t->len <= extra)
                size *= 2;
        char *p = realloc(t->data, size);
        if (!p)
                return -ENOMEM;
        t->data = p;
        t->size = size;
        return 0;
}

int text_append(struct text *t, const char *s, size_t n) {
        int r = text_reserve(t, n);
        if (r < 0)
                return r;
        memcpy(t->data + t->len, s, n);
        t->len += n;
        t->data[t->len] = 0;
        return 0;
}

int text_printf(struct text *t, const char *fmt, ...) {
        va_list ap;
        int n, r;

        va_start(ap, fmt);
        n = vsnprintf(NULL, 0, fmt, ap);
        va_end(ap);
        if (n < 0)
                return -EINVAL;
        r = text_reserve(t, (size_t) n);
        if (r < 0)
                return r;
        va_start(ap, fmt);
        vsnprintf(t->data + t->len, t->size - t->len, fmt, ap);
        va_end(ap);
        t->len += (size_t) n;
        return 0;
}

void json_put_string(FILE *f, const char *s, size_t len) {
        fputc('"', f);
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char) s[i];
                if (c == '"' || c == '\\')
                        fprintf(f, "\\%c", c);
                else if (c < 0x20 || c == 0x7f)
                        fprintf(f, "\\u%04x", c);
                else
                        fputc(c, f);
        }
        fputc('"', f);
}

int read_all_fd(int fd, size_t max, char **ret, size_t *ret_len) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0, len = 0;

        for (;;) {
                if (size - len < 2) {
                        size_t grown = size ? size * 2 : 4096;
                        char *p = realloc(buf, grown);
                        if (!p)
                                return -ENOMEM;
                        buf = p;
                        size = grown;
                }
                ssize_t n = read(fd, buf + len, size - len - 1);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return negative_errno();
                if (n == 0)
                        break;
                len += (size_t) n;
                if (len >= max)
                        return -EFBIG;
        }
        buf[len] = 0;
        *ret = TAKE_PTR(buf);
        if (ret_len)
                *ret_len = len;
        return 0;
}

int read_all_at(int dir_fd, const char *name, size_t max, char **ret, size_t *ret_len) {
        _cleanup_close_ int fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        return read_all_fd(fd, max, ret, ret_len);
}

int write_file_atomic(const char *path, const char *data, size_t len) {
        char temporary[PATH_MAX];
        _cleanup_close_ int fd = -1;
        int r = 0;

        if (snprintf(temporary, sizeof(temporary), "%s.tmp", path) >= (int) sizeof(temporary))
                return -ENAMETOOLONG;
        fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0)
                return negative_errno();
        if (fchmod(fd, 0644) < 0)
                r = negative_errno();
        while (r >= 0 && len > 0) {
                ssize_t n = write(fd, data, len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        r = negative_errno();
                else {
                        data += n;
                        len -= (size_t) n;
                }
        }
        if (r >= 0 && close(TAKE_FD(fd)) < 0)
                r = negative_errno();
        if (r >= 0 && rename(temporary, path) < 0)
                r = negative_errno();
        if (r < 0)
                (void) unlink(temporary);
        return r;
}
