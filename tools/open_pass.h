/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * How the preload library and the seccomp supervisor's filter share the work
 * under cgcompatctl exec. The filter sends every read-only open to the
 * supervisor, a round trip of tens of microseconds. In a program that has the
 * preload library (dynamically linked, through libc), the library knows at the
 * cost of one fstatat that an open cannot be of a rewritten file: its last
 * component is none of their names and no symlink. It then sets this flag, which
 * the kernel's open and openat ignore (they keep only VALID_OPEN_FLAGS) and the
 * filter lets through. Everything else still goes to the supervisor, so static,
 * Go and setuid programs, and libc's own opens (fopen), are answered as before.
 * A program that sets the flag itself only opts itself out.
 */
#define CGCOMPAT_OPEN_UNRELATED 0x40000000

/* Set to "1" by cgcompatctl exec for the command when the supervisor serves it. */
#define CGCOMPAT_SUPERVISED_ENV "CGCOMPAT_SUPERVISED"
