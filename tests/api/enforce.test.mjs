// enforce.test.mjs - enforcement over HTTP against the real server and the demo data (init --demo):
// a batch assistance request answered partly and late, a detention order found by a police person
// check, and a debtor listed, found by the public query and the restriction check, then removed
// automatically when the matter's account shows the debt paid. Also who may do what, the query log,
// supervision and metrics. Settings: publication without grace and an immediate query log, so the
// scenarios need no waiting.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, day, residentId, key } from './enforce_helpers.mjs';

let srv, court, police, otherPolice, committee, auditor, fund, procurator;

before(async () => {
	srv = await startServer({ args: ['--debtor-grace-days', '0', '--query-log-delay-days', '0'] });
	court = await srv.login('zxbq.court.handler');
	police = await srv.login('zxbq.police.handler');
	otherPolice = await srv.login('hmq.police.handler');
	committee = await srv.login('xlgl.committee');
	auditor = await srv.login('nmg.auditor');
	fund = await srv.login('zxbq.court.fund');
	procurator = await srv.login('zxbq.procuratorate.handler');
});
after(() => srv?.kill());

async function demoMatter(text) {
	const r = await srv.get('/api/v1/matters?kind=enforcement&status=open&per_page=100', court);
	assert.equal(r.status, 200, r.text);
	const m = r.json.matters.find((x) => x.summary.includes(text));
	assert.ok(m, `demo matter ${text}`);
	const v = await srv.get(`/api/v1/matters/${m.id}`, court);
	const debtor = v.json.parties.find((p) => p.role === 'debtor');
	srv.secret(debtor.id_number);
	return { id: m.id, debtor };
}

test('a batch request is answered partly, and an overdue item late', async () => {
	const a = await demoMatter('民间借贷纠纷一案生效判决');
	const listed = residentId('1991-03-04', '123');
	srv.secret(listed);
	const r = await srv.post('/api/v1/assistance-requests', {
		matter_id: a.id,
		police_unit_id: '152529.police',
		basis: '（2026）内2529执5号执行裁定书、协助执行通知书',
		note: '请协助查找被执行人及其财产',
		debtors: [{ party_id: a.debtor.id, kinds: ['movement', 'consumption'] }],
		csv: `name,id_number,kinds\n赵某,${listed},locate;vehicles\n`,
	}, court);
	assert.equal(r.status, 201, r.text);
	const req = r.json;
	assert.equal(req.items.length, 4);
	assert.ok(req.items.every((i) => i.status === 'pending' && i.due_on > day(0) && !i.overdue));
	assert.equal(req.items.find((i) => i.name === '赵某').id_number, listed, 'the sender sees full numbers');

	// the police unit's queue shows it, and the demo's overdue item first among the overdue
	const wb = await srv.get('/api/v1/enforcement/workbench', police);
	assert.equal(wb.status, 200, wb.text);
	assert.ok(wb.json.assistance_to_answer.requests.some((x) => x.id === req.id));
	const overdue = wb.json.assistance_overdue.items;
	assert.ok(overdue.length >= 1 && overdue.every((i) => i.overdue));

	// only that police unit answers; others see nothing
	assert.equal((await srv.get(`/api/v1/assistance-requests/${req.id}`, otherPolice)).status, 404);
	const ans = (item, extra = {}) => ({ answers: [{ item_id: item.id, found: true, findings: { records: [{ date: day(-3), place: '锡林浩特' }] }, ...extra }] });
	assert.equal((await srv.post(`/api/v1/assistance-requests/${req.id}/answers`, ans(req.items[0]), otherPolice)).status, 403);
	assert.equal((await srv.post(`/api/v1/assistance-requests/${req.id}/answers`, ans(req.items[0]), court)).status, 403);

	// a partial answer: one of four
	const p1 = await srv.post(`/api/v1/assistance-requests/${req.id}/answers`, ans(req.items[0]), police);
	assert.equal(p1.status, 200, p1.text);
	assert.equal(p1.json.status, 'open');
	assert.equal(p1.json.n_pending, 3);
	assert.equal(p1.json.items[0].found, true);
	assert.deepEqual(p1.json.items[0].findings, { records: [{ date: day(-3), place: '锡林浩特' }] });
	assert.equal((await srv.post(`/api/v1/assistance-requests/${req.id}/answers`, ans(req.items[0]), police)).status, 409);
	const bad = await srv.post(`/api/v1/assistance-requests/${req.id}/answers`, { answers: [{ item_id: req.items[1].id, found: true }] }, police);
	assert.equal(bad.status, 400);
	assert.equal(bad.json.error.field, 'answers[0].findings');

	// the overdue item answered now is late; the statistics count it
	const od = overdue[0];
	const late = await srv.post(`/api/v1/assistance-requests/${od.request_id}/answers`, { answers: [{ item_id: od.id, found: false }] }, police);
	assert.equal(late.status, 200, late.text);
	const item = late.json.items.find((i) => i.id === od.id);
	assert.equal(item.late, true);
	assert.equal(item.found, false);
	const stats = await srv.get('/api/v1/assistance-stats?area=152529', committee);
	assert.equal(stats.status, 200, stats.text);
	const unit = stats.json.units.find((u) => u.unit_id === '152529.police');
	assert.ok(unit.answered_late >= 2, JSON.stringify(unit));
	assert.ok(unit.on_time_rate < 1);

	// a committee reads it with numbers masked; a police unit may not send requests
	const cv = await srv.get(`/api/v1/assistance-requests/${req.id}`, committee);
	assert.equal(cv.status, 200);
	assert.ok(cv.json.items.every((i) => i.id_number.includes('****')));
	assert.equal((await srv.post('/api/v1/assistance-requests', { matter_id: a.id, police_unit_id: '152529.police', basis: '协助', debtors: [] }, police)).status, 403);

	// every lookup is on record: the court's request and the police answers, for auditors and the person
	const lk = await srv.get(`/api/v1/person-lookups?id_number=${a.debtor.id_number}`, auditor);
	assert.equal(lk.status, 200, lk.text);
	const purposes = new Set(lk.json.lookups.map((l) => l.purpose));
	assert.ok(purposes.has('assistance_request') && purposes.has('assistance_answer'));
	assert.equal((await srv.get(`/api/v1/person-lookups?id_number=${a.debtor.id_number}`, court)).status, 403);
	// the person sees them with a one-time code an officer gave after checking the ID in person
	const noCode = await srv.post('/api/v1/query-log', { id_number: a.debtor.id_number, name: a.debtor.name });
	assert.equal(noCode.status, 400, noCode.text); // knowing the name and number is no longer enough
	const issued = await srv.post('/api/v1/query-log/codes', { id_number: a.debtor.id_number, name: a.debtor.name, reason: '当面核验居民身份证原件' }, court);
	assert.equal(issued.status, 201, issued.text);
	srv.secret(issued.json.code);
	assert.match(issued.json.code, /^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
	assert.ok(issued.json.id_number.includes('****'));
	const mine = await srv.post('/api/v1/query-log', { id_number: a.debtor.id_number, code: issued.json.code });
	assert.equal(mine.status, 200, mine.text);
	assert.ok(mine.json.lookups.some((l) => l.unit === '正镶白旗公安局'));
	assert.ok(mine.json.lookups.every((l) => !('user_id' in l)));
	const again = await srv.post('/api/v1/query-log', { id_number: a.debtor.id_number, code: issued.json.code });
	assert.equal(again.status, 403, again.text);
	assert.equal(again.json.error.field, 'code');
});

test('an answer carries attachments uploaded to the matter, and only those', async () => {
	const a = await demoMatter('民间借贷纠纷一案生效判决');
	const r = await srv.post('/api/v1/assistance-requests', {
		matter_id: a.id, police_unit_id: '152529.police', basis: '（2026）内2529执5号协助执行通知书',
		debtors: [{ party_id: a.debtor.id, kinds: ['vehicles', 'seize_vehicle'] }],
	}, court);
	assert.equal(r.status, 201, r.text);
	const [veh, seize] = ['vehicles', 'seize_vehicle'].map((k) => r.json.items.find((i) => i.kind === k));
	const up = await srv.request('POST', `/api/v1/assistance-requests/${r.json.id}/files?name=${encodeURIComponent('车辆登记信息.txt')}`,
		{ token: police, body: `蒙H·12345 小型轿车 登记所有人 ${a.debtor.name}\n` });
	assert.equal(up.status, 201, up.text);
	assert.equal(up.json.matter_id, a.id);
	assert.equal((await srv.request('POST', `/api/v1/assistance-requests/${r.json.id}/files?name=x.txt`, { token: court, body: 'x\n' })).status, 403);
	const unknown = await srv.post(`/api/v1/assistance-requests/${r.json.id}/answers`, {
		answers: [{ item_id: veh.id, found: true, findings: { vehicles: [{ plate: '蒙H·12345' }] }, attachments: ['0'.repeat(64)] }],
	}, police);
	assert.equal(unknown.status, 400, unknown.text);
	assert.equal(unknown.json.error.field, 'answers[0].attachments[0]');
	const ok = await srv.post(`/api/v1/assistance-requests/${r.json.id}/answers`, {
		answers: [
			{ item_id: veh.id, found: true, findings: { vehicles: [{ plate: '蒙H·12345' }] }, attachments: [up.json.sha256] },
			{ item_id: seize.id, found: true, findings: { vehicle: '蒙H·12345' }, action_taken: '已于停车场扣押，移交法院' },
		],
	}, police);
	assert.equal(ok.status, 200, ok.text);
	assert.equal(ok.json.status, 'answered');
	const got = ok.json.items.find((i) => i.id === veh.id);
	assert.deepEqual(got.attachments, [up.json.sha256]);
	assert.equal(ok.json.items.find((i) => i.id === seize.id).action_taken, '已于停车场扣押，移交法院');
});

test('a detention order is found by a police check, and ends when revoked', async () => {
	const a = await demoMatter('民间借贷纠纷一案生效判决');
	const tooLong = await srv.post('/api/v1/control-orders', {
		matter_id: a.id, kind: 'detention', party_id: a.debtor.id, basis: '（2026）内2529司惩8号',
		reason: '拒不履行并转移财产', valid_from: day(0), valid_to: day(15),
	}, court);
	assert.equal(tooLong.status, 400);
	assert.equal(tooLong.json.error.field, 'valid_to');
	const o = await srv.post('/api/v1/control-orders', {
		matter_id: a.id, kind: 'detention', party_id: a.debtor.id, basis: '（2026）内2529司惩8号',
		reason: '拒不履行并转移财产', valid_from: day(0), valid_to: day(14),
	}, court);
	assert.equal(o.status, 201, o.text);
	assert.equal(o.json.state, 'active');
	assert.equal((await srv.post('/api/v1/control-orders', { matter_id: a.id, kind: 'exit_restriction', party_id: a.debtor.id, basis: '（2026）内2529执限9号', reason: '未履行' }, police)).status, 403);

	const check = { id_number: a.debtor.id_number, purpose: '路面盘查', basis: '《人民警察法》第九条' };
	for (const who of [police, otherPolice]) {
		const c = await srv.post('/api/v1/control-orders/person-check', check, who);
		assert.equal(c.status, 200, c.text);
		const det = c.json.orders.find((x) => x.id === o.json.id);
		assert.ok(det, 'the detention order is found');
		assert.equal(det.kind, 'detention');
		assert.match(c.json.advice, /司法拘留/);
		assert.match(c.json.id_number, /\*\*\*\*/);
	}
	const noBasis = await srv.post('/api/v1/control-orders/person-check', { id_number: a.debtor.id_number, purpose: '盘查' }, police);
	assert.equal(noBasis.status, 400);
	assert.equal(noBasis.json.error.field, 'basis');
	assert.equal((await srv.post('/api/v1/control-orders/person-check', check, court)).status, 403);
	assert.match(srv.log(), /event=access_denied user=zxbq\.court\.handler unit=152529\.court perm=person\.check reason=not_police/);
	assert.match(srv.log(), /event=person_check user=zxbq\.police\.handler unit=152529\.police subject=\d{10}\*\*\*\*/);

	const rv = await srv.post(`/api/v1/control-orders/${o.json.id}/revoke`, { reason: '被执行人已主动履行，提前解除拘留' }, court);
	assert.equal(rv.status, 200, rv.text);
	assert.equal(rv.json.state, 'revoked');
	assert.equal((await srv.post(`/api/v1/control-orders/${o.json.id}/revoke`, { reason: '再次解除' }, court)).status, 409);
	const after = await srv.post('/api/v1/control-orders/person-check', check, police);
	assert.ok(!after.json.orders.some((x) => x.id === o.json.id));
	const trace = await srv.get(`/api/v1/control-orders/${o.json.id}`, court);
	assert.deepEqual(trace.json.trace.map((t) => t.type), ['control.issued', 'control.revoked']);
});

test('listing, public query, restriction check, payment, automatic removal', async () => {
	const debtorId = residentId('1979-06-30', '215');
	srv.secret(debtorId);
	const f = await srv.post('/api/v1/matters', {
		kind: 'enforcement', summary: '申请执行借款合同纠纷一案生效判决',
		parties: [
			{ type: 'person', name: '钱某某', role: 'creditor', id_type: 'resident_id', id_number: residentId('1970-01-01', '311') },
			{ type: 'person', name: '孙某某', role: 'debtor', id_type: 'resident_id', id_number: debtorId },
		],
	}, court);
	assert.equal(f.status, 201, f.text);
	const mid = f.json.id;
	const debtor = f.json.parties.find((p) => p.role === 'debtor');
	const acc = await srv.post('/api/v1/ledger/accounts', { matter_id: mid, amount_applied: 1234500 }, court);
	assert.equal(acc.status, 200, acc.text);

	const listing = await srv.post('/api/v1/debtor-list/listings', {
		matter_id: mid, party_id: debtor.id, ground: 'refuses_despite_ability',
		conduct: '有履行能力而拒不履行生效判决', obligation: '偿还借款本金 12345 元',
		source_doc_number: '（2025）内2529民初77号', source_doc_issuer: '正镶白旗人民法院',
	}, court);
	assert.equal(listing.status, 201, listing.text);
	assert.equal(listing.json.state, 'unpublished');
	const lid = listing.json.id;
	const none = await srv.get(`/api/v1/debtor-list?id_number=${debtorId}`);
	assert.equal(none.status, 200);
	assert.equal(none.json.results.length, 0, 'not public before the notice');

	const n = await srv.post(`/api/v1/debtor-list/listings/${lid}/notice`, { method: '直接送达' }, court);
	assert.equal(n.status, 200, n.text);
	assert.equal(n.json.state, 'published');

	// the public, anonymous query: SPC public fields only, the number masked
	const pub = await srv.get(`/api/v1/debtor-list?name=${encodeURIComponent('孙某某')}&id_number=${debtorId}`);
	assert.equal(pub.status, 200, pub.text);
	assert.equal(pub.json.results.length, 1);
	const row = pub.json.results[0];
	assert.equal(row.id_number, `${debtorId.slice(0, 10)}****${debtorId.slice(14)}`);
	assert.equal(row.court, '正镶白旗人民法院');
	assert.equal(row.province, '内蒙古自治区');
	assert.equal(row.sex, '男');
	assert.equal(row.performance.status, '全部未履行');
	assert.equal(row.performance.unperformed, '12345.00');
	for (const k of ['party_id', 'matter_id', 'ground', 'id', 'court_unit_id']) assert.ok(!(k in row), `public row hides ${k}`);
	assert.equal((await srv.get('/api/v1/debtor-list')).status, 400);

	// other agencies: restricted from flights since the decision, not from leaving the country
	const rc = await srv.post('/api/v1/debtor-list/restriction-check', { id_number: debtorId, purpose: '不动产登记', basis: '不动产登记审核' }, procurator);
	assert.equal(rc.status, 200, rc.text);
	assert.equal(rc.json.restricted, true);
	const cat = (j, c) => j.categories.find((x) => x.category === c);
	assert.equal(cat(rc.json, 'flights').restricted, true);
	assert.equal(cat(rc.json, 'property_purchase').sources[0].since, day(0));
	assert.equal(cat(rc.json, 'exit').restricted, false);
	assert.equal((await srv.post('/api/v1/debtor-list/restriction-check', { id_number: debtorId, purpose: '核验', basis: '核验' })).status, 401);

	// the debtor pays in full: the listing is removed automatically and the removal is published
	const k = key('pay');
	const pay = { idempotency_key: k, matter_id: mid, source: 'debtor_payment', amount: 1234500, payer: '孙某某', reference: 'PAY-0001' };
	const p1 = await srv.post('/api/v1/ledger/receipts', pay, fund);
	assert.equal(p1.status, 201, p1.text);
	const p2 = await srv.post('/api/v1/ledger/receipts', pay, fund);
	assert.equal(p2.status, 200);
	assert.equal(p2.json.replayed, true);
	assert.equal(p2.json.id, p1.json.id);
	const gone = await srv.get(`/api/v1/debtor-list/listings/${lid}`, court);
	assert.equal(gone.json.status, 'removed');
	assert.equal(gone.json.removal_reason, 'performed');
	assert.deepEqual(gone.json.trace.map((t) => t.type), ['debtor.listed', 'debtor.notified', 'debtor.removed']);
	assert.equal((await srv.get(`/api/v1/debtor-list?id_number=${debtorId}`)).json.results.length, 0);
	const rem = await srv.get('/api/v1/debtor-list/removals');
	const removed = rem.json.removals.find((x) => x.name === '孙某某');
	assert.ok(removed, 'the removal is published');
	assert.equal(removed.removal_reason, '已履行');
	assert.equal(removed.performance.status, '全部履行');
	const rc2 = await srv.post('/api/v1/debtor-list/restriction-check', { id_number: debtorId, category: 'flights', purpose: '购票核验', basis: '实名制购票' }, procurator);
	assert.equal(rc2.json.restricted, false);

	// a paid debtor is not listed again
	const again = await srv.post('/api/v1/debtor-list/listings', {
		matter_id: mid, party_id: debtor.id, ground: 'refuses_despite_ability', conduct: '拒不履行', obligation: '还款',
		source_doc_number: '（2025）内2529民初77号', source_doc_issuer: '正镶白旗人民法院',
	}, court);
	assert.equal(again.status, 409);
});

test('a minor is never listed', async () => {
	const minor = residentId(day(-365 * 15), '422');
	srv.secret(minor);
	const f = await srv.post('/api/v1/matters', {
		kind: 'enforcement', summary: '申请执行侵权纠纷判决',
		parties: [
			{ type: 'person', name: '周某', role: 'creditor', id_type: 'resident_id', id_number: residentId('1975-05-05', '511') },
			{ type: 'person', name: '吴某', role: 'debtor', id_type: 'resident_id', id_number: minor },
		],
	}, court);
	assert.equal(f.status, 201, f.text);
	const debtor = f.json.parties.find((p) => p.role === 'debtor');
	const r = await srv.post('/api/v1/debtor-list/listings', {
		matter_id: f.json.id, party_id: debtor.id, ground: 'breaches_asset_report', conduct: '拒不申报财产',
		obligation: '赔偿损失', source_doc_number: '（2025）内2529民初90号', source_doc_issuer: '正镶白旗人民法院',
	}, court);
	assert.equal(r.status, 409);
	assert.match(r.json.error.message, /未成年人/);
});

test('supervision and metrics show figures per unit within the area', async () => {
	const s = await srv.get('/api/v1/enforcement/supervision?area=152500', committee);
	assert.equal(s.status, 200, s.text);
	const courtRow = s.json.units.find((u) => u.unit_id === '152529.court');
	assert.ok(courtRow.funds_unidentified_n >= 1 && courtRow.funds_overdue_n >= 1 && courtRow.listings_live >= 1);
	assert.equal((await srv.get('/api/v1/enforcement/supervision?area=150100', committee)).status, 403);
	assert.match(srv.log(), /event=access_denied user=xlgl\.committee unit=\S+ perm=supervise reason=outside_area/);
	assert.equal((await srv.get('/api/v1/enforcement/supervision', court)).status, 403);
	const m = await srv.get(`/api/v1/enforcement/metrics?area=152529&from=${day(-365)}&to=${day(0)}`, committee);
	assert.equal(m.status, 200, m.text);
	const row = m.json.courts.find((c) => c.court_unit_id === '152529.court');
	assert.ok(row.accepted >= 4, JSON.stringify(row));
	assert.ok(row.funds_received >= 3000000);
	// a rate over nothing is null, not 0
	assert.ok(row.amount_applied_closed > 0 ? typeof row.recovery_rate === 'number' : row.recovery_rate === null, JSON.stringify(row));
	assert.ok(row.closed > 0 ? typeof row.actual_enforcement_rate === 'number' : row.actual_enforcement_rate === null);
	assert.match(m.json.definitions, /执行到位率/);
});

test('the server stops cleanly, and no full ID number reached its log', async () => {
	await srv.stop();
});
