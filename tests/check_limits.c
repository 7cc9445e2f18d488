/*
 * check_limits.c -- tclientd's limits against many and idle peers: the
 * connection cap (refused, with a log line), the handshake, greeting and
 * idle timeouts, the accept back-off when out of descriptors, and 1000
 * idle or half-open connections beside one client streaming a tape, which
 * they can neither stop nor keep from its drive.  The per-session memory
 * bound against a client that pipelines far more than a stalled drive takes.
 */
#include <sys/mtio.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <openssl/ssl.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static struct daemon	 dmn;
static char		*home;

/* limits, then vtape0 with more0 in its block, then more. */
static void
start_with(const char *limits, const char *more0, const char *more)
{
	char	*conf, drives[2048];

	signal(SIGPIPE, SIG_IGN);
	home = th_tmpdir();
	snprintf(drives, sizeof(drives), "%sdrive vtape0 {\n\tbackend vtape\n"
	    "\tpath vtape0.tap\n%s\tallow local-client read-write\n}\n%s",
	    limits, more0, more);
	ck_assert_ptr_nonnull(conf = th_conf(home, drives));
	ck_assert_int_eq(th_daemon_start(&dmn, home, conf), 0);
	free(conf);
}

static void
start(const char *limits)
{
	start_with(limits, "", "");
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

/* Open drive, write n records of len bytes, read them back. */
static void
stream_on(const char *drive, int n, size_t len)
{
	struct tc_conn	*c;
	struct mtop	 rew = { MTREW, 1 };
	uint8_t		*w = malloc(len), *r = malloc(len);
	int		 i;

	ck_assert_ptr_nonnull(c = th_connect(&dmn, NULL));
	ck_assert_int_eq(tc_open(c, drive, O_RDWR, 0), 0);
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

static void
stream(int n, size_t len)
{
	stream_on("vtape0", n, len);
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

/*
 * session-memory: a client pipelines 64 MiB of WRITEs at a drive that has
 * stopped (hold-write), reading no reply.  The daemon takes about the bound
 * and then reads no further: its memory stays small, the client's sends
 * block (TCP back-pressure, no error), another client keeps using another
 * drive, and once the drive moves every record is answered in order and is
 * on the tape.
 */
#define MEM_BOUND_KIB	(8 * 1024)	/* what the daemon may grow by: 8
					   times session-memory 1M */
#define PIPE_REC	(256 * 1024)
#define PIPE_N		256		/* 64 MiB */
#define PIPE_ID0	10

/* A line of the daemon's /proc/PID/status ("VmRSS:"), in KiB. */
static long
vm_kib(const char *key)
{
	char	 path[64], line[256];
	FILE	*fp;
	long	 v = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)dmn.pid);
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, key, strlen(key)) == 0)
			v = strtol(line + strlen(key), NULL, 10);
	fclose(fp);
	return v;
}

static void
pipe_frame(uint8_t *f, unsigned i, uint16_t flags)
{
	struct tc_hdr	h = { PIPE_REC, TC_T_WRITE, flags, PIPE_ID0 + i };

	proto_hdr_put(f, &h);
	record(f + TC_HDR_LEN, PIPE_REC, i);
}

/* The next frame must be the reply of type to request id; its payload. */
static uint8_t *
expect_reply(struct th_raw *r, uint16_t type, uint32_t id, uint16_t *flags)
{
	struct tc_hdr	 h;
	struct tc_error	 e;
	uint8_t		*p;
	const char	*err;

	ck_assert_int_eq(th_raw_recv(r, &h, &p), 0);
	if (h.type == TC_T_ERROR && proto_get_error(p, h.len, &e, &err) == 0)
		ck_abort_msg("request %u: ERROR %s: %s", h.id, e.name, e.msg);
	ck_assert_uint_eq(h.type, type | TC_T_REPLY);
	ck_assert_uint_eq(h.id, id);
	if (flags != NULL)
		*flags = h.flags;
	return p;
}

START_TEST(session_memory)
{
	const size_t	 flen = TC_HDR_LEN + PIPE_REC;
	const uint64_t	 total = (uint64_t)PIPE_N * flen;
	struct th_raw	 r;
	struct tc_hello	 hello;
	struct tcbuf	 b;
	struct tc_conn	*c;
	struct mtop	 rew = { MTREW, 1 };
	struct pollfd	 pfd;
	uint8_t		*f = malloc(flen), *back = malloc(PIPE_REC + 1), *p;
	uint8_t		 req[16];
	char		 hold[PATH_MAX + 8], asan[512];
	const char	*err;
	char		*old;
	uint64_t	 sent = 0;
	long		 rss0, rss, peak = 0, hwm;
	unsigned	 i, k;
	size_t		 off = 0;
	uint32_t	 count;
	uint16_t	 fl;
	int		 n, sndbuf = 1 << 20, sockfl;

	/* ASan's quarantine keeps freed records resident: keep it small */
	if ((old = getenv("ASAN_OPTIONS")) != NULL)
		old = strdup(old);
	snprintf(asan, sizeof(asan), "%s%squarantine_size_mb=1",
	    old ? old : "", old && *old ? ":" : "");
	setenv("ASAN_OPTIONS", asan, 1);
	start_with("session-memory 1M\n", "\thold-write hold\n",
	    "drive vtape1 {\n\tbackend vtape\n\tpath vtape1.tap\n"
	    "\tallow local-client read-write\n}\n");
	snprintf(hold, sizeof(hold), "%s/hold", home);

	/* HELLO with write-behind, OPEN, and one ordinary WRITE */
	ck_assert_int_eq(th_raw_open(&r, &dmn, NULL), 0);
	memset(&hello, 0, sizeof(hello));
	hello.vmin = hello.vmax = 1;
	hello.features = TC_FEAT_PIPELINE;
	tc_strlcpy(hello.platform, "linux-x86_64", sizeof(hello.platform));
	tc_strlcpy(hello.software, "tclient tests", sizeof(hello.software));
	tcbuf_init(&b);
	proto_put_hello(&b, 1, &hello, 0);
	ck_assert_int_eq(th_raw_send(&r, b.data, b.len), 0);
	tcbuf_free(&b);
	free(expect_reply(&r, TC_T_HELLO, 1, NULL));
	put_be16(req, 6);
	memcpy(req + 2, "vtape0", 6);
	put_be32(req + 8, TC_OPEN_RDWR);
	ck_assert_int_eq(th_raw_frame(&r, 12, TC_T_OPEN, 0, 2, req, 12), 0);
	free(expect_reply(&r, TC_T_OPEN, 2, NULL));
	pipe_frame(f, 0, 0);
	ck_assert_int_eq(th_raw_send(&r, f, flen), 0);
	p = expect_reply(&r, TC_T_WRITE, PIPE_ID0, NULL);
	ck_assert_int_eq(proto_get_u32msg(p, 4, &count, &err), 0);
	ck_assert_uint_eq(count, PIPE_REC);
	free(p);
	rss0 = vm_kib("VmRSS:");
	ck_assert_int_gt(rss0, 0);

	/* the drive stops; the client sends the rest without waiting */
	th_write_file(hold, "");
	ck_assert_int_eq(setsockopt(r.fd, SOL_SOCKET, SO_SNDBUF, &sndbuf,
	    sizeof(sndbuf)), 0);
	sockfl = fcntl(r.fd, F_GETFL);
	ck_assert_int_eq(fcntl(r.fd, F_SETFL, sockfl | O_NONBLOCK), 0);
	SSL_set_mode(r.ssl, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	i = 1;
	pipe_frame(f, i, TC_F_BEHIND);
	for (;;) {
		if ((n = SSL_write(r.ssl, f + off, (int)(flen - off))) > 0) {
			sent += (size_t)n;
			if ((off += (size_t)n) < flen)
				continue;
			off = 0;
			if (++i == PIPE_N)
				break;
			pipe_frame(f, i, TC_F_BEHIND);
			continue;
		}
		ck_assert_int_eq(SSL_get_error(r.ssl, n), SSL_ERROR_WANT_WRITE);
		if ((rss = vm_kib("VmRSS:")) > peak)
			peak = rss;
		pfd.fd = r.fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, 2000) == 0)
			break;		/* no room for 2 s: the daemon stopped */
	}
	sleep(1);
	hwm = vm_kib("VmHWM:");
	fprintf(stderr, "session_memory: the daemon took %llu of %llu bytes "
	    "(%u of %u records) before the sends blocked; VmRSS %ld KiB "
	    "before, at most %ld KiB sampled, VmHWM %ld KiB\n",
	    (unsigned long long)sent + flen, (unsigned long long)total + flen,
	    i, PIPE_N, rss0, peak, hwm);
	/* (b) back-pressure: the sends block long before the end */
	ck_assert_uint_lt(sent, total / 2);
	pfd.events = POLLOUT | POLLIN;
	ck_assert_int_eq(poll(&pfd, 1, 0), 0);	/* no room; no reply, no GOAWAY */
	/* (a) the daemon holds about the bound, not the 64 MiB sent */
	ck_assert_int_lt(hwm - rss0, MEM_BOUND_KIB);
	ck_assert(th_log_has(&dmn, "vtape0.tap: writes held while "));

	/* meanwhile another client has its drive */
	stream_on("vtape1", 16, PIPE_REC);
	ck_assert_int_eq(poll(&pfd, 1, 0), 0);

	/* the drive moves: everything goes through, in order */
	ck_assert_int_eq(unlink(hold), 0);
	ck_assert_int_eq(fcntl(r.fd, F_SETFL, sockfl), 0);
	while (i < PIPE_N) {
		ck_assert_int_gt(n = SSL_write(r.ssl, f + off,
		    (int)(flen - off)), 0);
		if ((rss = vm_kib("VmRSS:")) > peak)
			peak = rss;
		if ((off += (size_t)n) < flen)
			continue;
		off = 0;
		if (++i < PIPE_N)
			pipe_frame(f, i, TC_F_BEHIND);
	}
	for (k = 1; k < PIPE_N; k++) {
		p = expect_reply(&r, TC_T_WRITE, PIPE_ID0 + k, &fl);
		ck_assert_uint_eq(fl, 0);	/* neither SKIPPED nor EW */
		ck_assert_int_eq(proto_get_u32msg(p, 4, &count, &err), 0);
		ck_assert_uint_eq(count, PIPE_REC);
		free(p);
	}
	ck_assert_int_eq(th_raw_frame(&r, 0, TC_T_CLOSE, 0, 3, NULL, 0), 0);
	free(expect_reply(&r, TC_T_CLOSE, 3, NULL));
	th_raw_close(&r);
	hwm = vm_kib("VmHWM:");
	fprintf(stderr, "session_memory: VmHWM %ld KiB at the end (another "
	    "client streamed 4 MiB meanwhile)\n", hwm);
	ck_assert_int_lt(hwm - rss0, MEM_BOUND_KIB);
	ck_assert_int_eq(log_count("ending session"), 0);

	/* (c) all of it on the tape, then the filemark of the close */
	ck_assert_ptr_nonnull(c = th_connect(&dmn, NULL));
	ck_assert_int_eq(tc_open(c, "vtape0", O_RDONLY, 0), 0);
	ck_assert_int_eq(tc_mtioctop(c, &rew), 0);
	for (k = 0; k < PIPE_N; k++) {
		record(f, PIPE_REC, k);
		ck_assert_int_eq(tc_read(c, back, PIPE_REC + 1), PIPE_REC);
		ck_assert_mem_eq(back, f, PIPE_REC);
	}
	ck_assert_int_eq(tc_read(c, back, PIPE_REC + 1), 0);
	ck_assert_int_eq(tc_close(c), 0);
	tc_disconnect(c);
	free(f);
	free(back);
	stop();
	if (old != NULL)
		setenv("ASAN_OPTIONS", old, 1);
	else
		unsetenv("ASAN_OPTIONS");
	free(old);
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
	tcase_add_test(tc, session_memory);
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
