/*
 * hotspot_probe: finds the memory and cpu hierarchies the way HotSpot does
 * (src/hotspot/os/linux/cgroupSubsystem_linux.cpp, JDK 11 to 17, cgroup v1), and
 * prints what a JVM would read there. Built static (cc -static) by
 * tests/vm/build-progs.sh, so LD_PRELOAD cannot reach it: under
 * `cgcompatctl exec` it sees the v1 layout only if the kernel's answers are
 * rewritten for it (the seccomp supervisor).
 *
 *   1. /proc/cgroups: "name hierarchy_id num_cgroups enabled"; cgroups v2 if
 *      every one of cpu, cpuacct, cpuset, memory has hierarchy id 0.
 *   2. /proc/self/cgroup: "id:controllers:path"; each of memory, cpu, cpuacct,
 *      cpuset in the comma-separated controllers takes the path.
 *   3. /proc/self/mountinfo, with HotSpot's own sscanf: the root and the mount
 *      point, then past the first '-' the file system type, which must be
 *      "cgroup", and the super options, split on ',' for the controllers.
 *   4. The group's directory: the mount point, plus the cgroup path with the
 *      mount's root taken off its front (set_subsystem_path).
 *
 * Output, one "key=value" a line: cgroups, memory.{hierarchy,root,mount,cgroup,path},
 * cpu.{...}, memory.limit_in_bytes, cpu.cfs_quota_us, cpu.cfs_period_us, cpus
 * (HotSpot's ceil(quota / period)), uid, euid. On a failure, "error=..." (HotSpot's
 * message where it has one) and exit status 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MEMORY, CPU, CPUACCT, CPUSET, N };
static const char *const names[N] = { "memory", "cpu", "cpuacct", "cpuset" };

struct info {
        int hierarchy_id, enabled, found_cgroup, found_mount;
        char root[1024], mount[1024], cgroup[1024], path[2048];
};
static struct info info[N];

static int fail(const char *message) {
        printf("error=%s\n", message);
        return 1;
}

static int by_name(const char *n) {
        for (int i = 0; i < N; i++)
                if (!strcmp(n, names[i]))
                        return i;
        return -1;
}

/* set_subsystem_path, as HotSpot means it. */
static void set_path(struct info *c) {
        char path[sizeof(c->path)] = "";
        size_t rl = strlen(c->root);
        if (!strcmp(c->root, "/"))
                snprintf(path, sizeof(path), "%s%s", c->mount, strcmp(c->cgroup, "/") ? c->cgroup : "");
        else if (!strcmp(c->root, c->cgroup))
                snprintf(path, sizeof(path), "%s", c->mount);
        else if (!strncmp(c->cgroup, c->root, rl) && strlen(c->cgroup) > rl)
                snprintf(path, sizeof(path), "%s%s", c->mount, c->cgroup + rl);
        memcpy(c->path, path, sizeof(path));
}

/* The first line of DIR/FILE, as HotSpot's subsystem_file_line_contents reads a number. */
static int read_value(const struct info *c, const char *file, char *out, size_t size) {
        char p[4096];
        snprintf(p, sizeof(p), "%s/%s", c->path, file);
        FILE *f = fopen(p, "re");
        if (!f)
                return -1;
        char *r = fgets(out, (int) size, f);
        fclose(f);
        if (!r)
                return -1;
        out[strcspn(out, "\n")] = 0;
        return 0;
}

int main(void) {
        char line[4096];
        FILE *f;

        /* 1. /proc/cgroups */
        if (!(f = fopen("/proc/cgroups", "re")))
                return fail("cannot open /proc/cgroups");
        while (fgets(line, sizeof(line), f)) {
                char name[64];
                int id, num, enabled;
                if (line[0] == '#' || sscanf(line, "%63s %d %d %d", name, &id, &num, &enabled) != 4)
                        continue;
                int i = by_name(name);
                if (i >= 0) {
                        info[i].hierarchy_id = id;
                        info[i].enabled = enabled;
                }
        }
        fclose(f);
        int v2 = 1;
        for (int i = 0; i < N; i++) {
                if (!info[i].enabled)
                        return fail("a controller among cpu, cpuacct, cpuset, memory is not enabled in /proc/cgroups");
                v2 = v2 && info[i].hierarchy_id == 0;
        }
        if (v2) {
                printf("cgroups=v2\n");
                return fail("cgroups v2 (every hierarchy id 0 in /proc/cgroups): no v1 layout");
        }
        printf("cgroups=v1\n");

        /* 2. /proc/self/cgroup */
        if (!(f = fopen("/proc/self/cgroup", "re")))
                return fail("cannot open /proc/self/cgroup");
        while (fgets(line, sizeof(line), f)) {
                line[strcspn(line, "\n")] = 0;
                char *p = line, *id = strsep(&p, ":"), *controllers = strsep(&p, ":"), *path = p;
                (void) id;
                if (!controllers || !path)
                        continue;
                char *save = NULL;
                for (char *t = strtok_r(controllers, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                        int i = by_name(t);
                        if (i >= 0) {
                                snprintf(info[i].cgroup, sizeof(info[i].cgroup), "%s", path);
                                info[i].found_cgroup = 1;
                        }
                }
        }
        fclose(f);

        /* 3. /proc/self/mountinfo, HotSpot's sscanf. */
        if (!(f = fopen("/proc/self/mountinfo", "re")))
                return fail("cannot open /proc/self/mountinfo");
        while (fgets(line, sizeof(line), f)) {
                char root[1024], mount[1024], type[256], opts[1024];
                if (sscanf(line, "%*d %*d %*d:%*d %1023s %1023s %*[^-]- %255s %*s %1023s", root, mount, type, opts) != 4 ||
                    strcmp(type, "cgroup"))
                        continue;
                char *save = NULL;
                for (char *t = strtok_r(opts, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                        int i = by_name(t);
                        if (i >= 0) {
                                snprintf(info[i].root, sizeof(info[i].root), "%s", root);
                                snprintf(info[i].mount, sizeof(info[i].mount), "%s", mount);
                                info[i].found_mount = 1;
                        }
                }
        }
        fclose(f);
        if (!info[MEMORY].found_mount)
                return fail("Required cgroup v1 memory subsystem not found");
        if (!info[CPU].found_mount)
                return fail("Required cgroup v1 cpu subsystem not found");
        if (!info[CPUACCT].found_mount)
                return fail("Required cgroup v1 cpuacct subsystem not found");

        /* 4. The groups' directories. */
        int show[] = { MEMORY, CPU };
        for (int k = 0; k < 2; k++) {
                struct info *c = &info[show[k]];
                if (!c->found_cgroup)
                        return fail("no line for the controller in /proc/self/cgroup");
                set_path(c);
                printf("%s.hierarchy=%d\n%s.root=%s\n%s.mount=%s\n%s.cgroup=%s\n%s.path=%s\n", names[show[k]],
                       c->hierarchy_id, names[show[k]], c->root, names[show[k]], c->mount, names[show[k]],
                       c->cgroup, names[show[k]], c->path);
                if (!c->path[0])
                        return fail("the cgroup path is not below the mount's root");
        }

        char limit[64], quota[64], period[64];
        if (read_value(&info[MEMORY], "memory.limit_in_bytes", limit, sizeof(limit)) < 0)
                return fail("cannot read memory.limit_in_bytes");
        if (read_value(&info[CPU], "cpu.cfs_quota_us", quota, sizeof(quota)) < 0)
                return fail("cannot read cpu.cfs_quota_us");
        if (read_value(&info[CPU], "cpu.cfs_period_us", period, sizeof(period)) < 0)
                return fail("cannot read cpu.cfs_period_us");
        printf("memory.limit_in_bytes=%s\ncpu.cfs_quota_us=%s\ncpu.cfs_period_us=%s\n", limit, quota, period);
        long q = atol(quota), p = atol(period);
        if (q > 0 && p > 0)
                printf("cpus=%ld\n", (q + p - 1) / p);
        else
                printf("cpus=unlimited\n");
        printf("uid=%d\neuid=%d\n", (int) getuid(), (int) geteuid());
        return 0;
}
