/*
 * preload_fdops.c -- the calls on a drive's descriptor that do not reach
 * the drive: fstat, lseek, fsync, dup and fcntl, answered as for an st
 * device; every other descriptor goes to the C library.
 */
#undef _FORTIFY_SOURCE
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <unistd.h>

#include "preload.h"

#define ST_MAJOR	9	/* Linux SCSI tape: what fstat shows */

/* The entry points glibc does not declare for us. */
int	__fxstat(int, int, struct stat *);
int	__fxstat64(int, int, struct stat64 *);
int	fcntl64(int, int, ...);

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

/* CALL is the C library's own call, made for a drive's reserved fd too. */
#define FSTAT_AS_ST(fd, st, call) do {					\
	struct pl_handle	*h_;					\
	int			 r_;					\
									\
	if (pl_slot(fd) == NULL || (h_ = pl_get((fd), NULL)) == NULL)	\
		return (call);						\
	if ((r_ = (call)) == 0)						\
		FAKE_STAT((st), h_);					\
	pl_put(h_);							\
	return r_;							\
} while (0)

int
fstat(int fd, struct stat *st)
{
	FSTAT_AS_ST(fd, st, REAL(fstat)(fd, st));
}

int
fstat64(int fd, struct stat64 *st)
{
	FSTAT_AS_ST(fd, st, REAL(fstat64)(fd, st));
}

int
__fxstat(int ver, int fd, struct stat *st)
{
	FSTAT_AS_ST(fd, st, REAL(__fxstat)(ver, fd, st));
}

int
__fxstat64(int ver, int fd, struct stat64 *st)
{
	FSTAT_AS_ST(fd, st, REAL(__fxstat64)(ver, fd, st));
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
