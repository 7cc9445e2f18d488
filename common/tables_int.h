/*
 * tables_int.h -- private to the table loader: tables.c (finding and
 * reading the files), tables_lex.c (diagnostics, lines, fields),
 * tables_plat.c (errno and op tables), tables_rules.c (pair rules).
 */
#ifndef TC_TABLES_INT_H
#define TC_TABLES_INT_H

enum tl_kind {
	TK_ERRNO,
	TK_OPS,
	TK_RULES,
};

/* One table file, read whole. */
struct tl_src {
	char		*label;		/* path as given, or built-in:NAME */
	char		 id[TC_PLATFORM_MAX + 1];	/* platform files */
	enum tl_kind	 kind;
	const char	*text;
	size_t		 len;
	char		*buf;		/* owned copy of text, or NULL */
};

#define TL_DIAG_MAX	1000	/* problems reported per load */
#define TL_MAXF	8		/* fields kept; more are only counted */
struct tl_line {
	int		 lineno;
	size_t		 nf;
	char		*f[TL_MAXF];
};

struct tl {
	struct tc_tables *t;
	size_t		 platcap;
	size_t		 rulecap;
	size_t		 diagcap;
	int		 oom;
};

typedef void	(*tl_linefn)(struct tl *, const struct tl_src *,
		    const struct tl_line *, void *);

/* tables_lex.c */
void	tl_diag(struct tl *, const char *, int, const char *, ...)
	    TC_PRINTF(4, 5);
int	tl_grow(struct tl *, void **, size_t *, size_t, size_t);
size_t	tl_cap(size_t);
char	*tl_strdup(struct tl *, const char *);
void	tl_lines(struct tl *, const struct tl_src *, tl_linefn, void *);
int	tl_number(const char *, long, long *);
int	tl_errname_ok(const char *);
int	tl_checkname(struct tl *, const struct tl_src *, int, const char *);
struct tc_platform *tl_platform(struct tl *, const char *);
char	*tl_where(struct tl *, const char *, const char *, int);

/* tables_plat.c */
void	tl_errno_file(struct tl *, const struct tl_src *);
void	tl_ops_file(struct tl *, const struct tl_src *);
void	tl_check_platforms(struct tl *);

/* tables_rules.c */
void	tl_rules_file(struct tl *, const struct tl_src *);
void	tl_check_rules(struct tl *);

#endif /* TC_TABLES_INT_H */
