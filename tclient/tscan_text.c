/*
 * tscan_text.c -- tscan's report for people: the drive, one aligned line
 * per tape file, the record sizes of each file, and what the tape holds.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tscan.h"

#define TOPSIZES	8	/* sizes shown per file without -v */
#define NCOLS		6
#define LABEL		"%-14s"

static const char *heads[NCOLS] = {
	"file", "records", "bytes", "min", "max", "layout"
};

struct row {
	char	cell[NCOLS][160];
};

static const char *
setblk(const struct scan *s)
{
	return s->setblk ? s->setblk : "block size";
}

/* The block mode in the terms of the platform the client speaks for. */
static void
drive_lines(FILE *fp, const struct scan *s)
{
	fprintf(fp, LABEL "%s\n", "drive", s->drive);
	if (s->start.blksize)
		fprintf(fp, LABEL "fixed, %u-byte blocks", "block mode",
		    s->start.blksize);
	else
		fprintf(fp, LABEL "variable (block size 0)", "block mode");
	if (s->setblk)
		fprintf(fp, "; %s %u on %s\n", s->setblk, s->start.blksize,
		    s->platform);
	else
		fprintf(fp, "; %s has no call to set it\n", s->platform);
	fprintf(fp, LABEL "%u to %u bytes\n", "block limits", s->min_block,
	    s->max_block);
	fprintf(fp, LABEL "0x%02x (%s)\n", "density", s->start.density,
	    canon_density(s->start.density));
	fprintf(fp, LABEL "%s\n", "compression",
	    (s->start.flags & TC_ST_COMPRESS) ? "on" : "off");
	if (!s->noted)
		return;		/* the scan did not start */
	fprintf(fp, LABEL "file ", "started at");
	if (s->start.fileno >= 0)
		fprintf(fp, "%" PRId64, s->start.fileno);
	else
		fputs("unknown", fp);
	if (s->start.blkno >= 0)
		fprintf(fp, ", record %" PRId64, s->start.blkno);
	else
		fputs(", record unknown", fp);
	if (s->start_pos_ok)
		fprintf(fp, ", block address %" PRIu64, s->start_pos);
	fprintf(fp, "%s\n", s->rewind ? "; scanned from the beginning" : "");
	fprintf(fp, LABEL "up to %u bytes%s\n", "reads", s->readsize,
	    s->mode_changed ? ", in variable mode for the scan" : "");
	if (s->verbose)
		fprintf(fp, LABEL "first %u bytes; %" PRIu64 " record(s) "
		    "longer than that read again whole\n", "buffer",
		    s->bufstart, s->rereads);
	if (s->relative)
		fprintf(fp, LABEL "count from where the scan started (the "
		    "drive did not know its file number)\n", "file numbers");
}

static void
add_note(char *buf, size_t len, int *n, const char *fmt, ...)
    TC_PRINTF(4, 5);

/* Notes in parentheses after the layout, separated by semicolons. */
static void
add_note(char *buf, size_t len, int *n, const char *fmt, ...)
{
	size_t	at = strlen(buf);
	va_list	ap;

	snprintf(buf + at, len - at, "%s", (*n)++ ? "; " : " (");
	at = strlen(buf);
	va_start(ap, fmt);
	vsnprintf(buf + at, len - at, fmt, ap);
	va_end(ap);
}

static void
layout_cell(char *buf, size_t len, const struct scan *s,
    const struct tfile *f)
{
	uint32_t	block;
	enum ts_layout	l = file_layout(f, &block);
	int		n = 0;

	if (l == L_EMPTY && f->first != 0)
		/* begun inside a file, at its end: not an empty file */
		snprintf(buf, len, "no records after the start");
	else if (l == L_FIXED && f->min < block)
		snprintf(buf, len, "fixed %u, last %u", block, f->min);
	else if (l == L_FIXED)
		snprintf(buf, len, "fixed %u", block);
	else
		snprintf(buf, len, "%s", layout_name(l));
	if (f->first > 0)
		add_note(buf, len, &n, "from record %" PRId64, f->first);
	else if (f->first < 0 && f->records > 0)
		add_note(buf, len, &n, "from an unknown record");
	if (f->skipped)
		add_note(buf, len, &n, "first %" PRIu64 " records", f->records);
	if (f->unsized)
		add_note(buf, len, &n, "%" PRIu64 " larger than %u bytes",
		    f->unsized, f->unsized_over);
	if (f->end == END_EOD && f->records > 0)
		add_note(buf, len, &n, "no filemark");
	else if (f->end == END_INTR || f->end == END_ERROR)
		add_note(buf, len, &n, "%s", f->end == END_INTR ?
		    "interrupted" : "read error");
	if (n && strlen(buf) + 1 < len)
		strcat(buf, ")");
}

static void
fill_row(struct row *r, const struct scan *s, const struct tfile *f)
{
	int	sized = f->records > f->unsized;

	snprintf(r->cell[0], sizeof(r->cell[0]), "%" PRId64, f->fileno);
	snprintf(r->cell[1], sizeof(r->cell[1]), "%" PRIu64, f->records);
	snprintf(r->cell[2], sizeof(r->cell[2]), "%" PRIu64, f->bytes);
	snprintf(r->cell[3], sizeof(r->cell[3]), "%u", f->min);
	snprintf(r->cell[4], sizeof(r->cell[4]), "%u", f->max);
	if (!sized) {
		strcpy(r->cell[3], "-");
		strcpy(r->cell[4], "-");
	}
	layout_cell(r->cell[5], sizeof(r->cell[5]), s, f);
}

static void
print_row(FILE *fp, const char *const cells[NCOLS], const int *w)
{
	int	i;

	for (i = 0; i < NCOLS - 1; i++)
		fprintf(fp, "%s%*s", i ? "  " : "", w[i], cells[i]);
	fprintf(fp, "  %s\n", cells[NCOLS - 1]);
}

static void
file_table(FILE *fp, const struct scan *s)
{
	struct row	*rows;
	const char	*cells[NCOLS];
	int		 w[NCOLS], i, len;
	size_t		 k;

	if ((rows = calloc(s->nfiles, sizeof(*rows))) == NULL) {
		fputs("(out of memory for the table)\n", fp);
		return;
	}
	for (i = 0; i < NCOLS; i++)
		w[i] = (int)strlen(heads[i]);
	for (k = 0; k < s->nfiles; k++) {
		fill_row(&rows[k], s, &s->files[k]);
		for (i = 0; i < NCOLS; i++)
			if ((len = (int)strlen(rows[k].cell[i])) > w[i])
				w[i] = len;
	}
	print_row(fp, heads, w);
	for (k = 0; k < s->nfiles; k++) {
		for (i = 0; i < NCOLS; i++)
			cells[i] = rows[k].cell[i];
		print_row(fp, cells, w);
	}
	free(rows);
}

static void
end_line(FILE *fp, const struct scan *s)
{
	if (s->nfiles == 0)
		fputs("no tape file after the starting point\n", fp);
	switch (s->end) {
	case END_EOD:
		fputs("end of data\n", fp);
		break;
	case END_FILES:
		fprintf(fp, "stopped after %zu file%s (--files)\n", s->nfiles,
		    s->nfiles == 1 ? "" : "s");
		break;
	case END_INTR:
		fputs("interrupted\n", fp);
		break;
	default:
		fputs("stopped by an error\n", fp);
	}
}

/* Per file, its record sizes with their counts, most common first. */
static void
size_lines(FILE *fp, const struct scan *s)
{
	const struct tfile *f;
	struct hist_ent	*v;
	size_t		 k, i, shown, head = 0;

	for (k = 0; k < s->nfiles; k++) {
		f = &s->files[k];
		if (f->records == 0)
			continue;
		if (!head++)
			fputs("\nrecord sizes, most common first\n", fp);
		fprintf(fp, "file %" PRId64 " ", f->fileno);
		if ((v = hist_sorted(&f->sizes)) == NULL) {
			fputs(" (out of memory)\n", fp);
			continue;
		}
		shown = s->verbose || f->sizes.n <= TOPSIZES ? f->sizes.n :
		    TOPSIZES;
		for (i = 0; i < shown; i++)
			fprintf(fp, "%s %u x%" PRIu64, i ? "," : "",
			    v[i].size, v[i].count);
		if (shown < f->sizes.n)
			fprintf(fp, ", and %zu more sizes (-v shows them)",
			    f->sizes.n - shown);
		if (f->unsized)
			fprintf(fp, "%s %" PRIu64 " larger than %u", shown ?
			    "," : "", f->unsized, f->unsized_over);
		fputc('\n', fp);
		free(v);
	}
}

/* A drive in fixed mode reads nothing but its own block size. */
static void
advice(FILE *fp, const struct scan *s, enum ts_layout l, uint32_t block)
{
	uint32_t bs = s->start.blksize;

	if (bs == 0 || l == L_EMPTY || (l == L_FIXED && block == bs))
		return;
	fprintf(fp, LABEL "in its fixed %u-byte mode the drive cannot read "
	    "these records; set variable mode (%s 0)", "note", bs, setblk(s));
	if (l == L_FIXED && block != 0)
		fprintf(fp, " or %u-byte blocks (%s %u)", block, setblk(s),
		    block);
	fputc('\n', fp);
}

void
out_text(FILE *fp, const struct scan *s)
{
	char		sum[128];
	uint32_t	block;
	enum ts_layout	l;

	drive_lines(fp, s);
	if (!s->noted)
		return;
	fputc('\n', fp);
	if (s->nfiles > 0)
		file_table(fp, s);
	end_line(fp, s);
	size_lines(fp, s);
	summary(s, sum, sizeof(sum));
	l = tape_layout(s->files, s->nfiles, &block);
	fprintf(fp, "\n" LABEL "%s\n", "summary", sum);
	advice(fp, s, l, block);
}
