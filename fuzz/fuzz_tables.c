/*
 * fuzz_tables.c -- libFuzzer harness for the table parser (common/tables*.c,
 * tcerrno(5)).  The input is up to five table files separated by lines
 * "%%": linux-x86_64.errno, linux-x86_64.ops, solaris-amd64.errno,
 * solaris-amd64.ops and pairs.rules, written to a directory that
 * tables_load() reads.  Every problem must be a diagnostic with a file and
 * a reason; tables without diagnostics must keep the promises common.h
 * makes, and every errno mapping through them must land in 1..4095.
 */
#include <sys/stat.h>

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const files[] = {
	"linux-x86_64.errno", "linux-x86_64.ops", "solaris-amd64.errno",
	"solaris-amd64.ops", "pairs.rules",
};
static char	dir[64];

static void
cleanup(void)
{
	char	path[PATH_MAX];
	size_t	i;

	for (i = 0; i < nitems(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

static void
put(const char *name, const uint8_t *p, size_t len)
{
	char	 path[PATH_MAX];
	FILE	*fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fp = fopen(path, "w")) == NULL ||
	    (len > 0 && fwrite(p, 1, len, fp) != len) || fclose(fp) != 0)
		abort();
}

static void
check(const struct tc_tables *t)
{
	static const char *const ids[] = { "linux-x86_64", "solaris-amd64",
	    "aix-ppc64" };
	struct tcerrno_res	 r;
	const struct tc_platform *p;
	size_t			 i, j, k;
	int			 e, ctx;

	for (i = 0; i < t->ndiags; i++)
		if (t->diags[i].file == NULL || t->diags[i].msg == NULL ||
		    t->diags[i].msg[0] == '\0' || t->diags[i].line < 0)
			abort();
	if (!tables_ok(t))
		return;
	for (i = 0; i < t->nplats; i++) {
		p = &t->plats[i];
		if (i > 0 && strcmp(t->plats[i - 1].id, p->id) >= 0)
			abort();	/* sorted, no duplicates */
		for (j = 0; j < p->nerrs; j++)
			if (p->errs[j].num < 1 || p->errs[j].num > TC_ERRNO_MAX ||
			    platform_errbyname(p, p->errs[j].name) == NULL ||
			    platform_errbynum(p, p->errs[j].num) == NULL)
				abort();
		for (j = 0; j < p->nops; j++)
			if (platform_opbylocal(p, p->ops[j].local) == NULL)
				abort();
	}
	for (i = 0; i < nitems(ids); i++)
		for (j = 0; j < nitems(ids); j++)
			for (e = 1; e < 140; e += 3)
				for (ctx = TC_CTX_ANY; ctx <= TC_CTX_CLOSE;
				    ctx++) {
					k = (size_t)tcerrno(t, e, ids[i],
					    ids[j], (enum tc_ctx)ctx, &r);
					if (k < 1 || k > TC_ERRNO_MAX ||
					    (int)k != r.err)
						abort();
				}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tc_tables *t;
	const uint8_t	*p = data, *end = data + size, *sep;
	size_t		 i;

	if (dir[0] == '\0') {
		snprintf(dir, sizeof(dir), "/tmp/fuzz_tables.XXXXXX");
		if (mkdtemp(dir) == NULL)
			abort();
		atexit(cleanup);
	}
	for (i = 0; i < nitems(files); i++) {
		sep = memmem(p, (size_t)(end - p), "\n%%\n", 4);
		if (sep == NULL)
			sep = end;
		put(files[i], p, (size_t)(sep - p));
		p = sep < end ? sep + 4 : end;
	}
	if ((t = tables_load(dir)) == NULL)
		abort();		/* out of memory only */
	check(t);
	tables_free(t);
	return 0;
}
