#!/bin/bash
# Boots Debian's own kernel in qemu, pure cgroup v2, with the host's own systemd as PID 1,
# and runs one busybox sh script as a unit of it. See tests/vm/systemd/README.md.
#
#   tests/vm/systemd/run-systemd-vm.sh SCRIPT [FILES...]
#
# SCRIPT and FILES are copied to /opt/test/ in the VM; SCRIPT runs as
# cgcompat-vm-test.service once the boot reached basic.target, with its output on the
# second serial port, shown here as it comes. cgcompatd and cgcompatctl from $BUILD are
# installed as `make install` would (/usr/sbin, /usr/bin), with conf/cgcompat.service in
# /lib/systemd/system, not started: the script starts what it tests.
# Exit codes besides the script's own: 124 timeout, 125 the VM failed (no exit marker).
#
# Environment: BUILD, VM_CACHE, VM_TIMEOUT (300), VM_MEM (1G), VM_SMP (2), VM_ACCEL (tcg),
# VM_APPEND, VM_QEMU_ARGS, VM_BINS as for tests/vm/run-vm.sh, whose cached kernel and
# base image (busybox, modules) this reuses; VMTEST_* are passed to the script.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
HARNESS=run-systemd-vm
# shellcheck source=tests/vm/harness.sh
. "$here/../harness.sh"

[ $# -ge 1 ] || { sed -n '2,/^set -euo/{/^set/d;s/^# \{0,1\}//;p}' "$0" >&2; exit 2; }
take_script_and_files "$@"
cd "$top"
take_vm_files

# The host's systemd is what boots: installed if missing (the harness installs the rest).
if ! dpkg-query -W -f='${Status}' systemd 2>/dev/null | grep -q 'ok installed'; then
        echo "run-systemd-vm: installing: systemd" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends systemd >&2 ||
                die "cannot install systemd"
fi

# The kernel and the busybox base come from the busybox harness, cached there.
START=$(date +%s.%N)
ready=$(VM_CACHE=$VM_CACHE tests/vm/run-vm.sh --prepare 2>&1 | tail -n 1)
KERNEL=$(printf '%s\n' "$ready" | sed -n 's/.*: kernel \([^ ]*\), image .*/\1/p')
BASE=$(printf '%s\n' "$ready" | sed -n 's/.*, image \(.*\)$/\1/p')
if [ ! -f "$KERNEL" ] || [ ! -f "$BASE" ]; then die "tests/vm/run-vm.sh --prepare: $ready"; fi
KVER=$(ls "$VM_CACHE/$(cat "$VM_CACHE/kernel.pkg")/lib/modules" | head -n 1)

# The host's systemd, as packaged: the manager, journald, systemctl, journalctl, the
# units a boot to basic.target needs, and the machine's identity. Cached per version.
SYSTEMD_UNITS="basic.target sysinit.target local-fs.target swap.target
sockets.target timers.target paths.target slices.target shutdown.target
systemd-journald.service systemd-journald.socket systemd-journald-dev-log.socket"
prepare_systemd() {
        local key units=/lib/systemd/system u
        key="$(dpkg-query -W -f='${Version}' systemd) $(cksum <"$0")"
        SYSTEMD_CPIO=$VM_CACHE/systemd-$(printf %s "$key" | sha256sum | cut -c1-16).cpio
        [ -f "$SYSTEMD_CPIO" ] && return 0
        find "$VM_CACHE" -maxdepth 1 -name 'systemd-*.cpio' -mtime +1 -delete
        STAGE=$(mktemp -d "$VM_CACHE/systemd.XXXXXX")
        add_program /lib/systemd/systemd /lib/systemd/systemd
        add_program /lib/systemd/systemd-journald /lib/systemd/systemd-journald
        add_program /usr/bin/systemctl /usr/bin/systemctl
        add_program /usr/bin/journalctl /usr/bin/journalctl
        mkdir -p "$STAGE$units" "$STAGE/etc/systemd/system" "$STAGE/usr/lib" "$STAGE/var/log" "$STAGE/var/tmp"
        for u in $SYSTEMD_UNITS; do cp "$units/$u" "$STAGE$units/$u"; done
        # journald comes up with the sockets, as on the host, so units log to the journal.
        mkdir -p "$STAGE$units/sockets.target.wants" "$STAGE$units/sysinit.target.wants"
        ln -s ../systemd-journald.socket "$STAGE$units/sockets.target.wants/"
        ln -s ../systemd-journald-dev-log.socket "$STAGE$units/sockets.target.wants/"
        ln -s ../systemd-journald.service "$STAGE$units/sysinit.target.wants/"
        cp /usr/lib/os-release "$STAGE/usr/lib/os-release"
        cp /usr/lib/os-release "$STAGE/etc/os-release"
        cp /etc/machine-id "$STAGE/etc/machine-id"
        echo 'root:x:0:0:root:/root:/bin/sh' >"$STAGE/etc/passwd"
        echo 'root:x:0:' >"$STAGE/etc/group"
        cpio_of "$STAGE" >"$SYSTEMD_CPIO.tmp"
        rm -rf "$STAGE"
        mv "$SYSTEMD_CPIO.tmp" "$SYSTEMD_CPIO"
}
exec 9>"$VM_CACHE/.lock-systemd"
flock 9
prepare_systemd
flock -u 9

make_run_dir cgcompat-sdvm systemd-

# The per-run part: init, cgcompat installed as `make install` puts it, the test unit.
STAGE=$RUN/stage
mkdir -p "$STAGE/opt/test" "$STAGE/etc/systemd/system" "$STAGE/lib/systemd/system" "$STAGE/etc/cgcompat"
cp "$here/init" "$STAGE/init"
chmod 755 "$STAGE/init"
add_program "$BUILD/cgcompatd" /usr/sbin/cgcompatd
[ ! -x "$BUILD/cgcompatctl" ] || add_program "$BUILD/cgcompatctl" /usr/bin/cgcompatctl
add_vm_bins
cp conf/cgcompat.service "$STAGE/lib/systemd/system/cgcompat.service"
cp compat.conf.yaml "$STAGE/etc/cgcompat/compat.conf.yaml"
cp "$here"/cgcompat-vm.target "$here"/cgcompat-vm-test.service "$STAGE/lib/systemd/system/"
ln -s /lib/systemd/system/cgcompat-vm.target "$STAGE/etc/systemd/system/default.target"
cp tests/vm/lib.sh "$STAGE/opt/test/lib.sh"
cp "$here/vm-test-wrapper" "$STAGE/opt/test/vm-test-wrapper"
stage_test
cpio_of "$STAGE" >"$RUN/run.cpio"
cat "$BASE" "$SYSTEMD_CPIO" "$RUN/run.cpio" >"$RUN/initrd"

boot_vm "$KERNEL" "systemd.show_status=0 systemd.log_level=notice systemd.log_color=0"
awk -v a="$VM_ACCEL" -v n="$VM_SMP" -v s="$START" -v q="$QEMU_START" -v e="$END" -v c="$CODE" -v k="$KVER" 'BEGIN {
        printf "run-systemd-vm: %s, %s, %s vCPUs, systemd as PID 1, qemu %.1fs, total %.1fs, exit %s\n", k, a, n, e - q, e - s, c }' >&2
exit "$CODE"
