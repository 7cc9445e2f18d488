/*
 * fuzz_config.c -- libFuzzer harness for tclientd.conf(5): the input is a
 * configuration file.  config_load must refuse it or return a config that
 * keeps the rules the parser promises; it must never crash or leak.
 *
 *   make fuzz FUZZ_TIME=60	(builds every harness with clang into
 *				 build/fuzz, see fuzz/run.sh)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tclientd.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	path[64];

static int
quiet(const char *line)
{
	return 0;
}

static void
cleanup(void)
{
	unlink(path);
}

/* What an accepted file must give the daemon. */
static void
check(const struct config *conf)
{
	const struct drive_conf	*d;
	size_t			 i, j;

	if (conf->ca[0] != '/' || conf->cert[0] != '/' || conf->key[0] != '/' ||
	    conf->ndrives == 0 || conf->ndrives > TC_MAX_DRIVES_LIST)
		abort();
	for (i = 0; i < conf->ndrives; i++) {
		d = &conf->drives[i];
		if (!tc_valid_name(d->name) || backend_find(d->backend) == NULL ||
		    d->nacl == 0 || d->min_block < 1 ||
		    d->min_block > d->max_block || d->max_block > DEF_MAX_BLOCK ||
		    d->density > 255 || d->early_warning >= d->capacity ||
		    (strcmp(d->backend, "vtape") == 0 && (d->path == NULL ||
		    d->path[0] != '/')))
			abort();
		for (j = 0; j < i; j++)
			if (strcmp(conf->drives[j].name, d->name) == 0)
				abort();
		for (j = 0; j < d->nacl; j++)
			if (d->acl[j].identity[0] == '\0' ||
			    (d->acl[j].access != TC_ACCESS_RO &&
			    d->acl[j].access != TC_ACCESS_RW))
				abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	*conf;
	FILE		*fp;
	int		 fd;

	if (path[0] == '\0') {
		snprintf(path, sizeof(path), "/tmp/fuzz_config.XXXXXX");
		if ((fd = mkstemp(path)) == -1)
			abort();
		close(fd);
		atexit(cleanup);
	}
	if ((fp = fopen(path, "w")) == NULL)
		abort();
	if (fwrite(data, 1, size, fp) != size || fclose(fp) != 0)
		abort();
	if ((conf = config_load(path, quiet)) != NULL)
		check(conf);
	config_free(conf);
	return 0;
}
