/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * compat.conf.yaml loader, on libyaml's event API. Events rather than the
 * document API because events show anchors and aliases as they are written
 * (the loader resolves them silently) and because every error is found in
 * one pass, in file order, with the mark of the node that caused it.
 */

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "compat/macro.h"
#include "conf/config.h"

#define DEFAULT_BACKEND_ROOT "auto"
#define DEFAULT_LEAF ".tasks"
#define DEFAULT_RELEASE_AGENT "/sbin/container_release_agent"
#define DEFAULT_VIEW_FLAVOR FLAVOR_CONTAINER
#define DEFAULT_VIEW_MOUNT "/dev/container"
#define DEFAULT_LEGACY_ROOT "/run/cgcompat/cgroup"
#define DEFAULT_RUNTIME_DIR "/run/cgcompat"
#define DEFAULT_METRICS_TEXTFILE ""
#define DEFAULT_METRICS_INTERVAL_MS 15000
/* Often enough for any scrape interval, seldom enough that the tree walk behind it stays cheap. */
#define METRICS_INTERVAL_MIN_MS 1000
#define METRICS_INTERVAL_MAX_MS (24 * 3600 * 1000)

/* A configuration file is a few hundred bytes; refuse to slurp something that isn't one. */
#define CONFIG_FILE_MAX (1024 * 1024)
/* The leaf is one directory entry in cgroupfs. */
#define LEAF_MAX NAME_MAX
/* The kernel's v1 release_agent must be shorter than PATH_MAX; so must every path we mount or open. */
#define CONFIG_PATH_MAX PATH_MAX

#define streq(a, b) (strcmp((a), (b)) == 0)

static void view_config_free(struct view_config *v) {
        free(v->mount);
        free(v->name);
        for (size_t i = 0; i < v->n_links; i++)
                free(v->links[i]);
        free(v->links);
        free(v->release_agent);
        *v = (struct view_config) {};
}

static void view_configs_free(struct view_config *views, size_t n) {
        for (size_t i = 0; i < n; i++)
                view_config_free(&views[i]);
        free(views);
}

void config_free(struct config *c) {
        if (!c)
                return;
        free(c->backend_root);
        free(c->leaf);
        free(c->release_agent);
        free(c->legacy_root);
        free(c->runtime_dir);
        free(c->metrics_textfile);
        view_configs_free(c->views, c->n_views);
        *c = (struct config) {};
}

/* A word a value may be written as, and what it means. */
struct keyword {
        const char *word;
        int value;
};

/* The flavours as the configuration and the view registry spell them. */
static const struct keyword flavor_names[] = {
        { "container", FLAVOR_CONTAINER },
        { "cgroup-v1", FLAVOR_CGROUP_V1 },
        { "unified", FLAVOR_UNIFIED },
};

const char *view_flavor_name(enum view_flavor flavor) {
        for (size_t i = 0; i < ELEMENTSOF(flavor_names); i++)
                if (flavor_names[i].value == (int) flavor)
                        return flavor_names[i].word;
        return NULL;
}

int view_config_key(const struct view_config *v, char *buf, size_t size) {
        size_t len = 0;
        int n;

        assert(size > 0);
        buf[0] = 0;
        /* The container API and cgroup2 are one hierarchy each: their flavour names them. */
        if (v->flavor != FLAVOR_CGROUP_V1)
                n = snprintf(buf, size, "%s", view_flavor_name(v->flavor));
        else if (v->name)
                n = snprintf(buf, size, "name=%s", v->name);
        else {
                n = 0;
                for (int s = 0; s < SUBSYS__COUNT && n >= 0 && (size_t) n < size - len; s++) {
                        if (!(v->subsystems & SUBSYS_BIT(s)))
                                continue;
                        n = snprintf(buf + len, size - len, "%s%s", len ? "," : "", subsystem_get(s)->name);
                        if (n >= 0 && (size_t) n < size - len)
                                len += (size_t) n;
                }
        }
        return n < 0 || (size_t) n >= size - len ? -ENAMETOOLONG : 0;
}

/* The distributions' cgroup v1 layout: one view per line, its links beside it. */
static const struct {
        const char *mount;
        unsigned subsystems;
        const char *name;
        const char *links[2];
} default_v1_layout[] = {
        { "cpu,cpuacct", SUBSYS_BIT(SUBSYS_CPU) | SUBSYS_BIT(SUBSYS_CPUACCT), NULL, { "cpu", "cpuacct" } },
        { "cpuset", SUBSYS_BIT(SUBSYS_CPUSET), NULL, {} },
        { "memory", SUBSYS_BIT(SUBSYS_MEMORY), NULL, {} },
        { "blkio", SUBSYS_BIT(SUBSYS_BLKIO), NULL, {} },
        { "pids", SUBSYS_BIT(SUBSYS_PIDS), NULL, {} },
        { "freezer", SUBSYS_BIT(SUBSYS_FREEZER), NULL, {} },
        { "devices", SUBSYS_BIT(SUBSYS_DEVICES), NULL, {} },
        { "hugetlb", SUBSYS_BIT(SUBSYS_HUGETLB), NULL, {} },
        { "net_cls,net_prio", SUBSYS_BIT(SUBSYS_NET_CLS) | SUBSYS_BIT(SUBSYS_NET_PRIO), NULL, { "net_cls", "net_prio" } },
        { "perf_event", SUBSYS_BIT(SUBSYS_PERF_EVENT), NULL, {} },
        { "systemd", 0, "systemd", {} },
};

static char *path_in(const char *dir, const char *name) {
        char *p;
        return asprintf(&p, "%s/%s", dir, name) < 0 ? NULL : p;
}

/* Appends @path, which it takes (NULL: the allocation that made it failed), to the view's links. */
static int view_config_add_link(struct view_config *v, char *path) {
        char **links;

        if (!path)
                return -ENOMEM;
        links = reallocarray(v->links, v->n_links + 1, sizeof(char *));
        if (!links) {
                free(path);
                return -ENOMEM;
        }
        v->links = links;
        v->links[v->n_links++] = path;
        return 0;
}

/* The container view, then the v1 layout and the unified hierarchy below @legacy_root; with no
 * legacy root ("") the layout has no home, and the container view is all. */
static int default_views(const char *legacy_root, struct view_config **ret, size_t *ret_n) {
        size_t n = legacy_root[0] ? 1 + ELEMENTSOF(default_v1_layout) + 1 : 1;
        struct view_config *views;

        views = calloc(n, sizeof(struct view_config));
        if (!views)
                return -ENOMEM;
        views[0].flavor = DEFAULT_VIEW_FLAVOR;
        views[0].mount = strdup(DEFAULT_VIEW_MOUNT);
        if (!views[0].mount)
                goto fail;
        for (size_t i = 0; i + 2 < n; i++) {
                struct view_config *v = &views[i + 1];

                v->flavor = FLAVOR_CGROUP_V1;
                v->subsystems = default_v1_layout[i].subsystems;
                v->mount = path_in(legacy_root, default_v1_layout[i].mount);
                if (!v->mount)
                        goto fail;
                if (default_v1_layout[i].name && !(v->name = strdup(default_v1_layout[i].name)))
                        goto fail;
                for (size_t k = 0; k < ELEMENTSOF(default_v1_layout[i].links) && default_v1_layout[i].links[k]; k++) {
                        if (view_config_add_link(v, path_in(legacy_root, default_v1_layout[i].links[k])) < 0)
                                goto fail;
                }
        }
        if (n > 1) {
                /* Where systemd's hybrid layout put cgroup2: here a view of the tree, not the machine's. */
                views[n - 1].flavor = FLAVOR_UNIFIED;
                views[n - 1].mount = path_in(legacy_root, "unified");
                if (!views[n - 1].mount)
                        goto fail;
        }

        *ret = views;
        *ret_n = n;
        return 0;
fail:
        view_configs_free(views, n); /* calloc'd: the entries not reached are empty */
        return -ENOMEM;
}

int config_defaults(struct config *ret) {
        _cleanup_(config_free) struct config c = {};
        int r;

        c.backend_root = strdup(DEFAULT_BACKEND_ROOT);
        c.leaf = strdup(DEFAULT_LEAF);
        c.release_agent = strdup(DEFAULT_RELEASE_AGENT);
        c.legacy_root = strdup(DEFAULT_LEGACY_ROOT);
        c.runtime_dir = strdup(DEFAULT_RUNTIME_DIR);
        c.metrics_textfile = strdup(DEFAULT_METRICS_TEXTFILE);
        c.metrics_interval_ms = DEFAULT_METRICS_INTERVAL_MS;
        c.unsupported = UNSUPPORTED_STORE;
        if (!c.backend_root || !c.leaf || !c.release_agent || !c.legacy_root || !c.runtime_dir ||
            !c.metrics_textfile)
                return -ENOMEM;
        r = default_views(c.legacy_root, &c.views, &c.n_views);
        if (r < 0)
                return r;

        *ret = c;
        c = (struct config) {};
        return 0;
}

struct parser {
        yaml_parser_t yaml;
        const char *name;
        const unsigned char *text;
        size_t len;
        char *error;
        /* One quoted value per message, so one buffer suffices. */
        char quote_buf[100];
};

/* Event cleanup; yaml_event_delete() zeroes the event, so it may run again. */
static void event_done(yaml_event_t *ev) {
        yaml_event_delete(ev);
}
#define _cleanup_event_ _cleanup_(event_done)

/* @s as a double-quoted, escaped and (if long) shortened string, for messages: the user's value
 * may hold newlines or control bytes that would otherwise garble the one-line error. */
static const char *quote(struct parser *p, const void *s, size_t len) {
        static const char ellipsis[] = "...\"";
        const unsigned char *in = s;
        char *out = p->quote_buf;
        const char *end = p->quote_buf + sizeof(p->quote_buf);
        size_t i;

        *out++ = '"';
        for (i = 0; i < len; i++) {
                char esc[5];
                unsigned char ch = in[i];

                if (ch == '"' || ch == '\\')
                        snprintf(esc, sizeof(esc), "\\%c", ch);
                else if (ch == '\n')
                        snprintf(esc, sizeof(esc), "\\n");
                else if (ch == '\t')
                        snprintf(esc, sizeof(esc), "\\t");
                else if (ch < 0x20 || ch == 0x7f)
                        snprintf(esc, sizeof(esc), "\\x%02x", ch);
                else
                        snprintf(esc, sizeof(esc), "%c", ch);

                size_t n = strlen(esc);
                if ((size_t) (end - out) < n + sizeof(ellipsis))
                        break;
                memcpy(out, esc, n);
                out += n;
        }
        if (i < len) {
                /* Don't leave half a UTF-8 sequence before the ellipsis. */
                while (out > p->quote_buf + 1 && ((unsigned char) out[-1] & 0xc0) == 0x80)
                        out--;
                if (out > p->quote_buf + 1 && ((unsigned char) out[-1] & 0xc0) == 0xc0)
                        out--;
                memcpy(out, ellipsis, sizeof(ellipsis));
        } else {
                out[0] = '"';
                out[1] = '\0';
        }
        return p->quote_buf;
}

static int fail_at(struct parser *p, size_t line, size_t column, const char *format, ...) _printf_(4, 5);
static int fail_at(struct parser *p, size_t line, size_t column, const char *format, ...) {
        _cleanup_free_ char *message = NULL;
        va_list ap;
        int r;

        va_start(ap, format);
        r = vasprintf(&message, format, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;

        free(p->error);
        if (asprintf(&p->error, "%s:%zu:%zu: %s", p->name, line, column, message) < 0) {
                p->error = NULL;
                return -ENOMEM;
        }
        return -EINVAL;
}

/* libyaml marks are 0-based; editors and compilers count from 1. */
#define fail(p, mark, ...) fail_at((p), (mark).line + 1, (mark).column + 1, __VA_ARGS__)

/* Reader errors carry a byte offset, not a mark: count lines and characters up to it. */
static int fail_reader(struct parser *p) {
        size_t offset = p->yaml.problem_offset < p->len ? p->yaml.problem_offset : p->len;
        size_t line = 1, column = 1;
        const char *problem = p->yaml.problem ?: "invalid input";

        for (size_t i = 0; i < offset; i++) {
                if (p->text[i] == '\n') {
                        line++;
                        column = 1;
                } else if ((p->text[i] & 0xc0) != 0x80)
                        column++;
        }
        if (p->yaml.problem_value >= 0)
                return fail_at(p, line, column, "%s (#x%X)", problem, (unsigned) p->yaml.problem_value);
        return fail_at(p, line, column, "%s", problem);
}

static int fail_yaml(struct parser *p) {
        const char *problem = p->yaml.problem ?: "invalid YAML";

        switch (p->yaml.error) {
        case YAML_MEMORY_ERROR:
                return -ENOMEM;
        case YAML_READER_ERROR:
                return fail_reader(p);
        default:
                if (p->yaml.context)
                        return fail(p, p->yaml.problem_mark, "%s (%s at line %zu column %zu)", problem,
                                    p->yaml.context, p->yaml.context_mark.line + 1,
                                    p->yaml.context_mark.column + 1);
                return fail(p, p->yaml.problem_mark, "%s", problem);
        }
}

static bool tag_acceptable(const yaml_char_t *tag, const char *natural) {
        /* "!" is the non-specific tag of quoted scalars; anything else must be the node's own type. */
        return !tag || streq((const char *) tag, "!") || streq((const char *) tag, natural);
}

/* The next event, with the YAML features this format doesn't take rejected in one place. */
static int next_event(struct parser *p, yaml_event_t *ev) {
        const yaml_char_t *anchor = NULL, *tag = NULL;
        const char *natural = NULL;

        yaml_event_delete(ev);
        if (!yaml_parser_parse(&p->yaml, ev))
                return fail_yaml(p);

        switch (ev->type) {
        case YAML_ALIAS_EVENT:
                return fail(p, ev->start_mark, "YAML aliases are not supported");
        case YAML_SCALAR_EVENT:
                anchor = ev->data.scalar.anchor;
                tag = ev->data.scalar.tag;
                natural = YAML_STR_TAG;
                break;
        case YAML_SEQUENCE_START_EVENT:
                anchor = ev->data.sequence_start.anchor;
                tag = ev->data.sequence_start.tag;
                natural = YAML_SEQ_TAG;
                break;
        case YAML_MAPPING_START_EVENT:
                anchor = ev->data.mapping_start.anchor;
                tag = ev->data.mapping_start.tag;
                natural = YAML_MAP_TAG;
                break;
        default:
                return 0;
        }

        if (anchor)
                return fail(p, ev->start_mark, "YAML anchors are not supported");
        if (!tag_acceptable(tag, natural))
                return fail(p, ev->start_mark, "unsupported YAML tag %s", quote(p, tag, strlen((const char *) tag)));
        return 0;
}

static bool event_is_null(const yaml_event_t *ev) {
        static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };

        if (ev->type != YAML_SCALAR_EVENT || ev->data.scalar.tag ||
            ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
                return false;
        for (size_t i = 0; i < ELEMENTSOF(nulls); i++)
                if (streq((const char *) ev->data.scalar.value, nulls[i]))
                        return true;
        return false;
}

static const char *describe_event(const yaml_event_t *ev) {
        switch (ev->type) {
        case YAML_SCALAR_EVENT:
                return event_is_null(ev) ? "null" : "a string";
        case YAML_SEQUENCE_START_EVENT:
                return "a sequence";
        case YAML_MAPPING_START_EVENT:
                return "a mapping";
        default:
                return "nothing";
        }
}

static bool event_is_string(const yaml_event_t *ev) {
        return ev->type == YAML_SCALAR_EVENT && !event_is_null(ev);
}

/* The next node must be a mapping or a sequence; @ev keeps its start mark for later messages. */
static int expect_collection(struct parser *p, yaml_event_t *ev, yaml_event_type_t type, const char *what) {
        int r;

        r = next_event(p, ev);
        if (r < 0)
                return r;
        if (ev->type != type)
                return fail(p, ev->start_mark, "expected %s for %s, got %s",
                            type == YAML_MAPPING_START_EVENT ? "a mapping" : "a sequence", what,
                            describe_event(ev));
        return 0;
}

/* @ev, just read, must be a string: what every path, name and keyword is. */
static int check_string(struct parser *p, const yaml_event_t *ev, const char *what) {
        if (!event_is_string(ev))
                return fail(p, ev->start_mark, "expected a string for %s, got %s", what, describe_event(ev));
        /* A "\0" escape is valid YAML but can't be a path or a name. */
        if (memchr(ev->data.scalar.value, 0, ev->data.scalar.length))
                return fail(p, ev->start_mark, "%s must not contain a NUL byte", what);
        return 0;
}

/* The next node as a string; @ev keeps the node for its mark and value. */
static int expect_string(struct parser *p, yaml_event_t *ev, const char *what) {
        int r;

        r = next_event(p, ev);
        if (r < 0)
                return r;
        return check_string(p, ev, what);
}

static int take_string(const yaml_event_t *ev, char **dest) {
        char *s = strndup((const char *) ev->data.scalar.value, ev->data.scalar.length);
        if (!s)
                return -ENOMEM;
        free(*dest);
        *dest = s;
        return 0;
}

static const char *scalar(const yaml_event_t *ev) {
        return (const char *) ev->data.scalar.value;
}

/* The next node as a name: a string, and not an empty one. */
static int expect_name(struct parser *p, yaml_event_t *ev, const char *what) {
        int r;

        r = expect_string(p, ev, what);
        if (r < 0)
                return r;
        if (ev->data.scalar.length == 0)
                return fail(p, ev->start_mark, "%s must not be empty", what);
        return 0;
}

static int fail_too_long(struct parser *p, const yaml_event_t *ev, const char *what, size_t len, int max) {
        return fail(p, ev->start_mark, "%s is too long (%zu bytes, at most %d)", what, len, max);
}

/* Takes one item of a sequence of strings, named "what[index]" (@item_what) in messages. */
typedef int (*string_item_fn)(struct parser *p, const yaml_event_t *item, const char *item_what, void *userdata);

/* The next node as a sequence of strings, each given to @fn; the sequence's mark in *@ret_start if wanted. */
static int parse_string_sequence(struct parser *p, const char *what, string_item_fn fn, void *userdata,
                                 yaml_mark_t *ret_start) {
        _cleanup_event_ yaml_event_t start = {}, item = {};
        char item_what[160];
        int r;

        r = expect_collection(p, &start, YAML_SEQUENCE_START_EVENT, what);
        if (r < 0)
                return r;
        if (ret_start)
                *ret_start = start.start_mark;

        for (size_t i = 0;; i++) {
                r = next_event(p, &item);
                if (r < 0)
                        return r;
                if (item.type == YAML_SEQUENCE_END_EVENT)
                        return 0;
                snprintf(item_what, sizeof(item_what), "%s[%zu]", what, i);
                r = check_string(p, &item, item_what);
                if (r >= 0)
                        r = fn(p, &item, item_what, userdata);
                if (r < 0)
                        return r;
        }
}

/* A keyword and what it stands for (not negative). */
/*
 * The next node as one of @n keywords: what it stands for. @expected lists them in messages; the
 * node's mark goes to *@ret_mark if wanted.
 */
static int parse_keyword(struct parser *p, const char *what, const struct keyword *words, size_t n,
                         const char *expected, yaml_mark_t *ret_mark) {
        _cleanup_event_ yaml_event_t ev = {};
        int r;

        r = expect_string(p, &ev, what);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++)
                if (streq(scalar(&ev), words[i].word)) {
                        assert(words[i].value >= 0);
                        if (ret_mark)
                                *ret_mark = ev.start_mark;
                        return words[i].value;
                }
        return fail(p, ev.start_mark, "%s must be %s, got %s", what, expected,
                    quote(p, ev.data.scalar.value, ev.data.scalar.length));
}

/* An absolute path the kernel will take, quoted in messages as @what. */
static int check_absolute_path(struct parser *p, const yaml_event_t *ev, const char *what, const char *expected) {
        const char *s = scalar(ev);
        size_t len = ev->data.scalar.length;

        if (s[0] != '/')
                return fail(p, ev->start_mark, "%s must be %s, got %s", what, expected, quote(p, s, len));
        if (len >= CONFIG_PATH_MAX)
                return fail_too_long(p, ev, what, len, CONFIG_PATH_MAX - 1);
        return 0;
}

/* "." or ".." anywhere would let two spellings of one mount point slip past the duplicate check. */
static bool path_has_dot_component(const char *path) {
        for (const char *c = path;;) {
                c += strspn(c, "/");
                size_t n = strcspn(c, "/");
                if (n == 0)
                        return false;
                if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
                        return true;
                c += n;
        }
}

/* Equal as paths: "/dev//container/" is "/dev/container". */
static bool path_equal(const char *a, const char *b) {
        for (;;) {
                a += strspn(a, "/");
                b += strspn(b, "/");
                size_t la = strcspn(a, "/"), lb = strcspn(b, "/");
                if (la != lb || memcmp(a, b, la) != 0)
                        return false;
                if (la == 0)
                        return true;
                a += la;
                b += lb;
        }
}

static bool path_is_root(const char *path) {
        return path[strspn(path, "/")] == '\0';
}

/* "//run//x/" becomes "/run/x": one spelling per directory, so that the daemon's prefix tests
 * (is a view below legacy_root?) and its links (a sibling gets a relative target) see one string. */
static void path_simplify(char *path) {
        char *out = path;

        for (const char *in = path; *in; in++)
                if (*in != '/' || out == path || out[-1] != '/')
                        *out++ = *in;
        if (out > path + 1 && out[-1] == '/')
                out--;
        *out = '\0';
}

/* A path the daemon mounts on, links at or assembles a tree in: absolute, one spelling, not "/". */
static int check_mount_path(struct parser *p, const yaml_event_t *ev, const char *what, const char *expected) {
        int r;

        r = check_absolute_path(p, ev, what, expected);
        if (r < 0)
                return r;
        if (path_has_dot_component(scalar(ev)))
                return fail(p, ev->start_mark, "%s must not contain \".\" or \"..\" components, got %s", what,
                            quote(p, ev->data.scalar.value, ev->data.scalar.length));
        /* A view or a tmpfs there would hide the whole file system. */
        if (path_is_root(scalar(ev)))
                return fail(p, ev->start_mark, "%s must not be the root directory, got %s", what,
                            quote(p, ev->data.scalar.value, ev->data.scalar.length));
        return 0;
}

/* check_absolute_path() or check_mount_path(). */
typedef int (*path_check_fn)(struct parser *p, const yaml_event_t *ev, const char *what, const char *expected);

/*
 * The next node as a path into *@dest, which @check must pass unless it is @exempt (a word that stands
 * for no path, like "auto" or ""; NULL for none); @expected says what is taken, in messages. The node's
 * mark goes to *@ret_mark if wanted.
 */
static int parse_path(struct parser *p, const char *what, const char *exempt, path_check_fn check,
                      const char *expected, char **dest, yaml_mark_t *ret_mark) {
        _cleanup_event_ yaml_event_t ev = {};
        int r;

        r = expect_string(p, &ev, what);
        if (r < 0)
                return r;
        if (!exempt || !streq(scalar(&ev), exempt)) {
                r = check(p, &ev, what, expected);
                if (r < 0)
                        return r;
        }
        if (ret_mark)
                *ret_mark = ev.start_mark;
        return take_string(&ev, dest);
}

/* A mapping's keys, each with the parser of its value. */
struct key_parser {
        const char *key;
        int (*parse)(struct parser *p, const char *what, void *userdata);
};

/* Reads keys and their values up to the end of a mapping whose start was just read. @section names
 * the mapping in messages ("" for the top level); seen[i] tells whether keys[i] was present. */
static int parse_mapping_body(struct parser *p, const char *section, const struct key_parser *keys,
                              size_t n_keys, bool *seen, void *userdata) {
        _cleanup_event_ yaml_event_t key = {};
        int r;

        for (;;) {
                const struct key_parser *k = NULL;
                char what[128];
                size_t i;

                r = next_event(p, &key);
                if (r < 0)
                        return r;
                if (key.type == YAML_MAPPING_END_EVENT)
                        return 0;
                if (!event_is_string(&key))
                        return fail(p, key.start_mark, "expected a string key in %s, got %s",
                                    section[0] ? section : "top-level mapping", describe_event(&key));

                for (i = 0; i < n_keys; i++)
                        if (strlen(keys[i].key) == key.data.scalar.length && streq(keys[i].key, scalar(&key))) {
                                k = &keys[i];
                                break;
                        }
                if (!k) {
                        const char *name = quote(p, key.data.scalar.value, key.data.scalar.length);
                        if (section[0])
                                return fail(p, key.start_mark, "unknown key %s in %s", name, section);
                        return fail(p, key.start_mark, "unknown top-level key %s", name);
                }
                if (seen[i]) {
                        if (section[0])
                                return fail(p, key.start_mark, "duplicate key \"%s\" in %s", k->key, section);
                        return fail(p, key.start_mark, "duplicate top-level key \"%s\"", k->key);
                }
                seen[i] = true;

                if (section[0])
                        snprintf(what, sizeof(what), "%s.%s", section, k->key);
                else
                        snprintf(what, sizeof(what), "%s", k->key);
                r = k->parse(p, what, userdata);
                if (r < 0)
                        return r;
        }
}

/* What the top-level keys are read into, and what the checks across keys need once all are read. */
struct loader {
        struct config *config;
        struct view_marks *view_marks; /* of config->views when the file lists them, else NULL */
        size_t n_view_marks;
};

static int parse_backend_root(struct parser *p, const char *what, void *userdata) {
        struct loader *l = userdata;
        return parse_path(p, what, "auto", check_absolute_path, "\"auto\" or an absolute path",
                          &l->config->backend_root, NULL);
}

static int parse_backend_leaf(struct parser *p, const char *what, void *userdata) {
        struct loader *l = userdata;
        _cleanup_event_ yaml_event_t ev = {};
        const char *s;
        size_t len;
        int r;

        /* It becomes one directory name under every group, and is hidden from the views by that name. */
        r = expect_name(p, &ev, what);
        if (r < 0)
                return r;
        s = scalar(&ev);
        len = ev.data.scalar.length;
        if (strchr(s, '/'))
                return fail(p, ev.start_mark, "%s must be a single path component, got %s", what, quote(p, s, len));
        if (streq(s, ".") || streq(s, ".."))
                return fail(p, ev.start_mark, "%s must not be \".\" or \"..\"", what);
        if (len > LEAF_MAX)
                return fail_too_long(p, &ev, what, len, LEAF_MAX);
        if (strchr(s, '\n'))
                return fail(p, ev.start_mark, "%s must not contain a newline", what);

        return take_string(&ev, &l->config->leaf);
}

static const struct key_parser backend_keys[] = {
        { "root", parse_backend_root },
        { "leaf", parse_backend_leaf },
};

static int parse_backend(struct parser *p, const char *what, void *userdata) {
        _cleanup_event_ yaml_event_t ev = {};
        bool seen[ELEMENTSOF(backend_keys)] = {};
        int r;

        r = expect_collection(p, &ev, YAML_MAPPING_START_EVENT, what);
        if (r < 0)
                return r;
        return parse_mapping_body(p, what, backend_keys, ELEMENTSOF(backend_keys), seen, userdata);
}

/* A release agent: an absolute path, or "" for none. */
static int parse_agent(struct parser *p, const char *what, char **dest, yaml_mark_t *ret_mark) {
        return parse_path(p, what, "", check_absolute_path, "an absolute path or \"\"", dest, ret_mark);
}

static int parse_release_agent(struct parser *p, const char *what, void *userdata) {
        struct loader *l = userdata;
        return parse_agent(p, what, &l->config->release_agent, NULL);
}

static int parse_legacy_root(struct parser *p, const char *what, void *userdata) {
        struct loader *l = userdata;
        return parse_path(p, what, "", check_mount_path, "an absolute path or \"\"", &l->config->legacy_root, NULL);
}

static int parse_runtime_dir(struct parser *p, const char *what, void *userdata) {
        struct loader *l = userdata;
        return parse_path(p, what, NULL, check_mount_path, "an absolute path", &l->config->runtime_dir, NULL);
}

/* on or off, in the words YAML users write for a boolean. */
static int parse_switch(struct parser *p, const char *what, bool *ret) {
        static const struct keyword words[] = {
                { "on", true },   { "true", true },   { "yes", true },
                { "off", false }, { "false", false }, { "no", false },
        };
        int r = parse_keyword(p, what, words, ELEMENTSOF(words), "on or off", NULL);
        if (r < 0)
                return r;
        *ret = r;
        return 0;
}

static int parse_audit(struct parser *p, const char *what, void *userdata) {
        struct loader *l = userdata;
        return parse_switch(p, what, &l->config->audit);
}

static int parse_page_cache(struct parser *p, const char *what, void *userdata) {
        struct loader *l = userdata;
        return parse_switch(p, what, &l->config->page_cache);
}

/* node_exporter's textfile collector reads only *.prom files: any other name would never be read. */
static int check_metrics_textfile(struct parser *p, const yaml_event_t *ev, const char *what, const char *expected) {
        const char *s = scalar(ev);
        size_t len = ev->data.scalar.length;
        int r;

        r = check_absolute_path(p, ev, what, expected);
        if (r < 0)
                return r;
        if (len <= strlen("/.prom") || !streq(s + len - strlen(".prom"), ".prom") || s[len - strlen(".prom") - 1] == '/')
                return fail(p, ev->start_mark, "%s must be a file whose name ends in \".prom\", got %s", what,
                            quote(p, s, len));
        return 0;
}

static int parse_metrics_textfile(struct parser *p, const char *what, void *userdata) {
        struct loader *l = userdata;
        return parse_path(p, what, "", check_metrics_textfile, "an absolute path or \"\"",
                          &l->config->metrics_textfile, NULL);
}

/* The units a duration takes, in milliseconds. */
static const struct {
        const char *unit;
        uint64_t ms;
} duration_units[] = {
        { "ms", 1 },
        { "s", 1000 },
        { "min", 60 * 1000 },
        { "h", 3600 * 1000 },
};

const char *config_format_duration(uint64_t ms, char *buf, size_t size) {
        size_t i = ELEMENTSOF(duration_units);

        /* The largest unit that divides it: "15s", not "15000ms". */
        while (i > 1 && (ms == 0 || ms % duration_units[i - 1].ms != 0))
                i--;
        snprintf(buf, size, "%" PRIu64 "%s", ms / duration_units[i - 1].ms, duration_units[i - 1].unit);
        return buf;
}

/* A whole number and a unit ("15s", "500ms", "2min", "1h"); a bare number is seconds, as YAML users write 15. */
static int parse_duration(struct parser *p, const char *what, uint64_t min_ms, uint64_t max_ms, uint64_t *ret) {
        _cleanup_event_ yaml_event_t ev = {};
        char low[32], high[32];
        const char *s, *unit;
        uint64_t n = 0, scale = 0;
        int r;

        r = expect_string(p, &ev, what);
        if (r < 0)
                return r;
        s = scalar(&ev);
        /* Saturated, so that a long number is out of range rather than not a number. */
        for (unit = s; *unit >= '0' && *unit <= '9'; unit++)
                n = n > (UINT64_MAX - 9) / 10 ? UINT64_MAX : n * 10 + (uint64_t) (*unit - '0');
        if (!unit[0] && unit > s)
                scale = 1000;
        for (size_t i = 0; unit > s && i < ELEMENTSOF(duration_units); i++)
                if (streq(unit, duration_units[i].unit))
                        scale = duration_units[i].ms;
        if (!scale)
                return fail(p, ev.start_mark, "%s must be a duration such as 15s, 500ms or 2min, got %s", what,
                            quote(p, ev.data.scalar.value, ev.data.scalar.length));
        if (n < min_ms / scale + (min_ms % scale != 0) || n > max_ms / scale)
                return fail(p, ev.start_mark, "%s must be between %s and %s, got %s", what,
                            config_format_duration(min_ms, low, sizeof(low)),
                            config_format_duration(max_ms, high, sizeof(high)),
                            quote(p, ev.data.scalar.value, ev.data.scalar.length));
        *ret = n * scale;
        return 0;
}

static int parse_metrics_interval(struct parser *p, const char *what, void *userdata) {
        struct loader *l = userdata;
        return parse_duration(p, what, METRICS_INTERVAL_MIN_MS, METRICS_INTERVAL_MAX_MS,
                              &l->config->metrics_interval_ms);
}

static int parse_unsupported(struct parser *p, const char *what, void *userdata) {
        static const struct keyword words[] = {
                { "store", UNSUPPORTED_STORE },
                { "reject", UNSUPPORTED_REJECT },
        };
        struct loader *l = userdata;
        int r = parse_keyword(p, what, words, ELEMENTSOF(words), "\"store\" or \"reject\"", NULL);
        if (r < 0)
                return r;
        l->config->unsupported = r;
        return 0;
}

/* Where a view's values were written: a later view that collides with one of them names its line. */
struct view_marks {
        yaml_mark_t start, flavor, mount, subsystems, name, release_agent;
        yaml_mark_t subsystem[SUBSYS__COUNT];
        yaml_mark_t *links; /* one per link */
};

/* The list being built, freed on error; the config's list is replaced only once it is complete. */
struct view_list {
        struct view_config *views;
        struct view_marks *marks;
        size_t n;
};

static void view_marks_free(struct view_marks *marks, size_t n) {
        for (size_t i = 0; i < n; i++)
                free(marks[i].links);
        free(marks);
}

static void view_list_free(struct view_list *l) {
        view_configs_free(l->views, l->n);
        view_marks_free(l->marks, l->n);
        *l = (struct view_list) {};
}

/* One entry of `views` while it is being read. */
struct view_entry {
        struct view_config view;
        struct view_marks marks;
        const struct view_list *list; /* the views before it */
        char section[32];             /* "views[N]" */
};

static void view_entry_done(struct view_entry *e) {
        view_config_free(&e->view);
        free(e->marks.links);
        e->marks.links = NULL;
}

static int view_list_append(struct view_list *l, struct view_entry *e) {
        struct view_config *views;
        struct view_marks *marks;

        views = reallocarray(l->views, l->n + 1, sizeof(*views));
        if (!views)
                return -ENOMEM;
        l->views = views;
        marks = reallocarray(l->marks, l->n + 1, sizeof(*marks));
        if (!marks)
                return -ENOMEM;
        l->marks = marks;

        l->views[l->n] = e->view;
        l->marks[l->n] = e->marks;
        l->n++;
        e->view = (struct view_config) {};
        e->marks.links = NULL;
        return 0;
}

static int parse_view_flavor(struct parser *p, const char *what, void *userdata) {
        struct view_entry *e = userdata;
        int r = parse_keyword(p, what, flavor_names, ELEMENTSOF(flavor_names), "\"container\", \"cgroup-v1\" or \"unified\"",
                              &e->marks.flavor);
        if (r < 0)
                return r;
        e->view.flavor = r;
        return 0;
}

static int parse_view_mount(struct parser *p, const char *what, void *userdata) {
        struct view_entry *e = userdata;
        return parse_path(p, what, NULL, check_mount_path, "an absolute path", &e->view.mount, &e->marks.mount);
}

static int add_view_subsystem(struct parser *p, const yaml_event_t *item, const char *item_what, void *userdata) {
        struct view_entry *e = userdata;
        const char *name;
        int s;

        s = subsystem_by_name(scalar(item));
        if (s < 0)
                return fail(p, item->start_mark, "%s: unknown subsystem %s", item_what,
                            quote(p, item->data.scalar.value, item->data.scalar.length));
        name = subsystem_get(s)->name;
        if (e->view.subsystems & SUBSYS_BIT(s))
                return fail(p, item->start_mark, "%s: duplicate subsystem \"%s\"", item_what, name);
        /* The kernel binds a subsystem to one hierarchy (EBUSY); a view is one. */
        for (size_t v = 0; v < e->list->n; v++)
                if (e->list->views[v].subsystems & SUBSYS_BIT(s))
                        return fail(p, item->start_mark,
                                    "%s: subsystem \"%s\" is already in views[%zu] (line %zu): "
                                    "a subsystem can be in one view only",
                                    item_what, name, v, e->list->marks[v].subsystem[s].line + 1);
        e->view.subsystems |= SUBSYS_BIT(s);
        e->marks.subsystem[s] = item->start_mark;
        return 0;
}

static int parse_view_subsystems(struct parser *p, const char *what, void *userdata) {
        struct view_entry *e = userdata;
        return parse_string_sequence(p, what, add_view_subsystem, e, &e->marks.subsystems);
}

/* The kernel's rules for name= (cgroup1_parse_param): "[\w.-]+", shorter than MAX_CGROUP_ROOT_NAMELEN (64). */
#define HIERARCHY_NAME_MAX (64 - 1)
#define HIERARCHY_NAME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-"

static int parse_view_name(struct parser *p, const char *what, void *userdata) {
        struct view_entry *e = userdata;
        _cleanup_event_ yaml_event_t ev = {};
        const char *s;
        size_t len;
        int r;

        r = expect_name(p, &ev, what);
        if (r < 0)
                return r;
        s = scalar(&ev);
        len = ev.data.scalar.length;
        if (len > HIERARCHY_NAME_MAX)
                return fail_too_long(p, &ev, what, len, HIERARCHY_NAME_MAX);
        if (strspn(s, HIERARCHY_NAME_CHARS) != len)
                return fail(p, ev.start_mark, "%s may hold only ASCII letters, digits, \"_\", \".\" and \"-\", got %s",
                            what, quote(p, s, len));
        e->marks.name = ev.start_mark;
        return take_string(&ev, &e->view.name);
}

static int view_entry_add_link(struct view_entry *e, const yaml_event_t *ev) {
        yaml_mark_t *marks;

        /* The marks first: there is always one per link. */
        marks = reallocarray(e->marks.links, e->view.n_links + 1, sizeof(*marks));
        if (!marks)
                return -ENOMEM;
        e->marks.links = marks;
        marks[e->view.n_links] = ev->start_mark;
        return view_config_add_link(&e->view, strndup(scalar(ev), ev->data.scalar.length));
}

static int add_view_link(struct parser *p, const yaml_event_t *item, const char *item_what, void *userdata) {
        int r = check_mount_path(p, item, item_what, "an absolute path");
        if (r < 0)
                return r;
        return view_entry_add_link(userdata, item);
}

static int parse_view_links(struct parser *p, const char *what, void *userdata) {
        return parse_string_sequence(p, what, add_view_link, userdata, NULL);
}

static int parse_view_release_agent(struct parser *p, const char *what, void *userdata) {
        struct view_entry *e = userdata;
        return parse_agent(p, what, &e->view.release_agent, &e->marks.release_agent);
}

enum {
        VIEW_KEY_FLAVOR,
        VIEW_KEY_MOUNT,
        VIEW_KEY_SUBSYSTEMS,
        VIEW_KEY_NAME,
        VIEW_KEY_LINKS,
        VIEW_KEY_RELEASE_AGENT,
};

static const struct key_parser view_keys[] = {
        [VIEW_KEY_FLAVOR] = { "flavor", parse_view_flavor },
        [VIEW_KEY_MOUNT] = { "mount", parse_view_mount },
        [VIEW_KEY_SUBSYSTEMS] = { "subsystems", parse_view_subsystems },
        [VIEW_KEY_NAME] = { "name", parse_view_name },
        [VIEW_KEY_LINKS] = { "links", parse_view_links },
        [VIEW_KEY_RELEASE_AGENT] = { "release_agent", parse_view_release_agent },
};

/* Whether @path is already the mount or one of the first @n_links links of views[@index]; if so, says
 * which in @desc and where it was written in *ret_mark. */
static bool path_taken(const struct view_config *v, const struct view_marks *m, size_t index, size_t n_links,
                       const char *path, char *desc, size_t size, yaml_mark_t *ret_mark) {
        if (path_equal(v->mount, path)) {
                snprintf(desc, size, "the mount of views[%zu]", index);
                *ret_mark = m->mount;
                return true;
        }
        for (size_t k = 0; k < n_links; k++)
                if (path_equal(v->links[k], path)) {
                        snprintf(desc, size, "views[%zu].links[%zu]", index, k);
                        *ret_mark = m->links[k];
                        return true;
                }
        return false;
}

/* @path (the entry's mount, or its links[@link]) against the views before the entry, and a link also
 * against the entry's mount and earlier links: two views on one directory would hide one another,
 * and a link in the way of a mount or of another link could not be made. */
static int check_path_free(struct parser *p, const struct view_entry *e, const char *what, const char *path,
                           yaml_mark_t mark, bool is_link, size_t link) {
        char desc[64];
        yaml_mark_t where;
        bool taken = false;

        for (size_t i = 0; i < e->list->n && !taken; i++)
                taken = path_taken(&e->list->views[i], &e->list->marks[i], i, e->list->views[i].n_links, path, desc,
                                   sizeof(desc), &where);
        if (!taken && is_link)
                taken = path_taken(&e->view, &e->marks, e->list->n, link, path, desc, sizeof(desc), &where);
        if (taken)
                return fail(p, mark, "%s %s is already %s (line %zu)", what, quote(p, path, strlen(path)), desc,
                            where.line + 1);
        return 0;
}

/* The rules that need the whole entry, or the views before it. */
static int check_view(struct parser *p, const struct view_entry *e, const bool *seen) {
        static const int required[] = { VIEW_KEY_FLAVOR, VIEW_KEY_MOUNT };
        const struct view_config *v = &e->view;
        char key[256], other[256], what[64];
        int r;

        for (size_t i = 0; i < ELEMENTSOF(required); i++)
                if (!seen[required[i]])
                        return fail(p, e->marks.start, "%s is missing required key \"%s\"", e->section,
                                    view_keys[required[i]].key);

        if (v->flavor != FLAVOR_CGROUP_V1) {
                if (seen[VIEW_KEY_SUBSYSTEMS])
                        return fail(p, e->marks.subsystems, "%s.subsystems: only a cgroup-v1 view has subsystems",
                                    e->section);
                if (seen[VIEW_KEY_NAME])
                        return fail(p, e->marks.name, "%s.name: only a cgroup-v1 view has a name", e->section);
                /* cgroup2 has no release agent: cgroup.events tells who watches it. */
                if (v->flavor == FLAVOR_UNIFIED && seen[VIEW_KEY_RELEASE_AGENT])
                        return fail(p, e->marks.release_agent, "%s.release_agent: a unified view has no release agent",
                                    e->section);
        } else if (!v->subsystems && !v->name)
                /* As the kernel's "none" without name=: nothing would tell the hierarchy apart. */
                return fail(p, e->marks.start, "%s: a cgroup-v1 view needs subsystems or a name", e->section);

        /* The key names the view's own state (release_agent, ...): one view per key. */
        r = view_config_key(v, key, sizeof(key));
        if (r < 0)
                return r;
        for (size_t i = 0; i < e->list->n; i++) {
                r = view_config_key(&e->list->views[i], other, sizeof(other));
                if (r < 0)
                        return r;
                if (streq(key, other))
                        return fail(p, v->name ? e->marks.name : e->marks.flavor,
                                    "%s is the same hierarchy \"%s\" as views[%zu] (line %zu)", e->section, key, i,
                                    e->list->marks[i].start.line + 1);
        }

        snprintf(what, sizeof(what), "%s.mount", e->section);
        r = check_path_free(p, e, what, v->mount, e->marks.mount, false, 0);
        if (r < 0)
                return r;
        for (size_t k = 0; k < v->n_links; k++) {
                snprintf(what, sizeof(what), "%s.links[%zu]", e->section, k);
                r = check_path_free(p, e, what, v->links[k], e->marks.links[k], true, k);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int parse_view(struct parser *p, struct view_list *list, const yaml_event_t *start) {
        _cleanup_(view_entry_done) struct view_entry e = { .list = list, .marks.start = start->start_mark };
        bool seen[ELEMENTSOF(view_keys)] = {};
        int r;

        snprintf(e.section, sizeof(e.section), "views[%zu]", list->n);
        r = parse_mapping_body(p, e.section, view_keys, ELEMENTSOF(view_keys), seen, &e);
        if (r < 0)
                return r;
        r = check_view(p, &e, seen);
        if (r < 0)
                return r;
        return view_list_append(list, &e);
}

static int parse_views(struct parser *p, const char *what, void *userdata) {
        struct loader *l = userdata;
        struct config *c = l->config;
        _cleanup_event_ yaml_event_t start = {}, item = {};
        _cleanup_(view_list_free) struct view_list list = {};
        int r;

        r = expect_collection(p, &start, YAML_SEQUENCE_START_EVENT, what);
        if (r < 0)
                return r;

        for (;;) {
                r = next_event(p, &item);
                if (r < 0)
                        return r;
                if (item.type == YAML_SEQUENCE_END_EVENT)
                        break;
                if (item.type != YAML_MAPPING_START_EVENT)
                        return fail(p, item.start_mark, "expected a mapping for %s[%zu], got %s", what, list.n,
                                    describe_event(&item));
                r = parse_view(p, &list, &item);
                if (r < 0)
                        return r;
        }

        /* A daemon with no view would serve nothing; that is a mistake, not a choice. */
        if (list.n == 0)
                return fail(p, start.start_mark, "%s must list at least one view", what);

        view_configs_free(c->views, c->n_views);
        c->views = TAKE_PTR(list.views);
        c->n_views = list.n;
        assert(!l->view_marks); /* a second `views` is a duplicate key */
        l->view_marks = TAKE_PTR(list.marks);
        l->n_view_marks = list.n;
        list.n = 0;
        return 0;
}

enum {
        TOP_KEY_BACKEND,
        TOP_KEY_RELEASE_AGENT,
        TOP_KEY_LEGACY_ROOT,
        TOP_KEY_UNSUPPORTED,
        TOP_KEY_RUNTIME_DIR,
        TOP_KEY_AUDIT,
        TOP_KEY_PAGE_CACHE,
        TOP_KEY_METRICS_TEXTFILE,
        TOP_KEY_METRICS_INTERVAL,
        TOP_KEY_VIEWS,
};

static const struct key_parser top_keys[] = {
        [TOP_KEY_BACKEND] = { "backend", parse_backend },
        [TOP_KEY_RELEASE_AGENT] = { "release_agent", parse_release_agent },
        [TOP_KEY_LEGACY_ROOT] = { "legacy_root", parse_legacy_root },
        [TOP_KEY_UNSUPPORTED] = { "unsupported", parse_unsupported },
        [TOP_KEY_RUNTIME_DIR] = { "runtime_dir", parse_runtime_dir },
        [TOP_KEY_AUDIT] = { "audit", parse_audit },
        [TOP_KEY_PAGE_CACHE] = { "page_cache", parse_page_cache },
        [TOP_KEY_METRICS_TEXTFILE] = { "metrics_textfile", parse_metrics_textfile },
        [TOP_KEY_METRICS_INTERVAL] = { "metrics_interval", parse_metrics_interval },
        [TOP_KEY_VIEWS] = { "views", parse_views },
};

/* The rules across keys, once the whole document is read. */
static int finish_config(struct parser *p, struct loader *l, const bool *seen) {
        struct config *c = l->config;
        int r;

        if (seen[TOP_KEY_LEGACY_ROOT] && !seen[TOP_KEY_VIEWS]) {
                /* The built-in layout lives below legacy_root, so it moves with it. */
                struct view_config *views;
                size_t n;

                r = default_views(c->legacy_root, &views, &n);
                if (r < 0)
                        return r;
                view_configs_free(c->views, c->n_views);
                c->views = views;
                c->n_views = n;
        }

        /* The daemon mounts a tmpfs on legacy_root to hold views and links: none can be that directory. */
        if (l->view_marks && c->legacy_root[0])
                for (size_t i = 0; i < c->n_views; i++) {
                        const struct view_config *v = &c->views[i];

                        if (path_equal(v->mount, c->legacy_root))
                                return fail(p, l->view_marks[i].mount,
                                            "views[%zu].mount %s is legacy_root itself: mount views below it", i,
                                            quote(p, v->mount, strlen(v->mount)));
                        for (size_t k = 0; k < v->n_links; k++)
                                if (path_equal(v->links[k], c->legacy_root))
                                        return fail(p, l->view_marks[i].links[k],
                                                    "views[%zu].links[%zu] %s is legacy_root itself: make links below it",
                                                    i, k, quote(p, v->links[k], strlen(v->links[k])));
                }

        path_simplify(c->legacy_root);
        path_simplify(c->runtime_dir);
        path_simplify(c->metrics_textfile);
        for (size_t i = 0; i < c->n_views; i++) {
                path_simplify(c->views[i].mount);
                for (size_t k = 0; k < c->views[i].n_links; k++)
                        path_simplify(c->views[i].links[k]);
        }
        return 0;
}

static int parse_stream(struct parser *p, struct loader *l) {
        _cleanup_event_ yaml_event_t ev = {};
        bool seen[ELEMENTSOF(top_keys)] = {};
        int r;

        r = next_event(p, &ev);
        if (r < 0)
                return r;
        if (ev.type != YAML_STREAM_START_EVENT)
                return fail(p, ev.start_mark, "expected the start of the YAML stream");

        r = next_event(p, &ev);
        if (r < 0)
                return r;
        if (ev.type == YAML_STREAM_END_EVENT)
                return 0; /* nothing but comments, or nothing at all */
        if (ev.type != YAML_DOCUMENT_START_EVENT)
                return fail(p, ev.start_mark, "expected a YAML document");

        r = next_event(p, &ev);
        if (r < 0)
                return r;
        if (ev.type == YAML_MAPPING_START_EVENT) {
                r = parse_mapping_body(p, "", top_keys, ELEMENTSOF(top_keys), seen, l);
                if (r < 0)
                        return r;
        } else if (!event_is_null(&ev)) /* "---" alone is an empty document */
                return fail(p, ev.start_mark, "expected a mapping at the top level, got %s", describe_event(&ev));

        r = next_event(p, &ev);
        if (r < 0)
                return r;
        if (ev.type != YAML_DOCUMENT_END_EVENT)
                return fail(p, ev.start_mark, "expected the end of the YAML document");

        r = next_event(p, &ev);
        if (r < 0)
                return r;
        if (ev.type == YAML_DOCUMENT_START_EVENT)
                return fail(p, ev.start_mark, "multiple YAML documents are not supported");
        if (ev.type != YAML_STREAM_END_EVENT)
                return fail(p, ev.start_mark, "expected the end of the YAML stream");

        return finish_config(p, l, seen);
}

int config_load_string(const char *name, const char *text, size_t len, struct config *ret, char **ret_error) {
        _cleanup_(config_free) struct config c = {};
        struct loader l = { .config = &c };
        struct parser p = {
                .name = name,
                .text = (const unsigned char *) text,
                .len = len,
        };
        int r;

        if (ret_error)
                *ret_error = NULL;

        r = config_defaults(&c);
        if (r < 0)
                return r;

        if (!yaml_parser_initialize(&p.yaml))
                return -ENOMEM;
        yaml_parser_set_input_string(&p.yaml, p.text, len);
        r = parse_stream(&p, &l);
        yaml_parser_delete(&p.yaml);
        view_marks_free(l.view_marks, l.n_view_marks);
        if (r < 0) {
                if (ret_error)
                        *ret_error = TAKE_PTR(p.error);
                free(p.error);
                return r;
        }

        *ret = c;
        c = (struct config) {};
        return 0;
}

static int read_config_file(int fd, char **ret, size_t *ret_len) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0, allocated = 0;
        struct stat st;

        if (fstat(fd, &st) < 0)
                return negative_errno();
        if (S_ISDIR(st.st_mode))
                return -EISDIR;

        for (;;) {
                if (allocated - size < 4096) {
                        /* Room for one byte past the limit, to tell "at the limit" from "over it". */
                        size_t want = allocated ? allocated * 2 : 4096;
                        if (want > CONFIG_FILE_MAX + 1)
                                want = CONFIG_FILE_MAX + 1;
                        if (want <= size)
                                return -EFBIG;
                        char *grown = realloc(buf, want);
                        if (!grown)
                                return -ENOMEM;
                        buf = grown;
                        allocated = want;
                }
                ssize_t n = read(fd, buf + size, allocated - size);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return negative_errno();
                }
                if (n == 0)
                        break;
                size += n;
                if (size > CONFIG_FILE_MAX)
                        return -EFBIG;
        }

        *ret = TAKE_PTR(buf);
        *ret_len = size;
        return 0;
}

int config_load(const char *path, struct config *ret, char **ret_error) {
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        int r;

        if (ret_error)
                *ret_error = NULL;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                r = negative_errno();
        else
                r = read_config_file(fd, &text, &len);
        if (r < 0) {
                if (ret_error && r != -ENOMEM && asprintf(ret_error, "%s: %s", path, strerror(-r)) < 0)
                        *ret_error = NULL;
                return r;
        }

        return config_load_string(path, text ?: "", len, ret, ret_error);
}
