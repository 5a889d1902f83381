/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "event_control.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "convert_memory.h"
#include "kstrto.h"
#include "macro.h"

static const char *const kind_files[MEMORY_EVENT__COUNT] = {
        [MEMORY_EVENT_OOM] = "memory.oom_control",
        [MEMORY_EVENT_USAGE] = "memory.usage_in_bytes",
        [MEMORY_EVENT_MEMSW_USAGE] = "memory.memsw.usage_in_bytes",
        [MEMORY_EVENT_PRESSURE] = "memory.pressure_level",
};
static const char *const kind_names[MEMORY_EVENT__COUNT] = {
        [MEMORY_EVENT_OOM] = "oom",
        [MEMORY_EVENT_USAGE] = "usage",
        [MEMORY_EVENT_MEMSW_USAGE] = "memsw",
        [MEMORY_EVENT_PRESSURE] = "pressure",
};
static const char *const level_names[PRESSURE_LEVEL__COUNT] = { "low", "medium", "critical" };
static const char *const mode_names[PRESSURE_MODE__COUNT] = { "default", "hierarchy", "local" };

static char *strip(char *s) {
        size_t len = strlen(s);
        while (len > 0 && kernel_isspace((unsigned char) s[len - 1]))
                s[--len] = 0;
        while (kernel_isspace((unsigned char) *s))
                s++;
        return s;
}

/* simple_strtoul(s, &end, 10): digits only, no sign, no overflow check (it wraps). */
static uint64_t simple_strtou64(const char *s, const char **end) {
        uint64_t v = 0;
        for (; *s >= '0' && *s <= '9'; s++)
                v = v * 10 + (uint64_t) (*s - '0');
        *end = s;
        return v;
}

int event_control_parse(char *buf, struct event_control_line *ret) {
        const char *p = strip(buf), *end;

        assert(ret);
        ret->event_fd = simple_strtou64(p, &end);
        if (*end != ' ')
                return -EINVAL;
        ret->control_fd = simple_strtou64(end + 1, &end);
        if (*end == 0)
                ret->args = end;
        else if (*end == ' ')
                ret->args = end + 1;
        else
                return -EINVAL;
        return 0;
}

int memory_event_kind_of(const char *file_name) {
        for (int k = 0; k < MEMORY_EVENT__COUNT; k++)
                if (!strcmp(file_name, kind_files[k]))
                        return k;
        return -EINVAL;
}

const char *memory_event_kind_name(enum memory_event_kind kind) {
        return kind >= 0 && kind < MEMORY_EVENT__COUNT ? kind_names[kind] : NULL;
}

/* match_string(): the index of @s in @names, -EINVAL if it is none of them. */
static int match_name(const char *const *names, int n, const char *s, size_t len) {
        for (int i = 0; i < n; i++)
                if (strlen(names[i]) == len && !strncmp(names[i], s, len))
                        return i;
        return -EINVAL;
}

/*
 * vmpressure_register_event(): the level is the text up to the first comma, the
 * mode the text up to a second one; what follows a second comma is not looked at.
 */
static int parse_pressure(const char *args, struct memory_event_spec *ret) {
        const char *comma = strchr(args, ',');
        size_t len = comma ? (size_t) (comma - args) : strlen(args);
        int level = match_name(level_names, PRESSURE_LEVEL__COUNT, args, len);
        if (level < 0)
                return level;
        ret->level = level;
        ret->mode = PRESSURE_DEFAULT;
        if (!comma)
                return 0;
        const char *mode = comma + 1, *next = strchr(mode, ',');
        int m = match_name(mode_names, PRESSURE_MODE__COUNT, mode, next ? (size_t) (next - mode) : strlen(mode));
        if (m < 0)
                return m;
        ret->mode = m;
        return 0;
}

/* page_counter_memparse(args, "-1"): the whole text, without stripping; "" is 0. */
static int parse_threshold(const char *args, uint64_t page, uint64_t *ret_pages) {
        uint64_t max = memcg_pages_max(page);
        size_t used, len = strlen(args);

        if (!strcmp(args, "-1")) {
                *ret_pages = max;
                return 0;
        }
        uint64_t bytes = memcg_memparse(args, len, &used);
        if (used != len)
                return -EINVAL;
        *ret_pages = bytes / page < max ? bytes / page : max;
        return 0;
}

int memory_event_args_parse(enum memory_event_kind kind, const char *args, uint64_t page,
                            struct memory_event_spec *ret) {
        assert(args && page > 0 && ret);
        *ret = (struct memory_event_spec) { .kind = kind };
        switch (kind) {
        case MEMORY_EVENT_OOM:
                return 0; /* mem_cgroup_oom_register_event() ignores its arguments */
        case MEMORY_EVENT_USAGE:
        case MEMORY_EVENT_MEMSW_USAGE:
                return parse_threshold(args, page, &ret->threshold_pages);
        case MEMORY_EVENT_PRESSURE:
                return parse_pressure(args, ret);
        default:
                return -EINVAL;
        }
}

int memory_event_spec_format(const struct memory_event_spec *spec, char *buf, size_t size) {
        int n;
        switch (spec->kind) {
        case MEMORY_EVENT_OOM:
                n = snprintf(buf, size, "oom");
                break;
        case MEMORY_EVENT_USAGE:
        case MEMORY_EVENT_MEMSW_USAGE:
                n = snprintf(buf, size, "%s %" PRIu64, kind_names[spec->kind], spec->threshold_pages);
                break;
        case MEMORY_EVENT_PRESSURE:
                n = snprintf(buf, size, "pressure %s,%s", level_names[spec->level], mode_names[spec->mode]);
                break;
        default:
                return -EINVAL;
        }
        return n < 0 || (size_t) n >= size ? -ENOBUFS : n;
}

int memory_event_spec_parse(const char *text, struct memory_event_spec *ret) {
        const char *space = strchr(text, ' ');
        size_t len = space ? (size_t) (space - text) : strlen(text);
        int kind = match_name(kind_names, MEMORY_EVENT__COUNT, text, len);
        const char *args = space ? space + 1 : "";

        if (kind < 0)
                return -EBADMSG;
        *ret = (struct memory_event_spec) { .kind = kind };
        if (kind == MEMORY_EVENT_OOM)
                return space ? -EBADMSG : 0;
        if (kind == MEMORY_EVENT_PRESSURE)
                return parse_pressure(args, ret) < 0 ? -EBADMSG : 0;
        const char *end;
        ret->threshold_pages = simple_strtou64(args, &end);
        return end == args || *end ? -EBADMSG : 0;
}

/*
 * What a v1 listener means by a level, as a v2 PSI trigger on memory.pressure
 * (1 s windows): "low" is reclaim at all, so any stall of 1% of the time;
 * "medium" and "critical" are Android lmkd's values for the same levels once it
 * moved from vmpressure to PSI, 10% of the time some task stalled, 7% every one.
 */
const char *pressure_psi_trigger(enum pressure_level level) {
        static const char *const triggers[PRESSURE_LEVEL__COUNT] = {
                [PRESSURE_LOW] = "some 10000 1000000",
                [PRESSURE_MEDIUM] = "some 100000 1000000",
                [PRESSURE_CRITICAL] = "full 70000 1000000",
        };
        return level >= 0 && level < PRESSURE_LEVEL__COUNT ? triggers[level] : NULL;
}

bool usage_at_threshold(uint64_t usage_bytes, uint64_t threshold_pages, uint64_t page) {
        return threshold_pages <= usage_bytes / page;
}
