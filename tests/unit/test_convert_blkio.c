/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * compat/convert_blkio.c: systemd's weight scaling (cgroup_weight_blkio_to_io), the
 * per-device lines as blkg_conf_prep() and tg_set_conf()/__cfqg_set_weight_device()
 * parse them, io.max keys, and the v1 statistics layouts (__blkg_prfill_rwstat,
 * __blkg_prfill_u64) made from io.stat.
 */

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "compat/convert_blkio.h"

static const char *IO_STAT = "1:0 rbytes=5242880 wbytes=4096 rios=5 wios=1 dbytes=512 dios=2\n"
                             "1:15 \n"
                             "8:16 rbytes=1024 wbytes=0 rios=1 wios=0 dbytes=0 dios=0 cost.vrate=100.00 cost.usage=7\n";

Test(blkio_weight, to_io) {
        cr_assert_eq(blkio_weight_to_io(500), 100); /* the defaults meet */
        cr_assert_eq(blkio_weight_to_io(10), 2);
        cr_assert_eq(blkio_weight_to_io(1000), 200);
        cr_assert_eq(blkio_weight_to_io(250), 50); /* ratios kept */
        cr_assert_eq(blkio_weight_to_io(499), 99);
        cr_assert_eq(blkio_weight_to_io(4), 1); /* clamped to io.weight's range */
        cr_assert_eq(blkio_weight_to_io(0), 1);
        cr_assert_eq(blkio_weight_to_io(50000), 10000);
        cr_assert_eq(blkio_weight_to_io(UINT64_MAX), 10000);
}

Test(blkio_weight, from_io) {
        cr_assert_eq(io_weight_to_blkio(100), 500);
        cr_assert_eq(io_weight_to_blkio(2), 10);
        cr_assert_eq(io_weight_to_blkio(1), 10); /* clamped to CFQ's range */
        cr_assert_eq(io_weight_to_blkio(0), 10);
        cr_assert_eq(io_weight_to_blkio(199), 995);
        cr_assert_eq(io_weight_to_blkio(200), 1000);
        cr_assert_eq(io_weight_to_blkio(10000), 1000);
        cr_assert_eq(io_weight_to_blkio(UINT64_MAX), 1000);
        /* Round trips up to CFQ's step of 5. */
        cr_assert_eq(io_weight_to_blkio(blkio_weight_to_io(503)), 500);
        cr_assert_eq(io_weight_to_blkio(blkio_weight_to_io(505)), 505);
}

static int device_line(const char *s, struct blkio_device *dev, unsigned long long *v) {
        *dev = (struct blkio_device) { 77, 77 };
        *v = 77;
        return blkio_parse_device_line(s, strlen(s), dev, v, NULL, NULL);
}

Test(blkio_parse_device_line, as_blkg_conf_prep) {
        struct blkio_device d;
        unsigned long long v;

        cr_assert_eq(device_line("8:0 100", &d, &v), 0);
        cr_assert(d.major == 8 && d.minor == 0 && v == 100);
        cr_assert_eq(device_line(" 8: 16 \t 5\n", &d, &v), 0); /* sscanf skips space before each number */
        cr_assert(d.major == 8 && d.minor == 16 && v == 5);
        cr_assert_eq(device_line("8:0 5abc", &d, &v), 0); /* %llu stops at the first non-digit */
        cr_assert_eq(v, 5);
        cr_assert_eq(device_line("8:0 0x10", &d, &v), 0); /* base 10 only: 0 */
        cr_assert_eq(v, 0);
        cr_assert_eq(device_line("4294967297:1 5", &d, &v), 0); /* %u wraps */
        cr_assert_eq(d.major, 1);
        cr_assert_eq(device_line("8:0 18446744073709551616", &d, &v), 0);
        cr_assert_eq(v, 0);

        cr_assert_eq(device_line("8:0", &d, &v), -EINVAL); /* whitespace must follow the device */
        cr_assert_eq(device_line("8:0x 1", &d, &v), -EINVAL);
        cr_assert_eq(device_line("8-0 1", &d, &v), -EINVAL);
        cr_assert_eq(device_line("8 :0 1", &d, &v), -EINVAL);
        cr_assert_eq(device_line("a:0 1", &d, &v), -EINVAL);
        cr_assert_eq(device_line(":0 1", &d, &v), -EINVAL);
        cr_assert_eq(device_line("-8:0 1", &d, &v), -EINVAL);
        cr_assert_eq(device_line("", &d, &v), -EINVAL);

        cr_assert_eq(device_line("8:0 \n", &d, &v), -ENODATA);
        cr_assert_eq(device_line("8:0 abc", &d, &v), -ENODATA);
        cr_assert_eq(device_line("8:0 -5", &d, &v), -ENODATA);
        cr_assert_eq(device_line("8:0 +5", &d, &v), -ENODATA);

        /* Counted: nothing past the length is read. */
        cr_assert_eq(blkio_parse_device_line("8:0 12345", 6, &d, &v, NULL, NULL), 0);
        cr_assert_eq(v, 12);
}

static void assert_throttle(const char *v1, const char *key, const char *expected) {
        char line[96];
        cr_assert_eq(blkio_throttle_to_io_max(v1, strlen(v1), key, line, sizeof(line)), 0, "%s", v1);
        cr_assert_str_eq(line, expected);
}

Test(blkio_throttle, to_io_max) {
        assert_throttle("8:0 1048576", "rbps", "8:0 rbps=1048576");
        assert_throttle("8:0 1048576\n", "wbps", "8:0 wbps=1048576");
        assert_throttle("1:0 10", "riops", "1:0 riops=10");
        assert_throttle("1:0 0", "wiops", "1:0 wiops=max"); /* v1's 0 removes the rule */
        assert_throttle("8:0 18446744073709551615", "rbps", "8:0 rbps=18446744073709551615");

        char line[96];
        cr_assert_eq(blkio_throttle_to_io_max("8:0 max", 7, "rbps", line, sizeof(line)), -EINVAL);
        cr_assert_eq(blkio_throttle_to_io_max("8:0", 3, "rbps", line, sizeof(line)), -EINVAL);
        cr_assert_eq(blkio_throttle_to_io_max("8:0 ", 4, "rbps", line, sizeof(line)), -EINVAL);
        cr_assert_eq(blkio_throttle_to_io_max("sda 5", 5, "rbps", line, sizeof(line)), -EINVAL);
}

static void assert_throttle_read(const char *io_max, const char *key, const char *expected) {
        struct text t = {};
        cr_assert_eq(io_max_to_blkio_throttle(io_max, key, &t), 0);
        cr_assert_str_eq(t.data ? t.data : "", expected, "%s: got \"%s\"", key, t.data);
        text_free(&t);
}

Test(blkio_throttle, from_io_max) {
        const char *io_max = "8:0 rbps=1048576 wbps=max riops=max wiops=10\n1:0 rbps=max wbps=5 riops=max wiops=max\n";

        assert_throttle_read(io_max, "rbps", "8:0 1048576\n");
        assert_throttle_read(io_max, "wbps", "1:0 5\n");
        assert_throttle_read(io_max, "riops", "");
        assert_throttle_read(io_max, "wiops", "8:0 10\n");
        assert_throttle_read("", "rbps", "");
        assert_throttle_read("1:0 rbps=7 wbps=max", "bps", ""); /* whole keys only */
}

static void assert_weight_device(const char *v1, const char *expected) {
        char line[64];
        cr_assert_eq(blkio_weight_device_to_io(v1, strlen(v1), line, sizeof(line)), 0, "%s", v1);
        cr_assert_str_eq(line, expected);
}

static int weight_device_error(const char *v1) {
        char line[64];
        return blkio_weight_device_to_io(v1, strlen(v1), line, sizeof(line));
}

Test(blkio_weight_device, to_io_weight) {
        assert_weight_device("8:0 500", "8:0 100");
        assert_weight_device("8:0 1000\n", "8:0 200");
        assert_weight_device("8:0 10", "8:0 2");
        assert_weight_device("8:0 0", "8:0 default");
        assert_weight_device("8:0 default", "8:0 default");
        assert_weight_device("8:0  default \n", "8:0 default");

        cr_assert_eq(weight_device_error("8:0 9"), -ERANGE);
        cr_assert_eq(weight_device_error("8:0 1001"), -ERANGE);
        cr_assert_eq(weight_device_error("8:0 defaults"), -EINVAL);
        cr_assert_eq(weight_device_error("8:0 max"), -EINVAL);
        cr_assert_eq(weight_device_error("8:0"), -EINVAL);
        cr_assert_eq(weight_device_error("8 500"), -EINVAL);
}

Test(blkio_weight_device, from_io_weight) {
        struct text t = {};
        uint64_t def = 0;

        cr_assert_eq(io_weight_to_blkio_devices("default 100\n8:0 200\n1:0 50\n", &t), 0);
        cr_assert_str_eq(t.data, "8:0 1000\n1:0 250\n");
        text_free(&t);
        cr_assert_eq(io_weight_to_blkio_devices("default 100", &t), 0);
        cr_assert_null(t.data);
        cr_assert_eq(io_weight_to_blkio_devices("default 100\n8:0 x\n", &t), -EBADMSG);
        text_free(&t);

        cr_assert_eq(io_weight_default("default 100\n8:0 200", &def), 0);
        cr_assert_eq(def, 100);
        cr_assert_eq(io_weight_default("8:0 200", &def), -ENODATA);
}

Test(io_stat, parse) {
        struct io_stat s;

        cr_assert_eq(io_stat_parse(IO_STAT, &s), 0);
        cr_assert_eq(s.n, 3);
        cr_assert(s.devices[0].dev.major == 1 && s.devices[0].dev.minor == 0);
        cr_assert_eq(s.devices[0].rbytes, 5242880);
        cr_assert_eq(s.devices[0].wbytes, 4096);
        cr_assert_eq(s.devices[0].rios, 5);
        cr_assert_eq(s.devices[0].wios, 1);
        cr_assert_eq(s.devices[0].dbytes, 512);
        cr_assert_eq(s.devices[0].dios, 2);
        cr_assert(s.devices[1].dev.minor == 15 && s.devices[1].rbytes == 0); /* an idle device shows no keys */
        cr_assert(s.devices[2].dev.major == 8 && s.devices[2].rbytes == 1024); /* iocost's keys are ignored */
        io_stat_free(&s);

        cr_assert_eq(io_stat_parse("", &s), 0);
        cr_assert_eq(s.n, 0);
        io_stat_free(&s);
        cr_assert_eq(io_stat_parse("sda rbytes=1\n", &s), -EBADMSG);
        cr_assert_eq(io_stat_parse("8:0 rbytes=x\n", &s), -EBADMSG);
        cr_assert_eq(io_stat_parse("8:0x rbytes=1\n", &s), -EBADMSG);
}

static const char *formatted(const struct io_stat *s, enum blkio_stat what) {
        static char buf[4096];
        struct text t = {};
        cr_assert_eq(blkio_stat_format(s, what, &t), 0);
        snprintf(buf, sizeof(buf), "%s", t.data ? t.data : "");
        text_free(&t);
        return buf;
}

Test(blkio_stat_format, rwstat_layouts) {
        struct io_stat s;
        cr_assert_eq(io_stat_parse(IO_STAT, &s), 0);

        cr_assert_str_eq(formatted(&s, BLKIO_STAT_BYTES),
                         "1:0 Read 5242880\n1:0 Write 4096\n1:0 Sync 5246976\n1:0 Async 0\n1:0 Discard 512\n1:0 Total 5247488\n"
                         "1:15 Read 0\n1:15 Write 0\n1:15 Sync 0\n1:15 Async 0\n1:15 Discard 0\n1:15 Total 0\n"
                         "8:16 Read 1024\n8:16 Write 0\n8:16 Sync 1024\n8:16 Async 0\n8:16 Discard 0\n8:16 Total 1024\n"
                         "Total 5248512\n");
        cr_assert_str_eq(formatted(&s, BLKIO_STAT_IOS),
                         "1:0 Read 5\n1:0 Write 1\n1:0 Sync 6\n1:0 Async 0\n1:0 Discard 2\n1:0 Total 8\n"
                         "1:15 Read 0\n1:15 Write 0\n1:15 Sync 0\n1:15 Async 0\n1:15 Discard 0\n1:15 Total 0\n"
                         "8:16 Read 1\n8:16 Write 0\n8:16 Sync 1\n8:16 Async 0\n8:16 Discard 0\n8:16 Total 1\n"
                         "Total 9\n");
        cr_assert_str_eq(formatted(&s, BLKIO_STAT_SECTORS), "1:0 10248\n1:15 0\n8:16 2\n");
        cr_assert_str_eq(formatted(&s, BLKIO_STAT_ZERO_U64), "1:0 0\n1:15 0\n8:16 0\n");
        const char *zeros = formatted(&s, BLKIO_STAT_ZERO_RWSTAT);
        cr_assert(strstr(zeros, "1:0 Read 0\n1:0 Write 0\n1:0 Sync 0\n1:0 Async 0\n1:0 Discard 0\n1:0 Total 0\n"));
        cr_assert(strstr(zeros, "\nTotal 0\n"));
        io_stat_free(&s);

        struct io_stat none = {};
        cr_assert_str_eq(formatted(&none, BLKIO_STAT_BYTES), "Total 0\n"); /* no device: still the total */
        cr_assert_str_eq(formatted(&none, BLKIO_STAT_SECTORS), "");
}

Test(blkio_stat_format, names) {
        cr_assert_eq(blkio_stat_from_string("bytes"), BLKIO_STAT_BYTES);
        cr_assert_eq(blkio_stat_from_string("ios"), BLKIO_STAT_IOS);
        cr_assert_eq(blkio_stat_from_string("sectors"), BLKIO_STAT_SECTORS);
        cr_assert_eq(blkio_stat_from_string("zero_rwstat"), BLKIO_STAT_ZERO_RWSTAT);
        cr_assert_eq(blkio_stat_from_string("zero_u64"), BLKIO_STAT_ZERO_U64);
        cr_assert_eq(blkio_stat_from_string("time"), -EINVAL);
}

Test(io_stat, baseline_round_trip_and_subtract) {
        struct io_stat s, base, again;
        struct text t = {};

        cr_assert_eq(io_stat_parse(IO_STAT, &s), 0);
        cr_assert_eq(io_stat_format(&s, &t), 0);
        cr_assert_eq(io_stat_parse(t.data, &again), 0);
        cr_assert_eq(again.n, s.n);
        cr_assert_eq(memcmp(again.devices, s.devices, s.n * sizeof(*s.devices)), 0);
        io_stat_free(&again);
        text_free(&t);

        /* 1:0 counted on since the baseline; 8:16 started again (below its baseline); 1:15 had none. */
        cr_assert_eq(io_stat_parse("1:0 rbytes=1048576 wbytes=4096 rios=1 wios=1 dbytes=0 dios=0\n"
                                   "8:16 rbytes=4096 wbytes=0 rios=2 wios=0 dbytes=0 dios=0\n"
                                   "9:9 rbytes=1\n",
                                   &base),
                     0);
        io_stat_subtract(&s, &base);
        cr_assert_eq(s.devices[0].rbytes, 5242880 - 1048576);
        cr_assert_eq(s.devices[0].wbytes, 0);
        cr_assert_eq(s.devices[0].rios, 4);
        cr_assert_eq(s.devices[0].dbytes, 512);
        cr_assert_eq(s.devices[1].rbytes, 0);
        cr_assert_eq(s.devices[2].rbytes, 1024);
        cr_assert_eq(s.devices[2].rios, 1);
        io_stat_free(&s);
        io_stat_free(&base);
}
