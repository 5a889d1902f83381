/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* backend.root "auto": the cgroup systemd delegates to the tree (see delegation.h). */
#include "delegation.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>

#include <systemd/sd-daemon.h>
#include <systemd/sd-login.h>

#include "backend.h"
#include "compat/macro.h"
#include "compat/spawn.h"

#define AUTO_ROOT_NAME "cgcompat"
#define SYSTEMD_DEST "org.freedesktop.systemd1"
#define SYSTEMD_PATH "/org/freedesktop/systemd1"
#define SYSTEMD_MANAGER "org.freedesktop.systemd1.Manager"
/* How long systemd may take to put the anchor in the new scope. */
#define SCOPE_START_TIMEOUT_MS 10000

static void bus_unrefp(sd_bus **b) {
        sd_bus_flush_close_unref(*b);
}
static void message_unrefp(sd_bus_message **m) {
        sd_bus_message_unref(*m);
}
#define _cleanup_bus_ _cleanup_(bus_unrefp)
#define _cleanup_message_ _cleanup_(message_unrefp)
#define _cleanup_bus_error_ _cleanup_(sd_bus_error_free)

static int formatted(char *buf, size_t size, const char *fmt, ...) _printf_(3, 4);
static int formatted(char *buf, size_t size, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(buf, size, fmt, ap);
        va_end(ap);
        return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
}

int systemd_bus_open(sd_bus **ret) {
        _cleanup_bus_ sd_bus *bus = NULL;
        int r;

        /* What systemctl does as root: PID 1 answers there without dbus-daemon running. */
        if (geteuid() == 0 && access("/run/systemd/private", F_OK) >= 0) {
                r = sd_bus_new(&bus);
                if (r >= 0)
                        r = sd_bus_set_address(bus, "unix:path=/run/systemd/private");
                if (r >= 0)
                        r = sd_bus_start(bus);
                if (r >= 0) {
                        *ret = TAKE_PTR(bus);
                        return 0;
                }
                bus = sd_bus_flush_close_unref(bus);
        }
        r = sd_bus_open_system(&bus);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(bus);
        return 0;
}

/* The v2 path of @pid's cgroup (0: ours), relative to the cgroup2 mount: "/system.slice/x.service". */
static int cgroup_of(pid_t pid, char *buf, size_t size) {
        char path[64], line[PATH_MAX + 8];
        int r = -ENODATA;

        if (pid == 0)
                strcpy(path, "/proc/self/cgroup");
        else
                snprintf(path, sizeof(path), "/proc/%d/cgroup", (int) pid);
        FILE *f = fopen(path, "re");
        if (!f)
                return negative_errno();
        while (fgets(line, sizeof(line), f))
                if (!strncmp(line, "0::", 3)) {
                        line[strcspn(line, "\n")] = 0;
                        r = formatted(buf, size, "%s", line + 3);
                        break;
                }
        fclose(f);
        return r;
}

static int write_string(const char *dir, const char *file, const char *value) {
        char path[PATH_MAX];
        int r = formatted(path, sizeof(path), "%s/%s", dir, file);
        if (r < 0)
                return r;
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        ssize_t n = write(fd, value, strlen(value));
        if (n < 0)
                return negative_errno();
        return (size_t) n == strlen(value) ? 0 : -EIO;
}

/* Moves @pid (0: this process) into the child @name of @dir, made if missing. */
static int move_into_child(const char *dir, const char *name, pid_t pid, char *ret_path, size_t size) {
        char pid_text[32];
        int r;

        r = formatted(ret_path, size, "%s/%s", dir, name);
        if (r < 0)
                return r;
        if (mkdir(ret_path, 0755) < 0 && errno != EEXIST)
                return negative_errno();
        snprintf(pid_text, sizeof(pid_text), "%d\n", (int) pid);
        return write_string(ret_path, "cgroup.procs", pid_text);
}

/* Hands every controller the cgroup has to its children: allowed in a delegated cgroup with no process in it. */
static int enable_controllers(const char *dir) {
        char path[PATH_MAX], available[512], wanted[1024] = "";
        size_t len = 0;
        int r;

        r = formatted(path, sizeof(path), "%s/cgroup.controllers", dir);
        if (r < 0)
                return r;
        FILE *f = fopen(path, "re");
        if (!f)
                return negative_errno();
        if (!fgets(available, sizeof(available), f))
                available[0] = 0;
        fclose(f);
        for (char *save = NULL, *c = strtok_r(available, " \n", &save); c; c = strtok_r(NULL, " \n", &save)) {
                r = formatted(wanted + len, sizeof(wanted) - len, "%s+%s", len ? " " : "", c);
                if (r < 0)
                        return r;
                len += strlen(wanted + len);
        }
        return len ? write_string(dir, "cgroup.subtree_control", wanted) : 0;
}

/* Does systemd delegate @dir? Since v251 it marks such cgroups with an xattr; before, ask for the unit's Delegate=. */
static int is_delegated(sd_bus *bus, const char *dir, const char *unit) {
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *object = NULL;
        char value[8];
        int delegate = 0, r;

        ssize_t n = getxattr(dir, "trusted.delegate", value, sizeof(value) - 1);
        if (n > 0) {
                value[n] = 0;
                return value[0] == '1';
        }
        const char *dot = strrchr(unit, '.');
        const char *interface = !dot                    ? NULL
                                : !strcmp(dot, ".service") ? "org.freedesktop.systemd1.Service"
                                : !strcmp(dot, ".scope")   ? "org.freedesktop.systemd1.Scope"
                                                          : NULL;
        if (!interface)
                return 0;
        r = sd_bus_path_encode(SYSTEMD_PATH "/unit", unit, &object);
        if (r < 0)
                return r;
        r = sd_bus_get_property_trivial(bus, SYSTEMD_DEST, object, interface, "Delegate", &error, 'b', &delegate);
        return r < 0 ? r : delegate != 0;
}

/* The cgroup of the tree scope if it is running, -ENOENT if there is none. */
static int scope_cgroup(sd_bus *bus, char *buf, size_t size) {
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *object = NULL, *state = NULL, *cgroup = NULL;
        int r;

        r = sd_bus_path_encode(SYSTEMD_PATH "/unit", DELEGATION_TREE_SCOPE, &object);
        if (r < 0)
                return r;
        r = sd_bus_get_property_string(bus, SYSTEMD_DEST, object, "org.freedesktop.systemd1.Unit", "ActiveState",
                                       &error, &state);
        if (r < 0)
                return r;
        if (strcmp(state, "active"))
                return -ENOENT; /* inactive: systemd loaded it for our question only, or it is going away */
        r = sd_bus_get_property_string(bus, SYSTEMD_DEST, object, "org.freedesktop.systemd1.Scope", "ControlGroup",
                                       &error, &cgroup);
        if (r < 0)
                return r;
        return cgroup[0] ? formatted(buf, size, "%s", cgroup) : -ENOENT;
}

/* The anchor: our own binary, exec'd clean (no fds, signals or session of ours), doing nothing. */
static int spawn_anchor(pid_t *ret) {
        char *argv[] = { "cgcompatd", DELEGATION_ANCHOR_ARG, NULL };
        char *envp[] = { NULL };
        return spawn_detached("/proc/self/exe", argv, envp, ret);
}

void delegation_anchor_main(void) {
        (void) prctl(PR_SET_NAME, "cgcompat-anchor");
        for (;;)
                pause();
}

static int append_pids_property(sd_bus_message *m, const pid_t *pids, size_t n) {
        int r = sd_bus_message_open_container(m, 'r', "sv");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", "PIDs");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'v', "au");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "u");
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = sd_bus_message_append(m, "u", (uint32_t) pids[i]);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r;
}

/* As container runtimes' systemd drivers do: a transient scope, Delegate=yes, with @pids in it. */
static int new_start_scope_message(sd_bus *bus, const pid_t *pids, size_t n, sd_bus_message **ret) {
        _cleanup_message_ sd_bus_message *m = NULL;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, SYSTEMD_DEST, SYSTEMD_PATH, SYSTEMD_MANAGER, "StartTransientUnit");
        if (r >= 0)
                r = sd_bus_message_append(m, "ss", DELEGATION_TREE_SCOPE, "fail");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "(sv)");
        if (r >= 0)
                r = sd_bus_message_append(m, "(sv)(sv)(sv)", "Description", "s", "cgcompat: the legacy cgroup tree",
                                          "Delegate", "b", 1, "Slice", "s", "system.slice");
        if (r >= 0)
                r = append_pids_property(m, pids, n);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r >= 0)
                r = sd_bus_message_append(m, "a(sa(sv))", 0);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(m);
        return 0;
}

static int start_scope(sd_bus *bus, const pid_t *pids, size_t n) {
        /*
         * A scope of the same name that is stopped but not yet collected: a failed one is
         * forgotten on request, a dead one at systemd's next collection. Ask again meanwhile.
         */
        for (int waited = 0;; waited += 20) {
                _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
                _cleanup_message_ sd_bus_message *m = NULL, *reply = NULL;
                int r = new_start_scope_message(bus, pids, n, &m);
                if (r < 0)
                        return r;
                r = sd_bus_call(bus, m, 0, &error, &reply);
                if (r >= 0 || !sd_bus_error_has_name(&error, "org.freedesktop.systemd1.UnitExists") ||
                    waited >= SCOPE_START_TIMEOUT_MS)
                        return r;
                sd_bus_error_free(&error);
                (void) sd_bus_call_method(bus, SYSTEMD_DEST, SYSTEMD_PATH, SYSTEMD_MANAGER, "ResetFailedUnit", &error,
                                          NULL, "s", DELEGATION_TREE_SCOPE);
                (void) poll(NULL, 0, 20);
        }
}

/* systemd moves the scope's processes when it runs the job, just after answering: wait for it. */
static int wait_for_scope(pid_t pid, char *ret_cgroup, size_t size) {
        const char *suffix = "/" DELEGATION_TREE_SCOPE;
        size_t n = strlen(suffix);

        for (int waited = 0; waited < SCOPE_START_TIMEOUT_MS; waited += 10) {
                int r = cgroup_of(pid, ret_cgroup, size);
                if (r < 0)
                        return r;
                size_t len = strlen(ret_cgroup);
                if (len >= n && !strcmp(ret_cgroup + len - n, suffix))
                        return 0;
                (void) poll(NULL, 0, 10);
        }
        return -ETIMEDOUT;
}

static int attach_to_scope(sd_bus *bus, const char *subgroup, pid_t pid) {
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        return sd_bus_call_method(bus, SYSTEMD_DEST, SYSTEMD_PATH, SYSTEMD_MANAGER, "AttachProcessesToUnit", &error,
                                  NULL, "ssau", DELEGATION_TREE_SCOPE, subgroup, 1, (uint32_t) pid);
}

/* A cgroup with no process in it (or none at all). */
static bool cgroup_empty(const char *dir) {
        char path[PATH_MAX], pid[32];
        if (formatted(path, sizeof(path), "%s/cgroup.procs", dir) < 0)
                return true;
        FILE *f = fopen(path, "re");
        if (!f)
                return true;
        bool empty = !fgets(pid, sizeof(pid), f);
        fclose(f);
        return empty;
}

/*
 * Finds or starts the tree scope, with an anchor in <scope>/anchor and, with
 * @join, this process in <scope>/supervisor; sets @scope_dir to its directory.
 */
static int ensure_tree_scope(sd_bus *bus, const char *mount, bool join, struct delegation *d, char *scope_dir,
                             size_t size) {
        char cgroup[PATH_MAX], anchor_dir[PATH_MAX];
        pid_t anchor;
        int r;

        r = scope_cgroup(bus, cgroup, sizeof(cgroup));
        if (r == -ENOENT) {
                r = spawn_anchor(&anchor);
                if (r < 0)
                        return r;
                pid_t pids[] = { anchor, getpid() };
                r = start_scope(bus, pids, join ? 2 : 1);
                if (r >= 0)
                        r = wait_for_scope(anchor, cgroup, sizeof(cgroup));
                if (r >= 0)
                        r = formatted(scope_dir, size, "%s%s", mount, cgroup);
                /* Inside our own delegated cgroup now: we place the processes ourselves. */
                if (r >= 0)
                        r = move_into_child(scope_dir, "anchor", anchor, anchor_dir, sizeof(anchor_dir));
                if (r >= 0 && join)
                        r = move_into_child(scope_dir, "supervisor", 0, d->supervisor, sizeof(d->supervisor));
                if (r < 0) {
                        (void) kill(anchor, SIGTERM);
                        return r;
                }
                return 0;
        }
        if (r < 0)
                return r;
        r = formatted(scope_dir, size, "%s%s", mount, cgroup);
        if (r >= 0)
                r = formatted(anchor_dir, sizeof(anchor_dir), "%s/anchor", scope_dir);
        if (r < 0)
                return r;
        /* The scope lives on its groups' tasks, but only the anchor keeps empty groups from being trimmed. */
        if (cgroup_empty(anchor_dir)) {
                r = spawn_anchor(&anchor);
                if (r >= 0)
                        r = attach_to_scope(bus, "/anchor", anchor);
                if (r < 0)
                        return r;
        }
        if (join) {
                r = attach_to_scope(bus, "/supervisor", getpid());
                if (r >= 0)
                        r = formatted(d->supervisor, sizeof(d->supervisor), "%s/supervisor", scope_dir);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Under systemd: the daemon out of the top of a delegated cgroup, the tree in the scope. */
static int resolve_under_systemd(const char *mount, struct delegation *d) {
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_free_ char *unit = NULL;
        char own[PATH_MAX], own_dir[PATH_MAX], scope_dir[PATH_MAX];
        int delegated, r;

        r = cgroup_of(0, own, sizeof(own));
        if (r >= 0)
                r = formatted(own_dir, sizeof(own_dir), "%s%s", mount, own);
        if (r < 0)
                return r;
        r = systemd_bus_open(&bus);
        if (r < 0)
                return r;
        if (sd_pid_get_unit(0, &unit) < 0)
                unit = NULL;
        delegated = unit ? is_delegated(bus, own_dir, unit) : 0;
        if (delegated < 0)
                return delegated;
        if (delegated) {
                r = move_into_child(own_dir, "supervisor", 0, d->supervisor, sizeof(d->supervisor));
                if (r < 0)
                        return r;
        }
        r = ensure_tree_scope(bus, mount, !delegated, d, scope_dir, sizeof(scope_dir));
        if (r >= 0)
                r = enable_controllers(scope_dir);
        if (r >= 0)
                r = formatted(d->tree_root, sizeof(d->tree_root), "%s/tree", scope_dir);
        if (r < 0)
                return r;
        return formatted(d->how, sizeof(d->how), "%s %s: daemon in %s, tree in %s", unit ? unit : "no unit",
                         delegated ? "is delegated" : "is not delegated",
                         d->supervisor[0] ? d->supervisor + strlen(mount) : own, d->tree_root + strlen(mount));
}

int delegation_resolve(const char *configured, struct delegation *ret) {
        char mount[PATH_MAX];
        int r;

        *ret = (struct delegation) {};
        if (strcmp(configured, "auto")) {
                strcpy(ret->how, "backend.root as configured");
                return formatted(ret->tree_root, sizeof(ret->tree_root), "%s", configured);
        }
        r = cgroup2_mount_point(mount, sizeof(mount));
        if (r < 0)
                return r;
        if (sd_booted() > 0) {
                r = resolve_under_systemd(mount, ret);
                if (r >= 0)
                        return 0;
                ret->error = r;
                ret->supervisor[0] = 0;
        }
        r = formatted(ret->tree_root, sizeof(ret->tree_root), "%s/%s", mount, AUTO_ROOT_NAME);
        if (r < 0)
                return r;
        return formatted(ret->how, sizeof(ret->how), "%s: tree in %s",
                         ret->error < 0 ? "cannot use systemd's delegation, falling back to the cgroup2 mount"
                                        : "systemd is not running",
                         ret->tree_root);
}
