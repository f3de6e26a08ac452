// enforce_gaps.test.mjs - the enforcement gaps of issue #5 over HTTP, against the demo data: a league
// police bureau reads the assistance requests of its counties (decided by authz_decide), query codes
// and their lockout, the rate limit of the public routes (429 with Retry-After), a bank import that
// books unidentified receipts once, the sweep run by the server and then by the CLI writing nothing
// twice, and the enforcement events in a matter's history.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { BIN, startServer, demoDataDir, day, key } from './enforce_helpers.mjs';

let srv;
let dataDir;
const u = {};

before(async () => {
	dataDir = demoDataDir();
	srv = await startServer({ dataDir });
	for (const name of ['zxbq.court.handler', 'zxbq.court.clerk', 'zxbq.court.fund', 'zxbq.police.handler', 'xlgl.police.handler', 'nmg.police.handler', 'hhht.police.handler', 'xlgl.procuratorate.handler', 'xlgl.committee'])
		u[name] = await srv.login(name);
});

after(() => srv?.kill());

const get = (p, who) => srv.get(p, u[who]);
const post = (p, json, who) => srv.post(p, json, who ? u[who] : undefined);

/* An open enforcement matter of 正镶白旗's court from the demo data, with its debtor. */
async function demoMatter() {
	const r = await get('/api/v1/matters?kind=enforcement&status=open&per_page=100', 'zxbq.court.handler');
	assert.equal(r.status, 200, r.text);
	for (const m of r.json.matters) {
		const v = await get(`/api/v1/matters/${m.id}`, 'zxbq.court.handler');
		const debtor = v.json.parties.find((p) => p.role === 'debtor' && p.type === 'person');
		if (v.json.stage === 'enforcement' && debtor) {
			srv.secret(debtor.id_number);
			return { id: m.id, debtor };
		}
	}
	throw new Error('no open enforcement matter with a person as debtor in the demo data');
}

test('a league police bureau lists and reads the requests sent to its counties, the region all of them', async () => {
	const a = await demoMatter();
	const r = await post('/api/v1/assistance-requests', { matter_id: a.id, police_unit_id: '152529.police', basis: '协助执行通知书', debtors: [{ party_id: a.debtor.id, kinds: ['locate'] }] }, 'zxbq.court.handler');
	assert.equal(r.status, 201, r.text);
	const id = r.json.id;
	const has = (res) => res.json.requests.some((x) => x.id === id);
	// its own inbox holds only what was sent to it
	const own = await get('/api/v1/assistance-requests?box=inbox', 'xlgl.police.handler');
	assert.equal(own.status, 200, own.text);
	assert.ok(!has(own));
	// the area below: the league (and one county of it), and the region's department for all
	for (const [who, area] of [['xlgl.police.handler', '152500'], ['xlgl.police.handler', '152529'], ['nmg.police.handler', '150000'], ['nmg.police.handler', '152529']]) {
		const l = await get(`/api/v1/assistance-requests?area=${area}`, who);
		assert.equal(l.status, 200, `${who} ${area}: ${l.text}`);
		assert.ok(has(l), `${who} sees the request in ${area}`);
		assert.ok(l.json.requests.every((x) => x.police_unit_id.startsWith(area === '150000' ? '15' : area.slice(0, 4))));
	}
	// another league's police, an area above the caller's, another organ of the league: refused and logged
	for (const [who, area] of [['hhht.police.handler', '152529'], ['xlgl.police.handler', '150000'], ['xlgl.police.handler', '150100'], ['xlgl.procuratorate.handler', '152529']]) {
		const l = await get(`/api/v1/assistance-requests?area=${area}`, who);
		assert.equal(l.status, 403, `${who} ${area}: ${l.text}`);
		assert.equal(l.json.error.code, 'forbidden');
	}
	assert.match(srv.log(), /event=access_denied user=hhht\.police\.handler unit=\S+ perm=matter\.read reason=outside_area/);
	assert.equal((await get('/api/v1/assistance-requests?area=999999', 'xlgl.police.handler')).status, 400);
	// the league reads the request itself, with ID numbers masked (it does not answer it)
	const one = await get(`/api/v1/assistance-requests/${id}`, 'xlgl.police.handler');
	assert.equal(one.status, 200, one.text);
	assert.ok(one.json.items.every((i) => i.id_number.includes('****')));
	assert.equal((await get(`/api/v1/assistance-requests/${id}`, 'hhht.police.handler')).status, 404);
	// but only the county's police unit answers it
	const ans = await post(`/api/v1/assistance-requests/${id}/answers`, { answers: [{ item_id: one.json.items[0].id, found: false }] }, 'xlgl.police.handler');
	assert.equal(ans.status, 403, ans.text);
	// a committee still lists its area
	const c = await get('/api/v1/assistance-requests?area=152529', 'xlgl.committee');
	assert.equal(c.status, 200, c.text);
	assert.ok(has(c));
});

test('a query code is issued once, opens the query log once, and wrong codes lock the number', async () => {
	const a = await demoMatter();
	const bad = await post('/api/v1/query-log/codes', { id_number: a.debtor.id_number, name: a.debtor.name, reason: '' }, 'zxbq.court.clerk');
	assert.equal(bad.status, 400);
	assert.equal(bad.json.error.field, 'reason');
	assert.equal((await post('/api/v1/query-log/codes', { id_number: a.debtor.id_number, name: a.debtor.name, reason: '当面核验' })).status, 401);
	const issued = await post('/api/v1/query-log/codes', { id_number: a.debtor.id_number, name: a.debtor.name, reason: '当面核验居民身份证原件' }, 'zxbq.court.clerk');
	assert.equal(issued.status, 201, issued.text);
	srv.secret(issued.json.code);
	for (let i = 1; i < 5; i++) {
		const w = await post('/api/v1/query-log', { id_number: a.debtor.id_number, code: 'ABCD-EFGH-JKLM' });
		assert.equal(w.status, 403, w.text);
		assert.equal(w.json.error.field, 'code');
	}
	const locked = await post('/api/v1/query-log', { id_number: a.debtor.id_number, code: 'ABCD-EFGH-JKLM' });
	assert.equal(locked.status, 423, locked.text);
	// the right code waits for the lock as well
	assert.equal((await post('/api/v1/query-log', { id_number: a.debtor.id_number, code: issued.json.code })).status, 423);
	const lockLine = /event=query_code_failed id_number=\d{6,10}\*+\d{4} failed=5 locked=1/;
	for (let i = 0; i < 50 && !lockLine.test(srv.log()); i++) await new Promise((r) => setTimeout(r, 100)); // stderr arrives late
	assert.match(srv.log(), lockLine);
});

test('a bank import books unmatched credit lines as unidentified receipts, once', async () => {
	const csv = `date,amount,reference,payer\n${day(0)},888.88,GAPS-REF-${process.pid},某某\n${day(0)},7.00,,无名\n`;
	const first = await post('/api/v1/ledger/bank-imports', { idempotency_key: key('gaps-bank'), csv, book_unidentified: true }, 'zxbq.court.fund');
	assert.equal(first.status, 201, first.text);
	assert.equal(first.json.n_booked_unidentified, 1);
	const line = first.json.unmatched_lines.find((l) => l.amount === 88888);
	assert.equal(line.booked, true);
	const unid = await get('/api/v1/ledger/unidentified', 'zxbq.court.fund');
	assert.equal(unid.status, 200, unid.text);
	assert.ok(JSON.stringify(unid.json).includes(`GAPS-REF-${process.pid}`));
	// every difference is still listed, the line without a reference too
	assert.equal(first.json.unmatched_lines.length, 2);
	const again = await post('/api/v1/ledger/bank-imports', { idempotency_key: key('gaps-bank'), csv, book_unidentified: true }, 'zxbq.court.fund');
	assert.equal(again.status, 201, again.text);
	assert.equal(again.json.n_booked_unidentified, 0);
	assert.equal(again.json.unmatched_lines.find((l) => l.amount === 88888).unidentified_receipt_id, line.unidentified_receipt_id);
	// the default books nothing
	const plain = await post('/api/v1/ledger/bank-imports', { idempotency_key: key('gaps-bank'), csv: `date,amount,reference,payer\n${day(0)},5.55,GAPS-PLAIN-${process.pid},x\n` }, 'zxbq.court.fund');
	assert.equal(plain.status, 201, plain.text);
	assert.equal(plain.json.n_booked_unidentified, 0);
});

test('enforcement events appear in the matter history with zh-CN labels', async () => {
	const a = await demoMatter();
	const r = await post('/api/v1/control-orders', { matter_id: a.id, kind: 'exit_restriction', party_id: a.debtor.id, basis: '（2026）内2529执限99号', reason: '未履行' }, 'zxbq.court.handler');
	assert.equal(r.status, 201, r.text);
	const h = await get(`/api/v1/matters/${a.id}/history`, 'zxbq.court.handler');
	assert.equal(h.status, 200, h.text);
	const issued = h.json.events.find((e) => e.type === 'control.issued' && e.entity_id === String(r.json.id));
	assert.ok(issued, 'the order is in the history');
	assert.equal(issued.label, '发出强制措施决定');
	assert.equal(issued.entity_type, 'control_order');
	assert.equal(h.json.events[0].label, '立案');
	const seqs = h.json.events.map((e) => e.seq);
	assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y), 'in log order');
	assert.ok(h.json.events.every((e) => typeof e.label === 'string' && e.label.length > 0));
});

test('the server sweeps at start; the CLI sweep beside it writes nothing twice', async () => {
	// the demo has a listing whose grace period has ended: the server's sweeper records it
	for (let i = 0; i < 100 && !/event=enforce_sweep /.test(srv.log()); i++) await new Promise((r) => setTimeout(r, 100));
	assert.match(srv.log(), /event=enforce_sweep today=\S+ orders_expired=\d+ listings_expired=\d+ listings_published=[1-9]/);
	const r = spawnSync(BIN, ['sweep', '--data-dir', dataDir], { encoding: 'utf8' });
	assert.equal(r.status, 0, r.stderr);
	assert.match(r.stdout, /0 control orders expired, 0 listings expired, 0 listings published/);
	const future = spawnSync(BIN, ['sweep', '--data-dir', dataDir, '--today', '2999-01-01'], { encoding: 'utf8' });
	assert.equal(future.status, 2);
	assert.match(future.stderr, /after today/);
});

test('public routes are rate-limited per client address: 429 with Retry-After', async () => {
	const limited = await startServer({ args: ['--public-rate-per-minute', '6', '--public-burst', '3'] });
	try {
		const token = await limited.login('zxbq.court.handler'); // a public route: one of the three
		const codes = [];
		for (let i = 0; i < 3; i++) codes.push((await limited.get('/api/v1/calendar/holidays')).status);
		assert.deepEqual(codes, [200, 200, 429]);
		const r = await limited.get('/api/v1/calendar/holidays');
		assert.equal(r.status, 429);
		assert.equal(r.json.error.code, 'rate_limited');
		assert.ok(r.json.error.request_id);
		const wait = Number(r.headers.get('retry-after'));
		assert.ok(wait >= 1 && wait <= 10, `Retry-After ${wait}`);
		// routes behind a session are not limited by it
		assert.equal((await limited.get('/api/v1/me', token)).status, 200);
	} finally {
		await limited.stop();
	}
});

test('the server stops cleanly, and no full ID number or code reached its log', async () => {
	await srv.stop();
});
