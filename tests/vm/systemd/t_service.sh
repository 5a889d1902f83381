#!/bin/sh
# cgcompat.service under a real systemd as PID 1 (tests/vm/systemd/run-systemd-vm.sh):
# readiness, status and watchdog; where systemd's delegation rules put the daemon and the
# tree; a legacy script looping over mkdir, attach and rmdir while the unit restarts sees
# a delay and no error; the views stay mounted and the kernel's handles stay good across
# the restart and across a crash; a stop unmounts; started by hand outside a delegated
# cgroup, the daemon asks systemd for the scope itself.
#
# The memory event block needs tests/vm/build-progs.sh's programs in /opt/test/vm-progs
# (the vm-files line below).
# vm-files: tests/vm/build-progs.sh
# vm-files: echo tests/vm/systemd/legacy-loop.sh
# shellcheck source=tests/vm/lib.sh
. /opt/test/lib.sh

V2=/sys/fs/cgroup
VIEW=/dev/container
UNIT=$V2/system.slice/cgcompat.service
SCOPE=$V2/system.slice/cgcompat-tree.scope
TREE=$SCOPE/tree
REGISTRY=/run/cgcompat/views
echo "# $(systemctl --version | head -n 1), kernel $(uname -r)"

prop() { systemctl show -p "$2" --value "$1"; }
cgroup_of() { sed -n 's/^0:://p' "/proc/$1/cgroup"; }
now_cs() { read -r up _ </proc/uptime; echo "${up%.*}${up#*.}"; } # uptime in 1/100 s
is_fuse() { mounted "$1" fuse; }
not_fuse() { ! mounted "$1" fuse; }
journal() { journalctl --no-pager -o cat -u cgcompat.service; }
# What the daemon itself wrote (its stderr), not systemd's lines about the unit.
daemon_journal() { journalctl --no-pager -o cat _TRANSPORT=stdout _SYSTEMD_UNIT=cgcompat.service "$@"; }
on_failure_journal() { echo "# journal of cgcompat.service:"; journal | tail -n 40 | sed 's/^/#   /'; }

# Every cgroup that exists before: cgcompat may add some only in its own units.
find $V2 -type d | sort >/tmp/cgroups.before

# A short watchdog, so that its pings can be seen within the test.
mkdir -p /run/systemd/system/cgcompat.service.d
printf '[Service]\nWatchdogSec=6s\n' >/run/systemd/system/cgcompat.service.d/vm-test.conf
systemctl daemon-reload

# Type=notify: start returns once the daemon said READY=1, which it says only when
# every view answers. So no waiting here: each view must answer at once.
t0=$(now_cs)
check "systemctl start cgcompat.service" systemctl start cgcompat.service
echo "# start took $(( $(now_cs) - t0 ))0 ms"
check "the unit is active" test "$(systemctl is-active cgcompat.service)" = active
views=$(awk '$1 == "view" { print $4 }' $REGISTRY 2>/dev/null)
check "the registry lists the views" test -n "$views"
n=0
unready=
for m in $views; do
        n=$((n + 1))
        # Every view has cgroup.procs at its root, the container view tasks.
        is_fuse "$m" && { test -e "$m/tasks" || test -e "$m/cgroup.procs"; } || unready="$unready $m"
done
check "all $n views answer as soon as start returns (READY=1 came last)" test -z "$unready"
[ -z "$unready" ] || echo "# not answering:$unready"
status=$(prop cgcompat.service StatusText)
echo "# StatusText: $status"
check "STATUS= counts the views" has_line "$status" "Serving $n views over $TREE (0 kept across a restart)"

# Delegation: the daemon left the top of its unit's cgroup; the tree is in the scope.
pid=$(prop cgcompat.service MainPID)
check "the daemon runs in cgcompat.service/supervisor" test "$(cgroup_of "$pid")" = /system.slice/cgcompat.service/supervisor
check "the unit's cgroup holds no process" test -z "$(cat $UNIT/cgroup.procs)"
check "the unit's cgroup hands no controller down (a restart can put the next daemon there)" \
        test -z "$(cat $UNIT/cgroup.subtree_control)"
check "the registry names the tree in the scope" grep -qx "root $TREE" $REGISTRY
check "cgcompat-tree.scope is active" test "$(systemctl is-active cgcompat-tree.scope)" = active
check "cgcompat-tree.scope is delegated" test "$(prop cgcompat-tree.scope Delegate)" = yes
anchor=$(cat $SCOPE/anchor/cgroup.procs)
check "an anchor process keeps the scope" test -n "$anchor"
check "the anchor is cgcompat-anchor" test "$(cat "/proc/$anchor/comm" 2>/dev/null)" = cgcompat-anchor
check "the scope's own cgroup holds no process" test -z "$(cat $SCOPE/cgroup.procs)"
check "the scope hands its controllers to the tree" test -n "$(cat $SCOPE/cgroup.subtree_control)"
echo "# tree controllers: $(cat $TREE/cgroup.controllers)"
check "the tree has the memory controller" grep -qw memory $TREE/cgroup.controllers

# The v1 memory events under the service: a listener (the kernel's cgroup_event_listener,
# static) on memory.oom_control of a group, an OOM in it: one event.
EVP=/opt/test/vm-progs
EVMEM=/run/cgcompat/cgroup/memory
if [ -x $EVP/cgroup_event_listener ] && [ -x $EVP/event_probe ]; then
        mkdir $EVMEM/evoom
        echo 32M >$EVMEM/evoom/memory.limit_in_bytes
        [ ! -f $EVMEM/evoom/memory.memsw.limit_in_bytes ] || echo 32M >$EVMEM/evoom/memory.memsw.limit_in_bytes
        $EVP/cgroup_event_listener $EVMEM/evoom/memory.oom_control "" >/tmp/evoom.out 2>&1 &
        evl=$!
        check "events: the oom_control listener is registered" \
                wait_for grep -qx "registrations 1" /run/cgcompat/memory-events
        sh -c 'echo $$ > "$0/tasks" && exec "$@"' $EVMEM/evoom $EVP/event_probe alloc 64 >/dev/null 2>&1
        check "events: 64M under a 32M limit: OOM-killed (137)" is 137 $?
        check "events: the listener reads the OOM" wait_for grep -q '^event ' /tmp/evoom.out
        sleep 1
        sed 's/^/# listener: /' /tmp/evoom.out
        check "events: one event, count 1" is "1 count=1" \
                "$(grep -c '^event ' /tmp/evoom.out) $(grep '^event ' /tmp/evoom.out | sed -n '1s/.* //p')"
        kill $evl
        wait $evl 2>/dev/null
        wait_for rmdir $EVMEM/evoom
else
        not_ok "events: the listener programs are in $EVP (the vm-files line)"
fi

# Legacy state that must survive the restart: an empty group, a group with a task.
mkdir $VIEW/kept
mkdir $VIEW/held
sleep 1000 &
sleeper=$!
echo $sleeper >$VIEW/held/tasks
check "a task attached through the view is in held's v2 leaf" has_line "$(cat $TREE/held/.tasks/cgroup.procs)" $sleeper
dev_before=$(stat -c %d $VIEW)
# Handles the kernel got from this daemon, used after the restart: a directory as cwd,
# an open tasks file to read, one to write.
exec 3<$VIEW/held/tasks
exec 4>$VIEW/kept/tasks
cd $VIEW/kept || exit 1

# The legacy script: mkdir, attach itself, leave, rmdir, as fast as it goes.
rm -f /tmp/loop.stop
sh /opt/test/legacy-loop.sh >/tmp/loop.out 2>&1 &
loop=$!
sleep 2
t0=$(now_cs)
check "systemctl restart cgcompat.service, mid-loop" systemctl restart cgcompat.service
echo "# restart took $(( $(now_cs) - t0 ))0 ms"
sleep 2
touch /tmp/loop.stop
wait $loop
sed 's/^/# loop: /' /tmp/loop.out | grep -v ERROR
check "the loop ran across the restart" grep -q '^iterations [1-9]' /tmp/loop.out
check "the legacy loop saw no error, only a delay" test "$(grep -c ERROR /tmp/loop.out)" = 0
grep ERROR /tmp/loop.out | head -n 5 | sed 's/^/# /'
check "no group of the loop is left" test -z "$(ls -d $TREE/L* 2>/dev/null)"

new_pid=$(prop cgcompat.service MainPID)
check "a new daemon runs" test -n "$new_pid" -a "$new_pid" != 0 -a "$new_pid" != "$pid"
check "the new daemon is in cgcompat.service/supervisor too" \
        test "$(cgroup_of "$new_pid")" = /system.slice/cgcompat.service/supervisor
check "$VIEW is the same mount, never unmounted" test "$(stat -c %d $VIEW)" = "$dev_before"
resumed=$(journalctl --no-pager -o cat _PID="$new_pid" | grep -c "answering the mount the previous daemon left")
check "the new daemon answers all $n mounts the previous one left ($resumed)" test "$resumed" = "$n"
check "STATUS= says so" has_line "$(prop cgcompat.service StatusText)" "Serving $n views over $TREE ($n kept across a restart)"
check "the old daemon said it left them mounted" sh -c \
        "journalctl --no-pager -o cat _PID=$pid | grep -q 'systemd restarts us, leaving $n views mounted'"
check "the empty group kept survives" test -d $TREE/kept
check "held still has its task" has_line "$(cat $VIEW/held/tasks)" $sleeper
check "a cwd inside the view still works" test "$(pwd)" = $VIEW/kept -a -e tasks
check "a tasks file opened before the restart reads after it" has_line "$(cat <&3)" $sleeper
check "a tasks file opened before the restart takes a write after it" sh -c "echo $sleeper >&4"
check "... and the task moved into kept" has_line "$(cat $TREE/kept/.tasks/cgroup.procs)" $sleeper
exec 3<&- 4>&-
cd /

# The watchdog: pings at half of WatchdogSec=6s from the event loop.
w1=$(prop cgcompat.service WatchdogTimestampMonotonic)
sleep 4
w2=$(prop cgcompat.service WatchdogTimestampMonotonic)
check "the daemon pings the watchdog" test -n "$w1" -a "$w1" != 0 -a "$w2" -gt "$w1"
sleep 4
check "still running after more than WatchdogSec" test "$(prop cgcompat.service MainPID)" = "$new_pid"

# A crash: Restart=on-failure, and the fd store keeps the views through it too.
kill -KILL "$new_pid"
crashed=$new_pid
wait_for sh -c "p=\$(systemctl show -p MainPID --value cgcompat.service); [ \"\$p\" != 0 ] && [ \"\$p\" != $crashed ] && [ \"\$(systemctl is-active cgcompat.service)\" = active ]"
check "systemd restarted the daemon after kill -9" test "$(systemctl is-active cgcompat.service)" = active
check "$VIEW still the same mount after the crash" test "$(stat -c %d $VIEW)" = "$dev_before"
check "the view answers after the crash" test -d $VIEW/kept -a -e $VIEW/held/tasks

# Unmounted from outside: the service stays active and the same daemon puts the view back.
# Each view is stacked on itself: umount takes the top layer, the same connection serves on
# below and the daemon stacks it again. The legacy root unmounted lazily takes both layers
# of every view in it: they are mounted again, new connections (the device number may be
# the old one: the kernel reuses it at once), the registry names their devices, and a
# restart adopts the new mounts from the fd store.
dev_of() { awk -v m="$1" '$5 == m && / - fuse.cgcompat / { d = $3 } END { print d }' /proc/self/mountinfo; }
layers() { _d=$(dev_of "$1"); awk -v m="$1" -v d="$_d" '$5 == m && $3 == d' /proc/self/mountinfo | wc -l; }
# The daemon said $2 about $1, and the view answers with both layers.
back() {
        journalctl --no-pager -o cat _PID="$pid_before" | grep -q "^$1: $2" && ls "$1" | grep -q tasks &&
                test "$(layers "$1")" = 2
}
pid_before=$(prop cgcompat.service MainPID)
check "every view is stacked on itself (2 layers at $VIEW)" test "$(layers $VIEW)" = 2
dev_old=$(dev_of $VIEW)
check "umount $VIEW from outside" umount $VIEW
check "$VIEW still answers at once (the layer below)" test -d $VIEW/kept
wait_for back $VIEW "unmounted from outside.*stacked again"
check "the daemon stacked it again and said so" back $VIEW "unmounted from outside.*stacked again"
check "the service is still active" test "$(systemctl is-active cgcompat.service)" = active
check "the same daemon serves" test "$(prop cgcompat.service MainPID)" = "$pid_before"
check "the same connection ($dev_old)" test "$(dev_of $VIEW)" = "$dev_old"
LROOT=/run/cgcompat/cgroup
MEM=$LROOT/memory
mem_old=$(dev_of $MEM)
check "umount -l $LROOT (the legacy root) from outside" umount -l $LROOT
wait_for back $MEM "unmounted from outside: mounted again"
check "$MEM is mounted again ($mem_old -> $(dev_of $MEM)), stacked" back $MEM "unmounted from outside: mounted again"
check "the legacy root is mounted again" mounted $LROOT tmpfs
check "the service is still active after umount -l" test "$(systemctl is-active cgcompat.service)" = active
check "the same daemon serves after umount -l" test "$(prop cgcompat.service MainPID)" = "$pid_before"
check "the registry names $MEM's device" grep -qx "device $(dev_of $MEM) $MEM" $REGISTRY
check "the memory view answers" test -e $MEM/cgroup.procs
mem_new=$(dev_of $MEM)
check "systemctl restart after the remounts" systemctl restart cgcompat.service
adopter=$(prop cgcompat.service MainPID)
check "the restart adopted the new mount of $MEM" test "$(dev_of $MEM)" = "$mem_new" -a "$(layers $MEM)" = 2
adopted=$(journalctl --no-pager -o cat _PID="$adopter" | grep -c "answering the mount the previous daemon left")
check "the new daemon answers all $n mounts, the remounted ones too ($adopted)" test "$adopted" = "$n"
check "the views answer after the restart" test -d $VIEW/kept -a -e $MEM/tasks

# A restart into another configuration: a view gone is unmounted, a view moved is
# mounted at its new place and unmounted at the old one, the others are kept.
cp /etc/cgcompat/compat.conf.yaml /tmp/compat.conf.yaml.orig
awk '{ line[NR] = $0 } /subsystems: \[perf_event\]/ { drop = NR }
     END { for (i = 1; i <= NR; i++) if (i < drop - 1 || i > drop + 1) print line[i] }' /tmp/compat.conf.yaml.orig |
        sed 's|mount: /dev/container$|mount: /dev/container2|' >/etc/cgcompat/compat.conf.yaml
check "the changed configuration is valid" sh -c 'cgcompatctl check-config "$1" >/dev/null' - /etc/cgcompat/compat.conf.yaml
check "systemctl restart into it" systemctl restart cgcompat.service
check "the view removed is unmounted" not_fuse /run/cgcompat/cgroup/perf_event
check "the view moved is unmounted at its old place" not_fuse $VIEW
check "... and serves at its new one" test -d /dev/container2/kept
check "the others were kept, not remounted" has_line "$(prop cgcompat.service StatusText)" \
        "Serving $((n - 1)) views over $TREE ($((n - 2)) kept across a restart)"
cp /tmp/compat.conf.yaml.orig /etc/cgcompat/compat.conf.yaml
check "systemctl restart back" systemctl restart cgcompat.service
check "back at $VIEW" test -d $VIEW/kept
check "perf_event back" is_fuse /run/cgcompat/cgroup/perf_event
check "/dev/container2 left" not_fuse /dev/container2

# The journal: one line per event, with the priority of each (warnings as warnings).
warnings=$(daemon_journal -p warning)
has_warning() { printf '%s\n' "$warnings" | grep -q "$1"; }
check "the journal has cgcompatd's warnings, at warning priority, one line each naming the object" \
        has_warning '^hugetlb: hugetlb: .* files have no v2 backing'
check "no error from the daemon in the journal" test -z "$(daemon_journal -p err)"
sanitizer=$(journalctl --no-pager -o cat _SYSTEMD_UNIT=cgcompat.service | grep -A 12 -e Sanitizer -e 'runtime error')
check "no sanitizer report (make SAN=1 builds)" test -z "$sanitizer"
printf '%s\n' "$sanitizer" | head -n 40 | sed '/^$/d; s/^/# /'
daemon_journal -p err | head -n 5 | sed 's/^/# err: /'

# Nothing written outside the two units: every new cgroup is below one of them.
find $V2 -type d | sort >/tmp/cgroups.after
outside=$(grep -vxF -f /tmp/cgroups.before /tmp/cgroups.after | grep -v -e "^$UNIT" -e "^$SCOPE" || true)
check "no cgroup made outside cgcompat.service and cgcompat-tree.scope" test -z "$outside"
[ -z "$outside" ] || printf '%s\n' "$outside" | head -n 5 | sed 's/^/# outside: /'

# A stop unmounts; the tree stays in its scope, and the next start shows it again.
check "systemctl stop cgcompat.service" systemctl stop cgcompat.service
check "$VIEW unmounted by the stop" not_fuse $VIEW
check "the registry is gone" test ! -e $REGISTRY
check "the scope outlives the service" test "$(systemctl is-active cgcompat-tree.scope)" = active
check "kept is still a v2 group" test -d $TREE/kept
check "systemctl start again" systemctl start cgcompat.service
check "kept shows in the view again" test -d $VIEW/kept
check "held's task is still there" has_line "$(cat $VIEW/kept/tasks)" $sleeper
# The anchor gone while a task keeps the scope: the next daemon puts a new one there,
# through systemd (AttachProcessesToUnit), since it is outside the scope.
old_anchor=$(cat $SCOPE/anchor/cgroup.procs)
kill "$old_anchor"
wait_for test -z "$(cat $SCOPE/anchor/cgroup.procs)"
check "with its anchor gone, the scope lives on its task" test "$(systemctl is-active cgcompat-tree.scope)" = active
check "systemctl restart cgcompat.service" systemctl restart cgcompat.service
new_anchor=$(cat $SCOPE/anchor/cgroup.procs)
check "the next daemon put a new anchor in <scope>/anchor" test -n "$new_anchor" -a "$new_anchor" != "$old_anchor"
systemctl stop cgcompat.service
kill $sleeper

# By hand, outside any delegated cgroup (this test unit is not delegated), with no scope:
# the daemon asks systemd for the scope over D-Bus, anchor and itself in it.
systemctl stop cgcompat-tree.scope
wait_for sh -c '! systemctl is-active -q cgcompat-tree.scope'
cat >/tmp/manual.yaml <<'EOF'
legacy_root: ""
runtime_dir: /run/manual
views:
  - flavor: container
    mount: /run/manual/container
EOF
cgcompatd -c /tmp/manual.yaml >/tmp/manual.log 2>&1 &
manual=$!
wait_for test -e /run/manual/container/tasks
check "started by hand, the daemon serves" test -e /run/manual/container/tasks
check "it asked systemd for cgcompat-tree.scope" test "$(systemctl is-active cgcompat-tree.scope)" = active
check "... delegated" test "$(prop cgcompat-tree.scope Delegate)" = yes
check "it moved itself into <scope>/supervisor" test "$(cgroup_of $manual)" = /system.slice/cgcompat-tree.scope/supervisor
check "with an anchor in <scope>/anchor" test -n "$(cat $SCOPE/anchor/cgroup.procs 2>/dev/null)"
check "its tree is <scope>/tree" grep -qx "root $TREE" /run/manual/views
check "it logged where and why" grep -q "is not delegated: daemon in /system.slice/cgcompat-tree.scope/supervisor, tree in /system.slice/cgcompat-tree.scope/tree" /tmp/manual.log
mkdir /run/manual/container/byhand
check "a group made by hand is a v2 group of the scope's tree" test -d $TREE/byhand/.tasks
kill -TERM $manual
wait $manual
check "SIGTERM outside systemd unmounts" not_fuse /run/manual/container
check "the anchor keeps the scope after the daemon left" test "$(systemctl is-active cgcompat-tree.scope)" = active
# Again by hand, the scope there: the daemon joins it through systemd.
cgcompatd -c /tmp/manual.yaml >/tmp/manual.log 2>&1 &
manual=$!
wait_for test -e /run/manual/container/byhand/tasks
check "started by hand again, it joined the scope's supervisor" \
        test "$(cgroup_of $manual)" = /system.slice/cgcompat-tree.scope/supervisor
check "... and serves the same tree" test -e /run/manual/container/byhand/tasks
kill -TERM $manual
wait $manual
sed 's/^/# manual: /' /tmp/manual.log

# What systemd itself said about the unit: the fd store took every fd, never a complaint.
manager=$(journalctl --no-pager -o cat _PID=1 -u cgcompat.service)
printf '%s\n' "$manager" | sed 's/^/# systemd: /'
check "systemd refused no fd and found no stray process" sh -c \
        "! printf '%s\n' \"\$1\" | grep -i -e 'fd store' -e 'file descriptor' -e 'left-over' -e 'notification'" - "$manager"

[ "$fail" -eq 0 ] || on_failure_journal
summary
