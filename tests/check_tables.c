/*
 * check_tables.c -- the table loader: every kind of diagnostic with its
 * exact "file:line: reason", on small table sets written to a temporary
 * directory; the built-in tables and tables/ on disk load clean.
 */
#include <sys/stat.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

static char	dir[4096];

/* A minimal valid set: two platforms, one rule. */
static const char *good_errno_a = "EIO 5\nEPERM 1\nEROFS 30\n";
static const char *good_ops_a = "unsupported EPERM\nOPW 1 STWEOF\n";
static const char *good_errno_b = "EIO 5\nEACCES 13\n";
static const char *good_ops_b = "unsupported EIO\nOPW 0 STWEOF\n";
static const char *good_rules = "a-x b-y open EROFS EACCES\n";

static void
put(const char *name, const char *text)
{
	char	path[8192];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	ck_assert_int_eq(fwrite(text, 1, strlen(text), f), strlen(text));
	ck_assert_int_eq(fclose(f), 0);
}

static void
put_good(void)
{
	put("a-x.errno", good_errno_a);
	put("a-x.ops", good_ops_a);
	put("b-y.errno", good_errno_b);
	put("b-y.ops", good_ops_b);
	put("pairs.rules", good_rules);
}

static void
setup(void)
{
	const char	*tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/check_tables.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void
teardown(void)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* want with every "%D" replaced by dir */
static void
subst(char *buf, size_t len, const char *want)
{
	const char	*p;
	size_t		 n = 0;

	buf[0] = '\0';
	while ((p = strstr(want, "%D")) != NULL && n < len) {
		n += snprintf(buf + n, len - n, "%.*s%s", (int)(p - want),
		    want, dir);
		want = p + 2;
	}
	if (n < len)
		snprintf(buf + n, len - n, "%s", want);
}

/* Load dir and compare its diagnostics, in order, with the list. */
static void
expect(const char *first, ...)
{
	struct tc_tables	*t;
	va_list			 ap;
	const char		*want;
	char			 got[8192], exp[8192];
	size_t			 i = 0;

	ck_assert_ptr_nonnull(t = tables_load(dir));
	va_start(ap, first);
	for (want = first; want != NULL; want = va_arg(ap, const char *)) {
		ck_assert_msg(i < t->ndiags, "missing diagnostic: %s", want);
		subst(exp, sizeof(exp), want);
		snprintf(got, sizeof(got), "%s:%d: %s", t->diags[i].file,
		    t->diags[i].line, t->diags[i].msg);
		ck_assert_str_eq(got, exp);
		i++;
	}
	va_end(ap);
	if (i < t->ndiags)
		ck_abort_msg("unexpected diagnostic: %s:%d: %s",
		    t->diags[i].file, t->diags[i].line, t->diags[i].msg);
	ck_assert_int_eq(tables_ok(t), i == 0);
	tables_free(t);
}

START_TEST(good_set_loads)
{
	struct tc_tables	*t;

	put_good();
	put("README", "not a table\n");
	put(".a-x.errno.swp", "junk junk junk\n");
	put("tcerrno.5", ".TH\n");
	ck_assert_ptr_nonnull(t = tables_load(dir));
	ck_assert_int_eq(t->ndiags, 0);
	ck_assert(tables_ok(t));
	ck_assert_str_eq(t->source, dir);
	ck_assert_int_eq(t->nplats, 2);
	ck_assert_str_eq(t->plats[0].id, "a-x");
	ck_assert_int_eq(t->plats[0].fallback, 5);
	ck_assert_int_eq(t->plats[0].unsupported, 1);
	ck_assert_int_eq(t->nrules, 1);
	ck_assert_int_eq(t->rules[0].ctx, TC_CTX_OPEN);
	ck_assert_int_eq(t->rules[0].line, 1);
	tables_free(t);
}
END_TEST

START_TEST(comments_blanks_crlf_no_final_newline)
{
	struct tc_tables	*t;

	put_good();
	put("a-x.errno", "# comment \xc3\xa9\n\n  \t\nEIO 5 # trailing\r\n"
	    "EPERM\t1\r\nEROFS 30");
	ck_assert_ptr_nonnull(t = tables_load(dir));
	ck_assert_int_eq(t->ndiags, 0);
	ck_assert_int_eq(t->plats[0].nerrs, 3);
	ck_assert_int_eq(t->plats[0].errs[2].num, 30);
	ck_assert_int_eq(t->plats[0].errs[2].line, 6);
	tables_free(t);
}
END_TEST

START_TEST(errno_syntax)
{
	char	text[1024], longname[TC_NAME_MAX + 2];

	memset(longname, 'A', sizeof(longname));
	longname[0] = 'E';
	longname[TC_NAME_MAX + 1] = '\0';
	snprintf(text, sizeof(text), "EIO 5\nEPERM 1\nEX 1 2\neperm 1\n"
	    "EROFS thirty\nEROFS 4096\nEROFS 0\n"
	    "EROFS 99999999999999999999999\nEROFS -3\nEROFS 30\nEROFS 31\n"
	    "E 7\n%s 9\nEAGAIN 0x0b\n", longname);
	put_good();
	put("a-x.errno", text);
	expect("%D/a-x.errno:3: expected NAME NUMBER, found 3 fields",
	    "%D/a-x.errno:4: bad errno name \"eperm\"",
	    "%D/a-x.errno:5: errno number \"thirty\" is not a decimal number",
	    "%D/a-x.errno:6: errno number 4096 out of range 1..4095",
	    "%D/a-x.errno:7: errno number 0 out of range 1..4095",
	    "%D/a-x.errno:8: errno number 99999999999999999999999 out of "
	    "range 1..4095",
	    "%D/a-x.errno:9: errno number \"-3\" is not a decimal number",
	    "%D/a-x.errno:11: duplicate errno name EROFS (first at line 10)",
	    "%D/a-x.errno:12: bad errno name \"E\"",
	    "%D/a-x.errno:13: errno name too long (over 63 characters)",
	    "%D/a-x.errno:14: errno number \"0x0b\" is not a decimal number",
	    NULL);
}
END_TEST

START_TEST(aliases_keep_file_order)
{
	struct tc_tables		*t;
	const struct tc_platform	*p;

	put_good();
	put("a-x.errno", "EIO 5\nEPERM 1\nEROFS 30\nEAGAIN 11\n"
	    "EWOULDBLOCK 11\n");
	ck_assert_ptr_nonnull(t = tables_load(dir));
	ck_assert_int_eq(t->ndiags, 0);
	ck_assert_ptr_nonnull(p = tables_platform(t, "a-x"));
	ck_assert_str_eq(platform_errbynum(p, 11)->name, "EAGAIN");
	ck_assert_int_eq(platform_errbyname(p, "EWOULDBLOCK")->num, 11);
	ck_assert_ptr_null(platform_errbyname(p, "EACCES"));
	ck_assert_ptr_null(platform_errbynum(p, 12));
	tables_free(t);
}
END_TEST

START_TEST(characters_and_long_lines)
{
	char	text[4096];
	size_t	n;

	/* 1023 characters is the limit; a comment may hold any byte */
	text[0] = '#';
	memset(text + 1, 'x', 1022);
	n = 1023;
	n += snprintf(text + n, sizeof(text) - n, "\nEIO 5\nEPERM 1\n"
	    "EROFS 30\n# \x01\nEB\x01 2\nEC\xc3\xa9 3\n");
	memset(text + n, 'x', 1024);
	n += 1024;
	snprintf(text + n, sizeof(text) - n, "\nED 4\n");
	put_good();
	put("a-x.errno", text);
	expect("%D/a-x.errno:6: invalid character 0x01",
	    "%D/a-x.errno:7: invalid character 0xc3",
	    "%D/a-x.errno:8: line too long (over 1023 characters)", NULL);
}
END_TEST

START_TEST(nul_byte)
{
	static const char	text[] = "EIO 5\nEPERM 1\nEROFS 30\nEX\0 9\n";
	char			path[8192];
	int			fd;

	put_good();
	snprintf(path, sizeof(path), "%s/a-x.errno", dir);
	ck_assert_int_ne(fd = open(path, O_WRONLY | O_TRUNC), -1);
	ck_assert_int_eq(write(fd, text, sizeof(text) - 1), sizeof(text) - 1);
	close(fd);
	expect("%D/a-x.errno:4: invalid character 0x00", NULL);
}
END_TEST

START_TEST(file_names)
{
	put_good();
	put("Bad.errno", "EIO 5\n");
	put("linux.ops", "unsupported EIO\n");
	put("any-name.rules", "");
	expect("%D/Bad.errno:0: bad platform id \"Bad\" in file name",
	    "%D/linux.ops:0: bad platform id \"linux\" in file name", NULL);
}
END_TEST

START_TEST(platform_files_pair_up)
{
	put_good();
	put("c-z.errno", "EIO 5\n");
	put("d-w.ops", "unsupported EIO\n");
	expect("%D/c-z.errno:0: no c-z.ops for this platform",
	    "%D/d-w.ops:0: no d-w.errno for this platform", NULL);
}
END_TEST

START_TEST(missing_eio)
{
	put_good();
	put("b-y.errno", "EACCES 13\n");
	put("b-y.ops", "unsupported EACCES\nOPW 0 STWEOF\n");
	expect("%D/b-y.errno:0: no EIO: every platform needs it as the "
	    "fallback errno", NULL);
}
END_TEST

START_TEST(ops_syntax)
{
	put_good();
	put("a-x.ops", "unsupported EPERM\nOPW 1 STWEOF\nOPX 2\n"
	    "mtweof 3 STFSF\nOPY three STFSF\nOPY 32768 STFSF\n"
	    "OPY 4 STFOO\nOPW 5 STFSF\nOPZ 1 STFSF\nOPV 6 STWEOF\n"
	    "OPU 7 -\nOPT 8 -\nOPS 9 TCX_SEEK 1\n_OP 10 -\n");
	expect("%D/a-x.ops:3: expected LOCALNAME NUMBER CANONICAL, found 2 "
	    "fields",
	    "%D/a-x.ops:4: bad op name \"mtweof\"",
	    "%D/a-x.ops:5: op number \"three\" is not a decimal number",
	    "%D/a-x.ops:6: op number 32768 out of range 0..32767",
	    "%D/a-x.ops:7: unknown canonical op \"STFOO\"",
	    "%D/a-x.ops:8: duplicate op name OPW (first at line 2)",
	    "%D/a-x.ops:9: duplicate op number 1 (first at line 2)",
	    "%D/a-x.ops:10: canonical op STWEOF already mapped at line 2",
	    "%D/a-x.ops:13: expected LOCALNAME NUMBER CANONICAL, found 4 "
	    "fields",
	    "%D/a-x.ops:14: bad op name \"_OP\"", NULL);
}
END_TEST

START_TEST(ops_unsupported)
{
	put_good();
	put("a-x.ops", "unsupported ENOSYS\nunsupported EPERM\n"
	    "unsupported EPERM EIO\nOPW 1 STWEOF\n");
	put("b-y.ops", "OPW 0 STWEOF\nunsupported eio\n");
	expect("%D/a-x.ops:1: unknown errno name ENOSYS (not in a-x.errno)",
	    "%D/a-x.ops:2: duplicate unsupported directive (first at line 1)",
	    "%D/a-x.ops:3: expected unsupported ERRNONAME, found 3 fields",
	    "%D/b-y.ops:0: no unsupported directive",
	    "%D/b-y.ops:2: bad errno name \"eio\"", NULL);
}
END_TEST

/* "status FLAG BITS": each mistake, and the word a good set gives. */
START_TEST(ops_status)
{
	struct tc_tables		*t;
	const struct tc_platform	*p;

	put_good();
	put("a-x.ops", "unsupported EPERM\nOPW 1 STWEOF\n"
	    "status BOT 0x40000000\n"
	    "status BOT\n"
	    "status BOOT 0x1\n"
	    "status EOF 40000000\n"
	    "status EOF 0x0\n"
	    "status EOF 0x123456789\n"
	    "status EOF 0xg\n"
	    "status BOT 0x2\n"
	    "status EOF 0x40000001\n"
	    "status EOF 0x80000000 GMT_EOF\n"
	    "status WR_PROT 0X04000000\n");
	expect("%D/a-x.ops:4: expected status FLAG BITS, found 2 fields",
	    "%D/a-x.ops:5: unknown status flag \"BOOT\": use BOT, EOF, EOT, "
	    "EOD, WR_PROT, ONLINE, NO_MEDIUM, SM, IM_REP_EN, CLN or COMPRESS",
	    "%D/a-x.ops:6: status bits \"40000000\" are not a hexadecimal "
	    "number 0x1..0xffffffff",
	    "%D/a-x.ops:7: status bits \"0x0\" are not a hexadecimal "
	    "number 0x1..0xffffffff",
	    "%D/a-x.ops:8: status bits \"0x123456789\" are not a hexadecimal "
	    "number 0x1..0xffffffff",
	    "%D/a-x.ops:9: status bits \"0xg\" are not a hexadecimal "
	    "number 0x1..0xffffffff",
	    "%D/a-x.ops:10: duplicate status flag BOT (first at line 3)",
	    "%D/a-x.ops:11: status bits 0x40000001 of EOF overlap those of BOT "
	    "at line 3",
	    "%D/a-x.ops:12: expected status FLAG BITS, found 4 fields", NULL);

	put("a-x.ops", "unsupported EPERM\nOPW 1 STWEOF\n"
	    "status BOT 0x40000000\nstatus EOF 0x80000000\n"
	    "status COMPRESS 0x00100000\n");
	ck_assert_ptr_nonnull(t = tables_load(dir));
	ck_assert_int_eq(t->ndiags, 0);
	ck_assert_ptr_nonnull(p = tables_platform(t, "a-x"));
	ck_assert(platform_has_gstat(p));
	ck_assert_uint_eq(platform_flags(p), TC_ST_BOT | TC_ST_EOF |
	    TC_ST_COMPRESS);
	ck_assert_uint_eq(platform_gstat(p, TC_ST_BOT | TC_ST_WRPROT |
	    TC_ST_COMPRESS), 0x40100000);
	ck_assert_uint_eq(platform_gstat(p, TC_ST_WRPROT), 0);
	ck_assert_int_eq(p->gstat_line[1], 4);	/* TC_ST_EOF is bit 1 */
	ck_assert(!platform_has_gstat(tables_platform(t, "b-y")));
	tables_free(t);
}
END_TEST

START_TEST(rules_syntax)
{
	put_good();
	put("pairs.rules", "a-x b-y open EROFS EACCES\n"
	    "a-x b-y open EROFS\n"
	    "Linux b-y open EROFS EACCES\n"
	    "a-x b- open EROFS EACCES\n"
	    "a-x -* open EROFS EACCES\n"
	    "a-x b-y opening EROFS EACCES\n"
	    "a-x b-y read erofs EACCES\n"
	    "a-x b-y read EROFS EACCES EPERM\n");
	expect("%D/pairs.rules:2: expected SERVER CLIENT CONTEXT "
	    "SERVER_ERRNO CLIENT_ERRNO, found 4 fields",
	    "%D/pairs.rules:3: bad platform \"Linux\": use an id (os-arch), "
	    "os-* or *",
	    "%D/pairs.rules:4: bad platform \"b-\": use an id (os-arch), "
	    "os-* or *",
	    "%D/pairs.rules:5: bad platform \"-*\": use an id (os-arch), "
	    "os-* or *",
	    "%D/pairs.rules:6: bad context \"opening\": use open, read, "
	    "write, ioctl, close or *",
	    "%D/pairs.rules:7: bad errno name \"erofs\"",
	    "%D/pairs.rules:8: expected SERVER CLIENT CONTEXT SERVER_ERRNO "
	    "CLIENT_ERRNO, found 6 fields", NULL);
}
END_TEST

START_TEST(rules_unknown_names)
{
	put_good();
	put("pairs.rules", "a-x b-y open EROFS EACCES\n"
	    "a-x b-y write EACCES EACCES\n"
	    "* b-y read EROFS EPERM\n"
	    "a-* * close EPERM EPERM\n");
	expect("%D/pairs.rules:2: unknown errno name EACCES: no platform "
	    "matching \"a-x\" has it",
	    "%D/pairs.rules:3: unknown errno name EPERM: no platform "
	    "matching \"b-y\" has it", NULL);
}
END_TEST

START_TEST(rules_never_fire)
{
	put_good();
	put("pairs.rules", "a-x b-y open EROFS EACCES\n"
	    "zz-* b-y open EROFS EACCES\n"
	    "a-x q-q open EROFS EACCES\n"
	    "a-x a-x open EROFS EPERM\n"
	    "a-* a-x read EROFS EPERM\n"
	    "* * write EIO EIO\n");
	expect("%D/pairs.rules:2: rule can never fire: no platform matches "
	    "\"zz-*\"",
	    "%D/pairs.rules:3: rule can never fire: no platform matches "
	    "\"q-q\"",
	    "%D/pairs.rules:4: rule can never fire: server and client are "
	    "the same platform",
	    "%D/pairs.rules:5: rule can never fire: server and client are "
	    "the same platform", NULL);
}
END_TEST

/* Rules that the lookup never chooses: another wins for every pair. */
START_TEST(rules_shadowed)
{
	put_good();
	put("pairs.rules", "a-x b-y open EROFS EACCES\n"
	    "a-* b-y open EROFS EIO\n"
	    "* * open EROFS EACCES\n"
	    "a-x * write EROFS EACCES\n"
	    "a-x b-y write EROFS EIO\n"
	    "a-x b-y * EROFS EIO\n"
	    "a-x * read EROFS EIO\n");
	put("z.rules", "a-* b-* open EROFS EACCES\n");
	expect("%D/pairs.rules:2: rule can never fire: line 1 is chosen "
	    "instead for every pair it covers",
	    "%D/pairs.rules:3: rule can never fire: line 1 is chosen "
	    "instead for every pair it covers",
	    "%D/pairs.rules:4: rule can never fire: line 5 is chosen "
	    "instead for every pair it covers",
	    "%D/z.rules:1: rule can never fire: %D/pairs.rules:1 is chosen "
	    "instead for every pair it covers", NULL);
}
END_TEST

START_TEST(rules_duplicate_and_conflict)
{
	put_good();
	put("pairs.rules", "a-x b-y open EROFS EACCES\n"
	    "a-x b-y read EROFS EACCES\n"
	    "a-x b-y open EROFS EACCES\n"
	    "a-x b-y open EROFS EIO\n"
	    "a-* b-y open EROFS EIO\n"
	    "a-x b-y any EROFS EIO\n"
	    "a-x b-y * EROFS EACCES\n");
	put("z.rules", "a-x b-y read EROFS EIO\n");
	expect("%D/pairs.rules:3: duplicate rule (same as line 1)",
	    "%D/pairs.rules:4: conflicting rule: line 1 maps EROFS to EACCES",
	    "%D/pairs.rules:5: rule can never fire: line 1 is chosen instead "
	    "for every pair it covers",
	    "%D/pairs.rules:7: conflicting rule: line 6 maps EROFS to EIO",
	    "%D/z.rules:1: conflicting rule: %D/pairs.rules:2 maps EROFS to "
	    "EACCES", NULL);
}
END_TEST

START_TEST(directory_problems)
{
	size_t	len = strlen(dir);

	expect("%D:0: no platform tables (*.errno files) found", NULL);
	strcat(dir, "/nonexistent");
	expect("%D:0: cannot open directory: No such file or directory",
	    NULL);
	dir[len] = '\0';
}
END_TEST

START_TEST(file_problems)
{
	char	path[8192];
	int	fd;

	put_good();
	snprintf(path, sizeof(path), "%s/c-z.errno", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/b-y.errno", dir);
	ck_assert_int_ne(fd = open(path, O_WRONLY | O_TRUNC), -1);
	ck_assert_int_eq(ftruncate(fd, TC_TABLE_FILE_MAX + 1), 0);
	close(fd);
	expect("%D/b-y.errno:0: file too large (over 1048576 bytes)",
	    "%D/b-y.ops:0: no b-y.errno for this platform",
	    "%D/c-z.errno:0: not a regular file",
	    "%D/pairs.rules:1: unknown errno name EACCES: no platform "
	    "matching \"b-y\" has it", NULL);

	/* a file that cannot be opened: a dangling symbolic link */
	put_good();
	snprintf(path, sizeof(path), "%s/c-z.errno", dir);
	ck_assert_int_eq(rmdir(path), 0);
	snprintf(path, sizeof(path), "%s/a-x.ops", dir);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(symlink("/nonexistent/a-x.ops", path), 0);
	expect("%D/a-x.errno:0: no a-x.ops for this platform",
	    "%D/a-x.ops:0: cannot read: No such file or directory", NULL);
}
END_TEST

START_TEST(trailing_slash)
{
	struct tc_tables	*t;
	size_t			 len = strlen(dir);

	put_good();
	put("b-y.errno", "EIO 5\nEACCES 13\nEACCES 13\n");
	strcat(dir, "/");
	ck_assert_ptr_nonnull(t = tables_load(dir));
	dir[len] = '\0';
	ck_assert_int_eq(t->ndiags, 1);
	ck_assert(strncmp(t->diags[0].file, dir, len) == 0);
	ck_assert_str_eq(t->diags[0].file + len, "/b-y.errno");
	tables_free(t);
}
END_TEST

START_TEST(too_many_problems)
{
	struct tc_tables	*t;
	char			*text;
	size_t			 i;

	put_good();
	ck_assert_ptr_nonnull(text = malloc(1500 * 8 + 16));
	strcpy(text, "EIO 5\n");
	for (i = 0; i < 1500; i++)
		strcat(text, "bad 1\n");
	put("b-y.errno", text);
	free(text);
	ck_assert_ptr_nonnull(t = tables_load(dir));
	ck_assert_int_eq(t->ndiags, 1001);
	ck_assert_str_eq(t->diags[0].file, dir);
	ck_assert_str_eq(t->diags[0].msg,
	    "too many problems (over 1000), the rest not reported");
	ck_assert_int_eq(t->diags[1].line, 2);
	ck_assert_int_eq(t->diags[1000].line, 1001);
	tables_free(t);
}
END_TEST

/* Diagnostics come sorted by file, then line, whatever pass found them. */
START_TEST(diagnostics_sorted)
{
	put_good();
	put("a-x.ops", "OPW 1 STWEOF\nOPW 2 STFSF\n");
	put("pairs.rules", "a-x b-y open EROFS EACCES\nq-* b-y open EROFS "
	    "EACCES\n");
	put("b-y.errno", "EIO 5\nEACCES 13\nEACCES 14\n");
	expect("%D/a-x.ops:0: no unsupported directive",
	    "%D/a-x.ops:2: duplicate op name OPW (first at line 1)",
	    "%D/b-y.errno:3: duplicate errno name EACCES (first at line 2)",
	    "%D/pairs.rules:2: rule can never fire: no platform matches "
	    "\"q-*\"", NULL);
}
END_TEST

START_TEST(builtin_loads_clean)
{
	struct tc_tables	*t;
	size_t			 i, nerrno = 0;

	ck_assert_ptr_nonnull(t = tables_load(NULL));
	for (i = 0; i < t->ndiags; i++)
		fprintf(stderr, "%s:%d: %s\n", t->diags[i].file,
		    t->diags[i].line, t->diags[i].msg);
	ck_assert_int_eq(t->ndiags, 0);
	ck_assert_str_eq(t->source, "built-in");
	for (i = 0; i < tc_embedded_ntables; i++)
		nerrno += strstr(tc_embedded_tables[i].name, ".errno") != NULL;
	ck_assert_int_eq(t->nplats, nerrno);
	ck_assert_uint_gt(t->nrules, 0);
	ck_assert_ptr_nonnull(tables_platform(t, "linux-x86_64"));
	ck_assert_ptr_nonnull(tables_platform(t, "aix-ppc64"));
	tables_free(t);
}
END_TEST

START_TEST(disk_tables_load_clean)
{
	struct tc_tables	*t;
	const char		*src = getenv("TC_SRCDIR");
	size_t			 i;

	snprintf(dir, sizeof(dir), "%s/tables", src != NULL ? src : ".");
	ck_assert_ptr_nonnull(t = tables_load(dir));
	for (i = 0; i < t->ndiags; i++)
		fprintf(stderr, "%s:%d: %s\n", t->diags[i].file,
		    t->diags[i].line, t->diags[i].msg);
	ck_assert_int_eq(t->ndiags, 0);
	ck_assert_uint_ge(t->nplats, 2);
	tables_free(t);
}
END_TEST

static Suite *
tables_suite(void)
{
	Suite	*s = suite_create("tables");
	TCase	*tc = tcase_create("diagnostics");
	TCase	*tr = tcase_create("real tables");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, good_set_loads);
	tcase_add_test(tc, comments_blanks_crlf_no_final_newline);
	tcase_add_test(tc, errno_syntax);
	tcase_add_test(tc, aliases_keep_file_order);
	tcase_add_test(tc, characters_and_long_lines);
	tcase_add_test(tc, nul_byte);
	tcase_add_test(tc, file_names);
	tcase_add_test(tc, platform_files_pair_up);
	tcase_add_test(tc, missing_eio);
	tcase_add_test(tc, ops_syntax);
	tcase_add_test(tc, ops_unsupported);
	tcase_add_test(tc, ops_status);
	tcase_add_test(tc, rules_syntax);
	tcase_add_test(tc, rules_unknown_names);
	tcase_add_test(tc, rules_never_fire);
	tcase_add_test(tc, rules_duplicate_and_conflict);
	tcase_add_test(tc, rules_shadowed);
	tcase_add_test(tc, directory_problems);
	tcase_add_test(tc, file_problems);
	tcase_add_test(tc, trailing_slash);
	tcase_add_test(tc, too_many_problems);
	tcase_add_test(tc, diagnostics_sorted);
	suite_add_tcase(s, tc);
	tcase_add_test(tr, builtin_loads_clean);
	tcase_add_test(tr, disk_tables_load_clean);
	suite_add_tcase(s, tr);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(tables_suite());
	int	 nfail;

	srunner_run_all(sr, CK_NORMAL);
	nfail = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfail == 0 ? 0 : 1;
}
