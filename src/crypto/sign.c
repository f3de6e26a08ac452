/*
 * sign.c - Ed25519 and SM2 signing keys over OpenSSL EVP. See sign.h.
 *
 * Keys are EVP_PKEYs; OpenSSL 3 decodes a PKCS#8 or SubjectPublicKeyInfo on the SM2 curve as an "SM2"
 * key (not "EC"), which is how a loaded key's algorithm is told apart. The private key file is treated
 * like an SSH key: written atomically with mode 0600 and refused when others could read it, because a
 * leaked log key lets anyone forge tree heads that every auditor would accept.
 */
#include "crypto/sign.h"

#include "core/codec.h"
#include "core/mem.h"
#include "crypto/hash.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct sign_key {
	int alg;
	EVP_PKEY *pkey;
};

/* A private key file is a few hundred bytes; anything this big is not one. */
#define KEY_FILE_MAX (64 * 1024)

int sign_alg_parse(const char *name, int *out_alg)
{
	int rc = OK;
	if (name && strcmp(name, "ed25519") == 0)
		*out_alg = SIGN_ED25519;
	else if (name && strcmp(name, "sm2") == 0)
		*out_alg = SIGN_SM2;
	else
		rc = E_INVALID;
	return rc;
}

const char *sign_alg_name(int alg)
{
	switch (alg) {
	case SIGN_ED25519:
		return "ed25519";
	case SIGN_SM2:
		return "sm2";
	default:
		return NULL;
	}
}

/* The OpenSSL key type name for alg, or NULL. */
static const char *pkey_type(int alg)
{
	switch (alg) {
	case SIGN_ED25519:
		return "ED25519";
	case SIGN_SM2:
		return "SM2";
	default:
		return NULL;
	}
}

/* The SIGN_* value of pkey's type, or 0 if it is neither Ed25519 nor SM2. */
static int pkey_alg(const EVP_PKEY *pkey)
{
	if (EVP_PKEY_is_a(pkey, "ED25519"))
		return SIGN_ED25519;
	if (EVP_PKEY_is_a(pkey, "SM2"))
		return SIGN_SM2;
	return 0;
}

/* Take ownership of pkey into a new sign_key in *out. Frees pkey on failure. */
static int key_wrap(EVP_PKEY *pkey, int alg, sign_key **out)
{
	int rc = OK;
	sign_key *key = mem_alloc(sizeof *key);
	if (!key) {
		EVP_PKEY_free(pkey);
		rc = E_NOMEM;
		goto done;
	}
	key->alg = alg;
	key->pkey = pkey;
	*out = key;
done:
	return rc;
}

int sign_key_generate(int alg, sign_key **out)
{
	int rc = OK;
	EVP_PKEY *pkey = NULL;
	const char *type = pkey_type(alg);
	*out = NULL;
	if (!type) {
		rc = E_INVALID;
		goto done;
	}
	pkey = EVP_PKEY_Q_keygen(NULL, NULL, type);
	if (!pkey) {
		ERR_clear_error();
		rc = E_INTERNAL;
		goto done;
	}
	rc = key_wrap(pkey, alg, out);
done:
	return rc;
}

void sign_key_free(sign_key *key)
{
	if (!key)
		return;
	EVP_PKEY_free(key->pkey); /* OpenSSL clears private key material on free */
	mem_free(key);
}

int sign_key_alg(const sign_key *key)
{
	return key->alg;
}

/* Write all of data[0..len) to fd, retrying on EINTR and short writes. 0 or -1 with errno. */
static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* fsync the directory holding path, so a rename into it survives a crash. 0 or -1 with errno. */
static int fsync_parent(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;
	if (n >= sizeof dir) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (!slash)
		dir[n++] = '.';
	else if (n == 0)
		dir[n++] = '/';
	else
		memcpy(dir, path, n);
	dir[n] = 0;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int r = fsync(fd);
	/* Some file systems cannot fsync a directory; the rename is then as durable as it gets. */
	if (r != 0 && (errno == EINVAL || errno == ENOTSUP))
		r = 0;
	int saved = errno;
	close(fd);
	errno = saved;
	return r;
}

int sign_key_save(const sign_key *key, const char *path, err *e)
{
	int rc = OK;
	BIO *bio = NULL;
	char *pem = NULL;
	long pem_len = 0;
	int fd = -1;
	int tmp_exists = 0;
	char tmp[PATH_MAX];

	int n = snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", path);
	if (n < 0 || (size_t)n >= sizeof tmp) {
		rc = err_set(e, E_INVALID, NULL, "key file path %s is too long", path);
		goto done;
	}
	bio = BIO_new(BIO_s_mem());
	if (!bio || PEM_write_bio_PKCS8PrivateKey(bio, key->pkey, NULL, NULL, 0, NULL, NULL) != 1) {
		ERR_clear_error();
		rc = err_set(e, E_INTERNAL, NULL, "could not encode the private key");
		goto done;
	}
	pem_len = BIO_get_mem_data(bio, &pem);
	if (pem_len <= 0) {
		rc = err_set(e, E_INTERNAL, NULL, "could not encode the private key");
		goto done;
	}
	fd = mkstemp(tmp); /* creates the file 0600 whatever the umask */
	if (fd < 0) {
		rc = err_set(e, E_IO, NULL, "cannot create %s: %s", tmp, strerror(errno));
		goto done;
	}
	tmp_exists = 1;
	if (fchmod(fd, 0600) != 0 || write_all(fd, pem, (size_t)pem_len) != 0 || fsync(fd) != 0) {
		rc = err_set(e, E_IO, NULL, "cannot write %s: %s", tmp, strerror(errno));
		goto done;
	}
	int r = close(fd);
	fd = -1;
	if (r != 0) {
		rc = err_set(e, E_IO, NULL, "cannot write %s: %s", tmp, strerror(errno));
		goto done;
	}
	if (rename(tmp, path) != 0) {
		rc = err_set(e, E_IO, NULL, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
		goto done;
	}
	tmp_exists = 0;
	if (fsync_parent(path) != 0) {
		rc = err_set(e, E_IO, NULL, "cannot sync the directory of %s: %s", path, strerror(errno));
		goto done;
	}
done:
	if (fd >= 0)
		close(fd);
	if (tmp_exists)
		unlink(tmp);
	if (pem && pem_len > 0)
		OPENSSL_cleanse(pem, (size_t)pem_len);
	BIO_free(bio);
	return rc;
}

/* A PEM password callback that refuses: an encrypted key file must fail, never prompt on a tty. */
static int no_password(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

int sign_key_load(const char *path, sign_key **out, err *e)
{
	int rc = OK;
	int fd = -1;
	char *buf = NULL;
	size_t len = 0;
	BIO *bio = NULL;
	EVP_PKEY *pkey = NULL;
	struct stat st;
	*out = NULL;

	/* O_NONBLOCK: a FIFO planted at path must be refused below, not hang the server in open(). */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		rc = err_set(e, errno == ENOENT ? E_NOTFOUND : E_IO, NULL, "cannot open key file %s: %s", path,
		             strerror(errno));
		goto done;
	}
	if (fstat(fd, &st) != 0) {
		rc = err_set(e, E_IO, NULL, "cannot stat key file %s: %s", path, strerror(errno));
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = err_set(e, E_INVALID, NULL, "key file %s is not a regular file", path);
		goto done;
	}
	if (st.st_mode & 077) {
		rc = err_set(e, E_INVALID, NULL,
		             "key file %s has mode %03o: others may read it; run chmod 600 %s and check who "
		             "saw it",
		             path, (unsigned)(st.st_mode & 0777), path);
		goto done;
	}
	if (st.st_size > KEY_FILE_MAX) {
		rc = err_set(e, E_INVALID, NULL, "key file %s is larger than %d bytes: not a key", path, KEY_FILE_MAX);
		goto done;
	}
	buf = mem_alloc(KEY_FILE_MAX + 1);
	if (!buf) {
		rc = err_set(e, E_NOMEM, NULL, "out of memory reading %s", path);
		goto done;
	}
	for (;;) {
		ssize_t n = read(fd, buf + len, KEY_FILE_MAX + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = err_set(e, E_IO, NULL, "cannot read key file %s: %s", path, strerror(errno));
			goto done;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > KEY_FILE_MAX) {
			rc = err_set(e, E_INVALID, NULL, "key file %s is larger than %d bytes: not a key", path,
			             KEY_FILE_MAX);
			goto done;
		}
	}
	bio = BIO_new_mem_buf(buf, (int)len);
	if (!bio) {
		rc = err_set(e, E_NOMEM, NULL, "out of memory reading %s", path);
		goto done;
	}
	pkey = PEM_read_bio_PrivateKey(bio, NULL, no_password, NULL);
	ERR_clear_error();
	int alg = pkey ? pkey_alg(pkey) : 0;
	if (!alg) {
		rc = err_set(e, E_INVALID, NULL,
		             "key file %s does not hold an unencrypted PEM Ed25519 or SM2 private key", path);
		goto done;
	}
	rc = key_wrap(pkey, alg, out);
	pkey = NULL;
	if (rc != OK)
		err_set(e, rc, NULL, "out of memory reading %s", path);
done:
	EVP_PKEY_free(pkey);
	BIO_free(bio);
	if (buf) {
		OPENSSL_cleanse(buf, KEY_FILE_MAX + 1);
		mem_free(buf);
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

int sign_key_public_pem(const sign_key *key, char **out_heap)
{
	int rc = OK;
	BIO *bio = NULL;
	char *data = NULL;
	*out_heap = NULL;
	bio = BIO_new(BIO_s_mem());
	if (!bio || PEM_write_bio_PUBKEY(bio, key->pkey) != 1) {
		ERR_clear_error();
		rc = E_INTERNAL;
		goto done;
	}
	long n = BIO_get_mem_data(bio, &data);
	if (n <= 0) {
		rc = E_INTERNAL;
		goto done;
	}
	char *s = mem_alloc((size_t)n + 1);
	if (!s) {
		rc = E_NOMEM;
		goto done;
	}
	memcpy(s, data, (size_t)n);
	s[n] = 0;
	*out_heap = s;
done:
	BIO_free(bio);
	return rc;
}

int sign_key_id(const sign_key *key, char out[SIGN_KEY_ID_LEN + 1])
{
	int rc = OK;
	unsigned char *der = NULL;
	uint8_t h[HASH_LEN];
	int n = i2d_PUBKEY(key->pkey, NULL);
	if (n <= 0) {
		ERR_clear_error();
		rc = E_INTERNAL;
		goto done;
	}
	der = mem_alloc((size_t)n);
	if (!der) {
		rc = E_NOMEM;
		goto done;
	}
	unsigned char *p = der;
	if (i2d_PUBKEY(key->pkey, &p) != n) {
		ERR_clear_error();
		rc = E_INTERNAL;
		goto done;
	}
	rc = hash_digest(HASH_SHA256, der, (size_t)n, h);
	if (rc != OK)
		goto done;
	codec_hex_encode(h, sizeof h, out);
done:
	mem_free(der);
	return rc;
}

/*
 * Prepare mctx for signing or verifying with pkey under alg: Ed25519 takes no digest (it hashes
 * internally); SM2 takes SM3 and the user id, which goes into Z = SM3(ENTL || ID || a || b || G || P).
 * *out_pctx receives the SM2 key context, which mctx does not own (the caller frees it after mctx).
 */
static int sigver_init(EVP_MD_CTX *mctx, int alg, EVP_PKEY *pkey, int verify, EVP_PKEY_CTX **out_pctx)
{
	int rc = OK;
	const EVP_MD *md = NULL;
	*out_pctx = NULL;
	if (alg == SIGN_SM2) {
		EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
		if (!pctx) {
			rc = E_INTERNAL;
			goto done;
		}
		*out_pctx = pctx;
		if (EVP_PKEY_CTX_set1_id(pctx, SIGN_SM2_USER_ID, (int)strlen(SIGN_SM2_USER_ID)) != 1) {
			rc = E_INTERNAL;
			goto done;
		}
		EVP_MD_CTX_set_pkey_ctx(mctx, pctx);
		md = EVP_sm3();
	}
	int ok = verify ? EVP_DigestVerifyInit(mctx, NULL, md, NULL, pkey)
	                : EVP_DigestSignInit(mctx, NULL, md, NULL, pkey);
	if (ok != 1) {
		rc = E_INTERNAL;
		goto done;
	}
done:
	if (rc != OK)
		ERR_clear_error();
	return rc;
}

int sign_message(const sign_key *key, const uint8_t *msg, size_t len, uint8_t *out_sig, size_t cap, size_t *out_len)
{
	int rc = OK;
	EVP_MD_CTX *mctx = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	*out_len = 0;
	int max = EVP_PKEY_get_size(key->pkey);
	if (max <= 0 || max > SIGN_MAX_SIG) {
		rc = E_INTERNAL;
		goto done;
	}
	if (cap < (size_t)max) {
		rc = E_INVALID;
		goto done;
	}
	mctx = EVP_MD_CTX_new();
	if (!mctx) {
		rc = E_NOMEM;
		goto done;
	}
	rc = sigver_init(mctx, key->alg, key->pkey, 0, &pctx);
	if (rc != OK)
		goto done;
	size_t sig_len = cap;
	if (EVP_DigestSign(mctx, out_sig, &sig_len, msg, len) != 1) {
		ERR_clear_error();
		rc = E_INTERNAL;
		goto done;
	}
	*out_len = sig_len;
done:
	EVP_MD_CTX_free(mctx);
	EVP_PKEY_CTX_free(pctx);
	return rc;
}

int sign_verify_pem(int alg, const char *pub_pem, const uint8_t *msg, size_t len, const uint8_t *sig, size_t sig_len)
{
	int rc = OK;
	BIO *bio = NULL;
	EVP_PKEY *pkey = NULL;
	EVP_MD_CTX *mctx = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	if (!pkey_type(alg) || !pub_pem) {
		rc = E_INVALID;
		goto done;
	}
	bio = BIO_new_mem_buf(pub_pem, -1);
	if (!bio) {
		rc = E_NOMEM;
		goto done;
	}
	pkey = PEM_read_bio_PUBKEY(bio, NULL, no_password, NULL);
	if (!pkey || pkey_alg(pkey) != alg) {
		ERR_clear_error();
		rc = E_INVALID;
		goto done;
	}
	if (!sig || sig_len == 0 || sig_len > SIGN_MAX_SIG) {
		rc = E_INTEGRITY;
		goto done;
	}
	mctx = EVP_MD_CTX_new();
	if (!mctx) {
		rc = E_NOMEM;
		goto done;
	}
	rc = sigver_init(mctx, alg, pkey, 1, &pctx);
	if (rc != OK)
		goto done;
	/* 0 is a bad signature, a negative value a malformed one: both mean "not signed by this key". */
	if (EVP_DigestVerify(mctx, sig, sig_len, msg, len) != 1) {
		ERR_clear_error();
		rc = E_INTEGRITY;
		goto done;
	}
done:
	EVP_MD_CTX_free(mctx);
	EVP_PKEY_CTX_free(pctx);
	EVP_PKEY_free(pkey);
	BIO_free(bio);
	return rc;
}
