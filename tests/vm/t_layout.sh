#!/bin/sh
# The legacy layout on a pure v2 machine: a legacy script run through cgcompatctl exec finds the
# distributions' /sys/fs/cgroup (views, links, unified), while the machine keeps its cgroup2 mount.
# shellcheck source=tests/vm/lib.sh
. /opt/test/lib.sh

cgcompatd >/tmp/d.log 2>&1 &
daemon=$!
wait_for test -e /run/cgcompat/cgroup/systemd/tasks

# is_fs PATH TYPE: busybox names few magics, so compare them in hex.
is_fs() {
        case $2 in cgroup2) magic=63677270 ;; tmpfs) magic=1021994 ;; esac
        [ "$(stat -f -c %t "$1")" = "$magic" ] || { echo "# $1 has magic $(stat -f -c %t "$1")"; false; }
}
check "the machine's /sys/fs/cgroup is cgroup2" is_fs /sys/fs/cgroup cgroup2
check "the legacy root is a tmpfs" is_fs /run/cgcompat/cgroup tmpfs

# unified is a view too, of cgcompat's tree: static busybox, out of the preload's reach but not
# of exec's seccomp supervisor, sees the cgroup2 magic a hybrid host's unified mount has.
layout=$(cgcompatctl exec -- sh -c 'ls /sys/fs/cgroup | tr "\n" " "; stat -f -c %t /sys/fs/cgroup/unified')
echo "# inside: $layout"
check "the distributions' layout inside exec" has_line "$layout" \
        "blkio cpu cpu,cpuacct cpuacct cpuset devices freezer hugetlb memory net_cls net_cls,net_prio net_prio perf_event pids systemd unified 63677270"

# A legacy script, unchanged: it uses /sys/fs/cgroup/<controller> paths only.
cat > /tmp/legacy.sh <<'SCRIPT'
set -e
mkdir /sys/fs/cgroup/cpu/job
# Each hierarchy has its own groups, as on v1: the same name is made in each.
mkdir /sys/fs/cgroup/memory/job
echo 512 > /sys/fs/cgroup/cpu/job/cpu.shares
echo 64M > /sys/fs/cgroup/memory/job/memory.limit_in_bytes
echo $$ > /sys/fs/cgroup/cpu/job/tasks
echo $$ > /sys/fs/cgroup/memory/job/tasks
cat /sys/fs/cgroup/cpu/job/cpu.shares /sys/fs/cgroup/memory/job/memory.limit_in_bytes
grep -c . /sys/fs/cgroup/cpuacct/job/tasks
SCRIPT
out=$(cgcompatctl exec -- sh /tmp/legacy.sh 2>&1)
echo "# script: $(echo $out)"
check "the script's writes read back" test "$(echo $out)" = "512 67108864 2"
check "v2 cpu.weight of job is 50" test "$(cat /sys/fs/cgroup/cgcompat/job/cpu.weight)" = 50
check "v2 memory.max of job is 64M" test "$(cat /sys/fs/cgroup/cgcompat/job/memory.max)" = 67108864
check "the machine's /sys/fs/cgroup is still cgroup2 after" is_fs /sys/fs/cgroup cgroup2
check "unified in exec has no controllers" test -z "$(cgcompatctl exec -- cat /sys/fs/cgroup/unified/cgroup.controllers)"
check "unified in exec is not the machine's cgroup2 (no cgcompat tree in it)" \
        cgcompatctl exec -- test ! -e /sys/fs/cgroup/unified/cgcompat
check "rmdir through the cpu view" rmdir /run/cgcompat/cgroup/cpu/job
check "the group stays in v2 for the memory view" test -d /sys/fs/cgroup/cgcompat/job
check "with the memory view's limit" test "$(cat /sys/fs/cgroup/cgcompat/job/memory.max)" = 67108864
check "rmdir through the memory view" rmdir /run/cgcompat/cgroup/memory/job
check "and the group is gone from v2" test ! -e /sys/fs/cgroup/cgcompat/job

kill -TERM $daemon; wait $daemon
check "cgcompatd exits 0 on SIGTERM" test $? = 0
check "the legacy root is unmounted" test -z "$(awk '$2 == "/run/cgcompat/cgroup"' /proc/mounts)"
summary
