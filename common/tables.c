/*
 * tables.c -- tables_load(): read a tables directory, or the copy built
 * into the programs, hand each file to its parser, check the whole, and
 * return the tables with every problem found (tcerrno.5).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "tables_int.h"

#ifndef TC_DATADIR
#define TC_DATADIR	"/usr/local/share/tclient"
#endif

struct srclist {
	struct tl_src	*v;
	size_t		 n;
	size_t		 cap;
};

static const struct {
	const char	*ext;
	enum tl_kind	 kind;
} exts[] = {
	{ ".errno", TK_ERRNO }, { ".ops", TK_OPS }, { ".rules", TK_RULES },
};

/* The kind of table a file name names, or -1 (hidden files never). */
static int
src_kind(const char *name, size_t *stemlen)
{
	size_t	i, el, len = strlen(name);

	if (name[0] == '.')
		return -1;
	for (i = 0; i < nitems(exts); i++) {
		el = strlen(exts[i].ext);
		if (len > el && strcmp(name + len - el, exts[i].ext) == 0) {
			*stemlen = len - el;
			return (int)exts[i].kind;
		}
	}
	return -1;
}

/* Add a table file; a platform file's name must be a platform id. */
static struct tl_src *
src_add(struct tl *L, struct srclist *sl, const char *label,
    const char *name)
{
	struct tl_src	*s;
	char		*stem;
	size_t		 stemlen;
	int		 kind;

	if ((kind = src_kind(name, &stemlen)) < 0)
		return NULL;
	if ((stem = strndup(name, stemlen)) == NULL) {
		L->oom = 1;
		return NULL;
	}
	if (kind != TK_RULES && !platform_valid(stem)) {
		tl_diag(L, label, 0, "bad platform id \"%s\" in file name",
		    stem);
		free(stem);
		return NULL;
	}
	if (!tl_grow(L, (void **)&sl->v, &sl->cap, sl->n + 1,
	    sizeof(*sl->v))) {
		free(stem);
		return NULL;
	}
	s = &sl->v[sl->n];
	memset(s, 0, sizeof(*s));
	s->kind = (enum tl_kind)kind;
	if (kind != TK_RULES)
		tc_strlcpy(s->id, stem, sizeof(s->id));
	free(stem);
	if ((s->label = tl_strdup(L, label)) == NULL)
		return NULL;
	sl->n++;
	return s;
}

static void
src_read(struct tl *L, struct tl_src *s)
{
	struct stat	 st;
	ssize_t		 r;
	size_t		 want, off = 0;
	int		 fd;

	if ((fd = open(s->label, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1) {
		tl_diag(L, s->label, 0, "cannot read: %s", strerror(errno));
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		tl_diag(L, s->label, 0, "not a regular file");
		goto done;
	}
	if (st.st_size > TC_TABLE_FILE_MAX) {
		tl_diag(L, s->label, 0, "file too large (over %d bytes)",
		    TC_TABLE_FILE_MAX);
		goto done;
	}
	want = (size_t)st.st_size;
	if ((s->buf = malloc(want + 1)) == NULL) {
		L->oom = 1;
		goto done;
	}
	while (off < want && (r = read(fd, s->buf + off, want - off)) != 0) {
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			tl_diag(L, s->label, 0, "cannot read: %s",
			    strerror(errno));
			free(s->buf);
			s->buf = NULL;
			goto done;
		}
		off += (size_t)r;
	}
	s->text = s->buf;
	s->len = off;
 done:
	if (fd != -1)
		close(fd);
}

static void
src_file(struct tl *L, struct srclist *sl, const char *dir, const char *name)
{
	struct tl_src	*s;
	char		*label;
	size_t		 len = strlen(dir);

	if (asprintf(&label, "%s%s%s", dir, len > 0 && dir[len - 1] == '/' ?
	    "" : "/", name) == -1) {
		L->oom = 1;
		return;
	}
	if ((s = src_add(L, sl, label, name)) != NULL)
		src_read(L, s);
	free(label);
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Table files of a directory, in name order; -1 if it cannot be read. */
static int
src_dir(struct tl *L, const char *dir, struct srclist *sl)
{
	DIR		*d;
	struct dirent	*de;
	char		**names = NULL;
	size_t		 i, n = 0, cap = 0, stemlen;

	if ((d = opendir(dir)) == NULL) {
		tl_diag(L, dir, 0, "cannot open directory: %s",
		    strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL && !L->oom) {
		if (src_kind(de->d_name, &stemlen) < 0 ||
		    !tl_grow(L, (void **)&names, &cap, n + 1, sizeof(*names)))
			continue;
		if ((names[n] = tl_strdup(L, de->d_name)) != NULL)
			n++;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), cmpstr);
	for (i = 0; i < n; i++) {
		if (!L->oom)
			src_file(L, sl, dir, names[i]);
		free(names[i]);
	}
	free(names);
	return 0;
}

static void
src_builtin(struct tl *L, struct srclist *sl)
{
	const struct tc_embedded *e;
	struct tl_src	*s;
	char		*label;
	size_t		 i;

	for (i = 0; i < tc_embedded_ntables && !L->oom; i++) {
		e = &tc_embedded_tables[i];
		if (asprintf(&label, "built-in:%s", e->name) == -1) {
			L->oom = 1;
			return;
		}
		if ((s = src_add(L, sl, label, e->name)) != NULL) {
			s->text = e->text;
			s->len = e->len;
		}
		free(label);
	}
}

/* Every errno table first: op tables and rules refer to its names. */
static void
parse_all(struct tl *L, const struct srclist *sl)
{
	size_t	i, nerrno = 0;

	for (i = 0; i < sl->n; i++)
		if (sl->v[i].kind == TK_ERRNO && sl->v[i].text != NULL) {
			tl_errno_file(L, &sl->v[i]);
			nerrno++;
		}
	for (i = 0; i < sl->n; i++)
		if (sl->v[i].kind == TK_OPS && sl->v[i].text != NULL)
			tl_ops_file(L, &sl->v[i]);
	tl_check_platforms(L);
	for (i = 0; i < sl->n; i++)
		if (sl->v[i].kind == TK_RULES && sl->v[i].text != NULL)
			tl_rules_file(L, &sl->v[i]);
	tl_check_rules(L);
	if (nerrno == 0)
		tl_diag(L, L->t->source, 0,
		    "no platform tables (*.errno files) found");
}

static int
cmpplat(const void *a, const void *b)
{
	return strcmp(((const struct tc_platform *)a)->id,
	    ((const struct tc_platform *)b)->id);
}

struct sdiag {
	struct tc_diag	 d;
	size_t		 seq;
};

static int
cmpdiag(const void *a, const void *b)
{
	const struct sdiag	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(x->d.file, y->d.file)) != 0)
		return c;
	if (x->d.line != y->d.line)
		return x->d.line < y->d.line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* By file, then line; problems on one line keep the order found. */
static void
sort_diags(struct tl *L)
{
	struct tc_tables	*t = L->t;
	struct sdiag		*v;
	size_t			 i;

	if (t->ndiags < 2)
		return;
	if ((v = calloc(t->ndiags, sizeof(*v))) == NULL) {
		L->oom = 1;
		return;
	}
	for (i = 0; i < t->ndiags; i++) {
		v[i].d = t->diags[i];
		v[i].seq = i;
	}
	qsort(v, t->ndiags, sizeof(*v), cmpdiag);
	for (i = 0; i < t->ndiags; i++)
		t->diags[i] = v[i].d;
	free(v);
}

struct tc_tables *
tables_load(const char *dir)
{
	struct tl	 L;
	struct srclist	 sl;
	size_t		 i;
	int		 rc = 0;

	memset(&L, 0, sizeof(L));
	memset(&sl, 0, sizeof(sl));
	if ((L.t = calloc(1, sizeof(*L.t))) == NULL)
		return NULL;
	L.t->source = tl_strdup(&L, dir != NULL ? dir : "built-in");
	if (L.t->source != NULL) {
		if (dir != NULL)
			rc = src_dir(&L, dir, &sl);
		else
			src_builtin(&L, &sl);
	}
	if (rc == 0 && !L.oom)
		parse_all(&L, &sl);
	for (i = 0; i < sl.n; i++) {
		free(sl.v[i].label);
		free(sl.v[i].buf);
	}
	free(sl.v);
	if (!L.oom && L.t->nplats > 1)
		qsort(L.t->plats, L.t->nplats, sizeof(*L.t->plats), cmpplat);
	if (!L.oom)
		sort_diags(&L);
	if (L.oom) {
		tables_free(L.t);
		return NULL;
	}
	return L.t;
}

void
tables_free(struct tc_tables *t)
{
	size_t	i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nplats; i++) {
		free(t->plats[i].errno_file);
		free(t->plats[i].ops_file);
		free(t->plats[i].errs);
		free(t->plats[i].ops);
	}
	for (i = 0; i < t->nrules; i++)
		free(t->rules[i].file);
	for (i = 0; i < t->ndiags; i++) {
		free(t->diags[i].file);
		free(t->diags[i].msg);
	}
	free(t->plats);
	free(t->rules);
	free(t->diags);
	free(t->source);
	free(t);
}

int
tables_ok(const struct tc_tables *t)
{
	return t != NULL && t->ndiags == 0;
}

/* The installed tables if they are there, else NULL: the built-in copy. */
const char *
tables_default_dir(void)
{
	struct stat	st;

	if (stat(TC_DATADIR "/tables", &st) == 0 && S_ISDIR(st.st_mode))
		return TC_DATADIR "/tables";
	return NULL;
}
