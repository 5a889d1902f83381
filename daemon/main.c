/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgcompatd: serves legacy cgroup views through FUSE over a delegated cgroup v2 subtree. */
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/sysmacros.h>

#include "backend/backend.h"
#include "backend/delegation.h"
#include "compat/clock.h"
#include "compat/core_files.h"
#include "compat/tree.h"
#include "conf/config.h"
#include "audit.h"
#include "invalidator.h"
#include "legacy_root.h"
#include "registry.h"
#include "log.h"
#include "memory_events.h"
#include "metrics.h"
#include "metrics_file.h"
#include "mountpoint.h"
#include "release.h"
#include "service.h"
#include "view.h"

/* Requests served from one view before the loop looks at the others. */
#define REQUESTS_PER_WAKEUP 64
/* Release agents started between two looks at the requests. */
#define AGENTS_PER_WAKEUP 8

enum { SOURCE_SIGNAL = -1, SOURCE_INOTIFY = -2, SOURCE_WATCHDOG = -3, SOURCE_MOUNTINFO = -4, SOURCE_MEMORY_EVENTS = -5,
       SOURCE_METRICS = -6 };
/* A PSI trigger of the memory events: SOURCE_PSI_TRIGGER - its registration's id. */
#define SOURCE_PSI_TRIGGER (-((int64_t) 1 << 32))

/* Names in systemd's fd store: the handle table, and per view its FUSE fd and its record. */
#define FDNAME_HANDLES "handles"
#define FDNAME_VIEW "view-"
#define FDNAME_RECORD "init-"

struct daemon {
        struct config config;
        struct compat_tree tree;
        struct release release;
        struct memory_events events;
        struct view *views;
        const char **view_keys; /* the views' keys, for the tree's "held by every view" */
        size_t n_views, n_mounted;
        int signal_fd, epoll_fd;
        int mountinfo_fd; /* polled: the mount table changed, maybe a view was unmounted from outside */
        bool legacy_root_mounted, registry_published;
        struct invalidator invalidator;
        struct audit audit;
        struct service service;
        struct handle_table handles;
        struct delegation delegation;
        struct metrics metrics;
        struct metrics_file metrics_file;
        size_t n_initialised, n_resumed;
        bool started, ready;
        /* systemd restarts us with the fd store kept: leave the views mounted for the next daemon. */
        bool keep_mounted;
        /* The rmdir being served ended memory event registrations: see hook_entry_changed(). */
        bool removal_to_tell;
};

static void help(void) {
        printf("Usage: cgcompatd [-c FILE] [-v] [-V]\n"
               "Serve the 2006 container filesystem and cgroup v1 views over cgroup v2.\n\n"
               "  -c, --config FILE  read FILE instead of the built-in defaults\n"
               "  -v, --verbose      log every release and failed request\n"
               "  -V, --version      show the version\n"
               "  -h, --help         show this help\n\n"
               "Runs in the foreground until SIGTERM or SIGINT, then unmounts its views; as a\n"
               "systemd service being restarted, leaves them mounted for the next daemon.\n");
}

static int resolve_root(struct daemon *d) {
        struct delegation *g = &d->delegation;
        int r = delegation_resolve(d->config.backend_root, g);

        if (r == -ENOMEDIUM)
                return log_error_errno(r, "backend.root", "no cgroup2 mount at /sys/fs/cgroup or /sys/fs/cgroup/unified");
        if (r < 0)
                return log_error_errno(r, d->config.backend_root, "cannot resolve backend.root");
        if (g->error < 0)
                log_warning_errno(g->error, "backend.root", "%s", g->how);
        else if (strcmp(d->config.backend_root, "auto"))
                log_debug("backend.root", "%s: %s", g->how, g->tree_root);
        else
                log_info("backend.root", "%s", g->how);
        return 0;
}

/* A view's fds in the store are named by its key, which the configuration keeps unique. */
static void fdname(char *buf, size_t size, const char *prefix, const char *key) {
        snprintf(buf, size, "%s%s", prefix, key);
}

/* READY=1 once every view answers: mounted and past FUSE_INIT. */
static void update_status(struct daemon *d) {
        if (!d->started)
                return;
        if (!d->ready && d->n_initialised >= d->n_mounted) {
                d->ready = true;
                service_ready(&d->service, "Serving %zu views over %s (%zu kept across a restart)", d->n_mounted,
                              d->delegation.tree_root, d->n_resumed);
        } else if (d->ready)
                service_status(&d->service, "Serving %zu of %zu views over %s", d->n_mounted, d->n_views,
                               d->delegation.tree_root);
}

/* A view's connection is kept in the fd store from the moment it answers, with what the next daemon needs. */
static void hook_view_initialised(void *userdata, struct view *v) {
        struct daemon *d = userdata;
        char name[300];
        int record_fd, r;

        d->n_initialised++;
        if (d->service.managed) {
                /* The record first: a FUSE fd without one is not resumed, its mount made anew. */
                r = view_record(v, &record_fd);
                if (r < 0)
                        log_warning_errno(r, v->mount, "cannot record the connection: a restart will remount it");
                else {
                        fdname(name, sizeof(name), FDNAME_RECORD, v->key);
                        r = service_store_fd(&d->service, name, record_fd);
                        closep(&record_fd);
                        fdname(name, sizeof(name), FDNAME_VIEW, v->key);
                        if (r >= 0)
                                r = service_store_fd(&d->service, name, view_fd(v));
                        v->in_fd_store = r >= 0;
                }
        }
        update_status(d);
}

static void forget_view_fds(struct daemon *d, const struct view *v) {
        char name[300];

        fdname(name, sizeof(name), FDNAME_VIEW, v->key);
        service_forget_fd(&d->service, name);
        fdname(name, sizeof(name), FDNAME_RECORD, v->key);
        service_forget_fd(&d->service, name);
}

static int watch_fd(struct daemon *d, int fd, int64_t source) {
        struct epoll_event ev = { .events = EPOLLIN, .data.u64 = (uint64_t) source };
        return epoll_ctl(d->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0 ? negative_errno() : 0;
}

static int setup_signals(struct daemon *d) {
        sigset_t mask;

        signal(SIGPIPE, SIG_IGN);
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGCHLD);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return negative_errno();
        d->signal_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
        return d->signal_fd < 0 ? negative_errno() : 0;
}

/* Asked to stop: by systemd for a restart, the views stay mounted, their connections in the fd store. */
static void decide_unmount(struct daemon *d, int signo) {
        int r = 0;

        if (d->service.managed && d->n_mounted > 0)
                r = service_restarting(&d->service, 2 * d->n_views + 1);
        if (r < 0)
                log_warning_errno(r, "cgcompatd", "cannot tell a restart from a stop: unmounting the views");
        d->keep_mounted = r > 0;
        if (d->keep_mounted)
                log_info("cgcompatd", "%s received: systemd restarts us, leaving %zu views mounted for the next daemon",
                         strsignal(signo), d->n_mounted);
        else
                log_info("cgcompatd", "%s received, unmounting the views", strsignal(signo));
}

/* Returns 1 when asked to stop. */
static int handle_signals(struct daemon *d) {
        struct signalfd_siginfo si;

        while (read(d->signal_fd, &si, sizeof(si)) == sizeof(si)) {
                if (si.ssi_signo == SIGCHLD)
                        release_reap(&d->release);
                else {
                        decide_unmount(d, (int) si.ssi_signo);
                        return 1;
                }
        }
        return 0;
}

static void raise_fd_limit(void) {
        struct rlimit rl;

        /* One fd per group the kernel holds a reference to: take what we are allowed. */
        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
                rl.rlim_cur = rl.rlim_max;
                (void) setrlimit(RLIMIT_NOFILE, &rl);
        }
}

static void hook_notify_changed(void *userdata, int fd, bool on) {
        struct daemon *d = userdata;
        release_notify_changed(&d->release, fd, on);
}

static void hook_child_removed(void *userdata, int parent_fd) {
        struct daemon *d = userdata;
        release_child_removed(&d->release, parent_fd);
}

/* A value kept for a file v2 cannot enforce is announced: the kernel would have acted on it. */
static void hook_group_removed(void *userdata, const char *view_key, int fd) {
        struct daemon *d = userdata;
        d->removal_to_tell |= memory_events_group_removed(&d->events, view_key, fd);
}

static void hook_value_stored(void *userdata, const struct file_ctx *ctx, const char *value, size_t len) {
        char path[PATH_MAX];

        (void) userdata;
        if (tree_legacy_path(ctx->tree, ctx->fd, path, sizeof(path)) < 0)
                strcpy(path, "?");
        log_warning(ctx->file->name, "%s: \"%.*s\" stored, not enforced: cgroup v2 has no equivalent", path,
                    (int) (len > 200 ? 200 : len), value);
}

static void hook_file_written(void *userdata, const struct file_ctx *ctx, const char *value, size_t len, int r) {
        struct daemon *d = userdata;
        audit_record(&d->audit, ctx, value, len, r);
        if (r >= 0 && ctx->file->write == tasks_write)
                release_attached(&d->release, ctx->fd);
}

static const struct compat_hooks daemon_hooks = {
        .notify_changed = hook_notify_changed,
        .child_removed = hook_child_removed,
        .group_removed = hook_group_removed,
        .value_stored = hook_value_stored,
        .file_written = hook_file_written,
};

static void hook_entry_changed(void *userdata, const struct view *changed, uint64_t parent_ino, const char *name) {
        struct daemon *d = userdata;

        for (size_t i = 0; i < d->n_views; i++) {
                struct view *w = &d->views[i];
                fuse_ino_t parent = w == changed ? 0 : view_group_nodeid(w, parent_ino);
                if (parent)
                        invalidator_entry(&d->invalidator, w->session, parent, name);
        }
        /*
         * Memory events of a removed group: told once the name is gone from this view's
         * dentries, which the kernel drops when the rmdir we are answering completes.
         */
        for (size_t i = 0; d->removal_to_tell && i < d->n_views; i++) {
                struct view *w = &d->views[i];
                fuse_ino_t parent = w == changed ? view_group_nodeid(w, parent_ino) : 0;
                if (parent) {
                        d->removal_to_tell = false;
                        invalidator_entry_then(&d->invalidator, w->session, parent, name,
                                               memory_events_kick_fd(&d->events));
                }
        }
        d->removal_to_tell = false; /* else the sweep tells them */
}

static int view_settings_of(struct daemon *d, const struct view_config *vc, char *key, size_t size,
                            struct view_settings *ret) {
        int r = view_config_key(vc, key, size);
        if (r < 0)
                return r;
        *ret = (struct view_settings) {
                .key = key,
                .flavor = vc->flavor,
                .subsystems = vc->subsystems,
                .unsupported = d->config.unsupported,
                .release_agent = vc->release_agent           ? vc->release_agent
                                 : vc->flavor == FLAVOR_CONTAINER ? d->config.release_agent
                                                                  : "", /* the kernel's v1 default: none */
        };
        return 0;
}

/* A subsystem whose v2 controller is not delegated to the tree shows its core files only: say so once. */
static void log_view_subsystems(struct daemon *d, const struct view_config *vc, const char *key) {
        for (int s = 0; s < SUBSYS__COUNT; s++) {
                const struct subsystem *sub = subsystem_get(s);
                size_t offered = 0;

                if (!(vc->subsystems & SUBSYS_BIT(s)))
                        continue;
                for (size_t k = 0; k < sub->n_files; k++)
                        offered += tree_offers(&d->tree, legacy_file_index(&sub->files[k]));
                if (offered < sub->n_files)
                        log_warning(key, "%s: %zu of its %zu files have no v2 backing here (controller or feature "
                                    "missing from the tree root)", sub->name, sub->n_files - offered, sub->n_files);
        }
}

/* The legacy root is mounted only when a view or link lives below it. */
static int prepare_legacy_root(struct daemon *d) {
        const char *root = d->config.legacy_root;
        bool used = false;
        int r;

        if (!root || !root[0])
                return 0;
        for (size_t i = 0; i < d->config.n_views; i++) {
                used |= path_is_below(d->config.views[i].mount, root);
                for (size_t k = 0; k < d->config.views[i].n_links; k++)
                        used |= path_is_below(d->config.views[i].links[k], root);
        }
        if (!used)
                return 0;
        r = legacy_root_prepare(root);
        if (r < 0)
                return r;
        d->legacy_root_mounted = true;
        return 0;
}

/* The open handles: the previous daemon's if systemd kept them, so the kernel's handles still mean something. */
static int open_handles(struct daemon *d) {
        int fd = service_take_fd(&d->service, FDNAME_HANDLES);
        int r = handle_table_init(&d->handles, fd);

        if (r < 0 && fd >= 0) {
                log_warning_errno(r, FDNAME_HANDLES, "cannot use the open handles systemd kept");
                r = handle_table_init(&d->handles, -1);
        }
        if (r < 0)
                return log_error_errno(r, FDNAME_HANDLES, "cannot make the handle table");
        (void) service_store_fd(&d->service, FDNAME_HANDLES, d->handles.fd);
        return 0;
}

/* The registry, with each view's device as the mount table shows it now. */
static int publish(struct daemon *d) {
        _cleanup_free_ dev_t *devices = calloc(d->config.n_views, sizeof(dev_t));
        int r;

        if (!devices)
                return -ENOMEM;
        for (size_t i = 0; i < d->n_views; i++)
                devices[i] = d->views[i].dev;
        r = registry_publish(&d->config, d->delegation.tree_root, devices);
        if (r >= 0)
                d->registry_published = true;
        return r;
}

/* The legacy root and the links in it, as at start: after it was unmounted from outside. */
static int restore_legacy_root(struct daemon *d) {
        int r = legacy_root_prepare(d->config.legacy_root);

        for (size_t i = 0; r >= 0 && i < d->config.n_views; i++)
                for (size_t k = 0; r >= 0 && k < d->config.views[i].n_links; k++)
                        r = legacy_link(d->config.views[i].links[k], d->config.views[i].mount);
        return r;
}

/*
 * A new mount and connection for view @i, unmounted from outside or with its connection dead.
 * Its old connection leaves the fd store before our end of it is closed, so that the kernel
 * aborts it (a lazily detached mount with files open would otherwise wait on us forever), and
 * the new one is stored once it answered FUSE_INIT (hook_view_initialised), for a restart.
 */
static int remount_view(struct daemon *d, size_t i, const char *mountinfo) {
        struct view *v = &d->views[i];
        /* ENODEV and the mount table's change come in either order: the table says which it was. */
        const char *what = mountinfo_has(mountinfo, v->mount, v->dev) ? "its connection failed" : "unmounted from outside";
        dev_t old = v->dev;
        int r;

        if (v->session)
                (void) epoll_ctl(d->epoll_fd, EPOLL_CTL_DEL, view_fd(v), NULL);
        forget_view_fds(d, v);
        v->in_fd_store = false;
        if (v->initialised)
                d->n_initialised--;
        struct fuse_session *session = view_disconnect(v);
        if (session) {
                invalidator_forget_session(&d->invalidator, session);
                fuse_session_destroy(session);
        }
        r = view_mount_again(v);
        if (r >= 0)
                r = watch_fd(d, view_fd(v), (int64_t) i);
        if (r < 0)
                return log_error_errno(r, v->mount, "%s and cannot be mounted again: exiting rather than serve without it",
                                       what);
        log_warning(v->mount, "%s: mounted again, a new connection (device %u:%u, was %u:%u)", what, major(v->dev),
                    minor(v->dev), major(old), minor(old));
        return 0;
}

/*
 * Every view mounted at its place with its own connection, as the mount table says (a view is
 * never stat'ed from this thread: that would wait on this thread). What was unmounted from
 * outside is mounted again, the legacy root first; then the registry says where they are now.
 */
static int repair_mounts(struct daemon *d) {
        _cleanup_free_ char *table = NULL;
        const char *root = d->config.legacy_root;
        bool repaired = false;
        int r;

        r = mountinfo_read(&table);
        if (r < 0)
                return log_error_errno(r, "/proc/self/mountinfo", "cannot read the mount table to check the views: "
                                       "exiting rather than serve without them");
        if (d->legacy_root_mounted && mountinfo_device(table, root, "tmpfs", NULL) < 0) {
                log_warning(root, "the legacy root was unmounted from outside: mounting it again");
                r = restore_legacy_root(d);
                if (r < 0)
                        return log_error_errno(r, root, "cannot mount the legacy root again: exiting rather than serve "
                                               "without it");
        }
        for (size_t i = 0; i < d->n_views; i++) {
                struct view *v = &d->views[i];
                int layers = view_layers(v, table);

                if (layers >= 2 || view_stacking(v))
                        continue;
                if (layers == 1) {
                        /* The same connection serves on below: only the top layer to put back. */
                        if (view_restack(v) >= 0)
                                log_warning(v->mount, "unmounted from outside (or left by a daemon that did not "
                                            "stack it): the layer below serves on, stacked again");
                        continue;
                }
                r = remount_view(d, i, table);
                if (r < 0)
                        return r;
                repaired = true;
        }
        if (!repaired)
                return 0;
        update_status(d);
        return publish(d);
}

static void write_metrics(struct daemon *d) {
        struct metrics_gauges g = {
                .releases = d->release.agents_started,
                .release_failures = d->release.agents_failed,
                .memory_event_registrations = d->events.n_events,
                .memory_events_signalled = d->events.signalled,
                .views = d->n_mounted,
        };

        if (!d->metrics_file.path[0])
                return;
        metrics_file_count_tree(&d->metrics_file, &d->tree, &g);
        (void) metrics_file_write(&d->metrics_file, &d->metrics, &g);
}

static int start(struct daemon *d) {
        const char *root;
        int r;

        r = service_init(&d->service);
        if (r >= 0)
                r = resolve_root(d);
        if (r >= 0)
                r = open_handles(d);
        if (r < 0)
                return r;
        root = d->delegation.tree_root;
        r = tree_open(&d->tree, &backend_cgroupfs, root, d->config.leaf);
        if (r < 0)
                return log_error_errno(r, root, "cannot open the v2 subtree");
        r = release_init(&d->release, &d->tree, NULL, 0);
        if (r < 0)
                return r;
        d->tree.hooks = &daemon_hooks;
        d->tree.userdata = d;

        /* Which views hold a group is a bit set of 64 (membership.h). */
        if (d->config.n_views > 64)
                return log_error_errno(-E2BIG, "views", "at most 64 views can be served, the configuration has %zu",
                                       d->config.n_views);
        d->views = calloc(d->config.n_views, sizeof(struct view));
        d->view_keys = calloc(d->config.n_views, sizeof(char *));
        if (!d->views || !d->view_keys)
                return -ENOMEM;
        d->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
        if (d->epoll_fd < 0)
                return negative_errno();
        r = memory_events_init(&d->events, &d->tree, d->config.runtime_dir, d->epoll_fd, SOURCE_PSI_TRIGGER);
        if (r >= 0)
                r = setup_signals(d);
        if (r >= 0)
                r = watch_fd(d, d->signal_fd, SOURCE_SIGNAL);
        if (r >= 0)
                r = watch_fd(d, d->release.inotify_fd, SOURCE_INOTIFY);
        if (r >= 0)
                r = watch_fd(d, memory_events_fd(&d->events), SOURCE_MEMORY_EVENTS);
        if (r >= 0 && d->service.watchdog_fd >= 0)
                r = watch_fd(d, d->service.watchdog_fd, SOURCE_WATCHDOG);
        if (r < 0)
                return log_error_errno(r, "cgcompatd", "cannot set up the event loop");

        /* Opened before the views are mounted: the first poll reports their mounts, and repair_mounts() checks them. */
        d->mountinfo_fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
        if (d->mountinfo_fd < 0)
                return log_error_errno(negative_errno(), "/proc/self/mountinfo", "cannot open");
        struct epoll_event changed = { .events = EPOLLPRI, .data.u64 = (uint64_t) SOURCE_MOUNTINFO };
        if (epoll_ctl(d->epoll_fd, EPOLL_CTL_ADD, d->mountinfo_fd, &changed) < 0)
                return log_error_errno(negative_errno(), "/proc/self/mountinfo", "cannot watch");

        r = prepare_legacy_root(d);
        if (r >= 0)
                r = invalidator_start(&d->invalidator);
        if (r < 0)
                return r;
        for (size_t i = 0; i < d->config.n_views; i++) {
                const struct view_config *vc = &d->config.views[i];
                struct view_settings settings;
                struct view_resume resume;
                char key[256], name[300];

                r = view_settings_of(d, vc, key, sizeof(key), &settings);
                if (r < 0)
                        return log_error_errno(r, vc->mount, "cannot name the view");
                fdname(name, sizeof(name), FDNAME_VIEW, key);
                resume.fuse_fd = service_take_fd(&d->service, name);
                fdname(name, sizeof(name), FDNAME_RECORD, key);
                resume.record_fd = service_take_fd(&d->service, name);
                if (resume.fuse_fd < 0)
                        closep(&resume.record_fd);
                r = view_start(&d->views[i], &d->tree, &d->handles, &settings, vc->mount,
                               resume.fuse_fd >= 0 ? &resume : NULL);
                d->n_views = i + 1;
                d->views[i].page_cache = d->config.page_cache;
                d->views[i].events = &d->events.registrar;
                d->views[i].entry_changed = hook_entry_changed;
                d->views[i].initialised_hook = hook_view_initialised;
                d->views[i].userdata = d;
                if (r < 0)
                        return log_error_errno(r, vc->mount, "cannot serve the view");
                if (d->views[i].resumed) {
                        d->views[i].in_fd_store = true; /* still there: systemd keeps what it hands over */
                        d->n_initialised++;
                        d->n_resumed++;
                } else if (resume.fuse_fd >= 0)
                        forget_view_fds(d, &d->views[i]); /* mounted anew: the next store replaces them */
                r = watch_fd(d, view_fd(&d->views[i]), (int64_t) i);
                if (r < 0)
                        return r;
                d->n_mounted++;
                for (size_t k = 0; k < vc->n_links; k++) {
                        r = legacy_link(vc->links[k], vc->mount);
                        if (r < 0)
                                return r;
                }
                log_view_subsystems(d, vc, key);
                log_info(vc->mount, "serving %s over %s", key, root);
        }
        /* Views the previous daemon served that this configuration does not have. */
        for (const char *name; (name = service_untaken(&d->service, FDNAME_VIEW));) {
                char key[256], record[300];
                snprintf(key, sizeof(key), "%s", name + strlen(FDNAME_VIEW));
                fdname(record, sizeof(record), FDNAME_RECORD, key);
                struct view_resume gone = { .fuse_fd = service_take_fd(&d->service, name),
                                            .record_fd = service_take_fd(&d->service, record) };
                view_abandon(&gone);
                fdname(record, sizeof(record), FDNAME_VIEW, key);
                service_forget_fd(&d->service, record);
                fdname(record, sizeof(record), FDNAME_RECORD, key);
                service_forget_fd(&d->service, record);
        }
        service_drop_untaken(&d->service);
        d->release.views = d->views;
        d->release.n_views = d->n_views;
        for (size_t i = 0; i < d->n_views; i++)
                d->view_keys[i] = d->views[i].key;
        d->tree.view_keys = d->view_keys;
        d->tree.n_view_keys = d->n_views;
        r = metrics_init(&d->metrics, d->view_keys, d->n_views);
        if (r < 0)
                return log_error_errno(r, "metrics", "cannot make the request counters");
        for (size_t i = 0; i < d->n_views; i++) {
                d->views[i].metrics = &d->metrics;
                d->views[i].metrics_index = i;
        }
        if (d->config.audit) {
                r = audit_open(&d->audit, d->config.runtime_dir);
                if (r < 0)
                        return r;
        }
        /* A view the previous daemon left may be gone from its place meanwhile: mounted again here. */
        r = repair_mounts(d);
        if (r >= 0)
                r = publish(d);
        if (r >= 0)
                r = metrics_file_init(&d->metrics_file, d->config.metrics_textfile, d->config.metrics_interval_ms,
                                      d->config.runtime_dir);
        if (r >= 0 && metrics_file_fd(&d->metrics_file) >= 0)
                r = watch_fd(d, metrics_file_fd(&d->metrics_file), SOURCE_METRICS);
        if (r < 0)
                return r;

        int64_t begin = monotonic_ns();
        r = release_scan(&d->release);
        if (r < 0)
                log_warning_errno(r, root, "release scan incomplete");
        log_info(root, "scanned in %.1f ms, %zu releases queued", (double) (monotonic_ns() - begin) / 1e6,
                 d->release.queue_len - d->release.queue_head);
        memory_events_restore(&d->events, d->views, d->n_views);
        d->started = true;
        update_status(d);
        write_metrics(d);
        return 0;
}

static int serve(struct daemon *d) {
        struct epoll_event events[16];

        while (d->n_mounted > 0) {
                /* With releases queued, look at requests without waiting, then start a few agents. */
                size_t queued = release_run_pending(&d->release, AGENTS_PER_WAKEUP);
                int n = epoll_wait(d->epoll_fd, events, (int) ELEMENTSOF(events),
                                   queued > 0 ? 0 : release_recheck_timeout(&d->release));
                release_recheck(&d->release);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return log_error_errno(negative_errno(), "epoll", "wait failed");
                }
                for (int i = 0; i < n; i++) {
                        int64_t source = (int64_t) events[i].data.u64;

                        if (source == SOURCE_SIGNAL) {
                                if (handle_signals(d))
                                        return 0;
                        } else if (source == SOURCE_INOTIFY)
                                (void) release_process(&d->release);
                        else if (source == SOURCE_MEMORY_EVENTS)
                                memory_events_process(&d->events);
                        else if (source <= SOURCE_PSI_TRIGGER)
                                memory_events_triggered(&d->events, (uint64_t) (SOURCE_PSI_TRIGGER - source),
                                                        events[i].events);
                        else if (source == SOURCE_WATCHDOG)
                                service_watchdog(&d->service);
                        else if (source == SOURCE_METRICS) {
                                if (metrics_file_due(&d->metrics_file))
                                        write_metrics(d);
                        }
                        else if (source == SOURCE_MOUNTINFO) {
                                int r = repair_mounts(d);
                                if (r < 0)
                                        return r;
                        } else {
                                struct view *v = &d->views[source];
                                for (int k = 0; k < REQUESTS_PER_WAKEUP; k++) {
                                        int r = view_process(v);
                                        if (r >= 0 && !fuse_session_exited(v->session)) {
                                                if (r == 0)
                                                        break; /* drained: back to epoll */
                                                continue;
                                        }
                                        if (r < 0) {
                                                /* Unmounted (ENODEV) or aborted: a new mount in its place. */
                                                v->dead = true;
                                                r = repair_mounts(d);
                                                if (r < 0)
                                                        return r;
                                        }
                                        break;
                                }
                        }
                }
        }
        return 0;
}

static void stop(struct daemon *d) {
        service_stopping(&d->service);
        /* The last figures of this daemon, before the views and the tree go. */
        if (d->started)
                write_metrics(d);
        /*
         * Kept for a restart: the registry, the mounts and the legacy root all stay for the next
         * daemon; but a view whose connection is not in the fd store would be dead once we are.
         */
        if (d->registry_published && !d->keep_mounted)
                registry_remove(&d->config);
        for (size_t i = 0; i < d->n_views; i++)
                if (!d->keep_mounted || !d->views[i].in_fd_store)
                        view_unmount(&d->views[i]);
        invalidator_stop(&d->invalidator);
        audit_close(&d->audit);
        for (size_t i = 0; i < d->n_views; i++)
                view_stop(&d->views[i]);
        free(d->views);
        free(d->view_keys);
        if (d->legacy_root_mounted && !d->keep_mounted)
                legacy_root_release(d->config.legacy_root);
        release_free(&d->release);
        memory_events_free(&d->events);
        metrics_file_free(&d->metrics_file);
        metrics_free(&d->metrics);
        tree_close(&d->tree);
        /* Files still open stay the kernel's: their records go on to the next daemon, if any. */
        handle_table_free(&d->handles, view_free_handle_state);
        service_free(&d->service);
        closep(&d->signal_fd);
        closep(&d->epoll_fd);
        closep(&d->mountinfo_fd);
        config_free(&d->config);
}

int main(int argc, char *argv[]) {
        static const struct option options[] = {
                { "config", required_argument, NULL, 'c' },
                { "verbose", no_argument, NULL, 'v' },
                { "version", no_argument, NULL, 'V' },
                { "help", no_argument, NULL, 'h' },
                {},
        };
        struct daemon d = { .signal_fd = -1, .epoll_fd = -1, .mountinfo_fd = -1, .handles.fd = -1, .service.watchdog_fd = -1,
                          .metrics_file = { .path = "", .timer_fd = -1 } };
        const char *config_path = NULL;
        int c, r;

        if (argc == 2 && !strcmp(argv[1], DELEGATION_ANCHOR_ARG))
                delegation_anchor_main();

        while ((c = getopt_long(argc, argv, "c:vVh", options, NULL)) >= 0)
                switch (c) {
                case 'c':
                        config_path = optarg;
                        break;
                case 'v':
                        log_max_level = LOG_LEVEL_DEBUG;
                        break;
                case 'V':
                        printf("cgcompatd %s\n", CGCOMPAT_VERSION);
                        return 0;
                case 'h':
                        help();
                        return 0;
                default:
                        return 2;
                }
        if (optind < argc) {
                fprintf(stderr, "cgcompatd: unexpected argument '%s'\n", argv[optind]);
                return 2;
        }

        if (config_path) {
                _cleanup_free_ char *error = NULL;
                r = config_load(config_path, &d.config, &error);
                if (r < 0) {
                        fprintf(stderr, "cgcompatd: %s\n", error ? error : strerror(-r));
                        return 1;
                }
        } else {
                r = config_defaults(&d.config);
                if (r < 0)
                        return 1;
        }

        /* Like any daemon, and like the kernel's usermode helpers the agent stands in for. */
        if (chdir("/") < 0)
                return 1;
        raise_fd_limit();
        r = start(&d);
        if (r >= 0)
                r = serve(&d);
        stop(&d);
        return r < 0 ? 1 : 0;
}
