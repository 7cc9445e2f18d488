/*
 * tctape_fs.c -- the FUSE low-level operations on open tape nodes, each
 * handed to its handle under the handle's lock: one at a time.
 */
#include <sys/mtio.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <linux/fuse.h>		/* fuse_open_out, FOPEN_STREAM */

#include "tctape.h"

/* Ask for the largest requests; what the kernel grants is read later. */
static void
fs_init(void *arg, struct fuse_conn_info *conn)
{
	conn->max_write = TT_REQ_MAX;
	conn->max_read = TT_REQ_MAX;
	if (conn->capable & FUSE_CAP_ATOMIC_O_TRUNC)
		conn->want |= FUSE_CAP_ATOMIC_O_TRUNC;
	conn->want &= ~(FUSE_CAP_ASYNC_DIO | FUSE_CAP_WRITEBACK_CACHE);
	tt.conn = conn;
}

/*
 * The open reply by hand: libfuse's fuse_file_info cannot say FOPEN_STREAM,
 * which makes every read(2) and write(2) start at offset 0 -- a request at
 * a higher offset is the kernel passing the rest of the same call.
 */
static void
fs_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fuse_open_out	 out;
	const struct tt_node	*n;
	struct tt_handle	*h;
	int			 r;

	if (ino == TT_ROOT_INO || (n = node_byino(ino)) == NULL) {
		fuse_reply_err(req, ino == TT_ROOT_INO ? EISDIR : ENOENT);
		return;
	}
	if ((r = handle_open(n, fi->flags, &h)) < 0) {
		fuse_reply_err(req, -r);
		return;
	}
	memset(&out, 0, sizeof(out));
	out.fh = (uintptr_t)h;
	out.open_flags = FOPEN_DIRECT_IO | FOPEN_NONSEEKABLE | FOPEN_STREAM;
	/* the open(2) was interrupted: nobody will close this one */
	if (fuse_reply_buf(req, (const char *)&out, sizeof(out)) == -ENOENT)
		handle_release(h);
}

static struct tt_handle *
handle_of(struct fuse_file_info *fi)
{
	return (struct tt_handle *)(uintptr_t)fi->fh;
}

static void
fs_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
    struct fuse_file_info *fi)
{
	struct tt_handle	*h = handle_of(fi);
	const void		*data;
	ssize_t			 n;

	pthread_mutex_lock(&h->mtx);
	if ((n = io_read(h, fuse_req_ctx(req)->pid, size, off, &data)) < 0)
		fuse_reply_err(req, (int)-n);
	else
		fuse_reply_buf(req, data, (size_t)n);
	pthread_mutex_unlock(&h->mtx);
}

static void
fs_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size,
    off_t off, struct fuse_file_info *fi)
{
	struct tt_handle	*h = handle_of(fi);
	ssize_t			 n;

	pthread_mutex_lock(&h->mtx);
	n = io_write(h, fuse_req_ctx(req)->pid, buf, size, off);
	pthread_mutex_unlock(&h->mtx);
	if (n < 0)
		fuse_reply_err(req, (int)-n);
	else
		fuse_reply_write(req, (size_t)n);
}

static void
fs_ioctl(fuse_req_t req, fuse_ino_t ino, unsigned int cmd, void *arg,
    struct fuse_file_info *fi, unsigned flags, const void *in, size_t inlen,
    size_t outcap)
{
	struct tt_handle	*h = handle_of(fi);
	union {
		struct mtget	g;
		struct mtpos	p;
	}			 out;
	size_t			 outlen;
	int			 r;

	if (flags & FUSE_IOCTL_DIR) {
		fuse_reply_err(req, ENOTTY);
		return;
	}
	pthread_mutex_lock(&h->mtx);
	r = io_ioctl(h, cmd, in, inlen, &out, &outlen);
	pthread_mutex_unlock(&h->mtx);
	if (r < 0)
		fuse_reply_err(req, -r);
	else if (outlen > outcap)
		fuse_reply_err(req, EFAULT);
	else
		fuse_reply_ioctl(req, 0, outlen ? &out : NULL, outlen);
}

/* fsync(2): the records written so far are on the drive. */
static void
fs_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
    struct fuse_file_info *fi)
{
	fuse_reply_err(req, -handle_sync(handle_of(fi)));
}

/* Every close(2), a killed program's too: writes done behind settle. */
static void
fs_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	fuse_reply_err(req, -handle_flush(handle_of(fi)));
}

/* The last reference: the drive closes (filemark, rewind). */
static void
fs_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	handle_release(handle_of(fi));
	fuse_reply_err(req, 0);
}

const struct fuse_lowlevel_ops tt_ops = {
	.init = fs_init,
	.lookup = dir_lookup,
	.getattr = dir_getattr,
	.setattr = dir_setattr,
	.readdir = dir_readdir,
	.open = fs_open,
	.read = fs_read,
	.write = fs_write,
	.flush = fs_flush,
	.release = fs_release,
	.fsync = fs_fsync,
	.ioctl = fs_ioctl,
};
