/*
 * tscan_restore.c -- put the drive back as tscan found it: the position
 * first, while the drive is still in variable mode and spacing counts the
 * tape's own records, then the block size.
 *
 * The position is restored by file and record where the drive knew them,
 * so that its file and block numbers (MTIOCGET) are what they were: st
 * forgets them after a seek (MTSEEK makes them -1), and tape software
 * such as Bacula checks them.  A seek to the block address noted at the
 * start is the fallback, and the way back when the numbers were unknown.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tscan.h"

struct here {
	struct tc_status st;
	uint64_t	 pos;
	int		 pos_ok;
};

static int
look(struct tc_conn *c, struct scan *s, struct here *h)
{
	int	r;

	if ((r = tc_status(c, &h->st)) < 0)
		return ts_check(s, r);
	if ((r = tc_position(c, &h->pos)) < 0)
		ts_check(s, r);
	h->pos_ok = r == 0;
	return s->lost ? r : 0;
}

/* Back where it started: the address, and the numbers as the drive had them. */
static int
is_back(const struct scan *s, const struct here *h)
{
	if (s->start_pos_ok && (!h->pos_ok || h->pos != s->start_pos))
		return 0;
	return h->st.fileno == s->start.fileno && h->st.blkno == s->start.blkno;
}

static int
op(struct tc_conn *c, int canon, int64_t count)
{
	return count == 0 ? 0 : tc_op(c, canon, count, NULL);
}

/* To record B0 of file F0: rewind, or back over marks, or on; then FSR. */
static int
by_file(struct tc_conn *c, const struct scan *s, const struct here *h)
{
	int64_t	f0 = s->start.fileno, now = h->st.fileno;
	int	r;

	if (f0 == 0 || now < 0)
		r = tc_op(c, TC_STREW, 0, NULL) < 0 ? -1 :
		    op(c, TC_STFSF, f0);
	else if (now >= f0)
		r = op(c, TC_X_BSFM, now - f0 + 1);
	else
		r = op(c, TC_STFSF, f0 - now);
	if (r < 0)
		return r;
	return op(c, TC_STFSR, s->start.blkno);
}

/* Before the mark that ends file F0, where a BSF leaves a drive. */
static int
before_mark(struct tc_conn *c, const struct scan *s, const struct here *h)
{
	if (h->st.fileno <= s->start.fileno)
		return -1;
	return op(c, TC_STRSF, h->st.fileno - s->start.fileno);
}

static int
restore_position(struct tc_conn *c, struct scan *s)
{
	struct here	h;
	int		r, f0 = s->start.fileno >= 0, b0 = s->start.blkno >= 0;

	if (look(c, s, &h) < 0)
		goto lost;
	if (is_back(s, &h))
		return 0;
	if (f0 && (b0 ? by_file(c, s, &h) : s->start_pos_ok ?
	    before_mark(c, s, &h) : -1) == 0) {
		if (look(c, s, &h) < 0)
			goto lost;
		if (is_back(s, &h))
			return 0;
	}
	if (s->lost)
		goto lost;
	if (s->start_pos_ok) {
		if ((r = tc_op(c, TC_X_SEEK, (int64_t)s->start_pos, NULL)) < 0)
			ts_check(s, r);
		if (s->lost || look(c, s, &h) < 0)
			goto lost;
		if (h.pos_ok && h.pos == s->start_pos) {
			if (!is_back(s, &h))
				snprintf(s->restore_note, sizeof(s->restore_note),
				    "back at block address %llu; the drive no "
				    "longer knows its file and block numbers "
				    "(they were %lld and %lld)",
				    (unsigned long long)s->start_pos,
				    (long long)s->start.fileno,
				    (long long)s->start.blkno);
			return 0;
		}
	}
	snprintf(s->restore_error, sizeof(s->restore_error), "could not put "
	    "the tape back at file %lld, record %lld%s: it is at file %lld, "
	    "record %lld", (long long)s->start.fileno,
	    (long long)s->start.blkno, s->start_pos_ok ? "" : " (no address)",
	    (long long)h.st.fileno, (long long)h.st.blkno);
	return -1;
lost:
	snprintf(s->restore_error, sizeof(s->restore_error), "the session "
	    "ended, so the tape could not be put back at file %lld, record "
	    "%lld: %s", (long long)s->start.fileno, (long long)s->start.blkno,
	    tc_errmsg(c));
	return -1;
}

static int
restore_mode(struct tc_conn *c, struct scan *s)
{
	struct tc_status st;
	int		 r = 0, e = 0;

	if (!s->mode_changed)
		return 0;
	if (!s->lost && (r = tc_op(c, TC_STIOCHGP, s->start.blksize,
	    NULL)) == 0 && (r = tc_status(c, &st)) == 0 &&
	    st.blksize == s->start.blksize)
		return 0;
	if (r < 0) {
		e = errno;
		ts_check(s, r);
	}
	snprintf(s->restore_error + strlen(s->restore_error),
	    sizeof(s->restore_error) - strlen(s->restore_error),
	    "%scould not set the block size back to %u (%s %u)%s%s",
	    s->restore_error[0] ? "; " : "", s->start.blksize,
	    s->setblk ? s->setblk : "STIOCHGP", s->start.blksize,
	    r < 0 ? ": " : "", r < 0 ? ts_errtext(c, s, r, e) : "");
	return -1;
}

/* Both are tried whatever the other gave. */
int
probe_restore(struct tc_conn *c, struct scan *s)
{
	int	rp, rm;

	rp = s->lost ? -1 : restore_position(c, s);
	if (s->lost && rp == -1 && s->restore_error[0] == '\0')
		snprintf(s->restore_error, sizeof(s->restore_error), "the "
		    "session ended, so the drive could not be put back: %s",
		    tc_errmsg(c));
	rm = s->lost ? -1 : restore_mode(c, s);
	s->restored = rp == 0 && rm == 0;
	return s->restored ? 0 : -1;
}
