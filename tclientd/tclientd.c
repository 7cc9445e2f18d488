/*
 * tclientd.c -- the tape server: options, start-up, the event loop and
 * signals.  The loop is owned here and only ends through an orderly stop.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/thread.h>
#include <openssl/ssl.h>

#include "tclientd.h"

static void
usage(FILE *fp, int code)
{
	fprintf(fp,
	    "usage: tclientd [-dnv] [-f file] [-l addr:port] [-P portfile]\n"
	    "       tclientd --issue-client NAME DIR\n"
	    "  -d            stay in the foreground, log to stderr\n"
	    "  -f file       configuration file (tclientd.conf(5)); without it,\n"
	    "                the embedded default in $TCLIENT_HOME (~/.tclient)\n"
	    "  -l addr:port  listen there (port 0: any free port)\n"
	    "  -n            check the configuration and tables, then exit\n"
	    "  -P portfile   write the port bound to portfile\n"
	    "  -v            log each session's requests and errors too\n"
	    "  --issue-client NAME DIR\n"
	    "                make a client certificate for NAME, signed by the\n"
	    "                embedded CA, in DIR (copy DIR to that client's\n"
	    "                $TCLIENT_HOME)\n");
	exit(code);
}

static int
report(const char *line)
{
	fprintf(stderr, "%s\n", line);
	return 0;
}

/* Write a small file atomically (port file, the server address file). */
static int
write_small(const char *path, const char *text)
{
	char	 tmp[PATH_MAX];
	FILE	*fp;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -1;
	if ((fp = fopen(tmp, "w")) == NULL)
		return -1;
	fputs(text, fp);
	if (fclose(fp) == EOF || rename(tmp, path) == -1) {
		(void)unlink(tmp);
		return -1;
	}
	return 0;
}

static struct config *
load_config(const char *file, const char *listen, int check_only)
{
	struct config	*conf;
	char		 home[PATH_MAX], err[512];
	const char	*e;

	if (file != NULL) {
		if ((conf = config_load(file, report)) == NULL)
			exit(1);
		if (listen != NULL && config_set_listen(conf, listen, &e) == -1)
			fatalx("-l %s: %s", listen, e);
		return conf;
	}
	if (tc_home(home, sizeof(home)) == -1)
		fatalx("cannot find the state directory: set TCLIENT_HOME");
	if (!check_only && pki_ensure(home, err, sizeof(err)) == -1)
		fatalx("%s", err);
	if ((conf = config_default(home, listen, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	return conf;
}

static struct ssl_ctx_st *
load_tls(struct config *conf)
{
	struct tls_files f = { conf->ca, conf->cert, conf->key };
	struct ssl_ctx_st *ctx;
	char		 err[512];

	if ((ctx = tls_ctx_new(&f, 1, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	return ctx;
}

static void
signal_cb(int sig, short ev, void *arg)
{
	struct server	*srv = arg;

	switch (sig) {
	case SIGHUP:
		log_info("SIGHUP: reloading");
		server_reload(srv);
		break;
	case SIGTERM:
	case SIGINT:
		log_info("%s: stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
		server_stop(srv);
		break;
	}
}

static void
setup_drives(struct server *srv)
{
	char	err[512];
	size_t	i;

	srv->ndrives = srv->conf->ndrives;
	if ((srv->drives = calloc(srv->ndrives + 1, sizeof(*srv->drives))) ==
	    NULL)
		fatal("drives");
	for (i = 0; i < srv->ndrives; i++)
		if (drive_init(srv, &srv->drives[i], &srv->conf->drives[i],
		    err, sizeof(err)) == -1)
			fatalx("drive %s: %s", srv->conf->drives[i].name, err);
}

static void
setup_loop(struct server *srv, int fd)
{
	static const int sigs[] = { SIGHUP, SIGTERM, SIGINT };
	size_t		 i;
	long		 ncpu;
	int		 n;

	if (evthread_use_pthreads() == -1)
		fatalx("libevent: no thread support");
	if ((srv->base = event_base_new()) == NULL)
		fatalx("libevent: cannot create the event base");
	for (i = 0; i < nitems(sigs); i++) {
		srv->ev_sig[i] = evsignal_new(srv->base, sigs[i], signal_cb,
		    srv);
		if (srv->ev_sig[i] == NULL || evsignal_add(srv->ev_sig[i],
		    NULL) == -1)
			fatalx("libevent: cannot watch signal %d", sigs[i]);
	}
	/* after daemon(3): threads do not survive its fork */
	if ((n = srv->conf->event_loops) == 0) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		n = ncpu < 1 ? 1 : ncpu > MAX_EVENT_LOOPS ? MAX_EVENT_LOOPS :
		    (int)ncpu;
	}
	n = loops_start(srv, n);
	log_info("%d event loop%s", n, n == 1 ? "" : "s");
	if (server_start(srv, fd) == -1)
		fatalx("libevent: cannot listen");
}

static void
announce(struct server *srv, int fd, const char *portfile)
{
	char	text[64], path[PATH_MAX];
	int	port = server_bound_port(fd);

	log_info("listening on %s (port %d), %zu drive(s), platform %s",
	    srv->conf->listen, port, srv->ndrives, srv->platform);
	if (strcmp(srv->platform, srv->drive_platform) != 0)
		log_warnx("platform %s claimed by TCLIENTD_PLATFORM, for "
		    "testing: the drives' %s errors are reported as its driver "
		    "would give them%s", srv->platform, srv->drive_platform,
		    tables_platform(srv->tables, srv->platform) ? "" :
		    "; it is not in the tables, so errors pass unmapped");
	snprintf(text, sizeof(text), "%d\n", port);
	if (portfile != NULL && write_small(portfile, text) == -1)
		fatal("%s", portfile);
	/* the embedded default tells its clients where it is */
	if (srv->conffile == NULL) {
		snprintf(path, sizeof(path), "%s/server", srv->conf->state_dir);
		snprintf(text, sizeof(text), "%s:%d\n", strchr(srv->conf->listen,
		    '[') ? "[::1]" : "127.0.0.1", port);
		if (write_small(path, text) == -1)
			log_warn("%s", path);
	}
}

/* An orderly stop frees everything, so leak checkers see real leaks. */
static void
server_free(struct server *srv)
{
	size_t	i;

	for (i = 0; i < srv->ndrives; i++) {
		srv->drives[i].be->free(srv->drives[i].bstate);
		pthread_mutex_destroy(&srv->drives[i].mtx);
		pthread_cond_destroy(&srv->drives[i].cv);
	}
	free(srv->drives);
	for (i = 0; i < nitems(srv->ev_sig); i++)
		if (srv->ev_sig[i] != NULL)
			event_free(srv->ev_sig[i]);
	if (srv->ev_accept != NULL)
		event_free(srv->ev_accept);
	if (srv->ev_trim != NULL)
		event_free(srv->ev_trim);
	loops_free(srv);
	event_base_free(srv->base);
	tables_free(srv->tables);
	SSL_CTX_free(srv->ssl_ctx);
	config_free(srv->conf);
	pthread_mutex_destroy(&srv->mtx);
	pthread_rwlock_destroy(&srv->tables_lock);
}

static int
check_only(struct config *conf)
{
	struct tc_tables *t;
	const char	*dir = conf->tables ? conf->tables : tables_default_dir();
	int		 ok;

	if ((t = tables_load(dir)) == NULL)
		fatalx("out of memory");
	for (size_t i = 0; i < t->ndiags; i++)
		fprintf(stderr, "%s:%d: %s\n", t->diags[i].file,
		    t->diags[i].line, t->diags[i].msg);
	ok = tables_ok(t);
	tables_free(t);
	if (!ok) {
		config_free(conf);
		return 1;
	}
	if (conf->file == NULL && access(conf->cert, R_OK) == -1)
		fprintf(stderr, "embedded default: %s will be created at the "
		    "first start\n", conf->state_dir);
	else
		SSL_CTX_free(load_tls(conf));
	config_free(conf);
	fprintf(stderr, "configuration OK\n");
	return 0;
}

static int
issue_client(int argc, char **argv)
{
	char	home[PATH_MAX], err[512];

	if (argc != 4)
		usage(stderr, 1);
	if (strlen(argv[2]) == 0 || strlen(argv[2]) > TC_NAME_MAX ||
	    strspn(argv[2], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._@-") != strlen(argv[2])) {
		fprintf(stderr, "tclientd: %s: a client name is letters, "
		    "digits, '.', '_', '-' or '@'\n", argv[2]);
		return 1;
	}
	if (tc_home(home, sizeof(home)) == -1 ||
	    pki_issue_client(home, argv[2], argv[3], err, sizeof(err)) == -1) {
		fprintf(stderr, "tclientd: %s\n", err);
		return 1;
	}
	printf("%s: client.pem, client.key and ca.pem for %s; allow \"%s\" "
	    "on a drive to let it in\n", argv[3], argv[2], argv[2]);
	return 0;
}

int
main(int argc, char **argv)
{
	struct server	 srv;
	const char	*file = NULL, *listen = NULL, *portfile = NULL;
	const char	*e;
	int		 ch, debug = 0, noaction = 0, verbose = 0, fd;
	sigset_t	 sigs, osigs;
	char		 err[512];

	if (argc > 1 && strcmp(argv[1], "--help") == 0)
		usage(stdout, 0);
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("tclientd %s\n", TC_VERSION);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "--issue-client") == 0)
		return issue_client(argc, argv);
	while ((ch = getopt(argc, argv, "df:hl:nP:v")) != -1) {
		switch (ch) {
		case 'd': debug = 1; break;
		case 'f': file = optarg; break;
		case 'h': usage(stdout, 0); break;
		case 'l': listen = optarg; break;
		case 'n': noaction = 1; break;
		case 'P': portfile = optarg; break;
		case 'v': verbose++; break;
		default: usage(stderr, 1);
		}
	}
	if (optind != argc)
		usage(stderr, 1);
	log_init(1, verbose, "tclientd");
	signal(SIGPIPE, SIG_IGN);
	/*
	 * Records come and go at hundreds of MB/s: keep their buffers in the
	 * heap, where freed ones are reused, instead of mapping and faulting
	 * in fresh pages for every record.
	 */
	mallopt(M_MMAP_THRESHOLD, TC_MAX_RECORD + 2 * TC_HDR_LEN);
	mallopt(M_TRIM_THRESHOLD, 64 << 20);

	memset(&srv, 0, sizeof(srv));
	/* SIGHUP re-reads it after daemon(3) changed to / */
	if (file != NULL && !noaction) {
		if ((srv.conffile = realpath(file, NULL)) == NULL)
			fatal("%s", file);
		file = srv.conffile;
	}
	srv.conf = load_config(file, listen, noaction);
	if (noaction)
		return check_only(srv.conf);
	srv.drive_platform = platform_local();
	if ((srv.platform = server_platform(&e)) == NULL)
		fatalx("%s", e);
	srv.tables = server_load_tables(srv.conf->tables ? srv.conf->tables :
	    tables_default_dir());
	if (srv.tables == NULL)
		fatalx("the errno tables have errors; fix them (tcerrno check)");
	srv.ssl_ctx = load_tls(srv.conf);
	pthread_mutex_init(&srv.mtx, NULL);
	pthread_rwlock_init(&srv.tables_lock, NULL);
	setup_drives(&srv);
	if ((fd = server_listen(&srv, err, sizeof(err))) == -1)
		fatalx("%s", err);
	/*
	 * Whoever reads the port file may signal us at once: hold the
	 * signals until the loop watches them, so none finds the default
	 * action.
	 */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigprocmask(SIG_BLOCK, &sigs, &osigs);
	announce(&srv, fd, portfile);

	if (!debug) {
		if (daemon(0, 0) == -1)
			fatal("daemon");
		log_init(0, verbose, "tclientd");
	}
	setup_loop(&srv, fd);
	sigprocmask(SIG_SETMASK, &osigs, NULL);
	event_base_loop(srv.base, EVLOOP_NO_EXIT_ON_EMPTY);
	if (!srv.stopping)
		fatalx("exited event loop");
	loops_join(&srv);
	server_free(&srv);
	free(srv.conffile);
	log_info("stopped");
	return 0;
}
