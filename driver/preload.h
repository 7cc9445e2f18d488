/*
 * preload.h -- libtcpreload internals: the device paths of
 * TCLIENT_DEVICES, the table of descriptors that stand for remote drives,
 * and the C library's own calls found with dlsym(RTLD_NEXT).
 */
#ifndef TC_PRELOAD_H
#define TC_PRELOAD_H

#include <sys/stat.h>

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>

#include "tclient.h"

#define PL_MAXDEV	64	/* paths in TCLIENT_DEVICES, twins included */
#define PL_PATHMAX	1024
#define PL_NOREWIND	128	/* minor bit of a non-rewinding node, as st */

/* A path that stands for a remote drive. */
struct pl_dev {
	char		 path[PL_PATHMAX];
	char		 drive[64];
	int		 rewind;	/* rewind at close (st0, not nst0) */
	int		 minor;		/* for fstat: entry number | NOREWIND */
};

/* One remote open; every dup of its descriptor shares it. */
struct pl_handle {
	pthread_mutex_t	 io;		/* one call at a time on conn */
	struct tc_conn	*conn;		/* NULL once closed or inherited */
	const struct pl_dev *dev;
	int		 refs;		/* descriptors and calls in progress */
	int		 oflags;	/* O_ACCMODE | O_NONBLOCK | O_APPEND,
					   under pl_lock */
	int		 inherited;	/* a forked child's copy: EIO */
	struct pl_handle *next;		/* all handles, for fork and exit */
	struct pl_handle *exit_next;	/* those at_exit closes */
};

/* The C library's calls, for everything that is not a remote drive. */
struct pl_real {
	int	(*open)(const char *, int, ...);
	int	(*open64)(const char *, int, ...);
	int	(*openat)(int, const char *, int, ...);
	int	(*openat64)(int, const char *, int, ...);
	int	(*__open_2)(const char *, int);
	int	(*__open64_2)(const char *, int);
	int	(*__openat_2)(int, const char *, int);
	int	(*__openat64_2)(int, const char *, int);
	int	(*creat)(const char *, mode_t);
	int	(*creat64)(const char *, mode_t);
	ssize_t	(*read)(int, void *, size_t);
	ssize_t	(*__read_chk)(int, void *, size_t, size_t);
	ssize_t	(*write)(int, const void *, size_t);
	int	(*ioctl)(int, unsigned long, ...);
	int	(*close)(int);
	int	(*fstat)(int, struct stat *);
	int	(*fstat64)(int, struct stat64 *);
	int	(*__fxstat)(int, int, struct stat *);
	int	(*__fxstat64)(int, int, struct stat64 *);
	int	(*fstatat)(int, const char *, struct stat *, int);
	int	(*fstatat64)(int, const char *, struct stat64 *, int);
	off_t	(*lseek)(int, off_t, int);
	off64_t	(*lseek64)(int, off64_t, int);
	int	(*dup)(int);
	int	(*dup2)(int, int);
	int	(*dup3)(int, int, int);
	int	(*fcntl)(int, int, ...);
	int	(*fcntl64)(int, int, ...);
	int	(*fsync)(int);
	int	(*fdatasync)(int);
	int	(*close_range)(unsigned, unsigned, int);	/* glibc 2.34 */
	void	(*closefrom)(int);
};
extern struct pl_real	pl_real;

void	 pl_resolve(void);
/* The C library's NAME; found at load, or at the first call before that. */
#define REAL(name) (pl_real.name != NULL ? pl_real.name : \
	(pl_resolve(), pl_real.name))

/* preload_conf.c */
void	 pl_msg(const char *, ...)
	    __attribute__((__format__(__printf__, 1, 2)));
const struct pl_dev *pl_lookup(int, const char *);

/* preload_dev.c */
int	 pl_open(const struct pl_dev *, int);
struct pl_handle *pl_get(int, int *);
int	 pl_put(struct pl_handle *);
int	 pl_close(int);
int	 pl_dup(int, int, int, int);
int	 pl_replaced(int, int, int);
int	 pl_close_range(unsigned, unsigned, int);
void	 pl_closefrom(int);

/* preload_fd.c: descriptor -> handle; the lock guards slots and refs */
extern pthread_mutex_t	pl_lock;
struct pl_handle *pl_slot(int);
int	 pl_slot_set(int, struct pl_handle *, int);
struct pl_handle *pl_slot_clear(int);
int	 pl_slot_getfd(int);
void	 pl_slot_setfd(int, int);
int	 pl_slot_range(unsigned, unsigned, int, struct pl_handle ***,
	    size_t *);

#endif /* TC_PRELOAD_H */
