# Benchmarks: cgcompat against the kernel's own v1 (a named hierarchy) and v2, in one run.
#
#   make bench                 the full run (about 4 minutes on an idle machine, more on a busy one):
#                              prints a table, writes tests/bench/RESULTS.md
#   make bench BENCH_QUICK=1   about 2 minutes: fewer trials, at most 20,000 groups
#
# Needs root, /dev/fuse, cgroup2 and cgroup v1 (named hierarchies). It is not a test: it
# measures and marks each row PASS or MISS against the project's targets.

BENCH_CFLAGS := -O2 -g -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE

.PHONY: bench
bench: all $(BUILD)/cgbench $(BUILD)/cgbench-agent $(BUILD)/fusenull
	@CGCOMPATD=$(abspath $(BUILD)/cgcompatd) CGBENCH=$(abspath $(BUILD)/cgbench) \
		CGCOMPATCTL=$(abspath $(BUILD)/cgcompatctl) \
		FUSENULL=$(abspath $(BUILD)/fusenull) \
		CGBENCH_AGENT=$(abspath $(BUILD)/cgbench-agent) BENCH_QUICK=$(BENCH_QUICK) \
		tests/bench/bench.sh
	@$(MAKE) --no-print-directory bench-events

$(BUILD)/cgbench: tests/bench/cgbench.c
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -o $@ $< -pthread

$(BUILD)/fusenull: tests/bench/fusenull.c
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) $$(pkg-config --cflags fuse3) -o $@ $< $$(pkg-config --libs fuse3)

# Static, so that the dynamic loader does not count in the release latency; dynamic if no libc.a.
$(BUILD)/cgbench-agent: tests/bench/cgbench-agent.c
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -static -o $@ $< || $(CC) $(BENCH_CFLAGS) -o $@ $<

# The memory event API's figures need a pure v2 kernel: the VM (tests/vm), about 5 minutes;
# `make bench` runs it last. Its lines go to tests/bench/EVENTS.md.
.PHONY: bench-events
bench-events: all $(BUILD)/events_bench
	@BUILD=$(BUILD) VM_TIMEOUT=1200 tests/vm/run-vm.sh tests/bench/events_bench.sh > $(BUILD)/events-bench.log 2>&1; \
		status=$$?; cat $(BUILD)/events-bench.log; exit $$status
	@{ echo "# Memory event figures (make bench-events)"; echo; \
	   echo "Pure v2 kernel in qemu under TCG emulation (tests/bench/events_bench.sh): times are the"; \
	   echo "emulated machine's, slower than real hardware. $$(date -u '+%Y-%m-%d %H:%M UTC'), $$(git rev-parse --short HEAD)."; \
	   echo; echo '```'; grep -E '^(oom|pressure|threshold|cost|registrations|limit|signalled|# daemon)' $(BUILD)/events-bench.log; \
	   echo '```'; } > tests/bench/EVENTS.md

$(BUILD)/events_bench: tests/bench/events_bench.c
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -static -o $@ $<
