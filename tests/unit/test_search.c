/*
 * test_search.c - party-name search (matter_search with a party) on a generated region: the total and
 * every page are what authz_unit_visible allows over every matter, for committees and units of a
 * league and a county, a sub-unit, region-wide viewers, names of one, two, three and four characters,
 * and a matter that gains a unit in another county after its parties were added. The oracle reads
 * parties and matter_units directly and checks each unit in C. The areas that triggers keep per
 * matter and per name gram (matter_scopes, gram_scopes: migration 0010) equal what the migration's
 * backfill computes.
 */
#include "testutil.h"

#include "cli/cli.h"
#include "core/util.h"
#include "domain/audit.h"
#include "domain/authz.h"
#include "domain/gen.h"
#include "domain/matter.h"
#include "domain/org.h"
#include "domain/tlog.h"

#include <sqlite3.h>

enum { MAX_MATTERS = 2000, MAX_ITEMS = 16 };

typedef struct oracle_matter {
	int64_t id;
	int open;
	size_t n_names, n_units;
	char *names[MAX_ITEMS];
	char *units[MAX_ITEMS];
} oracle_matter;

typedef struct fixture {
	char dir[64];
	store *db;
	char county[8], league[8], other_county[8];
	char n1[16], n2[16], n3[16], n4[24], mid[16]; /* names of 1-4 characters, a piece inside a name */
	oracle_matter *m;                             /* every matter, by id descending */
	size_t n_m;
} fixture;

static sqlite3 *open_raw(fixture *f)
{
	char path[128];
	sqlite3 *h;
	snprintf(path, sizeof path, "%s/casebridge.db", f->dir);
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	return h;
}

/* The first column of the first row of sql as text into out ("" if none). */
static void sql_text(fixture *f, const char *sql, char *out, size_t out_len)
{
	sqlite3 *h = open_raw(f);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	snprintf(out, out_len, "%s", sqlite3_step(st) == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : "");
	sqlite3_finalize(st);
	sqlite3_close(h);
}

static void oracle_free(fixture *f)
{
	for (size_t i = 0; i < f->n_m; i++) {
		for (size_t k = 0; k < f->m[i].n_names; k++)
			free(f->m[i].names[k]);
		for (size_t k = 0; k < f->m[i].n_units; k++)
			free(f->m[i].units[k]);
	}
	free(f->m);
	f->m = NULL;
	f->n_m = 0;
}

static oracle_matter *oracle_find(fixture *f, int64_t id)
{
	for (size_t i = 0; i < f->n_m; i++)
		if (f->m[i].id == id)
			return &f->m[i];
	return NULL;
}

/* Every matter with its party names and units, read straight from the tables (after each change). */
static void oracle_load(fixture *f)
{
	oracle_free(f);
	f->m = calloc(MAX_MATTERS, sizeof *f->m);
	assert_non_null(f->m);
	sqlite3 *h = open_raw(f);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT id, status='open' FROM matters ORDER BY id DESC", -1, &st, NULL),
	                 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		assert_true(f->n_m < MAX_MATTERS);
		f->m[f->n_m].id = sqlite3_column_int64(st, 0);
		f->m[f->n_m++].open = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	static const char *const sql[2] = { "SELECT matter_id, name FROM parties",
		                            "SELECT matter_id, unit_id FROM matter_units" };
	for (int k = 0; k < 2; k++) {
		assert_int_equal(sqlite3_prepare_v2(h, sql[k], -1, &st, NULL), SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			oracle_matter *m = oracle_find(f, sqlite3_column_int64(st, 0));
			assert_non_null(m);
			size_t *n = k ? &m->n_units : &m->n_names;
			assert_true(*n < MAX_ITEMS);
			(k ? m->units : m->names)[(*n)++] = strdup((const char *)sqlite3_column_text(st, 1));
		}
		sqlite3_finalize(st);
	}
	sqlite3_close(h);
}

static int oracle_sees(const principal *who, const oracle_matter *m, const char *name, const char *status)
{
	if (status && m->open != !strcmp(status, "open"))
		return 0;
	int named = 0;
	for (size_t k = 0; k < m->n_names && !named; k++)
		named = strstr(m->names[k], name) != NULL;
	for (size_t k = 0; named && k < m->n_units; k++)
		if (authz_unit_visible(who, m->units[k]))
			return 1;
	return 0;
}

static principal viewer(const char *unit_id)
{
	principal who = { 0 };
	snprintf(who.unit_id, sizeof who.unit_id, "%s", unit_id);
	who.roles = ROLE_SUPERVISOR | ROLE_HANDLER;
	return who;
}

/* matter_search for who and name (with status, limit, offset) against the oracle: total and page ids.
 * Returns the total; fails naming the case. */
static int64_t check_search(fixture *f, const char *unit_id, const char *name, const char *status, int limit,
                            int offset)
{
	principal who = viewer(unit_id);
	store_matter_query q = { .party = name, .status = status, .limit = limit, .offset = offset };
	arena *a = arena_new();
	json_t *out = NULL;
	err e = { 0 };
	assert_non_null(a);
	if (matter_search(f->db, &who, &q, a, &out, &e) != OK)
		fail_msg("%s searching %s: %s", unit_id, name, e.message);
	int64_t want = 0, got = json_integer_value(json_object_get(out, "total"));
	json_t *rows = json_object_get(out, "matters");
	size_t shown = 0;
	for (size_t i = 0; i < f->n_m; i++) {
		if (!oracle_sees(&who, &f->m[i], name, status))
			continue;
		if (want >= offset && want < offset + limit) {
			json_t *row = json_array_get(rows, shown++);
			int64_t id = row ? json_integer_value(json_object_get(row, "id")) : 0;
			if (id != f->m[i].id)
				fail_msg("%s searching %s (status %s, offset %d): row %zu is matter %lld, want %lld",
				         unit_id, name, status ? status : "any", offset, shown, (long long)id,
				         (long long)f->m[i].id);
		}
		want++;
	}
	if (got != want || json_array_size(rows) != shown)
		fail_msg("%s searching %s (status %s, offset %d): total %lld with %zu rows, want %lld with %zu",
		         unit_id, name, status ? status : "any", offset, (long long)got, json_array_size(rows),
		         (long long)want, shown);
	json_decref(out);
	arena_free(a);
	return got;
}

/* Each name for each viewer: a first page, a short page further on, open matters only. */
static void check_viewers(fixture *f, const char *const *units, size_t n_units, const char *const *names,
                          size_t n_names)
{
	for (size_t u = 0; u < n_units; u++)
		for (size_t k = 0; k < n_names; k++) {
			check_search(f, units[u], names[k], NULL, 20, 0);
			check_search(f, units[u], names[k], NULL, 3, 2);
			check_search(f, units[u], names[k], "open", 20, 0);
		}
}

/* expr of the first person party (by id) of a matter that passed through the fixture's county */
static void county_person(fixture *f, const char *expr, const char *and, char *out, size_t out_len)
{
	char sql[512];
	snprintf(sql, sizeof sql,
	         "SELECT %s FROM parties p JOIN matter_units mu ON mu.matter_id=p.matter_id JOIN units u ON"
	         " u.id=mu.unit_id WHERE u.area_code='%s' AND p.type='person' %s ORDER BY p.id LIMIT 1",
	         expr, f->county, and);
	sql_text(f, sql, out, out_len);
}

/* The first n characters of UTF-8 s. */
static void prefix_chars(const char *s, size_t n, char *out, size_t out_len)
{
	size_t i = 0;
	while (s[i] && n--)
		for (i++; (s[i] & 0xc0) == 0x80; i++)
			;
	snprintf(out, out_len, "%.*s", (int)i, s);
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	err e = { 0 };
	gen_stats st;
	gen_opts o = { .n_matters = 600, .seed = 3, .as_of = "2026-11-22", .batch = 100 };
	assert_non_null(f);
	test_tmpdir(f->dir, sizeof f->dir);
	char *argv[] = { "init", "--data-dir", f->dir, NULL };
	FILE *saved = stdout;
	stdout = fopen("/dev/null", "w");
	int rc = cli_init(3, argv);
	fclose(stdout);
	stdout = saved;
	assert_int_equal(rc, 0);
	assert_int_equal(cli_open_data(f->dir, &f->db, &e), OK);
	assert_int_equal(gen_region(f->db, &o, &st, &e), OK);
	/* the county most matters passed through, its league, and a county of another league */
	sql_text(f,
	         "SELECT u.area_code FROM matter_units mu JOIN units u ON u.id=mu.unit_id JOIN areas ar ON"
	         " ar.code=u.area_code WHERE ar.level='county' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
	         f->county, sizeof f->county);
	char sql[512];
	snprintf(sql, sizeof sql, "SELECT parent_code FROM areas WHERE code='%s'", f->county);
	sql_text(f, sql, f->league, sizeof f->league);
	snprintf(sql, sizeof sql,
	         "SELECT code FROM areas WHERE level='county' AND parent_code<>'%s' ORDER BY code LIMIT 1", f->league);
	sql_text(f, sql, f->other_county, sizeof f->other_county);
	/* names of parties of the county's matters: 1, 2 and 3 characters, a piece from inside a name */
	county_person(f, "substr(p.name,1,1)", "", f->n1, sizeof f->n1);
	county_person(f, "p.name", "AND length(p.name)=2", f->n2, sizeof f->n2);
	county_person(f, "substr(p.name,1,3)", "AND length(p.name)>=3", f->n3, sizeof f->n3);
	county_person(f, "substr(p.name,2,2)", "AND length(p.name)>=3", f->mid, sizeof f->mid);
	assert_true(*f->county && *f->league && *f->other_county && *f->n1 && *f->n2 && *f->n3 && *f->mid);
	snprintf(f->n4, sizeof f->n4, "%s甲", f->n3); /* a longer name that no party has */
	oracle_load(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	oracle_free(f);
	store_close(f->db);
	org_cache_free();
	tlog_free();
	test_rmdir(f->dir);
	free(f);
	return 0;
}

/* Committees, units and region-wide viewers of a county and its league, one to four characters. */
static void search_by_name_finds_what_each_viewer_may_see(void **state)
{
	fixture *f = *state;
	char units[14][40];
	static const char *const kinds[] = { "committee", "police", "procuratorate", "court", "justice_bureau" };
	size_t n = 0;
	for (size_t k = 0; k < 5; k++)
		snprintf(units[n++], sizeof units[0], "%s.%s", f->county, kinds[k]);
	for (size_t k = 0; k < 4; k++)
		snprintf(units[n++], sizeof units[0], "%s.%s", f->league, kinds[k]);
	snprintf(units[n++], sizeof units[0], "150000.committee");
	snprintf(units[n++], sizeof units[0], "150000.court");
	snprintf(units[n++], sizeof units[0], "150000.police");
	snprintf(units[n++], sizeof units[0], "%s.committee", f->other_county);
	snprintf(units[n++], sizeof units[0], "nosuch.unit"); /* no area: only its own (none) */
	const char *up[14];
	for (size_t i = 0; i < n; i++)
		up[i] = units[i];
	const char *names[] = { f->n1, f->n2, f->n3, f->n4, f->mid, "公司", "无此人名" };
	check_viewers(f, up, n, names, sizeof names / sizeof names[0]);
	/* and the search found something: a county committee sees the matters of its own parties */
	char c[40];
	snprintf(c, sizeof c, "%s.committee", f->county);
	assert_true(check_search(f, c, f->n2, NULL, 20, 0) > 0);
	assert_true(check_search(f, c, f->n3, NULL, 20, 0) > 0);
	assert_true(check_search(f, "150000.committee", f->n1, NULL, 20, 0) > 3);
}

/* A matter that gains a unit in a county of another league (its parties and grams long added) is
 * found there from then on: the matter_units trigger gave its grams the new scopes. */
static void search_by_name_follows_a_matter_into_another_county(void **state)
{
	fixture *f = *state;
	err e = { 0 };
	char sql[512], mid[24], name[120];
	snprintf(sql, sizeof sql,
	         "SELECT p.matter_id FROM parties p JOIN matter_units mu ON mu.matter_id=p.matter_id JOIN units u"
	         " ON u.id=mu.unit_id WHERE u.area_code='%s' AND p.type='person' ORDER BY p.matter_id LIMIT 1",
	         f->county);
	sql_text(f, sql, mid, sizeof mid);
	snprintf(sql, sizeof sql, "SELECT name FROM parties WHERE matter_id=%s ORDER BY ord LIMIT 1", mid);
	sql_text(f, sql, name, sizeof name);
	int64_t id = strtoll(mid, NULL, 10);
	const org_unit *court = org_unit_of(f->other_county, "court");
	assert_non_null(court);
	char committee[40], league_committee[40], police[40], other_area[8];
	snprintf(committee, sizeof committee, "%s.committee", f->other_county);
	snprintf(police, sizeof police, "%s.police", f->other_county);
	snprintf(sql, sizeof sql, "SELECT parent_code FROM areas WHERE code='%s'", f->other_county);
	sql_text(f, sql, other_area, sizeof other_area);
	snprintf(league_committee, sizeof league_committee, "%s.committee", other_area);
	const char *units[] = { committee, league_committee, court->id, police, "150000.court" };
	char two[16];
	prefix_chars(name, 2, two, sizeof two);
	const char *names[] = { name, two };
	principal c = viewer(committee), lc = viewer(league_committee);
	assert_false(oracle_sees(&c, oracle_find(f, id), name, NULL));
	check_viewers(f, units, 5, names, 2);
	/* the other county's court now holds it too (as a transfer across counties would record) */
	char now[32];
	util_now_iso(now, sizeof now);
	assert_int_equal(store_tx_begin(f->db, &e), OK);
	assert_int_equal(store_matter_unit_add(f->db, id, court->id, now, &e), OK);
	assert_int_equal(audit_record(f->db, principal_system(), "matter", mid, "matter.unit_added", NULL, NULL, &e),
	                 OK);
	assert_int_equal(store_tx_commit(f->db, &e), OK);
	oracle_load(f);
	assert_true(oracle_sees(&c, oracle_find(f, id), name, NULL));
	assert_true(oracle_sees(&lc, oracle_find(f, id), name, NULL));
	check_viewers(f, units, 5, names, 2);
}

/* A sub-unit's matter: the sub-unit and its parent unit see it (u.id LIKE 'parent.%', and the same
 * kind in the same area), the county's committee too; another kind of the same county does not. */
static void search_by_name_finds_a_sub_unit_matter(void **state)
{
	fixture *f = *state;
	err e = { 0 };
	char parent[40];
	snprintf(parent, sizeof parent, "%s.police", f->county);
	org_unit sub;
	assert_int_equal(org_unit_add(f->db, principal_system(), parent, "xz1", "刑侦大队", &sub, &e), OK);
	principal who = viewer(sub.id);
	matter_party_in p[2] = { { "person", "欧阳测试", "suspect", NULL, NULL },
		                 { "person", "欧阳", "victim", NULL, NULL } };
	matter_new in = { .kind = "criminal", .summary = "欧阳测试盗窃案", .parties = p, .n_parties = 2 };
	int64_t id;
	if (matter_file(f->db, &who, &in, &id, NULL, &e) != OK)
		fail_msg("filing as %s: %s", sub.id, e.message);
	oracle_load(f);
	char committee[40], procuratorate[40], league[40], other[40];
	snprintf(committee, sizeof committee, "%s.committee", f->county);
	snprintf(procuratorate, sizeof procuratorate, "%s.procuratorate", f->county);
	snprintf(league, sizeof league, "%s.police", f->league);
	snprintf(other, sizeof other, "%s.police", f->other_county);
	const char *units[] = {
		sub.id, parent, committee, procuratorate, league, other, "150000.police", "150000.court"
	};
	const char *names[] = { "欧", "欧阳", "阳测", "欧阳测", "欧阳测试" };
	check_viewers(f, units, 8, names, 5);
	assert_int_equal(check_search(f, parent, "欧阳", NULL, 20, 0), 1);
	assert_int_equal(check_search(f, sub.id, "欧阳测试", NULL, 20, 0), 1);
	assert_int_equal(check_search(f, procuratorate, "欧阳", NULL, 20, 0), 0);
}

/* What the triggers kept while the region was generated and changed equals what the migration's
 * backfill computes from parties and matter_units: the areas below the province each matter has been
 * in, and each two-character gram once per such area of its matter. */
static void search_scopes_kept_by_triggers_equal_the_backfill(void **state)
{
	fixture *f = *state;
	static const char matter_scopes[] =
	        "SELECT DISTINCT mu.matter_id, u.area_code FROM matter_units mu JOIN units u"
	        " ON u.id=mu.unit_id JOIN areas ar ON ar.code=u.area_code"
	        " WHERE ar.level<>'province'";
	static const char gram_scopes[] =
	        "SELECT g.gram, ms.scope, g.matter_id FROM party_grams g JOIN matter_scopes ms"
	        " ON ms.matter_id=g.matter_id WHERE length(g.gram)=2";
	char sql[2048], n[32];
	snprintf(sql, sizeof sql,
	         "SELECT (SELECT count(*) FROM (%s EXCEPT SELECT matter_id, scope FROM matter_scopes)) +"
	         " (SELECT count(*) FROM (SELECT matter_id, scope FROM matter_scopes EXCEPT %s))",
	         matter_scopes, matter_scopes);
	sql_text(f, sql, n, sizeof n);
	assert_string_equal(n, "0");
	snprintf(sql, sizeof sql,
	         "SELECT (SELECT count(*) FROM (%s EXCEPT SELECT gram, scope, matter_id FROM gram_scopes)) +"
	         " (SELECT count(*) FROM (SELECT gram, scope, matter_id FROM gram_scopes EXCEPT %s))",
	         gram_scopes, gram_scopes);
	sql_text(f, sql, n, sizeof n);
	assert_string_equal(n, "0");
	sql_text(f, "SELECT count(*) > 1000 FROM gram_scopes", n, sizeof n);
	assert_string_equal(n, "1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(search_by_name_finds_what_each_viewer_may_see),
		cmocka_unit_test(search_by_name_follows_a_matter_into_another_county),
		cmocka_unit_test(search_by_name_finds_a_sub_unit_matter),
		cmocka_unit_test(search_scopes_kept_by_triggers_equal_the_backfill),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
