/*
 * tables_rules.c -- pair rules, "SERVER CLIENT CONTEXT SERVER_ERRNO
 * CLIENT_ERRNO", and the checks of each rule against the platforms and the
 * other rules (tcerrno.5).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "tables_int.h"

/* "*", "os-*" or a platform id. */
static int
pattern_ok(const char *s)
{
	size_t	i, len = strlen(s);

	if (strcmp(s, "*") == 0)
		return 1;
	if (len >= 3 && len <= TC_PLATFORM_MAX &&
	    strcmp(s + len - 2, "-*") == 0) {
		for (i = 0; i < len - 2; i++)
			if (!islower((unsigned char)s[i]) &&
			    !isdigit((unsigned char)s[i]))
				return 0;
		return 1;
	}
	return platform_valid(s);
}

static void
rules_line(struct tl *L, const struct tl_src *src, const struct tl_line *tl,
    void *arg)
{
	struct tc_tables	*t = L->t;
	struct tc_rule		*r;
	enum tc_ctx		 ctx;
	int			 i;

	if (tl->nf != 5) {
		tl_diag(L, src->label, tl->lineno, "expected SERVER CLIENT "
		    "CONTEXT SERVER_ERRNO CLIENT_ERRNO, found %zu fields",
		    tl->nf);
		return;
	}
	for (i = 0; i < 2; i++)
		if (!pattern_ok(tl->f[i])) {
			tl_diag(L, src->label, tl->lineno, "bad platform "
			    "\"%s\": use an id (os-arch), os-* or *", tl->f[i]);
			return;
		}
	if (ctx_byname(tl->f[2], &ctx) == -1) {
		tl_diag(L, src->label, tl->lineno, "bad context \"%s\": use "
		    "open, read, write, ioctl, close or *", tl->f[2]);
		return;
	}
	if (!tl_checkname(L, src, tl->lineno, tl->f[3]) ||
	    !tl_checkname(L, src, tl->lineno, tl->f[4]))
		return;
	if (!tl_grow(L, (void **)&t->rules, &L->rulecap, t->nrules + 1,
	    sizeof(*t->rules)))
		return;
	r = &t->rules[t->nrules];
	memset(r, 0, sizeof(*r));
	tc_strlcpy(r->from, tl->f[0], sizeof(r->from));
	tc_strlcpy(r->to, tl->f[1], sizeof(r->to));
	r->ctx = ctx;
	tc_strlcpy(r->from_err, tl->f[3], sizeof(r->from_err));
	tc_strlcpy(r->to_err, tl->f[4], sizeof(r->to_err));
	r->line = tl->lineno;
	if ((r->file = tl_strdup(L, src->label)) != NULL)
		t->nrules++;
}

void
tl_rules_file(struct tl *L, const struct tl_src *src)
{
	tl_lines(L, src, rules_line, NULL);
}

static size_t
nmatch(const struct tc_tables *t, const char *pattern)
{
	size_t	i, n = 0;

	for (i = 0; i < t->nplats; i++)
		n += platform_match(pattern, t->plats[i].id) != 0;
	return n;
}

/* Is there a server and a different client that the rule matches? */
static int
can_fire(const struct tc_tables *t, const struct tc_rule *r)
{
	size_t	i, j;

	for (i = 0; i < t->nplats; i++) {
		if (!platform_match(r->from, t->plats[i].id))
			continue;
		for (j = 0; j < t->nplats; j++)
			if (j != i && platform_match(r->to, t->plats[j].id))
				return 1;
	}
	return 0;
}

/* Does some platform that the pattern matches have this errno name? */
static int
known_name(const struct tc_tables *t, const char *pattern, const char *name)
{
	size_t	i;

	for (i = 0; i < t->nplats; i++)
		if (platform_match(pattern, t->plats[i].id) &&
		    platform_errbyname(&t->plats[i], name) != NULL)
			return 1;
	return 0;
}

static void
check_fire(struct tl *L, const struct tc_rule *r)
{
	const struct tc_tables	*t = L->t;
	const char		*side = NULL;
	int			 i;

	if (nmatch(t, r->from) == 0)
		side = r->from;
	else if (nmatch(t, r->to) == 0)
		side = r->to;
	if (side != NULL) {
		tl_diag(L, r->file, r->line, "rule can never fire: no platform "
		    "matches \"%s\"", side);
		return;
	}
	if (!can_fire(t, r)) {
		tl_diag(L, r->file, r->line, "rule can never fire: server and "
		    "client are the same platform");
		return;
	}
	for (i = 0; i < 2; i++) {
		const char	*pat = i == 0 ? r->from : r->to;
		const char	*name = i == 0 ? r->from_err : r->to_err;

		if (!known_name(t, pat, name))
			tl_diag(L, r->file, r->line, "unknown errno name %s: "
			    "no platform matching \"%s\" has it", name, pat);
	}
}

/* An earlier rule with the same key: the same target, or another one. */
static void
check_dup(struct tl *L, const struct tc_rule *r, size_t n)
{
	const struct tc_rule	*o;
	char			*where;
	size_t			 i;

	for (i = 0; i < n; i++) {
		o = &L->t->rules[i];
		if (o->ctx != r->ctx || strcmp(o->from, r->from) != 0 ||
		    strcmp(o->to, r->to) != 0 ||
		    strcmp(o->from_err, r->from_err) != 0)
			continue;
		if ((where = tl_where(L, r->file, o->file, o->line)) == NULL)
			return;
		if (strcmp(o->to_err, r->to_err) == 0)
			tl_diag(L, r->file, r->line,
			    "duplicate rule (same as %s)", where);
		else
			tl_diag(L, r->file, r->line, "conflicting rule: %s "
			    "maps %s to %s", where, o->from_err, o->to_err);
		free(where);
		return;
	}
}

/*
 * A rule that some platform pair could use, but for which the lookup
 * always chooses another rule: a more specific one, or an earlier one as
 * specific.  Reports the rule chosen for the first pair.
 */
static void
check_shadow(struct tl *L, const struct tc_rule *r)
{
	const struct tc_tables	*t = L->t;
	const struct tc_platform *sp, *cp;
	const struct tc_errent	*e;
	const struct tc_rule	*w, *first = NULL;
	char			*where;
	size_t			 i, j;

	for (i = 0; i < t->nplats; i++) {
		sp = &t->plats[i];
		if (!platform_match(r->from, sp->id) ||
		    (e = platform_errbyname(sp, r->from_err)) == NULL)
			continue;
		for (j = 0; j < t->nplats; j++) {
			cp = &t->plats[j];
			if (j == i || !platform_match(r->to, cp->id) ||
			    platform_errbyname(cp, r->to_err) == NULL)
				continue;
			if ((w = tcerrno_rule(t, sp, cp, e->num, r->ctx)) == r)
				return;
			if (first == NULL)
				first = w;
		}
	}
	if (first == NULL ||
	    (where = tl_where(L, r->file, first->file, first->line)) == NULL)
		return;
	tl_diag(L, r->file, r->line, "rule can never fire: %s is chosen "
	    "instead for every pair it covers", where);
	free(where);
}

void
tl_check_rules(struct tl *L)
{
	size_t	i, n;

	for (i = 0; i < L->t->nrules && !L->oom; i++) {
		n = L->t->ndiags;
		check_fire(L, &L->t->rules[i]);
		check_dup(L, &L->t->rules[i], i);
		if (L->t->ndiags == n)
			check_shadow(L, &L->t->rules[i]);
	}
}
