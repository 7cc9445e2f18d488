/*
 * check_e2e.c -- the drive through the network: a real tclientd on port 0
 * (embedded default: TLS with its own CA, vtape0 and null0), driven with
 * libtclient.  Every Linux st semantic of the vtape is asserted as a client
 * sees it: bytes, record sizes, return values, errno, positions, flags.
 */
#include <sys/mtio.h>

#include <sys/wait.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static struct daemon	 dmn;
static char		*home;
static struct tc_conn	*c;

static void
setup(void)
{
	home = th_tmpdir();
	ck_assert_int_eq(th_daemon_start(&dmn, home, NULL), 0);
	ck_assert_ptr_nonnull(c = th_connect(&dmn, NULL));
}

static void
teardown(void)
{
	tc_disconnect(c);
	c = NULL;
	ck_assert_int_eq(th_daemon_stop(&dmn), 0);
	th_rmrf(home);
	free(home);
}

static void
put(size_t len, unsigned seed)
{
	uint8_t	*p = malloc(len);

	th_fill(p, len, seed);
	ck_assert_int_eq(tc_write(c, p, len), (ssize_t)len);
	free(p);
}

static void
get(size_t len, unsigned seed)
{
	uint8_t	*want = malloc(len), *got = malloc(len + 4096);
	ssize_t	 n;

	th_fill(want, len, seed);
	n = tc_read(c, got, len + 4096);
	ck_assert_int_eq(n, (ssize_t)len);
	ck_assert_mem_eq(got, want, len);
	free(want);
	free(got);
}

static void
op(int local, int count)
{
	struct mtop	m = { (short)local, count };

	ck_assert_int_eq(tc_mtioctop(c, &m), 0);
}

/* The op fails with TC_ERR_DRIVE and errno e. */
static void
op_fails(int local, int count, int e)
{
	struct mtop	m = { (short)local, count };

	ck_assert_int_eq(tc_mtioctop(c, &m), TC_ERR_DRIVE);
	ck_assert_int_eq(errno, e);
}

static void
read_zero(void)
{
	uint8_t	buf[64];

	ck_assert_int_eq(tc_read(c, buf, sizeof(buf)), 0);
}

static void
read_fails(size_t len, int e)
{
	uint8_t	*buf = malloc(len);

	ck_assert_int_eq(tc_read(c, buf, len), TC_ERR_DRIVE);
	ck_assert_int_eq(errno, e);
	free(buf);
}

static void
at(int fileno, int blkno)
{
	struct mtget	mt;

	ck_assert_int_eq(tc_mtiocget(c, &mt), 0);
	ck_assert_int_eq(mt.mt_fileno, fileno);
	ck_assert_int_eq(mt.mt_blkno, blkno);
}

static long
gstat(void)
{
	struct mtget	mt;

	ck_assert_int_eq(tc_mtiocget(c, &mt), 0);
	return mt.mt_gstat;
}

static long
tell(void)
{
	struct mtpos	mp;

	ck_assert_int_eq(tc_mtiocpos(c, &mp), 0);
	return mp.mt_blkno;
}

START_TEST(record_sizes_kept)
{
	static const size_t sizes[] = { 1, 512, 10240, 65536, 262144,
	    1048576 };
	size_t	i;

	ck_assert_int_eq(tc_open(c, "vtape0", O_RDWR, 0), 0);
	for (i = 0; i < 6; i++)
		put(sizes[i], (unsigned)i);
	op(MTWEOF, 1);
	op(MTREW, 1);
	for (i = 0; i < 6; i++)
		get(sizes[i], (unsigned)i);
	read_zero();
	at(1, 0);
}
END_TEST

START_TEST(filemarks_and_eod)
{
	ck_assert_int_eq(tc_open(c, "vtape0", O_RDWR, 0), 0);
	put(100, 1);
	op(MTWEOF, 1);
	put(200, 2);
	op(MTWEOF, 1);
	op(MTREW, 1);
	get(100, 1);
	read_zero();			/* the filemark, once */
	at(1, 0);
	ck_assert(GMT_EOF(gstat()));
	get(200, 2);			/* then the next file */
	read_zero();
	read_zero();			/* end of data: 0 once after a mark */
	read_fails(1024, EIO);		/* then EIO */
	read_fails(1024, EIO);
}
END_TEST

START_TEST(eod_then_read_is_eio)
{
	ck_assert_int_eq(tc_open(c, "vtape0", O_RDWR, 0), 0);
	put(100, 1);
	op(MTWEOF, 1);
	op(MTREW, 1);
	op(MTEOM, 1);
	at(1, -1);
	ck_assert(GMT_EOD(gstat()));
	read_fails(1024, EIO);		/* no filemark just before: EIO */
}
END_TEST

START_TEST(short_buffer_enomem)
{
	ck_assert_int_eq(tc_open(c, "vtape0", O_RDWR, 0), 0);
	put(1000, 1);
	put(300, 2);
	op(MTREW, 1);
	read_fails(999, ENOMEM);	/* the record is consumed */
	at(0, 1);
	get(300, 2);
}
END_TEST

/* Tape: file 0 = 3 records, file 1 = 2, file 2 = 1, each with a mark. */
static void
three_files(void)
{
	ck_assert_int_eq(tc_open(c, "vtape0", O_RDWR, 0), 0);
	put(10, 0); put(11, 1); put(12, 2);
	op(MTWEOF, 1);
	put(20, 3); put(21, 4);
	op(MTWEOF, 1);
	put(30, 5);
	op(MTWEOF, 1);
	op(MTREW, 1);
}

START_TEST(spacing_positions)
{
	three_files();
	at(0, 0);
	ck_assert(GMT_BOT(gstat()));
	op(MTFSF, 1);
	at(1, 0);
	op(MTFSR, 1);
	at(1, 1);
	get(21, 4);
	op(MTBSR, 2);
	at(1, 0);
	get(20, 3);
	op(MTBSF, 1);			/* before file 1's... file 0's mark */
	at(0, -1);
	read_zero();			/* the mark just in front */
	at(1, 0);
	op(MTFSF, 1);
	at(2, 0);
	get(30, 5);
	op(MTBSF, 2);
	at(0, -1);
	op(MTEOM, 1);
	at(3, -1);
	ck_assert_int_eq(tell(), 9);	/* 6 records + 3 marks */
	op(MTREW, 1);
	at(0, 0);
	ck_assert_int_eq(tell(), 0);
}
END_TEST

START_TEST(spacing_errors)
{
	three_files();
	op_fails(MTBSR, 1, EIO);	/* at BOT */
	at(0, 0);
	op_fails(MTFSR, 5, EIO);	/* stops after file 0's mark */
	at(1, 0);
	get(20, 3);
	op_fails(MTBSR, 3, EIO);	/* crosses back over that mark */
	at(0, -1);
	op_fails(MTFSF, 5, EIO);	/* end of data after 3 marks */
	at(3, -1);
	op(MTREW, 1);
	op_fails(MTBSF, 1, EIO);	/* BOT */
	at(0, 0);
}
END_TEST

START_TEST(seek_and_tell)
{
	three_files();
	op(MTFSF, 1);
	ck_assert_int_eq(tell(), 4);
	op(MTSEEK, 5);
	at(-1, -1);
	get(21, 4);
	ck_assert_int_eq(tell(), 6);
	op(MTSEEK, 0);
	at(0, 0);
	get(10, 0);
	op_fails(MTSEEK, 100, EIO);
	op_fails(MTTELL, 1, ENOSYS);	/* as st: positions via MTIOCPOS */
}
END_TEST

START_TEST(write_mid_tape_is_new_eod)
{
	three_files();
	op(MTFSR, 1);
	put(99, 9);
	op(MTWEOF, 1);
	op(MTREW, 1);
	get(10, 0);
	get(99, 9);
	read_zero();
	read_zero();
	read_fails(100, EIO);
	op(MTEOM, 1);
	ck_assert_int_eq(tell(), 3);
}
END_TEST

START_TEST(close_writes_one_filemark)
{
	ck_assert_int_eq(tc_open(c, "vtape0", O_WRONLY, 0), 0);
	put(500, 1);
	ck_assert_int_eq(tc_close(c), 0);
	ck_assert_int_eq(tc_open(c, "vtape0", O_RDONLY, 0), 0);
	at(1, 0);			/* no rewind: after the new mark */
	ck_assert_int_eq(tell(), 2);
	op(MTREW, 1);
	get(500, 1);
	read_zero();
	read_zero();
	read_fails(100, EIO);
}
END_TEST

START_TEST(no_filemark_after_weof_or_motion)
{
	ck_assert_int_eq(tc_open(c, "vtape0", O_RDWR, 0), 0);
	put(500, 1);
	op(MTWEOF, 1);
	ck_assert_int_eq(tc_close(c), 0);
	ck_assert_int_eq(tc_open(c, "vtape0", O_RDWR, 0), 0);
	ck_assert_int_eq(tell(), 2);
	put(600, 2);
	op(MTBSR, 1);			/* motion after writing: no mark */
	ck_assert_int_eq(tc_close(c), 0);
	ck_assert_int_eq(tc_open(c, "vtape0", O_RDONLY, 0), 0);
	op(MTEOM, 1);
	ck_assert_int_eq(tell(), 3);
}
END_TEST

START_TEST(rewinding_node)
{
	ck_assert_int_eq(tc_open(c, "vtape0", O_WRONLY, 1), 0);
	put(500, 1);
	ck_assert_int_eq(tc_close(c), 0);
	ck_assert_int_eq(tc_open(c, "vtape0", O_RDONLY, 0), 0);
	at(0, 0);
	get(500, 1);
	read_zero();
}
END_TEST

START_TEST(fixed_block_mode)
{
	ck_assert_int_eq(tc_open(c, "vtape0", O_RDWR, 0), 0);
	op(MTSETBLK, 512);
	put(10240, 1);
	at(0, 20);
	ck_assert_int_eq(tell(), 20);
	ck_assert_int_eq(tc_write(c, "x", 1), TC_ERR_DRIVE);
	ck_assert_int_eq(errno, EINVAL);
	op(MTWEOF, 1);
	op(MTSETBLK, 0);
	op(MTREW, 1);
	{
		uint8_t	want[10240], got[4096];
		int	i;

		th_fill(want, sizeof(want), 1);
		for (i = 0; i < 20; i++) {
			ck_assert_int_eq(tc_read(c, got, sizeof(got)), 512);
			ck_assert_mem_eq(got, want + 512 * i, 512);
		}
	}
	read_zero();
}
END_TEST

START_TEST(block_size_reported)
{
	struct mtget	mt;

	ck_assert_int_eq(tc_open(c, "vtape0", O_RDONLY | O_NONBLOCK, 0), 0);
	op(MTSETBLK, 1024);
	ck_assert_int_eq(tc_mtiocget(c, &mt), 0);
	ck_assert_int_eq(mt.mt_dsreg & MT_ST_BLKSIZE_MASK, 1024);
	ck_assert_int_eq(mt.mt_type, MT_ISSCSI2);
	ck_assert(GMT_ONLINE(mt.mt_gstat));
	/* the drive keeps its mode for the next session */
	ck_assert_int_eq(tc_close(c), 0);
	ck_assert_int_eq(tc_open(c, "vtape0", O_RDONLY, 0), 0);
	ck_assert_int_eq(tc_mtiocget(c, &mt), 0);
	ck_assert_int_eq(mt.mt_dsreg & MT_ST_BLKSIZE_MASK, 1024);
	op(MTSETBLK, 0);
}
END_TEST

START_TEST(second_opener_ebusy)
{
	struct tc_conn	*c2;

	ck_assert_int_eq(tc_open(c, "vtape0", O_RDWR, 0), 0);
	ck_assert_ptr_nonnull(c2 = th_connect(&dmn, NULL));
	ck_assert_int_eq(tc_open(c2, "vtape0", O_RDONLY, 0), TC_ERR_DRIVE);
	ck_assert_int_eq(errno, EBUSY);
	/* the other drive is free, and the first one after its close */
	ck_assert_int_eq(tc_open(c2, "null0", O_RDONLY, 0), 0);
	ck_assert_int_eq(tc_close(c2), 0);
	ck_assert_int_eq(tc_close(c), 0);
	ck_assert_int_eq(tc_open(c2, "vtape0", O_RDONLY, 0), 0);
	tc_disconnect(c2);
}
END_TEST

START_TEST(unknown_drive)
{
	ck_assert_int_eq(tc_open(c, "vtape9", O_RDONLY, 0), TC_ERR_DRIVE);
	ck_assert_int_eq(errno, ENXIO);
	ck_assert_ptr_nonnull(strstr(tc_errmsg(c), "no drive named vtape9"));
	/* the session goes on */
	ck_assert_int_eq(tc_open(c, "vtape0", O_RDONLY, 0), 0);
}
END_TEST

/* A client that dies mid-write gets what close(2) gives a killed program. */
START_TEST(lost_client_gets_its_filemark)
{
	pid_t	 pid;
	int	 st, i, r = 0;

	if ((pid = fork()) == 0) {
		struct tc_conn	*c2 = th_connect(&dmn, NULL);
		uint8_t		 b[800];

		if (c2 == NULL || tc_open(c2, "vtape0", O_WRONLY, 0) < 0)
			_exit(1);
		th_fill(b, 700, 1);
		tc_write(c2, b, 700);
		th_fill(b, 800, 2);
		tc_write(c2, b, 800);
		_exit(0);		/* no close: the kernel drops the socket */
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_int_eq(WEXITSTATUS(st), 0);
	for (i = 0; i < 200; i++) {
		if ((r = tc_open(c, "vtape0", O_RDONLY, 0)) == 0 ||
		    errno != EBUSY)
			break;
		usleep(10000);
	}
	ck_assert_int_eq(r, 0);
	at(1, 0);
	op(MTREW, 1);
	get(700, 1);
	get(800, 2);
	read_zero();
	read_zero();
	read_fails(100, EIO);
	ck_assert(th_log_has(&dmn, "closing it for the lost session"));
}
END_TEST

START_TEST(drive_list)
{
	struct tc_drive	*d;
	size_t		 n;

	ck_assert_int_eq(tc_drives(c, &d, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(d[0].name, "vtape0");
	ck_assert_str_eq(d[0].backend, "vtape");
	ck_assert_int_eq(d[0].readonly, 0);
	ck_assert_str_eq(d[1].name, "null0");
	free(d);
	ck_assert_str_eq(tc_identity(c), "local-client");
	ck_assert_str_eq(tc_server_platform(c), "linux-x86_64");
}
END_TEST

/* A certificate from the same CA but not on the drives' allow lists. */
START_TEST(acl_denies_other_identity)
{
	struct tc_conn	*c2;
	struct tc_drive	*d;
	char		 cmd[2048], other[1100];
	size_t		 n;

	snprintf(other, sizeof(other), "%s.other", home);
	snprintf(cmd, sizeof(cmd), "TCLIENT_HOME=%s %s --issue-client "
	    "backup7 %s", home, th_bin("tclientd"), other);
	ck_assert_int_eq(th_run(cmd, NULL), 0);
	ck_assert_ptr_nonnull(c2 = th_connect(&dmn, other));
	ck_assert_str_eq(tc_identity(c2), "backup7");
	ck_assert_int_eq(tc_drives(c2, &d, &n), 0);
	ck_assert_uint_eq(n, 0);
	free(d);
	ck_assert_int_eq(tc_open(c2, "vtape0", O_RDONLY, 0), TC_ERR_DRIVE);
	ck_assert_int_eq(errno, EACCES);
	ck_assert_ptr_nonnull(strstr(tc_errmsg(c2), "may not use drive"));
	tc_disconnect(c2);
	ck_assert(th_log_has(&dmn, "backup7): denied drive vtape0"));
	th_rmrf(other);
}
END_TEST

/* Certificates from another CA: refused in both directions. */
START_TEST(foreign_certificate_refused)
{
	struct daemon	 d2;
	char		*h2 = th_tmpdir(), ca[1100], cert[1100], key[1100];
	struct tc_options o;
	struct tc_conn	*c2;
	char		 err[600];

	/* a second daemon makes a second, unrelated CA */
	ck_assert_int_eq(th_daemon_start(&d2, h2, NULL), 0);
	ck_assert_int_eq(th_daemon_stop(&d2), 0);
	memset(&o, 0, sizeof(o));
	o.server = dmn.server;

	/* the client does not trust the server */
	o.home = h2;
	ck_assert_int_eq(tc_connect(&o, &c2, err, sizeof(err)), TC_ERR_TLS);
	ck_assert_ptr_null(c2);
	ck_assert_ptr_nonnull(strstr(err, "server certificate"));

	/* the server does not trust the client */
	snprintf(ca, sizeof(ca), "%s/ca.pem", home);
	snprintf(cert, sizeof(cert), "%s/client.pem", h2);
	snprintf(key, sizeof(key), "%s/client.key", h2);
	o.home = NULL;
	o.ca = ca;
	o.cert = cert;
	o.key = key;
	ck_assert_int_eq(tc_connect(&o, &c2, err, sizeof(err)), TC_ERR_TLS);
	ck_assert_ptr_null(c2);
	ck_assert_ptr_nonnull(strstr(err, "refused this client's "
	    "certificate"));
	/* the daemon logs it after the client has heard of it */
	ck_assert(th_log_wait(&dmn, "unable to get local issuer certificate"));
	ck_assert(th_log_has(&dmn, "TLS handshake failed"));
	th_rmrf(h2);
	free(h2);
}
END_TEST

START_TEST(null_drive)
{
	uint8_t	buf[4096];
	int	i;

	ck_assert_int_eq(tc_open(c, "null0", O_RDWR, 0), 0);
	put(65536, 1);
	memset(buf, 0xff, sizeof(buf));
	ck_assert_int_eq(tc_read(c, buf, sizeof(buf)), 4096);
	for (i = 0; i < 4096; i++)
		ck_assert_int_eq(buf[i], 0);
}
END_TEST

static Suite *
e2e_suite(void)
{
	Suite	*s = suite_create("e2e");
	TCase	*tc = tcase_create("vtape over TLS");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, record_sizes_kept);
	tcase_add_test(tc, filemarks_and_eod);
	tcase_add_test(tc, eod_then_read_is_eio);
	tcase_add_test(tc, short_buffer_enomem);
	tcase_add_test(tc, spacing_positions);
	tcase_add_test(tc, spacing_errors);
	tcase_add_test(tc, seek_and_tell);
	tcase_add_test(tc, write_mid_tape_is_new_eod);
	tcase_add_test(tc, close_writes_one_filemark);
	tcase_add_test(tc, no_filemark_after_weof_or_motion);
	tcase_add_test(tc, rewinding_node);
	tcase_add_test(tc, fixed_block_mode);
	tcase_add_test(tc, block_size_reported);
	tcase_add_test(tc, second_opener_ebusy);
	tcase_add_test(tc, unknown_drive);
	tcase_add_test(tc, lost_client_gets_its_filemark);
	tcase_add_test(tc, drive_list);
	tcase_add_test(tc, acl_denies_other_identity);
	tcase_add_test(tc, foreign_certificate_refused);
	tcase_add_test(tc, null_drive);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(e2e_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
