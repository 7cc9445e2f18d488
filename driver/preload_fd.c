/*
 * preload_fd.c -- which descriptors are remote drives.  Every read, write
 * and close in the process asks, libtclient's own socket calls included,
 * so the question is answered without a lock: pages of atomic slots,
 * allocated once and never freed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "preload.h"

#define PAGE	1024
#define NPAGES	1024		/* descriptors below 1M can be drives */

struct page {
	_Atomic(struct pl_handle *) h[PAGE];
	unsigned char		    cloexec[PAGE];	/* the program's view */
};

pthread_mutex_t			pl_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic(struct page *)	pages[NPAGES];

struct pl_handle *
pl_slot(int fd)
{
	struct page	*p;

	if (fd < 0 || fd >= PAGE * NPAGES)
		return NULL;
	if ((p = atomic_load(&pages[fd / PAGE])) == NULL)
		return NULL;
	return atomic_load(&p->h[fd % PAGE]);
}

/* With pl_lock held. */
int
pl_slot_set(int fd, struct pl_handle *h, int cloexec)
{
	struct page	*p;

	if (fd < 0 || fd >= PAGE * NPAGES) {
		errno = EMFILE;
		return -1;
	}
	if ((p = atomic_load(&pages[fd / PAGE])) == NULL) {
		if ((p = calloc(1, sizeof(*p))) == NULL) {
			errno = ENOMEM;
			return -1;
		}
		atomic_store(&pages[fd / PAGE], p);
	}
	p->cloexec[fd % PAGE] = cloexec != 0;
	atomic_store(&p->h[fd % PAGE], h);
	return 0;
}

/* With pl_lock held: the handle fd stood for, if any. */
struct pl_handle *
pl_slot_clear(int fd)
{
	struct page	*p;

	if (fd < 0 || fd >= PAGE * NPAGES ||
	    (p = atomic_load(&pages[fd / PAGE])) == NULL)
		return NULL;
	return atomic_exchange(&p->h[fd % PAGE], NULL);
}

/* With pl_lock held, for a descriptor that is a drive. */
int
pl_slot_getfd(int fd)
{
	return atomic_load(&pages[fd / PAGE])->cloexec[fd % PAGE] ?
	    FD_CLOEXEC : 0;
}

void
pl_slot_setfd(int fd, int flags)
{
	atomic_load(&pages[fd / PAGE])->cloexec[fd % PAGE] =
	    (flags & FD_CLOEXEC) != 0;
}

/*
 * With pl_lock held: the drives among descriptors first..last, for
 * close_range and closefrom.  cloexec: only mark them close-on-exec in the
 * program's view; otherwise clear them and return their handles in *out
 * (free(3) it), one entry per descriptor.
 */
int
pl_slot_range(unsigned first, unsigned last, int cloexec,
    struct pl_handle ***out, size_t *n)
{
	struct pl_handle	*h, **v = NULL, **nv;
	struct page		*p;
	unsigned		 fd, max = PAGE * NPAGES - 1;
	size_t			 k = 0, cap = 0;

	for (fd = first; fd <= last && fd <= max; fd++) {
		if ((p = atomic_load(&pages[fd / PAGE])) == NULL) {
			fd |= PAGE - 1;		/* the next page */
			continue;
		}
		if ((h = atomic_load(&p->h[fd % PAGE])) == NULL)
			continue;
		if (cloexec) {
			p->cloexec[fd % PAGE] = 1;
			continue;
		}
		if (k == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				errno = ENOMEM;
				break;		/* the rest stay: leaked refs */
			}
			v = nv;
		}
		atomic_store(&p->h[fd % PAGE], NULL);
		v[k++] = h;
	}
	if (out != NULL)
		*out = v;
	else
		free(v);
	if (n != NULL)
		*n = k;
	return 0;
}
