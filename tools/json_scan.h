/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Just enough JSON for the OCI runtime's state and config.json: find a member
 * by its path of object keys and take its string or integer value. The text
 * is validated as far as it is walked; anything malformed is -EBADMSG.
 */

#include <stddef.h>
#include <stdint.h>

/*
 * The string at @keys (NULL-terminated: { "root", "path", NULL }) in the
 * object @json, unescaped, into a new string. @json must be one whole,
 * well-formed value (-EBADMSG otherwise), so that a truncated document is
 * never taken for its first members. -ENOENT if a key is missing,
 * -EMEDIUMTYPE if the value is not a string.
 */
int json_get_string(const char *json, const char *const *keys, char **ret);

/* The integer at @keys: -EMEDIUMTYPE if not an integer, -ERANGE beyond int64. */
int json_get_int(const char *json, const char *const *keys, int64_t *ret);
