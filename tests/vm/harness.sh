# shellcheck shell=bash
# Shared by the VM harnesses, tests/vm/run-vm.sh and tests/vm/systemd/run-systemd-vm.sh, which
# source it after setting HARNESS (their name, for messages) and the VM_* settings.
# (tests/vm/lib.sh is another thing: the helpers of the test scripts, inside the VM.)

# The settings both take (run-vm.sh's header says what each means).
BUILD=${BUILD:-build}
VM_CACHE=${VM_CACHE:-build/vm}
VM_TIMEOUT=${VM_TIMEOUT:-300}
VM_MEM=${VM_MEM:-1G}
VM_SMP=${VM_SMP:-2}
VM_ACCEL=${VM_ACCEL:-tcg}
VM_APPEND=${VM_APPEND:-}
VM_QEMU_ARGS=${VM_QEMU_ARGS:-}
VM_BINS=${VM_BINS:-}

die() { echo "$HARNESS: $*" >&2; exit 125; }

# Paths given relative to where we were called from; everything else relative to the top.
abspath() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }

quote() { printf "'%s'" "$(printf %s "$1" | sed "s/'/'\\\\''/g")"; }

# SCRIPT FILES...: sets SCRIPT and FILES to their absolute paths, each checked.
take_script_and_files() {
        SCRIPT=$(abspath "$1")
        shift
        [ -f "$SCRIPT" ] || die "$SCRIPT: no such script"
        FILES=()
        local f
        for f in "$@"; do
                [ -e "$f" ] || die "$f: no such file"
                FILES+=("$(abspath "$f")")
        done
}

# Adds to FILES what SCRIPT names in "# vm-files: COMMAND" lines: COMMAND runs here, in the
# top directory, and prints paths (absolute or relative to it), one a line.
take_vm_files() {
        local cmd f
        while IFS= read -r cmd; do
                while IFS= read -r f; do
                        [ -z "$f" ] || FILES+=("$(abspath "$f")")
                done < <(BUILD=$BUILD bash -c "$cmd")
        done < <(sed -n 's/^# vm-files: //p' "$SCRIPT")
}

# Copies a host program to DEST in $STAGE, and its libraries at their ldd paths.
add_program() {
        local src=$1 dest=$2 lib
        [ -x "$src" ] || die "$src: no such program (run make first?)"
        mkdir -p "$STAGE/$(dirname "$dest")"
        cp -L "$src" "$STAGE/$dest"
        for lib in $(ldd "$src" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
                [ -e "$STAGE/$lib" ] && continue
                mkdir -p "$STAGE/$(dirname "$lib")"
                cp -L "$lib" "$STAGE/$lib"
        done
}

# The programs VM_BINS names, from the host's PATH to /usr/bin in $STAGE.
add_vm_bins() {
        local b p
        for b in $VM_BINS; do
                p=$(command -v "$b") || die "$b: no such program"
                add_program "$p" "/usr/bin/$(basename "$p")"
        done
}

# The test, its files and its environment in $STAGE: /opt/test and /etc/vm-test.conf, whose
# lines after the first come from the arguments, then every VMTEST_* variable, exported.
stage_test() {
        local v line f
        mkdir -p "$STAGE/opt/test" "$STAGE/etc"
        cp -a "$SCRIPT" "$STAGE/opt/test/"
        for f in "${FILES[@]}"; do cp -a "$f" "$STAGE/opt/test/"; done
        {
                echo "VM_SCRIPT=$(quote "/opt/test/$(basename "$SCRIPT")")"
                for line in "$@"; do echo "$line"; done
                while IFS= read -r v; do
                        echo "export $v=$(quote "${!v}")"
                done < <(compgen -e | grep '^VMTEST_' || true)
        } >"$STAGE/etc/vm-test.conf"
}

# A cpio archive of the directory $1, owned by root, in a stable order.
cpio_of() { (cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet); }

# The run's scratch directory RUN, removed on exit; the VM's two serial logs are kept in
# $VM_CACHE as last-$2console.log and last-$2output.log.
make_run_dir() { # make_run_dir NAME LOG_PREFIX
        RUN=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
        LAST_LOGS=$VM_CACHE/last-$2
        QPID=
        trap cleanup_run EXIT
        trap 'exit 130' INT
        trap 'exit 143' TERM
}

# shellcheck disable=SC2317  # called by the trap
cleanup_run() {
        if [ -n "$QPID" ] && kill -0 "$QPID" 2>/dev/null; then
                kill "$QPID" 2>/dev/null || true
                wait "$QPID" 2>/dev/null || true
        fi
        cp "$RUN/console.log" "${LAST_LOGS}console.log" 2>/dev/null || true
        cp "$RUN/output.log" "${LAST_LOGS}output.log" 2>/dev/null || true
        rm -rf "$RUN"
}

# Boots KERNEL with $RUN/initrd, pure cgroup v2, and more kernel command line (then VM_APPEND);
# shows the script's output (ttyS1) as it comes and sets CODE: its exit code, 124 if the VM
# was killed after VM_TIMEOUT, 125 if it stopped without one. Sets QEMU_START and END.
boot_vm() { # boot_vm KERNEL APPEND
        local accel status=0
        case $VM_ACCEL in
        kvm) accel=(-accel kvm -cpu host) ;;
        *) accel=(-accel "$VM_ACCEL" -cpu max) ;;
        esac
        : >"$RUN/output.log"
        : >"$RUN/console.log"
        # shellcheck disable=SC2034  # QEMU_START and END are for the caller's summary
        QEMU_START=$(date +%s.%N)
        # VM_QEMU_ARGS is split into words on purpose.
        # shellcheck disable=SC2086
        # Should the harness be killed outright, timeout and then qemu die with their parent.
        setpriv --pdeathsig KILL timeout -k 5 "$VM_TIMEOUT" \
                setpriv --pdeathsig KILL qemu-system-x86_64 -nodefaults -no-user-config -display none \
                "${accel[@]}" -smp "$VM_SMP" -m "$VM_MEM" -no-reboot \
                -kernel "$1" -initrd "$RUN/initrd" \
                -append "console=ttyS0 cgroup_no_v1=all panic=-1 rdinit=/init $2 $VM_APPEND" \
                -serial "file:$RUN/console.log" -serial "file:$RUN/output.log" $VM_QEMU_ARGS \
                </dev/null >"$RUN/qemu.log" 2>&1 &
        QPID=$!
        # In the background, so that a signal to the harness is handled at once (wait returns).
        tail -s 0.1 --pid="$QPID" -n +1 -f "$RUN/output.log" | sed -u -e 's/\r$//' -e '/^CGCOMPAT-VM-EXIT=/d' &
        wait "$QPID" || status=$?
        QPID=
        wait $!
        # shellcheck disable=SC2034
        END=$(date +%s.%N)

        CODE=$(sed -n 's/^CGCOMPAT-VM-EXIT=\([0-9]*\)\r\{0,1\}$/\1/p' "$RUN/output.log" | tail -n 1)
        grep -E 'Oops|BUG:|WARNING:|Kernel panic|blocked for more than|segfault|Freezing execution' "$RUN/console.log" |
                sed "s/^/$HARNESS: kernel: /" >&2 || true
        [ -z "$CODE" ] || return 0
        if [ "$status" = 124 ] || [ "$status" = 137 ]; then
                echo "$HARNESS: timeout: killed the VM after ${VM_TIMEOUT}s" >&2
                CODE=124
        else
                echo "$HARNESS: the VM stopped without an exit code (qemu status $status)" >&2
                CODE=125
        fi
        sed "s/^/$HARNESS: qemu: /" "$RUN/qemu.log" >&2
        echo "$HARNESS: last lines of the console (${LAST_LOGS}console.log):" >&2
        tail -n 40 "$RUN/console.log" | sed -e 's/\r$//' -e 's/^/  /' >&2
}
