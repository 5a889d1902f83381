#!/bin/sh
# Issue 14: Debian's runc, a Go program with a cgroup v1 manager (libcontainer/cgroups/fs),
# unchanged, runs a container under `cgcompatctl exec` on a pure v2 kernel: it must find the
# v1 hierarchies (statfs magic of /sys/fs/cgroup and of each view, mountinfo) and drive the
# views, and what it sets must hold in v2. Every runc command runs under exec.
#
#   BUILD=build tests/vm/run-vm.sh tests/vm/t_runc.sh "$(tests/vm/fetch-runc.sh)"
#
# vm-files: tests/vm/fetch-runc.sh
#
# The bundle: a busybox rootfs; config.json written out below with linux.resources (64M of
# memory, a 50000/100000 cpu quota, 32 pids, devices: deny all, allow /dev/null c 1:3 rwm and
# /dev/ram1 b 1:1 r), /dev/ram0 and /dev/ram1 (brd) as linux.devices, cgroupsPath /runc-ct.
# runc adds its own allowed devices (specconv.AllowedDevices: null, zero, full, random,
# urandom, tty, ptmx, pts, and mknod of any), so the denied device is /dev/ram0 (b 1:0).
# The VM's root is the initramfs, where pivot_root(2) fails: runc runs with --no-pivot.
# First the control: the same bundle outside exec, where runc sees cgroup2 and uses its v2
# manager, so a failure under exec is the layout's, not the bundle's or runc's.
# shellcheck source=tests/vm/lib.sh
. /opt/test/lib.sh

R=/opt/test/runc
L=/run/cgcompat/cgroup
ID=ct
CG=runc-ct
if [ ! -x $R/usr/sbin/runc ]; then
        not_ok "runc in the VM: pass \"\$(tests/vm/fetch-runc.sh)\" to run-vm.sh"
        summary
        exit
fi
# runc re-executes itself (runc init) with an environment of its own: libseccomp goes where
# the loader looks by default, beside the VM's libc.
libc_dir=/lib/x86_64-linux-gnu
[ -e $libc_dir/libc.so.6 ] || libc_dir=/lib64
cp -a $R/usr/lib/*/libseccomp.so.2* "$libc_dir/"
cp $R/usr/sbin/runc /usr/bin/runc
[ -e /usr/bin/libcgcompat-preload.so ] || cp /opt/test/libcgcompat-preload.so /usr/bin/ 2>/dev/null
check "runc --version runs" sh -c 'runc --version | sed "s/^/  # /"'

start_daemon
require "the daemon serves the memory view" test -f $L/memory/tasks

# --- The bundles: one rootfs, a config.json each
B=/tmp/bundle
mkdir -p /tmp/rootfs/bin /tmp/rootfs/proc /tmp/rootfs/dev /tmp/rootfs/tmp /tmp/rootfs/sys
cp /bin/busybox /tmp/rootfs/bin/busybox
for a in sh sleep cat head echo ls wc; do ln -s busybox /tmp/rootfs/bin/$a; done
# bundle DIR CGROUPS_PATH [MOUNTS [LINUX [TOP]]]: the last three are JSON members added to
# "mounts", to "linux" and to the top level, each with its leading comma.
bundle() {
        mkdir -p "$1"
        cat >"$1/config.json" <<JSON
{
  "ociVersion": "1.0.2-dev",
  "process": {
    "terminal": false,
    "user": { "uid": 0, "gid": 0 },
    "args": [ "/bin/sleep", "3600" ],
    "env": [ "PATH=/bin" ],
    "cwd": "/",
    "capabilities": {
      "bounding": [ "CAP_KILL", "CAP_AUDIT_WRITE", "CAP_NET_BIND_SERVICE" ],
      "effective": [ "CAP_KILL", "CAP_AUDIT_WRITE", "CAP_NET_BIND_SERVICE" ],
      "permitted": [ "CAP_KILL", "CAP_AUDIT_WRITE", "CAP_NET_BIND_SERVICE" ]
    },
    "noNewPrivileges": true
  },
  "root": { "path": "/tmp/rootfs", "readonly": false },
  "hostname": "runc",
  "mounts": [
    { "destination": "/proc", "type": "proc", "source": "proc" },
    { "destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": [ "nosuid", "strictatime", "mode=755", "size=65536k" ] }$3
  ],
  "linux": {
    "cgroupsPath": "$2",
    "resources": {
      "devices": [
        { "allow": false, "access": "rwm" },
        { "allow": true, "type": "c", "major": 1, "minor": 3, "access": "rwm" },
        { "allow": true, "type": "b", "major": 1, "minor": 1, "access": "r" }
      ],
      "memory": { "limit": 67108864 },
      "cpu": { "quota": 50000, "period": 100000 },
      "pids": { "limit": 32 }
    },
    "devices": [
      { "path": "/dev/ram0", "type": "b", "major": 1, "minor": 0, "fileMode": 432, "uid": 0, "gid": 0 },
      { "path": "/dev/ram1", "type": "b", "major": 1, "minor": 1, "fileMode": 432, "uid": 0, "gid": 0 }
    ],
    "namespaces": [ { "type": "pid" }, { "type": "ipc" }, { "type": "uts" }, { "type": "mount" } ]$4
  }$5
}
JSON
}
# Under exec, runc's v1 manager mounts the container's cgroups as on a v1 host: a tmpfs on
# /sys/fs/cgroup and a bind of the container's group of each hierarchy it finds in mountinfo.
bundle $B /$CG ',
    { "destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": [ "nosuid", "noexec", "nodev", "relatime" ] }'
bundle /tmp/bundle-native /runc-native
require "brd's /dev/ram0 and /dev/ram1 exist in the VM" test -b /dev/ram0 -a -b /dev/ram1

# crun ARGS...: runc under cgcompatctl exec; its output (stdout and stderr) and status. Killed
# after 120 s, so that one hung command fails its checks, not the whole VM run.
crun() { timeout -s KILL 120 cgcompatctl exec -- runc "$@" 2>&1; }
# cexec LINE: LINE in the container (runc exec ... sh -c LINE).
cexec() { crun exec $ID /bin/sh -c "$1"; }
# state: the "status" of runc state.
state() { crun state $ID | sed -n 's/^ *"status": "\(.*\)",*$/\1/p'; }
# in_state STATUS: runc state says STATUS (for wait_for, which runs it again each time).
in_state() { [ "$(state)" = "$1" ]; }

# The control: outside exec, runc sees the machine as it is, cgroup2 at /sys/fs/cgroup, and
# uses its v2 manager (the bundle and runc work in this VM; the group is not below the views).
timeout -s KILL 120 runc run --no-pivot -d --bundle /tmp/bundle-native native </dev/null >/tmp/runc-native.log 2>&1
status=$?
sed 's/^/  # runc run (outside exec): /' /tmp/runc-native.log
check "outside exec: runc run -d native" is 0 $status
npid=$(runc state native 2>/dev/null | sed -n 's/^ *"pid": \([0-9]*\),*$/\1/p')
check "outside exec: runc's v2 manager put the container in /runc-native" is "0::/runc-native" "$(cat /proc/${npid:-0}/cgroup)"
check "outside exec: v2 memory.max of /runc-native" is 67108864 "$(cat /sys/fs/cgroup/runc-native/memory.max)"
check "outside exec: no view has /runc-native" test ! -e $L/memory/runc-native -a ! -e $V2/runc-native
runc kill native KILL >/dev/null 2>&1
check "outside exec: runc kill, runc delete" wait_for runc delete native
check "outside exec: /runc-native is gone" test ! -e /sys/fs/cgroup/runc-native

# Under exec. runc run -d: runc's stdio are the container's, kept in a file.
timeout -s KILL 120 cgcompatctl exec -- runc run --no-pivot -d --bundle $B $ID </dev/null >/tmp/runc-run.log 2>&1
status=$?
sed 's/^/  # runc run: /' /tmp/runc-run.log
require "runc run -d --bundle $B $ID under exec" is 0 $status
check "runc state: running" is running "$(state)"
pid=$(crun state $ID | sed -n 's/^ *"pid": \([0-9]*\),*$/\1/p')
echo "  # container init: pid $pid"
require "the container's init has a pid" test -n "$pid" -a -d "/proc/$pid"

# --- Where it runs: the v2 group behind the legacy path.
check "the init's 0:: line is the v2 group behind /$CG" is "0::/cgcompat/$CG/.tasks" "$(cat /proc/$pid/cgroup)"
check "the v2 group lists the init" grep -qx "$pid" $V2/$CG/.tasks/cgroup.procs
for v in memory cpu,cpuacct pids devices freezer; do
        check "$v view: /$CG lists the init in tasks" grep -qx "$pid" "$L/$v/$CG/tasks"
done
out=$(crun ps --format json $ID)
check "runc ps --format json: [$pid]" is "[$pid]" "$out"
# runc exec -d: a second process, which runc joins to every path of the container.
crun exec -d $ID /bin/sleep 3600 </dev/null >/dev/null 2>&1
out=$(crun ps --format json $ID)
epid=$(printf '%s' "$out" | tr -d '[]' | tr ',' '\n' | grep -vx "$pid" | head -n 1)
check "runc exec -d: runc ps lists two processes [$out]" is 2 "$(printf '%s' "$out" | tr ',' '\n' | grep -c '[0-9]')"
check "runc exec -d: the process is in the same v2 group" is "0::/cgcompat/$CG/.tasks" "$(cat /proc/"${epid:-0}"/cgroup)"
check "runc exec -d: pids.current 2 in v2" is 2 "$(cat $V2/$CG/pids.current)"

# --- In the container, under exec: the v1 layout at /sys/fs/cgroup, its own group as the root of
# each hierarchy (runc's binds), and the supervisor's answers for its processes (busybox is static).
in_container_layout() { # LABEL GROUP: what a v1 container host showed its containers
        mi=$(cexec 'cat /proc/self/mountinfo' | awk '$5 == "/sys/fs/cgroup/memory"')
        echo "  # $1: memory in mountinfo: $mi"
        check "$1: the memory hierarchy is a cgroup mount, rooted at its group" \
                sh -c 'case "$1" in *" $2 /sys/fs/cgroup/memory "*" - cgroup cgroup "*memory*) exit 0 ;; esac; exit 1' sh "$mi" "$2"
        check "$1: memory.limit_in_bytes at its root" is 67108864 "$(cexec 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes')"
        check "$1: cpu.cfs_quota_us at its root" is 50000 "$(cexec 'cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us')"
        echo "  # $1: /proc/self/cgroup: $(cexec 'cat /proc/self/cgroup' | tr '\n' ' ')"
        check "$1: /proc/self/cgroup names its group in memory" \
                sh -c 'printf "%s\n" "$1" | grep -q "^[0-9]*:memory:$2\$"' sh "$(cexec 'cat /proc/self/cgroup')" "$2"
        check "$1: statfs of a hierarchy is CGROUP_SUPER_MAGIC" is 27e0eb "$(cexec 'stat -f -c %t /sys/fs/cgroup/memory')"
        check "$1: statfs of /sys/fs/cgroup is tmpfs" is 1021994 "$(cexec 'stat -f -c %t /sys/fs/cgroup')"
        check "$1: its init, pid 1 there, in its group's tasks" \
                sh -c 'printf "%s\n" "$1" | grep -qx 1' sh "$(cexec 'cat /sys/fs/cgroup/memory/tasks')"
}
in_container_layout "under exec" /$CG

# --- The limits, converted in v2.
check "v2 memory.max" is 67108864 "$(cat $V2/$CG/memory.max)"
check "v2 cpu.max" is "50000 100000" "$(cat $V2/$CG/cpu.max)"
check "v2 pids.max" is 32 "$(cat $V2/$CG/pids.max)"
check "memory view: memory.limit_in_bytes" is 67108864 "$(cat $L/memory/$CG/memory.limit_in_bytes)"
check "cpu view: cpu.cfs_quota_us" is 50000 "$(cat "$L/cpu,cpuacct/$CG/cpu.cfs_quota_us")"
check "pids view: pids.max" is 32 "$(cat $L/pids/$CG/pids.max)"
out=$(cat $L/devices/$CG/devices.list | tr '\n' '|')
echo "  # devices.list: $out"
check "devices view: devices.list has no a *:* rwm (deny-all mode)" \
        sh -c 'test -f "$1" && ! grep -qx "a \*:\* rwm" "$1"' sh $L/devices/$CG/devices.list
check "devices view: devices.list allows c 1:3 rwm" grep -qx "c 1:3 rwm" $L/devices/$CG/devices.list

# --- The device program holds in the container.
out=$(cexec 'cat /dev/null && echo null-ok')
check "in the container: cat /dev/null works [$out]" is null-ok "$out"
out=$(cexec 'head -c 512 /dev/ram1 | wc -c')
check "in the container: /dev/ram1 (b 1:1 r allowed) reads [$out]" is 512 "$(echo $out)"
out=$(cexec 'head -c 1 /dev/ram0 >/dev/null')
status=$?
check "in the container: /dev/ram0 (denied) fails [$out]" test $status -ne 0
check "in the container: /dev/ram0 gets EPERM" sh -c 'case "$1" in *"$2"*) exit 0 ;; esac; exit 1' sh "$out" "$EPERM"
out=$(cexec 'echo x > /dev/ram1' 2>&1)
check "in the container: /dev/ram1 is not writable (r only) [$out]" sh -c 'case "$1" in *"$2"*) exit 0 ;; esac; exit 1' sh "$out" "$EPERM"

# --- runc events --stats: memory usage and pids from the views.
out=$(crun events --stats $ID)
echo "  # events --stats: $(printf '%s' "$out" | head -c 600)"
pids_json=$(printf '%s' "$out" | sed -n 's/.*"pids":\({[^}]*}\).*/\1/p')
check "events --stats: pids {current 2, limit 32}" is '{"current":2,"limit":32}' "$pids_json"
mem_limit=$(printf '%s' "$out" | sed -n 's/.*"memory":{"usage":{[^}]*"limit":\([0-9]*\).*/\1/p')
mem_usage=$(printf '%s' "$out" | sed -n 's/.*"memory":{"usage":{\([^}]*\)}.*/\1/p' | sed -n 's/.*"usage":\([0-9]*\).*/\1/p')
check "events --stats: memory usage limit 67108864" is 67108864 "$mem_limit"
check "events --stats: memory usage > 0 [$mem_usage]" at_least "${mem_usage:-0}" 1
check "events --stats: memory usage is v2's memory.current" at_most "${mem_usage:-0}" $(($(cat $V2/$CG/memory.current) + 1048576))

# --- pause / resume: the freezer, v2's cgroup.freeze.
out=$(crun pause $ID)
check "runc pause [$out]" test -z "$out"
check "paused: v2 cgroup.freeze 1" is 1 "$(cat $V2/$CG/cgroup.freeze)"
check "paused: v2 cgroup.events frozen 1" is 1 "$(v2_key $V2/$CG/cgroup.events frozen)"
check "paused: freezer.state FROZEN" is FROZEN "$(cat $L/freezer/$CG/freezer.state)"
check "runc state: paused" is paused "$(state)"
out=$(crun resume $ID)
check "runc resume [$out]" test -z "$out"
check "resumed: v2 cgroup.freeze 0" is 0 "$(cat $V2/$CG/cgroup.freeze)"
check "resumed: freezer.state THAWED" is THAWED "$(cat $L/freezer/$CG/freezer.state)"
check "runc state: running again" is running "$(state)"

# --- kill, delete: nothing left, in any view or in v2.
out=$(crun kill $ID KILL)
check "runc kill $ID KILL [$out]" test -z "$out"
check "the init is gone" wait_for sh -c '! test -d /proc/$1' sh "$pid"
check "runc state: stopped" wait_for in_state stopped
out=$(crun delete $ID)
check "runc delete [$out]" test -z "$out"
check "runc state fails after delete" sh -c '! cgcompatctl exec -- runc state ct >/dev/null 2>&1'
for v in "$L"/*/; do
        check "no /$CG left in the $(basename "$v") view" test ! -e "$v$CG"
done
check "no /$CG left in v2" test ! -e $V2/$CG

# --- A container of the stock runtime, not under exec: runc's v2 manager makes its group in the
# tree, the createRuntime hook (cgcompatctl oci-hook) mounts its groups of the views on its
# /sys/fs/cgroup, and the seccomp agent (linux.seccomp.listenerPath) answers for its processes.
AGENT_SOCK=/run/cgcompat/seccomp-agent.sock
cgcompatctl seccomp-agent $AGENT_SOCK >/tmp/agent.log 2>&1 &
agent=$!
wait_for test -S $AGENT_SOCK
ID=agent CG=runc-agent
bundle /tmp/bundle-agent /cgcompat/$CG '' ',
    "seccomp": { "defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "'$AGENT_SOCK'",
      "architectures": [ "SCMP_ARCH_X86_64" ],
      "syscalls": [ { "names": [ "open", "openat", "openat2", "statfs", "fstatfs" ], "action": "SCMP_ACT_NOTIFY" } ] }' ',
  "hooks": { "createRuntime": [ { "path": "/usr/bin/cgcompatctl", "args": [ "cgcompatctl", "oci-hook" ] } ] }'
crun() { timeout -s KILL 120 runc "$@" 2>&1; }
timeout -s KILL 120 runc run --no-pivot -d --bundle /tmp/bundle-agent $ID </dev/null >/tmp/runc-agent.log 2>&1
status=$?
sed 's/^/  # runc run (hook and agent): /' /tmp/runc-agent.log
require "stock runc run -d with the hook and the agent" is 0 $status
check "the v2 group is in the tree, every view has it" test -d $V2/$CG -a -d $L/memory/$CG -a -d "$L/cpu,cpuacct/$CG"
in_container_layout "hook and agent" /$CG
crun kill $ID KILL >/dev/null
check "runc delete" wait_for sh -c 'runc delete agent >/dev/null 2>&1'
check "no /$CG left in v2" wait_for test ! -e $V2/$CG
# The agent's processes by their command line (busybox has no pgrep): the agent, and a child per container.
agent_processes() {
        for p in /proc/[0-9]*; do tr '\0' ' ' <"$p/cmdline" 2>/dev/null; echo; done | grep -c '^cgcompatctl seccomp-agent '
}
one_agent_process() { [ "$(agent_processes)" = 1 ]; }
check "the agent's supervisor of the container ended with it" wait_for one_agent_process
kill $agent
sed 's/^/  # agent: /' /tmp/agent.log

stop_daemon
log_if_failed
summary
