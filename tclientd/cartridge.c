/*
 * cartridge.c -- a vtape cartridge: a file in the SIMH .tap framing, and an
 * index of where each object (record or filemark) starts.  See docs/VTAPE.md.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tclientd.h"
#include "vtape.h"

#define TAP_GAP		0xfffffffeu	/* erase gap: skip the word */
#define TAP_EOM		0xffffffffu	/* end of medium */
#define TAP_CLASS(w)	((w) >> 28)
#define TAP_LEN(w)	((w) & 0x0fffffffu)
#define TAP_CLASS_BAD	0x8

struct cart {
	int		 fd;
	char		*path;
	uint64_t	*obj;		/* where each object starts */
	size_t		 nobj;
	size_t		 objcap;
	size_t		*fm;		/* object numbers of the filemarks */
	size_t		 nfm;
	size_t		 fmcap;
	uint64_t	 eod;		/* just past the last object */
	uint64_t	 size;		/* of the file */
	int		 readonly;	/* damaged, or the file is read-only */
	int		 dirty;		/* changed since the last sync */
};

static uint32_t
le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void
put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static int
read_at(struct cart *c, void *buf, size_t len, uint64_t off)
{
	ssize_t	n;

	do
		n = pread(c->fd, buf, len, (off_t)off);
	while (n == -1 && errno == EINTR);
	if (n == (ssize_t)len)
		return 0;
	if (n == -1)
		log_warn("%s: read at offset %" PRIu64, c->path, off);
	else
		log_warnx("%s: short read at offset %" PRIu64, c->path, off);
	return -EIO;
}

static int
word_at(struct cart *c, uint64_t off, uint32_t *w)
{
	uint8_t	b[4];

	if (read_at(c, b, sizeof(b), off) != 0)
		return -EIO;
	*w = le32(b);
	return 0;
}

static int
grow(void *arrp, size_t *cap, size_t n, size_t size)
{
	void	**arr = arrp;
	void	 *p;
	size_t	  ncap;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 1024;
	if (ncap > SIZE_MAX / size || (p = realloc(*arr, ncap * size)) == NULL)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

/* Room for one more object, so that adding it after a write cannot fail. */
static int
reserve(struct cart *c)
{
	if (grow(&c->obj, &c->objcap, c->nobj, sizeof(*c->obj)) != 0 ||
	    grow(&c->fm, &c->fmcap, c->nfm, sizeof(*c->fm)) != 0)
		return -ENOMEM;
	return 0;
}

static void
add(struct cart *c, uint64_t off, uint64_t end, int fm)
{
	if (fm)
		c->fm[c->nfm++] = c->nobj;
	c->obj[c->nobj++] = off;
	c->eod = end;
}

/* A torn tail: the file ends inside the last frame. */
static int
cut(struct cart *c, uint64_t off)
{
	if (c->readonly) {
		log_warnx("%s: torn record at offset %" PRIu64 " (%" PRIu64
		    " bytes): end of data there", c->path, off, c->size - off);
		return 0;
	}
	log_warnx("%s: torn record at offset %" PRIu64 " (%" PRIu64
	    " bytes) cut off", c->path, off, c->size - off);
	if (ftruncate(c->fd, (off_t)off) == -1 || fdatasync(c->fd) == -1) {
		log_warn("%s: truncate", c->path);
		return -EIO;
	}
	c->size = off;
	return 0;
}

static void
damaged(struct cart *c, uint64_t off, uint32_t w, uint32_t t)
{
	log_warnx("%s: damaged record at offset %" PRIu64 " (length words "
	    "0x%08x and 0x%08x differ): end of data there, cartridge "
	    "write-protected", c->path, off, w, t);
	c->readonly = 1;
}

/* One frame at off; 1 when the scan ends there. */
static int
scan_frame(struct cart *c, uint64_t *offp)
{
	uint64_t off = *offp, frame;
	uint32_t w, t;
	int	 r;

	if (c->size - off < 4)
		return cut(c, off) == 0 ? 1 : -EIO;
	if ((r = word_at(c, off, &w)) != 0)
		return r;
	if (w == TAP_GAP) {
		*offp = off + 4;
		return 0;
	}
	if (w == TAP_EOM)
		return 1;
	if (TAP_CLASS(w) != 0 && TAP_CLASS(w) != TAP_CLASS_BAD) {
		log_warnx("%s: unsupported marker 0x%08x at offset %" PRIu64
		    ": end of data there", c->path, w, off);
		return 1;
	}
	if ((r = reserve(c)) != 0)
		return r;
	if (w == 0) {
		add(c, off, off + CART_FM_SIZE, 1);
		*offp = off + CART_FM_SIZE;
		return 0;
	}
	frame = CART_FRAME(TAP_LEN(w));
	if (frame > c->size - off)
		return cut(c, off) == 0 ? 1 : -EIO;
	if ((r = word_at(c, off + frame - 4, &t)) != 0)
		return r;
	if (t != w) {
		if (off + frame == c->size)
			return cut(c, off) == 0 ? 1 : -EIO;
		damaged(c, off, w, t);
		return 1;
	}
	add(c, off, off + frame, 0);
	*offp = off + frame;
	return 0;
}

static int
scan(struct cart *c)
{
	uint64_t off = 0;
	int	 r;

	while (off < c->size)
		if ((r = scan_frame(c, &off)) != 0)
			return r < 0 ? r : 0;
	return 0;
}

static int
open_file(struct cart *c, char *err, size_t errlen)
{
	struct stat sb;

	c->fd = open(c->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (c->fd == -1 && (errno == EACCES || errno == EROFS)) {
		c->fd = open(c->path, O_RDONLY | O_CLOEXEC);
		if (c->fd != -1) {
			log_info("%s: read-only file: cartridge "
			    "write-protected", c->path);
			c->readonly = 1;
		}
	}
	if (c->fd == -1) {
		snprintf(err, errlen, "%s: %s", c->path, strerror(errno));
		return -1;
	}
	if (flock(c->fd, LOCK_EX | LOCK_NB) == -1) {
		snprintf(err, errlen, "%s: in use", c->path);
		return -1;
	}
	if (fstat(c->fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", c->path);
		return -1;
	}
	c->size = (uint64_t)sb.st_size;
	return 0;
}

/* Open or create the cartridge file, scan it, cut a torn tail. */
struct cart *
cart_open(const char *path, char *err, size_t errlen)
{
	struct cart	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->path = strdup(path)) == NULL) {
		free(c);
		tc_strlcpy(err, "out of memory", errlen);
		return NULL;
	}
	c->fd = -1;
	if (open_file(c, err, errlen) == -1)
		goto fail;
	if (scan(c) != 0) {
		snprintf(err, errlen, "%s: cannot read the cartridge", path);
		goto fail;
	}
	return c;
fail:
	cart_close(c);
	return NULL;
}

void
cart_close(struct cart *c)
{
	if (c == NULL)
		return;
	if (c->fd != -1) {
		(void)cart_sync(c);
		close(c->fd);
	}
	free(c->obj);
	free(c->fm);
	free(c->path);
	free(c);
}

int
cart_readonly(const struct cart *c)
{
	return c->readonly;
}

size_t
cart_count(const struct cart *c)
{
	return c->nobj;
}

/* Where object i starts; the end of data for i == cart_count(). */
uint64_t
cart_offset(const struct cart *c, size_t i)
{
	return i < c->nobj ? c->obj[i] : c->eod;
}

/* How many filemarks lie before object i. */
size_t
cart_fm_before(const struct cart *c, size_t i)
{
	size_t	lo = 0, hi = c->nfm, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c->fm[mid] < i)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The object number of filemark k (from 0). */
size_t
cart_fm_index(const struct cart *c, size_t k)
{
	return c->fm[k];
}

/* CART_REC, CART_FM or CART_BAD (with *len), or -EIO. */
int
cart_kind(struct cart *c, size_t i, uint32_t *len)
{
	uint32_t w;

	if (word_at(c, c->obj[i], &w) != 0)
		return -EIO;
	*len = TAP_LEN(w);
	if (w == 0)
		return CART_FM;
	return TAP_CLASS(w) == TAP_CLASS_BAD ? CART_BAD : CART_REC;
}

int
cart_read(struct cart *c, size_t i, void *buf, uint32_t len)
{
	return read_at(c, buf, len, c->obj[i] + 4);
}

/* Make object i the end of data. */
int
cart_truncate(struct cart *c, size_t i)
{
	uint64_t off = cart_offset(c, i);

	if (c->readonly)
		return -EROFS;
	if (off < c->size && ftruncate(c->fd, (off_t)off) == -1) {
		log_warn("%s: truncate", c->path);
		return -EIO;
	}
	if (off < c->size)
		c->dirty = 1;
	c->size = c->eod = off;
	if (i < c->nobj) {
		c->nfm = cart_fm_before(c, i);
		c->nobj = i;
	}
	return 0;
}

/* Write a record (a filemark if len is 0) as object i, the new last one. */
int
cart_write(struct cart *c, size_t i, const void *buf, uint32_t len)
{
	uint8_t		 hdr[4], pad = 0;
	struct iovec	 iov[4];
	uint64_t	 off;
	ssize_t		 n;
	int		 r, niov = 1;

	if ((r = cart_truncate(c, i)) != 0 || (r = reserve(c)) != 0)
		return r;
	off = c->eod;
	put_le32(hdr, len);
	iov[0].iov_base = hdr;
	iov[0].iov_len = sizeof(hdr);
	if (len > 0) {
		iov[niov].iov_base = (void *)(uintptr_t)buf;
		iov[niov++].iov_len = len;
		iov[niov].iov_base = &pad;
		iov[niov++].iov_len = len & 1;
		iov[niov].iov_base = hdr;
		iov[niov++].iov_len = sizeof(hdr);
	}
	c->dirty = 1;
	do
		n = pwritev(c->fd, iov, niov, (off_t)off);
	while (n == -1 && errno == EINTR);
	if (n != (ssize_t)(len ? CART_FRAME(len) : CART_FM_SIZE)) {
		if (n == -1)
			log_warn("%s: write at offset %" PRIu64, c->path, off);
		else
			log_warnx("%s: short write at offset %" PRIu64,
			    c->path, off);
		/* leave no torn frame behind */
		if (ftruncate(c->fd, (off_t)off) == -1)
			log_warn("%s: truncate", c->path);
		return -EIO;
	}
	c->size = off + (uint64_t)n;
	add(c, off, c->size, len == 0);
	return 0;
}

int
cart_sync(struct cart *c)
{
	if (!c->dirty)
		return 0;
	if (fdatasync(c->fd) == -1) {
		log_warn("%s: fdatasync", c->path);
		return -EIO;
	}
	c->dirty = 0;
	return 0;
}
