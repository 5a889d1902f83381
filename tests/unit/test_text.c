/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* compat/text.c: the growable buffer legacy files are read into. */

#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include "compat/text.h"

/* What must hold after every successful operation. */
static void assert_sane(const struct text *t) {
        cr_assert_not_null(t->data);
        cr_assert_gt(t->size, t->len, "no room for the terminating NUL: size %zu, len %zu", t->size, t->len);
        cr_assert_eq(t->data[t->len], 0, "not NUL-terminated at len %zu", t->len);
}

Test(text, free_of_empty_is_fine) {
        struct text t = {};

        text_free(&t);
        cr_assert_null(t.data);
        cr_assert_eq(t.len, 0);
        cr_assert_eq(t.size, 0);
        text_free(&t);
}

Test(text, append) {
        struct text t = {};

        cr_assert_eq(text_append(&t, "abc", 3), 0);
        assert_sane(&t);
        cr_assert_eq(t.len, 3);
        cr_assert_str_eq(t.data, "abc");

        cr_assert_eq(text_append(&t, "defgh", 2), 0); /* counted: only "de" */
        assert_sane(&t);
        cr_assert_eq(t.len, 5);
        cr_assert_str_eq(t.data, "abcde");

        text_free(&t);
        cr_assert_null(t.data);
        cr_assert_eq(t.len, 0);
        cr_assert_eq(t.size, 0);
}

Test(text, append_nothing) {
        struct text t = {};

        cr_assert_eq(text_append(&t, "", 0), 0);
        assert_sane(&t);
        cr_assert_eq(t.len, 0);
        cr_assert_str_eq(t.data, "");
        text_free(&t);
}

Test(text, append_binary) {
        struct text t = {};

        cr_assert_eq(text_append(&t, "a\0b", 3), 0);
        cr_assert_eq(text_append(&t, "\0", 1), 0);
        assert_sane(&t);
        cr_assert_eq(t.len, 4);
        cr_assert_eq(memcmp(t.data, "a\0b\0", 5), 0);
        text_free(&t);
}

Test(text, printf) {
        struct text t = {};

        cr_assert_eq(text_printf(&t, "%d\n", 1234), 0);
        cr_assert_eq(text_printf(&t, "%s-%u-%x\n", "x", 7u, 255u), 0);
        cr_assert_eq(text_printf(&t, "%s", ""), 0);
        assert_sane(&t);
        cr_assert_str_eq(t.data, "1234\nx-7-ff\n");
        cr_assert_eq(t.len, strlen("1234\nx-7-ff\n"));
        text_free(&t);
}

/* Output longer than any initial allocation, and exactly on the growth boundaries. */
Test(text, printf_grows) {
        struct text t = {};

        cr_assert_eq(text_printf(&t, "%*s", 10000, ""), 0);
        assert_sane(&t);
        cr_assert_eq(t.len, 10000);
        for (size_t i = 0; i < 10000; i++)
                cr_assert_eq(t.data[i], ' ');

        for (size_t n = 250; n < 530; n++) {
                struct text u = {};
                cr_assert_eq(text_printf(&u, "%*s|", (int) n, "x"), 0);
                assert_sane(&u);
                cr_assert_eq(u.len, n + 1);
                cr_assert_eq(u.data[n - 1], 'x');
                cr_assert_eq(u.data[n], '|');
                text_free(&u);
        }
        text_free(&t);
}

Test(text, append_across_boundaries) {
        struct text t = {};
        char chunk[97];

        for (size_t i = 0; i < sizeof(chunk); i++)
                chunk[i] = (char) ('A' + i % 26);
        /* 97 is prime: the appends straddle every power-of-two boundary up to 64 KiB. */
        for (size_t i = 0; i < 700; i++) {
                cr_assert_eq(text_append(&t, chunk, sizeof(chunk)), 0);
                assert_sane(&t);
                cr_assert_eq(t.len, (i + 1) * sizeof(chunk));
        }
        for (size_t i = 0; i < t.len; i++)
                cr_assert_eq(t.data[i], chunk[i % sizeof(chunk)], "byte %zu", i);
        text_free(&t);
}

Test(text, mixed) {
        struct text t = {};

        for (int i = 0; i < 3000; i++) {
                if (i % 2)
                        cr_assert_eq(text_printf(&t, "%d\n", i), 0);
                else
                        cr_assert_eq(text_append(&t, "even\n", 5), 0);
        }
        assert_sane(&t);

        struct text expected = {};
        char line[32];
        for (int i = 0; i < 3000; i++) {
                int n = i % 2 ? snprintf(line, sizeof(line), "%d\n", i) : snprintf(line, sizeof(line), "even\n");
                cr_assert_eq(text_append(&expected, line, (size_t) n), 0);
        }
        cr_assert_eq(t.len, expected.len);
        cr_assert_eq(memcmp(t.data, expected.data, t.len + 1), 0);
        text_free(&t);
        text_free(&expected);
}

/* tasks_read() reserves first and then prints: a reservation must make later writes fit in place. */
Test(text, reserve_holds_for_the_reserved_bytes) {
        struct text t = {};

        cr_assert_eq(text_reserve(&t, 12 * 1000), 0);
        cr_assert_not_null(t.data);
        cr_assert_eq(t.len, 0);
        cr_assert_gt(t.size, 12 * 1000);

        char *before = t.data;
        size_t size = t.size;
        for (int i = 0; i < 1000; i++)
                cr_assert_eq(text_printf(&t, "%011d\n", i), 0);
        cr_assert_eq(t.len, 12 * 1000);
        cr_assert_eq(t.data, before, "reserved buffer was reallocated");
        cr_assert_eq(t.size, size);
        assert_sane(&t);
        cr_assert_eq(memcmp(t.data, "00000000000\n00000000001\n", 24), 0);
        cr_assert_str_eq(t.data + 12 * 999, "00000000999\n");

        /* Reserving what is already there changes nothing. */
        cr_assert_eq(text_reserve(&t, 0), 0);
        cr_assert_eq(t.data, before);
        cr_assert_eq(t.size, size);
        text_free(&t);
}

Test(text, reserve_after_content_keeps_it) {
        struct text t = {};

        cr_assert_eq(text_append(&t, "keep", 4), 0);
        cr_assert_eq(text_reserve(&t, 100000), 0);
        cr_assert_gt(t.size - t.len, 100000);
        cr_assert_eq(t.len, 4);
        cr_assert_str_eq(t.data, "keep");
        text_free(&t);
}

/* The whole file at once, 0644 under any umask (other users' programs read it), no temporary left. */
Test(text, write_file_atomic) {
        char dir[] = "/tmp/cgcompat-unit-XXXXXX", path[64], temporary[64];
        char *back = NULL;
        struct stat st;

        cr_assert_not_null(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/file", dir);
        snprintf(temporary, sizeof(temporary), "%s/file.tmp", dir);
        mode_t old = umask(077);
        cr_assert_eq(write_file_atomic(path, "old\n", 4), 0);
        cr_assert_eq(write_file_atomic(path, "new", 3), 0);
        umask(old);
        cr_assert_eq(read_all_at(AT_FDCWD, path, SIZE_MAX, &back, NULL), 0);
        cr_assert_str_eq(back, "new");
        cr_assert_eq(stat(path, &st), 0);
        cr_assert_eq(st.st_mode & 07777, 0644);
        cr_assert_eq(access(temporary, F_OK), -1);
        cr_assert_eq(write_file_atomic("/nonexistent-dir/file", "x", 1), -ENOENT);
        free(back);
        unlink(path);
        rmdir(dir);
}
