/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compat/macro.h"
#include "conf/config.h"

static void assert_defaults(const struct config *c) {
        cr_assert_str_eq(c->backend_root, "auto");
        cr_assert_str_eq(c->leaf, ".tasks");
        cr_assert_str_eq(c->release_agent, "/sbin/container_release_agent");
        cr_assert_eq(c->n_views, 1);
        cr_assert_eq(c->views[0].flavor, FLAVOR_CONTAINER);
        cr_assert_str_eq(c->views[0].mount, "/dev/container");
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

Test(config, shipped_file_is_the_defaults) {
        struct config c;
        _cleanup_free_ char *error = NULL;

        cr_assert_eq(config_load("compat.conf.yaml", &c, &error), 0, "%s", error ?: "");
        cr_assert_null(error);
        assert_defaults(&c);
        config_free(&c);
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
        cr_assert_eq(c.views[1].flavor, FLAVOR_CONTAINER);
        cr_assert_str_eq(c.views[1].mount, "/dev/container");
        config_free(&c);
}

Test(config, flow_style_and_quoting) {
        struct config c;

        assert_good("{backend: {leaf: \"x y\"}, views: [{flavor: 'cgroup-v1', mount: \"/a\"}]}", &c);
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
        cr_assert_eq(c.n_views, 1);
        cr_assert_eq(c.views[0].flavor, FLAVOR_CONTAINER);
        cr_assert_str_eq(c.views[0].mount, "/dev/container");
        config_free(&c);

        assert_good("backend: {}\n", &c);
        assert_defaults(&c);
        config_free(&c);
}

Test(config, views_replace_the_default) {
        struct config c;

        assert_good("views:\n  - {flavor: cgroup-v1, mount: /mnt/v1}\n", &c);
        cr_assert_eq(c.n_views, 1);
        cr_assert_eq(c.views[0].flavor, FLAVOR_CGROUP_V1);
        cr_assert_str_eq(c.views[0].mount, "/mnt/v1");
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
                   "test.yaml:2:13: views[0].flavor must be \"container\" or \"cgroup-v1\", got \"cgroup-v2\"");
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
                   "    mount: /dev/container\n",
                   "test.yaml:5:12: views[1].mount \"/dev/container\" is already the mount of views[0] (line 3)");
        /* The same directory spelt differently is still the same mount point. */
        assert_bad("views:\n"
                   "  - {flavor: container, mount: /a}\n"
                   "  - {flavor: cgroup-v1, mount: /b}\n"
                   "  - {flavor: cgroup-v1, mount: //b/}\n",
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
