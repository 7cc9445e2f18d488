/*
 * check_config.c -- tclientd.conf(5): what a good file parses to, every
 * mistake's exact "file:line: reason", the embedded default, acl_access.
 */
#include <sys/stat.h>

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tclientd.h"

#define HEAD	"ca ca.pem\ncertificate server.pem\nkey server.key\n"
#define NULL0	"drive null0 {\n\tbackend null\n\tallow * read-write\n}\n"

static char	 dir[128];
static char	 file[160];
static char	*got[128];
static size_t	 ngot;

static int
collect(const char *line)
{
	if (ngot < nitems(got))
		got[ngot++] = strdup(line);
	return 0;
}

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "%s/check_config.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/tclientd.conf", dir);
	ngot = 0;
}

static void
teardown(void)
{
	while (ngot > 0)
		free(got[--ngot]);
	unlink(file);
	rmdir(dir);
}

static void
write_file(const char *text, size_t len)
{
	FILE	*fp;

	ck_assert_ptr_nonnull(fp = fopen(file, "w"));
	ck_assert_uint_eq(fwrite(text, 1, len, fp), len);
	ck_assert_int_eq(fclose(fp), 0);
}

static struct config *
load(const char *text)
{
	write_file(text, strlen(text));
	return config_load(file, collect);
}

/* A good file: it loads, and nothing is reported. */
static struct config *
load_ok(const char *text)
{
	struct config	*conf = load(text);

	ck_assert_msg(conf != NULL && ngot == 0, "refused: %s",
	    ngot ? got[0] : "(nothing reported)");
	return conf;
}

/*
 * text is refused with exactly these reports, in this order, each given
 * as "LINE: reason" (the file name is prefixed here); NULL ends the list.
 */
static void
expect_errors_v(const char *text, size_t len, va_list ap)
{
	struct config	*conf;
	const char	*want;
	char		 full[2048];
	size_t		 i = 0;

	write_file(text, len);
	conf = config_load(file, collect);
	ck_assert_ptr_null(conf);
	while ((want = va_arg(ap, const char *)) != NULL) {
		snprintf(full, sizeof(full), "%s:%s", file, want);
		ck_assert_msg(i < ngot, "missing report: %s", full);
		ck_assert_str_eq(got[i], full);
		i++;
	}
	ck_assert_msg(i == ngot, "unexpected report: %s", i < ngot ? got[i] :
	    "");
}

static void
expect_errors(const char *text, ...)
{
	va_list	ap;

	va_start(ap, text);
	expect_errors_v(text, strlen(text), ap);
	va_end(ap);
}

/* The same for text that holds NUL bytes. */
static void
expect_errors_len(const char *text, size_t len, ...)
{
	va_list	ap;

	va_start(ap, len);
	expect_errors_v(text, len, ap);
	va_end(ap);
}

static char *
in_dir(const char *name)
{
	static char	path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

START_TEST(test_full)
{
	struct config		*conf;
	struct drive_conf	*d;

	conf = load_ok(
	    "# a drive host\n"
	    "listen 192.0.2.1:7000\n"
	    "ca ca/ca.pem\n"
	    "certificate \"server cert.pem\"\n"
	    "key /etc/tclient/server.key\n"
	    "tables ./tables\n"
	    "max-connections 12\n"
	    "handshake-timeout 30\n"
	    "idle-timeout 0\n"
	    "session-memory 1G\n"
	    "\n"
	    "drive lto0 {\n"
	    "\tbackend vtape\n"
	    "\tpath tapes/lto0.tap\n"
	    "\tcapacity 2500G\n"
	    "\tearly-warning 64M\n"
	    "\twrite-protect yes\n"
	    "\tblock-limits 512 262144\n"
	    "\tdensity 0x58\n"
	    "\tfail-write 7\n"
	    "\tallow \"Backup Operator\" read-write\n"
	    "\tallow backup.example.com read-only\n"
	    "\tallow * read-only\n"
	    "\thold-write ./held\n"
	    "}\n"
	    "drive null0 {\n"
	    "\tbackend null\n"
	    "\tallow *\tread-write\n"
	    "}\n");
	ck_assert_str_eq(conf->file, file);
	ck_assert_str_eq(conf->listen, "192.0.2.1:7000");
	ck_assert_str_eq(conf->ca, in_dir("ca/ca.pem"));
	ck_assert_str_eq(conf->cert, in_dir("server cert.pem"));
	ck_assert_str_eq(conf->key, "/etc/tclient/server.key");
	ck_assert_str_eq(conf->tables, in_dir("tables"));
	ck_assert_ptr_null(conf->state_dir);
	ck_assert_int_eq(conf->max_connections, 12);
	ck_assert_int_eq(conf->handshake_timeout, 30);
	ck_assert_int_eq(conf->idle_timeout, 0);
	ck_assert_uint_eq(conf->session_memory, 1ull << 30);
	ck_assert_uint_eq(conf->ndrives, 2);

	d = &conf->drives[0];
	ck_assert_str_eq(d->name, "lto0");
	ck_assert_str_eq(d->backend, "vtape");
	ck_assert_str_eq(d->path, in_dir("tapes/lto0.tap"));
	ck_assert_uint_eq(d->capacity, 2500ull << 30);
	ck_assert_uint_eq(d->early_warning, 64ull << 20);
	ck_assert_int_eq(d->write_protect, 1);
	ck_assert_uint_eq(d->min_block, 512);
	ck_assert_uint_eq(d->max_block, 262144);
	ck_assert_uint_eq(d->density, 0x58);
	ck_assert_uint_eq(d->fail_write_at, 7);
	ck_assert_int_eq(d->line, 12);
	ck_assert_uint_eq(d->nacl, 3);
	ck_assert_str_eq(d->acl[0].identity, "Backup Operator");
	ck_assert_int_eq(d->acl[0].access, TC_ACCESS_RW);
	ck_assert_int_eq(d->acl[0].line, 21);
	ck_assert_str_eq(d->acl[1].identity, "backup.example.com");
	ck_assert_int_eq(d->acl[1].access, TC_ACCESS_RO);
	ck_assert_str_eq(d->acl[2].identity, "*");
	ck_assert_int_eq(d->acl[2].access, TC_ACCESS_RO);
	ck_assert_str_eq(d->hold_write, in_dir("held"));

	d = &conf->drives[1];
	ck_assert_str_eq(d->name, "null0");
	ck_assert_str_eq(d->backend, "null");
	ck_assert_ptr_null(d->path);
	ck_assert_int_eq(d->line, 26);
	ck_assert_uint_eq(d->nacl, 1);
	ck_assert_str_eq(d->acl[0].identity, "*");
	ck_assert_int_eq(d->acl[0].access, TC_ACCESS_RW);
	config_free(conf);
}
END_TEST

START_TEST(test_defaults)
{
	struct config		*conf;
	struct drive_conf	*d;

	conf = load_ok(HEAD "drive v {\n backend vtape\n path v.tap\n"
	    " allow a read-only\n}\n");
	ck_assert_str_eq(conf->listen, "127.0.0.1:7755");
	ck_assert_ptr_null(conf->tables);
	ck_assert_int_eq(conf->max_connections, DEF_MAX_CONNECTIONS);
	ck_assert_int_eq(conf->event_loops, 0);		/* one per CPU */
	ck_assert_int_eq(conf->handshake_timeout, DEF_HANDSHAKE_TIMEOUT);
	ck_assert_int_eq(conf->idle_timeout, DEF_IDLE_TIMEOUT);
	ck_assert_uint_eq(conf->session_memory, DEF_SESSION_MEMORY);
	ck_assert_uint_eq(conf->max_record, TC_MAX_RECORD);
	d = &conf->drives[0];
	ck_assert_uint_eq(d->capacity, DEF_VTAPE_CAPACITY);
	ck_assert_uint_eq(d->early_warning, DEF_VTAPE_EW);
	ck_assert_int_eq(d->write_protect, 0);
	ck_assert_uint_eq(d->min_block, 1);
	ck_assert_uint_eq(d->max_block, DEF_MAX_BLOCK);
	ck_assert_uint_eq(d->density, 0);
	ck_assert_uint_eq(d->fail_write_at, 0);
	ck_assert_ptr_null(d->hold_write);
	config_free(conf);
}
END_TEST

/* A file named relative to the working directory still gives absolute paths. */
START_TEST(test_relative_file)
{
	struct config	*conf;
	char		 cwd[PATH_MAX], old[PATH_MAX], want[PATH_MAX + 32];

	ck_assert_ptr_nonnull(getcwd(old, sizeof(old)));
	ck_assert_int_eq(chdir(dir), 0);
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	write_file("ca ./ca.pem\ncert .//sub/s.pem\nkey k\ntables .\n" NULL0,
	    strlen("ca ./ca.pem\ncert .//sub/s.pem\nkey k\ntables .\n" NULL0));
	conf = config_load("./tclientd.conf", collect);
	ck_assert_int_eq(chdir(old), 0);
	ck_assert_ptr_nonnull(conf);
	ck_assert_str_eq(conf->file, "./tclientd.conf");
	snprintf(want, sizeof(want), "%s/ca.pem", cwd);
	ck_assert_str_eq(conf->ca, want);
	snprintf(want, sizeof(want), "%s/sub/s.pem", cwd);
	ck_assert_str_eq(conf->cert, want);
	snprintf(want, sizeof(want), "%s/k", cwd);
	ck_assert_str_eq(conf->key, want);
	ck_assert_str_eq(conf->tables, cwd);
	config_free(conf);
}
END_TEST

START_TEST(test_listen_forms)
{
	static const char *const cases[][2] = {
		{ "listen [::1]:0\n", "[::1]:0" },
		{ "listen [fe80::1%eth0]:7755\n", "[fe80::1%eth0]:7755" },
		{ "listen localhost\n", "localhost:7755" },
		{ "listen 0.0.0.0:65535\n", "0.0.0.0:65535" },
		{ "listen \"[::]\"\n", "[::]:7755" },
	};
	struct config	*conf;
	char		 text[512];
	size_t		 i;

	for (i = 0; i < nitems(cases); i++) {
		snprintf(text, sizeof(text), "%s" HEAD NULL0, cases[i][0]);
		conf = load_ok(text);
		ck_assert_str_eq(conf->listen, cases[i][1]);
		config_free(conf);
	}
}
END_TEST

START_TEST(test_quoting)
{
	struct config		*conf;
	struct drive_conf	*d;

	conf = load_ok(HEAD "drive \"q\" {   # a comment after a statement\r\n"
	    "\tbackend null\r\n"
	    "\tallow \"Jane \\\"JD\\\" Doe\" read-only\r\n"
	    "\tallow \"back\\\\slash\" read-only\n"
	    "\tallow \"has # hash\"read-write\n"
	    "\tallow \"{brace}\" read-write\n"
	    "}#done\n");
	d = &conf->drives[0];
	ck_assert_str_eq(d->name, "q");
	ck_assert_uint_eq(d->nacl, 4);
	ck_assert_str_eq(d->acl[0].identity, "Jane \"JD\" Doe");
	ck_assert_str_eq(d->acl[1].identity, "back\\slash");
	ck_assert_str_eq(d->acl[2].identity, "has # hash");
	ck_assert_int_eq(d->acl[2].access, TC_ACCESS_RW);
	ck_assert_str_eq(d->acl[3].identity, "{brace}");
	config_free(conf);
}
END_TEST

START_TEST(test_values)
{
	struct config		*conf;
	struct drive_conf	*d;

	conf = load_ok("cert s.pem\nkey k\nca c\n"
	    "session-memory 4g\nmax-connections 65536\nmax-record 16M\n"
	    "event-loops 64\n"
	    "handshake-timeout 3600\nidle-timeout 604800\n"
	    "drive a.b_c-9 {\nbackend vtape\npath /t\ncapacity 0x10m\n"
	    "early-warning 1\nwrite-protect no\nblock-limits 16777215 "
	    "16777215\ndensity 255\nfail-write 9223372036854775807\n"
	    "allow * read-write\n}\n");
	ck_assert_uint_eq(conf->session_memory, 4ull << 30);
	ck_assert_uint_eq(conf->max_record, 16u << 20);
	ck_assert_int_eq(conf->max_connections, 65536);
	ck_assert_int_eq(conf->event_loops, MAX_EVENT_LOOPS);
	ck_assert_int_eq(conf->handshake_timeout, 3600);
	ck_assert_int_eq(conf->idle_timeout, 604800);
	d = &conf->drives[0];
	ck_assert_str_eq(d->name, "a.b_c-9");
	ck_assert_str_eq(d->path, "/t");
	ck_assert_uint_eq(d->capacity, 16ull << 20);
	ck_assert_uint_eq(d->early_warning, 1);
	ck_assert_uint_eq(d->min_block, 16777215);
	ck_assert_uint_eq(d->max_block, 16777215);
	ck_assert_uint_eq(d->density, 255);
	ck_assert_uint_eq(d->fail_write_at, 9223372036854775807ull);
	config_free(conf);
}
END_TEST

/* The example shipped in etc/ stays a valid file. */
START_TEST(test_example)
{
	struct config	*conf;
	char		 path[PATH_MAX];
	const char	*src = getenv("TC_SRCDIR");

	snprintf(path, sizeof(path), "%s/etc/tclientd.conf", src ? src : ".");
	conf = config_load(path, collect);
	ck_assert_msg(conf != NULL, "%s refused: %s", path,
	    ngot ? got[0] : "(nothing reported)");
	ck_assert_uint_eq(conf->ndrives, 4);
	ck_assert_str_eq(conf->drives[0].name, "lto0");
	ck_assert_str_eq(conf->drives[0].path, "/var/lib/tclient/lto0.tap");
	config_free(conf);
}
END_TEST

START_TEST(test_unknown_keyword)
{
	expect_errors(HEAD "drive v {\n backend vtape\n path v\n"
	    " capcity 2G\n allow * read-write\n}\n"
	    "lsten 1.2.3.4:5\nfrobnicate yes\nListen x\nallwo\n",
	    "7: unknown keyword \"capcity\" (did you mean \"capacity\"?)",
	    "10: unknown keyword \"lsten\" (did you mean \"listen\"?)",
	    "11: unknown keyword \"frobnicate\"",
	    "12: unknown keyword \"Listen\" (did you mean \"listen\"?)",
	    "13: unknown keyword \"allwo\" (did you mean \"allow\"?)", NULL);
}
END_TEST

START_TEST(test_arguments)
{
	expect_errors(HEAD "listen\nmax-connections 1 2\n"
	    "drive v {\n backend\n backend vtape null\n block-limits 1\n"
	    " allow \"\"\n allow John Smith read-only\n}\n",
	    "4: missing argument to \"listen\" (usage: listen ADDR:PORT)",
	    "5: too many arguments to \"max-connections\": \"2\" (usage: "
	    "max-connections N)",
	    "7: missing argument to \"backend\" (usage: backend NAME)",
	    "8: \"backend\" given twice (first at line 7)",
	    "9: missing argument to \"block-limits\" (usage: block-limits MIN "
	    "MAX)",
	    "10: missing argument to \"allow\" (usage: allow IDENTITY "
	    "read-only|read-write)",
	    "11: too many arguments to \"allow\": \"read-only\" (usage: allow "
	    "IDENTITY read-only|read-write; quote an identity with spaces)",
	    NULL);
}
END_TEST

START_TEST(test_numbers)
{
	expect_errors(HEAD NULL0 "max-connections 0\nhandshake-timeout 3601\n"
	    "idle-timeout -1\nsession-memory 1\n"
	    "drive n {\nbackend null\ndensity 256\ndensity 12x\n"
	    "allow * read-only\n}\n",
	    "8: max-connections 0 is out of range (1 to 65536)",
	    "9: handshake-timeout 3601 is out of range (1 to 3600)",
	    "10: idle-timeout -1 is out of range (0 to 604800)",
	    "11: session-memory 1 is out of range (1M to 4G)",
	    "14: density 256 is out of range (0 to 255)",
	    "15: \"density\" given twice (first at line 14)", NULL);
	teardown();
	setup();
	expect_errors(HEAD NULL0 "max-connections many\nidle-timeout 0600\n"
	    "max-connections 99999999999999999999\n",
	    "8: max-connections: \"many\" is not a number (expected 1 to "
	    "65536)",
	    "9: idle-timeout: \"0600\" has a leading zero (write the number "
	    "in decimal, or in hex as 0x...)",
	    "10: \"max-connections\" given twice (first at line 8)", NULL);
	teardown();
	setup();
	expect_errors(HEAD NULL0 "event-loops 65\n",
	    "8: event-loops 65 is out of range (0 to 64)", NULL);
	teardown();
	setup();
	expect_errors(HEAD NULL0 "event-loops -1\n",
	    "8: event-loops -1 is out of range (0 to 64)", NULL);
	teardown();
	setup();
	expect_errors(HEAD NULL0 "max-connections 99999999999999999999\n"
	    "handshake-timeout \"\"\n",
	    "8: max-connections 99999999999999999999 is out of range (1 to "
	    "65536)",
	    "9: handshake-timeout: \"\" is not a number (expected 1 to 3600)",
	    NULL);
}
END_TEST

START_TEST(test_sizes)
{
	expect_errors(HEAD NULL0 "session-memory 5G\n"
	    "drive v {\nbackend vtape\npath v\ncapacity 10Q\n"
	    "early-warning 1.5M\n allow * read-only\n}\n"
	    "drive w {\nbackend vtape\npath w\ncapacity 1025T\n"
	    "early-warning 064K\nallow * read-only\n}\n"
	    "drive x {\nbackend vtape\npath x\ncapacity 512\n"
	    "early-warning 0\nallow * read-only\n}\n",
	    "8: session-memory 5G is out of range (1M to 4G)",
	    "12: capacity: \"10Q\" is not a size (a number with an optional K, "
	    "M, G or T suffix)",
	    "13: early-warning: \"1.5M\" is not a size (a number with an "
	    "optional K, M, G or T suffix)",
	    "19: capacity 1025T is out of range (1K to 1024T)",
	    "20: early-warning: \"064K\" has a leading zero (write the number "
	    "in decimal, or in hex as 0x...)",
	    "26: capacity 512 is out of range (1K to 1024T)",
	    "27: early-warning 0 is out of range (1 to 1024T)", NULL);
	teardown();
	setup();
	expect_errors(HEAD NULL0 "max-record 16777217\nmax-record 1M\n",
	    "8: max-record 16777217 is out of range (1K to 16M)",
	    "9: \"max-record\" given twice (first at line 8)", NULL);
	teardown();
	setup();
	expect_errors(HEAD NULL0 "max-record 1023\n",
	    "8: max-record 1023 is out of range (1K to 16M)", NULL);
}
END_TEST

START_TEST(test_yesno)
{
	expect_errors(HEAD "drive v {\nbackend vtape\npath v\n"
	    "write-protect true\nallow * read-only\n}\n",
	    "7: write-protect: \"true\" is not yes or no", NULL);
}
END_TEST

START_TEST(test_strings)
{
	expect_errors(HEAD NULL0 "tables \"/usr/share/tables\n"
	    "key \"a\\tb\"\nca \"x\\\n",
	    "8: unterminated quoted string (missing closing \")",
	    "9: unknown escape \"\\t\" in quoted string (only \\\" and \\\\ are "
	    "escapes)",
	    "10: unterminated quoted string (missing closing \")", NULL);
}
END_TEST

START_TEST(test_unterminated_block)
{
	expect_errors(HEAD NULL0 "drive v {\n backend vtape\n path v\n"
	    " allow * read-write\n",
	    "8: unterminated drive \"v\": no \"}\" before the end of the file",
	    NULL);
}
END_TEST

START_TEST(test_stray_close)
{
	expect_errors(HEAD NULL0 "}\n",
	    "8: \"}\" without a matching \"drive NAME {\"", NULL);
}
END_TEST

START_TEST(test_nested_drive)
{
	expect_errors(HEAD "drive a {\n backend null\n allow * read-write\n"
	    "drive b {\n backend null\n allow * read-write\n}\n",
	    "7: nested drive \"b\" inside drive \"a\" (missing \"}\" before "
	    "this line?)", NULL);
}
END_TEST

START_TEST(test_duplicate_drive)
{
	expect_errors(HEAD NULL0 "drive null0 {\n backend null\n"
	    " allow * read-write\n}\n",
	    "8: duplicate drive \"null0\" (first defined at line 4)", NULL);
}
END_TEST

START_TEST(test_drive_name)
{
	expect_errors(HEAD "drive tape/0 {\n backend null\n allow * read-write\n"
	    "}\ndrive "
	    "a123456789012345678901234567890123456789012345678901234567890123"
	    " {\n backend null\n allow * read-write\n}\ndrive \"\" {\n"
	    " backend null\n allow * read-write\n}\ndrive\n",
	    "4: invalid drive name \"tape/0\" (use 1 to 63 letters, digits, "
	    "\".\", \"_\" or \"-\")",
	    "8: invalid drive name "
	    "\"a123456789012345678901234567890123456789012345678901234567890123"
	    "\" (use 1 to 63 letters, digits, \".\", \"_\" or \"-\")",
	    "12: invalid drive name \"\" (use 1 to 63 letters, digits, \".\", "
	    "\"_\" or \"-\")",
	    "16: missing argument to \"drive\" (usage: drive NAME {)", NULL);
}
END_TEST

START_TEST(test_backend)
{
	expect_errors(HEAD "drive t {\n backend tape\n allow * read-write\n}\n"
	    "drive u {\n allow * read-write\n}\n",
	    "5: unknown backend \"tape\" (known backends: vtape, null, st)",
	    "8: drive \"u\" has no backend (add \"backend NAME\"; known "
	    "backends: vtape, null, st)", NULL);
}
END_TEST

START_TEST(test_vtape_path)
{
	expect_errors(HEAD "drive v {\n backend vtape\n allow * read-write\n}\n"
	    "drive w {\n backend vtape\n path \"\"\n allow * read-write\n}\n",
	    "4: drive \"v\": backend vtape needs \"path FILE\"",
	    "10: path: empty file name", NULL);
}
END_TEST

START_TEST(test_early_warning)
{
	expect_errors(HEAD "drive v {\n backend vtape\n path v\n"
	    " capacity 1G\n early-warning 1G\n allow * read-write\n}\n"
	    "drive w {\n backend vtape\n path w\n capacity 2M\n"
	    " allow * read-write\n}\n"
	    "drive x {\n backend vtape\n path x\n early-warning 2G\n"
	    " allow * read-write\n}\n",
	    "8: early-warning 1G must be less than capacity 1G",
	    "14: capacity 2M must be greater than the default early-warning "
	    "32M (set early-warning smaller)",
	    "20: early-warning 2G must be less than capacity 1G", NULL);
}
END_TEST

/* A refused capacity is not then compared with early-warning. */
START_TEST(test_early_warning_bad_capacity)
{
	expect_errors(HEAD "drive v {\n backend vtape\n path v\n"
	    " capacity 2X\n early-warning 2G\n allow * read-write\n}\n",
	    "7: capacity: \"2X\" is not a size (a number with an optional K, "
	    "M, G or T suffix)", NULL);
}
END_TEST

START_TEST(test_block_limits)
{
	expect_errors(HEAD "drive n {\n backend null\n block-limits 1024 512\n"
	    " allow * read-write\n}\ndrive m {\n backend null\n"
	    " block-limits 0 16777216\n allow * read-write\n}\n",
	    "6: block-limits: MIN 1024 is greater than MAX 512",
	    "11: block-limits MIN 0 is out of range (1 to 16777215)",
	    "11: block-limits MAX 16777216 is out of range (1 to 16777215)",
	    NULL);
}
END_TEST

START_TEST(test_allow_mode)
{
	expect_errors(HEAD "drive n {\n backend null\n allow alice\n"
	    " allow bob rw\n allow carol read-only\n}\n",
	    "6: missing argument to \"allow\" (usage: allow IDENTITY "
	    "read-only|read-write)",
	    "7: unknown access mode \"rw\" (use read-only or read-write)", NULL);
}
END_TEST

START_TEST(test_allow_duplicate)
{
	expect_errors(HEAD "drive n {\n backend null\n allow alice read-only\n"
	    " allow * read-only\n allow alice read-write\n"
	    " allow \"*\" read-write\n}\n",
	    "8: duplicate allow for \"alice\" (first at line 6)",
	    "9: duplicate allow for \"*\" (first at line 7)", NULL);
}
END_TEST

START_TEST(test_allow_identity)
{
	char	text[1024], id[TC_TEXT_MAX + 2];

	memset(id, 'i', sizeof(id) - 1);
	id[sizeof(id) - 1] = '\0';
	snprintf(text, sizeof(text), HEAD "drive n {\n backend null\n"
	    " allow \"\" read-only\n allow %s read-only\n allow %.255s "
	    "read-write\n}\n", id, id);
	expect_errors(text, "6: allow: empty identity",
	    "7: allow: identity longer than 255 characters", NULL);
}
END_TEST

START_TEST(test_required)
{
	expect_errors("",
	    "1: missing \"ca FILE\": the CA certificate that signs client "
	    "certificates is required",
	    "1: missing \"certificate FILE\": the server certificate chain is "
	    "required",
	    "1: missing \"key FILE\": the server private key is required",
	    "1: no drives (add a \"drive NAME {\" block)", NULL);
	teardown();
	setup();
	expect_errors("# only a comment\n\nca x\n\n",
	    "4: missing \"certificate FILE\": the server certificate chain is "
	    "required",
	    "4: missing \"key FILE\": the server private key is required",
	    "4: no drives (add a \"drive NAME {\" block)", NULL);
}
END_TEST

START_TEST(test_backend_options)
{
	expect_errors(HEAD "drive n {\n backend null\n path p\n capacity 1G\n"
	    " early-warning 1M\n write-protect yes\n fail-write 3\n"
	    " block-limits 1 2\n density 3\n allow * read-write\n"
	    " hold-write h\n}\n",
	    "6: \"path\" is not valid for backend null (only for vtape, st)",
	    "7: \"capacity\" is not valid for backend null (only for vtape)",
	    "8: \"early-warning\" is not valid for backend null (only for "
	    "vtape)",
	    "9: \"write-protect\" is not valid for backend null (only for "
	    "vtape)",
	    "10: \"fail-write\" is not valid for backend null (only for vtape)",
	    "14: \"hold-write\" is not valid for backend null (only for vtape)",
	    NULL);
}
END_TEST

/* The option may come before the backend line. */
START_TEST(test_backend_options_order)
{
	expect_errors(HEAD "drive n {\n capacity 1G\n backend null\n"
	    " allow * read-write\n}\n",
	    "5: \"capacity\" is not valid for backend null (only for vtape)",
	    NULL);
}
END_TEST

START_TEST(test_no_allow)
{
	expect_errors(HEAD "drive n {\n backend null\n}\n",
	    "4: drive \"n\" has no allow line: every client would be denied "
	    "(add \"allow IDENTITY read-only|read-write\")", NULL);
}
END_TEST

START_TEST(test_twice)
{
	expect_errors(HEAD "cert b.pem\n" NULL0 "listen a:1\nlisten a:2\n",
	    "4: \"cert\" given twice (first at line 2)",
	    "10: \"listen\" given twice (first at line 9)", NULL);
}
END_TEST

START_TEST(test_context)
{
	expect_errors(HEAD "capacity 1G\nallow * read-only\n"
	    "drive n {\n backend null\n listen 1.2.3.4:5\n"
	    " allow * read-write\n}\n",
	    "4: \"capacity\" is a drive option: put it inside a \"drive NAME "
	    "{\" block",
	    "5: \"allow\" is a drive option: put it inside a \"drive NAME {\" "
	    "block",
	    "8: \"listen\" is a global option, not allowed inside drive \"n\" "
	    "(missing \"}\" before this line?)", NULL);
}
END_TEST

START_TEST(test_braces)
{
	expect_errors(HEAD "drive n {\n backend null\n allow * read-write }\n"
	    "drive m {\n backend } null\n allow * read-write\n}\n"
	    "listen {\n a b\n}\n{\nfrob {\n anything here\n}\n"
	    "drive o { backend null\n allow * read-only\n}\n",
	    "6: \"}\" must be on a line of its own",
	    "8: \"}\" must be on a line of its own",
	    "11: unexpected \"{\" (only \"drive NAME {\" opens a block)",
	    "14: unexpected \"{\" (only \"drive NAME {\" opens a block)",
	    "18: too many arguments to \"drive\": \"backend\" (usage: drive "
	    "NAME {)",
	    "18: drive \"o\" has no backend (add \"backend NAME\"; known "
	    "backends: vtape, null, st)", NULL);
}
END_TEST

/* "{" on the next line: one mistake, one report, and the block is read. */
START_TEST(test_open_next_line)
{
	expect_errors(HEAD "drive n\n{\n backend null\n allow * read-write\n"
	    "}\ndrive m\n backend nul\n allow * read-write\n}\n",
	    "4: missing \"{\" after drive \"n\" (usage: drive NAME {)",
	    "9: missing \"{\" after drive \"m\" (usage: drive NAME {)",
	    "10: unknown backend \"nul\" (known backends: vtape, null, st)",
	    NULL);
}
END_TEST

START_TEST(test_many_errors_in_order)
{
	expect_errors("listen ::1\n"
	    "drive a {\n"
	    "  backend null\n"
	    "  capacity 1G\n"
	    "  allow alice rw\n"
	    "}\n"
	    "drive b {\n"
	    "  backend vtape\n"
	    "  early-warning 2G\n"
	    "  allow bob read-only\n"
	    "}\n"
	    "session-memory lots\n"
	    "key server.key\n",
	    "1: listen \"::1\": IPv6 addresses must be written [addr]:port",
	    "4: \"capacity\" is not valid for backend null (only for vtape)",
	    "5: unknown access mode \"rw\" (use read-only or read-write)",
	    "7: drive \"b\": backend vtape needs \"path FILE\"",
	    "9: early-warning 2G must be less than capacity 1G",
	    "12: session-memory: \"lots\" is not a size (a number with an "
	    "optional K, M, G or T suffix)",
	    "13: missing \"ca FILE\": the CA certificate that signs client "
	    "certificates is required",
	    "13: missing \"certificate FILE\": the server certificate chain is "
	    "required", NULL);
}
END_TEST

START_TEST(test_too_many_errors)
{
	char	text[2048] = "";
	char	want[32];
	size_t	i;

	for (i = 0; i < 60; i++)
		strcat(text, "bogus\n");
	write_file(text, strlen(text));
	ck_assert_ptr_null(config_load(file, collect));
	ck_assert_uint_eq(ngot, 51);
	for (i = 0; i < 50; i++) {
		snprintf(want, sizeof(want), ":%zu: unknown keyword", i + 1);
		ck_assert_ptr_nonnull(strstr(got[i], want));
	}
	snprintf(text, sizeof(text), "%s:51: too many errors, stopping here",
	    file);
	ck_assert_str_eq(got[50], text);
}
END_TEST

START_TEST(test_too_many_drives)
{
	char	*text, want[64];
	size_t	 i, len = 0, cap = 300 * 64;

	ck_assert_ptr_nonnull(text = malloc(cap));
	len = (size_t)snprintf(text, cap, HEAD);
	for (i = 0; i < TC_MAX_DRIVES_LIST + 1; i++)
		len += (size_t)snprintf(text + len, cap - len,
		    "drive n%zu {\nbackend null\nallow * read-only\n}\n", i);
	snprintf(want, sizeof(want), "%d: too many drives (at most %d)",
	    4 + 4 * TC_MAX_DRIVES_LIST, TC_MAX_DRIVES_LIST);
	expect_errors(text, want, NULL);
	free(text);
}
END_TEST

START_TEST(test_unreadable)
{
	char	want[512];

	ck_assert_ptr_null(config_load(in_dir("nonexistent.conf"), collect));
	ck_assert_uint_eq(ngot, 1);
	snprintf(want, sizeof(want), "%s: %s", in_dir("nonexistent.conf"),
	    strerror(ENOENT));
	ck_assert_str_eq(got[0], want);
	ck_assert_ptr_null(config_load(dir, collect));
	ck_assert_uint_eq(ngot, 2);
	snprintf(want, sizeof(want), "%s: %s", dir, strerror(EISDIR));
	ck_assert_str_eq(got[1], want);
}
END_TEST

START_TEST(test_nul_byte)
{
	static const char	text[] = HEAD NULL0 "tables a\0b\nkey \"a\0\"\n";

	expect_errors_len(text, sizeof(text) - 1,
	    "8: NUL character in the line",
	    "9: NUL character in quoted string", NULL);
}
END_TEST

START_TEST(test_default)
{
	struct config		*conf;
	struct drive_conf	*d;
	char			 err[256];

	conf = config_default("/h/.tclient", NULL, err, sizeof(err));
	ck_assert_ptr_nonnull(conf);
	ck_assert_ptr_null(conf->file);
	ck_assert_str_eq(conf->state_dir, "/h/.tclient");
	ck_assert_str_eq(conf->listen, "127.0.0.1:7755");
	ck_assert_str_eq(conf->ca, "/h/.tclient/ca.pem");
	ck_assert_str_eq(conf->cert, "/h/.tclient/server.pem");
	ck_assert_str_eq(conf->key, "/h/.tclient/server.key");
	ck_assert_ptr_null(conf->tables);
	ck_assert_int_eq(conf->max_connections, DEF_MAX_CONNECTIONS);
	ck_assert_int_eq(conf->handshake_timeout, DEF_HANDSHAKE_TIMEOUT);
	ck_assert_int_eq(conf->idle_timeout, DEF_IDLE_TIMEOUT);
	ck_assert_uint_eq(conf->session_memory, DEF_SESSION_MEMORY);
	ck_assert_uint_eq(conf->ndrives, 2);
	d = &conf->drives[0];
	ck_assert_str_eq(d->name, "vtape0");
	ck_assert_str_eq(d->backend, "vtape");
	ck_assert_str_eq(d->path, "/h/.tclient/vtape0.tap");
	ck_assert_uint_eq(d->capacity, DEF_VTAPE_CAPACITY);
	ck_assert_uint_eq(d->early_warning, DEF_VTAPE_EW);
	ck_assert_uint_eq(d->min_block, 1);
	ck_assert_uint_eq(d->max_block, DEF_MAX_BLOCK);
	ck_assert_uint_eq(d->nacl, 1);
	ck_assert_str_eq(d->acl[0].identity, DEFAULT_CLIENT_ID);
	ck_assert_int_eq(d->acl[0].access, TC_ACCESS_RW);
	d = &conf->drives[1];
	ck_assert_str_eq(d->name, "null0");
	ck_assert_str_eq(d->backend, "null");
	ck_assert_ptr_null(d->path);
	ck_assert_uint_eq(d->nacl, 1);
	ck_assert_str_eq(d->acl[0].identity, DEFAULT_CLIENT_ID);
	ck_assert_int_eq(d->acl[0].access, TC_ACCESS_RW);
	config_free(conf);
}
END_TEST

START_TEST(test_default_listen)
{
	struct config	*conf;
	char		 err[256], cwd[PATH_MAX], want[PATH_MAX + 32];

	conf = config_default("/h", "[::1]:0", err, sizeof(err));
	ck_assert_ptr_nonnull(conf);
	ck_assert_str_eq(conf->listen, "[::1]:0");
	config_free(conf);

	ck_assert_ptr_null(config_default("/h", "host:99999", err,
	    sizeof(err)));
	ck_assert_str_eq(err, "listen \"host:99999\": port must be a number "
	    "from 0 to 65535");

	/* a relative state directory is made absolute */
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	conf = config_default("state", NULL, err, sizeof(err));
	ck_assert_ptr_nonnull(conf);
	snprintf(want, sizeof(want), "%s/state", cwd);
	ck_assert_str_eq(conf->state_dir, want);
	snprintf(want, sizeof(want), "%s/state/vtape0.tap", cwd);
	ck_assert_str_eq(conf->drives[0].path, want);
	config_free(conf);
	config_free(NULL);
}
END_TEST

static struct tls_ids *
ids(const char *first, ...)
{
	static struct tls_ids	 t;
	const char		*s;
	va_list			 ap;

	memset(&t, 0, sizeof(t));
	va_start(ap, first);
	for (s = first; s != NULL; s = va_arg(ap, const char *))
		tc_strlcpy(t.id[t.n++], s, sizeof(t.id[0]));
	va_end(ap);
	return &t;
}

static struct config *
acl_config(void)
{
	return load_ok(HEAD "drive d {\n backend null\n"
	    " allow alice read-only\n"			/* 6 */
	    " allow backup.example.com read-write\n"	/* 7 */
	    " allow \"URI:x\" read-write\n"		/* 8 */
	    " allow alice@example.com read-write\n"	/* 9 */
	    " allow * read-only\n"			/* 10 */
	    " allow bob read-write\n"			/* 11 */
	    "}\n"
	    "drive private {\n backend null\n allow carol read-write\n}\n");
}

START_TEST(test_acl_first_match)
{
	struct config		*conf = acl_config();
	struct drive_conf	*d = &conf->drives[0];

	/* CN alice, SAN alice@example.com: the first line that names any wins */
	ck_assert_int_eq(acl_access(d, ids("alice", "alice@example.com",
	    NULL)), TC_ACCESS_RO);
	ck_assert_int_eq(acl_access(d, ids("alice@example.com", "alice",
	    NULL)), TC_ACCESS_RO);
	/* a SAN alone matches */
	ck_assert_int_eq(acl_access(d, ids("Alice Example",
	    "alice@example.com", NULL)), TC_ACCESS_RW);
	ck_assert_int_eq(acl_access(d, ids("host7", "backup.example.com",
	    NULL)), TC_ACCESS_RW);
	ck_assert_int_eq(acl_access(d, ids("URI:x", NULL)), TC_ACCESS_RW);
	/* "*" comes before bob's own line */
	ck_assert_int_eq(acl_access(d, ids("bob", NULL)), TC_ACCESS_RO);
	ck_assert_int_eq(acl_access(d, ids("anyone", NULL)), TC_ACCESS_RO);
	config_free(conf);
}
END_TEST

START_TEST(test_acl_deny)
{
	struct config		*conf = acl_config();
	struct drive_conf	*d = &conf->drives[1];

	ck_assert_int_eq(acl_access(d, ids("carol", NULL)), TC_ACCESS_RW);
	/* default deny; names compare exactly */
	ck_assert_int_eq(acl_access(d, ids("alice", "bob", NULL)), 0);
	ck_assert_int_eq(acl_access(d, ids("Carol", NULL)), 0);
	ck_assert_int_eq(acl_access(d, ids("carol ", NULL)), 0);
	ck_assert_int_eq(acl_access(d, ids("*", NULL)), 0);
	/* no identity at all: nothing, not even "*", matches */
	ck_assert_int_eq(acl_access(&conf->drives[0], ids(NULL)), 0);
	ck_assert_int_eq(acl_access(&conf->drives[0], NULL), 0);
	config_free(conf);
}
END_TEST

static Suite *
config_suite(void)
{
	Suite	*s = suite_create("config");
	TCase	*tc;

	tc = tcase_create("good");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_full);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_relative_file);
	tcase_add_test(tc, test_listen_forms);
	tcase_add_test(tc, test_quoting);
	tcase_add_test(tc, test_values);
	tcase_add_test(tc, test_example);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_unknown_keyword);
	tcase_add_test(tc, test_arguments);
	tcase_add_test(tc, test_numbers);
	tcase_add_test(tc, test_sizes);
	tcase_add_test(tc, test_yesno);
	tcase_add_test(tc, test_strings);
	tcase_add_test(tc, test_unterminated_block);
	tcase_add_test(tc, test_stray_close);
	tcase_add_test(tc, test_nested_drive);
	tcase_add_test(tc, test_duplicate_drive);
	tcase_add_test(tc, test_drive_name);
	tcase_add_test(tc, test_backend);
	tcase_add_test(tc, test_vtape_path);
	tcase_add_test(tc, test_early_warning);
	tcase_add_test(tc, test_early_warning_bad_capacity);
	tcase_add_test(tc, test_block_limits);
	tcase_add_test(tc, test_allow_mode);
	tcase_add_test(tc, test_allow_duplicate);
	tcase_add_test(tc, test_allow_identity);
	tcase_add_test(tc, test_required);
	tcase_add_test(tc, test_backend_options);
	tcase_add_test(tc, test_backend_options_order);
	tcase_add_test(tc, test_no_allow);
	tcase_add_test(tc, test_twice);
	tcase_add_test(tc, test_context);
	tcase_add_test(tc, test_braces);
	tcase_add_test(tc, test_open_next_line);
	tcase_add_test(tc, test_many_errors_in_order);
	tcase_add_test(tc, test_too_many_errors);
	tcase_add_test(tc, test_too_many_drives);
	tcase_add_test(tc, test_unreadable);
	tcase_add_test(tc, test_nul_byte);
	suite_add_tcase(s, tc);

	tc = tcase_create("default");
	tcase_add_test(tc, test_default);
	tcase_add_test(tc, test_default_listen);
	suite_add_tcase(s, tc);

	tc = tcase_create("acl");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_acl_first_match);
	tcase_add_test(tc, test_acl_deny);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(config_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
