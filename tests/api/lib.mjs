// lib.mjs - what every API test shares: a demo data directory, the real casebridge binary started on
// an ephemeral port, HTTP helpers (fetch for ordinary requests, a raw socket for framing tests), the
// server's stderr as the log to assert on, and a clean SIGTERM stop.
//
// One server and one demo data directory per test file: `init --demo` runs once per file, and
// freshDataDir() copies the pristine directory when a test needs untouched state. Every token that
// login() issues is remembered, and stop() fails if the demo password or any issued token ever
// appeared in the log, or if a log line is not key=value.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';

export const BIN = process.env.CASEBRIDGE_BIN || path.resolve('build/asan/casebridge');
export const DEMO_PASSWORD = 'casebridge-demo';
export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
/* The newest schema migration (src/store/migrations/NNNN_name.sql): the version a new database has. */
export const LATEST_MIGRATION = Math.max(
	...fs.readdirSync(path.join(ROOT, 'src/store/migrations')).map((f) => Number.parseInt(f, 10)).filter(Number.isFinite),
);

const tmpRoots = [];
process.on('exit', () => {
	for (const d of tmpRoots) fs.rmSync(d, { recursive: true, force: true });
});

/* A new temporary directory, removed when the process exits. */
export function tmpDir(tag = 'cbapi') {
	const d = fs.mkdtempSync(path.join(os.tmpdir(), `${tag}-`));
	tmpRoots.push(d);
	return d;
}

/* Run the binary to completion: {status, stdout, stderr}. input goes to stdin. */
export function run(args, { input, env } = {}) {
	const r = spawnSync(BIN, args, {
		input: input ?? '',
		env: { ...process.env, ...env },
		encoding: 'utf8',
		timeout: 60_000,
	});
	if (r.error) throw r.error;
	return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let pristine = null;

/* The pristine demo data directory of this test file (initialised once). Do not serve it: copy it. */
export function pristineDataDir() {
	if (!pristine) {
		pristine = path.join(tmpDir('cbdemo'), 'data');
		const r = run(['init', '--demo', '--data-dir', pristine]);
		assert.equal(r.status, 0, `init --demo failed: ${r.stderr}`);
	}
	return pristine;
}

/* A fresh copy of the pristine demo directory. */
export function freshDataDir() {
	const src = pristineDataDir();
	const dst = path.join(tmpDir('cbdata'), 'data');
	fs.cpSync(src, dst, { recursive: true });
	return dst;
}

/* The route table as the binary prints it. */
export function routeTable() {
	const r = run(['routes', '--json']);
	assert.equal(r.status, 0, r.stderr);
	return JSON.parse(r.stdout);
}

const LOG_LINE = /^ts=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z level=(debug|info|warn|error) event=[a-z_]+( [a-z_]+=("[^"\n]*"|[^\s"]*))*$/;

/* The public routes' per-IP rate limit is off in test servers (every test client is 127.0.0.1 and
 * the matrix logs in hundreds of times a second); enforce_gaps.test.mjs turns it on to test it. */
export const NO_RATE_LIMIT = ['--public-rate-per-minute', '0'];

/* Start `casebridge serve` on 127.0.0.1:0. Resolves once it prints its address. */
export async function startServer({ dataDir, args = [], env = {} } = {}) {
	const dir = dataDir ?? freshDataDir();
	const child = spawn(BIN, ['serve', '--data-dir', dir, '--listen', '127.0.0.1:0', ...NO_RATE_LIMIT, ...args], {
		env: { ...process.env, ...env },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stdout = '';
	let stderr = '';
	const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
	child.stderr.setEncoding('utf8');
	child.stderr.on('data', (s) => (stderr += s));
	child.stdout.setEncoding('utf8');
	const port = await new Promise((resolve, reject) => {
		const t = setTimeout(() => reject(new Error(`server did not start in 20 s; stderr:\n${stderr}`)), 20_000);
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
			reject(new Error(`server exited with ${code} before listening; stderr:\n${stderr}`));
		});
	});
	const secrets = new Set([DEMO_PASSWORD]);
	const base = `http://127.0.0.1:${port}`;
	let stopped = false;

	const srv = {
		port,
		base,
		dataDir: dir,
		child,
		/* Everything the server wrote to stderr so far. */
		log: () => stderr,
		logOffset: () => stderr.length,
		/* Strings that must never be logged (passwords, tokens). */
		secret(s) {
			secrets.add(s);
		},

		/* An HTTP request. opts: token (Bearer), cookie, json (object -> JSON body), body (raw), headers.
		 * Returns {status, headers, text, json (parsed when JSON), requestId}. */
		async request(method, p, opts = {}) {
			const headers = { ...(opts.headers || {}) };
			let body = opts.body;
			if (opts.json !== undefined) {
				body = JSON.stringify(opts.json);
				headers['content-type'] ??= 'application/json';
			}
			if (opts.token) headers.authorization = `Bearer ${opts.token}`;
			if (opts.cookie) headers.cookie = opts.cookie;
			let res;
			try {
				res = await fetch(base + p, { method, headers, body, redirect: 'manual' });
			} catch (e) {
				const c = e.cause;
				throw new Error(`${method} ${p}: ${e.message}: ${c?.code ?? ''} ${c?.message ?? c ?? ''}; server exit ${child.exitCode ?? '-'} ${child.signalCode ?? ''}`);
			}
			const text = await res.text();
			let json;
			if ((res.headers.get('content-type') || '').startsWith('application/json') && text) json = JSON.parse(text);
			return { status: res.status, headers: res.headers, text, json, requestId: res.headers.get('x-request-id') };
		},
		get: (p, opts) => srv.request('GET', p, opts),
		post: (p, json, opts = {}) => srv.request('POST', p, { ...opts, json }),

		/* Log in; returns {token, cookie, user, res}. Fails the test unless 201. */
		async login(username, password = DEMO_PASSWORD) {
			secrets.add(password);
			const res = await srv.post('/api/v1/session', { username, password });
			assert.equal(res.status, 201, `login ${username}: ${res.status} ${res.text}`);
			secrets.add(res.json.token);
			const sc = res.headers.get('set-cookie') || '';
			return { token: res.json.token, cookie: sc.split(';')[0], user: res.json.user, res };
		},
		/* A login attempt that may fail: the raw response. */
		async tryLogin(username, password) {
			secrets.add(password);
			const res = await srv.post('/api/v1/session', { username, password });
			if (res.json?.token) secrets.add(res.json.token);
			return res;
		},

		/* The event count /healthz reports. */
		async events() {
			const r = await srv.get('/healthz');
			assert.equal(r.status, 200, r.text);
			return r.json.events;
		},

		/* Wait until the log, from offset on, has a line matching re; returns the line. */
		async waitForLog(re, from = 0, timeoutMs = 3000) {
			const end = Date.now() + timeoutMs;
			for (;;) {
				const line = stderr.slice(from).split('\n').find((l) => re.test(l));
				if (line) return line;
				if (Date.now() > end) throw new Error(`no log line matching ${re} after offset ${from}; log tail:\n${stderr.slice(from).slice(-2000)}`);
				await new Promise((r) => setTimeout(r, 20));
			}
		},

		/* SIGTERM; the server must exit 0 within 10 s (ASan checks leaks at exit), its log must be
		 * key=value lines only and hold none of the secrets. */
		async stop() {
			if (stopped) return;
			stopped = true;
			child.kill('SIGTERM');
			const t0 = Date.now();
			let timer;
			const res = await Promise.race([exited, new Promise((r) => (timer = setTimeout(() => r(null), 10_000)))]);
			clearTimeout(timer);
			if (!res) {
				child.kill('SIGKILL');
				assert.fail(`server did not exit within 10 s of SIGTERM; stderr tail:\n${stderr.slice(-2000)}`);
			}
			assert.deepEqual(res, { code: 0, signal: null }, `server exit after SIGTERM; stderr tail:\n${stderr.slice(-3000)}`);
			assert.ok(Date.now() - t0 < 10_000);
			assertLogClean(stderr, secrets);
		},
		/* For after(): stop without assertions if a test failed before the stop test ran. */
		kill() {
			if (!stopped && child.exitCode === null) child.kill('SIGKILL');
		},
	};
	return srv;
}

/* The log is key=value lines and contains no secret. */
export function assertLogClean(log, secrets) {
	for (const s of secrets) {
		if (s && log.includes(s)) assert.fail(`the server log contains a secret (${s.length} chars, starts ${s.slice(0, 4)}…)`);
	}
	const bad = log.split('\n').filter((l) => l !== '' && !LOG_LINE.test(l));
	assert.deepEqual(bad, [], 'every log line is ts=… level=… event=… key=value');
}

/* Send raw bytes (a string, a Buffer, or an array of them written with small pauses) and collect
 * what comes back until the server closes or timeoutMs passes. Returns {status, headers, body, raw,
 * closed}; status is 0 when no response line arrived. */
export function rawHttp(port, chunks, { timeoutMs = 5000, pauseMs = 5 } = {}) {
	return new Promise((resolve) => {
		const sock = net.connect(port, '127.0.0.1');
		const got = [];
		let done = false;
		let timer;
		const finish = (closed) => {
			if (done) return;
			done = true;
			clearTimeout(timer);
			sock.destroy();
			const raw = Buffer.concat(got).toString('latin1');
			const m = /^HTTP\/1\.[01] (\d{3})/.exec(raw);
			const headEnd = raw.indexOf('\r\n\r\n');
			const headers = {};
			for (const l of raw.slice(0, headEnd < 0 ? raw.length : headEnd).split('\r\n').slice(1)) {
				const i = l.indexOf(':');
				if (i > 0) headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
			}
			const body = headEnd < 0 ? '' : Buffer.from(raw.slice(headEnd + 4), 'latin1').toString('utf8');
			resolve({ status: m ? Number(m[1]) : 0, headers, body, raw, closed });
		};
		sock.on('data', (d) => {
			got.push(d);
			// Stop reading once a whole response with a Content-Length body has arrived.
			const raw = Buffer.concat(got).toString('latin1');
			const he = raw.indexOf('\r\n\r\n');
			const cl = /\r\ncontent-length: *(\d+)/i.exec(raw.slice(0, he + 2));
			if (he >= 0 && cl && Buffer.byteLength(raw.slice(he + 4), 'latin1') >= Number(cl[1])) finish(false);
		});
		sock.on('error', () => finish(true));
		sock.on('close', () => finish(true));
		timer = setTimeout(() => finish(false), timeoutMs);
		sock.on('connect', async () => {
			const list = Array.isArray(chunks) ? chunks : [chunks];
			for (const c of list) {
				if (done || sock.destroyed) return;
				sock.write(c);
				if (list.length > 1) await new Promise((r) => setTimeout(r, pauseMs));
			}
		});
	});
}

/* The error body is exactly {"error":{code,message,field,request_id}} and request_id is the header. */
export function assertErrorShape(res, { status, code, field } = {}) {
	if (status !== undefined) assert.equal(res.status, status, `status of ${res.text}`);
	assert.match(res.headers.get ? res.headers.get('content-type') : res.headers['content-type'], /^application\/json/);
	const j = typeof res.json === 'object' && res.json ? res.json : JSON.parse(res.body ?? res.text);
	assert.deepEqual(Object.keys(j), ['error'], 'an error body holds the error object only');
	assert.deepEqual(Object.keys(j.error).sort(), ['code', 'field', 'message', 'request_id']);
	assert.equal(typeof j.error.code, 'string');
	assert.ok(typeof j.error.message === 'string' && j.error.message.length > 0, 'a message says what was wrong');
	assert.ok(j.error.field === null || typeof j.error.field === 'string');
	const rid = res.headers.get ? res.headers.get('x-request-id') : res.headers['x-request-id'];
	assert.match(rid, /^[0-9a-f]{16}$/);
	assert.equal(j.error.request_id, rid, 'request_id is the X-Request-Id header');
	if (code !== undefined) assert.equal(j.error.code, code);
	if (field !== undefined) assert.equal(j.error.field, field);
	return j.error;
}
