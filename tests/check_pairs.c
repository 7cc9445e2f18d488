/*
 * check_pairs.c -- platform pairs end to end.  A real tclientd claims a
 * server platform (TCLIENTD_PLATFORM) and clients declare another one
 * (tc_options.platform); each event of tape-facts.md section 5 is provoked
 * for real on a vtape, and the client must receive its own platform's
 * number for the event, as the pair rules say: every ordered pair of the
 * platforms in the tables.  And every local tape
 * operation of every platform, sent through tc_local_op, must reach the
 * daemon as its own canonical operation or fail locally with the
 * platform's "unsupported" errno: never as another operation.  And the
 * drive's status in each platform's own status word (tc_local_status).
 */
#include <sys/mtio.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "events.h"

static struct tc_tables	*T;
static struct daemon	 dmn;
static char		*home;

/* The drives: one per event that needs a tape in a given state. */
static const char drives[] =
    "drive wp {\n backend vtape\n path %s/wp.tap\n write-protect yes\n"
    " allow * read-write\n}\n"
    "drive ew {\n backend vtape\n path %s/ew.tap\n capacity 64K\n"
    " early-warning 8K\n allow * read-write\n}\n"
    "drive nm {\n backend vtape\n path %s/nm.tap\n allow * read-write\n}\n"
    "drive data {\n backend vtape\n path %s/data.tap\n"
    " allow * read-write\n}\n"
    "drive blank {\n backend vtape\n path %s/blank.tap\n"
    " allow * read-write\n}\n"
    "drive null {\n backend null\n allow * read-write\n}\n";

/* A lock-step client (every error at the call that caused it) for plat. */
static struct tc_conn *
client(const char *plat)
{
	struct tc_options	 o;
	struct tc_conn		*c;
	char			 err[600];

	memset(&o, 0, sizeof(o));
	o.server = dmn.server;
	o.home = dmn.home;
	o.platform = plat;
	o.window = -1;
	if (tc_connect(&o, &c, err, sizeof(err)) < 0)
		ck_abort_msg("connect as %s: %s", plat, err);
	ck_assert_str_eq(tc_platform(c), plat);
	return c;
}

/* Start a daemon claiming platform server, with the drives above. */
static void
start(const char *server)
{
	struct tc_conn	*c;
	char		*conf, text[2048];
	uint8_t		 rec[1000];

	ck_assert_ptr_nonnull(T = tables_load(tables_default_dir()));
	ck_assert(tables_ok(T));
	home = th_tmpdir();
	snprintf(text, sizeof(text), drives, home, home, home, home, home);
	ck_assert_ptr_nonnull(conf = th_conf(home, text));
	setenv("TCLIENTD_PLATFORM", server, 1);
	ck_assert_int_eq(th_daemon_start(&dmn, home, conf), 0);
	unsetenv("TCLIENTD_PLATFORM");
	free(conf);

	/* nm: no cartridge in the drive; data: one record of 1000 bytes */
	c = client(server);
	ck_assert_str_eq(tc_server_platform(c), server);
	ck_assert_int_eq(tc_open(c, "nm", O_RDONLY, 0), 0);
	ck_assert_int_eq(tc_op(c, TC_STOFFL, 1, NULL), 0);
	ck_assert_int_eq(tc_close(c), 0);
	ck_assert_int_eq(tc_open(c, "data", O_WRONLY, 0), 0);
	memset(rec, 'r', sizeof(rec));
	ck_assert_int_eq(tc_write(c, rec, sizeof(rec)), (ssize_t)sizeof(rec));
	ck_assert_int_eq(tc_close(c), 0);
	tc_disconnect(c);
}

static void
stop(void)
{
	ck_assert_int_eq(th_daemon_stop(&dmn), 0);
	th_rmrf(home);
	free(home);
	tables_free(T);
	T = NULL;
}

static const struct event *
event(const char *what)
{
	size_t	i;

	for (i = 0; i < nitems(events); i++)
		if (strcmp(events[i].what, what) == 0)
			return &events[i];
	ck_abort_msg("no event \"%s\" in events.h", what);
	return NULL;
}

/*
 * The name a client on cplat gets for the event when the server claims
 * splat, worked out from the event table alone.  The vtape reports the
 * event as Linux st does; the daemon first gives it the claimed platform's
 * name for the event (when Linux's errno identifies the event, else the
 * same name), then the client's: its own errno for the event when the
 * server's identifies it, else the same name, else EIO.
 */
static const char *
expect_name(const struct event *e, const char *splat, const char *cplat)
{
	const struct ev_val	*lv, *sv, *cv;
	const char		*name;

	lv = ev_value(e, "linux-x86_64");
	sv = ev_value(e, splat);
	cv = ev_value(e, cplat);
	ck_assert(lv != NULL && sv != NULL && cv != NULL);
	name = lv->src ? sv->err : lv->err;
	if (strcmp(splat, cplat) == 0)
		return name;
	if (strcmp(name, sv->err) == 0 && sv->src)
		return cv->err;
	if (platform_errbyname(tables_platform(T, cplat), name) != NULL)
		return name;
	return "EIO";
}

/* r failed with TC_ERR_DRIVE and errno is cplat's number for the event. */
static void
assert_event(const char *what, const char *splat, const char *cplat, long r,
    int err, struct tc_conn *c)
{
	const struct tc_platform *cp = tables_platform(T, cplat);
	const struct tc_errent	*want;
	const struct tc_errent	*got;
	const char		*name;

	name = expect_name(event(what), splat, cplat);
	ck_assert_ptr_nonnull(want = platform_errbyname(cp, name));
	got = platform_errbynum(cp, err);
	ck_assert_msg(r == TC_ERR_DRIVE && err == want->num,
	    "%s, server %s, client %s: got %ld, errno %d (%s): %s; "
	    "want %s (%d)", what, splat, cplat, r, err,
	    got ? got->name : "?", tc_errmsg(c), name, want->num);
}

/* Every event of section 5 for one pair. */
static void
pair(const char *splat, const char *cplat)
{
	struct tc_conn	*c, *c2;
	uint8_t		 buf[4096];
	long		 r;
	int		 i;

	c = client(cplat);
	ck_assert_str_eq(tc_server_platform(c), splat);
	memset(buf, 'w', sizeof(buf));

	r = tc_open(c, "wp", O_WRONLY, 0);
	assert_event("write-protected medium at open", splat, cplat, r, errno,
	    c);
	ck_assert_int_eq(tc_open(c, "wp", O_RDWR | O_NONBLOCK, 0), 0);
	r = tc_write(c, buf, 512);
	assert_event("write-protected medium at write", splat, cplat, r, errno,
	    c);
	r = tc_op(c, TC_STWEOF, 1, NULL);
	assert_event("write-protected medium at write filemark", splat, cplat,
	    r, errno, c);
	ck_assert_int_eq(tc_close(c), 0);

	r = tc_open(c, "nm", O_RDONLY, 0);
	assert_event("no medium at open", splat, cplat, r, errno, c);

	ck_assert_int_eq(tc_open(c, "ew", O_WRONLY, 0), 0);
	ck_assert_int_eq(tc_op(c, TC_STREW, 1, NULL), 0);
	for (i = 0; i < 64 && (r = tc_write(c, buf, sizeof(buf))) ==
	    (long)sizeof(buf); i++)
		;
	ck_assert_msg(i >= 8, "only %d records fit before the end", i);
	assert_event("end of medium on write", splat, cplat, r, errno, c);
	tc_close(c);		/* the filemark may not fit: either is right */

	ck_assert_int_eq(tc_open(c, "data", O_RDONLY, 0), 0);
	ck_assert_int_eq(tc_op(c, TC_STREW, 1, NULL), 0);
	r = tc_read(c, buf, 100);
	assert_event("record larger than the buffer", splat, cplat, r, errno,
	    c);
	r = tc_op(c, TC_X_RESET, 1, NULL);
	assert_event("operation not supported", splat, cplat, r, errno, c);
	c2 = client(cplat);
	r = tc_open(c2, "data", O_RDONLY, 0);
	assert_event("drive already open", splat, cplat, r, errno, c2);
	tc_disconnect(c2);
	ck_assert_int_eq(tc_close(c), 0);

	ck_assert_int_eq(tc_open(c, "blank", O_RDONLY, 0), 0);
	r = tc_read(c, buf, sizeof(buf));
	assert_event("blank tape or end of data on read", splat, cplat, r,
	    errno, c);
	ck_assert_int_eq(tc_close(c), 0);
	tc_disconnect(c);
}

/* Server platform _i against every other platform as the client. */
START_TEST(events_end_to_end)
{
	const struct tc_tables	*t;
	const char		*splat;
	size_t			 j, n = 0;

	ck_assert_ptr_nonnull(t = tables_load(tables_default_dir()));
	ck_assert_int_lt(_i, (int)t->nplats);
	splat = t->plats[_i].id;
	start(splat);
	for (j = 0; j < T->nplats; j++) {
		if (strcmp(T->plats[j].id, splat) == 0)
			continue;
		pair(splat, T->plats[j].id);
		n++;
	}
	ck_assert_uint_eq(n, T->nplats - 1);
	stop();
	tables_free((struct tc_tables *)t);
}
END_TEST

/* The op named in the daemon's log line for count, or NULL. */
static char *
logged_op(long long count)
{
	char	*log, *p, *end, needle[64], *name = NULL;
	size_t	 nl;

	ck_assert_ptr_nonnull(log = th_read_file(dmn.log));
	nl = (size_t)snprintf(needle, sizeof(needle), " count %lld\n", count);
	for (p = log; (p = strstr(p, needle)) != NULL; p += nl) {
		ck_assert_msg(name == NULL, "two ops with count %lld", count);
		end = p;
		while (p > log && p[-1] != ' ')
			p--;
		ck_assert(p > log + 4 && strncmp(p - 4, " op ", 4) == 0);
		name = strndup(p, (size_t)(end - p));
		p = end;
	}
	free(log);
	return name;
}

/* Client platform _i: each of its local ops, through the real daemon. */
START_TEST(local_ops_arrive_as_themselves)
{
	const struct tc_platform *cp;
	const struct tc_canon_info *ci;
	struct tc_conn		*c;
	long long		 count;
	char			*got;
	size_t			 k;
	int			 r, sent = 0;

	start("linux-x86_64");
	ck_assert_int_lt(_i, (int)T->nplats);
	cp = &T->plats[_i];
	ck_assert_uint_gt(cp->nops, 0);
	c = client(cp->id);
	ck_assert_int_eq(tc_open(c, "null", O_RDWR, 0), 0);
	for (k = 0; k < cp->nops; k++) {
		count = 7000 + _i * 100 + (long long)k;
		errno = 0;
		r = tc_local_op(c, cp->ops[k].local, count);
		got = logged_op(count);
		if (cp->ops[k].canon < 0) {
			ck_assert_msg(r == TC_ERR_DRIVE &&
			    errno == cp->unsupported && got == NULL,
			    "%s %s (%d): r %d errno %d, logged %s; want the "
			    "platform's unsupported errno %d, nothing sent",
			    cp->id, cp->ops[k].name, cp->ops[k].local, r,
			    errno, got ? got : "nothing", cp->unsupported);
			continue;
		}
		ck_assert_ptr_nonnull(ci = canon_byop(cp->ops[k].canon));
		ck_assert_msg(got != NULL && strcmp(got, ci->name) == 0,
		    "%s %s (%d) arrived as %s, want %s", cp->id,
		    cp->ops[k].name, cp->ops[k].local, got ? got : "nothing",
		    ci->name);
		ck_assert_msg(r == 0 || r == TC_ERR_DRIVE, "%s %s: r %d: %s",
		    cp->id, cp->ops[k].name, r, tc_errmsg(c));
		free(got);
		sent++;
	}
	/* a code the platform does not have at all */
	r = tc_local_op(c, 32000, 1);
	ck_assert_int_eq(r, TC_ERR_DRIVE);
	ck_assert_int_eq(errno, cp->unsupported);
	ck_assert_ptr_nonnull(strstr(tc_errmsg(c), "no canonical form on"));
	ck_assert_int_gt(sent, 0);
	ck_assert_int_eq(tc_close(c), 0);
	tc_disconnect(c);
	stop();
}
END_TEST

/*
 * Client platform _i: the drive's status in its own terms.  Linux and
 * HP-UX have the mt_gstat word (tape-facts.md 2.1: GMT_BOT 0x40000000,
 * GMT_WR_PROT 0x04000000, GMT_ONLINE 0x01000000, GMT_DR_OPEN 0x00040000,
 * GMT_IM_REP_EN 0x00010000, and on HP-UX GMT_COMPRESS 0x00100000); the
 * other platforms have none in the tables.
 */
START_TEST(status_in_client_terms)
{
	const struct tc_platform *cp;
	struct tc_conn		*c;
	struct tc_status	 st;
	struct mtget		 mt;
	uint32_t		 word, compress;
	int			 is_linux, hpux, has;

	start("linux-x86_64");
	ck_assert_int_lt(_i, (int)T->nplats);
	cp = &T->plats[_i];
	is_linux = strncmp(cp->id, "linux-", 6) == 0;
	hpux = strcmp(cp->id, "hpux-parisc") == 0;
	has = is_linux || hpux;
	compress = hpux ? 0x00100000 : 0;
	c = client(cp->id);

	/* write-protected, at BOT, compression on */
	ck_assert_int_eq(tc_open(c, "wp", O_RDONLY | O_NONBLOCK, 0), 0);
	ck_assert_int_eq(tc_op(c, TC_X_COMPRESSION, 1, NULL), 0);
	word = 0xdeadbeef;
	ck_assert_int_eq(tc_local_status(c, &st, &word), has);
	ck_assert_uint_eq(st.flags, TC_ST_BOT | TC_ST_WRPROT | TC_ST_ONLINE |
	    TC_ST_IMREP | TC_ST_COMPRESS);
	ck_assert_msg(word == (has ? 0x45010000 | compress : 0),
	    "%s: status word %08x", cp->id, (unsigned)word);
	if (is_linux) {
		/* the same bits as <sys/mtio.h> gives tc_mtiocget */
		ck_assert_int_eq(tc_mtiocget(c, &mt), 0);
		ck_assert_uint_eq((uint32_t)mt.mt_gstat, word);
	}
	ck_assert_int_eq(tc_close(c), 0);

	/* no cartridge */
	ck_assert_int_eq(tc_open(c, "nm", O_RDONLY | O_NONBLOCK, 0), 0);
	ck_assert_int_eq(tc_local_status(c, NULL, &word), has);
	ck_assert_msg(word == (has ? 0x00050000 : 0), "%s: no medium: %08x",
	    cp->id, (unsigned)word);
	ck_assert_int_eq(tc_close(c), 0);
	tc_disconnect(c);
	stop();
}
END_TEST

static Suite *
pairs_suite(void)
{
	Suite		*s = suite_create("pairs");
	TCase		*te = tcase_create("events");
	TCase		*to = tcase_create("local ops");
	struct tc_tables *t;
	int		 n;

	t = tables_load(tables_default_dir());
	n = t != NULL && tables_ok(t) ? (int)t->nplats : 1;
	tables_free(t);
	tcase_set_timeout(te, 600);
	tcase_add_loop_test(te, events_end_to_end, 0, n);
	suite_add_tcase(s, te);
	tcase_set_timeout(to, 300);
	tcase_add_loop_test(to, local_ops_arrive_as_themselves, 0, n);
	tcase_add_loop_test(to, status_in_client_terms, 0, n);
	suite_add_tcase(s, to);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(pairs_suite());
	int	 nfail;

	srunner_run_all(sr, CK_NORMAL);
	nfail = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfail == 0 ? 0 : 1;
}
