#!/bin/bash
# Builds the legacy programs of the VM tests on the host, static, into DIR, and prints DIR
# (a test names this script in a "# vm-files:" line; DIR lands at /opt/test/vm-progs):
#   hotspot_probe   C, cc -static: HotSpot's cgroup v1 lookup (tests/vm/progs/hotspot_probe.c)
#   hotspot_probe_dyn  the same, dynamically linked: LD_PRELOAD reaches it (the control that
#                   the layout the static one is asked for is the one the preload shows)
#   runas           C, cc -static: runas UID GID CMD... (drops to UID and GID, then runs CMD)
#   cgroup_event_listener  C, cc -static: the kernel's tools/cgroup listener of v1 memory
#                   events (tests/vm/progs/cgroup_event_listener.c)
#   cgroup_event_listener_dyn  the same, dynamically linked
#   event_probe     C, cc -static: writes to cgroup.event_control and names the errno; an
#                   allocator (tests/vm/progs/event_probe.c)
#   v1probe         Go, CGO_ENABLED=0, standard library only: runc's and automaxprocs' lookup
#                   (tests/vm/progs/v1probe), built off the network (GOPROXY=off) with its
#                   caches in DIR.go (not in DIR, which is copied into the VM)
#
#   tests/vm/build-progs.sh [DIR]      DIR defaults to $BUILD/vm-progs ($BUILD: build)
# Each is rebuilt only when its sources are newer.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
dest=${1:-${BUILD:-build}/vm-progs}
src=tests/vm/progs
mkdir -p "$dest"

# stale OUT SRC...: OUT is missing or older than one of SRC.
stale() {
        local out=$1 s
        shift
        [ -e "$out" ] || return 0
        for s in "$@"; do [ "$s" -nt "$out" ] && return 0; done
        return 1
}

for p in hotspot_probe runas cgroup_event_listener event_probe; do
        if stale "$dest/$p" "$src/$p.c" "$0"; then
                echo "build-progs: cc -static $src/$p.c" >&2
                ${CC:-cc} -static -O2 -Wall -Wextra -Werror -o "$dest/$p.tmp" "$src/$p.c" >&2
                mv "$dest/$p.tmp" "$dest/$p"
        fi
done
if stale "$dest/hotspot_probe_dyn" "$src/hotspot_probe.c" "$0"; then
        echo "build-progs: cc $src/hotspot_probe.c" >&2
        ${CC:-cc} -O2 -Wall -Wextra -Werror -o "$dest/hotspot_probe_dyn.tmp" "$src/hotspot_probe.c" >&2
        mv "$dest/hotspot_probe_dyn.tmp" "$dest/hotspot_probe_dyn"
fi
if stale "$dest/cgroup_event_listener_dyn" "$src/cgroup_event_listener.c" "$0"; then
        echo "build-progs: cc $src/cgroup_event_listener.c" >&2
        ${CC:-cc} -O2 -Wall -Wextra -Werror -o "$dest/cgroup_event_listener_dyn.tmp" "$src/cgroup_event_listener.c" >&2
        mv "$dest/cgroup_event_listener_dyn.tmp" "$dest/cgroup_event_listener_dyn"
fi

if stale "$dest/v1probe" "$src"/v1probe/*.go "$src/v1probe/go.mod" "$0"; then
        command -v go >/dev/null || { echo "build-progs: no go (tools/install-deps installs golang-go)" >&2; exit 1; }
        echo "build-progs: go build $src/v1probe" >&2
        abs=$(cd "$dest" && pwd)
        (cd "$src/v1probe" &&
                env CGO_ENABLED=0 GOFLAGS=-mod=mod GOPROXY=off GOSUMDB=off GOTOOLCHAIN=local \
                        GOCACHE="$abs.go/cache" GOPATH="$abs.go/path" GO111MODULE=on \
                        go build -trimpath -o "$abs/v1probe.tmp" . >&2)
        mv "$dest/v1probe.tmp" "$dest/v1probe"
fi
echo "$dest"
