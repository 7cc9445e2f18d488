/*
 * check_limits.c -- tclientd's limits against many and idle peers: the
 * connection cap (refused, with a log line), the handshake, greeting and
 * idle timeouts, the accept back-off when out of descriptors, and 1000
 * idle or half-open connections beside one client streaming a tape, which
 * they can neither stop nor keep from its drive.
 */
#include <sys/mtio.h>
#include <sys/resource.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static struct daemon	 dmn;
static char		*home;

static void
start(const char *limits)
{
	char	*conf, drives[1024];

	signal(SIGPIPE, SIG_IGN);
	home = th_tmpdir();
	snprintf(drives, sizeof(drives), "%sdrive vtape0 {\n\tbackend vtape\n"
	    "\tpath vtape0.tap\n\tallow local-client read-write\n}\n", limits);
	ck_assert_ptr_nonnull(conf = th_conf(home, drives));
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

/* How many times needle is in the log. */
static int
log_count(const char *needle)
{
	char	*log = th_read_file(dmn.log), *p;
	int	 n = 0;

	for (p = log; p != NULL && (p = strstr(p, needle)) != NULL; p++)
		n++;
	free(log);
	return n;
}

static void
record(uint8_t *p, size_t len, unsigned seed)
{
	size_t	i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(seed * 151 + i * 13 + (i >> 9));
}

/* Open vtape0, write n records of len bytes, read them back. */
static void
stream(int n, size_t len)
{
	struct tc_conn	*c;
	struct mtop	 rew = { MTREW, 1 };
	uint8_t		*w = malloc(len), *r = malloc(len);
	int		 i;

	ck_assert_ptr_nonnull(c = th_connect(&dmn, NULL));
	ck_assert_int_eq(tc_open(c, "vtape0", O_RDWR, 0), 0);
	ck_assert_int_eq(tc_mtioctop(c, &rew), 0);
	for (i = 0; i < n; i++) {
		record(w, len, (unsigned)i);
		ck_assert_int_eq(tc_write(c, w, len), (ssize_t)len);
	}
	ck_assert_int_eq(tc_mtioctop(c, &rew), 0);
	for (i = 0; i < n; i++) {
		record(w, len, (unsigned)i);
		ck_assert_int_eq(tc_read(c, r, len), (ssize_t)len);
		ck_assert_mem_eq(r, w, len);
	}
	ck_assert_int_eq(tc_close(c), 0);
	tc_disconnect(c);
	free(w);
	free(r);
}

START_TEST(connection_cap)
{
	struct tc_options o;
	struct tc_conn	*c;
	char		 err[600];
	int		 fd[4], i;

	start("max-connections 4\nhandshake-timeout 60\n");
	for (i = 0; i < 4; i++)
		ck_assert_int_ge(fd[i] = th_tcp_open(&dmn), 0);
	/* the fifth is closed at once, and the log says why */
	memset(&o, 0, sizeof(o));
	o.server = dmn.server;
	o.home = dmn.home;
	ck_assert_int_lt(tc_connect(&o, &c, err, sizeof(err)), 0);
	ck_assert_ptr_null(c);
	ck_assert(th_log_wait(&dmn, "127.0.0.1:"));
	ck_assert(th_log_wait(&dmn, ": refused: 4 connections already "
	    "(max-connections)"));
	/* with one of them gone, a client gets in */
	close(fd[0]);
	ck_assert(th_log_wait(&dmn, "(unauthenticated): session closed: TLS handshake "
	    "failed: "));
	stream(3, 1000);
	for (i = 1; i < 4; i++)
		close(fd[i]);
	stop();
}
END_TEST

START_TEST(timeouts)
{
	struct th_raw	 r, r2;
	struct tc_hdr	 h;
	struct tc_goaway g;
	uint8_t		*p;
	const char	*err;
	int		 fd;

	start("handshake-timeout 1\nidle-timeout 2\n");
	/* no TLS handshake: closed */
	ck_assert_int_ge(fd = th_tcp_open(&dmn), 0);
	ck_assert(th_log_wait(&dmn, "session closed: no TLS handshake within 1 s"));
	close(fd);
	/* TLS, but no HELLO: GOAWAY */
	ck_assert_int_eq(th_raw_open(&r, &dmn, NULL), 0);
	ck_assert_int_eq(th_raw_recv(&r, &h, &p), 0);
	ck_assert_int_eq(h.type, TC_T_GOAWAY);
	ck_assert_int_eq(proto_get_goaway(p, h.len, &g, &err), 0);
	ck_assert_uint_eq(g.code, TC_GOAWAY_TIMEOUT);
	ck_assert_str_eq(g.reason, "no HELLO within 1 s");
	free(p);
	th_raw_close(&r);
	/* a session that goes quiet: GOAWAY, and its drive is closed */
	ck_assert_int_eq(th_raw_open(&r2, &dmn, NULL), 0);
	ck_assert_int_eq(th_raw_hello(&r2, 1, 1, "linux-x86_64", 1), 0);
	ck_assert_int_eq(th_raw_recv(&r2, &h, &p), 0);
	ck_assert_int_eq(h.type, TC_T_GOAWAY);
	ck_assert_int_eq(proto_get_goaway(p, h.len, &g, &err), 0);
	ck_assert_uint_eq(g.code, TC_GOAWAY_TIMEOUT);
	ck_assert_str_eq(g.reason, "idle for 2 s");
	free(p);
	th_raw_close(&r2);
	stream(2, 100);
	stop();
}
END_TEST

/* Out of descriptors: accepts pause, then resume; the daemon lives. */
START_TEST(accept_backoff)
{
	struct rlimit	 rl, old;
	int		 fd[40], i, n = 0;

	start("handshake-timeout 2\n");
	ck_assert_int_eq(prlimit(dmn.pid, RLIMIT_NOFILE, NULL, &old), 0);
	rl.rlim_cur = 24;		/* the soft limit only: it comes back */
	rl.rlim_max = old.rlim_max;
	ck_assert_int_eq(prlimit(dmn.pid, RLIMIT_NOFILE, &rl, NULL), 0);
	for (i = 0; i < 40; i++)
		if ((fd[n] = th_tcp_open(&dmn)) >= 0)
			n++;
	ck_assert(th_log_wait(&dmn, "accept: Too many open files; pausing accepts "
	    "for 1 s"));
	for (i = 0; i < n; i++)
		close(fd[i]);
	ck_assert_int_eq(prlimit(dmn.pid, RLIMIT_NOFILE, &old, NULL), 0);
	stream(3, 1000);
	/* paused, not spinning: a handful of log lines, not thousands */
	ck_assert_int_lt(log_count("pausing accepts"), 50);
	stop();
}
END_TEST

/*
 * 1000 peers doing nothing: 500 half-open (TCP only), 500 authenticated
 * and greeted but idle.  A client still streams 32 MiB through vtape0,
 * and none of the idle ones can take the drive from it.
 */
START_TEST(thousand_idle)
{
	static struct th_raw raw[500];
	static int	 tcp[500];
	struct rlimit	 rl;
	struct tc_conn	*c;
	int		 i;

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_cur < 4096) {
		rl.rlim_cur = rl.rlim_max < 4096 ? rl.rlim_max : 4096;
		ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	}
	ck_assert_uint_ge(rl.rlim_cur, 2200);
	/* the daemon inherits the raised limit */
	start("max-connections 2000\nhandshake-timeout 600\n");
	for (i = 0; i < 500; i++)
		ck_assert_int_ge(tcp[i] = th_tcp_open(&dmn), 0);
	for (i = 0; i < 500; i++) {
		ck_assert_int_eq(th_raw_open(&raw[i], &dmn, NULL), 0);
		ck_assert_int_eq(th_raw_hello(&raw[i], 1, 1, "linux-x86_64",
		    1), 0);
	}
	stream(128, 256 * 1024);	/* 32 MiB each way */
	/* the drive is free for whoever asks next, not held by the idle */
	ck_assert_ptr_nonnull(c = th_connect(&dmn, NULL));
	ck_assert_int_eq(tc_open(c, "vtape0", O_RDONLY, 0), 0);
	ck_assert_int_eq(tc_close(c), 0);
	tc_disconnect(c);
	ck_assert_int_eq(log_count("refused:"), 0);
	for (i = 0; i < 500; i++)
		close(tcp[i]);
	for (i = 0; i < 500; i++)
		th_raw_close(&raw[i]);
	stop();
}
END_TEST

/* max-record: clients learn it, keep to it, and a peer that does not is
 * turned away before its frame is taken in. */
START_TEST(record_limit)
{
	struct tc_conn	*c;
	struct tc_drive	*dl;
	struct mtop	 rew = { MTREW, 1 };
	struct th_raw	 r;
	struct tc_hdr	 h;
	struct tc_error	 e;
	struct tc_goaway g;
	uint8_t		*big, *p, req[4 + 64];
	uint32_t	 maxrec;
	size_t		 n;
	const char	*err;

	start("max-record 64K\n");
	big = calloc(1, 70000);
	ck_assert_ptr_nonnull(c = th_connect(&dmn, NULL));
	ck_assert_int_eq(tc_drives(c, &dl, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(dl[0].max_record, 65536);
	free(dl);
	ck_assert_int_eq(tc_open(c, "vtape0", O_RDWR, 0), 0);
	ck_assert_int_eq(tc_limits(c, &maxrec, NULL, NULL), 0);
	ck_assert_uint_eq(maxrec, 65536);
	ck_assert_int_eq(tc_write(c, big, 65536), 65536);
	ck_assert_int_eq(tc_write(c, big, 65537), TC_ERR_DRIVE);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_str_eq(tc_errmsg(c), "a record of 65537 bytes is over the "
	    "server's 65536-byte limit");
	ck_assert_int_eq(tc_mtioctop(c, &rew), 0);
	ck_assert_int_eq(tc_read(c, big, 70000), 65536);
	ck_assert_int_eq(tc_close(c), 0);
	tc_disconnect(c);

	/* a raw peer: a READ asking too much, then a WRITE too big */
	ck_assert_int_eq(th_raw_open(&r, &dmn, NULL), 0);
	ck_assert_int_eq(th_raw_hello(&r, 1, 1, "linux-x86_64", 1), 0);
	put_be16(req, 6);
	memcpy(req + 2, "vtape0", 6);
	put_be32(req + 8, TC_OPEN_RDWR);
	ck_assert_int_eq(th_raw_frame(&r, 12, TC_T_OPEN, 0, 2, req, 12), 0);
	ck_assert_int_eq(th_raw_recv(&r, &h, &p), 0);
	ck_assert_int_eq(h.type, TC_T_OPEN | TC_T_REPLY);
	free(p);
	put_be32(req, 65537);
	ck_assert_int_eq(th_raw_frame(&r, 4, TC_T_READ, 0, 3, req, 4), 0);
	ck_assert_int_eq(th_raw_recv(&r, &h, &p), 0);
	ck_assert_int_eq(h.type, TC_T_ERROR);
	ck_assert_int_eq(proto_get_error(p, h.len, &e, &err), 0);
	ck_assert_int_eq(e.err, EINVAL);
	ck_assert_str_eq(e.msg, "read of 65537 bytes: the count must be 1 "
	    "to 65536");
	free(p);
	ck_assert_int_eq(th_raw_frame(&r, 70000, TC_T_WRITE, 0, 4, big, 12),
	    0);
	ck_assert_int_eq(th_raw_recv(&r, &h, &p), 0);
	ck_assert_int_eq(h.type, TC_T_GOAWAY);
	ck_assert_int_eq(proto_get_goaway(p, h.len, &g, &err), 0);
	ck_assert_uint_eq(g.code, TC_GOAWAY_PROTOCOL);
	ck_assert_str_eq(g.reason, "WRITE of 70000 bytes over this server's "
	    "max-record 65536");
	free(p);
	th_raw_close(&r);
	free(big);
	stream(2, 65536);
	stop();
}
END_TEST

static Suite *
limits_suite(void)
{
	Suite	*s = suite_create("limits");
	TCase	*tc = tcase_create("limits");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, connection_cap);
	tcase_add_test(tc, timeouts);
	tcase_add_test(tc, accept_backoff);
	tcase_add_test(tc, thousand_idle);
	tcase_add_test(tc, record_limit);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(limits_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
