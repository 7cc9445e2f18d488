/*
 * harness.h -- test support: temporary directories, a tclientd started on
 * port 0 for one test and always stopped, and connections to it.
 */
#ifndef TC_HARNESS_H
#define TC_HARNESS_H

#include <limits.h>
#include <sys/types.h>

#include "tclient.h"

struct daemon {
	pid_t	pid;
	int	port;
	char	home[PATH_MAX];		/* its TCLIENT_HOME (embedded default) */
	char	log[PATH_MAX];
	char	server[64];		/* 127.0.0.1:port */
};

char	*th_tmpdir(void);
void	 th_rmrf(const char *);
void	 th_write_file(const char *path, const char *text);
char	*th_read_file(const char *path);
const char *th_bin(const char *name);
int	 th_daemon_start(struct daemon *, const char *home, const char *conf);
int	 th_daemon_stop(struct daemon *);
int	 th_log_has(const struct daemon *, const char *needle);
/* The same, waiting up to 5 s for the daemon to write it. */
int	 th_log_wait(const struct daemon *, const char *needle);
struct tc_conn *th_connect(const struct daemon *, const char *home);
int	 th_run(const char *cmd, char **out);
char	*th_conf(const char *home, const char *drives);
struct tc_conn *th_connect_window(const struct daemon *, int64_t);
/* A record whose bytes say which record it is. */
void	 th_fill(uint8_t *, size_t, unsigned seed);

/*
 * Raw connections, for tests of what a broken or hostile peer sends: TCP
 * only (a half-open connection), or TLS with the client certificate in a
 * directory (client.pem, client.key) and no protocol yet.  0 or -1.
 */
#include "common.h"
struct th_raw {
	int			 fd;
	struct ssl_ctx_st	*ctx;
	struct ssl_st		*ssl;
};
int	 th_tcp_open(const struct daemon *);
int	 th_raw_open(struct th_raw *, const struct daemon *, const char *dir);
void	 th_raw_close(struct th_raw *);
int	 th_raw_send(struct th_raw *, const void *, size_t);
int	 th_raw_frame(struct th_raw *, uint32_t len, uint16_t type,
	    uint16_t flags, uint32_t id, const void *, size_t);
int	 th_raw_read(struct th_raw *, void *, size_t);
int	 th_raw_recv(struct th_raw *, struct tc_hdr *, uint8_t **);
int	 th_raw_hello(struct th_raw *, uint16_t vmin, uint16_t vmax,
	    const char *platform, int reply);

#endif
