/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * The pure v1 <-> v2 conversions (compat/convert_{memory,cpu,cpuset,blkio,simple}.h and
 * compat/device_rules.h): every function that parses what a legacy program writes or what a
 * v2 file of the kernel says. Checked against independent models written in the shape of the
 * kernel code they follow (lib/cmdline.c memparse, lib/bitmap.c bitmap_parselist, lib/vsprintf.c
 * vsscanf, security/device_cgroup.c) or of MAPPING.md's formulas, and against invariants that
 * need no model: a result is written only on success, failed updates change nothing, v1 write ->
 * v2 text -> v1 read -> v1 write comes back to the same value, formatted text parses back to
 * what it was made from, outputs are exactly as long as their inputs say.
 *
 * Input: byte 0 chooses the parser (modulo the number of parsers, see `parsers` at the end), the
 * rest are its bytes. A write is cut at its first NUL (as legacy_file_write() cuts it) and handed
 * over in an exact-size heap buffer, so ASan sees any read past it; kernel text is handed over
 * NUL-terminated, as group_read_v2() gives it. Two parsers read the bytes as a program: the
 * device cgroup emulator (writes separated by NUL, each led by a control byte) and the
 * net_prio map (3-byte set operations).
 */

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/convert_blkio.h"
#include "compat/convert_cpu.h"
#include "compat/convert_cpuset.h"
#include "compat/convert_memory.h"
#include "compat/convert_simple.h"
#include "compat/device_rules.h"
#include "compat/event_control.h"
#include "fuzz_common.h"
#include "kernel_model.h"

#define SENTINEL64 UINT64_C(0xA5A5A5A5A5A5A5A5)
#define SENTINEL32 UINT32_C(0xA5A5A5A5)

/* ---------------------------------------------------------------------------------------------
 * Buffers
 */

/* A write as a row gets it: up to the first NUL, in a heap buffer of exactly that size. */
static char *write_copy(const uint8_t *data, size_t size, size_t *ret_len) {
        const uint8_t *nul = memchr(data, 0, size);
        *ret_len = nul ? (size_t) (nul - data) : size;
        return fuzz_exact_copy(data, *ret_len);
}

/* A NUL-terminated copy: kernel text as group_read_v2() returns it, or a C string for the models. */
static char *cstr(const void *p, size_t len) {
        char *s = malloc(len + 1);
        if (!s)
                abort();
        if (len)
                memcpy(s, p, len);
        s[len] = 0;
        return s;
}

/* Expected output, built with its own buffer so that text.c is checked too. */
struct sbuf {
        char *data;
        size_t len, size;
};

__attribute__((format(printf, 2, 3)))
static void sb_printf(struct sbuf *b, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(NULL, 0, fmt, ap);
        va_end(ap);
        if (n < 0)
                abort();
        if (b->len + (size_t) n + 1 > b->size) {
                size_t size = b->size ? b->size : 256;
                while (size < b->len + (size_t) n + 1)
                        size *= 2;
                b->data = realloc(b->data, size);
                if (!b->data)
                        abort();
                b->size = size;
        }
        va_start(ap, fmt);
        vsnprintf(b->data + b->len, b->size - b->len, fmt, ap);
        va_end(ap);
        b->len += (size_t) n;
}

static void sb_free(struct sbuf *b) {
        free(b->data);
        *b = (struct sbuf) {};
}

static void text_freep(struct text *t) {
        text_free(t);
}
static void sb_freep(struct sbuf *b) {
        sb_free(b);
}
#define _cleanup_text_ __attribute__((cleanup(text_freep)))
#define _cleanup_sb_ __attribute__((cleanup(sb_freep)))

/* Printable, shortened: for reports. Two rotating buffers, so one message can show two. */
static const char *esc(const char *s, size_t len) {
        static char bufs[2][1200];
        static unsigned which;
        char *buf = bufs[which++ % 2];
        size_t o = 0;

        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char) s[i];
                if (o + 8 >= sizeof(bufs[0]) - 4) {
                        memcpy(buf + o, "...", 3);
                        o += 3;
                        break;
                }
                if (c == '\n')
                        o += (size_t) sprintf(buf + o, "\\n");
                else if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
                        o += (size_t) sprintf(buf + o, "\\x%02x", c);
                else
                        buf[o++] = (char) c;
        }
        buf[o] = 0;
        return buf;
}

static const char *esc0(const char *s) {
        return s ? esc(s, strlen(s)) : "(null)";
}

static bool same_bytes(const char *a, size_t alen, const char *b, size_t blen) {
        return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

/* The output of a function (struct text) is exactly the model's. */
#define EXPECT_TEXT(got, want, what, ...)                                                                 \
        FUZZ_CHECK(same_bytes((got)->data, (got)->len, (want)->data, (want)->len),                        \
                   what ": \"%s\", expected \"%s\"", ##__VA_ARGS__, esc((got)->data ? (got)->data : "", (got)->len), \
                   esc((want)->data ? (want)->data : "", (want)->len))

/* ---------------------------------------------------------------------------------------------
 * Models of the kernel, each over a NUL-terminated string as the kernel reads it
 */

static bool k_isspace(char c) {
        return model_isspace((unsigned char) c);
}

static bool k_isdigit(char c) {
        return c >= '0' && c <= '9';
}

/* strstrip() of a counted write, as a C string. */
static char *k_strstrip(const char *buf, size_t len) {
        size_t start, n;
        model_strstrip(buf, len, &start, &n);
        return cstr(buf + start, n);
}

/* lib/cmdline.c memparse(): simple_strtoull(ptr, &end, 0), then the suffix, falling through. */
static unsigned long long k_memparse(const char *ptr, const char **retptr) {
        const char *cp = ptr;
        unsigned base;
        unsigned long long ret = 0;

        /* _parse_integer_fixup_radix() */
        if (cp[0] == '0') {
                if ((cp[1] | 0x20) == 'x' && model_isxdigit((unsigned char) cp[2]))
                        base = 16;
                else
                        base = 8;
        } else
                base = 10;
        if (base == 16 && cp[0] == '0' && (cp[1] | 0x20) == 'x')
                cp += 2;
        /* _parse_integer_limit(): overflow is only flagged, and simple_strtoull() ignores it. */
        for (;; cp++) {
                unsigned c = (unsigned char) *cp, lc = c | 0x20, val;
                if (c >= '0' && c <= '9')
                        val = c - '0';
                else if (lc >= 'a' && lc <= 'f')
                        val = lc - 'a' + 10;
                else
                        break;
                if (val >= base)
                        break;
                ret = ret * base + val;
        }

        switch (*cp) {
        case 'E':
        case 'e':
                ret <<= 10;
                __attribute__((fallthrough));
        case 'P':
        case 'p':
                ret <<= 10;
                __attribute__((fallthrough));
        case 'T':
        case 't':
                ret <<= 10;
                __attribute__((fallthrough));
        case 'G':
        case 'g':
                ret <<= 10;
                __attribute__((fallthrough));
        case 'M':
        case 'm':
                ret <<= 10;
                __attribute__((fallthrough));
        case 'K':
        case 'k':
                ret <<= 10;
                cp++;
                __attribute__((fallthrough));
        default:
                break;
        }
        *retptr = cp;
        return ret;
}

static uint64_t k_page_counter_max(uint64_t page) {
        return (uint64_t) LONG_MAX / page;
}

/* mem_cgroup_write() -> page_counter_memparse(strstrip(buf), "-1", &nr_pages). */
static int k_page_counter_memparse(const char *buf, size_t len, uint64_t page, uint64_t *ret) {
        _cleanup_free_ char *s = k_strstrip(buf, len);
        const char *end;

        if (!strcmp(s, "-1")) {
                *ret = k_page_counter_max(page);
                return 0;
        }
        uint64_t bytes = k_memparse(s, &end);
        if (*end != '\0')
                return -EINVAL;
        *ret = bytes / page < k_page_counter_max(page) ? bytes / page : k_page_counter_max(page);
        return 0;
}

/* lib/bitmap.c bitmap_parselist() and its helpers, as in Linux 6.1. */
struct k_region {
        unsigned start, off, group_len, end, nbits;
};

static const char *k_bitmap_getnum(const char *str, unsigned *num, unsigned lastbit, int *err) {
        unsigned __int128 n = 0;
        bool overflow = false;
        size_t len = 0;

        if (str[0] == 'N') {
                *num = lastbit;
                return str + 1;
        }
        for (; k_isdigit(str[len]); len++) { /* _parse_integer(str, 10, &n) */
                n = n * 10 + (unsigned) (str[len] - '0');
                if (n > ULLONG_MAX) {
                        overflow = true;
                        n = (unsigned __int128) ULLONG_MAX + 1;
                }
        }
        if (!len) {
                *err = -EINVAL;
                return NULL;
        }
        if (overflow || n != (unsigned) n) {
                *err = -EOVERFLOW;
                return NULL;
        }
        *num = (unsigned) n;
        return str + len;
}

static bool k_end_of_str(char c) {
        return c == '\0' || c == '\n';
}

static bool k_end_of_region_sep(char c) {
        return k_isspace(c) || c == ',';
}

static bool k_end_of_region(char c) {
        return k_end_of_region_sep(c) || k_end_of_str(c);
}

static const char *k_bitmap_parse_region(const char *str, struct k_region *r, int *err) {
        unsigned lastbit = r->nbits - 1;

        if (!strncasecmp(str, "all", 3)) {
                r->start = 0;
                r->end = lastbit;
                str += 3;
                goto check_pattern;
        }
        str = k_bitmap_getnum(str, &r->start, lastbit, err);
        if (!str)
                return NULL;
        if (k_end_of_region(*str))
                goto no_end;
        if (*str != '-') {
                *err = -EINVAL;
                return NULL;
        }
        str = k_bitmap_getnum(str + 1, &r->end, lastbit, err);
        if (!str)
                return NULL;
check_pattern:
        if (k_end_of_region(*str))
                goto no_pattern;
        if (*str != ':') {
                *err = -EINVAL;
                return NULL;
        }
        str = k_bitmap_getnum(str + 1, &r->off, lastbit, err);
        if (!str)
                return NULL;
        if (*str != '/') {
                *err = -EINVAL;
                return NULL;
        }
        return k_bitmap_getnum(str + 1, &r->group_len, lastbit, err);
no_end:
        r->end = r->start;
no_pattern:
        r->off = r->end + 1;
        r->group_len = r->end + 1;
        return k_end_of_str(*str) ? NULL : str;
}

static void k_set_bit(struct bitmask *m, unsigned bit) {
        m->words[bit / 64] |= UINT64_C(1) << (bit % 64);
}

static int k_bitmap_parselist(const char *buf, struct bitmask *m, unsigned nbits) {
        struct k_region r = { .nbits = nbits };

        memset(m, 0, sizeof(*m));
        while (buf) {
                while (k_end_of_region_sep(*buf)) /* bitmap_find_region() */
                        buf++;
                if (k_end_of_str(*buf))
                        return 0;
                int err = 0;
                buf = k_bitmap_parse_region(buf, &r, &err);
                if (err)
                        return err;
                /* bitmap_check_region() */
                if (r.start > r.end || r.group_len == 0 || r.off > r.group_len)
                        return -EINVAL;
                if (r.end >= r.nbits)
                        return -ERANGE;
                /* bitmap_set_region(): unsigned arithmetic, a group_len near UINT_MAX wraps as in the kernel. */
                for (unsigned start = r.start; start <= r.end; start += r.group_len) {
                        unsigned n = r.end - start + 1 < r.off ? r.end - start + 1 : r.off;
                        for (unsigned i = 0; i < n; i++)
                                k_set_bit(m, start + i);
                }
        }
        return 0;
}

/* printk's "%*pbl". */
static void k_format_bitmap_list(const struct bitmask *m, struct sbuf *out) {
        const char *sep = "";
        for (unsigned bit = 0; bit < CPUMASK_BITS_MAX; bit++) {
                if (!((m->words[bit / 64] >> (bit % 64)) & 1))
                        continue;
                unsigned last = bit;
                while (last + 1 < CPUMASK_BITS_MAX && ((m->words[(last + 1) / 64] >> ((last + 1) % 64)) & 1))
                        last++;
                if (last == bit)
                        sb_printf(out, "%s%u", sep, bit);
                else
                        sb_printf(out, "%s%u-%u", sep, bit, last);
                sep = ",";
                bit = last;
        }
}

/* vsscanf()'s integer conversion in base 10: skip_spaces(), a digit, simple_strntoull() (wraps). */
static const char *k_scan_u64(const char *str, unsigned long long *ret) {
        unsigned long long v = 0;

        while (k_isspace(*str))
                str++;
        if (!k_isdigit(*str))
                return NULL;
        for (; k_isdigit(*str); str++)
                v = v * 10 + (unsigned) (*str - '0');
        *ret = v;
        return str;
}

/*
 * blkcg_conf_open_bdev(): sscanf("%u:%u%n"), then isspace(), skip_spaces(); then tg_set_conf()'s
 * sscanf(body, "%llu"). -ENODATA when only that number is missing.
 */
static int k_blkg_conf(const char *s, struct blkio_device *ret_dev, unsigned long long *ret_value, size_t *ret_body) {
        unsigned long long major, minor;
        const char *p = k_scan_u64(s, &major);

        if (!p || *p != ':')
                return -EINVAL;
        p = k_scan_u64(p + 1, &minor);
        if (!p || !k_isspace(*p))
                return -EINVAL;
        while (k_isspace(*p))
                p++;
        *ret_dev = (struct blkio_device) { .major = (unsigned) major, .minor = (unsigned) minor };
        *ret_body = (size_t) (p - s);
        return k_scan_u64(p, ret_value) ? 0 : -ENODATA;
}

/* net/core/netprio_cgroup.c write_priomap(): sscanf(buf, "%16s %u", devname, &prio) == 2. */
static int k_scan_priomap(const char *str, char name[IFPRIOMAP_NAME_MAX + 1], uint32_t *prio) {
        int width = IFPRIOMAP_NAME_MAX;
        unsigned long long v;
        char *o = name;

        if (!*str)
                return -EINVAL;
        while (k_isspace(*str))
                str++;
        while (*str && !k_isspace(*str) && width--)
                *o++ = *str++;
        *o = 0;
        while (k_isspace(*str)) /* the space in the format */
                str++;
        if (!*str || !k_scan_u64(str, &v))
                return -EINVAL;
        *prio = (uint32_t) v;
        return 0;
}

/* security/device_cgroup.c devcgroup_update_access(), its parser, on strstrip()'s result. */
static int k_parse_devnum(const char **bp, uint32_t *ret) {
        const char *b = *bp;
        char temp[12];

        if (*b == '*') {
                *ret = DEVICE_ANY;
                b++;
        } else if (k_isdigit(*b)) {
                memset(temp, 0, sizeof(temp));
                for (size_t count = 0; count < sizeof(temp) - 1; count++) {
                        temp[count] = *b;
                        b++;
                        if (!k_isdigit(*b))
                                break;
                }
                unsigned long long v;
                if (model_kstrtoull(temp, strlen(temp), 10, &v) < 0 || v > UINT32_MAX) /* kstrtou32 */
                        return -EINVAL;
                *ret = (uint32_t) v;
        } else
                return -EINVAL;
        *bp = b;
        return 0;
}

static int k_devcg_parse(const char *b, struct device_rule *ret) {
        struct device_rule rule = {};
        struct device_exception *ex = &rule.exception;

        switch (*b) {
        case 'a':
                rule.all = true;
                *ret = rule;
                return 0;
        case 'b':
                ex->type = DEVICE_BLOCK;
                break;
        case 'c':
                ex->type = DEVICE_CHAR;
                break;
        default:
                return -EINVAL;
        }
        b++;
        if (!k_isspace(*b))
                return -EINVAL;
        b++;
        if (k_parse_devnum(&b, &ex->major) < 0)
                return -EINVAL;
        if (*b != ':')
                return -EINVAL;
        b++;
        if (k_parse_devnum(&b, &ex->minor) < 0)
                return -EINVAL;
        if (!k_isspace(*b))
                return -EINVAL;
        b++;
        for (int count = 0; count < 3; count++, b++) {
                switch (*b) {
                case 'r':
                        ex->access |= DEVICE_READ;
                        break;
                case 'w':
                        ex->access |= DEVICE_WRITE;
                        break;
                case 'm':
                        ex->access |= DEVICE_MKNOD;
                        break;
                case '\n':
                case '\0':
                        count = 3;
                        break;
                default:
                        return -EINVAL;
                }
        }
        *ret = rule;
        return 0;
}

/*
 * keyed_u64() (group_io.h) as documented: the first line "KEY VALUE" of a flat keyed file, its
 * value kstrtoull(base 10); -EBADMSG if that value is no number, -ENODATA without such a line.
 */
static int model_keyed(const char *text, const char *key, uint64_t *ret) {
        size_t klen = strlen(key);

        for (const char *line = text;;) {
                const char *nl = strchr(line, '\n');
                size_t n = nl ? (size_t) (nl - line) : strlen(line);
                if (n > klen && !memcmp(line, key, klen) && line[klen] == ' ') {
                        unsigned long long v;
                        if (model_kstrtoull(line + klen + 1, n - klen - 1, 10, &v) < 0)
                                return -EBADMSG;
                        *ret = v;
                        return 0;
                }
                if (!nl)
                        return -ENODATA;
                line = nl + 1;
        }
}

static uint64_t model_keyed_or_zero(const char *text, const char *key) {
        uint64_t v;
        return model_keyed(text, key, &v) < 0 ? 0 : v;
}

/* A whole decimal number of @len bytes: digits only, no sign, no newline. */
static bool decimal_u64(const char *s, size_t len, uint64_t *ret) {
        unsigned __int128 v = 0;
        if (len == 0)
                return false;
        for (size_t i = 0; i < len; i++) {
                if (!k_isdigit(s[i]))
                        return false;
                v = v * 10 + (unsigned) (s[i] - '0');
                if (v > UINT64_MAX)
                        return false;
        }
        *ret = (uint64_t) v;
        return true;
}

/* As decimal_u64(), and written as printf writes it (no leading zero). */
static bool canonical_u64(const char *s, size_t len, uint64_t *ret) {
        return decimal_u64(s, len, ret) && (len == 1 || s[0] != '0');
}

/* "MAJ:MIN" exactly as the kernel prints a device, both numbers fitting a u32. */
static bool canonical_device(const char *s, size_t len, struct blkio_device *ret) {
        const char *colon = memchr(s, ':', len);
        uint64_t major, minor;

        if (!colon || !canonical_u64(s, (size_t) (colon - s), &major) ||
            !canonical_u64(colon + 1, len - (size_t) (colon - s) - 1, &minor) || major > UINT32_MAX || minor > UINT32_MAX)
                return false;
        *ret = (struct blkio_device) { .major = (unsigned) major, .minor = (unsigned) minor };
        return true;
}

/* Calls @fn on each line (without its newline) of the NUL-terminated @text. */
#define FOREACH_LINE(line, len, text)                                                                      \
        for (const char *line = (text), *_nl; line; line = _nl ? _nl + 1 : NULL)                            \
                for (size_t len = (_nl = strchr(line, '\n')) ? (size_t) (_nl - line) : strlen(line), _once = 1; \
                     _once; _once = 0)

/* ---------------------------------------------------------------------------------------------
 * memory: limits (memory.limit_in_bytes and the others, memory.max), memsw, memory.stat,
 * memory.numa_stat
 */

static const uint64_t page_sizes[] = { 4096, 65536 };

/* A v1 limit of @pages, as accepted: what v2 gets, what v1 then reads, written again, is the same limit. */
static void check_limit_round_trip(uint64_t pages, uint64_t page) {
        uint64_t max = memcg_pages_max(page), back = SENTINEL64, again = SENTINEL64;
        char v2[32], want[32], small[32], v1[40];

        FUZZ_CHECK(max == k_page_counter_max(page), "memcg_pages_max(%" PRIu64 ") = %" PRIu64, page, max);
        FUZZ_CHECK(pages <= max, "page %" PRIu64 ": %" PRIu64 " pages, above PAGE_COUNTER_MAX", page, pages);
        int r = memcg_limit_to_v2(pages, page, v2, sizeof(v2));
        if (pages == max)
                snprintf(want, sizeof(want), "max");
        else
                snprintf(want, sizeof(want), "%" PRIu64, pages * page);
        FUZZ_CHECK(r == 0 && !strcmp(v2, want), "memcg_limit_to_v2(%" PRIu64 ", %" PRIu64 ") = %d \"%s\", expected \"%s\"",
                   pages, page, r, esc0(v2), want);
        r = memcg_limit_from_v2(v2, page, &back);
        FUZZ_CHECK(r == 0 && back == pages, "memcg_limit_from_v2(\"%s\") = %d, %" PRIu64 " pages; was %" PRIu64, v2, r, back,
                   pages);
        r = memcg_limit_to_v2(pages, page, small, strlen(want));
        FUZZ_CHECK(r == -ENAMETOOLONG, "memcg_limit_to_v2 into %zu bytes for \"%s\": %d", strlen(want), want, r);

        uint64_t bytes = memcg_pages_to_bytes(pages, page);
        FUZZ_CHECK(bytes == pages * page, "memcg_pages_to_bytes(%" PRIu64 ") = %" PRIu64, pages, bytes);
        int n = snprintf(v1, sizeof(v1), "%" PRIu64 "\n", bytes);
        r = memcg_parse_limit(v1, (size_t) n, page, &again);
        FUZZ_CHECK(r == 0 && again == pages, "v1 reads %" PRIu64 " for %" PRIu64 " pages, which writes back as %d/%" PRIu64,
                   bytes, pages, r, again);
}

/* memsw planning around a new memory limit: memsw stays what it was, or the write is refused. */
static void check_memsw_plans(uint64_t new_mem, uint64_t page) {
        uint64_t max = memcg_pages_max(page);
        const uint64_t mems[] = { 0, 1, 262144, max - 1, max };
        const uint64_t swaps[] = { 0, 1, 262144, max - 1, max, UINT64_MAX };

        for (size_t i = 0; i < ELEMENTSOF(mems); i++)
                for (size_t j = 0; j < ELEMENTSOF(swaps); j++) {
                        uint64_t mem = mems[i], swap = swaps[j], ret = SENTINEL64;
                        uint64_t memsw = memsw_from_v2(mem, swap, page);
                        bool limited = mem < max && swap < max && mem + swap < max;

                        FUZZ_CHECK(memsw == (limited ? mem + swap : max), "memsw_from_v2(%" PRIu64 ", %" PRIu64 ") = %" PRIu64,
                                   mem, swap, memsw);
                        int r = memsw_plan_memory_limit(new_mem, mem, swap, page, &ret);
                        bool kept = swap != UINT64_MAX && memsw < max;
                        if (kept && new_mem > memsw)
                                FUZZ_CHECK(r == -EINVAL && ret == SENTINEL64,
                                           "memory limit %" PRIu64 " above memsw %" PRIu64 ": %d, %" PRIu64, new_mem, memsw, r,
                                           ret);
                        else if (r == 1)
                                FUZZ_CHECK(kept && ret != swap && memsw_from_v2(new_mem, ret, page) == memsw,
                                           "memory %" PRIu64 " -> %" PRIu64 " (swap %" PRIu64 "): new swap %" PRIu64
                                           " gives memsw %" PRIu64 ", was %" PRIu64,
                                           mem, new_mem, swap, ret, memsw_from_v2(new_mem, ret, page), memsw);
                        else
                                FUZZ_CHECK(r == 0 && ret == SENTINEL64 && (!kept || memsw_from_v2(new_mem, swap, page) == memsw),
                                           "memory %" PRIu64 " -> %" PRIu64 " (swap %" PRIu64 "): %d, %" PRIu64
                                           "; memsw %" PRIu64 " would become %" PRIu64,
                                           mem, new_mem, swap, r, ret, memsw, memsw_from_v2(new_mem, swap, page));

                        /* The same value as a memsw limit: memory + swap is that value (or unlimited). */
                        ret = SENTINEL64;
                        r = memsw_plan_memsw_limit(new_mem, mem, page, &ret);
                        if (new_mem < mem)
                                FUZZ_CHECK(r == -EINVAL && ret == SENTINEL64, "memsw %" PRIu64 " below memory %" PRIu64 ": %d",
                                           new_mem, mem, r);
                        else
                                FUZZ_CHECK(r == 0 && ret <= max && memsw_from_v2(mem, ret, page) == new_mem,
                                           "memsw %" PRIu64 " over memory %" PRIu64 ": %d, swap %" PRIu64 " gives %" PRIu64,
                                           new_mem, mem, r, ret, memsw_from_v2(mem, ret, page));
                }
}

static void fuzz_memory_limit_write(const uint8_t *data, size_t size) {
        size_t len;
        _cleanup_free_ char *buf = write_copy(data, size, &len);
        _cleanup_free_ char *s = cstr(buf, len);

        for (size_t p = 0; p < ELEMENTSOF(page_sizes); p++) {
                uint64_t page = page_sizes[p], pages = SENTINEL64, want = SENTINEL64;
                int r = memcg_parse_limit(buf, len, page, &pages);
                int mr = k_page_counter_memparse(buf, len, page, &want);

                FUZZ_CHECK(r == 0 || r == -EINVAL, "memcg_parse_limit returned %d", r);
                FUZZ_CHECK(r == mr && pages == want, "memcg_parse_limit(page %" PRIu64 ") = %d/%" PRIu64 ", kernel %d/%" PRIu64,
                           page, r, pages, mr, want);

                /* memparse() alone, on the unstripped bytes. */
                size_t used = SIZE_MAX;
                const char *end;
                uint64_t v = memcg_memparse(buf, len, &used), mv = k_memparse(s, &end);
                FUZZ_CHECK(v == mv && used == (size_t) (end - s), "memcg_memparse = %" PRIu64 " using %zu bytes, kernel %" PRIu64
                           " using %td", v, used, mv, end - s);
                if (r < 0)
                        continue;
                check_limit_round_trip(pages, page);
                check_memsw_plans(pages, page);
        }
}

/* round_down(PAGE_COUNTER_MAX, pages_per_huge_page) * PAGE_SIZE */
static uint64_t k_hugetlb_unlimited(uint64_t page, uint64_t huge_page) {
        uint64_t pages = k_page_counter_max(page), per = huge_page / page;
        return pages / per * per * page;
}

static const struct {
        uint64_t page, huge_page;
} huge_sizes[] = {
        { 4096, 2ULL << 20 }, { 4096, 1ULL << 30 }, { 4096, 64ULL << 10 }, { 65536, 512ULL << 20 }, { 65536, 65536 },
};

/* memory.max and hugetlb.<size>.max as the kernel prints them: "max" or bytes. */
static void fuzz_memory_limit_v2(const uint8_t *data, size_t size) {
        _cleanup_free_ char *s = cstr(data, size);
        size_t n = strlen(s);
        unsigned long long bytes = 0;
        bool is_max = !strcmp(s, "max"), is_number = model_kstrtoull(s, n, 10, &bytes) == 0;

        for (size_t p = 0; p < ELEMENTSOF(page_sizes); p++) {
                uint64_t page = page_sizes[p], max = k_page_counter_max(page), pages = SENTINEL64;
                int r = memcg_limit_from_v2(s, page, &pages);
                if (is_max)
                        FUZZ_CHECK(r == 0 && pages == max, "memcg_limit_from_v2(max) = %d/%" PRIu64, r, pages);
                else if (is_number)
                        FUZZ_CHECK(r == 0 && pages == (bytes / page < max ? bytes / page : max),
                                   "memcg_limit_from_v2 of %llu bytes = %d/%" PRIu64, bytes, r, pages);
                else
                        FUZZ_CHECK(r == -EBADMSG && pages == SENTINEL64, "memcg_limit_from_v2 took a non-number: %d/%" PRIu64,
                                   r, pages);
                if (r == 0)
                        check_limit_round_trip(pages, page);
        }
        for (size_t h = 0; h < ELEMENTSOF(huge_sizes); h++) {
                uint64_t v = SENTINEL64;
                int r = hugetlb_limit_from_v2(s, huge_sizes[h].page, huge_sizes[h].huge_page, &v);
                if (is_max)
                        FUZZ_CHECK(r == 0 && v == k_hugetlb_unlimited(huge_sizes[h].page, huge_sizes[h].huge_page),
                                   "hugetlb_limit_from_v2(max) = %d/%" PRIu64, r, v);
                else if (is_number)
                        FUZZ_CHECK(r == 0 && v == bytes, "hugetlb_limit_from_v2 of %llu = %d/%" PRIu64, bytes, r, v);
                else
                        FUZZ_CHECK(r == -EBADMSG && v == SENTINEL64, "hugetlb_limit_from_v2 took a non-number: %d", r);
        }
}

/* MAPPING.md §5.1: each v1 key of memory.stat and its v2 source (NULL: none in v2's memory.stat). */
static const struct {
        const char *v1, *v2;
} mapping_stat[MEMCG_STAT__COUNT] = {
        [MEMCG_STAT_CACHE] = { "cache", "file" },
        [MEMCG_STAT_RSS] = { "rss", "anon" },
        [MEMCG_STAT_RSS_HUGE] = { "rss_huge", "anon_thp" },
        [MEMCG_STAT_SHMEM] = { "shmem", "shmem" },
        [MEMCG_STAT_MAPPED_FILE] = { "mapped_file", "file_mapped" },
        [MEMCG_STAT_DIRTY] = { "dirty", "file_dirty" },
        [MEMCG_STAT_WRITEBACK] = { "writeback", "file_writeback" },
        [MEMCG_STAT_WORKINGSET_REFAULT_ANON] = { "workingset_refault_anon", "workingset_refault_anon" },
        [MEMCG_STAT_WORKINGSET_REFAULT_FILE] = { "workingset_refault_file", "workingset_refault_file" },
        [MEMCG_STAT_SWAP] = { "swap", NULL },
        [MEMCG_STAT_SWAPCACHED] = { "swapcached", "swapcached" },
        [MEMCG_STAT_PGPGIN] = { "pgpgin", NULL },
        [MEMCG_STAT_PGPGOUT] = { "pgpgout", NULL },
        [MEMCG_STAT_PGFAULT] = { "pgfault", "pgfault" },
        [MEMCG_STAT_PGMAJFAULT] = { "pgmajfault", "pgmajfault" },
        [MEMCG_STAT_INACTIVE_ANON] = { "inactive_anon", "inactive_anon" },
        [MEMCG_STAT_ACTIVE_ANON] = { "active_anon", "active_anon" },
        [MEMCG_STAT_INACTIVE_FILE] = { "inactive_file", "inactive_file" },
        [MEMCG_STAT_ACTIVE_FILE] = { "active_file", "active_file" },
        [MEMCG_STAT_UNEVICTABLE] = { "unevictable", "unevictable" },
};

static void fuzz_memory_stat(const uint8_t *data, size_t size) {
        _cleanup_free_ char *s = cstr(data, size);
        _cleanup_text_ struct text out = {};
        _cleanup_sb_ struct sbuf want = {};
        struct memcg_stat total, local, child;
        uint64_t swap = (uint64_t) size * 4096 + 7;

        memcg_stat_from_v2(s, swap, &total);
        for (size_t i = 0; i < MEMCG_STAT__COUNT; i++) {
                uint64_t v = mapping_stat[i].v2 ? model_keyed_or_zero(s, mapping_stat[i].v2) : i == MEMCG_STAT_SWAP ? swap : 0;
                FUZZ_CHECK(total.value[i] == v, "memory.stat %s = %" PRIu64 ", expected %" PRIu64, mapping_stat[i].v1,
                           total.value[i], v);
        }

        /* A child's share taken out, never below zero. */
        for (size_t i = 0; i < MEMCG_STAT__COUNT; i++)
                child.value[i] = total.value[(i + 1) % MEMCG_STAT__COUNT];
        local = total;
        memcg_stat_subtract(&local, &child);
        for (size_t i = 0; i < MEMCG_STAT__COUNT; i++) {
                uint64_t a = total.value[i], b = child.value[i];
                FUZZ_CHECK(local.value[i] == (a > b ? a - b : 0), "memcg_stat_subtract %s: %" PRIu64 " - %" PRIu64 " = %" PRIu64,
                           mapping_stat[i].v1, a, b, local.value[i]);
        }

        uint64_t mem_limit = swap * 3, memsw_limit = UINT64_MAX - swap;
        int r = memcg_stat_format(&out, &local, &total, mem_limit, memsw_limit);
        FUZZ_CHECK(r == 0, "memcg_stat_format returned %d", r);
        for (size_t i = 0; i < MEMCG_STAT__COUNT; i++)
                sb_printf(&want, "%s %" PRIu64 "\n", mapping_stat[i].v1, local.value[i]);
        sb_printf(&want, "hierarchical_memory_limit %" PRIu64 "\nhierarchical_memsw_limit %" PRIu64 "\n", mem_limit,
                  memsw_limit);
        for (size_t i = 0; i < MEMCG_STAT__COUNT; i++)
                sb_printf(&want, "total_%s %" PRIu64 "\n", mapping_stat[i].v1, total.value[i]);
        EXPECT_TEXT(&out, &want, "memcg_stat_format");

        /* memory.kmem.usage_in_bytes: "kernel", else the sum of its parts. */
        static const char *const kmem_parts[] = { "kernel_stack", "pagetables", "percpu", "slab", "vmalloc" };
        uint64_t kmem = 0;
        if (model_keyed(s, "kernel", &kmem) < 0) {
                kmem = 0;
                for (size_t i = 0; i < ELEMENTSOF(kmem_parts); i++)
                        kmem += model_keyed_or_zero(s, kmem_parts[i]);
        }
        FUZZ_CHECK(memcg_kmem_usage(s) == kmem, "memcg_kmem_usage = %" PRIu64 ", expected %" PRIu64, memcg_kmem_usage(s),
                   kmem);
}

/* memory.numa_stat: "<lru> N<id>=<bytes>..." lines of the five LRU lists; the other lines are not read. */
static const char *const numa_lru[NUMA_LRU__COUNT] = {
        [NUMA_LRU_INACTIVE_ANON] = "inactive_anon", [NUMA_LRU_ACTIVE_ANON] = "active_anon",
        [NUMA_LRU_INACTIVE_FILE] = "inactive_file", [NUMA_LRU_ACTIVE_FILE] = "active_file",
        [NUMA_LRU_UNEVICTABLE] = "unevictable",
};

static int model_numa_parse(const char *text, struct memcg_numa *n) {
        n->n_nodes = 0;
        FOREACH_LINE(line, len, text) {
                const char *sp = memchr(line, ' ', len);
                size_t klen = sp ? (size_t) (sp - line) : len;
                int lru = -1;
                for (int i = 0; i < NUMA_LRU__COUNT; i++)
                        if (strlen(numa_lru[i]) == klen && !memcmp(line, numa_lru[i], klen))
                                lru = i;
                if (lru < 0 || !sp)
                        continue;
                /* The words after the key, one space between each: "N<id>=<bytes>". */
                const char *end = line + len;
                for (const char *w = sp + 1;; ) {
                        const char *w_end = memchr(w, ' ', (size_t) (end - w));
                        if (!w_end)
                                w_end = end;
                        const char *eq = memchr(w, '=', (size_t) (w_end - w));
                        unsigned long long id, bytes;
                        if (w == w_end || w[0] != 'N' || !eq || model_kstrtoull(w + 1, (size_t) (eq - w - 1), 10, &id) < 0 ||
                            id > INT_MAX || model_kstrtoull(eq + 1, (size_t) (w_end - eq - 1), 10, &bytes) < 0)
                                return -EBADMSG;
                        size_t slot = 0;
                        while (slot < n->n_nodes && n->node[slot] != (int) id)
                                slot++;
                        if (slot == n->n_nodes) {
                                if (slot == MEMCG_NUMA_NODES_MAX)
                                        return -E2BIG;
                                n->node[slot] = (int) id;
                                memset(n->bytes[slot], 0, sizeof(n->bytes[slot]));
                                n->n_nodes++;
                        }
                        n->bytes[slot][lru] = bytes;
                        if (w_end == end)
                                break;
                        w = w_end + 1;
                }
        }
        return 0;
}

static void model_numa_format(struct sbuf *out, const struct memcg_numa *n, const char *prefix, uint64_t page) {
        static const struct {
                const char *name;
                unsigned mask;
        } stats[] = {
                { "total", 0x1f },
                { "file", 1u << NUMA_LRU_INACTIVE_FILE | 1u << NUMA_LRU_ACTIVE_FILE },
                { "anon", 1u << NUMA_LRU_INACTIVE_ANON | 1u << NUMA_LRU_ACTIVE_ANON },
                { "unevictable", 1u << NUMA_LRU_UNEVICTABLE },
        };
        for (size_t s = 0; s < ELEMENTSOF(stats); s++) {
                uint64_t pages[MEMCG_NUMA_NODES_MAX], sum = 0;
                for (size_t i = 0; i < n->n_nodes; i++) {
                        uint64_t bytes = 0;
                        for (int lru = 0; lru < NUMA_LRU__COUNT; lru++)
                                if (stats[s].mask & (1u << lru))
                                        bytes += n->bytes[i][lru];
                        pages[i] = bytes / page;
                        sum += pages[i];
                }
                sb_printf(out, "%s%s=%" PRIu64, prefix, stats[s].name, sum);
                for (size_t i = 0; i < n->n_nodes; i++)
                        sb_printf(out, " N%d=%" PRIu64, n->node[i], pages[i]);
                sb_printf(out, "\n");
        }
}

static bool numa_equal(const struct memcg_numa *a, const struct memcg_numa *b) {
        if (a->n_nodes != b->n_nodes)
                return false;
        for (size_t i = 0; i < a->n_nodes; i++)
                if (a->node[i] != b->node[i] || memcmp(a->bytes[i], b->bytes[i], sizeof(a->bytes[i])))
                        return false;
        return true;
}

static void fuzz_memory_numa_stat(const uint8_t *data, size_t size) {
        static struct memcg_numa got, want, local, child;
        _cleanup_free_ char *s = cstr(data, size);

        int r = memcg_numa_from_v2(s, &got);
        int mr = model_numa_parse(s, &want);
        FUZZ_CHECK(r == 0 || r == -EBADMSG || r == -E2BIG, "memcg_numa_from_v2 returned %d", r);
        FUZZ_CHECK(r == mr, "memcg_numa_from_v2 returned %d, model %d", r, mr);
        if (r < 0)
                return;
        FUZZ_CHECK(numa_equal(&got, &want), "memcg_numa_from_v2: %zu nodes, model %zu, or different values", got.n_nodes,
                   want.n_nodes);
        for (size_t i = 0; i < got.n_nodes; i++) {
                FUZZ_CHECK(got.node[i] >= 0, "node id %d", got.node[i]);
                for (size_t j = 0; j < i; j++)
                        FUZZ_CHECK(got.node[i] != got.node[j], "node N%d twice", got.node[i]);
        }

        /* A child with half of each, its nodes in the other order: subtracted by node id, never below 0. */
        child.n_nodes = got.n_nodes;
        for (size_t i = 0; i < got.n_nodes; i++) {
                size_t c = got.n_nodes - 1 - i;
                child.node[c] = got.node[i];
                for (int lru = 0; lru < NUMA_LRU__COUNT; lru++)
                        child.bytes[c][lru] = got.bytes[i][lru] / 2;
        }
        local.n_nodes = got.n_nodes;
        memcpy(local.node, got.node, sizeof(got.node[0]) * got.n_nodes);
        memcpy(local.bytes, got.bytes, sizeof(got.bytes[0]) * got.n_nodes);
        memcg_numa_subtract(&local, &child);
        for (size_t i = 0; i < got.n_nodes; i++)
                for (int lru = 0; lru < NUMA_LRU__COUNT; lru++)
                        FUZZ_CHECK(local.bytes[i][lru] == got.bytes[i][lru] - got.bytes[i][lru] / 2,
                                   "memcg_numa_subtract N%d %s: %" PRIu64 " - half = %" PRIu64, got.node[i], numa_lru[lru],
                                   got.bytes[i][lru], local.bytes[i][lru]);

        for (size_t p = 0; p < ELEMENTSOF(page_sizes); p++) {
                _cleanup_text_ struct text out = {};
                _cleanup_sb_ struct sbuf expect = {};
                r = memcg_numa_format(&out, &local, &got, page_sizes[p]);
                FUZZ_CHECK(r == 0, "memcg_numa_format returned %d", r);
                model_numa_format(&expect, &local, "", page_sizes[p]);
                model_numa_format(&expect, &got, "hierarchical_", page_sizes[p]);
                EXPECT_TEXT(&out, &expect, "memcg_numa_format (page %" PRIu64 ")", page_sizes[p]);
        }
}

/* ---------------------------------------------------------------------------------------------
 * cpuset.cpus / cpuset.mems writes, cpu lists from the kernel, cpu.max, cpu.stat, cpuacct
 */

static const unsigned mask_widths[] = { 1, 64, 100, NODEMASK_BITS, CPUMASK_BITS_MAX };

static void fill_sentinel_mask(struct bitmask *m) {
        memset(m, 0xA5, sizeof(*m));
}

static bool is_sentinel_mask(const struct bitmask *m) {
        for (size_t i = 0; i < ELEMENTSOF(m->words); i++)
                if (m->words[i] != SENTINEL64)
                        return false;
        return true;
}

/* A parsed mask: in range, consistent helpers, "%*pbl" exactly, which parses back to itself. */
static void check_mask(const struct bitmask *m, unsigned nbits) {
        static struct bitmask again;
        _cleanup_text_ struct text out = {};
        _cleanup_sb_ struct sbuf want = {};
        int last = bitmask_last(m);

        FUZZ_CHECK(last < (int) nbits, "bit %d set in a mask %u wide", last, nbits);
        FUZZ_CHECK(bitmask_empty(m) == (last < 0), "bitmask_empty %d, last %d", bitmask_empty(m), last);
        FUZZ_CHECK(last < 0 || bitmask_test(m, (unsigned) last), "bitmask_test(last %d) false", last);
        FUZZ_CHECK(!bitmask_test(m, CPUMASK_BITS_MAX) && !bitmask_test(m, UINT_MAX), "bitmask_test past the mask");
        FUZZ_CHECK(bitmask_subset(m, m) && bitmask_intersects(m, m) == (last >= 0), "subset/intersects of a mask with itself");

        int r = bitmask_format_list(m, &out);
        FUZZ_CHECK(r == 0 && out.data && out.data[out.len] == 0, "bitmask_format_list returned %d, or no string", r);
        k_format_bitmap_list(m, &want);
        EXPECT_TEXT(&out, &want, "bitmask_format_list");

        fill_sentinel_mask(&again);
        r = bitmask_parse_list(out.data, nbits, &again);
        FUZZ_CHECK(r == 0 && !memcmp(&again, m, sizeof(*m)), "\"%s\" parses back as %d, or to another mask",
                   esc(out.data, out.len), r);
        /* As a program writes it back: with a newline. */
        text_append(&out, "\n", 1);
        fill_sentinel_mask(&again);
        r = bitmask_parse_write(out.data, out.len, nbits, &again);
        FUZZ_CHECK(r == 0 && !memcmp(&again, m, sizeof(*m)), "\"%s\" written back gives %d, or another mask",
                   esc(out.data, out.len), r);
}

static void fuzz_cpuset_write(const uint8_t *data, size_t size) {
        static struct bitmask got, want;
        size_t len;
        _cleanup_free_ char *buf = write_copy(data, size, &len);
        _cleanup_free_ char *stripped = k_strstrip(buf, len);
        _cleanup_free_ char *raw = cstr(buf, len);

        for (size_t w = 0; w < ELEMENTSOF(mask_widths); w++) {
                unsigned nbits = mask_widths[w];

                /* cpuset_write_resmask(): strstrip(), then bitmap_parselist(). */
                fill_sentinel_mask(&got);
                int r = bitmask_parse_write(buf, len, nbits, &got);
                int mr = k_bitmap_parselist(stripped, &want, nbits);
                FUZZ_CHECK(r == 0 || r == -EINVAL || r == -ERANGE || r == -EOVERFLOW, "bitmask_parse_write returned %d", r);
                FUZZ_CHECK(r == mr, "bitmask_parse_write(%u bits) = %d, kernel %d", nbits, r, mr);
                if (r < 0)
                        FUZZ_CHECK(is_sentinel_mask(&got), "bitmask_parse_write wrote the mask on failure %d", r);
                else {
                        FUZZ_CHECK(!memcmp(&got, &want, sizeof(got)), "bitmask_parse_write(%u bits): another mask than the kernel's",
                                   nbits);
                        check_mask(&got, nbits);
                }

                /* The list parser alone, unstripped. */
                fill_sentinel_mask(&got);
                r = bitmask_parse_list(raw, nbits, &got);
                mr = k_bitmap_parselist(raw, &want, nbits);
                FUZZ_CHECK(r == mr && (r < 0 ? is_sentinel_mask(&got) : !memcmp(&got, &want, sizeof(got))),
                           "bitmask_parse_list(%u bits) = %d, kernel %d, or another mask", nbits, r, mr);
        }
}

/* The CPUs of a cpu list, in the list's order, when there are few enough to expand. */
#define CPU_LIST_EXPAND_MAX 8192

struct cpu_list {
        unsigned cpu[CPU_LIST_EXPAND_MAX];
        size_t n;
        size_t ranges;
        unsigned first_cpu; /* of the first range */
        bool too_long;      /* more CPUs than that: not expanded */
        int result;         /* of the iteration: 0, or its error */
};

static void iterate_cpu_list(const char *s, struct cpu_list *l) {
        const char *cursor = s;
        unsigned first, last;
        int r;

        l->n = l->ranges = 0;
        l->too_long = false;
        for (;;) {
                const char *before = cursor;
                first = last = SENTINEL32;
                r = cpu_list_next(&cursor, &first, &last);
                FUZZ_CHECK(r == 1 || r == 0 || r == -EINVAL, "cpu_list_next returned %d", r);
                if (r < 0) {
                        FUZZ_CHECK(cursor == before && first == SENTINEL32 && last == SENTINEL32,
                                   "cpu_list_next moved or wrote on failure");
                        break;
                }
                FUZZ_CHECK(cursor >= before && cursor <= s + strlen(s), "cpu_list_next cursor out of the string");
                if (r == 0) {
                        FUZZ_CHECK(*cursor == 0, "cpu_list_next ended before the end: \"%s\"", esc0(cursor));
                        FUZZ_CHECK(first == SENTINEL32 && last == SENTINEL32, "cpu_list_next wrote a range at the end");
                        break;
                }
                FUZZ_CHECK(cursor > before && first <= last && last <= UINT32_MAX / 2, "cpu_list_next range %u-%u", first,
                           last);
                if (l->ranges++ == 0)
                        l->first_cpu = first;
                if (l->too_long || (uint64_t) last - first + 1 > CPU_LIST_EXPAND_MAX - l->n) {
                        l->too_long = true;
                        continue;
                }
                for (uint64_t c = first; c <= last; c++)
                        l->cpu[l->n++] = (unsigned) c;
        }
        l->result = r;
}

static void model_percpu(const struct cpu_list *l, unsigned home, uint64_t user, uint64_t system, bool all,
                         struct sbuf *out) {
        unsigned carrier = l->cpu[0];
        for (size_t i = 0; i < l->n; i++)
                if (l->cpu[i] == home)
                        carrier = home;
        if (all)
                sb_printf(out, "cpu user system\n");
        for (size_t i = 0; i < l->n; i++) {
                bool carries = l->cpu[i] == carrier;
                if (all)
                        sb_printf(out, "%u %" PRIu64 " %" PRIu64 "\n", l->cpu[i], carries ? user : 0, carries ? system : 0);
                else
                        sb_printf(out, "%" PRIu64 " ", carries ? user : 0);
        }
        if (!all)
                sb_printf(out, "\n");
}

/* /sys/devices/system/cpu/possible and cpuset.cpus.effective: kernel cpu lists ("0-3,8"). */
static void fuzz_cpu_list(const uint8_t *data, size_t size) {
        static struct cpu_list l;
        static struct bitmask kernel, listed;
        _cleanup_free_ char *s = cstr(data, size);
        unsigned first = SENTINEL32;

        iterate_cpu_list(s, &l);
        int r = cpu_list_first(s, &first);
        if (l.ranges > 0)
                FUZZ_CHECK(r == 0 && first == l.first_cpu, "cpu_list_first = %d/%u, the list starts with %u", r, first,
                           l.first_cpu);
        else if (l.result < 0)
                FUZZ_CHECK(r == l.result && first == SENTINEL32, "cpu_list_first = %d/%u, iteration %d", r, first, l.result);
        else
                FUZZ_CHECK(r == -ENODATA && first == SENTINEL32, "cpu_list_first of an empty list = %d/%u", r, first);

        /* The kernel would take every list this takes, as the same CPUs (on one line: this reads on past it). */
        if (l.result == 0 && !l.too_long && !strchr(s, '\n')) {
                bool fits = true;
                for (size_t i = 0; i < l.n; i++)
                        fits = fits && l.cpu[i] < CPUMASK_BITS_MAX;
                if (fits) {
                        memset(&listed, 0, sizeof(listed));
                        for (size_t i = 0; i < l.n; i++)
                                k_set_bit(&listed, l.cpu[i]);
                        int kr = k_bitmap_parselist(s, &kernel, CPUMASK_BITS_MAX);
                        FUZZ_CHECK(kr == 0 && !memcmp(&kernel, &listed, sizeof(kernel)),
                                   "a cpu list the kernel refuses (%d) or reads as other CPUs", kr);
                }
        }

        /* cpuacct.usage_percpu* and cpuacct.usage_all over this list as the possible CPUs. */
        if (l.too_long)
                return; /* /sys/devices/system/cpu/possible never lists more than NR_CPUS */
        const unsigned homes[] = { 0, 3, l.n ? l.cpu[l.n - 1] : 0, UINT_MAX };
        for (size_t h = 0; h < ELEMENTSOF(homes); h++) {
                uint64_t user = (uint64_t) size * 1000003 + h, system = UINT64_MAX - h;
                for (int all = 0; all <= 1; all++) {
                        _cleanup_text_ struct text out = {};
                        _cleanup_sb_ struct sbuf want = {};
                        r = all ? cpuacct_all_format(s, homes[h], user, system, &out)
                                : cpuacct_percpu_format(s, homes[h], user, &out);
                        if (l.result < 0) {
                                FUZZ_CHECK(r == l.result, "cpuacct_%s_format of a bad list: %d", all ? "all" : "percpu", r);
                                continue;
                        }
                        if (l.n == 0) {
                                FUZZ_CHECK(r == -ENODATA, "cpuacct_%s_format with no CPU: %d", all ? "all" : "percpu", r);
                                continue;
                        }
                        FUZZ_CHECK(r == 0, "cpuacct_%s_format returned %d", all ? "all" : "percpu", r);
                        model_percpu(&l, homes[h], user, system, all, &want);
                        EXPECT_TEXT(&out, &want, "cpuacct_%s_format (home %u)", all ? "all" : "percpu", homes[h]);
                }
        }
}

/* cpu.max, as cpu_max_show() prints it ("max 100000", "20000 100000"), on its first line. */
static int model_cpu_max(const char *s, uint64_t *ret_quota, uint64_t *ret_period) {
        size_t line = strcspn(s, "\n");
        const char *sp = memchr(s, ' ', line);
        uint64_t quota, period;

        if (!sp)
                return -EBADMSG;
        if (sp - s == 3 && !memcmp(s, "max", 3))
                quota = CFS_QUOTA_UNLIMITED;
        else if (!decimal_u64(s, (size_t) (sp - s), &quota))
                return -EBADMSG;
        if (!decimal_u64(sp + 1, line - (size_t) (sp - s) - 1, &period))
                return -EBADMSG;
        *ret_quota = quota;
        *ret_period = period;
        return 0;
}

static void fuzz_cpu_max(const uint8_t *data, size_t size) {
        _cleanup_free_ char *s = cstr(data, size);
        uint64_t quota = SENTINEL64, period = SENTINEL64, mquota = SENTINEL64, mperiod = SENTINEL64;
        char buf[64], small[64];

        int r = cpu_max_parse(s, &quota, &period);
        FUZZ_CHECK(r == 0 || r == -EBADMSG, "cpu_max_parse returned %d", r);
        if (r < 0)
                FUZZ_CHECK(quota == SENTINEL64 && period == SENTINEL64, "cpu_max_parse wrote on failure");
        /* Where the first space is on the first line; see the report for the other case. */
        const char *sp = strchr(s, ' ');
        if (sp && sp < s + strcspn(s, "\n")) {
                int mr = model_cpu_max(s, &mquota, &mperiod);
                FUZZ_CHECK(r == mr && quota == mquota && period == mperiod,
                           "cpu_max_parse = %d %" PRIu64 " %" PRIu64 ", expected %d %" PRIu64 " %" PRIu64, r, quota, period, mr,
                           mquota, mperiod);
        }
        if (r < 0)
                return;

        /* Printed back, it parses to itself; a buffer too small is refused. */
        r = cpu_max_format(quota, period, buf, sizeof(buf));
        char want[64];
        if (quota == CFS_QUOTA_UNLIMITED)
                snprintf(want, sizeof(want), "max %" PRIu64, period);
        else
                snprintf(want, sizeof(want), "%" PRIu64 " %" PRIu64, quota, period);
        FUZZ_CHECK(r == 0 && !strcmp(buf, want), "cpu_max_format = %d \"%s\", expected \"%s\"", r, esc0(buf), want);
        uint64_t q2 = SENTINEL64, p2 = SENTINEL64;
        r = cpu_max_parse(buf, &q2, &p2);
        FUZZ_CHECK(r == 0 && q2 == quota && p2 == period, "\"%s\" parses back as %d %" PRIu64 " %" PRIu64, buf, r, q2, p2);
        FUZZ_CHECK(cpu_max_format(quota, period, small, strlen(want)) == -ENAMETOOLONG, "cpu_max_format cut \"%s\"", want);

        /* What cpu.cfs_quota_us and cpu.cfs_period_us read writes back to the same values. */
        if (quota == CFS_QUOTA_UNLIMITED || quota <= CFS_RUNTIME_MAX_US) {
                long long v1 = cfs_quota_to_v1(quota);
                uint64_t back = SENTINEL64;
                r = cfs_quota_from_v1(v1, &back);
                FUZZ_CHECK(r == 0 && back == quota && (quota != CFS_QUOTA_UNLIMITED || v1 == -1),
                           "quota %" PRIu64 " reads %lld, writes back %d/%" PRIu64, quota, v1, r, back);
        }
        uint64_t pback = SENTINEL64;
        r = cfs_period_from_v1(period, &pback);
        if (period <= UINT64_MAX / 1000)
                FUZZ_CHECK(r == 0 && pback == period, "period %" PRIu64 " writes back %d/%" PRIu64, period, r, pback);
        else
                FUZZ_CHECK(r == -EINVAL && pback == SENTINEL64, "period %" PRIu64 " (too large for ns): %d", period, r);
}

/* v1 cpu.stat from v2 cpu.stat: the kernel's v1 keys, ns from µs, the burst pair only where v2 has it. */
static void fuzz_cpu_stat(const uint8_t *data, size_t size) {
        _cleanup_free_ char *s = cstr(data, size);
        _cleanup_text_ struct text out = {};
        _cleanup_sb_ struct sbuf want = {};
        uint64_t nr_bursts;

        int r = cpu_stat_to_v1(s, &out);
        FUZZ_CHECK(r == 0, "cpu_stat_to_v1 returned %d", r);
        sb_printf(&want, "nr_periods %" PRIu64 "\nnr_throttled %" PRIu64 "\nthrottled_time %" PRIu64 "\n",
                  model_keyed_or_zero(s, "nr_periods"), model_keyed_or_zero(s, "nr_throttled"),
                  model_keyed_or_zero(s, "throttled_usec") * 1000);
        if (model_keyed(s, "nr_bursts", &nr_bursts) == 0)
                sb_printf(&want, "nr_bursts %" PRIu64 "\nburst_time %" PRIu64 "\n", nr_bursts,
                          model_keyed_or_zero(s, "burst_usec") * 1000);
        EXPECT_TEXT(&out, &want, "cpu_stat_to_v1");
}

static const char *const usage_keys[_CPU_USAGE_MAX] = {
        [CPU_USAGE_TOTAL] = "usage_usec",
        [CPU_USAGE_USER] = "user_usec",
        [CPU_USAGE_SYSTEM] = "system_usec",
};

static void check_cpuacct_stat(const struct cpu_usage *u) {
        /* nsec_to_clock_t(): a tick is 10^6 / USER_HZ µs, an integer for these. */
        static const unsigned long hzs[] = { 100, 250, 1000 };
        for (size_t h = 0; h < ELEMENTSOF(hzs); h++) {
                _cleanup_text_ struct text out = {};
                _cleanup_sb_ struct sbuf want = {};
                uint64_t tick = 1000000 / hzs[h];
                int r = cpuacct_stat_format(u, hzs[h], &out);
                FUZZ_CHECK(r == 0, "cpuacct_stat_format returned %d", r);
                sb_printf(&want, "user %" PRIu64 "\nsystem %" PRIu64 "\n", u->usec[CPU_USAGE_USER] / tick,
                          u->usec[CPU_USAGE_SYSTEM] / tick);
                EXPECT_TEXT(&out, &want, "cpuacct_stat_format (USER_HZ %lu)", hzs[h]);
        }
}

/* The reset baseline kept in legacy state, "usage user system": formatted, it parses back. */
static void check_baseline_round_trip(const struct cpu_usage *u) {
        char buf[80], small[80];
        struct cpu_usage back;

        int r = cpu_usage_format(u, buf, sizeof(buf));
        FUZZ_CHECK(r == 0, "cpu_usage_format returned %d", r);
        memset(&back, 0xA5, sizeof(back));
        r = cpu_usage_parse_baseline(buf, &back);
        FUZZ_CHECK(r == 0 && !memcmp(&back, u, sizeof(back)), "baseline \"%s\" parses back as %d, or other values", buf, r);
        FUZZ_CHECK(cpu_usage_format(u, small, strlen(buf)) == -ENAMETOOLONG, "cpu_usage_format cut \"%s\"", buf);
}

static void fuzz_cpuacct(const uint8_t *data, size_t size) {
        _cleanup_free_ char *s = cstr(data, size);
        struct cpu_usage u, want, sentinel;
        int mr = 0;

        /* The three counters of v2 cpu.stat, the first missing or bad one is the error. */
        memset(&sentinel, 0xA5, sizeof(sentinel));
        for (int k = 0; k < _CPU_USAGE_MAX && mr == 0; k++)
                mr = model_keyed(s, usage_keys[k], &want.usec[k]);
        u = sentinel;
        int r = cpu_usage_parse(s, &u);
        FUZZ_CHECK(r == mr, "cpu_usage_parse returned %d, expected %d", r, mr);
        if (r < 0)
                FUZZ_CHECK(!memcmp(&u, &sentinel, sizeof(u)), "cpu_usage_parse wrote on failure");
        else {
                FUZZ_CHECK(!memcmp(&u, &want, sizeof(u)), "cpu_usage_parse: other values than the keys'");
                check_baseline_round_trip(&u);
                check_cpuacct_stat(&u);
                /* Since a baseline: never below zero. */
                struct cpu_usage base, d;
                for (int k = 0; k < _CPU_USAGE_MAX; k++)
                        base.usec[k] = u.usec[(k + 1) % _CPU_USAGE_MAX];
                d = cpu_usage_since(&u, &base);
                for (int k = 0; k < _CPU_USAGE_MAX; k++)
                        FUZZ_CHECK(d.usec[k] == (u.usec[k] > base.usec[k] ? u.usec[k] - base.usec[k] : 0),
                                   "cpu_usage_since %s: %" PRIu64 " since %" PRIu64 " = %" PRIu64, usage_keys[k], u.usec[k],
                                   base.usec[k], d.usec[k]);
        }

        /* The same bytes as a kept baseline. */
        u = sentinel;
        r = cpu_usage_parse_baseline(s, &u);
        FUZZ_CHECK(r == 0 || r == -EBADMSG, "cpu_usage_parse_baseline returned %d", r);
        if (r < 0)
                FUZZ_CHECK(!memcmp(&u, &sentinel, sizeof(u)), "cpu_usage_parse_baseline wrote on failure");
        else {
                check_baseline_round_trip(&u);
                /* Canonical text is its own format. */
                char buf[80];
                cpu_usage_format(&u, buf, sizeof(buf));
                uint64_t v[3];
                const char *a = s, *b = strchr(a, ' '), *c = b ? strchr(b + 1, ' ') : NULL;
                if (b && c && canonical_u64(a, (size_t) (b - a), &v[0]) && canonical_u64(b + 1, (size_t) (c - b - 1), &v[1]) &&
                    canonical_u64(c + 1, strlen(c + 1), &v[2]))
                        FUZZ_CHECK(!strcmp(buf, s), "canonical baseline \"%s\" formats back as \"%s\"", esc0(s), buf);
        }

        /* And as a key. */
        int k = cpu_usage_kind_from_key(s);
        int mk = -EINVAL;
        for (int i = 0; i < _CPU_USAGE_MAX; i++)
                if (!strcmp(s, usage_keys[i]))
                        mk = i;
        FUZZ_CHECK(k == mk, "cpu_usage_kind_from_key(\"%s\") = %d, expected %d", esc0(s), k, mk);
}

/* ---------------------------------------------------------------------------------------------
 * blkio writes (blkio.throttle.*_device, blkio.weight_device), io.max, io.weight, io.stat
 */

static const char *const throttle_keys[] = { "rbps", "wbps", "riops", "wiops" };

/* blkio.throttle.*_device "MAJ:MIN N" -> io.max "MAJ:MIN key=N" (0: "max"), as tg_set_conf() reads it. */
static int model_throttle(const char *s, const char *key, struct sbuf *out) {
        struct blkio_device dev;
        unsigned long long v;
        size_t body;
        int r = k_blkg_conf(s, &dev, &v, &body);
        if (r < 0)
                return -EINVAL;
        if (v == 0)
                sb_printf(out, "%u:%u %s=max", dev.major, dev.minor, key);
        else
                sb_printf(out, "%u:%u %s=%llu", dev.major, dev.minor, key, v);
        return 0;
}

/* io.max text -> the v1 lines of @key: "MAJ:MIN N" for each device whose @key is not "max". */
static void model_io_max_lines(const char *io_max, const char *key, struct sbuf *out) {
        size_t klen = strlen(key);
        FOREACH_LINE(line, len, io_max) {
                const char *end = line + len, *dev_end = memchr(line, ' ', len);
                if (!dev_end)
                        dev_end = end;
                if (dev_end == line)
                        continue;
                const char *w = dev_end;
                while (w < end && k_isspace(*w))
                        w++;
                while (w < end) {
                        const char *w_end = memchr(w, ' ', (size_t) (end - w));
                        if (!w_end)
                                w_end = end;
                        if ((size_t) (w_end - w) > klen && !memcmp(w, key, klen) && w[klen] == '=') {
                                const char *v = w + klen + 1;
                                size_t vlen = (size_t) (w_end - v);
                                if (!(vlen == 3 && !memcmp(v, "max", 3)))
                                        sb_printf(out, "%.*s %.*s\n", (int) (dev_end - line), line, (int) vlen, v);
                                break;
                        }
                        w = w_end;
                        while (w < end && k_isspace(*w))
                                w++;
                }
        }
}

/* A v1 line read from io.max, written back, gives the io.max line it came from. */
static void check_throttle_line_round_trip(const char *line, size_t len, const char *key) {
        const char *sp = memchr(line, ' ', len);
        struct blkio_device dev;
        uint64_t v;
        char ret[128], want[128];

        if (!sp || !canonical_device(line, (size_t) (sp - line), &dev) || !canonical_u64(sp + 1, len - (size_t) (sp - line) - 1, &v) ||
            v == 0)
                return;
        int r = blkio_throttle_to_io_max(line, len, key, ret, sizeof(ret));
        snprintf(want, sizeof(want), "%u:%u %s=%" PRIu64, dev.major, dev.minor, key, v);
        FUZZ_CHECK(r == 0 && !strcmp(ret, want), "v1 line \"%s\" written back: %d \"%s\", expected \"%s\"", esc(line, len), r,
                   esc0(ret), want);
}

static void fuzz_blkio_throttle_write(const uint8_t *data, size_t size) {
        size_t len;
        _cleanup_free_ char *buf = write_copy(data, size, &len);
        _cleanup_free_ char *s = cstr(buf, len);
        struct blkio_device dev = { SENTINEL32, SENTINEL32 }, mdev = { SENTINEL32, SENTINEL32 };
        unsigned long long value = SENTINEL64, mvalue = SENTINEL64;
        const char *rest = NULL;
        size_t rest_len = SIZE_MAX, body = SIZE_MAX;

        int r = blkio_parse_device_line(buf, len, &dev, &value, &rest, &rest_len);
        int mr = k_blkg_conf(s, &mdev, &mvalue, &body);
        FUZZ_CHECK(r == 0 || r == -EINVAL || r == -ENODATA, "blkio_parse_device_line returned %d", r);
        FUZZ_CHECK(r == mr && dev.major == mdev.major && dev.minor == mdev.minor && value == mvalue,
                   "blkio_parse_device_line = %d %u:%u %llu, kernel %d %u:%u %llu", r, dev.major, dev.minor, value, mr,
                   mdev.major, mdev.minor, mvalue);
        if (r == -EINVAL)
                FUZZ_CHECK(!rest && rest_len == SIZE_MAX, "blkio_parse_device_line set the rest on failure");
        else
                FUZZ_CHECK(rest == buf + body && rest_len == len - body, "blkio_parse_device_line rest at %td+%zu, kernel %zu",
                           rest ? rest - buf : -1, rest_len, body);
        r = blkio_parse_device_line(buf, len, &dev, &value, NULL, NULL);
        FUZZ_CHECK(r == mr, "blkio_parse_device_line without the rest returned %d", r);

        for (size_t k = 0; k < ELEMENTSOF(throttle_keys); k++) {
                _cleanup_sb_ struct sbuf want = {};
                char ret[128], small[128];
                strcpy(ret, "sentinel");
                r = blkio_throttle_to_io_max(buf, len, throttle_keys[k], ret, sizeof(ret));
                mr = model_throttle(s, throttle_keys[k], &want);
                FUZZ_CHECK(r == mr, "blkio_throttle_to_io_max(%s) = %d, expected %d", throttle_keys[k], r, mr);
                if (r < 0)
                        continue;
                FUZZ_CHECK(!strcmp(ret, want.data), "blkio_throttle_to_io_max(%s) = \"%s\", expected \"%s\"", throttle_keys[k],
                           esc0(ret), esc0(want.data));
                FUZZ_CHECK(blkio_throttle_to_io_max(buf, len, throttle_keys[k], small, want.len) == -ENAMETOOLONG,
                           "blkio_throttle_to_io_max cut \"%s\"", want.data);

                /* What v1 then reads from io.max, written back, is the same io.max line. */
                _cleanup_text_ struct text v1 = {};
                r = io_max_to_blkio_throttle(ret, throttle_keys[k], &v1);
                FUZZ_CHECK(r == 0, "io_max_to_blkio_throttle(\"%s\") returned %d", ret, r);
                if (mvalue == 0) {
                        FUZZ_CHECK(v1.len == 0, "an unlimited device shows in v1: \"%s\"", esc(v1.data, v1.len));
                        continue;
                }
                FUZZ_CHECK(v1.len > 0 && v1.data[v1.len - 1] == '\n', "io_max_to_blkio_throttle(\"%s\") = \"%s\"", ret,
                           esc(v1.data ? v1.data : "", v1.len));
                char back[128];
                r = blkio_throttle_to_io_max(v1.data, v1.len, throttle_keys[k], back, sizeof(back));
                FUZZ_CHECK(r == 0 && !strcmp(back, ret), "v1 reads \"%s\", which writes back as %d \"%s\", not \"%s\"",
                           esc(v1.data, v1.len), r, esc0(back), ret);
        }
}

/* blkio.weight_device "MAJ:MIN W": 0 or "default" resets the device, 10..1000 is scaled by 1/5. */
static int model_weight_device(const char *s, struct sbuf *out, unsigned long long *ret_weight) {
        struct blkio_device dev;
        unsigned long long w;
        size_t body;
        int r = k_blkg_conf(s, &dev, &w, &body);
        if (r == -ENODATA) {
                _cleanup_free_ char *word = k_strstrip(s + body, strlen(s + body));
                if (strcmp(word, "default"))
                        return -EINVAL;
                w = 0;
        } else if (r < 0)
                return r;
        *ret_weight = w;
        if (w == 0)
                sb_printf(out, "%u:%u default", dev.major, dev.minor);
        else if (w < BLKIO_WEIGHT_MIN || w > BLKIO_WEIGHT_MAX)
                return -ERANGE;
        else
                sb_printf(out, "%u:%u %llu", dev.major, dev.minor, w * 100 / 500);
        return 0;
}

static void fuzz_blkio_weight_device_write(const uint8_t *data, size_t size) {
        size_t len;
        _cleanup_free_ char *buf = write_copy(data, size, &len);
        _cleanup_free_ char *s = cstr(buf, len);
        _cleanup_sb_ struct sbuf want = {};
        unsigned long long weight = 0;
        char ret[128], small[128];

        int r = blkio_weight_device_to_io(buf, len, ret, sizeof(ret));
        int mr = model_weight_device(s, &want, &weight);
        FUZZ_CHECK(r == mr, "blkio_weight_device_to_io = %d, expected %d", r, mr);
        if (r < 0)
                return;
        FUZZ_CHECK(!strcmp(ret, want.data), "blkio_weight_device_to_io = \"%s\", expected \"%s\"", esc0(ret), esc0(want.data));
        FUZZ_CHECK(blkio_weight_device_to_io(buf, len, small, want.len) == -ENAMETOOLONG, "blkio_weight_device_to_io cut \"%s\"",
                   want.data);
        if (weight == 0)
                return;

        /* v1 then reads the weight rounded down to a multiple of 5, which writes back the same io.weight. */
        _cleanup_free_ char *io_weight = NULL;
        if (asprintf(&io_weight, "default 100\n%s\n", ret) < 0)
                abort();
        _cleanup_text_ struct text v1 = {};
        r = io_weight_to_blkio_devices(io_weight, &v1);
        const char *sp = strchr(ret, ' ');
        char want_v1[128];
        snprintf(want_v1, sizeof(want_v1), "%.*s %llu\n", (int) (sp - ret), ret, weight - weight % 5);
        FUZZ_CHECK(r == 0 && same_bytes(v1.data, v1.len, want_v1, strlen(want_v1)), "io.weight \"%s\" reads %d \"%s\", expected \"%s\"",
                   esc0(io_weight), r, esc(v1.data ? v1.data : "", v1.len), esc0(want_v1));
        char back[128];
        r = blkio_weight_device_to_io(v1.data, v1.len, back, sizeof(back));
        FUZZ_CHECK(r == 0 && !strcmp(back, ret), "v1 reads \"%s\", which writes back as %d \"%s\", not \"%s\"",
                   esc(v1.data, v1.len), r, esc0(back), ret);
}

/* io.max as the kernel prints it: "MAJ:MIN rbps=N wbps=max riops=N wiops=max" per device. */
static void fuzz_io_max(const uint8_t *data, size_t size) {
        _cleanup_free_ char *s = cstr(data, size);

        for (size_t k = 0; k < ELEMENTSOF(throttle_keys); k++) {
                _cleanup_text_ struct text out = {};
                _cleanup_sb_ struct sbuf want = {};
                int r = io_max_to_blkio_throttle(s, throttle_keys[k], &out);
                FUZZ_CHECK(r == 0, "io_max_to_blkio_throttle returned %d", r);
                model_io_max_lines(s, throttle_keys[k], &want);
                EXPECT_TEXT(&out, &want, "io_max_to_blkio_throttle(%s)", throttle_keys[k]);
                FUZZ_CHECK(out.len <= strlen(s) + 1, "io_max_to_blkio_throttle made %zu bytes of %zu", out.len, strlen(s));
                if (out.len)
                        FOREACH_LINE(line, n, out.data)
                                if (n)
                                        check_throttle_line_round_trip(line, n, throttle_keys[k]);
        }
}

/* io.weight as the kernel prints it: "default N", then "MAJ:MIN N" per device. */
static int model_io_weight_lines(const char *text, struct sbuf *out) {
        FOREACH_LINE(line, len, text) {
                const char *end = line + len, *dev_end = memchr(line, ' ', len);
                unsigned long long io;
                if (!dev_end)
                        dev_end = end;
                if (dev_end == line || (dev_end - line == 7 && !memcmp(line, "default", 7)))
                        continue;
                const char *v = dev_end;
                while (v < end && k_isspace(*v))
                        v++;
                if (model_kstrtoull(v, (size_t) (end - v), 10, &io) < 0)
                        return -EBADMSG;
                uint64_t w = io >= 200 ? 1000 : io * 5 < 10 ? 10 : io * 5;
                sb_printf(out, "%.*s %" PRIu64 "\n", (int) (dev_end - line), line, w);
        }
        return 0;
}

static void fuzz_io_weight(const uint8_t *data, size_t size) {
        _cleanup_free_ char *s = cstr(data, size);
        _cleanup_text_ struct text out = {};
        _cleanup_sb_ struct sbuf want = {};
        uint64_t def = SENTINEL64, mdef = SENTINEL64;

        int r = io_weight_to_blkio_devices(s, &out);
        int mr = model_io_weight_lines(s, &want);
        FUZZ_CHECK(r == mr, "io_weight_to_blkio_devices returned %d, expected %d", r, mr);
        if (r == 0) {
                EXPECT_TEXT(&out, &want, "io_weight_to_blkio_devices");
                /* Each v1 line, written back and read again, is the same line. */
                if (out.len)
                        FOREACH_LINE(line, n, out.data) {
                                const char *sp = memchr(line, ' ', n);
                                struct blkio_device dev;
                                if (!n || !sp || !canonical_device(line, (size_t) (sp - line), &dev))
                                        continue;
                                char io[128];
                                int k = blkio_weight_device_to_io(line, n, io, sizeof(io));
                                FUZZ_CHECK(k == 0, "v1 line \"%s\" does not write back: %d", esc(line, n), k);
                                _cleanup_free_ char *text = NULL;
                                if (asprintf(&text, "%s\n", io) < 0)
                                        abort();
                                _cleanup_text_ struct text again = {};
                                k = io_weight_to_blkio_devices(text, &again);
                                FUZZ_CHECK(k == 0 && same_bytes(again.data, again.len, line, n + 1),
                                           "v1 line \"%s\" -> \"%s\" -> \"%s\"", esc(line, n + 1), esc0(io),
                                           esc(again.data ? again.data : "", again.len));
                        }
        }
        r = io_weight_default(s, &def);
        mr = model_keyed(s, "default", &mdef);
        FUZZ_CHECK(r == mr && def == mdef, "io_weight_default = %d/%" PRIu64 ", expected %d/%" PRIu64, r, def, mr, mdef);
}

static const char *const io_stat_keys[] = { "rbytes", "wbytes", "rios", "wios", "dbytes", "dios" };

static uint64_t io_stat_value(const struct io_stat_device *d, size_t k) {
        const uint64_t v[] = { d->rbytes, d->wbytes, d->rios, d->wios, d->dbytes, d->dios };
        return v[k];
}

static bool io_stat_equal(const struct io_stat *a, const struct io_stat *b) {
        return a->n == b->n && (a->n == 0 || !memcmp(a->devices, b->devices, a->n * sizeof(a->devices[0])));
}

/* What blkio's statistics files show (MAPPING.md §6.1). */
static void model_blkio_stat(const struct io_stat *s, enum blkio_stat what, struct sbuf *out) {
        uint64_t total = 0;
        for (size_t i = 0; i < s->n; i++) {
                const struct io_stat_device *d = &s->devices[i];
                uint64_t r = 0, w = 0, disc = 0;
                switch (what) {
                case BLKIO_STAT_BYTES:
                        r = d->rbytes, w = d->wbytes, disc = d->dbytes;
                        break;
                case BLKIO_STAT_IOS:
                        r = d->rios, w = d->wios, disc = d->dios;
                        break;
                case BLKIO_STAT_SECTORS:
                        sb_printf(out, "%u:%u %" PRIu64 "\n", d->dev.major, d->dev.minor, (d->rbytes + d->wbytes) / 512);
                        continue;
                case BLKIO_STAT_ZERO_U64:
                        sb_printf(out, "%u:%u 0\n", d->dev.major, d->dev.minor);
                        continue;
                default:
                        break;
                }
                sb_printf(out, "%u:%u Read %" PRIu64 "\n%u:%u Write %" PRIu64 "\n%u:%u Sync %" PRIu64 "\n%u:%u Async 0\n"
                          "%u:%u Discard %" PRIu64 "\n%u:%u Total %" PRIu64 "\n",
                          d->dev.major, d->dev.minor, r, d->dev.major, d->dev.minor, w, d->dev.major, d->dev.minor, r + w,
                          d->dev.major, d->dev.minor, d->dev.major, d->dev.minor, disc, d->dev.major, d->dev.minor,
                          r + w + disc);
                total += r + w + disc;
        }
        if (what == BLKIO_STAT_BYTES || what == BLKIO_STAT_IOS || what == BLKIO_STAT_ZERO_RWSTAT)
                sb_printf(out, "Total %" PRIu64 "\n", total);
}

static void fuzz_io_stat(const uint8_t *data, size_t size) {
        _cleanup_free_ char *s = cstr(data, size);
        struct io_stat_device sentinel_device;
        struct io_stat st = { .devices = &sentinel_device, .n = 12345 }, again = {}, copy = {};
        _cleanup_text_ struct text out = {}, out2 = {};

        int r = io_stat_parse(s, &st);
        FUZZ_CHECK(r == 0 || r == -EBADMSG, "io_stat_parse returned %d", r);
        if (r < 0) {
                FUZZ_CHECK(st.devices == &sentinel_device && st.n == 12345, "io_stat_parse wrote on failure");
                return;
        }
        /* One device per line that starts with a word. */
        size_t lines = 0;
        FOREACH_LINE(line, len, s)
                lines += len > 0 && line[0] != ' ';
        FUZZ_CHECK(st.n == lines, "io_stat_parse: %zu devices from %zu lines", st.n, lines);

        /* io.stat's own syntax: all six keys, which parse back to the same. */
        r = io_stat_format(&st, &out);
        FUZZ_CHECK(r == 0, "io_stat_format returned %d", r);
        _cleanup_sb_ struct sbuf want = {};
        for (size_t i = 0; i < st.n; i++) {
                sb_printf(&want, "%u:%u", st.devices[i].dev.major, st.devices[i].dev.minor);
                for (size_t k = 0; k < ELEMENTSOF(io_stat_keys); k++)
                        sb_printf(&want, " %s=%" PRIu64, io_stat_keys[k], io_stat_value(&st.devices[i], k));
                sb_printf(&want, "\n");
        }
        EXPECT_TEXT(&out, &want, "io_stat_format");
        r = io_stat_parse(out.data, &again);
        FUZZ_CHECK(r == 0 && io_stat_equal(&again, &st), "io_stat_format's text parses back as %d, or other values", r);
        r = io_stat_format(&again, &out2);
        FUZZ_CHECK(r == 0 && same_bytes(out.data, out.len, out2.data, out2.len), "io_stat_format is not stable");

        /* Against itself as the baseline: each device minus its first twin, a counter below it kept. */
        r = io_stat_parse(out.data, &copy);
        FUZZ_CHECK(r == 0, "io_stat_parse of the format returned %d", r);
        io_stat_subtract(&copy, &st);
        for (size_t i = 0; i < st.n; i++) {
                size_t j = 0;
                while (st.devices[j].dev.major != st.devices[i].dev.major || st.devices[j].dev.minor != st.devices[i].dev.minor)
                        j++;
                for (size_t k = 0; k < ELEMENTSOF(io_stat_keys); k++) {
                        uint64_t v = io_stat_value(&st.devices[i], k), b = io_stat_value(&st.devices[j], k);
                        FUZZ_CHECK(io_stat_value(&copy.devices[i], k) == (v >= b ? v - b : v),
                                   "io_stat_subtract %u:%u %s: %" PRIu64 " - %" PRIu64 " = %" PRIu64, st.devices[i].dev.major,
                                   st.devices[i].dev.minor, io_stat_keys[k], v, b, io_stat_value(&copy.devices[i], k));
                }
        }

        static const char *const names[_BLKIO_STAT_MAX] = {
                [BLKIO_STAT_BYTES] = "bytes", [BLKIO_STAT_IOS] = "ios", [BLKIO_STAT_SECTORS] = "sectors",
                [BLKIO_STAT_ZERO_RWSTAT] = "zero_rwstat", [BLKIO_STAT_ZERO_U64] = "zero_u64",
        };
        for (int what = 0; what < _BLKIO_STAT_MAX; what++) {
                _cleanup_text_ struct text v1 = {};
                _cleanup_sb_ struct sbuf v1_want = {};
                FUZZ_CHECK(blkio_stat_from_string(names[what]) == what, "blkio_stat_from_string(%s)", names[what]);
                r = blkio_stat_format(&st, what, &v1);
                FUZZ_CHECK(r == 0, "blkio_stat_format(%s) returned %d", names[what], r);
                model_blkio_stat(&st, what, &v1_want);
                EXPECT_TEXT(&v1, &v1_want, "blkio_stat_format(%s)", names[what]);
        }
        FUZZ_CHECK(blkio_stat_from_string(s) == -EINVAL || !strcmp(s, names[blkio_stat_from_string(s)]),
                   "blkio_stat_from_string(\"%s\")", esc0(s));

        io_stat_free(&st);
        FUZZ_CHECK(st.devices == NULL && st.n == 0, "io_stat_free left %zu devices", st.n);
        io_stat_free(&again);
        io_stat_free(&copy);
}

/* ---------------------------------------------------------------------------------------------
 * pids.max, freezer.state, hugetlb limits and size names, net_cls.classid, net_prio.ifpriomap
 */

/* pids_max_write(): strstrip(); "max", or kstrtoll(base 0) in 0..PID_MAX_LIMIT. */
static int model_pids_max(const char *buf, size_t len, char *ret, size_t size) {
        _cleanup_free_ char *s = k_strstrip(buf, len);
        long long limit;

        if (!strcmp(s, "max")) {
                snprintf(ret, size, "max");
                return 0;
        }
        int r = model_kstrtoll(s, strlen(s), 0, &limit);
        if (r < 0)
                return r;
        if (limit < 0 || limit > PIDS_LIMIT_MAX)
                return -EINVAL;
        snprintf(ret, size, "%lld", limit);
        return 0;
}

static void fuzz_pids_max_write(const uint8_t *data, size_t size) {
        size_t len;
        _cleanup_free_ char *buf = write_copy(data, size, &len);
        char ret[32] = "sentinel", want[32] = "sentinel", again[32], small[32];

        int r = pids_max_to_v2(buf, len, ret, sizeof(ret));
        int mr = model_pids_max(buf, len, want, sizeof(want));
        FUZZ_CHECK(r == 0 || r == -EINVAL || r == -ERANGE, "pids_max_to_v2 returned %d", r);
        FUZZ_CHECK(r == mr && (r < 0 || !strcmp(ret, want)), "pids_max_to_v2 = %d \"%s\", kernel %d \"%s\"", r, esc0(ret), mr,
                   esc0(want));
        if (r < 0)
                return;
        /* v2's text is a v1 write of the same limit. */
        r = pids_max_to_v2(ret, strlen(ret), again, sizeof(again));
        FUZZ_CHECK(r == 0 && !strcmp(again, ret), "pids.max \"%s\" written again: %d \"%s\"", ret, r, esc0(again));
        FUZZ_CHECK(pids_max_to_v2(buf, len, small, strlen(want)) == -ENAMETOOLONG, "pids_max_to_v2 cut \"%s\"", want);
}

static void fuzz_freezer_write(const uint8_t *data, size_t size) {
        size_t len;
        _cleanup_free_ char *buf = write_copy(data, size, &len);
        _cleanup_free_ char *s = k_strstrip(buf, len);
        bool freeze = false, sentinel = true;

        /* freezer_write(): strstrip(), then exactly one of the state names one may ask for. */
        int mr = !strcmp(s, "FROZEN") ? 1 : !strcmp(s, "THAWED") ? 0 : -EINVAL;
        freeze = sentinel;
        int r = freezer_state_parse(buf, len, &freeze);
        if (mr < 0)
                FUZZ_CHECK(r == -EINVAL && freeze == sentinel, "freezer_state_parse(\"%s\") = %d", esc(buf, len), r);
        else
                FUZZ_CHECK(r == 0 && freeze == (mr == 1), "freezer_state_parse(\"%s\") = %d/%d", esc(buf, len), r, freeze);
        freeze = !sentinel;
        r = freezer_state_parse(buf, len, &freeze);
        FUZZ_CHECK(mr >= 0 || freeze == !sentinel, "freezer_state_parse wrote on failure");

        /* What freezer.state reads, and what it reads writes back (FREEZING is no write). */
        for (int self = 0; self <= 1; self++)
                for (int parent = 0; parent <= 1; parent++)
                        for (int frozen = 0; frozen <= 1; frozen++) {
                                enum freezer_state st = freezer_state_of(self, parent, frozen);
                                enum freezer_state want = !self && !parent ? FREEZER_THAWED
                                                          : frozen          ? FREEZER_FROZEN
                                                                            : FREEZER_FREEZING;
                                FUZZ_CHECK(st == want, "freezer_state_of(%d, %d, %d) = %d", self, parent, frozen, st);
                                const char *name = freezer_state_to_string(st);
                                bool f;
                                r = freezer_state_parse(name, strlen(name), &f);
                                FUZZ_CHECK(st == FREEZER_FREEZING ? r == -EINVAL : r == 0 && f == (st == FREEZER_FROZEN),
                                           "freezer.state \"%s\" written back: %d", name, r);
                        }
}

/* mm/hugetlb_cgroup.c mem_fmt(): how the kernel names a huge page size in file names. */
static void k_mem_fmt(char *buf, size_t size, uint64_t hsize) {
        if (hsize >= 1ULL << 30)
                snprintf(buf, size, "%" PRIu64 "GB", hsize >> 30);
        else if (hsize >= 1ULL << 20)
                snprintf(buf, size, "%" PRIu64 "MB", hsize >> 20);
        else
                snprintf(buf, size, "%" PRIu64 "KB", hsize >> 10);
}

static void fuzz_hugetlb_write(const uint8_t *data, size_t size) {
        size_t len;
        _cleanup_free_ char *buf = write_copy(data, size, &len);

        for (size_t h = 0; h < ELEMENTSOF(huge_sizes); h++) {
                uint64_t page = huge_sizes[h].page, huge = huge_sizes[h].huge_page, per = huge / page, pages = SENTINEL64;
                uint64_t unlimited = k_hugetlb_unlimited(page, huge);
                char ret[32] = "sentinel", want[32], again[32], small[32];

                FUZZ_CHECK(hugetlb_unlimited(page, huge) == unlimited, "hugetlb_unlimited(%" PRIu64 ", %" PRIu64 ") = %" PRIu64,
                           page, huge, hugetlb_unlimited(page, huge));
                /* hugetlb_cgroup_write(): page_counter_memparse(), then round_down() to whole huge pages. */
                int r = hugetlb_limit_to_v2(buf, len, page, huge, ret, sizeof(ret));
                int mr = k_page_counter_memparse(buf, len, page, &pages);
                FUZZ_CHECK(r == mr, "hugetlb_limit_to_v2 = %d, kernel %d", r, mr);
                if (r < 0)
                        continue;
                pages = pages / per * per;
                if (pages * page == unlimited)
                        snprintf(want, sizeof(want), "max");
                else
                        snprintf(want, sizeof(want), "%" PRIu64, pages * page);
                FUZZ_CHECK(!strcmp(ret, want), "hugetlb_limit_to_v2 (%" PRIu64 "/%" PRIu64 ") = \"%s\", expected \"%s\"", page,
                           huge, esc0(ret), want);
                FUZZ_CHECK(hugetlb_limit_to_v2(buf, len, page, huge, small, strlen(want)) == -ENAMETOOLONG,
                           "hugetlb_limit_to_v2 cut \"%s\"", want);

                /* v1 reads whole huge pages, never above unlimited; that value written again gives the same v2 text. */
                uint64_t v1 = SENTINEL64;
                r = hugetlb_limit_from_v2(ret, page, huge, &v1);
                FUZZ_CHECK(r == 0 && v1 % huge == 0 && v1 <= unlimited && v1 == pages * page,
                           "hugetlb.max \"%s\" reads %d/%" PRIu64, ret, r, v1);
                char v1_text[32];
                int n = snprintf(v1_text, sizeof(v1_text), "%" PRIu64 "\n", v1);
                r = hugetlb_limit_to_v2(v1_text, (size_t) n, page, huge, again, sizeof(again));
                FUZZ_CHECK(r == 0 && !strcmp(again, ret), "v1 reads %" PRIu64 ", which writes back as %d \"%s\", not \"%s\"", v1,
                           r, esc0(again), ret);
        }

        /* The same bytes as a huge page size name ("2MB"). */
        uint64_t hsize = SENTINEL64, want = 0;
        int r = hugetlb_size_parse(buf, len, &hsize);
        bool valid = len >= 3;
        unsigned shift = 0;
        if (valid) {
                const char *unit = buf + len - 2;
                shift = !memcmp(unit, "KB", 2) ? 10 : !memcmp(unit, "MB", 2) ? 20 : !memcmp(unit, "GB", 2) ? 30 : 0;
                valid = shift && decimal_u64(buf, len - 2, &want) && want != 0 && want <= UINT64_MAX >> shift;
        }
        FUZZ_CHECK(valid ? r == 0 && hsize == want << shift : r == -EINVAL && hsize == SENTINEL64,
                   "hugetlb_size_parse(\"%s\") = %d/%" PRIu64, esc(buf, len), r, hsize);
        if (r == 0) {
                /* The kernel's name of that size names it again, or a smaller one when the unit cuts a fraction off. */
                char name[32];
                uint64_t back = SENTINEL64;
                k_mem_fmt(name, sizeof(name), hsize);
                r = hugetlb_size_parse(name, strlen(name), &back);
                uint64_t unit = hsize >= 1ULL << 30 ? 1ULL << 30 : hsize >= 1ULL << 20 ? 1ULL << 20 : 1ULL << 10;
                FUZZ_CHECK(r == 0 && back == hsize / unit * unit, "size %" PRIu64 " named \"%s\" parses as %d/%" PRIu64, hsize,
                           name, r, back);
        }
}

static void fuzz_classid_write(const uint8_t *data, size_t size) {
        size_t len;
        _cleanup_free_ char *buf = write_copy(data, size, &len);
        unsigned long long v;
        uint32_t id = SENTINEL32;

        /* A write_u64 file: kstrtoull(buf, 0) of the unstripped bytes; write_classid() keeps (u32) of it. */
        int mr = model_kstrtoull(buf, len, 0, &v);
        int r = classid_parse(buf, len, &id);
        FUZZ_CHECK(r == mr && (r < 0 ? id == SENTINEL32 : id == (uint32_t) v), "classid_parse = %d/%" PRIu32 ", kernel %d/%llu",
                   r, id, mr, mr < 0 ? 0 : v);
        if (r < 0)
                return;
        char again[16];
        uint32_t back = SENTINEL32;
        int n = snprintf(again, sizeof(again), "%" PRIu32 "\n", id);
        r = classid_parse(again, (size_t) n, &back);
        FUZZ_CHECK(r == 0 && back == id, "net_cls.classid reads %" PRIu32 ", which writes back as %d/%" PRIu32, id, r, back);
}

static void fuzz_ifpriomap_write(const uint8_t *data, size_t size) {
        size_t len;
        _cleanup_free_ char *buf = write_copy(data, size, &len);
        _cleanup_free_ char *s = cstr(buf, len);
        char name[IFPRIOMAP_NAME_MAX + 1], mname[IFPRIOMAP_NAME_MAX + 1];
        uint32_t prio = SENTINEL32, mprio = SENTINEL32;

        int r = ifpriomap_parse(buf, len, name, &prio);
        int mr = k_scan_priomap(s, mname, &mprio);
        FUZZ_CHECK(r == 0 || r == -EINVAL, "ifpriomap_parse returned %d", r);
        FUZZ_CHECK(r == mr && prio == mprio, "ifpriomap_parse = %d/%" PRIu32 ", kernel %d/%" PRIu32, r, prio, mr, mprio);
        if (r < 0)
                return;
        FUZZ_CHECK(!strcmp(name, mname), "ifpriomap_parse name \"%s\", kernel \"%s\"", esc0(name), esc0(mname));
        FUZZ_CHECK(strlen(name) <= IFPRIOMAP_NAME_MAX, "ifpriomap_parse name of %zu bytes", strlen(name));
        for (const char *p = name; *p; p++)
                FUZZ_CHECK(!k_isspace(*p), "ifpriomap_parse name with a space");

        /* What net_prio.ifpriomap reads ("NAME PRIO") writes back the same. */
        char line[64], name2[IFPRIOMAP_NAME_MAX + 1];
        uint32_t prio2 = SENTINEL32;
        int n = snprintf(line, sizeof(line), "%s %" PRIu32 "\n", name, prio);
        r = ifpriomap_parse(line, (size_t) n, name2, &prio2);
        FUZZ_CHECK(r == 0 && !strcmp(name2, name) && prio2 == prio, "\"%s\" written back: %d \"%s\" %" PRIu32, esc0(line), r,
                   esc0(name2), prio2);
}

/*
 * The priorities kept for a group ("IFINDEX PRIO" lines): the bytes as set operations of
 * 3 bytes (interface, priority low byte, flags) against an ordered model; then the bytes as a
 * kept map, whatever is in it.
 */
#define PRIOMAP_IFINDEXES 64

static unsigned priomap_ifindex(uint8_t b) {
        static const unsigned special[] = { 4294967295u, 2147483648u, 1000000007u, 65536u };
        return b < PRIOMAP_IFINDEXES - ELEMENTSOF(special) ? b + 1u : special[b % ELEMENTSOF(special)];
}

struct priomap_model {
        unsigned ifindex[PRIOMAP_IFINDEXES];
        uint32_t prio[PRIOMAP_IFINDEXES];
        size_t n;
};

static uint32_t model_priomap_get(const struct priomap_model *m, unsigned ifindex) {
        for (size_t i = 0; i < m->n; i++)
                if (m->ifindex[i] == ifindex)
                        return m->prio[i];
        return 0;
}

/* write_priomap() keeps one priority per device; a new one goes last, 0 drops it (our map's order). */
static void model_priomap_set(struct priomap_model *m, unsigned ifindex, uint32_t prio) {
        for (size_t i = 0; i < m->n; i++)
                if (m->ifindex[i] == ifindex) {
                        memmove(&m->ifindex[i], &m->ifindex[i + 1], (m->n - i - 1) * sizeof(m->ifindex[0]));
                        memmove(&m->prio[i], &m->prio[i + 1], (m->n - i - 1) * sizeof(m->prio[0]));
                        m->n--;
                        break;
                }
        if (prio) {
                m->ifindex[m->n] = ifindex;
                m->prio[m->n++] = prio;
        }
}

static void model_priomap_text(const struct priomap_model *m, struct sbuf *out) {
        sb_printf(out, "%s", "");
        for (size_t i = 0; i < m->n; i++)
                sb_printf(out, "%u %" PRIu32 "\n", m->ifindex[i], m->prio[i]);
}

static void fuzz_priomap(const uint8_t *data, size_t size) {
        static char map[8192], next[8192];
        struct priomap_model model = {}, before;

        map[0] = 0;
        for (size_t i = 0; i + 3 <= size; i += 3) {
                unsigned ifindex = priomap_ifindex(data[i] % PRIOMAP_IFINDEXES);
                uint32_t prio = data[i + 1] | (data[i + 2] & 0x40 ? 0xFFFFFF00u : 0);
                size_t room = data[i + 2] & 0x80 ? (size_t) (data[i + 2] & 0x3f) + 1 : sizeof(next);
                _cleanup_sb_ struct sbuf want = {};

                before = model;
                model_priomap_set(&model, ifindex, prio);
                model_priomap_text(&model, &want);
                memset(next, 'X', sizeof(next));
                int r = priomap_set(map, ifindex, prio, next, room);
                if (want.len + 1 > room) {
                        FUZZ_CHECK(r == -ENOSPC && next[0] == 0, "priomap_set of %zu bytes into %zu: %d", want.len, room, r);
                        model = before; /* the row keeps the old map */
                        continue;
                }
                FUZZ_CHECK(r == 0 && !strcmp(next, want.data), "priomap_set(\"%s\", %u, %" PRIu32 ") = %d \"%s\", expected \"%s\"",
                           esc0(map), ifindex, prio, r, esc0(next), esc0(want.data));
                memcpy(map, next, want.len + 1);
                for (size_t k = 0; k < PRIOMAP_IFINDEXES; k += 7) {
                        unsigned x = priomap_ifindex((uint8_t) k);
                        FUZZ_CHECK(priomap_get(map, x) == model_priomap_get(&model, x), "priomap_get(\"%s\", %u) = %" PRIu32,
                                   esc0(map), x, priomap_get(map, x));
                }
                FUZZ_CHECK(priomap_get(map, ifindex) == prio, "priomap_get(%u) = %" PRIu32 " after setting %" PRIu32, ifindex,
                           priomap_get(map, ifindex), prio);
        }

        /* Any kept text: a set reads back, and what is written is lines "IFINDEX PRIO" of non-zero priorities. */
        _cleanup_free_ char *raw = cstr(data, size);
        for (unsigned k = 0; k < 4; k++) {
                unsigned ifindex = priomap_ifindex((uint8_t) (size + k * 17));
                uint32_t prio = k == 0 ? 0 : (uint32_t) size * 2654435761u + k;
                int r = priomap_set(raw, ifindex, prio, next, sizeof(next));
                FUZZ_CHECK(r == 0 || r == -ENOSPC, "priomap_set on kept text returned %d", r);
                if (r < 0) {
                        FUZZ_CHECK(next[0] == 0, "priomap_set left text on -ENOSPC");
                        continue;
                }
                FUZZ_CHECK(priomap_get(next, ifindex) == prio, "priomap_get(%u) = %" PRIu32 " after setting %" PRIu32 " in \"%s\"",
                           ifindex, priomap_get(next, ifindex), prio, esc0(raw));
                FOREACH_LINE(line, len, next) {
                        unsigned a;
                        uint32_t b;
                        char tail;
                        if (!len && !_nl)
                                break;
                        FUZZ_CHECK(sscanf(line, "%u %" SCNu32 "%c", &a, &b, &tail) == 3 && tail == '\n' && b != 0,
                                   "priomap_set wrote line \"%s\"", esc(line, len));
                }
        }
}

/* ---------------------------------------------------------------------------------------------
 * devices.allow / devices.deny: the parser, the emulator against a model of
 * security/device_cgroup.c over a three-level hierarchy, devices.list, the kept state
 */

static char type_char(uint8_t type) {
        return type == DEVICE_CHAR ? 'c' : type == DEVICE_BLOCK ? 'b' : 'X';
}

/* devcgroup_seq_show()'s line for one exception (set_majmin(), set_access()). */
static void k_format_exception(const struct device_exception *ex, struct sbuf *out) {
        char major[16] = "*", minor[16] = "*";
        if (ex->major != DEVICE_ANY)
                snprintf(major, sizeof(major), "%u", ex->major);
        if (ex->minor != DEVICE_ANY)
                snprintf(minor, sizeof(minor), "%u", ex->minor);
        sb_printf(out, "%c %s:%s %s%s%s\n", type_char(ex->type), major, minor, ex->access & DEVICE_READ ? "r" : "",
                  ex->access & DEVICE_WRITE ? "w" : "", ex->access & DEVICE_MKNOD ? "m" : "");
}

static bool same_exception(const struct device_exception *a, const struct device_exception *b) {
        return a->type == b->type && a->major == b->major && a->minor == b->minor && a->access == b->access;
}

static bool same_devices(const struct device_exception *a, const struct device_exception *b) {
        return a->type == b->type && a->major == b->major && a->minor == b->minor;
}

static bool same_rules(const struct device_rules *a, const struct device_rules *b) {
        if (a->allow_all != b->allow_all || a->n != b->n)
                return false;
        for (size_t i = 0; i < a->n; i++)
                if (!same_exception(&a->exceptions[i], &b->exceptions[i]))
                        return false;
        return true;
}

/* A group's state: what devices.list shows, what is kept and read back, what permit() says of it. */
static void check_device_state(const struct device_rules *r) {
        _cleanup_text_ struct text kept = {}, kept2 = {}, list = {};
        _cleanup_sb_ struct sbuf want = {};
        struct device_rules back, copy;

        FUZZ_CHECK(device_rules_is_default(r) == (r->allow_all && r->n == 0), "device_rules_is_default");

        int k = device_rules_serialize(r, &kept);
        FUZZ_CHECK(k == 0, "device_rules_serialize returned %d", k);
        sb_printf(&want, "%s\n", r->allow_all ? "allow" : "deny");
        for (size_t i = 0; i < r->n; i++)
                k_format_exception(&r->exceptions[i], &want);
        EXPECT_TEXT(&kept, &want, "device_rules_serialize");
        k = device_rules_deserialize(kept.data, kept.len, &back);
        FUZZ_CHECK(k == 0 && same_rules(&back, r), "the kept state \"%s\" reads back as %d, or another state",
                   esc(kept.data, kept.len), k);
        k = device_rules_serialize(&back, &kept2);
        FUZZ_CHECK(k == 0 && same_bytes(kept.data, kept.len, kept2.data, kept2.len), "device_rules_serialize is not stable");
        device_rules_done(&back);

        /* devices.list: everything while allowing all, else the exceptions; each line written back is that exception. */
        k = device_rules_format_list(r, &list);
        FUZZ_CHECK(k == 0, "device_rules_format_list returned %d", k);
        sb_free(&want);
        if (r->allow_all)
                sb_printf(&want, "a *:* rwm\n");
        else
                for (size_t i = 0; i < r->n; i++)
                        k_format_exception(&r->exceptions[i], &want);
        EXPECT_TEXT(&list, &want, "device_rules_format_list");
        if (!r->allow_all) {
                size_t i = 0;
                if (list.len)
                        FOREACH_LINE(line, len, list.data) {
                                if (!len && !_nl)
                                        break;
                                const struct device_exception *ex = &r->exceptions[i++];
                                if (ex->access == 0)
                                        continue; /* "c 1:3 " strips to "c 1:3": the kernel's list has the same line */
                                struct device_rule rule;
                                k = device_rule_parse(line, len + 1, &rule);
                                FUZZ_CHECK(k == 0 && !rule.all && same_exception(&rule.exception, ex),
                                           "devices.list line \"%s\" written back: %d", esc(line, len), k);
                        }
        }

        /* Each exception is what it says: denied while allowing all, allowed while denying. */
        for (size_t i = 0; i < r->n; i++) {
                const struct device_exception *ex = &r->exceptions[i];
                for (size_t j = 0; j < i; j++)
                        FUZZ_CHECK(!same_devices(ex, &r->exceptions[j]), "two exceptions for %c %u:%u", type_char(ex->type),
                                   ex->major, ex->minor);
                if (ex->access == 0)
                        continue;
                bool permit = device_rules_permit(r, ex->type, ex->major, ex->minor, ex->access);
                FUZZ_CHECK(permit == !r->allow_all, "device_rules_permit(%c %u:%u %u) = %d while %s",
                           type_char(ex->type), ex->major, ex->minor, ex->access, permit, r->allow_all ? "allowing" : "denying");
        }

        device_rules_init(&copy);
        k = device_rules_copy(&copy, r);
        FUZZ_CHECK(k == 0 && same_rules(&copy, r), "device_rules_copy returned %d, or another state", k);
        device_rules_done(&copy);
}

static void check_device_rule_written_back(const struct device_rule *rule) {
        struct device_rules r;
        _cleanup_text_ struct text list = {};
        struct device_rule again;

        if (!rule->all && rule->exception.access == 0)
                return;
        device_rules_init(&r);
        if (!rule->all) {
                r.allow_all = false;
                r.exceptions = (struct device_exception *) &rule->exception;
                r.n = 1;
        }
        int k = device_rules_format_list(&r, &list);
        FUZZ_CHECK(k == 0, "device_rules_format_list returned %d", k);
        memset(&again, 0xA5, sizeof(again));
        k = device_rule_parse(list.data, list.len, &again);
        FUZZ_CHECK(k == 0 && again.all == rule->all && (rule->all || same_exception(&again.exception, &rule->exception)),
                   "devices.list \"%s\" written back: %d", esc(list.data, list.len), k);
}

static void fuzz_device_rule_write(const uint8_t *data, size_t size) {
        size_t len;
        _cleanup_free_ char *buf = write_copy(data, size, &len);
        _cleanup_free_ char *s = k_strstrip(buf, len);
        struct device_rule got, want, sentinel;

        memset(&sentinel, 0xA5, sizeof(sentinel));
        got = sentinel;
        int r = device_rule_parse(buf, len, &got);
        int mr = k_devcg_parse(s, &want);
        FUZZ_CHECK(r == 0 || r == -EINVAL, "device_rule_parse returned %d", r);
        FUZZ_CHECK(r == mr, "device_rule_parse = %d, kernel %d", r, mr);
        if (r < 0) {
                FUZZ_CHECK(!memcmp(&got, &sentinel, sizeof(got)), "device_rule_parse wrote on failure");
                return;
        }
        FUZZ_CHECK(got.all == want.all && same_exception(&got.exception, &want.exception),
                   "device_rule_parse: all %d %c %u:%u access %u, kernel all %d %c %u:%u access %u", got.all,
                   type_char(got.exception.type), got.exception.major, got.exception.minor, got.exception.access, want.all,
                   type_char(want.exception.type), want.exception.major, want.exception.minor, want.exception.access);
        FUZZ_CHECK(got.all || ((got.exception.type == DEVICE_BLOCK || got.exception.type == DEVICE_CHAR) &&
                               !(got.exception.access & ~DEVICE_RWM)),
                   "device_rule_parse: type %u access %u", got.exception.type, got.exception.access);
        check_device_rule_written_back(&got);
}

/* security/device_cgroup.c, in its shape: a group's behaviour and its exception list. */
#define K_DEVCG_EXCEPTIONS_MAX 4096

struct k_devcg {
        bool allow; /* DEVCG_DEFAULT_ALLOW */
        size_t n;
        struct device_exception ex[K_DEVCG_EXCEPTIONS_MAX];
};

/* Top (the view's top group, no parent), middle, leaf. */
#define DEVCG_LEVELS 3
static struct k_devcg k_groups[DEVCG_LEVELS];
static struct device_rules groups[DEVCG_LEVELS];
static bool online[DEVCG_LEVELS];

static struct k_devcg *k_parent(int g) {
        return g > 0 ? &k_groups[g - 1] : NULL;
}

static void k_exception_add(struct k_devcg *d, const struct device_exception *ex) {
        bool merged = false;
        for (size_t i = 0; i < d->n; i++)
                if (same_devices(&d->ex[i], ex)) {
                        d->ex[i].access |= ex->access;
                        merged = true;
                }
        if (merged)
                return;
        FUZZ_CHECK(d->n < K_DEVCG_EXCEPTIONS_MAX, "model: too many exceptions");
        d->ex[d->n++] = *ex;
}

static void k_exception_rm(struct k_devcg *d, const struct device_exception *ex) {
        for (size_t i = 0; i < d->n; i++) {
                if (!same_devices(&d->ex[i], ex))
                        continue;
                d->ex[i].access &= (uint8_t) ~ex->access;
                if (!d->ex[i].access) {
                        memmove(&d->ex[i], &d->ex[i + 1], (d->n - i - 1) * sizeof(d->ex[0]));
                        d->n--;
                        i--;
                }
        }
}

static bool k_match_exception(const struct k_devcg *d, uint8_t type, uint32_t major, uint32_t minor, uint8_t access) {
        for (size_t i = 0; i < d->n; i++) {
                const struct device_exception *ex = &d->ex[i];
                if ((type & DEVICE_BLOCK) && !(ex->type & DEVICE_BLOCK))
                        continue;
                if ((type & DEVICE_CHAR) && !(ex->type & DEVICE_CHAR))
                        continue;
                if (ex->major != DEVICE_ANY && ex->major != major)
                        continue;
                if (ex->minor != DEVICE_ANY && ex->minor != minor)
                        continue;
                if (access & ~ex->access)
                        continue;
                return true;
        }
        return false;
}

static bool k_match_exception_partial(const struct k_devcg *d, uint8_t type, uint32_t major, uint32_t minor,
                                      uint8_t access) {
        for (size_t i = 0; i < d->n; i++) {
                const struct device_exception *ex = &d->ex[i];
                if ((type & DEVICE_BLOCK) && !(ex->type & DEVICE_BLOCK))
                        continue;
                if ((type & DEVICE_CHAR) && !(ex->type & DEVICE_CHAR))
                        continue;
                if (ex->major != DEVICE_ANY && major != DEVICE_ANY && ex->major != major)
                        continue;
                if (ex->minor != DEVICE_ANY && minor != DEVICE_ANY && ex->minor != minor)
                        continue;
                if (!(access & ex->access))
                        continue;
                return true;
        }
        return false;
}

static bool k_verify_new_ex(const struct k_devcg *d, const struct device_exception *ex, bool child_allow) {
        if (d->allow) {
                if (child_allow)
                        return true;
                return !k_match_exception_partial(d, ex->type, ex->major, ex->minor, ex->access);
        }
        return k_match_exception(d, ex->type, ex->major, ex->minor, ex->access);
}

static bool k_parent_has_perm(int g, const struct device_exception *ex) {
        return !k_parent(g) || k_verify_new_ex(k_parent(g), ex, k_groups[g].allow);
}

static bool k_parent_allows_removal(int g, const struct device_exception *ex) {
        if (!k_parent(g) || !k_groups[g].allow)
                return true;
        return !k_match_exception_partial(k_parent(g), ex->type, ex->major, ex->minor, ex->access);
}

static void k_revalidate_active_exceptions(int g) {
        struct k_devcg *d = &k_groups[g];
        for (size_t i = 0; i < d->n; i++)
                if (!k_parent_has_perm(g, &d->ex[i])) {
                        struct device_exception ex = d->ex[i];
                        size_t n = d->n;
                        k_exception_rm(d, &ex);
                        i -= n - d->n;
                }
}

static void k_propagate_exception(int g, const struct device_exception *ex) {
        for (int d = g + 1; d < DEVCG_LEVELS && online[d]; d++) {
                if (k_groups[g].allow && k_groups[d].allow)
                        k_exception_add(&k_groups[d], ex);
                else
                        k_exception_rm(&k_groups[d], ex);
                k_revalidate_active_exceptions(d);
        }
}

static int k_devcgroup_update_access(int g, enum device_file file, const struct device_rule *rule) {
        struct k_devcg *d = &k_groups[g], *parent = k_parent(g);
        bool has_children = g + 1 < DEVCG_LEVELS && online[g + 1];
        const struct device_exception *ex = &rule->exception;

        if (rule->all) {
                if (has_children)
                        return -EINVAL;
                if (file == DEVICE_FILE_DENY) {
                        d->n = 0;
                        d->allow = false;
                        return 0;
                }
                if (parent && !parent->allow) /* may_allow_all() */
                        return -EPERM;
                d->n = 0;
                if (parent) {
                        memcpy(d->ex, parent->ex, parent->n * sizeof(d->ex[0]));
                        d->n = parent->n;
                }
                d->allow = true;
                return 0;
        }
        if (file == DEVICE_FILE_ALLOW) {
                if (!k_parent_has_perm(g, ex))
                        return -EPERM;
                if (d->allow) {
                        if (!k_parent_allows_removal(g, ex))
                                return -EPERM;
                        k_exception_rm(d, ex);
                        return 0;
                }
                k_exception_add(d, ex);
                return 0;
        }
        if (!d->allow)
                k_exception_rm(d, ex);
        else
                k_exception_add(d, ex);
        k_propagate_exception(g, ex);
        return 0;
}

static bool same_as_kernel(const struct device_rules *r, const struct k_devcg *k) {
        if (r->allow_all != k->allow || r->n != k->n)
                return false;
        for (size_t i = 0; i < r->n; i++)
                if (!same_exception(&r->exceptions[i], &k->ex[i]))
                        return false;
        return true;
}

static void check_groups_against_kernel(const char *after) {
        for (int g = 0; g < DEVCG_LEVELS; g++)
                if (online[g]) {
                        if (same_as_kernel(&groups[g], &k_groups[g]))
                                continue;
                        _cleanup_text_ struct text got = {};
                        _cleanup_sb_ struct sbuf want = {};
                        device_rules_serialize(&groups[g], &got);
                        sb_printf(&want, "%s\n", k_groups[g].allow ? "allow" : "deny");
                        for (size_t i = 0; i < k_groups[g].n; i++)
                                k_format_exception(&k_groups[g].ex[i], &want);
                        EXPECT_TEXT(&got, &want, "group %d after %s", g, after);
                }
}

/*
 * Writes separated by NUL. A write's first byte: bit 0 devices.deny (else devices.allow), bits 1-2
 * the group (top, middle, leaf; 3 is the leaf), bit 3 instead removes the group (and what is
 * below it) or creates it (from its parent's state, as devcgroup_online() does).
 */
static void fuzz_device_emulator(const uint8_t *data, size_t size) {
        for (int g = 0; g < DEVCG_LEVELS; g++) {
                device_rules_init(&groups[g]);
                k_groups[g].allow = true;
                k_groups[g].n = 0;
                online[g] = true;
        }

        for (size_t pos = 0; pos < size;) {
                const uint8_t *nul = memchr(data + pos, 0, size - pos);
                size_t end = nul ? (size_t) (nul - data) : size, wlen = end - pos;
                const uint8_t *w = data + pos;
                pos = end + 1;
                if (wlen == 0)
                        continue;

                uint8_t ctl = w[0];
                int g = (ctl >> 1) & 3;
                if (g == 3)
                        g = 2;
                enum device_file file = ctl & 1 ? DEVICE_FILE_DENY : DEVICE_FILE_ALLOW;

                if (ctl & 8) {
                        if (g == 0)
                                continue;
                        if (online[g]) {
                                for (int d = g; d < DEVCG_LEVELS; d++)
                                        if (online[d]) {
                                                device_rules_done(&groups[d]);
                                                online[d] = false;
                                        }
                        } else if (online[g - 1]) {
                                device_rules_init(&groups[g]);
                                int k = device_rules_copy(&groups[g], &groups[g - 1]);
                                FUZZ_CHECK(k == 0, "device_rules_copy returned %d", k);
                                memcpy(&k_groups[g], &k_groups[g - 1], sizeof(k_groups[g]));
                                online[g] = true;
                                check_groups_against_kernel("creating a group");
                        }
                        continue;
                }
                if (!online[g])
                        continue;

                _cleanup_free_ char *buf = fuzz_exact_copy(w + 1, wlen - 1);
                struct device_rule rule;
                if (device_rule_parse(buf, wlen - 1, &rule) < 0)
                        continue;

                struct device_rules before;
                device_rules_init(&before);
                FUZZ_CHECK(device_rules_copy(&before, &groups[g]) == 0, "device_rules_copy");
                bool has_children = g + 1 < DEVCG_LEVELS && online[g + 1];
                int k = device_rules_update(&groups[g], g > 0 ? &groups[g - 1] : NULL, has_children, file, &rule);
                int mk = k_devcgroup_update_access(g, file, &rule);
                FUZZ_CHECK(k == 0 || k == -EINVAL || k == -EPERM, "device_rules_update returned %d", k);
                FUZZ_CHECK(k == mk, "device_rules_update(group %d, %s \"%s\") = %d, kernel %d", g,
                           file == DEVICE_FILE_DENY ? "deny" : "allow", esc(buf, wlen - 1), k, mk);
                if (k < 0)
                        FUZZ_CHECK(same_rules(&groups[g], &before), "device_rules_update failed with %d and changed the group", k);
                device_rules_done(&before);

                if (k == 0 && file == DEVICE_FILE_DENY && !rule.all)
                        for (int d = g + 1; d < DEVCG_LEVELS && online[d]; d++) {
                                int p = device_rules_propagate(&groups[d], &groups[d - 1], &groups[g], &rule.exception);
                                FUZZ_CHECK(p == 0, "device_rules_propagate returned %d", p);
                        }
                check_groups_against_kernel(file == DEVICE_FILE_DENY ? "a write to devices.deny" : "a write to devices.allow");
                if (k == 0)
                        for (int d = g; d < DEVCG_LEVELS && online[d]; d++)
                                check_device_state(&groups[d]);
        }

        for (int g = 0; g < DEVCG_LEVELS; g++)
                if (online[g]) {
                        check_device_state(&groups[g]);
                        device_rules_done(&groups[g]);
                        FUZZ_CHECK(groups[g].exceptions == NULL && groups[g].n == 0, "device_rules_done left exceptions");
                }
}

/* The kept text, by its grammar: "allow" or "deny", then lines "[bc] (\*|N):(\*|N) [rwm]*", N < 2^32 - 1. */
static const char *scan_kept_number(const char *p, const char *end, uint32_t *ret) {
        uint64_t v = 0;
        const char *start = p;

        if (p < end && *p == '*') {
                *ret = DEVICE_ANY;
                return p + 1;
        }
        for (; p < end && k_isdigit(*p); p++) {
                v = v * 10 + (unsigned) (*p - '0');
                if (v >= DEVICE_ANY)
                        v = DEVICE_ANY; /* too large: stays so */
        }
        if (p == start || v >= DEVICE_ANY)
                return NULL;
        *ret = (uint32_t) v;
        return p;
}

static bool scan_kept_exception(const char *p, const char *end, struct device_exception *ret) {
        struct device_exception ex = {};

        if (end - p < 2 || (p[0] != 'b' && p[0] != 'c') || p[1] != ' ')
                return false;
        ex.type = p[0] == 'b' ? DEVICE_BLOCK : DEVICE_CHAR;
        p = scan_kept_number(p + 2, end, &ex.major);
        if (!p || p == end || *p != ':')
                return false;
        p = scan_kept_number(p + 1, end, &ex.minor);
        if (!p || p == end || *p != ' ')
                return false;
        for (p++; p < end; p++) {
                uint8_t bit = *p == 'r' ? DEVICE_READ : *p == 'w' ? DEVICE_WRITE : *p == 'm' ? DEVICE_MKNOD : 0;
                if (!bit || (ex.access & bit))
                        return false;
                ex.access |= bit;
        }
        *ret = ex;
        return true;
}

static int model_deserialize(const char *text, size_t len, struct k_devcg *ret) {
        const char *end = text + len;

        if (len == 0)
                return -EBADMSG;
        ret->n = 0;
        for (const char *line = text; line < end;) {
                const char *nl = memchr(line, '\n', (size_t) (end - line)), *line_end = nl ? nl : end;
                size_t n = (size_t) (line_end - line);
                if (line == text) {
                        if (n == 5 && !memcmp(line, "allow", 5))
                                ret->allow = true;
                        else if (n == 4 && !memcmp(line, "deny", 4))
                                ret->allow = false;
                        else
                                return -EBADMSG;
                } else {
                        struct device_exception ex;
                        if (!scan_kept_exception(line, line_end, &ex))
                                return -EBADMSG;
                        for (size_t i = 0; i < ret->n; i++)
                                if (same_devices(&ret->ex[i], &ex))
                                        return -EBADMSG;
                        FUZZ_CHECK(ret->n < K_DEVCG_EXCEPTIONS_MAX, "model: too many exceptions");
                        ret->ex[ret->n++] = ex;
                }
                line = nl ? nl + 1 : end;
        }
        return 0;
}

/* The state kept on the group (trusted.* xattr): whatever is there. */
static void fuzz_device_state(const uint8_t *data, size_t size) {
        static struct k_devcg want;
        _cleanup_free_ char *text = fuzz_exact_copy(data, size);
        struct device_exception dummy;
        struct device_rules got = { .allow_all = false, .exceptions = &dummy, .n = 7, .allocated = 9 };

        int r = device_rules_deserialize(text, size, &got);
        int mr = model_deserialize(text, size, &want);
        FUZZ_CHECK(r == 0 || r == -EBADMSG, "device_rules_deserialize returned %d", r);
        FUZZ_CHECK(r == mr, "device_rules_deserialize = %d, expected %d", r, mr);
        if (r < 0) {
                FUZZ_CHECK(!got.allow_all && got.exceptions == &dummy && got.n == 7 && got.allocated == 9,
                           "device_rules_deserialize wrote on failure");
                return;
        }
        FUZZ_CHECK(same_as_kernel(&got, &want), "device_rules_deserialize: another state than the text's");
        check_device_state(&got);
        device_rules_done(&got);
}


/* ---------------------------------------------------------------------------------------------
 * cgroup.event_control (mm/memcontrol-v1.c memcg_write_event_control()) and the register_event
 * argument parsers (__mem_cgroup_usage_register_event(), vmpressure_register_event()).
 */

static unsigned long long k_simple_strtoull10(const char *cp, const char **end) {
        unsigned long long v = 0;
        for (; k_isdigit(*cp); cp++)
                v = v * 10 + (unsigned) (*cp - '0');
        *end = cp;
        return v;
}

static int k_event_control(const char *buf, size_t len, unsigned long long *efd, unsigned long long *cfd,
                           char **args) {
        _cleanup_free_ char *s = k_strstrip(buf, len);
        const char *p, *end;

        *efd = k_simple_strtoull10(s, &end);
        if (*end != ' ')
                return -EINVAL;
        p = end + 1;
        *cfd = k_simple_strtoull10(p, &end);
        if (*end == '\0')
                p = end;
        else if (*end == ' ')
                p = end + 1;
        else
                return -EINVAL;
        *args = strdup(p);
        return 0;
}

static int k_match_string(const char *const *names, int n, const char *s) {
        for (int i = 0; i < n; i++)
                if (!strcmp(names[i], s))
                        return i;
        return -EINVAL;
}

/* vmpressure_register_event(): strsep() twice on ",". */
static int k_vmpressure_args(const char *args, int *level, int *mode) {
        static const char *const levels[] = { "low", "medium", "critical" };
        static const char *const modes[] = { "default", "hierarchy", "local" };
        _cleanup_free_ char *copy = strdup(args);
        char *spec = copy, *token = strsep(&spec, ",");

        *level = k_match_string(levels, 3, token);
        if (*level < 0)
                return *level;
        *mode = 0;
        token = strsep(&spec, ",");
        if (token) {
                *mode = k_match_string(modes, 3, token);
                if (*mode < 0)
                        return *mode;
        }
        return 0;
}

static void fuzz_event_control(const uint8_t *data, size_t size) {
        size_t len;
        _cleanup_free_ char *buf = write_copy(data, size, &len);
        _cleanup_free_ char *mine = cstr(buf, len);
        _cleanup_free_ char *args = NULL;
        unsigned long long efd = 0, cfd = 0;
        struct event_control_line line;

        int r = event_control_parse(mine, &line);
        int kr = k_event_control(buf, len, &efd, &cfd, &args);
        FUZZ_CHECK(r == kr, "event_control_parse(\"%s\") = %d, kernel %d", esc(buf, len), r, kr);
        if (r < 0)
                return;
        FUZZ_CHECK(line.event_fd == efd && line.control_fd == cfd && !strcmp(line.args, args),
                   "event_control_parse(\"%s\") = %" PRIu64 " %" PRIu64 " \"%s\", kernel %llu %llu \"%s\"", esc(buf, len),
                   line.event_fd, line.control_fd, esc0(line.args), efd, cfd, esc0(args));

        /* The arguments, for each file that takes any. */
        for (size_t p = 0; p < ELEMENTSOF(page_sizes); p++) {
                struct memory_event_spec spec;
                uint64_t want = SENTINEL64;
                const char *end;
                int er, ur = memory_event_args_parse(MEMORY_EVENT_USAGE, line.args, page_sizes[p], &spec);
                if (!strcmp(args, "-1")) {
                        er = 0;
                        want = k_page_counter_max(page_sizes[p]);
                } else {
                        uint64_t bytes = k_memparse(args, &end);
                        er = *end ? -EINVAL : 0;
                        want = bytes / page_sizes[p] < k_page_counter_max(page_sizes[p]) ? bytes / page_sizes[p]
                                                                                         : k_page_counter_max(page_sizes[p]);
                }
                FUZZ_CHECK(ur == er && (ur < 0 || spec.threshold_pages == want), "threshold \"%s\" = %d/%" PRIu64
                           ", kernel %d/%" PRIu64, esc0(args), ur, spec.threshold_pages, er, want);
        }
        struct memory_event_spec spec;
        int level, mode, pr = memory_event_args_parse(MEMORY_EVENT_PRESSURE, line.args, 4096, &spec);
        int kp = k_vmpressure_args(args, &level, &mode);
        FUZZ_CHECK(pr == kp && (pr < 0 || ((int) spec.level == level && (int) spec.mode == mode)),
                   "pressure \"%s\" = %d, kernel %d", esc0(args), pr, kp);
        if (pr == 0) {
                char text[64];
                struct memory_event_spec back;
                FUZZ_CHECK(memory_event_spec_format(&spec, text, sizeof(text)) > 0 &&
                           memory_event_spec_parse(text, &back) == 0 && back.level == spec.level && back.mode == spec.mode,
                           "pressure spec \"%s\" does not come back", esc0(args));
        }
}

/* ---------------------------------------------------------------------------------------------
 * Dispatch. The order is the input format: append, never reorder.
 */

static const struct {
        const char *name;
        void (*fuzz)(const uint8_t *data, size_t size);
} parsers[] = {
        { "memory limit write", fuzz_memory_limit_write },        /* 0 */
        { "memory.max", fuzz_memory_limit_v2 },                    /* 1 */
        { "memory.stat", fuzz_memory_stat },                       /* 2 */
        { "memory.numa_stat", fuzz_memory_numa_stat },             /* 3 */
        { "cpuset.cpus write", fuzz_cpuset_write },                /* 4 */
        { "cpu list", fuzz_cpu_list },                             /* 5 */
        { "cpu.max", fuzz_cpu_max },                               /* 6 */
        { "cpu.stat", fuzz_cpu_stat },                             /* 7 */
        { "cpuacct", fuzz_cpuacct },                               /* 8 */
        { "blkio.throttle write", fuzz_blkio_throttle_write },     /* 9 */
        { "blkio.weight_device write", fuzz_blkio_weight_device_write }, /* 10 */
        { "io.max", fuzz_io_max },                                 /* 11 */
        { "io.weight", fuzz_io_weight },                           /* 12 */
        { "io.stat", fuzz_io_stat },                               /* 13 */
        { "pids.max write", fuzz_pids_max_write },                 /* 14 */
        { "freezer.state write", fuzz_freezer_write },             /* 15 */
        { "hugetlb limit write", fuzz_hugetlb_write },             /* 16 */
        { "net_cls.classid write", fuzz_classid_write },           /* 17 */
        { "net_prio.ifpriomap write", fuzz_ifpriomap_write },      /* 18 */
        { "net_prio map", fuzz_priomap },                          /* 19 */
        { "devices.allow/deny write", fuzz_device_rule_write },    /* 20 */
        { "device cgroup emulator", fuzz_device_emulator },        /* 21 */
        { "devices kept state", fuzz_device_state },               /* 22 */
        { "cgroup.event_control write", fuzz_event_control },      /* 23 */
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (size == 0)
                return 0;
        fuzz_set_input(data, size);
        parsers[data[0] % ELEMENTSOF(parsers)].fuzz(data + 1, size - 1);
        return 0;
}
