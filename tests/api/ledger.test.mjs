// ledger.test.mjs - case funds over HTTP: receipts with idempotency keys, an unidentified receipt
// matched to a matter, a disbursement requested by the fund officer and approved by a reviewer (never
// the same person), refunds of court fees, the day's reconciliation, the workbench, and a bank
// statement import with mismatches reported both ways.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, day, key } from './enforce_helpers.mjs';

let srv, court, fund, reviewer, committee, otherFund, police;
let matters;

before(async () => {
	srv = await startServer();
	court = await srv.login('zxbq.court.handler');
	fund = await srv.login('zxbq.court.fund');
	reviewer = await srv.login('zxbq.court.reviewer');
	committee = await srv.login('xlgl.committee');
	otherFund = await srv.login('hmq.court.fund');
	police = await srv.login('zxbq.police.handler');
	const r = await srv.get('/api/v1/matters?kind=enforcement&status=open&holder=152529.court&per_page=100', court);
	matters = r.json.matters.filter((m) => m.holder.id === '152529.court');
	assert.ok(matters.length >= 3);
});
after(() => srv?.kill());

const byText = (t) => matters.find((m) => m.summary.includes(t));

test('receipts are idempotent, unidentified money is matched, and only the court that holds it acts', async () => {
	const m = byText('买卖合同纠纷一案生效判决');
	const k = key('rcpt');
	const body = { idempotency_key: k, matter_id: m.id, source: 'auction_proceeds', amount: 8800000, payer: '拍卖平台', reference: 'AUC-2026-001' };
	const r1 = await srv.post('/api/v1/ledger/receipts', body, fund);
	assert.equal(r1.status, 201, r1.text);
	assert.equal(r1.json.amount_yuan, '88000.00');
	assert.equal(r1.json.outstanding, 8800000);
	const r2 = await srv.post('/api/v1/ledger/receipts', body, fund);
	assert.equal(r2.status, 200);
	assert.equal(r2.json.replayed, true);
	assert.equal(r2.json.id, r1.json.id);
	const r3 = await srv.post('/api/v1/ledger/receipts', { ...body, amount: 8800001 }, fund);
	assert.equal(r3.status, 409);
	assert.equal(r3.json.error.field, 'idempotency_key');
	for (const [b, field] of [[{ ...body, idempotency_key: key(), amount: 0 }, 'amount'], [{ ...body, idempotency_key: 'short' }, 'idempotency_key'], [{ ...body, idempotency_key: key(), amount: 1.5 }, 'amount'], [{ ...body, idempotency_key: key(), source: 'gift' }, 'source']]) {
		const bad = await srv.post('/api/v1/ledger/receipts', b, fund);
		assert.equal(bad.status, 400, bad.text);
		assert.equal(bad.json.error.field, field);
	}
	assert.equal((await srv.post('/api/v1/ledger/receipts', { ...body, idempotency_key: key() }, otherFund)).status, 403);
	assert.equal((await srv.post('/api/v1/ledger/receipts', { ...body, idempotency_key: key() }, court)).status, 403);

	// unidentified money arrives at the fund officer's court and is matched to a matter
	const u = await srv.post('/api/v1/ledger/receipts', { idempotency_key: key('unid'), source: 'debtor_payment', amount: 4321, payer: '某某转账' }, fund);
	assert.equal(u.status, 201, u.text);
	assert.equal(u.json.unidentified, true);
	const list = await srv.get('/api/v1/ledger/unidentified', fund);
	assert.ok(list.json.receipts.some((x) => x.id === u.json.id));
	const mk = key('match');
	const mt = await srv.post(`/api/v1/ledger/receipts/${u.json.id}/match`, { idempotency_key: mk, matter_id: m.id }, fund);
	assert.equal(mt.status, 201, mt.text);
	assert.equal(mt.json.matter_id, m.id);
	assert.equal((await srv.post(`/api/v1/ledger/receipts/${u.json.id}/match`, { idempotency_key: mk, matter_id: m.id }, fund)).json.replayed, true);
	assert.equal((await srv.post(`/api/v1/ledger/receipts/${u.json.id}/match`, { idempotency_key: key(), matter_id: m.id }, fund)).status, 409);
	const after = await srv.get('/api/v1/ledger/unidentified', fund);
	assert.ok(!after.json.receipts.some((x) => x.id === u.json.id));

	// every posting balances: its entries' debits equal its credits equal its amount
	const ps = await srv.get(`/api/v1/ledger/postings?matter_id=${m.id}`, fund);
	assert.equal(ps.status, 200, ps.text);
	for (const p of ps.json.postings) {
		const d = p.entries.reduce((s, e) => s + e.debit, 0);
		const c = p.entries.reduce((s, e) => s + e.credit, 0);
		assert.equal(d, c);
		assert.equal(d, p.amount);
	}
	assert.equal((await srv.get(`/api/v1/ledger/postings?matter_id=${m.id}`, police)).status, 404);
});

test('a disbursement needs a reviewer who is not the requester, and posts at approval', async () => {
	const m = byText('买卖合同纠纷一案生效判决');
	const accs = await srv.get(`/api/v1/ledger/accounts?matter_id=${m.id}`, fund);
	const acc = accs.json.accounts.find((a) => a.kind === 'matter');
	const bal = acc.balance;
	const over = await srv.post('/api/v1/ledger/disbursements', { idempotency_key: key('d'), matter_id: m.id, kind: 'creditor', amount: bal + 1, payee_name: '申请执行人', payee_account: '6228480012345678901', payee_bank: '农业银行正镶白旗支行' }, fund);
	assert.equal(over.status, 409, over.text);
	const req = await srv.post('/api/v1/ledger/disbursements', { idempotency_key: key('d'), matter_id: m.id, kind: 'creditor', amount: 5000000, payee_name: '申请执行人', payee_account: '6228480012345678901', payee_bank: '农业银行正镶白旗支行' }, fund);
	assert.equal(req.status, 201, req.text);
	assert.equal(req.json.status, 'requested');
	assert.equal((await srv.post('/api/v1/ledger/disbursements', { idempotency_key: key('d'), matter_id: m.id, kind: 'creditor', amount: 1, payee_name: '申请执行人', payee_account: 'abc', payee_bank: '农业银行' }, fund)).json.error.field, 'payee_account');

	const wb = await srv.get('/api/v1/enforcement/workbench', reviewer);
	assert.ok(wb.json.disbursements_awaiting_approval.disbursements.some((d) => d.id === req.json.id));
	assert.equal((await srv.post(`/api/v1/ledger/disbursements/${req.json.id}/approve`, { idempotency_key: key('a') }, fund)).status, 403);
	const ak = key('a');
	const ap = await srv.post(`/api/v1/ledger/disbursements/${req.json.id}/approve`, { idempotency_key: ak, note: '核对无误' }, reviewer);
	assert.equal(ap.status, 200, ap.text);
	assert.equal(ap.json.status, 'posted');
	const rep = await srv.post(`/api/v1/ledger/disbursements/${req.json.id}/approve`, { idempotency_key: ak, note: '核对无误' }, reviewer);
	assert.equal(rep.json.replayed, true);
	assert.equal((await srv.post(`/api/v1/ledger/disbursements/${req.json.id}/approve`, { idempotency_key: key('a') }, reviewer)).status, 409);
	const accs2 = await srv.get(`/api/v1/ledger/accounts?matter_id=${m.id}`, fund);
	assert.equal(accs2.json.accounts.find((a) => a.kind === 'matter').balance, bal - 5000000);

	// a refund of court fees: the same two steps, from the fee account
	const a = byText('民间借贷纠纷一案生效判决');
	const ref = await srv.post('/api/v1/ledger/disbursements', { idempotency_key: key('f'), matter_id: a.id, kind: 'fee_refund', amount: 50000, payee_name: '申请执行人', payee_account: '6228480012345678901', payee_bank: '农业银行' }, fund);
	assert.equal(ref.status, 201, ref.text);
	const refused = await srv.post(`/api/v1/ledger/disbursements/${ref.json.id}/refuse`, { note: '应由被执行人负担，暂不退还' }, reviewer);
	assert.equal(refused.status, 200, refused.text);
	assert.equal(refused.json.status, 'refused');

	// the day's reconciliation agrees: opening + in - out = closing, bank = what is held
	const rc = await srv.post('/api/v1/ledger/reconciliations', {}, fund);
	assert.equal(rc.status, 201, rc.text);
	assert.equal(rc.json.ok, true, JSON.stringify(rc.json.differences));
	const t = rc.json.totals;
	assert.equal(t.bank.opening + t.bank.receipts - t.bank.disbursements, t.bank.closing);
	assert.equal(t.bank.closing, t.held.closing);
	assert.ok((await srv.get('/api/v1/ledger/reconciliations?court=152529.court', committee)).json.reconciliations.length >= 1);
	assert.equal((await srv.post('/api/v1/ledger/reconciliations', { court_unit_id: '152529.court' }, committee)).status, 403);
});

test('a bank statement import matches lines to receipts and lists every difference', async () => {
	const m = byText('拖欠牧民草场流转费');
	const mk = async (amount, reference, on) => {
		const r = await srv.post('/api/v1/ledger/receipts', { idempotency_key: key('b'), matter_id: m.id, source: 'debtor_payment', amount, reference, received_on: on }, fund);
		assert.equal(r.status, 201, r.text);
		return r.json;
	};
	const byRef = await mk(1234567, 'BNK-REF-77', day(0));
	const byAmount = await mk(246810, '', day(0));
	const wrong = await mk(135790, 'BNK-REF-88', day(0));
	const missing = await mk(97531, '', day(0));
	const csv = [
		'date,amount,reference,payer',
		`${day(0)},12345.67,BNK-REF-77,某公司`,
		`${day(-1)},2468.10,,某公司`,
		`${day(0)},1357.00,BNK-REF-88,某公司`,
		`${day(0)},66.66,,不知名汇款人`,
	].join('\n');
	const k = key('imp');
	const im = await srv.post('/api/v1/ledger/bank-imports', { idempotency_key: k, csv }, fund);
	assert.equal(im.status, 201, im.text);
	const rpt = im.json;
	assert.equal(rpt.n_lines, 4);
	const matched = Object.fromEntries(rpt.matched.map((x) => [x.receipt_id, x.rule]));
	assert.equal(matched[byRef.id], 'reference');
	assert.equal(matched[byAmount.id], 'amount_date');
	assert.equal(rpt.amount_mismatches.length, 1);
	assert.equal(rpt.amount_mismatches[0].receipt_id, wrong.id);
	assert.equal(rpt.amount_mismatches[0].difference, 135700 - 135790);
	assert.equal(rpt.unmatched_lines.length, 1);
	assert.equal(rpt.unmatched_lines[0].amount, 6666);
	assert.ok(rpt.unmatched_receipts.some((x) => x.receipt_id === missing.id), 'a receipt missing from the statement');
	assert.ok(rpt.n_differences >= 3);
	const again = await srv.post('/api/v1/ledger/bank-imports', { idempotency_key: k, csv }, fund);
	assert.equal(again.status, 200);
	assert.equal(again.json.replayed, true);
	assert.equal(again.json.id, rpt.id);
	const got = await srv.get(`/api/v1/ledger/bank-imports/${rpt.id}`, committee);
	assert.equal(got.status, 200, got.text);
	assert.equal(got.json.n_matched, 2);
	const bad = await srv.post('/api/v1/ledger/bank-imports', { idempotency_key: key('imp'), csv: 'date,amount\n2026-01-01,12.345\n' }, fund);
	assert.equal(bad.status, 400);
	assert.match(bad.json.error.message, /第2行/);
});

test('overdue funds and overdue assistance show on the workbenches and in supervision', async () => {
	const wb = await srv.get('/api/v1/enforcement/workbench', fund);
	assert.equal(wb.status, 200, wb.text);
	assert.ok(wb.json.funds_overdue.receipts.length >= 1);
	assert.ok(wb.json.funds_overdue.receipts.every((r) => r.overdue && r.due_on < day(0)));
	assert.ok(wb.json.funds_unidentified.receipts.length >= 1);
	// the court chases the police for answers past due
	const cw = await srv.get('/api/v1/enforcement/workbench', court);
	assert.ok(cw.json.assistance_overdue.requests.length >= 1);
	assert.ok(cw.json.assistance_overdue.requests.every((r) => r.n_overdue > 0));
	// and the committee's supervision view names the overdue items (numbers masked), the police unit's
	// count, and its response times
	const s = await srv.get('/api/v1/enforcement/supervision?area=152500', committee);
	assert.equal(s.status, 200, s.text);
	const late = s.json.assistance_overdue;
	assert.ok(late.total >= 1 && late.items.length >= 1, JSON.stringify(late));
	assert.ok(late.items.every((i) => i.overdue && i.due_on < day(0) && i.id_number.includes('****')));
	const policeRow = s.json.units.find((u) => u.unit_id === late.items[0].police_unit_id);
	assert.ok(policeRow && policeRow.assist_overdue >= 1, JSON.stringify(policeRow));
	const resp = s.json.assistance_response.units.find((u) => u.unit_id === late.items[0].police_unit_id);
	assert.ok(resp && resp.overdue >= 1 && typeof resp.avg_days === 'number', JSON.stringify(resp));
});

test('the server stops cleanly', async () => {
	await srv.stop();
});
