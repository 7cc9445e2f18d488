/*
 * tclientd.h -- the daemon: configuration, listener, sessions, drive
 * workers and the backends behind one interface.
 */
#ifndef TCLIENTD_H
#define TCLIENTD_H

#include <sys/queue.h>

#include <pthread.h>

#include "common.h"

#define TCLIENTD_CONF		"/etc/tclient/tclientd.conf"

/* Defaults for the limits (tclientd.conf.5). */
#define DEF_MAX_CONNECTIONS	256
#define DEF_HANDSHAKE_TIMEOUT	10		/* seconds */
#define DEF_IDLE_TIMEOUT	3600		/* seconds, 0 = none */
#define DEF_SESSION_MEMORY	(64u * 1024 * 1024)
#define DEF_VTAPE_CAPACITY	(1ull << 30)
#define DEF_VTAPE_EW		(4ull << 20)
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
	int		 handshake_timeout;
	int		 idle_timeout;
	uint64_t	 session_memory;
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
};

/* backend.c */
const struct backend_ops *backend_find(const char *);
const char *backend_names(void);

/* backend_vtape.c, backend_null.c */
extern const struct backend_ops backend_vtape;
extern const struct backend_ops backend_null;

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

#endif /* TCLIENTD_H */
