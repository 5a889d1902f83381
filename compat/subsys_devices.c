/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The devices subsystem (MAPPING.md §6.4). v2 has no device files: a group's v1
 * state (compat/device_rules.h) is kept on its v2 directory and compiled to a
 * device BPF program attached there, which the kernel enforces. Ancestors'
 * programs run too (BPF_F_ALLOW_MULTI), so a group never gets more than its
 * parent even where the emulated lists would let it.
 */
#include <fcntl.h>
#include <string.h>

#include "backend/device_bpf.h"
#include "device_rules.h"
#include "group_io.h"
#include "legacy_file.h"

/* Legacy state "v1.devices": device_rules_serialize()'s text, absent while allowing all. */
#define STATE_NAME "devices"
/* The largest value an xattr takes (XATTR_SIZE_MAX). */
#define STATE_MAX 65536

/* The emulator's bits are the kernel's, which are the BPF context's. */
_Static_assert((int) DEVICE_BLOCK == (int) BPF_DEVCG_DEV_BLOCK && (int) DEVICE_CHAR == (int) BPF_DEVCG_DEV_CHAR,
               "device types");
_Static_assert((int) DEVICE_MKNOD == (int) BPF_DEVCG_ACC_MKNOD && (int) DEVICE_READ == (int) BPF_DEVCG_ACC_READ &&
                       (int) DEVICE_WRITE == (int) BPF_DEVCG_ACC_WRITE,
               "access bits");
_Static_assert(DEVICE_ANY == DEVICE_BPF_ANY, "wildcard");

static int load_rules(const struct file_ctx *ctx, struct device_rules *ret) {
        _cleanup_free_ char *text = malloc(STATE_MAX + 1);
        if (!text)
                return -ENOMEM;
        int r = legacy_state_get(ctx, STATE_NAME, text, STATE_MAX + 1);
        if (r == -ENODATA) {
                device_rules_init(ret); /* never written: allow all, as a new v1 hierarchy does */
                return 0;
        }
        if (r < 0)
                return r;
        r = device_rules_deserialize(text, (size_t) r, ret);
        return r == -EBADMSG ? -EIO : r;
}

/* The parent's state; none for the view's root, v1's root cgroup, whatever is above it in v2. */
static int load_parent_rules(const struct file_ctx *ctx, struct device_rules *ret, bool *ret_has_parent) {
        *ret_has_parent = false;
        if (ctx->is_root)
                return 0;
        _cleanup_close_ int fd = openat(ctx->fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        struct file_ctx parent = *ctx;
        parent.fd = fd;
        int r = load_rules(&parent, ret);
        if (r < 0)
                return r;
        *ret_has_parent = true;
        return 0;
}

static int store_rules(const struct file_ctx *ctx, const struct device_rules *rules) {
        struct text text = {};
        int r;

        if (device_rules_is_default(rules))
                return legacy_state_remove(ctx, STATE_NAME);
        r = device_rules_serialize(rules, &text);
        if (r >= 0 && text.len > STATE_MAX)
                r = -ENOSPC;
        if (r >= 0)
                r = legacy_state_set(ctx, STATE_NAME, text.data, text.len);
        text_free(&text);
        return r;
}

/* The group's program made to enforce @rules; a group allowing all without exceptions has none. */
static int enforce(const struct file_ctx *ctx, const struct device_rules *rules) {
        _cleanup_free_ struct device_bpf_rule *bpf_rules = NULL;
        _cleanup_free_ struct bpf_insn *insns = NULL;
        size_t n_insns;
        int r;

        if (device_rules_is_default(rules))
                return device_bpf_remove(ctx->fd);
        bpf_rules = calloc(rules->n ? rules->n : 1, sizeof(*bpf_rules));
        if (!bpf_rules)
                return -ENOMEM;
        for (size_t i = 0; i < rules->n; i++) {
                const struct device_exception *ex = &rules->exceptions[i];
                bpf_rules[i] = (struct device_bpf_rule) {
                        .major = ex->major, .minor = ex->minor, .type = ex->type, .access = ex->access,
                };
        }
        r = device_bpf_compile(rules->allow_all, bpf_rules, rules->n, &insns, &n_insns);
        if (r < 0)
                return r;
        return device_bpf_install(ctx->fd, insns, n_insns);
}

/* The kernel first (it is the truth), then the state; a state that cannot be kept takes the program back. */
static int apply_rules(const struct file_ctx *ctx, const struct device_rules *rules, const struct device_rules *old) {
        int r = enforce(ctx, rules);
        if (r < 0)
                return r;
        r = store_rules(ctx, rules);
        if (r < 0)
                (void) enforce(ctx, old);
        return r;
}

static bool same_rules(const struct device_rules *a, const struct device_rules *b) {
        return a->allow_all == b->allow_all && a->n == b->n &&
               (a->n == 0 || !memcmp(a->exceptions, b->exceptions, a->n * sizeof(*a->exceptions)));
}

/* propagate_exception(): a denial written to a group reaches every descendant, parents first. */
struct propagation {
        const struct file_ctx *ctx; /* the group written to */
        const struct device_rules *writer;
        const struct device_exception *ex;
        int parent_fd;
        const struct device_rules *parent;
};

static int propagate_to_child(void *userdata, const char *name, const char *v2_name, ino_t ino) {
        const struct propagation *p = userdata;
        struct device_rules old, rules;
        _cleanup_close_ int fd = -1;
        int r;

        (void) name;
        (void) ino;
        r = p->ctx->tree->backend->open_child(p->parent_fd, v2_name, &fd);
        if (r == -ENOENT)
                return 0; /* removed meanwhile */
        if (r < 0)
                return r;
        struct file_ctx child = *p->ctx;
        child.fd = fd;
        child.is_root = false;

        r = load_rules(&child, &old);
        if (r < 0)
                return r;
        device_rules_init(&rules);
        r = device_rules_copy(&rules, &old);
        if (r >= 0)
                r = device_rules_propagate(&rules, p->parent, p->writer, p->ex);
        if (r >= 0 && !same_rules(&rules, &old))
                r = apply_rules(&child, &rules, &old);
        if (r >= 0) {
                struct propagation below = { .ctx = p->ctx, .writer = p->writer, .ex = p->ex, .parent_fd = fd,
                                             .parent = &rules };
                r = tree_for_each_child(child.tree, fd, child.view->key, propagate_to_child, &below);
        }
        device_rules_done(&rules);
        device_rules_done(&old);
        return r;
}

static int update_rules(const struct file_ctx *ctx, enum device_file file, const struct device_rule *rule) {
        struct device_rules old, parent, rules;
        bool has_parent;
        int has_children = 0, r;

        device_rules_init(&parent);
        device_rules_init(&rules);
        r = load_rules(ctx, &old);
        if (r < 0)
                return r;
        r = load_parent_rules(ctx, &parent, &has_parent);
        if (r >= 0 && rule->all)
                r = has_children = tree_has_children(ctx->tree, ctx->fd, ctx->view->key);
        if (r >= 0)
                r = device_rules_copy(&rules, &old);
        if (r >= 0)
                r = device_rules_update(&rules, has_parent ? &parent : NULL, has_children > 0, file, rule);
        /* Written even when unchanged: a program lost to a direct v2 detach comes back. */
        if (r >= 0)
                r = apply_rules(ctx, &rules, &old);
        if (r >= 0 && file == DEVICE_FILE_DENY && !rule->all) {
                struct propagation p = { .ctx = ctx, .writer = &rules, .ex = &rule->exception, .parent_fd = ctx->fd,
                                         .parent = &rules };
                r = tree_for_each_child(ctx->tree, ctx->fd, ctx->view->key, propagate_to_child, &p);
        }
        device_rules_done(&rules);
        device_rules_done(&parent);
        device_rules_done(&old);
        return r;
}

/* devices.allow and devices.deny: seq-write files, stripped, then parsed (devcgroup_access_write). */
static int access_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        struct device_rule rule;
        int r = device_rule_parse(buf, len, &rule);
        if (r < 0)
                return r;
        return update_rules(ctx, !strcmp(ctx->file->arg, "allow") ? DEVICE_FILE_ALLOW : DEVICE_FILE_DENY, &rule);
}

static int list_read(const struct file_ctx *ctx, struct text *out) {
        struct device_rules rules;
        int r = load_rules(ctx, &rules);
        if (r < 0)
                return r;
        r = device_rules_format_list(&rules, out);
        device_rules_done(&rules);
        return r;
}

/* devcgroup_online(): a new group starts with its parent's behaviour and exceptions. */
static int devices_init_group(const struct file_ctx *parent, const struct file_ctx *child) {
        struct device_rules rules, none;
        int r = load_rules(parent, &rules);
        if (r < 0)
                return r;
        device_rules_init(&none);
        if (!device_rules_is_default(&rules))
                r = apply_rules(child, &rules, &none);
        device_rules_done(&rules);
        return r;
}

/*
 * A new group allows every device: its program goes, then its rules (the state is
 * not a row's, so legacy_reset_group() does not know it). The kernel first, as in
 * apply_rules(): a program that stays keeps its rules readable.
 */
static int devices_reset_group(const struct file_ctx *ctx) {
        int r = device_bpf_remove(ctx->fd);
        if (r < 0)
                return r;
        r = legacy_state_remove(ctx, STATE_NAME);
        return r == -ENODATA ? 0 : r;
}

static const struct legacy_file files[] = {
        {
                .name = "devices.allow",
                .mode = 0200,
                .mapping = MAP_EXACT,
                .arg = "allow",
                .admin_only = true,
                .write = access_write,
        },
        {
                .name = "devices.deny",
                .mode = 0200,
                .mapping = MAP_EXACT,
                .arg = "deny",
                .admin_only = true,
                .write = access_write,
        },
        {
                .name = "devices.list",
                .mode = 0444,
                .mapping = MAP_EXACT,
                .read = list_read,
        },
};

const struct subsystem subsys_devices = {
        .name = "devices",
        .files = files,
        .n_files = ELEMENTSOF(files),
        .init_group = devices_init_group,
        .reset_group = devices_reset_group,
};
