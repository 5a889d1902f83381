/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "audit_entry.h"

#include <assert.h>
#include <errno.h>
#include <string.h>

#include "text.h"

static const char *mapping_name(const struct file_ctx *ctx, int r) {
        switch (ctx->file->mapping) {
        case MAP_EXACT:
                return "exact";
        case MAP_LOSSY:
                return "lossy";
        case MAP_NONE:
                break;
        }
        return r == -EOPNOTSUPP ? "unsupported (rejected)" : "unsupported";
}

void audit_entry_init(struct audit_entry *e, const struct file_ctx *ctx, const char *group, const char *value,
                      size_t len, int r, const struct timespec *time) {
        assert(e);
        assert(ctx);
        assert(group);
        assert(value || len == 0);
        assert(time);

        /* The newline echo adds is not part of what was meant. */
        while (len > 0 && value[len - 1] == '\n')
                len--;
        *e = (struct audit_entry) {
                .time = *time,
                .view = ctx->view->key,
                .group = group,
                .file = ctx->file->name,
                .value = value,
                .value_len = len > AUDIT_VALUE_MAX ? AUDIT_VALUE_MAX : len,
                .mapping = mapping_name(ctx, r),
                .result = r >= 0 ? "ok" : strerrorname_np(-r) ? strerrorname_np(-r) : "error",
                .error = r >= 0 ? 0 : -r,
        };
        if (ctx->trace && ctx->trace->len) {
                e->v2 = ctx->trace->text;
                e->v2_len = ctx->trace->len;
        } else {
                e->v2 = r >= 0 && ctx->file->mapping == MAP_NONE ? "(stored, not enforced)" : "";
                e->v2_len = strlen(e->v2);
        }
}

void audit_entry_put_json(const struct audit_entry *e, FILE *f) {
        assert(e);
        assert(f);

        fprintf(f, "{\"time\":%lld.%03ld,\"view\":", (long long) e->time.tv_sec, e->time.tv_nsec / 1000000);
        json_put_string(f, e->view, strlen(e->view));
        fputs(",\"group\":", f);
        json_put_string(f, e->group, strlen(e->group));
        fputs(",\"file\":", f);
        json_put_string(f, e->file, strlen(e->file));
        fputs(",\"value\":", f);
        json_put_string(f, e->value, e->value_len);
        fputs(",\"v2\":", f);
        json_put_string(f, e->v2, e->v2_len);
        fprintf(f, ",\"mapping\":\"%s\",\"result\":\"%s\"}\n", e->mapping, e->result);
}

/* Starts field @name: its offset in the buffer is where its iovec will begin. */
static void field(FILE *f, size_t *starts, size_t *n, const char *name) {
        assert(*n < AUDIT_JOURNAL_FIELDS);
        starts[(*n)++] = (size_t) ftell(f);
        fprintf(f, "%s=", name);
}

/* A field holding bytes as they are: the journal takes any value given with its length. */
static void field_bytes(FILE *f, size_t *starts, size_t *n, const char *name, const char *value, size_t len) {
        field(f, starts, n, name);
        if (len > 0)
                fwrite(value, 1, len, f);
}

static void field_string(FILE *f, size_t *starts, size_t *n, const char *name, const char *value) {
        field_bytes(f, starts, n, name, value, strlen(value));
}

int audit_entry_journal(const struct audit_entry *e, struct audit_journal *ret) {
        size_t starts[AUDIT_JOURNAL_FIELDS + 1], n = 0, size = 0;
        char *data = NULL;

        assert(e);
        assert(ret);

        FILE *f = open_memstream(&data, &size);
        if (!f)
                return -ENOMEM;
        field_string(f, starts, &n, "MESSAGE_ID", AUDIT_MESSAGE_ID);
        /* One line for people: the value and the v2 writes escaped, so they cannot break it. */
        field(f, starts, &n, "MESSAGE");
        size_t g = strlen(e->group);
        fprintf(f, "%s %s%s%s ", e->view, e->group, g && e->group[g - 1] == '/' ? "" : "/", e->file);
        json_put_string(f, e->value, e->value_len);
        fprintf(f, ": %s", e->result);
        if (e->v2_len) {
                fputs(", v2 ", f);
                json_put_string(f, e->v2, e->v2_len);
        }
        field(f, starts, &n, "PRIORITY");
        fputc(e->error ? '4' : '6', f);
        field_string(f, starts, &n, "SYSLOG_IDENTIFIER", "cgcompatd");
        field_string(f, starts, &n, AUDIT_FIELD_VIEW, e->view);
        field_string(f, starts, &n, AUDIT_FIELD_GROUP, e->group);
        field_string(f, starts, &n, AUDIT_FIELD_FILE, e->file);
        field_bytes(f, starts, &n, AUDIT_FIELD_VALUE, e->value, e->value_len);
        field_bytes(f, starts, &n, AUDIT_FIELD_V2, e->v2, e->v2_len);
        field_string(f, starts, &n, AUDIT_FIELD_MAPPING, e->mapping);
        field_string(f, starts, &n, AUDIT_FIELD_RESULT, e->result);
        field(f, starts, &n, AUDIT_FIELD_ERRNO);
        fprintf(f, "%d", e->error);
        assert(n == AUDIT_JOURNAL_FIELDS);

        bool failed = ferror(f);
        if (fclose(f) != 0 || failed) {
                free(data);
                return -ENOMEM;
        }
        starts[n] = size;
        *ret = (struct audit_journal) { .data = data };
        for (size_t i = 0; i < n; i++)
                ret->iov[i] = (struct iovec) { .iov_base = data + starts[i], .iov_len = starts[i + 1] - starts[i] };
        return 0;
}

void audit_journal_free(struct audit_journal *j) {
        free(j->data);
        *j = (struct audit_journal) {};
}
