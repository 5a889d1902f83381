#!/bin/sh
# VM smoke test (busybox sh, run by tests/vm/run-vm.sh): the VM is pure cgroup v2 with
# every controller, and cgcompatd serves the 2006 example on its built-in defaults.
#
#   tests/vm/run-vm.sh tests/vm/smoke.sh
# shellcheck source=tests/vm/lib.sh
. /opt/test/lib.sh

V2=/sys/fs/cgroup
VIEW=/dev/container
echo "# kernel $(uname -r): $(cat /proc/cmdline)"
echo "# controllers: $(cat $V2/cgroup.controllers)"

# The machine: pure v2, every controller the daemon will have to serve.
no_v1() { ! awk '$3 == "cgroup" { f = 1 } END { exit !f }' /proc/mounts; }
check "cgroup_no_v1=all on the command line" grep -qw cgroup_no_v1=all /proc/cmdline
check "no cgroup v1 hierarchy mounted" no_v1
check "cgroup2 mounted at $V2" mounted $V2 cgroup2
for c in cpuset cpu io memory hugetlb pids rdma misc; do
        check "controller $c available" grep -qw "$c" $V2/cgroup.controllers
        check "controller $c enabled for children" grep -qw "$c" $V2/cgroup.subtree_control
done
check "/dev/fuse exists" test -c /dev/fuse

# The daemon on its built-in defaults: /dev/container over $V2/cgcompat.
cgcompatd >/tmp/cgcompatd.log 2>&1 &
daemon=$!
serving() { test -e $VIEW/tasks || ! kill -0 $daemon 2>/dev/null; }
wait_for serving
check "cgcompatd serves $VIEW/tasks" test -e $VIEW/tasks
check "$VIEW is a FUSE mount" mounted $VIEW fuse
check "backend $V2/cgcompat made" test -d $V2/cgcompat
daemon_log() { echo "# cgcompatd log:"; sed 's/^/#   /' /tmp/cgcompatd.log; }
if ! mounted $VIEW fuse; then
        echo "# no view to test: stopping here"
        kill $daemon 2>/dev/null
        daemon_log
        summary
        exit 1
fi

# The example of the 2006 documentation. $$ of a ( subshell ) is its parent's: use sh -c.
check "mkdir $VIEW/Charlie" mkdir $VIEW/Charlie
check "Charlie is a v2 cgroup with its leaf" test -f $V2/cgcompat/Charlie/.tasks/cgroup.procs
out=$(cd $VIEW/Charlie && sh -c 'echo $$ > tasks && echo "pid $$" && cat /proc/self/cgroup && cat tasks')
printf '%s\n' "$out" | sed 's/^/# /'
pid=$(printf '%s\n' "$out" | sed -n 's/^pid //p')
check "a shell joins Charlie through tasks" test -n "$pid"
check "/proc/self/cgroup of its child is 0::/cgcompat/Charlie/.tasks" has_line "$out" 0::/cgcompat/Charlie/.tasks
check "Charlie's tasks listed the shell" has_line "$out" "$pid"
check "Charlie's tasks is empty once the shell exited" test -z "$(cat $VIEW/Charlie/tasks)"
check "rmdir $VIEW/Charlie" rmdir $VIEW/Charlie
check "and its v2 cgroup is gone" test ! -e $V2/cgcompat/Charlie

# SIGTERM: the daemon unmounts its view and exits 0.
kill -TERM $daemon
wait $daemon
status=$?
check "cgcompatd exits 0 on SIGTERM (got $status)" test $status = 0
check "$VIEW is unmounted" test -z "$(awk -v m=$VIEW '$2 == m' /proc/mounts)"
[ "$fail" -eq 0 ] || daemon_log
summary
