/*
 * canon.c -- the canonical operation set and status flags (docs/PROTOCOL.md).
 */
#include <stdio.h>
#include <string.h>

#include "common.h"

#define W	TC_OPF_WRITES
#define M	TC_OPF_MOTION
#define R	TC_OPF_RESULT

static const struct tc_canon_info canon_ops[] = {
	{ TC_STOFFL,	"STOFFL",	M,	"rewind and unload" },
	{ TC_STREW,	"STREW",	M,	"rewind" },
	{ TC_STERASE,	"STERASE",	W | M,	"erase the tape" },
	{ TC_STRETEN,	"STRETEN",	M,	"retension" },
	{ TC_STWEOF,	"STWEOF",	W | M,	"write filemarks" },
	{ TC_STFSF,	"STFSF",	M,	"forward space files" },
	{ TC_STRSF,	"STRSF",	M,	"reverse space files" },
	{ TC_STFSR,	"STFSR",	M,	"forward space records" },
	{ TC_STRSR,	"STRSR",	M,	"reverse space records" },
	{ TC_STINSRT,	"STINSRT",	M,	"pull the tape in from the loader" },
	{ TC_STEJECT,	"STEJECT",	M,	"unload the tape to the loader" },
	{ TC_STTUR,	"STTUR",	0,	"test unit ready" },
	{ TC_STLOAD,	"STLOAD",	M,	"load the tape" },
	{ TC_STSEOD,	"STSEOD",	M,	"space to end of data" },
	{ TC_STFSSF,	"STFSSF",	M,	"forward space to N adjacent filemarks" },
	{ TC_STRSSF,	"STRSSF",	M,	"reverse space to N adjacent filemarks" },
	{ TC_STERASEGAP, "STERASEGAP",	W | M,	"write an erase gap" },
	{ TC_STIOCHGP,	"STIOCHGP",	0,	"set block size (0 = variable)" },
	{ TC_X_NOP,	"TCX_NOP",	0,	"no operation; flush buffers" },
	{ TC_X_RESET,	"TCX_RESET",	M,	"reset the drive" },
	{ TC_X_BSFM,	"TCX_BSFM",	M,	"back over filemarks, stop after the last" },
	{ TC_X_FSFM,	"TCX_FSFM",	M,	"forward over filemarks, stop before the last" },
	{ TC_X_SEEK,	"TCX_SEEK",	M,	"locate to a block address" },
	{ TC_X_TELL,	"TCX_TELL",	R,	"report the block address" },
	{ TC_X_WSM,	"TCX_WSM",	W | M,	"write setmarks" },
	{ TC_X_FSS,	"TCX_FSS",	M,	"forward space setmarks" },
	{ TC_X_BSS,	"TCX_BSS",	M,	"backward space setmarks" },
	{ TC_X_SETDENSITY, "TCX_SETDENSITY", 0,	"set the density code" },
	{ TC_X_COMPRESSION, "TCX_COMPRESSION", 0, "compression on (1) or off (0)" },
	{ TC_X_SETPART,	"TCX_SETPART",	M,	"change the active partition" },
	{ TC_X_MKPART,	"TCX_MKPART",	W | M,	"format partitions" },
	{ TC_X_LOCK,	"TCX_LOCK",	0,	"lock the drive door" },
	{ TC_X_UNLOCK,	"TCX_UNLOCK",	0,	"unlock the drive door" },
	{ TC_X_WEOFI,	"TCX_WEOFI",	W | M,	"write filemarks without flushing" },
	{ TC_X_DRVOPTS,	"TCX_DRVOPTS",	0,	"driver options (Linux st option word)" },
	{ TC_X_CACHE,	"TCX_CACHE",	0,	"enable the drive cache" },
	{ TC_X_NOCACHE,	"TCX_NOCACHE",	0,	"disable the drive cache" },
	{ TC_X_NBSF,	"TCX_NBSF",	M,	"back to the start of the file N before" },
	{ TC_X_GRSZ,	"TCX_GRSZ",	R,	"report the block size" },
	{ TC_X_FLUSH,	"TCX_FLUSH",	0,	"write buffered data to the medium" },
};

#undef W
#undef M
#undef R

const struct tc_canon_info *
canon_byop(int code)
{
	size_t	i;

	for (i = 0; i < nitems(canon_ops); i++)
		if (canon_ops[i].code == code)
			return &canon_ops[i];
	return NULL;
}

const struct tc_canon_info *
canon_byname(const char *name)
{
	size_t	i;

	for (i = 0; i < nitems(canon_ops); i++)
		if (strcmp(canon_ops[i].name, name) == 0)
			return &canon_ops[i];
	return NULL;
}

const struct tc_canon_info *
canon_all(size_t *n)
{
	*n = nitems(canon_ops);
	return canon_ops;
}

static const struct {
	uint32_t	 flag;
	const char	*name;
} flagnames[] = {
	{ TC_ST_BOT, "BOT" }, { TC_ST_EOF, "EOF" }, { TC_ST_EOT, "EOT" },
	{ TC_ST_EOD, "EOD" }, { TC_ST_WRPROT, "WR_PROT" },
	{ TC_ST_ONLINE, "ONLINE" }, { TC_ST_NOMEDIUM, "NO_MEDIUM" },
	{ TC_ST_SM, "SM" }, { TC_ST_IMREP, "IM_REP_EN" },
	{ TC_ST_CLN, "CLN" }, { TC_ST_COMPRESS, "COMPRESS" },
};

uint32_t
canon_flagbyname(const char *name)
{
	size_t	i;

	for (i = 0; i < nitems(flagnames); i++)
		if (strcmp(flagnames[i].name, name) == 0)
			return flagnames[i].flag;
	return 0;
}

const char *
canon_flagname(uint32_t flag)
{
	size_t	i;

	for (i = 0; i < nitems(flagnames); i++)
		if (flagnames[i].flag == flag)
			return flagnames[i].name;
	return NULL;
}

const char *
canon_flagnames(uint32_t flags, char *buf, size_t len)
{
	size_t	i;

	buf[0] = '\0';
	for (i = 0; i < nitems(flagnames); i++) {
		if ((flags & flagnames[i].flag) == 0)
			continue;
		if (buf[0] != '\0')
			strncat(buf, " ", len - strlen(buf) - 1);
		strncat(buf, flagnames[i].name, len - strlen(buf) - 1);
	}
	return buf;
}

/* A density code in words, as mt-st prints it; "no translation" else. */
const char *
canon_density(unsigned code)
{
	static const struct { unsigned code; const char *name; } d[] = {
		{ 0x00, "default" }, { 0x40, "LTO-1" }, { 0x42, "LTO-2" },
		{ 0x44, "LTO-3" }, { 0x46, "LTO-4" }, { 0x58, "LTO-5" },
		{ 0x5a, "LTO-6" }, { 0x5c, "LTO-7" }, { 0x5d, "LTO-7-M8" },
		{ 0x5e, "LTO-8" }, { 0x60, "LTO-9" },
	};
	size_t	i;

	for (i = 0; i < nitems(d); i++)
		if (d[i].code == code)
			return d[i].name;
	return "no translation";
}

static const char *ctx_names[] = {
	[TC_CTX_ANY] = "*", [TC_CTX_OPEN] = "open", [TC_CTX_READ] = "read",
	[TC_CTX_WRITE] = "write", [TC_CTX_IOCTL] = "ioctl",
	[TC_CTX_CLOSE] = "close",
};

const char *
ctx_name(enum tc_ctx c)
{
	if ((size_t)c >= nitems(ctx_names))
		return "?";
	return ctx_names[c];
}

int
ctx_byname(const char *s, enum tc_ctx *c)
{
	size_t	i;

	for (i = 0; i < nitems(ctx_names); i++)
		if (strcmp(s, ctx_names[i]) == 0) {
			*c = (enum tc_ctx)i;
			return 0;
		}
	if (strcmp(s, "any") == 0) {
		*c = TC_CTX_ANY;
		return 0;
	}
	return -1;
}
