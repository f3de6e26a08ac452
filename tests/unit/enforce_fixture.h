/*
 * enforce_fixture.h - what the enforcement and ledger tests share: a database in a temporary directory
 * with the organisation, the legal calendar and the verifiable log set up, principals for the demo
 * roles at two courts and a police unit, and enforcement matters filed with a creditor and a debtor.
 *
 * The property test turns durability off (PRAGMA synchronous=OFF on a temporary file, through the
 * store's internal header): it checks logic, not fsync, and must stay fast under ASan.
 */
#ifndef CB_ENFORCE_FIXTURE_H
#define CB_ENFORCE_FIXTURE_H

#include "testutil.h"

#include "core/util.h"
#include "domain/assist.h"
#include "domain/control.h"
#include "domain/ident.h"
#include "domain/legal.h"
#include "domain/matter.h"
#include "domain/org.h"
#include "domain/tlog.h"
#include "store/sqlite_internal.h"

typedef struct efix {
	char dir[64];
	char db_path[128];
	store *db;
} efix;

/* fast: synchronous=OFF, a large cache, on tmpfs when available (the file stays shared by the
 * connections of racing threads). */
static inline void efix_open(efix *f, int fast)
{
	err e = { 0 };
	/* the fast database goes to tmpfs when there is one: no file system journal under it */
	snprintf(f->dir, sizeof f->dir, "%s",
	         fast && access("/dev/shm", W_OK) == 0 ? "/dev/shm/cbtest.XXXXXX" : "/tmp/cbtest.XXXXXX");
	if (!mkdtemp(f->dir))
		fail_msg("mkdtemp failed");
	snprintf(f->db_path, sizeof f->db_path, "%s/casebridge.db", f->dir);
	assert_int_equal(store_open(f->db_path, &f->db, &e), OK);
	if (fast)
		assert_int_equal(sqlite3_exec(f->db->h,
		                              "PRAGMA synchronous=OFF; PRAGMA cache_size=-65536;"
		                              "PRAGMA mmap_size=268435456",
		                              NULL, NULL, NULL),
		                 SQLITE_OK);
	if (store_migrate(f->db, NULL, &e) != OK || tlog_setup(f->dir, "sha256", "ed25519", &e) != OK ||
	    org_seed(f->db, principal_system(), &e) != OK || org_cache_load(f->db, &e) != OK ||
	    legal_init(f->db, f->dir, &e) != OK)
		fail_msg("fixture: %s", e.message);
}

static inline void efix_close(efix *f)
{
	store_close(f->db);
	tlog_free();
	legal_free();
	org_cache_free();
	test_rmdir(f->dir);
}

/* A judicial detention order against a matter's debtor, valid from..to: its id (fails the test else). */
static inline int64_t efix_detention(efix *f, const principal *court, int64_t matter, int64_t debtor, const char *basis,
                                     const char *from, const char *to)
{
	control_new det = { .matter_id = matter,
		            .kind = "detention",
		            .party_id = debtor,
		            .basis = basis,
		            .reason = "拒不到庭",
		            .valid_from = from,
		            .valid_to = to };
	int64_t id = 0;
	err e = { 0 };
	if (control_order_issue(f->db, court, &det, &id, &e) != OK)
		fail_msg("detention order: %s (%s)", e.message, e.field);
	return id;
}

/* An assistance request for one debtor of a matter, sent on a day, asking kinds (a detention needs
 * order): its id, and its items into a (fails the test on any error). */
static inline int64_t efix_request(efix *f, const principal *who, const enforce_settings *s, int64_t matter,
                                   const char *police, int64_t debtor, const char *const *kinds, size_t n_kinds,
                                   int64_t order, const char *on, arena *a, store_assist_item **out_items,
                                   size_t *out_n)
{
	assist_debtor_in d = { .party_id = debtor, .kinds = kinds, .n_kinds = n_kinds, .order_id = order };
	assist_new in = { .matter_id = matter,
		          .police_unit_id = police,
		          .basis = "协助执行通知书",
		          .debtors = &d,
		          .n_debtors = 1,
		          .on = on };
	int64_t rid = 0;
	err e = { 0 };
	if (assist_request_create(f->db, who, s, &in, &rid, &e) != OK)
		fail_msg("assistance request: %s (%s)", e.message, e.field);
	if (store_assist_item_list(f->db, rid, a, out_items, out_n, &e) != OK)
		fail_msg("items: %s", e.message);
	return rid;
}

/* The single integer a SQL query returns on the fixture's database (-1 for no row). */
static inline int64_t efix_count(efix *f, const char *sql)
{
	sqlite3_stmt *st;
	int64_t n = -1;
	if (sqlite3_prepare_v2(f->db->h, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s", sqlite3_errmsg(f->db->h));
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* A principal of a unit with roles and a user id (0 = the system). */
static inline principal efix_who(int64_t user_id, const char *unit_id, unsigned roles)
{
	principal p;
	memset(&p, 0, sizeof p);
	p.user_id = user_id;
	snprintf(p.username, sizeof p.username, "user%lld", (long long)user_id);
	util_strlcpy(p.unit_id, unit_id, sizeof p.unit_id);
	p.roles = roles;
	return p;
}

/* File an enforcement matter at the court; the debtor's party id into *out_debtor (may be NULL). */
static inline int64_t efix_matter(efix *f, const char *court, const char *debtor_name, const char *debtor_id,
                                  const char *filed_on, int64_t *out_debtor)
{
	err e = { 0 };
	principal who = efix_who(0, court, ROLE_HANDLER);
	ident_person ip;
	int org = ident_resident_id_check(debtor_id, NULL, &ip, NULL) != OK; /* credit codes may be all digits */
	matter_party_in parties[2] = { { "person", "申请人甲", "creditor", "resident_id", "152529198001010018" },
		                       { org ? "organization" : "person", debtor_name, "debtor",
		                         org ? "credit_code" : "resident_id", debtor_id } };
	matter_new in = { .kind = "enforcement",
		          .summary = "申请执行借款纠纷判决",
		          .parties = parties,
		          .n_parties = 2,
		          .filed_on = filed_on };
	int64_t id;
	if (matter_file(f->db, &who, &in, &id, NULL, &e) != OK)
		fail_msg("file matter: %s (%s)", e.message, e.field);
	if (out_debtor) {
		arena *a = arena_new();
		store_party *pv;
		size_t np;
		assert_int_equal(store_party_list(f->db, id, a, &pv, &np, &e), OK);
		for (size_t i = 0; i < np; i++)
			if (!strcmp(pv[i].role, "debtor"))
				*out_debtor = pv[i].id;
		arena_free(a);
	}
	return id;
}

#endif
