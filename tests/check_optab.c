/*
 * check_optab.c -- the op tables, exhaustively: for every platform and op,
 * local -> canonical -> local is the identity; every canonical op reaches
 * every platform as the op tape-facts.md section 2.2 names for it, or as
 * absent, never as another op (the classic failure: a BSD or AIX "write
 * filemark" arriving at Linux as MTRESET).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

#define NCOL	9
static const char *cols[NCOL] = {
	"linux-*", "aix-ppc64", "freebsd-amd64", "netbsd-amd64",
	"openbsd-amd64", "darwin-arm64", "solaris-amd64", "hpux-parisc",
	"osf1-alpha",
};

/*
 * Per canonical op, each column's local number; -1: the platform has none.
 * From tape-facts.md 2.2 and the headers it cites; MTNBSF is nowhere
 * TCX_BSFM (its count is one off), so BSFM is Linux's alone.  MTNBSF is
 * TCX_NBSF where a driver does it (Solaris st) or no driver exists (macOS);
 * NetBSD and OpenBSD st refuse it.  MTGRSZ is Solaris's, MTFLUSH OSF/1's.
 */
static const struct {
	const char	*canon;
	int		 local[NCOL];
} expect[] = {
	/*		   linux aix fbsd nbsd obsd mac  sol hpux osf1 */
	{ "STWEOF",	{ 5,  10,  0,   0,   0,   0,   0,  0,  0 } },
	{ "STFSF",	{ 1,  11,  1,   1,   1,   1,   1,  1,  1 } },
	{ "STRSF",	{ 2,  12,  2,   2,   2,   2,   2,  2,  2 } },
	{ "STFSR",	{ 3,  13,  3,   3,   3,   3,   3,  3,  3 } },
	{ "STRSR",	{ 4,  14,  4,   4,   4,   4,   4,  4,  4 } },
	{ "STREW",	{ 6,  6,   5,   5,   5,   5,   5,  5,  5 } },
	{ "STOFFL",	{ 7,  5,   6,   6,   6,   6,   6,  6,  6 } },
	{ "STRETEN",	{ 9,  8,   15,  8,   8,   8,   8, -1,  0x12 } },
	{ "STERASE",	{ 13, 7,   12,  9,   9,   9,   9, -1,  0x14 } },
	{ "STSEOD",	{ 12, 32,  13,  10,  10,  10,  10, 8,  0x13 } },
	{ "STINSRT",	{ -1, 15, -1,  -1,  -1,  -1,  -1, -1, -1 } },
	{ "STEJECT",	{ 31, 16, -1,  -1,  -1,  -1,  -1, -1,  0x17 } },
	{ "STTUR",	{ -1, 30, -1,  -1,  -1,  -1,  -1, -1, -1 } },
	{ "STLOAD",	{ 30, 31,  19, -1,  -1,  -1,   14, -1, 0x16 } },
	{ "STFSSF",	{ -1, 33, -1,  -1,  -1,  -1,   16, -1, -1 } },
	{ "STRSSF",	{ -1, 34, -1,  -1,  -1,  -1,   15, -1, -1 } },
	{ "STERASEGAP",	{ -1, 35, -1,  -1,  -1,  -1,  -1, -1, -1 } },
	{ "STIOCHGP",	{ 20, 259, 10,  14,  14,  14,  12, -1, -1 } },
	{ "TCX_NOP",	{ 8,  -1,  7,   7,   7,   7,   7,  7,  7 } },
	{ "TCX_RESET",	{ -1, -1, -1,  -1,  -1,  -1,  -1, -1, -1 } },
	{ "TCX_BSFM",	{ 10, -1, -1,  -1,  -1,  -1,  -1, -1, -1 } },
	{ "TCX_FSFM",	{ 11, -1, -1,  -1,  -1,  -1,  -1, -1, -1 } },
	{ "TCX_SEEK",	{ 22, -1, -1,  -1,  -1,  -1,   18, -1, -1 } },
	{ "TCX_TELL",	{ -1, -1, -1,  -1,  -1,  -1,   17, -1, -1 } },
	{ "TCX_WSM",	{ 27, -1,  16, -1,  -1,  -1,  -1,  9, -1 } },
	{ "TCX_FSS",	{ 25, -1,  17, -1,  -1,  -1,  -1,  10, -1 } },
	{ "TCX_BSS",	{ 26, -1,  18, -1,  -1,  -1,  -1,  11, -1 } },
	{ "TCX_SETDENSITY", { 21, -1, 11, 15,  15,  15,  -1, -1, -1 } },
	{ "TCX_COMPRESSION", { 32, -1, 14, 16, -1,  -1,  -1, -1, -1 } },
	{ "TCX_SETPART",	{ 33, -1, -1,  -1,  -1,  -1,  -1, -1, -1 } },
	{ "TCX_MKPART",	{ 34, -1, -1,  -1,  -1,  -1,  -1, -1, -1 } },
	{ "TCX_LOCK",	{ 28, -1, -1,  -1,  -1,  -1,   19, -1, -1 } },
	{ "TCX_UNLOCK",	{ 29, -1, -1,  -1,  -1,  -1,   20, -1, -1 } },
	{ "TCX_WEOFI",	{ 35, -1,  20, -1,  -1,  -1,  -1, -1, -1 } },
	{ "TCX_DRVOPTS",	{ 24, -1, -1,  -1,  -1,  -1,  -1, -1, -1 } },
	{ "TCX_CACHE",	{ -1, -1,  8,   12,  12,  12, -1, -1,  8 } },
	{ "TCX_NOCACHE",	{ -1, -1,  9,   13,  13,  13, -1, -1,  9 } },
	{ "TCX_NBSF",	{ -1, -1, -1,  -1,  -1,   11,  11, -1, -1 } },
	{ "TCX_GRSZ",	{ -1, -1, -1,  -1,  -1,  -1,   13, -1, -1 } },
	{ "TCX_FLUSH",	{ -1, -1, -1,  -1,  -1,  -1,  -1, -1,  15 } },
};

/* Local ops with no canonical form, answered on the client. */
static const struct {
	const char	*plat;
	int		 local[12];
} unmapped[] = {
	/* st: ENOSYS for MTRESET, MTRAS1-3, MTTELL */
	{ "linux-*",		{ 0, 14, 15, 16, 23, -1 } },
	{ "aix-ppc64",		{ 17, -1 } },		/* STDEOF */
	/* st refuses MTNBSF; early-warning reporting cannot be switched */
	{ "netbsd-amd64",	{ 11, 17, -1 } },	/* MTNBSF, MTEWARN */
	{ "openbsd-amd64",	{ 11, -1 } },		/* MTNBSF */
	/* MTCSE, MTCLX, MTCLS, MTENAEOT, MTDISEOT, MTGTON, MTGTOFF, MTONLINE */
	{ "osf1-alpha",		{ 10, 11, 12, 13, 14, 16, 17, 21, -1 } },
};

static struct tc_tables *
load(int which)
{
	struct tc_tables	*t;
	const char		*src = getenv("TC_SRCDIR");
	char			 dir[4096];

	snprintf(dir, sizeof(dir), "%s/tables", src != NULL ? src : ".");
	ck_assert_ptr_nonnull(t = tables_load(which == 0 ? NULL : dir));
	ck_assert_msg(tables_ok(t), "%s: %zu problems", t->source, t->ndiags);
	return t;
}

static int
column(const char *id)
{
	int	c;

	for (c = 0; c < NCOL; c++)
		if (platform_match(cols[c], id))
			return c;
	return -1;
}

/* Every op of every platform: local -> canonical -> local. */
START_TEST(roundtrip_is_identity)
{
	struct tc_tables		*t = load(_i);
	const struct tc_platform	*p;
	const struct tc_opent		*o;
	size_t				 i, j;

	for (i = 0; i < t->nplats; i++) {
		p = &t->plats[i];
		ck_assert_uint_gt(p->nops, 0);
		for (j = 0; j < p->nops; j++) {
			o = &p->ops[j];
			ck_assert_ptr_eq(platform_opbylocal(p, o->local), o);
			if (o->canon < 0) {
				ck_assert_ptr_null(platform_opbycanon(p,
				    o->canon));
				continue;
			}
			ck_assert_ptr_nonnull(canon_byop(o->canon));
			ck_assert_ptr_eq(platform_opbycanon(p, o->canon), o);
		}
	}
	tables_free(t);
}
END_TEST

/* From any platform to any other and back lands on the op it started from. */
START_TEST(roundtrip_between_platforms)
{
	struct tc_tables		*t = load(_i);
	const struct tc_platform	*a, *b;
	const struct tc_opent		*o, *there, *back;
	size_t				 i, j, k;

	for (i = 0; i < t->nplats; i++)
		for (j = 0; j < t->nplats; j++) {
			a = &t->plats[i];
			b = &t->plats[j];
			for (k = 0; k < a->nops; k++) {
				o = &a->ops[k];
				there = platform_opbycanon(b, o->canon);
				if (there == NULL)
					continue;
				ck_assert_int_eq(there->canon, o->canon);
				back = platform_opbycanon(a, there->canon);
				ck_assert_ptr_eq(back, o);
			}
		}
	tables_free(t);
}
END_TEST

/* Each canonical op on each platform is the op the facts name, or absent. */
START_TEST(canonical_reaches_the_right_op)
{
	struct tc_tables		*t = load(_i);
	const struct tc_platform	*p;
	const struct tc_canon_info	*ci;
	const struct tc_opent		*o;
	size_t				 i, r;
	int				 c, want;

	for (i = 0; i < t->nplats; i++) {
		p = &t->plats[i];
		ck_assert_msg((c = column(p->id)) >= 0, "%s: no column", p->id);
		for (r = 0; r < nitems(expect); r++) {
			ck_assert_ptr_nonnull(ci = canon_byname(expect[r].canon));
			o = platform_opbycanon(p, ci->code);
			want = expect[r].local[c];
			if (want < 0)
				ck_assert_msg(o == NULL, "%s: %s should be "
				    "absent, is %s", p->id, ci->name, o->name);
			else
				ck_assert_msg(o != NULL && o->local == want,
				    "%s: %s should be %d, is %d", p->id,
				    ci->name, want, o != NULL ? o->local : -1);
		}
	}
	tables_free(t);
}
END_TEST

/* The matrix above covers the whole canonical set. */
START_TEST(every_canonical_op_is_expected)
{
	const struct tc_canon_info	*all;
	size_t				 n, i, r;

	all = canon_all(&n);
	for (i = 0; i < n; i++) {
		for (r = 0; r < nitems(expect); r++)
			if (strcmp(expect[r].canon, all[i].name) == 0)
				break;
		ck_assert_msg(r < nitems(expect), "%s not in the test matrix",
		    all[i].name);
	}
	ck_assert_int_eq(n, nitems(expect));
}
END_TEST

START_TEST(unmapped_ops_stay_local)
{
	struct tc_tables		*t = load(_i);
	const struct tc_platform	*p;
	const struct tc_opent		*o;
	size_t				 i, u, k;

	for (i = 0; i < t->nplats; i++) {
		p = &t->plats[i];
		for (u = 0; u < nitems(unmapped); u++) {
			if (!platform_match(unmapped[u].plat, p->id))
				continue;
			for (k = 0; unmapped[u].local[k] >= 0; k++) {
				o = platform_opbylocal(p, unmapped[u].local[k]);
				ck_assert_ptr_nonnull(o);
				ck_assert_int_eq(o->canon, -1);
			}
		}
		ck_assert_int_ge(p->unsupported, 1);
	}
	tables_free(t);
}
END_TEST

/* The op a client's local number reaches on a server, or NULL. */
static const struct tc_opent *
across(const struct tc_tables *t, const char *from, int local, const char *to)
{
	const struct tc_platform	*a, *b;
	const struct tc_opent		*o;

	ck_assert_ptr_nonnull(a = tables_platform(t, from));
	ck_assert_ptr_nonnull(b = tables_platform(t, to));
	ck_assert_ptr_nonnull(o = platform_opbylocal(a, local));
	return platform_opbycanon(b, o->canon);
}

/*
 * Write filemark from a BSD-numbered or AIX client reaches Linux as MTWEOF
 * (5), never as op 0, which is MTRESET on Linux; rewind (5 elsewhere) is
 * MTREW (6) on Linux, not MTWEOF.
 */
START_TEST(weof_never_resets_linux)
{
	struct tc_tables		*t = load(_i);
	const struct tc_platform	*lin;
	const struct tc_opent		*o;
	static const char		*bsd[] = { "freebsd-amd64",
	    "netbsd-amd64", "openbsd-amd64", "darwin-arm64", "solaris-amd64",
	    "hpux-parisc", "osf1-alpha" };
	size_t				 i;

	ck_assert_ptr_nonnull(lin = tables_platform(t, "linux-x86_64"));
	for (i = 0; i < nitems(bsd); i++) {
		ck_assert_ptr_nonnull(o = across(t, bsd[i], 0,
		    "linux-x86_64"));
		ck_assert_str_eq(o->name, "MTWEOF");
		ck_assert_int_eq(o->local, 5);
		ck_assert_ptr_nonnull(o = across(t, bsd[i], 5,
		    "linux-x86_64"));
		ck_assert_str_eq(o->name, "MTREW");
		ck_assert_ptr_nonnull(o = across(t, "linux-alpha", 5, bsd[i]));
		ck_assert_int_eq(o->local, 0);
	}
	ck_assert_ptr_nonnull(o = across(t, "aix-ppc64", 10, "linux-mips"));
	ck_assert_int_eq(o->local, 5);
	ck_assert_str_eq(o->name, "MTWEOF");
	ck_assert_ptr_nonnull(o = platform_opbylocal(lin, 0));
	ck_assert_str_eq(o->name, "MTRESET");
	ck_assert_int_eq(o->canon, -1);
	ck_assert_ptr_null(across(t, "netbsd-amd64", 11, "linux-x86_64"));
	tables_free(t);
}
END_TEST

static Suite *
optab_suite(void)
{
	Suite	*s = suite_create("optab");
	TCase	*tc = tcase_create("optab");

	/* loop 0: the built-in tables; 1: tables/ on disk */
	tcase_add_loop_test(tc, roundtrip_is_identity, 0, 2);
	tcase_add_loop_test(tc, roundtrip_between_platforms, 0, 2);
	tcase_add_loop_test(tc, canonical_reaches_the_right_op, 0, 2);
	tcase_add_test(tc, every_canonical_op_is_expected);
	tcase_add_loop_test(tc, unmapped_ops_stay_local, 0, 2);
	tcase_add_loop_test(tc, weof_never_resets_linux, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(optab_suite());
	int	 nfail;

	srunner_run_all(sr, CK_NORMAL);
	nfail = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfail == 0 ? 0 : 1;
}
