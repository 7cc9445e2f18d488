/*
 * check_stream.c -- the pipeline is invisible: writes done behind report
 * their errors at the next call with exactly the acknowledged records on
 * tape; reads done ahead never cross a filemark or end of data as far as
 * the client can tell; a client that vanishes with records in flight gets
 * them all written, then a filemark.  And a random mix of operations gives
 * the same answers, byte for byte, with and without the pipeline.
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

#define DRIVE(name, extra)	"drive " name " {\n backend vtape\n path " \
	name ".tap\n" extra " allow local-client read-write\n}\n"

static struct daemon	 dmn;
static char		*home;

static void
setup(void)
{
	char	*conf;

	home = th_tmpdir();
	conf = th_conf(home,
	    DRIVE("tiny", " capacity 256K\n early-warning 64K\n")
	    DRIVE("flaky", " fail-write 20\n")
	    DRIVE("t1", "") DRIVE("t2", ""));
	ck_assert_ptr_nonnull(conf);
	ck_assert_int_eq(th_daemon_start(&dmn, home, conf), 0);
	free(conf);
}

static void
teardown(void)
{
	ck_assert_int_eq(th_daemon_stop(&dmn), 0);
	th_rmrf(home);
	free(home);
}

/* Records seeded 0..n-1 of size len, then a filemark, from BOT. */
static void
tape_holds(struct tc_conn *c, int n, size_t len)
{
	uint8_t	want[65536], got[65536 + 1];
	int	i;

	ck_assert_int_eq(tc_op(c, TC_STREW, 1, NULL), 0);
	for (i = 0; i < n; i++) {
		th_fill(want, len, (unsigned)i);
		ck_assert_int_eq(tc_read(c, got, sizeof(got)), (ssize_t)len);
		ck_assert_mem_eq(got, want, len);
	}
	ck_assert_int_eq(tc_read(c, got, sizeof(got)), 0);
}

/* Write records until one fails; how many the caller was told went. */
static int
write_until_error(struct tc_conn *c, size_t len, int max, int *err)
{
	uint8_t	buf[65536];
	int	i;

	for (i = 0; i < max; i++) {
		th_fill(buf, len, (unsigned)i);
		if (tc_write(c, buf, len) != (ssize_t)len) {
			*err = errno;
			return i;
		}
	}
	*err = 0;
	return i;
}

START_TEST(deferred_enospc)
{
	struct tc_conn	*c;
	int		 ok, lockstep, err;

	/* lock-step: the record entering early warning is the 48th */
	ck_assert_ptr_nonnull(c = th_connect_window(&dmn, -1));
	ck_assert_int_eq(tc_open(c, "tiny", O_RDWR, 1), 0);
	lockstep = write_until_error(c, 4096, 200, &err);
	ck_assert_int_eq(err, ENOSPC);
	ck_assert_int_eq(lockstep, 48);
	ck_assert_int_eq(tc_close(c), 0);
	tc_disconnect(c);

	/* behind: later perhaps, but every acknowledged record is there */
	/* (the window is smaller than the early-warning zone, as it must be) */
	ck_assert_ptr_nonnull(c = th_connect_window(&dmn, 32768));
	ck_assert_int_eq(tc_open(c, "tiny", O_RDWR, 0), 0);
	ok = write_until_error(c, 4096, 200, &err);
	ck_assert_int_eq(err, ENOSPC);
	ck_assert_int_ge(ok, lockstep);
	ck_assert_int_le(ok, lockstep + 8);
	/* st: the write after an ENOSPC is tried, and goes */
	{
		uint8_t	buf[4096];

		th_fill(buf, sizeof(buf), (unsigned)ok);
		ck_assert_int_eq(tc_write(c, buf, sizeof(buf)), 4096);
	}
	ck_assert_int_eq(tc_op(c, TC_STWEOF, 1, NULL), 0);
	tape_holds(c, ok + 1, 4096);
	tc_disconnect(c);
}
END_TEST

START_TEST(deferred_eio)
{
	struct tc_conn	*c;
	int		 ok, err;

	/* the 20th write to reach the medium fails */
	ck_assert_ptr_nonnull(c = th_connect_window(&dmn, 32768));
	ck_assert_int_eq(tc_open(c, "flaky", O_WRONLY, 0), 0);
	ok = write_until_error(c, 4096, 200, &err);
	ck_assert_int_eq(err, EIO);
	ck_assert_int_ge(ok, 19);	/* reported later: buffered */
	ck_assert_int_le(ok, 19 + 8 + 1);
	ck_assert_ptr_nonnull(strstr(tc_errmsg(c), "an earlier write failed"));
	ck_assert_int_eq(tc_close(c), 0);
	ck_assert_int_eq(tc_open(c, "flaky", O_RDONLY, 0), 0);
	tape_holds(c, 19, 4096);	/* what went before the failure */
	tc_disconnect(c);
}
END_TEST

/* The error of a write done behind is close's error if nothing else came. */
START_TEST(deferred_error_at_close)
{
	struct tc_conn	*c;
	uint8_t		 buf[4096];
	int		 i;

	ck_assert_ptr_nonnull(c = th_connect_window(&dmn, 1 << 20));
	ck_assert_int_eq(tc_open(c, "flaky", O_WRONLY, 0), 0);
	/* the 20th fails on the drive after its call has returned */
	for (i = 0; i < 20; i++) {
		th_fill(buf, sizeof(buf), (unsigned)i);
		ck_assert_int_eq(tc_write(c, buf, sizeof(buf)), 4096);
	}
	ck_assert_int_eq(tc_close(c), TC_ERR_DRIVE);
	ck_assert_int_eq(errno, EIO);
	tc_disconnect(c);
}
END_TEST

static void
file_of(struct tc_conn *c, int n, size_t len, unsigned seed)
{
	uint8_t	buf[65536];
	int	i;

	for (i = 0; i < n; i++) {
		th_fill(buf, len, seed + (unsigned)i);
		ck_assert_int_eq(tc_write(c, buf, len), (ssize_t)len);
	}
	ck_assert_int_eq(tc_op(c, TC_STWEOF, 1, NULL), 0);
}

static void
status_is(struct tc_conn *c, int64_t fileno, int64_t blkno)
{
	struct tc_status st;

	ck_assert_int_eq(tc_status(c, &st), 0);
	ck_assert_int_eq(st.fileno, fileno);
	ck_assert_int_eq(st.blkno, blkno);
}

START_TEST(readahead_is_invisible)
{
	struct tc_conn	*c;
	uint8_t		 got[2000], want[2000];
	uint64_t	 pos;

	ck_assert_ptr_nonnull(c = th_connect_window(&dmn, 1 << 20));
	ck_assert_int_eq(tc_open(c, "t1", O_RDWR, 0), 0);
	file_of(c, 5, 1000, 0);
	file_of(c, 3, 1000, 10);
	ck_assert_int_eq(tc_op(c, TC_STREW, 1, NULL), 0);

	/* two records taken; the drive read the rest of the file ahead */
	ck_assert_int_eq(tc_read(c, got, sizeof(got)), 1000);
	ck_assert_int_eq(tc_read(c, got, sizeof(got)), 1000);
	status_is(c, 0, 2);
	ck_assert_int_eq(tc_position(c, &pos), 0);
	ck_assert_uint_eq(pos, 2);

	/* the rest of the file, the mark once, then the next file */
	ck_assert_int_eq(tc_read(c, got, sizeof(got)), 1000);
	ck_assert_int_eq(tc_read(c, got, sizeof(got)), 1000);
	ck_assert_int_eq(tc_read(c, got, sizeof(got)), 1000);
	ck_assert_int_eq(tc_read(c, got, sizeof(got)), 0);
	status_is(c, 1, 0);
	th_fill(want, 1000, 10);
	ck_assert_int_eq(tc_read(c, got, sizeof(got)), 1000);
	ck_assert_mem_eq(got, want, 1000);

	/* spacing after a read starts from the record taken, not ahead */
	ck_assert_int_eq(tc_op(c, TC_STREW, 1, NULL), 0);
	ck_assert_int_eq(tc_read(c, got, sizeof(got)), 1000);
	ck_assert_int_eq(tc_op(c, TC_STFSF, 1, NULL), 0);
	status_is(c, 1, 0);
	ck_assert_int_eq(tc_read(c, got, sizeof(got)), 1000);
	ck_assert_mem_eq(got, want, 1000);

	/* a write after reads lands where the reader was */
	ck_assert_int_eq(tc_op(c, TC_STREW, 1, NULL), 0);
	ck_assert_int_eq(tc_read(c, got, sizeof(got)), 1000);
	th_fill(want, 1000, 99);
	ck_assert_int_eq(tc_write(c, want, 1000), 1000);
	ck_assert_int_eq(tc_close(c), 0);
	ck_assert_int_eq(tc_open(c, "t1", O_RDONLY, 0), 0);
	ck_assert_int_eq(tc_op(c, TC_STSEOD, 1, NULL), 0);
	ck_assert_int_eq(tc_position(c, &pos), 0);
	ck_assert_uint_eq(pos, 3);	/* record, new record, filemark */
	tc_disconnect(c);
}
END_TEST

/* A smaller buffer is judged against the record, not a read done ahead. */
START_TEST(readahead_buffer_change)
{
	struct tc_conn	*c;
	uint8_t		 got[2000];

	ck_assert_ptr_nonnull(c = th_connect_window(&dmn, 1 << 20));
	ck_assert_int_eq(tc_open(c, "t1", O_RDWR, 0), 0);
	th_fill(got, 500, 0);
	ck_assert_int_eq(tc_write(c, got, 500), 500);
	th_fill(got, 300, 1);
	ck_assert_int_eq(tc_write(c, got, 300), 300);
	ck_assert_int_eq(tc_op(c, TC_STWEOF, 1, NULL), 0);
	ck_assert_int_eq(tc_op(c, TC_STREW, 1, NULL), 0);
	ck_assert_int_eq(tc_read(c, got, 1000), 500);
	ck_assert_int_eq(tc_read(c, got, 100), TC_ERR_DRIVE);
	ck_assert_int_eq(errno, ENOMEM);
	status_is(c, 0, 2);		/* consumed, as st does */
	ck_assert_int_eq(tc_read(c, got, 100), 0);
	status_is(c, 1, 0);
	tc_disconnect(c);
}
END_TEST

/* A writer that vanishes: every record it sent, then a filemark. */
START_TEST(vanished_writer)
{
	struct tc_conn	*c;
	int		 fds[2], n = 0, st, i;
	pid_t		 pid;

	ck_assert_int_eq(pipe(fds), 0);
	if ((pid = fork()) == 0) {
		struct tc_conn	*w = th_connect_window(&dmn, 4 << 20);
		uint8_t		 buf[65536];

		if (w == NULL || tc_open(w, "t2", O_WRONLY, 0) < 0)
			_exit(1);
		for (i = 0; i < 300; i++) {
			th_fill(buf, sizeof(buf), (unsigned)i);
			if (tc_write(w, buf, sizeof(buf)) != sizeof(buf))
				_exit(2);
		}
		if (write(fds[1], &i, sizeof(i)) != sizeof(i))
			_exit(3);
		/* let the bytes reach the server; then vanish, no close */
		usleep(300000);
		_exit(0);
	}
	close(fds[1]);
	ck_assert_int_eq(read(fds[0], &n, sizeof(n)), sizeof(n));
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_int_eq(WEXITSTATUS(st), 0);
	ck_assert_ptr_nonnull(c = th_connect_window(&dmn, 1 << 20));
	for (i = 0; i < 300; i++) {
		if (tc_open(c, "t2", O_RDONLY, 0) == 0 || errno != EBUSY)
			break;
		usleep(10000);
	}
	tape_holds(c, n, 65536);
	tc_disconnect(c);
}
END_TEST

/* One step of a random workload; its outcome as a string. */
static void
step(struct tc_conn *c, const char *drive, unsigned r, char *out,
    size_t outlen)
{
	static const size_t sizes[] = { 64, 1000, 70000 };
	uint8_t		 buf[70000];
	struct tc_status st;
	uint64_t	 pos;
	ssize_t		 n;
	int		 rc, k = (int)(r % 11);

	switch (k) {
	case 0: case 1: case 2:
		th_fill(buf, sizes[(r >> 4) % 3], r);
		n = tc_write(c, buf, sizes[(r >> 4) % 3]);
		snprintf(out, outlen, "write %zd %d", n, n < 0 ? errno : 0);
		return;
	case 3: case 4: case 5:
		memset(buf, 0, sizeof(buf));
		n = tc_read(c, buf, sizes[(r >> 4) % 3]);
		snprintf(out, outlen, "read %zd %d %02x%02x", n, n < 0 ? errno :
		    0, buf[0], buf[n > 0 ? n - 1 : 0]);
		return;
	case 6:
		rc = tc_op(c, (int[]){ TC_STFSF, TC_STRSF, TC_STFSR, TC_STRSR,
		    TC_STREW, TC_STSEOD, TC_STWEOF }[(r >> 4) % 7],
		    (int64_t)((r >> 8) % 3), NULL);
		break;
	case 7:
		rc = tc_status(c, &st);
		snprintf(out, outlen, "status %d %lld %lld %x", rc,
		    (long long)st.fileno, (long long)st.blkno, st.flags);
		return;
	case 8:
		rc = tc_position(c, &pos);
		snprintf(out, outlen, "tell %d %llu", rc,
		    (unsigned long long)pos);
		return;
	case 9:
		rc = tc_op(c, TC_X_SEEK, (int64_t)((r >> 4) % 12), NULL);
		break;
	default:
		rc = tc_close(c);
		if (tc_open(c, drive, O_RDWR, 0) < 0)
			rc = 99;
		break;
	}
	snprintf(out, outlen, "op%d %d %d", k, rc, rc < 0 ? errno : 0);
}

START_TEST(pipeline_changes_nothing)
{
	struct tc_conn	*a, *b;
	char		 oa[200], ob[200];
	unsigned	 seed = 7 + (unsigned)_i * 1000, r;
	int		 i;

	ck_assert_ptr_nonnull(a = th_connect_window(&dmn, -1));
	ck_assert_ptr_nonnull(b = th_connect_window(&dmn, 1 << 20));
	ck_assert_int_eq(tc_open(a, "t1", O_RDWR, 0), 0);
	ck_assert_int_eq(tc_open(b, "t2", O_RDWR, 0), 0);
	for (i = 0; i < 400; i++) {
		seed = seed * 1103515245 + 12345;
		r = seed >> 8;
		step(a, "t1", r, oa, sizeof(oa));
		step(b, "t2", r, ob, sizeof(ob));
		ck_assert_msg(strcmp(oa, ob) == 0, "step %d: lock-step \"%s\", "
		    "pipelined \"%s\"", i, oa, ob);
	}
	tc_disconnect(a);
	tc_disconnect(b);
}
END_TEST

static Suite *
stream_suite(void)
{
	Suite	*s = suite_create("stream");
	TCase	*tc = tcase_create("pipeline");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, deferred_enospc);
	tcase_add_test(tc, deferred_eio);
	tcase_add_test(tc, deferred_error_at_close);
	tcase_add_test(tc, readahead_is_invisible);
	tcase_add_test(tc, readahead_buffer_change);
	tcase_add_test(tc, vanished_writer);
	tcase_add_loop_test(tc, pipeline_changes_nothing, 0, 4);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(stream_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
