/*
 * tclientd.h -- the daemon: configuration, listener, sessions, drive
 * workers and the backends behind one interface.
 */
#ifndef TCLIENTD_H
#define TCLIENTD_H

#include <sys/queue.h>

#include <pthread.h>
#include <stdarg.h>

#include "common.h"

#ifndef TAILQ_FOREACH_SAFE	/* BSD queue.h has it, glibc's does not */
#define TAILQ_FOREACH_SAFE(var, head, field, tvar)			\
	for ((var) = TAILQ_FIRST(head);					\
	    (var) != NULL && ((tvar) = TAILQ_NEXT(var, field), 1);	\
	    (var) = (tvar))
#endif

/* Defaults for the limits (tclientd.conf.5). */
#define DEF_MAX_CONNECTIONS	256
#define DEF_HANDSHAKE_TIMEOUT	10		/* seconds */
#define DEF_IDLE_TIMEOUT	3600		/* seconds, 0 = none */
#define MAX_EVENT_LOOPS		64
#define DEF_SESSION_MEMORY	(64u * 1024 * 1024)
#define DEF_VTAPE_CAPACITY	(1ull << 30)
#define DEF_VTAPE_EW		(32ull << 20)
#define DEF_MAX_BLOCK		0xffffffu	/* SSC READ BLOCK LIMITS max */
#define DEFAULT_CLIENT_ID	"local-client"	/* CN of the embedded default client */

struct acl_ent {
	char		 identity[TC_TEXT_MAX + 1];
	int		 access;	/* TC_ACCESS_RO or TC_ACCESS_RW */
	int		 line;
};

struct drive_conf {
	char		 name[TC_NAME_MAX + 1];
	char		 backend[TC_NAME_MAX + 1];
	char		*path;		/* cartridge file or device */
	uint64_t	 capacity;	/* vtape: bytes of medium */
	uint64_t	 early_warning;	/* vtape: early-warning zone size */
	int		 write_protect;	/* vtape: the cartridge's tab */
	uint32_t	 min_block;	/* block limits the drive reports */
	uint32_t	 max_block;
	uint32_t	 density;	/* density code the drive reports */
	uint64_t	 fail_write_at;	/* vtape: inject EIO on this write
					   number (1-based), 0 = never */
	char		*hold_write;	/* vtape: writes wait while this
					   file exists (tests), or NULL */
	struct acl_ent	*acl;
	size_t		 nacl;
	int		 line;
};

struct config {
	char		*file;		/* NULL for the embedded default */
	char		 listen[300];	/* host:port */
	char		*ca;
	char		*cert;
	char		*key;
	char		*tables;	/* NULL: the built-in tables */
	char		*state_dir;	/* embedded default: $TCLIENT_HOME */
	int		 max_connections;
	int		 event_loops;	/* 0: one per online CPU */
	int		 handshake_timeout;
	int		 idle_timeout;
	uint64_t	 session_memory;
	uint32_t	 max_record;	/* largest WRITE frame and READ count */
	struct drive_conf *drives;
	size_t		 ndrives;
};

/*
 * Backends: one interface every drive type implements.  The state made by
 * new() lives as long as the daemon (a drive keeps its position between
 * sessions, as a real one does); all other calls come from the drive's
 * worker thread, one at a time.  Errors are negative errno values from the
 * drive host, as its own tape driver would give them.
 */
struct backend_ops {
	const char	*name;
	int	(*check)(const struct drive_conf *, char *, size_t);
	void	*(*new)(const struct drive_conf *, char *, size_t);
	int	(*open)(void *, int flags);		/* TC_OPEN_* */
	int	(*close)(void *);
	ssize_t	(*read)(void *, void *, size_t);
	ssize_t	(*write)(void *, const void *, size_t);
	int	(*op)(void *, int canon_op, int64_t count, int64_t *result);
	int	(*status)(void *, struct tc_status *);
	int	(*position)(void *, uint64_t *);
	void	(*free)(void *);
	/*
	 * Optional, for read-ahead: save() snapshots where the tape is and
	 * everything the driver keeps about it; restore() puts the drive
	 * back exactly there (positions, filemark and end-of-data state);
	 * forget() frees a snapshot.  Without them a drive is never read
	 * ahead of its client.
	 */
	void	*(*save)(void *);
	int	(*restore)(void *, const void *);
	void	(*forget)(void *);
};

/* backend.c */
const struct backend_ops *backend_find(const char *);
const char *backend_names(void);

/* backend_vtape.c, backend_null.c, backend_st.c */
extern const struct backend_ops backend_vtape;
extern const struct backend_ops backend_null;
extern const struct backend_ops backend_st;

/* backend_st.c */
struct mtget;
int	st_block_limits(const uint8_t *, size_t, uint32_t *, uint32_t *);
void	st_mtget_status(const struct mtget *, struct tc_status *);

/*
 * config.c -- the configuration in memory (tclientd.conf.5): defaults, the
 * embedded default, paths, the access check.  Paths stored are absolute.
 */
struct config *config_default(const char *home, const char *listen,
	    char *, size_t);
void	config_free(struct config *);
int	acl_access(const struct drive_conf *, const struct tls_ids *);
struct config *config_new(void);
struct drive_conf *config_add_drive(struct config *, const char *name);
int	config_add_acl(struct drive_conf *, const char *, int, int);
int	config_set_listen(struct config *, const char *, const char **);
char	*config_path(const char *dir, const char *);
char	*config_dir(const char *file);

/*
 * lex.c -- the tokenizer and diagnostics under parse.c: a line of words,
 * "quoted strings" and braces at a time; errors kept, then reported in
 * line order as "file:line: reason".
 */
enum lex_type { LEX_WORD, LEX_OPEN, LEX_CLOSE };
struct lex_token {
	enum lex_type	 type;
	char		*s;		/* LEX_WORD only */
};
struct lex_diag;
struct lex {
	const char	*file;
	char		*text;		/* the whole file */
	size_t		 len;
	size_t		 pos;		/* where the next line starts */
	int		 line;
	struct lex_token *tok;		/* the current line's */
	size_t		 ntok;
	size_t		 tokcap;
	struct lex_diag	*diags;
	size_t		 ndiags;
	int		 stop;		/* too many errors, or syserr */
	int		 syserr;	/* errno of an open, read or malloc */
};
int	lex_open(struct lex *, const char *file);
int	lex_next(struct lex *);
void	lex_error(struct lex *, int line, const char *, ...) TC_PRINTF(3, 4);
void	lex_nomem(struct lex *);
size_t	lex_close(struct lex *, int (*report)(const char *));
const char *lex_tokstr(const struct lex_token *);
int	lex_num(struct lex *, const char *what, const char *, long long,
	    long long, long long *);
int	lex_size(struct lex *, const char *what, const char *, uint64_t,
	    uint64_t, uint64_t *);
const char *lex_fmtsize(uint64_t, char *, size_t);
int	lex_distance(const char *, const char *);

/*
 * parse.c -- reads a configuration file.  Every mistake goes to report
 * (log_warnx when NULL; its return value is ignored) as "file:line:
 * reason", in line order; any mistake and the result is NULL.
 */
struct config *config_load(const char *file, int (*report)(const char *));

/* pki.c */
int	pki_ensure(const char *home, char *, size_t);
int	pki_issue_client(const char *home, const char *cn, const char *dir,
	    char *, size_t);

/*
 * Runtime state.  Each session belongs to one event loop (struct loop) and
 * only that loop's thread touches it; what the loops share is in struct
 * server, under its locks.  Each open drive has a worker thread that owns
 * the backend and runs that drive's jobs in order.
 */
#define TC_MAX_AHEAD		256	/* reads a client may have ahead */

struct session;
struct job;
struct evbuffer;
struct bufferevent;
struct event;

TAILQ_HEAD(jobq, job);

struct drive {
	struct server		*srv;
	struct drive_conf	*conf;
	const struct backend_ops *be;
	void			*bstate;
	struct session		*owner;		/* NULL when free */
	pthread_t		 thread;
	int			 running;	/* worker thread exists */
	int			 accepting;	/* worker takes more jobs */
	/* the worker's alone: reads done ahead, writes done behind */
	struct ahead {
		uint32_t	 id;
		void		*snap;		/* the drive before that read */
	}			 ahead[TC_MAX_AHEAD];
	size_t			 nahead;
	int			 ahead_stopped;	/* a mark or error ended it */
	int			 behind_failed;	/* skip writes until synced */
	pthread_mutex_t		 mtx;
	pthread_cond_t		 cv;
	struct jobq		 queue;
	int			 waiting;	/* the worker sleeps on cv */
};

enum job_kind {
	JOB_OPEN, JOB_CLOSE, JOB_READ, JOB_WRITE, JOB_OP, JOB_STATUS,
	JOB_POSITION, JOB_SYNC,
};

struct job {
	TAILQ_ENTRY(job)	 entry;
	enum job_kind		 kind;
	struct session		*sess;		/* reply goes here, if alive */
	struct drive		*drive;
	uint32_t		 id;
	uint32_t		 flags;		/* JOB_OPEN: TC_OPEN_* */
	uint16_t		 fflags;	/* the request's TC_F_* */
	uint32_t		 consumed;	/* JOB_SYNC: last read taken */
	uint32_t		 count;		/* JOB_READ: buffer size */
	struct tc_op_req	 op;
	uint8_t			*data;		/* write payload or read reply */
	size_t			 len;
	size_t			 charge;	/* bytes counted against the
						   session's memory */
	/* results */
	int			 err;		/* errno from the drive, or 0 */
	int			 drained;	/* never ran: the drive closed */
	uint16_t		 rflags;	/* the reply's TC_F_* */
	ssize_t			 n;
	int64_t			 result;
	uint64_t		 pos;
	struct tc_status	 status;
};

/*
 * An event loop with its own thread (the first one is the main thread's,
 * which also accepts connections and takes signals).  A session lives on
 * one loop from accept to free and only that loop's thread touches it, so
 * many sessions decrypt and frame on all CPUs at once.  What sessions share
 * goes through struct server's locks.
 */
struct pending_conn;
TAILQ_HEAD(connq, pending_conn);

struct loop {
	struct server		*srv;
	struct event_base	*base;
	pthread_t		 thread;
	int			 index;
	struct event		*ev_done;	/* worker completions */
	struct event		*ev_inbox;	/* new connections, stop */
	pthread_mutex_t		 mtx;		/* done, inbox, stop */
	struct jobq		 done;
	struct connq		 inbox;
	int			 stop;		/* end every session */
	TAILQ_HEAD(, session)	 sessions;	/* this loop's only */
};

struct server {
	struct event_base	*base;		/* the main loop's */
	struct config		*conf;
	struct tc_tables	*tables;	/* under tables_lock */
	struct ssl_ctx_st	*ssl_ctx;
	struct evconnlistener	*listener;
	struct event		*ev_accept;	/* EMFILE back-off */
	struct event		*ev_trim;	/* heap back when idle */
	struct event		*ev_sig[4];
	struct loop		*loops;
	int			 nloops;
	int			 next_loop;	/* round robin */
	/*
	 * mtx guards the session count, stopping and the drives' owner and
	 * running; tables_lock the errno tables and the access lists,
	 * which SIGHUP replaces while the loops read them.
	 */
	pthread_mutex_t		 mtx;
	pthread_rwlock_t	 tables_lock;
	int			 nsessions;
	struct drive		*drives;
	size_t			 ndrives;
	const char		*platform;	/* announced in HELLO */
	const char		*drive_platform;	/* this host's: whose
						   errno the drives give */
	char			*conffile;	/* NULL: embedded default */
	int			 stopping;
};

/* loop.c */
int	loops_start(struct server *, int);
void	loops_join(struct server *);
void	loops_free(struct server *);
void	loop_hand(struct server *, int fd, const char *peer);
void	loops_stop(struct server *);
void	loops_exit(struct server *);
void	loop_post_done(struct loop *, struct jobq *);

/* errmap.c */
const char *server_platform(const char **);
int	server_errno(const struct server *, int, const char *, enum tc_ctx,
	    struct tcerrno_res *);

/* server.c */
int	server_listen(struct server *, char *, size_t);
int	server_start(struct server *, int);
struct tc_tables *server_load_tables(const char *);
int	server_bound_port(int);
void	server_reload(struct server *);
void	server_stop(struct server *);
void	server_maybe_exit(struct server *);
void	server_session_gone(struct server *);
int	server_access(struct server *, struct drive *, const struct tls_ids *);
struct drive *server_drive(struct server *, const char *);

enum sess_state { S_HANDSHAKE, S_HELLO, S_READY, S_GOAWAY, S_CLOSED };

struct session {
	TAILQ_ENTRY(session)	 entry;		/* on loop->sessions */
	struct server		*srv;
	struct loop		*loop;
	struct bufferevent	*bev;
	struct ssl_st		*ssl;
	struct event		*timer;
	enum sess_state		 state;
	char			 peer[128];
	struct tls_ids		 ids;
	char			 platform[TC_PLATFORM_MAX + 1];
	struct drive		*drive;		/* open drive, if any */
	int			 access;	/* granted on the open drive */
	int			 refs;		/* jobs out, +1 while alive */
	size_t			 inflight;	/* bytes held by those jobs */
	int			 paused;	/* not reading: memory bound */
	char			 goaway[TC_TEXT_MAX + 1];	/* why */
};

/* session.c */
void	session_accept(struct loop *, int fd, const char *peer);
void	session_stop(struct session *);
void	session_close(struct session *, const char *, ...)
	    TC_PRINTF(2, 3);
void	session_goaway(struct session *, uint32_t, const char *, ...)
	    TC_PRINTF(3, 4);
void	send_buf(struct session *, struct tcbuf *);
void	send_error(struct session *, uint32_t, enum tc_ctx, int,
	    const char *, ...) TC_PRINTF(5, 6);
void	session_submit(struct session *, struct job *);
void	session_ready(struct session *);
void	session_free(struct session *);
void	check_pressure(struct session *);
const char *session_who(struct session *);
struct bufferevent;
void	session_read(struct bufferevent *, void *);

/* dispatch.c */
void	session_frame(struct session *, const struct tc_hdr *,
	    struct evbuffer *);
void	session_done(struct job *);

/* drive.c */
int	drive_init(struct server *, struct drive *, struct drive_conf *,
	    char *, size_t);
int	drive_start(struct drive *, struct session *, char *, size_t);
void	drive_submit(struct drive *, struct job *);
void	drive_release(struct drive *);
void	drive_done_cb(int, short, void *);
struct job *job_new(enum job_kind, struct session *, struct drive *,
	    uint32_t);
void	job_free(struct job *);

#endif /* TCLIENTD_H */
