// foundation.test.mjs - the foundation against the real server: health, request ids, login, the
// Bearer token and the browser cookie, logout, lockout, the area tree and the units, sub-units and
// users added by administrators, and a clean SIGTERM stop with a log free of secrets.
// Tests run in order against one server; counts of units are taken before any sub-unit is added.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, assertErrorShape, DEMO_PASSWORD, LATEST_MIGRATION } from './lib.mjs';

let srv;
before(async () => {
	srv = await startServer();
});
after(() => srv?.kill());

const tokens = {};

/* One row of a query on the server's database, with the sqlite3 command (read-only, beside the server). */
function sql(query) {
	const r = spawnSync('sqlite3', ['-readonly', path.join(srv.dataDir, 'casebridge.db'), query], { encoding: 'utf8' });
	assert.equal(r.status, 0, `sqlite3: ${r.stderr}`);
	return r.stdout.trim().split('|');
}
async function tokenOf(user) {
	tokens[user] ??= (await srv.login(user)).token;
	return tokens[user];
}

test('a clean start logs no warnings', async () => {
	await srv.waitForLog(/event=server_started /);
	const warnings = srv.log().split('\n').filter((l) => / level=(warn|error) /.test(l));
	assert.deepEqual(warnings, []);
});

test('GET /healthz reports ok, the schema version and the event count without a session', async () => {
	const r = await srv.get('/healthz');
	assert.equal(r.status, 200);
	assert.equal(r.json.status, 'ok');
	assert.equal(r.json.schema_version, LATEST_MIGRATION);
	assert.ok(Number.isInteger(r.json.events) && r.json.events > 700, `events ${r.json.events}`);
	assert.match(r.headers.get('cache-control'), /no-store/);
});

test('every response carries its own X-Request-Id, which the request log line names', async () => {
	const { token } = await srv.login('zxbq.police.clerk');
	const responses = [
		await srv.get('/healthz'),
		await srv.get('/api/v1/openapi.yaml'),
		await srv.get('/api/v1/me', { token }),
		await srv.get('/api/v1/me'), // 401
		await srv.get('/api/v1/no-such-thing'), // 404
		await srv.request('DELETE', '/api/v1/session', { token }), // 204
		await srv.post('/api/v1/session', { username: 'x' }), // 400
		await srv.request('POST', '/api/v1/session', { body: 'a=b', headers: { 'content-type': 'text/plain' } }), // 415
	];
	const ids = responses.map((r) => r.requestId);
	assert.deepEqual(responses.map((r) => r.status), [200, 200, 200, 401, 404, 204, 400, 415]);
	for (const id of ids) assert.match(id ?? '', /^[0-9a-f]{16}$/);
	assert.equal(new Set(ids).size, ids.length, 'request ids are distinct');
	for (const r of responses) await srv.waitForLog(new RegExp(`event=request id=${r.requestId} .*status=${r.status}`));
});

test('login gives a 256-bit token, the user, and an HttpOnly SameSite=Strict cookie', async () => {
	const before = await srv.events();
	const { token, res, user } = await srv.login('xlgl.committee');
	assert.match(token, /^[0-9a-f]{64}$/);
	assert.equal(user.username, 'xlgl.committee');
	assert.deepEqual(user.roles, ['supervisor']);
	assert.equal(user.unit.id, '152500.committee');
	assert.equal(user.unit.area_code, '152500');
	assert.ok(Date.parse(res.json.expires_at) > Date.now() + 11 * 3600e3, 'expires in 12 hours');
	assert.equal(res.json.idle_timeout_seconds, 1800);
	const cookie = res.headers.get('set-cookie');
	assert.match(cookie, new RegExp(`^cb_session=${token};`));
	const attrs = cookie.split(';').map((s) => s.trim().toLowerCase());
	assert.ok(attrs.includes('httponly'), cookie);
	assert.ok(attrs.includes('samesite=strict'), cookie);
	assert.ok(attrs.includes('path=/'), cookie);
	assert.equal(await srv.events(), before + 1, 'a login is recorded');
});

test('the Bearer token and the browser cookie both authenticate API calls', async () => {
	const { token, cookie } = await srv.login('zxbq.court.reviewer');
	for (const opts of [{ token }, { cookie }]) {
		const r = await srv.get('/api/v1/me', opts);
		assert.equal(r.status, 200, JSON.stringify(opts));
		assert.equal(r.json.username, 'zxbq.court.reviewer');
		assert.deepEqual(r.json.roles, ['reviewer']);
		assert.ok(r.json.permissions.includes('matter.read'));
		assert.equal(r.json.unit.kind, 'court');
		const areas = await srv.get('/api/v1/areas', opts);
		assert.equal(areas.status, 200);
	}
	assert.equal((await srv.get('/api/v1/me', { headers: { authorization: `Basic ${token}` } })).status, 401);
});

test('logout ends the session on the server: the token is refused afterwards', async () => {
	const { token } = await srv.login('zxbq.court.handler');
	const { token: other } = await srv.login('zxbq.court.handler');
	const before = await srv.events();
	const r = await srv.request('DELETE', '/api/v1/session', { token });
	assert.equal(r.status, 204);
	assert.equal(r.text, '');
	assert.match(r.headers.get('set-cookie'), /^cb_session=;.*Max-Age=0/);
	assert.equal(await srv.events(), before + 1, 'a logout is recorded');
	assertErrorShape(await srv.get('/api/v1/me', { token }), { status: 401, code: 'unauthorized' });
	assertErrorShape(await srv.request('DELETE', '/api/v1/session', { token }), { status: 401 });
	assert.equal((await srv.get('/api/v1/me', { token: other })).status, 200, 'other sessions live on');
});

test('logout through the cookie ends that session too', async () => {
	const { cookie } = await srv.login('zxbq.court.fund');
	assert.equal((await srv.request('DELETE', '/api/v1/session', { cookie })).status, 204);
	assertErrorShape(await srv.get('/api/v1/me', { cookie }), { status: 401 });
});

test('the database keeps only the SHA-256 of a session token, never the token', async () => {
	const { token } = await srv.login('zxbq.justice_bureau.handler');
	const hash = createHash('sha256').update(token).digest('hex');
	assert.deepEqual(sql(`SELECT count(*) FROM sessions WHERE token_hash = '${hash}'`), ['1']);
	assert.deepEqual(sql(`SELECT count(*) FROM sessions WHERE token_hash = '${token}'`), ['0']);
	for (const f of ['casebridge.db', 'casebridge.db-wal']) {
		const p = path.join(srv.dataDir, f);
		if (fs.existsSync(p)) assert.ok(!fs.readFileSync(p).includes(token), `${f} holds a raw token`);
	}
});

test('a revoked or unknown token is refused with 401, and the refusal is logged', async () => {
	const { token } = await srv.login('zxbq.procuratorate.clerk');
	await srv.request('DELETE', '/api/v1/session', { token });
	for (const bad of [token, 'f'.repeat(64), 'short']) {
		const off = srv.logOffset();
		const r = await srv.get('/api/v1/areas', { token: bad });
		assertErrorShape(r, { status: 401, code: 'unauthorized' });
		await srv.waitForLog(/event=access_denied .*perm=org\.read/, off);
	}
	// A stale token does not stop a public route.
	assert.equal((await srv.get('/healthz', { token })).status, 200);
});

test('a wrong password and an unknown user get the same 401', async () => {
	const a = await srv.tryLogin('zxbq.police.reviewer', 'not the password');
	const b = await srv.tryLogin('nobody.at.all', 'not the password');
	const ea = assertErrorShape(a, { status: 401, code: 'unauthorized' });
	const eb = assertErrorShape(b, { status: 401, code: 'unauthorized' });
	assert.equal(ea.message, eb.message);
	assert.equal(ea.field, eb.field);
});

test('five failures lock the account (423); the 6th attempt with the right password is still refused', async () => {
	const user = 'hmq.justice_bureau.clerk';
	for (let i = 1; i <= 5; i++) {
		const r = await srv.tryLogin(user, `wrong password ${i}`);
		assertErrorShape(r, i < 5 ? { status: 401, code: 'unauthorized' } : { status: 423, code: 'locked' });
	}
	const sixth = await srv.tryLogin(user, DEMO_PASSWORD);
	const e = assertErrorShape(sixth, { status: 423, code: 'locked' });
	assert.ok(e.message.length > 4 && !/[{}<>]/.test(e.message), `a plain message: ${e.message}`);
	assert.equal(sixth.json.token, undefined);
	await srv.waitForLog(/event=login_failed user=hmq\.justice_bureau\.clerk failed=5 locked=1/);
});

test('the area tree has 1 region, 12 leagues and cities, and 103 counties', async () => {
	const r = await srv.get('/api/v1/areas', { token: await tokenOf('hhht.police.clerk') });
	assert.equal(r.status, 200);
	assert.equal(r.json.areas.length, 1);
	const [region] = r.json.areas;
	assert.deepEqual([region.code, region.level, region.name], ['150000', 'province', '内蒙古自治区']);
	assert.equal(region.children.length, 12);
	let counties = 0;
	for (const p of region.children) {
		assert.equal(p.level, 'prefecture', p.code);
		for (const c of p.children) {
			assert.equal(c.level, 'county', c.code);
			assert.deepEqual(c.children, []);
			counties++;
		}
	}
	assert.equal(counties, 103);
	const xlgl = region.children.find((p) => p.code === '152500');
	assert.equal(xlgl.name, '锡林郭勒盟');
	assert.ok(xlgl.children.some((c) => c.code === '152529' && c.name === '正镶白旗'));
});

const KINDS = ['committee', 'police', 'procuratorate', 'court', 'justice_bureau'];

function areaCodes(tree) {
	const out = [];
	const walk = (n) => {
		out.push(n.code);
		n.children.forEach(walk);
	};
	tree.forEach(walk);
	return out;
}

test('580 units at init: every area has five, one of each kind', async () => {
	const token = await tokenOf('hhht.police.clerk');
	const r = await srv.get('/api/v1/units', { token });
	assert.equal(r.status, 200);
	assert.equal(r.json.total, 580);
	assert.equal(r.json.units.length, 580);
	const codes = areaCodes((await srv.get('/api/v1/areas', { token })).json.areas);
	const byArea = new Map(codes.map((c) => [c, []]));
	for (const u of r.json.units) {
		assert.ok(byArea.has(u.area_code), `unit ${u.id} in unknown area ${u.area_code}`);
		byArea.get(u.area_code).push(u);
		assert.equal(u.id, `${u.area_code}.${u.kind}`);
		assert.equal(u.parent_id, null);
		assert.ok(u.name.length >= 2 && u.kind_label.length >= 2 && u.area_name.length >= 2, JSON.stringify(u));
	}
	for (const [code, units] of byArea) assert.deepEqual(units.map((u) => u.kind).sort(), [...KINDS].sort(), `area ${code}`);
});

test('every court has its own court code (152529.court has 内2529); no other unit has one', async () => {
	const r = await srv.get('/api/v1/units', { token: await tokenOf('hhht.police.clerk') });
	const seen = new Set();
	for (const u of r.json.units) {
		if (u.kind !== 'court') {
			assert.equal(u.court_code, null, u.id);
			continue;
		}
		const want = u.area_code === '150000' ? '内' : u.area_code.endsWith('00') ? `内${u.area_code.slice(2, 4)}` : `内${u.area_code.slice(2)}`;
		assert.equal(u.court_code, want, u.id);
		assert.ok(!seen.has(u.court_code), `duplicate court code ${u.court_code}`);
		seen.add(u.court_code);
	}
	assert.equal(seen.size, 116);
	const c = r.json.units.find((u) => u.id === '152529.court');
	assert.deepEqual([c.court_code, c.name], ['内2529', '正镶白旗人民法院']);
});

test('units filter by area, kind and below=1', async () => {
	const token = await tokenOf('hhht.police.clerk');
	const q = async (qs) => {
		const r = await srv.get(`/api/v1/units?${qs}`, { token });
		assert.equal(r.status, 200, `${qs}: ${r.text}`);
		assert.equal(r.json.total, r.json.units.length);
		return r.json.units;
	};
	const county = await q('area=152529');
	assert.deepEqual(county.map((u) => u.id).sort(), KINDS.map((k) => `152529.${k}`).sort());
	assert.equal((await q('area=152500')).length, 5, 'without below: the league itself');
	const league = await q('area=152500&below=1');
	assert.equal(league.length, 5 * 13);
	assert.ok(league.every((u) => u.area_code.startsWith('1525')));
	const courts = await q('kind=court');
	assert.equal(courts.length, 116);
	assert.ok(courts.every((u) => u.kind === 'court'));
	const leagueCourts = await q('area=152500&kind=court&below=1');
	assert.equal(leagueCourts.length, 13);
	assert.equal((await q('area=&kind=')).length, 580, 'empty filters are no filters');
});

test('unit filters that do not exist are 400 naming the parameter', async () => {
	const token = await tokenOf('hhht.police.clerk');
	assertErrorShape(await srv.get('/api/v1/units?area=999999', { token }), { status: 400, code: 'invalid', field: 'area' });
	assertErrorShape(await srv.get('/api/v1/units?kind=army', { token }), { status: 400, code: 'invalid', field: 'kind' });
});

test('an admin adds a sub-unit in the jurisdiction: it is listed with its parent and recorded once', async () => {
	const token = await tokenOf('xlgl.admin'); // league admin, county unit
	const before = await srv.events();
	const r = await srv.post('/api/v1/units', { parent_id: '152529.court', suffix: 'zxj', name: '正镶白旗人民法院执行局' }, { token });
	assert.equal(r.status, 201, r.text);
	assert.equal(r.json.id, '152529.court.zxj');
	assert.equal(r.json.kind, 'court');
	assert.equal(r.json.area_code, '152529');
	assert.equal(r.json.parent_id, '152529.court');
	assert.equal(r.json.court_code, null);
	assert.equal(await srv.events(), before + 1);
	const list = await srv.get('/api/v1/units?area=152529&kind=court', { token });
	assert.deepEqual(list.json.units.map((u) => u.id).sort(), ['152529.court', '152529.court.zxj']);
	const zxbq = await srv.post('/api/v1/units', { parent_id: '152529.court.zxj', suffix: 'team1', name: '执行一组' }, { token: await tokenOf('zxbq.admin') });
	assert.equal(zxbq.status, 201, 'the county admin adds below the sub-unit');
});

test('adding the same sub-unit twice is 409 naming the suffix, and writes nothing', async () => {
	const token = await tokenOf('xlgl.admin');
	const before = await srv.events();
	const r = await srv.post('/api/v1/units', { parent_id: '152529.court', suffix: 'zxj', name: '重复' }, { token });
	assertErrorShape(r, { status: 409, code: 'conflict', field: 'suffix' });
	assert.equal(await srv.events(), before);
});

test('an admin outside the jurisdiction, or a non-admin, cannot add a sub-unit; nothing is written', async () => {
	for (const user of ['hhht.admin', 'zxbq.admin', 'zxbq.committee']) await tokenOf(user);
	const before = await srv.events();
	const cases = [
		['hhht.admin', '152529.court'], // another league
		['zxbq.admin', '150103.court'], // another league's county
		['zxbq.admin', '152528.court'], // the neighbouring county
		['zxbq.admin', '152500.court'], // the league above
		['zxbq.committee', '152529.police'], // the right unit, the wrong role
	];
	for (const [user, parent] of cases) {
		const r = await srv.post('/api/v1/units', { parent_id: parent, suffix: 'nope', name: '不该有的部门' }, { token: await tokenOf(user) });
		assertErrorShape(r, { status: 403, code: 'forbidden' });
		assert.ok(!r.text.includes(parent), 'the refusal does not echo the object');
	}
	assert.equal(await srv.events(), before);
	const own = await srv.post('/api/v1/units', { parent_id: '150103.court', suffix: 'zxj', name: '回民区人民法院执行局' }, { token: await tokenOf('hhht.admin') });
	assert.equal(own.status, 201, 'the city admin adds in its own county');
});

test('an admin adds a user in the jurisdiction, who can then log in', async () => {
	const token = await tokenOf('zxbq.admin');
	const before = await srv.events();
	const password = 'a long enough passphrase';
	srv.secret(password);
	const r = await srv.post('/api/v1/users', { username: 'zxbq.police.newbie', display_name: '新警员', unit_id: '152529.police', roles: ['handler', 'clerk'], password }, { token });
	assert.equal(r.status, 201, r.text);
	assert.equal(r.json.username, 'zxbq.police.newbie');
	assert.equal(r.json.unit_id, '152529.police');
	assert.ok(Number.isInteger(r.json.id));
	assert.equal(r.json.password, undefined);
	assert.equal(await srv.events(), before + 1);
	const me = await srv.get('/api/v1/me', { token: (await srv.login('zxbq.police.newbie', password)).token });
	assert.deepEqual(me.json.roles, ['clerk', 'handler']);
	assert.equal(me.json.unit.id, '152529.police');
	// Into the sub-unit added above.
	const sub = await srv.post('/api/v1/users', { username: 'zxbq.zxj.handler', display_name: '执行员', unit_id: '152529.court.zxj', roles: ['handler'], password }, { token });
	assert.equal(sub.status, 201, sub.text);
});

test('user creation errors name the field and write nothing', async () => {
	const token = await tokenOf('zxbq.admin');
	const good = { username: 'zxbq.police.other', display_name: '某人', unit_id: '152529.police', roles: ['handler'], password: 'a long enough passphrase' };
	const cases = [
		[{ ...good, password: 'short' }, 400, 'password'],
		[{ ...good, roles: ['judge'] }, 400, 'roles'],
		[{ ...good, roles: [] }, 400, 'roles'],
		[{ ...good, roles: 'handler' }, 400, 'roles'],
		[{ ...good, roles: [7] }, 400, 'roles[0]'],
		[{ ...good, unit_id: '999999.police' }, 400, 'unit_id'],
		[{ ...good, username: 'Bad Name' }, 400, 'username'],
		[{ ...good, email: 'x@example.com' }, 400, 'email'],
		[{ ...good, display_name: undefined }, 400, 'display_name'],
		[{ ...good, username: 'zxbq.police.newbie' }, 409, 'username'],
		[{ ...good, unit_id: '150103.police' }, 403, null],
	];
	const before = await srv.events();
	for (const [i, [body, status, field]] of cases.entries()) {
		const r = await srv.post('/api/v1/users', body, { token });
		const e = assertErrorShape(r);
		assert.equal(r.status, status, `row ${i + 1}: ${r.text}`);
		assert.equal(e.field, field, `row ${i + 1}: ${r.text}`);
	}
	assert.equal(await srv.events(), before);
});

test('an admin lists only the users of the jurisdiction, without password hashes', async () => {
	const county = await srv.get('/api/v1/users', { token: await tokenOf('zxbq.admin') });
	assert.equal(county.status, 200);
	const names = county.json.users.map((u) => u.username);
	assert.ok(names.includes('zxbq.police.newbie') && names.includes('zxbq.zxj.handler'));
	assert.ok(county.json.users.every((u) => u.unit_id.startsWith('152529.')), names.join(','));
	assert.ok(!names.includes('xlgl.admin'), 'not the league');
	assert.ok(!/argon2|password/.test(county.text));
	const region = await srv.get('/api/v1/users', { token: await tokenOf('nmg.admin') });
	const all = region.json.users.map((u) => u.username);
	assert.ok(all.includes('hhht.admin') && all.includes('zxbq.police.newbie') && all.includes('nmg.auditor'));
	assert.ok(all.length > names.length);
});

test('after all of the above the event log is gapless and matches /healthz', async () => {
	const [n, first, last] = sql('SELECT count(*), min(seq), max(seq) FROM events').map(Number);
	assert.deepEqual([first, last], [1, n]);
	assert.equal(await srv.events(), n);
	const r = spawnSync('sqlite3', [path.join(srv.dataDir, 'casebridge.db'), 'DELETE FROM events WHERE seq = 1'], { encoding: 'utf8' });
	assert.notEqual(r.status, 0, 'the events table refuses DELETE');
	assert.match(r.stderr, /append-only/);
});

test('the log never holds a password or a token, and SIGTERM stops the server cleanly', async () => {
	for (const t of Object.values(tokens)) srv.secret(t);
	await srv.stop();
});
