/* SPDX-License-Identifier: LGPL-2.1-or-later */

/*
 * tools/legacy_layout.c: the v1 layout generated from a mount table and the
 * daemon's registry. A directory stands for /proc/PID (its mountinfo and
 * mounts are files here) and for the runtime directory (views).
 */

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "compat/macro.h"
#include "tools/legacy_layout.h"

static char dir[] = "/tmp/cgcompat-layout-XXXXXX";
static int dir_fd = -1;

static void put(const char *name, const char *content) {
        char path[256];
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        FILE *f = fopen(path, "we");
        cr_assert_not_null(f, "cannot write %s", path);
        fputs(content, f);
        cr_assert_eq(fclose(f), 0);
}

static void setup(void) {
        cr_assert_not_null(mkdtemp(dir));
        dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        cr_assert_geq(dir_fd, 0);
}

static void teardown(void) {
        static const char *files[] = { "views", "mountinfo", "mounts" };
        char path[256];
        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
                (void) unlink(path);
        }
        close(dir_fd);
        (void) rmdir(dir);
}

#define REGISTRY_HEAD "pid 1\nroot /sys/fs/cgroup/unified/cgcompat\nleaf .tasks\nlegacy_root /run/cgcompat/cgroup\n"

/* The machine's cgroup2, a view in the legacy root bound again on /sys/fs/cgroup, the container view. */
#define ROOTFS "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
#define MACHINE_CGROUP2 "30 22 0:26 / /sys/fs/cgroup/unified rw,nosuid shared:9 - cgroup2 cgroup2 rw\n"
#define MACHINE_MEMORY "31 22 0:27 / /sys/fs/cgroup/memory rw,nosuid shared:10 - cgroup cgroup rw,memory\n"
#define CPU_IN_LEGACY_ROOT "40 22 0:50 / /run/cgcompat/cgroup/cpu,cpuacct rw,nosuid,nodev shared:20 - fuse.cgcompat cgcompat rw,user_id=0\n"
#define CPU_ON_SYS "41 22 0:50 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev master:20 - fuse.cgcompat cgcompat rw,user_id=0\n"
#define CONTAINER_VIEW "42 22 0:51 / /dev/container rw,nosuid,nodev shared:21 - fuse.cgcompat cgcompat rw,user_id=0\n"

static char *generate(enum layout_file file, int expected) {
        struct layout *l = NULL;
        struct layout_text out = {};

        cr_assert_eq(layout_load(dir, &l), 0);
        int r = layout_generate(l, file, dir_fd, dir_fd, &out);
        layout_free(l);
        cr_assert_eq(r, expected, "layout_generate: %d, expected %d", r, expected);
        return out.data ? out.data : strdup("");
}

TestSuite(legacy_layout, .init = setup, .fini = teardown);

Test(legacy_layout, file_names) {
        cr_assert_eq(layout_file_in_pid_dir("mountinfo"), LAYOUT_MOUNTINFO);
        cr_assert_eq(layout_file_in_pid_dir("mounts"), LAYOUT_MOUNTS);
        cr_assert_eq(layout_file_in_pid_dir("cgroup"), LAYOUT_CGROUP);
        cr_assert_eq(layout_file_in_pid_dir("cgroups"), LAYOUT_NONE);
        cr_assert_eq(layout_file_in_pid_dir("mountinfo2"), LAYOUT_NONE);
        cr_assert_eq(layout_file_in_proc_root("cgroups"), LAYOUT_CGROUPS);
        cr_assert_eq(layout_file_in_proc_root("mounts"), LAYOUT_NONE);
}

Test(legacy_layout, no_registry) {
        struct layout *l = NULL;
        cr_assert_eq(layout_load(dir, &l), -ENOENT);
        cr_assert_null(l);
}

Test(legacy_layout, registry_without_root) {
        struct layout *l = NULL;
        put("views", "pid 1\nview cgroup-v1 cpu,cpuacct /run/cgcompat/cgroup/cpu,cpuacct\n");
        cr_assert_eq(layout_load(dir, &l), -EBADMSG);
}

/* A view bound in two places is one hierarchy: shown once, at /sys/fs/cgroup. */
Test(legacy_layout, each_view_once_by_device) {
        put("views", REGISTRY_HEAD "view container container /dev/container\ndevice 0:51 /dev/container\n"
                                   "view cgroup-v1 cpu,cpuacct /run/cgcompat/cgroup/cpu,cpuacct\n"
                                   "device 0:50 /run/cgcompat/cgroup/cpu,cpuacct\n");
        put("mountinfo", ROOTFS MACHINE_CGROUP2 MACHINE_MEMORY CPU_IN_LEGACY_ROOT CPU_ON_SYS CONTAINER_VIEW);
        _cleanup_free_ char *text = generate(LAYOUT_MOUNTINFO, 0);
        cr_assert_str_eq(text, ROOTFS "41 22 0:50 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime master:20 - "
                               "cgroup cgroup rw,cpu,cpuacct\n" CONTAINER_VIEW);
}

/* The daemon stacks each view on itself: the layers are one mount, the container view's too. */
Test(legacy_layout, stacked_views_once) {
        put("views", REGISTRY_HEAD "view container container /dev/container\ndevice 0:51 /dev/container\n"
                                   "view cgroup-v1 cpu,cpuacct /run/cgcompat/cgroup/cpu,cpuacct\n"
                                   "device 0:50 /run/cgcompat/cgroup/cpu,cpuacct\n");
        put("mountinfo", ROOTFS CPU_IN_LEGACY_ROOT CONTAINER_VIEW
                         "50 40 0:50 / /run/cgcompat/cgroup/cpu,cpuacct rw,nosuid,nodev shared:30 - fuse.cgcompat cgcompat rw\n"
                         "51 42 0:51 / /dev/container rw,nosuid,nodev shared:31 - fuse.cgcompat cgcompat rw\n");
        _cleanup_free_ char *text = generate(LAYOUT_MOUNTINFO, 0);
        cr_assert_str_eq(text, ROOTFS "40 22 0:50 / /run/cgcompat/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:20 - "
                               "cgroup cgroup rw,cpu,cpuacct\n" CONTAINER_VIEW);
}

/* Without device lines (an older daemon), a view is found at its mount point, then by that device. */
Test(legacy_layout, found_by_mount_point) {
        put("views", REGISTRY_HEAD "view cgroup-v1 cpu,cpuacct /run/cgcompat/cgroup/cpu,cpuacct\n");
        put("mountinfo", ROOTFS CPU_IN_LEGACY_ROOT CPU_ON_SYS);
        _cleanup_free_ char *text = generate(LAYOUT_MOUNTINFO, 0);
        cr_assert_str_eq(text, ROOTFS "41 22 0:50 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime master:20 - "
                               "cgroup cgroup rw,cpu,cpuacct\n");
}

/* A container's bind of its own group: only the device says it is a view; its root stays. */
Test(legacy_layout, bind_of_a_group_in_a_container) {
        put("views", REGISTRY_HEAD "view cgroup-v1 memory /run/cgcompat/cgroup/memory\ndevice 0:52 /run/cgcompat/cgroup/memory\n"
                                   "view unified unified /run/cgcompat/cgroup/unified\ndevice 0:53 /run/cgcompat/cgroup/unified\n");
        put("mountinfo", "600 500 0:60 / / rw - overlay overlay rw\n"
                         "610 600 0:52 /runc/c1 /sys/fs/cgroup/memory ro,nosuid - fuse.cgcompat cgcompat rw\n"
                         "611 600 0:53 /runc/c1 /sys/fs/cgroup/unified ro,nosuid - fuse.cgcompat cgcompat rw\n");
        _cleanup_free_ char *text = generate(LAYOUT_MOUNTINFO, 0);
        cr_assert_str_eq(text, "600 500 0:60 / / rw - overlay overlay rw\n"
                               "610 600 0:52 /runc/c1 /sys/fs/cgroup/memory ro,nosuid,nodev,noexec,relatime - cgroup cgroup ro,memory\n"
                               "611 600 0:53 /runc/c1 /sys/fs/cgroup/unified ro,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 ro\n");
}

/* /proc/PID/mounts pairs with mountinfo line by line: the same mounts go. */
Test(legacy_layout, mounts_follow_mountinfo) {
        put("views", REGISTRY_HEAD "view cgroup-v1 cpu,cpuacct /run/cgcompat/cgroup/cpu,cpuacct\n"
                                   "device 0:50 /run/cgcompat/cgroup/cpu,cpuacct\n");
        put("mountinfo", ROOTFS MACHINE_MEMORY CPU_IN_LEGACY_ROOT CPU_ON_SYS);
        put("mounts", "/dev/sda1 / ext4 rw,relatime 0 0\n"
                      "cgroup /sys/fs/cgroup/memory cgroup rw,nosuid,memory 0 0\n"
                      "cgcompat /run/cgcompat/cgroup/cpu,cpuacct fuse.cgcompat rw,nosuid,nodev,user_id=0 0 0\n"
                      "cgcompat /sys/fs/cgroup/cpu,cpuacct fuse.cgcompat rw,nosuid,nodev,user_id=0 0 0\n");
        _cleanup_free_ char *text = generate(LAYOUT_MOUNTS, 0);
        cr_assert_str_eq(text, "/dev/sda1 / ext4 rw,relatime 0 0\n"
                               "cgroup /sys/fs/cgroup/cpu,cpuacct cgroup rw,nosuid,nodev,noexec,relatime,cpu,cpuacct 0 0\n");
}

Test(legacy_layout, no_view_in_the_table) {
        put("views", REGISTRY_HEAD "view cgroup-v1 cpu,cpuacct /run/cgcompat/cgroup/cpu,cpuacct\n"
                                   "device 0:50 /run/cgcompat/cgroup/cpu,cpuacct\n");
        put("mountinfo", ROOTFS MACHINE_MEMORY);
        _cleanup_free_ char *text = generate(LAYOUT_MOUNTINFO, -ENOENT);
        (void) text;
}

Test(legacy_layout, fs_type_by_device) {
        struct layout *l = NULL;
        put("views", REGISTRY_HEAD "view cgroup-v1 cpu,cpuacct /run/cgcompat/cgroup/cpu,cpuacct\n"
                                   "device 0:50 /run/cgcompat/cgroup/cpu,cpuacct\n"
                                   "view unified unified /run/cgcompat/cgroup/unified\ndevice 0:53 /run/cgcompat/cgroup/unified\n"
                                   "view container container /dev/container\ndevice 0:51 /dev/container\n");
        put("mountinfo", ROOTFS CPU_ON_SYS CONTAINER_VIEW
                         "43 22 0:53 / /sys/fs/cgroup/unified rw - fuse.cgcompat cgcompat rw\n");
        cr_assert_eq(layout_load(dir, &l), 0);
        cr_assert_eq(layout_fs_type(l, dir_fd, makedev(0, 50)), LAYOUT_CGROUP_SUPER_MAGIC);
        cr_assert_eq(layout_fs_type(l, dir_fd, makedev(0, 53)), LAYOUT_CGROUP2_SUPER_MAGIC);
        cr_assert_eq(layout_fs_type(l, dir_fd, makedev(0, 51)), 0, "the container view stays FUSE");
        cr_assert_eq(layout_fs_type(l, dir_fd, makedev(8, 1)), 0);
        layout_free(l);
}
