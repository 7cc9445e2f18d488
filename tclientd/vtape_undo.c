/*
 * vtape_undo.c -- snapshots of the drive's position and st state, so that
 * records read ahead of the client can be put back as if never read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tclientd.h"
#include "vtape.h"

struct vt_snap {
	struct cart	*cart;		/* the tape it was taken on */
	size_t		 pos;
	int		 eof;
	int		 rw;
	int64_t		 drv_file;
	int64_t		 drv_block;
	size_t		 rlen;		/* unread fixed-mode bytes, copied */
	uint8_t		 rdata[];
};

void *
vt_save(void *p)
{
	struct vtape	*v = p;
	struct vt_snap	*s;

	if ((s = malloc(sizeof(*s) + v->rlen)) == NULL)
		return NULL;
	s->cart = v->cart;
	s->pos = v->pos;
	s->eof = v->eof;
	s->rw = v->rw;
	s->drv_file = v->drv_file;
	s->drv_block = v->drv_block;
	s->rlen = v->rlen;
	if (v->rlen > 0)
		memcpy(s->rdata, v->rbuf + v->roff, v->rlen);
	return s;
}

int
vt_restore(void *p, const void *snap)
{
	struct vtape		*v = p;
	const struct vt_snap	*s = snap;
	uint8_t			*n;

	if (v->cart == NULL || v->cart != s->cart)
		return -EIO;		/* the tape changed under the snapshot */
	if (s->rlen > v->rcap) {
		if ((n = realloc(v->rbuf, s->rlen)) == NULL)
			return -ENOMEM;
		v->rbuf = n;
		v->rcap = s->rlen;
	}
	if (s->rlen > 0)
		memcpy(v->rbuf, s->rdata, s->rlen);
	v->rlen = s->rlen;
	v->roff = 0;
	v->pos = s->pos;
	v->eof = s->eof;
	v->rw = s->rw;
	v->drv_file = s->drv_file;
	v->drv_block = s->drv_block;
	return 0;
}

void
vt_forget(void *snap)
{
	free(snap);
}
