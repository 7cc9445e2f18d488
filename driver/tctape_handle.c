/*
 * tctape_handle.c -- an open tape node: its own connection to tclientd and
 * its own drive session, the tape close at the flush of close(2), the end
 * of the connection at release.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tctape.h"

/* The errno for a failed libtclient call; call it before errno changes. */
int
handle_errno(struct tt_handle *h, int code, const char *what)
{
	int	e = errno;

	if (code == TC_ERR_DRIVE)
		return e;
	log_warnx("%s: %s: %s", h->node->name, what, tc_errmsg(h->conn));
	return code == TC_ERR_NOMEM ? ENOMEM : EIO;
}

/*
 * Another handle of this mount on the same drive, closed at a flush but
 * not yet released: the kernel is about to release it.  Wait for that
 * (until the deadline), and say whether it is worth trying again.
 */
static int
wait_release(struct tt_handle *h, const struct timespec *until)
{
	struct tt_handle	*o;
	int			 waited = 0, busy;

	pthread_mutex_lock(&tt.mtx);
	for (;;) {
		busy = 0;
		TAILQ_FOREACH(o, &tt.handles, entry)
			if (o != h && o->flushed &&
			    strcmp(o->node->drive, h->node->drive) == 0)
				busy = 1;
		if (!busy)
			break;
		waited = 1;
		if (pthread_cond_timedwait(&tt.released, &tt.mtx, until) ==
		    ETIMEDOUT) {
			waited = 0;
			break;
		}
	}
	pthread_mutex_unlock(&tt.mtx);
	return waited;
}

static int
connect_server(struct tt_handle *h)
{
	char	err[600];

	tc_disconnect(h->conn);
	h->conn = NULL;
	if (tc_connect(&tt.opts, &h->conn, err, sizeof(err)) < 0) {
		log_warnx("%s: %s", h->node->name, err);
		return -EIO;
	}
	return 0;
}

/* tc_open with st's node and flags; EBUSY only if it stays busy. */
static int
open_drive(struct tt_handle *h)
{
	struct timespec	until;
	int		r, e, again = 1;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += TT_RELEASE_WAIT;
	for (;;) {
		r = tc_open(h->conn, h->node->drive, h->oflags,
		    h->node->rewind);
		if (r == 0)
			break;
		e = errno;
		if (r == TC_ERR_DRIVE && e == EBUSY && wait_release(h, &until))
			continue;
		/* a connection that has ended: one new one */
		if (r != TC_ERR_DRIVE && again) {
			again = 0;
			if (connect_server(h) == 0)
				continue;
			return -EIO;
		}
		errno = e;
		return -handle_errno(h, r, "open");
	}
	h->tape_open = 1;
	h->blksize = -1;
	tc_limits(h->conn, &h->max_record, NULL, &h->max_block);
	return 0;
}

int
handle_open(const struct tt_node *node, int oflags, struct tt_handle **hp)
{
	struct tt_handle	*h;
	int			 r;

	*hp = NULL;
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return -ENOMEM;
	pthread_mutex_init(&h->mtx, NULL);
	h->node = node;
	h->oflags = oflags & (O_ACCMODE | O_NONBLOCK);
	h->blksize = -1;
	if ((r = connect_server(h)) == 0 && (r = open_drive(h)) == 0) {
		pthread_mutex_lock(&tt.mtx);
		TAILQ_INSERT_TAIL(&tt.handles, h, entry);
		pthread_mutex_unlock(&tt.mtx);
		log_debug("%s: opened (flags 0%o)", node->name, h->oflags);
		*hp = h;
		return 0;
	}
	tc_disconnect(h->conn);
	pthread_mutex_destroy(&h->mtx);
	free(h);
	return r;
}

static void
set_flushed(struct tt_handle *h, int flushed)
{
	pthread_mutex_lock(&tt.mtx);
	h->flushed = flushed;
	pthread_mutex_unlock(&tt.mtx);
}

/*
 * The tape is closed at every flush, since FUSE cannot tell the last
 * close(2) from others.  A descriptor still open after that (a dup, a
 * forked child's copy) opens the drive again at its next operation, as a
 * program would that closed and opened the node.  Called with h->mtx.
 */
int
handle_ready(struct tt_handle *h)
{
	int	r;

	if (h->tape_open)
		return 0;
	log_info("%s: used after a close(2) of another descriptor: opening "
	    "the drive again", h->node->name);
	if ((r = open_drive(h)) == 0)
		set_flushed(h, 0);
	return r;
}

/* close(2): the held record, then st's close (filemark, rewind). */
int
handle_flush(struct tt_handle *h)
{
	int	r, c;

	pthread_mutex_lock(&h->mtx);
	r = io_settle(h);
	if (h->tape_open) {
		h->tape_open = 0;
		if ((c = tc_close(h->conn)) < 0 && r == 0)
			r = -handle_errno(h, c, "close");
		log_debug("%s: closed", h->node->name);
	}
	set_flushed(h, 1);
	pthread_mutex_unlock(&h->mtx);
	return r;
}

/* The last reference is gone: end the connection, free the handle. */
void
handle_release(struct tt_handle *h)
{
	int	r;

	pthread_mutex_lock(&h->mtx);
	if ((r = io_settle(h)) < 0)
		log_warnx("%s: a record held at release: %s", h->node->name,
		    strerror(-r));
	if (h->tape_open) {
		h->tape_open = 0;
		if (tc_close(h->conn) < 0)
			log_warnx("%s: close at release: %s", h->node->name,
			    tc_errmsg(h->conn));
	}
	pthread_mutex_unlock(&h->mtx);
	tc_disconnect(h->conn);
	pthread_mutex_lock(&tt.mtx);
	TAILQ_REMOVE(&tt.handles, h, entry);
	pthread_cond_broadcast(&tt.released);
	pthread_mutex_unlock(&tt.mtx);
	pthread_mutex_destroy(&h->mtx);
	free(h->wbuf);
	free(h->rbuf);
	free(h);
}

/* Unmount with nodes still open: close them as close(2) would. */
void
handle_closeall(void)
{
	struct tt_handle	*h;

	for (;;) {
		pthread_mutex_lock(&tt.mtx);
		h = TAILQ_FIRST(&tt.handles);
		pthread_mutex_unlock(&tt.mtx);
		if (h == NULL)
			break;
		log_info("%s: still open at unmount: closing it",
		    h->node->name);
		handle_release(h);
	}
}
