#!/bin/sh
# The v1 cpu and cpuacct files on a pure v2 kernel (busybox sh, run by tests/vm/run-vm.sh):
# each write is checked twice, by the v2 value it left and by what the kernel then does.
#
#   BUILD=build tests/vm/run-vm.sh tests/vm/t_cpu.sh
# shellcheck source=tests/vm/lib.sh
. /opt/test/lib.sh

CPU=/run/cgcompat/cgroup/cpu
ACCT=/run/cgcompat/cgroup/cpuacct

start_daemon
require "the cpu view is served" test -f $CPU/cpu.shares
check "the cpuacct view is served" test -f $ACCT/cpuacct.usage

# busy GROUP: a shell spinning in that v1 group (it joins through tasks first); $! is it.
busy() { sh -c 'echo $$ > "$0/tasks" && while :; do :; done' "$1" & }
# Centiseconds since boot.
now_cs() { awk '{ printf "%d", $1 * 100 }' /proc/uptime; }
v1_key() { v2_key "$@"; }

# --- cpu.shares <-> cpu.weight ---
mkdir $CPU/g
check "mkdir in the cpu view makes v2 group g with cpu.weight" test -f $V2/g/cpu.weight
check "a new group's cpu.shares reads 1024" is 1024 "$(cat $CPU/g/cpu.shares)"
echo 1000 > $CPU/g/cpu.shares
check "cpu.shares 1000: v2 cpu.weight is 98" is 98 "$(cat $V2/g/cpu.weight)"
check "cpu.shares 1000 reads back 1000 (not 1004)" is 1000 "$(cat $CPU/g/cpu.shares)"
echo 2 > $CPU/g/cpu.shares
check "cpu.shares 2: v2 cpu.weight is 1" is 1 "$(cat $V2/g/cpu.weight)"
check "cpu.shares 2 reads back 2" is 2 "$(cat $CPU/g/cpu.shares)"
echo 1 > $CPU/g/cpu.shares
check "cpu.shares 1 is clamped to 2, as v1 does" is 2 "$(cat $CPU/g/cpu.shares)"
echo 262144 > $CPU/g/cpu.shares
check "cpu.shares 262144: v2 cpu.weight is 10000" is 10000 "$(cat $V2/g/cpu.weight)"
check "cpu.shares 262144 reads back 262144" is 262144 "$(cat $CPU/g/cpu.shares)"
echo 50 > $V2/g/cpu.weight
check "after cpu.weight 50 written in v2, cpu.shares reads the kernel's 512" is 512 "$(cat $CPU/g/cpu.shares)"
check "cpu.shares 'abc' is EINVAL" fails_einval $CPU/g/cpu.shares abc
check "cpu.shares at the root is EINVAL" fails_einval $CPU/cpu.shares 512
check "and the root's v2 cpu.weight is untouched" is 100 "$(cat $V2/cpu.weight)"
check "the root's cpu.shares reads 1024" is 1024 "$(cat $CPU/cpu.shares)"

# --- cpu.idle: the same file in v1 and v2 ---
echo 1 > $CPU/g/cpu.idle
check "cpu.idle 1 reaches v2" is 1 "$(cat $V2/g/cpu.idle)"
check "an idle group's cpu.shares reads 3 (WEIGHT_IDLEPRIO)" is 3 "$(cat $CPU/g/cpu.shares)"
check "cpu.shares of an idle group is EINVAL" fails_einval $CPU/g/cpu.shares 1024
echo 0 > $CPU/g/cpu.idle
check "cpu.idle 0: shares back to 1024" is 1024 "$(cat $CPU/g/cpu.shares)"
check "cpu.idle 2 is EINVAL" fails_einval $CPU/g/cpu.idle 2
check "cpu.idle at the root is EINVAL" fails_einval $CPU/cpu.idle 1

# --- cpu.cfs_quota_us / cpu.cfs_period_us <-> cpu.max ---
check "a new group's quota reads -1" is -1 "$(cat $CPU/g/cpu.cfs_quota_us)"
check "a new group's period reads 100000" is 100000 "$(cat $CPU/g/cpu.cfs_period_us)"
echo 20000 > $CPU/g/cpu.cfs_quota_us
check "cfs_quota_us 20000: v2 cpu.max is '20000 100000'" is "20000 100000" "$(cat $V2/g/cpu.max)"
check "cfs_quota_us reads 20000" is 20000 "$(cat $CPU/g/cpu.cfs_quota_us)"
check "cfs_quota_us 999 is EINVAL" fails_einval $CPU/g/cpu.cfs_quota_us 999
check "cfs_quota_us 0 is EINVAL" fails_einval $CPU/g/cpu.cfs_quota_us 0
check "and v2 cpu.max is unchanged" is "20000 100000" "$(cat $V2/g/cpu.max)"
echo 1000 > $CPU/g/cpu.cfs_quota_us
check "cfs_quota_us 1000 is the least accepted" is "1000 100000" "$(cat $V2/g/cpu.max)"
echo 50000 > $CPU/g/cpu.cfs_period_us
check "cfs_period_us 50000 keeps the quota" is "1000 50000" "$(cat $V2/g/cpu.max)"
echo -1 > $CPU/g/cpu.cfs_quota_us
check "cfs_quota_us -1: v2 cpu.max is 'max 50000'" is "max 50000" "$(cat $V2/g/cpu.max)"
check "and reads -1" is -1 "$(cat $CPU/g/cpu.cfs_quota_us)"
check "cfs_period_us 999 is EINVAL" fails_einval $CPU/g/cpu.cfs_period_us 999
check "cfs_period_us 1000001 is EINVAL" fails_einval $CPU/g/cpu.cfs_period_us 1000001
check "cfs_period_us -1 is EINVAL" fails_einval $CPU/g/cpu.cfs_period_us -1
echo 1000 > $CPU/g/cpu.cfs_period_us
echo 1000000 > $CPU/g/cpu.cfs_period_us
check "cfs_period_us 1000 and 1000000 are accepted" is "max 1000000" "$(cat $V2/g/cpu.max)"
echo 100000 > $CPU/g/cpu.cfs_period_us
check "cfs_quota_us at the root is EINVAL" fails_einval $CPU/cpu.cfs_quota_us 50000
check "and the root's v2 cpu.max is untouched" is "max 100000" "$(cat $V2/cpu.max)"

# v1's hierarchy rule: no more than the parent, no less than a child has.
echo 20000 > $CPU/g/cpu.cfs_quota_us
mkdir $CPU/g/child
check "a child's quota above its parent's ratio is EINVAL" fails_einval $CPU/g/child/cpu.cfs_quota_us 30000
check "and the child's v2 cpu.max is unchanged" is "max 100000" "$(cat $V2/g/child/cpu.max)"
echo 10000 > $CPU/g/child/cpu.cfs_period_us
check "a child's period that raises its ratio above the parent's is EINVAL" fails_einval $CPU/g/child/cpu.cfs_quota_us 2001
echo 2000 > $CPU/g/child/cpu.cfs_quota_us
check "the parent's ratio itself (2000/10000) is accepted" is "2000 10000" "$(cat $V2/g/child/cpu.max)"
check "lowering the parent below its child is EINVAL" fails_einval $CPU/g/cpu.cfs_quota_us 10000
check "and the parent's v2 cpu.max is unchanged" is "20000 100000" "$(cat $V2/g/cpu.max)"
echo -1 > $CPU/g/child/cpu.cfs_quota_us
mkdir $CPU/g/child/grand
check "an unlimited child passes its parent's ratio down" fails_einval $CPU/g/child/grand/cpu.cfs_quota_us 30000
echo 20000 > $CPU/g/child/grand/cpu.cfs_quota_us
check "lowering g below a grandchild under an unlimited child is EINVAL" fails_einval $CPU/g/cpu.cfs_quota_us 10000
echo -1 > $CPU/g/cpu.cfs_quota_us
check "lifting the parent's limit is fine" is "max 100000" "$(cat $V2/g/cpu.max)"
rmdir $CPU/g/child/grand $CPU/g/child

# --- cpu.cfs_burst_us <-> cpu.max.burst ---
echo 20000 > $CPU/g/cpu.cfs_quota_us
echo 5000 > $CPU/g/cpu.cfs_burst_us
check "cfs_burst_us 5000 reaches cpu.max.burst" is 5000 "$(cat $V2/g/cpu.max.burst)"
check "and reads 5000" is 5000 "$(cat $CPU/g/cpu.cfs_burst_us)"
check "a burst above the quota is EINVAL" fails_einval $CPU/g/cpu.cfs_burst_us 30000
echo 0 > $CPU/g/cpu.cfs_burst_us

# --- the quota throttles: cpu.stat and cpuacct.usage show it ---
mkdir $CPU/busy
echo 20000 > $CPU/busy/cpu.cfs_quota_us
u0=$(cat $ACCT/busy/cpuacct.usage)
t0=$(now_cs)
busy $CPU/busy
spinner=$!
sleep 2
stop $spinner
t1=$(now_cs)
u1=$(cat $ACCT/busy/cpuacct.usage)
percent=$(((u1 - u0) / ((t1 - t0) * 100000)))
echo "# busy loop under 20000/100000: $((u1 - u0)) ns of CPU in $((t1 - t0)) cs: $percent%"
check "the throttled loop used at least 8% of one CPU" at_least $percent 8
check "and at most 32% (quota 20%)" at_most $percent 32
# The bandwidth timer runs on for up to two idle periods, counting them: let it stop.
sleep 0.5
stat=$(cat $CPU/busy/cpu.stat)
echo "$stat" | sed 's/^/# cpu.stat: /'
check "cpu.stat nr_throttled > 0" at_least "$(v1_key $CPU/busy/cpu.stat nr_throttled)" 1
check "cpu.stat throttled_time > 0" at_least "$(v1_key $CPU/busy/cpu.stat throttled_time)" 1
check "cpu.stat throttled_time is v2 throttled_usec in ns" \
        is "$(($(v2_key $V2/busy/cpu.stat throttled_usec) * 1000))" "$(v1_key $CPU/busy/cpu.stat throttled_time)"
check "cpu.stat nr_periods is v2's" is "$(v2_key $V2/busy/cpu.stat nr_periods)" "$(v1_key $CPU/busy/cpu.stat nr_periods)"
check "cpu.stat has v1's keys in v1's order" \
        is "nr_periods nr_throttled throttled_time nr_bursts burst_time" "$(echo $(awk '{ print $1 }' $CPU/busy/cpu.stat))"

# --- cpuacct: usage is hierarchical and grows with work ---
mkdir $CPU/p $CPU/p/a $CPU/p/b
busy $CPU/p/a
spin_a=$!
busy $CPU/p/b
spin_b=$!
sleep 1
stop $spin_a $spin_b
ua=$(cat $ACCT/p/a/cpuacct.usage)
ub=$(cat $ACCT/p/b/cpuacct.usage)
up=$(cat $ACCT/p/cpuacct.usage)
echo "# cpuacct.usage: p $up, a $ua, b $ub"
check "a busy child's cpuacct.usage grew (> 100 ms)" at_least "$ua" 100000000
check "so did the other's" at_least "$ub" 100000000
check "the parent's usage is the sum of its children's to the ns (no task of its own), as in v1" is $((ua + ub)) "$up"
check "so are usage_user and usage_sys" is \
        "$(($(cat $ACCT/p/a/cpuacct.usage_user) + $(cat $ACCT/p/b/cpuacct.usage_user))) $(($(cat $ACCT/p/a/cpuacct.usage_sys) + $(cat $ACCT/p/b/cpuacct.usage_sys)))" \
        "$(cat $ACCT/p/cpuacct.usage_user) $(cat $ACCT/p/cpuacct.usage_sys)"
check "cpuacct.usage is v2 usage_usec in ns" is "$(($(v2_key $V2/p/a/cpu.stat usage_usec) * 1000))" "$ua"
usr=$(cat $ACCT/p/a/cpuacct.usage_user)
sys=$(cat $ACCT/p/a/cpuacct.usage_sys)
check "usage_user is v2 user_usec in ns" is "$(($(v2_key $V2/p/a/cpu.stat user_usec) * 1000))" "$usr"
check "usage_sys is v2 system_usec in ns" is "$(($(v2_key $V2/p/a/cpu.stat system_usec) * 1000))" "$sys"
hz_user=$(v1_key $ACCT/p/a/cpuacct.stat user)
check "cpuacct.stat user is user_usec in USER_HZ (100)" is "$(($(v2_key $V2/p/a/cpu.stat user_usec) / 10000))" "$hz_user"
check "cpuacct.stat has user then system" is "user system" "$(echo $(awk '{ print $1 }' $ACCT/p/a/cpuacct.stat))"

# Per-CPU files: every possible CPU, all the usage on one, v1's exact format.
possible=$(awk -F, '{ n = 0; for (i = 1; i <= NF; i++) { split($i, r, "-"); n += (r[2] == "" ? 1 : r[2] - r[1] + 1) } print n }' \
        /sys/devices/system/cpu/possible)
percpu=$(cat $ACCT/p/a/cpuacct.usage_percpu)
set -- $percpu
check "usage_percpu has one value per possible CPU ($possible)" is "$possible" $#
check "usage_percpu sums to cpuacct.usage" is "$ua" "$(echo "$percpu" | awk '{ s = 0; for (i = 1; i <= NF; i++) s += $i; printf "%d", s }')"
check "usage_percpu ends with a space, then a newline" is "20 0a" "$(echo $(tail -c 2 $ACCT/p/a/cpuacct.usage_percpu | od -An -tx1))"
check "usage_percpu_user sums to usage_user" is "$usr" "$(awk '{ s = 0; for (i = 1; i <= NF; i++) s += $i; printf "%d", s }' $ACCT/p/a/cpuacct.usage_percpu_user)"
check "usage_all starts with 'cpu user system'" is "cpu user system" "$(head -n 1 $ACCT/p/a/cpuacct.usage_all)"
check "usage_all has a line per possible CPU" is "$((possible + 1))" "$(wc -l < $ACCT/p/a/cpuacct.usage_all)"
check "usage_all's user column sums to usage_user" is "$usr" "$(awk 'NR > 1 { s += $2 } END { printf "%d", s }' $ACCT/p/a/cpuacct.usage_all)"

# Reset: a baseline, v2's counter goes on.
echo 0 > $ACCT/p/a/cpuacct.usage
check "writing 0 resets cpuacct.usage near 0" at_most "$(cat $ACCT/p/a/cpuacct.usage)" 1000000
check "and usage_user" at_most "$(cat $ACCT/p/a/cpuacct.usage_user)" 1000000
check "and cpuacct.stat" is "user 0 system 0" "$(echo $(cat $ACCT/p/a/cpuacct.stat))"
check "and usage_percpu" is "$possible" "$(awk '{ for (i = 1; i <= NF; i++) if ($i < 1000000) n++; printf "%d", n }' $ACCT/p/a/cpuacct.usage_percpu)"
check "v2 usage_usec is not reset" at_least "$(v2_key $V2/p/a/cpu.stat usage_usec)" 100000
check "the parent's usage is not reset" at_least "$(cat $ACCT/p/cpuacct.usage)" "$up"
check "cpuacct.usage 1 is EINVAL" fails_einval $ACCT/p/a/cpuacct.usage 1
busy $CPU/p/a
spin_a=$!
sleep 1
stop $spin_a
check "after the reset, usage counts again (> 100 ms)" at_least "$(cat $ACCT/p/a/cpuacct.usage)" 100000000
check "and stays below what v2 counted in all" at_most "$(cat $ACCT/p/a/cpuacct.usage)" "$(($(v2_key $V2/p/a/cpu.stat usage_usec) * 1000 - ua + 1000))"
echo 0 > $ACCT/cpuacct.usage
check "writing 0 at the root is accepted and resets nothing (v1)" at_least "$(cat $ACCT/cpuacct.usage)" "$up"

# --- RT bandwidth: no v2 home ---
check "the root's cpu.rt_runtime_us reads 950000" is 950000 "$(cat $CPU/cpu.rt_runtime_us)"
check "a group's cpu.rt_runtime_us reads 0" is 0 "$(cat $CPU/g/cpu.rt_runtime_us)"
check "cpu.rt_period_us reads 1000000" is 1000000 "$(cat $CPU/g/cpu.rt_period_us)"
check "writing the default runtime 0 is accepted" sh -c "echo 0 > $CPU/g/cpu.rt_runtime_us"
check "a runtime above the period is EINVAL" fails_einval $CPU/g/cpu.rt_runtime_us 2000000
check "the root's runtime 0 is EINVAL" fails_einval $CPU/cpu.rt_runtime_us 0
echo 10000 > $CPU/g/cpu.rt_runtime_us
check "another runtime is stored (policy store) and reads back" is 10000 "$(cat $CPU/g/cpu.rt_runtime_us)"
check "and the daemon says nothing enforces it" grep -q 'cpu.rt_runtime_us.*"10000" stored' /tmp/d.log
echo 0 > $CPU/g/cpu.rt_runtime_us
check "the default again reads 0" is 0 "$(cat $CPU/g/cpu.rt_runtime_us)"

# --- files v2 cannot back here are not offered ---
check "no cpu.uclamp.min without CONFIG_UCLAMP_TASK_GROUP" sh -c "[ -e $V2/g/cpu.uclamp.min ] || [ ! -e $CPU/g/cpu.uclamp.min ]"

# Sums at every level, with three children (v2 truncates each to the µs), after a reset, after a removal.
mkdir $CPU/q $CPU/q/r $CPU/q/r/x $CPU/q/r/y $CPU/q/r/z
busy $CPU/q/r/x
s1=$!
busy $CPU/q/r/y
s2=$!
busy $CPU/q/r/z
s3=$!
sleep 0.5
stop $s1 $s2 $s3
ux=$(cat $ACCT/q/r/x/cpuacct.usage) uy=$(cat $ACCT/q/r/y/cpuacct.usage) uz=$(cat $ACCT/q/r/z/cpuacct.usage)
ur=$(cat $ACCT/q/r/cpuacct.usage) uq=$(cat $ACCT/q/cpuacct.usage)
echo "# cpuacct.usage: q $uq, r $ur, x $ux, y $uy, z $uz; v2 r $(v2_key $V2/q/r/cpu.stat usage_usec) µs"
check "r is x + y + z" is $((ux + uy + uz)) "$ur"
check "q is r" is "$ur" "$uq"
check "a leaf group is its v2 usage_usec in ns" is "$(($(v2_key $V2/q/r/x/cpu.stat usage_usec) * 1000))" "$ux"
echo 0 > $ACCT/q/r/cpuacct.usage
check "r reset reads 0 (its children idle)" is 0 "$(cat $ACCT/q/r/cpuacct.usage)"
check "q and x are untouched by r's reset" is "$uq $ux" "$(cat $ACCT/q/cpuacct.usage) $(cat $ACCT/q/r/x/cpuacct.usage)"
rmdir $CPU/q/r/z
uq2=$(cat $ACCT/q/cpuacct.usage)
check "after rmdir z, q keeps z's time (v1 keeps it), less at most 2 µs of carries" at_least "$uq2" $((uq - 2000))
check "and gains none" at_most "$uq2" "$uq"
rmdir $CPU/q/r/x $CPU/q/r/y $CPU/q/r $CPU/q
rmdir $CPU/p/a $CPU/p/b $CPU/p $CPU/busy $CPU/g
check "groups are gone from v2" test ! -e $V2/g -a ! -e $V2/busy -a ! -e $V2/p
stop_daemon
log_if_failed
summary
