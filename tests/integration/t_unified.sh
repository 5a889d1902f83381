# The hybrid layout's cgroup2 hierarchy at $UNIFIED: a view of the tree in cgroup2's format with
# no controllers (DESIGN.md invariant 3). The reference is the kernel's cgroup2 on this hybrid
# machine, where no controller is available either: $V2ROOT is one of its groups, $CG2 its root.

# write_once names errnos as Python does: EOPNOTSUPP is ENOTSUP there (one value on Linux).

# Name and mode of each file in a directory, one per line, as ls -l shows them.
file_modes() {
        find "$1" -mindepth 1 -maxdepth 1 -type f -printf '%M %f\n' | sort -k 2
}

test_unified_file_lists() {
        mkdir "$UNIFIED/u"
        expect_eq "a group's files, as a cgroup2 group's" "$(file_modes "$V2ROOT")" "$(file_modes "$UNIFIED/u")"
        expect_eq "the root's files, as cgroup2's root" "$(file_modes "$CG2")" "$(file_modes "$UNIFIED")"
        # What this kernel shows, spelled out: the comparison above would pass on an empty list too.
        expect_eq "a group's files on this kernel" "-r--r--r-- cgroup.controllers
-r--r--r-- cgroup.events
-rw-r--r-- cgroup.freeze
--w------- cgroup.kill
-rw-r--r-- cgroup.max.depth
-rw-r--r-- cgroup.max.descendants
-rw-r--r-- cgroup.pressure
-rw-r--r-- cgroup.procs
-r--r--r-- cgroup.stat
-r--r--r-- cgroup.stat.local
-rw-r--r-- cgroup.subtree_control
-rw-r--r-- cgroup.threads
-rw-r--r-- cgroup.type
-rw-r--r-- cpu.pressure
-r--r--r-- cpu.stat
-r--r--r-- cpu.stat.local
-rw-r--r-- io.pressure
-rw-r--r-- memory.pressure" "$(file_modes "$UNIFIED/u")"
        expect_eq "no v1 file, no leaf" "u" "$(ls -A "$UNIFIED" | grep -v '^cgroup\.\|^cpu\.\|^io\.\|^memory\.' | xargs)"
        expect_eq "type" domain "$(cat "$UNIFIED/u/cgroup.type")"
        rmdir "$UNIFIED/u"
}

test_unified_no_controllers() {
        mkdir "$UNIFIED/u"
        local d
        for d in "$UNIFIED" "$UNIFIED/u"; do
                expect_eq "$d/cgroup.controllers" "" "$(cat "$d/cgroup.controllers")"
                expect_eq "$d/cgroup.subtree_control" "" "$(cat "$d/cgroup.subtree_control")"
                # As the kernel's cgroup2 here: a controller it has but this hierarchy lacks, a name it
                # does not know, a controller of v1 only, a token without a sign, and no-op removals.
                expect_eq "$d: +cpu" ENOENT "$(write_once "$d/cgroup.subtree_control" "+cpu")"
                expect_eq "$d: +cpu kernel" ENOENT "$(write_once "$V2ROOT/cgroup.subtree_control" "+cpu")"
                expect_eq "$d: +memory +io" ENOENT "$(write_once "$d/cgroup.subtree_control" "+memory +io")"
                expect_eq "$d: +bogus" EINVAL "$(write_once "$d/cgroup.subtree_control" "+bogus")"
                expect_eq "$d: +freezer" EINVAL "$(write_once "$d/cgroup.subtree_control" "+freezer")"
                expect_eq "$d: +freezer kernel" EINVAL "$(write_once "$V2ROOT/cgroup.subtree_control" "+freezer")"
                expect_eq "$d: +cpu +bogus" EINVAL "$(write_once "$d/cgroup.subtree_control" "+cpu +bogus")"
                expect_eq "$d: cpu" EINVAL "$(write_once "$d/cgroup.subtree_control" "cpu")"
                expect_eq "$d: -cpu" OK "$(write_once "$d/cgroup.subtree_control" "-cpu\n")"
                expect_eq "$d: blanks" OK "$(write_once "$d/cgroup.subtree_control" "  ")"
                expect_eq "$d/cgroup.subtree_control after" "" "$(cat "$d/cgroup.subtree_control")"
        done
        # bash: dash's echo says "I/O error" whatever the errno.
        expect_errno "No such file or directory" bash -c "echo +cpu > '$UNIFIED/u/cgroup.subtree_control'"
        expect_eq "type threaded" ENOTSUP "$(write_once "$UNIFIED/u/cgroup.type" "threaded")"
        expect_eq "type domain" EINVAL "$(write_once "$UNIFIED/u/cgroup.type" "domain")"
        rmdir "$UNIFIED/u"
}

test_unified_mkdir_rmdir() {
        mkdir "$UNIFIED/u" "$UNIFIED/u/v"
        [ -d "$V2ROOT/u/v/.tasks" ] || fail "u/v is not a v2 group with its leaf"
        expect_eq "listing" "v" "$(find "$UNIFIED/u" -mindepth 1 -type d -printf '%f\n')"
        expect_errno "File exists" mkdir "$UNIFIED/u/v"
        expect_errno "File exists" mkdir "$UNIFIED/u/cgroup.procs"
        expect_errno "File exists" mkdir "$UNIFIED/u/.tasks"   # the hidden leaf's name is taken
        expect_errno "Device or resource busy" rmdir "$UNIFIED/u"
        sleep 30 &
        local pid=$!
        echo "$pid" > "$UNIFIED/u/v/cgroup.procs"
        expect_errno "Device or resource busy" rmdir "$UNIFIED/u/v"
        kill "$pid"; wait "$pid" 2>/dev/null || true
        rmdir "$UNIFIED/u/v" "$UNIFIED/u"
        [ ! -e "$V2ROOT/u" ] || fail "u left in v2"
}

populated() { grep -qx "populated $2" "$1/cgroup.events"; }

test_unified_procs_attach() {
        mkdir "$UNIFIED/u"
        expect_eq "events before" "populated 0
frozen 0" "$(cat "$UNIFIED/u/cgroup.events")"
        sleep 30 &
        local pid=$!
        expect_eq "write" OK "$(write_once "$UNIFIED/u/cgroup.procs" "$pid\n")"
        expect_eq "the v2 group's leaf" "/u/.tasks" "$(v2_cgroup_of "$pid")"
        expect_eq "cgroup.procs" "$pid" "$(cat "$UNIFIED/u/cgroup.procs")"
        expect_eq "cgroup.threads" "$pid" "$(cat "$UNIFIED/u/cgroup.threads")"
        # The other views do not hold u: they show the task at their root.
        [ ! -e "$V1VIEW/u" ] || fail "u made in unified is in the named view"
        expect_eq "at the named view's root" "$pid" "$(grep -x "$pid" "$V1VIEW/tasks")"
        expect_eq "not in the root" "" "$(grep -x "$pid" "$UNIFIED/cgroup.procs" || true)"
        expect_eq "events populated" "populated 1
frozen 0" "$(cat "$UNIFIED/u/cgroup.events")"
        # A thread moves on its own only within a threaded subtree: to its own domain it is no move.
        expect_eq "its own thread to its group" OK "$(write_once "$UNIFIED/u/cgroup.threads" "$pid")"
        expect_eq "a thread to another domain" ENOTSUP "$(write_once "$UNIFIED/cgroup.threads" "$pid")"
        expect_eq "the kernel's too" ENOTSUP "$(write_once "$V2ROOT/cgroup.threads" "$pid")"
        expect_eq "a thread from outside the tree" ENOTSUP "$(write_once "$UNIFIED/cgroup.threads" "$$")"
        expect_eq "no such pid" ESRCH "$(write_once "$UNIFIED/u/cgroup.procs" "999999999")"
        expect_eq "not a pid" EINVAL "$(write_once "$UNIFIED/u/cgroup.procs" "abc")"
        # Back to the root, as to any group.
        echo "$pid" > "$UNIFIED/cgroup.procs"
        expect_eq "back at the root's leaf" "/.tasks" "$(v2_cgroup_of "$pid")"
        expect_eq "u empty" "" "$(cat "$UNIFIED/u/cgroup.procs")"
        wait_for 250 populated "$UNIFIED/u" 0
        echo "$pid" > "$UNIFIED/u/cgroup.procs"
        kill "$pid"; wait "$pid" 2>/dev/null || true
        wait_for 250 populated "$UNIFIED/u" 0
        expect_eq "events after" "populated 0
frozen 0" "$(cat "$UNIFIED/u/cgroup.events")"
        rmdir "$UNIFIED/u"
}

test_unified_freeze_kill() {
        mkdir "$UNIFIED/u"
        sleep 30 &
        local pid=$!
        echo "$pid" > "$UNIFIED/u/cgroup.procs"
        echo 1 > "$UNIFIED/u/cgroup.freeze"
        expect_eq "freeze" 1 "$(cat "$UNIFIED/u/cgroup.freeze")"
        wait_for 250 grep -qx "frozen 1" "$UNIFIED/u/cgroup.events"
        expect_eq "the v2 group froze" "frozen 1" "$(grep frozen "$V2ROOT/u/cgroup.events")"
        echo 0 > "$UNIFIED/u/cgroup.freeze"
        wait_for 250 grep -qx "frozen 0" "$UNIFIED/u/cgroup.events"
        expect_eq "kill takes 1 only" ERANGE "$(write_once "$UNIFIED/u/cgroup.kill" "2")"
        echo 1 > "$UNIFIED/u/cgroup.kill"
        local status=0
        wait "$pid" 2>/dev/null || status=$?
        expect_eq "killed by SIGKILL" 137 "$status"
        wait_for 250 populated "$UNIFIED/u" 0
        rmdir "$UNIFIED/u"
}

# The view holds its own groups, as each hierarchy of a hybrid host had its own.
test_unified_holds_its_own_groups() {
        mkdir "$V1VIEW/n"
        [ ! -e "$UNIFIED/n" ] || fail "n made in the named view is in unified"
        expect_eq "unified's groups" "" "$(find "$UNIFIED" -mindepth 1 -type d)"
        mkdir "$UNIFIED/u" "$UNIFIED/u/v"
        [ ! -e "$V1VIEW/u" ] || fail "u made in unified is in the named view"
        # Counted in this view: neither the leaves nor the other view's n.
        # Groups of earlier tests may still be dying in v2: they are not what this test counts.
        wait_for 250 grep -qx 'nr_dying_descendants 0' "$V2ROOT/cgroup.stat"
        expect_eq "root cgroup.stat" "nr_descendants 2
nr_dying_descendants 0" "$(cat "$UNIFIED/cgroup.stat")"
        expect_eq "u cgroup.stat" "nr_descendants 1" "$(head -n 1 "$UNIFIED/u/cgroup.stat")"
        expect_eq "v cgroup.stat" "nr_descendants 0" "$(head -n 1 "$UNIFIED/u/v/cgroup.stat")"
        # A task in n: the view shows it at its root, where it holds nothing nearer.
        sleep 30 &
        local pid=$!
        echo "$pid" > "$V1VIEW/n/tasks"
        expect_eq "n's task at unified's root" "$pid" "$(grep -x "$pid" "$UNIFIED/cgroup.procs")"
        mkdir "$UNIFIED/n"
        expect_eq "made there, n is unified's too" "$pid" "$(cat "$UNIFIED/n/cgroup.procs")"
        expect_eq "root cgroup.stat with n" "nr_descendants 3" "$(head -n 1 "$UNIFIED/cgroup.stat")"
        kill "$pid"; wait "$pid" 2>/dev/null || true
        rmdir "$UNIFIED/n"
        [ -d "$V1VIEW/n" ] || fail "n released by unified is gone from the named view"
        rmdir "$V1VIEW/n" "$UNIFIED/u/v" "$UNIFIED/u"
}

# A group's leaf is one level and one cgroup more in v2: the limits count as if there were none.
test_unified_max_limits() {
        mkdir "$UNIFIED/d" "$UNIFIED/n"
        expect_eq "max.depth" max "$(cat "$UNIFIED/d/cgroup.max.depth")"
        echo 1 > "$UNIFIED/d/cgroup.max.depth"
        expect_eq "max.depth read back" 1 "$(cat "$UNIFIED/d/cgroup.max.depth")"
        expect_eq "max.depth in v2" 2 "$(cat "$V2ROOT/d/cgroup.max.depth")"
        mkdir "$UNIFIED/d/a"
        expect_errno "Resource temporarily unavailable" mkdir "$UNIFIED/d/a/b"
        [ ! -e "$V2ROOT/d/a/b" ] || fail "d/a/b left in v2"
        expect_eq "negative" ERANGE "$(write_once "$UNIFIED/d/cgroup.max.depth" "-1")"
        expect_eq "not a number" EINVAL "$(write_once "$UNIFIED/d/cgroup.max.depth" "x")"
        echo max > "$UNIFIED/d/cgroup.max.depth"
        expect_eq "max again" max "$(cat "$V2ROOT/d/cgroup.max.depth")"
        echo 1 > "$UNIFIED/n/cgroup.max.descendants"
        expect_eq "max.descendants read back" 1 "$(cat "$UNIFIED/n/cgroup.max.descendants")"
        expect_eq "max.descendants in v2" 3 "$(cat "$V2ROOT/n/cgroup.max.descendants")"
        mkdir "$UNIFIED/n/a"
        expect_errno "Resource temporarily unavailable" mkdir "$UNIFIED/n/b"
        rmdir "$UNIFIED/d/a" "$UNIFIED/d" "$UNIFIED/n/a" "$UNIFIED/n"
}

# A legacy root left by a daemon from before the unified view holds the machine's cgroup2 at
# unified: adopting it, the daemon takes that out and serves the view there.
test_unified_replaces_an_old_cgroup2_bind() {
        # The daemon unmounts the root it adopted; if it never came up, the bind goes here.
        trap 'stop_daemon; unmount_all || true; start_daemon' EXIT
        stop_daemon
        mkdir -p "$LEGACY"
        mount -t tmpfs cgcompat "$LEGACY"
        mkdir "$LEGACY/unified"
        mount --bind "$CG2" "$LEGACY/unified"
        expect_eq "the old bind" cgroup2fs "$(stat -f -c %T "$LEGACY/unified")"
        start_daemon
        grep -q "unmounted the machine's cgroup2 a previous daemon bound there" "$DAEMON_LOG" ||
                fail "nothing in the log: $(tail -n 5 "$DAEMON_LOG")"
        expect_eq "unified now" "cgcompat fuse.cgcompat" "$(awk -v m="$UNIFIED" '$2 == m { print $1, $3 }' /proc/mounts | uniq)"
        [ ! -e "$UNIFIED/${V2ROOT#$CG2/}" ] || fail "unified still reaches the machine's cgroup2"
        expect_eq "its controllers" "" "$(cat "$UNIFIED/cgroup.controllers")"
}
