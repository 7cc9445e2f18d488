/*
 * platform.c -- platform ids "os-arch" (errno numbers differ by CPU on
 * Linux, so the CPU is part of the id).
 */
#include <sys/utsname.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "common.h"

const char *
platform_local(void)
{
	static char	id[TC_PLATFORM_MAX + 1];
	struct utsname	u;
	char		buf[2 * sizeof(u.sysname)];
	size_t		i;

	if (id[0] != '\0')
		return id;
	if (uname(&u) == -1)
		return "unknown";
	snprintf(buf, sizeof(buf), "%s-%s", u.sysname, u.machine);
	if (tc_strlcpy(id, buf, sizeof(id)) >= sizeof(id)) {
		id[0] = '\0';
		return "unknown";
	}
	for (i = 0; id[i] != '\0'; i++)
		id[i] = (char)tolower((unsigned char)id[i]);
	return id;
}

/* os-arch: lower-case letters and digits, one '-', '_' allowed in arch */
int
platform_valid(const char *s)
{
	const char	*dash;
	size_t		 i, len = strlen(s);

	if (len == 0 || len > TC_PLATFORM_MAX)
		return 0;
	dash = strchr(s, '-');
	if (dash == NULL || dash == s || dash[1] == '\0' ||
	    strchr(dash + 1, '-') != NULL)
		return 0;
	for (i = 0; i < len; i++) {
		if (s + i == dash)
			continue;
		if (!islower((unsigned char)s[i]) &&
		    !isdigit((unsigned char)s[i]) && s[i] != '_')
			return 0;
	}
	return 1;
}

/* "*", "os-*" or an exact id */
int
platform_match(const char *pattern, const char *id)
{
	size_t	plen = strlen(pattern);

	if (strcmp(pattern, "*") == 0)
		return 1;
	if (plen >= 2 && strcmp(pattern + plen - 2, "-*") == 0)
		return strncmp(pattern, id, plen - 1) == 0;
	return strcmp(pattern, id) == 0;
}
