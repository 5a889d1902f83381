/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * compat/task_info.c task_info_parse() on a NUL-terminated copy of the input (the text of a
 * /proc/<tid>/status file). Invariants: the return is 0 or -EBADMSG; the result is written
 * only on success; on success 1 <= nspid_levels <= TASK_MAX_NS_LEVELS; and the result is
 * that of a reference parse that reads every field from its own line only: the value of
 * "KEY:" ends at the line's '\n', never in the lines after it.
 */

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/task_info.h"
#include "fuzz_common.h"

/* A copy of the value of the first line "KEY:..." up to its '\n', or NULL. */
static char *line_value(const char *text, const char *key) {
        size_t klen = strlen(key);

        for (const char *line = text; *line;) {
                const char *eol = strchrnul(line, '\n');
                if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
                        char *v = strndup(line + klen + 1, (size_t) (eol - line - klen - 1));
                        if (!v)
                                abort();
                        return v;
                }
                if (!*eol)
                        break;
                line = eol + 1;
        }
        return NULL;
}

static int reference_parse(const char *status, struct task_info *ret) {
        struct task_info info = {};
        unsigned long uid[4], gid[4];
        int tgid = 0, kthread, r = -EBADMSG;
        char *tg = line_value(status, "Tgid"), *u = line_value(status, "Uid"), *cap = line_value(status, "CapEff"),
             *kt = line_value(status, "Kthread"), *state = line_value(status, "State"), *vm = line_value(status, "VmSize"),
             *ns = line_value(status, "NSpid"), *g = line_value(status, "Gid"), *groups = line_value(status, "Groups");

        if (!tg || sscanf(tg, "%d", &tgid) != 1)
                goto out;
        if (!u || sscanf(u, "%lu %lu %lu %lu", &uid[0], &uid[1], &uid[2], &uid[3]) != 4)
                goto out;
        if (!g || sscanf(g, "%lu %lu %lu %lu", &gid[0], &gid[1], &gid[2], &gid[3]) != 4)
                goto out;
        info.fsgid = (gid_t) gid[3];
        for (const char *p = groups; p;) {
                char *next;
                p += strspn(p, " \t");
                if (!isdigit((unsigned char) *p))
                        break;
                unsigned long v = strtoul(p, &next, 10);
                if (info.n_groups < TASK_GROUPS_MAX)
                        info.groups[info.n_groups] = (gid_t) v;
                info.n_groups++;
                p = next;
        }
        if (!cap || sscanf(cap, "%" SCNx64, &info.cap_effective) != 1)
                goto out;
        if (kt && sscanf(kt, "%d", &kthread) == 1)
                info.kthread = kthread != 0;
        else
                info.kthread = !vm && !(state && state[strspn(state, " \t")] == 'Z');
        for (const char *p = ns; p && info.nspid_levels < TASK_MAX_NS_LEVELS;) {
                char *next;
                long v = strtol(p, &next, 10);
                if (next == p)
                        break;
                info.nspid[info.nspid_levels++] = (pid_t) v;
                p = next;
        }
        if (info.nspid_levels == 0)
                goto out;
        info.tgid = tgid;
        info.ruid = (uid_t) uid[0];
        info.euid = (uid_t) uid[1];
        info.suid = (uid_t) uid[2];
        info.fsuid = (uid_t) uid[3];
        *ret = info;
        r = 0;
out:
        free(tg), free(u), free(cap), free(kt), free(state), free(vm), free(ns), free(g), free(groups);
        return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct task_info info, expected, sentinel;
        char *text;
        int r, er;

        fuzz_set_input(data, size);
        text = malloc(size + 1);
        if (!text)
                abort();
        memcpy(text, data, size);
        text[size] = 0;

        memset(&sentinel, 0xa5, sizeof(sentinel));
        info = sentinel;
        r = task_info_parse(text, &info);

        FUZZ_CHECK(r == 0 || r == -EBADMSG, "task_info_parse returned %d", r);
        if (r < 0)
                FUZZ_CHECK(memcmp(&info, &sentinel, sizeof(info)) == 0, "task_info_parse wrote its result on failure %d", r);
        else
                FUZZ_CHECK(info.nspid_levels >= 1 && info.nspid_levels <= TASK_MAX_NS_LEVELS, "nspid_levels %u",
                           info.nspid_levels);

        memset(&expected, 0, sizeof(expected));
        er = reference_parse(text, &expected);
        FUZZ_CHECK(r == er, "task_info_parse returned %d, reading each field from its own line gives %d", r, er);
        if (r == 0) {
                FUZZ_CHECK(info.tgid == expected.tgid, "tgid %d, its line says %d", (int) info.tgid, (int) expected.tgid);
                FUZZ_CHECK(info.ruid == expected.ruid && info.euid == expected.euid && info.suid == expected.suid &&
                                   info.fsuid == expected.fsuid,
                           "uids %u %u %u %u, the Uid line says %u %u %u %u", info.ruid, info.euid, info.suid, info.fsuid,
                           expected.ruid, expected.euid, expected.suid, expected.fsuid);
                FUZZ_CHECK(info.cap_effective == expected.cap_effective, "CapEff %" PRIx64 ", its line says %" PRIx64,
                           info.cap_effective, expected.cap_effective);
                FUZZ_CHECK(info.fsgid == expected.fsgid, "fsgid %u, the Gid line says %u", info.fsgid, expected.fsgid);
                FUZZ_CHECK(info.n_groups == expected.n_groups, "%zu groups, the Groups line holds %zu", info.n_groups,
                           expected.n_groups);
                for (size_t i = 0; i < info.n_groups && i < TASK_GROUPS_MAX; i++)
                        FUZZ_CHECK(info.groups[i] == expected.groups[i], "groups[%zu] = %u, the Groups line says %u", i,
                                   info.groups[i], expected.groups[i]);
                FUZZ_CHECK(info.kthread == expected.kthread, "kthread %d, the lines say %d", info.kthread, expected.kthread);
                FUZZ_CHECK(info.nspid_levels == expected.nspid_levels, "nspid_levels %u, but the NSpid line holds %u numbers",
                           info.nspid_levels, expected.nspid_levels);
                for (unsigned i = 0; i < info.nspid_levels; i++)
                        FUZZ_CHECK(info.nspid[i] == expected.nspid[i], "nspid[%u] = %d, the NSpid line says %d", i,
                                   (int) info.nspid[i], (int) expected.nspid[i]);
        }
        free(text);
        return 0;
}
