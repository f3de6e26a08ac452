/*
 * cli_init.c - `casebridge init`, `casebridge migrate` and `casebridge demo-logins`.
 */
#include "cli/cli.h"

#include "core/util.h"
#include "domain/audit.h"
#include "core/embedded.h"
#include "domain/demo.h"
#include "domain/legal.h"
#include "domain/org.h"
#include "domain/tlog.h"

#include <stdio.h>
#include <string.h>

static void init_usage(FILE *f)
{
	fprintf(f, "usage: casebridge init --data-dir DIR [--demo] [--hash-alg sha256|sm3] [--sign-alg ed25519|sm2]\n\n"
	           "Creates the database in DIR (schema, the region's 116 areas and 580 units) and the log's\n"
	           "signing key. --demo adds demo users of every role (password " DEMO_PASSWORD ") and demo\n"
	           "matters; never use --demo for real data. --hash-alg chooses the log's hash (default sha256;\n"
	           "sm3 for deployments that need the national algorithms); it can never change afterwards.\n"
	           "--sign-alg chooses the tree-head signature (default ed25519, or sm2 with --hash-alg sm3).\n");
}

int cli_init(int argc, char **argv)
{
	config cfg;
	char *rest[64];
	int n_rest = 0, demo = 0, rc = OK;
	const char *hash_alg = "sha256", *sign_alg = NULL;
	err e = { 0 };
	store *db = NULL;
	if (argc > 64)
		return 2;
	if (cli_wants_help(argc, argv))
		return init_usage(stdout), 0;
	if (cli_load_config(argc, argv, &cfg, &n_rest, rest))
		return 2;
	for (int i = 0; i < n_rest; i++) {
		if (!strcmp(rest[i], "--demo"))
			demo = 1;
		else if (!strcmp(rest[i], "--hash-alg") && i + 1 < n_rest)
			hash_alg = rest[++i];
		else if (!strcmp(rest[i], "--sign-alg") && i + 1 < n_rest)
			sign_alg = rest[++i];
		else {
			fprintf(stderr, "error: unknown argument %s (see casebridge init --help)\n", rest[i]);
			return 2;
		}
	}
	if (strcmp(hash_alg, "sha256") && strcmp(hash_alg, "sm3")) {
		fprintf(stderr, "error: --hash-alg must be sha256 or sm3\n");
		return 2;
	}
	if (!sign_alg)
		sign_alg = strcmp(hash_alg, "sm3") ? "ed25519" : "sm2"; /* national algorithms together */
	if (strcmp(sign_alg, "ed25519") && strcmp(sign_alg, "sm2")) {
		fprintf(stderr, "error: --sign-alg must be ed25519 or sm2\n");
		return 2;
	}
	if ((rc = cli_open_data(cfg.data_dir, &db, &e)))
		return cli_fail(&e);
	int64_t n = 0;
	if ((rc = store_event_count(db, &n, &e)))
		goto done;
	if (n > 0) {
		rc = err_set(&e, E_CONFLICT, "data-dir", "%s is already initialised (%lld events); nothing changed",
		             cfg.data_dir, (long long)n);
		goto done;
	}
	if ((rc = tlog_setup(cfg.data_dir, hash_alg, sign_alg, &e)))
		goto done;
	char now[32];
	util_now_iso(now, sizeof now);
	json_t *p = json_pack("{s:s,s:s,s:b,s:s}", "hash_alg", hash_alg, "sign_alg", sign_alg, "demo", demo,
	                      "created_at", now);
	if (!p) {
		rc = err_set(&e, E_NOMEM, NULL, "out of memory");
		goto done;
	}
	if ((rc = store_tx_begin(db, &e)) == OK) {
		if ((rc = store_meta_set(db, "hash_alg", hash_alg, &e)) == OK &&
		    (rc = store_meta_set(db, "demo", demo ? "1" : "0", &e)) == OK &&
		    (rc = store_meta_set(db, "created_at", now, &e)) == OK &&
		    (rc = audit_record(db, principal_system(), "system", "casebridge", "system.initialized", p, NULL,
		                       &e)) == OK)
			rc = store_tx_commit(db, &e);
		if (rc)
			store_tx_rollback(db);
	}
	json_decref(p);
	if (rc || (rc = org_seed(db, principal_system(), &e)))
		goto done;
	const embedded_file *hol = embedded_find("data/holidays_cn.csv");
	if (!hol) {
		rc = err_set(&e, E_INTERNAL, NULL, "holiday data missing from the build");
		goto done;
	}
	if ((rc = legal_import_holidays(db, principal_system(), hol->data, NULL, NULL, &e)))
		goto done;
	if (demo && ((rc = demo_seed(db, &e)) || (rc = demo_seed_matters(db, 200, 2026, &e)) ||
	             (rc = demo_seed_enforcement(db, &e))))
		goto done;
	store_tlog_head head;
	arena *ha = arena_new();
	if (!ha || (rc = tlog_sign_head(db, 0, ha, &head, &e))) {
		arena_free(ha);
		goto done;
	}
	arena_free(ha);
	store_event_count(db, &n, &e);
	printf("initialised %s: 116 areas, 580 units, %lld events, log hash %s%s\n", cfg.data_dir, (long long)n,
	       hash_alg, demo ? ", demo users and 200 demo matters" : "");
done:
	cli_close_data(db);
	return rc ? cli_fail(&e) : 0;
}

int cli_migrate(int argc, char **argv)
{
	config cfg;
	char *rest[64];
	int n_rest = 0, v = 0;
	err e = { 0 };
	store *db = NULL;
	if (argc > 64)
		return 2;
	if (cli_wants_help(argc, argv)) {
		printf("usage: casebridge migrate --data-dir DIR\n\nApplies the schema migrations that are "
		       "missing (serve also does this at start) and prints the schema version.\n");
		return 0;
	}
	if (cli_load_config(argc, argv, &cfg, &n_rest, rest))
		return 2;
	if (n_rest) {
		fprintf(stderr, "error: unknown argument %s\n", rest[0]);
		return 2;
	}
	if (cli_open_data(cfg.data_dir, &db, &e) || store_schema_version(db, &v, &e)) {
		store_close(db);
		return cli_fail(&e);
	}
	printf("schema version %d\n", v);
	cli_close_data(db);
	return 0;
}

int cli_demo_logins(int argc, char **argv)
{
	config cfg;
	char *rest[64];
	int n_rest = 0;
	err e = { 0 };
	store *db = NULL;
	if (argc > 64)
		return 2;
	if (cli_wants_help(argc, argv)) {
		printf("usage: casebridge demo-logins --data-dir DIR\n\nPrints the demo users of a database "
		       "created with init --demo.\n");
		return 0;
	}
	if (cli_load_config(argc, argv, &cfg, &n_rest, rest))
		return 2;
	int rc = cli_open_data(cfg.data_dir, &db, &e);
	if (rc == OK)
		rc = demo_print_logins(db, stdout, &e);
	cli_close_data(db);
	return rc ? cli_fail(&e) : 0;
}
