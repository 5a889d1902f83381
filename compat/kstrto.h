/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Number parsing exactly as the kernel's lib/kstrtox.c does it, because legacy
 * files must accept and reject the same bytes as cgroup v1 (DESIGN.md, invariant 4).
 * Base 0 means: "0x" + hex digit selects 16, a leading "0" selects 8, else 10.
 * Input is a counted buffer (FUSE writes are not NUL-terminated).
 * Returns 0, -EINVAL (syntax) or -ERANGE (overflow), like the kernel.
 */

#include <stddef.h>
#include <stdint.h>

int kstrtoull(const char *s, size_t len, unsigned base, unsigned long long *ret);
int kstrtoll(const char *s, size_t len, unsigned base, long long *ret);
int kstrtoint(const char *s, size_t len, unsigned base, int *ret);

/* The kernel's strstrip(): the [*start, *start + *len) window without surrounding isspace(). */
void kstrstrip(const char **start, size_t *len);
