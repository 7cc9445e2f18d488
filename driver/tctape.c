/*
 * tctape.c -- tctape mount DIR: FUSE tape nodes for the drives a tclientd
 * lets this client use; tctape unmount DIR.  Exit 0 ok, 1 usage, 2 failure.
 */
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <mntent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tctape.h"

struct tt_mount tt = {
	.mtx = PTHREAD_MUTEX_INITIALIZER,
	.released = PTHREAD_COND_INITIALIZER,
	.handles = TAILQ_HEAD_INITIALIZER(tt.handles),
	.mode = 0660,
};

static char	home_abs[PATH_MAX];
static char	mnt_abs[PATH_MAX];

static __dead void
usage(int code)
{
	fprintf(code ? stderr : stdout,
	    "usage: tctape [-dfv] [-s host[:port]] [-o option[,...]] mount dir\n"
	    "       tctape unmount dir\n"
	    "options: mode=OCTAL, uid=N, gid=N for the nodes; any FUSE mount "
	    "option\n(allow_other, ...).  See tctape(8).\n");
	exit(code);
}

static unsigned
parse_id(const char *opt, const char *s, long long max)
{
	long long	 v;
	const char	*err;

	if (tc_parse_num(s, 0, max, &v, &err) == 0)
		return (unsigned)v;
	fprintf(stderr, "tctape: -o %s%s: %s\n", opt, s, err);
	exit(1);
}

/* Take mode=, uid= and gid= out of a -o list; the rest goes to FUSE. */
static void
take_options(const char *list, struct fuse_args *args)
{
	char	*copy, *p, *o, *rest;
	char	*end;
	long	 m;

	if ((copy = strdup(list)) == NULL || (rest = calloc(1,
	    strlen(list) + 1)) == NULL)
		fatalx("out of memory");
	for (p = copy; (o = strsep(&p, ",")) != NULL;) {
		if (strncmp(o, "mode=", 5) == 0) {
			m = strtol(o + 5, &end, 8);
			if (o[5] == '\0' || *end != '\0' || m < 0 || m > 07777) {
				fprintf(stderr, "tctape: -o %s: not an octal "
				    "mode\n", o);
				exit(1);
			}
			tt.mode = (mode_t)m;
		} else if (strncmp(o, "uid=", 4) == 0)
			tt.uid = parse_id("uid=", o + 4, INT_MAX);
		else if (strncmp(o, "gid=", 4) == 0)
			tt.gid = parse_id("gid=", o + 4, INT_MAX);
		else if (*o != '\0') {
			if (*rest != '\0')
				strcat(rest, ",");
			strcat(rest, o);
		}
	}
	if (*rest != '\0' && (fuse_opt_add_arg(args, "-o") == -1 ||
	    fuse_opt_add_arg(args, rest) == -1))
		fatalx("out of memory");
	free(rest);
	free(copy);
}

/* The drives, before anything is mounted: errors go to the terminal. */
static int
load_drives(void)
{
	struct tc_conn	*c;
	const char	*env = getenv("TCLIENT_HOME");
	char		 err[600];
	int		 r;

	/* a daemon works in /: make a relative state directory absolute */
	if (env != NULL && *env != '\0' && *env != '/' &&
	    realpath(env, home_abs) != NULL)
		tt.opts.home = home_abs;
	if ((r = tc_connect(&tt.opts, &c, err, sizeof(err))) < 0) {
		fprintf(stderr, "tctape: %s\n", err);
		if (r == TC_ERR_CONNECT && errno == ECONNREFUSED)
			fprintf(stderr, "tctape: start the server with: "
			    "tclientd\n");
		return -1;
	}
	r = nodes_load(c, err, sizeof(err));
	tc_disconnect(c);
	if (r == -1)
		fprintf(stderr, "tctape: %s\n", err);
	return r;
}

/* What the kernel will pass per request: the size that may be split. */
static void
set_limits(void)
{
	struct fuse_conn_info	*c = tt.conn;
	size_t			 page = tt.pagesize, pages;
	unsigned		 lim;
	FILE			*fp;

	pages = c->proto_minor >= 28 ? (c->max_write - 1) / page + 1 : 32;
	if ((fp = fopen("/proc/sys/fs/fuse/max_pages_limit", "r")) != NULL) {
		if (fscanf(fp, "%u", &lim) == 1 && lim > 0 && lim < pages)
			pages = lim;
		fclose(fp);
	}
	tt.wlimit = c->max_write < pages * page ? c->max_write : pages * page;
	tt.rlimit = c->max_read && c->max_read < pages * page ? c->max_read :
	    pages * page;
	tt.wsplit = tt.wlimit > page ? tt.wlimit - page : 0;
	tt.rsplit = tt.rlimit > page ? tt.rlimit - page : 0;
}

static void
report(void)
{
	const struct tt_node	*n;
	size_t			 i, max;

	printf("%-17s %-16s %-8s %-9s %-10s %s\n", "NODE", "DRIVE", "BACKEND",
	    "AT-CLOSE", "ACCESS", "MAX-RECORD");
	for (i = 0; i < tt.nnodes; i++) {
		n = &tt.nodes[i];
		max = n->max_record < tt.wlimit ? n->max_record : tt.wlimit;
		printf("%-17s %-16s %-8s %-9s %-10s %zu\n", n->name, n->drive,
		    n->backend, n->rewind ? "rewind" : "no-rewind",
		    n->readonly ? "read-only" : "read-write", max);
	}
	printf("tctape: %s: a write(2) is one record of at most %zu bytes "
	    "(the largest FUSE request); larger ones fail with EINVAL\n",
	    tt.dir, tt.wlimit);
	fflush(stdout);
}

/* The kernel's INIT, before going to the background: the limits known. */
static int
first_request(struct fuse_session *se)
{
	struct fuse_buf	fb;
	int		r;

	memset(&fb, 0, sizeof(fb));
	while ((r = fuse_session_receive_buf(se, &fb)) == -EINTR)
		;
	if (r > 0)
		fuse_session_process_buf(se, &fb);
	free(fb.mem);
	if (r <= 0 || tt.conn == NULL || fuse_session_exited(se)) {
		fprintf(stderr, "tctape: %s: no INIT from the kernel\n",
		    tt.dir);
		return -1;
	}
	set_limits();
	return 0;
}

static int
serve(struct fuse_session *se, int foreground, int verbose)
{
	struct fuse_loop_config	*cfg;
	int			 r;

	if (first_request(se) == -1)
		return -1;
	report();
	if (fuse_daemonize(foreground) == -1)
		return -1;
	log_init(foreground, verbose, "tctape");
	log_info("%s: %zu tape nodes; requests of %zu bytes (write), %zu "
	    "(read)", tt.dir, tt.nnodes, tt.wlimit, tt.rlimit);
	if ((cfg = fuse_loop_cfg_create()) == NULL)
		return -1;
	/* a rewind may take minutes: other drives need their own threads */
	fuse_loop_cfg_set_max_threads(cfg, 64);
	fuse_loop_cfg_set_idle_threads(cfg, 4);
	r = fuse_session_loop_mt(se, cfg);
	fuse_loop_cfg_destroy(cfg);
	if (r < 0)
		log_warnx("%s: %s", tt.dir, strerror(-r));
	log_info("%s: unmounted", tt.dir);
	return r < 0 ? -1 : 0;
}

static int	is_tctape(const char *);

/* A directory, not already holding our nodes. */
static int
check_dir(const char *dir)
{
	struct stat	sb;

	if (stat(dir, &sb) == -1 && errno == ENOTCONN) {
		fprintf(stderr, "tctape: %s: the tctape that mounted it has "
		    "ended; first: tctape unmount %s\n", dir, dir);
		return -1;
	}
	if (errno != 0 || !S_ISDIR(sb.st_mode)) {
		fprintf(stderr, "tctape: %s: %s; mount needs an existing "
		    "directory (mkdir it first)\n", dir, errno ? strerror(errno) :
		    "not a directory");
		return -1;
	}
	if (realpath(dir, mnt_abs) != NULL && is_tctape(mnt_abs)) {
		fprintf(stderr, "tctape: %s: tape nodes are mounted there "
		    "already (tctape unmount %s)\n", dir, dir);
		return -1;
	}
	return 0;
}

/* FOPEN_STREAM (Linux 5.2): every read(2) and write(2) at offset 0. */
static int
check_kernel(void)
{
	struct utsname	u;
	unsigned	maj = 0, min = 0;

	if (uname(&u) == 0 && sscanf(u.release, "%u.%u", &maj, &min) == 2 &&
	    (maj < 5 || (maj == 5 && min < 2))) {
		fprintf(stderr, "tctape: Linux %s is too old: tape nodes need "
		    "FUSE stream files (Linux 5.2 or later)\n", u.release);
		return -1;
	}
	return 0;
}

static int
do_mount(struct fuse_args *args, int foreground, int verbose)
{
	struct fuse_session	*se;
	int			 r = -1;

	errno = 0;
	if (check_kernel() == -1 || check_dir(tt.dir) == -1)
		return 2;
	tt.pagesize = (size_t)sysconf(_SC_PAGESIZE);
	tt.uid = getuid();
	tt.gid = getgid();
	tt.mtime = time(NULL);
	if (load_drives() == -1)
		return 2;
	se = fuse_session_new(args, &tt_ops, sizeof(tt_ops), &tt);
	if (se != NULL && fuse_set_signal_handlers(se) == 0) {
		if (fuse_session_mount(se, tt.dir) == 0) {
			r = serve(se, foreground, verbose);
			fuse_session_unmount(se);
		}
		fuse_remove_signal_handlers(se);
	}
	if (se != NULL)
		fuse_session_destroy(se);
	handle_closeall();
	nodes_free();
	return r == 0 ? 0 : 2;
}

static int
is_tctape(const char *dir)
{
	struct mntent	*m;
	FILE		*fp;
	int		 found = 0;

	if ((fp = setmntent("/proc/self/mounts", "r")) == NULL)
		return 0;
	while ((m = getmntent(fp)) != NULL)
		if (strcmp(m->mnt_dir, dir) == 0)
			found = strcmp(m->mnt_type, "fuse.tctape") == 0;
	endmntent(fp);
	return found;
}

static int
do_unmount(const char *dir)
{
	char	cwd[PATH_MAX];

	/* a mount whose tctape has died cannot be stat'ed: build the path */
	if (realpath(dir, mnt_abs) == NULL && (*dir == '/' ||
	    getcwd(cwd, sizeof(cwd)) == NULL ||
	    (size_t)snprintf(mnt_abs, sizeof(mnt_abs), "%s/%s", cwd, dir) >=
	    sizeof(mnt_abs)))
		tc_strlcpy(mnt_abs, dir, sizeof(mnt_abs));
	if (!is_tctape(mnt_abs)) {
		fprintf(stderr, "tctape: %s: not a tctape mount\n", dir);
		return 2;
	}
	if (geteuid() != 0) {
		execlp("fusermount3", "fusermount3", "-u", mnt_abs,
		    (char *)NULL);
		fprintf(stderr, "tctape: fusermount3: %s\n", strerror(errno));
		return 2;
	}
	if (umount2(mnt_abs, 0) == -1) {
		fprintf(stderr, "tctape: unmount %s: %s%s\n", dir,
		    strerror(errno), errno == EBUSY ? " (a tape node is "
		    "open)" : "");
		return 2;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct fuse_args	args = FUSE_ARGS_INIT(0, NULL);
	int			ch, fg = 0, verbose = 0, r;

	if (fuse_opt_add_arg(&args, "tctape") == -1 ||
	    fuse_opt_add_arg(&args, "-o") == -1 ||
	    fuse_opt_add_arg(&args, "default_permissions,fsname=tctape,"
	    "subtype=tctape,max_read=1048576") == -1)
		fatalx("out of memory");
	while ((ch = getopt_long(argc, argv, "dfho:s:vV", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'd':
			fg = 1;
			verbose = 2;
			if (fuse_opt_add_arg(&args, "-d") == -1)
				fatalx("out of memory");
			break;
		case 'f': fg = 1; break;
		case 'h': usage(0); break;
		case 'o': take_options(optarg, &args); break;
		case 's': tt.opts.server = optarg; break;
		case 'v': verbose++; break;
		case 'V': printf("tctape %s\n", TC_VERSION); return 0;
		default: usage(1);
		}
	}
	if (argc - optind != 2)
		usage(1);
	log_init(1, verbose, "tctape");
	if (strcmp(argv[optind], "unmount") == 0 ||
	    strcmp(argv[optind], "umount") == 0)
		r = do_unmount(argv[optind + 1]);
	else if (strcmp(argv[optind], "mount") == 0) {
		tt.dir = argv[optind + 1];
		r = do_mount(&args, fg, verbose);
	} else {
		fprintf(stderr, "tctape: unknown command \"%s\"\n",
		    argv[optind]);
		usage(1);
	}
	fuse_opt_free_args(&args);
	return r;
}
