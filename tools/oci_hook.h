/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "conf/config.h"

/*
 * The OCI createRuntime hook: reads the container's state (JSON) from
 * @state_fd and mounts its groups of the daemon's views on its
 * /sys/fs/cgroup (tools/oci_hook.c). Errors are printed.
 */
int oci_hook_run(const struct config *c, int state_fd);
