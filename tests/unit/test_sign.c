/*
 * test_sign.c - signing keys: both algorithms sign and verify, anything changed is rejected, key files
 * are private (0600 on save, refused when others can read them), and results agree with outside
 * references: RFC 8032 section 7.1 for Ed25519, and a signature made by the openssl command line with
 * the SM2 user id 1234567812345678 (openssl 3.0's own default is the empty id, which would not verify).
 */
#include "testutil.h"

#include "core/codec.h"
#include "core/err.h"
#include "core/mem.h"
#include "crypto/hash.h"
#include "crypto/sign.h"

#include <dirent.h>
#include <sys/stat.h>

static const int algs[] = { SIGN_ED25519, SIGN_SM2 };

static const uint8_t msg[] = "tree_size=42 root=5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328";

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static void sign_round_trips_both_algs(void **state)
{
	(void)state;
	for (size_t a = 0; a < 2; a++) {
		sign_key *key = NULL;
		assert_int_equal(sign_key_generate(algs[a], &key), OK);
		assert_int_equal(sign_key_alg(key), algs[a]);
		char *pem = NULL;
		assert_int_equal(sign_key_public_pem(key, &pem), OK);
		assert_non_null(strstr(pem, "-----BEGIN PUBLIC KEY-----"));
		uint8_t sig[SIGN_MAX_SIG];
		size_t sig_len = 0;
		assert_int_equal(sign_message(key, msg, sizeof msg, sig, sizeof sig, &sig_len), OK);
		assert_int_equal(sig_len > 0 && sig_len <= SIGN_MAX_SIG, 1);
		if (algs[a] == SIGN_ED25519)
			assert_int_equal(sig_len, 64);
		assert_int_equal(sign_verify_pem(algs[a], pem, msg, sizeof msg, sig, sig_len), OK);
		/* The empty message is a message too. */
		assert_int_equal(sign_message(key, msg, 0, sig, sizeof sig, &sig_len), OK);
		assert_int_equal(sign_verify_pem(algs[a], pem, msg, 0, sig, sig_len), OK);
		mem_free(pem);
		sign_key_free(key);
	}
}

static void sign_verify_rejects_wrong_message(void **state)
{
	(void)state;
	for (size_t a = 0; a < 2; a++) {
		sign_key *key = NULL;
		char *pem = NULL;
		uint8_t sig[SIGN_MAX_SIG], other[sizeof msg];
		size_t sig_len = 0;
		assert_int_equal(sign_key_generate(algs[a], &key), OK);
		assert_int_equal(sign_key_public_pem(key, &pem), OK);
		assert_int_equal(sign_message(key, msg, sizeof msg, sig, sizeof sig, &sig_len), OK);
		/* Every single-byte change of the message, a shorter one and a longer one. */
		for (size_t i = 0; i < sizeof msg; i++) {
			memcpy(other, msg, sizeof msg);
			other[i] ^= 0x01;
			assert_int_equal(sign_verify_pem(algs[a], pem, other, sizeof other, sig, sig_len), E_INTEGRITY);
		}
		assert_int_equal(sign_verify_pem(algs[a], pem, msg, sizeof msg - 1, sig, sig_len), E_INTEGRITY);
		assert_int_equal(sign_verify_pem(algs[a], pem, msg, 0, sig, sig_len), E_INTEGRITY);
		mem_free(pem);
		sign_key_free(key);
	}
}

static void sign_verify_rejects_flipped_byte(void **state)
{
	(void)state;
	for (size_t a = 0; a < 2; a++) {
		sign_key *key = NULL;
		char *pem = NULL;
		uint8_t sig[SIGN_MAX_SIG + 1], bad[SIGN_MAX_SIG + 1];
		size_t sig_len = 0;
		assert_int_equal(sign_key_generate(algs[a], &key), OK);
		assert_int_equal(sign_key_public_pem(key, &pem), OK);
		assert_int_equal(sign_message(key, msg, sizeof msg, sig, SIGN_MAX_SIG, &sig_len), OK);
		for (size_t i = 0; i < sig_len; i++) {
			for (int bit = 0; bit < 8; bit++) {
				memcpy(bad, sig, sig_len);
				bad[i] ^= (uint8_t)(1u << bit);
				if (sign_verify_pem(algs[a], pem, msg, sizeof msg, bad, sig_len) != E_INTEGRITY)
					fail_msg("%s: byte %zu bit %d flipped was accepted", sign_alg_name(algs[a]), i,
					         bit);
			}
		}
		/* Truncated, extended, empty. */
		memcpy(bad, sig, sig_len);
		bad[sig_len] = 0;
		assert_int_equal(sign_verify_pem(algs[a], pem, msg, sizeof msg, bad, sig_len - 1), E_INTEGRITY);
		assert_int_equal(sign_verify_pem(algs[a], pem, msg, sizeof msg, bad, sig_len + 1), E_INTEGRITY);
		assert_int_equal(sign_verify_pem(algs[a], pem, msg, sizeof msg, bad, 0), E_INTEGRITY);
		assert_int_equal(sign_verify_pem(algs[a], pem, msg, sizeof msg, NULL, 0), E_INTEGRITY);
		mem_free(pem);
		sign_key_free(key);
	}
}

static void sign_verify_rejects_other_key(void **state)
{
	(void)state;
	for (size_t a = 0; a < 2; a++) {
		sign_key *k1 = NULL, *k2 = NULL;
		char *pem2 = NULL;
		uint8_t sig[SIGN_MAX_SIG];
		size_t sig_len = 0;
		assert_int_equal(sign_key_generate(algs[a], &k1), OK);
		assert_int_equal(sign_key_generate(algs[a], &k2), OK);
		assert_int_equal(sign_key_public_pem(k2, &pem2), OK);
		assert_int_equal(sign_message(k1, msg, sizeof msg, sig, sizeof sig, &sig_len), OK);
		assert_int_equal(sign_verify_pem(algs[a], pem2, msg, sizeof msg, sig, sig_len), E_INTEGRITY);
		mem_free(pem2);
		sign_key_free(k1);
		sign_key_free(k2);
	}
}

static void sign_verify_refuses_key_of_other_alg_or_garbage(void **state)
{
	(void)state;
	sign_key *ed = NULL;
	char *pem = NULL;
	uint8_t sig[SIGN_MAX_SIG];
	size_t sig_len = 0;
	assert_int_equal(sign_key_generate(SIGN_ED25519, &ed), OK);
	assert_int_equal(sign_key_public_pem(ed, &pem), OK);
	assert_int_equal(sign_message(ed, msg, sizeof msg, sig, sizeof sig, &sig_len), OK);
	assert_int_equal(sign_verify_pem(SIGN_SM2, pem, msg, sizeof msg, sig, sig_len), E_INVALID);
	assert_int_equal(sign_verify_pem(0, pem, msg, sizeof msg, sig, sig_len), E_INVALID);
	assert_int_equal(sign_verify_pem(SIGN_ED25519, "not a key", msg, sizeof msg, sig, sig_len), E_INVALID);
	assert_int_equal(sign_verify_pem(SIGN_ED25519, NULL, msg, sizeof msg, sig, sig_len), E_INVALID);
	/* A P-256 key is EC but not SM2. */
	static const char p256[] = "-----BEGIN PUBLIC KEY-----\n"
	                           "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEpErlTytddJ081JbzSkl9efB2Ubew\n"
	                           "7pKbKDpWU1jG/tayPP9MKlgMzs7dwpSLuug4hMlw8Ggx+rWuZ26ZFJMj5g==\n"
	                           "-----END PUBLIC KEY-----\n";
	assert_int_equal(sign_verify_pem(SIGN_SM2, p256, msg, sizeof msg, sig, sig_len), E_INVALID);
	mem_free(pem);
	sign_key_free(ed);
}

static void sign_message_refuses_small_buffer(void **state)
{
	(void)state;
	sign_key *key = NULL;
	uint8_t sig[SIGN_MAX_SIG];
	size_t sig_len = 99;
	assert_int_equal(sign_key_generate(SIGN_ED25519, &key), OK);
	assert_int_equal(sign_message(key, msg, sizeof msg, sig, 63, &sig_len), E_INVALID);
	assert_int_equal(sig_len, 0);
	sign_key_free(key);
}

static void sign_key_save_writes_mode_0600_and_load_round_trips(void **state)
{
	(void)state;
	char dir[64], path[128];
	test_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/log.key", dir);
	mode_t old_umask = umask(0); /* a careless umask must not widen the file */
	for (size_t a = 0; a < 2; a++) {
		sign_key *key = NULL, *loaded = NULL;
		err e;
		err_clear(&e);
		assert_int_equal(sign_key_generate(algs[a], &key), OK);
		assert_int_equal(sign_key_save(key, path, &e), OK);
		struct stat st;
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);

		assert_int_equal(sign_key_load(path, &loaded, &e), OK);
		assert_int_equal(sign_key_alg(loaded), algs[a]);
		char id1[SIGN_KEY_ID_LEN + 1], id2[SIGN_KEY_ID_LEN + 1];
		assert_int_equal(sign_key_id(key, id1), OK);
		assert_int_equal(sign_key_id(loaded, id2), OK);
		assert_string_equal(id1, id2);

		/* The loaded key signs what the saved key's public half verifies. */
		char *pem = NULL;
		uint8_t sig[SIGN_MAX_SIG];
		size_t sig_len = 0;
		assert_int_equal(sign_key_public_pem(key, &pem), OK);
		assert_int_equal(sign_message(loaded, msg, sizeof msg, sig, sizeof sig, &sig_len), OK);
		assert_int_equal(sign_verify_pem(algs[a], pem, msg, sizeof msg, sig, sig_len), OK);
		mem_free(pem);
		sign_key_free(key);
		sign_key_free(loaded);
	}
	umask(old_umask);
	/* The second save replaced the first by rename and left no temporary file behind. */
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n_files = 0;
	for (struct dirent *de; (de = readdir(d));)
		if (de->d_name[0] != '.')
			n_files++;
	closedir(d);
	assert_int_equal(n_files, 1);
	test_rmdir(dir);
}

static void sign_key_load_refuses_file_others_can_read(void **state)
{
	(void)state;
	char dir[64], path[128];
	test_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/log.key", dir);
	sign_key *key = NULL;
	assert_int_equal(sign_key_generate(SIGN_SM2, &key), OK);
	assert_int_equal(sign_key_save(key, path, NULL), OK);
	static const mode_t modes[] = { 0644, 0640, 0604, 0660, 0606, 0610 };
	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		assert_int_equal(chmod(path, modes[i]), 0);
		sign_key *loaded = (sign_key *)1;
		err e;
		err_clear(&e);
		if (sign_key_load(path, &loaded, &e) != E_INVALID)
			fail_msg("mode %03o was accepted", (unsigned)modes[i]);
		assert_null(loaded);
		assert_non_null(strstr(e.message, path)); /* the message names the file */
		assert_non_null(strstr(e.message, "chmod 600"));
	}
	/* 0400 (read-only for the owner) is fine. */
	assert_int_equal(chmod(path, 0400), 0);
	sign_key *loaded = NULL;
	assert_int_equal(sign_key_load(path, &loaded, NULL), OK);
	sign_key_free(loaded);
	sign_key_free(key);
	test_rmdir(dir);
}

static void sign_key_load_reports_missing_and_bad_files(void **state)
{
	(void)state;
	char dir[64], path[128];
	test_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/none.key", dir);
	sign_key *key = NULL;
	err e;
	err_clear(&e);
	assert_int_equal(sign_key_load(path, &key, &e), E_NOTFOUND);
	assert_non_null(strstr(e.message, path));

	snprintf(path, sizeof path, "%s/garbage.key", dir);
	write_file(path, "-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n", 0600);
	assert_int_equal(sign_key_load(path, &key, &e), E_INVALID);
	assert_null(key);
	assert_non_null(strstr(e.message, path));

	/* A private key of another type (P-256) is not a log key. */
	snprintf(path, sizeof path, "%s/p256.key", dir);
	write_file(path,
	           "-----BEGIN PRIVATE KEY-----\n"
	           "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg27T5YCL5AaxHJhwY\n"
	           "91LrikWnK56bMglibYEQRiDMKkChRANCAASkSuVPK110nTzUlvNKSX158HZRt7Du\n"
	           "kpsoOlZTWMb+1rI8/0wqWAzOzt3ClIu66DiEyXDwaDH6ta5nbpkUkyPm\n"
	           "-----END PRIVATE KEY-----\n",
	           0600);
	assert_int_equal(sign_key_load(path, &key, &e), E_INVALID);
	assert_null(key);

	/* Nor is a FIFO, which must not block the load waiting for a writer. */
	snprintf(path, sizeof path, "%s/fifo.key", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(sign_key_load(path, &key, &e), E_INVALID);
	assert_non_null(strstr(e.message, "not a regular file"));

	/* A directory is not a key file. */
	assert_int_equal(chmod(dir, 0700), 0);
	assert_int_equal(sign_key_load(dir, &key, &e), E_INVALID);
	test_rmdir(dir);
}

static void sign_key_save_reports_unwritable_directory(void **state)
{
	(void)state;
	sign_key *key = NULL;
	err e;
	err_clear(&e);
	assert_int_equal(sign_key_generate(SIGN_ED25519, &key), OK);
	assert_int_equal(sign_key_save(key, "/nonexistent-dir-cb/log.key", &e), E_IO);
	assert_non_null(strstr(e.message, "/nonexistent-dir-cb/log.key"));
	sign_key_free(key);
}

/* RFC 8032 section 7.1, TEST 1 and TEST 2, with each secret key wrapped as PKCS#8. */
static void sign_ed25519_matches_rfc8032_vectors(void **state)
{
	(void)state;
	char dir[64], path[128];
	test_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/rfc8032.key", dir);
	static const struct {
		const char *pem, *msg_hex, *sig_hex;
	} v[] = {
		{ "-----BEGIN PRIVATE KEY-----\n"
		  "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
		  "-----END PRIVATE KEY-----\n",
		  "",
		  "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
		  "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b" },
		{ "-----BEGIN PRIVATE KEY-----\n"
		  "MC4CAQAwBQYDK2VwBCIEIEzNCJso/5banbbDRuwRTg9bijGfNaumJNqM9u1PuKb7\n"
		  "-----END PRIVATE KEY-----\n",
		  "72",
		  "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
		  "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00" },
	};
	for (size_t i = 0; i < 2; i++) {
		sign_key *key = NULL;
		write_file(path, v[i].pem, 0600);
		assert_int_equal(sign_key_load(path, &key, NULL), OK);
		assert_int_equal(sign_key_alg(key), SIGN_ED25519);
		uint8_t m[8], sig[SIGN_MAX_SIG];
		size_t m_len = 0, sig_len = 0;
		char sig_hex[CODEC_HEX_LEN(SIGN_MAX_SIG) + 1];
		assert_int_equal(codec_hex_decode(v[i].msg_hex, m, sizeof m, &m_len), OK);
		assert_int_equal(sign_message(key, m, m_len, sig, sizeof sig, &sig_len), OK);
		codec_hex_encode(sig, sig_len, sig_hex);
		assert_string_equal(sig_hex, v[i].sig_hex);
		if (i == 0) {
			/* Key id = SHA-256 of the DER SubjectPublicKeyInfo 302a300506032b6570032100 || the
			 * RFC's public key, as `openssl pkey -pubout -outform DER | sha256sum` computes it.
			 */
			char id[SIGN_KEY_ID_LEN + 1];
			assert_int_equal(sign_key_id(key, id), OK);
			assert_string_equal(id, "06e3fd8fda29bb60ab59557de61edb0aecdb231134be30e75b455f8e1b792fa9");
		}
		sign_key_free(key);
	}
	test_rmdir(dir);
}

static void sign_key_id_is_sha256_of_public_key_der(void **state)
{
	(void)state;
	for (size_t a = 0; a < 2; a++) {
		sign_key *key = NULL;
		char *pem = NULL;
		assert_int_equal(sign_key_generate(algs[a], &key), OK);
		assert_int_equal(sign_key_public_pem(key, &pem), OK);
		/* Strip the PEM armour and newlines, base64-decode, hash. */
		char b64[512];
		size_t n = 0;
		const char *p = strchr(pem, '\n') + 1;
		const char *end = strstr(pem, "-----END");
		for (; p < end; p++)
			if (*p != '\n')
				b64[n++] = *p;
		uint8_t der[384], h[HASH_LEN];
		size_t der_len = 0;
		assert_int_equal(codec_base64_decode(b64, n, der, sizeof der, &der_len), OK);
		assert_int_equal(hash_digest(HASH_SHA256, der, der_len, h), OK);
		char want[SIGN_KEY_ID_LEN + 1], got[SIGN_KEY_ID_LEN + 1];
		codec_hex_encode(h, sizeof h, want);
		assert_int_equal(sign_key_id(key, got), OK);
		assert_string_equal(got, want);
		mem_free(pem);
		sign_key_free(key);
	}
}

/*
 * Made with: openssl genpkey -algorithm SM2; printf 'CaseBridge signed tree head' |
 * openssl pkeyutl -sign -rawin -digest sm3 -pkeyopt distid:1234567812345678.
 */
static void sign_sm2_verifies_openssl_cli_signature_with_default_user_id(void **state)
{
	(void)state;
	static const char pub[] = "-----BEGIN PUBLIC KEY-----\n"
	                          "MFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAEAjZL+AcK5zj4xmMYJmZe9Mf953dK\n"
	                          "QNiuy5JO9uLXgsledJC6GRWSESrWS1Ihi1tQ+RyMgY3PEwplDv3djWgaAg==\n"
	                          "-----END PUBLIC KEY-----\n";
	static const char sig_hex[] = "30440220267fd413dacf648ea2621d6567227487c64d5261845a4307ff0426c54b2bf034"
	                              "0220038025f76dba374c8222e5971ead0d5edacc1ead2f89e6b0e1ea98ae3eeea72b";
	static const char m[] = "CaseBridge signed tree head";
	uint8_t sig[SIGN_MAX_SIG];
	size_t sig_len = 0;
	assert_int_equal(codec_hex_decode(sig_hex, sig, sizeof sig, &sig_len), OK);
	assert_int_equal(sign_verify_pem(SIGN_SM2, pub, (const uint8_t *)m, strlen(m), sig, sig_len), OK);
	assert_int_equal(sign_verify_pem(SIGN_SM2, pub, (const uint8_t *)m, strlen(m) - 1, sig, sig_len), E_INTEGRITY);
}

static void sign_alg_names_round_trip(void **state)
{
	(void)state;
	int alg = 0;
	assert_int_equal(sign_alg_parse("ed25519", &alg), OK);
	assert_int_equal(alg, SIGN_ED25519);
	assert_string_equal(sign_alg_name(alg), "ed25519");
	assert_int_equal(sign_alg_parse("sm2", &alg), OK);
	assert_int_equal(alg, SIGN_SM2);
	assert_string_equal(sign_alg_name(alg), "sm2");
	assert_int_equal(sign_alg_parse("SM2", &alg), E_INVALID);
	assert_int_equal(sign_alg_parse("rsa", &alg), E_INVALID);
	assert_null(sign_alg_name(0));
	sign_key *key = (sign_key *)1;
	assert_int_equal(sign_key_generate(3, &key), E_INVALID);
	assert_null(key);
	sign_key_free(NULL);
}

static void sign_returns_nomem_when_allocation_fails(void **state)
{
	(void)state;
	sign_key *key = NULL;
	mem_fail_after(0);
	int rc = sign_key_generate(SIGN_ED25519, &key);
	mem_fail_after(-1);
	assert_int_equal(rc, E_NOMEM);
	assert_null(key);

	assert_int_equal(sign_key_generate(SIGN_SM2, &key), OK);
	char *pem = NULL;
	char id[SIGN_KEY_ID_LEN + 1];
	mem_fail_after(0);
	rc = sign_key_public_pem(key, &pem);
	int rc2 = sign_key_id(key, id);
	mem_fail_after(-1);
	assert_int_equal(rc, E_NOMEM);
	assert_null(pem);
	assert_int_equal(rc2, E_NOMEM);
	sign_key_free(key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sign_round_trips_both_algs),
		cmocka_unit_test(sign_verify_rejects_wrong_message),
		cmocka_unit_test(sign_verify_rejects_flipped_byte),
		cmocka_unit_test(sign_verify_rejects_other_key),
		cmocka_unit_test(sign_verify_refuses_key_of_other_alg_or_garbage),
		cmocka_unit_test(sign_message_refuses_small_buffer),
		cmocka_unit_test(sign_key_save_writes_mode_0600_and_load_round_trips),
		cmocka_unit_test(sign_key_load_refuses_file_others_can_read),
		cmocka_unit_test(sign_key_load_reports_missing_and_bad_files),
		cmocka_unit_test(sign_key_save_reports_unwritable_directory),
		cmocka_unit_test(sign_ed25519_matches_rfc8032_vectors),
		cmocka_unit_test(sign_key_id_is_sha256_of_public_key_der),
		cmocka_unit_test(sign_sm2_verifies_openssl_cli_signature_with_default_user_id),
		cmocka_unit_test(sign_alg_names_round_trip),
		cmocka_unit_test(sign_returns_nomem_when_allocation_fails),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
