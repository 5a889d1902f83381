# cgcompatctl exec's seccomp supervisor: every process the command runs sees the legacy layout,
# however it is linked. A static program with raw system calls (no libc open, no preload) reads
# the mount table, /proc/PID/cgroup and statfs; so do env -i children and setuid programs.

# A static program with raw system calls: rawsys OP ARGS...
#   open PATH [wo|nofollow]   openat(AT_FDCWD): the first line that matches $RAWSYS_GREP (else the
#                             first line), or the errno's name
#   all PATH                  openat(AT_FDCWD), the whole file
#   at DIR NAME               openat(DIR opened with O_DIRECTORY, NAME), the first line
#   openat2 PATH              openat2 with an open_how, the first line
#   statfs PATH / fstatfs PATH  f_type in hex (fstatfs on an O_PATH fd)
#   statfs-efault PATH        statfs into an unmapped buffer
#   euid                      the effective uid
#   thread PATH               open PATH from a second thread, the first line
exec_rawsys() {
        [ -x "$WORK/rawsys" ] && { echo "$WORK/rawsys"; return 0; }
        cat > "$WORK/rawsys.c" <<'C'
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

static int fail(void) {
        printf("%s\n", strerrorname_np(errno));
        return 0;
}

static int show(int fd, int all) {
        static char buf[1 << 20];
        const char *want = getenv("RAWSYS_GREP");
        size_t len = 0;
        ssize_t n;
        if (fd < 0)
                return fail();
        while ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
                len += (size_t) n;
        if (n < 0)
                return fail();
        buf[len] = 0;
        if (all) {
                fputs(buf, stdout);
                return 0;
        }
        for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
                if (!want || strstr(line, want)) {
                        printf("%s\n", line);
                        return 0;
                }
        printf("(no line)\n");
        return 0;
}

static void *in_thread(void *path) {
        show((int) syscall(SYS_openat, AT_FDCWD, path, O_RDONLY), 0);
        return NULL;
}

int main(int argc, char **argv) {
        struct statfs sfs;
        if (argc < 2)
                return 2;
        if (!strcmp(argv[1], "euid")) {
                printf("%ld\n", syscall(SYS_geteuid));
                return 0;
        }
        if (argc < 3)
                return 2;
        if (!strcmp(argv[1], "open") || !strcmp(argv[1], "all")) {
                int flags = O_RDONLY;
                if (argc > 3 && !strcmp(argv[3], "wo"))
                        flags = O_WRONLY;
                if (argc > 3 && !strcmp(argv[3], "nofollow"))
                        flags |= O_NOFOLLOW;
                return show((int) syscall(SYS_openat, AT_FDCWD, argv[2], flags), argv[1][0] == 'a');
        }
        if (!strcmp(argv[1], "at") && argc > 3) {
                int dir = (int) syscall(SYS_openat, AT_FDCWD, argv[2], O_RDONLY | O_DIRECTORY);
                if (dir < 0)
                        return fail();
                return show((int) syscall(SYS_openat, dir, argv[3], O_RDONLY | O_CLOEXEC), 0);
        }
        if (!strcmp(argv[1], "thread")) {
                pthread_t t;
                if (pthread_create(&t, NULL, in_thread, argv[2]) || pthread_join(t, NULL))
                        return 1;
                return 0;
        }
        if (!strcmp(argv[1], "openat2")) {
                struct open_how how = { .flags = O_RDONLY };
                return show((int) syscall(SYS_openat2, AT_FDCWD, argv[2], &how, sizeof(how)), 0);
        }
        if (!strcmp(argv[1], "statfs")) {
                if (syscall(SYS_statfs, argv[2], &sfs) < 0)
                        return fail();
                printf("%lx\n", (long) sfs.f_type);
                return 0;
        }
        if (!strcmp(argv[1], "statfs-efault")) {
                if (syscall(SYS_statfs, argv[2], (void *) 8) < 0)
                        return fail();
                printf("OK\n");
                return 0;
        }
        if (!strcmp(argv[1], "fstatfs")) {
                int fd = (int) syscall(SYS_openat, AT_FDCWD, argv[2], O_PATH);
                if (fd < 0 || syscall(SYS_fstatfs, fd, &sfs) < 0)
                        return fail();
                printf("%lx\n", (long) sfs.f_type);
                return 0;
        }
        return 2;
}
C
        cc -static -O2 -Wall -Werror -o "$WORK/rawsys" "$WORK/rawsys.c" >&2 || fail "cannot build a static program (libc6-dev's libc.a)" || return 1
        echo "$WORK/rawsys"
}

# exec_in CMD...: CMD under cgcompatctl exec with the supervisor (the default).
exec_in() {
        "$CGCOMPATCTL" exec -c "$CONFIG" -- "$@"
}

test_exec_static_program() {
        local raw out
        raw=$(exec_rawsys)
        mkdir -p "$V1VIEW/g/h" "$FREEZER/g/h"
        out=$("$CGCOMPATCTL" exec -c "$CONFIG" -g name=cgcompat:/g/h -- "$raw" all /proc/self/cgroup)
        expect_eq "/proc/self/cgroup" "1:name=cgcompat:/g/h
2:cpuacct,freezer:/g/h
0::/" "$out"
        # The library only spares dynamic programs the round trip for unrelated opens (open_pass.h).
        expect_eq "the preload library, marked as under the supervisor" "[$(dirname "$CGCOMPATCTL")/libcgcompat-preload.so] [1]" \
                "$(exec_in sh -c 'echo "[${LD_PRELOAD:-}] [${CGCOMPAT_SUPERVISED:-}]"')"
        # Each view once, where /sys/fs/cgroup has it, as the generator shows it.
        out=$(RAWSYS_GREP=" /sys/fs/cgroup/cgcompat " exec_in "$raw" open /proc/self/mountinfo)
        case "$out" in
        *" - cgroup cgroup rw,name=cgcompat") ;;
        *) fail "the name=cgcompat view in mountinfo: [$out]" ;;
        esac
        out=$(RAWSYS_GREP=" /sys/fs/cgroup/unified " exec_in "$raw" open /proc/self/mountinfo)
        case "$out" in
        *" - cgroup2 cgroup2 rw") ;;
        *) fail "the unified view in mountinfo: [$out]" ;;
        esac
        out=$(RAWSYS_GREP=" /sys/fs/cgroup/freezer,cpuacct " exec_in "$raw" open /proc/thread-self/mountinfo)
        case "$out" in
        *" - cgroup cgroup rw,cpuacct,freezer") ;;
        *) fail "the freezer,cpuacct bind in mountinfo: [$out]" ;;
        esac
        expect_eq "the machine's own v1 hierarchies are gone" "(no line)" \
                "$(RAWSYS_GREP=" - cgroup cgroup rw,memory" exec_in "$raw" open /proc/self/mountinfo)"
        expect_eq "/proc/mounts" "cgroup /sys/fs/cgroup/cgcompat cgroup rw,nosuid,nodev,noexec,relatime,name=cgcompat 0 0" \
                "$(RAWSYS_GREP=" /sys/fs/cgroup/cgcompat " exec_in "$raw" open /proc/mounts)"
        expect_eq "/etc/mtab" "cgroup /sys/fs/cgroup/cgcompat cgroup rw,nosuid,nodev,noexec,relatime,name=cgcompat 0 0" \
                "$(RAWSYS_GREP=" /sys/fs/cgroup/cgcompat " exec_in "$raw" open /etc/mtab)"
        expect_eq "openat2" "1:name=cgcompat:/" "$(exec_in "$raw" openat2 /proc/self/cgroup)"
        expect_eq "/proc/cgroups: freezer in hierarchy 2" "freezer 2" \
                "$(RAWSYS_GREP=freezer exec_in "$raw" open /proc/cgroups | awk '{ print $1, $2 }')"
        expect_eq "env -i" "1:name=cgcompat:/" "$(exec_in env -i "$raw" open /proc/self/cgroup)"
        # In a pid namespace of its own, with its own procfs: /proc/self is 1 there.
        expect_eq "in a new pid namespace and procfs" "1:name=cgcompat:/" \
                "$(exec_in unshare --pid --fork --mount-proc "$raw" open /proc/self/cgroup)"
        expect_eq "thread-self from a second thread" "1:name=cgcompat:/" "$(exec_in "$raw" thread /proc/thread-self/cgroup)"
        expect_eq "a grandchild of a shell" "1:name=cgcompat:/" "$(exec_in sh -c '"$1" open /proc/self/cgroup | cat' sh "$raw")"
        rmdir "$V1VIEW/g/h" "$FREEZER/g/h" "$V1VIEW/g" "$FREEZER/g"
}

test_exec_statfs() {
        local raw
        raw=$(exec_rawsys)
        expect_eq "statfs in the views" "27e0eb 27e0eb 63677270 63677270" "$(exec_in sh -c '
                for p in /sys/fs/cgroup/cgcompat /sys/fs/cgroup/freezer/ /sys/fs/cgroup/unified "$2"; do
                        "$1" statfs "$p"; done' sh "$raw" "$UNIFIED" | xargs)"
        expect_eq "fstatfs in the views" "27e0eb 63677270" "$(exec_in sh -c '
                "$1" fstatfs /sys/fs/cgroup/cgcompat/tasks; "$1" fstatfs /sys/fs/cgroup/unified/cgroup.procs' sh "$raw" | xargs)"
        expect_eq "statfs elsewhere: as outside" "$("$raw" statfs /etc) 65735546" \
                "$(exec_in sh -c '"$1" statfs /etc; "$1" statfs "$2"' sh "$raw" "$VIEW" | xargs)"
        expect_eq "outside exec: FUSE" "65735546 65735546" "$( ("$raw" statfs "$V1VIEW"; "$raw" fstatfs "$UNIFIED") | xargs)"
        expect_eq "statfs errors: a missing path, a bad buffer" "ENOENT EFAULT EFAULT" \
                "$(exec_in sh -c '"$1" statfs /nothere; "$1" statfs-efault /sys/fs/cgroup/cgcompat; "$1" statfs-efault /etc' \
                        sh "$raw" | xargs)"
}

test_exec_relative_paths() {
        local raw
        raw=$(exec_rawsys)
        expect_eq "cwd /proc" "1:name=cgcompat:/" "$(cd /proc && exec_in "$raw" open self/cgroup)"
        expect_eq "openat on a dirfd of /proc/self" "1:name=cgcompat:/" "$(exec_in "$raw" at /proc/self cgroup)"
        expect_eq "../self from /proc/1" "1:name=cgcompat:/" "$(cd /proc/1 && exec_in "$raw" open ../self/cgroup)"
        ln -s /proc/self/cgroup "$WORK/self-cgroup"
        ln -s ../../proc/thread-self "$WORK/thread"
        expect_eq "a link to /proc/self/cgroup" "1:name=cgcompat:/" "$(exec_in "$raw" open "$WORK/self-cgroup")"
        expect_eq "a relative link to /proc/thread-self" "1:name=cgcompat:/" "$(exec_in "$raw" open "$WORK/thread/cgroup")"
        expect_eq "O_NOFOLLOW on the link: the kernel's ELOOP" "ELOOP" "$(exec_in "$raw" open "$WORK/self-cgroup" nofollow)"
        rm "$WORK/self-cgroup" "$WORK/thread"
}

test_exec_outside_and_errnos() {
        local raw
        raw=$(exec_rawsys)
        expect_eq "outside exec: the real table" "fuse.cgcompat" \
                "$(RAWSYS_GREP=" $V1VIEW " "$raw" open /proc/self/mountinfo | sed 's/.* - //; s/ .*//')"
        expect_eq "under exec, the view is the kernel's own v1" "cgroup" \
                "$(RAWSYS_GREP=" /sys/fs/cgroup/cgcompat " exec_in "$raw" open /proc/self/mountinfo | sed 's/.* - //; s/ .*//')"
        expect_eq "a missing file" "ENOENT ENOENT ENOTDIR" \
                "$(exec_in sh -c '"$1" open /proc/self/nothere; "$1" open /nothere/mountinfo; "$1" open /proc/self/cgroup/x' sh "$raw" | xargs)"
        expect_eq "O_WRONLY on mountinfo, unprivileged, in and outside" "EACCES EACCES" \
                "$( (exec_in setpriv --reuid=65534 --regid=65534 --clear-groups "$raw" open /proc/self/mountinfo wo
                     setpriv --reuid=65534 --regid=65534 --clear-groups "$raw" open /proc/self/mountinfo wo) | xargs)"
        # An unprivileged caller is not shown another user's task rewritten: the kernel's file.
        sleep 30 &
        local pid=$!
        expect_eq "another user's task" "(no line)" \
                "$(RAWSYS_GREP=:name=cgcompat: exec_in setpriv --reuid=65534 --regid=65534 --clear-groups "$raw" open "/proc/$pid/cgroup")"
        expect_eq "root sees it rewritten" "1:name=cgcompat" \
                "$(RAWSYS_GREP=:name=cgcompat: exec_in "$raw" open "/proc/$pid/cgroup" | cut -d: -f1-2)"
        kill "$pid"; wait "$pid" 2>/dev/null || true
        # The supervisor walks as root, but answers only what the caller itself reaches.
        mkdir -m 0700 "$WORK/private"
        ln -s /proc/self/cgroup "$WORK/private/cgroup"
        ln -s /sys/fs/cgroup/cgcompat "$WORK/private/view"
        expect_eq "a link in a directory nobody may search" "EACCES EACCES" \
                "$(exec_in setpriv --reuid=65534 --regid=65534 --clear-groups sh -c \
                        '"$1" open "$2/cgroup"; "$1" statfs "$2/view"' sh "$raw" "$WORK/private" | xargs)"
        expect_eq "the same for root" "1:name=cgcompat:/ 27e0eb" \
                "$(exec_in sh -c '"$1" open "$2/cgroup"; "$1" statfs "$2/view"' sh "$raw" "$WORK/private" | xargs)"
        rm -r "$WORK/private"
        # The preload's switch, in a program's environment, holds for the supervisor too.
        expect_eq "CGCOMPAT_PRELOAD=0" "fuse.cgcompat" \
                "$(RAWSYS_GREP=" /sys/fs/cgroup/cgcompat " exec_in env CGCOMPAT_PRELOAD=0 "$raw" open /proc/self/mountinfo | sed 's/.* - //; s/ .*//')"
        local status=0
        exec_in sh -c 'exit 7' || status=$?
        expect_eq "the command's status" 7 "$status"
        # The supervisor (its command line is exec's) goes when no process of the command is left.
        exec_in true "supervisor-of-$UNIQUE"
        # ([t]: the pattern does not match the shell that runs pgrep.)
        wait_for 100 sh -c '! pgrep -f "$1" > /dev/null' sh "[t]rue supervisor-of-$UNIQUE" ||
                fail "a supervisor is left: $(pgrep -af "[t]rue supervisor-of-$UNIQUE")"
        "$CGCOMPATCTL" exec -c "$CONFIG" -- sh -c 'sleep 0.5 & exit 0' "supervisor-of-$UNIQUE"
        pgrep -f "[s]upervisor-of-$UNIQUE" > /dev/null || fail "no supervisor while a process of the command lives"
        wait_for 150 sh -c '! pgrep -f "$1" > /dev/null' sh "[s]upervisor-of-$UNIQUE" ||
                fail "a supervisor is left after the last process: $(pgrep -af "[s]upervisor-of-$UNIQUE")"
}

test_exec_setuid() {
        local raw
        raw=$(exec_rawsys)
        cp "$raw" "$WORK/rawsys-suid"
        chmod 4755 "$WORK/rawsys-suid"
        expect_eq "a setuid-root program run by nobody" "0
1:name=cgcompat:/" "$(exec_in setpriv --reuid=65534 --regid=65534 --clear-groups sh -c \
                '"$1" euid; "$1" open /proc/self/cgroup' sh "$WORK/rawsys-suid")"
        rm "$WORK/rawsys-suid"
}

# --preload: the LD_PRELOAD way, as before the supervisor: dynamic programs only.
test_exec_preload_option() {
        local raw lib
        raw=$(exec_rawsys)
        lib=$(dirname "$CGCOMPATCTL")/libcgcompat-preload.so
        expect_eq "LD_PRELOAD and the runtime dir" "$lib $WORK/run" \
                "$("$CGCOMPATCTL" exec --preload -c "$CONFIG" -- sh -c 'echo "$LD_PRELOAD $CGCOMPAT_RUNTIME_DIR"')"
        expect_eq "cat through the preload" "1:name=cgcompat:/" \
                "$("$CGCOMPATCTL" exec --preload -c "$CONFIG" -- head -n 1 /proc/self/cgroup)"
        # Nested: the kernel gives one listener per filter chain (EBUSY), so the inner exec falls
        # back to the preload, with a warning; the outer supervisor still answers what it reads.
        # The outer exec gives its command the library (open_pass.h); an ASan build of cgcompatctl
        # must have ASan's runtime first, so the inner one starts without it, as a static one would.
        local out
        out=$(exec_in env -u LD_PRELOAD "$CGCOMPATCTL" exec -c "$CONFIG" -- sh -c 'echo "[$LD_PRELOAD]"; head -n 1 /proc/self/cgroup; "$1" open /proc/self/cgroup' sh "$raw" 2>&1)
        expect_eq "exec in exec" "cgcompatctl: warning: no seccomp listener (Device or resource busy): exec falls back to the preload library
[$lib]
1:name=cgcompat:/
1:name=cgcompat:/" "$out"
        expect_eq "a static program is not reached by the preload" "fuse.cgcompat" \
                "$(RAWSYS_GREP=" /sys/fs/cgroup/cgcompat " "$CGCOMPATCTL" exec --preload -c "$CONFIG" -- "$raw" open /proc/self/mountinfo |
                        sed 's/.* - //; s/ .*//')"
}

# The supervisor and the preload show the same layout: one generator (tools/legacy_layout.c).
# Each exec has a mount namespace of its own, so mount ids differ: compared from field 3 on.
test_exec_same_as_preload() {
        local file sc pre
        mkdir -p "$V1VIEW/g" "$UNIFIED/g"
        for file in /proc/self/mountinfo /proc/self/mounts /proc/self/cgroup /proc/cgroups /etc/mtab; do
                sc=$("$CGCOMPATCTL" exec -c "$CONFIG" -g name=cgcompat:/g -- cat "$file")
                pre=$("$CGCOMPATCTL" exec --preload -c "$CONFIG" -g name=cgcompat:/g -- cat "$file")
                if [ "$file" = /proc/self/mountinfo ]; then
                        sc=$(echo "$sc" | cut -d' ' -f3-)
                        pre=$(echo "$pre" | cut -d' ' -f3-)
                fi
                [ "$file" = /proc/cgroups ] && { sc=$(echo "$sc" | awk '{ print $1, $2, $4 }'); pre=$(echo "$pre" | awk '{ print $1, $2, $4 }'); }
                expect_eq "$file: the supervisor as the preload" "$pre" "$sc"
        done
        expect_eq "statfs: the supervisor as the preload" \
                "$("$CGCOMPATCTL" exec --preload -c "$CONFIG" -- stat -f -c %t /sys/fs/cgroup/cgcompat /sys/fs/cgroup/unified "$VIEW" /sys/fs/cgroup | xargs)" \
                "$("$CGCOMPATCTL" exec -c "$CONFIG" -- stat -f -c %t /sys/fs/cgroup/cgcompat /sys/fs/cgroup/unified "$VIEW" /sys/fs/cgroup | xargs)"
        rmdir "$V1VIEW/g" "$UNIFIED/g"
}

# A dynamically linked program under exec has the preload library, which lets unrelated opens
# past the filter (open_pass.h); anything that may be ours still reaches the supervisor.
test_exec_dynamic_fast_path() {
        mkdir -p "$WORK/fast"
        ln -sfn /proc/self/cgroup "$WORK/fast/innocent"
        ln -sfn ../fast "$WORK/fast/dir"
        echo plain > "$WORK/fast/plain"
        expect_eq "a link with an innocent name into /proc/self" "1:name=cgcompat:/" \
                "$(exec_in cat "$WORK/fast/innocent" | head -n 1)"
        expect_eq "through a linked directory" "1:name=cgcompat:/" \
                "$(exec_in cat "$WORK/fast/dir/innocent" | head -n 1)"
        expect_eq "mountinfo by its name" "1" \
                "$(exec_in cat /proc/self/mountinfo | grep -c ' /sys/fs/cgroup/cgcompat .* - cgroup cgroup rw,name=cgcompat$')"
        expect_eq "an unrelated file, marked" "plain" "$(exec_in cat "$WORK/fast/plain")"
        expect_errno "No such file or directory" exec_in cat "$WORK/fast/missing"
        # The mark is no open flag: a program that passes it itself gets the kernel's file.
        expect_eq "the mark is ignored by the kernel" "plain" "$(exec_in python3 -c '
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY | 0x40000000)
print(os.read(fd, 100).decode().strip())' "$WORK/fast/plain")"
}
