/*
 * tscan.h -- tscan's private header: the scan's options, what it found
 * per tape file, and the drive as it was found, so it can be put back.
 * tscan is a client of libtclient's public interface (tclient.h) only;
 * from the project's common code it takes small utilities and the
 * platform tables, for the names of errors and operations.
 */
#ifndef TSCAN_H
#define TSCAN_H

#include <signal.h>
#include <stdio.h>

#include "common.h"

/* Record size -> count, for one tape file. */
struct hist_ent {
	uint32_t	 size;
	uint64_t	 count;		/* 0: a free slot */
};
struct hist {
	struct hist_ent	*tab;		/* open addressing, cap a power of 2 */
	size_t		 cap;
	size_t		 n;		/* distinct sizes */
};

/* How a tape file, or the whole scan, ended. */
enum ts_end {
	END_NONE = 0,
	END_FILEMARK,		/* a file: its filemark was read */
	END_EOD,		/* end of data */
	END_FILES,		/* the scan: --files reached */
	END_INTR,		/* SIGINT or SIGTERM */
	END_ERROR,		/* an error the drive or the session gave */
};

enum ts_layout { L_EMPTY, L_FIXED, L_VARIABLE, L_UNKNOWN };

struct tfile {
	int64_t		 fileno;	/* absolute, or from the start */
	int64_t		 first;		/* first record scanned; -1 unknown */
	uint64_t	 records;	/* all of them, unsized included */
	uint64_t	 bytes;		/* of the records with a size */
	uint32_t	 min;
	uint32_t	 max;
	uint32_t	 last;		/* size of the last record read */
	uint64_t	 unsized;	/* larger than the read size (ENOMEM) */
	uint32_t	 unsized_over;	/* ... the smallest such read size */
	int		 skipped;	/* --records: the rest was not read */
	enum ts_end	 end;
	struct hist	 sizes;
};

struct scan {
	/* what was asked */
	const char	*drive;
	uint64_t	 max_files;	/* 0: no limit */
	uint64_t	 max_records;	/* per file; 0: no limit */
	int		 rewind;
	int		 json;
	int		 verbose;
	int		 progress;	/* stderr is a terminal */

	/* the session */
	const struct tc_platform *plat;	/* tables of the client's platform,
					   NULL: none */
	int		 local_errno;	/* errno numbers are this host's */
	int		 lost;		/* the session ended */

	/* the drive as found */
	int		 noted;		/* known well enough to put back */
	const char	*platform;
	const char	*setblk;	/* the platform's name for STIOCHGP;
					   NULL: it has none */
	struct tc_status start;
	uint64_t	 start_pos;
	int		 start_pos_ok;
	uint32_t	 min_block;
	uint32_t	 max_block;
	uint32_t	 readsize;	/* the largest read the path allows */
	uint32_t	 bufsize;	/* bytes asked for by each read now */
	uint32_t	 bufstart;	/* ... at the start */
	uint64_t	 rereads;	/* records read again, whole */
	int		 mode_changed;	/* set to variable for the scan */
	int		 relative;	/* file numbers count from the start */

	/* the scan */
	uint64_t	 base;		/* block address objects count from */
	int		 base_ok;
	uint64_t	 objects;	/* records and marks read since base */
	uint64_t	 total_records;
	uint64_t	 total_bytes;
	uint64_t	 next_progress;	/* ms */
	int		 progress_shown;
	struct tfile	*files;
	size_t		 nfiles;
	size_t		 capfiles;
	enum ts_end	 end;
	char		 error[512];	/* why the scan stopped, END_ERROR */

	/* putting it back */
	int		 restored;	/* position and mode as found */
	char		 restore_error[512];
	char		 restore_note[256];
};

extern volatile sig_atomic_t ts_interrupted;

/* tscan.c */
int	ts_drive_err(int code, int err, int want);
int	ts_check(struct scan *, int code);
const char *ts_errtext(struct tc_conn *, const struct scan *, int code,
	    int err);

/* tscan_probe.c */
int	probe_begin(struct tc_conn *, struct scan *);
int	probe_scan(struct tc_conn *, struct scan *);
int	probe_restore(struct tc_conn *, struct scan *);
void	probe_free(struct scan *);

/* tscan_tape.c */
void	hist_init(struct hist *);
void	hist_free(struct hist *);
int	hist_add(struct hist *, uint32_t size, uint64_t count);
uint64_t hist_count(const struct hist *, uint32_t size);
struct hist_ent *hist_sorted(const struct hist *);
void	file_init(struct tfile *, int64_t fileno, int64_t first);
int	file_add(struct tfile *, uint32_t size);
enum ts_layout file_layout(const struct tfile *, uint32_t *block);
enum ts_layout tape_layout(const struct tfile *, size_t, uint32_t *block);
int	file_complete(const struct tfile *);
const char *end_name(enum ts_end);
const char *layout_name(enum ts_layout);
int	summary(const struct scan *, char *, size_t);

/* tscan_json.c */
void	json_string(FILE *, const char *);
void	out_json(FILE *, const struct scan *);

/* tscan_text.c */
void	out_text(FILE *, const struct scan *);

#endif /* TSCAN_H */
