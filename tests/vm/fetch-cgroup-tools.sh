#!/bin/bash
# Fetches Debian's cgroup-tools (cgcreate, cgexec, cgget, ...) and the libcgroup it links,
# unpacks them (dpkg -x) into DIR, once, and prints DIR: the libcgroup VM test takes it as
# an extra file, so the distribution's binaries run unchanged in the VM.
#
#   tests/vm/fetch-cgroup-tools.sh [DIR]      DIR defaults to $VM_CACHE/cgroup-tools
#   BUILD=build tests/vm/run-vm.sh tests/vm/t_libcgroup.sh \
#           "$(tests/vm/fetch-cgroup-tools.sh)" build/libcgcompat-preload.so
#
# In DIR: usr/bin/cg*, lib/<triplet>/libcgroup.so.*; host-bin/cat and host-bin/stat, the
# host's dynamically linked ones, since LD_PRELOAD cannot reach the VM's static busybox; and
# the host's copies of the other libraries all these link (libpthread.so.0, libselinux.so.1,
# ...), but libc and the loader, which the VM has already (cgcompatd's). In the VM:
# PATH=DIR/usr/bin:... LD_LIBRARY_PATH=DIR/lib/<triplet>.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
VM_CACHE=${VM_CACHE:-build/vm}
dest=${1:-$VM_CACHE/cgroup-tools}

if [ -f "$dest/.extracted" ]; then
        echo "$dest"
        exit 0
fi
# The library package's name carries its soname (libcgroup1 before Debian 12, libcgroup2 since).
library=$(apt-cache depends cgroup-tools 2>/dev/null | sed -n 's/^ *Depends: \(libcgroup[0-9]*\)$/\1/p' | head -n 1)
if [ -z "$library" ]; then
        apt-get update -qq >&2
        library=$(apt-cache depends cgroup-tools | sed -n 's/^ *Depends: \(libcgroup[0-9]*\)$/\1/p' | head -n 1)
fi
[ -n "$library" ] || { echo "fetch-cgroup-tools: cannot tell which libcgroup cgroup-tools needs" >&2; exit 1; }

mkdir -p "$(dirname "$dest")"
work=$(mktemp -d "$(dirname "$dest")/cgroup-tools.XXXXXX")
trap 'rm -rf "$work"' EXIT
sandbox=()
[ "$(id -u)" = 0 ] && sandbox=(-o APT::Sandbox::User=root)
echo "fetch-cgroup-tools: downloading cgroup-tools $library" >&2
(cd "$work" && apt-get download -q "${sandbox[@]}" cgroup-tools "$library" >&2)
for deb in "$work"/*.deb; do
        dpkg -x "$deb" "$work/root"
done
[ -x "$work/root/usr/bin/cgcreate" ] || { echo "fetch-cgroup-tools: no cgcreate in cgroup-tools" >&2; exit 1; }
mkdir "$work/root/host-bin"
cp -L "$(command -v cat)" "$(command -v stat)" "$work/root/host-bin/"
libdir=$(dirname "$(find "$work/root" -name 'libcgroup.so.*' | head -n 1)")
for lib in $(LD_LIBRARY_PATH=$libdir ldd "$work"/root/usr/bin/* "$work"/root/host-bin/* | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u); do
        case $lib in
        "$work"/* | */libc.so.* | */ld-linux*) ;;
        *) cp -L "$lib" "$libdir/" ;;
        esac
done
touch "$work/root/.extracted"
rm -rf "$dest"
mv "$work/root" "$dest"
echo "$dest"
