/*
 * testutil.h - what every cmocka unit test includes: cmocka's required headers in the right order and
 * a few helpers. Tests are named after behaviour (transfer_return_twice_then_refuses).
 */
#ifndef CB_TESTUTIL_H
#define CB_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A fresh temporary directory (static buffer per call site is the caller's job). */
static inline void test_tmpdir(char *out, size_t out_len)
{
	snprintf(out, out_len, "/tmp/cbtest.XXXXXX");
	if (!mkdtemp(out))
		fail_msg("mkdtemp failed");
}

static inline void test_rmdir(const char *dir)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fail_msg("rm -rf failed");
}

#endif
