/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * compat/legacy_files.c legacy_file_write(): the checks every write goes through
 * (kernfs: an empty write is 0 without the handler; longer than the row's max_write, or
 * PAGE_SIZE, is -E2BIG whatever the bytes; admin rows need both the opener and the caller
 * to be admins; the handler gets the bytes up to the first NUL), first through a fake row
 * whose limit, admin flag and result the input chooses, then through the real rows over a
 * fake backend that records what reaches it, with callers that keep everything off /proc.
 *
 * Input: byte 0 chooses the row and the callers, bytes 1-2 the fake row's max_write and
 * result; the rest is what is written (libFuzzer's exact-size buffer: ASan sees a read past
 * it). Run with -max_len above 4096 + 3 to reach the PAGE_SIZE limit.
 */

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "compat/core_files.h"
#include "compat/legacy_file.h"
#include "fuzz_common.h"
#include "kernel_model.h"

#define KERNEL_PAGE_SIZE 4096

/* What reached the fake row, or the fake backend. */
static struct {
        unsigned calls;
        const char *buf;
        size_t len;
        const struct file_ctx *ctx;
        int result;
        unsigned backend_calls;
        int state_fd;
        char key[256];
        char value[PATH_MAX + 16];
        size_t value_len;
} seen;

static int fake_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        seen.calls++;
        seen.buf = buf;
        seen.len = len;
        seen.ctx = ctx;
        /* Touch every byte handed over: ASan reports any past the caller's buffer. */
        volatile unsigned char sum = 0;
        for (size_t i = 0; i < len; i++)
                sum ^= (unsigned char) buf[i];
        (void) sum;
        return seen.result;
}

static int fake_set_state(int fd, const char *key, const char *value, size_t size) {
        seen.backend_calls++;
        seen.state_fd = fd;
        snprintf(seen.key, sizeof(seen.key), "%s", key);
        FUZZ_CHECK(size <= sizeof(seen.value), "set_state with %zu bytes", size);
        memcpy(seen.value, value, size);
        seen.value_len = size;
        return 0;
}

static int fake_get_state(int fd, const char *key, char *buf, size_t size) {
        (void) fd, (void) key, (void) buf, (void) size;
        seen.backend_calls++;
        return -ENODATA;
}

static int fake_fail(void) {
        seen.backend_calls++;
        return -EIO;
}
static int fake_open_child(int parent_fd, const char *name, int *ret_fd) {
        (void) parent_fd, (void) name, (void) ret_fd;
        return fake_fail();
}
static int fake_make_child(int parent_fd, const char *name) {
        (void) parent_fd, (void) name;
        return fake_fail();
}
static int fake_attach(int fd, pid_t pid) {
        (void) fd, (void) pid;
        return fake_fail();
}

static const struct backend_ops fake_backend = {
        .name = "fuzz",
        .open_child = fake_open_child,
        .make_child = fake_make_child,
        .attach_process = fake_attach,
        .get_state = fake_get_state,
        .set_state = fake_set_state,
};

static struct compat_tree fake_tree = {
        .backend = &fake_backend,
        .root_fd = 1000,
        .leaf = ".tasks",
};

static const struct view_settings fake_view = {
        .key = "fuzz",
        .flavor = FLAVOR_CGROUP_V1,
        .release_agent = "/sbin/fuzz_agent",
};

static const struct legacy_file *row(const char *name) {
        for (size_t i = 0; i < legacy_file_count(); i++)
                if (!strcmp(legacy_file_at(i)->name, name))
                        return legacy_file_at(i);
        FUZZ_CHECK(0, "no row %s", name);
}

/* init_admin -1 makes legacy_file_write ask caller_is_init_admin(), which for pid 0 is 0 without /proc. */
static const int admin_states[4] = { 1, 0, -1, 1 };

static bool is_admin(const struct caller *c) {
        return c->init_admin == 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct caller opener = { .uid = 0, .pid = 0 }, caller = { .uid = 0, .pid = 0 };
        struct file_ctx ctx = { .tree = &fake_tree, .view = &fake_view, .fd = 7, .opener = &opener, .caller = &caller };
        struct legacy_file fake = { .name = "fuzz", .mode = 0644, .flavors = FLAVOR_CGROUP_V1, .write = fake_write };
        const struct legacy_file *f;
        const char *buf;
        size_t len, max, cut;
        int r;

        fuzz_set_input(data, size);
        if (size < 3)
                return 0;
        unsigned sel = data[0], b1 = data[1], b2 = data[2];
        buf = (const char *) data + 3;
        len = size - 3;

        opener.init_admin = admin_states[(sel >> 2) & 3];
        caller.init_admin = admin_states[(sel >> 4) & 3];
        memset(&seen, 0, sizeof(seen));

        switch (sel & 3) {
        case 0:
                /* max_write: 0 (PAGE_SIZE), small, or around PATH_MAX. */
                fake.max_write = b1 < 128 ? b1 : b1 < 192 ? 0 : (size_t) PATH_MAX - 96 + (b1 - 192) * 3;
                fake.admin_only = b2 & 1;
                if (b2 & 2)
                        fake.write = NULL;
                seen.result = (b2 >> 2) == 0 ? 0 : -(int) (b2 >> 2);
                f = &fake;
                break;
        case 1:
                f = row("tasks");
                break;
        case 2:
                f = row("notify_on_release");
                break;
        default:
                f = row("release_agent");
                break;
        }

        r = legacy_file_write(f, &ctx, buf, len);

        max = f->max_write ? f->max_write : KERNEL_PAGE_SIZE;
        cut = strnlen(buf, len);
        bool passes = f->write && len > 0 && len <= max && (!f->admin_only || (is_admin(&opener) && is_admin(&caller)));

        /* The checks before the row, in the kernel's order. */
        if (!f->write)
                FUZZ_CHECK(r == -EINVAL, "no write callback: %d", r);
        else if (len == 0)
                FUZZ_CHECK(r == 0, "empty write: %d", r);
        else if (len > max)
                FUZZ_CHECK(r == -E2BIG, "%zu bytes, limit %zu: %d", len, max, r);
        else if (!passes)
                FUZZ_CHECK(r == -EPERM, "admin row, opener %d caller %d: %d", opener.init_admin, caller.init_admin, r);
        if (!passes) {
                FUZZ_CHECK(seen.calls == 0 && seen.backend_calls == 0, "the row ran after a refusal");
                return 0;
        }

        /* The row's own parser and effect, on the bytes before the first NUL. */
        switch (sel & 3) {
        case 0:
                FUZZ_CHECK(seen.calls == 1, "the fake row ran %u times", seen.calls);
                FUZZ_CHECK(seen.buf == buf && seen.len == cut, "the row got [%td, +%zu), expected [0, +%zu)", seen.buf - buf,
                           seen.len, cut);
                FUZZ_CHECK(seen.ctx == &ctx, "the row got another ctx");
                FUZZ_CHECK(r == seen.result, "returned %d, the row %d", r, seen.result);
                break;
        case 1: {
                pid_t pid;
                int pr = parse_pid_write(buf, cut, &pid);
                /* A caller invisible from the daemon (pid 0) is refused once the pid parses. */
                FUZZ_CHECK(r == (pr < 0 ? -EINVAL : -EPERM), "tasks: %d, parse %d", r, pr);
                FUZZ_CHECK(seen.backend_calls == 0, "tasks reached the backend for an invisible caller");
                break;
        }
        case 2: {
                unsigned long long v;
                int mr = model_kstrtoull(buf, cut, 0, &v);
                FUZZ_CHECK(r == mr, "notify_on_release: %d, kernel model %d", r, mr);
                /* The flag is this view's: its key joins the group's set (which the fake keeps empty). */
                if (mr == 0 && v)
                        FUZZ_CHECK(seen.state_fd == ctx.fd && !strcmp(seen.key, "notify_on_release") &&
                                           seen.value_len == 6 && !memcmp(seen.value, "\nfuzz\n", 6),
                                   "notify_on_release of %llu stored \"%.*s\" under \"%s\"", v,
                                   (int) seen.value_len, seen.value, seen.key);
                else if (mr == 0)
                        FUZZ_CHECK(seen.value_len == 0, "notify_on_release 0 stored \"%.*s\" in an empty set",
                                   (int) seen.value_len, seen.value);
                else
                        FUZZ_CHECK(seen.backend_calls == 0, "notify_on_release stored a value it refused");
                break;
        }
        default: {
                size_t start, n;
                model_strstrip(buf, cut, &start, &n);
                FUZZ_CHECK(r == 0 && seen.backend_calls == 1 && seen.state_fd == fake_tree.root_fd &&
                                   !strcmp(seen.key, "release_agent.fuzz"),
                           "release_agent: %d, %u calls, fd %d key \"%s\"", r, seen.backend_calls, seen.state_fd, seen.key);
                FUZZ_CHECK(seen.value_len == n && memcmp(seen.value, buf + start, n) == 0,
                           "release_agent stored %zu bytes, expected the %zu stripped ones", seen.value_len, n);
                break;
        }
        }
        return 0;
}
