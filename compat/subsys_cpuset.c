/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The cpuset subsystem: its v1 files over their v2 forms (MAPPING.md §4).
 *
 * A group's v1 cpus and mems are its v2 cpuset.cpus and cpuset.mems: v2 keeps
 * what was written and prints it as v1 does, and a fresh v2 group has them
 * empty, which is v1's "unset" (v2 then lets the group inherit its parent's
 * effective sets; v1 refuses tasks, which can_attach does here). So the kernel
 * holds the configured value and nothing can go stale. The view root is v1's
 * top cpuset: it shows all the tree's CPUs and nodes and cannot be written.
 *
 * Writes are checked in the order of the kernel's update_cpumask() and
 * validate_change() for v1, with its errnos, before anything reaches v2.
 */
#include <assert.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "convert_cpuset.h"
#include "group_io.h"
#include "kstrto.h"
#include "legacy_file.h"

/* The two masks a cpuset has, told apart by the row's arg. */
struct mask_kind {
        const char *arg;
        const char *v2_file;
        const char *v2_effective;
        const char *exclusive_row; /* the flag that forbids siblings to overlap */
        /* sysfs list of what top_cpuset holds: online CPUs, nodes with memory */
        const char *machine_list;
        const char *machine_fallback; /* when the list is missing (!CONFIG_NUMA) */
        /* The parser's width: the last possible CPU + 1 (nr_cpu_ids), or a fixed one. */
        const char *width_list;
        unsigned width;
};

static const struct mask_kind kinds[] = {
        {
                .arg = "cpus",
                .v2_file = "cpuset.cpus",
                .v2_effective = "cpuset.cpus.effective",
                .exclusive_row = "cpuset.cpu_exclusive",
                .machine_list = "/sys/devices/system/cpu/online",
                .machine_fallback = "0",
                .width_list = "/sys/devices/system/cpu/possible",
        },
        {
                .arg = "mems",
                .v2_file = "cpuset.mems",
                .v2_effective = "cpuset.mems.effective",
                .exclusive_row = "cpuset.mem_exclusive",
                .machine_list = "/sys/devices/system/node/has_memory",
                .machine_fallback = "0",
                .width = NODEMASK_BITS,
        },
};

static const struct mask_kind *kind_of(const struct file_ctx *ctx) {
        for (size_t i = 0; i < ELEMENTSOF(kinds); i++)
                if (!strcmp(ctx->file->arg, kinds[i].arg))
                        return &kinds[i];
        assert(!"cpuset row without a mask kind");
        return &kinds[0];
}

static int read_sysfs(const char *path, char *buf, size_t size) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        ssize_t n = read(fd, buf, size - 1);
        if (n < 0)
                return negative_errno();
        buf[n] = 0;
        return 0;
}

/*
 * What the kernel parses a write against: the mask's width (nr_cpu_ids for
 * CPUs, MAX_NUMNODES for nodes: bits past it are ERANGE) and the top
 * cpuset's set (anything outside is EINVAL).
 */
static int machine_mask(const struct mask_kind *k, unsigned *ret_nbits, struct bitmask *ret_set) {
        char text[4096 + 1]; /* sysfs prints a page at most */
        int r;

        r = read_sysfs(k->machine_list, text, sizeof(text));
        if (r == -ENOENT)
                strcpy(text, k->machine_fallback);
        else if (r < 0)
                return r;
        r = bitmask_parse_list(text, CPUMASK_BITS_MAX, ret_set);
        if (r < 0)
                return r;

        if (!k->width_list) {
                *ret_nbits = k->width;
                return 0;
        }
        struct bitmask possible;
        r = read_sysfs(k->width_list, text, sizeof(text));
        if (r >= 0)
                r = bitmask_parse_list(text, CPUMASK_BITS_MAX, &possible);
        if (r < 0)
                return r;
        int last = bitmask_last(&possible);
        if (last < 0)
                return -EBADMSG;
        *ret_nbits = (unsigned) last + 1;
        return 0;
}

static int read_v2_mask(const struct file_ctx *ctx, const char *file, struct bitmask *ret) {
        _cleanup_free_ char *text = NULL;
        int r = group_read_v2(ctx, file, &text);
        if (r < 0)
                return r;
        return bitmask_parse_list(text, CPUMASK_BITS_MAX, ret) < 0 ? -EBADMSG : 0;
}

/* The group's v1 mask: what was configured, or for the top cpuset all it has. */
static int v1_mask(const struct file_ctx *ctx, const struct mask_kind *k, struct bitmask *ret) {
        return read_v2_mask(ctx, ctx->is_root ? k->v2_effective : k->v2_file, ret);
}

/* A v1 flag kept as state under its row's name: "1" or "0", else the kernel's default. */
static int flag_get(const struct file_ctx *ctx, const char *row, bool fallback) {
        char value[32];
        int r = legacy_state_get(ctx, row, value, sizeof(value));
        if (r == -ENODATA)
                return fallback;
        if (r < 0)
                return r;
        return strcmp(value, "0") != 0;
}

/* top_cpuset is created CS_CPU_EXCLUSIVE | CS_MEM_EXCLUSIVE. */
static int exclusive_get(const struct file_ctx *ctx, const struct mask_kind *k) {
        return flag_get(ctx, k->exclusive_row, ctx->is_root);
}

/* A group's mask and exclusive flag: what validate_change() compares. */
struct cpuset_state {
        struct bitmask mask;
        bool exclusive;
};

static int state_get(const struct file_ctx *ctx, const struct mask_kind *k, struct cpuset_state *ret) {
        int r = v1_mask(ctx, k, &ret->mask);
        if (r < 0)
                return r;
        r = exclusive_get(ctx, k);
        if (r < 0)
                return r;
        ret->exclusive = r;
        return 0;
}

static int group_ino(const struct file_ctx *ctx, ino_t *ret) {
        struct stat st;
        int r = ctx->tree->backend->stat(ctx->fd, NULL, &st);
        if (r < 0)
                return r;
        *ret = st.st_ino;
        return 0;
}

/* Calls @check with the state of each child group of @parent but @skip. */
typedef int (*state_check_fn)(const struct cpuset_state *other, const void *userdata);

struct child_walk {
        const struct file_ctx *parent;
        const struct mask_kind *kind;
        ino_t skip;
        state_check_fn check;
        const void *userdata;
};

static int child_walk_one(void *userdata, const char *name, const char *v2_name, ino_t ino) {
        const struct child_walk *w = userdata;
        _cleanup_close_ int fd = -1;
        struct cpuset_state other;
        int r;

        (void) name;
        if (ino == w->skip)
                return 0;
        r = w->parent->tree->backend->open_child(w->parent->fd, v2_name, &fd);
        if (r == -ENOENT)
                return 0; /* removed meanwhile */
        if (r < 0)
                return r;
        struct file_ctx child = *w->parent;
        child.fd = fd;
        child.is_root = false;
        r = state_get(&child, w->kind, &other);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        return w->check(&other, w->userdata);
}

static int for_each_child_state(const struct file_ctx *parent, const struct mask_kind *k, ino_t skip,
                                state_check_fn check, const void *userdata) {
        struct child_walk w = { .parent = parent, .kind = k, .skip = skip, .check = check, .userdata = userdata };
        return tree_for_each_child(parent->tree, parent->fd, parent->view->key, child_walk_one, &w);
}

/* The parent group of a non-root group, as a context of its own; close ret->fd. */
static int parent_ctx(const struct file_ctx *ctx, struct file_ctx *ret) {
        struct stat st;
        int fd, r;

        assert(!ctx->is_root);
        r = ctx->tree->backend->open_child(ctx->fd, "..", &fd);
        if (r < 0)
                return r;
        r = ctx->tree->backend->stat(fd, NULL, &st);
        if (r < 0) {
                close(fd);
                return r;
        }
        *ret = *ctx;
        ret->fd = fd;
        ret->is_root = st.st_ino == ctx->tree->root_ino;
        return 0;
}

/* is_cpuset_subset() for one mask and its exclusive flag. */
static bool state_subset(const struct cpuset_state *sub, const struct cpuset_state *set) {
        return bitmask_subset(&sub->mask, &set->mask) && sub->exclusive <= set->exclusive;
}

static int child_within_trial(const struct cpuset_state *child, const void *trial) {
        return state_subset(child, trial) ? 0 : -EBUSY;
}

static int sibling_apart(const struct cpuset_state *sibling, const void *userdata) {
        const struct cpuset_state *trial = userdata;
        if ((trial->exclusive || sibling->exclusive) && bitmask_intersects(&trial->mask, &sibling->mask))
                return -EINVAL;
        return 0;
}

/*
 * validate_change() with validate_change_legacy(): may the group's state
 * become @trial? Children must stay within it (EBUSY), it must stay within
 * the parent (EACCES), a group with tasks keeps some CPUs and nodes
 * (ENOSPC), exclusive siblings do not overlap (EINVAL).
 */
static int validate_change(const struct file_ctx *ctx, const struct mask_kind *k, const struct cpuset_state *cur,
                           const struct cpuset_state *trial) {
        struct file_ctx parent;
        struct cpuset_state parent_state;
        ino_t self;
        int r;

        r = for_each_child_state(ctx, k, 0, child_within_trial, trial);
        if (r < 0 || ctx->is_root)
                return r;

        r = parent_ctx(ctx, &parent);
        if (r < 0)
                return r;
        r = state_get(&parent, k, &parent_state);
        if (r >= 0 && !state_subset(trial, &parent_state))
                r = -EACCES;
        if (r >= 0 && !bitmask_empty(&cur->mask) && bitmask_empty(&trial->mask)) {
                r = ctx->tree->backend->populated(ctx->fd);
                if (r > 0)
                        r = -ENOSPC;
        }
        if (r >= 0)
                r = group_ino(ctx, &self);
        if (r >= 0)
                r = for_each_child_state(&parent, k, self, sibling_apart, trial);
        close(parent.fd);
        return r;
}

/* Writes a mask to v2 as the kernel prints it; "\n" stands for the empty set. */
static int write_v2_mask(const struct file_ctx *ctx, const char *file, const struct bitmask *m) {
        _cleanup_(text_free) struct text list = {};
        int r = bitmask_format_list(m, &list);
        if (r < 0)
                return r;
        return group_write_v2(ctx, file, list.len ? list.data : "\n");
}

static int mask_read(const struct file_ctx *ctx, struct text *out) {
        struct bitmask m;
        int r = v1_mask(ctx, kind_of(ctx), &m);
        if (r >= 0)
                r = bitmask_format_list(&m, out);
        if (r >= 0)
                r = text_append(out, "\n", 1);
        return r;
}

/* cpuset_write_resmask() and update_cpumask()/update_nodemask(). */
static int mask_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        const struct mask_kind *k = kind_of(ctx);
        struct cpuset_state cur, trial;
        struct bitmask machine;
        unsigned nbits;
        int r;

        if (ctx->is_root)
                return -EACCES; /* top_cpuset follows the machine; it is read-only */
        r = machine_mask(k, &nbits, &machine);
        if (r < 0)
                return r;
        r = bitmask_parse_write(buf, len, nbits, &trial.mask);
        if (r < 0)
                return r;
        if (!bitmask_subset(&trial.mask, &machine))
                return -EINVAL;
        r = state_get(ctx, k, &cur);
        if (r < 0)
                return r;
        if (!memcmp(&cur.mask, &trial.mask, sizeof(cur.mask)))
                return 0;
        trial.exclusive = cur.exclusive;
        r = validate_change(ctx, k, &cur, &trial);
        if (r < 0)
                return r;
        return write_v2_mask(ctx, k->v2_file, &trial.mask);
}

static int effective_read(const struct file_ctx *ctx, struct text *out) {
        _cleanup_free_ char *text = NULL;
        int r = group_read_v2(ctx, kind_of(ctx)->v2_effective, &text);
        if (r < 0)
                return r;
        return text_printf(out, "%s\n", text);
}

static int exclusive_read(const struct file_ctx *ctx, struct text *out) {
        int r = exclusive_get(ctx, kind_of(ctx));
        if (r < 0)
                return r;
        return text_printf(out, "%d\n", r);
}

/*
 * update_flag(CS_CPU_EXCLUSIVE or CS_MEM_EXCLUSIVE): the kernel's v1 rules
 * between v1 groups, kept by the shim. cpu_exclusive has no v2 form that
 * keeps them (cpuset.cpus.exclusive, 6.7+, has rules of its own and needs
 * the tree's root to own exclusive CPUs); mem_exclusive's hardwall has none,
 * so it follows the view's policy for values with no v2 home.
 */
static int exclusive_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        const struct mask_kind *k = kind_of(ctx);
        struct cpuset_state cur, trial;
        unsigned long long value;
        int r;

        r = kstrtoull(buf, len, 0, &value);
        if (r < 0)
                return r;
        r = state_get(ctx, k, &cur);
        if (r < 0)
                return r;
        trial = cur;
        trial.exclusive = value != 0;
        r = validate_change(ctx, k, &cur, &trial);
        if (r < 0)
                return r;
        const char *flag = trial.exclusive ? "1" : "0";
        if (ctx->file->mapping == MAP_NONE)
                return unsupported_store(ctx, flag, 1);
        return legacy_state_set(ctx, ctx->file->name, flag, 1);
}

/* Flags with no v2 home (write_u64: any non-zero sets), the v1 default in the row's arg. */
static int flag_read(const struct file_ctx *ctx, struct text *out) {
        return unsupported_read(ctx, ctx->file->arg, out);
}

static int flag_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        unsigned long long value;
        int r = kstrtoull(buf, len, 0, &value);
        if (r < 0)
                return r;
        return unsupported_store(ctx, value ? "1" : "0", 1);
}

/*
 * update_relax_domain_level(): -1 (system default) up to the deepest
 * scheduling domain level, 5 in the v1 documentation ("system wide").
 */
#define RELAX_DOMAIN_LEVEL_MAX 5

static int relax_domain_level_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        char value[32];
        long long level;
        int r = kstrtoll(buf, len, 0, &level);
        if (r < 0)
                return r;
        if (level < -1 || level > RELAX_DOMAIN_LEVEL_MAX)
                return -EINVAL;
        int n = snprintf(value, sizeof(value), "%lld", level);
        return unsupported_store(ctx, value, (size_t) n);
}

static int cpuset_can_attach(const struct file_ctx *ctx) {
        for (size_t i = 0; i < ELEMENTSOF(kinds); i++) {
                struct bitmask m;
                int r = v1_mask(ctx, &kinds[i], &m);
                if (r == -ENOENT)
                        return 0; /* no cpuset controller under the tree: nothing to refuse */
                if (r < 0)
                        return r;
                if (bitmask_empty(&m))
                        return -ENOSPC; /* cpuset_can_attach_check() */
        }
        return 0;
}

static int exclusive_child_found(const struct cpuset_state *child, const void *userdata) {
        (void) userdata;
        return child->exclusive ? -EEXIST : 0;
}

/*
 * cpuset_css_online(): the child always starts with its parent's spread flags;
 * with clone_children also with its masks, unless a child of the parent is
 * exclusive.
 */
static int cpuset_init_group(const struct file_ctx *parent, const struct file_ctx *child) {
        static const char *const spread[] = { "cpuset.memory_spread_page", "cpuset.memory_spread_slab" };
        int r;

        for (size_t i = 0; i < ELEMENTSOF(spread); i++) {
                r = legacy_state_inherit(parent, child, spread[i]);
                if (r < 0)
                        return r;
        }
        r = tree_get_view_flag(parent->tree, parent->fd, STATE_CLONE_CHILDREN, parent->view->key);
        if (r <= 0)
                return r;

        for (size_t i = 0; i < ELEMENTSOF(kinds); i++) {
                r = for_each_child_state(parent, &kinds[i], 0, exclusive_child_found, NULL);
                if (r == -EEXIST || r == -ENOENT)
                        return 0; /* an exclusive sibling, or no cpuset controller under the tree */
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < ELEMENTSOF(kinds); i++) {
                struct bitmask m;
                r = v1_mask(parent, &kinds[i], &m);
                if (r >= 0)
                        r = write_v2_mask(child, kinds[i].v2_file, &m);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* The longest list a write may carry: cftype max_write_len of cpus and mems (NR_CPUS 8192, MAX_NUMNODES 1024). */
#define CPUS_WRITE_MAX (100 + 6 * CPUMASK_BITS_MAX)
#define MEMS_WRITE_MAX (100 + 6 * NODEMASK_BITS)

#define CPUSET_ROW(n, m, map, ...) \
        { .name = "cpuset." n, .mode = (m), .requires = "cpuset.cpus", .mapping = (map), __VA_ARGS__ }
/* Flags with no v2 home, and their v1 default. */
#define FLAG_ROW(n, _default) CPUSET_ROW(n, 0644, MAP_NONE, .arg = _default, .read = flag_read, .write = flag_write)

static const struct legacy_file files[] = {
        /* v2 lets an empty group inherit; the view refuses tasks there as v1. */
        CPUSET_ROW("cpus", 0644, MAP_LOSSY, .arg = "cpus", .max_write = CPUS_WRITE_MAX, .read = mask_read,
                   .write = mask_write),
        /* And v2 always migrates pages when mems change. */
        CPUSET_ROW("mems", 0644, MAP_LOSSY, .arg = "mems", .max_write = MEMS_WRITE_MAX, .read = mask_read,
                   .write = mask_write),
        /* v1 shows an unset group empty, v2 what it inherits. */
        CPUSET_ROW("effective_cpus", 0444, MAP_LOSSY, .arg = "cpus", .read = effective_read),
        CPUSET_ROW("effective_mems", 0444, MAP_LOSSY, .arg = "mems", .read = effective_read),
        /* v1's rules between groups, no scheduling domain of its own. */
        CPUSET_ROW("cpu_exclusive", 0644, MAP_LOSSY, .arg = "cpus", .read = exclusive_read, .write = exclusive_write),
        CPUSET_ROW("mem_exclusive", 0644, MAP_NONE, .arg = "mems", .read = exclusive_read, .write = exclusive_write),
        FLAG_ROW("mem_hardwall", "0"),
        FLAG_ROW("sched_load_balance", "1"),
        CPUSET_ROW("sched_relax_domain_level", 0644, MAP_NONE, .arg = "-1", .read = flag_read,
                   .write = relax_domain_level_write),
        FLAG_ROW("memory_migrate", "0"),
        CPUSET_ROW("memory_pressure", 0444, MAP_NONE, .arg = "0", .read = flag_read),
        FLAG_ROW("memory_spread_page", "0"),
        FLAG_ROW("memory_spread_slab", "0"),
        CPUSET_ROW("memory_pressure_enabled", 0644, MAP_NONE, .place = IN_ROOT_ONLY, .arg = "0", .read = flag_read,
                   .write = flag_write),
};

/*
 * Empty masks: a new v2 cgroup's, which inherit the parent's. A partition root goes
 * back to a member first, as it could not keep its CPUs without a mask of its own.
 */
static int cpuset_reset_group(const struct file_ctx *ctx) {
        static const struct v2_default defaults[] = {
                { "cpuset.cpus.partition", "member" },
                { "cpuset.cpus", "\n" },
                { "cpuset.mems", "\n" },
        };
        return group_reset_v2(ctx, defaults, ELEMENTSOF(defaults));
}

const struct subsystem subsys_cpuset = {
        .name = "cpuset",
        .files = files,
        .n_files = ELEMENTSOF(files),
        .can_attach = cpuset_can_attach,
        .init_group = cpuset_init_group,
        .reset_group = cpuset_reset_group,
};
