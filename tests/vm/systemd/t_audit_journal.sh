#!/bin/sh
# The migration audit in the journal (tests/vm/systemd/run-systemd-vm.sh): with `audit: on`,
# cgcompat.service sends one structured entry per legacy write beside the JSON line of
# /run/cgcompat/audit.log; known writes give exactly that many entries, with exactly the
# fields of compat/audit_entry.h, binary values intact; `cgcompatctl audit --journal`
# reports what `cgcompatctl audit` reports from the log, and stands in when the log is gone.
# shellcheck source=tests/vm/lib.sh
. /opt/test/lib.sh

ID=dbd1c9f6d1a8478ea8c9c4006a774ea6
VIEW=/dev/container
CPU=/run/cgcompat/cgroup/cpu,cpuacct
LOG=/run/cgcompat/audit.log
echo "# $(systemctl --version | head -n 1), kernel $(uname -r)"

entries() { journalctl --no-pager -o export MESSAGE_ID=$ID "$@"; }
count() { entries "$@" | grep -c '^__CURSOR='; }
# The fields an entry of ours carries, sorted: journald's own (_PID, __CURSOR...) left out.
fields() { entries "$@" | grep -aE '^(MESSAGE|MESSAGE_ID|PRIORITY|SYSLOG_IDENTIFIER|CGCOMPAT_[A-Z0-9_]*)=' | sort; }
hex() { od -An -tx1 | tr -d ' \n'; }

sed -i 's/^audit: off$/audit: on/' /etc/cgcompat/compat.conf.yaml
check "the configuration has audit: on" grep -qx 'audit: on' /etc/cgcompat/compat.conf.yaml
check "systemctl start cgcompat.service" systemctl start cgcompat.service
check "the daemon audits to the journal too, and says so" sh -c \
        "journalctl --no-pager -o cat -u cgcompat.service | grep -q '^$LOG: auditing every legacy write, and to the journal'"

# Before any write: the journal holds no audit entry, an error of its own.
err=$(cgcompatctl audit --journal 2>&1)
check "audit --journal with no entry fails (ENODATA)" is 1 $?
check "... and says so with the MESSAGE_ID" has_line "$err" \
        "cgcompatctl audit: the journal: No data available (no audit entry, MESSAGE_ID=$ID: the daemon sends them with \"audit: on\" when journald runs)"

# Known writes: two accepted and two refused (one with a quote and a newline inside) to
# notify_on_release of a container group, one to cpu.shares of a cgroup-v1 group.
mkdir $VIEW/jtest $CPU/jtest
check "notify_on_release 1" sh -c "echo 1 > $VIEW/jtest/notify_on_release"
check "notify_on_release 0" sh -c "echo 0 > $VIEW/jtest/notify_on_release"
check "notify_on_release abc: EINVAL" fails_einval $VIEW/jtest/notify_on_release abc
check "notify_on_release 'a\"b<newline>c': EINVAL" fails_with "$EINVAL" $VIEW/jtest/notify_on_release 'a"b
c'
check "cpu.shares 512" sh -c "echo 512 > $CPU/jtest/cpu.shares"

WAIT_TIMEOUT=5 wait_for test "$(count)" -ge 5
check "exactly 5 audit entries in the journal" is 5 "$(count)"
check "2 of them at warning priority (the refused writes)" is 2 "$(journalctl --no-pager -o cat -p warning MESSAGE_ID=$ID | wc -l)"
check "5 lines in the audit log too" is 5 "$(wc -l <$LOG)"
journalctl --no-pager -o cat MESSAGE_ID=$ID | sed 's/^/# journal: /'

check "the fields of notify_on_release 1, exactly" is "CGCOMPAT_ERRNO=0
CGCOMPAT_FILE=notify_on_release
CGCOMPAT_GROUP=/jtest
CGCOMPAT_MAPPING=exact
CGCOMPAT_RESULT=ok
CGCOMPAT_V2=
CGCOMPAT_VALUE=1
CGCOMPAT_VIEW=container
MESSAGE=container /jtest/notify_on_release \"1\": ok
MESSAGE_ID=$ID
PRIORITY=6
SYSLOG_IDENTIFIER=cgcompatd" "$(fields CGCOMPAT_FILE=notify_on_release CGCOMPAT_VALUE=1)"
check "the fields of notify_on_release abc, exactly" is "CGCOMPAT_ERRNO=22
CGCOMPAT_FILE=notify_on_release
CGCOMPAT_GROUP=/jtest
CGCOMPAT_MAPPING=exact
CGCOMPAT_RESULT=EINVAL
CGCOMPAT_V2=
CGCOMPAT_VALUE=abc
CGCOMPAT_VIEW=container
MESSAGE=container /jtest/notify_on_release \"abc\": EINVAL
MESSAGE_ID=$ID
PRIORITY=4
SYSLOG_IDENTIFIER=cgcompatd" "$(fields CGCOMPAT_VALUE=abc)"
check "the fields of cpu.shares 512, exactly" is "CGCOMPAT_ERRNO=0
CGCOMPAT_FILE=cpu.shares
CGCOMPAT_GROUP=/jtest
CGCOMPAT_MAPPING=lossy
CGCOMPAT_RESULT=ok
CGCOMPAT_V2=cpu.weight=50
CGCOMPAT_VALUE=512
CGCOMPAT_VIEW=cpu,cpuacct
MESSAGE=cpu,cpuacct /jtest/cpu.shares \"512\": ok, v2 \"cpu.weight=50\"
MESSAGE_ID=$ID
PRIORITY=6
SYSLOG_IDENTIFIER=cgcompatd" "$(fields CGCOMPAT_FILE=cpu.shares)"
# A value with a newline inside is a binary field: in the export format, its name, a
# newline, its length as 64-bit little-endian, its bytes.
odd=$(entries CGCOMPAT_FILE=notify_on_release CGCOMPAT_RESULT=EINVAL | hex)
want=$(printf 'CGCOMPAT_VALUE\n\005\000\000\000\000\000\000\000a"b\nc\n' | hex)
check "the value with a quote and a newline inside is in the journal byte for byte" \
        sh -c 'case $1 in *"$2"*) exit 0 ;; esac; exit 1' - "$odd" "$want"
check "... and its MESSAGE is one line, escaped" has_line "$(journalctl --no-pager -o cat MESSAGE_ID=$ID)" \
        'container /jtest/notify_on_release "a\"b\u000ac": EINVAL'

# The same report from both sources; only the source named in the first line differs.
from_log=$(cgcompatctl audit)
from_journal=$(cgcompatctl audit --journal 2>/tmp/journal.err)
check "audit --journal exits 0" is 0 $?
# A sanitizer build (BUILD=build-san) reports leaks and errors there.
check "... and says nothing on stderr" is "" "$(cat /tmp/journal.err)"
printf '%s\n' "$from_journal" | sed 's/^/# audit --journal: /'
check "audit (the log): 5 writes, 2 files, 2 failed" has_line "$from_log" "5 writes to 2 files in $LOG, 2 failed"
check "audit --journal: the same counts" has_line "$from_journal" "5 writes to 2 files in the journal, 2 failed"
check "the rest of the two reports is the same" is "$(printf '%s\n' "$from_log" | sed 1d)" \
        "$(printf '%s\n' "$from_journal" | sed 1d)"
json_log=$(cgcompatctl audit --json | sed 's/^{"log":"[^"]*",/{/')
json_journal=$(cgcompatctl audit --json --journal | sed 's/^{"log":"[^"]*",/{/')
check "audit --json: the same from both sources, but for \"log\"" is "$json_log" "$json_journal"
check "audit --json --journal counts 5 writes, 2 failed" \
        sh -c 'case $1 in "{\"writes\":5,\"failed\":2,\"skipped_lines\":0,"*) exit 0 ;; esac; exit 1' - "$json_journal"

# No log (a reboot empties /run): the journal stands in, said on stderr.
mv $LOG /tmp/audit.log
fallback=$(cgcompatctl audit 2>/tmp/fallback.err)
check "audit without a log reads the journal" is "$from_journal" "$fallback"
check "... and says so on stderr" has_line "$(cat /tmp/fallback.err)" \
        "cgcompatctl audit: $LOG: No such file or directory; reading the journal instead"
mv /tmp/audit.log $LOG

rmdir $VIEW/jtest $CPU/jtest
check "systemctl stop cgcompat.service" systemctl stop cgcompat.service
check "no error from the daemon in the journal" \
        test -z "$(journalctl --no-pager -o cat -p err _SYSTEMD_UNIT=cgcompat.service)"
[ "$fail" -eq 0 ] || journalctl --no-pager -o cat -u cgcompat.service | tail -n 30 | sed 's/^/# cgcompat.service: /'
summary
