#!/usr/bin/env python3
"""Processes doing mkdir/rmdir/rename/attach/read on overlapping groups at once.

Invariants: every operation ends within a deadline (no deadlock), errors are only
the ones the kernel gives for races (EEXIST, ENOENT, EBUSY), a tasks read lists each
task once and in order. Usage: stress_concurrency.py VIEW WORKERS SECONDS"""
import errno, os, random, signal, sys, time

view, workers, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
NAMES = [f"c{i}" for i in range(6)]
RACES = {errno.EEXIST, errno.ENOENT, errno.EBUSY, errno.ENOTDIR}
# rename(2) looks its two parents up one after the other: if the parent was replaced in
# between, they differ, and cgroup v1 refuses a rename across parents with EIO.
RENAME_RACES = RACES | {errno.EIO}


def worker(seed, deadline):
    rng = random.Random(seed)
    sleeper = os.fork()
    if sleeper == 0:
        signal.pause()
        os._exit(0)
    counts = {}
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError("operation took over 10 s")))
    try:
        while time.time() < deadline:
            a, b = rng.choice(NAMES), rng.choice(NAMES)
            path = rng.choice([f"{view}/{a}", f"{view}/{a}/{b}"])
            kind = rng.choice(["mkdir", "rmdir", "rename", "attach", "read", "flag"])
            signal.alarm(10)
            try:
                if kind == "mkdir":
                    os.mkdir(path)
                elif kind == "rmdir":
                    os.rmdir(path)
                elif kind == "rename":
                    os.rename(path, path.rsplit("/", 1)[0] + "/" + rng.choice(NAMES))
                elif kind == "attach":
                    fd = os.open(path + "/tasks", os.O_WRONLY)
                    try:
                        os.write(fd, str(sleeper).encode())
                    finally:
                        os.close(fd)
                elif kind == "flag":
                    with open(path + "/notify_on_release", "w") as f:
                        f.write(rng.choice("01"))
                else:
                    with open(path + "/tasks") as f:
                        tids = [int(x) for x in f.read().split()]
                    if tids != sorted(set(tids)):
                        raise AssertionError(f"tasks of {path} not sorted and unique: {tids}")
                counts[kind] = counts.get(kind, 0) + 1
            except OSError as e:
                if e.errno not in (RENAME_RACES if kind == "rename" else RACES):
                    raise AssertionError(f"{kind} {path}: unexpected {errno.errorcode[e.errno]}")
                counts["refused"] = counts.get("refused", 0) + 1
            finally:
                signal.alarm(0)
    finally:
        os.kill(sleeper, signal.SIGKILL)
        os.waitpid(sleeper, 0)
    return counts


deadline = time.time() + seconds
pids = []
for i in range(workers):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            counts = worker(i, deadline)
            os.write(w, repr(counts).encode())
            os._exit(0)
        except BaseException as e:
            os.write(w, f"ERROR {e}".encode())
            os._exit(1)
    os.close(w)
    pids.append((pid, r))

total, failed = {}, 0
for pid, r in pids:
    out = b""
    while chunk := os.read(r, 65536):
        out += chunk
    _, status = os.waitpid(pid, 0)
    if status != 0:
        print(f"worker {pid}: {out.decode()}")
        failed += 1
        continue
    for k, v in eval(out.decode()).items():
        total[k] = total.get(k, 0) + v
print(f"{workers} workers, {seconds:.0f} s: {sum(total.values())} operations {total}")
sys.exit(1 if failed else 0)
