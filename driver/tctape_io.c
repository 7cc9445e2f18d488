/*
 * tctape_io.c -- records through the kernel's requests.  The kernel passes
 * a write(2) or read(2) larger than one request in parts: with FOPEN_STREAM
 * the first at offset 0, each further one at the bytes done so far.  A tape
 * record is never split: a write request that may be the first part of
 * more is held until its call ends, and a read request that may be is
 * served from the whole record, read with a buffer any record fits in.
 */
#include <sys/mtio.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tctape.h"

static int
grow(uint8_t **buf, size_t *cap, size_t need, size_t max)
{
	uint8_t	*n;
	size_t	 c = *cap;

	if (need <= c)
		return 0;
	c = c * 2 > need ? c * 2 : need;
	if (c > max && max >= need)
		c = max;
	if ((n = realloc(*buf, c)) == NULL)
		return -ENOMEM;
	*buf = n;
	*cap = c;
	return 0;
}

/* The held record goes to the drive: the count written, or -errno. */
static ssize_t
send_held(struct tt_handle *h)
{
	ssize_t	n;
	size_t	len = h->wlen;

	h->holding = 0;
	h->wlen = 0;
	if ((n = tc_write(h->conn, h->wbuf, len)) < 0)
		return -handle_errno(h, (int)n, "write");
	return n;
}

/*
 * Before any request that does not continue a call: the read call is
 * over, and a held record goes to the drive.  An error writing it is this
 * request's, as st reports the error of a buffered write at the next
 * operation.
 */
int
io_settle(struct tt_handle *h)
{
	ssize_t	n;
	size_t	len = h->wlen;

	if (h->rpend == 1 && h->roff < h->rlen)
		log_warnx("%s: a read(2) of %zu bytes returned the first part "
		    "of a %zu-byte record (st would fail with ENOMEM)",
		    h->node->name, h->roff, h->rlen);
	h->rpend = 0;
	if (!h->holding)
		return 0;
	if ((n = send_held(h)) < 0)
		return (int)n;
	if ((size_t)n < len) {
		log_warnx("%s: %zd of a %zu-byte record written: end of medium",
		    h->node->name, n, len);
		return -ENOSPC;
	}
	return 0;
}

static ssize_t
hold(struct tt_handle *h, const void *buf, size_t size)
{
	if (grow(&h->wbuf, &h->wcap, size, h->max_record) < 0)
		return -ENOMEM;
	memcpy(h->wbuf, buf, size);
	h->wlen = size;
	h->holding = 1;
	return (ssize_t)size;
}

/* A further part of a held write(2); a short one ends the call. */
static ssize_t
write_more(struct tt_handle *h, const void *buf, size_t size, off_t off)
{
	size_t	prior;
	ssize_t	n;

	if (!h->holding || (uint64_t)off != h->wlen) {
		log_warnx("%s: a write request at offset %lld continues no "
		    "write(2)", h->node->name, (long long)off);
		return -EIO;
	}
	if (size > h->max_record - h->wlen) {
		log_warnx("%s: a write(2) of more than %u bytes refused: "
		    "nothing written", h->node->name, h->max_record);
		h->holding = 0;
		h->wlen = 0;
		return -EINVAL;
	}
	if (grow(&h->wbuf, &h->wcap, h->wlen + size, h->max_record) < 0)
		return -ENOMEM;
	memcpy(h->wbuf + h->wlen, buf, size);
	h->wlen += size;
	if (size > tt.wsplit)
		return (ssize_t)size;		/* more may follow */
	prior = h->wlen - size;
	if ((n = send_held(h)) < 0)
		return n;
	return (size_t)n > prior ? n - (ssize_t)prior : 0;
}

ssize_t
io_write(struct tt_handle *h, const void *buf, size_t size, off_t off)
{
	ssize_t	n;
	int	r;

	if (off != 0)
		return write_more(h, buf, size, off);
	if ((r = io_settle(h)) < 0 || (r = handle_ready(h)) < 0)
		return r;
	if (size > tt.wsplit)
		return hold(h, buf, size);
	if ((n = tc_write(h->conn, buf, size)) < 0)
		return -handle_errno(h, (int)n, "write");
	return n;
}

static ssize_t
read_into(struct tt_handle *h, size_t size, const void **data)
{
	ssize_t	n;

	if (grow(&h->rbuf, &h->rcap, size, size) < 0)
		return -ENOMEM;
	if ((n = tc_read(h->conn, h->rbuf, size)) < 0)
		return -handle_errno(h, (int)n, "read");
	*data = h->rbuf;
	return n;
}

/* Fixed-block mode reads any count as blocks: no record to keep whole. */
static int
fixed_mode(struct tt_handle *h)
{
	struct tc_status	st;

	if (h->blksize < 0 && tc_status(h->conn, &st) == 0)
		h->blksize = st.blksize;
	return h->blksize > 0;
}

/* A read request that may be the first part of more: the whole record. */
static ssize_t
read_whole(struct tt_handle *h, size_t size, const void **data)
{
	size_t	want = h->max_record;
	ssize_t	n;

	if (h->max_block > 0 && h->max_block < want)
		want = h->max_block;
	if (want < size)
		want = size;
	if ((n = read_into(h, want, data)) < 0)
		return n;
	h->rpend = 1;
	h->rlen = (size_t)n;
	h->roff = (size_t)n < size ? (size_t)n : size;
	return (ssize_t)h->roff;
}

static ssize_t
read_more(struct tt_handle *h, size_t size, off_t off, const void **data)
{
	ssize_t	n;

	if (h->rpend == 0 || (uint64_t)off != h->roff) {
		log_warnx("%s: a read request at offset %lld continues no "
		    "read(2)", h->node->name, (long long)off);
		return -EIO;
	}
	if (h->rpend == 2) {
		if ((n = read_into(h, size, data)) < 0)
			h->rpend = 0;
		else
			h->roff += (size_t)n;
		return n;
	}
	n = (ssize_t)(size < h->rlen - h->roff ? size : h->rlen - h->roff);
	*data = h->rbuf + h->roff;
	h->roff += (size_t)n;
	return n;
}

/* *data points into the handle: reply before letting go of h->mtx. */
ssize_t
io_read(struct tt_handle *h, size_t size, off_t off, const void **data)
{
	ssize_t	n;
	int	r;

	*data = NULL;
	if (off != 0)
		return read_more(h, size, off, data);
	if ((r = io_settle(h)) < 0 || (r = handle_ready(h)) < 0)
		return r;
	if (size > tt.rsplit && !fixed_mode(h))
		return read_whole(h, size, data);
	n = read_into(h, size, data);
	if (n >= 0 && size > tt.rsplit) {
		h->rpend = 2;
		h->roff = (size_t)n;
	}
	return n;
}

/* MTIOCTOP, MTIOCGET and MTIOCPOS, in the Linux structures. */
int
io_ioctl(struct tt_handle *h, unsigned int cmd, const void *in, size_t inlen,
    void *out, size_t *outlen)
{
	struct mtop	op;
	int		r;

	*outlen = 0;
	if (cmd != MTIOCTOP && cmd != MTIOCGET && cmd != MTIOCPOS)
		return -ENOTTY;
	if ((r = io_settle(h)) < 0 || (r = handle_ready(h)) < 0)
		return r;
	if (cmd == MTIOCTOP) {
		if (inlen < sizeof(op))
			return -EFAULT;
		memcpy(&op, in, sizeof(op));
		h->blksize = -1;
		r = tc_mtioctop(h->conn, &op);
	} else if (cmd == MTIOCGET) {
		*outlen = sizeof(struct mtget);
		r = tc_mtiocget(h->conn, out);
	} else {
		*outlen = sizeof(struct mtpos);
		r = tc_mtiocpos(h->conn, out);
	}
	if (r < 0) {
		*outlen = 0;
		return -handle_errno(h, r, "ioctl");
	}
	return 0;
}
