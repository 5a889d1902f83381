/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * task_info_parse() on /proc/PID/status texts in the exact format of this machine's
 * kernel (6.18): a user process (from /proc/self/status) and a kernel thread (from
 * /proc/2/status, kthreadd), with edits.
 */

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/task_info.h"

static const char user_status[] =
        "Name:\tcat\n"
        "Umask:\t0022\n"
        "State:\tR (running)\n"
        "Tgid:\t30443\n"
        "Ngid:\t0\n"
        "Pid:\t30447\n"
        "PPid:\t30441\n"
        "TracerPid:\t0\n"
        "Uid:\t1000\t1001\t1002\t1003\n"
        "Gid:\t100\t100\t100\t100\n"
        "FDSize:\t256\n"
        "Groups:\t \n"
        "NStgid:\t30443\n"
        "NSpid:\t30447\n"
        "NSpgid:\t30441\n"
        "NSsid:\t18743\n"
        "Kthread:\t0\n"
        "VmPeak:\t    3060 kB\n"
        "VmSize:\t    3060 kB\n"
        "VmLck:\t       0 kB\n"
        "VmPin:\t       0 kB\n"
        "VmHWM:\t    1632 kB\n"
        "VmRSS:\t    1632 kB\n"
        "RssAnon:\t     112 kB\n"
        "RssFile:\t    1520 kB\n"
        "RssShmem:\t       0 kB\n"
        "VmData:\t     360 kB\n"
        "VmStk:\t     132 kB\n"
        "VmExe:\t      20 kB\n"
        "VmLib:\t    1528 kB\n"
        "VmPTE:\t      44 kB\n"
        "VmSwap:\t       0 kB\n"
        "HugetlbPages:\t       0 kB\n"
        "CoreDumping:\t0\n"
        "THP_enabled:\t1\n"
        "untag_mask:\t0xffffffffffffffff\n"
        "Threads:\t2\n"
        "SigQ:\t1/96365\n"
        "SigPnd:\t0000000000000000\n"
        "ShdPnd:\t0000000000000000\n"
        "SigBlk:\t0000000000000000\n"
        "SigIgn:\t0000000000000000\n"
        "SigCgt:\t0000000000000000\n"
        "CapInh:\t0000000000000000\n"
        "CapPrm:\t000001fffeffffff\n"
        "CapEff:\t000001fffeffffff\n"
        "CapBnd:\t000001fffeffffff\n"
        "CapAmb:\t0000000000000000\n"
        "NoNewPrivs:\t0\n"
        "Seccomp:\t0\n"
        "Seccomp_filters:\t0\n"
        "Speculation_Store_Bypass:\tvulnerable\n"
        "SpeculationIndirectBranch:\talways enabled\n"
        "Cpus_allowed:\t3\n"
        "Cpus_allowed_list:\t0-1\n"
        "Mems_allowed:\t00000000,00000001\n"
        "Mems_allowed_list:\t0\n"
        "voluntary_ctxt_switches:\t0\n"
        "nonvoluntary_ctxt_switches:\t0\n";

static const char kthread_status[] =
        "Name:\tkthreadd\n"
        "Umask:\t0022\n"
        "State:\tS (sleeping)\n"
        "Tgid:\t2\n"
        "Ngid:\t0\n"
        "Pid:\t2\n"
        "PPid:\t0\n"
        "TracerPid:\t0\n"
        "Uid:\t0\t0\t0\t0\n"
        "Gid:\t0\t0\t0\t0\n"
        "FDSize:\t64\n"
        "Groups:\t \n"
        "NStgid:\t2\n"
        "NSpid:\t2\n"
        "NSpgid:\t0\n"
        "NSsid:\t0\n"
        "Kthread:\t1\n"
        "Threads:\t1\n"
        "SigQ:\t1/96365\n"
        "SigPnd:\t0000000000000000\n"
        "ShdPnd:\t0000000000000000\n"
        "SigBlk:\t0000000000000000\n"
        "SigIgn:\tffffffffffffffff\n"
        "SigCgt:\t0000000000000000\n"
        "CapInh:\t0000000000000000\n"
        "CapPrm:\t000001ffffffffff\n"
        "CapEff:\t000001ffffffffff\n"
        "CapBnd:\t000001ffffffffff\n"
        "CapAmb:\t0000000000000000\n"
        "NoNewPrivs:\t0\n"
        "Seccomp:\t0\n"
        "Seccomp_filters:\t0\n"
        "Speculation_Store_Bypass:\tvulnerable\n"
        "SpeculationIndirectBranch:\talways enabled\n"
        "Cpus_allowed:\t3\n"
        "Cpus_allowed_list:\t0-1\n"
        "Mems_allowed:\t00000000,00000001\n"
        "Mems_allowed_list:\t0\n"
        "voluntary_ctxt_switches:\t73\n"
        "nonvoluntary_ctxt_switches:\t0\n";

/*
 * @base with the line whose key is @key replaced by @line (which has no '\n'),
 * or removed when @line is NULL. The key must be present.
 */
static char *edit(const char *base, const char *key, const char *line) {
        size_t klen = strlen(key);
        const char *p = base;

        while (!(strncmp(p, key, klen) == 0 && p[klen] == ':')) {
                p = strchr(p, '\n');
                cr_assert_not_null(p, "no %s line in the template", key);
                p++;
        }
        const char *end = strchr(p, '\n') + 1;
        char *out = NULL;
        int n = asprintf(&out, "%.*s%s%s%s", (int) (p - base), base, line ?: "", line ? "\n" : "", end);
        cr_assert_geq(n, 0);
        return out;
}

/* A task_info filled with a pattern, to check that a failed parse leaves it alone. */
static void poison(struct task_info *t) {
        memset(t, 0xAA, sizeof(*t));
}

static void assert_untouched(const struct task_info *t) {
        struct task_info p;
        poison(&p);
        cr_assert_eq(memcmp(t, &p, sizeof(p)), 0, "task_info written on failure");
}

static void parse_fails(const char *status) {
        struct task_info t;
        poison(&t);
        cr_assert_eq(task_info_parse(status, &t), -EBADMSG, "accepted:\n%s", status);
        assert_untouched(&t);
}

Test(task_info_parse, user_process) {
        struct task_info t;

        poison(&t);
        cr_assert_eq(task_info_parse(user_status, &t), 0);
        cr_assert_eq(t.tgid, 30443); /* Tgid, not Pid, not NStgid */
        cr_assert_eq(t.ruid, 1000);
        cr_assert_eq(t.euid, 1001);
        cr_assert_eq(t.suid, 1002);
        cr_assert_eq(t.fsuid, 1003);
        cr_assert_eq(t.cap_effective, 0x1fffeffffffull);
        cr_assert_eq(t.kthread, false);
        cr_assert_eq(t.nspid_levels, 1);
        cr_assert_eq(t.nspid[0], 30447); /* NSpid, not NStgid */
}

Test(task_info_parse, kernel_thread) {
        struct task_info t;

        poison(&t);
        cr_assert_eq(task_info_parse(kthread_status, &t), 0);
        cr_assert_eq(t.tgid, 2);
        cr_assert_eq(t.ruid, 0);
        cr_assert_eq(t.euid, 0);
        cr_assert_eq(t.suid, 0);
        cr_assert_eq(t.fsuid, 0);
        cr_assert_eq(t.cap_effective, 0x1ffffffffffull);
        cr_assert_eq(t.kthread, true);
        cr_assert_eq(t.nspid_levels, 1);
        cr_assert_eq(t.nspid[0], 2);
}

Test(task_info_parse, no_kthread_line_falls_back_to_vmsize) {
        struct task_info t;
        char *user = edit(user_status, "Kthread", NULL);
        char *kthread = edit(kthread_status, "Kthread", NULL);

        cr_assert_null(strstr(user, "Kthread"));
        cr_assert_null(strstr(kthread, "Kthread"));

        /* A user process has an mm, so a VmSize line. */
        poison(&t);
        cr_assert_eq(task_info_parse(user, &t), 0);
        cr_assert_eq(t.kthread, false);
        cr_assert_eq(t.tgid, 30443);

        /* A kernel thread has none. */
        poison(&t);
        cr_assert_eq(task_info_parse(kthread, &t), 0);
        cr_assert_eq(t.kthread, true);
        cr_assert_eq(t.tgid, 2);
        free(user);
        free(kthread);
}

/* When the kernel says "Kthread:", that wins over the VmSize guess both ways. */
Test(task_info_parse, kthread_line_wins) {
        struct task_info t;
        char *no_vm = edit(user_status, "VmSize", NULL); /* e.g. a zombie, whose mm is gone */
        char *kthread0 = edit(kthread_status, "Kthread", "Kthread:\t0");
        char *user1 = edit(user_status, "Kthread", "Kthread:\t1");

        cr_assert_eq(task_info_parse(no_vm, &t), 0);
        cr_assert_eq(t.kthread, false);
        cr_assert_eq(task_info_parse(kthread0, &t), 0);
        cr_assert_eq(t.kthread, false);
        cr_assert_eq(task_info_parse(user1, &t), 0);
        cr_assert_eq(t.kthread, true);
        free(no_vm);
        free(kthread0);
        free(user1);
}

Test(task_info_parse, nspid_levels) {
        struct task_info t;
        char *three = edit(user_status, "NSpid", "NSpid:\t30447\t17\t1");
        char *two = edit(user_status, "NSpid", "NSpid:\t30447\t5");

        poison(&t);
        cr_assert_eq(task_info_parse(three, &t), 0);
        cr_assert_eq(t.nspid_levels, 3);
        cr_assert_eq(t.nspid[0], 30447);
        cr_assert_eq(t.nspid[1], 17);
        cr_assert_eq(t.nspid[2], 1);
        cr_assert_eq(t.tgid, 30443);

        poison(&t);
        cr_assert_eq(task_info_parse(two, &t), 0);
        cr_assert_eq(t.nspid_levels, 2);
        cr_assert_eq(t.nspid[0], 30447);
        cr_assert_eq(t.nspid[1], 5);
        free(three);
        free(two);
}

/* The levels end at the end of the NSpid line: NSpgid's numbers are not taken. */
Test(task_info_parse, nspid_stops_at_its_line) {
        struct task_info t;
        char *trailing = edit(user_status, "NSpid", "NSpid:\t30447\t9\t");

        cr_assert_eq(task_info_parse(trailing, &t), 0);
        cr_assert_eq(t.nspid_levels, 2);
        cr_assert_eq(t.nspid[0], 30447);
        cr_assert_eq(t.nspid[1], 9);
        free(trailing);
}

Test(task_info_parse, large_ids_and_long_groups) {
        struct task_info t;
        char *uids = edit(user_status, "Uid", "Uid:\t4294967294\t0\t65534\t4294967295");
        char *caps = edit(uids, "CapEff", "CapEff:\tffffffffffffffff");

        cr_assert_eq(task_info_parse(caps, &t), 0);
        cr_assert_eq(t.ruid, 4294967294u);
        cr_assert_eq(t.euid, 0);
        cr_assert_eq(t.suid, 65534);
        cr_assert_eq(t.fsuid, 4294967295u);
        cr_assert_eq(t.cap_effective, UINT64_MAX);

        /* A Groups line of 65536 groups is 400 kB; the fields after it are still found. */
        size_t size = 65536 * 11 + 32;
        char *groups = malloc(size), *g = groups;
        cr_assert_not_null(groups);
        g += sprintf(g, "Groups:\t");
        for (int i = 0; i < 65536; i++)
                g += sprintf(g, "%d ", 100000 + i);
        char *big = edit(caps, "Groups", groups);
        cr_assert_eq(task_info_parse(big, &t), 0);
        cr_assert_eq(t.tgid, 30443);
        cr_assert_eq(t.suid, 65534);
        cr_assert_eq(t.nspid[0], 30447);
        cr_assert_eq(t.n_groups, 65536, "all are counted");
        cr_assert_eq(t.groups[0], 100000);
        cr_assert_eq(t.groups[TASK_GROUPS_MAX - 1], 100000 + TASK_GROUPS_MAX - 1, "the first TASK_GROUPS_MAX are kept");
        free(big);
        free(groups);
        free(uids);
        free(caps);
}

/* What file_permission() judges a reader by: the fsgid and the supplementary groups. */
Test(task_info_parse, fsgid_and_groups) {
        char *gids = edit(user_status, "Gid", "Gid:\t100\t101\t102\t103");
        char *groups = edit(gids, "Groups", "Groups:\t4 24 27 100 ");
        struct task_info t;

        cr_assert_eq(task_info_parse(user_status, &t), 0);
        cr_assert_eq(t.fsgid, 100);
        cr_assert_eq(t.n_groups, 0, "\"Groups:\\t \" is none");
        cr_assert_eq(task_info_parse(groups, &t), 0);
        cr_assert_eq(t.fsgid, 103);
        cr_assert_eq(t.n_groups, 4);
        cr_assert_eq(t.groups[0], 4);
        cr_assert_eq(t.groups[3], 100);
        /* The numbers stop at the line's end: the next line's digits are not groups. */
        char *short_groups = edit(gids, "Groups", "Groups:\t4 \n9 after the line");
        cr_assert_eq(task_info_parse(short_groups, &t), 0);
        cr_assert_eq(t.n_groups, 1);
        free(short_groups);
        char *no_gid = edit(user_status, "Gid", NULL);
        cr_assert_eq(task_info_parse(no_gid, &t), -EBADMSG);
        free(no_gid);
        free(groups);
        free(gids);
}

Test(task_info_parse, missing_fields_are_ebadmsg) {
        char *no_tgid = edit(user_status, "Tgid", NULL);
        char *no_uid = edit(user_status, "Uid", NULL);
        char *no_nspid = edit(user_status, "NSpid", NULL);
        char *no_capeff = edit(user_status, "CapEff", NULL);
        char *no_tgid_kthread = edit(kthread_status, "Tgid", NULL);
        char *no_uid_kthread = edit(kthread_status, "Uid", NULL);
        char *no_nspid_kthread = edit(kthread_status, "NSpid", NULL);

        /* NStgid, Pid and NSpgid are still there: only whole keys at a line start count. */
        cr_assert_not_null(strstr(no_tgid, "NStgid:\t30443"));
        cr_assert_not_null(strstr(no_nspid, "\nPid:\t"));
        parse_fails(no_tgid);
        parse_fails(no_uid);
        parse_fails(no_nspid);
        parse_fails(no_capeff);
        parse_fails(no_tgid_kthread);
        parse_fails(no_uid_kthread);
        parse_fails(no_nspid_kthread);
        parse_fails("");
        free(no_tgid);
        free(no_uid);
        free(no_nspid);
        free(no_capeff);
        free(no_tgid_kthread);
        free(no_uid_kthread);
        free(no_nspid_kthread);
}

Test(task_info_parse, malformed_fields_are_ebadmsg) {
        const char *edits[][2] = {
                { "Tgid", "Tgid:\t" },
                { "Tgid", "Tgid:\tabc" },
                { "Uid", "Uid:\t1000\t1001\t1002" },
                { "Uid", "Uid:" },
                { "CapEff", "CapEff:\tzz" },
                { "NSpid", "NSpid:" },
                { "NSpid", "NSpid:\t" },
                { "NSpid", "NSpid:\tx" },
                /* The key must be followed by ':' directly. */
                { "Tgid", "Tgid \t30443" },
                { "Uid", "Uids:\t0\t0\t0\t0" },
        };

        for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
                char *s = edit(user_status, edits[i][0], edits[i][1]);
                parse_fails(s);
                free(s);
        }
}
