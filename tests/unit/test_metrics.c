/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <criterion/criterion.h>
#include <errno.h>
#include <linux/fuse.h>
#include <string.h>

#include "daemon/metrics.h"

#define BUILD_INFO                                                                        \
        "# HELP cgcompat_build_info The running daemon's version, as a label.\n"          \
        "# TYPE cgcompat_build_info gauge\n"                                               \
        "cgcompat_build_info{version=\"" CGCOMPAT_VERSION "\"} 1\n"

static const struct metrics_gauges no_gauges = { .groups = -1, .tasks = -1, .start_time_ns = -1 };

static const char requests_header[] =
        "# HELP cgcompat_requests_total FUSE requests answered, by view, operation and result (ok or the errno).\n"
        "# TYPE cgcompat_requests_total counter\n";
static const char latency_header[] =
        "# HELP cgcompat_request_duration_seconds Time from reading a FUSE request to having answered it, by operation.\n"
        "# TYPE cgcompat_request_duration_seconds histogram\n";
static const char fixed_gauges[] =
        "# HELP cgcompat_releases_total Release agents started.\n"
        "# TYPE cgcompat_releases_total counter\n"
        "cgcompat_releases_total 0\n"
        "# HELP cgcompat_release_failures_total Release agents that could not be started.\n"
        "# TYPE cgcompat_release_failures_total counter\n"
        "cgcompat_release_failures_total 0\n"
        "# HELP cgcompat_memory_event_registrations Memory event listeners registered through cgroup.event_control.\n"
        "# TYPE cgcompat_memory_event_registrations gauge\n"
        "cgcompat_memory_event_registrations 0\n"
        "# HELP cgcompat_memory_events_signalled_total Signals sent to memory event listeners' eventfds.\n"
        "# TYPE cgcompat_memory_events_signalled_total counter\n"
        "cgcompat_memory_events_signalled_total 0\n"
        "# HELP cgcompat_restarts_total Daemon starts since boot beyond the first.\n"
        "# TYPE cgcompat_restarts_total counter\n"
        "cgcompat_restarts_total 0\n"
        "# HELP cgcompat_views Views served.\n"
        "# TYPE cgcompat_views gauge\n"
        "cgcompat_views 0\n" BUILD_INFO;

static void assert_format(const struct metrics *m, const struct metrics_gauges *g, const char *expected) {
        struct text out = {};

        cr_assert_eq(metrics_format(m, g, &out), 0);
        cr_assert_not_null(out.data);
        cr_assert_str_eq(out.data, expected);
        text_free(&out);
}

Test(metrics, nothing_counted) {
        struct metrics m;
        char expected[4096];

        cr_assert_eq(metrics_init(&m, NULL, 0), 0);
        snprintf(expected, sizeof(expected), "%s%s%s", requests_header, latency_header, fixed_gauges);
        assert_format(&m, &no_gauges, expected);
        metrics_free(&m);
        metrics_free(&m); /* twice is harmless */
}

/* A zero series is left out; errnos by name; the view key escaped as a label value. */
Test(metrics, requests_by_view_op_and_result) {
        static const char *const keys[] = { "container", "name=a\"b\\c\nd" };
        struct metrics m;
        struct text out = {};
        char expected[8192];

        cr_assert_eq(metrics_init(&m, keys, 2), 0);
        for (int i = 0; i < 3; i++)
                metrics_count_request(&m, 0, FUSE_MKDIR, 0, 1000);
        metrics_count_request(&m, 0, FUSE_RMDIR, EBUSY, 1000);
        metrics_count_request(&m, 1, FUSE_WRITE, EINVAL, 1000);
        metrics_count_request(&m, 1, FUSE_WRITE, 0, 1000);
        metrics_count_request(&m, 1, 4096 /* CUSE_INIT */, 0, 1000);
        metrics_count_request(&m, 1, 7 /* no such opcode */, 0, 1000);
        metrics_count_request(&m, 1, FUSE_LOOKUP, 4095, 1000);
        metrics_count_request(&m, 2, FUSE_LOOKUP, 0, 1000); /* no such view: not counted */

        cr_assert_eq(metrics_format(&m, &no_gauges, &out), 0);
        snprintf(expected, sizeof(expected),
                 "%s"
                 "cgcompat_requests_total{view=\"container\",op=\"mkdir\",result=\"ok\"} 3\n"
                 "cgcompat_requests_total{view=\"container\",op=\"rmdir\",result=\"EBUSY\"} 1\n"
                 "cgcompat_requests_total{view=\"name=a\\\"b\\\\c\\nd\",op=\"other\",result=\"ok\"} 2\n"
                 "cgcompat_requests_total{view=\"name=a\\\"b\\\\c\\nd\",op=\"lookup\",result=\"other\"} 1\n"
                 "cgcompat_requests_total{view=\"name=a\\\"b\\\\c\\nd\",op=\"write\",result=\"ok\"} 1\n"
                 "cgcompat_requests_total{view=\"name=a\\\"b\\\\c\\nd\",op=\"write\",result=\"EINVAL\"} 1\n"
                 "%s",
                 requests_header, latency_header);
        cr_assert_eq(strncmp(out.data, expected, strlen(expected)), 0, "got:\n%s", out.data);
        text_free(&out);
        metrics_free(&m);
}

/* A bound is "less than or equal": a request taking exactly 10 µs is in le="1e-05". */
Test(metrics, histogram_buckets) {
        static const char *const keys[] = { "container" };
        struct metrics m;
        char expected[8192];

        cr_assert_eq(metrics_init(&m, keys, 1), 0);
        metrics_count_request(&m, 0, FUSE_GETATTR, 0, 0);
        metrics_count_request(&m, 0, FUSE_GETATTR, 0, 10000);
        metrics_count_request(&m, 0, FUSE_GETATTR, 0, 10001);
        metrics_count_request(&m, 0, FUSE_GETATTR, 0, 1000000);
        metrics_count_request(&m, 0, FUSE_GETATTR, ENOENT, 1000000000);
        metrics_count_request(&m, 0, FUSE_GETATTR, 0, 1000000001);
        metrics_count_request(&m, 0, FUSE_GETATTR, 0, -5); /* a clock step back counts as 0 */
        snprintf(expected, sizeof(expected),
                 "%s"
                 "cgcompat_requests_total{view=\"container\",op=\"getattr\",result=\"ok\"} 6\n"
                 "cgcompat_requests_total{view=\"container\",op=\"getattr\",result=\"ENOENT\"} 1\n"
                 "%s"
                 "cgcompat_request_duration_seconds_bucket{op=\"getattr\",le=\"1e-05\"} 3\n"
                 "cgcompat_request_duration_seconds_bucket{op=\"getattr\",le=\"2.5e-05\"} 4\n"
                 "cgcompat_request_duration_seconds_bucket{op=\"getattr\",le=\"5e-05\"} 4\n"
                 "cgcompat_request_duration_seconds_bucket{op=\"getattr\",le=\"0.0001\"} 4\n"
                 "cgcompat_request_duration_seconds_bucket{op=\"getattr\",le=\"0.00025\"} 4\n"
                 "cgcompat_request_duration_seconds_bucket{op=\"getattr\",le=\"0.0005\"} 4\n"
                 "cgcompat_request_duration_seconds_bucket{op=\"getattr\",le=\"0.001\"} 5\n"
                 "cgcompat_request_duration_seconds_bucket{op=\"getattr\",le=\"0.0025\"} 5\n"
                 "cgcompat_request_duration_seconds_bucket{op=\"getattr\",le=\"0.01\"} 5\n"
                 "cgcompat_request_duration_seconds_bucket{op=\"getattr\",le=\"0.1\"} 5\n"
                 "cgcompat_request_duration_seconds_bucket{op=\"getattr\",le=\"1\"} 6\n"
                 "cgcompat_request_duration_seconds_bucket{op=\"getattr\",le=\"+Inf\"} 7\n"
                 "cgcompat_request_duration_seconds_sum{op=\"getattr\"} 2.001020002\n"
                 "cgcompat_request_duration_seconds_count{op=\"getattr\"} 7\n"
                 "%s",
                 requests_header, latency_header, fixed_gauges);
        assert_format(&m, &no_gauges, expected);
        metrics_free(&m);
}

/* Known gauges are written, unknown ones (negative) left out. */
Test(metrics, gauges) {
        struct metrics m;
        struct metrics_gauges g = {
                .groups = 4,
                .tasks = 0,
                .releases = 7,
                .release_failures = 1,
                .memory_event_registrations = 2,
                .memory_events_signalled = 9,
                .restarts = 3,
                .start_time_ns = 1700000000123456789,
                .views = 5,
        };
        char expected[8192];

        cr_assert_eq(metrics_init(&m, NULL, 0), 0);
        snprintf(expected, sizeof(expected),
                 "%s%s"
                 "# HELP cgcompat_groups Groups in the tree below its root (the hidden leaves are not groups).\n"
                 "# TYPE cgcompat_groups gauge\n"
                 "cgcompat_groups 4\n"
                 "# HELP cgcompat_tasks Processes in the tree.\n"
                 "# TYPE cgcompat_tasks gauge\n"
                 "cgcompat_tasks 0\n"
                 "# HELP cgcompat_releases_total Release agents started.\n"
                 "# TYPE cgcompat_releases_total counter\n"
                 "cgcompat_releases_total 7\n"
                 "# HELP cgcompat_release_failures_total Release agents that could not be started.\n"
                 "# TYPE cgcompat_release_failures_total counter\n"
                 "cgcompat_release_failures_total 1\n"
                 "# HELP cgcompat_memory_event_registrations Memory event listeners registered through cgroup.event_control.\n"
                 "# TYPE cgcompat_memory_event_registrations gauge\n"
                 "cgcompat_memory_event_registrations 2\n"
                 "# HELP cgcompat_memory_events_signalled_total Signals sent to memory event listeners' eventfds.\n"
                 "# TYPE cgcompat_memory_events_signalled_total counter\n"
                 "cgcompat_memory_events_signalled_total 9\n"
                 "# HELP cgcompat_restarts_total Daemon starts since boot beyond the first.\n"
                 "# TYPE cgcompat_restarts_total counter\n"
                 "cgcompat_restarts_total 3\n"
                 "# HELP cgcompat_start_time_seconds When the daemon started, in seconds since the epoch.\n"
                 "# TYPE cgcompat_start_time_seconds gauge\n"
                 "cgcompat_start_time_seconds 1700000000.123\n"
                 "# HELP cgcompat_views Views served.\n"
                 "# TYPE cgcompat_views gauge\n"
                 "cgcompat_views 5\n" BUILD_INFO,
                 requests_header, latency_header);
        assert_format(&m, &g, expected);
        metrics_free(&m);
}

Test(metrics, label_escaping) {
        struct text out = {};

        cr_assert_eq(metrics_put_label_value(&out, "plain"), 0);
        cr_assert_eq(metrics_put_label_value(&out, "|a\\b\"c\nd\te|"), 0);
        cr_assert_eq(metrics_put_label_value(&out, ""), 0);
        cr_assert_str_eq(out.data, "plain|a\\\\b\\\"c\\nd\te|");
        text_free(&out);
}
