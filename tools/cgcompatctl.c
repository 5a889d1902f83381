/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgcompatctl: the operator's tool. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "compat/macro.h"
#include "conf/config.h"

#define DEFAULT_CONFIG "/etc/cgcompat/compat.conf.yaml"
#define LEGACY_CGROUP_MOUNT "/sys/fs/cgroup"

static void help(void) {
        printf("Usage: cgcompatctl COMMAND [ARGS]\n\n"
               "Commands:\n"
               "  check-config [FILE]  validate FILE (default " DEFAULT_CONFIG ") and\n"
               "                       print the settings the daemon would use\n"
               "  exec [-c FILE] [-g [SUBSYS:]PATH] [--] CMD [ARG...]\n"
               "                       run CMD where /sys/fs/cgroup is the legacy layout the daemon\n"
               "                       serves (its legacy_root), in a mount namespace of its own;\n"
               "                       with -g, in the group PATH of the view of SUBSYS (default:\n"
               "                       the first cgroup-v1 view, else the container view)\n"
               "  help                 show this help\n\n"
               "FILE defaults to " DEFAULT_CONFIG " when it exists, else the built-in defaults.\n"
               "Exit status: 0 on success, 1 when the command failed, 2 on a usage error;\n"
               "exec returns CMD's own status, or 127 when CMD cannot be run.\n");
}

static int load_config(const char *path, struct config *ret) {
        char *error = NULL;
        int r;

        if (!path && access(DEFAULT_CONFIG, F_OK) < 0)
                r = config_defaults(ret);
        else
                r = config_load(path ? path : DEFAULT_CONFIG, ret, &error);
        if (r < 0) {
                fprintf(stderr, "cgcompatctl: %s\n", error ? error : strerror(-r));
                free(error);
        }
        return r;
}

static int check_config(const char *path) {
        struct config c;
        char key[256];

        if (load_config(path, &c) < 0)
                return 1;
        printf("backend.root: %s\nbackend.leaf: %s\nrelease_agent: %s\nlegacy_root: %s\nunsupported: %s\n"
               "runtime_dir: %s\n",
               c.backend_root, c.leaf, c.release_agent[0] ? c.release_agent : "(none)",
               c.legacy_root && c.legacy_root[0] ? c.legacy_root : "(none)",
               c.unsupported == UNSUPPORTED_REJECT ? "reject" : "store", c.runtime_dir);
        for (size_t i = 0; i < c.n_views; i++) {
                if (view_config_key(&c.views[i], key, sizeof(key)) < 0)
                        strcpy(key, "?");
                printf("view: %s %s at %s", c.views[i].flavor == FLAVOR_CONTAINER ? "container" : "cgroup-v1", key,
                       c.views[i].mount);
                for (size_t k = 0; k < c.views[i].n_links; k++)
                        printf("%s%s", k ? ", " : " (links ", c.views[i].links[k]);
                printf("%s\n", c.views[i].n_links ? ")" : "");
        }
        config_free(&c);
        return 0;
}

/* The view a -g argument names: by subsystem, else the first cgroup-v1 view, else the first view. */
static const struct view_config *view_for(const struct config *c, const char *subsys) {
        int s = subsys ? subsystem_by_name(subsys) : -1;

        if (subsys && s < 0) {
                for (size_t i = 0; i < c->n_views; i++)
                        if (c->views[i].name && !strncmp(subsys, "name=", 5) && !strcmp(subsys + 5, c->views[i].name))
                                return &c->views[i];
                return NULL;
        }
        for (size_t i = 0; i < c->n_views; i++)
                if (subsys ? (c->views[i].subsystems & SUBSYS_BIT(s)) != 0 : c->views[i].flavor == FLAVOR_CGROUP_V1)
                        return &c->views[i];
        return subsys || c->n_views == 0 ? NULL : &c->views[0];
}

/* Like cgexec: the command starts in the group, so all it forks stays there. */
static int join_group(const struct config *c, const char *spec) {
        _cleanup_free_ char *subsys = NULL;
        const char *colon = strchr(spec, ':'), *path = colon ? colon + 1 : spec;
        char tasks[PATH_MAX];

        if (colon && !(subsys = strndup(spec, (size_t) (colon - spec))))
                return -ENOMEM;
        const struct view_config *v = view_for(c, subsys);
        if (!v) {
                fprintf(stderr, "cgcompatctl: no view serves %s\n", subsys ? subsys : "any group");
                return -ENOENT;
        }
        if (snprintf(tasks, sizeof(tasks), "%s/%s/tasks", v->mount, path) >= (int) sizeof(tasks))
                return -ENAMETOOLONG;
        _cleanup_close_ int fd = open(tasks, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, "0\n", 2) != 2) {
                int r = negative_errno();
                fprintf(stderr, "cgcompatctl: cannot join %s: %s\n", tasks, strerror(-r));
                return r;
        }
        return 0;
}

/*
 * The legacy layout replaces /sys/fs/cgroup for this process and its children
 * only: a private mount namespace in which the legacy root is bound there.
 * Mounts are slaves of the machine's, so views the daemon mounts later appear.
 */
static int enter_legacy_layout(const struct config *c) {
        if (!c->legacy_root || !c->legacy_root[0]) {
                fprintf(stderr, "cgcompatctl: the configuration has no legacy_root\n");
                return -ENOENT;
        }
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0) {
                int r = negative_errno();
                fprintf(stderr, "cgcompatctl: cannot make a mount namespace: %s\n", strerror(-r));
                return r;
        }
        if (mount(c->legacy_root, LEGACY_CGROUP_MOUNT, NULL, MS_BIND | MS_REC, NULL) < 0) {
                int r = negative_errno();
                fprintf(stderr, "cgcompatctl: cannot bind %s on " LEGACY_CGROUP_MOUNT ": %s\n", c->legacy_root,
                        strerror(-r));
                return r;
        }
        return 0;
}

static int exec_command(int argc, char *argv[]) {
        static const struct option options[] = {
                { "config", required_argument, NULL, 'c' },
                { "group", required_argument, NULL, 'g' },
                {},
        };
        const char *config_path = NULL, *group = NULL;
        struct config c;
        int opt;

        optind = 1;
        while ((opt = getopt_long(argc, argv, "+c:g:", options, NULL)) >= 0)
                switch (opt) {
                case 'c':
                        config_path = optarg;
                        break;
                case 'g':
                        group = optarg;
                        break;
                default:
                        return 2;
                }
        if (optind >= argc) {
                fprintf(stderr, "cgcompatctl: exec needs a command\n");
                return 2;
        }
        if (load_config(config_path, &c) < 0)
                return 1;
        int r = group ? join_group(&c, group) : 0;
        if (r >= 0)
                r = enter_legacy_layout(&c);
        config_free(&c);
        if (r < 0)
                return 1;
        execvp(argv[optind], argv + optind);
        fprintf(stderr, "cgcompatctl: cannot run %s: %s\n", argv[optind], strerror(errno));
        return 127;
}

int main(int argc, char *argv[]) {
        if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
                help();
                return argc < 2 ? 2 : 0;
        }
        if (!strcmp(argv[1], "check-config") && argc <= 3)
                return check_config(argc == 3 ? argv[2] : NULL);
        if (!strcmp(argv[1], "exec"))
                return exec_command(argc - 1, argv + 1);
        fprintf(stderr, "cgcompatctl: unknown command or arguments: %s (see cgcompatctl help)\n", argv[1]);
        return 2;
}
