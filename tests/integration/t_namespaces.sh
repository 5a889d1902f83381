# Pids cross into the caller's pid namespace, both ways (DESIGN.md invariant 5).

test_pidns_reader_sees_its_own_numbering() {
        mkdir "$VIEW/ns"
        # Inside a new pid namespace the shell is pid 1; it attaches itself with "1", then lists.
        out=$(unshare --pid --fork --mount-proc sh -c '
                echo 1 > "$1/ns/tasks"
                sleep 30 &
                echo $! > "$1/ns/tasks"
                echo "sleep $!"
                cat "$1/ns/tasks"
                kill $!' sh "$VIEW")
        sleeper=$(echo "$out" | sed -n 's/^sleep //p')
        listed=$(echo "$out" | grep -v '^sleep')
        # The shell (1), the sleeper and cat, in the namespace's small numbers, sorted.
        expect_eq "count" 3 "$(echo "$listed" | wc -l)"
        expect_eq "first" 1 "$(echo "$listed" | head -n1)"
        echo "$listed" | grep -qx "$sleeper" || fail "sleeper $sleeper not listed: $listed"
        expect_eq "sorted" "$(echo "$listed" | sort -n)" "$listed"
        [ "$(echo "$listed" | tail -n1)" -lt 100 ] || fail "host numbering leaked: $listed"
        wait_for_lines 0 "$VIEW/ns/tasks"
}

test_pidns_outside_tasks_are_invisible_inside() {
        mkdir "$VIEW/mixed"
        sleep 30 &
        outside=$!
        echo "$outside" > "$VIEW/mixed/tasks"
        out=$(unshare --pid --fork --mount-proc sh -c '
                echo 0 > "$1/mixed/tasks"
                cat "$1/mixed/tasks"' sh "$VIEW")
        # The reader sees itself (pid 1) and cat (pid 2), never the task outside its namespace.
        expect_eq "listed inside" "1
2" "$out"
        # A pid of the host written from inside names the namespace's task of that number, if any.
        out=$(unshare --pid --fork --mount-proc sh -c "
                $(declare -f write_once)
                write_once '$VIEW/mixed/tasks' $outside" 2>&1)
        expect_eq "host pid from inside" ESRCH "$out"
        expect_eq "still listed outside" "$outside" "$(cat "$VIEW/mixed/tasks")"
        kill "$outside"
        wait "$outside" 2>/dev/null || true
}
