#!/bin/sh
# PID 1 of the test VM (busybox sh). tests/vm/run-vm.sh puts it at /init.
#
# Mounts proc, sys, devtmpfs and cgroup2 at /sys/fs/cgroup (pure v2), enables every
# available controller in the root's cgroup.subtree_control, loads the modules listed in
# /etc/vm-modules, runs the test script named in /etc/vm-test.conf as a child with its
# output on /dev/ttyS1, then prints CGCOMPAT-VM-EXIT=<code> there and powers off.
# The kernel's own console is /dev/ttyS0: run-vm.sh keeps it in a log file.

/bin/busybox mount -t devtmpfs devtmpfs /dev
exec </dev/null >/dev/ttyS1 2>&1
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb

say() { echo "vm-init: $*"; }
# Init must never exit: the kernel would panic. Leave through poweroff or reboot.
halt() {
        kill -TERM -1 2>/dev/null; sleep 0.2; kill -KILL -1 2>/dev/null
        echo "CGCOMPAT-VM-EXIT=$1"
        sync
        poweroff -f; reboot -f
        while :; do sleep 1; done
}
must() { "$@" || { say "failed: $*"; halt 125; }; }

must mount -t proc proc /proc
must mount -t sysfs sysfs /sys
mkdir -p /dev/pts /dev/shm /tmp /run /root
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
ln -sf /proc/self/mounts /etc/mtab
hostname cgcompat-vm

. /etc/vm-test.conf
must mount -t cgroup2 -o "$VM_CGROUP_OPTS" cgroup2 /sys/fs/cgroup
for c in $(cat /sys/fs/cgroup/cgroup.controllers); do
        echo "+$c" >/sys/fs/cgroup/cgroup.subtree_control || say "cannot enable controller $c"
done

while read -r m; do
        [ -n "$m" ] && { must insmod "$m"; }
done </etc/vm-modules
[ -c /dev/fuse ] || say "no /dev/fuse"

cd /opt/test || halt 125
read -r up _ </proc/uptime
echo "vm-init: test starts at uptime $up" >/dev/kmsg
# The test is a child of PID 1, with the environment of a root shell.
sh "$VM_SCRIPT" </dev/null
rc=$?
read -r up _ </proc/uptime
echo "vm-init: test ends at uptime $up" >/dev/kmsg
halt $rc
