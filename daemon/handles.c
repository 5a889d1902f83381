/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "handles.h"

#include <assert.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "compat/macro.h"

#define HANDLES_MAGIC "cgchdl01"
#define INITIAL_SLOTS 1024
#define MAX_SLOTS (1u << 24) /* 256 MiB of records: more files than a machine holds open */

struct handles_header {
        char magic[8];
        uint64_t n_slots;
};

static struct handle_record *records(const struct handle_table *t) {
        return (struct handle_record *) ((char *) t->map + sizeof(struct handles_header));
}

static size_t map_size(size_t n_slots) {
        return sizeof(struct handles_header) + n_slots * sizeof(struct handle_record);
}

/* Makes this process's side (state, free stack) match @n slots, slots from @from on being new. */
static int grow_local(struct handle_table *t, size_t from, size_t n) {
        void **state = realloc(t->state, n * sizeof(void *));
        if (!state)
                return -ENOMEM;
        t->state = state;
        const void **owner = realloc(t->owner, n * sizeof(void *));
        if (!owner)
                return -ENOMEM;
        t->owner = owner;
        size_t *free_slots = realloc(t->free_slots, n * sizeof(size_t));
        if (!free_slots)
                return -ENOMEM;
        t->free_slots = free_slots;
        for (size_t i = from; i < n; i++) {
                t->state[i] = NULL;
                t->owner[i] = NULL;
        }
        /* Pushed from the top, so the lowest slots are handed out first. */
        for (size_t i = n; i > from; i--)
                if (records(t)[i - 1].kind == HANDLE_FREE)
                        t->free_slots[t->n_free++] = i - 1;
        return 0;
}

static int map(struct handle_table *t, size_t n_slots) {
        void *m = t->map ? mremap(t->map, map_size(t->n_slots), map_size(n_slots), MREMAP_MAYMOVE)
                         : mmap(NULL, map_size(n_slots), PROT_READ | PROT_WRITE, MAP_SHARED, t->fd, 0);
        if (m == MAP_FAILED)
                return negative_errno();
        t->map = m;
        return 0;
}

int handle_table_init(struct handle_table *t, int fd) {
        struct handles_header *h;
        struct stat st;
        size_t n_slots = INITIAL_SLOTS;
        bool inherited = fd >= 0;
        int r;

        *t = (struct handle_table) { .fd = fd };
        if (!inherited) {
                t->fd = memfd_create("cgcompat-handles", MFD_CLOEXEC);
                if (t->fd < 0)
                        return negative_errno();
                if (ftruncate(t->fd, (off_t) map_size(n_slots)) < 0)
                        goto fail_errno;
        } else {
                if (fstat(t->fd, &st) < 0)
                        goto fail_errno;
                struct handles_header header;
                if ((size_t) st.st_size < sizeof(header) || pread(t->fd, &header, sizeof(header), 0) != sizeof(header) ||
                    memcmp(header.magic, HANDLES_MAGIC, sizeof(header.magic)) || header.n_slots > MAX_SLOTS ||
                    map_size(header.n_slots) > (size_t) st.st_size) {
                        r = -EBADMSG;
                        goto fail;
                }
                n_slots = header.n_slots;
        }
        r = map(t, n_slots);
        if (r < 0)
                goto fail;
        t->n_slots = n_slots;
        h = t->map;
        if (!inherited) {
                memcpy(h->magic, HANDLES_MAGIC, sizeof(h->magic));
                h->n_slots = n_slots;
        }
        r = grow_local(t, 0, n_slots);
        if (r < 0)
                goto fail;
        return 0;

fail_errno:
        r = negative_errno();
fail:
        handle_table_free(t, NULL);
        return r;
}

void handle_table_free(struct handle_table *t, void (*free_state)(enum handle_kind kind, void *state)) {
        for (size_t i = 0; free_state && t->state && i < t->n_slots; i++)
                if (t->state[i])
                        free_state(records(t)[i].kind, t->state[i]);
        if (t->map)
                munmap(t->map, map_size(t->n_slots));
        closep(&t->fd);
        free(t->state);
        free(t->owner);
        free(t->free_slots);
        *t = (struct handle_table) { .fd = -1 };
}

static int grow(struct handle_table *t) {
        size_t n = t->n_slots * 2;
        int r;

        if (n > MAX_SLOTS)
                return -EMFILE;
        /* The file grows first: a daemon inheriting it never sees a header beyond its end. */
        if (ftruncate(t->fd, (off_t) map_size(n)) < 0)
                return negative_errno();
        r = map(t, n);
        if (r < 0)
                return r;
        ((struct handles_header *) t->map)->n_slots = n;
        size_t old = t->n_slots;
        t->n_slots = n;
        return grow_local(t, old, n);
}

int handle_table_add(struct handle_table *t, enum handle_kind kind, const struct caller *opener, void *state,
                     uint64_t *ret) {
        int r;

        assert(kind != HANDLE_FREE);
        if (t->n_free == 0) {
                r = grow(t);
                if (r < 0)
                        return r;
        }
        size_t slot = t->free_slots[--t->n_free];
        records(t)[slot] = (struct handle_record) {
                .kind = kind, .uid = opener->uid, .gid = opener->gid, .init_admin = opener->init_admin,
        };
        t->state[slot] = state;
        *ret = slot;
        return 0;
}

int handle_table_get(struct handle_table *t, uint64_t fh, enum handle_kind kind, struct caller *ret_opener,
                     void ***ret_state) {
        if (fh >= t->n_slots || records(t)[fh].kind != kind)
                return -EBADF;
        const struct handle_record *rec = &records(t)[fh];
        if (ret_opener)
                *ret_opener = (struct caller) { .uid = rec->uid, .gid = rec->gid, .init_admin = rec->init_admin };
        *ret_state = &t->state[fh];
        return 0;
}

void *handle_table_remove(struct handle_table *t, uint64_t fh) {
        if (fh >= t->n_slots || records(t)[fh].kind == HANDLE_FREE)
                return NULL;
        void *state = t->state[fh];
        records(t)[fh] = (struct handle_record) {};
        t->state[fh] = NULL;
        t->owner[fh] = NULL;
        t->free_slots[t->n_free++] = fh;
        return state;
}

void handle_table_set_owner(struct handle_table *t, uint64_t fh, const void *owner) {
        if (fh < t->n_slots)
                t->owner[fh] = owner;
}

size_t handle_table_drop(struct handle_table *t, const void *owner, void (*free_state)(enum handle_kind kind, void *state)) {
        size_t n = 0;

        for (size_t i = 0; owner && i < t->n_slots; i++) {
                if (t->owner[i] != owner || records(t)[i].kind == HANDLE_FREE)
                        continue;
                enum handle_kind kind = records(t)[i].kind;
                void *state = handle_table_remove(t, i);
                if (state && free_state)
                        free_state(kind, state);
                n++;
        }
        return n;
}
