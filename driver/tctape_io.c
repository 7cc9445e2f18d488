/*
 * tctape_io.c -- records through the kernel's requests.  With FOPEN_STREAM
 * every read(2) and write(2) starts at offset 0, and the kernel passes one
 * that does not fit in a request (1 MiB, less when the buffer does not
 * start on a page) in parts, each further part at the bytes done so far.
 * A record is never split: the count of the call the program is in (from
 * /proc/TID/syscall) says whether a large request is all of it; the parts
 * of a write are put together and go as one record, a write larger than a
 * request is refused with EINVAL, and a record is read whole and handed
 * out in parts.
 */
#include <sys/mtio.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tctape.h"

static int	proc_warned;

/*
 * The count of the read(2) or write(2) (or pread, pwrite) thread tid is
 * in; -1 when that cannot be told: another call (readv, io_uring), or
 * /proc/TID/syscall not readable (it needs ptrace access to the program).
 */
static ssize_t
call_count(pid_t tid, int writing)
{
	char		 path[64], line[256];
	unsigned long	 a0, a1, a2;
	long		 nr;
	ssize_t		 n;
	int		 fd;

	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)tid);
	if (tid <= 0 || (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    (n = read(fd, line, sizeof(line) - 1), close(fd), n) <= 0) {
		if (!proc_warned) {
			proc_warned = 1;
			log_warnx("%s: cannot read: records of about %zu bytes "
			    "and more are told apart by guessing", path,
			    tt.wlimit);
		}
		return -1;
	}
	line[n] = '\0';
	if (sscanf(line, "%ld %lx %lx %lx", &nr, &a0, &a1, &a2) != 4)
		return -1;
	if (writing ? nr != SYS_write && nr != SYS_pwrite64 :
	    nr != SYS_read && nr != SYS_pread64)
		return -1;
	return a2 > SSIZE_MAX ? SSIZE_MAX : (ssize_t)a2;
}

static int
grow(uint8_t **buf, size_t *cap, size_t need)
{
	uint8_t	*n;

	if (need <= *cap)
		return 0;
	if ((n = realloc(*buf, need)) == NULL)
		return -ENOMEM;
	*buf = n;
	*cap = need;
	return 0;
}

static void
drop_held(struct tt_handle *h)
{
	h->holding = 0;
	h->wlen = 0;
	h->wwant = 0;
}

/* The held record goes to the drive: the count written, or -errno. */
static ssize_t
send_held(struct tt_handle *h)
{
	ssize_t	n;
	size_t	len = h->wlen;

	drop_held(h);
	h->dirty = 1;
	if ((n = tc_write(h->conn, h->wbuf, len)) < 0)
		return -handle_errno(h, (int)n, "write");
	return n;
}

/*
 * Before any request that does not continue a call: the last read call
 * is over, a record held whole goes to the drive, and an error kept for
 * this request is reported, as st reports a buffered write's error at the
 * next operation.
 */
int
io_settle(struct tt_handle *h)
{
	ssize_t	n;
	size_t	len = h->wlen;
	int	e;

	if (h->rpend == 1 && h->roff < h->rlen)
		log_warnx("%s: a read(2) took %zu bytes of a %zu-byte record "
		    "(st would fail it with ENOMEM)", h->node->name, h->roff,
		    h->rlen);
	h->rpend = 0;
	if (h->holding && h->wwant != 0) {
		log_warnx("%s: a write(2) of %zu bytes ended after %zu: "
		    "nothing written", h->node->name, h->wwant, h->wlen);
		drop_held(h);
	} else if (h->holding) {
		if ((n = send_held(h)) < 0)
			return (int)n;
		if ((size_t)n < len)
			log_warnx("%s: %zd of a %zu-byte record written",
			    h->node->name, n, len);
	}
	if ((e = h->perr) != 0) {
		h->perr = 0;
		return -e;
	}
	return 0;
}

/* The first part of a write(2) of want bytes (0: not known). */
static ssize_t
hold(struct tt_handle *h, const void *buf, size_t size, size_t want)
{
	if (grow(&h->wbuf, &h->wcap, want ? want : tt.wlimit) < 0)
		return -ENOMEM;
	memcpy(h->wbuf, buf, size);
	h->wlen = size;
	h->wwant = want;
	h->holding = 1;
	return (ssize_t)size;
}

/* A further part of a held write(2); the last one sends the record. */
static ssize_t
write_more(struct tt_handle *h, const void *buf, size_t size, off_t off)
{
	size_t	prior = h->wlen;
	ssize_t	n;

	if (!h->holding || (uint64_t)off != h->wlen) {
		log_warnx("%s: a write request at offset %lld continues no "
		    "write(2)", h->node->name, (long long)off);
		return -EIO;
	}
	if (size > tt.wlimit - h->wlen) {
		log_warnx("%s: a write(2) of more than %zu bytes refused, "
		    "nothing written; the program sees a short write of %zu",
		    h->node->name, tt.wlimit, h->wlen);
		drop_held(h);
		h->perr = EINVAL;
		return -EINVAL;
	}
	memcpy(h->wbuf + h->wlen, buf, size);
	h->wlen += size;
	if (h->wwant != 0 ? h->wlen < h->wwant : size > tt.wsplit)
		return (ssize_t)size;		/* more follows */
	/*
	 * The kernel reports the parts before this one as written: the
	 * error is also kept for the program's next call on the node.
	 */
	if ((n = send_held(h)) < 0) {
		h->perr = (int)-n;
		return n;
	}
	return (size_t)n > prior ? n - (ssize_t)prior : 0;
}

ssize_t
io_write(struct tt_handle *h, pid_t tid, const void *buf, size_t size,
    off_t off)
{
	ssize_t	n, want = -1;
	int	r;

	handle_busy(h);
	if (off != 0)
		return write_more(h, buf, size, off);
	if ((r = io_settle(h)) < 0)
		return r;
	if (size > tt.wsplit && (want = call_count(tid, 1)) >
	    (ssize_t)tt.wlimit) {
		log_info("%s: a write(2) of %zd bytes refused (EINVAL): a "
		    "record is at most %zu bytes here", h->node->name, want,
		    tt.wlimit);
		return -EINVAL;
	}
	if (size > tt.wsplit && (want < 0 || (size_t)want > size))
		return hold(h, buf, size, want < 0 ? 0 : (size_t)want);
	h->dirty = 1;
	if ((n = tc_write(h->conn, buf, size)) < 0)
		return -handle_errno(h, (int)n, "write");
	return n;
}

static ssize_t
read_into(struct tt_handle *h, size_t size, const void **data)
{
	ssize_t	n;

	if (size > h->max_record && h->max_record > 0)
		size = h->max_record;
	if (grow(&h->rbuf, &h->rcap, size) < 0)
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

/*
 * A read(2) of want bytes (0: not known) that the kernel passes in parts:
 * the record read whole, its first part now.
 */
static ssize_t
read_parts(struct tt_handle *h, size_t want, size_t size, const void **data)
{
	ssize_t	n;

	if (want == 0)
		want = h->max_block > 0 && h->max_block < h->max_record ?
		    h->max_block : h->max_record;
	if ((n = read_into(h, want > size ? want : size, data)) < 0)
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
io_read(struct tt_handle *h, pid_t tid, size_t size, off_t off,
    const void **data)
{
	ssize_t	n, want;
	int	r;

	*data = NULL;
	handle_busy(h);
	if (off != 0)
		return read_more(h, size, off, data);
	if ((r = io_settle(h)) < 0)
		return r;
	if (size <= tt.rsplit)
		return read_into(h, size, data);
	if ((want = call_count(tid, 0)) >= 0)
		return (size_t)want > size ? read_parts(h, (size_t)want, size,
		    data) : read_into(h, size, data);
	if (!fixed_mode(h))
		return read_parts(h, 0, size, data);
	/* fixed blocks, count unknown: each part reads its own blocks */
	if ((n = read_into(h, size, data)) >= 0) {
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
	handle_busy(h);
	if (cmd != MTIOCTOP && cmd != MTIOCGET && cmd != MTIOCPOS)
		return -ENOTTY;
	if ((r = io_settle(h)) < 0)
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
