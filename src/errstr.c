/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * strerror() for the static binary. klibc's links sys_errlist: 134
 * pointers and 3.1 KB of text (4.2 KB in all), most of it for errors PID 1
 * never meets ("Streams pipe error"). This one knows the errors the boot
 * stages can actually return (every -E... in src/ among them) (files, mounts, modules, ioctls, sockets) and
 * prints any other as "errno N", which `errno N` or errno(3) decodes.
 * Linux's own texts, so messages read as they did. Host builds keep libc's.
 */
#ifdef __KLIBC__
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Same order as texts[] below; one byte each (every value is < 256). */
static const unsigned char nos[] = {
	EPERM, ENOENT, ESRCH, EINTR, EIO, ENXIO, E2BIG, ENOEXEC, EBADF,
	EAGAIN, ENOMEM, EACCES, ENOTBLK, EBUSY, EEXIST, EXDEV, ENODEV,
	ENOTDIR, EISDIR, EINVAL, EMFILE, ENOTTY, EFBIG, ENOSPC, EROFS, EPIPE,
	ENAMETOOLONG, ENOSYS, ENOTEMPTY, ELOOP, EPROTO, EBADMSG, EOVERFLOW,
	EMSGSIZE, EOPNOTSUPP, EAFNOSUPPORT, EADDRINUSE, EADDRNOTAVAIL,
	ENETDOWN, ENETUNREACH, ECONNABORTED, ECONNRESET, ENOTCONN, ETIMEDOUT,
	ECONNREFUSED, EHOSTUNREACH, ENOKEY, ECHILD, ENOMSG, ENODATA, ETIME,
	ENOPKG, EPROTONOSUPPORT, ENOBUFS, ESHUTDOWN, ESTALE, EDESTADDRREQ,
	EKEYREJECTED,
};

static const char texts[] =
	"Operation not permitted\0"
	"No such file or directory\0"
	"No such process\0"
	"Interrupted system call\0"
	"Input/output error\0"
	"No such device or address\0"
	"Argument list too long\0"
	"Exec format error\0"
	"Bad file descriptor\0"
	"Resource temporarily unavailable\0"
	"Cannot allocate memory\0"
	"Permission denied\0"
	"Block device required\0"
	"Device or resource busy\0"
	"File exists\0"
	"Invalid cross-device link\0"
	"No such device\0"
	"Not a directory\0"
	"Is a directory\0"
	"Invalid argument\0"
	"Too many open files\0"
	"Inappropriate ioctl for device\0"
	"File too large\0"
	"No space left on device\0"
	"Read-only file system\0"
	"Broken pipe\0"
	"File name too long\0"
	"Function not implemented\0"
	"Directory not empty\0"
	"Too many levels of symbolic links\0"
	"Protocol error\0"
	"Bad message\0"
	"Value too large for defined data type\0"
	"Message too long\0"
	"Operation not supported\0"
	"Address family not supported by protocol\0"
	"Address already in use\0"
	"Cannot assign requested address\0"
	"Network is down\0"
	"Network is unreachable\0"
	"Software caused connection abort\0"
	"Connection reset by peer\0"
	"Transport endpoint is not connected\0"
	"Connection timed out\0"
	"Connection refused\0"
	"No route to host\0"
	"Required key not available\0"
	"No child processes\0"
	"No message of desired type\0"
	"No data available\0"
	"Timer expired\0"
	"Package not installed\0"
	"Protocol not supported\0"
	"No buffer space available\0"
	"Cannot send after transport endpoint shutdown\0"
	"Stale file handle\0"
	"Destination address required\0"
	"Key was rejected by service";

char *strerror(int errnum)
{
	static char other[16];
	const char *p = texts;
	unsigned int i;

	for (i = 0; i < sizeof(nos); i++) {
		if (nos[i] == errnum)
			return (char *)p;
		p += strlen(p) + 1;
	}
	snprintf(other, sizeof(other), "errno %d", errnum);
	return other;
}
#endif
