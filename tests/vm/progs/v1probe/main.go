// v1probe finds cgroups the way Go programs written for cgroup v1 do, with the
// standard library only, and prints what it found, one "key=value" a line.
// Built static (CGO_ENABLED=0) by tests/vm/build-progs.sh: Go makes its system
// calls itself, so LD_PRELOAD never reaches it.
//
// runc's libcontainer/cgroups (1.1):
//   - IsCgroup2UnifiedMode: statfs("/sys/fs/cgroup") is CGROUP2_SUPER_MAGIC;
//     else IsCgroup2HybridMode: statfs("/sys/fs/cgroup/unified") is;
//   - tryDefaultCgroupRoot: /sys/fs/cgroup is a mount point of type tmpfs;
//   - tryDefaultPath: /sys/fs/cgroup/SUBSYS is a mount point of CGROUP_SUPER_MAGIC;
//   - else the mountinfo lines of type "cgroup", subsystems in the super options.
//
// uber-go/automaxprocs before 1.5.1 (internal/cgroups): the mountinfo lines of
// type "cgroup" (fields up to " - ", then type, source, super options), the
// subsystems of /proc/self/cgroup, the group's directory as the mount point plus
// the path relative to the mount's root; the cpu quota from cpu.cfs_quota_us
// and cpu.cfs_period_us; GOMAXPROCS the quota over the period, rounded down, at
// least 1.
//
// Keys: root.magic, root.tmpfs, unified.magic, mode (unified, hybrid, legacy),
// mounts (the subsystems of each cgroup hierarchy, sorted, each once), for each of cpu, memory,
// pids: SUBSYS.mount (the last in mountinfo, as automaxprocs keeps), SUBSYS.root, SUBSYS.magic, SUBSYS.default (runc's
// tryDefaultPath), SUBSYS.cgroup, SUBSYS.path; cpu.cfs_quota_us,
// cpu.cfs_period_us, maxprocs, memory.limit_in_bytes; euid; errors as error=...
package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

const (
	tmpfsMagic   = 0x01021994
	cgroupMagic  = 0x27e0eb
	cgroup2Magic = 0x63677270
)

type mountPoint struct {
	root, mountPoint, fsType string
	superOptions             []string
}

func say(k string, v interface{}) { fmt.Printf("%s=%v\n", k, v) }

func magic(path string) (int64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return 0, err
	}
	return int64(st.Type), nil
}

func magicText(path string) string {
	m, err := magic(path)
	if err != nil {
		return "none"
	}
	return fmt.Sprintf("0x%x", m)
}

// isMountPoint: runc's test, the device differs from the parent directory's.
func isMountPoint(path string) bool {
	var st, pst syscall.Stat_t
	if syscall.Lstat(path, &st) != nil || st.Mode&syscall.S_IFMT != syscall.S_IFDIR {
		return false
	}
	if syscall.Lstat(filepath.Dir(path), &pst) != nil {
		return false
	}
	return st.Dev != pst.Dev
}

// tryDefaultPath: runc's fast path for a v1 hierarchy (the symlink cpu -> cpu,cpuacct resolved).
func tryDefaultPath(subsys string) string {
	path, err := filepath.EvalSymlinks(filepath.Join("/sys/fs/cgroup", subsys))
	if err != nil || !strings.HasPrefix(path, "/sys/fs/cgroup/") || !isMountPoint(path) {
		return ""
	}
	if m, err := magic(path); err != nil || m != cgroupMagic {
		return ""
	}
	return path
}

// automaxprocs' NewMountPointFromLine.
func parseMountInfo() ([]mountPoint, error) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var mps []mountPoint
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), " ")
		sep := -1
		for i := 6; i < len(fields); i++ {
			if fields[i] == "-" {
				sep = i
				break
			}
		}
		if sep < 0 || len(fields) < sep+4 {
			return nil, fmt.Errorf("bad mountinfo line %q", sc.Text())
		}
		mps = append(mps, mountPoint{
			root:         fields[3],
			mountPoint:   fields[4],
			fsType:       fields[sep+1],
			superOptions: strings.Split(fields[sep+3], ","),
		})
	}
	return mps, sc.Err()
}

// automaxprocs' parseCGroupSubsystems: subsystem -> path.
func parseCgroup() (map[string]string, error) {
	f, err := os.Open("/proc/self/cgroup")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	groups := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) != 3 {
			return nil, fmt.Errorf("bad /proc/self/cgroup line %q", sc.Text())
		}
		for _, s := range strings.Split(parts[1], ",") {
			groups[s] = parts[2]
		}
	}
	return groups, sc.Err()
}

func readLine(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]), nil
}

func main() {
	failed := false
	fail := func(f string, a ...interface{}) { say("error", fmt.Sprintf(f, a...)); failed = true }

	root, err := magic("/sys/fs/cgroup")
	if err != nil {
		fail("statfs /sys/fs/cgroup: %v", err)
	}
	say("root.magic", fmt.Sprintf("0x%x", root))
	say("root.tmpfs", root == tmpfsMagic && isMountPoint("/sys/fs/cgroup"))
	unified := magicText("/sys/fs/cgroup/unified")
	say("unified.magic", unified)
	switch {
	case root == cgroup2Magic:
		say("mode", "unified")
	case unified == fmt.Sprintf("0x%x", cgroup2Magic):
		say("mode", "hybrid")
	default:
		say("mode", "legacy")
	}

	mps, err := parseMountInfo()
	if err != nil {
		fail("mountinfo: %v", err)
	}
	groups, err := parseCgroup()
	if err != nil {
		fail("/proc/self/cgroup: %v", err)
	}
	bySubsys := map[string]mountPoint{}
	var mounts []string
	seen := map[string]bool{}
	for _, mp := range mps {
		if mp.fsType != "cgroup" {
			continue
		}
		var subs []string
		for _, opt := range mp.superOptions {
			// automaxprocs keeps the options that are subsystems of /proc/self/cgroup.
			if _, ok := groups[opt]; ok {
				bySubsys[opt] = mp
				subs = append(subs, opt)
			}
		}
		// A hierarchy can be mounted twice (the views and their bind on /sys/fs/cgroup).
		if j := strings.Join(subs, ","); len(subs) > 0 && !seen[j] {
			seen[j] = true
			mounts = append(mounts, j)
		}
	}
	sort.Strings(mounts)
	say("mounts", strings.Join(mounts, " "))

	paths := map[string]string{}
	for _, s := range []string{"cpu", "memory", "pids"} {
		mp, ok := bySubsys[s]
		if !ok {
			fail("no cgroup mount for %s", s)
			continue
		}
		say(s+".mount", mp.mountPoint)
		say(s+".root", mp.root)
		say(s+".magic", magicText(mp.mountPoint))
		say(s+".default", tryDefaultPath(s))
		say(s+".cgroup", groups[s])
		rel, err := filepath.Rel(mp.root, groups[s])
		if err != nil {
			fail("%s: %v", s, err)
			continue
		}
		paths[s] = filepath.Join(mp.mountPoint, rel)
		say(s+".path", paths[s])
	}

	if p, ok := paths["cpu"]; ok {
		quota, err1 := readLine(filepath.Join(p, "cpu.cfs_quota_us"))
		period, err2 := readLine(filepath.Join(p, "cpu.cfs_period_us"))
		if err1 != nil || err2 != nil {
			fail("cpu quota: %v %v", err1, err2)
		} else {
			say("cpu.cfs_quota_us", quota)
			say("cpu.cfs_period_us", period)
			q, _ := strconv.ParseFloat(quota, 64)
			per, _ := strconv.ParseFloat(period, 64)
			if q > 0 && per > 0 {
				n := int(q / per)
				if n < 1 {
					n = 1
				}
				say("maxprocs", n)
			} else {
				say("maxprocs", "unlimited")
			}
		}
	}
	if p, ok := paths["memory"]; ok {
		if v, err := readLine(filepath.Join(p, "memory.limit_in_bytes")); err != nil {
			fail("memory limit: %v", err)
		} else {
			say("memory.limit_in_bytes", v)
		}
	}
	say("euid", os.Geteuid())
	if failed {
		os.Exit(1)
	}
}
