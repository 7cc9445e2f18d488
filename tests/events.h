/*
 * events.h -- the events of tape-facts.md section 5, shared by the suites
 * that check the errno mapping (check_tcerrno at the table level,
 * check_pairs end to end through tclientd).  Include once per program.
 */
#ifndef TC_TEST_EVENTS_H
#define TC_TEST_EVENTS_H

#include "common.h"

/*
 * The events of tape-facts.md section 5 and each platform's own errno for
 * them.  "src" marks a value that identifies the event when a server sends
 * it; a generic one (EIO) does not, nor does an undocumented one, unless
 * it is the errno every documented driver gives for the event (ENOSPC on
 * write, ENOMEM on read, EBUSY at open): pairs.rules has rules for any
 * server ("*") that start from those.
 */
struct ev_val {
	const char	*plat;		/* exact id, or "linux-*" */
	const char	*err;
	int		 src;
};
struct event {
	const char	*what;
	enum tc_ctx	 ctx;
	struct ev_val	 v[16];
};

#define L	"linux-*"
#define AIX	"aix-ppc64"
#define SOL	"solaris-amd64"
#define FBSD	"freebsd-amd64"
#define NBSD	"netbsd-amd64"
#define OBSD	"openbsd-amd64"
#define MAC	"darwin-arm64"
#define HPUX	"hpux-parisc"
#define OSF	"osf1-alpha"
static const struct event events[] = {
	/* Solaris st(4D); the BSDs, HP-UX and OSF/1 do not check at open */
	{ "write-protected medium at open", TC_CTX_OPEN, {
	    { L, "EROFS", 1 }, { AIX, "EWRPROTECT", 1 }, { SOL, "EACCES", 1 },
	    { FBSD, "EACCES", 0 }, { NBSD, "EROFS", 0 }, { OBSD, "EROFS", 0 },
	    { MAC, "EROFS", 0 }, { HPUX, "EACCES", 0 }, { OSF, "EIO", 0 },
	} },
	/* CAM DATA PROTECT: EACCES; scsipi: EROFS; OSF/1 CAM: fatal, EIO */
	{ "write-protected medium at write", TC_CTX_WRITE, {
	    { L, "EACCES", 1 }, { AIX, "EWRPROTECT", 1 }, { SOL, "EACCES", 0 },
	    { FBSD, "EACCES", 1 }, { NBSD, "EROFS", 1 }, { OBSD, "EROFS", 1 },
	    { MAC, "EROFS", 0 }, { HPUX, "EACCES", 1 }, { OSF, "EIO", 0 },
	} },
	{ "write-protected medium at write filemark", TC_CTX_IOCTL, {
	    { L, "EACCES", 1 }, { AIX, "EWRPROTECT", 1 }, { SOL, "EACCES", 0 },
	    { FBSD, "EACCES", 1 }, { NBSD, "EROFS", 1 }, { OBSD, "EROFS", 1 },
	    { MAC, "EROFS", 0 }, { HPUX, "EACCES", 1 }, { OSF, "EIO", 0 },
	} },
	/* ASC 3Ah: CAM ENXIO, scsipi ENODEV, OpenBSD ENOMEDIUM, HP-UX ENXIO */
	{ "no medium at open", TC_CTX_OPEN, {
	    { L, "ENOMEDIUM", 1 }, { AIX, "ENOTREADY", 1 }, { SOL, "EIO", 0 },
	    { FBSD, "ENXIO", 1 }, { NBSD, "ENODEV", 1 },
	    { OBSD, "ENOMEDIUM", 1 }, { MAC, "ENXIO", 0 }, { HPUX, "ENXIO", 1 },
	    { OSF, "EIO", 0 },
	} },
	/* NetBSD and OpenBSD st: EIO at EOM unless early warning is on */
	{ "end of medium on write", TC_CTX_WRITE, {
	    { L, "ENOSPC", 1 }, { AIX, "ENXIO", 1 }, { SOL, "ENOSPC", 1 },
	    { FBSD, "ENOSPC", 1 }, { NBSD, "EIO", 0 }, { OBSD, "EIO", 0 },
	    { MAC, "ENOSPC", 1 }, { HPUX, "ENOSPC", 1 }, { OSF, "ENOSPC", 1 },
	} },
	{ "record larger than the buffer", TC_CTX_READ, {
	    { L, "ENOMEM", 1 }, { AIX, "ENOMEM", 1 }, { SOL, "ENOMEM", 1 },
	    { FBSD, "EIO", 0 }, { NBSD, "EIO", 0 }, { OBSD, "EIO", 0 },
	    { MAC, "ENOMEM", 1 }, { HPUX, "ENOMEM", 1 }, { OSF, "ENOMEM", 1 },
	} },
	/* HP-UX s300: BLANK CHECK and EOD are ENXIO */
	{ "blank tape or end of data on read", TC_CTX_READ, {
	    { L, "EIO", 0 }, { AIX, "EIO", 0 }, { SOL, "EIO", 0 },
	    { FBSD, "EIO", 0 }, { NBSD, "EIO", 0 }, { OBSD, "EIO", 0 },
	    { MAC, "EIO", 0 }, { HPUX, "ENXIO", 1 }, { OSF, "EIO", 0 },
	} },
	{ "operation not supported", TC_CTX_IOCTL, {
	    { L, "ENOSYS", 1 }, { AIX, "EINVAL", 0 }, { SOL, "ENOTTY", 1 },
	    { FBSD, "EINVAL", 0 }, { NBSD, "EINVAL", 0 }, { OBSD, "EINVAL", 0 },
	    { MAC, "EINVAL", 0 }, { HPUX, "ENXIO", 0 }, { OSF, "ENXIO", 0 },
	} },
	{ "drive already open", TC_CTX_OPEN, {
	    { L, "EBUSY", 1 }, { AIX, "EAGAIN", 1 }, { SOL, "EBUSY", 1 },
	    { FBSD, "EBUSY", 1 }, { NBSD, "EBUSY", 1 }, { OBSD, "EBUSY", 1 },
	    { MAC, "EBUSY", 1 }, { HPUX, "EBUSY", 1 }, { OSF, "EBUSY", 1 },
	} },
};
#undef L
#undef AIX
#undef SOL
#undef FBSD
#undef NBSD
#undef OBSD
#undef MAC
#undef HPUX
#undef OSF

static const struct ev_val *
ev_value(const struct event *e, const char *id)
{
	size_t	i;

	for (i = 0; i < nitems(e->v) && e->v[i].plat != NULL; i++)
		if (platform_match(e->v[i].plat, id))
			return &e->v[i];
	return NULL;
}

#endif
