// flow.test.mjs - the case flow end to end against the real server: a criminal matter from police
// filing to community correction (one return for supplementary investigation, one appeal), a civil
// matter into enforcement, cross-jurisdiction denials, concurrent accepts, wrong receivers, the
// stage table's 409s, dossiers, extensions, suspension, search, history "as of", and the evidence
// proof of an uploaded file checked here, independently of the server, against its signed head.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startServer, assertErrorShape } from './lib.mjs';

let srv;
const u = {}; // username -> token

const SUSPECT_ID = '150927198902266130';

before(async () => {
	srv = await startServer();
	for (const name of [
		'zxbq.police.handler', 'zxbq.procuratorate.handler', 'zxbq.court.handler', 'zxbq.court.clerk',
		'zxbq.court.reviewer', 'zxbq.justice_bureau.handler', 'xlgl.court.handler', 'xlgl.committee',
		'hhht.committee', 'hmq.police.handler', 'hmq.procuratorate.handler', 'zxbq.procuratorate.clerk',
		'zxbq.police.reviewer', 'nmg.auditor',
	]) u[name] = (await srv.login(name)).token;
});
after(() => srv?.kill());

async function act(token, id, body, status = 200) {
	const r = await srv.post(`/api/v1/matters/${id}/actions`, body, { token });
	assert.equal(r.status, status, `${body.action}: ${r.text}`);
	return r.json;
}
async function accept(token, m, status = 200) {
	assert.ok(m.pending_transfer, 'a transfer is pending');
	const r = await srv.request('POST', `/api/v1/transfers/${m.pending_transfer.id}/accept`, { token });
	assert.equal(r.status, status, r.text);
	return r.json;
}
async function fileCriminal(extra = {}) {
	const r = await srv.post('/api/v1/matters', {
		kind: 'criminal',
		summary: '张三涉嫌盗窃牲畜案',
		parties: [{ type: 'person', name: '张三', role: 'suspect', id_type: 'resident_id', id_number: SUSPECT_ID }],
		...extra,
	}, { token: u['zxbq.police.handler'] });
	assert.equal(r.status, 201, r.text);
	return r.json;
}

let criminal; // the matter of the first scenario, reused below
let fileSha;

test('criminal matter travels from police filing to community correction', async () => {
	let m = await fileCriminal();
	assert.equal(m.stage, 'investigation');
	assert.equal(m.holder.id, '152529.police');
	assert.match(m.number, /^NM-152529-\d{4}-\d{6}$/);
	assert.match(m.case_numbers[0].number, /^正镶公刑立字〔\d{4}〕\d+号$/);
	assert.equal(m.deadline.basis, '刑事诉讼法(2018)第79条');
	assert.ok(m.actions.some((a) => a.action === 'transfer_for_prosecution'));

	// the dossier travels with the matter
	const body = Buffer.from('讯问笔录：张三对盗窃事实供认不讳。\n');
	fileSha = crypto.createHash('sha256').update(body).digest('hex');
	const up = await srv.request('POST', `/api/v1/matters/${m.id}/files?name=${encodeURIComponent('讯问笔录.txt')}`,
		{ token: u['zxbq.police.handler'], body, headers: { 'content-type': 'application/octet-stream' } });
	assert.equal(up.status, 201, up.text);
	assert.equal(up.json.files[0].sha256, fileSha);
	assert.equal(up.json.files[0].mime, 'text/plain');

	m = await act(u['zxbq.police.handler'], m.id, { action: 'transfer_for_prosecution', note: '侦查终结' });
	assert.equal(m.pending_transfer.to_unit_id, '152529.procuratorate');
	assert.deepEqual(m.pending_transfer.manifest, [fileSha]);
	m = await accept(u['zxbq.procuratorate.handler'], m);
	assert.equal(m.stage, 'prosecution_review');
	assert.equal(m.holder.id, '152529.procuratorate');
	assert.equal(m.deadline.basis, '刑事诉讼法(2018)第172条');
	// the receiving unit can read the dossier it received
	const dl = await srv.get(`/api/v1/matters/${m.id}/files/${fileSha}`, { token: u['zxbq.procuratorate.handler'] });
	assert.equal(dl.status, 200);
	assert.equal(dl.text, body.toString());
	assert.match(dl.headers.get('content-disposition'), /filename\*=UTF-8''/);

	// return for supplementary investigation, then back: the review clock restarts
	m = await act(u['zxbq.procuratorate.handler'], m.id, { action: 'return_supplementary', reason: '证据不足，需补充鉴定' });
	m = await accept(u['zxbq.police.handler'], m);
	assert.equal(m.stage, 'supplementary_investigation');
	assert.equal(m.returns, 1);
	m = await act(u['zxbq.police.handler'], m.id, { action: 'retransfer_for_prosecution' });
	m = await accept(u['zxbq.procuratorate.handler'], m);
	assert.equal(m.stage, 'prosecution_review');
	assert.equal(m.deadline.extensions, 0);
	// the procuratorate keeps its number when the matter comes back
	assert.equal(m.case_numbers.filter((c) => c.unit_id === '152529.procuratorate').length, 1);

	m = await act(u['zxbq.procuratorate.handler'], m.id, { action: 'indict', procedure: 'ordinary' });
	m = await accept(u['zxbq.court.handler'], m);
	assert.equal(m.stage, 'first_instance');
	assert.equal(m.procedure, 'ordinary');
	assert.ok(m.case_numbers.some((c) => /^（\d{4}）内2529刑初\d+号$/.test(c.number)), JSON.stringify(m.case_numbers));

	m = await act(u['zxbq.court.handler'], m.id, { action: 'judge' });
	assert.equal(m.stage, 'appeal_window');
	assert.equal(m.deadline.basis, '刑事诉讼法(2018)第230条');
	m = await act(u['zxbq.court.handler'], m.id, { action: 'appeal' });
	assert.equal(m.pending_transfer.to_unit_id, '152500.court', 'appeals go to the intermediate court');
	m = await accept(u['xlgl.court.handler'], m);
	assert.equal(m.stage, 'second_instance');
	assert.ok(m.case_numbers.some((c) => /^（\d{4}）内25刑终\d+号$/.test(c.number)));
	m = await act(u['xlgl.court.handler'], m.id, { action: 'judge_second' });
	m = await act(u['xlgl.court.handler'], m.id, { action: 'hand_to_correction' });
	assert.equal(m.pending_transfer.to_unit_id, '152529.justice_bureau', 'correction where the matter was filed');
	m = await accept(u['zxbq.justice_bureau.handler'], m);
	assert.equal(m.stage, 'community_correction');
	m = await act(u['zxbq.justice_bureau.handler'], m.id, { action: 'register_correction' });
	assert.equal(m.status, 'closed');
	assert.equal(m.deadline, null);
	assert.deepEqual(m.actions, []);
	criminal = m;

	// every unit that held it can still read it; the history names users' units
	const h = await srv.get(`/api/v1/matters/${m.id}/history`, { token: u['zxbq.police.handler'] });
	assert.equal(h.status, 200);
	const units = new Set(h.json.events.map((e) => e.actor.unit_id));
	for (const x of ['152529.police', '152529.procuratorate', '152529.court', '152500.court', '152529.justice_bureau'])
		assert.ok(units.has(x), `history has a step by ${x}`);
	assert.ok(h.json.events.some((e) => e.actor.user_name === '正镶白旗公安承办人'), 'the history names the user');
	for (const e of h.json.events) {
		assert.equal(e.log_index, e.seq - 1);
		assert.match(e.leaf_hash, /^[0-9a-f]{64}$/);
	}
	assert.equal(h.json.state.status, 'closed');
});

test('history as_of shows the matter as it stood then', async () => {
	const h = await srv.get(`/api/v1/matters/${criminal.id}/history`, { token: u['zxbq.police.handler'] });
	const transferSent = h.json.events.find((e) => e.type === 'transfer.sent');
	const before = h.json.events[h.json.events.indexOf(transferSent) - 1];
	const r = await srv.get(`/api/v1/matters/${criminal.id}/history?as_of=${encodeURIComponent(before.at)}`,
		{ token: u['zxbq.police.handler'] });
	assert.equal(r.status, 200);
	assert.equal(r.json.state.stage, 'investigation');
	assert.equal(r.json.state.holder_unit_id, '152529.police');
	assert.equal(r.json.state.summary, '张三涉嫌盗窃牲畜案');
	const bad = await srv.get(`/api/v1/matters/${criminal.id}/history?as_of=yesterday`, { token: u['zxbq.police.handler'] });
	assertErrorShape(bad, { status: 400, field: 'as_of' });
});

test('civil matter goes into enforcement with its own case numbers', async () => {
	const r = await srv.post('/api/v1/matters', {
		kind: 'civil',
		summary: '内蒙古草原牧业有限公司诉王芳买卖合同纠纷',
		tags: ['enterprise_related'],
		parties: [
			{ type: 'organization', name: '内蒙古草原牧业有限公司', role: 'plaintiff', id_type: 'credit_code', id_number: '91152529MA0N3XXX1X' },
			{ type: 'person', name: '王芳', role: 'defendant', id_type: 'resident_id', id_number: SUSPECT_ID },
		],
	}, { token: u['zxbq.court.clerk'] });
	assert.equal(r.status, 201, r.text);
	let m = r.json;
	assert.equal(m.stage, 'filing_review');
	assert.equal(m.green, true);
	assert.ok(Array.isArray(m.warnings));
	m = await act(u['zxbq.court.handler'], m.id, { action: 'accept_case', procedure: 'summary' });
	assert.equal(m.stage, 'first_instance');
	assert.equal(m.deadline.basis, '民事诉讼法(2023)第164条');
	assert.ok(m.case_numbers.some((c) => /内2529民初\d+号$/.test(c.number)));
	m = await act(u['zxbq.court.handler'], m.id, { action: 'judge' });
	assert.match(m.deadline.basis, /^民事诉讼法\(2023\)第171条/);
	m = await act(u['zxbq.court.handler'], m.id, { action: 'make_effective' });
	m = await act(u['zxbq.court.handler'], m.id, { action: 'apply_enforcement' });
	assert.equal(m.stage, 'enforcement');
	assert.ok(m.case_numbers.some((c) => /内2529执\d+号$/.test(c.number)));
	const nosup = await srv.post(`/api/v1/matters/${m.id}/actions`, { action: 'close_no_assets' }, { token: u['zxbq.court.handler'] });
	assertErrorShape(nosup, { status: 400, field: 'reason' });
	// 终本 only when its conditions hold (法〔2016〕373号 art. 1): this matter was filed today
	const early = await srv.post(`/api/v1/matters/${m.id}/actions`, { action: 'close_no_assets', reason: '未发现可供执行的财产' }, { token: u['zxbq.court.handler'] });
	const ee = assertErrorShape(early, { status: 409, field: 'filed_on' });
	assert.match(ee.message, /三个月/);
	assert.match(ee.message, /限制消费令/);
	// 执行完毕 says how: compulsory enforcement or voluntary performance
	const view = await srv.get(`/api/v1/matters/${m.id}`, { token: u['zxbq.court.handler'] });
	const done = view.json.actions.find((a) => a.action === 'close_enforced');
	assert.deepEqual(done.manners.map((x) => x.manner), ['compulsory', 'voluntary']);
	assert.ok(view.json.actions.some((a) => a.action === 'close_settled' && a.basis.includes('法释〔2018〕3号')));
	assert.ok(view.json.actions.some((a) => a.action === 'close_terminated' && a.needs_reason));
	const nomanner = await srv.post(`/api/v1/matters/${m.id}/actions`, { action: 'close_enforced' }, { token: u['zxbq.court.handler'] });
	assertErrorShape(nomanner, { status: 400, field: 'manner' });
	m = await act(u['zxbq.court.handler'], m.id, { action: 'close_enforced', manner: 'compulsory' });
	assert.equal(m.status, 'closed');
});

test('the answer of a write is the matter as a read right after it shows it', async () => {
	// The filing's answer is rendered from what the filing wrote, not read back: it must be what a GET
	// returns. Two parties (an organization whose credit code only warns), tags out of order, an
	// entered number; tags given twice; an enforcement matter with its court's number; then a transfer
	// and its acceptance (answered from a read after the commit).
	const same = async (answer, token) => {
		const g = await srv.get(`/api/v1/matters/${answer.id}`, { token });
		assert.equal(g.status, 200, g.text);
		const { warnings, ...rest } = answer;
		assert.ok(Array.isArray(warnings));
		assert.deepEqual(rest, g.json);
		return g.json;
	};
	const police = u['zxbq.police.handler'];
	let r = await srv.post('/api/v1/matters', {
		kind: 'criminal', summary: '某公司及其负责人涉嫌非法占用农用地案', detained: true,
		tags: ['green_channel', 'enterprise_related'], unit_number: '正镶公刑立字〔2026〕9001号',
		parties: [
			{ type: 'organization', name: '某牧业公司', role: 'suspect', id_type: 'credit_code', id_number: '91150000MA0000000A' },
			{ type: 'person', name: '钱五', role: 'suspect', id_type: 'resident_id', id_number: SUSPECT_ID },
			{ type: 'person', name: '孙六', role: 'victim' },
		],
	}, { token: police });
	assert.equal(r.status, 201, r.text);
	assert.equal(r.json.warnings.length, 1);
	assert.deepEqual(r.json.tags, ['enterprise_related', 'green_channel']);
	assert.equal(r.json.case_numbers[0].number, '正镶公刑立字〔2026〕9001号');
	const filed = await same(r.json, police);
	// the other viewers of the same answer: the committee above sees masked numbers, in GET as well
	const g = await srv.get(`/api/v1/matters/${filed.id}`, { token: u['xlgl.committee'] });
	assert.equal(g.status, 200, g.text);
	assert.notEqual(g.json.parties[1].id_number, SUSPECT_ID);

	r = await srv.post('/api/v1/matters', {
		kind: 'criminal', summary: '标签重复的立案', tags: ['green_channel', 'green_channel'],
		parties: [{ type: 'person', name: '周七', role: 'suspect' }],
	}, { token: police });
	assert.equal(r.status, 201, r.text);
	assert.deepEqual(r.json.tags, ['green_channel']);
	await same(r.json, police);

	r = await srv.post('/api/v1/matters', {
		kind: 'enforcement', summary: '申请执行买卖合同纠纷一案生效判决',
		parties: [
			{ type: 'person', name: '吴八', role: 'creditor' },
			{ type: 'person', name: '郑九', role: 'debtor', id_type: 'resident_id', id_number: SUSPECT_ID },
		],
	}, { token: u['zxbq.court.handler'] });
	assert.equal(r.status, 201, r.text);
	assert.ok(r.json.case_numbers.some((c) => /执\d+号$/.test(c.number)));
	await same(r.json, u['zxbq.court.handler']);

	const sent = await act(police, filed.id, { action: 'transfer_for_prosecution', note: '侦查终结' });
	await same({ ...sent, warnings: [] }, police);
	const taken = await accept(u['zxbq.procuratorate.handler'], sent);
	await same({ ...taken, warnings: [] }, u['zxbq.procuratorate.handler']);

	// the other answers read inside their write transaction: a return (with its count), a withdrawal
	const other = await fileCriminal();
	const sent2 = await act(police, other.id, { action: 'transfer_for_prosecution' });
	const back = await srv.post(`/api/v1/transfers/${sent2.pending_transfer.id}/return`, { reason: '证据材料不全，请补充' },
		{ token: u['zxbq.procuratorate.handler'] });
	assert.equal(back.status, 200, back.text);
	assert.equal(back.json.pending_transfer ?? null, null);
	assert.equal(back.json.transfer_returns, 1);
	// the procuratorate no longer sees the matter it returned: the page is compared with the holder's
	// GET but for what depends on the viewer (the steps it may take, the ID numbers it may read)
	const held = await srv.get(`/api/v1/matters/${other.id}`, { token: police });
	assert.equal(held.status, 200, held.text);
	const { actions: a1, can: c1, parties: p1, ...backRest } = back.json;
	const { actions: a2, can: c2, parties: p2, ...heldRest } = held.json;
	assert.deepEqual(backRest, heldRest);
	assert.deepEqual(a1, []);
	assert.deepEqual(p1.map((p) => [p.id, p.name, p.role]), p2.map((p) => [p.id, p.name, p.role]));
	assert.ok(p1.filter((p) => p.id_number).every((p) => p.id_masked));
	const sent3 = await act(police, other.id, { action: 'transfer_for_prosecution' });
	const drawn = await srv.request('POST', `/api/v1/transfers/${sent3.pending_transfer.id}/withdraw`, { token: police });
	assert.equal(drawn.status, 200, drawn.text);
	assert.equal(drawn.json.pending_transfer ?? null, null);
	await same({ ...drawn.json, warnings: [] }, police);
});

test('a step the stage table does not allow answers 409 with the steps that are', async () => {
	const m = await fileCriminal();
	const r = await srv.post(`/api/v1/matters/${m.id}/actions`, { action: 'indict' }, { token: u['zxbq.police.handler'] });
	const e = assertErrorShape(r, { status: 409, code: 'conflict', field: 'action' });
	assert.match(e.message, /transfer_for_prosecution/);
	assert.match(e.message, /request_arrest/);
});

test('a transfer to the wrong unit is refused and nothing is written', async () => {
	const m = await fileCriminal();
	const n0 = await srv.events();
	const r = await srv.post(`/api/v1/matters/${m.id}/actions`,
		{ action: 'transfer_for_prosecution', to_unit_id: '150103.procuratorate' }, { token: u['zxbq.police.handler'] });
	assertErrorShape(r, { status: 400, field: 'to_unit_id' });
	const r2 = await srv.post(`/api/v1/matters/${m.id}/actions`,
		{ action: 'transfer_for_prosecution', to_unit_id: '152529.court' }, { token: u['zxbq.police.handler'] });
	assertErrorShape(r2, { status: 400, field: 'to_unit_id' });
	assert.equal(await srv.events(), n0, 'a refused step leaves no event');
});

test('cross-jurisdiction: other areas see nothing; the committee above sees all', async () => {
	const m = await fileCriminal();
	const other = await srv.get(`/api/v1/matters/${m.id}`, { token: u['hmq.police.handler'] });
	assertErrorShape(other, { status: 404 });
	const hhht = await srv.get(`/api/v1/matters/${m.id}`, { token: u['hhht.committee'] });
	assertErrorShape(hhht, { status: 404 });
	const xlgl = await srv.get(`/api/v1/matters/${m.id}`, { token: u['xlgl.committee'] });
	assert.equal(xlgl.status, 200);
	assert.equal(xlgl.json.parties[0].id_masked, true, 'a committee sees ID numbers masked');
	assert.notEqual(xlgl.json.parties[0].id_number, SUSPECT_ID);
	assert.deepEqual(xlgl.json.actions, [], 'a committee supervises; it does not act');
	const own = await srv.get(`/api/v1/matters/${m.id}`, { token: u['zxbq.police.handler'] });
	assert.equal(own.json.parties[0].id_number, SUSPECT_ID);
	// acting for another unit is refused
	const act2 = await srv.post(`/api/v1/matters/${m.id}/actions`, { action: 'transfer_for_prosecution' }, { token: u['hmq.police.handler'] });
	assert.ok(act2.status === 403 || act2.status === 404, act2.text);
	const sent = await act(u['zxbq.police.handler'], m.id, { action: 'transfer_for_prosecution' });
	const wrongAccept = await srv.request('POST', `/api/v1/transfers/${sent.pending_transfer.id}/accept`, { token: u['hmq.procuratorate.handler'] });
	assertErrorShape(wrongAccept, { status: 403 });
	const senderAccept = await srv.request('POST', `/api/v1/transfers/${sent.pending_transfer.id}/accept`, { token: u['zxbq.police.handler'] });
	assertErrorShape(senderAccept, { status: 403 });
	// search never shows what the user may not see
	const s = await srv.get(`/api/v1/matters?id_number=${SUSPECT_ID}`, { token: u['hmq.police.handler'] });
	assert.equal(s.status, 200);
	assert.equal(s.json.total, 0);
});

test('two people accepting one transfer at once: one wins, the other gets 409', async () => {
	const m = await fileCriminal();
	const sent = await act(u['zxbq.police.handler'], m.id, { action: 'transfer_for_prosecution' });
	const tid = sent.pending_transfer.id;
	const [a, b] = await Promise.all([
		srv.request('POST', `/api/v1/transfers/${tid}/accept`, { token: u['zxbq.procuratorate.handler'] }),
		srv.request('POST', `/api/v1/transfers/${tid}/accept`, { token: u['zxbq.procuratorate.clerk'] }),
	]);
	assert.deepEqual([a.status, b.status].sort(), [200, 409], `${a.text} / ${b.text}`);
	const again = await srv.request('POST', `/api/v1/transfers/${tid}/return`, { token: u['zxbq.procuratorate.handler'], json: { reason: '太晚了' } });
	assertErrorShape(again, { status: 409 });
	const h = await srv.get(`/api/v1/matters/${m.id}/history`, { token: u['zxbq.police.handler'] });
	assert.equal(h.json.events.filter((e) => e.type === 'transfer.accepted').length, 1);
});

test('returns and withdrawals end a transfer; the matter stays with the sender', async () => {
	let m = await fileCriminal();
	m = await act(u['zxbq.police.handler'], m.id, { action: 'transfer_for_prosecution' });
	const noReason = await srv.request('POST', `/api/v1/transfers/${m.pending_transfer.id}/return`, { token: u['zxbq.procuratorate.handler'], json: {} });
	assertErrorShape(noReason, { status: 400, field: 'reason' });
	const ret = await srv.request('POST', `/api/v1/transfers/${m.pending_transfer.id}/return`,
		{ token: u['zxbq.procuratorate.handler'], json: { reason: '移送材料缺少鉴定意见' } });
	assert.equal(ret.status, 200, ret.text);
	assert.equal(ret.json.holder.id, '152529.police');
	assert.equal(ret.json.stage, 'investigation');
	assert.equal(ret.json.transfer_returns, 1);
	assert.equal(ret.json.pending_transfer, null);
	m = await act(u['zxbq.police.handler'], m.id, { action: 'transfer_for_prosecution' });
	const wd = await srv.request('POST', `/api/v1/transfers/${m.pending_transfer.id}/withdraw`, { token: u['zxbq.police.handler'] });
	assert.equal(wd.status, 200, wd.text);
	assert.equal(wd.json.pending_transfer, null);
	const box = await srv.get('/api/v1/transfers?box=outbox', { token: u['zxbq.police.handler'] });
	const mine = box.json.transfers.filter((t) => t.matter_id === m.id).map((t) => t.status).sort();
	assert.deepEqual(mine, ['returned', 'withdrawn']);
});

test('supplementary investigation is limited to two returns', async () => {
	let m = await fileCriminal();
	m = await accept(u['zxbq.procuratorate.handler'], await act(u['zxbq.police.handler'], m.id, { action: 'transfer_for_prosecution' }));
	for (let i = 0; i < 2; i++) {
		m = await accept(u['zxbq.police.handler'], await act(u['zxbq.procuratorate.handler'], m.id, { action: 'return_supplementary', reason: '补充证据' }));
		m = await accept(u['zxbq.procuratorate.handler'], await act(u['zxbq.police.handler'], m.id, { action: 'retransfer_for_prosecution' }));
	}
	assert.equal(m.returns, 2);
	const third = await srv.post(`/api/v1/matters/${m.id}/actions`, { action: 'return_supplementary', reason: '再补充' }, { token: u['zxbq.procuratorate.handler'] });
	const e = assertErrorShape(third, { status: 409 });
	assert.match(e.message, /2 次/);
});

test('filing validates identifiers and names the field; a bad credit code only warns', async () => {
	const bad = await srv.post('/api/v1/matters', {
		kind: 'criminal', summary: '测试身份证校验',
		parties: [{ type: 'person', name: '李四', role: 'suspect', id_type: 'resident_id', id_number: '150927198902266131' }],
	}, { token: u['zxbq.police.handler'] });
	assertErrorShape(bad, { status: 400, field: 'parties[0].id_number' });
	const badDate = await srv.post('/api/v1/matters', {
		kind: 'criminal', summary: '测试出生日期',
		parties: [{ type: 'person', name: '李四', role: 'suspect', id_type: 'resident_id', id_number: '150927198902306130' }],
	}, { token: u['zxbq.police.handler'] });
	assertErrorShape(badDate, { status: 400, field: 'parties[0].id_number' });
	const role = await srv.post('/api/v1/matters', {
		kind: 'criminal', summary: '测试当事人角色',
		parties: [{ type: 'person', name: '李四', role: 'plaintiff' }],
	}, { token: u['zxbq.police.handler'] });
	assertErrorShape(role, { status: 400, field: 'parties[0].role' });
	const unknown = await srv.post('/api/v1/matters', {
		kind: 'criminal', summary: '测试未知字段', parties: [{ type: 'person', name: '李四', role: 'suspect', age: 30 }],
	}, { token: u['zxbq.police.handler'] });
	assertErrorShape(unknown, { status: 400, field: 'parties[0].age' });
	const courtFilesCriminal = await srv.post('/api/v1/matters', {
		kind: 'criminal', summary: '法院不能立刑事侦查案', parties: [{ type: 'person', name: '李四', role: 'suspect' }],
	}, { token: u['zxbq.court.clerk'] });
	assertErrorShape(courtFilesCriminal, { status: 403 });
	const warn = await srv.post('/api/v1/matters', {
		kind: 'civil', summary: '校验位错误的信用代码只警告',
		parties: [
			{ type: 'organization', name: '某公司', role: 'plaintiff', id_type: 'credit_code', id_number: '91150000MA0000000A' },
			{ type: 'person', name: '赵六', role: 'defendant' },
		],
	}, { token: u['zxbq.court.clerk'] });
	assert.equal(warn.status, 201, warn.text);
	assert.equal(warn.json.warnings.length, 1);
	assert.equal(warn.json.warnings[0].field, 'parties[0].id_number');
	assert.ok(warn.json.parties[0].id_warning);
});

test('search finds two-character names, ID numbers, case numbers and stages, paged', async () => {
	const byName = await srv.get(`/api/v1/matters?party=${encodeURIComponent('张三')}`, { token: u['zxbq.police.handler'] });
	assert.equal(byName.status, 200);
	assert.ok(byName.json.total >= 5, `found ${byName.json.total}`);
	for (const m of byName.json.matters.slice(0, 5)) {
		const full = await srv.get(`/api/v1/matters/${m.id}`, { token: u['zxbq.police.handler'] });
		assert.ok(full.json.parties.some((p) => p.name.includes('张三')), `matter ${m.id} has a party named 张三`);
	}
	const one = await srv.get(`/api/v1/matters?party=${encodeURIComponent('张')}&per_page=2&page=1`, { token: u['zxbq.police.handler'] });
	assert.equal(one.json.matters.length, 2);
	assert.equal(one.json.per_page, 2);
	const none = await srv.get(`/api/v1/matters?party=${encodeURIComponent('张三丰')}`, { token: u['zxbq.police.handler'] });
	assert.equal(none.json.total, 0);
	const byId = await srv.get(`/api/v1/matters?id_number=${SUSPECT_ID}&status=closed`, { token: u['zxbq.police.handler'] });
	assert.ok(byId.json.matters.some((m) => m.id === criminal.id));
	const num = criminal.case_numbers.find((c) => c.number.includes('刑初')).number;
	const byNum = await srv.get(`/api/v1/matters?number=${encodeURIComponent(num)}`, { token: u['zxbq.court.handler'] });
	assert.equal(byNum.json.total, 1);
	assert.equal(byNum.json.matters[0].id, criminal.id);
	const stage = await srv.get('/api/v1/matters?stage=investigation&kind=criminal', { token: u['zxbq.police.handler'] });
	assert.ok(stage.json.matters.every((m) => m.stage === 'investigation'));
	const badKind = await srv.get('/api/v1/matters?kind=murder', { token: u['zxbq.police.handler'] });
	assertErrorShape(badKind, { status: 400, field: 'kind' });
});

test('an extension needs a reviewer and moves the due date with its basis', async () => {
	let m = await fileCriminal();
	m = await accept(u['zxbq.procuratorate.handler'], await act(u['zxbq.police.handler'], m.id, { action: 'transfer_for_prosecution' }));
	const due0 = m.deadline.due;
	const req = await srv.post(`/api/v1/matters/${m.id}/extensions`, { reason: '案情重大复杂' }, { token: u['zxbq.procuratorate.handler'] });
	assert.equal(req.status, 201, req.text);
	const x = req.json.extensions.find((e) => e.status === 'pending');
	assert.equal(x.basis, '刑事诉讼法(2018)第172条');
	const twice = await srv.post(`/api/v1/matters/${m.id}/extensions`, { reason: '再次申请' }, { token: u['zxbq.procuratorate.handler'] });
	assertErrorShape(twice, { status: 409 });
	const notReviewer = await srv.post(`/api/v1/extensions/${x.id}/approve`, {}, { token: u['zxbq.procuratorate.handler'] });
	assertErrorShape(notReviewer, { status: 403 });
	const otherReviewer = await srv.post(`/api/v1/extensions/${x.id}/approve`, {}, { token: u['zxbq.court.reviewer'] });
	assert.ok(otherReviewer.status === 403 || otherReviewer.status === 404, otherReviewer.text);
	const rev = (await srv.login('zxbq.procuratorate.reviewer')).token;
	const ok = await srv.post(`/api/v1/extensions/${x.id}/approve`, { note: '同意延长15日' }, { token: rev });
	assert.equal(ok.status, 200, ok.text);
	assert.equal(ok.json.deadline.extensions, 1);
	assert.ok(ok.json.deadline.due > due0, `${ok.json.deadline.due} after ${due0}`);
	const more = await srv.post(`/api/v1/matters/${m.id}/extensions`, { reason: '第三次' }, { token: u['zxbq.procuratorate.handler'] });
	assertErrorShape(more, { status: 409 });
});

test('a reviewer suspends and resumes the clock; a suspended matter takes no steps', async () => {
	const m = await fileCriminal();
	const handler = await srv.post(`/api/v1/matters/${m.id}/suspend`, { reason: '犯罪嫌疑人患严重疾病', basis: '刑事诉讼法第206条' }, { token: u['zxbq.police.handler'] });
	assertErrorShape(handler, { status: 403 });
	const s = await srv.post(`/api/v1/matters/${m.id}/suspend`, { reason: '犯罪嫌疑人患严重疾病', basis: '刑事诉讼法第206条' }, { token: u['zxbq.police.reviewer'] });
	assert.equal(s.status, 200, s.text);
	assert.equal(s.json.deadline.status, 'suspended');
	const stepped = await srv.post(`/api/v1/matters/${m.id}/actions`, { action: 'transfer_for_prosecution' }, { token: u['zxbq.police.handler'] });
	assertErrorShape(stepped, { status: 409 });
	const r = await srv.request('POST', `/api/v1/matters/${m.id}/resume`, { token: u['zxbq.police.reviewer'] });
	assert.equal(r.status, 200, r.text);
	assert.notEqual(r.json.deadline.status, 'suspended');
	const h = await srv.get(`/api/v1/matters/${m.id}/history`, { token: u['zxbq.police.handler'] });
	assert.deepEqual(h.json.events.slice(-2).map((e) => e.type), ['matter.suspended', 'matter.resumed']);
});

test('the workbench shows transfers to accept and my matters by urgency', async () => {
	const m = await fileCriminal({ tags: ['green_channel'] });
	await act(u['zxbq.police.handler'], m.id, { action: 'transfer_for_prosecution' });
	const w = await srv.get('/api/v1/workbench', { token: u['zxbq.procuratorate.handler'] });
	assert.equal(w.status, 200);
	const t = w.json.transfers_to_accept.find((x) => x.matter_id === m.id);
	assert.ok(t, 'the transfer waits in the inbox');
	assert.equal(t.green, true);
	assert.equal(w.json.transfers_to_accept[0].green, true, 'green channel sorts first');
	const todayCN = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
	assert.equal(t.accept_due_on, todayCN, 'the green channel is accepted the same day');
	const plain = await fileCriminal();
	const sentPlain = await act(u['zxbq.police.handler'], plain.id, { action: 'transfer_for_prosecution' });
	assert.ok(sentPlain.pending_transfer.accept_due_on > todayCN, 'other transfers have working days to be accepted');
	const mine = w.json.my_matters.matters;
	for (let i = 1; i < mine.length; i++) {
		if (mine[i - 1].green === mine[i].green)
			assert.ok(mine[i - 1].deadline.due <= mine[i].deadline.due, 'ordered by due date');
		else assert.ok(mine[i - 1].green, 'green first');
	}
	const wrongRole = await srv.get('/api/v1/workbench', { token: u['xlgl.committee'] });
	assertErrorShape(wrongRole, { status: 403 });
});

test('supervision drills down league → county → unit with the lists behind the numbers', async () => {
	const region = await srv.get('/api/v1/supervision', { token: u['xlgl.committee'] });
	assert.equal(region.status, 200, region.text);
	assert.equal(region.json.area.code, '152500');
	assert.equal(region.json.group_by, 'area');
	const zxbq = region.json.rows.find((r) => r.area_code === '152529');
	assert.ok(zxbq.open > 0);
	assert.ok(region.json.rows.some((r) => r.area_name === '本级'));
	const county = await srv.get('/api/v1/supervision?area=152529', { token: u['xlgl.committee'] });
	assert.equal(county.json.group_by, 'unit');
	assert.equal(county.json.rows.reduce((s, r) => s + r.open, 0), zxbq.open);
	const list = await srv.get('/api/v1/supervision/list?area=152529&metric=overdue', { token: u['xlgl.committee'] });
	assert.equal(list.status, 200);
	assert.equal(list.json.total, zxbq.overdue);
	for (const m of list.json.matters) assert.equal(m.deadline.status, 'overdue');
	const unanswered = await srv.get('/api/v1/supervision/list?area=152500&metric=unanswered_transfers', { token: u['xlgl.committee'] });
	assert.equal(unanswered.status, 200);
	// every list holds exactly the matters its number counts (returned twice and green misses were
	// once filtered after paging, or not at all)
	for (const metric of ['overdue', 'due_soon', 'unanswered_transfers', 'returned_twice', 'green_misses']) {
		const l = await srv.get(`/api/v1/supervision/list?area=152500&metric=${metric}`, { token: u['xlgl.committee'] });
		assert.equal(l.json.total, region.json.totals[metric], `${metric}: list total = count`);
		assert.equal((l.json.matters || l.json.transfers).length, Math.min(50, region.json.totals[metric]), metric);
		if (metric === 'green_misses') for (const m of l.json.matters) assert.equal(m.green, true);
	}
	const outside = await srv.get('/api/v1/supervision?area=150100', { token: u['xlgl.committee'] });
	assertErrorShape(outside, { status: 403, field: 'area' });
	const badMetric = await srv.get('/api/v1/supervision/list?metric=bogus', { token: u['xlgl.committee'] });
	assertErrorShape(badMetric, { status: 400, field: 'metric' });
});

// RFC 9162 section 2.1.3.2, written here from the RFC, independent of the server's code.
function verifyInclusion(index, size, leaf, path, root) {
	const h = (...parts) => crypto.createHash('sha256').update(Buffer.concat(parts)).digest();
	let fn = BigInt(index), sn = BigInt(size) - 1n, r = leaf;
	for (const p of path) {
		if (sn === 0n) return false;
		if ((fn & 1n) === 1n || fn === sn) {
			r = h(Buffer.from([1]), p, r);
			if ((fn & 1n) === 0n) while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
		} else r = h(Buffer.from([1]), r, p);
		fn >>= 1n; sn >>= 1n;
	}
	return sn === 0n && r.equals(root);
}
const field = (s) => { const b = Buffer.from(s ?? '', 'utf8'); const l = Buffer.alloc(4); l.writeUInt32BE(b.length); return Buffer.concat([l, b]); };

test('evidence: an uploaded file is proven registered against the signed tree head', async () => {
	const r = await srv.post('/api/v1/evidence/verify', { sha256: fileSha.toUpperCase() });
	assert.equal(r.status, 200, r.text);
	const v = r.json;
	assert.equal(v.registered, true);
	assert.equal(v.entry.subject, fileSha);
	assert.equal(v.entry.event_type, 'dossier.file_added');
	assert.equal(JSON.stringify(v).includes('matter'), false, 'the answer does not show the matter');
	// rebuild the entry bytes from its public part and the private hash (docs/log-format.md)
	const seq = Buffer.alloc(8); seq.writeBigUInt64BE(BigInt(v.entry.seq));
	const entry = Buffer.concat([Buffer.from('CBLOG\0\0\x01', 'latin1'), seq, field(v.entry.at), field(v.entry.event_type),
		field(v.entry.subject), Buffer.from(v.entry.private_hash, 'hex')]);
	const leaf = crypto.createHash('sha256').update(Buffer.concat([Buffer.from([0]), entry])).digest();
	assert.equal(leaf.toString('hex'), v.leaf_hash);
	const root = Buffer.from(v.sth.root_hash, 'hex');
	assert.equal(v.proof.tree_size, v.sth.tree_size);
	assert.ok(verifyInclusion(v.log_index, v.proof.tree_size, leaf, v.proof.path.map((x) => Buffer.from(x, 'hex')), root));
	// a changed proof byte fails
	const forged = v.proof.path.map((x) => Buffer.from(x, 'hex'));
	forged[0][0] ^= 1;
	assert.equal(verifyInclusion(v.log_index, v.proof.tree_size, leaf, forged, root), false);
	// the head's signature verifies with the served key
	const key = (await srv.get('/api/v1/log/key')).json;
	const size = Buffer.alloc(8); size.writeBigUInt64BE(BigInt(v.sth.tree_size));
	const ts = Buffer.alloc(8); ts.writeBigUInt64BE(BigInt(v.sth.timestamp));
	const msg = Buffer.concat([Buffer.from('CBSTH\0\0\x01', 'latin1'), size, ts, root, field(v.sth.hash_alg), field(v.sth.key_id)]);
	assert.ok(crypto.verify(null, msg, key.public_key, Buffer.from(v.sth.signature, 'base64')));
	// the same by uploading the file itself, anonymously
	const byFile = await srv.request('POST', '/api/v1/evidence/verify-file', { body: Buffer.from('讯问笔录：张三对盗窃事实供认不讳。\n') });
	assert.equal(byFile.json.registered, true);
	assert.equal(byFile.json.log_index, v.log_index);
	const unknown = await srv.post('/api/v1/evidence/verify', { sha256: '0'.repeat(64) });
	assert.deepEqual(unknown.json, { registered: false, sha256: '0'.repeat(64) });
});

test('dossier uploads: sniffed types, refused binaries, the same file stored once', async () => {
	const m = await fileCriminal();
	const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), crypto.randomBytes(64)]);
	const up = await srv.request('POST', `/api/v1/matters/${m.id}/files?name=photo.txt`, { token: u['zxbq.police.handler'], body: png });
	assert.equal(up.status, 201, up.text);
	assert.equal(up.json.files[0].mime, 'image/png', 'the type comes from the content, not the name');
	const exe = await srv.request('POST', `/api/v1/matters/${m.id}/files?name=x.exe`, { token: u['zxbq.police.handler'], body: Buffer.from('7f454c4602010100000000', 'hex') });
	assertErrorShape(exe, { status: 415, field: 'file' });
	const dup = await srv.request('POST', `/api/v1/matters/${m.id}/files?name=again.png`, { token: u['zxbq.police.handler'], body: png });
	assertErrorShape(dup, { status: 409 });
	const other = await fileCriminal();
	const again = await srv.request('POST', `/api/v1/matters/${other.id}/files?name=same.png`, { token: u['zxbq.police.handler'], body: png });
	assert.equal(again.status, 201);
	const notHolder = await srv.request('POST', `/api/v1/matters/${m.id}/files?name=y.txt`, { token: u['zxbq.court.handler'], body: Buffer.from('hello') });
	assert.ok(notHolder.status === 403 || notHolder.status === 404, notHolder.text);
});

test('the log verifies after all of this, and the server stops cleanly', async () => {
	const { spawnSync } = await import('node:child_process');
	const r = spawnSync(process.env.CASEBRIDGE_BIN, ['verify', '--data-dir', srv.dataDir], { encoding: 'utf8' });
	assert.equal(r.status, 0, r.stdout + r.stderr);
	assert.match(r.stdout, /OK: the log is consistent/);
	await srv.stop();
});
