/*
 * tscan.c -- probe a remote drive's block size and the record sizes on its
 * tape, reading only, and leave the drive as it was found: block size and
 * position, even after an error or an interrupt.
 * Exit 0 ok, 1 usage, 2 the scan failed, was interrupted, or the drive
 * could not be put back.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tscan.h"

volatile sig_atomic_t	 ts_interrupted;

static __dead void
usage(int code)
{
	FILE	*fp = code ? stderr : stdout;

	fprintf(fp, "usage: tscan [-v] [-s host[:port]] [--platform os-arch] "
	    "[--files n] [--records n]\n"
	    "             [--rewind] [--json] -f drive\n"
	    "See tscan(1).\n");
	exit(code);
}

static void
on_signal(int sig)
{
	ts_interrupted = sig;
}

/*
 * Interrupts only set a flag: the read under way finishes (SA_RESTART
 * keeps the library's socket calls going), then the drive is put back.
 */
static void
signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/* Did the drive refuse with errno want? */
int
ts_drive_err(int code, int err, int want)
{
	return code == TC_ERR_DRIVE && err == want;
}

/*
 * Note a failure that ended the session (libtclient ends it on a broken
 * connection only); returns code.
 */
int
ts_check(struct scan *s, int code)
{
	if (code == TC_ERR_PROTOCOL || code == TC_ERR_TLS ||
	    code == TC_ERR_CONNECT || code == TC_ERR_SYSTEM)
		s->lost = 1;
	return code;
}

/*
 * A failure in words.  errno is in the numbering of the platform the
 * client speaks for: strerror() only knows this host's, so another
 * platform's number is named from its table.  The drive host's own words
 * follow when they say more.
 */
const char *
ts_errtext(struct tc_conn *c, const struct scan *s, int code, int err)
{
	static char		 buf[1000];
	const struct tc_errent	*e;
	const char		*msg = tc_errmsg(c);
	char			 plain[300];

	if (code != TC_ERR_DRIVE)
		return msg;
	if (s->local_errno) {
		snprintf(plain, sizeof(plain), "drive %s: %s", s->drive,
		    strerror(err));
		if (*msg == '\0' || strcmp(msg, plain) == 0)
			snprintf(buf, sizeof(buf), "%s", strerror(err));
		else
			snprintf(buf, sizeof(buf), "%s (%s)", strerror(err),
			    msg);
		return buf;
	}
	e = s->plat != NULL ? platform_errbynum(s->plat, err) : NULL;
	snprintf(buf, sizeof(buf), "%s%s%d on %s%s (the drive host said: %s)",
	    e != NULL ? e->name : "errno ", e != NULL ? " (" : "", err,
	    s->platform, e != NULL ? ")" : "", *msg ? msg : "nothing");
	return buf;
}

/* The tables of the platform this client speaks for, as libtclient has. */
static void
load_tables(struct scan *s, struct tc_tables **tp)
{
	const char	*dir = getenv("TCLIENT_TABLES");

	if (dir == NULL || *dir == '\0')
		dir = tables_default_dir();
	if ((*tp = tables_load(dir)) != NULL && tables_ok(*tp))
		s->plat = tables_platform(*tp, s->platform);
}

static uint64_t
parse_limit(const char *opt, const char *arg)
{
	long long	 v;
	const char	*err;

	if (tc_parse_num(arg, 1, LLONG_MAX, &v, &err) == -1) {
		fprintf(stderr, "tscan: %s %s: %s (1 or more)\n", opt, arg,
		    err);
		exit(1);
	}
	return (uint64_t)v;
}

/*
 * Open without waiting for a tape (O_NONBLOCK, as mt-st does for status),
 * so that "no tape" is told from the status in any platform's terms.
 */
static int
open_drive(struct tc_conn *c, struct scan *s)
{
	int	r, e;

	if ((r = tc_open(c, s->drive, O_RDONLY | O_NONBLOCK, 0)) == 0)
		return 0;
	e = errno;
	ts_check(s, r);
	fprintf(stderr, "tscan: %s: open: %s\n", s->drive,
	    ts_errtext(c, s, r, e));
	if (ts_drive_err(r, e, EBUSY))
		fprintf(stderr, "tscan: %s is in use by another session; try "
		    "again when it is closed\n", s->drive);
	else if (ts_drive_err(r, e, ENXIO) || ts_drive_err(r, e, EACCES))
		fprintf(stderr, "tscan: list the drives you may use with: "
		    "tclient drives\n");
	return r;
}

/* How the drive was left, in words, after an interrupt or with -v. */
static void
tell_restored(const struct scan *s)
{
	fprintf(stderr, "tscan: %s: put back at ", s->drive);
	if (s->start.fileno >= 0 && s->start.blkno >= 0)
		fprintf(stderr, "file %lld, record %lld%s",
		    (long long)s->start.fileno, (long long)s->start.blkno,
		    s->start_pos_ok ? ", " : "");
	else if (s->start.fileno >= 0)
		fprintf(stderr, "the end of file %lld%s",
		    (long long)s->start.fileno, s->start_pos_ok ? ", " : "");
	if (s->start_pos_ok)
		fprintf(stderr, "block address %llu",
		    (unsigned long long)s->start_pos);
	if (s->start.blksize)
		fprintf(stderr, ", in fixed %u-byte mode\n", s->start.blksize);
	else
		fprintf(stderr, ", in variable mode\n");
}

static int
run(struct tc_conn *c, struct scan *s)
{
	int	ok;

	if (probe_begin(c, s) == 0)
		probe_scan(c, s);
	if (s->noted)
		probe_restore(c, s);
	else
		s->restored = 1;	/* nothing was changed */
	if (s->end != END_NONE) {
		if (s->json)
			out_json(stdout, s);
		else
			out_text(stdout, s);
	}
	if (s->error[0])
		fprintf(stderr, "tscan: %s: %s\n", s->drive, s->error);
	if (s->end == END_INTR)
		fprintf(stderr, "tscan: %s: interrupted\n", s->drive);
	if (s->restore_error[0])
		fprintf(stderr, "tscan: %s: %s\n", s->drive, s->restore_error);
	if (s->restore_note[0])
		fprintf(stderr, "tscan: %s: %s\n", s->drive, s->restore_note);
	ok = s->end != END_INTR && s->end != END_ERROR && s->end != END_NONE;
	if (s->noted && s->restored && (!ok || s->verbose))
		tell_restored(s);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "tscan: standard output: %s\n",
		    strerror(errno));
		ok = 0;
	}
	return ok && s->restored ? 0 : -1;
}

int
main(int argc, char **argv)
{
	enum { O_FILES = 256, O_RECORDS, O_REWIND, O_JSON };
	static const struct option longopts[] = {
		{ "files", required_argument, NULL, O_FILES },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, O_JSON },
		{ "platform", required_argument, NULL, 'p' },
		{ "records", required_argument, NULL, O_RECORDS },
		{ "rewind", no_argument, NULL, O_REWIND },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct tc_options	 o;
	struct tc_conn		*c;
	struct tc_tables	*tables = NULL;
	struct scan		 s;
	char			 err[600];
	int			 ch, r, cr, e;

	memset(&o, 0, sizeof(o));
	memset(&s, 0, sizeof(s));
	while ((ch = getopt_long(argc, argv, "f:hp:s:vV", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'f': s.drive = optarg; break;
		case 'h': usage(0); break;
		case 'p': o.platform = optarg; break;
		case 's': o.server = optarg; break;
		case 'v': s.verbose = 1; break;
		case 'V': printf("tscan %s\n", TC_VERSION); return 0;
		case O_FILES: s.max_files = parse_limit("--files", optarg); break;
		case O_RECORDS:
			s.max_records = parse_limit("--records", optarg);
			break;
		case O_REWIND: s.rewind = 1; break;
		case O_JSON: s.json = 1; break;
		default: usage(1);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "tscan: unexpected argument \"%s\"\n",
		    argv[optind]);
		usage(1);
	}
	if (s.drive == NULL) {
		fprintf(stderr, "tscan: no drive: give -f DRIVE (see: tclient "
		    "drives)\n");
		exit(1);
	}
	if (!tc_valid_name(s.drive)) {
		fprintf(stderr, "tscan: \"%s\" is not a drive name (letters, "
		    "digits, '.', '_' and '-')\n", s.drive);
		exit(1);
	}
	signals();
	s.progress = isatty(STDERR_FILENO);
	if ((r = tc_connect(&o, &c, err, sizeof(err))) < 0) {
		e = errno;
		fprintf(stderr, "tscan: %s\n", err);
		if (r == TC_ERR_CONNECT && e == ECONNREFUSED)
			fprintf(stderr, "tscan: start the server with: "
			    "tclientd\n");
		return r == TC_ERR_CONFIG || r == TC_ERR_USAGE ? 1 : 2;
	}
	s.platform = tc_platform(c);
	s.local_errno = strcmp(s.platform, platform_local()) == 0;
	load_tables(&s, &tables);
	if ((r = open_drive(c, &s)) == 0) {
		r = run(c, &s);
		if (!s.lost && (cr = tc_close(c)) < 0) {
			fprintf(stderr, "tscan: %s: close: %s\n", s.drive,
			    ts_errtext(c, &s, cr, errno));
			r = -1;
		}
	}
	probe_free(&s);
	tc_disconnect(c);
	tables_free(tables);
	return r == TC_ERR_USAGE ? 1 : r < 0 ? 2 : 0;
}
