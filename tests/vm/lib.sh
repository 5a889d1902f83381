# Helpers for VM test scripts (busybox sh). run-vm.sh puts this file at /opt/test/lib.sh:
#   . /opt/test/lib.sh
#   check "what is true" COMMAND [ARGS...]
#   ...
#   summary      # prints "N passed, N failed"; returns non-zero if any failed
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok - $*"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $*"; }
# check DESCRIPTION COMMAND [ARGS...]: COMMAND may be a shell function.
check() { _desc=$1; shift; if "$@"; then ok "$_desc"; else not_ok "$_desc"; fi; }
summary() { echo "$pass passed, $fail failed"; [ "$fail" -eq 0 ]; }

# mounted PATH [TYPE]: PATH is a mount point, of a file system type starting with TYPE.
mounted() { awk -v m="$1" -v t="${2:-}" '$2 == m && index($3, t) == 1 { f = 1 } END { exit !f }' /proc/mounts; }
# has_line TEXT LINE: TEXT has LINE as one of its lines.
has_line() { printf '%s\n' "$1" | grep -qxF -- "$2"; }
# wait_for COMMAND [ARGS...]: retries for up to $WAIT_TIMEOUT seconds (10), 0.1 s apart.
wait_for() {
        _i=0
        until "$@"; do
                [ "$_i" -ge $((${WAIT_TIMEOUT:-10} * 10)) ] && return 1
                sleep 0.1
                _i=$((_i + 1))
        done
}

# --- The daemon of the subsystem tests, and what they check with ---
DAEMON_LOG=/tmp/d.log
# The v2 tree behind the views of the built-in defaults.
# shellcheck disable=SC2034
V2=/sys/fs/cgroup/cgcompat
# start_daemon [CONFIG]: cgcompatd on its built-in defaults, or on a configuration file, as
# $daemon; returns once the views are up. The log keeps what every start said.
start_daemon() {
        cgcompatd ${1:+-c "$1"} >>"$DAEMON_LOG" 2>&1 &
        daemon=$!
        wait_for test -e /run/cgcompat/cgroup/memory/tasks
}
# stop_daemon: SIGTERM; its exit status, said if not 0 (a sanitizer build exits non-zero on a leak or error).
stop_daemon() {
        kill -TERM $daemon
        wait $daemon
        _status=$?
        [ $_status -eq 0 ] || echo "# cgcompatd exited $_status"
        return $_status
}
# require DESCRIPTION COMMAND [ARGS...]: a check the rest of the test needs: if it fails, the
# daemon's log, the summary and the end.
require() {
        _desc=$1
        shift
        if "$@"; then ok "$_desc"; return 0; fi
        not_ok "$_desc"
        sed 's/^/# daemon: /' "$DAEMON_LOG"
        summary
        exit 1
}
# log_if_failed: the daemon's log, if a check failed.
log_if_failed() { [ "$fail" -eq 0 ] || sed 's/^/# daemon: /' "$DAEMON_LOG"; }

# is EXPECTED ACTUAL: equal, or say what came instead.
is() { [ "$1" = "$2" ] || { echo "# expected '$1', got '$2'"; return 1; }; }
# at_least A B / at_most A B, on 64-bit integers.
at_least() { [ "$1" -ge "$2" ] || { echo "# $1 < $2"; return 1; }; }
at_most() { [ "$1" -le "$2" ] || { echo "# $1 > $2"; return 1; }; }
# v2_key FILE KEY: the value of KEY in a flat keyed file (cpu.stat, memory.events...).
v2_key() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }
# stop PID...: kill the processes and reap them.
stop() { kill "$@" 2>/dev/null; for _p in "$@"; do wait "$_p" 2>/dev/null; done; }

# What the shell says for an errno (for the tests that source this file).
# shellcheck disable=SC2034
EPERM="Operation not permitted" EACCES="Permission denied" EBUSY="Device or resource busy" \
        ENODEV="No such device" EINVAL="Invalid argument" ENOSPC="No space left on device" \
        ERANGE="Numerical result out of range"
# write_err VALUE FILE: "ok", or the shell's message for the errno of the write.
write_err() { _e=$( (echo "$1" >"$2") 2>&1) && echo ok || echo "${_e##*: }"; }
# fails_with ERRNO-TEXT FILE VALUE: writing VALUE fails, with the errno the shell names ERRNO-TEXT.
fails_with() {
        _err=$(sh -c "echo '$3' > '$2'" 2>&1) && { echo "# writing '$3' to $2 succeeded"; return 1; }
        case $_err in *"$1"*) return 0 ;; esac
        echo "# writing '$3' to $2: $_err"
        return 1
}
# fails_einval FILE VALUE: writing VALUE fails with EINVAL.
fails_einval() { fails_with "$EINVAL" "$@"; }
