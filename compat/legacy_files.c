/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "legacy_file.h"

#include <limits.h>
#include <string.h>

#include "core_files.h"

#define KERNEL_PAGE_SIZE 4096

const struct legacy_file legacy_files[] = {
        {
                .name = "tasks",
                .mode = 0644,
                .flavors = FLAVOR_CONTAINER | FLAVOR_CGROUP_V1,
                .backing = "cgroup.procs",
                .read = tasks_read,
                .write = tasks_write,
        },
        {
                .name = "notify_on_release",
                .mode = 0644,
                .flavors = FLAVOR_CONTAINER | FLAVOR_CGROUP_V1,
                .read = notify_on_release_read,
                .write = notify_on_release_write,
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
};

const size_t legacy_files_count = ELEMENTSOF(legacy_files);

bool legacy_file_visible(const struct legacy_file *f, enum view_flavor flavor, bool is_root) {
        return (f->flavors & flavor) && (f->place != IN_ROOT_ONLY || is_root);
}

const struct legacy_file *legacy_file_find(enum view_flavor flavor, bool is_root, const char *name) {
        for (size_t i = 0; i < legacy_files_count; i++)
                if (legacy_file_visible(&legacy_files[i], flavor, is_root) && !strcmp(legacy_files[i].name, name))
                        return &legacy_files[i];
        return NULL;
}

size_t legacy_file_index(const struct legacy_file *f) {
        return (size_t) (f - legacy_files);
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
                return -EACCES;
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
        return f->write(ctx, buf, strnlen(buf, len));
}
