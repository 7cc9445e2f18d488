/*
 * client.c -- libtclient's connection: find the server and certificates,
 * TCP and TLS, HELLO, and one request/reply exchange at a time.
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "common.h"
#include "client.h"

int
tc_fail(struct tc_conn *c, int code, int err, const char *fmt, ...)
{
	va_list	ap;

	if (c != NULL) {
		va_start(ap, fmt);
		vsnprintf(c->errmsg, sizeof(c->errmsg), fmt, ap);
		va_end(ap);
		/* only a broken connection ends the session */
		if (code == TC_ERR_PROTOCOL || code == TC_ERR_TLS ||
		    code == TC_ERR_CONNECT || code == TC_ERR_SYSTEM)
			c->dead = 1;
	}
	errno = err;
	return code;
}

static int
resolve_server(const struct tc_options *o, const char *home, char *buf,
    size_t len)
{
	const char	*env;
	char		 path[PATH_MAX];
	FILE		*fp;

	if (o->server != NULL && *o->server != '\0')
		return tc_strlcpy(buf, o->server, len) < len ? 0 : -1;
	if ((env = getenv("TCLIENT_SERVER")) != NULL && *env != '\0')
		return tc_strlcpy(buf, env, len) < len ? 0 : -1;
	if (tc_path(path, sizeof(path), home, "server") == 0 &&
	    (fp = fopen(path, "r")) != NULL) {
		if (fgets(buf, (int)len, fp) != NULL) {
			buf[strcspn(buf, " \t\r\n")] = '\0';
			fclose(fp);
			if (*buf != '\0')
				return 0;
		} else
			fclose(fp);
	}
	snprintf(buf, len, "127.0.0.1:%d", TC_DEFAULT_PORT);
	return 0;
}

static int
tcp_connect(struct tc_conn *c, const char *host, uint16_t port, int ms)
{
	struct addrinfo	 hints, *res, *ai;
	struct pollfd	 pfd;
	char		 ps[8];
	int		 fd = -1, r, e = ECONNREFUSED, one = 1;
	socklen_t	 elen = sizeof(e);

	snprintf(ps, sizeof(ps), "%u", port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((r = getaddrinfo(host, ps, &hints, &res)) != 0)
		return tc_fail(c, TC_ERR_CONNECT, EHOSTUNREACH,
		    "cannot resolve %s: %s", host, gai_strerror(r));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, 0);
		if (fd == -1) {
			e = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno == EINPROGRESS) {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			if (poll(&pfd, 1, ms) == 1 && getsockopt(fd, SOL_SOCKET,
			    SO_ERROR, &e, &elen) == 0 && e == 0)
				break;
			if (e == 0)
				e = ETIMEDOUT;
		} else
			e = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1)
		return tc_fail(c, TC_ERR_CONNECT, e, "cannot connect to %s:%u: "
		    "%s; is tclientd running there?", host, port, strerror(e));
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->fd = fd;
	return 0;
}

static void
set_timeouts(int fd, int ms)
{
	struct timeval	tv = { ms / 1000, (ms % 1000) * 1000 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static int
tls_connect(struct tc_conn *c, const char *host, const struct tls_files *f)
{
	char		 err[512];
	unsigned char	 addr[16];
	long		 vr;

	if ((c->ctx = tls_ctx_new(f, 0, err, sizeof(err))) == NULL)
		return tc_fail(c, TC_ERR_CONFIG, ENOENT, "%s", err);
	if ((c->ssl = SSL_new(c->ctx)) == NULL || !SSL_set_fd(c->ssl, c->fd))
		return tc_fail(c, TC_ERR_NOMEM, ENOMEM, "out of memory");
	/* the server must be who we asked for */
	if (inet_pton(AF_INET, host, addr) == 1 ||
	    inet_pton(AF_INET6, host, addr) == 1)
		X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), host);
	else {
		SSL_set_tlsext_host_name(c->ssl, host);
		SSL_set1_host(c->ssl, host);
	}
	if (SSL_connect(c->ssl) != 1) {
		vr = SSL_get_verify_result(c->ssl);
		if (vr != X509_V_OK)
			return tc_fail(c, TC_ERR_TLS, EACCES, "TLS with %s "
			    "failed: server certificate: %s", host,
			    X509_verify_cert_error_string(vr));
		tls_error(err, sizeof(err));
		return tc_fail(c, TC_ERR_TLS, EPROTO, "TLS with %s failed: %s%s",
		    host, err, strstr(err, "alert") ? " (the server refused "
		    "this client's certificate; see the tclientd log)" : "");
	}
	return 0;
}

/* How far ahead of the caller records may travel. */
static int
set_window(struct tc_conn *c, const struct tc_options *o)
{
	const char	*env = getenv("TCLIENT_WINDOW"), *err;
	uint64_t	 v;

	if (o->window < 0)
		c->window = 0;
	else if (o->window > 0)
		c->window = (size_t)o->window;
	else if (env != NULL && *env != '\0') {
		if (tc_parse_size(env, 1u << 30, &v, &err) == -1)
			return tc_fail(c, TC_ERR_CONFIG, EINVAL, "TCLIENT_WINDOW="
			    "%s: %s (a size up to 1G; 0 for none)", env, err);
		c->window = (size_t)v;
	} else
		c->window = TC_WINDOW;
	return 0;
}

/* Defaults for everything the caller left out. */
static int
setup(struct tc_conn *c, const struct tc_options *o, char *server,
    size_t slen, struct tls_files *f, char paths[3][PATH_MAX])
{
	char		 home[PATH_MAX];
	const char	*env;
	int		 r;

	if (o->home != NULL)
		tc_strlcpy(home, o->home, sizeof(home));
	else if (tc_home(home, sizeof(home)) == -1)
		return tc_fail(c, TC_ERR_CONFIG, ENOENT, "cannot find the "
		    "home directory: set TCLIENT_HOME");
	if (resolve_server(o, home, server, slen) == -1)
		return tc_fail(c, TC_ERR_CONFIG, EINVAL, "server address too "
		    "long");
	if (tc_path(paths[0], PATH_MAX, home, "ca.pem") == -1 ||
	    tc_path(paths[1], PATH_MAX, home, "client.pem") == -1 ||
	    tc_path(paths[2], PATH_MAX, home, "client.key") == -1)
		return tc_fail(c, TC_ERR_CONFIG, ENAMETOOLONG, "home directory "
		    "name too long");
	f->ca = o->ca ? o->ca : paths[0];
	f->cert = o->cert ? o->cert : paths[1];
	f->key = o->key ? o->key : paths[2];
	if ((r = set_window(c, o)) < 0)
		return r;
	env = getenv("TCLIENT_PLATFORM");
	tc_strlcpy(c->platform, o->platform ? o->platform : env && *env ?
	    env : platform_local(), sizeof(c->platform));
	return client_tables(c);
}

static int
hello(struct tc_conn *c)
{
	struct tc_hello	 h;
	const char	*err;
	char		 why[sizeof(c->errmsg)];
	int		 r;

	memset(&h, 0, sizeof(h));
	h.vmin = h.vmax = TC_PROTO_VERSION;
	h.features = c->window > 0 ? TC_FEAT_ALL : 0;
	tc_strlcpy(h.platform, c->platform, sizeof(h.platform));
	snprintf(h.software, sizeof(h.software), "libtclient %s", TC_VERSION);
	tcbuf_reset(&c->out);
	proto_put_hello(&c->out, c->next_id, &h, 0);
	/*
	 * TLS 1.3 lets the handshake finish before the server has checked
	 * this client's certificate: a refusal shows up here, as an alert
	 * or as a reset, before the server ever answers.
	 */
	if ((r = client_call(c, TC_T_HELLO, NULL, 0, NULL, 0, NULL)) < 0) {
		if (r != TC_ERR_PROTOCOL || c->frames != 0)
			return r;
		tc_strlcpy(why, c->errmsg, sizeof(why));
		return tc_fail(c, TC_ERR_TLS, EACCES, "TLS with %s failed: the "
		    "server dropped the connection (%s); it most likely "
		    "refused this client's certificate: see the tclientd log",
		    c->server, why);
	}
	if (proto_get_hello(c->in, c->inlen, &h, 1, &err) == -1)
		return tc_fail(c, TC_ERR_PROTOCOL, EPROTO, "bad HELLO from "
		    "the server: %s", err);
	tc_strlcpy(c->srv_platform, h.platform, sizeof(c->srv_platform));
	c->features = h.features & TC_FEAT_ALL;
	tc_strlcpy(c->identity, h.identity, sizeof(c->identity));
	return 0;
}

int
tc_connect(const struct tc_options *opt, struct tc_conn **out, char *errbuf,
    size_t errlen)
{
	static const struct tc_options none;
	struct tc_conn	*c;
	struct tls_files f;
	char		 server[300], host[256], paths[3][PATH_MAX];
	uint16_t	 port = TC_DEFAULT_PORT;
	const char	*e;
	int		 r, ms;

	*out = NULL;
	if (opt == NULL)
		opt = &none;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		if (errbuf != NULL)
			tc_strlcpy(errbuf, "out of memory", errlen);
		return tc_fail(NULL, TC_ERR_NOMEM, ENOMEM, NULL);
	}
	c->fd = -1;
	c->next_id = 1;
	tcbuf_init(&c->out);
	ms = opt->timeout_ms > 0 ? opt->timeout_ms : 10000;
	if ((r = setup(c, opt, server, sizeof(server), &f, paths)) == 0) {
		if (tc_parse_hostport(server, host, sizeof(host), &port,
		    &e) == -1)
			r = tc_fail(c, TC_ERR_CONFIG, EINVAL, "server %s: %s",
			    server, e);
		else {
			snprintf(c->server, sizeof(c->server), "%s:%u", host,
			    port);
			if ((r = tcp_connect(c, host, port, ms)) == 0) {
				set_timeouts(c->fd, ms);
				if ((r = tls_connect(c, host, &f)) == 0)
					r = hello(c);
				set_timeouts(c->fd, 0);
			}
		}
	}
	if (r < 0) {
		if (errbuf != NULL)
			tc_strlcpy(errbuf, c->errmsg, errlen);
		e = NULL;
		tc_disconnect(c);
		errno = r == TC_ERR_NOMEM ? ENOMEM : errno;
		return r;
	}
	*out = c;
	return 0;
}

void
tc_disconnect(struct tc_conn *c)
{
	int	saved = errno;

	if (c == NULL)
		return;
	if (c->drive_open && !c->dead)
		(void)tc_close(c);
	if (c->ssl != NULL) {
		if (!c->dead)
			SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
	}
	SSL_CTX_free(c->ctx);
	if (c->fd != -1)
		close(c->fd);
	tcbuf_free(&c->out);
	free(c->in);
	free(c);
	errno = saved;
}
