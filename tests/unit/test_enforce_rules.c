/*
 * test_enforce_rules.c - the rules of issue #5 that test_enforce.c and test_enforce_close.c left
 * unasserted: per-kind time limits taken from the configuration, overdue assistance on both workbenches
 * and in the committee's supervision view with response times per police unit, the listing terms of the
 * six grounds (table, rows numbered), the grace between notice and publication, the public query and
 * the restriction check by credit code (also an all-digit one), removal by revocation and its
 * publication, the funds time limit, a reconciliation that finds a difference, and the funds figures of
 * the metrics.
 */
#include "enforce_fixture.h"

#include "domain/assist.h"
#include "domain/control.h"
#include "domain/debtor.h"
#include "domain/enforce.h"
#include "domain/ident.h"
#include "domain/ledger.h"

#define COURT "152529.court"
#define POLICE "152529.police"
#define ADULT "152529198503150029"
#define COMPANY "9315020216QU90AW99"
#define DIGITS_COMPANY "914403001922038216" /* a valid credit code of digits only */

static efix F;
static enforce_settings S;
static principal handler, police;

static int setup(void **state)
{
	(void)state;
	efix_open(&F, 0);
	enforce_settings_default(&S);
	handler = efix_who(1, COURT, ROLE_HANDLER);
	police = efix_who(2, POLICE, ROLE_HANDLER);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	efix_close(&F);
	return 0;
}

static int64_t count(const char *sql)
{
	return efix_count(&F, sql);
}

static json_t *find_by(json_t *arr, const char *field, const char *value)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		const char *s = json_string_value(json_object_get(v, field));
		if (s && !strcmp(s, value))
			return v;
	}
	return NULL;
}

/* ---- assistance: time limits from the configuration ---- */
static void assistance_limits_follow_the_configured_days_per_kind(void **state)
{
	(void)state;
	err e = { 0 };
	config cfg;
	config_defaults(&cfg);
	/* the defaults: 5 working days, detention the same day */
	enforce_settings d;
	enforce_settings_from_config(&cfg, &d);
	for (int k = 0; k < ASSIST__COUNT; k++)
		if (d.assist_days[k] != (k == ASSIST_DETAIN ? 0 : 5))
			fail_msg("default of %s: %d", assist_kind_names[k], d.assist_days[k]);
	assert_int_equal(d.funds_due_days, 30);
	/* one setting per kind */
	assert_int_equal(config_set(&cfg, "assist-locate-days", "2", &e), OK);
	assert_int_equal(config_set(&cfg, "assist-detain-days", "1", &e), OK);
	assert_int_equal(config_set(&cfg, "assist-vehicles-days", "61", &e), E_INVALID);
	enforce_settings s;
	enforce_settings_from_config(&cfg, &s);
	int64_t debtor;
	int64_t m = efix_matter(&F, COURT, "被执行人子", ADULT, "2024-09-01", &debtor);
	int64_t order = efix_detention(&F, &handler, m, debtor, "（2024）内2529司惩3号", "2024-09-27", "2024-10-11");
	const char *kinds[] = { "locate", "vehicles", "detain" };
	arena *a = arena_new();
	store_assist_item *items;
	size_t n;
	efix_request(&F, &handler, &s, m, POLICE, debtor, kinds, 3, order, "2024-09-27", a, &items, &n);
	assert_int_equal(n, 3);
	/* sent Fri 27 Sep 2024; Sun 29 Sep is a working day, 1-7 Oct the National Day holiday */
	static const struct {
		const char *kind, *due;
	} want[] = {
		/* 1 */ { "locate", "2024-09-30" },   /* configured: 2 working days */
		/* 2 */ { "vehicles", "2024-10-10" }, /* the default: 5 working days */
		/* 3 */ { "detain", "2024-09-29" },   /* configured: 1 working day */
	};
	for (size_t i = 0; i < 3; i++) {
		size_t k = 0;
		while (k < n && strcmp(items[k].kind, want[i].kind))
			k++;
		if (k == n || strcmp(items[k].due_on, want[i].due))
			fail_msg("row %zu (%s): due %s, want %s", i + 1, want[i].kind, k < n ? items[k].due_on : "-",
			         want[i].due);
	}
	/* by default a detention is due the day it is sent, a holiday too (not put off: 当日办理) */
	const char *detain[] = { "detain" };
	efix_request(&F, &handler, &S, m, POLICE, debtor, detain, 1, order, "2024-10-02", a, &items, &n);
	assert_int_equal(n, 1);
	assert_string_equal(items[0].due_on, "2024-10-02");
	arena_free(a);
}

/* ---- overdue assistance on both workbenches and in supervision ---- */
static void overdue_assistance_shows_on_both_workbenches_and_in_supervision_with_response_times(void **state)
{
	(void)state;
	err e = { 0 };
	const char *court = "152502.court", *pol = "152502.police";
	assert_non_null(org_unit_find(court));
	assert_non_null(org_unit_find(pol));
	principal ch = efix_who(20, court, ROLE_HANDLER), ph = efix_who(21, pol, ROLE_HANDLER);
	int64_t debtor;
	int64_t m = efix_matter(&F, court, "被执行人丑", ADULT, "2026-02-02", &debtor);
	const char *kinds[] = { "locate", "consumption", "movement" };
	arena *a = arena_new();
	store_assist_item *items;
	size_t n;
	/* sent Mon 2 Mar 2026: due Mon 9 Mar (5 working days) */
	int64_t rid = efix_request(&F, &ch, &S, m, pol, debtor, kinds, 3, 0, "2026-03-02", a, &items, &n);
	assert_int_equal(n, 3);
	assert_string_equal(items[0].due_on, "2026-03-09");
	int64_t pending_id = 0;
	for (size_t i = 0; i < n; i++) {
		const char *on = !strcmp(items[i].kind, "locate")        ? "2026-03-04" /* 2 days, on time */
		                 : !strcmp(items[i].kind, "consumption") ? "2026-03-12" /* 10 days, late */
		                                                         : NULL;
		if (!on) {
			pending_id = items[i].id;
			continue;
		}
		assist_answer_in ans = { .item_id = items[i].id, .found = 0 };
		assert_int_equal(assist_answer(F.db, &ph, rid, &ans, 1, on, &e), OK);
	}
	json_t *out = NULL;
	/* the police unit's workbench: the item to answer, overdue */
	assert_int_equal(enforce_workbench(F.db, &ph, a, &out, &e), OK);
	json_t *over = json_object_get(json_object_get(out, "assistance_overdue"), "items");
	assert_int_equal(json_array_size(over), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(over, 0), "id")), pending_id);
	assert_true(json_is_true(json_object_get(json_array_get(over, 0), "overdue")));
	json_decref(out);
	/* the court's workbench: the request, to chase */
	assert_int_equal(enforce_workbench(F.db, &ch, a, &out, &e), OK);
	json_t *reqs = json_object_get(json_object_get(out, "assistance_overdue"), "requests");
	assert_int_equal(json_array_size(reqs), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(reqs, 0), "id")), rid);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(reqs, 0), "n_overdue")), 1);
	json_decref(out);
	/* the committee's supervision view: the count per unit, the item itself, the response times */
	assert_int_equal(enforce_supervision(F.db, "152502", a, &out, &e), OK);
	json_t *row = find_by(json_object_get(out, "units"), "unit_id", pol);
	assert_non_null(row);
	assert_int_equal(json_integer_value(json_object_get(row, "assist_pending")), 1);
	assert_int_equal(json_integer_value(json_object_get(row, "assist_overdue")), 1);
	json_t *late = json_object_get(out, "assistance_overdue");
	assert_int_equal(json_integer_value(json_object_get(late, "total")), 1);
	json_t *it = json_array_get(json_object_get(late, "items"), 0);
	assert_int_equal(json_integer_value(json_object_get(it, "id")), pending_id);
	assert_non_null(strstr(json_string_value(json_object_get(it, "id_number")), "****"));
	json_t *st = find_by(json_object_get(json_object_get(out, "assistance_response"), "units"), "unit_id", pol);
	assert_non_null(st);
	assert_int_equal(json_integer_value(json_object_get(st, "items")), 3);
	assert_int_equal(json_integer_value(json_object_get(st, "answered")), 2);
	assert_int_equal(json_integer_value(json_object_get(st, "answered_late")), 1);
	assert_int_equal(json_integer_value(json_object_get(st, "overdue")), 1);
	assert_float_equal(json_real_value(json_object_get(st, "on_time_rate")), 0.5, 1e-9);
	assert_float_equal(json_real_value(json_object_get(st, "avg_days")), 6.0, 1e-6); /* (2 + 10) / 2 */
	assert_float_equal(json_real_value(json_object_get(st, "max_days")), 10.0, 1e-6);
	/* a unit that has answered nothing has no on-time rate and no response time, not 0 */
	json_t *tot = json_object_get(json_object_get(out, "assistance_response"), "totals");
	assert_int_equal(json_integer_value(json_object_get(tot, "answered")), 2);
	json_decref(out);
	const char *kinds2[] = { "vehicles" };
	int64_t debtor2, rid2;
	int64_t m2 = efix_matter(&F, "152525.court", "被执行人酉", ADULT, "2026-02-02", &debtor2);
	assist_debtor_in d2 = { .party_id = debtor2, .kinds = kinds2, .n_kinds = 1 };
	assist_new in2 = { .matter_id = m2,
		           .police_unit_id = "152525.police",
		           .basis = "协助执行通知书",
		           .debtors = &d2,
		           .n_debtors = 1,
		           .on = "2026-03-02" };
	principal ch2 = efix_who(22, "152525.court", ROLE_HANDLER);
	assert_int_equal(assist_request_create(F.db, &ch2, &S, &in2, &rid2, &e), OK);
	assert_int_equal(enforce_supervision(F.db, "152525", a, &out, &e), OK);
	st = find_by(json_object_get(json_object_get(out, "assistance_response"), "units"), "unit_id", "152525.police");
	assert_non_null(st);
	assert_int_equal(json_integer_value(json_object_get(st, "overdue")), 1);
	assert_true(json_is_null(json_object_get(st, "on_time_rate")));
	assert_true(json_is_null(json_object_get(st, "avg_days")));
	json_decref(out);
	/* the league's view holds its counties' items too; another county's does not */
	assert_int_equal(enforce_supervision(F.db, "152500", a, &out, &e), OK);
	assert_true(json_integer_value(json_object_get(json_object_get(out, "assistance_overdue"), "total")) >= 1);
	json_decref(out);
	assert_int_equal(enforce_supervision(F.db, "152531", a, &out, &e), OK);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(out, "assistance_overdue"), "total")), 0);
	json_decref(out);
	arena_free(a);
}

/* ---- listing terms of the six grounds ---- */
static void listing_terms_follow_the_ground_and_the_extension(void **state)
{
	(void)state;
	static const struct {
		const char *ground;
		int extra;
		int rc;
		const char *field, *expires; /* NULL: no fixed term */
	} rows[] = {
		/* 1 */ { "refuses_despite_ability", 0, OK, NULL, NULL },
		/* 2 */ { "obstructs_by_violence", 0, OK, NULL, "2027-03-09" },
		/* 3 */ { "evades_by_sham", 1, OK, NULL, "2028-03-09" },
		/* 4 */ { "breaches_asset_report", 3, OK, NULL, "2030-03-09" },
		/* 5 */ { "breaches_consumption_restriction", 2, OK, NULL, "2029-03-09" },
		/* 6 */ { "breaches_settlement", 0, OK, NULL, "2027-03-09" },
		/* 7 */ { "breaches_settlement", 4, E_INVALID, "extra_years", NULL },
		/* 8 */ { "refuses_despite_ability", 1, E_INVALID, "extra_years", NULL },
		/* 9 */ { "owes_money", 0, E_INVALID, "ground", NULL },
	};
	arena *a = arena_new();
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		err e = { 0 };
		int64_t debtor, id = 0;
		int64_t m = efix_matter(&F, COURT, "被执行人寅", ADULT, "2025-01-06", &debtor);
		debtor_listing_new in = { .matter_id = m,
			                  .party_id = debtor,
			                  .ground = rows[i].ground,
			                  .conduct = "失信行为的具体情形",
			                  .obligation = "偿还借款 3000 元",
			                  .source_doc_number = "（2024）内2529民初3号",
			                  .source_doc_issuer = "正镶白旗人民法院",
			                  .extra_years = rows[i].extra,
			                  .extra_reason = rows[i].extra ? "具有多项失信行为" : NULL,
			                  .decided_on = "2025-03-10" };
		int rc = debtor_list(F.db, &handler, &in, &id, &e);
		if (rc != rows[i].rc || (rows[i].field && strcmp(e.field, rows[i].field)))
			fail_msg("row %zu (%s +%d): rc %d field %s (%s)", i + 1, rows[i].ground, rows[i].extra, rc,
			         e.field, e.message);
		if (rc)
			continue;
		store_listing l;
		assert_int_equal(store_listing_get(F.db, id, a, &l, &e), OK);
		if ((rows[i].expires == NULL) != (l.expires_on == NULL) ||
		    (rows[i].expires && strcmp(rows[i].expires, l.expires_on)))
			fail_msg("row %zu (%s +%d): expires %s, want %s", i + 1, rows[i].ground, rows[i].extra,
			         l.expires_on ? l.expires_on : "never", rows[i].expires ? rows[i].expires : "never");
	}
	arena_free(a);
}

/* ---- notice, then the grace period, then publication ---- */
static void listing_waits_the_configured_grace_after_notice_before_it_is_public(void **state)
{
	(void)state;
	err e = { 0 };
	config cfg;
	config_defaults(&cfg);
	assert_int_equal(config_set(&cfg, "debtor-grace-days", "5", &e), OK);
	enforce_settings s;
	enforce_settings_from_config(&cfg, &s);
	char id[19] = "152529199202020081", today[11], publish[11], before[11];
	legal_today(today);
	enforce_add_days(today, 5, publish);
	enforce_add_days(today, 4, before);
	int64_t debtor, lid;
	int64_t m = efix_matter(&F, COURT, "被执行人卯", id, "2025-01-06", &debtor);
	debtor_listing_new in = { .matter_id = m,
		                  .party_id = debtor,
		                  .ground = "breaches_asset_report",
		                  .conduct = "拒不报告财产",
		                  .obligation = "偿还借款 3000 元",
		                  .source_doc_number = "（2024）内2529民初4号",
		                  .source_doc_issuer = "正镶白旗人民法院" };
	assert_int_equal(debtor_list(F.db, &handler, &in, &lid, &e), OK);
	assert_int_equal(debtor_notice(F.db, &handler, &s, lid, NULL, "直接送达", &e), OK);
	arena *a = arena_new();
	store_listing l;
	assert_int_equal(store_listing_get(F.db, lid, a, &l, &e), OK);
	assert_string_equal(l.publish_on, publish);
	assert_string_equal(debtor_listing_state(&l, today), "unpublished");
	assert_string_equal(debtor_listing_state(&l, before), "unpublished");
	assert_string_equal(debtor_listing_state(&l, publish), "published");
	json_t *out = NULL;
	assert_int_equal(debtor_public_query(F.db, NULL, id, a, &out, &e), OK);
	assert_int_equal(json_array_size(json_object_get(out, "results")), 0);
	json_decref(out);
	/* not public yet, but restrictive from the decision (法释〔2017〕7号 art. 5) */
	debtor_check_in ck = {
		.id_number = id, .category = "high_speed_rail", .purpose = "购票核验", .basis = "实名制"
	};
	assert_int_equal(debtor_restriction_check(F.db, &handler, &ck, a, &out, &e), OK);
	assert_true(json_is_true(json_object_get(out, "restricted")));
	json_decref(out);
	arena_free(a);
}

/* ---- the public query and the restriction check by credit code ---- */
static void public_query_finds_a_company_by_credit_code_masked_even_all_digits(void **state)
{
	(void)state;
	static const char *const codes[] = { COMPANY, DIGITS_COMPANY };
	enforce_settings s = S;
	s.debtor_grace_days = 0;
	arena *a = arena_new();
	for (size_t i = 0; i < 2; i++) {
		err e = { 0 };
		char masked[40];
		ident_mask_credit_code(codes[i], masked, sizeof masked);
		int64_t debtor, lid;
		int64_t m = efix_matter(&F, COURT, i ? "某科技有限公司" : "某商贸有限公司", codes[i], "2025-01-06",
		                        &debtor);
		debtor_listing_new in = { .matter_id = m,
			                  .party_id = debtor,
			                  .ground = "evades_by_sham",
			                  .conduct = "转移财产规避执行",
			                  .obligation = "支付货款 80000 元",
			                  .source_doc_number = "（2024）内2529民初8号",
			                  .source_doc_issuer = "正镶白旗人民法院",
			                  .legal_representative = "王某" };
		if (debtor_list(F.db, &handler, &in, &lid, &e) != OK)
			fail_msg("row %zu: %s (%s)", i + 1, e.message, e.field);
		assert_int_equal(debtor_notice(F.db, &handler, &s, lid, NULL, "邮寄送达", &e), OK);
		json_t *out = NULL;
		if (debtor_public_query(F.db, NULL, codes[i], a, &out, &e) != OK)
			fail_msg("row %zu: public query: %s (%s)", i + 1, e.message, e.field);
		json_t *res = json_object_get(out, "results");
		assert_int_equal(json_array_size(res), 1);
		json_t *r0 = json_array_get(res, 0);
		assert_string_equal(json_string_value(json_object_get(r0, "id_number")), masked);
		assert_string_not_equal(masked, codes[i]);
		assert_string_equal(json_string_value(json_object_get(r0, "legal_representative")), "王某");
		char *text = json_dumps(out, 0);
		assert_null(strstr(text, codes[i])); /* the full code appears nowhere */
		free(text);
		json_decref(out);
		debtor_check_in ck = { .id_number = codes[i],
			               .category = "property_purchase",
			               .purpose = "不动产登记",
			               .basis = "登记审核" };
		if (debtor_restriction_check(F.db, &handler, &ck, a, &out, &e) != OK)
			fail_msg("row %zu: restriction check: %s (%s)", i + 1, e.message, e.field);
		assert_true(json_is_true(json_object_get(out, "restricted")));
		assert_string_equal(json_string_value(json_object_get(out, "id_number")), masked);
		json_decref(out);
		/* an assistance request imported from CSV takes the code as a company's */
		char csv[120];
		snprintf(csv, sizeof csv, "name,id_number\n某公司,%s\n", codes[i]);
		const char *vehicles[] = { "vehicles" };
		assist_new an = { .matter_id = m,
			          .police_unit_id = POLICE,
			          .basis = "协助执行通知书",
			          .csv = csv,
			          .csv_kinds = vehicles,
			          .n_csv_kinds = 1 };
		int64_t rid;
		if (assist_request_create(F.db, &handler, &S, &an, &rid, &e) != OK)
			fail_msg("row %zu: csv: %s (%s)", i + 1, e.message, e.field);
		store_assist_item *items;
		size_t n;
		assert_int_equal(store_assist_item_list(F.db, rid, a, &items, &n, &e), OK);
		assert_int_equal(n, 1);
		assert_string_equal(items[0].id_type, "credit_code");
	}
	/* an ID number with a wrong check character is not taken for a company */
	err e = { 0 };
	json_t *out = NULL;
	assert_int_equal(debtor_public_query(F.db, NULL, "152529199007070066", a, &out, &e), E_INVALID);
	assert_string_equal(e.field, "id_number");
	assert_non_null(strstr(e.message, "校验位"));
	arena_free(a);
}

/* ---- removal by revocation, published ---- */
static void revoked_and_expired_listings_are_removed_and_the_removals_published(void **state)
{
	(void)state;
	err e = { 0 };
	enforce_settings s = S;
	s.debtor_grace_days = 0;
	char id[19] = "152529197511110073";
	int64_t debtor, lid;
	int64_t m = efix_matter(&F, COURT, "被执行人辰", id, "2025-01-06", &debtor);
	debtor_listing_new in = { .matter_id = m,
		                  .party_id = debtor,
		                  .ground = "breaches_settlement",
		                  .conduct = "拒不履行和解协议",
		                  .obligation = "偿还借款 3000 元",
		                  .source_doc_number = "（2024）内2529民初5号",
		                  .source_doc_issuer = "正镶白旗人民法院" };
	assert_int_equal(debtor_list(F.db, &handler, &in, &lid, &e), OK);
	assert_int_equal(debtor_notice(F.db, &handler, &s, lid, NULL, "直接送达", &e), OK);
	arena *a = arena_new();
	json_t *out = NULL;
	assert_int_equal(debtor_public_query(F.db, NULL, id, a, &out, &e), OK);
	assert_int_equal(json_array_size(json_object_get(out, "results")), 1);
	json_decref(out);
	assert_int_equal(debtor_remove(F.db, &handler, lid, "performed", "理由", &e), E_INVALID);
	assert_string_equal(e.field, "reason");
	assert_int_equal(debtor_remove(F.db, &handler, lid, "revoked", "", &e), E_INVALID);
	assert_string_equal(e.field, "note");
	assert_int_equal(debtor_remove(F.db, &handler, lid, "revoked", "和解协议已履行完毕，不应纳入", &e), OK);
	assert_int_equal(debtor_remove(F.db, &handler, lid, "revoked", "再次删除", &e), E_CONFLICT);
	store_listing l;
	assert_int_equal(store_listing_get(F.db, lid, a, &l, &e), OK);
	assert_string_equal(l.status, "removed");
	assert_string_equal(l.removal_reason, "revoked");
	char sql[200];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM events WHERE entity_type='debtor_listing' AND entity_id='%lld' AND "
	         "event_type='debtor.removed'",
	         (long long)lid);
	assert_int_equal(count(sql), 1);
	/* gone from the list, not restrictive any more, and the removal is public */
	assert_int_equal(debtor_public_query(F.db, NULL, id, a, &out, &e), OK);
	assert_int_equal(json_array_size(json_object_get(out, "results")), 0);
	json_decref(out);
	debtor_check_in ck = { .id_number = id, .category = "flights", .purpose = "购票核验", .basis = "实名制" };
	assert_int_equal(debtor_restriction_check(F.db, &handler, &ck, a, &out, &e), OK);
	assert_true(json_is_false(json_object_get(out, "restricted")));
	json_decref(out);
	assert_int_equal(debtor_public_removals(F.db, NULL, a, &out, &e), OK);
	json_t *r = find_by(json_object_get(out, "removals"), "name", "被执行人辰");
	assert_non_null(r);
	assert_string_equal(json_string_value(json_object_get(r, "removal_reason")), "撤销");
	json_decref(out);
	/* a listing whose two years ran out about ten days ago is published as removed on expiry, sweep or not */
	char today[11], decided[11], ended[11];
	legal_today(today);
	cal_date t;
	cal_date_parse(today, NULL, &t, NULL);
	legal_format(cal_date_add_days(cal_date_add_months(t, -24, 0), -10), decided);
	char id2[19] = "152529199202020081";
	int64_t debtor2, lid2;
	int64_t m2 = efix_matter(&F, COURT, "被执行人亥", id2, "2023-01-05", &debtor2);
	in.matter_id = m2;
	in.party_id = debtor2;
	in.decided_on = decided;
	assert_int_equal(debtor_list(F.db, &handler, &in, &lid2, &e), OK);
	assert_int_equal(debtor_notice(F.db, &handler, &s, lid2, decided, "直接送达", &e), OK);
	assert_int_equal(store_listing_get(F.db, lid2, a, &l, &e), OK);
	assert_true(strcmp(l.expires_on, today) < 0);
	enforce_add_days(l.expires_on, 1, ended); /* removed on the day after the last */
	assert_int_equal(debtor_public_query(F.db, NULL, id2, a, &out, &e), OK);
	assert_int_equal(json_array_size(json_object_get(out, "results")), 0);
	json_decref(out);
	assert_int_equal(debtor_public_removals(F.db, NULL, a, &out, &e), OK);
	r = find_by(json_object_get(out, "removals"), "name", "被执行人亥");
	assert_non_null(r);
	assert_string_equal(json_string_value(json_object_get(r, "removal_reason")), "期限届满");
	assert_string_equal(json_string_value(json_object_get(r, "removed_on")), ended);
	json_decref(out);
	arena_free(a);
}

/* ---- the funds time limit ---- */
static void receipt_is_overdue_after_the_configured_days_and_shows_on_the_workbench(void **state)
{
	(void)state;
	err e = { 0 };
	const char *court = "152530.court";
	assert_non_null(org_unit_find(court));
	principal f = efix_who(40, court, ROLE_FUND_OFFICER);
	int64_t m = efix_matter(&F, court, "被执行人巳", ADULT, "2026-01-05", NULL);
	char today[11], long_ago[11], recent[11];
	legal_today(today);
	enforce_add_days(today, -45, long_ago);
	enforce_add_days(today, -5, recent);
	static const struct {
		const char *key, *received_on, *due;
	} rows[] = {
		/* 1 */ { "due-rule-0001", "2026-06-01", "2026-07-01" }, /* Mon + 30 days: Wed */
		/* 2 */ { "due-rule-0002", "2026-06-04", "2026-07-06" }, /* + 30 is Sat 4 Jul: the next working day */
	};
	json_t *out = NULL;
	int replayed;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		ledger_receipt_in r = { .key = rows[i].key,
			                .matter_id = m,
			                .source = "debtor_payment",
			                .amount = 1000,
			                .received_on = rows[i].received_on };
		assert_int_equal(ledger_receipt(F.db, &f, &S, &r, &out, &replayed, &e), OK);
		if (strcmp(json_string_value(json_object_get(out, "due_on")), rows[i].due))
			fail_msg("row %zu: due %s, want %s", i + 1, json_string_value(json_object_get(out, "due_on")),
			         rows[i].due);
		json_decref(out);
	}
	ledger_receipt_in old = { .key = "due-rule-old1",
		                  .matter_id = m,
		                  .source = "debtor_payment",
		                  .amount = 2000,
		                  .received_on = long_ago };
	ledger_receipt_in fresh = { .key = "due-rule-new1",
		                    .matter_id = m,
		                    .source = "debtor_payment",
		                    .amount = 3000,
		                    .received_on = recent };
	assert_int_equal(ledger_receipt(F.db, &f, &S, &old, &out, &replayed, &e), OK);
	int64_t old_id = json_integer_value(json_object_get(out, "id"));
	assert_true(json_is_true(json_object_get(out, "overdue")));
	json_decref(out);
	assert_int_equal(ledger_receipt(F.db, &f, &S, &fresh, &out, &replayed, &e), OK);
	int64_t fresh_id = json_integer_value(json_object_get(out, "id"));
	assert_true(json_is_false(json_object_get(out, "overdue")));
	json_decref(out);
	/* with a limit of 3 days the recent one is overdue too */
	enforce_settings s3 = S;
	s3.funds_due_days = 3;
	ledger_receipt_in fresh3 = fresh;
	fresh3.key = "due-rule-new3";
	enforce_add_days(today, -20, recent);
	fresh3.received_on = recent;
	assert_int_equal(ledger_receipt(F.db, &f, &s3, &fresh3, &out, &replayed, &e), OK);
	assert_true(json_is_true(json_object_get(out, "overdue")));
	json_decref(out);
	arena *a = arena_new();
	assert_int_equal(enforce_workbench(F.db, &f, a, &out, &e), OK);
	json_t *over = json_object_get(json_object_get(out, "funds_overdue"), "receipts");
	size_t i;
	json_t *v;
	int saw_old = 0, saw_fresh = 0;
	json_array_foreach(over, i, v)
	{
		saw_old |= json_integer_value(json_object_get(v, "id")) == old_id;
		saw_fresh |= json_integer_value(json_object_get(v, "id")) == fresh_id;
	}
	assert_true(saw_old);
	assert_false(saw_fresh);
	json_decref(out);
	/* the committee sees the court's overdue count and amount: rows 1, 2, the old one, the 3-day one */
	assert_int_equal(enforce_supervision(F.db, "152530", a, &out, &e), OK);
	json_t *row = find_by(json_object_get(out, "units"), "unit_id", court);
	assert_non_null(row);
	assert_int_equal(json_integer_value(json_object_get(row, "funds_overdue_n")), 4);
	assert_int_equal(json_integer_value(json_object_get(row, "funds_overdue_amount")), 1000 + 1000 + 2000 + 3000);
	json_decref(out);
	arena_free(a);
}

/* ---- reconciliation ---- */
static void reconciliation_balances_per_account_and_reports_a_tampered_total(void **state)
{
	(void)state;
	err e = { 0 };
	const char *court = "152531.court";
	assert_non_null(org_unit_find(court));
	principal f = efix_who(50, court, ROLE_FUND_OFFICER);
	int64_t m = efix_matter(&F, court, "被执行人午", ADULT, "2026-01-05", NULL);
	json_t *out = NULL;
	int replayed;
	ledger_receipt_in r1 = { .key = "recon-r-0001", .matter_id = m, .source = "debtor_payment", .amount = 40000 };
	ledger_receipt_in r2 = {
		.key = "recon-r-0002", .court_unit_id = court, .source = "bank_deduction", .amount = 500
	};
	assert_int_equal(ledger_receipt(F.db, &f, &S, &r1, &out, &replayed, &e), OK);
	json_decref(out);
	assert_int_equal(ledger_receipt(F.db, &f, &S, &r2, &out, &replayed, &e), OK);
	json_decref(out);
	assert_int_equal(ledger_reconcile(F.db, &f, court, NULL, &out, &e), OK);
	assert_true(json_is_true(json_object_get(out, "ok")));
	size_t i;
	json_t *v;
	int64_t in_sum = 0;
	json_array_foreach(json_object_get(out, "accounts"), i, v)
	{
		int64_t o = json_integer_value(json_object_get(v, "opening")),
		        in = json_integer_value(json_object_get(v, "in")),
		        x = json_integer_value(json_object_get(v, "out")),
		        c = json_integer_value(json_object_get(v, "closing"));
		if (o + in - x != c)
			fail_msg("account %zu: %lld + %lld - %lld != %lld", i, (long long)o, (long long)in,
			         (long long)x, (long long)c);
		if (strcmp(json_string_value(json_object_get(v, "kind")), "bank"))
			in_sum += in;
	}
	assert_int_equal(in_sum, 40500);
	json_t *t = json_object_get(out, "totals");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(t, "bank"), "closing")),
	                 json_integer_value(json_object_get(json_object_get(t, "held"), "closing")));
	json_decref(out);
	/* a running total changed behind the ledger's back is found and reported, not hidden */
	char sql[200];
	snprintf(sql, sizeof sql,
	         "UPDATE ledger_accounts SET credit_total=credit_total+7 WHERE kind='matter' AND matter_id=%lld",
	         (long long)m);
	assert_int_equal(sqlite3_exec(F.db->h, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(ledger_reconcile(F.db, &f, court, NULL, &out, &e), OK);
	assert_true(json_is_false(json_object_get(out, "ok")));
	json_t *diffs = json_object_get(out, "differences");
	assert_non_null(find_by(diffs, "check", "running_totals"));
	assert_non_null(find_by(diffs, "check", "held_by_receipts"));
	assert_non_null(find_by(diffs, "check", "assets_equal_liabilities"));
	json_decref(out);
	assert_int_equal(ledger_check_all(F.db, &e), E_INTEGRITY);
	snprintf(sql, sizeof sql,
	         "UPDATE ledger_accounts SET credit_total=credit_total-7 WHERE kind='matter' AND matter_id=%lld",
	         (long long)m);
	assert_int_equal(sqlite3_exec(F.db->h, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(ledger_check_all(F.db, &e), OK);
}

/* ---- the funds figures of the metrics ---- */
static void metrics_count_funds_received_disbursed_refunded_overdue_and_unidentified(void **state)
{
	(void)state;
	err e = { 0 };
	const char *court = "152528.court";
	assert_non_null(org_unit_find(court));
	principal h = efix_who(60, court, ROLE_HANDLER), f = efix_who(61, court, ROLE_FUND_OFFICER),
	          rv = efix_who(62, court, ROLE_REVIEWER);
	int64_t m = efix_matter(&F, court, "被执行人未", ADULT, "2026-03-02", NULL);
	arena *a = arena_new();
	json_t *out = NULL;
	int replayed;
	assert_int_equal(ledger_account_open(F.db, &h, m, 100000, a, &out, &e), OK);
	json_decref(out);
	static const ledger_receipt_in rin[] = {
		{ .key = "met-r-0001", .source = "debtor_payment", .amount = 80000, .received_on = "2026-03-02" },
		{ .key = "met-r-0002", .source = "court_fee", .amount = 5000, .received_on = "2026-03-03" },
		{ .key = "met-r-0003", .source = "bank_deduction", .amount = 7000, .received_on = "2026-03-04" },
		{ .key = "met-r-0004", .source = "debtor_payment", .amount = 9000, .received_on = "2026-07-10" },
	};
	for (size_t i = 0; i < sizeof rin / sizeof rin[0]; i++) {
		ledger_receipt_in r = rin[i];
		if (i == 2)
			r.court_unit_id = court; /* unidentified */
		else
			r.matter_id = m;
		if (ledger_receipt(F.db, &f, &S, &r, &out, &replayed, &e) != OK)
			fail_msg("receipt %zu: %s", i + 1, e.message);
		json_decref(out);
	}
	static const struct {
		const char *key, *kind, *on;
		int64_t amount;
	} dis[] = { { "met-d-0001", "creditor", "2026-03-20", 30000 },
		    { "met-d-0002", "fee_refund", "2026-03-21", 2000 } };
	for (size_t i = 0; i < 2; i++) {
		ledger_disbursement_in d = { .key = dis[i].key,
			                     .matter_id = m,
			                     .kind = dis[i].kind,
			                     .amount = dis[i].amount,
			                     .payee_name = "申请人甲",
			                     .payee_account = "6228480012345678901",
			                     .payee_bank = "农业银行" };
		if (ledger_disbursement_request(F.db, &f, &d, &out, &replayed, &e) != OK)
			fail_msg("request %zu: %s", i + 1, e.message);
		int64_t id = json_integer_value(json_object_get(out, "id"));
		json_decref(out);
		char k[32];
		snprintf(k, sizeof k, "met-a-%04zu", i + 1);
		if (ledger_disbursement_approve(F.db, &rv, k, id, NULL, dis[i].on, &out, &replayed, &e) != OK)
			fail_msg("approve %zu: %s", i + 1, e.message);
		json_decref(out);
	}
	assert_int_equal(enforce_metrics(F.db, NULL, court, "2026-03-01", "2026-06-30", a, &out, &e), OK);
	json_t *t = json_object_get(out, "totals");
	static const struct {
		const char *field;
		int64_t want;
	} expect[] = {
		/* 1 */ { "funds_received", 80000 + 7000 }, /* value dates in the period; court fees apart */
		/* 2 */ { "funds_disbursed", 30000 },
		/* 3 */ { "fees_refunded", 2000 },
		/* 4 */ { "funds_overdue_n", 2 }, /* as of today: the first (partly paid out), the July one */
		/* 5 */ { "funds_overdue_amount", 50000 + 9000 }, /* 30000 paid out of the oldest receipt */
		/* 6 */ { "funds_unidentified_n", 1 },
		/* 7 */ { "funds_unidentified_amount", 7000 },
		/* 8 */ { "accepted", 1 },
	};
	for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
		int64_t got = json_integer_value(json_object_get(t, expect[i].field));
		if (got != expect[i].want)
			fail_msg("row %zu: %s = %lld, want %lld", i + 1, expect[i].field, (long long)got,
			         (long long)expect[i].want);
	}
	json_decref(out);
	arena_free(a);
}

/* ---- bank import: money paid out ---- */
static void bank_import_matches_paid_out_lines_and_lists_disbursements_missing_from_the_statement(void **state)
{
	(void)state;
	err e = { 0 };
	const char *court = "152522.court";
	assert_non_null(org_unit_find(court));
	principal f = efix_who(70, court, ROLE_FUND_OFFICER), rv = efix_who(71, court, ROLE_REVIEWER);
	int64_t m = efix_matter(&F, court, "被执行人申", ADULT, "2026-01-05", NULL);
	char today[11], d3[11], d2[11], csv[400];
	legal_today(today);
	enforce_add_days(today, -3, d3);
	enforce_add_days(today, -2, d2);
	json_t *out = NULL;
	int replayed;
	ledger_receipt_in r = {
		.key = "bank-out-r001", .matter_id = m, .source = "debtor_payment", .amount = 100000, .received_on = d3
	};
	assert_int_equal(ledger_receipt(F.db, &f, &S, &r, &out, &replayed, &e), OK);
	int64_t receipt_id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	int64_t dis[2];
	static const int64_t amounts[2] = { 30000, 20000 };
	for (int i = 0; i < 2; i++) {
		char k[32];
		snprintf(k, sizeof k, "bank-out-d%03d", i + 1);
		ledger_disbursement_in d = { .key = k,
			                     .matter_id = m,
			                     .kind = "creditor",
			                     .amount = amounts[i],
			                     .payee_name = "申请人甲",
			                     .payee_account = "6228480012345678901",
			                     .payee_bank = "农业银行" };
		assert_int_equal(ledger_disbursement_request(F.db, &f, &d, &out, &replayed, &e), OK);
		dis[i] = json_integer_value(json_object_get(out, "id"));
		json_decref(out);
		snprintf(k, sizeof k, "bank-out-a%03d", i + 1);
		assert_int_equal(ledger_disbursement_approve(F.db, &rv, k, dis[i], NULL, d2, &out, &replayed, &e), OK);
		json_decref(out);
	}
	snprintf(csv, sizeof csv,
	         "date,amount,reference,payer\n"
	         "%s,1000.00,,被执行人\n" /* the receipt */
	         "%s,-300.00,,\n"         /* the first disbursement */
	         "%s,-55.00,,\n",         /* paid out, not in the ledger */
	         d3, d2, d2);
	if (ledger_bank_import(F.db, &f, &S, "bank-out-imp1", court, csv, 3, 0, &out, &replayed, &e) != OK)
		fail_msg("%s", e.message);
	assert_int_equal(json_integer_value(json_object_get(out, "n_matched")), 2);
	json_t *matched = json_object_get(out, "matched");
	int64_t got_r = 0, got_d = 0;
	size_t i;
	json_t *v;
	json_array_foreach(matched, i, v)
	{
		if (json_object_get(v, "receipt_id"))
			got_r = json_integer_value(json_object_get(v, "receipt_id"));
		if (json_object_get(v, "disbursement_id"))
			got_d = json_integer_value(json_object_get(v, "disbursement_id"));
	}
	assert_int_equal(got_r, receipt_id);
	assert_int_equal(got_d, dis[0]);
	json_t *ud = json_object_get(out, "unmatched_disbursements");
	assert_int_equal(json_array_size(ud), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(ud, 0), "disbursement_id")), dis[1]);
	json_t *ul = json_object_get(out, "unmatched_lines");
	assert_int_equal(json_array_size(ul), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(ul, 0), "amount")), -5500);
	assert_int_equal(json_array_size(json_object_get(out, "unmatched_receipts")), 0);
	json_decref(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(assistance_limits_follow_the_configured_days_per_kind),
		cmocka_unit_test(overdue_assistance_shows_on_both_workbenches_and_in_supervision_with_response_times),
		cmocka_unit_test(listing_terms_follow_the_ground_and_the_extension),
		cmocka_unit_test(listing_waits_the_configured_grace_after_notice_before_it_is_public),
		cmocka_unit_test(public_query_finds_a_company_by_credit_code_masked_even_all_digits),
		cmocka_unit_test(revoked_and_expired_listings_are_removed_and_the_removals_published),
		cmocka_unit_test(receipt_is_overdue_after_the_configured_days_and_shows_on_the_workbench),
		cmocka_unit_test(reconciliation_balances_per_account_and_reports_a_tampered_total),
		cmocka_unit_test(metrics_count_funds_received_disbursed_refunded_overdue_and_unidentified),
		cmocka_unit_test(bank_import_matches_paid_out_lines_and_lists_disbursements_missing_from_the_statement),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
