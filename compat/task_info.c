/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "task_info.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "macro.h"
#include "text.h"

/*
 * The value of "KEY:" copied into @buf without its newline, so that parsing it
 * can never run on into the next line. NULL when the key is missing.
 */
static const char *field(const char *status, const char *key, char *buf, size_t size) {
        size_t klen = strlen(key);

        for (const char *line = status; line && *line;) {
                const char *eol = strchrnul(line, '\n');
                if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
                        size_t n = (size_t) (eol - line) - klen - 1;
                        if (n >= size)
                                n = size - 1;
                        memcpy(buf, line + klen + 1, n);
                        buf[n] = 0;
                        return buf;
                }
                line = *eol ? eol + 1 : NULL;
        }
        return NULL;
}

/* The numbers of "Groups:", which may be longer than any copy of a field: read in place, up to its newline. */
static void parse_groups(const char *status, struct task_info *info) {
        const char *line = status;

        while (line && strncmp(line, "Groups:", 7) != 0) {
                line = strchr(line, '\n');
                line = line ? line + 1 : NULL;
        }
        if (!line)
                return;
        for (const char *p = line + 7;;) {
                char *next;
                /* Blanks, not strtoul()'s whitespace, which would run on into the next line. */
                p += strspn(p, " \t");
                if (*p < '0' || *p > '9')
                        break;
                unsigned long g = strtoul(p, &next, 10);
                if (info->n_groups < TASK_GROUPS_MAX)
                        info->groups[info->n_groups] = (gid_t) g;
                info->n_groups++;
                p = next;
        }
}

int task_info_parse(const char *status, struct task_info *ret) {
        struct task_info info = {};
        char value[512], other[64];
        const char *p;
        unsigned long uid[4], gid[4];
        int tgid, kthread;

        p = field(status, "Tgid", value, sizeof(value));
        if (!p || sscanf(p, "%d", &tgid) != 1)
                return -EBADMSG;
        p = field(status, "Uid", value, sizeof(value));
        if (!p || sscanf(p, "%lu %lu %lu %lu", &uid[0], &uid[1], &uid[2], &uid[3]) != 4)
                return -EBADMSG;
        p = field(status, "Gid", value, sizeof(value));
        if (!p || sscanf(p, "%lu %lu %lu %lu", &gid[0], &gid[1], &gid[2], &gid[3]) != 4)
                return -EBADMSG;
        info.fsgid = (gid_t) gid[3];
        parse_groups(status, &info);
        p = field(status, "CapEff", value, sizeof(value));
        if (!p || sscanf(p, "%" SCNx64, &info.cap_effective) != 1)
                return -EBADMSG;
        /* "Kthread:" appeared in 6.x; before it, kernel threads are the live tasks without "VmSize:". */
        p = field(status, "Kthread", value, sizeof(value));
        if (p && sscanf(p, "%d", &kthread) == 1)
                info.kthread = kthread != 0;
        else {
                const char *state = field(status, "State", value, sizeof(value));
                bool zombie = state && state[strspn(state, " \t")] == 'Z';
                info.kthread = !field(status, "VmSize", other, sizeof(other)) && !zombie;
        }

        p = field(status, "NSpid", value, sizeof(value));
        while (p && info.nspid_levels < TASK_MAX_NS_LEVELS) {
                char *next;
                long v = strtol(p, &next, 10);
                if (next == p)
                        break;
                info.nspid[info.nspid_levels++] = (pid_t) v;
                p = next;
        }
        if (info.nspid_levels == 0)
                return -EBADMSG;

        info.tgid = tgid;
        info.ruid = (uid_t) uid[0];
        info.euid = (uid_t) uid[1];
        info.suid = (uid_t) uid[2];
        info.fsuid = (uid_t) uid[3];
        *ret = info;
        return 0;
}

int task_info_read(pid_t tid, struct task_info *ret) {
        char path[64];
        _cleanup_close_ int fd = -1;
        _cleanup_free_ char *buf = NULL;

        if (tid <= 0)
                return -ESRCH;
        snprintf(path, sizeof(path), "/proc/%d/status", (int) tid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOENT ? -ESRCH : negative_errno();
        /* Read it all: a "Groups:" line of 65536 gids puts the fields we need past 500 KiB. */
        int r = read_all_fd(fd, SIZE_MAX, &buf, NULL);
        if (r < 0)
                return r;
        return task_info_parse(buf, ret);
}

int task_cgroup2_path(pid_t tid, char *buf, size_t size) {
        _cleanup_free_ char *line = NULL;
        char path[64];
        size_t n = 0;
        int r = -ENODATA;

        snprintf(path, sizeof(path), "/proc/%d/cgroup", (int) tid);
        FILE *f = fopen(path, "re");
        if (!f)
                return errno == ENOENT ? -ESRCH : negative_errno();
        while (getline(&line, &n, f) > 0) {
                if (strncmp(line, "0::", 3))
                        continue;
                line[strcspn(line, "\n")] = 0;
                r = snprintf(buf, size, "%s", line + 3) >= (int) size ? -ENAMETOOLONG : 0;
                break;
        }
        fclose(f);
        return r;
}
