/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Legacy files are declared in tables, one row per file, as the kernel's
 * cftypes: a name, a mode, where it appears, and how it reads and writes. The
 * core files are one table; each v1 subsystem has its own (compat/subsys_*.c).
 * Adding a v1 file is adding a row and its conversion.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "caller.h"
#include "text.h"
#include "tree.h"

enum view_flavor {
        FLAVOR_CONTAINER = 1u << 0, /* the 2006 "process containers" filesystem */
        FLAVOR_CGROUP_V1 = 1u << 1,
        FLAVOR_UNIFIED = 1u << 2,   /* the hybrid layout's cgroup2 hierarchy, with no controllers */
};

/* The v1 subsystems, in the order of the kernel's /proc/cgroups. */
enum subsys {
        SUBSYS_CPUSET,
        SUBSYS_CPU,
        SUBSYS_CPUACCT,
        SUBSYS_BLKIO,
        SUBSYS_MEMORY,
        SUBSYS_DEVICES,
        SUBSYS_FREEZER,
        SUBSYS_NET_CLS,
        SUBSYS_PERF_EVENT,
        SUBSYS_NET_PRIO,
        SUBSYS_HUGETLB,
        SUBSYS_PIDS,
        SUBSYS_RDMA,
        SUBSYS_MISC,
        SUBSYS__COUNT,
        SUBSYS_NONE = -1, /* the core files */
};
#define SUBSYS_BIT(s) (1u << (s))

enum file_place {
        IN_EVERY_GROUP,
        IN_ROOT_ONLY,
        NOT_ON_ROOT, /* the kernel's CFTYPE_NOT_ON_ROOT */
};

/* How faithfully v2 carries a file: what the migration audit reports. */
enum mapping {
        MAP_EXACT,   /* same meaning, same values */
        MAP_LOSSY,   /* converted; some values or semantics differ (documented per row) */
        MAP_NONE,    /* no v2 equivalent: writes follow the view's unsupported policy */
};

/* What a write to a file with no v2 equivalent does. */
enum unsupported_policy {
        UNSUPPORTED_STORE,  /* keep the value, read it back, warn in the log: enforced by nothing */
        UNSUPPORTED_REJECT, /* fail with EOPNOTSUPP */
};

/* Rows a table can have at most: a file's inode number keeps its row in one byte. */
#define LEGACY_ROWS_MAX 254

/* What a view contributes to its files: its identity and the settings it was mounted with. */
struct view_settings {
        const char *key;            /* names this view's own state: "container", "cpu,cpuacct", "name=systemd" */
        enum view_flavor flavor;
        unsigned subsystems;        /* SUBSYS_BIT()s of a cgroup-v1 view */
        const char *release_agent;  /* default until written through the view */
        enum unsupported_policy unsupported;
        /* Rows the v2 tree can back (by row index), NULL for all: see tree_offers(). */
        const bool *offered;
};

struct legacy_file;
struct file_ctx;
struct event_control_line;

/*
 * Where cgroup.event_control hands a parsed line: the daemon, which takes the
 * writer's fds and watches v2 for the event (daemon/memory_events.c).
 */
struct event_registrar {
        int (*add)(void *userdata, const struct file_ctx *ctx, const struct event_control_line *line);
        void *userdata;
};

/* What a legacy write became in v2, for the migration audit: "memory.max=67108864; ...". */
struct v2_trace {
        char text[512];
        size_t len;
};

struct file_ctx {
        const struct compat_tree *tree;
        const struct view_settings *view;
        const struct legacy_file *file; /* the row being read or written */
        int fd;                        /* the group's v2 directory */
        bool is_root;                  /* the group is the view's root */
        const struct caller *opener;   /* judged as the kernel judges f_cred */
        const struct caller *caller;   /* who reads or writes now */
        struct v2_trace *trace;        /* NULL, or where each v2 write is noted */
        const struct event_registrar *events; /* NULL where events cannot be registered */
};

struct legacy_file {
        const char *name;
        mode_t mode;
        /* Core rows: the flavours that show it. Subsystem rows show in cgroup-v1 views of their subsystem. */
        unsigned flavors;
        enum file_place place;
        /* v2 file in the leaf whose owner and mode this file shows, NULL for the group's. */
        const char *backing;
        /* v2 file the tree's root must have for the row to be offered: its controller, its feature. */
        const char *requires;
        enum mapping mapping;
        /* An argument for a conversion shared by several rows (a huge page size, an io.max key...). */
        const char *arg;
        /* Writers need CAP_SYS_ADMIN in the initial user namespace (CVE-2022-0492). */
        bool admin_only;
        /* The content depends on who reads it (pids in the reader's namespace): never shared in the page cache. */
        bool per_reader;
        size_t max_write; /* longer writes fail E2BIG; 0 means the kernel's PAGE_SIZE */
        int (*read)(const struct file_ctx *ctx, struct text *out);
        int (*write)(const struct file_ctx *ctx, const char *buf, size_t len);
};

/* A v1 subsystem: its files and the rules it adds to the core operations. */
struct subsystem {
        const char *name; /* as in /proc/cgroups and in mount options */
        const struct legacy_file *files;
        size_t n_files;
        /* Optional: may a task join the group? v1's refusals, e.g. cpuset's ENOSPC. */
        int (*can_attach)(const struct file_ctx *ctx);
        /* Optional: set up a new group from its parent, e.g. cpuset's clone_children. */
        int (*init_group)(const struct file_ctx *parent, const struct file_ctx *child);
        /*
         * Optional: the view of this subsystem let the group go (rmdir) while other views keep
         * the v2 cgroup: put the subsystem's v2 files back to a new group's defaults, so that it
         * limits nothing, as the group is gone from this hierarchy (DESIGN.md invariant 3).
         */
        int (*reset_group)(const struct file_ctx *ctx);
};

extern const struct subsystem subsys_cpuset, subsys_cpu, subsys_cpuacct, subsys_blkio, subsys_memory,
        subsys_devices, subsys_freezer, subsys_net_cls, subsys_perf_event, subsys_net_prio, subsys_hugetlb,
        subsys_pids, subsys_rdma, subsys_misc;

/* The subsystem with id @s, or by name (NULL if unknown). */
const struct subsystem *subsystem_get(enum subsys s);
int subsystem_by_name(const char *name);

/* All rows, core first, then each subsystem's, as one numbering. */
size_t legacy_file_count(void);
const struct legacy_file *legacy_file_at(size_t row);
size_t legacy_file_index(const struct legacy_file *f);
enum subsys legacy_file_subsys(const struct legacy_file *f);

/* The row for @name as it appears in a group of the view, or NULL. */
const struct legacy_file *legacy_file_find(const struct view_settings *view, bool is_root, const char *name);
bool legacy_file_visible(const struct legacy_file *f, const struct view_settings *view, bool is_root);
/*
 * May readers share the content through the kernel's page cache while it stays the same? Files
 * that are written to be read back (settings), not the pidlists, whose content is the reader's.
 */
bool legacy_file_cacheable(const struct legacy_file *f);

/* Checks shared by every write: size limit, privilege, then the row's own parser. */
int legacy_file_write(const struct legacy_file *f, const struct file_ctx *ctx, const char *buf, size_t len);

/* Does the v2 tree back any file of the subsystem? Its hooks act only then. */
bool subsystem_offered(const struct compat_tree *t, enum subsys s);

/* Every subsystem of the view agrees that a task may join the group of @ctx. */
int legacy_can_attach(const struct file_ctx *ctx);

/* The view now holds the group of @child (mkdir): each of its subsystems sets it up from @parent. */
int legacy_init_group(const struct file_ctx *parent, const struct file_ctx *child);
/*
 * The view let the group of @ctx go while other views keep it: each of its subsystems forgets
 * the legacy state of its rows and puts its v2 files back to their defaults (reset_group).
 */
int legacy_reset_group(const struct file_ctx *ctx);
