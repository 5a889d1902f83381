/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "device_rules.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kstrto.h"
#include "macro.h"

void device_rules_init(struct device_rules *r) {
        *r = (struct device_rules) { .allow_all = true };
}

void device_rules_done(struct device_rules *r) {
        free(r->exceptions);
        *r = (struct device_rules) {};
}

bool device_rules_is_default(const struct device_rules *r) {
        return r->allow_all && r->n == 0;
}

static int reserve(struct device_rules *r, size_t n) {
        if (n <= r->allocated)
                return 0;
        size_t allocated = r->allocated ? r->allocated : 8;
        while (allocated < n)
                allocated *= 2;
        struct device_exception *e = realloc(r->exceptions, allocated * sizeof(*e));
        if (!e)
                return -ENOMEM;
        r->exceptions = e;
        r->allocated = allocated;
        return 0;
}

static int set_exceptions(struct device_rules *r, const struct device_exception *ex, size_t n) {
        int k = reserve(r, n);
        if (k < 0)
                return k;
        if (n > 0)
                memcpy(r->exceptions, ex, n * sizeof(*ex));
        r->n = n;
        return 0;
}

int device_rules_copy(struct device_rules *dst, const struct device_rules *src) {
        struct device_rules copy;
        device_rules_init(&copy);
        int k = set_exceptions(&copy, src->exceptions, src->n);
        if (k < 0)
                return k;
        copy.allow_all = src->allow_all;
        device_rules_done(dst);
        *dst = copy;
        return 0;
}

static bool same_devices(const struct device_exception *a, const struct device_exception *b) {
        return a->type == b->type && a->major == b->major && a->minor == b->minor;
}

/* dev_exception_add(): an exception for the same devices takes the new access too. */
static int exception_add(struct device_rules *r, const struct device_exception *ex) {
        for (size_t i = 0; i < r->n; i++)
                if (same_devices(&r->exceptions[i], ex)) {
                        r->exceptions[i].access |= ex->access;
                        return 0;
                }
        int k = reserve(r, r->n + 1);
        if (k < 0)
                return k;
        r->exceptions[r->n++] = *ex;
        return 0;
}

static void exception_delete(struct device_rules *r, size_t i) {
        assert(i < r->n);
        memmove(r->exceptions + i, r->exceptions + i + 1, (r->n - i - 1) * sizeof(*r->exceptions));
        r->n--;
}

/*
 * dev_exception_rm(): only an exception for exactly the same devices loses the
 * access; one that goes empty is dropped. A wildcard exception is not split:
 * taking c 1:3 out of c 1:* changes nothing, silently.
 */
static void exception_rm(struct device_rules *r, const struct device_exception *ex) {
        for (size_t i = 0; i < r->n; i++) {
                struct device_exception *walk = &r->exceptions[i];
                if (!same_devices(walk, ex))
                        continue;
                walk->access &= (uint8_t) ~ex->access;
                if (walk->access == 0)
                        exception_delete(r, i--);
        }
}

static bool type_excluded(uint8_t type, const struct device_exception *ex) {
        return ((type & DEVICE_BLOCK) && !(ex->type & DEVICE_BLOCK)) ||
               ((type & DEVICE_CHAR) && !(ex->type & DEVICE_CHAR));
}

/* match_exception(): one exception contains the whole range and all the access. */
static bool match_full(const struct device_rules *r, uint8_t type, uint32_t major, uint32_t minor, uint8_t access) {
        for (size_t i = 0; i < r->n; i++) {
                const struct device_exception *ex = &r->exceptions[i];
                if (type_excluded(type, ex))
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

/* match_exception_partial(): some exception overlaps the range in some access. */
static bool match_partial(const struct device_rules *r, uint8_t type, uint32_t major, uint32_t minor,
                          uint8_t access) {
        for (size_t i = 0; i < r->n; i++) {
                const struct device_exception *ex = &r->exceptions[i];
                if (type_excluded(type, ex))
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

static bool match_full_ex(const struct device_rules *r, const struct device_exception *ex) {
        return match_full(r, ex->type, ex->major, ex->minor, ex->access);
}

static bool match_partial_ex(const struct device_rules *r, const struct device_exception *ex) {
        return match_partial(r, ex->type, ex->major, ex->minor, ex->access);
}

/* verify_new_ex() through parent_has_perm(): may a group with @child_allows_all hold @ex? */
static bool parent_has_perm(const struct device_rules *parent, bool child_allows_all,
                            const struct device_exception *ex) {
        if (!parent)
                return true;
        if (parent->allow_all)
                /* In a denying child the exception grants: it may not touch what the parent denies. */
                return child_allows_all || !match_partial_ex(parent, ex);
        return match_full_ex(parent, ex);
}

/* parent_allows_removal(): an allowing group may not drop a denial its parent has. */
static bool parent_allows_removal(const struct device_rules *parent, bool child_allows_all,
                                  const struct device_exception *ex) {
        if (!parent || !child_allows_all)
                return true;
        return !match_partial_ex(parent, ex);
}

bool device_rules_permit(const struct device_rules *r, uint8_t type, uint32_t major, uint32_t minor, uint8_t access) {
        if (r->allow_all)
                return !match_partial(r, type, major, minor, access);
        return match_full(r, type, major, minor, access);
}

/* "a": reset the behaviour; only a group without children may, and allowing all needs an allowing parent. */
static int update_all(struct device_rules *r, const struct device_rules *parent, bool has_children,
                      enum device_file file) {
        if (has_children)
                return -EINVAL;
        if (file == DEVICE_FILE_DENY) {
                r->allow_all = false;
                r->n = 0;
                return 0;
        }
        if (parent && !parent->allow_all)
                return -EPERM;
        /* Below the top, allowing all means: what the parent allows, its denials copied. */
        int k = set_exceptions(r, parent ? parent->exceptions : NULL, parent ? parent->n : 0);
        if (k < 0)
                return k;
        r->allow_all = true;
        return 0;
}

int device_rules_update(struct device_rules *r, const struct device_rules *parent, bool has_children,
                        enum device_file file, const struct device_rule *rule) {
        const struct device_exception *ex = &rule->exception;

        assert(r);
        assert(rule);
        if (rule->all)
                return update_all(r, parent, has_children, file);

        if (file == DEVICE_FILE_DENY) {
                if (!r->allow_all) {
                        exception_rm(r, ex);
                        return 0;
                }
                return exception_add(r, ex);
        }
        /* Allowing while allowing all takes a denial away, silently if there is none. */
        if (r->allow_all) {
                if (!parent_allows_removal(parent, r->allow_all, ex))
                        return -EPERM;
                exception_rm(r, ex);
                return 0;
        }
        if (!parent_has_perm(parent, r->allow_all, ex))
                return -EPERM;
        return exception_add(r, ex);
}

/* revalidate_active_exceptions(): drop what the parent no longer permits. */
static void revalidate(struct device_rules *r, const struct device_rules *parent) {
        for (size_t i = 0; i < r->n; i++)
                if (!parent_has_perm(parent, r->allow_all, &r->exceptions[i]))
                        exception_delete(r, i--);
}

int device_rules_propagate(struct device_rules *r, const struct device_rules *parent,
                           const struct device_rules *writer, const struct device_exception *ex) {
        assert(parent);
        if (writer->allow_all && r->allow_all) {
                int k = exception_add(r, ex);
                if (k < 0)
                        return k;
        } else
                exception_rm(r, ex);
        revalidate(r, parent);
        return 0;
}

/*
 * One number as devcgroup_update_access() reads it: "*", or the digits, of
 * which it copies at most 11 and converts with kstrtou32() (overflow is
 * -EINVAL). A 12th digit is left for the next check to refuse.
 */
static int parse_number(const char *buf, size_t len, size_t *i, uint32_t *ret) {
        if (*i < len && buf[*i] == '*') {
                (*i)++;
                *ret = DEVICE_ANY;
                return 0;
        }
        size_t n = 0;
        while (n < 11 && *i + n < len && kernel_isdigit((unsigned char) buf[*i + n]))
                n++;
        if (n == 0)
                return -EINVAL;
        unsigned long long value;
        if (kstrtoull(buf + *i, n, 10, &value) < 0 || value > UINT32_MAX)
                return -EINVAL;
        *i += n;
        *ret = (uint32_t) value;
        return 0;
}

int device_rule_parse(const char *buf, size_t len, struct device_rule *ret) {
        struct device_rule rule = {};
        struct device_exception *ex = &rule.exception;
        size_t i = 0;
        int k;

        kstrstrip(&buf, &len);
#define AT(k) ((k) < len ? (unsigned char) buf[k] : 0)
        switch (AT(0)) {
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
        if (!kernel_isspace(AT(1)))
                return -EINVAL;
        i = 2;
        k = parse_number(buf, len, &i, &ex->major);
        if (k < 0)
                return k;
        if (AT(i) != ':')
                return -EINVAL;
        i++;
        k = parse_number(buf, len, &i, &ex->minor);
        if (k < 0)
                return k;
        if (!kernel_isspace(AT(i)))
                return -EINVAL;
        /* Up to three access letters; a newline or the end stops early, anything after is not read. */
        for (size_t n = 0, j = i + 1; n < 3; n++, j++) {
                unsigned char c = AT(j);
                if (c == '\n' || c == 0)
                        break;
                if (c == 'r')
                        ex->access |= DEVICE_READ;
                else if (c == 'w')
                        ex->access |= DEVICE_WRITE;
                else if (c == 'm')
                        ex->access |= DEVICE_MKNOD;
                else
                        return -EINVAL;
        }
#undef AT
        *ret = rule;
        return 0;
}

static char type_char(uint8_t type) {
        return type == DEVICE_CHAR ? 'c' : type == DEVICE_BLOCK ? 'b' : 'X';
}

static int format_exception(const struct device_exception *ex, struct text *out) {
        char major[12] = "*", minor[12] = "*";
        if (ex->major != DEVICE_ANY)
                snprintf(major, sizeof(major), "%u", ex->major);
        if (ex->minor != DEVICE_ANY)
                snprintf(minor, sizeof(minor), "%u", ex->minor);
        return text_printf(out, "%c %s:%s %s%s%s\n", type_char(ex->type), major, minor,
                           ex->access & DEVICE_READ ? "r" : "", ex->access & DEVICE_WRITE ? "w" : "",
                           ex->access & DEVICE_MKNOD ? "m" : "");
}

int device_rules_format_list(const struct device_rules *r, struct text *out) {
        /* devcgroup_seq_show(): the file stays a list of what is allowed, as before behaviours existed. */
        if (r->allow_all)
                return text_printf(out, "a *:* rwm\n");
        for (size_t i = 0; i < r->n; i++) {
                int k = format_exception(&r->exceptions[i], out);
                if (k < 0)
                        return k;
        }
        return 0;
}

int device_rules_serialize(const struct device_rules *r, struct text *out) {
        int k = text_printf(out, "%s\n", r->allow_all ? "allow" : "deny");
        for (size_t i = 0; k >= 0 && i < r->n; i++)
                k = format_exception(&r->exceptions[i], out);
        return k;
}

/* A major or minor of the kept text: "*" or a decimal u32 below DEVICE_ANY. */
static int deserialize_number(const char *s, size_t len, uint32_t *ret) {
        unsigned long long v;
        if (len == 1 && s[0] == '*') {
                *ret = DEVICE_ANY;
                return 0;
        }
        for (size_t i = 0; i < len; i++)
                if (!kernel_isdigit((unsigned char) s[i]))
                        return -EBADMSG;
        if (len == 0 || kstrtoull(s, len, 10, &v) < 0 || v >= DEVICE_ANY)
                return -EBADMSG;
        *ret = (uint32_t) v;
        return 0;
}

static int deserialize_exception(const char *line, size_t len, struct device_exception *ret) {
        struct device_exception ex = {};
        if (len < 2 || (line[0] != 'b' && line[0] != 'c') || line[1] != ' ')
                return -EBADMSG;
        ex.type = line[0] == 'b' ? DEVICE_BLOCK : DEVICE_CHAR;
        const char *end = line + len, *colon = memchr(line + 2, ':', len - 2);
        if (!colon)
                return -EBADMSG;
        const char *space = memchr(colon, ' ', (size_t) (end - colon));
        if (!space)
                return -EBADMSG;
        int k = deserialize_number(line + 2, (size_t) (colon - line - 2), &ex.major);
        if (k >= 0)
                k = deserialize_number(colon + 1, (size_t) (space - colon - 1), &ex.minor);
        if (k < 0)
                return k;
        for (const char *p = space + 1; p < end; p++) {
                uint8_t bit = *p == 'r' ? DEVICE_READ : *p == 'w' ? DEVICE_WRITE : *p == 'm' ? DEVICE_MKNOD : 0;
                if (!bit || (ex.access & bit))
                        return -EBADMSG;
                ex.access |= bit;
        }
        *ret = ex;
        return 0;
}

int device_rules_deserialize(const char *text, size_t len, struct device_rules *ret) {
        struct device_rules r;
        const char *end = text + len;
        int k = 0;

        device_rules_init(&r);
        for (const char *line = text; k >= 0 && line < end;) {
                const char *nl = memchr(line, '\n', (size_t) (end - line));
                size_t n = (size_t) ((nl ? nl : end) - line);
                if (line == text) {
                        if (n == 5 && !memcmp(line, "allow", 5))
                                r.allow_all = true;
                        else if (n == 4 && !memcmp(line, "deny", 4))
                                r.allow_all = false;
                        else
                                k = -EBADMSG;
                } else {
                        struct device_exception ex;
                        k = deserialize_exception(line, n, &ex);
                        for (size_t i = 0; k >= 0 && i < r.n; i++)
                                if (same_devices(&r.exceptions[i], &ex))
                                        k = -EBADMSG; /* the kernel's list never has two for the same devices */
                        if (k >= 0)
                                k = reserve(&r, r.n + 1);
                        if (k >= 0)
                                r.exceptions[r.n++] = ex;
                }
                line = nl ? nl + 1 : end;
        }
        if (k >= 0 && len == 0)
                k = -EBADMSG;
        if (k < 0) {
                device_rules_done(&r);
                return k;
        }
        *ret = r;
        return 0;
}
