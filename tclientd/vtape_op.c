/*
 * vtape_op.c -- the vtape backend's tape operations: st's MTIOCTOP
 * (st_ioctl() and st_int_ioctl()) over the cartridge index.
 */
#include <errno.h>
#include <stdio.h>

#include "tclientd.h"
#include "vtape.h"

/* How a SCSI SPACE ended early. */
enum { SK_BLANK = 1, SK_FM, SK_BOT };

#define SPACE_MAX	0x7fffff	/* the signed 24-bit SPACE count */
#define COUNT24_MAX	0xffffff

/*
 * SCSI SPACE over filemarks: forward past the n-th, or backward (n < 0) to
 * the BOT side of the -n-th; *done is the signed number crossed.
 */
static int
space_fm(struct vtape *v, int64_t n, int64_t *done)
{
	struct cart	*c = v->cart;
	size_t		 k = cart_fm_before(c, v->pos);
	size_t		 nfm = cart_fm_before(c, cart_count(c));

	if (n >= 0 && (uint64_t)n > nfm - k) {
		*done = (int64_t)(nfm - k);
		v->pos = cart_count(c);
		return SK_BLANK;
	}
	if (n < 0 && (uint64_t)-n > k) {
		*done = -(int64_t)k;
		v->pos = 0;
		return SK_BOT;
	}
	*done = n;
	if (n > 0)
		v->pos = cart_fm_index(c, k + (size_t)n - 1) + 1;
	else if (n < 0)
		v->pos = cart_fm_index(c, k - (size_t)-n);
	return 0;
}

/* SCSI SPACE over records; a filemark stops it, crossed. */
static int
space_rec(struct vtape *v, int64_t n, int64_t *done)
{
	struct cart	*c = v->cart;
	size_t		 k = cart_fm_before(c, v->pos);
	size_t		 nfm = cart_fm_before(c, cart_count(c)), lim;

	if (n >= 0) {
		lim = k < nfm ? cart_fm_index(c, k) : cart_count(c);
		if ((uint64_t)n <= lim - v->pos) {
			v->pos += (size_t)n;
			*done = n;
			return 0;
		}
		*done = (int64_t)(lim - v->pos);
		v->pos = k < nfm ? lim + 1 : lim;
		return k < nfm ? SK_FM : SK_BLANK;
	}
	lim = k > 0 ? cart_fm_index(c, k - 1) + 1 : 0;
	if ((uint64_t)-n <= v->pos - lim) {
		v->pos -= (size_t)-n;
		*done = n;
		return 0;
	}
	*done = -(int64_t)(v->pos - lim);
	v->pos = k > 0 ? lim - 1 : 0;
	return k > 0 ? SK_FM : SK_BOT;
}

/* SCSI SPACE to n consecutive filemarks, forward or backward (n < 0). */
static int
space_seqfm(struct vtape *v, int64_t n, int64_t *done)
{
	struct cart	*c = v->cart;
	size_t		 k = cart_fm_before(c, v->pos), j, run = 0;
	size_t		 nfm = cart_fm_before(c, cart_count(c));
	size_t		 want = (size_t)(n < 0 ? -n : n);

	*done = 0;
	if (want == 0)
		return 0;
	for (j = k; n > 0 && j < nfm; j++) {
		run = run > 0 && cart_fm_index(c, j) ==
		    cart_fm_index(c, j - 1) + 1 ? run + 1 : 1;
		if (run == want) {
			*done = (int64_t)(j + 1 - k);
			v->pos = cart_fm_index(c, j) + 1;
			return 0;
		}
	}
	for (j = k; n < 0 && j > 0; j--) {
		run = run > 0 && cart_fm_index(c, j - 1) + 1 ==
		    cart_fm_index(c, j) ? run + 1 : 1;
		if (run == want) {
			*done = -(int64_t)(k - j + 1);
			v->pos = cart_fm_index(c, j - 1);
			return 0;
		}
	}
	*done = n > 0 ? (int64_t)(nfm - k) : -(int64_t)k;
	v->pos = n > 0 ? cart_count(c) : 0;
	return n > 0 ? SK_BLANK : SK_BOT;
}

/* The bookkeeping of st_int_ioctl() for MTFSF (chg_eof 0: MTFSFM's half). */
static int
op_fsf(struct vtape *v, int64_t n, int chg_eof)
{
	int64_t	done;
	int	r = space_fm(v, n, &done);

	if (v->drv_file >= 0)
		v->drv_file += done;
	if (r == 0) {
		v->drv_block = 0;
		if (chg_eof)
			v->eof = ST_FM;
		return 0;
	}
	v->drv_block = -1;
	v->eof = r == SK_BLANK ? ST_EOD : ST_NOEOF;
	return -EIO;
}

/* MTBSF (chg_eof 0: MTBSFM's half) */
static int
op_bsf(struct vtape *v, int64_t n, int chg_eof)
{
	int64_t	done;
	int	r = space_fm(v, -n, &done);

	if (v->drv_file >= 0)
		v->drv_file += done;
	if (r == 0) {
		v->drv_block = -1;
		if (chg_eof)
			v->eof = ST_NOEOF;
		return 0;
	}
	v->drv_block = 0;
	v->eof = ST_NOEOF;
	return -EIO;
}

static int
op_fsr(struct vtape *v, int64_t n)
{
	int64_t	done;
	int	r = space_rec(v, n, &done);

	if (r == 0) {
		if (v->drv_block >= 0)
			v->drv_block += n;
		v->eof = ST_NOEOF;
		return 0;
	}
	if (r == SK_FM) {
		if (v->drv_file >= 0)
			v->drv_file++;
		v->drv_block = 0;
		v->eof = ST_FM;
	} else {
		if (v->drv_block >= 0)
			v->drv_block += done;
		v->eof = ST_EOD;
	}
	return -EIO;
}

static int
op_bsr(struct vtape *v, int64_t n)
{
	int64_t	done;
	int	r = space_rec(v, -n, &done);

	v->eof = ST_NOEOF;
	if (r == 0) {
		/* st would go below 0 after FSF 0 (block 0 mid-file) */
		if (v->drv_block >= 0)
			v->drv_block = v->drv_block >= n ? v->drv_block - n : -1;
		return 0;
	}
	if (r == SK_FM) {
		if (v->drv_file >= 0)
			v->drv_file--;
		v->drv_block = -1;
	} else
		v->drv_block = 0;
	return -EIO;
}

/*
 * MTNBSF (Solaris, the BSDs): MTBSF n+1 then MTFSF 1, to the start of the
 * file n files back.  Not in st; as Solaris st(4D) does, reaching the
 * first file is a rewind, not an error, and passing it is EIO at BOT.
 */
static int
op_nbsf(struct vtape *v, int64_t n)
{
	int64_t	done;
	int	r = space_fm(v, -(n + 1), &done);

	if (v->drv_file >= 0)
		v->drv_file += done;
	v->eof = ST_NOEOF;
	if (r == SK_BOT && done == -n) {
		v->drv_file = v->drv_block = 0;
		return 0;
	}
	if (r != 0) {
		v->drv_block = 0;
		return -EIO;
	}
	v->drv_block = -1;
	return op_fsf(v, 1, 1);
}

/* Not in st: counted like MTFSF and MTBSF. */
static int
op_seqfm(struct vtape *v, int64_t n)
{
	int64_t	done;
	int	r = space_seqfm(v, n, &done);

	if (v->drv_file >= 0)
		v->drv_file += done;
	if (n > 0) {
		v->drv_block = r == 0 ? 0 : -1;
		v->eof = r == 0 ? ST_FM : ST_EOD;
	} else {
		v->drv_block = r == 0 ? -1 : 0;
		v->eof = ST_NOEOF;
	}
	return r == 0 ? 0 : -EIO;
}

/* MTEOM without MT_ST_FAST_MTEOM: space filemarks until blank tape. */
static int
op_seod(struct vtape *v)
{
	(void)op_fsf(v, SPACE_MAX, 1);
	if (v->eof >= ST_EOD_1)
		return 0;
	v->pos = cart_count(v->cart);
	v->drv_block = -1;
	v->eof = ST_EOD;
	return 0;
}

static int
op_weof(struct vtape *v, int64_t n, int sync)
{
	int64_t	i;

	if (v->write_prot)
		return -EACCES;
	for (i = 0; i < n; i++) {
		if (vt_put_fm(v) != 0) {
			v->drv_file = v->drv_block = -1;
			v->eof = ST_NOEOF;
			return -EIO;
		}
	}
	if (v->drv_file >= 0)
		v->drv_file += n;
	v->drv_block = 0;
	v->eof = ST_NOEOF;
	v->rw = ST_IDLE;
	return sync ? cart_sync(v->cart) : 0;
}

/* st's set_location() */
static int
op_seek(struct vtape *v, int64_t addr)
{
	v->drv_file = v->drv_block = -1;
	v->eof = ST_NOEOF;
	if ((uint64_t)addr > cart_count(v->cart)) {
		v->pos = cart_count(v->cart);
		return -EIO;
	}
	v->pos = (size_t)addr;
	if (addr == 0)
		v->drv_file = v->drv_block = 0;
	return 0;
}

static int
op_erase(struct vtape *v)
{
	if (v->write_prot)
		return -EACCES;
	v->eof = ST_NOEOF;
	if (cart_truncate(v->cart, v->pos) != 0)
		return -EIO;
	return cart_sync(v->cart);
}

static int
op_setblk(struct vtape *v, int64_t n)
{
	if (n < 0 || n > COUNT24_MAX ||
	    (n != 0 && (n < v->min_block || n > v->max_block)))
		return -EINVAL;
	v->block_size = (uint32_t)n;
	v->rlen = v->roff = 0;
	return 0;
}

static int
op_unload(struct vtape *v)
{
	int	r = cart_sync(v->cart);

	cart_close(v->cart);
	v->cart = NULL;
	vt_rewind(v);
	v->drv_file = v->drv_block = -1;
	v->drv_write_prot = 0;
	v->rew_at_close = 0;
	return r;
}

/* A new session; a cartridge swapped while unloaded is found here. */
static int
op_load(struct vtape *v)
{
	char	err[256];

	if (v->cart == NULL &&
	    (v->cart = cart_open(v->path, err, sizeof(err))) == NULL) {
		log_warnx("load: %s", err);
		return -EIO;
	}
	vt_new_session(v);
	v->rew_at_close = (v->oflags & TC_OPEN_REWIND) != 0;
	return vt_check_wp(v);
}

/*
 * Counts within the command's field; as AIX and st do, a negative count
 * turns the direction round.
 */
static int
normalize(int *op, int64_t *count)
{
	static const int pairs[][2] = {
		{ TC_STFSF, TC_STRSF }, { TC_STFSR, TC_STRSR },
		{ TC_X_FSFM, TC_X_BSFM }, { TC_STFSSF, TC_STRSSF },
	};
	size_t	i;

	/* Solaris st: a negative MTNBSF count spaces forward over files */
	if (*op == TC_X_NBSF) {
		if (*count < -SPACE_MAX || *count >= SPACE_MAX)
			return -EINVAL;
		if (*count < 0) {
			*op = TC_STFSF;
			*count = -*count;
		}
		return 0;
	}
	for (i = 0; i < nitems(pairs); i++) {
		if (*op != pairs[i][0] && *op != pairs[i][1])
			continue;
		if (*count < -SPACE_MAX || *count > SPACE_MAX)
			return -EINVAL;
		if (*count < 0) {
			*op = pairs[i][*op == pairs[i][0]];
			*count = -*count;
		}
		return 0;
	}
	if ((*op == TC_STWEOF || *op == TC_X_WEOFI) &&
	    (*count < 0 || *count > COUNT24_MAX))
		return -EINVAL;
	if (*op == TC_X_SEEK && (*count < 0 || *count > UINT32_MAX))
		return -EINVAL;
	return 0;
}

static int
is_one_of(int op, const int *ops, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (ops[i] == op)
			return 1;
	return 0;
}

/* What st_ioctl() does for MTIOCTOP before the operation itself. */
static int
prepare(struct vtape *v, int op, int64_t *count)
{
	static const int seek_next[] = { TC_STREW, TC_STOFFL, TC_STRETEN,
	    TC_STSEOD, TC_X_LOCK, TC_STLOAD, TC_STINSRT, TC_STFSF, TC_X_FSFM,
	    TC_STRSF, TC_X_BSFM, TC_X_NBSF, TC_X_COMPRESSION, TC_X_SEEK };
	static const int fm_first[] = { TC_STREW, TC_STOFFL, TC_X_SEEK,
	    TC_STRSF, TC_X_BSFM, TC_X_NBSF };
	static const int keep_rw[] = { TC_X_NOP, TC_X_FLUSH, TC_STIOCHGP,
	    TC_X_SETDENSITY, TC_X_WSM, TC_X_SETPART };
	int	 back = op == TC_STRSF || op == TC_X_BSFM || op == TC_X_NBSF;
	int	 r;

	if (v->eof == ST_FM_HIT && (back || op == TC_STFSF ||
	    op == TC_X_FSFM || op == TC_STSEOD)) {
		*count += back ? 1 : -1;
		if (v->drv_file >= 0)
			v->drv_file++;
		/* st counts this file again in flush_buffer(): not here */
		v->eof = ST_NOEOF;
	}
	vt_flush(v, is_one_of(op, seek_next, nitems(seek_next)));
	if (v->rw == ST_WRITING && is_one_of(op, fm_first, nitems(fm_first))) {
		if ((r = op_weof(v, 1, 1)) != 0)
			return r;
		*count += back;
	}
	if (!is_one_of(op, keep_rw, nitems(keep_rw)))
		v->rw = ST_IDLE;
	return 0;
}

static int
run(struct vtape *v, int op, int64_t count)
{
	int	r;

	switch (op) {
	case TC_STFSF:
		return op_fsf(v, count, 1);
	case TC_STRSF:
		return op_bsf(v, count, 1);
	case TC_X_FSFM:
		return (r = op_fsf(v, count, 0)) != 0 ? r : op_bsf(v, 1, 1);
	case TC_X_BSFM:
		return (r = op_bsf(v, count, 0)) != 0 ? r : op_fsf(v, 1, 1);
	case TC_X_NBSF:
		return op_nbsf(v, count);
	case TC_STFSR:
		return op_fsr(v, count);
	case TC_STRSR:
		return op_bsr(v, count);
	case TC_STFSSF:
		return op_seqfm(v, count);
	case TC_STRSSF:
		return op_seqfm(v, -count);
	case TC_STSEOD:
		return op_seod(v);
	case TC_STWEOF:
	case TC_X_WEOFI:
		return op_weof(v, count, op == TC_STWEOF);
	case TC_STREW:
	case TC_STRETEN:
		vt_rewind(v);
		return 0;
	case TC_STOFFL:
	case TC_STEJECT:
		return op_unload(v);
	case TC_STLOAD:
	case TC_STINSRT:
		return op_load(v);
	case TC_X_SEEK:
		return op_seek(v, count);
	case TC_STERASE:
		return op_erase(v);
	case TC_STIOCHGP:
		return op_setblk(v, count);
	case TC_X_SETDENSITY:
		if (count < 0 || count > 0xff)
			return -EINVAL;
		v->density = (uint32_t)count;
		return 0;
	case TC_X_COMPRESSION:
		v->compress = count & 1;
		return 0;
	case TC_X_NOP:
	case TC_X_FLUSH:	/* no drive buffer: the file's is the drive's */
		return cart_sync(v->cart);
	case TC_X_LOCK:
	case TC_X_UNLOCK:
		return 0;
	case TC_X_SETPART:
		return count == 0 ? 0 : -EINVAL;
	case TC_X_MKPART:
		return -EINVAL;
	case TC_X_WSM:
		if (v->write_prot)
			return -EACCES;
		/* FALLTHROUGH */
	case TC_X_FSS:
	case TC_X_BSS:
	case TC_STERASEGAP:
		v->eof = ST_NOEOF;	/* the drive refuses: no setmarks */
		return -EIO;
	default:
		return -ENOSYS;
	}
}

int
vt_op(void *p, int op, int64_t count, int64_t *result)
{
	struct vtape	*v = p;
	uint64_t	 pos;
	int		 r;

	if (op == TC_X_DRVOPTS)
		return -EPERM;		/* st wants CAP_SYS_ADMIN */
	if (v->cart == NULL)
		return op == TC_STLOAD || op == TC_STINSRT ? op_load(v) :
		    -ENOMEDIUM;
	switch (op) {
	case TC_STTUR:
	case TC_X_CACHE:
	case TC_X_NOCACHE:
		return 0;
	case TC_X_TELL:
		/* not a Linux operation: MTIOCPOS */
		if ((r = vt_position(v, &pos)) == 0)
			*result = (int64_t)pos;
		return r;
	case TC_X_GRSZ:
		/* Solaris MTGRSZ; st has it in MTIOCGET's mt_dsreg */
		*result = v->block_size;
		return 0;
	}
	if ((r = normalize(&op, &count)) != 0 ||
	    (r = prepare(v, op, &count)) != 0)
		return r;
	return run(v, op, count);
}

