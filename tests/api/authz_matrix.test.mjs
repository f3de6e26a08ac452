// authz_matrix.test.mjs - the authorization matrix, generated from the route table
// (`casebridge routes --json`). Every route is tried as five principals:
//
//   right      a user holding one of the route's roles, in the unit whose jurisdiction holds the object
//   wrongRole  a user of that same unit holding none of the route's roles
//   sameArea   a user of another unit of the same area, holding one of the route's roles
//   other      a user of another jurisdiction (an area neither above nor below), holding the role
//   anonymous  no session
//
// and the expected outcome follows from the route's permission and mode alone:
//
//   principal  | public | role | area            | read                  | act
//   right      | ok     | ok   | ok              | ok                    | ok
//   wrongRole  | ok     | 403  | 403             | 403                   | 403
//   sameArea   | ok     | ok   | ok              | fixture.sameAreaReads | 403
//   other      | ok     | ok   | 403 (or a list  | 403 (or 404: hidden)  | 403
//              |        |      | filtered to it) |                       |
//
// A search (fixture.visible) answers 200 to everyone with the role, and only the right user (and
// sameArea when sameAreaReads) finds the right user's object in it.
//   anonymous  | ok     | 401  | 401             | 401                   | 401
//
// Every denial must carry nothing but the error object, write nothing, and be logged as an
// access_denied line. The fixtures below only say who the principals are and how to build a request
// for an object in the right user's jurisdiction; the test checks that the named users really are
// what their category says (roles, unit, area). A route without a fixture FAILS: a new route is
// covered the day it is added, or the developer is told to add its fixture.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, routeTable, assertErrorShape, DEMO_PASSWORD } from './lib.mjs';

const ALL_ROLES = ['admin', 'clerk', 'handler', 'reviewer', 'fund_officer', 'supervisor', 'auditor'];
const CATEGORIES = ['right', 'wrongRole', 'sameArea', 'other', 'anonymous'];

let seq = 0;
const next = () => ++seq;

/* Principals for routes any signed-in user may call. */
const anyUser = { right: 'zxbq.court.clerk', wrongRole: null, sameArea: 'zxbq.police.clerk', other: 'hhht.police.clerk' };
/* Principals for administration of 正镶白旗 (152529). zxbq.police.admin is created in before(). */
const admins = { right: 'zxbq.admin', wrongRole: 'zxbq.committee', sameArea: 'zxbq.police.admin', other: 'hhht.admin' };
/* Case-flow principals: objects are held by 正镶白旗's police or procuratorate. zxbq.police.admin,
 * zxbq.procuratorate.admin, zxbq.traffic.handler (a police sub-unit) and the auditors are created in
 * before(). A sub-unit acts for its parent unit's matters, so sameArea for "act" routes is another organ. */
const police = { right: 'zxbq.police.handler', wrongRole: 'zxbq.police.admin', sameArea: 'zxbq.procuratorate.handler', other: 'hmq.police.handler' };
const policeReviewers = { right: 'zxbq.police.reviewer', wrongRole: 'zxbq.police.handler', sameArea: 'zxbq.procuratorate.reviewer', other: 'hmq.police.reviewer' };
const procuratorate = { right: 'zxbq.procuratorate.handler', wrongRole: 'zxbq.procuratorate.admin', sameArea: 'zxbq.police.handler', other: 'hmq.procuratorate.handler' };
const procuratorateReviewers = { right: 'zxbq.procuratorate.reviewer', wrongRole: 'zxbq.procuratorate.handler', sameArea: 'zxbq.police.reviewer', other: 'hmq.procuratorate.reviewer' };
const supervisors = { right: 'zxbq.committee', wrongRole: 'zxbq.admin', sameArea: 'zxbq.police.reviewer', other: 'hhht.committee' };
/* Enforcement principals: objects are enforcement matters of 正镶白旗's court and the funds it keeps.
 * zxbq.court.admin and zxbq.procuratorate.fund (a fund officer of another organ) are created in before(). */
const courtEnforcers = { right: 'zxbq.court.handler', wrongRole: 'zxbq.court.clerk', sameArea: 'zxbq.police.handler', other: 'hmq.court.handler' };
const courtReaders = { right: 'zxbq.court.handler', wrongRole: 'zxbq.court.admin', sameArea: 'zxbq.procuratorate.handler', other: 'hmq.court.handler', sameAreaReads: false };
const fundReaders = { ...courtReaders, right: 'zxbq.court.fund' };
const fundOfficers = { right: 'zxbq.court.fund', wrongRole: 'zxbq.court.handler', sameArea: 'zxbq.procuratorate.fund', other: 'hmq.court.fund' };
const fundApprovers = { right: 'zxbq.court.reviewer', wrongRole: 'zxbq.court.fund', sameArea: 'zxbq.police.reviewer', other: 'hmq.court.reviewer' };
/* The police unit a request is sent to answers it. */
const policeAnswer = { right: 'zxbq.police.handler', wrongRole: 'zxbq.police.reviewer', sameArea: 'zxbq.court.handler', other: 'hmq.police.handler' };

/* Objects for the case-flow fixtures, built in before(): pools.NAME is a list, one entry per attempt. */
const pools = {};
const take = (name) => {
	const v = pools[name]?.shift();
	if (v === undefined) throw new Error(`pool ${name} is empty: build more objects in before()`);
	return v;
};
const criminalMatter = (summary) => ({ kind: 'criminal', summary, parties: [{ type: 'person', name: '矩阵', role: 'suspect' }] });
/* A valid resident ID number (GB 11643) of 正镶白旗, born 1980, with a sequence number. */
const residentId = (seq) => {
	const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
	const s17 = `15252919800101${String(seq % 1000).padStart(3, '0')}`;
	let sum = 0;
	for (let i = 0; i < 17; i++) sum += Number(s17[i]) * w[i];
	return s17 + '10X98765432'[sum % 11];
};
const enforcementMatter = (summary) => ({
	kind: 'enforcement',
	summary,
	parties: [
		{ type: 'person', name: '矩阵申请人', role: 'creditor', id_type: 'resident_id', id_number: residentId(next()) },
		{ type: 'person', name: '矩阵被执行人', role: 'debtor', id_type: 'resident_id', id_number: residentId(next()) },
	],
});
const listingBody = {
	ground: 'refuses_despite_ability', conduct: '矩阵测试：有履行能力而拒不履行', obligation: '矩阵测试：偿还借款',
	source_doc_number: '（2025）内2529民初1号', source_doc_issuer: '正镶白旗人民法院',
};
const disbursement = () => ({
	idempotency_key: `matrix-disb-${next()}-${Date.now()}`, matter_id: pools.enf.id, kind: 'creditor', amount: 100,
	payee_name: '矩阵申请人', payee_account: '6228480012345678901', payee_bank: '农业银行正镶白旗支行',
});

// One fixture per "METHOD /path" of the route table. Fields:
//   right, wrongRole, sameArea, other   demo usernames (wrongRole: null only when every role holds
//                                       the permission, or the route is public)
//   request()                           {method, path, json?} for an object in right's jurisdiction;
//                                       called once per principal, so make names unique with next()
//   ok                                  the success status
//   fresh                               log in anew for each call (the request ends the session)
//   list                                for an area route that filters instead of refusing: returns
//                                       the unit ids of the items in a response
//   sameAreaReads                       read mode only: whether another unit of the area sees it
const FIXTURES = {
	'GET /healthz': { ...anyUser, request: () => ({ method: 'GET', path: '/healthz' }), ok: 200 },
	'GET /api/v1/openapi.yaml': { ...anyUser, request: () => ({ method: 'GET', path: '/api/v1/openapi.yaml' }), ok: 200 },
	'POST /api/v1/session': {
		...anyUser,
		request: () => ({ method: 'POST', path: '/api/v1/session', json: { username: 'zxbq.court.reviewer', password: DEMO_PASSWORD } }),
		ok: 201,
	},
	'DELETE /api/v1/session': { ...anyUser, request: () => ({ method: 'DELETE', path: '/api/v1/session' }), ok: 204, fresh: true },
	'GET /api/v1/me': { ...anyUser, request: () => ({ method: 'GET', path: '/api/v1/me' }), ok: 200 },
	'GET /api/v1/areas': { ...anyUser, request: () => ({ method: 'GET', path: '/api/v1/areas' }), ok: 200 },
	'GET /api/v1/units': { ...anyUser, request: () => ({ method: 'GET', path: '/api/v1/units?area=152529' }), ok: 200 },
	'POST /api/v1/units': {
		...admins,
		request: () => ({ method: 'POST', path: '/api/v1/units', json: { parent_id: '152529.court', suffix: `m${next()}`, name: '矩阵测试部门' } }),
		ok: 201,
	},
	'GET /api/v1/users': {
		...admins,
		request: () => ({ method: 'GET', path: '/api/v1/users' }),
		ok: 200,
		list: (json) => json.users.map((u) => u.unit_id),
	},
	'POST /api/v1/users': {
		...admins,
		request: () => ({
			method: 'POST',
			path: '/api/v1/users',
			json: { username: `zxbq.matrix${next()}`, display_name: '矩阵测试', unit_id: '152529.court', roles: ['clerk'], password: 'matrix test password' },
		}),
		ok: 201,
	},
	// ---- the case flow (objects come from pools built in before(): one fresh object per attempt) ----
	'GET /api/v1/calendar/due': { ...anyUser, request: () => ({ method: 'GET', path: '/api/v1/calendar/due?start=2024-09-27&days=7' }), ok: 200 },
	'GET /api/v1/calendar/holidays': { ...anyUser, request: () => ({ method: 'GET', path: '/api/v1/calendar/holidays' }), ok: 200 },
	'POST /api/v1/calendar/holidays': {
		...admins,
		request: () => ({ method: 'POST', path: '/api/v1/calendar/holidays', json: { csv: 'date,kind,name,source\n2027-01-01,holiday,元旦,矩阵测试\n' } }),
		ok: 200,
	},
	'POST /api/v1/matters': {
		right: 'zxbq.police.handler', wrongRole: 'zxbq.police.reviewer', sameArea: 'zxbq.traffic.handler', other: 'hmq.police.handler',
		request: () => ({ method: 'POST', path: '/api/v1/matters', json: criminalMatter(`矩阵测试立案${next()}`) }),
		ok: 201,
	},
	'GET /api/v1/matters': {
		...police, sameAreaReads: false,
		request: () => ({ method: 'GET', path: '/api/v1/matters?status=open&per_page=100&order=urgency' }),
		ok: 200,
		visible: (json) => json.matters.some((m) => m.id === pools.visible),
	},
	'GET /api/v1/matters/{id}': { ...police, sameAreaReads: false, request: () => ({ method: 'GET', path: `/api/v1/matters/${pools.visible}` }), ok: 200 },
	'GET /api/v1/matters/{id}/history': { ...police, sameAreaReads: false, request: () => ({ method: 'GET', path: `/api/v1/matters/${pools.visible}/history` }), ok: 200 },
	'POST /api/v1/matters/{id}/actions': {
		...police,
		request: () => ({ method: 'POST', path: `/api/v1/matters/${take('act')}/actions`, json: { action: 'transfer_for_prosecution' } }),
		ok: 200,
	},
	'POST /api/v1/matters/{id}/tags': {
		...policeReviewers,
		request: () => ({ method: 'POST', path: `/api/v1/matters/${pools.visible}/tags`, json: { tag: 'enterprise_related', on: true } }),
		ok: 200,
	},
	'POST /api/v1/matters/{id}/suspend': {
		...policeReviewers,
		request: () => ({ method: 'POST', path: `/api/v1/matters/${take('suspend')}/suspend`, json: { reason: '矩阵测试中止', basis: '刑事诉讼法第206条' } }),
		ok: 200,
	},
	'POST /api/v1/matters/{id}/resume': {
		...policeReviewers,
		request: () => ({ method: 'POST', path: `/api/v1/matters/${take('resume')}/resume` }),
		ok: 200,
	},
	'POST /api/v1/matters/{id}/files': {
		...police,
		request: () => ({ method: 'POST', path: `/api/v1/matters/${pools.visible}/files?name=m.txt`, body: `矩阵测试卷宗 ${next()} ${Date.now()}\n` }),
		ok: 201,
	},
	'GET /api/v1/matters/{id}/files/{sha256}': {
		...police, sameAreaReads: false,
		request: () => ({ method: 'GET', path: `/api/v1/matters/${pools.visible}/files/${pools.fileSha}` }),
		ok: 200,
	},
	'POST /api/v1/matters/{id}/extensions': {
		...procuratorate,
		request: () => ({ method: 'POST', path: `/api/v1/matters/${take('review')}/extensions`, json: { reason: '矩阵测试延期' } }),
		ok: 201,
	},
	'POST /api/v1/extensions/{id}/approve': {
		...procuratorateReviewers,
		request: () => ({ method: 'POST', path: `/api/v1/extensions/${take('extApprove')}/approve`, json: {} }),
		ok: 200,
	},
	'POST /api/v1/extensions/{id}/refuse': {
		...procuratorateReviewers,
		request: () => ({ method: 'POST', path: `/api/v1/extensions/${take('extRefuse')}/refuse`, json: { note: '不予延长' } }),
		ok: 200,
	},
	'GET /api/v1/transfers': { ...police, request: () => ({ method: 'GET', path: '/api/v1/transfers?box=outbox' }), ok: 200 },
	'POST /api/v1/transfers/{id}/accept': {
		...procuratorate,
		sameArea: 'zxbq.police.handler', // the sender may not accept its own transfer
		request: () => ({ method: 'POST', path: `/api/v1/transfers/${take('accept')}/accept` }),
		ok: 200,
	},
	'POST /api/v1/transfers/{id}/return': {
		...procuratorate,
		sameArea: 'zxbq.police.handler',
		request: () => ({ method: 'POST', path: `/api/v1/transfers/${take('return')}/return`, json: { reason: '矩阵测试退回' } }),
		ok: 200,
	},
	'POST /api/v1/transfers/{id}/withdraw': {
		...police,
		sameArea: 'zxbq.procuratorate.handler', // the receiver may not withdraw it
		request: () => ({ method: 'POST', path: `/api/v1/transfers/${take('withdraw')}/withdraw` }),
		ok: 200,
	},
	'GET /api/v1/workbench': { ...police, request: () => ({ method: 'GET', path: '/api/v1/workbench' }), ok: 200 },
	'GET /api/v1/supervision': { ...supervisors, request: () => ({ method: 'GET', path: '/api/v1/supervision' }), ok: 200 },
	'GET /api/v1/supervision/list': { ...supervisors, request: () => ({ method: 'GET', path: '/api/v1/supervision/list?metric=overdue' }), ok: 200 },
	// ---- the verifiable log ----
	'GET /api/v1/log/sth': { ...anyUser, request: () => ({ method: 'GET', path: '/api/v1/log/sth' }), ok: 200 },
	'GET /api/v1/log/key': { ...anyUser, request: () => ({ method: 'GET', path: '/api/v1/log/key' }), ok: 200 },
	'GET /api/v1/log/proof/inclusion': { ...anyUser, request: () => ({ method: 'GET', path: '/api/v1/log/proof/inclusion?index=0' }), ok: 200 },
	'GET /api/v1/log/proof/consistency': { ...anyUser, request: () => ({ method: 'GET', path: '/api/v1/log/proof/consistency?first=1&second=2' }), ok: 200 },
	'GET /api/v1/log/entries': {
		right: 'zxbq.auditor', wrongRole: 'zxbq.committee', sameArea: 'zxbq.police.auditor', other: 'hmq.auditor',
		request: () => ({ method: 'GET', path: '/api/v1/log/entries?start=0&end=9' }),
		ok: 200,
	},
	'POST /api/v1/evidence/verify': { ...anyUser, request: () => ({ method: 'POST', path: '/api/v1/evidence/verify', json: { sha256: pools.fileSha } }), ok: 200 },
	'POST /api/v1/evidence/verify-file': { ...anyUser, request: () => ({ method: 'POST', path: '/api/v1/evidence/verify-file', body: 'any bytes' }), ok: 200 },
	// ---- enforcement (objects: 正镶白旗's court enforcement matters, built in buildEnforcePools()) ----
	'POST /api/v1/assistance-requests': {
		...courtEnforcers,
		request: () => ({
			method: 'POST',
			path: '/api/v1/assistance-requests',
			json: { matter_id: pools.enf.id, police_unit_id: '152529.police', basis: `矩阵测试协助执行通知书${next()}`, debtors: [{ party_id: pools.enf.debtor, kinds: ['locate'] }] },
		}),
		ok: 201,
	},
	'GET /api/v1/assistance-requests': {
		...courtReaders,
		request: () => ({ method: 'GET', path: `/api/v1/assistance-requests?matter_id=${pools.enf.id}` }),
		ok: 200,
		visible: (json) => json.requests.some((x) => x.id === pools.assist),
		variants: {
			/* a league police bureau lists the requests its counties' police received (authz_decide,
			 * within_area); another organ of the league and another league's police may not */
			'league police, the area below': {
				right: 'xlgl.police.handler', wrongRole: 'xlgl.police.admin', sameArea: 'xlgl.procuratorate.handler', other: 'hhht.police.handler', sameAreaReads: false,
				request: () => ({ method: 'GET', path: '/api/v1/assistance-requests?area=152529' }),
				ok: 200,
			},
		},
	},
	'GET /api/v1/assistance-requests/{id}': {
		...courtReaders,
		request: () => ({ method: 'GET', path: `/api/v1/assistance-requests/${pools.assist}` }),
		ok: 200,
	},
	'POST /api/v1/assistance-requests/{id}/answers': {
		...policeAnswer,
		request: () => {
			const a = take('answer');
			return { method: 'POST', path: `/api/v1/assistance-requests/${a.id}/answers`, json: { answers: [{ item_id: a.item, found: false }] } };
		},
		ok: 200,
	},
	'POST /api/v1/assistance-requests/{id}/files': {
		...policeAnswer,
		request: () => ({ method: 'POST', path: `/api/v1/assistance-requests/${pools.assist}/files?name=a.txt`, body: `矩阵测试协查回执 ${next()} ${Date.now()}\n` }),
		ok: 201,
	},
	'GET /api/v1/assistance-stats': { ...supervisors, request: () => ({ method: 'GET', path: '/api/v1/assistance-stats' }), ok: 200 },
	'POST /api/v1/control-orders': {
		...courtEnforcers,
		request: () => ({
			method: 'POST',
			path: '/api/v1/control-orders',
			json: { matter_id: pools.enf.id, kind: 'exit_restriction', party_id: pools.enf.debtor, basis: `（2026）内2529执限${next()}号`, reason: '矩阵测试：未履行' },
		}),
		ok: 201,
	},
	'GET /api/v1/control-orders': {
		...courtReaders,
		request: () => ({ method: 'GET', path: `/api/v1/control-orders?matter_id=${pools.enf.id}` }),
		ok: 200,
	},
	'POST /api/v1/control-orders/person-check': {
		// any police officer checks a person met anywhere (the role is enough); a court handler, who holds
		// the role, is refused as not police (tests/api/enforce.test.mjs)
		...policeAnswer, sameArea: 'zxbq.traffic.handler',
		request: () => ({ method: 'POST', path: '/api/v1/control-orders/person-check', json: { id_number: pools.enf.idNumber, purpose: '矩阵测试盘查', basis: '《人民警察法》第九条' } }),
		ok: 200,
	},
	'GET /api/v1/control-orders/{id}': {
		...courtReaders,
		request: () => ({ method: 'GET', path: `/api/v1/control-orders/${pools.order}` }),
		ok: 200,
	},
	'POST /api/v1/control-orders/{id}/revoke': {
		...courtEnforcers,
		request: () => ({ method: 'POST', path: `/api/v1/control-orders/${take('revoke')}/revoke`, json: { reason: '矩阵测试：提前解除' } }),
		ok: 200,
	},
	'GET /api/v1/debtor-list': { ...anyUser, request: () => ({ method: 'GET', path: `/api/v1/debtor-list?id_number=${pools.enf.idNumber}` }), ok: 200 },
	'GET /api/v1/debtor-list/removals': { ...anyUser, request: () => ({ method: 'GET', path: '/api/v1/debtor-list/removals' }), ok: 200 },
	'POST /api/v1/debtor-list/restriction-check': {
		right: 'zxbq.procuratorate.handler', wrongRole: 'zxbq.procuratorate.admin', sameArea: 'zxbq.police.handler', other: 'hmq.procuratorate.handler',
		request: () => ({ method: 'POST', path: '/api/v1/debtor-list/restriction-check', json: { id_number: pools.enf.idNumber, purpose: '矩阵测试核验', basis: '不动产登记审核' } }),
		ok: 200,
	},
	'POST /api/v1/debtor-list/listings': {
		...courtEnforcers,
		request: () => {
			const m = take('listMatter');
			return { method: 'POST', path: '/api/v1/debtor-list/listings', json: { ...listingBody, matter_id: m.id, party_id: m.debtor } };
		},
		ok: 201,
	},
	'GET /api/v1/debtor-list/listings': {
		...courtReaders,
		request: () => ({ method: 'GET', path: `/api/v1/debtor-list/listings?matter_id=${pools.listing.matter}` }),
		ok: 200,
	},
	'GET /api/v1/debtor-list/listings/{id}': {
		...courtReaders,
		request: () => ({ method: 'GET', path: `/api/v1/debtor-list/listings/${pools.listing.id}` }),
		ok: 200,
	},
	'POST /api/v1/debtor-list/listings/{id}/notice': {
		...courtEnforcers,
		request: () => ({ method: 'POST', path: `/api/v1/debtor-list/listings/${take('notice')}/notice`, json: { method: '直接送达' } }),
		ok: 200,
	},
	'POST /api/v1/debtor-list/listings/{id}/remove': {
		...courtEnforcers,
		request: () => ({ method: 'POST', path: `/api/v1/debtor-list/listings/${take('remove')}/remove`, json: { reason: 'revoked', note: '矩阵测试：不应纳入' } }),
		ok: 200,
	},
	'POST /api/v1/query-log': { ...anyUser, request: () => ({ method: 'POST', path: '/api/v1/query-log', json: { id_number: pools.enf.idNumber, code: take('queryCode') } }), ok: 200 },
	'POST /api/v1/query-log/codes': {
		right: 'zxbq.court.clerk', wrongRole: 'zxbq.court.admin', sameArea: 'zxbq.police.clerk', other: 'hhht.police.clerk',
		request: () => ({ method: 'POST', path: '/api/v1/query-log/codes', json: { id_number: pools.enf.idNumber, name: '矩阵', reason: '当面核验居民身份证原件' } }),
		ok: 201,
	},
	'GET /api/v1/person-lookups': {
		right: 'zxbq.auditor', wrongRole: 'zxbq.committee', sameArea: 'zxbq.police.auditor', other: 'hmq.auditor',
		request: () => ({ method: 'GET', path: `/api/v1/person-lookups?id_number=${pools.enf.idNumber}` }),
		ok: 200,
	},
	'GET /api/v1/enforcement/workbench': {
		...courtEnforcers, wrongRole: 'zxbq.court.admin', // the clerk has a workbench
		request: () => ({ method: 'GET', path: '/api/v1/enforcement/workbench' }),
		ok: 200,
	},
	'GET /api/v1/enforcement/supervision': { ...supervisors, request: () => ({ method: 'GET', path: '/api/v1/enforcement/supervision' }), ok: 200 },
	'GET /api/v1/enforcement/metrics': { ...supervisors, request: () => ({ method: 'GET', path: '/api/v1/enforcement/metrics?from=2024-01-01&to=2030-12-31' }), ok: 200 },
	// ---- case funds (the court that keeps them: 152529.court) ----
	'POST /api/v1/ledger/accounts': {
		...courtEnforcers,
		request: () => ({ method: 'POST', path: '/api/v1/ledger/accounts', json: { matter_id: pools.enf.id, amount_applied: 100000000 } }),
		ok: 200,
	},
	'GET /api/v1/ledger/accounts': { ...fundReaders, request: () => ({ method: 'GET', path: `/api/v1/ledger/accounts?matter_id=${pools.enf.id}` }), ok: 200 },
	'GET /api/v1/ledger/accounts/{id}': { ...fundReaders, request: () => ({ method: 'GET', path: `/api/v1/ledger/accounts/${pools.account}` }), ok: 200 },
	'POST /api/v1/ledger/receipts': {
		...fundOfficers,
		request: () => ({
			method: 'POST',
			path: '/api/v1/ledger/receipts',
			json: { idempotency_key: `matrix-rcpt-${next()}-${Date.now()}`, matter_id: pools.enf.id, source: 'debtor_payment', amount: 1000, payer: '矩阵测试' },
		}),
		ok: 201,
	},
	'GET /api/v1/ledger/receipts': { ...fundReaders, request: () => ({ method: 'GET', path: `/api/v1/ledger/receipts?matter_id=${pools.enf.id}` }), ok: 200 },
	'POST /api/v1/ledger/receipts/{id}/match': {
		...fundOfficers,
		request: () => ({
			method: 'POST',
			path: `/api/v1/ledger/receipts/${take('unidentified')}/match`,
			json: { idempotency_key: `matrix-match-${next()}-${Date.now()}`, matter_id: pools.enf.id },
		}),
		ok: 201,
	},
	'GET /api/v1/ledger/unidentified': { ...fundReaders, request: () => ({ method: 'GET', path: '/api/v1/ledger/unidentified?court=152529.court' }), ok: 200 },
	'POST /api/v1/ledger/disbursements': {
		...fundOfficers,
		request: () => ({ method: 'POST', path: '/api/v1/ledger/disbursements', json: disbursement() }),
		ok: 201,
	},
	'GET /api/v1/ledger/disbursements': { ...fundReaders, request: () => ({ method: 'GET', path: `/api/v1/ledger/disbursements?matter_id=${pools.enf.id}` }), ok: 200 },
	'POST /api/v1/ledger/disbursements/{id}/approve': {
		...fundApprovers,
		request: () => ({
			method: 'POST',
			path: `/api/v1/ledger/disbursements/${take('approve')}/approve`,
			json: { idempotency_key: `matrix-appr-${next()}-${Date.now()}` },
		}),
		ok: 200,
	},
	'POST /api/v1/ledger/disbursements/{id}/refuse': {
		...fundApprovers,
		request: () => ({ method: 'POST', path: `/api/v1/ledger/disbursements/${take('refuse')}/refuse`, json: { note: '矩阵测试：不予发放' } }),
		ok: 200,
	},
	'GET /api/v1/ledger/postings': { ...fundReaders, request: () => ({ method: 'GET', path: `/api/v1/ledger/postings?matter_id=${pools.enf.id}` }), ok: 200 },
	'POST /api/v1/ledger/reconciliations': {
		...fundOfficers,
		request: () => ({ method: 'POST', path: '/api/v1/ledger/reconciliations', json: { court_unit_id: '152529.court' } }),
		ok: 201,
	},
	'GET /api/v1/ledger/reconciliations': { ...fundReaders, request: () => ({ method: 'GET', path: '/api/v1/ledger/reconciliations?court=152529.court' }), ok: 200 },
	'POST /api/v1/ledger/bank-imports': {
		...fundOfficers,
		request: () => ({
			method: 'POST',
			path: '/api/v1/ledger/bank-imports',
			json: { idempotency_key: `matrix-bank-${next()}-${Date.now()}`, court_unit_id: '152529.court', csv: 'date,amount,reference,payer\n2026-01-05,1.23,,矩阵测试\n' },
		}),
		ok: 201,
	},
	'GET /api/v1/ledger/bank-imports/{id}': { ...fundReaders, request: () => ({ method: 'GET', path: `/api/v1/ledger/bank-imports/${pools.bankImport}` }), ok: 200 },
};

const routes = routeTable();
let srv;
const who = new Map(); // username -> /me
const tokens = new Map();
let parentOf; // area code -> parent code
let areaOfUnit; // unit id -> area code

before(async () => {
	srv = await startServer();
	const nmg = await srv.login('nmg.admin');
	const r = await srv.post(
		'/api/v1/users',
		{ username: 'zxbq.police.admin', display_name: '正镶白旗公安局管理员', unit_id: '152529.police', roles: ['admin'], password: DEMO_PASSWORD },
		{ token: nmg.token },
	);
	assert.equal(r.status, 201, r.text);
	const areas = await srv.get('/api/v1/areas', { token: nmg.token });
	parentOf = new Map();
	const walk = (n, parent) => {
		parentOf.set(n.code, parent);
		n.children.forEach((c) => walk(c, n.code));
	};
	areas.json.areas.forEach((a) => walk(a, null));
	const sub = await srv.post('/api/v1/units', { parent_id: '152529.police', suffix: 'traffic', name: '正镶白旗公安局交警大队' }, { token: nmg.token });
	assert.equal(sub.status, 201, sub.text);
	for (const [username, unit_id, roles] of [
		['zxbq.traffic.handler', '152529.police.traffic', ['handler']],
		['zxbq.procuratorate.admin', '152529.procuratorate', ['admin']],
		['zxbq.auditor', '152529.committee', ['auditor']],
		['zxbq.police.auditor', '152529.police', ['auditor']],
		['hmq.auditor', '150103.committee', ['auditor']],
		['zxbq.court.admin', '152529.court', ['admin']],
		['zxbq.procuratorate.fund', '152529.procuratorate', ['fund_officer']],
		['xlgl.police.admin', '152500.police', ['admin']],
	]) {
		const u = await srv.post('/api/v1/users', { username, display_name: '矩阵测试', unit_id, roles, password: DEMO_PASSWORD }, { token: nmg.token });
		assert.equal(u.status, 201, u.text);
	}
	await loadUnits(nmg.token);
	await buildPools();
	await buildEnforcePools();
});

/* Every pool gets 5 objects: one per principal that might succeed. */
async function buildPools() {
	const P = (await srv.login('zxbq.police.handler')).token;
	const Q = (await srv.login('zxbq.procuratorate.handler')).token;
	const PR = (await srv.login('zxbq.police.reviewer')).token;
	const file = async () => {
		const r = await srv.post('/api/v1/matters', criminalMatter(`矩阵测试对象${next()}`), { token: P });
		assert.equal(r.status, 201, r.text);
		return r.json.id;
	};
	const send = async (id) => {
		const r = await srv.post(`/api/v1/matters/${id}/actions`, { action: 'transfer_for_prosecution' }, { token: P });
		assert.equal(r.status, 200, r.text);
		return r.json.pending_transfer.id;
	};
	const review = async () => {
		const tid = await send(await file());
		const r = await srv.request('POST', `/api/v1/transfers/${tid}/accept`, { token: Q });
		assert.equal(r.status, 200, r.text);
		return r.json.id;
	};
	const extension = async () => {
		const id = await review();
		const r = await srv.post(`/api/v1/matters/${id}/extensions`, { reason: '矩阵测试' }, { token: Q });
		assert.equal(r.status, 201, r.text);
		return r.json.extensions.find((x) => x.status === 'pending').id;
	};
	pools.visible = await file();
	const up = await srv.request('POST', `/api/v1/matters/${pools.visible}/files?name=a.txt`, { token: P, body: '矩阵测试的卷宗文件\n' });
	assert.equal(up.status, 201, up.text);
	pools.fileSha = up.json.files[0].sha256;
	const many = async (n, f) => { const v = []; for (let i = 0; i < n; i++) v.push(await f()); return v; };
	pools.act = await many(5, file);
	pools.suspend = await many(5, file);
	pools.resume = await many(5, async () => {
		const id = await file();
		const r = await srv.post(`/api/v1/matters/${id}/suspend`, { reason: '矩阵测试', basis: '刑事诉讼法第206条' }, { token: PR });
		assert.equal(r.status, 200, r.text);
		return id;
	});
	pools.review = await many(5, review);
	pools.extApprove = await many(5, extension);
	pools.extRefuse = await many(5, extension);
	pools.accept = await many(5, async () => send(await file()));
	pools.return = await many(5, async () => send(await file()));
	pools.withdraw = await many(5, async () => send(await file()));
}

/* Enforcement and case-fund objects, all of 正镶白旗's court: pools.enf is a matter with an account,
 * money on it, an assistance request, a control order and a listing; the act pools get 5 objects. */
async function buildEnforcePools() {
	const C = (await srv.login('zxbq.court.handler')).token;
	const F = (await srv.login('zxbq.court.fund')).token;
	const call = async (method, p, json, token, status) => {
		const r = await srv.request(method, p, { token, json });
		assert.equal(r.status, status, `${method} ${p}: ${r.text}`);
		return r.json;
	};
	const matter = async () => {
		const body = enforcementMatter(`矩阵测试执行案件${next()}`);
		const m = await call('POST', '/api/v1/matters', body, C, 201);
		const debtor = m.parties.find((x) => x.role === 'debtor');
		return { id: m.id, debtor: debtor.id, idNumber: body.parties[1].id_number };
	};
	const many = async (n, f) => { const v = []; for (let i = 0; i < n; i++) v.push(await f()); return v; };
	pools.enf = await matter();
	srv.secret(pools.enf.idNumber);
	await call('POST', '/api/v1/ledger/accounts', { matter_id: pools.enf.id, amount_applied: 100000000 }, C, 200);
	const accounts = await call('GET', `/api/v1/ledger/accounts?matter_id=${pools.enf.id}`, undefined, F, 200);
	pools.account = accounts.accounts.find((a) => a.kind === 'matter').id;
	await call('POST', '/api/v1/ledger/receipts', { idempotency_key: `matrix-seed-${Date.now()}`, matter_id: pools.enf.id, source: 'debtor_payment', amount: 1000000, payer: '矩阵测试' }, F, 201);
	const request = async () => {
		const r = await call('POST', '/api/v1/assistance-requests', {
			matter_id: pools.enf.id, police_unit_id: '152529.police', basis: '矩阵测试协助执行通知书',
			debtors: [{ party_id: pools.enf.debtor, kinds: ['locate'] }],
		}, C, 201);
		return { id: r.id, item: r.items[0].id };
	};
	pools.assist = (await request()).id;
	pools.answer = await many(5, request);
	const order = async () => (await call('POST', '/api/v1/control-orders', {
		matter_id: pools.enf.id, kind: 'consumption_restriction', party_id: pools.enf.debtor, basis: `（2026）内2529执限${next()}号`, reason: '矩阵测试',
	}, C, 201)).id;
	pools.order = await order();
	pools.revoke = await many(5, order);
	pools.queryCode = await many(5, async () => (await call('POST', '/api/v1/query-log/codes', { id_number: pools.enf.idNumber, name: '矩阵', reason: '当面核验居民身份证原件' }, C, 201)).code);
	pools.listMatter = await many(5, matter);
	const listing = async () => {
		const m = await matter();
		const l = await call('POST', '/api/v1/debtor-list/listings', { ...listingBody, matter_id: m.id, party_id: m.debtor }, C, 201);
		return { id: l.id, matter: m.id };
	};
	pools.listing = await listing();
	pools.notice = (await many(5, listing)).map((l) => l.id);
	pools.remove = (await many(5, listing)).map((l) => l.id);
	pools.unidentified = await many(5, async () => (await call('POST', '/api/v1/ledger/receipts', {
		idempotency_key: `matrix-unid-${next()}-${Date.now()}`, source: 'debtor_payment', amount: 500, payer: '矩阵测试转账',
	}, F, 201)).id);
	pools.approve = await many(5, async () => (await call('POST', '/api/v1/ledger/disbursements', disbursement(), F, 201)).id);
	pools.refuse = await many(5, async () => (await call('POST', '/api/v1/ledger/disbursements', disbursement(), F, 201)).id);
	pools.bankImport = (await call('POST', '/api/v1/ledger/bank-imports', {
		idempotency_key: `matrix-bank-seed-${Date.now()}`, court_unit_id: '152529.court', csv: 'date,amount,reference,payer\n2026-01-02,4.56,,矩阵测试\n',
	}, F, 201)).id;
}
after(() => srv?.kill());

async function loadUnits(token) {
	const units = await srv.get('/api/v1/units', { token });
	areaOfUnit = new Map(units.json.units.map((u) => [u.id, u.area_code]));
}

const within = (code, ancestor) => {
	for (let c = code; c; c = parentOf.get(c)) if (c === ancestor) return true;
	return false;
};

async function tokenFor(user, fresh) {
	if (fresh) return (await srv.login(user)).token;
	if (!tokens.has(user)) tokens.set(user, (await srv.login(user)).token);
	return tokens.get(user);
}

async function me(user) {
	if (!who.has(user)) {
		const r = await srv.get('/api/v1/me', { token: await tokenFor(user) });
		assert.equal(r.status, 200, `${user}: ${r.text}`);
		who.set(user, r.json);
	}
	return who.get(user);
}

const holds = (m, roles) => m.roles.some((r) => roles.includes(r));

/* The named users are what their category says. */
async function checkPrincipals(key, route, fx) {
	const pub = route.perm === 'public';
	for (const cat of ['right', 'sameArea', 'other']) assert.ok(fx[cat], `${key}: fixture needs a '${cat}' user`);
	const right = await me(fx.right);
	if (!pub) assert.ok(holds(right, route.roles), `${key}: right user ${fx.right} must hold one of ${route.roles}`);
	if (fx.wrongRole === null) {
		assert.ok(pub || ALL_ROLES.every((r) => route.roles.includes(r)), `${key}: wrongRole may be null only when every role holds ${route.perm}`);
	} else {
		assert.ok(fx.wrongRole, `${key}: fixture needs a 'wrongRole' user (or null when every role holds the permission)`);
		const w = await me(fx.wrongRole);
		assert.equal(w.unit.id, right.unit.id, `${key}: wrongRole ${fx.wrongRole} must be of ${fx.right}'s unit`);
		assert.ok(!holds(w, route.roles), `${key}: wrongRole ${fx.wrongRole} must hold none of ${route.roles}`);
	}
	const same = await me(fx.sameArea);
	assert.notEqual(same.unit.id, right.unit.id, `${key}: sameArea ${fx.sameArea} must be another unit`);
	assert.equal(same.unit.area_code, right.unit.area_code, `${key}: sameArea ${fx.sameArea} must be of ${right.unit.area_code}`);
	const other = await me(fx.other);
	const a = other.unit.area_code;
	const b = right.unit.area_code;
	assert.ok(!within(a, b) && !within(b, a), `${key}: other ${fx.other} (${a}) must be of another jurisdiction than ${b}`);
	if (!pub) {
		assert.ok(holds(same, route.roles), `${key}: sameArea ${fx.sameArea} must hold one of ${route.roles}`);
		assert.ok(holds(other, route.roles), `${key}: other ${fx.other} must hold one of ${route.roles}`);
	}
	if (route.mode === 'read') assert.equal(typeof fx.sameAreaReads, 'boolean', `${key}: a read route's fixture says whether sameArea reads`);
}

/* What the table above expects for a principal: 'ok', 401, 403 or 'filtered'. */
function expected(route, fx, cat) {
	if (route.perm === 'public') return 'ok';
	if (cat === 'anonymous') return 401;
	if (cat === 'wrongRole') return 403;
	if (cat === 'right') return 'ok';
	const m = route.mode;
	if (fx.visible) return 'visible'; // a search: 200 for everyone with the role, filtered to what each may see
	if (cat === 'sameArea') return m === 'act' ? 403 : m === 'read' ? (fx.sameAreaReads ? 'ok' : 403) : 'ok';
	if (cat === 'other') {
		if (m === 'role') return 'ok';
		if (m === 'area' && fx.list) return 'filtered';
		return 403;
	}
	throw new Error(`no expectation for ${cat} on mode ${m}`);
}

async function attempt(key, route, fx, cat) {
	const user = cat === 'anonymous' ? null : fx[cat];
	const token = user ? await tokenFor(user, fx.fresh) : undefined;
	const want = expected(route, fx, cat);
	const rq = fx.request();
	assert.equal(rq.method, route.method, `${key}: the fixture's request uses another method`);
	const eventsBefore = await srv.events();
	const off = srv.logOffset();
	const r = await srv.request(rq.method, rq.path, { token, json: rq.json, body: rq.body });
	if (r.json?.token) srv.secret(r.json.token);
	const label = `${key} as ${cat} (${user ?? 'anonymous'})`;
	if (want === 'visible') {
		assert.equal(r.status, fx.ok, `${label}: expected ${fx.ok}, got ${r.status} ${r.text.slice(0, 300)}`);
		const sees = fx.visible(r.json);
		const should = cat === 'right' || (cat === 'sameArea' && fx.sameAreaReads);
		assert.equal(sees, should, `${label}: ${should ? 'must' : 'must not'} see the right user's object`);
		return;
	}
	if (want === 'ok' || want === 'filtered') {
		assert.equal(r.status, fx.ok, `${label}: expected ${fx.ok}, got ${r.status} ${r.text.slice(0, 300)}`);
		if (fx.list) {
			const mine = (await me(user)).unit.area_code;
			const ids = fx.list(r.json);
			if (cat === 'right') assert.ok(ids.length > 0, `${label}: the right user sees the objects`);
			if (ids.some((id) => !areaOfUnit.has(id))) await loadUnits(await tokenFor('nmg.admin'));
			const outside = ids.filter((id) => !within(areaOfUnit.get(id), mine));
			assert.deepEqual(outside, [], `${label}: the list holds objects outside ${mine}`);
		}
		return;
	}
	if (want === 403 && route.mode === 'read' && r.status === 404) {
		// an object the caller may not read is answered like one that does not exist
		assertErrorShape(r, { code: 'not_found' });
	} else {
		assert.equal(r.status, want, `${label}: expected ${want}, got ${r.status} ${r.text.slice(0, 300)}`);
		assertErrorShape(r, { code: want === 401 ? 'unauthorized' : 'forbidden' });
	}
	assert.equal(await srv.events(), eventsBefore, `${label}: a denial wrote an event`);
	const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	await srv.waitForLog(new RegExp(`event=access_denied user=${esc(user ?? '-')} unit=\\S+ perm=${esc(route.perm)} reason=`), off);
}

test('every fixture belongs to a route of the table (remove fixtures of removed routes)', () => {
	const keys = new Set(routes.map((r) => `${r.method} ${r.path}`));
	const stale = Object.keys(FIXTURES).filter((k) => !keys.has(k));
	assert.deepEqual(stale, [], `fixtures without a route in tests/api/authz_matrix.test.mjs: ${stale.join(', ')}`);
});

/* A route's fixture, then its variants (other principals and requests for the same route). */
const fixturesOf = (key) => [
	[key, () => FIXTURES[key]],
	...Object.keys(FIXTURES[key]?.variants ?? {}).map((n) => [`${key} [${n}]`, () => FIXTURES[key].variants[n]]),
];

for (const route of routes)
	for (const [key, pick] of fixturesOf(`${route.method} ${route.path}`))
	test(`authorization matrix: ${key} (${route.perm}, ${route.mode})`, async (t) => {
		const fx = pick();
		assert.ok(
			fx,
			`no authorization fixture for ${key}: add one to FIXTURES in tests/api/authz_matrix.test.mjs ` +
				'(the users for right/wrongRole/sameArea/other and a request for an object in the right user\'s jurisdiction)',
		);
		await checkPrincipals(key, route, fx);
		for (const cat of CATEGORIES) {
			if (cat === 'wrongRole' && fx.wrongRole === null) {
				// no such user can exist: a public route, or a permission every role holds; asserted here, so
				// that a role losing the permission turns this case into a failure, not a quiet pass
				await t.test(`${cat}: none exists (${route.perm === 'public' ? 'public route' : `every role holds ${route.perm}`})`, () =>
					assert.ok(route.perm === 'public' || ALL_ROLES.every((r) => route.roles.includes(r)),
						`${key}: some role lacks ${route.perm}; the fixture needs a wrongRole user`));
				continue;
			}
			await t.test(cat, () => attempt(key, route, fx, cat));
		}
	});

test('the matrix ran against the real permission table', () => {
	assert.ok(routes.some((r) => r.mode === 'area'), 'some routes are area-scoped');
	assert.ok(routes.some((r) => r.perm === 'public'), 'some routes are public');
});

test('denials and grants were logged without secrets; the server stops cleanly', async () => {
	for (const t of tokens.values()) srv.secret(t);
	srv.secret('matrix test password');
	await srv.stop();
});
