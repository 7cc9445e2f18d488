/*
 * server.c -- the listener (with back-off when out of descriptors), SIGHUP
 * reload of ACLs and tables, and an orderly stop that closes every drive
 * as its session's close(2) would.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <errno.h>
#include <malloc.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "tclientd.h"

static void	trim_cb(int, short, void *);

struct drive *
server_drive(struct server *srv, const char *name)
{
	size_t	i;

	for (i = 0; i < srv->ndrives; i++)
		if (strcmp(srv->drives[i].conf->name, name) == 0)
			return &srv->drives[i];
	return NULL;
}

static void
peer_name(const struct sockaddr *sa, char *buf, size_t len)
{
	char	host[INET6_ADDRSTRLEN], port[8];

	if (getnameinfo(sa, sa->sa_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in), host,
	    sizeof(host), port, sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV))
		tc_strlcpy(buf, "unknown peer", len);
	else if (sa->sa_family == AF_INET6)
		snprintf(buf, len, "[%s]:%s", host, port);
	else
		snprintf(buf, len, "%s:%s", host, port);
}

static void
accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	struct server	*srv = arg;
	char		 peer[128];
	int		 one = 1, n;

	peer_name(sa, peer, sizeof(peer));
	pthread_mutex_lock(&srv->mtx);
	if (srv->stopping) {
		pthread_mutex_unlock(&srv->mtx);
		evutil_closesocket(fd);
		return;
	}
	if ((n = srv->nsessions) >= srv->conf->max_connections) {
		pthread_mutex_unlock(&srv->mtx);
		log_warnx("%s: refused: %d connections already (max-connections)",
		    peer, n);
		evutil_closesocket(fd);
		return;
	}
	srv->nsessions++;	/* counted from here until session_close */
	pthread_mutex_unlock(&srv->mtx);
	evutil_make_socket_nonblocking(fd);
	/* replies are whole frames: send them now, not after an ACK */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	loop_hand(srv, fd, peer);
}

/* A counted connection is gone (session_close, or refused on the way). */
void
server_session_gone(struct server *srv)
{
	struct timeval	tv = { 2, 0 };
	int		idle;

	pthread_mutex_lock(&srv->mtx);
	idle = --srv->nsessions == 0;
	pthread_mutex_unlock(&srv->mtx);
	if (idle && srv->ev_trim != NULL)
		evtimer_add(srv->ev_trim, &tv);
	server_maybe_exit(srv);
}

/*
 * Two seconds after the last session left (its records have come back
 * from the drive by then): give the heap the streams left behind back to
 * the system.  Each loop's malloc arena keeps up to its trim threshold
 * otherwise, for as long as the daemon runs.
 */
static void
trim_cb(int fd, short ev, void *arg)
{
	struct server	*srv = arg;
	int		 idle;

	pthread_mutex_lock(&srv->mtx);
	idle = srv->nsessions == 0;
	pthread_mutex_unlock(&srv->mtx);
	if (idle)
		malloc_trim(0);
}

static void
accept_resume(int fd, short ev, void *arg)
{
	struct server	*srv = arg;

	if (srv->listener != NULL)
		evconnlistener_enable(srv->listener);
}

/* Out of descriptors: stop accepting for a second instead of spinning. */
static void
accept_error_cb(struct evconnlistener *l, void *arg)
{
	struct server	*srv = arg;
	struct timeval	 tv = { 1, 0 };
	int		 e = EVUTIL_SOCKET_ERROR();

	if (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM) {
		log_warnx("accept: %s; pausing accepts for 1 s", strerror(e));
		evconnlistener_disable(l);
		evtimer_add(srv->ev_accept, &tv);
	} else
		log_warnx("accept: %s", strerror(e));
}

int
server_listen(struct server *srv, char *err, size_t errlen)
{
	struct addrinfo	 hints, *res;
	char		 host[256], portstr[8];
	uint16_t	 port = TC_DEFAULT_PORT;
	const char	*e;
	int		 fd, r, one = 1;

	if (tc_parse_hostport(srv->conf->listen, host, sizeof(host), &port,
	    &e) == -1) {
		snprintf(err, errlen, "listen %s: %s", srv->conf->listen, e);
		return -1;
	}
	snprintf(portstr, sizeof(portstr), "%u", port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	if ((r = getaddrinfo(strcmp(host, "*") ? host : NULL, portstr, &hints,
	    &res)) != 0) {
		snprintf(err, errlen, "listen %s: %s", srv->conf->listen,
		    gai_strerror(r));
		return -1;
	}
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0);
	if (fd == -1 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)) == -1 || bind(fd, res->ai_addr, res->ai_addrlen) ==
	    -1 || listen(fd, 128) == -1) {
		snprintf(err, errlen, "listen %s: %s", srv->conf->listen,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		freeaddrinfo(res);
		return -1;
	}
	freeaddrinfo(res);
	return fd;
}

/* The port actually bound (useful with port 0). */
int
server_bound_port(int fd)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return -1;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

int
server_start(struct server *srv, int fd)
{
	srv->listener = evconnlistener_new(srv->base, accept_cb, srv,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, -1, fd);
	if (srv->listener == NULL)
		return -1;
	evconnlistener_set_error_cb(srv->listener, accept_error_cb);
	if ((srv->ev_accept = evtimer_new(srv->base, accept_resume, srv)) ==
	    NULL ||
	    (srv->ev_trim = evtimer_new(srv->base, trim_cb, srv)) == NULL)
		return -1;
	return 0;
}

static int
print_diag(const char *line)
{
	log_warnx("%s", line);
	return 0;
}

static void
reload_acls(struct server *srv)
{
	struct config	*nc;
	size_t		 i, k;

	if ((nc = config_load(srv->conffile, print_diag)) == NULL) {
		log_warnx("reload: %s has errors; the running configuration "
		    "stays in force", srv->conffile);
		return;
	}
	for (i = 0; i < nc->ndrives; i++) {
		struct drive_conf	*ndc = &nc->drives[i];
		struct drive		*d = server_drive(srv, ndc->name);

		if (d == NULL) {
			log_warnx("reload: drive %s is new; restart tclientd "
			    "to serve it", ndc->name);
			continue;
		}
		/* the ACL moves over; the rest needs a restart */
		pthread_rwlock_wrlock(&srv->tables_lock);
		free(d->conf->acl);
		d->conf->acl = ndc->acl;
		d->conf->nacl = ndc->nacl;
		pthread_rwlock_unlock(&srv->tables_lock);
		ndc->acl = NULL;
		ndc->nacl = 0;
	}
	for (i = 0; i < srv->ndrives; i++) {
		for (k = 0; k < nc->ndrives; k++)
			if (strcmp(nc->drives[k].name,
			    srv->drives[i].conf->name) == 0)
				break;
		if (k < nc->ndrives)
			continue;
		/* nobody new gets in; a session holding it keeps it */
		pthread_rwlock_wrlock(&srv->tables_lock);
		free(srv->drives[i].conf->acl);
		srv->drives[i].conf->acl = NULL;
		srv->drives[i].conf->nacl = 0;
		pthread_rwlock_unlock(&srv->tables_lock);
		log_warnx("reload: drive %s is gone from %s; no new sessions "
		    "may open it; restart tclientd to drop it",
		    srv->drives[i].conf->name, srv->conffile);
	}
	config_free(nc);
	log_info("reload: access lists updated from %s", srv->conffile);
}

struct tc_tables *
server_load_tables(const char *dir)
{
	struct tc_tables *t;
	size_t		 i;

	if ((t = tables_load(dir)) == NULL)
		return NULL;
	for (i = 0; i < t->ndiags; i++)
		log_warnx("%s:%d: %s", t->diags[i].file, t->diags[i].line,
		    t->diags[i].msg);
	if (!tables_ok(t)) {
		tables_free(t);
		return NULL;
	}
	return t;
}

/* SIGHUP: new ACLs and tables, all or nothing for each. */
void
server_reload(struct server *srv)
{
	struct tc_tables *t;
	const char	*dir;

	if (srv->conffile != NULL)
		reload_acls(srv);
	dir = srv->conf->tables ? srv->conf->tables : tables_default_dir();
	if ((t = server_load_tables(dir)) == NULL) {
		log_warnx("reload: the tables in %s have errors; the previous "
		    "tables stay in force", dir ? dir : "built-in");
		return;
	}
	pthread_rwlock_wrlock(&srv->tables_lock);
	tables_free(srv->tables);
	srv->tables = t;
	pthread_rwlock_unlock(&srv->tables_lock);
	log_info("reload: tables loaded from %s", t->source);
}

/* Stop: no new sessions; end the others, closing their drives. */
void
server_stop(struct server *srv)
{
	int	n;

	pthread_mutex_lock(&srv->mtx);
	if (srv->stopping) {
		pthread_mutex_unlock(&srv->mtx);
		return;
	}
	srv->stopping = 1;
	n = srv->nsessions;
	pthread_mutex_unlock(&srv->mtx);
	log_info("stopping: closing %d session(s)", n);
	if (srv->listener != NULL) {
		evconnlistener_free(srv->listener);
		srv->listener = NULL;
	}
	loops_stop(srv);	/* ends with server_maybe_exit */
}

/* Any loop: a stopping daemon whose last session and drive are done ends. */
void
server_maybe_exit(struct server *srv)
{
	size_t	i;
	int	done;

	pthread_mutex_lock(&srv->mtx);
	done = srv->stopping && srv->nsessions == 0;
	for (i = 0; done && i < srv->ndrives; i++)
		if (srv->drives[i].running)
			done = 0;
	pthread_mutex_unlock(&srv->mtx);
	if (done)
		loops_exit(srv);
}

/* What an identity may do with a drive, under the lock SIGHUP takes. */
int
server_access(struct server *srv, struct drive *d, const struct tls_ids *ids)
{
	int	a;

	pthread_rwlock_rdlock(&srv->tables_lock);
	a = acl_access(d->conf, ids);
	pthread_rwlock_unlock(&srv->tables_lock);
	return a;
}
