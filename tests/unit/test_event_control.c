/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * compat/event_control.c: the line written to cgroup.event_control as
 * mm/memcontrol-v1.c memcg_write_event_control() parses it (strstrip(), then
 * simple_strtoul() twice), and the arguments of each control file as its
 * register_event parses them (page_counter_memparse(args, "-1"),
 * vmpressure_register_event()'s match_string()).
 */

#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "compat/convert_memory.h"
#include "compat/event_control.h"

#define PAGE 4096

static int parse(const char *text, struct event_control_line *line) {
        static char buf[256];
        snprintf(buf, sizeof(buf), "%s", text);
        return event_control_parse(buf, line);
}

Test(event_control, lines_v1_takes) {
        struct event_control_line l;

        cr_assert_eq(parse("3 4", &l), 0);
        cr_assert_eq(l.event_fd, 3);
        cr_assert_eq(l.control_fd, 4);
        cr_assert_str_eq(l.args, "");
        cr_assert_eq(parse("3 4 low,hierarchy", &l), 0);
        cr_assert_str_eq(l.args, "low,hierarchy");
        /* strstrip(): a newline and surrounding blanks go; inner ones stay in the arguments. */
        cr_assert_eq(parse("  7 8  16M \n", &l), 0);
        cr_assert_eq(l.event_fd, 7);
        cr_assert_eq(l.control_fd, 8);
        cr_assert_str_eq(l.args, " 16M");
        /* A second space makes the control fd the empty number 0, and what follows the arguments. */
        cr_assert_eq(parse("5  6", &l), 0);
        cr_assert_eq(l.control_fd, 0);
        cr_assert_str_eq(l.args, "6");
        /* simple_strtoul() wraps instead of failing: the fd lookup refuses what is left. */
        cr_assert_eq(parse("18446744073709551617 4", &l), 0);
        cr_assert_eq(l.event_fd, 1);
        cr_assert_eq(parse("0 0", &l), 0);
}

Test(event_control, lines_v1_refuses) {
        static const char *const bad[] = {
                "", "3", "3\t4", "-1 4", "+3 4", "3 -4", "3 4x", "0x3 4", "3,4", " ", "abc", "3 4\t5",
        };
        struct event_control_line l;

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                cr_assert_eq(parse(bad[i], &l), -EINVAL, "'%s' is taken", bad[i]);
}

Test(event_control, control_files) {
        cr_assert_eq(memory_event_kind_of("memory.oom_control"), MEMORY_EVENT_OOM);
        cr_assert_eq(memory_event_kind_of("memory.usage_in_bytes"), MEMORY_EVENT_USAGE);
        cr_assert_eq(memory_event_kind_of("memory.memsw.usage_in_bytes"), MEMORY_EVENT_MEMSW_USAGE);
        cr_assert_eq(memory_event_kind_of("memory.pressure_level"), MEMORY_EVENT_PRESSURE);
        cr_assert_eq(memory_event_kind_of("memory.stat"), -EINVAL);
        cr_assert_eq(memory_event_kind_of("memory.max_usage_in_bytes"), -EINVAL);
        cr_assert_eq(memory_event_kind_of("cgroup.event_control"), -EINVAL);
}

Test(event_control, thresholds) {
        struct memory_event_spec s;

        cr_assert_eq(memory_event_args_parse(MEMORY_EVENT_USAGE, "16M", PAGE, &s), 0);
        cr_assert_eq(s.kind, MEMORY_EVENT_USAGE);
        cr_assert_eq(s.threshold_pages, 4096);
        cr_assert_eq(memory_event_args_parse(MEMORY_EVENT_MEMSW_USAGE, "4097", PAGE, &s), 0);
        cr_assert_eq(s.threshold_pages, 1, "bytes floor to pages");
        cr_assert_eq(memory_event_args_parse(MEMORY_EVENT_USAGE, "-1", PAGE, &s), 0);
        cr_assert_eq(s.threshold_pages, memcg_pages_max(PAGE));
        cr_assert_eq(memory_event_args_parse(MEMORY_EVENT_USAGE, "", PAGE, &s), 0, "memparse(\"\") is 0");
        cr_assert_eq(s.threshold_pages, 0);
        cr_assert_eq(memory_event_args_parse(MEMORY_EVENT_USAGE, "0x10000", PAGE, &s), 0);
        cr_assert_eq(s.threshold_pages, 16);
        static const char *const bad[] = { " 16M", "16M ", "16Q", "-2", "1.5G", "max", "16M,low" };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                cr_assert_eq(memory_event_args_parse(MEMORY_EVENT_USAGE, bad[i], PAGE, &s), -EINVAL, "'%s'", bad[i]);
}

Test(event_control, threshold_crossing_in_pages) {
        cr_assert(usage_at_threshold(16 << 20, 4096, PAGE));
        cr_assert(!usage_at_threshold((16 << 20) - 1, 4096, PAGE));
        cr_assert(usage_at_threshold(0, 0, PAGE), "a threshold of 0 is always reached");
}

Test(event_control, pressure_levels) {
        struct memory_event_spec s;

        cr_assert_eq(memory_event_args_parse(MEMORY_EVENT_PRESSURE, "low", PAGE, &s), 0);
        cr_assert_eq(s.level, PRESSURE_LOW);
        cr_assert_eq(s.mode, PRESSURE_DEFAULT);
        cr_assert_eq(memory_event_args_parse(MEMORY_EVENT_PRESSURE, "critical,local", PAGE, &s), 0);
        cr_assert_eq(s.level, PRESSURE_CRITICAL);
        cr_assert_eq(s.mode, PRESSURE_LOCAL);
        cr_assert_eq(memory_event_args_parse(MEMORY_EVENT_PRESSURE, "medium,hierarchy,whatever", PAGE, &s), 0,
                     "a third field is not looked at");
        cr_assert_eq(s.mode, PRESSURE_HIERARCHY);
        static const char *const bad[] = { "", "Low", "low ", "lo", "low,", "low,foo", "medium,Local", ",low", "high" };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                cr_assert_eq(memory_event_args_parse(MEMORY_EVENT_PRESSURE, bad[i], PAGE, &s), -EINVAL, "'%s'", bad[i]);
        cr_assert_str_eq(pressure_psi_trigger(PRESSURE_LOW), "some 10000 1000000");
        cr_assert_str_eq(pressure_psi_trigger(PRESSURE_CRITICAL), "full 70000 1000000");
}

Test(event_control, oom_ignores_its_arguments) {
        struct memory_event_spec s;
        cr_assert_eq(memory_event_args_parse(MEMORY_EVENT_OOM, "anything at all", PAGE, &s), 0);
        cr_assert_eq(s.kind, MEMORY_EVENT_OOM);
}

/* The record a restarted daemon reads back. */
Test(event_control, spec_round_trip) {
        static const char *const texts[] = { "oom", "usage 4096", "memsw 0", "pressure low,default",
                                             "pressure critical,local" };
        for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
                struct memory_event_spec s;
                char buf[64];
                cr_assert_eq(memory_event_spec_parse(texts[i], &s), 0, "%s", texts[i]);
                cr_assert_gt(memory_event_spec_format(&s, buf, sizeof(buf)), 0);
                cr_assert_str_eq(buf, texts[i]);
        }
        struct memory_event_spec s;
        static const char *const bad[] = { "", "oom 1", "usage", "usage x", "pressure", "pressure low,x", "foo 1" };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                cr_assert_eq(memory_event_spec_parse(bad[i], &s), -EBADMSG, "'%s'", bad[i]);
}
