# The daemon keeps no state of its own: kill -9 it, start it again, nothing is lost.

test_restart_after_kill9_loses_nothing() {
        mkdir -p "$VIEW/r1/r2" "$VIEW/r3" "$VIEW/cgroup.procs"
        mv "$VIEW/r3" "$VIEW/renamed"
        echo 1 > "$VIEW/r1/notify_on_release"
        chown nobody "$VIEW/r1/tasks"
        sh -c 'echo $$ > "$1/r1/r2/tasks"; exec sleep 60' sh "$VIEW" &
        member=$!
        wait_for 50 grep -qx "$member" "$VIEW/r1/r2/tasks"
        before=$(cd "$VIEW" && find . | sort; cat r1/notify_on_release r1/r2/notify_on_release r1/r2/tasks; stat -c %U r1/tasks)

        kill9_daemon
        expect_errno "Transport endpoint is not connected" ls "$VIEW"
        start_daemon
        after=$(cd "$VIEW" && find . | sort; cat r1/notify_on_release r1/r2/notify_on_release r1/r2/tasks; stat -c %U r1/tasks)
        expect_eq "tree, names, flags, members, owners" "$before" "$after"

        # The restarted daemon still releases what was flagged before it died.
        kill "$member"
        wait "$member" 2>/dev/null || true
        rmdir "$VIEW/r1/r2"
        wait_for 100 agent_called_with /r1 || fail "no release after restart: $(cat "$AGENT_LOG")"
        rmdir "$VIEW/r1" "$VIEW/renamed" "$VIEW/cgroup.procs"
}

test_restart_releases_groups_abandoned_while_down() {
        mkdir "$VIEW/down"
        echo 1 > "$VIEW/down/notify_on_release"
        sh -c 'echo $$ > "$1/down/tasks"; exec sleep 60' sh "$VIEW" &
        member=$!
        wait_for 50 grep -qx "$member" "$VIEW/down/tasks"
        kill9_daemon
        kill "$member"
        wait "$member" 2>/dev/null || true
        : > "$AGENT_LOG"
        start_daemon
        wait_for 100 agent_called_with /down || fail "not released at start: $(cat "$AGENT_LOG")"
        rmdir "$VIEW/down"
}

test_sigterm_unmounts_and_exits_zero() {
        stop_daemon || fail "exit status $? on SIGTERM"
        mounted && fail "still mounted"
        start_daemon
}

# What a kill -9 in the middle of mkdir leaves behind is completed or removed at the next start.
test_restart_completes_groups_cut_short() {
        mkdir "$VIEW/flagged"
        echo 1 > "$VIEW/flagged/notify_on_release"
        kill9_daemon
        # mkdir cut short after the v2 mkdir: no leaf, no inherited flag yet.
        mkdir "$V2ROOT/flagged/half"
        # An alias cut short before its legacy name was recorded.
        mkdir "$V2ROOT/flagged/cgcompat-0badcafe"
        start_daemon
        [ -d "$V2ROOT/flagged/half/.tasks" ] || fail "leaf not made"
        expect_eq "flag inherited" 1 "$(cat "$VIEW/flagged/half/notify_on_release")"
        [ ! -e "$V2ROOT/flagged/cgcompat-0badcafe" ] || fail "unnamed alias left behind"
        expect_eq "listing" "half notify_on_release tasks" "$(ls "$VIEW/flagged" | tr '\n' ' ' | sed 's/ $//')"
        # Made directly in v2, half is held by every view that holds its parent: here the container view.
        rmdir "$VIEW/flagged/half" "$VIEW/flagged"
        [ ! -e "$V2ROOT/flagged" ] || fail "flagged outlived its only view's rmdir"
}

# A group whose agent already ran is not released again by every restart.
test_restart_does_not_release_twice() {
        mkdir "$VIEW/once"
        echo 1 > "$VIEW/once/notify_on_release"
        sh -c 'echo $$ > "$1/once/tasks"' sh "$VIEW"
        wait_for 100 agent_called_with /once || fail "not released"
        kill9_daemon
        start_daemon
        stop_daemon
        start_daemon
        sleep 0.2
        expect_eq "calls" 1 "$(grep -c '^/once ' "$AGENT_LOG")"
        # Used again through the view, it is released again when abandoned.
        sh -c 'echo $$ > "$1/once/tasks"' sh "$VIEW"
        wait_for 100 agent_calls_are /once 2 || fail "not released the second time"
        rmdir "$VIEW/once"
}
