#!/bin/sh
# Independent hierarchies over the one v2 tree, on a pure v2 kernel with every controller: each
# view holds its own groups (DESIGN.md invariant 3). The patterns legacy tools rely on: the same
# group made and removed per hierarchy (libcgroup's cgcreate/cgdelete, plain mkdir/rmdir under
# set -e), and systemd's legacy layout, a service deeper in name=systemd than in cpu,cpuacct.
# Every change is checked in v2 too: the v2 directory, its controller files, the 0:: line.
#
# vm-files: tests/vm/fetch-cgroup-tools.sh
. /opt/test/lib.sh

TOOLS=/opt/test/cgroup-tools
L=/run/cgcompat/cgroup
[ -e /usr/bin/libcgcompat-preload.so ] || cp /opt/test/libcgcompat-preload.so /usr/bin/ 2>/dev/null
start_daemon
require "the daemon serves the views" test -e $L/cpuset/tasks

# --- plain mkdir and rmdir in two hierarchies, as a set -e script does them
check "mkdir freezer/job" mkdir $L/freezer/job
check "mkdir devices/job (the same name, another hierarchy)" mkdir $L/devices/job
check "the v2 group is one" test -d $V2/job/.tasks
check "rmdir freezer/job" rmdir $L/freezer/job
check "devices/job is still there" test -d $L/devices/job
check "freezer/job is gone" test ! -e $L/freezer/job
check "the v2 group stays for devices" test -d $V2/job
check "rmdir devices/job" rmdir $L/devices/job
check "the v2 group is gone with the last view" test ! -e $V2/job

# --- libcgroup, one controller at a time (Debian's cgroup-tools, unchanged)
if [ -x "$TOOLS/usr/bin/cgcreate" ]; then
        LIBDIR=$(dirname "$(ls "$TOOLS"/lib/*/libcgroup.so.* | head -n 1)")
        legacy() { cgcompatctl exec -- env PATH="$TOOLS/usr/bin:$PATH" LD_LIBRARY_PATH="$LIBDIR" sh -c "$1"; }
        check "cgcreate -g memory,cpuset:X" legacy "cgcreate -g memory,cpuset:X"
        check "cgset -r memory.limit_in_bytes=64M X" legacy "cgset -r memory.limit_in_bytes=67108864 X"
        check "memory.max of X" is 67108864 "$(cat $V2/X/memory.max)"
        check "cgdelete -g memory:X" legacy "cgdelete -g memory:X"
        check "X is gone from the memory view" test ! -e $L/memory/X
        check "X is still in the cpuset view" test -d $L/cpuset/X
        check "the memory view's limit on X is back to max" is max "$(cat $V2/X/memory.max)"
        check "cgdelete -g cpuset:X (the group still exists there)" legacy "cgdelete -g cpuset:X"
        check "X is gone from v2" test ! -e $V2/X
else
        not_ok "cgroup-tools in the VM (vm-files)"
fi

# --- systemd's legacy layout: foo.service in name=systemd, only its slice in cpu,cpuacct
check "mkdir -p systemd/system.slice/foo.service" mkdir -p $L/systemd/system.slice/foo.service
check "mkdir cpu/system.slice" mkdir $L/cpu/system.slice
check "cpu.shares 512 on the slice" sh -c "echo 512 > $L/cpu/system.slice/cpu.shares"
sleep 60 &
svc=$!
check "attach through name=systemd's service" sh -c "echo $svc > $L/systemd/system.slice/foo.service/tasks"
check "attach through cpu's slice" sh -c "echo $svc > $L/cpu/system.slice/tasks"
check "v2: in the service's leaf" is "0::/cgcompat/system.slice/foo.service/.tasks" "$(grep ^0:: /proc/$svc/cgroup)"
check "v2: under the slice's cpu.weight 50" is 50 "$(cat $V2/system.slice/cpu.weight)"
check "cpu's slice lists it" is "$svc" "$(cat $L/cpu/system.slice/tasks)"
check "cpuacct (the same view) lists it at the slice" is "$svc" "$(cat $L/cpuacct/system.slice/tasks)"
check "name=systemd's service lists it" is "$svc" "$(cat $L/systemd/system.slice/foo.service/tasks)"
check "name=systemd's slice does not" is "" "$(cat $L/systemd/system.slice/tasks)"
check "the memory view, which has neither, shows it at its root" grep -qx "$svc" $L/memory/tasks
check "cpu has no foo.service" test ! -e $L/cpu/system.slice/foo.service
out=$(cgcompatctl pid $svc)
echo "$out" | sed 's/^/  # cgcompatctl pid: /'
check "cgcompatctl pid: name=systemd at the service" sh -c 'echo "$1" | grep -q "name=systemd:/system.slice/foo.service$"' sh "$out"
check "cgcompatctl pid: cpu,cpuacct at the slice" sh -c 'echo "$1" | grep -q "cpu,cpuacct:/system.slice$"' sh "$out"
if [ -x "$TOOLS/host-bin/cat" ]; then
        out=$(cgcompatctl exec -- "$TOOLS/host-bin/cat" /proc/$svc/cgroup)
        echo "$out" | sed 's/^/  # \/proc\/PID\/cgroup: /'
        check "/proc/PID/cgroup: name=systemd:/system.slice/foo.service" \
                sh -c 'echo "$1" | grep -q "^[0-9]*:name=systemd:/system.slice/foo.service$"' sh "$out"
        check "/proc/PID/cgroup: cpu,cpuacct:/system.slice" \
                sh -c 'echo "$1" | grep -q "^[0-9]*:cpu,cpuacct:/system.slice$"' sh "$out"
        check "/proc/PID/cgroup: memory:/" sh -c 'echo "$1" | grep -q "^[0-9]*:memory:/$"' sh "$out"
fi
rmdir $L/cpu/system.slice 2>/tmp/rmdir.err
check "rmdir of cpu's slice while the service runs: EBUSY" grep -q "$EBUSY" /tmp/rmdir.err
stop $svc
wait_for sh -c "grep -q '^populated 0' $V2/system.slice/cgroup.events"
check "rmdir cpu/system.slice" rmdir $L/cpu/system.slice
check "the slice's cpu.weight is back to 100 (name=systemd still holds it)" is 100 "$(cat $V2/system.slice/cpu.weight)"
check "rmdir the service and slice in name=systemd" rmdir $L/systemd/system.slice/foo.service $L/systemd/system.slice
check "nothing left in v2" test ! -e $V2/system.slice

log_if_failed
stop_daemon
summary
