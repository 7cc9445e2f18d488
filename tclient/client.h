/*
 * client.h -- libtclient internals (the public interface is tclient.h).
 */
#ifndef TC_CLIENT_H
#define TC_CLIENT_H

#include "common.h"

struct tc_conn {
	int			 fd;
	struct ssl_ctx_st	*ctx;
	struct ssl_st		*ssl;
	char			 server[300];
	char			 platform[TC_PLATFORM_MAX + 1];
	char			 srv_platform[TC_PLATFORM_MAX + 1];
	char			 identity[TC_TEXT_MAX + 1];
	const struct tc_platform *plat;	/* op table of our platform */
	uint32_t		 next_id;
	struct tcbuf		 out;
	uint8_t			*in;		/* last control reply */
	size_t			 inlen;
	size_t			 incap;
	int			 dead;		/* the session is over */
	int			 frames;	/* frames received so far */
	int			 drive_open;
	char			 drive[TC_NAME_MAX + 1];
	struct tc_open_rep	 limits;
	struct tc_error		 lasterr;
	char			 errmsg[600];
};

/* client.c */
int	tc_fail(struct tc_conn *, int, int, const char *, ...)
	    TC_PRINTF(4, 5);

/* wire.c */
int	client_call(struct tc_conn *, uint16_t, const void *, size_t,
	    void *, size_t, size_t *);

/* api.c */
int	client_tables(struct tc_conn *);

#endif /* TC_CLIENT_H */
