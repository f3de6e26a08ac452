/*
 * sqlite_user.c - users, their roles, and sessions. See store.h.
 */
#include "store/sqlite_internal.h"

#include <string.h>

#define USER_COLS                                                                                               \
	"u.id,u.username,u.display_name,u.unit_id,u.password_hash,u.disabled,u.failed_count,u.locked_until,"    \
	"u.created_at,(SELECT group_concat(role,',') FROM (SELECT role FROM user_roles r WHERE r.user_id=u.id " \
	"ORDER BY role))"

static int user_row(sqlite3_stmt *st, arena *a, store_user *u)
{
	memset(u, 0, sizeof *u);
	u->id = sqlite3_column_int64(st, 0);
	u->username = sq_col_text(st, 1, a);
	u->display_name = sq_col_text(st, 2, a);
	u->unit_id = sq_col_text(st, 3, a);
	u->password_hash = sq_col_text(st, 4, a);
	u->disabled = sqlite3_column_int(st, 5);
	u->failed_count = sqlite3_column_int(st, 6);
	u->locked_until = sqlite3_column_int64(st, 7);
	u->created_at = sq_col_text(st, 8, a);
	u->roles = sq_col_text(st, 9, a);
	if (!u->roles)
		u->roles = "";
	return (u->username && u->display_name && u->unit_id && u->password_hash && u->created_at) ? OK : E_NOMEM;
}

int store_user_insert(store *db, const store_user *u, int64_t *out_id, err *e)
{
	static const char sql[] = "INSERT INTO users(username,display_name,unit_id,password_hash,disabled,created_at)"
	                          " VALUES(?,?,?,?,?,?)";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, u->username);
	sq_bind_text(st, 2, u->display_name);
	sq_bind_text(st, 3, u->unit_id);
	sq_bind_text(st, 4, u->password_hash);
	sqlite3_bind_int(st, 5, u->disabled);
	sq_bind_text(st, 6, u->created_at);
	rc = sq_step_done(db, st, e, "user insert");
	if (rc == E_CONFLICT)
		return err_set(e, E_CONFLICT, "username", "用户名 %s 已存在", u->username);
	if (rc == OK && out_id)
		*out_id = sqlite3_last_insert_rowid(db->h);
	return rc;
}

static int user_one(store *db, sqlite3_stmt *st, arena *a, store_user *out, err *e, const char *what)
{
	int rc = OK;
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		rc = user_row(st, a, out) ? err_set(e, E_NOMEM, NULL, "out of memory") : OK;
	else if (s == SQLITE_DONE)
		rc = err_set(e, E_NOTFOUND, "user", "用户不存在");
	else
		rc = sq_fail(db, e, what);
	sqlite3_reset(st);
	return rc;
}

int store_user_get_by_name(store *db, const char *username, arena *a, store_user *out, err *e)
{
	static const char sql[] = "SELECT " USER_COLS " FROM users u WHERE u.username=?";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, username, -1, SQLITE_STATIC);
	return user_one(db, st, a, out, e, "user get");
}

int store_user_get(store *db, int64_t id, arena *a, store_user *out, err *e)
{
	static const char sql[] = "SELECT " USER_COLS " FROM users u WHERE u.id=?";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	return user_one(db, st, a, out, e, "user get");
}

int store_user_list(store *db, arena *a, store_user **out, size_t *out_n, err *e)
{
	static const char q_n[] = "SELECT count(*) FROM users";
	static const char sql[] = "SELECT " USER_COLS " FROM users u ORDER BY u.unit_id, u.username";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, q_n, &st, e);
	if (rc)
		return rc;
	size_t cap = sqlite3_step(st) == SQLITE_ROW ? (size_t)sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	store_user *v = arena_alloc(a, (cap + 1) * sizeof *v);
	if (!v)
		return err_set(e, E_NOMEM, NULL, "out of memory");
	if ((rc = sq_prepare(db, sql, &st, e)))
		return rc;
	size_t n = 0;
	while (n < cap && sqlite3_step(st) == SQLITE_ROW) {
		if (user_row(st, a, &v[n])) {
			sqlite3_reset(st);
			return err_set(e, E_NOMEM, NULL, "out of memory");
		}
		n++;
	}
	sqlite3_reset(st);
	*out = v;
	*out_n = n;
	return OK;
}

static int update_user(store *db, const char *sql, int64_t id, const char *text, int64_t i1, int64_t i2, err *e)
{
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	int k = 1;
	if (text)
		sqlite3_bind_text(st, k++, text, -1, SQLITE_STATIC);
	else {
		sqlite3_bind_int64(st, k++, i1);
		if (strstr(sql, "locked_until"))
			sqlite3_bind_int64(st, k++, i2);
	}
	sqlite3_bind_int64(st, k, id);
	rc = sq_step_done(db, st, e, "user update");
	if (rc == OK && sqlite3_changes(db->h) == 0)
		rc = err_set(e, E_NOTFOUND, "user", "用户不存在");
	return rc;
}

int store_user_set_password(store *db, int64_t id, const char *password_hash, err *e)
{
	static const char sql[] = "UPDATE users SET password_hash=?, failed_count=0, locked_until=0 WHERE id=?";
	return update_user(db, sql, id, password_hash, 0, 0, e);
}

int store_user_set_disabled(store *db, int64_t id, int disabled, err *e)
{
	static const char sql[] = "UPDATE users SET disabled=? WHERE id=?";
	return update_user(db, sql, id, NULL, disabled, 0, e);
}

int store_user_set_login_state(store *db, int64_t id, int failed_count, int64_t locked_until, err *e)
{
	static const char sql[] = "UPDATE users SET failed_count=?, locked_until=? WHERE id=?";
	return update_user(db, sql, id, NULL, failed_count, locked_until, e);
}

int store_user_set_roles(store *db, int64_t id, const char *const *roles, size_t n_roles, err *e)
{
	static const char q_del[] = "DELETE FROM user_roles WHERE user_id=?";
	static const char q_ins[] = "INSERT INTO user_roles(user_id,role) VALUES(?,?)";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, q_del, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sq_step_done(db, st, e, "roles")))
		return rc;
	for (size_t i = 0; i < n_roles; i++) {
		if ((rc = sq_prepare(db, q_ins, &st, e)))
			return rc;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, roles[i], -1, SQLITE_STATIC);
		rc = sq_step_done(db, st, e, "roles");
		if (rc == E_CONFLICT)
			return err_set(e, E_INVALID, "roles", "角色无效或重复：%s", roles[i]);
		if (rc)
			return rc;
	}
	return OK;
}

int store_session_insert(store *db, const store_session *s, err *e)
{
	static const char sql[] = "INSERT INTO sessions(token_hash,user_id,created_at,last_seen_at,expires_at)"
	                          " VALUES(?,?,?,?,?)";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, s->token_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, s->user_id);
	sqlite3_bind_int64(st, 3, s->created_at);
	sqlite3_bind_int64(st, 4, s->last_seen_at);
	sqlite3_bind_int64(st, 5, s->expires_at);
	return sq_step_done(db, st, e, "session insert");
}

int store_session_get(store *db, const char *token_hash, arena *a, store_session *out, err *e)
{
	static const char sql[] = "SELECT token_hash,user_id,created_at,last_seen_at,expires_at,revoked_at FROM "
	                          "sessions WHERE token_hash=?";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_STATIC);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		out->token_hash = sq_col_text(st, 0, a);
		out->user_id = sqlite3_column_int64(st, 1);
		out->created_at = sqlite3_column_int64(st, 2);
		out->last_seen_at = sqlite3_column_int64(st, 3);
		out->expires_at = sqlite3_column_int64(st, 4);
		out->revoked_at = sqlite3_column_int64(st, 5);
		rc = out->token_hash ? OK : err_set(e, E_NOMEM, NULL, "out of memory");
	} else if (s == SQLITE_DONE) {
		rc = err_set(e, E_UNAUTHORIZED, NULL, "会话无效，请重新登录");
	} else {
		rc = sq_fail(db, e, "session get");
	}
	sqlite3_reset(st);
	return rc;
}

int store_session_revoke(store *db, const char *token_hash, int64_t at, err *e)
{
	static const char sql[] = "UPDATE sessions SET revoked_at=? WHERE token_hash=? AND revoked_at=0";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, at);
	sqlite3_bind_text(st, 2, token_hash, -1, SQLITE_STATIC);
	return sq_step_done(db, st, e, "session revoke");
}

int store_session_revoke_user(store *db, int64_t user_id, int64_t at, err *e)
{
	static const char sql[] = "UPDATE sessions SET revoked_at=? WHERE user_id=? AND revoked_at=0";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, at);
	sqlite3_bind_int64(st, 2, user_id);
	return sq_step_done(db, st, e, "session revoke");
}

/* Its own transaction through the writer like every other write (group commit in the server): an
 * autocommit UPDATE on this thread's connection would wait, up to the 5 s busy timeout, for SQLite's
 * write lock, which the group writer holds while its batches are open, that is, under any write load. */
int store_session_touch(store *db, const char *token_hash, int64_t at, err *e)
{
	static const char sql[] = "UPDATE sessions SET last_seen_at=? WHERE token_hash=?";
	sqlite3_stmt *st;
	int rc = store_tx_begin(db, e);
	if (rc)
		return rc;
	if ((rc = sq_prepare(db, sql, &st, e))) {
		store_tx_rollback(db);
		return rc;
	}
	sqlite3_bind_int64(st, 1, at);
	sqlite3_bind_text(st, 2, token_hash, -1, SQLITE_STATIC);
	if ((rc = sq_step_done(db, st, e, "session touch"))) {
		store_tx_rollback(db);
		return rc;
	}
	return store_tx_commit(db, e); /* no write counted (sq_prepare): the one write without an event */
}
