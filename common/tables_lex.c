/*
 * tables_lex.c -- the loader's common ground: diagnostics, growing arrays,
 * lines and fields, numbers and errno names (tcerrno.5).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "tables_int.h"

static void
diag_add(struct tl *L, const char *file, int line, char *msg)
{
	struct tc_tables *t = L->t;
	struct tc_diag	*d;

	if (msg == NULL || !tl_grow(L, (void **)&t->diags, &L->diagcap,
	    t->ndiags + 1, sizeof(*t->diags))) {
		free(msg);
		L->oom = 1;
		return;
	}
	d = &t->diags[t->ndiags];
	if ((d->file = tl_strdup(L, file)) == NULL) {
		free(msg);
		return;
	}
	d->line = line;
	d->msg = msg;
	t->ndiags++;
}

/* Record a problem; past TL_DIAG_MAX only say that there are more. */
void
tl_diag(struct tl *L, const char *file, int line, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	if (L->t->ndiags > TL_DIAG_MAX)
		return;
	if (L->t->ndiags == TL_DIAG_MAX) {
		if (asprintf(&msg, "too many problems (over %d), the rest "
		    "not reported", TL_DIAG_MAX) == -1)
			msg = NULL;
		diag_add(L, L->t->source, 0, msg);
		return;
	}
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	va_end(ap);
	diag_add(L, file, line, msg);
}

/* Make room for n elements in *arr; 0 (and L->oom set) on failure. */
int
tl_grow(struct tl *L, void **arr, size_t *cap, size_t n, size_t size)
{
	size_t	 ncap;
	void	*p;

	if (n <= *cap)
		return 1;
	ncap = *cap < 16 ? 16 : *cap;
	while (ncap < n && ncap < SIZE_MAX / 2 / size)
		ncap *= 2;
	if (ncap < n || (p = realloc(*arr, ncap * size)) == NULL) {
		L->oom = 1;
		return 0;
	}
	*arr = p;
	*cap = ncap;
	return 1;
}

/* The capacity tl_grow() gave an array that holds n elements. */
size_t
tl_cap(size_t n)
{
	size_t	cap = 16;

	if (n == 0)
		return 0;
	while (cap < n)
		cap *= 2;
	return cap;
}

char *
tl_strdup(struct tl *L, const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		L->oom = 1;
	return p;
}

/* "line 12" in the same file, else "FILE:12"; to be freed. */
char *
tl_where(struct tl *L, const char *here, const char *file, int line)
{
	char	*s;
	int	 n;

	if (strcmp(here, file) == 0)
		n = asprintf(&s, "line %d", line);
	else
		n = asprintf(&s, "%s:%d", file, line);
	if (n == -1) {
		L->oom = 1;
		return NULL;
	}
	return s;
}

static void
tl_split(char *s, struct tl_line *tl)
{
	tl->nf = 0;
	for (;;) {
		s += strspn(s, " \t\r");
		if (*s == '\0')
			return;
		if (tl->nf < TL_MAXF)
			tl->f[tl->nf] = s;
		tl->nf++;
		s += strcspn(s, " \t\r");
		if (*s == '\0')
			return;
		*s++ = '\0';
	}
}

static void
tl_line(struct tl *L, const struct tl_src *src, int lineno, const char *p,
    size_t len, tl_linefn fn, void *arg)
{
	char		 buf[TC_TABLE_LINE_MAX + 1];
	struct tl_line	 tl;
	unsigned char	 c;
	size_t		 n;

	if (len > TC_TABLE_LINE_MAX) {
		tl_diag(L, src->label, lineno,
		    "line too long (over %d characters)", TC_TABLE_LINE_MAX);
		return;
	}
	/* A comment may hold anything; the rest is printable ASCII. */
	for (n = 0; n < len && p[n] != '#'; n++) {
		c = (unsigned char)p[n];
		if (c != '\t' && c != '\r' && (c < 0x20 || c > 0x7e)) {
			tl_diag(L, src->label, lineno,
			    "invalid character 0x%02x", c);
			return;
		}
	}
	memcpy(buf, p, n);
	buf[n] = '\0';
	tl_split(buf, &tl);
	tl.lineno = lineno;
	if (tl.nf > 0)
		fn(L, src, &tl, arg);
}

void
tl_lines(struct tl *L, const struct tl_src *src, tl_linefn fn, void *arg)
{
	const char	*p = src->text, *end = src->text + src->len, *nl;
	int		 lineno = 0;

	while (p < end && !L->oom) {
		nl = memchr(p, '\n', (size_t)(end - p));
		tl_line(L, src, ++lineno, p,
		    nl != NULL ? (size_t)(nl - p) : (size_t)(end - p), fn, arg);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

/* Decimal digits only: 0 ok, -1 not a number, -2 above max. */
int
tl_number(const char *s, long max, long *out)
{
	long	v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		if (v <= max)		/* saturate: v * 10 cannot overflow */
			v = v * 10 + (*s - '0');
	}
	if (v > max)
		return -2;
	*out = v;
	return 0;
}

/* E followed by upper-case letters and digits (E2BIG, EWRPROTECT). */
int
tl_errname_ok(const char *s)
{
	size_t	i, len = strlen(s);

	if (len < 2 || len > TC_NAME_MAX || s[0] != 'E')
		return 0;
	for (i = 1; i < len; i++)
		if (!isupper((unsigned char)s[i]) &&
		    !isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

int
tl_checkname(struct tl *L, const struct tl_src *src, int lineno,
    const char *s)
{
	if (strlen(s) > TC_NAME_MAX) {
		tl_diag(L, src->label, lineno,
		    "errno name too long (over %d characters)", TC_NAME_MAX);
		return 0;
	}
	if (!tl_errname_ok(s)) {
		tl_diag(L, src->label, lineno, "bad errno name \"%s\"", s);
		return 0;
	}
	return 1;
}

/* The platform with this id, created if needed; NULL when out of memory. */
struct tc_platform *
tl_platform(struct tl *L, const char *id)
{
	struct tc_tables	*t = L->t;
	struct tc_platform	*p;
	size_t			 i;

	for (i = 0; i < t->nplats; i++)
		if (strcmp(t->plats[i].id, id) == 0)
			return &t->plats[i];
	if (!tl_grow(L, (void **)&t->plats, &L->platcap, t->nplats + 1,
	    sizeof(*t->plats)))
		return NULL;
	p = &t->plats[t->nplats++];
	memset(p, 0, sizeof(*p));
	tc_strlcpy(p->id, id, sizeof(p->id));
	p->fallback = -1;
	p->unsupported = -1;
	return p;
}
