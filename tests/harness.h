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

#endif
