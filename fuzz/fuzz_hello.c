/*
 * fuzz_hello.c -- libFuzzer harness for the greeting and the options a
 * peer or a user hands in: the HELLO payload (request and reply), the OPEN
 * payload (drive name and flags), platform ids and patterns, and the
 * option value parsers (numbers, sizes, host:port, names).  The first
 * input byte picks the parser, the rest is its input.  Accepted input must
 * keep every promise the parser makes; refused input must say why.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
text_ok(const char *s, size_t max)
{
	size_t	i, n = strlen(s);

	if (n > max)
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			abort();
}

static void
hello(const uint8_t *p, size_t len, int reply)
{
	struct tc_hello	 h;
	struct tcbuf	 b;
	const char	*err;

	if (proto_get_hello(p, len, &h, reply, &err) == -1) {
		if (err == NULL || *err == '\0')
			abort();
		return;
	}
	if (h.vmin == 0 || h.vmin > h.vmax ||
	    (!platform_valid(h.platform) && strcmp(h.platform, "unknown")))
		abort();
	text_ok(h.platform, TC_PLATFORM_MAX);
	text_ok(h.software, TC_TEXT_MAX);
	text_ok(h.identity, TC_TEXT_MAX);
	if (platform_valid(h.platform) && (!platform_match(h.platform,
	    h.platform) || !platform_match("*", h.platform)))
		abort();
	tcbuf_init(&b);
	proto_put_hello(&b, 7, &h, reply);
	if (b.failed || b.len != TC_HDR_LEN + len ||
	    memcmp(b.data + TC_HDR_LEN, p, len) != 0)
		abort();
	tcbuf_free(&b);
}

static void
open_req(const uint8_t *p, size_t len)
{
	struct tc_open_req o;
	struct tcbuf	 b;
	const char	*err;

	if (proto_get_open(p, len, &o, &err) == -1) {
		if (err == NULL || *err == '\0')
			abort();
		return;
	}
	if (!tc_valid_name(o.drive) || (o.flags & ~TC_OPEN_ALLFLAGS) ||
	    (o.flags & TC_OPEN_ACCMODE) == TC_OPEN_ACCMODE)
		abort();
	tcbuf_init(&b);
	proto_put_open(&b, 7, &o);
	if (b.failed || b.len != TC_HDR_LEN + len ||
	    memcmp(b.data + TC_HDR_LEN, p, len) != 0)
		abort();
	tcbuf_free(&b);
}

/* Option values, as the command lines and the configuration give them. */
static void
options(const uint8_t *p, size_t len)
{
	char		 s[512], host[256];
	long long	 v;
	uint64_t	 u;
	uint16_t	 port = 1;
	const char	*err;

	if (len >= sizeof(s))
		return;
	memcpy(s, p, len);
	s[len] = '\0';
	if (tc_parse_num(s, -1000, 1000, &v, &err) == 0) {
		if (v < -1000 || v > 1000 || err != NULL)
			abort();
	} else if (err == NULL)
		abort();
	if (tc_parse_size(s, 1ull << 40, &u, &err) == 0) {
		if (u > 1ull << 40)
			abort();
	} else if (err == NULL)
		abort();
	if (tc_parse_hostport(s, host, sizeof(host), &port, &err) == 0) {
		if (host[0] == '\0' || strlen(host) >= sizeof(host))
			abort();
	} else if (err == NULL)
		abort();
	if (tc_valid_name(s) && (strlen(s) == 0 || strlen(s) > TC_NAME_MAX))
		abort();
	if (platform_valid(s) && !platform_match(s, s))
		abort();
	(void)platform_match(s, "linux-x86_64");
	(void)platform_match("linux-*", s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] & 3) {
	case 0:
		hello(data + 1, size - 1, 0);
		break;
	case 1:
		hello(data + 1, size - 1, 1);
		break;
	case 2:
		open_req(data + 1, size - 1);
		break;
	default:
		options(data + 1, size - 1);
		break;
	}
	return 0;
}
