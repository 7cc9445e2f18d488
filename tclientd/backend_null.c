/*
 * backend_null.c -- a drive that discards what is written and reads back
 * zero-filled records of the size asked for; for benchmarks.  It never
 * reports a filemark, end of data or end of medium.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tclientd.h"

struct nulldrv {
	uint32_t	blksize;
	uint32_t	density;
	uint32_t	min_block;
	uint32_t	max_block;
	int64_t		fileno;
	int64_t		blkno;
	uint64_t	addr;
};

static int
null_check(const struct drive_conf *dc, char *err, size_t errlen)
{
	return 0;
}

static void *
null_new(const struct drive_conf *dc, char *err, size_t errlen)
{
	struct nulldrv	*n;

	if ((n = calloc(1, sizeof(*n))) == NULL) {
		tc_strlcpy(err, "out of memory", errlen);
		return NULL;
	}
	n->min_block = dc->min_block ? dc->min_block : 1;
	n->max_block = dc->max_block ? dc->max_block : DEF_MAX_BLOCK;
	n->density = dc->density;
	return n;
}

static int
null_open(void *p, int flags)
{
	return 0;
}

static int
null_close(void *p)
{
	return 0;
}

static int
null_count_ok(struct nulldrv *n, size_t len)
{
	if (n->blksize != 0)
		return len % n->blksize == 0;
	return len >= n->min_block && len <= n->max_block;
}

static ssize_t
null_read(void *p, void *buf, size_t len)
{
	struct nulldrv	*n = p;

	if (!null_count_ok(n, len))
		return -EINVAL;
	memset(buf, 0, len);
	n->blkno += n->blksize ? len / n->blksize : 1;
	n->addr += n->blksize ? len / n->blksize : 1;
	return (ssize_t)len;
}

static ssize_t
null_write(void *p, const void *buf, size_t len)
{
	struct nulldrv	*n = p;

	if (!null_count_ok(n, len))
		return -EINVAL;
	n->blkno += n->blksize ? len / n->blksize : 1;
	n->addr += n->blksize ? len / n->blksize : 1;
	return (ssize_t)len;
}

static int
null_op(void *p, int op, int64_t count, int64_t *result)
{
	struct nulldrv	*n = p;

	switch (op) {
	case TC_STREW:
	case TC_STRETEN:
	case TC_STOFFL:
	case TC_STEJECT:
	case TC_STLOAD:
	case TC_STINSRT:
		n->fileno = n->blkno = 0;
		n->addr = 0;
		return 0;
	case TC_STWEOF:
	case TC_X_WEOFI:
		if (count < 0)
			return -EINVAL;
		n->fileno += count;
		n->addr += (uint64_t)count;
		n->blkno = 0;
		return 0;
	case TC_STIOCHGP:
		if (count < 0 || (count != 0 && ((uint64_t)count < n->min_block
		    || (uint64_t)count > n->max_block)))
			return -EINVAL;
		n->blksize = (uint32_t)count;
		return 0;
	case TC_X_SETDENSITY:
		if (count < 0 || count > 0xff)
			return -EINVAL;
		n->density = (uint32_t)count;
		return 0;
	case TC_X_TELL:
		*result = (int64_t)n->addr;
		return 0;
	case TC_X_RESET:
	case TC_X_DRVOPTS:
		return -ENOSYS;
	default:
		/* spacing and the rest succeed without moving anything */
		return 0;
	}
}

static int
null_status(void *p, struct tc_status *st)
{
	struct nulldrv	*n = p;

	memset(st, 0, sizeof(*st));
	st->fileno = n->fileno;
	st->blkno = n->blkno;
	st->blksize = n->blksize;
	st->density = n->density;
	st->min_block = n->min_block;
	st->max_block = n->max_block;
	st->flags = TC_ST_ONLINE | TC_ST_IMREP;
	if (n->blkno == 0)
		st->flags |= n->fileno == 0 ? TC_ST_BOT : TC_ST_EOF;
	return 0;
}

static int
null_position(void *p, uint64_t *pos)
{
	*pos = ((struct nulldrv *)p)->addr;
	return 0;
}

static void
null_free(void *p)
{
	free(p);
}

static void *
null_save(void *p)
{
	struct nulldrv	*s;

	if ((s = malloc(sizeof(*s))) != NULL)
		memcpy(s, p, sizeof(*s));
	return s;
}

static int
null_restore(void *p, const void *snap)
{
	memcpy(p, snap, sizeof(struct nulldrv));
	return 0;
}

const struct backend_ops backend_null = {
	.name = "null",
	.check = null_check,
	.new = null_new,
	.open = null_open,
	.close = null_close,
	.read = null_read,
	.write = null_write,
	.op = null_op,
	.status = null_status,
	.position = null_position,
	.free = null_free,
	.save = null_save,
	.restore = null_restore,
	.forget = free,
};
