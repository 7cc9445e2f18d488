/*
 * backend.c -- the registry of drive backends.
 */
#include <string.h>

#include "tclientd.h"

static const struct backend_ops *backends[] = {
	&backend_vtape,
	&backend_null,
	&backend_st,
};

const struct backend_ops *
backend_find(const char *name)
{
	size_t	i;

	for (i = 0; i < nitems(backends); i++)
		if (strcmp(backends[i]->name, name) == 0)
			return backends[i];
	return NULL;
}

const char *
backend_names(void)
{
	return "vtape, null, st";
}
