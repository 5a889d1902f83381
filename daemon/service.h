/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * cgcompatd as a systemd service (conf/cgcompat.service, Type=notify): readiness
 * and status, the watchdog, and the fd store, which keeps each view's FUSE
 * connection open while the daemon restarts so that no view is unmounted.
 * Outside systemd every call is a no-op.
 */

#include <stdbool.h>
#include <stddef.h>

#include "compat/macro.h"

struct service {
        bool managed;        /* NOTIFY_SOCKET was set: systemd listens */
        int watchdog_fd;     /* timerfd at half of WatchdogSec=, or -1 */
        char unit[256];      /* our unit, "" if unknown */
        char **names;        /* fds systemd handed over (from the fd store), not yet taken */
        int *fds;
        size_t n_fds;
};

int service_init(struct service *s);
void service_free(struct service *s);

/* The fd systemd handed over under @name, now the caller's; -ENOENT if none. */
int service_take_fd(struct service *s, const char *name);
/* The name of an fd handed over and not yet taken that starts with @prefix, or NULL. */
const char *service_untaken(const struct service *s, const char *prefix);
/* Closes, and drops from the store, what was handed over but not taken: state of views no longer configured. */
void service_drop_untaken(struct service *s);

/* Keep @fd in systemd's fd store under @name (a dup: the caller keeps its own). */
int service_store_fd(struct service *s, const char *name, int fd);
void service_forget_fd(struct service *s, const char *name);

void service_ready(struct service *s, const char *fmt, ...) _printf_(2, 3);
void service_status(struct service *s, const char *fmt, ...) _printf_(2, 3);
void service_stopping(struct service *s);
/* The watchdog fd fired: tell systemd we are alive. */
void service_watchdog(struct service *s);

/*
 * Is systemd stopping us to start us again (systemctl restart), with the fd store
 * kept? 1 yes, 0 a plain stop; a negative errno if it cannot tell.
 */
int service_restarting(struct service *s, size_t fds_needed);
