/*
 * tcbench.c -- load generator for bench/run.sh, linked to libtclient.
 *
 *   tcbench status DRIVE N
 *	N status round trips on an open drive; prints "p50 p99 mean" in
 *	microseconds.
 *   tcbench write DRIVE RECSIZE BYTES
 *	BYTES of zero records of RECSIZE to DRIVE; prints "seconds records
 *	user_s sys_s" (this process's CPU, from getrusage).
 *   tcbench par N PREFIX RECSIZE BYTES
 *	N processes, each with its own session, write BYTES each to drives
 *	PREFIX0 .. PREFIX<N-1> at once, starting together once all are
 *	connected and open; prints "seconds total_bytes".
 *   tcbench idle NTCP NTLS
 *	NTCP connections that send nothing (TCP only, half-open for the
 *	server) and NTLS sessions that do TLS and HELLO and then nothing;
 *	prints "ready" once all are up, then holds them until killed.
 *
 * The server and identity come from TCLIENT_SERVER and TCLIENT_HOME.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tclient.h"

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct tc_conn *
open_drive(const char *drive, int oflags)
{
	struct tc_options	 o;
	struct tc_conn		*c;
	char			 err[600];

	memset(&o, 0, sizeof(o));
	if (tc_connect(&o, &c, err, sizeof(err)) < 0) {
		fprintf(stderr, "tcbench: connect: %s\n", err);
		exit(1);
	}
	if (tc_open(c, drive, oflags, 0) < 0) {
		fprintf(stderr, "tcbench: open %s: %s\n", drive, tc_errmsg(c));
		exit(1);
	}
	return c;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int
do_status(const char *drive, long n)
{
	struct tc_conn		*c = open_drive(drive, O_RDONLY);
	struct tc_status	 st;
	double			*t, sum = 0, t0;
	long			 i;

	if (n < 1 || (t = calloc((size_t)n, sizeof(*t))) == NULL)
		return 1;
	for (i = 0; i < 20; i++)		/* warm up */
		if (tc_status(c, &st) < 0)
			goto fail;
	for (i = 0; i < n; i++) {
		t0 = now();
		if (tc_status(c, &st) < 0)
			goto fail;
		t[i] = (now() - t0) * 1e6;
		sum += t[i];
	}
	qsort(t, (size_t)n, sizeof(*t), cmp_double);
	printf("%.1f %.1f %.1f\n", t[n / 2], t[(n * 99) / 100], sum / n);
	free(t);
	tc_close(c);
	tc_disconnect(c);
	return 0;
 fail:
	fprintf(stderr, "tcbench: status: %s\n", tc_errmsg(c));
	return 1;
}

/* Write bytes in records of recsize; 0 or exits. */
static void
write_records(struct tc_conn *c, size_t recsize, long long bytes)
{
	static char	*buf;
	long long	 done;
	size_t		 n;

	if (buf == NULL && (buf = calloc(1, recsize)) == NULL) {
		perror("tcbench");
		exit(1);
	}
	for (done = 0; done < bytes; done += (long long)n) {
		n = bytes - done < (long long)recsize ? (size_t)(bytes - done) :
		    recsize;
		if (tc_write(c, buf, n) != (ssize_t)n) {
			fprintf(stderr, "tcbench: write: %s\n", tc_errmsg(c));
			exit(1);
		}
	}
	if (tc_close(c) < 0) {
		fprintf(stderr, "tcbench: close: %s\n", tc_errmsg(c));
		exit(1);
	}
}

static int
do_write(const char *drive, size_t recsize, long long bytes)
{
	struct tc_conn	*c = open_drive(drive, O_WRONLY);
	struct rusage	 ru;
	double		 t0, t;

	t0 = now();
	write_records(c, recsize, bytes);
	t = now() - t0;
	tc_disconnect(c);
	getrusage(RUSAGE_SELF, &ru);
	printf("%.4f %lld %.3f %.3f\n", t, (bytes + (long long)recsize - 1) /
	    (long long)recsize,
	    ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
	    ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
	return 0;
}

static int
do_par(int n, const char *prefix, size_t recsize, long long bytes)
{
	int	 ready[2], go[2], i, status, bad = 0;
	char	 drive[128], b;
	double	 t0, t;

	if (pipe(ready) < 0 || pipe(go) < 0) {
		perror("tcbench: pipe");
		return 1;
	}
	for (i = 0; i < n; i++) {
		switch (fork()) {
		case -1:
			perror("tcbench: fork");
			return 1;
		case 0: {
			struct tc_conn *c;

			close(ready[0]);
			close(go[1]);
			snprintf(drive, sizeof(drive), "%s%d", prefix, i);
			c = open_drive(drive, O_WRONLY);
			if (write(ready[1], "r", 1) != 1 ||
			    read(go[0], &b, 1) != 0)
				_exit(1);
			write_records(c, recsize, bytes);
			tc_disconnect(c);
			_exit(0);
		}
		}
	}
	close(ready[1]);
	close(go[0]);
	for (i = 0; i < n; i++)
		if (read(ready[0], &b, 1) != 1) {
			fprintf(stderr, "tcbench: a session did not open\n");
			bad = 1;
			break;
		}
	t0 = now();
	close(go[1]);			/* EOF: everybody starts */
	while (wait(&status) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			bad = 1;
	t = now() - t0;
	if (bad)
		return 1;
	printf("%.4f %lld\n", t, bytes * n);
	return 0;
}

/* A TCP connection to TCLIENT_SERVER (host:port) that sends nothing. */
static int
tcp_open(void)
{
	struct addrinfo	 hints, *res;
	const char	*srv = getenv("TCLIENT_SERVER");
	char		 host[256], *colon;
	int		 fd, r;

	if (srv == NULL || strlen(srv) >= sizeof(host) ||
	    (colon = strrchr(strcpy(host, srv), ':')) == NULL) {
		fprintf(stderr, "tcbench: TCLIENT_SERVER must be HOST:PORT\n");
		exit(1);
	}
	*colon = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if ((r = getaddrinfo(host, colon + 1, &hints, &res)) != 0) {
		fprintf(stderr, "tcbench: %s: %s\n", srv, gai_strerror(r));
		exit(1);
	}
	if ((fd = socket(res->ai_family, SOCK_STREAM, 0)) < 0 ||
	    connect(fd, res->ai_addr, res->ai_addrlen) < 0) {
		fprintf(stderr, "tcbench: connect %s: %s\n", srv,
		    strerror(errno));
		exit(1);
	}
	freeaddrinfo(res);
	return fd;
}

static int
do_idle(int ntcp, int ntls)
{
	struct tc_options	 o;
	struct tc_conn		*c;
	struct rlimit		 rl;
	char			 err[600];
	int			 i;

	/* one descriptor each, and some to spare */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur < (rlim_t)(ntcp + ntls + 64)) {
		rl.rlim_cur = (rlim_t)(ntcp + ntls + 64);
		if (rl.rlim_max != RLIM_INFINITY && rl.rlim_cur > rl.rlim_max)
			rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	for (i = 0; i < ntcp; i++)
		(void)tcp_open();
	memset(&o, 0, sizeof(o));
	for (i = 0; i < ntls; i++)
		if (tc_connect(&o, &c, err, sizeof(err)) < 0) {
			fprintf(stderr, "tcbench: idle session %d: %s\n",
			    i + 1, err);
			return 1;
		}
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "status") == 0)
		return do_status(argv[2], atol(argv[3]));
	if (argc == 5 && strcmp(argv[1], "write") == 0)
		return do_write(argv[2], (size_t)atol(argv[3]),
		    atoll(argv[4]));
	if (argc == 6 && strcmp(argv[1], "par") == 0)
		return do_par(atoi(argv[2]), argv[3], (size_t)atol(argv[4]),
		    atoll(argv[5]));
	if (argc == 4 && strcmp(argv[1], "idle") == 0)
		return do_idle(atoi(argv[2]), atoi(argv[3]));
	fprintf(stderr, "usage: tcbench status DRIVE N\n"
	    "       tcbench write DRIVE RECSIZE BYTES\n"
	    "       tcbench par N PREFIX RECSIZE BYTES\n"
	    "       tcbench idle NTCP NTLS\n");
	return 2;
}
