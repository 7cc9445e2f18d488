/*
 * preload.c -- libtcpreload.so, the LD_PRELOAD tape driver: the C library
 * calls tape programs make, taken over for the paths of TCLIENT_DEVICES
 * and passed on untouched for everything else.  No mapping here: errno
 * values come from libtclient already in this platform's numbering.
 */
#undef _FORTIFY_SOURCE
#include <sys/ioctl.h>
#include <sys/mtio.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <unistd.h>

#include "preload.h"

/* The entry points; glibc declares some only under _FORTIFY_SOURCE. */
int	__open_2(const char *, int);
int	__open64_2(const char *, int);
int	__openat_2(int, const char *, int);
int	__openat64_2(int, const char *, int);
ssize_t	__read_chk(int, void *, size_t, size_t);
__attribute__((__noreturn__)) void __chk_fail(void);

static int
mode_arg(int flags, va_list ap)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ?
	    va_arg(ap, int) : 0;
}

/* With the device looked up already; O_CREAT and the rest mean nothing. */
#define OPEN_REMOTE(dirfd, path, flags)	do {			\
	const struct pl_dev *d_ = pl_lookup((dirfd), (path));	\
	if (d_ != NULL)						\
		return pl_open(d_, (flags));			\
} while (0)

int
open(const char *path, int flags, ...)
{
	va_list	ap;
	int	mode;

	OPEN_REMOTE(AT_FDCWD, path, flags);
	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return REAL(open)(path, flags, mode);
}

int
open64(const char *path, int flags, ...)
{
	va_list	ap;
	int	mode;

	OPEN_REMOTE(AT_FDCWD, path, flags);
	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return REAL(open64)(path, flags, mode);
}

int
openat(int dirfd, const char *path, int flags, ...)
{
	va_list	ap;
	int	mode;

	OPEN_REMOTE(dirfd, path, flags);
	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return REAL(openat)(dirfd, path, flags, mode);
}

int
openat64(int dirfd, const char *path, int flags, ...)
{
	va_list	ap;
	int	mode;

	OPEN_REMOTE(dirfd, path, flags);
	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return REAL(openat64)(dirfd, path, flags, mode);
}

int
__open_2(const char *path, int flags)
{
	OPEN_REMOTE(AT_FDCWD, path, flags);
	return REAL(__open_2)(path, flags);
}

int
__open64_2(const char *path, int flags)
{
	OPEN_REMOTE(AT_FDCWD, path, flags);
	return REAL(__open64_2)(path, flags);
}

int
__openat_2(int dirfd, const char *path, int flags)
{
	OPEN_REMOTE(dirfd, path, flags);
	return REAL(__openat_2)(dirfd, path, flags);
}

int
__openat64_2(int dirfd, const char *path, int flags)
{
	OPEN_REMOTE(dirfd, path, flags);
	return REAL(__openat64_2)(dirfd, path, flags);
}

int
creat(const char *path, mode_t mode)
{
	OPEN_REMOTE(AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC);
	return REAL(creat)(path, mode);
}

int
creat64(const char *path, mode_t mode)
{
	OPEN_REMOTE(AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC);
	return REAL(creat64)(path, mode);
}

/*
 * A call on a drive: a reference is held for its length, so that a close
 * in another thread cannot free the session under it.  EBADF for the
 * wrong direction (the kernel says so before st is asked), EIO for a
 * forked child's copy or a drive closed at exit.
 */
static struct pl_handle *
enter(int fd, int need)
{
	struct pl_handle	*h;
	int			 fl;

	if ((h = pl_get(fd, &fl)) == NULL) {
		errno = EBADF;
		return NULL;
	}
	if (need >= 0 && (fl & O_ACCMODE) != O_RDWR &&
	    (fl & O_ACCMODE) != need) {
		pl_put(h);
		errno = EBADF;
		return NULL;
	}
	pthread_mutex_lock(&h->io);
	if (h->conn == NULL) {
		pthread_mutex_unlock(&h->io);
		pl_put(h);
		errno = EIO;
		return NULL;
	}
	return h;
}

static ssize_t
leave(struct pl_handle *h, ssize_t r)
{
	int	e = errno;

	pthread_mutex_unlock(&h->io);
	pl_put(h);
	errno = e;
	return r < 0 ? -1 : r;
}

static ssize_t
remote_read(int fd, void *buf, size_t n)
{
	struct pl_handle	*h;

	if ((h = enter(fd, O_RDONLY)) == NULL)
		return -1;
	return leave(h, tc_read(h->conn, buf, n));
}

ssize_t
read(int fd, void *buf, size_t n)
{
	if (pl_slot(fd) == NULL)
		return REAL(read)(fd, buf, n);
	return remote_read(fd, buf, n);
}

ssize_t
__read_chk(int fd, void *buf, size_t n, size_t buflen)
{
	if (pl_slot(fd) == NULL)
		return REAL(__read_chk)(fd, buf, n, buflen);
	if (n > buflen)
		__chk_fail();
	return remote_read(fd, buf, n);
}

ssize_t
write(int fd, const void *buf, size_t n)
{
	struct pl_handle	*h;

	if (pl_slot(fd) == NULL)
		return REAL(write)(fd, buf, n);
	if ((h = enter(fd, O_WRONLY)) == NULL)
		return -1;
	return leave(h, tc_write(h->conn, buf, n));
}

int
ioctl(int fd, unsigned long req, ...)
{
	struct pl_handle	*h;
	va_list			 ap;
	void			*arg;
	int			 r;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (pl_slot(fd) == NULL)
		return REAL(ioctl)(fd, req, arg);
	if (req != MTIOCTOP && req != MTIOCGET && req != MTIOCPOS) {
		errno = ENOTTY;		/* TCGETS from isatty(3) among them */
		return -1;
	}
	if (arg == NULL) {
		errno = EFAULT;
		return -1;
	}
	if ((h = enter(fd, -1)) == NULL)
		return -1;
	if (req == MTIOCTOP)
		r = tc_mtioctop(h->conn, arg);
	else if (req == MTIOCGET)
		r = tc_mtiocget(h->conn, arg);
	else
		r = tc_mtiocpos(h->conn, arg);
	return (int)leave(h, r);
}

int
close(int fd)
{
	if (pl_slot(fd) == NULL)
		return REAL(close)(fd);
	return pl_close(fd);
}

/* Daemons and spawners close everything: the table must follow. */
int
close_range(unsigned first, unsigned last, int flags)
{
	return pl_close_range(first, last, flags);
}

void
closefrom(int low)
{
	if (low < 0)
		low = 0;
	pl_closefrom(low);
}
