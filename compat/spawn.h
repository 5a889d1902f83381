/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <sys/types.h>

/*
 * Start @path as a usermode helper starts: standard streams on /dev/null, no
 * other inherited fds, default signal dispositions and an empty mask, a
 * session of its own. Not waited for. 0 or a negative errno.
 */
int spawn_detached(const char *path, char *const argv[], char *const envp[], pid_t *ret);
