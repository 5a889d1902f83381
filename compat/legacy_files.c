/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "legacy_file.h"

#include <assert.h>
#include <limits.h>
#include <string.h>

#include "core_files.h"
#include "group_io.h"
#include "unified_files.h"

#define KERNEL_PAGE_SIZE 4096

#define UNIFIED_ROW(file, m, where, ...) \
        { .name = file, .mode = (m), .flavors = FLAVOR_UNIFIED, .place = (where), .mapping = MAP_EXACT, __VA_ARGS__ }

static const struct legacy_file core_files[] = {
        {
                .name = "tasks",
                .mode = 0644,
                .flavors = FLAVOR_CONTAINER | FLAVOR_CGROUP_V1,
                /* v1 keeps the modes of tasks and cgroup.procs apart, as v2 those of threads and procs. */
                .backing = "cgroup.threads",
                .per_reader = true,
                .read = tasks_read,
                .write = tasks_write,
        },
        {
                .name = "cgroup.procs",
                .mode = 0644,
                .flavors = FLAVOR_CGROUP_V1,
                .backing = "cgroup.procs",
                .per_reader = true,
                .read = procs_read,
                .write = tasks_write, /* v1 moves the thread group of the pid either way */
        },
        {
                .name = "notify_on_release",
                .mode = 0644,
                .flavors = FLAVOR_CONTAINER | FLAVOR_CGROUP_V1,
                .read = notify_on_release_read,
                .write = notify_on_release_write,
        },
        {
                .name = "cgroup.clone_children",
                .mode = 0644,
                .flavors = FLAVOR_CGROUP_V1,
                .read = clone_children_read,
                .write = clone_children_write,
        },
        {
                .name = "release_agent",
                .mode = 0644,
                .flavors = FLAVOR_CONTAINER | FLAVOR_CGROUP_V1,
                .place = IN_ROOT_ONLY,
                .admin_only = true,
                .max_write = PATH_MAX - 1,
                .read = release_agent_read,
                .write = release_agent_write,
        },
        {
                .name = "cgroup.sane_behavior",
                .mode = 0444,
                .flavors = FLAVOR_CGROUP_V1,
                .place = IN_ROOT_ONLY,
                .read = sane_behavior_read,
        },

        /* The hybrid layout's cgroup2 hierarchy (unified_files.h): cgroup2's core files, no controller's. */
        {
                .name = "cgroup.procs",
                .mode = 0644,
                .flavors = FLAVOR_UNIFIED,
                .backing = "cgroup.procs",
                .per_reader = true,
                .read = unified_procs_read,
                .write = tasks_write, /* the view's attach: placement and the caller's rights as for tasks */
        },
        {
                .name = "cgroup.threads",
                .mode = 0644,
                .flavors = FLAVOR_UNIFIED,
                .backing = "cgroup.threads",
                .per_reader = true,
                .read = unified_threads_read,
                .write = unified_threads_write,
        },
        UNIFIED_ROW("cgroup.controllers", 0444, IN_EVERY_GROUP, .read = unified_empty_read),
        UNIFIED_ROW("cgroup.subtree_control", 0644, IN_EVERY_GROUP, .read = unified_empty_read,
                    .write = unified_subtree_control_write),
        UNIFIED_ROW("cgroup.type", 0644, NOT_ON_ROOT, .read = unified_type_read, .write = unified_type_write),
        UNIFIED_ROW("cgroup.stat", 0444, IN_EVERY_GROUP, .read = unified_stat_read),
        UNIFIED_ROW("cgroup.max.depth", 0644, IN_EVERY_GROUP, .read = unified_max_depth_read,
                    .write = unified_max_depth_write),
        UNIFIED_ROW("cgroup.max.descendants", 0644, IN_EVERY_GROUP, .read = unified_max_descendants_read,
                    .write = unified_max_descendants_write),
        /* They act on the v2 group, its leaf and the groups below: what the view shows in and below it. */
        UNIFIED_ROW("cgroup.events", 0444, NOT_ON_ROOT, .read = passthrough_read),
        UNIFIED_ROW("cgroup.freeze", 0644, NOT_ON_ROOT, .read = passthrough_read, .write = passthrough_write),
        UNIFIED_ROW("cgroup.kill", 0200, NOT_ON_ROOT, .write = passthrough_write),
        UNIFIED_ROW("cpu.stat", 0444, IN_EVERY_GROUP, .read = passthrough_read),
        /* Newer kernels' files, where the tree has them. A pressure trigger lives as long as its writer's
         * open file, which is the daemon's: the pressure files are read-only here. */
        UNIFIED_ROW("cgroup.stat.local", 0444, NOT_ON_ROOT, .requires = "cgroup.stat.local", .read = passthrough_read),
        UNIFIED_ROW("cpu.stat.local", 0444, IN_EVERY_GROUP, .requires = "cpu.stat.local", .read = passthrough_read),
        UNIFIED_ROW("cgroup.pressure", 0644, IN_EVERY_GROUP, .requires = "cgroup.pressure", .read = passthrough_read,
                    .write = passthrough_write),
        UNIFIED_ROW("cpu.pressure", 0644, IN_EVERY_GROUP, .requires = "cpu.pressure", .read = passthrough_read),
        UNIFIED_ROW("io.pressure", 0644, IN_EVERY_GROUP, .requires = "io.pressure", .read = passthrough_read),
        UNIFIED_ROW("memory.pressure", 0644, IN_EVERY_GROUP, .requires = "memory.pressure", .read = passthrough_read),
};

static const struct subsystem core = { .name = "", .files = core_files, .n_files = ELEMENTSOF(core_files) };

/* Indexed by enum subsys + 1: the core table is "subsystem" -1. */
static const struct subsystem *const tables[] = {
        &core,           &subsys_cpuset,     &subsys_cpu,      &subsys_cpuacct, &subsys_blkio,
        &subsys_memory,  &subsys_devices,    &subsys_freezer,  &subsys_net_cls, &subsys_perf_event,
        &subsys_net_prio, &subsys_hugetlb,   &subsys_pids,     &subsys_rdma,    &subsys_misc,
};

_Static_assert(ELEMENTSOF(tables) == SUBSYS__COUNT + 1, "one table per subsystem");

const struct subsystem *subsystem_get(enum subsys s) {
        assert(s >= 0 && s < SUBSYS__COUNT);
        return tables[s + 1];
}

int subsystem_by_name(const char *name) {
        for (int s = 0; s < SUBSYS__COUNT; s++)
                if (!strcmp(tables[s + 1]->name, name))
                        return s;
        return -ENOENT;
}

size_t legacy_file_count(void) {
        size_t n = 0;
        for (size_t i = 0; i < ELEMENTSOF(tables); i++)
                n += tables[i]->n_files;
        assert(n <= LEGACY_ROWS_MAX);
        return n;
}

const struct legacy_file *legacy_file_at(size_t row) {
        for (size_t i = 0; i < ELEMENTSOF(tables); i++) {
                if (row < tables[i]->n_files)
                        return &tables[i]->files[row];
                row -= tables[i]->n_files;
        }
        return NULL;
}

/* The table a row belongs to, and the number of rows before it. */
static size_t table_of(const struct legacy_file *f, size_t *ret_base) {
        size_t base = 0;
        for (size_t i = 0; i < ELEMENTSOF(tables); i++) {
                const struct subsystem *t = tables[i];
                if (f >= t->files && f < t->files + t->n_files) {
                        *ret_base = base;
                        return i;
                }
                base += t->n_files;
        }
        assert(!"row of no table");
        return 0;
}

size_t legacy_file_index(const struct legacy_file *f) {
        size_t base, i = table_of(f, &base);
        return base + (size_t) (f - tables[i]->files);
}

enum subsys legacy_file_subsys(const struct legacy_file *f) {
        size_t base;
        return (enum subsys) table_of(f, &base) - 1;
}

/* One walk of the tables answers both what subsystem a row is of and its index. */
bool legacy_file_cacheable(const struct legacy_file *f) {
        return f->read && f->write && !f->per_reader;
}

bool legacy_file_visible(const struct legacy_file *f, const struct view_settings *view, bool is_root) {
        size_t base, table = table_of(f, &base);
        enum subsys s = (enum subsys) table - 1;

        if (s == SUBSYS_NONE) {
                if (!(f->flavors & view->flavor))
                        return false;
        } else if (view->flavor != FLAVOR_CGROUP_V1 || !(view->subsystems & SUBSYS_BIT(s)))
                return false;
        if ((f->place == IN_ROOT_ONLY && !is_root) || (f->place == NOT_ON_ROOT && is_root))
                return false;
        return !view->offered || view->offered[base + (size_t) (f - tables[table]->files)];
}

const struct legacy_file *legacy_file_find(const struct view_settings *view, bool is_root, const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(tables); i++) {
                const struct subsystem *t = tables[i];
                /* Subsystem files carry their prefix, or the core's (memory's cgroup.event_control): skip tables that cannot match. */
                if (t != &core && strncmp(name, t->name, strlen(t->name)) != 0 && strncmp(name, "cgroup.", 7) != 0)
                        continue;
                /* A name can be two rows (cgroup.procs of v1 and of cgroup2): the one the view shows. */
                for (size_t k = 0; k < t->n_files; k++)
                        if (!strcmp(t->files[k].name, name) && legacy_file_visible(&t->files[k], view, is_root))
                                return &t->files[k];
        }
        return NULL;
}

static int check_admin(const struct caller *c) {
        int r = c->init_admin >= 0 ? c->init_admin : caller_is_init_admin(c);
        if (r < 0)
                return r;
        return r ? 0 : -EPERM;
}

int legacy_file_write(const struct legacy_file *f, const struct file_ctx *ctx, const char *buf, size_t len) {
        size_t max = f->max_write ? f->max_write : KERNEL_PAGE_SIZE;
        int r;

        if (!f->write)
                return -EINVAL; /* cgroup_file_write() of a file with no write handler */
        if (len == 0)
                return 0;
        if (len > max)
                return -E2BIG; /* kernfs refuses a write longer than the file takes in one piece */
        if (f->admin_only) {
                r = check_admin(ctx->opener);
                if (r >= 0)
                        r = check_admin(ctx->caller);
                if (r < 0)
                        return r;
        }
        /* The kernel hands the file a C string: the first NUL ends the value. */
        len = strnlen(buf, len);
        r = f->write(ctx, buf, len);
        const struct compat_hooks *h = ctx->tree ? ctx->tree->hooks : NULL;
        if (h && h->file_written)
                h->file_written(ctx->tree->userdata, ctx, buf, len, r);
        return r;
}

bool subsystem_offered(const struct compat_tree *t, enum subsys s) {
        const struct subsystem *sub = subsystem_get(s);
        for (size_t k = 0; k < sub->n_files; k++)
                if (tree_offers(t, legacy_file_index(&sub->files[k])))
                        return true;
        return false;
}

int legacy_can_attach(const struct file_ctx *ctx) {
        for (int s = 0; s < SUBSYS__COUNT; s++) {
                const struct subsystem *sub = tables[s + 1];
                if (!(ctx->view->subsystems & SUBSYS_BIT(s)) || !sub->can_attach || !subsystem_offered(ctx->tree, s))
                        continue;
                int r = sub->can_attach(ctx);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Subsystems of the view whose files the tree can back: their hooks act only then. */
static bool view_subsystem_active(const struct file_ctx *ctx, enum subsys s) {
        return (ctx->view->subsystems & SUBSYS_BIT(s)) && subsystem_offered(ctx->tree, s);
}

int legacy_init_group(const struct file_ctx *parent, const struct file_ctx *child) {
        for (int s = 0; s < SUBSYS__COUNT; s++) {
                const struct subsystem *sub = tables[s + 1];
                if (!sub->init_group || !view_subsystem_active(child, s))
                        continue;
                int r = sub->init_group(parent, child);
                if (r < 0)
                        return r;
        }
        return 0;
}

int legacy_reset_group(const struct file_ctx *ctx) {
        int result = 0;

        for (int s = 0; s < SUBSYS__COUNT; s++) {
                const struct subsystem *sub = tables[s + 1];
                if (!view_subsystem_active(ctx, s))
                        continue;
                for (size_t k = 0; k < sub->n_files; k++) {
                        int r = legacy_state_remove(ctx, sub->files[k].name);
                        if (r < 0 && r != -ENODATA && result >= 0)
                                result = r;
                }
                if (sub->reset_group) {
                        int r = sub->reset_group(ctx);
                        if (r < 0 && result >= 0)
                                result = r; /* the others are still reset: a partial reset limits less */
                }
        }
        return result;
}
