#!/bin/sh
# The Debian package under a real systemd (tests/vm/systemd/run-systemd-vm.sh): installed
# with dpkg as an administrator installs it, the service is enabled and started and the
# views answer; an upgrade to a newer build while a legacy loop runs restarts the daemon
# as `systemctl restart` does (no error, at most a delay; the same mounts; open files keep
# working; the administrator's configuration kept); remove stops the service and unmounts;
# purge removes the configuration and the empty groups and names the groups the kernel
# keeps because they hold tasks.
#
# The wrapper installed the package held back from starting; this test purges that first,
# so the install below is the first one on this machine.
# vm-files: ls build/deb/upgrade/cgcompat_*.deb
# vm-files: echo tests/vm/systemd/legacy-loop.sh
# shellcheck source=tests/vm/lib.sh
. /opt/test/lib.sh

DPKG=/usr/bin/dpkg # by path: busybox sh has a dpkg applet of its own
OLD=$(ls /opt/test/deb/cgcompat_*.deb)
NEW=$(ls /opt/test/cgcompat_*+upgrade_*.deb)
VIEW=/dev/container
CONF=/etc/cgcompat/compat.conf.yaml
SCOPE=/sys/fs/cgroup/system.slice/cgcompat-tree.scope
TREE=$SCOPE/tree
prop() { systemctl show -p "$2" --value "$1"; }
version_of() { /usr/bin/dpkg-deb -f "$1" Version; }
fuse_mounts() { grep -c ' fuse.cgcompat ' /proc/mounts; }
on_failure_journal() { echo "# journal of cgcompat.service:"; journalctl --no-pager -o cat -u cgcompat.service | tail -n 30 | sed 's/^/#   /'; }
echo "# installing $(basename "$OLD"), then upgrading to $(basename "$NEW")"

$DPKG --purge cgcompat >/tmp/purge-first.log 2>&1
check "purge of the held-back install" is 0 $?
check "nothing of the package is left in /etc" test ! -e /etc/cgcompat

# node_exporter's textfile directory, as prometheus-node-exporter makes it: the shipped
# configuration writes the metrics there.
PROM=/var/lib/prometheus/node-exporter/cgcompat.prom
mkdir -p ${PROM%/*}
metric() { awk -v m="$1" '$1 == m { print $2 }' $PROM; }

# --- Install -------------------------------------------------------------------------
$DPKG -i "$OLD" >/tmp/install.log 2>&1
check "dpkg -i $(basename "$OLD")" is 0 $?
sed 's/^/# dpkg: /' /tmp/install.log
check "the package is installed" is "install ok installed $(version_of "$OLD")" \
        "$(dpkg-query -W -f='${Status} ${Version}' cgcompat)"
check "the unit is enabled" is enabled "$(systemctl is-enabled cgcompat.service)"
check "the unit was started by the install" is active "$(systemctl is-active cgcompat.service)"
check "the configuration is a conffile" sh -c "dpkg-query -W -f='\${Conffiles}' cgcompat | grep -q ' $CONF '"
check "cgcompatd --version names the package's version" is "cgcompatd $(version_of "$OLD")" "$(cgcompatd --version)"
check "the container view answers" test -e $VIEW/tasks
check "the cgroup v1 views answer" test -e /run/cgcompat/cgroup/cpu,cpuacct/cpu.shares
check "mount.container is where mount(8) looks" test -x /sbin/mount.container
check "mount.cgroup is not installed (the administrator's choice)" test ! -e /sbin/mount.cgroup
check "the preload library is installed" test -f /usr/lib/cgcompat/libcgcompat-preload.so
check "the man pages are installed" test -f /usr/share/man/man8/cgcompatd.8.gz -a -f /usr/share/man/man1/cgcompatctl.1.gz
cgcompatctl status >/tmp/status.out 2>&1
check "cgcompatctl status: exit 0" is 0 $?
sed 's/^/# status: /' /tmp/status.out
check "cgcompatctl status: running, every view responding" \
        sh -c "grep -q '^cgcompatd: running' /tmp/status.out && grep -q '^health: ok, ' /tmp/status.out"
views=$(fuse_mounts)
# The exec mechanism as packaged: the legacy layout at /sys/fs/cgroup in a namespace of
# its own, and the preload library found where the package put it.
check "cgcompatctl exec: a legacy script sees cpu.shares" is 1024 \
        "$(cgcompatctl exec -- sh -c 'cat /sys/fs/cgroup/cpu/cpu.shares')"
# shellcheck disable=SC2016  # expanded by the shell cgcompatctl runs
check "cgcompatctl exec --preload: the packaged library is preloaded" is /usr/lib/cgcompat/libcgcompat-preload.so \
        "$(cgcompatctl exec --preload -- sh -c 'echo $LD_PRELOAD')"
check "the metrics file is written" wait_for test -s $PROM
check "metrics: every view served (the registry's)" is "$(grep -c '^view ' /run/cgcompat/views)" "$(metric cgcompat_views)"
check "metrics: no restart yet" is 0 "$(metric cgcompat_restarts_total)"
check "metrics: the installed version" is 1 "$(metric "cgcompat_build_info{version=\"$(version_of "$OLD")\"}")"

# --- Upgrade while legacy work goes on -----------------------------------------------
echo '# kept by the administrator' >>$CONF
mkdir $VIEW/held $VIEW/empty $VIEW/empty/child
sleep 1000 &
sleeper=$!
echo $sleeper >$VIEW/held/tasks
dev_before=$(stat -c %d $VIEW)
pid_before=$(prop cgcompat.service MainPID)
exec 3<$VIEW/held/tasks
rm -f /tmp/loop.stop
sh /opt/test/legacy-loop.sh >/tmp/loop.out 2>&1 &
loop=$!
sleep 2
$DPKG -i "$NEW" >/tmp/upgrade.log 2>&1
check "dpkg -i $(basename "$NEW") (an upgrade), mid-loop" is 0 $?
sed 's/^/# dpkg: /' /tmp/upgrade.log
sleep 2
touch /tmp/loop.stop
wait $loop
sed 's/^/# loop: /' /tmp/loop.out | grep -v ERROR
check "the loop ran across the upgrade" grep -q '^iterations [1-9]' /tmp/loop.out
check "the legacy loop saw no error, only a delay" is 0 "$(grep -c ERROR /tmp/loop.out)"
grep ERROR /tmp/loop.out | head -n 5 | sed 's/^/# /'
check "the upgrade did not prompt about the configuration" sh -c "! grep -q 'Configuration file' /tmp/upgrade.log"
check "the administrator's configuration is kept" grep -qx '# kept by the administrator' $CONF
check "the new version is installed" is "install ok installed $(version_of "$NEW")" \
        "$(dpkg-query -W -f='${Status} ${Version}' cgcompat)"
pid_after=$(prop cgcompat.service MainPID)
check "a new daemon runs (restarted by the upgrade)" test "$pid_after" != 0 -a "$pid_after" != "$pid_before"
check "it runs the new build" is "cgcompatd $(version_of "$NEW")" "$(/proc/"$pid_after"/exe --version)"
check "$VIEW is the same mount, never unmounted" is "$dev_before" "$(stat -c %d $VIEW)"
check "every view is still mounted, as before" is "$views" "$(fuse_mounts)"
check "the group with a task kept it" has_line "$(cat $VIEW/held/tasks)" $sleeper
check "a tasks file opened before the upgrade reads after it" has_line "$(cat <&3)" $sleeper
exec 3<&-
check "the new daemon answered the mounts the old one left" sh -c \
        "journalctl --no-pager -o cat _PID=$pid_after | grep -q 'answering the mount the previous daemon left'"
check "metrics: the new version" wait_for grep -qxF "cgcompat_build_info{version=\"$(version_of "$NEW")\"} 1" $PROM
check "metrics: one restart" is 1 "$(metric cgcompat_restarts_total)"
check "metrics: the groups made before the upgrade are counted (held, empty, empty/child)" at_least "$(metric cgcompat_groups)" 3

# --- Remove --------------------------------------------------------------------------
$DPKG --remove cgcompat >/tmp/remove.log 2>&1
check "dpkg --remove cgcompat" is 0 $?
check "the service is stopped" is inactive "$(systemctl is-active cgcompat.service)"
check "every view is unmounted" is 0 "$(fuse_mounts)"
check "the daemon is gone" test ! -x /usr/sbin/cgcompatd
check "the configuration stays until purge" grep -qx '# kept by the administrator' $CONF
check "the package is in config-files state" is "deinstall ok config-files" "$(dpkg-query -W -f='${Status}' cgcompat)"
check "the groups stay in v2: the task in held" has_line "$(cat $TREE/held/.tasks/cgroup.procs)" $sleeper
check "... and the empty ones" test -d $TREE/empty/child

# --- Purge ---------------------------------------------------------------------------
$DPKG --purge cgcompat >/tmp/purge.log 2>&1
check "dpkg --purge cgcompat" is 0 $?
sed 's/^/# dpkg: /' /tmp/purge.log
check "the configuration is gone" test ! -e /etc/cgcompat
check "the package is unknown to dpkg" sh -c "! dpkg-query -W cgcompat 2>/dev/null | grep -q ."
check "the empty groups are removed" test ! -e $TREE/empty
check "the group holding a task is kept, with it" has_line "$(cat $TREE/held/.tasks/cgroup.procs)" $sleeper
check "purge names it, with its processes" grep -qx "  $TREE/held/.tasks: 1 process" /tmp/purge.log
check "the scope stays while it holds the task" test -d $SCOPE
check "the runtime directory is gone" test ! -e /run/cgcompat

# Once no task is left, a purge leaves nothing: no group, no scope.
kill $sleeper
wait $sleeper 2>/dev/null
$DPKG -i "$OLD" >/tmp/install.log 2>&1
check "installed again" is 0 $?
check "... and serving the groups left behind" test -d $VIEW/held
$DPKG --purge cgcompat >/tmp/purge.log 2>&1
check "purged again" is 0 $?
sed 's/^/# dpkg: /' /tmp/purge.log
check "purge names no group" sh -c "! grep -q 'groups that still hold tasks' /tmp/purge.log"
check "the tree is removed" test ! -e $TREE
check "the scope is gone with its anchor" wait_for sh -c "test ! -e $SCOPE && systemctl is-active cgcompat-tree.scope | grep -qx inactive"
check "no cgcompat mount is left" is 0 "$(grep -c cgcompat /proc/mounts)"

[ "$fail" -eq 0 ] || on_failure_journal
summary
