/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Device access control on cgroup v2: a BPF_PROG_TYPE_CGROUP_DEVICE program
 * per cgroup, attached with BPF_F_ALLOW_MULTI so that the programs of all
 * ancestors run too and a device is usable only if every one of them allows
 * it. The policy is a default verdict and exceptions to it, the shape of the
 * v1 device cgroup, but nothing here knows v1.
 *
 * The program is built as raw instructions (no libbpf), the layout runc's
 * devicefilter.go and crun's ebpf.c use: load the context once, then one block
 * per exception that falls through to the next on a mismatch, then the
 * default verdict.
 */

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DEVICE_BPF_ANY UINT32_MAX /* a major or minor matching every number */

struct device_bpf_rule {
        uint32_t major, minor; /* or DEVICE_BPF_ANY */
        uint16_t type;         /* BPF_DEVCG_DEV_BLOCK or BPF_DEVCG_DEV_CHAR */
        uint16_t access;       /* BPF_DEVCG_ACC_* bits */
};

/*
 * The instructions of a program (malloc'd into *ret) for a policy:
 *   allow_by_default: allow, unless an exception of the device's type and
 *     numbers shares any access bit with the request;
 *   otherwise: deny, unless an exception of the device's type and numbers
 *     holds every access bit of the request.
 * Pure: no system call. -EINVAL for a rule of another type.
 */
int device_bpf_compile(bool allow_by_default, const struct device_bpf_rule *rules, size_t n, struct bpf_insn **ret,
                       size_t *ret_n);

/*
 * Make @insns the device program of the cgroup open at @cgroup_fd: load it and
 * attach it, atomically replacing (BPF_F_REPLACE) the program an earlier call
 * attached there. Other programs on the cgroup are left alone. The kernel
 * keeps the program while the cgroup exists; no fd stays open.
 */
int device_bpf_install(int cgroup_fd, const struct bpf_insn *insns, size_t n);

/* Detach the program device_bpf_install() attached to the cgroup, if any. */
int device_bpf_remove(int cgroup_fd);
