/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "audit.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "mountpoint.h"

int audit_open(struct audit *a, const char *runtime_dir) {
        char path[PATH_MAX];

        if (snprintf(path, sizeof(path), "%s/audit.log", runtime_dir) >= (int) sizeof(path))
                return -ENAMETOOLONG;
        int r = mkdir_p(runtime_dir);
        if (r < 0)
                return log_error_errno(r, runtime_dir, "cannot make the runtime directory");
        a->log = fopen(path, "ae");
        if (!a->log)
                return log_error_errno(negative_errno(), path, "cannot open the audit log");
        setvbuf(a->log, NULL, _IOLBF, 0); /* whole lines: a reader never sees half a record */
        return 0;
}


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

void audit_record(struct audit *a, const struct file_ctx *ctx, const char *value, size_t len, int r) {
        char path[PATH_MAX];
        struct timespec now;

        if (!a->log)
                return;
        if (tree_legacy_path(ctx->tree, ctx->fd, path, sizeof(path)) < 0)
                strcpy(path, "?");
        while (len > 0 && (value[len - 1] == '\n'))
                len--;
        clock_gettime(CLOCK_REALTIME, &now);
        fprintf(a->log, "{\"time\":%lld.%03ld,\"view\":", (long long) now.tv_sec, now.tv_nsec / 1000000);
        json_put_string(a->log, ctx->view->key, strlen(ctx->view->key));
        fputs(",\"group\":", a->log);
        json_put_string(a->log, path, strlen(path));
        fputs(",\"file\":", a->log);
        json_put_string(a->log, ctx->file->name, strlen(ctx->file->name));
        fputs(",\"value\":", a->log);
        json_put_string(a->log, value, len > 256 ? 256 : len);
        fputs(",\"v2\":", a->log);
        if (ctx->trace && ctx->trace->len)
                json_put_string(a->log, ctx->trace->text, ctx->trace->len);
        else
                fputs(r >= 0 && ctx->file->mapping == MAP_NONE ? "\"(stored, not enforced)\"" : "\"\"", a->log);
        fprintf(a->log, ",\"mapping\":\"%s\",\"result\":\"%s\"}\n", mapping_name(ctx, r),
                r >= 0 ? "ok" : strerrorname_np(-r) ? strerrorname_np(-r) : "error");
}

void audit_close(struct audit *a) {
        if (a->log)
                fclose(a->log);
        a->log = NULL;
}
