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
#include <sys/sysmacros.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <unistd.h>

#include "preload.h"

#define ST_MAJOR	9	/* Linux SCSI tape: what fstat shows */

/* The entry points; glibc declares some only under _FORTIFY_SOURCE. */
int	__open_2(const char *, int);
int	__open64_2(const char *, int);
int	__openat_2(int, const char *, int);
int	__openat64_2(int, const char *, int);
ssize_t	__read_chk(int, void *, size_t, size_t);
int	__fxstat(int, int, struct stat *);
int	__fxstat64(int, int, struct stat64 *);
int	fcntl64(int, int, ...);
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

/*
 * A character device, as st's: major 9, the minor says which entry of
 * TCLIENT_DEVICES and (bit 7) whether it rewinds.  The rest comes from
 * the reserved descriptor.
 */
#define FAKE_STAT(st, h) do {						\
	(st)->st_mode = S_IFCHR | 0660;					\
	(st)->st_rdev = makedev(ST_MAJOR, (unsigned)(h)->dev->minor);	\
	(st)->st_ino = 0x7c000000u + (unsigned)(h)->dev->minor;		\
	(st)->st_size = 0;						\
	(st)->st_blocks = 0;						\
	(st)->st_nlink = 1;						\
} while (0)

int
fstat(int fd, struct stat *st)
{
	struct pl_handle	*h;
	int			 r;

	if (pl_slot(fd) == NULL || (h = pl_get(fd, NULL)) == NULL)
		return REAL(fstat)(fd, st);
	if ((r = REAL(fstat)(fd, st)) == 0)
		FAKE_STAT(st, h);
	pl_put(h);
	return r;
}

int
fstat64(int fd, struct stat64 *st)
{
	struct pl_handle	*h;
	int			 r;

	if (pl_slot(fd) == NULL || (h = pl_get(fd, NULL)) == NULL)
		return REAL(fstat64)(fd, st);
	if ((r = REAL(fstat64)(fd, st)) == 0)
		FAKE_STAT(st, h);
	pl_put(h);
	return r;
}

int
__fxstat(int ver, int fd, struct stat *st)
{
	struct pl_handle	*h;
	int			 r;

	if (pl_slot(fd) == NULL || (h = pl_get(fd, NULL)) == NULL)
		return REAL(__fxstat)(ver, fd, st);
	if ((r = REAL(__fxstat)(ver, fd, st)) == 0)
		FAKE_STAT(st, h);
	pl_put(h);
	return r;
}

int
__fxstat64(int ver, int fd, struct stat64 *st)
{
	struct pl_handle	*h;
	int			 r;

	if (pl_slot(fd) == NULL || (h = pl_get(fd, NULL)) == NULL)
		return REAL(__fxstat64)(ver, fd, st);
	if ((r = REAL(__fxstat64)(ver, fd, st)) == 0)
		FAKE_STAT(st, h);
	pl_put(h);
	return r;
}

/* fstatat(fd, "", st, AT_EMPTY_PATH) is fstat(fd, st). */
int
fstatat(int fd, const char *path, struct stat *st, int flags)
{
	if ((flags & AT_EMPTY_PATH) && *path == '\0' &&
	    pl_slot(fd) != NULL)
		return fstat(fd, st);
	return REAL(fstatat)(fd, path, st, flags);
}

int
fstatat64(int fd, const char *path, struct stat64 *st, int flags)
{
	if ((flags & AT_EMPTY_PATH) && *path == '\0' &&
	    pl_slot(fd) != NULL)
		return fstat64(fd, st);
	return REAL(fstatat64)(fd, path, st, flags);
}

/* A tape cannot seek, and says so (as the FUSE nodes do). */
off_t
lseek(int fd, off_t off, int whence)
{
	if (pl_slot(fd) == NULL)
		return REAL(lseek)(fd, off, whence);
	errno = ESPIPE;
	return -1;
}

off64_t
lseek64(int fd, off64_t off, int whence)
{
	if (pl_slot(fd) == NULL)
		return REAL(lseek64)(fd, off, whence);
	errno = ESPIPE;
	return -1;
}

/* st has no fsync: EINVAL, as fsync(2) says of such files. */
int
fsync(int fd)
{
	if (pl_slot(fd) == NULL)
		return REAL(fsync)(fd);
	errno = EINVAL;
	return -1;
}

int
fdatasync(int fd)
{
	if (pl_slot(fd) == NULL)
		return REAL(fdatasync)(fd);
	errno = EINVAL;
	return -1;
}

int
dup(int fd)
{
	if (pl_slot(fd) == NULL)
		return REAL(dup)(fd);
	return pl_dup(fd, -1, 0, 0);
}

int
dup2(int oldfd, int newfd)
{
	if (pl_slot(oldfd) != NULL)
		return pl_dup(oldfd, newfd, 0, 0);
	if (oldfd != newfd && pl_slot(newfd) != NULL)
		return pl_replaced(oldfd, newfd, 0);
	return REAL(dup2)(oldfd, newfd);
}

int
dup3(int oldfd, int newfd, int flags)
{
	if (oldfd == newfd || (flags & ~O_CLOEXEC) != 0)
		return REAL(dup3)(oldfd, newfd, flags);	/* EINVAL */
	if (pl_slot(oldfd) != NULL)
		return pl_dup(oldfd, newfd, 0, flags & O_CLOEXEC);
	if (pl_slot(newfd) != NULL)
		return pl_replaced(oldfd, newfd, flags);
	return REAL(dup3)(oldfd, newfd, flags);
}

/* fcntl on a drive: what the program sees, not the reserved descriptor. */
static int
remote_fcntl(int fd, int cmd, void *arg)
{
	struct pl_handle	*h;
	long			 v = (long)arg;
	int			 r = 0;

	if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)
		return pl_dup(fd, -1, (int)v, cmd == F_DUPFD_CLOEXEC);
	if (cmd != F_GETFD && cmd != F_SETFD && cmd != F_GETFL &&
	    cmd != F_SETFL)
		return REAL(fcntl)(fd, cmd, arg);	/* EBADF mostly */
	pthread_mutex_lock(&pl_lock);
	if ((h = pl_slot(fd)) == NULL) {
		pthread_mutex_unlock(&pl_lock);
		return REAL(fcntl)(fd, cmd, arg);
	}
	if (cmd == F_GETFD)
		r = pl_slot_getfd(fd);
	else if (cmd == F_SETFD)
		pl_slot_setfd(fd, (int)v);
	else if (cmd == F_GETFL)
		r = h->oflags | O_LARGEFILE;	/* the kernel adds it */
	else
		h->oflags = (h->oflags & O_ACCMODE) |
		    ((int)v & (O_NONBLOCK | O_APPEND));
	pthread_mutex_unlock(&pl_lock);
	return r;
}

int
fcntl(int fd, int cmd, ...)
{
	va_list	ap;
	void	*arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (pl_slot(fd) == NULL)
		return REAL(fcntl)(fd, cmd, arg);
	return remote_fcntl(fd, cmd, arg);
}

int
fcntl64(int fd, int cmd, ...)
{
	va_list	ap;
	void	*arg;

	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (pl_slot(fd) == NULL)
		return REAL(fcntl64)(fd, cmd, arg);
	return remote_fcntl(fd, cmd, arg);
}
