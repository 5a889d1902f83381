#!/bin/sh
# libcgroup's own tools, Debian's cgroup-tools binaries unchanged, against cgcompat's views on
# a pure v2 kernel: they find the hierarchies in /proc/mounts, which libcgcompat-preload.so
# rewrites for everything `cgcompatctl exec` runs. Needs the tools and the library in the VM:
#
#   BUILD=build tests/vm/run-vm.sh tests/vm/t_libcgroup.sh \
#           "$(tests/vm/fetch-cgroup-tools.sh)" build/libcgcompat-preload.so
#
# vm-files: tests/vm/fetch-cgroup-tools.sh
#
# Every change is checked in v2 (the group's directory, its cpu.weight and memory.max, the
# 0:: line of /proc/PID/cgroup), not only through the tools.
. /opt/test/lib.sh

TOOLS=/opt/test/cgroup-tools
V2=/sys/fs/cgroup/cgcompat
if [ ! -x "$TOOLS/usr/bin/cgcreate" ]; then
        not_ok "cgroup-tools in the VM: pass \"\$(tests/vm/fetch-cgroup-tools.sh)\" to run-vm.sh"
        summary
        exit
fi
# cgcompatctl exec looks for the library beside itself.
[ -e /usr/bin/libcgcompat-preload.so ] || cp /opt/test/libcgcompat-preload.so /usr/bin/ 2>/dev/null
LIBDIR=$(dirname "$(ls "$TOOLS"/lib/*/libcgroup.so.* | head -n 1)")
export PATH="$TOOLS/usr/bin:$PATH" LD_LIBRARY_PATH="$LIBDIR"
CAT=$TOOLS/host-bin/cat   # dynamically linked: busybox is static, out of LD_PRELOAD's reach
STAT=$TOOLS/host-bin/stat

cgcompatd >/tmp/cgcompatd.log 2>&1 &
daemon=$!
wait_for test -e /run/cgcompat/cgroup/memory/tasks || { cat /tmp/cgcompatd.log; not_ok "daemon up"; summary; exit; }

# legacy CMD: CMD in the legacy layout (/sys/fs/cgroup is the views), with the preload.
legacy() { cgcompatctl exec -- sh -c "$1"; }
v1_types() { awk '$3 == "cgroup" { print $2, $4 }'; }

# --- the mount table, statfs and /proc/self/cgroup as legacy programs see them
out=$(legacy "$CAT /proc/self/mounts" | v1_types)
echo "$out" | sed 's/^/  # /'
check "/proc/self/mounts: cpu,cpuacct is a cgroup mount" \
        has_line "$out" "/sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime,cpu,cpuacct"
check "/proc/self/mounts: memory is a cgroup mount" \
        has_line "$out" "/sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime,memory"
check "/proc/self/mounts: name=systemd is a named cgroup mount" \
        has_line "$out" "/sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime,name=systemd"
check "/proc/self/mounts: no view left as fuse.cgcompat cgroup" \
        test -z "$(legacy "$CAT /proc/self/mounts" | awk '$3 == "fuse.cgcompat" && index($2, "/sys/fs/cgroup/") == 1')"
# A view bound at /sys/fs/cgroup too is shown once, there (tools/legacy_layout.c).
check "/proc/self/mounts: the only cgroup2 mount is the unified view's, as on a hybrid host" \
        test "$(legacy "$CAT /proc/self/mounts" | awk '$3 == "cgroup2" { print $1, $2, $4 }' | xargs)" = \
        "cgroup2 /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime"
out=$(legacy "$CAT /proc/self/mountinfo" | awk '$5 == "/sys/fs/cgroup/pids"')
check "/proc/self/mountinfo: pids is a cgroup mount [$out]" \
        sh -c 'case "$1" in *" - cgroup cgroup rw,pids") exit 0 ;; *) exit 1 ;; esac' sh "$out"
check "statfs in a view: CGROUP_SUPER_MAGIC" test "$(legacy "$STAT -f -c %t /sys/fs/cgroup/memory")" = 27e0eb
check "statfs of /sys/fs/cgroup: tmpfs, as on v1" test "$(legacy "$STAT -f -c %T /sys/fs/cgroup")" = tmpfs
check "statfs in the unified view: CGROUP2_SUPER_MAGIC" \
        test "$(legacy "$STAT -f -c %t /sys/fs/cgroup/unified")" = 63677270
check "outside exec: no cgroup mount in /proc/self/mounts" test -z "$($CAT /proc/self/mounts | v1_types)"
check "outside exec: the views are fuse.cgcompat" \
        test -n "$($CAT /proc/self/mounts | awk '$2 == "/run/cgcompat/cgroup/memory" && $3 == "fuse.cgcompat"')"
check "outside exec: statfs in a view is FUSE's" test "$($STAT -f -c %t /run/cgcompat/cgroup/memory)" = 65735546
# Out of LD_PRELOAD's reach, but not of exec's seccomp supervisor.
check "static busybox inside exec sees the v1 table too" \
        has_line "$(legacy "cat /proc/self/mounts" | v1_types)" "/sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime,memory"

# --- libcgroup: create, set, get, exec, classify, list, delete
# libcgroup 2.0.2 on a hybrid host lists the controllers no v1 hierarchy binds and none of the
# mounted ones (seen on a hybrid kernel: "net_cls perf_event net_prio hugetlb"); here rdma and
# misc are in no view.
out=$(legacy "lssubsys -am" 2>&1)
echo "$out" | sed 's/^/  # lssubsys -am: /'
check "lssubsys -am: the controllers no view binds, as on a hybrid host" test "$(echo $out)" = "rdma misc"

check "cgcreate -g cpu,memory:/x" legacy "cgcreate -g cpu,memory:/x"
check "x is a v2 cgroup with its leaf" test -d "$V2/x/.tasks"
check "x has the cpu and memory controllers" test -f "$V2/x/cpu.weight" -a -f "$V2/x/memory.max"
check "cgset -r cpu.shares=512 x" legacy "cgset -r cpu.shares=512 x"
check "cpu.shares 512 is cpu.weight 50" test "$(cat "$V2/x/cpu.weight")" = 50
check "cgget reads cpu.shares 512" test "$(legacy "cgget -n -v -r cpu.shares x")" = 512
check "cgset -r memory.limit_in_bytes=64M x" legacy "cgset -r memory.limit_in_bytes=67108864 x"
check "memory.limit_in_bytes is memory.max" test "$(cat "$V2/x/memory.max")" = 67108864
out=$(legacy "cgget -r memory.limit_in_bytes x")
check "cgget -r memory.limit_in_bytes x [$(echo $out)]" has_line "$out" "memory.limit_in_bytes: 67108864"

cgcompatctl exec -- cgexec -g cpu:x sleep 60 &
execed=$!
check "cgexec -g cpu:x: the command is in x (v2)" wait_for grep -qx "0::/cgcompat/x/.tasks" "/proc/$execed/cgroup"
check "cgexec -g cpu:x: the command is in x's tasks" wait_for grep -qx "$execed" /run/cgcompat/cgroup/cpu/x/tasks
sleep 60 &
classified=$!
check "cgclassify -g cpu:x PID" legacy "cgclassify -g cpu:x $classified"
check "cgclassify: the process is in x (v2)" grep -qx "0::/cgcompat/x/.tasks" "/proc/$classified/cgroup"
out=$(legacy "$CAT /proc/$classified/cgroup")
echo "$out" | sed 's/^/  # \/proc\/PID\/cgroup: /'
check "/proc/PID/cgroup: memory:/x" sh -c 'echo "$1" | grep -q "^[0-9]*:memory:/x$"' sh "$out"
check "/proc/PID/cgroup: cpu,cpuacct:/x" sh -c 'echo "$1" | grep -q "^[0-9]*:cpu,cpuacct:/x$"' sh "$out"
# Each hierarchy holds its own groups: cgcreate made x in cpu,cpuacct and memory only, so the
# unified view, whose placement the 0:: line is, shows the process at its root.
check "/proc/PID/cgroup: the unified line last, 0::/" test "$(echo "$out" | tail -n 1)" = "0::/"
check "/proc/PID/cgroup: pids:/, which has no x" sh -c 'echo "$1" | grep -q "^[0-9]*:pids:/$"' sh "$out"
out=$(legacy "$CAT /proc/cgroups" | awk '$1 == "cpu" || $1 == "memory" || $1 == "pids" { print $1, $3 }' | xargs)
check "/proc/cgroups: num_cgroups of each hierarchy [$out]" test "$out" = "cpu 2 memory 2 pids 1"
out=$(legacy "lscgroup")
check "lscgroup lists cpu,cpuacct:/x" has_line "$out" "cpu,cpuacct:/x"
check "lscgroup lists memory:/x" has_line "$out" "memory:/x"
kill "$execed" "$classified"
wait "$execed" "$classified" 2>/dev/null
wait_for test -z "$(cat "$V2/x/.tasks/cgroup.procs")"
check "cgdelete -g cpu,memory:/x" legacy "cgdelete -g cpu,memory:/x"
# libcgroup 2.0.2 removes a group from the first hierarchy of one -g only (its hierarchy lookup
# compares the group's path with controller names): on the kernel's own v1 too, memory:/x stays.
check "x is gone from the cpu view" test ! -e /run/cgcompat/cgroup/cpu/x
check "x stays in the memory view, as libcgroup leaves it on v1" test -d /run/cgcompat/cgroup/memory/x
check "the v2 group stays for the memory view" test -d "$V2/x"
check "cgdelete -g memory:/x" legacy "cgdelete -g memory:/x"
check "x is gone from v2" test ! -e "$V2/x"

kill -TERM "$daemon" && wait "$daemon"
summary
