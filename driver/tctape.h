/*
 * tctape.h -- tctape, the FUSE tape nodes of the thin virtual tape driver:
 * a file per drive whose open, read, write, ioctl and close are a tape's,
 * each open its own libtclient session.
 */
#ifndef TCTAPE_H
#define TCTAPE_H

#define FUSE_USE_VERSION 312

#include <sys/queue.h>
#include <sys/types.h>

#include <pthread.h>
#include <fuse_lowlevel.h>

#include "common.h"

#define TT_ROOT_INO	1
#define TT_REQ_MAX	TC_FUSE_RECORD	/* what we ask the kernel for */
#define TT_RELEASE_WAIT	10		/* seconds an open waits for a release */

/* A tape node: DRIVE rewinds at close, nDRIVE does not. */
struct tt_node {
	fuse_ino_t	 ino;
	char		 name[TC_NAME_MAX + 2];
	char		 drive[TC_NAME_MAX + 1];
	char		 backend[TC_NAME_MAX + 1];
	int		 rewind;
	int		 readonly;
	uint32_t	 max_record;
};

/* One open(2) of a node: its own connection and drive session. */
struct tt_handle {
	TAILQ_ENTRY(tt_handle)	 entry;
	pthread_mutex_t		 mtx;		/* one operation at a time */
	const struct tt_node	*node;
	int			 oflags;
	struct tc_conn		*conn;
	int			 flushed;	/* closed once, idle since (tt.mtx) */
	int			 releasing;	/* the last close (tt.mtx) */
	int			 dirty;		/* written since the last flush */
	int			 perr;		/* an error for the next request */
	uint32_t		 max_record;	/* largest record, from the drive */
	uint32_t		 max_block;
	int64_t			 blksize;	/* -1: not known since the last op */

	/* a record whose write(2) the kernel is passing in parts */
	uint8_t			*wbuf;
	size_t			 wlen;
	size_t			 wcap;
	size_t			 wwant;		/* the write(2)'s count; 0: unknown */
	int			 holding;

	/* a record read whole for a read(2) the kernel may pass in parts */
	uint8_t			*rbuf;
	size_t			 rcap;
	size_t			 rlen;		/* bytes of the record */
	size_t			 roff;		/* bytes given to the call */
	int			 rpend;		/* 1 variable, 2 fixed block */
};

struct tt_mount {
	struct tc_options	 opts;
	const char		*dir;
	struct tt_node		*nodes;
	size_t			 nnodes;
	char			*dirbuf;	/* readdir's answer, built once */
	size_t			 dirlen;
	mode_t			 mode;
	uid_t			 uid;
	gid_t			 gid;
	time_t			 mtime;
	size_t			 pagesize;
	size_t			 wlimit;	/* bytes per request, effective */
	size_t			 rlimit;
	size_t			 wsplit;	/* a request above may be split */
	size_t			 rsplit;
	struct fuse_conn_info	*conn;		/* the session's, after INIT */
	pthread_mutex_t		 mtx;		/* handles, flushed */
	pthread_cond_t		 released;
	TAILQ_HEAD(, tt_handle)	 handles;
};

extern struct tt_mount tt;

/* tctape_dir.c */
int	 nodes_load(struct tc_conn *, char *, size_t);
void	 nodes_free(void);
const struct tt_node *node_byino(fuse_ino_t);
void	 dir_lookup(fuse_req_t, fuse_ino_t, const char *);
void	 dir_getattr(fuse_req_t, fuse_ino_t, struct fuse_file_info *);
void	 dir_setattr(fuse_req_t, fuse_ino_t, struct stat *, int,
	    struct fuse_file_info *);
void	 dir_readdir(fuse_req_t, fuse_ino_t, size_t, off_t,
	    struct fuse_file_info *);

/* tctape_fs.c */
extern const struct fuse_lowlevel_ops tt_ops;

/* tctape_handle.c */
int	 handle_open(const struct tt_node *, int, struct tt_handle **);
void	 handle_busy(struct tt_handle *);
int	 handle_sync(struct tt_handle *);
int	 handle_flush(struct tt_handle *);
void	 handle_release(struct tt_handle *);
void	 handle_closeall(void);
int	 handle_errno(struct tt_handle *, int, const char *);

/* tctape_io.c */
ssize_t	 io_write(struct tt_handle *, pid_t, const void *, size_t, off_t);
ssize_t	 io_read(struct tt_handle *, pid_t, size_t, off_t, const void **);
int	 io_settle(struct tt_handle *);
int	 io_ioctl(struct tt_handle *, unsigned int, const void *, size_t,
	    void *, size_t *);

#endif /* TCTAPE_H */
