/*
 * tscan_tape.c -- what tscan learns of a tape: per file the record sizes
 * and their counts, whether the file is of fixed-size blocks, and what
 * the tape as a whole holds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tscan.h"

#define HIST_MINCAP	8

void
hist_init(struct hist *h)
{
	memset(h, 0, sizeof(*h));
}

void
hist_free(struct hist *h)
{
	free(h->tab);
	hist_init(h);
}

static size_t
slot(const struct hist_ent *tab, size_t cap, uint32_t size)
{
	size_t	i = (size_t)((size * 0x9e3779b1u) & (cap - 1));

	while (tab[i].count != 0 && tab[i].size != size)
		i = (i + 1) & (cap - 1);
	return i;
}

static int
grow(struct hist *h)
{
	struct hist_ent	*tab;
	size_t		 cap = h->cap ? h->cap * 2 : HIST_MINCAP, i, k;

	if ((tab = calloc(cap, sizeof(*tab))) == NULL)
		return -1;
	for (i = 0; i < h->cap; i++)
		if (h->tab[i].count != 0) {
			k = slot(tab, cap, h->tab[i].size);
			tab[k] = h->tab[i];
		}
	free(h->tab);
	h->tab = tab;
	h->cap = cap;
	return 0;
}

/* count more records of size; -1 when out of memory */
int
hist_add(struct hist *h, uint32_t size, uint64_t count)
{
	size_t	i;

	if (count == 0)
		return 0;
	/* at most half full, so probes stay short */
	if ((h->n + 1) * 2 > h->cap && grow(h) == -1)
		return -1;
	i = slot(h->tab, h->cap, size);
	if (h->tab[i].count == 0) {
		h->tab[i].size = size;
		h->n++;
	}
	h->tab[i].count += count;
	return 0;
}

uint64_t
hist_count(const struct hist *h, uint32_t size)
{
	size_t	i;

	if (h->cap == 0)
		return 0;
	i = slot(h->tab, h->cap, size);
	return h->tab[i].count;
}

static int
by_count(const void *a, const void *b)
{
	const struct hist_ent *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return x->size < y->size ? -1 : x->size > y->size;
}

/* The sizes, most common first (ties: smaller first); free(3) it. */
struct hist_ent *
hist_sorted(const struct hist *h)
{
	struct hist_ent	*v;
	size_t		 i, k = 0;

	if ((v = calloc(h->n + 1, sizeof(*v))) == NULL)
		return NULL;
	for (i = 0; i < h->cap; i++)
		if (h->tab[i].count != 0)
			v[k++] = h->tab[i];
	qsort(v, k, sizeof(*v), by_count);
	return v;
}

void
file_init(struct tfile *f, int64_t fileno, int64_t first)
{
	memset(f, 0, sizeof(*f));
	f->fileno = fileno;
	f->first = first;
	hist_init(&f->sizes);
}

/* One record read whole; -1 when out of memory. */
int
file_add(struct tfile *f, uint32_t size)
{
	if (hist_add(&f->sizes, size, 1) == -1)
		return -1;
	if (f->records == f->unsized || size < f->min)
		f->min = size;
	if (size > f->max)
		f->max = size;
	f->records++;
	f->bytes += size;
	f->last = size;
	return 0;
}

/*
 * A file is of fixed blocks when every record but possibly the last has
 * one size, and the last is no longer; *block is then that size, else 0.
 */
enum ts_layout
file_layout(const struct tfile *f, uint32_t *block)
{
	*block = 0;
	if (f->records == 0)
		return L_EMPTY;
	if (f->records == f->unsized)
		return L_UNKNOWN;
	if (f->unsized > 0)
		return L_VARIABLE;
	if (f->sizes.n == 1) {
		*block = f->max;
		return L_FIXED;
	}
	/* a short last record: only if the file was read to its end */
	if (f->sizes.n == 2 && !f->skipped && f->last == f->min &&
	    hist_count(&f->sizes, f->min) == 1) {
		*block = f->max;
		return L_FIXED;
	}
	return L_VARIABLE;
}

/*
 * The tape as a whole, from its files with records: L_FIXED when all are
 * of fixed blocks of one size (*block), L_EMPTY when none has records,
 * L_UNKNOWN when no record had a size, else L_VARIABLE.
 */
enum ts_layout
tape_layout(const struct tfile *files, size_t n, uint32_t *block)
{
	enum ts_layout	 l, all = L_EMPTY;
	uint32_t	 b;
	size_t		 i;

	*block = 0;
	for (i = 0; i < n; i++) {
		if ((l = file_layout(&files[i], &b)) == L_EMPTY)
			continue;
		if (all == L_EMPTY || (all == l && (l != L_FIXED ||
		    b == *block))) {
			all = l;
			*block = b;
		} else
			all = L_VARIABLE;
	}
	if (all != L_FIXED)
		*block = 0;
	return all;
}

const char *
end_name(enum ts_end e)
{
	switch (e) {
	case END_FILEMARK:	return "filemark";
	case END_EOD:		return "end of data";
	case END_FILES:		return "file limit";
	case END_INTR:		return "interrupted";
	case END_ERROR:		return "error";
	default:		return "none";
	}
}

const char *
layout_name(enum ts_layout l)
{
	switch (l) {
	case L_EMPTY:	return "empty";
	case L_FIXED:	return "fixed";
	case L_VARIABLE: return "variable";
	default:	return "unknown";
	}
}

/* What the tape holds, in a phrase; returns its layout. */
int
summary(const struct scan *s, char *buf, size_t len)
{
	uint32_t	block;
	enum ts_layout	l = tape_layout(s->files, s->nfiles, &block);

	switch (l) {
	case L_EMPTY:
		snprintf(buf, len, "no data");
		break;
	case L_FIXED:
		snprintf(buf, len, "fixed %u-byte blocks", block);
		break;
	case L_VARIABLE:
		snprintf(buf, len, "variable records");
		break;
	default:
		snprintf(buf, len, "records larger than %u bytes",
		    s->readsize);
	}
	return (int)l;
}

/* Read from its first record to its end. */
int
file_complete(const struct tfile *f)
{
	return f->first == 0 && !f->skipped &&
	    (f->end == END_FILEMARK || f->end == END_EOD);
}
