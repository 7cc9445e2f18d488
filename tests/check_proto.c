/*
 * check_proto.c -- wire protocol v1: every frame encodes and decodes to the
 * same values, and every malformed frame is refused with its reason.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

/* The payload of the frame just built (after the header). */
#define PAYLOAD(b)	((b)->data + TC_HDR_LEN)
#define PLEN(b)		((b)->len - TC_HDR_LEN)

static struct tc_hdr
hdr_of(const struct tcbuf *b, int from_server)
{
	struct tc_hdr	 h;
	const char	*err;

	ck_assert_int_eq(proto_hdr_get(b->data, from_server, &h, &err), 0);
	ck_assert_uint_eq(h.len, b->len - TC_HDR_LEN);
	return h;
}

START_TEST(hdr_roundtrip)
{
	struct tc_hdr	 h = { 4, TC_T_READ, 0, 0xdeadbeef }, g;
	uint8_t		 p[TC_HDR_LEN];
	const char	*err;
	static const uint8_t want[] = { 0, 0, 0, 4, 0, 0x12, 0, 0, 0xde,
	    0xad, 0xbe, 0xef };

	proto_hdr_put(p, &h);
	ck_assert_mem_eq(p, want, sizeof(want));
	ck_assert_int_eq(proto_hdr_get(p, 0, &g, &err), 0);
	ck_assert_ptr_null(err);
	ck_assert_uint_eq(g.len, 4);
	ck_assert_uint_eq(g.type, TC_T_READ);
	ck_assert_uint_eq(g.id, 0xdeadbeef);
}
END_TEST

static const char *
hdr_err(uint32_t len, uint16_t type, uint16_t flags, int from_server)
{
	struct tc_hdr	 h = { len, type, flags, 1 }, g;
	uint8_t		 p[TC_HDR_LEN];
	const char	*err;

	proto_hdr_put(p, &h);
	if (proto_hdr_get(p, from_server, &g, &err) == 0)
		return NULL;
	return err;
}

START_TEST(hdr_refused)
{
	ck_assert_str_eq(hdr_err(0, 0x99, 0, 0), "unknown frame type");
	ck_assert_str_eq(hdr_err(0, 0, 0, 0), "unknown frame type");
	/* a reply type from a client, a request type from a server */
	ck_assert_str_eq(hdr_err(0, TC_T_CLOSE | TC_T_REPLY, 0, 0),
	    "unknown frame type");
	ck_assert_str_eq(hdr_err(0, TC_T_CLOSE, 0, 1), "unknown frame type");
	ck_assert_str_eq(hdr_err(0, TC_T_ERROR, 0, 0), "unknown frame type");
	ck_assert_str_eq(hdr_err(0, TC_T_CLOSE, 1, 0),
	    "reserved frame flags set");
	ck_assert_str_eq(hdr_err(5, TC_T_READ, 0, 0),
	    "frame length over the maximum for its type");
	ck_assert_str_eq(hdr_err(1, TC_T_CLOSE, 0, 0),
	    "frame length over the maximum for its type");
	ck_assert_str_eq(hdr_err(TC_MAX_RECORD + 1, TC_T_WRITE, 0, 0),
	    "frame length over the maximum for its type");
	ck_assert_str_eq(hdr_err(TC_MAX_RECORD + 1, TC_T_READ | TC_T_REPLY,
	    0, 1), "frame length over the maximum for its type");
	ck_assert_str_eq(hdr_err(0xffffffff, TC_T_HELLO, 0, 0),
	    "frame length over the maximum for its type");
	ck_assert_str_eq(hdr_err(45, TC_T_STATUS | TC_T_REPLY, 0, 1),
	    "frame length over the maximum for its type");
	/* each type carries only its own flags */
	ck_assert_ptr_null(hdr_err(8, TC_T_WRITE, TC_F_BEHIND, 0));
	ck_assert_ptr_null(hdr_err(4, TC_T_READ, TC_F_AHEAD, 0));
	ck_assert_str_eq(hdr_err(4, TC_T_READ, TC_F_BEHIND, 0),
	    "reserved frame flags set");
	ck_assert_str_eq(hdr_err(0, TC_T_STATUS, TC_F_AHEAD, 0),
	    "reserved frame flags set");
	ck_assert_ptr_null(hdr_err(4, TC_T_WRITE | TC_T_REPLY, TC_F_EW |
	    TC_F_SKIPPED, 1));
	ck_assert_ptr_null(hdr_err(0, TC_T_READ | TC_T_REPLY, TC_F_SKIPPED, 1));
	ck_assert_str_eq(hdr_err(0, TC_T_READ | TC_T_REPLY, TC_F_EW, 1),
	    "reserved frame flags set");
	ck_assert_str_eq(hdr_err(8, TC_T_WRITE, TC_F_AHEAD, 0),
	    "reserved frame flags set");
	ck_assert_ptr_null(hdr_err(4, TC_T_SYNC, 0, 0));
	ck_assert_str_eq(hdr_err(5, TC_T_SYNC, 0, 0),
	    "frame length over the maximum for its type");
	ck_assert_ptr_null(hdr_err(TC_MAX_RECORD, TC_T_WRITE, 0, 0));
	ck_assert_ptr_null(hdr_err(TC_MAX_RECORD, TC_T_READ | TC_T_REPLY, 0,
	    1));
	ck_assert_ptr_null(hdr_err(44, TC_T_STATUS | TC_T_REPLY, 0, 1));
}
END_TEST

static struct tc_hello
sample_hello(void)
{
	struct tc_hello	h;

	memset(&h, 0, sizeof(h));
	h.vmin = 1;
	h.vmax = 3;
	h.features = 0x0102030405060708ULL;
	strcpy(h.platform, "aix-ppc64");
	strcpy(h.software, "libtclient 9.9");
	strcpy(h.identity, "backup1.example.com");
	return h;
}

START_TEST(hello_roundtrip)
{
	struct tc_hello	 h = sample_hello(), g;
	struct tcbuf	 b;
	const char	*err;
	int		 reply;

	for (reply = 0; reply <= 1; reply++) {
		tcbuf_init(&b);
		proto_put_hello(&b, 7, &h, reply);
		ck_assert_uint_eq(hdr_of(&b, reply).type,
		    reply ? TC_T_HELLO | TC_T_REPLY : TC_T_HELLO);
		ck_assert_int_eq(proto_get_hello(PAYLOAD(&b), PLEN(&b), &g,
		    reply, &err), 0);
		ck_assert_uint_eq(g.vmin, 1);
		ck_assert_uint_eq(g.vmax, 3);
		ck_assert(g.features == h.features);
		ck_assert_str_eq(g.platform, "aix-ppc64");
		ck_assert_str_eq(g.software, "libtclient 9.9");
		ck_assert_str_eq(g.identity, reply ? "backup1.example.com" : "");
		tcbuf_free(&b);
	}
}
END_TEST

/* Every proper prefix of a valid payload is refused as truncated. */
START_TEST(hello_truncated)
{
	struct tc_hello	 h = sample_hello(), g;
	struct tcbuf	 b;
	const char	*err;
	size_t		 n;

	tcbuf_init(&b);
	proto_put_hello(&b, 1, &h, 0);
	for (n = 0; n < PLEN(&b); n++) {
		ck_assert_int_eq(proto_get_hello(PAYLOAD(&b), n, &g, 0, &err),
		    -1);
		ck_assert_str_eq(err, "truncated payload");
	}
	tcbuf_free(&b);
}
END_TEST

START_TEST(hello_trailing)
{
	struct tc_hello	 h = sample_hello(), g;
	struct tcbuf	 b;
	const char	*err;

	tcbuf_init(&b);
	proto_put_hello(&b, 1, &h, 0);
	tcbuf_put_u8(&b, 0);
	ck_assert_int_eq(proto_get_hello(PAYLOAD(&b), PLEN(&b), &g, 0, &err),
	    -1);
	ck_assert_str_eq(err, "trailing bytes after payload");
	tcbuf_free(&b);
}
END_TEST

static const char *
hello_err(struct tc_hello *h)
{
	struct tc_hello	 g;
	struct tcbuf	 b;
	const char	*err;
	int		 r;

	tcbuf_init(&b);
	proto_put_hello(&b, 1, h, 0);
	r = proto_get_hello(PAYLOAD(&b), PLEN(&b), &g, 0, &err);
	tcbuf_free(&b);
	return r == 0 ? NULL : err;
}

START_TEST(hello_bad_fields)
{
	struct tc_hello	h = sample_hello();

	h.vmin = 0;
	ck_assert_str_eq(hello_err(&h), "bad protocol version range");
	h = sample_hello();
	h.vmin = 4;
	ck_assert_str_eq(hello_err(&h), "bad protocol version range");
	h = sample_hello();
	strcpy(h.platform, "AIX");
	ck_assert_str_eq(hello_err(&h), "platform is not of the form os-arch");
	strcpy(h.platform, "aix-ppc64\x01");
	ck_assert_str_eq(hello_err(&h), "a string field holds a NUL or control character");
	h = sample_hello();
	strcpy(h.platform, "unknown");
	ck_assert_ptr_null(hello_err(&h));
}
END_TEST

/* A string field longer than its maximum is refused before it is used. */
START_TEST(string_limits)
{
	struct tcbuf	 b;
	struct tcrd	 r;
	char		 dst[8], big[300];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	tcbuf_init(&b);
	tcbuf_put_str(&b, "1234567");
	tcbuf_put_str(&b, "12345678");
	tcrd_init(&r, b.data, b.len);
	tcrd_str(&r, dst, sizeof(dst), "field too long");
	ck_assert_ptr_null(r.err);
	ck_assert_str_eq(dst, "1234567");
	tcrd_str(&r, dst, sizeof(dst), "field too long");
	ck_assert_str_eq(r.err, "field too long");
	ck_assert_str_eq(dst, "");
	/* after a failure every getter gives zero and the first error stays */
	ck_assert_uint_eq(tcrd_u32(&r), 0);
	ck_assert_str_eq(r.err, "field too long");
	tcbuf_free(&b);

	/* an embedded NUL is refused */
	tcbuf_init(&b);
	tcbuf_put_u16(&b, 3);
	tcbuf_put(&b, "a\0b", 3);
	tcrd_init(&r, b.data, b.len);
	tcrd_str(&r, dst, sizeof(dst), "bad string");
	ck_assert_str_eq(r.err, "a string field holds a NUL or control "
	    "character");
	tcbuf_free(&b);
}
END_TEST

START_TEST(open_roundtrip)
{
	struct tc_open_req o = { "vtape0", TC_OPEN_RDWR | TC_OPEN_REWIND }, g;
	struct tc_open_rep rep = { TC_ACCESS_RO, TC_DCAP_UNDO, TC_MAX_RECORD, 1,
	    65536 }, gr;
	struct tcbuf	 b;
	const char	*err;

	tcbuf_init(&b);
	proto_put_open(&b, 3, &o);
	ck_assert_uint_eq(hdr_of(&b, 0).type, TC_T_OPEN);
	ck_assert_int_eq(proto_get_open(PAYLOAD(&b), PLEN(&b), &g, &err), 0);
	ck_assert_str_eq(g.drive, "vtape0");
	ck_assert_uint_eq(g.flags, TC_OPEN_RDWR | TC_OPEN_REWIND);
	tcbuf_reset(&b);
	proto_put_open_rep(&b, 3, &rep);
	ck_assert_uint_eq(hdr_of(&b, 1).len, 14);
	ck_assert_int_eq(proto_get_open_rep(PAYLOAD(&b), PLEN(&b), &gr, &err),
	    0);
	ck_assert_uint_eq(gr.access, TC_ACCESS_RO);
	ck_assert_uint_eq(gr.caps, TC_DCAP_UNDO);
	ck_assert_uint_eq(gr.max_record, TC_MAX_RECORD);
	ck_assert_uint_eq(gr.min_block, 1);
	ck_assert_uint_eq(gr.max_block, 65536);
	tcbuf_free(&b);
}
END_TEST

static const char *
open_err(const char *name, uint32_t flags)
{
	struct tc_open_req o, g;
	struct tcbuf	 b;
	const char	*err;
	int		 r;

	memset(&o, 0, sizeof(o));
	strcpy(o.drive, name);
	o.flags = flags;
	tcbuf_init(&b);
	proto_put_open(&b, 1, &o);
	r = proto_get_open(PAYLOAD(&b), PLEN(&b), &g, &err);
	tcbuf_free(&b);
	return r == 0 ? NULL : err;
}

START_TEST(open_refused)
{
	ck_assert_str_eq(open_err("../etc", 0),
	    "drive name has characters outside [A-Za-z0-9._-]");
	ck_assert_str_eq(open_err("", 0),
	    "drive name has characters outside [A-Za-z0-9._-]");
	ck_assert_str_eq(open_err("a b", 0),
	    "drive name has characters outside [A-Za-z0-9._-]");
	ck_assert_str_eq(open_err("vtape0", 3), "unknown open flags");
	ck_assert_str_eq(open_err("vtape0", 0x10), "unknown open flags");
	ck_assert_ptr_null(open_err("nst0.a_b-c", TC_OPEN_ALLFLAGS & ~1));
}
END_TEST

START_TEST(open_rep_refused)
{
	struct tc_open_rep o;
	struct tcbuf	 b;
	const char	*err;

	tcbuf_init(&b);
	tcbuf_put_u8(&b, 3);
	tcbuf_put_u8(&b, 0);
	tcbuf_put_u32(&b, 1024);
	tcbuf_put_u32(&b, 1);
	tcbuf_put_u32(&b, 1024);
	ck_assert_int_eq(proto_get_open_rep(b.data, b.len, &o, &err), -1);
	ck_assert_str_eq(err, "unknown access mode");
	tcbuf_reset(&b);
	tcbuf_put_u8(&b, TC_ACCESS_RW);
	tcbuf_put_u8(&b, 0x80);
	tcbuf_put_u32(&b, 1024);
	tcbuf_put_u32(&b, 1);
	tcbuf_put_u32(&b, 1024);
	ck_assert_int_eq(proto_get_open_rep(b.data, b.len, &o, &err), -1);
	ck_assert_str_eq(err, "unknown drive capabilities");
	tcbuf_reset(&b);
	tcbuf_put_u8(&b, TC_ACCESS_RW);
	tcbuf_put_u8(&b, 0);
	tcbuf_put_u32(&b, TC_MAX_RECORD + 1);
	tcbuf_put_u32(&b, 1);
	tcbuf_put_u32(&b, 1024);
	ck_assert_int_eq(proto_get_open_rep(b.data, b.len, &o, &err), -1);
	ck_assert_str_eq(err, "record limit out of range");
	tcbuf_free(&b);
}
END_TEST

START_TEST(op_roundtrip)
{
	struct tc_op_req o = { TC_STRSF, -5 }, g;
	struct tcbuf	 b;
	const char	*err;
	static const uint8_t want[] = { 0, 0, 0, 12, 0, 0x14, 0, 0, 0, 0, 0,
	    9, 0, 0, 0, 12, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfb };

	tcbuf_init(&b);
	proto_put_op(&b, 9, &o);
	ck_assert_uint_eq(b.len, sizeof(want));
	ck_assert_mem_eq(b.data, want, sizeof(want));
	ck_assert_int_eq(proto_get_op(PAYLOAD(&b), PLEN(&b), &g, &err), 0);
	ck_assert_uint_eq(g.op, TC_STRSF);
	ck_assert(g.count == -5);
	tcbuf_reset(&b);
	o.op = 9;	/* no such op: decodes; the server answers ENOSYS */
	proto_put_op(&b, 9, &o);
	ck_assert_int_eq(proto_get_op(PAYLOAD(&b), PLEN(&b), &g, &err), 0);
	tcbuf_reset(&b);
	o.op = 0x80000000u;
	proto_put_op(&b, 9, &o);
	ck_assert_int_eq(proto_get_op(PAYLOAD(&b), PLEN(&b), &g, &err), -1);
	ck_assert_str_eq(err, "operation code out of range");
	tcbuf_free(&b);
}
END_TEST

START_TEST(status_roundtrip)
{
	struct tc_status s = { 3, -1, 0, 512, 0x5a, TC_ST_EOF | TC_ST_ONLINE,
	    7, 1, 0xffffff }, g;
	struct tcbuf	 b;
	const char	*err;

	tcbuf_init(&b);
	proto_put_status(&b, 4, &s);
	ck_assert_uint_eq(hdr_of(&b, 1).len, 44);
	ck_assert_int_eq(proto_get_status(PAYLOAD(&b), PLEN(&b), &g, &err), 0);
	ck_assert(g.fileno == 3 && g.blkno == -1);
	ck_assert_uint_eq(g.partition, 0);
	ck_assert_uint_eq(g.blksize, 512);
	ck_assert_uint_eq(g.density, 0x5a);
	ck_assert_uint_eq(g.flags, TC_ST_EOF | TC_ST_ONLINE);
	ck_assert_uint_eq(g.softerr, 7);
	ck_assert_uint_eq(g.min_block, 1);
	ck_assert_uint_eq(g.max_block, 0xffffff);
	tcbuf_reset(&b);
	s.flags = 0x8000;
	proto_put_status(&b, 4, &s);
	ck_assert_int_eq(proto_get_status(PAYLOAD(&b), PLEN(&b), &g, &err),
	    -1);
	ck_assert_str_eq(err, "unknown status flags");
	tcbuf_reset(&b);
	s.flags = 0;
	s.blkno = -2;
	proto_put_status(&b, 4, &s);
	ck_assert_int_eq(proto_get_status(PAYLOAD(&b), PLEN(&b), &g, &err),
	    -1);
	ck_assert_str_eq(err, "negative file or block number");
	tcbuf_free(&b);
}
END_TEST

START_TEST(error_roundtrip)
{
	struct tc_error	 e, g;
	struct tcbuf	 b;
	const char	*err;

	memset(&e, 0, sizeof(e));
	e.err = 47;
	strcpy(e.name, "EWRPROTECT");
	e.srv_err = 30;
	strcpy(e.srv_name, "EROFS");
	strcpy(e.msg, "drive vtape0: Read-only file system");
	tcbuf_init(&b);
	proto_put_error(&b, 5, &e);
	ck_assert_uint_eq(hdr_of(&b, 1).type, TC_T_ERROR);
	ck_assert_int_eq(proto_get_error(PAYLOAD(&b), PLEN(&b), &g, &err), 0);
	ck_assert_int_eq(g.err, 47);
	ck_assert_str_eq(g.name, "EWRPROTECT");
	ck_assert_int_eq(g.srv_err, 30);
	ck_assert_str_eq(g.srv_name, "EROFS");
	ck_assert_str_eq(g.msg, e.msg);
	tcbuf_reset(&b);
	e.err = 0;
	proto_put_error(&b, 5, &e);
	ck_assert_int_eq(proto_get_error(PAYLOAD(&b), PLEN(&b), &g, &err), -1);
	ck_assert_str_eq(err, "errno out of range");
	tcbuf_reset(&b);
	e.err = 4096;
	proto_put_error(&b, 5, &e);
	ck_assert_int_eq(proto_get_error(PAYLOAD(&b), PLEN(&b), &g, &err), -1);
	ck_assert_str_eq(err, "errno out of range");
	tcbuf_free(&b);
}
END_TEST

START_TEST(drives_roundtrip)
{
	struct tc_drive_ent d[2], *g;
	struct tcbuf	 b;
	const char	*err;
	size_t		 n;

	memset(d, 0, sizeof(d));
	strcpy(d[0].name, "vtape0");
	strcpy(d[0].backend, "vtape");
	d[0].access = TC_ACCESS_RW;
	d[0].max_record = TC_MAX_RECORD;
	strcpy(d[1].name, "null0");
	strcpy(d[1].backend, "null");
	d[1].access = TC_ACCESS_RO;
	d[1].max_record = 1048576;
	tcbuf_init(&b);
	proto_put_drives(&b, 2, d, 2);
	ck_assert_int_eq(proto_get_drives(PAYLOAD(&b), PLEN(&b), &g, &n, &err),
	    0);
	ck_assert_uint_eq(n, 2);
	ck_assert_mem_eq(g, d, sizeof(d));
	free(g);
	/* truncated inside the second entry */
	ck_assert_int_eq(proto_get_drives(PAYLOAD(&b), PLEN(&b) - 3, &g, &n,
	    &err), -1);
	ck_assert_str_eq(err, "truncated payload");
	ck_assert_ptr_null(g);
	tcbuf_reset(&b);
	tcbuf_put_u16(&b, TC_MAX_DRIVES_LIST + 1);
	ck_assert_int_eq(proto_get_drives(b.data, b.len, &g, &n, &err), -1);
	ck_assert_str_eq(err, "too many drives in list");
	tcbuf_free(&b);
}
END_TEST

START_TEST(goaway_and_small)
{
	struct tc_goaway g = { TC_GOAWAY_PROTOCOL, "second HELLO" }, h;
	struct tcbuf	 b;
	const char	*err;
	uint32_t	 v32;
	uint64_t	 v64;

	tcbuf_init(&b);
	proto_put_goaway(&b, 0, &g);
	ck_assert_int_eq(proto_get_goaway(PAYLOAD(&b), PLEN(&b), &h, &err), 0);
	ck_assert_uint_eq(h.code, TC_GOAWAY_PROTOCOL);
	ck_assert_str_eq(h.reason, "second HELLO");
	tcbuf_reset(&b);
	proto_put_u32msg(&b, TC_T_READ, 1, 65536);
	ck_assert_int_eq(proto_get_u32msg(PAYLOAD(&b), PLEN(&b), &v32, &err),
	    0);
	ck_assert_uint_eq(v32, 65536);
	ck_assert_int_eq(proto_get_u32msg(PAYLOAD(&b), 3, &v32, &err), -1);
	ck_assert_str_eq(err, "truncated payload");
	tcbuf_reset(&b);
	proto_put_u64msg(&b, TC_T_POSITION | TC_T_REPLY, 1, 1ULL << 40);
	ck_assert_int_eq(proto_get_u64msg(PAYLOAD(&b), PLEN(&b), &v64, &err),
	    0);
	ck_assert(v64 == 1ULL << 40);
	ck_assert_int_eq(proto_get_empty(PAYLOAD(&b), 1, &err), -1);
	ck_assert_str_eq(err, "trailing bytes after payload");
	tcbuf_free(&b);
}
END_TEST

START_TEST(names_and_maxima)
{
	ck_assert_str_eq(proto_typename(TC_T_WRITE), "WRITE");
	ck_assert_str_eq(proto_typename(TC_T_WRITE | TC_T_REPLY), "WRITE");
	ck_assert_str_eq(proto_typename(TC_T_GOAWAY), "GOAWAY");
	ck_assert_str_eq(proto_typename(0x55), "unknown");
	ck_assert_uint_eq(proto_maxlen(TC_T_OP, 0), 12);
	ck_assert_uint_eq(proto_maxlen(TC_T_OP | TC_T_REPLY, 1), 8);
	ck_assert_uint_eq(proto_maxlen(TC_T_OP | TC_T_REPLY, 0), 0);
}
END_TEST

static Suite *
proto_suite(void)
{
	Suite	*s = suite_create("proto");
	TCase	*tc = tcase_create("frames");

	tcase_add_test(tc, hdr_roundtrip);
	tcase_add_test(tc, hdr_refused);
	tcase_add_test(tc, hello_roundtrip);
	tcase_add_test(tc, hello_truncated);
	tcase_add_test(tc, hello_trailing);
	tcase_add_test(tc, hello_bad_fields);
	tcase_add_test(tc, string_limits);
	tcase_add_test(tc, open_roundtrip);
	tcase_add_test(tc, open_refused);
	tcase_add_test(tc, open_rep_refused);
	tcase_add_test(tc, op_roundtrip);
	tcase_add_test(tc, status_roundtrip);
	tcase_add_test(tc, error_roundtrip);
	tcase_add_test(tc, drives_roundtrip);
	tcase_add_test(tc, goaway_and_small);
	tcase_add_test(tc, names_and_maxima);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(proto_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
