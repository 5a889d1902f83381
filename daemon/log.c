/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "log.h"

#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

enum log_level log_max_level = LOG_LEVEL_INFO;

int log_full(enum log_level level, int error, const char *object, const char *fmt, ...) {
        char message[1024];
        va_list ap;

        if (level > log_max_level)
                return error;
        va_start(ap, fmt);
        vsnprintf(message, sizeof(message), fmt, ap);
        va_end(ap);

        /* Under systemd, a "<N>" prefix is read by journald as the priority of the line. */
        static int to_journal = -1;
        if (to_journal < 0)
                to_journal = getenv("JOURNAL_STREAM") != NULL;
        char priority[8] = "";
        if (to_journal)
                snprintf(priority, sizeof(priority), "<%d>", (int) level);

        if (error)
                fprintf(stderr, "%s%s: %s: %s\n", priority, object ? object : "-", message, strerror(error < 0 ? -error : error));
        else
                fprintf(stderr, "%s%s: %s\n", priority, object ? object : "-", message);
        return error;
}
