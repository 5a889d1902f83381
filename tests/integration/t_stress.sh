# Hostile load (make stress): nothing lost, nothing stuck, memory bounded.

test_stress_kill9_during_10000_operations() {
        restart="cd $TESTS_DIR && bash -c '. ./lib.sh; start_daemon'"
        SEED=$RANDOM python3 "$TESTS_DIR"/stress_kill9.py "$VIEW" "$V2ROOT" 10000 20 "$restart" "$WORK/daemon.pid"
        # No mount or daemon of the dead instances is left.
        expect_eq "fuse mounts (the view stacked on itself)" 2 "$(grep -c " $VIEW " /proc/mounts)"
        expect_eq "daemons" 1 "$(pgrep -c -f "$CGCOMPATD -c $CONFIG")"
}

test_stress_8_workers_for_60_seconds() {
        python3 "$TESTS_DIR"/stress_concurrency.py "$VIEW" 8 "${STRESS_SECONDS:-60}"
        # The daemon is alive and serving, and the kernel agrees on what is left.
        mkdir "$VIEW/after" && rmdir "$VIEW/after"
        for d in "$V2ROOT"/c*/; do
                [ -d "$d" ] || continue
                name=$(getfattr --only-values -n trusted.cgcompat.name "$d" 2>/dev/null || basename "$d")
                [ -d "$VIEW/$name" ] || fail "v2 group $d not in the view as $name"
        done
}

test_stress_release_churn_10000_cycles() {
        cat > "$WORK/churn-agent" <<AGENT
#!/bin/sh
g=\${1#/}
grep -q '^populated 0' "$V2ROOT/\$g/cgroup.events" || printf x >> "$WORK/populated"
printf x >> "$WORK/calls.\$g"
AGENT
        chmod 755 "$WORK/churn-agent"
        echo "$WORK/churn-agent" > "$VIEW/release_agent"
        set +e
        python3 "$TESTS_DIR"/stress_release.py "$VIEW" "$WORK" 50 200
        status=$?
        set -e
        echo "$WORK/agent" > "$VIEW/release_agent"
        return $status
}

test_stress_100000_groups_memory_bounded() {
        # Made directly in v2: they show up in the view (DESIGN.md invariant 1).
        python3 -c '
import os, sys
for i in range(100000):
    os.mkdir(f"{sys.argv[1]}/s{i}")' "$V2ROOT"
        expect_eq "listed" 100000 "$(ls "$VIEW" | grep -c '^s')"
        # Look every one up, and keep 1000 tasks files open at once.
        ulimit -n 4096
        python3 -c '
import os, sys
for i in range(100000):
    os.stat(f"{sys.argv[1]}/s{i}/tasks")
fds = [os.open(f"{sys.argv[1]}/s{i}/tasks", os.O_RDONLY) for i in range(1000)]
for fd in fds:
    assert os.read(fd, 100) == b""
    os.close(fd)' "$VIEW"
        rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$(daemon_pid)/status")
        echo "    daemon RSS with 100,000 groups looked up: $((rss / 1024)) MiB"
        # A sanitizer build's RSS is mostly ASan's own shadow and quarantine: bound the real one.
        if ! ldd "$CGCOMPATD" | grep -q libasan; then
                [ "$rss" -lt $((64 * 1024)) ] || fail "RSS ${rss} KiB"
        fi
        mkdir "$VIEW/s100000" && rmdir "$VIEW/s100000"
        python3 -c '
import os, sys
for i in range(100000):
    os.rmdir(f"{sys.argv[1]}/s{i}")' "$VIEW"
        expect_eq "all gone from the view" 0 "$(ls "$VIEW" | grep -c '^s')"
        # Made in v2, they are every view's: the other views still hold them.
        expect_eq "still in v2 for the other views" 100000 "$(ls "$V2ROOT" | grep -c '^s')"
        expect_eq "still in the named view" 100000 "$(ls "$V1VIEW" | grep -c '^s')"
        find "$V2ROOT" -mindepth 1 -depth -type d -path "$V2ROOT/s*" -exec rmdir {} +
        expect_eq "all gone from v2" 0 "$(ls "$V2ROOT" | grep -c '^s')"
}
