#!/bin/bash
# Fetches Debian's runc and the libseccomp it links, unpacks them (dpkg -x) into DIR, once,
# and prints DIR: tests/vm/t_runc.sh names this script in its "# vm-files:" line, so the
# distribution's runc, a Go program with a cgroup v1 manager, runs unchanged in the VM.
#
#   tests/vm/fetch-runc.sh [DIR]      DIR defaults to $VM_CACHE/runc
#
# In DIR: usr/sbin/runc, usr/lib/<triplet>/libseccomp.so.2*. runc runs `runc init` through
# /proc/self/exe with an environment of its own (no LD_LIBRARY_PATH): the test copies
# libseccomp beside the VM's libc, where the loader looks by default.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
VM_CACHE=${VM_CACHE:-build/vm}
dest=${1:-$VM_CACHE/runc}

if [ -f "$dest/.extracted" ]; then
        echo "$dest"
        exit 0
fi
# The library package's name carries its soname.
library=$(apt-cache depends runc 2>/dev/null | sed -n 's/^ *Depends: \(libseccomp[0-9]*\)$/\1/p' | head -n 1)
if [ -z "$library" ]; then
        apt-get update -qq >&2
        library=$(apt-cache depends runc | sed -n 's/^ *Depends: \(libseccomp[0-9]*\)$/\1/p' | head -n 1)
fi
[ -n "$library" ] || { echo "fetch-runc: cannot tell which libseccomp runc needs" >&2; exit 1; }

mkdir -p "$(dirname "$dest")"
work=$(mktemp -d "$(dirname "$dest")/runc.XXXXXX")
trap 'rm -rf "$work"' EXIT
sandbox=()
[ "$(id -u)" = 0 ] && sandbox=(-o APT::Sandbox::User=root)
echo "fetch-runc: downloading runc $library" >&2
(cd "$work" && apt-get download -q "${sandbox[@]}" runc "$library" >&2)
for deb in "$work"/*.deb; do
        dpkg -x "$deb" "$work/root"
done
[ -x "$work/root/usr/sbin/runc" ] || { echo "fetch-runc: no usr/sbin/runc in runc" >&2; exit 1; }
libdir=$(dirname "$(find "$work/root" -name 'libseccomp.so.*' | head -n 1)")
# Whatever else runc links, but libc and the loader, which the VM has (cgcompatd's).
for lib in $(LD_LIBRARY_PATH=$libdir ldd "$work/root/usr/sbin/runc" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u); do
        case $lib in
        "$work"/* | */libc.so.* | */ld-linux*) ;;
        *) cp -L "$lib" "$libdir/" ;;
        esac
done
# Only what the VM needs: the documentation and the rest stay out of its image.
rm -rf "$work/root/usr/share"
touch "$work/root/.extracted"
rm -rf "$dest"
mv "$work/root" "$dest"
echo "$dest"
