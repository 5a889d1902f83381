# libcgcompat-preload.so: what programs run by `cgcompatctl exec` read in the mount table,
# /proc/PID/cgroup, /proc/cgroups and statfs. This host is hybrid: its own v1 hierarchies and
# cgroup2 are in the real table and are replaced by the views (name=cgcompat, cpuacct,freezer,
# and the unified view as the hybrid layout's cgroup2).

preload_library() {
        local lib
        lib=$(dirname "$CGCOMPATCTL")/libcgcompat-preload.so
        [ -f "$lib" ] || fail "no $lib: build it (make) first"
        echo "$lib"
}

# in_exec CMD...: CMD as cgcompatctl exec --preload runs it, in the legacy layout with the preload
# (the seccomp supervisor, exec's default, is tested in t_exec.sh).
in_exec() {
        "$CGCOMPATCTL" exec --preload -c "$CONFIG" -- "$@"
}

V1_OPTIONS=rw,nosuid,nodev,noexec,relatime
# systemd mounted the hybrid cgroup2 as it mounted v1 (its nsdelegate is not claimed).
CGROUP2_OPTIONS=rw,nosuid,nodev,noexec,relatime

test_preload_mounts() {
        preload_library > /dev/null
        local both rewritten real
        # The same mount namespace read twice: without the library (its own switch), then with it.
        both=$(in_exec sh -c 'CGCOMPAT_PRELOAD=0 cat /proc/self/mounts; echo ---; cat /proc/self/mounts')
        real=$(echo "$both" | sed '/^---$/,$d')
        rewritten=$(echo "$both" | sed '1,/^---$/d')
        # Each hierarchy once, as a v1 host mounts it: at /sys/fs/cgroup, not also in the legacy root.
        expect_eq "cgroup mounts: the views at /sys/fs/cgroup" \
                "cgroup /sys/fs/cgroup/cgcompat cgroup $V1_OPTIONS,name=cgcompat 0 0
cgroup /sys/fs/cgroup/freezer,cpuacct cgroup $V1_OPTIONS,cpuacct,freezer 0 0" \
                "$(echo "$rewritten" | awk '$3 == "cgroup"')"
        [ -n "$(echo "$real" | awk '$3 == "cgroup" && $2 == "/sys/fs/cgroup/memory"')" ] ||
                fail "the machine's memory hierarchy is not in the real table: the test proves nothing"
        # Our views (in the legacy root and bound on /sys/fs/cgroup) are rewritten; the views of
        # other daemons (other test runs) stay fuse.cgcompat, as every other line.
        # The daemon stacks each view on itself: the container view's second layer goes too.
        expect_eq "every other line as it was, in order" \
                "$(echo "$real" | awk -v l="$LEGACY/" -v v="$VIEW" '$3 != "cgroup" && $3 != "cgroup2" &&
                        !($3 == "fuse.cgcompat" && (index($2, l) == 1 || index($2, "/sys/fs/cgroup/") == 1)) &&
                        !($3 == "fuse.cgcompat" && $2 == v && seen++)')" \
                "$(echo "$rewritten" | awk '$3 != "cgroup" && $3 != "cgroup2"')"
        # The hybrid layout's cgroup2 is the unified view, in place; the machine's cgroup2 (hidden
        # under the legacy root here) is gone.
        [ -n "$(echo "$real" | awk '$3 == "cgroup2" && $2 == "/sys/fs/cgroup/unified"')" ] ||
                fail "the machine's cgroup2 is not in the real table: the test proves nothing"
        expect_eq "cgroup2 mounts: the unified view at /sys/fs/cgroup/unified" \
                "cgroup2 /sys/fs/cgroup/unified cgroup2 $CGROUP2_OPTIONS 0 0" "$(echo "$rewritten" | awk '$3 == "cgroup2"')"
        expect_eq "/proc/mounts is the same table" "$rewritten" "$(in_exec cat /proc/mounts)"
        # Outside exec nothing changes; with the library but no registry, nothing either.
        [ -n "$(awk '$3 == "cgroup" && $2 == "/sys/fs/cgroup/memory"' /proc/self/mounts)" ] ||
                fail "outside exec the machine's memory hierarchy is gone"
        expect_eq "the views outside exec" "fuse.cgcompat fuse.cgcompat fuse.cgcompat" \
                "$(awk -v a="$V1VIEW" -v b="$FREEZER" -v u="$UNIFIED" '($2 == a || $2 == b || $2 == u) && !seen[$2]++ { print $3 }' \
                        /proc/self/mounts | xargs)"
        # With the library outside exec, the machine's cgroup2 is reachable and still not shown.
        expect_eq "with the library outside exec: cgroup2 is the unified view alone" \
                "cgroup2 $UNIFIED cgroup2 $CGROUP2_OPTIONS 0 0" \
                "$(LD_PRELOAD=$(preload_library) CGCOMPAT_RUNTIME_DIR=$WORK/run cat /proc/self/mounts | awk '$3 == "cgroup2"')"
        expect_eq "no registry, no change" "$(cat /proc/self/mounts | awk '{ print $2 }')" \
                "$(LD_PRELOAD=$(preload_library) CGCOMPAT_RUNTIME_DIR=$WORK/nothing cat /proc/self/mounts | awk '{ print $2 }')"
}

test_preload_mountinfo() {
        local both real rewritten line dev
        both=$(in_exec sh -c 'CGCOMPAT_PRELOAD=0 cat /proc/self/mountinfo; echo ---; cat /proc/thread-self/mountinfo')
        real=$(echo "$both" | sed '/^---$/,$d')
        rewritten=$(echo "$both" | sed '1,/^---$/d')
        dev=$(echo "$real" | awk -v m="$FREEZER" '$5 == m { print $3; exit }')
        line=$(echo "$rewritten" | awk '$5 == "/sys/fs/cgroup/freezer,cpuacct"')
        case "$line" in
        *" $dev / /sys/fs/cgroup/freezer,cpuacct $V1_OPTIONS"*" - cgroup cgroup rw,cpuacct,freezer") ;;
        *) fail "the freezer,cpuacct bind in mountinfo: [$line]" ;;
        esac
        line=$(echo "$rewritten" | awk '$5 == "/sys/fs/cgroup/cgcompat"')
        case "$line" in
        *" - cgroup cgroup rw,name=cgcompat") ;;
        *) fail "the name=cgcompat view in mountinfo: [$line]" ;;
        esac
        # Each hierarchy once, as a v1 host mounts it: at /sys/fs/cgroup, not also in the legacy root.
        expect_eq "no second line where the daemon mounted the views" "" \
                "$(echo "$rewritten" | awk -v m="$LEGACY/" 'index($5, m) == 1')"
        expect_eq "the container view stays what it is" "fuse.cgcompat cgcompat" \
                "$(echo "$rewritten" | awk -v m="$VIEW" '$5 == m { sub(/.* - /, ""); print $1, $2 }')"
        dev=$(echo "$real" | awk -v m="$UNIFIED" '$5 == m { print $3; exit }')
        expect_eq "the unified view's bind in mountinfo, alone at its place" \
                "$dev / /sys/fs/cgroup/unified $CGROUP2_OPTIONS - cgroup2 cgroup2 rw" \
                "$(echo "$rewritten" | awk '$5 == "/sys/fs/cgroup/unified" { print $3, $4, $5, $6, $(NF - 3), $(NF - 2), $(NF - 1), $NF }')"
        expect_eq "the machine's own v1 hierarchies are gone" "" "$(echo "$rewritten" | grep ' - cgroup cgroup rw,memory$' || true)"
        # Only the machine's cgroup and cgroup2 mounts go, the views' places in the legacy root, and
        # the top layer of each view (stacked on itself: the same device at the same place).
        expect_eq "mount ids as they are" "$(echo "$real" | awk -v l="$LEGACY/" -v v="$VIEW" '$0 !~ / - cgroup2? / &&
                !(/ - fuse.cgcompat / && (index($5, l) == 1 || ((index($5, "/sys/fs/cgroup/") == 1 || $5 == v) &&
                  seen[$3 " " $5]++))) { print $1 }' | sort -n | xargs)" \
                "$(echo "$rewritten" | awk '{ print $1 }' | sort -n | xargs)"
}

test_preload_statfs() {
        expect_eq "statfs in the views, a link, a file" "27e0eb 27e0eb 27e0eb 27e0eb" \
                "$(in_exec stat -f -c %t /sys/fs/cgroup/cgcompat /sys/fs/cgroup/freezer/ "$FREEZER" /sys/fs/cgroup/cgcompat/tasks | xargs)"
        expect_eq "statfs in the unified view: CGROUP2_SUPER_MAGIC" "63677270 63677270 63677270" \
                "$(in_exec stat -f -c %t /sys/fs/cgroup/unified "$UNIFIED" /sys/fs/cgroup/unified/cgroup.procs | xargs)"
        expect_eq "statfs elsewhere" "tmpfs cgroup2fs fuseblk" \
                "$(in_exec stat -f -c %T /sys/fs/cgroup /sys/fs/cgroup/unified "$VIEW" | xargs)"
        expect_eq "fstatfs" "27e0eb 63677270" "$(in_exec python3 -c '
import ctypes, os
for path in ("/sys/fs/cgroup/cgcompat/tasks", "/sys/fs/cgroup/unified/cgroup.procs"):
    buf = ctypes.create_string_buffer(256)  # struct statfs begins with f_type, a long
    fd = os.open(path, os.O_RDONLY)
    assert ctypes.CDLL(None).fstatfs(fd, buf) == 0
    print("%x" % ctypes.c_long.from_buffer(buf).value)' | xargs)"
        expect_eq "statfs outside exec" "65735546 65735546" "$(stat -f -c %t "$V1VIEW" "$UNIFIED" | xargs)"
        expect_eq "statfs with the library outside exec" "27e0eb 63677270" \
                "$(LD_PRELOAD=$(preload_library) CGCOMPAT_RUNTIME_DIR=$WORK/run stat -f -c %t "$V1VIEW" "$UNIFIED" | xargs)"
}

test_preload_proc_cgroup() {
        local pid out
        # Held by every v1 view (each holds its own groups): the same path in each. The unified
        # view does not hold g, so its 0:: line shows the task at its root.
        mkdir -p "$VIEW/g/h" "$V1VIEW/g/h" "$FREEZER/g/h"
        expect_eq "a process in g/h" "1:name=cgcompat:/g/h
2:cpuacct,freezer:/g/h
0::/" "$("$CGCOMPATCTL" exec --preload -c "$CONFIG" -g name=cgcompat:/g/h -- cat /proc/self/cgroup)"
        sh -c 'echo $$ > "$1/g/tasks"; exec sleep 30' sh "$VIEW" &
        pid=$!
        wait_for 100 grep -q "/g/.tasks$" "/proc/$pid/cgroup"
        expect_eq "another process, in g" "1:name=cgcompat:/g
2:cpuacct,freezer:/g
0::/" "$(in_exec cat "/proc/$pid/cgroup")"
        expect_eq "its thread" "1:name=cgcompat:/g" "$(in_exec head -n 1 "/proc/$pid/task/$pid/cgroup")"
        # Relative to a directory: the same file.
        expect_eq "relative to /proc/PID" "1:name=cgcompat:/g" "$(cd "/proc/$pid" && in_exec head -n 1 cgroup)"
        kill "$pid"; wait "$pid" 2>/dev/null || true
        # Outside the tree, in a v2 group of its own, so that the kernel's 0:: line is not "/".
        # Not local: the trap runs after the function has returned.
        preload_outside=$CG2/$UNIQUE-outside
        mkdir "$preload_outside"
        trap 'rmdir "$preload_outside"' EXIT
        out=$(sh -c 'echo $$ > "$1/cgroup.procs"; exec "$2" exec --preload -c "$3" -- cat /proc/self/cgroup' \
                sh "$preload_outside" "$CGCOMPATCTL" "$CONFIG")
        expect_eq "outside the tree: / in every view, unified too" "1:name=cgcompat:/
2:cpuacct,freezer:/
0::/" "$out"
}

# The hybrid layout's 0:: line is the unified view's: the nearest group it holds, as for the v1
# lines (DESIGN.md invariant 3); without a unified view, the kernel's own line.
test_preload_unified_line() {
        local pid lib v2
        lib=$(preload_library)
        mkdir "$UNIFIED/g" "$V1VIEW/g"
        sleep 30 &
        pid=$!
        echo "$pid" > "$V1VIEW/g/tasks"
        echo "$pid" > "$UNIFIED/g/cgroup.procs"
        v2=${V2ROOT#$CG2}
        expect_eq "in v2" "0::$v2/g/.tasks" "$(grep ^0:: "/proc/$pid/cgroup")"
        expect_eq "g in the named view and in unified" "1:name=cgcompat:/g
2:cpuacct,freezer:/
0::/g" "$(in_exec cat "/proc/$pid/cgroup")"
        # A group unified does not hold: it shows the task at the nearest one it does.
        mkdir "$V1VIEW/g/h"
        echo "$pid" > "$V1VIEW/g/h/tasks"
        expect_eq "h in the named view only" "1:name=cgcompat:/g/h
2:cpuacct,freezer:/
0::/g" "$(in_exec cat "/proc/$pid/cgroup")"
        expect_eq "with the library outside exec" "0::/g" \
                "$(LD_PRELOAD=$lib CGCOMPAT_RUNTIME_DIR=$WORK/run cat "/proc/$pid/cgroup" | grep ^0::)"
        # Unprivileged callers cannot read trusted.*: unified holds every group for them too.
        expect_eq "unprivileged: the full path" "0::/g/h" \
                "$(setpriv --reuid=65534 --regid=65534 --clear-groups env LD_PRELOAD="$lib" \
                        CGCOMPAT_RUNTIME_DIR="$WORK/run" cat "/proc/$pid/cgroup" | grep ^0::)"
        mkdir -p "$WORK/no-unified"
        grep -v '^view unified ' "$WORK/run/views" > "$WORK/no-unified/views"
        expect_eq "no unified view in the registry: the kernel's 0:: line" "1:name=cgcompat:/g/h
2:cpuacct,freezer:/
0::$v2/g/h/.tasks" "$(LD_PRELOAD=$lib CGCOMPAT_RUNTIME_DIR=$WORK/no-unified cat "/proc/$pid/cgroup")"
        kill "$pid"; wait "$pid" 2>/dev/null || true
}

# Each view shows a process at the nearest group it holds (DESIGN.md invariant 3), as systemd's
# legacy layout had it: a service deep in name=systemd, its slice in the controllers, the root
# in the rest. Read with the library as cgcompatctl exec sets it, in this mount namespace.
test_preload_views_hold_their_own() {
        local pid lib
        lib=$(preload_library)
        mkdir -p "$V1VIEW/system.slice/foo.service"
        mkdir "$FREEZER/system.slice"
        sh -c 'echo $$ > "$1/tasks"; exec sleep 30' sh "$V1VIEW/system.slice/foo.service" &
        pid=$!
        wait_for 100 grep -qx "$pid" "$V1VIEW/system.slice/foo.service/tasks"
        # The unified view holds neither group.
        expect_eq "each view's group" "1:name=cgcompat:/system.slice/foo.service
2:cpuacct,freezer:/system.slice
0::/" "$(LD_PRELOAD=$lib CGCOMPAT_RUNTIME_DIR=$WORK/run cat "/proc/$pid/cgroup")"
        expect_eq "as cgcompatctl pid says" "2:cpuacct,freezer:/system.slice
1:name=cgcompat:/system.slice/foo.service" "$("$CGCOMPATCTL" pid -c "$CONFIG" --cgroup "$pid")"
        expect_eq "in exec" "1:name=cgcompat:/system.slice/foo.service
2:cpuacct,freezer:/system.slice
0::/" "$(in_exec cat "/proc/$pid/cgroup")"
        # num_cgroups: the groups each hierarchy holds, its root included and the leaves not;
        # a named hierarchy has no subsystem, so no line, as the kernel shows it.
        expect_eq "num_cgroups of cpuacct,freezer" "cpuacct 2 2 freezer 2 2" \
                "$(in_exec cat /proc/cgroups | awk '$1 == "cpuacct" || $1 == "freezer" { print $1, $2, $3 }' | xargs)"
        expect_eq "no line for name=cgcompat" "" "$(in_exec cat /proc/cgroups | grep name= || true)"
        # Unprivileged callers cannot read trusted.*: every view holds every group for them, as
        # before views held their own.
        expect_eq "unprivileged: the full path" "1:name=cgcompat:/system.slice/foo.service
2:cpuacct,freezer:/system.slice/foo.service" \
                "$(setpriv --reuid=65534 --regid=65534 --clear-groups env LD_PRELOAD="$lib" \
                        CGCOMPAT_RUNTIME_DIR="$WORK/run" cat "/proc/$pid/cgroup" | sed -n 1,2p)"
        expect_eq "unprivileged: every group" "cpuacct 2 3 freezer 2 3" \
                "$(setpriv --reuid=65534 --regid=65534 --clear-groups env LD_PRELOAD="$lib" \
                        CGCOMPAT_RUNTIME_DIR="$WORK/run" cat /proc/cgroups |
                        awk '$1 == "cpuacct" || $1 == "freezer" { print $1, $2, $3 }' | xargs)"
        # A group the container view takes, one made in the freezer view, one made directly in v2
        # (held by every view), and a legacy name.
        mkdir "$VIEW/system.slice" "$FREEZER/other" "$V2ROOT/direct"
        mv "$V1VIEW/system.slice/foo.service" "$V1VIEW/system.slice/bar.service"
        expect_eq "after a rename" "1:name=cgcompat:/system.slice/bar.service
2:cpuacct,freezer:/system.slice" \
                "$(LD_PRELOAD=$lib CGCOMPAT_RUNTIME_DIR=$WORK/run cat "/proc/$pid/cgroup" | sed -n 1,2p)"
        expect_eq "num_cgroups now" "cpuacct 2 4 freezer 2 4" \
                "$(in_exec cat /proc/cgroups | awk '$1 == "cpuacct" || $1 == "freezer" { print $1, $2, $3 }' | xargs)"
        kill "$pid"; wait "$pid" 2>/dev/null || true
}

test_preload_proc_cgroups() {
        local out
        out=$(in_exec cat /proc/cgroups)
        expect_eq "header" "$(head -n 1 /proc/cgroups)" "$(echo "$out" | head -n 1)"
        expect_eq "cpuacct and freezer in hierarchy 2, memory in none" "cpuacct 2 freezer 2 memory 0" \
                "$(echo "$out" | awk '$1 == "cpuacct" || $1 == "freezer" || $1 == "memory" { print $1, $2 }' | sort | xargs)"
        # num_cgroups moves whenever anyone makes a cgroup: compare the names and enabled.
        expect_eq "the other columns as they are" "$(awk '{ print $1, $4 }' /proc/cgroups)" \
                "$(echo "$out" | awk '{ print $1, $4 }')"
}

# libc's fopen and setmntent (getmntent's way in) open files without our open(): each is
# interposed on its own. Called through the global scope, as a program's calls resolve.
test_preload_fopen_setmntent() {
        local out
        out=$(in_exec python3 - <<'PY'
import ctypes
libc = ctypes.CDLL(None)
libc.fopen.restype = libc.setmntent.restype = ctypes.c_void_p
libc.fopen.argtypes = libc.setmntent.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
libc.fgets.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_void_p]
class Mntent(ctypes.Structure):
    _fields_ = [("fsname", ctypes.c_char_p), ("dir", ctypes.c_char_p), ("type", ctypes.c_char_p),
                ("opts", ctypes.c_char_p), ("freq", ctypes.c_int), ("passno", ctypes.c_int)]
libc.getmntent.restype = ctypes.POINTER(Mntent)
libc.getmntent.argtypes = [ctypes.c_void_p]
buf = ctypes.create_string_buffer(4096)
f = libc.fopen(b"/proc/self/cgroup", b"re")
libc.fgets(buf, 4096, f)
print(buf.value.decode().strip())
m = libc.setmntent(b"/proc/mounts", b"r")
while True:
    e = libc.getmntent(m)
    if not e:
        break
    if e.contents.type == b"cgroup" and e.contents.dir == b"/sys/fs/cgroup/cgcompat":
        print(e.contents.fsname.decode(), e.contents.opts.decode())
PY
)
        expect_eq "fopen, setmntent" "1:name=cgcompat:/
cgroup $V1_OPTIONS,name=cgcompat" "$out"
}

# The switches of cgcompatctl exec: CGCOMPAT_PRELOAD=0 off, =1 required; CGCOMPAT_PRELOAD_LIB.
test_preload_exec_switches() {
        local lib
        lib=$(preload_library)
        expect_eq "LD_PRELOAD and the runtime dir" "$lib $WORK/run" \
                "$(in_exec sh -c 'echo "$LD_PRELOAD $CGCOMPAT_RUNTIME_DIR"')"
        expect_eq "a program's own LD_PRELOAD is kept, after ours" "$lib:/nothing.so" \
                "$(LD_PRELOAD=/nothing.so in_exec sh -c 'echo "$LD_PRELOAD"' 2>/dev/null)"
        expect_eq "CGCOMPAT_PRELOAD=0" "" "$(CGCOMPAT_PRELOAD=0 in_exec sh -c 'echo "$LD_PRELOAD"')"
        expect_eq "CGCOMPAT_PRELOAD_LIB" "$lib" "$(CGCOMPAT_PRELOAD_LIB=$lib in_exec sh -c 'echo "$LD_PRELOAD"')"
        expect_errno "CGCOMPAT_PRELOAD=1 but no $WORK/none.so" \
                env CGCOMPAT_PRELOAD=1 CGCOMPAT_PRELOAD_LIB="$WORK/none.so" "$CGCOMPATCTL" exec --preload -c "$CONFIG" -- true
        expect_eq "a missing library without CGCOMPAT_PRELOAD=1 is no error" "" \
                "$(CGCOMPAT_PRELOAD_LIB=$WORK/none.so in_exec sh -c 'echo "$LD_PRELOAD"')"
}
