#!/usr/bin/env python3
"""Release agent under churn: groups flagged notify_on_release are populated and
emptied over and over; each emptying must bring an agent call, and no call may find
its group populated (the agent itself records that). Groups run in parallel, each
cycle waits for its call. Usage: stress_release.py VIEW AGENT_DIR GROUPS CYCLES"""
import os, sys, threading, time

view, agent_dir, n_groups, cycles = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
errors = []


def calls(g):
    try:
        return os.path.getsize(f"{agent_dir}/calls.g{g}")
    except FileNotFoundError:
        return 0


def churn(g):
    tasks = f"{view}/g{g}/tasks"
    for cycle in range(cycles):
        before = calls(g)
        pid = os.fork()
        if pid == 0:
            fd = os.open(tasks, os.O_WRONLY)
            os.write(fd, b"0")
            os._exit(0)
        os.waitpid(pid, 0)
        deadline = time.time() + 5
        while calls(g) <= before:
            if time.time() > deadline:
                errors.append(f"g{g} cycle {cycle}: no agent call within 5 s")
                return
            time.sleep(0.001)


for g in range(n_groups):
    os.mkdir(f"{view}/g{g}")
    with open(f"{view}/g{g}/notify_on_release", "w") as f:
        f.write("1")
start = time.time()
threads = [threading.Thread(target=churn, args=(g,)) for g in range(n_groups)]
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.time() - start
total = sum(calls(g) for g in range(n_groups))
populated = os.path.getsize(f"{agent_dir}/populated") if os.path.exists(f"{agent_dir}/populated") else 0
print(f"{n_groups * cycles} cycles in {elapsed:.1f} s, {total} agent calls, {populated} calls for a populated group")
for e in errors[:10]:
    print(e)
sys.exit(1 if errors or populated or total < n_groups * cycles else 0)
