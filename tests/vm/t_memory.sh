#!/bin/sh
# The v1 memory files on a pure v2 kernel (busybox sh, run by tests/vm/run-vm.sh): each
# write is checked by the v2 value it left and by what the kernel then does (OOM kills,
# refused shrinking, charges in memory.stat).
#
#   BUILD=build tests/vm/run-vm.sh tests/vm/t_memory.sh
# shellcheck source=tests/vm/lib.sh
. /opt/test/lib.sh

M=/run/cgcompat/cgroup/memory
UNLIMITED=9223372036854771712 # (LONG_MAX / 4096) * 4096: the VM has 4 KiB pages

start_daemon
require "the memory view is served" test -f $M/memory.limit_in_bytes

# run_in GROUP COMMAND...: COMMAND in a shell that joined the v1 group; its exit status.
run_in() { _g=$1; shift; sh -c 'echo $$ > "$0/tasks" && exec "$@"' "$M/$_g" "$@"; }

# --- memory.limit_in_bytes <-> memory.max ---
mkdir $M/a
check "mkdir makes v2 group a with memory.max" test -f $V2/a/memory.max
check "a new group's limit reads v1's unlimited" is $UNLIMITED "$(cat $M/a/memory.limit_in_bytes)"

# --- usage: what the tasks use, not the leaf's own memcg data (charged to the group) ---
echo "# empty group: v2 memory.current $(cat $V2/a/memory.current), percpu $(v2_key $V2/a/memory.stat percpu)"
check "a new group's usage_in_bytes is 0, as in v1" is 0 "$(cat $M/a/memory.usage_in_bytes)"
check "its max_usage_in_bytes is 0" is 0 "$(cat $M/a/memory.max_usage_in_bytes)"
check "its memsw.usage_in_bytes is 0" is 0 "$(cat $M/a/memory.memsw.usage_in_bytes)"
for v in 0 1 4095; do
        check "limit $v on the empty group is taken (v1 takes it)" is ok "$(write_err $v $M/a/memory.limit_in_bytes)"
        check "and reads 0" is 0 "$(cat $M/a/memory.limit_in_bytes)"
done
check "v2 memory.max is 0, on the leaf too" is "0 0" "$(cat $V2/a/memory.max) $(cat $V2/a/.tasks/memory.max)"
echo -1 > $M/a/memory.limit_in_bytes
mkdir $M/gone
run_in gone dd if=/dev/zero of=/dev/null bs=4M count=1 2>/dev/null
echo "# after a task: leaf memory.current $(cat $V2/gone/.tasks/memory.current), group $(cat $V2/gone/memory.current)"
check "a group whose tasks left takes limit 0 (charge batches drained, as v1 does)" \
        is ok "$(write_err 0 $M/gone/memory.limit_in_bytes)"
check "and its usage reads 0 then" is 0 "$(cat $M/gone/memory.usage_in_bytes)"
echo 64M > $M/a/memory.limit_in_bytes
check "limit 64M: v2 memory.max 67108864" is 67108864 "$(cat $V2/a/memory.max)"
check "limit 64M reads 67108864" is 67108864 "$(cat $M/a/memory.limit_in_bytes)"
echo 4097 > $M/a/memory.limit_in_bytes
check "limit 4097 floors to a page: v2 4096" is 4096 "$(cat $V2/a/memory.max)"
check "limit 4097 reads 4096" is 4096 "$(cat $M/a/memory.limit_in_bytes)"
echo "  32m " > $M/a/memory.limit_in_bytes
check "limit '  32m ' (stripped, lower-case suffix): v2 33554432" is 33554432 "$(cat $V2/a/memory.max)"
echo -1 > $M/a/memory.limit_in_bytes
check "limit -1: v2 memory.max is max" is max "$(cat $V2/a/memory.max)"
check "limit -1 reads $UNLIMITED" is $UNLIMITED "$(cat $M/a/memory.limit_in_bytes)"
echo 1G > $M/a/memory.limit_in_bytes
echo 9223372036854775807 > $M/a/memory.limit_in_bytes
check "limit LONG_MAX clamps to unlimited: v2 max" is max "$(cat $V2/a/memory.max)"
echo 1G > $M/a/memory.limit_in_bytes
for bad in max -2 1.5G 64MB abc; do
        check "limit '$bad' is EINVAL" fails_einval $M/a/memory.limit_in_bytes $bad
done
check "and v2 memory.max is still 1G" is 1073741824 "$(cat $V2/a/memory.max)"
check "limit on the root is EINVAL" fails_einval $M/memory.limit_in_bytes 64M
check "the root's v2 memory.max is untouched" is max "$(cat $V2/memory.max)"
check "the root's limit reads unlimited" is $UNLIMITED "$(cat $M/memory.limit_in_bytes)"

# --- memory.memsw.limit_in_bytes <-> memory.swap.max ---
check "memsw files are offered (memory.swap.max exists)" test -f $M/a/memory.memsw.limit_in_bytes
echo 64M > $M/a/memory.limit_in_bytes
check "a new group's memsw limit reads unlimited" is $UNLIMITED "$(cat $M/a/memory.memsw.limit_in_bytes)"
check "memsw 32M below the 64M limit is EINVAL" fails_einval $M/a/memory.memsw.limit_in_bytes 32M
check "and v2 memory.swap.max is still max" is max "$(cat $V2/a/memory.swap.max)"
echo 96M > $M/a/memory.memsw.limit_in_bytes
check "memsw 96M over limit 64M: v2 memory.swap.max 32M" is 33554432 "$(cat $V2/a/memory.swap.max)"
check "memsw 96M reads 100663296" is 100663296 "$(cat $M/a/memory.memsw.limit_in_bytes)"
check "limit 128M above memsw 96M is EINVAL" fails_einval $M/a/memory.limit_in_bytes 128M
check "and v2 memory.max is still 64M" is 67108864 "$(cat $V2/a/memory.max)"
check "limit -1 above memsw 96M is EINVAL" fails_einval $M/a/memory.limit_in_bytes -1
echo 48M > $M/a/memory.limit_in_bytes
check "limit 48M under memsw 96M: v2 memory.max 48M" is 50331648 "$(cat $V2/a/memory.max)"
check "and v2 memory.swap.max grows to 48M: memsw stays 96M" is 50331648 "$(cat $V2/a/memory.swap.max)"
check "memsw still reads 100663296" is 100663296 "$(cat $M/a/memory.memsw.limit_in_bytes)"
echo 96M > $M/a/memory.limit_in_bytes
check "limit == memsw: v2 memory.swap.max 0" is 0 "$(cat $V2/a/memory.swap.max)"
echo -1 > $M/a/memory.memsw.limit_in_bytes
check "memsw -1: v2 memory.swap.max is max" is max "$(cat $V2/a/memory.swap.max)"
check "memsw -1 reads unlimited" is $UNLIMITED "$(cat $M/a/memory.memsw.limit_in_bytes)"
echo -1 > $M/a/memory.limit_in_bytes
check "then limit -1 is allowed again: v2 max" is max "$(cat $V2/a/memory.max)"
check "memsw on the root is EINVAL" fails_einval $M/memory.memsw.limit_in_bytes -1

# --- the OOM killer, failcnt, max_usage_in_bytes ---
mkdir $M/oom
echo 32M > $M/oom/memory.limit_in_bytes
check "limit 32M: v2 memory.max 33554432" is 33554432 "$(cat $V2/oom/memory.max)"
check "no OOM kill yet" is 0 "$(v2_key $M/oom/memory.oom_control oom_kill)"
check "failcnt starts at 0" is 0 "$(cat $M/oom/memory.failcnt)"
run_in oom dd if=/dev/zero of=/dev/null bs=16M count=1 2>/dev/null
check "a 16M buffer fits under the 32M limit (dd exits 0)" is 0 $?
check "and nobody was OOM-killed" is 0 "$(v2_key $M/oom/memory.oom_control oom_kill)"
run_in oom dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null
check "a 64M buffer over the 32M limit: dd is killed (137)" is 137 $?
check "oom_control counts the kill" is 1 "$(v2_key $M/oom/memory.oom_control oom_kill)"
check "as v2 memory.events does" is 1 "$(v2_key $V2/oom/memory.events oom_kill)"
check "oom_control reads oom_kill_disable 0, under_oom 0" \
        is "oom_kill_disable 0 under_oom 0" "$(head -2 $M/oom/memory.oom_control | tr '\n' ' ' | sed 's/ $//')"
failcnt=$(cat $M/oom/memory.failcnt)
check "failcnt counts the limit hits ($failcnt)" at_least "$failcnt" 1
check "as v2 memory.events.local max" is "$failcnt" "$(v2_key $V2/oom/memory.events.local max)"
echo 0 > $M/oom/memory.failcnt
check "failcnt reset reads 0" is 0 "$(cat $M/oom/memory.failcnt)"
check "while v2 keeps its count" is "$failcnt" "$(v2_key $V2/oom/memory.events.local max)"
peak=$(cat $V2/oom/.tasks/memory.peak)
check "max_usage_in_bytes is the leaf's v2 memory.peak ($peak), below the group's" \
        is "$peak" "$(cat $M/oom/memory.max_usage_in_bytes)"
check "which reached about the limit" at_least "$peak" 30000000
echo 0 > $M/oom/memory.max_usage_in_bytes
usage=$(cat $M/oom/memory.usage_in_bytes)
max_usage=$(cat $M/oom/memory.max_usage_in_bytes)
check "after a reset max_usage is about the usage now ($max_usage)" at_most "$max_usage" 8000000
check "and not below it" at_least "$max_usage" "$usage"
echo 64M > $M/oom/memory.limit_in_bytes
run_in oom dd if=/dev/zero of=/dev/null bs=40M count=1 2>/dev/null
check "a 40M buffer under a 64M limit (dd exits 0)" is 0 $?
check "max_usage since the reset sees it (over 40M)" at_least "$(cat $M/oom/memory.max_usage_in_bytes)" 41943040
check "failcnt stayed 0 without limit hits" is 0 "$(cat $M/oom/memory.failcnt)"

# --- a limit below what cannot be reclaimed: EBUSY (v2 alone would take it) ---
mkdir $M/busy
echo 64M > $M/busy/memory.limit_in_bytes
run_in busy dd if=/dev/zero of=/tmp/busy.fill bs=1M count=24 2>/dev/null # tmpfs, no swap: pinned
usage=$(cat $M/busy/memory.usage_in_bytes)
check "24M of tmpfs is charged to busy ($usage)" at_least "$usage" 25165824
check "usage_in_bytes is the leaf's v2 memory.current (the group's own memcg data left out)" \
        is "$(cat $V2/busy/.tasks/memory.current)" "$usage"
check "memory.stat shmem holds it" at_least "$(v2_key $M/busy/memory.stat shmem)" 25165824
check "memory.stat cache holds it" at_least "$(v2_key $M/busy/memory.stat cache)" 25165824
check "limit 8M below 24M of shmem is EBUSY" fails_with "resource busy" $M/busy/memory.limit_in_bytes 8M
check "and v2 memory.max is still 64M" is 67108864 "$(cat $V2/busy/memory.max)"
echo 32M > $M/busy/memory.limit_in_bytes
check "limit 32M above the usage is taken" is 33554432 "$(cat $V2/busy/memory.max)"
check "kmem.usage_in_bytes is v2 memory.stat kernel" \
        is "$(v2_key $V2/busy/memory.stat kernel)" "$(cat $M/busy/memory.kmem.usage_in_bytes)"
check "memsw.usage_in_bytes is usage + swap.current (no swap: usage)" \
        is "$(cat $M/busy/memory.usage_in_bytes)" "$(cat $M/busy/memory.memsw.usage_in_bytes)"
rm /tmp/busy.fill
check "removing the file uncharges it" at_most "$(cat $M/busy/memory.usage_in_bytes)" 8000000
check "force_empty on a group succeeds" sh -c "echo 0 > $M/busy/memory.force_empty"
check "force_empty on the root is EINVAL" fails_einval $M/memory.force_empty 0
check "force_empty is write-only (0200)" is "--w-------" "$(ls -l $M/busy/memory.force_empty | cut -c1-10)"

# --- memory.stat: a group's own charges and its children's ---
mkdir $M/p $M/p/c
echo 256M > $M/p/memory.limit_in_bytes
# A shell in p/c holding 16 MiB of anonymous memory (a string in a variable) while it sleeps
# (not as its last command: ash would exec it, and the string would go).
sh -c 'echo $$ > "$0/tasks" && x=$(yes 0123456789abcdef | head -c 16777216) &&
        echo ${#x} > /tmp/held.new && mv /tmp/held.new /tmp/held && sleep 120; exit 0' "$M/p/c" &
holder=$!
WAIT_TIMEOUT=60 wait_for test -e /tmp/held
check "the holder's string is 16M long" is 16777216 "$(cat /tmp/held)"
rss_c=$(v2_key $M/p/c/memory.stat rss)
check "c's rss holds the 16M string ($rss_c)" at_least "$rss_c" 16777216
check "p's own rss is not c's" at_most "$(v2_key $M/p/memory.stat rss)" 1048576
check "p's total_rss includes c's" at_least "$(v2_key $M/p/memory.stat total_rss)" 16777216
check "p's total_rss is v2 memory.stat anon" is "$(v2_key $V2/p/memory.stat anon)" "$(v2_key $M/p/memory.stat total_rss)"
check "c's hierarchical_memory_limit is p's 256M" is 268435456 "$(v2_key $M/p/c/memory.stat hierarchical_memory_limit)"
check "c's hierarchical_memsw_limit is unlimited" is $UNLIMITED "$(v2_key $M/p/c/memory.stat hierarchical_memsw_limit)"
check "memory.stat has v1's keys in v1's order" is \
        "cache rss rss_huge shmem mapped_file dirty writeback workingset_refault_anon workingset_refault_file swap swapcached pgpgin pgpgout pgfault pgmajfault inactive_anon active_anon inactive_file active_file unevictable hierarchical_memory_limit hierarchical_memsw_limit total_cache total_rss total_rss_huge total_shmem total_mapped_file total_dirty total_writeback total_workingset_refault_anon total_workingset_refault_file total_swap total_swapcached total_pgpgin total_pgpgout total_pgfault total_pgmajfault total_inactive_anon total_active_anon total_inactive_file total_active_file total_unevictable" \
        "$(awk '{ printf "%s%s", (NR > 1 ? " " : ""), $1 }' $M/p/c/memory.stat)"
numa=$(sed -n 's/^hierarchical_anon=\([0-9]*\).*/\1/p' $M/p/memory.numa_stat)
check "p's numa_stat hierarchical_anon counts c's pages ($numa)" at_least "${numa:-0}" 4096
check "p's own numa_stat anon does not" at_most "$(sed -n 's/^anon=\([0-9]*\).*/\1/p' $M/p/memory.numa_stat)" 256
kill $holder 2>/dev/null
wait $holder 2>/dev/null

# --- files with no v2 home ---
check "oom_control 2 is EINVAL" fails_einval $M/a/memory.oom_control 2
check "oom_control on the root is EINVAL" fails_einval $M/memory.oom_control 0
echo 1 > $M/a/memory.oom_control
check "oom_control 1 is kept (default policy: store)" is 1 "$(v2_key $M/a/memory.oom_control oom_kill_disable)"
echo 0 > $M/a/memory.oom_control
check "oom_control 0 reads 0" is 0 "$(v2_key $M/a/memory.oom_control oom_kill_disable)"
check "swappiness reads vm.swappiness" is "$(cat /proc/sys/vm/swappiness)" "$(cat $M/a/memory.swappiness)"
check "swappiness 201 is EINVAL" fails_einval $M/a/memory.swappiness 201
echo 10 > $M/a/memory.swappiness
check "swappiness 10 reads 10" is 10 "$(cat $M/a/memory.swappiness)"
mkdir $M/a/child
check "a new child inherits swappiness 10" is 10 "$(cat $M/a/child/memory.swappiness)"
check "use_hierarchy reads 1" is 1 "$(cat $M/a/memory.use_hierarchy)"
check "use_hierarchy 0 is EINVAL" fails_einval $M/a/memory.use_hierarchy 0
check "use_hierarchy 1 is fine" sh -c "echo 1 > $M/a/memory.use_hierarchy"
check "move_charge_at_immigrate 4 is EINVAL" fails_einval $M/a/memory.move_charge_at_immigrate 4
echo 3 > $M/a/memory.move_charge_at_immigrate
check "move_charge_at_immigrate 3 reads 3" is 3 "$(cat $M/a/memory.move_charge_at_immigrate)"
err=$(cat $M/a/memory.pressure_level 2>&1)
check "pressure_level read is EINVAL ($err)" sh -c "case '$err' in *'Invalid argument'*) exit 0;; esac; exit 1"
echo 1M > $M/a/memory.kmem.limit_in_bytes
check "kmem.limit_in_bytes takes a value and ignores it" is $UNLIMITED "$(cat $M/a/memory.kmem.limit_in_bytes)"
check "kmem.limit_in_bytes 1.5G is EINVAL" fails_einval $M/a/memory.kmem.limit_in_bytes 1.5G
check "kmem.limit_in_bytes on the root is EINVAL" fails_einval $M/memory.kmem.limit_in_bytes 1M
echo 1M > $M/a/memory.kmem.tcp.limit_in_bytes
check "kmem.tcp.limit_in_bytes 1M is kept" is 1048576 "$(cat $M/a/memory.kmem.tcp.limit_in_bytes)"
echo -1 > $M/a/memory.kmem.tcp.limit_in_bytes
check "kmem.tcp.limit_in_bytes -1 reads unlimited" is $UNLIMITED "$(cat $M/a/memory.kmem.tcp.limit_in_bytes)"
check "kmem.slabinfo is empty" is "" "$(cat $M/a/memory.kmem.slabinfo)"
check "soft_limit_in_bytes starts unlimited" is $UNLIMITED "$(cat $M/a/memory.soft_limit_in_bytes)"
echo 16M > $M/a/memory.soft_limit_in_bytes
check "soft limit 16M: v2 memory.low 16777216" is 16777216 "$(cat $V2/a/memory.low)"
echo 0 > $M/a/memory.soft_limit_in_bytes
check "soft limit 0 written reads 0" is 0 "$(cat $M/a/memory.soft_limit_in_bytes)"

stop_daemon
log_if_failed
summary
