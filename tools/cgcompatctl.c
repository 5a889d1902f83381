/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgcompatctl: the operator's tool. */
#include <stdio.h>
#include <string.h>

#include "conf/config.h"

static void help(void) {
        printf("Usage: cgcompatctl COMMAND [ARGS]\n\n"
               "Commands:\n"
               "  check-config [FILE]  validate FILE (default /etc/cgcompat/compat.conf.yaml) and\n"
               "                       print the settings the daemon would use\n"
               "  help                 show this help\n\n"
               "Exit status: 0 on success, 1 when the command failed, 2 on a usage error.\n");
}

static int check_config(const char *path) {
        struct config c;
        char *error = NULL;
        int r = config_load(path, &c, &error);

        if (r < 0) {
                fprintf(stderr, "cgcompatctl: %s\n", error ? error : strerror(-r));
                free(error);
                return 1;
        }
        printf("backend.root: %s\nbackend.leaf: %s\nrelease_agent: %s\n", c.backend_root, c.leaf,
               c.release_agent[0] ? c.release_agent : "(none)");
        for (size_t i = 0; i < c.n_views; i++)
                printf("view: %s at %s\n", c.views[i].flavor == FLAVOR_CONTAINER ? "container" : "cgroup-v1",
                       c.views[i].mount);
        config_free(&c);
        return 0;
}

int main(int argc, char *argv[]) {
        if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
                help();
                return argc < 2 ? 2 : 0;
        }
        if (!strcmp(argv[1], "check-config") && argc <= 3)
                return check_config(argc == 3 ? argv[2] : "/etc/cgcompat/compat.conf.yaml");
        fprintf(stderr, "cgcompatctl: unknown command or arguments: %s (see cgcompatctl help)\n", argv[1]);
        return 2;
}
