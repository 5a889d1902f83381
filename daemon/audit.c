/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "audit.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <systemd/sd-journal.h>
#include <time.h>
#include <unistd.h>

#include "compat/audit_entry.h"
#include "log.h"
#include "mountpoint.h"

/* journald's native socket: where it is missing, sd_journal_sendv() has no one to send to. */
#define JOURNAL_SOCKET "/run/systemd/journal/socket"

int audit_open(struct audit *a, const char *runtime_dir) {
        char path[PATH_MAX];

        assert(a);
        assert(runtime_dir);

        if (snprintf(path, sizeof(path), "%s/audit.log", runtime_dir) >= (int) sizeof(path))
                return -ENAMETOOLONG;
        int r = mkdir_p(runtime_dir);
        if (r < 0)
                return log_error_errno(r, runtime_dir, "cannot make the runtime directory");
        a->log = fopen(path, "ae");
        if (!a->log)
                return log_error_errno(negative_errno(), path, "cannot open the audit log");
        setvbuf(a->log, NULL, _IOLBF, 0); /* whole lines: a reader never sees half a record */
        /* Decided once: a journald started later is not looked for on every write. */
        a->journal = access(JOURNAL_SOCKET, F_OK) == 0;
        a->journal_failed = false;
        log_info(path, "auditing every legacy write%s", a->journal ? ", and to the journal" : "");
        return 0;
}

static void audit_send_journal(struct audit *a, const struct audit_entry *e) {
        struct audit_journal j;

        int r = audit_entry_journal(e, &j);
        if (r >= 0) {
                r = sd_journal_sendv(j.iov, AUDIT_JOURNAL_FIELDS);
                audit_journal_free(&j);
        }
        if (r < 0 && !a->journal_failed) {
                a->journal_failed = true;
                log_warning_errno(r, JOURNAL_SOCKET,
                                  "cannot send audit records to the journal, the audit log still has them (said once)");
        }
}

void audit_record(struct audit *a, const struct file_ctx *ctx, const char *value, size_t len, int r) {
        char group[PATH_MAX];
        struct audit_entry e;
        struct timespec now;

        assert(a);
        assert(ctx);

        if (!a->log)
                return;
        if (tree_legacy_path(ctx->tree, ctx->fd, group, sizeof(group)) < 0)
                strcpy(group, "?");
        clock_gettime(CLOCK_REALTIME, &now);
        audit_entry_init(&e, ctx, group, value, len, r, &now);
        audit_entry_put_json(&e, a->log);
        if (a->journal)
                audit_send_journal(a, &e);
}

void audit_close(struct audit *a) {
        if (a->log)
                fclose(a->log);
        a->log = NULL;
}
