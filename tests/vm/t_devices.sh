#!/bin/sh
# VM test (busybox sh, run by tests/vm/run-vm.sh): the v1 devices subsystem on pure v2.
# devices.allow / devices.deny / devices.list are emulated and enforced by a cgroup device
# BPF program on the group's v2 directory. There is no bpftool here: every rule is checked
# by what a task in the group can open, and the v2 side by tasks placed in v2 directly.
#
#   BUILD=build-dev tests/vm/run-vm.sh tests/vm/t_devices.sh
# shellcheck source=tests/vm/lib.sh
. /opt/test/lib.sh

D=/run/cgcompat/cgroup/devices

start_daemon
require "the devices view is served" test -f $D/devices.list

# A shell that joined GROUP (through the view's tasks) runs LINE; its output, its status.
JOIN_FAILED="JOIN FAILED"
in_group() { sh -c 'echo $$ > "$1" || { echo "$3"; exit 99; }; eval "$2"' sh "$D/$1/tasks" "$2" "$JOIN_FAILED" 2>&1; }
# The same for a shell put into the v2 cgroup DIR (under $V2) directly, not through the view.
in_v2() { sh -c 'echo $$ > "$1" || { echo "$3"; exit 99; }; eval "$2"' sh "$V2/$1/cgroup.procs" "$2" "$JOIN_FAILED" 2>&1; }

# RUNNER WHERE LINE: LINE works there / fails with EPERM (and the shell did join).
works() { out=$("$@") || { echo "#   got: $out"; return 1; }; }
eperm() {
        out=$("$@") && { echo "#   it worked"; return 1; }
        case $out in *"$JOIN_FAILED"*) echo "#   got: $out"; return 1 ;; esac
        case $out in *"$EPERM"*) ;; *) echo "#   got: $out"; return 1 ;; esac
}

WRITE_NULL='echo x > /dev/null'
READ_NULL='cat /dev/null'
READ_ZERO='head -c 1 /dev/zero > /tmp/zero.out'
WRITE_ZERO='echo x > /dev/zero'

# write FILE TEXT: the write's error message, if any; the write's status.
write() { sh -c 'echo "$2" > "$1"' sh "$1" "$2" 2>&1; }
# refused ERRNO_TEXT FILE TEXT: the write fails with that message.
refused() {
        out=$(write "$2" "$3") && { echo "#   it worked"; return 1; }
        case $out in *"$1"*) ;; *) echo "#   got: $out"; return 1 ;; esac
}
# lists FILE EXPECTED: the exact content of a devices.list.
lists() {
        got=$(cat "$1") || return 1
        [ "$got" = "$2" ] || { echo "#   got: $(printf '%s' "$got" | tr '\n' '|')"; return 1; }
}

# --- A new group allows everything, and has the v1 file modes.
check "mkdir $D/g" mkdir $D/g
check "g is a v2 cgroup" test -f $V2/g/cgroup.procs
check "devices.allow is 0200" test "$(stat -c %a $D/g/devices.allow)" = 200
check "devices.deny is 0200" test "$(stat -c %a $D/g/devices.deny)" = 200
check "devices.list is 0444" test "$(stat -c %a $D/g/devices.list)" = 444
check "the root lists a *:* rwm" lists $D/devices.list "a *:* rwm"
check "g lists a *:* rwm" lists $D/g/devices.list "a *:* rwm"
check "in g, /dev/null is writable" works in_group g "$WRITE_NULL"
check "in g, /dev/zero is readable" works in_group g "$READ_ZERO"

# --- Allow-all mode: a denial is an exception, not shown by the list.
check "deny c 1:3 w" write $D/g/devices.deny "c 1:3 w"
check "g still lists a *:* rwm (v1 hides exceptions while allowing all)" lists $D/g/devices.list "a *:* rwm"
check "in g, writing /dev/null is EPERM" eperm in_group g "$WRITE_NULL"
check "in g, reading /dev/null still works" works in_group g "$READ_NULL"
check "in g, writing /dev/zero (c 1:5) still works" works in_group g "$WRITE_ZERO"
check "outside the tree, /dev/null is writable" works sh -c "$WRITE_NULL"
check "mkdir $D/other" mkdir $D/other
check "in a sibling group, /dev/null is writable" works in_group other "$WRITE_NULL"
check "a task put into g's v2 leaf directly is denied too" eperm in_v2 g/.tasks "$WRITE_NULL"
# Programs of ancestors run in descendants (BPF_F_ALLOW_MULTI): a v2 child made behind the
# daemon's back has no program of its own and is still held by g's.
mkdir $V2/g/raw
check "a task in a v2 child of g made directly is denied by g's program" eperm in_v2 g/raw "$WRITE_NULL"
rmdir $V2/g/raw
check "allow c 1:3 w takes the denial away" write $D/g/devices.allow "c 1:3 w"
check "in g, /dev/null is writable again" works in_group g "$WRITE_NULL"

# --- Deny-all mode: only the exceptions are allowed, and listed.
check "deny a" write $D/g/devices.deny a
check "g lists nothing" lists $D/g/devices.list ""
check "in g, reading /dev/null is EPERM" eperm in_group g "$READ_NULL"
check "allow c 1:3 rwm" write $D/g/devices.allow "c 1:3 rwm"
check "g lists c 1:3 rwm" lists $D/g/devices.list "c 1:3 rwm"
# The deny-all program was replaced, not joined by a second one: /dev/null works.
check "in g, /dev/null is writable" works in_group g "$WRITE_NULL"
check "in g, /dev/null is readable" works in_group g "$READ_NULL"
check "in g, reading /dev/zero (c 1:5) is EPERM" eperm in_group g "$READ_ZERO"
check "in the sibling, /dev/zero is still readable" works in_group other "$READ_ZERO"

# --- A child starts with its parent's list and can never get more.
check "mkdir $D/g/child" mkdir $D/g/child
check "child inherited c 1:3 rwm" lists $D/g/child/devices.list "c 1:3 rwm"
check "in child, /dev/null is writable" works in_group g/child "$WRITE_NULL"
check "in child, reading /dev/zero is EPERM" eperm in_group g/child "$READ_ZERO"
check "child cannot be granted c 1:5 r: EPERM" refused "$EPERM" $D/g/child/devices.allow "c 1:5 r"
check "child cannot be granted c 1:* r: EPERM" refused "$EPERM" $D/g/child/devices.allow "c 1:* r"
check "child cannot allow all: EPERM" refused "$EPERM" $D/g/child/devices.allow a
check "child's list is unchanged" lists $D/g/child/devices.list "c 1:3 rwm"
check "a on g, which has a child: EINVAL (allow)" refused "$EINVAL" $D/g/devices.allow a
check "a on g, which has a child: EINVAL (deny)" refused "$EINVAL" $D/g/devices.deny a
check "child denies c 1:3 w" write $D/g/child/devices.deny "c 1:3 w"
check "child lists c 1:3 rm" lists $D/g/child/devices.list "c 1:3 rm"
check "in child, writing /dev/null is EPERM" eperm in_group g/child "$WRITE_NULL"
check "in child, reading /dev/null works" works in_group g/child "$READ_NULL"
check "in g, writing /dev/null still works" works in_group g "$WRITE_NULL"
check "child may take back what g has: c 1:3 w" write $D/g/child/devices.allow "c 1:3 w"
check "in child, writing /dev/null works again" works in_group g/child "$WRITE_NULL"
# A denial on g reaches the child's list, as v1 propagates it.
check "g denies c 1:3 r" write $D/g/devices.deny "c 1:3 r"
check "g lists c 1:3 wm" lists $D/g/devices.list "c 1:3 wm"
check "child lists c 1:3 wm (propagated)" lists $D/g/child/devices.list "c 1:3 wm"
check "in g, reading /dev/null is EPERM" eperm in_group g "$READ_NULL"
check "in child, reading /dev/null is EPERM" eperm in_group g/child "$READ_NULL"
check "in g, writing /dev/null works" works in_group g "$WRITE_NULL"

# --- The v1 parser's errors, and the CAP_SYS_ADMIN rule.
check "x 1:3 r: EINVAL" refused "$EINVAL" $D/g/devices.allow "x 1:3 r"
check "c 1:3 (no access): EINVAL" refused "$EINVAL" $D/g/devices.deny "c 1:3"
check "c 1:3 rwx: EINVAL" refused "$EINVAL" $D/g/devices.deny "c 1:3 rwx"
check "c 4294967296:3 r: EINVAL" refused "$EINVAL" $D/g/devices.deny "c 4294967296:3 r"
check "g's list is unchanged by refused writes" lists $D/g/devices.list "c 1:3 wm"
# Root in a new user namespace has no CAP_SYS_ADMIN in the initial one: its open works, its write not.
userns_write() { unshare -Ur sh -c 'echo "$2" > "$1" || exit 1; echo WROTE' sh "$1" "$2" 2>&1; }
check "a user namespace can be made" test "$(unshare -Ur sh -c 'echo made')" = made
check "a writer without CAP_SYS_ADMIN (user namespace): EPERM" eperm userns_write $D/g/devices.deny "c 1:3 w"
check "and g's list is unchanged" lists $D/g/devices.list "c 1:3 wm"

# --- The kernel keeps the program; the state lives on the v2 directory.
check "cgcompatd exits 0 on SIGTERM" stop_daemon
check "without the daemon, in g's leaf reading /dev/null is still EPERM" eperm in_v2 g/.tasks "$READ_NULL"
start_daemon
check "after a restart, g lists c 1:3 wm" lists $D/g/devices.list "c 1:3 wm"
check "after a restart, allow c 1:3 r on g" write $D/g/devices.allow "c 1:3 r"
# Found and replaced after the restart: the old program would still refuse the read.
check "in g, reading /dev/null works" works in_group g "$READ_NULL"
check "g lists c 1:3 rwm" lists $D/g/devices.list "c 1:3 rwm"

check "rmdir g/child" rmdir $D/g/child
check "rmdir g" rmdir $D/g
check "rmdir other" rmdir $D/other
check "g's v2 cgroup is gone" test ! -e $V2/g

check "cgcompatd exits 0 on SIGTERM" stop_daemon
check "no sanitizer report in the daemon's log" sh -c '! grep -q -e Sanitizer -e "runtime error" "$0"' "$DAEMON_LOG"
log_if_failed
summary
