/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The metrics as a file for node_exporter's textfile collector (metrics_textfile): rewritten
 * whole on a timer, so a scrape reads one complete exposition or the one before. We serve no
 * HTTP ourselves. While the file's directory is missing (node_exporter not installed) nothing
 * is written, and each interval looks again: the directory is the exporter's to make.
 */

#include <stdbool.h>
#include <stdint.h>

#include "compat/tree.h"
#include "metrics.h"

struct metrics_file {
        const char *path;      /* borrowed from the configuration; "" when off */
        int timer_fd;          /* -1 when off */
        int last_error;        /* of the last write, so that each change is logged once */
        uint64_t restarts;     /* daemon starts since boot before this one */
        int64_t start_time_ns; /* CLOCK_REALTIME */
        int64_t groups, tasks; /* of the last walk of the tree */
        int64_t next_walk_ns;  /* CLOCK_MONOTONIC: when the tree may be walked again */
};

/*
 * Counts this start in <@runtime_dir>/starts (a tmpfs: it survives the daemon, not a boot),
 * whether or not metrics are written, and with @path arms a timer every @interval_ms.
 */
int metrics_file_init(struct metrics_file *f, const char *path, uint64_t interval_ms, const char *runtime_dir);
void metrics_file_free(struct metrics_file *f);

/* Readable when a write is due; -1 when metrics are off. */
int metrics_file_fd(const struct metrics_file *f);
/* The timer fired: returns whether a write is due (the caller gathers the gauges and writes). */
bool metrics_file_due(struct metrics_file *f);

/*
 * Groups and tasks into @g. A walk that took over 10 ms is done again only once it is 100 of
 * its own durations old, so that it takes at most 1% of the event loop however large the tree
 * (the figures are older in between); errors are logged.
 */
void metrics_file_count_tree(struct metrics_file *f, const struct compat_tree *t, struct metrics_gauges *g);

/* The exposition into the file, atomically: a temporary file beside it, then rename. Errors are logged once. */
int metrics_file_write(struct metrics_file *f, const struct metrics *m, struct metrics_gauges *g);

/*
 * The groups below the tree's root (hidden leaves left out) and the processes in the tree; -1
 * for a figure that could not be had. The cost follows the groups that have child groups and
 * the machine's processes, not the tree's size.
 */
int metrics_count_tree(const struct compat_tree *t, int64_t *ret_groups, int64_t *ret_tasks);
