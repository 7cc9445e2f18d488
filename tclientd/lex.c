/*
 * lex.c -- the tokenizer and diagnostics under parse.c: a line of words,
 * "quoted strings" and braces at a time, numbers and sizes with their
 * errors, and every error kept to be reported in line order.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tclientd.h"

#define MAX_ERRORS	50	/* then stop: it is likely not a config file */
#define MAX_FILE	(4u << 20)	/* 8K doubled; more is not a config file */

struct lex_diag {
	int		 line;
	size_t		 seq;
	char		*msg;
};

/* Read all of file; a failure is reported by lex_close. */
int
lex_open(struct lex *lx, const char *file)
{
	FILE	*fp;
	size_t	 cap = 0, n;
	char	*t;
	int	 done = 0;

	memset(lx, 0, sizeof(*lx));
	lx->file = file;
	if ((fp = fopen(file, "r")) == NULL) {
		lx->syserr = errno;
		lx->stop = 1;
		return -1;
	}
	while (!done) {
		if (lx->len == cap) {
			if (cap == MAX_FILE) {
				errno = EFBIG;
				break;
			}
			cap = cap ? cap * 2 : 8192;
			if ((t = realloc(lx->text, cap)) == NULL)
				break;
			lx->text = t;
		}
		n = fread(lx->text + lx->len, 1, cap - lx->len, fp);
		lx->len += n;
		if (n == 0 && ferror(fp))
			break;
		done = n == 0;
	}
	if (!done) {
		lx->syserr = errno;
		lx->stop = 1;
	}
	fclose(fp);
	return done ? 0 : -1;
}

void
lex_nomem(struct lex *lx)
{
	lx->syserr = ENOMEM;
	lx->stop = 1;
}

void
lex_error(struct lex *lx, int line, const char *fmt, ...)
{
	char		 msg[1024];
	struct lex_diag	*d;
	va_list		 ap;

	if (lx->stop)
		return;
	if (lx->ndiags == MAX_ERRORS) {
		lx->stop = 1;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	d = realloc(lx->diags, (lx->ndiags + 1) * sizeof(*d));
	if (d == NULL) {
		lex_nomem(lx);
		return;
	}
	lx->diags = d;
	d = &lx->diags[lx->ndiags];
	if ((d->msg = strdup(msg)) == NULL) {
		lex_nomem(lx);
		return;
	}
	d->line = line;
	d->seq = lx->ndiags++;
}

static void
tok_reset(struct lex *lx)
{
	while (lx->ntok > 0)
		free(lx->tok[--lx->ntok].s);
}

static int
tok_push(struct lex *lx, enum lex_type type, char *s)
{
	struct lex_token	*t;
	size_t			 cap;

	if (lx->ntok == lx->tokcap) {
		cap = lx->tokcap ? lx->tokcap * 2 : 8;
		if ((t = realloc(lx->tok, cap * sizeof(*t))) == NULL) {
			free(s);
			lex_nomem(lx);
			return -1;
		}
		lx->tok = t;
		lx->tokcap = cap;
	}
	lx->tok[lx->ntok].type = type;
	lx->tok[lx->ntok++].s = s;
	return 0;
}

/* s[*i] is the opening quote; \" and \\ are the only escapes. */
static int
lex_string(struct lex *lx, const char *s, size_t len, size_t *i)
{
	char	*out;
	size_t	 j, n = 0;

	if ((out = malloc(len - *i)) == NULL) {
		lex_nomem(lx);
		return -1;
	}
	for (j = *i + 1; j < len && s[j] != '"' && s[j] != '\n'; j++) {
		if (s[j] == '\\' && j + 1 < len && s[j + 1] != '\n') {
			if (s[++j] != '"' && s[j] != '\\') {
				lex_error(lx, lx->line,
				    isprint((unsigned char)s[j]) ?
				    "unknown escape \"\\%c\" in quoted string "
				    "(only \\\" and \\\\ are escapes)" :
				    "unknown escape in quoted string "
				    "(only \\\" and \\\\ are escapes)", s[j]);
				free(out);
				return -1;
			}
		} else if (s[j] == '\\' || s[j] == '\0')
			break;
		out[n++] = s[j];
	}
	if (j == len || s[j] != '"') {
		lex_error(lx, lx->line, j < len && s[j] == '\0' ?
		    "NUL character in quoted string" :
		    "unterminated quoted string (missing closing \")");
		free(out);
		return -1;
	}
	out[n] = '\0';
	*i = j + 1;
	return tok_push(lx, LEX_WORD, out);
}

static int
lex_line(struct lex *lx, const char *s, size_t len)
{
	size_t	 i = 0, start;
	char	*w;

	while (i < len && s[i] != '#') {
		if (isspace((unsigned char)s[i]))
			i++;
		else if (s[i] == '\0') {
			lex_error(lx, lx->line, "NUL character in the line");
			return -1;
		} else if (s[i] == '{' || s[i] == '}') {
			if (tok_push(lx, s[i++] == '{' ? LEX_OPEN : LEX_CLOSE,
			    NULL) == -1)
				return -1;
		} else if (s[i] == '"') {
			if (lex_string(lx, s, len, &i) == -1)
				return -1;
		} else {
			for (start = i; i < len && s[i] != '\0' &&
			    !isspace((unsigned char)s[i]) &&
			    strchr("#{}\"", s[i]) == NULL; i++)
				;
			if ((w = strndup(s + start, i - start)) == NULL) {
				lex_nomem(lx);
				return -1;
			}
			if (tok_push(lx, LEX_WORD, w) == -1)
				return -1;
		}
	}
	return 0;
}

/*
 * The next line's tokens in lx->tok (none for a blank line or one with a
 * reported mistake); 0 at the end of the file or once stopped.
 */
int
lex_next(struct lex *lx)
{
	const char	*s, *nl;
	size_t		 len;

	tok_reset(lx);
	if (lx->stop || lx->pos == lx->len)
		return 0;
	s = lx->text + lx->pos;
	nl = memchr(s, '\n', lx->len - lx->pos);
	len = nl != NULL ? (size_t)(nl - s) + 1 : lx->len - lx->pos;
	lx->pos += len;
	lx->line++;
	if (lex_line(lx, s, len) == -1)
		tok_reset(lx);
	return !lx->stop;
}

const char *
lex_tokstr(const struct lex_token *t)
{
	return t->type == LEX_OPEN ? "{" : t->type == LEX_CLOSE ? "}" : t->s;
}

/* Decimal or 0x hex: strtoll would silently read a leading 0 as octal. */
static int
leading_zero(struct lex *lx, const char *what, const char *s)
{
	if (s[0] != '0' || !isdigit((unsigned char)s[1]))
		return 0;
	lex_error(lx, lx->line, "%s: \"%s\" has a leading zero (write the "
	    "number in decimal, or in hex as 0x...)", what, s);
	return 1;
}

int
lex_num(struct lex *lx, const char *what, const char *s, long long min,
    long long max, long long *v)
{
	const char	*errstr;

	if (leading_zero(lx, what, s))
		return -1;
	if (tc_parse_num(s, min, max, v, &errstr) == 0)
		return 0;
	if (strcmp(errstr, "not a number") == 0)
		lex_error(lx, lx->line, "%s: \"%s\" is not a number (expected "
		    "%lld to %lld)", what, s, min, max);
	else
		lex_error(lx, lx->line, "%s %s is out of range (%lld to %lld)",
		    what, s, min, max);
	return -1;
}

int
lex_size(struct lex *lx, const char *what, const char *s, uint64_t min,
    uint64_t max, uint64_t *v)
{
	char		 lo[32], hi[32];
	const char	*errstr;

	if (leading_zero(lx, what, s))
		return -1;
	if (tc_parse_size(s, max, v, &errstr) == 0 && *v >= min)
		return 0;
	if (errstr != NULL && strcmp(errstr, "not a size") == 0)
		lex_error(lx, lx->line, "%s: \"%s\" is not a size (a number "
		    "with an optional K, M, G or T suffix)", what, s);
	else
		lex_error(lx, lx->line, "%s %s is out of range (%s to %s)",
		    what, s, lex_fmtsize(min, lo, sizeof(lo)),
		    lex_fmtsize(max, hi, sizeof(hi)));
	return -1;
}

/* A size as it would be written: 1G, 512K, or bytes. */
const char *
lex_fmtsize(uint64_t v, char *buf, size_t len)
{
	static const char	units[] = "KMGT";
	int			i;

	for (i = 4; i > 0; i--)
		if (v != 0 && v % (1ull << (10 * i)) == 0) {
			snprintf(buf, len, "%llu%c",
			    (unsigned long long)(v >> (10 * i)), units[i - 1]);
			return buf;
		}
	snprintf(buf, len, "%llu", (unsigned long long)v);
	return buf;
}

/* Edit distance, any case, a swap of neighbours counting as one edit. */
int
lex_distance(const char *a, const char *b)
{
	int	 rows[3][32], *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
	int	*tmp, v;
	size_t	 i, j, la = strlen(a), lb = strlen(b);

	if (lb >= nitems(rows[0]) || la > 64)
		return INT_MAX;
	for (j = 0; j <= lb; j++)
		prev[j] = (int)j;
	for (i = 1; i <= la; i++) {
		cur[0] = (int)i;
		for (j = 1; j <= lb; j++) {
			v = prev[j - 1] + (tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]));
			if (prev[j] + 1 < v)
				v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < v)
				v = prev2[j - 2] + 1;
			cur[j] = v;
		}
		tmp = prev2;
		prev2 = prev;
		prev = cur;
		cur = tmp;
	}
	return prev[lb];
}

static int
diag_cmp(const void *a, const void *b)
{
	const struct lex_diag	*x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
emit(int (*report)(const char *), const char *line)
{
	if (report != NULL)
		report(line);
	else
		log_warnx("%s", line);
}

/*
 * Report every error in line order, then a failed open, read or
 * allocation; free everything.  The number of lines reported.
 */
size_t
lex_close(struct lex *lx, int (*report)(const char *))
{
	char	buf[1200];
	size_t	i, n = lx->ndiags;

	tok_reset(lx);
	free(lx->tok);
	free(lx->text);
	if (lx->ndiags > 0)
		qsort(lx->diags, lx->ndiags, sizeof(*lx->diags), diag_cmp);
	for (i = 0; i < lx->ndiags; i++) {
		snprintf(buf, sizeof(buf), "%s:%d: %s", lx->file,
		    lx->diags[i].line, lx->diags[i].msg);
		emit(report, buf);
		free(lx->diags[i].msg);
	}
	free(lx->diags);
	if (lx->syserr != 0)
		snprintf(buf, sizeof(buf), "%s: %s", lx->file,
		    strerror(lx->syserr));
	else if (lx->stop)
		snprintf(buf, sizeof(buf), "%s:%d: too many errors, stopping "
		    "here", lx->file, lx->line);
	if (lx->syserr != 0 || lx->stop) {
		emit(report, buf);
		n++;
	}
	memset(lx, 0, sizeof(*lx));
	return n;
}
