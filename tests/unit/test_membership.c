/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * Independent hierarchies (DESIGN.md invariant 3): the set of views that hold a group, as kept
 * in its xattr, and the rule that places a task attached through one view among the others.
 */

#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "compat/membership.h"
#include "compat/placement.h"
#include "compat/view_set.h"

Test(held_set, no_mark_is_every_view) {
        cr_assert(held_set_has("", "cpu,cpuacct"));
        cr_assert_eq(view_set_count(""), 0);
}

Test(held_set, the_empty_set_holds_nothing) {
        cr_assert_not(held_set_has("\n", "container"));
        cr_assert_eq(view_set_count("\n"), 0);
}

Test(held_set, members_match_whole_keys) {
        const char *set = "\nname=systemd\ncpu,cpuacct\n";
        cr_assert(held_set_has(set, "name=systemd"));
        cr_assert(held_set_has(set, "cpu,cpuacct"));
        cr_assert_not(held_set_has(set, "cpu"));
        cr_assert_not(held_set_has(set, "name=system"));
        cr_assert_not(held_set_has(set, "cpuacct"));
        cr_assert_eq(view_set_count(set), 2);
}

Test(held_set, add_then_remove) {
        char set[64] = "";
        cr_assert_eq(view_set_add(set, sizeof(set), "memory"), 0);
        cr_assert_str_eq(set, "\nmemory\n");
        cr_assert_eq(view_set_add(set, sizeof(set), "pids"), 0);
        cr_assert_str_eq(set, "\nmemory\npids\n");
        cr_assert_eq(view_set_remove(set, "memory"), 1);
        cr_assert_str_eq(set, "\npids\n");
        cr_assert_eq(view_set_remove(set, "memory"), 0);
        cr_assert_eq(view_set_remove(set, "pids"), 1);
        cr_assert_str_eq(set, "\n");
        cr_assert_not(held_set_has(set, "pids"));
        cr_assert_eq(view_set_add(set, sizeof(set), "pids"), 0);
        cr_assert_str_eq(set, "\npids\n");
}

Test(held_set, refuses_what_it_cannot_keep) {
        char set[12] = "";
        cr_assert_eq(view_set_add(set, sizeof(set), "a\nb"), -EINVAL);
        cr_assert_eq(view_set_add(set, sizeof(set), ""), -EINVAL);
        cr_assert_eq(view_set_add(set, sizeof(set), "memory"), 0);
        cr_assert_eq(view_set_add(set, sizeof(set), "devices"), -ENOSPC);
        cr_assert_str_eq(set, "\nmemory\n", "a set that cannot take a key is left as it was");
}

/* Views by number: 0 name=systemd, 1 cpu,cpuacct, 2 memory. */
#define SYSTEMD (UINT64_C(1) << 0)
#define CPU (UINT64_C(1) << 1)
#define MEMORY (UINT64_C(1) << 2)
#define ALL (SYSTEMD | CPU | MEMORY)

Test(placement, nested_layout_keeps_the_deeper_placement) {
        /* root, system.slice (systemd, cpu), foo.service (systemd); the task in foo.service. */
        const uint64_t held[] = { ALL, SYSTEMD | CPU, SYSTEMD };
        cr_assert_eq(placement_choose(held, 3, 1, 1), 2, "cpu's slice keeps it in the service");
        cr_assert_eq(placement_choose(held, 3, 2, 0), 2);
        cr_assert_eq(placement_choose(held, 3, 0, 2), 2, "memory's root: nothing on the path is memory's");
}

Test(placement, a_view_without_the_path_goes_no_deeper_than_it_may) {
        /* root, job (cpu, memory): the task at the root, attached to job through cpu. */
        const uint64_t held[] = { ALL, CPU | MEMORY };
        cr_assert_eq(placement_choose(held, 1, 0, 1), 0);
        cr_assert_eq(placement_choose(held, 2, 1, 1), 1);
}

Test(placement, conflicting_placements_let_the_attach_win) {
        /* root, system.slice (systemd, cpu), foo.service (systemd): cpu's root asked for. */
        const uint64_t held[] = { ALL, SYSTEMD | CPU, SYSTEMD };
        cr_assert_eq(placement_choose(held, 3, 0, 1), -1);
}

Test(placement, only_groups_of_no_other_view_below) {
        /* root, a (cpu), b (cpu, memory): attached to a through cpu while in b. */
        const uint64_t held[] = { ALL, CPU, CPU | MEMORY };
        cr_assert_eq(placement_choose(held, 3, 1, 1), -1, "b is cpu's: a in cpu is not b");
        /* root, a (cpu), b (memory only: not below a in cpu, whose a it is under) */
        const uint64_t held2[] = { ALL, CPU, 0 };
        cr_assert_eq(placement_choose(held2, 3, 1, 1), 2);
}
