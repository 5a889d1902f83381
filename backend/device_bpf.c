/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "device_bpf.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "compat/macro.h"

/* How our programs are told from those of others (systemd's, a runtime's) on the same cgroup. */
#define PROGRAM_NAME "cgcompat_dev"
/* BPF_CGROUP_MAX_PROGS: a cgroup holds at most this many programs of one attach type. */
#define PROGRAMS_MAX 64

/* Registers: R1 the context on entry, R0 the verdict. */
enum { R0, R1, R2, R3, R4, R5 };
#define REG_TYPE R2   /* BPF_DEVCG_DEV_* of the request */
#define REG_ACCESS R3 /* BPF_DEVCG_ACC_* bits of the request */
#define REG_MAJOR R4
#define REG_MINOR R5

/* Jumps to the next exception's block, fixed up once the block's length is known. */
#define TO_NEXT_BLOCK INT16_MIN

static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
        return (struct bpf_insn) { .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm };
}

static struct bpf_insn load_ctx_u32(uint8_t dst, int16_t offset) {
        return insn(BPF_LDX | BPF_MEM | BPF_W, dst, R1, offset, 0);
}

static struct bpf_insn alu32_imm(uint8_t op, uint8_t dst, int32_t imm) {
        return insn(BPF_ALU | op | BPF_K, dst, 0, 0, imm);
}

/* 32-bit compare with an immediate: device numbers are u32, and JMP32 sees the imm as one. */
static struct bpf_insn jump32_imm(uint8_t op, uint8_t dst, uint32_t imm, int16_t off) {
        return insn(BPF_JMP32 | op | BPF_K, dst, 0, off, (int32_t) imm);
}

static struct bpf_insn exit_insn(void) {
        return insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

struct program {
        struct bpf_insn *insns;
        size_t n, allocated;
};

static int emit(struct program *p, struct bpf_insn i) {
        if (p->n == p->allocated) {
                size_t allocated = p->allocated ? p->allocated * 2 : 64;
                struct bpf_insn *insns = realloc(p->insns, allocated * sizeof(*insns));
                if (!insns)
                        return -ENOMEM;
                p->insns = insns;
                p->allocated = allocated;
        }
        p->insns[p->n++] = i;
        return 0;
}

static int emit_verdict(struct program *p, bool allow) {
        int r = emit(p, alu32_imm(BPF_MOV, R0, allow ? 1 : 0));
        if (r < 0)
                return r;
        return emit(p, exit_insn());
}

/* The request's type, access and numbers in registers: access_type is (access << 16) | type. */
static int emit_prologue(struct program *p) {
        int r = emit(p, load_ctx_u32(REG_TYPE, offsetof(struct bpf_cgroup_dev_ctx, access_type)));
        if (r >= 0)
                r = emit(p, insn(BPF_ALU | BPF_MOV | BPF_X, REG_ACCESS, REG_TYPE, 0, 0));
        if (r >= 0)
                r = emit(p, alu32_imm(BPF_RSH, REG_ACCESS, 16));
        if (r >= 0)
                r = emit(p, alu32_imm(BPF_AND, REG_TYPE, 0xffff));
        if (r >= 0)
                r = emit(p, load_ctx_u32(REG_MAJOR, offsetof(struct bpf_cgroup_dev_ctx, major)));
        if (r >= 0)
                r = emit(p, load_ctx_u32(REG_MINOR, offsetof(struct bpf_cgroup_dev_ctx, minor)));
        return r;
}

/*
 * One exception: on any mismatch fall through to the next block. Under a
 * default of allow the exception denies when the request shares an access bit
 * with it; under deny it allows when it holds every bit of the request.
 */
static int emit_exception(struct program *p, bool allow_by_default, const struct device_bpf_rule *rule) {
        size_t start = p->n;
        uint32_t outside = ~(uint32_t) rule->access & 0xffff;
        int r;

        if (allow_by_default && rule->access == 0)
                return 0; /* shares no bit with anything: denies nothing */

        r = emit(p, jump32_imm(BPF_JNE, REG_TYPE, rule->type, TO_NEXT_BLOCK));
        if (r >= 0 && rule->major != DEVICE_BPF_ANY)
                r = emit(p, jump32_imm(BPF_JNE, REG_MAJOR, rule->major, TO_NEXT_BLOCK));
        if (r >= 0 && rule->minor != DEVICE_BPF_ANY)
                r = emit(p, jump32_imm(BPF_JNE, REG_MINOR, rule->minor, TO_NEXT_BLOCK));
        if (r >= 0 && allow_by_default) {
                r = emit(p, jump32_imm(BPF_JSET, REG_ACCESS, rule->access, 1));
                if (r >= 0)
                        r = emit(p, insn(BPF_JMP | BPF_JA, 0, 0, TO_NEXT_BLOCK, 0));
        } else if (r >= 0 && outside != 0)
                r = emit(p, jump32_imm(BPF_JSET, REG_ACCESS, outside, TO_NEXT_BLOCK));
        if (r >= 0)
                r = emit_verdict(p, !allow_by_default);
        if (r < 0)
                return r;

        for (size_t i = start; i < p->n; i++)
                if (p->insns[i].off == TO_NEXT_BLOCK)
                        p->insns[i].off = (int16_t) (p->n - i - 1);
        return 0;
}

int device_bpf_compile(bool allow_by_default, const struct device_bpf_rule *rules, size_t n, struct bpf_insn **ret,
                       size_t *ret_n) {
        struct program p = {};
        int r;

        assert(rules || n == 0);
        for (size_t i = 0; i < n; i++)
                if (rules[i].type != BPF_DEVCG_DEV_BLOCK && rules[i].type != BPF_DEVCG_DEV_CHAR)
                        return -EINVAL;
        r = emit_prologue(&p);
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = emit_exception(&p, allow_by_default, &rules[i]);
        if (r >= 0)
                r = emit_verdict(&p, allow_by_default);
        if (r < 0) {
                free(p.insns);
                return r;
        }
        *ret = p.insns;
        *ret_n = p.n;
        return 0;
}

static int bpf(int cmd, union bpf_attr *attr) {
        long r = syscall(SYS_bpf, cmd, attr, sizeof(*attr));
        if (r < 0)
                return errno == ENOSYS ? -EOPNOTSUPP : negative_errno();
        return (int) r;
}

static uint64_t ptr_to_u64(const void *p) {
        return (uint64_t) (uintptr_t) p;
}

static int load_program(const struct bpf_insn *insns, size_t n) {
        union bpf_attr attr = {
                .prog_type = BPF_PROG_TYPE_CGROUP_DEVICE,
                .insns = ptr_to_u64(insns),
                .insn_cnt = (uint32_t) n,
                .license = ptr_to_u64("GPL"),
        };
        _Static_assert(sizeof(PROGRAM_NAME) <= sizeof(attr.prog_name), "program name too long");
        memcpy(attr.prog_name, PROGRAM_NAME, sizeof(PROGRAM_NAME));
        return bpf(BPF_PROG_LOAD, &attr);
}

static int is_ours(int prog_fd) {
        struct bpf_prog_info info = {};
        union bpf_attr attr = {
                .info = { .bpf_fd = (uint32_t) prog_fd, .info_len = sizeof(info), .info = ptr_to_u64(&info) },
        };
        int r = bpf(BPF_OBJ_GET_INFO_BY_FD, &attr);
        if (r < 0)
                return r;
        return info.type == BPF_PROG_TYPE_CGROUP_DEVICE && !strncmp(info.name, PROGRAM_NAME, sizeof(info.name));
}

/* Open every program of ours attached to the cgroup itself (not those its ancestors run). */
static int find_own_programs(int cgroup_fd, int fds[static PROGRAMS_MAX], size_t *ret_n) {
        uint32_t ids[PROGRAMS_MAX];
        union bpf_attr attr = {
                .query = {
                        .target_fd = (uint32_t) cgroup_fd,
                        .attach_type = BPF_CGROUP_DEVICE,
                        .prog_ids = ptr_to_u64(ids),
                        .prog_cnt = PROGRAMS_MAX,
                },
        };
        size_t n = 0;
        int r = bpf(BPF_PROG_QUERY, &attr);
        if (r < 0)
                return r;
        for (uint32_t i = 0; i < attr.query.prog_cnt && i < PROGRAMS_MAX; i++) {
                union bpf_attr get = { .prog_id = ids[i] };
                int fd = bpf(BPF_PROG_GET_FD_BY_ID, &get);
                if (fd == -ENOENT)
                        continue; /* detached since the query */
                r = fd < 0 ? fd : is_ours(fd);
                if (r > 0) {
                        fds[n++] = fd;
                        continue;
                }
                if (fd >= 0)
                        close(fd);
                if (r < 0) {
                        while (n > 0)
                                close(fds[--n]);
                        return r;
                }
        }
        *ret_n = n;
        return 0;
}

static void close_all(int *fds, size_t n) {
        for (size_t i = 0; i < n; i++)
                close(fds[i]);
}

static int detach(int cgroup_fd, int prog_fd) {
        union bpf_attr attr = {
                .target_fd = (uint32_t) cgroup_fd,
                .attach_bpf_fd = (uint32_t) prog_fd,
                .attach_type = BPF_CGROUP_DEVICE,
        };
        int r = bpf(BPF_PROG_DETACH, &attr);
        return r == -ENOENT ? 0 : r;
}

int device_bpf_install(int cgroup_fd, const struct bpf_insn *insns, size_t n) {
        _cleanup_close_ int prog_fd = -1;
        int own[PROGRAMS_MAX];
        size_t n_own = 0;
        int r;

        assert(cgroup_fd >= 0);
        prog_fd = load_program(insns, n);
        if (prog_fd < 0)
                return prog_fd;
        r = find_own_programs(cgroup_fd, own, &n_own);
        if (r < 0)
                return r;

        /* Replacing in place: the cgroup is never without a program, nor under two at once. */
        union bpf_attr attr = {
                .target_fd = (uint32_t) cgroup_fd,
                .attach_bpf_fd = (uint32_t) prog_fd,
                .attach_type = BPF_CGROUP_DEVICE,
                .attach_flags = BPF_F_ALLOW_MULTI | (n_own > 0 ? BPF_F_REPLACE : 0),
                .replace_bpf_fd = n_own > 0 ? (uint32_t) own[0] : 0,
        };
        r = bpf(BPF_PROG_ATTACH, &attr);
        /* Two writers racing on a group that had none can leave two: the newest is the one that counts. */
        for (size_t i = 1; r >= 0 && i < n_own; i++)
                r = detach(cgroup_fd, own[i]);
        close_all(own, n_own);
        return r < 0 ? r : 0;
}

int device_bpf_remove(int cgroup_fd) {
        int own[PROGRAMS_MAX];
        size_t n_own = 0;
        int r = find_own_programs(cgroup_fd, own, &n_own);
        for (size_t i = 0; r >= 0 && i < n_own; i++)
                r = detach(cgroup_fd, own[i]);
        close_all(own, n_own);
        return r < 0 ? r : 0;
}
