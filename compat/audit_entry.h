/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * One record of the migration audit and its two forms: the JSON line of
 * <runtime_dir>/audit.log and the structured journal entry. Both are made from
 * the same struct audit_entry, so they cannot disagree on a value; neither does
 * I/O, so the unit tests check them byte for byte.
 */

#include <stdio.h>
#include <sys/uio.h>
#include <time.h>

#include "legacy_file.h"

/*
 * The MESSAGE_ID of every audit entry in the journal: `journalctl MESSAGE_ID=...`
 * and `cgcompatctl audit --journal` find the records by it. Fixed for good: a
 * fleet's log shipping may filter on it.
 */
#define AUDIT_MESSAGE_ID "dbd1c9f6d1a8478ea8c9c4006a774ea6"

/* The journal fields cgcompatctl reads back (the others are for people and filters). */
#define AUDIT_FIELD_VIEW "CGCOMPAT_VIEW"
#define AUDIT_FIELD_GROUP "CGCOMPAT_GROUP"
#define AUDIT_FIELD_FILE "CGCOMPAT_FILE"
#define AUDIT_FIELD_VALUE "CGCOMPAT_VALUE"
#define AUDIT_FIELD_V2 "CGCOMPAT_V2"
#define AUDIT_FIELD_MAPPING "CGCOMPAT_MAPPING"
#define AUDIT_FIELD_RESULT "CGCOMPAT_RESULT"
#define AUDIT_FIELD_ERRNO "CGCOMPAT_ERRNO"

/* A value longer than this is cut, in both forms: the audit is about what was written, not a copy of it. */
#define AUDIT_VALUE_MAX 256

/* MESSAGE_ID, MESSAGE, PRIORITY, SYSLOG_IDENTIFIER and the eight CGCOMPAT_* fields. */
#define AUDIT_JOURNAL_FIELDS 12

struct audit_entry {
        struct timespec time;
        const char *view, *group, *file;
        const char *value; /* value_len bytes, any bytes */
        size_t value_len;
        const char *v2; /* v2_len bytes: the v2 writes, or what stands for them */
        size_t v2_len;
        const char *mapping;
        const char *result; /* "ok" or the errno's name */
        int error;          /* positive errno, 0 for ok */
};

/* The record of a write of @len bytes of @value to @ctx's file in @group, with result @r; pointers into the arguments. */
void audit_entry_init(struct audit_entry *e, const struct file_ctx *ctx, const char *group, const char *value,
                      size_t len, int r, const struct timespec *time);

/* The record as one JSON line, newline included. */
void audit_entry_put_json(const struct audit_entry *e, FILE *f);

/* The record as journal fields "NAME=value" for sd_journal_sendv(), in one buffer. */
struct audit_journal {
        char *data;
        struct iovec iov[AUDIT_JOURNAL_FIELDS];
};

int audit_entry_journal(const struct audit_entry *e, struct audit_journal *ret);
void audit_journal_free(struct audit_journal *j);
