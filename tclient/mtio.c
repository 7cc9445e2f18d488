/*
 * mtio.c -- the Linux <sys/mtio.h> faces of libtclient: MTIOCTOP through
 * the platform's op table, MTIOCGET and MTIOCPOS from canonical status, in
 * the layout Linux st fills them (SCSI-2 drive, block size and density in
 * mt_dsreg, the partition in mt_resid).
 */
#include <sys/mtio.h>

#include <errno.h>
#include <string.h>

#include "client.h"

#ifndef GMT_CLN
#define GMT_CLN(x)	((x) & 0x00008000)	/* <linux/mtio.h>; not in glibc */
#endif

int
tc_mtioctop(struct tc_conn *c, const struct mtop *op)
{
	return tc_local_op(c, op->mt_op, op->mt_count);
}

static long
gstat(uint32_t f)
{
	unsigned long	g = 0;

	if (f & TC_ST_EOF)
		g |= GMT_EOF(~0UL);
	if (f & TC_ST_BOT)
		g |= GMT_BOT(~0UL);
	if (f & TC_ST_EOT)
		g |= GMT_EOT(~0UL);
	if (f & TC_ST_SM)
		g |= GMT_SM(~0UL);
	if (f & TC_ST_EOD)
		g |= GMT_EOD(~0UL);
	if (f & TC_ST_WRPROT)
		g |= GMT_WR_PROT(~0UL);
	if (f & TC_ST_ONLINE)
		g |= GMT_ONLINE(~0UL);
	if (f & TC_ST_NOMEDIUM)
		g |= GMT_DR_OPEN(~0UL);
	if (f & TC_ST_IMREP)
		g |= GMT_IM_REP_EN(~0UL);
	if (f & TC_ST_CLN)
		g |= GMT_CLN(~0UL);
	return (long)g;
}

int
tc_mtiocget(struct tc_conn *c, struct mtget *mt)
{
	struct tc_status	st;
	int			r;

	if ((r = tc_status(c, &st)) < 0)
		return r;
	memset(mt, 0, sizeof(*mt));
	mt->mt_type = MT_ISSCSI2;
	mt->mt_resid = st.partition;
	mt->mt_dsreg = (long)(((st.blksize << MT_ST_BLKSIZE_SHIFT) &
	    MT_ST_BLKSIZE_MASK) | ((st.density << MT_ST_DENSITY_SHIFT) &
	    MT_ST_DENSITY_MASK));
	mt->mt_gstat = gstat(st.flags);
	mt->mt_erreg = (long)((st.softerr << MT_ST_SOFTERR_SHIFT) &
	    MT_ST_SOFTERR_MASK);
	mt->mt_fileno = st.fileno > INT32_MAX ? -1 : (int)st.fileno;
	mt->mt_blkno = st.blkno > INT32_MAX ? -1 : (int)st.blkno;
	return 0;
}

int
tc_mtiocpos(struct tc_conn *c, struct mtpos *mp)
{
	uint64_t	pos;
	int		r;

	if ((r = tc_position(c, &pos)) < 0)
		return r;
	mp->mt_blkno = (long)pos;
	return 0;
}
