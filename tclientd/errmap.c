/*
 * errmap.c -- the errno a client gets for its drive host's errno.  The
 * server's platform is this host's, unless TCLIENTD_PLATFORM claims another
 * (for tests of other platform pairs end to end, tclientd.8): then the
 * drive's errno is first turned into what the claimed platform's own
 * driver gives for the event, through the same tables, and that is what
 * the server reports as its own and maps for the client.
 */
#include <stdlib.h>
#include <string.h>

#include "tclientd.h"

/* The platform to announce: TCLIENTD_PLATFORM if set, else this host's. */
const char *
server_platform(const char **why)
{
	const char	*p = getenv("TCLIENTD_PLATFORM");

	*why = NULL;
	if (p == NULL || *p == '\0')
		return platform_local();
	if (!platform_valid(p)) {
		*why = "TCLIENTD_PLATFORM is not a platform id (os-arch)";
		return NULL;
	}
	return p;
}

/*
 * Map err (this host's numbering) for a client on platform client; *res
 * describes the last step.  Returns err as the server reports it: in the
 * claimed platform's numbering when there is one.
 */
int
server_errno(const struct server *srv, int err, const char *client,
    enum tc_ctx ctx, struct tcerrno_res *res)
{
	struct tcerrno_res	 host;

	if (strcmp(srv->platform, srv->drive_platform) != 0)
		err = tcerrno(srv->tables, err, srv->drive_platform,
		    srv->platform, ctx, &host);
	tcerrno(srv->tables, err, srv->platform, client, ctx, res);
	return err;
}
