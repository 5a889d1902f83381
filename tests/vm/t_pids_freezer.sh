#!/bin/sh
# The v1 pids and freezer files on a pure v2 kernel (busybox sh, run by tests/vm/run-vm.sh):
# each write is checked by the v2 value it left and by what the kernel then does to tasks.
#
#   BUILD=build tests/vm/run-vm.sh tests/vm/t_pids_freezer.sh
# shellcheck source=tests/vm/lib.sh
. /opt/test/lib.sh

PIDS=/run/cgcompat/cgroup/pids
FRZ=/run/cgcompat/cgroup/freezer

start_daemon
require "the pids view is served" test -d $PIDS
require "the freezer view is served" test -d $FRZ

# --- pids ---
check "pids.max is not on the root (CFTYPE_NOT_ON_ROOT)" test ! -e $PIDS/pids.max
check "nor pids.current, nor pids.events" test ! -e $PIDS/pids.current -a ! -e $PIDS/pids.events
mkdir $PIDS/lim
check "a new group's pids.max reads max" is max "$(cat $PIDS/lim/pids.max)"
check "a new group's pids.current reads 0" is 0 "$(cat $PIDS/lim/pids.current)"
check "a new group's pids.events reads 'max 0'" is "max 0" "$(cat $PIDS/lim/pids.events)"
echo 5 > $PIDS/lim/pids.max
check "pids.max 5: v2 pids.max is 5" is 5 "$(cat $V2/lim/pids.max)"
check "pids.max 5 reads 5" is 5 "$(cat $PIDS/lim/pids.max)"
check "pids.max -1 is EINVAL" fails_with "Invalid argument" $PIDS/lim/pids.max -1
check "pids.max 4194305 is EINVAL" fails_with "Invalid argument" $PIDS/lim/pids.max 4194305
check "pids.max 'unlimited' is EINVAL" fails_with "Invalid argument" $PIDS/lim/pids.max unlimited
check "after the refused writes v2 pids.max is still 5" is 5 "$(cat $V2/lim/pids.max)"

# A shell in the group forks eight sleeps; the limit lets it have four (it is the fifth).
rm -f /tmp/forked
sh -c 'echo $$ > "$0/tasks"; for i in 1 2 3 4 5 6 7 8; do sleep 30 & echo $! >> /tmp/forked; done' \
        $PIDS/lim 2>/tmp/fork.err
sleeps=$(grep -c '^[0-9]' /tmp/forked 2>/dev/null)
echo "# forks that worked: $sleeps; the shell said: $(head -n 1 /tmp/fork.err)"
check "some forks failed: 4 of 8 sleeps started" is 4 "$sleeps"
check "the shell saw fork fail with EAGAIN" grep -q "Resource temporarily unavailable" /tmp/fork.err
check "pids.current reads 4 with the shell gone" is 4 "$(cat $PIDS/lim/pids.current)"
check "and so does v2" is 4 "$(cat $V2/lim/pids.current)"
events=$(v2_key $PIDS/lim/pids.events max)
check "pids.events counts the refused forks (max $events > 0)" test "${events:-0}" -gt 0
check "pids.events is one 'max N' line" is 1 "$(wc -l < $PIDS/lim/pids.events)"
echo max > $PIDS/lim/pids.max
check "pids.max 'max': v2 pids.max is max" is max "$(cat $V2/lim/pids.max)"
check "pids.max 'max' reads max" is max "$(cat $PIDS/lim/pids.max)"
# With no limit the same loop starts all eight. Killed tasks count until they are reaped.
stop $(grep '^[0-9]' /tmp/forked)
emptied() { [ "$(cat $PIDS/lim/pids.current)" = 0 ]; }
wait_for emptied
rm -f /tmp/forked
sh -c 'echo $$ > "$0/tasks"; for i in 1 2 3 4 5 6 7 8; do sleep 30 & echo $! >> /tmp/forked; done' \
        $PIDS/lim 2>/tmp/fork.err
check "without the limit all 8 forks work" is 8 "$(grep -c '^[0-9]' /tmp/forked)"
check "pids.current reads 8" is 8 "$(cat $PIDS/lim/pids.current)"
stop $(grep '^[0-9]' /tmp/forked)
wait_for emptied
echo " 0x10 " > $PIDS/lim/pids.max
check "pids.max ' 0x10 ' is stripped and parsed base 0: v2 pids.max 16" is 16 "$(cat $V2/lim/pids.max)"

# --- freezer ---
check "freezer.state is not on the root" test ! -e $FRZ/freezer.state
mkdir $FRZ/ice $FRZ/ice/child
check "a new group is THAWED" is THAWED "$(cat $FRZ/ice/freezer.state)"
check "self_freezing 0, parent_freezing 0" is "0 0" \
        "$(cat $FRZ/ice/freezer.self_freezing) $(cat $FRZ/ice/freezer.parent_freezing)"

# A task spinning in ice, and its CPU time in clock ticks (utime + stime).
sh -c 'echo $$ > "$0/tasks" && while :; do :; done' $FRZ/ice &
spin=$!
ticks() { awk '{ print $14 + $15 }' /proc/$spin/stat; }
state_of() { awk '$1 == "State:" { print $2 }' /proc/$spin/status; }
wait_for grep -qx $spin $FRZ/ice/tasks
check "the spinning task is in ice" grep -qx $spin $FRZ/ice/tasks

echo FROZEN > $FRZ/ice/freezer.state
check "FROZEN: v2 cgroup.freeze is 1" is 1 "$(cat $V2/ice/cgroup.freeze)"
frozen() { [ "$(cat $FRZ/ice/freezer.state)" = FROZEN ]; }
wait_for frozen
check "freezer.state reads FROZEN once the task is frozen" is FROZEN "$(cat $FRZ/ice/freezer.state)"
check "v2 says frozen 1" is 1 "$(v2_key $V2/ice/cgroup.events frozen)"
t0=$(ticks)
sleep 1
t1=$(ticks)
check "the frozen task got no CPU over 1 s ($t0 -> $t1 ticks)" is "$t0" "$t1"
st=$(state_of)
check "its /proc status says it is not running (State: $st)" test "$st" != R
check "ice: self_freezing 1, parent_freezing 0" is "1 0" \
        "$(cat $FRZ/ice/freezer.self_freezing) $(cat $FRZ/ice/freezer.parent_freezing)"
check "ice/child: self_freezing 0, parent_freezing 1" is "0 1" \
        "$(cat $FRZ/ice/child/freezer.self_freezing) $(cat $FRZ/ice/child/freezer.parent_freezing)"
check "ice/child reads FROZEN: its parent froze it" is FROZEN "$(cat $FRZ/ice/child/freezer.state)"
check "and its v2 cgroup.freeze is still 0" is 0 "$(cat $V2/ice/child/cgroup.freeze)"
check "FREEZING is EINVAL" fails_with "Invalid argument" $FRZ/ice/freezer.state FREEZING
check "frozen is EINVAL" fails_with "Invalid argument" $FRZ/ice/freezer.state frozen
check "after the refused writes v2 cgroup.freeze is still 1" is 1 "$(cat $V2/ice/cgroup.freeze)"

echo THAWED > $FRZ/ice/freezer.state
check "THAWED: v2 cgroup.freeze is 0" is 0 "$(cat $V2/ice/cgroup.freeze)"
check "freezer.state reads THAWED" is THAWED "$(cat $FRZ/ice/freezer.state)"
check "ice/child reads THAWED, parent_freezing 0" is "THAWED 0" \
        "$(cat $FRZ/ice/child/freezer.state) $(cat $FRZ/ice/child/freezer.parent_freezing)"
t0=$(ticks)
sleep 1
t1=$(ticks)
check "the thawed task runs again ($t0 -> $t1 ticks)" test "$t1" -gt "$t0"

# Freezing the child alone leaves ice thawed; an empty group is frozen at once.
echo FROZEN > $FRZ/ice/child/freezer.state
child_frozen() { [ "$(cat $FRZ/ice/child/freezer.state)" = FROZEN ]; }
wait_for child_frozen
check "ice/child alone: FROZEN, self_freezing 1" is "FROZEN 1" \
        "$(cat $FRZ/ice/child/freezer.state) $(cat $FRZ/ice/child/freezer.self_freezing)"
check "ice stays THAWED" is THAWED "$(cat $FRZ/ice/freezer.state)"
t0=$(ticks)
sleep 1
t1=$(ticks)
check "and its task keeps running ($t0 -> $t1 ticks)" test "$t1" -gt "$t0"
echo THAWED > $FRZ/ice/child/freezer.state
check "ice/child THAWED again" is THAWED "$(cat $FRZ/ice/child/freezer.state)"
stop $spin

check "cgcompatd exits 0 on SIGTERM" stop_daemon
log_if_failed
summary
