// log.test.mjs - the verifiable log from outside: signed heads by size, consistency proofs checked
// here from RFC 9162, entries for auditors only, `casebridge monitor` following a growing log and
// refusing a forked one, and a deployment initialised with the national algorithms (SM3 + SM2).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { startServer, run, tmpDir, assertErrorShape, BIN } from './lib.mjs';

let srv;
let police;

before(async () => {
	srv = await startServer();
	police = (await srv.login('zxbq.police.handler')).token;
});
after(() => srv?.kill());

const sha = (...parts) => crypto.createHash('sha256').update(Buffer.concat(parts)).digest();
const hex = (b) => Buffer.from(b, 'hex');

// RFC 9162 section 2.1.4.2, written from the RFC.
function verifyConsistency(m, n, rootM, rootN, proof) {
	if (m === n) return proof.length === 0 && rootM.equals(rootN);
	if (proof.length === 0) return false;
	const isPow2 = (x) => (x & (x - 1n)) === 0n;
	let p = [...proof];
	if (isPow2(BigInt(m))) p = [rootM, ...p];
	let fn = BigInt(m) - 1n, sn = BigInt(n) - 1n;
	while ((fn & 1n) === 1n) { fn >>= 1n; sn >>= 1n; }
	let fr = p[0], sr = p[0];
	for (const c of p.slice(1)) {
		if (sn === 0n) return false;
		if ((fn & 1n) === 1n || fn === sn) {
			fr = sha(Buffer.from([1]), c, fr);
			sr = sha(Buffer.from([1]), c, sr);
			if ((fn & 1n) === 0n) while (!((fn & 1n) === 1n || fn === 0n)) { fn >>= 1n; sn >>= 1n; }
		} else sr = sha(Buffer.from([1]), sr, c);
		fn >>= 1n; sn >>= 1n;
	}
	return fr.equals(rootM) && sr.equals(rootN) && sn === 0n;
}

async function addEvents(k) {
	for (let i = 0; i < k; i++) {
		const r = await srv.post('/api/v1/matters', { kind: 'criminal', summary: `日志测试${i}号案件`, parties: [{ type: 'person', name: '王五', role: 'suspect' }] }, { token: police });
		assert.equal(r.status, 201, r.text);
	}
}

function monitor(state) {
	return new Promise((resolve) => {
		const c = spawn(BIN, ['monitor', srv.base, '--state', state]);
		let out = '';
		c.stdout.on('data', (d) => (out += d));
		c.stderr.on('data', (d) => (out += d));
		c.on('exit', (code) => resolve({ code, out }));
	});
}

test('heads grow; each earlier head is consistent with the latest, checked here', async () => {
	const h1 = (await srv.get('/api/v1/log/sth')).json;
	await addEvents(3);
	const h2 = (await srv.get('/api/v1/log/sth')).json;
	assert.ok(h2.tree_size > h1.tree_size);
	assert.ok(h2.timestamp > h1.timestamp, 'timestamps strictly increase');
	const old = await srv.get(`/api/v1/log/sth?size=${h1.tree_size}`);
	assert.equal(old.status, 200);
	assert.equal(old.json.root_hash, h1.root_hash, 'a stored head is served unchanged');
	const p = await srv.get(`/api/v1/log/proof/consistency?first=${h1.tree_size}&second=${h2.tree_size}`);
	assert.equal(p.status, 200, p.text);
	const proof = p.json.path.map(hex);
	assert.ok(verifyConsistency(h1.tree_size, h2.tree_size, hex(h1.root_hash), hex(h2.root_hash), proof));
	const forged = proof.map((b) => Buffer.from(b));
	forged[forged.length - 1][31] ^= 0x80;
	assert.equal(verifyConsistency(h1.tree_size, h2.tree_size, hex(h1.root_hash), hex(h2.root_hash), forged), false);
	const bad = await srv.get(`/api/v1/log/proof/consistency?first=${h2.tree_size + 5}&second=${h2.tree_size}`);
	assertErrorShape(bad, { status: 400 });
	const none = await srv.get('/api/v1/log/sth?size=3');
	assertErrorShape(none, { status: 404 });
});

test('inclusion proofs by index and by leaf hash agree', async () => {
	const head = (await srv.get('/api/v1/log/sth')).json;
	const byIndex = await srv.get(`/api/v1/log/proof/inclusion?index=5&size=${head.tree_size}`);
	assert.equal(byIndex.status, 200, byIndex.text);
	const byLeaf = await srv.get(`/api/v1/log/proof/inclusion?leaf_hash=${byIndex.json.leaf_hash}&size=${head.tree_size}`);
	assert.deepEqual(byLeaf.json, byIndex.json);
	assert.equal(byIndex.json.root_hash, head.root_hash);
	const out = await srv.get(`/api/v1/log/proof/inclusion?index=${head.tree_size}&size=${head.tree_size}`);
	assertErrorShape(out, { status: 400, field: 'index' });
});

test('entries are for auditors; their fields rebuild the leaf hash', async () => {
	const denied = await srv.get('/api/v1/log/entries?start=0&end=3', { token: police });
	assertErrorShape(denied, { status: 403 });
	const anon = await srv.get('/api/v1/log/entries?start=0&end=3');
	assertErrorShape(anon, { status: 401 });
	const auditor = (await srv.login('nmg.auditor')).token;
	const r = await srv.get('/api/v1/log/entries?start=0&end=3', { token: auditor });
	assert.equal(r.status, 200, r.text);
	assert.equal(r.json.entries.length, 4);
	const first = r.json.entries[0];
	assert.equal(first.event_type, 'system.initialized');
	assert.equal(JSON.parse(first.payload).hash_alg, 'sha256', 'the algorithm is recorded in the first event');
	const field = (s) => { const b = Buffer.from(s ?? '', 'utf8'); const l = Buffer.alloc(4); l.writeUInt32BE(b.length); return Buffer.concat([l, b]); };
	for (const e of r.json.entries) {
		const priv = sha(field(String(e.actor_user_id)), field(e.actor_unit_id), field(e.entity_type), field(e.entity_id), field(e.payload));
		assert.equal(priv.toString('hex'), e.private_hash);
		const seq = Buffer.alloc(8); seq.writeBigUInt64BE(BigInt(e.seq));
		const entry = Buffer.concat([Buffer.from('CBLOG\0\0\x01', 'latin1'), seq, field(e.at), field(e.event_type), field(e.subject), priv]);
		assert.equal(sha(Buffer.from([0]), entry).toString('hex'), e.leaf_hash, `leaf of entry ${e.index}`);
	}
});

test('monitor follows a growing log and refuses a forked one', async () => {
	const dir = tmpDir('cbmon');
	const state = path.join(dir, 'state.json');
	let r = await monitor(state);
	assert.equal(r.code, 0, r.out);
	assert.match(r.out, /^OK: tree size \d+/);
	await addEvents(2);
	r = await monitor(state);
	assert.equal(r.code, 0, r.out);
	// a forged past head (another root for the same size) must be refused
	const s = JSON.parse(fs.readFileSync(state, 'utf8'));
	s.head.root_hash = '00'.repeat(32);
	fs.writeFileSync(state, JSON.stringify(s));
	await addEvents(1);
	r = await monitor(state);
	assert.equal(r.code, 1, r.out);
	assert.match(r.out, /INCONSISTENT/);
	// a different key than the pinned one is refused
	const s2 = JSON.parse(fs.readFileSync(state, 'utf8'));
	const other = crypto.generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' });
	fs.writeFileSync(state, JSON.stringify({ ...s2, public_key: other }));
	r = await monitor(state);
	assert.equal(r.code, 1, r.out);
	assert.match(r.out, /signature/);
});

test('the server stops cleanly and the log verifies, also from an export', async () => {
	await srv.stop();
	const v = run(['verify', '--data-dir', srv.dataDir]);
	assert.equal(v.status, 0, v.stdout + v.stderr);
	const out = path.join(tmpDir('cbexp'), 'log');
	assert.equal(run(['export', '--log', out, '--data-dir', srv.dataDir]).status, 0);
	const ve = run(['verify', '--export', out]);
	assert.equal(ve.status, 0, ve.stdout + ve.stderr);
	const lines = fs.readFileSync(path.join(out, 'events.jsonl'), 'utf8').split('\n');
	lines[10] = lines[10].replace('"at":"2', '"at":"1');
	fs.writeFileSync(path.join(out, 'events.jsonl'), lines.join('\n'));
	const bad = run(['verify', '--export', out]);
	assert.equal(bad.status, 1);
	assert.match(bad.stdout, /entry 11 /);
});

test('a deployment with the national algorithms: SM3 tree, SM2 heads', async () => {
	const dir = path.join(tmpDir('cbsm'), 'data');
	const init = run(['init', '--hash-alg', 'sm3', '--data-dir', dir]);
	assert.equal(init.status, 0, init.stderr);
	assert.match(init.stdout, /log hash sm3/);
	const s = await startServer({ dataDir: dir });
	try {
		const head = (await s.get('/api/v1/log/sth')).json;
		assert.equal(head.hash_alg, 'sm3');
		assert.equal(head.sign_alg, 'sm2');
		const key = (await s.get('/api/v1/log/key')).json;
		assert.equal(key.sign_alg, 'sm2');
		await s.stop();
	} finally {
		s.kill();
	}
	const v = run(['verify', '--data-dir', dir]);
	assert.equal(v.status, 0, v.stdout + v.stderr);
	const mode = fs.statSync(path.join(dir, 'log_signing_key.pem')).mode & 0o777;
	assert.equal(mode, 0o600, 'the signing key is readable by its owner only');
});
