# tasks: parsing, errnos, credentials, inheritance, exit, scale.

test_tasks_fork_inheritance_and_exit() {
        mkdir "$VIEW/inherit"
        # The attached shell forks a child after the attach: the kernel puts it in the same cgroup.
        sh -c 'echo $$ > "$1/inherit/tasks"; sleep 30 & echo $!; wait' sh "$VIEW" > "$WORK/child.pid" &
        parent=$!
        wait_for 100 test -s "$WORK/child.pid"
        child=$(cat "$WORK/child.pid")
        expect_eq "child's v2 cgroup" /inherit/.tasks "$(v2_cgroup_of "$child")"
        expect_eq "tasks" "$(printf '%s\n' "$parent" "$child" | sort -n)" "$(cat "$VIEW/inherit/tasks")"
        kill "$child"
        wait "$parent" || true
        # Exit removes the task: nothing left to list.
        wait_for_lines 0 "$VIEW/inherit/tasks"
        rmdir "$VIEW/inherit"
}

test_tasks_zero_means_the_writer() {
        mkdir "$VIEW/self"
        sh -c 'echo 0 > "$1/self/tasks"; exec sleep 30' sh "$VIEW" &
        writer=$!
        wait_for 50 grep -qx "$writer" "$VIEW/self/tasks"
        expect_eq "writer's cgroup" /self/.tasks "$(v2_cgroup_of "$writer")"
        # The daemon itself must never be the one moved.
        daemon_cgroup=$(v2_cgroup_of "$(daemon_pid)")
        case "$daemon_cgroup" in /self*) fail "the daemon moved itself" ;; esac
        kill "$writer"
        wait "$writer" 2>/dev/null || true
}

test_tasks_write_parsing_matches_kernel() {
        mkdir "$VIEW/p"
        sleep 30 &
        pid=$!
        t="$VIEW/p/tasks"
        # Accepted forms, each as the kernel's kstrtoint(strstrip(buf), 0) takes it.
        for form in "$pid" " $pid " "\\t$pid\\n" "+$pid" "0x$(printf %x $pid)" "0$(printf %o $pid)"; do
                expect_eq "accepts [$form]" OK "$(write_once "$t" "$form")"
        done
        expect_eq "negative" EINVAL "$(write_once "$t" "-$pid")"
        expect_eq "trailing garbage" EINVAL "$(write_once "$t" "$pid abc")"
        expect_eq "two numbers" EINVAL "$(write_once "$t" "$pid $pid")"
        expect_eq "a word" EINVAL "$(write_once "$t" abc)"
        expect_eq "only space" EINVAL "$(write_once "$t" " ")"
        expect_eq "only newline" EINVAL "$(write_once "$t" "\\n")"
        expect_eq "int overflow" EINVAL "$(write_once "$t" 2147483648)"
        expect_eq "bad octal" EINVAL "$(write_once "$t" 08)"
        expect_eq "decimal point" EINVAL "$(write_once "$t" 1.5)"
        expect_eq "NUL ends the value" OK "$(write_once "$t" "$pid\\x00garbage")"
        expect_eq "no such task" ESRCH "$(write_once "$t" 99999999)"
        expect_eq "past pid_max" ESRCH "$(write_once "$t" 4194304)"
        expect_eq "a kernel thread" EINVAL "$(write_once "$t" 2)"
        expect_eq "empty write" OK "$(write_once "$t" "")"
        expect_eq "4096 bytes" EINVAL "$(write_once "$t" "$(printf '%4096s' x)")"
        expect_eq "4097 bytes" E2BIG "$(write_once "$t" "$(printf '%4097s' x)")"
        expect_eq "still one task" "$pid" "$(cat "$t")"
        kill "$pid"
        wait "$pid" 2>/dev/null || true
}

test_tasks_v1_credential_rule() {
        mkdir "$VIEW/cred"
        chown nobody "$VIEW/cred/tasks"
        sleep 30 &
        root_task=$!
        setpriv --reuid=nobody --regid=nogroup --clear-groups sleep 30 &
        nobody_task=$!
        sleep 0.1
        # nobody may move its own task, not root's: EACCES, as the kernel's v1.
        expect_eq "nobody moves root's task" EACCES \
                "$(setpriv --reuid=nobody --regid=nogroup --clear-groups bash -c "$(declare -f write_once); write_once $VIEW/cred/tasks $root_task")"
        expect_eq "nobody moves its own task" OK \
                "$(setpriv --reuid=nobody --regid=nogroup --clear-groups bash -c "$(declare -f write_once); write_once $VIEW/cred/tasks $nobody_task")"
        expect_eq "tasks" "$nobody_task" "$(cat "$VIEW/cred/tasks")"
        # Without write permission on the file, the kernel's own check refuses first.
        mkdir "$VIEW/locked"
        expect_errno "Permission denied" setpriv --reuid=nobody --regid=nogroup --clear-groups \
                sh -c "echo $nobody_task > $VIEW/locked/tasks"
        kill "$root_task" "$nobody_task"
        wait 2>/dev/null || true
}

# A file opened by an unprivileged user and handed to root grants nothing more (and the reverse).
test_tasks_opener_credentials_count() {
        mkdir "$VIEW/fdpass"
        chown nobody "$VIEW/fdpass/tasks"
        sleep 30 &
        root_task=$!
        out=$(python3 - "$VIEW/fdpass/tasks" "$root_task" <<'PY'
import os, socket, sys, errno, pwd
path, pid = sys.argv[1], sys.argv[2]
nobody = pwd.getpwnam("nobody")
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
child = os.fork()
if child == 0:
    os.setgid(nobody.pw_gid); os.setuid(nobody.pw_uid)
    fd = os.open(path, os.O_WRONLY)
    socket.send_fds(a, [b"x"], [fd])
    os._exit(0)
_, fds, _, _ = socket.recv_fds(b, 1, 1)
os.waitpid(child, 0)
def attempt(fd):
    try:
        os.write(fd, pid.encode()); return "OK"
    except OSError as e:
        return errno.errorcode[e.errno]
print("root-writes-nobody-fd", attempt(fds[0]))
fd = os.open(path, os.O_WRONLY)
child = os.fork()
if child == 0:
    os.setgid(nobody.pw_gid); os.setuid(nobody.pw_uid)
    print("nobody-writes-root-fd", attempt(fd), flush=True)
    os._exit(0)
os.waitpid(child, 0)
print("root-writes-root-fd", attempt(fd))
PY
)
        expect_eq "fd passing" "root-writes-nobody-fd EACCES
nobody-writes-root-fd EACCES
root-writes-root-fd OK" "$out"
        kill "$root_task"
        wait 2>/dev/null || true
}

test_tasks_thousand_tasks_in_one_group() {
        mkdir "$VIEW/many"
        sh -c 'echo $$ > "$1/many/tasks"; for i in $(seq 1000); do sleep 60 & done; wait' sh "$VIEW" &
        leader=$!
        wait_for_lines 1001 "$VIEW/many/tasks"
        expect_eq "count" 1001 "$(wc -l < "$VIEW/many/tasks")"
        listed=$(cat "$VIEW/many/tasks")
        expect_eq "sorted and unique" "$(echo "$listed" | sort -nu)" "$listed"
        expect_eq "same set as v2" "$(sort -n "$V2ROOT/many/.tasks/cgroup.threads")" "$listed"
        kill -KILL $(cat "$V2ROOT/many/.tasks/cgroup.procs")
        wait "$leader" 2>/dev/null || true
        wait_for_lines 0 "$VIEW/many/tasks"
        rmdir "$VIEW/many"
}

test_tasks_threads_are_listed() {
        mkdir "$VIEW/threads"
        python3 -c '
import threading, time, os, sys
open(sys.argv[1], "w").write(str(os.getpid()))
ts = [threading.Thread(target=time.sleep, args=(30,), daemon=True) for _ in range(3)]
for t in ts: t.start()
time.sleep(30)' "$VIEW/threads/tasks" &
        py=$!
        wait_for_lines 4 "$VIEW/threads/tasks"
        expect_eq "threads" "$(ls /proc/$py/task | sort -n)" "$(cat "$VIEW/threads/tasks")"
        kill "$py"
        wait "$py" 2>/dev/null || true
}

# /proc/PID/status of a task with thousands of groups is long; the v1 rule does not care.
test_tasks_attach_task_with_many_groups() {
        mkdir "$VIEW/groups"
        setpriv --groups="$(seq -s, 1000000 1002500)" sleep 30 &
        p=$!
        status_is_long() { [ "$(wc -c < "/proc/$1/status" 2>/dev/null || echo 0)" -gt 16384 ]; }
        wait_for 500 status_is_long "$p"
        [ "$(wc -c < /proc/$p/status)" -gt 16384 ] || fail "status too short to test: $(wc -c < /proc/$p/status)"
        expect_eq "write" OK "$(write_once "$VIEW/groups/tasks" "$p")"
        expect_eq "listed" "$p" "$(cat "$VIEW/groups/tasks")"
        kill "$p"
        wait "$p" 2>/dev/null || true
}
