/*
 * check_tcerrno.c -- the errno lookup: each step and the precedence on a
 * small table set; over the real tables, every event of tape-facts.md
 * section 5 gives, for every ordered pair of platforms, the client
 * platform's own errno for that event.
 */
#include <sys/stat.h>

#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "events.h"

static char		 dir[4096];
static struct tc_tables	*T;

static void
put(const char *name, const char *text)
{
	char	path[8192];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

/*
 * a-x and b-y differ like Linux and a BSD: EAGAIN 11 against 35, and b-y
 * keeps EWOULDBLOCK apart (246) as HP-UX does.  c-z has a name of its own.
 * a-w and d-v give each less specific rule a pair where it wins (a rule
 * that never wins is an error of the tables).
 */
static void
setup(void)
{
	const char	*tmp = getenv("TMPDIR");
	size_t		 i;

	snprintf(dir, sizeof(dir), "%s/check_tcerrno.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	put("a-x.errno", "EIO 5\nEPERM 1\nEAGAIN 11\nEWOULDBLOCK 11\n"
	    "EACCES 13\nENOSPC 28\nEROFS 30\nECANCELLED 125\nECANCELED 125\n"
	    "EXA 100\n");
	put("a-x.ops", "unsupported EPERM\n");
	put("b-y.errno", "EIO 5\nEPERM 1\nEACCES 13\nEBUSY 16\nENOSPC 28\n"
	    "EAGAIN 35\nECANCELED 85\nEWOULDBLOCK 246\n");
	put("b-y.ops", "unsupported EPERM\n");
	put("c-z.errno", "EIO 8\nEXC 9\nEACCES 13\n");
	put("c-z.ops", "unsupported EIO\n");
	put("a-w.errno", "EIO 5\nEROFS 30\nEAGAIN 11\nEWOULDBLOCK 12\n");
	put("a-w.ops", "unsupported EIO\n");
	put("d-v.errno", "EIO 5\nEROFS 30\n");
	put("d-v.ops", "unsupported EIO\n");
	put("pairs.rules",
	    "a-x b-y open EROFS EACCES\n"		/* 1 */
	    "a-x b-y * ENOSPC EIO\n"			/* 2 */
	    "* * open EACCES EPERM\n"			/* 3 */
	    "a-x b-y * EACCES EBUSY\n"			/* 4 */
	    "* b-y write EROFS EPERM\n"			/* 5 */
	    "a-* b-y write EROFS EBUSY\n"		/* 6 */
	    "a-x * write EROFS EIO\n"			/* 7 */
	    "a-x b-* write EROFS ENOSPC\n"		/* 8 */
	    "a-* b-y read EAGAIN EPERM\n"		/* 9 */
	    "a-* b-y read EWOULDBLOCK EBUSY\n"		/* 10 */
	    "a-x * close EROFS EXC\n");			/* 11 */
	ck_assert_ptr_nonnull(T = tables_load(dir));
	for (i = 0; i < T->ndiags; i++)
		fprintf(stderr, "%s:%d: %s\n", T->diags[i].file,
		    T->diags[i].line, T->diags[i].msg);
	ck_assert_int_eq(T->ndiags, 0);
}

static void
teardown(void)
{
	tables_free(T);
	T = NULL;
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static struct tcerrno_res
look(int err, const char *server, const char *client, enum tc_ctx ctx)
{
	struct tcerrno_res	r;

	ck_assert_int_eq(tcerrno(T, err, server, client, ctx, &r), r.err);
	return r;
}

START_TEST(rule_for_the_context)
{
	struct tcerrno_res	r = look(30, "a-x", "b-y", TC_CTX_OPEN);

	ck_assert_int_eq(r.step, TCE_RULE_CTX);
	ck_assert_int_eq(r.err, 13);
	ck_assert_str_eq(r.name, "EACCES");
	ck_assert_str_eq(r.srv_name, "EROFS");
	ck_assert_int_eq(r.rule->line, 1);
	ck_assert(strstr(r.rule->file, "/pairs.rules") != NULL);
}
END_TEST

START_TEST(rule_for_any_context)
{
	struct tcerrno_res	r = look(28, "a-x", "b-y", TC_CTX_WRITE);

	ck_assert_int_eq(r.step, TCE_RULE_ANY);
	ck_assert_int_eq(r.err, 5);
	ck_assert_int_eq(r.rule->line, 2);
	r = look(28, "a-x", "b-y", TC_CTX_ANY);
	ck_assert_int_eq(r.step, TCE_RULE_ANY);
}
END_TEST

/* A rule for this context wins over a more specific one for any context. */
START_TEST(context_tier_first)
{
	struct tcerrno_res	r = look(13, "a-x", "b-y", TC_CTX_OPEN);

	ck_assert_int_eq(r.step, TCE_RULE_CTX);
	ck_assert_str_eq(r.name, "EPERM");
	ck_assert_int_eq(r.rule->line, 3);
	r = look(13, "a-x", "b-y", TC_CTX_READ);
	ck_assert_int_eq(r.step, TCE_RULE_ANY);
	ck_assert_str_eq(r.name, "EBUSY");
	ck_assert_int_eq(r.rule->line, 4);
}
END_TEST

/* Exact beats os-* beats *, the server side weighing more than the client. */
START_TEST(most_specific_wins)
{
	struct tcerrno_res	r = look(30, "a-x", "b-y", TC_CTX_WRITE);

	ck_assert_int_eq(r.step, TCE_RULE_CTX);
	ck_assert_int_eq(r.rule->line, 8);
	ck_assert_str_eq(r.name, "ENOSPC");
	r = look(30, "a-x", "c-z", TC_CTX_WRITE);
	ck_assert_int_eq(r.rule->line, 7);
	ck_assert_int_eq(r.err, 8);		/* c-z's EIO */
	r = look(30, "a-w", "b-y", TC_CTX_WRITE);
	ck_assert_int_eq(r.rule->line, 6);
	ck_assert_str_eq(r.name, "EBUSY");
	r = look(30, "d-v", "b-y", TC_CTX_WRITE);
	ck_assert_int_eq(r.rule->line, 5);
	ck_assert_str_eq(r.name, "EPERM");
}
END_TEST

/*
 * Equal specificity: the earlier rule (EAGAIN and EWOULDBLOCK are 11 on
 * a-x); on a-w, where they differ, each rule has its own errno.
 */
START_TEST(file_order_breaks_ties)
{
	struct tcerrno_res	r = look(11, "a-x", "b-y", TC_CTX_READ);

	ck_assert_int_eq(r.rule->line, 9);
	ck_assert_str_eq(r.name, "EPERM");
	r = look(12, "a-w", "b-y", TC_CTX_READ);
	ck_assert_int_eq(r.rule->line, 10);
	ck_assert_str_eq(r.name, "EBUSY");
}
END_TEST

/* A rule whose target the client lacks does not apply. */
START_TEST(rule_needs_target_on_client)
{
	struct tcerrno_res	r = look(30, "a-x", "c-z", TC_CTX_CLOSE);

	ck_assert_int_eq(r.step, TCE_RULE_CTX);
	ck_assert_str_eq(r.name, "EXC");
	r = look(30, "a-x", "b-y", TC_CTX_CLOSE);	/* no EROFS on b-y */
	ck_assert_int_eq(r.step, TCE_FALLBACK);
	ck_assert_int_eq(r.err, 5);
}
END_TEST

/* The canonical name first (EAGAIN 35, not EWOULDBLOCK 246), then aliases. */
START_TEST(by_name)
{
	struct tcerrno_res	r = look(11, "a-x", "b-y", TC_CTX_WRITE);

	ck_assert_int_eq(r.step, TCE_NAME);
	ck_assert_int_eq(r.err, 35);
	ck_assert_str_eq(r.name, "EAGAIN");
	ck_assert_str_eq(r.via, "EAGAIN");
	ck_assert_str_eq(r.srv_name, "EAGAIN");
	r = look(125, "a-x", "b-y", TC_CTX_READ);
	ck_assert_int_eq(r.step, TCE_NAME);
	ck_assert_int_eq(r.err, 85);
	ck_assert_str_eq(r.via, "ECANCELED");
	ck_assert_str_eq(r.srv_name, "ECANCELLED");
	r = look(35, "b-y", "a-x", TC_CTX_READ);
	ck_assert_int_eq(r.err, 11);
	r = look(246, "b-y", "a-x", TC_CTX_READ);
	ck_assert_int_eq(r.err, 11);
	ck_assert_str_eq(r.name, "EAGAIN");
	ck_assert_str_eq(r.via, "EWOULDBLOCK");
}
END_TEST

START_TEST(fallback)
{
	struct tcerrno_res	r = look(100, "a-x", "b-y", TC_CTX_READ);

	ck_assert_int_eq(r.step, TCE_FALLBACK);
	ck_assert_int_eq(r.err, 5);
	ck_assert_str_eq(r.name, "EIO");
	ck_assert_str_eq(r.srv_name, "EXA");
	ck_assert_ptr_null(r.rule);
	r = look(100, "a-x", "c-z", TC_CTX_READ);
	ck_assert_int_eq(r.err, 8);
	r = look(4000, "a-x", "b-y", TC_CTX_READ);	/* no name at all */
	ck_assert_int_eq(r.step, TCE_FALLBACK);
	ck_assert_ptr_null(r.srv_name);
	ck_assert_int_eq(r.err, 5);
}
END_TEST

START_TEST(same_platform_passes_through)
{
	struct tcerrno_res	r = look(100, "a-x", "a-x", TC_CTX_OPEN);

	ck_assert_int_eq(r.step, TCE_SAME);
	ck_assert_int_eq(r.err, 100);
	ck_assert_str_eq(r.name, "EXA");
	r = look(4000, "q-q", "q-q", TC_CTX_OPEN);
	ck_assert_int_eq(r.step, TCE_SAME);
	ck_assert_int_eq(r.err, 4000);
	ck_assert_ptr_null(r.name);
}
END_TEST

START_TEST(unknown_platform_passes_through)
{
	struct tcerrno_res	r = look(30, "a-x", "q-q", TC_CTX_OPEN);

	ck_assert_int_eq(r.step, TCE_UNKNOWN);
	ck_assert_int_eq(r.err, 30);
	ck_assert_str_eq(r.srv_name, "EROFS");
	ck_assert_ptr_null(r.name);
	r = look(30, "unknown", "b-y", TC_CTX_OPEN);
	ck_assert_int_eq(r.step, TCE_UNKNOWN);
	ck_assert_int_eq(r.err, 30);
	ck_assert_ptr_null(r.srv_name);
	ck_assert_ptr_null(r.name);
	r = look(13, "unknown", "b-y", TC_CTX_OPEN);	/* what b-y reads */
	ck_assert_int_eq(r.err, 13);
	ck_assert_str_eq(r.name, "EACCES");
	ck_assert_int_eq(tcerrno(NULL, 30, "a-x", "b-y", TC_CTX_OPEN, &r), 30);
	ck_assert_int_eq(r.step, TCE_UNKNOWN);
	ck_assert_int_eq(tcerrno(T, 30, NULL, "b-y", TC_CTX_OPEN, NULL), 30);
}
END_TEST

/* Tables with problems are not used: as if there were none. */
START_TEST(bad_tables_are_not_used)
{
	struct tc_tables	*bad;
	struct tcerrno_res	 r;

	put("b-y.ops", "no unsupported here\n");
	ck_assert_ptr_nonnull(bad = tables_load(dir));
	ck_assert(!tables_ok(bad));
	ck_assert_int_eq(tcerrno(bad, 30, "a-x", "b-y", TC_CTX_OPEN, &r), 30);
	ck_assert_int_eq(r.step, TCE_UNKNOWN);
	tables_free(bad);
}
END_TEST

START_TEST(step_names)
{
	ck_assert_str_eq(tcerrno_stepname(TCE_SAME), "same platform");
	ck_assert_str_eq(tcerrno_stepname(TCE_UNKNOWN), "unknown platform");
	ck_assert_str_eq(tcerrno_stepname(TCE_RULE_CTX), "pair rule");
	ck_assert_str_eq(tcerrno_stepname(TCE_RULE_ANY),
	    "pair rule for any context");
	ck_assert_str_eq(tcerrno_stepname(TCE_NAME), "symbolic name");
	ck_assert_str_eq(tcerrno_stepname(TCE_FALLBACK), "fallback");
}
END_TEST

static void
check_event(const struct tc_tables *t, const struct event *e)
{
	const struct tc_platform *sp, *cp;
	const struct ev_val	*sv, *cv;
	struct tcerrno_res	 r;
	size_t			 i, j;

	for (i = 0; i < t->nplats; i++) {
		sp = &t->plats[i];
		ck_assert_msg((sv = ev_value(e, sp->id)) != NULL,
		    "%s: no value for %s", e->what, sp->id);
		if (!sv->src)
			continue;
		ck_assert_ptr_nonnull(platform_errbyname(sp, sv->err));
		for (j = 0; j < t->nplats; j++) {
			if (j == i)
				continue;
			cp = &t->plats[j];
			ck_assert_msg((cv = ev_value(e, cp->id)) != NULL,
			    "%s: no value for %s", e->what, cp->id);
			tcerrno(t, platform_errbyname(sp, sv->err)->num, sp->id,
			    cp->id, e->ctx, &r);
			ck_assert_msg(r.name != NULL &&
			    strcmp(r.name, cv->err) == 0 &&
			    r.err == platform_errbyname(cp, cv->err)->num,
			    "%s: %s %s on %s gave %s on %s, want %s", e->what,
			    ctx_name(e->ctx), sv->err, sp->id,
			    r.name != NULL ? r.name : "?", cp->id, cv->err);
		}
	}
}

START_TEST(every_event_every_pair)
{
	struct tc_tables	*t;

	ck_assert_ptr_nonnull(t = tables_load(NULL));
	ck_assert(tables_ok(t));
	check_event(t, &events[_i]);
	tables_free(t);
}
END_TEST

static Suite *
tcerrno_suite(void)
{
	Suite	*s = suite_create("tcerrno");
	TCase	*tc = tcase_create("steps");
	TCase	*te = tcase_create("events");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, rule_for_the_context);
	tcase_add_test(tc, rule_for_any_context);
	tcase_add_test(tc, context_tier_first);
	tcase_add_test(tc, most_specific_wins);
	tcase_add_test(tc, file_order_breaks_ties);
	tcase_add_test(tc, rule_needs_target_on_client);
	tcase_add_test(tc, by_name);
	tcase_add_test(tc, fallback);
	tcase_add_test(tc, same_platform_passes_through);
	tcase_add_test(tc, unknown_platform_passes_through);
	tcase_add_test(tc, bad_tables_are_not_used);
	tcase_add_test(tc, step_names);
	suite_add_tcase(s, tc);
	tcase_add_loop_test(te, every_event_every_pair, 0, (int)nitems(events));
	suite_add_tcase(s, te);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(tcerrno_suite());
	int	 nfail;

	srunner_run_all(sr, CK_NORMAL);
	nfail = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfail == 0 ? 0 : 1;
}
