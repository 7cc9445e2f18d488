/*
 * tctape_handle.c -- an open tape node: its own connection to tclientd and
 * its own drive session.  close(2) (FUSE flush) hands back the errors of
 * writes done behind; the drive is closed -- filemark after writing,
 * rewind on the rewinding node -- when the kernel releases the last
 * reference, and an open of the same drive waits for that.
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
 * What another handle of this mount on the same drive is doing: 2 its
 * release is under way, 1 it was closed (flush) and has been idle since,
 * so its release is most likely on its way, 0 it is in use.
 */
static int
pending_release(const struct tt_handle *h)
{
	const struct tt_handle	*o;
	int			 state = 0;

	TAILQ_FOREACH(o, &tt.handles, entry) {
		if (o == h || strcmp(o->node->drive, h->node->drive) != 0)
			continue;
		if (o->releasing)
			return 2;
		if (o->flushed)
			state = 1;
	}
	return state;
}

/*
 * The drive is busy: wait while our own last holder of it is being
 * released (a rewind may take minutes), and a while for the release of
 * one that was closed.  1: worth trying again.
 */
static int
wait_release(struct tt_handle *h, const struct timespec *until)
{
	int	state, waited = 0;

	pthread_mutex_lock(&tt.mtx);
	while ((state = pending_release(h)) != 0) {
		waited = 1;
		if (state == 2)
			pthread_cond_wait(&tt.released, &tt.mtx);
		else if (pthread_cond_timedwait(&tt.released, &tt.mtx,
		    until) == ETIMEDOUT) {
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
	int		r, e;

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
		errno = e;
		return -handle_errno(h, r, "open");
	}
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

/* A request on the handle (h->mtx held): a descriptor is still in use. */
void
handle_busy(struct tt_handle *h)
{
	if (!h->flushed)
		return;
	pthread_mutex_lock(&tt.mtx);
	h->flushed = 0;
	pthread_mutex_unlock(&tt.mtx);
}

/* Writes done behind reach the drive; their error, if any, is ours. */
int
handle_sync(struct tt_handle *h)
{
	struct tc_status	st;
	int			r;

	pthread_mutex_lock(&h->mtx);
	r = io_settle(h);
	if (r == 0 && h->dirty) {
		h->dirty = 0;
		if ((r = tc_status(h->conn, &st)) < 0)
			r = -handle_errno(h, r, "close");
	}
	pthread_mutex_unlock(&h->mtx);
	return r;
}

/*
 * close(2), of any descriptor: the error of a write done behind is
 * close's, as st reports it from its flush.
 */
int
handle_flush(struct tt_handle *h)
{
	int	r;

	r = handle_sync(h);
	pthread_mutex_lock(&h->mtx);
	pthread_mutex_lock(&tt.mtx);
	h->flushed = 1;
	pthread_mutex_unlock(&tt.mtx);
	pthread_mutex_unlock(&h->mtx);
	return r;
}

/* The last reference is gone: st's close, the end of the connection. */
void
handle_release(struct tt_handle *h)
{
	int	r;

	pthread_mutex_lock(&tt.mtx);
	h->releasing = 1;
	pthread_mutex_unlock(&tt.mtx);
	pthread_mutex_lock(&h->mtx);
	if ((r = io_settle(h)) < 0)
		log_warnx("%s: at the last close: %s", h->node->name,
		    strerror(-r));
	if (tc_close(h->conn) < 0)
		log_warnx("%s: close: %s", h->node->name, tc_errmsg(h->conn));
	else
		log_debug("%s: closed", h->node->name);
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
