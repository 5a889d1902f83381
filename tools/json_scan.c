/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "json_scan.h"

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "compat/macro.h"

/* Nesting deeper than any OCI document, and a bound on recursion. */
#define DEPTH_MAX 64

static const char *skip_space(const char *p) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
                p++;
        return p;
}

static int hex_digit(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Appends code point @cp as UTF-8. */
static char *put_utf8(char *out, unsigned cp) {
        if (cp < 0x80)
                *out++ = (char) cp;
        else if (cp < 0x800) {
                *out++ = (char) (0xc0 | cp >> 6);
                *out++ = (char) (0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
                *out++ = (char) (0xe0 | cp >> 12);
                *out++ = (char) (0x80 | ((cp >> 6) & 0x3f));
                *out++ = (char) (0x80 | (cp & 0x3f));
        } else {
                *out++ = (char) (0xf0 | cp >> 18);
                *out++ = (char) (0x80 | ((cp >> 12) & 0x3f));
                *out++ = (char) (0x80 | ((cp >> 6) & 0x3f));
                *out++ = (char) (0x80 | (cp & 0x3f));
        }
        return out;
}

static int read_hex4(const char *p, unsigned *ret) {
        unsigned v = 0;
        for (int i = 0; i < 4; i++) {
                int d = hex_digit(p[i]);
                if (d < 0)
                        return -EBADMSG;
                v = v << 4 | (unsigned) d;
        }
        *ret = v;
        return 0;
}

/*
 * The string starting at @p (its opening quote). Sets *end past the closing quote; the value,
 * unescaped, into *ret if @ret (never longer than the escaped text, so it is sized by it).
 * Escapes are checked either way: a document is malformed wherever a bad one is.
 */
static int scan_string(const char *p, const char **end, char **ret) {
        assert(*p == '"');
        const char *s = ++p;
        while (*p && *p != '"') {
                if ((unsigned char) *p < 0x20)
                        return -EBADMSG;
                p += *p == '\\' && p[1] ? 2 : 1;
        }
        if (*p != '"')
                return -EBADMSG;
        *end = p + 1;
        _cleanup_free_ char *value = malloc((size_t) (p - s) + 1);
        if (!value)
                return -ENOMEM;
        char *out = value;
        for (const char *q = s; q < p; q++) {
                if (*q != '\\') {
                        *out++ = *q;
                        continue;
                }
                unsigned cp;
                switch (*++q) {
                case '"': case '\\': case '/': *out++ = *q; break;
                case 'b': *out++ = '\b'; break;
                case 'f': *out++ = '\f'; break;
                case 'n': *out++ = '\n'; break;
                case 'r': *out++ = '\r'; break;
                case 't': *out++ = '\t'; break;
                case 'u':
                        if (q + 5 > p || read_hex4(q + 1, &cp) < 0 || cp == 0)
                                return -EBADMSG; /* a NUL would cut the string short */
                        q += 4;
                        if (cp >= 0xd800 && cp < 0xdc00) { /* a surrogate pair: \uD8xx\uDCxx */
                                unsigned low;
                                if (q + 7 > p || q[1] != '\\' || q[2] != 'u' || read_hex4(q + 3, &low) < 0 ||
                                    low < 0xdc00 || low >= 0xe000)
                                        return -EBADMSG;
                                cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
                                q += 6;
                        } else if (cp >= 0xdc00 && cp < 0xe000)
                                return -EBADMSG;
                        out = put_utf8(out, cp);
                        break;
                default:
                        return -EBADMSG;
                }
        }
        *out = 0;
        if (ret)
                *ret = TAKE_PTR(value);
        return 0;
}

static int skip_value(const char *p, const char **end, unsigned depth);

/* An object or array at @p: its members skipped. */
static int skip_container(const char *p, const char **end, unsigned depth) {
        char close = *p == '{' ? '}' : ']';
        bool object = *p == '{';
        int r;

        if (depth > DEPTH_MAX)
                return -EBADMSG;
        p = skip_space(p + 1);
        if (*p == close) {
                *end = p + 1;
                return 0;
        }
        for (;;) {
                if (object) {
                        if (*p != '"')
                                return -EBADMSG;
                        r = scan_string(p, &p, NULL);
                        if (r < 0)
                                return r;
                        p = skip_space(p);
                        if (*p++ != ':')
                                return -EBADMSG;
                }
                r = skip_value(skip_space(p), &p, depth + 1);
                if (r < 0)
                        return r;
                p = skip_space(p);
                if (*p == close) {
                        *end = p + 1;
                        return 0;
                }
                if (*p++ != ',')
                        return -EBADMSG;
                p = skip_space(p);
        }
}

static int skip_value(const char *p, const char **end, unsigned depth) {
        if (*p == '"')
                return scan_string(p, end, NULL);
        if (*p == '{' || *p == '[')
                return skip_container(p, end, depth);
        static const char *const words[] = { "true", "false", "null" };
        for (size_t i = 0; i < ELEMENTSOF(words); i++)
                if (!strncmp(p, words[i], strlen(words[i]))) {
                        *end = p + strlen(words[i]);
                        return 0;
                }
        const char *s = p;
        p += *p == '-';
        while ((*p >= '0' && *p <= '9') || *p == '.' || *p == 'e' || *p == 'E' || *p == '+' || *p == '-')
                p++;
        if (p == s || (p == s + 1 && *s == '-'))
                return -EBADMSG;
        *end = p;
        return 0;
}

/* The value of member @key in the object at @p. */
static int find_member(const char *p, const char *key, const char **ret) {
        int r;

        if (*p != '{')
                return -EMEDIUMTYPE;
        p = skip_space(p + 1);
        if (*p == '}')
                return -ENOENT;
        for (;;) {
                _cleanup_free_ char *name = NULL;
                if (*p != '"')
                        return -EBADMSG;
                r = scan_string(p, &p, &name);
                if (r < 0)
                        return r;
                p = skip_space(p);
                if (*p++ != ':')
                        return -EBADMSG;
                p = skip_space(p);
                if (!strcmp(name, key)) {
                        *ret = p;
                        return 0;
                }
                r = skip_value(p, &p, 1);
                if (r < 0)
                        return r;
                p = skip_space(p);
                if (*p == '}')
                        return -ENOENT;
                if (*p++ != ',')
                        return -EBADMSG;
                p = skip_space(p);
        }
}

/* Only in a whole, well-formed document: a truncated one must not pass for its first members. */
static int find_path(const char *json, const char *const *keys, const char **ret) {
        const char *p = skip_space(json), *end;
        int r = skip_value(p, &end, 0);
        if (r < 0)
                return r;
        if (*skip_space(end))
                return -EBADMSG;
        for (; *keys; keys++) {
                int r = find_member(p, *keys, &p);
                if (r < 0)
                        return r;
        }
        *ret = p;
        return 0;
}

int json_get_string(const char *json, const char *const *keys, char **ret) {
        const char *p, *end;
        int r = find_path(json, keys, &p);
        if (r < 0)
                return r;
        if (*p != '"')
                return -EMEDIUMTYPE;
        return scan_string(p, &end, ret);
}

int json_get_int(const char *json, const char *const *keys, int64_t *ret) {
        const char *p;
        int r = find_path(json, keys, &p);
        if (r < 0)
                return r;
        if (*p != '-' && (*p < '0' || *p > '9'))
                return -EMEDIUMTYPE;
        char *end;
        errno = 0;
        long long v = strtoll(p, &end, 10);
        if (errno == ERANGE)
                return -ERANGE;
        if (*end == '.' || *end == 'e' || *end == 'E')
                return -EMEDIUMTYPE;
        *ret = v;
        return 0;
}
