/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What the parser tests share. A v1 write reaches its parser as a counted buffer with
 * no NUL after it (FUSE's), so each input is parsed from a heap copy of exactly its
 * bytes, where ASan catches a read past the counted length, and in place: the two
 * must agree.
 */

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

/* A heap buffer holding exactly @len bytes of @s, not NUL-terminated. */
static inline char *exact_copy(const char *s, size_t len) {
        char *b = malloc(len ? len : 1);
        cr_assert_not_null(b);
        memcpy(b, s, len);
        return b;
}

/*
 * @fn(@s, @len, the extra arguments..., @ret) in place, then on an exact_copy() into a
 * copy of *@ret: the return values must agree, and so must the results, bytes for
 * bytes (preset *@ret to a sentinel: a failure must leave both alike). Its value is
 * @fn's return value.
 */
#define parse_both_ways(fn, s, len, ret, ...)                                                                  \
        ({                                                                                                     \
                __typeof__(*(ret)) copied_;                                                                    \
                memcpy(&copied_, (ret), sizeof(copied_));                                                      \
                char *b_ = exact_copy((s), (len));                                                             \
                int r1_ = fn((s), (len), ##__VA_ARGS__, (ret));                                                \
                int r2_ = fn(b_, (len), ##__VA_ARGS__, &copied_);                                              \
                free(b_);                                                                                      \
                cr_assert_eq(r1_, r2_, "\"%.*s\": in place %d, exact copy %d", (int) (len), (s), r1_, r2_);  \
                cr_assert(!memcmp((ret), &copied_, sizeof(copied_)), "\"%.*s\": in place and exact copy differ", \
                          (int) (len), (s));                                                                   \
                r1_;                                                                                           \
        })
