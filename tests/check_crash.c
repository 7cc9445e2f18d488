/*
 * check_crash.c -- tclientd killed with SIGKILL in the middle of writing,
 * at many points.  After each kill the daemon starts again on the same
 * cartridge; some kills also leave a torn frame at the end of the file, as
 * a write cut short by a crash would.  At the end the whole tape is read
 * back: every record a client was told was written is there, in order and
 * intact, every filemark a WEOF reported is there, a torn tail is cut off
 * and logged, and nothing appears that no client wrote.  And clients
 * killed while they hold a drive: a writer on the rewinding node gets its
 * filemark and the rewind, a reader leaves the tape as it was.
 */
#include <sys/mtio.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define ROUNDS		20
#define PER_FILE	7	/* records between filemarks */
#define MAXREC		(8 * 1024)

static struct daemon	 dmn;
static char		*home, *conf, tape[1200];

/* A record names its round and number, and its bytes follow from them. */
static size_t
rec_len(unsigned round, unsigned seq)
{
	return 16 + (round * 7919u + seq * 104729u) % (MAXREC - 16);
}

static void
rec_fill(uint8_t *p, unsigned round, unsigned seq)
{
	size_t	i, len = rec_len(round, seq);

	memcpy(p, "TCKR", 4);
	put_be32(p + 4, round);
	put_be32(p + 8, seq);
	put_be32(p + 12, (uint32_t)len);
	for (i = 16; i < len; i++)
		p[i] = (uint8_t)(round * 31 + seq * 17 + i * 7 + (i >> 8));
}

/*
 * The writer: appends records at the end of data, lock-step, a filemark
 * every PER_FILE records, and reports on fd what it was told: "A seq" for
 * a record written, "F seq" for a filemark after record seq.
 */
static __dead void
writer(int fd, unsigned round)
{
	struct tc_conn	*c;
	struct mtop	 eom = { MTEOM, 1 }, weof = { MTWEOF, 1 };
	static uint8_t	 buf[MAXREC];
	unsigned	 seq;

	if ((c = th_connect_window(&dmn, -1)) == NULL ||
	    tc_open(c, "vtape0", O_RDWR, 0) != 0 ||
	    tc_mtioctop(c, &eom) != 0)
		_exit(1);
	for (seq = 0;; seq++) {
		rec_fill(buf, round, seq);
		if (tc_write(c, buf, rec_len(round, seq)) !=
		    (ssize_t)rec_len(round, seq))
			_exit(0);
		dprintf(fd, "A %u\n", seq);
		if (seq % PER_FILE == PER_FILE - 1) {
			if (tc_mtioctop(c, &weof) != 0)
				_exit(0);
			dprintf(fd, "F %u\n", seq);
		}
	}
}

/* What one round's writer was told: records acked, last synced record. */
struct round {
	int	 acked;		/* records 0..acked-1 were acknowledged */
	int	 fm_after[4096];	/* a filemark acknowledged after seq */
	int	 torn;		/* a torn frame was left after the kill */
};
static struct round	 rounds[ROUNDS];
static char		 seen_fm[ROUNDS][4096];
static uint8_t		 got_buf[MAXREC + 1];
static int		 nnatural;	/* kills that cut a write short */

static void
collect(int fd, struct round *r)
{
	FILE		*fp = fdopen(fd, "r");
	char		 kind;
	unsigned	 seq;

	ck_assert_ptr_nonnull(fp);
	while (fscanf(fp, " %c %u", &kind, &seq) == 2) {
		ck_assert_uint_lt(seq, 4096);
		if (kind == 'A') {
			ck_assert_int_eq((int)seq, r->acked);
			r->acked++;
		} else
			r->fm_after[seq] = 1;
	}
	fclose(fp);
}

static uint32_t
le32at(int fd, off_t off)
{
	uint8_t	b[4];

	ck_assert_int_eq(pread(fd, b, 4, off), 4);
	return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
}

/*
 * Whether the cartridge ends inside a frame (SIMH framing, as the writers
 * make it: records and filemarks only): the kill cut a write short.
 */
static int
ends_torn(void)
{
	off_t		 off = 0, size;
	uint32_t	 w;
	uint64_t	 frame;
	int		 fd, torn = 0;

	ck_assert_int_ge(fd = open(tape, O_RDONLY), 0);
	size = lseek(fd, 0, SEEK_END);
	while (off < size && !torn) {
		if (size - off < 4) {
			torn = 1;
			break;
		}
		if ((w = le32at(fd, off)) == 0) {
			off += 4;
			continue;
		}
		frame = 8 + (uint64_t)w + (w & 1);
		if ((uint64_t)(size - off) < frame ||
		    le32at(fd, off + (off_t)frame - 4) != w)
			torn = 1;
		else
			off += (off_t)frame;
	}
	close(fd);
	return torn;
}

/* A crash in the middle of writing the next record: half a frame. */
static void
tear(unsigned round)
{
	uint8_t	 hdr[4], junk[3000];
	uint32_t len = 5000 + round;
	int	 fd;

	hdr[0] = len & 0xff;
	hdr[1] = (len >> 8) & 0xff;
	hdr[2] = (len >> 16) & 0xff;
	hdr[3] = len >> 24;
	memset(junk, 0xee, sizeof(junk));
	ck_assert_int_ge(fd = open(tape, O_WRONLY | O_APPEND), 0);
	ck_assert_int_eq(write(fd, hdr, 4), 4);
	ck_assert_int_eq(write(fd, junk, 1000 + round * 50),
	    (ssize_t)(1000 + round * 50));
	close(fd);
}

static void
kill_round(unsigned round)
{
	int	 p[2], st;
	pid_t	 pid;

	ck_assert_int_eq(pipe(p), 0);
	if ((pid = fork()) == 0) {
		close(p[0]);
		writer(p[1], round);
	}
	close(p[1]);
	/* kill points spread from "before the first record" to "many in" */
	usleep(round == 0 ? 0 : 20000u + (round * 53u % 17u) * 15000u);
	ck_assert_int_eq(kill(dmn.pid, SIGKILL), 0);
	ck_assert_int_eq(waitpid(dmn.pid, &st, 0), dmn.pid);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	dmn.pid = 0;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	collect(p[0], &rounds[round]);
	/* a kill may cut a write short; else, every other time, fake one */
	if (ends_torn())
		rounds[round].torn = nnatural++ >= 0;
	else if (round % 2 == 1) {
		tear(round);
		rounds[round].torn = 1;
	}
	ck_assert_int_eq(th_daemon_start(&dmn, home, conf), 0);
}

START_TEST(sigkill_mid_write)
{
	struct tc_conn	*c;
	struct mtop	 rew = { MTREW, 1 };
	static uint8_t	 got[MAXREC + 1], want[MAXREC];
	unsigned	 round, seq, r;
	ssize_t		 n;
	int		 ntorn = 0, total = 0, i, last_zero = 0, eod = 0;
	char		*log, *p;

	signal(SIGPIPE, SIG_IGN);
	home = th_tmpdir();
	ck_assert_ptr_nonnull(conf = th_conf(home, "drive vtape0 {\n"
	    "\tbackend vtape\n\tpath vtape0.tap\n\tcapacity 64G\n"
	    "\tallow local-client read-write\n}\n"));
	snprintf(tape, sizeof(tape), "%s/vtape0.tap", home);
	ck_assert_int_eq(th_daemon_start(&dmn, home, conf), 0);
	for (round = 0; round < ROUNDS; round++)
		kill_round(round);

	/* read it all back */
	ck_assert_ptr_nonnull(c = th_connect(&dmn, NULL));
	ck_assert_int_eq(tc_open(c, "vtape0", O_RDONLY, 0), 0);
	ck_assert_int_eq(tc_mtioctop(c, &rew), 0);
	round = 0;
	seq = 0;
	for (;;) {
		n = tc_read(c, got, sizeof(got));
		if (n == 0 && last_zero) {	/* end of data after a mark */
			eod = 1;
			continue;
		}
		if (n == 0) {	/* a filemark: only where a writer put one */
			ck_assert_msg(seq > 0 && (seq - 1) % PER_FILE ==
			    PER_FILE - 1, "round %u: a filemark after %u "
			    "records", round, seq);
			seen_fm[round][seq - 1] = 1;
			last_zero = 1;
			continue;
		}
		if (n < 0)
			break;
		ck_assert_msg(!eod, "a record after the end of data");
		last_zero = 0;
		/* intact, and the next one some writer wrote */
		ck_assert_int_ge(n, 16);
		ck_assert_mem_eq(got, "TCKR", 4);
		r = get_be32(got + 4);
		ck_assert_uint_ge(r, round);
		ck_assert_uint_lt(r, ROUNDS);
		if (r != round) {
			/* every acknowledged record of that round came */
			ck_assert_msg((int)seq >= rounds[round].acked, "round %u: "
			    "%u records on tape, %d acknowledged", round, seq,
			    rounds[round].acked);
			for (round++; round < r; round++)
				ck_assert_int_eq(rounds[round].acked, 0);
			seq = 0;
		}
		ck_assert_uint_eq(get_be32(got + 8), seq);
		ck_assert_int_eq(n, (ssize_t)rec_len(round, seq));
		rec_fill(want, round, seq);
		ck_assert_mem_eq(got, want, (size_t)n);
		seq++;
		total++;
	}
	ck_assert_int_eq(errno, EIO);		/* end of data */
	ck_assert_msg((int)seq >= rounds[round].acked, "last round: %u of %d",
	    seq, rounds[round].acked);
	for (round++; round < ROUNDS; round++)
		ck_assert_int_eq(rounds[round].acked, 0);

	/* each filemark a WEOF reported is there */
	for (r = 0; r < ROUNDS; r++)
		for (i = 0; i < 4096; i++)
			ck_assert_msg(!rounds[r].fm_after[i] || seen_fm[r][i],
			    "round %u: the filemark after record %d is lost",
			    r, i);
	ck_assert_int_eq(tc_close(c), 0);
	tc_disconnect(c);

	/* each torn tail was cut off, and the cut logged */
	for (round = 0; round < ROUNDS; round++)
		ntorn += rounds[round].torn;
	log = th_read_file(dmn.log);
	for (i = 0, p = log; (p = strstr(p, "bytes) cut off")) != NULL; p++)
		i++;
	free(log);
	ck_assert_int_eq(i, ntorn);
	ck_assert_int_gt(total, 0);
	fprintf(stderr, "check_crash: %d kills, %d torn tails (%d by the "
	    "kill), %d records read back\n", ROUNDS, ntorn, nnatural, total);
	ck_assert_int_eq(th_daemon_stop(&dmn), 0);
	th_rmrf(home);
	free(home);
	free(conf);
}
END_TEST

/* A client killed while it holds a drive: what close(2) gives a killed
 * program, then the drive is free. */
static int
open_when_free(struct tc_conn *c, int flags)
{
	int	i, r = -1;

	for (i = 0; i < 500; i++) {
		if ((r = tc_open(c, "vtape0", flags, 0)) == 0 || errno != EBUSY)
			break;
		usleep(10000);
	}
	return r;
}

static long
tell(struct tc_conn *c)
{
	struct mtpos	mp;

	ck_assert_int_eq(tc_mtiocpos(c, &mp), 0);
	return mp.mt_blkno;
}

static void
lost_start(void)
{
	signal(SIGPIPE, SIG_IGN);
	home = th_tmpdir();
	ck_assert_int_eq(th_daemon_start(&dmn, home, NULL), 0);
}

static void
lost_stop(void)
{
	ck_assert_int_eq(th_daemon_stop(&dmn), 0);
	th_rmrf(home);
	free(home);
}

/* The rewinding node: flush, a filemark, and the rewind. */
START_TEST(lost_writer_rewinding)
{
	struct tc_conn	*c;
	struct mtop	 eom = { MTEOM, 1 };
	static uint8_t	 buf[MAXREC];
	pid_t		 pid;
	int		 st;
	unsigned	 i;

	lost_start();
	if ((pid = fork()) == 0) {
		struct tc_conn	*w = th_connect(&dmn, NULL);

		if (w == NULL || tc_open(w, "vtape0", O_WRONLY, 1) != 0)
			_exit(1);
		for (i = 0; i < 3; i++) {
			rec_fill(buf, 0, i);
			if (tc_write(w, buf, rec_len(0, i)) < 0)
				_exit(1);
		}
		_exit(0);		/* no close: the socket just drops */
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_int_eq(WEXITSTATUS(st), 0);
	ck_assert_ptr_nonnull(c = th_connect(&dmn, NULL));
	ck_assert_int_eq(open_when_free(c, O_RDONLY), 0);
	ck_assert_int_eq(tell(c), 0);		/* rewound */
	for (i = 0; i < 3; i++) {
		rec_fill(buf, 0, i);
		ck_assert_int_eq(tc_read(c, got_buf, sizeof(got_buf)),
		    (ssize_t)rec_len(0, i));
		ck_assert_mem_eq(got_buf, buf, rec_len(0, i));
	}
	ck_assert_int_eq(tc_read(c, got_buf, sizeof(got_buf)), 0);
	ck_assert_int_eq(tc_mtioctop(c, &eom), 0);
	ck_assert_int_eq(tell(c), 4);		/* 3 records, 1 filemark */
	tc_disconnect(c);
	ck_assert(th_log_has(&dmn, "drive vtape0: closing it for the lost "
	    "session"));
	lost_stop();
}
END_TEST

/* A reader: no filemark is written, nothing changes on the tape. */
START_TEST(lost_reader)
{
	struct tc_conn	*c;
	struct mtop	 eom = { MTEOM, 1 }, rew = { MTREW, 1 },
			 weof = { MTWEOF, 1 };
	static uint8_t	 buf[MAXREC];
	struct stat	 before, after;
	char		 tap[1200];
	pid_t		 pid;
	int		 st;
	unsigned	 i;

	lost_start();
	ck_assert_ptr_nonnull(c = th_connect(&dmn, NULL));
	ck_assert_int_eq(tc_open(c, "vtape0", O_WRONLY, 0), 0);
	for (i = 0; i < 20; i++) {
		rec_fill(buf, 1, i);
		ck_assert_int_eq(tc_write(c, buf, rec_len(1, i)),
		    (ssize_t)rec_len(1, i));
	}
	ck_assert_int_eq(tc_mtioctop(c, &weof), 0);
	ck_assert_int_eq(tc_mtioctop(c, &rew), 0);
	ck_assert_int_eq(tc_close(c), 0);
	snprintf(tap, sizeof(tap), "%s/vtape0.tap", home);
	ck_assert_int_eq(stat(tap, &before), 0);
	if ((pid = fork()) == 0) {
		struct tc_conn	*r = th_connect(&dmn, NULL);

		if (r == NULL || tc_open(r, "vtape0", O_RDONLY, 0) != 0 ||
		    tc_read(r, buf, sizeof(buf)) <= 0 ||
		    tc_read(r, buf, sizeof(buf)) <= 0)
			_exit(1);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_int_eq(WEXITSTATUS(st), 0);
	ck_assert_int_eq(open_when_free(c, O_RDONLY), 0);
	ck_assert_int_eq(tc_mtioctop(c, &eom), 0);
	ck_assert_int_eq(tell(c), 21);		/* 20 records, 1 filemark */
	ck_assert_int_eq(tc_close(c), 0);
	tc_disconnect(c);
	ck_assert_int_eq(stat(tap, &after), 0);
	ck_assert_int_eq(after.st_size, before.st_size);
	ck_assert(th_log_has(&dmn, "drive vtape0: closing it for the lost "
	    "session"));
	lost_stop();
}
END_TEST

static Suite *
crash_suite(void)
{
	Suite	*s = suite_create("crash");
	TCase	*tc = tcase_create("sigkill");

	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, sigkill_mid_write);
	suite_add_tcase(s, tc);
	tc = tcase_create("lost clients");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, lost_writer_rewinding);
	tcase_add_test(tc, lost_reader);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(crash_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
