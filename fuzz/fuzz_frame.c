/*
 * fuzz_frame.c -- libFuzzer harness for the wire protocol (common/proto.c):
 * the frame header and every payload decoder, in both directions.  The
 * first input byte says which side sent the frame (bit 0: the server);
 * the rest is a frame.  A header or payload the decoders accept must come
 * out of the matching encoder byte for byte, since the format has exactly
 * one encoding of each message; anything else is refused with a reason.
 *
 *   make fuzz FUZZ_TIME=60		(all harnesses, see Makefile)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Decode payload p as a frame of this type; re-encode what is accepted. */
static int
decode(const struct tc_hdr *h, int srv, const uint8_t *p, size_t len,
    struct tcbuf *b)
{
	struct tc_hello		 hello;
	struct tc_open_req	 open;
	struct tc_open_rep	 orep;
	struct tc_op_req	 op;
	struct tc_status	 st;
	struct tc_error		 e;
	struct tc_goaway	 g;
	struct tc_drive_ent	*list;
	size_t			 n;
	uint32_t		 u32;
	uint64_t		 u64;
	const char		*err = NULL;
	int			 r = -1;

	switch (srv ? h->type : h->type | 0x100) {
	case TC_T_HELLO | 0x100:
	case TC_T_HELLO | TC_T_REPLY:
		if ((r = proto_get_hello(p, len, &hello, srv, &err)) == 0)
			proto_put_hello(b, h->id, &hello, srv);
		break;
	case TC_T_OPEN | 0x100:
		if ((r = proto_get_open(p, len, &open, &err)) == 0)
			proto_put_open(b, h->id, &open);
		break;
	case TC_T_OPEN | TC_T_REPLY:
		if ((r = proto_get_open_rep(p, len, &orep, &err)) == 0)
			proto_put_open_rep(b, h->id, &orep);
		break;
	case TC_T_READ | 0x100:
	case TC_T_SYNC | 0x100:
	case TC_T_WRITE | TC_T_REPLY:
		if ((r = proto_get_u32msg(p, len, &u32, &err)) == 0) {
			proto_begin_flags(b, h->type, h->flags, h->id);
			tcbuf_put_u32(b, u32);
			proto_finish(b);
		}
		break;
	case TC_T_OP | TC_T_REPLY:
	case TC_T_POSITION | TC_T_REPLY:
		if ((r = proto_get_u64msg(p, len, &u64, &err)) == 0)
			proto_put_u64msg(b, h->type, h->id, u64);
		break;
	case TC_T_OP | 0x100:
		if ((r = proto_get_op(p, len, &op, &err)) == 0)
			proto_put_op(b, h->id, &op);
		break;
	case TC_T_STATUS | TC_T_REPLY:
		if ((r = proto_get_status(p, len, &st, &err)) == 0)
			proto_put_status(b, h->id, &st);
		break;
	case TC_T_ERROR:
		if ((r = proto_get_error(p, len, &e, &err)) == 0)
			proto_put_error(b, h->id, &e);
		break;
	case TC_T_GOAWAY:
		if ((r = proto_get_goaway(p, len, &g, &err)) == 0)
			proto_put_goaway(b, h->id, &g);
		break;
	case TC_T_DRIVES | TC_T_REPLY:
		if ((r = proto_get_drives(p, len, &list, &n, &err)) == 0) {
			proto_put_drives(b, h->id, list, n);
			free(list);
		}
		break;
	case TC_T_WRITE | 0x100:
	case TC_T_READ | TC_T_REPLY:	/* a record: any bytes */
		proto_begin_flags(b, h->type, h->flags, h->id);
		tcbuf_put(b, p, len);
		proto_finish(b);
		return 0;
	default:			/* no payload */
		if ((r = proto_get_empty(p, len, &err)) == 0) {
			proto_begin_flags(b, h->type, h->flags, h->id);
			proto_finish(b);
		}
		break;
	}
	if ((r == 0) != (err == NULL) || (err != NULL && err[0] == '\0'))
		abort();	/* a refusal always says why */
	return r;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tc_hdr	 h;
	struct tcbuf	 b;
	const char	*err;
	int		 srv;

	if (size < 1 + TC_HDR_LEN)
		return 0;
	srv = data[0] & 1;
	data++;
	size--;
	if (proto_hdr_get(data, srv, &h, &err) == -1) {
		if (err == NULL || err[0] == '\0')
			abort();
		return 0;
	}
	if (h.len > proto_maxlen(h.type, srv) || proto_typename(h.type) == NULL)
		abort();
	if (size - TC_HDR_LEN < h.len)
		return 0;	/* the rest has not arrived yet */
	tcbuf_init(&b);
	if (decode(&h, srv, data + TC_HDR_LEN, h.len, &b) == 0) {
		if (b.failed || b.len != TC_HDR_LEN + h.len ||
		    memcmp(b.data, data, b.len) != 0)
			abort();	/* accepted, but not what was sent */
	}
	tcbuf_free(&b);
	return 0;
}
