/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Number parsing exactly as the kernel's lib/kstrtox.c does it, because legacy
 * files must accept and reject the same bytes as cgroup v1 (DESIGN.md, invariant 4).
 * Base 0 means: "0x" + hex digit selects 16, a leading "0" selects 8, else 10.
 * Input is a counted buffer (FUSE writes are not NUL-terminated).
 * Returns 0, -EINVAL (syntax) or -ERANGE (overflow), like the kernel.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The kernel's isspace() and isdigit() (lib/ctype.c): C locale, plus 0xa0 (NBSP in Latin-1) as a space. */
bool kernel_isspace(unsigned char c);
bool kernel_isdigit(unsigned char c);
/* The kernel's hex_to_bin(): 0-15 for a hex digit of either case, else -1. */
int hex_to_bin(unsigned char c);

int kstrtoull(const char *s, size_t len, unsigned base, unsigned long long *ret);
int kstrtoll(const char *s, size_t len, unsigned base, long long *ret);
int kstrtoint(const char *s, size_t len, unsigned base, int *ret);

/* The kernel's strstrip(): the [*start, *start + *len) window without surrounding isspace(). */
void kstrstrip(const char **start, size_t *len);
/* The kernel's skip_spaces() on [s, end): the first byte that is not isspace(), or @end. */
const char *kernel_skip_spaces(const char *s, const char *end);
/*
 * The kernel's sscanf() "%u"/"%llu" on [s, end): leading spaces skipped, base 10
 * digits, what overflows wraps (simple_strntoull() keeps no overflow flag).
 * Where the digits end, or NULL if there is none.
 */
const char *kernel_scan_ull(const char *s, const char *end, unsigned long long *ret);
