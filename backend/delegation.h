/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Where the tree lives when backend.root is "auto", by systemd's delegation rules
 * (https://systemd.io/CGROUP_DELEGATION): write only inside a cgroup systemd
 * delegated to you, and, since v2 allows no processes in a cgroup that hands
 * controllers to its children, leave the top of it before enabling any.
 *
 * Under systemd the tree is <scope>/tree of cgcompat-tree.scope, a transient
 * scope with Delegate=yes that a tiny process in <scope>/anchor keeps alive.
 * It cannot be a sibling of the daemon inside the service's own cgroup:
 * systemd 252 puts a restarted service's main process back into the top of
 * that cgroup, which v2 refuses once it hands controllers down (the start fails
 * with 219/CGROUP), and when the service stops it removes every empty cgroup
 * below it, which would delete the legacy groups nobody is in. The scope
 * outlives restarts of the service, as the groups of a v1 hierarchy outlived
 * the programs that made them.
 *
 * The daemon itself leaves the top of its own cgroup for <cgroup>/supervisor
 * when that cgroup is delegated (the service, Delegate=yes); started outside a
 * delegated cgroup, it joins the scope at <scope>/supervisor instead.
 * Without systemd the tree is <cgroup2 mount>/cgcompat. An explicit backend.root
 * is used as given and nothing moves.
 */

#include <limits.h>
#include <stdbool.h>

#include <systemd/sd-bus.h>

#define DELEGATION_TREE_SCOPE "cgcompat-tree.scope"

struct delegation {
        char tree_root[PATH_MAX];  /* the v2 directory the tree is built in */
        char supervisor[PATH_MAX]; /* the v2 directory the daemon moved to, "" if it stayed */
        char how[3 * PATH_MAX];    /* what was decided, for the log */
        int error;                 /* why systemd's delegation could not be used, 0 if it was or was not tried */
};

/*
 * Resolves backend.root (@configured: "auto" or an absolute path), moving the daemon as above.
 * A failure to use systemd falls back to the cgroup2 mount, with ->error set: only a missing
 * cgroup2 mount or an overlong path fail.
 */
int delegation_resolve(const char *configured, struct delegation *ret);

/* With "--anchor" as its only argument, cgcompatd is the process that keeps the tree scope alive. */
#define DELEGATION_ANCHOR_ARG "--anchor"
_Noreturn void delegation_anchor_main(void);

/* A connection to the system manager: its private socket as root (no D-Bus broker needed), else the bus. */
int systemd_bus_open(sd_bus **ret);
