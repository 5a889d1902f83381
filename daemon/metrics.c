/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "metrics.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* linux/fuse.h's opcodes, named as Prometheus labels are: lower case, FUSE_ left off. */
static const char *const op_names[METRICS_OPS] = {
        [0] = "other",
        [1] = "lookup",
        [2] = "forget",
        [3] = "getattr",
        [4] = "setattr",
        [5] = "readlink",
        [6] = "symlink",
        [8] = "mknod",
        [9] = "mkdir",
        [10] = "unlink",
        [11] = "rmdir",
        [12] = "rename",
        [13] = "link",
        [14] = "open",
        [15] = "read",
        [16] = "write",
        [17] = "statfs",
        [18] = "release",
        [20] = "fsync",
        [21] = "setxattr",
        [22] = "getxattr",
        [23] = "listxattr",
        [24] = "removexattr",
        [25] = "flush",
        [26] = "init",
        [27] = "opendir",
        [28] = "readdir",
        [29] = "releasedir",
        [30] = "fsyncdir",
        [31] = "getlk",
        [32] = "setlk",
        [33] = "setlkw",
        [34] = "access",
        [35] = "create",
        [36] = "interrupt",
        [37] = "bmap",
        [38] = "destroy",
        [39] = "ioctl",
        [40] = "poll",
        [41] = "notify_reply",
        [42] = "batch_forget",
        [43] = "fallocate",
        [44] = "readdirplus",
        [45] = "rename2",
        [46] = "lseek",
        [47] = "copy_file_range",
        [48] = "setupmapping",
        [49] = "removemapping",
        [50] = "syncfs",
        [51] = "tmpfile",
};

/* The buckets' upper bounds in ns, and as their le labels: 10 µs to 1 s, as FUSE requests range. */
static const int64_t bucket_ns[METRICS_BUCKETS] = {
        10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000, 10000000, 100000000, 1000000000,
};
static const char *const bucket_le[METRICS_BUCKETS + 1] = {
        "1e-05", "2.5e-05", "5e-05", "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.01", "0.1", "1", "+Inf",
};

int metrics_init(struct metrics *m, const char *const *view_keys, size_t n_views) {
        assert(m);
        assert(view_keys || n_views == 0);

        *m = (struct metrics) { .n_views = n_views, .view_keys = view_keys };
        if (n_views == 0)
                return 0;
        m->requests = calloc(n_views, sizeof(*m->requests));
        return m->requests ? 0 : -ENOMEM;
}

void metrics_free(struct metrics *m) {
        if (!m)
                return;
        free(m->requests);
        *m = (struct metrics) {};
}

static size_t op_slot(uint32_t opcode) {
        return opcode < METRICS_OPS && op_names[opcode] ? opcode : 0;
}

static size_t result_slot(int error) {
        return error >= 0 && error <= METRICS_ERRNO_MAX ? (size_t) error : METRICS_RESULTS - 1;
}

void metrics_count_request(struct metrics *m, size_t view, uint32_t opcode, int error, int64_t duration_ns) {
        size_t op = op_slot(opcode), b = 0;
        struct metrics_latency *l;

        assert(m);
        if (view >= m->n_views)
                return;
        m->requests[view][op][result_slot(error)]++;

        /* The first bucket whose bound is not below it: a bound is "less than or equal". */
        if (duration_ns < 0)
                duration_ns = 0;
        while (b < METRICS_BUCKETS && duration_ns > bucket_ns[b])
                b++;
        l = &m->latency[op];
        l->buckets[b]++;
        l->sum_ns += (uint64_t) duration_ns;
        l->count++;
}

int metrics_put_label_value(struct text *out, const char *s) {
        int r = 0;

        for (; *s && r >= 0; s++)
                switch (*s) {
                case '\\':
                        r = text_append(out, "\\\\", 2);
                        break;
                case '"':
                        r = text_append(out, "\\\"", 2);
                        break;
                case '\n':
                        r = text_append(out, "\\n", 2);
                        break;
                default:
                        r = text_append(out, s, 1);
                }
        return r;
}

static int put_header(struct text *out, const char *name, const char *type, const char *help) {
        return text_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* "ok", the errno's name ("EINVAL"), or "other" past the table. */
static void result_name(size_t slot, char *buf, size_t size) {
        const char *name;

        if (slot == 0)
                snprintf(buf, size, "ok");
        else if (slot == METRICS_RESULTS - 1)
                snprintf(buf, size, "other");
        else if ((name = strerrorname_np((int) slot)))
                snprintf(buf, size, "%s", name);
        else
                snprintf(buf, size, "errno%zu", slot);
}

static int format_requests(const struct metrics *m, struct text *out) {
        char result[32];
        int r;

        r = put_header(out, "cgcompat_requests_total", "counter",
                       "FUSE requests answered, by view, operation and result (ok or the errno).");
        for (size_t v = 0; r >= 0 && v < m->n_views; v++)
                for (size_t op = 0; r >= 0 && op < METRICS_OPS; op++)
                        for (size_t k = 0; r >= 0 && k < METRICS_RESULTS; k++) {
                                uint64_t n = m->requests[v][op][k];
                                if (n == 0)
                                        continue;
                                result_name(k, result, sizeof(result));
                                r = text_printf(out, "cgcompat_requests_total{view=\"");
                                if (r >= 0)
                                        r = metrics_put_label_value(out, m->view_keys[v]);
                                if (r >= 0)
                                        r = text_printf(out, "\",op=\"%s\",result=\"%s\"} %" PRIu64 "\n", op_names[op],
                                                        result, n);
                        }
        return r;
}

static int format_latency(const struct metrics *m, struct text *out) {
        int r;

        r = put_header(out, "cgcompat_request_duration_seconds", "histogram",
                       "Time from reading a FUSE request to having answered it, by operation.");
        for (size_t op = 0; r >= 0 && op < METRICS_OPS; op++) {
                const struct metrics_latency *l = &m->latency[op];
                uint64_t cumulative = 0;

                if (l->count == 0)
                        continue;
                for (size_t b = 0; r >= 0 && b <= METRICS_BUCKETS; b++) {
                        cumulative += l->buckets[b];
                        r = text_printf(out, "cgcompat_request_duration_seconds_bucket{op=\"%s\",le=\"%s\"} %" PRIu64 "\n",
                                        op_names[op], bucket_le[b], cumulative);
                }
                if (r >= 0)
                        r = text_printf(out, "cgcompat_request_duration_seconds_sum{op=\"%s\"} %" PRIu64 ".%09" PRIu64 "\n",
                                        op_names[op], l->sum_ns / 1000000000, l->sum_ns % 1000000000);
                if (r >= 0)
                        r = text_printf(out, "cgcompat_request_duration_seconds_count{op=\"%s\"} %" PRIu64 "\n",
                                        op_names[op], l->count);
        }
        return r;
}

static int put_gauge(struct text *out, const char *name, const char *type, const char *help, int64_t value) {
        int r;

        if (value < 0)
                return 0; /* unknown: no sample rather than a wrong one */
        r = put_header(out, name, type, help);
        if (r >= 0)
                r = text_printf(out, "%s %" PRId64 "\n", name, value);
        return r;
}

int metrics_format(const struct metrics *m, const struct metrics_gauges *g, struct text *out) {
        int r;

        assert(m);
        assert(g);
        assert(out);

        r = format_requests(m, out);
        if (r >= 0)
                r = format_latency(m, out);
        if (r >= 0)
                r = put_gauge(out, "cgcompat_groups", "gauge",
                              "Groups in the tree below its root (the hidden leaves are not groups).", g->groups);
        if (r >= 0)
                r = put_gauge(out, "cgcompat_tasks", "gauge", "Processes in the tree.", g->tasks);
        if (r >= 0)
                r = put_gauge(out, "cgcompat_releases_total", "counter", "Release agents started.",
                              (int64_t) g->releases);
        if (r >= 0)
                r = put_gauge(out, "cgcompat_release_failures_total", "counter", "Release agents that could not be started.",
                              (int64_t) g->release_failures);
        if (r >= 0)
                r = put_gauge(out, "cgcompat_memory_event_registrations", "gauge",
                              "Memory event listeners registered through cgroup.event_control.",
                              (int64_t) g->memory_event_registrations);
        if (r >= 0)
                r = put_gauge(out, "cgcompat_memory_events_signalled_total", "counter",
                              "Signals sent to memory event listeners' eventfds.", (int64_t) g->memory_events_signalled);
        if (r >= 0)
                r = put_gauge(out, "cgcompat_restarts_total", "counter", "Daemon starts since boot beyond the first.",
                              (int64_t) g->restarts);
        if (r >= 0 && g->start_time_ns >= 0) {
                r = put_header(out, "cgcompat_start_time_seconds", "gauge", "When the daemon started, in seconds since the epoch.");
                if (r >= 0)
                        r = text_printf(out, "cgcompat_start_time_seconds %" PRId64 ".%03" PRId64 "\n",
                                        g->start_time_ns / 1000000000, g->start_time_ns % 1000000000 / 1000000);
        }
        if (r >= 0)
                r = put_gauge(out, "cgcompat_views", "gauge", "Views served.", (int64_t) g->views);
        if (r >= 0)
                r = put_header(out, "cgcompat_build_info", "gauge", "The running daemon's version, as a label.");
        if (r >= 0)
                r = text_printf(out, "cgcompat_build_info{version=\"");
        if (r >= 0)
                r = metrics_put_label_value(out, CGCOMPAT_VERSION);
        if (r >= 0)
                r = text_printf(out, "\"} 1\n");
        return r;
}
