# The daemon as a program: configuration errors, signals, the control tool.

test_daemon_refuses_a_bad_config() {
        printf 'backend:\n  root: auto\n  leaf: a/b\n' > "$WORK/bad.yaml"
        set +e
        out=$("$CGCOMPATD" -c "$WORK/bad.yaml" 2>&1)
        status=$?
        set -e
        expect_eq "exit status" 1 "$status"
        expect_eq "message" "cgcompatd: $WORK/bad.yaml:3:9: backend.leaf must be a single path component, got \"a/b\"" "$out"
        set +e
        out=$("$CGCOMPATD" -c "$WORK/missing.yaml" 2>&1)
        status=$?
        set -e
        expect_eq "missing file status" 1 "$status"
        expect_eq "missing file" "cgcompatd: $WORK/missing.yaml: No such file or directory" "$out"
}

test_daemon_sigint_unmounts_and_exits_zero() {
        kill -INT "$(daemon_pid)"
        daemon_exit_status || fail "exit status $? on SIGINT"
        mounted && fail "still mounted"
        start_daemon
}

test_daemon_refuses_a_mount_already_served() {
        set +e
        out=$("$CGCOMPATD" -c "$CONFIG" 2>&1)
        status=$?
        set -e
        expect_eq "exit status" 1 "$status"
        case "$out" in *"$VIEW: already served by a running daemon: Device or resource busy"*) ;;
        *) fail "message: $out" ;; esac
        # The running daemon is untouched.
        mkdir "$VIEW/still" && rmdir "$VIEW/still"
}

test_ctl_check_config() {
        out=$("$CGCOMPATCTL" check-config "$CONFIG")
        expect_eq "settings" "backend.root: $V2ROOT
backend.leaf: .tasks
release_agent: $WORK/agent
legacy_root: $LEGACY
unsupported: store
runtime_dir: $WORK/run
audit: off
page_cache: off
metrics_textfile: (none)
metrics_interval: 15s
view: container container at $VIEW
view: cgroup-v1 name=cgcompat at $V1VIEW
view: cgroup-v1 cpuacct,freezer at $FREEZER (links $LEGACY/freezer, $LEGACY/cpuacct)
view: unified unified at $UNIFIED" "$out"
        dev() { awk -v m="$1" '$5 == m && / - fuse.cgcompat / { d = $3 } END { print d }' /proc/self/mountinfo; }
        expect_eq "the registry" "pid $(daemon_pid)
root $V2ROOT
leaf .tasks
legacy_root $LEGACY
view container container $VIEW
device $(dev "$VIEW") $VIEW
view cgroup-v1 name=cgcompat $V1VIEW
device $(dev "$V1VIEW") $V1VIEW
view cgroup-v1 cpuacct,freezer $FREEZER
device $(dev "$FREEZER") $FREEZER
link $LEGACY/freezer $FREEZER
link $LEGACY/cpuacct $FREEZER
view unified unified $UNIFIED
device $(dev "$UNIFIED") $UNIFIED" "$(cat "$WORK/run/views")"
        printf 'views: []\n' > "$WORK/empty-views.yaml"
        expect_errno "views must list at least one view" "$CGCOMPATCTL" check-config "$WORK/empty-views.yaml"
}
