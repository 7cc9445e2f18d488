/*
 * check_tscan.c -- what tscan concludes from the records it read, in
 * depth: the size histogram, fixed-block detection per file and per tape,
 * and JSON strings that parse whatever they hold.  tscan's sources are
 * not in the library, so the two that hold this logic are compiled in.
 * e2e_tscan.sh covers the same through real tapes.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tscan_tape.c"
#include "tscan_json.c"

/* A file read to its end (filemark) with these record sizes; 0 ends. */
static void
mkfile(struct tfile *f, const uint32_t *sizes)
{
	file_init(f, 0, 0);
	for (; *sizes != 0; sizes++)
		ck_assert_int_eq(file_add(f, *sizes), 0);
	f->end = END_FILEMARK;
}

static enum ts_layout
layout_of(const uint32_t *sizes, int skipped, uint32_t *block)
{
	struct tfile	f;
	enum ts_layout	l;

	mkfile(&f, sizes);
	f.skipped = skipped;
	l = file_layout(&f, block);
	hist_free(&f.sizes);
	return l;
}

START_TEST(hist_many_sizes)
{
	struct hist	 h;
	struct hist_ent	*v;
	uint32_t	 i;

	hist_init(&h);
	/* size 7*i appears i+1 times: growth keeps every count */
	for (i = 0; i < 1000; i++)
		ck_assert_int_eq(hist_add(&h, 7 * i + 1, i + 1), 0);
	ck_assert_int_eq(hist_add(&h, 12345, 0), 0);	/* nothing */
	ck_assert_uint_eq(h.n, 1000);
	ck_assert_uint_ge(h.cap, 2000);
	ck_assert_uint_eq(h.cap & (h.cap - 1), 0);
	for (i = 0; i < 1000; i++)
		ck_assert_uint_eq(hist_count(&h, 7 * i + 1), i + 1);
	ck_assert_uint_eq(hist_count(&h, 12345), 0);
	ck_assert_uint_eq(hist_count(&h, 2), 0);
	v = hist_sorted(&h);
	ck_assert_ptr_nonnull(v);
	for (i = 0; i < 1000; i++) {
		ck_assert_uint_eq(v[i].size, 7 * (999 - i) + 1);
		ck_assert_uint_eq(v[i].count, 1000 - i);
	}
	free(v);
	hist_free(&h);
	ck_assert_uint_eq(hist_count(&h, 1), 0);
}
END_TEST

START_TEST(hist_ties_smaller_first)
{
	struct hist	 h;
	struct hist_ent	*v;

	hist_init(&h);
	hist_add(&h, 446, 1);
	hist_add(&h, 1000, 3);
	hist_add(&h, 1, 1);
	hist_add(&h, 777, 2);
	v = hist_sorted(&h);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(v[0].size, 1000);
	ck_assert_uint_eq(v[1].size, 777);
	ck_assert_uint_eq(v[2].size, 1);
	ck_assert_uint_eq(v[3].size, 446);
	free(v);
	hist_free(&h);
}
END_TEST

START_TEST(file_counts)
{
	static const uint32_t sizes[] = { 512, 512, 392, 0 };
	struct tfile	f;

	mkfile(&f, sizes);
	ck_assert_uint_eq(f.records, 3);
	ck_assert_uint_eq(f.bytes, 1416);
	ck_assert_uint_eq(f.min, 392);
	ck_assert_uint_eq(f.max, 512);
	ck_assert_uint_eq(f.last, 392);
	ck_assert(file_complete(&f));
	f.first = 3;
	ck_assert(!file_complete(&f));
	hist_free(&f.sizes);

	/* a record of unknown size first: min is the first known size */
	file_init(&f, 2, 0);
	f.records = f.unsized = 1;
	ck_assert_int_eq(file_add(&f, 100), 0);
	ck_assert_uint_eq(f.min, 100);
	ck_assert_uint_eq(f.records, 2);
	hist_free(&f.sizes);
}
END_TEST

START_TEST(fixed_or_variable)
{
	static const uint32_t fixed[] = { 512, 512, 512, 512, 0 };
	static const uint32_t short_last[] = { 512, 512, 512, 392, 0 };
	static const uint32_t short_first[] = { 392, 512, 512, 512, 0 };
	static const uint32_t short_mid[] = { 512, 392, 512, 0 };
	static const uint32_t long_last[] = { 512, 512, 600, 0 };
	static const uint32_t two_short[] = { 512, 512, 392, 392, 0 };
	static const uint32_t one[] = { 40, 0 };
	static const uint32_t two[] = { 60, 40, 0 };
	static const uint32_t mixed[] = { 1000, 1000, 777, 446, 1, 0 };
	uint32_t	b;

	ck_assert_int_eq(layout_of(fixed, 0, &b), L_FIXED);
	ck_assert_uint_eq(b, 512);
	ck_assert_int_eq(layout_of(short_last, 0, &b), L_FIXED);
	ck_assert_uint_eq(b, 512);
	/* read in part: the short record need not be the file's last */
	ck_assert_int_eq(layout_of(short_last, 1, &b), L_VARIABLE);
	ck_assert_uint_eq(b, 0);
	ck_assert_int_eq(layout_of(fixed, 1, &b), L_FIXED);
	ck_assert_int_eq(layout_of(short_first, 0, &b), L_VARIABLE);
	ck_assert_int_eq(layout_of(short_mid, 0, &b), L_VARIABLE);
	ck_assert_int_eq(layout_of(long_last, 0, &b), L_VARIABLE);
	ck_assert_int_eq(layout_of(two_short, 0, &b), L_VARIABLE);
	ck_assert_int_eq(layout_of(one, 0, &b), L_FIXED);
	ck_assert_uint_eq(b, 40);
	ck_assert_int_eq(layout_of(two, 0, &b), L_FIXED);
	ck_assert_uint_eq(b, 60);
	ck_assert_int_eq(layout_of(mixed, 0, &b), L_VARIABLE);
}
END_TEST

START_TEST(unknown_sizes)
{
	struct tfile	f;
	uint32_t	b;

	file_init(&f, 0, 0);
	ck_assert_int_eq(file_layout(&f, &b), L_EMPTY);
	f.records = f.unsized = 3;
	ck_assert_int_eq(file_layout(&f, &b), L_UNKNOWN);
	ck_assert_int_eq(file_add(&f, 512), 0);
	ck_assert_int_eq(file_layout(&f, &b), L_VARIABLE);
	ck_assert_uint_eq(b, 0);
	hist_free(&f.sizes);
}
END_TEST

START_TEST(whole_tape)
{
	static const uint32_t f512[] = { 512, 512, 0 };
	static const uint32_t f512s[] = { 512, 512, 100, 0 };
	static const uint32_t f1024[] = { 1024, 0 };
	static const uint32_t none[] = { 0 };
	struct tfile	t[3];
	uint32_t	b;
	int		i;

	mkfile(&t[0], f512);
	mkfile(&t[1], none);
	mkfile(&t[2], f512s);
	ck_assert_int_eq(tape_layout(t, 3, &b), L_FIXED);
	ck_assert_uint_eq(b, 512);
	hist_free(&t[2].sizes);
	mkfile(&t[2], f1024);
	ck_assert_int_eq(tape_layout(t, 3, &b), L_VARIABLE);
	ck_assert_uint_eq(b, 0);
	ck_assert_int_eq(tape_layout(&t[1], 1, &b), L_EMPTY);
	ck_assert_int_eq(tape_layout(t, 0, &b), L_EMPTY);
	hist_free(&t[2].sizes);
	file_init(&t[2], 2, 0);
	t[2].records = t[2].unsized = 1;
	ck_assert_int_eq(tape_layout(&t[1], 2, &b), L_UNKNOWN);
	ck_assert_int_eq(tape_layout(t, 3, &b), L_VARIABLE);
	for (i = 0; i < 3; i++)
		hist_free(&t[i].sizes);
}
END_TEST

static char *
json_of(const char *s)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(fp);
	json_string(fp, s);
	fclose(fp);
	return buf;
}

START_TEST(json_strings)
{
	static const struct { const char *in, *out; } t[] = {
		{ "vtape0", "\"vtape0\"" },
		{ "a\"b\\c", "\"a\\\"b\\\\c\"" },
		{ "l1\nl2\tx", "\"l1\\nl2\\tx\"" },
		{ "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"" },
		{ "caf\xc3\xa9", "\"caf\xc3\xa9\"" },		/* UTF-8 kept */
		{ "\xff" "a", "\"\\ufffda\"" },			/* not UTF-8 */
		{ "\xc0\xaf", "\"\\ufffd\\ufffd\"" },		/* overlong */
		{ "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"" },	/* surrogate */
		{ "\xe2\x82", "\"\\ufffd\\ufffd\"" },		/* cut short */
		{ "", "\"\"" },
	};
	char	*out;
	size_t	 i;

	for (i = 0; i < nitems(t); i++) {
		out = json_of(t[i].in);
		ck_assert_str_eq(out, t[i].out);
		free(out);
	}
	out = NULL;
	{
		size_t	 len = 0;
		FILE	*fp = open_memstream(&out, &len);

		json_string(fp, NULL);
		fclose(fp);
	}
	ck_assert_str_eq(out, "null");
	free(out);
}
END_TEST

static Suite *
tscan_suite(void)
{
	Suite	*s = suite_create("tscan");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, hist_many_sizes);
	tcase_add_test(tc, hist_ties_smaller_first);
	tcase_add_test(tc, file_counts);
	tcase_add_test(tc, fixed_or_variable);
	tcase_add_test(tc, unknown_sizes);
	tcase_add_test(tc, whole_tape);
	tcase_add_test(tc, json_strings);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(tscan_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
