/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The memory subsystem: its v1 files over their v2 forms (MAPPING.md §5, §5.1).
 *
 * Limits are one counter in both versions, so they pass through in bytes,
 * with v1's "-1" and unlimited reading (LONG_MAX / PAGE) * PAGE. The memsw
 * limit is not kept anywhere: it is memory.max + memory.swap.max, what v2
 * holds now. Counters v1 can reset (max_usage_in_bytes, failcnt) keep a
 * baseline on the group; v2's own counters never go back.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "convert_memory.h"
#include "event_control.h"
#include "group_io.h"
#include "kstrto.h"
#include "legacy_file.h"

/* The kernel's MAX_RECLAIM_RETRIES: how often force_empty and a shrinking limit try reclaim. */
#define RECLAIM_TRIES 16
/* v1's MAX_SWAPPINESS. */
#define SWAPPINESS_MAX 200
/* The bits of move_charge_at_immigrate (MOVE_ANON | MOVE_FILE), the low ones: above them is EINVAL. */
#define MOVE_CHARGE_MASK 3

/* The same row and tree, on the group behind @fd. */
static struct file_ctx ctx_at(const struct file_ctx *ctx, int fd) {
        struct file_ctx at = *ctx;
        at.fd = fd;
        return at;
}

static int read_u64_at(const struct file_ctx *ctx, int fd, const char *file, uint64_t *ret) {
        struct file_ctx at = ctx_at(ctx, fd);
        return group_read_u64(&at, file, ret);
}

/* A counter v2 may not have (memory.swap.current without swap accounting): absent reads @fallback. */
static int read_u64_or(const struct file_ctx *ctx, int fd, const char *file, uint64_t fallback, uint64_t *ret) {
        int r = read_u64_at(ctx, fd, file, ret);
        if (r == -ENOENT) {
                *ret = fallback;
                return 0;
        }
        return r;
}

/* A v2 limit file of the group behind @fd in pages; UINT64_MAX if the group has no such file. */
static int read_limit_at(const struct file_ctx *ctx, int fd, const char *file, uint64_t *ret_pages) {
        struct file_ctx at = ctx_at(ctx, fd);
        _cleanup_free_ char *text = NULL;
        int r;

        r = group_read_v2(&at, file, &text);
        if (r == -ENOENT) {
                *ret_pages = UINT64_MAX;
                return 0;
        }
        if (r < 0)
                return r;
        return memcg_limit_from_v2(text, page_size(), ret_pages);
}

static int write_limit(const struct file_ctx *ctx, const char *file, uint64_t pages) {
        char value[32];
        int r = memcg_limit_to_v2(pages, page_size(), value, sizeof(value));
        if (r < 0)
                return r;
        return group_write_v2(ctx, file, value);
}

static int print_u64(struct text *out, uint64_t v) {
        return text_printf(out, "%" PRIu64 "\n", v);
}

/*
 * A value no v2 file carries: the one v2 behaves as (@is_default: the OOM killer
 * on, no charge moving, no tcp limit) needs nothing kept; any other follows the
 * view's policy for unsupported files.
 */
static int store_unless_default(const struct file_ctx *ctx, uint64_t value, bool is_default) {
        if (is_default)
                return legacy_state_remove(ctx, ctx->file->name);
        return unsupported_store_u64(ctx, value);
}

/* write_u64 files: kstrtoull(buf, 0), no stripping, one trailing newline (cgroup_file_write); above @max is EINVAL. */
static int parse_u64_write(const char *buf, size_t len, uint64_t max, uint64_t *ret) {
        unsigned long long v;
        int r = kstrtoull(buf, len, 0, &v);
        if (r < 0)
                return r;
        if (v > max)
                return -EINVAL;
        *ret = v;
        return 0;
}

/* ---- a group's v2 children ---- */

/* Calls @fn for each child group (not the hidden leaf): the parts of a group that v1 keeps apart. */
typedef int (*child_fn)(const struct file_ctx *ctx, int fd, void *userdata);
struct child_walk {
        const struct file_ctx *ctx;
        child_fn fn;
        void *userdata;
};

static int child_walk_one(void *userdata, const char *name, const char *v2_name, ino_t ino) {
        struct child_walk *w = userdata;
        _cleanup_close_ int fd = -1;

        (void) name, (void) ino;
        int r = w->ctx->tree->backend->open_child(w->ctx->fd, v2_name, &fd);
        if (r == -ENOENT)
                return 0; /* removed meanwhile: its charges are the parent's now */
        if (r < 0)
                return r;
        r = w->fn(w->ctx, fd, w->userdata);
        return r == -ENOENT ? 0 : r;
}

/* Those the view holds (@view_key), or every v2 child (NULL). */
static int for_each_child(const struct file_ctx *ctx, const char *view_key, child_fn fn, void *userdata) {
        struct child_walk w = { .ctx = ctx, .fn = fn, .userdata = userdata };
        return tree_for_each_child(ctx->tree, ctx->fd, view_key, child_walk_one, &w);
}

static int for_each_child_group(const struct file_ctx *ctx, child_fn fn, void *userdata) {
        return for_each_child(ctx, ctx->view->key, fn, userdata);
}

/* Every v2 child, the hidden leaf first: where all of the group's charges but its own are. */
static int for_each_v2_child(const struct file_ctx *ctx, child_fn fn, void *userdata) {
        _cleanup_close_ int leaf_fd = -1;
        int r = tree_open_leaf(ctx->tree, ctx->fd, false, &leaf_fd);
        if (r >= 0)
                r = fn(ctx, leaf_fd, userdata);
        if (r < 0 && r != -ENOENT)
                return r;
        return for_each_child(ctx, NULL, fn, userdata);
}

/* ---- usage ---- */

/* Sums over a group's v2 children (convert_memory.h memcg_tasks_usage). */
struct children_usage {
        uint64_t current, pages, peak; /* peak UINT64_MAX: a child has none */
};

static int add_child_usage(const struct file_ctx *ctx, int fd, void *userdata) {
        struct children_usage *sum = userdata;
        struct file_ctx at = ctx_at(ctx, fd);
        _cleanup_free_ char *stat = NULL;
        uint64_t current, peak;
        int r;

        r = read_u64_at(ctx, fd, "memory.current", &current);
        if (r >= 0)
                r = read_u64_or(ctx, fd, "memory.peak", UINT64_MAX, &peak);
        if (r >= 0)
                r = group_read_v2(&at, "memory.stat", &stat);
        if (r < 0)
                return r;
        sum->current += current;
        sum->pages += memcg_stat_pages(stat);
        sum->peak = peak == UINT64_MAX || sum->peak == UINT64_MAX ? UINT64_MAX : sum->peak + peak;
        return 0;
}

/*
 * What the group's tasks and child groups use, as v1 counts it, and the most they
 * have (UINT64_MAX: v2 keeps no peak). The formula and why: memcg_tasks_usage().
 */
static int tasks_usage(const struct file_ctx *ctx, uint64_t *ret_usage, uint64_t *ret_peak) {
        struct children_usage children = {};
        _cleanup_free_ char *stat = NULL;
        uint64_t current, peak;
        int r;

        r = read_u64_at(ctx, ctx->fd, "memory.current", &current);
        if (r >= 0)
                r = read_u64_or(ctx, ctx->fd, "memory.peak", UINT64_MAX, &peak); /* 5.19+ */
        if (r >= 0)
                r = group_read_v2(ctx, "memory.stat", &stat);
        if (r >= 0)
                r = for_each_v2_child(ctx, add_child_usage, &children);
        if (r < 0)
                return r;
        uint64_t usage = memcg_tasks_usage(current, memcg_stat_pages(stat), children.current, children.pages);
        *ret_usage = usage;
        if (ret_peak)
                *ret_peak = memcg_tasks_peak(peak, children.peak, usage - children.current, usage);
        return 0;
}

/*
 * v1 drains the per-CPU charge batches (drain_all_stock()) before it judges a
 * limit. v2 does so only in a memory.high or memory.max write below the usage:
 * so memory.high one page below memory.current, and back at once, drains the
 * group's and its descendants' batches (other CPUs' a moment later: the kernel
 * leaves that to a work queue). What it reclaims meanwhile is at most the page a
 * limit below the usage reclaims anyway. Best effort: the limit is judged either way.
 */
static void drain_charge_batches(const struct file_ctx *ctx) {
        const struct backend_ops *b = ctx->tree->backend;
        _cleanup_free_ char *high = NULL;
        uint64_t current;
        char value[32];

        if (group_read_v2(ctx, "memory.high", &high) < 0 || read_u64_at(ctx, ctx->fd, "memory.current", &current) < 0 ||
            current < page_size())
                return;
        /* The backend's own write: no trace, no copy on the leaf, for a value that does not stay. */
        int n = snprintf(value, sizeof(value), "%" PRIu64, current - page_size());
        if (b->write_file(ctx->fd, "memory.high", value, (size_t) n) >= 0)
                (void) b->write_file(ctx->fd, "memory.high", high, strlen(high));
}

/* ---- limits ---- */

/*
 * v1 refuses a limit below what it cannot reclaim (EBUSY); v2 takes it and OOM-kills.
 * So judge the usage v1 shows, drain the charge batches and reclaim first, as
 * mem_cgroup_resize_max() does, and refuse when reclaim stalls. -ENOENT: no
 * memory.reclaim (before 5.19), nothing to do it with.
 *
 * v2 then holds the group to the limit with its own charges (its children's per-CPU
 * memcg data, a few KiB each) on top: a limit within those few KiB of the usage
 * makes v2 reclaim, or OOM-kill, where v1 would not.
 */
static int reclaim_down_to(const struct file_ctx *ctx, uint64_t target) {
        uint64_t before = UINT64_MAX;
        bool drained = false;

        for (int i = 0; i < RECLAIM_TRIES; i++) {
                uint64_t usage;
                int r = tasks_usage(ctx, &usage, NULL);
                if (r < 0)
                        return r;
                if (usage <= target)
                        return 0;
                if (!drained) {
                        drain_charge_batches(ctx);
                        drained = true;
                        continue;
                }
                if (usage >= before)
                        return -EBUSY; /* no progress: what is left cannot be reclaimed */
                before = usage;
                r = group_printf_v2(ctx, "memory.reclaim", "%" PRIu64, usage - target);
                if (r < 0 && r != -EAGAIN)
                        return r;
        }
        return -EBUSY;
}

static int limit_read(const struct file_ctx *ctx, struct text *out) {
        uint64_t pages;
        int r = read_limit_at(ctx, ctx->fd, "memory.max", &pages);
        if (r < 0)
                return r;
        return print_u64(out, memcg_pages_to_bytes(pages, page_size()));
}

static int limit_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        uint64_t pages, mem, swap, new_swap = 0;
        int plan, r;

        r = memcg_parse_limit(buf, len, page_size(), &pages);
        if (r < 0)
                return r;
        if (ctx->is_root)
                return -EINVAL; /* v1 cannot limit its root */
        r = read_limit_at(ctx, ctx->fd, "memory.max", &mem);
        if (r >= 0)
                r = read_limit_at(ctx, ctx->fd, "memory.swap.max", &swap);
        if (r < 0)
                return r;
        plan = memsw_plan_memory_limit(pages, mem, swap, page_size(), &new_swap);
        if (plan < 0)
                return plan;

        if (pages < mem) {
                r = reclaim_down_to(ctx, memcg_pages_to_bytes(pages, page_size()));
                if (r < 0 && r != -ENOENT)
                        return r;
        }
        r = write_limit(ctx, "memory.max", pages);
        if (r < 0)
                return r;
        /* The memsw limit is what v1 keeps: swap gets what memory no longer takes, or gives it back. */
        return plan > 0 ? write_limit(ctx, "memory.swap.max", new_swap) : 0;
}

static int memsw_limit_read(const struct file_ctx *ctx, struct text *out) {
        uint64_t mem, swap;
        int r = read_limit_at(ctx, ctx->fd, "memory.max", &mem);
        if (r >= 0)
                r = read_limit_at(ctx, ctx->fd, "memory.swap.max", &swap);
        if (r < 0)
                return r;
        return print_u64(out, memcg_pages_to_bytes(memsw_from_v2(mem, swap, page_size()), page_size()));
}

static int memsw_limit_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        uint64_t pages, mem, swap;
        int r;

        r = memcg_parse_limit(buf, len, page_size(), &pages);
        if (r < 0)
                return r;
        if (ctx->is_root)
                return -EINVAL;
        r = read_limit_at(ctx, ctx->fd, "memory.max", &mem);
        if (r < 0)
                return r;
        r = memsw_plan_memsw_limit(pages, mem, page_size(), &swap);
        if (r < 0)
                return r;
        return write_limit(ctx, "memory.swap.max", swap);
}

static int soft_limit_read(const struct file_ctx *ctx, struct text *out) {
        char written[8];
        uint64_t pages;
        int r;

        r = read_limit_at(ctx, ctx->fd, "memory.low", &pages);
        if (r < 0)
                return r;
        if (pages == 0) {
                /* v1's soft limit starts unlimited, v2's memory.low at 0: 0 reads 0 only if written. */
                r = legacy_state_get(ctx, ctx->file->name, written, sizeof(written));
                if (r == -ENODATA)
                        pages = UINT64_MAX;
                else if (r < 0)
                        return r;
        }
        return print_u64(out, memcg_pages_to_bytes(pages, page_size()));
}

static int soft_limit_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        uint64_t pages;
        int r;

        r = memcg_parse_limit(buf, len, page_size(), &pages);
        if (r < 0)
                return r;
        /* v1 takes a soft limit on its root too: the view's root is a v2 group that has memory.low. */
        r = write_limit(ctx, "memory.low", pages);
        if (r < 0)
                return r;
        return legacy_state_set(ctx, ctx->file->name, "1", 1);
}

/* The tree's root and the group of @fd are the same group, or @fd is outside the tree. */
static int is_tree_root(const struct file_ctx *ctx, int fd) {
        const struct backend_ops *b = ctx->tree->backend;
        struct stat st, root;
        int r = b->stat(fd, NULL, &st);
        if (r >= 0)
                r = b->stat(ctx->tree->root_fd, NULL, &root);
        if (r < 0)
                return r;
        return st.st_ino == root.st_ino || st.st_dev != root.st_dev;
}

/* memcg1_stat_format() walks to the root for the tightest limits; the tree is all we can see. */
static int hierarchical_limits(const struct file_ctx *ctx, uint64_t *ret_mem, uint64_t *ret_memsw) {
        const struct backend_ops *b = ctx->tree->backend;
        uint64_t page = page_size(), mem = memcg_pages_max(page), memsw = mem;
        _cleanup_close_ int fd = fcntl(ctx->fd, F_DUPFD_CLOEXEC, 3);
        int r;

        if (fd < 0)
                return negative_errno();
        for (;;) {
                uint64_t m, s;
                r = read_limit_at(ctx, fd, "memory.max", &m);
                if (r >= 0)
                        r = read_limit_at(ctx, fd, "memory.swap.max", &s);
                if (r < 0)
                        return r;
                mem = m < mem ? m : mem;
                uint64_t sw = memsw_from_v2(m, s, page);
                memsw = sw < memsw ? sw : memsw;

                r = is_tree_root(ctx, fd);
                if (r < 0)
                        return r;
                if (r > 0)
                        break;
                int parent_fd;
                r = b->open_child(fd, "..", &parent_fd);
                if (r < 0)
                        return r;
                close(fd);
                fd = parent_fd;
        }
        *ret_mem = memcg_pages_to_bytes(mem, page);
        *ret_memsw = memcg_pages_to_bytes(memsw, page);
        return 0;
}

/* ---- usage and the counters v1 resets ---- */

static bool counts_swap(const struct file_ctx *ctx) {
        return ctx->file->arg && !strcmp(ctx->file->arg, "memsw");
}

/* The row's counter now, and the highest it has been (UINT64_MAX: v2 keeps no peak). */
static int usage_and_peak(const struct file_ctx *ctx, uint64_t *ret_usage, uint64_t *ret_peak) {
        uint64_t usage, peak, swap = 0, swap_peak = 0;
        int r;

        r = tasks_usage(ctx, &usage, &peak);
        if (r >= 0 && counts_swap(ctx)) {
                r = read_u64_or(ctx, ctx->fd, "memory.swap.current", 0, &swap);
                /* memory.swap.peak is 6.5+; before it, the swap used now: no upper bound then. */
                if (r >= 0)
                        r = read_u64_or(ctx, ctx->fd, "memory.swap.peak", swap, &swap_peak);
        }
        if (r < 0)
                return r;
        *ret_usage = usage + swap;
        *ret_peak = peak == UINT64_MAX ? UINT64_MAX : peak + swap_peak;
        return 0;
}

static int usage_read(const struct file_ctx *ctx, struct text *out) {
        uint64_t usage, peak;
        int r = usage_and_peak(ctx, &usage, &peak);
        if (r < 0)
                return r;
        return print_u64(out, usage);
}

/* Kept at a reset as "<peak then> <highest usage seen since>". */
static int max_usage_read(const struct file_ctx *ctx, struct text *out) {
        char state[64];
        uint64_t usage, peak, peak_at_reset, watermark;
        int r;

        r = usage_and_peak(ctx, &usage, &peak);
        if (r < 0)
                return r;
        r = legacy_state_get(ctx, ctx->file->name, state, sizeof(state));
        if (r == -ENODATA) /* never reset: the kernel's own watermark */
                return print_u64(out, peak != UINT64_MAX ? peak : usage);
        if (r < 0)
                return r;
        if (sscanf(state, "%" SCNu64 " %" SCNu64, &peak_at_reset, &watermark) != 2)
                return -EBADMSG;

        uint64_t since = memcg_max_usage_since_reset(peak, usage, peak_at_reset, watermark);
        if (usage > watermark) {
                /* Each read samples the usage, so later reads remember the highest seen. */
                int n = snprintf(state, sizeof(state), "%" PRIu64 " %" PRIu64, peak_at_reset, usage);
                r = legacy_state_set(ctx, ctx->file->name, state, (size_t) n);
                if (r < 0)
                        return r;
        }
        return print_u64(out, since);
}

/* mem_cgroup_reset(): any text resets, the watermark becomes the usage now. */
static int max_usage_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        char state[64];
        uint64_t usage, peak;
        int r;

        (void) buf, (void) len;
        r = usage_and_peak(ctx, &usage, &peak);
        if (r < 0)
                return r;
        int n = snprintf(state, sizeof(state), "%" PRIu64 " %" PRIu64, peak, usage);
        return legacy_state_set(ctx, ctx->file->name, state, (size_t) n);
}

/*
 * v1's failcnt counts the charges that failed against this group's own limit:
 * the "max" events of memory.events.local (memory.events before 5.2), or of
 * memory.swap.events for memsw (hierarchical: v2 keeps no local swap events).
 */
static int limit_hits(const struct file_ctx *ctx, uint64_t *ret) {
        const char *events = ctx->file->arg;
        int r = group_read_keyed(ctx, events, "max", ret);
        if (r == -ENOENT && !strcmp(events, "memory.events.local"))
                r = group_read_keyed(ctx, "memory.events", "max", ret);
        return r;
}

static int failcnt_read(const struct file_ctx *ctx, struct text *out) {
        uint64_t hits, baseline;
        int r = count_and_baseline(ctx, limit_hits, &hits, &baseline);
        if (r < 0)
                return r;
        return print_u64(out, hits > baseline ? hits - baseline : 0);
}

static int failcnt_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        (void) buf, (void) len; /* any text resets, as mem_cgroup_reset() */
        return count_reset(ctx, limit_hits);
}

/* Counters v2 does not have, of limits nothing enforces (kmem, tcp): nothing to count, nothing to reset. */
static int zero_read(const struct file_ctx *ctx, struct text *out) {
        (void) ctx;
        return text_printf(out, "0\n");
}

static int reset_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        (void) ctx, (void) buf, (void) len;
        return 0;
}

/* ---- memory.stat, memory.numa_stat ---- */

static int stat_of(const struct file_ctx *ctx, int fd, struct memcg_stat *ret) {
        struct file_ctx at = ctx_at(ctx, fd);
        _cleanup_free_ char *text = NULL;
        uint64_t swap;
        int r;

        r = group_read_v2(&at, "memory.stat", &text);
        if (r >= 0)
                r = read_u64_or(ctx, fd, "memory.swap.current", 0, &swap);
        if (r < 0)
                return r;
        memcg_stat_from_v2(text, swap, ret);
        return 0;
}

static int subtract_child_stat(const struct file_ctx *ctx, int fd, void *userdata) {
        struct memcg_stat child;
        int r = stat_of(ctx, fd, &child);
        if (r < 0)
                return r;
        memcg_stat_subtract(userdata, &child);
        return 0;
}

/* v2 counts hierarchically; v1's plain keys are the group's own: its total minus its child groups'. */
static int stat_read(const struct file_ctx *ctx, struct text *out) {
        struct memcg_stat total, local;
        uint64_t mem_limit, memsw_limit;
        int r;

        r = stat_of(ctx, ctx->fd, &total);
        if (r < 0)
                return r;
        local = total;
        r = for_each_child_group(ctx, subtract_child_stat, &local);
        if (r >= 0)
                r = hierarchical_limits(ctx, &mem_limit, &memsw_limit);
        if (r < 0)
                return r;
        return memcg_stat_format(out, &local, &total, mem_limit, memsw_limit);
}

static int numa_of(const struct file_ctx *ctx, int fd, struct memcg_numa *ret) {
        struct file_ctx at = ctx_at(ctx, fd);
        _cleanup_free_ char *text = NULL;
        int r = group_read_v2(&at, "memory.numa_stat", &text);
        if (r < 0)
                return r;
        return memcg_numa_from_v2(text, ret);
}

static int subtract_child_numa(const struct file_ctx *ctx, int fd, void *userdata) {
        _cleanup_free_ struct memcg_numa *child = malloc(sizeof(*child));
        if (!child)
                return -ENOMEM;
        int r = numa_of(ctx, fd, child);
        if (r < 0)
                return r;
        memcg_numa_subtract(userdata, child);
        return 0;
}

static int numa_stat_read(const struct file_ctx *ctx, struct text *out) {
        _cleanup_free_ struct memcg_numa *total = malloc(sizeof(*total));
        _cleanup_free_ struct memcg_numa *local = malloc(sizeof(*local));
        int r;

        if (!total || !local)
                return -ENOMEM;
        r = numa_of(ctx, ctx->fd, total);
        if (r < 0)
                return r;
        *local = *total;
        r = for_each_child_group(ctx, subtract_child_numa, local);
        if (r < 0)
                return r;
        return memcg_numa_format(out, local, total, page_size());
}

/* A key of the group's v2 memory.stat (the row's arg), 0 if this kernel has none. */
static int stat_key_read(const struct file_ctx *ctx, struct text *out) {
        uint64_t v;
        int r = group_read_keyed(ctx, "memory.stat", ctx->file->arg, &v);
        if (r == -ENODATA)
                v = 0;
        else if (r < 0)
                return r;
        return print_u64(out, v);
}

static int kmem_usage_read(const struct file_ctx *ctx, struct text *out) {
        _cleanup_free_ char *text = NULL;
        int r = group_read_v2(ctx, "memory.stat", &text);
        if (r < 0)
                return r;
        return print_u64(out, memcg_kmem_usage(text));
}

/* ---- the OOM killer ---- */

/*
 * v1 counts an OOM kill in the group of the task killed, and only there: the
 * group's own memory.events.local plus its hidden leaf's, where its tasks are.
 */
static int own_oom_kills(const struct file_ctx *ctx, uint64_t *ret) {
        _cleanup_close_ int leaf_fd = -1;
        uint64_t own, leaf = 0;
        int r;

        r = group_read_keyed(ctx, "memory.events.local", "oom_kill", &own);
        if (r == -ENOENT) /* before 5.2: the hierarchical count is the closest */
                return group_read_keyed(ctx, "memory.events", "oom_kill", ret);
        if (r < 0)
                return r;
        r = tree_open_leaf(ctx->tree, ctx->fd, false, &leaf_fd);
        if (r >= 0) {
                struct file_ctx at = ctx_at(ctx, leaf_fd);
                r = group_read_keyed(&at, "memory.events.local", "oom_kill", &leaf);
        }
        if (r < 0 && r != -ENOENT)
                return r;
        *ret = own + leaf;
        return 0;
}

static int oom_control_read(const struct file_ctx *ctx, struct text *out) {
        uint64_t disabled, kills;
        int r = legacy_state_get_u64(ctx, ctx->file->name, 0, &disabled);
        if (r >= 0)
                r = own_oom_kills(ctx, &kills);
        if (r < 0)
                return r;
        /* The OOM killer always acts in v2: no task ever waits under OOM. */
        return text_printf(out, "oom_kill_disable %d\nunder_oom 0\noom_kill %" PRIu64 "\n", disabled != 0, kills);
}

static int oom_control_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        uint64_t v;
        int r = parse_u64_write(buf, len, 1, &v);
        if (r < 0)
                return r;
        if (ctx->is_root)
                return -EINVAL;
        /* v2 cannot disable the OOM killer: 1 is kept (or refused) by the view's policy. */
        return store_unless_default(ctx, v, v == 0);
}

/* ---- knobs v2 does not have ---- */

static int swappiness_read(const struct file_ctx *ctx, struct text *out) {
        _cleanup_close_ int fd = open("/proc/sys/vm/swappiness", O_RDONLY | O_CLOEXEC);
        char global[32] = "60";

        /* Never set here: the system's, as v1's root has and its groups inherit. */
        if (fd >= 0) {
                ssize_t n = read(fd, global, sizeof(global) - 1);
                if (n > 0) {
                        global[n] = 0;
                        global[strcspn(global, "\n")] = 0;
                }
        }
        return unsupported_read(ctx, global, out);
}

static int swappiness_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        uint64_t v;
        int r = parse_u64_write(buf, len, SWAPPINESS_MAX, &v);
        if (r < 0)
                return r;
        /* v1's root would set vm.swappiness for the whole machine: the view keeps it to itself. */
        return unsupported_store_u64(ctx, v);
}

static int move_charge_read(const struct file_ctx *ctx, struct text *out) {
        return unsupported_read(ctx, "0", out);
}

static int move_charge_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        uint64_t v;
        int r = parse_u64_write(buf, len, MOVE_CHARGE_MASK, &v);
        if (r < 0)
                return r;
        /* v2 never moves charges with a task: 0 is what it does. */
        return store_unless_default(ctx, v, v == 0);
}

static int use_hierarchy_read(const struct file_ctx *ctx, struct text *out) {
        (void) ctx;
        return text_printf(out, "1\n");
}

static int use_hierarchy_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        uint64_t v;
        int r = parse_u64_write(buf, len, UINT64_MAX, &v);
        (void) ctx;
        if (r < 0)
                return r;
        return v == 1 ? 0 : -EINVAL; /* "Non-hierarchical mode is deprecated" */
}

/* mem_cgroup_force_empty(): reclaim all it can, and succeed whatever is left. */
static int force_empty_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        (void) buf, (void) len;
        if (ctx->is_root)
                return -EINVAL;
        int r = reclaim_down_to(ctx, 0);
        return r == -EBUSY || r == -ENOENT ? 0 : r;
}

/*
 * memcg_write_event_control(): the line is v1's; the fds in it are the writer's,
 * so the daemon takes them and checks them in the kernel's order.
 */
static int event_control_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        struct event_control_line line;
        char text[len + 1];

        memcpy(text, buf, len);
        text[len] = 0;
        int r = event_control_parse(text, &line);
        if (r < 0)
                return r;
        if (!ctx->events)
                return -EOPNOTSUPP;
        return ctx->events->add(ctx->events->userdata, ctx, &line);
}

static int pressure_level_read(const struct file_ctx *ctx, struct text *out) {
        (void) ctx, (void) out;
        return -EINVAL; /* mem_cgroup_dummy_seq_show(): the file is there for cgroup.event_control */
}

/* A limit v1 parses and checks like the others, then ignores (kmem) or keeps apart (tcp). */
static int parse_limit_not_root(const struct file_ctx *ctx, const char *buf, size_t len, uint64_t *ret_pages) {
        int r = memcg_parse_limit(buf, len, page_size(), ret_pages);
        if (r < 0)
                return r;
        return ctx->is_root ? -EINVAL : 0;
}

static int unlimited_read(const struct file_ctx *ctx, struct text *out) {
        (void) ctx;
        return print_u64(out, v1_unlimited());
}

static int kmem_limit_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        uint64_t pages;
        /* "Writing any value to this file has no effect" (kernels since 6.2 say so; 5.16+ enforce nothing). */
        return parse_limit_not_root(ctx, buf, len, &pages);
}

static int tcp_limit_read(const struct file_ctx *ctx, struct text *out) {
        char unlimited[32];
        snprintf(unlimited, sizeof(unlimited), "%" PRIu64, v1_unlimited());
        return unsupported_read(ctx, unlimited, out);
}

static int tcp_limit_write(const struct file_ctx *ctx, const char *buf, size_t len) {
        uint64_t pages;
        int r = parse_limit_not_root(ctx, buf, len, &pages);
        if (r < 0)
                return r;
        /* v2 charges socket memory to memory.max, with no limit of its own. */
        uint64_t page = page_size();
        return store_unless_default(ctx, memcg_pages_to_bytes(pages, page), pages >= memcg_pages_max(page));
}

static int empty_read(const struct file_ctx *ctx, struct text *out) {
        (void) ctx, (void) out;
        return 0;
}

/* ---- new groups ---- */

/* mem_cgroup_css_alloc(): a new group takes its parent's swappiness and oom_kill_disable. */
static int memory_init_group(const struct file_ctx *parent, const struct file_ctx *child) {
        static const char *const inherited[] = { "memory.swappiness", "memory.oom_control" };

        for (size_t i = 0; i < ELEMENTSOF(inherited); i++) {
                int r = legacy_state_inherit(parent, child, inherited[i]);
                if (r < 0)
                        return r;
        }
        return 0;
}

#define MEMORY_ROW(n, m, map, ...) \
        { .name = "memory." n, .mode = (m), .requires = "memory.max", .mapping = (map), __VA_ARGS__ }
#define MEMSW_ROW(n, m, map, ...) \
        { .name = "memory.memsw." n, .mode = (m), .requires = "memory.swap.max", .mapping = (map), __VA_ARGS__ }

/* mem_cgroup_legacy_files then memsw_files, in the kernel's order, with its modes. */
static const struct legacy_file files[] = {
        MEMORY_ROW("usage_in_bytes", 0444, MAP_EXACT, .read = usage_read),
        /* Reset: exact when usage later passes the peak before the reset, else the highest usage read since. */
        MEMORY_ROW("max_usage_in_bytes", 0644, MAP_LOSSY, .read = max_usage_read, .write = max_usage_write),
        MEMORY_ROW("limit_in_bytes", 0644, MAP_EXACT, .read = limit_read, .write = limit_write),
        /* memory.low: protection under pressure, where v1 pushed groups back to it. */
        MEMORY_ROW("soft_limit_in_bytes", 0644, MAP_LOSSY, .read = soft_limit_read, .write = soft_limit_write),
        /* "max" events of memory.events.local: times the limit was hit, not failed charges. */
        MEMORY_ROW("failcnt", 0644, MAP_LOSSY, .arg = "memory.events.local", .read = failcnt_read,
                   .write = failcnt_write),
        /* pgpgin and pgpgout are not counted per group by v2: 0. */
        MEMORY_ROW("stat", 0444, MAP_LOSSY, .read = stat_read),
        /* memory.reclaim: per-CPU charge caches and LRU batches are not drained first. */
        MEMORY_ROW("force_empty", 0200, MAP_LOSSY, .write = force_empty_write),
        MEMORY_ROW("use_hierarchy", 0644, MAP_EXACT, .read = use_hierarchy_read, .write = use_hierarchy_write),
        /* World-writable (CFTYPE_WORLD_WRITABLE): whoever may read a control file may listen to it. */
        { .name = "cgroup.event_control", .mode = 0222, .requires = "memory.max", .mapping = MAP_LOSSY,
          .write = event_control_write },
        MEMORY_ROW("swappiness", 0644, MAP_NONE, .read = swappiness_read, .write = swappiness_write),
        MEMORY_ROW("move_charge_at_immigrate", 0644, MAP_NONE, .read = move_charge_read, .write = move_charge_write),
        /* The OOM killer cannot be disabled in v2; oom_kill counts are v2's. */
        MEMORY_ROW("oom_control", 0644, MAP_LOSSY, .read = oom_control_read, .write = oom_control_write),
        /* Reads EINVAL as in v1; its events would come from memory.pressure (PSI), through cgroup.event_control. */
        MEMORY_ROW("pressure_level", 0444, MAP_LOSSY, .read = pressure_level_read),
        MEMORY_ROW("numa_stat", 0444, MAP_EXACT, .read = numa_stat_read),
        /* A no-op in v1 too, and unlimited. */
        MEMORY_ROW("kmem.limit_in_bytes", 0644, MAP_EXACT, .read = unlimited_read, .write = kmem_limit_write),
        MEMORY_ROW("kmem.usage_in_bytes", 0444, MAP_EXACT, .read = kmem_usage_read),
        /* No kmem limit in either: nothing fails. */
        MEMORY_ROW("kmem.failcnt", 0644, MAP_EXACT, .read = zero_read, .write = reset_write),
        MEMORY_ROW("kmem.max_usage_in_bytes", 0644, MAP_NONE, .read = zero_read, .write = reset_write),
        MEMORY_ROW("kmem.slabinfo", 0444, MAP_EXACT, .read = empty_read),
        MEMORY_ROW("kmem.tcp.limit_in_bytes", 0644, MAP_NONE, .read = tcp_limit_read, .write = tcp_limit_write),
        MEMORY_ROW("kmem.tcp.usage_in_bytes", 0444, MAP_EXACT, .arg = "sock", .read = stat_key_read),
        MEMORY_ROW("kmem.tcp.failcnt", 0644, MAP_NONE, .read = zero_read, .write = reset_write),
        MEMORY_ROW("kmem.tcp.max_usage_in_bytes", 0644, MAP_NONE, .read = zero_read, .write = reset_write),
        /* v2 counts swap cache pages in both memory.current and memory.swap.current. */
        MEMSW_ROW("usage_in_bytes", 0444, MAP_LOSSY, .arg = "memsw", .read = usage_read),
        /* memory.peak + memory.swap.peak: an upper bound. */
        MEMSW_ROW("max_usage_in_bytes", 0644, MAP_LOSSY, .arg = "memsw", .read = max_usage_read,
                  .write = max_usage_write),
        /* memory.max + memory.swap.max. */
        MEMSW_ROW("limit_in_bytes", 0644, MAP_LOSSY, .read = memsw_limit_read, .write = memsw_limit_write),
        /* "max" events of memory.swap.events: swap limit hits, of the group and below. */
        MEMSW_ROW("failcnt", 0644, MAP_LOSSY, .arg = "memory.swap.events", .read = failcnt_read,
                  .write = failcnt_write),
};

/* The limits the rows write (memory.high and memory.min only directly in v2), as a new v2 cgroup has them. */
static int memory_reset_group(const struct file_ctx *ctx) {
        static const struct v2_default defaults[] = {
                { "memory.max", "max" },
                { "memory.high", "max" },
                { "memory.swap.max", "max" },
                { "memory.low", "0" },
                { "memory.min", "0" },
        };
        return group_reset_v2(ctx, defaults, ELEMENTSOF(defaults));
}

const struct subsystem subsys_memory = {
        .name = "memory",
        .files = files,
        .n_files = ELEMENTSOF(files),
        .init_group = memory_init_group,
        .reset_group = memory_reset_group,
};
