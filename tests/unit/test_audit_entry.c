/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* compat/audit_entry.c: an audit record as a JSON line and as journal fields, from the same values. */

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "compat/audit_entry.h"

static const struct view_settings container = { .key = "container" };
static const struct view_settings cpu = { .key = "cpu,cpuacct" };
static const struct legacy_file notify = { .name = "notify_on_release", .mapping = MAP_EXACT };
static const struct legacy_file shares = { .name = "cpu.shares", .mapping = MAP_LOSSY };
static const struct legacy_file rt = { .name = "cpu.rt_runtime_us", .mapping = MAP_NONE };
static const struct timespec when = { .tv_sec = 1700000000, .tv_nsec = 123456789 };

/* A string literal's bytes, NULs inside included. */
#define BYTES(s) { s, sizeof(s) - 1 }

struct bytes {
        const char *data;
        size_t len;
};

static void assert_fields(const struct audit_entry *e, const struct bytes expected[AUDIT_JOURNAL_FIELDS]) {
        struct audit_journal j;

        cr_assert_eq(audit_entry_journal(e, &j), 0);
        for (size_t i = 0; i < AUDIT_JOURNAL_FIELDS; i++) {
                cr_assert_eq(j.iov[i].iov_len, expected[i].len, "field %zu: \"%.*s\", expected \"%.*s\"", i,
                             (int) j.iov[i].iov_len, (char *) j.iov[i].iov_base, (int) expected[i].len,
                             expected[i].data);
                cr_assert(!memcmp(j.iov[i].iov_base, expected[i].data, expected[i].len),
                          "field %zu: \"%.*s\", expected \"%.*s\"", i, (int) j.iov[i].iov_len,
                          (char *) j.iov[i].iov_base, (int) expected[i].len, expected[i].data);
        }
        audit_journal_free(&j);
        cr_assert_null(j.data);
}

static char *json_line(const struct audit_entry *e) {
        char *line = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&line, &size);

        cr_assert_not_null(f);
        audit_entry_put_json(e, f);
        cr_assert_eq(fclose(f), 0);
        return line;
}

/* Quotes, a backslash and a newline inside: the journal gets the bytes, the JSON and MESSAGE escapes. */
Test(audit_entry, odd_value) {
        static const char value[] = "a \"b\"\nc\\d\n\n";
        const struct file_ctx ctx = { .view = &container, .file = &notify };
        struct audit_entry e;

        audit_entry_init(&e, &ctx, "/Charlie", value, sizeof(value) - 1, 0, &when);
        const struct bytes expected[AUDIT_JOURNAL_FIELDS] = {
                BYTES("MESSAGE_ID=" AUDIT_MESSAGE_ID),
                BYTES("MESSAGE=container /Charlie/notify_on_release \"a \\\"b\\\"\\u000ac\\\\d\": ok"),
                BYTES("PRIORITY=6"),
                BYTES("SYSLOG_IDENTIFIER=cgcompatd"),
                BYTES("CGCOMPAT_VIEW=container"),
                BYTES("CGCOMPAT_GROUP=/Charlie"),
                BYTES("CGCOMPAT_FILE=notify_on_release"),
                BYTES("CGCOMPAT_VALUE=a \"b\"\nc\\d"),
                BYTES("CGCOMPAT_V2="),
                BYTES("CGCOMPAT_MAPPING=exact"),
                BYTES("CGCOMPAT_RESULT=ok"),
                BYTES("CGCOMPAT_ERRNO=0"),
        };
        assert_fields(&e, expected);

        char *line = json_line(&e);
        cr_assert_str_eq(line, "{\"time\":1700000000.123,\"view\":\"container\",\"group\":\"/Charlie\","
                               "\"file\":\"notify_on_release\",\"value\":\"a \\\"b\\\"\\u000ac\\\\d\",\"v2\":\"\","
                               "\"mapping\":\"exact\",\"result\":\"ok\"}\n");
        free(line);
}

/* A refused write is a warning with the errno's name and number; the root group has no double slash. */
Test(audit_entry, refused) {
        const struct file_ctx ctx = { .view = &container, .file = &notify };
        struct audit_entry e;

        audit_entry_init(&e, &ctx, "/", "2\n", 2, -EINVAL, &when);
        const struct bytes expected[AUDIT_JOURNAL_FIELDS] = {
                BYTES("MESSAGE_ID=" AUDIT_MESSAGE_ID),
                BYTES("MESSAGE=container /notify_on_release \"2\": EINVAL"),
                BYTES("PRIORITY=4"),
                BYTES("SYSLOG_IDENTIFIER=cgcompatd"),
                BYTES("CGCOMPAT_VIEW=container"),
                BYTES("CGCOMPAT_GROUP=/"),
                BYTES("CGCOMPAT_FILE=notify_on_release"),
                BYTES("CGCOMPAT_VALUE=2"),
                BYTES("CGCOMPAT_V2="),
                BYTES("CGCOMPAT_MAPPING=exact"),
                BYTES("CGCOMPAT_RESULT=EINVAL"),
                BYTES("CGCOMPAT_ERRNO=22"),
        };
        assert_fields(&e, expected);
}

/* The v2 writes noted by the conversion are the v2 field, in both forms. */
Test(audit_entry, v2_trace) {
        struct v2_trace trace = { .text = "cpu.weight=50; ", .len = 15 };
        const struct file_ctx ctx = { .view = &cpu, .file = &shares, .trace = &trace };
        struct audit_entry e;

        audit_entry_init(&e, &ctx, "/job", "512\n", 4, 0, &when);
        const struct bytes expected[AUDIT_JOURNAL_FIELDS] = {
                BYTES("MESSAGE_ID=" AUDIT_MESSAGE_ID),
                BYTES("MESSAGE=cpu,cpuacct /job/cpu.shares \"512\": ok, v2 \"cpu.weight=50; \""),
                BYTES("PRIORITY=6"),
                BYTES("SYSLOG_IDENTIFIER=cgcompatd"),
                BYTES("CGCOMPAT_VIEW=cpu,cpuacct"),
                BYTES("CGCOMPAT_GROUP=/job"),
                BYTES("CGCOMPAT_FILE=cpu.shares"),
                BYTES("CGCOMPAT_VALUE=512"),
                BYTES("CGCOMPAT_V2=cpu.weight=50; "),
                BYTES("CGCOMPAT_MAPPING=lossy"),
                BYTES("CGCOMPAT_RESULT=ok"),
                BYTES("CGCOMPAT_ERRNO=0"),
        };
        assert_fields(&e, expected);

        char *line = json_line(&e);
        cr_assert_str_eq(line, "{\"time\":1700000000.123,\"view\":\"cpu,cpuacct\",\"group\":\"/job\","
                               "\"file\":\"cpu.shares\",\"value\":\"512\",\"v2\":\"cpu.weight=50; \","
                               "\"mapping\":\"lossy\",\"result\":\"ok\"}\n");
        free(line);
}

/* A file v2 has no home for: stored (said in the v2 field), or rejected by the policy. */
Test(audit_entry, unsupported) {
        const struct file_ctx ctx = { .view = &cpu, .file = &rt };
        struct audit_entry e;

        audit_entry_init(&e, &ctx, "/job", "950000", 6, 0, &when);
        cr_assert_str_eq(e.mapping, "unsupported");
        cr_assert_eq(e.v2_len, strlen("(stored, not enforced)"));
        cr_assert(!memcmp(e.v2, "(stored, not enforced)", e.v2_len));

        audit_entry_init(&e, &ctx, "/job", "950000", 6, -EOPNOTSUPP, &when);
        cr_assert_str_eq(e.mapping, "unsupported (rejected)");
        cr_assert_str_eq(e.result, "EOPNOTSUPP");
        cr_assert_eq(e.v2_len, 0);
}

/* A long value is cut at the same byte in both forms; a NUL inside reaches the journal as a byte. */
Test(audit_entry, long_and_binary_values) {
        const struct file_ctx ctx = { .view = &container, .file = &notify };
        char value[AUDIT_VALUE_MAX + 44];
        struct audit_journal j;
        struct audit_entry e;

        memset(value, 'x', sizeof(value));
        value[3] = 0;
        audit_entry_init(&e, &ctx, "/a", value, sizeof(value), 0, &when);
        cr_assert_eq(e.value_len, AUDIT_VALUE_MAX);
        cr_assert_eq(audit_entry_journal(&e, &j), 0);
        const struct iovec *v = &j.iov[7];
        cr_assert_eq(v->iov_len, strlen("CGCOMPAT_VALUE=") + AUDIT_VALUE_MAX);
        cr_assert(!memcmp(v->iov_base, "CGCOMPAT_VALUE=xxx\0xxxx", 23));
        audit_journal_free(&j);

        char *line = json_line(&e);
        const char *in_json = strstr(line, "\"value\":\"xxx\\u0000x");
        cr_assert_not_null(in_json, "%s", line);
        /* 3 bytes, the escaped NUL, the other 252 bytes, the closing quote. */
        cr_assert_eq(in_json[9 + 3 + 6 + AUDIT_VALUE_MAX - 4], '"', "%s", line);
        cr_assert_eq(in_json[9 + 3 + 6 + AUDIT_VALUE_MAX - 4 - 1], 'x', "%s", line);
        free(line);
}
