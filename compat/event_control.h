/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The text of cgroup v1's memory event API (cgroup-v1/memory.rst, sections 9 to 11):
 * the line written to cgroup.event_control, "<event_fd> <control_fd> [args]", and
 * the arguments each control file takes, parsed as mm/memcontrol-v1.c parses them.
 * The fds are the writer's; the daemon takes them (daemon/memory_events.c).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum memory_event_kind {
        MEMORY_EVENT_OOM,           /* memory.oom_control: every OOM in the group or above it */
        MEMORY_EVENT_USAGE,         /* memory.usage_in_bytes crossing a threshold, either way */
        MEMORY_EVENT_MEMSW_USAGE,   /* memory.memsw.usage_in_bytes, the same */
        MEMORY_EVENT_PRESSURE,      /* memory.pressure_level: vmpressure, from v2's PSI */
        MEMORY_EVENT__COUNT,
};

/* vmpressure's levels and modes, in the kernel's order (a listener hears its level and above). */
enum pressure_level { PRESSURE_LOW, PRESSURE_MEDIUM, PRESSURE_CRITICAL, PRESSURE_LEVEL__COUNT };
enum pressure_mode { PRESSURE_DEFAULT, PRESSURE_HIERARCHY, PRESSURE_LOCAL, PRESSURE_MODE__COUNT };

struct event_control_line {
        uint64_t event_fd;   /* as written: the kernel truncates to an unsigned int, then looks it up */
        uint64_t control_fd;
        const char *args;    /* the rest of the line, "" if none */
};

/*
 * memcg_write_event_control()'s parse of @buf, which it changes (surrounding
 * whitespace stripped, as strstrip() does): two decimal numbers without sign,
 * the first followed by one space, the second by the end or one space before
 * the arguments. -EINVAL otherwise. @buf stops at its first NUL, as the kernel's.
 */
int event_control_parse(char *buf, struct event_control_line *ret);

/* The event a control file of the memory hierarchy offers, by its name; -EINVAL for any other file. */
int memory_event_kind_of(const char *file_name);
const char *memory_event_kind_name(enum memory_event_kind kind);

struct memory_event_spec {
        enum memory_event_kind kind;
        uint64_t threshold_pages;   /* usage kinds: signalled when usage >= threshold changes */
        enum pressure_level level;  /* pressure */
        enum pressure_mode mode;
};

/*
 * The arguments for @kind, as its register_event parses them: the OOM event
 * takes anything; a threshold is page_counter_memparse(args, "-1") (bytes with
 * k/m/g... suffixes, floored to pages of @page bytes); a pressure level is
 * "low|medium|critical[,default|hierarchy|local]". -EINVAL otherwise.
 */
int memory_event_args_parse(enum memory_event_kind kind, const char *args, uint64_t page,
                            struct memory_event_spec *ret);

/* A spec as one line of text and back, for the record kept on the group (survives a restart). */
int memory_event_spec_format(const struct memory_event_spec *spec, char *buf, size_t size);
int memory_event_spec_parse(const char *text, struct memory_event_spec *ret);

/*
 * The v2 PSI trigger that stands for a vmpressure level on memory.pressure:
 * "some|full <stall us> <window us>" (MAPPING.md says why these values).
 */
const char *pressure_psi_trigger(enum pressure_level level);

/* Is a usage of @usage_bytes at or above the threshold, as __mem_cgroup_threshold() compares it (in pages)? */
bool usage_at_threshold(uint64_t usage_bytes, uint64_t threshold_pages, uint64_t page);
