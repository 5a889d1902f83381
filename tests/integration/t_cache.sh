# With page_cache: on, settings are read through the kernel's page cache while they stay the
# same. Whatever changes them, by whichever path, the next read shows the change, whole, at its
# new length.

# The daemon serves the rest of this test with page_cache: on, and as before after it.
use_page_cache() {
        stop_daemon
        cp "$CONFIG" "$WORK/config.saved"
        echo "page_cache: on" >> "$CONFIG"
        trap 'stop_daemon; mv "$WORK/config.saved" "$CONFIG"; start_daemon' EXIT
        start_daemon
}

test_cache_read_back_at_every_length() {
        use_page_cache
        ra="$V1VIEW/release_agent"
        old=$(cat "$ra")
        for value in /a /a/much/longer/agent/path / /bb /a/much/longer/agent/path2 /a; do
                echo "$value" > "$ra"
                expect_eq "read back $value" "$value" "$(cat "$ra")"
                expect_eq "from the pages $value" "$value" "$(cat "$ra")"
                expect_eq "size once read, $value" $((${#value} + 1)) "$(stat -c %s "$ra")"
        done
        expect_eq "byte by byte" /a "$(dd if="$ra" bs=1 2>/dev/null)"
        echo /abcdef > "$ra"
        expect_eq "a prefix" /ab "$(head -c 3 "$ra")"
        expect_eq "from an offset" "cdef" "$(dd if="$ra" bs=1 skip=3 2>/dev/null)"
        echo "$old" > "$ra"
}

test_cache_sees_a_change_made_beneath() {
        use_page_cache
        mkdir "$VIEW/beneath"
        f="$VIEW/beneath/notify_on_release"
        echo 1 > "$f"
        set_flag=$(getfattr -e hex -n trusted.cgcompat.notify_on_release "$V2ROOT/beneath" 2>/dev/null | sed -n 's/^[^=]*=//p')
        echo 0 > "$f"
        expect_eq "cleared" 0 "$(cat "$f")"
        expect_eq "cleared, from the pages" 0 "$(cat "$f")"
        # Same length, other content: as a restart or another daemon would find the group.
        setfattr -n trusted.cgcompat.notify_on_release -v "$set_flag" "$V2ROOT/beneath"
        expect_eq "set beneath" 1 "$(cat "$f")"
        expect_eq "set beneath, again" 1 "$(cat "$f")"
        echo 0 > "$f"
        rmdir "$VIEW/beneath"
}

test_cache_follows_v2_state_and_counters() {
        use_page_cache
        mkdir "$FREEZER/fz"
        state="$FREEZER/fz/freezer.state"
        expect_eq "thawed" THAWED "$(cat "$state")"
        expect_eq "thawed, again" THAWED "$(cat "$state")"
        echo 1 > "$V2ROOT/fz/cgroup.freeze"
        wait_for 50 grep -qx FROZEN "$state"
        echo 0 > "$V2ROOT/fz/cgroup.freeze"
        expect_eq "thawed in v2" THAWED "$(cat "$state")"

        # A counter grows in length as it counts: every read is one whole, newer number.
        sh -c 'echo $$ > "$1/fz/tasks"; while :; do :; done' sh "$FREEZER" &
        busy=$!
        usage="$FREEZER/fz/cpuacct.usage"
        previous=0
        for _ in $(seq 20); do
                now=$(cat "$usage")
                case "$now" in '' | *[!0-9]*) fail "cpuacct.usage read [$now]" ;; esac
                [ "$now" -ge "$previous" ] || fail "cpuacct.usage went back: $previous, then $now"
                previous=$now
                sleep 0.02
        done
        [ "$previous" -gt 1000000 ] || fail "cpuacct.usage $previous after 0.4 s of a busy loop"
        kill "$busy"
        wait "$busy" 2>/dev/null || true
        echo 0 > "$usage"
        now=$(cat "$usage")
        [ "$now" -lt "$previous" ] || fail "cpuacct.usage $now after a reset from $previous"
        rmdir "$FREEZER/fz"
}

# Without the page cache (the default), readers racing a writer each see one whole value, as
# v1's seq_file gives each open. (With it, a write opened mid-read may cut a read short.)
test_cache_off_whole_values_under_concurrent_writes() {
        ra="$V1VIEW/release_agent"
        old=$(cat "$ra")
        short=/x
        long=/a/much/longer/release/agent
        (
                for _ in $(seq 300); do
                        echo "$short" > "$ra"
                        echo "$long" > "$ra"
                done
        ) &
        writer=$!
        for reader in 1 2; do
                (
                        for _ in $(seq 300); do
                                cat "$ra"
                        done > "$WORK/reads.$reader"
                ) &
        done
        wait
        torn=$(cat "$WORK/reads.1" "$WORK/reads.2" | grep -v -x -e "$short" -e "$long" | head -3)
        expect_eq "torn reads" "" "$torn"
        expect_eq "reads" 600 "$(cat "$WORK/reads.1" "$WORK/reads.2" | wc -l)"
        echo "$old" > "$ra"
        : "$writer"
}
