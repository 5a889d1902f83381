# cgroup-v1 views beside the container view: one tree, per-view flags, the legacy root.

has_tasks() { [ -n "$(cat "$1/tasks")" ]; }

# The views are one v2 tree: a group in several views is one v2 cgroup, its tasks the same.
test_v1_views_share_the_v2_group() {
        mkdir "$V1VIEW/a" "$VIEW/a" "$FREEZER/a"
        [ ! -e "$VIEW/a/b" ] || fail "a/b exists before it is made"
        mkdir "$VIEW/a/b" "$V1VIEW/a/b"
        [ ! -e "$FREEZER/a/b" ] || fail "a/b made in two views shows in the freezer view"
        sh -c 'echo $$ > "$1/a/b/tasks"; exec sleep 30' sh "$V1VIEW" &
        local pid=$!
        wait_for 100 has_tasks "$VIEW/a/b"
        expect_eq "tasks of a/b in the container view" "$pid" "$(cat "$VIEW/a/b/tasks")"
        expect_eq "cgroup.procs of a in the freezer view, which has no a/b" "$pid" "$(cat "$FREEZER/a/cgroup.procs")"
        expect_eq "v2 group" "/a/b/.tasks" "$(v2_cgroup_of "$pid")"
        expect_errno "Device or resource busy" rmdir "$FREEZER/a"
        kill "$pid"; wait "$pid" 2>/dev/null || true
        rmdir "$V1VIEW/a/b" "$V1VIEW/a" "$FREEZER/a"
        [ -d "$V2ROOT/a/b" ] || fail "a/b went while the container view holds it"
        rmdir "$VIEW/a/b" "$VIEW/a"
        [ ! -e "$V2ROOT/a" ] || fail "a outlived every view's rmdir"
}

# Each v1 hierarchy had its own notify_on_release and release_agent: so does each view.
test_v1_notify_on_release_per_view() {
        local agent2=$WORK/agent-v1 log2=$WORK/agent-v1.log
        sed "s|$AGENT_LOG|$log2|" "$WORK/agent" > "$agent2"
        chmod 755 "$agent2"
        : > "$log2"
        echo "$agent2" > "$V1VIEW/release_agent"
        mkdir "$V1VIEW/r" "$VIEW/r" "$FREEZER/r"
        echo 1 > "$V1VIEW/r/notify_on_release"
        expect_eq "the container view's flag" 0 "$(cat "$VIEW/r/notify_on_release")"
        expect_eq "the freezer view's flag" 0 "$(cat "$FREEZER/r/notify_on_release")"
        expect_eq "the v1 view's flag" 1 "$(cat "$V1VIEW/r/notify_on_release")"
        sh -c 'echo $$ > "$1/r/tasks"; sleep 0.1' sh "$VIEW"
        wait_for_lines 1 "$log2"
        expect_eq "the v1 view's agent" "/r HOME=/ PATH=/sbin:/bin:/usr/sbin:/usr/bin" "$(cat "$log2")"
        sleep 0.2
        expect_eq "the container view's agent was not called" "" "$(cat "$AGENT_LOG")"
        # A flag in another view adds that view's agent at the next emptying.
        echo 1 > "$VIEW/r/notify_on_release"
        sh -c 'echo $$ > "$1/r/tasks"; sleep 0.1' sh "$VIEW"
        wait_for_lines 1 "$AGENT_LOG"
        wait_for_lines 2 "$log2"
        echo 0 > "$V1VIEW/r/notify_on_release"
        expect_eq "the v1 flag cleared" "0 1" "$(cat "$V1VIEW/r/notify_on_release") $(cat "$VIEW/r/notify_on_release")"
        echo > "$V1VIEW/release_agent"
        rmdir "$VIEW/r" "$V1VIEW/r" "$FREEZER/r"
}

test_v1_legacy_root_layout() {
        expect_eq "legacy root" tmpfs "$(stat -f -c %T "$LEGACY")"
        # unified is a view of the tree, as on a hybrid host: never the machine's cgroup2.
        expect_eq "unified in it" fuseblk "$(stat -f -c %T "$LEGACY/unified")"
        expect_eq "unified's mount" "cgcompat fuse.cgcompat" "$(awk -v m="$LEGACY/unified" '$2 == m { print $1, $3 }' /proc/mounts | uniq)"
        [ ! -e "$LEGACY/unified/${V2ROOT#$CG2/}" ] || fail "unified reaches the machine's cgroup2"
        expect_eq "unified in the registry" "view unified unified $LEGACY/unified" "$(grep '^view unified ' "$WORK/run/views")"
        expect_eq "freezer link" "freezer,cpuacct" "$(readlink "$LEGACY/freezer")"
        expect_eq "cpuacct link" "freezer,cpuacct" "$(readlink "$LEGACY/cpuacct")"
        expect_eq "views in the legacy root" "cgcompat cpuacct freezer freezer,cpuacct unified" "$(ls "$LEGACY" | xargs)"
}

# cgcompatctl exec: the legacy root at /sys/fs/cgroup for one command, nothing changed outside.
test_v1_exec_sees_legacy_layout() {
        local before out
        before=$(ls /sys/fs/cgroup | xargs)
        out=$("$CGCOMPATCTL" exec -c "$CONFIG" -- sh -c 'ls /sys/fs/cgroup | xargs; CGCOMPAT_PRELOAD=0 stat -f -c %T /sys/fs/cgroup/unified
                echo "[$(cat /sys/fs/cgroup/unified/cgroup.controllers)]"; ls -d /sys/fs/cgroup/unified/*/ 2>&1 | wc -l')
        expect_eq "the command's /sys/fs/cgroup" "cgcompat cpuacct freezer freezer,cpuacct unified
fuseblk
[]
1" "$out"
        expect_eq "/sys/fs/cgroup outside" "$before" "$(ls /sys/fs/cgroup | xargs)"
        mkdir "$VIEW/g" "$FREEZER/g" "$V1VIEW/g"
        # The shell reads with a builtin: no child of its own in the listing.
        out=$("$CGCOMPATCTL" exec -c "$CONFIG" -g freezer:/g -- \
                sh -c 'while read -r p; do echo "$p"; done < /sys/fs/cgroup/freezer/g/tasks; echo $$')
        [ "$(echo "$out" | sed -n 1p)" = "$(echo "$out" | sed -n 2p)" ] || fail "exec -g freezer:/g: tasks [$out]"
        out=$("$CGCOMPATCTL" exec -c "$CONFIG" -g name=cgcompat:g -- env CGCOMPAT_PRELOAD=0 grep ^0:: /proc/self/cgroup)
        expect_eq "exec -g name=cgcompat:g" "0::${V2ROOT#$CG2}/g/.tasks" "$out"
        expect_errno "No such file or directory" "$CGCOMPATCTL" exec -c "$CONFIG" -g freezer:/nothere -- true
        expect_errno "no view serves memory" "$CGCOMPATCTL" exec -c "$CONFIG" -g memory:/g -- true
        local status=0
        "$CGCOMPATCTL" exec -c "$CONFIG" -- sh -c 'exit 7' || status=$?
        expect_eq "exec returns the command's status" 7 "$status"
        rmdir "$VIEW/g" "$FREEZER/g" "$V1VIEW/g"
}

# A view on the machine's cgroup filesystem would make a cgroup or hide the machine's own.
test_v1_mount_on_cgroupfs_refused() {
        local config=$WORK/on-cgroupfs.yaml out
        printf 'backend:\n  root: %s\nviews:\n  - flavor: cgroup-v1\n    subsystems: [freezer]\n    mount: %s\n' \
                "$V2ROOT" "$V2ROOT-view/freezer" > "$config"
        local status=0
        out=$("$CGCOMPATD" -c "$config" 2>&1) || status=$?
        expect_eq "exit status" 1 "$status"
        case "$out" in
        *"would be a new cgroup on the machine's cgroup2 filesystem"*) ;;
        *) fail "no clear refusal: $out" ;;
        esac
        [ ! -e "$V2ROOT-view" ] || { rmdir "$V2ROOT-view"; fail "a cgroup was made for the mount point"; }
}

# The freezer view works on any cgroup2 mount: cgroup.freeze is a core file.
test_v1_freezer_freezes_and_thaws() {
        mkdir "$FREEZER/f"
        sh -c 'echo $$ > "$1/f/tasks"; exec sh -c "while :; do :; done"' sh "$FREEZER" &
        local pid=$! before after
        wait_for 100 has_tasks "$FREEZER/f"
        expect_eq "state before" THAWED "$(cat "$FREEZER/f/freezer.state")"
        echo FROZEN > "$FREEZER/f/freezer.state"
        expect_eq "v2 cgroup.freeze" 1 "$(cat "$V2ROOT/f/cgroup.freeze")"
        wait_for 250 grep -qx FROZEN "$FREEZER/f/freezer.state"
        expect_eq "self_freezing" 1 "$(cat "$FREEZER/f/freezer.self_freezing")"
        before=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
        sleep 0.5
        after=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
        expect_eq "cpu time while frozen" "$before" "$after"
        expect_eq "FREEZING written" EINVAL "$(write_once "$FREEZER/f/freezer.state" "FREEZING\n")"
        echo THAWED > "$FREEZER/f/freezer.state"
        expect_eq "v2 cgroup.freeze after THAWED" 0 "$(cat "$V2ROOT/f/cgroup.freeze")"
        expect_eq "state after" THAWED "$(cat "$FREEZER/f/freezer.state")"
        sleep 0.5
        after=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
        [ "$after" -gt "$before" ] || fail "the thawed task did not run ($before -> $after ticks)"
        kill "$pid"; wait "$pid" 2>/dev/null || true
        rmdir "$FREEZER/f"
}

# cpuacct reads cpu.stat, which cgroup2 has without the cpu controller.
test_v1_cpuacct_counts_and_resets() {
        mkdir -p "$FREEZER/p/c"
        # Work in the shell itself (no fork per turn), a few tenths of a second of CPU.
        sh -c 'echo $$ > "$1/p/c/tasks"; i=0; while [ $i -lt 300000 ]; do i=$((i + 1)); done' sh "$FREEZER"
        local usage parent v2
        usage=$(cat "$FREEZER/p/c/cpuacct.usage")
        parent=$(cat "$FREEZER/p/cpuacct.usage")
        v2=$(awk '$1 == "usage_usec" { print $2 }' "$V2ROOT/p/c/cpu.stat")
        [ "$usage" -gt 50000000 ] || fail "cpuacct.usage after busy work: $usage ns"
        expect_eq "cpuacct.usage is usage_usec in ns" "$((v2 * 1000))" "$usage"
        [ "$parent" -ge "$usage" ] || fail "the parent's usage $parent is below its child's $usage"
        grep -q '^user [0-9]' "$FREEZER/p/c/cpuacct.stat" || fail "cpuacct.stat: $(cat "$FREEZER/p/c/cpuacct.stat")"
        echo 0 > "$FREEZER/p/c/cpuacct.usage"
        expect_eq "usage after reset" 0 "$(cat "$FREEZER/p/c/cpuacct.usage")"
        expect_eq "1 written to cpuacct.usage" EINVAL "$(write_once "$FREEZER/p/c/cpuacct.usage" "1\n")"
        rmdir "$FREEZER/p/c" "$FREEZER/p"
}

# The files of a view's subsystems, and only those: the freezer,cpuacct view has no cpu.shares.
test_v1_view_shows_its_subsystems_only() {
        mkdir "$FREEZER/s" "$V1VIEW/s"
        expect_eq "files of a group in freezer,cpuacct" "cgroup.clone_children cgroup.procs cpuacct.stat cpuacct.usage \
cpuacct.usage_all cpuacct.usage_percpu cpuacct.usage_percpu_sys cpuacct.usage_percpu_user cpuacct.usage_sys \
cpuacct.usage_user freezer.parent_freezing freezer.self_freezing freezer.state notify_on_release tasks" \
                "$(ls "$FREEZER/s" | xargs)"
        expect_eq "files of a group in the named view" "cgroup.clone_children cgroup.procs notify_on_release tasks" \
                "$(ls "$V1VIEW/s" | xargs)"
        [ ! -e "$FREEZER/s/cpu.shares" ] || fail "cpu.shares in a view without cpu"
        [ ! -e "$V1VIEW/s/freezer.state" ] || fail "freezer.state in the named view"
        rmdir "$FREEZER/s" "$V1VIEW/s"
}

# Files with no v2 equivalent: kept and announced (store), or EOPNOTSUPP (reject), per the config.
test_v1_unsupported_policy() {
        local netcls=$LEGACY/net_cls
        cp "$CONFIG" "$CONFIG.orig"
        # Whatever happens, the following tests get the usual daemon back.
        trap 'stop_daemon; mv "$CONFIG.orig" "$CONFIG"; start_daemon' EXIT
        stop_daemon
        printf '  - flavor: cgroup-v1\n    subsystems: [net_cls]\n    mount: %s\nunsupported: reject\n' "$netcls" >> "$CONFIG"
        start_daemon
        mkdir "$netcls/n"
        expect_eq "classid written under reject (EOPNOTSUPP)" ENOTSUP "$(write_once "$netcls/n/net_cls.classid" "0x10001\n")"
        expect_eq "classid under reject" 0 "$(cat "$netcls/n/net_cls.classid")"
        stop_daemon
        sed -i 's/^unsupported: reject$/unsupported: store/' "$CONFIG"
        start_daemon
        echo 0x10001 > "$netcls/n/net_cls.classid"
        expect_eq "classid under store (hex in, decimal out)" 65537 "$(cat "$netcls/n/net_cls.classid")"
        grep -q 'net_cls.classid: /n: "65537" stored, not enforced' "$DAEMON_LOG" ||
                fail "no warning in the log: $(grep classid "$DAEMON_LOG")"
        rmdir "$netcls/n"
}
