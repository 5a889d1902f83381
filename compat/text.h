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

/* @len bytes of @s as a JSON string: quotes, backslashes and control bytes escaped. */
void json_put_string(FILE *f, const char *s, size_t len);
