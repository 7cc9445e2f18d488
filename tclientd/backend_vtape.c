/*
 * backend_vtape.c -- a virtual tape drive: a cartridge file (cartridge.c)
 * behind the semantics of the Linux st driver, whose per-drive state it
 * keeps (drivers/scsi/st.c).  docs/VTAPE.md has the table.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tclientd.h"
#include "vtape.h"

#define ST_FIXED_BUFFER	32768		/* st's fixed-mode read-ahead */

static int
vt_check(const struct drive_conf *dc, char *err, size_t errlen)
{
	uint64_t cap = dc->capacity ? dc->capacity : DEF_VTAPE_CAPACITY;
	uint64_t ew = dc->early_warning ? dc->early_warning : DEF_VTAPE_EW;
	uint32_t min = dc->min_block ? dc->min_block : 1;
	uint32_t max = dc->max_block ? dc->max_block : DEF_MAX_BLOCK;

	if (dc->path == NULL || *dc->path == '\0')
		snprintf(err, errlen, "vtape needs a path");
	else if (cap <= ew)
		snprintf(err, errlen, "capacity %llu is not larger than "
		    "early_warning %llu", (unsigned long long)cap,
		    (unsigned long long)ew);
	else if (min > max)
		snprintf(err, errlen, "min_block %u is larger than "
		    "max_block %u", min, max);
	else if (max > TC_MAX_RECORD)
		snprintf(err, errlen, "max_block %u is larger than %u", max,
		    TC_MAX_RECORD);
	else if (dc->density > 0xff)
		snprintf(err, errlen, "density %u is not 0-255", dc->density);
	else
		return 0;
	return -EINVAL;
}

/* A tape was loaded: the drive reports a new session. */
void
vt_new_session(struct vtape *v)
{
	v->drv_write_prot = v->tab || cart_readonly(v->cart);
	v->pos = 0;
	v->drv_file = v->drv_block = 0;
	v->eof = ST_NOEOF;
	v->rw = ST_IDLE;
	v->rlen = v->roff = 0;
}

static void
vt_free(void *p)
{
	struct vtape	*v = p;

	if (v == NULL)
		return;
	cart_close(v->cart);
	free(v->rbuf);
	free(v->path);
	free(v->hold);
	free(v);
}

static void *
vt_new(const struct drive_conf *dc, char *err, size_t errlen)
{
	struct vtape	*v;

	if (vt_check(dc, err, errlen) != 0)
		return NULL;
	if ((v = calloc(1, sizeof(*v))) == NULL ||
	    (v->path = strdup(dc->path)) == NULL) {
		free(v);
		tc_strlcpy(err, "out of memory", errlen);
		return NULL;
	}
	v->capacity = dc->capacity ? dc->capacity : DEF_VTAPE_CAPACITY;
	v->ew = v->capacity -
	    (dc->early_warning ? dc->early_warning : DEF_VTAPE_EW);
	v->tab = dc->write_protect;
	v->min_block = dc->min_block ? dc->min_block : 1;
	v->max_block = dc->max_block ? dc->max_block : DEF_MAX_BLOCK;
	v->density = dc->density;
	v->fail_at = dc->fail_write_at;
	if (dc->hold_write != NULL &&
	    (v->hold = strdup(dc->hold_write)) == NULL) {
		vt_free(v);
		tc_strlcpy(err, "out of memory", errlen);
		return NULL;
	}
	if ((v->cart = cart_open(v->path, err, errlen)) == NULL) {
		vt_free(v);
		return NULL;
	}
	vt_new_session(v);
	return v;
}

/*
 * st's flush_buffer() when reading in fixed mode: drop the read-ahead.
 * Unless seek_next, the tape goes back to where the user's reads end: over
 * a filemark the read-ahead met and over the whole blocks not yet read.
 */
void
vt_flush(struct vtape *v, int seek_next)
{
	size_t	bs = v->block_size, back;

	if (v->cart == NULL || v->rw == ST_WRITING || bs == 0)
		return;
	back = (v->rlen + v->roff) / bs - (v->roff + bs - 1) / bs;
	v->rlen = v->roff = 0;
	if (seek_next) {
		if (v->eof == ST_FM_HIT) {
			if (v->drv_file >= 0)
				v->drv_file++;
			v->drv_block = 0;
			v->eof = ST_NOEOF;
		}
		return;
	}
	if (v->eof == ST_FM_HIT) {
		v->pos--;
		v->eof = ST_NOEOF;
	}
	if (back > 0) {
		v->pos -= back;
		if (v->drv_block >= 0)
			v->drv_block -= back;
		v->eof = ST_NOEOF;
	}
}

/* What st's check_tape() decides about write protection. */
int
vt_check_wp(struct vtape *v)
{
	if (!v->drv_write_prot)
		return 0;
	v->write_prot = 1;
	if ((v->oflags & TC_OPEN_NONBLOCK) == 0 &&
	    (v->oflags & TC_OPEN_ACCMODE) != TC_OPEN_RDONLY)
		return -EROFS;
	return 0;
}

static int
vt_open(void *p, int flags)
{
	struct vtape	*v = p;

	v->oflags = flags;
	v->rw = ST_IDLE;
	v->rlen = v->roff = 0;
	v->write_prot = (flags & TC_OPEN_ACCMODE) == TC_OPEN_RDONLY;
	v->rew_at_close = (flags & TC_OPEN_REWIND) != 0;
	if (v->cart == NULL)
		return (flags & TC_OPEN_NONBLOCK) ? 0 : -ENOMEDIUM;
	return vt_check_wp(v);
}

void
vt_rewind(struct vtape *v)
{
	v->pos = 0;
	v->drv_file = v->drv_block = 0;
	v->eof = ST_NOEOF;
	v->rlen = v->roff = 0;
}

int
vt_put_fm(struct vtape *v)
{
	if (cart_write(v->cart, v->pos, NULL, 0) != 0)
		return -EIO;
	v->pos++;
	return 0;
}

static int
vt_close(void *p)
{
	struct vtape	*v = p;
	int		 r = 0, r2;

	if (v->cart != NULL && v->rw == ST_WRITING) {
		if ((r = vt_put_fm(v)) == 0) {
			if (v->drv_file >= 0)
				v->drv_file++;
			v->drv_block = 0;
			v->eof = ST_FM;
		}
	} else if (!v->rew_at_close)
		vt_flush(v, 0);
	if (v->cart != NULL && (r2 = cart_sync(v->cart)) != 0 && r == 0)
		r = r2;
	if (v->rew_at_close) {
		if (v->cart != NULL)
			vt_rewind(v);
		else if (r == 0)
			r = -ENOMEDIUM;
	}
	v->rw = ST_IDLE;
	return r;
}

/* st's rw_checks(), common to read and write. */
static int
rw_checks(struct vtape *v, size_t n)
{
	if (v->cart == NULL)
		return -ENOMEDIUM;
	if (n == 0)
		return 0;
	if (v->block_size == 0 && (n < v->min_block || n > v->max_block))
		return -EINVAL;
	return 0;
}

/* One record at the head: 1 if it reached early warning. */
static int
put_record(struct vtape *v, const uint8_t *buf, uint32_t len)
{
	uint64_t end = cart_offset(v->cart, v->pos) + CART_FRAME(len);

	if (end > v->capacity)
		return -ENOSPC;
	if (cart_write(v->cart, v->pos, buf, len) != 0)
		return -EIO;
	v->pos++;
	return end > v->ew;
}

static ssize_t
write_records(struct vtape *v, const uint8_t *buf, size_t n)
{
	size_t	recsz = v->block_size ? v->block_size : n, done;
	int	r = 0, eom = 0;

	for (done = 0; done < n / recsz; done++) {
		if ((r = put_record(v, buf + done * recsz, recsz)) < 0)
			break;
		eom |= r;
	}
	if (v->drv_block >= 0)
		v->drv_block += done;
	if (r == -ENOSPC) {
		v->eof = ST_EOM_OK;
		return done > 0 ? (ssize_t)(done * recsz) : -ENOSPC;
	}
	if (r < 0) {
		v->drv_block = -1;
		return r;
	}
	if (eom)
		v->eof = ST_EOM_OK;
	else if (v->eof == ST_EOD_1)
		v->eof = ST_EOM_OK;
	else if (v->eof != ST_EOM_OK)
		v->eof = ST_NOEOF;
	return (ssize_t)n;
}

/* hold-write: a drive that stalls, for tests, while the file exists. */
static void
hold(struct vtape *v)
{
	struct timespec	ts = { 0, 10 * 1000 * 1000 };
	int		logged = 0;

	while (v->hold != NULL && access(v->hold, F_OK) == 0) {
		if (!logged++)
			log_info("%s: writes held while %s exists", v->path,
			    v->hold);
		nanosleep(&ts, NULL);
	}
}

/* st_write(), with the drive's answers written in. */
static ssize_t
vt_write(void *p, const void *buf, size_t n)
{
	struct vtape	*v = p;
	int		 r;

	if ((r = rw_checks(v, n)) != 0 || n == 0)
		return r;
	if (v->block_size != 0 && n % v->block_size != 0)
		return -EINVAL;
	if (v->write_prot)
		return -EACCES;
	if (v->rw == ST_READING) {
		vt_flush(v, 0);
		v->rw = ST_WRITING;
	}
	if (v->eof == ST_EOM_OK) {
		v->eof = ST_EOD_1;	/* the next write is tried */
		return -ENOSPC;
	}
	if (v->eof == ST_EOM_ERROR)
		return -EIO;
	v->rw = ST_WRITING;
	hold(v);
	if (++v->nwrites == v->fail_at) {
		log_info("%s: write %llu fails as configured", v->path,
		    (unsigned long long)v->nwrites);
		v->drv_block = -1;
		return -EIO;
	}
	return write_records(v, buf, n);
}

/* BLANK CHECK while reading (st's read_tape()). */
static int
blank(struct vtape *v)
{
	v->drv_block = -1;
	if (v->eof != ST_FM)
		return -EIO;
	v->eof = ST_EOD_2;
	return 0;
}

static ssize_t
read_var(struct vtape *v, uint8_t *buf, size_t n)
{
	uint32_t len;
	int	 kind;

	if (v->eof == ST_FM_HIT)
		return 0;
	if (v->pos == cart_count(v->cart))
		return blank(v);
	if ((kind = cart_kind(v->cart, v->pos, &len)) < 0) {
		v->drv_block = -1;
		return -EIO;
	}
	v->pos++;
	if (kind == CART_FM) {
		v->eof = ST_FM_HIT;
		return 0;
	}
	if (kind == CART_BAD) {
		v->drv_block = -1;
		return -EIO;
	}
	if (v->drv_block >= 0)
		v->drv_block++;
	if (len > n)
		return -ENOMEM;		/* the record is gone all the same */
	if (cart_read(v->cart, v->pos - 1, buf, len) != 0) {
		v->drv_block = -1;
		return -EIO;
	}
	return len;
}

/*
 * One block of read-ahead into block k: 0, 1 when the read-ahead ends there
 * (a filemark is crossed; anything else stays for the next read when data
 * is at hand, where st would drop the data), or an error.
 */
static int
fill_block(struct vtape *v, size_t k, int have)
{
	uint32_t len;
	int	 kind;

	if (v->pos == cart_count(v->cart))
		return have ? 1 : blank(v) == 0 ? 1 : -EIO;
	if ((kind = cart_kind(v->cart, v->pos, &len)) < 0) {
		v->drv_block = -1;
		return -EIO;
	}
	if (kind == CART_FM) {
		v->pos++;
		v->eof = ST_FM_HIT;
		return 1;
	}
	if (have)
		return kind == CART_REC && len == v->block_size ? 0 : 1;
	if (kind == CART_BAD) {
		v->pos++;
		v->drv_block = -1;
		return -EIO;
	}
	if (len != v->block_size)
		return -EIO;		/* st spaces back over it */
	return 0;
}

static int
fill(struct vtape *v, int have)
{
	size_t	bs = v->block_size, blks, k;
	uint8_t	*p;
	int	r = 0;

	if (v->eof == ST_FM_HIT)
		return 1;
	blks = (bs > ST_FIXED_BUFFER ? bs : ST_FIXED_BUFFER) / bs;
	if (v->rcap < blks * bs) {
		if ((p = realloc(v->rbuf, blks * bs)) == NULL)
			return -EOVERFLOW;	/* st's answer */
		v->rbuf = p;
		v->rcap = blks * bs;
	}
	for (k = 0; k < blks; k++) {
		if ((r = fill_block(v, k, have || k > 0)) != 0)
			break;
		if (cart_read(v->cart, v->pos, v->rbuf + k * bs, bs) != 0) {
			v->drv_block = -1;
			return -EIO;
		}
		v->pos++;
	}
	v->roff = 0;
	v->rlen = k * bs;
	if (v->drv_block >= 0)
		v->drv_block += k;
	return r;
}

static ssize_t
read_fixed(struct vtape *v, uint8_t *buf, size_t n)
{
	size_t	total = 0, t;
	int	special = 0;

	while (total < n && !special) {
		if (v->rlen == 0 && (special = fill(v, total > 0)) < 0)
			return special;
		t = v->rlen < n - total ? v->rlen : n - total;
		memcpy(buf + total, v->rbuf + v->roff, t);
		v->roff += t;
		v->rlen -= t;
		total += t;
	}
	return (ssize_t)total;
}

/* st_read() */
static ssize_t
vt_read(void *p, void *buf, size_t n)
{
	struct vtape	*v = p;
	ssize_t		 total;
	int		 r;

	if ((r = rw_checks(v, n)) != 0 || n == 0)
		return r;
	if (v->rw == ST_WRITING)
		v->rw = ST_READING;
	if (v->rlen == 0 && v->eof >= ST_EOD_1) {
		if (v->eof < ST_EOD) {
			v->eof++;
			return 0;
		}
		return -EIO;
	}
	v->rw = ST_READING;
	if (v->block_size == 0)
		total = read_var(v, buf, n);
	else
		total = read_fixed(v, buf, n);
	if (total < 0)
		return total;
	if (total > 0) {
		if (v->eof == ST_FM)
			v->eof = ST_NOEOF;
	} else if (v->eof == ST_FM_HIT || v->eof == ST_EOD_1) {
		v->eof = v->eof == ST_FM_HIT ? ST_FM : ST_EOD_2;
		v->drv_block = 0;
		if (v->drv_file >= 0)
			v->drv_file++;
	} else if (v->eof == ST_EOD_2)
		v->eof = ST_EOD;
	return total;
}

/* st's MTIOCGET */
static int
vt_status(void *p, struct tc_status *st)
{
	struct vtape	*v = p;

	memset(st, 0, sizeof(*st));
	st->min_block = v->min_block;
	st->max_block = v->max_block;
	st->flags = TC_ST_IMREP;
	if (v->compress)
		st->flags |= TC_ST_COMPRESS;
	if (v->cart == NULL) {
		st->fileno = v->drv_file;
		st->blkno = v->drv_block;
		st->flags |= TC_ST_NOMEDIUM;
		return 0;
	}
	/* st flushes the read-ahead first, so it never has bytes to count */
	vt_flush(v, 0);
	st->fileno = v->drv_file;
	st->blkno = v->drv_block;
	st->blksize = v->block_size;
	st->density = v->density;
	st->flags |= TC_ST_ONLINE;
	if (v->drv_write_prot)
		st->flags |= TC_ST_WRPROT;
	if (st->blkno == 0)
		st->flags |= st->fileno == 0 ? TC_ST_BOT : TC_ST_EOF;
	if (v->eof == ST_EOM_OK || v->eof == ST_EOM_ERROR)
		st->flags |= TC_ST_EOT;
	else if (v->eof >= ST_EOM_OK)
		st->flags |= TC_ST_EOD;
	return 0;
}

/* st's MTIOCPOS: the logical object number */
int
vt_position(void *p, uint64_t *pos)
{
	struct vtape	*v = p;

	if (v->cart == NULL)
		return -EIO;
	vt_flush(v, 0);
	*pos = v->pos;
	return 0;
}

const struct backend_ops backend_vtape = {
	.name = "vtape",
	.check = vt_check,
	.new = vt_new,
	.open = vt_open,
	.close = vt_close,
	.read = vt_read,
	.write = vt_write,
	.op = vt_op,
	.status = vt_status,
	.position = vt_position,
	.free = vt_free,
	.save = vt_save,
	.restore = vt_restore,
	.forget = vt_forget,
};
