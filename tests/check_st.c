/*
 * check_st.c -- the st backend without a tape drive: its configuration,
 * the READ BLOCK LIMITS answer and struct mtget as canonical status, the
 * calls passed through to a node and the node's errno given back, through
 * the backend and through a real tclientd.  tests/e2e_st.sh drives it
 * against real mtio ioctls (a tctape node).
 */
#include <sys/mtio.h>
#include <sys/stat.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tclientd.h"
#include "harness.h"

#define HEAD	"ca ca.pem\ncertificate server.pem\nkey server.key\n"

static char	*dir;
static char	 file[PATH_MAX];
static char	*got[32];
static size_t	 ngot;

static int
collect(const char *line)
{
	if (ngot < nitems(got))
		got[ngot++] = strdup(line);
	return 0;
}

static void
setup(void)
{
	dir = th_tmpdir();
	snprintf(file, sizeof(file), "%s/tclientd.conf", dir);
	ngot = 0;
}

static void
teardown(void)
{
	while (ngot > 0)
		free(got[--ngot]);
	th_rmrf(dir);
	free(dir);
}

static struct config *
load(const char *text)
{
	th_write_file(file, text);
	return config_load(file, collect);
}

/* text is refused with exactly these "LINE: reason" reports. */
static void
expect_errors(const char *text, ...)
{
	va_list		 ap;
	const char	*want;
	char		 full[PATH_MAX + 512];
	size_t		 i = 0;

	ck_assert_ptr_null(load(text));
	va_start(ap, text);
	while ((want = va_arg(ap, const char *)) != NULL) {
		snprintf(full, sizeof(full), "%s:%s", file, want);
		ck_assert_msg(i < ngot, "missing report: %s", full);
		ck_assert_str_eq(got[i], full);
		i++;
	}
	va_end(ap);
	ck_assert_msg(i == ngot, "unexpected report: %s", i < ngot ? got[i] :
	    "");
}

START_TEST(test_config)
{
	struct config	*conf;

	conf = load(HEAD "drive lto0 {\n backend st\n path /dev/nst0\n"
	    " block-limits 512 262144\n allow * read-write\n}\n"
	    "drive lto1 {\n backend st\n path nst1\n allow * read-only\n}\n");
	ck_assert_msg(conf != NULL, "refused: %s", ngot ? got[0] : "");
	ck_assert_uint_eq(conf->ndrives, 2);
	ck_assert_str_eq(conf->drives[0].backend, "st");
	ck_assert_str_eq(conf->drives[0].path, "/dev/nst0");
	ck_assert_uint_eq(conf->drives[0].min_block, 512);
	ck_assert_uint_eq(conf->drives[0].max_block, 262144);
	/* relative to the file; no block-limits: all the SSC allows */
	ck_assert_str_eq(conf->drives[1].path, strcat(strcpy(file, dir),
	    "/nst1"));
	ck_assert_uint_eq(conf->drives[1].min_block, 1);
	ck_assert_uint_eq(conf->drives[1].max_block, DEF_MAX_BLOCK);
	config_free(conf);
}
END_TEST

START_TEST(test_config_errors)
{
	expect_errors(HEAD "drive s {\n backend st\n allow * read-write\n}\n",
	    "4: drive \"s\": backend st needs \"path FILE\"", NULL);
	teardown();
	setup();
	expect_errors(HEAD "drive s {\n backend st\n path /dev/nst0\n"
	    " capacity 1G\n early-warning 1M\n write-protect yes\n"
	    " fail-write 2\n density 0x44\n allow * read-write\n}\n",
	    "7: \"capacity\" is not valid for backend st (only for vtape)",
	    "8: \"early-warning\" is not valid for backend st (only for vtape)",
	    "9: \"write-protect\" is not valid for backend st (only for vtape)",
	    "10: \"fail-write\" is not valid for backend st (only for vtape)",
	    "11: \"density\" is not valid for backend st (only for vtape, "
	    "null)", NULL);
}
END_TEST

/* a directory is no tape; a node missing now may appear later */
START_TEST(test_config_errors_dir)
{
	char	text[1024], want[PATH_MAX + 200];

	snprintf(text, sizeof(text), HEAD "drive s {\n backend st\n path %s\n"
	    " allow * read-write\n}\ndrive t {\n backend st\n"
	    " path /nonexistent/nst9\n allow * read-write\n}\n", dir);
	snprintf(want, sizeof(want), "4: drive \"s\": path %s is a directory, "
	    "not a tape device (use the non-rewinding node, such as "
	    "/dev/nst0)", dir);
	expect_errors(text, want, NULL);
}
END_TEST

START_TEST(test_read_block_limits)
{
	static const uint8_t lto[6] = { 0x00, 0xff, 0xff, 0xff, 0x00, 0x01 };
	static const uint8_t dds[6] = { 0x00, 0x04, 0x00, 0x00, 0x02, 0x00 };
	static const uint8_t nomax[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x04 };
	static const uint8_t bad[6] = { 0x00, 0x00, 0x01, 0x00, 0x02, 0x00 };
	uint32_t	lo = 7, hi = 7;

	ck_assert_int_eq(st_block_limits(lto, 6, &lo, &hi), 0);
	ck_assert_uint_eq(lo, 1);
	ck_assert_uint_eq(hi, 0xffffff);
	ck_assert_int_eq(st_block_limits(dds, 6, &lo, &hi), 0);
	ck_assert_uint_eq(lo, 512);
	ck_assert_uint_eq(hi, 0x40000);
	ck_assert_int_eq(st_block_limits(nomax, 6, &lo, &hi), 0);
	ck_assert_uint_eq(lo, 4);
	ck_assert_uint_eq(hi, 0);
	lo = hi = 7;
	ck_assert_int_eq(st_block_limits(bad, 6, &lo, &hi), -1);
	ck_assert_int_eq(st_block_limits(lto, 5, &lo, &hi), -1);
	ck_assert_uint_eq(lo, 7);
	ck_assert_uint_eq(hi, 7);
}
END_TEST

START_TEST(test_mtget_status)
{
	struct mtget		g;
	struct tc_status	st;

	memset(&g, 0, sizeof(g));
	g.mt_type = MT_ISSCSI2;
	g.mt_resid = 1;
	g.mt_dsreg = (long)((0x46ul << MT_ST_DENSITY_SHIFT) | 10240);
	g.mt_erreg = 3;
	g.mt_fileno = 2;
	g.mt_blkno = 0;
	g.mt_gstat = (long)(GMT_EOF(~0ul) | GMT_ONLINE(~0ul) |
	    GMT_IM_REP_EN(~0ul) | GMT_WR_PROT(~0ul) | 0x00008000ul);
	st_mtget_status(&g, &st);
	ck_assert_int_eq(st.fileno, 2);
	ck_assert_int_eq(st.blkno, 0);
	ck_assert_uint_eq(st.partition, 1);
	ck_assert_uint_eq(st.blksize, 10240);
	ck_assert_uint_eq(st.density, 0x46);
	ck_assert_uint_eq(st.softerr, 3);
	ck_assert_uint_eq(st.flags, TC_ST_EOF | TC_ST_ONLINE | TC_ST_IMREP |
	    TC_ST_WRPROT | TC_ST_CLN);

	g.mt_fileno = g.mt_blkno = -1;
	g.mt_dsreg = (long)(0xfful << MT_ST_DENSITY_SHIFT);
	g.mt_gstat = (long)(GMT_EOT(~0ul) | GMT_EOD(~0ul) | GMT_SM(~0ul));
	st_mtget_status(&g, &st);
	ck_assert_int_eq(st.fileno, -1);
	ck_assert_int_eq(st.blkno, -1);
	ck_assert_uint_eq(st.blksize, 0);
	ck_assert_uint_eq(st.density, 0xff);
	ck_assert_uint_eq(st.flags, TC_ST_EOT | TC_ST_EOD | TC_ST_SM);

	g.mt_gstat = (long)(GMT_BOT(~0ul) | GMT_DR_OPEN(~0ul));
	st_mtget_status(&g, &st);
	ck_assert_uint_eq(st.flags, TC_ST_BOT | TC_ST_NOMEDIUM);
}
END_TEST

static void *
st_new_at(const char *path, uint32_t min, uint32_t max)
{
	struct drive_conf	dc;
	char			err[256] = "";
	void			*p;

	memset(&dc, 0, sizeof(dc));
	snprintf(dc.name, sizeof(dc.name), "s");
	snprintf(dc.backend, sizeof(dc.backend), "st");
	dc.path = (char *)path;
	dc.min_block = min;
	dc.max_block = max;
	p = backend_st.new(&dc, err, sizeof(err));
	ck_assert_msg(p != NULL, "new: %s", err);
	return p;
}

/* The node is opened only when a client opens the drive. */
START_TEST(test_open_late)
{
	char	path[PATH_MAX];
	void	*s;

	snprintf(path, sizeof(path), "%s/nst0", dir);
	s = st_new_at(path, 0, 0);
	ck_assert_int_eq(backend_st.open(s, TC_OPEN_RDONLY), -ENOENT);
	th_write_file(path, "");
	ck_assert_int_eq(backend_st.open(s, TC_OPEN_RDONLY), 0);
	ck_assert_int_eq(backend_st.open(s, TC_OPEN_RDONLY), -EBUSY);
	ck_assert_int_eq(backend_st.close(s), 0);
	ck_assert_int_eq(backend_st.close(s), -EBADF);
	chmod(path, 0);
	if (geteuid() != 0)
		ck_assert_int_eq(backend_st.open(s, TC_OPEN_RDONLY), -EACCES);
	backend_st.free(s);
}
END_TEST

/* A node that is no tape: its own errno comes back, unchanged. */
START_TEST(test_passthrough)
{
	char		 path[PATH_MAX], buf[16], *text;
	struct tc_status st;
	uint64_t	 pos;
	int64_t		 res = 0;
	void		*s;

	snprintf(path, sizeof(path), "%s/node", dir);
	th_write_file(path, "abcdef");
	s = st_new_at(path, 0, 0);
	ck_assert_int_eq(backend_st.open(s, TC_OPEN_RDONLY | TC_OPEN_NONBLOCK),
	    0);
	ck_assert_int_eq(backend_st.read(s, buf, 4), 4);
	ck_assert_int_eq(memcmp(buf, "abcd", 4), 0);
	ck_assert_int_eq(backend_st.write(s, "x", 1), -EBADF);
	ck_assert_int_eq(backend_st.status(s, &st), -ENOTTY);
	ck_assert_int_eq(backend_st.position(s, &pos), -ENOTTY);
	ck_assert_int_eq(backend_st.op(s, TC_STREW, 1, &res), -ENOTTY);
	ck_assert_int_eq(backend_st.op(s, TC_X_TELL, 0, &res), -ENOTTY);
	ck_assert_int_eq(backend_st.op(s, TC_STTUR, 0, &res), -ENOTTY);
	/* counts the command cannot hold never reach the drive */
	ck_assert_int_eq(backend_st.op(s, TC_STFSF, 0x800000, &res), -EINVAL);
	ck_assert_int_eq(backend_st.op(s, TC_STRSR, -0x800000, &res), -EINVAL);
	ck_assert_int_eq(backend_st.op(s, TC_STWEOF, -1, &res), -EINVAL);
	ck_assert_int_eq(backend_st.op(s, TC_X_SEEK, -1, &res), -EINVAL);
	ck_assert_int_eq(backend_st.op(s, TC_X_SEEK, 1ll << 32, &res),
	    -EINVAL);
	/* no such operation in st */
	ck_assert_int_eq(backend_st.op(s, TC_STFSSF, 1, &res), -ENOSYS);
	ck_assert_int_eq(backend_st.op(s, TC_STERASEGAP, 1, &res), -ENOSYS);
	ck_assert_int_eq(backend_st.op(s, TC_X_CACHE, 0, &res), 0);
	ck_assert_int_eq(backend_st.read(s, buf, sizeof(buf)), 2);
	ck_assert_int_eq(memcmp(buf, "ef", 2), 0);
	ck_assert_int_eq(backend_st.read(s, buf, sizeof(buf)), 0);
	/* the rewinding node's rewind at close is the node's error too */
	ck_assert_int_eq(backend_st.close(s), 0);
	ck_assert_int_eq(backend_st.open(s, TC_OPEN_WRONLY | TC_OPEN_REWIND),
	    0);
	ck_assert_int_eq(backend_st.write(s, "XY", 2), 2);
	ck_assert_int_eq(backend_st.read(s, buf, 1), -EBADF);
	ck_assert_int_eq(backend_st.close(s), -ENOTTY);
	backend_st.free(s);
	ck_assert_str_eq(text = th_read_file(path), "XYcdef");
	free(text);
}
END_TEST

/* Through tclientd: the open, the errno and lock-step reads. */
START_TEST(test_daemon)
{
	struct daemon	 d;
	struct tc_conn	*c;
	struct tc_status st;
	char		 drives[3 * PATH_MAX], node[PATH_MAX], *conf, buf[8];
	uint32_t	 maxrec, lo, hi;

	snprintf(node, sizeof(node), "%s/node", dir);
	th_write_file(node, "0123456789");
	snprintf(drives, sizeof(drives), "drive s {\n backend st\n path %s\n"
	    " block-limits 2 1000\n allow local-client read-write\n}\n"
	    "drive gone {\n backend st\n path %s/none\n"
	    " allow local-client read-write\n}\n", node, dir);
	ck_assert_ptr_nonnull(conf = th_conf(dir, drives));
	ck_assert_int_eq(th_daemon_start(&d, dir, conf), 0);
	ck_assert_ptr_nonnull(c = th_connect(&d, NULL));

	ck_assert_int_eq(tc_open(c, "gone", O_RDONLY, 0), TC_ERR_DRIVE);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(tc_open(c, "s", O_RDONLY, 0), 0);
	/* no MTIOCGET on a plain file: the limits are unknown */
	ck_assert_int_eq(tc_limits(c, &maxrec, &lo, &hi), 0);
	ck_assert_uint_eq(lo, 1);
	ck_assert_uint_eq(hi, DEF_MAX_BLOCK);
	ck_assert_int_eq(tc_status(c, &st), TC_ERR_DRIVE);
	ck_assert_int_eq(errno, ENOTTY);
	/* never read ahead: every read is the next bytes of the node */
	ck_assert_int_eq(tc_read(c, buf, 3), 3);
	ck_assert_int_eq(memcmp(buf, "012", 3), 0);
	ck_assert_int_eq(tc_read(c, buf, 3), 3);
	ck_assert_int_eq(memcmp(buf, "345", 3), 0);
	ck_assert_int_eq(tc_read(c, buf, 8), 4);
	ck_assert_int_eq(memcmp(buf, "6789", 4), 0);
	ck_assert_int_eq(tc_read(c, buf, 8), 0);
	ck_assert_int_eq(tc_close(c), 0);
	/* a client still connected, idle: SIGTERM still stops the daemon */
	ck_assert_int_eq(th_daemon_stop(&d), 0);
	ck_assert(th_log_has(&d, "tclientd: stopped"));
	tc_disconnect(c);
	free(conf);
}
END_TEST

/*
 * The chain: tclientd A [st0 -> a tctape node] -> tclientd B [vtape t],
 * and B's vtape ref beside it, alike, for comparison.  Set up once in the
 * runner's process, so that the mount is always undone.
 */
static struct daemon	 da, db;
static char		*cdir, mnt[PATH_MAX];
static int		 chain_up, mounted;

static void
chain_setup(void)
{
	char	 drives[2 * PATH_MAX], home[PATH_MAX], cmd[6 * PATH_MAX];
	char	*conf;

	cdir = th_tmpdir();
	snprintf(home, sizeof(home), "%s/b", cdir);
	if ((conf = th_conf(home, "drive t {\n backend vtape\n path t.tap\n"
	    " allow local-client read-write\n}\ndrive ref {\n backend vtape\n"
	    " path ref.tap\n allow local-client read-write\n}\n")) == NULL ||
	    th_daemon_start(&db, home, conf) != 0)
		goto out;
	free(conf);
	snprintf(mnt, sizeof(mnt), "%s/m", cdir);
	snprintf(cmd, sizeof(cmd), "mkdir %s && TCLIENT_HOME=%s %s -s %s mount "
	    "%s", mnt, home, th_bin("tctape"), db.server, mnt);
	if (th_run(cmd, NULL) != 0)
		return;
	mounted = 1;
	snprintf(home, sizeof(home), "%s/a", cdir);
	snprintf(drives, sizeof(drives), "drive st0 {\n backend st\n"
	    " path %s/nt\n block-limits 4 2000000\n"
	    " allow local-client read-write\n}\n", mnt);
	if ((conf = th_conf(home, drives)) == NULL ||
	    th_daemon_start(&da, home, conf) != 0)
		goto out;
	chain_up = 1;
out:
	free(conf);
}

static void
chain_teardown(void)
{
	char	cmd[4 * PATH_MAX];

	if (da.pid > 0)
		th_daemon_stop(&da);
	if (mounted) {
		snprintf(cmd, sizeof(cmd), "%s unmount %s || fusermount3 -u -z "
		    "%s", th_bin("tctape"), mnt, mnt);
		th_run(cmd, NULL);
	}
	if (db.pid > 0)
		th_daemon_stop(&db);
	th_rmrf(cdir);
	free(cdir);
}

/* An open drive: st0 through A (st), or ref on B (vtape). */
static struct tc_conn *
chain_open(int st, int64_t window)
{
	struct tc_conn	*c;

	ck_assert_msg(chain_up, "the chain did not come up; see %s.log",
	    cdir);
	ck_assert_ptr_nonnull(c = th_connect_window(st ? &da : &db, window));
	ck_assert_int_eq(tc_open(c, st ? "st0" : "ref", O_RDWR, 0), 0);
	ck_assert_int_eq(tc_op(c, TC_STREW, 1, NULL), 0);
	return c;
}

static void
put(struct tc_conn *c, size_t len, unsigned seed)
{
	uint8_t	*p = malloc(len);

	th_fill(p, len, seed);
	ck_assert_int_eq(tc_write(c, p, len), (ssize_t)len);
	free(p);
}

static void
get(struct tc_conn *c, size_t len, unsigned seed)
{
	uint8_t	*p = malloc(len), *want = malloc(len);

	th_fill(want, len, seed);
	ck_assert_int_eq(tc_read(c, p, len + 100), (ssize_t)len);
	ck_assert_int_eq(memcmp(p, want, len), 0);
	free(p);
	free(want);
}

static uint64_t
pos(struct tc_conn *c)
{
	uint64_t	p = 12345;

	ck_assert_int_eq(tc_position(c, &p), 0);
	return p;
}

/* The limits from block-limits: a tctape node answers no SG_IO. */
START_TEST(test_chain_limits)
{
	struct tc_conn	*c = chain_open(1, 0);
	uint32_t	 maxrec, lo, hi;

	ck_assert_int_eq(tc_limits(c, &maxrec, &lo, &hi), 0);
	ck_assert_uint_eq(lo, 4);
	ck_assert_uint_eq(hi, 2000000);
	tc_disconnect(c);
}
END_TEST

/*
 * Reads never run ahead of the client on st: a client with a window that
 * stops after two of five records leaves the tape after the second.
 */
START_TEST(test_chain_lockstep)
{
	struct tc_conn	*c;
	int		 st = _i, k;

	c = chain_open(st, -1);
	for (k = 0; k < 5; k++)
		put(c, 1000 + (size_t)k, (unsigned)k);
	ck_assert_int_eq(tc_close(c), 0);
	tc_disconnect(c);

	c = chain_open(st, 0);
	get(c, 1000, 0);
	get(c, 1001, 1);
	ck_assert_uint_eq(pos(c), 2);
	ck_assert_int_eq(tc_close(c), 0);
	ck_assert_int_eq(tc_open(c, st ? "st0" : "ref", O_RDONLY, 0), 0);
	get(c, 1002, 2);
	ck_assert_uint_eq(pos(c), 3);
	tc_disconnect(c);
}
END_TEST

/* The canonical operations st has no single mtio operation for. */
START_TEST(test_chain_made_ops)
{
	struct tc_conn	*c;
	struct tc_status st;
	int64_t		 r;
	int		 onst = _i;

	c = chain_open(onst, -1);
	put(c, 100, 1);
	ck_assert_int_eq(tc_op(c, TC_STWEOF, 1, NULL), 0);
	put(c, 200, 2);
	put(c, 300, 3);
	ck_assert_int_eq(tc_op(c, TC_STWEOF, 1, NULL), 0);
	put(c, 400, 4);
	ck_assert_uint_eq(pos(c), 6);
	/* MTNBSF 0: the start of this file; 1: of the one before */
	ck_assert_int_eq(tc_op(c, TC_X_NBSF, 0, NULL), 0);
	ck_assert_uint_eq(pos(c), 5);
	ck_assert_int_eq(tc_op(c, TC_X_NBSF, 1, NULL), 0);
	ck_assert_uint_eq(pos(c), 2);
	ck_assert_int_eq(tc_status(c, &st), 0);
	ck_assert_int_eq(st.fileno, 1);
	ck_assert_int_eq(st.blkno, 0);
	/* reaching the first file is a rewind, passing it EIO at BOT */
	ck_assert_int_eq(tc_op(c, TC_X_NBSF, 1, NULL), 0);
	ck_assert_uint_eq(pos(c), 0);
	ck_assert_int_eq(tc_op(c, TC_STFSF, 1, NULL), 0);
	ck_assert_int_eq(tc_op(c, TC_X_NBSF, 2, NULL), TC_ERR_DRIVE);
	ck_assert_int_eq(errno, EIO);
	ck_assert_uint_eq(pos(c), 0);
	ck_assert_int_eq(tc_status(c, &st), 0);
	ck_assert_uint_eq(st.flags & TC_ST_BOT, TC_ST_BOT);
	/* the block size, test unit ready, flush, cache */
	r = -1;
	ck_assert_int_eq(tc_op(c, TC_X_GRSZ, 0, &r), 0);
	ck_assert_int_eq(r, 0);
	ck_assert_int_eq(tc_op(c, TC_STIOCHGP, 512, NULL), 0);
	ck_assert_int_eq(tc_op(c, TC_X_GRSZ, 0, &r), 0);
	ck_assert_int_eq(r, 512);
	ck_assert_int_eq(tc_op(c, TC_STIOCHGP, 0, NULL), 0);
	ck_assert_int_eq(tc_op(c, TC_STTUR, 0, NULL), 0);
	ck_assert_int_eq(tc_op(c, TC_X_FLUSH, 0, NULL), 0);
	ck_assert_int_eq(tc_op(c, TC_X_CACHE, 0, NULL), 0);
	ck_assert_int_eq(tc_op(c, TC_X_TELL, 0, &r), 0);
	ck_assert_int_eq(r, 0);
	/* with no tape */
	ck_assert_int_eq(tc_op(c, TC_STOFFL, 1, NULL), 0);
	ck_assert_int_eq(tc_op(c, TC_STTUR, 0, NULL), TC_ERR_DRIVE);
	ck_assert_int_eq(errno, ENOMEDIUM);
	ck_assert_int_eq(tc_op(c, TC_STLOAD, 1, NULL), 0);
	/* only the vtape spaces to adjacent filemarks */
	r = tc_op(c, TC_STFSSF, 1, NULL);
	if (onst) {
		ck_assert_int_eq(r, TC_ERR_DRIVE);
		ck_assert_int_eq(errno, ENOSYS);
	} else
		ck_assert_int_eq(r, 0);
	tc_disconnect(c);
}
END_TEST

static Suite *
st_suite(void)
{
	Suite	*s = suite_create("st");
	TCase	*tc;

	tc = tcase_create("config");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_config);
	tcase_add_test(tc, test_config_errors);
	tcase_add_test(tc, test_config_errors_dir);
	suite_add_tcase(s, tc);

	tc = tcase_create("decode");
	tcase_add_test(tc, test_read_block_limits);
	tcase_add_test(tc, test_mtget_status);
	suite_add_tcase(s, tc);

	tc = tcase_create("backend");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_open_late);
	tcase_add_test(tc, test_passthrough);
	tcase_add_test(tc, test_daemon);
	suite_add_tcase(s, tc);

	/* ref on B, then st0 through A: the same answers */
	tc = tcase_create("chain");
	tcase_add_unchecked_fixture(tc, chain_setup, chain_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_chain_limits);
	tcase_add_loop_test(tc, test_chain_lockstep, 0, 2);
	tcase_add_loop_test(tc, test_chain_made_ops, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(st_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
