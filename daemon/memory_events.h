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
 *                          (and memory.swap.current), first the tree root's, then,
 *                          if that moved, each group's; where it moved, the legacy
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
#include <time.h>

#include "compat/legacy_file.h"
#include "compat/tree.h"
#include "view.h"

/* How often thresholds are looked at; and, every EVENTS_SWEEP_TICKS of those, who still holds each eventfd. */
#define THRESHOLD_POLL_MS 50
#define EVENTS_SWEEP_TICKS 20
/*
 * Registrations the daemon takes at most (fewer when RLIMIT_NOFILE is below 6 times
 * that): a write beyond gets ENOMEM, as a failed allocation in v1.
 */
#define MEMORY_EVENTS_MAX 16384

struct memory_event;

struct memory_events {
        struct compat_tree *tree;
        struct view *views;   /* to find a view's device from its settings */
        size_t n_views;
        int epoll_fd;         /* the module's own: its inotify, its timer, its kick */
        int loop_epoll_fd;    /* the event loop's: each PSI trigger, tagged trigger_tag_base - id */
        int64_t trigger_tag_base;
        int inotify_fd;
        int timer_fd;
        int kick_fd;          /* an eventfd: groups were removed, their registrations end */
        int root_current_fd;  /* the tree root's memory.current and memory.swap.current, and their last values */
        int root_swap_fd;
        uint64_t root_current, root_swap;
        struct memory_event **events;
        size_t n_events, allocated;
        unsigned *watch_refs; /* registrations using each inotify watch, by watch descriptor */
        size_t n_watch_refs;
        uint64_t next_id;
        size_t max;           /* the bound in force: MEMORY_EVENTS_MAX or what the fd limit allows */
        unsigned ticks;
        bool timer_armed;
        timer_t write_deadline; /* interrupts a write to an eventfd that would block */
        bool have_deadline;
        char status_path[4096];
        struct event_registrar registrar;
        uint64_t signalled;   /* eventfd signals sent */
};

/* PSI triggers go straight into @loop_epoll_fd, tagged @trigger_tag_base - id: see memory_events_triggered(). */
int memory_events_init(struct memory_events *m, struct compat_tree *tree, const char *runtime_dir, int loop_epoll_fd,
                       int64_t trigger_tag_base);
void memory_events_free(struct memory_events *m);
/* The views serve from now on: take back the registrations a previous daemon recorded. */
void memory_events_restore(struct memory_events *m, struct view *views, size_t n_views);
/* An fd for the event loop: readable when memory_events_process() has work. */
int memory_events_fd(const struct memory_events *m);
void memory_events_process(struct memory_events *m);
/* The loop's epoll reported @events for the PSI trigger of registration @id. */
void memory_events_triggered(struct memory_events *m, uint64_t id, uint32_t events);
/*
 * The view with @view_key let the group behind @fd go (rmdir): its registrations are to be
 * signalled and end, once the rmdir has returned. True if it had any: then a write to
 * memory_events_kick_fd() says when (else the next sweep, within a second).
 */
bool memory_events_group_removed(struct memory_events *m, const char *view_key, int fd);
int memory_events_kick_fd(const struct memory_events *m);
