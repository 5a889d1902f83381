#!/bin/sh
# The cgroup-v1 memory event API on a pure v2 kernel (busybox sh, run by tests/vm/run-vm.sh):
# cgroup.event_control with memory.oom_control, memory.usage_in_bytes and
# memory.memsw.usage_in_bytes thresholds and memory.pressure_level, as the kernel's v1
# (Documentation/admin-guide/cgroup-v1/memory.rst sections 9 to 11, memcg_write_event_control).
# Programs built on the host by tests/vm/build-progs.sh (in /opt/test/vm-progs):
#   cgroup_event_listener      the kernel's tools/cgroup listener, static: one line
#                              "event PATH ARGS count=N" per read of its eventfd, then
#                              "The cgroup seems to have removed." when the group goes
#   cgroup_event_listener_dyn  the same, dynamically linked
#   event_probe                the errno of a write to cgroup.event_control, by name; an
#                              allocator (alloc MB [HOLD])
#   runas                      runas UID GID CMD...
# The daemon counts its registrations in /run/cgcompat/memory-events ("registrations N",
# "limit M").
#
#   BUILD=build tests/vm/run-vm.sh tests/vm/t_memory_events.sh
#
# vm-files: tests/vm/build-progs.sh
# shellcheck source=tests/vm/lib.sh
. /opt/test/lib.sh

P=/opt/test/vm-progs
M=/run/cgcompat/cgroup/memory
LISTEN=$P/cgroup_event_listener
PROBE=$P/event_probe
REG=/run/cgcompat/memory-events
if [ ! -x $LISTEN ] || [ ! -x $PROBE ] || [ ! -x $P/runas ]; then
        not_ok "the programs in the VM: tests/vm/build-progs.sh (the vm-files line) builds them"
        summary
        exit
fi
[ -e /usr/bin/libcgcompat-preload.so ] || cp /opt/test/libcgcompat-preload.so /usr/bin/ 2>/dev/null

# run_in GROUP COMMAND...: COMMAND in a shell that joined the v1 group; its exit status.
run_in() { _g=$1; shift; sh -c 'echo $$ > "$0/tasks" && exec "$@"' "$M/$_g" "$@"; }
# total FILE: the sum of the counts a listener (or event_probe --keep) printed.
total() { awk '/^event / { for (i = 1; i <= NF; i++) if (index($i, "count=") == 1) s += substr($i, 7) } END { print s + 0 }' "$1"; }
# lines FILE: how many event lines.
lines() { grep -c '^event ' "$1"; }
total_is() { [ "$(total "$1")" = "$2" ]; }
total_at_least() { [ "$(total "$1")" -ge "$2" ]; }
removed() { grep -qxF "The cgroup seems to have removed." "$1"; }
# regs: the daemon's count of registrations.
regs() { awk '$1 == "registrations" { print $2 }' $REG 2>/dev/null; }
regs_are() { [ "$(regs)" = "$1" ]; }
# registered N: the count reaches N (10 s); without the file, a second's wait and false.
registered() { wait_for regs_are "$1" || { sleep 1; false; }; }
# gone_in_3s: the count back at $base within 3 s.
gone_in_3s() { WAIT_TIMEOUT=3 wait_for regs_are $base; }
# exited PID: the process is gone (reaped or a zombie).
exited() { ! kill -0 "$1" 2>/dev/null || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
show() { sed "s|^|  # $2: |" "$1"; }
# probe ARGS...: event_probe's answer, stdin /dev/null.
probe() { $PROBE "$@" </dev/null 2>&1; }
# limit GROUP SIZE: the memory limit, and memsw the same (swap cannot save a task).
limit() {
        echo "$2" >$M/$1/memory.limit_in_bytes
        [ ! -f $M/$1/memory.memsw.limit_in_bytes ] || echo "$2" >$M/$1/memory.memsw.limit_in_bytes
}

start_daemon
require "the memory view is served" test -f $M/memory.limit_in_bytes
require "the root has cgroup.event_control" test -e $M/cgroup.event_control

# --- the file ---
mkdir $M/a $M/a/b
for g in "" /a /a/b; do
        check "cgroup.event_control in '${g:-/}' is --w--w--w- (0222, world-writable as in v1)" \
                is -w--w--w- "$(ls -l $M$g/cgroup.event_control | cut -c2-10)"
done
check "root reading it: the open works, the read is EINVAL (no seq_show in v1)" \
        is read:EINVAL "$(probe read $M/a/cgroup.event_control)"
check "65534 opening it for reading: EACCES" \
        is open:EACCES "$($P/runas 65534 65534 $PROBE read $M/a/cgroup.event_control 2>&1)"
check "memory.pressure_level is there (0444) for the events" is r--r--r-- "$(ls -l $M/a/memory.pressure_level | cut -c2-10)"
check "the registrations file says registrations and limit" test -n "$(regs)"
limit_n=$(awk '$1 == "limit" { print $2 }' $REG 2>/dev/null)
check "the limit of registrations is a number ($limit_n)" at_least "${limit_n:-0}" 1
base=$(regs)
echo "# registrations at the start: $base, limit $limit_n"
check "no registration at the start" is 0 "$base"

# --- OOM: one kill, one event ---
mkdir $M/oom
limit oom 32M
$LISTEN $M/oom/memory.oom_control "" >/tmp/oom.out 2>&1 &
oom_listener=$!
check "the oom_control listener is registered" registered $((base + 1))
run_in oom $PROBE alloc 64 >/dev/null 2>&1
check "64M under a 32M limit: the allocator is OOM-killed (137)" is 137 $?
check "the listener reads the event" wait_for total_at_least /tmp/oom.out 1
sleep 1
show /tmp/oom.out oom
check "one event line" is 1 "$(lines /tmp/oom.out)"
check "the eventfd counted 1" is 1 "$(total /tmp/oom.out)"
check "memory.oom_control says oom_kill 1" is 1 "$(v2_key $M/oom/memory.oom_control oom_kill)"
check "v2 memory.events says oom 1 (the kernel's count of OOMs)" is 1 "$(v2_key $V2/oom/memory.events oom)"
check "the listener is still running" kill -0 $oom_listener
run_in oom $PROBE alloc 64 >/dev/null 2>&1
check "a second OOM" wait_for total_is /tmp/oom.out 2
check "... its own event, count 1" is 2 "$(lines /tmp/oom.out)"
# v1 tells an OOM to the listeners of the group that hit its limit and of every group below
# it (mem_cgroup_oom_notify), not to those above.
mkdir $M/oom/h
$LISTEN $M/oom/h/memory.oom_control "" >/tmp/oomh.out 2>&1 &
oomh=$!
check "hierarchy: a listener on oom/h too" registered $((base + 2))
run_in oom/h $PROBE alloc 64 >/dev/null 2>&1
check "hierarchy: a task of oom/h over oom's 32M: OOM-killed" is 137 $?
check "hierarchy: oom's listener hears oom's OOM" wait_for total_is /tmp/oom.out 3
check "hierarchy: so does oom/h's, below it" wait_for total_is /tmp/oomh.out 1
limit oom/h 16M
run_in oom/h $PROBE alloc 24 >/dev/null 2>&1
check "hierarchy: 24M over oom/h's own 16M: OOM-killed" is 137 $?
check "hierarchy: oom/h's listener hears its OOM" wait_for total_is /tmp/oomh.out 2
sleep 1
show /tmp/oom.out oom
show /tmp/oomh.out oom/h
check "hierarchy: oom's listener does not (an OOM is told down the tree, not up)" is 3 "$(total /tmp/oom.out)"
stop $oom_listener $oomh
check "the listeners killed: their registrations go within 3 s" gone_in_3s

# --- thresholds: one event up, one down ---
# threshold_test FILE: a 16M threshold on FILE in a 64M group; 32M held 4 s, then freed.
threshold_test() {
        f=$1
        [ ! -d $M/thr ] || wait_for rmdir $M/thr
        mkdir $M/thr
        echo 64M >$M/thr/memory.limit_in_bytes
        $LISTEN $M/thr/$f 16M >/tmp/thr.out 2>&1 &
        thr=$!
        check "$f: the 16M threshold is registered" registered $((base + 1))
        (run_in thr $PROBE alloc 32 4 >/tmp/alloc.out 2>&1 &)
        check "$f: 32M allocated" wait_for grep -q allocated /tmp/alloc.out
        check "$f: one event as the usage went up past 16M" wait_for total_is /tmp/thr.out 1
        echo "#   $f while 32M held: $(cat $M/thr/$f)"
        check "$f: the allocator exits, its 32M freed: a second event (down)" wait_for total_is /tmp/thr.out 2
        sleep 2
        show /tmp/thr.out "$f"
        check "$f: two events in all" is 2 "$(total /tmp/thr.out)"
        # Registered while the usage is above it: no event then (v1 signals crossings only),
        # one when the usage falls below.
        : >/tmp/alloc.out
        (run_in thr $PROBE alloc 32 30 >/tmp/alloc.out 2>&1 &)
        wait_for grep -q allocated /tmp/alloc.out
        holder=$(cat $M/thr/tasks)
        check "$f: 32M again: the first listener's third event (up)" wait_for total_is /tmp/thr.out 3
        $LISTEN $M/thr/$f 16M >/tmp/thr2.out 2>&1 &
        thr2=$!
        check "$f: a second 16M threshold, registered above it" registered $((base + 2))
        sleep 2
        check "$f: no event for the registration itself" is 0 "$(total /tmp/thr2.out)"
        kill $holder
        check "$f: the holder killed: one event (down) for the second" wait_for total_is /tmp/thr2.out 1
        check "$f: ... and the fourth (down) for the first" wait_for total_is /tmp/thr.out 4
        stop $thr $thr2
        wait_for regs_are $base
}
threshold_test memory.usage_in_bytes
if [ -f $M/memory.memsw.usage_in_bytes ]; then
        threshold_test memory.memsw.usage_in_bytes
else
        echo "# no memory.memsw.usage_in_bytes (no memory.swap.max): its thresholds untested"
fi

# --- pressure: page cache reclaim (low), thrashing to OOM (critical) ---
# A file system on a ram disk, whose clean page cache the group's reclaim can drop.
brd=$(grep '/brd\.ko' /etc/vm-modules)
if [ -n "$brd" ] && rmmod brd 2>/dev/null && insmod "$brd" rd_nr=1 rd_size=131072 &&
        mke2fs -q /dev/ram0 >/dev/null 2>&1 && mkdir -p /mnt/disk && mount /dev/ram0 /mnt/disk; then
        dd if=/dev/zero of=/mnt/disk/big bs=1M count=96 2>/dev/null
        sync
        mkdir $M/pr
        limit pr 32M
        $LISTEN $M/pr/memory.pressure_level low >/tmp/low.out 2>&1 &
        low=$!
        $LISTEN $M/pr/memory.pressure_level critical >/tmp/crit.out 2>&1 &
        crit=$!
        check "pressure: two listeners registered" registered $((base + 2))
        echo 3 >/proc/sys/vm/drop_caches
        t0=$(date +%s)
        run_in pr sh -c 'for i in 1 2 3; do dd if=/mnt/disk/big of=/dev/null bs=1M 2>/dev/null; done'
        echo "# pressure: 3 x 96M read through a 32M group in $(($(date +%s) - t0)) s; memory.events max $(v2_key $V2/pr/memory.events max), memory.pressure: $(head -n 1 $V2/pr/memory.pressure)"
        # v1's vmpressure: reclaim of clean page cache (everything scanned is reclaimed) is
        # "low"; "critical" is reclaim failing, about to OOM.
        check "pressure: page cache reclaim gives a low event" wait_for total_at_least /tmp/low.out 1
        sleep 1
        show /tmp/low.out low
        show /tmp/crit.out critical
        low_n=$(total /tmp/low.out)
        crit_n=$(total /tmp/crit.out)
        echo "# pressure: after the reads: low $low_n, critical $crit_n; memory.stat pgscan $(v2_key $V2/pr/memory.stat pgscan) pgsteal $(v2_key $V2/pr/memory.stat pgsteal)"
        check "pressure: clean page cache reclaim is not critical (v1: all it scanned was reclaimed)" is 0 "$crit_n"
        # Thrashing: 24M of anonymous memory held (no swap: it cannot be reclaimed), the file
        # read through the 8M left, then an allocation past the limit (OOM).
        (run_in pr $PROBE alloc 24 60 >/tmp/alloc.out 2>&1 &)
        wait_for grep -q allocated /tmp/alloc.out
        holder=$(cat $M/pr/tasks)
        run_in pr sh -c 'for i in 1 2; do dd if=/mnt/disk/big of=/dev/null bs=1M 2>/dev/null; done'
        run_in pr $PROBE alloc 32 >/dev/null 2>&1
        echo "# pressure: after thrashing: memory.events oom $(v2_key $V2/pr/memory.events oom), memory.pressure: $(head -n 1 $V2/pr/memory.pressure)"
        check "pressure: thrashing to OOM gives a critical event" wait_for total_at_least /tmp/crit.out $((crit_n + 1))
        show /tmp/crit.out critical
        check "pressure: and more low events (a low listener hears every level)" \
                wait_for total_at_least /tmp/low.out $((low_n + 1))
        echo "# pressure: after thrashing: low $(total /tmp/low.out), critical $(total /tmp/crit.out)"
        kill "$holder" 2>/dev/null
        stop $low $crit
        wait_for regs_are $base
        umount /mnt/disk
else
        not_ok "pressure: a ram disk with a file system for page cache (brd, mke2fs)"
fi

# --- rmdir: every registration signalled once, then the listeners see the group gone ---
mkdir $M/gone
$LISTEN $M/gone/memory.oom_control "" >/tmp/gone1.out 2>&1 &
g1=$!
$LISTEN $M/gone/memory.usage_in_bytes 1G >/tmp/gone2.out 2>&1 &
g2=$!
$LISTEN $M/gone/memory.pressure_level low >/tmp/gone3.out 2>&1 &
g3=$!
check "rmdir: three registrations" registered $((base + 3))
check "rmdir of the group with three registrations" rmdir $M/gone
sleep 1
echo "# rmdir: a second later, $M/gone/cgroup.event_control is $(test -e $M/gone/cgroup.event_control && echo there || echo gone) to the test's shell"
n=1
for p in $g1 $g2 $g3; do
        check "rmdir: listener $n said the group went" wait_for removed /tmp/gone$n.out
        show /tmp/gone$n.out "listener $n"
        check "rmdir: listener $n read one event, count 1, then the removal" \
                is "1 1 The cgroup seems to have removed." \
                "$(lines /tmp/gone$n.out) $(total /tmp/gone$n.out) $(tail -n 1 /tmp/gone$n.out)"
        # A listener still waiting (it found the group there after its event) is killed, not
        # waited for: it would read its eventfd for ever.
        wait_for exited $p || kill $p
        wait $p
        check "rmdir: listener $n exited 0" is 0 $?
        n=$((n + 1))
done
check "rmdir: the registrations are gone" wait_for regs_are $base

# --- unregistration: a closed eventfd ---
mkdir $M/un
EC=$M/un/cgroup.event_control
OC=$M/un/memory.oom_control
$PROBE --keep 60 reg $EC eventfd $OC "" >/tmp/k.out 2>&1 &
k=$!
check "unreg: a registration held" registered $((base + 1))
kill -KILL $k
wait $k 2>/dev/null
check "unreg: its process SIGKILLed: gone within 3 s" gone_in_3s
$PROBE --close-efd --keep 20 reg $EC eventfd $OC "" >/tmp/c.out 2>&1 &
c=$!
wait_for grep -q closed /tmp/c.out
check "unreg: registered, then the eventfd closed" is "ok closed" "$(tr '\n' ' ' </tmp/c.out | sed 's/ $//')"
check "unreg: eventfd closed, process alive: gone within 3 s" gone_in_3s
check "unreg: (the process is still alive)" kill -0 $c
stop $c
# The eventfd handed to a child that outlives the registrant: still registered, and signalled.
$PROBE --fork-hold --keep 30 reg $EC eventfd $OC "" >/tmp/fh.out 2>&1
holder=$(sed -n 's/^holder //p' /tmp/fh.out)
check "fork-hold: the holder runs ($holder)" test -n "$holder"
sleep 3
check "fork-hold: the registrant exited, its child holds the eventfd: still registered" regs_are $((base + 1))
limit un 32M
run_in un $PROBE alloc 64 >/dev/null 2>&1
check "fork-hold: an OOM in the group" is 1 "$(v2_key $V2/un/memory.events oom_kill)"
check "fork-hold: the holder's eventfd is signalled" wait_for total_is /tmp/fh.out 1
show /tmp/fh.out fork-hold
kill "$holder" 2>/dev/null
check "fork-hold: the holder killed: gone within 3 s" gone_in_3s
check "fork-exit: a child registers and exits at once: ok" is ok "$(probe --fork-exit reg $EC eventfd $OC "")"
check "fork-exit: gone within 3 s" gone_in_3s
for us in 0 200 2000 20000; do
        r=$(probe --fork-kill $us reg $EC eventfd $OC "")
        echo "# fork-kill ${us}us: $r"
        check "fork-kill $us us: the write's result ($r) is ok or the child was killed" \
                sh -c 'case "$1" in ok|killed) exit 0 ;; esac; exit 1' - "$r"
        check "fork-kill $us us: no registration left within 3 s" gone_in_3s
done

# --- a listener that let its eventfd fill up: the event is lost, the daemon never waits ---
mkdir $M/full
limit full 32M
$PROBE --fill --keep 30 reg $M/full/cgroup.event_control eventfd $M/full/memory.oom_control "" >/tmp/full.out 2>&1 &
full=$!
check "full: registered, then its counter filled" wait_for grep -qx filled /tmp/full.out
run_in full $PROBE alloc 64 >/dev/null 2>&1
check "full: an OOM in the group" is 1 "$(v2_key $V2/full/memory.events oom_kill)"
check "full: the lost event is logged" wait_for grep -q "eventfd is full, an event is lost" $DAEMON_LOG
check "full: the daemon still serves" is 33554432 "$(cat $M/full/memory.limit_in_bytes)"
stop $full
check "full: gone within 3 s" gone_in_3s
check "full: rmdir" rmdir $M/full

# --- bad input: the errno of v1 for each ---
mkdir $M/bad $M/bad/child $M/other
mkdir -p "/run/cgcompat/cgroup/cpu,cpuacct/bad"
EC=$M/bad/cgroup.event_control
OC=$M/bad/memory.oom_control
UC=$M/bad/memory.usage_in_bytes
PL=$M/bad/memory.pressure_level
nl='
'
# bad EXPECTED DESCRIPTION PROBE-ARGS...
bad() { _want=$1 _desc=$2; shift 2; check "bad input: $_desc: $_want" is "$_want" "$(probe "$@")"; }
bad EINVAL "a newline only" line $EC "$nl"
bad EINVAL "an eventfd alone" line $EC "%E"
bad EINVAL "an eventfd and a newline" line $EC "%E$nl"
bad EINVAL "no number for the eventfd" line $EC "x %C" $OC
bad EINVAL "no number for the control file" line $EC "%E x" $OC
bad EINVAL "the control fd followed by a letter" line $EC "%E %Cx" $OC
bad EINVAL "a comma between the fds" line $EC "%E,%C" $OC
bad EINVAL "two spaces: the control fd is read as 0 (stdin, /dev/null)" line $EC "%E  %C" $OC
bad ok "spaces and a newline around the line are stripped" line $EC "  %E %C $nl" $OC
bad ok "oom_control without arguments" line $EC "%E %C" $OC
bad ok "oom_control ignores its arguments" line $EC "%E %C any thing" $OC
bad EBADF "an eventfd number that is not open" reg $EC bigfd $OC ""
bad EBADF "an eventfd just closed" reg $EC closed $OC ""
bad EINVAL "a pipe for the eventfd" reg $EC pipe $OC ""
bad EINVAL "/dev/null for the eventfd" reg $EC devnull $OC ""
bad EBADF "a control fd not open" reg $EC eventfd closed ""
bad EBADF "control fd 4000" line $EC "%E 4000"
bad EINVAL "a pipe and a closed control fd (the eventfd is checked first)" reg $EC pipe closed ""
bad EBADF "both fds closed" reg $EC closed closed ""
bad EINVAL "/dev/null for the control file" reg $EC eventfd /dev/null ""
echo x >/tmp/memory.oom_control
bad EINVAL "a file named memory.oom_control outside cgroupfs" reg $EC eventfd /tmp/memory.oom_control ""
bad EINVAL "memory.stat (not an event file)" reg $EC eventfd $M/bad/memory.stat ""
bad EINVAL "memory.limit_in_bytes" reg $EC eventfd $M/bad/memory.limit_in_bytes ""
bad EINVAL "tasks" reg $EC eventfd $M/bad/tasks ""
bad EINVAL "the group's directory" reg $EC eventfd $M/bad ""
bad EINVAL "another group's memory.oom_control" reg $EC eventfd $M/other/memory.oom_control ""
bad EINVAL "a child's memory.oom_control" reg $EC eventfd $M/bad/child/memory.oom_control ""
bad EINVAL "the root's memory.oom_control" reg $EC eventfd $M/memory.oom_control ""
bad EINVAL "a v2 file of the group (cgroup2 is not cgroup)" reg $EC eventfd $V2/bad/memory.events ""
bad EINVAL "a file of the cpu,cpuacct view" reg $EC eventfd "/run/cgcompat/cgroup/cpu,cpuacct/bad/cpu.shares" ""
bad ok "the root's own oom_control, on the root" reg $M/cgroup.event_control eventfd $M/memory.oom_control ""
bad ok "the root's usage_in_bytes 1G, on the root" reg $M/cgroup.event_control eventfd $M/memory.usage_in_bytes 1G
bad ok "threshold 16M" reg $EC eventfd $UC 16M
bad ok "threshold 16777216" reg $EC eventfd $UC 16777216
bad ok "threshold -1 (unlimited)" reg $EC eventfd $UC -1
bad ok "threshold empty (0)" reg $EC eventfd $UC ""
bad EINVAL "threshold 16MB" reg $EC eventfd $UC 16MB
bad EINVAL "threshold abc" reg $EC eventfd $UC abc
bad EINVAL "threshold 1.5G" reg $EC eventfd $UC 1.5G
bad EINVAL "threshold after two spaces" line $EC "%E %C  16M" $UC
bad EINVAL "threshold max (v1 takes -1 only)" reg $EC eventfd $UC max
if [ -f $M/bad/memory.memsw.usage_in_bytes ]; then
        bad ok "memsw threshold 16M" reg $EC eventfd $M/bad/memory.memsw.usage_in_bytes 16M
        bad EINVAL "memsw threshold 16MB" reg $EC eventfd $M/bad/memory.memsw.usage_in_bytes 16MB
fi
for level in low medium critical low,default medium,hierarchy critical,local low,local,foo; do
        bad ok "pressure level '$level'" reg $EC eventfd $PL $level
done
for level in foo medium,foo "" LOW "low," ,low critical,hierarchyX; do
        bad EINVAL "pressure level '$level'" reg $EC eventfd $PL "$level"
done
# Read permission on the control file, judged with the writer's credentials (fd 3 opened by
# root, then the ids dropped).
check "bad input: 65534 with a readable oom_control: ok" \
        is ok "$($P/runas 65534 65534 $PROBE reg $EC eventfd fd:3 "" 3<$OC 2>&1)"
chmod 0600 $OC
check "chmod 0600 memory.oom_control" is rw------- "$(ls -l $OC | cut -c2-10)"
check "bad input: 65534 with an oom_control it cannot read: EACCES" \
        is EACCES "$($P/runas 65534 65534 $PROBE reg $EC eventfd fd:3 "" 3<$OC 2>&1)"
check "bad input: root with the same file: ok" is ok "$(probe reg $EC eventfd fd:3 "" 3<$OC)"
chmod 0644 $OC
check "after the bad input: the daemon runs" kill -0 $daemon
check "after the bad input: it serves" is 9223372036854771712 "$(cat $M/bad/memory.limit_in_bytes)"
check "after the bad input: no registration is left" wait_for regs_are $base

# --- under cgcompatctl exec, static and dynamic ---
mkdir $M/ex
limit ex 32M
X=/sys/fs/cgroup/memory/ex
cgcompatctl exec -- $LISTEN $X/memory.oom_control "" >/tmp/ex1.out 2>&1 &
e1=$!
cgcompatctl exec -- $P/cgroup_event_listener_dyn $X/memory.oom_control "" >/tmp/ex2.out 2>&1 &
e2=$!
$P/cgroup_event_listener_dyn $M/ex/memory.oom_control "" >/tmp/ex3.out 2>&1 &
e3=$!
check "exec: three listeners registered (static and dynamic under exec, dynamic outside)" \
        registered $((base + 3))
run_in ex $PROBE alloc 64 >/dev/null 2>&1
check "exec: the OOM kill" is 137 $?
n=1
for what in "static under exec" "dynamic under exec" "dynamic outside exec"; do
        check "exec: the $what listener gets one event" wait_for total_is /tmp/ex$n.out 1
        show /tmp/ex$n.out "$what"
        n=$((n + 1))
done
stop $e1 $e2 $e3
wait_for regs_are $base

# --- a restart: the registration kept, the OOM of the meantime delivered ---
mkdir $M/rs
limit rs 32M
$LISTEN $M/rs/memory.oom_control "" >/tmp/rs.out 2>&1 &
rs=$!
check "restart: registered" registered $((base + 1))
stop_daemon
check "restart: the daemon stopped, the view is gone" test ! -e $M/rs
check "restart: the listener is still waiting" kill -0 $rs
sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' $V2/rs/.tasks $PROBE alloc 64 >/dev/null 2>&1
check "restart: an OOM kill in v2 meanwhile (137)" is 137 $?
check "restart: v2 counts it" is 1 "$(v2_key $V2/rs/memory.events oom_kill)"
check "restart: no event while the daemon is down" is 0 "$(total /tmp/rs.out)"
start_daemon
require "restart: the daemon serves again" test -f $M/rs/memory.oom_control
check "restart: the listener gets the OOM of the meantime" wait_for total_is /tmp/rs.out 1
sleep 2
show /tmp/rs.out restart
check "restart: one event, count 1" is "1 1" "$(lines /tmp/rs.out) $(total /tmp/rs.out)"
check "restart: the registration is counted again" registered $((base + 1))
check "restart: rmdir of the group" rmdir $M/rs
sleep 1
echo "# restart: a second later, $M/rs/cgroup.event_control is $(test -e $M/rs/cgroup.event_control && echo there || echo gone) to the test's shell"
check "restart: the kept registration sees the rmdir" wait_for removed /tmp/rs.out
show /tmp/rs.out "restart, after the rmdir"
check "restart: its registration ends" wait_for regs_are $base
stop $rs

stop_daemon
log_if_failed
summary
