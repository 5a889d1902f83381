/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * compat/core_files.c parse_pid_write(): what a write to "tasks" means. The kernel's
 * __cgroup1_procs_write() -> cgroup_procs_write_start(): kstrtoint(strstrip(buf), 0, &pid),
 * any failure or pid < 0 is -EINVAL. Invariants: success implies pid >= 0, the result is
 * written only on success, and the answer is the kernel model's.
 */

#include <errno.h>
#include <stdint.h>
#include <sys/types.h>

#include "compat/core_files.h"
#include "fuzz_common.h"
#include "kernel_model.h"

#define SENTINEL_PID ((pid_t) 0x5A5A5A5A)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *s = (const char *) data;
        pid_t pid = SENTINEL_PID;
        size_t start, len;
        int r, mr, mpid = SENTINEL_PID;

        fuzz_set_input(data, size);
        r = parse_pid_write(s, size, &pid);

        FUZZ_CHECK(r == 0 || r == -EINVAL, "parse_pid_write returned %d", r);
        FUZZ_CHECK(r == 0 || pid == SENTINEL_PID, "parse_pid_write wrote %d on failure %d", (int) pid, r);
        FUZZ_CHECK(r < 0 || pid >= 0, "parse_pid_write accepted pid %d", (int) pid);

        model_strstrip(s, size, &start, &len);
        mr = model_kstrtoint(s + start, len, 0, &mpid);
        if (mr == 0 && mpid < 0)
                mr = -EINVAL;
        if (mr < 0) {
                mr = -EINVAL;
                mpid = SENTINEL_PID;
        }
        FUZZ_CHECK(r == mr && pid == mpid, "parse_pid_write: %d/%d, kernel model %d/%d", r, (int) pid, mr, mpid);
        return 0;
}
