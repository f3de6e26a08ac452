/*
 * cli_user.c - `casebridge user add|passwd|disable|enable` and `casebridge routes`.
 */
#include "cli/cli.h"

#include "api/router.h"
#include "domain/auth.h"
#include "domain/authz.h"
#include "domain/org.h"

#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f, "usage:\n"
	           "  casebridge user add --data-dir DIR --username NAME --name 显示名 --unit UNIT_ID --roles r1,r2\n"
	           "  casebridge user passwd --data-dir DIR --username NAME\n"
	           "  casebridge user disable|enable --data-dir DIR --username NAME\n\n"
	           "Passwords are read from standard input (one line), never from the command line.\n"
	           "Roles: admin, clerk, handler, reviewer, fund_officer, supervisor, auditor.\n"
	           "Unit ids look like 152529.police (area code . kind); see GET /api/v1/units.\n");
}

static int read_password(char *out, size_t cap)
{
	if (!fgets(out, (int)cap, stdin))
		return -1;
	size_t n = strlen(out);
	while (n && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = 0;
	return 0;
}

int cli_user(int argc, char **argv)
{
	config cfg;
	char *rest[64];
	int n_rest = 0, rc = OK;
	err e = { 0 };
	store *db = NULL;
	const char *username = NULL, *name = NULL, *unit = NULL, *roles = NULL;
	char password[300];
	if (argc < 2 || argc > 64 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return usage(argc < 2 ? stderr : stdout), argc < 2 ? 2 : 0;
	const char *sub = argv[1];
	if (cli_load_config(argc - 1, argv + 1, &cfg, &n_rest, rest))
		return 2;
	for (int i = 0; i < n_rest; i += 2) { /* flag, value */
		const char *a = rest[i], *v = i + 1 < n_rest ? rest[i + 1] : NULL;
		if (!strcmp(a, "--help"))
			return usage(stdout), 0;
		if (!v) {
			fprintf(stderr, "error: %s needs a value\n", a);
			return 2;
		}
		if (!strcmp(a, "--username"))
			username = v;
		else if (!strcmp(a, "--name"))
			name = v;
		else if (!strcmp(a, "--unit"))
			unit = v;
		else if (!strcmp(a, "--roles"))
			roles = v;
		else {
			fprintf(stderr, "error: unknown argument %s (see casebridge user --help)\n", a);
			return 2;
		}
	}
	if (!username) {
		fprintf(stderr, "error: --username is required\n");
		return 2;
	}
	if ((rc = cli_open_data(cfg.data_dir, &db, &e)))
		return cli_fail(&e);
	if (!strcmp(sub, "add")) {
		if (!name || !unit || !roles) {
			fprintf(stderr, "error: user add needs --name, --unit and --roles\n");
			rc = 2;
			goto out;
		}
		if (read_password(password, sizeof password)) {
			fprintf(stderr, "error: no password on standard input\n");
			rc = 2;
			goto out;
		}
		int64_t id;
		rc = auth_user_add(db, principal_system(), username, name, unit, roles, password, &id, &e);
		if (rc == OK)
			printf("user %s added (id %lld)\n", username, (long long)id);
	} else if (!strcmp(sub, "passwd")) {
		if (read_password(password, sizeof password)) {
			fprintf(stderr, "error: no password on standard input\n");
			rc = 2;
			goto out;
		}
		rc = auth_user_passwd(db, principal_system(), username, password, &e);
		if (rc == OK)
			printf("password of %s changed; their sessions were ended\n", username);
	} else if (!strcmp(sub, "disable") || !strcmp(sub, "enable")) {
		int dis = !strcmp(sub, "disable");
		rc = auth_user_set_disabled(db, principal_system(), username, dis, &e);
		if (rc == OK)
			printf("user %s %s\n", username, dis ? "disabled; their sessions were ended" : "enabled");
	} else {
		fprintf(stderr, "error: unknown user command %s (add, passwd, disable, enable)\n", sub);
		rc = 2;
		goto out;
	}
	if (rc)
		rc = cli_fail(&e);
out:
	memset(password, 0, sizeof password);
	cli_close_data(db);
	return rc;
}

static const char *mode_name(int m)
{
	static const char *n[] = { "none", "role", "read", "act", "area" };
	return m >= 0 && m <= AUTHZ_AREA ? n[m] : "?";
}

int cli_routes(int argc, char **argv)
{
	int as_json = argc > 1 && !strcmp(argv[1], "--json");
	if (argc > 1 && !as_json) {
		printf("usage: casebridge routes [--json]\n\nPrints the route table: method, path, permission, the "
		       "roles that hold it and how its scope is judged.\n");
		return strcmp(argv[1], "--help") ? 2 : 0;
	}
	if (as_json)
		printf("[\n");
	for (size_t i = 0; i < n_routes; i++) {
		const route *r = &routes[i];
		unsigned roles = authz_perm_roles(r->perm);
		char rl[160] = "";
		size_t o = 0;
		for (unsigned b = 1; b <= ROLE_AUDITOR; b <<= 1)
			if (roles & b)
				o += (size_t)snprintf(rl + o, sizeof rl - o, "%s%s%s%s", o ? "," : "",
				                      as_json ? "\"" : "", role_name(b), as_json ? "\"" : "");
		if (as_json)
			printf("  {\"method\":\"%s\",\"path\":\"%s\",\"perm\":\"%s\",\"mode\":\"%s\",\"roles\":[%s],"
			       "\"body\":\"%s\",\"summary\":\"%s\"}%s\n",
			       r->method, r->pattern, authz_perm_name(r->perm), mode_name(authz_perm_mode(r->perm)), rl,
			       r->body == BODY_JSON   ? "json"
			       : r->body == BODY_FILE ? "file"
			                              : "none",
			       r->summary, i + 1 < n_routes ? "," : "");
		else
			printf("%-7s %-48s %-16s %-5s %s\n", r->method, r->pattern, authz_perm_name(r->perm),
			       mode_name(authz_perm_mode(r->perm)), rl);
	}
	if (as_json)
		printf("]\n");
	return 0;
}
