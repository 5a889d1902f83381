/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * blkio (v1) <-> io (v2), MAPPING.md §6.1: the weight scaling, the
 * "MAJ:MIN value" lines of the per-device files, io.max keys, and the v1
 * statistics layouts made from io.stat. No I/O here.
 */

#include <stddef.h>
#include <stdint.h>

#include "text.h"

/* CFQ's legacy weight range and default; ERANGE outside. */
#define BLKIO_WEIGHT_MIN 10
#define BLKIO_WEIGHT_MAX 1000
#define BLKIO_WEIGHT_DEFAULT 500

/* systemd's scaling, which keeps both ratios and the default: io = clamp(x * 100 / 500, 1, 10000). */
uint64_t blkio_weight_to_io(uint64_t weight);
/* Its inverse: x = clamp(io * 5, 10, 1000). */
uint64_t io_weight_to_blkio(uint64_t io_weight);

struct blkio_device {
        unsigned major, minor;
};

/*
 * A per-device write, "MAJ:MIN VALUE", read as blkg_conf_prep() and the
 * sscanf("%llu") after it do: the device, whitespace, then a decimal number
 * (what follows its digits is ignored). *ret_rest points past the device
 * and its whitespace, for writers that take words ("default"). -EINVAL if
 * the device part is malformed; -ENODATA if only the number is missing.
 */
int blkio_parse_device_line(const char *buf, size_t len, struct blkio_device *ret_dev, unsigned long long *ret_value,
                            const char **ret_rest, size_t *ret_rest_len);

/*
 * blkio.throttle.*_device "MAJ:MIN N" -> the io.max line "MAJ:MIN key=N", 0
 * (v1's "remove the rule") as "max". @key is rbps, wbps, riops or wiops.
 */
int blkio_throttle_to_io_max(const char *buf, size_t len, const char *key, char *ret, size_t size);
/* io.max -> v1 "MAJ:MIN N" lines of the devices whose @key is limited. */
int io_max_to_blkio_throttle(const char *io_max, const char *key, struct text *out);

/*
 * blkio.weight_device "MAJ:MIN W" -> the io.weight line: W scaled, 0 or
 * "default" as "MAJ:MIN default". -ERANGE outside 10..1000.
 */
int blkio_weight_device_to_io(const char *buf, size_t len, char *ret, size_t size);
/* io.weight -> "MAJ:MIN W" lines, inverse-scaled, without the default line. */
int io_weight_to_blkio_devices(const char *io_weight, struct text *out);
/* The "default N" of io.weight. */
int io_weight_default(const char *io_weight, uint64_t *ret);

/* One device's line of io.stat; keys it does not show are 0. */
struct io_stat_device {
        struct blkio_device dev;
        uint64_t rbytes, wbytes, rios, wios, dbytes, dios;
};

struct io_stat {
        struct io_stat_device *devices; /* in io.stat's order, which is v1's */
        size_t n;
};

int io_stat_parse(const char *text, struct io_stat *ret);
void io_stat_free(struct io_stat *s);
/* io.stat's own syntax, for keeping a copy (the baseline of blkio.reset_stats). */
int io_stat_format(const struct io_stat *s, struct text *out);
/* Counters since @baseline; a counter below its baseline started again (device re-added) and stays. */
void io_stat_subtract(struct io_stat *s, const struct io_stat *baseline);

/* The v1 statistics files. */
enum blkio_stat {
        BLKIO_STAT_BYTES,        /* rwstat of rbytes, wbytes, dbytes */
        BLKIO_STAT_IOS,          /* rwstat of rios, wios, dios */
        BLKIO_STAT_SECTORS,      /* per device (rbytes + wbytes) / 512 */
        BLKIO_STAT_ZERO_RWSTAT,  /* CFQ's rwstat files that v2 has no source for */
        BLKIO_STAT_ZERO_U64,     /* CFQ's per-device counters that v2 has no source for */
        _BLKIO_STAT_MAX,
};

/* By name as in a row's arg: "bytes", "ios", "sectors", "zero_rwstat", "zero_u64"; -EINVAL if unknown. */
int blkio_stat_from_string(const char *s);

/*
 * The file's text: rwstat files as __blkg_prfill_rwstat() prints them (per
 * device Read, Write, Sync, Async, Discard and Total, then "Total N"; v2 has
 * no sync/async split, so Sync is Read + Write and Async 0), per-device
 * counters as __blkg_prfill_u64() ("MAJ:MIN N", no total).
 */
int blkio_stat_format(const struct io_stat *s, enum blkio_stat what, struct text *out);
