#!/bin/bash
# Boots Debian's own kernel in qemu, pure cgroup v2 with every controller, and runs one
# busybox sh script in it. See tests/vm/README.md.
#
#   tests/vm/run-vm.sh SCRIPT [FILES...]   run SCRIPT in the VM; prints its output,
#                                          exits with its exit code
#   tests/vm/run-vm.sh --prepare           only fetch the kernel and build the cached image
#
# SCRIPT and FILES are copied to /opt/test/ in the VM (directories too), with the test
# helpers tests/vm/lib.sh as /opt/test/lib.sh. SCRIPT runs there as a child of PID 1,
# with /usr/bin/cgcompatd and /usr/bin/cgcompatctl from $BUILD.
# Exit codes besides the script's own: 124 timeout, 125 the VM failed (no exit marker).
#
# Environment:
#   BUILD=build         where cgcompatd and cgcompatctl are taken from
#   VM_CACHE=build/vm   kernel .deb, its extraction, the cached base image, last logs
#   VM_TIMEOUT=300      seconds before qemu is killed and the run fails
#   VM_MEM=1G VM_SMP=2  guest memory and vCPUs
#   VM_ACCEL=tcg        or kvm (-cpu host) where nested virtualisation works
#   VM_APPEND=          more kernel command line
#   VM_QEMU_ARGS=       more qemu arguments
#   VM_PVH=1            boot the extracted vmlinux through PVH; 0: the bzImage via the BIOS
#   VM_MODULES="fuse brd"  kernel modules to load (their dependencies are added)
#   VM_BINS=            more host programs to copy to /usr/bin, with their libraries
#   VM_CGROUP_OPTS=nsdelegate,memory_recursiveprot   cgroup2 mount options (systemd's)
#   VMTEST_*            exported into the test script's environment as they are
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
HARNESS=run-vm
# shellcheck source=tests/vm/harness.sh
. "$here/harness.sh"
VM_MODULES=${VM_MODULES:-fuse brd}
VM_CGROUP_OPTS=${VM_CGROUP_OPTS:-nsdelegate,memory_recursiveprot}
VM_KERNEL_META=${VM_KERNEL_META:-linux-image-cloud-amd64}
HOST_PACKAGES="qemu-system-x86 busybox-static cpio lz4"

usage() {
        sed -n '2,/^set -euo/{/^set/d;s/^# \{0,1\}//;p}' "$0" >&2
        exit 2
}

install_deps() {
        local missing='' p
        for p in $HOST_PACKAGES; do
                dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
        done
        [ -z "$missing" ] && return 0
        echo "run-vm: installing:$missing" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        # shellcheck disable=SC2086
        apt-get install -y -qq --no-install-recommends $missing >&2
}

kernel_package() {
        apt-cache depends "$VM_KERNEL_META" 2>/dev/null |
                sed -n 's/^ *Depends: \(linux-image-[^ <>]*\)$/\1/p' | head -n 1
}

# Fetches and extracts the kernel package once; sets KDIR, KVER, KPKG.
prepare_kernel() {
        local cached=$VM_CACHE/kernel.pkg
        KPKG=
        # apt-cache takes a second: ask it again only when apt's lists changed since.
        if [ -s "$cached" ] && [ -f "$VM_CACHE/$(cat "$cached")/.extracted" ] &&
           [ -z "$(find /var/lib/apt/lists -maxdepth 1 -type f -newer "$cached" -print -quit 2>/dev/null)" ]; then
                KPKG=$(cat "$cached")
        else
                KPKG=$(kernel_package)
                [ -n "$KPKG" ] || [ ! -s "$cached" ] || KPKG=$(cat "$cached")
                if [ -z "$KPKG" ]; then
                        apt-get update -qq
                        KPKG=$(kernel_package)
                fi
                [ -n "$KPKG" ] || die "cannot tell which package $VM_KERNEL_META depends on"
                echo "$KPKG" >"$cached"
        fi
        KDIR=$VM_CACHE/$KPKG
        if [ ! -f "$KDIR/.extracted" ]; then
                local deb
                deb=$(ls "$VM_CACHE/${KPKG}"_*.deb 2>/dev/null | tail -n 1 || true)
                if [ -z "$deb" ]; then
                        echo "run-vm: downloading $KPKG" >&2
                        local sandbox=()
                        [ "$(id -u)" = 0 ] && sandbox=(-o APT::Sandbox::User=root)
                        (cd "$VM_CACHE" && apt-get download -q "${sandbox[@]}" "$KPKG" >&2)
                        deb=$(ls "$VM_CACHE/${KPKG}"_*.deb | tail -n 1)
                fi
                rm -rf "$KDIR" "$KDIR.tmp"
                dpkg -x "$deb" "$KDIR.tmp"
                touch "$KDIR.tmp/.extracted"
                mv "$KDIR.tmp" "$KDIR"
        fi
        KVER=$(basename "$(ls -d "$KDIR"/lib/modules/*/ | head -n 1)")
        [ -f "$KDIR/boot/vmlinuz-$KVER" ] || die "no vmlinuz-$KVER in $KDIR"
        KERNEL=$KDIR/boot/vmlinuz-$KVER
        if [ "${VM_PVH:-1}" = 1 ] && grep -q '^CONFIG_PVH=y' "$KDIR/boot/config-$KVER"; then
                [ -f "$KDIR/vmlinux" ] || [ -f "$KDIR/vmlinux.none" ] || extract_vmlinux
                [ -f "$KDIR/vmlinux" ] && KERNEL=$KDIR/vmlinux
        fi
}

# qemu boots an uncompressed vmlinux with a PVH entry point straight away, without the
# BIOS and the decompressor: about 1.5 s less per boot under TCG. Like the kernel's
# scripts/extract-vmlinux, find the compressed payload inside the bzImage by its magic.
extract_vmlinux() {
        local img=$KDIR/boot/vmlinuz-$KVER magic tool off
        case $(grep '^CONFIG_KERNEL_[A-Z0-9]*=y' "$KDIR/boot/config-$KVER") in
        *LZ4*) magic='\x02\x21\x4c\x18' tool="lz4 -dc" ;;
        *XZ*) magic='\xfd\x37\x7a\x58\x5a\x00' tool="xz -dc" ;;
        *ZSTD*) magic='\x28\xb5\x2f\xfd' tool="zstd -dc" ;;
        *GZIP*) magic='\x1f\x8b\x08' tool="gzip -dc" ;;
        *) magic= ;;
        esac
        if [ -n "$magic" ] && command -v "${tool%% *}" >/dev/null; then
                for off in $(LC_ALL=C grep -obUaP "$magic" "$img" | cut -d: -f1); do
                        tail -c +$((off + 1)) "$img" | $tool >"$KDIR/vmlinux.tmp" 2>/dev/null || true
                        if [ "$(head -c 4 "$KDIR/vmlinux.tmp" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then
                                mv "$KDIR/vmlinux.tmp" "$KDIR/vmlinux"
                                return 0
                        fi
                done
        fi
        rm -f "$KDIR/vmlinux.tmp"
        echo "run-vm: cannot extract vmlinux from $img, booting it through the BIOS" >&2
        touch "$KDIR/vmlinux.none"
}

# Module name (dashes or underscores) -> path relative to lib/modules/$KVER, or nothing.
module_path() {
        local n=${1//-/_}
        awk -v n="$n" '{ b = $0; sub(/.*\//, "", b); sub(/\.ko(\.[a-z]+)?$/, "", b); gsub(/-/, "_", b);
                         if (b == n) { print; exit } }' "$KDIR/lib/modules/$KVER/modules.order"
}

# Appends MODULE's dependencies, then MODULE, to MODLIST (load order). modules.dep is made
# by depmod at install time and is not in the package: read depends= from .modinfo.
MODLIST=()
resolve_module() {
        local name=$1 rel dep m
        for m in "${MODLIST[@]}"; do [ "$(basename "$m")" != "$name.ko" ] || return 0; done
        rel=$(module_path "$name")
        if [ -z "$rel" ]; then
                grep -q "/${name//_/[-_]}\.ko$" "$KDIR/lib/modules/$KVER/modules.builtin" && return 0
                die "no module $name in $KPKG"
        fi
        for dep in $(tr '\0' '\n' <"$KDIR/lib/modules/$KVER/$rel" | sed -n 's/^depends=//p' | tr ',' ' '); do
                resolve_module "$dep"
        done
        for m in "${MODLIST[@]}"; do [ "$m" != "$rel" ] || return 0; done
        MODLIST+=("$rel")
}

# The static part of the initramfs: busybox, its applet links, the modules. Cached.
prepare_base() {
        local key stage m a
        # Named after what it is made of, so runs with other modules do not race for it.
        key="$KPKG $(dpkg-query -W -f='${Version}' busybox-static) $(cksum <"$here/run-vm.sh") modules=$VM_MODULES"
        BASE=$VM_CACHE/base-$(printf %s "$key" | sha256sum | cut -c1-16).cpio
        [ -f "$BASE" ] && return 0
        find "$VM_CACHE" -maxdepth 1 -name 'base-*.cpio' -mtime +1 -delete
        for m in $VM_MODULES; do resolve_module "$m"; done
        stage=$(mktemp -d "$VM_CACHE/base.XXXXXX")
        mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,root,opt/test}
        cp /bin/busybox "$stage/bin/busybox"
        for a in $(/bin/busybox --list-full); do
                [ -e "$stage/$a" ] || ln -s /bin/busybox "$stage/$a"
        done
        : >"$stage/etc/vm-modules"
        for m in "${MODLIST[@]}"; do
                mkdir -p "$stage/lib/modules/$KVER/$(dirname "$m")"
                cp "$KDIR/lib/modules/$KVER/$m" "$stage/lib/modules/$KVER/$m"
                echo "/lib/modules/$KVER/$m" >>"$stage/etc/vm-modules"
        done
        cpio_of "$stage" >"$BASE.tmp"
        rm -rf "$stage"
        mv "$BASE.tmp" "$BASE"
}

prepare() {
        install_deps
        mkdir -p "$VM_CACHE"
        exec 9>"$VM_CACHE/.lock"
        flock 9
        prepare_kernel
        prepare_base
        flock -u 9
}

[ $# -ge 1 ] || usage
case $1 in
-h|--help) usage ;;
--prepare) MODE=prepare ;;
-*) usage ;;
*) MODE=run ;;
esac

[ "$MODE" = prepare ] || take_script_and_files "$@"

cd "$top"
START=$(date +%s.%N)
# A test names what else it needs from the host in "# vm-files:" lines.
[ "$MODE" != run ] || take_vm_files
prepare
[ "$MODE" = prepare ] && { echo "run-vm: $KPKG ready: kernel $KERNEL, image $BASE" >&2; exit 0; }

make_run_dir cgcompat-vm ""

# The per-run part of the initramfs: init, our programs, the test. The kernel unpacks
# concatenated archives in order, so it is appended to the cached base.
STAGE=$RUN/stage
mkdir -p "$STAGE/opt/test"
cp "$here/init.sh" "$STAGE/init"
chmod 755 "$STAGE/init"
add_program "$BUILD/cgcompatd" /usr/bin/cgcompatd
add_program "$BUILD/cgcompatctl" /usr/bin/cgcompatctl
# cgcompatctl exec finds the preload library beside itself.
[ ! -f "$BUILD/libcgcompat-preload.so" ] || add_program "$BUILD/libcgcompat-preload.so" /usr/bin/libcgcompat-preload.so
add_vm_bins
cp "$here/lib.sh" "$STAGE/opt/test/lib.sh"
stage_test "VM_CGROUP_OPTS=$(quote "$VM_CGROUP_OPTS")" \
        "export CGCOMPATD=/usr/bin/cgcompatd CGCOMPATCTL=/usr/bin/cgcompatctl"
cpio_of "$STAGE" >"$RUN/run.cpio"
cat "$BASE" "$RUN/run.cpio" >"$RUN/initrd"

boot_vm "$KERNEL" ""
t0=$(sed -n 's/.*vm-init: test starts at uptime \([0-9.]*\).*/\1/p' "$RUN/console.log" | head -n 1)
t1=$(sed -n 's/.*vm-init: test ends at uptime \([0-9.]*\).*/\1/p' "$RUN/console.log" | head -n 1)
# Boot: qemu's time but the test's, so firmware, kernel, init and power off.
awk -v k="$KVER" -v a="$VM_ACCEL" -v n="$VM_SMP" -v t0="$t0" -v t1="$t1" -v s="$START" -v q="$QEMU_START" \
    -v e="$END" -v c="$CODE" 'BEGIN {
        test = (t0 != "" && t1 != "") ? sprintf("boot %.1fs, test %.1fs, ", e - q - (t1 - t0), t1 - t0) : ""
        printf "run-vm: %s, %s, %s vCPUs, %sqemu %.1fs, total %.1fs, exit %s\n", k, a, n, test, e - q, e - s, c }' >&2
exit "$CODE"
