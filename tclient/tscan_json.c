/*
 * tscan_json.c -- tscan's report for programs: one JSON object, valid
 * whatever the strings hold (tscan.1 lists its keys).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tscan.h"

/*
 * A JSON string: quotes, backslashes and control characters escaped, and
 * bytes that are not UTF-8 replaced by U+FFFD, so the output always parses.
 */
static size_t
utf8_len(const unsigned char *p)
{
	size_t		n, i;
	uint32_t	cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

void
json_string(FILE *fp, const char *str)
{
	const unsigned char	*p = (const unsigned char *)str;
	size_t			 n;

	if (str == NULL) {
		fputs("null", fp);
		return;
	}
	fputc('"', fp);
	while (*p != '\0') {
		if (*p == '"' || *p == '\\')
			fprintf(fp, "\\%c", *p++);
		else if (*p == '\n' || *p == '\t') {
			fputs(*p == '\n' ? "\\n" : "\\t", fp);
			p++;
		} else if (*p < 0x20 || *p == 0x7f)
			fprintf(fp, "\\u%04x", *p++);
		else if ((n = utf8_len(p)) == 0) {
			fputs("\\ufffd", fp);
			p++;
		} else {
			fwrite(p, 1, n, fp);
			p += n;
		}
	}
	fputc('"', fp);
}

static void
json_num_or_null(FILE *fp, int64_t v)
{
	if (v < 0)
		fputs("null", fp);
	else
		fprintf(fp, "%" PRId64, v);
}

static void
json_sizes(FILE *fp, const struct tfile *f)
{
	struct hist_ent	*v;
	size_t		 i;

	fputc('{', fp);
	if ((v = hist_sorted(&f->sizes)) != NULL) {
		for (i = 0; i < f->sizes.n; i++)
			fprintf(fp, "%s\"%u\": %" PRIu64, i ? ", " : "",
			    v[i].size, v[i].count);
		free(v);
	}
	fputc('}', fp);
}

static void
json_file(FILE *fp, const struct tfile *f)
{
	enum ts_layout	l;
	uint32_t	block;

	l = file_layout(f, &block);
	fprintf(fp, "{\"file\": %" PRId64 ", \"first_record\": ", f->fileno);
	json_num_or_null(fp, f->first);
	fprintf(fp, ", \"records\": %" PRIu64 ", \"bytes\": %" PRIu64
	    ", \"min\": %u, \"max\": %u, \"sizes\": ", f->records, f->bytes,
	    f->min, f->max);
	json_sizes(fp, f);
	fprintf(fp, ", \"unknown_size\": %" PRIu64 ", \"layout\": \"%s\", "
	    "\"block\": %u, \"end\": \"%s\", \"complete\": %s}", f->unsized,
	    layout_name(l), block, end_name(f->end),
	    file_complete(f) ? "true" : "false");
}

static const char *
failure(const struct scan *s, char *buf, size_t len)
{
	if (s->error[0] && s->restore_error[0])
		snprintf(buf, len, "%s; %s", s->error, s->restore_error);
	else if (s->error[0] || s->restore_error[0])
		snprintf(buf, len, "%s", s->error[0] ? s->error :
		    s->restore_error);
	else
		return NULL;
	return buf;
}

void
out_json(FILE *fp, const struct scan *s)
{
	char		 sum[128], err[1100];
	uint32_t	 block;
	size_t		 i;

	fputs("{\n  \"drive\": ", fp);
	json_string(fp, s->drive);
	fputs(",\n  \"platform\": ", fp);
	json_string(fp, s->platform);
	fprintf(fp, ",\n  \"block_size\": %u,\n  \"block_mode\": \"%s\",\n"
	    "  \"block_size_op\": ", s->start.blksize,
	    s->start.blksize ? "fixed" : "variable");
	json_string(fp, s->setblk);
	fprintf(fp, ",\n  \"block_limits\": {\"min\": %u, \"max\": %u},\n"
	    "  \"density\": %u,\n  \"compression\": %s,\n"
	    "  \"read_size\": %u,\n  \"start\": {\"file\": ", s->min_block,
	    s->max_block, s->start.density,
	    (s->start.flags & TC_ST_COMPRESS) ? "true" : "false", s->readsize);
	json_num_or_null(fp, s->start.fileno);
	fputs(", \"record\": ", fp);
	json_num_or_null(fp, s->start.blkno);
	fputs(", \"address\": ", fp);
	json_num_or_null(fp, s->start_pos_ok ? (int64_t)s->start_pos : -1);
	fprintf(fp, "},\n  \"rewound\": %s,\n  \"file_numbers\": \"%s\",\n"
	    "  \"files\": [", s->rewind ? "true" : "false",
	    s->relative ? "relative" : "absolute");
	for (i = 0; i < s->nfiles; i++) {
		fputs(i ? ",\n    " : "\n    ", fp);
		json_file(fp, &s->files[i]);
	}
	summary(s, sum, sizeof(sum));
	tape_layout(s->files, s->nfiles, &block);
	fprintf(fp, "%s],\n  \"records\": %" PRIu64 ",\n  \"bytes\": %" PRIu64
	    ",\n  \"end\": \"%s\",\n  \"tape_block_size\": %u,\n"
	    "  \"summary\": ", s->nfiles ? "\n  " : "", s->total_records,
	    s->total_bytes, end_name(s->end), block);
	json_string(fp, sum);
	fprintf(fp, ",\n  \"restored\": %s,\n  \"error\": ",
	    s->restored ? "true" : "false");
	json_string(fp, failure(s, err, sizeof(err)));
	fputs("\n}\n", fp);
}
