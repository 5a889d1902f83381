/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * cgroup v1's memory event API (cgroup.event_control) over v2. A write of
 * "<event_fd> <control_fd> [args]" registers the writer's eventfd for an event
 * of the group; the daemon takes both fds from the writer (pidfd_getfd), checks
 * them in the kernel's order and with its errnos, then signals the eventfd from
 * what v2 offers:
 *   memory.oom_control     inotify on memory.events of the group and its
 *                          ancestors, counting "oom" of memory.events.local
 *                          (the group's and its leaf's) where v1 notifies
 *   memory.usage_in_bytes, memory.memsw.usage_in_bytes
 *                          a look every THRESHOLD_POLL_MS at memory.current
 *                          (and memory.swap.current); when it moved, the legacy
 *                          usage is computed and compared with the threshold
 *   memory.pressure_level  a PSI trigger on memory.pressure (the leaf's for "local")
 * As in v1, each registration is signalled once when the memory hierarchy loses
 * its group, and ends without a signal once nobody but us holds its eventfd.
 * Registrations are recorded on the tree's root (trusted.cgcompat.event.<id>), so
 * that a restarted daemon takes the eventfd again from the process that holds it
 * and signals the OOMs it missed.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compat/legacy_file.h"
#include "compat/tree.h"
#include "view.h"

/* How often thresholds are looked at; and, every EVENTS_SWEEP_TICKS of those, who still holds each eventfd. */
#define THRESHOLD_POLL_MS 50
#define EVENTS_SWEEP_TICKS 20
/* Registrations the daemon takes at most: a write beyond gets ENOMEM, as a failed allocation in v1. */
#define MEMORY_EVENTS_MAX 16384

struct memory_event;

struct memory_events {
        struct compat_tree *tree;
        struct view *views;   /* to find a view's device from its settings */
        size_t n_views;
        int epoll_fd;         /* the module's own: its inotify, its timer, every PSI trigger */
        int inotify_fd;
        int timer_fd;
        int kick_fd;          /* an eventfd: groups were removed, their registrations end */
        struct memory_event **events;
        size_t n_events, allocated;
        unsigned *watch_refs; /* registrations using each inotify watch, by watch descriptor */
        size_t n_watch_refs;
        uint64_t next_id;
        unsigned ticks;
        bool timer_armed;
        char status_path[4096];
        struct event_registrar registrar;
        uint64_t signalled;   /* eventfd signals sent */
};

int memory_events_init(struct memory_events *m, struct compat_tree *tree, const char *runtime_dir);
void memory_events_free(struct memory_events *m);
/* The views serve from now on: take back the registrations a previous daemon recorded. */
void memory_events_restore(struct memory_events *m, struct view *views, size_t n_views);
/* An fd for the event loop: readable when memory_events_process() has work. */
int memory_events_fd(const struct memory_events *m);
void memory_events_process(struct memory_events *m);
/* The view with @view_key let the group behind @fd go (rmdir): its registrations are signalled and end. */
void memory_events_group_removed(struct memory_events *m, const char *view_key, int fd);
