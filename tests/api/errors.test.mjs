// errors.test.mjs - every failure has one JSON shape {"error":{code,message,field,request_id}} and
// says what was wrong: malformed JSON (with line and column), wrong types and unknown fields (naming
// the field), wrong content type (415), bodies over --max-json-bytes whether declared or chunked
// (413), headers over --max-header-bytes (refused), unknown paths and methods. No failed request
// leaves anything written: the event count /healthz reports stays the same. HTTP framing cases go
// through a raw socket so that the exact bytes on the wire are under the test's control.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertErrorShape, rawHttp } from './lib.mjs';

const MAX_JSON = 2048;
let srv, admin;
before(async () => {
	srv = await startServer({ args: ['--max-json-bytes', String(MAX_JSON), '--max-header-bytes', '4096'] });
	admin = (await srv.login('xlgl.admin')).token;
});
after(() => srv?.kill());

/* Runs fn, then checks the event count did not move. */
async function writesNothing(fn) {
	const before = await srv.events();
	await fn();
	assert.equal(await srv.events(), before, 'a failed request wrote an event');
}

const unitBody = { parent_id: '152529.court', suffix: 'zxj', name: '正镶白旗人民法院执行局' };

/* A raw HTTP/1.1 request with the admin's token. */
function raw(method, path, { headers = {}, body } = {}) {
	const h = { Host: 'test', Authorization: `Bearer ${admin}`, Connection: 'close', ...headers };
	if (body !== undefined && !('Content-Length' in h) && !('Transfer-Encoding' in h)) h['Content-Length'] = Buffer.byteLength(body);
	const head = `${method} ${path} HTTP/1.1\r\n${Object.entries(h).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
	return body === undefined ? head : head + body;
}

/* The chunks of a chunked body, the terminating empty chunk last. */
function chunks(parts) {
	return [...parts.map((p) => `${Buffer.byteLength(p).toString(16)}\r\n${p}\r\n`), '0\r\n\r\n'];
}
const chunked = (parts) => chunks(parts).join('');

test('malformed JSON is 400 and says on which line and column', async () => {
	await writesNothing(async () => {
		const body = '{\n  "parent_id": "152529.court",\n  "suffix": zxj\n}';
		const r = await srv.request('POST', '/api/v1/units', { token: admin, body, headers: { 'content-type': 'application/json' } });
		const e = assertErrorShape(r, { status: 400, code: 'invalid', field: 'body' });
		assert.match(e.message, /第 3 行第 \d+ 列/);
		const r2 = await srv.request('POST', '/api/v1/units', { token: admin, body: '{"a":', headers: { 'content-type': 'application/json' } });
		assert.match(assertErrorShape(r2, { status: 400 }).message, /第 1 行第 \d+ 列/);
	});
});

test('a body that is empty, not an object, has duplicate keys or is not UTF-8 is 400', async () => {
	await writesNothing(async () => {
		for (const body of ['', '[1,2]', '"text"', '{"suffix":"a","suffix":"b"}', '{"name":"a\\u0000b"}', Buffer.from('{"name":"\xff\xfe"}', 'latin1')]) {
			const r = await srv.request('POST', '/api/v1/units', { token: admin, body, headers: { 'content-type': 'application/json' } });
			assertErrorShape(r, { status: 400, code: 'invalid', field: 'body' });
		}
	});
});

test('a wrong type, an unknown field or a missing field is 400 naming the field', async () => {
	const cases = [
		[{ ...unitBody, suffix: 5 }, 'suffix'],
		[{ ...unitBody, name: ['a'] }, 'name'],
		[{ ...unitBody, parent_id: null }, 'parent_id'],
		[{ ...unitBody, colour: 'red' }, 'colour'],
		[{ parent_id: '152529.court', name: '执行局' }, 'suffix'],
		[{ ...unitBody, suffix: '' }, 'suffix'],
		[{ ...unitBody, suffix: 'x'.repeat(33) }, 'suffix'],
	];
	await writesNothing(async () => {
		for (const [i, [body, field]] of cases.entries()) {
			const r = await srv.post('/api/v1/units', body, { token: admin });
			const e = assertErrorShape(r, { status: 400, code: 'invalid' });
			assert.equal(e.field, field, `row ${i + 1}: ${r.text}`);
			assert.ok(e.message.includes(field), `row ${i + 1}: the message names the field: ${e.message}`);
		}
		const login = await srv.post('/api/v1/session', { username: 'xlgl.admin', password: 'x'.repeat(257) });
		assertErrorShape(login, { status: 400, field: 'password' });
		const typed = await srv.post('/api/v1/session', { username: 42, password: 'x' });
		assertErrorShape(typed, { status: 400, field: 'username' });
	});
});

test('a wrong or missing content type is 415', async () => {
	await writesNothing(async () => {
		const body = JSON.stringify(unitBody);
		for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonx', 'multipart/form-data; boundary=x']) {
			const r = await srv.request('POST', '/api/v1/units', { token: admin, body, headers: { 'content-type': ct } });
			assertErrorShape(r, { status: 415, code: 'unsupported_media_type' });
		}
		const none = await rawHttp(srv.port, raw('POST', '/api/v1/units', { body }));
		assertErrorShape(none, { status: 415 });
	});
	const withCharset = await srv.request('POST', '/api/v1/session', {
		body: JSON.stringify({ username: 'xlgl.admin', password: 'casebridge-demo' }),
		headers: { 'content-type': 'Application/JSON; charset=utf-8' },
	});
	assert.equal(withCharset.status, 201, 'parameters and case do not matter');
	srv.secret(withCharset.json.token);
});

test('a declared Content-Length over --max-json-bytes is 413 before the body is read', async () => {
	await writesNothing(async () => {
		const r = await rawHttp(srv.port, raw('POST', '/api/v1/units', { headers: { 'Content-Type': 'application/json', 'Content-Length': MAX_JSON + 1 } }));
		const e = assertErrorShape(r, { status: 413, code: 'too_large' });
		assert.ok(e.message.includes(String(MAX_JSON)), 'the message gives the limit');
	});
});

test('a chunked body over --max-json-bytes is 413', async () => {
	await writesNothing(async () => {
		const big = JSON.stringify({ ...unitBody, name: '执'.repeat(800) }); // > 2048 bytes
		assert.ok(Buffer.byteLength(big) > MAX_JSON);
		const parts = [big.slice(0, 500), big.slice(500, 1200), big.slice(1200)];
		const head = raw('POST', '/api/v1/units', { headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' } });
		const r = await rawHttp(srv.port, [head, ...chunks(parts)]); // written one chunk at a time
		assertErrorShape(r, { status: 413, code: 'too_large' });
	});
});

test('a body of exactly --max-json-bytes is read; one byte more is 413 (declared or chunked)', async () => {
	const json = JSON.stringify({ username: 'nobody.here', password: 'not the password' });
	const exact = json.slice(0, -1) + ' '.repeat(MAX_JSON - Buffer.byteLength(json)) + '}';
	assert.equal(Buffer.byteLength(exact), MAX_JSON);
	const over = exact + ' ';
	const ok = await rawHttp(srv.port, raw('POST', '/api/v1/session', { headers: { 'Content-Type': 'application/json' }, body: exact }));
	assertErrorShape(ok, { status: 401 }); // read and judged: a wrong login, not too large
	const okChunked = await rawHttp(srv.port, raw('POST', '/api/v1/session', { headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }, body: chunked([exact.slice(0, 1000), exact.slice(1000)]) }));
	assertErrorShape(okChunked, { status: 401 });
	await writesNothing(async () => {
		for (const body of [over, chunked([over.slice(0, 1000), over.slice(1000)])]) {
			const te = body === over ? {} : { 'Transfer-Encoding': 'chunked' };
			const r = await rawHttp(srv.port, raw('POST', '/api/v1/session', { headers: { 'Content-Type': 'application/json', ...te }, body }));
			assertErrorShape(r, { status: 413 });
		}
	});
});

test('a chunked body under the limit is read like any other', async () => {
	const body = JSON.stringify({ username: 'xlgl.admin', password: 'casebridge-demo' });
	const r = await rawHttp(srv.port, raw('POST', '/api/v1/session', { headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }, body: chunked([body.slice(0, 10), body.slice(10)]) }));
	assert.equal(r.status, 201, r.raw);
	srv.secret(JSON.parse(r.body).token);
});

test('headers over --max-header-bytes are refused, and the server carries on', async () => {
	await writesNothing(async () => {
		const r = await rawHttp(srv.port, raw('GET', '/api/v1/me', { headers: { 'X-Padding': 'p'.repeat(6000) } }));
		assert.ok(r.status === 431 || (r.status === 0 && r.closed), `refused: ${r.status} ${r.raw.slice(0, 100)}`);
		const many = {};
		for (let i = 0; i < 200; i++) many[`X-H${i}`] = 'v'.repeat(30);
		const r2 = await rawHttp(srv.port, raw('GET', '/api/v1/me', { headers: many }));
		assert.ok(r2.status === 431 || (r2.status === 0 && r2.closed), `refused: ${r2.status}`);
	});
	assert.equal((await srv.get('/api/v1/me', { token: admin })).status, 200);
});

test('a body sent to a route that takes none is 400', async () => {
	await writesNothing(async () => {
		const r = await rawHttp(srv.port, raw('GET', '/api/v1/me', { headers: { 'Content-Type': 'application/json' }, body: '{"x":1}' }));
		assertErrorShape(r, { status: 400, code: 'invalid' });
	});
});

test('an unknown API path is 404 and a known path with another method is 405, both in the error shape', async () => {
	await writesNothing(async () => {
		const nf = await srv.get('/api/v1/nothing-here', { token: admin });
		assertErrorShape(nf, { status: 404, code: 'not_found' });
		const r = await srv.request('PUT', '/api/v1/units', { token: admin, json: unitBody });
		const e = assertErrorShape(r, { status: 405, code: 'method_not_allowed' });
		assert.ok(e.message.includes('PUT'), e.message);
		assertErrorShape(await srv.request('PATCH', '/healthz'), { status: 405 });
	});
});

test('an error that reaches the handler leaves nothing written either', async () => {
	await writesNothing(async () => {
		assertErrorShape(await srv.post('/api/v1/units', { ...unitBody, parent_id: '999999.court' }, { token: admin }), { status: 400, field: 'parent_id' });
		assertErrorShape(await srv.post('/api/v1/units', { ...unitBody, suffix: 'Bad!' }, { token: admin }), { status: 400, field: 'suffix' });
		assertErrorShape(await srv.post('/api/v1/units', { ...unitBody, parent_id: '150103.court' }, { token: admin }), { status: 403 });
		assertErrorShape(await srv.post('/api/v1/units', unitBody), { status: 401 });
	});
});

test('a decoded path cannot forge or split a log line', async () => {
	const off = srv.logOffset();
	const r = await rawHttp(srv.port, 'GET /api/v1/x%0Aevent=forged%20level=error%22 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n');
	assertErrorShape(r, { status: 404 });
	const line = await srv.waitForLog(/event=request .*status=404/, off);
	assert.ok(!srv.log().slice(off).split('\n').some((l) => l.startsWith('event=forged')), 'no forged line');
	assert.match(line, /path=\/api\/v1\/x%0Aevent=forged%20level=error%22 status=404/);
});

test('every error response above carried X-Request-Id; the log is clean and SIGTERM stops the server', async () => {
	await srv.stop();
});
