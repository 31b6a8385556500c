/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for src/file.c: file_read() and file_read_devnum() on
 * temporary files with the contents sysfs gives, and malformed ones.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "file.h"

static char path[] = "/tmp/test_file.XXXXXX";

static void put(const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		CHECK(!"cannot write the temporary file");
		return;
	}
	fputs(text, f);
	fclose(f);
}

static const struct {
	const char *text;
	int rc;
	unsigned maj, min;
} devnums[] = {
	{ "10:236\n", 0, 10, 236 },		/* /sys/class/misc/device-mapper/dev */
	{ "43:0\n", 0, 43, 0 },			/* /sys/block/nbd0/dev */
	{ "259:1048575\n", 0, 259, 1048575 },
	{ "10:236", -EBADMSG, 0, 0 },		/* no newline: cut short */
	{ "10236\n", -EBADMSG, 0, 0 },
	{ ":236\n", -EBADMSG, 0, 0 },
	{ "10:\n", -EBADMSG, 0, 0 },
	{ "10:-1\n", -EBADMSG, 0, 0 },
	{ "-10:1\n", -EBADMSG, 0, 0 },
	{ " 10:1\n", -EBADMSG, 0, 0 },
	{ "10:1x\n", -EBADMSG, 0, 0 },
	{ "10:1048576\n", -EBADMSG, 0, 0 },	/* past 20 bits of minor */
	{ "99999999999999999999:1\n", -EBADMSG, 0, 0 },
	{ "", -EBADMSG, 0, 0 },
};

int main(void)
{
	char buf[8];
	size_t i;
	int fd = mkstemp(path);

	if (fd < 0)
		return 1;
	close(fd);
	for (i = 0; i < sizeof(devnums) / sizeof(devnums[0]); i++) {
		unsigned maj = 7, min = 7;

		put(devnums[i].text);
		CHECK_EQ_INT(file_read_devnum(path, &maj, &min), devnums[i].rc);
		if (devnums[i].rc == 0) {
			CHECK_EQ_INT(maj, devnums[i].maj);
			CHECK_EQ_INT(min, devnums[i].min);
		}
	}
	/* file_read: cut at size - 1, always terminated */
	put("0123456789");
	CHECK_EQ_INT(file_read(path, buf, sizeof(buf)), 7);
	CHECK_EQ_STR(buf, "0123456");
	put("");
	CHECK_EQ_INT(file_read(path, buf, sizeof(buf)), 0);
	CHECK_EQ_STR(buf, "");
	unlink(path);
	CHECK_EQ_INT(file_read(path, buf, sizeof(buf)), -ENOENT);
	CHECK_EQ_INT(file_read_devnum(path, &(unsigned){ 0 }, &(unsigned){ 0 }), -ENOENT);
	return check_report("file");
}
