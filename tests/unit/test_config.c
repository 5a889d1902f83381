/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <criterion/criterion.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compat/macro.h"
#include "conf/config.h"

/* The distributions' layout, as config_defaults() builds it: key, mount, links. */
static const struct {
        const char *key;
        const char *mount;
        const char *links[2];
} default_layout[] = {
        { "container", "/dev/container", {} },
        { "cpu,cpuacct", "/run/cgcompat/cgroup/cpu,cpuacct", { "/run/cgcompat/cgroup/cpu", "/run/cgcompat/cgroup/cpuacct" } },
        { "cpuset", "/run/cgcompat/cgroup/cpuset", {} },
        { "memory", "/run/cgcompat/cgroup/memory", {} },
        { "blkio", "/run/cgcompat/cgroup/blkio", {} },
        { "pids", "/run/cgcompat/cgroup/pids", {} },
        { "freezer", "/run/cgcompat/cgroup/freezer", {} },
        { "devices", "/run/cgcompat/cgroup/devices", {} },
        { "hugetlb", "/run/cgcompat/cgroup/hugetlb", {} },
        { "net_cls,net_prio", "/run/cgcompat/cgroup/net_cls,net_prio",
          { "/run/cgcompat/cgroup/net_cls", "/run/cgcompat/cgroup/net_prio" } },
        { "perf_event", "/run/cgcompat/cgroup/perf_event", {} },
        { "name=systemd", "/run/cgcompat/cgroup/systemd", {} },
        /* The hybrid layout's cgroup2, a view of the tree like the others. */
        { "unified", "/run/cgcompat/cgroup/unified", {} },
};

static void assert_key(const struct view_config *v, const char *expected) {
        char key[256];

        cr_assert_eq(view_config_key(v, key, sizeof(key)), 0);
        cr_assert_str_eq(key, expected);
}

/* The default views, below @legacy_root ("/run/cgcompat/cgroup" by default), or only the first with none. */
static void assert_default_views_below(const struct config *c, const char *legacy_root) {
        size_t n = legacy_root[0] ? ELEMENTSOF(default_layout) : 1;

        cr_assert_eq(c->n_views, n);
        for (size_t i = 0; i < n; i++) {
                const struct view_config *v = &c->views[i];
                size_t n_links = 0;
                char mount[256];

                snprintf(mount, sizeof(mount), "%s%s", legacy_root,
                         default_layout[i].mount + (i ? strlen("/run/cgcompat/cgroup") : 0));
                /* The container API and cgroup2 are named by their flavour, the v1 hierarchies by subsystems or name. */
                cr_assert_eq(v->flavor, !strcmp(default_layout[i].key, "container") ? FLAVOR_CONTAINER
                                        : !strcmp(default_layout[i].key, "unified") ? FLAVOR_UNIFIED
                                                                                   : FLAVOR_CGROUP_V1,
                             "views[%zu]", i);
                assert_key(v, default_layout[i].key);
                cr_assert_str_eq(v->mount, i ? mount : "/dev/container");
                cr_assert_null(v->release_agent, "views[%zu]", i);
                while (n_links < ELEMENTSOF(default_layout[i].links) && default_layout[i].links[n_links]) {
                        char link[256];

                        snprintf(link, sizeof(link), "%s%s", legacy_root,
                                 default_layout[i].links[n_links] + strlen("/run/cgcompat/cgroup"));
                        cr_assert_lt(n_links, v->n_links, "views[%zu] has too few links", i);
                        cr_assert_str_eq(v->links[n_links], link);
                        n_links++;
                }
                cr_assert_eq(v->n_links, n_links, "views[%zu]", i);
        }
        /* The subsystem sets behind the keys: the one named hierarchy has none. */
        if (n > 1) {
                cr_assert_eq(c->views[1].subsystems, SUBSYS_BIT(SUBSYS_CPU) | SUBSYS_BIT(SUBSYS_CPUACCT));
                cr_assert_str_eq(c->views[11].name, "systemd");
                cr_assert_eq(c->views[11].subsystems, 0);
        }
}

static void assert_defaults(const struct config *c) {
        cr_assert_str_eq(c->backend_root, "auto");
        cr_assert_str_eq(c->leaf, ".tasks");
        cr_assert_str_eq(c->release_agent, "/sbin/container_release_agent");
        cr_assert_str_eq(c->legacy_root, "/run/cgcompat/cgroup");
        cr_assert_eq(c->unsupported, UNSUPPORTED_STORE);
        cr_assert_str_eq(c->runtime_dir, "/run/cgcompat");
        cr_assert_eq(c->audit, false);
        cr_assert_eq(c->page_cache, false);
        cr_assert_str_eq(c->metrics_textfile, "");
        cr_assert_eq(c->metrics_interval_ms, 15000);
        assert_default_views_below(c, "/run/cgcompat/cgroup");
}

static bool str_equal(const char *a, const char *b) {
        return a == b || (a && b && strcmp(a, b) == 0);
}

/* Member by member, every view and link included. */
static void assert_config_equal(const struct config *a, const struct config *b) {
        cr_assert_str_eq(a->backend_root, b->backend_root);
        cr_assert_str_eq(a->runtime_dir, b->runtime_dir);
        cr_assert_eq(a->audit, b->audit);
        cr_assert_eq(a->page_cache, b->page_cache);
        cr_assert_str_eq(a->metrics_textfile, b->metrics_textfile);
        cr_assert_eq(a->metrics_interval_ms, b->metrics_interval_ms);
        cr_assert_str_eq(a->leaf, b->leaf);
        cr_assert_str_eq(a->release_agent, b->release_agent);
        cr_assert_str_eq(a->legacy_root, b->legacy_root);
        cr_assert_eq(a->unsupported, b->unsupported);
        cr_assert_eq(a->n_views, b->n_views);
        for (size_t i = 0; i < a->n_views; i++) {
                const struct view_config *u = &a->views[i], *v = &b->views[i];

                cr_assert_eq(u->flavor, v->flavor, "views[%zu]", i);
                cr_assert_str_eq(u->mount, v->mount, "views[%zu]", i);
                cr_assert_eq(u->subsystems, v->subsystems, "views[%zu]", i);
                cr_assert(str_equal(u->name, v->name), "views[%zu].name", i);
                cr_assert(str_equal(u->release_agent, v->release_agent), "views[%zu].release_agent", i);
                cr_assert_eq(u->n_links, v->n_links, "views[%zu]", i);
                for (size_t k = 0; k < u->n_links; k++)
                        cr_assert_str_eq(u->links[k], v->links[k], "views[%zu].links[%zu]", i, k);
        }
}

static int load(const char *text, struct config *c, char **error) {
        return config_load_string("test.yaml", text, strlen(text), c, error);
}

static void assert_good(const char *text, struct config *c) {
        _cleanup_free_ char *error = NULL;
        int r = load(text, c, &error);
        cr_assert_eq(r, 0, "load failed: %d %s", r, error ?: "(no message)");
        cr_assert_null(error);
}

/* Every bad input: -EINVAL, the exact message, and the caller's config left alone. */
static void assert_bad(const char *text, const char *expected) {
        struct config c = { .leaf = (char *) "untouched" };
        _cleanup_free_ char *error = NULL;

        cr_assert_eq(load(text, &c, &error), -EINVAL, "input accepted: %s", text);
        cr_assert_str_eq(error, expected);
        cr_assert_str_eq(c.leaf, "untouched");
        cr_assert_null(c.views);
}

/* A temporary file holding @text; returns its malloc'd path. */
static char *write_temp(const char *text) {
        char *path = strdup("/tmp/test_config.XXXXXX");
        cr_assert_not_null(path);
        int fd = mkstemp(path);
        cr_assert_geq(fd, 0);
        cr_assert_eq(write(fd, text, strlen(text)), (ssize_t) strlen(text));
        close(fd);
        return path;
}

Test(config, defaults) {
        struct config c;

        cr_assert_eq(config_defaults(&c), 0);
        assert_defaults(&c);
        config_free(&c);
        cr_assert_null(c.views);
        cr_assert_eq(c.n_views, 0);
        config_free(&c); /* twice is harmless */
}

/*
 * compat.conf.yaml spells out every default: loading it changes nothing, but for the metrics
 * file, which the installed configuration puts where Debian's node_exporter looks.
 */
Test(config, shipped_file_is_the_defaults) {
        struct config c, defaults;
        _cleanup_free_ char *error = NULL;

        cr_assert_eq(config_load("compat.conf.yaml", &c, &error), 0, "%s", error ?: "");
        cr_assert_null(error);
        cr_assert_eq(config_defaults(&defaults), 0);
        cr_assert_str_eq(c.metrics_textfile, "/var/lib/prometheus/node-exporter/cgcompat.prom");
        free(c.metrics_textfile);
        c.metrics_textfile = strdup("");
        cr_assert_not_null(c.metrics_textfile);
        assert_config_equal(&c, &defaults);
        assert_defaults(&c);
        config_free(&c);
        config_free(&defaults);
}

Test(config, empty_inputs_are_the_defaults) {
        static const char *const inputs[] = { "", "\n", "# only a comment\n", "---\n", "---\n...\n", "{}" };

        for (size_t i = 0; i < ELEMENTSOF(inputs); i++) {
                struct config c;
                assert_good(inputs[i], &c);
                assert_defaults(&c);
                config_free(&c);
        }
}

Test(config, two_views) {
        struct config c;

        assert_good("backend:\n"
                    "  root: /sys/fs/cgroup/legacy\n"
                    "  leaf: _self\n"
                    "release_agent: /usr/libexec/agent\n"
                    "views:\n"
                    "  - flavor: cgroup-v1\n"
                    "    subsystems: [cpu]\n"
                    "    mount: /sys/fs/cgroup/cpu\n"
                    "  - mount: /dev/container\n"
                    "    flavor: container\n",
                    &c);
        cr_assert_str_eq(c.backend_root, "/sys/fs/cgroup/legacy");
        cr_assert_str_eq(c.leaf, "_self");
        cr_assert_str_eq(c.release_agent, "/usr/libexec/agent");
        cr_assert_eq(c.n_views, 2);
        cr_assert_eq(c.views[0].flavor, FLAVOR_CGROUP_V1);
        cr_assert_str_eq(c.views[0].mount, "/sys/fs/cgroup/cpu");
        cr_assert_eq(c.views[0].subsystems, SUBSYS_BIT(SUBSYS_CPU));
        cr_assert_eq(c.views[1].flavor, FLAVOR_CONTAINER);
        cr_assert_str_eq(c.views[1].mount, "/dev/container");
        config_free(&c);
}

Test(config, flow_style_and_quoting) {
        struct config c;

        assert_good("{backend: {leaf: \"x y\"}, views: [{flavor: 'cgroup-v1', mount: \"/a\", subsystems: [\"pids\"]}]}", &c);
        cr_assert_str_eq(c.backend_root, "auto");
        cr_assert_str_eq(c.leaf, "x y");
        cr_assert_eq(c.n_views, 1);
        cr_assert_eq(c.views[0].flavor, FLAVOR_CGROUP_V1);
        cr_assert_str_eq(c.views[0].mount, "/a");
        config_free(&c);
}

Test(config, absent_keys_keep_defaults) {
        struct config c;

        assert_good("backend:\n  leaf: own\n", &c);
        cr_assert_str_eq(c.backend_root, "auto");
        cr_assert_str_eq(c.leaf, "own");
        cr_assert_str_eq(c.release_agent, "/sbin/container_release_agent");
        cr_assert_str_eq(c.legacy_root, "/run/cgcompat/cgroup");
        cr_assert_eq(c.unsupported, UNSUPPORTED_STORE);
        assert_default_views_below(&c, "/run/cgcompat/cgroup");
        config_free(&c);

        assert_good("backend: {}\n", &c);
        assert_defaults(&c);
        config_free(&c);
}

Test(config, views_replace_the_default) {
        struct config c;

        assert_good("views:\n  - {flavor: cgroup-v1, mount: /mnt/v1, name: x}\n", &c);
        cr_assert_eq(c.n_views, 1);
        cr_assert_eq(c.views[0].flavor, FLAVOR_CGROUP_V1);
        cr_assert_str_eq(c.views[0].mount, "/mnt/v1");
        cr_assert_str_eq(c.views[0].name, "x");
        cr_assert_eq(c.views[0].subsystems, 0);
        cr_assert_eq(c.views[0].n_links, 0);
        cr_assert_null(c.views[0].release_agent);
        /* The defaults' legacy root stays, with nothing below it. */
        cr_assert_str_eq(c.legacy_root, "/run/cgcompat/cgroup");
        config_free(&c);
}

Test(config, empty_release_agent_means_none) {
        struct config c;

        assert_good("release_agent: \"\"\n", &c);
        cr_assert_str_eq(c.release_agent, "");
        config_free(&c);

        assert_good("release_agent: ''\n", &c);
        cr_assert_str_eq(c.release_agent, "");
        config_free(&c);
}

Test(config, explicit_string_tag_is_fine) {
        struct config c;

        assert_good("backend: !!map {leaf: !!str 123}\n", &c);
        cr_assert_str_eq(c.leaf, "123");
        config_free(&c);
}

Test(config, length_limits) {
        struct config c;
        char text[8192];
        char name[300];

        /* NAME_MAX bytes is a valid leaf, one more is not. */
        memset(name, 'l', 255);
        name[255] = '\0';
        snprintf(text, sizeof(text), "backend: {leaf: %s}", name);
        assert_good(text, &c);
        cr_assert_eq(strlen(c.leaf), 255);
        config_free(&c);
        snprintf(text, sizeof(text), "backend: {leaf: %sl}", name);
        assert_bad(text, "test.yaml:1:17: backend.leaf is too long (256 bytes, at most 255)");

        /* The release agent must be shorter than PATH_MAX, as the kernel's. */
        char agent[4097];
        agent[0] = '/';
        memset(agent + 1, 'a', 4094);
        agent[4095] = '\0';
        snprintf(text, sizeof(text), "release_agent: %s", agent);
        assert_good(text, &c);
        cr_assert_eq(strlen(c.release_agent), 4095);
        config_free(&c);
        snprintf(text, sizeof(text), "release_agent: %sa", agent);
        assert_bad(text, "test.yaml:1:16: release_agent is too long (4096 bytes, at most 4095)");
}

Test(config, error_message_is_optional) {
        struct config c;

        cr_assert_eq(config_load_string("x", "views: []", 9, &c, NULL), -EINVAL);
        cr_assert_eq(config_load("/nonexistent/compat.conf.yaml", &c, NULL), -ENOENT);
}

Test(config, unknown_key_in_file) {
        struct config c;
        _cleanup_free_ char *path = write_temp("# comment\nbackend:\n  rooot: /x\n");
        _cleanup_free_ char *error = NULL;
        _cleanup_free_ char *expected = NULL;

        cr_assert_eq(config_load(path, &c, &error), -EINVAL);
        cr_assert_geq(asprintf(&expected, "%s:3:3: unknown key \"rooot\" in backend", path), 0);
        cr_assert_str_eq(error, expected);
        unlink(path);
}

Test(config, unknown_keys) {
        assert_bad("backend:\n  root: auto\n  rooot: /x\n", "test.yaml:3:3: unknown key \"rooot\" in backend");
        assert_bad("\nviews_: []\n", "test.yaml:2:1: unknown top-level key \"views_\"");
        assert_bad("views:\n  - flavor: container\n    mount: /a\n    mnt: /b\n",
                   "test.yaml:4:5: unknown key \"mnt\" in views[0]");
        /* The key is escaped so the message stays on one line. */
        assert_bad("\"a\\nb\": 1\n", "test.yaml:1:1: unknown top-level key \"a\\nb\"");
}

Test(config, wrong_types) {
        assert_bad("backend: [root]\n", "test.yaml:1:10: expected a mapping for backend, got a sequence");
        assert_bad("backend: auto\n", "test.yaml:1:10: expected a mapping for backend, got a string");
        assert_bad("backend:\n", "test.yaml:1:9: expected a mapping for backend, got null");
        assert_bad("backend:\n  root:\n    path: /x\n",
                   "test.yaml:3:5: expected a string for backend.root, got a mapping");
        assert_bad("backend: {leaf: [a]}\n", "test.yaml:1:17: expected a string for backend.leaf, got a sequence");
        assert_bad("release_agent:\n", "test.yaml:1:15: expected a string for release_agent, got null");
        assert_bad("release_agent: ~\n", "test.yaml:1:16: expected a string for release_agent, got null");
        assert_bad("views:\n  flavor: container\n", "test.yaml:2:3: expected a sequence for views, got a mapping");
        assert_bad("views: /dev/container\n", "test.yaml:1:8: expected a sequence for views, got a string");
        assert_bad("views:\n  - /dev/container\n", "test.yaml:2:5: expected a mapping for views[0], got a string");
        assert_bad("views:\n  - {flavor: container, mount: /a}\n  - [cgroup-v1]\n",
                   "test.yaml:3:5: expected a mapping for views[1], got a sequence");
        assert_bad("- backend\n", "test.yaml:1:1: expected a mapping at the top level, got a sequence");
        assert_bad("backend\n", "test.yaml:1:1: expected a mapping at the top level, got a string");
        assert_bad("? [a]\n: b\n", "test.yaml:1:3: expected a string key in top-level mapping, got a sequence");
        assert_bad("backend: {~: x}\n", "test.yaml:1:11: expected a string key in backend, got null");
        assert_bad("release_agent: !!int 5\n", "test.yaml:1:16: unsupported YAML tag \"tag:yaml.org,2002:int\"");
        assert_bad("release_agent: \"/a\\0b\"\n", "test.yaml:1:16: release_agent must not contain a NUL byte");
}

Test(config, bad_root) {
        assert_bad("backend:\n  root: sys/fs/cgroup\n",
                   "test.yaml:2:9: backend.root must be \"auto\" or an absolute path, got \"sys/fs/cgroup\"");
        assert_bad("backend: {root: \"\"}\n", "test.yaml:1:17: backend.root must be \"auto\" or an absolute path, got \"\"");
        assert_bad("backend: {root: Auto}\n",
                   "test.yaml:1:17: backend.root must be \"auto\" or an absolute path, got \"Auto\"");
}

Test(config, bad_leaf) {
        assert_bad("backend:\n  leaf: a/b\n", "test.yaml:2:9: backend.leaf must be a single path component, got \"a/b\"");
        assert_bad("backend:\n  leaf: ..\n", "test.yaml:2:9: backend.leaf must not be \".\" or \"..\"");
        assert_bad("backend:\n  leaf: .\n", "test.yaml:2:9: backend.leaf must not be \".\" or \"..\"");
        assert_bad("backend:\n  leaf: \"\"\n", "test.yaml:2:9: backend.leaf must not be empty");
        assert_bad("backend:\n  leaf: \"a\\nb\"\n", "test.yaml:2:9: backend.leaf must not contain a newline");
}

Test(config, bad_release_agent) {
        assert_bad("release_agent: container_release_agent\n",
                   "test.yaml:1:16: release_agent must be an absolute path or \"\", got \"container_release_agent\"");
}

Test(config, bad_flavor) {
        assert_bad("views:\n  - flavor: cgroup-v2\n    mount: /a\n",
                   "test.yaml:2:13: views[0].flavor must be \"container\", \"cgroup-v1\" or \"unified\", got \"cgroup-v2\"");
}

Test(config, missing_keys_in_view) {
        assert_bad("views:\n  - flavor: container\n", "test.yaml:2:5: views[0] is missing required key \"mount\"");
        assert_bad("views:\n  - {flavor: container, mount: /a}\n  - mount: /b\n",
                   "test.yaml:3:5: views[1] is missing required key \"flavor\"");
        assert_bad("views: [{}]\n", "test.yaml:1:9: views[0] is missing required key \"flavor\"");
}

Test(config, bad_mount) {
        assert_bad("views:\n  - flavor: container\n    mount: dev/container\n",
                   "test.yaml:3:12: views[0].mount must be an absolute path, got \"dev/container\"");
        assert_bad("views:\n  - flavor: container\n    mount: /dev/../dev/container\n",
                   "test.yaml:3:12: views[0].mount must not contain \".\" or \"..\" components, "
                   "got \"/dev/../dev/container\"");
}

Test(config, duplicate_mount) {
        assert_bad("views:\n"
                   "  - flavor: container\n"
                   "    mount: /dev/container\n"
                   "  - flavor: cgroup-v1\n"
                   "    name: x\n"
                   "    mount: /dev/container\n",
                   "test.yaml:6:12: views[1].mount \"/dev/container\" is already the mount of views[0] (line 3)");
        /* The same directory spelt differently is still the same mount point. */
        assert_bad("views:\n"
                   "  - {flavor: container, mount: /a}\n"
                   "  - {flavor: cgroup-v1, mount: /b, name: b}\n"
                   "  - {flavor: cgroup-v1, mount: //b/, name: c}\n",
                   "test.yaml:4:32: views[2].mount \"//b/\" is already the mount of views[1] (line 3)");
}

Test(config, empty_views) {
        assert_bad("views: []\n", "test.yaml:1:8: views must list at least one view");
}

Test(config, duplicate_keys) {
        assert_bad("backend:\n  root: /a\n  root: /b\n", "test.yaml:3:3: duplicate key \"root\" in backend");
        assert_bad("release_agent: /a\nrelease_agent: /b\n", "test.yaml:2:1: duplicate top-level key \"release_agent\"");
        assert_bad("views:\n  - {flavor: container, mount: /a, flavor: cgroup-v1}\n",
                   "test.yaml:2:36: duplicate key \"flavor\" in views[0]");
}

Test(config, yaml_syntax_errors) {
        assert_bad("backend:\n  root: /x\n leaf: y\n",
                   "test.yaml:3:2: did not find expected key (while parsing a block mapping at line 1 column 1)");
        assert_bad("release_agent: /x\n  foo: bar\n", "test.yaml:2:6: mapping values are not allowed in this context");
        assert_bad("release_agent: 'unterminated\n",
                   "test.yaml:2:1: found unexpected end of stream (while scanning a quoted scalar at line 1 column 16)");
        assert_bad("backend:\n\troot: /x\n",
                   "test.yaml:2:1: found character that cannot start any token "
                   "(while scanning for the next token at line 2 column 1)");
        /* Reader errors come with a byte offset, turned into a line and column too. */
        assert_bad("release_agent: /x\nviews: \x01\n", "test.yaml:2:8: control characters are not allowed (#x1)");
}

Test(config, unsupported_yaml_features) {
        assert_bad("release_agent: /x\n---\nrelease_agent: /y\n",
                   "test.yaml:2:1: multiple YAML documents are not supported");
        assert_bad("backend: &b\n  root: /x\n", "test.yaml:1:10: YAML anchors are not supported");
        assert_bad("release_agent: *agent\n", "test.yaml:1:16: YAML aliases are not supported");
}

Test(config, io_errors) {
        struct config c;
        _cleanup_free_ char *error = NULL;

        cr_assert_eq(config_load("/nonexistent/compat.conf.yaml", &c, &error), -ENOENT);
        cr_assert_str_eq(error, "/nonexistent/compat.conf.yaml: No such file or directory");
        free(TAKE_PTR(error));

        cr_assert_eq(config_load("/", &c, &error), -EISDIR);
        cr_assert_str_eq(error, "/: Is a directory");
}

Test(config, file_too_large) {
        struct config c;
        _cleanup_free_ char *error = NULL, *expected = NULL;
        _cleanup_free_ char *path = write_temp("");
        FILE *f = fopen(path, "w");

        /* All comments, so only the size can make it fail. */
        cr_assert_not_null(f);
        for (size_t i = 0; i < 1024 * 1024 / 16 + 1; i++)
                fputs("# 4567890abcdef\n", f);
        fclose(f);

        cr_assert_eq(config_load(path, &c, &error), -EFBIG);
        cr_assert_geq(asprintf(&expected, "%s: File too large", path), 0);
        cr_assert_str_eq(error, expected);
        unlink(path);
}

Test(config, legacy_root) {
        struct config c;

        /* Without views, the built-in layout moves below the new root. */
        assert_good("legacy_root: /srv/legacy\n", &c);
        cr_assert_str_eq(c.legacy_root, "/srv/legacy");
        assert_default_views_below(&c, "/srv/legacy");
        config_free(&c);

        /* One spelling per directory: the daemon compares prefixes and makes sibling links. */
        assert_good("legacy_root: //srv//legacy/\n", &c);
        cr_assert_str_eq(c.legacy_root, "/srv/legacy");
        assert_default_views_below(&c, "/srv/legacy");
        config_free(&c);

        /* No legacy root: the layout has no home, the container view stays. */
        assert_good("legacy_root: \"\"\n", &c);
        cr_assert_str_eq(c.legacy_root, "");
        assert_default_views_below(&c, "");
        config_free(&c);

        /* Listed views are taken as they are, wherever legacy_root is. */
        assert_good("views: [{flavor: cgroup-v1, subsystems: [memory], mount: /sys/fs/cgroup/memory}]\n"
                    "legacy_root: ''\n",
                    &c);
        cr_assert_str_eq(c.legacy_root, "");
        cr_assert_eq(c.n_views, 1);
        cr_assert_str_eq(c.views[0].mount, "/sys/fs/cgroup/memory");
        config_free(&c);

        /* Views and links below it, but not on it. */
        assert_good("legacy_root: /l\n"
                    "views: [{flavor: cgroup-v1, name: n, mount: /l/n, links: [/l/m]}]\n",
                    &c);
        cr_assert_str_eq(c.views[0].mount, "/l/n");
        config_free(&c);
}

Test(config, bad_legacy_root) {
        assert_bad("legacy_root: run/cgcompat\n",
                   "test.yaml:1:14: legacy_root must be an absolute path or \"\", got \"run/cgcompat\"");
        assert_bad("legacy_root: /run/../cgcompat\n",
                   "test.yaml:1:14: legacy_root must not contain \".\" or \"..\" components, got \"/run/../cgcompat\"");
        assert_bad("legacy_root: /run/./cgcompat/\n",
                   "test.yaml:1:14: legacy_root must not contain \".\" or \"..\" components, got \"/run/./cgcompat/\"");
        assert_bad("legacy_root: //\n", "test.yaml:1:14: legacy_root must not be the root directory, got \"//\"");
        assert_bad("legacy_root:\n", "test.yaml:1:13: expected a string for legacy_root, got null");
        assert_bad("legacy_root: [/a]\n", "test.yaml:1:14: expected a string for legacy_root, got a sequence");
        assert_bad("legacy_root: /a\nlegacy_root: /b\n", "test.yaml:2:1: duplicate top-level key \"legacy_root\"");

        /* The daemon's tmpfs goes on legacy_root: a view or a link there would hide it. */
        assert_bad("views:\n"
                   "  - {flavor: container, mount: /dev/container}\n"
                   "  - {flavor: cgroup-v1, name: x, mount: /l/}\n"
                   "legacy_root: //l\n",
                   "test.yaml:3:41: views[1].mount \"/l/\" is legacy_root itself: mount views below it");
        assert_bad("legacy_root: /l\n"
                   "views:\n"
                   "  - flavor: cgroup-v1\n"
                   "    name: x\n"
                   "    mount: /l/x\n"
                   "    links: [/l/y, /l]\n",
                   "test.yaml:6:19: views[0].links[1] \"/l\" is legacy_root itself: make links below it");
        /* The default legacy root counts too. */
        assert_bad("views: [{flavor: container, mount: /run/cgcompat/cgroup}]\n",
                   "test.yaml:1:36: views[0].mount \"/run/cgcompat/cgroup\" is legacy_root itself: mount views below it");
}

Test(config, unsupported_policy) {
        struct config c;

        assert_good("unsupported: reject\n", &c);
        cr_assert_eq(c.unsupported, UNSUPPORTED_REJECT);
        assert_default_views_below(&c, "/run/cgcompat/cgroup");
        config_free(&c);

        assert_good("unsupported: \"store\"\n", &c);
        cr_assert_eq(c.unsupported, UNSUPPORTED_STORE);
        config_free(&c);

        assert_bad("unsupported: Reject\n", "test.yaml:1:14: unsupported must be \"store\" or \"reject\", got \"Reject\"");
        assert_bad("unsupported: \"\"\n", "test.yaml:1:14: unsupported must be \"store\" or \"reject\", got \"\"");
        assert_bad("unsupported: ~\n", "test.yaml:1:14: expected a string for unsupported, got null");
        assert_bad("unsupported: {store: 1}\n", "test.yaml:1:14: expected a string for unsupported, got a mapping");
}

Test(config, subsystems) {
        struct config c;

        /* Every subsystem the kernel's /proc/cgroups lists, in any order; the key is in the kernel's. */
        assert_good("views:\n"
                    "  - flavor: cgroup-v1\n"
                    "    mount: /v1\n"
                    "    subsystems:\n"
                    "      - misc\n"
                    "      - rdma\n"
                    "      - pids\n"
                    "      - hugetlb\n"
                    "      - net_prio\n"
                    "      - perf_event\n"
                    "      - net_cls\n"
                    "      - freezer\n"
                    "      - devices\n"
                    "      - memory\n"
                    "      - blkio\n"
                    "      - cpuacct\n"
                    "      - cpu\n"
                    "      - \"cpuset\"\n",
                    &c);
        cr_assert_eq(c.n_views, 1);
        cr_assert_eq(c.views[0].subsystems, (1u << SUBSYS__COUNT) - 1);
        cr_assert_null(c.views[0].name);
        assert_key(&c.views[0], "cpuset,cpu,cpuacct,blkio,memory,devices,freezer,net_cls,perf_event,net_prio,hugetlb,"
                                "pids,rdma,misc");
        config_free(&c);

        /* Split over views, each a hierarchy of its own, as the kernel allows. */
        assert_good("views:\n"
                    "  - {flavor: cgroup-v1, mount: /a, subsystems: [cpuacct, cpu]}\n"
                    "  - {flavor: cgroup-v1, mount: /b, subsystems: [perf_event]}\n"
                    "  - {flavor: container, mount: /c}\n",
                    &c);
        cr_assert_eq(c.n_views, 3);
        assert_key(&c.views[0], "cpu,cpuacct");
        assert_key(&c.views[1], "perf_event");
        assert_key(&c.views[2], "container");
        cr_assert_eq(c.views[2].subsystems, 0);
        config_free(&c);

        /* A named hierarchy may carry subsystems too; its key is its name. */
        assert_good("views: [{flavor: cgroup-v1, mount: /a, name: mine, subsystems: [memory]}]\n", &c);
        assert_key(&c.views[0], "name=mine");
        cr_assert_eq(c.views[0].subsystems, SUBSYS_BIT(SUBSYS_MEMORY));
        config_free(&c);

        /* No subsystems but a name: the kernel's "none,name=...". */
        assert_good("views: [{flavor: cgroup-v1, mount: /a, name: n, subsystems: []}]\n", &c);
        cr_assert_eq(c.views[0].subsystems, 0);
        config_free(&c);
}

Test(config, bad_subsystems) {
        assert_bad("views:\n"
                   "  - {flavor: cgroup-v1, mount: /a, subsystems: [cpu]}\n"
                   "  - {flavor: cgroup-v1, mount: /b, subsystems: [memory]}\n"
                   "  - {flavor: cgroup-v1, mount: /c, subsystems: [pids, cpux]}\n",
                   "test.yaml:4:55: views[2].subsystems[1]: unknown subsystem \"cpux\"");
        /* Names as the kernel's mount options: one each, not a list in one string, not another case. */
        assert_bad("views: [{flavor: cgroup-v1, mount: /a, subsystems: [\"cpu,cpuacct\"]}]\n",
                   "test.yaml:1:53: views[0].subsystems[0]: unknown subsystem \"cpu,cpuacct\"");
        assert_bad("views: [{flavor: cgroup-v1, mount: /a, subsystems: [Memory]}]\n",
                   "test.yaml:1:53: views[0].subsystems[0]: unknown subsystem \"Memory\"");
        assert_bad("views: [{flavor: cgroup-v1, mount: /a, subsystems: [\"\"]}]\n",
                   "test.yaml:1:53: views[0].subsystems[0]: unknown subsystem \"\"");
        assert_bad("views:\n"
                   "  - flavor: cgroup-v1\n"
                   "    mount: /a\n"
                   "    subsystems:\n"
                   "      - cpu\n"
                   "      - memory\n"
                   "      - cpu\n",
                   "test.yaml:7:9: views[0].subsystems[2]: duplicate subsystem \"cpu\"");
        /* The kernel refuses a controller in two hierarchies (EBUSY). */
        assert_bad("views:\n"
                   "  - flavor: cgroup-v1\n"
                   "    mount: /a\n"
                   "    subsystems: [cpu, cpuacct]\n"
                   "  - flavor: cgroup-v1\n"
                   "    mount: /b\n"
                   "    subsystems: [memory, cpuacct]\n",
                   "test.yaml:7:26: views[1].subsystems[1]: subsystem \"cpuacct\" is already in views[0] (line 4): "
                   "a subsystem can be in one view only");
        assert_bad("views: [{flavor: cgroup-v1, mount: /a, subsystems: cpu}]\n",
                   "test.yaml:1:52: expected a sequence for views[0].subsystems, got a string");
        assert_bad("views: [{flavor: cgroup-v1, mount: /a, subsystems: [[cpu]]}]\n",
                   "test.yaml:1:53: expected a string for views[0].subsystems[0], got a sequence");
        assert_bad("views: [{flavor: cgroup-v1, mount: /a, subsystems: [cpu, ~]}]\n",
                   "test.yaml:1:58: expected a string for views[0].subsystems[1], got null");
        assert_bad("views: [{flavor: cgroup-v1, mount: /a, subsystems: [\"cpu\\0\"]}]\n",
                   "test.yaml:1:53: views[0].subsystems[0] must not contain a NUL byte");
        assert_bad("views: [{flavor: cgroup-v1, mount: /a, subsystems: [cpu], subsystems: [memory]}]\n",
                   "test.yaml:1:59: duplicate key \"subsystems\" in views[0]");
}

Test(config, flavor_rules) {
        /* The container API has neither subsystems nor names, wherever the keys come in the mapping. */
        assert_bad("views:\n  - subsystems: [cpu]\n    flavor: container\n    mount: /a\n",
                   "test.yaml:2:17: views[0].subsystems: only a cgroup-v1 view has subsystems");
        assert_bad("views:\n  - subsystems: []\n    flavor: container\n    mount: /a\n",
                   "test.yaml:2:17: views[0].subsystems: only a cgroup-v1 view has subsystems");
        assert_bad("views:\n  - flavor: container\n    mount: /a\n    name: x\n",
                   "test.yaml:4:11: views[0].name: only a cgroup-v1 view has a name");
        /* As the kernel's "none" without name=. */
        assert_bad("views:\n  - {flavor: container, mount: /a}\n  - flavor: cgroup-v1\n    mount: /b\n",
                   "test.yaml:3:5: views[1]: a cgroup-v1 view needs subsystems or a name");
        assert_bad("views: [{flavor: cgroup-v1, mount: /b, subsystems: []}]\n",
                   "test.yaml:1:9: views[0]: a cgroup-v1 view needs subsystems or a name");
}

/* The hybrid layout's cgroup2: one hierarchy, named by its flavour, with nothing of v1's to set. */
Test(config, unified_view) {
        struct config c;

        assert_good("views:\n"
                    "  - {flavor: cgroup-v1, name: n, mount: /l/n}\n"
                    "  - {flavor: unified, mount: /l/unified}\n",
                    &c);
        cr_assert_eq(c.n_views, 2);
        cr_assert_eq(c.views[1].flavor, FLAVOR_UNIFIED);
        cr_assert_str_eq(c.views[1].mount, "/l/unified");
        cr_assert_eq(c.views[1].subsystems, 0);
        cr_assert_null(c.views[1].name);
        cr_assert_null(c.views[1].release_agent);
        assert_key(&c.views[1], "unified");
        cr_assert_str_eq(view_flavor_name(c.views[1].flavor), "unified");
        cr_assert_str_eq(view_flavor_name(FLAVOR_CGROUP_V1), "cgroup-v1");
        cr_assert_str_eq(view_flavor_name(FLAVOR_CONTAINER), "container");
        config_free(&c);

        assert_bad("views:\n  - flavor: unified\n    mount: /a\n    subsystems: [cpu]\n",
                   "test.yaml:4:17: views[0].subsystems: only a cgroup-v1 view has subsystems");
        assert_bad("views:\n  - flavor: unified\n    mount: /a\n    name: x\n",
                   "test.yaml:4:11: views[0].name: only a cgroup-v1 view has a name");
        assert_bad("views:\n  - flavor: unified\n    mount: /a\n    release_agent: /bin/agent\n",
                   "test.yaml:4:20: views[0].release_agent: a unified view has no release agent");
        assert_bad("views:\n  - {flavor: unified, mount: /a}\n  - {flavor: unified, mount: /b}\n",
                   "test.yaml:3:14: views[1] is the same hierarchy \"unified\" as views[0] (line 2)");
}

Test(config, names) {
        struct config c;
        char text[512], name[80];

        assert_good("views: [{flavor: cgroup-v1, mount: /a, name: Az09_.-}]\n", &c);
        cr_assert_str_eq(c.views[0].name, "Az09_.-");
        assert_key(&c.views[0], "name=Az09_.-");
        config_free(&c);

        /* The kernel takes MAX_CGROUP_ROOT_NAMELEN - 1 bytes. */
        memset(name, 'n', 63);
        name[63] = '\0';
        snprintf(text, sizeof(text), "views: [{flavor: cgroup-v1, mount: /a, name: %s}]\n", name);
        assert_good(text, &c);
        cr_assert_eq(strlen(c.views[0].name), 63);
        config_free(&c);
        snprintf(text, sizeof(text), "views: [{flavor: cgroup-v1, mount: /a, name: %sn}]\n", name);
        assert_bad(text, "test.yaml:1:46: views[0].name is too long (64 bytes, at most 63)");

        assert_bad("views: [{flavor: cgroup-v1, mount: /a, name: \"\"}]\n",
                   "test.yaml:1:46: views[0].name must not be empty");
        assert_bad("views: [{flavor: cgroup-v1, mount: /a, name: \"a b\"}]\n",
                   "test.yaml:1:46: views[0].name may hold only ASCII letters, digits, \"_\", \".\" and \"-\", got \"a b\"");
        assert_bad("views: [{flavor: cgroup-v1, mount: /a, name: a/b}]\n",
                   "test.yaml:1:46: views[0].name may hold only ASCII letters, digits, \"_\", \".\" and \"-\", got \"a/b\"");
        assert_bad("views: [{flavor: cgroup-v1, mount: /a, name: \"name=x\"}]\n",
                   "test.yaml:1:46: views[0].name may hold only ASCII letters, digits, \"_\", \".\" and \"-\", got \"name=x\"");
        assert_bad("views: [{flavor: cgroup-v1, mount: /a, name: \"caf\xc3\xa9\"}]\n",
                   "test.yaml:1:46: views[0].name may hold only ASCII letters, digits, \"_\", \".\" and \"-\", got \"caf\xc3\xa9\"");
        assert_bad("views: [{flavor: cgroup-v1, mount: /a, name: [x]}]\n",
                   "test.yaml:1:46: expected a string for views[0].name, got a sequence");
}

Test(config, same_hierarchy_twice) {
        /* The key names the view's own state: two views with one key would share it. */
        assert_bad("views:\n"
                   "  - {flavor: cgroup-v1, mount: /a, name: x, subsystems: [cpu]}\n"
                   "  - {flavor: cgroup-v1, mount: /b, name: x}\n",
                   "test.yaml:3:42: views[1] is the same hierarchy \"name=x\" as views[0] (line 2)");
        assert_bad("views:\n"
                   "  - flavor: container\n"
                   "    mount: /a\n"
                   "  - flavor: container\n"
                   "    mount: /b\n",
                   "test.yaml:4:13: views[1] is the same hierarchy \"container\" as views[0] (line 2)");
}

Test(config, links) {
        struct config c;

        assert_good("views:\n"
                    "  - flavor: cgroup-v1\n"
                    "    mount: /l/cpu,cpuacct\n"
                    "    subsystems: [cpu, cpuacct]\n"
                    "    links:\n"
                    "      - /l/cpu\n"
                    "      - //l//cpuacct/\n"
                    "  - flavor: container\n"
                    "    mount: //dev//container//\n"
                    "    links: []\n",
                    &c);
        cr_assert_eq(c.n_views, 2);
        cr_assert_eq(c.views[0].n_links, 2);
        cr_assert_str_eq(c.views[0].links[0], "/l/cpu");
        cr_assert_str_eq(c.views[0].links[1], "/l/cpuacct"); /* one spelling, as mounts */
        cr_assert_str_eq(c.views[1].mount, "/dev/container");
        cr_assert_eq(c.views[1].n_links, 0);
        cr_assert_null(c.views[1].links);
        config_free(&c);
}

Test(config, bad_links) {
        assert_bad("views: [{flavor: cgroup-v1, name: x, mount: /a, links: [/b, c]}]\n",
                   "test.yaml:1:61: views[0].links[1] must be an absolute path, got \"c\"");
        assert_bad("views: [{flavor: cgroup-v1, name: x, mount: /a, links: [/b/../c]}]\n",
                   "test.yaml:1:57: views[0].links[0] must not contain \".\" or \"..\" components, got \"/b/../c\"");
        assert_bad("views: [{flavor: cgroup-v1, name: x, mount: /a, links: [/]}]\n",
                   "test.yaml:1:57: views[0].links[0] must not be the root directory, got \"/\"");
        assert_bad("views: [{flavor: cgroup-v1, name: x, mount: /a, links: /b}]\n",
                   "test.yaml:1:56: expected a sequence for views[0].links, got a string");
        assert_bad("views: [{flavor: cgroup-v1, name: x, mount: /a, links: [{to: /b}]}]\n",
                   "test.yaml:1:57: expected a string for views[0].links[0], got a mapping");
        /* A link must not stand where a mount is, nor where another link is, in any order. */
        assert_bad("views: [{flavor: cgroup-v1, name: x, links: [/b, /a/], mount: /a}]\n",
                   "test.yaml:1:50: views[0].links[1] \"/a/\" is already the mount of views[0] (line 1)");
        assert_bad("views:\n"
                   "  - {flavor: cgroup-v1, name: x, mount: /a, links: [/b, /c, //b]}\n",
                   "test.yaml:2:61: views[0].links[2] \"//b\" is already views[0].links[0] (line 2)");
        assert_bad("views:\n"
                   "  - {flavor: cgroup-v1, name: x, mount: /a, links: [/b]}\n"
                   "  - {flavor: cgroup-v1, name: y, mount: /c, links: [/b]}\n",
                   "test.yaml:3:53: views[1].links[0] \"/b\" is already views[0].links[0] (line 2)");
        assert_bad("views:\n"
                   "  - {flavor: cgroup-v1, name: x, mount: /a}\n"
                   "  - {flavor: cgroup-v1, name: y, mount: /c, links: [/a]}\n",
                   "test.yaml:3:53: views[1].links[0] \"/a\" is already the mount of views[0] (line 2)");
        assert_bad("views:\n"
                   "  - {flavor: cgroup-v1, name: x, mount: /a, links: [/c]}\n"
                   "  - {flavor: cgroup-v1, name: y, mount: /c}\n",
                   "test.yaml:3:41: views[1].mount \"/c\" is already views[0].links[0] (line 2)");
}

Test(config, view_release_agent) {
        struct config c;

        assert_good("views:\n"
                    "  - {flavor: container, mount: /a}\n"
                    "  - {flavor: cgroup-v1, mount: /b, name: b, release_agent: /usr/bin/agent}\n"
                    "  - {flavor: cgroup-v1, mount: /c, name: c, release_agent: \"\"}\n",
                    &c);
        cr_assert_null(c.views[0].release_agent); /* the flavour's default */
        cr_assert_str_eq(c.views[1].release_agent, "/usr/bin/agent");
        cr_assert_str_eq(c.views[2].release_agent, "");
        config_free(&c);

        assert_bad("views: [{flavor: cgroup-v1, mount: /b, name: b, release_agent: agent}]\n",
                   "test.yaml:1:64: views[0].release_agent must be an absolute path or \"\", got \"agent\"");
        assert_bad("views: [{flavor: cgroup-v1, mount: /b, name: b, release_agent: ~}]\n",
                   "test.yaml:1:64: expected a string for views[0].release_agent, got null");
}

Test(config, bad_view_mount) {
        assert_bad("views: [{flavor: container, mount: ///}]\n",
                   "test.yaml:1:36: views[0].mount must not be the root directory, got \"///\"");
}

/* The integration tests' configuration: every key at once. */
Test(config, all_keys) {
        struct config c;

        assert_good("backend:\n"
                    "  root: /sys/fs/cgroup/test\n"
                    "  leaf: .tasks\n"
                    "release_agent: /work/agent\n"
                    "legacy_root: /tmp/legacy\n"
                    "unsupported: reject\n"
                    "views:\n"
                    "  - flavor: container\n"
                    "    mount: /tmp/view\n"
                    "  - flavor: cgroup-v1\n"
                    "    name: cgcompat\n"
                    "    mount: /tmp/legacy/cgcompat\n"
                    "  - flavor: cgroup-v1\n"
                    "    subsystems: [freezer, cpuacct]\n"
                    "    mount: /tmp/legacy/freezer,cpuacct\n"
                    "    links: [/tmp/legacy/freezer, /tmp/legacy/cpuacct]\n"
                    "    release_agent: /work/v1agent\n",
                    &c);
        cr_assert_str_eq(c.legacy_root, "/tmp/legacy");
        cr_assert_eq(c.unsupported, UNSUPPORTED_REJECT);
        cr_assert_eq(c.n_views, 3);
        assert_key(&c.views[0], "container");
        assert_key(&c.views[1], "name=cgcompat");
        assert_key(&c.views[2], "cpuacct,freezer"); /* the kernel's order */
        cr_assert_eq(c.views[2].n_links, 2);
        cr_assert_str_eq(c.views[2].links[1], "/tmp/legacy/cpuacct");
        cr_assert_str_eq(c.views[2].release_agent, "/work/v1agent");
        config_free(&c);
}

Test(config, runtime_dir) {
        struct config c;

        assert_good("runtime_dir: /tmp//x/run/\n", &c);
        cr_assert_str_eq(c.runtime_dir, "/tmp/x/run");
        config_free(&c);
        assert_bad("runtime_dir: run\n", "test.yaml:1:14: runtime_dir must be an absolute path, got \"run\"");
        assert_bad("runtime_dir: \"\"\n", "test.yaml:1:14: runtime_dir must be an absolute path, got \"\"");
}

/* A key that is on or off: every spelling of each, and the errors. */
static void assert_switch(const char *key, size_t offset) {
        static const char *const on[] = { "on", "true", "yes" }, *const off[] = { "off", "false", "no" };
        char doc[64], error[128];
        struct config c;

        for (size_t i = 0; i < ELEMENTSOF(on); i++) {
                snprintf(doc, sizeof(doc), "%s: %s\n", key, on[i]);
                assert_good(doc, &c);
                cr_assert_eq(*(bool *) ((char *) &c + offset), true, "%s", doc);
                config_free(&c);
                snprintf(doc, sizeof(doc), "%s: %s\n", key, off[i]);
                assert_good(doc, &c);
                cr_assert_eq(*(bool *) ((char *) &c + offset), false, "%s", doc);
                config_free(&c);
        }
        int column = (int) strlen(key) + 3;
        snprintf(doc, sizeof(doc), "%s: 1\n", key);
        snprintf(error, sizeof(error), "test.yaml:1:%d: %s must be on or off, got \"1\"", column, key);
        assert_bad(doc, error);
        snprintf(doc, sizeof(doc), "%s: [on]\n", key);
        snprintf(error, sizeof(error), "test.yaml:1:%d: expected a string for %s, got a sequence", column, key);
        assert_bad(doc, error);
}

Test(config, audit) {
        assert_switch("audit", offsetof(struct config, audit));
}

Test(config, page_cache) {
        assert_switch("page_cache", offsetof(struct config, page_cache));
}

Test(config, metrics_keys) {
        static const struct {
                const char *text;
                uint64_t ms;
        } intervals[] = {
                { "metrics_interval: 1s", 1000 },        { "metrics_interval: 15", 15000 },
                { "metrics_interval: 1500ms", 1500 },    { "metrics_interval: 2min", 120000 },
                { "metrics_interval: '24h'", 86400000 }, { "metrics_interval: 1000ms", 1000 },
        };
        struct config c;

        assert_good("metrics_textfile: //var/lib/x//cgcompat.prom\nmetrics_interval: 30s\n", &c);
        cr_assert_str_eq(c.metrics_textfile, "/var/lib/x/cgcompat.prom");
        cr_assert_eq(c.metrics_interval_ms, 30000);
        config_free(&c);

        assert_good("metrics_textfile: \"\"\n", &c);
        cr_assert_str_eq(c.metrics_textfile, "");
        config_free(&c);

        for (size_t i = 0; i < ELEMENTSOF(intervals); i++) {
                assert_good(intervals[i].text, &c);
                cr_assert_eq(c.metrics_interval_ms, intervals[i].ms, "%s", intervals[i].text);
                config_free(&c);
        }
}

Test(config, metrics_keys_bad) {
        assert_bad("metrics_textfile: metrics.prom",
                   "test.yaml:1:19: metrics_textfile must be an absolute path or \"\", got \"metrics.prom\"");
        assert_bad("metrics_textfile: /var/lib/x/cgcompat.txt",
                   "test.yaml:1:19: metrics_textfile must be a file whose name ends in \".prom\", got "
                   "\"/var/lib/x/cgcompat.txt\"");
        assert_bad("metrics_textfile: /var/lib/x/.prom",
                   "test.yaml:1:19: metrics_textfile must be a file whose name ends in \".prom\", got \"/var/lib/x/.prom\"");
        assert_bad("metrics_textfile: [a]", "test.yaml:1:19: expected a string for metrics_textfile, got a sequence");
        assert_bad("metrics_interval: soon",
                   "test.yaml:1:19: metrics_interval must be a duration such as 15s, 500ms or 2min, got \"soon\"");
        assert_bad("metrics_interval: 15 s",
                   "test.yaml:1:19: metrics_interval must be a duration such as 15s, 500ms or 2min, got \"15 s\"");
        assert_bad("metrics_interval: s",
                   "test.yaml:1:19: metrics_interval must be a duration such as 15s, 500ms or 2min, got \"s\"");
        assert_bad("metrics_interval: -1s",
                   "test.yaml:1:19: metrics_interval must be a duration such as 15s, 500ms or 2min, got \"-1s\"");
        assert_bad("metrics_interval: 999ms", "test.yaml:1:19: metrics_interval must be between 1s and 24h, got \"999ms\"");
        assert_bad("metrics_interval: 0", "test.yaml:1:19: metrics_interval must be between 1s and 24h, got \"0\"");
        assert_bad("metrics_interval: 25h", "test.yaml:1:19: metrics_interval must be between 1s and 24h, got \"25h\"");
        assert_bad("metrics_interval: 99999999999999999999999s",
                   "test.yaml:1:19: metrics_interval must be between 1s and 24h, got \"99999999999999999999999s\"");
        assert_bad("metrics_interval: 1s\nmetrics_interval: 2s", "test.yaml:2:1: duplicate top-level key \"metrics_interval\"");
}

Test(config, format_duration) {
        char buf[32];

        cr_assert_str_eq(config_format_duration(15000, buf, sizeof(buf)), "15s");
        cr_assert_str_eq(config_format_duration(1500, buf, sizeof(buf)), "1500ms");
        cr_assert_str_eq(config_format_duration(120000, buf, sizeof(buf)), "2min");
        cr_assert_str_eq(config_format_duration(86400000, buf, sizeof(buf)), "24h");
        cr_assert_str_eq(config_format_duration(0, buf, sizeof(buf)), "0ms");
}
