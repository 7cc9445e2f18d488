/*
 * tclient.h -- libtclient: use a tape drive served by tclientd as if it
 * were attached to this host.
 *
 * Every function returns 0 (or a count) on success and a negative TC_ERR_*
 * code on failure, and sets errno as well.  TC_ERR_DRIVE means the drive,
 * or the tape driver on the drive host, refused: errno then holds that
 * error already mapped to this client's platform (tcerrno), exactly what a
 * local drive would have given.  The library never exits and never prints;
 * tc_errmsg() gives a sentence for the last failure.  A connection is used
 * by one thread at a time.
 */
#ifndef TCLIENT_H
#define TCLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TC_ERR_DRIVE	(-1)	/* the drive refused: see errno */
#define TC_ERR_SYSTEM	(-2)	/* a local system call failed: errno */
#define TC_ERR_CONNECT	(-3)	/* the server cannot be reached */
#define TC_ERR_TLS	(-4)	/* TLS or certificate failure */
#define TC_ERR_PROTOCOL	(-5)	/* malformed data, or the session ended */
#define TC_ERR_CONFIG	(-6)	/* bad address, missing certificate files,
				   unknown platform */
#define TC_ERR_USAGE	(-7)	/* invalid argument, or no drive open */
#define TC_ERR_NOMEM	(-8)

/*
 * Canonical tape operations, as carried on the wire: the AIX STIOCTOP
 * st_op codes and IBM Atape additions below 0x100, STIOCHGP (set block
 * size) as 0x100 + its AIX request number, and project extensions for what
 * AIX lacks in 0x1000-0x1fff.  See docs/PROTOCOL.md.
 */
enum tc_canon_op {
	TC_STOFFL	= 5,	/* rewind and unload */
	TC_STREW	= 6,
	TC_STERASE	= 7,
	TC_STRETEN	= 8,
	TC_STWEOF	= 10,
	TC_STFSF	= 11,
	TC_STRSF	= 12,
	TC_STFSR	= 13,
	TC_STRSR	= 14,
	TC_STINSRT	= 15,
	TC_STEJECT	= 16,
	TC_STTUR	= 30,
	TC_STLOAD	= 31,
	TC_STSEOD	= 32,
	TC_STFSSF	= 33,
	TC_STRSSF	= 34,
	TC_STERASEGAP	= 35,
	TC_STIOCHGP	= 0x103,	/* set block size; count = st_blksize */
	TC_X_NOP	= 0x1001,	/* flush buffers, no motion */
	TC_X_RESET	= 0x1002,
	TC_X_BSFM	= 0x1003,	/* back over N marks, end after the mark */
	TC_X_FSFM	= 0x1004,	/* forward over N marks, end before it */
	TC_X_SEEK	= 0x1005,	/* locate to block address */
	TC_X_TELL	= 0x1006,	/* op form of read position */
	TC_X_WSM	= 0x1007,	/* write setmarks */
	TC_X_FSS	= 0x1008,
	TC_X_BSS	= 0x1009,
	TC_X_SETDENSITY	= 0x100a,
	TC_X_COMPRESSION = 0x100b,
	TC_X_SETPART	= 0x100c,
	TC_X_MKPART	= 0x100d,
	TC_X_LOCK	= 0x100e,
	TC_X_UNLOCK	= 0x100f,
	TC_X_WEOFI	= 0x1010,	/* write filemarks, immediate */
	TC_X_DRVOPTS	= 0x1011,	/* driver options, Linux st word */
	TC_X_CACHE	= 0x1012,
	TC_X_NOCACHE	= 0x1013,
	TC_X_NBSF	= 0x1014,	/* back to the start of the file N files
					   before this one: BSF N+1, FSF 1 */
	TC_X_GRSZ	= 0x1015,	/* report the block size (0 = variable) */
	TC_X_FLUSH	= 0x1016,	/* buffered data to the medium, no motion */
};

/* Canonical drive status.  Numbers the drive does not know are -1. */
#define TC_ST_BOT	0x0001
#define TC_ST_EOF	0x0002	/* just after a filemark */
#define TC_ST_EOT	0x0004	/* early warning */
#define TC_ST_EOD	0x0008
#define TC_ST_WRPROT	0x0010
#define TC_ST_ONLINE	0x0020
#define TC_ST_NOMEDIUM	0x0040
#define TC_ST_SM	0x0080	/* at a setmark */
#define TC_ST_IMREP	0x0100	/* immediate report (buffered) mode */
#define TC_ST_CLN	0x0200	/* cleaning requested */
#define TC_ST_COMPRESS	0x0400
#define TC_ST_ALLFLAGS	0x07ff
struct tc_status {
	int64_t		fileno;
	int64_t		blkno;
	uint32_t	partition;
	uint32_t	blksize;	/* 0 = variable */
	uint32_t	density;
	uint32_t	flags;		/* TC_ST_* */
	uint32_t	softerr;	/* recovered errors since last status */
	uint32_t	min_block;
	uint32_t	max_block;
};

struct tc_conn;

/* Where and as whom to connect.  Zero-filled means every default. */
struct tc_options {
	const char	*server;	/* "host[:port]"; default: $TCLIENT_SERVER,
					   then the file server in the home
					   directory, then 127.0.0.1:7755 */
	const char	*home;		/* default: $TCLIENT_HOME or ~/.tclient */
	const char	*platform;	/* "os-arch" this client speaks for;
					   default: $TCLIENT_PLATFORM or this
					   host's */
	const char	*ca;		/* default: HOME/ca.pem */
	const char	*cert;		/* default: HOME/client.pem */
	const char	*key;		/* default: HOME/client.key */
	int		 timeout_ms;	/* connect and handshake; 0 = 10 s */
	int64_t		 window;	/* bytes of records in flight ahead of
					   the caller (write-behind, read-
					   ahead); 0: $TCLIENT_WINDOW or 8 MiB;
					   negative: none, every call waits */
};

struct tc_drive {
	char		name[64];
	char		backend[64];
	int		readonly;	/* this client may only read it */
	uint32_t	max_record;	/* largest record the server moves */
};

/*
 * Connect and authenticate.  On success *conn is set.  On failure *conn is
 * NULL and, if errbuf is not NULL, it receives the reason.
 */
int	tc_connect(const struct tc_options *, struct tc_conn **,
	    char *errbuf, size_t errlen);

/* End the session; a drive still open is closed as close(2) would. */
void	tc_disconnect(struct tc_conn *);

/* The drives this client may use; free(3) *list. */
int	tc_drives(struct tc_conn *, struct tc_drive **list, size_t *n);

/*
 * Open a drive: oflags is O_RDONLY, O_WRONLY or O_RDWR, optionally with
 * O_NONBLOCK (as open(2) of a tape device); rewind_at_close selects the
 * rewinding node (st0) over the non-rewinding one (nst0).  One drive per
 * connection at a time.
 */
int	tc_open(struct tc_conn *, const char *drive, int oflags,
	    int rewind_at_close);

/* Close the drive: flush, filemark after writing, rewind if asked. */
int	tc_close(struct tc_conn *);

/* One record per call, as read(2) and write(2) on a tape device. */
ssize_t	tc_read(struct tc_conn *, void *, size_t);
ssize_t	tc_write(struct tc_conn *, const void *, size_t);

/*
 * A tape operation in this client's platform numbering (Linux mt_op codes
 * for a Linux client), mapped through the platform's op table.  An op the
 * platform's table has no canonical form for fails with TC_ERR_DRIVE and
 * the platform's own "unsupported" errno.
 */
int	tc_local_op(struct tc_conn *, int local_op, int64_t count);

/*
 * The same, for an op that answers with a value (Solaris MTGRSZ, MTTELL:
 * what the platform's driver leaves in mt_count); *result may be NULL and
 * is 0 for an op that answers nothing.
 */
int	tc_local_op_result(struct tc_conn *, int local_op, int64_t count,
	    int64_t *result);

/*
 * Status in this client's platform's terms: the canonical status in *st
 * (may be NULL) and, in *word, the bits the platform's driver sets in its
 * MTIOCGET status word (mt_gstat on Linux and HP-UX) for the flags that
 * are on, from the "status" lines of its op table.  Returns 1 when the
 * platform has such a word, 0 when it has none (*word is 0), or a
 * negative TC_ERR_* code.
 */
int	tc_local_status(struct tc_conn *, struct tc_status *st, uint32_t *word);

/* A canonical operation; *result (may be NULL) receives TC_X_TELL's answer. */
int	tc_op(struct tc_conn *, int canon_op, int64_t count, int64_t *result);

/* Canonical status, and the block address (what MTIOCPOS reports). */
int	tc_status(struct tc_conn *, struct tc_status *);
int	tc_position(struct tc_conn *, uint64_t *);

/* Linux <sys/mtio.h> forms of MTIOCTOP, MTIOCGET and MTIOCPOS. */
struct mtop;
struct mtget;
struct mtpos;
int	tc_mtioctop(struct tc_conn *, const struct mtop *);
int	tc_mtiocget(struct tc_conn *, struct mtget *);
int	tc_mtiocpos(struct tc_conn *, struct mtpos *);

/* The open drive's limits: largest record, and the drive's block limits. */
int	tc_limits(struct tc_conn *, uint32_t *max_record, uint32_t *min_block,
	    uint32_t *max_block);

const char *tc_platform(const struct tc_conn *);	/* as declared */
const char *tc_server_platform(const struct tc_conn *);
const char *tc_identity(const struct tc_conn *);	/* as the server saw us */
const char *tc_errmsg(const struct tc_conn *);
const char *tc_strerror(int code);

#ifdef __cplusplus
}
#endif

#endif /* TCLIENT_H */
