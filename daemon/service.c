/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "service.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-login.h>

#include "backend/delegation.h"
#include "log.h"

int service_init(struct service *s) {
        char **names = NULL;
        uint64_t usec = 0;
        int n;

        *s = (struct service) { .watchdog_fd = -1, .managed = getenv("NOTIFY_SOCKET") != NULL };
        if (!s->managed)
                return 0;

        char *unit = NULL;
        if (sd_pid_get_unit(0, &unit) >= 0 && strlen(unit) < sizeof(s->unit))
                strcpy(s->unit, unit);
        free(unit);

        /* What the previous daemon left in the fd store, named; marked close-on-exec by sd_listen_fds. */
        n = sd_listen_fds_with_names(true, &names);
        if (n < 0)
                log_warning_errno(n, "fd store", "cannot read the fds systemd handed over");
        if (n > 0) {
                s->names = names;
                s->fds = calloc((size_t) n, sizeof(int));
                if (!s->fds)
                        return -ENOMEM;
                for (int i = 0; i < n; i++)
                        s->fds[i] = SD_LISTEN_FDS_START + i;
                s->n_fds = (size_t) n;
        } else
                free(names);

        /* Children (release agents) must not ping for us: unset the variables. */
        if (sd_watchdog_enabled(true, &usec) > 0 && usec > 0) {
                struct itimerspec half = {};
                half.it_interval.tv_sec = (time_t) (usec / 2 / 1000000);
                half.it_interval.tv_nsec = (long) (usec / 2 % 1000000 * 1000);
                half.it_value = half.it_interval;
                s->watchdog_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
                if (s->watchdog_fd < 0 || timerfd_settime(s->watchdog_fd, 0, &half, NULL) < 0)
                        return log_error_errno(negative_errno(), "watchdog", "cannot arm the timer");
        }
        return 0;
}

void service_free(struct service *s) {
        for (size_t i = 0; i < s->n_fds; i++) {
                closep(&s->fds[i]);
                free(s->names[i]);
        }
        free(s->names);
        free(s->fds);
        closep(&s->watchdog_fd);
        *s = (struct service) { .watchdog_fd = -1 };
}

int service_take_fd(struct service *s, const char *name) {
        for (size_t i = 0; i < s->n_fds; i++)
                if (s->fds[i] >= 0 && s->names[i] && !strcmp(s->names[i], name))
                        return TAKE_FD(s->fds[i]);
        return -ENOENT;
}

const char *service_untaken(const struct service *s, const char *prefix) {
        for (size_t i = 0; i < s->n_fds; i++)
                if (s->fds[i] >= 0 && s->names[i] && !strncmp(s->names[i], prefix, strlen(prefix)))
                        return s->names[i];
        return NULL;
}

void service_drop_untaken(struct service *s) {
        for (size_t i = 0; i < s->n_fds; i++) {
                if (s->fds[i] < 0)
                        continue;
                log_info(s->names[i], "handed over by systemd, not used by this configuration: dropped");
                service_forget_fd(s, s->names[i]);
                closep(&s->fds[i]);
                s->fds[i] = -1;
        }
}

int service_store_fd(struct service *s, const char *name, int fd) {
        char message[512];

        if (!s->managed)
                return 0;
        snprintf(message, sizeof(message), "FDSTORE=1\nFDNAME=%s", name);
        int r = sd_pid_notify_with_fds(0, false, message, &fd, 1);
        if (r < 0)
                return log_warning_errno(r, name, "cannot keep the fd in systemd's fd store");
        return 0;
}

void service_forget_fd(struct service *s, const char *name) {
        char message[512];

        if (!s->managed)
                return;
        snprintf(message, sizeof(message), "FDSTOREREMOVE=1\nFDNAME=%s", name);
        (void) sd_notify(false, message);
}

static void notify_formatted(struct service *s, const char *prefix, const char *fmt, va_list ap) {
        char status[512];
        char message[600];

        if (!s->managed)
                return;
        vsnprintf(status, sizeof(status), fmt, ap);
        snprintf(message, sizeof(message), "%sSTATUS=%s", prefix, status);
        (void) sd_notify(false, message);
}

void service_ready(struct service *s, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        notify_formatted(s, "READY=1\n", fmt, ap);
        va_end(ap);
}

void service_status(struct service *s, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        notify_formatted(s, "", fmt, ap);
        va_end(ap);
}

void service_stopping(struct service *s) {
        if (s->managed)
                (void) sd_notify(false, "STOPPING=1");
}

void service_watchdog(struct service *s) {
        uint64_t expirations;

        if (read(s->watchdog_fd, &expirations, sizeof(expirations)) < 0)
                return;
        (void) sd_notify(false, "WATCHDOG=1");
}

static void bus_unrefp(sd_bus **b) {
        sd_bus_flush_close_unref(*b);
}

int service_restarting(struct service *s, size_t fds_needed) {
        _cleanup_(bus_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_free_ char *object = NULL, *type = NULL;
        const char *job;
        uint32_t job_id, store_max = 0;
        int r;

        if (!s->managed || !s->unit[0])
                return 0;
        r = systemd_bus_open(&bus);
        if (r >= 0)
                r = sd_bus_path_encode("/org/freedesktop/systemd1/unit", s->unit, &object);
        /* Without room in the store, the connections would die with us: a restart is a stop. */
        if (r >= 0)
                r = sd_bus_get_property_trivial(bus, "org.freedesktop.systemd1", object, "org.freedesktop.systemd1.Service",
                                                "FileDescriptorStoreMax", &error, 'u', &store_max);
        if (r >= 0 && store_max < fds_needed)
                return 0;
        /* The job being run on our unit: a restart stays a "restart" job until we are gone. */
        if (r >= 0)
                r = sd_bus_get_property(bus, "org.freedesktop.systemd1", object, "org.freedesktop.systemd1.Unit", "Job",
                                        &error, &reply, "(uo)");
        if (r >= 0)
                r = sd_bus_message_read(reply, "(uo)", &job_id, &job);
        if (r < 0)
                return r;
        if (job_id == 0)
                return 0;
        r = sd_bus_get_property_string(bus, "org.freedesktop.systemd1", job, "org.freedesktop.systemd1.Job", "JobType",
                                       &error, &type);
        if (r < 0)
                return r;
        return !strcmp(type, "restart") || !strcmp(type, "try-restart");
}
