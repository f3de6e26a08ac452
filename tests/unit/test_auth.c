/*
 * test_auth.c - accounts and sessions: the password policy, the Argon2id parameters of stored hashes,
 * login with lockout, 256-bit session tokens stored only as their hash, the 30-minute idle and
 * 12-hour absolute timeouts (moved with util_clock_offset, never slept), logout, disabling and
 * password changes, and allocation fault injection over the user and login writes.
 *
 * One seeded data directory (schema + the region's units) serves the whole file; each test uses its
 * own usernames so the tests do not depend on their order.
 */
#include "testutil.h"

#include "cli/cli.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/util.h"
#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/org.h"
#include "store/sqlite_internal.h"

#include <jansson.h>
#include <openssl/evp.h>

static char g_dir[64];
static store *g_db;

static int group_setup(void **state)
{
	(void)state;
	err e = { 0 };
	log_set_level(LOG_ERROR); /* login_failed warnings are expected here */
	test_tmpdir(g_dir, sizeof g_dir);
	if (cli_open_data(g_dir, &g_db, &e) || org_seed(g_db, principal_system(), &e))
		fail_msg("seed: %s", e.message);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	store_close(g_db);
	org_cache_free();
	test_rmdir(g_dir);
	return 0;
}

static int reset_clock(void **state)
{
	(void)state;
	util_clock_offset(0);
	mem_fail_after(-1);
	return 0;
}

static int64_t events(void)
{
	int64_t n = -1;
	err e = { 0 };
	if (store_event_count(g_db, &n, &e))
		fail_msg("event count: %s", e.message);
	return n;
}

static const char *PW = "correct horse battery";

static int64_t add_user(const char *username, const char *unit, const char *roles)
{
	err e = { 0 };
	int64_t id = 0;
	if (auth_user_add(g_db, principal_system(), username, "测试用户", unit, roles, PW, &id, &e))
		fail_msg("add %s: %s (%s)", username, e.message, e.field);
	return id;
}

static void login_ok(const char *username, const char *password, char token[AUTH_TOKEN_HEX + 1], principal *p)
{
	err e = { 0 };
	int rc = auth_login(g_db, username, password, token, p, &e);
	if (rc != OK)
		fail_msg("login %s: %d %s", username, rc, e.message);
}

static int resolves(const char *token)
{
	principal p;
	err e = { 0 };
	return auth_session_resolve(g_db, token, &p, &e);
}

/* The last event of the log (type and payload into a). */
static store_event last_event(arena *a)
{
	store_event ev;
	err e = { 0 };
	if (store_event_get(g_db, events(), a, &ev, &e))
		fail_msg("last event: %s", e.message);
	return ev;
}

/* ---- the password policy and hashes ------------------------------------------------------------- */

static void password_policy_table(void **state)
{
	(void)state;
	char long257[258];
	memset(long257, 'a', 256);
	long257[0] = 'b';
	long257[256] = 'c';
	long257[257] = 0;
	static const struct {
		int row;
		const char *pw; /* NULL: long257 */
		int rc;
	} cases[] = {
		{ 1, "", E_INVALID },
		{ 2, "short", E_INVALID },
		{ 3, "elevenchars", E_INVALID },            /* 11 */
		{ 4, "twelve chars", OK },                  /* 12, a space counts */
		{ 5, "正镶白旗正镶白旗正镶白旗", OK },      /* 12 characters (36 bytes) */
		{ 6, "正镶白旗正镶白旗正镶白", E_INVALID }, /* 11 characters although 33 bytes */
		{ 7, "aaaaaaaaaaaaaaaa", E_INVALID },       /* one character repeated */
		{ 8, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", E_INVALID }, /* not UTF-8 */
		{ 9, NULL, E_INVALID },                                               /* 257 bytes */
		{ 10, "correct horse battery staple", OK },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		err e = { 0 };
		int rc = auth_password_check(cases[i].pw ? cases[i].pw : long257, "new_password", &e);
		if (rc != cases[i].rc)
			fail_msg("row %d: auth_password_check gave %d, expected %d (%s)", cases[i].row, rc, cases[i].rc,
			         e.message);
		if (rc && strcmp(e.field, "new_password") != 0)
			fail_msg("row %d: the error names field '%s'", cases[i].row, e.field);
		if (rc && !e.message[0])
			fail_msg("row %d: no message", cases[i].row);
	}
	err e = { 0 };
	assert_int_equal(auth_password_check(NULL, "password", &e), E_INVALID);
	assert_int_equal(auth_password_check("elevenchars", "password", &e), E_INVALID);
	assert_non_null(strstr(e.message, "12")); /* says what the rule is */
}

/* The stored hash is Argon2id with m >= 19 MiB, t >= 2, p = 1 and a random salt of 16+ bytes. */
static void password_hash_is_argon2id_with_policy_parameters(void **state)
{
	(void)state;
	char h1[128], h2[128];
	err e = { 0 };
	assert_int_equal(auth_password_hash(PW, h1, sizeof h1, &e), OK);
	assert_int_equal(auth_password_hash(PW, h2, sizeof h2, &e), OK);
	unsigned v = 0, m = 0, t = 0, p = 0;
	char salt[64] = "", hash[128] = "";
	int n = sscanf(h1, "$argon2id$v=%u$m=%u,t=%u,p=%u$%63[^$]$%127s", &v, &m, &t, &p, salt, hash);
	if (n != 6)
		fail_msg("not an encoded Argon2id hash: %s", h1);
	assert_int_equal(v, 19);
	assert_true(m >= 19 * 1024);
	assert_true(t >= 2);
	assert_int_equal(p, 1);
	assert_true(strlen(salt) >= 22); /* base64 of >= 16 bytes */
	assert_true(strlen(hash) >= 43); /* base64 of >= 32 bytes */
	assert_string_not_equal(h1, h2); /* a fresh salt each time */
	assert_int_equal(auth_password_verify(h1, PW), OK);
	assert_int_equal(auth_password_verify(h2, PW), OK);
	assert_int_equal(auth_password_verify(h1, "correct horse batterY"), E_UNAUTHORIZED);

	/* And it is what the store keeps for a user. */
	add_user("hash.check", "152529.court", "handler");
	arena *a = arena_new();
	store_user u;
	assert_int_equal(store_user_get_by_name(g_db, "hash.check", a, &u, &e), OK);
	assert_int_equal(strncmp(u.password_hash, "$argon2id$v=19$m=19456,t=2,p=1$", 31), 0);
	assert_null(strstr(u.password_hash, PW));
	arena_free(a);
}

/* ---- login and sessions ------------------------------------------------------------------------- */

static void sha256_hex(const char *s, char out[65])
{
	unsigned char md[32];
	unsigned n = 0;
	EVP_Digest(s, strlen(s), md, &n, EVP_sha256(), NULL);
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static int file_contains(const char *path, const char *needle)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	size_t got = fread(buf, 1, (size_t)n, f);
	fclose(f);
	int found = memmem(buf, got, needle, strlen(needle)) != NULL;
	free(buf);
	return found;
}

static void login_gives_a_256_bit_token_stored_only_hashed(void **state)
{
	(void)state;
	int64_t id = add_user("token.user", "152529.court", "handler,reviewer");
	char tok[AUTH_TOKEN_HEX + 1], tok2[AUTH_TOKEN_HEX + 1];
	principal p;
	int64_t before = events();
	login_ok("token.user", PW, tok, &p);
	assert_int_equal(events(), before + 1);
	arena *a = arena_new();
	store_event ev = last_event(a);
	assert_string_equal(ev.event_type, "user.login");
	assert_null(strstr(ev.payload, tok));
	assert_int_equal(strlen(tok), 64);
	assert_int_equal(strspn(tok, "0123456789abcdef"), 64);
	assert_int_equal(p.user_id, id);
	assert_string_equal(p.username, "token.user");
	assert_string_equal(p.unit_id, "152529.court");
	assert_int_equal(p.roles, ROLE_HANDLER | ROLE_REVIEWER);
	login_ok("token.user", PW, tok2, &p);
	assert_string_not_equal(tok, tok2);

	/* The sessions table holds SHA-256(token), never the token. */
	char th[65];
	sha256_hex(tok, th);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(g_db->h, "SELECT token_hash FROM sessions", -1, &st, NULL), SQLITE_OK);
	int rows = 0, hashed = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		rows++;
		if (!strcmp(v, tok) || !strcmp(v, tok2))
			fail_msg("a raw token is stored");
		hashed += !strcmp(v, th);
	}
	sqlite3_finalize(st);
	assert_true(rows >= 2);
	assert_int_equal(hashed, 1);
	/* Nor anywhere in the database files. */
	char path[128];
	snprintf(path, sizeof path, "%s/casebridge.db", g_dir);
	assert_false(file_contains(path, tok));
	snprintf(path, sizeof path, "%s/casebridge.db-wal", g_dir);
	assert_false(file_contains(path, tok));

	principal q;
	err e = { 0 };
	assert_int_equal(auth_session_resolve(g_db, tok, &q, &e), OK);
	assert_int_equal(q.user_id, id);
	assert_int_equal(q.roles, ROLE_HANDLER | ROLE_REVIEWER);
	arena_free(a);
}

static void resolve_refuses_malformed_and_unknown_tokens(void **state)
{
	(void)state;
	char unknown[65];
	assert_int_equal(util_random_hex(unknown, 32), OK);
	const char *cases[] = { NULL, "", "abc", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde",
		                unknown };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		principal p;
		err e = { 0 };
		if (auth_session_resolve(g_db, cases[i], &p, &e) != E_UNAUTHORIZED)
			fail_msg("row %zu: token accepted", i + 1);
		if (!e.message[0])
			fail_msg("row %zu: no message", i + 1);
	}
}

/* A wrong password and an unknown user get the same answer, so usernames cannot be probed. */
static void wrong_password_and_unknown_user_look_the_same(void **state)
{
	(void)state;
	add_user("probe.user", "152529.police", "clerk");
	char tok[AUTH_TOKEN_HEX + 1];
	principal p;
	err e1 = { 0 }, e2 = { 0 };
	int64_t before = events();
	assert_int_equal(auth_login(g_db, "nobody.here", PW, tok, &p, &e1), E_UNAUTHORIZED);
	assert_int_equal(events(), before); /* no user, nothing to record */
	assert_int_equal(auth_login(g_db, "probe.user", "not the password", tok, &p, &e2), E_UNAUTHORIZED);
	assert_string_equal(e1.message, e2.message);
	assert_string_equal(e1.field, e2.field);
	assert_int_equal(auth_login(g_db, "", PW, tok, &p, &e1), E_INVALID);
	assert_string_equal(e1.field, "username");
	assert_int_equal(auth_login(g_db, "probe.user", "", tok, &p, &e1), E_INVALID);
	assert_string_equal(e1.field, "password");
}

static void five_failures_lock_the_account_even_for_the_right_password(void **state)
{
	(void)state;
	add_user("lock.user", "152529.police", "handler");
	char tok[AUTH_TOKEN_HEX + 1];
	principal p;
	err e = { 0 };
	arena *a = arena_new();
	int64_t before = events();
	for (int i = 1; i <= AUTH_MAX_FAILURES; i++) {
		int rc = auth_login(g_db, "lock.user", "wrong password!", tok, &p, &e);
		int want = i < AUTH_MAX_FAILURES ? E_UNAUTHORIZED : E_LOCKED;
		if (rc != want)
			fail_msg("attempt %d gave %d, expected %d", i, rc, want);
	}
	assert_int_equal(events(), before + AUTH_MAX_FAILURES); /* each failure is recorded */
	store_event ev = last_event(a);
	assert_string_equal(ev.event_type, "user.locked");
	assert_null(strstr(ev.payload, "wrong password"));

	/* The 6th attempt, with the right password, is still refused with a plain message. */
	assert_int_equal(auth_login(g_db, "lock.user", PW, tok, &p, &e), E_LOCKED);
	assert_true(strlen(e.message) > 0);
	assert_int_equal(err_http_status(E_LOCKED), 423);
	util_clock_offset(AUTH_LOCK_SECONDS - 60);
	assert_int_equal(auth_login(g_db, "lock.user", PW, tok, &p, &e), E_LOCKED);
	/* After the lock time the right password works again and the count starts over. */
	util_clock_offset(AUTH_LOCK_SECONDS + 1);
	login_ok("lock.user", PW, tok, &p);
	store_user u;
	assert_int_equal(store_user_get_by_name(g_db, "lock.user", a, &u, &e), OK);
	assert_int_equal(u.failed_count, 0);
	arena_free(a);
}

static void a_success_resets_the_failure_count(void **state)
{
	(void)state;
	add_user("reset.user", "152529.police", "handler");
	char tok[AUTH_TOKEN_HEX + 1];
	principal p;
	err e = { 0 };
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < AUTH_MAX_FAILURES - 1; i++)
			assert_int_equal(auth_login(g_db, "reset.user", "wrong password!", tok, &p, &e),
			                 E_UNAUTHORIZED);
		login_ok("reset.user", PW, tok, &p); /* 4 failures, then success: never locked */
	}
}

static void session_dies_after_30_idle_minutes(void **state)
{
	(void)state;
	add_user("idle.user", "152529.court", "clerk");
	char tok[AUTH_TOKEN_HEX + 1], tok2[AUTH_TOKEN_HEX + 1];
	principal p;
	login_ok("idle.user", PW, tok, &p);
	login_ok("idle.user", PW, tok2, &p);
	util_clock_offset(AUTH_IDLE_SECONDS - 60);
	assert_int_equal(resolves(tok), OK); /* 29 minutes: alive, and the use counts as activity */
	util_clock_offset(2 * AUTH_IDLE_SECONDS - 120);
	assert_int_equal(resolves(tok), OK);              /* 29 minutes after that use */
	assert_int_equal(resolves(tok2), E_UNAUTHORIZED); /* unused for 58 minutes */
	util_clock_offset(3 * AUTH_IDLE_SECONDS - 120);
	assert_int_equal(resolves(tok), E_UNAUTHORIZED); /* 30 idle minutes */
	util_clock_offset(4 * AUTH_IDLE_SECONDS);
	assert_int_equal(resolves(tok), E_UNAUTHORIZED); /* and it stays dead */
}

static void session_dies_after_12_hours_however_active(void **state)
{
	(void)state;
	add_user("absolute.user", "152529.court", "clerk");
	char tok[AUTH_TOKEN_HEX + 1];
	principal p;
	login_ok("absolute.user", PW, tok, &p);
	int64_t t;
	for (t = 20 * 60; t < AUTH_ABSOLUTE_SECONDS; t += 20 * 60) {
		util_clock_offset(t);
		if (resolves(tok) != OK)
			fail_msg("an active session died after %lld s", (long long)t);
	}
	/* The wall clock keeps running under the offset: a few seconds' margin keeps "just before 12 hours"
	 * true however long the test took since login (one second was not: the test failed when a second
	 * boundary passed in between). */
	util_clock_offset(AUTH_ABSOLUTE_SECONDS - 10);
	assert_int_equal(resolves(tok), OK);
	util_clock_offset(AUTH_ABSOLUTE_SECONDS);
	assert_int_equal(resolves(tok), E_UNAUTHORIZED);
}

/* A session ended behind the domain's back (another process's casebridge user command writes the store
 * directly) is still remembered for at most a second, then refused; the remembered resolution is the
 * one the store gave. */
static void a_remembered_session_lasts_at_most_a_second(void **state)
{
	(void)state;
	add_user("cached.user", "152529.court", "clerk");
	char tok[AUTH_TOKEN_HEX + 1], th[65];
	principal p, q;
	err e = { 0 };
	login_ok("cached.user", PW, tok, &p);
	assert_int_equal(auth_session_resolve(g_db, tok, &q, &e), OK);
	assert_string_equal(q.username, "cached.user");
	unsigned char d[32];
	unsigned int dn = 0;
	EVP_Digest(tok, strlen(tok), d, &dn, EVP_sha256(), NULL);
	for (int i = 0; i < 32; i++)
		snprintf(th + 2 * i, 3, "%02x", d[i]);
	/* ended in the store without the domain (as another process would): nothing here forgets it */
	assert_int_equal(store_tx_begin(g_db, &e), OK);
	assert_int_equal(store_session_revoke(g_db, th, util_now_sec(), &e), OK);
	assert_int_equal(audit_record(g_db, principal_system(), "user", "cached.user", "test.revoked", NULL, NULL, &e),
	                 OK);
	assert_int_equal(store_tx_commit(g_db, &e), OK);
	assert_int_equal(resolves(tok), OK);
	util_clock_offset(2);
	assert_int_equal(resolves(tok), E_UNAUTHORIZED);
}

static void logout_makes_the_token_unusable(void **state)
{
	(void)state;
	add_user("logout.user", "152529.court", "reviewer");
	char tok[AUTH_TOKEN_HEX + 1], other[AUTH_TOKEN_HEX + 1];
	principal p;
	err e = { 0 };
	login_ok("logout.user", PW, tok, &p);
	login_ok("logout.user", PW, other, &p);
	assert_int_equal(resolves(tok), OK); /* now remembered: logout must still end it at once */
	int64_t before = events();
	assert_int_equal(auth_logout(g_db, &p, tok, &e), OK);
	assert_int_equal(events(), before + 1);
	arena *a = arena_new();
	store_event ev = last_event(a);
	assert_string_equal(ev.event_type, "user.logout");
	assert_null(strstr(ev.payload, tok));
	assert_int_equal(resolves(tok), E_UNAUTHORIZED);
	assert_int_equal(resolves(other), OK); /* only that session ended */
	assert_int_equal(auth_logout(g_db, &p, "short", &e), E_UNAUTHORIZED);
	arena_free(a);
}

static void disabling_a_user_ends_sessions_and_refuses_login(void **state)
{
	(void)state;
	add_user("disabled.user", "152529.procuratorate", "handler");
	char tok[AUTH_TOKEN_HEX + 1];
	principal p;
	err e = { 0 };
	login_ok("disabled.user", PW, tok, &p);
	assert_int_equal(resolves(tok), OK); /* remembered: disabling must still end it at once */
	assert_int_equal(auth_user_set_disabled(g_db, principal_system(), "disabled.user", 1, &e), OK);
	assert_int_equal(resolves(tok), E_UNAUTHORIZED);
	assert_int_equal(auth_login(g_db, "disabled.user", PW, tok, &p, &e), E_UNAUTHORIZED);
	assert_string_equal(e.field, "username"); /* the right password learns why */
	/* a wrong password gets the answer any wrong password gets: the form does not reveal the account */
	err e2 = { 0 }, e3 = { 0 };
	assert_int_equal(auth_login(g_db, "disabled.user", "wrong-password-1", tok, &p, &e2), E_UNAUTHORIZED);
	assert_int_equal(auth_login(g_db, "no.such.account", "wrong-password-1", tok, &p, &e3), E_UNAUTHORIZED);
	assert_string_equal(e2.field, e3.field);
	assert_string_equal(e2.message, e3.message);
	assert_int_equal(auth_user_set_disabled(g_db, principal_system(), "disabled.user", 0, &e), OK);
	login_ok("disabled.user", PW, tok, &p);
	assert_int_equal(auth_user_set_disabled(g_db, principal_system(), "no.such.user", 1, &e), E_NOTFOUND);
}

static void passwd_checks_policy_ends_sessions_and_clears_lockout(void **state)
{
	(void)state;
	add_user("passwd.user", "152529.justice_bureau", "clerk");
	char tok[AUTH_TOKEN_HEX + 1];
	principal p;
	err e = { 0 };
	login_ok("passwd.user", PW, tok, &p);
	int64_t before = events();
	assert_int_equal(auth_user_passwd(g_db, principal_system(), "passwd.user", "too short", &e), E_INVALID);
	assert_string_equal(e.field, "password");
	assert_int_equal(events(), before);
	for (int i = 0; i < AUTH_MAX_FAILURES; i++)
		auth_login(g_db, "passwd.user", "wrong password!", tok, &p, &e);
	assert_int_equal(auth_login(g_db, "passwd.user", PW, tok, &p, &e), E_LOCKED);
	assert_int_equal(auth_user_passwd(g_db, principal_system(), "passwd.user", "a new long passphrase", &e), OK);
	assert_int_equal(resolves(tok), E_UNAUTHORIZED);
	assert_int_equal(auth_login(g_db, "passwd.user", PW, tok, &p, &e), E_UNAUTHORIZED);
	login_ok("passwd.user", "a new long passphrase", tok, &p);
	assert_int_equal(auth_user_passwd(g_db, principal_system(), "no.such.user", "a new long passphrase", &e),
	                 E_NOTFOUND);
}

static void user_add_validates_and_writes_nothing_on_error(void **state)
{
	(void)state;
	static const struct {
		int row;
		const char *username, *display, *unit, *roles, *password, *field;
		int rc;
	} cases[] = {
		{ 1, "ab", "名", "152529.court", "handler", "correct horse battery", "username", E_INVALID },
		{ 2, "Upper.Case", "名", "152529.court", "handler", "correct horse battery", "username", E_INVALID },
		{ 3, "valid.name", "", "152529.court", "handler", "correct horse battery", "display_name", E_INVALID },
		{ 4, "valid.name", "名", "999999.court", "handler", "correct horse battery", "unit_id", E_INVALID },
		{ 5, "valid.name", "名", "152529.court", "judge", "correct horse battery", "roles", E_INVALID },
		{ 6, "valid.name", "名", "152529.court", "", "correct horse battery", "roles", E_INVALID },
		{ 7, "valid.name", "名", "152529.court", "handler,,clerk", "correct horse battery", "roles",
		  E_INVALID },
		{ 8, "valid.name", "名", "152529.court", "handler", "short", "password", E_INVALID },
		{ 9, "dup.user", "名", "152529.court", "handler", "correct horse battery", "username", E_CONFLICT },
	};
	add_user("dup.user", "152529.court", "handler");
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		err e = { 0 };
		int64_t before = events(), id = 0;
		int rc = auth_user_add(g_db, principal_system(), cases[i].username, cases[i].display, cases[i].unit,
		                       cases[i].roles, cases[i].password, &id, &e);
		if (rc != cases[i].rc)
			fail_msg("row %d: gave %d, expected %d (%s)", cases[i].row, rc, cases[i].rc, e.message);
		if (strcmp(e.field, cases[i].field) != 0)
			fail_msg("row %d: field '%s', expected '%s'", cases[i].row, e.field, cases[i].field);
		if (events() != before)
			fail_msg("row %d: a refused user add wrote an event", cases[i].row);
	}
}

/* ---- fault injection ---------------------------------------------------------------------------- */

/* Route jansson's allocations through mem_alloc as well, so that the payload building of a domain
 * write fails under injection too (by default only CaseBridge's own allocations are counted). */
static void *json_alloc_counted(size_t n)
{
	return mem_alloc(n);
}

static void user_add_under_allocation_failure_is_all_or_nothing(void **state)
{
	(void)state;
	char hash[128];
	err e = { 0 };
	assert_int_equal(auth_password_hash(PW, hash, sizeof hash, &e), OK);
	arena *a = arena_new();
	json_set_alloc_funcs(json_alloc_counted, mem_free);
	long n;
	int rc = E_NOMEM;
	for (n = 0; n < 10000; n++) {
		int64_t before = events(), id = 0;
		mem_fail_after(n);
		rc = auth_user_add_hashed(g_db, principal_system(), "fault.user", "故障注入", "152529.court",
		                          "handler,reviewer", hash, &id, &e);
		mem_fail_after(-1);
		if (rc == OK)
			break;
		if (rc != E_NOMEM)
			fail_msg("N=%ld: auth_user_add_hashed gave %d (%s), expected E_NOMEM or OK", n, rc, e.message);
		if (events() != before)
			fail_msg("N=%ld: a failed user add left an event", n);
		store_user u;
		if (store_user_get_by_name(g_db, "fault.user", a, &u, &e) != E_NOTFOUND)
			fail_msg("N=%ld: a failed user add left the user", n);
		assert_false(store_in_tx(g_db));
	}
	json_set_alloc_funcs(malloc, free);
	assert_int_equal(rc, OK);
	assert_true(n > 0); /* the loop really injected failures */
	store_user u;
	assert_int_equal(store_user_get_by_name(g_db, "fault.user", a, &u, &e), OK);
	assert_string_equal(u.roles, "handler,reviewer");
	store_event ev = last_event(a);
	assert_string_equal(ev.event_type, "user.created");
	/* The successful run recorded everything: no value silently dropped on the way. */
	assert_non_null(strstr(ev.payload, "\"handler\",\"reviewer\""));
	assert_non_null(strstr(ev.payload, "\"152529.court\""));
	arena_free(a);
}

static void login_under_allocation_failure_is_all_or_nothing(void **state)
{
	(void)state;
	add_user("fault.login", "152529.court", "handler");
	char tok[AUTH_TOKEN_HEX + 1];
	principal p;
	err e = { 0 };
	json_set_alloc_funcs(json_alloc_counted, mem_free);
	long n;
	int rc = E_NOMEM;
	for (n = 0; n < 10000; n++) {
		int64_t before = events();
		memset(tok, 0, sizeof tok);
		mem_fail_after(n);
		rc = auth_login(g_db, "fault.login", PW, tok, &p, &e);
		mem_fail_after(-1);
		if (rc == OK)
			break;
		if (rc != E_NOMEM)
			fail_msg("N=%ld: auth_login gave %d (%s), expected E_NOMEM or OK", n, rc, e.message);
		if (events() != before)
			fail_msg("N=%ld: a failed login left an event", n);
		if (tok[0])
			fail_msg("N=%ld: a failed login handed out a token", n);
		assert_false(store_in_tx(g_db));
	}
	json_set_alloc_funcs(malloc, free);
	assert_int_equal(rc, OK);
	assert_true(n > 0);
	assert_int_equal(resolves(tok), OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(password_policy_table),
		cmocka_unit_test(password_hash_is_argon2id_with_policy_parameters),
		cmocka_unit_test_teardown(login_gives_a_256_bit_token_stored_only_hashed, reset_clock),
		cmocka_unit_test(resolve_refuses_malformed_and_unknown_tokens),
		cmocka_unit_test(wrong_password_and_unknown_user_look_the_same),
		cmocka_unit_test_teardown(five_failures_lock_the_account_even_for_the_right_password, reset_clock),
		cmocka_unit_test(a_success_resets_the_failure_count),
		cmocka_unit_test_teardown(session_dies_after_30_idle_minutes, reset_clock),
		cmocka_unit_test_teardown(session_dies_after_12_hours_however_active, reset_clock),
		cmocka_unit_test_teardown(a_remembered_session_lasts_at_most_a_second, reset_clock),
		cmocka_unit_test(logout_makes_the_token_unusable),
		cmocka_unit_test(disabling_a_user_ends_sessions_and_refuses_login),
		cmocka_unit_test(passwd_checks_policy_ends_sessions_and_clears_lockout),
		cmocka_unit_test(user_add_validates_and_writes_nothing_on_error),
		cmocka_unit_test_teardown(user_add_under_allocation_failure_is_all_or_nothing, reset_clock),
		cmocka_unit_test_teardown(login_under_allocation_failure_is_all_or_nothing, reset_clock),
	};
	return cmocka_run_group_tests_name("auth", tests, group_setup, group_teardown);
}
