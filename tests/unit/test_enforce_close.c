/*
 * test_enforce_close.c - the enforcement gaps of issue #5: closing modes and their metrics (a table of
 * hand-computed cases), the conditions of 终本, the sweep that writes expiries and publications once,
 * one-time query codes with their lockout, the bank import that books unidentified receipts once, and
 * the enforcement events in a matter's history.
 */
#include "enforce_fixture.h"

#include "domain/assist.h"
#include "domain/auth.h"
#include "domain/control.h"
#include "domain/debtor.h"
#include "domain/enforce.h"
#include "domain/flow.h"
#include "domain/ledger.h"

#define COURT "152529.court"
#define POLICE "152529.police"
#define METRICS_COURT "152502.court"
#define ADULT "152529199001010067"

static efix F;
static enforce_settings S;
static principal handler, police, fund, sys;

static int setup(void **state)
{
	(void)state;
	efix_open(&F, 0);
	enforce_settings_default(&S);
	handler = efix_who(1, COURT, ROLE_HANDLER);
	police = efix_who(2, POLICE, ROLE_HANDLER);
	fund = efix_who(3, COURT, ROLE_FUND_OFFICER);
	sys = efix_who(0, COURT, ROLE_HANDLER);
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

/* A valid resident ID number of 正镶白旗 born 1985 with a sequence number. */
static void person_id(int seq, char out[19])
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	snprintf(out, 19, "15252919850101%03d", seq % 1000);
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (out[i] - '0') * w[i];
	out[17] = "10X98765432"[sum % 11];
	out[18] = 0;
}

/* ---- closing modes ---- */
static void close_enforced_needs_a_manner_and_settled_and_terminated_are_rows(void **state)
{
	(void)state;
	err e = { 0 };
	char id[19];
	person_id(11, id);
	int64_t m = efix_matter(&F, COURT, "被执行人一", id, "2026-01-05", NULL);
	matter_act_in in = { .note = "" };
	assert_int_equal(matter_act(F.db, &handler, m, "close_enforced", &in, NULL, &e), E_INVALID);
	assert_string_equal(e.field, "manner");
	assert_non_null(strstr(e.message, "compulsory"));
	in.manner = "paid";
	assert_int_equal(matter_act(F.db, &handler, m, "close_enforced", &in, NULL, &e), E_INVALID);
	assert_string_equal(e.field, "manner");
	in.manner = "voluntary";
	if (matter_act(F.db, &handler, m, "close_enforced", &in, NULL, &e) != OK)
		fail_msg("%s", e.message);
	assert_int_equal(count("SELECT count(*) FROM events WHERE event_type='matter.close_enforced' AND "
	                       "json_extract(payload,'$.changes.manner.new')='voluntary'"),
	                 1);
	/* each closing row cites its basis, for both kinds of enforcement matter */
	static const char *const kinds[] = { "civil", "enforcement" };
	static const char *const actions[] = { "close_enforced", "close_settled", "close_no_assets",
		                               "close_terminated" };
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; i < 4; i++) {
			const flow_step *s = flow_find(kinds[k], "enforcement", actions[i]);
			if (!s || !s->basis || !(s->flags & FLOW_CLOSES))
				fail_msg("row %zu/%zu: %s %s has no closing row with a basis", k + 1, i + 1, kinds[k],
				         actions[i]);
		}
	assert_non_null(strstr(flow_find("enforcement", "enforcement", "close_settled")->basis, "法释〔2018〕3号"));
	assert_non_null(strstr(flow_find("civil", "enforcement", "close_terminated")->basis, "第二百六十八条"));
	/* 终结执行 needs a reason */
	person_id(12, id);
	int64_t t = efix_matter(&F, COURT, "被执行人二", id, "2026-01-05", NULL);
	matter_act_in none = { .note = "" };
	assert_int_equal(matter_act(F.db, &handler, t, "close_terminated", &none, NULL, &e), E_INVALID);
	assert_string_equal(e.field, "reason");
	none.reason = "申请执行人撤销申请";
	assert_int_equal(matter_act(F.db, &handler, t, "close_terminated", &none, NULL, &e), OK);
}

static void no_assets_closing_names_each_missing_condition_then_succeeds(void **state)
{
	(void)state;
	err e = { 0 };
	char id[19], today[11], filed[11], three_months[11];
	legal_today(today);
	cal_date d;
	cal_date_parse(today, NULL, &d, NULL);
	legal_format(cal_date_add_days(d, -40), filed);
	person_id(21, id);
	int64_t debtor, order, rid;
	int64_t m = efix_matter(&F, COURT, "被执行人三", id, filed, &debtor);
	matter_act_in in = { .reason = "经财产调查未发现可供执行的财产" };
	assert_int_equal(matter_act(F.db, &handler, m, "close_no_assets", &in, NULL, &e), E_CONFLICT);
	assert_string_equal(e.field, "filed_on"); /* the first missing, and the message names all three */
	cal_date fd;
	cal_date_parse(filed, NULL, &fd, NULL);
	legal_format(cal_date_add_months(fd, 3, 0), three_months);
	assert_non_null(strstr(e.message, three_months));
	assert_non_null(strstr(e.message, "限制消费令"));
	assert_non_null(strstr(e.message, "协查"));
	assert_non_null(strstr(e.message, "法〔2016〕373号"));
	/* an order and an answered request: only the three months remain */
	control_new c = { .matter_id = m,
		          .kind = "consumption_restriction",
		          .party_id = debtor,
		          .basis = "（2026）内2529执1号之一",
		          .reason = "未按执行通知履行" };
	assert_int_equal(control_order_issue(F.db, &handler, &c, &order, &e), OK);
	const char *kinds[] = { "vehicles" };
	assist_debtor_in ad = { .party_id = debtor, .kinds = kinds, .n_kinds = 1 };
	assist_new an = {
		.matter_id = m, .police_unit_id = POLICE, .basis = "协助执行通知书", .debtors = &ad, .n_debtors = 1
	};
	assert_int_equal(assist_request_create(F.db, &handler, &S, &an, &rid, &e), OK);
	assert_int_equal(matter_act(F.db, &handler, m, "close_no_assets", &in, NULL, &e), E_CONFLICT);
	assert_non_null(strstr(e.message, "协查")); /* sent but not answered */
	arena *a = arena_new();
	store_assist_item *items;
	size_t n;
	assert_int_equal(store_assist_item_list(F.db, rid, a, &items, &n, &e), OK);
	assist_answer_in ans = { .item_id = items[0].id, .found = 0 };
	assert_int_equal(assist_answer(F.db, &police, rid, &ans, 1, NULL, &e), OK);
	assert_int_equal(matter_act(F.db, &handler, m, "close_no_assets", &in, NULL, &e), E_CONFLICT);
	assert_string_equal(e.field, "filed_on");
	assert_null(strstr(e.message, "限制消费令"));
	/* three months on (a matter filed earlier, the same records): closed */
	char id2[19], old[11];
	person_id(22, id2);
	legal_format(cal_date_add_days(cal_date_add_months(d, -3, 0), -1), old);
	int64_t debtor2, rid2;
	int64_t m2 = efix_matter(&F, COURT, "被执行人四", id2, old, &debtor2);
	c.matter_id = m2;
	c.party_id = debtor2;
	assert_int_equal(control_order_issue(F.db, &handler, &c, &order, &e), OK);
	ad.party_id = debtor2;
	an.matter_id = m2;
	assert_int_equal(assist_request_create(F.db, &handler, &S, &an, &rid2, &e), OK);
	assert_int_equal(store_assist_item_list(F.db, rid2, a, &items, &n, &e), OK);
	ans.item_id = items[0].id;
	assert_int_equal(assist_answer(F.db, &police, rid2, &ans, 1, NULL, &e), OK);
	if (matter_act(F.db, &handler, m2, "close_no_assets", &in, NULL, &e) != OK)
		fail_msg("%s (%s)", e.message, e.field);
	arena_free(a);
}

/* ---- metrics from events: a table of hand-computed cases ---- */
static const struct metrics_case {
	const char *filed_on, *action, *manner, *closed_on;
	int64_t applied; /* fen; -1 = no account */
	int64_t received;
} metrics_cases[] = {
	/* 1 */ { "2026-01-05", "close_enforced", "compulsory", "2026-03-06", 100000, 100000 }, /* 60 days */
	/* 2 */ { "2026-02-01", "close_enforced", "voluntary", "2026-02-11", 50000, 60000 },    /* capped */
	/* 3 */ { "2026-01-10", "close_enforced", NULL, "2026-01-30", -1, 0 }, /* back-filled, no manner */
	/* 4 */ { "2026-01-01", "close_settled", NULL, "2026-04-01", 200000, 150000 },
	/* 5 */ { "2026-01-02", "close_no_assets", NULL, "2026-05-02", 300000, 0 },
	/* 6 */ { "2026-01-20", "close_terminated", NULL, "2026-02-19", -1, 0 },
	/* 7 */ { "2026-03-01", NULL, NULL, NULL, 80000, 10000 },                             /* open */
	/* 8 */ { "2026-03-02", "close_enforced", "compulsory", "2026-07-01", 10000, 10000 }, /* closed later */
};

static void metrics_match_the_hand_computed_table(void **state)
{
	(void)state;
	err e = { 0 };
	arena *a = arena_new();
	principal mh = efix_who(0, METRICS_COURT, ROLE_HANDLER), mf = efix_who(0, METRICS_COURT, ROLE_FUND_OFFICER);
	for (size_t i = 0; i < sizeof metrics_cases / sizeof metrics_cases[0]; i++) {
		const struct metrics_case *c = &metrics_cases[i];
		char id[19], key[40];
		json_t *out = NULL;
		int replayed;
		person_id(300 + (int)i, id);
		int64_t m = efix_matter(&F, METRICS_COURT, "被执行人", id, c->filed_on, NULL);
		if (c->applied >= 0 && ledger_account_open(F.db, &mh, m, c->applied, a, &out, &e) != OK)
			fail_msg("row %zu: account: %s", i + 1, e.message);
		json_decref(out);
		if (c->received) {
			snprintf(key, sizeof key, "metrics-receipt-%zu", i + 1);
			ledger_receipt_in r = { .key = key,
				                .matter_id = m,
				                .source = "debtor_payment",
				                .amount = c->received,
				                .received_on = c->filed_on };
			if (ledger_receipt(F.db, &mf, &S, &r, &out, &replayed, &e) != OK)
				fail_msg("row %zu: receipt: %s", i + 1, e.message);
			json_decref(out);
		}
		if (c->action) {
			matter_act_in in = { .reason = "结案理由", .manner = c->manner, .on = c->closed_on };
			if (matter_act(F.db, &mh, m, c->action, &in, NULL, &e) != OK)
				fail_msg("row %zu: %s: %s", i + 1, c->action, e.message);
		}
	}
	json_t *out;
	assert_int_equal(enforce_metrics(F.db, NULL, METRICS_COURT, "2026-01-01", "2026-06-30", a, &out, &e), OK);
	json_t *t = json_object_get(out, "totals");
	static const struct {
		const char *field;
		double want;
	} expect[] = {
		{ "accepted", 8 },
		{ "closed", 6 },
		{ "closed_enforced", 3 },
		{ "closed_enforced_compulsory", 1 },
		{ "closed_enforced_voluntary", 1 },
		{ "closed_settled", 1 },
		{ "closed_no_assets", 1 },
		{ "closed_terminated", 1 },
		{ "completion_rate", 3.0 / 6 },
		{ "actual_enforcement_rate", 4.0 / 6 },
		{ "amount_applied_closed", 650000 },
		{ "amount_recovered_closed", 300000 },
		{ "recovery_rate", 300000.0 / 650000 },
		{ "closed_without_amount", 2 },
		{ "avg_days_to_close", 330.0 / 6 },
		{ "funds_received", 330000 },
	};
	for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
		json_t *v = json_object_get(t, expect[i].field);
		double got = json_is_number(v) ? json_number_value(v) : -1;
		if (got < expect[i].want - 1e-9 || got > expect[i].want + 1e-9)
			fail_msg("expectation %zu: %s = %g, hand-computed %g", i + 1, expect[i].field, got,
			         expect[i].want);
	}
	assert_null(strstr(json_string_value(json_object_get(out, "definitions")), "有款项实际到账"));
	json_decref(out);
	/* a period with nothing closed has no rates, not rates of zero */
	assert_int_equal(enforce_metrics(F.db, NULL, METRICS_COURT, "2025-01-01", "2025-06-30", a, &out, &e), OK);
	assert_true(json_is_null(json_object_get(json_object_get(out, "totals"), "completion_rate")));
	json_decref(out);
	arena_free(a);
}

/* ---- the sweep ---- */
static void sweep_writes_expiry_and_publication_once(void **state)
{
	(void)state;
	err e = { 0 };
	char id[19], today[11], past[11], before[11];
	int64_t debtor, order, listing;
	legal_today(today);
	enforce_add_days(today, -20, past);
	enforce_add_days(today, -6, before);
	person_id(41, id);
	int64_t m = efix_matter(&F, COURT, "被执行人五", id, "2022-12-01", &debtor);
	control_new c = { .matter_id = m,
		          .kind = "detention",
		          .party_id = debtor,
		          .basis = "（2026）内2529司惩2号",
		          .reason = "拒不到庭",
		          .valid_from = past,
		          .valid_to = before };
	assert_int_equal(control_order_issue(F.db, &handler, &c, &order, &e), OK);
	debtor_listing_new in = { .matter_id = m,
		                  .party_id = debtor,
		                  .ground = "breaches_asset_report",
		                  .conduct = "拒不报告财产",
		                  .obligation = "支付借款 5000 元",
		                  .source_doc_number = "（2025）内2529民初9号",
		                  .source_doc_issuer = "正镶白旗人民法院",
		                  .decided_on = "2023-01-10" }; /* 2 years: expired 2025-01-09 */
	assert_int_equal(debtor_list(F.db, &handler, &in, &listing, &e), OK);
	enforce_settings s = S;
	s.debtor_grace_days = 3;
	assert_int_equal(debtor_notice(F.db, &handler, &s, listing, "2023-01-12", "直接送达", &e), OK);
	/* reads judge by dates before any sweep */
	arena *a = arena_new();
	store_control_order o;
	assert_int_equal(store_control_order_get(F.db, order, a, &o, &e), OK);
	assert_string_equal(control_order_state(&o, today), "expired");
	int64_t before_events = count("SELECT count(*) FROM events");
	enforce_sweep_result r;
	assert_int_equal(enforce_sweep(F.db, today, &r, &e), OK);
	assert_true(r.orders_expired >= 1);
	assert_true(r.listings_expired >= 1);
	assert_true(r.listings_published >= 1);
	char sql[200];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM events WHERE entity_type='control_order' AND entity_id='%lld' AND "
	         "event_type='control.expired'",
	         (long long)order);
	assert_int_equal(count(sql), 1);
	snprintf(
	        sql, sizeof sql,
	        "SELECT count(*) FROM events WHERE entity_type='debtor_listing' AND entity_id='%lld' AND event_type IN "
	        "('debtor.expired','debtor.published')",
	        (long long)listing);
	assert_int_equal(count(sql), 2);
	int64_t after = count("SELECT count(*) FROM events");
	assert_int_equal(after - before_events, r.orders_expired + r.listings_expired + r.listings_published);
	/* the second sweep writes nothing */
	assert_int_equal(enforce_sweep(F.db, today, &r, &e), OK);
	assert_int_equal(r.orders_expired + r.listings_expired + r.listings_published, 0);
	assert_int_equal(count("SELECT count(*) FROM events"), after);
	/* an order still in force is not touched; a bad day is refused naming it */
	assert_int_equal(enforce_sweep(F.db, "2026-13-01", &r, &e), E_INVALID);
	assert_string_equal(e.field, "today");
	arena_free(a);
}

/* ---- query codes ---- */
static void query_code_works_once_is_stored_hashed_and_wrong_codes_lock(void **state)
{
	(void)state;
	err e = { 0 };
	arena *a = arena_new();
	json_t *out = NULL;
	enforce_settings s = S;
	s.query_log_delay_days = 0;
	char id[19];
	person_id(51, id);
	/* a lookup of this person */
	control_check_in ck = { .id_number = id, .purpose = "盘查", .basis = "人民警察法第九条", .case_ref = "盘查1" };
	assert_int_equal(control_person_check(F.db, &police, &ck, a, &out, &e), OK);
	json_decref(out);
	assert_int_equal(enforce_query_code_issue(F.db, &handler, &s, id, "本人", "x", a, &out, &e), E_INVALID);
	assert_string_equal(e.field, "reason");
	assert_int_equal(
	        enforce_query_code_issue(F.db, &handler, &s, id, "本人", "当面核验居民身份证原件", a, &out, &e), OK);
	char code[32];
	util_strlcpy(code, json_string_value(json_object_get(out, "code")), sizeof code);
	json_decref(out);
	assert_int_equal(strlen(code), 14);
	/* only the hash is kept, and the event does not carry the code */
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM events WHERE payload LIKE '%%%.4s-%.4s%%'", code, code + 5);
	assert_int_equal(count(sql), 0);
	assert_int_equal(count("SELECT count(*) FROM query_codes WHERE length(code_hash)=64"), 1);
	/* the code is the person's: another ID number does not open it */
	char other[19];
	person_id(52, other);
	assert_int_equal(enforce_query_log(F.db, &s, other, code, a, &out, &e), E_FORBIDDEN);
	assert_string_equal(e.field, "code");
	/* lower case and without dashes is the same code; it works once */
	char loose[16];
	size_t k = 0;
	for (const char *p = code; *p; p++)
		if (*p != '-')
			loose[k++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	loose[k] = 0;
	if (enforce_query_log(F.db, &s, id, loose, a, &out, &e) != OK)
		fail_msg("%s", e.message);
	assert_true(json_array_size(json_object_get(out, "lookups")) >= 1);
	assert_null(json_object_get(json_array_get(json_object_get(out, "lookups"), 0), "user_id"));
	json_decref(out);
	assert_int_equal(enforce_query_log(F.db, &s, id, code, a, &out, &e), E_FORBIDDEN);
	assert_non_null(strstr(e.message, "已使用"));
	/* wrong codes lock the number: the used code was the first, three more, then the fifth locks */
	for (int i = 2; i < AUTH_MAX_FAILURES; i++)
		assert_int_equal(enforce_query_log(F.db, &s, id, "AAAA-BBBB-CCCC", a, &out, &e), E_FORBIDDEN);
	assert_int_equal(enforce_query_log(F.db, &s, id, "AAAA-BBBB-CCCC", a, &out, &e), E_LOCKED);
	/* a fresh, right code waits for the lock too */
	assert_int_equal(
	        enforce_query_code_issue(F.db, &handler, &s, id, "本人", "当面核验居民身份证原件", a, &out, &e), OK);
	util_strlcpy(code, json_string_value(json_object_get(out, "code")), sizeof code);
	json_decref(out);
	assert_int_equal(enforce_query_log(F.db, &s, id, code, a, &out, &e), E_LOCKED);
	assert_int_equal(count("SELECT count(*) FROM events WHERE event_type='query_code.locked'"), 1);
	arena_free(a);
}

/* ---- bank import booking unidentified receipts ---- */
static void bank_import_books_unmatched_credits_once_and_still_lists_them(void **state)
{
	(void)state;
	err e = { 0 };
	json_t *out = NULL;
	int replayed;
	char today[11], csv[400];
	legal_today(today);
	snprintf(csv, sizeof csv,
	         "date,amount,reference,payer\n"
	         "%s,321.00,BANK-UNID-1,某某\n" /* nothing in the ledger: booked */
	         "%s,12.00,,无名\n"             /* no reference: listed, not booked */
	         "%s,-40.00,OUT-9,\n",          /* a debit line is never booked */
	         today, today, today);
	int64_t unid0 = count("SELECT count(*) FROM ledger_receipts WHERE matter_id IS NULL");
	if (ledger_bank_import(F.db, &fund, &S, "bank-book-1", COURT, csv, 3, 1, &out, &replayed, &e) != OK)
		fail_msg("%s", e.message);
	assert_int_equal(json_integer_value(json_object_get(out, "n_booked_unidentified")), 1);
	json_t *lines = json_object_get(out, "unmatched_lines");
	assert_int_equal(json_array_size(lines), 3); /* every difference is still listed */
	assert_true(json_is_true(json_object_get(json_array_get(lines, 0), "booked")));
	assert_true(json_integer_value(json_object_get(json_array_get(lines, 0), "unidentified_receipt_id")) > 0);
	assert_non_null(strstr(json_string_value(json_object_get(json_array_get(lines, 1), "reason")), "没有流水号"));
	json_decref(out);
	assert_int_equal(count("SELECT count(*) FROM ledger_receipts WHERE matter_id IS NULL"), unid0 + 1);
	assert_int_equal(count("SELECT count(*) FROM events WHERE event_type='ledger.received_unidentified' AND "
	                       "json_extract(payload,'$.bank_statement_line')=2"),
	                 1);
	/* the same statement again under another key books nothing twice */
	if (ledger_bank_import(F.db, &fund, &S, "bank-book-2", COURT, csv, 3, 1, &out, &replayed, &e) != OK)
		fail_msg("%s", e.message);
	assert_int_equal(json_integer_value(json_object_get(out, "n_booked_unidentified")), 0);
	assert_non_null(strstr(json_string_value(json_object_get(
	                               json_array_get(json_object_get(out, "unmatched_lines"), 0), "reason")),
	                       "此前已登记"));
	json_decref(out);
	assert_int_equal(count("SELECT count(*) FROM ledger_receipts WHERE matter_id IS NULL"), unid0 + 1);
	/* the ledger still reconciles */
	assert_int_equal(ledger_reconcile(F.db, &fund, COURT, today, &out, &e), OK);
	json_decref(out);
}

/* ---- history ---- */
static void matter_history_shows_enforcement_events_with_labels(void **state)
{
	(void)state;
	err e = { 0 };
	char id[19];
	int64_t debtor, order;
	person_id(61, id);
	int64_t m = efix_matter(&F, COURT, "被执行人六", id, "2026-01-05", &debtor);
	control_new c = { .matter_id = m,
		          .kind = "consumption_restriction",
		          .party_id = debtor,
		          .basis = "（2026）内2529执6号之一",
		          .reason = "未履行" };
	assert_int_equal(control_order_issue(F.db, &handler, &c, &order, &e), OK);
	assert_int_equal(control_order_revoke(F.db, &handler, order, "已提供担保", &e), OK);
	arena *a = arena_new();
	json_t *out;
	assert_int_equal(matter_history(F.db, m, NULL, a, &out, &e), OK);
	json_t *ev = json_object_get(out, "events");
	static const char *const want[][2] = { { "matter.filed", "立案" },
		                               { "control.issued", "发出强制措施决定" },
		                               { "control.revoked", "解除强制措施" } };
	assert_int_equal(json_array_size(ev), 3);
	for (size_t i = 0; i < 3; i++) {
		json_t *x = json_array_get(ev, i);
		if (strcmp(json_string_value(json_object_get(x, "type")), want[i][0]) ||
		    strcmp(json_string_value(json_object_get(x, "label")), want[i][1]))
			fail_msg("row %zu: %s %s", i + 1, json_string_value(json_object_get(x, "type")),
			         json_string_value(json_object_get(x, "label")));
	}
	/* the state is the matter's own */
	assert_null(json_object_get(json_object_get(out, "state"), "reason"));
	json_decref(out);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(close_enforced_needs_a_manner_and_settled_and_terminated_are_rows),
		cmocka_unit_test(no_assets_closing_names_each_missing_condition_then_succeeds),
		cmocka_unit_test(metrics_match_the_hand_computed_table),
		cmocka_unit_test(sweep_writes_expiry_and_publication_once),
		cmocka_unit_test(query_code_works_once_is_stored_hashed_and_wrong_codes_lock),
		cmocka_unit_test(bank_import_books_unmatched_credits_once_and_still_lists_them),
		cmocka_unit_test(matter_history_shows_enforcement_events_with_labels),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
