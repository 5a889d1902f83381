/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The daemon's counters and their Prometheus text exposition (for node_exporter's textfile
 * collector; metrics_file.h writes it). Counting a request is a few array increments in
 * arrays sized at start, so the request path neither allocates nor searches.
 */

#include <stddef.h>
#include <stdint.h>

#include "compat/text.h"

/* FUSE opcodes below this are counted under their name; slot 0 takes any other. */
#define METRICS_OPS 52
/* Results: 0 is ok, 1..METRICS_ERRNO_MAX an errno; the last slot takes any other errno. */
#define METRICS_ERRNO_MAX 133
#define METRICS_RESULTS (METRICS_ERRNO_MAX + 2)
/* Upper bounds of the latency buckets, in ns; +Inf follows. */
#define METRICS_BUCKETS 11

struct metrics_latency {
        uint64_t buckets[METRICS_BUCKETS + 1]; /* not cumulative: the formatter sums them */
        uint64_t sum_ns, count;
};

struct metrics {
        size_t n_views;
        const char *const *view_keys; /* borrowed: the views' keys, for the view label */
        uint64_t (*requests)[METRICS_OPS][METRICS_RESULTS]; /* by view */
        struct metrics_latency latency[METRICS_OPS];
};

/* Figures read when the file is written; a negative gauge is unknown and left out. */
struct metrics_gauges {
        int64_t groups, tasks;
        uint64_t releases, release_failures;
        uint64_t memory_event_registrations, memory_events_signalled;
        uint64_t restarts;
        int64_t start_time_ns; /* CLOCK_REALTIME */
        uint64_t views;
};

int metrics_init(struct metrics *m, const char *const *view_keys, size_t n_views);
void metrics_free(struct metrics *m);

/* A request of view @view with FUSE @opcode was answered with @error (0 or a positive errno) in @duration_ns. */
void metrics_count_request(struct metrics *m, size_t view, uint32_t opcode, int error, int64_t duration_ns);

/* The exposition: # HELP and # TYPE for each metric, request series only where non-zero. */
int metrics_format(const struct metrics *m, const struct metrics_gauges *g, struct text *out);

/* Appends @s as the value of a label, escaped as the exposition format wants (\\, \", \n). */
int metrics_put_label_value(struct text *out, const char *s);
