/*
 * sign.h - the log's signing keys: Ed25519 (RFC 8032) or SM2 (GB/T 32918, with SM3).
 *
 * A transparency log signs each tree head so that anyone holding its public key can hold it to what it
 * published. This module owns the key: generating it, keeping the private half in a PEM PKCS#8 file only
 * its owner can read, publishing the public half as PEM, naming it by a key id, and signing and
 * verifying byte strings. What is signed (the tree head encoding) belongs to the audit module.
 *
 * SM2 signatures use SM3 over Z || M with the default SM2 user id "1234567812345678" (GB/T 35276), and
 * are DER-encoded SEQUENCE { r INTEGER, s INTEGER } of at most SIGN_MAX_SIG bytes. Ed25519 signatures
 * are the 64 raw bytes of RFC 8032 (pure Ed25519, no prehash).
 */
#ifndef CB_SIGN_H
#define CB_SIGN_H

#include "core/err.h"

#include <stddef.h>
#include <stdint.h>

enum { SIGN_ED25519 = 1, SIGN_SM2 = 2 };

/* Upper bound on a signature's length for either algorithm. */
#define SIGN_MAX_SIG 72
/* The SM2 user id (distinguishing identifier) bound into every SM2 signature. */
#define SIGN_SM2_USER_ID "1234567812345678"
/* Length of a key id in hex, without the terminating NUL. */
#define SIGN_KEY_ID_LEN 64

typedef struct sign_key sign_key;

/* Set *out_alg to the algorithm named name ("ed25519" or "sm2"). OK or E_INVALID. */
int sign_alg_parse(const char *name, int *out_alg);

/* The stable lowercase name of alg ("ed25519", "sm2"), or NULL if alg is not a SIGN_* value. */
const char *sign_alg_name(int alg);

/*
 * Generate a new key pair for alg into *out (heap; sign_key_free it). Returns OK, E_INVALID for an
 * unknown alg, E_NOMEM, or E_INTERNAL if OpenSSL fails. *out is NULL on failure.
 */
int sign_key_generate(int alg, sign_key **out);

/*
 * Write key's private key to path as unencrypted PEM PKCS#8 ("BEGIN PRIVATE KEY"). The file is created
 * with mode 0600 beside path, written, fsync'ed and renamed over path, so a crash leaves either the old
 * file or the new one, never a torn key. Returns OK, E_INVALID (path too long), E_IO (with e naming
 * path and the system error), E_NOMEM or E_INTERNAL. e may be NULL.
 */
int sign_key_save(const sign_key *key, const char *path, err *e);

/*
 * Read the private key in path into *out (heap; sign_key_free it). Refuses, with E_INVALID and a message
 * naming path, a file that is not a regular file, that group or others may read, write or execute
 * (chmod 600 it), that is larger than 64 KiB, or that does not hold an Ed25519 or SM2 private key in
 * PEM. Returns OK, E_INVALID, E_NOTFOUND (no such file), E_IO, E_NOMEM. *out is NULL on failure; e may
 * be NULL.
 */
int sign_key_load(const char *path, sign_key **out, err *e);

/* Free key (and wipe its private half). NULL is a no-op. */
void sign_key_free(sign_key *key);

/* SIGN_ED25519 or SIGN_SM2. */
int sign_key_alg(const sign_key *key);

/*
 * Set *out_heap to the public key as NUL-terminated PEM SubjectPublicKeyInfo ("BEGIN PUBLIC KEY"),
 * allocated with mem_alloc (the caller mem_frees it). Returns OK, E_NOMEM or E_INTERNAL.
 */
int sign_key_public_pem(const sign_key *key, char **out_heap);

/*
 * Write the key id to out: the lowercase hex SHA-256 of the DER SubjectPublicKeyInfo of the public key,
 * SIGN_KEY_ID_LEN characters and a NUL. Returns OK, E_NOMEM or E_INTERNAL.
 */
int sign_key_id(const sign_key *key, char out[SIGN_KEY_ID_LEN + 1]);

/*
 * Sign msg[0..len) with key into out_sig (cap bytes; SIGN_MAX_SIG always suffices) and set *out_len.
 * Returns OK, E_INVALID if cap is too small, E_NOMEM or E_INTERNAL.
 */
int sign_message(const sign_key *key, const uint8_t *msg, size_t len, uint8_t *out_sig, size_t cap, size_t *out_len);

/*
 * Check that sig[0..sig_len) is a valid alg signature over msg[0..len) by the public key pub_pem (PEM
 * SubjectPublicKeyInfo, NUL-terminated). Returns OK if it is, E_INTEGRITY if it is not (wrong key,
 * wrong message, damaged or malformed signature), E_INVALID if alg is unknown or pub_pem is not a
 * public key of algorithm alg, E_NOMEM or E_INTERNAL.
 */
int sign_verify_pem(int alg, const char *pub_pem, const uint8_t *msg, size_t len, const uint8_t *sig, size_t sig_len);

#endif
