# Directories: mkdir, rmdir, rename, odd names, nesting, ownership.

test_dirs_mkdir_errors() {
        cd "$VIEW"
        mkdir a
        expect_errno "File exists" mkdir a
        expect_errno "File exists" mkdir tasks
        expect_errno "File exists" mkdir .tasks   # the hidden leaf's name is taken
        expect_errno "Invalid argument" mkdir "$(printf 'new\nline')"
        # cgroupfs takes names past NAME_MAX, as v1 did; FUSE stops at 1024 bytes.
        mkdir "$(printf 'x%.0s' $(seq 255))" "$(printf 'y%.0s' $(seq 256))" "$(printf 'z%.0s' $(seq 1024))"
        expect_errno "File name too long" mkdir "$(printf 'x%.0s' $(seq 1025))"
        expect_errno "Permission denied" touch a/newfile
        expect_errno "Operation not permitted" rm -f a/tasks
        expect_errno "Operation not permitted" ln -s x a/link
        expect_errno "Operation not permitted" mknod a/fifo p
        expect_errno "No such file or directory" ls -d a/.tasks
        expect_eq "leaf hidden" "notify_on_release tasks" "$(ls -A a | tr '\n' ' ' | sed 's/ $//')"
}

test_dirs_odd_names() {
        cd "$VIEW"
        for name in "sp ace" "ü-ñ" "-dash" ".dot" "cgroup.procs" "cpu.stat" "memory.pressure" "a:b" '$x'; do
                mkdir -- "$name"
                [ -d "$name" ] || fail "[$name] not a directory after mkdir"
                sh -c 'echo $$ > "$1/tasks"' sh "$name"
        done
        listed=$(ls -A | grep -v -e '^tasks$' -e '^notify_on_release$' -e '^release_agent$' | sort)
        expect_eq "listing" "$(printf '%s\n' "sp ace" "ü-ñ" "-dash" ".dot" "cgroup.procs" "cpu.stat" "memory.pressure" "a:b" '$x' | sort)" "$listed"
        # Names v2 keeps for its own files live under another v2 name, the legacy one kept beside it.
        [ -f "$V2ROOT/cgroup.procs" ] || fail "v2 file replaced"
        for name in "sp ace" "ü-ñ" "-dash" ".dot" "cgroup.procs" "cpu.stat" "memory.pressure" "a:b" '$x'; do
                rmdir -- "$name"
        done
        expect_eq "all gone" "notify_on_release release_agent tasks" "$(ls -A | tr '\n' ' ' | sed 's/ $//')"
}

test_dirs_rmdir_busy() {
        mkdir -p "$VIEW/busy/child"
        expect_errno "Device or resource busy" rmdir "$VIEW/busy"
        rmdir "$VIEW/busy/child"
        sh -c 'echo $$ > "$1/busy/tasks"; exec sleep 30' sh "$VIEW" &
        p=$!
        wait_for 50 grep -qx "$p" "$VIEW/busy/tasks"
        expect_errno "Device or resource busy" rmdir "$VIEW/busy"
        [ -d "$V2ROOT/busy/.tasks" ] || fail "leaf lost after a refused rmdir"
        kill "$p"
        wait "$p" 2>/dev/null || true
        wait_for_lines 0 "$VIEW/busy/tasks"
        rmdir "$VIEW/busy"
        [ ! -e "$V2ROOT/busy" ] || fail "v2 cgroup left behind"
        expect_errno "No such file or directory" rmdir "$VIEW/busy"
        expect_errno "Not a directory" rmdir "$VIEW/tasks"
}

test_dirs_rename() {
        cd "$VIEW"
        mkdir -p A/B C
        sh -c 'echo $$ > A/B/tasks; exec sleep 30' &
        p=$!
        wait_for 50 grep -qx "$p" A/B/tasks
        mv A/B A/B2
        expect_eq "renamed" "B2 notify_on_release tasks" "$(ls A | tr '\n' ' ' | sed 's/ $//')"
        expect_eq "tasks follow" "$p" "$(cat A/B2/tasks)"
        expect_errno "No such file or directory" ls A/B
        expect_errno "Input/output error" mv -T A/B2 C/B2
        expect_errno "Not a directory" mv -T A/tasks A/t2
        expect_errno "Invalid argument" python3 -c 'import os,sys; os.rename(sys.argv[1], sys.argv[2])' A/B2 "$(printf 'A/x\ny')"
        mkdir A/B3
        expect_errno "File exists" python3 -c 'import os,sys; os.rename(sys.argv[1], sys.argv[2])' A/B2 A/B3
        expect_errno "Invalid argument" python3 -c '
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
if libc.renameat2(-100, sys.argv[1].encode(), -100, sys.argv[2].encode(), 1):
    import os; raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))' A/B2 A/B5
        # The old name is free again, and can be a new group.
        mkdir A/B
        mv A/B A/B4
        mv A/B2 A/B
        expect_eq "names" "B B3 B4 notify_on_release tasks" "$(ls A | tr '\n' ' ' | sed 's/ $//')"
        expect_eq "tasks follow twice" "$p" "$(cat A/B/tasks)"
        kill "$p"
        wait "$p" 2>/dev/null || true
        wait_for_lines 0 A/B/tasks
        rmdir A/B A/B3 A/B4 A C
}

test_dirs_nesting_50_deep() {
        path=$VIEW
        for i in $(seq 50); do
                path=$path/n$i
                mkdir "$path"
        done
        sh -c 'echo $$ > "$1/tasks"; grep ^0:: /proc/self/cgroup' sh "$path" > "$WORK/deep"
        expected=${V2ROOT#$CG2}
        for i in $(seq 50); do expected=$expected/n$i; done
        expect_eq "deep cgroup" "0::$expected/.tasks" "$(cat "$WORK/deep")"
        expect_errno "Device or resource busy" rmdir "$VIEW/n1"
        for i in $(seq 50 -1 1); do
                rmdir "$path"
                path=${path%/*}
        done
        [ ! -e "$V2ROOT/n1" ] || fail "v2 tree left behind"
}

test_dirs_ownership_follows_v2() {
        mkdir "$VIEW/owned"
        chown nobody:nogroup "$VIEW/owned"
        expect_eq "dir owner" "nobody:nogroup" "$(stat -c %U:%G "$VIEW/owned")"
        expect_eq "v2 dir owner" "nobody:nogroup" "$(stat -c %U:%G "$V2ROOT/owned")"
        expect_eq "v2 delegation" "nobody nobody nobody" \
                "$(stat -c %U "$V2ROOT/owned/cgroup.procs" "$V2ROOT/owned/cgroup.threads" "$V2ROOT/owned/cgroup.subtree_control" | tr '\n' ' ' | sed 's/ $//')"
        chown nobody "$VIEW/owned/tasks"
        expect_eq "tasks owner" nobody "$(stat -c %U "$VIEW/owned/tasks")"
        # tasks is the leaf's cgroup.threads, cgroup.procs its cgroup.procs: v1 keeps the two apart.
        expect_eq "leaf threads owner" nobody "$(stat -c %U "$V2ROOT/owned/.tasks/cgroup.threads")"
        expect_eq "leaf procs owner" root "$(stat -c %U "$V2ROOT/owned/.tasks/cgroup.procs")"
        chmod 600 "$VIEW/owned/tasks"
        expect_eq "tasks mode" 600 "$(stat -c %a "$VIEW/owned/tasks")"
        chmod 640 "$VIEW/owned/notify_on_release"
        expect_eq "flag mode" 640 "$(stat -c %a "$VIEW/owned/notify_on_release")"
        # The user given the group creates inside it; what it creates is its own (cgroup_kn_set_ugid).
        setpriv --reuid=nobody --regid=nogroup --clear-groups mkdir "$VIEW/owned/sub"
        expect_eq "sub owner" "nobody:nogroup" "$(stat -c %U:%G "$VIEW/owned/sub" "$VIEW/owned/sub/tasks" | sort -u)"
        setpriv --reuid=nobody --regid=nogroup --clear-groups sh -c 'echo $$ > "$1/owned/sub/tasks"' sh "$VIEW"
        # ...but nothing outside it: no new sibling, no escape to the root, no move into a sibling.
        mkdir "$VIEW/sibling"
        expect_errno "Permission denied" setpriv --reuid=nobody --regid=nogroup --clear-groups mkdir "$VIEW/other"
        expect_errno "Operation not permitted" setpriv --reuid=nobody --regid=nogroup --clear-groups chown nobody "$VIEW/tasks"
        expect_errno "Permission denied" setpriv --reuid=nobody --regid=nogroup --clear-groups sh -c 'echo 0 > "$1/tasks"' sh "$VIEW"
        expect_errno "Permission denied" setpriv --reuid=nobody --regid=nogroup --clear-groups sh -c 'echo 0 > "$1/sibling/tasks"' sh "$VIEW"
        expect_errno "Permission denied" setpriv --reuid=nobody --regid=nogroup --clear-groups sh -c 'echo 1 > "$1/sibling/notify_on_release"' sh "$VIEW"
        expect_errno "Permission denied" setpriv --reuid=nobody --regid=nogroup --clear-groups rmdir "$VIEW/sibling"
        expect_errno "Permission denied" setpriv --reuid=nobody --regid=nogroup --clear-groups mv "$VIEW/sibling" "$VIEW/mine"
        rmdir "$VIEW/sibling"
        rmdir "$VIEW/owned/sub" "$VIEW/owned"
}

# mkdir(2)'s mode is the group's, and tasks and cgroup.procs keep their own modes, as in v1.
test_dirs_modes_as_v1() {
        (umask 022; python3 -c 'import os, sys; os.mkdir(sys.argv[1], 0o750)' "$V1VIEW/m")
        expect_eq "mode of a group made with 0750" "750" "$(stat -c %a "$V1VIEW/m")"
        (umask 022; python3 -c 'import os, sys; os.mkdir(sys.argv[1], 0o777)' "$V1VIEW/u")
        expect_eq "mode of a group made with 0777 under umask 022" "755" "$(stat -c %a "$V1VIEW/u")"
        chmod 640 "$V1VIEW/m/cgroup.procs"
        expect_eq "cgroup.procs after its chmod" 640 "$(stat -c %a "$V1VIEW/m/cgroup.procs")"
        expect_eq "tasks after the chmod of cgroup.procs" 644 "$(stat -c %a "$V1VIEW/m/tasks")"
        chmod 600 "$V1VIEW/m/tasks"
        expect_eq "cgroup.procs after the chmod of tasks" 640 "$(stat -c %a "$V1VIEW/m/cgroup.procs")"
        rmdir "$V1VIEW/m" "$V1VIEW/u"
}
