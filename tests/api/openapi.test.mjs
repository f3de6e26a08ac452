// openapi.test.mjs - docs/openapi.yaml is served as it is in the tree, and it documents exactly the
// routes of the route table (`casebridge routes --json`): every route is documented, every
// documented operation is a route, public routes say `security: []`, each operation names its
// permission in x-permission, JSON bodies and the errors they can give are described.
//
// No YAML library: the document keeps to a fixed layout (`paths:`, two-space `/path:` keys,
// four-space lowercase methods, six-space operation fields), and the small reader below relies on
// it, so a document that drifts from that layout fails here too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, routeTable, ROOT } from './lib.mjs';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/* The operations under `paths:`: [{method, path, lines}] with the operation's own lines. */
export function yamlOperations(text) {
	const ops = [];
	const paths = [];
	let inPaths = false;
	let current = null;
	let op = null;
	for (const line of text.split('\n')) {
		if (/^paths:\s*$/.test(line)) {
			inPaths = true;
			continue;
		}
		if (!inPaths || /^\s*(#.*)?$/.test(line)) continue;
		if (/^\S/.test(line)) break; // the next top-level key ends paths
		let m;
		if ((m = /^ {2}(\/\S*):\s*$/.exec(line))) {
			current = m[1];
			paths.push(current);
			op = null;
		} else if ((m = /^ {4}([a-z]+):\s*$/.exec(line)) && METHODS.includes(m[1])) {
			op = { method: m[1].toUpperCase(), path: current, lines: [] };
			ops.push(op);
		} else if (/^ {4}\S/.test(line)) {
			op = null; // a path-level key such as parameters
		} else if (/^ {2}\S/.test(line) || /^ {0,3}\S/.test(line)) {
			throw new Error(`openapi.yaml: unexpected line under paths: ${JSON.stringify(line)}`);
		} else if (op) {
			op.lines.push(line);
		}
	}
	return { ops, paths };
}

/* An operation field at six spaces: its value (or '' for a block), undefined when absent. */
function field(op, name) {
	const re = new RegExp(`^ {6}${name}:\\s*(.*)$`);
	for (const l of op.lines) {
		const m = re.exec(l);
		if (m) return m[1].trim();
	}
	return undefined;
}

function responseCodes(op) {
	return op.lines.map((l) => /^ {8}"(\d{3})":/.exec(l)?.[1]).filter(Boolean);
}

let srv, yaml, routes, doc;
before(async () => {
	srv = await startServer();
	yaml = fs.readFileSync(path.join(ROOT, 'docs/openapi.yaml'), 'utf8');
	routes = routeTable();
	doc = yamlOperations(yaml);
});
after(() => srv?.kill());

const key = (o) => `${o.method} ${o.path}`;

test('GET /api/v1/openapi.yaml serves docs/openapi.yaml as it is, without a session', async () => {
	const r = await srv.get('/api/v1/openapi.yaml');
	assert.equal(r.status, 200);
	assert.match(r.headers.get('content-type'), /^application\/yaml/);
	assert.ok(r.requestId);
	assert.ok(r.text === yaml, 'the served document differs from docs/openapi.yaml: rebuild the binary (make) after editing it');
});

test('the document is OpenAPI 3.0 with the error schema and both security schemes', () => {
	assert.match(yaml, /^openapi: 3\.0\.\d+\n/);
	assert.match(yaml, /\ninfo:\n {2}title: .+\n {2}version: .+\n/);
	assert.match(yaml, /\nsecurity:\n {2}- bearerAuth: \[\]\n {2}- cookieAuth: \[\]\n/);
	assert.match(yaml, /\n {4}bearerAuth:\n {6}type: http\n {6}scheme: bearer\n/);
	assert.match(yaml, /\n {4}cookieAuth:\n {6}type: apiKey\n {6}in: cookie\n {6}name: cb_session\n/);
	assert.match(yaml, /\n {4}Error:\n[\s\S]*?required: \[code, message, field, request_id\]/);
	for (const l of yaml.split('\n')) assert.ok(!/\t/.test(l), 'no tabs in YAML');
	assert.equal(new Set(doc.paths).size, doc.paths.length, 'each path appears once under paths:');
	assert.equal(new Set(doc.ops.map(key)).size, doc.ops.length, 'each operation appears once');
});

test('every route in the route table is documented, and every documented operation is a route', () => {
	const inTable = new Set(routes.map((r) => `${r.method} ${r.path}`));
	const inDoc = new Set(doc.ops.map(key));
	const undocumented = [...inTable].filter((k) => !inDoc.has(k));
	const unknown = [...inDoc].filter((k) => !inTable.has(k));
	assert.deepEqual(undocumented, [], `routes missing from docs/openapi.yaml (add them under paths:): ${undocumented.join(', ')}`);
	assert.deepEqual(unknown, [], `docs/openapi.yaml documents routes that do not exist: ${unknown.join(', ')}`);
	assert.ok(routes.length >= 10);
});

test('each operation names the route\'s permission, and exactly the public ones need no session', () => {
	for (const r of routes) {
		const op = doc.ops.find((o) => key(o) === `${r.method} ${r.path}`);
		if (!op) continue; // reported above
		assert.equal(field(op, 'x-permission'), r.perm, `${r.method} ${r.path}: x-permission`);
		const open = field(op, 'security') === '[]';
		assert.equal(open, r.perm === 'public', `${r.method} ${r.path}: ${r.perm === 'public' ? 'public: add security: []' : 'needs a session: no security: []'}`);
		assert.ok(field(op, 'summary'), `${r.method} ${r.path}: summary`);
		assert.match(field(op, 'operationId') ?? '', /^[a-z][A-Za-z]+$/, `${r.method} ${r.path}: operationId`);
	}
	const ids = doc.ops.map((o) => field(o, 'operationId'));
	assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
});

test('each operation documents its body and the errors it can give', () => {
	for (const r of routes) {
		const op = doc.ops.find((o) => key(o) === `${r.method} ${r.path}`);
		if (!op) continue;
		const name = `${r.method} ${r.path}`;
		const codes = responseCodes(op);
		assert.ok(codes.some((c) => c.startsWith('2')), `${name}: a success response`);
		if (r.body === 'json') {
			assert.equal(field(op, 'requestBody'), '', `${name}: requestBody`);
			assert.ok(op.lines.some((l) => /^ {10}application\/json:/.test(l)), `${name}: an application/json body`);
			for (const c of ['400', '413', '415']) assert.ok(codes.includes(c), `${name}: documents ${c}`);
		} else if (r.body === 'file') {
			assert.equal(field(op, 'requestBody'), '', `${name}: requestBody`);
			assert.ok(op.lines.some((l) => /^ {10}application\/octet-stream:/.test(l)), `${name}: an application/octet-stream body`);
			assert.ok(codes.includes('413'), `${name}: documents 413`);
		} else {
			assert.equal(field(op, 'requestBody'), undefined, `${name}: takes no body`);
		}
		if (r.perm !== 'public') assert.ok(codes.includes('401'), `${name}: documents 401`);
		if (r.perm !== 'public' && (r.mode === 'area' || r.mode === 'read' || r.mode === 'act' || r.roles.length < 7)) {
			assert.ok(codes.includes('403'), `${name}: documents 403`);
		}
		for (const l of op.lines) {
			const m = /\$ref: "#\/components\/(\w+)\/(\w+)"/.exec(l);
			if (m) assert.match(yaml, new RegExp(`\\n {2}${m[1]}:\\n([\\s\\S]*?\\n)? {4}${m[2]}:\\n`), `${name}: $ref ${m[1]}/${m[2]} exists`);
		}
	}
});

test('the extractor reads the layout it relies on and refuses a drifted one', () => {
	const sample = 'openapi: 3.0.3\npaths:\n  /a:\n    get:\n      x-permission: public\n    post:\n      summary: x\n  /b/{id}:\n    parameters:\n      - name: id\n    delete:\n      summary: y\ncomponents: {}\n';
	const { ops } = yamlOperations(sample);
	assert.deepEqual(ops.map(key), ['GET /a', 'POST /a', 'DELETE /b/{id}']);
	assert.equal(field(ops[0], 'x-permission'), 'public');
	assert.throws(() => yamlOperations('paths:\n /a:\n   get:\n'), /unexpected line/);
	assert.deepEqual(yamlOperations('paths: {}\n').ops, []);
});

test('the server stops cleanly', async () => {
	await srv.stop();
});
