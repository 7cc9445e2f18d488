/*
 * pki.c -- the embedded default's small CA: on first start, a CA, a server
 * certificate for this host and one client certificate, in the state
 * directory; later, more client certificates for other hosts.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "tclientd.h"

enum certkind { CERT_CA, CERT_SERVER, CERT_CLIENT };

#define CA_DAYS		3650
#define CERT_DAYS	825

static const char *pki_files[] = {
	"ca.pem", "ca.key", "server.pem", "server.key", "client.pem",
	"client.key",
};

static int
add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX	 ctx;
	X509_EXTENSION	*ex;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
	if ((ex = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)) == NULL)
		return -1;
	X509_add_ext(cert, ex, -1);
	X509_EXTENSION_free(ex);
	return 0;
}

static int
add_exts(X509 *c, X509 *issuer, enum certkind kind)
{
	char	san[512], host[256];

	if (kind == CERT_CA)
		return add_ext(c, c, NID_basic_constraints, "critical,CA:TRUE") |
		    add_ext(c, c, NID_key_usage, "critical,keyCertSign,cRLSign") |
		    add_ext(c, c, NID_subject_key_identifier, "hash");
	if (add_ext(c, issuer, NID_basic_constraints, "critical,CA:FALSE") |
	    add_ext(c, issuer, NID_key_usage, "critical,digitalSignature") |
	    add_ext(c, issuer, NID_subject_key_identifier, "hash") |
	    add_ext(c, issuer, NID_authority_key_identifier, "keyid"))
		return -1;
	if (kind == CERT_CLIENT)
		return add_ext(c, issuer, NID_ext_key_usage, "clientAuth");
	if (gethostname(host, sizeof(host)) == -1 || strchr(host, ',') ||
	    strcmp(host, "localhost") == 0)
		host[0] = '\0';
	snprintf(san, sizeof(san), "DNS:localhost,IP:127.0.0.1,IP:::1%s%s",
	    host[0] ? ",DNS:" : "", host);
	return add_ext(c, issuer, NID_ext_key_usage, "serverAuth") |
	    add_ext(c, issuer, NID_subject_alt_name, san);
}

static X509 *
make_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *ikey,
    enum certkind kind)
{
	X509		*c;
	X509_NAME	*n;
	BIGNUM		*bn;
	int		 ok;

	if ((c = X509_new()) == NULL || (bn = BN_new()) == NULL) {
		X509_free(c);
		return NULL;
	}
	n = X509_get_subject_name(c);
	ok = X509_set_version(c, 2) &&
	    BN_rand(bn, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) &&
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(c)) != NULL &&
	    X509_gmtime_adj(X509_getm_notBefore(c), -3600) != NULL &&
	    X509_gmtime_adj(X509_getm_notAfter(c), 86400L *
	    (kind == CERT_CA ? CA_DAYS : CERT_DAYS)) != NULL &&
	    X509_set_pubkey(c, key) &&
	    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0) &&
	    X509_set_issuer_name(c, issuer ? X509_get_subject_name(issuer) :
	    n) &&
	    add_exts(c, issuer, kind) == 0 &&
	    X509_sign(c, ikey ? ikey : key, EVP_sha256()) > 0;
	BN_free(bn);
	if (!ok) {
		X509_free(c);
		return NULL;
	}
	return c;
}

/* Write through a temporary file, so a crash leaves no half a PEM. */
static int
write_pem(const char *path, EVP_PKEY *key, X509 *cert)
{
	char	 tmp[PATH_MAX];
	FILE	*fp;
	int	 fd, ok;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -1;
	(void)unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    key ? 0600 : 0644)) == -1)
		return -1;
	if ((fp = fdopen(fd, "w")) == NULL) {
		close(fd);
		return -1;
	}
	ok = key ? PEM_write_PrivateKey(fp, key, NULL, NULL, 0, NULL, NULL) :
	    PEM_write_X509(fp, cert);
	if (fflush(fp) == EOF || fsync(fileno(fp)) == -1)
		ok = 0;
	if (fclose(fp) == EOF)
		ok = 0;
	if (!ok || rename(tmp, path) == -1) {
		(void)unlink(tmp);
		return -1;
	}
	return 0;
}

static int
write_pair(const char *dir, const char *base, EVP_PKEY *key, X509 *cert)
{
	char	path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s.key", dir, base);
	if (write_pem(path, key, NULL) == -1)
		return -1;
	snprintf(path, sizeof(path), "%s/%s.pem", dir, base);
	return write_pem(path, NULL, cert);
}

static int
issue(const char *dir, const char *base, const char *cn, X509 *ca,
    EVP_PKEY *cakey, enum certkind kind)
{
	EVP_PKEY	*key;
	X509		*cert = NULL;
	int		 r = -1;

	if ((key = EVP_EC_gen("P-256")) != NULL &&
	    (cert = make_cert(key, cn, ca, cakey, kind)) != NULL)
		r = write_pair(dir, base, key, cert);
	X509_free(cert);
	EVP_PKEY_free(key);
	return r;
}

static int
pki_create(const char *home, char *err, size_t errlen)
{
	EVP_PKEY	*cakey;
	X509		*ca = NULL;
	char		 e[256];
	int		 r = -1;

	if ((cakey = EVP_EC_gen("P-256")) != NULL &&
	    (ca = make_cert(cakey, "tclient embedded CA", NULL, NULL,
	    CERT_CA)) != NULL &&
	    write_pair(home, "ca", cakey, ca) == 0 &&
	    issue(home, "server", "tclientd", ca, cakey, CERT_SERVER) == 0 &&
	    issue(home, "client", DEFAULT_CLIENT_ID, ca, cakey,
	    CERT_CLIENT) == 0)
		r = 0;
	else
		snprintf(err, errlen, "%s: cannot create the certificates: %s",
		    home, errno ? strerror(errno) : tls_error(e, sizeof(e)));
	X509_free(ca);
	EVP_PKEY_free(cakey);
	return r;
}

/*
 * The state directory holds all six files or none (then they are made).
 * Anything in between is refused: it is somebody's half-restored setup.
 */
int
pki_ensure(const char *home, char *err, size_t errlen)
{
	char		path[PATH_MAX];
	size_t		i, have = 0;
	const char	*missing = NULL;

	if (tc_mkdir_private(home) == -1) {
		snprintf(err, errlen, "%s: %s", home, strerror(errno));
		return -1;
	}
	for (i = 0; i < nitems(pki_files); i++) {
		snprintf(path, sizeof(path), "%s/%s", home, pki_files[i]);
		if (access(path, F_OK) == 0)
			have++;
		else if (missing == NULL)
			missing = pki_files[i];
	}
	if (have == nitems(pki_files))
		return 0;
	if (have > 0) {
		snprintf(err, errlen, "%s has some certificate files but not "
		    "%s; restore it, or move the directory away to start over",
		    home, missing);
		return -1;
	}
	log_info("%s: creating a CA, a server and a client certificate",
	    home);
	errno = 0;
	return pki_create(home, err, errlen);
}

/* A certificate for another client host, signed by the embedded CA. */
int
pki_issue_client(const char *home, const char *cn, const char *dir,
    char *err, size_t errlen)
{
	char		 path[PATH_MAX], e[256];
	FILE		*fp;
	X509		*ca = NULL;
	EVP_PKEY	*cakey = NULL;
	int		 r = -1;

	snprintf(path, sizeof(path), "%s/ca.pem", home);
	if ((fp = fopen(path, "r")) != NULL) {
		ca = PEM_read_X509(fp, NULL, NULL, NULL);
		fclose(fp);
	}
	snprintf(path, sizeof(path), "%s/ca.key", home);
	if ((fp = fopen(path, "r")) != NULL) {
		cakey = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
		fclose(fp);
	}
	if (ca == NULL || cakey == NULL)
		snprintf(err, errlen, "%s: cannot read the CA (ca.pem, ca.key)",
		    home);
	else if (tc_mkdir_private(dir) == -1)
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
	else if (issue(dir, "client", cn, ca, cakey, CERT_CLIENT) == -1 ||
	    (snprintf(path, sizeof(path), "%s/ca.pem", dir),
	    write_pem(path, NULL, ca) == -1))
		snprintf(err, errlen, "%s: cannot write the certificate: %s",
		    dir, errno ? strerror(errno) : tls_error(e, sizeof(e)));
	else
		r = 0;
	X509_free(ca);
	EVP_PKEY_free(cakey);
	return r;
}
