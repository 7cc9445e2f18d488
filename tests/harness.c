/*
 * harness.c -- test support for the end-to-end suites.  A daemon is a child
 * of the test process that dies with it (PR_SET_PDEATHSIG), so a failing
 * test never leaves a tclientd behind.
 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

char *
th_tmpdir(void)
{
	char	 tmpl[PATH_MAX];
	char	*base = getenv("TC_TESTBIN");

	snprintf(tmpl, sizeof(tmpl), "%s/tmp.XXXXXX", base ? base : "/tmp");
	if (mkdtemp(tmpl) == NULL) {
		perror(tmpl);
		abort();
	}
	return strdup(tmpl);
}

static int
rm1(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb; (void)flag; (void)f;
	return remove(path);
}

void
th_rmrf(const char *dir)
{
	if (dir != NULL)
		nftw(dir, rm1, 16, FTW_DEPTH | FTW_PHYS);
}

void
th_write_file(const char *path, const char *text)
{
	FILE	*fp = fopen(path, "w");

	if (fp == NULL || fputs(text, fp) == EOF || fclose(fp) == EOF) {
		perror(path);
		abort();
	}
}

char *
th_read_file(const char *path)
{
	FILE	*fp = fopen(path, "r");
	char	*buf;
	long	 n;

	if (fp == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = calloc(1, (size_t)n + 1);
	if (fread(buf, 1, (size_t)n, fp) != (size_t)n)
		n = 0;
	fclose(fp);
	return buf;
}

const char *
th_bin(const char *name)
{
	static char	 path[PATH_MAX];
	const char	*dir = getenv("TC_BINDIR");

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "bin", name);
	return path;
}

/*
 * Start tclientd -d on 127.0.0.1:0 with TCLIENT_HOME=home, with a config
 * file or the embedded default, and wait for the port it bound.
 */
int
th_daemon_start(struct daemon *d, const char *home, const char *conf)
{
	char		 portfile[PATH_MAX], *port, bin[PATH_MAX];
	int		 fd, status, i;

	memset(d, 0, sizeof(*d));
	snprintf(d->home, sizeof(d->home), "%s", home);
	snprintf(d->log, sizeof(d->log), "%s.log", home);
	snprintf(portfile, sizeof(portfile), "%s.port", home);
	snprintf(bin, sizeof(bin), "%s", th_bin("tclientd"));
	unlink(portfile);
	if ((d->pid = fork()) == -1)
		return -1;
	if (d->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		setenv("TCLIENT_HOME", home, 1);
		fd = open(d->log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		dup2(fd, 1);
		dup2(fd, 2);
		if (conf != NULL)
			execl(bin, "tclientd", "-d", "-v", "-l", "127.0.0.1:0",
			    "-P", portfile, "-f", conf, (char *)NULL);
		else
			execl(bin, "tclientd", "-d", "-v", "-l", "127.0.0.1:0",
			    "-P", portfile, (char *)NULL);
		perror(bin);
		_exit(127);
	}
	for (i = 0; i < 1000; i++) {
		if ((port = th_read_file(portfile)) != NULL && *port) {
			d->port = atoi(port);
			free(port);
			snprintf(d->server, sizeof(d->server), "127.0.0.1:%d",
			    d->port);
			return 0;
		}
		free(port);
		if (waitpid(d->pid, &status, WNOHANG) == d->pid) {
			d->pid = 0;
			return -1;
		}
		usleep(10000);
	}
	th_daemon_stop(d);
	return -1;
}

/* SIGTERM and wait: the daemon's exit status, or -1. */
int
th_daemon_stop(struct daemon *d)
{
	int	status, i;

	if (d->pid <= 0)
		return -1;
	kill(d->pid, SIGTERM);
	for (i = 0; i < 1000; i++) {
		if (waitpid(d->pid, &status, WNOHANG) == d->pid) {
			d->pid = 0;
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		}
		usleep(10000);
	}
	kill(d->pid, SIGKILL);
	waitpid(d->pid, &status, 0);
	d->pid = 0;
	return -1;
}

int
th_log_has(const struct daemon *d, const char *needle)
{
	char	*log = th_read_file(d->log);
	int	 found = log != NULL && strstr(log, needle) != NULL;

	free(log);
	return found;
}

int
th_log_wait(const struct daemon *d, const char *needle)
{
	int	i;

	for (i = 0; i < 500; i++) {
		if (th_log_has(d, needle))
			return 1;
		usleep(10000);
	}
	return 0;
}

/* A client with the certificates in home (default: the daemon's). */
struct tc_conn *
th_connect(const struct daemon *d, const char *home)
{
	struct tc_options	 o;
	struct tc_conn		*c;
	char			 err[600];

	memset(&o, 0, sizeof(o));
	o.server = d->server;
	o.home = home ? home : d->home;
	if (tc_connect(&o, &c, err, sizeof(err)) < 0) {
		fprintf(stderr, "connect: %s\n", err);
		return NULL;
	}
	return c;
}

/* Run a shell command; its exit status, and stdout+stderr in *out. */
int
th_run(const char *cmd, char **out)
{
	char	 full[8192], path[] = "/tmp/thrun.XXXXXX";
	int	 fd, st;

	if ((fd = mkstemp(path)) == -1)
		return -1;
	close(fd);
	snprintf(full, sizeof(full), "(%s) >%s 2>&1", cmd, path);
	st = system(full);
	if (out != NULL)
		*out = th_read_file(path);
	unlink(path);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/*
 * A config file in home with the embedded default's certificates (made by
 * starting the daemon once) and the given drive blocks; its path.
 */
char *
th_conf(const char *home, const char *drives)
{
	struct daemon	 d;
	char		 path[PATH_MAX], *text;
	size_t		 len;

	if (th_daemon_start(&d, home, NULL) != 0 || th_daemon_stop(&d) != 0)
		return NULL;
	len = strlen(drives) + 3 * strlen(home) + 200;
	text = malloc(len);
	snprintf(text, len, "ca %s/ca.pem\ncertificate %s/server.pem\n"
	    "key %s/server.key\n%s", home, home, home, drives);
	snprintf(path, sizeof(path), "%s/tclientd.conf", home);
	th_write_file(path, text);
	free(text);
	return strdup(path);
}

/* A connection with a given window (<0: lock-step). */
struct tc_conn *
th_connect_window(const struct daemon *d, int64_t window)
{
	struct tc_options	 o;
	struct tc_conn		*c;
	char			 err[600];

	memset(&o, 0, sizeof(o));
	o.server = d->server;
	o.home = d->home;
	o.window = window;
	if (tc_connect(&o, &c, err, sizeof(err)) < 0) {
		fprintf(stderr, "connect: %s\n", err);
		return NULL;
	}
	return c;
}

void
th_fill(uint8_t *p, size_t len, unsigned seed)
{
	size_t	i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(seed * 131 + i * 7 + (i >> 8));
}
