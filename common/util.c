/*
 * util.c -- bounded number parsing, host:port, the state directory.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

size_t
tc_strlcpy(char *dst, const char *src, size_t size)
{
	size_t	len = strlen(src);

	if (size > 0) {
		size_t	n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

/* strtonum(3) with base detection: decimal, 0x hex, leading 0 octal. */
int
tc_parse_num(const char *s, long long min, long long max, long long *out,
    const char **errstr)
{
	char		*end;
	long long	 v;

	*errstr = NULL;
	if (s == NULL || *s == '\0' || isspace((unsigned char)*s)) {
		*errstr = "not a number";
		return -1;
	}
	errno = 0;
	v = strtoll(s, &end, 0);
	if (*end != '\0') {
		*errstr = "not a number";
		return -1;
	}
	if (errno == ERANGE || v < min) {
		*errstr = (errno == ERANGE && v > 0) ? "too large" :
		    "too small";
		if (errno == ERANGE && v == LLONG_MAX)
			*errstr = "too large";
		return -1;
	}
	if (v > max) {
		*errstr = "too large";
		return -1;
	}
	*out = v;
	return 0;
}

/* A byte count with an optional K, M, G or T suffix (powers of 1024). */
int
tc_parse_size(const char *s, uint64_t max, uint64_t *out, const char **errstr)
{
	char			 num[32];
	size_t			 len;
	unsigned		 shift = 0;
	long long		 v;

	*errstr = NULL;
	len = s != NULL ? strlen(s) : 0;
	if (len == 0 || len >= sizeof(num)) {
		*errstr = "not a size";
		return -1;
	}
	memcpy(num, s, len + 1);
	switch (num[len - 1]) {
	case 'k': case 'K': shift = 10; break;
	case 'm': case 'M': shift = 20; break;
	case 'g': case 'G': shift = 30; break;
	case 't': case 'T': shift = 40; break;
	}
	if (shift != 0)
		num[len - 1] = '\0';
	if (tc_parse_num(num, 0, LLONG_MAX, &v, errstr) == -1) {
		if (*errstr != NULL && strcmp(*errstr, "not a number") == 0)
			*errstr = "not a size";
		return -1;
	}
	if ((uint64_t)v > (max >> shift)) {
		*errstr = "too large";
		return -1;
	}
	*out = (uint64_t)v << shift;
	return 0;
}

/*
 * "host", "host:port", "[v6]:port".  The port is left alone when the
 * string has none.
 */
int
tc_parse_hostport(const char *s, char *host, size_t hostlen, uint16_t *port,
    const char **errstr)
{
	const char	*colon, *hend;
	long long	 p;

	*errstr = NULL;
	if (s == NULL || *s == '\0') {
		*errstr = "empty address";
		return -1;
	}
	if (*s == '[') {
		hend = strchr(s, ']');
		if (hend == NULL) {
			*errstr = "missing ']' in address";
			return -1;
		}
		colon = hend[1] == ':' ? hend + 1 : NULL;
		if (hend[1] != '\0' && colon == NULL) {
			*errstr = "junk after ']' in address";
			return -1;
		}
		s++;
	} else {
		colon = strrchr(s, ':');
		if (colon != NULL && strchr(s, ':') != colon) {
			*errstr = "IPv6 addresses must be written [addr]:port";
			return -1;
		}
		hend = colon != NULL ? colon : s + strlen(s);
	}
	if (hend == s) {
		*errstr = "empty host name";
		return -1;
	}
	if ((size_t)(hend - s) >= hostlen) {
		*errstr = "host name too long";
		return -1;
	}
	memcpy(host, s, hend - s);
	host[hend - s] = '\0';
	if (colon != NULL) {
		if (tc_parse_num(colon + 1, 0, 65535, &p, errstr) == -1) {
			*errstr = "port must be a number from 0 to 65535";
			return -1;
		}
		*port = (uint16_t)p;
	}
	return 0;
}

/* $TCLIENT_HOME, or ~/.tclient */
int
tc_home(char *buf, size_t len)
{
	const char	*env, *home;
	struct passwd	*pw;
	int		 n;

	if ((env = getenv("TCLIENT_HOME")) != NULL && *env != '\0')
		n = snprintf(buf, len, "%s", env);
	else {
		home = getenv("HOME");
		if (home == NULL || *home == '\0') {
			if ((pw = getpwuid(getuid())) == NULL)
				return -1;
			home = pw->pw_dir;
		}
		n = snprintf(buf, len, "%s/.tclient", home);
	}
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int
tc_mkdir_private(const char *path)
{
	struct stat	sb;

	if (mkdir(path, 0700) == 0)
		return 0;
	if (errno != EEXIST)
		return -1;
	if (stat(path, &sb) == -1)
		return -1;
	if (!S_ISDIR(sb.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

/* Drive and identity-free names: letters, digits, '.', '_', '-'. */
int
tc_valid_name(const char *s)
{
	size_t	i, len = strlen(s);

	if (len == 0 || len > TC_NAME_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' &&
		    s[i] != '_' && s[i] != '-')
			return 0;
	return 1;
}

uint64_t
tc_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* dir/name into buf; -1 (ENAMETOOLONG) when it does not fit. */
int
tc_path(char *buf, size_t len, const char *dir, const char *name)
{
	int	n = snprintf(buf, len, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}
