/*
 * preload_conf.c -- TCLIENT_DEVICES: which paths are remote drives, and
 * whether they rewind at close; messages on stderr; the C library's calls.
 *
 * TCLIENT_DEVICES=PATH=DRIVE[:rewind|:norewind][,...].  Without a suffix,
 * PATH rewinds at close and the same name with an "n" before its last
 * component does not, as st has /dev/st0 and /dev/nst0: /dev/tc0=vtape0
 * gives /dev/tc0 and /dev/ntc0.  A suffix names one node only.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "preload.h"

struct pl_real		pl_real;
static struct pl_dev	devs[PL_MAXDEV];
static int		ndevs;
static pthread_once_t	conf_once = PTHREAD_ONCE_INIT;

void
pl_msg(const char *fmt, ...)
{
	char	buf[1200];
	int	n, saved = errno;
	va_list	ap;

	n = snprintf(buf, sizeof(buf), "libtcpreload: ");
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	n = (int)strlen(buf);
	buf[n++] = '\n';
	(void)!REAL(write)(2, buf, (size_t)n);
	errno = saved;
}

static void *
next(const char *name)
{
	void	*p;

	if ((p = dlsym(RTLD_NEXT, name)) == NULL) {
		/* no pl_msg: it may be write that is missing */
		fprintf(stderr, "libtcpreload: the C library has no %s\n", name);
		abort();
	}
	return p;
}

#define FIND(name)	(pl_real.name = (__typeof__(pl_real.name))next(#name))
/* newer calls: absent from an older C library, whose programs lack them */
#define FIND_NEW(name)	(pl_real.name = (__typeof__(pl_real.name)) \
	dlsym(RTLD_NEXT, #name))

/* At load, before the program has threads; again if called before that. */
__attribute__((__constructor__)) void
pl_resolve(void)
{
	FIND(open); FIND(open64); FIND(openat); FIND(openat64);
	FIND(__open_2); FIND(__open64_2); FIND(__openat_2);
	FIND(__openat64_2); FIND(creat); FIND(creat64); FIND(read);
	FIND(__read_chk); FIND(write); FIND(ioctl); FIND(close); FIND(fstat);
	FIND(fstat64); FIND(__fxstat); FIND(__fxstat64); FIND(fstatat);
	FIND(fstatat64); FIND(lseek); FIND(lseek64); FIND(dup); FIND(dup2);
	FIND(dup3); FIND(fcntl); FIND(fcntl64); FIND(fsync); FIND(fdatasync);
	FIND_NEW(close_range); FIND_NEW(closefrom);
}

/* "//" and "/./" say nothing: /dev//tc0 is /dev/tc0. */
static void
normalize(char *s)
{
	char	*r = s, *w = s;

	while (*r != '\0') {
		if (r[0] == '/' && r[1] == '/')
			r++;
		else if (r[0] == '/' && r[1] == '.' && r[2] == '/')
			r += 2;
		else
			*w++ = *r++;
	}
	*w = '\0';
}

static struct pl_dev *
find(const char *path)
{
	int	i;

	for (i = 0; i < ndevs; i++)
		if (strcmp(devs[i].path, path) == 0)
			return &devs[i];
	return NULL;
}

static void
bad(const char *entry, const char *why)
{
	pl_msg("TCLIENT_DEVICES: \"%s\": %s; write PATH=DRIVE[:rewind|"
	    ":norewind][,...], as in /dev/tc0=vtape0 (this entry is ignored)",
	    entry, why);
}

/* One PATH=DRIVE[:MODE]; *twin is set when the n-node should be made. */
static int
parse_entry(char *e, int minor, int *twin)
{
	char		 orig[PL_PATHMAX + 80], *drive, *mode;
	struct pl_dev	*d;

	tc_strlcpy(orig, e, sizeof(orig));
	if ((drive = strrchr(e, '=')) == NULL)
		return bad(orig, "no '=' between the path and the drive"), -1;
	*drive++ = '\0';
	*twin = 1;
	if ((mode = strrchr(drive, ':')) != NULL) {
		*mode++ = '\0';
		*twin = 0;
		if (strcmp(mode, "rewind") != 0 && strcmp(mode, "norewind") != 0)
			return bad(orig, "the suffix must be :rewind or "
			    ":norewind"), -1;
	}
	if (e[0] != '/')
		return bad(orig, "the path must be absolute"), -1;
	if (strlen(e) >= PL_PATHMAX)
		return bad(orig, "the path is too long"), -1;
	if (!tc_valid_name(drive))
		return bad(orig, "not a drive name (letters, digits, '.', '_', "
		    "'-'; see them with: tclient drives)"), -1;
	normalize(e);
	if (find(e) != NULL)
		return bad(orig, "this path is named twice"), -1;
	if (ndevs == PL_MAXDEV)
		return bad(orig, "too many devices"), -1;
	d = &devs[ndevs++];
	tc_strlcpy(d->path, e, sizeof(d->path));
	tc_strlcpy(d->drive, drive, sizeof(d->drive));
	d->rewind = mode == NULL || strcmp(mode, "rewind") == 0;
	d->minor = minor | (d->rewind ? 0 : PL_NOREWIND);
	return 0;
}

/* The non-rewinding twin of an entry, unless that path is taken. */
static void
add_twin(const struct pl_dev *d)
{
	const char	*base = strrchr(d->path, '/') + 1;
	struct pl_dev	*t;
	char		 path[PL_PATHMAX + 1];

	snprintf(path, sizeof(path), "%.*sn%s", (int)(base - d->path),
	    d->path, base);
	if (strlen(path) >= PL_PATHMAX || find(path) != NULL ||
	    ndevs == PL_MAXDEV)
		return;
	t = &devs[ndevs++];
	*t = *d;
	tc_strlcpy(t->path, path, sizeof(t->path));
	t->rewind = 0;
	t->minor |= PL_NOREWIND;
}

static void
conf_init(void)
{
	const char	*env = getenv("TCLIENT_DEVICES");
	char		*copy, *e, *next;
	int		 twin[PL_MAXDEV], n = 0, i, first;

	if (env == NULL || *env == '\0')
		return;
	if ((copy = strdup(env)) == NULL) {
		pl_msg("TCLIENT_DEVICES: out of memory");
		return;
	}
	for (e = copy; e != NULL; e = next) {
		if ((next = strchr(e, ',')) != NULL)
			*next++ = '\0';
		if (*e == '\0') {
			bad(e, "an empty entry");
			continue;
		}
		first = ndevs;
		if (parse_entry(e, n, &twin[n]) == 0 && ndevs > first)
			n++;
	}
	/* twins last, so that a path named outright wins */
	for (i = 0; i < n; i++)
		if (twin[i])
			add_twin(&devs[i]);
	free(copy);
}

/* The device a path names, or NULL: then it is the C library's. */
const struct pl_dev *
pl_lookup(int dirfd, const char *path)
{
	char	buf[PL_PATHMAX];

	pthread_once(&conf_once, conf_init);
	if (ndevs == 0 || path == NULL || path[0] != '/' ||
	    tc_strlcpy(buf, path, sizeof(buf)) >= sizeof(buf))
		return NULL;
	(void)dirfd;		/* an absolute path ignores it */
	normalize(buf);
	return find(buf);
}
