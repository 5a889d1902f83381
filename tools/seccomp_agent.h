/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The OCI seccomp agent (tools/seccomp_agent.c): listens on @socket_path for
 * the listener fds OCI runtimes pass (linux.seccomp.listenerPath) and serves
 * each with the exec supervisor, for the layout of @runtime_dir. Returns when
 * SIGTERM or SIGINT arrives; supervisors already serving a container go on.
 */
int seccomp_agent_run(const char *socket_path, const char *runtime_dir);
