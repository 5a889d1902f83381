#!/bin/sh
# The v1 blkio files over the io controller (MAPPING.md §6.1), in the pure v2 VM.
#
# The device checks need a block device, and the VM has no disk: run-vm.sh loads
# the ram disk module (brd) by default.
# shellcheck source=tests/vm/lib.sh
. /opt/test/lib.sh

VIEW=/run/cgcompat/cgroup/blkio

start_daemon
check "the blkio view is served" wait_for test -e $VIEW/blkio.weight

# not_limited KEY IO_MAX: no device of IO_MAX has a number for KEY.
not_limited() { ! grep -q " $1=[0-9]" "$2"; }
io_default() { sed -n 's/^default //p' "$1/io.weight"; }

# blkio.weight: systemd's scaling (500 is io.weight's 100), what was written reads back.
mkdir $VIEW/g
check "a new group's weight reads 500 (io.weight default 100)" is 500 "$(cat $VIEW/g/blkio.weight)"
check "weight 1000" is ok "$(write_err 1000 $VIEW/g/blkio.weight)"
check "v2 io.weight is default 200" is 200 "$(io_default $V2/g)"
check "and reads 1000" is 1000 "$(cat $VIEW/g/blkio.weight)"
check "weight 500" is ok "$(write_err 500 $VIEW/g/blkio.weight)"
check "v2 io.weight is default 100" is 100 "$(io_default $V2/g)"
check "and reads 500" is 500 "$(cat $VIEW/g/blkio.weight)"
check "weight 503 (no exact io.weight)" is ok "$(write_err 503 $VIEW/g/blkio.weight)"
check "reads back 503" is 503 "$(cat $VIEW/g/blkio.weight)"
echo "default 50" >$V2/g/io.weight
check "after a change in v2 it reads the v2 value scaled (250)" is 250 "$(cat $VIEW/g/blkio.weight)"
check "weight 9 is ERANGE" is "$ERANGE" "$(write_err 9 $VIEW/g/blkio.weight)"
check "weight 1001 is ERANGE" is "$ERANGE" "$(write_err 1001 $VIEW/g/blkio.weight)"
check "weight abc is EINVAL" is "$EINVAL" "$(write_err abc $VIEW/g/blkio.weight)"
check "v2 kept default 50" is 50 "$(io_default $V2/g)"

# leaf_weight is the hidden leaf's io.weight; at the root, weight is the leaf weight too (CFQ).
check "leaf_weight 250" is ok "$(write_err 250 $VIEW/g/blkio.leaf_weight)"
check "the leaf's io.weight is default 50" is 50 "$(io_default $V2/g/.tasks)"
check "the group's io.weight is untouched" is 50 "$(io_default $V2/g)"
root_before=$(io_default $V2)
check "root weight 1000" is ok "$(write_err 1000 $VIEW/blkio.weight)"
check "goes to the root's leaf" is 200 "$(io_default $V2/.tasks)"
check "not to the tree's root" is "$root_before" "$(io_default $V2)"
check "root leaf_weight reads the same" is 1000 "$(cat $VIEW/blkio.leaf_weight)"

# The files with no v2 source read zeros in v1's layout.
check "io_merged ends with Total 0" is "Total 0" "$(tail -n 1 $VIEW/g/blkio.io_merged)"

dev=$(cat /sys/block/ram0/dev 2>/dev/null)
check "a ram disk to throttle (brd, loaded by run-vm.sh)" test -n "$dev"
if [ -n "$dev" ]; then
        echo "# ram disk /dev/ram0 is $dev"
        # read_in GROUP MIB: a direct read by a task of GROUP; prints the time it took in 1/100 s.
        read_in() {
                sh -c "echo \$\$ >$VIEW/$1/tasks && read a _ </proc/uptime && \
                        dd if=/dev/ram0 of=/dev/null bs=1M count=$2 iflag=direct 2>/dev/null && \
                        read b _ </proc/uptime && echo \$a \$b" | awk '{ printf "%d\n", ($2 - $1) * 100 }'
        }
        mkdir $VIEW/free
        t=$(read_in free 3)
        echo "# 3 MiB unthrottled in ${t}0 ms"
        check "unthrottled, 3 MiB take less than a second" test "$t" -lt 100

        check "read_bps_device $dev 1048576" is ok "$(write_err "$dev 1048576" $VIEW/g/blkio.throttle.read_bps_device)"
        check "v2 io.max has rbps=1048576" grep -qx "$dev rbps=1048576 wbps=max riops=max wiops=max" $V2/g/io.max
        check "it reads back" is "$dev 1048576" "$(cat $VIEW/g/blkio.throttle.read_bps_device)"
        check "write_bps_device lists nothing" is "" "$(cat $VIEW/g/blkio.throttle.write_bps_device)"
        t=$(read_in g 3)
        echo "# 3 MiB at 1 MiB/s in ${t}0 ms"
        check "a direct read of 3 MiB takes 2 s or more" test "$t" -ge 190

        # Statistics: the group's own (its leaf) and with its children (v2's io.stat).
        stats=$(cat $VIEW/g/blkio.io_service_bytes)
        check "io_service_bytes shows the 3 MiB read" has_line "$stats" "$dev Read 3145728"
        check "and no write" has_line "$stats" "$dev Write 0"
        check "and ends with the total" is "Total 3145728" "$(printf '%s\n' "$stats" | tail -n 1)"
        check "throttle.io_service_bytes too" has_line "$(cat $VIEW/g/blkio.throttle.io_service_bytes)" "$dev Read 3145728"
        check "sectors is 6144" has_line "$(cat $VIEW/g/blkio.sectors)" "$dev 6144"
        check "io_serviced counts the reads" has_line "$(cat $VIEW/g/blkio.io_serviced)" \
                "$dev Read $(sed -n "s/^$dev .*rios=\([0-9]*\).*/\1/p" $V2/g/io.stat)"
        mkdir $VIEW/g/child
        read_in g/child 1 >/dev/null
        check "the child's read is not g's own" has_line "$(cat $VIEW/g/blkio.io_service_bytes)" "$dev Read 3145728"
        check "but in g's recursive count" has_line "$(cat $VIEW/g/blkio.io_service_bytes_recursive)" \
                "$dev Read 4194304"

        check "reset_stats" is ok "$(write_err 1 $VIEW/g/blkio.reset_stats)"
        check "g's own count restarts at 0" has_line "$(cat $VIEW/g/blkio.io_service_bytes)" "$dev Read 0"
        check "its recursive count keeps the child's" has_line "$(cat $VIEW/g/blkio.io_service_bytes_recursive)" \
                "$dev Read 1048576"
        check "v2's io.stat goes on" grep -q "^$dev rbytes=4194304 " $V2/g/io.stat

        check "read_bps_device $dev 0 removes the limit" \
                is ok "$(write_err "$dev 0" $VIEW/g/blkio.throttle.read_bps_device)"
        check "v2 io.max limits no rbps" not_limited rbps $V2/g/io.max
        check "read_bps_device lists nothing" is "" "$(cat $VIEW/g/blkio.throttle.read_bps_device)"
        check "write_iops_device $dev 10" is ok "$(write_err "$dev 10" $VIEW/g/blkio.throttle.write_iops_device)"
        check "v2 wiops is 10" grep -q "^$dev .*wiops=10$" $V2/g/io.max
        check "an unknown device is ENODEV" is "$ENODEV" "$(write_err "259:99 5" $VIEW/g/blkio.throttle.read_bps_device)"
        check "no number is EINVAL" is "$EINVAL" "$(write_err "$dev max" $VIEW/g/blkio.throttle.read_bps_device)"
        # Per-device weights need a weight policy on the device: iocost, enabled at the root.
        check "weight_device without iocost: EOPNOTSUPP, as io.weight" \
                is "$(write_err "$dev 100" $V2/free/io.weight)" "$(write_err "$dev 500" $VIEW/g/blkio.weight_device)"
        echo "$dev enable=1" >/sys/fs/cgroup/io.cost.qos
        check "weight_device $dev 1000" is ok "$(write_err "$dev 1000" $VIEW/g/blkio.weight_device)"
        check "v2 io.weight has $dev 200" grep -qx "$dev 200" $V2/g/io.weight
        check "it reads back" is "$dev 1000" "$(cat $VIEW/g/blkio.weight_device)"
        check "weight_device $dev 5 is ERANGE" is "$ERANGE" "$(write_err "$dev 5" $VIEW/g/blkio.weight_device)"
        check "leaf_weight_device $dev 100" is ok "$(write_err "$dev 100" $VIEW/g/blkio.leaf_weight_device)"
        check "goes to the leaf's io.weight" grep -qx "$dev 20" $V2/g/.tasks/io.weight
        check "weight_device $dev 0 removes it" is ok "$(write_err "$dev 0" $VIEW/g/blkio.weight_device)"
        check "from v2 too" test -z "$(grep "^$dev " $V2/g/io.weight)"
        check "and it lists nothing" is "" "$(cat $VIEW/g/blkio.weight_device)"
        rmdir $VIEW/g/child $VIEW/free
fi

rmdir $VIEW/g
stop_daemon
log_if_failed
summary
