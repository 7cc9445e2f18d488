/*
 * check_badinput.c -- the bad-input catalogue: a real tclientd, and raw TLS
 * connections with a valid client certificate that send what no correct
 * client sends.  Each case asserts exactly what the peer sees (an ERROR
 * reply's errno, name and message, or a GOAWAY's code and reason, see
 * docs/PROTOCOL.md) and then that the daemon still serves another client:
 * open, write, read back, close.
 */
#include <sys/mtio.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#include "common.h"
#include "harness.h"

static struct daemon	 dmn;
static char		*home;
static char		 reader[1100];

/* One daemon for the whole catalogue: it has to survive all of it. */
static void
start(void)
{
	char	*conf, cmd[4096];

	signal(SIGPIPE, SIG_IGN);	/* a peer the daemon hung up on */
	home = th_tmpdir();
	conf = th_conf(home, "drive vtape0 {\n\tbackend vtape\n"
	    "\tpath vtape0.tap\n\tallow local-client read-write\n"
	    "\tallow reader read-only\n}\n"
	    "drive null0 {\n\tbackend null\n\tallow local-client read-write\n}\n");
	ck_assert_ptr_nonnull(conf);
	snprintf(reader, sizeof(reader), "%s/reader", home);
	snprintf(cmd, sizeof(cmd), "TCLIENT_HOME=%s %s --issue-client reader "
	    "%s", home, th_bin("tclientd"), reader);
	ck_assert_int_eq(th_run(cmd, NULL), 0);
	ck_assert_int_eq(th_daemon_start(&dmn, home, conf), 0);
	free(conf);
}

static void
stop(void)
{
	ck_assert_int_eq(th_daemon_stop(&dmn), 0);
	th_rmrf(home);
	free(home);
}

#define raw th_raw
static void
raw_open_as(struct raw *r, const char *dir)
{
	ck_assert_int_eq(th_raw_open(r, &dmn, dir), 0);
}

static void
raw_open(struct raw *r)
{
	raw_open_as(r, NULL);
}

#define raw_close(r)	th_raw_close(r)

static void
raw_frame_len(struct raw *r, uint32_t len, uint16_t type, uint16_t flags,
    uint32_t id, const void *p, size_t plen)
{
	ck_assert_int_eq(th_raw_frame(r, len, type, flags, id, p, plen), 0);
}

static void
raw_frame(struct raw *r, uint16_t type, uint32_t id, const void *p,
    size_t len)
{
	raw_frame_len(r, (uint32_t)len, type, 0, id, p, len);
}

#define raw_read(r, p, n)	th_raw_read(r, p, n)
#define raw_recv(r, h, p)	th_raw_recv(r, h, p)

/* The daemon says GOAWAY with this code and reason, then hangs up. */
static void
expect_goaway(struct raw *r, uint32_t code, const char *reason)
{
	struct tc_hdr	 h;
	struct tc_goaway g;
	uint8_t		*p, extra;
	const char	*err;

	ck_assert_int_eq(raw_recv(r, &h, &p), 0);
	ck_assert_str_eq(proto_typename(h.type), "GOAWAY");
	ck_assert_int_eq(proto_get_goaway(p, h.len, &g, &err), 0);
	ck_assert_uint_eq(g.code, code);
	ck_assert_str_eq(g.reason, reason);
	free(p);
	ck_assert_int_eq(raw_read(r, &extra, 1), -1);
	raw_close(r);
}

/* The reply to request id is an ERROR with errno e, its name, and msg. */
static void
expect_error(struct raw *r, uint32_t id, int e, const char *name,
    const char *msg)
{
	struct tc_hdr	 h;
	struct tc_error	 te;
	uint8_t		*p;
	const char	*err;

	ck_assert_int_eq(raw_recv(r, &h, &p), 0);
	ck_assert_msg(h.type == TC_T_ERROR, "reply to %u is %s, not ERROR",
	    h.id, proto_typename(h.type));
	ck_assert_uint_eq(h.id, id);
	ck_assert_int_eq(proto_get_error(p, h.len, &te, &err), 0);
	ck_assert_int_eq(te.err, e);
	ck_assert_str_eq(te.name, name);
	ck_assert_int_eq(te.srv_err, e);
	ck_assert_str_eq(te.msg, msg);
	free(p);
}

/* A reply of this type to request id; its payload (free it). */
static uint8_t *
expect_reply(struct raw *r, uint32_t id, uint16_t type, uint32_t *len)
{
	struct tc_hdr	 h;
	uint8_t		*p;

	ck_assert_int_eq(raw_recv(r, &h, &p), 0);
	if (h.type == TC_T_ERROR) {
		struct tc_error	 te;
		const char	*err;

		proto_get_error(p, h.len, &te, &err);
		ck_abort_msg("ERROR %s: %s", te.name, te.msg);
	}
	ck_assert_str_eq(proto_typename(h.type), proto_typename(type));
	ck_assert_uint_eq(h.type, type | TC_T_REPLY);
	ck_assert_uint_eq(h.id, id);
	if (len != NULL)
		*len = h.len;
	return p;
}

static void
send_hello_v(struct raw *r, uint16_t vmin, uint16_t vmax,
    const char *platform)
{
	ck_assert_int_eq(th_raw_hello(r, vmin, vmax, platform, 0), 0);
}

static void
hello(struct raw *r)
{
	ck_assert_int_eq(th_raw_hello(r, 1, 1, "linux-x86_64", 1), 0);
}

static void
send_open(struct raw *r, uint32_t id, const char *drive, uint32_t flags)
{
	struct tc_open_req o;
	struct tcbuf	 b;

	memset(&o, 0, sizeof(o));
	tc_strlcpy(o.drive, drive, sizeof(o.drive));
	o.flags = flags;
	tcbuf_init(&b);
	proto_put_open(&b, id, &o);
	ck_assert_int_eq(th_raw_send(r, b.data, b.len), 0);
	tcbuf_free(&b);
}

static void
open_ok(struct raw *r, uint32_t id, const char *drive, uint32_t flags)
{
	send_open(r, id, drive, flags);
	free(expect_reply(r, id, TC_T_OPEN, NULL));
}

static void
send_op(struct raw *r, uint32_t id, uint32_t op, int64_t count)
{
	struct tc_op_req o = { op, count };
	struct tcbuf	 b;

	tcbuf_init(&b);
	proto_put_op(&b, id, &o);
	ck_assert_int_eq(th_raw_send(r, b.data, b.len), 0);
	tcbuf_free(&b);
}

static void
send_u32(struct raw *r, uint16_t type, uint32_t id, uint32_t v)
{
	uint8_t	p[4];

	put_be32(p, v);
	raw_frame(r, type, id, p, 4);
}

/* Another client, through libtclient: open, write, read back, close. */
static void
still_serves(void)
{
	struct tc_conn	*c;
	struct mtop	 m = { MTREW, 1 };
	char		 buf[64];
	int		 i;

	ck_assert_ptr_nonnull(c = th_connect(&dmn, NULL));
	/* a session the daemon just dropped may still be closing vtape0 */
	for (i = 0; i < 300; i++) {
		if (tc_open(c, "vtape0", O_RDWR, 0) == 0)
			break;
		ck_assert_int_eq(errno, EBUSY);
		usleep(10000);
	}
	ck_assert_int_lt(i, 300);
	ck_assert_int_eq(tc_mtioctop(c, &m), 0);
	ck_assert_int_eq(tc_write(c, "still here", 10), 10);
	ck_assert_int_eq(tc_mtioctop(c, &m), 0);
	ck_assert_int_eq(tc_read(c, buf, sizeof(buf)), 10);
	ck_assert_mem_eq(buf, "still here", 10);
	ck_assert_int_eq(tc_close(c), 0);
	tc_disconnect(c);
}

/* ---- framing ---- */

START_TEST(unknown_frame_type)
{
	struct raw	r;

	raw_open(&r);
	raw_frame(&r, 0x33, 1, NULL, 0);
	expect_goaway(&r, TC_GOAWAY_PROTOCOL,
	    "unknown frame type (type 0x0033, length 0)");
	still_serves();
}
END_TEST

START_TEST(reply_type_from_client)
{
	struct raw	r;

	raw_open(&r);
	hello(&r);
	raw_frame(&r, TC_T_READ | TC_T_REPLY, 2, "x", 1);
	expect_goaway(&r, TC_GOAWAY_PROTOCOL,
	    "unknown frame type (type 0x0092, length 1)");
	still_serves();
}
END_TEST

START_TEST(reserved_flags)
{
	struct raw	r;

	raw_open(&r);
	hello(&r);
	raw_frame_len(&r, 0, TC_T_STATUS, 0x8000, 2, NULL, 0);
	expect_goaway(&r, TC_GOAWAY_PROTOCOL,
	    "reserved frame flags set (type 0x0015, length 0)");
	still_serves();
}
END_TEST

START_TEST(length_over_maximum)
{
	static const struct {
		uint16_t	 type;
		uint32_t	 len;
		const char	*reason;
	} cases[] = {
		{ TC_T_HELLO, TC_MAX_CTRL + 1, "frame length over the maximum "
		    "for its type (type 0x0001, length 65537)" },
		{ TC_T_WRITE, TC_MAX_RECORD + 1, "frame length over the "
		    "maximum for its type (type 0x0013, length 16777217)" },
		{ TC_T_WRITE, 0xffffffffu, "frame length over the maximum "
		    "for its type (type 0x0013, length 4294967295)" },
		{ TC_T_READ, 5, "frame length over the maximum for its type "
		    "(type 0x0012, length 5)" },
		{ TC_T_STATUS, 1, "frame length over the maximum for its type "
		    "(type 0x0015, length 1)" },
	};
	struct raw	r;
	size_t		i;

	for (i = 0; i < nitems(cases); i++) {
		raw_open(&r);
		if (cases[i].type != TC_T_HELLO)
			hello(&r);
		/* only the header: the daemon must not wait for the rest */
		raw_frame_len(&r, cases[i].len, cases[i].type, 0, 2, NULL, 0);
		expect_goaway(&r, TC_GOAWAY_PROTOCOL, cases[i].reason);
	}
	still_serves();
}
END_TEST

/* Fields cut short inside a frame whose length is within limits. */
START_TEST(truncated_payload)
{
	static const struct {
		uint16_t	 type;
		const char	*payload;
		size_t		 len;
		const char	*reason;
	} cases[] = {
		{ TC_T_OPEN, "\0\6vta", 5,
		    "malformed OPEN: truncated payload" },
		{ TC_T_OPEN, "\0\6vtape0\0\0", 10,
		    "malformed OPEN: truncated payload" },
		{ TC_T_READ, "\0\0\1", 3, "malformed READ: truncated payload" },
		{ TC_T_OP, "\0\0\0\13\0\0\0\0\0\0\0", 11,
		    "malformed OP: truncated payload" },
		{ TC_T_SYNC, "\0", 1, "malformed SYNC: truncated payload" },
	};
	struct raw	r;
	size_t		i;

	for (i = 0; i < nitems(cases); i++) {
		raw_open(&r);
		hello(&r);
		raw_frame(&r, cases[i].type, 2, cases[i].payload,
		    cases[i].len);
		expect_goaway(&r, TC_GOAWAY_PROTOCOL, cases[i].reason);
	}
	/* a HELLO cut short, and one with bytes after its last field */
	raw_open(&r);
	raw_frame(&r, TC_T_HELLO, 1, "\0\1\0\1\0\0\0\0\0\0\0\0\0\3li", 16);
	expect_goaway(&r, TC_GOAWAY_PROTOCOL,
	    "malformed HELLO: truncated payload");
	raw_open(&r);
	raw_frame(&r, TC_T_HELLO, 1, "\0\1\0\1\0\0\0\0\0\0\0\0\0\0\0\0!", 17);
	expect_goaway(&r, TC_GOAWAY_PROTOCOL,
	    "malformed HELLO: trailing bytes after payload");
	still_serves();
}
END_TEST

/* A peer gone in the middle of a frame: its drive is closed for it. */
START_TEST(connection_lost_mid_frame)
{
	struct raw	r;
	uint8_t		half[500];

	memset(half, 'h', sizeof(half));
	raw_open(&r);
	hello(&r);
	open_ok(&r, 2, "vtape0", TC_OPEN_RDWR);
	raw_frame_len(&r, 1000, TC_T_WRITE, 0, 3, half, sizeof(half));
	raw_close(&r);
	still_serves();
	ck_assert(th_log_has(&dmn, "drive vtape0: closing it for the lost "
	    "session"));
}
END_TEST

/* ---- the greeting ---- */

START_TEST(request_before_hello)
{
	static const uint16_t types[] = { TC_T_OPEN, TC_T_DRIVES, TC_T_READ,
	    TC_T_WRITE, TC_T_STATUS, TC_T_CLOSE };
	static const char *const reasons[] = { "OPEN before HELLO",
	    "DRIVES before HELLO", "READ before HELLO", "WRITE before HELLO",
	    "STATUS before HELLO", "CLOSE before HELLO" };
	struct raw	r;
	size_t		i;

	for (i = 0; i < nitems(types); i++) {
		raw_open(&r);
		if (types[i] == TC_T_OPEN)
			send_open(&r, 1, "vtape0", TC_OPEN_RDWR);
		else if (types[i] == TC_T_READ)
			send_u32(&r, TC_T_READ, 1, 10);
		else if (types[i] == TC_T_WRITE)
			raw_frame(&r, TC_T_WRITE, 1, "data", 4);
		else
			raw_frame(&r, types[i], 1, NULL, 0);
		expect_goaway(&r, TC_GOAWAY_PROTOCOL, reasons[i]);
	}
	still_serves();
}
END_TEST

START_TEST(second_hello)
{
	struct raw	r;

	raw_open(&r);
	hello(&r);
	send_hello_v(&r, 1, 1, "linux-x86_64");
	expect_goaway(&r, TC_GOAWAY_PROTOCOL, "second HELLO");
	still_serves();
}
END_TEST

START_TEST(hello_refused)
{
	struct raw	r;

	raw_open(&r);
	send_hello_v(&r, 2, 5, "linux-x86_64");
	expect_goaway(&r, TC_GOAWAY_VERSION, "no common protocol version: "
	    "the client speaks 2-5, this server 1");
	raw_open(&r);
	send_hello_v(&r, 0, 1, "linux-x86_64");
	expect_goaway(&r, TC_GOAWAY_PROTOCOL,
	    "malformed HELLO: bad protocol version range");
	raw_open(&r);
	send_hello_v(&r, 3, 1, "linux-x86_64");
	expect_goaway(&r, TC_GOAWAY_PROTOCOL,
	    "malformed HELLO: bad protocol version range");
	raw_open(&r);
	send_hello_v(&r, 1, 1, "Linux x86_64");
	expect_goaway(&r, TC_GOAWAY_PROTOCOL,
	    "malformed HELLO: platform is not of the form os-arch");
	raw_open(&r);
	send_hello_v(&r, 1, 1, "linux-x86\t64");
	expect_goaway(&r, TC_GOAWAY_PROTOCOL, "malformed HELLO: a string "
	    "field holds a NUL or control character");
	still_serves();
}
END_TEST

/* ---- drives ---- */

START_TEST(no_drive_open)
{
	struct raw	r;
	const char	*msg = "no drive is open in this session";

	raw_open(&r);
	hello(&r);
	send_u32(&r, TC_T_READ, 2, 100);
	expect_error(&r, 2, EBADF, "EBADF", msg);
	raw_frame(&r, TC_T_WRITE, 3, "data", 4);
	expect_error(&r, 3, EBADF, "EBADF", msg);
	send_op(&r, 4, TC_STREW, 1);
	expect_error(&r, 4, EBADF, "EBADF", msg);
	raw_frame(&r, TC_T_STATUS, 5, NULL, 0);
	expect_error(&r, 5, EBADF, "EBADF", msg);
	raw_frame(&r, TC_T_POSITION, 6, NULL, 0);
	expect_error(&r, 6, EBADF, "EBADF", msg);
	send_u32(&r, TC_T_SYNC, 7, 0);
	expect_error(&r, 7, EBADF, "EBADF", msg);
	raw_frame(&r, TC_T_CLOSE, 8, NULL, 0);
	expect_error(&r, 8, EBADF, "EBADF", msg);
	/* and after a close, again */
	open_ok(&r, 9, "null0", TC_OPEN_RDWR);
	raw_frame(&r, TC_T_CLOSE, 10, NULL, 0);
	free(expect_reply(&r, 10, TC_T_CLOSE, NULL));
	send_u32(&r, TC_T_READ, 11, 100);
	expect_error(&r, 11, EBADF, "EBADF", msg);
	raw_close(&r);
	still_serves();
}
END_TEST

START_TEST(unknown_drive_names)
{
	struct raw	r;
	char		long_name[80];

	raw_open(&r);
	hello(&r);
	send_open(&r, 2, "vtape9", TC_OPEN_RDONLY);
	expect_error(&r, 2, ENXIO, "ENXIO", "no drive named vtape9 on this "
	    "server");
	send_open(&r, 3, "VTAPE0", TC_OPEN_RDONLY);
	expect_error(&r, 3, ENXIO, "ENXIO", "no drive named VTAPE0 on this "
	    "server");
	/* the session goes on */
	open_ok(&r, 4, "vtape0", TC_OPEN_RDONLY);
	send_open(&r, 5, "null0", TC_OPEN_RDONLY);
	expect_error(&r, 5, EBUSY, "EBUSY", "this session already has drive "
	    "vtape0 open");
	raw_close(&r);

	raw_open(&r);
	hello(&r);
	send_open(&r, 2, "../vtape0", TC_OPEN_RDONLY);
	expect_goaway(&r, TC_GOAWAY_PROTOCOL, "malformed OPEN: drive name "
	    "has characters outside [A-Za-z0-9._-]");
	raw_open(&r);
	hello(&r);
	send_open(&r, 2, "", TC_OPEN_RDONLY);
	expect_goaway(&r, TC_GOAWAY_PROTOCOL, "malformed OPEN: drive name "
	    "has characters outside [A-Za-z0-9._-]");
	raw_open(&r);
	hello(&r);
	memset(long_name, 'a', 64);
	{
		uint8_t	p[2 + 64 + 4];

		put_be16(p, 64);
		memcpy(p + 2, long_name, 64);
		put_be32(p + 66, 0);
		raw_frame(&r, TC_T_OPEN, 2, p, sizeof(p));
	}
	expect_goaway(&r, TC_GOAWAY_PROTOCOL,
	    "malformed OPEN: drive name too long");
	raw_open(&r);
	hello(&r);
	send_open(&r, 2, "vtape0", TC_OPEN_ACCMODE);
	expect_goaway(&r, TC_GOAWAY_PROTOCOL, "malformed OPEN: unknown open "
	    "flags");
	raw_open(&r);
	hello(&r);
	send_open(&r, 2, "vtape0", 0x100);
	expect_goaway(&r, TC_GOAWAY_PROTOCOL, "malformed OPEN: unknown open "
	    "flags");
	still_serves();
}
END_TEST

/* ---- counts ---- */

START_TEST(bad_counts)
{
	struct raw	 r;
	uint8_t		*p;
	uint32_t	 len;
	char		 msg[200];

	raw_open(&r);
	hello(&r);
	open_ok(&r, 2, "vtape0", TC_OPEN_RDWR);
	send_u32(&r, TC_T_READ, 3, 0);
	snprintf(msg, sizeof(msg), "read of 0 bytes: the count must be 1 to "
	    "%u", TC_MAX_RECORD);
	expect_error(&r, 3, EINVAL, "EINVAL", msg);
	send_u32(&r, TC_T_READ, 4, 0xffffffffu);
	snprintf(msg, sizeof(msg), "read of 4294967295 bytes: the count must "
	    "be 1 to %u", TC_MAX_RECORD);
	expect_error(&r, 4, EINVAL, "EINVAL", msg);
	send_u32(&r, TC_T_READ, 5, TC_MAX_RECORD + 1);
	snprintf(msg, sizeof(msg), "read of %u bytes: the count must be 1 to "
	    "%u", TC_MAX_RECORD + 1, TC_MAX_RECORD);
	expect_error(&r, 5, EINVAL, "EINVAL", msg);
	raw_frame(&r, TC_T_WRITE, 6, NULL, 0);
	expect_error(&r, 6, EINVAL, "EINVAL", "empty WRITE");
	/* spacing beyond the SCSI field, a negative filemark count */
	send_op(&r, 7, TC_STFSF, INT64_MAX);
	expect_error(&r, 7, EINVAL, "EINVAL", "drive vtape0: Invalid argument");
	send_op(&r, 8, TC_STFSR, INT64_MIN);
	expect_error(&r, 8, EINVAL, "EINVAL", "drive vtape0: Invalid argument");
	send_op(&r, 9, TC_STFSR, 0x800000);
	expect_error(&r, 9, EINVAL, "EINVAL", "drive vtape0: Invalid argument");
	send_op(&r, 10, TC_STWEOF, -1);
	expect_error(&r, 10, EINVAL, "EINVAL", "drive vtape0: Invalid argument");
	send_op(&r, 11, TC_X_SEEK, -5);
	expect_error(&r, 11, EINVAL, "EINVAL", "drive vtape0: Invalid argument");
	send_op(&r, 11, TC_STIOCHGP, (int64_t)1 << 40);
	expect_error(&r, 11, EINVAL, "EINVAL", "drive vtape0: Invalid argument");
	/* a negative space count turns round: at BOT, EIO */
	send_op(&r, 12, TC_STREW, 1);
	free(expect_reply(&r, 12, TC_T_OP, NULL));
	send_op(&r, 13, TC_STFSR, -1);
	expect_error(&r, 13, EIO, "EIO", "drive vtape0: Input/output error");
	/* an operation code no one knows */
	send_op(&r, 14, 0x7fffffff, 1);
	expect_error(&r, 14, ENOSYS, "ENOSYS", "operation 0x7fffffff is not "
	    "one this server knows");
	/* the drive is still fine for this very session */
	send_op(&r, 15, TC_STREW, 1);
	p = expect_reply(&r, 15, TC_T_OP, &len);
	ck_assert_uint_eq(len, 8);
	free(p);
	/* and an op code over 2^31 is malformed */
	send_op(&r, 16, 0x80000000u, 1);
	expect_goaway(&r, TC_GOAWAY_PROTOCOL,
	    "malformed OP: operation code out of range");
	still_serves();
}
END_TEST

/* ---- access ---- */

/* A read-only identity gets EACCES for every operation that writes. */
START_TEST(read_only_every_write)
{
	const struct tc_canon_info *ops;
	struct raw	 r;
	size_t		 i, n, nw = 0;
	uint32_t	 id = 3;
	char		 msg[200];

	snprintf(msg, sizeof(msg), "identity reader has read-only access to "
	    "drive vtape0");
	raw_open_as(&r, reader);
	hello(&r);
	open_ok(&r, 2, "vtape0", TC_OPEN_RDWR);
	raw_frame(&r, TC_T_WRITE, id, "data", 4);
	expect_error(&r, id++, EACCES, "EACCES", msg);
	raw_frame_len(&r, 4, TC_T_WRITE, TC_F_BEHIND, id, "data", 4);
	expect_error(&r, id++, EACCES, "EACCES", msg);
	ops = canon_all(&n);
	for (i = 0; i < n; i++) {
		if (!(ops[i].flags & TC_OPF_WRITES))
			continue;
		send_op(&r, id, (uint32_t)ops[i].code, 1);
		expect_error(&r, id++, EACCES, "EACCES", msg);
		nw++;
	}
	ck_assert_uint_ge(nw, 4);	/* WEOF, WEOFI, ERASE, WSM at least */
	raw_close(&r);
	still_serves();
}
END_TEST

static Suite *
badinput_suite(void)
{
	Suite	*s = suite_create("badinput");
	TCase	*tc = tcase_create("catalogue");

	tcase_add_unchecked_fixture(tc, start, stop);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, unknown_frame_type);
	tcase_add_test(tc, reply_type_from_client);
	tcase_add_test(tc, reserved_flags);
	tcase_add_test(tc, length_over_maximum);
	tcase_add_test(tc, truncated_payload);
	tcase_add_test(tc, connection_lost_mid_frame);
	tcase_add_test(tc, request_before_hello);
	tcase_add_test(tc, second_hello);
	tcase_add_test(tc, hello_refused);
	tcase_add_test(tc, no_drive_open);
	tcase_add_test(tc, unknown_drive_names);
	tcase_add_test(tc, bad_counts);
	tcase_add_test(tc, read_only_every_write);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(badinput_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
