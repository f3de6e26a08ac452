/*
 * auth.c - passwords, login, sessions and user administration. See auth.h.
 */
#include "domain/auth.h"

#include "core/log.h"
#include "core/util.h"
#include "domain/audit.h"
#include "domain/org.h"

#include <argon2.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define ARGON_T 2
#define ARGON_M 19456 /* KiB = 19 MiB */
#define ARGON_P 1

/* A valid hash of a random password, verified against when the user does not exist so that a wrong
 * name costs the same time as a wrong password. Computed once. */
static char dummy_hash[128];

int auth_password_check(const char *password, const char *field, err *e)
{
	if (!password || !util_utf8_valid(password, strlen(password)))
		return err_set(e, E_INVALID, field, "密码必须是有效的文本");
	size_t n = util_utf8_len(password);
	if (n < 12)
		return err_set(e, E_INVALID, field, "密码至少需要 12 个字符（当前 %zu 个）", n);
	if (strlen(password) > 256)
		return err_set(e, E_INVALID, field, "密码过长（最多 256 字节）");
	size_t same = 1;
	for (size_t i = 1; password[i]; i++)
		same += password[i] == password[0];
	if (same == strlen(password))
		return err_set(e, E_INVALID, field, "密码不能由同一个字符重复组成");
	return OK;
}

int auth_password_hash(const char *password, char *out, size_t cap, err *e)
{
	unsigned char salt[16];
	if (util_random(salt, sizeof salt))
		return err_set(e, E_INTERNAL, NULL, "random source failed");
	int r = argon2id_hash_encoded(ARGON_T, ARGON_M, ARGON_P, password, strlen(password), salt, sizeof salt, 32, out,
	                              cap);
	if (r != ARGON2_OK)
		return err_set(e, r == ARGON2_MEMORY_ALLOCATION_ERROR ? E_NOMEM : E_INTERNAL, NULL, "argon2: %s",
		               argon2_error_message(r));
	return OK;
}

int auth_password_verify(const char *encoded, const char *password)
{
	return argon2id_verify(encoded, password, strlen(password)) == ARGON2_OK ? OK : E_UNAUTHORIZED;
}

static void token_hash(const char *token, char out[65])
{
	unsigned char md[32];
	unsigned int n = 0;
	EVP_Digest(token, strlen(token), md, &n, EVP_sha256(), NULL);
	static const char hx[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hx[md[i] >> 4];
		out[2 * i + 1] = hx[md[i] & 15];
	}
	out[64] = 0;
}

static void principal_fill(principal *p, const store_user *u)
{
	memset(p, 0, sizeof *p);
	p->user_id = u->id;
	util_strlcpy(p->username, u->username, sizeof p->username);
	util_strlcpy(p->display_name, u->display_name, sizeof p->display_name);
	util_strlcpy(p->unit_id, u->unit_id, sizeof p->unit_id);
	char bad[32];
	p->roles = u->roles[0] ? role_parse_list(u->roles, bad, sizeof bad) : 0;
}

static int record_user_event(store *db, const principal *who, int64_t user_id, const char *type, json_t *payload,
                             err *e)
{
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)user_id);
	return audit_record(db, who, "user", id, type, payload, NULL, e);
}

int auth_login(store *db, const char *username, const char *password, char out_token[AUTH_TOKEN_HEX + 1],
               principal *out, err *e)
{
	int rc = OK;
	arena *a = arena_new();
	store_user u;
	json_t *p = NULL;
	if (!a)
		return err_set(e, E_NOMEM, NULL, "out of memory");
	if (!username || !*username || !password || !*password) {
		rc = err_set(e, E_INVALID, !username || !*username ? "username" : "password", "请输入用户名和密码");
		goto done;
	}
	if (!dummy_hash[0]) {
		char tmp[128];
		if (auth_password_hash("not-a-real-password-0000", tmp, sizeof tmp, NULL) == OK)
			memcpy(dummy_hash, tmp, sizeof tmp);
	}
	if ((rc = store_tx_begin(db, e)))
		goto done;
	rc = store_user_get_by_name(db, username, a, &u, e);
	if (rc == E_NOTFOUND) {
		auth_password_verify(dummy_hash, password);
		rc = err_set(e, E_UNAUTHORIZED, "password", "用户名或密码错误");
		goto done;
	}
	if (rc)
		goto done;
	int64_t now = util_now_sec();
	if (u.locked_until > now) {
		time_t t = (time_t)(u.locked_until + 8 * 3600);
		struct tm tm;
		gmtime_r(&t, &tm);
		rc = err_set(e, E_LOCKED, "username",
		             "连续输错密码次数过多，账户已锁定，请于 %02d:%02d 后重试或联系管理员", tm.tm_hour,
		             tm.tm_min);
		goto done;
	}
	principal who;
	principal_fill(&who, &u);
	if (auth_password_verify(u.password_hash, password) != OK) {
		int failed = u.failed_count + 1;
		int64_t lock = failed >= AUTH_MAX_FAILURES ? now + AUTH_LOCK_SECONDS : 0;
		p = json_pack("{s:i}", "failed_count", failed);
		if (!p) {
			rc = err_set(e, E_NOMEM, NULL, "out of memory");
			goto done;
		}
		if (lock)
			json_object_set_new(p, "locked_until", json_integer(lock));
		if ((rc = store_user_set_login_state(db, u.id, lock ? 0 : failed, lock, e)) ||
		    (rc = record_user_event(db, &who, u.id, lock ? "user.locked" : "user.login_failed", p, e)) ||
		    (rc = store_tx_commit(db, e)))
			goto done;
		log_event(LOG_WARN, "login_failed", "user=%s failed=%d locked=%d", u.username, failed, lock ? 1 : 0);
		if (lock)
			rc = err_set(e, E_LOCKED, "password", "连续 %d 次输错密码，账户已锁定 15 分钟",
			             AUTH_MAX_FAILURES);
		else
			rc = err_set(e, E_UNAUTHORIZED, "password", "用户名或密码错误");
		goto done;
	}
	/* Only someone who knows the password learns that the account is disabled: before the check the
	 * answer is the same as for a wrong password, so the login form reveals nothing about accounts. */
	if (u.disabled) {
		rc = err_set(e, E_UNAUTHORIZED, "username", "该账户已停用，请联系管理员");
		goto done;
	}
	char token[AUTH_TOKEN_HEX + 1], th[65];
	if (util_random_hex(token, 32)) {
		rc = err_set(e, E_INTERNAL, NULL, "random source failed");
		goto done;
	}
	token_hash(token, th);
	store_session s = { th, u.id, now, now, now + AUTH_ABSOLUTE_SECONDS, 0 };
	p = json_pack("{s:s}", "session", th + 56); /* a short, non-secret handle for the audit trail */
	if (!p) {
		rc = err_set(e, E_NOMEM, NULL, "out of memory");
		goto done;
	}
	if (u.failed_count && (rc = store_user_set_login_state(db, u.id, 0, 0, e)))
		goto done;
	if ((rc = store_session_insert(db, &s, e)) || (rc = record_user_event(db, &who, u.id, "user.login", p, e)) ||
	    (rc = store_tx_commit(db, e)))
		goto done;
	memcpy(out_token, token, sizeof token);
	*out = who;
done:
	if (store_in_tx(db))
		store_tx_rollback(db);
	json_decref(p);
	arena_free(a);
	return rc;
}

/* ---- resolved sessions, remembered for a second ----
 * Every authenticated request resolved its token with two queries (the session, then its user): a
 * tenth of a matter page. A resolved session is remembered for at most SESSION_CACHE_MS, never past
 * its idle or absolute expiry. Logout, a password change and disabling an account in this process
 * forget every entry at once (a new generation), so they take effect at the very next request; the
 * same changes made by another process (casebridge user ...) take effect within the second. */
#define SESSION_CACHE_SLOTS 1024
#define SESSION_CACHE_MS 1000

static struct {
	char th[65];
	principal who;
	int64_t until_ms;
	uint64_t gen;
} s_cache[SESSION_CACHE_SLOTS];
static uint64_t s_gen = 1;
static pthread_mutex_t s_lock = PTHREAD_MUTEX_INITIALIZER;

/* Milliseconds on the clock the session rules use (util_now_sec, which tests can move). */
static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return util_now_sec() * 1000 + ts.tv_nsec / 1000000;
}

static unsigned cache_slot(const char *th)
{
	unsigned h = 0;
	for (int i = 0; i < 8; i++)
		h = h * 16 + (unsigned)(th[i] <= '9' ? th[i] - '0' : th[i] - 'a' + 10);
	return h % SESSION_CACHE_SLOTS;
}

static int cache_get(const char *th, principal *out, uint64_t *out_gen)
{
	int hit = 0;
	unsigned i = cache_slot(th);
	pthread_mutex_lock(&s_lock);
	*out_gen = s_gen;
	if (s_cache[i].gen == s_gen && s_cache[i].until_ms > now_ms() && !strcmp(s_cache[i].th, th)) {
		*out = s_cache[i].who;
		hit = 1;
	}
	pthread_mutex_unlock(&s_lock);
	return hit;
}

/* Remember a session resolved from the store, unless the generation moved while it was read. */
static void cache_put(const char *th, const principal *who, int64_t until_ms, uint64_t gen)
{
	unsigned i = cache_slot(th);
	pthread_mutex_lock(&s_lock);
	if (gen == s_gen) {
		util_strlcpy(s_cache[i].th, th, sizeof s_cache[i].th);
		s_cache[i].who = *who;
		s_cache[i].until_ms = until_ms;
		s_cache[i].gen = gen;
	}
	pthread_mutex_unlock(&s_lock);
}

void auth_session_cache_forget(void)
{
	pthread_mutex_lock(&s_lock);
	s_gen++;
	pthread_mutex_unlock(&s_lock);
}

int auth_session_resolve(store *db, const char *token, principal *out, err *e)
{
	int rc = OK;
	arena *a = NULL;
	char th[65];
	if (!token || strlen(token) != AUTH_TOKEN_HEX)
		return err_set(e, E_UNAUTHORIZED, NULL, "请先登录");
	token_hash(token, th);
	uint64_t gen;
	if (cache_get(th, out, &gen))
		return OK;
	if (!(a = arena_new()))
		return err_set(e, E_NOMEM, NULL, "out of memory");
	store_session s;
	store_user u;
	if ((rc = store_session_get(db, th, a, &s, e)))
		goto done;
	int64_t now = util_now_sec();
	if (s.revoked_at || now >= s.expires_at || now - s.last_seen_at >= AUTH_IDLE_SECONDS) {
		rc = err_set(e, E_UNAUTHORIZED, NULL, "会话已过期，请重新登录");
		goto done;
	}
	if ((rc = store_user_get(db, s.user_id, a, &u, e)))
		goto done;
	if (u.disabled) {
		rc = err_set(e, E_UNAUTHORIZED, NULL, "该账户已停用，请联系管理员");
		goto done;
	}
	if (now - s.last_seen_at >= 60 && !store_in_tx(db)) {
		store_session_touch(db, th, now, NULL);
		s.last_seen_at = now;
	}
	principal_fill(out, &u);
	int64_t until = now_ms() + SESSION_CACHE_MS, idle = (s.last_seen_at + AUTH_IDLE_SECONDS) * 1000;
	if (until > idle)
		until = idle;
	if (until > s.expires_at * 1000)
		until = s.expires_at * 1000;
	cache_put(th, out, until, gen);
done:
	arena_free(a);
	return rc;
}

int auth_logout(store *db, const principal *who, const char *token, err *e)
{
	char th[65];
	if (!token || strlen(token) != AUTH_TOKEN_HEX)
		return err_set(e, E_UNAUTHORIZED, NULL, "请先登录");
	token_hash(token, th);
	json_t *p = json_pack("{s:s}", "session", th + 56);
	if (!p)
		return err_set(e, E_NOMEM, NULL, "out of memory");
	int rc = store_tx_begin(db, e);
	if (rc == OK && (rc = store_session_revoke(db, th, util_now_sec(), e)) == OK &&
	    (rc = record_user_event(db, who, who->user_id, "user.logout", p, e)) == OK)
		rc = store_tx_commit(db, e);
	if (rc)
		store_tx_rollback(db);
	else
		auth_session_cache_forget();
	json_decref(p);
	return rc;
}

int auth_user_list(store *db, arena *a, store_user **out, size_t *out_n, err *e)
{
	return store_user_list(db, a, out, out_n, e);
}

int auth_user_list_visible(store *db, const principal *who, arena *a, store_user **out, size_t *out_n, err *e)
{
	store_user *v;
	size_t n, k = 0;
	const org_unit *mine = who ? org_unit_find(who->unit_id) : NULL;
	if (!mine)
		return err_set(e, E_FORBIDDEN, NULL, "没有所属单位的账户不能查看用户");
	int rc = store_user_list(db, a, &v, &n, e);
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++) {
		const org_unit *u = org_unit_find(v[i].unit_id);
		if (u && org_area_within(u->area_code, mine->area_code))
			v[k++] = v[i];
	}
	*out = v;
	*out_n = k;
	return OK;
}

int auth_user_add(store *db, const principal *who, const char *username, const char *display_name, const char *unit_id,
                  const char *roles_csv, const char *password, int64_t *out_id, err *e)
{
	char hash[128];
	int rc = auth_password_check(password, "password", e);
	if (rc == OK)
		rc = auth_password_hash(password, hash, sizeof hash, e);
	if (rc == OK)
		rc = auth_user_add_hashed(db, who, username, display_name, unit_id, roles_csv, hash, out_id, e);
	return rc;
}

int auth_user_add_hashed(store *db, const principal *who, const char *username, const char *display_name,
                         const char *unit_id, const char *roles_csv, const char *hash, int64_t *out_id, err *e)
{
	int rc = OK;
	json_t *p = NULL;
	char bad[32] = "", now[32];
	size_t ul = username ? strlen(username) : 0;
	if (ul < 3 || ul > 32 || strspn(username, "abcdefghijklmnopqrstuvwxyz0123456789_.-") != ul)
		return err_set(e, E_INVALID, "username", "用户名应为 3-32 个小写字母、数字、点、下划线或连字符");
	if (!display_name || util_utf8_len(display_name) < 1 || strlen(display_name) > 90 ||
	    !util_utf8_valid(display_name, strlen(display_name)))
		return err_set(e, E_INVALID, "display_name", "请填写姓名（最多 30 个字）");
	if (!unit_id || !org_unit_find(unit_id))
		return err_set(e, E_INVALID, "unit_id", "单位 %s 不存在", unit_id ? unit_id : "");
	if (!roles_csv || !*roles_csv)
		return err_set(e, E_INVALID, "roles", "至少需要一个角色");
	unsigned bits = role_parse_list(roles_csv, bad, sizeof bad);
	if (!bits)
		return err_set(e, E_INVALID, "roles",
		               "未知角色 %s（可选 admin, clerk, handler, reviewer, fund_officer, supervisor, auditor）",
		               bad);
	const char *names[8];
	size_t n = 0;
	for (unsigned b = 1; b <= ROLE_AUDITOR; b <<= 1)
		if (bits & b)
			names[n++] = role_name(b);
	util_now_iso(now, sizeof now);
	store_user u = { .username = username,
		         .display_name = display_name,
		         .unit_id = unit_id,
		         .password_hash = hash,
		         .created_at = now };
	int64_t id = 0;
	p = json_object();
	json_t *roles = json_array();
	if (!p || !roles) {
		json_decref(roles);
		rc = err_set(e, E_NOMEM, NULL, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < n; i++)
		json_array_append_new(roles, json_string(names[i]));
	if (audit_change_str(p, "username", NULL, username) ||
	    audit_change_str(p, "display_name", NULL, display_name) || audit_change_str(p, "unit_id", NULL, unit_id) ||
	    audit_change(p, "roles", NULL, roles)) {
		json_decref(roles);
		rc = err_set(e, E_NOMEM, NULL, "out of memory");
		goto done;
	}
	json_decref(roles);
	if ((rc = store_tx_begin(db, e)))
		goto done;
	if ((rc = store_user_insert(db, &u, &id, e)) || (rc = store_user_set_roles(db, id, names, n, e)) ||
	    (rc = record_user_event(db, who, id, "user.created", p, e)) || (rc = store_tx_commit(db, e)))
		goto done;
	if (out_id)
		*out_id = id;
done:
	if (store_in_tx(db))
		store_tx_rollback(db);
	json_decref(p);
	return rc;
}

int auth_user_passwd(store *db, const principal *who, const char *username, const char *password, err *e)
{
	int rc = OK;
	char hash[128];
	arena *a = arena_new();
	json_t *p = json_pack("{s:b}", "password_changed", 1);
	store_user u;
	if (!a || !p) {
		rc = err_set(e, E_NOMEM, NULL, "out of memory");
		goto done;
	}
	if ((rc = auth_password_check(password, "password", e)) ||
	    (rc = auth_password_hash(password, hash, sizeof hash, e)))
		goto done;
	if ((rc = store_tx_begin(db, e)))
		goto done;
	if ((rc = store_user_get_by_name(db, username, a, &u, e)) ||
	    (rc = store_user_set_password(db, u.id, hash, e)) ||
	    (rc = store_session_revoke_user(db, u.id, util_now_sec(), e)) ||
	    (rc = record_user_event(db, who, u.id, "user.password_changed", p, e)) || (rc = store_tx_commit(db, e)))
		goto done;
	auth_session_cache_forget();
done:
	if (a && store_in_tx(db))
		store_tx_rollback(db);
	json_decref(p);
	arena_free(a);
	return rc;
}

int auth_user_set_disabled(store *db, const principal *who, const char *username, int disabled, err *e)
{
	int rc = OK;
	arena *a = arena_new();
	json_t *p = json_object();
	store_user u;
	if (!a || !p) {
		rc = err_set(e, E_NOMEM, NULL, "out of memory");
		goto done;
	}
	if ((rc = store_tx_begin(db, e)))
		goto done;
	if ((rc = store_user_get_by_name(db, username, a, &u, e)))
		goto done;
	if (audit_change(p, "disabled", json_boolean(u.disabled), json_boolean(disabled))) {
		rc = err_set(e, E_NOMEM, NULL, "out of memory");
		goto done;
	}
	if ((rc = store_user_set_disabled(db, u.id, disabled, e)) ||
	    (disabled && (rc = store_session_revoke_user(db, u.id, util_now_sec(), e))) ||
	    (rc = record_user_event(db, who, u.id, disabled ? "user.disabled" : "user.enabled", p, e)) ||
	    (rc = store_tx_commit(db, e)))
		goto done;
	auth_session_cache_forget();
done:
	if (a && store_in_tx(db))
		store_tx_rollback(db);
	json_decref(p);
	arena_free(a);
	return rc;
}
