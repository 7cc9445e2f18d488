/*
 * parse.c -- the grammar of tclientd.conf(5): statements, drive blocks,
 * the value of each keyword, and the checks that need a whole drive block
 * or file.  lex.c splits the lines and keeps the errors; parsing goes on
 * after a mistake to find them all.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tclientd.h"

enum opt {
	O_LISTEN, O_CA, O_CERT, O_KEY, O_TABLES, O_MAXCONN, O_LOOPS, O_HANDSHAKE,
	O_IDLE, O_SESSMEM, O_MAXREC, O_DRIVE,
	/* inside a drive block from here on */
	O_BACKEND, O_PATH, O_CAPACITY, O_EW, O_WP, O_BLOCKLIMITS, O_DENSITY,
	O_FAILWRITE, O_ALLOW, O_HOLDWRITE,
	O_COUNT
};
#define OPT(o)		(1u << (o))
#define IN_DRIVE(o)	((o) >= O_BACKEND)

struct parser {
	struct lex	 lx;
	struct config	*conf;
	char		*dir;		/* relative paths start here */
	struct drive_conf *dc;		/* the open drive block */
	size_t		 dc_ndiags;	/* errors before it opened */
	int		 want_open;	/* "drive NAME" lacked its "{" */
	int		 skipping;	/* in a block opened by a bad line */
	int		 seen[O_COUNT];	/* line each option was given on */
	unsigned	 bad;		/* options whose value was refused */
};
#define perr(p, ...)		lex_error(&(p)->lx, (p)->lx.line, __VA_ARGS__)
#define perr_at(p, l, ...)	lex_error(&(p)->lx, (l), __VA_ARGS__)

struct keyword {
	const char	*name;
	enum opt	 opt;
	size_t		 nargs;
	const char	*usage;		/* the arguments, for messages */
	void		(*set)(struct parser *, const struct keyword *,
			    char **);
	long long	 min, max;	/* numbers and sizes */
};

/*
 * What each backend takes beyond backend, block-limits and allow.  A
 * backend missing here is left to its check().
 */
#define COMMON_OPTS	(OPT(O_BACKEND) | OPT(O_BLOCKLIMITS) | OPT(O_ALLOW))
static const struct backend_opts {
	const char	*name;
	unsigned	 opts;
	unsigned	 needs;
} backend_opts[] = {
	{ "vtape", OPT(O_PATH) | OPT(O_CAPACITY) | OPT(O_EW) | OPT(O_WP) |
	    OPT(O_FAILWRITE) | OPT(O_HOLDWRITE) | OPT(O_DENSITY),
	    OPT(O_PATH) },
	{ "null", OPT(O_DENSITY), 0 },
	/* the drive itself reports its density */
	{ "st", OPT(O_PATH), OPT(O_PATH) },
};

static void	set_listen(struct parser *, const struct keyword *, char **);
static void	set_file(struct parser *, const struct keyword *, char **);
static void	set_number(struct parser *, const struct keyword *, char **);
static void	set_size(struct parser *, const struct keyword *, char **);
static void	set_backend(struct parser *, const struct keyword *, char **);
static void	set_yesno(struct parser *, const struct keyword *, char **);
static void	set_blocks(struct parser *, const struct keyword *, char **);
static void	set_allow(struct parser *, const struct keyword *, char **);

#define KiB	(1ll << 10)
#define MiB	(1ll << 20)
#define GiB	(1ll << 30)
#define TiB	(1ll << 40)
static const struct keyword keywords[] = {
	{ "listen",	O_LISTEN,	1, "ADDR:PORT",	set_listen, 0, 0 },
	{ "ca",		O_CA,		1, "FILE",	set_file, 0, 0 },
	{ "certificate", O_CERT,	1, "FILE",	set_file, 0, 0 },
	{ "cert",	O_CERT,		1, "FILE",	set_file, 0, 0 },
	{ "key",	O_KEY,		1, "FILE",	set_file, 0, 0 },
	{ "tables",	O_TABLES,	1, "DIR",	set_file, 0, 0 },
	{ "max-connections", O_MAXCONN,	1, "N",		set_number, 1, 65536 },
	{ "event-loops", O_LOOPS,	1, "N",		set_number, 0,
	    MAX_EVENT_LOOPS },
	{ "handshake-timeout", O_HANDSHAKE, 1, "SECONDS", set_number, 1, 3600 },
	{ "idle-timeout", O_IDLE,	1, "SECONDS",	set_number, 0, 604800 },
	{ "session-memory", O_SESSMEM,	1, "SIZE",	set_size, MiB, 4 * GiB },
	{ "max-record",	O_MAXREC,	1, "SIZE",	set_size, KiB, TC_MAX_RECORD },
	{ "drive",	O_DRIVE,	2, "NAME {",	NULL, 0, 0 },
	{ "backend",	O_BACKEND,	1, "NAME",	set_backend, 0, 0 },
	{ "path",	O_PATH,		1, "FILE",	set_file, 0, 0 },
	{ "capacity",	O_CAPACITY,	1, "SIZE",	set_size, KiB, 1024 * TiB },
	{ "early-warning", O_EW,	1, "SIZE",	set_size, 1, 1024 * TiB },
	{ "write-protect", O_WP,	1, "yes|no",	set_yesno, 0, 0 },
	{ "block-limits", O_BLOCKLIMITS, 2, "MIN MAX",	set_blocks,
	    1, DEF_MAX_BLOCK },
	{ "density",	O_DENSITY,	1, "CODE",	set_number, 0, 255 },
	{ "fail-write",	O_FAILWRITE,	1, "N",		set_number,
	    0, LLONG_MAX },
	{ "hold-write",	O_HOLDWRITE,	1, "FILE",	set_file, 0, 0 },
	{ "allow",	O_ALLOW,	2, "IDENTITY read-only|read-write",
	    set_allow, 0, 0 },
};

static const struct keyword *
keyword_find(const char *name)
{
	size_t	i;

	for (i = 0; i < nitems(keywords); i++)
		if (strcmp(keywords[i].name, name) == 0)
			return &keywords[i];
	return NULL;
}

static const struct keyword *
keyword_byopt(enum opt o)
{
	size_t	i;

	for (i = 0; i < nitems(keywords); i++)
		if (keywords[i].opt == o)
			break;
	return &keywords[i];
}

static void
unknown_keyword(struct parser *p, const char *word)
{
	const char	*best = NULL;
	int		 d, bestd = INT_MAX;
	size_t		 i;

	for (i = 0; i < nitems(keywords); i++)
		if ((d = lex_distance(word, keywords[i].name)) < bestd) {
			bestd = d;
			best = keywords[i].name;
		}
	if (bestd <= (strlen(word) >= 6 ? 2 : 1))
		perr(p, "unknown keyword \"%s\" (did you mean \"%s\"?)", word,
		    best);
	else
		perr(p, "unknown keyword \"%s\"", word);
}

static void
set_listen(struct parser *p, const struct keyword *kw, char **av)
{
	const char	*errstr;

	if (config_set_listen(p->conf, av[0], &errstr) == -1)
		perr(p, "listen \"%s\": %s", av[0], errstr);
}

static void
set_file(struct parser *p, const struct keyword *kw, char **av)
{
	char	**slot, *path;

	switch (kw->opt) {
	case O_CA:	slot = &p->conf->ca; break;
	case O_CERT:	slot = &p->conf->cert; break;
	case O_KEY:	slot = &p->conf->key; break;
	case O_TABLES:	slot = &p->conf->tables; break;
	case O_HOLDWRITE: slot = &p->dc->hold_write; break;
	default:	slot = &p->dc->path; break;
	}
	if (av[0][0] == '\0')
		perr(p, "%s: empty file name", kw->name);
	else if ((path = config_path(p->dir, av[0])) == NULL) {
		if (errno == ENAMETOOLONG)
			perr(p, "%s: file name too long", kw->name);
		else
			lex_nomem(&p->lx);
	} else {
		free(*slot);
		*slot = path;
	}
}

static void
set_number(struct parser *p, const struct keyword *kw, char **av)
{
	long long	v;

	if (lex_num(&p->lx, kw->name, av[0], kw->min, kw->max, &v) == -1) {
		p->bad |= OPT(kw->opt);
		return;
	}
	switch (kw->opt) {
	case O_MAXCONN:	  p->conf->max_connections = (int)v; break;
	case O_LOOPS:	  p->conf->event_loops = (int)v; break;
	case O_HANDSHAKE: p->conf->handshake_timeout = (int)v; break;
	case O_IDLE:	  p->conf->idle_timeout = (int)v; break;
	case O_DENSITY:	  p->dc->density = (uint32_t)v; break;
	default:	  p->dc->fail_write_at = (uint64_t)v; break;
	}
}

static void
set_size(struct parser *p, const struct keyword *kw, char **av)
{
	uint64_t	v;

	if (lex_size(&p->lx, kw->name, av[0], (uint64_t)kw->min,
	    (uint64_t)kw->max, &v) == -1) {
		p->bad |= OPT(kw->opt);
		return;
	}
	switch (kw->opt) {
	case O_SESSMEM:	 p->conf->session_memory = v; break;
	case O_MAXREC:	 p->conf->max_record = (uint32_t)v; break;
	case O_CAPACITY: p->dc->capacity = v; break;
	default:	 p->dc->early_warning = v; break;
	}
}

static void
set_backend(struct parser *p, const struct keyword *kw, char **av)
{
	if (backend_find(av[0]) == NULL)
		perr(p, "unknown backend \"%s\" (known backends: %s)", av[0],
		    backend_names());
	else
		tc_strlcpy(p->dc->backend, av[0], sizeof(p->dc->backend));
}

static void
set_yesno(struct parser *p, const struct keyword *kw, char **av)
{
	if (strcmp(av[0], "yes") == 0)
		p->dc->write_protect = 1;
	else if (strcmp(av[0], "no") == 0)
		p->dc->write_protect = 0;
	else
		perr(p, "%s: \"%s\" is not yes or no", kw->name, av[0]);
}

static void
set_blocks(struct parser *p, const struct keyword *kw, char **av)
{
	long long	lo, hi;
	int		bad;

	bad = lex_num(&p->lx, "block-limits MIN", av[0], kw->min, kw->max, &lo);
	if (lex_num(&p->lx, "block-limits MAX", av[1], kw->min, kw->max, &hi) ==
	    -1 || bad)
		return;
	if (lo > hi) {
		perr(p, "block-limits: MIN %lld is greater than MAX %lld", lo,
		    hi);
		return;
	}
	p->dc->min_block = (uint32_t)lo;
	p->dc->max_block = (uint32_t)hi;
}

static void
set_allow(struct parser *p, const struct keyword *kw, char **av)
{
	struct drive_conf	*dc = p->dc;
	size_t			 i, before = p->lx.ndiags;
	int			 access = 0;

	if (strcmp(av[1], "read-only") == 0)
		access = TC_ACCESS_RO;
	else if (strcmp(av[1], "read-write") == 0)
		access = TC_ACCESS_RW;
	if (av[0][0] == '\0')
		perr(p, "allow: empty identity");
	else if (strlen(av[0]) > TC_TEXT_MAX)
		perr(p, "allow: identity longer than %d characters",
		    TC_TEXT_MAX);
	for (i = 0; i < dc->nacl; i++)
		if (strcmp(dc->acl[i].identity, av[0]) == 0)
			perr(p, "duplicate allow for \"%s\" (first at line %d)",
			    av[0], dc->acl[i].line);
	if (access == 0)
		perr(p, "unknown access mode \"%s\" (use read-only or "
		    "read-write)", av[1]);
	if (p->lx.ndiags == before &&
	    config_add_acl(dc, av[0], access, p->lx.line) == -1)
		lex_nomem(&p->lx);
}

/* "vtape, st": the backends that take option o. */
static const char *
backends_taking(enum opt o, char *buf, size_t len)
{
	size_t	i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < nitems(backend_opts); i++)
		if ((backend_opts[i].opts & OPT(o)) && n < len)
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
			    n ? ", " : "", backend_opts[i].name);
	return buf;
}

/* The early-warning zone must end before the medium does. */
static void
check_early_warning(struct parser *p, struct drive_conf *dc)
{
	char	ew[32], cap[32];

	if ((p->bad & (OPT(O_CAPACITY) | OPT(O_EW))) ||
	    dc->early_warning < dc->capacity)
		return;
	lex_fmtsize(dc->early_warning, ew, sizeof(ew));
	lex_fmtsize(dc->capacity, cap, sizeof(cap));
	if (p->seen[O_EW])
		perr_at(p, p->seen[O_EW], "early-warning %s must be less than "
		    "capacity %s", ew, cap);
	else
		perr_at(p, p->seen[O_CAPACITY] ? p->seen[O_CAPACITY] : dc->line,
		    "capacity %s must be greater than the default early-warning "
		    "%s (set early-warning smaller)", cap, ew);
}

/* Options given that the backend does not take, or lacking that it needs. */
static void
backend_check_opts(struct parser *p, struct drive_conf *dc)
{
	const struct backend_opts	*bo = NULL;
	const struct keyword		*kw;
	char				 who[128];
	size_t				 i;
	int				 o;

	for (i = 0; i < nitems(backend_opts); i++)
		if (strcmp(backend_opts[i].name, dc->backend) == 0)
			bo = &backend_opts[i];
	if (bo == NULL)
		return;
	for (o = O_BACKEND; o < O_COUNT; o++) {
		kw = keyword_byopt(o);
		if (p->seen[o] && !(OPT(o) & (COMMON_OPTS | bo->opts)))
			perr_at(p, p->seen[o], "\"%s\" is not valid for "
			    "backend %s (only for %s)", kw->name, bo->name,
			    backends_taking(o, who, sizeof(who)));
		if ((bo->needs & OPT(o)) && !p->seen[o])
			perr_at(p, dc->line, "drive \"%s\": backend %s needs "
			    "\"%s %s\"", dc->name, bo->name, kw->name, kw->usage);
	}
	if (bo->opts & OPT(O_CAPACITY))
		check_early_warning(p, dc);
}

static void
drive_begin(struct parser *p, const char *name)
{
	struct config	*conf = p->conf;
	size_t		 i;
	int		 o;

	p->dc_ndiags = p->lx.ndiags;
	if (name != NULL && !tc_valid_name(name))
		perr(p, "invalid drive name \"%s\" (use 1 to %d letters, "
		    "digits, \".\", \"_\" or \"-\")", name, TC_NAME_MAX);
	else
		for (i = 0; name != NULL && i < conf->ndrives; i++)
			if (strcmp(conf->drives[i].name, name) == 0) {
				perr(p, "duplicate drive \"%s\" (first defined "
				    "at line %d)", name, conf->drives[i].line);
				break;
			}
	if (conf->ndrives == TC_MAX_DRIVES_LIST)
		perr(p, "too many drives (at most %d)", TC_MAX_DRIVES_LIST);
	if ((p->dc = config_add_drive(conf, name ? name : "")) == NULL) {
		lex_nomem(&p->lx);
		return;
	}
	p->dc->line = p->lx.line;
	for (o = O_BACKEND; o < O_COUNT; o++)
		p->seen[o] = 0;
	p->bad = 0;
}

static void
drive_end(struct parser *p)
{
	struct drive_conf		*dc = p->dc;
	const struct backend_ops	*be = NULL;
	char				 err[TC_TEXT_MAX + 1];

	p->dc = NULL;
	if (!p->seen[O_BACKEND])
		perr_at(p, dc->line, "drive \"%s\" has no backend (add "
		    "\"backend NAME\"; known backends: %s)", dc->name,
		    backend_names());
	else if ((be = backend_find(dc->backend)) != NULL)
		backend_check_opts(p, dc);
	if (!p->seen[O_ALLOW])
		perr_at(p, dc->line, "drive \"%s\" has no allow line: every "
		    "client would be denied (add \"allow IDENTITY "
		    "read-only|read-write\")", dc->name);
	if (be == NULL || be->check == NULL || p->lx.ndiags != p->dc_ndiags)
		return;
	err[0] = '\0';
	if (be->check(dc, err, sizeof(err)) != 0)
		perr_at(p, dc->line, "drive \"%s\": %s", dc->name,
		    err[0] != '\0' ? err : "refused by its backend");
}

/* drive NAME { */
static void
drive_statement(struct parser *p)
{
	struct lex_token *t = p->lx.tok;
	size_t		 n = p->lx.ntok, brace, extra = 0;
	const char	*name;

	name = n > 1 && t[1].type == LEX_WORD ? t[1].s : NULL;
	for (brace = 1; brace < n && t[brace].type != LEX_OPEN; brace++)
		;
	if (name == NULL)
		perr(p, "missing argument to \"drive\" (usage: drive NAME {)");
	else if (brace == n) {
		perr(p, "missing \"{\" after drive \"%s\" (usage: drive NAME {)",
		    name);
		p->want_open = 1;
	}
	if (name != NULL && brace > 2)
		extra = 2;
	else if (brace + 1 < n)
		extra = brace + 1;
	if (extra != 0)
		perr(p, "too many arguments to \"drive\": \"%s\" (usage: drive "
		    "NAME {)", lex_tokstr(&t[extra]));
	if (name == NULL && brace == n)
		return;
	if (p->dc != NULL) {
		perr(p, "nested drive \"%s\" inside drive \"%s\" (missing \"}\" "
		    "before this line?)", name ? name : "", p->dc->name);
		drive_end(p);
	}
	drive_begin(p, name);
}

static void	statement(struct parser *);

/* A line ending in "}": what comes before it is still read. */
static void
block_close(struct parser *p)
{
	size_t	n = p->lx.ntok;

	if (n > 1) {
		perr(p, "\"}\" must be on a line of its own");
		p->lx.ntok--;
		statement(p);
		p->lx.ntok++;
		if (p->skipping) {	/* it closes what that line opened */
			p->skipping = 0;
			return;
		}
	}
	if (p->dc != NULL)
		drive_end(p);
	else if (n == 1)
		perr(p, "\"}\" without a matching \"drive NAME {\"");
}

static int
context_ok(struct parser *p, const struct keyword *kw)
{
	if (IN_DRIVE(kw->opt) && p->dc == NULL) {
		perr(p, "\"%s\" is a drive option: put it inside a \"drive "
		    "NAME {\" block", kw->name);
		return 0;
	}
	if (!IN_DRIVE(kw->opt) && p->dc != NULL) {
		perr(p, "\"%s\" is a global option, not allowed inside drive "
		    "\"%s\" (missing \"}\" before this line?)", kw->name,
		    p->dc->name);
		return 0;
	}
	return 1;
}

static void
keyword_statement(struct parser *p, const struct keyword *kw)
{
	struct lex_token *t = p->lx.tok;
	size_t		 n = p->lx.ntok, i;
	char		*av[2];

	if (!context_ok(p, kw))
		return;
	if (kw->opt != O_ALLOW && p->seen[kw->opt]) {
		perr(p, "\"%s\" given twice (first at line %d)", t[0].s,
		    p->seen[kw->opt]);
		return;
	}
	p->seen[kw->opt] = p->lx.line;	/* given, even if wrongly */
	for (i = 1; i < n; i++)
		if (t[i].type != LEX_WORD) {
			perr(p, t[i].type == LEX_OPEN ? "unexpected \"{\" (only "
			    "\"drive NAME {\" opens a block)" : "\"}\" must be on "
			    "a line of its own");
			return;
		}
	if (n - 1 < kw->nargs) {
		perr(p, "missing argument to \"%s\" (usage: %s %s)", t[0].s,
		    t[0].s, kw->usage);
		return;
	}
	if (n - 1 > kw->nargs) {
		perr(p, "too many arguments to \"%s\": \"%s\" (usage: %s %s%s)",
		    t[0].s, t[kw->nargs + 1].s, t[0].s, kw->usage,
		    kw->opt == O_ALLOW ? "; quote an identity with spaces" :
		    "");
		return;
	}
	for (i = 0; i < kw->nargs; i++)
		av[i] = t[i + 1].s;
	kw->set(p, kw, av);
}

static void
statement(struct parser *p)
{
	struct lex_token	*t = p->lx.tok;
	size_t			 n = p->lx.ntok;
	const struct keyword	*kw;

	if (n == 0)
		return;
	if (p->want_open) {
		p->want_open = 0;
		if (n == 1 && t[0].type == LEX_OPEN)
			return;		/* the "{" already reported missing */
	}
	if (p->skipping) {
		p->skipping = t[n - 1].type != LEX_CLOSE;
		return;
	}
	if (t[n - 1].type == LEX_CLOSE) {
		block_close(p);
		return;
	}
	/* after a bad line that opens a block, skip to its "}" */
	p->skipping = t[n - 1].type == LEX_OPEN;
	if (t[0].type == LEX_CLOSE)
		perr(p, "\"}\" must be on a line of its own");
	else if (t[0].type == LEX_OPEN)
		perr(p, "unexpected \"{\" (only \"drive NAME {\" opens a "
		    "block)");
	else if ((kw = keyword_find(t[0].s)) == NULL)
		unknown_keyword(p, t[0].s);
	else if (kw->opt == O_DRIVE) {
		p->skipping = 0;
		drive_statement(p);
	} else if (t[n - 1].type == LEX_OPEN)
		perr(p, "unexpected \"{\" (only \"drive NAME {\" opens a "
		    "block)");
	else
		keyword_statement(p, kw);
}

/* What only the end of the file can tell. */
static void
finish(struct parser *p)
{
	int	eof = p->lx.line > 0 ? p->lx.line : 1;

	if (p->dc != NULL) {
		perr_at(p, p->dc->line, "unterminated drive \"%s\": no \"}\" "
		    "before the end of the file", p->dc->name);
		drive_end(p);
	}
	if (!p->seen[O_CA])
		perr_at(p, eof, "missing \"ca FILE\": the CA certificate that "
		    "signs client certificates is required");
	if (!p->seen[O_CERT])
		perr_at(p, eof, "missing \"certificate FILE\": the server "
		    "certificate chain is required");
	if (!p->seen[O_KEY])
		perr_at(p, eof, "missing \"key FILE\": the server private key "
		    "is required");
	if (p->conf->ndrives == 0)
		perr_at(p, eof, "no drives (add a \"drive NAME {\" block)");
}

struct config *
config_load(const char *file, int (*report)(const char *))
{
	struct parser	p;

	memset(&p, 0, sizeof(p));
	if (lex_open(&p.lx, file) == 0) {
		if ((p.conf = config_new()) == NULL ||
		    (p.conf->file = strdup(file)) == NULL ||
		    (p.dir = config_dir(file)) == NULL) {
			p.lx.syserr = errno;
			p.lx.stop = 1;
		}
		while (lex_next(&p.lx))
			statement(&p);
		if (!p.lx.stop)
			finish(&p);
	}
	free(p.dir);
	if (lex_close(&p.lx, report) > 0) {
		config_free(p.conf);
		return NULL;
	}
	return p.conf;
}
