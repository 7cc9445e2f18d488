/*
 * loop.c -- the event loops.  One TLS stream keeps a CPU busy decrypting,
 * so a daemon serving many sessions runs one libevent loop per CPU
 * (`event-loops`).  The main thread's loop is the first: it accepts and
 * hands each connection to the next loop in turn, and it takes the
 * signals.  A session stays on its loop until freed and only that loop's
 * thread touches it; drive workers report to the loop of the session that
 * gave them the job.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <event2/util.h>

#include "tclientd.h"

struct pending_conn {
	TAILQ_ENTRY(pending_conn) entry;
	int			 fd;
	char			 peer[128];
};

static void	inbox_cb(int, short, void *);

static void *
loop_thread(void *arg)
{
	struct loop	*l = arg;

	event_base_loop(l->base, EVLOOP_NO_EXIT_ON_EMPTY);
	return NULL;
}

/* Every session of this loop: GOAWAY to the live ones, the rest closed. */
static void
stop_sessions(struct loop *l)
{
	struct session	*s, *next;

	TAILQ_FOREACH_SAFE(s, &l->sessions, entry, next)
		session_stop(s);
	server_maybe_exit(l->srv);
}

/* Loop thread: connections handed over by the main loop, then a stop. */
static void
inbox_cb(int fd, short ev, void *arg)
{
	struct loop		*l = arg;
	struct connq		 list = TAILQ_HEAD_INITIALIZER(list);
	struct pending_conn	*pc;
	int			 stop;

	pthread_mutex_lock(&l->mtx);
	TAILQ_CONCAT(&list, &l->inbox, entry);
	stop = l->stop;
	l->stop = 0;
	pthread_mutex_unlock(&l->mtx);
	while ((pc = TAILQ_FIRST(&list)) != NULL) {
		TAILQ_REMOVE(&list, pc, entry);
		session_accept(l, pc->fd, pc->peer);
		free(pc);
	}
	if (stop)
		stop_sessions(l);
}

/* Its events, its base (the main loop's stays: main frees it) and lock. */
static void
loop_free(struct loop *l)
{
	event_free(l->ev_done);
	event_free(l->ev_inbox);
	if (l->index > 0)
		event_base_free(l->base);
	pthread_mutex_destroy(&l->mtx);
}

int
loops_start(struct server *srv, int n)
{
	struct loop	*l;
	int		 i, r;

	if ((srv->loops = calloc((size_t)n, sizeof(*srv->loops))) == NULL)
		fatalx("out of memory setting up %d event loops", n);
	srv->nloops = n;
	for (i = 0; i < n; i++) {
		l = &srv->loops[i];
		l->srv = srv;
		l->index = i;
		TAILQ_INIT(&l->done);
		TAILQ_INIT(&l->inbox);
		TAILQ_INIT(&l->sessions);
		pthread_mutex_init(&l->mtx, NULL);
		l->base = i == 0 ? srv->base : event_base_new();
		if (l->base == NULL ||
		    (l->ev_done = event_new(l->base, -1, 0, drive_done_cb,
		    l)) == NULL ||
		    (l->ev_inbox = event_new(l->base, -1, 0, inbox_cb,
		    l)) == NULL)
			fatalx("libevent: cannot set up event loop %d", i);
	}
	for (i = 1; i < n; i++)
		if ((r = pthread_create(&srv->loops[i].thread, NULL,
		    loop_thread, &srv->loops[i])) != 0) {
			log_warnx("event loop %d: %s; serving with %d", i,
			    strerror(r), i);
			/* this loop and the ones after it never run */
			srv->nloops = i;
			for (; i < n; i++)
				loop_free(&srv->loops[i]);
			break;
		}
	return srv->nloops;
}

/* Main thread, after its own loop ended: wait for the others. */
void
loops_join(struct server *srv)
{
	int	i;

	for (i = 1; i < srv->nloops; i++)
		pthread_join(srv->loops[i].thread, NULL);
}

void
loops_free(struct server *srv)
{
	int	i;

	for (i = 0; i < srv->nloops; i++)
		loop_free(&srv->loops[i]);
	free(srv->loops);
	srv->loops = NULL;
	srv->nloops = 0;
}

/* Main thread: a new connection (already counted) to the next loop. */
void
loop_hand(struct server *srv, int fd, const char *peer)
{
	struct loop		*l = &srv->loops[srv->next_loop];
	struct pending_conn	*pc;

	srv->next_loop = (srv->next_loop + 1) % srv->nloops;
	if (l->index == 0) {
		session_accept(l, fd, peer);
		return;
	}
	if ((pc = calloc(1, sizeof(*pc))) == NULL) {
		log_warnx("%s: out of memory; connection refused", peer);
		evutil_closesocket(fd);
		server_session_gone(srv);
		return;
	}
	pc->fd = fd;
	tc_strlcpy(pc->peer, peer, sizeof(pc->peer));
	pthread_mutex_lock(&l->mtx);
	TAILQ_INSERT_TAIL(&l->inbox, pc, entry);
	pthread_mutex_unlock(&l->mtx);
	event_active(l->ev_inbox, EV_READ, 0);
}

/* Main thread: every loop ends its sessions. */
void
loops_stop(struct server *srv)
{
	struct loop	*l;
	int		 i;

	for (i = 1; i < srv->nloops; i++) {
		l = &srv->loops[i];
		pthread_mutex_lock(&l->mtx);
		l->stop = 1;
		pthread_mutex_unlock(&l->mtx);
		event_active(l->ev_inbox, EV_READ, 0);
	}
	stop_sessions(&srv->loops[0]);
}

/* Any thread: the last session and drive are done; every loop ends. */
void
loops_exit(struct server *srv)
{
	int	i;

	for (i = 0; i < srv->nloops; i++)
		event_base_loopexit(srv->loops[i].base, NULL);
}

/*
 * Worker thread: finished jobs to their loop.  Only the poster that finds
 * the queue empty wakes the loop: until its callback takes the queue, the
 * jobs behind ride on that wakeup, so a busy drive costs one wakeup per
 * batch, not per record.
 */
void
loop_post_done(struct loop *l, struct jobq *list)
{
	int	wake;

	if (TAILQ_EMPTY(list))
		return;
	pthread_mutex_lock(&l->mtx);
	wake = TAILQ_EMPTY(&l->done);
	TAILQ_CONCAT(&l->done, list, entry);
	pthread_mutex_unlock(&l->mtx);
	if (wake)
		event_active(l->ev_done, EV_READ, 0);
}
