/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The pure parts of compat/core_files.c: what a write to "tasks" means
 * (cgroup v1's __cgroup1_procs_write -> cgroup_procs_write_start:
 * kstrtoint(strstrip(buf), 0, &pid) || pid < 0 -> -EINVAL) and the v1 attach rule
 * (euid 0, or the euid equals the task's real or saved uid, else -EACCES).
 */

#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "compat/core_files.h"
#include "unit_helpers.h"

#define SENTINEL_PID ((pid_t) 0x5A5A5A5A)

static int parse_n(const char *s, size_t len, pid_t *ret) {
        *ret = SENTINEL_PID;
        return parse_both_ways(parse_pid_write, s, len, ret);
}

static void pid_ok(const char *s, pid_t expected) {
        pid_t pid;
        int r = parse_n(s, strlen(s), &pid);
        cr_assert_eq(r, 0, "parse_pid_write(\"%s\") = %d, expected 0", s, r);
        cr_assert_eq(pid, expected, "parse_pid_write(\"%s\") gave %d, expected %d", s, (int) pid, (int) expected);
}

static void pid_einval(const char *s) {
        pid_t pid;
        int r = parse_n(s, strlen(s), &pid);
        cr_assert_eq(r, -EINVAL, "parse_pid_write(\"%s\") = %d, expected -EINVAL", s, r);
        cr_assert_eq(pid, SENTINEL_PID, "parse_pid_write(\"%s\") wrote its result on failure", s);
}

/* Measured on this machine's v1 tasks file, with PID = 1234. */
Test(parse_pid_write, measured_accepted) {
        pid_ok("1234", 1234);
        pid_ok(" 1234 ", 1234);
        pid_ok("\t1234\n", 1234);
        pid_ok("+1234", 1234);
        pid_ok("0x4d2", 1234);
        pid_ok("0X4D2", 1234);
        pid_ok("02322", 1234);
        pid_ok("-0", 0);
        pid_ok("0", 0);
}

Test(parse_pid_write, measured_rejected) {
        pid_einval("-1234");
        pid_einval("1234 abc");
        pid_einval("1234 1234");
        pid_einval("abc");
        pid_einval(" ");
        pid_einval("\n");
        pid_einval("2147483648");
        pid_einval("08");
}

/* strstrip() takes every kernel space from both ends, so more than one newline is fine. */
Test(parse_pid_write, strip_then_parse) {
        pid_ok("1234\n\n", 1234);
        pid_ok("\n\n1234", 1234);
        pid_ok(" \t\v\f\r\n1234\r\n", 1234);
        pid_ok("\xa0" "1234\xa0", 1234);
        pid_ok("0\n", 0);
        pid_ok("2147483647", INT_MAX);
        pid_ok("0x7fffffff\n", INT_MAX);
        pid_ok("1", 1);

        pid_einval("");
        pid_einval("\t\n");
        pid_einval("1234\x85");
        pid_einval("12 34");
        pid_einval("+-1");
        pid_einval("--1");
        pid_einval("0x");
        pid_einval("0xg");
        pid_einval("1234.0");
}

/* ERANGE from kstrtoint and a negative pid are both EINVAL to the writer. */
Test(parse_pid_write, range_and_sign_are_einval) {
        pid_einval("-1");
        pid_einval("-2147483648");
        pid_einval("-2147483649");
        pid_einval("4294967295");
        pid_einval("0x80000000");
        pid_einval("99999999999999999999");
        pid_einval("99999999999999999999abc");
        pid_einval("18446744073709551616");
}

Test(parse_pid_write, counted_buffers) {
        pid_t pid;

        cr_assert_eq(parse_n("12345", 3, &pid), 0);
        cr_assert_eq(pid, 123);
        cr_assert_eq(parse_n(" 77 junk", 4, &pid), 0);
        cr_assert_eq(pid, 77);
        cr_assert_eq(parse_n("0x1F", 3, &pid), 0);
        cr_assert_eq(pid, 1);

        cr_assert_eq(parse_n("12345", 0, &pid), -EINVAL);
        cr_assert_eq(pid, SENTINEL_PID);
        cr_assert_eq(parse_n("   5", 3, &pid), -EINVAL);
        cr_assert_eq(pid, SENTINEL_PID);
        cr_assert_eq(parse_n("-5", 1, &pid), -EINVAL);
        cr_assert_eq(pid, SENTINEL_PID);
}

Test(may_move_task, v1_rule) {
        /* euid 0 moves anyone. */
        cr_assert(may_move_task(0, 0, 0));
        cr_assert(may_move_task(0, 1000, 1000));
        cr_assert(may_move_task(0, 65534, 4294967294u));
        /* Same real uid, or same saved uid. */
        cr_assert(may_move_task(1000, 1000, 1000));
        cr_assert(may_move_task(1000, 1000, 2000));
        cr_assert(may_move_task(1000, 2000, 1000));
        /* Anything else is refused, root's tasks included. */
        cr_assert_not(may_move_task(1000, 2000, 2000));
        cr_assert_not(may_move_task(1000, 0, 0));
        cr_assert_not(may_move_task(1, 0, 0));
        cr_assert_not(may_move_task(65534, 0, 65535));
        cr_assert_not(may_move_task(4294967294u, 0, 1));
}
