/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mount.container and mount.cgroup, one binary named twice: mount(8)'s external
 * helpers, so that `mount -t container none /dev/container` and `mount -t cgroup
 * -o cpu,cpuacct none DIR` work as legacy scripts wrote them. Each binds a view
 * the daemon serves at DIR; mount.container starts the daemon if none runs.
 * mount.cgroup binds only a view whose hierarchy is exactly the one asked for,
 * and fails otherwise: it never mounts the kernel's cgroup v1 instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "compat/clock.h"
#include "compat/macro.h"
#include "conf/config.h"
#include "served.h"

/* mount(8)'s exit statuses, which helpers share. */
#define EXIT_USAGE 1
#define EXIT_MOUNT_FAILURE 32

#define DAEMON_START_TIMEOUT_MS 10000
#define DAEMON_LOG "cgcompatd.log"

enum helper { HELPER_CONTAINER, HELPER_CGROUP };

struct request {
        enum helper helper;
        const char *program; /* "mount.container" */
        const char *spec, *dir;
        bool fake, verbose;
        const char *namespace;
        char *config;
        unsigned long flags; /* per-mount flags for the bind: MS_RDONLY, MS_NOSUID... */
        /* mount.cgroup: the hierarchy asked for, as the kernel parses cgroup v1 mount options. */
        unsigned subsystems;
        bool none, all;
        char *name;
};

static void request_free(struct request *req) {
        free(req->name);
        free(req->config);
}

static void help(const char *program) {
        printf("Usage: %s SPEC DIR [-sfnv] [-N NAMESPACE] [-o OPTIONS] [-t TYPE]\n\n", program);
        if (!strcmp(program, "mount.cgroup"))
                printf("Called by mount(8) for `mount -t cgroup -o SUBSYSTEMS none DIR`: binds at DIR the\n"
                       "cgcompat view whose hierarchy is exactly SUBSYSTEMS (and name=NAME), starting\n"
                       "cgcompatd if its configuration has that view. Any other hierarchy fails with\n"
                       "status 32: the kernel's cgroup v1 is never mounted in its place.\n\n");
        else
                printf("Called by mount(8) for `mount -t container none DIR`: binds at DIR the container\n"
                       "view of the running cgcompatd, or starts cgcompatd (from beside this helper, else\n"
                       "from PATH, its output in <runtime_dir>/" DAEMON_LOG ") and waits for it.\n\n");
        printf("  -o OPTIONS  comma-separated: ro, nosuid, nodev, noexec, noatime, nodiratime,\n"
               "              relatime, strictatime apply to the bind; rw and the other generic\n"
               "              mount options are accepted; config=FILE names the daemon's\n"
               "              configuration (else $CGCOMPAT_CONFIG, else " DEFAULT_CONFIG "\n"
               "              when it exists, else the built-in defaults)%s\n"
               "  -f          fake: check everything, bind nothing, start nothing\n"
               "  -v          say what is done\n"
               "  -N NS       bind in the mount namespace NS (a pid or a path)\n"
               "  -s, -n, -t  accepted and ignored\n"
               "  -h, --help  show this help\n\n"
               "Exit status: 0 mounted, 1 usage error, 32 mount failure.\n",
               !strcmp(program, "mount.cgroup")
                       ? ";\n              the cgroup v1 options: subsystem names, none, all, name=NAME\n"
                         "              (noprefix, clone_children, xattr, cpuset_v2_mode and\n"
                         "              release_agent= are ignored, as the kernel ignores them when\n"
                         "              mounting a hierarchy that exists)"
                       : "");
}

static const struct {
        const char *name;
        unsigned long flag;
} mount_flags[] = {
        { "ro", MS_RDONLY },          { "rw", 0 },
        { "nosuid", MS_NOSUID },      { "suid", 0 },
        { "nodev", MS_NODEV },        { "dev", 0 },
        { "noexec", MS_NOEXEC },      { "exec", 0 },
        { "noatime", MS_NOATIME },    { "atime", 0 },
        { "nodiratime", MS_NODIRATIME }, { "diratime", 0 },
        { "relatime", MS_RELATIME },  { "norelatime", 0 },
        { "strictatime", MS_STRICTATIME }, { "nostrictatime", 0 },
        /* Superblock or fstab options: the view's superblock is the daemon's, and fstab's are mount(8)'s. */
        { "defaults", 0 },            { "async", 0 },        { "sync", 0 },     { "dirsync", 0 },
        { "lazytime", 0 },            { "nolazytime", 0 },   { "auto", 0 },     { "noauto", 0 },
        { "user", 0 },                { "nouser", 0 },       { "users", 0 },    { "owner", 0 },
        { "group", 0 },               { "nofail", 0 },       { "_netdev", 0 },  { "silent", 0 },
        { "loud", 0 },
};

/* Options cgroup v1 takes that change nothing for a hierarchy that already exists. */
static const char *const cgroup_ignored[] = {
        "noprefix", "clone_children", "xattr", "cpuset_v2_mode", "favordynmods", "nofavordynmods",
};

static int parse_option(struct request *req, const char *option) {
        if (!strncmp(option, "config=", 7)) {
                free(req->config);
                req->config = strdup(option + 7);
                return req->config ? 0 : -ENOMEM;
        }
        if (!strncmp(option, "x-", 2) || !strncmp(option, "comment=", 8))
                return 0;
        for (size_t i = 0; i < ELEMENTSOF(mount_flags); i++)
                if (!strcmp(option, mount_flags[i].name)) {
                        req->flags |= mount_flags[i].flag;
                        return 0;
                }
        if (req->helper == HELPER_CGROUP) {
                int s = subsystem_by_name(option);
                if (s >= 0) {
                        req->subsystems |= SUBSYS_BIT(s);
                        return 0;
                }
                if (!strcmp(option, "none") || !strcmp(option, "all")) {
                        *(option[0] == 'n' ? &req->none : &req->all) = true;
                        return 0;
                }
                if (!strncmp(option, "name=", 5) && option[5]) {
                        free(req->name);
                        req->name = strdup(option + 5);
                        return req->name ? 0 : -ENOMEM;
                }
                bool ignored = !strncmp(option, "release_agent=", 14);
                for (size_t i = 0; i < ELEMENTSOF(cgroup_ignored) && !ignored; i++)
                        ignored = !strcmp(option, cgroup_ignored[i]);
                if (ignored) {
                        fprintf(stderr, "%s: option %s ignored: the view's hierarchy exists already\n", req->program,
                                option);
                        return 0;
                }
        }
        fprintf(stderr, "%s: unknown mount option: %s\n", req->program, option);
        return -EINVAL;
}

static int parse_options(struct request *req, const char *options) {
        _cleanup_free_ char *copy = strdup(options);

        if (!copy)
                return -ENOMEM;
        for (char *save = NULL, *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
                int r = parse_option(req, o);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* The hierarchy asked for, checked as cgroup1_parse_param() and check_cgroupfs_options() check it. */
static int requested_hierarchy(struct request *req, char *buf, size_t size) {
        if (req->none && (req->subsystems || req->all)) {
                fprintf(stderr, "%s: \"none\" cannot go with subsystems\n", req->program);
                return -EINVAL;
        }
        if (req->none && !req->name) {
                fprintf(stderr, "%s: \"none\" needs name=NAME\n", req->program);
                return -EINVAL;
        }
        /* No subsystem and no name=: the kernel takes them all. */
        if (req->all || (!req->none && !req->subsystems && !req->name))
                req->subsystems = (1u << SUBSYS__COUNT) - 1;
        return hierarchy_name(req->subsystems, req->name, buf, size);
}

/* Does the configuration (the daemon about to be started) have the view asked for? */
static bool config_has_view(const struct request *req, const struct config *c, const char *hierarchy) {
        char name[512];

        for (size_t i = 0; i < c->n_views; i++) {
                const struct view_config *v = &c->views[i];
                if (req->helper == HELPER_CONTAINER ? v->flavor == FLAVOR_CONTAINER
                                                    : v->flavor == FLAVOR_CGROUP_V1 &&
                                                              hierarchy_name(v->subsystems, v->name, name, sizeof(name)) >= 0 &&
                                                              !strcmp(name, hierarchy))
                        return true;
        }
        return false;
}

static const struct served_view *served_view_for(const struct request *req, const struct served *s,
                                                 const struct config *c, const char *hierarchy) {
        char name[512];

        if (req->helper == HELPER_CONTAINER)
                return served_find_flavor(s, "container");
        for (size_t i = 0; i < s->n_views; i++)
                if (served_hierarchy(&s->views[i], c, name, sizeof(name)) >= 0 && !strcmp(name, hierarchy))
                        return &s->views[i];
        return NULL;
}

static void report_missing_view(const struct request *req, const struct served *s, const struct config *c,
                                const char *hierarchy) {
        char name[512];
        bool any = false;

        if (req->helper == HELPER_CONTAINER) {
                fprintf(stderr, "%s: cgcompatd (pid %d) serves no container view\n", req->program, (int) s->pid);
                return;
        }
        fprintf(stderr, "%s: no cgcompat view serves the cgroup hierarchy %s (served:", req->program,
                req->all || req->subsystems == (1u << SUBSYS__COUNT) - 1 ? "of all subsystems" : hierarchy);
        for (size_t i = 0; i < s->n_views; i++)
                if (served_hierarchy(&s->views[i], c, name, sizeof(name)) >= 0) {
                        fprintf(stderr, "%s %s", any ? ";" : "", name);
                        any = true;
                }
        fprintf(stderr, "%s); the kernel's cgroup v1 is not mounted instead\n", any ? "" : " none");
}

static int mkdir_parents(const char *path) {
        char buf[PATH_MAX];

        if (snprintf(buf, sizeof(buf), "%s", path) >= (int) sizeof(buf))
                return -ENAMETOOLONG;
        for (char *slash = buf + 1;; slash++) {
                slash = strchr(slash, '/');
                if (slash)
                        *slash = 0;
                if (mkdir(buf, 0755) < 0 && errno != EEXIST)
                        return negative_errno();
                if (!slash)
                        return 0;
                *slash = '/';
        }
}

/* cgcompatd beside this helper (a build tree, or an install that keeps them together), else from PATH. */
static void daemon_path(char *buf, size_t size) {
        char self[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

        if (n > 0) {
                self[n] = 0;
                char *slash = strrchr(self, '/');
                if (slash) {
                        *slash = 0;
                        if (snprintf(buf, size, "%s/cgcompatd", self) < (int) size && access(buf, X_OK) == 0)
                                return;
                }
        }
        snprintf(buf, size, "cgcompatd");
}

_Noreturn static void exec_daemon(const char *daemon, const char *config, int log_fd) {
        sigset_t all;
        int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

        /* A daemon of its own: no terminal, no session of mount(8)'s, its output in the log. */
        (void) setsid();
        if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(log_fd, STDOUT_FILENO) < 0 || dup2(log_fd, STDERR_FILENO) < 0)
                _exit(127);
        sigfillset(&all);
        sigprocmask(SIG_UNBLOCK, &all, NULL);
        if (!getenv("PATH"))
                setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
        char *argv[] = { "cgcompatd", config ? "-c" : NULL, (char *) config, NULL };
        execvp(daemon, argv);
        fprintf(stderr, "cannot run %s: %s\n", daemon, strerror(errno));
        _exit(127);
}

static void sleep_ms(long ms) {
        (void) nanosleep(&(struct timespec) { .tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000 }, NULL);
}

/* Starts cgcompatd and waits until it publishes its registry (all its views are mounted then). */
static int start_daemon(const struct request *req, const char *config, const struct config *c, struct served *ret) {
        char log[PATH_MAX], daemon[PATH_MAX];
        int r;

        r = mkdir_parents(c->runtime_dir);
        if (r < 0) {
                fprintf(stderr, "%s: cannot make %s: %s\n", req->program, c->runtime_dir, strerror(-r));
                return r;
        }
        snprintf(log, sizeof(log), "%s/" DAEMON_LOG, c->runtime_dir);
        _cleanup_close_ int log_fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
        if (log_fd < 0) {
                r = negative_errno();
                fprintf(stderr, "%s: cannot open %s: %s\n", req->program, log, strerror(-r));
                return r;
        }
        daemon_path(daemon, sizeof(daemon));
        if (req->verbose)
                printf("%s: starting %s%s%s, its output in %s\n", req->program, daemon, config ? " -c " : "",
                       config ? config : "", log);
        fflush(NULL);
        pid_t pid = fork();
        if (pid < 0)
                return negative_errno();
        if (pid == 0)
                exec_daemon(daemon, config, log_fd);

        for (int64_t deadline = monotonic_ms() + DAEMON_START_TIMEOUT_MS; monotonic_ms() < deadline; sleep_ms(50)) {
                int status;
                /* Another daemon may have won a race to start: any live one serving will do. */
                if (served_load(c->runtime_dir, ret) >= 0) {
                        if (served_daemon_alive(ret))
                                return 0;
                        served_free(ret);
                }
                if (waitpid(pid, &status, WNOHANG) == pid) {
                        fprintf(stderr, "%s: cgcompatd exited (%s %d) before serving its views; see %s\n", req->program,
                                WIFEXITED(status) ? "status" : "signal",
                                WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), log);
                        return -ECHILD;
                }
        }
        /* A mount that failed leaves nothing behind. */
        kill(pid, SIGTERM);
        fprintf(stderr, "%s: cgcompatd (pid %d) did not serve its views within %d s, stopped; see %s\n", req->program,
                (int) pid, DAEMON_START_TIMEOUT_MS / 1000, log);
        return -ETIMEDOUT;
}

static int enter_namespace(const struct request *req) {
        char path[PATH_MAX];

        if (strspn(req->namespace, "0123456789") == strlen(req->namespace))
                snprintf(path, sizeof(path), "/proc/%s/ns/mnt", req->namespace);
        else
                snprintf(path, sizeof(path), "%s", req->namespace);
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || setns(fd, CLONE_NEWNS) < 0) {
                int r = negative_errno();
                fprintf(stderr, "%s: cannot enter the mount namespace %s: %s\n", req->program, path, strerror(-r));
                return r;
        }
        return 0;
}

/* mount --bind, then the per-mount flags asked for, keeping those the view already had (nosuid, nodev). */
static int bind_view(const struct request *req, const char *view, const char *target) {
        static const struct {
                unsigned long vfs, mount;
        } kept[] = {
                { ST_RDONLY, MS_RDONLY },   { ST_NOSUID, MS_NOSUID },         { ST_NODEV, MS_NODEV },
                { ST_NOEXEC, MS_NOEXEC },   { ST_NOATIME, MS_NOATIME },       { ST_NODIRATIME, MS_NODIRATIME },
                { ST_RELATIME, MS_RELATIME },
        };
        struct statvfs sv;

        if (mount(view, target, NULL, MS_BIND, NULL) < 0) {
                int r = negative_errno();
                fprintf(stderr, "%s: cannot bind %s on %s: %s\n", req->program, view, target, strerror(-r));
                return r;
        }
        if (!(req->flags & ~(unsigned long) MS_RELATIME))
                return 0;
        unsigned long flags = req->flags;
        if (statvfs(target, &sv) == 0)
                for (size_t i = 0; i < ELEMENTSOF(kept); i++)
                        if (sv.f_flag & kept[i].vfs)
                                flags |= kept[i].mount;
        if (mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | flags, NULL) < 0) {
                int r = negative_errno();
                fprintf(stderr, "%s: cannot apply the mount options to %s: %s\n", req->program, target, strerror(-r));
                (void) umount2(target, MNT_DETACH);
                return r;
        }
        return 0;
}

static int run(struct request *req) {
        _cleanup_(config_freep) struct config c = {};
        _cleanup_(served_freep) struct served s = {};
        _cleanup_free_ char *config = NULL;
        char hierarchy[512] = "", target[PATH_MAX];
        int r;

        if (req->helper == HELPER_CGROUP && requested_hierarchy(req, hierarchy, sizeof(hierarchy)) < 0)
                return -EINVAL;
        const char *config_arg = req->config ? req->config : getenv("CGCOMPAT_CONFIG");
        if (config_arg && config_arg[0]) {
                /* The daemon starts in /: it gets the file by its absolute name. */
                config = realpath(config_arg, NULL);
                if (!config) {
                        r = negative_errno();
                        fprintf(stderr, "%s: %s: %s\n", req->program, config_arg, strerror(-r));
                        return r;
                }
        } else if (access(DEFAULT_CONFIG, F_OK) == 0 && !(config = strdup(DEFAULT_CONFIG)))
                return -ENOMEM;
        r = tools_load_config(req->program, config, &c);
        if (r < 0)
                return r;

        bool running = served_load(c.runtime_dir, &s) >= 0 && served_daemon_alive(&s);
        if (!running) {
                served_free(&s);
                if (!config_has_view(req, &c, hierarchy)) {
                        if (req->helper == HELPER_CONTAINER)
                                fprintf(stderr, "%s: %s has no container view\n", req->program,
                                        config ? config : "the built-in configuration");
                        else
                                fprintf(stderr, "%s: %s has no view of the cgroup hierarchy %s; the kernel's cgroup "
                                                "v1 is not mounted instead\n",
                                        req->program, config ? config : "the built-in configuration", hierarchy);
                        return -ENOENT;
                }
                if (req->fake) {
                        if (req->verbose)
                                printf("%s: would start cgcompatd and bind its view on %s\n", req->program, req->dir);
                        return 0;
                }
                r = start_daemon(req, config, &c, &s);
                if (r < 0)
                        return r;
        }
        const struct served_view *v = served_view_for(req, &s, &c, hierarchy);
        if (!v) {
                report_missing_view(req, &s, &c, hierarchy);
                return -ENOENT;
        }
        if (path_is_view_mount(v->mount) <= 0) {
                fprintf(stderr, "%s: %s is not mounted: cgcompatd (pid %d) no longer serves it\n", req->program,
                        v->mount, (int) s.pid);
                return -ENOTCONN;
        }
        if (req->namespace && (r = enter_namespace(req)) < 0)
                return r;
        if (!realpath(req->dir, target)) {
                r = negative_errno();
                fprintf(stderr, "%s: %s: %s\n", req->program, req->dir, strerror(-r));
                return r;
        }
        if (!strcmp(target, v->mount)) {
                if (req->verbose)
                        printf("%s: %s is served there by cgcompatd (pid %d)\n", req->program, target, (int) s.pid);
                return 0;
        }
        if (!req->fake && (r = bind_view(req, v->mount, target)) < 0)
                return r;
        if (req->verbose)
                printf("%s: %s%s (%s, cgcompatd pid %d) on %s\n", req->program, req->fake ? "would bind " : "",
                       v->mount, v->key, (int) s.pid, target);
        return 0;
}

int main(int argc, char *argv[]) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                {},
        };
        const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
        struct request req = { .program = base };
        int opt, r;

        if (!strcmp(base, "mount.container"))
                req.helper = HELPER_CONTAINER;
        else if (!strcmp(base, "mount.cgroup"))
                req.helper = HELPER_CGROUP;
        else {
                fprintf(stderr, "%s: call this program as mount.container or mount.cgroup\n", base);
                return EXIT_USAGE;
        }
        while ((opt = getopt_long(argc, argv, "sfnvN:o:t:h", options, NULL)) >= 0)
                switch (opt) {
                case 'f':
                        req.fake = true;
                        break;
                case 'v':
                        req.verbose = true;
                        break;
                case 'N':
                        req.namespace = optarg;
                        break;
                case 'o':
                        if (parse_options(&req, optarg) < 0) {
                                request_free(&req);
                                return EXIT_MOUNT_FAILURE;
                        }
                        break;
                case 's':
                case 'n':
                case 't':
                        break;
                case 'h':
                        help(base);
                        request_free(&req);
                        return 0;
                default:
                        request_free(&req);
                        return EXIT_USAGE;
                }
        if (argc - optind != 2) {
                fprintf(stderr, "%s: needs SPEC and DIR (see %s --help)\n", base, base);
                request_free(&req);
                return EXIT_USAGE;
        }
        req.spec = argv[optind];
        req.dir = argv[optind + 1];
        r = run(&req);
        request_free(&req);
        return r < 0 ? EXIT_MOUNT_FAILURE : 0;
}
