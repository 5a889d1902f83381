# Views must not disappear: not through umount(8)'s fallback to mount sources, and when they
# are unmounted from outside anyway, the daemon mounts them again (issue 14).

# util-linux: "umount NAME/" with NAME/ not a mount point looks for a mount whose source is
# NAME. A legacy test does "mount -t cgroup xxx cgroup/" then "umount cgroup/". Run in a
# mount namespace of its own: there the fallback takes some other copy (the machine's v1
# hierarchies are "cgroup" too), never a mount outside it.
test_remount_umount_fallback_takes_no_view() {
        local cwd=$WORK/fallback left
        mkdir -p "$cwd/cgroup" "$cwd/container" "$cwd/cgroup2"
        left=$(unshare -m --propagation private sh -c '
                cd "$1" || exit 1
                for name in cgroup container cgroup2 cgroup cgroup2; do umount "$name/" 2>/dev/null; done
                cat /proc/self/mountinfo' sh "$cwd")
        rm -rf "$cwd"
        for m in "$VIEW" "$V1VIEW" "$FREEZER" "$UNIFIED" "$LEGACY"; do
                echo "$left" | awk -v m="$m" '$5 == m { found = 1 } END { exit !found }' ||
                        fail "$m unmounted by the fallback"
        done
}
