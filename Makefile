# cgcompat: cgroup v1 and the 2006 container API on cgroup v2 hosts.
#
#   make                 build build/cgcompatd and build/cgcompatctl
#   make run             install what is missing, build, run the daemon on its defaults (root)
#   make test            install what is missing, then make check (root)
#   make unit            Criterion unit tests (no root needed)
#   make integration     real FUSE mount over a real cgroup2 subtree (root)
#   make stress          kill -9 mid-loop, concurrency, release churn, 100,000 groups (root)
#   make valgrind        the integration tests with the daemon under valgrind
#   make check           all tests: plain, sanitizers, valgrind
#   make SAN=1 ...       the same targets built with ASan and UBSan into build-san/

PKGS      := fuse3 yaml-0.1 libsystemd
SAN       ?=
BUILD     ?= $(if $(SAN),build-san,build)
CC        ?= cc
CFLAGS    ?= -O2 -g
CFLAGS    += -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 \
             -I. $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
SANFLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
ifneq ($(SAN),)
CFLAGS    += $(SANFLAGS)
LDFLAGS   += $(SANFLAGS)
endif
LDLIBS    := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# The version is the package's: the first line of debian/changelog.
VERSION   := $(shell sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' debian/changelog)
CFLAGS    += -DCGCOMPAT_VERSION='"$(or $(VERSION),unknown)"'

LIB_SRC    := $(wildcard compat/*.c backend/*.c conf/*.c)
DAEMON_SRC := $(wildcard daemon/*.c)
CTL_SRC    := tools/cgcompatctl.c tools/served.c tools/seccomp_supervisor.c tools/caller_path.c \
              tools/legacy_layout.c tools/oci_hook.c tools/json_scan.c tools/seccomp_agent.c
# The tools' and the daemon's pure parts are tested in the unit binary, which links neither program.
UNIT_SRC   := $(wildcard tests/unit/*.c) tools/caller_path.c tools/legacy_layout.c tools/json_scan.c daemon/metrics.c

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

.PHONY: all deps run test unit integration stress valgrind check clean
all: $(BUILD)/cgcompatd $(BUILD)/cgcompatctl

# The two commands of the README: run the daemon on its built-in defaults; pass every test.
deps:
	tools/install-deps

run: deps
	$(MAKE) all
	$(BUILD)/cgcompatd

test: deps
	$(MAKE) check

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/libcgcompat.a: $(call obj,$(LIB_SRC))
	$(AR) rcs $@ $^

$(BUILD)/cgcompatd: $(call obj,$(DAEMON_SRC)) $(BUILD)/libcgcompat.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/cgcompatctl: $(call obj,$(CTL_SRC)) $(BUILD)/libcgcompat.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/unit-tests: $(call obj,$(UNIT_SRC)) $(BUILD)/libcgcompat.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcriterion

# Criterion counts a test whose worker LeakSanitizer reported as passed: read stderr too.
unit: $(BUILD)/unit-tests
	$(BUILD)/unit-tests --jobs 2 2> $(BUILD)/unit-tests.log; status=$$?; cat $(BUILD)/unit-tests.log >&2; \
		if grep -q -e 'Sanitizer' -e 'runtime error' $(BUILD)/unit-tests.log; then exit 1; fi; exit $$status

RUN_INTEGRATION = CGCOMPATD=$(abspath $(BUILD)/cgcompatd) CGCOMPATCTL=$(abspath $(BUILD)/cgcompatctl) \
		tests/integration/run.sh

integration: all
	EXCLUDE=^test_stress_ $(RUN_INTEGRATION)

# Hostile load: kill -9 mid-loop, concurrency, release churn, scale (minutes).
stress: all
	$(RUN_INTEGRATION) ^test_stress_

VALGRIND := valgrind -q --error-exitcode=99 --leak-check=full \
             --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect

# The integration tests with the daemon under valgrind: any error or leak fails them.
valgrind: all
	DAEMON_WRAPPER="$(VALGRIND)" $(MAKE) integration

# Every test: plain; unit and integration again under AddressSanitizer and UBSan (`make
# SAN=1 stress` exists, but its kill -9 loop can still miss a restart deadline there); the
# daemon under valgrind; each fuzz target briefly (its past crashes replayed first); and
# the VM tests on a pure v2 kernel.
check:
	$(MAKE) unit integration stress
	$(MAKE) SAN=1 unit integration
	$(MAKE) valgrind
	$(MAKE) fuzz-smoke
	$(MAKE) vm-check

clean:
	rm -rf build build-san

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# Each test family beyond unit and integration brings its own targets (vm, bench, fuzz).
include $(wildcard tests/*/*.mk) $(wildcard tools/*.mk)

# Installation, laid out as a distribution package would with PREFIX=/usr:
#   make install [PREFIX=/usr/local] [DESTDIR=staging]
# The daemon in sbin, the tool in bin, the unit where systemd looks for it below PREFIX,
# the man pages, and the configuration in /etc/cgcompat (not below PREFIX: it is the
# machine's), installed only if none is there: once installed it is the administrator's.
PREFIX  ?= /usr/local
DESTDIR ?=
SBINDIR := $(PREFIX)/sbin
BINDIR  := $(PREFIX)/bin
UNITDIR := $(PREFIX)/lib/systemd/system
MANDIR  := $(PREFIX)/share/man
CONFDIR := /etc/cgcompat

# cgcompatctl exec looks for the preload library beside itself, then here.
$(call obj,tools/cgcompatctl.c): CFLAGS += -DCGCOMPAT_LIBDIR='"$(PREFIX)/lib"'

.PHONY: install
install: all
	install -D -m 0755 $(BUILD)/cgcompatd $(DESTDIR)$(SBINDIR)/cgcompatd
	install -D -m 0755 $(BUILD)/cgcompatctl $(DESTDIR)$(BINDIR)/cgcompatctl
	install -d -m 0755 $(DESTDIR)$(UNITDIR)
	sed 's|^ExecStart=/usr/sbin/cgcompatd|ExecStart=$(SBINDIR)/cgcompatd|' conf/cgcompat.service \
		>$(DESTDIR)$(UNITDIR)/cgcompat.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/cgcompat.service
	test -e $(DESTDIR)$(CONFDIR)/compat.conf.yaml || \
		install -D -m 0644 compat.conf.yaml $(DESTDIR)$(CONFDIR)/compat.conf.yaml
	install -D -m 0644 $(BUILD)/libcgcompat-preload.so $(DESTDIR)$(PREFIX)/lib/cgcompat/libcgcompat-preload.so
	for page in $(wildcard man/*.[1-8]); do \
		install -D -m 0644 $$page $(DESTDIR)$(MANDIR)/man$${page##*.}/$${page##*/} || exit 1; \
	done
