/*
 * check_vtape.c -- the vtape backend as a user of Linux st sees it: bytes
 * on the cartridge, return values, errno, positions and status.
 */
#include <sys/stat.h>

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tclientd.h"

#define B	(&backend_vtape)
#define ON	(TC_ST_ONLINE | TC_ST_IMREP)
#define MAXREC	(1024 * 1024)

static char		 dir[PATH_MAX - 64];
static char		 path[PATH_MAX];
static struct drive_conf dc;
static void		*d;
static uint8_t		 wbuf[MAXREC];
static uint8_t		 rbuf[2 * MAXREC];
static int64_t		 opres;

static void
pattern(uint8_t *p, size_t n, int seed)
{
	size_t	i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(seed * 31 + i * 7 + (i >> 8));
}

static ssize_t
wr(size_t n, int seed)
{
	pattern(wbuf, n, seed);
	return B->write(d, wbuf, n);
}

static int
op(int o, int64_t count)
{
	return B->op(d, o, count, &opres);
}

static off_t
fsize(void)
{
	struct stat sb;

	ck_assert_int_eq(stat(path, &sb), 0);
	return sb.st_size;
}

#define WRITE_OK(n, seed)	ck_assert_int_eq(wr((n), (seed)), (n))
#define READ_REC(bufn, n, seed) do {					\
	ssize_t r_ = B->read(d, rbuf, (bufn));				\
	ck_assert_int_eq(r_, (n));					\
	pattern(wbuf, (n), (seed));					\
	ck_assert_mem_eq(rbuf, wbuf, (n));				\
} while (0)
#define READ_ERR(bufn, e)	ck_assert_int_eq(B->read(d, rbuf, (bufn)), (e))
#define STATUS(fno, bno, fl) do {					\
	struct tc_status s_;						\
	ck_assert_int_eq(B->status(d, &s_), 0);				\
	ck_assert_int_eq(s_.fileno, (fno));				\
	ck_assert_int_eq(s_.blkno, (bno));				\
	ck_assert_uint_eq(s_.flags, (fl));				\
} while (0)
#define TELL(x) do {							\
	uint64_t p_ = 12345;						\
	ck_assert_int_eq(B->position(d, &p_), 0);			\
	ck_assert_uint_eq(p_, (x));					\
} while (0)

static void
new_drive(void)
{
	char	err[256] = "";

	d = B->new(&dc, err, sizeof(err));
	ck_assert_msg(d != NULL, "new: %s", err);
}

static void
reload(void)
{
	B->free(d);
	d = NULL;
	new_drive();
}

/*
 * The directory belongs to the parent (an unchecked fixture), so that it
 * goes even when a failed test ends its process before teardown.
 */
static void
dir_setup(void)
{
	snprintf(dir, sizeof(dir), "%s/check_vtape.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
dir_teardown(void)
{
	struct dirent	*de;
	char		 f[sizeof(dir) + sizeof(de->d_name) + 1];
	DIR		*dp;

	if ((dp = opendir(dir)) == NULL)
		return;
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(f, sizeof(f), "%s/%s", dir, de->d_name);
		unlink(f);
	}
	closedir(dp);
	rmdir(dir);
}

static void
setup(void)
{
	log_init(1, 0, "check_vtape");
	snprintf(path, sizeof(path), "%s/cart.%ld", dir, (long)getpid());
	memset(&dc, 0, sizeof(dc));
	tc_strlcpy(dc.name, "vt0", sizeof(dc.name));
	tc_strlcpy(dc.backend, "vtape", sizeof(dc.backend));
	dc.path = path;
	new_drive();
	ck_assert_int_eq(B->open(d, TC_OPEN_RDWR), 0);
}

static void
teardown(void)
{
	if (d != NULL)
		B->free(d);
	d = NULL;
	unlink(path);
}

/* Replace the cartridge file with these bytes, then start the drive. */
static void
cartridge(const uint8_t *bytes, size_t len)
{
	int	fd;

	B->free(d);
	d = NULL;
	ck_assert_int_ne(fd = open(path, O_WRONLY | O_TRUNC), -1);
	ck_assert_int_eq(write(fd, bytes, len), (ssize_t)len);
	close(fd);
	new_drive();
	ck_assert_int_eq(B->open(d, TC_OPEN_RDWR), 0);
}

static void
append(const uint8_t *bytes, size_t len)
{
	int	fd;

	ck_assert_int_ne(fd = open(path, O_WRONLY | O_APPEND), -1);
	ck_assert_int_eq(write(fd, bytes, len), (ssize_t)len);
	close(fd);
}

static size_t
put32(uint8_t *p, size_t off, uint32_t v)
{
	p[off] = v;
	p[off + 1] = v >> 8;
	p[off + 2] = v >> 16;
	p[off + 3] = v >> 24;
	return off + 4;
}

/* Three files: 10, 20, 30 | 40, 50 | 60, each ended by a filemark. */
static void
three_files(void)
{
	WRITE_OK(10, 1);
	WRITE_OK(20, 2);
	WRITE_OK(30, 3);
	ck_assert_int_eq(op(TC_STWEOF, 1), 0);
	WRITE_OK(40, 4);
	WRITE_OK(50, 5);
	ck_assert_int_eq(op(TC_STWEOF, 1), 0);
	WRITE_OK(60, 6);
	ck_assert_int_eq(op(TC_STWEOF, 1), 0);
	ck_assert_int_eq(op(TC_STREW, 1), 0);
	STATUS(0, 0, ON | TC_ST_BOT);
}

/* records */

static const size_t sizes[] = { 1, 512, 10240, 65536, 262144, 1048576 };

START_TEST(rec_sizes)
{
	size_t	i;

	for (i = 0; i < nitems(sizes); i++)
		WRITE_OK(sizes[i], (int)i);
	ck_assert_int_eq(op(TC_STWEOF, 1), 0);
	ck_assert_int_eq(op(TC_STREW, 1), 0);
	for (i = 0; i < nitems(sizes); i++)
		READ_REC(sizeof(rbuf), sizes[i], (int)i);
	READ_ERR(sizeof(rbuf), 0);
	STATUS(1, 0, ON | TC_ST_EOF);
}
END_TEST

START_TEST(rec_simh_bytes)
{
	static const uint8_t want[] = {
		3, 0, 0, 0, 'a', 'b', 'c', 0, 3, 0, 0, 0,
		2, 0, 0, 0, 'x', 'y', 2, 0, 0, 0,
		0, 0, 0, 0,
	};
	uint8_t	got[sizeof(want) + 1];
	int	fd;

	ck_assert_int_eq(B->write(d, "abc", 3), 3);
	ck_assert_int_eq(B->write(d, "xy", 2), 2);
	ck_assert_int_eq(B->close(d), 0);
	STATUS(1, 0, ON | TC_ST_EOF);
	ck_assert_int_ne(fd = open(path, O_RDONLY), -1);
	ck_assert_int_eq(read(fd, got, sizeof(got)), sizeof(want));
	close(fd);
	ck_assert_mem_eq(got, want, sizeof(want));
}
END_TEST

START_TEST(rec_enomem_consumes)
{
	WRITE_OK(100, 1);
	WRITE_OK(30, 2);
	ck_assert_int_eq(op(TC_STREW, 1), 0);
	READ_ERR(50, -ENOMEM);
	STATUS(0, 1, ON);
	READ_REC(50, 30, 2);
	STATUS(0, 2, ON);
}
END_TEST

START_TEST(rec_filemark_once)
{
	WRITE_OK(100, 1);
	ck_assert_int_eq(op(TC_STWEOF, 1), 0);
	WRITE_OK(200, 2);
	ck_assert_int_eq(op(TC_STREW, 1), 0);
	READ_REC(1000, 100, 1);
	STATUS(0, 1, ON);
	READ_ERR(1000, 0);
	STATUS(1, 0, ON | TC_ST_EOF);
	READ_REC(1000, 200, 2);
	STATUS(1, 1, ON);
}
END_TEST

START_TEST(rec_eod_after_filemark)
{
	WRITE_OK(100, 1);
	ck_assert_int_eq(B->close(d), 0);
	ck_assert_int_eq(B->open(d, TC_OPEN_RDONLY | TC_OPEN_REWIND), 0);
	ck_assert_int_eq(op(TC_STREW, 1), 0);
	READ_REC(1000, 100, 1);
	READ_ERR(1000, 0);
	READ_ERR(1000, 0);
	STATUS(1, -1, ON | TC_ST_EOD);
	READ_ERR(1000, -EIO);
	READ_ERR(1000, -EIO);
	STATUS(1, -1, ON | TC_ST_EOD);
}
END_TEST

START_TEST(rec_eod_without_filemark)
{
	WRITE_OK(100, 1);
	ck_assert_int_eq(op(TC_STRSR, 1), 0);
	STATUS(0, 0, ON | TC_ST_BOT);
	READ_REC(1000, 100, 1);
	READ_ERR(1000, -EIO);
	STATUS(0, -1, ON);
	ck_assert_int_eq(B->close(d), 0);
	ck_assert_int_eq(fsize(), 108);
}
END_TEST

START_TEST(rec_limits)
{
	dc.min_block = 4;
	dc.max_block = 1000;
	reload();
	ck_assert_int_eq(B->open(d, TC_OPEN_RDWR), 0);
	ck_assert_int_eq(wr(3, 1), -EINVAL);
	ck_assert_int_eq(wr(1001, 1), -EINVAL);
	WRITE_OK(4, 1);
	WRITE_OK(1000, 2);
	ck_assert_int_eq(op(TC_STREW, 1), 0);
	READ_ERR(3, -EINVAL);
	READ_ERR(1001, -EINVAL);
	READ_REC(4, 4, 1);
	TELL(1);
	ck_assert_int_eq(wr(0, 1), 0);
	READ_ERR(0, 0);
	TELL(1);
}
END_TEST

START_TEST(rec_read_after_write)
{
	/* st: a read after writing ends the writing; no filemark at close */
	WRITE_OK(100, 1);
	READ_ERR(1000, -EIO);
	ck_assert_int_eq(B->close(d), 0);
	ck_assert_int_eq(fsize(), 108);
}
END_TEST

START_TEST(rec_stays_after_close)
{
	three_files();
	READ_REC(1000, 10, 1);
	ck_assert_int_eq(B->close(d), 0);
	ck_assert_int_eq(B->open(d, TC_OPEN_RDONLY), 0);
	STATUS(0, 1, ON);
	READ_REC(1000, 20, 2);
}
END_TEST

/* positioning */

START_TEST(pos_fsf)
{
	three_files();
	ck_assert_int_eq(op(TC_STFSF, 1), 0);
	STATUS(1, 0, ON | TC_ST_EOF);
	TELL(4);
	READ_REC(1000, 40, 4);
	ck_assert_int_eq(op(TC_STFSF, 1), 0);
	STATUS(2, 0, ON | TC_ST_EOF);
	READ_REC(1000, 60, 6);
}
END_TEST

START_TEST(pos_fsf_eod)
{
	three_files();
	ck_assert_int_eq(op(TC_STFSF, 4), -EIO);
	STATUS(3, -1, ON | TC_ST_EOD);
	TELL(9);
	READ_ERR(1000, -EIO);
}
END_TEST

START_TEST(pos_bsf)
{
	three_files();
	ck_assert_int_eq(op(TC_STFSF, 2), 0);
	ck_assert_int_eq(op(TC_STRSF, 1), 0);
	STATUS(1, -1, ON);
	TELL(6);
	READ_ERR(1000, 0);
	STATUS(2, 0, ON | TC_ST_EOF);
	READ_REC(1000, 60, 6);
}
END_TEST

START_TEST(pos_bsf_bot)
{
	three_files();
	ck_assert_int_eq(op(TC_STFSF, 2), 0);
	ck_assert_int_eq(op(TC_STRSF, 3), -EIO);
	STATUS(0, 0, ON | TC_ST_BOT);
	TELL(0);
	READ_REC(1000, 10, 1);
}
END_TEST

START_TEST(pos_fsr)
{
	three_files();
	ck_assert_int_eq(op(TC_STFSR, 2), 0);
	STATUS(0, 2, ON);
	TELL(2);
	ck_assert_int_eq(op(TC_STFSR, 2), -EIO);
	STATUS(1, 0, ON | TC_ST_EOF);
	TELL(4);
	READ_REC(1000, 40, 4);
}
END_TEST

START_TEST(pos_fsr_eod)
{
	WRITE_OK(10, 1);
	ck_assert_int_eq(op(TC_STWEOF, 1), 0);
	WRITE_OK(20, 2);
	WRITE_OK(30, 3);
	ck_assert_int_eq(op(TC_STFSR, 0), 0);	/* no filemark at the rewind */
	ck_assert_int_eq(op(TC_STREW, 1), 0);
	ck_assert_int_eq(op(TC_STFSF, 1), 0);
	ck_assert_int_eq(op(TC_STFSR, 5), -EIO);
	STATUS(1, 2, ON | TC_ST_EOD);
	TELL(4);
	READ_ERR(1000, -EIO);
}
END_TEST

START_TEST(pos_bsr)
{
	three_files();
	ck_assert_int_eq(op(TC_STFSR, 2), 0);
	ck_assert_int_eq(op(TC_STRSR, 1), 0);
	STATUS(0, 1, ON);
	READ_REC(1000, 20, 2);
	ck_assert_int_eq(op(TC_STRSR, 5), -EIO);
	STATUS(0, 0, ON | TC_ST_BOT);
	TELL(0);
}
END_TEST

START_TEST(pos_bsr_filemark)
{
	three_files();
	ck_assert_int_eq(op(TC_STFSF, 1), 0);
	ck_assert_int_eq(op(TC_STFSR, 1), 0);
	STATUS(1, 1, ON);
	ck_assert_int_eq(op(TC_STRSR, 3), -EIO);
	STATUS(0, -1, ON);
	TELL(3);
	READ_ERR(1000, 0);
	STATUS(1, 0, ON | TC_ST_EOF);
}
END_TEST

START_TEST(pos_eod)
{
	three_files();
	ck_assert_int_eq(op(TC_STSEOD, 1), 0);
	STATUS(3, -1, ON | TC_ST_EOD);
	TELL(9);
	READ_ERR(1000, -EIO);
	WRITE_OK(70, 7);
	STATUS(3, -1, ON);
	TELL(10);
	ck_assert_int_eq(op(TC_STREW, 1), 0);
	ck_assert_int_eq(op(TC_STFSF, 3), 0);
	READ_REC(1000, 70, 7);
}
END_TEST

START_TEST(pos_rewind)
{
	three_files();
	ck_assert_int_eq(op(TC_STFSF, 2), 0);
	ck_assert_int_eq(op(TC_STREW, 1), 0);
	STATUS(0, 0, ON | TC_ST_BOT);
	TELL(0);
	ck_assert_int_eq(op(TC_STFSF, 1), 0);
	ck_assert_int_eq(op(TC_STRETEN, 1), 0);
	STATUS(0, 0, ON | TC_ST_BOT);
}
END_TEST

START_TEST(pos_seek_tell)
{
	three_files();
	ck_assert_int_eq(op(TC_X_SEEK, 5), 0);
	TELL(5);
	opres = -1;
	ck_assert_int_eq(op(TC_X_TELL, 0), 0);
	ck_assert_int_eq(opres, 5);
	STATUS(-1, -1, ON);
	READ_REC(1000, 50, 5);
	ck_assert_int_eq(op(TC_X_SEEK, 9), 0);
	READ_ERR(1000, -EIO);
	ck_assert_int_eq(op(TC_X_SEEK, 0), 0);
	STATUS(0, 0, ON | TC_ST_BOT);
	ck_assert_int_eq(op(TC_X_SEEK, 10), -EIO);
	TELL(9);
	STATUS(-1, -1, ON);
	ck_assert_int_eq(op(TC_X_SEEK, -1), -EINVAL);
}
END_TEST

START_TEST(pos_bsfm)
{
	three_files();
	ck_assert_int_eq(op(TC_STFSF, 1), 0);
	ck_assert_int_eq(op(TC_STFSR, 1), 0);
	ck_assert_int_eq(op(TC_X_BSFM, 1), 0);
	STATUS(1, 0, ON | TC_ST_EOF);
	TELL(4);
	ck_assert_int_eq(op(TC_STFSF, 1), 0);
	ck_assert_int_eq(op(TC_X_BSFM, 2), 0);
	STATUS(1, 0, ON | TC_ST_EOF);
	TELL(4);
}
END_TEST

/* MTNBSF n: MTBSF n+1, MTFSF 1; the first file's start is BOT (Solaris st) */
START_TEST(pos_nbsf)
{
	three_files();
	ck_assert_int_eq(op(TC_STFSF, 2), 0);
	ck_assert_int_eq(op(TC_STFSR, 1), 0);
	ck_assert_int_eq(op(TC_X_NBSF, 0), 0);
	STATUS(2, 0, ON | TC_ST_EOF);
	TELL(7);
	READ_REC(1000, 60, 6);
	ck_assert_int_eq(op(TC_X_NBSF, 1), 0);
	STATUS(1, 0, ON | TC_ST_EOF);
	TELL(4);
	READ_REC(1000, 40, 4);
	ck_assert_int_eq(op(TC_X_NBSF, 1), 0);
	STATUS(0, 0, ON | TC_ST_BOT);
	TELL(0);
	ck_assert_int_eq(op(TC_X_NBSF, 1), -EIO);
	STATUS(0, 0, ON | TC_ST_BOT);
	TELL(0);
	ck_assert_int_eq(op(TC_X_NBSF, -2), 0);		/* forward, as MTFSF 2 */
	STATUS(2, 0, ON | TC_ST_EOF);
	TELL(7);
	ck_assert_int_eq(op(TC_X_NBSF, 3), -EIO);
	STATUS(0, 0, ON | TC_ST_BOT);
	ck_assert_int_eq(op(TC_X_NBSF, 0x7fffff), -EINVAL);
}
END_TEST

/* After writing, the filemark closes the file first: NBSF 0 is its start. */
START_TEST(pos_nbsf_after_write)
{
	three_files();
	ck_assert_int_eq(op(TC_STSEOD, 1), 0);
	WRITE_OK(70, 7);
	WRITE_OK(80, 8);
	ck_assert_int_eq(op(TC_X_NBSF, 0), 0);
	STATUS(3, 0, ON | TC_ST_EOF);
	TELL(9);
	READ_REC(1000, 70, 7);
	READ_REC(1000, 80, 8);
	READ_ERR(1000, 0);
}
END_TEST

START_TEST(pos_fsfm)
{
	three_files();
	ck_assert_int_eq(op(TC_X_FSFM, 1), 0);
	STATUS(0, -1, ON);
	TELL(3);
	READ_ERR(1000, 0);
	STATUS(1, 0, ON | TC_ST_EOF);
	ck_assert_int_eq(op(TC_X_FSFM, 2), 0);
	STATUS(2, -1, ON);
	TELL(8);
}
END_TEST

START_TEST(pos_negative_counts)
{
	three_files();
	ck_assert_int_eq(op(TC_STRSF, -2), 0);
	STATUS(2, 0, ON | TC_ST_EOF);
	ck_assert_int_eq(op(TC_STFSF, -1), 0);
	STATUS(1, -1, ON);
	TELL(6);
	ck_assert_int_eq(op(TC_STFSR, -1), 0);
	TELL(5);
	ck_assert_int_eq(op(TC_STRSR, -1), 0);
	TELL(6);
}
END_TEST

/*
 * FSF 0 mid-file: st counts it as block 0 where the tape is.  A BSR past
 * that point would make st's block number negative, which no status can
 * carry: the number becomes unknown (-1).  Found by fuzz_vtape.
 */
START_TEST(pos_bsr_after_fsf0)
{
	int	i;

	for (i = 0; i < 6; i++)
		WRITE_OK(100, i);
	ck_assert_int_eq(op(TC_STREW, 1), 0);
	READ_REC(1000, 100, 0);
	READ_REC(1000, 100, 1);
	ck_assert_int_eq(op(TC_STFSF, 0), 0);
	STATUS(0, 0, ON | TC_ST_BOT);
	READ_REC(1000, 100, 2);
	STATUS(0, 1, ON);
	ck_assert_int_eq(op(TC_STRSR, 3), 0);
	STATUS(0, -1, ON);
	TELL(0);
	READ_REC(1000, 100, 0);
	STATUS(0, -1, ON);
}
END_TEST

START_TEST(pos_count_limits)
{
	three_files();
	ck_assert_int_eq(op(TC_STFSF, 0x800000), -EINVAL);
	ck_assert_int_eq(op(TC_STRSR, -0x800000), -EINVAL);
	ck_assert_int_eq(op(TC_STFSR, 0x7fffff), -EIO);
	STATUS(1, 0, ON | TC_ST_EOF);
	ck_assert_int_eq(op(TC_STWEOF, -1), -EINVAL);
	ck_assert_int_eq(op(TC_STWEOF, 0x1000000), -EINVAL);
}
END_TEST

/* r FM r FM FM r FM FM FM r: objects 0-9 */
static void
runs_of_marks(void)
{
	WRITE_OK(10, 1);
	ck_assert_int_eq(op(TC_STWEOF, 1), 0);
	WRITE_OK(10, 2);
	ck_assert_int_eq(op(TC_STWEOF, 2), 0);
	WRITE_OK(10, 3);
	ck_assert_int_eq(op(TC_STWEOF, 3), 0);
	WRITE_OK(10, 4);
	ck_assert_int_eq(op(TC_STFSR, 0), 0);
	ck_assert_int_eq(op(TC_STREW, 1), 0);
}

START_TEST(pos_fssf)
{
	runs_of_marks();
	ck_assert_int_eq(op(TC_STFSSF, 2), 0);
	TELL(5);
	STATUS(3, 0, ON | TC_ST_EOF);
	READ_REC(1000, 10, 3);
	ck_assert_int_eq(op(TC_STFSSF, 2), 0);
	TELL(8);
	ck_assert_int_eq(op(TC_STFSSF, 3), -EIO);
	TELL(10);
	STATUS(6, -1, ON | TC_ST_EOD);
}
END_TEST

START_TEST(pos_rssf)
{
	runs_of_marks();
	ck_assert_int_eq(op(TC_STSEOD, 1), 0);
	ck_assert_int_eq(op(TC_STRSSF, 2), 0);
	TELL(7);
	STATUS(4, -1, ON);
	ck_assert_int_eq(op(TC_STRSSF, 3), -EIO);
	TELL(0);
	STATUS(0, 0, ON | TC_ST_BOT);
	ck_assert_int_eq(op(TC_STSEOD, 1), 0);
	ck_assert_int_eq(op(TC_STRSSF, 3), 0);
	TELL(6);
}
END_TEST

/* writing */

START_TEST(wr_mid_tape_truncates)
{
	off_t	before;

	three_files();
	before = fsize();
	ck_assert_int_eq(before, 18 + 28 + 38 + 4 + 48 + 58 + 4 + 68 + 4);
	ck_assert_int_eq(op(TC_STFSF, 1), 0);
	WRITE_OK(5, 9);
	ck_assert_int_eq(fsize(), 18 + 28 + 38 + 4 + 14);
	ck_assert_int_eq(op(TC_STSEOD, 1), 0);
	STATUS(1, -1, ON | TC_ST_EOD);
	TELL(5);
	ck_assert_int_eq(B->close(d), 0);
	ck_assert_int_eq(fsize(), 18 + 28 + 38 + 4 + 14);
}
END_TEST

START_TEST(wr_weof)
{
	WRITE_OK(10, 1);
	ck_assert_int_eq(op(TC_STWEOF, 2), 0);
	STATUS(2, 0, ON | TC_ST_EOF);
	ck_assert_int_eq(op(TC_X_WEOFI, 1), 0);
	STATUS(3, 0, ON | TC_ST_EOF);
	WRITE_OK(10, 2);
	ck_assert_int_eq(op(TC_STWEOF, 0), 0);
	STATUS(3, 0, ON | TC_ST_EOF);
	TELL(5);
	ck_assert_int_eq(B->close(d), 0);
	ck_assert_int_eq(fsize(), 18 + 12 + 18);
}
END_TEST

START_TEST(wr_no_fm_after_weof)
{
	WRITE_OK(10, 1);
	ck_assert_int_eq(op(TC_STWEOF, 1), 0);
	ck_assert_int_eq(B->close(d), 0);
	ck_assert_int_eq(fsize(), 18 + 4);
}
END_TEST

START_TEST(wr_no_fm_after_motion)
{
	WRITE_OK(10, 1);
	ck_assert_int_eq(op(TC_STFSR, 0), 0);
	ck_assert_int_eq(B->close(d), 0);
	ck_assert_int_eq(fsize(), 18);
}
END_TEST

START_TEST(wr_fm_kept_by_nop)
{
	WRITE_OK(10, 1);
	ck_assert_int_eq(op(TC_X_NOP, 1), 0);
	ck_assert_int_eq(op(TC_STIOCHGP, 0), 0);
	ck_assert_int_eq(B->close(d), 0);
	ck_assert_int_eq(fsize(), 18 + 4);
	STATUS(1, 0, ON | TC_ST_EOF);
}
END_TEST

/* TCX_FLUSH keeps the writing state: close still writes the filemark */
START_TEST(wr_fm_kept_by_flush)
{
	WRITE_OK(10, 1);
	ck_assert_int_eq(op(TC_X_FLUSH, 0), 0);
	ck_assert_int_eq(fsize(), 18);
	WRITE_OK(20, 2);
	ck_assert_int_eq(B->close(d), 0);
	ck_assert_int_eq(fsize(), 18 + 28 + 4);
	STATUS(1, 0, ON | TC_ST_EOF);
}
END_TEST

/* Solaris MTGRSZ: the block size, 0 in variable mode; nothing moves */
START_TEST(wr_grsz)
{
	opres = 12345;
	ck_assert_int_eq(op(TC_X_GRSZ, 0), 0);
	ck_assert_int_eq(opres, 0);
	ck_assert_int_eq(op(TC_STIOCHGP, 512), 0);
	ck_assert_int_eq(op(TC_X_GRSZ, 0), 0);
	ck_assert_int_eq(opres, 512);
	WRITE_OK(1024, 1);
	ck_assert_int_eq(op(TC_X_GRSZ, 0), 0);
	ck_assert_int_eq(opres, 512);
	STATUS(0, 2, ON);
	ck_assert_int_eq(B->close(d), 0);
	ck_assert_int_eq(fsize(), 2 * (8 + 512) + 4);
}
END_TEST

START_TEST(wr_rewind_writes_fm)
{
	WRITE_OK(10, 1);
	ck_assert_int_eq(op(TC_STREW, 1), 0);
	ck_assert_int_eq(fsize(), 18 + 4);
	ck_assert_int_eq(B->close(d), 0);
	ck_assert_int_eq(fsize(), 18 + 4);
}
END_TEST

START_TEST(wr_bsf_writes_fm)
{
	/* the filemark closes the file, and the count covers it */
	WRITE_OK(10, 1);
	ck_assert_int_eq(op(TC_STRSF, 1), -EIO);
	ck_assert_int_eq(fsize(), 18 + 4);
	STATUS(0, 0, ON | TC_ST_BOT);
	ck_assert_int_eq(op(TC_STSEOD, 1), 0);
	WRITE_OK(10, 2);
	ck_assert_int_eq(op(TC_STRSF, 1), 0);
	ck_assert_int_eq(fsize(), 18 + 4 + 18 + 4);
	STATUS(0, -1, ON);
	TELL(1);
}
END_TEST

START_TEST(wr_close_rewind)
{
	ck_assert_int_eq(B->close(d), 0);
	ck_assert_int_eq(B->open(d, TC_OPEN_WRONLY | TC_OPEN_REWIND), 0);
	WRITE_OK(10, 1);
	ck_assert_int_eq(B->close(d), 0);
	ck_assert_int_eq(fsize(), 18 + 4);
	ck_assert_int_eq(B->open(d, TC_OPEN_RDONLY), 0);
	STATUS(0, 0, ON | TC_ST_BOT);
	TELL(0);
	ck_assert_int_eq(B->close(d), 0);
	ck_assert_int_eq(B->open(d, TC_OPEN_WRONLY), 0);
	WRITE_OK(10, 1);
	ck_assert_int_eq(B->close(d), 0);
	ck_assert_int_eq(B->open(d, TC_OPEN_RDONLY), 0);
	STATUS(1, 0, ON | TC_ST_EOF);
	TELL(2);
}
END_TEST

START_TEST(wr_persist)
{
	three_files();
	ck_assert_int_eq(op(TC_STIOCHGP, 10), 0);
	ck_assert_int_eq(op(TC_X_SETDENSITY, 0x44), 0);
	ck_assert_int_eq(op(TC_STFSF, 1), 0);
	ck_assert_int_eq(B->close(d), 0);
	ck_assert_int_eq(B->open(d, TC_OPEN_RDONLY), 0);
	{
		struct tc_status s;

		ck_assert_int_eq(B->status(d, &s), 0);
		ck_assert_uint_eq(s.blksize, 10);
		ck_assert_uint_eq(s.density, 0x44);
		ck_assert_int_eq(s.fileno, 1);
		ck_assert_int_eq(s.blkno, 0);
		ck_assert_uint_eq(s.min_block, 1);
		ck_assert_uint_eq(s.max_block, DEF_MAX_BLOCK);
	}
	TELL(4);
}
END_TEST

START_TEST(wr_rdonly_open)
{
	three_files();
	ck_assert_int_eq(B->close(d), 0);
	ck_assert_int_eq(B->open(d, TC_OPEN_RDONLY), 0);
	ck_assert_int_eq(wr(10, 1), -EACCES);
	ck_assert_int_eq(op(TC_STWEOF, 1), -EACCES);
	ck_assert_int_eq(op(TC_STERASE, 1), -EACCES);
	STATUS(0, 0, ON | TC_ST_BOT);
	READ_REC(1000, 10, 1);
}
END_TEST

START_TEST(wr_erase)
{
	three_files();
	ck_assert_int_eq(op(TC_STFSF, 1), 0);
	ck_assert_int_eq(op(TC_STFSR, 1), 0);
	ck_assert_int_eq(op(TC_STERASE, 1), 0);
	ck_assert_int_eq(fsize(), 18 + 28 + 38 + 4 + 48);
	STATUS(1, 1, ON);
	READ_ERR(1000, -EIO);
	ck_assert_int_eq(op(TC_STREW, 1), 0);
	ck_assert_int_eq(op(TC_STSEOD, 1), 0);
	STATUS(1, -1, ON | TC_ST_EOD);
	TELL(5);
}
END_TEST

START_TEST(wr_other_ops)
{
	struct tc_status s;

	ck_assert_int_eq(op(TC_X_SETDENSITY, 256), -EINVAL);
	ck_assert_int_eq(op(TC_X_COMPRESSION, 1), 0);
	STATUS(0, 0, ON | TC_ST_BOT | TC_ST_COMPRESS);
	ck_assert_int_eq(op(TC_X_COMPRESSION, 0), 0);
	ck_assert_int_eq(B->status(d, &s), 0);
	ck_assert_uint_eq(s.density, 0);
	ck_assert_uint_eq(s.partition, 0);
	ck_assert_uint_eq(s.softerr, 0);
	ck_assert_int_eq(op(TC_X_SETPART, 0), 0);
	ck_assert_int_eq(op(TC_X_SETPART, 1), -EINVAL);
	ck_assert_int_eq(op(TC_X_MKPART, 1), -EINVAL);
	ck_assert_int_eq(op(TC_X_WSM, 1), -EIO);
	ck_assert_int_eq(op(TC_X_FSS, 1), -EIO);
	ck_assert_int_eq(op(TC_X_BSS, 1), -EIO);
	ck_assert_int_eq(op(TC_STERASEGAP, 1), -EIO);
	ck_assert_int_eq(op(TC_X_RESET, 0), -ENOSYS);
	ck_assert_int_eq(op(TC_X_DRVOPTS, 0x10000000), -EPERM);
	ck_assert_int_eq(op(TC_X_CACHE, 0), 0);
	ck_assert_int_eq(op(TC_X_NOCACHE, 0), 0);
	ck_assert_int_eq(op(TC_X_LOCK, 0), 0);
	ck_assert_int_eq(op(TC_X_UNLOCK, 0), 0);
	ck_assert_int_eq(op(TC_STTUR, 0), 0);
	ck_assert_int_eq(op(0x7777, 0), -ENOSYS);
	STATUS(0, 0, ON | TC_ST_BOT);
	ck_assert_int_eq(fsize(), 0);
}
END_TEST

START_TEST(wr_inject_failure)
{
	dc.fail_write_at = 2;
	reload();
	ck_assert_int_eq(B->open(d, TC_OPEN_RDWR), 0);
	WRITE_OK(10, 1);
	ck_assert_int_eq(wr(10, 2), -EIO);
	ck_assert_int_eq(fsize(), 18);
	STATUS(0, -1, ON);
	TELL(1);
	WRITE_OK(10, 3);
	ck_assert_int_eq(B->close(d), 0);
	ck_assert_int_eq(fsize(), 18 + 18 + 4);
	ck_assert_int_eq(op(TC_STREW, 1), 0);
	READ_REC(100, 10, 1);
	READ_REC(100, 10, 3);
}
END_TEST

/* early warning and end of medium */

START_TEST(eom_alternates)
{
	int	i;

	dc.capacity = 1000;
	dc.early_warning = 300;
	reload();
	ck_assert_int_eq(B->open(d, TC_OPEN_RDWR), 0);
	for (i = 0; i < 6; i++)
		WRITE_OK(100, i);
	STATUS(0, 6, ON);
	WRITE_OK(100, 6);		/* ends at 756, past 700 */
	STATUS(0, 7, ON | TC_ST_EOT);
	ck_assert_int_eq(wr(100, 7), -ENOSPC);
	STATUS(0, 7, ON | TC_ST_EOD);
	WRITE_OK(100, 7);
	STATUS(0, 8, ON | TC_ST_EOT);
	ck_assert_int_eq(wr(100, 8), -ENOSPC);
	WRITE_OK(100, 8);		/* ends at 972 */
	ck_assert_int_eq(wr(100, 9), -ENOSPC);
	ck_assert_int_eq(wr(100, 9), -ENOSPC);	/* would end at 1080 */
	STATUS(0, 9, ON | TC_ST_EOT);
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(wr(100, 9), -ENOSPC);
	ck_assert_int_eq(fsize(), 972);
	ck_assert_int_eq(op(TC_STWEOF, 10), 0);
	ck_assert_int_eq(fsize(), 1012);
	STATUS(10, 0, ON | TC_ST_EOF);
	ck_assert_int_eq(wr(1, 9), -ENOSPC);
	ck_assert_int_eq(op(TC_STREW, 1), 0);
	for (i = 0; i < 9; i++)
		READ_REC(1000, 100, i);
}
END_TEST

START_TEST(eom_fixed_partial)
{
	dc.capacity = 3000;
	dc.early_warning = 1000;
	reload();
	ck_assert_int_eq(B->open(d, TC_OPEN_RDWR), 0);
	ck_assert_int_eq(op(TC_STIOCHGP, 512), 0);
	ck_assert_int_eq(wr(2048, 1), 2048);	/* ends at 2080: EOM */
	STATUS(0, 4, ON | TC_ST_EOT);
	ck_assert_int_eq(wr(2048, 2), -ENOSPC);
	ck_assert_int_eq(wr(2048, 2), 512);	/* 2600, then overflow */
	STATUS(0, 5, ON | TC_ST_EOT);
	ck_assert_int_eq(fsize(), 2600);
	ck_assert_int_eq(wr(512, 3), -ENOSPC);
	ck_assert_int_eq(wr(512, 3), -ENOSPC);
}
END_TEST

/* fixed block mode */

START_TEST(fix_write_blocks)
{
	ck_assert_int_eq(op(TC_STIOCHGP, 512), 0);
	ck_assert_int_eq(wr(2048, 1), 2048);
	ck_assert_int_eq(wr(1000, 1), -EINVAL);
	STATUS(0, 4, ON);
	ck_assert_int_eq(fsize(), 4 * 520);
	ck_assert_int_eq(op(TC_STIOCHGP, 0), 0);
	ck_assert_int_eq(op(TC_STREW, 1), 0);
	READ_REC(4096, 512, 1);
	pattern(wbuf, 2048, 1);
	ck_assert_mem_eq(rbuf, wbuf, 512);
	ck_assert_int_eq(B->read(d, rbuf, 4096), 512);
	ck_assert_mem_eq(rbuf, wbuf + 512, 512);
	WRITE_OK(3, 5);
	ck_assert_int_eq(fsize(), 2 * 520 + 12);
}
END_TEST

START_TEST(fix_partial_reads)
{
	uint8_t	all[2560];

	ck_assert_int_eq(op(TC_STIOCHGP, 512), 0);
	ck_assert_int_eq(wr(2048, 1), 2048);
	memcpy(all, wbuf, 2048);
	ck_assert_int_eq(op(TC_STWEOF, 1), 0);
	ck_assert_int_eq(wr(512, 2), 512);
	memcpy(all + 2048, wbuf, 512);
	ck_assert_int_eq(op(TC_STWEOF, 1), 0);
	ck_assert_int_eq(op(TC_STREW, 1), 0);
	ck_assert_int_eq(B->read(d, rbuf, 100), 100);
	ck_assert_mem_eq(rbuf, all, 100);
	ck_assert_int_eq(B->read(d, rbuf, 500), 500);
	ck_assert_mem_eq(rbuf, all + 100, 500);
	ck_assert_int_eq(B->read(d, rbuf, 4096), 1448);
	ck_assert_mem_eq(rbuf, all + 600, 1448);
	READ_ERR(4096, 0);
	STATUS(1, 0, ON | TC_ST_EOF);
	ck_assert_int_eq(B->read(d, rbuf, 4096), 512);
	ck_assert_mem_eq(rbuf, all + 2048, 512);
	READ_ERR(4096, 0);
	READ_ERR(4096, 0);
	READ_ERR(4096, -EIO);
}
END_TEST

START_TEST(fix_status_backs_up)
{
	uint8_t	all[2048];

	ck_assert_int_eq(op(TC_STIOCHGP, 512), 0);
	ck_assert_int_eq(wr(2048, 1), 2048);
	memcpy(all, wbuf, 2048);
	ck_assert_int_eq(op(TC_STWEOF, 1), 0);
	ck_assert_int_eq(op(TC_STREW, 1), 0);
	ck_assert_int_eq(B->read(d, rbuf, 1024), 1024);
	STATUS(0, 2, ON);
	TELL(2);
	ck_assert_int_eq(B->read(d, rbuf, 4096), 1024);
	ck_assert_mem_eq(rbuf, all + 1024, 1024);
	READ_ERR(512, 0);
	STATUS(1, 0, ON | TC_ST_EOF);
}
END_TEST

START_TEST(fix_write_after_partial_read)
{
	ck_assert_int_eq(op(TC_STIOCHGP, 512), 0);
	ck_assert_int_eq(wr(1024, 1), 1024);
	ck_assert_int_eq(op(TC_STWEOF, 1), 0);
	ck_assert_int_eq(op(TC_STREW, 1), 0);
	ck_assert_int_eq(B->read(d, rbuf, 512), 512);
	ck_assert_int_eq(op(TC_STWEOF, 1), 0);
	ck_assert_int_eq(fsize(), 520 + 4);
	STATUS(1, 0, ON | TC_ST_EOF);
}
END_TEST

START_TEST(fix_fsf_after_readahead_hit)
{
	ck_assert_int_eq(op(TC_STIOCHGP, 512), 0);
	ck_assert_int_eq(wr(1024, 1), 1024);
	ck_assert_int_eq(op(TC_STWEOF, 1), 0);
	ck_assert_int_eq(wr(1024, 2), 1024);
	ck_assert_int_eq(op(TC_STWEOF, 1), 0);
	ck_assert_int_eq(op(TC_STREW, 1), 0);
	ck_assert_int_eq(B->read(d, rbuf, 512), 512);
	ck_assert_int_eq(op(TC_STFSF, 1), 0);
	STATUS(1, 0, ON | TC_ST_EOF);
	TELL(3);
	ck_assert_int_eq(B->read(d, rbuf, 512), 512);
	ck_assert_int_eq(op(TC_STRSF, 1), 0);
	STATUS(0, -1, ON);
	TELL(2);
}
END_TEST

START_TEST(fix_wrong_size)
{
	WRITE_OK(100, 1);
	ck_assert_int_eq(op(TC_STREW, 1), 0);
	ck_assert_int_eq(op(TC_STIOCHGP, 512), 0);
	READ_ERR(512, -EIO);
	STATUS(0, 0, ON | TC_ST_BOT);
	TELL(0);
	ck_assert_int_eq(op(TC_STIOCHGP, 0), 0);
	READ_REC(512, 100, 1);
}
END_TEST

START_TEST(fix_wrong_size_after_blocks)
{
	ck_assert_int_eq(op(TC_STIOCHGP, 512), 0);
	ck_assert_int_eq(wr(1024, 1), 1024);
	ck_assert_int_eq(op(TC_STIOCHGP, 0), 0);
	WRITE_OK(100, 2);
	ck_assert_int_eq(op(TC_STREW, 1), 0);
	ck_assert_int_eq(op(TC_STIOCHGP, 512), 0);
	ck_assert_int_eq(B->read(d, rbuf, 4096), 1024);
	READ_ERR(4096, -EIO);
	TELL(2);
	STATUS(0, 2, ON);
}
END_TEST

START_TEST(fix_limits)
{
	dc.min_block = 2;
	dc.max_block = 65536;
	reload();
	ck_assert_int_eq(B->open(d, TC_OPEN_RDWR), 0);
	ck_assert_int_eq(op(TC_STIOCHGP, 1), -EINVAL);
	ck_assert_int_eq(op(TC_STIOCHGP, 65537), -EINVAL);
	ck_assert_int_eq(op(TC_STIOCHGP, 0x1000000), -EINVAL);
	ck_assert_int_eq(op(TC_STIOCHGP, -1), -EINVAL);
	ck_assert_int_eq(op(TC_STIOCHGP, 65536), 0);
	ck_assert_int_eq(op(TC_STIOCHGP, 2), 0);
	ck_assert_int_eq(wr(6, 1), 6);
	ck_assert_int_eq(fsize(), 3 * 10);
}
END_TEST

/* medium */

START_TEST(med_offline)
{
	struct tc_status s;
	uint64_t	 pos;

	ck_assert_int_eq(op(TC_STOFFL, 1), 0);
	ck_assert_int_eq(B->status(d, &s), 0);
	ck_assert_uint_eq(s.flags, TC_ST_NOMEDIUM | TC_ST_IMREP);
	ck_assert_int_eq(s.fileno, -1);
	ck_assert_int_eq(s.blkno, -1);
	READ_ERR(100, -ENOMEDIUM);
	ck_assert_int_eq(wr(100, 1), -ENOMEDIUM);
	ck_assert_int_eq(op(TC_STFSF, 1), -ENOMEDIUM);
	ck_assert_int_eq(op(TC_STREW, 1), -ENOMEDIUM);
	ck_assert_int_eq(op(TC_STWEOF, 1), -ENOMEDIUM);
	ck_assert_int_eq(op(TC_STTUR, 0), -ENOMEDIUM);
	ck_assert_int_eq(op(TC_STOFFL, 1), -ENOMEDIUM);
	ck_assert_int_eq(B->position(d, &pos), -EIO);
	ck_assert_int_eq(B->close(d), 0);
	ck_assert_int_eq(B->open(d, TC_OPEN_RDONLY), -ENOMEDIUM);
	ck_assert_int_eq(B->open(d, TC_OPEN_RDWR | TC_OPEN_NONBLOCK), 0);
	ck_assert_int_eq(op(TC_STLOAD, 1), 0);
	STATUS(0, 0, ON | TC_ST_BOT);
	ck_assert_int_eq(op(TC_STTUR, 0), 0);
}
END_TEST

START_TEST(med_offline_after_write)
{
	WRITE_OK(10, 1);
	ck_assert_int_eq(op(TC_STOFFL, 1), 0);
	ck_assert_int_eq(fsize(), 18 + 4);
	ck_assert_int_eq(op(TC_STINSRT, 1), 0);
	WRITE_OK(10, 2);
	ck_assert_int_eq(op(TC_STEJECT, 1), 0);
	ck_assert_int_eq(fsize(), 18);
	ck_assert_int_eq(B->close(d), 0);
}
END_TEST

START_TEST(med_nonblock_rewind_close)
{
	ck_assert_int_eq(op(TC_STOFFL, 1), 0);
	ck_assert_int_eq(B->close(d), 0);
	ck_assert_int_eq(B->open(d, TC_OPEN_RDONLY | TC_OPEN_NONBLOCK |
	    TC_OPEN_REWIND), 0);
	ck_assert_int_eq(B->close(d), -ENOMEDIUM);
}
END_TEST

START_TEST(med_swap)
{
	uint8_t	c[32];
	size_t	n;

	WRITE_OK(10, 1);
	ck_assert_int_eq(op(TC_STOFFL, 1), 0);
	n = put32(c, 0, 2);
	c[n++] = 'h';
	c[n++] = 'i';
	n = put32(c, n, 2);
	append(c, n);
	ck_assert_int_eq(op(TC_STLOAD, 1), 0);
	READ_REC(100, 10, 1);
	READ_REC(100, 0, 0);	/* the filemark the unload wrote */
	ck_assert_int_eq(B->read(d, rbuf, 100), 2);
	ck_assert_mem_eq(rbuf, "hi", 2);
}
END_TEST

/* write protection */

START_TEST(prot_tab)
{
	three_files();
	ck_assert_int_eq(B->close(d), 0);
	dc.write_protect = 1;
	reload();
	ck_assert_int_eq(B->open(d, TC_OPEN_RDWR), -EROFS);
	ck_assert_int_eq(B->open(d, TC_OPEN_WRONLY), -EROFS);
	ck_assert_int_eq(B->open(d, TC_OPEN_RDONLY), 0);
	STATUS(0, 0, ON | TC_ST_BOT | TC_ST_WRPROT);
	ck_assert_int_eq(B->close(d), 0);
	ck_assert_int_eq(B->open(d, TC_OPEN_RDWR | TC_OPEN_NONBLOCK), 0);
	ck_assert_int_eq(wr(10, 1), -EACCES);
	ck_assert_int_eq(op(TC_STWEOF, 1), -EACCES);
	ck_assert_int_eq(op(TC_X_WEOFI, 1), -EACCES);
	ck_assert_int_eq(op(TC_X_WSM, 1), -EACCES);
	ck_assert_int_eq(op(TC_STERASE, 1), -EACCES);
	READ_REC(100, 10, 1);
	ck_assert_int_eq(op(TC_STSEOD, 1), 0);
	STATUS(3, -1, ON | TC_ST_EOD | TC_ST_WRPROT);
	ck_assert_int_eq(B->close(d), 0);
	ck_assert_int_eq(fsize(), 18 + 28 + 38 + 4 + 48 + 58 + 4 + 68 + 4);
}
END_TEST

/* recovery of a cartridge a killed daemon left */

static void
torn(int cut)
{
	uint8_t	tail[64];
	size_t	n;
	off_t	good;

	WRITE_OK(5, 1);
	WRITE_OK(100, 2);
	ck_assert_int_eq(op(TC_STWEOF, 1), 0);
	WRITE_OK(7, 3);
	B->free(d);
	d = NULL;
	good = fsize();
	ck_assert_int_eq(good, 14 + 108 + 4 + 16);
	n = put32(tail, 0, 50);
	memset(tail + n, 0xa5, 50);
	put32(tail, 54, cut == 3 ? 51 : 50);
	switch (cut) {
	case 0:		/* inside the header */
		n = 2;
		break;
	case 1:		/* inside the data */
		n = 24;
		break;
	case 2:		/* inside the trailer */
		n = 56;
		break;
	default:	/* complete, but the trailer is not the header */
		n = 58;
		break;
	}
	append(tail, n);
	new_drive();
	ck_assert_int_eq(fsize(), good);
	ck_assert_int_eq(B->open(d, TC_OPEN_RDWR), 0);
	STATUS(0, 0, ON | TC_ST_BOT);
	READ_REC(1000, 5, 1);
	READ_REC(1000, 100, 2);
	READ_ERR(1000, 0);
	READ_REC(1000, 7, 3);
	READ_ERR(1000, -EIO);
	WRITE_OK(9, 4);
	ck_assert_int_eq(fsize(), good + 18);
}

START_TEST(rcv_torn_tail)
{
	torn(_i);
}
END_TEST

START_TEST(rcv_torn_filemark)
{
	static const uint8_t zero[3];
	off_t	good;

	WRITE_OK(5, 1);
	B->free(d);
	d = NULL;
	good = fsize();
	append(zero, sizeof(zero));
	new_drive();
	ck_assert_int_eq(fsize(), good);
	ck_assert_int_eq(B->open(d, TC_OPEN_RDWR), 0);
	READ_REC(1000, 5, 1);
	READ_ERR(1000, -EIO);
}
END_TEST

START_TEST(rcv_damaged_middle)
{
	uint8_t	bad[4];
	off_t	size;
	int	fd;

	WRITE_OK(5, 1);
	WRITE_OK(100, 2);
	WRITE_OK(7, 3);
	B->free(d);
	d = NULL;
	size = fsize();
	put32(bad, 0, 99);
	ck_assert_int_ne(fd = open(path, O_WRONLY), -1);
	ck_assert_int_eq(pwrite(fd, bad, 4, 14 + 104), 4);
	close(fd);
	new_drive();
	ck_assert_int_eq(fsize(), size);
	ck_assert_int_eq(B->open(d, TC_OPEN_RDWR), -EROFS);
	ck_assert_int_eq(B->open(d, TC_OPEN_RDONLY), 0);
	STATUS(0, 0, ON | TC_ST_BOT | TC_ST_WRPROT);
	READ_REC(1000, 5, 1);
	READ_ERR(1000, -EIO);
	ck_assert_int_eq(op(TC_STSEOD, 1), 0);
	TELL(1);
	ck_assert_int_eq(fsize(), size);
}
END_TEST

/* a cartridge from elsewhere */

START_TEST(foreign_markers)
{
	uint8_t	c[128];
	size_t	n = 0, eod;

	n = put32(c, n, 0xfffffffe);		/* erase gap */
	n = put32(c, n, 3);			/* odd length: a pad byte */
	memcpy(c + n, "abc", 3);
	c[n + 3] = 0;
	n = put32(c, n + 4, 3);
	n = put32(c, n, 0x80000005);		/* bad data */
	memcpy(c + n, "12345", 5);
	c[n + 5] = 0;
	n = put32(c, n + 6, 0x80000005);
	n = put32(c, n, 0);			/* tapemark */
	n = put32(c, n, 0xfffffffe);
	n = put32(c, n, 2);
	memcpy(c + n, "ok", 2);
	n = put32(c, n + 2, 2);
	eod = n;
	n = put32(c, n, 0xffffffff);		/* end of medium */
	n = put32(c, n, 0x12345678);		/* beyond it */
	cartridge(c, n);
	ck_assert_int_eq(B->read(d, rbuf, 100), 3);
	ck_assert_mem_eq(rbuf, "abc", 3);
	READ_ERR(100, -EIO);			/* the bad record, consumed */
	STATUS(0, -1, ON);
	READ_ERR(100, 0);
	STATUS(1, 0, ON | TC_ST_EOF);
	ck_assert_int_eq(B->read(d, rbuf, 100), 2);
	ck_assert_mem_eq(rbuf, "ok", 2);
	READ_ERR(100, -EIO);
	TELL(4);
	ck_assert_int_eq(op(TC_STRSR, 1), 0);
	TELL(3);
	ck_assert_int_eq(op(TC_STSEOD, 1), 0);
	ck_assert_int_eq(B->write(d, "new", 3), 3);
	ck_assert_int_eq(fsize(), (off_t)(eod + 12));
	ck_assert_int_eq(op(TC_X_SEEK, 3), 0);
	ck_assert_int_eq(B->read(d, rbuf, 100), 2);
	ck_assert_int_eq(B->read(d, rbuf, 100), 3);
	ck_assert_mem_eq(rbuf, "new", 3);
}
END_TEST

START_TEST(foreign_unsupported)
{
	uint8_t	c[64];
	size_t	n = 0;

	n = put32(c, n, 1);
	c[n] = 'z';
	c[n + 1] = 0;
	n = put32(c, n + 2, 1);
	n = put32(c, n, 0x70000004);		/* a private marker */
	n = put32(c, n, 0);
	cartridge(c, n);
	STATUS(0, 0, ON | TC_ST_BOT);
	ck_assert_int_eq(op(TC_STSEOD, 1), 0);
	TELL(1);
	STATUS(0, -1, ON | TC_ST_EOD);
	ck_assert_int_eq(fsize(), (off_t)n);
}
END_TEST

/* configuration */

START_TEST(conf_check)
{
	struct drive_conf c;
	char	err[256];

	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(B->check(&c, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "vtape needs a path");
	c.path = path;
	ck_assert_int_eq(B->check(&c, err, sizeof(err)), 0);
	c.capacity = DEF_VTAPE_EW;
	ck_assert_int_eq(B->check(&c, err, sizeof(err)), -EINVAL);
	c.early_warning = 100;
	ck_assert_int_eq(B->check(&c, err, sizeof(err)), 0);
	c.min_block = 1000;
	c.max_block = 999;
	ck_assert_int_eq(B->check(&c, err, sizeof(err)), -EINVAL);
	c.min_block = 0;
	c.max_block = TC_MAX_RECORD + 1;
	ck_assert_int_eq(B->check(&c, err, sizeof(err)), -EINVAL);
	c.max_block = TC_MAX_RECORD;
	ck_assert_int_eq(B->check(&c, err, sizeof(err)), 0);
	c.density = 256;
	ck_assert_int_eq(B->check(&c, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_null(B->new(&c, err, sizeof(err)));
}
END_TEST

START_TEST(conf_new_file)
{
	struct stat sb;
	char	err[256];
	void	*d2;

	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 07777, 0600);
	ck_assert_int_eq(sb.st_size, 0);
	ck_assert_ptr_null(d2 = B->new(&dc, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "in use"));
}
END_TEST

static TCase *
tcase(const char *name)
{
	TCase	*tc = tcase_create(name);

	tcase_add_unchecked_fixture(tc, dir_setup, dir_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	return tc;
}

static Suite *
vtape_suite(void)
{
	Suite	*s = suite_create("vtape");
	TCase	*tc;

	tc = tcase("records");
	tcase_add_test(tc, rec_sizes);
	tcase_add_test(tc, rec_simh_bytes);
	tcase_add_test(tc, rec_enomem_consumes);
	tcase_add_test(tc, rec_filemark_once);
	tcase_add_test(tc, rec_eod_after_filemark);
	tcase_add_test(tc, rec_eod_without_filemark);
	tcase_add_test(tc, rec_limits);
	tcase_add_test(tc, rec_read_after_write);
	tcase_add_test(tc, rec_stays_after_close);
	suite_add_tcase(s, tc);

	tc = tcase("positioning");
	tcase_add_test(tc, pos_fsf);
	tcase_add_test(tc, pos_fsf_eod);
	tcase_add_test(tc, pos_bsf);
	tcase_add_test(tc, pos_bsf_bot);
	tcase_add_test(tc, pos_fsr);
	tcase_add_test(tc, pos_fsr_eod);
	tcase_add_test(tc, pos_bsr);
	tcase_add_test(tc, pos_bsr_filemark);
	tcase_add_test(tc, pos_eod);
	tcase_add_test(tc, pos_rewind);
	tcase_add_test(tc, pos_seek_tell);
	tcase_add_test(tc, pos_bsfm);
	tcase_add_test(tc, pos_nbsf);
	tcase_add_test(tc, pos_nbsf_after_write);
	tcase_add_test(tc, pos_fsfm);
	tcase_add_test(tc, pos_negative_counts);
	tcase_add_test(tc, pos_bsr_after_fsf0);
	tcase_add_test(tc, pos_count_limits);
	tcase_add_test(tc, pos_fssf);
	tcase_add_test(tc, pos_rssf);
	suite_add_tcase(s, tc);

	tc = tcase("writing");
	tcase_add_test(tc, wr_mid_tape_truncates);
	tcase_add_test(tc, wr_weof);
	tcase_add_test(tc, wr_no_fm_after_weof);
	tcase_add_test(tc, wr_no_fm_after_motion);
	tcase_add_test(tc, wr_fm_kept_by_nop);
	tcase_add_test(tc, wr_fm_kept_by_flush);
	tcase_add_test(tc, wr_grsz);
	tcase_add_test(tc, wr_rewind_writes_fm);
	tcase_add_test(tc, wr_bsf_writes_fm);
	tcase_add_test(tc, wr_close_rewind);
	tcase_add_test(tc, wr_persist);
	tcase_add_test(tc, wr_rdonly_open);
	tcase_add_test(tc, wr_erase);
	tcase_add_test(tc, wr_other_ops);
	tcase_add_test(tc, wr_inject_failure);
	suite_add_tcase(s, tc);

	tc = tcase("early-warning");
	tcase_add_test(tc, eom_alternates);
	tcase_add_test(tc, eom_fixed_partial);
	suite_add_tcase(s, tc);

	tc = tcase("fixed");
	tcase_add_test(tc, fix_write_blocks);
	tcase_add_test(tc, fix_partial_reads);
	tcase_add_test(tc, fix_status_backs_up);
	tcase_add_test(tc, fix_write_after_partial_read);
	tcase_add_test(tc, fix_fsf_after_readahead_hit);
	tcase_add_test(tc, fix_wrong_size);
	tcase_add_test(tc, fix_wrong_size_after_blocks);
	tcase_add_test(tc, fix_limits);
	suite_add_tcase(s, tc);

	tc = tcase("medium");
	tcase_add_test(tc, med_offline);
	tcase_add_test(tc, med_offline_after_write);
	tcase_add_test(tc, med_nonblock_rewind_close);
	tcase_add_test(tc, med_swap);
	suite_add_tcase(s, tc);

	tc = tcase("protection");
	tcase_add_test(tc, prot_tab);
	suite_add_tcase(s, tc);

	tc = tcase("recovery");
	tcase_add_loop_test(tc, rcv_torn_tail, 0, 4);
	tcase_add_test(tc, rcv_torn_filemark);
	tcase_add_test(tc, rcv_damaged_middle);
	suite_add_tcase(s, tc);

	tc = tcase("foreign");
	tcase_add_test(tc, foreign_markers);
	tcase_add_test(tc, foreign_unsupported);
	suite_add_tcase(s, tc);

	tc = tcase("config");
	tcase_add_test(tc, conf_check);
	tcase_add_test(tc, conf_new_file);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(vtape_suite());
	int	 nfail;

	srunner_run_all(sr, CK_NORMAL);
	nfail = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfail == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
