# cgroup-v1 views beside the container view: one tree, per-view flags, the legacy root.

# A group made through any view is in every view, as systemd's legacy mode kept hierarchies in sync.
test_v1_views_are_one_tree() {
        mkdir "$V1VIEW/a"
        [ -d "$VIEW/a" ] || fail "a made in the v1 view is missing from the container view"
        [ -d "$FREEZER/a" ] || fail "a is missing from the freezer view"
        mkdir "$VIEW/a/b"
        [ -d "$V1VIEW/a/b" ] || fail "a/b made in the container view is missing from the v1 view"
        sh -c 'echo $$ > "$1/a/b/tasks"; exec sleep 30' sh "$V1VIEW" &
        local pid=$!
        wait_for 100 test -n "$(cat "$VIEW/a/b/tasks")"
        expect_eq "tasks of a/b in the container view" "$pid" "$(cat "$VIEW/a/b/tasks")"
        expect_eq "cgroup.procs of a/b in the freezer view" "$pid" "$(cat "$FREEZER/a/b/cgroup.procs")"
        expect_errno "Device or resource busy" rmdir "$FREEZER/a/b"
        kill "$pid"; wait "$pid" 2>/dev/null || true
        rmdir "$FREEZER/a/b" "$VIEW/a"
        [ ! -e "$V1VIEW/a" ] || fail "a removed in the container view is still in the v1 view"
}

# Each v1 hierarchy had its own notify_on_release and release_agent: so does each view.
test_v1_notify_on_release_per_view() {
        local agent2=$WORK/agent-v1 log2=$WORK/agent-v1.log
        sed "s|$AGENT_LOG|$log2|" "$WORK/agent" > "$agent2"
        chmod 755 "$agent2"
        : > "$log2"
        echo "$agent2" > "$V1VIEW/release_agent"
        mkdir "$V1VIEW/r"
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
        rmdir "$VIEW/r"
}

test_v1_legacy_root_layout() {
        expect_eq "legacy root" tmpfs "$(stat -f -c %T "$LEGACY")"
        expect_eq "unified in it" cgroup2fs "$(stat -f -c %T "$LEGACY/unified")"
        [ -d "$LEGACY/unified/${V2ROOT#$CG2/}" ] || fail "unified is not the machine's cgroup2"
        expect_eq "freezer link" "freezer,cpuacct" "$(readlink "$LEGACY/freezer")"
        expect_eq "cpuacct link" "freezer,cpuacct" "$(readlink "$LEGACY/cpuacct")"
        expect_eq "views in the legacy root" "cgcompat cpuacct freezer freezer,cpuacct unified" "$(ls "$LEGACY" | xargs)"
}

# cgcompatctl exec: the legacy root at /sys/fs/cgroup for one command, nothing changed outside.
test_v1_exec_sees_legacy_layout() {
        local before out
        before=$(ls /sys/fs/cgroup | xargs)
        out=$("$CGCOMPATCTL" exec -c "$CONFIG" -- sh -c 'ls /sys/fs/cgroup | xargs; stat -f -c %T /sys/fs/cgroup/unified')
        expect_eq "the command's /sys/fs/cgroup" "cgcompat cpuacct freezer freezer,cpuacct unified
cgroup2fs" "$out"
        expect_eq "/sys/fs/cgroup outside" "$before" "$(ls /sys/fs/cgroup | xargs)"
        mkdir "$VIEW/g"
        # The shell reads with a builtin: no child of its own in the listing.
        out=$("$CGCOMPATCTL" exec -c "$CONFIG" -g freezer:/g -- \
                sh -c 'while read -r p; do echo "$p"; done < /sys/fs/cgroup/freezer/g/tasks; echo $$')
        [ "$(echo "$out" | sed -n 1p)" = "$(echo "$out" | sed -n 2p)" ] || fail "exec -g freezer:/g: tasks [$out]"
        out=$("$CGCOMPATCTL" exec -c "$CONFIG" -g name=cgcompat:g -- grep ^0:: /proc/self/cgroup)
        expect_eq "exec -g name=cgcompat:g" "0::${V2ROOT#$CG2}/g/.tasks" "$out"
        expect_errno "No such file or directory" "$CGCOMPATCTL" exec -c "$CONFIG" -g freezer:/nothere -- true
        expect_errno "no view serves memory" "$CGCOMPATCTL" exec -c "$CONFIG" -g memory:/g -- true
        local status=0
        "$CGCOMPATCTL" exec -c "$CONFIG" -- sh -c 'exit 7' || status=$?
        expect_eq "exec returns the command's status" 7 "$status"
        rmdir "$VIEW/g"
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
