// cli.test.mjs - the casebridge command: --help everywhere, init (and its refusal to touch an
// initialised directory), migrate, demo-logins, routes, user add|passwd|disable|enable with the
// password on standard input, and settings precedence as the running server sees it (config file <
// environment < flag). User changes are made while a server runs on the same data directory and
// checked through its API: the CLI and the server share the database. (A session the server has just
// resolved is remembered for at most a second; these sessions are fresh, and test_auth checks the bound.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { run, startServer, freshDataDir, tmpDir, rawHttp, assertErrorShape, DEMO_PASSWORD, LATEST_MIGRATION } from './lib.mjs';

const COMMANDS = ['serve', 'init', 'migrate', 'user', 'demo-logins', 'routes'];
let srv;
before(async () => {
	srv = await startServer();
});
after(() => srv?.kill());

/* Events in a data directory, read with the sqlite3 command. */
function eventCount(dir) {
	const r = spawnSync('sqlite3', [path.join(dir, 'casebridge.db'), 'SELECT count(*) FROM events'], { encoding: 'utf8' });
	assert.equal(r.status, 0, `sqlite3: ${r.stderr}`);
	return Number(r.stdout.trim());
}

test('casebridge --help lists every command; no command is a usage error', () => {
	const r = run(['--help']);
	assert.equal(r.status, 0);
	for (const c of COMMANDS) assert.match(r.stdout, new RegExp(`^  ${c} +\\S`, 'm'), `--help lists ${c}`);
	const none = run([]);
	assert.equal(none.status, 2);
	assert.match(none.stderr, /usage: casebridge COMMAND/);
	const bad = run(['frobnicate']);
	assert.equal(bad.status, 2);
	assert.match(bad.stderr, /unknown command 'frobnicate'/);
});

test('casebridge COMMAND --help prints the usage of each command and changes nothing', () => {
	const dir = path.join(tmpDir('cbhelp'), 'data');
	for (const c of COMMANDS) {
		const args = c === 'user' ? ['user', '--help'] : [c, '--help', '--data-dir', dir];
		const r = run(args);
		assert.equal(r.status, 0, `${c} --help: ${r.stderr}`);
		assert.match(r.stdout, /usage:/, `${c} --help`);
		assert.ok(r.stdout.includes(`casebridge ${c}`), `${c} --help names the command`);
	}
	assert.ok(!fs.existsSync(dir), '--help created nothing');
	const serve = run(['serve', '--help']);
	for (const s of ['--data-dir', '--listen', '--max-json-bytes', '--max-header-bytes', 'CASEBRIDGE_']) assert.ok(serve.stdout.includes(s), `serve --help mentions ${s}`);
	assert.match(run(['user', 'add', '--help']).stdout, /standard input/);
});

test('init creates a directory with 116 areas and 580 units; init again refuses and changes nothing', () => {
	const dir = path.join(tmpDir('cbinit'), 'data');
	const r = run(['init', '--data-dir', dir]);
	assert.equal(r.status, 0, r.stderr);
	assert.match(r.stdout, /116 areas, 580 units, (\d+) events/);
	const n = eventCount(dir);
	assert.equal(n, 1 + 116 + 580 + 1, 'one event per area and unit, the initialisation and the holiday calendar import');
	const before = fs.readFileSync(path.join(dir, 'casebridge.db'));
	for (const args of [['init', '--data-dir', dir], ['init', '--demo', '--data-dir', dir]]) {
		const again = run(args);
		assert.equal(again.status, 1);
		assert.match(again.stderr, /already initialised/);
		assert.match(again.stderr, new RegExp(dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
	}
	assert.equal(eventCount(dir), n);
	assert.ok(fs.readFileSync(path.join(dir, 'casebridge.db')).equals(before), 'the database file is untouched');
	// Not a demo database: demo-logins refuses.
	const demo = run(['demo-logins', '--data-dir', dir]);
	assert.equal(demo.status, 1);
	assert.match(demo.stderr, /init --demo/);
	assert.equal(run(['init', '--bogus', '--data-dir', dir]).status, 2);
	assert.equal(run(['init', '--hash-alg', 'md5', '--data-dir', path.join(dir, 'x')]).status, 2);
});

test('migrate prints the schema version', () => {
	const r = run(['migrate', '--data-dir', freshDataDir()]);
	assert.equal(r.status, 0, r.stderr);
	assert.equal(r.stdout.trim(), `schema version ${LATEST_MIGRATION}`);
	assert.equal(run(['migrate', 'extra', '--data-dir', freshDataDir()]).status, 2);
});

test('demo-logins lists the demo users and their password', () => {
	const r = run(['demo-logins', '--data-dir', srv.dataDir]);
	assert.equal(r.status, 0, r.stderr);
	for (const u of ['xlgl.committee', 'zxbq.police.handler', 'hhht.court.reviewer', 'nmg.admin', 'nmg.auditor']) assert.match(r.stdout, new RegExp(`^  ${u.replace(/\./g, '\\.')} `, 'm'));
	assert.ok(r.stdout.includes(DEMO_PASSWORD));
});

test('routes --json prints the route table the server serves', () => {
	const r = run(['routes', '--json']);
	assert.equal(r.status, 0);
	const table = JSON.parse(r.stdout);
	assert.ok(table.length >= 10);
	for (const x of table) {
		assert.deepEqual(Object.keys(x).sort(), ['body', 'method', 'mode', 'path', 'perm', 'roles', 'summary']);
		assert.match(x.method, /^(GET|POST|PUT|PATCH|DELETE)$/);
		assert.match(x.path, /^\//);
	}
	const text = run(['routes']);
	assert.equal(text.status, 0);
	assert.equal(text.stdout.trim().split('\n').length, table.length);
	assert.equal(run(['routes', '--nope']).status, 2);
});

test('user add reads the password from standard input; the user logs in to the running server', async () => {
	const pw = 'a password from stdin';
	srv.secret(pw);
	const r = run(['user', 'add', '--data-dir', srv.dataDir, '--username', 'cli.handler', '--name', '命令行用户', '--unit', '152529.court', '--roles', 'handler,reviewer'], { input: `${pw}\n` });
	assert.equal(r.status, 0, r.stderr);
	assert.match(r.stdout, /^user cli\.handler added \(id \d+\)$/m);
	assert.ok(!r.stdout.includes(pw) && !r.stderr.includes(pw));
	const { token } = await srv.login('cli.handler', pw);
	const me = await srv.get('/api/v1/me', { token });
	assert.deepEqual(me.json.roles, ['handler', 'reviewer']);
	assert.equal(me.json.unit.id, '152529.court');
});

test('user add refuses a short password, a duplicate, missing flags and no password', () => {
	const base = ['user', 'add', '--data-dir', srv.dataDir, '--name', '某人', '--unit', '152529.court', '--roles', 'clerk'];
	const short = run([...base, '--username', 'cli.short'], { input: 'short\n' });
	assert.equal(short.status, 1);
	assert.match(short.stderr, /12/);
	const dup = run([...base, '--username', 'cli.handler'], { input: 'a password from stdin\n' });
	assert.equal(dup.status, 1);
	assert.match(dup.stderr, /cli\.handler/);
	const noRoles = run(['user', 'add', '--data-dir', srv.dataDir, '--username', 'cli.x', '--name', '某人', '--unit', '152529.court'], { input: 'a password from stdin\n' });
	assert.equal(noRoles.status, 2);
	const noPw = run([...base, '--username', 'cli.nopw'], { input: '' });
	assert.equal(noPw.status, 2);
	assert.match(noPw.stderr, /standard input/);
	const badUnit = run(['user', 'add', '--data-dir', srv.dataDir, '--username', 'cli.y', '--name', '某人', '--unit', '999999.court', '--roles', 'clerk'], { input: 'a password from stdin\n' });
	assert.equal(badUnit.status, 1);
	assert.match(badUnit.stderr, /unit_id/);
	assert.equal(run(['user', 'frob', '--data-dir', srv.dataDir, '--username', 'cli.handler']).status, 2);
	assert.equal(run(['user', 'add', '--data-dir', srv.dataDir]).status, 2);
});

test('user passwd sets a new password and ends the user\'s sessions on the running server', async () => {
	const old = await srv.login('cli.handler', 'a password from stdin');
	const pw = 'the second password';
	srv.secret(pw);
	const r = run(['user', 'passwd', '--data-dir', srv.dataDir, '--username', 'cli.handler'], { input: `${pw}\n` });
	assert.equal(r.status, 0, r.stderr);
	assertErrorShape(await srv.get('/api/v1/me', { token: old.token }), { status: 401 });
	assertErrorShape(await srv.tryLogin('cli.handler', 'a password from stdin'), { status: 401 });
	await srv.login('cli.handler', pw);
	const short = run(['user', 'passwd', '--data-dir', srv.dataDir, '--username', 'cli.handler'], { input: 'short\n' });
	assert.equal(short.status, 1);
	const missing = run(['user', 'passwd', '--data-dir', srv.dataDir, '--username', 'no.such.user'], { input: `${pw}\n` });
	assert.equal(missing.status, 1);
});

test('user disable ends sessions and refuses login; enable lets the user back in', async () => {
	const pw = 'the second password';
	const s = await srv.login('cli.handler', pw);
	const r = run(['user', 'disable', '--data-dir', srv.dataDir, '--username', 'cli.handler']);
	assert.equal(r.status, 0, r.stderr);
	assert.match(r.stdout, /disabled/);
	assertErrorShape(await srv.get('/api/v1/me', { token: s.token }), { status: 401 });
	assertErrorShape(await srv.tryLogin('cli.handler', pw), { status: 401 });
	assert.equal(run(['user', 'enable', '--data-dir', srv.dataDir, '--username', 'cli.handler']).status, 0);
	await srv.login('cli.handler', pw);
});

test('serve refuses an uninitialised directory and an invalid setting', () => {
	const empty = path.join(tmpDir('cbempty'), 'data');
	const r = run(['serve', '--data-dir', empty, '--listen', '127.0.0.1:0']);
	assert.equal(r.status, 1);
	assert.match(r.stderr, /not initialised.*casebridge init/);
	const bad = run(['serve', '--data-dir', freshDataDir(), '--listen', '127.0.0.1:0'], { env: { CASEBRIDGE_THREADS: 'many' } });
	assert.equal(bad.status, 2);
	assert.match(bad.stderr, /CASEBRIDGE_THREADS/);
	const sync = run(['serve', '--data-dir', freshDataDir(), '--listen', '127.0.0.1:0'], { env: { CASEBRIDGE_SYNCHRONOUS: 'sometimes' } });
	assert.equal(sync.status, 2);
	assert.match(sync.stderr, /synchronous=sometimes: use full or normal/);
	assert.match(bad.stderr, /whole number/);
	const flag = run(['serve', '--data-dir', freshDataDir(), '--listen', '127.0.0.1:0', '--max-json-bytes', '5']);
	assert.equal(flag.status, 2);
	assert.match(flag.stderr, /max-json-bytes/);
	const unknown = run(['serve', '--data-dir', freshDataDir(), '--frobnicate']);
	assert.equal(unknown.status, 2);
});

/* The JSON limit the server enforces: 413 or not for a body of n bytes. */
async function limitOf(s, n) {
	const json = JSON.stringify({ username: 'nobody.here', password: 'not the password' });
	const body = json.slice(0, -1) + ' '.repeat(n - Buffer.byteLength(json)) + '}';
	const r = await rawHttp(s.port, `POST /api/v1/session HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${n}\r\n\r\n${body}`);
	return r.status;
}

test('the running server takes settings from the config file, then the environment, then flags', async () => {
	const dir = freshDataDir();
	fs.writeFileSync(path.join(dir, 'casebridge.conf'), '# test\nmax-json-bytes = 1024\nlisten = 127.0.0.1:1\n');
	// file only (its listen is overridden by the flag startServer passes)
	let s = await startServer({ dataDir: dir });
	assert.deepEqual([await limitOf(s, 1024), await limitOf(s, 1100)], [401, 413]);
	await s.stop();
	// environment over file
	s = await startServer({ dataDir: dir, env: { CASEBRIDGE_MAX_JSON_BYTES: '2048' } });
	assert.deepEqual([await limitOf(s, 1100), await limitOf(s, 2100)], [401, 413]);
	await s.stop();
	// flag over environment and file
	s = await startServer({ dataDir: dir, env: { CASEBRIDGE_MAX_JSON_BYTES: '2048', CASEBRIDGE_LISTEN: '127.0.0.1:1' }, args: ['--max-json-bytes', '4096'] });
	assert.deepEqual([await limitOf(s, 2100), await limitOf(s, 4200)], [401, 413]);
	await s.stop();
});

test('the CLI left no secret in the server log; SIGTERM stops the server cleanly', async () => {
	await srv.stop();
});
