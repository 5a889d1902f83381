/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Make @path ready to take a view: create it, and clear a dead mount left by a
 * daemon that was killed (its FUSE connection answers ENOTCONN). A live view
 * there means another daemon serves it: -EBUSY.
 */
int mountpoint_prepare(const char *path);

/* mkdir -p */
int mkdir_p(const char *path);
