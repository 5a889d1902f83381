/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "convert_blkio.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "group_io.h"
#include "kstrto.h"
#include "macro.h"

#define IO_WEIGHT_MAX 10000

uint64_t blkio_weight_to_io(uint64_t weight) {
        if (weight >= IO_WEIGHT_MAX * BLKIO_WEIGHT_DEFAULT / 100)
                return IO_WEIGHT_MAX;
        uint64_t io = weight * 100 / BLKIO_WEIGHT_DEFAULT;
        return io < 1 ? 1 : io;
}

uint64_t io_weight_to_blkio(uint64_t io_weight) {
        if (io_weight >= BLKIO_WEIGHT_MAX / 5)
                return BLKIO_WEIGHT_MAX;
        return io_weight * 5 < BLKIO_WEIGHT_MIN ? BLKIO_WEIGHT_MIN : io_weight * 5;
}

int blkio_parse_device_line(const char *buf, size_t len, struct blkio_device *ret_dev, unsigned long long *ret_value,
                            const char **ret_rest, size_t *ret_rest_len) {
        const char *end = buf + len, *p;
        unsigned long long major, minor;

        /* blkg_conf_open_bdev(): sscanf("%u:%u%n"), then whitespace must follow. */
        p = kernel_scan_ull(buf, end, &major);
        if (!p || p == end || *p != ':')
                return -EINVAL;
        p = kernel_scan_ull(p + 1, end, &minor);
        if (!p || p == end || !kernel_isspace((unsigned char) *p))
                return -EINVAL;
        p = kernel_skip_spaces(p, end);
        *ret_dev = (struct blkio_device) { .major = (unsigned) major, .minor = (unsigned) minor };
        if (ret_rest) {
                *ret_rest = p;
                *ret_rest_len = (size_t) (end - p);
        }
        return kernel_scan_ull(p, end, ret_value) ? 0 : -ENODATA;
}

static int print_line(char *ret, size_t size, const char *fmt, ...) _printf_(3, 4);
static int print_line(char *ret, size_t size, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(ret, size, fmt, ap);
        va_end(ap);
        return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
}

int blkio_throttle_to_io_max(const char *buf, size_t len, const char *key, char *ret, size_t size) {
        struct blkio_device dev;
        unsigned long long value;

        int r = blkio_parse_device_line(buf, len, &dev, &value, NULL, NULL);
        if (r == -ENODATA)
                return -EINVAL; /* tg_set_conf(): no number */
        if (r < 0)
                return r;
        if (value == 0)
                return print_line(ret, size, "%u:%u %s=max", dev.major, dev.minor, key);
        return print_line(ret, size, "%u:%u %s=%llu", dev.major, dev.minor, key, value);
}

/* Calls @fn for each non-empty line of @text with its first word and the rest; stops on a negative return. */
typedef int (*line_fn)(const char *word, size_t word_len, const char *rest, size_t rest_len, void *userdata);

static int for_each_line(const char *text, line_fn fn, void *userdata) {
        for (const char *line = text; *line;) {
                const char *eol = strchrnul(line, '\n');
                const char *word_end = line;
                while (word_end < eol && *word_end != ' ')
                        word_end++;
                const char *rest = kernel_skip_spaces(word_end, eol);
                if (word_end > line) {
                        int r = fn(line, (size_t) (word_end - line), rest, (size_t) (eol - rest), userdata);
                        if (r < 0)
                                return r;
                }
                line = *eol ? eol + 1 : eol;
        }
        return 0;
}

/* The value of "key=value" among the words of @rest, or NULL. */
static const char *word_value(const char *rest, size_t rest_len, const char *key, size_t *ret_len) {
        const char *end = rest + rest_len;
        size_t klen = strlen(key);

        for (const char *w = rest; w < end;) {
                const char *w_end = memchr(w, ' ', (size_t) (end - w));
                if (!w_end)
                        w_end = end;
                if ((size_t) (w_end - w) > klen && !strncmp(w, key, klen) && w[klen] == '=') {
                        *ret_len = (size_t) (w_end - w) - klen - 1;
                        return w + klen + 1;
                }
                w = kernel_skip_spaces(w_end, end);
        }
        return NULL;
}

struct throttle_print {
        const char *key;
        struct text *out;
};

static int throttle_line(const char *dev, size_t dev_len, const char *rest, size_t rest_len, void *userdata) {
        const struct throttle_print *p = userdata;
        size_t n;
        const char *v = word_value(rest, rest_len, p->key, &n);

        if (!v || (n == 3 && !strncmp(v, "max", 3)))
                return 0; /* tg_prfill_conf_u64(): an unlimited device is not shown */
        return text_printf(p->out, "%.*s %.*s\n", (int) dev_len, dev, (int) n, v);
}

int io_max_to_blkio_throttle(const char *io_max, const char *key, struct text *out) {
        struct throttle_print p = { .key = key, .out = out };
        return for_each_line(io_max, throttle_line, &p);
}

int blkio_weight_device_to_io(const char *buf, size_t len, char *ret, size_t size) {
        struct blkio_device dev;
        unsigned long long weight;
        const char *rest;
        size_t rest_len;

        int r = blkio_parse_device_line(buf, len, &dev, &weight, &rest, &rest_len);
        if (r == -ENODATA) {
                /* __cfqg_set_weight_device(): "default" is 0, anything else EINVAL. */
                kstrstrip(&rest, &rest_len);
                if (rest_len != 7 || strncmp(rest, "default", 7))
                        return -EINVAL;
                weight = 0;
        } else if (r < 0)
                return r;
        if (weight == 0)
                return print_line(ret, size, "%u:%u default", dev.major, dev.minor);
        if (weight < BLKIO_WEIGHT_MIN || weight > BLKIO_WEIGHT_MAX)
                return -ERANGE;
        return print_line(ret, size, "%u:%u %" PRIu64, dev.major, dev.minor, blkio_weight_to_io(weight));
}

static int weight_line(const char *dev, size_t dev_len, const char *rest, size_t rest_len, void *userdata) {
        struct text *out = userdata;
        unsigned long long io;

        if (dev_len == 7 && !strncmp(dev, "default", 7))
                return 0;
        if (kstrtoull(rest, rest_len, 10, &io) < 0)
                return -EBADMSG;
        return text_printf(out, "%.*s %" PRIu64 "\n", (int) dev_len, dev, io_weight_to_blkio(io));
}

int io_weight_to_blkio_devices(const char *io_weight, struct text *out) {
        return for_each_line(io_weight, weight_line, out);
}

int io_weight_default(const char *io_weight, uint64_t *ret) {
        return keyed_u64(io_weight, "default", ret);
}

/* io.stat's keys and where they go. */
static const struct {
        const char *key;
        size_t offset;
} io_stat_keys[] = {
        { "rbytes", offsetof(struct io_stat_device, rbytes) }, { "wbytes", offsetof(struct io_stat_device, wbytes) },
        { "rios", offsetof(struct io_stat_device, rios) },     { "wios", offsetof(struct io_stat_device, wios) },
        { "dbytes", offsetof(struct io_stat_device, dbytes) }, { "dios", offsetof(struct io_stat_device, dios) },
};

static uint64_t *io_stat_field(struct io_stat_device *d, size_t k) {
        return (uint64_t *) ((char *) d + io_stat_keys[k].offset);
}

static int stat_line(const char *dev, size_t dev_len, const char *rest, size_t rest_len, void *userdata) {
        struct io_stat *s = userdata;
        struct io_stat_device d = {};
        unsigned long long major, minor;
        const char *end = dev + dev_len, *p;

        p = kernel_scan_ull(dev, end, &major);
        if (!p || p == end || *p != ':' || !(p = kernel_scan_ull(p + 1, end, &minor)) || p != end)
                return -EBADMSG;
        d.dev = (struct blkio_device) { .major = (unsigned) major, .minor = (unsigned) minor };

        for (size_t k = 0; k < ELEMENTSOF(io_stat_keys); k++) {
                size_t n;
                unsigned long long v;
                const char *text = word_value(rest, rest_len, io_stat_keys[k].key, &n);
                if (!text)
                        continue; /* an idle device shows no counters */
                if (kstrtoull(text, n, 10, &v) < 0)
                        return -EBADMSG;
                *io_stat_field(&d, k) = v;
        }

        struct io_stat_device *grown = reallocarray(s->devices, s->n + 1, sizeof(*grown));
        if (!grown)
                return -ENOMEM;
        s->devices = grown;
        s->devices[s->n++] = d;
        return 0;
}

int io_stat_parse(const char *text, struct io_stat *ret) {
        struct io_stat s = {};
        int r = for_each_line(text, stat_line, &s);
        if (r < 0) {
                io_stat_free(&s);
                return r;
        }
        *ret = s;
        return 0;
}

void io_stat_free(struct io_stat *s) {
        free(s->devices);
        *s = (struct io_stat) {};
}

int io_stat_format(const struct io_stat *s, struct text *out) {
        for (size_t i = 0; i < s->n; i++) {
                struct io_stat_device d = s->devices[i];
                int r = text_printf(out, "%u:%u", d.dev.major, d.dev.minor);
                for (size_t k = 0; r >= 0 && k < ELEMENTSOF(io_stat_keys); k++)
                        r = text_printf(out, " %s=%" PRIu64, io_stat_keys[k].key, *io_stat_field(&d, k));
                if (r >= 0)
                        r = text_append(out, "\n", 1);
                if (r < 0)
                        return r;
        }
        return text_append(out, "", 0);
}

void io_stat_subtract(struct io_stat *s, const struct io_stat *baseline) {
        for (size_t i = 0; i < s->n; i++) {
                struct io_stat_device *d = &s->devices[i];
                for (size_t j = 0; j < baseline->n; j++) {
                        struct io_stat_device base = baseline->devices[j];
                        if (base.dev.major != d->dev.major || base.dev.minor != d->dev.minor)
                                continue;
                        for (size_t k = 0; k < ELEMENTSOF(io_stat_keys); k++) {
                                uint64_t *v = io_stat_field(d, k), b = *io_stat_field(&base, k);
                                if (*v >= b)
                                        *v -= b;
                        }
                        break;
                }
        }
}

static const char *const blkio_stat_names[_BLKIO_STAT_MAX] = {
        [BLKIO_STAT_BYTES] = "bytes",
        [BLKIO_STAT_IOS] = "ios",
        [BLKIO_STAT_SECTORS] = "sectors",
        [BLKIO_STAT_ZERO_RWSTAT] = "zero_rwstat",
        [BLKIO_STAT_ZERO_U64] = "zero_u64",
};

int blkio_stat_from_string(const char *s) {
        for (int i = 0; i < _BLKIO_STAT_MAX; i++)
                if (!strcmp(s, blkio_stat_names[i]))
                        return i;
        return -EINVAL;
}

/* __blkg_prfill_rwstat(): five lines and the device's total, which it returns. */
static int print_rwstat(const struct blkio_device *dev, uint64_t read, uint64_t write, uint64_t discard,
                        struct text *out, uint64_t *total) {
        const struct {
                const char *name;
                uint64_t value;
        } lines[] = {
                { "Read", read }, { "Write", write }, { "Sync", read + write }, { "Async", 0 }, { "Discard", discard },
                { "Total", read + write + discard },
        };
        for (size_t i = 0; i < ELEMENTSOF(lines); i++) {
                int r = text_printf(out, "%u:%u %s %" PRIu64 "\n", dev->major, dev->minor, lines[i].name, lines[i].value);
                if (r < 0)
                        return r;
        }
        *total += read + write + discard;
        return 0;
}

int blkio_stat_format(const struct io_stat *s, enum blkio_stat what, struct text *out) {
        uint64_t total = 0;
        int r = 0;

        for (size_t i = 0; r >= 0 && i < s->n; i++) {
                const struct io_stat_device *d = &s->devices[i];
                switch (what) {
                case BLKIO_STAT_BYTES:
                        r = print_rwstat(&d->dev, d->rbytes, d->wbytes, d->dbytes, out, &total);
                        break;
                case BLKIO_STAT_IOS:
                        r = print_rwstat(&d->dev, d->rios, d->wios, d->dios, out, &total);
                        break;
                case BLKIO_STAT_ZERO_RWSTAT:
                        r = print_rwstat(&d->dev, 0, 0, 0, out, &total);
                        break;
                case BLKIO_STAT_SECTORS:
                        r = text_printf(out, "%u:%u %" PRIu64 "\n", d->dev.major, d->dev.minor, (d->rbytes + d->wbytes) >> 9);
                        break;
                case BLKIO_STAT_ZERO_U64:
                        r = text_printf(out, "%u:%u 0\n", d->dev.major, d->dev.minor);
                        break;
                default:
                        return -EINVAL;
                }
        }
        if (r < 0)
                return r;
        /* blkcg_print_blkgs(..., show_total): only the rwstat files end with the sum. */
        if (what == BLKIO_STAT_BYTES || what == BLKIO_STAT_IOS || what == BLKIO_STAT_ZERO_RWSTAT)
                return text_printf(out, "Total %" PRIu64 "\n", total);
        return text_append(out, "", 0);
}
