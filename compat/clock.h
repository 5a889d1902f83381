/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* CLOCK_MONOTONIC as one number, for deadlines and durations. */

#include <stdint.h>
#include <time.h>

static inline int64_t monotonic_ns(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline int64_t monotonic_ms(void) {
        return monotonic_ns() / 1000000;
}
