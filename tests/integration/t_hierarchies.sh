# Independent hierarchies over the one v2 tree (DESIGN.md invariant 3): each view holds its own
# groups, as each v1 hierarchy had its own. Differential cases run against three of the kernel's
# own named v1 hierarchies and against three views (the container view, the named v1 view and
# the freezer,cpuacct view); the outputs must be identical.

# Fixed names, as REF_NAME: every new name lingers in the kernel.
REF_HIERARCHIES="$WORK/v1-ref-a:cgcompat_ref $WORK/v1-ref-b:cgcompat_ref2 $WORK/v1-ref-c:cgcompat_ref3"

hierarchies_mount() {
        local h
        for h in $REF_HIERARCHIES; do reference_mount "${h%%:*}" "${h#*:}"; done
}

hierarchies_cleanup() {
        local h
        for h in $REF_HIERARCHIES; do reference_cleanup "${h%%:*}"; done
}

# Runs case $1 with three hierarchy roots, each shown as H1, H2, H3; pids and numbers normalized.
run_hierarchies_case() {
        local fn=$1 a=$2 b=$3 c=$4
        (cd / && "$fn" "$a" "$b" "$c") 2>&1 |
                sed -e "s|$a|H1|g" -e "s|$b|H2|g" -e "s|$c|H3|g" -e "s|$WORK|WORK|g" -e 's/[0-9]\{3,\}/PID/g'
}

differential_hierarchies() {
        local fn=$1 expected actual
        local -a ref=()
        local h
        for h in $REF_HIERARCHIES; do ref+=("${h%%:*}"); done
        hierarchies_mount
        expected=$(run_hierarchies_case "$fn" "${ref[@]}")
        hierarchies_cleanup
        actual=$(run_hierarchies_case "$fn" "$VIEW" "$V1VIEW" "$FREEZER")
        if [ "$expected" != "$actual" ]; then
                diff <(echo "$expected") <(echo "$actual") | sed 's/^/    /' >&2
                fail "$fn differs from the kernel's v1 hierarchies (< kernel, > cgcompat)"
        fi
}

# The pattern the issue was filed for: one group per hierarchy, made and removed in each.
case_hierarchies_directories() {
        local a=$1 b=$2 c=$3
        mkdir "$a/job"; echo "mkdir in H1: $?"
        mkdir "$b/job"; echo "mkdir in H2: $?"
        mkdir "$b/job" 2>&1; echo "mkdir in H2 again: $?"
        ls -d "$c/job" 2>&1
        rmdir "$a/job"; echo "rmdir in H1: $?"
        ls -d "$a/job" "$b/job" 2>&1
        rmdir "$a/job" 2>&1; echo "rmdir in H1 again: $?"
        mkdir "$a/job/x" 2>&1; echo "mkdir below a group H1 does not have: $?"
        mkdir "$b/job/x"; echo "mkdir below it in H2: $?"
        rmdir "$b/job" 2>&1; echo "rmdir with a child: $?"
        mkdir "$a/job"; echo "mkdir in H1 once more: $?"
        ls "$a/job" | grep -c -x x
        rmdir "$b/job/x" "$b/job" "$a/job"; echo "rmdir all: $?"
        rmdir "$b/job" 2>&1; echo "rmdir in H2 again: $?"
        ls -d "$a/job" "$b/job" "$c/job" 2>&1
}

# systemd's legacy layout: a service deeper in one hierarchy than in another, attached in both.
case_hierarchies_nested_layout() {
        local a=$1 b=$2 c=$3 pid
        mkdir -p "$a/system.slice/foo.service" "$b/system.slice"
        sleep 30 &
        pid=$!
        echo "$pid" > "$a/system.slice/foo.service/tasks"
        echo "$pid" > "$b/system.slice/tasks"
        echo "H1 service: $(cat "$a/system.slice/foo.service/tasks")"
        echo "H1 slice: [$(cat "$a/system.slice/tasks")]"
        echo "H2 slice: $(cat "$b/system.slice/tasks")"
        echo "H3 root has it: $(grep -c -x "$pid" "$c/tasks")"
        rmdir "$b/system.slice" 2>&1; echo "rmdir of H2's slice with the task: $?"
        rmdir "$a/system.slice/foo.service" 2>&1; echo "rmdir of H1's service with the task: $?"
        # Attached again in the shallower hierarchy: nothing moves in the deeper one.
        echo "$pid" > "$b/system.slice/tasks"
        echo "H1 service again: $(cat "$a/system.slice/foo.service/tasks")"
        # Attached at the root of a hierarchy that has no group on its path: nothing moves.
        echo "$pid" > "$c/tasks"
        echo "H1 service still: $(cat "$a/system.slice/foo.service/tasks")"
        echo "H2 slice still: $(cat "$b/system.slice/tasks")"
        kill "$pid"; wait "$pid" 2>/dev/null
        rmdir "$b/system.slice"; echo "rmdir of H2's slice once empty: $?"
        rmdir "$a/system.slice/foo.service" "$a/system.slice"; echo "rmdir in H1: $?"
}

# Each hierarchy releases its own groups: flagged at different depths, one task's exit.
case_hierarchies_release() {
        local a=$1 b=$2 c=$3 pid log=$WORK/hierarchies-agent.log agent
        agent=$(cat "$a/release_agent")
        : > "$log"
        printf '#!/bin/sh\necho "$1" >> %s\n' "$log" > "$WORK/hierarchies-agent"
        chmod 755 "$WORK/hierarchies-agent"
        echo "$WORK/hierarchies-agent" > "$a/release_agent"
        mkdir -p "$a/s/f" "$b/s"
        echo 1 > "$a/s/f/notify_on_release"
        echo 1 > "$b/s/notify_on_release"
        sh -c 'sleep 0.2' &
        pid=$!
        echo "$pid" > "$a/s/f/tasks"
        echo "$pid" > "$b/s/tasks"
        wait "$pid"
        for _ in $(seq 100); do [ -s "$log" ] && break; sleep 0.02; done
        sleep 0.2
        echo "H1's agent: $(sort "$log" | xargs)"
        echo "$agent" > "$a/release_agent"
        rmdir "$a/s/f" "$a/s" "$b/s"; echo "rmdir: $?"
}

test_hierarchies_directories() { differential_hierarchies case_hierarchies_directories; }
test_hierarchies_nested_layout() { differential_hierarchies case_hierarchies_nested_layout; }
test_hierarchies_release() { differential_hierarchies case_hierarchies_release; }

# A legacy script as written for v1, unchanged, under set -e: a group in three hierarchies.
test_hierarchies_set_e_script() {
        local out
        out=$(sh -e -c '
                for h in "$@"; do mkdir "$h/job"; done
                sleep 30 &
                pid=$!
                for h in "$@"; do echo $pid > "$h/job/tasks"; done
                for h in "$@"; do grep -q -x $pid "$h/job/tasks"; done
                kill $pid
                wait $pid || true
                for h in "$@"; do rmdir "$h/job"; done
                echo done' sh "$VIEW" "$V1VIEW" "$FREEZER")
        expect_eq "the script's output" done "$out"
        [ ! -e "$V2ROOT/job" ] || fail "the v2 group outlived every view's rmdir"
}

# Where the task really is: the v2 group behind the deepest placement, in its leaf.
test_hierarchies_v2_placement() {
        mkdir -p "$V1VIEW/system.slice/foo.service" "$FREEZER/system.slice"
        sleep 30 &
        local pid=$!
        echo "$pid" > "$FREEZER/system.slice/tasks"
        expect_eq "v2 group after the freezer attach" "/system.slice/.tasks" "$(v2_cgroup_of "$pid")"
        echo "$pid" > "$V1VIEW/system.slice/foo.service/tasks"
        expect_eq "v2 group after the deeper attach" "/system.slice/foo.service/.tasks" "$(v2_cgroup_of "$pid")"
        echo "$pid" > "$FREEZER/system.slice/tasks"
        expect_eq "v2 group after the freezer attach again" "/system.slice/foo.service/.tasks" "$(v2_cgroup_of "$pid")"
        expect_eq "views holding the slice" "$(printf '\nname=cgcompat\ncpuacct,freezer\n')" \
                "$(getfattr --only-values -n trusted.cgcompat.held "$V2ROOT/system.slice")"
        # The container view holds neither: the task is at its root there already, nothing moves.
        echo "$pid" > "$VIEW/tasks"
        expect_eq "v2 group after the container attach to its root" "/system.slice/foo.service/.tasks" \
                "$(v2_cgroup_of "$pid")"
        # No v2 group is the freezer root and the named view's service: the attach wins, and the
        # named view shows the task where it went.
        echo "$pid" > "$FREEZER/tasks"
        expect_eq "v2 group after the freezer attach to its root" "/.tasks" "$(v2_cgroup_of "$pid")"
        expect_eq "the named view shows it at its root" 1 "$(grep -c -x "$pid" "$V1VIEW/tasks")"
        expect_eq "the named view's service" "" "$(cat "$V1VIEW/system.slice/foo.service/tasks")"
        kill "$pid"; wait "$pid" 2>/dev/null || true
        rmdir "$V1VIEW/system.slice/foo.service" "$V1VIEW/system.slice" "$FREEZER/system.slice"
        [ ! -e "$V2ROOT/system.slice" ] || fail "the v2 group outlived every view's rmdir"
}

# Adopting a group v2 has: the view's own flags start from its parent's, and rmdir releases it
# from that view only, its per-view flags cleared.
test_hierarchies_adopt_and_release() {
        echo 1 > "$FREEZER/notify_on_release"
        mkdir "$V1VIEW/g"
        expect_eq "the named view's flag in its new group" 0 "$(cat "$V1VIEW/g/notify_on_release")"
        [ ! -e "$FREEZER/g" ] || fail "g made in the named view shows in the freezer view"
        mkdir "$FREEZER/g"
        expect_eq "the freezer view's flag, from its parent" 1 "$(cat "$FREEZER/g/notify_on_release")"
        echo 1 > "$V1VIEW/g/notify_on_release"
        rmdir "$V1VIEW/g"
        [ -d "$V2ROOT/g" ] || fail "the v2 group went while the freezer view holds it"
        expect_eq "views holding g" "$(printf '\ncpuacct,freezer\n')" \
                "$(getfattr --only-values -n trusted.cgcompat.held "$V2ROOT/g")"
        expect_eq "notify_on_release left to the freezer view" "$(printf '\ncpuacct,freezer\n')" \
                "$(getfattr --only-values -n trusted.cgcompat.notify_on_release "$V2ROOT/g")"
        mkdir "$V1VIEW/g"
        expect_eq "the named view's flag after making g again" 0 "$(cat "$V1VIEW/g/notify_on_release")"
        rmdir "$V1VIEW/g" "$FREEZER/g"
        echo 0 > "$FREEZER/notify_on_release"
        [ ! -e "$V2ROOT/g" ] || fail "the v2 group outlived every view's rmdir"
}

# A group made directly in v2 belongs to every view.
test_hierarchies_made_in_v2() {
        mkdir "$V2ROOT/direct"
        wait_for 100 test -d "$V1VIEW/direct" || fail "direct is missing from the named view"
        [ -d "$FREEZER/direct" ] || fail "direct is missing from the freezer view"
        [ -d "$VIEW/direct" ] || fail "direct is missing from the container view"
        [ -d "$UNIFIED/direct" ] || fail "direct is missing from the unified view"
        rmdir "$FREEZER/direct"
        [ -d "$V2ROOT/direct" ] || fail "the v2 group went while three views hold it"
        [ ! -e "$FREEZER/direct" ] || fail "direct is still in the freezer view"
        expect_eq "views holding it" "$(printf '\ncontainer\nname=cgcompat\nunified\n')" \
                "$(getfattr --only-values -n trusted.cgcompat.held "$V2ROOT/direct")"
        rmdir "$VIEW/direct" "$V1VIEW/direct" "$UNIFIED/direct"
        [ ! -e "$V2ROOT/direct" ] || fail "the v2 group outlived every view's rmdir"
}

# A file opened before its group left the view refuses tasks, as a removed v1 group does.
test_hierarchies_removed_group_refuses_tasks() {
        mkdir "$V1VIEW/r" "$FREEZER/r"
        exec 7> "$V1VIEW/r/tasks"
        rmdir "$V1VIEW/r"
        expect_eq "attach through the stale file" ENODEV "$(write_once /proc/self/fd/7 "$$" 2>&1)"
        exec 7>&-
        rmdir "$FREEZER/r"
}
