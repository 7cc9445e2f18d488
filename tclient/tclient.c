/*
 * tclient.c -- mt-st for a remote drive: one session per run, the drive
 * opened without rewind at close (as mt -f /dev/nst0), so runs compose.
 * Exit 0 ok, 1 usage, 2 the operation failed.
 */
#include <sys/mtio.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"

enum { C_OP, C_STATUS, C_TELL, C_WRITE, C_READ, C_DRIVES };
#define ET_ONLINE	1	/* hint if the drive is offline */
#define ET_WPROT	2	/* hint if the tape is write-protected */
#define NOARG		0
#define COUNT		1	/* optional count, default 1 */
#define NEEDARG		2	/* a number is required */

struct cmd {
	const char	*name;
	int		 kind;
	int		 canon;
	int		 arg;
	int		 oflags;
	int		 tests;
};

/* Verbs, open modes and hints as mt-st has them. */
static const struct cmd cmds[] = {
	{ "weof",	C_OP, TC_STWEOF,	COUNT,	O_RDWR,	ET_ONLINE | ET_WPROT },
	{ "wset",	C_OP, TC_X_WSM,		COUNT,	O_RDWR,	ET_ONLINE | ET_WPROT },
	{ "eof",	C_OP, TC_STWEOF,	COUNT,	O_RDWR,	ET_ONLINE | ET_WPROT },
	{ "fsf",	C_OP, TC_STFSF,		COUNT,	O_RDONLY, ET_ONLINE },
	{ "fsfm",	C_OP, TC_X_FSFM,	COUNT,	O_RDONLY, ET_ONLINE },
	{ "bsf",	C_OP, TC_STRSF,		COUNT,	O_RDONLY, ET_ONLINE },
	{ "bsfm",	C_OP, TC_X_BSFM,	COUNT,	O_RDONLY, ET_ONLINE },
	{ "fsr",	C_OP, TC_STFSR,		COUNT,	O_RDONLY, ET_ONLINE },
	{ "bsr",	C_OP, TC_STRSR,		COUNT,	O_RDONLY, ET_ONLINE },
	{ "fss",	C_OP, TC_X_FSS,		COUNT,	O_RDONLY, ET_ONLINE },
	{ "bss",	C_OP, TC_X_BSS,		COUNT,	O_RDONLY, ET_ONLINE },
	{ "rewind",	C_OP, TC_STREW,		NOARG,	O_RDONLY, ET_ONLINE },
	{ "offline",	C_OP, TC_STOFFL,	NOARG,	O_RDONLY, ET_ONLINE },
	{ "rewoffl",	C_OP, TC_STOFFL,	NOARG,	O_RDONLY, ET_ONLINE },
	{ "eject",	C_OP, TC_STOFFL,	NOARG,	O_RDONLY, ET_ONLINE },
	{ "unload",	C_OP, TC_STEJECT,	NOARG,	O_RDONLY, ET_ONLINE },
	{ "retension",	C_OP, TC_STRETEN,	NOARG,	O_RDONLY, ET_ONLINE },
	{ "eod",	C_OP, TC_STSEOD,	NOARG,	O_RDONLY, ET_ONLINE },
	{ "seod",	C_OP, TC_STSEOD,	NOARG,	O_RDONLY, ET_ONLINE },
	{ "seek",	C_OP, TC_X_SEEK,	NEEDARG, O_RDONLY, ET_ONLINE },
	{ "tell",	C_TELL, 0,		NOARG,	O_RDONLY, ET_ONLINE },
	{ "status",	C_STATUS, 0,		NOARG,	O_RDONLY | O_NONBLOCK, 0 },
	{ "erase",	C_OP, TC_STERASE,	COUNT,	O_RDWR,	ET_ONLINE | ET_WPROT },
	{ "setblk",	C_OP, TC_STIOCHGP,	NEEDARG, O_RDONLY | O_NONBLOCK, 0 },
	{ "setdensity",	C_OP, TC_X_SETDENSITY,	NEEDARG, O_RDONLY | O_NONBLOCK, 0 },
	{ "compression", C_OP, TC_X_COMPRESSION, COUNT, O_RDONLY | O_NONBLOCK, 0 },
	{ "drvbuffer",	C_OP, TC_X_DRVOPTS,	NEEDARG, O_RDONLY | O_NONBLOCK, 0 },
	{ "lock",	C_OP, TC_X_LOCK,	NOARG,	O_RDONLY, ET_ONLINE },
	{ "unlock",	C_OP, TC_X_UNLOCK,	NOARG,	O_RDONLY, ET_ONLINE },
	{ "load",	C_OP, TC_STLOAD,	COUNT,	O_RDONLY | O_NONBLOCK, 0 },
	{ "setpartition", C_OP, TC_X_SETPART,	NEEDARG, O_RDONLY, ET_ONLINE },
	{ "mkpartition", C_OP, TC_X_MKPART,	NEEDARG, O_RDWR, ET_ONLINE },
	{ "write",	C_WRITE, 0,		NOARG,	O_WRONLY, ET_ONLINE | ET_WPROT },
	{ "read",	C_READ, 0,		NOARG,	O_RDONLY, ET_ONLINE },
	{ "drives",	C_DRIVES, 0,		NOARG,	0,	0 },
};

static const char	*drive;
static int		 verbose;

static __dead void
usage(int code)
{
	FILE	*fp = code ? stderr : stdout;
	size_t	 i;

	fprintf(fp, "usage: tclient [-v] [-s host[:port]] [--platform os-arch] "
	    "-f drive command [count]\n"
	    "       tclient [-s host[:port]] -f drive write|read [-b bytes]\n"
	    "       tclient [-s host[:port]] drives\n"
	    "commands:");
	for (i = 0; i < nitems(cmds); i++)
		fprintf(fp, "%s %s", i % 10 ? "" : "\n ", cmds[i].name);
	fprintf(fp, "\nSee tclient(1).\n");
	exit(code);
}

static const struct cmd *
find_cmd(const char *name)
{
	const struct cmd *c, *found = NULL;
	size_t		 i, len = strlen(name);

	for (i = 0; i < nitems(cmds); i++) {
		c = &cmds[i];
		if (strcmp(c->name, name) == 0)
			return c;
		if (strncmp(c->name, name, len) == 0) {
			if (found != NULL && found->canon != c->canon) {
				fprintf(stderr, "tclient: ambiguous command "
				    "\"%s\"\n", name);
				usage(1);
			}
			found = c;
		}
	}
	if (found == NULL) {
		fprintf(stderr, "tclient: unknown command \"%s\"\n", name);
		usage(1);
	}
	return found;
}

/* A count as mt-st takes it: decimal/hex/octal, k/M/G multiplies. */
static int64_t
parse_count(const char *s)
{
	char		 num[32];
	size_t		 len = strlen(s);
	long long	 v, mult = 1;
	const char	*err;

	if (len == 0 || len >= sizeof(num))
		goto bad;
	memcpy(num, s, len + 1);
	switch (num[len - 1]) {
	case 'k': mult = 1024; break;
	case 'M': mult = 1024 * 1024; break;
	case 'G': mult = 1024 * 1024 * 1024; break;
	}
	if (mult != 1)
		num[len - 1] = '\0';
	if (tc_parse_num(num, 0, INT_MAX / mult, &v, &err) == 0)
		return v * mult;
	fprintf(stderr, "tclient: count \"%s\": %s (0 to %d)\n", s,
	    strcmp(err, "too small") ? err : "negative", INT_MAX);
	exit(1);
bad:
	fprintf(stderr, "tclient: count \"%s\" is not a number\n", s);
	exit(1);
}

static int	platform_status(struct tc_conn *);

/* The mt-st status page, from MTIOCGET as a local st would fill it. */
static int
do_status(struct tc_conn *c)
{
	static const struct { unsigned long bit; const char *name; } bits[] = {
		{ 0x80000000, "EOF" }, { 0x40000000, "BOT" },
		{ 0x20000000, "EOT" }, { 0x10000000, "SM" },
		{ 0x08000000, "EOD" }, { 0x04000000, "WR_PROT" },
		{ 0x01000000, "ONLINE" }, { 0x00040000, "DR_OPEN" },
		{ 0x00010000, "IM_REP_EN" }, { 0x00008000, "CLN" },
	};
	struct mtget	 mt;
	unsigned	 dens;
	size_t		 i;
	int		 r;

	if ((r = tc_mtiocget(c, &mt)) < 0)
		return r;
	dens = (unsigned)((mt.mt_dsreg & MT_ST_DENSITY_MASK) >>
	    MT_ST_DENSITY_SHIFT);
	printf("SCSI 2 tape drive:\n");
	printf("File number=%d, block number=%d, partition=%ld.\n",
	    mt.mt_fileno, mt.mt_blkno, mt.mt_resid & 0xff);
	printf("Tape block size %ld bytes. Density code 0x%x (%s).\n",
	    (mt.mt_dsreg & MT_ST_BLKSIZE_MASK) >> MT_ST_BLKSIZE_SHIFT, dens,
	    canon_density(dens));
	printf("Soft error count since last status=%ld\n",
	    (mt.mt_erreg & MT_ST_SOFTERR_MASK) >> MT_ST_SOFTERR_SHIFT);
	printf("General status bits on (%lx):\n", (unsigned long)mt.mt_gstat);
	for (i = 0; i < nitems(bits); i++)
		if ((unsigned long)mt.mt_gstat & bits[i].bit)
			printf(" %s", bits[i].name);
	printf("\n");
	if (strcmp(tc_platform(c), platform_local()) != 0 && c->plat != NULL)
		return platform_status(c);
	return 0;
}

/* A declared platform's own status word, from its op table. */
static int
platform_status(struct tc_conn *c)
{
	struct tc_status st;
	uint32_t	 word;
	char		 names[200];
	int		 r;

	if ((r = tc_local_status(c, &st, &word)) < 0)
		return r;
	if (r == 0) {
		printf("%s: no status word in its tables (tcerrno list %s)\n",
		    tc_platform(c), tc_platform(c));
		return 0;
	}
	printf("%s status word (mt_gstat) %08x: %s\n", tc_platform(c),
	    (unsigned)word, canon_flagnames(st.flags & platform_flags(c->plat),
	    names, sizeof(names)));
	return 0;
}

static int
do_tell(struct tc_conn *c)
{
	struct mtpos	mp;
	int		r;

	if ((r = tc_mtiocpos(c, &mp)) < 0)
		return r;
	printf("At block %ld.\n", mp.mt_blkno);
	return 0;
}

/* The op in this client's platform numbering, through its op table. */
static int
do_op(struct tc_conn *c, const struct cmd *cmd, int64_t count)
{
	const struct tc_opent	*oe;

	if (c->plat == NULL)
		return tc_op(c, cmd->canon, count, NULL);
	if ((oe = platform_opbycanon(c->plat, cmd->canon)) == NULL) {
		fprintf(stderr, "tclient: %s: %s has no such operation\n",
		    cmd->name, c->platform);
		errno = c->plat->unsupported;
		return TC_ERR_DRIVE;
	}
	return tc_local_op(c, oe->local, count);
}

/* Read as much as there is, up to len: one record's worth of input. */
static ssize_t
fill(int fd, uint8_t *buf, size_t len)
{
	size_t	got = 0;
	ssize_t	n;

	while (got < len) {
		if ((n = read(fd, buf + got, len - got)) == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/*
 * A pipe of 64 KiB makes the program at its other end stop and start for
 * every piece of a record; a larger one lets it run ahead (Linux lets any
 * user go to 1 MiB).  Nothing else changes if the kernel says no.
 */
static void
widen_pipe(int fd, size_t bsize)
{
	struct stat	sb;
	int		want = bsize * 4 > (1u << 20) ? (int)(bsize * 4) : 1 << 20;

	if (fstat(fd, &sb) == 0 && S_ISFIFO(sb.st_mode) &&
	    fcntl(fd, F_SETPIPE_SZ, want) == -1)
		(void)fcntl(fd, F_SETPIPE_SZ, 1 << 20);
}

static int
writeall(int fd, const uint8_t *p, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* stdin to tape, records of bsize bytes (the last may be shorter). */
static int
do_write(struct tc_conn *c, size_t bsize)
{
	uint8_t		*buf;
	ssize_t		 n, w;
	uint64_t	 recs = 0, bytes = 0;
	int		 r = 0;

	if ((buf = malloc(bsize)) == NULL)
		return tc_fail(c, TC_ERR_NOMEM, ENOMEM, "out of memory");
	widen_pipe(STDIN_FILENO, bsize);
	while ((n = fill(STDIN_FILENO, buf, bsize)) > 0) {
		if ((w = tc_write(c, buf, (size_t)n)) < 0) {
			r = (int)w;
			break;
		}
		if (w != n) {
			fprintf(stderr, "tclient: %s: short write: %zd of %zd "
			    "bytes\n", drive, w, n);
			r = tc_fail(c, TC_ERR_DRIVE, EIO, "short write");
			break;
		}
		recs++;
		bytes += (uint64_t)n;
	}
	if (n < 0)
		r = tc_fail(c, TC_ERR_SYSTEM, errno, "standard input: %s",
		    strerror(errno));
	free(buf);
	if (verbose || r < 0)
		fprintf(stderr, "tclient: %s: wrote %llu record(s), %llu "
		    "bytes\n", drive, (unsigned long long)recs,
		    (unsigned long long)bytes);
	return r;
}

/* One tape file, up to its filemark, to stdout. */
static int
do_read(struct tc_conn *c, size_t bsize)
{
	uint8_t		*buf;
	ssize_t		 n;
	uint64_t	 recs = 0, bytes = 0;
	int		 r = 0;

	if ((buf = malloc(bsize)) == NULL)
		return tc_fail(c, TC_ERR_NOMEM, ENOMEM, "out of memory");
	widen_pipe(STDOUT_FILENO, bsize);
	while ((n = tc_read(c, buf, bsize)) > 0) {
		if (writeall(STDOUT_FILENO, buf, (size_t)n) == -1) {
			r = tc_fail(c, TC_ERR_SYSTEM, errno, "standard output: "
			    "%s", strerror(errno));
			break;
		}
		recs++;
		bytes += (uint64_t)n;
	}
	if (n < 0)
		r = (int)n;
	free(buf);
	if (verbose)
		fprintf(stderr, "tclient: %s: read %llu record(s), %llu "
		    "bytes\n", drive, (unsigned long long)recs,
		    (unsigned long long)bytes);
	return r;
}

static int
do_drives(struct tc_conn *c)
{
	struct tc_drive	*d;
	size_t		 i, n;
	int		 r;

	if ((r = tc_drives(c, &d, &n)) < 0)
		return r;
	printf("%-16s %-8s %-10s %s\n", "DRIVE", "BACKEND", "ACCESS",
	    "MAX-RECORD");
	for (i = 0; i < n; i++)
		printf("%-16s %-8s %-10s %u\n", d[i].name, d[i].backend,
		    d[i].readonly ? "read-only" : "read-write", d[i].max_record);
	if (n > 0)
		printf("(through tctape(8) nodes: up to %u bytes per record, "
		    "the largest FUSE request)\n", TC_FUSE_RECORD);
	if (n == 0)
		fprintf(stderr, "tclient: no drive on %s lets identity %s in\n",
		    c->server, tc_identity(c));
	free(d);
	return 0;
}

/*
 * A client declaring another platform (--platform) gets errnos in that
 * platform's numbering: its name from the platform's table, or NULL when
 * the numbers are this host's own.
 */
static const char *
foreign_name(const struct tc_conn *c, int err)
{
	const struct tc_errent	*e;

	if (strcmp(tc_platform(c), platform_local()) == 0 || c->plat == NULL)
		return NULL;
	e = platform_errbynum(c->plat, err);
	return e != NULL ? e->name : "?";
}

/* Is err this errno (number here, name on a declared platform)? */
static int
is_err(const struct tc_conn *c, int err, int num, const char *name)
{
	const char	*fn = foreign_name(c, err);

	return fn != NULL ? strcmp(fn, name) == 0 : err == num;
}

/* The text of an errno: strerror, or "NAME (N on PLATFORM)". */
static const char *
errtext(const struct tc_conn *c, int err)
{
	static char	 buf[TC_NAME_MAX + TC_PLATFORM_MAX + 32];
	const char	*fn = foreign_name(c, err);

	if (fn == NULL)
		return strerror(err);
	snprintf(buf, sizeof(buf), "%s (%d on %s)", fn, err, tc_platform(c));
	return buf;
}

/* What to do next, from the error and the drive's status (as mt-st). */
static void
hint(struct tc_conn *c, const struct cmd *cmd, int code, int err)
{
	struct tc_status st;

	if (code == TC_ERR_CONNECT && err == ECONNREFUSED)
		fprintf(stderr, "tclient: start the server with: tclientd\n");
	if (code != TC_ERR_DRIVE)
		return;
	if (is_err(c, err, EBUSY, "EBUSY"))
		fprintf(stderr, "tclient: %s is in use by another session; try "
		    "again when it is closed\n", drive);
	else if (is_err(c, err, ENXIO, "ENXIO") && !c->drive_open)
		fprintf(stderr, "tclient: list the drives you may use with: "
		    "tclient drives\n");
	else if (is_err(c, err, ENOSPC, "ENOSPC"))
		fprintf(stderr, "tclient: the tape is at its end; continue on "
		    "another cartridge\n");
	else if (is_err(c, err, EROFS, "EROFS") ||
	    is_err(c, err, EROFS, "EWRPROTECT"))
		fprintf(stderr, "tclient: the tape in %s is write-protected; "
		    "open it read-only or load a writable cartridge\n", drive);
	if (!c->drive_open || c->dead || tc_status(c, &st) < 0)
		return;
	if ((cmd->tests & ET_ONLINE) && !(st.flags & TC_ST_ONLINE))
		fprintf(stderr, "tclient: %s has no tape loaded; load one with: "
		    "tclient -f %s load\n", drive, drive);
	if ((cmd->tests & ET_WPROT) && (st.flags & TC_ST_WRPROT))
		fprintf(stderr, "tclient: the tape is write-protected\n");
}

static void
report(struct tc_conn *c, const struct cmd *cmd, int code, int err,
    const char *what)
{
	const char	*msg = tc_errmsg(c);
	char		 plain[300];

	if (code == TC_ERR_DRIVE) {
		/* the server's text, unless it only repeats strerror */
		snprintf(plain, sizeof(plain), "drive %s: %s", drive,
		    c->lasterr.srv_name[0] ? strerror(c->lasterr.srv_err) : "");
		if (*msg == '\0' || strcmp(msg, plain) == 0)
			fprintf(stderr, "tclient: %s: %s: %s\n", drive, what,
			    errtext(c, err));
		else
			fprintf(stderr, "tclient: %s: %s: %s (%s)\n", drive,
			    what, errtext(c, err), msg);
	} else
		fprintf(stderr, "tclient: %s\n", msg);
	hint(c, cmd, code, err);
}

static size_t
parse_bsize(int argc, char **argv, int *i)
{
	uint64_t	 v;
	const char	*err;

	if (*i >= argc)
		return 0;
	if (strcmp(argv[*i], "-b") != 0 || *i + 1 >= argc) {
		fprintf(stderr, "tclient: expected -b BYTES, not \"%s\"\n",
		    argv[*i]);
		exit(1);
	}
	if (tc_parse_size(argv[*i + 1], TC_MAX_RECORD, &v, &err) == -1 ||
	    v == 0) {
		fprintf(stderr, "tclient: -b %s: %s (1 to %u bytes)\n",
		    argv[*i + 1], err ? err : "too small", TC_MAX_RECORD);
		exit(1);
	}
	*i += 2;
	return (size_t)v;
}

static int
run(struct tc_conn *c, const struct cmd *cmd, int64_t count, size_t bsize)
{
	uint32_t	maxrec, maxblk;
	int		r;

	if (cmd->kind == C_DRIVES)
		return do_drives(c);
	if ((r = tc_open(c, drive, cmd->oflags, 0)) < 0)
		return r;
	switch (cmd->kind) {
	case C_STATUS:
		return do_status(c);
	case C_TELL:
		return do_tell(c);
	case C_WRITE:
		return do_write(c, bsize ? bsize : 10240);
	case C_READ:
		if (bsize == 0) {
			/* any record the drive can hold fits */
			tc_limits(c, &maxrec, NULL, &maxblk);
			bsize = maxblk < maxrec ? maxblk : maxrec;
		}
		return do_read(c, bsize);
	default:
		return do_op(c, cmd, count);
	}
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "platform", required_argument, NULL, 'p' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct tc_options	 o;
	struct tc_conn		*c;
	const struct cmd	*cmd;
	char			 err[600];
	int64_t			 count = 1;
	size_t			 bsize = 0;
	int			 ch, i, r, e;

	memset(&o, 0, sizeof(o));
	while ((ch = getopt_long(argc, argv, "+f:hp:s:vV", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'f': drive = optarg; break;
		case 'h': usage(0); break;
		case 'p': o.platform = optarg; break;
		case 's': o.server = optarg; break;
		case 'v': verbose = 1; break;
		case 'V': printf("tclient %s\n", TC_VERSION); return 0;
		default: usage(1);
		}
	}
	if (optind >= argc)
		usage(1);
	cmd = find_cmd(argv[optind]);
	i = optind + 1;
	if (cmd->kind == C_WRITE || cmd->kind == C_READ)
		bsize = parse_bsize(argc, argv, &i);
	else if (cmd->arg != NOARG && i < argc)
		count = parse_count(argv[i++]);
	else if (cmd->arg == NEEDARG) {
		fprintf(stderr, "tclient: %s needs a number\n", cmd->name);
		exit(1);
	}
	if (i < argc) {
		fprintf(stderr, "tclient: too many arguments for %s\n",
		    cmd->name);
		exit(1);
	}
	if (drive == NULL && cmd->kind != C_DRIVES) {
		fprintf(stderr, "tclient: no drive: give -f DRIVE (see: "
		    "tclient drives)\n");
		exit(1);
	}
	if (drive != NULL && !tc_valid_name(drive)) {
		fprintf(stderr, "tclient: \"%s\" is not a drive name (letters, "
		    "digits, '.', '_' and '-')\n", drive);
		exit(1);
	}
	if ((r = tc_connect(&o, &c, err, sizeof(err))) < 0) {
		e = errno;
		fprintf(stderr, "tclient: %s\n", err);
		if (r == TC_ERR_CONNECT && e == ECONNREFUSED)
			fprintf(stderr, "tclient: start the server with: "
			    "tclientd\n");
		return r == TC_ERR_CONFIG || r == TC_ERR_USAGE ? 1 : 2;
	}
	if ((r = run(c, cmd, count, bsize)) < 0) {
		e = errno;
		report(c, cmd, r, e, cmd->name);
	}
	if (c->drive_open && !c->dead && tc_close(c) < 0 && r >= 0) {
		r = TC_ERR_DRIVE;
		report(c, cmd, r, errno, "close");
	}
	tc_disconnect(c);
	return r == TC_ERR_USAGE ? 1 : r < 0 ? 2 : 0;
}
