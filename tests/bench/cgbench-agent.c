/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cgbench-agent: the release agent of the benchmark. Its first act is to read
 * CLOCK_MONOTONIC; it appends "NS PATH" to <its own executable>.log in one write(2).
 * Built static so that the dynamic loader does not count in the release latency.
 * It runs with no standard streams and cwd "/", as the kernel's usermode helper runs it.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);

        char exe[PATH_MAX], line[PATH_MAX + 64];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 8);
        if (n <= 0)
                return 1;
        strcpy(exe + n, ".log");
        int len = snprintf(line, sizeof(line), "%lld %s\n", (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec,
                           argc > 1 ? argv[1] : "-");
        if (len < 0 || len >= (int) sizeof(line))
                return 1;
        int fd = open(exe, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0)
                return 1;
        return write(fd, line, (size_t) len) == len ? 0 : 1;
}
