/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * compat/leaf_limits.c: which of a group's v2 files its hidden leaf carries a
 * copy of, and the copy made when a leaf is made: in an order the kernel takes
 * (cpu.max before a burst that may not exceed it), skipping what a new cgroup
 * has already and files the group does not have.
 */

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/leaf_limits.h"

#define GROUP_FD 10
#define LEAF_FD 11

/* The group's files (NULL value: the file is missing), and the writes that reached the leaf. */
static const char *const *group_files;
static char written[8][64];
static size_t n_written;
static int leaf_write_result;

static int fake_read(int fd, const char *file, char **ret, size_t *ret_len) {
        cr_assert_eq(fd, GROUP_FD, "only the group is read");
        for (size_t i = 0; group_files[i]; i += 2)
                if (!strcmp(group_files[i], file)) {
                        if (!group_files[i + 1])
                                return -ENOENT;
                        *ret = strdup(group_files[i + 1]);
                        *ret_len = strlen(*ret);
                        return 0;
                }
        return -ENOENT;
}

static int fake_write(int fd, const char *file, const char *value, size_t len) {
        cr_assert_eq(fd, LEAF_FD, "only the leaf is written");
        cr_assert_lt(n_written, 8);
        snprintf(written[n_written++], sizeof(written[0]), "%s=%.*s", file, (int) len, value);
        return leaf_write_result;
}

static const struct backend_ops fake = { .name = "fake", .read_file = fake_read, .write_file = fake_write };

static int mirror(const char *const *files) {
        struct compat_tree t = { .backend = &fake };
        group_files = files;
        n_written = 0;
        return leaf_mirror_limits(&t, GROUP_FD, LEAF_FD);
}

Test(leaf_limits, the_ceilings_are_mirrored) {
        cr_assert(leaf_limit_mirrored("memory.max"));
        cr_assert(leaf_limit_mirrored("memory.high"));
        cr_assert(leaf_limit_mirrored("memory.swap.max"));
        cr_assert(leaf_limit_mirrored("pids.max"));
        cr_assert(leaf_limit_mirrored("cpu.max"));
        cr_assert(leaf_limit_mirrored("cpu.max.burst"));
        /* Weights are among siblings, floors protect a parent's share: not the leaf's to show. */
        cr_assert_not(leaf_limit_mirrored("cpu.weight"));
        cr_assert_not(leaf_limit_mirrored("io.weight"));
        cr_assert_not(leaf_limit_mirrored("memory.low"));
        cr_assert_not(leaf_limit_mirrored("memory.min"));
        cr_assert_not(leaf_limit_mirrored("cpuset.cpus"));
        cr_assert_not(leaf_limit_mirrored("memory.max.burst"));
        cr_assert_not(leaf_limit_mirrored("cpu.max "));
}

Test(leaf_limits, copies_what_a_new_leaf_lacks_in_order) {
        static const char *const files[] = {
                "cpu.max.burst", "20000\n", "cpu.max", "50000 100000\n", "memory.max", "314572800\n",
                "memory.high", "max\n", "memory.swap.max", NULL, "pids.max", "64\n", NULL,
        };
        cr_assert_eq(mirror(files), 0);
        cr_assert_eq(n_written, 4);
        cr_assert_str_eq(written[0], "memory.max=314572800");
        cr_assert_str_eq(written[1], "pids.max=64");
        cr_assert_str_eq(written[2], "cpu.max=50000 100000");
        cr_assert_str_eq(written[3], "cpu.max.burst=20000");
}

Test(leaf_limits, a_group_at_its_defaults_costs_no_write) {
        static const char *const files[] = {
                "memory.max", "max\n", "memory.high", "max\n", "memory.swap.max", "max\n", "pids.max", "max\n",
                "cpu.max", "max 100000\n", "cpu.max.burst", "0\n", NULL,
        };
        cr_assert_eq(mirror(files), 0);
        cr_assert_eq(n_written, 0);
        static const char *const none[] = { NULL };
        cr_assert_eq(mirror(none), 0);
        cr_assert_eq(n_written, 0);
}

Test(leaf_limits, a_leaf_without_the_file_is_skipped_other_errors_are_not) {
        static const char *const files[] = { "pids.max", "64\n", "cpu.max", "50000 100000\n", NULL };
        leaf_write_result = -ENOENT;
        cr_assert_eq(mirror(files), 0);
        cr_assert_eq(n_written, 2);
        leaf_write_result = -EIO;
        cr_assert_eq(mirror(files), -EIO);
        cr_assert_eq(n_written, 1);
        leaf_write_result = 0;
}
