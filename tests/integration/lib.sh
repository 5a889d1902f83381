# Shared by the integration tests: a real cgcompatd over a real cgroup2 subtree.
# Sourced by run.sh; every test is a shell function named test_*.

CG2=${CG2:-$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)}
UNIQUE=${UNIQUE:-cgcompat-test-$$}
V2ROOT=$CG2/$UNIQUE
WORK=/tmp/$UNIQUE
VIEW=$WORK/container
AGENT_LOG=$WORK/agent.log
CONFIG=$WORK/compat.conf.yaml
# The legacy /sys/fs/cgroup the daemon assembles: a named v1 hierarchy and a freezer,cpuacct
# view, the two kinds whose files cgroup2 can back on this hybrid machine (no controllers).
LEGACY=$WORK/legacy
V1VIEW=$LEGACY/cgcompat
FREEZER=$LEGACY/freezer,cpuacct
# The hybrid layout's cgroup2: a view of the tree too, never the machine's cgroup2.
UNIFIED=$LEGACY/unified
DAEMON_LOG=$WORK/daemon.log

write_config() {
        mkdir -p "$WORK"
        cat > "$WORK/agent" <<AGENT
#!/bin/sh
# Records how it was called: its argument and the environment the kernel gives agents.
echo "\$1 HOME=\$HOME PATH=\$PATH" >> "$AGENT_LOG"
AGENT
        chmod 755 "$WORK/agent"
        cat > "$CONFIG" <<CONF
backend:
  root: $V2ROOT
  leaf: .tasks
release_agent: $WORK/agent
legacy_root: $LEGACY
runtime_dir: $WORK/run
views:
  - flavor: container
    mount: $VIEW
  - flavor: cgroup-v1
    name: cgcompat
    mount: $V1VIEW
  - flavor: cgroup-v1
    subsystems: [freezer, cpuacct]
    mount: $FREEZER
    links: [$LEGACY/freezer, $LEGACY/cpuacct]
  - flavor: unified
    mount: $UNIFIED
CONF
}

mounted() {
        awk -v m="${1:-$VIEW}" '$2 == m { found = 1 } END { exit !found }' /proc/mounts
}

# Everything a daemon may have mounted: the views, the legacy root and what is in it.
unmount_all() {
        # A view is two layers, stacked on itself.
        for _ in 1 2 3 4; do mounted "$VIEW" && umount -l "$VIEW" 2>/dev/null; done
        awk -v l="$LEGACY" 'index($2, l) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do
                umount -l "$m" 2>/dev/null
        done
}

# The daemon runs under a watcher that records its exit status, so that any test (even in a
# subshell) can stop, kill or restart it and the runner still knows which daemon is current.
daemon_pid() {
        cat "$WORK/daemon.pid" 2>/dev/null || true
}

# Each daemon's watcher writes its exit status to a file named after the daemon's pid, so
# that the watcher of a daemon just killed can never speak for its successor.
start_daemon() {
        local pid=
        rm -f "$WORK/daemon.pid"
        (
                # DAEMON_WRAPPER: e.g. "valgrind --error-exitcode=99 --leak-check=full".
                ${DAEMON_WRAPPER:-} "$CGCOMPATD" -c "$CONFIG" "$@" >> "$DAEMON_LOG" 2>&1 &
                local daemon=$!
                echo $daemon > "$WORK/daemon.pid.new"
                mv "$WORK/daemon.pid.new" "$WORK/daemon.pid"
                wait $daemon
                echo $? > "$WORK/status.$daemon"
        ) &
        for _ in $(seq 400); do
                [ -n "$pid" ] || pid=$(daemon_pid)
                # A listing always reaches the daemon; a stat may be answered from the
                # kernel's attribute cache, even on the mount of a daemon just killed.
                mounted && ls "$VIEW" 2>/dev/null | grep -qx tasks && return 0
                [ -n "$pid" ] && [ -e "$WORK/status.$pid" ] && break
                sleep 0.05
        done
        echo "daemon did not come up:" >&2
        tail -n 20 "$DAEMON_LOG" >&2
        [ -n "$pid" ] && { echo "daemon $pid state:"; grep State "/proc/$pid/status"; cat "/proc/$pid/stack"
                command -v gdb > /dev/null && gdb -q -batch -p "$pid" -ex bt 2>&1 | grep '^#'; } >&2
        return 1
}

# Waits for the daemon to exit and returns its exit status.
daemon_exit_status() {
        local pid
        pid=$(daemon_pid)
        for _ in $(seq 600); do
                [ -s "$WORK/status.$pid" ] && break
                sleep 0.05
        done
        rm -f "$WORK/daemon.pid"
        return "$(cat "$WORK/status.$pid" 2>/dev/null || echo 255)"
}

stop_daemon() {
        local pid
        pid=$(daemon_pid)
        [ -n "$pid" ] || return 0
        kill -TERM "$pid" 2>/dev/null
        daemon_exit_status
}

# Dead means gone or a zombie (its watcher may not have collected it yet) whose every thread
# has exited: the leader turns zombie first, and the FUSE connection stands until the last goes.
daemon_dead() {
        local state
        state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 0
        [ -z "$state" ] && return 0
        [ "$state" = Z ] && [ "$(ls "/proc/$1/task" 2>/dev/null | wc -l)" -le 1 ]
}

kill9_daemon() {
        local pid
        pid=$(daemon_pid)
        [ -n "$pid" ] || return 0
        kill -KILL "$pid" 2>/dev/null
        for _ in $(seq 3000); do
                daemon_dead "$pid" && break
                sleep 0.01
        done
        rm -f "$WORK/daemon.pid"
}

# Move every task under a v2 directory to the subtree's parent and remove it, depth first.
remove_v2_tree() {
        local dir=$1
        [ -d "$dir" ] || return 0
        find "$dir" -name cgroup.procs | while read -r procs; do
                while read -r pid; do
                        kill -KILL "$pid" 2>/dev/null
                done < "$procs"
        done
        # Killed tasks take a moment to leave; the kernel says when in cgroup.events.
        for _ in $(seq 250); do
                grep -q '^populated 0' "$dir/cgroup.events" && break
                sleep 0.02
        done
        find "$dir" -depth -type d -exec rmdir {} \; 2>/dev/null
        [ ! -d "$dir" ]
}

# Assertions print what differed; they return non-zero so a test stops at the first failure.
fail() {
        echo "    FAIL: $*" >&2
        return 1
}

expect_eq() {
        local what=$1 expected=$2 actual=$3
        [ "$expected" = "$actual" ] || fail "$what: expected [$expected], got [$actual]"
}

# expect_errno "Invalid argument" sh -c 'echo x > file'   (matches strerror text of the failure)
expect_errno() {
        local message=$1
        shift
        local out
        if out=$("$@" 2>&1); then
                fail "'$*' succeeded, expected: $message"
                return 1
        fi
        case "$out" in
        *"$message"*) return 0 ;;
        *) fail "'$*': expected [$message], got [$out]" ;;
        esac
}

# Writes exactly the given bytes in one write(2) and prints the errno name, or OK.
# (The shell's echo may split or retry writes; this is what a careful legacy program does.)
write_once() {
        python3 - "$1" "$2" <<'PY'
import os, sys, errno
path, data = sys.argv[1], sys.argv[2].encode('utf-8', 'surrogateescape').decode('unicode_escape').encode('latin-1')
fd = os.open(path, os.O_WRONLY)
try:
    n = os.write(fd, data)
    print("OK" if n == len(data) else f"SHORT {n}")
except OSError as e:
    print(errno.errorcode[e.errno])
finally:
    os.close(fd)
PY
}

# The v2 cgroup a pid is in, relative to the test's v2 root.
v2_cgroup_of() {
        sed -n 's/^0:://p' "/proc/$1/cgroup" | sed "s|^${V2ROOT#$CG2}||"
}

# Waits until FILE has N lines.
wait_for_lines() {
        local n=$1 file=$2
        for _ in $(seq 500); do
                [ "$(wc -l < "$file")" -eq "$n" ] && return 0
                sleep 0.02
        done
        fail "$file has $(wc -l < "$file") lines, expected $n"
}

wait_for() {
        local tries=$1
        shift
        for _ in $(seq "$tries"); do
                "$@" && return 0
                sleep 0.02
        done
        "$@"
}
