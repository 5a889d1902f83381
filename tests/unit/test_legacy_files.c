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
        cr_assert_eq(legacy_file_write(&read_only_row, &ctx, "1", 1), -EINVAL);
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
        for (size_t i = 0; i < legacy_file_count(); i++)
                if (!strcmp(legacy_file_at(i)->name, name))
                        return legacy_file_at(i);
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
/* The flavours that can show a row: a subsystem's rows show in cgroup-v1 views only. */
static unsigned shown_by(const struct legacy_file *f) {
        return legacy_file_subsys(f) == SUBSYS_NONE ? f->flavors : FLAVOR_CGROUP_V1;
}

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

        /* Two rows may share a name (cgroup.procs of v1 and of cgroup2) if no view shows both. */
        for (size_t i = 0; i < legacy_file_count(); i++) {
                const struct legacy_file *f = legacy_file_at(i);
                cr_assert_eq(legacy_file_index(f), i);
                for (size_t j = 0; j < i; j++)
                        if (!strcmp(f->name, legacy_file_at(j)->name))
                                cr_assert_eq(shown_by(f) & shown_by(legacy_file_at(j)), 0, "%s twice", f->name);
        }
        cr_assert_lt(legacy_file_count(), LEGACY_ROWS_MAX + 1);
        cr_assert_null(legacy_file_at(legacy_file_count()));
}

/* A subsystem's files carry its name as their prefix, or the core's "cgroup.", which legacy_file_find() relies on. */
Test(legacy_files, subsystem_prefixes) {
        for (int s = 0; s < SUBSYS__COUNT; s++) {
                const struct subsystem *sub = subsystem_get(s);
                cr_assert_eq(subsystem_by_name(sub->name), s);
                for (size_t k = 0; k < sub->n_files; k++) {
                        const struct legacy_file *f = &sub->files[k];
                        bool core_name = !strncmp(f->name, "cgroup.", 7);
                        cr_assert(core_name || (!strncmp(f->name, sub->name, strlen(sub->name)) &&
                                                f->name[strlen(sub->name)] == '.'),
                                  "%s is not a %s file", f->name, sub->name);
                        cr_assert_eq(legacy_file_subsys(f), s);
                        cr_assert(f->read || f->write, "%s neither reads nor writes", f->name);
                        cr_assert(!f->write || (f->mode & 0200), "%s writes but has mode %o", f->name, f->mode);
                        cr_assert(f->write || !(f->mode & 0222), "%s has mode %o and no write", f->name, f->mode);
                }
        }
        cr_assert_eq(subsystem_by_name("cpu,cpuacct"), -ENOENT);
        cr_assert_eq(subsystem_by_name(""), -ENOENT);
}

static const struct view_settings v1_view = { .key = "cpu", .flavor = FLAVOR_CGROUP_V1 };
static const struct view_settings container_view = { .key = "container", .flavor = FLAVOR_CONTAINER };
static const struct view_settings no_view = { .key = "none" };

Test(legacy_file_find, cgroup_v1) {
        const struct legacy_file *f;

        f = legacy_file_find(&v1_view, true, "tasks");
        cr_assert_not_null(f);
        cr_assert_str_eq(f->name, "tasks");
        cr_assert_eq(f, row("tasks"));
        cr_assert_eq(legacy_file_find(&v1_view, false, "tasks"), row("tasks"));
        cr_assert_eq(legacy_file_find(&v1_view, true, "notify_on_release"), row("notify_on_release"));
        cr_assert_eq(legacy_file_find(&v1_view, false, "notify_on_release"), row("notify_on_release"));
        cr_assert_eq(legacy_file_find(&v1_view, false, "cgroup.procs"), row("cgroup.procs"));
        cr_assert_eq(legacy_file_find(&v1_view, true, "cgroup.clone_children"), row("cgroup.clone_children"));
        /* CFTYPE_ONLY_ON_ROOT */
        cr_assert_eq(legacy_file_find(&v1_view, true, "release_agent"), row("release_agent"));
        cr_assert_null(legacy_file_find(&v1_view, false, "release_agent"));
        cr_assert_eq(legacy_file_find(&v1_view, true, "cgroup.sane_behavior"), row("cgroup.sane_behavior"));
        cr_assert_null(legacy_file_find(&v1_view, false, "cgroup.sane_behavior"));
}

Test(legacy_file_find, container) {
        cr_assert_eq(legacy_file_find(&container_view, true, "tasks"), row("tasks"));
        cr_assert_eq(legacy_file_find(&container_view, false, "tasks"), row("tasks"));
        cr_assert_eq(legacy_file_find(&container_view, true, "notify_on_release"), row("notify_on_release"));
        cr_assert_eq(legacy_file_find(&container_view, false, "notify_on_release"), row("notify_on_release"));
        cr_assert_null(legacy_file_find(&container_view, false, "release_agent"));
        /* The 2006 API had none of v1's additions. */
        cr_assert_null(legacy_file_find(&container_view, false, "cgroup.procs"));
        cr_assert_null(legacy_file_find(&container_view, true, "cgroup.clone_children"));
        cr_assert_null(legacy_file_find(&container_view, true, "cgroup.sane_behavior"));
}

Test(legacy_file_find, unknown_names) {
        const char *names[] = {
                "", "task", "tasks ", " tasks", "tasks\n", "Tasks", "TASKS", "tasks/", "tasksx",
                "notify_on_releas", "notify_on_release2", "cgroup.proc", ".", "..", "release_agent ",
                ".tasks", "cgroup.clone_child", "cpu.", "cpu", "memory", "cgroup.controllers",
        };

        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                for (int root = 0; root < 2; root++) {
                        cr_assert_null(legacy_file_find(&v1_view, root, names[i]), "found \"%s\"", names[i]);
                        cr_assert_null(legacy_file_find(&container_view, root, names[i]), "found \"%s\"", names[i]);
                }
        /* A view of no flavour shows nothing. */
        cr_assert_null(legacy_file_find(&no_view, true, "tasks"));
        cr_assert_null(legacy_file_find(&no_view, false, "notify_on_release"));
}

/* find and visible agree for every row, view and place; subsystem rows show only in their views. */
Test(legacy_file_find, agrees_with_visible) {
        static bool none_offered[LEGACY_ROWS_MAX];
        struct view_settings views[SUBSYS__COUNT + 4] = {
                { .key = "unified", .flavor = FLAVOR_UNIFIED },
                container_view,
                { .key = "all", .flavor = FLAVOR_CGROUP_V1, .subsystems = ~0u },
                { .key = "none offered", .flavor = FLAVOR_CGROUP_V1, .subsystems = ~0u, .offered = none_offered },
        };
        for (int s = 0; s < SUBSYS__COUNT; s++)
                views[s + 4] = (struct view_settings) { .key = "one", .flavor = FLAVOR_CGROUP_V1, .subsystems = SUBSYS_BIT(s) };

        for (size_t i = 0; i < legacy_file_count(); i++)
                for (size_t k = 0; k < ELEMENTSOF(views); k++)
                        for (int root = 0; root < 2; root++) {
                                const struct legacy_file *f = legacy_file_at(i);
                                enum subsys s = legacy_file_subsys(f);
                                bool visible = legacy_file_visible(f, &views[k], root);
                                bool in_view = s == SUBSYS_NONE ? (f->flavors & views[k].flavor) != 0
                                                                : views[k].flavor == FLAVOR_CGROUP_V1 &&
                                                                          (views[k].subsystems & SUBSYS_BIT(s));
                                bool placed = f->place == IN_EVERY_GROUP || (f->place == IN_ROOT_ONLY) == root;
                                const struct legacy_file *found = legacy_file_find(&views[k], root, f->name);
                                if (visible)
                                        cr_assert_eq(found, f, "%s", f->name);
                                else /* another row of that name, which this view shows */
                                        cr_assert(!found || (found != f && legacy_file_visible(found, &views[k], root)),
                                                  "%s", f->name);
                                cr_assert_eq(visible, in_view && placed && !views[k].offered, "%s", f->name);
                        }
}

/* memory's cgroup.event_control: world-writable, write-only, found in memory views and only there. */
Test(legacy_files, event_control_in_memory_views) {
        struct view_settings memory = { .key = "memory", .flavor = FLAVOR_CGROUP_V1, .subsystems = SUBSYS_BIT(SUBSYS_MEMORY) };
        struct view_settings cpu = { .key = "cpu", .flavor = FLAVOR_CGROUP_V1, .subsystems = SUBSYS_BIT(SUBSYS_CPU) };
        const struct legacy_file *f = legacy_file_find(&memory, false, "cgroup.event_control");

        cr_assert_not_null(f);
        cr_assert_eq(f->mode, 0222);
        cr_assert_null(f->read);
        cr_assert_eq(legacy_file_subsys(f), SUBSYS_MEMORY);
        cr_assert_not_null(legacy_file_find(&memory, true, "cgroup.event_control"), "v1 has it in the root too");
        cr_assert_null(legacy_file_find(&cpu, false, "cgroup.event_control"));
        cr_assert_not_null(legacy_file_find(&memory, false, "cgroup.procs"), "core rows are still found");
}
