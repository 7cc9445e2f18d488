/*
 * wire.c -- libtclient's framing.  Requests go out in order (small ones
 * gathered into one TLS write); every request is remembered until its
 * reply, which comes back in the same order, has been read.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "client.h"

static int
lost(struct tc_conn *c, int r)
{
	int		 e = SSL_get_error(c->ssl, r);
	unsigned long	 last = ERR_peek_last_error();
	const char	*why;

	/* TLS 1.3: a refused client certificate shows after the handshake */
	if (e == SSL_ERROR_SSL && last != 0 &&
	    (why = ERR_reason_error_string(last)) != NULL) {
		ERR_clear_error();
		return tc_fail(c, TC_ERR_TLS, EACCES, "TLS with %s failed: %s%s",
		    c->server, why, strstr(why, "alert") ? " (the server "
		    "refused this client's certificate; see the tclientd log)" :
		    "");
	}
	if (e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL && r == 0))
		return tc_fail(c, TC_ERR_PROTOCOL, EIO, "the server closed the "
		    "session");
	if (e == SSL_ERROR_SYSCALL && errno != 0)
		return tc_fail(c, TC_ERR_PROTOCOL, EIO, "connection to %s "
		    "lost: %s", c->server, strerror(errno));
	return tc_fail(c, TC_ERR_PROTOCOL, EIO, "connection to %s lost: "
	    "TLS error %d", c->server, e);
}

/*
 * A server that vanishes must not kill the program with SIGPIPE: block it
 * while writing, and take back one this write raised.
 */
static int
writen(struct tc_conn *c, const void *p, size_t len)
{
	static const struct timespec zero;
	sigset_t	 pipe, old, pending;
	int		 r = 1, had;

	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe, &old);
	sigpending(&pending);
	had = sigismember(&pending, SIGPIPE);
	while (len > 0) {
		errno = 0;
		r = SSL_write(c->ssl, p, len > INT32_MAX ? INT32_MAX : (int)len);
		if (r <= 0)
			break;
		p = (const uint8_t *)p + r;
		len -= (size_t)r;
	}
	if (r <= 0) {
		r = lost(c, r);
		if (!had)
			(void)sigtimedwait(&pipe, NULL, &zero);
	} else
		r = 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return r;
}

static int
readn(struct tc_conn *c, void *p, size_t len)
{
	int	r;

	while (len > 0) {
		errno = 0;
		r = SSL_read(c->ssl, p, len > INT32_MAX ? INT32_MAX : (int)len);
		if (r <= 0)
			return lost(c, r);
		p = (uint8_t *)p + r;
		len -= (size_t)r;
	}
	return 0;
}

/* Read and drop len bytes: the data of a read nobody wants any more. */
static int
skipn(struct tc_conn *c, size_t len)
{
	uint8_t	scratch[16384];
	size_t	n;
	int	r;

	while (len > 0) {
		n = len < sizeof(scratch) ? len : sizeof(scratch);
		if ((r = readn(c, scratch, n)) < 0)
			return r;
		len -= n;
	}
	return 0;
}

static int
read_ctrl(struct tc_conn *c, uint32_t len)
{
	uint8_t	*n;

	if (len > c->incap) {
		if ((n = realloc(c->in, len)) == NULL)
			return tc_fail(c, TC_ERR_NOMEM, ENOMEM, "out of memory");
		c->in = n;
		c->incap = len;
	}
	c->inlen = len;
	return readn(c, c->in, len);
}

/* Send what is gathered in c->out, then data (a record) if any. */
int
wire_flush(struct tc_conn *c, const void *data, size_t dlen)
{
	int	r = 0;

	if (c->dead)
		return tc_fail(c, TC_ERR_PROTOCOL, EIO, "the session with %s "
		    "has ended", c->server);
	if (c->out.failed)
		return tc_fail(c, TC_ERR_NOMEM, ENOMEM, "out of memory");
	if (c->out.len > 0)
		r = writen(c, c->out.data, c->out.len);
	tcbuf_reset(&c->out);
	if (r == 0 && dlen > 0)
		r = writen(c, data, dlen);
	return r;
}

/* The frame just put in c->out is a request: remember it. */
void
wire_sent(struct tc_conn *c, uint16_t type, uint16_t flags, uint32_t len)
{
	struct tc_pend	*p;

	p = &c->pend[(c->phead + c->npend) % TC_PEND_MAX];
	p->id = c->next_id++;
	p->type = type;
	p->flags = flags;
	p->len = len;
	c->npend++;
}

static int
got_error(struct tc_conn *c, uint16_t type)
{
	struct tc_goaway g;
	const char	*err;

	if (type == TC_T_GOAWAY) {
		if (proto_get_goaway(c->in, c->inlen, &g, &err) == -1)
			return tc_fail(c, TC_ERR_PROTOCOL, EIO, "the server "
			    "ended the session (bad GOAWAY: %s)", err);
		return tc_fail(c, TC_ERR_PROTOCOL, EIO, "the server ended the "
		    "session: %s", g.reason);
	}
	if (proto_get_error(c->in, c->inlen, &c->lasterr, &err) == -1)
		return tc_fail(c, TC_ERR_PROTOCOL, EIO, "bad ERROR from the "
		    "server: %s", err);
	return tc_fail(c, TC_ERR_DRIVE, c->lasterr.err, "%s", c->lasterr.msg);
}

/*
 * Read the reply to the oldest request.  Its header goes to *h; a READ
 * reply's data to rbuf (at most rcap bytes; with rbuf NULL it is dropped),
 * any other payload to c->in.  An ERROR reply gives TC_ERR_DRIVE with
 * errno set; the request is answered either way.
 */
int
wire_recv(struct tc_conn *c, struct tc_pend *req, struct tc_hdr *h,
    void *rbuf, size_t rcap)
{
	uint8_t		 hb[TC_HDR_LEN];
	const char	*err;
	int		 r;

	if (c->npend == 0)
		return tc_fail(c, TC_ERR_PROTOCOL, EIO, "no request is waiting "
		    "for a reply");
	if (c->out.len > 0 && (r = wire_flush(c, NULL, 0)) < 0)
		return r;
	*req = c->pend[c->phead];
	if ((r = readn(c, hb, sizeof(hb))) < 0)
		return r;
	c->frames++;
	if (proto_hdr_get(hb, 1, h, &err) == -1)
		return tc_fail(c, TC_ERR_PROTOCOL, EIO, "bad reply from the "
		    "server: %s (type 0x%04x, length %u)", err, h->type, h->len);
	if (h->type != TC_T_GOAWAY && (h->id != req->id || (h->type !=
	    TC_T_ERROR && h->type != (req->type | TC_T_REPLY))))
		return tc_fail(c, TC_ERR_PROTOCOL, EIO, "unexpected %s reply %u "
		    "while waiting for %s %u", proto_typename(h->type), h->id,
		    proto_typename(req->type), req->id);
	if (h->type == (TC_T_READ | TC_T_REPLY)) {
		if (h->len > req->len)
			return tc_fail(c, TC_ERR_PROTOCOL, EIO, "the server sent "
			    "%u bytes for a %u-byte read", h->len, req->len);
		r = rbuf != NULL && h->len <= rcap ? readn(c, rbuf, h->len) :
		    skipn(c, h->len);
	} else
		r = read_ctrl(c, h->len);
	if (r < 0)
		return r;
	c->phead = (c->phead + 1) % TC_PEND_MAX;
	c->npend--;
	if (h->type == TC_T_GOAWAY || h->type == TC_T_ERROR)
		return got_error(c, h->type);
	return 0;
}

/*
 * One request and its reply, with nothing else outstanding: c->out holds
 * the request's frame, data (if any) follows it.  A READ reply's data goes
 * to rbuf, *rlen its length.
 */
int
client_call(struct tc_conn *c, uint16_t type, const void *data, size_t dlen,
    void *rbuf, size_t rcap, size_t *rlen)
{
	struct tc_pend	 req;
	struct tc_hdr	 h;
	int		 r;

	if (c->npend != 0)
		return tc_fail(c, TC_ERR_PROTOCOL, EIO, "requests are still "
		    "outstanding");
	wire_sent(c, type, 0, type == TC_T_READ ? (uint32_t)rcap : 0);
	if ((r = wire_flush(c, data, dlen)) < 0)
		return r;
	if ((r = wire_recv(c, &req, &h, rbuf, rcap)) < 0)
		return r;
	if (rlen != NULL)
		*rlen = h.len;
	return 0;
}
