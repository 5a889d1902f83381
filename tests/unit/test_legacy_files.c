/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * compat/legacy_files.c: which rows a view shows, and the checks every write goes
 * through before a row's parser sees it (kernfs_fop_write_iter: a write longer than
 * the file's atomic_write_len, PAGE_SIZE or cftype.max_write_len, is -E2BIG; the
 * handler gets a C string, so the first NUL ends the value).
 */

#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "compat/legacy_file.h"

/* What reached the fake row's write callback. */
static struct {
        unsigned calls;
        const char *buf;
        size_t len;
        const struct file_ctx *ctx;
        char copy[8192];
        int result;
} seen;

static int fake_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        seen.calls++;
        seen.buf = buf;
        seen.len = len;
        seen.ctx = ctx;
        if (len <= sizeof(seen.copy))
                memcpy(seen.copy, buf, len);
        return seen.result;
}

static void reset(void) {
        memset(&seen, 0, sizeof(seen));
}

static const struct legacy_file page_row = {
        .name = "fake_page",
        .mode = 0644,
        .flavors = FLAVOR_CGROUP_V1,
        .write = fake_write,
};

static const struct legacy_file small_row = {
        .name = "fake_small",
        .mode = 0644,
        .flavors = FLAVOR_CGROUP_V1,
        .max_write = 10,
        .write = fake_write,
};

static const struct legacy_file read_only_row = {
        .name = "fake_ro",
        .mode = 0444,
        .flavors = FLAVOR_CGROUP_V1,
};

static const struct legacy_file admin_row = {
        .name = "fake_admin",
        .mode = 0644,
        .flavors = FLAVOR_CGROUP_V1,
        .admin_only = true,
        .max_write = 10,
        .write = fake_write,
};

/* A ctx whose tree and view are never touched by the checks under test. */
static struct caller opener = { .uid = 0, .pid = 1, .init_admin = 1 };
static struct caller caller = { .uid = 0, .pid = 1, .init_admin = 1 };
static const struct file_ctx ctx = { .fd = -1, .opener = &opener, .caller = &caller };

/* @len bytes of @c in an exact-size heap buffer, so ASan sees any read past it. */
static char *filled(char c, size_t len) {
        char *b = malloc(len ? len : 1);
        cr_assert_not_null(b);
        memset(b, c, len);
        return b;
}

Test(legacy_file_write, page_size_limit) {
        char *b = filled('7', 4097);

        reset();
        seen.result = 0;
        cr_assert_eq(legacy_file_write(&page_row, &ctx, b, 4096), 0);
        cr_assert_eq(seen.calls, 1);
        cr_assert_eq(seen.buf, b);
        cr_assert_eq(seen.len, 4096);
        cr_assert_eq(seen.ctx, &ctx);

        reset();
        cr_assert_eq(legacy_file_write(&page_row, &ctx, b, 4097), -E2BIG);
        cr_assert_eq(seen.calls, 0);
        free(b);

        char *big = filled('7', 1 << 20);
        cr_assert_eq(legacy_file_write(&page_row, &ctx, big, 1 << 20), -E2BIG);
        cr_assert_eq(seen.calls, 0);
        free(big);
}

Test(legacy_file_write, max_write_limit) {
        char *b = filled('1', 11);

        reset();
        cr_assert_eq(legacy_file_write(&small_row, &ctx, b, 10), 0);
        cr_assert_eq(seen.calls, 1);
        cr_assert_eq(seen.len, 10);
        cr_assert_eq(memcmp(seen.copy, "1111111111", 10), 0);

        reset();
        cr_assert_eq(legacy_file_write(&small_row, &ctx, b, 11), -E2BIG);
        cr_assert_eq(seen.calls, 0);
        free(b);
}

/* The limit counts every byte written, those after a NUL too. */
Test(legacy_file_write, limit_counts_bytes_after_nul) {
        const char eleven[11] = "1\0" "234567890";

        reset();
        cr_assert_eq(legacy_file_write(&small_row, &ctx, eleven, 11), -E2BIG);
        cr_assert_eq(seen.calls, 0);
        cr_assert_eq(legacy_file_write(&small_row, &ctx, eleven, 10), 0);
        cr_assert_eq(seen.calls, 1);
        cr_assert_eq(seen.len, 1);
}

/* Measured on this machine's v1: write(fd, "", 0) on tasks and notify_on_release returns 0. */
Test(legacy_file_write, empty_write_returns_zero_without_the_row) {
        reset();
        seen.result = -EIO;
        cr_assert_eq(legacy_file_write(&page_row, &ctx, "", 0), 0);
        cr_assert_eq(legacy_file_write(&small_row, &ctx, "x", 0), 0);
        cr_assert_eq(legacy_file_write(&admin_row, &ctx, "x", 0), 0);
        cr_assert_eq(seen.calls, 0);
}

Test(legacy_file_write, nul_ends_the_value) {
        reset();
        cr_assert_eq(legacy_file_write(&page_row, &ctx, "12\0ab", 5), 0);
        cr_assert_eq(seen.calls, 1);
        cr_assert_eq(seen.len, 2);
        cr_assert_eq(memcmp(seen.copy, "12", 2), 0);

        /* A write starting with NUL hands the row an empty value, as the kernel does. */
        reset();
        cr_assert_eq(legacy_file_write(&page_row, &ctx, "\0" "1", 2), 0);
        cr_assert_eq(seen.calls, 1);
        cr_assert_eq(seen.len, 0);

        reset();
        cr_assert_eq(legacy_file_write(&page_row, &ctx, "1\n\0\n", 4), 0);
        cr_assert_eq(seen.len, 2);
        cr_assert_eq(memcmp(seen.copy, "1\n", 2), 0);

        /* No NUL: all of it, and nothing past it is read (exact-size buffer). */
        char *b = filled('5', 7);
        reset();
        cr_assert_eq(legacy_file_write(&page_row, &ctx, b, 7), 0);
        cr_assert_eq(seen.len, 7);
        free(b);
}

Test(legacy_file_write, row_result_passes_through) {
        reset();
        seen.result = -EINVAL;
        cr_assert_eq(legacy_file_write(&page_row, &ctx, "x", 1), -EINVAL);
        seen.result = -ESRCH;
        cr_assert_eq(legacy_file_write(&page_row, &ctx, "x", 1), -ESRCH);
        seen.result = -EACCES;
        cr_assert_eq(legacy_file_write(&page_row, &ctx, "x", 1), -EACCES);
        cr_assert_eq(seen.calls, 3);
}

Test(legacy_file_write, no_write_callback) {
        reset();
        cr_assert_eq(legacy_file_write(&read_only_row, &ctx, "1", 1), -EACCES);
        cr_assert_eq(seen.calls, 0);
}

/* release_agent and its kind: CAP_SYS_ADMIN in the initial user namespace (CVE-2022-0492). */
Test(legacy_file_write, admin_only) {
        struct caller admin = { .uid = 0, .pid = 1, .init_admin = 1 };
        struct caller user = { .uid = 1000, .pid = 1, .init_admin = 0 };
        struct file_ctx both_admin = { .fd = -1, .opener = &admin, .caller = &admin };
        struct file_ctx opener_user = { .fd = -1, .opener = &user, .caller = &admin };
        struct file_ctx caller_user = { .fd = -1, .opener = &admin, .caller = &user };
        struct file_ctx both_user = { .fd = -1, .opener = &user, .caller = &user };

        reset();
        cr_assert_eq(legacy_file_write(&admin_row, &both_admin, "/bin/x", 6), 0);
        cr_assert_eq(seen.calls, 1);
        cr_assert_eq(seen.len, 6);

        reset();
        cr_assert_eq(legacy_file_write(&admin_row, &opener_user, "/bin/x", 6), -EPERM);
        /* DESIGN.md invariant 5: an fd opened by an admin grants an unprivileged writer nothing. */
        cr_assert_eq(legacy_file_write(&admin_row, &caller_user, "/bin/x", 6), -EPERM);
        cr_assert_eq(legacy_file_write(&admin_row, &both_user, "/bin/x", 6), -EPERM);
        cr_assert_eq(seen.calls, 0);

        /* kernfs refuses the length before the handler checks capabilities. */
        cr_assert_eq(legacy_file_write(&admin_row, &both_user, "/bin/xxxxxx", 11), -E2BIG);
        cr_assert_eq(seen.calls, 0);
}

static const struct legacy_file *row(const char *name) {
        for (size_t i = 0; i < legacy_files_count; i++)
                if (!strcmp(legacy_files[i].name, name))
                        return &legacy_files[i];
        cr_assert_fail("no row %s", name);
        return NULL;
}

/* The real rows: their size limits act before their parsers, which fail before any I/O. */
Test(legacy_file_write, real_rows_limits) {
        char *spaces = filled(' ', PATH_MAX + 1);

        /* tasks: PAGE_SIZE. 4096 spaces pass the limit and are then no pid (strstrip, kstrtoint). */
        cr_assert_eq(legacy_file_write(row("tasks"), &ctx, spaces, 4097), -E2BIG);
        cr_assert_eq(legacy_file_write(row("tasks"), &ctx, spaces, 4096), -EINVAL);
        cr_assert_eq(legacy_file_write(row("tasks"), &ctx, "-1\n", 3), -EINVAL);
        cr_assert_eq(legacy_file_write(row("tasks"), &ctx, "1 2", 3), -EINVAL);

        /* notify_on_release: PAGE_SIZE, then kstrtoull without stripping. */
        cr_assert_eq(legacy_file_write(row("notify_on_release"), &ctx, spaces, 4097), -E2BIG);
        cr_assert_eq(legacy_file_write(row("notify_on_release"), &ctx, spaces, 4096), -EINVAL);
        cr_assert_eq(legacy_file_write(row("notify_on_release"), &ctx, " 1", 2), -EINVAL);
        cr_assert_eq(legacy_file_write(row("notify_on_release"), &ctx, "99999999999999999999", 20), -ERANGE);
        cr_assert_eq(legacy_file_write(row("notify_on_release"), &ctx, "\0" "1", 2), -EINVAL);

        /* release_agent: cgroup1_base_files' .max_write_len = PATH_MAX - 1. */
        cr_assert_eq(legacy_file_write(row("release_agent"), &ctx, spaces, PATH_MAX), -E2BIG);
        cr_assert_eq(legacy_file_write(row("release_agent"), &ctx, spaces, PATH_MAX + 1), -E2BIG);
        free(spaces);
}

/* The rows as cgroup1_base_files declares them (modes as on this machine's v1 mount). */
Test(legacy_files, rows) {
        const struct legacy_file *tasks = row("tasks");
        const struct legacy_file *nor = row("notify_on_release");
        const struct legacy_file *agent = row("release_agent");

        cr_assert_eq(tasks->mode, 0644);
        cr_assert_eq(tasks->place, IN_EVERY_GROUP);
        cr_assert_eq(tasks->admin_only, false);
        cr_assert_eq(tasks->max_write, 0);
        cr_assert_not_null(tasks->read);
        cr_assert_not_null(tasks->write);

        cr_assert_eq(nor->mode, 0644);
        cr_assert_eq(nor->place, IN_EVERY_GROUP);
        cr_assert_eq(nor->admin_only, false);
        cr_assert_eq(nor->max_write, 0);
        cr_assert_not_null(nor->read);
        cr_assert_not_null(nor->write);

        cr_assert_eq(agent->mode, 0644);
        cr_assert_eq(agent->place, IN_ROOT_ONLY);
        cr_assert_eq(agent->admin_only, true);
        cr_assert_eq(agent->max_write, PATH_MAX - 1);
        cr_assert_not_null(agent->read);
        cr_assert_not_null(agent->write);

        for (size_t i = 0; i < legacy_files_count; i++) {
                cr_assert_eq(legacy_file_index(&legacy_files[i]), i);
                for (size_t j = 0; j < i; j++)
                        cr_assert_str_neq(legacy_files[i].name, legacy_files[j].name);
        }
}

Test(legacy_file_find, cgroup_v1) {
        const struct legacy_file *f;

        f = legacy_file_find(FLAVOR_CGROUP_V1, true, "tasks");
        cr_assert_not_null(f);
        cr_assert_str_eq(f->name, "tasks");
        cr_assert_eq(f, row("tasks"));
        cr_assert_eq(legacy_file_find(FLAVOR_CGROUP_V1, false, "tasks"), row("tasks"));
        cr_assert_eq(legacy_file_find(FLAVOR_CGROUP_V1, true, "notify_on_release"), row("notify_on_release"));
        cr_assert_eq(legacy_file_find(FLAVOR_CGROUP_V1, false, "notify_on_release"), row("notify_on_release"));
        /* CFTYPE_ONLY_ON_ROOT */
        cr_assert_eq(legacy_file_find(FLAVOR_CGROUP_V1, true, "release_agent"), row("release_agent"));
        cr_assert_null(legacy_file_find(FLAVOR_CGROUP_V1, false, "release_agent"));
}

Test(legacy_file_find, container) {
        cr_assert_eq(legacy_file_find(FLAVOR_CONTAINER, true, "tasks"), row("tasks"));
        cr_assert_eq(legacy_file_find(FLAVOR_CONTAINER, false, "tasks"), row("tasks"));
        cr_assert_eq(legacy_file_find(FLAVOR_CONTAINER, true, "notify_on_release"), row("notify_on_release"));
        cr_assert_eq(legacy_file_find(FLAVOR_CONTAINER, false, "notify_on_release"), row("notify_on_release"));
        cr_assert_null(legacy_file_find(FLAVOR_CONTAINER, false, "release_agent"));
}

Test(legacy_file_find, unknown_names) {
        const char *names[] = {
                "", "task", "tasks ", " tasks", "tasks\n", "Tasks", "TASKS", "tasks/", "tasksx",
                "notify_on_releas", "notify_on_release2", "cgroup.procs", ".", "..", "release_agent ",
                ".tasks", "cgroup.clone_children",
        };

        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                for (int root = 0; root < 2; root++) {
                        cr_assert_null(legacy_file_find(FLAVOR_CGROUP_V1, root, names[i]), "found \"%s\"", names[i]);
                        cr_assert_null(legacy_file_find(FLAVOR_CONTAINER, root, names[i]), "found \"%s\"", names[i]);
                }
        /* A view of no flavour shows nothing. */
        cr_assert_null(legacy_file_find(0, true, "tasks"));
        cr_assert_null(legacy_file_find(0, false, "notify_on_release"));
}

/* find and visible agree for every row, flavour and place. */
Test(legacy_file_find, agrees_with_visible) {
        const enum view_flavor flavors[] = { FLAVOR_CONTAINER, FLAVOR_CGROUP_V1 };

        for (size_t i = 0; i < legacy_files_count; i++)
                for (size_t k = 0; k < ELEMENTSOF(flavors); k++)
                        for (int root = 0; root < 2; root++) {
                                const struct legacy_file *f = &legacy_files[i];
                                bool visible = legacy_file_visible(f, flavors[k], root);
                                cr_assert_eq(legacy_file_find(flavors[k], root, f->name), visible ? f : NULL);
                                cr_assert_eq(visible, (f->flavors & flavors[k]) != 0 &&
                                                              (f->place == IN_EVERY_GROUP || root));
                        }
}

Test(legacy_file_visible, fake_rows) {
        static const struct legacy_file both = {
                .name = "both", .flavors = FLAVOR_CONTAINER | FLAVOR_CGROUP_V1
        };
        static const struct legacy_file v1_root = {
                .name = "v1_root", .flavors = FLAVOR_CGROUP_V1, .place = IN_ROOT_ONLY
        };
        static const struct legacy_file container_only = { .name = "c", .flavors = FLAVOR_CONTAINER };

        cr_assert(legacy_file_visible(&both, FLAVOR_CONTAINER, false));
        cr_assert(legacy_file_visible(&both, FLAVOR_CGROUP_V1, true));
        cr_assert(legacy_file_visible(&v1_root, FLAVOR_CGROUP_V1, true));
        cr_assert_not(legacy_file_visible(&v1_root, FLAVOR_CGROUP_V1, false));
        cr_assert_not(legacy_file_visible(&v1_root, FLAVOR_CONTAINER, true));
        cr_assert(legacy_file_visible(&container_only, FLAVOR_CONTAINER, true));
        cr_assert(legacy_file_visible(&container_only, FLAVOR_CONTAINER, false));
        cr_assert_not(legacy_file_visible(&container_only, FLAVOR_CGROUP_V1, true));
        cr_assert_not(legacy_file_visible(&container_only, FLAVOR_CGROUP_V1, false));
        cr_assert_not(legacy_file_visible(&both, 0, true));
}
