# The operator's tools: cgcompatctl status, tree, pid, audit, and the mount helpers
# mount.container and mount.cgroup, run directly and by mount(8) itself.

CTL_HELPER=$(dirname "${CGCOMPATCTL:-/nonexistent/cgcompatctl}")/mount.container
CTL_CGROUP_HELPER=$(dirname "${CGCOMPATCTL:-/nonexistent/cgcompatctl}")/mount.cgroup
CTL_MNT=$WORK/ctl-mnt

# The exit status of a command, its output thrown away.
status_of() {
        local status=0
        "$@" > /dev/null 2>&1 || status=$?
        echo "$status"
}

# A process that stays in group $1 of the container view; prints its pid.
ctl_start_task() {
        sh -c 'echo $$ > "$1/tasks"; exec sleep 60' sh "$VIEW$1" > /dev/null 2>&1 &
        local pid=$!
        wait_for 100 grep -qx "$pid" "$VIEW$1/tasks"
        echo "$pid"
}

ctl_json() {
        python3 -c "import json, sys; d = json.load(sys.stdin); $1"
}

# mount(8) runs /sbin/mount.TYPE and has no other place to look: the helper is put there for one
# command and taken away at once, and by the caller's trap if anything goes wrong. Never one that
# was there before.
ctl_with_sbin_helper() {
        local type=$1 status=0
        shift
        [ ! -e "/sbin/mount.$type" ] && [ ! -L "/sbin/mount.$type" ] || { fail "/sbin/mount.$type exists"; return 1; }
        ln -s "$CTL_HELPER" "/sbin/mount.$type"
        "$@" || status=$?
        ctl_remove_sbin_helper "$type"
        return "$status"
}

ctl_remove_sbin_helper() {
        [ "$(readlink "/sbin/mount.$1" 2>/dev/null)" = "$CTL_HELPER" ] && rm -f "/sbin/mount.$1"
        return 0
}

ctl_unmount() {
        while awk -v m="$1" '$2 == m { found = 1 } END { exit !found }' /proc/mounts; do
                umount -l "$1" || break
        done
}

test_ctl_usage() {
        local c
        expect_eq "cgcompatctl --help" 0 "$(status_of "$CGCOMPATCTL" --help)"
        for c in status tree pid audit exec check-config; do
                expect_eq "cgcompatctl $c --help" 0 "$(status_of "$CGCOMPATCTL" "$c" --help)"
        done
        "$CGCOMPATCTL" --help | grep -q '^  status \[--json\]' || fail "status is not in the help"
        expect_eq "no command" 2 "$(status_of "$CGCOMPATCTL")"
        expect_errno "unknown command: frobnicate" "$CGCOMPATCTL" frobnicate
        expect_eq "unknown command" 2 "$(status_of "$CGCOMPATCTL" frobnicate)"
        expect_eq "pid without PID" 2 "$(status_of "$CGCOMPATCTL" pid -c "$CONFIG")"
        expect_errno "abc: not a process id" "$CGCOMPATCTL" pid -c "$CONFIG" abc
        expect_eq "pid abc" 2 "$(status_of "$CGCOMPATCTL" pid -c "$CONFIG" abc)"
        expect_eq "tree --cgroup" 2 "$(status_of "$CGCOMPATCTL" tree -c "$CONFIG" --cgroup)"
        expect_eq "status with an argument" 2 "$(status_of "$CGCOMPATCTL" status -c "$CONFIG" extra)"
        expect_eq "tree ../x" 2 "$(status_of "$CGCOMPATCTL" tree -c "$CONFIG" ../x)"
        expect_eq "mount.container --help" 0 "$(status_of "$CTL_HELPER" --help)"
        expect_eq "mount.cgroup --help" 0 "$(status_of "$CTL_CGROUP_HELPER" --help)"
        "$CTL_CGROUP_HELPER" --help | grep -q 'never mounted in its place' || fail "mount.cgroup --help"
        expect_eq "mount.container without DIR" 1 "$(status_of "$CTL_HELPER" none)"
        expect_eq "mount.container, an unknown option" 32 "$(status_of "$CTL_HELPER" none /tmp -o bogus)"
        expect_errno "unknown mount option: bogus" "$CTL_HELPER" none /tmp -o bogus
}

test_ctl_status() {
        mkdir -p "$VIEW/a/b" "$VIEW/c"
        local task out pid
        task=$(ctl_start_task /a/b)
        out=$("$CGCOMPATCTL" status -c "$CONFIG")
        expect_eq "status" "cgcompatd: running (pid $(daemon_pid))
config: $CONFIG
registry: $WORK/run/views
backend root: $V2ROOT (leaf .tasks)
legacy root: $LEGACY
view container container at $VIEW: mounted, responding
view cgroup-v1 name=cgcompat at $V1VIEW: mounted, responding
view cgroup-v1 cpuacct,freezer at $FREEZER: mounted, responding
view unified unified at $UNIFIED: mounted, responding
groups: 3
tasks: 1 (1 process)
health: ok, 4 of 4 views mounted and responding" "$out"
        out=$("$CGCOMPATCTL" status -c "$CONFIG" --json | ctl_json \
                'print(d["running"], d["healthy"], d["pid"], d["groups"], d["tasks"], [v["key"] for v in d["views"] if v["responding"]])')
        expect_eq "status --json" "True True $(daemon_pid) 3 1 ['container', 'name=cgcompat', 'cpuacct,freezer', 'unified']" "$out"

        # A stopped daemon hangs whoever asks its views: status must not, and says so.
        pid=$(daemon_pid)
        trap 'kill -CONT '"$pid" EXIT
        kill -STOP "$pid"
        local start=$SECONDS status=0
        out=$("$CGCOMPATCTL" status -c "$CONFIG") || status=$?
        kill -CONT "$pid"
        expect_eq "status of a stopped daemon" 1 "$status"
        [ $((SECONDS - start)) -le 5 ] || fail "status took $((SECONDS - start)) s on a stopped daemon"
        echo "$out" | grep -qx "view container container at $VIEW: mounted, not responding (no answer in 2 s)" ||
                fail "a hung view: $out"
        echo "$out" | grep -qx "health: failed, container not responding, name=cgcompat not responding, cpuacct,freezer not responding, unified not responding" ||
                fail "health of a hung daemon: $out"

        # A registry left by a daemon that died, and none at all.
        local stale=$WORK/stale.yaml dead
        sed "s|^runtime_dir: .*|runtime_dir: $WORK/run-stale|" "$CONFIG" > "$stale"
        mkdir -p "$WORK/run-stale"
        dead=$(sh -c 'echo $$')
        printf 'pid %s\nroot %s\nleaf .tasks\nlegacy_root \nview container container %s\n' "$dead" "$V2ROOT" \
                "$WORK/gone" > "$WORK/run-stale/views"
        status=0
        out=$("$CGCOMPATCTL" status -c "$stale") || status=$?
        expect_eq "status from a stale registry" 1 "$status"
        expect_eq "stale registry" "cgcompatd: not running (pid $dead of the registry is gone)
config: $stale
registry: $WORK/run-stale/views
backend root: $V2ROOT (leaf .tasks)
legacy root: (none)
view container container at $WORK/gone: not mounted, not responding (No such file or directory)
groups: 3
tasks: 1 (1 process)
health: failed, cgcompatd is not running, container not mounted" "$out"
        rm "$WORK/run-stale/views"
        status=0
        out=$("$CGCOMPATCTL" status -c "$stale") || status=$?
        expect_eq "status without a registry" 1 "$status"
        expect_eq "no registry" "cgcompatd: not running (no registry at $WORK/run-stale/views)
config: $stale
registry: $WORK/run-stale/views
health: failed, cgcompatd is not running" "$out"
        expect_errno "cgcompatd is not running: no view registry at $WORK/run-stale/views" \
                "$CGCOMPATCTL" tree -c "$stale"
        kill "$task"
}

test_ctl_tree() {
        mkdir -p "$VIEW/a/b" "$VIEW/c" "$VIEW/d" "$VIEW/cpu.stat"
        mv "$VIEW/d" "$VIEW/renamed"
        local task out
        task=$(ctl_start_task /a/b)
        # cpu time is whatever the tasks used; memory.current exists only with the memory controller.
        out=$("$CGCOMPATCTL" tree -c "$CONFIG" | sed -E 's/, (cpu|memory) [0-9.]+[A-Za-z]+//g')
        expect_eq "tree" "/ (0 tasks)
├─a (0 tasks)
│ └─b (1 task)
├─c (0 tasks)
├─cpu.stat (0 tasks)
└─renamed (0 tasks)" "$out"
        "$CGCOMPATCTL" tree -c "$CONFIG" | grep -qE '^│ └─b \(1 task, cpu [0-9]+\.[0-9]{3}s' ||
                fail "no cpu time for b: $("$CGCOMPATCTL" tree -c "$CONFIG")"
        out=$("$CGCOMPATCTL" tree -c "$CONFIG" a/ | sed -E 's/, (cpu|memory) [0-9.]+[A-Za-z]+//g')
        expect_eq "tree a/" "/a (0 tasks)
└─b (1 task)" "$out"
        out=$("$CGCOMPATCTL" tree -c "$CONFIG" --json | ctl_json '
def walk(n, depth=0):
    yield "%s%s %s %s %s" % ("  " * depth, n["name"], n["path"], n["tasks"], type(n.get("cpu_usec")).__name__)
    for c in n["children"]:
        yield from walk(c, depth + 1)
print("\n".join(walk(d)))')
        expect_eq "tree --json" "/ / 0 int
  a /a 0 int
    b /a/b 1 int
  c /c 0 int
  cpu.stat /cpu.stat 0 int
  renamed /renamed 0 int" "$out"
        # The v2 numbers are those of the group the legacy name stands for, aliases included.
        local v2
        v2=$(awk '$1 == "usage_usec" { print $2 }' "$V2ROOT/a/b/cpu.stat")
        out=$("$CGCOMPATCTL" tree -c "$CONFIG" --json /a/b | ctl_json 'print(d["cpu_usec"])')
        [ "$out" -ge "$v2" ] || fail "cpu_usec of /a/b: $out, v2 said $v2 before"
        expect_errno "$VIEW/nothere: No such file or directory" "$CGCOMPATCTL" tree -c "$CONFIG" nothere
        # Colour on a terminal only, and never with NO_COLOR.
        script -qec "'$CGCOMPATCTL' tree -c '$CONFIG'" /dev/null | grep -q $'\e\\[1ma\e\\[0m' ||
                fail "no colour on a terminal"
        script -qec "NO_COLOR=1 '$CGCOMPATCTL' tree -c '$CONFIG'" /dev/null | grep -q $'\e' &&
                fail "colour despite NO_COLOR"
        "$CGCOMPATCTL" tree -c "$CONFIG" | grep -q $'\e' && fail "colour in a pipe"
        kill "$task"
}

test_ctl_pid() {
        # Held by every view (each holds its own groups): the same path in each.
        mkdir -p "$VIEW/a/b" "$V1VIEW/a/b" "$FREEZER/a/b"
        local task out status
        task=$(ctl_start_task /a/b)
        expect_eq "pid" "container: /a/b
cgroup: 2:cpuacct,freezer:/a/b
cgroup: 1:name=cgcompat:/a/b" "$("$CGCOMPATCTL" pid -c "$CONFIG" "$task")"
        expect_eq "pid --container" "/a/b" "$("$CGCOMPATCTL" pid -c "$CONFIG" --container "$task")"
        expect_eq "pid --cgroup" "2:cpuacct,freezer:/a/b
1:name=cgcompat:/a/b" "$("$CGCOMPATCTL" pid -c "$CONFIG" --cgroup "$task")"
        out=$("$CGCOMPATCTL" pid -c "$CONFIG" --json "$task" | ctl_json 'print(d["v2"], d["in_tree"], d["container"], d["cgroup"])')
        expect_eq "pid --json" "${V2ROOT#$CG2}/a/b/.tasks True /a/b ['2:cpuacct,freezer:/a/b', '1:name=cgcompat:/a/b']" "$out"
        # Legacy names, not v2 ones: a renamed group, and one whose name v2 reserves.
        mv "$VIEW/a" "$VIEW/x"
        expect_eq "pid after a rename" "/x/b" "$("$CGCOMPATCTL" pid -c "$CONFIG" --container "$task")"
        mkdir "$VIEW/cpu.stat" "$V1VIEW/cpu.stat" "$FREEZER/cpu.stat"
        echo "$task" > "$VIEW/cpu.stat/tasks"
        expect_eq "pid in an alias" "2:cpuacct,freezer:/cpu.stat
1:name=cgcompat:/cpu.stat" "$("$CGCOMPATCTL" pid -c "$CONFIG" --cgroup "$task")"
        echo "$task" > "$VIEW/tasks"
        expect_eq "pid at the root" "/" "$("$CGCOMPATCTL" pid -c "$CONFIG" --container "$task")"
        # Outside the tree: the root, as v1 shows a process nobody moved, and a note.
        out=$("$CGCOMPATCTL" pid -c "$CONFIG" $$ 2> "$WORK/pid.err")
        expect_eq "pid outside the tree" "container: /
cgroup: 2:cpuacct,freezer:/
cgroup: 1:name=cgcompat:/" "$out"
        grep -q "process $$ is outside the tree" "$WORK/pid.err" || fail "no note: $(cat "$WORK/pid.err")"
        status=0
        "$CGCOMPATCTL" pid -c "$CONFIG" 999999999 2> "$WORK/pid.err" || status=$?
        expect_eq "pid of no process" 1 "$status"
        expect_eq "its message" "cgcompatctl pid: process 999999999: No such process" "$(cat "$WORK/pid.err")"
        kill "$task"
}

# Each view shows a process at the nearest group it holds (DESIGN.md invariant 3), as systemd's
# legacy layout had it: a service deep in name=systemd, its slice in the controllers, the root
# in the rest.
test_ctl_pid_per_view() {
        mkdir -p "$V1VIEW/system.slice/foo.service"
        mkdir "$FREEZER/system.slice"
        local task out
        sh -c 'echo $$ > "$1/tasks"; exec sleep 60' sh "$V1VIEW/system.slice/foo.service" > /dev/null 2>&1 &
        task=$!
        wait_for 100 grep -qx "$task" "$V1VIEW/system.slice/foo.service/tasks"
        expect_eq "its v2 cgroup" /system.slice/foo.service/.tasks "$(v2_cgroup_of "$task")"
        expect_eq "pid" "container: /
cgroup: 2:cpuacct,freezer:/system.slice
cgroup: 1:name=cgcompat:/system.slice/foo.service" "$("$CGCOMPATCTL" pid -c "$CONFIG" "$task")"
        expect_eq "pid --cgroup" "2:cpuacct,freezer:/system.slice
1:name=cgcompat:/system.slice/foo.service" "$("$CGCOMPATCTL" pid -c "$CONFIG" --cgroup "$task")"
        expect_eq "pid --container" "/" "$("$CGCOMPATCTL" pid -c "$CONFIG" --container "$task")"
        out=$("$CGCOMPATCTL" pid -c "$CONFIG" --json "$task" | ctl_json 'print(d["v2"], d["in_tree"], d["container"], d["cgroup"])')
        expect_eq "pid --json" "${V2ROOT#$CG2}/system.slice/foo.service/.tasks True / ['2:cpuacct,freezer:/system.slice', '1:name=cgcompat:/system.slice/foo.service']" "$out"
        # The container view takes the slice as its own: it shows the process there from now on.
        mkdir "$VIEW/system.slice"
        expect_eq "pid --container, the slice held" "/system.slice" "$("$CGCOMPATCTL" pid -c "$CONFIG" --container "$task")"
        # A rename gives the group its legacy name in every view that holds it.
        mv "$V1VIEW/system.slice/foo.service" "$V1VIEW/system.slice/bar.service"
        expect_eq "pid --cgroup after a rename" "2:cpuacct,freezer:/system.slice
1:name=cgcompat:/system.slice/bar.service" "$("$CGCOMPATCTL" pid -c "$CONFIG" --cgroup "$task")"
        kill "$task"
}

test_ctl_audit() {
        cp "$CONFIG" "$CONFIG.orig"
        trap 'stop_daemon; mv "$CONFIG.orig" "$CONFIG"; start_daemon' EXIT
        stop_daemon
        echo "audit: on" >> "$CONFIG"
        rm -f "$WORK/run/audit.log"
        start_daemon
        mkdir "$FREEZER/f" "$VIEW/f"
        local v
        for v in FROZEN THAWED FROZEN FREEZING THAWED; do
                echo "$v" > "$FREEZER/f/freezer.state" 2> /dev/null || true
        done
        echo 0 > "$FREEZER/f/cpuacct.usage"
        echo 5 > "$FREEZER/f/cpuacct.usage" 2> /dev/null || true
        for v in 1 2 3 4 5 6 7 0; do
                echo "$v" > "$VIEW/f/notify_on_release"
        done
        wait_for_lines 15 "$WORK/run/audit.log"
        expect_eq "audit" "15 writes to 3 files in $WORK/run/audit.log, 2 failed

cpuacct.usage: 2 writes, 1 failed, 2 distinct values, lossy
  \"0\" -> (no v2 write recorded)
  \"5\" -> failed: EINVAL
  failures: EINVAL 1

freezer.state: 5 writes, 1 failed, 3 distinct values, lossy
  \"FROZEN\" -> cgroup.freeze=1
  \"THAWED\" -> cgroup.freeze=0
  \"FREEZING\" -> failed: EINVAL
  failures: EINVAL 1

notify_on_release: 8 writes, 8 distinct values, exact
  \"1\" -> (no v2 write recorded)
  \"2\" -> (no v2 write recorded)
  \"3\" -> (no v2 write recorded)
  \"4\" -> (no v2 write recorded)
  \"5\" -> (no v2 write recorded)
  ... and 3 more" "$("$CGCOMPATCTL" audit -c "$CONFIG")"
        local out
        out=$("$CGCOMPATCTL" audit -c "$CONFIG" --json | ctl_json '
print(d["writes"], d["failed"])
for f in d["files"]:
    print(f["file"], f["writes"], f["ok"], f["distinct_values"], f["mapping"], f["failures"],
          [(e["value"], e["v2"], e["result"]) for e in f["examples"][:2]])')
        expect_eq "audit --json" "15 2
cpuacct.usage 2 1 2 lossy {'EINVAL': 1} [('0', '', 'ok'), ('5', '', 'EINVAL')]
freezer.state 5 4 3 lossy {'EINVAL': 1} [('FROZEN', 'cgroup.freeze=1', 'ok'), ('THAWED', 'cgroup.freeze=0', 'ok')]
notify_on_release 8 8 8 exact {} [('1', '', 'ok'), ('2', '', 'ok')]" "$out"
        # A line that is not a record is counted, not fatal.
        echo 'garbage' >> "$WORK/run/audit.log"
        "$CGCOMPATCTL" audit -c "$CONFIG" | grep -qx "1 line not audit records, skipped" || fail "garbage line"
        rmdir "$FREEZER/f"
        local none=$WORK/no-audit.yaml
        sed "s|^runtime_dir: .*|runtime_dir: $WORK/run-none|" "$CONFIG.orig" > "$none"
        expect_errno "$WORK/run-none/audit.log: No such file or directory (the audit is kept with \"audit: on\"" \
                "$CGCOMPATCTL" audit -c "$none"
}

# mount.container run as mount(8) runs it, on the harness's daemon.
test_ctl_mount_container_binds_view() {
        mkdir -p "$CTL_MNT"
        trap 'ctl_unmount "$CTL_MNT"' EXIT
        CGCOMPAT_CONFIG=$CONFIG "$CTL_HELPER" none "$CTL_MNT" -o rw
        expect_eq "fstype" "fuse.cgcompat cgcompat" \
                "$(awk -v m="$CTL_MNT" '$5 == m { for (i = 7; $i != "-"; i++); print $(i + 1), $(i + 2) }' /proc/self/mountinfo)"
        expect_eq "the view's files" "$(ls "$VIEW" | xargs)" "$(ls "$CTL_MNT" | xargs)"
        mkdir "$CTL_MNT/g"
        [ -d "$V2ROOT/g" ] && [ -d "$VIEW/g" ] || fail "g made in the bound view is not in the tree"
        rmdir "$CTL_MNT/g"
        ctl_unmount "$CTL_MNT"
        # Options: config= instead of the environment; ro and the others on the bind.
        "$CTL_HELPER" none "$CTL_MNT" -o ro,noexec,config="$CONFIG"
        expect_errno "Read-only file system" mkdir "$CTL_MNT/h"
        awk -v m="$CTL_MNT" '$5 == m { print $6 }' /proc/self/mountinfo | grep -q '^ro,nosuid,nodev,noexec' ||
                fail "bind options: $(awk -v m="$CTL_MNT" '$5 == m' /proc/self/mountinfo)"
        ctl_unmount "$CTL_MNT"
        # -f binds nothing; the view's own mount point is served already.
        "$CTL_HELPER" none "$CTL_MNT" -f -o config="$CONFIG"
        mounted "$CTL_MNT" && fail "-f mounted"
        expect_eq "on the view itself" "mount.container: $VIEW is served there by cgcompatd (pid $(daemon_pid))" \
                "$("$CTL_HELPER" -v none "$VIEW" -o config="$CONFIG")"
        expect_eq "mounts at the view (itself, stacked on itself)" 2 "$(awk -v m="$VIEW" '$2 == m' /proc/mounts | wc -l)"
        # A daemon that cannot start: the helper says why, and mounts nothing.
        printf 'backend:\n  root: %s\nruntime_dir: %s\nviews:\n  - flavor: container\n    mount: %s\n' \
                "$WORK/not-cgroup" "$WORK/run-bad" "$WORK/bad-view" > "$WORK/bad.yaml"
        local status=0
        "$CTL_HELPER" none "$CTL_MNT" -o config="$WORK/bad.yaml" 2> "$WORK/helper.err" || status=$?
        expect_eq "status when the daemon fails" 32 "$status"
        grep -q "mount.container: cgcompatd exited (status 1) before serving its views; see $WORK/run-bad/cgcompatd.log" \
                "$WORK/helper.err" || fail "message: $(cat "$WORK/helper.err")"
        [ -s "$WORK/run-bad/cgcompatd.log" ] || fail "the daemon's log is empty"
        mounted "$CTL_MNT" && fail "mounted after a failure"
        return 0
}

# mount -t container with no daemon running: the helper, found by mount(8) in /sbin, starts one.
test_ctl_mount_container_by_mount8() {
        # Not local: the trap runs after the function has returned.
        CTL_STARTED=
        mkdir -p "$CTL_MNT"
        trap 'ctl_remove_sbin_helper container; ctl_unmount "$CTL_MNT"
              [ -n "$CTL_STARTED" ] && kill "$CTL_STARTED" 2> /dev/null && wait_for 250 daemon_dead "$CTL_STARTED"
              start_daemon' EXIT
        stop_daemon
        [ ! -e "$WORK/run/views" ] || fail "the registry outlived the daemon"
        rm -f "$WORK/run/cgcompatd.log"
        PATH=$(dirname "$CGCOMPATD"):$PATH CGCOMPAT_CONFIG=$CONFIG ctl_with_sbin_helper container \
                mount -t container none "$CTL_MNT"
        CTL_STARTED=$(sed -n 's/^pid //p' "$WORK/run/views")
        [ -n "$CTL_STARTED" ] && ! daemon_dead "$CTL_STARTED" || fail "no daemon runs after mount -t container"
        expect_eq "its session" "$CTL_STARTED" "$(awk '{ print $6 }' "/proc/$CTL_STARTED/stat")"
        grep -q "serving container" "$WORK/run/cgcompatd.log" || fail "log: $(cat "$WORK/run/cgcompatd.log")"
        mkdir "$CTL_MNT/m"
        [ -d "$V2ROOT/m" ] && [ -d "$VIEW/m" ] || fail "m made through mount -t container is not in the tree"
        rmdir "$CTL_MNT/m"
        ctl_unmount "$CTL_MNT"
        # With the daemon running, mount(8) binds its view; the configuration from the options.
        ctl_with_sbin_helper container mount -t container -o config="$CONFIG" none "$CTL_MNT"
        expect_eq "the view's files" "$(ls "$VIEW" | xargs)" "$(ls "$CTL_MNT" | xargs)"
        expect_eq "the same daemon" "$CTL_STARTED" "$(sed -n 's/^pid //p' "$WORK/run/views")"
        [ ! -e /sbin/mount.container ] || fail "/sbin/mount.container left behind"
}

test_ctl_mount_cgroup_helper() {
        mkdir -p "$CTL_MNT"
        trap 'ctl_unmount "$CTL_MNT"' EXIT
        CGCOMPAT_CONFIG=$CONFIG "$CTL_CGROUP_HELPER" none "$CTL_MNT" -o rw,none,name=cgcompat
        expect_eq "name=cgcompat bound" "$(ls "$V1VIEW" | xargs)" "$(ls "$CTL_MNT" | xargs)"
        expect_eq "its source" "cgcompat" "$(awk -v m="$CTL_MNT" '$2 == m { print $1 }' /proc/mounts)"
        ctl_unmount "$CTL_MNT"
        # The subsystems in any order, with the options mount(8) adds.
        CGCOMPAT_CONFIG=$CONFIG "$CTL_CGROUP_HELPER" none "$CTL_MNT" -o rw,nosuid,nodev,noexec,relatime,freezer,cpuacct
        expect_eq "freezer,cpuacct bound" "$(ls "$FREEZER" | xargs)" "$(ls "$CTL_MNT" | xargs)"
        ctl_unmount "$CTL_MNT"
        # Any other set is refused with mount's failure status: nothing else is claimed.
        local status opts
        for opts in cpu,cpuacct freezer rw none name=other cpuacct,freezer,name=cgcompat; do
                status=0
                CGCOMPAT_CONFIG=$CONFIG "$CTL_CGROUP_HELPER" none "$CTL_MNT" -o "$opts" 2> "$WORK/helper.err" || status=$?
                expect_eq "-o $opts" 32 "$status"
                mounted "$CTL_MNT" && fail "-o $opts mounted something"
        done
        expect_eq "the message" "mount.cgroup: no cgcompat view serves the cgroup hierarchy cpuacct,freezer,name=cgcompat \
(served: name=cgcompat; cpuacct,freezer); the kernel's cgroup v1 is not mounted instead" "$(cat "$WORK/helper.err")"
        expect_errno "the cgroup hierarchy of all subsystems" env CGCOMPAT_CONFIG="$CONFIG" \
                "$CTL_CGROUP_HELPER" none "$CTL_MNT" -o rw
        expect_errno '"none" needs name=NAME' env CGCOMPAT_CONFIG="$CONFIG" "$CTL_CGROUP_HELPER" none "$CTL_MNT" -o none
        # No daemon for that configuration, and no such view in it: nothing is started.
        sed "s|^runtime_dir: .*|runtime_dir: $WORK/run-other|" "$CONFIG" > "$WORK/other.yaml"
        expect_errno "has no view of the cgroup hierarchy cpu" \
                "$CTL_CGROUP_HELPER" none "$CTL_MNT" -o cpu,config="$WORK/other.yaml"
        [ ! -e "$WORK/run-other" ] || fail "a daemon was started for a hierarchy it does not serve"
        return 0
}

# One real mount -t cgroup, the helper in /sbin for that moment only: the machine's own cgroup
# mounts are never touched (mount(8) runs helpers for new mounts only).
test_ctl_mount_cgroup_by_mount8() {
        mkdir -p "$CTL_MNT" "$CTL_MNT-2"
        trap 'ctl_remove_sbin_helper cgroup; ctl_unmount "$CTL_MNT"; ctl_unmount "$CTL_MNT-2"' EXIT
        local status=0
        ctl_with_sbin_helper cgroup sh -c '
                CGCOMPAT_CONFIG=$1 mount -t cgroup -o name=cgcompat none "$2" || exit 1
                CGCOMPAT_CONFIG=$1 mount -t cgroup -o cpu,cpuacct none "$2-2" 2> "$3"; echo $? >> "$3"
        ' sh "$CONFIG" "$CTL_MNT" "$WORK/mount.err" || status=$?
        [ ! -e /sbin/mount.cgroup ] || fail "/sbin/mount.cgroup left behind"
        expect_eq "mount -t cgroup -o name=cgcompat" 0 "$status"
        expect_eq "what it mounted" "fuse.cgcompat" "$(awk -v m="$CTL_MNT" '$2 == m { print $3 }' /proc/mounts)"
        expect_eq "name=cgcompat bound" "$(ls "$V1VIEW" | xargs)" "$(ls "$CTL_MNT" | xargs)"
        expect_eq "mount -t cgroup -o cpu,cpuacct" "mount.cgroup: no cgcompat view serves the cgroup hierarchy \
cpu,cpuacct (served: name=cgcompat; cpuacct,freezer); the kernel's cgroup v1 is not mounted instead
32" "$(cat "$WORK/mount.err")"
        mounted "$CTL_MNT-2" && fail "mount -t cgroup -o cpu,cpuacct mounted something"
        return 0
}

# exec -g names the container view too, by its key.
test_ctl_exec_in_container_group() {
        mkdir "$VIEW/g"
        expect_eq "exec -g container:/g" "0::${V2ROOT#$CG2}/g/.tasks" \
                "$("$CGCOMPATCTL" exec -c "$CONFIG" -g container:/g -- env CGCOMPAT_PRELOAD=0 grep ^0:: /proc/self/cgroup)"
        expect_errno "no view serves cpuset" "$CGCOMPATCTL" exec -c "$CONFIG" -g cpuset:/g -- true
}
