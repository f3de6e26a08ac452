// enforce_openapi.test.mjs - the enforcement and ledger routes of the route table (`casebridge routes
// --json`) are exactly the ones docs/openapi.yaml documents under those paths, each with its
// permission, `security: []` when public, a JSON request body when the route takes one, a success
// response and the errors it can give, and every $ref resolves. The document keeps a fixed layout
// (two-space paths, four-space methods, six-space fields), read here without a YAML library.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { BIN } from './enforce_helpers.mjs';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const MINE = /^\/api\/v1\/(assistance-|control-orders|debtor-list|query-log|person-lookups|enforcement\/|ledger\/)/;

function operations(text) {
	const ops = [];
	let inPaths = false;
	let current = null;
	let op = null;
	for (const line of text.split('\n')) {
		if (/^paths:\s*$/.test(line)) {
			inPaths = true;
			continue;
		}
		if (!inPaths || /^\s*(#.*)?$/.test(line)) continue;
		if (/^\S/.test(line)) break;
		let m;
		if ((m = /^ {2}(\/\S*):\s*$/.exec(line))) {
			current = m[1];
			op = null;
		} else if ((m = /^ {4}(get|put|post|delete|patch):\s*$/.exec(line))) {
			op = { key: `${m[1].toUpperCase()} ${current}`, path: current, lines: [] };
			ops.push(op);
		} else if (/^ {4}\S/.test(line)) {
			op = null;
		} else if (/^ {0,3}\S/.test(line)) {
			throw new Error(`unexpected line under paths: ${JSON.stringify(line)}`);
		} else if (op) {
			op.lines.push(line);
		}
	}
	return ops;
}

const field = (op, name) => {
	for (const l of op.lines) {
		const m = new RegExp(`^ {6}${name}:\\s*(.*)$`).exec(l);
		if (m) return m[1].trim();
	}
	return undefined;
};

test('the enforcement and ledger routes are documented exactly, with permissions, bodies and errors', () => {
	const yaml = fs.readFileSync(path.join(ROOT, 'docs/openapi.yaml'), 'utf8');
	const r = spawnSync(BIN, ['routes', '--json'], { encoding: 'utf8' });
	assert.equal(r.status, 0, r.stderr);
	const routes = JSON.parse(r.stdout).filter((x) => MINE.test(x.path));
	const ops = operations(yaml).filter((o) => MINE.test(o.path));
	assert.ok(routes.length >= 40);
	const inTable = routes.map((x) => `${x.method} ${x.path}`).sort();
	const inDoc = ops.map((o) => o.key).sort();
	assert.deepEqual(inDoc, inTable);
	const ids = new Set();
	for (const rt of routes) {
		const op = ops.find((o) => o.key === `${rt.method} ${rt.path}`);
		const name = op.key;
		assert.equal(field(op, 'x-permission'), rt.perm, `${name}: x-permission`);
		assert.equal(field(op, 'security') === '[]', rt.perm === 'public', `${name}: security`);
		const id = field(op, 'operationId');
		assert.match(id, /^[a-z][A-Za-z]+$/);
		assert.ok(!ids.has(id), `${name}: operationId unique`);
		ids.add(id);
		const codes = op.lines.map((l) => /^ {8}"(\d{3})":/.exec(l)?.[1]).filter(Boolean);
		assert.ok(codes.some((c) => c.startsWith('2')), `${name}: success response`);
		if (rt.body === 'json') {
			assert.equal(field(op, 'requestBody'), '', `${name}: requestBody`);
			assert.ok(op.lines.some((l) => /^ {10}application\/json:/.test(l)), `${name}: JSON body`);
			for (const c of ['400', '413', '415']) assert.ok(codes.includes(c), `${name}: ${c}`);
		} else if (rt.body === 'file') {
			assert.equal(field(op, 'requestBody'), '', `${name}: requestBody`);
			assert.ok(op.lines.some((l) => /^ {10}application\/octet-stream:/.test(l)), `${name}: a file body`);
			assert.ok(codes.includes('413'), `${name}: 413`);
		} else {
			assert.equal(field(op, 'requestBody'), undefined, `${name}: no body`);
		}
		if (rt.perm === 'public') assert.ok(codes.includes('429'), `${name}: 429 (the per-IP rate limit of public routes)`);
		if (rt.perm !== 'public') {
			assert.ok(codes.includes('401'), `${name}: 401`);
			assert.ok(codes.includes('403'), `${name}: 403`);
		}
		for (const l of op.lines) {
			const m = /\$ref: "#\/components\/(\w+)\/(\w+)"/.exec(l);
			if (m) assert.match(yaml, new RegExp(`\\n {2}${m[1]}:\\n([\\s\\S]*?\\n)? {4}${m[2]}:\\n`), `${name}: $ref ${m[2]}`);
		}
	}
	for (const l of yaml.split('\n')) assert.ok(!/\t/.test(l), 'no tabs');
});
