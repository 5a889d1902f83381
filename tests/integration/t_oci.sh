# cgcompatctl oci-hook, as an OCI runtime runs it (createRuntime): the container's state on
# stdin, its mounts made, before pivot_root. A process in a mount namespace of its own, with a
# bundle whose config.json names a rootfs, stands for the container; runc's run of the hook is
# in tests/vm/t_runc.sh.

OCI_BUNDLE=$WORK/oci-bundle

# A "container": a process in group $1 of the name=cgcompat view, in a private mount namespace.
oci_start_container() {
        mkdir -p "$OCI_BUNDLE/root fs/sys/fs"
        printf '{"ociVersion": "1.0.2", "process": {"args": ["sh"]}, "hooks": {"createRuntime": [{"path": "/x"}]},\n "root": {"path": "root fs", "readonly": true}}\n' \
                > "$OCI_BUNDLE/config.json"
        unshare -m --propagation private sh -c 'echo $$ > "$1/tasks"; exec sleep 60' sh "$V1VIEW$1" > /dev/null 2>&1 &
        local pid=$!
        wait_for 100 grep -qx "$pid" "$V1VIEW$1/tasks" || return 1
        echo "$pid"
}

oci_state() {
        printf '{"ociVersion":"1.0.2","id":"c1","status":"creating","pid":%s,"bundle":"%s","annotations":{}}' "$1" "$OCI_BUNDLE"
}

test_oci_hook_binds_the_containers_groups() {
        mkdir "$V1VIEW/ct1" "$FREEZER/other"
        local pid top="$OCI_BUNDLE/root fs/sys/fs/cgroup"
        pid=$(oci_start_container /ct1)
        # The freezer,cpuacct view does not hold ct1: there the container is where ct1's parent is.
        oci_state "$pid" | "$CGCOMPATCTL" oci-hook -c "$CONFIG" || fail "the hook failed"
        expect_eq "the hierarchies, the links beside them" "cgcompat cpuacct freezer freezer,cpuacct unified" \
                "$(nsenter -t "$pid" -m ls "$top" | xargs)"
        expect_eq "its group of name=cgcompat is the root there" "$pid" "$(nsenter -t "$pid" -m cat "$top/cgcompat/tasks")"
        expect_eq "no child groups: ct1 is the root" "" \
                "$(nsenter -t "$pid" -m find "$top/cgcompat" -mindepth 1 -type d)"
        expect_eq "freezer,cpuacct: the root of that view, where ct1's task is" "other" \
                "$(nsenter -t "$pid" -m find "$top/freezer,cpuacct" -mindepth 1 -maxdepth 1 -type d -printf '%f\n')"
        expect_eq "a link to its hierarchy" "freezer,cpuacct" "$(nsenter -t "$pid" -m readlink "$top/freezer")"
        expect_eq "views on the tmpfs" "fuse.cgcompat" \
                "$(nsenter -t "$pid" -m awk -v m="$top/cgcompat" '{ gsub(/\\040/, " ", $2) } $2 == m { print $3 }' /proc/self/mounts)"
        # A group made in the container's hierarchy is one of the view's.
        nsenter -t "$pid" -m mkdir "$top/cgcompat/inner"
        [ -d "$V1VIEW/ct1/inner" ] || fail "a group made in the container is not in the view"
        expect_eq "the runtime's namespace has none of it" "" "$(awk -v t="$OCI_BUNDLE" 'index($2, t) == 1' /proc/self/mounts)"
        kill "$pid"
}

test_oci_hook_refuses() {
        local pid out
        pid=$(oci_start_container /)
        # Outside a group of the tree, binding the views' roots would show every group of the machine.
        mkdir -p "$OCI_BUNDLE"
        out=$(oci_state $$ | "$CGCOMPATCTL" oci-hook -c "$CONFIG" 2>&1) && fail "a process outside the tree was taken"
        case "$out" in *"not in cgcompat's tree"*) ;; *) fail "outside the tree: [$out]" ;; esac
        out=$(echo '{"pid": "12"}' | "$CGCOMPATCTL" oci-hook -c "$CONFIG" 2>&1) && fail "a string pid was taken"
        case "$out" in *"state on stdin"*) ;; *) fail "a string pid: [$out]" ;; esac
        out=$(printf '{"pid": %s, "bundle": "%s"' "$pid" "$OCI_BUNDLE" | "$CGCOMPATCTL" oci-hook -c "$CONFIG" 2>&1) &&
                fail "truncated state was taken"
        expect_eq "a bundle without config.json" 1 \
                "$(oci_state "$pid" | sed "s|$OCI_BUNDLE|/nonexistent|" | "$CGCOMPATCTL" oci-hook -c "$CONFIG" > /dev/null 2>&1; echo $?)"
        expect_eq "nothing was mounted in the container" "" \
                "$(nsenter -t "$pid" -m awk -v t="$OCI_BUNDLE" 'index($2, t) == 1' /proc/self/mounts)"
        expect_eq "usage" 2 "$(status_of "$CGCOMPATCTL" oci-hook extra)"
        kill "$pid"
}
