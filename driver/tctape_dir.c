/*
 * tctape_dir.c -- the directory of tape nodes, two per drive the client may
 * use: DRIVE rewinds at close, nDRIVE does not.  Regular files of size 0.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tctape.h"

#define TT_TIMEOUT	1.0	/* seconds the kernel may cache names, attrs */

const struct tt_node *
node_byino(fuse_ino_t ino)
{
	if (ino < TT_ROOT_INO + 1 || ino > TT_ROOT_INO + tt.nnodes)
		return NULL;
	return &tt.nodes[ino - TT_ROOT_INO - 1];
}

static const struct tt_node *
node_byname(const char *name)
{
	size_t	i;

	for (i = 0; i < tt.nnodes; i++)
		if (strcmp(tt.nodes[i].name, name) == 0)
			return &tt.nodes[i];
	return NULL;
}

static void
add_node(const struct tc_drive *d, int rewind)
{
	struct tt_node	*n = &tt.nodes[tt.nnodes];

	snprintf(n->name, sizeof(n->name), "%s%s", rewind ? "" : "n", d->name);
	if (node_byname(n->name) != NULL) {
		log_warnx("two drives make the node name %s: %s left out",
		    n->name, d->name);
		return;
	}
	tc_strlcpy(n->drive, d->name, sizeof(n->drive));
	tc_strlcpy(n->backend, d->backend, sizeof(n->backend));
	n->rewind = rewind;
	n->readonly = d->readonly;
	n->max_record = d->max_record;
	n->ino = TT_ROOT_INO + 1 + tt.nnodes++;
}

/* The drives this client may use, as DRIVE and nDRIVE. */
int
nodes_load(struct tc_conn *c, char *err, size_t errlen)
{
	struct tc_drive	*d;
	size_t		 i, n;

	if (tc_drives(c, &d, &n) < 0) {
		snprintf(err, errlen, "cannot list the drives: %s",
		    tc_errmsg(c));
		return -1;
	}
	if (n == 0) {
		snprintf(err, errlen, "no drive on the server lets identity %s "
		    "in", tc_identity(c));
		free(d);
		return -1;
	}
	if ((tt.nodes = calloc(2 * n, sizeof(*tt.nodes))) == NULL) {
		snprintf(err, errlen, "out of memory");
		free(d);
		return -1;
	}
	for (i = 0; i < n; i++) {
		add_node(&d[i], 1);
		add_node(&d[i], 0);
	}
	free(d);
	return 0;
}

void
nodes_free(void)
{
	free(tt.nodes);
	free(tt.dirbuf);
	tt.nodes = NULL;
	tt.dirbuf = NULL;
	tt.nnodes = 0;
}

static int
stat_ino(fuse_ino_t ino, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = ino;
	st->st_uid = tt.uid;
	st->st_gid = tt.gid;
	st->st_atime = st->st_mtime = st->st_ctime = tt.mtime;
	if (ino == TT_ROOT_INO) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
		return 0;
	}
	if (node_byino(ino) == NULL)
		return -1;
	st->st_mode = S_IFREG | tt.mode;
	st->st_nlink = 1;
	return 0;
}

void
dir_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fuse_entry_param	 e;
	const struct tt_node	*n;

	if (parent != TT_ROOT_INO || (n = node_byname(name)) == NULL) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	memset(&e, 0, sizeof(e));
	e.ino = n->ino;
	e.attr_timeout = e.entry_timeout = TT_TIMEOUT;
	stat_ino(n->ino, &e.attr);
	fuse_reply_entry(req, &e);
}

void
dir_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct stat	st;

	if (stat_ino(ino, &st) == -1)
		fuse_reply_err(req, ENOENT);
	else
		fuse_reply_attr(req, &st, TT_TIMEOUT);
}

/* O_TRUNC and utimes are accepted and change nothing; owners stay. */
void
dir_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
    struct fuse_file_info *fi)
{
	if (to_set & (FUSE_SET_ATTR_MODE | FUSE_SET_ATTR_UID |
	    FUSE_SET_ATTR_GID))
		fuse_reply_err(req, EPERM);
	else if ((to_set & FUSE_SET_ATTR_SIZE) && attr->st_size != 0)
		fuse_reply_err(req, EINVAL);
	else
		dir_getattr(req, ino, fi);
}

static const char *
dir_name(size_t i)
{
	return i == 0 ? "." : i == 1 ? ".." : tt.nodes[i - 2].name;
}

/*
 * The whole listing, built once; each entry's offset is where the next
 * one starts, so a slice of the buffer answers any readdir.
 */
static int
build_dir(fuse_req_t req)
{
	struct stat	 st;
	size_t		 i, len = 0, n = 0;
	char		*b;

	for (i = 0; i < tt.nnodes + 2; i++)
		len += fuse_add_direntry(req, NULL, 0, dir_name(i), NULL, 0);
	if ((b = calloc(1, len)) == NULL)
		return -1;
	memset(&st, 0, sizeof(st));
	for (i = 0; i < tt.nnodes + 2; i++) {
		st.st_ino = i < 2 ? TT_ROOT_INO : tt.nodes[i - 2].ino;
		st.st_mode = i < 2 ? S_IFDIR : S_IFREG;
		n += fuse_add_direntry(req, b + n, len - n, dir_name(i), &st,
		    (off_t)(n + fuse_add_direntry(req, NULL, 0, dir_name(i),
		    NULL, 0)));
	}
	tt.dirbuf = b;
	tt.dirlen = n;
	return 0;
}

void
dir_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
    struct fuse_file_info *fi)
{
	size_t	pos = (size_t)off;

	if (ino != TT_ROOT_INO) {
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	pthread_mutex_lock(&tt.mtx);
	if (tt.dirbuf == NULL && build_dir(req) == -1) {
		pthread_mutex_unlock(&tt.mtx);
		fuse_reply_err(req, ENOMEM);
		return;
	}
	pthread_mutex_unlock(&tt.mtx);
	if (off < 0 || pos >= tt.dirlen)
		fuse_reply_buf(req, NULL, 0);
	else
		fuse_reply_buf(req, tt.dirbuf + pos, tt.dirlen - pos < size ?
		    tt.dirlen - pos : size);
}

