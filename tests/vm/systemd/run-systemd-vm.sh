#!/bin/bash
# Boots Debian's own kernel in qemu, pure cgroup v2, with the host's own systemd as PID 1,
# and runs one busybox sh script as a unit of it. See tests/vm/systemd/README.md.
#
#   tests/vm/systemd/run-systemd-vm.sh SCRIPT [FILES...]
#
# SCRIPT and FILES are copied to /opt/test/ in the VM; SCRIPT runs as
# cgcompat-vm-test.service once the boot reached basic.target, with its output on the
# second serial port, shown here as it comes. cgcompat is installed from its Debian
# package (VM_DEB, default build/deb/cgcompat_<version>_<arch>.deb, which `make deb`
# builds) with the VM's dpkg before the script runs, its start held back by a
# policy-rc.d: installed and enabled, not started: the script starts what it tests.
# Exit codes besides the script's own: 124 timeout, 125 the VM failed (no exit marker).
#
# Environment: BUILD, VM_CACHE, VM_TIMEOUT (300), VM_MEM (1G), VM_SMP (2), VM_ACCEL (tcg),
# VM_APPEND, VM_QEMU_ARGS, VM_BINS as for tests/vm/run-vm.sh, whose cached kernel and
# base image (busybox, modules) this reuses; VM_DEB; VMTEST_* are passed to the script.
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

VERSION=$(sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' debian/changelog)
VM_DEB=${VM_DEB:-$(ls "build/deb/cgcompat_${VERSION}_"*.deb 2>/dev/null | head -n 1)}
[ -f "$VM_DEB" ] || die "no package to install: run make deb first (or set VM_DEB)"
if [ -x "$BUILD/cgcompatd" ] && [ "$BUILD/cgcompatd" -nt "$VM_DEB" ]; then
        echo "$HARNESS: warning: $VM_DEB is older than $BUILD/cgcompatd (make deb?)" >&2
fi

# The host's systemd, as packaged: the manager, journald, systemctl, journalctl, the
# units a boot to basic.target needs, and the machine's identity; and what installs a
# package as Debian does: dpkg, perl-base for the maintainer scripts' helpers
# (deb-systemd-helper, deb-systemd-invoke), ldconfig, start-stop-daemon. Cached per version.
SYSTEMD_UNITS="basic.target sysinit.target local-fs.target swap.target
sockets.target timers.target paths.target slices.target shutdown.target multi-user.target
systemd-journald.service systemd-journald.socket systemd-journald-dev-log.socket"
prepare_systemd() {
        local key units=/lib/systemd/system u
        key="$(dpkg-query -W -f='${Version} ' systemd dpkg perl-base) $(cksum <"$0")"
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
        add_dpkg
        cp /usr/lib/os-release "$STAGE/usr/lib/os-release"
        cp /usr/lib/os-release "$STAGE/etc/os-release"
        cp /etc/machine-id "$STAGE/etc/machine-id"
        echo 'root:x:0:0:root:/root:/bin/sh' >"$STAGE/etc/passwd"
        echo 'root:x:0:' >"$STAGE/etc/group"
        cpio_of "$STAGE" >"$SYSTEMD_CPIO.tmp"
        rm -rf "$STAGE"
        mv "$SYSTEMD_CPIO.tmp" "$SYSTEMD_CPIO"
}
add_dpkg() {
        local p f
        for p in /usr/bin/dpkg /usr/bin/dpkg-deb /usr/bin/dpkg-query /usr/bin/dpkg-trigger /usr/bin/dpkg-split \
                /sbin/start-stop-daemon /sbin/ldconfig /usr/bin/perl /usr/bin/tar; do
                add_program "$p" "$p"
        done
        cp /usr/bin/deb-systemd-helper /usr/bin/deb-systemd-invoke "$STAGE/usr/bin/"
        dpkg -L perl-base | while IFS= read -r f; do
                case $f in /usr/lib/*/perl-base/*) [ -f "$f" ] && cp --parents "$f" "$STAGE" ;; esac
        done
        # perl's locale, so that the helpers do not warn on every call.
        mkdir -p "$STAGE/usr/lib/locale"
        cp -a /usr/lib/locale/C.utf8 "$STAGE/usr/lib/locale/"
        mkdir -p "$STAGE/var/lib/dpkg/info" "$STAGE/var/lib/dpkg/updates" "$STAGE/var/lib/dpkg/triggers" \
                "$STAGE/etc/dpkg/dpkg.cfg.d" "$STAGE/var/log"
        : >"$STAGE/var/lib/dpkg/available"
}

# The package names a Depends or Pre-Depends field lists: every alternative, no versions.
dependency_names() { tr ',|' '\n\n' | sed 's/[ ]*(.*//; s/:any//; s/ //g' | sed '/^$/d'; }

# dpkg's database in the VM: the packages the package depends on, and theirs in turn, as
# the host has them (status, file lists, and their shared libraries, which is what the
# package needs of them), so that dpkg checks the dependencies as on a real host. An
# alternative or a virtual package the host lacks is left out.
add_dpkg_status() {
        local todo p f seen=" "
        # And what owns the directories the package shares, which the VM runs anyway.
        todo="$(dpkg-deb -f "$VM_DEB" Depends Pre-Depends | sed 's/^[A-Za-z-]*: //' | dependency_names) base-files systemd"
        while [ -n "$todo" ]; do
                set -- $todo
                p=$1
                shift
                todo="$*"
                case $seen in *" $p "*) continue ;; esac
                seen="$seen$p "
                dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || continue
                { dpkg-query -s "$p"; echo; } >>"$STAGE/var/lib/dpkg/status"
                cp /var/lib/dpkg/info/"$p".list /var/lib/dpkg/info/"$p":*.list "$STAGE/var/lib/dpkg/info/" 2>/dev/null || true
                dpkg -L "$p" | while IFS= read -r f; do
                        case $f in */gconv/*) continue ;; /lib/*.so*|/usr/lib/*.so*) ;; *) continue ;; esac
                        [ -f "$f" ] && [ ! -e "$STAGE$f" ] || continue
                        mkdir -p "$STAGE$(dirname "$f")"
                        cp -L "$f" "$STAGE$f"
                done
                todo="$todo $(dpkg-query -W -f='${Depends},${Pre-Depends}' "$p" | dependency_names | tr '\n' ' ')"
        done
}

exec 9>"$VM_CACHE/.lock-systemd"
flock 9
prepare_systemd
flock -u 9

make_run_dir cgcompat-sdvm systemd-

# The per-run part: init, the package and what dpkg knows, the test unit.
STAGE=$RUN/stage
mkdir -p "$STAGE/opt/test/deb" "$STAGE/etc/systemd/system" "$STAGE/lib/systemd/system" "$STAGE/var/lib/dpkg/info"
cp "$here/init" "$STAGE/init"
chmod 755 "$STAGE/init"
cp "$VM_DEB" "$STAGE/opt/test/deb/"
add_dpkg_status
add_vm_bins
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
