/*
 * stream.c -- records at wire speed.  Writes go out behind the caller's
 * back within a window and their answers are taken later; a failure is
 * reported at the next call, as st reports buffered-write errors.  Reads
 * are asked for ahead within a window; what the caller never took is put
 * back on the drive (SYNC) before anything else happens, so positions and
 * filemarks are exactly what a lock-step client would see.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>

#include <openssl/ssl.h>

#include "client.h"

/* Report a failed write-behind once, at the call that learns of it. */
static int
take_werr(struct tc_conn *c)
{
	int	e = c->werr;

	if (e == 0)
		return 0;
	c->werr = 0;
	return tc_fail(c, TC_ERR_DRIVE, e, "%s", c->werrmsg);
}

/* The answer to the oldest write done behind. */
static int
write_reply(struct tc_conn *c)
{
	struct tc_pend	 req;
	struct tc_hdr	 h;
	uint32_t	 n = 0;
	const char	*err;
	int		 r;

	r = wire_recv(c, &req, &h, NULL, 0);
	if (r < 0 && r != TC_ERR_DRIVE)
		return r;
	c->wbytes -= req.len;
	if (r == 0 && (h.flags & TC_F_SKIPPED))
		return 0;		/* behind a failure: never written */
	if (r == 0 && (proto_get_u32msg(c->in, c->inlen, &n, &err) == -1 ||
	    n > req.len))
		return tc_fail(c, TC_ERR_PROTOCOL, EIO, "bad WRITE reply");
	if (r == 0 && n == req.len) {
		if (h.flags & TC_F_EW)
			c->wsync = 1;	/* early warning: one by one now */
		return 0;
	}
	/* buffered data lost: st says EIO, even at the end of the medium */
	if (c->werr == 0) {
		c->werr = EIO;
		if (r == TC_ERR_DRIVE)
			snprintf(c->werrmsg, sizeof(c->werrmsg), "an earlier "
			    "write failed: %s", c->lasterr.msg);
		else
			snprintf(c->werrmsg, sizeof(c->werrmsg), "an earlier "
			    "write was short: %u of %u bytes", n, req.len);
	}
	return 0;
}

static int
drain_writes(struct tc_conn *c)
{
	int	r;

	while (c->npend > 0 && c->pend[c->phead].type == TC_T_WRITE)
		if ((r = write_reply(c)) < 0)
			return r;
	return take_werr(c);
}

/* Answers that have arrived already, taken without waiting. */
static int
poll_writes(struct tc_conn *c)
{
	struct pollfd	pfd = { c->fd, POLLIN, 0 };
	int		r;

	while (c->npend > 0 && (SSL_pending(c->ssl) > 0 ||
	    poll(&pfd, 1, 0) == 1))
		if ((r = write_reply(c)) < 0)
			return r;
	return 0;
}

/* Put back what was read ahead and not taken; drop those answers. */
static int
sync_reads(struct tc_conn *c)
{
	struct tc_pend	 req;
	struct tc_hdr	 h;
	int		 r;

	if (c->rahead == 0)
		goto done;
	proto_put_u32msg(&c->out, TC_T_SYNC, c->next_id, c->rlast);
	wire_sent(c, TC_T_SYNC, 0, 0);
	do {
		r = wire_recv(c, &req, &h, NULL, 0);
		if (r < 0 && (r != TC_ERR_DRIVE || req.type == TC_T_SYNC))
			return r;
	} while (req.type != TC_T_SYNC);
done:
	c->rahead = 0;
	c->rsize = 0;
	c->rstopped = 0;
	return 0;
}

/* Before any other request: reads put back, writes answered. */
int
client_settle(struct tc_conn *c)
{
	int	r;

	if ((r = sync_reads(c)) < 0)
		return r;
	c->wlen = 0;
	c->wsync = 0;
	return drain_writes(c);
}

static ssize_t
write_sync(struct tc_conn *c, const void *buf, size_t len)
{
	struct tc_hdr	 h = { (uint32_t)len, TC_T_WRITE, 0, c->next_id };
	const char	*err;
	uint32_t	 n;
	int		 r;

	if ((r = drain_writes(c)) < 0)
		return r;
	tcbuf_reset(&c->out);
	if (tcbuf_reserve(&c->out, TC_HDR_LEN) == 0) {
		proto_hdr_put(c->out.data, &h);
		c->out.len = TC_HDR_LEN;
	}
	if ((r = client_call(c, TC_T_WRITE, buf, len, NULL, 0, NULL)) < 0)
		return r;
	if (proto_get_u32msg(c->in, c->inlen, &n, &err) == -1 || n > len)
		return tc_fail(c, TC_ERR_PROTOCOL, EIO, "bad WRITE reply: %s",
		    err ? err : "more written than sent");
	/* a run of records this size may now go behind */
	c->wlen = n == len ? (uint32_t)len : 0;
	return (ssize_t)n;
}

ssize_t
stream_write(struct tc_conn *c, const void *buf, size_t len)
{
	struct tc_hdr	h = { (uint32_t)len, TC_T_WRITE, TC_F_BEHIND, 0 };
	uint8_t		hb[TC_HDR_LEN];
	int		r;

	if ((r = sync_reads(c)) < 0)
		return r;
	/* the first of a run, a different size, early warning: wait */
	if (c->window == 0 || !(c->features & TC_FEAT_PIPELINE) || c->wsync ||
	    len != c->wlen || len > c->window)
		return write_sync(c, buf, len);
	if ((r = poll_writes(c)) < 0 || (r = take_werr(c)) < 0)
		return r;
	while (c->wbytes + len > c->window || c->npend >= TC_PEND_MAX - 1)
		if ((r = write_reply(c)) < 0)
			return r;
	if ((r = take_werr(c)) < 0)
		return r;
	if (c->wsync)		/* the drive said early warning meanwhile */
		return write_sync(c, buf, len);
	/* small records travel with their header in one TLS record */
	h.id = c->next_id;
	proto_hdr_put(hb, &h);
	tcbuf_put(&c->out, hb, sizeof(hb));
	if (len < 65536)
		tcbuf_put(&c->out, buf, len);
	wire_sent(c, TC_T_WRITE, TC_F_BEHIND, (uint32_t)len);
	c->wbytes += len;
	if ((r = wire_flush(c, len < 65536 ? NULL : buf, len < 65536 ? 0 :
	    len)) < 0)
		return r;
	return (ssize_t)len;
}

static ssize_t
read_sync(struct tc_conn *c, void *buf, size_t len)
{
	size_t	got = 0;
	int	r;

	if ((r = client_settle(c)) < 0)
		return r;
	tcbuf_reset(&c->out);
	proto_put_u32msg(&c->out, TC_T_READ, c->next_id, (uint32_t)len);
	if ((r = client_call(c, TC_T_READ, NULL, 0, buf, len, &got)) < 0)
		return r;
	return (ssize_t)got;
}

/* Keep the drive reading ahead: up to a window of records asked for. */
static void
top_up(struct tc_conn *c, uint32_t len)
{
	size_t	depth = c->window / len;

	if (depth > TC_AHEAD_MAX)
		depth = TC_AHEAD_MAX;
	if (c->rahead == 0) {
		/* the first of a run is the caller's own: never put back */
		proto_put_u32msg(&c->out, TC_T_READ, c->next_id, len);
		wire_sent(c, TC_T_READ, 0, len);
		c->rahead = 1;
		c->rsize = len;
	}
	while (c->rahead < depth && !c->rstopped &&
	    c->npend < TC_PEND_MAX - 1) {
		proto_begin_flags(&c->out, TC_T_READ, TC_F_AHEAD, c->next_id);
		tcbuf_put_u32(&c->out, len);
		proto_finish(&c->out);
		wire_sent(c, TC_T_READ, TC_F_AHEAD, len);
		c->rahead++;
	}
}

ssize_t
stream_read(struct tc_conn *c, void *buf, size_t len)
{
	struct tc_pend	 req;
	struct tc_hdr	 h;
	int		 r;

	if (c->window == 0 || !(c->features & TC_FEAT_READAHEAD) ||
	    !(c->limits.caps & TC_DCAP_UNDO) || len > c->window)
		return read_sync(c, buf, len);
	if ((r = drain_writes(c)) < 0)
		return r;
	if (c->rahead == 0)
		c->rstopped = 0;
	/* another buffer size, or the last run ended: start afresh */
	if ((c->rahead > 0 && (len != c->rsize || c->rstopped)) &&
	    (r = sync_reads(c)) < 0)
		return r;
	for (;;) {
		top_up(c, (uint32_t)len);
		r = wire_recv(c, &req, &h, buf, len);
		c->rahead--;
		if (r < 0 && r != TC_ERR_DRIVE)
			return r;
		if (r == 0 && (h.flags & TC_F_SKIPPED)) {
			/* the drive stopped short of this one: ask again */
			c->rstopped = 1;
			if ((r = sync_reads(c)) < 0)
				return r;
			continue;
		}
		c->rlast = req.id;
		if (r < 0 || h.len == 0)
			c->rstopped = 1;	/* error, filemark, end */
		return r < 0 ? r : (ssize_t)h.len;
	}
}
