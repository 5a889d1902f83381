#!/bin/sh
# The v1 hugetlb, net_cls, net_prio, perf_event and misc files on a pure v2 kernel (busybox
# sh, run by tests/vm/run-vm.sh): each write is checked by the v2 value it left, and for
# hugetlb by what the kernel then charges and refuses.
#
#   BUILD=build tests/vm/run-vm.sh tests/vm/t_hugetlb_misc.sh
# shellcheck source=tests/vm/lib.sh
. /opt/test/lib.sh

HUGE=/run/cgcompat/cgroup/hugetlb
CLS=/run/cgcompat/cgroup/net_cls
PRIO=/run/cgcompat/cgroup/net_prio
PERF=/run/cgcompat/cgroup/perf_event
MISC=/run/cgcompat/cgroup/misc
RDMA=/run/cgcompat/cgroup/rdma
MB2=2097152
# What v1 reads for an unlimited 2MB counter: round_down(LONG_MAX / 4096, 512) * 4096.
UNLIMITED_2MB=9223372036852678656

start_daemon
require "the hugetlb view is served" test -d $HUGE
require "the net_cls,net_prio view is served" test -d $CLS -a -d $PRIO

# --- hugetlb limits ---
mkdir $HUGE/big
check "a new group's 2MB limit reads the kernel's unlimited" is $UNLIMITED_2MB \
        "$(cat $HUGE/big/hugetlb.2MB.limit_in_bytes)"
check "the view root has the 2MB files too (v1 shows them at the root)" test -f $HUGE/hugetlb.2MB.limit_in_bytes
echo 4194305 > $HUGE/big/hugetlb.2MB.limit_in_bytes
check "limit 4194305: v2 hugetlb.2MB.max is 4194304 (whole huge pages)" is 4194304 "$(cat $V2/big/hugetlb.2MB.max)"
check "limit 4194305 reads 4194304" is 4194304 "$(cat $HUGE/big/hugetlb.2MB.limit_in_bytes)"
echo -1 > $HUGE/big/hugetlb.2MB.limit_in_bytes
check "limit -1: v2 hugetlb.2MB.max is max" is max "$(cat $V2/big/hugetlb.2MB.max)"
check "limit -1 reads $UNLIMITED_2MB" is $UNLIMITED_2MB "$(cat $HUGE/big/hugetlb.2MB.limit_in_bytes)"
echo 3M > $HUGE/big/hugetlb.2MB.limit_in_bytes
check "limit 3M: v2 hugetlb.2MB.max is one huge page" is $MB2 "$(cat $V2/big/hugetlb.2MB.max)"
check "limit 'max' is EINVAL (v2's word, not v1's)" fails_with "Invalid argument" \
        $HUGE/big/hugetlb.2MB.limit_in_bytes max
check "limit -2 is EINVAL" fails_with "Invalid argument" $HUGE/big/hugetlb.2MB.limit_in_bytes -2
check "limit 1.5G is EINVAL" fails_with "Invalid argument" $HUGE/big/hugetlb.2MB.limit_in_bytes 1.5G
check "after the refused writes v2 is still one huge page" is $MB2 "$(cat $V2/big/hugetlb.2MB.max)"
check "limit at the root is EINVAL" fails_with "Invalid argument" $HUGE/hugetlb.2MB.limit_in_bytes 4194304
check "and the tree root's v2 limit is untouched" is max "$(cat $V2/hugetlb.2MB.max)"
echo 8M > $HUGE/big/hugetlb.2MB.rsvd.limit_in_bytes
check "rsvd.limit 8M: v2 hugetlb.2MB.rsvd.max is 8388608" is 8388608 "$(cat $V2/big/hugetlb.2MB.rsvd.max)"
check "rsvd.limit reads 8388608" is 8388608 "$(cat $HUGE/big/hugetlb.2MB.rsvd.limit_in_bytes)"
if [ -f $V2/hugetlb.1GB.max ]; then
        echo 1073741825 > $HUGE/big/hugetlb.1GB.limit_in_bytes
        check "1GB limit 1073741825: v2 hugetlb.1GB.max is 1073741824" is 1073741824 "$(cat $V2/big/hugetlb.1GB.max)"
        echo -1 > $HUGE/big/hugetlb.1GB.limit_in_bytes
        check "1GB limit -1 reads 9223372035781033984" is 9223372035781033984 \
                "$(cat $HUGE/big/hugetlb.1GB.limit_in_bytes)"
else
        check "no 1GB pages here: no 1GB files" test ! -e $HUGE/big/hugetlb.1GB.limit_in_bytes
fi

# --- hugetlb usage, watermark, failcnt: a shell in big allocates huge pages in a hugetlbfs file ---
echo 4 > /proc/sys/vm/nr_hugepages
mkdir -p /mnt/huge
if [ "$(awk '$1 == "HugePages_Total:" { print $2 }' /proc/meminfo)" = 4 ] &&
   mount -t hugetlbfs -o pagesize=2M none /mnt/huge; then
        check "usage starts at 0" is 0 "$(cat $HUGE/big/hugetlb.2MB.usage_in_bytes)"
        sh -c 'echo $$ > "$0/tasks" && fallocate -l 2097152 /mnt/huge/one' $HUGE/big
        check "a task of big got one huge page: usage_in_bytes $MB2" is $MB2 \
                "$(cat $HUGE/big/hugetlb.2MB.usage_in_bytes)"
        check "and v2 hugetlb.2MB.current agrees" is $MB2 "$(cat $V2/big/hugetlb.2MB.current)"
        check "max_usage_in_bytes $MB2" is $MB2 "$(cat $HUGE/big/hugetlb.2MB.max_usage_in_bytes)"
        check "failcnt 0 under the limit" is 0 "$(cat $HUGE/big/hugetlb.2MB.failcnt)"
        err=$(sh -c 'echo $$ > "$0/tasks" && fallocate -l 4194304 /mnt/huge/two' $HUGE/big 2>&1)
        check "a second page is refused by the one-page limit ($err)" test ! -s /mnt/huge/two
        check "usage stays at one page" is $MB2 "$(cat $HUGE/big/hugetlb.2MB.usage_in_bytes)"
        fails=$(cat $HUGE/big/hugetlb.2MB.failcnt)
        check "failcnt counts the refusal ($fails > 0)" test "${fails:-0}" -gt 0
        check "v2 hugetlb.2MB.events max counts it too" test "$(v2_key $V2/big/hugetlb.2MB.events max)" -gt 0
        echo 0 > $HUGE/big/hugetlb.2MB.failcnt
        check "a write resets failcnt to 0" is 0 "$(cat $HUGE/big/hugetlb.2MB.failcnt)"
        rm -f /mnt/huge/one /mnt/huge/two
        check "the page freed: usage 0" is 0 "$(cat $HUGE/big/hugetlb.2MB.usage_in_bytes)"
        check "the watermark stays at $MB2" is $MB2 "$(cat $HUGE/big/hugetlb.2MB.max_usage_in_bytes)"
        echo 0 > $HUGE/big/hugetlb.2MB.max_usage_in_bytes
        check "a write resets the watermark to the usage, 0" is 0 \
                "$(cat $HUGE/big/hugetlb.2MB.max_usage_in_bytes)"
        umount /mnt/huge
else
        echo "# no huge pages here: usage not tested"
fi

# --- net_cls: no v2 home, the value is kept on the group ---
mkdir $CLS/tagged
check "a new group's classid reads 0" is 0 "$(cat $CLS/tagged/net_cls.classid)"
echo 0x100001 > $CLS/tagged/net_cls.classid
check "classid 0x100001 reads 1048577 (decimal, as v1)" is 1048577 "$(cat $CLS/tagged/net_cls.classid)"
check "classid -1 is EINVAL" fails_with "Invalid argument" $CLS/tagged/net_cls.classid -1
check "classid ' 1' is EINVAL (write_u64 files are not stripped)" fails_with "Invalid argument" \
        $CLS/tagged/net_cls.classid " 1"
mkdir $CLS/tagged/inner
check "a new child inherits its parent's classid" is 1048577 "$(cat $CLS/tagged/inner/net_cls.classid)"
check "the daemon says it is stored, not enforced" grep -q "net_cls.classid.*not enforced" /tmp/d.log

# --- net_prio ---
mkdir $PRIO/prio
check "the same group is in the net_prio view" test -d $PRIO/tagged
check "prioidx is the v2 cgroup's id" is "$(stat -c %i $V2/prio)" "$(cat $PRIO/prio/net_prio.prioidx)"
check "ifpriomap lists lo with 0" has_line "$(cat $PRIO/prio/net_prio.ifpriomap)" "lo 0"
echo "lo 5" > $PRIO/prio/net_prio.ifpriomap
check "ifpriomap 'lo 5' reads back lo 5" has_line "$(cat $PRIO/prio/net_prio.ifpriomap)" "lo 5"
check "an unknown interface is ENODEV" fails_with "No such device" $PRIO/prio/net_prio.ifpriomap "nosuch0 3"
check "a missing priority is EINVAL" fails_with "Invalid argument" $PRIO/prio/net_prio.ifpriomap "lo"
mkdir $PRIO/prio/sub
check "a new child inherits lo 5" has_line "$(cat $PRIO/prio/sub/net_prio.ifpriomap)" "lo 5"
echo "lo 0" > $PRIO/prio/net_prio.ifpriomap
check "lo 0 resets it" has_line "$(cat $PRIO/prio/net_prio.ifpriomap)" "lo 0"

# The kept values live on the v2 groups: a new daemon serves them as they were. This one
# also serves rdma and misc, which the distributions' layout (the defaults) leaves out.
stop_daemon
cat > /tmp/views.yaml <<EOF
views:
  - { flavor: cgroup-v1, subsystems: [memory], mount: /run/cgcompat/cgroup/memory }
  - { flavor: cgroup-v1, subsystems: [hugetlb], mount: $HUGE }
  - flavor: cgroup-v1
    subsystems: [net_cls, net_prio]
    mount: /run/cgcompat/cgroup/net_cls,net_prio
    links: [$CLS, $PRIO]
  - { flavor: cgroup-v1, subsystems: [perf_event], mount: $PERF }
  - { flavor: cgroup-v1, subsystems: [rdma], mount: $RDMA }
  - { flavor: cgroup-v1, subsystems: [misc], mount: $MISC }
EOF
start_daemon /tmp/views.yaml
check "after a restart classid still reads 1048577" is 1048577 "$(cat $CLS/tagged/net_cls.classid)"
check "after a restart sub's ifpriomap still has lo 5" has_line "$(cat $PRIO/prio/sub/net_prio.ifpriomap)" "lo 5"
check "after a restart the 2MB limit is still one huge page" is $MB2 "$(cat $HUGE/big/hugetlb.2MB.limit_in_bytes)"

# --- perf_event: a hierarchy with the core files only ---
check "the perf_event view is served" test -f $PERF/tasks
check "with no perf_event.* file" test -z "$(ls $PERF | grep '^perf_event\.')"

# --- rdma and misc: their v2 files, bytes for bytes (this VM has no RDMA device, no misc resource) ---
check "the rdma view is served" test -f $RDMA/tasks
check "the misc view is served" test -f $MISC/tasks
check "rdma.max is not on the root" test ! -e $RDMA/rdma.max
mkdir $RDMA/r
check "rdma.max reads what v2 has (nothing: no device)" is "$(cat $V2/r/rdma.max)" "$(cat $RDMA/r/rdma.max)"
check "rdma.current likewise" is "$(cat $V2/r/rdma.current)" "$(cat $RDMA/r/rdma.current)"
check "rdma.max for a device that is not there is ENODEV, as in v2" fails_with "No such device" \
        $RDMA/r/rdma.max "mlx4_0 hca_handle=2 hca_object=2000"
check "misc.capacity at the view root is readable" cat $MISC/misc.capacity
check "misc.capacity is what the cgroup2 root says" is "$(cat /sys/fs/cgroup/misc.capacity)" \
        "$(cat $MISC/misc.capacity)"
check "misc.max is not on the root" test ! -e $MISC/misc.max
check "misc.current is on the root" test -f $MISC/misc.current
mkdir $MISC/m
check "misc.capacity is only at the root" test ! -e $MISC/m/misc.capacity
check "misc.current reads what v2 has" is "$(cat $V2/m/misc.current)" "$(cat $MISC/m/misc.current)"
check "misc.events reads what v2 has" is "$(cat $V2/m/misc.events)" "$(cat $MISC/m/misc.events)"
check "misc.max of a resource with no capacity is EINVAL, as in v2" fails_with "Invalid argument" \
        $MISC/m/misc.max "sev 1"
check "rdma and misc hold their own groups, as two v1 hierarchies" test ! -e $MISC/r -a ! -e $RDMA/m -a -d $V2/r -a -d $V2/m

check "cgcompatd exits 0 on SIGTERM" stop_daemon
log_if_failed
summary
