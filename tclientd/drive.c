/*
 * drive.c -- one worker thread per open drive.  The worker owns the backend
 * while the drive is open and runs that drive's jobs in order, so a rewind
 * that takes minutes never stalls the event loop or other sessions.  The
 * loop thread learns of finished jobs through one libevent event.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "tclientd.h"

int
drive_init(struct server *srv, struct drive *d, struct drive_conf *dc,
    char *err, size_t errlen)
{
	memset(d, 0, sizeof(*d));
	d->srv = srv;
	d->conf = dc;
	if ((d->be = backend_find(dc->backend)) == NULL) {
		snprintf(err, errlen, "drive %s: unknown backend %s", dc->name,
		    dc->backend);
		return -1;
	}
	if ((d->bstate = d->be->new(dc, err, errlen)) == NULL)
		return -1;
	pthread_mutex_init(&d->mtx, NULL);
	pthread_cond_init(&d->cv, NULL);
	TAILQ_INIT(&d->queue);
	return 0;
}

struct job *
job_new(enum job_kind kind, struct session *sess, struct drive *d, uint32_t id)
{
	struct job	*j;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	j->kind = kind;
	j->sess = sess;
	j->drive = d;
	j->id = id;
	return j;
}

void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	free(j->data);
	free(j);
}

/* The client took every read it had ahead, or gave up on them. */
static void
ahead_forget(struct drive *d)
{
	size_t	i;

	for (i = 0; i < d->nahead; i++)
		d->be->forget(d->ahead[i].snap);
	d->nahead = 0;
	d->ahead_stopped = 0;
}

/* SYNC: put back every read done after the one the client took last. */
static int
ahead_undo(struct drive *d, uint32_t consumed)
{
	size_t	i;
	int	r = 0;

	for (i = 0; i < d->nahead; i++)
		if ((int32_t)(d->ahead[i].id - consumed) > 0) {
			r = d->be->restore(d->bstate, d->ahead[i].snap);
			break;
		}
	ahead_forget(d);
	return r;
}

/*
 * A read the client may take back: remember where the drive was.  After a
 * filemark, an error or end of data the client stops taking them, so the
 * rest are skipped, never read.
 */
static int
ahead_begin(struct drive *d, struct job *j)
{
	void	*snap;

	if (d->be->save == NULL || d->ahead_stopped ||
	    (snap = d->be->save(d->bstate)) == NULL) {
		j->rflags = TC_F_SKIPPED;
		return -1;
	}
	/* a client keeps far fewer reads out than this: the oldest is taken */
	if (d->nahead == TC_MAX_AHEAD) {
		d->be->forget(d->ahead[0].snap);
		memmove(&d->ahead[0], &d->ahead[1],
		    (TC_MAX_AHEAD - 1) * sizeof(d->ahead[0]));
		d->nahead--;
	}
	d->ahead[d->nahead].id = j->id;
	d->ahead[d->nahead].snap = snap;
	d->nahead++;
	return 0;
}

static int
job_read(struct drive *d, struct job *j)
{
	int	ahead = (j->fflags & TC_F_AHEAD) != 0;

	if (ahead && ahead_begin(d, j) == -1)
		return 0;
	/* room for the reply header in front of the data */
	if ((j->data = malloc(TC_HDR_LEN + (size_t)j->count)) == NULL)
		return -ENOMEM;
	j->n = d->be->read(d->bstate, j->data + TC_HDR_LEN, j->count);
	/* never read ahead over a filemark, an error or the end of data */
	if (j->n <= 0)
		d->ahead_stopped = 1;
	return j->n < 0 ? (int)j->n : 0;
}

/*
 * A write the client was told had succeeded.  In the early-warning zone
 * st refuses every other write with ENOSPC; this one is already promised,
 * so it goes in on the retry and the client learns of early warning from
 * the reply.  After a failure the writes behind it are skipped.
 */
static int
job_write(struct drive *d, struct job *j)
{
	int	behind = (j->fflags & TC_F_BEHIND) != 0;

	if (behind && d->behind_failed) {
		j->rflags = TC_F_SKIPPED;
		j->n = 0;
		return 0;
	}
	j->n = d->be->write(d->bstate, j->data, j->len);
	if (behind && j->n == -ENOSPC) {
		j->n = d->be->write(d->bstate, j->data, j->len);
		if (j->n >= 0)
			j->rflags |= TC_F_EW;
	}
	if (behind && j->n < 0)
		d->behind_failed = 1;
	return j->n < 0 ? (int)j->n : 0;
}

static void
job_run(struct drive *d, struct job *j)
{
	const struct backend_ops *be = d->be;
	int	 r = 0;

	/* anything else means the client is past its reads and writes */
	if (j->kind != JOB_READ && j->kind != JOB_SYNC)
		ahead_forget(d);
	if (j->kind != JOB_WRITE || !(j->fflags & TC_F_BEHIND))
		d->behind_failed = 0;
	switch (j->kind) {
	case JOB_OPEN:
		/* the drive's block limits go back with the open */
		if ((r = be->open(d->bstate, (int)j->flags)) == 0 &&
		    be->status(d->bstate, &j->status) < 0)
			memset(&j->status, 0, sizeof(j->status));
		break;
	case JOB_CLOSE:
		r = be->close(d->bstate);
		break;
	case JOB_READ:
		if ((j->fflags & TC_F_AHEAD) == 0)
			ahead_forget(d);
		r = job_read(d, j);
		break;
	case JOB_WRITE:
		r = job_write(d, j);
		free(j->data);
		j->data = NULL;
		break;
	case JOB_SYNC:
		r = ahead_undo(d, j->consumed);
		break;
	case JOB_OP:
		r = be->op(d->bstate, (int)j->op.op, j->op.count, &j->result);
		break;
	case JOB_STATUS:
		r = be->status(d->bstate, &j->status);
		break;
	case JOB_POSITION:
		r = be->position(d->bstate, &j->pos);
		break;
	}
	j->err = r < 0 ? -r : 0;
}

/* A finished job to the loop of the session that gave it. */
static void
post_done(struct job *j)
{
	struct jobq	one = TAILQ_HEAD_INITIALIZER(one);

	TAILQ_INSERT_TAIL(&one, j, entry);
	loop_post_done(j->sess->loop, &one);
}

/*
 * The worker takes every queued job at once; each finished job goes to the
 * loop at once, but wakes it only if the loop has taken the ones before
 * (loop_post_done), so a stream costs a wakeup per batch, not per record.
 */
static void *
drive_worker(void *arg)
{
	struct drive	*d = arg;
	struct jobq	 todo = TAILQ_HEAD_INITIALIZER(todo);
	struct job	*j = NULL, *next;
	int		 last = 0;

	while (!last) {
		pthread_mutex_lock(&d->mtx);
		while (TAILQ_EMPTY(&d->queue)) {
			d->waiting = 1;
			pthread_cond_wait(&d->cv, &d->mtx);
		}
		d->waiting = 0;
		TAILQ_CONCAT(&todo, &d->queue, entry);
		pthread_mutex_unlock(&d->mtx);

		while ((j = TAILQ_FIRST(&todo)) != NULL) {
			TAILQ_REMOVE(&todo, j, entry);
			job_run(d, j);
			/* a close, or an open that failed, ends the drive's use */
			last = j->kind == JOB_CLOSE ||
			    (j->kind == JOB_OPEN && j->err);
			if (last)
				break;
			post_done(j);
		}
	}
	/* jobs behind the last one find no drive open; they are reported
	   before it, since its report lets the session free the drive */
	pthread_mutex_lock(&d->mtx);
	d->accepting = 0;
	TAILQ_CONCAT(&todo, &d->queue, entry);
	pthread_mutex_unlock(&d->mtx);
	while ((next = TAILQ_FIRST(&todo)) != NULL) {
		TAILQ_REMOVE(&todo, next, entry);
		next->err = EBADF;
		next->drained = 1;
		post_done(next);
	}
	post_done(j);
	return NULL;
}

/*
 * Give the drive to a session and start its worker; -EBUSY (and who holds
 * it, in holder) if another session has it or its worker is still ending.
 */
int
drive_start(struct drive *d, struct session *owner, char *holder,
    size_t len)
{
	struct server	*srv = d->srv;
	int		 r;

	holder[0] = '\0';
	/* claim it under the lock; start the thread outside it */
	pthread_mutex_lock(&srv->mtx);
	if (d->owner != NULL || d->running) {
		if (d->owner != NULL)
			tc_strlcpy(holder, d->owner->peer, len);
		pthread_mutex_unlock(&srv->mtx);
		return -EBUSY;
	}
	d->owner = owner;
	d->running = 1;
	pthread_mutex_unlock(&srv->mtx);
	d->accepting = 1;
	if ((r = pthread_create(&d->thread, NULL, drive_worker, d)) != 0) {
		d->accepting = 0;
		pthread_mutex_lock(&srv->mtx);
		d->owner = NULL;
		d->running = 0;
		pthread_mutex_unlock(&srv->mtx);
		return -r;
	}
	return 0;
}

void
drive_submit(struct drive *d, struct job *j)
{
	int	wake;

	pthread_mutex_lock(&d->mtx);
	if (!d->accepting) {
		pthread_mutex_unlock(&d->mtx);
		j->err = EBADF;
		j->drained = 1;
		post_done(j);
		return;
	}
	TAILQ_INSERT_TAIL(&d->queue, j, entry);
	wake = d->waiting;
	d->waiting = 0;
	pthread_mutex_unlock(&d->mtx);
	/* after the unlock: the worker wakes to a free mutex */
	if (wake)
		pthread_cond_signal(&d->cv);
}

/* The worker has run its last job: join it and free the drive. */
void
drive_release(struct drive *d)
{
	struct server	*srv = d->srv;

	if (d->running)
		pthread_join(d->thread, NULL);
	pthread_mutex_lock(&srv->mtx);
	d->running = 0;
	d->owner = NULL;
	pthread_mutex_unlock(&srv->mtx);
	log_debug("drive %s: free", d->conf->name);
}

/* Loop thread: hand every finished job to its session. */
void
drive_done_cb(int fd, short ev, void *arg)
{
	struct loop	*l = arg;
	struct jobq	 done = TAILQ_HEAD_INITIALIZER(done);
	struct job	*j;

	pthread_mutex_lock(&l->mtx);
	TAILQ_CONCAT(&done, &l->done, entry);
	pthread_mutex_unlock(&l->mtx);
	while ((j = TAILQ_FIRST(&done)) != NULL) {
		TAILQ_REMOVE(&done, j, entry);
		session_done(j);
	}
	server_maybe_exit(l->srv);
}
