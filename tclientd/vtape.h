/*
 * vtape.h -- private to the vtape backend: the drive's state
 * (backend_vtape.c, vtape_op.c) and the cartridge file (cartridge.c).
 */
#ifndef VTAPE_H
#define VTAPE_H

/* What an object on the cartridge is. */
#define CART_REC	1	/* a data record */
#define CART_FM		2	/* a filemark */
#define CART_BAD	3	/* a record marked bad (SIMH class 8) */

#define CART_FRAME(len)	(8 + (uint64_t)(len) + ((len) & 1))
#define CART_FM_SIZE	4

/* st.h's eof states; their order matters, st compares them */
enum { ST_NOEOF, ST_FM_HIT, ST_FM, ST_EOM_OK, ST_EOM_ERROR, ST_EOD_1,
	ST_EOD_2, ST_EOD };
enum { ST_IDLE, ST_READING, ST_WRITING };

/* The drive: what st keeps per drive, and the tape under the head. */
struct vtape {
	char		*path;
	uint64_t	 capacity;
	uint64_t	 ew;		/* where early warning begins */
	int		 tab;		/* write_protect in the configuration */
	uint32_t	 min_block;
	uint32_t	 max_block;
	uint64_t	 fail_at;
	uint64_t	 nwrites;
	char		*hold;		/* writes wait while it exists */

	struct cart	*cart;		/* NULL: no tape */
	size_t		 pos;		/* the object under the head */
	int		 eof;
	int		 rw;
	int64_t		 drv_file;
	int64_t		 drv_block;
	uint32_t	 block_size;
	uint32_t	 density;
	int		 compress;
	int		 write_prot;	/* for this open */
	int		 drv_write_prot;	/* the cartridge's */
	int		 oflags;
	int		 rew_at_close;

	uint8_t		*rbuf;		/* fixed-mode read-ahead */
	size_t		 rcap;
	size_t		 rlen;		/* bytes not yet read by the user */
	size_t		 roff;
};

/* backend_vtape.c */
void	vt_new_session(struct vtape *);
void	vt_flush(struct vtape *, int);
int	vt_check_wp(struct vtape *);
void	vt_rewind(struct vtape *);
int	vt_put_fm(struct vtape *);
int	vt_position(void *, uint64_t *);

/* vtape_undo.c */
void	*vt_save(void *);
int	 vt_restore(void *, const void *);
void	 vt_forget(void *);

/* vtape_op.c */
int	vt_op(void *, int, int64_t, int64_t *);

/* cartridge.c */
struct cart;
struct cart *cart_open(const char *, char *, size_t);
void	cart_close(struct cart *);
int	cart_readonly(const struct cart *);
size_t	cart_count(const struct cart *);
uint64_t cart_offset(const struct cart *, size_t);
size_t	cart_fm_before(const struct cart *, size_t);
size_t	cart_fm_index(const struct cart *, size_t);
int	cart_kind(struct cart *, size_t, uint32_t *);
int	cart_read(struct cart *, size_t, void *, uint32_t);
int	cart_write(struct cart *, size_t, const void *, uint32_t);
int	cart_truncate(struct cart *, size_t);
int	cart_sync(struct cart *);

#endif /* VTAPE_H */
