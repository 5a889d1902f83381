/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "served.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backend/backend.h"
#include "compat/clock.h"
#include "compat/macro.h"
#include "compat/placement.h"

int tools_load_config(const char *tool, const char *path, struct config *ret) {
        _cleanup_free_ char *error = NULL;
        int r;

        if (!path && access(DEFAULT_CONFIG, F_OK) < 0)
                r = config_defaults(ret);
        else
                r = config_load(path ? path : DEFAULT_CONFIG, ret, &error);
        if (r < 0)
                fprintf(stderr, "%s: %s\n", tool, error ? error : strerror(-r));
        return r;
}

void served_free(struct served *s) {
        free(s->root);
        free(s->leaf);
        free(s->legacy_root);
        for (size_t i = 0; i < s->n_views; i++) {
                free(s->views[i].flavor);
                free(s->views[i].key);
                free(s->views[i].mount);
        }
        free(s->views);
        free(s->view_keys);
        *s = (struct served) {};
}

static int add_view(struct served *s, char *record) {
        /* "FLAVOR KEY PATH": only the path may hold spaces. */
        char *key = strchr(record, ' ');
        char *mount = key ? strchr(key + 1, ' ') : NULL;
        if (!mount)
                return -EBADMSG;
        struct served_view *views = realloc(s->views, (s->n_views + 1) * sizeof(*views));
        if (!views)
                return -ENOMEM;
        s->views = views;
        struct served_view *v = &views[s->n_views];
        *v = (struct served_view) {
                .flavor = strndup(record, (size_t) (key - record)),
                .key = strndup(key + 1, (size_t) (mount - key - 1)),
                .mount = strdup(mount + 1),
        };
        s->n_views++;
        return v->flavor && v->key && v->mount ? 0 : -ENOMEM;
}

static int set_string(char **field, const char *value) {
        free(*field);
        *field = strdup(value);
        return *field ? 0 : -ENOMEM;
}

static int parse_record(struct served *s, char *line) {
        char *value = strchr(line, ' ');
        if (!value)
                return -EBADMSG;
        *value++ = 0;
        if (!strcmp(line, "pid")) {
                char *end;
                long pid = strtol(value, &end, 10);
                if (*end || pid <= 0)
                        return -EBADMSG;
                s->pid = (pid_t) pid;
                return 0;
        }
        if (!strcmp(line, "root"))
                return set_string(&s->root, value);
        if (!strcmp(line, "leaf"))
                return set_string(&s->leaf, value);
        if (!strcmp(line, "legacy_root"))
                return set_string(&s->legacy_root, value);
        if (!strcmp(line, "view"))
                return add_view(s, value);
        return 0; /* "link", and records added later: not ours to judge */
}

/* The views' keys side by side, as struct compat_tree takes them. */
static int collect_keys(struct served *s) {
        s->view_keys = calloc(s->n_views ? s->n_views : 1, sizeof(char *));
        if (!s->view_keys)
                return -ENOMEM;
        for (size_t i = 0; i < s->n_views; i++)
                s->view_keys[i] = s->views[i].key;
        return 0;
}

int served_load(const char *runtime_dir, struct served *ret) {
        _cleanup_free_ char *line = NULL;
        struct served s = {};
        size_t size = 0;
        ssize_t n;
        int r = 0;

        if (snprintf(s.path, sizeof(s.path), "%s/views", runtime_dir) >= (int) sizeof(s.path))
                return -ENAMETOOLONG;
        FILE *f = fopen(s.path, "re");
        if (!f)
                return negative_errno();
        while (r >= 0 && (n = getline(&line, &size, f)) > 0) {
                if (line[n - 1] == '\n')
                        line[n - 1] = 0;
                r = parse_record(&s, line);
        }
        fclose(f);
        if (r >= 0 && (s.pid <= 0 || !s.root || !s.leaf))
                r = -EBADMSG;
        if (r >= 0 && !s.legacy_root)
                r = set_string(&s.legacy_root, "");
        if (r >= 0)
                r = collect_keys(&s);
        if (r < 0) {
                served_free(&s);
                return r;
        }
        *ret = s;
        return 0;
}

/* Is @name, or the basename of one of its arguments, the daemon? (also under valgrind or a wrapper) */
static bool cmdline_names_daemon(pid_t pid) {
        char path[64], buf[4096];

        snprintf(path, sizeof(path), "/proc/%d/cmdline", (int) pid);
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return false;
        ssize_t n = read(fd, buf, sizeof(buf) - 1);
        if (n <= 0)
                return false;
        buf[n] = 0;
        for (char *arg = buf; arg < buf + n; arg += strlen(arg) + 1) {
                const char *base = strrchr(arg, '/');
                if (!strcmp(base ? base + 1 : arg, "cgcompatd"))
                        return true;
        }
        return false;
}

bool served_daemon_alive(const struct served *s) {
        char path[64], state = 0;

        snprintf(path, sizeof(path), "/proc/%d/stat", (int) s->pid);
        FILE *f = fopen(path, "re");
        if (!f)
                return false;
        /* "pid (comm) S ...": comm may hold spaces and parentheses, the state follows the last ')'. */
        char buf[512];
        size_t n = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
        buf[n] = 0;
        char *paren = strrchr(buf, ')');
        if (paren && paren[1] == ' ')
                state = paren[2];
        return state && state != 'Z' && state != 'X' && cmdline_names_daemon(s->pid);
}

const struct served_view *served_find_flavor(const struct served *s, const char *flavor) {
        for (size_t i = 0; i < s->n_views; i++)
                if (!strcmp(s->views[i].flavor, flavor))
                        return &s->views[i];
        return NULL;
}

const struct served_view *served_find_mount(const struct served *s, const char *path) {
        for (size_t i = 0; i < s->n_views; i++)
                if (!strcmp(s->views[i].mount, path))
                        return &s->views[i];
        return NULL;
}

int hierarchy_name(unsigned subsystems, const char *name, char *buf, size_t size) {
        size_t len = 0;
        int n = 0;

        assert(size > 0);
        buf[0] = 0;
        for (int s = 0; s < SUBSYS__COUNT; s++) {
                if (!(subsystems & SUBSYS_BIT(s)))
                        continue;
                n = snprintf(buf + len, size - len, "%s%s", len ? "," : "", subsystem_get(s)->name);
                if (n < 0 || (size_t) n >= size - len)
                        return -ENAMETOOLONG;
                len += (size_t) n;
        }
        if (name)
                n = snprintf(buf + len, size - len, "%sname=%s", len ? "," : "", name);
        return n < 0 || (size_t) n >= size - len ? -ENAMETOOLONG : 0;
}

int served_hierarchy(const struct served_view *v, const struct config *c, char *buf, size_t size) {
        if (strcmp(v->flavor, "cgroup-v1"))
                return -EINVAL;
        for (size_t i = 0; c && i < c->n_views; i++) {
                const struct view_config *vc = &c->views[i];
                if (vc->flavor == FLAVOR_CGROUP_V1 && vc->name && !strcmp(vc->mount, v->mount) &&
                    !strncmp(v->key, "name=", 5) && !strcmp(vc->name, v->key + 5))
                        return hierarchy_name(vc->subsystems, vc->name, buf, size);
        }
        int n = snprintf(buf, size, "%s", v->key);
        return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
}

int served_tree_open(const struct served *s, struct compat_tree *ret) {
        if (strlen(s->root) >= sizeof(ret->root_path) || strlen(s->leaf) >= sizeof(ret->leaf))
                return -ENAMETOOLONG;
        if (s->n_views > 64)
                return -E2BIG; /* the daemon serves no more: a held set is a mask of 64 (compat/placement.c) */
        int fd = open(s->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        *ret = (struct compat_tree) {
                .backend = &backend_cgroupfs,
                .root_fd = fd,
                /* A group with no mark is held by the views the daemon serves, not by the configuration's. */
                .view_keys = s->view_keys,
                .n_view_keys = s->n_views,
        };
        strcpy(ret->root_path, s->root);
        strcpy(ret->leaf, s->leaf);
        tree_find_root_cgroup(ret);
        return 0;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s) {
        char *out = s;
        for (; *s; s++) {
                if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
                        *out++ = (char) ((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
                        s += 3;
                } else
                        *out++ = *s;
        }
        *out = 0;
}

int served_view_path(const struct compat_tree *t, pid_t pid, const char *key, char *buf, size_t size) {
        _cleanup_close_ int fd = -1;
        int r = placement_of_task(t, pid, key, &fd);
        if (r < 0)
                return r;
        int e = tree_legacy_path(t, fd, buf, size);
        return e < 0 ? e : r;
}

int path_is_view_mount(const char *path) {
        _cleanup_free_ char *line = NULL;
        size_t size = 0;
        int found = 0;

        FILE *f = fopen("/proc/self/mountinfo", "re");
        if (!f)
                return negative_errno();
        /* "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS"; the last mount on top. */
        while (getline(&line, &size, f) > 0) {
                char *save = NULL, *mountpoint = NULL, *fstype = NULL, *field;
                int i = 0;
                bool after_separator = false;

                for (field = strtok_r(line, " \n", &save); field; field = strtok_r(NULL, " \n", &save), i++) {
                        if (i == 4)
                                mountpoint = field;
                        else if (after_separator) {
                                fstype = field;
                                break;
                        } else if (i > 5 && !strcmp(field, "-"))
                                after_separator = true;
                }
                if (!mountpoint || !fstype)
                        continue;
                unescape_octal(mountpoint);
                if (!strcmp(mountpoint, path))
                        found = !strcmp(fstype, "fuse.cgcompat");
        }
        fclose(f);
        return found;
}

/* In a child: list the view's root, and exit with 0 or the errno. */
_Noreturn static void list_view_root(const char *mount) {
        DIR *d = opendir(mount);
        if (!d)
                _exit(errno ? errno : EIO);
        errno = 0;
        while (readdir(d))
                ;
        _exit(errno);
}

int probe_views(char *const *mounts, size_t n, int timeout_ms, int *ret) {
        _cleanup_free_ pid_t *children = calloc(n ? n : 1, sizeof(pid_t));
        size_t pending = 0;

        if (!children)
                return -ENOMEM;
        fflush(NULL); /* the children must not write our buffers twice */
        for (size_t i = 0; i < n; i++) {
                ret[i] = -ETIMEDOUT;
                children[i] = fork();
                if (children[i] == 0)
                        list_view_root(mounts[i]);
                if (children[i] < 0)
                        ret[i] = negative_errno();
                else
                        pending++;
        }
        for (int64_t deadline = monotonic_ms() + timeout_ms; pending > 0 && monotonic_ms() < deadline;) {
                for (size_t i = 0; i < n; i++) {
                        int status;
                        if (children[i] <= 0 || waitpid(children[i], &status, WNOHANG) != children[i])
                                continue;
                        ret[i] = WIFEXITED(status) ? -WEXITSTATUS(status) : -EIO;
                        children[i] = 0;
                        pending--;
                }
                if (pending > 0)
                        (void) nanosleep(&(struct timespec) { .tv_nsec = 10 * 1000 * 1000 }, NULL);
        }
        /* A request to a hung FUSE daemon waits killably: SIGKILL ends it, and the child is collected if it goes. */
        for (size_t i = 0; i < n; i++)
                if (children[i] > 0) {
                        kill(children[i], SIGKILL);
                        for (int tries = 0; tries < 20 && waitpid(children[i], NULL, WNOHANG) == 0; tries++)
                                (void) nanosleep(&(struct timespec) { .tv_nsec = 5 * 1000 * 1000 }, NULL);
                }
        return 0;
}

