/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "invalidator.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>

#include "log.h"

struct invalidation {
        struct invalidation *next;
        struct fuse_session *session;
        fuse_ino_t parent;
        int done_fd; /* an eventfd told once the notification is written, or -1 */
        char name[];
};

static void invalidation_done(struct invalidation *i) {
        if (i->done_fd >= 0)
                (void) eventfd_write(i->done_fd, 1);
        free(i);
}

static void *run(void *userdata) {
        struct invalidator *inv = userdata;

        pthread_mutex_lock(&inv->lock);
        for (;;) {
                while (!inv->head && !inv->stopping)
                        pthread_cond_wait(&inv->wake, &inv->lock);
                struct invalidation *i = inv->head;
                if (!i)
                        break; /* stopping, and nothing left */
                inv->head = i->next;
                if (!inv->head)
                        inv->tail = &inv->head;
                inv->current = i->session;
                pthread_mutex_unlock(&inv->lock);
                if (!inv->stopping) {
                        int r = fuse_lowlevel_notify_inval_entry(i->session, i->parent, i->name, strlen(i->name));
                        /* ENOENT: that view never looked the name up; ENODEV: it is unmounted. */
                        if (r < 0 && r != -ENOENT && r != -ENODEV)
                                log_warning_errno(r, i->name, "cannot invalidate the entry in another view");
                }
                invalidation_done(i);
                pthread_mutex_lock(&inv->lock);
                inv->current = NULL;
                pthread_cond_broadcast(&inv->idle);
        }
        pthread_mutex_unlock(&inv->lock);
        return NULL;
}

int invalidator_start(struct invalidator *inv) {
        *inv = (struct invalidator) { .lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER,
                                      .idle = PTHREAD_COND_INITIALIZER };
        inv->tail = &inv->head;
        int r = pthread_create(&inv->thread, NULL, run, inv);
        if (r != 0)
                return log_error_errno(-r, "invalidator", "cannot start the thread");
        inv->started = true;
        return 0;
}

void invalidator_entry(struct invalidator *inv, struct fuse_session *session, fuse_ino_t parent, const char *name) {
        invalidator_entry_then(inv, session, parent, name, -1);
}

void invalidator_entry_then(struct invalidator *inv, struct fuse_session *session, fuse_ino_t parent, const char *name,
                            int done_fd) {
        size_t len = strlen(name);

        if (!inv->started) {
                if (done_fd >= 0)
                        (void) eventfd_write(done_fd, 1);
                return;
        }
        struct invalidation *i = malloc(sizeof(*i) + len + 1);
        if (!i) {
                inv->dropped++;
                if (done_fd >= 0)
                        (void) eventfd_write(done_fd, 1);
                return;
        }
        *i = (struct invalidation) { .session = session, .parent = parent, .done_fd = done_fd };
        memcpy(i->name, name, len + 1);
        pthread_mutex_lock(&inv->lock);
        *inv->tail = i;
        inv->tail = &i->next;
        pthread_cond_signal(&inv->wake);
        pthread_mutex_unlock(&inv->lock);
}

void invalidator_stop(struct invalidator *inv) {
        if (!inv->started)
                return;
        pthread_mutex_lock(&inv->lock);
        inv->stopping = true;
        pthread_cond_signal(&inv->wake);
        pthread_mutex_unlock(&inv->lock);
        pthread_join(inv->thread, NULL);
        inv->started = false;
}

void invalidator_forget_session(struct invalidator *inv, struct fuse_session *session) {
        if (!inv->started)
                return;
        pthread_mutex_lock(&inv->lock);
        for (struct invalidation **p = &inv->head; *p;) {
                struct invalidation *i = *p;
                if (i->session != session) {
                        p = &i->next;
                        continue;
                }
                *p = i->next;
                invalidation_done(i);
        }
        inv->tail = &inv->head;
        while (*inv->tail)
                inv->tail = &(*inv->tail)->next;
        while (inv->current == session)
                pthread_cond_wait(&inv->idle, &inv->lock);
        pthread_mutex_unlock(&inv->lock);
}
