/*
 * client.h -- libtclient internals (the public interface is tclient.h).
 */
#ifndef TC_CLIENT_H
#define TC_CLIENT_H

#include "common.h"

#define TC_PEND_MAX	512	/* requests out at once */
#define TC_AHEAD_MAX	64	/* reads out ahead (tclientd keeps 256) */
#define TC_WINDOW	(8u << 20)	/* default bytes in flight */

/* A request sent whose reply has not been read yet. */
struct tc_pend {
	uint32_t	id;
	uint16_t	type;
	uint16_t	flags;		/* TC_F_BEHIND, TC_F_AHEAD */
	uint32_t	len;		/* WRITE: record size; READ: buffer */
};

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
	uint64_t		 features;	/* agreed in HELLO */
	size_t			 window;	/* bytes in flight, 0: none */
	struct tc_pend		 pend[TC_PEND_MAX];
	size_t			 phead;
	size_t			 npend;
	/* write-behind */
	size_t			 wbytes;	/* records out, not answered */
	uint32_t		 wlen;		/* record size of this run */
	int			 wsync;		/* early warning: one by one */
	int			 werr;		/* a write behind failed */
	char			 werrmsg[TC_TEXT_MAX + 64];
	/* read-ahead */
	uint32_t		 rsize;		/* buffer size of this run */
	size_t			 rahead;	/* reads out */
	int			 rstopped;	/* mark, error or end met */
	uint32_t		 rlast;		/* id of the last read taken */
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
int	wire_flush(struct tc_conn *, const void *, size_t);
void	wire_sent(struct tc_conn *, uint16_t, uint16_t, uint32_t);
int	wire_recv(struct tc_conn *, struct tc_pend *, struct tc_hdr *,
	    void *, size_t);
int	client_call(struct tc_conn *, uint16_t, const void *, size_t,
	    void *, size_t, size_t *);

/* stream.c */
int	client_settle(struct tc_conn *);
ssize_t	stream_write(struct tc_conn *, const void *, size_t);
ssize_t	stream_read(struct tc_conn *, void *, size_t);

/* api.c */
int	client_tables(struct tc_conn *);

#endif /* TC_CLIENT_H */
