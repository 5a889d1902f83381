/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "memory_events.h"

#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "compat/event_control.h"
#include "compat/group_io.h"
#include "compat/node_table.h"
#include "compat/text.h"
#include "listener_fds.h"
#include "log.h"

#define RECORD_PREFIX "event."

/* Tags of the module's epoll; registration ids start above them. */
enum { TAG_INOTIFY, TAG_TIMER, TAG_KICK, FIRST_ID };

struct memory_event {
        uint64_t id;
        struct memory_event_spec spec;
        const struct view *view;  /* the memory view it was registered through */
        int group_fd;
        uint64_t group_ino;
        int event_fd;             /* ours: the same file as the listener's */
        pid_t owner;              /* a process that holds the eventfd, at fd owner_fd */
        int owner_fd;
        uint64_t owner_start;     /* tells it from a later process with its pid, after a restart */
        uint64_t eventfd_id;      /* the kernel's eventfd-id (fdinfo), 0 if it shows none */
        int source_fd;            /* pressure: the PSI trigger; usage: memory.current */
        int swap_fd;              /* memsw: memory.swap.current */
        int leaf_fd;              /* pressure, "local": the leaf it looks at, not the group */
        uint64_t raw_seen;        /* usage: memory.current (+ swap) at the last look; pressure: pgscan */
        uint64_t seen;            /* oom: OOMs counted; usage: 1 at or above the threshold; pressure: pgsteal */
        uint64_t oom_seen;        /* pressure: oom of memory.events */
        int *wds;                 /* oom: the watches of memory.events up the tree */
        size_t n_wds;
        bool removed;             /* its group is gone: to be signalled once the rmdir has returned */
};

static const struct view *view_of_settings(const struct memory_events *m, const struct view_settings *settings) {
        for (size_t i = 0; i < m->n_views; i++)
                if (&m->views[i].settings == settings)
                        return &m->views[i];
        return NULL;
}

/*
 * The control fd, looked at without taking it: a file of a FUSE server that is not us
 * must not be able to stall us (statx with AT_STATX_DONT_SYNC asks no server), and one
 * of ours is never closed by the thread that serves it. Its row, if it is a file of the
 * group of @ctx that offers an event; the kernel's errnos, in its order.
 */
static int control_file(const struct memory_events *m, const struct file_ctx *ctx, const struct task_info *writer,
                        uint64_t cfd, enum memory_event_kind *ret_kind) {
        const struct view *v = view_of_settings(m, ctx->view);
        struct statx stx;
        struct stat group;
        char path[64];
        uint64_t group_ino;
        size_t row;

        if (cfd > INT_MAX)
                return -EBADF;
        snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int) ctx->caller->pid, (int) cfd);
        if (statx(AT_FDCWD, path, AT_STATX_DONT_SYNC, STATX_TYPE | STATX_MODE | STATX_UID | STATX_GID | STATX_INO,
                  &stx) < 0)
                return errno == ENOENT ? -EBADF : negative_errno();
        int r = writer_may_read(ctx->caller, writer, &stx);
        if (r < 0)
                return r;
        /* A regular file of this view (v1: of cgroupfs), of the group written to, that offers an event. */
        if (!v || !S_ISREG(stx.stx_mode) || makedev(stx.stx_dev_major, stx.stx_dev_minor) != v->dev ||
            !node_ino_is_file(stx.stx_ino, &group_ino, &row) || row >= legacy_file_count())
                return -EINVAL;
        int kind = memory_event_kind_of(legacy_file_at(row)->name);
        if (kind < 0)
                return kind;
        if (fstat(ctx->fd, &group) < 0)
                return negative_errno();
        if (group.st_ino != group_ino)
                return -EINVAL;
        *ret_kind = kind;
        return 0;
}

/* ---- what v2 tells ---- */

static const struct caller daemon_caller = { .uid = 0, .gid = 0, .pid = 0, .init_admin = 1 };

static struct file_ctx group_ctx(const struct memory_events *m, const struct memory_event *e, int fd) {
        return (struct file_ctx) {
                .tree = m->tree,
                .view = e->view ? &e->view->settings : NULL,
                .fd = fd,
                .is_root = e->group_ino == m->tree->root_ino,
                .opener = &daemon_caller,
                .caller = &daemon_caller,
        };
}

struct oom_sum {
        const struct memory_events *m;
        const struct memory_event *e;
        uint64_t total;
};

static int add_own_ooms(void *userdata, int fd, bool is_root) {
        struct oom_sum *o = userdata;
        struct file_ctx at = group_ctx(o->m, o->e, fd);
        _cleanup_close_ int leaf_fd = -1;
        uint64_t n;

        (void) is_root;
        int r = group_read_keyed(&at, "memory.events.local", "oom", &n);
        if (r < 0)
                return r;
        o->total += n;
        if (tree_open_leaf(o->m->tree, fd, false, &leaf_fd) >= 0) {
                struct file_ctx leaf = group_ctx(o->m, o->e, leaf_fd);
                if (group_read_keyed(&leaf, "memory.events.local", "oom", &n) >= 0)
                        o->total += n;
        }
        return 0;
}

/*
 * v1 notifies an OOM in a group to the listeners of the group and of every group below
 * it (mem_cgroup_oom_notify()): so a listener counts the OOMs of its group and of each
 * ancestor up to the tree's root, each the group's own (memory.events.local) plus its
 * leaf's, where its tasks are.
 */
static int oom_count(const struct memory_events *m, const struct memory_event *e, uint64_t *ret) {
        struct oom_sum o = { m, e, 0 };
        int r = tree_for_each_ancestor(m->tree, e->group_fd, add_own_ooms, &o);
        if (r < 0)
                return r;
        *ret = o.total;
        return 0;
}

static int watch_ref(struct memory_events *m, int wd) {
        if ((size_t) wd >= m->n_watch_refs) {
                size_t n = (size_t) wd + 64;
                unsigned *refs = realloc(m->watch_refs, n * sizeof(unsigned));
                if (!refs)
                        return -ENOMEM;
                memset(refs + m->n_watch_refs, 0, (n - m->n_watch_refs) * sizeof(unsigned));
                m->watch_refs = refs;
                m->n_watch_refs = n;
        }
        m->watch_refs[wd]++;
        return 0;
}

static void watch_unref(struct memory_events *m, int wd) {
        if (wd < 0 || (size_t) wd >= m->n_watch_refs || m->watch_refs[wd] == 0)
                return;
        if (--m->watch_refs[wd] == 0)
                (void) inotify_rm_watch(m->inotify_fd, wd);
}

struct chain_watch {
        struct memory_events *m;
        struct memory_event *e;
};

static int watch_events_file(void *userdata, int fd, bool is_root) {
        struct chain_watch *c = userdata;
        char path[64];

        (void) is_root;
        snprintf(path, sizeof(path), "/proc/self/fd/%d/memory.events", fd);
        int wd = inotify_add_watch(c->m->inotify_fd, path, IN_MODIFY);
        if (wd < 0)
                return negative_errno();
        int *wds = realloc(c->e->wds, (c->e->n_wds + 1) * sizeof(int));
        if (!wds)
                return -ENOMEM;
        c->e->wds = wds;
        if (watch_ref(c->m, wd) < 0)
                return -ENOMEM;
        c->e->wds[c->e->n_wds++] = wd;
        return 0;
}

/* memory.events of the group and each ancestor: each announces an OOM anywhere below it. */
static int watch_chain(struct memory_events *m, struct memory_event *e) {
        struct chain_watch c = { m, e };
        return tree_for_each_ancestor(m->tree, e->group_fd, watch_events_file, &c);
}

static int open_v2_file(int dir_fd, const char *name, int flags, int *ret) {
        int fd = openat(dir_fd, name, flags | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        *ret = fd;
        return 0;
}

static int pread_u64(int fd, uint64_t *ret) {
        char buf[32];
        ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
        if (n < 0)
                return negative_errno();
        buf[n] = 0;
        return v2_parse_u64(buf, ret);
}

/* v2's own usage counters: when they have not moved, neither has the legacy usage. */
static int raw_usage(const struct memory_event *e, uint64_t *ret) {
        uint64_t mem, swap = 0;
        int r = pread_u64(e->source_fd, &mem);
        if (r >= 0 && e->swap_fd >= 0)
                r = pread_u64(e->swap_fd, &swap);
        if (r < 0)
                return r;
        *ret = mem + swap;
        return 0;
}

/* The usage a legacy reader of the control file sees now, at or above the threshold? */
static int usage_at(const struct memory_events *m, const struct memory_event *e, bool *ret) {
        const char *name = e->spec.kind == MEMORY_EVENT_USAGE ? "memory.usage_in_bytes" : "memory.memsw.usage_in_bytes";
        struct file_ctx ctx = group_ctx(m, e, e->group_fd);
        _cleanup_(text_free) struct text out = {};
        uint64_t usage;

        ctx.file = ctx.view ? legacy_file_find(ctx.view, ctx.is_root, name) : NULL;
        if (!ctx.file || !ctx.file->read)
                return -ENOENT;
        int r = ctx.file->read(&ctx, &out);
        if (r < 0)
                return r;
        r = text_append(&out, "", 1);
        if (r >= 0)
                r = v2_parse_u64(out.data, &usage);
        if (r < 0)
                return r;
        *ret = usage_at_threshold(usage, e->spec.threshold_pages, page_size());
        return 0;
}

/* Where a pressure registration looks: the group, or for "local" its leaf. */
static int pressure_dir(const struct memory_event *e) {
        return e->leaf_fd >= 0 ? e->leaf_fd : e->group_fd;
}

/* pgscan and pgsteal of memory.stat, and oom of memory.events, where a pressure registration looks. */
static int reclaim_counters(const struct memory_events *m, const struct memory_event *e, uint64_t *ret_scanned,
                            uint64_t *ret_reclaimed, uint64_t *ret_ooms) {
        struct file_ctx at = group_ctx(m, e, pressure_dir(e));
        _cleanup_free_ char *stat = NULL;
        int r = group_read_v2(&at, "memory.stat", &stat);
        if (r >= 0)
                r = keyed_u64(stat, "pgscan", ret_scanned);
        if (r >= 0)
                r = keyed_u64(stat, "pgsteal", ret_reclaimed);
        if (r >= 0)
                r = group_read_keyed(&at, "memory.events", "oom", ret_ooms);
        return r;
}

/* ---- the registrations ---- */

static void interrupt_write(int signo) {
        (void) signo; /* only there to make a blocked write return EINTR */
}

/*
 * A write to an eventfd blocks while the counter has no room, and the listener's file is
 * not non-blocking: a listener that fills it between our poll and our write would stop
 * every view. So the write has a deadline, a timer signal to this thread alone.
 */
static int deadline_init(struct memory_events *m) {
        struct sigaction sa = { .sa_handler = interrupt_write }; /* no SA_RESTART: the write fails EINTR */
        struct sigevent sev = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIGRTMIN };

        sev._sigev_un._tid = gettid();
        if (sigaction(SIGRTMIN, &sa, NULL) < 0 || timer_create(CLOCK_MONOTONIC, &sev, &m->write_deadline) < 0)
                return negative_errno();
        m->have_deadline = true;
        return 0;
}

static void deadline_arm(struct memory_events *m, long ns) {
        struct itimerspec its = { .it_value.tv_nsec = ns };
        if (m->have_deadline)
                (void) timer_settime(m->write_deadline, 0, &its, NULL);
}

/* v1 signals with eventfd_signal(), which never waits: a counter a listener let fill up is left so. */
static void event_signal(struct memory_events *m, struct memory_event *e, uint64_t n) {
        struct pollfd p = { .fd = e->event_fd, .events = POLLOUT };
        ssize_t written = -1;

        if (n == 0)
                return;
        if (poll(&p, 1, 0) == 1 && (p.revents & POLLOUT)) {
                deadline_arm(m, 10 * 1000000L);
                written = write(e->event_fd, &n, sizeof(n));
                deadline_arm(m, 0);
        }
        if (written != sizeof(n)) {
                log_warning("events", "registration %" PRIu64 ": the listener's eventfd is full, an event is lost", e->id);
                return;
        }
        m->signalled += n;
}

/*
 * PSI said reclaim stalled a task: the level is vmpressure's, from what reclaim scanned
 * and freed since the last look; an OOM meanwhile is critical, as v1's reclaim at its
 * lowest priority reports (vmpressure_prio()). No scan and no OOM, no event, as in v1.
 */
static void pressure_check(struct memory_events *m, struct memory_event *e) {
        uint64_t scanned, reclaimed, ooms;

        if (reclaim_counters(m, e, &scanned, &reclaimed, &ooms) < 0)
                return;
        int level = vmpressure_level(scanned - e->raw_seen, reclaimed - e->seen);
        if (ooms != e->oom_seen)
                level = PRESSURE_CRITICAL;
        e->raw_seen = scanned;
        e->seen = reclaimed;
        e->oom_seen = ooms;
        if (level >= 0 && level >= (int) e->spec.level)
                event_signal(m, e, 1);
}

static void status_publish(const struct memory_events *m) {
        _cleanup_(text_free) struct text out = {};

        if (!m->status_path[0])
                return;
        if (text_printf(&out, "registrations %zu\nlimit %zu\nsignalled %" PRIu64 "\n", m->n_events, m->max,
                        m->signalled) >= 0)
                (void) write_file_atomic(m->status_path, out.data, out.len);
}

static void record_key(const struct memory_event *e, char *buf, size_t size) {
        snprintf(buf, size, RECORD_PREFIX "%" PRIu64, e->id);
}

/* What a restarted daemon needs to take the registration back; on the tree's root, which outlives every group. */
static void record_save(const struct memory_events *m, const struct memory_event *e) {
        char key[64], spec[64], value[512];

        if (memory_event_spec_format(&e->spec, spec, sizeof(spec)) < 0)
                return;
        record_key(e, key, sizeof(key));
        int n = snprintf(value, sizeof(value), "%" PRIu64 " %d %" PRIu64 " %d %" PRIu64 " %" PRIu64 " %s\n%s\n",
                         e->group_ino, (int) e->owner, e->owner_start, e->owner_fd, e->eventfd_id, e->seen, spec,
                         e->view->key);
        if (n < 0 || (size_t) n >= sizeof(value))
                return;
        int r = m->tree->backend->set_state(m->tree->root_fd, key, value, (size_t) n);
        if (r < 0)
                log_warning_errno(r, key, "cannot record the registration: a restart will not take it back");
}

static void event_free(struct memory_events *m, struct memory_event *e) {
        if (!e)
                return;
        for (size_t i = 0; i < e->n_wds; i++)
                watch_unref(m, e->wds[i]);
        free(e->wds);
        closep(&e->group_fd);
        closep(&e->event_fd);
        closep(&e->source_fd);
        closep(&e->swap_fd);
        closep(&e->leaf_fd);
        free(e);
}

static void timer_update(struct memory_events *m) {
        bool want = m->n_events > 0;
        struct itimerspec its = {};

        if (want == m->timer_armed)
                return;
        if (want)
                its.it_interval.tv_nsec = its.it_value.tv_nsec = THRESHOLD_POLL_MS * 1000000L;
        if (timerfd_settime(m->timer_fd, 0, &its, NULL) >= 0)
                m->timer_armed = want;
}

/* Ends registration @i: @removed tells the listener its group is gone, as v1's memcg_event_remove() does. */
static void event_end(struct memory_events *m, size_t i, bool removed) {
        struct memory_event *e = m->events[i];
        char key[64];

        if (removed)
                event_signal(m, e, 1);
        record_key(e, key, sizeof(key));
        (void) m->tree->backend->remove_state(m->tree->root_fd, key);
        log_debug(key, "ended: %s", removed ? "its group was removed" : "nobody holds its eventfd");
        m->events[i] = m->events[--m->n_events];
        event_free(m, e);
        timer_update(m);
        status_publish(m);
}


/* The v2 side of a registration, and where it stands now (no event at registration, as in v1). */
static int event_arm(struct memory_events *m, struct memory_event *e) {
        int r;

        switch (e->spec.kind) {
        case MEMORY_EVENT_OOM:
                r = watch_chain(m, e);
                if (r >= 0)
                        r = oom_count(m, e, &e->seen);
                return r;
        case MEMORY_EVENT_USAGE:
        case MEMORY_EVENT_MEMSW_USAGE: {
                bool above;
                r = open_v2_file(e->group_fd, "memory.current", O_RDONLY, &e->source_fd);
                if (r >= 0 && e->spec.kind == MEMORY_EVENT_MEMSW_USAGE)
                        r = open_v2_file(e->group_fd, "memory.swap.current", O_RDONLY, &e->swap_fd);
                if (r >= 0)
                        r = raw_usage(e, &e->raw_seen);
                if (r >= 0)
                        r = usage_at(m, e, &above);
                if (r >= 0)
                        e->seen = above;
                return r;
        }
        case MEMORY_EVENT_PRESSURE: {
                /* "local": the group's own tasks, in its leaf; else the group and all below it. */
                if (e->spec.mode == PRESSURE_LOCAL)
                        (void) tree_open_leaf(m->tree, e->group_fd, false, &e->leaf_fd);
                r = open_v2_file(pressure_dir(e), "memory.pressure", O_RDWR | O_NONBLOCK, &e->source_fd);
                if (r == -ENOENT)
                        return -EOPNOTSUPP; /* a kernel without PSI (psi=0) */
                if (r < 0)
                        return r;
                if (write(e->source_fd, pressure_psi_trigger, strlen(pressure_psi_trigger) + 1) < 0)
                        return negative_errno();
                r = reclaim_counters(m, e, &e->raw_seen, &e->seen, &e->oom_seen);
                if (r < 0)
                        return r;
                /*
                 * In the loop's own epoll, not ours: a trigger's poll consumes its event, so an
                 * epoll nested in another would lose it to the outer one's look.
                 */
                struct epoll_event ev = { .events = EPOLLPRI, .data.u64 = (uint64_t) (m->trigger_tag_base - (int64_t) e->id) };
                return epoll_ctl(m->loop_epoll_fd, EPOLL_CTL_ADD, e->source_fd, &ev) < 0 ? negative_errno() : 0;
        }
        default:
                return -EINVAL;
        }
}

static int event_append(struct memory_events *m, struct memory_event *e) {
        if (m->n_events == m->allocated) {
                size_t n = m->allocated ? m->allocated * 2 : 16;
                struct memory_event **events = realloc(m->events, n * sizeof(*events));
                if (!events)
                        return -ENOMEM;
                m->events = events;
                m->allocated = n;
        }
        m->events[m->n_events++] = e;
        timer_update(m);
        status_publish(m);
        return 0;
}

static struct memory_event *event_new(void) {
        struct memory_event *e = calloc(1, sizeof(*e));
        if (e)
                e->group_fd = e->event_fd = e->source_fd = e->swap_fd = e->leaf_fd = -1;
        return e;
}

/*
 * memcg_write_event_control() after its parse: room for one more, the eventfd, the
 * control file, then the file's own registration, each failing as the kernel's does.
 */
static int registrar_add(void *userdata, const struct file_ctx *ctx, const struct event_control_line *line) {
        struct memory_events *m = userdata;
        struct memory_event *e = NULL;
        enum memory_event_kind kind;
        struct task_info writer;
        int pidfd, efd, r;

        if (m->n_events >= m->max) {
                log_warning("events", "a registration beyond the limit of %zu is refused", m->max);
                return -ENOMEM;
        }
        if (ctx->caller->pid <= 0)
                return -EBADF; /* a writer we cannot see has no fds we could take */
        /* Its status once: its process, and the credentials the control file is judged by. */
        r = task_info_read(ctx->caller->pid, &writer);
        if (r >= 0)
                r = writer_pidfd(ctx->caller->pid, writer.tgid, &pidfd);
        if (r < 0)
                return r == -ESRCH ? -EBADF : r;
        r = pidfd_take_fd(pidfd, (uint32_t) line->event_fd, &efd);
        close(pidfd);
        if (r < 0)
                return r;
        if (!fd_is_eventfd(efd)) {
                fd_close_untrusted(efd);
                return -EINVAL;
        }
        e = event_new();
        if (!e) {
                close(efd);
                return -ENOMEM;
        }
        e->event_fd = efd;
        e->owner = writer.tgid;
        e->owner_fd = (int) (uint32_t) line->event_fd;
        r = control_file(m, ctx, &writer, (uint32_t) line->control_fd, &kind);
        if (r >= 0)
                r = memory_event_args_parse(kind, line->args, page_size(), &e->spec);
        if (r >= 0)
                r = process_start_time(writer.tgid, &e->owner_start);
        if (r >= 0) {
                struct stat st;
                e->view = view_of_settings(m, ctx->view);
                e->group_fd = fcntl(ctx->fd, F_DUPFD_CLOEXEC, 3);
                r = e->group_fd < 0 || fstat(e->group_fd, &st) < 0 ? negative_errno() : 0;
                if (r >= 0)
                        e->group_ino = st.st_ino;
        }
        if (r >= 0) {
                e->id = m->next_id++;
                e->eventfd_id = fd_eventfd_id(e->event_fd);
                r = event_arm(m, e);
        }
        if (r >= 0)
                r = event_append(m, e);
        if (r < 0) {
                event_free(m, e);
                return r;
        }
        record_save(m, e);
        log_debug("events", "registration %" PRIu64 ": %s for pid %d", e->id, memory_event_kind_name(kind),
                  (int) writer.tgid);
        return 0;
}

/* ---- the loop ---- */

static struct memory_event *event_by_id(const struct memory_events *m, uint64_t id, size_t *ret_index) {
        for (size_t i = 0; i < m->n_events; i++)
                if (m->events[i]->id == id) {
                        *ret_index = i;
                        return m->events[i];
                }
        return NULL;
}

static bool uses_watch(const struct memory_event *e, int wd) {
        for (size_t i = 0; i < e->n_wds; i++)
                if (e->wds[i] == wd)
                        return true;
        return false;
}

/* OOMs counted since the last look are signalled, one each, as v1 signalled each. */
static void oom_check(struct memory_events *m, struct memory_event *e) {
        uint64_t now;
        if (oom_count(m, e, &now) < 0)
                return;
        if (now > e->seen)
                event_signal(m, e, now - e->seen);
        if (now != e->seen) {
                e->seen = now;
                record_save(m, e);
        }
}

static void inotify_process(struct memory_events *m) {
        char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
        ssize_t n;

        while ((n = read(m->inotify_fd, buf, sizeof(buf))) > 0)
                for (char *p = buf; p < buf + n;) {
                        struct inotify_event *ev = (struct inotify_event *) p;
                        p += sizeof(*ev) + ev->len;
                        if (ev->mask & IN_IGNORED) {
                                if (ev->wd >= 0 && (size_t) ev->wd < m->n_watch_refs)
                                        m->watch_refs[ev->wd] = 0;
                                continue;
                        }
                        for (size_t i = 0; i < m->n_events; i++) {
                                struct memory_event *e = m->events[i];
                                if (e->spec.kind == MEMORY_EVENT_OOM &&
                                    ((ev->mask & IN_Q_OVERFLOW) || uses_watch(e, ev->wd)))
                                        oom_check(m, e);
                        }
                }
}

static void threshold_check(struct memory_events *m, struct memory_event *e) {
        uint64_t raw;
        bool above;

        if (raw_usage(e, &raw) < 0 || raw == e->raw_seen)
                return;
        e->raw_seen = raw;
        if (usage_at(m, e, &above) < 0 || above == (e->seen != 0))
                return;
        e->seen = above;
        record_save(m, e);
        event_signal(m, e, 1);
}

static bool group_gone(const struct memory_event *e) {
        struct stat st;
        return fstatat(e->group_fd, "cgroup.procs", &st, 0) < 0 && errno == ENOENT;
}

/* Whatever process has the owner's pid now: if it holds our file there, someone listens. */
static bool owner_holds(const struct memory_event *e) {
        return process_holds_file(e->owner, e->owner_fd, e->event_fd);
}

/* Some other process holds the eventfd of @e: it is the owner from now on. */
static bool adopt_owner(struct memory_events *m, struct memory_event *e, pid_t pid, int fd) {
        uint64_t start;

        if (process_start_time(pid, &start) < 0)
                return false;
        e->owner = pid;
        e->owner_fd = fd;
        e->owner_start = start;
        record_save(m, e);
        return true;
}

struct owner_search {
        struct memory_events *m;
        bool *orphan;
};

static void claim_eventfd(void *userdata, pid_t pid, int fd) {
        struct owner_search *o = userdata;
        for (size_t i = 0; i < o->m->n_events; i++)
                if (o->orphan[i] && process_holds_file(pid, fd, o->m->events[i]->event_fd) &&
                    adopt_owner(o->m, o->m->events[i], pid, fd))
                        o->orphan[i] = false;
}

/*
 * The eventfds whose owner let go: looked for in every process at once (one pass over
 * /proc, whatever their number), the way a forked listener keeps its parent's.
 */
static void find_owners(struct memory_events *m, bool *orphan) {
        struct owner_search o = { m, orphan };
        for_each_eventfd(claim_eventfd, &o);
}

/* Once a second: groups removed in v2 behind our back, and eventfds nobody else holds any more. */
static void sweep(struct memory_events *m) {
        _cleanup_free_ bool *orphan = calloc(m->n_events + 1, sizeof(bool));
        size_t n_orphans = 0;

        for (size_t i = m->n_events; i-- > 0;)
                if (m->events[i]->removed || group_gone(m->events[i]))
                        event_end(m, i, true);
        if (!orphan)
                return;
        for (size_t i = 0; i < m->n_events; i++)
                if (!owner_holds(m->events[i])) {
                        orphan[i] = true;
                        n_orphans++;
                }
        if (n_orphans == 0)
                return;
        find_owners(m, orphan);
        for (size_t i = m->n_events; i-- > 0;)
                if (orphan[i])
                        event_end(m, i, false);
}

/*
 * v2 charges every page to all ancestors: when the tree root's memory.current and
 * memory.swap.current have not moved, no group below has (short of one giving up
 * exactly what another took), and one read stands for every threshold's.
 */
static bool tree_usage_moved(struct memory_events *m) {
        uint64_t mem, swap = 0;

        if (m->root_current_fd < 0) {
                if (open_v2_file(m->tree->root_fd, "memory.current", O_RDONLY, &m->root_current_fd) < 0)
                        return true;
                (void) open_v2_file(m->tree->root_fd, "memory.swap.current", O_RDONLY, &m->root_swap_fd);
        }
        if (pread_u64(m->root_current_fd, &mem) < 0 || (m->root_swap_fd >= 0 && pread_u64(m->root_swap_fd, &swap) < 0))
                return true;
        bool moved = mem != m->root_current || swap != m->root_swap;
        m->root_current = mem;
        m->root_swap = swap;
        return moved;
}

static void timer_process(struct memory_events *m) {
        uint64_t expirations;

        if (read(m->timer_fd, &expirations, sizeof(expirations)) != sizeof(expirations))
                return;
        if (tree_usage_moved(m))
                for (size_t i = 0; i < m->n_events; i++) {
                        struct memory_event *e = m->events[i];
                        if (e->spec.kind == MEMORY_EVENT_USAGE || e->spec.kind == MEMORY_EVENT_MEMSW_USAGE)
                                threshold_check(m, e);
                }
        if (++m->ticks % EVENTS_SWEEP_TICKS == 0)
                sweep(m);
}

/*
 * v1 removes a group's events after the rmdir has returned, from a work queue: a listener
 * woken by it finds the group gone. So the registrations are only marked here; they are
 * signalled once the view's dentry is gone (memory_events_kick_fd(), told by the
 * invalidator), or at the next sweep.
 */
bool memory_events_group_removed(struct memory_events *m, const char *view_key, int fd) {
        struct stat st;
        bool any = false;

        if (fstat(fd, &st) < 0)
                return false;
        for (size_t i = 0; i < m->n_events; i++) {
                struct memory_event *e = m->events[i];
                if (e->group_ino == st.st_ino && e->view && !strcmp(e->view->key, view_key))
                        any = e->removed = true;
        }
        return any;
}

int memory_events_kick_fd(const struct memory_events *m) {
        return m->kick_fd;
}

static void removals_process(struct memory_events *m) {
        eventfd_t n;

        (void) eventfd_read(m->kick_fd, &n);
        for (size_t i = m->n_events; i-- > 0;)
                if (m->events[i]->removed)
                        event_end(m, i, true);
}

void memory_events_process(struct memory_events *m) {
        struct epoll_event evs[16];
        int n = epoll_wait(m->epoll_fd, evs, (int) ELEMENTSOF(evs), 0);

        for (int k = 0; k < n; k++) {
                uint64_t tag = evs[k].data.u64;
                if (tag == TAG_INOTIFY)
                        inotify_process(m);
                else if (tag == TAG_TIMER)
                        timer_process(m);
                else if (tag == TAG_KICK)
                        removals_process(m);
        }
}

void memory_events_triggered(struct memory_events *m, uint64_t id, uint32_t events) {
        size_t i;

        if (!event_by_id(m, id, &i))
                return;
        /* An error is the trigger's cgroup removed: told once the removal is complete. */
        if (events & EPOLLERR) {
                struct memory_event *e = m->events[i];
                (void) epoll_ctl(m->loop_epoll_fd, EPOLL_CTL_DEL, e->source_fd, NULL);
                e->removed = true;
        } else
                pressure_check(m, m->events[i]);
}

/* ---- a restart ---- */

struct restore_ctx {
        struct memory_events *m;
        char **keys;
        size_t n;
};

static int collect_key(void *userdata, const char *key) {
        struct restore_ctx *c = userdata;
        char **keys = realloc(c->keys, (c->n + 1) * sizeof(char *));
        if (!keys)
                return -ENOMEM;
        c->keys = keys;
        keys[c->n] = strdup(key);
        if (!keys[c->n])
                return -ENOMEM;
        c->n++;
        return 0;
}

static const struct view *view_by_key(const struct memory_events *m, const char *key) {
        for (size_t i = 0; i < m->n_views; i++)
                if (!strcmp(m->views[i].key, key))
                        return &m->views[i];
        return NULL;
}

/* The eventfd back from its owner, if that process still holds the same one where it did. */
static int take_back_eventfd(struct memory_event *e) {
        _cleanup_close_ int pidfd = process_pidfd_open(e->owner, 0);
        uint64_t start;
        int r;

        if (pidfd < 0)
                return pidfd;
        /* The pidfd pins the process: the start time read after it is the one it names. */
        r = process_start_time(e->owner, &start);
        if (r >= 0 && start != e->owner_start)
                r = -ESRCH;
        if (r >= 0)
                r = pidfd_take_fd(pidfd, (uint64_t) e->owner_fd, &e->event_fd);
        if (r < 0)
                return r;
        if (!fd_is_eventfd(e->event_fd)) {
                fd_close_untrusted(e->event_fd);
                e->event_fd = -1;
                return -EBADF;
        }
        if (e->eventfd_id && fd_eventfd_id(e->event_fd) != e->eventfd_id)
                return -EBADF;
        return 0;
}

static int restore_one(struct memory_events *m, struct memory_event *e, const char *value) {
        char spec[64], view_key[256];
        int owner, owner_fd;

        if (sscanf(value, "%" SCNu64 " %d %" SCNu64 " %d %" SCNu64 " %" SCNu64 " %63[^\n]\n%255[^\n]", &e->group_ino,
                   &owner, &e->owner_start, &owner_fd, &e->eventfd_id, &e->seen, spec, view_key) != 8 ||
            memory_event_spec_parse(spec, &e->spec) < 0)
                return -EBADMSG;
        e->owner = owner;
        e->owner_fd = owner_fd;
        e->view = view_by_key(m, view_key);
        if (!e->view)
                return -ENOENT;
        int r = take_back_eventfd(e);
        if (r < 0)
                return r;
        r = m->tree->backend->open_by_id(m->tree->root_fd, e->group_ino, &e->group_fd);
        if (r == -ENOENT) {
                event_signal(m, e, 1); /* removed while no daemon watched: told now */
                return -ENOENT;
        }
        if (r < 0)
                return r;

        /* Armed as new, then compared with what the previous daemon had told the listener. */
        uint64_t told = e->seen;
        r = event_arm(m, e);
        if (r < 0)
                return r;
        if (e->spec.kind == MEMORY_EVENT_OOM && e->seen > told)
                event_signal(m, e, e->seen - told);
        else if (e->spec.kind != MEMORY_EVENT_OOM && e->spec.kind != MEMORY_EVENT_PRESSURE && e->seen != told)
                event_signal(m, e, 1);
        return event_append(m, e);
}

void memory_events_restore(struct memory_events *m, struct view *views, size_t n_views) {
        struct restore_ctx c = { .m = m };
        size_t restored = 0;

        m->views = views;
        m->n_views = n_views;
        /* Only a memory view has cgroup.event_control: without one, there is nothing to report. */
        bool memory = false;
        for (size_t i = 0; i < n_views; i++)
                memory |= (views[i].settings.subsystems & SUBSYS_BIT(SUBSYS_MEMORY)) != 0;
        if (!memory)
                m->status_path[0] = 0;
        int r = m->tree->backend->list_state(m->tree->root_fd, RECORD_PREFIX, collect_key, &c);
        if (r < 0)
                log_warning_errno(r, "events", "cannot list the recorded registrations");
        for (size_t i = 0; i < c.n; i++) {
                char value[512];
                struct memory_event *e = event_new();
                uint64_t id;

                if (sscanf(c.keys[i], RECORD_PREFIX "%" SCNu64, &id) != 1)
                        goto next;
                int n = m->tree->backend->get_state(m->tree->root_fd, c.keys[i], value, sizeof(value) - 1);
                if (!e || n < 0)
                        goto next;
                value[n] = 0;
                e->id = id;
                if (id >= m->next_id)
                        m->next_id = id + 1;
                r = restore_one(m, e, value);
                if (r >= 0) {
                        record_save(m, e);
                        restored++;
                        e = NULL;
                } else
                        log_info(c.keys[i], "not taken back: %s", strerror(-r));
        next:
                if (e) {
                        (void) m->tree->backend->remove_state(m->tree->root_fd, c.keys[i]);
                        event_free(m, e);
                }
                free(c.keys[i]);
        }
        free(c.keys);
        if (c.n > 0)
                log_info("events", "%zu of %zu recorded registrations taken back", restored, c.n);
        status_publish(m);
}

/* ---- setup ---- */

int memory_events_init(struct memory_events *m, struct compat_tree *tree, const char *runtime_dir, int loop_epoll_fd,
                       int64_t trigger_tag_base) {
        *m = (struct memory_events) { .tree = tree, .epoll_fd = -1, .inotify_fd = -1, .timer_fd = -1, .kick_fd = -1,
                                      .root_current_fd = -1, .root_swap_fd = -1,
                                      .next_id = FIRST_ID, .loop_epoll_fd = loop_epoll_fd,
                                      .trigger_tag_base = trigger_tag_base };
        m->registrar = (struct event_registrar) { .add = registrar_add, .userdata = m };
        /* Three fds each (eventfd, group, its usage file): at most a third of half our fds. */
        struct rlimit rl;
        m->max = MEMORY_EVENTS_MAX;
        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur / 6 < m->max)
                m->max = rl.rlim_cur / 6;
        if (runtime_dir && *runtime_dir)
                snprintf(m->status_path, sizeof(m->status_path), "%s/memory-events", runtime_dir);

        m->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
        m->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        m->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
        m->kick_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (m->epoll_fd < 0 || m->inotify_fd < 0 || m->timer_fd < 0 || m->kick_fd < 0 || deadline_init(m) < 0)
                return log_error_errno(negative_errno(), "events", "cannot set up the memory event watchers");
        struct epoll_event inotify = { .events = EPOLLIN, .data.u64 = TAG_INOTIFY };
        struct epoll_event timer = { .events = EPOLLIN, .data.u64 = TAG_TIMER };
        struct epoll_event kick = { .events = EPOLLIN, .data.u64 = TAG_KICK };
        if (epoll_ctl(m->epoll_fd, EPOLL_CTL_ADD, m->inotify_fd, &inotify) < 0 ||
            epoll_ctl(m->epoll_fd, EPOLL_CTL_ADD, m->timer_fd, &timer) < 0 ||
            epoll_ctl(m->epoll_fd, EPOLL_CTL_ADD, m->kick_fd, &kick) < 0)
                return log_error_errno(negative_errno(), "events", "cannot set up the memory event watchers");
        return 0;
}

int memory_events_fd(const struct memory_events *m) {
        return m->epoll_fd;
}

/* The fds close; the records stay, for the next daemon. */
void memory_events_free(struct memory_events *m) {
        if (m->status_path[0])
                (void) unlink(m->status_path);
        for (size_t i = 0; i < m->n_events; i++)
                event_free(m, m->events[i]);
        free(m->events);
        free(m->watch_refs);
        closep(&m->epoll_fd);
        closep(&m->inotify_fd);
        closep(&m->timer_fd);
        closep(&m->kick_fd);
        closep(&m->root_current_fd);
        closep(&m->root_swap_fd);
        if (m->have_deadline)
                timer_delete(m->write_deadline);
        m->have_deadline = false;
        m->events = NULL;
        m->n_events = m->allocated = 0;
}
