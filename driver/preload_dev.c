/*
 * preload_dev.c -- remote drives behind descriptors: open, the references
 * that dups and calls in progress hold, the remote close at the last one,
 * fork and exit.
 */
#include <sys/resource.h>
#include <linux/close_range.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "client.h"		/* the session's socket and c->dead */
#include "preload.h"

static struct pl_handle	*handles;	/* under pl_lock */
static pthread_once_t	 hooks_once = PTHREAD_ONCE_INIT;

/* The remote session of a handle nobody refers to any more. */
static int
finish(struct pl_handle *h)
{
	int	r = 0, e = 0;

	if (h->conn != NULL) {
		if (tc_close(h->conn) < 0) {
			r = -1;
			e = errno;
		}
		tc_disconnect(h->conn);
	}
	pthread_mutex_destroy(&h->io);
	free(h);
	errno = e;
	return r;
}

/* With pl_lock held. */
static void
unlink_handle(struct pl_handle *h)
{
	struct pl_handle	**pp;

	for (pp = &handles; *pp != NULL; pp = &(*pp)->next)
		if (*pp == h) {
			*pp = h->next;
			break;
		}
}

/*
 * A forked child shares the parent's TLS session and must never speak on
 * it: its copies of the drives fail with EIO and close without a word to
 * the server.  Its socket is closed so that only the parent holds the
 * connection open (a parent killed then still closes the drive).
 */
static void
fork_prepare(void)
{
	pthread_mutex_lock(&pl_lock);
}

static void
fork_parent(void)
{
	pthread_mutex_unlock(&pl_lock);
}

static void
fork_child(void)
{
	struct pl_handle	*h;

	struct tc_conn		*c;

	pthread_mutex_unlock(&pl_lock);
	for (h = handles; h != NULL; h = h->next) {
		pthread_mutex_init(&h->io, NULL);
		h->inherited = 1;
		if ((c = h->conn) != NULL) {
			h->conn = NULL;
			c->dead = 1;
			tc_disconnect(c);
		}
	}
}

/*
 * A program that exits without closing its drive: close it here, as the
 * kernel would have, while OpenSSL is still there (its own atexit handler
 * was registered before ours and runs after it).
 */
static void
at_exit(void)
{
	struct pl_handle	*h, *list = NULL;
	struct tc_conn		*c;

	pthread_mutex_lock(&pl_lock);
	for (h = handles; h != NULL; h = h->next)
		if (h->conn != NULL) {
			h->refs++;
			h->exit_next = list;
			list = h;
		}
	pthread_mutex_unlock(&pl_lock);
	while ((h = list) != NULL) {
		list = h->exit_next;
		/* a thread still inside a call keeps its drive */
		if (pthread_mutex_trylock(&h->io) == 0) {
			if ((c = h->conn) != NULL) {
				h->conn = NULL;
				(void)tc_close(c);
				tc_disconnect(c);
			}
			pthread_mutex_unlock(&h->io);
		}
		(void)pl_put(h);
	}
}

static void
hooks(void)
{
	pthread_atfork(fork_prepare, fork_parent, fork_child);
	atexit(at_exit);
}

/*
 * The session's socket goes high up, out of the program's way: a shell's
 * "exec 4>&3" must not land on it.  SSL reads the descriptor from its BIO.
 */
static void
move_socket(struct tc_conn *c)
{
	struct rlimit	rl;
	int		fd;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur < 64 ||
	    (fd = REAL(fcntl)(c->fd, F_DUPFD_CLOEXEC,
	    (int)(rl.rlim_cur > 65536 ? 32768 : rl.rlim_cur / 2))) == -1)
		return;
	BIO_set_fd(SSL_get_rbio(c->ssl), fd, BIO_NOCLOSE);
	REAL(close)(c->fd);
	c->fd = fd;
}

/* Connect and open; messages for what a tape program would not explain. */
static struct tc_conn *
connect_open(const struct pl_dev *d, int flags)
{
	struct tc_options o;
	struct tc_conn	*c;
	const char	*w = getenv("TCLIENT_WINDOW");
	char		 err[600];
	int		 e;

	memset(&o, 0, sizeof(o));
	/* lock-step unless asked: see "Why lock-step" in libtcpreload(8) */
	if (w == NULL || *w == '\0')
		o.window = -1;
	if (tc_connect(&o, &c, err, sizeof(err)) < 0) {
		pl_msg("%s: %s", d->path, err);
		return NULL;
	}
	pthread_once(&hooks_once, hooks);
	move_socket(c);
	if (tc_open(c, d->drive, flags, d->rewind) < 0) {
		e = errno;
		if (e != EBUSY && e != EROFS && e != ENOMEDIUM)
			pl_msg("%s: drive %s: %s%s", d->path, d->drive,
			    tc_errmsg(c), e == ENXIO ? " (check TCLIENT_DEVICES "
			    "against: tclient drives)" : "");
		tc_disconnect(c);
		errno = e;
		return NULL;
	}
	return c;
}

/*
 * A real descriptor is reserved for each open: numbers stay unique and the
 * lowest free one is taken, as open(2) does.  It is an O_PATH descriptor
 * of /dev/null, always close-on-exec (the session cannot cross exec), so
 * any call this library does not know fails with EBADF instead of
 * silently reading or writing something else.
 */
int
pl_open(const struct pl_dev *d, int flags)
{
	struct pl_handle	*h;
	int			 fd, e;

	if ((fd = REAL(open)("/dev/null", O_PATH | O_CLOEXEC)) == -1)
		return -1;
	if ((h = calloc(1, sizeof(*h))) == NULL) {
		REAL(close)(fd);
		errno = ENOMEM;
		return -1;
	}
	if ((h->conn = connect_open(d, flags)) == NULL) {
		e = errno;
		free(h);
		REAL(close)(fd);
		errno = e;
		return -1;
	}
	pthread_mutex_init(&h->io, NULL);
	h->dev = d;
	h->refs = 1;
	h->oflags = flags & (O_ACCMODE | O_NONBLOCK | O_APPEND);
	pthread_mutex_lock(&pl_lock);
	if (pl_slot_set(fd, h, flags & O_CLOEXEC) == -1) {
		e = errno;
		pthread_mutex_unlock(&pl_lock);
		REAL(close)(fd);
		finish(h);
		errno = e;
		return -1;
	}
	h->next = handles;
	handles = h;
	pthread_mutex_unlock(&pl_lock);
	return fd;
}

/* A reference for one call on fd, or NULL if fd is not a drive. */
struct pl_handle *
pl_get(int fd, int *oflags)
{
	struct pl_handle	*h;

	pthread_mutex_lock(&pl_lock);
	if ((h = pl_slot(fd)) != NULL) {
		h->refs++;
		if (oflags != NULL)
			*oflags = h->oflags;
	}
	pthread_mutex_unlock(&pl_lock);
	return h;
}

/* Drop a reference; the last one closes the drive, and says how. */
int
pl_put(struct pl_handle *h)
{
	int	last;

	pthread_mutex_lock(&pl_lock);
	if ((last = --h->refs == 0))
		unlink_handle(h);
	pthread_mutex_unlock(&pl_lock);
	return last ? finish(h) : 0;
}

int
pl_close(int fd)
{
	struct pl_handle	*h;

	pthread_mutex_lock(&pl_lock);
	h = pl_slot_clear(fd);
	REAL(close)(fd);
	pthread_mutex_unlock(&pl_lock);
	return h != NULL ? pl_put(h) : 0;
}

/*
 * dup, dup2, dup3, F_DUPFD: newfd -1 takes the lowest free number from
 * min on; otherwise exactly newfd, whatever it was before.
 */
int
pl_dup(int oldfd, int newfd, int min, int cloexec)
{
	struct pl_handle	*h, *old = NULL;
	int			 fd, e;

	pthread_mutex_lock(&pl_lock);
	if ((h = pl_slot(oldfd)) == NULL) {
		pthread_mutex_unlock(&pl_lock);
		errno = EBADF;
		return -1;
	}
	if (newfd == oldfd) {
		pthread_mutex_unlock(&pl_lock);
		return newfd;
	}
	if (newfd < 0)
		fd = REAL(fcntl)(oldfd, F_DUPFD_CLOEXEC, min);
	else
		fd = REAL(dup3)(oldfd, newfd, O_CLOEXEC);
	if (fd >= 0) {
		old = pl_slot_clear(fd);
		if (pl_slot_set(fd, h, cloexec) == 0)
			h->refs++;
		else {
			e = errno;
			REAL(close)(fd);
			errno = e;
			fd = -1;
		}
	}
	e = errno;
	pthread_mutex_unlock(&pl_lock);
	if (old != NULL)
		(void)pl_put(old);	/* dup2 does not report close errors */
	errno = e;
	return fd;
}

/*
 * A descriptor that was a drive taken over by dup2/dup3 of an ordinary
 * one: done under the lock so that the number never means both.
 */
int
pl_replaced(int oldfd, int newfd, int flags)
{
	struct pl_handle	*old = NULL;
	int			 fd, e;

	pthread_mutex_lock(&pl_lock);
	if ((fd = REAL(dup3)(oldfd, newfd, flags)) >= 0)
		old = pl_slot_clear(newfd);
	e = errno;
	pthread_mutex_unlock(&pl_lock);
	if (old != NULL)
		(void)pl_put(old);
	errno = e;
	return fd;
}

static void
put_all(struct pl_handle **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		(void)pl_put(v[i]);
	free(v);
}

/* close_range and closefrom take the drives in their range along. */
int
pl_close_range(unsigned first, unsigned last, int flags)
{
	struct pl_handle	**v = NULL;
	size_t			  n = 0;
	int			  r, e;

	pthread_mutex_lock(&pl_lock);
	if ((r = REAL(close_range)(first, last, flags)) == 0)
		pl_slot_range(first, last, flags & CLOSE_RANGE_CLOEXEC, &v, &n);
	e = errno;
	pthread_mutex_unlock(&pl_lock);
	put_all(v, n);
	errno = e;
	return r;
}

void
pl_closefrom(int low)
{
	struct pl_handle	**v = NULL;
	size_t			  n = 0;

	pthread_mutex_lock(&pl_lock);
	REAL(closefrom)(low);
	pl_slot_range((unsigned)low, ~0u, 0, &v, &n);
	pthread_mutex_unlock(&pl_lock);
	put_all(v, n);
}
