/*
 * session.c -- one TLS connection: handshake, identity, framing, the
 * protocol state machine and dispatch to the drive's worker.  A malformed
 * frame ends this session with a reason (GOAWAY); it never ends the daemon.
 * Every way a session ends goes through session_close(), which logs why and
 * closes an open drive as close(2) would for a killed process.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "tclientd.h"

void	session_read(struct bufferevent *, void *);
static void	session_written(struct bufferevent *, void *);
static void	session_event(struct bufferevent *, short, void *);
static void	session_timeout(int, short, void *);

const char *
session_who(struct session *s)
{
	return s->ids.n > 0 ? s->ids.id[0] : "unauthenticated";
}

static void
arm_timer(struct session *s, int seconds)
{
	struct timeval	tv = { seconds, 0 };

	if (seconds > 0)
		evtimer_add(s->timer, &tv);
	else
		evtimer_del(s->timer);
}

/* Loop thread: a connection counted by accept_cb becomes a session here. */
void
session_accept(struct loop *l, int fd, const char *peer)
{
	struct server	*srv = l->srv;
	struct session	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->ssl = SSL_new(srv->ssl_ctx)) == NULL) {
		log_warnx("%s: out of memory; connection refused", peer);
		free(s);
		evutil_closesocket(fd);
		server_session_gone(srv);
		return;
	}
	s->srv = srv;
	s->loop = l;
	s->refs = 1;
	tc_strlcpy(s->peer, peer, sizeof(s->peer));
	tc_strlcpy(s->platform, "unknown", sizeof(s->platform));
	s->bev = bufferevent_openssl_socket_new(l->base, fd, s->ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	s->timer = evtimer_new(l->base, session_timeout, s);
	if (s->bev == NULL || s->timer == NULL) {
		log_warnx("%s: cannot set up the session; connection refused",
		    peer);
		if (s->bev != NULL)
			bufferevent_free(s->bev);
		else {
			SSL_free(s->ssl);
			evutil_closesocket(fd);
		}
		if (s->timer != NULL)
			event_free(s->timer);
		free(s);
		server_session_gone(srv);
		return;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(s->bev, 1);
	bufferevent_setcb(s->bev, session_read, session_written,
	    session_event, s);
	/* never buffer more than one whole frame of input */
	bufferevent_setwatermark(s->bev, EV_READ, 0, TC_HDR_LEN +
	    (srv->conf->max_record > TC_MAX_CTRL ? srv->conf->max_record :
	    TC_MAX_CTRL));
	/* big records: move them in big pieces, not libevent's 16K */
	bufferevent_set_max_single_read(s->bev, 1 << 20);
	bufferevent_set_max_single_write(s->bev, 1 << 20);
	bufferevent_enable(s->bev, EV_READ | EV_WRITE);
	TAILQ_INSERT_TAIL(&l->sessions, s, entry);
	arm_timer(s, srv->conf->handshake_timeout);
	log_debug("%s: connection accepted (event loop %d)", peer, l->index);
}

void
session_free(struct session *s)
{
	if (s->timer != NULL)
		event_free(s->timer);
	free(s);
}

void
session_close(struct session *s, const char *fmt, ...)
{
	struct server	*srv = s->srv;
	struct job	*j;
	char		 reason[512];
	va_list		 ap;

	if (s->state == S_CLOSED)
		return;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	log_info("%s (%s): session closed: %s", s->peer, session_who(s), reason);
	s->state = S_CLOSED;
	evtimer_del(s->timer);
	bufferevent_free(s->bev);
	s->bev = NULL;
	TAILQ_REMOVE(&s->loop->sessions, s, entry);
	if (s->drive != NULL) {
		/* what close(2) does for a killed program: flush, filemark */
		log_info("drive %s: closing it for the lost session",
		    s->drive->conf->name);
		if ((j = job_new(JOB_CLOSE, s, s->drive, 0)) == NULL)
			fatalx("out of memory closing drive %s",
			    s->drive->conf->name);
		s->refs++;
		drive_submit(s->drive, j);
		s->drive = NULL;
	}
	if (--s->refs == 0)
		session_free(s);
	/* the last session of a stopping daemon ends it */
	server_session_gone(srv);
}

/* The daemon is stopping: GOAWAY to a live session, close the others. */
void
session_stop(struct session *s)
{
	if (s->state == S_READY || s->state == S_HELLO)
		session_goaway(s, TC_GOAWAY_SHUTDOWN, "the daemon is stopping");
	else
		session_close(s, "the daemon is stopping");
}

void
send_buf(struct session *s, struct tcbuf *b)
{
	if (b->failed)
		fatalx("out of memory building a reply");
	if (s->state != S_CLOSED)
		bufferevent_write(s->bev, b->data, b->len);
	tcbuf_free(b);
}

void
session_goaway(struct session *s, uint32_t code, const char *fmt, ...)
{
	struct tc_goaway g;
	struct tcbuf	 b;
	va_list		 ap;

	if (s->state == S_GOAWAY || s->state == S_CLOSED)
		return;
	g.code = code;
	va_start(ap, fmt);
	vsnprintf(g.reason, sizeof(g.reason), fmt, ap);
	va_end(ap);
	if (code == TC_GOAWAY_PROTOCOL || code == TC_GOAWAY_VERSION)
		log_warnx("%s (%s): ending session: %s", s->peer,
		    session_who(s), g.reason);
	tc_strlcpy(s->goaway, g.reason, sizeof(s->goaway));
	tcbuf_init(&b);
	proto_put_goaway(&b, 0, &g);
	send_buf(s, &b);
	/* read nothing more; close once the reason is on its way */
	s->state = S_GOAWAY;
	bufferevent_disable(s->bev, EV_READ);
	arm_timer(s, 5);
	if (evbuffer_get_length(bufferevent_get_output(s->bev)) == 0)
		session_close(s, "%s", s->goaway);
}

/* A drive host errno, mapped for this client, with a message. */
void
send_error(struct session *s, uint32_t id, enum tc_ctx ctx, int err,
    const char *fmt, ...)
{
	struct tcerrno_res r;
	struct tc_error	 e;
	struct tcbuf	 b;
	va_list		 ap;

	memset(&e, 0, sizeof(e));
	/* the names point into the tables, which SIGHUP may replace */
	pthread_rwlock_rdlock(&s->srv->tables_lock);
	err = server_errno(s->srv, err, s->platform, ctx, &r);
	e.err = r.err;
	e.srv_err = err;
	tc_strlcpy(e.name, r.name ? r.name : "", sizeof(e.name));
	tc_strlcpy(e.srv_name, r.srv_name ? r.srv_name : "",
	    sizeof(e.srv_name));
	pthread_rwlock_unlock(&s->srv->tables_lock);
	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
	va_end(ap);
	log_debug("%s (%s): error %s -> %s (%d, %s): %s", s->peer, session_who(s),
	    e.srv_name, e.name, e.err, tcerrno_stepname(r.step), e.msg);
	tcbuf_init(&b);
	proto_put_error(&b, id, &e);
	send_buf(s, &b);
}

static size_t
memory_limit(struct session *s)
{
	return (size_t)s->srv->conf->session_memory;
}

static size_t
outq(struct session *s)
{
	return evbuffer_get_length(bufferevent_get_output(s->bev));
}

/* Stop reading while this session's jobs or replies hold too much. */
void
check_pressure(struct session *s)
{
	int	over;

	if (s->state != S_HELLO && s->state != S_READY)
		return;
	over = s->inflight >= memory_limit(s) || outq(s) >= memory_limit(s);
	if (over && !s->paused) {
		s->paused = 1;
		bufferevent_disable(s->bev, EV_READ);
	} else if (!over && s->paused) {
		s->paused = 0;
		bufferevent_enable(s->bev, EV_READ);
		session_read(s->bev, s);	/* frames already buffered */
	}
}

void
session_submit(struct session *s, struct job *j)
{
	s->refs++;
	s->inflight += j->charge;
	drive_submit(j->drive, j);
	check_pressure(s);
}


/* HELLO done: from now on the idle timeout applies. */
void
session_ready(struct session *s)
{
	s->state = S_READY;
	arm_timer(s, s->srv->conf->idle_timeout);
}

/* Decode frames while whole ones are buffered. */
void
session_read(struct bufferevent *bev, void *arg)
{
	struct session	*s = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	uint8_t		 hb[TC_HDR_LEN];
	struct tc_hdr	 h;
	const char	*err;

	while ((s->state == S_HELLO || s->state == S_READY) && !s->paused) {
		if (evbuffer_get_length(in) < TC_HDR_LEN)
			return;
		evbuffer_copyout(in, hb, TC_HDR_LEN);
		if (proto_hdr_get(hb, 0, &h, &err) == -1) {
			session_goaway(s, TC_GOAWAY_PROTOCOL,
			    "%s (type 0x%04x, length %u)", err, h.type, h.len);
			return;
		}
		if (h.type == TC_T_WRITE && h.len > s->srv->conf->max_record) {
			session_goaway(s, TC_GOAWAY_PROTOCOL, "WRITE of %u bytes "
			    "over this server's max-record %u", h.len,
			    s->srv->conf->max_record);
			return;
		}
		if (evbuffer_get_length(in) < TC_HDR_LEN + (size_t)h.len)
			return;
		evbuffer_drain(in, TC_HDR_LEN);
		if (s->state == S_READY)
			arm_timer(s, s->srv->conf->idle_timeout);
		session_frame(s, &h, in);
	}
}

static void
session_written(struct bufferevent *bev, void *arg)
{
	struct session	*s = arg;

	if (s->state == S_GOAWAY)
		session_close(s, "%s", s->goaway);
	else
		check_pressure(s);
}

static void
handshake_done(struct session *s)
{
	struct server	*srv = s->srv;

	if (tls_peer_ids(s->ssl, &s->ids) == -1) {
		session_close(s, "no verified certificate with a usable name");
		return;
	}
	log_info("%s: authenticated as %s (%s)", s->peer, session_who(s),
	    SSL_get_cipher_name(s->ssl));
	s->state = S_HELLO;
	arm_timer(s, srv->conf->handshake_timeout);
	session_read(s->bev, s);
}

/* Why the TLS layer failed, as precisely as OpenSSL can say. */
static void
tls_failure(struct session *s, char *buf, size_t len)
{
	unsigned long	 e, last = 0;
	long		 vr;
	char		 es[256];

	/*
	 * libevent keeps SSL_get_error()'s code (library 0) first, then
	 * OpenSSL's queue, and hands them back last first: the reason is
	 * the first one that comes from a library.
	 */
	while ((e = bufferevent_get_openssl_error(s->bev)) != 0)
		if (last == 0 || ERR_GET_LIB(last) == 0)
			last = e;
	if (last != 0 && ERR_SYSTEM_ERROR(last))
		snprintf(es, sizeof(es), "connection lost (%s)",
		    strerror(ERR_GET_REASON(last)));
	else if (last != 0 && ERR_GET_LIB(last) != 0)
		ERR_error_string_n(last, es, sizeof(es));
	else	/* libevent's own code (lib 0), or nothing: the socket's say */
		tc_strlcpy(es, EVUTIL_SOCKET_ERROR() ?
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()) :
		    "connection lost", sizeof(es));
	vr = SSL_get_verify_result(s->ssl);
	if (vr != X509_V_OK)
		snprintf(buf, len, "%s (client certificate: %s)", es,
		    X509_verify_cert_error_string(vr));
	else
		tc_strlcpy(buf, es, len);
}

static void
session_event(struct bufferevent *bev, short what, void *arg)
{
	struct session	*s = arg;
	char		 why[512];

	if (what & BEV_EVENT_CONNECTED) {
		handshake_done(s);
		return;
	}
	if (what & BEV_EVENT_ERROR) {
		tls_failure(s, why, sizeof(why));
		if (s->state == S_HANDSHAKE)
			session_close(s, "TLS handshake failed: %s", why);
		else
			session_close(s, "connection error: %s", why);
	} else if (what & BEV_EVENT_EOF) {
		if (s->state == S_HANDSHAKE)
			session_close(s, "TLS handshake failed: the client "
			    "closed the connection");
		else
			session_close(s, "the client closed the connection");
	}
}

static void
session_timeout(int fd, short ev, void *arg)
{
	struct session	*s = arg;
	struct config	*conf = s->srv->conf;

	switch (s->state) {
	case S_HANDSHAKE:
		session_close(s, "no TLS handshake within %d s",
		    conf->handshake_timeout);
		break;
	case S_HELLO:
		session_goaway(s, TC_GOAWAY_TIMEOUT, "no HELLO within %d s",
		    conf->handshake_timeout);
		break;
	case S_READY:
		if (s->refs > 1) {
			/* a long tape operation is no idleness */
			arm_timer(s, conf->idle_timeout);
			break;
		}
		session_goaway(s, TC_GOAWAY_TIMEOUT, "idle for %d s",
		    conf->idle_timeout);
		break;
	case S_GOAWAY:
		session_close(s, "%s (the client did not take the GOAWAY "
		    "within 5 s)", s->goaway);
		break;
	case S_CLOSED:
		break;
	}
}
