/*
 * tls.c -- TLS contexts for both sides: TLS 1.3 only, certificates always
 * verified in both directions, private keys kept private.  TLS details stay
 * here, out of the protocol code.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "common.h"

const char *
tls_error(char *buf, size_t len)
{
	unsigned long	e, last = 0;

	while ((e = ERR_get_error()) != 0)
		last = e;
	if (last == 0)
		tc_strlcpy(buf, "unknown TLS error", len);
	else
		ERR_error_string_n(last, buf, len);
	return buf;
}

/* A private key must not be readable by group or others. */
int
tls_key_private(const char *path, char *err, size_t errlen)
{
	struct stat	sb;

	if (stat(path, &sb) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((sb.st_mode & 077) != 0) {
		snprintf(err, errlen, "%s: private key is readable by group or "
		    "others (mode %04o); run chmod 600 %s", path,
		    (unsigned)(sb.st_mode & 07777), path);
		return -1;
	}
	return 0;
}

struct ssl_ctx_st *
tls_ctx_new(const struct tls_files *f, int server, char *err, size_t errlen)
{
	SSL_CTX			*ctx;
	STACK_OF(X509_NAME)	*cas;
	char			 e[256];

	if (tls_key_private(f->key, err, errlen) == -1)
		return NULL;
	ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
	if (ctx == NULL) {
		snprintf(err, errlen, "SSL_CTX_new: %s", tls_error(e, sizeof(e)));
		return NULL;
	}
	if (!SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) ||
	    !SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION)) {
		snprintf(err, errlen, "cannot restrict to TLS 1.3: %s",
		    tls_error(e, sizeof(e)));
		goto fail;
	}
	if (!SSL_CTX_load_verify_locations(ctx, f->ca, NULL)) {
		snprintf(err, errlen, "%s: cannot load CA certificate: %s",
		    f->ca, tls_error(e, sizeof(e)));
		goto fail;
	}
	if (!SSL_CTX_use_certificate_chain_file(ctx, f->cert)) {
		snprintf(err, errlen, "%s: cannot load certificate: %s",
		    f->cert, tls_error(e, sizeof(e)));
		goto fail;
	}
	if (!SSL_CTX_use_PrivateKey_file(ctx, f->key, SSL_FILETYPE_PEM)) {
		snprintf(err, errlen, "%s: cannot load private key: %s",
		    f->key, tls_error(e, sizeof(e)));
		goto fail;
	}
	if (!SSL_CTX_check_private_key(ctx)) {
		snprintf(err, errlen, "%s does not match %s: %s", f->key,
		    f->cert, tls_error(e, sizeof(e)));
		goto fail;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
	    SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (server) {
		/* no resumption: every session proves its certificate */
		SSL_CTX_set_num_tickets(ctx, 0);
		SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
		if ((cas = SSL_load_client_CA_file(f->ca)) != NULL)
			SSL_CTX_set_client_CA_list(ctx, cas);
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

/* Keep a name only if it is printable text without embedded NULs. */
static void
ids_add(struct tls_ids *ids, const ASN1_STRING *s)
{
	unsigned char	*utf;
	int		 len, i;

	if (ids->n >= TC_MAX_IDENTITIES)
		return;
	if ((len = ASN1_STRING_to_UTF8(&utf, s)) < 0)
		return;
	if (len == 0 || len > TC_TEXT_MAX)
		goto out;
	for (i = 0; i < len; i++)
		if (utf[i] < 0x20 || utf[i] == 0x7f)
			goto out;
	memcpy(ids->id[ids->n], utf, len);
	ids->id[ids->n][len] = '\0';
	ids->n++;
out:
	OPENSSL_free(utf);
}

/* The verified peer's names: subject CN first, then SAN DNS/email/URI. */
int
tls_peer_ids(struct ssl_st *ssl, struct tls_ids *ids)
{
	X509		*cert;
	X509_NAME	*subj;
	GENERAL_NAMES	*sans;
	int		 i;

	ids->n = 0;
	if (SSL_get_verify_result(ssl) != X509_V_OK)
		return -1;
	if ((cert = SSL_get0_peer_certificate(ssl)) == NULL)
		return -1;
	subj = X509_get_subject_name(cert);
	i = -1;
	while ((i = X509_NAME_get_index_by_NID(subj, NID_commonName, i)) >= 0)
		ids_add(ids, X509_NAME_ENTRY_get_data(
		    X509_NAME_get_entry(subj, i)));
	sans = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	for (i = 0; sans != NULL && i < sk_GENERAL_NAME_num(sans); i++) {
		GENERAL_NAME	*gn = sk_GENERAL_NAME_value(sans, i);

		if (gn->type == GEN_DNS || gn->type == GEN_EMAIL ||
		    gn->type == GEN_URI)
			ids_add(ids, gn->d.ia5);
	}
	GENERAL_NAMES_free(sans);
	return ids->n > 0 ? 0 : -1;
}
