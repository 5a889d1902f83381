# libcgcompat-preload.so (tools/preload.c): programs that find cgroups through the mount
# table (libcgroup, older JVMs) see the views as v1 hierarchies. cgcompatctl exec puts it in
# LD_PRELOAD and looks for it beside itself, so it is built into $(BUILD) with the programs.
# Included by the Makefile after BUILD, CFLAGS and SANFLAGS are set.
PRELOAD_LIB := $(BUILD)/libcgcompat-preload.so

all: $(PRELOAD_LIB)

# Loaded into programs that are not sanitized: never with SANFLAGS (ASan must come first).
# Exports only the functions it stands in front of; needs nothing but libc.
$(PRELOAD_LIB): tools/preload.c tools/legacy_layout.c tools/legacy_layout.h tools/open_pass.h compat/macro.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(filter-out $(SANFLAGS),$(CFLAGS)) $(filter-out $(SANFLAGS),$(LDFLAGS)) -fPIC -shared -fvisibility=hidden -o $@ tools/preload.c tools/legacy_layout.c -ldl
