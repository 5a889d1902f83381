/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Shared by the libFuzzer targets in tests/fuzz/: an invariant check that reports the
 * input as hex and aborts, so libFuzzer records it as a crash (and `make fuzz` fails).
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The input of the current iteration, for the report of a failed check. */
static const uint8_t *fuzz_input;
static size_t fuzz_input_len;

static inline void fuzz_set_input(const uint8_t *data, size_t size) {
        fuzz_input = data;
        fuzz_input_len = size;
}

__attribute__((noreturn, format(printf, 3, 4)))
static void fuzz_fail(const char *file, int line, const char *fmt, ...) {
        va_list ap;

        fprintf(stderr, "\n==FUZZ CHECK FAILED== %s:%d: ", file, line);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fprintf(stderr, "\ninput (%zu bytes, hex): ", fuzz_input_len);
        for (size_t i = 0; i < fuzz_input_len && i < 4096; i++)
                fprintf(stderr, "%02x", fuzz_input[i]);
        if (fuzz_input_len > 4096)
                fprintf(stderr, "...");
        fprintf(stderr, "\n");
        abort();
}

#define FUZZ_CHECK(cond, ...)                                      \
        do {                                                       \
                if (!(cond))                                       \
                        fuzz_fail(__FILE__, __LINE__, __VA_ARGS__); \
        } while (0)

/* A heap copy of exactly @len bytes, no NUL after them, so ASan sees any read past the end. */
static inline char *fuzz_exact_copy(const uint8_t *data, size_t len) {
        char *b = malloc(len ? len : 1);
        if (!b)
                abort();
        if (len)
                memcpy(b, data, len);
        return b;
}
