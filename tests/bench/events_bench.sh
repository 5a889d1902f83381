#!/bin/sh
# The memory event API's figures on a pure v2 kernel, in the VM (busybox sh, run by
# tests/vm/run-vm.sh from `make bench-events`, which `make bench` runs too): latency of
# OOM and pressure events after v2's own notification, of a threshold crossing, and the
# daemon's CPU with 1,000 idle threshold registrations. Prints "events: ..." lines.
# vm-files: echo "${BUILD:-build}/events_bench"
. /opt/test/lib.sh
M=/run/cgcompat/cgroup/memory
B=/opt/test/events_bench
ROUNDS=${EVENTS_ROUNDS:-30}

# Three fds per registration in the daemon: the VM's init gives 4,096 (the unit gives 1,048,576).
ulimit -n 65536
start_daemon
require "the memory view is served" test -f $M/cgroup.event_control
echo "# daemon pid $daemon, $(nproc) CPUs, kernel $(uname -r)"
mkdir $M/oom $M/pressure $M/threshold $M/cost
$B oom $M/oom $V2/oom "$ROUNDS"
# Pressure is reclaim: clean page cache of a file on a ram disk, read through a 32M group.
brd=$(grep '/brd\.ko' /etc/vm-modules)
if [ -n "$brd" ] && { rmmod brd 2>/dev/null; insmod "$brd" rd_nr=1 rd_size=131072; } &&
        mke2fs -q /dev/ram0 >/dev/null 2>&1 && mkdir -p /mnt/disk && mount /dev/ram0 /mnt/disk; then
        dd if=/dev/zero of=/mnt/disk/big bs=1M count=96 2>/dev/null
        sync
        echo 3 >/proc/sys/vm/drop_caches # else the page cache dd left is the root's, and reads charge nothing
        $B pressure $M/pressure $V2/pressure 10 /mnt/disk/big
else
        echo "pressure: no ram disk with a file system (brd, mke2fs): not measured"
fi
$B threshold $M/threshold "$ROUNDS"
$B cost $M/cost "${EVENTS_GROUPS:-1000}" 10 $daemon
cat /run/cgcompat/memory-events
stop_daemon
