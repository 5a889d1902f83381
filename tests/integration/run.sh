#!/bin/bash
# Integration tests: the built cgcompatd mounted over a real cgroup2 subtree, driven by
# plain shell commands as legacy scripts drive it. Needs root, /dev/fuse and cgroup2.
#
#   CGCOMPATD=build/cgcompatd tests/integration/run.sh [TEST_NAME_PATTERN]
# EXCLUDE=PATTERN leaves out matching tests (make integration leaves out the long test_stress_*).
set -u
cd "$(dirname "$0")"
TESTS_DIR=$PWD
: "${CGCOMPATD:?set CGCOMPATD to the daemon binary}"
PATTERN=${1:-}

. ./lib.sh
# Helpers started by tests (stress drivers restarting the daemon) find the same paths.
export UNIQUE CGCOMPATD

if [ "$(id -u)" != 0 ] || [ ! -c /dev/fuse ] || [ -z "$CG2" ]; then
        echo "integration tests need root, /dev/fuse and a cgroup2 mount" >&2
        exit 1
fi

cleanup() {
        if grep -q -e 'Sanitizer' -e 'runtime error' -e '^==[0-9]*==' "$DAEMON_LOG" 2>/dev/null; then
                echo "the daemon's log shows sanitizer or valgrind reports:" >&2
                cat "$DAEMON_LOG" >&2
        fi
        [ -n "$(daemon_pid)" ] && kill9_daemon
        unmount_all
        reference_cleanup 2>/dev/null
        hierarchies_cleanup 2>/dev/null
        remove_v2_tree "$V2ROOT" || echo "warning: $V2ROOT left behind" >&2
        rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Between tests: no groups, no tasks, no flags left under the root.
reset_tree() {
        for d in "$V2ROOT"/*/; do
                [ -d "$d" ] && remove_v2_tree "$d"
        done
        for p in $(cat "$V2ROOT/.tasks/cgroup.procs" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
        setfattr -x trusted.cgcompat.notify_on_release "$V2ROOT" 2>/dev/null
        setfattr -x trusted.cgcompat.clone_children "$V2ROOT" 2>/dev/null
        setfattr -x trusted.cgcompat.aliases "$V2ROOT" 2>/dev/null
        : > "$AGENT_LOG"
}

write_config
for f in t_*.sh; do . "./$f"; done
start_daemon || exit 1

passed=0 failed=0 failures=
for t in $(declare -F | awk '{ print $3 }' | grep '^test_' | grep -- "$PATTERN" | grep -v -- "${EXCLUDE:-^$}"); do
        reset_tree
        [ -n "$(daemon_pid)" ] || start_daemon || exit 1
        start=$(date +%s.%N)
        # Not in an if: bash ignores set -e in a subshell that is a condition.
        (set -e; cd /; "$t")
        if [ $? = 0 ]; then
                passed=$((passed + 1))
                printf 'ok   %-50s %5.2fs\n' "$t" "$(echo "$(date +%s.%N) - $start" | bc)"
        else
                failed=$((failed + 1))
                failures="$failures $t"
                printf 'FAIL %s\n' "$t"
        fi
        # A daemon that died must not take the following tests with it.
        if [ -n "$(daemon_pid)" ] && daemon_dead "$(daemon_pid)"; then
                echo "the daemon died during $t:" >&2
                tail -n 40 "$DAEMON_LOG" >&2
                failed=$((failed + 1))
                failures="$failures daemon-died-in-$t"
                kill9_daemon
                unmount_all
        fi
done

stop_daemon || { echo "daemon exited with an error on SIGTERM"; failed=$((failed + 1)); }
if mounted; then
        echo "the view is still mounted after SIGTERM"
        failed=$((failed + 1))
fi
if mounted "$LEGACY"; then
        echo "the legacy root is still mounted after SIGTERM"
        failed=$((failed + 1))
fi
[ -n "$failures" ] && echo "failed:$failures"
echo "integration: $passed passed, $failed failed"
[ "$failed" = 0 ]
