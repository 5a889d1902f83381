# notify_on_release and the release agent.

test_notify_flag_parsing_matches_kernel() {
        mkdir "$VIEW/f"
        f=$VIEW/f/notify_on_release
        expect_eq "default" 0 "$(cat "$f")"
        for case in "1:OK:1" "0:OK:0" "2:OK:1" "1\\n:OK:1" "+1:OK:1" "0x10:OK:1" "010:OK:1" "0\\n:OK:0" \
                " 1:EINVAL:0" "1 :EINVAL:0" "1 \\n:EINVAL:0" "-1:EINVAL:0" "08:EINVAL:0" "abc:EINVAL:0" \
                "1 2:EINVAL:0" "-0:EINVAL:0" "99999999999999999999:ERANGE:0"; do
                value=${case%%:*}
                rest=${case#*:}
                echo 0 > "$f"
                expect_eq "write [$value]" "${rest%%:*}" "$(write_once "$f" "$value")"
                expect_eq "read after [$value]" "${rest#*:}" "$(cat "$f")"
        done
        expect_eq "4096 zeros" OK "$(write_once "$f" "$(printf '0%.0s' $(seq 4096))")"
        expect_eq "4097 bytes" E2BIG "$(write_once "$f" "$(printf '0%.0s' $(seq 4097))")"
}

test_notify_flag_is_inherited() {
        mkdir "$VIEW/parent"
        echo 1 > "$VIEW/parent/notify_on_release"
        mkdir "$VIEW/parent/child"
        expect_eq "inherited" 1 "$(cat "$VIEW/parent/child/notify_on_release")"
        echo 0 > "$VIEW/parent/notify_on_release"
        mkdir "$VIEW/parent/child2"
        expect_eq "not inherited" 0 "$(cat "$VIEW/parent/child2/notify_on_release")"
        expect_eq "earlier child keeps it" 1 "$(cat "$VIEW/parent/child/notify_on_release")"
        rmdir "$VIEW/parent/child" "$VIEW/parent/child2" "$VIEW/parent"
}

agent_called_with() {
        grep -qx "$1 HOME=/ PATH=/sbin:/bin:/usr/sbin:/usr/bin" "$AGENT_LOG"
}

agent_calls_are() {
        [ "$(grep -c "^$1 " "$AGENT_LOG")" = "$2" ]
}

test_release_agent_runs_when_abandoned() {
        mkdir -p "$VIEW/rel/sub"
        echo 1 > "$VIEW/rel/sub/notify_on_release"
        sh -c 'echo $$ > "$1/rel/sub/tasks"; sleep 0.2' sh "$VIEW"
        wait_for 100 agent_called_with /rel/sub || fail "agent not run: $(cat "$AGENT_LOG")"
        expect_eq "one call" 1 "$(wc -l < "$AGENT_LOG")"
        # The parent is not flagged: removing its last child calls nothing for it.
        rmdir "$VIEW/rel/sub"
        sleep 0.2
        expect_eq "still one call" 1 "$(wc -l < "$AGENT_LOG")"
        rmdir "$VIEW/rel"
}

# A task that leaves at once is announced by the kernel 10 ms late; the daemon, which made the
# attach, looks again by itself meanwhile. Either way one abandonment is one call.
quick_calls_reach() {
        [ "$(grep -c '^/quick ' "$AGENT_LOG")" -ge "$1" ]
}

test_release_agent_once_for_each_quick_exit() {
        mkdir "$VIEW/quick"
        echo 1 > "$VIEW/quick/notify_on_release"
        for i in $(seq 10); do
                sh -c 'echo $$ > "$1/quick/tasks"' sh "$VIEW"
                wait_for 100 quick_calls_reach "$i" || fail "exit $i not released: $(cat "$AGENT_LOG")"
        done
        sleep 0.1 # past the kernel's own, late, events
        expect_eq "calls" 10 "$(grep -c '^/quick ' "$AGENT_LOG")"
        rmdir "$VIEW/quick"
}

test_release_agent_parent_released_by_last_child_removal() {
        mkdir "$VIEW/top"
        echo 1 > "$VIEW/top/notify_on_release"
        mkdir "$VIEW/top/a" "$VIEW/top/b"
        echo 0 > "$VIEW/top/a/notify_on_release"
        echo 0 > "$VIEW/top/b/notify_on_release"
        rmdir "$VIEW/top/a"
        sleep 0.1
        agent_called_with /top && fail "released while a child remained"
        rmdir "$VIEW/top/b"
        wait_for 100 agent_called_with /top || fail "parent not released: $(cat "$AGENT_LOG")"
        rmdir "$VIEW/top"
}

test_release_agent_not_run_for_populated_or_unflagged() {
        mkdir "$VIEW/keep" "$VIEW/plain"
        echo 1 > "$VIEW/keep/notify_on_release"
        sh -c 'echo $$ > "$1/keep/tasks"; exec sleep 30' sh "$VIEW" &
        stay=$!
        wait_for 50 grep -qx "$stay" "$VIEW/keep/tasks"
        # A second task comes and goes: the group stays populated.
        sh -c 'echo $$ > "$1/keep/tasks"; sleep 0.1' sh "$VIEW"
        sh -c 'echo $$ > "$1/plain/tasks"; sleep 0.1' sh "$VIEW"
        sleep 0.3
        expect_eq "no calls" "" "$(cat "$AGENT_LOG")"
        # Setting the flag on an empty group calls nothing by itself, as in the kernel.
        echo 1 > "$VIEW/plain/notify_on_release"
        sleep 0.2
        expect_eq "still no calls" "" "$(cat "$AGENT_LOG")"
        kill "$stay"
        wait "$stay" 2>/dev/null || true
        wait_for 100 agent_called_with /keep || fail "not released after the last exit"
        rmdir "$VIEW/keep" "$VIEW/plain"
}

test_release_agent_uses_legacy_names() {
        mkdir "$VIEW/old"
        mv "$VIEW/old" "$VIEW/new"
        echo 1 > "$VIEW/new/notify_on_release"
        sh -c 'echo $$ > "$1/new/tasks"' sh "$VIEW"
        wait_for 100 agent_called_with /new || fail "agent: $(cat "$AGENT_LOG")"
        rmdir "$VIEW/new"
}

test_release_agent_file_is_root_only() {
        expect_eq "default agent" "$WORK/agent" "$(cat "$VIEW/release_agent")"
        expect_errno "No such file" cat "$VIEW/x/release_agent"
        mkdir "$VIEW/x"
        expect_errno "No such file" cat "$VIEW/x/release_agent"
        # CAP_SYS_ADMIN in the initial user namespace, else EPERM (CVE-2022-0492).
        expect_eq "root without CAP_SYS_ADMIN" EPERM \
                "$(setpriv --inh-caps=-sys_admin --bounding-set=-sys_admin bash -c "$(declare -f write_once); write_once $VIEW/release_agent /tmp/evil")"
        expect_eq "root in a user namespace" EPERM \
                "$(unshare --user --map-root-user bash -c "$(declare -f write_once); write_once $VIEW/release_agent /tmp/evil")"
        expect_eq "too long" E2BIG "$(write_once "$VIEW/release_agent" "/$(printf 'a%.0s' $(seq 4095))")"
        expect_eq "agent unchanged" "$WORK/agent" "$(cat "$VIEW/release_agent")"
        echo " $WORK/agent2 " > "$VIEW/release_agent"
        expect_eq "stripped" "$WORK/agent2" "$(cat "$VIEW/release_agent")"
        echo "$WORK/agent" > "$VIEW/release_agent"
        rmdir "$VIEW/x"
}
