// enforce_helpers.mjs - what the enforcement and ledger API tests share: a demo data directory made
// once per test file, the real casebridge binary (CASEBRIDGE_BIN) on an ephemeral port, logins, JSON
// requests, and a clean SIGTERM stop that also checks the log: key=value lines only, and never a
// password, a token or one of the full ID numbers the test names (persons' IDs are logged masked).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';

export const BIN = process.env.CASEBRIDGE_BIN || path.resolve('build/asan/casebridge');
export const PASSWORD = 'casebridge-demo';

const dirs = [];
process.on('exit', () => {
	for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/* A new demo data directory (init --demo). */
export function demoDataDir() {
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cbenf-'));
	dirs.push(root);
	const dir = path.join(root, 'data');
	const r = spawnSync(BIN, ['init', '--demo', '--data-dir', dir], { encoding: 'utf8', timeout: 120_000 });
	assert.equal(r.status, 0, `init --demo failed: ${r.stderr}`);
	return dir;
}

const LOG_LINE = /^ts=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z level=(debug|info|warn|error) event=[a-z_]+( [a-z_]+=("[^"\n]*"|[^\s"]*))*$/;

/* Start `casebridge serve` on 127.0.0.1:0 with extra settings; resolves once it listens. */
export async function startServer({ dataDir = demoDataDir(), args = [] } = {}) {
	/* the public routes' per-IP rate limit is off unless a test sets it (all clients are 127.0.0.1) */
	const child = spawn(BIN, ['serve', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--public-rate-per-minute', '0', ...args], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stdout = '';
	let stderr = '';
	const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
	child.stderr.setEncoding('utf8');
	child.stderr.on('data', (s) => (stderr += s));
	child.stdout.setEncoding('utf8');
	const port = await new Promise((resolve, reject) => {
		const t = setTimeout(() => reject(new Error(`server did not start; stderr:\n${stderr}`)), 20_000);
		child.stdout.on('data', (s) => {
			stdout += s;
			const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
			if (m) {
				clearTimeout(t);
				resolve(Number(m[1]));
			}
		});
		exited.then(({ code }) => {
			clearTimeout(t);
			reject(new Error(`server exited with ${code}; stderr:\n${stderr}`));
		});
	});
	const secrets = new Set([PASSWORD]);
	const base = `http://127.0.0.1:${port}`;
	let stopped = false;
	const srv = {
		dataDir,
		log: () => stderr,
		/* Strings that must never appear in the log (full ID numbers, tokens). */
		secret(s) {
			secrets.add(s);
		},
		async request(method, p, { token, json, body, headers = {} } = {}) {
			const h = { ...headers };
			if (json !== undefined) {
				body = JSON.stringify(json);
				h['content-type'] = 'application/json';
			}
			if (token) h.authorization = `Bearer ${token}`;
			const res = await fetch(base + p, { method, headers: h, body });
			const text = await res.text();
			let data;
			if ((res.headers.get('content-type') || '').startsWith('application/json') && text) data = JSON.parse(text);
			return { status: res.status, json: data, text, headers: res.headers };
		},
		get: (p, token) => srv.request('GET', p, { token }),
		post: (p, json, token) => srv.request('POST', p, { json, token }),
		async login(username) {
			const r = await srv.post('/api/v1/session', { username, password: PASSWORD });
			assert.equal(r.status, 201, `login ${username}: ${r.text}`);
			secrets.add(r.json.token);
			return r.json.token;
		},
		async stop() {
			if (stopped) return;
			stopped = true;
			child.kill('SIGTERM');
			let timer;
			const res = await Promise.race([exited, new Promise((r) => (timer = setTimeout(() => r(null), 10_000)))]);
			clearTimeout(timer);
			if (!res) {
				child.kill('SIGKILL');
				assert.fail('server did not stop within 10 s');
			}
			assert.deepEqual(res, { code: 0, signal: null }, `exit after SIGTERM; stderr tail:\n${stderr.slice(-3000)}`);
			for (const s of secrets) assert.ok(!stderr.includes(s), `the log contains a secret or a full ID number (${s.slice(0, 4)}…)`);
			const bad = stderr.split('\n').filter((l) => l !== '' && !LOG_LINE.test(l));
			assert.deepEqual(bad, [], 'every log line is ts=… level=… event=… key=value');
		},
		kill() {
			if (!stopped && child.exitCode === null) child.kill('SIGKILL');
		},
	};
	return srv;
}

/* The Beijing date, days from today (YYYY-MM-DD). */
export function day(offset = 0) {
	const t = new Date(Date.now() + 8 * 3600_000 + offset * 86400_000);
	return t.toISOString().slice(0, 10);
}

/* A valid resident ID number (GB 11643) for a birth date and sequence. */
export function residentId(birth, seq = '001', area = '152529') {
	const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
	const s17 = area + birth.replaceAll('-', '') + seq;
	let sum = 0;
	for (let i = 0; i < 17; i++) sum += Number(s17[i]) * w[i];
	return s17 + '10X98765432'[sum % 11];
}

let keySeq = 0;
/* A fresh idempotency key. */
export function key(tag = 'k') {
	return `${tag}-${process.pid}-${Date.now()}-${++keySeq}`;
}
