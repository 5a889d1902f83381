# The examples of the 2006 documentation (Documentation/containers.txt), run as written.

# 1.5 How do I use containers? A subshell started in Charlie, and everything it forks, is there.
test_doc_1_5_charlie() {
        out=$(sh -c '
                cd "$1"
                mkdir Charlie
                cd Charlie
                /bin/echo $$ > tasks
                sh -c "grep ^0:: /proc/self/cgroup; cat tasks"
        ' sh "$VIEW")
        expect_eq "the subshell's cgroup" "0::${V2ROOT#$CG2}/Charlie/.tasks" "$(echo "$out" | head -n1)"
        # tasks listed: the shell that attached, the subshell, and cat (sorted, ascending).
        listed=$(echo "$out" | tail -n +2)
        expect_eq "tasks entries" 3 "$(echo "$listed" | wc -l)"
        expect_eq "tasks sorted" "$(echo "$listed" | sort -n)" "$listed"
        # Everyone left: the group is empty again.
        expect_eq "tasks after exit" "" "$(cat "$VIEW/Charlie/tasks")"
        rmdir "$VIEW/Charlie"
}

# 2.1 Basic usage: create, list, attach, nest, remove; rmdir fails while in use.
test_doc_2_1_basic_usage() {
        cd "$VIEW"
        mkdir my_container
        cd my_container
        expect_eq "ls" "notify_on_release tasks" "$(ls | tr '\n' ' ' | sed 's/ $//')"
        sh -c 'echo $$ > tasks; exec sleep 30' &
        sleeper=$!
        wait_for 50 grep -qx "$sleeper" tasks
        mkdir my_sub_cs
        expect_eq "ls with a child" "my_sub_cs notify_on_release tasks" "$(ls | tr '\n' ' ' | sed 's/ $//')"
        rmdir my_sub_cs
        cd ..
        expect_errno "Device or resource busy" rmdir my_container
        kill "$sleeper"
        wait "$sleeper" 2>/dev/null || true
        wait_for_lines 0 my_container/tasks
        rmdir my_container
        expect_eq "gone" "" "$(ls -d my_container 2>/dev/null)"
}

# 2.2 Attaching processes: one PID per write, one after another.
test_doc_2_2_attach_one_at_a_time() {
        mkdir "$VIEW/g"
        sleep 30 & p1=$!
        sleep 30 & p2=$!
        sleep 30 & p3=$!
        /bin/echo $p1 > "$VIEW/g/tasks"
        /bin/echo $p2 > "$VIEW/g/tasks"
        /bin/echo $p3 > "$VIEW/g/tasks"
        expect_eq "tasks" "$(printf '%s\n' $p1 $p2 $p3 | sort -n)" "$(cat "$VIEW/g/tasks")"
        expect_eq "two pids in one write" EINVAL "$(write_once "$VIEW/g/tasks" "$p1 $p2")"
        for p in $p1 $p2 $p3; do
                expect_eq "v2 cgroup of $p" /g/.tasks "$(v2_cgroup_of $p)"
        done
        kill $p1 $p2 $p3
        wait 2>/dev/null || true
}
