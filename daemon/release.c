/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "release.h"

#include <fcntl.h>
#include <stdbool.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/wait.h>

#include "compat/clock.h"
#include "compat/core_files.h"
#include "compat/membership.h"
#include "compat/spawn.h"
#include "log.h"

struct release_watch {
        char *v2_path; /* relative to the tree root: v2 paths never change, legacy names may */
        bool pending;  /* queued for release */
};

/* Of an unpopulated group: does the view release it, having flagged it and holding no child groups of it? */
static int releasable_in_view(const struct compat_tree *t, int fd, const char *view_key) {
        int r = tree_get_view_flag(t, fd, STATE_NOTIFY_ON_RELEASE, view_key);
        if (r > 0)
                r = membership_held(t, fd, view_key);
        if (r > 0)
                r = tree_has_children(t, fd, view_key);
        else
                return r;
        return r < 0 ? r : !r;
}

/* Is the group abandoned in some view that flagged it? Each view counts only its own child groups. */
static int group_releasable(const struct release *rel, int fd) {
        const struct compat_tree *t = rel->tree;
        int r = tree_get_flag(t, fd, STATE_NOTIFY_ON_RELEASE);
        if (r <= 0)
                return r;
        r = t->backend->populated(fd);
        if (r != 0)
                return r < 0 ? r : 0;
        for (size_t i = 0; i < rel->n_views; i++) {
                r = releasable_in_view(t, fd, rel->views[i].settings.key);
                if (r != 0)
                        return r;
        }
        return 0;
}

static void run_agent(struct release *r, const char *agent, const char *path) {
        static char *const envp[] = { "HOME=/", "PATH=/sbin:/bin:/usr/sbin:/usr/bin", NULL };
        char *argv[] = { (char *) agent, (char *) path, NULL };
        pid_t pid;
        /* Like a usermode helper: no inherited fds, signals or session. */
        int e = spawn_detached(agent, argv, envp, &pid);

        if (e < 0) {
                r->agents_failed++;
                log_warning_errno(e, agent, "cannot run the release agent for %s", path);
                return;
        }
        r->agents_started++;
        log_debug(path, "released: started %s as pid %d", agent, (int) pid);
}

static void release_group(struct release *r, int fd) {
        char path[PATH_MAX];
        int e;

        e = tree_legacy_path(r->tree, fd, path, sizeof(path));
        if (e < 0) {
                log_warning_errno(e, "release", "cannot name a released group");
                return;
        }
        for (size_t i = 0; i < r->n_views; i++) {
                char agent[PATH_MAX];

                const struct view_settings *view = &r->views[i].settings;
                if (releasable_in_view(r->tree, fd, view->key) <= 0 ||
                    release_agent_get(r->tree, view, agent, sizeof(agent)) < 0 || !agent[0])
                        continue;
                run_agent(r, agent, path);
        }
}

static int watch_add(struct release *r, int fd);

/*
 * A group released is marked so until it is seen in use again: the kernel
 * may announce one emptying twice (its notifications are deferred, not
 * dropped), and a restart must release only what was abandoned while no
 * daemon watched. The mark is set once the agent has started, so a crash in
 * between means a second call, never a lost one.
 */
static void check_group(struct release *r, int fd) {
        const struct backend_ops *b = r->tree->backend;
        struct stat st;
        int e, wd;

        /* Nothing fires for the root, as in the kernel. */
        if (b->stat(fd, NULL, &st) >= 0 && st.st_ino == r->tree->root_ino)
                return;
        e = group_releasable(r, fd);
        if (e == 0)
                (void) b->remove_state(fd, STATE_RELEASED);
        if (e < 0 && e != -ENOENT && e != -ENODEV)
                log_warning_errno(e, "release", "cannot check a flagged group");
        if (e <= 0 || tree_get_flag(r->tree, fd, STATE_RELEASED) > 0)
                return;

        /* Agents start from the event loop, so requests are served while many wait. */
        wd = watch_add(r, fd);
        if (wd < 0 || r->watches[wd]->pending)
                return;
        if (r->queue_len == r->queue_size) {
                size_t n = r->queue_size ? r->queue_size * 2 : 64;
                int *q = realloc(r->queue, n * sizeof(int));
                if (!q)
                        return;
                r->queue = q;
                r->queue_size = n;
        }
        r->queue[r->queue_len++] = wd;
        r->watches[wd]->pending = true;
}

/* check_group() for the group of a watch, by its v2 path; false if the group is gone. */
static bool check_watched(struct release *r, const struct release_watch *w) {
        _cleanup_close_ int fd = openat(r->tree->root_fd, w->v2_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return false;
        check_group(r, fd);
        return true;
}

size_t release_run_pending(struct release *r, size_t max) {
        size_t done = 0;

        while (r->queue_head < r->queue_len && done < max) {
                int wd = r->queue[r->queue_head++];
                struct release_watch *w = r->watches[wd];
                if (!w)
                        continue; /* the group is gone */
                w->pending = false;
                _cleanup_close_ int fd = openat(r->tree->root_fd, w->v2_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                /* Still abandoned? A task may have come back since. */
                if (fd < 0 || group_releasable(r, fd) <= 0 || tree_get_flag(r->tree, fd, STATE_RELEASED) > 0)
                        continue;
                release_group(r, fd);
                (void) tree_set_flag(r->tree, fd, STATE_RELEASED, true);
                done++;
        }
        if (r->queue_head == r->queue_len)
                r->queue_head = r->queue_len = 0;
        return r->queue_len - r->queue_head;
}

/* inotify takes a path; @rel names the group for later, as v2 paths never change. */
static int watch_events_file(struct release *r, int fd, char rel[static PATH_MAX]) {
        char events[2 * PATH_MAX];
        int e = tree_v2_path(r->tree, fd, rel, PATH_MAX);
        if (e < 0)
                return e;
        e = snprintf(events, sizeof(events), "%s/%s/cgroup.events", r->tree->root_path, rel);
        if (e < 0 || (size_t) e >= sizeof(events))
                return -ENAMETOOLONG;
        int wd = inotify_add_watch(r->inotify_fd, events, IN_MODIFY);
        if (wd < 0)
                return log_warning_errno(negative_errno(), events, "cannot watch");
        return wd;
}

/* Returns the watch descriptor. */
static int watch_add(struct release *r, int fd) {
        char rel[PATH_MAX];
        int wd = watch_events_file(r, fd, rel);
        if (wd < 0)
                return wd;
        if ((size_t) wd >= r->n_watches) {
                size_t n = r->n_watches ? r->n_watches : 64;
                while (n <= (size_t) wd)
                        n *= 2;
                struct release_watch **w = realloc(r->watches, n * sizeof(*w));
                if (!w)
                        return -ENOMEM;
                memset(w + r->n_watches, 0, (n - r->n_watches) * sizeof(*w));
                r->watches = w;
                r->n_watches = n;
        }
        if (r->watches[wd])
                return wd; /* inotify gives one watch per inode */
        struct release_watch *w = calloc(1, sizeof(*w));
        if (!w || !(w->v2_path = strdup(rel))) {
                free(w);
                inotify_rm_watch(r->inotify_fd, wd);
                return -ENOMEM;
        }
        r->watches[wd] = w;
        return wd;
}

static void watch_drop(struct release *r, int wd) {
        if (wd < 0 || (size_t) wd >= r->n_watches || !r->watches[wd])
                return;
        free(r->watches[wd]->v2_path);
        free(r->watches[wd]);
        r->watches[wd] = NULL;
}

static void watch_remove(struct release *r, int fd) {
        char rel[PATH_MAX];
        /* Adding again returns the existing descriptor, which is how inotify names it. */
        int wd = watch_events_file(r, fd, rel);
        if (wd < 0)
                return;
        inotify_rm_watch(r->inotify_fd, wd);
        watch_drop(r, wd);
}

void release_notify_changed(struct release *r, int fd, bool on) {
        if (on)
                (void) watch_add(r, fd);
        else
                watch_remove(r, fd);
}

void release_child_removed(struct release *r, int parent_fd) {
        check_group(r, parent_fd);
}

/* CGROUP_FILE_NOTIFY_MIN_INTV is 10 ms, rounded up to whole jiffies (12 ms at HZ=250). */
#define RECHECK_WINDOW_NS (15 * 1000000LL)
#define RECHECK_INTERVAL_NS (1000000LL)
/* Beyond that many groups at once (a storm of attaches), the kernel's late events serve: bounded work. */
#define RECHECKS_MAX 16

void release_attached(struct release *r, int fd) {
        if (tree_get_flag(r->tree, fd, STATE_NOTIFY_ON_RELEASE) <= 0)
                return;
        int wd = watch_add(r, fd);
        if (wd < 0)
                return;
        int64_t now = monotonic_ns(), until = now + RECHECK_WINDOW_NS;
        for (size_t i = 0; i < r->n_rechecks; i++)
                if (r->rechecks[i].wd == wd) {
                        r->rechecks[i].until_ns = until;
                        return;
                }
        if (r->n_rechecks == RECHECKS_MAX)
                return;
        if (r->n_rechecks == r->rechecks_size) {
                size_t n = r->rechecks_size ? r->rechecks_size * 2 : 16;
                struct release_recheck *c = realloc(r->rechecks, n * sizeof(*c));
                if (!c)
                        return; /* the kernel's own event comes, only later */
                r->rechecks = c;
                r->rechecks_size = n;
        }
        if (r->n_rechecks == 0)
                r->rechecked_ns = now;
        r->rechecks[r->n_rechecks++] = (struct release_recheck) { .wd = wd, .until_ns = until };
}

int release_recheck_timeout(const struct release *r) {
        return r->n_rechecks > 0 ? 1 : -1;
}

void release_recheck(struct release *r) {
        int64_t now = monotonic_ns();
        size_t kept = 0;

        if (r->n_rechecks == 0 || now - r->rechecked_ns < RECHECK_INTERVAL_NS)
                return;
        r->rechecked_ns = now;
        for (size_t i = 0; i < r->n_rechecks; i++) {
                struct release_recheck c = r->rechecks[i];
                struct release_watch *w = (size_t) c.wd < r->n_watches ? r->watches[c.wd] : NULL;
                if (!w)
                        continue; /* the group is gone or no longer flagged */
                if (check_watched(r, w) && c.until_ns > now && !w->pending)
                        r->rechecks[kept++] = c;
        }
        r->n_rechecks = kept;
}

int release_init(struct release *r, struct compat_tree *tree, struct view *views, size_t n_views) {
        *r = (struct release) { .tree = tree, .views = views, .n_views = n_views };
        r->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (r->inotify_fd < 0)
                return log_error_errno(negative_errno(), "inotify", "cannot initialise");
        return 0;
}

void release_free(struct release *r) {
        for (size_t i = 0; i < r->n_watches; i++)
                watch_drop(r, (int) i);
        free(r->watches);
        free(r->queue);
        free(r->rechecks);
        closep(&r->inotify_fd);
        r->inotify_fd = -1;
}

struct scan_ctx {
        struct release *release;
        int parent_fd;
};

static int scan_group(struct release *r, int fd);

static int scan_child(void *userdata, const char *name, const char *v2_name, ino_t ino) {
        struct scan_ctx *s = userdata;
        struct tree_child child;

        (void) ino;
        /* By v2 name: one open each, where a lookup by legacy name may scan all siblings. */
        if (strlen(v2_name) >= sizeof(child.v2_name) ||
            s->release->tree->backend->open_child(s->parent_fd, v2_name, &child.fd) < 0)
                return 0; /* gone meanwhile */
        strcpy(child.v2_name, v2_name);
        int e = tree_finish_group(s->release->tree, s->parent_fd, &child);
        if (e < 0)
                log_warning_errno(e, name, "cannot complete the group");
        if (e != 1) {
                e = scan_group(s->release, child.fd);
                if (e < 0)
                        log_warning_errno(e, name, "cannot scan the group");
        }
        close(child.fd);
        return 0; /* one group that fails must not hide its siblings */
}

static int scan_group(struct release *r, int fd) {
        struct scan_ctx s = { .release = r, .parent_fd = fd };
        int flagged = tree_get_flag(r->tree, fd, STATE_NOTIFY_ON_RELEASE);

        if (flagged > 0) {
                (void) watch_add(r, fd);
                check_group(r, fd);
        }
        return tree_for_each_child(r->tree, fd, NULL, scan_child, &s);
}

int release_scan(struct release *r) {
        return scan_group(r, r->tree->root_fd);
}

static void rescan_watched(struct release *r) {
        for (size_t wd = 0; wd < r->n_watches; wd++) {
                if (r->watches[wd])
                        (void) check_watched(r, r->watches[wd]);
        }
}

int release_process(struct release *r) {
        char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));

        for (;;) {
                ssize_t n = read(r->inotify_fd, buf, sizeof(buf));
                if (n < 0)
                        return errno == EAGAIN || errno == EINTR ? 0 : negative_errno();
                for (char *p = buf; p < buf + n;) {
                        struct inotify_event *ev = (struct inotify_event *) p;
                        p += sizeof(*ev) + ev->len;

                        if (ev->mask & IN_Q_OVERFLOW) {
                                log_warning_errno(-ENOBUFS, "inotify", "events lost, checking every flagged group");
                                rescan_watched(r);
                                continue;
                        }
                        if (ev->mask & IN_IGNORED) {
                                watch_drop(r, ev->wd);
                                continue;
                        }
                        if (ev->wd < 0 || (size_t) ev->wd >= r->n_watches || !r->watches[ev->wd])
                                continue;
                        /* Level-triggered: the kernel coalesces events, so read the state now. */
                        (void) check_watched(r, r->watches[ev->wd]);
                }
        }
}

void release_reap(struct release *r) {
        (void) r;
        while (waitpid(-1, NULL, WNOHANG) > 0)
                ;
}
