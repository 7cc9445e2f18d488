/*
 * fuzz_vtape.c -- libFuzzer harness for the vtape file reader
 * (tclientd/cartridge.c, backend_vtape.c): the input is a cartridge file
 * in the SIMH .tap framing, possibly torn, damaged or foreign.  Loading it
 * may only cut a torn tail off: the file left is a prefix of the input, a
 * second load finds nothing more to cut and the same objects, every record
 * read back is the bytes at its place in the input (nothing invented), and
 * reading, spacing and appending on it never crash.  Input after "OPS!"
 * is a script of reads, writes and tape operations to run on it.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tclientd.h"
#include "vtape.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define B	(&backend_vtape)
static char	 path[64];
static uint8_t	 buf[1 << 16];

static void
cleanup(void)
{
	unlink(path);
}

static uint64_t
fsize(void)
{
	struct stat	sb;

	if (stat(path, &sb) == -1)
		abort();
	return (uint64_t)sb.st_size;
}

static void *
load(struct drive_conf *dc)
{
	char	err[256];

	return B->new(dc, err, sizeof(err));
}

/* Every object is where the input has it; records are its bytes. */
static size_t
check_objects(struct vtape *v, const uint8_t *data, size_t size)
{
	size_t		i, n = cart_count(v->cart);
	uint64_t	off, prev = 0;
	uint32_t	len;
	int		k;

	for (i = 0; i < n; i++) {
		off = cart_offset(v->cart, i);
		if ((i > 0 && off <= prev) || off + 4 > size)
			abort();
		prev = off;
		k = cart_kind(v->cart, i, &len);
		if (k == CART_FM) {
			if (memcmp(data + off, "\0\0\0\0", 4) != 0)
				abort();
			continue;
		}
		if ((k != CART_REC && k != CART_BAD) ||
		    off + CART_FRAME(len) > size)
			abort();
		if (len <= sizeof(buf) && (cart_read(v->cart, i, buf, len) != 0 ||
		    memcmp(buf, data + off + 4, len) != 0))
			abort();
	}
	if (cart_offset(v->cart, n) > size)
		abort();
	return n;
}

static const int	 opcodes[] = { TC_STFSF, TC_STRSF, TC_STFSR, TC_STRSR,
    TC_STSEOD, TC_STREW, TC_STWEOF, TC_X_WEOFI, TC_X_SEEK, TC_X_TELL,
    TC_X_FSFM, TC_X_BSFM, TC_STFSSF, TC_STRSSF, TC_STIOCHGP, TC_STERASE,
    TC_X_NOP, TC_STOFFL, TC_STLOAD, TC_X_NBSF, TC_X_SETDENSITY };

static void
status_ok(void *d)
{
	struct tc_status st;
	uint64_t	 pos;

	if (B->status(d, &st) == 0 && (st.fileno < -1 || st.blkno < -1 ||
	    (st.flags & ~TC_ST_ALLFLAGS))) {
		fprintf(stderr, "bad status: file %lld block %lld flags "
		    "0x%x\n", (long long)st.fileno, (long long)st.blkno,
		    st.flags);
		abort();
	}
	(void)B->position(d, &pos);
}

/*
 * What a client may do with the tape: the script (after "OPS!" in the
 * input) picks reads, writes and operations; without one, read it all,
 * space about, append.
 */
static void
exercise(void *d, const uint8_t *ops, size_t nops)
{
	int64_t	res;
	ssize_t	r;
	size_t	i;
	int	eio = 0;

	if (B->open(d, TC_OPEN_RDWR) != 0 && B->open(d, TC_OPEN_RDONLY) != 0)
		return;
	if (ops == NULL) {
		for (i = 0; i < 10000 && eio < 2; i++) {
			r = B->read(d, buf, sizeof(buf));
			if (r == -EIO)
				eio++;
			else if (r < 0 && r != -ENOMEM)
				abort();
		}
		(void)B->op(d, TC_STSEOD, 1, &res);
		(void)B->op(d, TC_STRSF, 2, &res);
		(void)B->op(d, TC_STRSR, 3, &res);
		(void)B->op(d, TC_X_SEEK, 2, &res);
		(void)B->read(d, buf, sizeof(buf));
		(void)B->op(d, TC_STSEOD, 1, &res);
		(void)B->write(d, "appended", 8);
	}
	for (i = 0; ops != NULL && i + 1 < nops; i += 2) {
		int64_t	count = (int8_t)ops[i + 1];

		switch (ops[i] % 4) {
		case 0:
			r = B->read(d, buf, ops[i + 1] & 1 ? 512 :
			    sizeof(buf));
			if (r > (ssize_t)sizeof(buf))
				abort();
			break;
		case 1:
			memset(buf, ops[i + 1], 1024);
			(void)B->write(d, buf, (size_t)(ops[i + 1] & 3) * 512);
			break;
		default:
			if (ops[i] / 4 % nitems(opcodes) == 14)	/* SETBLK */
				count = (count & 3) * 512;
			(void)B->op(d, opcodes[ops[i] / 4 % nitems(opcodes)],
			    count, &res);
			break;
		}
		if (getenv("FUZZ_TRACE") != NULL) {
			struct tc_status t;

			B->status(d, &t);
			fprintf(stderr, "op %u %d: file %lld block %lld\n",
			    ops[i], (int8_t)ops[i + 1], (long long)t.fileno,
			    (long long)t.blkno);
		}
		status_ok(d);
	}
	(void)B->close(d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct drive_conf dc;
	struct vtape	*v;
	FILE		*fp;
	void		*d;
	const uint8_t	*ops = NULL, *sep;
	size_t		 n, nops = 0;
	uint64_t	 kept;
	int		 fd;

	if ((sep = memmem(data, size, "OPS!", 4)) != NULL) {
		ops = sep + 4;
		nops = size - (size_t)(ops - data);
		size = (size_t)(sep - data);
	}

	if (path[0] == '\0') {
		log_init(1, 0, "fuzz_vtape");
		snprintf(path, sizeof(path), "/tmp/fuzz_vtape.XXXXXX");
		if ((fd = mkstemp(path)) == -1)
			abort();
		close(fd);
		atexit(cleanup);
	}
	if ((fp = fopen(path, "w")) == NULL ||
	    (size > 0 && fwrite(data, 1, size, fp) != size) || fclose(fp) != 0)
		abort();
	memset(&dc, 0, sizeof(dc));
	tc_strlcpy(dc.name, "fuzz0", sizeof(dc.name));
	tc_strlcpy(dc.backend, "vtape", sizeof(dc.backend));
	dc.path = path;
	dc.capacity = 1ull << 30;
	dc.early_warning = 1ull << 20;
	dc.min_block = 1;
	dc.max_block = DEF_MAX_BLOCK;
	if ((d = load(&dc)) == NULL)
		abort();
	v = d;
	kept = fsize();
	if (kept > size)
		abort();			/* recovery only cuts */
	n = check_objects(v, data, (size_t)kept);
	B->free(d);
	/* a second load: nothing more to cut, the same objects */
	if ((d = load(&dc)) == NULL)
		abort();
	v = d;
	if (fsize() != kept || cart_count(v->cart) != n)
		abort();
	exercise(d, ops, nops);
	B->free(d);
	return 0;
}
