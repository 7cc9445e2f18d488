/*
 * tcerrno_cmd.c -- bin/tcerrno: check, explain and list the errno and op
 * tables (tcerrno(1); the table format is tcerrno(5)).
 */
#include <ctype.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static const char usage_text[] =
    "usage: tcerrno check [DIR]\n"
    "       tcerrno explain --from PLATFORM --to PLATFORM [--op OP]\n"
    "               [--tables DIR] ERRNO\n"
    "       tcerrno list [--tables DIR] [PLATFORM]\n"
    "       tcerrno -h | --help\n";

static const struct option explain_opts[] = {
	{ "from",	required_argument, NULL, 'f' },
	{ "to",		required_argument, NULL, 't' },
	{ "op",		required_argument, NULL, 'o' },
	{ "tables",	required_argument, NULL, 'T' },
	{ "help",	no_argument,	   NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};
static const struct option list_opts[] = {
	{ "tables",	required_argument, NULL, 'T' },
	{ "help",	no_argument,	   NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};
static const struct option check_opts[] = {
	{ "help",	no_argument,	   NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

__dead static void
help(void)
{
	fputs(usage_text, stdout);
	fputs("\nERRNO is a name (EROFS) or a number in the --from platform's "
	    "numbering;\nOP is open, read, write, ioctl or close.  Exit 0 "
	    "when all is well, 1 otherwise.\nSee tcerrno(1) and, for the "
	    "tables, tcerrno(5).\n", stdout);
	exit(0);
}

__dead static void TC_PRINTF(1, 2)
usage_error(const char *fmt, ...)
{
	va_list	ap;

	fputs("tcerrno: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n", stderr);
	fputs(usage_text, stderr);
	exit(1);
}

__dead static void TC_PRINTF(1, 2)
fail(const char *fmt, ...)
{
	va_list	ap;

	fputs("tcerrno: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n", stderr);
	exit(1);
}

/* getopt_long over a command's arguments; '?' and ':' are usage errors. */
static int
next_opt(int argc, char **argv, const char *cmd, const struct option *lo)
{
	int	c;

	c = getopt_long(argc, argv, ":h", lo, NULL);
	if (c == '?')
		usage_error("%s: unknown option \"%s\"", cmd,
		    argv[optind - 1]);
	if (c == ':')
		usage_error("%s: option \"%s\" needs a value", cmd,
		    argv[optind - 1]);
	if (c == 'h')
		help();
	return c;
}

static void
print_diags(const struct tc_tables *t)
{
	size_t	i;

	for (i = 0; i < t->ndiags; i++)
		fprintf(stderr, "%s:%d: %s\n", t->diags[i].file,
		    t->diags[i].line, t->diags[i].msg);
	fprintf(stderr, "%s: %zu problem%s, the tables cannot be used\n",
	    t->source, t->ndiags, t->ndiags == 1 ? "" : "s");
}

/* The tables of DIR, or the default ones; exits when they are not usable. */
static struct tc_tables *
load(const char *dir)
{
	struct tc_tables	*t;

	if (dir == NULL)
		dir = tables_default_dir();
	if ((t = tables_load(dir)) == NULL)
		fail("out of memory loading the tables");
	if (!tables_ok(t)) {
		print_diags(t);
		exit(1);
	}
	return t;
}

static int
cmd_check(int argc, char **argv)
{
	struct tc_tables	*t;
	const char		*dir;
	int			 ok;

	while (next_opt(argc, argv, "check", check_opts) != -1)
		;
	if (argc - optind > 1)
		usage_error("check: too many arguments; give at most one "
		    "tables directory");
	dir = optind < argc ? argv[optind] : tables_default_dir();
	if ((t = tables_load(dir)) == NULL)
		fail("out of memory loading the tables");
	if ((ok = tables_ok(t)))
		printf("%s: %zu platforms, %zu rules, OK\n", t->source,
		    t->nplats, t->nrules);
	else
		print_diags(t);
	tables_free(t);
	return ok ? 0 : 1;
}

static void
check_platform_arg(const char *what, const char *id)
{
	if (id == NULL)
		usage_error("explain: %s PLATFORM is required (an os-arch id "
		    "such as linux-x86_64)", what);
	if (!platform_valid(id))
		usage_error("explain: %s \"%s\" is not a platform id; use "
		    "os-arch, such as linux-x86_64 (tcerrno list shows them)",
		    what, id);
}

/* ERRNO as a number, or a name in the server's table. */
static int
parse_errno(const struct tc_tables *t, const char *from, const char *arg)
{
	const struct tc_platform *p;
	const struct tc_errent	*e;
	const char		*s;
	int			 v = 0;

	if (isdigit((unsigned char)arg[0])) {
		for (s = arg; isdigit((unsigned char)*s) && v <= TC_ERRNO_MAX;
		    s++)
			v = v * 10 + (*s - '0');
		if (*s != '\0' || v < 1 || v > TC_ERRNO_MAX)
			usage_error("explain: \"%s\" is not an errno number "
			    "(1..%d) or name", arg, TC_ERRNO_MAX);
		return v;
	}
	if ((p = tables_platform(t, from)) == NULL)
		fail("explain: %s is not in the tables (%s); give ERRNO as a "
		    "number", from, t->source);
	if ((e = platform_errbyname(p, arg)) == NULL)
		fail("explain: %s is not an errno name on %s; \"tcerrno list "
		    "%s\" shows them", arg, from, from);
	return e->num;
}

static const char *
errstr(char *buf, size_t len, const char *name, int num)
{
	if (name != NULL)
		snprintf(buf, len, "%s (%d)", name, num);
	else
		snprintf(buf, len, "%d", num);
	return buf;
}

/* How the result came about, for explain. */
static void
print_how(const struct tcerrno_res *r, const char *from, const char *to,
    const struct tc_tables *t)
{
	const struct tc_platform *sp, *cp;

	switch (r->step) {
	case TCE_SAME:
		printf("same platform, passed through\n");
		break;
	case TCE_UNKNOWN:
		printf("%s is not in the tables, passed through\n",
		    tables_platform(t, from) == NULL ? from : to);
		break;
	case TCE_RULE_CTX:
	case TCE_RULE_ANY:
		printf("pair rule for %s at %s:%d\n",
		    r->step == TCE_RULE_ANY ? "any context" :
		    ctx_name(r->rule->ctx), r->rule->file, r->rule->line);
		break;
	case TCE_NAME:
		sp = tables_platform(t, from);
		cp = tables_platform(t, to);
		printf("translated by name %s (%s:%d, %s:%d)\n", r->via,
		    sp->errno_file, platform_errbyname(sp, r->via)->line,
		    cp->errno_file, platform_errbyname(cp, r->via)->line);
		break;
	case TCE_FALLBACK:
		cp = tables_platform(t, to);
		printf("no rule and no common name, fallback to EIO at %s:%d\n",
		    cp->errno_file, platform_errbyname(cp, "EIO")->line);
		break;
	}
}

static void
explain_one(const struct tc_tables *t, const char *from, const char *to,
    int err, enum tc_ctx ctx)
{
	struct tcerrno_res	r;
	char			a[TC_NAME_MAX + 16], b[TC_NAME_MAX + 16];

	tcerrno(t, err, from, to, ctx, &r);
	printf("%s on %s -> %s on %s: ", errstr(a, sizeof(a), r.srv_name,
	    err), from, errstr(b, sizeof(b), r.name, r.err), to);
	print_how(&r, from, to, t);
}

/* Without --op: the result for any context, then where an op differs. */
static void
explain_all(const struct tc_tables *t, const char *from, const char *to,
    int err)
{
	struct tcerrno_res	r;
	char			b[TC_NAME_MAX + 16];
	int			c;

	explain_one(t, from, to, err, TC_CTX_ANY);
	for (c = TC_CTX_OPEN; c <= TC_CTX_CLOSE; c++) {
		tcerrno(t, err, from, to, (enum tc_ctx)c, &r);
		if (r.step == TCE_RULE_CTX)
			printf("  on %s: %s: pair rule at %s:%d\n",
			    ctx_name((enum tc_ctx)c), errstr(b, sizeof(b),
			    r.name, r.err), r.rule->file, r.rule->line);
	}
}

static int
cmd_explain(int argc, char **argv)
{
	struct tc_tables	*t;
	const char		*from = NULL, *to = NULL, *op = NULL;
	const char		*dir = NULL;
	enum tc_ctx		 ctx = TC_CTX_ANY;
	int			 c, err;

	while ((c = next_opt(argc, argv, "explain", explain_opts)) != -1) {
		if (c == 'f')
			from = optarg;
		else if (c == 't')
			to = optarg;
		else if (c == 'o')
			op = optarg;
		else if (c == 'T')
			dir = optarg;
	}
	check_platform_arg("--from", from);
	check_platform_arg("--to", to);
	if (op != NULL && (ctx_byname(op, &ctx) == -1 || ctx == TC_CTX_ANY))
		usage_error("explain: --op \"%s\": use open, read, write, "
		    "ioctl or close", op);
	if (optind == argc)
		usage_error("explain: give the ERRNO to explain, as a name "
		    "(EROFS) or a number (30)");
	if (argc - optind > 1)
		usage_error("explain: one ERRNO at a time (\"%s\" is extra)",
		    argv[optind + 1]);
	t = load(dir);
	err = parse_errno(t, from, argv[optind]);
	if (op != NULL)
		explain_one(t, from, to, err, ctx);
	else
		explain_all(t, from, to, err);
	tables_free(t);
	return 0;
}

static void
list_platform(const struct tc_platform *p)
{
	const struct tc_errent	*e, *c;
	const struct tc_opent	*o;
	const struct tc_canon_info *ci;
	size_t			 i;

	printf("%s: errno table %s\n", p->id, p->errno_file);
	for (i = 0; i < p->nerrs; i++) {
		e = &p->errs[i];
		c = platform_errbynum(p, e->num);
		if (c != e)
			printf("\t%-16s %4d\talias of %s\n", e->name, e->num,
			    c->name);
		else
			printf("\t%-16s %4d\n", e->name, e->num);
	}
	c = platform_errbynum(p, p->unsupported);
	printf("%s: op table %s; ops it cannot do fail with %s (%d)\n", p->id,
	    p->ops_file, c != NULL ? c->name : "?", p->unsupported);
	for (i = 0; i < p->nops; i++) {
		o = &p->ops[i];
		ci = canon_byop(o->canon);
		printf("\t%-16s %4d\t%s\n", o->name, o->local,
		    ci != NULL ? ci->name : "- (no canonical op)");
	}
	if (!platform_has_gstat(p)) {
		printf("%s: no status word\n", p->id);
		return;
	}
	printf("%s: status word bits (mt_gstat)\n", p->id);
	for (i = 0; i < TC_ST_NFLAGS; i++)
		if (p->gstat[i] != 0)
			printf("\t%-16s 0x%08x\n", canon_flagname(1u << i),
			    (unsigned)p->gstat[i]);
}

static int
cmd_list(int argc, char **argv)
{
	struct tc_tables		*t;
	const struct tc_platform	*p;
	const char			*dir = NULL;
	size_t				 i;
	int				 c;

	while ((c = next_opt(argc, argv, "list", list_opts)) != -1)
		if (c == 'T')
			dir = optarg;
	if (argc - optind > 1)
		usage_error("list: one PLATFORM at a time (\"%s\" is extra)",
		    argv[optind + 1]);
	t = load(dir);
	if (optind == argc) {
		for (i = 0; i < t->nplats; i++)
			printf("%s\n", t->plats[i].id);
	} else if ((p = tables_platform(t, argv[optind])) == NULL)
		fail("list: %s is not in the tables (%s); \"tcerrno list\" "
		    "shows the platforms", argv[optind], t->source);
	else
		list_platform(p);
	tables_free(t);
	return 0;
}

static const struct {
	const char	*name;
	int		(*fn)(int, char **);
} cmds[] = {
	{ "check",	cmd_check },
	{ "explain",	cmd_explain },
	{ "list",	cmd_list },
};

int
main(int argc, char **argv)
{
	size_t	i;

	if (argc < 2)
		usage_error("no command given; use check, explain or list");
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
		help();
	for (i = 0; i < nitems(cmds); i++)
		if (strcmp(argv[1], cmds[i].name) == 0) {
			optind = 1;
			opterr = 0;
			return cmds[i].fn(argc - 1, argv + 1);
		}
	usage_error("unknown command \"%s\"; use check, explain or list",
	    argv[1]);
}
