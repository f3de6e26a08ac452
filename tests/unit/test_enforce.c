/*
 * test_enforce.c - the enforcement rules, one behaviour per test: money parsing (table-driven, rows
 * numbered), assistance time limits across the National Day holiday, CSV import errors naming the line,
 * detention orders at most 15 days, never listing a minor (judged on the decision day), publication
 * after notice and grace, automatic removal on payment only for listings without a fixed term, the
 * restriction check, the query log's delay, four eyes on disbursements, idempotency keys, the bank
 * statement import's differences both ways, and every lookup of a person recorded with its event.
 */
#include "enforce_fixture.h"

#include "domain/assist.h"
#include "domain/control.h"
#include "domain/debtor.h"
#include "domain/ledger.h"

#define COURT "152529.court"
#define POLICE "152529.police"
#define ADULT "152529198503150029"
#define ADULT2 "152529199007070067"
#define BORN_2000_05_15 "152529200005150018"
#define COMPANY "9315020216QU90AW99"

static efix F;
static enforce_settings S;
static principal handler, police, fund, reviewer, fund2;

static int setup(void **state)
{
	(void)state;
	efix_open(&F, 0);
	enforce_settings_default(&S);
	handler = efix_who(1, COURT, ROLE_HANDLER);
	police = efix_who(2, POLICE, ROLE_HANDLER);
	fund = efix_who(3, COURT, ROLE_FUND_OFFICER);
	reviewer = efix_who(4, COURT, ROLE_REVIEWER);
	fund2 = efix_who(5, COURT, ROLE_FUND_OFFICER | ROLE_REVIEWER);
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

/* ---- money ---- */
static void yuan_text_parses_exactly_into_fen(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int neg_ok, ok;
		int64_t fen;
	} rows[] = {
		/* 1 */ { "0.01", 0, 1, 1 },
		/* 2 */ { "1", 0, 1, 100 },
		/* 3 */ { "1.5", 0, 1, 150 },
		/* 4 */ { "1234.56", 0, 1, 123456 },
		/* 5 */ { "0.10", 0, 1, 10 },
		/* 6 */ { "100000000000.00", 0, 1, INT64_C(10000000000000) },
		/* 7 */ { "100000000000.01", 0, 0, 0 },
		/* 8 */ { "-20.00", 1, 1, -2000 },
		/* 9 */ { "-20.00", 0, 0, 0 },
		/* 10 */ { "1.234", 0, 0, 0 },
		/* 11 */ { "1e3", 0, 0, 0 },
		/* 12 */ { "", 0, 0, 0 },
		/* 13 */ { ".5", 0, 0, 0 },
		/* 14 */ { "1,000.00", 0, 0, 0 },
		/* 15 */ { " 1", 0, 0, 0 },
		/* 16 */ { "+1", 0, 0, 0 },
		/* 17 */ { "1.", 0, 0, 0 },
		/* 18 */ { "99999999999999999999", 0, 0, 0 },
		/* 19 */ { "0.29", 0, 1, 29 }, /* 0.29 * 100 is 28.999... in binary floating point */
		/* 20 */ { "--1", 1, 0, 0 },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		int64_t fen = 0;
		int rc = ledger_parse_yuan(rows[i].text, rows[i].neg_ok, &fen);
		if ((rc == OK) != rows[i].ok || (rc == OK && fen != rows[i].fen))
			fail_msg("row %zu (%s): rc %d fen %lld", i + 1, rows[i].text, rc, (long long)fen);
	}
	char buf[32];
	ledger_format_fen(0, buf, sizeof buf);
	assert_string_equal(buf, "0.00");
	ledger_format_fen(-5, buf, sizeof buf);
	assert_string_equal(buf, "-0.05");
	ledger_format_fen(123456, buf, sizeof buf);
	assert_string_equal(buf, "1234.56");
}

static void idempotency_keys_are_checked(void **state)
{
	(void)state;
	err e = { 0 };
	assert_int_equal(ledger_key_check("a1b2c3d4", &e), OK);
	assert_int_equal(ledger_key_check("2026-11-22:receipt.0001", &e), OK);
	assert_int_equal(ledger_key_check("short", &e), E_INVALID);
	assert_int_equal(ledger_key_check("has space in it", &e), E_INVALID);
	assert_int_equal(ledger_key_check(NULL, &e), E_INVALID);
	assert_string_equal(e.field, "idempotency_key");
}

/* ---- assistance ---- */
static void assistance_limits_count_working_days_and_detention_is_same_day(void **state)
{
	(void)state;
	int64_t debtor;
	int64_t m = efix_matter(&F, COURT, "被执行人甲", ADULT, "2024-09-01", &debtor);
	int64_t order = efix_detention(&F, &handler, m, debtor, "（2024）内2529司惩1号", "2024-09-27", "2024-10-11");
	const char *kinds[] = { "locate", "detain" };
	arena *a = arena_new();
	store_assist_item *items;
	size_t n;
	efix_request(&F, &handler, &S, m, POLICE, debtor, kinds, 2, order, "2024-09-27", a, &items, &n);
	assert_int_equal(n, 2);
	/* Fri 27 Sep 2024: Sun 29 Sep is a working day, 1-7 Oct the National Day holiday */
	assert_string_equal(items[0].due_on, "2024-10-10");
	assert_string_equal(items[1].due_on, "2024-09-27");
	arena_free(a);
}

static void assistance_refuses_detention_without_an_order_and_names_csv_lines(void **state)
{
	(void)state;
	err e = { 0 };
	int64_t debtor, rid;
	int64_t m = efix_matter(&F, COURT, "被执行人乙", ADULT2, "2026-01-05", &debtor);
	const char *detain[] = { "detain" };
	assist_debtor_in d = { .party_id = debtor, .kinds = detain, .n_kinds = 1 };
	assist_new in = {
		.matter_id = m, .police_unit_id = POLICE, .basis = "协助执行通知书", .debtors = &d, .n_debtors = 1
	};
	assert_int_equal(assist_request_create(F.db, &handler, &S, &in, &rid, &e), E_INVALID);
	assert_string_equal(e.field, "debtors[0].kinds[0]");
	/* a list of names and ID numbers; line 3 has a wrong check character */
	const char *locate[] = { "locate", "vehicles" };
	assist_new csv = { .matter_id = m,
		           .police_unit_id = POLICE,
		           .basis = "协助执行通知书",
		           .csv = "name,id_number\n张三," ADULT "\n李四,152529199007070066\n",
		           .csv_kinds = locate,
		           .n_csv_kinds = 2 };
	assert_int_equal(assist_request_create(F.db, &handler, &S, &csv, &rid, &e), E_INVALID);
	assert_string_equal(e.field, "csv 第3行");
	/* a police unit is required, and nothing was written by the refusals */
	int64_t before = count("SELECT count(*) FROM events");
	assist_new bad = csv;
	bad.csv = "name,id_number,kinds\n张三," ADULT ",locate;movement\n"
	          "某公司," COMPANY ",vehicles\n";
	bad.police_unit_id = "152529.court";
	assert_int_equal(assist_request_create(F.db, &handler, &S, &bad, &rid, &e), E_INVALID);
	assert_string_equal(e.field, "police_unit_id");
	assert_int_equal(count("SELECT count(*) FROM events"), before);
	bad.police_unit_id = POLICE;
	if (assist_request_create(F.db, &handler, &S, &bad, &rid, &e) != OK)
		fail_msg("%s (%s)", e.message, e.field);
	/* three items; two people asked about: two lookups, each with its event, plus the request's */
	assert_int_equal(
	        count("SELECT count(*) FROM assist_items WHERE request_id=(SELECT max(id) FROM assist_requests)"), 3);
	assert_int_equal(count("SELECT count(*) FROM events") - before, 3);
	assert_int_equal(
	        count("SELECT count(*) FROM person_lookups WHERE purpose='assistance_request' AND id_number='" COMPANY
	              "'"),
	        1);
}

static void assistance_answers_item_by_item_once_each(void **state)
{
	(void)state;
	err e = { 0 };
	int64_t debtor, rid;
	int64_t m = efix_matter(&F, COURT, "被执行人丙", ADULT, "2026-01-05", &debtor);
	const char *kinds[] = { "locate", "consumption" };
	assist_debtor_in d = { .party_id = debtor, .kinds = kinds, .n_kinds = 2 };
	assist_new in = {
		.matter_id = m, .police_unit_id = POLICE, .basis = "协助执行通知书", .debtors = &d, .n_debtors = 1
	};
	assert_int_equal(assist_request_create(F.db, &handler, &S, &in, &rid, &e), OK);
	arena *a = arena_new();
	store_assist_item *items;
	size_t n;
	assert_int_equal(store_assist_item_list(F.db, rid, a, &items, &n, &e), OK);
	json_t *f = json_pack("{s:s}", "address", "明安图镇");
	assist_answer_in one = { .item_id = items[0].id, .found = 1, .findings = f };
	assert_int_equal(assist_answer(F.db, &police, rid, &one, 1, NULL, &e), OK);
	store_assist_request r;
	assert_int_equal(store_assist_request_get(F.db, rid, NULL, a, &r, &e), OK);
	assert_string_equal(r.status, "open"); /* a partial answer leaves it open */
	assert_int_equal(assist_answer(F.db, &police, rid, &one, 1, NULL, &e), E_CONFLICT);
	assist_answer_in found_without_findings = { .item_id = items[1].id, .found = 1 };
	assert_int_equal(assist_answer(F.db, &police, rid, &found_without_findings, 1, NULL, &e), E_INVALID);
	assist_answer_in none = { .item_id = items[1].id, .found = 0 };
	assert_int_equal(assist_answer(F.db, &police, rid, &none, 1, NULL, &e), OK);
	assert_int_equal(store_assist_request_get(F.db, rid, NULL, a, &r, &e), OK);
	assert_string_equal(r.status, "answered");
	assert_int_equal(count("SELECT count(*) FROM person_lookups WHERE purpose='assistance_answer'"), 2);
	json_decref(f);
	arena_free(a);
}

/* ---- control orders ---- */
static void detention_is_at_most_fifteen_days(void **state)
{
	(void)state;
	err e = { 0 };
	int64_t debtor, id;
	int64_t m = efix_matter(&F, COURT, "被执行人丁", ADULT, "2026-01-05", &debtor);
	control_new c = { .matter_id = m,
		          .kind = "detention",
		          .party_id = debtor,
		          .basis = "（2026）内2529司惩9号",
		          .reason = "妨碍执行",
		          .valid_from = "2026-02-01",
		          .valid_to = "2026-02-16" };
	assert_int_equal(control_order_issue(F.db, &handler, &c, &id, &e), E_INVALID);
	assert_string_equal(e.field, "valid_to");
	c.valid_to = "2026-02-15";
	assert_int_equal(control_order_issue(F.db, &handler, &c, &id, &e), OK);
	c.valid_to = NULL;
	assert_int_equal(control_order_issue(F.db, &handler, &c, &id, &e), E_INVALID);
	/* exit restriction is for persons only; a company can be restricted in consumption */
	int64_t cdebtor;
	int64_t cm = efix_matter(&F, COURT, "某公司", COMPANY, "2026-01-05", &cdebtor);
	control_new x = { .matter_id = cm,
		          .kind = "exit_restriction",
		          .party_id = cdebtor,
		          .basis = "（2026）内2529执限2号",
		          .reason = "未履行" };
	assert_int_equal(control_order_issue(F.db, &handler, &x, &id, &e), E_INVALID);
	x.kind = "consumption_restriction";
	assert_int_equal(control_order_issue(F.db, &handler, &x, &id, &e), OK);
}

static void person_check_is_for_police_and_logged(void **state)
{
	(void)state;
	err e = { 0 };
	arena *a = arena_new();
	json_t *out = NULL;
	control_check_in in = { .id_number = ADULT, .purpose = "盘查", .basis = "治安检查" };
	assert_int_equal(control_person_check(F.db, &handler, &in, a, &out, &e), E_FORBIDDEN);
	int64_t before = count("SELECT count(*) FROM person_lookups WHERE purpose='person_check'");
	assert_int_equal(control_person_check(F.db, &police, &in, a, &out, &e), OK);
	assert_string_equal(json_string_value(json_object_get(out, "id_number")), "1525291985****0029");
	assert_int_equal(count("SELECT count(*) FROM person_lookups WHERE purpose='person_check'"), before + 1);
	assert_int_equal(
	        count("SELECT count(*) FROM events WHERE event_type='person.looked_up' AND payload LIKE '%盘查%'"),
	        before + 1);
	json_decref(out);
	arena_free(a);
}

/* ---- the dishonest-debtor list ---- */
static void minors_are_never_listed_judged_on_the_decision_day(void **state)
{
	(void)state;
	err e = { 0 };
	int64_t debtor, id;
	int64_t m = efix_matter(&F, COURT, "被执行人戊", BORN_2000_05_15, "2018-01-05", &debtor);
	debtor_listing_new in = { .matter_id = m,
		                  .party_id = debtor,
		                  .ground = "refuses_despite_ability",
		                  .conduct = "有能力而拒不履行",
		                  .obligation = "偿还借款",
		                  .source_doc_number = "（2017）内2529民初1号",
		                  .source_doc_issuer = "正镶白旗人民法院",
		                  .decided_on = "2018-05-15" };
	/* the 18th birthday itself: still a minor (full years count from the day after) */
	assert_int_equal(debtor_list(F.db, &handler, &in, &id, &e), E_CONFLICT);
	assert_string_equal(e.field, "party_id");
	assert_non_null(strstr(e.message, "未成年人"));
	in.decided_on = "2018-05-16";
	if (debtor_list(F.db, &handler, &in, &id, &e) != OK)
		fail_msg("%s", e.message);
	arena *a = arena_new();
	store_listing l;
	assert_int_equal(store_listing_get(F.db, id, a, &l, &e), OK);
	assert_int_equal(l.age, 18);
	assert_null(l.expires_on);                                               /* ground 1 has no fixed term */
	assert_int_equal(debtor_list(F.db, &handler, &in, &id, &e), E_CONFLICT); /* listed once per matter */
	arena_free(a);
}

static void listing_is_public_after_notice_and_grace_and_removed_on_payment(void **state)
{
	(void)state;
	err e = { 0 };
	int64_t debtor, id, id2, other;
	char today[11], past[11];
	legal_today(today);
	enforce_add_days(today, -10, past);
	int64_t m = efix_matter(&F, COURT, "被执行人己", ADULT2, "2026-01-05", &debtor);
	debtor_listing_new in = { .matter_id = m,
		                  .party_id = debtor,
		                  .ground = "refuses_despite_ability",
		                  .conduct = "有能力而拒不履行",
		                  .obligation = "支付货款 10000 元",
		                  .source_doc_number = "（2025）内2529民初5号",
		                  .source_doc_issuer = "正镶白旗人民法院",
		                  .decided_on = past };
	assert_int_equal(debtor_list(F.db, &handler, &in, &id, &e), OK);
	/* a second matter lists the same person for two years on another ground */
	int64_t m2 = efix_matter(&F, COURT, "被执行人己", ADULT2, "2026-01-05", &other);
	debtor_listing_new in2 = in;
	in2.matter_id = m2;
	in2.party_id = other;
	in2.ground = "evades_by_sham";
	in2.extra_years = 1;
	assert_int_equal(debtor_list(F.db, &handler, &in2, &id2, &e), E_INVALID); /* extension needs a reason */
	in2.extra_reason = "多项失信行为";
	assert_int_equal(debtor_list(F.db, &handler, &in2, &id2, &e), OK);
	arena *a = arena_new();
	json_t *out = NULL;
	assert_int_equal(debtor_public_query(F.db, NULL, ADULT2, a, &out, &e), OK);
	assert_int_equal(json_array_size(json_object_get(out, "results")), 0); /* not notified: not public */
	json_decref(out);
	assert_int_equal(debtor_notice(F.db, &handler, &S, id, past, "直接送达", &e), OK);
	assert_int_equal(debtor_notice(F.db, &handler, &S, id, past, "直接送达", &e), E_CONFLICT);
	assert_int_equal(debtor_notice(F.db, &handler, &S, id2, past, "直接送达", &e), OK);
	assert_int_equal(debtor_public_query(F.db, "被执行人己", NULL, a, &out, &e), OK);
	assert_int_equal(json_array_size(json_object_get(out, "results")), 2);
	json_t *r0 = json_array_get(json_object_get(out, "results"), 0);
	assert_string_equal(json_string_value(json_object_get(r0, "id_number")), "1525291990****0067");
	assert_null(json_object_get(r0, "party_id"));
	json_decref(out);
	/* the restriction check: restricted from flights since the decision, not from leaving the country */
	debtor_check_in ck = {
		.id_number = ADULT2, .category = "flights", .purpose = "购票核验", .basis = "民航实名购票"
	};
	assert_int_equal(debtor_restriction_check(F.db, &handler, &ck, a, &out, &e), OK);
	assert_true(json_is_true(json_object_get(out, "restricted")));
	json_decref(out);
	ck.category = "exit";
	assert_int_equal(debtor_restriction_check(F.db, &handler, &ck, a, &out, &e), OK);
	assert_true(json_is_false(json_object_get(out, "restricted")));
	json_decref(out);
	/* paying the amount applied for removes the ground-1 listing, not the two-year one */
	json_t *acc = NULL;
	assert_int_equal(ledger_account_open(F.db, &handler, m, 1000000, a, &acc, &e), OK);
	json_decref(acc);
	int replayed;
	ledger_receipt_in rin = {
		.key = "pay-listing-0001", .matter_id = m, .source = "debtor_payment", .amount = 1000000
	};
	assert_int_equal(ledger_receipt(F.db, &fund, &S, &rin, &out, &replayed, &e), OK);
	json_decref(out);
	store_listing l;
	assert_int_equal(store_listing_get(F.db, id, a, &l, &e), OK);
	assert_string_equal(l.status, "removed");
	assert_string_equal(l.removal_reason, "performed");
	assert_int_equal(store_listing_get(F.db, id2, a, &l, &e), OK);
	assert_string_equal(l.status, "listed");
	assert_int_equal(debtor_public_removals(F.db, NULL, a, &out, &e), OK);
	assert_true(json_array_size(json_object_get(out, "removals")) >= 1);
	json_decref(out);
	arena_free(a);
}

/* A one-time code for ADULT, as an officer gives it after checking the identity document. */
static const char *code_for_adult(arena *a, const enforce_settings *s)
{
	err e = { 0 };
	json_t *out;
	if (enforce_query_code_issue(F.db, &handler, s, ADULT, "被执行人丙", "当面核验居民身份证原件", a, &out, &e) !=
	    OK)
		fail_msg("%s", e.message);
	const char *code = arena_strdup(a, json_string_value(json_object_get(out, "code")));
	json_decref(out);
	return code;
}

static void query_log_shows_lookups_after_the_delay_to_the_holder_of_a_code(void **state)
{
	(void)state;
	err e = { 0 };
	arena *a = arena_new();
	json_t *out = NULL;
	enforce_settings s = S;
	/* earlier tests looked this person up today, and once in 2024 (a back-dated request) */
	s.query_log_delay_days = 30;
	assert_int_equal(enforce_query_log(F.db, &s, ADULT, code_for_adult(a, &s), a, &out, &e), OK);
	assert_int_equal(json_array_size(json_object_get(out, "lookups")), 1);
	assert_string_equal(
	        json_string_value(json_object_get(json_array_get(json_object_get(out, "lookups"), 0), "at")),
	        "2024-09-27T01:00:00.000Z");
	json_decref(out);
	s.query_log_delay_days = 0;
	/* without the code nothing is revealed, whatever the name */
	assert_int_equal(enforce_query_log(F.db, &s, ADULT, "", a, &out, &e), E_INVALID);
	assert_string_equal(e.field, "code");
	assert_int_equal(enforce_query_log(F.db, &s, ADULT, code_for_adult(a, &s), a, &out, &e), OK);
	assert_true(json_array_size(json_object_get(out, "lookups")) >= 4);
	json_t *l0 = json_array_get(json_object_get(out, "lookups"), 0);
	assert_non_null(json_object_get(l0, "unit"));
	assert_null(json_object_get(l0, "user_id")); /* the unit, not the officer */
	json_decref(out);
	arena_free(a);
}

/* ---- funds ---- */
static void disbursement_needs_a_second_person_and_a_balance(void **state)
{
	(void)state;
	err e = { 0 };
	int64_t m = efix_matter(&F, COURT, "被执行人庚", ADULT, "2026-01-05", NULL);
	json_t *out = NULL;
	int replayed;
	ledger_receipt_in rin = {
		.key = "rcpt-disb-0001", .matter_id = m, .source = "auction_proceeds", .amount = 50000
	};
	assert_int_equal(ledger_receipt(F.db, &fund, &S, &rin, &out, &replayed, &e), OK);
	json_decref(out);
	ledger_disbursement_in d = { .key = "disb-0000001",
		                     .matter_id = m,
		                     .kind = "creditor",
		                     .amount = 50001,
		                     .payee_name = "申请人甲",
		                     .payee_account = "6228480012345678901",
		                     .payee_bank = "农业银行" };
	assert_int_equal(ledger_disbursement_request(F.db, &fund2, &d, &out, &replayed, &e), E_CONFLICT);
	d.amount = 30000;
	assert_int_equal(ledger_disbursement_request(F.db, &fund2, &d, &out, &replayed, &e), OK);
	int64_t id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	d.key = "disb-0000002";
	d.amount = 20001; /* 30000 already asked for */
	assert_int_equal(ledger_disbursement_request(F.db, &fund, &d, &out, &replayed, &e), E_CONFLICT);
	/* the requester, although a reviewer too, cannot approve their own request */
	assert_int_equal(ledger_disbursement_approve(F.db, &fund2, "appr-0000001", id, NULL, NULL, &out, &replayed, &e),
	                 E_FORBIDDEN);
	assert_int_equal(ledger_disbursement_approve(F.db, &fund, "appr-0000001", id, NULL, NULL, &out, &replayed, &e),
	                 E_FORBIDDEN); /* a fund officer is not a reviewer */
	assert_int_equal(
	        ledger_disbursement_approve(F.db, &reviewer, "appr-0000001", id, NULL, NULL, &out, &replayed, &e), OK);
	assert_string_equal(json_string_value(json_object_get(out, "status")), "posted");
	json_decref(out);
	/* the same approval again answers with the first result; another key finds it decided */
	assert_int_equal(
	        ledger_disbursement_approve(F.db, &reviewer, "appr-0000001", id, NULL, NULL, &out, &replayed, &e), OK);
	assert_int_equal(replayed, 1);
	json_decref(out);
	assert_int_equal(
	        ledger_disbursement_approve(F.db, &reviewer, "appr-0000002", id, NULL, NULL, &out, &replayed, &e),
	        E_CONFLICT);
	/* the schema holds four eyes and non-negative balances even against a bug */
	assert_int_not_equal(sqlite3_exec(F.db->h,
	                                  "UPDATE ledger_accounts SET debit_total=credit_total+1 WHERE kind='matter'",
	                                  NULL, NULL, NULL),
	                     SQLITE_OK);
	assert_int_equal(ledger_check_all(F.db, &e), OK);
}

static void receipt_key_reused_for_another_receipt_is_refused(void **state)
{
	(void)state;
	err e = { 0 };
	int64_t m = efix_matter(&F, COURT, "被执行人辛", ADULT, "2026-01-05", NULL);
	json_t *out = NULL;
	int replayed;
	ledger_receipt_in rin = { .key = "same-key-0001", .matter_id = m, .source = "debtor_payment", .amount = 700 };
	assert_int_equal(ledger_receipt(F.db, &fund, &S, &rin, &out, &replayed, &e), OK);
	json_t *first = out;
	int64_t events = count("SELECT count(*) FROM events");
	assert_int_equal(ledger_receipt(F.db, &fund, &S, &rin, &out, &replayed, &e), OK);
	assert_int_equal(replayed, 1);
	assert_true(json_equal(first, out));
	json_decref(out);
	assert_int_equal(count("SELECT count(*) FROM events"), events);
	rin.amount = 701;
	assert_int_equal(ledger_receipt(F.db, &fund, &S, &rin, &out, &replayed, &e), E_CONFLICT);
	assert_string_equal(e.field, "idempotency_key");
	json_decref(first);
}

static void bank_import_matches_and_lists_every_difference(void **state)
{
	(void)state;
	err e = { 0 };
	char today[11], d1[11], d2[11], csv[1024];
	legal_today(today);
	enforce_add_days(today, -2, d1);
	enforce_add_days(today, -1, d2);
	/* a fresh court keeps other tests' receipts out of the statement period */
	const char *court = "152502.court";
	principal f = efix_who(30, court, ROLE_FUND_OFFICER);
	int64_t m = efix_matter(&F, court, "被执行人壬", ADULT, "2026-01-05", NULL);
	json_t *out = NULL;
	int replayed;
	ledger_receipt_in r1 = { .key = "bank-r1-0001",
		                 .matter_id = m,
		                 .source = "bank_deduction",
		                 .amount = 123450,
		                 .reference = "REF-A",
		                 .received_on = d1 };
	ledger_receipt_in r2 = {
		.key = "bank-r2-0001", .matter_id = m, .source = "debtor_payment", .amount = 50000, .received_on = d2
	};
	ledger_receipt_in r3 = { .key = "bank-r3-0001",
		                 .matter_id = m,
		                 .source = "debtor_payment",
		                 .amount = 99900,
		                 .reference = "REF-C",
		                 .received_on = d2 };
	ledger_receipt_in r4 = {
		.key = "bank-r4-0001", .matter_id = m, .source = "debtor_payment", .amount = 7700, .received_on = d1
	};
	assert_int_equal(ledger_receipt(F.db, &f, &S, &r1, &out, &replayed, &e), OK);
	json_decref(out);
	assert_int_equal(ledger_receipt(F.db, &f, &S, &r2, &out, &replayed, &e), OK);
	json_decref(out);
	assert_int_equal(ledger_receipt(F.db, &f, &S, &r3, &out, &replayed, &e), OK);
	json_decref(out);
	assert_int_equal(ledger_receipt(F.db, &f, &S, &r4, &out, &replayed, &e), OK);
	json_decref(out);
	snprintf(csv, sizeof csv,
	         "date,amount,reference,payer\n"
	         "%s,1234.50,REF-A,银行扣划\n" /* by reference */
	         "%s,500.00,,被执行人\n"       /* by amount and date */
	         "%s,998.00,REF-C,被执行人\n"  /* the reference matches, the amount does not */
	         "%s,42.00,,无名氏\n",         /* not in the ledger */
	         d1, d1, d2, today);
	assert_int_equal(ledger_bank_import(F.db, &f, &S, "bank-import-1", court, "date,amount\n2026-01-01,1.234\n", 3,
	                                    0, &out, &replayed, &e),
	                 E_INVALID);
	assert_non_null(strstr(e.message, "第2行"));
	if (ledger_bank_import(F.db, &f, &S, "bank-import-1", court, csv, 3, 0, &out, &replayed, &e) != OK)
		fail_msg("%s", e.message);
	assert_int_equal(json_integer_value(json_object_get(out, "n_matched")), 2);
	assert_int_equal(json_array_size(json_object_get(out, "amount_mismatches")), 1);
	assert_int_equal(json_array_size(json_object_get(out, "unmatched_lines")), 1);
	assert_int_equal(json_array_size(json_object_get(out, "unmatched_receipts")), 1); /* the 77.00 one */
	json_t *mm = json_array_get(json_object_get(out, "amount_mismatches"), 0);
	assert_int_equal(json_integer_value(json_object_get(mm, "amount")), 99800);
	assert_int_equal(json_integer_value(json_object_get(mm, "ledger_amount")), 99900);
	assert_int_equal(json_integer_value(json_object_get(mm, "difference")), -100);
	json_t *ur = json_array_get(json_object_get(out, "unmatched_receipts"), 0);
	assert_int_equal(json_integer_value(json_object_get(ur, "amount")), 7700);
	json_decref(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(yuan_text_parses_exactly_into_fen),
		cmocka_unit_test(idempotency_keys_are_checked),
		cmocka_unit_test(assistance_limits_count_working_days_and_detention_is_same_day),
		cmocka_unit_test(assistance_refuses_detention_without_an_order_and_names_csv_lines),
		cmocka_unit_test(assistance_answers_item_by_item_once_each),
		cmocka_unit_test(detention_is_at_most_fifteen_days),
		cmocka_unit_test(person_check_is_for_police_and_logged),
		cmocka_unit_test(minors_are_never_listed_judged_on_the_decision_day),
		cmocka_unit_test(listing_is_public_after_notice_and_grace_and_removed_on_payment),
		cmocka_unit_test(query_log_shows_lookups_after_the_delay_to_the_holder_of_a_code),
		cmocka_unit_test(disbursement_needs_a_second_person_and_a_balance),
		cmocka_unit_test(receipt_key_reused_for_another_receipt_is_refused),
		cmocka_unit_test(bank_import_matches_and_lists_every_difference),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
