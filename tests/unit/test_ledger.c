/*
 * test_ledger.c - the case-funds ledger against a reference model. A seeded random sequence of at
 * least 100,000 operations (receipts to matters, court fees, unidentified receipts, matches - also to
 * the wrong court and twice -, disbursement and refund requests - also beyond the available balance -,
 * approvals - also by the requester and twice -, refusals, amount-applied changes, repeats of earlier
 * requests with the same idempotency key, the same key with a different request) runs through the
 * domain functions; after every operation each account's balance equals the model's and is not
 * negative, each court's bank balance equals what it holds for others, every new posting balances,
 * and exactly the effective operations appended one event each (repeats and refusals none). Every few
 * thousand operations, and at the end, the full check (ledger_check_all: running totals = entries,
 * balances = what the receipts say) runs too. Rounds of concurrent requests from several threads, each
 * with its own connection, race the same idempotency key, the same approval, requests that cannot all
 * fit in one balance and matches of the same unidentified receipt: one wins, the others get the first
 * result or a conflict, and the model stays right.
 *
 * Durability is off for this test (enforce_fixture.h: synchronous=OFF on a temporary file database),
 * which keeps 100,000 audited transactions within seconds under ASan. Set LEDGER_OPS to run more.
 */
#include "enforce_fixture.h"

#include "domain/audit.h"
#include "domain/ledger.h"

#include <pthread.h>
#include <time.h>

#define NM 8 /* matters: 0..5 at court A, 6..7 at court B */
#define MAXR 200000
#define MAXD 60000
#define MAXK 400000

static const char *const courts[2] = { "152529.court", "150102.court" };

typedef struct mreceipt {
	int64_t id, amount, disbursed;
	int court, matter; /* matter -1 = unidentified */
	int fee;
} mreceipt;

typedef struct mdisb {
	int64_t id, amount, requested_by;
	int matter, fee;
	char status; /* r requested, p posted, x refused */
} mdisb;

typedef struct mkey {
	char key[24];
	int op; /* 1 receipt, 2 match, 3 disbursement, 4 approve */
	int64_t a1, a2, a3;
	int64_t result_id;
} mkey;

typedef struct model {
	int64_t bank[2], unid[2], matter[NM], fees[NM], received[NM], applied[NM], pending[NM][2];
	size_t *held[NM]; /* per matter: its case-funds receipts in allocation order (received today: arrival) */
	size_t n_held[NM], head[NM];
	mreceipt *r;
	size_t nr;
	mdisb *d;
	size_t nd;
	mkey *k;
	size_t nk;
} model;

static efix F;
static model M;
static int64_t matter_ids[NM];
static int64_t last_posting, events;
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static enforce_settings S;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}
static int64_t below(int64_t n)
{
	return n > 0 ? (int64_t)(rnd() % (uint64_t)n) : 0;
}
static int court_of(int m)
{
	return m < 6 ? 0 : 1;
}

static principal fund[2], reviewer[2], dual[2];

static int64_t event_count(void)
{
	int64_t n;
	err e = { 0 };
	assert_int_equal(store_event_count(F.db, &n, &e), OK);
	return n;
}

/* After every operation: the accounts equal the model, nothing is negative, assets = liabilities,
 * new postings balance, and the events grew by exactly `effective`. Read with two statements straight
 * from the connection (integers only), so the check costs less than the operation it checks. */
static void check(int effective, const char *what, long op)
{
	static sqlite3_stmt *acc, *misc;
	if (!acc &&
	    (sqlite3_prepare_v2(
	             F.db->h,
	             "SELECT id, kind, matter_id, court_unit_id=?1, debit_total, credit_total FROM ledger_accounts", -1,
	             &acc, NULL) != SQLITE_OK ||
	     sqlite3_prepare_v2(
	             F.db->h,
	             "SELECT (SELECT coalesce(max(seq),0) FROM events), (SELECT coalesce(max(id),0) FROM"
	             " ledger_postings), (SELECT count(*) FROM (SELECT p.id FROM ledger_postings p LEFT JOIN"
	             " ledger_entries en ON en.posting_id=p.id WHERE p.id>?1 GROUP BY p.id HAVING count(en.id)<2"
	             " OR sum(en.debit)<>sum(en.credit) OR sum(en.debit)<>p.amount))",
	             -1, &misc, NULL) != SQLITE_OK))
		fail_msg("prepare: %s", sqlite3_errmsg(F.db->h));
	if (!what) { /* end of the run */
		sqlite3_finalize(acc);
		sqlite3_finalize(misc);
		acc = misc = NULL;
		return;
	}
	int64_t assets[2] = { 0, 0 }, liab[2] = { 0, 0 };
	sqlite3_bind_text(acc, 1, courts[0], -1, SQLITE_STATIC);
	while (sqlite3_step(acc) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(acc, 0), mid = sqlite3_column_int64(acc, 2);
		const char *kind = (const char *)sqlite3_column_text(acc, 1);
		int c = sqlite3_column_int(acc, 3) ? 0 : 1;
		int64_t d = sqlite3_column_int64(acc, 4), cr = sqlite3_column_int64(acc, 5);
		int bank = kind[0] == 'b';
		int64_t bal = bank ? d - cr : cr - d, want;
		if (bal < 0)
			fail_msg("op %ld (%s): account %lld below zero", op, what, (long long)id);
		if (bank) {
			want = M.bank[c];
			assets[c] += bal;
		} else if (kind[0] == 'u') {
			want = M.unid[c];
			liab[c] += bal;
		} else {
			int m = 0;
			while (m < NM && matter_ids[m] != mid)
				m++;
			assert_true(m < NM);
			want = kind[0] == 'f' ? M.fees[m] : M.matter[m];
			liab[c] += bal;
			if (kind[0] == 'm' && cr != M.received[m])
				fail_msg("op %ld (%s): matter %d received %lld, model %lld", op, what, m, (long long)cr,
				         (long long)M.received[m]);
		}
		if (bal != want)
			fail_msg("op %ld (%s): account %lld (%s) balance %lld, model %lld", op, what, (long long)id,
			         kind, (long long)bal, (long long)want);
	}
	sqlite3_reset(acc);
	for (int c = 0; c < 2; c++)
		if (assets[c] != liab[c])
			fail_msg("op %ld (%s): court %d bank %lld != held %lld", op, what, c, (long long)assets[c],
			         (long long)liab[c]);
	sqlite3_bind_int64(misc, 1, last_posting);
	if (sqlite3_step(misc) != SQLITE_ROW)
		fail_msg("check query: %s", sqlite3_errmsg(F.db->h));
	int64_t now = sqlite3_column_int64(misc, 0), maxp = sqlite3_column_int64(misc, 1),
	        unbalanced = sqlite3_column_int64(misc, 2);
	sqlite3_reset(misc);
	if (unbalanced)
		fail_msg("op %ld (%s): %lld unbalanced postings", op, what, (long long)unbalanced);
	last_posting = maxp;
	if (now - events != effective)
		fail_msg("op %ld (%s): %lld events appended, expected %d", op, what, (long long)(now - events),
		         effective);
	events = now;
}

static void full_check(long op)
{
	err e = { 0 };
	if (ledger_check_all(F.db, &e) != OK)
		fail_msg("op %ld: ledger_check_all: %s (%s)", op, e.message, e.field);
}

static mkey *new_key(int op)
{
	assert_true(M.nk < MAXK);
	mkey *k = &M.k[M.nk++];
	memset(k, 0, sizeof *k);
	snprintf(k->key, sizeof k->key, "k-%08zu-%02d", M.nk, op);
	k->op = op;
	return k;
}

/* Model: a case-funds receipt joins its matter's queue (all are received today, so the ledger's
 * order - received_on, then id - is the order they arrive or are matched in: a matched receipt keeps
 * its lower id, so it goes in by id). */
static void model_hold(int m, size_t ri)
{
	size_t *q = M.held[m], n = M.n_held[m], i = n;
	while (i > M.head[m] && M.r[q[i - 1]].id > M.r[ri].id) {
		q[i] = q[i - 1];
		i--;
	}
	q[i] = ri;
	M.n_held[m] = n + 1;
}

/* Model: allocate a paid-out amount to a matter's case-funds receipts, oldest first. */
static void model_allocate(int m, int64_t amount)
{
	while (amount > 0) {
		assert_true(M.head[m] < M.n_held[m]);
		mreceipt *r = &M.r[M.held[m][M.head[m]]];
		int64_t take = r->amount - r->disbursed < amount ? r->amount - r->disbursed : amount;
		r->disbursed += take;
		amount -= take;
		if (r->disbursed == r->amount)
			M.head[m]++;
	}
}

static int64_t amount_rand(void)
{
	int64_t x = below(100);
	return x < 70 ? 1 + below(100000) : x < 95 ? 1 + below(5000000) : 1 + below(100000000);
}

/* ---- operations ---- */
static void op_receipt(long op, int kind /* 0 case funds, 1 fee, 2 unidentified */)
{
	err e = { 0 };
	int m = (int)below(NM), c = kind == 2 ? (int)below(2) : court_of(m);
	int64_t amount = amount_rand();
	mkey *k = new_key(1);
	k->a1 = kind == 2 ? -1 - c : m;
	k->a2 = amount;
	k->a3 = kind;
	ledger_receipt_in in = { .key = k->key,
		                 .court_unit_id = courts[c],
		                 .matter_id = kind == 2 ? 0 : matter_ids[m],
		                 .source = kind == 1 ? "court_fee" : "debtor_payment",
		                 .amount = amount,
		                 .received_on = NULL };
	json_t *out = NULL;
	int replayed = -1;
	if (ledger_receipt(F.db, &fund[c], &S, &in, &out, &replayed, &e) != OK)
		fail_msg("op %ld receipt: %s", op, e.message);
	assert_int_equal(replayed, 0);
	assert_int_equal(json_integer_value(json_object_get(out, "amount")), amount);
	k->result_id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	assert_true(M.nr < MAXR);
	M.r[M.nr++] = (mreceipt){
		.id = k->result_id, .amount = amount, .court = c, .matter = kind == 2 ? -1 : m, .fee = kind == 1
	};
	if (kind == 0)
		model_hold(m, M.nr - 1);
	M.bank[c] += amount;
	if (kind == 2)
		M.unid[c] += amount;
	else if (kind == 1)
		M.fees[m] += amount;
	else
		M.matter[m] += amount, M.received[m] += amount;
	check(1, "receipt", op);
}

static void op_match(long op)
{
	err e = { 0 };
	if (M.nr == 0)
		return;
	mreceipt *r = &M.r[below((int64_t)M.nr)];
	int m = (int)below(NM);
	mkey *k = new_key(2);
	k->a1 = r->id;
	k->a2 = m;
	json_t *out = NULL;
	int replayed = -1;
	int rc = ledger_match(F.db, &fund[r->court], k->key, r->id, matter_ids[m], &out, &replayed, &e);
	if (r->matter != -1) {
		if (rc != E_CONFLICT)
			fail_msg("op %ld: matching a matched receipt gave %d", op, rc);
		M.nk--; /* a refused request leaves no key behind */
	} else if (court_of(m) != r->court) {
		if (rc != E_INVALID)
			fail_msg("op %ld: matching across courts gave %d (%s)", op, rc, e.message);
		M.nk--;
	} else {
		if (rc != OK)
			fail_msg("op %ld match: %s", op, e.message);
		assert_int_equal(replayed, 0);
		k->result_id = r->id;
		r->matter = m;
		model_hold(m, (size_t)(r - M.r));
		M.unid[r->court] -= r->amount;
		M.matter[m] += r->amount;
		M.received[m] += r->amount;
	}
	json_decref(out);
	check(rc == OK, "match", op);
}

static void op_request(long op)
{
	err e = { 0 };
	int m = (int)below(NM), fee = below(4) == 0, c = court_of(m);
	int64_t bal = fee ? M.fees[m] : M.matter[m], avail = bal - M.pending[m][fee];
	int64_t amount = avail > 0 && below(10) ? 1 + below(avail + avail / 5) : 1 + below(1000);
	const principal *who = below(5) == 0 ? &dual[c] : &fund[c];
	mkey *k = new_key(3);
	k->a1 = m;
	k->a2 = amount;
	k->a3 = fee;
	ledger_disbursement_in in = { .key = k->key,
		                      .matter_id = matter_ids[m],
		                      .kind = fee ? "fee_refund" : "creditor",
		                      .amount = amount,
		                      .payee_name = "申请执行人",
		                      .payee_account = "6228480012345678901",
		                      .payee_bank = "中国农业银行" };
	json_t *out = NULL;
	int replayed = -1;
	int rc = ledger_disbursement_request(F.db, who, &in, &out, &replayed, &e);
	if (amount > avail) {
		if (rc != E_CONFLICT)
			fail_msg("op %ld: request of %lld over available %lld gave %d", op, (long long)amount,
			         (long long)avail, rc);
		M.nk--;
	} else {
		if (rc != OK)
			fail_msg("op %ld request: %s", op, e.message);
		k->result_id = json_integer_value(json_object_get(out, "id"));
		assert_true(M.nd < MAXD);
		M.d[M.nd++] = (mdisb){ .id = k->result_id,
			               .amount = amount,
			               .requested_by = who->user_id,
			               .matter = m,
			               .fee = fee,
			               .status = 'r' };
		M.pending[m][fee] += amount;
	}
	json_decref(out);
	check(rc == OK, "request", op);
}

static void apply_posted(mdisb *d)
{
	d->status = 'p';
	M.pending[d->matter][d->fee] -= d->amount;
	M.bank[court_of(d->matter)] -= d->amount;
	if (d->fee)
		M.fees[d->matter] -= d->amount;
	else {
		M.matter[d->matter] -= d->amount;
		model_allocate(d->matter, d->amount);
	}
}

static void op_decide(long op, int approve)
{
	err e = { 0 };
	if (M.nd == 0)
		return;
	mdisb *d = &M.d[below((int64_t)M.nd)];
	int c = court_of(d->matter);
	/* sometimes the requester tries to approve their own request (the dual-role user) */
	const principal *who = below(6) == 0 ? &dual[c] : &reviewer[c];
	json_t *out = NULL;
	int replayed = -1, rc;
	mkey *k = approve ? new_key(4) : NULL;
	if (k)
		k->a1 = d->id;
	if (approve)
		rc = ledger_disbursement_approve(F.db, who, k->key, d->id, NULL, NULL, &out, &replayed, &e);
	else
		rc = ledger_disbursement_refuse(F.db, who, d->id, "证明材料不全", &out, &e);
	int effective = 0;
	if (d->status != 'r') {
		if (rc != E_CONFLICT)
			fail_msg("op %ld: deciding a decided disbursement gave %d (%s)", op, rc, e.message);
	} else if (who->user_id == d->requested_by) {
		if (rc != E_FORBIDDEN)
			fail_msg("op %ld: the requester deciding their own request gave %d", op, rc);
	} else {
		if (rc != OK)
			fail_msg("op %ld decide: %s", op, e.message);
		effective = 1;
		if (approve) {
			apply_posted(d);
			k->result_id = d->id;
		} else {
			d->status = 'x';
			M.pending[d->matter][d->fee] -= d->amount;
		}
	}
	if (k && !effective)
		M.nk--;
	json_decref(out);
	check(effective, approve ? "approve" : "refuse", op);
}

static void op_applied(long op)
{
	err e = { 0 };
	int m = (int)below(NM);
	int64_t amount = below(3) ? M.received[m] + below(1000000) : below(M.received[m] + 1);
	arena *a = arena_new();
	json_t *out = NULL;
	principal who = efix_who(0, courts[court_of(m)], ROLE_HANDLER);
	if (ledger_account_open(F.db, &who, matter_ids[m], amount, a, &out, &e) != OK)
		fail_msg("op %ld applied: %s", op, e.message);
	M.applied[m] = amount;
	json_decref(out);
	arena_free(a);
	check(1, "applied", op);
}

/* Repeat an earlier request: the same body gives the first result and writes nothing; a different
 * body under the same key is refused. */
static void op_repeat(long op)
{
	err e = { 0 };
	if (M.nk == 0)
		return;
	mkey *k = &M.k[below((int64_t)M.nk)];
	int differ = below(4) == 0;
	if (k->op == 0)
		return;
	json_t *out = NULL;
	int replayed = -1, rc = OK;
	switch (k->op) {
	case 1: {
		int kind = (int)k->a3, m = k->a1 >= 0 ? (int)k->a1 : 0, c = k->a1 < 0 ? (int)(-1 - k->a1) : court_of(m);
		ledger_receipt_in in = { .key = k->key,
			                 .court_unit_id = courts[c],
			                 .matter_id = kind == 2 ? 0 : matter_ids[m],
			                 .source = kind == 1 ? "court_fee" : "debtor_payment",
			                 .amount = k->a2 + differ };
		rc = ledger_receipt(F.db, &fund[c], &S, &in, &out, &replayed, &e);
		break;
	}
	case 2: {
		int m = (int)k->a2;
		rc = ledger_match(F.db, &fund[court_of(m)], k->key, k->a1, matter_ids[differ ? (m + 1) % NM : m], &out,
		                  &replayed, &e);
		break;
	}
	case 3: {
		int m = (int)k->a1;
		ledger_disbursement_in in = { .key = k->key,
			                      .matter_id = matter_ids[m],
			                      .kind = k->a3 ? "fee_refund" : "creditor",
			                      .amount = k->a2 + differ,
			                      .payee_name = "申请执行人",
			                      .payee_account = "6228480012345678901",
			                      .payee_bank = "中国农业银行" };
		rc = ledger_disbursement_request(F.db, &fund[court_of(m)], &in, &out, &replayed, &e);
		break;
	}
	case 4: {
		mdisb *d = NULL;
		for (size_t i = 0; i < M.nd; i++)
			if (M.d[i].id == k->a1)
				d = &M.d[i];
		assert_non_null(d);
		rc = ledger_disbursement_approve(F.db, &reviewer[court_of(d->matter)], k->key, k->a1,
		                                 differ ? "另一意见" : NULL, NULL, &out, &replayed, &e);
		break;
	}
	}
	if (differ) {
		if (rc != E_CONFLICT)
			fail_msg("op %ld: key %s reused for another request gave %d", op, k->key, rc);
	} else {
		if (rc != OK || replayed != 1)
			fail_msg("op %ld: repeat of %s gave %d replayed=%d (%s)", op, k->key, rc, replayed, e.message);
		assert_int_equal(json_integer_value(json_object_get(out, "id")), k->result_id);
	}
	json_decref(out);
	check(0, "repeat", op);
}

/* ---- concurrent rounds ---- */
typedef struct racer {
	const char *db_path;
	int kind; /* 0 receipt with one key, 1 approve one disbursement, 2 request a disbursement, 3 match */
	const char *key;
	int64_t matter_id, amount, disb_id;
	int court;
	int rc, replayed;
	int64_t result_id;
} racer;

static pthread_barrier_t barrier;

static void *race(void *arg)
{
	racer *r = arg;
	store *db;
	err e = { 0 };
	json_t *out = NULL;
	if (store_open(r->db_path, &db, &e) != OK) {
		r->rc = -1;
		return NULL;
	}
	sqlite3_exec(db->h, "PRAGMA synchronous=OFF", NULL, NULL, NULL);
	pthread_barrier_wait(&barrier);
	if (r->kind == 0) {
		ledger_receipt_in in = { .key = r->key,
			                 .court_unit_id = courts[r->court],
			                 .matter_id = r->matter_id,
			                 .source = "auction_proceeds",
			                 .amount = r->amount };
		r->rc = ledger_receipt(db, &fund[r->court], &S, &in, &out, &r->replayed, &e);
	} else if (r->kind == 1) {
		r->rc = ledger_disbursement_approve(db, &reviewer[r->court], r->key, r->disb_id, NULL, NULL, &out,
		                                    &r->replayed, &e);
	} else if (r->kind == 2) {
		ledger_disbursement_in in = { .key = r->key,
			                      .matter_id = r->matter_id,
			                      .kind = "creditor",
			                      .amount = r->amount,
			                      .payee_name = "申请执行人",
			                      .payee_account = "6228480012345678901",
			                      .payee_bank = "中国农业银行" };
		r->rc = ledger_disbursement_request(db, &fund[r->court], &in, &out, &r->replayed, &e);
	} else {
		r->rc = ledger_match(db, &fund[r->court], r->key, r->disb_id, r->matter_id, &out, &r->replayed, &e);
	}
	if (out)
		r->result_id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	store_close(db);
	return NULL;
}

#define RACERS 4

static void op_concurrent(long op)
{
	pthread_t t[RACERS];
	racer rs[RACERS];
	/* the same receipt sent by four clients at once (a retried request): posted once */
	int m = (int)below(NM), c = court_of(m);
	int64_t amount = amount_rand();
	mkey *k = new_key(1);
	k->a1 = m;
	k->a2 = amount;
	pthread_barrier_init(&barrier, NULL, RACERS);
	for (int i = 0; i < RACERS; i++) {
		rs[i] = (racer){ .db_path = F.db_path,
			         .kind = 0,
			         .key = k->key,
			         .matter_id = matter_ids[m],
			         .amount = amount,
			         .court = c };
		pthread_create(&t[i], NULL, race, &rs[i]);
	}
	int fresh = 0;
	for (int i = 0; i < RACERS; i++) {
		pthread_join(t[i], NULL);
		if (rs[i].rc != OK)
			fail_msg("op %ld: concurrent receipt failed with %d", op, rs[i].rc);
		fresh += rs[i].replayed == 0;
	}
	pthread_barrier_destroy(&barrier);
	assert_int_equal(fresh, 1);
	for (int i = 1; i < RACERS; i++)
		assert_int_equal(rs[i].result_id, rs[0].result_id);
	/* the receipt went in as auction proceeds; the repeat model treats it as a case-funds receipt */
	k->result_id = rs[0].result_id;
	k->op = 0; /* not repeated below: its source differs from op_repeat's */
	M.r[M.nr++] = (mreceipt){ .id = k->result_id, .amount = amount, .court = c, .matter = m };
	model_hold(m, M.nr - 1);
	M.bank[c] += amount;
	M.matter[m] += amount;
	M.received[m] += amount;
	check(1, "concurrent receipt", op);

	/* four reviewers approve the same request at once with their own keys: one posts */
	mdisb *d = NULL;
	for (size_t i = M.nd; i-- > 0 && !d;)
		if (M.d[i].status == 'r' && M.d[i].requested_by != reviewer[court_of(M.d[i].matter)].user_id)
			d = &M.d[i];
	if (!d)
		return;
	char keys[RACERS][32];
	pthread_barrier_init(&barrier, NULL, RACERS);
	for (int i = 0; i < RACERS; i++) {
		snprintf(keys[i], sizeof keys[i], "race-%ld-%d", op, i);
		rs[i] = (racer){
			.db_path = F.db_path, .kind = 1, .key = keys[i], .disb_id = d->id, .court = court_of(d->matter)
		};
		pthread_create(&t[i], NULL, race, &rs[i]);
	}
	int ok = 0;
	for (int i = 0; i < RACERS; i++) {
		pthread_join(t[i], NULL);
		if (rs[i].rc == OK)
			ok++;
		else if (rs[i].rc != E_CONFLICT)
			fail_msg("op %ld: concurrent approval failed with %d", op, rs[i].rc);
	}
	pthread_barrier_destroy(&barrier);
	assert_int_equal(ok, 1);
	apply_posted(d);
	check(1, "concurrent approval", op);

	/* four officers ask at once, each for more than half of what a matter has available: the
	 * requests serialise, so one is accepted and the others find the balance taken (pending
	 * requests never exceed the balance) */
	int best = -1;
	for (int q = 0; q < NM; q++)
		if (best < 0 || M.matter[q] - M.pending[q][0] > M.matter[best] - M.pending[best][0])
			best = q;
	int64_t avail = M.matter[best] - M.pending[best][0];
	if (avail >= 2) {
		int bc = court_of(best);
		int64_t want = avail / 2 + 1;
		pthread_barrier_init(&barrier, NULL, RACERS);
		for (int i = 0; i < RACERS; i++) {
			snprintf(keys[i], sizeof keys[i], "req-%ld-%d", op, i);
			rs[i] = (racer){ .db_path = F.db_path,
				         .kind = 2,
				         .key = keys[i],
				         .matter_id = matter_ids[best],
				         .amount = want,
				         .court = bc };
			pthread_create(&t[i], NULL, race, &rs[i]);
		}
		int winner = -1;
		for (int i = 0; i < RACERS; i++) {
			pthread_join(t[i], NULL);
			if (rs[i].rc == OK) {
				if (winner >= 0)
					fail_msg("op %ld: two concurrent requests over the balance were accepted", op);
				winner = i;
			} else if (rs[i].rc != E_CONFLICT) {
				fail_msg("op %ld: concurrent request failed with %d", op, rs[i].rc);
			}
		}
		pthread_barrier_destroy(&barrier);
		assert_true(winner >= 0);
		assert_true(M.nd < MAXD);
		M.d[M.nd++] = (mdisb){ .id = rs[winner].result_id,
			               .amount = want,
			               .requested_by = fund[bc].user_id,
			               .matter = best,
			               .fee = 0,
			               .status = 'r' };
		M.pending[best][0] += want;
		check(1, "concurrent requests", op);
	}

	/* four officers match the same unidentified receipt at once, with their own keys: it goes to
	 * one matter once */
	mreceipt *u = NULL;
	for (size_t i = M.nr; i-- > 0 && !u;)
		if (M.r[i].matter == -1 && !M.r[i].fee)
			u = &M.r[i];
	if (!u)
		return;
	int target = u->court == 0 ? (int)below(6) : 6 + (int)below(2);
	pthread_barrier_init(&barrier, NULL, RACERS);
	for (int i = 0; i < RACERS; i++) {
		snprintf(keys[i], sizeof keys[i], "match-%ld-%d", op, i);
		rs[i] = (racer){ .db_path = F.db_path,
			         .kind = 3,
			         .key = keys[i],
			         .matter_id = matter_ids[target],
			         .disb_id = u->id,
			         .court = u->court };
		pthread_create(&t[i], NULL, race, &rs[i]);
	}
	ok = 0;
	for (int i = 0; i < RACERS; i++) {
		pthread_join(t[i], NULL);
		if (rs[i].rc == OK)
			ok++;
		else if (rs[i].rc != E_CONFLICT)
			fail_msg("op %ld: concurrent match failed with %d", op, rs[i].rc);
	}
	pthread_barrier_destroy(&barrier);
	assert_int_equal(ok, 1);
	u->matter = target;
	model_hold(target, (size_t)(u - M.r));
	M.unid[u->court] -= u->amount;
	M.matter[target] += u->amount;
	M.received[target] += u->amount;
	check(1, "concurrent match", op);
}

static void ledger_random_operations_keep_every_invariant(void **state)
{
	(void)state;
	long n_ops = 100000;
	const char *env = getenv("LEDGER_OPS");
	if (env && atol(env) > 0)
		n_ops = atol(env);
	efix_open(&F, 1);
	enforce_settings_default(&S);
	memset(&M, 0, sizeof M);
	M.r = calloc(MAXR, sizeof *M.r);
	M.d = calloc(MAXD, sizeof *M.d);
	M.k = calloc(MAXK, sizeof *M.k);
	assert_non_null(M.r);
	assert_non_null(M.d);
	assert_non_null(M.k);
	for (int m = 0; m < NM; m++)
		assert_non_null(M.held[m] = calloc(MAXR, sizeof *M.held[m]));
	static const char *const debtors[NM] = { "152529198503150029", "152529199007070067", "152529197511110073",
		                                 "152529199202020081", "9315020216QU90AW99", "152529198503150029",
		                                 "11150421FUAXM2TK0C", "152529199007070067" };
	for (int m = 0; m < NM; m++)
		matter_ids[m] = efix_matter(&F, courts[court_of(m)], "被执行人", debtors[m], "2026-01-05", NULL);
	for (int c = 0; c < 2; c++) {
		fund[c] = efix_who(100 + c * 10, courts[c], ROLE_FUND_OFFICER);
		reviewer[c] = efix_who(101 + c * 10, courts[c], ROLE_REVIEWER);
		dual[c] = efix_who(102 + c * 10, courts[c], ROLE_FUND_OFFICER | ROLE_REVIEWER);
	}
	events = event_count();
	for (long op = 1; op <= n_ops; op++) {
		int64_t x = below(100);
		if (x < 24)
			op_receipt(op, 0);
		else if (x < 28)
			op_receipt(op, 1);
		else if (x < 36)
			op_receipt(op, 2);
		else if (x < 44)
			op_match(op);
		else if (x < 62)
			op_request(op);
		else if (x < 78)
			op_decide(op, 1);
		else if (x < 82)
			op_decide(op, 0);
		else if (x < 84)
			op_applied(op);
		else
			op_repeat(op);
		if (getenv("LEDGER_TIMING") && op % 10000 == 0) {
			struct timespec ts;
			clock_gettime(CLOCK_MONOTONIC, &ts);
			fprintf(stderr, "op %ld t=%.2f\n", op, ts.tv_sec + ts.tv_nsec / 1e9);
		}
		if (op % 10000 == 0) {
			op_concurrent(op);
			full_check(op);
		}
	}
	full_check(n_ops);
	check(0, NULL, 0);
	/* and the day's reconciliation agrees */
	err e = { 0 };
	json_t *rep = NULL;
	principal who = efix_who(100, courts[0], ROLE_FUND_OFFICER);
	assert_int_equal(ledger_reconcile(F.db, &who, courts[0], NULL, &rep, &e), OK);
	assert_true(json_is_true(json_object_get(rep, "ok")));
	json_decref(rep);
	free(M.r);
	free(M.d);
	free(M.k);
	for (int m = 0; m < NM; m++)
		free(M.held[m]);
	efix_close(&F);
}

/* Under ASan every malloc records its stack: SQLite mallocs a lot, so keep the stacks short for this
 * long run (the environment's ASAN_OPTIONS still apply on top). */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "malloc_context_size=2:quarantine_size_mb=1:max_malloc_fill_size=0";
}

int main(void)
{
	/* fewer mallocs per statement (a larger lookaside buffer per connection) and per page (one
	 * page-cache block allocated once) */
	int hdr = 0;
	sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 1024, 512);
	if (sqlite3_config(SQLITE_CONFIG_PCACHE_HDRSZ, &hdr) == SQLITE_OK)
		(void)0;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ledger_random_operations_keep_every_invariant),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
