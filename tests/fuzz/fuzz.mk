# libFuzzer targets for every parser that reads user bytes (tests/fuzz/README.md).
#
#   make fuzz                 run every target for FUZZ_SECONDS (default 60) each
#   make fuzz-smoke           the same, 10 s each (part of make check)
#   make fuzz-build           only build them, into build/fuzz/
#   make fuzz-run-TARGET      one target, e.g. make fuzz-run-config FUZZ_SECONDS=600
#
# Each run first replays tests/fuzz/crashes/TARGET/ (inputs that once crashed: a regression
# corpus), then fuzzes from tests/fuzz/corpus/TARGET/ (seeds, read only) and
# build/fuzz/corpus/TARGET/ (what the runs found, kept between runs). A crash, leak, UBSan
# report or failed invariant fails the target; the input is left in build/fuzz/artifacts/TARGET/.
# Needs clang 14 and its runtimes (Debian: clang-14, libclang-rt-14-dev; llvm-14 for symbolized traces).

FUZZ_DIR      := build/fuzz
FUZZ_CC       ?= clang-14
FUZZ_SECONDS  ?= 60
# Above PAGE_SIZE plus the legacy_file_write header, so the -E2BIG limit is reachable.
FUZZ_MAX_LEN  ?= 8192
FUZZ_FLAGS    ?=
FUZZ_TARGETS  := kstrto parse_pid_write task_info config legacy_file_write v1_parsers json_scan

FUZZ_SAN      := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS   := -O1 -g -std=gnu11 -Wall -Wextra -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -I. \
                 $(shell pkg-config --cflags fuse3 yaml-0.1) $(FUZZ_SAN)
FUZZ_LDLIBS   := $(shell pkg-config --libs yaml-0.1 libsystemd)
FUZZ_LIB_SRC  := $(wildcard compat/*.c backend/*.c) conf/config.c tools/json_scan.c
FUZZ_LIB_OBJ  := $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(FUZZ_LIB_SRC))
FUZZ_BINS     := $(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_TARGETS))
FUZZ_ENV      := ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0 UBSAN_OPTIONS=print_stacktrace=1

.PHONY: fuzz fuzz-smoke fuzz-build $(addprefix fuzz-run-,$(FUZZ_TARGETS))

fuzz-build: $(FUZZ_BINS)

# Keep the objects: they are only prerequisites of a pattern rule, which makes them intermediate.
.SECONDARY: $(FUZZ_LIB_OBJ)

# Every target runs even when one fails (-k); the make fails if any did.
fuzz:
	@$(MAKE) --no-print-directory -k FUZZ_SECONDS=$(FUZZ_SECONDS) $(addprefix fuzz-run-,$(FUZZ_TARGETS))

fuzz-smoke:
	@$(MAKE) --no-print-directory -k FUZZ_SECONDS=10 $(addprefix fuzz-run-,$(FUZZ_TARGETS))

# The library, instrumented for coverage and built with clang (not the gcc-built archive).
$(FUZZ_DIR)/obj/%.o: %.c
	@command -v $(FUZZ_CC) >/dev/null || { echo "fuzz: $(FUZZ_CC) not found (apt-get install clang-14 libclang-rt-14-dev)" >&2; exit 1; }
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h tests/fuzz/kernel_model.h $(FUZZ_LIB_OBJ)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Itests/fuzz -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB_OBJ) $(FUZZ_LDLIBS)

# One target (a static pattern: phony targets skip implicit rules): replay its crashes, then fuzz; a summary line either way, the report on failure.
$(addprefix fuzz-run-,$(FUZZ_TARGETS)): fuzz-run-%: $(FUZZ_DIR)/fuzz_%
	@mkdir -p $(FUZZ_DIR)/corpus/$* $(FUZZ_DIR)/artifacts/$* $(FUZZ_DIR)/logs
	@set -u; bin=$(FUZZ_DIR)/fuzz_$*; log=$(FUZZ_DIR)/logs/$*.log; status=0; \
	dict=; if [ -f tests/fuzz/$*.dict ]; then dict=-dict=tests/fuzz/$*.dict; fi; \
	crashes=$$(find tests/fuzz/crashes/$* -type f 2>/dev/null | sort); \
	if [ -n "$$crashes" ]; then \
		if ! $(FUZZ_ENV) $$bin -runs=1 $$crashes > $(FUZZ_DIR)/logs/$*.regression.log 2>&1; then \
			echo "fuzz $*: REGRESSION, an input of tests/fuzz/crashes/$*/ still fails:" >&2; \
			grep -E -A40 -m1 'ERROR: |FUZZ CHECK FAILED|runtime error|Running: ' $(FUZZ_DIR)/logs/$*.regression.log | tail -n 60 >&2; \
			status=1; \
		fi; \
	fi; \
	$(FUZZ_ENV) $$bin -max_total_time=$(FUZZ_SECONDS) -timeout=10 -max_len=$(FUZZ_MAX_LEN) -print_final_stats=1 \
		-artifact_prefix=$(FUZZ_DIR)/artifacts/$*/ $$dict $(FUZZ_FLAGS) \
		$(FUZZ_DIR)/corpus/$* tests/fuzz/corpus/$* > $$log 2>&1 || status=2; \
	last=$$(grep -E '^#[0-9]+' $$log | tail -n1); \
	execs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $$log | tail -n1); \
	execs=$${execs:-$$(echo "$$last" | sed -E 's/^#([0-9]+).*/\1/')}; \
	final=$$(echo "$$last" | sed -E 's/^#[0-9]+:?[[:space:]]+([A-Z]+[[:space:]]+)?//'); \
	echo "fuzz $*: $${execs:-?} execs; last status: $$final"; \
	if [ $$status = 2 ]; then \
		echo "fuzz $*: FAILED, input kept in $(FUZZ_DIR)/artifacts/$*/ ($$log):" >&2; \
		grep -E -A60 -m1 '==[0-9]+==|FUZZ CHECK FAILED|runtime error|ERROR: libFuzzer' $$log | tail -n 80 >&2; \
		ls -1 $(FUZZ_DIR)/artifacts/$*/ >&2; \
	fi; \
	exit $$status
