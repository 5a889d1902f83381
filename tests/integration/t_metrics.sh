# Prometheus metrics for node_exporter's textfile collector (metrics_textfile): known operations
# through a view, then the exact counts in the file the daemon rewrites every second.

METRICS_DIR=$WORK/metrics
METRICS_FILE=$METRICS_DIR/cgcompat.prom

# The daemon serves the rest of the test writing metrics to $1 every second, and as before after it.
metrics_use() {
        stop_daemon
        [ -e "$WORK/config.metrics.saved" ] || cp "$CONFIG" "$WORK/config.metrics.saved"
        cp "$WORK/config.metrics.saved" "$CONFIG"
        printf 'metrics_textfile: %s\nmetrics_interval: 1s\n' "$1" >> "$CONFIG"
        trap 'stop_daemon; mv "$WORK/config.metrics.saved" "$CONFIG"; start_daemon' EXIT
        start_daemon
}

# The value of one series, exactly as written ("name{labels}"); empty if there is no such line.
metric() {
        awk -v s="$1" '$1 == s { print $2 }' "$METRICS_FILE"
}

# Gauges come from a walk of the tree that a large or slow tree makes less frequent than the
# writes (at most 1% of the daemon's time): their value is waited for, up to 5 s.
metrics_wait_value() {
        local what=$1 expected=$2 series=$3
        for _ in $(seq 250); do
                [ "$(metric "$series")" = "$expected" ] && return 0
                sleep 0.02
        done
        expect_eq "$what" "$expected" "$(metric "$series")"
}

metrics_mtime() {
        stat -c %.9Y "$METRICS_FILE" 2> /dev/null || echo none
}

# Waits for a write that began after everything done so far: the daemon counts a request
# before it looks at its timer, so a file written after now has every answered request in it.
metrics_wait_write() {
        local before
        before=$(metrics_mtime)
        for _ in $(seq 150); do
                [ "$(metrics_mtime)" != "$before" ] && return 0
                sleep 0.02
        done
        fail "$METRICS_FILE not rewritten within 3 s"
}

# One open, one read(2) of up to 100 bytes, one close: one FUSE READ (the views use direct I/O).
metrics_read_once() {
        python3 -c 'import os, sys; fd = os.open(sys.argv[1], os.O_RDONLY); os.read(fd, 100); os.close(fd)' "$1"
}

# Every sample's metric has a # TYPE line before it (a histogram's _bucket, _sum and _count
# are its own), and every sample is "name{labels} number".
metrics_valid() {
        awk '
                /^# TYPE / { type[$3] = $4; next }
                /^# HELP / { next }
                /^#/ || !NF { print "stray line: " $0; bad = 1; next }
                {
                        name = $1; sub(/\{.*/, "", name)
                        base = name; sub(/_(bucket|sum|count)$/, "", base)
                        if (!(name in type) && type[base] != "histogram") { print "no TYPE for " $1; bad = 1 }
                        if ($0 !~ /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-z_]+="([^"\\]|\\.)*"(,[a-z_]+="([^"\\]|\\.)*")*\})? [0-9.e+-]+$/) {
                                print "not a sample: " $0; bad = 1
                        }
                }
                END { exit bad }' "$METRICS_FILE"
}

test_metrics_counts() {
        local task restarts
        mkdir -p "$METRICS_DIR"
        metrics_use "$METRICS_FILE"
        wait_for 150 test -s "$METRICS_FILE" || fail "no metrics file after start"
        expect_eq "mode" 644 "$(stat -c %a "$METRICS_FILE")"
        restarts=$(metric cgcompat_restarts_total)

        mkdir "$VIEW/m1" "$VIEW/m2" "$VIEW/m3"
        rmdir "$VIEW/m3"
        expect_eq "write of x" EINVAL "$(write_once "$VIEW/m1/notify_on_release" x)"
        for _ in 1 2 3 4 5; do metrics_read_once "$VIEW/m1/notify_on_release"; done
        metrics_wait_write

        metrics_valid || fail "not a valid exposition"
        expect_eq "mkdir ok" 3 "$(metric 'cgcompat_requests_total{view="container",op="mkdir",result="ok"}')"
        expect_eq "rmdir ok" 1 "$(metric 'cgcompat_requests_total{view="container",op="rmdir",result="ok"}')"
        expect_eq "write EINVAL" 1 "$(metric 'cgcompat_requests_total{view="container",op="write",result="EINVAL"}')"
        expect_eq "write ok" "" "$(metric 'cgcompat_requests_total{view="container",op="write",result="ok"}')"
        expect_eq "read ok" 5 "$(metric 'cgcompat_requests_total{view="container",op="read",result="ok"}')"
        expect_eq "mkdir through another view" "" "$(metric 'cgcompat_requests_total{view="name=cgcompat",op="mkdir",result="ok"}')"
        # libfuse answers what view_ops has no handler for (the kernel asks for flush once, then no more).
        expect_eq "flush ENOSYS" 1 "$(metric 'cgcompat_requests_total{view="container",op="flush",result="ENOSYS"}')"
        expect_eq "mkdir latencies" 3 "$(metric 'cgcompat_request_duration_seconds_count{op="mkdir"}')"
        expect_eq "mkdir latencies, +Inf" 3 "$(metric 'cgcompat_request_duration_seconds_bucket{op="mkdir",le="+Inf"}')"
        expect_eq "views" 4 "$(metric cgcompat_views)"
        metrics_wait_value "groups" 2 cgcompat_groups
        metrics_wait_value "tasks" 0 cgcompat_tasks

        # Nested groups, and one made directly in v2 that has no leaf yet: the walk goes down them.
        mkdir -p "$VIEW/m1/n1/o1"
        mkdir "$V2ROOT/direct"
        metrics_wait_write
        metrics_wait_value "groups, nested and direct" 5 cgcompat_groups

        sleep 60 &
        task=$!
        echo "$task" > "$VIEW/m1/tasks"
        metrics_wait_write
        metrics_wait_value "tasks with a sleep in m1" 1 cgcompat_tasks
        expect_eq "the write to tasks" 1 "$(metric 'cgcompat_requests_total{view="container",op="write",result="ok"}')"
        kill "$task"
        wait "$task" 2> /dev/null || true

        # A flagged group abandoned: its agent ($WORK/agent, which logs its calls) starts once.
        expect_eq "no release yet" 0 "$(metric cgcompat_releases_total)"
        mkdir "$VIEW/r1"
        echo 1 > "$VIEW/r1/notify_on_release"
        sh -c 'echo $$ > "$1/tasks"' sh "$VIEW/r1"
        wait_for 250 grep -q "^/r1 " "$AGENT_LOG" || fail "the agent did not run for /r1"
        metrics_wait_write
        expect_eq "releases" 1 "$(metric cgcompat_releases_total)"
        expect_eq "release failures" 0 "$(metric cgcompat_release_failures_total)"
        expect_eq "memory event registrations" 0 "$(metric cgcompat_memory_event_registrations)"
        rmdir "$VIEW/r1"

        # A start after this one is counted in the runtime directory, which outlives the daemon.
        stop_daemon
        start_daemon
        wait_for 150 test -s "$METRICS_FILE"
        metrics_wait_write
        expect_eq "restarts" $((restarts + 1)) "$(metric cgcompat_restarts_total)"
        expect_eq "mkdir after a restart" "" "$(metric 'cgcompat_requests_total{view="container",op="mkdir",result="ok"}')"
        # The start completed "direct" with its leaf; the count is the same.
        [ -d "$V2ROOT/direct/.tasks" ] || fail "direct was not completed at start"
        metrics_wait_value "groups after a restart" 5 cgcompat_groups
        rmdir "$VIEW/m1/n1/o1" "$VIEW/m1/n1" "$VIEW/m1" "$VIEW/m2"
        metrics_wait_write
        metrics_wait_value "groups after rmdir" 1 cgcompat_groups
}

# A missing directory is waited for, said once in the log; the daemon serves on either way.
test_metrics_missing_or_unwritable_directory() {
        local log_lines
        rm -rf "$METRICS_DIR"
        log_lines=$(wc -l < "$DAEMON_LOG")
        metrics_use "$METRICS_FILE"
        mkdir "$VIEW/still-served"
        rmdir "$VIEW/still-served"
        sleep 2.2
        expect_eq "said once" 1 "$(tail -n +$((log_lines + 1)) "$DAEMON_LOG" | grep -c "$METRICS_FILE: its directory does not exist")"
        [ ! -e "$METRICS_DIR" ] || fail "the daemon made the directory"
        mkdir "$METRICS_DIR"
        wait_for 150 test -s "$METRICS_FILE" || fail "not written once the directory exists"
        grep -q "$METRICS_FILE: metrics written again" "$DAEMON_LOG" || fail "no word that it is written again"
        metrics_valid

        # A file where the directory should be: ENOTDIR, a warning, and still serving.
        : > "$WORK/not-a-dir"
        metrics_use "$WORK/not-a-dir/cgcompat.prom"
        mkdir "$VIEW/still-served"
        rmdir "$VIEW/still-served"
        wait_for 150 grep -q "$WORK/not-a-dir/cgcompat.prom: cannot write the metrics, trying again at each interval: Not a directory" "$DAEMON_LOG" ||
                fail "no warning for a directory that is a file"
        rm -f "$WORK/not-a-dir"
        rm -rf "$METRICS_DIR"
}
