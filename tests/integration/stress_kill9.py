#!/usr/bin/env python3
"""kill -9 the daemon at random points of a loop of mixed operations, restart it,
and check that the tree is exactly what the completed operations made of it.

The operation in flight when the daemon died may have happened or not; both are
accepted, nothing else is. Usage: stress_kill9.py VIEW V2ROOT OPS KILLS RESTART_CMD"""
import errno, os, random, subprocess, sys, threading, time

view, v2root, n_ops, n_kills, restart_cmd, pidfile = sys.argv[1:7]
n_ops, n_kills = int(n_ops), int(n_kills)
rng = random.Random(int(os.environ.get("SEED", "1")))
LEAF = ".tasks"

# The model: legacy path -> {"flag": 0/1, "tasks": set of pids}; "" is the root.
model = {"": {"flag": 0, "tasks": set()}}
members = [subprocess.Popen(["sleep", "3600"]) for _ in range(6)]
where = {p.pid: "" for p in members}   # pid -> group; "" until first attached


def children(path):
    prefix = path + "/"
    return [g for g in model if g.startswith(prefix) and "/" not in g[len(prefix):]]


def pick_op():
    groups = list(model)
    kind = rng.choice(["mkdir", "mkdir", "rmdir", "rename", "flag", "attach", "attach", "read"])
    if kind == "mkdir":
        parent = rng.choice([g for g in groups if g.count("/") < 3])
        return ("mkdir", f"{parent}/g{rng.randrange(10**6)}")
    if kind == "rmdir":
        empty = [g for g in groups if g and not children(g) and not model[g]["tasks"]]
        return ("rmdir", rng.choice(empty)) if empty else ("read", "")
    if kind == "rename":
        named = [g for g in groups if g]
        if not named:
            return ("read", "")
        g = rng.choice(named)
        return ("rename", g, g.rsplit("/", 1)[0] + f"/r{rng.randrange(10**6)}")
    if kind == "flag":
        return ("flag", rng.choice(groups), rng.choice([0, 1]))
    if kind == "attach":
        return ("attach", rng.choice(groups), rng.choice(members).pid)
    return ("read", rng.choice(groups))


def apply(m, op):
    """The model after op; m is not changed."""
    m = {g: {"flag": v["flag"], "tasks": set(v["tasks"])} for g, v in m.items()}
    if op[0] == "mkdir":
        m[op[1]] = {"flag": m[op[1].rsplit("/", 1)[0]]["flag"], "tasks": set()}
    elif op[0] == "rmdir":
        del m[op[1]]
    elif op[0] == "rename":
        old, new = op[1], op[2]
        for g in sorted(m):
            if g == old or g.startswith(old + "/"):
                m[new + g[len(old):]] = m.pop(g)
    elif op[0] == "flag":
        m[op[1]]["flag"] = op[2]
    elif op[0] == "attach":
        for v in m.values():
            v["tasks"].discard(op[2])
        m[op[1]]["tasks"].add(op[2])
    return m


def perform(op):
    p = view + op[1]
    if op[0] == "mkdir":
        os.mkdir(p)
    elif op[0] == "rmdir":
        os.rmdir(p)
    elif op[0] == "rename":
        os.rename(p, view + op[2])
    elif op[0] in ("flag", "attach"):
        fd = os.open(p + ("/notify_on_release" if op[0] == "flag" else "/tasks"), os.O_WRONLY)
        try:
            os.write(fd, str(op[2]).encode())
        finally:
            os.close(fd)
    else:
        with open(p + "/tasks") as f:
            listed = {int(x) for x in f.read().split()}
        mine = listed & set(where)
        if mine != model[op[1]]["tasks"]:
            raise AssertionError(f"read {op[1]}: tasks {sorted(mine)} != model {sorted(model[op[1]]['tasks'])}")


def observe():
    """The tree as the view shows it, in model form."""
    seen = {}
    for dirpath, dirnames, _ in os.walk(view):
        rel = dirpath[len(view):]
        with open(dirpath + "/notify_on_release") as f:
            flag = int(f.read())
        with open(dirpath + "/tasks") as f:
            tasks = {int(x) for x in f.read().split()} & set(where)
        seen[rel] = {"flag": flag, "tasks": tasks}
    return seen


def count_v2_groups():
    n = 0
    for dirpath, dirnames, _ in os.walk(v2root):
        n += sum(1 for d in dirnames if d != LEAF)
    return n


def daemon_pid():
    with open(pidfile) as f:
        return int(f.read())


kill_at = set(rng.sample(range(n_ops), n_kills))
kills = done = 0
try:
    for i in range(n_ops):
        op = pick_op()
        if i not in kill_at:
            try:
                perform(op)
            except OSError as e:
                raise AssertionError(f"op {i} {op}: {e}")
            model = apply(model, op)
            done += 1
            continue
        # Kill while the operation is under way, at a random moment of it.
        pid = daemon_pid()
        timer = threading.Timer(rng.random() * 0.002, os.kill, (pid, 9))
        timer.start()
        try:
            perform(op)
        except (OSError, AssertionError):
            pass
        timer.join()
        subprocess.run(restart_cmd, shell=True, check=True)
        kills += 1
        seen = observe()
        after = apply(model, op) if op[0] != "read" else model
        if seen == after:
            model = after
        elif seen != model:
            raise AssertionError(f"after kill {kills} during {op}:\n seen  {seen}\n model {model}\n or    {after}")
        if count_v2_groups() != len(model) - 1:
            raise AssertionError(f"after kill {kills}: {count_v2_groups()} v2 groups for {len(model) - 1} legacy groups")
    print(f"{done} operations completed, {kills} kills survived, {len(model) - 1} groups at the end")
finally:
    for p in members:
        p.kill()
        p.wait()
