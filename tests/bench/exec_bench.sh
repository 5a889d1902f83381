#!/bin/bash
# What cgcompatctl exec's two ways of showing the legacy layout cost the program they run: an
# unrelated open+close (/etc/hostname, O_RDONLY) and a stat(2), each outside exec, under
# `exec --preload` (LD_PRELOAD) and under exec's seccomp supervisor; and the open of
# /proc/self/mountinfo, which both answer with the generated table.
#
# bench.sh sources this file and puts its table in the report. Alone (no v1 hierarchy, about 20 s):
#   CGCOMPATD=build/cgcompatd CGCOMPATCTL=build/cgcompatctl CGBENCH=build/cgbench \
#       tests/bench/exec_bench.sh [N]
#
# It runs a daemon of its own (one cgroup-v1 view, named, so no kernel hierarchy is used) over a
# v2 subtree of its own, and removes both.

# exec_bench_run DIR CG2_SUBTREE N SAMPLES_DIR: measure; exec_bench_cleanup undoes what it made.
exec_bench_run() {
        EXB_DIR=$1 EXB_BACK=$2
        local n=$3 s=$4 conf legacy i
        : "${CGCOMPATCTL:?set CGCOMPATCTL to build/cgcompatctl}"
        legacy=$EXB_DIR/legacy
        conf=$EXB_DIR/compat.conf.yaml
        mkdir -p "$EXB_DIR" "$legacy" "$s" || return 1
        mkdir "$EXB_BACK" || return 1
        cat > "$conf" <<CONF
backend:
  root: $EXB_BACK
  leaf: .tasks
legacy_root: $legacy
runtime_dir: $EXB_DIR/run
views:
  - flavor: cgroup-v1
    name: cgbench
    mount: $legacy/cgbench
CONF
        "$CGCOMPATD" -c "$conf" >> "$EXB_DIR/daemon.log" 2>&1 &
        EXB_PID=$!
        for i in $(seq 200); do
                ls "$legacy/cgbench" 2>/dev/null | grep -qx tasks && break
                sleep 0.05
        done
        ls "$legacy/cgbench" 2>/dev/null | grep -qx tasks || {
                echo "exec bench: the daemon did not come up: $(tail -n 5 "$EXB_DIR/daemon.log")" >&2
                return 1
        }
        # Each figure in three settings, interleaved over 3 rounds.
        for i in 1 2 3; do
                for what in "open:open-close /etc/hostname" "stat:stat /etc/hostname" \
                        "mountinfo:open-close /proc/self/mountinfo"; do
                        local name=${what%%:*} args=${what#*:}
                        # shellcheck disable=SC2086
                        "$CGBENCH" $args "$n" "$s/exec_$name.out" || return 1
                        # shellcheck disable=SC2086
                        "$CGCOMPATCTL" exec --preload -c "$conf" -- "$CGBENCH" $args "$n" "$s/exec_$name.pre" || return 1
                        # shellcheck disable=SC2086
                        "$CGCOMPATCTL" exec -c "$conf" -- "$CGBENCH" $args "$n" "$s/exec_$name.sc" || return 1
                        # Without the library, as a static, Go or setuid program runs: every read-only open goes to the supervisor.
                        # shellcheck disable=SC2086
                        "$CGCOMPATCTL" exec -c "$conf" -- env -u LD_PRELOAD "$CGBENCH" $args "$n" "$s/exec_$name.nolib" || return 1
                done
        done
        # Proof that each setting saw what it should: the view as cgroup v1 in exec only.
        EXB_SEEN=$(awk -v m="$legacy/cgbench" '$5 == m { sub(/.* - /, ""); print $1 }' /proc/self/mountinfo | head -n 1)
        EXB_SEEN_PRE=$("$CGCOMPATCTL" exec --preload -c "$conf" -- sh -c \
                'awk '\''$5 == "/sys/fs/cgroup/cgbench" { sub(/.* - /, ""); print $1 }'\'' /proc/self/mountinfo')
        EXB_SEEN_SC=$("$CGCOMPATCTL" exec -c "$conf" -- sh -c \
                'awk '\''$5 == "/sys/fs/cgroup/cgbench" { sub(/.* - /, ""); print $1 }'\'' /proc/self/mountinfo')
        return 0
}

exec_bench_cleanup() {
        [ -n "${EXB_PID:-}" ] && kill -TERM "$EXB_PID" 2>/dev/null && wait "$EXB_PID" 2>/dev/null
        EXB_PID=
        [ -n "${EXB_DIR:-}" ] && awk -v l="$EXB_DIR/" 'index($2, l) == 1 { print $2 }' /proc/mounts | sort -r |
                while read -r m; do umount -l "$m"; done
        if [ -n "${EXB_BACK:-}" ] && [ -d "$EXB_BACK" ]; then
                find "$EXB_BACK" -depth -type d -exec rmdir {} + 2>/dev/null
        fi
        return 0
}

# The markdown table of the figures in SAMPLES_DIR: median (p10–p90) per operation.
exec_bench_table() {
        local s=$1
        exb_cell() {
                local n min p10 p50 p90 rest
                read -r n min p10 p50 p90 rest <<< "$("$CGBENCH" stats "$1" 2>/dev/null)"
                [ -z "$n" ] || [ "$n" = 0 ] && { echo "—"; return; }
                awk -v a="$p50" -v b="$p10" -v c="$p90" 'BEGIN { printf "%.1f µs (%.1f–%.1f)", a / 1e3, b / 1e3, c / 1e3 }'
        }
        echo "| operation | outside exec | exec --preload | exec (supervisor; the library's fast path) | exec, a program without the library (static, Go, setuid) |"
        echo "|---|---|---|---|---|"
        local op
        for op in "open:open+close \`/etc/hostname\` (O_RDONLY), unrelated to cgroups" "stat:stat \`/etc/hostname\`" \
                "mountinfo:open+close \`/proc/self/mountinfo\` (rewritten in exec)"; do
                local f=$s/exec_${op%%:*}
                echo "| ${op#*:} | $(exb_cell "$f.out") | $(exb_cell "$f.pre") | $(exb_cell "$f.sc") | $(exb_cell "$f.nolib") |"
        done
        echo
        echo "The view's type in /proc/self/mountinfo: outside exec \`${EXB_SEEN:-?}\`, with --preload \`${EXB_SEEN_PRE:-?}\`, with the supervisor \`${EXB_SEEN_SC:-?}\`."
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
        set -u
        : "${CGCOMPATD:?set CGCOMPATD to build/cgcompatd}"
        : "${CGBENCH:?set CGBENCH to build/cgbench}"
        CG2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
        [ "$(id -u)" = 0 ] && [ -c /dev/fuse ] && [ -n "$CG2" ] || { echo "needs root, /dev/fuse and cgroup2" >&2; exit 1; }
        EXB_WORK=/tmp/cgbench-exec-$$
        trap 'exec_bench_cleanup; rm -rf "$EXB_WORK"' EXIT
        trap 'exit 130' INT TERM HUP
        exec_bench_run "$EXB_WORK" "$CG2/cgbench-exec-$$" "${1:-2000}" "$EXB_WORK/samples" || exit 1
        exec_bench_table "$EXB_WORK/samples"
fi
