/*
 * backend_st.c -- a tape drive behind the Linux st driver (a /dev/nstN
 * node, or anything that answers the mtio ioctls, such as a tctape(8)
 * node).  The tape driver keeps the drive's state; this file passes the
 * calls through and gives back the driver's own errno.
 */
#include <sys/ioctl.h>
#include <sys/mtio.h>
#include <sys/stat.h>

#include <scsi/sg.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tclientd.h"

#ifndef GMT_CLN
#define GMT_CLN(x)	((x) & 0x00008000)	/* <linux/mtio.h>; not in glibc */
#endif

#ifndef MTWEOFI
#define MTWEOFI		35	/* <linux/mtio.h>; not in glibc */
#endif

#define SPACE_MAX	0x7fffff	/* SCSI SPACE: a signed 24-bit count */
#define COUNT24_MAX	0xffffff	/* WRITE FILEMARKS: 24 bits */
#define RBL_TIMEOUT_MS	30000

struct stdrv {
	char		*path;
	int		 fd;		/* -1 while no client has it open */
	int		 oflags;	/* TC_OPEN_* */
	uint32_t	 conf_min;	/* block-limits */
	uint32_t	 conf_max;
	uint32_t	 min_block;	/* this open's */
	uint32_t	 max_block;
};

static int
st_check(const struct drive_conf *dc, char *err, size_t errlen)
{
	struct stat	sb;

	if (dc->path == NULL || *dc->path == '\0')
		snprintf(err, errlen, "st needs a path");
	else if (stat(dc->path, &sb) == 0 && S_ISDIR(sb.st_mode))
		snprintf(err, errlen, "path %s is a directory, not a tape "
		    "device (use the non-rewinding node, such as /dev/nst0)",
		    dc->path);
	else if (dc->max_block > TC_MAX_RECORD)
		snprintf(err, errlen, "max_block %u is larger than %u",
		    dc->max_block, TC_MAX_RECORD);
	else
		return 0;
	return -EINVAL;
}

/* Nothing is opened here: the node is the drive's only while in use. */
static void *
st_new(const struct drive_conf *dc, char *err, size_t errlen)
{
	struct stdrv	*s;

	if (st_check(dc, err, errlen) != 0)
		return NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->path = strdup(dc->path)) == NULL) {
		free(s);
		tc_strlcpy(err, "out of memory", errlen);
		return NULL;
	}
	s->fd = -1;
	s->conf_min = dc->min_block;
	s->conf_max = dc->max_block;
	return s;
}

/*
 * The answer to SCSI READ BLOCK LIMITS (SSC): granularity, a 24-bit
 * maximum and a 16-bit minimum block length.  A maximum of 0 means the
 * drive sets none.  -1 if the data cannot be an answer.
 */
int
st_block_limits(const uint8_t *d, size_t len, uint32_t *min, uint32_t *max)
{
	uint32_t	lo, hi;

	if (len < 6)
		return -1;
	hi = (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
	lo = (uint32_t)d[4] << 8 | d[5];
	if (hi != 0 && lo > hi)
		return -1;
	*min = lo;
	*max = hi;
	return 0;
}

/* READ BLOCK LIMITS through SG_IO; -1 if the node or the drive refuses. */
static int
read_block_limits(int fd, uint32_t *min, uint32_t *max)
{
	uint8_t		cdb[6] = { 0x05, 0, 0, 0, 0, 0 };
	uint8_t		data[6], sense[32];
	sg_io_hdr_t	io;

	memset(&io, 0, sizeof(io));
	memset(data, 0, sizeof(data));
	io.interface_id = 'S';
	io.dxfer_direction = SG_DXFER_FROM_DEV;
	io.cmd_len = sizeof(cdb);
	io.cmdp = cdb;
	io.dxfer_len = sizeof(data);
	io.dxferp = data;
	io.mx_sb_len = sizeof(sense);
	io.sbp = sense;
	io.timeout = RBL_TIMEOUT_MS;
	if (ioctl(fd, SG_IO, &io) == -1 ||
	    (io.info & SG_INFO_OK_MASK) != SG_INFO_OK ||
	    io.status != 0 || io.host_status != 0 || io.driver_status != 0 ||
	    io.resid < 0 || (size_t)io.resid > sizeof(data))
		return -1;
	return st_block_limits(data, sizeof(data) - (size_t)io.resid, min,
	    max);
}

/*
 * From the drive if it tells, else block-limits (whose default, 1 to the
 * SSC's largest, stands for unknown).
 */
static void
find_block_limits(struct stdrv *s)
{
	uint32_t	lo, hi;

	s->min_block = s->conf_min;
	s->max_block = s->conf_max;
	if (read_block_limits(s->fd, &lo, &hi) == -1) {
		log_debug("%s: no READ BLOCK LIMITS; block limits %u-%u from "
		    "the configuration", s->path, s->min_block, s->max_block);
		return;
	}
	s->min_block = lo;
	if (hi != 0)
		s->max_block = hi;
	log_debug("%s: block limits %u-%u from the drive", s->path, lo, hi);
}

static int
st_open(void *p, int flags)
{
	struct stdrv	*s = p;
	int		 fl = O_CLOEXEC | O_NOCTTY;

	if (s->fd != -1)
		return -EBUSY;
	switch (flags & TC_OPEN_ACCMODE) {
	case TC_OPEN_RDONLY:
		fl |= O_RDONLY;
		break;
	case TC_OPEN_WRONLY:
		fl |= O_WRONLY;
		break;
	default:
		fl |= O_RDWR;
		break;
	}
	if (flags & TC_OPEN_NONBLOCK)
		fl |= O_NONBLOCK;
	while ((s->fd = open(s->path, fl)) == -1)
		if (errno != EINTR)
			return -errno;
	s->oflags = flags;
	find_block_limits(s);
	return 0;
}

static int
mtop(struct stdrv *s, short op, int count)
{
	struct mtop	m;

	m.mt_op = op;
	m.mt_count = count;
	while (ioctl(s->fd, MTIOCTOP, &m) == -1)
		if (errno != EINTR)
			return -errno;
	return 0;
}

static int
mtget(struct stdrv *s, struct mtget *g)
{
	memset(g, 0, sizeof(*g));
	while (ioctl(s->fd, MTIOCGET, g) == -1)
		if (errno != EINTR)
			return -errno;
	return 0;
}

/*
 * The rewinding node (st0) writes the filemark a write needs and then
 * rewinds; MTREW on the open node does both, as st writes the filemark
 * before a rewind after writing.  With no tape st0 closes quietly.
 */
static int
st_close(void *p)
{
	struct stdrv	*s = p;
	int		 r = 0;

	if (s->fd == -1)
		return -EBADF;
	if ((s->oflags & TC_OPEN_REWIND) && (r = mtop(s, MTREW, 1)) ==
	    -ENOMEDIUM)
		r = 0;
	if (close(s->fd) == -1 && r == 0 && errno != EINTR)
		r = -errno;
	s->fd = -1;
	return r;
}

static ssize_t
st_read(void *p, void *buf, size_t n)
{
	struct stdrv	*s = p;
	ssize_t		 r;

	while ((r = read(s->fd, buf, n)) == -1)
		if (errno != EINTR)
			return -errno;
	return r;
}

static ssize_t
st_write(void *p, const void *buf, size_t n)
{
	struct stdrv	*s = p;
	ssize_t		 r;

	while ((r = write(s->fd, buf, n)) == -1)
		if (errno != EINTR)
			return -errno;
	return r;
}

/* Canonical operations that are one mtio operation. */
static const struct {
	int	canon;
	short	mt;
} st_ops[] = {
	{ TC_STOFFL, MTOFFL },		{ TC_STREW, MTREW },
	{ TC_STERASE, MTERASE },	{ TC_STRETEN, MTRETEN },
	{ TC_STWEOF, MTWEOF },		{ TC_STFSF, MTFSF },
	{ TC_STRSF, MTBSF },		{ TC_STFSR, MTFSR },
	{ TC_STRSR, MTBSR },		{ TC_STINSRT, MTLOAD },
	{ TC_STEJECT, MTUNLOAD },	{ TC_STLOAD, MTLOAD },
	{ TC_STSEOD, MTEOM },		{ TC_STIOCHGP, MTSETBLK },
	{ TC_X_NOP, MTNOP },		{ TC_X_RESET, MTRESET },
	{ TC_X_BSFM, MTBSFM },		{ TC_X_FSFM, MTFSFM },
	{ TC_X_SEEK, MTSEEK },		{ TC_X_WSM, MTWSM },
	{ TC_X_FSS, MTFSS },		{ TC_X_BSS, MTBSS },
	{ TC_X_SETDENSITY, MTSETDENSITY }, { TC_X_COMPRESSION, MTCOMPRESSION },
	{ TC_X_SETPART, MTSETPART },	{ TC_X_MKPART, MTMKPART },
	{ TC_X_LOCK, MTLOCK },		{ TC_X_UNLOCK, MTUNLOCK },
	{ TC_X_WEOFI, MTWEOFI },	{ TC_X_DRVOPTS, MTSETDRVBUFFER },
};

/*
 * Counts the drive's command cannot hold are refused, as the vtape backend
 * refuses them: st would cut a spacing count to its 24 bits and space
 * somewhere else.  The driver options word is a bit pattern.
 */
static int
st_count(int op, int64_t count, int *out)
{
	switch (op) {
	case TC_STFSF: case TC_STRSF: case TC_STFSR: case TC_STRSR:
	case TC_X_FSFM: case TC_X_BSFM: case TC_X_FSS: case TC_X_BSS:
		if (count < -SPACE_MAX || count > SPACE_MAX)
			return -EINVAL;
		break;
	case TC_STWEOF: case TC_X_WEOFI: case TC_X_WSM:
		if (count < 0 || count > COUNT24_MAX)
			return -EINVAL;
		break;
	case TC_STIOCHGP: case TC_X_SETDENSITY: case TC_X_SEEK:
		if (count < 0)
			return -EINVAL;
		break;
	case TC_X_DRVOPTS:
		if (count < INT_MIN || count > UINT32_MAX)
			return -EINVAL;
		*out = (int)(uint32_t)count;
		return 0;
	}
	if (count < INT_MIN || count > INT_MAX)
		return -EINVAL;
	*out = (int)count;
	return 0;
}

/*
 * MTNBSF (Solaris): to the start of the file n files back, MTBSF n+1 then
 * MTFSF 1; reaching the first file is a rewind.  Known counts let the
 * first file be found without spacing into BOT.
 */
static int
op_nbsf(struct stdrv *s, int n)
{
	struct mtget	g;
	int		r;

	if (n < 0)
		return mtop(s, MTFSF, -n);
	if (n >= SPACE_MAX)
		return -EINVAL;
	if ((r = mtget(s, &g)) != 0)
		return r;
	if (g.mt_fileno >= 0 && n >= g.mt_fileno) {
		if ((r = mtop(s, MTREW, 1)) != 0)
			return r;
		return n == g.mt_fileno ? 0 : -EIO;
	}
	if ((r = mtop(s, MTBSF, n + 1)) != 0)
		return r;
	return mtop(s, MTFSF, 1);
}

/* What st does not have as one operation. */
static int
st_special(struct stdrv *s, int op, int count, int64_t *result)
{
	struct mtget	g;
	struct mtpos	mp;
	int		r;

	switch (op) {
	case TC_X_TELL:
		while (ioctl(s->fd, MTIOCPOS, &mp) == -1)
			if (errno != EINTR)
				return -errno;
		*result = mp.mt_blkno;
		return 0;
	case TC_X_GRSZ:
		if ((r = mtget(s, &g)) == 0)
			*result = (g.mt_dsreg & MT_ST_BLKSIZE_MASK) >>
			    MT_ST_BLKSIZE_SHIFT;
		return r;
	case TC_STTUR:
		if ((r = mtget(s, &g)) != 0)
			return r;
		if (GMT_ONLINE(g.mt_gstat))
			return 0;
		return GMT_DR_OPEN(g.mt_gstat) ? -ENOMEDIUM : -EIO;
	case TC_X_FLUSH:
		/* WRITE FILEMARKS 0 writes the drive's buffer out */
		if ((s->oflags & TC_OPEN_ACCMODE) == TC_OPEN_RDONLY)
			return mtop(s, MTNOP, 1);
		return mtop(s, MTWEOF, 0);
	case TC_X_NBSF:
		return op_nbsf(s, count);
	case TC_X_CACHE:
	case TC_X_NOCACHE:
		return 0;
	default:
		/* STFSSF, STRSSF, STERASEGAP: no such Linux operation */
		return -ENOSYS;
	}
}

static int
st_op(void *p, int op, int64_t count, int64_t *result)
{
	struct stdrv	*s = p;
	size_t		 i;
	int		 c = 0, r;

	if ((r = st_count(op, count, &c)) != 0)
		return r;
	for (i = 0; i < nitems(st_ops); i++)
		if (st_ops[i].canon == op)
			return mtop(s, st_ops[i].mt, c);
	return st_special(s, op, c, result);
}

/* mt_gstat's GMT_* bits as TC_ST_* */
static uint32_t
st_flags(long gstat)
{
	static const struct {
		unsigned long	gmt;
		uint32_t	tc;
	} bits[] = {
		{ GMT_BOT(~0UL), TC_ST_BOT },
		{ GMT_EOF(~0UL), TC_ST_EOF },
		{ GMT_EOT(~0UL), TC_ST_EOT },
		{ GMT_EOD(~0UL), TC_ST_EOD },
		{ GMT_SM(~0UL), TC_ST_SM },
		{ GMT_WR_PROT(~0UL), TC_ST_WRPROT },
		{ GMT_ONLINE(~0UL), TC_ST_ONLINE },
		{ GMT_DR_OPEN(~0UL), TC_ST_NOMEDIUM },
		{ GMT_IM_REP_EN(~0UL), TC_ST_IMREP },
		{ GMT_CLN(~0UL), TC_ST_CLN },
	};
	uint32_t	f = 0;
	size_t		i;

	for (i = 0; i < nitems(bits); i++)
		if ((unsigned long)gstat & bits[i].gmt)
			f |= bits[i].tc;
	return f;
}

/* struct mtget as st fills it, as canonical status */
void
st_mtget_status(const struct mtget *g, struct tc_status *st)
{
	memset(st, 0, sizeof(*st));
	st->fileno = g->mt_fileno;
	st->blkno = g->mt_blkno;
	st->partition = (uint32_t)g->mt_resid;	/* st's use of the field */
	st->blksize = (uint32_t)((g->mt_dsreg & MT_ST_BLKSIZE_MASK) >>
	    MT_ST_BLKSIZE_SHIFT);
	st->density = (uint32_t)(((unsigned long)g->mt_dsreg &
	    MT_ST_DENSITY_MASK) >> MT_ST_DENSITY_SHIFT);
	st->softerr = (uint32_t)((g->mt_erreg & MT_ST_SOFTERR_MASK) >>
	    MT_ST_SOFTERR_SHIFT);
	st->flags = st_flags(g->mt_gstat);
}

static int
st_status(void *p, struct tc_status *st)
{
	struct stdrv	*s = p;
	struct mtget	 g;
	int		 r;

	if ((r = mtget(s, &g)) != 0)
		return r;
	st_mtget_status(&g, st);
	st->min_block = s->min_block;
	st->max_block = s->max_block;
	return 0;
}

static int
st_position(void *p, uint64_t *pos)
{
	int64_t	r = 0;
	int	e;

	if ((e = st_special(p, TC_X_TELL, 0, &r)) == 0)
		*pos = (uint64_t)r;
	return e;
}

static void
st_free(void *p)
{
	struct stdrv	*s = p;

	if (s == NULL)
		return;
	if (s->fd != -1)
		close(s->fd);
	free(s->path);
	free(s);
}

/*
 * No save/restore: st cannot put the tape back exactly where it was (file
 * and block numbers are lost after a seek), so reads go in lock-step.
 */
const struct backend_ops backend_st = {
	.name = "st",
	.check = st_check,
	.new = st_new,
	.open = st_open,
	.close = st_close,
	.read = st_read,
	.write = st_write,
	.op = st_op,
	.status = st_status,
	.position = st_position,
	.free = st_free,
};
