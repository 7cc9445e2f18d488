/*
 * log.c -- one logging API: stderr in the foreground, syslog otherwise.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "common.h"

static int	log_fg = 1;
static int	log_verbose;
static const char *log_name = "tclient";

void
log_init(int foreground, int verbose, const char *procname)
{
	log_fg = foreground;
	log_verbose = verbose;
	if (procname != NULL)
		log_name = procname;
	if (!log_fg)
		openlog(log_name, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_setverbose(int v)
{
	log_verbose = v;
}

int
log_getverbose(void)
{
	return log_verbose;
}

static void
vlog(int pri, const char *fmt, va_list ap, const char *suffix)
{
	char	msg[1024];
	int	n;

	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n < 0)
		return;
	if (suffix != NULL && (size_t)n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - n, ": %s", suffix);
	if (log_fg) {
		char	line[1100];

		/* one write per line so threads do not interleave */
		n = snprintf(line, sizeof(line), "%s: %s\n", log_name, msg);
		if (n > 0)
			(void)!write(STDERR_FILENO, line,
			    (size_t)n < sizeof(line) ? (size_t)n :
			    sizeof(line) - 1);
	} else
		syslog(pri, "%s", msg);
}

#define LOGFN(fn, pri, level, errsuffix)			\
void								\
fn(const char *fmt, ...)					\
{								\
	va_list	ap;						\
	int	saved = errno;					\
								\
	if (log_verbose < (level))				\
		return;						\
	va_start(ap, fmt);					\
	vlog(pri, fmt, ap, (errsuffix) ? strerror(saved) : NULL); \
	va_end(ap);						\
	errno = saved;						\
}

LOGFN(log_warn, LOG_ERR, 0, 1)
LOGFN(log_warnx, LOG_ERR, 0, 0)
LOGFN(log_info, LOG_INFO, 0, 0)
LOGFN(log_debug, LOG_DEBUG, 1, 0)

void
fatal(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, strerror(saved));
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, NULL);
	va_end(ap);
	exit(1);
}
