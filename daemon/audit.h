/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The migration audit: with `audit: on`, every legacy write is one JSON line in
 * <runtime_dir>/audit.log and, where journald runs, one structured journal entry
 * (MESSAGE_ID AUDIT_MESSAGE_ID, compat/audit_entry.h): the view, the group, the
 * file, the value written, what it became in v2, how faithfully (exact, lossy,
 * unsupported), and the result. `cgcompatctl audit` groups either by file.
 */

#include <stdbool.h>
#include <stdio.h>

#include "compat/legacy_file.h"

struct audit {
        FILE *log;
        bool journal;        /* journald's socket was there at audit_open() */
        bool journal_failed; /* the journal refused a record: said once, not at every write */
};

int audit_open(struct audit *a, const char *runtime_dir);
void audit_record(struct audit *a, const struct file_ctx *ctx, const char *value, size_t len, int r);
void audit_close(struct audit *a);
