#!/bin/sh
# The v1 cpuset files over v2 (MAPPING.md §4), in the pure v2 VM with 2 vCPUs:
# v1's empty fresh groups and their ENOSPC, the subset rules with the kernel's
# v1 errnos, clone_children, the v2 values behind the files and the CPUs the
# tasks end up allowed.
#
#   tests/vm/run-vm.sh tests/vm/t_cpuset.sh
# shellcheck source=tests/vm/lib.sh
. /opt/test/lib.sh

VIEW=/run/cgcompat/cgroup/cpuset

start_daemon
check "the cpuset view is served" wait_for test -e $VIEW/cpuset.cpus

cpus_allowed() { sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/$1/status; }

online=$(cat /sys/devices/system/cpu/online)
echo "# cpus online $online, possible $(cat /sys/devices/system/cpu/possible)"

# The view root is v1's top cpuset: all of the tree's CPUs and nodes, read-only.
check "root cpuset.cpus is every online cpu" is "$online" "$(cat $VIEW/cpuset.cpus)"
check "root cpuset.mems is node 0" is 0 "$(cat $VIEW/cpuset.mems)"
check "root cpuset.cpus cannot be written (EACCES)" is "$EACCES" "$(write_err 0 $VIEW/cpuset.cpus)"
check "root cpu_exclusive reads 1" is 1 "$(cat $VIEW/cpuset.cpu_exclusive)"
check "root has memory_pressure_enabled 0" is 0 "$(cat $VIEW/cpuset.memory_pressure_enabled)"

# A fresh group: empty in v1 (v2 lets it inherit), and it takes no task.
mkdir $VIEW/a
check "fresh group: cpus reads empty" is "" "$(cat $VIEW/a/cpuset.cpus)"
check "fresh group: mems reads empty" is "" "$(cat $VIEW/a/cpuset.mems)"
check "fresh group: v2 cpuset.cpus is empty" is "" "$(cat $V2/a/cpuset.cpus)"
check "fresh group: effective_cpus is what v2 inherits" is "$online" "$(cat $VIEW/a/cpuset.effective_cpus)"
sleep 60 &
t1=$!
check "attaching to a group without cpus fails ENOSPC" is "$ENOSPC" "$(write_err $t1 $VIEW/a/tasks)"
check "and the task did not move" is "" "$(cat $VIEW/a/tasks)"
check "a kernel thread there fails EINVAL first, as in v1" is "$EINVAL" "$(write_err 2 $VIEW/a/tasks)"
check "a task that does not exist fails ESRCH first" is "No such process" "$(write_err 99999999 $VIEW/a/tasks)"
check "cpus 0" is ok "$(write_err 0 $VIEW/a/cpuset.cpus)"
check "still ENOSPC with cpus but no mems" is "$ENOSPC" "$(write_err $t1 $VIEW/a/tasks)"
check "mems 0" is ok "$(write_err 0 $VIEW/a/cpuset.mems)"
check "cpus reads 0" is 0 "$(cat $VIEW/a/cpuset.cpus)"
check "v2 cpuset.cpus is 0" is 0 "$(cat $V2/a/cpuset.cpus)"
check "v2 cpuset.mems is 0" is 0 "$(cat $V2/a/cpuset.mems)"
check "effective_cpus is 0" is 0 "$(cat $VIEW/a/cpuset.effective_cpus)"
check "before: the task may run on $online" is "$online" "$(cpus_allowed $t1)"
check "attach now succeeds" is ok "$(write_err $t1 $VIEW/a/tasks)"
check "the task is in a" is "$t1" "$(cat $VIEW/a/tasks)"
check "the task's Cpus_allowed_list is 0" is 0 "$(cpus_allowed $t1)"

# Children stay within their parent (EACCES: validate_change_legacy()).
mkdir $VIEW/a/b
check "child cpus 1 under a parent with cpus 0 fails EACCES" is "$EACCES" "$(write_err 1 $VIEW/a/b/cpuset.cpus)"
check "and v2 was not touched" is "" "$(cat $V2/a/b/cpuset.cpus)"
check "child cpus 0 is accepted" is ok "$(write_err 0 $VIEW/a/b/cpuset.cpus)"
check "a parent cannot shrink below a child (EBUSY)" is "$EBUSY" "$(write_err 1 $VIEW/a/cpuset.cpus)"
check "and keeps its cpus" is 0 "$(cat $V2/a/cpuset.cpus)"

# clone_children: the new child starts with the parent's cpus and mems.
mkdir $VIEW/a/plain
check "without clone_children a child reads empty" is "" "$(cat $VIEW/a/plain/cpuset.cpus)"
echo 1 >$VIEW/a/cgroup.clone_children
mkdir $VIEW/a/c
check "with clone_children a child reads the parent's cpus" is 0 "$(cat $VIEW/a/c/cpuset.cpus)"
check "and the parent's mems" is 0 "$(cat $VIEW/a/c/cpuset.mems)"
check "and v2 holds them" is "0 0" "$(cat $V2/a/c/cpuset.cpus) $(cat $V2/a/c/cpuset.mems)"
check "a task can join it at once" is ok "$(write_err $t1 $VIEW/a/c/tasks)"

# A group with tasks keeps some cpus.
check "emptying cpus with a task attached fails ENOSPC" is "$ENOSPC" "$(write_err "" $VIEW/a/c/cpuset.cpus)"
check "emptying mems with a task attached fails ENOSPC" is "$ENOSPC" "$(write_err "" $VIEW/a/c/cpuset.mems)"
check "v2 keeps cpus 0" is 0 "$(cat $V2/a/c/cpuset.cpus)"
check "a group without tasks may be emptied" is ok "$(write_err "" $VIEW/a/b/cpuset.cpus)"
check "and reads empty again, in v2 too" is / "$(cat $VIEW/a/b/cpuset.cpus)/$(cat $V2/a/b/cpuset.cpus)"

# Parsing: the kernel's own errno, compared with v2's cpuset.cpus (same parser).
mkdir /sys/fs/cgroup/ref $VIEW/p
for v in abc 0- 3-1 0-1:1/0 0x1 2 4294967296 "0 1" "0-1:1/2" N; do
        want=$(write_err "$v" /sys/fs/cgroup/ref/cpuset.cpus)
        check "cpus '$v': as the kernel ($want)" is "$want" "$(write_err "$v" $VIEW/p/cpuset.cpus)"
        check "cpus '$v': same list after it" is "$(cat /sys/fs/cgroup/ref/cpuset.cpus)" "$(cat $VIEW/p/cpuset.cpus)"
done
check "bad syntax is EINVAL" is "$EINVAL" "$(write_err 0-x $VIEW/p/cpuset.cpus)"
check "a cpu past nr_cpu_ids is ERANGE" is "$ERANGE" "$(write_err 9 $VIEW/p/cpuset.cpus)"
check "node 1 (no memory there) is EINVAL" is "$EINVAL" "$(write_err 1 $VIEW/p/cpuset.mems)"
rmdir /sys/fs/cgroup/ref

# Files with no v2 home read v1's defaults.
check "sched_load_balance 1" is 1 "$(cat $VIEW/a/cpuset.sched_load_balance)"
check "sched_relax_domain_level -1" is -1 "$(cat $VIEW/a/cpuset.sched_relax_domain_level)"
check "memory_migrate 0" is 0 "$(cat $VIEW/a/cpuset.memory_migrate)"
check "memory_pressure 0" is 0 "$(cat $VIEW/a/cpuset.memory_pressure)"
check "sched_relax_domain_level -2 is EINVAL" is "$EINVAL" "$(write_err -2 $VIEW/a/cpuset.sched_relax_domain_level)"

# A cpu taken offline is outside the machine: EINVAL, as v1's top_cpuset check.
if echo 0 >/sys/devices/system/cpu/cpu1/online 2>/dev/null; then
        check "an offline cpu is EINVAL" is "$EINVAL" "$(write_err 1 $VIEW/p/cpuset.cpus)"
        echo 1 >/sys/devices/system/cpu/cpu1/online
        check "online again, it is accepted" is ok "$(write_err 1 $VIEW/p/cpuset.cpus)"
else
        echo "# cpu1 cannot go offline here: offline check skipped"
fi

mkdir $VIEW/x
echo 0 >$VIEW/x/cpuset.cpus
check "x cannot be exclusive while sibling a overlaps it (EINVAL)" is "$EINVAL" "$(write_err 1 $VIEW/x/cpuset.cpu_exclusive)"
check "and reads 0" is 0 "$(cat $VIEW/x/cpuset.cpu_exclusive)"

kill $t1
wait $t1 2>/dev/null
for d in a/c a/b a/plain a p; do rmdir $VIEW/$d || not_ok "rmdir $d"; done

# cpu_exclusive: exclusive siblings do not overlap (EINVAL).
mkdir $VIEW/y
check "x keeps cpus 0" is 0 "$(cat $VIEW/x/cpuset.cpus)"
check "x cpu_exclusive 1" is ok "$(write_err 1 $VIEW/x/cpuset.cpu_exclusive)"
check "x cpu_exclusive reads 1" is 1 "$(cat $VIEW/x/cpuset.cpu_exclusive)"
check "sibling y cannot take cpu 0 (EINVAL)" is "$EINVAL" "$(write_err 0 $VIEW/y/cpuset.cpus)"
check "sibling y takes cpu 1" is ok "$(write_err 1 $VIEW/y/cpuset.cpus)"
mkdir $VIEW/y/z
check "a child of a non-exclusive parent cannot be exclusive (EACCES)" \
        is "$EACCES" "$(write_err 1 $VIEW/y/z/cpuset.cpu_exclusive)"
check "x cpu_exclusive 0" is ok "$(write_err 0 $VIEW/x/cpuset.cpu_exclusive)"
check "then y may overlap x" is ok "$(write_err 0-1 $VIEW/y/cpuset.cpus)"

for d in y/z y x; do rmdir $VIEW/$d || not_ok "rmdir $d"; done

# clone_children is the cpuset view's own: another view's does not clone masks.
M=/run/cgcompat/cgroup/memory
mkdir $M/cc $VIEW/cc
echo 0 >$VIEW/cc/cpuset.cpus
echo 0 >$VIEW/cc/cpuset.mems
echo 1 >$M/cc/cgroup.clone_children
check "the cpuset view's clone_children of cc reads 0" is 0 "$(cat $VIEW/cc/cgroup.clone_children)"
mkdir $VIEW/cc/k
check "so its new child reads empty cpus, whatever the memory view's flag says" is "" "$(cat $VIEW/cc/k/cpuset.cpus)"

# memory_spread_page and memory_spread_slab: always the parent's (cpuset_css_online), clone_children or not.
mkdir $VIEW/sp
echo 1 >$VIEW/sp/cpuset.memory_spread_page
echo 1 >$VIEW/sp/cpuset.memory_spread_slab
mkdir $VIEW/sp/k
check "a child without clone_children starts with the parent's spread flags" \
        is "1 1" "$(cat $VIEW/sp/k/cpuset.memory_spread_page) $(cat $VIEW/sp/k/cpuset.memory_spread_slab)"
check "and still empty cpus" is "" "$(cat $VIEW/sp/k/cpuset.cpus)"
echo 0 >$VIEW/sp/k/cpuset.memory_spread_slab
mkdir $VIEW/sp/k/kk
check "its child takes its page 1, slab 0" \
        is "1 0" "$(cat $VIEW/sp/k/kk/cpuset.memory_spread_page) $(cat $VIEW/sp/k/kk/cpuset.memory_spread_slab)"
mkdir $VIEW/nosp
check "a child of a parent without them reads 0 0" \
        is "0 0" "$(cat $VIEW/nosp/cpuset.memory_spread_page) $(cat $VIEW/nosp/cpuset.memory_spread_slab)"
stop_daemon
log_if_failed
summary
