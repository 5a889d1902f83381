/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "registry.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "compat/text.h"
#include "log.h"
#include "mountpoint.h"

static int registry_path(const struct config *c, const char *suffix, char *buf, size_t size) {
        int n = snprintf(buf, size, "%s/views%s", c->runtime_dir, suffix);
        return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
}

int registry_publish(const struct config *c, const char *v2_root, const dev_t *devices) {
        _cleanup_(text_free) struct text out = {};
        char path[PATH_MAX], key[256];
        int r;

        r = registry_path(c, "", path, sizeof(path));
        if (r >= 0)
                r = mkdir_p(c->runtime_dir);
        if (r < 0)
                return log_error_errno(r, c->runtime_dir, "cannot make the runtime directory");

        r = text_printf(&out, "pid %d\nroot %s\nleaf %s\nlegacy_root %s\n", (int) getpid(), v2_root, c->leaf,
                        c->legacy_root ? c->legacy_root : "");
        for (size_t i = 0; r >= 0 && i < c->n_views; i++) {
                const struct view_config *v = &c->views[i];
                if (view_config_key(v, key, sizeof(key)) < 0)
                        continue;
                r = text_printf(&out, "view %s %s %s\n", view_flavor_name(v->flavor), key, v->mount);
                if (r >= 0 && devices && devices[i])
                        r = text_printf(&out, "device %u:%u %s\n", major(devices[i]), minor(devices[i]), v->mount);
                for (size_t k = 0; r >= 0 && k < v->n_links; k++)
                        r = text_printf(&out, "link %s %s\n", v->links[k], v->mount);
        }
        if (r >= 0)
                r = write_file_atomic(path, out.data ?: "", out.len);
        if (r < 0)
                return log_error_errno(r, path, "cannot publish the view registry");
        return 0;
}

void registry_remove(const struct config *c) {
        char path[PATH_MAX];
        if (registry_path(c, "", path, sizeof(path)) >= 0 && unlink(path) < 0 && errno != ENOENT)
                log_warning_errno(negative_errno(), path, "cannot remove the view registry");
}
