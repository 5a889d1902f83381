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
