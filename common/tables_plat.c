/*
 * tables_plat.c -- a platform's errno table (NAME NUMBER) and op table
 * (LOCALNAME NUMBER CANONICAL|-, and "unsupported ERRNONAME"), the checks
 * on each, and the lookups into them (tcerrno.5).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "tables_int.h"

static void
errno_line(struct tl *L, const struct tl_src *src, const struct tl_line *tl,
    void *arg)
{
	struct tc_platform	*p = arg;
	const struct tc_errent	*e;
	struct tc_errent	*ne;
	size_t			 cap = tl_cap(p->nerrs);
	long			 num;
	int			 rc;

	if (tl->nf != 2) {
		tl_diag(L, src->label, tl->lineno,
		    "expected NAME NUMBER, found %zu fields", tl->nf);
		return;
	}
	if (!tl_checkname(L, src, tl->lineno, tl->f[0]))
		return;
	if ((rc = tl_number(tl->f[1], TC_ERRNO_MAX, &num)) == -1) {
		tl_diag(L, src->label, tl->lineno,
		    "errno number \"%s\" is not a decimal number", tl->f[1]);
		return;
	}
	if (rc == -2 || num < 1) {
		tl_diag(L, src->label, tl->lineno,
		    "errno number %s out of range 1..%d", tl->f[1],
		    TC_ERRNO_MAX);
		return;
	}
	if ((e = platform_errbyname(p, tl->f[0])) != NULL) {
		tl_diag(L, src->label, tl->lineno,
		    "duplicate errno name %s (first at line %d)", tl->f[0],
		    e->line);
		return;
	}
	if (!tl_grow(L, (void **)&p->errs, &cap, p->nerrs + 1,
	    sizeof(*p->errs)))
		return;
	ne = &p->errs[p->nerrs++];
	tc_strlcpy(ne->name, tl->f[0], sizeof(ne->name));
	ne->num = (int)num;
	ne->line = tl->lineno;
}

void
tl_errno_file(struct tl *L, const struct tl_src *src)
{
	struct tc_platform	*p;

	if ((p = tl_platform(L, src->id)) == NULL ||
	    (p->errno_file = tl_strdup(L, src->label)) == NULL)
		return;
	tl_lines(L, src, errno_line, p);
}

/* Upper case, digits and '_', starting with a letter: MTWEOF, STIOCHGP. */
static int
opname_ok(const char *s)
{
	size_t	i;

	if (!isupper((unsigned char)s[0]))
		return 0;
	for (i = 1; s[i] != '\0'; i++)
		if (!isupper((unsigned char)s[i]) &&
		    !isdigit((unsigned char)s[i]) && s[i] != '_')
			return 0;
	return 1;
}

static void
ops_unsupported(struct tl *L, const struct tl_src *src,
    const struct tl_line *tl, struct tc_platform *p)
{
	const struct tc_errent	*e;

	if (tl->nf != 2) {
		tl_diag(L, src->label, tl->lineno,
		    "expected unsupported ERRNONAME, found %zu fields", tl->nf);
		return;
	}
	if (p->unsupported_line != 0) {
		tl_diag(L, src->label, tl->lineno,
		    "duplicate unsupported directive (first at line %d)",
		    p->unsupported_line);
		return;
	}
	if (!tl_checkname(L, src, tl->lineno, tl->f[1]))
		return;
	p->unsupported_line = tl->lineno;
	if (p->errno_file == NULL)	/* reported by tl_check_platforms */
		return;
	if ((e = platform_errbyname(p, tl->f[1])) == NULL) {
		tl_diag(L, src->label, tl->lineno,
		    "unknown errno name %s (not in %s.errno)", tl->f[1], p->id);
		return;
	}
	p->unsupported = e->num;
}

/* 0x followed by 1 to 8 hex digits, not 0: 1; else 0. */
static int
gstat_bits(const char *s, uint32_t *out)
{
	uint32_t	v = 0;
	size_t		i;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || s[2] == '\0' ||
	    strlen(s + 2) > 8)
		return 0;
	for (i = 2; s[i] != '\0'; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return 0;
		v = v * 16 + (uint32_t)(isdigit((unsigned char)s[i]) ?
		    s[i] - '0' : tolower((unsigned char)s[i]) - 'a' + 10);
	}
	*out = v;
	return v != 0;
}

/* "status FLAG BITS": the bits of the platform's status word for FLAG. */
static void
ops_status(struct tl *L, const struct tl_src *src, const struct tl_line *tl,
    struct tc_platform *p)
{
	uint32_t	 flag, bits;
	int		 i, k;

	if (tl->nf != 3) {
		tl_diag(L, src->label, tl->lineno,
		    "expected status FLAG BITS, found %zu fields", tl->nf);
		return;
	}
	if ((flag = canon_flagbyname(tl->f[1])) == 0) {
		tl_diag(L, src->label, tl->lineno, "unknown status flag \"%s\": "
		    "use BOT, EOF, EOT, EOD, WR_PROT, ONLINE, NO_MEDIUM, SM, "
		    "IM_REP_EN, CLN or COMPRESS", tl->f[1]);
		return;
	}
	if (!gstat_bits(tl->f[2], &bits)) {
		tl_diag(L, src->label, tl->lineno, "status bits \"%s\" are not "
		    "a hexadecimal number 0x1..0xffffffff", tl->f[2]);
		return;
	}
	for (k = 0; (1u << k) != flag; k++)
		;
	if (p->gstat_line[k] != 0) {
		tl_diag(L, src->label, tl->lineno, "duplicate status flag %s "
		    "(first at line %d)", tl->f[1], p->gstat_line[k]);
		return;
	}
	for (i = 0; i < TC_ST_NFLAGS; i++)
		if (p->gstat[i] & bits) {
			tl_diag(L, src->label, tl->lineno, "status bits %s of %s "
			    "overlap those of %s at line %d", tl->f[2],
			    tl->f[1], canon_flagname(1u << i),
			    p->gstat_line[i]);
			return;
		}
	p->gstat[k] = bits;
	p->gstat_line[k] = tl->lineno;
}

/* Name, number, canonical op; the canonical op as a code, or -2. */
static int
ops_fields(struct tl *L, const struct tl_src *src, const struct tl_line *tl,
    long *num)
{
	const struct tc_canon_info *ci;
	int			 rc;

	if (strlen(tl->f[0]) > TC_NAME_MAX || !opname_ok(tl->f[0])) {
		tl_diag(L, src->label, tl->lineno, "bad op name \"%s\"",
		    tl->f[0]);
		return -2;
	}
	if ((rc = tl_number(tl->f[1], TC_OPNUM_MAX, num)) != 0) {
		tl_diag(L, src->label, tl->lineno, rc == -1 ?
		    "op number \"%s\" is not a decimal number" :
		    "op number %s out of range 0..32767", tl->f[1]);
		return -2;
	}
	if (strcmp(tl->f[2], "-") == 0)
		return -1;
	if ((ci = canon_byname(tl->f[2])) == NULL) {
		tl_diag(L, src->label, tl->lineno,
		    "unknown canonical op \"%s\"", tl->f[2]);
		return -2;
	}
	return ci->code;
}

/* Report the first op clashing by name, number or canonical op: 1. */
static int
ops_clash(struct tl *L, const struct tl_src *src, const struct tl_line *tl,
    const struct tc_platform *p, long num, int canon)
{
	const struct tc_opent	*o;
	const struct tc_canon_info *ci;
	size_t			 i;

	for (i = 0; i < p->nops; i++) {
		o = &p->ops[i];
		if (strcmp(o->name, tl->f[0]) == 0)
			tl_diag(L, src->label, tl->lineno,
			    "duplicate op name %s (first at line %d)", o->name,
			    o->line);
		else if (o->local == num)
			tl_diag(L, src->label, tl->lineno,
			    "duplicate op number %ld (first at line %d)", num,
			    o->line);
		else if (canon >= 0 && o->canon == canon) {
			ci = canon_byop(canon);
			tl_diag(L, src->label, tl->lineno,
			    "canonical op %s already mapped at line %d",
			    ci->name, o->line);
		} else
			continue;
		return 1;
	}
	return 0;
}

static void
ops_line(struct tl *L, const struct tl_src *src, const struct tl_line *tl,
    void *arg)
{
	struct tc_platform	*p = arg;
	struct tc_opent		*o;
	size_t			 cap = tl_cap(p->nops);
	long			 num;
	int			 canon;

	if (strcmp(tl->f[0], "unsupported") == 0) {
		ops_unsupported(L, src, tl, p);
		return;
	}
	if (strcmp(tl->f[0], "status") == 0) {
		ops_status(L, src, tl, p);
		return;
	}
	if (tl->nf != 3) {
		tl_diag(L, src->label, tl->lineno,
		    "expected LOCALNAME NUMBER CANONICAL, found %zu fields",
		    tl->nf);
		return;
	}
	if ((canon = ops_fields(L, src, tl, &num)) == -2 ||
	    ops_clash(L, src, tl, p, num, canon))
		return;
	if (!tl_grow(L, (void **)&p->ops, &cap, p->nops + 1, sizeof(*p->ops)))
		return;
	o = &p->ops[p->nops++];
	tc_strlcpy(o->name, tl->f[0], sizeof(o->name));
	o->local = (int)num;
	o->canon = canon;
	o->line = tl->lineno;
}

void
tl_ops_file(struct tl *L, const struct tl_src *src)
{
	struct tc_platform	*p;

	if ((p = tl_platform(L, src->id)) == NULL ||
	    (p->ops_file = tl_strdup(L, src->label)) == NULL)
		return;
	tl_lines(L, src, ops_line, p);
}

/* Each platform has both files, an EIO and an unsupported directive. */
void
tl_check_platforms(struct tl *L)
{
	struct tc_platform	*p;
	const struct tc_errent	*e;
	size_t			 i;

	for (i = 0; i < L->t->nplats; i++) {
		p = &L->t->plats[i];
		if (p->errno_file == NULL)
			tl_diag(L, p->ops_file, 0,
			    "no %s.errno for this platform", p->id);
		if (p->ops_file == NULL)
			tl_diag(L, p->errno_file, 0,
			    "no %s.ops for this platform", p->id);
		if (p->errno_file != NULL) {
			if ((e = platform_errbyname(p, "EIO")) == NULL)
				tl_diag(L, p->errno_file, 0, "no EIO: every "
				    "platform needs it as the fallback errno");
			else
				p->fallback = e->num;
		}
		if (p->ops_file != NULL && p->unsupported_line == 0)
			tl_diag(L, p->ops_file, 0, "no unsupported directive");
	}
}

const struct tc_platform *
tables_platform(const struct tc_tables *t, const char *id)
{
	size_t	i;

	for (i = 0; t != NULL && id != NULL && i < t->nplats; i++)
		if (strcmp(t->plats[i].id, id) == 0)
			return &t->plats[i];
	return NULL;
}

const struct tc_errent *
platform_errbyname(const struct tc_platform *p, const char *name)
{
	size_t	i;

	for (i = 0; i < p->nerrs; i++)
		if (strcmp(p->errs[i].name, name) == 0)
			return &p->errs[i];
	return NULL;
}

/* The canonical name of a number: the first listed. */
const struct tc_errent *
platform_errbynum(const struct tc_platform *p, int num)
{
	size_t	i;

	for (i = 0; i < p->nerrs; i++)
		if (p->errs[i].num == num)
			return &p->errs[i];
	return NULL;
}

const struct tc_opent *
platform_opbylocal(const struct tc_platform *p, int local)
{
	size_t	i;

	for (i = 0; i < p->nops; i++)
		if (p->ops[i].local == local)
			return &p->ops[i];
	return NULL;
}

const struct tc_opent *
platform_opbycanon(const struct tc_platform *p, int canon)
{
	size_t	i;

	if (canon < 0)
		return NULL;
	for (i = 0; i < p->nops; i++)
		if (p->ops[i].canon == canon)
			return &p->ops[i];
	return NULL;
}

/* The canonical flags the platform's status word has bits for. */
uint32_t
platform_flags(const struct tc_platform *p)
{
	uint32_t	f = 0;
	size_t		i;

	for (i = 0; i < TC_ST_NFLAGS; i++)
		if (p->gstat[i] != 0)
			f |= 1u << i;
	return f;
}

int
platform_has_gstat(const struct tc_platform *p)
{
	return platform_flags(p) != 0;
}

/* The platform's status word for canonical flags: its bits for each. */
uint32_t
platform_gstat(const struct tc_platform *p, uint32_t flags)
{
	uint32_t	w = 0;
	size_t		i;

	for (i = 0; i < TC_ST_NFLAGS; i++)
		if (flags & (1u << i))
			w |= p->gstat[i];
	return w;
}
