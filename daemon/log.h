/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* One line per event, naming the object and the errno; stderr reaches the journal under systemd. */

#include "compat/macro.h"

enum log_level { LOG_LEVEL_ERR = 3, LOG_LEVEL_WARNING = 4, LOG_LEVEL_INFO = 6, LOG_LEVEL_DEBUG = 7 };

extern enum log_level log_max_level;

/* Logs "<object>: <message>[: <strerror(-error)>]" and returns @error, so callers can `return log_...`. */
int log_full(enum log_level level, int error, const char *object, const char *fmt, ...) _printf_(4, 5);

#define log_error_errno(error, object, ...) log_full(LOG_LEVEL_ERR, (error), (object), __VA_ARGS__)
#define log_warning_errno(error, object, ...) log_full(LOG_LEVEL_WARNING, (error), (object), __VA_ARGS__)
#define log_warning(object, ...) log_full(LOG_LEVEL_WARNING, 0, (object), __VA_ARGS__)
#define log_info(object, ...) log_full(LOG_LEVEL_INFO, 0, (object), __VA_ARGS__)
#define log_debug(object, ...) log_full(LOG_LEVEL_DEBUG, 0, (object), __VA_ARGS__)
