/*
 * dispatch.c -- the protocol state machine: decode each request, check it
 * against the session's state and rights, hand tape work to the drive's
 * worker, and turn finished jobs into replies.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include "tclientd.h"

static void
reply_hello(struct session *s, uint32_t id, const struct tc_hello *req)
{
	struct tc_hello	 rep;
	struct tcbuf	 b;

	memset(&rep, 0, sizeof(rep));
	rep.vmin = rep.vmax = TC_PROTO_VERSION;
	rep.features = req->features & TC_FEAT_ALL;
	tc_strlcpy(rep.platform, s->srv->platform, sizeof(rep.platform));
	snprintf(rep.software, sizeof(rep.software), "tclientd %s",
	    TC_VERSION);
	tc_strlcpy(rep.identity, session_who(s), sizeof(rep.identity));
	tcbuf_init(&b);
	proto_put_hello(&b, id, &rep, 1);
	send_buf(s, &b);
}

static void
do_hello(struct session *s, uint32_t id, const uint8_t *p, size_t len)
{
	struct tc_hello	 h;
	const char	*err;

	if (proto_get_hello(p, len, &h, 0, &err) == -1) {
		session_goaway(s, TC_GOAWAY_PROTOCOL, "malformed HELLO: %s",
		    err);
		return;
	}
	if (h.vmin > TC_PROTO_VERSION || h.vmax < TC_PROTO_VERSION) {
		session_goaway(s, TC_GOAWAY_VERSION, "no common protocol "
		    "version: the client speaks %u-%u, this server %u",
		    h.vmin, h.vmax, TC_PROTO_VERSION);
		return;
	}
	tc_strlcpy(s->platform, h.platform, sizeof(s->platform));
	session_ready(s);
	log_info("%s (%s): %s on %s", s->peer, session_who(s), h.software,
	    h.platform);
	reply_hello(s, id, &h);
}

static void
do_drives(struct session *s, uint32_t id)
{
	struct server		*srv = s->srv;
	struct tc_drive_ent	*list;
	struct tcbuf		 b;
	size_t			 i, n = 0;
	int			 a;

	if ((list = calloc(srv->ndrives + 1, sizeof(*list))) == NULL)
		fatalx("out of memory listing drives");
	for (i = 0; i < srv->ndrives; i++) {
		struct drive	*d = &srv->drives[i];

		if ((a = server_access(srv, d, &s->ids)) == 0)
			continue;
		tc_strlcpy(list[n].name, d->conf->name, sizeof(list[n].name));
		tc_strlcpy(list[n].backend, d->be->name,
		    sizeof(list[n].backend));
		list[n].access = (uint8_t)a;
		list[n].max_record = srv->conf->max_record;
		n++;
	}
	if (n > TC_MAX_DRIVES_LIST)
		log_warnx("%s (%s): %zu drives allowed; the list carries the "
		    "first %d", s->peer, session_who(s), n, TC_MAX_DRIVES_LIST);
	tcbuf_init(&b);
	proto_put_drives(&b, id, list, n);
	free(list);
	send_buf(s, &b);
}

static void
do_open(struct session *s, uint32_t id, const uint8_t *p, size_t len)
{
	struct tc_open_req o;
	struct drive	*d;
	struct job	*j;
	const char	*err;
	char		 holder[128];
	int		 r;

	if (proto_get_open(p, len, &o, &err) == -1) {
		session_goaway(s, TC_GOAWAY_PROTOCOL, "malformed OPEN: %s", err);
		return;
	}
	if (s->drive != NULL) {
		send_error(s, id, TC_CTX_OPEN, EBUSY, "this session already "
		    "has drive %s open", s->drive->conf->name);
		return;
	}
	if ((d = server_drive(s->srv, o.drive)) == NULL) {
		send_error(s, id, TC_CTX_OPEN, ENXIO, "no drive named %s on "
		    "this server", o.drive);
		return;
	}
	if ((s->access = server_access(s->srv, d, &s->ids)) == 0) {
		log_warnx("%s (%s): denied drive %s", s->peer, session_who(s),
		    o.drive);
		send_error(s, id, TC_CTX_OPEN, EACCES, "identity %s may not "
		    "use drive %s", session_who(s), o.drive);
		return;
	}
	/* read-only access: the drive sees a read-only open */
	if (s->access == TC_ACCESS_RO)
		o.flags &= ~TC_OPEN_ACCMODE;
	if ((j = job_new(JOB_OPEN, s, d, id)) == NULL)
		fatalx("out of memory opening drive");
	j->flags = o.flags;
	if ((r = drive_start(d, s, holder, sizeof(holder))) == -EBUSY) {
		job_free(j);
		log_info("%s (%s): drive %s is busy%s%s", s->peer,
		    session_who(s), o.drive, holder[0] ? ", held by " : "",
		    holder);
		send_error(s, id, TC_CTX_OPEN, EBUSY, "drive %s is in use by "
		    "another session", o.drive);
		return;
	}
	if (r < 0) {
		job_free(j);
		send_error(s, id, TC_CTX_OPEN, -r, "cannot start a worker for "
		    "drive %s", o.drive);
		return;
	}
	s->drive = d;
	session_submit(s, j);
}

/* Requests that need an open drive, and the writes a reader may not do. */
static struct job *
drive_job(struct session *s, uint32_t id, enum job_kind kind, enum tc_ctx ctx,
    int writes)
{
	struct job	*j;

	if (s->drive == NULL) {
		send_error(s, id, ctx, EBADF, "no drive is open in this "
		    "session");
		return NULL;
	}
	if (writes && s->access != TC_ACCESS_RW) {
		send_error(s, id, ctx, EACCES, "identity %s has read-only "
		    "access to drive %s", session_who(s), s->drive->conf->name);
		return NULL;
	}
	if ((j = job_new(kind, s, s->drive, id)) == NULL)
		fatalx("out of memory queueing a job");
	return j;
}

static void
do_read(struct session *s, uint32_t id, uint16_t fflags, const uint8_t *p,
    size_t len)
{
	struct job	*j;
	uint32_t	 count;
	const char	*err;

	if (proto_get_u32msg(p, len, &count, &err) == -1) {
		session_goaway(s, TC_GOAWAY_PROTOCOL, "malformed READ: %s", err);
		return;
	}
	if (count == 0 || count > s->srv->conf->max_record) {
		send_error(s, id, TC_CTX_READ, EINVAL, "read of %u bytes: the "
		    "count must be 1 to %u", count, s->srv->conf->max_record);
		return;
	}
	if ((j = drive_job(s, id, JOB_READ, TC_CTX_READ, 0)) == NULL)
		return;
	j->fflags = fflags;
	j->count = count;
	j->charge = count;
	session_submit(s, j);
}

static void
do_write(struct session *s, uint32_t id, uint16_t fflags, struct evbuffer *in,
    size_t len)
{
	struct job	*j;

	if (len == 0) {
		evbuffer_drain(in, len);
		send_error(s, id, TC_CTX_WRITE, EINVAL, "empty WRITE");
		return;
	}
	if ((j = drive_job(s, id, JOB_WRITE, TC_CTX_WRITE, 1)) == NULL) {
		evbuffer_drain(in, len);
		return;
	}
	if ((j->data = malloc(len)) == NULL)
		fatalx("out of memory taking a record of %zu bytes", len);
	evbuffer_remove(in, j->data, len);
	j->fflags = fflags;
	j->len = j->charge = len;
	session_submit(s, j);
}

static void
do_op(struct session *s, uint32_t id, const uint8_t *p, size_t len)
{
	const struct tc_canon_info *ci;
	struct tc_op_req o;
	struct job	*j;
	const char	*err;

	if (proto_get_op(p, len, &o, &err) == -1) {
		session_goaway(s, TC_GOAWAY_PROTOCOL, "malformed OP: %s", err);
		return;
	}
	if ((ci = canon_byop((int)o.op)) == NULL) {
		send_error(s, id, TC_CTX_IOCTL, ENOSYS, "operation 0x%x is not "
		    "one this server knows", o.op);
		return;
	}
	log_debug("%s (%s): op %s count %lld", s->peer, session_who(s),
	    ci->name, (long long)o.count);
	if ((j = drive_job(s, id, JOB_OP, TC_CTX_IOCTL,
	    (ci->flags & TC_OPF_WRITES) != 0)) == NULL)
		return;
	j->op = o;
	session_submit(s, j);
}

/* SYNC: the client took reads up to this id; put the rest back. */
static void
do_sync(struct session *s, uint32_t id, const uint8_t *p, size_t len)
{
	struct job	*j;
	uint32_t	 consumed;
	const char	*err;

	if (proto_get_u32msg(p, len, &consumed, &err) == -1) {
		session_goaway(s, TC_GOAWAY_PROTOCOL, "malformed SYNC: %s", err);
		return;
	}
	if ((j = drive_job(s, id, JOB_SYNC, TC_CTX_IOCTL, 0)) == NULL)
		return;
	j->consumed = consumed;
	session_submit(s, j);
}

static void
do_simple(struct session *s, uint32_t id, uint16_t type, const uint8_t *p,
    size_t len)
{
	struct job	*j;
	const char	*err;
	enum job_kind	 kind;

	if (proto_get_empty(p, len, &err) == -1) {
		session_goaway(s, TC_GOAWAY_PROTOCOL, "malformed %s: %s",
		    proto_typename(type), err);
		return;
	}
	if (type == TC_T_DRIVES) {
		do_drives(s, id);
		return;
	}
	kind = type == TC_T_CLOSE ? JOB_CLOSE : type == TC_T_STATUS ?
	    JOB_STATUS : JOB_POSITION;
	if ((j = drive_job(s, id, kind, kind == JOB_CLOSE ? TC_CTX_CLOSE :
	    TC_CTX_IOCTL, 0)) == NULL)
		return;
	/* later requests find the drive closed, in order */
	if (kind == JOB_CLOSE)
		s->drive = NULL;
	session_submit(s, j);
}

/* One whole frame: its payload (h->len bytes) is at the front of in. */
void
session_frame(struct session *s, const struct tc_hdr *h, struct evbuffer *in)
{
	const uint8_t	*p = NULL;

	if (s->state == S_HELLO && h->type != TC_T_HELLO) {
		evbuffer_drain(in, h->len);
		session_goaway(s, TC_GOAWAY_PROTOCOL, "%s before HELLO",
		    proto_typename(h->type));
		return;
	}
	if (s->state == S_READY && h->type == TC_T_HELLO) {
		evbuffer_drain(in, h->len);
		session_goaway(s, TC_GOAWAY_PROTOCOL, "second HELLO");
		return;
	}
	if (h->type == TC_T_WRITE) {
		do_write(s, h->id, h->flags, in, h->len);
		return;
	}
	if (h->len > 0 && (p = evbuffer_pullup(in, h->len)) == NULL)
		fatalx("out of memory reading a frame");
	switch (h->type) {
	case TC_T_HELLO:
		do_hello(s, h->id, p, h->len);
		break;
	case TC_T_OPEN:
		do_open(s, h->id, p, h->len);
		break;
	case TC_T_READ:
		do_read(s, h->id, h->flags, p, h->len);
		break;
	case TC_T_SYNC:
		do_sync(s, h->id, p, h->len);
		break;
	case TC_T_OP:
		do_op(s, h->id, p, h->len);
		break;
	default:
		do_simple(s, h->id, h->type, p, h->len);
		break;
	}
	if (s->bev != NULL)
		evbuffer_drain(in, h->len);
}

static enum tc_ctx
job_ctx(const struct job *j)
{
	switch (j->kind) {
	case JOB_OPEN:
		return TC_CTX_OPEN;
	case JOB_CLOSE:
		return TC_CTX_CLOSE;
	case JOB_READ:
		return TC_CTX_READ;
	case JOB_WRITE:
		return TC_CTX_WRITE;
	default:
		return TC_CTX_IOCTL;
	}
}

static void
free_record(const void *data, size_t len, void *arg)
{
	free(arg);
}

static void
reply_data(struct session *s, struct job *j)
{
	struct tc_hdr	h = { (uint32_t)j->n, TC_T_READ | TC_T_REPLY, j->rflags,
	    j->id };
	struct tcbuf	b;

	if (j->data == NULL) {		/* skipped: no data */
		tcbuf_init(&b);
		proto_begin_flags(&b, TC_T_READ | TC_T_REPLY, j->rflags, j->id);
		proto_finish(&b);
		send_buf(s, &b);
		return;
	}

	proto_hdr_put(j->data, &h);
	if (evbuffer_add_reference(bufferevent_get_output(s->bev), j->data,
	    TC_HDR_LEN + (size_t)j->n, free_record, j->data) == -1)
		fatalx("out of memory sending a record");
	j->data = NULL;		/* the output buffer frees it */
}

static void
reply(struct session *s, struct job *j)
{
	struct tc_open_rep o;
	struct tcbuf	 b;
	const char	*dn = j->drive->conf->name;

	if (j->err != 0) {
		send_error(s, j->id, job_ctx(j), j->err, "drive %s: %s", dn,
		    strerror(j->err));
		return;
	}
	tcbuf_init(&b);
	switch (j->kind) {
	case JOB_OPEN:
		o.access = (uint8_t)s->access;
		o.caps = j->drive->be->save != NULL ? TC_DCAP_UNDO : 0;
		o.max_record = s->srv->conf->max_record;
		o.min_block = j->status.min_block ? j->status.min_block : 1;
		o.max_block = j->status.max_block ? j->status.max_block :
		    DEF_MAX_BLOCK;
		proto_put_open_rep(&b, j->id, &o);
		break;
	case JOB_CLOSE:
		proto_put_empty(&b, TC_T_CLOSE | TC_T_REPLY, j->id);
		break;
	case JOB_READ:
		reply_data(s, j);
		return;
	case JOB_WRITE:
		proto_begin_flags(&b, TC_T_WRITE | TC_T_REPLY, j->rflags,
		    j->id);
		tcbuf_put_u32(&b, (uint32_t)j->n);
		proto_finish(&b);
		break;
	case JOB_SYNC:
		proto_put_empty(&b, TC_T_SYNC | TC_T_REPLY, j->id);
		break;
	case JOB_OP:
		proto_put_u64msg(&b, TC_T_OP | TC_T_REPLY, j->id,
		    (uint64_t)j->result);
		break;
	case JOB_STATUS:
		proto_put_status(&b, j->id, &j->status);
		break;
	case JOB_POSITION:
		proto_put_u64msg(&b, TC_T_POSITION | TC_T_REPLY, j->id,
		    j->pos);
		break;
	}
	send_buf(s, &b);
}

/* Loop thread: a job came back from its drive's worker. */
void
session_done(struct job *j)
{
	struct session	*s = j->sess;
	struct drive	*d = j->drive;
	int		 last;

	last = !j->drained &&
	    (j->kind == JOB_CLOSE || (j->kind == JOB_OPEN && j->err));
	if (last)
		drive_release(d);
	if (j->kind == JOB_OPEN && j->err == 0)
		log_info("%s (%s): drive %s opened %s%s", s->peer,
		    session_who(s), d->conf->name,
		    s->access == TC_ACCESS_RW ? "read-write" : "read-only",
		    (j->flags & TC_OPEN_REWIND) ? ", rewind at close" : "");
	if (j->kind == JOB_OPEN && j->err && s->drive == d)
		s->drive = NULL;
	s->inflight -= j->charge;
	if (s->state == S_READY || s->state == S_HELLO)
		reply(s, j);
	else if (j->kind == JOB_CLOSE && j->err)
		log_warnx("drive %s: close after the session ended failed: %s",
		    d->conf->name, strerror(j->err));
	job_free(j);
	if (--s->refs == 0) {
		session_free(s);
		return;
	}
	check_pressure(s);
}
