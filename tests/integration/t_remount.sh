# Views must not disappear: not through umount(8)'s fallback to mount sources, and when they
# are unmounted from outside anyway, the daemon mounts them again (issue 14).

# util-linux: "umount NAME/" with NAME/ not a mount point looks for a mount whose source is
# NAME. A legacy test does "mount -t cgroup xxx cgroup/" then "umount cgroup/". Run in a
# mount namespace of its own: there the fallback takes some other copy (the machine's v1
# hierarchies are "cgroup" too), never a mount outside it.
test_remount_umount_fallback_takes_no_view() {
        local cwd=$WORK/fallback left
        mkdir -p "$cwd/cgroup" "$cwd/container" "$cwd/cgroup2"
        left=$(unshare -m --propagation private sh -c '
                cd "$1" || exit 1
                for name in cgroup container cgroup2 cgroup cgroup2; do umount "$name/" 2>/dev/null; done
                cat /proc/self/mountinfo' sh "$cwd")
        rm -rf "$cwd"
        for m in "$VIEW" "$V1VIEW" "$FREEZER" "$UNIFIED" "$LEGACY"; do
                echo "$left" | awk -v m="$m" '$5 == m { found = 1 } END { exit !found }' ||
                        fail "$m unmounted by the fallback"
        done
}

# Served again at M within 2 s: mounted, and a listing (which always reaches the daemon) answers.
served_again() {
        local m=$1 file=$2 t0 t1
        t0=$(date +%s%N)
        wait_for 100 sh -c 'awk -v m="$1" "\$2 == m && \$3 == \"fuse.cgcompat\" { f = 1 } END { exit !f }" /proc/mounts &&
                ls "$1" 2>/dev/null | grep -qx "$2"' sh "$m" "$file" || { fail "$m not served again within 2 s"; return 1; }
        t1=$(date +%s%N)
        echo "    $m served again after $(( (t1 - t0) / 1000000 )) ms" >&2
}

# The registry's device line of each view is its mount's device in mountinfo.
registry_devices_match() {
        local view dev m real
        for view in "$VIEW" "$V1VIEW" "$FREEZER" "$UNIFIED"; do
                dev=$(awk -v m="$view" '$1 == "device" && substr($0, length($1 " " $2 " ") + 1) == m { print $2 }' \
                        "$WORK/run/views")
                real=$(awk -v m="$view" '$5 == m && / - fuse.cgcompat / { d = $3 } END { print d }' /proc/self/mountinfo)
                [ -n "$real" ] && [ "$dev" = "$real" ] || { fail "registry device of $view [$dev], mountinfo [$real]"; return 1; }
        done
}

# The layers of the view's device at M in mountinfo.
layers() {
        local dev
        dev=$(awk -v m="$1" '$5 == m && / - fuse.cgcompat / { d = $3 } END { print d }' /proc/self/mountinfo)
        awk -v m="$1" -v d="$dev" '$5 == m && $3 == d' /proc/self/mountinfo | wc -l
}
layers_are() {
        [ "$(layers "$2")" = "$1" ]
}

# Each view is stacked on itself: an outside umount takes the top layer only.
test_remount_views_are_stacked() {
        for m in "$VIEW" "$V1VIEW" "$FREEZER" "$UNIFIED"; do
                expect_eq "layers at $m" 2 "$(layers "$m")"
        done
}

test_remount_registry_names_devices() {
        registry_devices_match
        # One device line right after each view line.
        expect_eq "device lines follow view lines" "$(grep -c '^view ' "$WORK/run/views")" \
                "$(grep -A1 '^view ' "$WORK/run/views" | grep -c '^device ')"
}

test_remount_after_umount() {
        local log_lines
        mkdir -p "$VIEW/u/v" "$V1VIEW/u"
        sh -c 'echo $$ > "$1/u/v/tasks"; exec sleep 60' sh "$VIEW" &
        member=$!
        wait_for 50 grep -qx "$member" "$VIEW/u/v/tasks"
        log_lines=$(wc -l < "$DAEMON_LOG")
        umount "$VIEW"
        served_again "$VIEW" tasks
        tail -n +"$((log_lines + 1))" "$DAEMON_LOG" | grep -q "^$VIEW: unmounted from outside.*stacked again" ||
                fail "no log line: $(tail -n 5 "$DAEMON_LOG")"
        wait_for 100 layers_are 2 "$VIEW" || fail "not stacked again: $(layers "$VIEW") layers"
        expect_eq "groups and tasks made before" "$member" "$(cat "$VIEW/u/v/tasks")"
        [ -d "$V1VIEW/u" ] || fail "the other view lost u"
        registry_devices_match
        # It serves as before: mkdir and rmdir through the new mount.
        mkdir "$VIEW/u/w" && rmdir "$VIEW/u/w"
        kill "$member"
        wait "$member" 2>/dev/null || true
        rmdir "$VIEW/u/v" "$VIEW/u" "$V1VIEW/u"
}

# umount -l with a file open: the detached top layer keeps the connection, no ENODEV comes;
# the mount table says a layer is gone. The file open on it works on: the same connection.
test_remount_after_lazy_umount_with_open_file() {
        local log_lines status=0
        mkdir "$V1VIEW/l"
        log_lines=$(wc -l < "$DAEMON_LOG")
        exec 3< "$V1VIEW/l/tasks"
        umount -l "$V1VIEW"
        served_again "$V1VIEW" tasks
        tail -n +"$((log_lines + 1))" "$DAEMON_LOG" | grep -q "$V1VIEW: unmounted from outside.*stacked again" ||
                fail "no log line: $(tail -n 5 "$DAEMON_LOG")"
        wait_for 100 layers_are 2 "$V1VIEW" || fail "not stacked again: $(layers "$V1VIEW") layers"
        timeout 2 cat <&3 > /dev/null 2>&1 || status=$?
        exec 3<&-
        expect_eq "a read on the detached layer" 0 "$status"
        [ -d "$V1VIEW/l" ] || fail "l lost"
        registry_devices_match
        rmdir "$V1VIEW/l"
}

# The legacy root tmpfs unmounted lazily takes every view in it, both layers: all are
# mounted again, new connections, the root first.
test_remount_after_legacy_root_lazy_umount() {
        local log_lines
        mkdir "$FREEZER/f"
        log_lines=$(wc -l < "$DAEMON_LOG")
        umount -l "$LEGACY"
        for m in "$V1VIEW" "$FREEZER"; do served_again "$m" tasks; done
        served_again "$UNIFIED" cgroup.procs
        mounted "$LEGACY" || fail "the legacy root is not mounted again"
        expect_eq "freezer link" "freezer,cpuacct" "$(readlink "$LEGACY/freezer")"
        tail -n +"$((log_lines + 1))" "$DAEMON_LOG" | grep -q "$LEGACY: the legacy root was unmounted from outside" ||
                fail "no log line for the legacy root: $(tail -n 5 "$DAEMON_LOG")"
        tail -n +"$((log_lines + 1))" "$DAEMON_LOG" | grep -q "$FREEZER: unmounted from outside: mounted again, a new connection" ||
                fail "no log line for $FREEZER: $(tail -n 5 "$DAEMON_LOG")"
        for m in "$V1VIEW" "$FREEZER" "$UNIFIED"; do layers_are 2 "$m" || fail "$m: $(layers "$m") layers"; done
        [ -d "$FREEZER/f" ] || fail "f lost"
        registry_devices_match
        rmdir "$FREEZER/f"
}

# A legacy script reading tasks every few ms across 20 unmounts from outside (umount, or
# umount -l with REMOUNT_UMOUNT=-l), the figure behind the choice of remounting over
# stacking (README): prints how many reads failed, none since views are stacked.
reader_across_umounts() {
        local reader reads failures tries
        mkdir "$VIEW/r"
        rm -f "$WORK/reader.stop"
        trap 'touch "$WORK/reader.stop"' EXIT
        (
                n=0 bad=0
                while [ ! -e "$WORK/reader.stop" ]; do
                        n=$((n + 1))
                        cat "$VIEW/r/tasks" > /dev/null 2>&1 || bad=$((bad + 1))
                        sleep 0.003
                done
                echo "$n $bad"
        ) > "$WORK/reader.out" 2>&1 &
        reader=$!
        for _ in $(seq 20); do
                sleep 0.05
                # A plain umount fails (EBUSY) while the reader has the file open: as an admin would, again.
                tries=0
                until umount $1 "$VIEW" 2>/dev/null; do
                        tries=$((tries + 1))
                        [ "$tries" -lt 1000 ] || { fail "umount $1 $VIEW keeps failing"; return 1; }
                done
                served_again "$VIEW" tasks 2>/dev/null
        done
        sleep 0.05
        touch "$WORK/reader.stop"
        wait "$reader"
        read -r reads failures < "$WORK/reader.out"
        echo "    umount $1: $reads reads across 20 umounts, $failures failed" >&2
        rmdir "$VIEW/r"
        echo "$failures"
}

test_remount_reader_across_umounts() {
        expect_eq "failed reads" 0 "$(reader_across_umounts "")"
}

test_remount_reader_across_lazy_umounts() {
        expect_eq "failed reads" 0 "$(reader_across_umounts -l)"
}

# The daemon stacks the view again while a process holds the view's root: a lookup in it
# waits for the daemon with the directory's lock taken, which the bind also takes. The
# daemon must answer the lookup, not wait for the lock. Every step is bounded: a daemon
# that waits for the lock never answers again.
test_remount_while_a_lookup_holds_the_root() {
        local pid looker status
        pid=$(daemon_pid)
        kill -STOP "$pid"
        # umount -l by umount2(2) itself: umount(8) would ask the stopped daemon for the
        # filesystem's statistics.
        python3 -c 'import ctypes, os, sys
if ctypes.CDLL(None, use_errno=True).umount2(sys.argv[1].encode(), 2): sys.exit(os.strerror(ctypes.get_errno()))' "$VIEW" ||
                { kill -CONT "$pid"; fail "umount2 $VIEW"; return 1; }
        # The lookup comes after the umount: the daemon sees the mount table change first.
        timeout -s KILL 20 stat "$VIEW/nosuch" > /dev/null 2>&1 &
        looker=$!
        sleep 0.3
        kill -CONT "$pid"
        status=0
        wait "$looker" || status=$?
        expect_eq "the lookup's answer (stat's status; 137: killed after 20 s)" 1 "$status"
        wait_for 100 layers_are 2 "$VIEW" || fail "not stacked again: $(layers "$VIEW") layers"
        timeout -s KILL 5 ls "$VIEW" | grep -qx tasks || fail "$VIEW does not answer"
}

# Two umounts in a row may take both layers before the daemon stacks again: then it is a new
# mount, and the groups are all there.
test_remount_after_both_layers_unmounted() {
        mkdir "$VIEW/both"
        umount -l "$VIEW"
        umount -l "$VIEW" 2>/dev/null || true
        served_again "$VIEW" tasks
        wait_for 100 layers_are 2 "$VIEW" || fail "not stacked: $(layers "$VIEW") layers"
        [ -d "$VIEW/both" ] || fail "both lost"
        registry_devices_match
        rmdir "$VIEW/both"
}

# A view that cannot be mounted again: the daemon exits 1 and says why, rather than serve
# without it (under systemd, Restart=on-failure starts it again).
test_remount_impossible_exits_nonzero() {
        local daemon status=0
        # LeakSanitizer needs fds of its own at exit: a sanitized daemon would die of it instead.
        if grep -q __asan_init "$CGCOMPATD"; then
                echo "    skipped: the daemon is built with sanitizers" >&2
                return 0
        fi
        # A daemon of this test's own, a child of this shell, to wait for its exit status.
        stop_daemon
        ${DAEMON_WRAPPER:-} "$CGCOMPATD" -c "$CONFIG" >> "$DAEMON_LOG" 2>&1 &
        daemon=$!
        wait_for 200 sh -c 'ls "$1" 2>/dev/null | grep -qx tasks' sh "$V1VIEW" || fail "the daemon did not come up"
        # No fd can be opened any more: not the mount table, not /dev/fuse.
        prlimit --pid "$daemon" --nofile=3:3
        umount -l "$LEGACY"
        wait "$daemon" || status=$?
        [ "$status" = 1 ] || fail "exit status $status, log: $(tail -n 8 "$DAEMON_LOG")"
        grep -q "exiting rather than serve without" "$DAEMON_LOG" || fail "log: $(tail -n 5 "$DAEMON_LOG")"
        unmount_all
        start_daemon
}
