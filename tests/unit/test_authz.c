/*
 * test_authz.c - the one authorization function, as a numbered table: who (unit and roles), which
 * permission, the object's scope, and the expected decision. The organisation is the real one
 * (seeded from the embedded divisions) plus a sub-unit 152529.court.zxj (正镶白旗人民法院执行局).
 * Every denial must be logged once as access_denied and every allow not at all; the log goes to a
 * temporary file that each row inspects.
 *
 * Places: 150000 region; 152500 锡林郭勒盟 with counties 152529 正镶白旗 and 152528 镶黄旗;
 * 150100 呼和浩特市 with 150103 回民区.
 */
#include "testutil.h"

#include "cli/cli.h"
#include "core/log.h"
#include "domain/authz.h"
#include "domain/org.h"

#include <fcntl.h>

static char g_dir[64];
static store *g_db;
static char g_log[64];
static int g_log_fd = -1;

static int group_setup(void **state)
{
	(void)state;
	err e = { 0 };
	log_set_level(LOG_WARN);
	test_tmpdir(g_dir, sizeof g_dir);
	if (cli_open_data(g_dir, &g_db, &e) || org_seed(g_db, principal_system(), &e))
		fail_msg("seed: %s", e.message);
	org_unit u;
	if (org_unit_add(g_db, principal_system(), "152529.court", "zxj", "正镶白旗人民法院执行局", &u, &e))
		fail_msg("sub-unit: %s", e.message);
	snprintf(g_log, sizeof g_log, "%s/authz.log", g_dir);
	g_log_fd = open(g_log, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (g_log_fd < 0)
		fail_msg("log file");
	log_set_fd(g_log_fd);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	log_set_fd(2);
	close(g_log_fd);
	store_close(g_db);
	org_cache_free();
	test_rmdir(g_dir);
	return 0;
}

/* Bytes of the log so far, and the text written since offset (static buffer). */
static off_t log_size(void)
{
	return lseek(g_log_fd, 0, SEEK_END);
}

static const char *log_since(off_t off)
{
	static char buf[8192];
	ssize_t n = pread(g_log_fd, buf, sizeof buf - 1, off);
	buf[n > 0 ? n : 0] = 0;
	return buf;
}

static int count_lines(const char *s, const char *needle)
{
	int n = 0;
	for (const char *p = s; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

enum { ANON = -1, SYSTEM = -2 };

typedef struct row {
	int n;
	const char *why;
	const char *unit; /* ANON/SYSTEM rows: ignored */
	unsigned roles;
	int who_kind; /* 0 = a user; ANON; SYSTEM */
	int perm;
	int scoped; /* 0: the route-level check (scope NULL) */
	const char *holder;
	const char *units[3];
	const char *area;
	int want; /* OK, E_FORBIDDEN, E_UNAUTHORIZED */
} row;

#define R_CASE_ALL (ROLE_CLERK | ROLE_HANDLER | ROLE_REVIEWER)

static const row rows[] = {
	/* reading: committees see their area and below, not beside or above */
	{ 1,
	  "league committee sees a county unit of its league",
	  "152500.committee",
	  ROLE_SUPERVISOR,
	  0,
	  PERM_MATTER_READ,
	  1,
	  "152529.police",
	  { 0 },
	  NULL,
	  OK },
	{ 2,
	  "county committee does not see a neighbouring county",
	  "152529.committee",
	  ROLE_SUPERVISOR,
	  0,
	  PERM_MATTER_READ,
	  1,
	  "152528.police",
	  { 0 },
	  NULL,
	  E_FORBIDDEN },
	{ 3,
	  "county committee does not see its league's units",
	  "152529.committee",
	  ROLE_SUPERVISOR,
	  0,
	  PERM_MATTER_READ,
	  1,
	  "152500.court",
	  { 0 },
	  NULL,
	  E_FORBIDDEN },
	{ 4,
	  "region committee sees every county",
	  "150000.committee",
	  ROLE_SUPERVISOR,
	  0,
	  PERM_MATTER_READ,
	  1,
	  "150103.procuratorate",
	  { 0 },
	  NULL,
	  OK },
	{ 5,
	  "a league committee does not see another league",
	  "152500.committee",
	  ROLE_SUPERVISOR,
	  0,
	  PERM_MATTER_READ,
	  1,
	  "150103.police",
	  { 0 },
	  NULL,
	  E_FORBIDDEN },
	/* reading: the same kind one level up */
	{ 6,
	  "league court reads a county court",
	  "152500.court",
	  ROLE_REVIEWER,
	  0,
	  PERM_MATTER_READ,
	  1,
	  "152529.court",
	  { 0 },
	  NULL,
	  OK },
	{ 7,
	  "county court does not read its league court",
	  "152529.court",
	  ROLE_REVIEWER,
	  0,
	  PERM_MATTER_READ,
	  1,
	  "152500.court",
	  { 0 },
	  NULL,
	  E_FORBIDDEN },
	{ 8,
	  "league court does not read a county police unit",
	  "152500.court",
	  ROLE_REVIEWER,
	  0,
	  PERM_MATTER_READ,
	  1,
	  "152529.police",
	  { 0 },
	  NULL,
	  E_FORBIDDEN },
	{ 9,
	  "league court does not read another league's county court",
	  "152500.court",
	  ROLE_REVIEWER,
	  0,
	  PERM_MATTER_READ,
	  1,
	  "150103.court",
	  { 0 },
	  NULL,
	  E_FORBIDDEN },
	{ 10,
	  "county police does not read the county court",
	  "152529.police",
	  ROLE_HANDLER,
	  0,
	  PERM_MATTER_READ,
	  1,
	  "152529.court",
	  { 0 },
	  NULL,
	  E_FORBIDDEN },
	{ 11,
	  "a unit that once held the object reads it",
	  "152529.police",
	  ROLE_HANDLER,
	  0,
	  PERM_MATTER_READ,
	  1,
	  "152529.court",
	  { "152529.procuratorate", "152529.police" },
	  NULL,
	  OK },
	{ 12,
	  "holding history of other units does not help",
	  "152528.police",
	  ROLE_HANDLER,
	  0,
	  PERM_MATTER_READ,
	  1,
	  "152529.court",
	  { "152529.procuratorate", "152529.police" },
	  NULL,
	  E_FORBIDDEN },
	{ 13,
	  "a sub-unit reads its parent's objects",
	  "152529.court.zxj",
	  ROLE_HANDLER,
	  0,
	  PERM_MATTER_READ,
	  1,
	  "152529.court",
	  { 0 },
	  NULL,
	  OK },
	{ 14,
	  "a parent reads its sub-unit's objects",
	  "152529.court",
	  ROLE_HANDLER,
	  0,
	  PERM_MATTER_READ,
	  1,
	  "152529.court.zxj",
	  { 0 },
	  NULL,
	  OK },
	{ 15,
	  "league court reads a county court's sub-unit",
	  "152500.court",
	  ROLE_REVIEWER,
	  0,
	  PERM_MATTER_READ,
	  1,
	  "152529.court.zxj",
	  { 0 },
	  NULL,
	  OK },
	/* acting: own unit only; a sub-unit acts for its parent's matters */
	{ 16,
	  "the holder's handler acts",
	  "152529.court",
	  ROLE_HANDLER,
	  0,
	  PERM_MATTER_ACT,
	  1,
	  "152529.court",
	  { 0 },
	  NULL,
	  OK },
	{ 17,
	  "a sub-unit acts for its parent's matters",
	  "152529.court.zxj",
	  ROLE_HANDLER,
	  0,
	  PERM_MATTER_ACT,
	  1,
	  "152529.court",
	  { 0 },
	  NULL,
	  OK },
	{ 18,
	  "another unit of the same area does not act",
	  "152529.procuratorate",
	  ROLE_HANDLER,
	  0,
	  PERM_MATTER_ACT,
	  1,
	  "152529.court",
	  { 0 },
	  NULL,
	  E_FORBIDDEN },
	{ 19,
	  "the league court does not act for a county court",
	  "152500.court",
	  ROLE_HANDLER,
	  0,
	  PERM_MATTER_ACT,
	  1,
	  "152529.court",
	  { 0 },
	  NULL,
	  E_FORBIDDEN },
	{ 20,
	  "the league committee reads but does not act",
	  "152500.committee",
	  ROLE_SUPERVISOR | ROLE_HANDLER,
	  0,
	  PERM_MATTER_ACT,
	  1,
	  "152529.court",
	  { 0 },
	  NULL,
	  E_FORBIDDEN },
	{ 21,
	  "acting needs a holder",
	  "152529.court",
	  ROLE_HANDLER,
	  0,
	  PERM_MATTER_ACT,
	  1,
	  NULL,
	  { 0 },
	  NULL,
	  E_FORBIDDEN },
	{ 22,
	  "review is the reviewer's, in the holding unit",
	  "152529.court",
	  ROLE_REVIEWER,
	  0,
	  PERM_REVIEW,
	  1,
	  "152529.court",
	  { 0 },
	  NULL,
	  OK },
	/* wrong role */
	{ 23,
	  "a handler is not an administrator",
	  "152529.committee",
	  ROLE_HANDLER,
	  0,
	  PERM_ORG_ADMIN,
	  1,
	  NULL,
	  { 0 },
	  "152529",
	  E_FORBIDDEN },
	{ 24,
	  "a reviewer does not file matters",
	  "152529.court",
	  ROLE_REVIEWER,
	  0,
	  PERM_MATTER_CREATE,
	  0,
	  NULL,
	  { 0 },
	  NULL,
	  E_FORBIDDEN },
	{ 25,
	  "a clerk does not review",
	  "152529.court",
	  ROLE_CLERK,
	  0,
	  PERM_REVIEW,
	  1,
	  "152529.court",
	  { 0 },
	  NULL,
	  E_FORBIDDEN },
	{ 26,
	  "a supervisor does not read the log",
	  "150000.committee",
	  ROLE_SUPERVISOR,
	  0,
	  PERM_LOG_READ,
	  0,
	  NULL,
	  { 0 },
	  NULL,
	  E_FORBIDDEN },
	{ 27,
	  "the auditor reads the log",
	  "150000.committee",
	  ROLE_AUDITOR,
	  0,
	  PERM_LOG_READ,
	  0,
	  NULL,
	  { 0 },
	  NULL,
	  OK },
	{ 28,
	  "an admin does not read matters",
	  "152529.committee",
	  ROLE_ADMIN,
	  0,
	  PERM_MATTER_READ,
	  1,
	  "152529.court",
	  { 0 },
	  NULL,
	  E_FORBIDDEN },
	{ 29,
	  "the wrong role is refused before the scope is looked at",
	  "152529.court",
	  ROLE_FUND_OFFICER,
	  0,
	  PERM_MATTER_ACT,
	  1,
	  "152529.court",
	  { 0 },
	  NULL,
	  E_FORBIDDEN },
	/* administration by area */
	{ 30,
	  "a league admin administers a county of the league",
	  "152500.committee",
	  ROLE_ADMIN,
	  0,
	  PERM_ORG_ADMIN,
	  1,
	  NULL,
	  { 0 },
	  "152529",
	  OK },
	{ 31,
	  "a county admin administers its own county",
	  "152529.committee",
	  ROLE_ADMIN,
	  0,
	  PERM_USER_ADMIN,
	  1,
	  NULL,
	  { 0 },
	  "152529",
	  OK },
	{ 32,
	  "a county admin does not administer a neighbour",
	  "152529.committee",
	  ROLE_ADMIN,
	  0,
	  PERM_USER_ADMIN,
	  1,
	  NULL,
	  { 0 },
	  "152528",
	  E_FORBIDDEN },
	{ 33,
	  "a county admin does not administer its league",
	  "152529.committee",
	  ROLE_ADMIN,
	  0,
	  PERM_ORG_ADMIN,
	  1,
	  NULL,
	  { 0 },
	  "152500",
	  E_FORBIDDEN },
	{ 34,
	  "a league admin does not administer another league",
	  "152500.committee",
	  ROLE_ADMIN,
	  0,
	  PERM_ORG_ADMIN,
	  1,
	  NULL,
	  { 0 },
	  "150103",
	  E_FORBIDDEN },
	{ 35,
	  "the region admin administers everything",
	  "150000.committee",
	  ROLE_ADMIN,
	  0,
	  PERM_USER_ADMIN,
	  1,
	  NULL,
	  { 0 },
	  "150103",
	  OK },
	{ 36,
	  "administration needs an area",
	  "150000.committee",
	  ROLE_ADMIN,
	  0,
	  PERM_USER_ADMIN,
	  1,
	  NULL,
	  { 0 },
	  NULL,
	  E_FORBIDDEN },
	/* role-only permissions ignore the scope */
	{ 37,
	  "any signed-in user reads the organisation",
	  "152529.police",
	  ROLE_CLERK,
	  0,
	  PERM_ORG_READ,
	  1,
	  NULL,
	  { 0 },
	  "150103",
	  OK },
	{ 38,
	  "the route-level check passes a reader before the object is known",
	  "152528.police",
	  ROLE_HANDLER,
	  0,
	  PERM_MATTER_READ,
	  0,
	  NULL,
	  { 0 },
	  NULL,
	  OK },
	/* anonymous, public, the system, nonsense */
	{ 39, "anonymous may use public routes", NULL, 0, ANON, PERM_PUBLIC, 0, NULL, { 0 }, NULL, OK },
	{ 40, "anonymous needs a session", NULL, 0, ANON, PERM_SESSION, 0, NULL, { 0 }, NULL, E_UNAUTHORIZED },
	{ 41,
	  "anonymous does not read matters",
	  NULL,
	  0,
	  ANON,
	  PERM_MATTER_READ,
	  1,
	  "152529.court",
	  { 0 },
	  NULL,
	  E_UNAUTHORIZED },
	{ 42,
	  "the system principal acts anywhere",
	  NULL,
	  0,
	  SYSTEM,
	  PERM_MATTER_ACT,
	  1,
	  "150103.court",
	  { 0 },
	  NULL,
	  OK },
	{ 43,
	  "the system principal administers anywhere",
	  NULL,
	  0,
	  SYSTEM,
	  PERM_ORG_ADMIN,
	  1,
	  NULL,
	  { 0 },
	  "150103",
	  OK },
	{ 44,
	  "a user without roles has no session rights",
	  "152529.court",
	  0,
	  0,
	  PERM_SESSION,
	  0,
	  NULL,
	  { 0 },
	  NULL,
	  E_FORBIDDEN },
	{ 45,
	  "an unknown permission is refused",
	  "150000.committee",
	  ROLE_ALL,
	  0,
	  PERM__COUNT,
	  0,
	  NULL,
	  { 0 },
	  NULL,
	  E_FORBIDDEN },
	{ 46,
	  "a user whose unit is unknown sees nothing",
	  "999999.court",
	  ROLE_REVIEWER,
	  0,
	  PERM_MATTER_READ,
	  1,
	  "152529.court",
	  { 0 },
	  NULL,
	  E_FORBIDDEN },
	{ 47,
	  "a user whose unit is unknown administers nothing",
	  "999999.committee",
	  ROLE_ADMIN,
	  0,
	  PERM_ORG_ADMIN,
	  1,
	  NULL,
	  { 0 },
	  "152529",
	  E_FORBIDDEN },
};

static void authz_decide_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const row *r = &rows[i];
		principal p = { .user_id = 1000 + r->n, .roles = r->roles };
		snprintf(p.username, sizeof p.username, "row%d.user", r->n);
		if (r->unit)
			snprintf(p.unit_id, sizeof p.unit_id, "%s", r->unit);
		const principal *who = r->who_kind == ANON ? NULL : r->who_kind == SYSTEM ? principal_system() : &p;
		authz_scope scope = { .holder_unit_id = r->holder, .area_code = r->area };
		for (size_t k = 0; k < 3 && r->units[k]; k++)
			scope.n_units = k + 1;
		scope.unit_ids = r->units;
		err e = { 0 };
		off_t off = log_size();
		int rc = authz_decide(who, r->perm, r->scoped ? &scope : NULL, &e);
		if (rc != r->want)
			fail_msg("row %d (%s): gave %d, expected %d", r->n, r->why, rc, r->want);
		const char *logged = log_since(off);
		int denials = count_lines(logged, "event=access_denied");
		if (rc != OK) {
			if (denials != 1)
				fail_msg("row %d (%s): a denial must be logged once, got %d lines", r->n, r->why,
				         denials);
			char perm[64];
			snprintf(perm, sizeof perm, "perm=%s", authz_perm_name(r->perm));
			if (!strstr(logged, perm) || !strstr(logged, who ? who->username : "user=-"))
				fail_msg("row %d (%s): the log line should name the user and %s: %s", r->n, r->why,
				         perm, logged);
			if (!e.message[0])
				fail_msg("row %d (%s): a denial needs a message", r->n, r->why);
			/* The message never reveals the object. */
			if ((r->holder && strstr(e.message, r->holder)) || (r->area && strstr(e.message, r->area)))
				fail_msg("row %d (%s): the message names the object: %s", r->n, r->why, e.message);
		} else if (denials) {
			fail_msg("row %d (%s): an allow was logged as a denial", r->n, r->why);
		}
	}
}

/* Lists over an area (within_area, within_kind): a higher unit reads the objects of its own kind's
 * units below it, a committee those of every kind; numbered so a failure names its row. */
static const struct {
	int n;
	const char *why, *unit, *area, *kind;
	int want;
} within_rows[] = {
	{ 1, "league police lists its counties' police requests", "152500.police", "152529", "police", OK },
	{ 2, "league police lists its whole league", "152500.police", "152500", "police", OK },
	{ 3, "the region's police lists every league", "150000.police", "150000", "police", OK },
	{ 4, "county police does not list its league", "152529.police", "152500", "police", E_FORBIDDEN },
	{ 5, "league police does not list another league", "152500.police", "150100", "police", E_FORBIDDEN },
	{ 6, "league police does not list the courts' side", "152500.police", "152529", "court", E_FORBIDDEN },
	{ 7, "a league procuratorate lists no police requests", "152500.procuratorate", "152529", "police",
	  E_FORBIDDEN },
	{ 8, "a league committee lists every kind below it", "152500.committee", "152529", "police", OK },
	{ 9, "a county committee does not list its league", "152529.committee", "152500", "court", E_FORBIDDEN },
	{ 10, "league court lists its counties' courts", "152500.court", "152529", "court", OK },
};

static void authz_within_area_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof within_rows / sizeof within_rows[0]; i++) {
		principal p = { .user_id = 2000 + within_rows[i].n, .roles = ROLE_HANDLER | ROLE_SUPERVISOR };
		snprintf(p.username, sizeof p.username, "within%d.user", within_rows[i].n);
		snprintf(p.unit_id, sizeof p.unit_id, "%s", within_rows[i].unit);
		authz_scope scope = { .within_area = within_rows[i].area, .within_kind = within_rows[i].kind };
		err e = { 0 };
		off_t off = log_size();
		int rc = authz_decide(&p, PERM_MATTER_READ, &scope, &e);
		if (rc != within_rows[i].want)
			fail_msg("row %d (%s): gave %d, expected %d", within_rows[i].n, within_rows[i].why, rc,
			         within_rows[i].want);
		int denials = count_lines(log_since(off), "event=access_denied");
		if (denials != (rc != OK))
			fail_msg("row %d (%s): %d denial lines", within_rows[i].n, within_rows[i].why, denials);
	}
}

/* The permission table that routes, docs and the API matrix read. */
static void permission_table_names_roles_and_modes(void **state)
{
	(void)state;
	static const struct {
		int perm;
		const char *name;
		unsigned roles;
		int mode;
	} cases[] = {
		{ PERM_PUBLIC, "public", 0, AUTHZ_NONE },
		{ PERM_SESSION, "session", ROLE_ALL, AUTHZ_ROLE },
		{ PERM_ORG_READ, "org.read", ROLE_ALL, AUTHZ_ROLE },
		{ PERM_ORG_ADMIN, "org.admin", ROLE_ADMIN, AUTHZ_AREA },
		{ PERM_USER_ADMIN, "user.admin", ROLE_ADMIN, AUTHZ_AREA },
		{ PERM_MATTER_READ, "matter.read", ROLE_ALL & ~ROLE_ADMIN, AUTHZ_READ },
		{ PERM_MATTER_ACT, "matter.act", R_CASE_ALL, AUTHZ_ACT },
		{ PERM_LOG_READ, "log.read", ROLE_AUDITOR, AUTHZ_ROLE },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (strcmp(authz_perm_name(cases[i].perm), cases[i].name) != 0)
			fail_msg("row %zu: name %s", i + 1, authz_perm_name(cases[i].perm));
		if (authz_perm_roles(cases[i].perm) != cases[i].roles)
			fail_msg("row %zu (%s): roles %#x, expected %#x", i + 1, cases[i].name,
			         authz_perm_roles(cases[i].perm), cases[i].roles);
		if (authz_perm_mode(cases[i].perm) != cases[i].mode)
			fail_msg("row %zu (%s): mode %d", i + 1, cases[i].name, authz_perm_mode(cases[i].perm));
	}
	/* Every permission has a distinct name, and every permission but public needs some role. */
	for (int a = 0; a < PERM__COUNT; a++) {
		if (a != PERM_PUBLIC && !authz_perm_roles(a))
			fail_msg("permission %s has no roles", authz_perm_name(a));
		for (int b = a + 1; b < PERM__COUNT; b++)
			if (!strcmp(authz_perm_name(a), authz_perm_name(b)))
				fail_msg("permissions %d and %d share the name %s", a, b, authz_perm_name(a));
	}
	assert_string_equal(authz_perm_name(-1), "?");
	assert_int_equal(authz_perm_roles(PERM__COUNT), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(authz_decide_table),
		cmocka_unit_test(authz_within_area_table),
		cmocka_unit_test(permission_table_names_roles_and_modes),
	};
	return cmocka_run_group_tests_name("authz", tests, group_setup, group_teardown);
}
