#!/bin/sh
# The hidden leaf and groups shared by views (DESIGN.md invariants 2 and 3), in the pure v2 VM:
# a v2-aware program placed through the legacy views reads, in its own cgroup (the leaf), the
# ceilings set on its group; a group one view lets go while others keep it limits nothing
# the released view set, on the group and on its leaf.
#
#   BUILD=build tests/vm/run-vm.sh tests/vm/t_leaf_reset.sh
# shellcheck source=tests/vm/lib.sh
. /opt/test/lib.sh

R=/run/cgcompat/cgroup
M=$R/memory CPU=$R/cpu ACCT=$R/cpuacct P=$R/pids F=$R/freezer D=$R/devices B=$R/blkio H=$R/hugetlb S=$R/cpuset

start_daemon
require "the memory view is served" test -f $M/memory.limit_in_bytes
require "the cpu view is served" test -f $CPU/cpu.shares

# own KEY...: what a task that joined through each view's tasks file reads in its own v2 cgroup.
# joined GROUP VIEW...: a shell in GROUP of each VIEW, printing its v2 cgroup's FILEs (one a line).
joined() {
        _g=$1
        shift
        sh -c 'g=$1; shift; while [ "$1" != -- ]; do echo $$ > "$1/$g/tasks" || exit 1; shift; done; shift
                cg=$(sed -n "s/^0:://p" /proc/self/cgroup); echo "$cg"
                for f; do cat "/sys/fs/cgroup$cg/$f"; done' sh "$_g" "$@"
}

# --- mirroring: the leaf shows the group's ceilings ---
mkdir $M/mir $CPU/mir $P/mir
check "mkdir in three views makes one v2 group" test -d $V2/mir/.tasks
echo 300M > $M/mir/memory.limit_in_bytes
echo 100000 > $CPU/mir/cpu.cfs_period_us
echo 50000 > $CPU/mir/cpu.cfs_quota_us
echo 64 > $P/mir/pids.max
out=$(joined mir $M $CPU $P -- memory.max cpu.max pids.max)
set -- $out
check "a task joined through the memory, cpu and pids views is in the leaf" is /cgcompat/mir/.tasks "$1"
check "and reads its own memory.max: 314572800" is 314572800 "$2"
check "and its own cpu.max: 50000 100000" is "50000 100000" "$3 $4"
check "and its own pids.max: 64" is 64 "$5"
check "v2 has the group's limits on the group" is "314572800|50000 100000|64" \
        "$(cat $V2/mir/memory.max)|$(cat $V2/mir/cpu.max)|$(cat $V2/mir/pids.max)"
echo 200M > $M/mir/memory.memsw.limit_in_bytes 2>/dev/null || echo 400M > $M/mir/memory.memsw.limit_in_bytes
check "memsw: the leaf's memory.swap.max is the group's" is "$(cat $V2/mir/memory.swap.max)" "$(cat $V2/mir/.tasks/memory.swap.max)"
check "which is 100M" is 104857600 "$(cat $V2/mir/.tasks/memory.swap.max)"
echo 20000 > $CPU/mir/cpu.cfs_burst_us
check "the burst is mirrored (a leaf without it is throttled at the quota)" is 20000 "$(cat $V2/mir/.tasks/cpu.max.burst)"
echo -1 > $CPU/mir/cpu.cfs_quota_us
check "quota -1: the leaf's cpu.max is max 100000" is "max 100000" "$(cat $V2/mir/.tasks/cpu.max)"
echo -1 > $M/mir/memory.memsw.limit_in_bytes
echo -1 > $M/mir/memory.limit_in_bytes
check "limit -1: the leaf's memory.max is max" is max "$(cat $V2/mir/.tasks/memory.max)"
echo max > $P/mir/pids.max
check "pids.max max on the leaf" is max "$(cat $V2/mir/.tasks/pids.max)"
check "weights are not mirrored: the leaf's cpu.weight stays 100" \
        sh -c "echo 512 > $CPU/mir/cpu.shares && test \$(cat $V2/mir/.tasks/cpu.weight) = 100"

# A leaf made again (removed in v2 while empty) starts with its group's ceilings.
echo 128M > $M/mir/memory.limit_in_bytes
echo 32 > $P/mir/pids.max
echo 30000 > $CPU/mir/cpu.cfs_quota_us
rmdir $V2/mir/.tasks
out=$(joined mir $M -- memory.max pids.max cpu.max cpu.max.burst)
set -- $out
check "a task attached makes the leaf again" is /cgcompat/mir/.tasks "$1"
check "with the group's memory.max, pids.max, cpu.max and burst" is "134217728 32 30000 100000 20000" "$2 $3 $4 $5 $6"
rmdir $M/mir $CPU/mir
check "the memory and cpu views let mir go, the pids view keeps it" test -d $V2/mir

# --- reset: a group one view releases while others keep it ---
mkdir $CPU/rs $M/rs
echo 1 > $CPU/rs/cpu.idle
echo 512 > $CPU/rs/cpu.shares 2>/dev/null # an idle group takes no weight: the reset must clear idle first
echo 50000 > $CPU/rs/cpu.cfs_quota_us
echo 10000 > $CPU/rs/cpu.cfs_burst_us
echo 64M > $M/rs/memory.limit_in_bytes
joined rs $CPU -- >/dev/null # cpu time for a baseline
echo 0 > $ACCT/rs/cpuacct.usage
check "cpu.idle 1 and cpu.max 50000 on group and leaf before" is "1 50000 100000 50000 100000" \
        "$(cat $V2/rs/cpu.idle) $(cat $V2/rs/cpu.max) $(cat $V2/rs/.tasks/cpu.max)"
check "rmdir in the cpu view only" is ok "$(rmdir $CPU/rs 2>&1 && echo ok)"
check "the v2 group stays for the memory view" test -d $V2/rs/.tasks
check "and keeps memory.max 64M, on the leaf too" is "67108864 67108864" "$(cat $V2/rs/memory.max) $(cat $V2/rs/.tasks/memory.max)"
check "cpu.idle is back to 0, cpu.weight to 100" is "0 100" "$(cat $V2/rs/cpu.idle) $(cat $V2/rs/cpu.weight)"
check "cpu.max is back to max 100000" is "max 100000" "$(cat $V2/rs/cpu.max)"
check "on the leaf too" is "max 100000" "$(cat $V2/rs/.tasks/cpu.max)"
check "cpu.max.burst is 0 on both" is "0 0" "$(cat $V2/rs/cpu.max.burst) $(cat $V2/rs/.tasks/cpu.max.burst)"
check "the group is gone from the cpu view" test ! -e $CPU/rs
mkdir $CPU/rs
echo 1000 > $CPU/rs/cpu.shares
echo 0 > $ACCT/rs/cpuacct.usage
check "cpu.shares 1000 reads back 1000 (kept while v2 holds weight 98)" is 1000 "$(cat $CPU/rs/cpu.shares)"
rmdir $CPU/rs
echo 98 > $V2/rs/cpu.weight # as if set again, directly in v2
mkdir $CPU/rs
check "made again in the cpu view, cpu.shares reads weight 98 as 1004 (no stale read-back)" \
        is 1004 "$(cat $CPU/rs/cpu.shares)"
check "and cpuacct.usage is v2's again: no stale baseline" \
        is "$(($(v2_key $V2/rs/cpu.stat usage_usec) * 1000))" "$(cat $ACCT/rs/cpuacct.usage)"
rmdir $M/rs
check "released by memory, kept by cpu: memory.max max on group and leaf" is "max max" \
        "$(cat $V2/rs/memory.max) $(cat $V2/rs/.tasks/memory.max)"
rmdir $CPU/rs
check "released by every view: the v2 group goes" test ! -e $V2/rs

# pids, freezer, hugetlb, cpuset, blkio, devices: each view's settings go with it.
mkdir $M/all $P/all $F/all $H/all $S/all $B/all $D/all
echo 10 > $P/all/pids.max
echo 4M > $H/all/hugetlb.2MB.limit_in_bytes
echo 0 > $S/all/cpuset.cpus
echo 0 > $S/all/cpuset.mems
echo 800 > $B/all/blkio.weight
echo 200 > $B/all/blkio.leaf_weight
dev=$(cat /sys/block/ram0/dev 2>/dev/null)
[ -n "$dev" ] && echo "$dev 1048576" > $B/all/blkio.throttle.read_bps_device
echo "c 1:3 w" > $D/all/devices.deny
check "before: writing /dev/null in the group is EPERM" \
        is "$EPERM" "$(sh -c "echo \$\$ > $M/all/tasks && echo x > /dev/null" 2>&1 | sed 's/.*: //')"
echo FROZEN > $F/all/freezer.state
check "before: pids.max 10, frozen, hugetlb 4M, cpus 0, io.weight 160 and 40 on the leaf, a throttle" \
        is "10 1 4194304 0 160 40 1" "$(cat $V2/all/pids.max) $(cat $V2/all/cgroup.freeze) $(cat $V2/all/hugetlb.2MB.max) \
$(cat $V2/all/cpuset.cpus) $(sed -n 's/^default //p' $V2/all/io.weight) $(sed -n 's/^default //p' $V2/all/.tasks/io.weight) \
$(grep -c rbps=1048576 $V2/all/io.max)"
for v in $P $F $H $S $B $D; do rmdir $v/all; done
check "all six views let it go, memory keeps it" test -d $V2/all
check "pids.max is max" is max "$(cat $V2/all/pids.max)"
check "cgroup.freeze is 0: thawed" is 0 "$(cat $V2/all/cgroup.freeze)"
check "hugetlb.2MB.max is max" is max "$(cat $V2/all/hugetlb.2MB.max)"
check "cpuset.cpus and mems are empty" is "|" "$(cat $V2/all/cpuset.cpus)|$(cat $V2/all/cpuset.mems)"
check "io.weight is default 100, no device" is "default 100" "$(cat $V2/all/io.weight)"
check "the leaf's io.weight too" is "default 100" "$(cat $V2/all/.tasks/io.weight)"
check "io.max has no device" is "" "$(cat $V2/all/io.max)"
check "writing /dev/null in the group works again (no device program)" \
        is ok "$(sh -c "echo \$\$ > $M/all/tasks && echo x > /dev/null && echo ok" 2>&1)"
mkdir $D/all $S/all
check "made again in the devices view: it allows all" is "a *:* rwm" "$(cat $D/all/devices.list)"
check "made again in the cpuset view: its masks are empty" is "" "$(cat $S/all/cpuset.cpus)"

stop_daemon
log_if_failed
summary
