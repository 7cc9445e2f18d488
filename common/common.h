/*
 * common.h -- what every tclient component shares: logging, buffers, the
 * wire protocol, canonical tape operations and status, platform tables,
 * tcerrno, TLS setup.  Private to the project; the client library's public
 * interface is tclient/tclient.h.
 */
#ifndef TC_COMMON_H
#define TC_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "tclient.h"

#define TC_VERSION		"0.1.0"
#define TC_DEFAULT_PORT		7755

/* Hard limits: checked before anything is allocated. */
#define TC_MAX_RECORD		(16u * 1024 * 1024)	/* one tape record */
#define TC_FUSE_RECORD		(1024u * 1024)	/* one record through tctape:
						   the largest FUSE request */
#define TC_MAX_CTRL		(64u * 1024)		/* any non-data frame */
#define TC_NAME_MAX		63	/* drive, backend, errno name */
#define TC_PLATFORM_MAX		39	/* "os-arch" */
#define TC_TEXT_MAX		255	/* software version, identity, message */

#ifndef __dead
#define __dead __attribute__((__noreturn__))
#endif
#define TC_PRINTF(a, b) __attribute__((__format__(__printf__, a, b)))
#define nitems(a) (sizeof(a) / sizeof((a)[0]))

/* log.c */
void	log_init(int foreground, int verbose, const char *procname);
void	log_setverbose(int);
int	log_getverbose(void);
void	log_warn(const char *, ...) TC_PRINTF(1, 2);
void	log_warnx(const char *, ...) TC_PRINTF(1, 2);
void	log_info(const char *, ...) TC_PRINTF(1, 2);
void	log_debug(const char *, ...) TC_PRINTF(1, 2);
__dead void fatal(const char *, ...) TC_PRINTF(1, 2);
__dead void fatalx(const char *, ...) TC_PRINTF(1, 2);

/* util.c */
size_t	tc_strlcpy(char *, const char *, size_t);
int	tc_parse_num(const char *, long long, long long, long long *,
	    const char **);
int	tc_parse_size(const char *, uint64_t, uint64_t *, const char **);
int	tc_parse_hostport(const char *, char *, size_t, uint16_t *,
	    const char **);
int	tc_home(char *, size_t);
int	tc_path(char *, size_t, const char *, const char *);
int	tc_mkdir_private(const char *);
int	tc_valid_name(const char *);
uint64_t tc_now_ms(void);

/* buf.c -- growable byte buffer and strict reader (network byte order) */
struct tcbuf {
	uint8_t		*data;
	size_t		 len;
	size_t		 cap;
	size_t		 mark;		/* where the frame being built starts */
	int		 failed;	/* an allocation failed: len is stale */
};
void	tcbuf_init(struct tcbuf *);
void	tcbuf_free(struct tcbuf *);
void	tcbuf_reset(struct tcbuf *);
int	tcbuf_reserve(struct tcbuf *, size_t);
void	tcbuf_put(struct tcbuf *, const void *, size_t);
void	tcbuf_put_u8(struct tcbuf *, uint8_t);
void	tcbuf_put_u16(struct tcbuf *, uint16_t);
void	tcbuf_put_u32(struct tcbuf *, uint32_t);
void	tcbuf_put_u64(struct tcbuf *, uint64_t);
void	tcbuf_put_str(struct tcbuf *, const char *);

struct tcrd {
	const uint8_t	*p;
	size_t		 left;
	const char	*err;	/* first failure, NULL while all is well */
};
void	tcrd_init(struct tcrd *, const void *, size_t);
uint8_t	tcrd_u8(struct tcrd *);
uint16_t tcrd_u16(struct tcrd *);
uint32_t tcrd_u32(struct tcrd *);
uint64_t tcrd_u64(struct tcrd *);
void	tcrd_str(struct tcrd *, char *, size_t, const char *);
int	tcrd_end(struct tcrd *);
void	put_be16(uint8_t *, uint16_t);
void	put_be32(uint8_t *, uint32_t);
uint16_t get_be16(const uint8_t *);
uint32_t get_be32(const uint8_t *);

/* canon.c -- the canonical operation set (enum tc_canon_op, tclient.h) */
#define TC_OPF_WRITES	0x01	/* changes the medium: needs write access */
#define TC_OPF_MOTION	0x02	/* moves the tape */
#define TC_OPF_RESULT	0x04	/* returns a value */
struct tc_canon_info {
	int		 code;
	const char	*name;
	int		 flags;
	const char	*desc;
};
const struct tc_canon_info *canon_byop(int);
const struct tc_canon_info *canon_byname(const char *);
const struct tc_canon_info *canon_all(size_t *);

const char *canon_flagnames(uint32_t, char *, size_t);
uint32_t canon_flagbyname(const char *);	/* TC_ST_*, or 0 */
const char *canon_flagname(uint32_t);		/* one flag's name, or NULL */
#define TC_ST_NFLAGS	11	/* TC_ST_* are bits 0 to 10 */
const char *canon_density(unsigned);

/* Operation contexts for tcerrno. */
enum tc_ctx {
	TC_CTX_ANY = 0,
	TC_CTX_OPEN,
	TC_CTX_READ,
	TC_CTX_WRITE,
	TC_CTX_IOCTL,
	TC_CTX_CLOSE,
};
const char *ctx_name(enum tc_ctx);
int	ctx_byname(const char *, enum tc_ctx *);

/*
 * proto.c -- wire protocol v1.  Each frame: u32 payload length, u16 type,
 * u16 flags (0), u32 request id, then the payload.  A reply carries the id
 * of its request and the request's type | 0x80, or TC_T_ERROR.
 */
#define TC_PROTO_VERSION	1
#define TC_HDR_LEN		12
enum tc_type {
	TC_T_HELLO	= 0x01,
	TC_T_DRIVES	= 0x02,
	TC_T_OPEN	= 0x10,
	TC_T_CLOSE	= 0x11,
	TC_T_READ	= 0x12,
	TC_T_WRITE	= 0x13,
	TC_T_OP		= 0x14,
	TC_T_STATUS	= 0x15,
	TC_T_POSITION	= 0x16,
	TC_T_SYNC	= 0x17,		/* undo unconsumed read-ahead */
	TC_T_REPLY	= 0x80,		/* or'ed into the request type */
	TC_T_ERROR	= 0x7e,
	TC_T_GOAWAY	= 0x7f,
};
#define TC_OPEN_RDONLY		0x0
#define TC_OPEN_WRONLY		0x1
#define TC_OPEN_RDWR		0x2
#define TC_OPEN_ACCMODE		0x3
#define TC_OPEN_NONBLOCK	0x4
#define TC_OPEN_REWIND		0x8	/* rewind at close (st0, not nst0) */
#define TC_OPEN_ALLFLAGS	0xf

#define TC_ACCESS_RO		1
#define TC_ACCESS_RW		2

#define TC_FEAT_PIPELINE	0x1	/* write-behind: WRITE with TC_F_BEHIND */
#define TC_FEAT_READAHEAD	0x2	/* READ with TC_F_AHEAD, and SYNC */
#define TC_FEAT_ALL		0x3

/* Frame flags: which a frame may carry depends on its type. */
#define TC_F_BEHIND		0x0001	/* WRITE: acknowledged before done */
#define TC_F_AHEAD		0x0002	/* READ: may be undone by SYNC */
#define TC_F_EW			0x0100	/* WRITE reply: early warning */
#define TC_F_SKIPPED		0x0200	/* READ/WRITE reply: not done */

/* Drive capabilities, in the OPEN reply */
#define TC_DCAP_UNDO		0x01	/* read-ahead can be undone */
#define TC_DCAP_ALL		0x01

/* GOAWAY reasons */
#define TC_GOAWAY_PROTOCOL	1	/* malformed frame */
#define TC_GOAWAY_VERSION	2	/* no common protocol version */
#define TC_GOAWAY_SHUTDOWN	3	/* daemon is stopping */
#define TC_GOAWAY_TIMEOUT	4

struct tc_hdr {
	uint32_t	len;
	uint16_t	type;
	uint16_t	flags;
	uint32_t	id;
};
struct tc_hello {
	uint16_t	vmin;
	uint16_t	vmax;
	uint64_t	features;
	char		platform[TC_PLATFORM_MAX + 1];
	char		software[TC_TEXT_MAX + 1];
	char		identity[TC_TEXT_MAX + 1];	/* reply only */
};
struct tc_open_req {
	char		drive[TC_NAME_MAX + 1];
	uint32_t	flags;
};
struct tc_open_rep {
	uint8_t		access;
	uint8_t		caps;		/* TC_DCAP_* */
	uint32_t	max_record;
	uint32_t	min_block;
	uint32_t	max_block;
};
struct tc_op_req {
	uint32_t	op;
	int64_t		count;
};
struct tc_error {
	int32_t		err;		/* in the client's numbering */
	char		name[TC_NAME_MAX + 1];
	int32_t		srv_err;	/* as the drive host reported it */
	char		srv_name[TC_NAME_MAX + 1];
	char		msg[TC_TEXT_MAX + 1];
};
struct tc_goaway {
	uint32_t	code;
	char		reason[TC_TEXT_MAX + 1];
};
struct tc_drive_ent {
	char		name[TC_NAME_MAX + 1];
	char		backend[TC_NAME_MAX + 1];
	uint8_t		access;
	uint32_t	max_record;
};
#define TC_MAX_DRIVES_LIST	256

const char *proto_typename(int);
uint32_t proto_maxlen(int type, int from_server);
void	proto_hdr_put(uint8_t *, const struct tc_hdr *);
int	proto_hdr_get(const uint8_t *, int from_server, struct tc_hdr *,
	    const char **);
void	proto_begin(struct tcbuf *, uint16_t type, uint32_t id);
void	proto_begin_flags(struct tcbuf *, uint16_t, uint16_t, uint32_t);
int	proto_finish(struct tcbuf *);
void	proto_put_hello(struct tcbuf *, uint32_t, const struct tc_hello *,
	    int reply);
int	proto_get_hello(const void *, size_t, struct tc_hello *, int reply,
	    const char **);
void	proto_put_open(struct tcbuf *, uint32_t, const struct tc_open_req *);
int	proto_get_open(const void *, size_t, struct tc_open_req *,
	    const char **);
void	proto_put_open_rep(struct tcbuf *, uint32_t,
	    const struct tc_open_rep *);
int	proto_get_open_rep(const void *, size_t, struct tc_open_rep *,
	    const char **);
void	proto_put_u32msg(struct tcbuf *, uint16_t, uint32_t, uint32_t);
int	proto_get_u32msg(const void *, size_t, uint32_t *, const char **);
void	proto_put_u64msg(struct tcbuf *, uint16_t, uint32_t, uint64_t);
int	proto_get_u64msg(const void *, size_t, uint64_t *, const char **);
void	proto_put_empty(struct tcbuf *, uint16_t, uint32_t);
int	proto_get_empty(const void *, size_t, const char **);
void	proto_put_op(struct tcbuf *, uint32_t, const struct tc_op_req *);
int	proto_get_op(const void *, size_t, struct tc_op_req *, const char **);
void	proto_put_status(struct tcbuf *, uint32_t, const struct tc_status *);
int	proto_get_status(const void *, size_t, struct tc_status *,
	    const char **);
void	proto_put_error(struct tcbuf *, uint32_t, const struct tc_error *);
int	proto_get_error(const void *, size_t, struct tc_error *,
	    const char **);
void	proto_put_goaway(struct tcbuf *, uint32_t, const struct tc_goaway *);
int	proto_get_goaway(const void *, size_t, struct tc_goaway *,
	    const char **);
void	proto_put_drives(struct tcbuf *, uint32_t, const struct tc_drive_ent *,
	    size_t);
int	proto_get_drives(const void *, size_t, struct tc_drive_ent **,
	    size_t *, const char **);

/* platform.c */
const char *platform_local(void);
int	platform_valid(const char *);
int	platform_match(const char *pattern, const char *id);

/*
 * tables.c -- the administrator-edited tables (tables/, tcerrno.5):
 * per platform an errno table (NAME NUMBER) and an op table (LOCAL NUMBER
 * CANONICAL | -), and the pair rules.  Every problem is a diagnostic
 * "file:line: reason" (line 0: the file as a whole); a table set with any
 * diagnostic is not used.  tables_load() returns NULL only when out of
 * memory.  Within a platform, errs[] and ops[] keep file order: the first
 * name listed for a number is its canonical name.
 */
#define TC_ERRNO_MAX		4095	/* errno numbers are 1..4095 */
#define TC_OPNUM_MAX		32767	/* mt_op is a short */
#define TC_TABLE_LINE_MAX	1023	/* longer lines are an error */
#define TC_TABLE_FILE_MAX	(1024 * 1024)
struct tc_errent {
	char		 name[TC_NAME_MAX + 1];
	int		 num;
	int		 line;
};
struct tc_opent {
	char		 name[TC_NAME_MAX + 1];
	int		 local;
	int		 canon;		/* -1: the platform's op has no
					   canonical form */
	int		 line;
};
struct tc_platform {
	char		 id[TC_PLATFORM_MAX + 1];
	char		*errno_file;	/* NULL: none was found */
	char		*ops_file;
	struct tc_errent *errs;
	size_t		 nerrs;
	struct tc_opent	*ops;
	size_t		 nops;
	int		 unsupported;	/* errno for an op it cannot do */
	int		 unsupported_line;
	/* "status FLAG BITS": its MTIOCGET status word's bits (mt_gstat)
	   for each TC_ST_* flag, by bit index; 0: the platform has none */
	uint32_t	 gstat[TC_ST_NFLAGS];
	int		 gstat_line[TC_ST_NFLAGS];
	int		 fallback;	/* errno when nothing maps (EIO) */
};
struct tc_rule {
	char		 from[TC_PLATFORM_MAX + 1];	/* server, may be pattern */
	char		 to[TC_PLATFORM_MAX + 1];	/* client, may be pattern */
	enum tc_ctx	 ctx;
	char		 from_err[TC_NAME_MAX + 1];
	char		 to_err[TC_NAME_MAX + 1];
	char		*file;
	int		 line;
};
struct tc_diag {
	char		*file;
	int		 line;
	char		*msg;
};
struct tc_tables {
	char		*source;	/* directory, or "built-in" */
	struct tc_platform *plats;	/* sorted by id */
	size_t		 nplats;
	struct tc_rule	*rules;		/* file order */
	size_t		 nrules;
	struct tc_diag	*diags;		/* sorted by file, then line */
	size_t		 ndiags;
};
struct tc_tables *tables_load(const char *dir);
void	tables_free(struct tc_tables *);
int	tables_ok(const struct tc_tables *);
const char *tables_default_dir(void);
const struct tc_platform *tables_platform(const struct tc_tables *,
	    const char *);
const struct tc_errent *platform_errbyname(const struct tc_platform *,
	    const char *);
const struct tc_errent *platform_errbynum(const struct tc_platform *, int);
const struct tc_opent *platform_opbylocal(const struct tc_platform *, int);
const struct tc_opent *platform_opbycanon(const struct tc_platform *, int);
int	platform_has_gstat(const struct tc_platform *);
uint32_t platform_flags(const struct tc_platform *);
uint32_t platform_gstat(const struct tc_platform *, uint32_t flags);

/* tables_embed.c, generated from tables/ at build time */
struct tc_embedded {
	const char	*name;
	const char	*text;
	size_t		 len;
};
extern const struct tc_embedded tc_embedded_tables[];
extern const size_t tc_embedded_ntables;

/*
 * tcerrno.c -- map a server errno to the client's.  Same platform, or a
 * platform not in the tables: passed through.  Otherwise the first of: a
 * pair rule for this context, a pair rule for any context, the same
 * symbolic name, the client's EIO.  Among the rules of one tier the most
 * specific wins (exact id > os-* > *, the server side first), then the
 * earliest in file order.  Tables with diagnostics count as no tables.
 * Returns res->err.
 */
enum tcerrno_step {
	TCE_SAME,		/* same platform: passed through */
	TCE_UNKNOWN,		/* a platform unknown: passed through */
	TCE_RULE_CTX,		/* pair rule for this context */
	TCE_RULE_ANY,		/* pair rule for any context */
	TCE_NAME,		/* translated by symbolic name */
	TCE_FALLBACK,		/* nothing mapped: the client's EIO */
};
struct tcerrno_res {
	int		 err;
	const char	*name;		/* in the client's table, may be NULL */
	const char	*srv_name;	/* in the server's table, may be NULL */
	const char	*via;		/* TCE_NAME: the name both tables have */
	enum tcerrno_step step;
	const struct tc_rule *rule;	/* for TCE_RULE_* */
};
int	tcerrno(const struct tc_tables *, int err, const char *server,
	    const char *client, enum tc_ctx, struct tcerrno_res *);
const char *tcerrno_stepname(enum tcerrno_step);
/* The pair rule for err in exactly this context, or NULL (no fallbacks). */
const struct tc_rule *tcerrno_rule(const struct tc_tables *,
	    const struct tc_platform *server, const struct tc_platform *client,
	    int err, enum tc_ctx);

/* tls.c -- TLS 1.3 only, mutual authentication, shared by both sides */
struct ssl_ctx_st;
struct ssl_st;
struct tls_files {
	const char	*ca;
	const char	*cert;
	const char	*key;
};
#define TC_MAX_IDENTITIES	16
struct tls_ids {
	size_t		 n;
	char		 id[TC_MAX_IDENTITIES][TC_TEXT_MAX + 1];
};
struct ssl_ctx_st *tls_ctx_new(const struct tls_files *, int server,
	    char *, size_t);
int	tls_key_private(const char *, char *, size_t);
int	tls_peer_ids(struct ssl_st *, struct tls_ids *);
const char *tls_error(char *, size_t);

#endif /* TC_COMMON_H */
