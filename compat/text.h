/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A growable byte buffer for the content of a legacy file. */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "macro.h"

struct text {
        char *data;
        size_t len, size;
};

void text_free(struct text *t);
int text_reserve(struct text *t, size_t extra);
int text_append(struct text *t, const char *s, size_t n);
int text_printf(struct text *t, const char *fmt, ...) _printf_(2, 3);
bool text_equal(const struct text *a, const struct text *b);

/*
 * All of @fd from its offset to the end, NUL-terminated, into a new buffer (*ret_len bytes
 * before the NUL, if @ret_len): for files that report no size, procfs's and cgroupfs's.
 * -EFBIG when there are @max bytes or more (SIZE_MAX: no bound). Does not close @fd.
 */
int read_all_fd(int fd, size_t max, char **ret, size_t *ret_len);
/* The same for @name, opened read-only relative to @dir_fd. */
int read_all_at(int dir_fd, const char *name, size_t max, char **ret, size_t *ret_len);

/*
 * @len bytes of @data as the whole of @path, mode 0644 whatever the umask (the files the
 * daemon publishes are read by other users' programs): written to "<path>.tmp", then
 * renamed over @path, so that a reader never sees half of it.
 */
int write_file_atomic(const char *path, const char *data, size_t len);

/* @len bytes of @s as a JSON string: quotes, backslashes and control bytes escaped. */
void json_put_string(FILE *f, const char *s, size_t len);
