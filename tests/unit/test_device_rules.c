/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * compat/device_rules.c against the kernel's security/device_cgroup.c
 * (devcgroup_update_access, dev_exception_add/rm, match_exception(_partial),
 * verify_new_ex, parent_allows_removal, may_allow_all, propagate_exception,
 * revalidate_active_exceptions, devcgroup_seq_show), and backend/device_bpf.c's
 * programs run by a small interpreter against the emulator's own verdicts.
 */

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/device_bpf.h"
#include "compat/device_rules.h"
#include "unit_helpers.h"

/* Parse @len bytes of @s from an exact-size heap copy, so ASan sees a read past them. */
static int parse_n(const char *s, size_t len, struct device_rule *ret) {
        char *b = exact_copy(s, len);
        struct device_rule sentinel = { .all = true, .exception = { 0xdead, 0xbeef, 0x5a, 0x5a } };
        *ret = sentinel;
        int r = device_rule_parse(b, len, ret);
        free(b);
        if (r < 0)
                cr_assert(!memcmp(ret, &sentinel, sizeof(sentinel)), "\"%s\": result written on failure", s);
        return r;
}

static void parse_einval(const char *s) {
        struct device_rule rule;
        int r = parse_n(s, strlen(s), &rule);
        cr_assert_eq(r, -EINVAL, "parse(\"%s\") = %d, expected -EINVAL", s, r);
}

static void parse_all(const char *s) {
        struct device_rule rule;
        int r = parse_n(s, strlen(s), &rule);
        cr_assert_eq(r, 0, "parse(\"%s\") = %d", s, r);
        cr_assert(rule.all, "parse(\"%s\") is not \"a\"", s);
}

static void parse_ok_n(const char *s, size_t len, uint8_t type, uint32_t major, uint32_t minor, uint8_t access) {
        struct device_rule rule;
        int r = parse_n(s, len, &rule);
        cr_assert_eq(r, 0, "parse(\"%s\") = %d", s, r);
        cr_assert(!rule.all, "parse(\"%s\") is \"a\"", s);
        cr_assert_eq(rule.exception.type, type, "parse(\"%s\") type %u", s, rule.exception.type);
        cr_assert_eq(rule.exception.major, major, "parse(\"%s\") major %u", s, rule.exception.major);
        cr_assert_eq(rule.exception.minor, minor, "parse(\"%s\") minor %u", s, rule.exception.minor);
        cr_assert_eq(rule.exception.access, access, "parse(\"%s\") access %u", s, rule.exception.access);
}

static void parse_ok(const char *s, uint8_t type, uint32_t major, uint32_t minor, uint8_t access) {
        parse_ok_n(s, strlen(s), type, major, minor, access);
}

#define R DEVICE_READ
#define W DEVICE_WRITE
#define M DEVICE_MKNOD
#define C DEVICE_CHAR
#define B DEVICE_BLOCK
#define ANY DEVICE_ANY

Test(device_rule_parse, all) {
        parse_all("a");
        parse_all("a\n");
        parse_all("  a  ");
        parse_all("a *:* rwm");
        parse_all("all");   /* only the first character is looked at */
        parse_all("a 1:3"); /* the rest is never parsed */
        parse_all("axyz");
}

Test(device_rule_parse, exceptions) {
        parse_ok("c 1:3 rwm", C, 1, 3, R | W | M);
        parse_ok("c 1:3 rwm\n", C, 1, 3, R | W | M);
        parse_ok("b 8:0 r", B, 8, 0, R);
        parse_ok("c *:* m", C, ANY, ANY, M);
        parse_ok("c 1:* w", C, 1, ANY, W);
        parse_ok("b *:5 rw", B, ANY, 5, R | W);
        parse_ok("c 1:3 mwr", C, 1, 3, R | W | M);
        parse_ok("c 1:3 rrr", C, 1, 3, R);
        parse_ok(" \t c 1:3 r \n\n", C, 1, 3, R);
        /* Any isspace() separates, the kernel's 0xa0 included. */
        parse_ok("c\t1:3\tr", C, 1, 3, R);
        parse_ok("c\n1:3\vr", C, 1, 3, R);
        parse_ok("c\xa0" "1:3\xa0r", C, 1, 3, R);
        /* At most three access letters are read: the fourth character on is ignored. */
        parse_ok("c 1:3 rwmx", C, 1, 3, R | W | M);
        parse_ok("c 1:3 wmr!garbage", C, 1, 3, R | W | M);
        /* A newline stops the letters: "c 1:3 \nr" is an exception with no access at all. */
        parse_ok("c 1:3 \nr", C, 1, 3, 0);
        parse_ok("c 1:3 r\nw", C, 1, 3, R);
        /* Up to 11 digits through kstrtou32: leading zeros, and ~0 is the wildcard. */
        parse_ok("c 00000000001:00000000002 r", C, 1, 2, R);
        parse_ok("c 4294967295:4294967294 r", C, ANY, 4294967294u, R);
        parse_ok("b 4000000000:0 w", B, 4000000000u, 0, W);
        parse_ok("c 0:0 m", C, 0, 0, M);
        /* The first NUL ends the value as it does for the kernel's C string. */
        parse_ok_n("c 1:3 r\0w", 9, C, 1, 3, R);
}

Test(device_rule_parse, syntax_errors) {
        const char *bad[] = {
                "", " ", "\n", "\xa0",
                "x 1:3 r", "A", "C 1:3 r", "B 1:3 r", "d", "*", "1:3 r",
                "c", "b", "c ", "c1:3 r", "cc 1:3 r", "c  1:3 r",
                "c 1", "c 1:", "c 1:3", "c 1:3 ", "c 1:3\xa0", "c 1:3r", "c 1 3 r", "c 1-3 r", "c 1.3 r",
                "c :3 r", "c 1: r", "c x:3 r", "c 1:x r", "c -1:3 r", "c +1:3 r", "c 0x1:3 r", "c 1:0x3 r",
                "c **:3 r", "c 1:** r", "c *1:3 r", "c 1*:3 r", "c 1:3:4 r",
                "c 1:3 x", "c 1:3 R", "c 1:3 rw!", "c 1:3 r!w", "c 1:3 r w", "c 1:3  r", "c 1:3 rwa", "c 1:3 a",
                "c 4294967296:1 r", "c 1:4294967296 r", "c 99999999999:1 r", /* kstrtou32 overflow */
                "c 000000000001:2 r", "c 1:000000000002 r",                 /* a 12th digit */
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
                parse_einval(bad[i]);
        /* A NUL ends the value: what follows it is never a major number. */
        struct device_rule rule;
        cr_assert_eq(parse_n("c \0" "1:3 r", 8, &rule), -EINVAL);
}

/* A state built from writes, checked through its serialized form and list. */
static char *serialized(const struct device_rules *r) {
        struct text t = {};
        cr_assert_eq(device_rules_serialize(r, &t), 0);
        return t.data ? t.data : strdup("");
}

static void assert_state(const struct device_rules *r, const char *expected) {
        char *s = serialized(r);
        cr_assert_str_eq(s, expected);
        free(s);
}

static void assert_list(const struct device_rules *r, const char *expected) {
        struct text t = {};
        cr_assert_eq(device_rules_format_list(r, &t), 0);
        cr_assert_str_eq(t.data ? t.data : "", expected);
        text_free(&t);
}

static int write_rule(struct device_rules *r, const struct device_rules *parent, bool has_children,
                      enum device_file file, const char *s) {
        struct device_rule rule;
        cr_assert_eq(device_rule_parse(s, strlen(s), &rule), 0, "parse(\"%s\")", s);
        char *before = serialized(r);
        int k = device_rules_update(r, parent, has_children, file, &rule);
        if (k < 0)
                assert_state(r, before); /* a refused write changes nothing */
        free(before);
        return k;
}

static void allow(struct device_rules *r, const struct device_rules *parent, const char *s) {
        cr_assert_eq(write_rule(r, parent, false, DEVICE_FILE_ALLOW, s), 0, "allow \"%s\"", s);
}

static void deny(struct device_rules *r, const struct device_rules *parent, const char *s) {
        cr_assert_eq(write_rule(r, parent, false, DEVICE_FILE_DENY, s), 0, "deny \"%s\"", s);
}

Test(device_rules, fresh_group_allows_all) {
        struct device_rules r;
        device_rules_init(&r);
        cr_assert(device_rules_is_default(&r));
        assert_list(&r, "a *:* rwm\n");
        assert_state(&r, "allow\n");
        cr_assert(device_rules_permit(&r, C, 1, 3, R | W | M));
        cr_assert(device_rules_permit(&r, B, 8, 0, R));
        device_rules_done(&r);
}

Test(device_rules, allow_all_mode_deny_adds_allow_removes) {
        struct device_rules r;
        device_rules_init(&r);

        deny(&r, NULL, "c 1:3 w");
        /* Allowing all, the list does not show the denials (devcgroup_seq_show). */
        assert_list(&r, "a *:* rwm\n");
        assert_state(&r, "allow\nc 1:3 w\n");
        cr_assert(!device_rules_is_default(&r));
        cr_assert(!device_rules_permit(&r, C, 1, 3, W));
        cr_assert(!device_rules_permit(&r, C, 1, 3, R | W)); /* any overlap denies */
        cr_assert(device_rules_permit(&r, C, 1, 3, R));
        cr_assert(device_rules_permit(&r, C, 1, 5, W));
        cr_assert(device_rules_permit(&r, B, 1, 3, W));

        deny(&r, NULL, "c 1:3 r");
        assert_state(&r, "allow\nc 1:3 rw\n"); /* merged into the same exception */
        deny(&r, NULL, "b *:* m");
        assert_state(&r, "allow\nc 1:3 rw\nb *:* m\n");
        cr_assert(!device_rules_permit(&r, B, 8, 0, M));

        allow(&r, NULL, "c 1:3 w");
        assert_state(&r, "allow\nc 1:3 r\nb *:* m\n");
        allow(&r, NULL, "c 1:5 rwm"); /* no such denial: silently nothing */
        assert_state(&r, "allow\nc 1:3 r\nb *:* m\n");
        allow(&r, NULL, "b 8:0 m"); /* part of a wildcard denial: silently nothing */
        assert_state(&r, "allow\nc 1:3 r\nb *:* m\n");
        allow(&r, NULL, "c 1:3 rwm");
        allow(&r, NULL, "b *:* m");
        assert_state(&r, "allow\n");
        cr_assert(device_rules_is_default(&r));
        device_rules_done(&r);
}

Test(device_rules, deny_all_mode_allow_adds_deny_removes) {
        struct device_rules r;
        device_rules_init(&r);

        deny(&r, NULL, "c 1:3 w");
        deny(&r, NULL, "a"); /* clears the exceptions */
        assert_list(&r, "");
        assert_state(&r, "deny\n");
        cr_assert(!device_rules_permit(&r, C, 1, 3, R));

        allow(&r, NULL, "c 1:3 rwm");
        assert_list(&r, "c 1:3 rwm\n");
        cr_assert(device_rules_permit(&r, C, 1, 3, R | W));
        cr_assert(!device_rules_permit(&r, C, 1, 5, R));
        allow(&r, NULL, "c 1:5 r");
        allow(&r, NULL, "c 1:3 r"); /* already there: merged, no second line */
        allow(&r, NULL, "b *:* m");
        allow(&r, NULL, "c *:7 w");
        allow(&r, NULL, "c 4000000000:1 r");
        assert_list(&r, "c 1:3 rwm\nc 1:5 r\nb *:* m\nc *:7 w\nc 4000000000:1 r\n");
        cr_assert(device_rules_permit(&r, C, 1, 5, R));
        cr_assert(!device_rules_permit(&r, C, 1, 5, R | W)); /* one exception must hold all of it */
        cr_assert(device_rules_permit(&r, B, 259, 0, M));
        cr_assert(device_rules_permit(&r, C, 9, 7, W));
        cr_assert(!device_rules_permit(&r, B, 9, 7, W));

        deny(&r, NULL, "c 1:3 w");
        deny(&r, NULL, "c 1:5 r"); /* emptied: dropped */
        deny(&r, NULL, "b 8:0 m");  /* part of a wildcard: silently nothing */
        deny(&r, NULL, "c 2:2 r");  /* nothing to remove */
        assert_list(&r, "c 1:3 rm\nb *:* m\nc *:7 w\nc 4000000000:1 r\n");

        deny(&r, NULL, "a *:* rwm"); /* "a" again: back to nothing */
        assert_list(&r, "");
        allow(&r, NULL, "a"); /* at the top "a" may always allow all */
        assert_list(&r, "a *:* rwm\n");
        assert_state(&r, "allow\n");
        device_rules_done(&r);
}

Test(device_rules, exception_without_access) {
        struct device_rules r;
        device_rules_init(&r);
        deny(&r, NULL, "a");
        allow(&r, NULL, "c 1:3 \nr");
        assert_list(&r, "c 1:3 \n");
        cr_assert(!device_rules_permit(&r, C, 1, 3, R));
        allow(&r, NULL, "c 1:3 r");
        assert_list(&r, "c 1:3 r\n");
        device_rules_done(&r);
}

Test(device_rules, a_with_children_is_einval) {
        struct device_rules r, rule_parent;
        device_rules_init(&r);
        device_rules_init(&rule_parent);
        deny(&r, NULL, "c 1:3 w");
        cr_assert_eq(write_rule(&r, NULL, true, DEVICE_FILE_ALLOW, "a"), -EINVAL);
        cr_assert_eq(write_rule(&r, NULL, true, DEVICE_FILE_DENY, "a"), -EINVAL);
        /* EINVAL comes before the parent's EPERM. */
        deny(&rule_parent, NULL, "a");
        cr_assert_eq(write_rule(&r, &rule_parent, true, DEVICE_FILE_ALLOW, "a"), -EINVAL);
        /* Exceptions are fine with children. */
        cr_assert_eq(write_rule(&r, NULL, true, DEVICE_FILE_DENY, "c 1:5 r"), 0);
        device_rules_done(&r);
        device_rules_done(&rule_parent);
}

Test(device_rules, child_of_denying_parent_gets_at_most_its_exceptions) {
        struct device_rules parent, child;
        device_rules_init(&parent);
        deny(&parent, NULL, "a");
        allow(&parent, NULL, "c 1:3 rwm");
        allow(&parent, NULL, "c 5:* rw");
        device_rules_init(&child);
        cr_assert_eq(device_rules_copy(&child, &parent), 0); /* as at mkdir */
        assert_list(&child, "c 1:3 rwm\nc 5:* rw\n");

        cr_assert_eq(write_rule(&child, &parent, false, DEVICE_FILE_ALLOW, "a"), -EPERM);
        deny(&child, &parent, "c 1:3 rwm");
        deny(&child, &parent, "c 5:* rw");
        assert_list(&child, "");
        cr_assert_eq(write_rule(&child, &parent, false, DEVICE_FILE_ALLOW, "c 1:5 r"), -EPERM);
        cr_assert_eq(write_rule(&child, &parent, false, DEVICE_FILE_ALLOW, "c 1:* r"), -EPERM);
        cr_assert_eq(write_rule(&child, &parent, false, DEVICE_FILE_ALLOW, "b 1:3 r"), -EPERM);
        cr_assert_eq(write_rule(&child, &parent, false, DEVICE_FILE_ALLOW, "c 5:1 m"), -EPERM);
        cr_assert_eq(write_rule(&child, &parent, false, DEVICE_FILE_ALLOW, "c *:* r"), -EPERM);
        allow(&child, &parent, "c 1:3 r");
        allow(&child, &parent, "c 5:1 rw");
        allow(&child, &parent, "c 5:* r");
        assert_list(&child, "c 1:3 r\nc 5:1 rw\nc 5:* r\n");
        /* Taking away is always allowed. */
        deny(&child, &parent, "c 5:1 w");
        assert_list(&child, "c 1:3 r\nc 5:1 r\nc 5:* r\n");
        device_rules_done(&parent);
        device_rules_done(&child);
}

Test(device_rules, child_of_allowing_parent) {
        struct device_rules parent, child;
        device_rules_init(&parent);
        deny(&parent, NULL, "c 1:3 w");
        device_rules_init(&child);
        cr_assert_eq(device_rules_copy(&child, &parent), 0);

        /* Allowing all too: it may not lift a denial of the parent. */
        cr_assert_eq(write_rule(&child, &parent, false, DEVICE_FILE_ALLOW, "c 1:3 w"), -EPERM);
        cr_assert_eq(write_rule(&child, &parent, false, DEVICE_FILE_ALLOW, "c 1:* rw"), -EPERM);
        cr_assert_eq(write_rule(&child, &parent, false, DEVICE_FILE_ALLOW, "c *:3 w"), -EPERM);
        allow(&child, &parent, "c 1:3 r"); /* no overlap with the parent's "w" */
        deny(&child, &parent, "c 1:5 rwm");
        allow(&child, &parent, "c 1:5 rwm");
        assert_state(&child, "allow\nc 1:3 w\n");

        /* Denying all: its grants may not overlap the parent's denials. */
        deny(&child, &parent, "a");
        cr_assert_eq(write_rule(&child, &parent, false, DEVICE_FILE_ALLOW, "c 1:3 rw"), -EPERM);
        cr_assert_eq(write_rule(&child, &parent, false, DEVICE_FILE_ALLOW, "c *:* rwm"), -EPERM);
        allow(&child, &parent, "c 1:3 rm");
        allow(&child, &parent, "c 1:* r");
        allow(&child, &parent, "b *:* rwm");
        assert_list(&child, "c 1:3 rm\nc 1:* r\nb *:* rwm\n");

        /* "a" back to allowing all takes the parent's denials, not its own grants. */
        allow(&child, &parent, "a");
        assert_list(&child, "a *:* rwm\n");
        assert_state(&child, "allow\nc 1:3 w\n");
        device_rules_done(&parent);
        device_rules_done(&child);
}

/* A denial written to @writer, then propagated to @child below it, as the rows do. */
static void deny_and_propagate(struct device_rules *writer, const struct device_rules *writer_parent,
                               struct device_rules *child, const char *s) {
        struct device_rule rule;
        cr_assert_eq(device_rule_parse(s, strlen(s), &rule), 0);
        cr_assert_eq(device_rules_update(writer, writer_parent, true, DEVICE_FILE_DENY, &rule), 0);
        cr_assert_eq(device_rules_propagate(child, writer, writer, &rule.exception), 0);
}

Test(device_rules, propagation_to_allowing_child_adds_the_denial) {
        struct device_rules parent, child, grandchild;
        device_rules_init(&parent);
        device_rules_init(&child);
        device_rules_init(&grandchild);
        deny_and_propagate(&parent, NULL, &child, "c 1:3 w");
        assert_state(&child, "allow\nc 1:3 w\n");
        /* Further down, each descendant against its own (already updated) parent. */
        struct device_rule rule;
        cr_assert_eq(device_rule_parse("c 1:3 w", 7, &rule), 0);
        cr_assert_eq(device_rules_propagate(&grandchild, &child, &parent, &rule.exception), 0);
        assert_state(&grandchild, "allow\nc 1:3 w\n");
        device_rules_done(&parent);
        device_rules_done(&child);
        device_rules_done(&grandchild);
}

Test(device_rules, propagation_to_denying_child_removes_access) {
        struct device_rules parent, child;
        device_rules_init(&parent);
        device_rules_init(&child);
        deny(&parent, NULL, "a");
        allow(&parent, NULL, "c 1:3 rwm");
        deny(&child, &parent, "a");
        allow(&child, &parent, "c 1:3 rw");
        deny_and_propagate(&parent, NULL, &child, "c 1:3 w");
        assert_list(&parent, "c 1:3 rm\n");
        assert_list(&child, "c 1:3 r\n");
        deny_and_propagate(&parent, NULL, &child, "c 1:3 r");
        assert_list(&child, "");
        device_rules_done(&parent);
        device_rules_done(&child);
}

Test(device_rules, propagation_revalidates_wildcard_grants) {
        struct device_rules parent, child;
        device_rules_init(&parent);
        device_rules_init(&child);
        deny(&child, &parent, "a");
        allow(&child, &parent, "c 1:* rw");
        allow(&child, &parent, "c 5:1 r");
        /* The parent denies c 1:3 w: the child's c 1:* rw now overlaps it and goes as a whole. */
        deny_and_propagate(&parent, NULL, &child, "c 1:3 w");
        assert_list(&child, "c 5:1 r\n");
        device_rules_done(&parent);
        device_rules_done(&child);
}

Test(device_rules, serialize_round_trip) {
        struct device_rules r, back;
        device_rules_init(&r);
        deny(&r, NULL, "a");
        allow(&r, NULL, "c 1:3 rwm");
        allow(&r, NULL, "b *:* m");
        allow(&r, NULL, "c 4294967294:* w");
        allow(&r, NULL, "c 7:7 \nr");
        char *s = serialized(&r);
        cr_assert_str_eq(s, "deny\nc 1:3 rwm\nb *:* m\nc 4294967294:* w\nc 7:7 \n");
        cr_assert_eq(device_rules_deserialize(s, strlen(s), &back), 0);
        assert_state(&back, s);
        cr_assert_eq(back.allow_all, false);
        cr_assert_eq(back.n, 4);
        cr_assert_eq(back.exceptions[2].major, 4294967294u);
        cr_assert_eq(back.exceptions[2].minor, ANY);
        free(s);
        device_rules_done(&back);

        cr_assert_eq(device_rules_deserialize("allow\n", 6, &back), 0);
        cr_assert(device_rules_is_default(&back));
        device_rules_done(&back);
        cr_assert_eq(device_rules_deserialize("deny", 4, &back), 0); /* no final newline */
        assert_state(&back, "deny\n");
        device_rules_done(&back);
        device_rules_done(&r);
}

Test(device_rules, deserialize_refuses_what_it_never_writes) {
        const char *bad[] = {
                "", "\n", "allowed\n", "Allow\n", "deny \n", "allow\n\n", "allow\nx 1:3 r\n", "allow\na *:* rwm\n",
                "allow\nc 1:3 rr\n", "allow\nc 1:3 x\n", "allow\nc 1:3\n", "allow\nc 1 3 r\n", "allow\nc :3 r\n",
                "allow\nc 1: r\n", "allow\nc 4294967295:3 r\n", "allow\nc 4294967296:3 r\n", "allow\nc -1:3 r\n",
                "allow\nc 1:3 r\nc 1:3 w\n", "allow\nc  1:3 r\n", "allow\nc1:3 r\n",
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
                struct device_rules r;
                int k = device_rules_deserialize(bad[i], strlen(bad[i]), &r);
                cr_assert_eq(k, -EBADMSG, "deserialize(\"%s\") = %d", bad[i], k);
        }
}

/*
 * A BPF interpreter for what device_bpf_compile() emits, strict about anything
 * else, so a program's verdicts can be compared with the emulator's.
 */
static unsigned run_program(const struct bpf_insn *p, size_t n, uint8_t type, uint32_t major, uint32_t minor,
                            uint8_t access) {
        struct bpf_cgroup_dev_ctx ctx = { .access_type = (uint32_t) access << 16 | type, .major = major, .minor = minor };
        uint64_t reg[11] = { [1] = (uintptr_t) &ctx };
        bool set[11] = { [1] = true };

        for (size_t pc = 0; pc < n; pc++) {
                const struct bpf_insn *i = &p[pc];
                uint8_t cls = BPF_CLASS(i->code), op = BPF_OP(i->code);
                cr_assert_lt(i->dst_reg, 11);
                cr_assert_lt(i->src_reg, 11);
                if (cls == BPF_LDX) {
                        cr_assert_eq(i->code, BPF_LDX | BPF_MEM | BPF_W);
                        cr_assert_eq(reg[i->src_reg], (uintptr_t) &ctx, "load from something else than the context");
                        cr_assert(i->off >= 0 && i->off % 4 == 0 && (size_t) i->off < sizeof(ctx));
                        uint32_t v;
                        memcpy(&v, (char *) &ctx + i->off, 4);
                        reg[i->dst_reg] = v;
                        set[i->dst_reg] = true;
                } else if (cls == BPF_ALU) {
                        uint32_t v = BPF_SRC(i->code) == BPF_X ? (uint32_t) reg[i->src_reg] : (uint32_t) i->imm;
                        uint32_t d = (uint32_t) reg[i->dst_reg];
                        if (BPF_SRC(i->code) == BPF_X)
                                cr_assert(set[i->src_reg]);
                        if (op != BPF_MOV)
                                cr_assert(set[i->dst_reg]);
                        if (op == BPF_MOV)
                                d = v;
                        else if (op == BPF_AND)
                                d &= v;
                        else if (op == BPF_RSH)
                                d >>= v;
                        else
                                cr_assert_fail("ALU op %#x", op);
                        reg[i->dst_reg] = d;
                        set[i->dst_reg] = true;
                } else if (cls == BPF_JMP || cls == BPF_JMP32) {
                        if (op == BPF_EXIT) {
                                cr_assert_eq(cls, BPF_JMP);
                                cr_assert(set[0], "exit with R0 unset");
                                return (unsigned) reg[0];
                        }
                        bool taken;
                        if (op == BPF_JA)
                                taken = true;
                        else {
                                cr_assert_eq(BPF_SRC(i->code), BPF_K);
                                cr_assert(set[i->dst_reg]);
                                uint64_t lhs = cls == BPF_JMP32 ? (uint32_t) reg[i->dst_reg] : reg[i->dst_reg];
                                uint64_t rhs = cls == BPF_JMP32 ? (uint32_t) i->imm : (uint64_t) (int64_t) i->imm;
                                if (op == BPF_JEQ)
                                        taken = lhs == rhs;
                                else if (op == BPF_JNE)
                                        taken = lhs != rhs;
                                else if (op == BPF_JSET)
                                        taken = (lhs & rhs) != 0;
                                else
                                        cr_assert_fail("jump op %#x", op);
                        }
                        if (taken) {
                                cr_assert(i->off >= 0, "backward jump");
                                cr_assert_lt(pc + 1 + (size_t) i->off, n, "jump out of the program");
                                pc += (size_t) i->off;
                        }
                } else
                        cr_assert_fail("instruction class %#x", cls);
        }
        cr_assert_fail("fell off the end of the program");
        return 0;
}

static void compile(const struct device_rules *r, struct bpf_insn **insns, size_t *n) {
        struct device_bpf_rule rules[256];
        cr_assert_leq(r->n, 256);
        for (size_t i = 0; i < r->n; i++)
                rules[i] = (struct device_bpf_rule) { .major = r->exceptions[i].major,
                                                      .minor = r->exceptions[i].minor,
                                                      .type = r->exceptions[i].type,
                                                      .access = r->exceptions[i].access };
        cr_assert_eq(device_bpf_compile(r->allow_all, rules, r->n, insns, n), 0);
}

/* The program's verdict on every request of a grid equals the emulator's (devcgroup_legacy_check_permission). */
static void assert_program_agrees(const struct device_rules *r) {
        static const uint32_t numbers[] = { 0, 1, 3, 5, 7, 8, 0x7fffffff, 0x80000000u, 4000000000u, 4294967294u };
        struct bpf_insn *insns;
        size_t n;
        char *s = serialized(r);
        compile(r, &insns, &n);
        for (uint8_t type = DEVICE_BLOCK; type <= DEVICE_CHAR; type++)
                for (size_t a = 0; a < sizeof(numbers) / sizeof(*numbers); a++)
                        for (size_t b = 0; b < sizeof(numbers) / sizeof(*numbers); b++)
                                for (uint8_t access = 1; access <= DEVICE_RWM; access++) {
                                        bool want = device_rules_permit(r, type, numbers[a], numbers[b], access);
                                        unsigned got = run_program(insns, n, type, numbers[a], numbers[b], access);
                                        cr_assert_eq(got, want ? 1u : 0u, "%s: %c %u:%u access %u: program %u",
                                                     s, type == DEVICE_CHAR ? 'c' : 'b', numbers[a], numbers[b],
                                                     access, got);
                                }
        free(insns);
        free(s);
}

Test(device_bpf_compile, default_programs) {
        struct device_rules r;
        struct bpf_insn *insns;
        size_t n;
        device_rules_init(&r);
        compile(&r, &insns, &n);
        cr_assert_eq(run_program(insns, n, C, 1, 3, R), 1);
        free(insns);
        deny(&r, NULL, "a");
        compile(&r, &insns, &n);
        cr_assert_eq(run_program(insns, n, C, 1, 3, R), 0);
        free(insns);
        device_rules_done(&r);
}

Test(device_bpf_compile, refuses_other_types) {
        struct device_bpf_rule rule = { .type = 4, .access = R };
        struct bpf_insn *insns = NULL;
        size_t n;
        cr_assert_eq(device_bpf_compile(true, &rule, 1, &insns, &n), -EINVAL);
        cr_assert_null(insns);
}

Test(device_bpf_compile, agrees_with_the_emulator_on_examples) {
        const char *allowing[] = { "c 1:3 w", "c 1:3 rw", "b *:* m", "c *:5 r", "c 4294967294:0 rwm", "c 2147483648:* w" };
        const char *denying[] = { "c 1:3 rwm", "c 1:* r", "b *:* m", "c *:7 w", "c 4000000000:8 rw", "b 8:0 \nr" };
        struct device_rules r;

        device_rules_init(&r);
        assert_program_agrees(&r);
        for (size_t i = 0; i < sizeof(allowing) / sizeof(*allowing); i++) {
                deny(&r, NULL, allowing[i]);
                assert_program_agrees(&r);
        }
        deny(&r, NULL, "a");
        assert_program_agrees(&r);
        for (size_t i = 0; i < sizeof(denying) / sizeof(*denying); i++) {
                allow(&r, NULL, denying[i]);
                assert_program_agrees(&r);
        }
        device_rules_done(&r);
}

/* Random walks of writes (fixed seed) over a small domain, the program checked after each. */
Test(device_bpf_compile, agrees_with_the_emulator_on_random_states) {
        static const char *const numbers[] = { "0", "1", "3", "5", "*", "4000000000" };
        static const char *const accesses[] = { "r", "w", "m", "rw", "rm", "wm", "rwm" };
        unsigned seed = 12345;
        struct device_rules r;

        for (int walk = 0; walk < 20; walk++) {
                device_rules_init(&r);
                for (int step = 0; step < 25; step++) {
                        char s[64];
                        int k = rand_r(&seed) % 20;
                        if (k == 0)
                                snprintf(s, sizeof(s), "a");
                        else
                                snprintf(s, sizeof(s), "%c %s:%s %s", rand_r(&seed) % 3 ? 'c' : 'b',
                                         numbers[rand_r(&seed) % 6], numbers[rand_r(&seed) % 6],
                                         accesses[rand_r(&seed) % 7]);
                        struct device_rule rule;
                        cr_assert_eq(device_rule_parse(s, strlen(s), &rule), 0, "%s", s);
                        cr_assert_eq(device_rules_update(&r, NULL, false,
                                                         rand_r(&seed) % 2 ? DEVICE_FILE_ALLOW : DEVICE_FILE_DENY,
                                                         &rule),
                                     0);
                        assert_program_agrees(&r);
                }
                device_rules_done(&r);
        }
}
