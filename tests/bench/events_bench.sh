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
$B pressure $M/pressure $V2/pressure 10
$B threshold $M/threshold "$ROUNDS"
$B cost $M/cost "${EVENTS_GROUPS:-1000}" 10 $daemon
cat /run/cgcompat/memory-events
stop_daemon
