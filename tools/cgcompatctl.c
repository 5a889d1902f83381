/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgcompatctl: the operator's tool. */
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <search.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include "backend/backend.h"
#include "compat/audit_entry.h"
#include "compat/macro.h"
#include "compat/placement.h"
#include "compat/task_info.h"
#include "conf/config.h"
#include "oci_hook.h"
#include "seccomp_agent.h"
#include "served.h"
#include "tools/open_pass.h"
#include "tools/seccomp_supervisor.h"

#define LEGACY_CGROUP_MOUNT "/sys/fs/cgroup"
/* How long a view may take to list its root before status calls it hung. */
#define PROBE_TIMEOUT_MS 2000
/* Distinct values shown per file in the audit report. */
#define AUDIT_EXAMPLES 5

static void help(void) {
        printf("Usage: cgcompatctl COMMAND [OPTIONS] [ARGS]\n\n"
               "Commands:\n"
               "  status [--json]      whether cgcompatd runs, what it serves, whether each view\n"
               "                       answers, how many groups and tasks the tree holds\n"
               "  tree [--json] [PATH] the groups below PATH (default /) with their tasks, cpu time\n"
               "                       and memory\n"
               "  pid [--json] [--container|--cgroup] PID\n"
               "                       what /proc/PID/container and the v1 lines of /proc/PID/cgroup\n"
               "                       would say for the views served\n"
               "  audit [--json] [--journal]\n"
               "                       the migration audit (audit: on) by file: writes, values, what\n"
               "                       they became in v2, how faithfully, failures; from the audit\n"
               "                       log in runtime_dir, or from the journal with --journal (also\n"
               "                       when there is no audit log)\n"
               "  oci-hook             as an OCI createRuntime hook (the container's state on stdin):\n"
               "                       mount the container's own groups of the views on its\n"
               "                       /sys/fs/cgroup, as runtimes did on cgroup v1 hosts\n"
               "  seccomp-agent SOCKET the OCI seccomp agent (linux.seccomp.listenerPath): serves the\n"
               "                       listener of each container as exec's supervisor does\n"
               "  check-config [FILE]  validate FILE (default " DEFAULT_CONFIG ") and\n"
               "                       print the settings the daemon would use\n"
               "  exec [--preload] [-c FILE] [-g [SUBSYS:]PATH] [--] CMD [ARG...]\n"
               "                       run CMD where /sys/fs/cgroup is the legacy layout the daemon\n"
               "                       serves (its legacy_root), in a mount namespace of its own;\n"
               "                       with -g, in the group PATH of the view of SUBSYS (a subsystem,\n"
               "                       name=NAME or container; default: the first cgroup-v1 view,\n"
               "                       else the container view); CMD and all it runs, however linked,\n"
               "                       see the views as cgroup v1 in the mount table, /proc/PID/cgroup,\n"
               "                       /proc/cgroups and statfs, answered by a seccomp supervisor\n"
               "                       (CGCOMPAT_PRELOAD=0 in a program's environment: not for it)\n"
               "  exec --preload ...   the same through the preload library (libcgcompat-preload.so)\n"
               "                       in LD_PRELOAD instead: dynamic programs using libc only; also\n"
               "                       what exec falls back to, with a warning, where the kernel has\n"
               "                       no seccomp listener (CGCOMPAT_PRELOAD=1: fail without the\n"
               "                       library; CGCOMPAT_PRELOAD_LIB: its path); CGCOMPAT_PRELOAD=0\n"
               "                       for cgcompatctl: exec without any rewriting\n"
               "  help                 show this help\n\n"
               "Options:\n"
               "  -c, --config FILE    the daemon's configuration, for its runtime_dir\n"
               "      --json           print JSON instead of text\n"
               "      --journal        audit: read the journal's audit entries, not the audit log\n"
               "  -h, --help           show this help\n"
               "      --version        show the version (as the only argument)\n\n"
               "FILE defaults to " DEFAULT_CONFIG " when it exists, else the built-in defaults.\n"
               "Exit status: 0 on success, 1 when the command failed (status: when the daemon is\n"
               "not running or a view does not answer), 2 on a usage error; exec returns CMD's own\n"
               "status, or 127 when CMD cannot be run.\n");
}

/* Options shared by status, tree, pid and audit; each command names those it takes. */
enum {
        TAKES_JSON = 1 << 0,
        TAKES_SELECTION = 1 << 1, /* pid: --container, --cgroup */
        TAKES_JOURNAL = 1 << 2,   /* audit: --journal */
};

enum pid_selection { SHOW_BOTH, SHOW_CONTAINER, SHOW_CGROUP };

struct options {
        const char *config;
        bool json;
        bool journal;
        enum pid_selection show;
        char **args; /* the positional arguments */
        int n_args;
};

/* 0, 1 when --help was shown, or -EINVAL on a usage error (already reported). */
static int parse_options(int argc, char *argv[], unsigned takes, struct options *ret) {
        enum { ARG_JSON = 0x100, ARG_CONTAINER, ARG_CGROUP, ARG_JOURNAL };
        static const struct option options[] = {
                { "config", required_argument, NULL, 'c' },
                { "help", no_argument, NULL, 'h' },
                { "json", no_argument, NULL, ARG_JSON },
                { "container", no_argument, NULL, ARG_CONTAINER },
                { "cgroup", no_argument, NULL, ARG_CGROUP },
                { "journal", no_argument, NULL, ARG_JOURNAL },
                {},
        };
        int opt;

        *ret = (struct options) {};
        optind = 1;
        while ((opt = getopt_long(argc, argv, "c:h", options, NULL)) >= 0)
                switch (opt) {
                case 'c':
                        ret->config = optarg;
                        break;
                case 'h':
                        help();
                        return 1;
                case ARG_JSON:
                        if (!(takes & TAKES_JSON))
                                goto not_taken;
                        ret->json = true;
                        break;
                case ARG_CONTAINER:
                case ARG_CGROUP:
                        if (!(takes & TAKES_SELECTION))
                                goto not_taken;
                        ret->show = opt == ARG_CONTAINER ? SHOW_CONTAINER : SHOW_CGROUP;
                        break;
                case ARG_JOURNAL:
                        if (!(takes & TAKES_JOURNAL))
                                goto not_taken;
                        ret->journal = true;
                        break;
                default:
                        return -EINVAL;
                }
        ret->args = argv + optind;
        ret->n_args = argc - optind;
        return 0;
not_taken:
        fprintf(stderr, "cgcompatctl %s: option '%s' is not one of this command's\n", argv[0], argv[optind - 1]);
        return -EINVAL;
}

static int check_config(const char *path) {
        _cleanup_(config_freep) struct config c = {};
        char key[256], interval[32];

        if (tools_load_config("cgcompatctl", path, &c) < 0)
                return 1;
        printf("backend.root: %s\nbackend.leaf: %s\nrelease_agent: %s\nlegacy_root: %s\nunsupported: %s\n"
               "runtime_dir: %s\naudit: %s\npage_cache: %s\nmetrics_textfile: %s\nmetrics_interval: %s\n",
               c.backend_root, c.leaf, c.release_agent[0] ? c.release_agent : "(none)",
               c.legacy_root && c.legacy_root[0] ? c.legacy_root : "(none)",
               c.unsupported == UNSUPPORTED_REJECT ? "reject" : "store", c.runtime_dir, c.audit ? "on" : "off",
               c.page_cache ? "on" : "off", c.metrics_textfile[0] ? c.metrics_textfile : "(none)",
               config_format_duration(c.metrics_interval_ms, interval, sizeof(interval)));
        for (size_t i = 0; i < c.n_views; i++) {
                if (view_config_key(&c.views[i], key, sizeof(key)) < 0)
                        strcpy(key, "?");
                printf("view: %s %s at %s", view_flavor_name(c.views[i].flavor), key,
                       c.views[i].mount);
                for (size_t k = 0; k < c.views[i].n_links; k++)
                        printf("%s%s", k ? ", " : " (links ", c.views[i].links[k]);
                printf("%s\n", c.views[i].n_links ? ")" : "");
        }
        return 0;
}

/*
 * The configuration and what the daemon it describes serves; with @need_running,
 * a registry left by a daemon that died is an error too. Errors are reported.
 */
static int open_served(const struct options *o, bool need_running, struct config *ret_config, struct served *ret) {
        int r = tools_load_config("cgcompatctl", o->config, ret_config);
        if (r < 0)
                return r;
        r = served_load(ret_config->runtime_dir, ret);
        if (r == -ENOENT) {
                fprintf(stderr, "cgcompatctl: cgcompatd is not running: no view registry at %s/views\n",
                        ret_config->runtime_dir);
                return r;
        }
        if (r < 0) {
                fprintf(stderr, "cgcompatctl: %s/views: %s\n", ret_config->runtime_dir,
                        r == -EBADMSG ? "not a view registry" : strerror(-r));
                return r;
        }
        if (need_running && !served_daemon_alive(ret)) {
                fprintf(stderr, "cgcompatctl: cgcompatd is not running: pid %d of %s is gone\n", (int) ret->pid,
                        ret->path);
                served_free(ret);
                return -ESRCH;
        }
        return 0;
}

static int count_lines(const char *text) {
        int n = 0;
        for (; *text; text++)
                n += *text == '\n';
        return n;
}

/* ---- status ---- */

struct tree_counts {
        int64_t groups, processes, tasks;
};

/* Every v2 directory below the root but the leaves is a group; the tasks are in all of them. */
static int count_tree(const char *leaf, int fd, struct tree_counts *counts) {
        const char *files[] = { "cgroup.procs", "cgroup.threads" };
        int64_t *totals[] = { &counts->processes, &counts->tasks };

        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                _cleanup_free_ char *text = NULL;
                if (backend_cgroupfs.read_file(fd, files[i], &text, NULL) >= 0)
                        *totals[i] += count_lines(text);
        }
        int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return negative_errno();
        DIR *d = fdopendir(dfd);
        if (!d) {
                close(dfd);
                return -ENOMEM;
        }
        struct dirent *de;
        int r = 0;
        while (r >= 0 && (de = readdir(d))) {
                if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                        continue;
                _cleanup_close_ int child = openat(fd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (child < 0)
                        continue; /* removed meanwhile */
                counts->groups += strcmp(de->d_name, leaf) != 0;
                r = count_tree(leaf, child, counts);
        }
        closedir(d);
        return r;
}

struct status {
        const char *config;
        char registry[PATH_MAX];
        char problem[PATH_MAX + 64]; /* why the daemon is not running, "" if it is */
        struct served served;
        bool have_registry;
        bool *mounted;
        int *answer; /* probe_views() result per view */
        bool have_counts;
        struct tree_counts counts;
        /* <runtime_dir>/memory-events: cgroup.event_control's registrations, their bound, the signals sent. */
        bool have_events;
        uint64_t registrations, registrations_max, signalled;
        bool healthy;
        char summary[512];
};

static void status_summarize(struct status *st) {
        size_t n = st->served.n_views, ok = 0, len;

        for (size_t i = 0; i < n; i++)
                ok += st->mounted[i] && st->answer[i] == 0;
        st->healthy = !st->problem[0] && ok == n;
        if (st->healthy) {
                snprintf(st->summary, sizeof(st->summary), "ok, %zu of %zu views mounted and responding", ok, n);
                return;
        }
        len = (size_t) snprintf(st->summary, sizeof(st->summary), "failed");
        if (st->problem[0])
                len += (size_t) snprintf(st->summary + len, sizeof(st->summary) - len, ", cgcompatd is not running");
        for (size_t i = 0; i < n && len < sizeof(st->summary); i++)
                if (!st->mounted[i] || st->answer[i] != 0)
                        len += (size_t) snprintf(st->summary + len, sizeof(st->summary) - len, ", %s %s",
                                                 st->served.views[i].key,
                                                 !st->mounted[i] ? "not mounted" : "not responding");
}

static void status_print_text(const struct status *st) {
        const struct served *s = &st->served;

        if (st->problem[0])
                printf("cgcompatd: not running (%s)\n", st->problem);
        else
                printf("cgcompatd: running (pid %d)\n", (int) s->pid);
        printf("config: %s\nregistry: %s\n", st->config, st->registry);
        if (st->have_registry) {
                printf("backend root: %s (leaf %s)\nlegacy root: %s\n", s->root, s->leaf,
                       s->legacy_root[0] ? s->legacy_root : "(none)");
                for (size_t i = 0; i < s->n_views; i++) {
                        printf("view %s %s at %s: %s", s->views[i].flavor, s->views[i].key, s->views[i].mount,
                               st->mounted[i] ? "mounted" : "not mounted");
                        if (st->answer[i] == 0)
                                printf(", responding\n");
                        else
                                printf(", not responding (%s)\n",
                                       st->answer[i] == -ETIMEDOUT ? "no answer in 2 s" : strerror(-st->answer[i]));
                }
        }
        if (st->have_counts)
                printf("groups: %" PRId64 "\ntasks: %" PRId64 " (%" PRId64 " process%s)\n", st->counts.groups,
                       st->counts.tasks, st->counts.processes, st->counts.processes == 1 ? "" : "es");
        if (st->have_events)
                printf("memory events: %" PRIu64 " registration%s (at most %" PRIu64 "), %" PRIu64 " signalled\n",
                       st->registrations, st->registrations == 1 ? "" : "s", st->registrations_max, st->signalled);
        printf("health: %s\n", st->summary);
}

static void json_put_key_string(const char *key, const char *value, bool comma) {
        printf("%s\"%s\":", comma ? "," : "", key);
        if (value)
                json_put_string(stdout, value, strlen(value));
        else
                fputs("null", stdout);
}

static void status_print_json(const struct status *st) {
        const struct served *s = &st->served;

        printf("{\"running\":%s,\"pid\":", st->problem[0] ? "false" : "true");
        if (st->have_registry)
                printf("%d", (int) s->pid);
        else
                fputs("null", stdout);
        json_put_key_string("problem", st->problem[0] ? st->problem : NULL, true);
        json_put_key_string("config", st->config, true);
        json_put_key_string("registry", st->registry, true);
        json_put_key_string("root", st->have_registry ? s->root : NULL, true);
        json_put_key_string("leaf", st->have_registry ? s->leaf : NULL, true);
        json_put_key_string("legacy_root", st->have_registry ? s->legacy_root : NULL, true);
        fputs(",\"views\":[", stdout);
        for (size_t i = 0; st->have_registry && i < s->n_views; i++) {
                printf("%s{", i ? "," : "");
                json_put_key_string("flavor", s->views[i].flavor, false);
                json_put_key_string("key", s->views[i].key, true);
                json_put_key_string("mount", s->views[i].mount, true);
                printf(",\"mounted\":%s,\"responding\":%s", st->mounted[i] ? "true" : "false",
                       st->answer[i] == 0 ? "true" : "false");
                json_put_key_string("error", st->answer[i] == 0 ? NULL : strerror(-st->answer[i]), true);
                fputc('}', stdout);
        }
        fputc(']', stdout);
        if (st->have_counts)
                printf(",\"groups\":%" PRId64 ",\"processes\":%" PRId64 ",\"tasks\":%" PRId64, st->counts.groups,
                       st->counts.processes, st->counts.tasks);
        else
                fputs(",\"groups\":null,\"processes\":null,\"tasks\":null", stdout);
        if (st->have_events)
                printf(",\"memory_events\":{\"registrations\":%" PRIu64 ",\"limit\":%" PRIu64 ",\"signalled\":%" PRIu64 "}",
                       st->registrations, st->registrations_max, st->signalled);
        else
                fputs(",\"memory_events\":null", stdout);
        printf(",\"healthy\":%s", st->healthy ? "true" : "false");
        json_put_key_string("summary", st->summary, true);
        fputs("}\n", stdout);
}

static bool read_memory_events(const char *runtime_dir, struct status *st) {
        _cleanup_free_ char *text = NULL;
        char path[PATH_MAX];

        snprintf(path, sizeof(path), "%s/memory-events", runtime_dir);
        if (read_all_at(AT_FDCWD, path, 4096, &text, NULL) < 0)
                return false;
        return sscanf(text, "registrations %" SCNu64 "\nlimit %" SCNu64 "\nsignalled %" SCNu64, &st->registrations,
                      &st->registrations_max, &st->signalled) == 3;
}

static int status_command(int argc, char *argv[]) {
        _cleanup_(config_freep) struct config c = {};
        struct options o;
        struct status st = {};
        int r;

        r = parse_options(argc, argv, TAKES_JSON, &o);
        if (r != 0)
                return r > 0 ? 0 : 2;
        if (o.n_args > 0) {
                fprintf(stderr, "cgcompatctl status: unexpected argument '%s'\n", o.args[0]);
                return 2;
        }
        if (tools_load_config("cgcompatctl", o.config, &c) < 0)
                return 1;
        st.config = o.config ? o.config : access(DEFAULT_CONFIG, F_OK) >= 0 ? DEFAULT_CONFIG : "(built-in defaults)";
        snprintf(st.registry, sizeof(st.registry), "%s/views", c.runtime_dir);

        r = served_load(c.runtime_dir, &st.served);
        st.have_registry = r >= 0;
        if (r == -ENOENT)
                snprintf(st.problem, sizeof(st.problem), "no registry at %s", st.registry);
        else if (r < 0)
                snprintf(st.problem, sizeof(st.problem), "%s: %s", st.registry,
                         r == -EBADMSG ? "not a view registry" : strerror(-r));
        else if (!served_daemon_alive(&st.served))
                snprintf(st.problem, sizeof(st.problem), "pid %d of the registry is gone", (int) st.served.pid);

        size_t n = st.served.n_views;
        _cleanup_free_ bool *mounted = st.mounted = calloc(n ? n : 1, sizeof(bool));
        _cleanup_free_ int *answer = st.answer = calloc(n ? n : 1, sizeof(int));
        _cleanup_free_ char **mounts = calloc(n ? n : 1, sizeof(char *));
        if (!mounted || !answer || !mounts) {
                served_free(&st.served);
                return 1;
        }
        for (size_t i = 0; i < n; i++) {
                st.mounted[i] = path_is_view_mount(st.served.views[i].mount) > 0;
                mounts[i] = st.served.views[i].mount;
        }
        (void) probe_views(mounts, n, PROBE_TIMEOUT_MS, st.answer);

        if (st.have_registry) {
                _cleanup_close_ int root = open(st.served.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                st.have_counts = root >= 0 && count_tree(st.served.leaf, root, &st.counts) >= 0;
                st.have_events = !st.problem[0] && read_memory_events(c.runtime_dir, &st);
        }
        status_summarize(&st);
        if (o.json)
                status_print_json(&st);
        else
                status_print_text(&st);
        served_free(&st.served);
        return st.healthy ? 0 : 1;
}

/* ---- tree ---- */

struct group_node {
        char *name;
        char *path; /* in the view: "/", "/a/b" */
        int tasks;  /* its own, as its tasks file lists them; -1 if unreadable */
        int64_t cpu_usec, memory_bytes; /* with its descendants, as v2 counts them; -1 where v2 has none */
        struct group_node **children;
        size_t n_children;
};

static void group_node_free(struct group_node *g) {
        if (!g)
                return;
        for (size_t i = 0; i < g->n_children; i++)
                group_node_free(g->children[i]);
        free(g->children);
        free(g->name);
        free(g->path);
        free(g);
}

static int64_t read_v2_number(int fd, const char *file, const char *key) {
        _cleanup_free_ char *text = NULL;
        size_t key_len = key ? strlen(key) : 0;

        if (backend_cgroupfs.read_file(fd, file, &text, NULL) < 0)
                return -1;
        for (char *line = text; line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
                if (key && (strncmp(line, key, key_len) || line[key_len] != ' '))
                        continue;
                char *end;
                errno = 0;
                unsigned long long v = strtoull(line + key_len, &end, 10);
                return errno || end == line + key_len ? -1 : (int64_t) v;
        }
        return -1;
}

static int count_task_lines(int view_dir_fd) {
        _cleanup_close_ int fd = openat(view_dir_fd, "tasks", O_RDONLY | O_CLOEXEC);
        char buf[65536];
        ssize_t n;
        int lines = 0;

        if (fd < 0)
                return -1;
        while ((n = read(fd, buf, sizeof(buf))) > 0)
                for (ssize_t i = 0; i < n; i++)
                        lines += buf[i] == '\n';
        return n < 0 ? -1 : lines;
}

static int compare_nodes(const void *a, const void *b) {
        return strcmp((*(struct group_node *const *) a)->name, (*(struct group_node *const *) b)->name);
}

/*
 * The group at @view_fd (a directory of the view, whose listing gives the legacy
 * names) and @v2_fd (the same group in v2, for what only v2 counts), and below.
 */
static int build_node(const struct compat_tree *t, int view_fd, int v2_fd, const char *name, const char *path,
                      struct group_node **ret) {
        struct group_node *g = calloc(1, sizeof(*g));
        int r = 0;

        if (!g)
                return -ENOMEM;
        g->name = strdup(name);
        g->path = strdup(path);
        if (!g->name || !g->path) {
                group_node_free(g);
                return -ENOMEM;
        }
        g->tasks = count_task_lines(view_fd);
        g->cpu_usec = read_v2_number(v2_fd, "cpu.stat", "usage_usec");
        g->memory_bytes = read_v2_number(v2_fd, "memory.current", NULL);

        int dfd = openat(view_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
        if (!d) {
                r = negative_errno();
                if (dfd >= 0)
                        close(dfd);
                group_node_free(g);
                return r;
        }
        struct dirent *de;
        while (r >= 0 && (errno = 0, de = readdir(d))) {
                struct tree_child child;
                char child_path[PATH_MAX];
                struct stat st;

                if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                        continue;
                if (de->d_type != DT_DIR &&
                    (de->d_type != DT_UNKNOWN || fstatat(view_fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
                     !S_ISDIR(st.st_mode)))
                        continue;
                _cleanup_close_ int child_view_fd = openat(view_fd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (child_view_fd < 0 || tree_lookup(t, v2_fd, de->d_name, NULL, &child) < 0)
                        continue; /* removed meanwhile */
                _cleanup_close_ int child_v2_fd = child.fd;
                snprintf(child_path, sizeof(child_path), "%s/%s", strcmp(path, "/") ? path : "", de->d_name);
                struct group_node **children = realloc(g->children, (g->n_children + 1) * sizeof(*children));
                if (!children) {
                        r = -ENOMEM;
                        break;
                }
                g->children = children;
                r = build_node(t, child_view_fd, child_v2_fd, de->d_name, child_path, &g->children[g->n_children]);
                if (r >= 0)
                        g->n_children++;
        }
        if (r >= 0 && errno)
                r = negative_errno();
        closedir(d);
        if (r < 0) {
                group_node_free(g);
                return r;
        }
        if (g->n_children > 1)
                qsort(g->children, g->n_children, sizeof(*g->children), compare_nodes);
        *ret = g;
        return 0;
}

/* 1234567 -> "1.2M", as systemd prints sizes. */
static void format_bytes(int64_t bytes, char *buf, size_t size) {
        static const char units[] = "KMGTPE";
        double v = (double) bytes;
        int u = -1;

        while (v >= 1024 && u < (int) sizeof(units) - 2) {
                v /= 1024;
                u++;
        }
        if (u < 0)
                snprintf(buf, size, "%" PRId64 "B", bytes);
        else
                snprintf(buf, size, "%.1f%c", v, units[u]);
}

struct tree_style {
        const char *name_on, *glyph_on, *off;
};

static void print_group_line(const struct group_node *g, const char *prefix, const char *branch,
                             const struct tree_style *style) {
        char memory[32];

        printf("%s%s%s%s%s%s%s (", style->glyph_on, prefix, branch, style->off, style->name_on, g->name, style->off);
        if (g->tasks < 0)
                printf("tasks unreadable");
        else
                printf("%d task%s", g->tasks, g->tasks == 1 ? "" : "s");
        if (g->cpu_usec >= 0)
                printf(", cpu %" PRId64 ".%03" PRId64 "s", g->cpu_usec / 1000000, g->cpu_usec / 1000 % 1000);
        if (g->memory_bytes >= 0) {
                format_bytes(g->memory_bytes, memory, sizeof(memory));
                printf(", memory %s", memory);
        }
        printf(")\n");
}

static void print_tree_text(const struct group_node *g, const char *prefix, const struct tree_style *style) {
        for (size_t i = 0; i < g->n_children; i++) {
                bool last = i + 1 == g->n_children;
                char deeper[PATH_MAX];

                print_group_line(g->children[i], prefix, last ? "└─" : "├─", style);
                snprintf(deeper, sizeof(deeper), "%s%s", prefix, last ? "  " : "│ ");
                print_tree_text(g->children[i], deeper, style);
        }
}

static void print_tree_json(const struct group_node *g) {
        fputc('{', stdout);
        json_put_key_string("name", g->name, false);
        json_put_key_string("path", g->path, true);
        if (g->tasks >= 0)
                printf(",\"tasks\":%d", g->tasks);
        if (g->cpu_usec >= 0)
                printf(",\"cpu_usec\":%" PRId64, g->cpu_usec);
        if (g->memory_bytes >= 0)
                printf(",\"memory_bytes\":%" PRId64, g->memory_bytes);
        fputs(",\"children\":[", stdout);
        for (size_t i = 0; i < g->n_children; i++) {
                if (i)
                        fputc(',', stdout);
                print_tree_json(g->children[i]);
        }
        fputs("]}", stdout);
}

static bool use_colour(void) {
        const char *term = getenv("TERM");
        return isatty(STDOUT_FILENO) && !getenv("NO_COLOR") && !(term && !strcmp(term, "dumb"));
}

/* "a//b/" -> "/a/b"; "" -> "/". Rejects "." and ".." components: groups are named, not walked to. */
static int normalize_group_path(const char *in, char *buf, size_t size) {
        _cleanup_free_ char *copy = strdup(in);
        size_t len = 0;

        if (!copy)
                return -ENOMEM;
        buf[0] = 0;
        for (char *save = NULL, *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
                if (!strcmp(c, ".") || !strcmp(c, ".."))
                        return -EINVAL;
                int n = snprintf(buf + len, size - len, "/%s", c);
                if (n < 0 || (size_t) n >= size - len)
                        return -ENAMETOOLONG;
                len += (size_t) n;
        }
        if (len == 0)
                snprintf(buf, size, "/");
        return 0;
}

/* The v2 directory of the group at legacy @path, by legacy names from the root down. */
static int lookup_group(const struct compat_tree *t, const char *path, int *ret_fd) {
        _cleanup_free_ char *copy = strdup(path);
        int fd = fcntl(t->root_fd, F_DUPFD_CLOEXEC, 3);

        if (!copy || fd < 0) {
                if (fd >= 0)
                        close(fd);
                return copy ? negative_errno() : -ENOMEM;
        }
        for (char *save = NULL, *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
                struct tree_child child;
                int r = tree_lookup(t, fd, c, NULL, &child);
                close(fd);
                if (r < 0)
                        return r;
                fd = child.fd;
        }
        *ret_fd = fd;
        return 0;
}

static int tree_command(int argc, char *argv[]) {
        _cleanup_(config_freep) struct config c = {};
        _cleanup_(served_freep) struct served s = {};
        struct compat_tree t;
        struct options o;
        char path[PATH_MAX], view_path[PATH_MAX * 2];
        struct group_node *root = NULL;
        int r;

        r = parse_options(argc, argv, TAKES_JSON, &o);
        if (r != 0)
                return r > 0 ? 0 : 2;
        if (o.n_args > 1) {
                fprintf(stderr, "cgcompatctl tree: unexpected argument '%s'\n", o.args[1]);
                return 2;
        }
        r = normalize_group_path(o.n_args ? o.args[0] : "/", path, sizeof(path));
        if (r < 0) {
                fprintf(stderr, "cgcompatctl tree: %s: %s\n", o.args[0],
                        r == -EINVAL ? "not a group path (no . or .. components)" : strerror(-r));
                return 2;
        }
        if (open_served(&o, true, &c, &s) < 0)
                return 1;
        /* The legacy names are the view's: the container view, else the first one served. */
        const struct served_view *v = served_find_flavor(&s, "container");
        if (!v && s.n_views > 0)
                v = &s.views[0];
        if (!v) {
                fprintf(stderr, "cgcompatctl tree: cgcompatd serves no view\n");
                return 1;
        }
        snprintf(view_path, sizeof(view_path), "%s%s", v->mount, strcmp(path, "/") ? path : "");
        r = served_tree_open(&s, &t);
        if (r < 0) {
                fprintf(stderr, "cgcompatctl tree: %s: %s\n", s.root, strerror(-r));
                return 1;
        }
        _cleanup_close_ int root_fd = t.root_fd;
        _cleanup_close_ int view_fd = open(view_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        int v2_fd = -1;
        r = view_fd < 0 ? negative_errno() : lookup_group(&t, path, &v2_fd);
        if (r >= 0) {
                r = build_node(&t, view_fd, v2_fd, path, path, &root);
                close(v2_fd);
        }
        if (r < 0) {
                fprintf(stderr, "cgcompatctl tree: %s: %s\n", view_path, strerror(-r));
                return 1;
        }
        if (o.json) {
                print_tree_json(root);
                fputc('\n', stdout);
        } else {
                static const struct tree_style plain = { "", "", "" }, colour = { "\033[1m", "\033[90m", "\033[0m" };
                const struct tree_style *style = use_colour() ? &colour : &plain;
                print_group_line(root, "", "", style);
                print_tree_text(root, "", style);
        }
        group_node_free(root);
        return 0;
}

/* ---- pid ---- */

static int pid_command(int argc, char *argv[]) {
        _cleanup_(config_freep) struct config c = {};
        _cleanup_(served_freep) struct served s = {};
        _cleanup_free_ char *paths = NULL; /* the group in each view, PATH_MAX apart */
        struct compat_tree t;
        struct options o;
        char v2[PATH_MAX], hierarchy[256];
        bool outside = false;
        char *end;
        int r;

        r = parse_options(argc, argv, TAKES_JSON | TAKES_SELECTION, &o);
        if (r != 0)
                return r > 0 ? 0 : 2;
        if (o.n_args != 1) {
                fprintf(stderr, "cgcompatctl pid: needs one PID\n");
                return 2;
        }
        errno = 0;
        long pid = strtol(o.args[0], &end, 10);
        if (errno || *end || end == o.args[0] || pid <= 0 || pid > INT_MAX) {
                fprintf(stderr, "cgcompatctl pid: %s: not a process id\n", o.args[0]);
                return 2;
        }
        if (open_served(&o, true, &c, &s) < 0)
                return 1;
        r = task_cgroup2_path((pid_t) pid, v2, sizeof(v2));
        if (r < 0) {
                fprintf(stderr, "cgcompatctl pid: process %ld: %s\n", pid,
                        r == -ENODATA ? "no cgroup v2 line in /proc/PID/cgroup" : strerror(-r));
                return 1;
        }
        r = served_tree_open(&s, &t);
        if (r < 0) {
                fprintf(stderr, "cgcompatctl pid: %s: %s\n", s.root, strerror(-r));
                return 1;
        }
        _cleanup_close_ int root_fd = t.root_fd;
        paths = calloc(s.n_views ? s.n_views : 1, PATH_MAX);
        if (!paths) {
                fprintf(stderr, "cgcompatctl pid: %s\n", strerror(ENOMEM));
                return 1;
        }
        for (size_t i = 0; i < s.n_views; i++) {
                r = served_view_path(&t, (pid_t) pid, s.views[i].key, paths + i * PATH_MAX, PATH_MAX);
                if (r < 0) {
                        fprintf(stderr, "cgcompatctl pid: process %ld in v2 %s: %s\n", pid, v2, strerror(-r));
                        return 1;
                }
                outside = r > 0;
        }
        if (outside)
                fprintf(stderr, "cgcompatctl pid: process %ld is outside the tree (v2 %s): shown at the root, "
                                "where v1 shows every process nobody moved\n", pid, v2);

        /* Hierarchy ids as the kernel numbers them, in the order the daemon mounts the views. */
        size_t n_v1 = 0;
        for (size_t i = 0; i < s.n_views; i++)
                n_v1 += !strcmp(s.views[i].flavor, "cgroup-v1");
        const struct served_view *container = served_find_flavor(&s, "container");
        const char *container_path = container ? paths + (size_t) (container - s.views) * PATH_MAX : NULL;

        if (o.json) {
                printf("{\"pid\":%ld,\"v2\":", pid);
                json_put_string(stdout, v2, strlen(v2));
                printf(",\"in_tree\":%s,\"container\":", outside ? "false" : "true");
                if (container)
                        json_put_string(stdout, container_path, strlen(container_path));
                else
                        fputs("null", stdout);
                fputs(",\"cgroup\":[", stdout);
        } else if (container && o.show != SHOW_CGROUP)
                printf(o.show == SHOW_CONTAINER ? "%s\n" : "container: %s\n", container_path);
        /* The kernel lists the newest hierarchy first. */
        for (size_t i = s.n_views, id = n_v1, shown = 0; i-- > 0;) {
                const char *path = paths + i * PATH_MAX;
                if (strcmp(s.views[i].flavor, "cgroup-v1"))
                        continue;
                if (served_hierarchy(&s.views[i], &c, hierarchy, sizeof(hierarchy)) < 0)
                        snprintf(hierarchy, sizeof(hierarchy), "%s", s.views[i].key);
                if (o.json) {
                        char line[PATH_MAX + 300];
                        snprintf(line, sizeof(line), "%zu:%s:%s", id, hierarchy, path);
                        if (shown++)
                                fputc(',', stdout);
                        json_put_string(stdout, line, strlen(line));
                } else if (o.show != SHOW_CONTAINER)
                        printf("%s%zu:%s:%s\n", o.show == SHOW_CGROUP ? "" : "cgroup: ", id, hierarchy, path);
                id--;
        }
        if (o.json)
                fputs("]}\n", stdout);
        return 0;
}

/* ---- audit ---- */

/* One audit record (compat/audit_entry.h): from a line of the log, decoded in place; from the journal, copies. */
struct audit_record {
        char *file, *value, *v2, *mapping, *result;
};

/* What the report reads of a record, by its name in the JSON line and in the journal. */
static const struct audit_field {
        const char *json, *journal;
        size_t offset;
} audit_fields[] = {
        { "file", AUDIT_FIELD_FILE, offsetof(struct audit_record, file) },
        { "value", AUDIT_FIELD_VALUE, offsetof(struct audit_record, value) },
        { "v2", AUDIT_FIELD_V2, offsetof(struct audit_record, v2) },
        { "mapping", AUDIT_FIELD_MAPPING, offsetof(struct audit_record, mapping) },
        { "result", AUDIT_FIELD_RESULT, offsetof(struct audit_record, result) },
};

static char **audit_record_field(struct audit_record *a, const struct audit_field *f) {
        return (char **) ((char *) a + f->offset);
}

static void skip_space(char **p) {
        while (**p == ' ' || **p == '\t')
                (*p)++;
}

/* Decodes the JSON string at *p in place, NUL-terminated; *p moves past it. */
static int parse_json_string(char **p, char **ret) {
        char *in = *p, *out;

        if (*in != '"')
                return -EBADMSG;
        *ret = out = ++in;
        for (; *in != '"'; in++) {
                if (!*in)
                        return -EBADMSG;
                if (*in != '\\') {
                        *out++ = *in;
                        continue;
                }
                in++;
                switch (*in) {
                case 'n': *out++ = '\n'; break;
                case 't': *out++ = '\t'; break;
                case 'r': *out++ = '\r'; break;
                case 'b': *out++ = '\b'; break;
                case 'f': *out++ = '\f'; break;
                case '"': case '\\': case '/': *out++ = *in; break;
                case 'u': {
                        unsigned code;
                        if (sscanf(in + 1, "%4x", &code) != 1 || strspn(in + 1, "0123456789abcdefABCDEF") < 4)
                                return -EBADMSG;
                        in += 4;
                        /* UTF-8, at most 3 bytes for the 6 characters they replace. */
                        if (code < 0x80)
                                *out++ = (char) code;
                        else if (code < 0x800) {
                                *out++ = (char) (0xc0 | code >> 6);
                                *out++ = (char) (0x80 | (code & 0x3f));
                        } else {
                                *out++ = (char) (0xe0 | code >> 12);
                                *out++ = (char) (0x80 | (code >> 6 & 0x3f));
                                *out++ = (char) (0x80 | (code & 0x3f));
                        }
                        break;
                }
                default:
                        return -EBADMSG;
                }
        }
        *out = 0;
        *p = in + 1;
        return 0;
}

/* A flat object of strings and numbers; keys we do not know are skipped, so the format can grow. */
static int parse_audit_record(char *line, struct audit_record *ret) {
        struct audit_record a = {};
        char *p = line;

        skip_space(&p);
        if (*p++ != '{')
                return -EBADMSG;
        for (;;) {
                char *key, *value = NULL;
                skip_space(&p);
                if (parse_json_string(&p, &key) < 0)
                        return -EBADMSG;
                skip_space(&p);
                if (*p++ != ':')
                        return -EBADMSG;
                skip_space(&p);
                if (*p == '"') {
                        if (parse_json_string(&p, &value) < 0)
                                return -EBADMSG;
                } else {
                        size_t n = strspn(p, "-+.0123456789eEtruefalsn");
                        if (n == 0)
                                return -EBADMSG;
                        p += n;
                }
                for (size_t i = 0; value && i < ELEMENTSOF(audit_fields); i++)
                        if (!strcmp(key, audit_fields[i].json))
                                *audit_record_field(&a, &audit_fields[i]) = value;
                skip_space(&p);
                if (*p == '}')
                        break;
                if (*p++ != ',')
                        return -EBADMSG;
        }
        if (!a.file || !a.result)
                return -EBADMSG;
        *ret = a;
        return 0;
}

struct value_example {
        char *value, *v2, *result; /* the first outcome that succeeded, else the first failure */
};

struct errno_count {
        char *name;
        size_t count;
};

struct file_report {
        char *file;
        char *mappings; /* distinct, ", " between them */
        size_t writes, ok, distinct;
        void *values; /* tsearch() set of the distinct values */
        struct value_example examples[AUDIT_EXAMPLES];
        size_t n_examples;
        struct errno_count *failures;
        size_t n_failures;
};

struct audit_report {
        const char *source; /* the log's path, or "the journal" */
        bool from_journal;
        struct file_report *files;
        size_t n_files;
        size_t records, failed, skipped; /* skipped: lines or entries that are not records */
};

static int compare_strings(const void *a, const void *b) {
        return strcmp(a, b);
}

static void file_report_free(struct file_report *f) {
        free(f->file);
        free(f->mappings);
        tdestroy(f->values, free);
        for (size_t i = 0; i < f->n_examples; i++) {
                free(f->examples[i].value);
                free(f->examples[i].v2);
                free(f->examples[i].result);
        }
        for (size_t i = 0; i < f->n_failures; i++)
                free(f->failures[i].name);
        free(f->failures);
}

static void audit_report_free(struct audit_report *a) {
        for (size_t i = 0; i < a->n_files; i++)
                file_report_free(&a->files[i]);
        free(a->files);
}

static struct file_report *file_report_for(struct audit_report *a, const char *file) {
        for (size_t i = 0; i < a->n_files; i++)
                if (!strcmp(a->files[i].file, file))
                        return &a->files[i];
        struct file_report *files = realloc(a->files, (a->n_files + 1) * sizeof(*files));
        if (!files)
                return NULL;
        a->files = files;
        struct file_report *f = &files[a->n_files];
        *f = (struct file_report) { .file = strdup(file), .mappings = strdup("") };
        if (!f->file || !f->mappings) {
                file_report_free(f);
                return NULL;
        }
        a->n_files++;
        return f;
}

static int add_mapping(struct file_report *f, const char *mapping) {
        size_t len = strlen(mapping), have = strlen(f->mappings);

        for (const char *m = f->mappings; (m = strstr(m, mapping)); m += len)
                if ((m == f->mappings || m[-1] == ' ') && (m[len] == 0 || m[len] == ','))
                        return 0;
        char *joined = realloc(f->mappings, have + len + 3);
        if (!joined)
                return -ENOMEM;
        sprintf(joined + have, "%s%s", have ? ", " : "", mapping);
        f->mappings = joined;
        return 0;
}

static int count_failure(struct file_report *f, const char *name) {
        for (size_t i = 0; i < f->n_failures; i++)
                if (!strcmp(f->failures[i].name, name)) {
                        f->failures[i].count++;
                        return 0;
                }
        struct errno_count *failures = realloc(f->failures, (f->n_failures + 1) * sizeof(*failures));
        if (!failures)
                return -ENOMEM;
        f->failures = failures;
        failures[f->n_failures] = (struct errno_count) { .name = strdup(name), .count = 1 };
        return failures[f->n_failures++].name ? 0 : -ENOMEM;
}

static int set_example(struct value_example *e, const struct audit_record *rec) {
        free(e->v2);
        free(e->result);
        e->v2 = strdup(rec->v2 ? rec->v2 : "");
        e->result = strdup(rec->result);
        return e->v2 && e->result ? 0 : -ENOMEM;
}

static int audit_add(struct audit_report *a, const struct audit_record *rec) {
        const char *value = rec->value ? rec->value : "";
        bool ok = !strcmp(rec->result, "ok");
        struct file_report *f = file_report_for(a, rec->file);
        int r;

        if (!f)
                return -ENOMEM;
        a->records++;
        a->failed += !ok;
        f->writes++;
        f->ok += ok;
        r = add_mapping(f, rec->mapping ? rec->mapping : "?");
        if (r >= 0 && !ok)
                r = count_failure(f, rec->result);
        if (r < 0)
                return r;

        char *copy = strdup(value);
        if (!copy)
                return -ENOMEM;
        char **found = tsearch(copy, &f->values, compare_strings);
        if (!found) {
                free(copy);
                return -ENOMEM;
        }
        if (*found != copy) {
                free(copy);
                /* A value seen before: keep the example's first success. */
                for (size_t i = 0; i < f->n_examples; i++)
                        if (!strcmp(f->examples[i].value, value) && ok && strcmp(f->examples[i].result, "ok"))
                                return set_example(&f->examples[i], rec);
                return 0;
        }
        f->distinct++;
        if (f->n_examples == AUDIT_EXAMPLES)
                return 0;
        struct value_example *e = &f->examples[f->n_examples++];
        *e = (struct value_example) { .value = strdup(value) };
        return e->value ? set_example(e, rec) : -ENOMEM;
}

static int compare_file_reports(const void *a, const void *b) {
        return strcmp(((const struct file_report *) a)->file, ((const struct file_report *) b)->file);
}

/* Hands @a over sorted by file, or frees it on error @r. */
static int audit_report_finish(struct audit_report *a, int r, struct audit_report *ret) {
        if (r < 0) {
                audit_report_free(a);
                return r;
        }
        if (a->n_files > 1)
                qsort(a->files, a->n_files, sizeof(*a->files), compare_file_reports);
        *ret = *a;
        return 0;
}

static int read_audit_log(const char *path, struct audit_report *ret) {
        _cleanup_free_ char *line = NULL;
        struct audit_report a = { .source = path };
        size_t size = 0;
        int r = 0;

        FILE *f = fopen(path, "re");
        if (!f)
                return negative_errno();
        while (r >= 0 && getline(&line, &size, f) > 0) {
                struct audit_record rec;
                if (parse_audit_record(line, &rec) < 0)
                        a.skipped++;
                else
                        r = audit_add(&a, &rec);
        }
        if (r >= 0 && ferror(f))
                r = -EIO;
        fclose(f);
        return audit_report_finish(&a, r, ret);
}

/* Field @name of the journal's current entry, copied and NUL-terminated: a NUL inside ends it, as in the log. */
static int journal_field(sd_journal *j, const char *name, char **ret) {
        size_t n = strlen(name), len;
        const void *data;

        assert(j);
        assert(ret);

        int r = sd_journal_get_data(j, name, &data, &len);
        if (r == -ENOENT) {
                *ret = NULL;
                return 0;
        }
        if (r < 0)
                return r;
        if (len <= n || ((const char *) data)[n] != '=')
                return -EBADMSG;
        *ret = strndup((const char *) data + n + 1, len - n - 1);
        return *ret ? 0 : -ENOMEM;
}

static void audit_record_free(struct audit_record *a) {
        for (size_t i = 0; i < ELEMENTSOF(audit_fields); i++)
                free(*audit_record_field(a, &audit_fields[i]));
}

/* The journal's current entry into @a: an entry without the fields of a record is skipped. */
static int audit_add_journal_entry(struct audit_report *a, sd_journal *j) {
        _cleanup_(audit_record_free) struct audit_record rec = {};
        int r;

        assert(a);
        assert(j);

        for (size_t i = 0; i < ELEMENTSOF(audit_fields); i++) {
                r = journal_field(j, audit_fields[i].journal, audit_record_field(&rec, &audit_fields[i]));
                if (r < 0)
                        return r;
        }
        if (!rec.file || !rec.result) {
                a->skipped++;
                return 0;
        }
        return audit_add(a, &rec);
}

/*
 * The audit entries of the local system journal (every boot it kept): -ENOENT when there
 * is no journal to read here, -ENODATA when it holds no audit entry.
 */
static int read_audit_journal(struct audit_report *ret) {
        _cleanup_(sd_journal_closep) sd_journal *j = NULL;
        struct audit_report a = { .source = "the journal", .from_journal = true };
        uint64_t usage = 0;
        int r;

        r = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM);
        if (r < 0)
                return r;
        /* Opened, but no file in it: no journald here, or none of its files readable by us. */
        r = sd_journal_get_usage(j, &usage);
        if (r < 0)
                return r;
        if (usage == 0)
                return -ENOENT;
        r = sd_journal_add_match(j, "MESSAGE_ID=" AUDIT_MESSAGE_ID, 0);
        if (r < 0)
                return r;
        while (r >= 0 && (r = sd_journal_next(j)) > 0)
                r = audit_add_journal_entry(&a, j);
        if (r >= 0 && a.records + a.skipped == 0)
                r = -ENODATA;
        return audit_report_finish(&a, r, ret);
}

static void print_audit_text(const struct audit_report *a) {
        printf("%zu write%s to %zu file%s in %s, %zu failed\n", a->records, a->records == 1 ? "" : "s", a->n_files,
               a->n_files == 1 ? "" : "s", a->source, a->failed);
        if (a->skipped)
                printf("%zu %s not audit records, skipped\n", a->skipped,
                       a->from_journal ? (a->skipped == 1 ? "entry" : "entries") : (a->skipped == 1 ? "line" : "lines"));
        for (size_t i = 0; i < a->n_files; i++) {
                const struct file_report *f = &a->files[i];

                printf("\n%s: %zu write%s", f->file, f->writes, f->writes == 1 ? "" : "s");
                if (f->ok < f->writes)
                        printf(", %zu failed", f->writes - f->ok);
                printf(", %zu distinct value%s, %s\n", f->distinct, f->distinct == 1 ? "" : "s", f->mappings);
                for (size_t k = 0; k < f->n_examples; k++) {
                        const struct value_example *e = &f->examples[k];
                        fputs("  ", stdout);
                        json_put_string(stdout, e->value, strlen(e->value));
                        if (strcmp(e->result, "ok"))
                                printf(" -> failed: %s\n", e->result);
                        else
                                printf(" -> %s\n", e->v2[0] ? e->v2 : "(no v2 write recorded)");
                }
                if (f->distinct > f->n_examples)
                        printf("  ... and %zu more\n", f->distinct - f->n_examples);
                if (f->n_failures) {
                        printf("  failures:");
                        for (size_t k = 0; k < f->n_failures; k++)
                                printf(" %s %zu", f->failures[k].name, f->failures[k].count);
                        printf("\n");
                }
        }
}

static void print_audit_json(const struct audit_report *a) {
        fputc('{', stdout);
        json_put_key_string("log", a->source, false);
        printf(",\"writes\":%zu,\"failed\":%zu,\"skipped_lines\":%zu,\"files\":[", a->records, a->failed, a->skipped);
        for (size_t i = 0; i < a->n_files; i++) {
                const struct file_report *f = &a->files[i];

                printf("%s{", i ? "," : "");
                json_put_key_string("file", f->file, false);
                printf(",\"writes\":%zu,\"ok\":%zu,\"failed\":%zu,\"distinct_values\":%zu", f->writes, f->ok,
                       f->writes - f->ok, f->distinct);
                json_put_key_string("mapping", f->mappings, true);
                fputs(",\"examples\":[", stdout);
                for (size_t k = 0; k < f->n_examples; k++) {
                        printf("%s{", k ? "," : "");
                        json_put_key_string("value", f->examples[k].value, false);
                        json_put_key_string("v2", f->examples[k].v2, true);
                        json_put_key_string("result", f->examples[k].result, true);
                        fputc('}', stdout);
                }
                fputs("],\"failures\":{", stdout);
                for (size_t k = 0; k < f->n_failures; k++) {
                        if (k)
                                fputc(',', stdout);
                        json_put_string(stdout, f->failures[k].name, strlen(f->failures[k].name));
                        printf(":%zu", f->failures[k].count);
                }
                fputs("}}", stdout);
        }
        fputs("]}\n", stdout);
}

static void print_journal_error(int r) {
        if (r == -ENOENT)
                fprintf(stderr, "cgcompatctl audit: the journal: %s (no journal files here%s)\n", strerror(-r),
                        geteuid() == 0 ? "" : ", or none readable: root or the group systemd-journal reads them");
        else if (r == -ENODATA)
                fprintf(stderr, "cgcompatctl audit: the journal: %s (no audit entry, MESSAGE_ID=%s: the daemon sends them "
                        "with \"audit: on\" when journald runs)\n", strerror(-r), AUDIT_MESSAGE_ID);
        else
                fprintf(stderr, "cgcompatctl audit: the journal: %s\n", strerror(-r));
}

static int audit_command(int argc, char *argv[]) {
        _cleanup_(config_freep) struct config c = {};
        struct audit_report a;
        struct options o;
        char path[PATH_MAX];
        int r;

        r = parse_options(argc, argv, TAKES_JSON | TAKES_JOURNAL, &o);
        if (r != 0)
                return r > 0 ? 0 : 2;
        if (o.n_args > 0) {
                fprintf(stderr, "cgcompatctl audit: unexpected argument '%s'\n", o.args[0]);
                return 2;
        }
        if (o.journal) {
                r = read_audit_journal(&a);
                if (r < 0) {
                        print_journal_error(r);
                        return 1;
                }
        } else {
                if (tools_load_config("cgcompatctl", o.config, &c) < 0)
                        return 1;
                snprintf(path, sizeof(path), "%s/audit.log", c.runtime_dir);
                r = read_audit_log(path, &a);
                /* No log, as where runtime_dir was emptied by a reboot: the journal may have kept the records. */
                if (r == -ENOENT && read_audit_journal(&a) >= 0)
                        fprintf(stderr, "cgcompatctl audit: %s: %s; reading the journal instead\n", path,
                                strerror(ENOENT));
                else if (r < 0) {
                        fprintf(stderr, "cgcompatctl audit: %s: %s%s\n", path, strerror(-r),
                                r == -ENOENT ? " (the audit is kept with \"audit: on\" in the configuration)" : "");
                        return 1;
                }
        }
        if (o.json)
                print_audit_json(&a);
        else
                print_audit_text(&a);
        audit_report_free(&a);
        return 0;
}

/* ---- exec ---- */

/* The view a -g argument names: by subsystem, name= or container, else the first cgroup-v1 view, else the first view. */
static const struct view_config *view_for(const struct config *c, const char *subsys) {
        int s = subsys ? subsystem_by_name(subsys) : -1;

        if (subsys && s < 0) {
                for (size_t i = 0; i < c->n_views; i++) {
                        const struct view_config *v = &c->views[i];
                        if (!strcmp(subsys, "container") ? v->flavor == FLAVOR_CONTAINER
                                                         : v->name && !strncmp(subsys, "name=", 5) &&
                                                                   !strcmp(subsys + 5, v->name))
                                return v;
                }
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

/*
 * Programs that find cgroups through the mount table (libcgroup, older JVMs)
 * see the views as v1 hierarchies through libcgcompat-preload.so, set in
 * LD_PRELOAD for CMD and all it runs: $CGCOMPAT_PRELOAD_LIB, else the library
 * beside this program, else the installed one. CGCOMPAT_PRELOAD=0 leaves the
 * environment alone, =1 makes a missing library an error.
 */
#ifndef CGCOMPAT_LIBDIR
#define CGCOMPAT_LIBDIR "/usr/lib"
#endif
#define PRELOAD_LIBRARY "libcgcompat-preload.so"

static int find_preload_library(char *buf, size_t size) {
        const char *named = getenv("CGCOMPAT_PRELOAD_LIB");
        char self[PATH_MAX];

        if (named && named[0])
                return snprintf(buf, size, "%s", named) < (int) size && access(buf, R_OK) == 0 ? 0 : -ENOENT;
        ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
        char *slash = n > 0 ? (self[n] = 0, strrchr(self, '/')) : NULL;
        if (slash && snprintf(buf, size, "%.*s/" PRELOAD_LIBRARY, (int) (slash - self), self) < (int) size &&
            access(buf, R_OK) == 0)
                return 0;
        snprintf(buf, size, CGCOMPAT_LIBDIR "/cgcompat/" PRELOAD_LIBRARY);
        return access(buf, R_OK) == 0 ? 0 : -ENOENT;
}

static int set_preload_environment(const struct config *c) {
        const char *wanted = getenv("CGCOMPAT_PRELOAD"), *preload = getenv("LD_PRELOAD");
        char library[PATH_MAX];
        _cleanup_free_ char *list = NULL;

        if (wanted && !strcmp(wanted, "0"))
                return 0;
        if (find_preload_library(library, sizeof(library)) < 0) {
                if (!wanted || strcmp(wanted, "1"))
                        return 0;
                fprintf(stderr, "cgcompatctl: CGCOMPAT_PRELOAD=1 but no %s\n", library);
                return -ENOENT;
        }
        /* Once: an exec inside another one finds it there already. */
        size_t n = strlen(library);
        for (const char *p = preload; p && *p; p += strcspn(p, ": "), p += strspn(p, ": "))
                if (!strncmp(p, library, n) && (p[n] == 0 || p[n] == ':' || p[n] == ' '))
                        return setenv("CGCOMPAT_RUNTIME_DIR", c->runtime_dir, 1) < 0 ? negative_errno() : 0;
        if (asprintf(&list, "%s%s%s", library, preload && preload[0] ? ":" : "", preload ? preload : "") < 0)
                return -ENOMEM;
        if (setenv("LD_PRELOAD", list, 1) < 0 || setenv("CGCOMPAT_RUNTIME_DIR", c->runtime_dir, 1) < 0)
                return negative_errno();
        return 0;
}

/*
 * The seccomp supervisor answers for CMD and all it runs: 0 when it serves,
 * 1 when the kernel cannot give us a listener (the preload library then
 * stands in), or a negative errno. Called after joining the group and entering
 * the layout, as the last step before exec: from here on our own read-only
 * opens wait for the supervisor.
 */
static int supervise_command(int sock) {
        _cleanup_close_ int listener = seccomp_install_listener();
        if (listener < 0) {
                int r = listener;
                if (r == -EINVAL || r == -ENOSYS || r == -EBUSY || r == -EOPNOTSUPP) {
                        fprintf(stderr, "cgcompatctl: warning: no seccomp listener (%s): exec falls back to the "
                                        "preload library\n", strerror(-r));
                        return 1;
                }
                fprintf(stderr, "cgcompatctl: cannot install the seccomp filter: %s\n", strerror(-r));
                return r;
        }
        int r = seccomp_supervisor_hand_over(sock, listener);
        if (r < 0)
                fprintf(stderr, "cgcompatctl: the seccomp supervisor did not take over: %s\n", strerror(-r));
        return r;
}

static int exec_command(int argc, char *argv[]) {
        enum { ARG_PRELOAD = 0x100 };
        static const struct option options[] = {
                { "config", required_argument, NULL, 'c' },
                { "group", required_argument, NULL, 'g' },
                { "help", no_argument, NULL, 'h' },
                { "preload", no_argument, NULL, ARG_PRELOAD },
                {},
        };
        _cleanup_(config_freep) struct config c = {};
        _cleanup_close_ int sock = -1;
        const char *config_path = NULL, *group = NULL, *wanted = getenv("CGCOMPAT_PRELOAD");
        bool preload = false;
        int opt;

        optind = 1;
        while ((opt = getopt_long(argc, argv, "+c:g:h", options, NULL)) >= 0)
                switch (opt) {
                case 'c':
                        config_path = optarg;
                        break;
                case 'g':
                        group = optarg;
                        break;
                case 'h':
                        help();
                        return 0;
                case ARG_PRELOAD:
                        preload = true;
                        break;
                default:
                        return 2;
                }
        if (optind >= argc) {
                fprintf(stderr, "cgcompatctl: exec needs a command\n");
                return 2;
        }
        if (tools_load_config("cgcompatctl", config_path, &c) < 0)
                return 1;
        /*
         * CGCOMPAT_PRELOAD=0 has always meant exec without rewriting: no supervisor
         * either. Otherwise it starts before join_group and unshare, so that it
         * stays in our cgroup and in the machine's mount namespace.
         */
        int r = 0;
        if (!preload && !(wanted && !strcmp(wanted, "0"))) {
                r = seccomp_supervisor_spawn(c.runtime_dir, &sock);
                if (r < 0)
                        fprintf(stderr, "cgcompatctl: cannot start the seccomp supervisor: %s\n", strerror(-r));
        }
        if (r >= 0 && group)
                r = join_group(&c, group);
        if (r >= 0)
                r = enter_legacy_layout(&c);
        if (r >= 0 && sock >= 0) {
                /* The library spares dynamically linked programs the round trip for unrelated opens. */
                r = set_preload_environment(&c);
                if (r >= 0 && setenv(CGCOMPAT_SUPERVISED_ENV, "1", 1) < 0)
                        r = negative_errno();
                if (r >= 0)
                        r = supervise_command(sock);
                preload = r == 1;
                if (preload)
                        (void) unsetenv(CGCOMPAT_SUPERVISED_ENV); /* the library is all there is */
        } else if (r >= 0 && preload) {
                (void) unsetenv(CGCOMPAT_SUPERVISED_ENV); /* an exec --preload inside a supervised one */
                r = set_preload_environment(&c);
        }
        config_free(&c);
        if (r < 0)
                return 1;
        execvp(argv[optind], argv + optind);
        fprintf(stderr, "cgcompatctl: cannot run %s: %s\n", argv[optind], strerror(errno));
        return 127;
}

/* As an OCI createRuntime hook: {"path": ".../cgcompatctl", "args": ["cgcompatctl", "oci-hook"]}. */
static int oci_hook_command(int argc, char *argv[]) {
        _cleanup_(config_freep) struct config c = {};
        struct options o;

        int r = parse_options(argc, argv, 0, &o);
        if (r != 0)
                return r > 0 ? 0 : 2;
        if (o.n_args != 0) {
                fprintf(stderr, "cgcompatctl oci-hook: takes only -c FILE, and the container's state on stdin\n");
                return 2;
        }
        if (tools_load_config("cgcompatctl", o.config, &c) < 0)
                return 1;
        return oci_hook_run(&c, STDIN_FILENO) < 0 ? 1 : 0;
}

/* The OCI seccomp agent: linux.seccomp.listenerPath names SOCKET. */
static int seccomp_agent_command(int argc, char *argv[]) {
        _cleanup_(config_freep) struct config c = {};
        struct options o;

        int r = parse_options(argc, argv, 0, &o);
        if (r != 0)
                return r > 0 ? 0 : 2;
        if (o.n_args != 1) {
                fprintf(stderr, "cgcompatctl seccomp-agent: needs SOCKET (and only -c FILE besides)\n");
                return 2;
        }
        if (tools_load_config("cgcompatctl", o.config, &c) < 0)
                return 1;
        return seccomp_agent_run(o.args[0], c.runtime_dir) < 0 ? 1 : 0;
}

static int check_config_command(int argc, char *argv[]) {
        if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
                help();
                return 0;
        }
        if (argc > 2) {
                fprintf(stderr, "cgcompatctl check-config: unexpected argument '%s'\n", argv[2]);
                return 2;
        }
        return check_config(argc == 2 ? argv[1] : NULL);
}

int main(int argc, char *argv[]) {
        static const struct {
                const char *name;
                int (*run)(int argc, char *argv[]);
        } commands[] = {
                { "status", status_command },       { "tree", tree_command },   { "pid", pid_command },
                { "audit", audit_command },         { "exec", exec_command },
                { "check-config", check_config_command }, { "oci-hook", oci_hook_command },
                { "seccomp-agent", seccomp_agent_command },
        };

        if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
                help();
                return argc < 2 ? 2 : 0;
        }
        if (!strcmp(argv[1], "--version")) {
                printf("cgcompatctl %s\n", CGCOMPAT_VERSION);
                return 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                if (!strcmp(argv[1], commands[i].name))
                        return commands[i].run(argc - 1, argv + 1);
        fprintf(stderr, "cgcompatctl: unknown command: %s (see cgcompatctl help)\n", argv[1]);
        return 2;
}
