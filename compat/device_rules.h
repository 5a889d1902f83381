/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The v1 device cgroup (security/device_cgroup.c) as a pure emulator: a group's
 * state is a default behaviour plus an exception list, changed by writes to
 * devices.allow and devices.deny exactly as devcgroup_update_access() changes it,
 * and shown by devices.list as devcgroup_seq_show() shows it. No I/O: the rows
 * in subsys_devices.c keep the state on the v2 directory and compile it to a
 * device BPF program (backend/device_bpf.h) that the kernel enforces.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "text.h"

/* "*" as a major or minor number: the kernel's ~0, which a written 4294967295 also means. */
#define DEVICE_ANY UINT32_MAX

/* The kernel's DEVCG_DEV_* and DEVCG_ACC_*: the same bits as BPF_DEVCG_DEV_* and BPF_DEVCG_ACC_*. */
enum {
        DEVICE_BLOCK = 1,
        DEVICE_CHAR = 2,
};
enum {
        DEVICE_MKNOD = 1,
        DEVICE_READ = 2,
        DEVICE_WRITE = 4,
        DEVICE_RWM = DEVICE_MKNOD | DEVICE_READ | DEVICE_WRITE,
};

struct device_exception {
        uint32_t major, minor;
        uint8_t type;   /* DEVICE_BLOCK or DEVICE_CHAR */
        uint8_t access; /* DEVICE_* access bits; may be 0 ("c 1:3 \nr" parses so) */
};

struct device_rules {
        /*
         * Default behaviour. Allowing: every device except those the exceptions
         * deny (any overlap of access). Denying: only what one exception covers
         * completely.
         */
        bool allow_all;
        struct device_exception *exceptions; /* in the order they were added */
        size_t n, allocated;
};

/* What one write says: "a" (everything), or one exception. */
struct device_rule {
        bool all;
        struct device_exception exception;
};

enum device_file {
        DEVICE_FILE_ALLOW,
        DEVICE_FILE_DENY,
};

/* A fresh group at the top: allow all, no exceptions. */
void device_rules_init(struct device_rules *r);
void device_rules_done(struct device_rules *r);
int device_rules_copy(struct device_rules *dst, const struct device_rules *src);
/* Allow-all without exceptions: the state of a group never written, which needs no program. */
bool device_rules_is_default(const struct device_rules *r);

/*
 * Parse a write to devices.allow or devices.deny as the kernel does after
 * strstrip(): "a..." (anything after the a is ignored), or "TYPE MAJ:MIN ACC"
 * with TYPE b or c, MAJ and MIN a u32 of at most 11 digits or "*", one space
 * character before MAJ and before ACC, and up to 3 of r, w, m (a fourth
 * character on is not looked at). Anything else is -EINVAL.
 */
int device_rule_parse(const char *buf, size_t len, struct device_rule *ret);

/*
 * Apply a write to @r, as devcgroup_update_access(): @parent is the parent
 * group's state (NULL for the top of the hierarchy, which may always allow
 * all), @has_children whether the group has child groups. On error @r is
 * unchanged: -EINVAL ("a" on a group with children), -EPERM (more than the
 * parent has).
 */
int device_rules_update(struct device_rules *r, const struct device_rules *parent, bool has_children,
                        enum device_file file, const struct device_rule *rule);

/*
 * After a write to devices.deny of @writer (its state after the write) with
 * exception @ex succeeded, every descendant, parents before children, is
 * updated as propagate_exception() does: @r is the descendant, @parent its
 * parent's state (already updated). Only devices.deny writes of an exception
 * propagate, and they only take access away.
 */
int device_rules_propagate(struct device_rules *r, const struct device_rules *parent,
                           const struct device_rules *writer, const struct device_exception *ex);

/* Would the group let a task have @access on device @type @major:@minor? (devcgroup_legacy_check_permission) */
bool device_rules_permit(const struct device_rules *r, uint8_t type, uint32_t major, uint32_t minor, uint8_t access);

/* devices.list: "a *:* rwm" while allowing all (its exceptions are not shown), else one line per exception. */
int device_rules_format_list(const struct device_rules *r, struct text *out);

/*
 * The state as compact text kept on the group: "allow" or "deny" on the first
 * line, then one exception per line in the devices.list form ("c 1:3 rw",
 * "b *:* m", "c 5:1 " for no access). Parsing the text back gives the same state.
 */
int device_rules_serialize(const struct device_rules *r, struct text *out);
int device_rules_deserialize(const char *text, size_t len, struct device_rules *ret);
