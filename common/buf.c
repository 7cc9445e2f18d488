/*
 * buf.c -- a growable output buffer and a strict input reader.  The reader
 * records the first failure and returns zeros after it, so a decoder reads
 * every field and checks once (OpenSSH sshbuf, OpenSMTPD m_get_*).
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"

void
put_be16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

uint16_t
get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

uint32_t
get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

void
tcbuf_init(struct tcbuf *b)
{
	memset(b, 0, sizeof(*b));
}

void
tcbuf_free(struct tcbuf *b)
{
	free(b->data);
	tcbuf_init(b);
}

void
tcbuf_reset(struct tcbuf *b)
{
	b->len = 0;
	b->mark = 0;
	b->failed = 0;
}

int
tcbuf_reserve(struct tcbuf *b, size_t more)
{
	size_t	 ncap;
	uint8_t	*n;

	if (b->failed)
		return -1;
	if (more <= b->cap - b->len)
		return 0;
	ncap = b->cap ? b->cap : 256;
	while (ncap - b->len < more) {
		if (ncap > SIZE_MAX / 2) {
			b->failed = 1;
			return -1;
		}
		ncap *= 2;
	}
	if ((n = realloc(b->data, ncap)) == NULL) {
		b->failed = 1;
		return -1;
	}
	b->data = n;
	b->cap = ncap;
	return 0;
}

void
tcbuf_put(struct tcbuf *b, const void *p, size_t len)
{
	if (len == 0 || tcbuf_reserve(b, len) == -1)
		return;
	memcpy(b->data + b->len, p, len);
	b->len += len;
}

void
tcbuf_put_u8(struct tcbuf *b, uint8_t v)
{
	tcbuf_put(b, &v, 1);
}

void
tcbuf_put_u16(struct tcbuf *b, uint16_t v)
{
	uint8_t	p[2];

	put_be16(p, v);
	tcbuf_put(b, p, sizeof(p));
}

void
tcbuf_put_u32(struct tcbuf *b, uint32_t v)
{
	uint8_t	p[4];

	put_be32(p, v);
	tcbuf_put(b, p, sizeof(p));
}

void
tcbuf_put_u64(struct tcbuf *b, uint64_t v)
{
	tcbuf_put_u32(b, (uint32_t)(v >> 32));
	tcbuf_put_u32(b, (uint32_t)v);
}

/* u16 length, then the bytes; callers keep strings within their limits */
void
tcbuf_put_str(struct tcbuf *b, const char *s)
{
	size_t	len = strlen(s);

	if (len > UINT16_MAX)
		len = UINT16_MAX;
	tcbuf_put_u16(b, (uint16_t)len);
	tcbuf_put(b, s, len);
}

void
tcrd_init(struct tcrd *r, const void *p, size_t len)
{
	r->p = p;
	r->left = len;
	r->err = NULL;
}

static const uint8_t *
tcrd_take(struct tcrd *r, size_t n)
{
	const uint8_t	*p;

	if (r->err != NULL)
		return NULL;
	if (r->left < n) {
		r->err = "truncated payload";
		return NULL;
	}
	p = r->p;
	r->p += n;
	r->left -= n;
	return p;
}

uint8_t
tcrd_u8(struct tcrd *r)
{
	const uint8_t	*p = tcrd_take(r, 1);

	return p ? p[0] : 0;
}

uint16_t
tcrd_u16(struct tcrd *r)
{
	const uint8_t	*p = tcrd_take(r, 2);

	return p ? get_be16(p) : 0;
}

uint32_t
tcrd_u32(struct tcrd *r)
{
	const uint8_t	*p = tcrd_take(r, 4);

	return p ? get_be32(p) : 0;
}

uint64_t
tcrd_u64(struct tcrd *r)
{
	const uint8_t	*p = tcrd_take(r, 8);

	return p ? (uint64_t)get_be32(p) << 32 | get_be32(p + 4) : 0;
}

/*
 * A string into dst (size includes the NUL).  Longer than dst allows: the
 * error is what; holding a NUL or a control character: an error that says
 * so.
 */
void
tcrd_str(struct tcrd *r, char *dst, size_t size, const char *what)
{
	const uint8_t	*p;
	uint16_t	 len;
	size_t		 i;

	dst[0] = '\0';
	len = tcrd_u16(r);
	if (r->err != NULL)
		return;
	if (len >= size) {
		r->err = what;
		return;
	}
	if ((p = tcrd_take(r, len)) == NULL)
		return;
	for (i = 0; i < len; i++)
		if (p[i] < 0x20 || p[i] == 0x7f) {
			r->err = "a string field holds a NUL or control "
			    "character";
			return;
		}
	memcpy(dst, p, len);
	dst[len] = '\0';
}

/* 0 when every field was there and nothing is left over. */
int
tcrd_end(struct tcrd *r)
{
	if (r->err == NULL && r->left != 0)
		r->err = "trailing bytes after payload";
	return r->err == NULL ? 0 : -1;
}
