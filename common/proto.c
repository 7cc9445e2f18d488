/*
 * proto.c -- wire protocol v1: frame header and payload encoding, and strict
 * decoding (exact lengths, every field checked, no trailing bytes).  The
 * layouts are documented in docs/PROTOCOL.md.
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"

static const struct {
	int		 type;
	const char	*name;
	uint32_t	 req_max;	/* payload limit from a client */
	uint32_t	 rep_max;	/* payload limit of the reply */
} types[] = {
	{ TC_T_HELLO,	 "HELLO",	TC_MAX_CTRL,	TC_MAX_CTRL },
	{ TC_T_DRIVES,	 "DRIVES",	0,		TC_MAX_CTRL },
	{ TC_T_OPEN,	 "OPEN",	TC_MAX_CTRL,	14 },
	{ TC_T_CLOSE,	 "CLOSE",	0,		0 },
	{ TC_T_READ,	 "READ",	4,		TC_MAX_RECORD },
	{ TC_T_WRITE,	 "WRITE",	TC_MAX_RECORD,	4 },
	{ TC_T_OP,	 "OP",		12,		8 },
	{ TC_T_STATUS,	 "STATUS",	0,		44 },
	{ TC_T_POSITION, "POSITION",	0,		8 },
	{ TC_T_SYNC,	 "SYNC",	4,		0 },
};

const char *
proto_typename(int type)
{
	size_t	i;
	int	base = type & ~TC_T_REPLY;

	if (type == TC_T_ERROR)
		return "ERROR";
	if (type == TC_T_GOAWAY)
		return "GOAWAY";
	for (i = 0; i < nitems(types); i++)
		if (types[i].type == base)
			return types[i].name;
	return "unknown";
}

/* The largest payload a frame of this type may carry; 0 for no such type. */
uint32_t
proto_maxlen(int type, int from_server)
{
	size_t	i;

	if (from_server && (type == TC_T_ERROR || type == TC_T_GOAWAY))
		return TC_MAX_CTRL;
	for (i = 0; i < nitems(types); i++) {
		if (!from_server && types[i].type == type)
			return types[i].req_max;
		if (from_server && (types[i].type | TC_T_REPLY) == type)
			return types[i].rep_max;
	}
	return 0;
}

/* The flags a frame of this type may carry. */
static uint16_t
flags_allowed(int type, int from_server)
{
	if (!from_server)
		return type == TC_T_WRITE ? TC_F_BEHIND : type == TC_T_READ ?
		    TC_F_AHEAD : 0;
	if (type == (TC_T_WRITE | TC_T_REPLY))
		return TC_F_EW | TC_F_SKIPPED;
	if (type == (TC_T_READ | TC_T_REPLY))
		return TC_F_SKIPPED;
	return 0;
}

static int
type_known(int type, int from_server)
{
	size_t	i;

	if (from_server && (type == TC_T_ERROR || type == TC_T_GOAWAY))
		return 1;
	for (i = 0; i < nitems(types); i++)
		if (type == (from_server ? (types[i].type | TC_T_REPLY) :
		    types[i].type))
			return 1;
	return 0;
}

void
proto_hdr_put(uint8_t *p, const struct tc_hdr *h)
{
	put_be32(p, h->len);
	put_be16(p + 4, h->type);
	put_be16(p + 6, h->flags);
	put_be32(p + 8, h->id);
}

/* Decode and validate a header before any payload is read or allocated. */
int
proto_hdr_get(const uint8_t *p, int from_server, struct tc_hdr *h,
    const char **err)
{
	h->len = get_be32(p);
	h->type = get_be16(p + 4);
	h->flags = get_be16(p + 6);
	h->id = get_be32(p + 8);
	*err = NULL;
	if (!type_known(h->type, from_server))
		*err = "unknown frame type";
	else if ((h->flags & ~flags_allowed(h->type, from_server)) != 0)
		*err = "reserved frame flags set";
	else if (h->len > proto_maxlen(h->type, from_server))
		*err = "frame length over the maximum for its type";
	return *err == NULL ? 0 : -1;
}

void
proto_begin(struct tcbuf *b, uint16_t type, uint32_t id)
{
	proto_begin_flags(b, type, 0, id);
}

void
proto_begin_flags(struct tcbuf *b, uint16_t type, uint16_t flags, uint32_t id)
{
	struct tc_hdr	h = { 0, type, flags, id };
	uint8_t		p[TC_HDR_LEN];

	b->mark = b->len;
	proto_hdr_put(p, &h);
	tcbuf_put(b, p, sizeof(p));
}

/* Fill in the length of the frame proto_begin() started in b. */
int
proto_finish(struct tcbuf *b)
{
	if (b->failed || b->len < b->mark + TC_HDR_LEN)
		return -1;
	put_be32(b->data + b->mark, (uint32_t)(b->len - b->mark -
	    TC_HDR_LEN));
	return 0;
}

static int
decoded(struct tcrd *r, const char **err)
{
	if (tcrd_end(r) == -1) {
		*err = r->err;
		return -1;
	}
	*err = NULL;
	return 0;
}

void
proto_put_hello(struct tcbuf *b, uint32_t id, const struct tc_hello *h,
    int reply)
{
	proto_begin(b, reply ? TC_T_HELLO | TC_T_REPLY : TC_T_HELLO, id);
	tcbuf_put_u16(b, h->vmin);
	tcbuf_put_u16(b, h->vmax);
	tcbuf_put_u64(b, h->features);
	tcbuf_put_str(b, h->platform);
	tcbuf_put_str(b, h->software);
	if (reply)
		tcbuf_put_str(b, h->identity);
	proto_finish(b);
}

int
proto_get_hello(const void *p, size_t len, struct tc_hello *h, int reply,
    const char **err)
{
	struct tcrd	r;

	memset(h, 0, sizeof(*h));
	tcrd_init(&r, p, len);
	h->vmin = tcrd_u16(&r);
	h->vmax = tcrd_u16(&r);
	h->features = tcrd_u64(&r);
	tcrd_str(&r, h->platform, sizeof(h->platform), "platform too long");
	tcrd_str(&r, h->software, sizeof(h->software),
	    "software version too long");
	if (reply)
		tcrd_str(&r, h->identity, sizeof(h->identity),
		    "identity too long");
	if (decoded(&r, err) == -1)
		return -1;
	if (h->vmin == 0 || h->vmin > h->vmax) {
		*err = "bad protocol version range";
		return -1;
	}
	if (!platform_valid(h->platform) && strcmp(h->platform, "unknown")) {
		*err = "platform is not of the form os-arch";
		return -1;
	}
	return 0;
}

void
proto_put_open(struct tcbuf *b, uint32_t id, const struct tc_open_req *o)
{
	proto_begin(b, TC_T_OPEN, id);
	tcbuf_put_str(b, o->drive);
	tcbuf_put_u32(b, o->flags);
	proto_finish(b);
}

int
proto_get_open(const void *p, size_t len, struct tc_open_req *o,
    const char **err)
{
	struct tcrd	r;

	memset(o, 0, sizeof(*o));
	tcrd_init(&r, p, len);
	tcrd_str(&r, o->drive, sizeof(o->drive), "drive name too long");
	o->flags = tcrd_u32(&r);
	if (decoded(&r, err) == -1)
		return -1;
	if (!tc_valid_name(o->drive)) {
		*err = "drive name has characters outside [A-Za-z0-9._-]";
		return -1;
	}
	if ((o->flags & ~TC_OPEN_ALLFLAGS) != 0 ||
	    (o->flags & TC_OPEN_ACCMODE) == TC_OPEN_ACCMODE) {
		*err = "unknown open flags";
		return -1;
	}
	return 0;
}

void
proto_put_open_rep(struct tcbuf *b, uint32_t id, const struct tc_open_rep *o)
{
	proto_begin(b, TC_T_OPEN | TC_T_REPLY, id);
	tcbuf_put_u8(b, o->access);
	tcbuf_put_u8(b, o->caps);
	tcbuf_put_u32(b, o->max_record);
	tcbuf_put_u32(b, o->min_block);
	tcbuf_put_u32(b, o->max_block);
	proto_finish(b);
}

int
proto_get_open_rep(const void *p, size_t len, struct tc_open_rep *o,
    const char **err)
{
	struct tcrd	r;

	tcrd_init(&r, p, len);
	o->access = tcrd_u8(&r);
	o->caps = tcrd_u8(&r);
	o->max_record = tcrd_u32(&r);
	o->min_block = tcrd_u32(&r);
	o->max_block = tcrd_u32(&r);
	if (decoded(&r, err) == -1)
		return -1;
	if (o->access != TC_ACCESS_RO && o->access != TC_ACCESS_RW) {
		*err = "unknown access mode";
		return -1;
	}
	if ((o->caps & ~TC_DCAP_ALL) != 0) {
		*err = "unknown drive capabilities";
		return -1;
	}
	if (o->max_record == 0 || o->max_record > TC_MAX_RECORD) {
		*err = "record limit out of range";
		return -1;
	}
	return 0;
}

void
proto_put_u32msg(struct tcbuf *b, uint16_t type, uint32_t id, uint32_t v)
{
	proto_begin(b, type, id);
	tcbuf_put_u32(b, v);
	proto_finish(b);
}

int
proto_get_u32msg(const void *p, size_t len, uint32_t *v, const char **err)
{
	struct tcrd	r;

	tcrd_init(&r, p, len);
	*v = tcrd_u32(&r);
	return decoded(&r, err);
}

void
proto_put_u64msg(struct tcbuf *b, uint16_t type, uint32_t id, uint64_t v)
{
	proto_begin(b, type, id);
	tcbuf_put_u64(b, v);
	proto_finish(b);
}

int
proto_get_u64msg(const void *p, size_t len, uint64_t *v, const char **err)
{
	struct tcrd	r;

	tcrd_init(&r, p, len);
	*v = tcrd_u64(&r);
	return decoded(&r, err);
}

void
proto_put_empty(struct tcbuf *b, uint16_t type, uint32_t id)
{
	proto_begin(b, type, id);
	proto_finish(b);
}

int
proto_get_empty(const void *p, size_t len, const char **err)
{
	struct tcrd	r;

	tcrd_init(&r, p, len);
	return decoded(&r, err);
}

void
proto_put_op(struct tcbuf *b, uint32_t id, const struct tc_op_req *o)
{
	proto_begin(b, TC_T_OP, id);
	tcbuf_put_u32(b, o->op);
	tcbuf_put_u64(b, (uint64_t)o->count);
	proto_finish(b);
}

int
proto_get_op(const void *p, size_t len, struct tc_op_req *o, const char **err)
{
	struct tcrd	r;

	tcrd_init(&r, p, len);
	o->op = tcrd_u32(&r);
	o->count = (int64_t)tcrd_u64(&r);
	if (decoded(&r, err) == -1)
		return -1;
	if (o->op > INT32_MAX) {
		*err = "operation code out of range";
		return -1;
	}
	return 0;
}

void
proto_put_status(struct tcbuf *b, uint32_t id, const struct tc_status *s)
{
	proto_begin(b, TC_T_STATUS | TC_T_REPLY, id);
	tcbuf_put_u64(b, (uint64_t)s->fileno);
	tcbuf_put_u64(b, (uint64_t)s->blkno);
	tcbuf_put_u32(b, s->partition);
	tcbuf_put_u32(b, s->blksize);
	tcbuf_put_u32(b, s->density);
	tcbuf_put_u32(b, s->flags);
	tcbuf_put_u32(b, s->softerr);
	tcbuf_put_u32(b, s->min_block);
	tcbuf_put_u32(b, s->max_block);
	proto_finish(b);
}

int
proto_get_status(const void *p, size_t len, struct tc_status *s,
    const char **err)
{
	struct tcrd	r;

	tcrd_init(&r, p, len);
	s->fileno = (int64_t)tcrd_u64(&r);
	s->blkno = (int64_t)tcrd_u64(&r);
	s->partition = tcrd_u32(&r);
	s->blksize = tcrd_u32(&r);
	s->density = tcrd_u32(&r);
	s->flags = tcrd_u32(&r);
	s->softerr = tcrd_u32(&r);
	s->min_block = tcrd_u32(&r);
	s->max_block = tcrd_u32(&r);
	if (decoded(&r, err) == -1)
		return -1;
	if (s->fileno < -1 || s->blkno < -1) {
		*err = "negative file or block number";
		return -1;
	}
	if ((s->flags & ~TC_ST_ALLFLAGS) != 0) {
		*err = "unknown status flags";
		return -1;
	}
	return 0;
}

void
proto_put_error(struct tcbuf *b, uint32_t id, const struct tc_error *e)
{
	proto_begin(b, TC_T_ERROR, id);
	tcbuf_put_u32(b, (uint32_t)e->err);
	tcbuf_put_str(b, e->name);
	tcbuf_put_u32(b, (uint32_t)e->srv_err);
	tcbuf_put_str(b, e->srv_name);
	tcbuf_put_str(b, e->msg);
	proto_finish(b);
}

int
proto_get_error(const void *p, size_t len, struct tc_error *e,
    const char **err)
{
	struct tcrd	r;

	memset(e, 0, sizeof(*e));
	tcrd_init(&r, p, len);
	e->err = (int32_t)tcrd_u32(&r);
	tcrd_str(&r, e->name, sizeof(e->name), "errno name too long");
	e->srv_err = (int32_t)tcrd_u32(&r);
	tcrd_str(&r, e->srv_name, sizeof(e->srv_name),
	    "server errno name too long");
	tcrd_str(&r, e->msg, sizeof(e->msg), "error message too long");
	if (decoded(&r, err) == -1)
		return -1;
	if (e->err <= 0 || e->err > 4095) {
		*err = "errno out of range";
		return -1;
	}
	return 0;
}

void
proto_put_goaway(struct tcbuf *b, uint32_t id, const struct tc_goaway *g)
{
	proto_begin(b, TC_T_GOAWAY, id);
	tcbuf_put_u32(b, g->code);
	tcbuf_put_str(b, g->reason);
	proto_finish(b);
}

int
proto_get_goaway(const void *p, size_t len, struct tc_goaway *g,
    const char **err)
{
	struct tcrd	r;

	tcrd_init(&r, p, len);
	g->code = tcrd_u32(&r);
	tcrd_str(&r, g->reason, sizeof(g->reason), "reason too long");
	return decoded(&r, err);
}

void
proto_put_drives(struct tcbuf *b, uint32_t id, const struct tc_drive_ent *d,
    size_t n)
{
	size_t	i;

	if (n > TC_MAX_DRIVES_LIST)
		n = TC_MAX_DRIVES_LIST;
	proto_begin(b, TC_T_DRIVES | TC_T_REPLY, id);
	tcbuf_put_u16(b, (uint16_t)n);
	for (i = 0; i < n; i++) {
		tcbuf_put_str(b, d[i].name);
		tcbuf_put_str(b, d[i].backend);
		tcbuf_put_u8(b, d[i].access);
		tcbuf_put_u32(b, d[i].max_record);
	}
	proto_finish(b);
}

/* *list is allocated (free(3) it) only when 0 is returned. */
int
proto_get_drives(const void *p, size_t len, struct tc_drive_ent **list,
    size_t *np, const char **err)
{
	struct tcrd		 r;
	struct tc_drive_ent	*d;
	uint16_t		 n, i;

	*list = NULL;
	*np = 0;
	tcrd_init(&r, p, len);
	n = tcrd_u16(&r);
	if (r.err == NULL && n > TC_MAX_DRIVES_LIST) {
		*err = "too many drives in list";
		return -1;
	}
	if ((d = calloc(n ? n : 1, sizeof(*d))) == NULL) {
		*err = "out of memory";
		return -1;
	}
	for (i = 0; i < n && r.err == NULL; i++) {
		tcrd_str(&r, d[i].name, sizeof(d[i].name),
		    "drive name too long");
		tcrd_str(&r, d[i].backend, sizeof(d[i].backend),
		    "backend name too long");
		d[i].access = tcrd_u8(&r);
		d[i].max_record = tcrd_u32(&r);
		if (r.err == NULL && d[i].access != TC_ACCESS_RO &&
		    d[i].access != TC_ACCESS_RW)
			r.err = "unknown access mode";
	}
	if (decoded(&r, err) == -1) {
		free(d);
		return -1;
	}
	*list = d;
	*np = n;
	return 0;
}
