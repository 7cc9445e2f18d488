/*
 * api.c -- libtclient's tape calls.  Local operations become canonical here
 * through this client's platform table; nothing else is mapped on the
 * client (errno values arrive already in this platform's numbering).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"

static pthread_once_t	 tables_once = PTHREAD_ONCE_INIT;
static struct tc_tables	*tables;

static void
tables_init(void)
{
	const char	*dir = getenv("TCLIENT_TABLES");

	/* the same tables the daemon and tcerrno use on this host */
	if (dir == NULL || *dir == '\0')
		dir = tables_default_dir();
	tables = tables_load(dir);
}

int
client_tables(struct tc_conn *c)
{
	pthread_once(&tables_once, tables_init);
	if (tables == NULL)
		return tc_fail(c, TC_ERR_NOMEM, ENOMEM, "out of memory");
	if (!tables_ok(tables))
		return tc_fail(c, TC_ERR_CONFIG, EINVAL, "the tables in %s have "
		    "errors (first: %s:%d: %s); check them with tcerrno check",
		    tables->source, tables->diags[0].file,
		    tables->diags[0].line, tables->diags[0].msg);
	if (strcmp(c->platform, "unknown") != 0 &&
	    !platform_valid(c->platform))
		return tc_fail(c, TC_ERR_CONFIG, EINVAL, "platform \"%s\" is "
		    "not of the form os-arch", c->platform);
	c->plat = tables_platform(tables, c->platform);
	return 0;
}

static int
need_drive(struct tc_conn *c)
{
	if (!c->drive_open)
		return tc_fail(c, TC_ERR_USAGE, EBADF, "no drive is open");
	return 0;
}

int
tc_drives(struct tc_conn *c, struct tc_drive **list, size_t *n)
{
	struct tc_drive_ent	*ents;
	struct tc_drive		*out;
	const char		*err;
	size_t			 i, k;
	int			 r;

	*list = NULL;
	*n = 0;
	if ((r = client_settle(c)) < 0)
		return r;
	tcbuf_reset(&c->out);
	proto_put_empty(&c->out, TC_T_DRIVES, c->next_id);
	if ((r = client_call(c, TC_T_DRIVES, NULL, 0, NULL, 0, NULL)) < 0)
		return r;
	if (proto_get_drives(c->in, c->inlen, &ents, &k, &err) == -1)
		return tc_fail(c, TC_ERR_PROTOCOL, EIO, "bad drive list: %s",
		    err);
	if ((out = calloc(k + 1, sizeof(*out))) == NULL) {
		free(ents);
		return tc_fail(c, TC_ERR_NOMEM, ENOMEM, "out of memory");
	}
	for (i = 0; i < k; i++) {
		tc_strlcpy(out[i].name, ents[i].name, sizeof(out[i].name));
		tc_strlcpy(out[i].backend, ents[i].backend,
		    sizeof(out[i].backend));
		out[i].readonly = ents[i].access == TC_ACCESS_RO;
		out[i].max_record = ents[i].max_record;
	}
	free(ents);
	*list = out;
	*n = k;
	return 0;
}

int
tc_open(struct tc_conn *c, const char *drive, int oflags, int rewind)
{
	struct tc_open_req	 o;
	const char		*err;
	int			 r;

	if (c->drive_open)
		return tc_fail(c, TC_ERR_USAGE, EBUSY, "drive %s is already "
		    "open on this connection", c->drive);
	if (drive == NULL || !tc_valid_name(drive))
		return tc_fail(c, TC_ERR_USAGE, EINVAL, "\"%s\" is not a drive "
		    "name", drive ? drive : "");
	memset(&o, 0, sizeof(o));
	tc_strlcpy(o.drive, drive, sizeof(o.drive));
	switch (oflags & O_ACCMODE) {
	case O_WRONLY:
		o.flags = TC_OPEN_WRONLY;
		break;
	case O_RDWR:
		o.flags = TC_OPEN_RDWR;
		break;
	default:
		o.flags = TC_OPEN_RDONLY;
	}
	if (oflags & O_NONBLOCK)
		o.flags |= TC_OPEN_NONBLOCK;
	if (rewind)
		o.flags |= TC_OPEN_REWIND;
	tcbuf_reset(&c->out);
	proto_put_open(&c->out, c->next_id, &o);
	if ((r = client_call(c, TC_T_OPEN, NULL, 0, NULL, 0, NULL)) < 0)
		return r;
	if (proto_get_open_rep(c->in, c->inlen, &c->limits, &err) == -1)
		return tc_fail(c, TC_ERR_PROTOCOL, EIO, "bad OPEN reply: %s",
		    err);
	tc_strlcpy(c->drive, drive, sizeof(c->drive));
	c->drive_open = 1;
	return 0;
}

int
tc_close(struct tc_conn *c)
{
	const char	*err;
	int		 r, settled, serrno;

	if ((r = need_drive(c)) < 0)
		return r;
	/* a write that failed behind is close's error; the drive closes */
	settled = client_settle(c);
	serrno = errno;
	if (c->dead)
		return settled;
	c->drive_open = 0;
	tcbuf_reset(&c->out);
	proto_put_empty(&c->out, TC_T_CLOSE, c->next_id);
	if ((r = client_call(c, TC_T_CLOSE, NULL, 0, NULL, 0, NULL)) < 0)
		return settled < 0 ? settled : r;
	if (proto_get_empty(c->in, c->inlen, &err) == -1)
		return tc_fail(c, TC_ERR_PROTOCOL, EIO, "bad CLOSE reply: %s",
		    err);
	errno = serrno;		/* the error close reports, if any */
	return settled;
}

ssize_t
tc_read(struct tc_conn *c, void *buf, size_t len)
{
	int	r;

	if ((r = need_drive(c)) < 0)
		return r;
	if (len == 0)
		return 0;
	/* more than the server moves at once: ask for what it can */
	if (len > c->limits.max_record)
		len = c->limits.max_record;
	return stream_read(c, buf, len);
}

ssize_t
tc_write(struct tc_conn *c, const void *buf, size_t len)
{
	int	r;

	if ((r = need_drive(c)) < 0)
		return r;
	if (len == 0)
		return 0;
	if (len > c->limits.max_record)
		return tc_fail(c, TC_ERR_DRIVE, EINVAL, "a record of %zu bytes "
		    "is over the server's %u-byte limit", len,
		    c->limits.max_record);
	return stream_write(c, buf, len);
}

int
tc_op(struct tc_conn *c, int op, int64_t count, int64_t *result)
{
	struct tc_op_req o = { (uint32_t)op, count };
	const char	*err;
	uint64_t	 v;
	int		 r;

	if ((r = need_drive(c)) < 0)
		return r;
	if (op < 0 || canon_byop(op) == NULL)
		return tc_fail(c, TC_ERR_USAGE, EINVAL, "0x%x is not a "
		    "canonical operation", (unsigned)op);
	if ((r = client_settle(c)) < 0)
		return r;
	tcbuf_reset(&c->out);
	proto_put_op(&c->out, c->next_id, &o);
	if ((r = client_call(c, TC_T_OP, NULL, 0, NULL, 0, NULL)) < 0)
		return r;
	if (proto_get_u64msg(c->in, c->inlen, &v, &err) == -1)
		return tc_fail(c, TC_ERR_PROTOCOL, EIO, "bad OP reply: %s", err);
	if (result != NULL)
		*result = (int64_t)v;
	return 0;
}

int
tc_local_op(struct tc_conn *c, int local, int64_t count)
{
	return tc_local_op_result(c, local, count, NULL);
}

/* An empty request to the open drive, once the pipeline is settled. */
static int
drive_call(struct tc_conn *c, uint16_t type)
{
	int	r;

	if ((r = need_drive(c)) < 0 || (r = client_settle(c)) < 0)
		return r;
	tcbuf_reset(&c->out);
	proto_put_empty(&c->out, type, c->next_id);
	return client_call(c, type, NULL, 0, NULL, 0, NULL);
}

int
tc_status(struct tc_conn *c, struct tc_status *st)
{
	const char	*err;
	int		 r;

	if ((r = drive_call(c, TC_T_STATUS)) < 0)
		return r;
	if (proto_get_status(c->in, c->inlen, st, &err) == -1)
		return tc_fail(c, TC_ERR_PROTOCOL, EIO, "bad STATUS reply: %s",
		    err);
	return 0;
}

int
tc_position(struct tc_conn *c, uint64_t *pos)
{
	const char	*err;
	int		 r;

	if ((r = drive_call(c, TC_T_POSITION)) < 0)
		return r;
	if (proto_get_u64msg(c->in, c->inlen, pos, &err) == -1)
		return tc_fail(c, TC_ERR_PROTOCOL, EIO, "bad POSITION reply: %s",
		    err);
	return 0;
}

int
tc_limits(struct tc_conn *c, uint32_t *max_record, uint32_t *min_block,
    uint32_t *max_block)
{
	int	r;

	if ((r = need_drive(c)) < 0)
		return r;
	if (max_record != NULL)
		*max_record = c->limits.max_record;
	if (min_block != NULL)
		*min_block = c->limits.min_block;
	if (max_block != NULL)
		*max_block = c->limits.max_block;
	return 0;
}

const char *
tc_platform(const struct tc_conn *c)
{
	return c->platform;
}

const char *
tc_server_platform(const struct tc_conn *c)
{
	return c->srv_platform;
}

const char *
tc_identity(const struct tc_conn *c)
{
	return c->identity;
}

const char *
tc_errmsg(const struct tc_conn *c)
{
	return c != NULL ? c->errmsg : "no connection";
}

const char *
tc_strerror(int code)
{
	switch (code) {
	case 0:
		return "success";
	case TC_ERR_DRIVE:
		return "the drive refused the operation";
	case TC_ERR_SYSTEM:
		return "a local system call failed";
	case TC_ERR_CONNECT:
		return "cannot reach the tape server";
	case TC_ERR_TLS:
		return "TLS or certificate failure";
	case TC_ERR_PROTOCOL:
		return "protocol error, or the session ended";
	case TC_ERR_CONFIG:
		return "configuration error";
	case TC_ERR_USAGE:
		return "invalid argument";
	case TC_ERR_NOMEM:
		return "out of memory";
	default:
		return "unknown error";
	}
}
