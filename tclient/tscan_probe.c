/*
 * tscan_probe.c -- tscan's work on the drive: note how it was found, read
 * every record in variable mode, and leave putting it back to
 * tscan_restore.c.
 *
 * Linux st (and vtape) give: a record's length; 0 once at a filemark; at
 * end of data 0 once right after a filemark (EOD in status) then EIO, or
 * EIO at once; ENOMEM for a record longer than the buffer, the record
 * being consumed (BSD drivers say EIO there, and tcerrno maps it so for a
 * client speaking for BSD).  Where the tape did not move it is end of
 * data; where it moved one record the buffer was short; else the drive
 * failed.
 *
 * The buffer: a read of the largest record the path allows is always
 * right, but libtclient reads ahead only records that fit its window
 * many times over, so a scan of small records would go at one round trip
 * a record.  tscan starts with BUF_START bytes and lets the st rule tell
 * it when that is short: on ENOMEM it spaces back over the record, reads
 * it again with the largest buffer, and from then on asks for the next
 * power of two at or above that size.  The sizes are exact either way.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tscan.h"

#define BUF_START	(64u * 1024)	/* the first read size */
#define PROGRESS_AFTER	1000		/* ms before a progress line */
#define PROGRESS_RECORDS 10000		/* ... or this many records */
#define PROGRESS_EVERY	250		/* ms between updates */

static uint8_t	*buf;

static int
fail(struct scan *s, const char *fmt, ...) TC_PRINTF(2, 3);

static int
fail(struct scan *s, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(s->error, sizeof(s->error), fmt, ap);
	va_end(ap);
	s->end = END_ERROR;
	return -1;
}

/* A call failed with code and errno err. */
static int
op_fail(struct tc_conn *c, struct scan *s, const char *what, int code,
    int err)
{
	ts_check(s, code);
	return fail(s, "%s: %s", what, ts_errtext(c, s, code, err));
}

/* Where the tape is, as a block address; 0 when the drive cannot say. */
static int
position(struct tc_conn *c, struct scan *s, uint64_t *pos)
{
	int	r;

	if ((r = tc_position(c, pos)) == 0)
		return 1;
	ts_check(s, r);
	return 0;
}

static uint32_t
pow2_at_least(uint32_t n, uint32_t cap)
{
	uint32_t	p = BUF_START;

	while (p < n && p < cap)
		p *= 2;
	return p < cap ? p : cap;
}

/* Note the drive as found; switch it to variable mode; rewind if asked. */
int
probe_begin(struct tc_conn *c, struct scan *s)
{
	const struct tc_opent	*oe;
	uint32_t		 maxrec = 0, minb = 0, maxb = 0;
	int			 r;

	s->setblk = "STIOCHGP";
	if (s->plat != NULL)
		s->setblk = (oe = platform_opbycanon(s->plat, TC_STIOCHGP)) ?
		    oe->name : NULL;
	if ((r = tc_status(c, &s->start)) < 0)
		return op_fail(c, s, "status", r, errno);
	if ((r = tc_limits(c, &maxrec, &minb, &maxb)) < 0)
		return op_fail(c, s, "limits", r, errno);
	s->min_block = minb ? minb : s->start.min_block;
	s->max_block = maxb ? maxb : s->start.max_block;
	/* any record the drive can hold and the path can carry fits */
	s->readsize = s->max_block && s->max_block < maxrec ? s->max_block :
	    maxrec;
	if (s->readsize == 0 || s->readsize > TC_MAX_RECORD)
		s->readsize = TC_MAX_RECORD;
	s->bufstart = s->bufsize = s->readsize < BUF_START ? s->readsize :
	    BUF_START;
	if ((s->start.flags & TC_ST_NOMEDIUM) ||
	    !(s->start.flags & TC_ST_ONLINE))
		return fail(s, "no tape is loaded; load one with: tclient -f "
		    "%s load", s->drive);
	s->start_pos_ok = position(c, s, &s->start_pos);
	if (s->lost)
		return fail(s, "position: %s", tc_errmsg(c));
	if (!s->start_pos_ok && (s->start.fileno < 0 || s->start.blkno < 0))
		return fail(s, "the drive knows neither its block address nor "
		    "its file and block numbers, so the tape could not be put "
		    "back; position it first (tclient -f %s rewind)", s->drive);
	s->noted = 1;
	if ((buf = malloc(s->readsize)) == NULL)
		return fail(s, "out of memory for a %u-byte buffer", s->readsize);
	s->relative = s->start.fileno < 0;
	if (s->start.blksize != 0) {
		if ((r = tc_op(c, TC_STIOCHGP, 0, NULL)) < 0) {
			ts_check(s, r);
			return fail(s, "cannot switch to variable block mode to "
			    "see record sizes (%s 0): %s", s->setblk ?
			    s->setblk : "STIOCHGP", ts_errtext(c, s, r, errno));
		}
		s->mode_changed = 1;
	}
	if (s->rewind) {
		if ((r = tc_op(c, TC_STREW, 0, NULL)) < 0)
			return op_fail(c, s, "rewind", r, errno);
		s->relative = 0;
	}
	return 0;
}

static struct tfile *
new_file(struct scan *s, int64_t fileno, int64_t first)
{
	struct tfile	*f;
	size_t		 cap;

	if (s->nfiles == s->capfiles) {
		cap = s->capfiles ? s->capfiles * 2 : 16;
		if ((f = reallocarray(s->files, cap, sizeof(*f))) == NULL) {
			fail(s, "out of memory after %zu files", s->nfiles);
			return NULL;
		}
		s->files = f;
		s->capfiles = cap;
	}
	f = &s->files[s->nfiles++];
	file_init(f, fileno, first);
	return f;
}

/* End of data where a file would have begun: there is no such file. */
static int
at_eod(struct scan *s, struct tfile *f)
{
	if (f->records == 0 && f->end == END_NONE)
		hist_free(&s->files[--s->nfiles].sizes);
	else
		f->end = END_EOD;
	return 1;
}

/* A line on stderr, when it is a terminal and the scan takes a while. */
static void
progress(struct scan *s, const struct tfile *f, int last)
{
	uint64_t	now;

	if (!s->progress)
		return;
	if (last) {
		if (s->progress_shown)
			fprintf(stderr, "\r%*s\r", 76, "");
		return;
	}
	if ((now = tc_now_ms()) < s->next_progress &&
	    (s->progress_shown || s->total_records < PROGRESS_RECORDS))
		return;
	s->next_progress = now + PROGRESS_EVERY;
	s->progress_shown = 1;
	fprintf(stderr, "\rtscan: %s: file %lld, %llu records, %.1f MiB    ",
	    s->drive, (long long)f->fileno,
	    (unsigned long long)s->total_records,
	    (double)s->total_bytes / (1024.0 * 1024.0));
}

/*
 * How many objects (records and marks) the tape moved past since the
 * last one counted: 0, 1, 2 for more (or back), or -1 when unknown.
 * *eod: the drive says it is at end of data.
 */
static int
moved(struct tc_conn *c, struct scan *s, int *eod)
{
	struct tc_status st;
	uint64_t	 pos;
	int		 r;

	*eod = 0;
	if ((r = tc_status(c, &st)) < 0) {
		ts_check(s, r);
		return -1;
	}
	*eod = (st.flags & TC_ST_EOD) != 0;
	if (!position(c, s, &pos) || !s->base_ok)
		return -1;
	if (pos == s->base + s->objects)
		return 0;
	return pos == s->base + s->objects + 1 ? 1 : 2;
}

/* A whole record of n bytes. */
static int
count_record(struct scan *s, struct tfile *f, uint32_t n)
{
	if (file_add(f, n) == -1)
		return fail(s, "out of memory in file %lld",
		    (long long)f->fileno);
	s->objects++;
	s->total_records++;
	s->total_bytes += n;
	return 0;
}

/* A record that did not fit the largest buffer: its size is not known. */
static void
count_unsized(struct scan *s, struct tfile *f, uint32_t over)
{
	if (f->unsized == 0 || over < f->unsized_over)
		f->unsized_over = over;
	f->records++;
	f->unsized++;
	s->objects++;
	s->total_records++;
}

/*
 * The record just passed was longer than the buffer.  Space back over it
 * (unless the tape stayed before it: m is 0) and read it again with the
 * largest buffer the path allows.
 */
static int
longer(struct tc_conn *c, struct scan *s, struct tfile *f, int eio, int m)
{
	ssize_t	n;
	int	r, e;

	if (s->bufsize >= s->readsize) {
		if (eio)
			return -2;	/* a read error, not a size */
		count_unsized(s, f, s->readsize);
		return 0;
	}
	if (m != 0 && (r = tc_op(c, TC_STRSR, 1, NULL)) < 0) {
		e = errno;
		ts_check(s, r);
		if (s->lost)
			return op_fail(c, s, "back space record", r, e);
		/* the record is gone by: count it, read whole from now on */
		count_unsized(s, f, s->bufsize);
		s->bufsize = s->readsize;
		return 0;
	}
	n = tc_read(c, buf, s->readsize);
	e = errno;
	s->rereads++;
	if (n > 0) {
		s->bufsize = pow2_at_least((uint32_t)n, s->readsize);
		return count_record(s, f, (uint32_t)n);
	}
	if (n < 0 && ts_drive_err((int)n, e, ENOMEM)) {
		count_unsized(s, f, s->readsize);
		s->bufsize = s->readsize;
		return 0;
	}
	f->end = END_ERROR;
	if (n == 0)
		return fail(s, "file %lld, record %llu: a filemark where a "
		    "record was read before", (long long)f->fileno,
		    (unsigned long long)f->records);
	ts_check(s, (int)n);
	return fail(s, "read again in file %lld after %llu records: %s",
	    (long long)f->fileno, (unsigned long long)f->records,
	    ts_errtext(c, s, (int)n, e));
}

/* A read returned 0: a filemark, or end of data right after one. */
static int
zero_read(struct tc_conn *c, struct scan *s, struct tfile *f)
{
	int	m, eod;

	m = moved(c, s, &eod);
	if (s->lost)
		return fail(s, "status: %s", tc_errmsg(c));
	if (eod || m == 0)
		return at_eod(s, f);
	s->objects++;
	f->end = END_FILEMARK;
	return 0;
}

/* A read failed: a record too long for the buffer, end of data, or not. */
static int
read_error(struct tc_conn *c, struct scan *s, struct tfile *f, int r,
    int err)
{
	int	m, eod, lr;

	ts_check(s, r);
	if (!s->lost && (ts_drive_err(r, err, ENOMEM) ||
	    ts_drive_err(r, err, EIO))) {
		m = moved(c, s, &eod);
		if (s->lost)
			return fail(s, "status: %s", tc_errmsg(c));
		if (ts_drive_err(r, err, ENOMEM) || (m == 1 && !eod)) {
			lr = longer(c, s, f, err == EIO, m);
			if (lr != -2)
				return lr;
		} else if (eod || m == 0 || m == -1)
			return at_eod(s, f);	/* EIO where it did not move */
	}
	f->end = END_ERROR;
	return fail(s, "read in file %lld after %llu records: %s",
	    (long long)f->fileno, (unsigned long long)f->records,
	    ts_errtext(c, s, r, err));
}

/* 0: a record or a filemark; 1: end of data; -1: failed. */
static int
one_read(struct tc_conn *c, struct scan *s, struct tfile *f)
{
	ssize_t	n;

	if ((n = tc_read(c, buf, s->bufsize)) < 0)
		return read_error(c, s, f, (int)n, errno);
	if (n == 0)
		return zero_read(c, s, f);
	return count_record(s, f, (uint32_t)n);
}

/*
 * --records reached: space over the rest of the file.  Crossing nothing
 * but the filemark means the file was whole after all.  1: end of data.
 */
static int
skip_rest(struct tc_conn *c, struct scan *s, struct tfile *f)
{
	uint64_t	before = 0, after = 0;
	int		r, e, ok;

	ok = position(c, s, &before);
	r = tc_op(c, TC_STFSF, 1, NULL);
	e = errno;
	if (r < 0 && !ts_drive_err(r, e, EIO))
		return op_fail(c, s, "forward space file", r, e);
	ok = position(c, s, &after) && ok;
	if (s->lost)
		return fail(s, "position: %s", tc_errmsg(c));
	f->skipped = !ok || after - before != (r == 0 ? 1u : 0u);
	s->base = after;
	s->base_ok = ok;
	s->objects = 0;
	f->end = r == 0 ? END_FILEMARK : END_EOD;
	return r == 0 ? 0 : 1;
}

/* Read records up to end of data, a limit, an error or an interrupt. */
int
probe_scan(struct tc_conn *c, struct scan *s)
{
	struct tfile	*f;
	int64_t		 fileno, first;
	int		 r;

	s->base_ok = position(c, s, &s->base);
	if (s->lost)
		return fail(s, "position: %s", tc_errmsg(c));
	s->next_progress = tc_now_ms() + PROGRESS_AFTER;
	fileno = s->relative ? 0 : s->rewind ? 0 : s->start.fileno;
	first = s->rewind ? 0 : s->start.blkno;
	if ((f = new_file(s, fileno, first)) == NULL)
		return -1;
	for (;;) {
		if (ts_interrupted) {
			f->end = END_INTR;
			s->end = END_INTR;
			break;
		}
		progress(s, f, 0);
		if ((r = one_read(c, s, f)) == 0 && f->end == END_NONE &&
		    s->max_records && f->records >= s->max_records)
			r = skip_rest(c, s, f);
		if (r < 0)
			break;
		if (r == 1) {
			s->end = END_EOD;
			break;
		}
		if (f->end != END_FILEMARK)
			continue;
		if (s->max_files && s->nfiles == s->max_files) {
			s->end = END_FILES;
			break;
		}
		if ((f = new_file(s, f->fileno + 1, 0)) == NULL)
			break;
	}
	progress(s, NULL, 1);
	return s->end == END_ERROR ? -1 : 0;
}

void
probe_free(struct scan *s)
{
	size_t	i;

	for (i = 0; i < s->nfiles; i++)
		hist_free(&s->files[i].sizes);
	free(s->files);
	s->files = NULL;
	s->nfiles = s->capfiles = 0;
	free(buf);
	buf = NULL;
}
