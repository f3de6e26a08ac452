/*
 * ledger.h - case funds (执行案款, 一案一账户) in a double-entry ledger. Amounts are integers in fen;
 * yuan text is parsed exactly, without floating point. docs/ledger.md states the invariants.
 *
 * Accounts: per court a bank account (asset) and an unidentified-receipts account (不明款, liability);
 * per enforcement matter a case-funds account (liability to its creditors, with the amount applied
 * for) and a court-fee account (fees held for refund). Postings are balanced sets of entries:
 *   receipt        D bank          C matter | unidentified
 *   fee_receipt    D bank          C fees
 *   match          D unidentified  C matter
 *   disbursement   D matter        C bank
 *   refund         D fees          C bank
 * Every posting carries a client-supplied idempotency key (a repeat of the same request returns the
 * first result and writes nothing; the key with another request is refused), never takes an account
 * below zero (checked in the transaction, and by the schema), and commits with its event.
 *
 * Disbursements and court-fee refunds are two-step: a fund officer requests (payee, bank account), a
 * reviewer of the same court who is not the requester approves, and the posting happens at approval.
 * Disbursed amounts are allocated to the matter's receipts oldest first; a receipt still (partly) held
 * after the funds limit (enforce_settings.funds_due_days) is overdue.
 *
 * When a matter's receipts reach the amount applied for, the debt counts as paid: debtor_on_performed
 * runs in the same transaction (listing removal, lifting of consumption restrictions).
 *
 * Functions that write return the resulting object as JSON in *out (heap: json_decref) and set
 * *out_replayed when the idempotency key had been used for the same request.
 */
#ifndef CB_LEDGER_H
#define CB_LEDGER_H

#include "domain/enforce.h"

/* Largest single amount: 10^13 fen (1000亿元); sums of such amounts stay far from int64 limits. */
#define LEDGER_MAX_FEN INT64_C(10000000000000)

/* Parse yuan text "1234.5", "1234.56", "-20.00" (at most two decimals, no exponent, no thousands
 * separators) into fen exactly. allow_negative for bank statements. OK or E_INVALID. */
int ledger_parse_yuan(const char *s, int allow_negative, int64_t *out_fen);
/* Format fen as yuan with two decimals ("-1234.05"); out at least 32 bytes. */
void ledger_format_fen(int64_t fen, char *out, size_t cap);
/* An idempotency key: 8-128 characters of A-Z a-z 0-9 . _ : - */
int ledger_key_check(const char *key, err *e);

/* The court whose funds a user handles: the top court of their unit, or NULL. */
const org_unit *ledger_court_of(const principal *who);
/* The court that keeps the matter's funds (its enforcing court), for authorization. */
int ledger_matter_court(store *db, int64_t matter_id, arena *a, const char **out_court_unit_id, err *e);

/* Open the matter's case-funds account, or set its amount applied for (fen, 0 = unknown). */
int ledger_account_open(store *db, const principal *who, int64_t matter_id, int64_t amount_applied, arena *a,
                        json_t **out, err *e);

typedef struct ledger_receipt_in {
	const char *key;
	const char *court_unit_id; /* for unidentified receipts: the court they arrived at */
	int64_t matter_id;         /* 0 = unidentified (不明款) */
	const char *source;        /* debtor_payment | bank_deduction | auction_proceeds | court_fee */
	int64_t amount;
	const char *payer, *reference;
	const char *received_on; /* value date, default today */
} ledger_receipt_in;
int ledger_receipt(store *db, const principal *who, const enforce_settings *s, const ledger_receipt_in *in,
                   json_t **out, int *out_replayed, err *e);
/* Match an unidentified receipt to a matter of the same court. */
int ledger_match(store *db, const principal *who, const char *key, int64_t receipt_id, int64_t matter_id, json_t **out,
                 int *out_replayed, err *e);
int ledger_receipt_court(store *db, int64_t receipt_id, arena *a, const char **out_court_unit_id, err *e);

typedef struct ledger_disbursement_in {
	const char *key;
	int64_t matter_id;
	const char *kind; /* creditor | fee_refund */
	int64_t amount;
	const char *payee_name, *payee_account, *payee_bank, *note;
} ledger_disbursement_in;
int ledger_disbursement_request(store *db, const principal *who, const ledger_disbursement_in *in, json_t **out,
                                int *out_replayed, err *e);
/* Approve and post (a reviewer other than the requester). on: value date (demo), NULL = today. */
int ledger_disbursement_approve(store *db, const principal *who, const char *key, int64_t id, const char *note,
                                const char *on, json_t **out, int *out_replayed, err *e);
int ledger_disbursement_refuse(store *db, const principal *who, int64_t id, const char *note, json_t **out, err *e);
int ledger_disbursement_court(store *db, int64_t id, arena *a, const char **out_court_unit_id, err *e);

/* The day's reconciliation of a court: per account opening + in - out = closing, in total, assets =
 * liabilities, running totals = entries, every posting balanced, matter balances = funds held per
 * receipt, unidentified balance = unidentified receipts. Recorded (with its event) and returned. */
int ledger_reconcile(store *db, const principal *who, const char *court_unit_id, const char *on, json_t **out, err *e);

/* Import a bank statement (CSV "date,amount,reference,payer"; amount in yuan, negative = paid out) and
 * match its lines to receipts (by reference, else exact amount within window_days of the date) and
 * posted disbursements (exact amount and date window); report every difference both ways. With
 * book_unidentified, each credit line that matches nothing and has a bank reference is booked in the
 * same transaction as an unidentified receipt (不明款, due by s->funds_due_days) under the posting key
 * "bank:<court>:<reference>", so a statement imported twice books nothing twice; the line stays in
 * the report's differences with the receipt it became. */
int ledger_bank_import(store *db, const principal *who, const enforce_settings *s, const char *key,
                       const char *court_unit_id, const char *csv, int window_days, int book_unidentified, json_t **out,
                       int *out_replayed, err *e);

/* The matter's amount applied for and received (fen; applied -1 when not set). */
int ledger_matter_performance(store *db, int64_t matter_id, int64_t *out_applied, int64_t *out_received, err *e);

/* Views. */
int ledger_accounts_json(store *db, const char *court_unit_id, int64_t matter_id, arena *a, json_t **out, err *e);
int ledger_account_view(store *db, int64_t id, arena *a, json_t **out, err *e);
int ledger_account_court(store *db, int64_t id, arena *a, const char **out_court_unit_id, err *e);
int ledger_receipts_json(store *db, store_ledger_receipt_query *q, arena *a, json_t **out, err *e);
int ledger_disbursements_json(store *db, const char *court_unit_id, int64_t matter_id, const char *status, arena *a,
                              json_t **out, err *e);
int ledger_reconciliations_json(store *db, const char *court_unit_id, arena *a, json_t **out, err *e);
int ledger_bank_import_view(store *db, int64_t id, arena *a, json_t **out, err *e);
int ledger_bank_import_court(store *db, int64_t id, arena *a, const char **out_court_unit_id, err *e);
json_t *ledger_receipt_json(const store_ledger_receipt *r, const char *today);

/* Check every invariant of the ledger (all courts): balanced postings, running totals, non-negative
 * balances, assets = liabilities per court, allocation. E_INTEGRITY naming the first violation. Used by
 * the property test and `reconcile`. */
int ledger_check_all(store *db, err *e);

#endif
