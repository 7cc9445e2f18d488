/*
 * config.c -- the daemon's configuration in memory: defaults, the embedded
 * default configuration, absolute paths, and the access check.  parse.c
 * reads tclientd.conf(5) into the same structures.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tclientd.h"

struct config *
config_new(void)
{
	struct config	*conf;

	if ((conf = calloc(1, sizeof(*conf))) == NULL)
		return NULL;
	snprintf(conf->listen, sizeof(conf->listen), "127.0.0.1:%d",
	    TC_DEFAULT_PORT);
	conf->max_connections = DEF_MAX_CONNECTIONS;
	conf->handshake_timeout = DEF_HANDSHAKE_TIMEOUT;
	conf->idle_timeout = DEF_IDLE_TIMEOUT;
	conf->session_memory = DEF_SESSION_MEMORY;
	conf->max_record = TC_MAX_RECORD;
	return conf;
}

/* A new drive with the defaults; the name is copied as is (parse.c checks). */
struct drive_conf *
config_add_drive(struct config *conf, const char *name)
{
	struct drive_conf	*d;

	d = realloc(conf->drives, (conf->ndrives + 1) * sizeof(*d));
	if (d == NULL)
		return NULL;
	conf->drives = d;
	d = &conf->drives[conf->ndrives++];
	memset(d, 0, sizeof(*d));
	tc_strlcpy(d->name, name, sizeof(d->name));
	d->capacity = DEF_VTAPE_CAPACITY;
	d->early_warning = DEF_VTAPE_EW;
	d->min_block = 1;
	d->max_block = DEF_MAX_BLOCK;
	return d;
}

int
config_add_acl(struct drive_conf *d, const char *identity, int access,
    int line)
{
	struct acl_ent	*a;

	a = realloc(d->acl, (d->nacl + 1) * sizeof(*a));
	if (a == NULL)
		return -1;
	d->acl = a;
	a = &d->acl[d->nacl++];
	tc_strlcpy(a->identity, identity, sizeof(a->identity));
	a->access = access;
	a->line = line;
	return 0;
}

/* "host", "host:port" or "[v6]:port"; stored with the port always. */
int
config_set_listen(struct config *conf, const char *s, const char **errstr)
{
	char		host[256];
	uint16_t	port = TC_DEFAULT_PORT;

	if (tc_parse_hostport(s, host, sizeof(host), &port, errstr) == -1)
		return -1;
	snprintf(conf->listen, sizeof(conf->listen),
	    strchr(host, ':') != NULL ? "[%s]:%u" : "%s:%u", host,
	    (unsigned)port);
	return 0;
}

/*
 * path, made absolute against dir: "./" prefixes go, nothing else is
 * touched (".." may cross a symbolic link).  NULL with errno set.
 */
char *
config_path(const char *dir, const char *path)
{
	char	*s;
	size_t	 dlen, plen;

	if (path[0] != '/') {
		while (path[0] == '.' && path[1] == '/')
			for (path++; *path == '/'; path++)
				;
		if (strcmp(path, ".") == 0)
			path = "";
	} else
		dir = "";
	dlen = strlen(dir);
	plen = strlen(path);
	if (dlen > 0 && plen > 0 && dir[dlen - 1] != '/')
		dlen++;			/* room for the separator */
	if (dlen + plen >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if ((s = malloc(dlen + plen + 1)) == NULL)
		return NULL;
	snprintf(s, dlen + plen + 1, "%s%s%s", dir,
	    dlen > strlen(dir) ? "/" : "", path);
	return s;
}

/* dir, made absolute against the working directory. */
static char *
abs_dir(const char *dir)
{
	char	cwd[PATH_MAX];

	if (dir[0] == '/')
		return strdup(dir);
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return NULL;
	return config_path(cwd, dir);
}

/* The absolute directory a file is in; relative paths in it start there. */
char *
config_dir(const char *file)
{
	char	*dir, *slash, *abs;

	if ((dir = strdup(file)) == NULL)
		return NULL;
	if ((slash = strrchr(dir, '/')) == NULL)
		dir[0] = '\0';
	else
		slash[slash == dir] = '\0';	/* "/x" keeps its "/" */
	abs = abs_dir(dir);
	free(dir);
	return abs;
}

static int
default_drive(struct config *conf, const char *name, const char *backend,
    const char *file)
{
	struct drive_conf	*d;

	if ((d = config_add_drive(conf, name)) == NULL)
		return -1;
	d->line = 0;
	tc_strlcpy(d->backend, backend, sizeof(d->backend));
	if (file != NULL && (d->path = config_path(conf->state_dir,
	    file)) == NULL)
		return -1;
	return config_add_acl(d, DEFAULT_CLIENT_ID, TC_ACCESS_RW, 0);
}

/*
 * The configuration used without -f (DESIGN §4): everything in the state
 * directory home, two drives open to the client certificate pki.c makes.
 */
struct config *
config_default(const char *home, const char *listen, char *err,
    size_t errlen)
{
	struct config	*conf;
	const char	*errstr;

	if ((conf = config_new()) == NULL)
		goto fail;
	if (listen != NULL && config_set_listen(conf, listen, &errstr) == -1) {
		snprintf(err, errlen, "listen \"%s\": %s", listen, errstr);
		config_free(conf);
		return NULL;
	}
	if ((conf->state_dir = abs_dir(home)) == NULL)
		goto fail;
	if ((conf->ca = config_path(conf->state_dir, "ca.pem")) == NULL ||
	    (conf->cert = config_path(conf->state_dir, "server.pem")) == NULL ||
	    (conf->key = config_path(conf->state_dir, "server.key")) == NULL ||
	    default_drive(conf, "vtape0", "vtape", "vtape0.tap") == -1 ||
	    default_drive(conf, "null0", "null", NULL) == -1)
		goto fail;
	return conf;
 fail:
	snprintf(err, errlen, "%s: %s", home, strerror(errno));
	config_free(conf);
	return NULL;
}

void
config_free(struct config *conf)
{
	size_t	i;

	if (conf == NULL)
		return;
	for (i = 0; i < conf->ndrives; i++) {
		free(conf->drives[i].path);
		free(conf->drives[i].hold_write);
		free(conf->drives[i].acl);
	}
	free(conf->drives);
	free(conf->file);
	free(conf->ca);
	free(conf->cert);
	free(conf->key);
	free(conf->tables);
	free(conf->state_dir);
	free(conf);
}

/*
 * The access of the first allow line, in file order, that names any of
 * the peer's identities ("*" names every certificate the CA signed);
 * 0, no access, when none does.  Identities compare byte for byte.
 */
int
acl_access(const struct drive_conf *d, const struct tls_ids *ids)
{
	size_t	i, j;

	if (ids == NULL || ids->n == 0)
		return 0;
	for (i = 0; i < d->nacl; i++) {
		if (strcmp(d->acl[i].identity, "*") == 0)
			return d->acl[i].access;
		for (j = 0; j < ids->n && j < TC_MAX_IDENTITIES; j++)
			if (strcmp(d->acl[i].identity, ids->id[j]) == 0)
				return d->acl[i].access;
	}
	return 0;
}
