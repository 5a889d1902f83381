#!/bin/sh
# Issue 14: every legacy program finds the v1 layout under `cgcompatctl exec`, not only the
# dynamically linked ones LD_PRELOAD reaches. Programs built on the host by
# tests/vm/build-progs.sh (in /opt/test/vm-progs):
#   hotspot_probe  static C: HotSpot's lookup (/proc/cgroups, /proc/self/cgroup, mountinfo's
#                  " - cgroup " lines and super options) and the limits a JVM reads
#   v1probe        static Go: runc's and automaxprocs' lookup (statfs magic of /sys/fs/cgroup,
#                  of each hierarchy and of unified/, mountinfo, /proc/self/cgroup, the quota)
#   runas          runas UID GID CMD...: drops to UID and GID, then runs CMD
#   hotspot_probe_dyn  hotspot_probe dynamically linked, the control (LD_PRELOAD reaches it)
# and a setuid-root copy of hotspot_probe run by an unprivileged user. Outside exec, the same
# programs see the machine as it is: pure cgroup v2, the views as fuse.cgcompat.
#
#   BUILD=build tests/vm/run-vm.sh tests/vm/t_legacy_progs.sh "$(tests/vm/build-progs.sh)"
#
# vm-files: tests/vm/build-progs.sh
# shellcheck source=tests/vm/lib.sh
. /opt/test/lib.sh

P=/opt/test/vm-progs
L=/run/cgcompat/cgroup
if [ ! -x $P/hotspot_probe ] || [ ! -x $P/v1probe ] || [ ! -x $P/runas ]; then
        not_ok "the probes in the VM: pass \"\$(tests/vm/build-progs.sh)\" to run-vm.sh"
        summary
        exit
fi
# cgcompatctl exec looks for the preload library beside itself (the static probes ignore it).
[ -e /usr/bin/libcgcompat-preload.so ] || cp /opt/test/libcgcompat-preload.so /usr/bin/ 2>/dev/null

start_daemon
require "the daemon serves the memory view" test -f $L/memory/tasks

# --- The group: 64M, half a CPU, set through the views, checked in v2.
require "mkdir memory/grp" mkdir $L/memory/grp
require "mkdir cpu,cpuacct/grp" mkdir -p "$L/cpu,cpuacct/grp"
check "memory.limit_in_bytes = 64M" is ok "$(write_err 64M $L/memory/grp/memory.limit_in_bytes)"
check "cpu.cfs_quota_us = 50000" is ok "$(write_err 50000 "$L/cpu,cpuacct/grp/cpu.cfs_quota_us")"
check "v2 memory.max 67108864" is 67108864 "$(cat $V2/grp/memory.max)"
check "v2 cpu.max 50000 100000" is "50000 100000" "$(cat $V2/grp/cpu.max)"

exec_opt=
# legacy CMD...: CMD under `cgcompatctl exec -g memory:/grp`, from a shell that joins
# cpu,cpuacct:/grp first (the legacy path, in exec's mount namespace); output and status.
# $exec_opt: an option of exec's more. Killed after 60 s: a hang fails its checks, not the
# whole VM run.
legacy() {
        # shellcheck disable=SC2086
        timeout -s KILL 60 cgcompatctl exec $exec_opt -g memory:/grp -- sh -c \
                'echo $$ > "/sys/fs/cgroup/cpu,cpuacct/grp/tasks" || { echo "error=cannot join cpu"; exit 99; }; exec "$@"' \
                sh "$@" 2>&1
}
# val KEY: the value of KEY in $out ("key=value" lines); "<none>" without one.
val() { printf '%s\n' "$out" | awk -v k="$1" 'index($0, k "=") == 1 { v = substr($0, length(k) + 2); n++ } END { print n ? v : "<none>" }'; }
# expect KEY VALUE...: one check per pair, on $out, named after $what.
expect() {
        while [ $# -ge 2 ]; do
                check "$what: $1=$2" is "$2" "$(val "$1")"
                shift 2
        done
}
show() { printf '%s\n' "$out" | sed "s|^|  # $what: |"; }

# --- 1. A static C program, HotSpot's way.
out=$(legacy $P/hotspot_probe)
status=$?
what="hotspot_probe under exec"
show
check "$what: exit 0" is 0 $status
expect error "<none>" cgroups v1 \
        memory.root / memory.mount /sys/fs/cgroup/memory memory.cgroup /grp memory.path /sys/fs/cgroup/memory/grp \
        cpu.root / cpu.mount /sys/fs/cgroup/cpu,cpuacct cpu.cgroup /grp cpu.path /sys/fs/cgroup/cpu,cpuacct/grp \
        memory.limit_in_bytes 67108864 cpu.cfs_quota_us 50000 cpu.cfs_period_us 100000 cpus 1 uid 0 euid 0
check "$what: memory and cpu are distinct hierarchies" test "$(val memory.hierarchy)" != "$(val cpu.hierarchy)" -a \
        "$(val memory.hierarchy)" != 0 -a "$(val cpu.hierarchy)" != 0

# The control: the same probe, dynamically linked, is shown that layout too: through exec's
# default way, and through the preload library (exec --preload where exec has the seccomp
# supervisor; before it, the preload was exec's only way).
preload_opt=
cgcompatctl help 2>&1 | grep -q 'exec --preload' && preload_opt=--preload
for opt in "" $preload_opt; do
        out=$(exec_opt=$opt legacy $P/hotspot_probe_dyn)
        status=$?
        what="hotspot_probe_dyn under exec${opt:+ $opt}"
        show
        check "$what: exit 0" is 0 $status
        expect error "<none>" cgroups v1 memory.root / memory.mount /sys/fs/cgroup/memory \
                memory.path /sys/fs/cgroup/memory/grp cpu.mount /sys/fs/cgroup/cpu,cpuacct \
                cpu.path /sys/fs/cgroup/cpu,cpuacct/grp memory.limit_in_bytes 67108864 cpu.cfs_quota_us 50000 \
                cpu.cfs_period_us 100000 cpus 1
done

# --- 2. A static Go program: runc's and automaxprocs' way.
out=$(legacy $P/v1probe)
status=$?
what="v1probe under exec"
show
check "$what: exit 0" is 0 $status
expect error "<none>" root.magic 0x1021994 root.tmpfs true unified.magic 0x63677270 mode hybrid \
        mounts "blkio cpu,cpuacct cpuset devices freezer hugetlb memory name=systemd net_cls,net_prio perf_event pids" \
        cpu.mount /sys/fs/cgroup/cpu,cpuacct cpu.root / cpu.magic 0x27e0eb cpu.default /sys/fs/cgroup/cpu,cpuacct \
        cpu.cgroup /grp cpu.path /sys/fs/cgroup/cpu,cpuacct/grp \
        memory.mount /sys/fs/cgroup/memory memory.root / memory.magic 0x27e0eb memory.default /sys/fs/cgroup/memory \
        memory.cgroup /grp memory.path /sys/fs/cgroup/memory/grp \
        pids.mount /sys/fs/cgroup/pids pids.magic 0x27e0eb pids.default /sys/fs/cgroup/pids pids.cgroup / \
        pids.path /sys/fs/cgroup/pids \
        cpu.cfs_quota_us 50000 cpu.cfs_period_us 100000 maxprocs 1 memory.limit_in_bytes 67108864 euid 0

# --- 3. setuid root, run by nobody: the same layout, euid 0.
cp $P/hotspot_probe /tmp/probe-setuid
chown 0:0 /tmp/probe-setuid
chmod 4755 /tmp/probe-setuid
check "probe-setuid is setuid root" is "4755 0" "$(stat -c '%a %u' /tmp/probe-setuid)"
out=$(legacy $P/runas 65534 65534 /tmp/probe-setuid)
status=$?
what="setuid probe run by 65534 under exec"
show
check "$what: exit 0" is 0 $status
expect error "<none>" cgroups v1 memory.path /sys/fs/cgroup/memory/grp cpu.path /sys/fs/cgroup/cpu,cpuacct/grp \
        memory.limit_in_bytes 67108864 cpu.cfs_quota_us 50000 cpu.cfs_period_us 100000 uid 65534 euid 0
# The control: runas drops for real, and without the setuid bit the layout is the same.
out=$(legacy $P/runas 65534 65534 $P/hotspot_probe)
status=$?
what="plain probe run by 65534 under exec"
show
check "$what: exit 0" is 0 $status
expect error "<none>" cgroups v1 memory.path /sys/fs/cgroup/memory/grp memory.limit_in_bytes 67108864 \
        cpu.cfs_quota_us 50000 uid 65534 euid 65534

# --- 5. A process not started through exec sees the machine as it is, while one that was runs.
cgcompatctl exec -g memory:/grp -- sleep 60 &
execed=$!
check "an exec'd process runs in grp meanwhile" wait_for grep -qx "$execed" $L/memory/grp/tasks
mi=$(cat /proc/self/mountinfo)
check "outside exec: mountinfo shows the views as fuse.cgcompat" \
        sh -c 'printf "%s\n" "$1" | grep -q " /run/cgcompat/cgroup/memory .* - fuse.cgcompat "' sh "$mi"
check "outside exec: mountinfo has no \" - cgroup \" line" sh -c '! printf "%s\n" "$1" | grep -q " - cgroup "' sh "$mi"
check "outside exec: /sys/fs/cgroup is cgroup2" \
        sh -c 'printf "%s\n" "$1" | grep -q " /sys/fs/cgroup .* - cgroup2 "' sh "$mi"
check "outside exec: statfs of a view is FUSE (65735546)" is 65735546 "$(stat -f -c %t $L/memory)"
check "outside exec: statfs of /sys/fs/cgroup is CGROUP2 (63677270)" is 63677270 "$(stat -f -c %t /sys/fs/cgroup)"
out=$($P/v1probe 2>&1)
status=$?
what="v1probe outside exec"
show
check "$what: fails (no v1 hierarchy)" is 1 $status
expect root.magic 0x63677270 unified.magic none mode unified mounts "" error "no cgroup mount for pids"
check "$what: its /proc/self/cgroup is the one 0:: line" is "0::/" "$(cat /proc/self/cgroup)"
out=$($P/hotspot_probe 2>&1)
status=$?
what="hotspot_probe outside exec"
show
check "$what: cgroups v2 (every hierarchy id 0)" is "1 v2" "$status $(val cgroups)"
stop $execed

stop_daemon
log_if_failed
summary
