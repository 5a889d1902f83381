/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* tools/json_scan.c: the members cgcompatctl oci-hook takes from the OCI state and config.json. */

#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tools/json_scan.h"

static const char *const root_path[] = { "root", "path", NULL };
static const char *const pid_key[] = { "pid", NULL };

/* An OCI config.json in brief: other "path" members come first, at other depths. */
static const char config[] =
        "{\"ociVersion\": \"1.0.2\", \"hooks\": {\"createRuntime\": [{\"path\": \"/usr/bin/cgcompatctl\", "
        "\"args\": [\"cgcompatctl\", \"oci-hook\"]}]}, \"process\": {\"args\": [\"sh\"], \"terminal\": false, "
        "\"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1.5e3}]},\n"
        "\"root\": {\"readonly\": true, \"path\": \"root\\\\fs \\u00e9\\ud83d\\ude00\"}, \"linux\": null}";

Test(json_scan, nested_member_among_others) {
        char *s = NULL;
        cr_assert_eq(json_get_string(config, root_path, &s), 0);
        cr_assert_str_eq(s, "root\\fs \xc3\xa9\xf0\x9f\x98\x80");
        free(s);
}

Test(json_scan, state_pid_and_bundle) {
        static const char *const bundle_key[] = { "bundle", NULL };
        const char state[] = "{\"ociVersion\":\"1.0.2\",\"id\":\"c1\",\"status\":\"creating\",\"pid\":4242,"
                             "\"bundle\":\"/run/b\",\"annotations\":{}}";
        int64_t pid = 0;
        char *s = NULL;
        cr_assert_eq(json_get_int(state, pid_key, &pid), 0);
        cr_assert_eq(pid, 4242);
        cr_assert_eq(json_get_string(state, bundle_key, &s), 0);
        cr_assert_str_eq(s, "/run/b");
        free(s);
}

Test(json_scan, missing_and_mistyped) {
        static const char *const nothing[] = { "root", "nothing", NULL };
        int64_t v;
        char *s = NULL;
        cr_assert_eq(json_get_string(config, nothing, &s), -ENOENT);
        cr_assert_eq(json_get_int(config, root_path, &v), -EMEDIUMTYPE);
        cr_assert_eq(json_get_int("{\"pid\": 1.5}", pid_key, &v), -EMEDIUMTYPE);
        cr_assert_eq(json_get_int("{\"pid\": 99999999999999999999}", pid_key, &v), -ERANGE);
        cr_assert_eq(json_get_string("[1, 2]", root_path, &s), -EMEDIUMTYPE);
        cr_assert_null(s);
}

Test(json_scan, malformed) {
        int64_t v;
        char *s = NULL;
        cr_assert_eq(json_get_int("{\"a\": [1, 2, }, \"pid\": 3}", pid_key, &v), -EBADMSG);
        cr_assert_eq(json_get_int("{\"a\" 1, \"pid\": 3}", pid_key, &v), -EBADMSG);
        cr_assert_eq(json_get_string("{\"root\": {\"path\": \"unterminated}}", root_path, &s), -EBADMSG);
        cr_assert_eq(json_get_string("{\"root\": {\"path\": \"nul \\u0000\"}}", root_path, &s), -EBADMSG);
        cr_assert_eq(json_get_string("{\"root\": {\"path\": \"lone \\udc00\"}}", root_path, &s), -EBADMSG);
        cr_assert_eq(json_get_string("{\"root\": {\"path\": \"bad \\q\"}}", root_path, &s), -EBADMSG);
        cr_assert_null(s);
}

Test(json_scan, only_whole_documents) {
        int64_t v;
        cr_assert_eq(json_get_int("{\"pid\": 3, \"bundle\": \"/b\"", pid_key, &v), -EBADMSG);
        cr_assert_eq(json_get_int("{\"pid\": 3} {", pid_key, &v), -EBADMSG);
        cr_assert_eq(json_get_int(" {\"pid\": 3}\n", pid_key, &v), 0);
        cr_assert_eq(v, 3);
}

Test(json_scan, a_bad_escape_anywhere_is_malformed) {
        int64_t v;
        cr_assert_eq(json_get_int("{\"bundle\": \"\\q\", \"pid\": 3}", pid_key, &v), -EBADMSG);
        cr_assert_eq(json_get_int("{\"x\": [\"\\ud800\"], \"pid\": 3}", pid_key, &v), -EBADMSG);
}

Test(json_scan, deep_nesting_is_refused) {
        char deep[400] = "{\"a\": ";
        for (int i = 0; i < 100; i++)
                strcat(deep, "[");
        int64_t v;
        cr_assert_eq(json_get_int(deep, pid_key, &v), -EBADMSG);
}
