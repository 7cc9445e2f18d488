/*
 * localop.c -- this client's platform's own terms: a tape operation in its
 * numbering whose answer the platform's driver hands back in mt_count
 * (Solaris MTGRSZ, the block size, and MTTELL, the block address), and the
 * drive's status as the platform's MTIOCGET status word.
 */
#include <errno.h>

#include "client.h"

int
tc_local_op_result(struct tc_conn *c, int local, int64_t count,
    int64_t *result)
{
	const struct tc_opent	*oe;

	if (c->plat == NULL)
		return tc_fail(c, TC_ERR_CONFIG, EINVAL, "platform %s has no "
		    "op table; declare a known platform (TCLIENT_PLATFORM)",
		    c->platform);
	oe = platform_opbylocal(c->plat, local);
	if (oe == NULL || oe->canon < 0)
		return tc_fail(c, TC_ERR_DRIVE, c->plat->unsupported,
		    "operation %d%s%s has no canonical form on %s", local,
		    oe ? " " : "", oe ? oe->name : "", c->platform);
	return tc_op(c, oe->canon, count, result);
}

int
tc_local_status(struct tc_conn *c, struct tc_status *st, uint32_t *word)
{
	struct tc_status	 s;
	int			 r;

	if (c->plat == NULL)
		return tc_fail(c, TC_ERR_CONFIG, EINVAL, "platform %s is not "
		    "in the tables; declare a known platform (TCLIENT_PLATFORM)",
		    c->platform);
	if ((r = tc_status(c, &s)) < 0)
		return r;
	if (st != NULL)
		*st = s;
	if (word != NULL)
		*word = platform_gstat(c->plat, s.flags);
	return platform_has_gstat(c->plat);
}
