/*
 * tcerrno.c -- map the errno a drive gave on the server to the errno the
 * client's own driver would give (tcerrno.5 has the lookup order).
 */
#include <stdio.h>
#include <string.h>

#include "common.h"

/* exact id 2, os-* 1, * 0 */
static int
specificity(const char *pattern)
{
	size_t	len = strlen(pattern);

	if (strcmp(pattern, "*") == 0)
		return 0;
	if (len >= 2 && strcmp(pattern + len - 2, "-*") == 0)
		return 1;
	return 2;
}

/*
 * The rule of this context that applies: it names err on the server, its
 * target exists on the client; the most specific wins, server side first,
 * then the first in file order.
 */
const struct tc_rule *
tcerrno_rule(const struct tc_tables *t, const struct tc_platform *sp,
    const struct tc_platform *cp, int err, enum tc_ctx ctx)
{
	const struct tc_rule	*r, *best = NULL;
	const struct tc_errent	*e;
	size_t			 i;
	int			 score, bestscore = -1;

	for (i = 0; i < t->nrules; i++) {
		r = &t->rules[i];
		if (r->ctx != ctx || !platform_match(r->from, sp->id) ||
		    !platform_match(r->to, cp->id))
			continue;
		if ((e = platform_errbyname(sp, r->from_err)) == NULL ||
		    e->num != err || platform_errbyname(cp, r->to_err) == NULL)
			continue;
		score = specificity(r->from) * 3 + specificity(r->to);
		if (score > bestscore) {
			best = r;
			bestscore = score;
		}
	}
	return best;
}

static void
set_client(struct tcerrno_res *res, const struct tc_platform *cp, int err)
{
	const struct tc_errent	*e = platform_errbynum(cp, err);

	res->err = err;
	res->name = e != NULL ? e->name : NULL;
}

/* Each name the server has for err, the canonical one first. */
static int
by_name(const struct tc_platform *sp, const struct tc_platform *cp, int err,
    struct tcerrno_res *res)
{
	const struct tc_errent	*e;
	size_t			 i;

	for (i = 0; i < sp->nerrs; i++) {
		if (sp->errs[i].num != err ||
		    (e = platform_errbyname(cp, sp->errs[i].name)) == NULL)
			continue;
		set_client(res, cp, e->num);
		res->via = e->name;
		return 1;
	}
	return 0;
}

static void
lookup(const struct tc_tables *t, const struct tc_platform *sp,
    const struct tc_platform *cp, int err, enum tc_ctx ctx,
    struct tcerrno_res *res)
{
	const struct tc_rule	*r = NULL;

	if (ctx != TC_CTX_ANY && (r = tcerrno_rule(t, sp, cp, err, ctx)) != NULL)
		res->step = TCE_RULE_CTX;
	else if ((r = tcerrno_rule(t, sp, cp, err, TC_CTX_ANY)) != NULL)
		res->step = TCE_RULE_ANY;
	if (r != NULL) {
		res->rule = r;
		set_client(res, cp, platform_errbyname(cp, r->to_err)->num);
		return;
	}
	if (by_name(sp, cp, err, res)) {
		res->step = TCE_NAME;
		return;
	}
	res->step = TCE_FALLBACK;
	set_client(res, cp, cp->fallback);
}

int
tcerrno(const struct tc_tables *t, int err, const char *server,
    const char *client, enum tc_ctx ctx, struct tcerrno_res *resp)
{
	struct tcerrno_res	 res;
	const struct tc_platform *sp = NULL, *cp = NULL;
	const struct tc_errent	*e;

	memset(&res, 0, sizeof(res));
	res.err = err;
	if (tables_ok(t)) {
		sp = tables_platform(t, server);
		cp = tables_platform(t, client);
	}
	if (sp != NULL && (e = platform_errbynum(sp, err)) != NULL)
		res.srv_name = e->name;
	if (server != NULL && client != NULL && strcmp(server, client) == 0) {
		res.step = TCE_SAME;
		res.name = res.srv_name;
	} else if (sp == NULL || cp == NULL) {
		/* what the untouched number means to the client, if known */
		res.step = TCE_UNKNOWN;
		if (cp != NULL && (e = platform_errbynum(cp, err)) != NULL)
			res.name = e->name;
	} else
		lookup(t, sp, cp, err, ctx, &res);
	if (resp != NULL)
		*resp = res;
	return res.err;
}

const char *
tcerrno_stepname(enum tcerrno_step step)
{
	switch (step) {
	case TCE_SAME:
		return "same platform";
	case TCE_UNKNOWN:
		return "unknown platform";
	case TCE_RULE_CTX:
		return "pair rule";
	case TCE_RULE_ANY:
		return "pair rule for any context";
	case TCE_NAME:
		return "symbolic name";
	case TCE_FALLBACK:
		return "fallback";
	}
	return "?";
}
