/*
 * test_org.c - the region's organisation as seeded from the embedded divisions and court codes (116
 * areas, 580 units, five per area, a court code per court), the filters of org_unit_list, area
 * containment, adding sub-units, and allocation fault injection over org_unit_add.
 */
#include "testutil.h"

#include "cli/cli.h"
#include "core/log.h"
#include "core/mem.h"
#include "domain/org.h"

#include <jansson.h>

static char g_dir[64];
static store *g_db;

static int group_setup(void **state)
{
	(void)state;
	err e = { 0 };
	log_set_level(LOG_WARN);
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

static int64_t events(void)
{
	int64_t n = -1;
	err e = { 0 };
	if (store_event_count(g_db, &n, &e))
		fail_msg("event count: %s", e.message);
	return n;
}

/* Units in the store (not the cache) with this id. */
static int stored_units(const char *id)
{
	arena *a = arena_new();
	store_unit *v;
	size_t n;
	err e = { 0 };
	int found = 0;
	if (store_unit_list(g_db, a, &v, &n, &e))
		fail_msg("unit list: %s", e.message);
	for (size_t i = 0; i < n; i++)
		found += !strcmp(v[i].id, id);
	arena_free(a);
	return found;
}

/* Runs first, before any sub-unit exists. */
static void seed_gives_116_areas_and_five_units_each(void **state)
{
	(void)state;
	arena *a = arena_new();
	err e = { 0 };
	org_area *ar;
	size_t na;
	assert_int_equal(org_area_list(a, &ar, &na, &e), OK);
	assert_int_equal(na, 116);
	int levels[4] = { 0 };
	for (size_t i = 0; i < na; i++) {
		assert_true(ar[i].level >= LEVEL_PROVINCE && ar[i].level <= LEVEL_COUNTY);
		levels[ar[i].level]++;
		if (ar[i].level != LEVEL_PROVINCE) {
			const org_area *parent = org_area_find(ar[i].parent_code);
			if (!parent || parent->level != ar[i].level - 1)
				fail_msg("area %s has a wrong parent %s", ar[i].code, ar[i].parent_code);
		}
	}
	assert_int_equal(levels[LEVEL_PROVINCE], 1);
	assert_int_equal(levels[LEVEL_PREFECTURE], 12);
	assert_int_equal(levels[LEVEL_COUNTY], 103);

	org_unit *u;
	size_t nu;
	assert_int_equal(org_unit_list(NULL, NULL, 0, a, &u, &nu, &e), OK);
	assert_int_equal(nu, 580);
	for (size_t i = 0; i < na; i++) {
		org_unit *mine;
		size_t n;
		assert_int_equal(org_unit_list(ar[i].code, NULL, 0, a, &mine, &n, &e), OK);
		if (n != 5)
			fail_msg("area %s has %zu units", ar[i].code, n);
		for (int k = 0; k < 5; k++) {
			const org_unit *x = org_unit_of(ar[i].code, org_kinds[k]);
			char id[32];
			snprintf(id, sizeof id, "%s.%s", ar[i].code, org_kinds[k]);
			if (!x || strcmp(x->id, id) != 0)
				fail_msg("area %s lacks its %s", ar[i].code, org_kinds[k]);
			int court = !strcmp(org_kinds[k], "court");
			if (court != (x->court_code[0] != 0))
				fail_msg("unit %s: court code '%s'", x->id, x->court_code);
		}
	}
	/* Court codes are unique. */
	org_unit *courts;
	size_t nc;
	assert_int_equal(org_unit_list(NULL, "court", 0, a, &courts, &nc, &e), OK);
	assert_int_equal(nc, 116);
	for (size_t i = 0; i < nc; i++)
		for (size_t k = i + 1; k < nc; k++)
			if (!strcmp(courts[i].court_code, courts[k].court_code))
				fail_msg("%s and %s share the court code %s", courts[i].id, courts[k].id,
				         courts[i].court_code);
	arena_free(a);
}

static void seeded_names_and_court_codes(void **state)
{
	(void)state;
	static const struct {
		int row;
		const char *id, *name, *court_code;
	} cases[] = {
		{ 1, "152529.court", "正镶白旗人民法院", "内2529" },
		{ 2, "152500.court", "锡林郭勒盟中级人民法院", "内25" },
		{ 3, "150000.court", "内蒙古自治区高级人民法院", "内" },
		{ 4, "150103.police", "呼和浩特市公安局回民区分局", "" },
		{ 5, "150103.procuratorate", "呼和浩特市回民区人民检察院", "" },
		{ 6, "152500.committee", "中共锡林郭勒盟委政法委", "" },
		{ 7, "150000.justice_bureau", "内蒙古自治区司法厅", "" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const org_unit *u = org_unit_find(cases[i].id);
		if (!u)
			fail_msg("row %d: no unit %s", cases[i].row, cases[i].id);
		if (strcmp(u->name, cases[i].name) != 0)
			fail_msg("row %d: %s is named %s", cases[i].row, cases[i].id, u->name);
		if (strcmp(u->court_code, cases[i].court_code) != 0)
			fail_msg("row %d: %s has court code '%s'", cases[i].row, cases[i].id, u->court_code);
	}
	assert_string_equal(org_kind_label("court"), "法院");
	assert_string_equal(org_kind_label("army"), "?");
	assert_false(org_kind_valid("army"));
}

static void unit_list_filters_by_area_kind_and_below(void **state)
{
	(void)state;
	arena *a = arena_new();
	err e = { 0 };
	org_area *ar;
	size_t na, counties = 0;
	assert_int_equal(org_area_list(a, &ar, &na, &e), OK);
	for (size_t i = 0; i < na; i++)
		counties += !strcmp(ar[i].parent_code, "152500");
	assert_int_equal(counties, 12);
	org_unit *v;
	size_t n;
	assert_int_equal(org_unit_list("152500", NULL, 0, a, &v, &n, &e), OK);
	assert_int_equal(n, 5);
	assert_int_equal(org_unit_list("152500", NULL, 1, a, &v, &n, &e), OK);
	assert_true(n >= 5 * (1 + counties)); /* sub-units added by other tests may add to this */
	assert_int_equal(org_unit_list("152500", "court", 1, a, &v, &n, &e), OK);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(v[i].kind, "court");
	assert_true(n >= 1 + counties);
	assert_int_equal(org_unit_list("150000", "police", 1, a, &v, &n, &e), OK);
	assert_true(n >= 116);
	arena_free(a);
}

static void area_within_table(void **state)
{
	(void)state;
	static const struct {
		int row;
		const char *code, *ancestor;
		int within;
	} cases[] = {
		{ 1, "152529", "152529", 1 }, { 2, "152529", "152500", 1 }, { 3, "152529", "150000", 1 },
		{ 4, "152500", "152529", 0 }, { 5, "152529", "152528", 0 }, { 6, "150103", "152500", 0 },
		{ 7, "999999", "150000", 0 }, { 8, "", "150000", 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (org_area_within(cases[i].code, cases[i].ancestor) != cases[i].within)
			fail_msg("row %d: org_area_within(%s, %s) != %d", cases[i].row, cases[i].code,
			         cases[i].ancestor, cases[i].within);
}

static void seeding_twice_is_refused_and_changes_nothing(void **state)
{
	(void)state;
	err e = { 0 };
	int64_t before = events();
	assert_int_equal(org_seed(g_db, principal_system(), &e), E_CONFLICT);
	assert_int_equal(events(), before);
	assert_non_null(org_unit_find("152529.court"));
}

static void sub_unit_add_validates_and_writes_nothing_on_error(void **state)
{
	(void)state;
	static const struct {
		int row;
		const char *parent, *suffix, *name, *field;
		int rc;
	} cases[] = {
		{ 1, "999999.court", "zxj", "执行局", "parent_id", E_INVALID },
		{ 2, NULL, "zxj", "执行局", "parent_id", E_INVALID },
		{ 3, "152528.court", "", "执行局", "suffix", E_INVALID },
		{ 4, "152528.court", "ZXJ", "执行局", "suffix", E_INVALID },
		{ 5, "152528.court", "zx.j", "执行局", "suffix", E_INVALID },
		{ 6, "152528.court", "abcdefghijklmnopqrstuvwxyz0123456", "执行局", "suffix", E_INVALID }, /* 33 */
		{ 7, "152528.court", "zxj", "局", "name", E_INVALID },
		{ 8, "152528.court", "zxj", NULL, "name", E_INVALID },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		err e = { 0 };
		org_unit u;
		int64_t before = events();
		int rc =
		        org_unit_add(g_db, principal_system(), cases[i].parent, cases[i].suffix, cases[i].name, &u, &e);
		if (rc != cases[i].rc || strcmp(e.field, cases[i].field) != 0)
			fail_msg("row %d: gave %d field '%s', expected %d '%s' (%s)", cases[i].row, rc, e.field,
			         cases[i].rc, cases[i].field, e.message);
		if (events() != before)
			fail_msg("row %d: a refused add wrote an event", cases[i].row);
	}
}

static void sub_unit_inherits_kind_and_area_and_is_recorded(void **state)
{
	(void)state;
	err e = { 0 };
	org_unit u;
	principal admin = {
		.user_id = 42, .username = "xlgl.admin", .unit_id = "152500.committee", .roles = ROLE_ADMIN
	};
	int64_t before = events();
	assert_int_equal(org_unit_add(g_db, &admin, "152528.court", "zxj", "镶黄旗人民法院执行局", &u, &e), OK);
	assert_string_equal(u.id, "152528.court.zxj");
	assert_string_equal(u.kind, "court");
	assert_string_equal(u.area_code, "152528");
	assert_string_equal(u.parent_id, "152528.court");
	assert_string_equal(u.court_code, ""); /* the court code stays with the court */
	assert_int_equal(events(), before + 1);
	arena *a = arena_new();
	store_event ev;
	assert_int_equal(store_event_get(g_db, before + 1, a, &ev, &e), OK);
	assert_string_equal(ev.event_type, "unit.created");
	assert_string_equal(ev.entity_id, "152528.court.zxj");
	assert_int_equal(ev.actor_user_id, 42);
	assert_string_equal(ev.actor_unit_id, "152500.committee");
	assert_non_null(strstr(ev.payload, "镶黄旗人民法院执行局"));
	arena_free(a);

	const org_unit *found = org_unit_find("152528.court.zxj");
	assert_non_null(found);
	assert_string_equal(found->name, "镶黄旗人民法院执行局");
	assert_string_equal(org_unit_of("152528", "court")->id, "152528.court"); /* still the top unit */
	assert_int_equal(stored_units("152528.court.zxj"), 1);

	/* A second time is a conflict naming the suffix; a sub-unit of a sub-unit is fine. */
	before = events();
	assert_int_equal(org_unit_add(g_db, &admin, "152528.court", "zxj", "又一个执行局", &u, &e), E_CONFLICT);
	assert_string_equal(e.field, "suffix");
	assert_int_equal(events(), before);
	assert_int_equal(org_unit_add(g_db, &admin, "152528.court.zxj", "team1", "执行一组", &u, &e), OK);
	assert_string_equal(u.id, "152528.court.zxj.team1");
	assert_string_equal(u.parent_id, "152528.court.zxj");
}

/* Route jansson's allocations through mem_alloc as well, so the payload building fails under
 * injection too. */
static void *json_alloc_counted(size_t n)
{
	return mem_alloc(n);
}

static void sub_unit_add_under_allocation_failure_is_all_or_nothing(void **state)
{
	(void)state;
	err e = { 0 };
	org_unit u;
	json_set_alloc_funcs(json_alloc_counted, mem_free);
	long n;
	int rc = E_NOMEM;
	for (n = 0; n < 10000; n++) {
		int64_t before = events();
		mem_fail_after(n);
		rc = org_unit_add(g_db, principal_system(), "152527.court", "fault", "太仆寺旗人民法院执行局", &u, &e);
		mem_fail_after(-1);
		if (rc == OK)
			break;
		if (rc != E_NOMEM)
			fail_msg("N=%ld: org_unit_add gave %d (%s), expected E_NOMEM or OK", n, rc, e.message);
		if (events() != before)
			fail_msg("N=%ld: org_unit_add failed with E_NOMEM but its event was committed", n);
		if (stored_units("152527.court.fault"))
			fail_msg("N=%ld: org_unit_add failed but the unit was stored", n);
		if (org_unit_find("152527.court.fault"))
			fail_msg("N=%ld: org_unit_add failed but the unit is in the cache", n);
	}
	json_set_alloc_funcs(malloc, free);
	assert_int_equal(rc, OK);
	assert_true(n > 0);
	assert_non_null(org_unit_find("152527.court.fault"));
	assert_int_equal(stored_units("152527.court.fault"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seed_gives_116_areas_and_five_units_each),
		cmocka_unit_test(seeded_names_and_court_codes),
		cmocka_unit_test(unit_list_filters_by_area_kind_and_below),
		cmocka_unit_test(area_within_table),
		cmocka_unit_test(seeding_twice_is_refused_and_changes_nothing),
		cmocka_unit_test(sub_unit_add_validates_and_writes_nothing_on_error),
		cmocka_unit_test(sub_unit_inherits_kind_and_area_and_is_recorded),
		cmocka_unit_test(sub_unit_add_under_allocation_failure_is_all_or_nothing),
	};
	return cmocka_run_group_tests_name("org", tests, group_setup, group_teardown);
}
