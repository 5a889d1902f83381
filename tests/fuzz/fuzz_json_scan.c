/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * tools/json_scan.c: the OCI state and config.json that cgcompatctl oci-hook, run as root by
 * the runtime, reads. On every input: no crash, leak or overread (the input is NUL-terminated
 * at its size, as read_all() gives it); a string result is NUL-terminated and holds no NUL
 * (it is used as a path); results only on success; an input that fails to be one document
 * fails for every key path alike.
 */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "tools/json_scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static const char *const paths[][3] = {
                { "pid", NULL }, { "bundle", NULL }, { "root", "path", NULL }, { "", NULL }, { NULL },
        };
        char *text = malloc(size + 1);
        if (!text)
                return 0;
        fuzz_set_input(data, size);
        memcpy(text, data, size);
        text[size] = 0;
        int bad = 0;
        for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
                char *s = NULL;
                int64_t v = -7;
                int r = json_get_string(text, paths[i], &s);
                if (r < 0 && s)
                        FUZZ_CHECK(0, "a string result on failure %d", r);
                if (r >= 0 && (!s || strlen(s) > size))
                        FUZZ_CHECK(0, "a string longer than the input");
                if (r == -EBADMSG)
                        bad++;
                free(s);
                r = json_get_int(text, paths[i], &v);
                if (r < 0 && v != -7)
                        FUZZ_CHECK(0, "an integer result on failure %d", r);
                if (r == -EBADMSG)
                        bad++;
        }
        /* Whole-document validation comes first: malformed fails every lookup, or none. */
        if (bad != 0 && bad != 2 * (int) (sizeof(paths) / sizeof(paths[0])))
                FUZZ_CHECK(0, "malformed for %d of the lookups only", bad);
        free(text);
        return 0;
}
