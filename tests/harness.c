/*
 * harness.c -- test support for the end-to-end suites.  A daemon is a child
 * of the test process that dies with it (PR_SET_PDEATHSIG), so a failing
 * test never leaves a tclientd behind.
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/ssl.h>

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

/* A TCP connection to the daemon, nothing sent: a half-open client. */
int
th_tcp_open(const struct daemon *d)
{
	struct sockaddr_in sin;
	int		 fd;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)d->port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* TLS with dir's client certificate, trusting the daemon's CA. */
int
th_raw_open(struct th_raw *r, const struct daemon *d, const char *dir)
{
	struct tls_files f;
	char		 ca[PATH_MAX + 8], cert[PATH_MAX + 12], key[PATH_MAX + 12];
	char		 err[512];

	snprintf(ca, sizeof(ca), "%s/ca.pem", d->home);
	snprintf(cert, sizeof(cert), "%s/client.pem", dir ? dir : d->home);
	snprintf(key, sizeof(key), "%s/client.key", dir ? dir : d->home);
	f.ca = ca;
	f.cert = cert;
	f.key = key;
	memset(r, 0, sizeof(*r));
	if ((r->ctx = tls_ctx_new(&f, 0, err, sizeof(err))) == NULL) {
		fprintf(stderr, "th_raw_open: %s\n", err);
		return -1;
	}
	if ((r->fd = th_tcp_open(d)) == -1 || (r->ssl = SSL_new(r->ctx)) ==
	    NULL || !SSL_set_fd(r->ssl, r->fd) ||
	    !SSL_set1_host(r->ssl, "127.0.0.1") || SSL_connect(r->ssl) != 1) {
		fprintf(stderr, "th_raw_open: cannot connect: %s\n",
		    tls_error(err, sizeof(err)));
		th_raw_close(r);
		return -1;
	}
	return 0;
}

void
th_raw_close(struct th_raw *r)
{
	SSL_free(r->ssl);
	SSL_CTX_free(r->ctx);
	if (r->fd > 0)
		close(r->fd);
	memset(r, 0, sizeof(*r));
}

int
th_raw_send(struct th_raw *r, const void *p, size_t len)
{
	if (len == 0)
		return 0;
	return SSL_write(r->ssl, p, (int)len) == (int)len ? 0 : -1;
}

/* A frame with any header fields (len need not be plen), in one write. */
int
th_raw_frame(struct th_raw *r, uint32_t len, uint16_t type, uint16_t flags,
    uint32_t id, const void *p, size_t plen)
{
	struct tc_hdr	 h = { len, type, flags, id };
	uint8_t		*f;
	int		 ok;

	if ((f = malloc(TC_HDR_LEN + plen)) == NULL)
		return -1;
	proto_hdr_put(f, &h);
	if (plen > 0)
		memcpy(f + TC_HDR_LEN, p, plen);
	ok = th_raw_send(r, f, TC_HDR_LEN + plen);
	free(f);
	return ok;
}

int
th_raw_read(struct th_raw *r, void *p, size_t len)
{
	size_t	got = 0;
	int	n;

	while (got < len) {
		if ((n = SSL_read(r->ssl, (uint8_t *)p + got,
		    (int)(len - got))) <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

/* The next frame from the daemon, checked as a client checks it. */
int
th_raw_recv(struct th_raw *r, struct tc_hdr *h, uint8_t **payload)
{
	uint8_t		 hb[TC_HDR_LEN];
	const char	*err;

	*payload = NULL;
	if (th_raw_read(r, hb, sizeof(hb)) == -1)
		return -1;
	if (proto_hdr_get(hb, 1, h, &err) == -1) {
		fprintf(stderr, "th_raw_recv: %s\n", err);
		return -1;
	}
	if ((*payload = malloc(h->len + 1)) == NULL ||
	    th_raw_read(r, *payload, h->len) == -1) {
		free(*payload);
		*payload = NULL;
		return -1;
	}
	return 0;
}

/* Send a HELLO; if reply, 0 only when a HELLO reply comes back. */
int
th_raw_hello(struct th_raw *r, uint16_t vmin, uint16_t vmax,
    const char *platform, int reply)
{
	struct tc_hello	 h;
	struct tc_hdr	 rh;
	struct tcbuf	 b;
	uint8_t		*p;
	int		 ok;

	memset(&h, 0, sizeof(h));
	h.vmin = vmin;
	h.vmax = vmax;
	tc_strlcpy(h.platform, platform, sizeof(h.platform));
	tc_strlcpy(h.software, "tclient tests", sizeof(h.software));
	tcbuf_init(&b);
	proto_put_hello(&b, 1, &h, 0);
	ok = th_raw_send(r, b.data, b.len);
	tcbuf_free(&b);
	if (ok == -1 || !reply)
		return ok;
	if (th_raw_recv(r, &rh, &p) == -1)
		return -1;
	free(p);
	return rh.type == (TC_T_HELLO | TC_T_REPLY) ? 0 : -1;
}
