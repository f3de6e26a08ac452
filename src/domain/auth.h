/*
 * auth.h - accounts and sessions: Argon2id password hashes, login with lockout, 256-bit session
 * tokens stored hashed, idle and absolute timeouts, logout, and the user commands of the CLI.
 *
 * Policy (docs/architecture.md "Accounts"): passwords of at least 12 characters; Argon2id with
 * m = 19 MiB, t = 2, p = 1; 5 failures in a row lock the account for 15 minutes; a session dies after
 * 30 idle minutes or 12 hours, whichever comes first, or at logout.
 */
#ifndef CB_AUTH_H
#define CB_AUTH_H

#include "core/err.h"
#include "domain/principal.h"
#include "store/store.h"

#define AUTH_TOKEN_HEX 64 /* 32 random bytes as hex */
#define AUTH_IDLE_SECONDS (30 * 60)
#define AUTH_ABSOLUTE_SECONDS (12 * 3600)
#define AUTH_MAX_FAILURES 5
#define AUTH_LOCK_SECONDS (15 * 60)

/* Check a new password against the policy; E_INVALID naming field. */
int auth_password_check(const char *password, const char *field, err *e);
/* Argon2id encoded hash of password into out (cap >= 128). */
int auth_password_hash(const char *password, char *out, size_t cap, err *e);
/* OK if password matches the encoded hash, E_UNAUTHORIZED if not. */
int auth_password_verify(const char *encoded, const char *password);

/* Log in: on success a new session token (hex, NUL-terminated) in out_token and the principal.
 * E_UNAUTHORIZED for a wrong name or password (one message for both), E_LOCKED when locked (the
 * message says until when). Failures are counted and recorded as events. */
int auth_login(store *db, const char *username, const char *password, char out_token[AUTH_TOKEN_HEX + 1],
               principal *out, err *e);
/* Resolve a presented token to its principal; E_UNAUTHORIZED if unknown, expired, idle or revoked. */
int auth_session_resolve(store *db, const char *token, principal *out, err *e);
/* Forget every remembered session resolution (auth_session_resolve keeps one for up to a second):
 * called after logout, a password change or disabling an account, so that it applies at once. */
void auth_session_cache_forget(void);
/* Revoke the session of token (logout); records an event. */
int auth_logout(store *db, const principal *who, const char *token, err *e);

/* Create a user (CLI, admin API, demo). roles_csv like "handler,reviewer". */
int auth_user_add(store *db, const principal *who, const char *username, const char *display_name, const char *unit_id,
                  const char *roles_csv, const char *password, int64_t *out_id, err *e);
/* Like auth_user_add with an already computed Argon2id hash (demo data: one hash for many users). */
int auth_user_add_hashed(store *db, const principal *who, const char *username, const char *display_name,
                         const char *unit_id, const char *roles_csv, const char *password_hash, int64_t *out_id,
                         err *e);
/* All users, for the CLI and demo set-up. */
int auth_user_list(store *db, arena *a, store_user **out, size_t *out_n, err *e);
/* The users an administrator may see: those whose unit lies in the area of `who`'s unit (the region's
 * administrator sees all). Memory from `a`. E_FORBIDDEN if `who` has no unit. */
int auth_user_list_visible(store *db, const principal *who, arena *a, store_user **out, size_t *out_n, err *e);
/* Set a new password (policy-checked); revokes the user's sessions and clears the lockout. */
int auth_user_passwd(store *db, const principal *who, const char *username, const char *password, err *e);
/* Disable or enable a user; disabling revokes the user's sessions. */
int auth_user_set_disabled(store *db, const principal *who, const char *username, int disabled, err *e);

#endif
