# Differential tests: the same shell cases against the kernel's own v1 (a named hierarchy)
# and against the daemon's view; the outputs must be identical.

REF=$WORK/v1-reference
REF_NAME=cgcompat_ref   # one fixed name: every new name lingers in the kernel

# reference_mount [DIR NAME]: the kernel's v1 hierarchy name=NAME at DIR.
reference_mount() {
        local dir=${1:-$REF} name=${2:-$REF_NAME}
        mkdir -p "$dir"
        mountpoint -q "$dir" || mount -t cgroup -o "none,name=$name" cgroup "$dir"
}

# reference_cleanup [DIR]: every group removed, every task back at the root, unmounted.
reference_cleanup() {
        local dir=${1:-$REF}
        mountpoint -q "$dir" || return 0
        find "$dir" -mindepth 2 -name tasks | while read -r t; do
                for p in $(cat "$t"); do echo "$p" > "$dir/tasks" 2>/dev/null; done
        done
        echo > "$dir/release_agent"
        echo 0 > "$dir/notify_on_release"
        find "$dir" -mindepth 1 -depth -type d -exec rmdir {} \;
        umount "$dir"
}

# Runs case function $1 in root $2 and prints its output with paths and pids normalized.
run_case() {
        local fn=$1 root=$2
        (cd "$root" && "$fn" "$root") 2>&1 | sed -e "s|$root|ROOT|g" -e "s|$WORK|WORK|g" -e 's/0x[0-9a-f]*/0xHEX/g' -e 's/[0-9]\{3,\}/PID/g'
}

# differential CASE [VIEW]: VIEW defaults to the container view.
differential() {
        local fn=$1 view=${2:-$VIEW} expected actual
        reference_mount
        expected=$(run_case "$fn" "$REF")
        reference_cleanup
        actual=$(run_case "$fn" "$view")
        if [ "$expected" != "$actual" ]; then
                diff <(echo "$expected") <(echo "$actual") | sed 's/^/    /' >&2
                fail "$fn differs from the kernel's v1 (< kernel, > cgcompat at $view)"
        fi
}

case_directories() {
        mkdir a; echo "mkdir: $?"
        mkdir a; echo "mkdir again: $?"
        mkdir a/tasks; echo "mkdir tasks: $?"
        mkdir "$(printf 'n\nl')"; echo "mkdir newline: $?"
        mkdir "$(printf 'x%.0s' $(seq 256))" 2>/dev/null; echo "mkdir 256: $?"
        mkdir -p a/b/c; echo "mkdir -p: $?"
        ls a | grep -v '^cgroup\.'
        stat -c '%F %A' a a/tasks a/notify_on_release
        rmdir a; echo "rmdir with children: $?"
        rmdir nothere; echo "rmdir missing: $?"
        rmdir a/tasks; echo "rmdir file: $?"
        touch a/new; echo "create: $?"
        rm -f a/tasks; echo "unlink: $?"
        ln a/tasks a/hard; echo "link: $?"
        ln -s x a/soft; echo "symlink: $?"
        mv a/b a/b2; echo "rename: $?"
        ls a | grep -v '^cgroup\.'
        mv -T a/b2 b2; echo "rename across parents: $?"
        mv -T a/tasks a/t; echo "rename a file: $?"
        mv -T a/b2 a/tasks; echo "rename onto a file: $?"
        mv -T a/b2 "$(printf 'a/n\nl')"; echo "rename to newline: $?"
        mkdir a/b3
        python3 -c 'import os; os.rename("a/b2", "a/b3")'; echo "rename onto a dir: $?"
        rmdir a/b2/c a/b2 a/b3 a; echo "rmdir all: $?"
        # Only what this case made: the hierarchy may be shared with others (make bench).
        ls -d a b2 2>&1
}

case_tasks() {
        mkdir g
        sleep 30 &
        local pid=$! form
        for form in "$pid" " $pid " "+$pid" "-$pid" "0x$(printf %x $pid)" "0$(printf %o $pid)" "$pid x" \
                "$pid $pid" abc " " "\\n" 2147483648 -0 08 99999999 2 "$pid\\x00junk" "" \
                "$(printf '%4096s' 7)" "$(printf '%4097s' 7)"; do
                echo "[$form] $(write_once g/tasks "$form")" | cut -c1-40
        done
        cat g/tasks
        echo "$pid" > tasks
        cat g/tasks
        sh -c 'echo 0 > g/tasks; cat g/tasks > "$1"; wc -l < "$1"' sh "$WORK/listed"
        kill "$pid"
        wait "$pid" 2>/dev/null
        rmdir g; echo "rmdir: $?"
}

case_notify_on_release() {
        mkdir p
        cat p/notify_on_release
        local form
        for form in 1 0 2 "1\\n" " 1" "1 " +1 -1 0x10 010 08 abc "1 2" -0 99999999999999999999 ""; do
                echo 0 > p/notify_on_release
                echo "[$form] $(write_once p/notify_on_release "$form") $(cat p/notify_on_release)"
        done
        echo 1 > p/notify_on_release
        mkdir p/c
        cat p/c/notify_on_release
        rmdir p/c p
}

# The agent runs without being waited for, in v1 as here: give a slow machine 10 s.
wait_for_agent_lines() {
        for _ in $(seq 200); do
                [ "$(wc -l < "$AGENT_LOG")" -ge "$1" ] && return 0
                sleep 0.05
        done
}

case_release_agent() {
        echo "$WORK/agent" > release_agent
        : > "$AGENT_LOG"
        mkdir -p r/s
        echo 1 > r/notify_on_release
        echo 1 > r/s/notify_on_release
        sh -c 'echo $$ > r/s/tasks; sleep 0.1'
        wait_for_agent_lines 1
        rmdir r/s
        wait_for_agent_lines 2
        sort "$AGENT_LOG"
        rmdir r
}

test_differential_directories() { differential case_directories; }
test_differential_tasks() { differential case_tasks; }
test_differential_notify_on_release() { differential case_notify_on_release; }
test_differential_release_agent() { differential case_release_agent; }

# The core files a v1 hierarchy adds to the 2006 set, against a named cgroup-v1 view.
case_v1_core_files() {
        ls
        stat -c '%n %A' cgroup.procs cgroup.clone_children cgroup.sane_behavior release_agent tasks notify_on_release
        cat cgroup.sane_behavior
        echo 1 > cgroup.sane_behavior; echo "write sane_behavior: $?"
        mkdir c
        ls c
        stat -c '%n %A' c/cgroup.procs c/cgroup.clone_children
        ls c/cgroup.sane_behavior c/release_agent 2>&1 | sed 's/.*cannot access/cannot access/'
        rmdir c
}

case_v1_clone_children() {
        cat cgroup.clone_children
        mkdir p
        local form
        for form in 1 0 2 "1\\n" " 1" +1 -1 0x10 abc "" 99999999999999999999; do
                echo 0 > p/cgroup.clone_children
                echo "[$form] $(write_once p/cgroup.clone_children "$form") $(cat p/cgroup.clone_children)"
        done
        echo 1 > p/cgroup.clone_children
        mkdir p/c
        cat p/c/cgroup.clone_children
        echo 0 > p/cgroup.clone_children
        mkdir p/d
        cat p/d/cgroup.clone_children
        rmdir p/c p/d p
}

# cgroup.procs: one line per process, sorted, whatever its threads; a thread id moves its process.
case_v1_procs() {
        mkdir g h
        python3 -c 'import threading, time
for _ in range(3): threading.Thread(target=time.sleep, args=(30,), daemon=True).start()
time.sleep(30)' &
        local pid=$! tid
        for _ in $(seq 200); do [ "$(ls "/proc/$pid/task" | wc -l)" = 4 ] && break; sleep 0.05; done
        echo "$pid" > g/cgroup.procs; echo "attach: $?"
        echo "tasks: $(wc -l < g/tasks) procs: $(wc -l < g/cgroup.procs)"
        [ "$(cat g/cgroup.procs)" = "$pid" ] && echo "procs lists the process"
        tid=$(ls "/proc/$pid/task" | grep -vx "$pid" | head -n 1)
        echo "$tid" > h/cgroup.procs; echo "attach a thread id: $?"
        echo "g: $(wc -l < g/tasks) h: $(wc -l < h/tasks) h procs: $(cat h/cgroup.procs | sed "s/^$pid\$/the process/")"
        for form in abc -1 "" 99999999; do
                echo "[$form] $(write_once h/cgroup.procs "$form")"
        done
        kill "$pid"; wait "$pid" 2>/dev/null
        rmdir g h; echo "rmdir: $?"
}

test_differential_v1_core_files() { differential case_v1_core_files "$V1VIEW"; }
test_differential_v1_clone_children() { differential case_v1_clone_children "$V1VIEW"; }
test_differential_v1_procs() { differential case_v1_procs "$V1VIEW"; }
test_differential_v1_directories() { differential case_directories "$V1VIEW"; }
test_differential_v1_tasks() { differential case_tasks "$V1VIEW"; }
test_differential_v1_notify_on_release() { differential case_notify_on_release "$V1VIEW"; }
test_differential_v1_release_agent() { differential case_release_agent "$V1VIEW"; }

# mkdir(2)'s mode, and the modes of tasks and cgroup.procs, each its own.
case_v1_modes() {
        local m
        for m in 700 444 0; do
                (umask 022; python3 -c 'import os, sys; os.mkdir(sys.argv[1], int(sys.argv[2], 8))' "m$m" "$m")
                stat -c "%n %A" "m$m"
        done
        chmod 640 m700/cgroup.procs
        chmod 600 m700/tasks
        stat -c "%n %A" m700/cgroup.procs m700/tasks m700/notify_on_release
        rmdir m700 m444 m0; echo "rmdir: $?"
}
test_differential_v1_modes() { differential case_v1_modes "$V1VIEW"; }
