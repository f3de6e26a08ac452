/*
 * cli_common.c - what every command shares: settings and opening the data directory.
 */
#include "cli/cli.h"

#include "core/log.h"
#include "core/util.h"
#include "domain/legal.h"
#include "domain/numbering.h"
#include "domain/tlog.h"
#include "domain/org.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
	return 0;
}

void cli_close_data(store *db)
{
	store_close(db);
	org_cache_free();
	legal_free();
	numbering_free();
	tlog_free();
}

int cli_fail(const err *e)
{
	if (e->field[0])
		fprintf(stderr, "error: %s (%s)\n", e->message, e->field);
	else
		fprintf(stderr, "error: %s\n", e->message);
	return 1;
}

int cli_load_config(int argc, char **argv, config *cfg, int *out_n_rest, char **rest)
{
	err e = { 0 };
	const char *config_file = NULL;
	int n_rest = 0;
	config_defaults(cfg);
	config_load_env(cfg, &e);
	/* First pass: find --data-dir and --config so the file is read before flags override it. After
	 * the environment, so that a --data-dir flag also outranks CASEBRIDGE_DATA_DIR in choosing the file. */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--config") && i + 1 < argc)
			config_file = argv[i + 1];
		if (!strcmp(argv[i], "--data-dir") && i + 1 < argc)
			config_set(cfg, "data-dir", argv[i + 1], NULL);
	}
	char path[700];
	if (!config_file) {
		snprintf(path, sizeof path, "%s/casebridge.conf", cfg->data_dir);
		config_file = path;
		if (config_load_file(cfg, config_file, 1, &e))
			return cli_fail(&e), E_INVALID;
	} else if (config_load_file(cfg, config_file, 0, &e)) {
		return cli_fail(&e), E_INVALID;
	}
	if (e.code || config_load_env(cfg, &e))
		return cli_fail(&e), E_INVALID;
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--", 2) && config_known(argv[i] + 2)) {
			if (i + 1 >= argc) {
				fprintf(stderr, "error: %s needs a value\n", argv[i]);
				return E_INVALID;
			}
			if (config_set(cfg, argv[i] + 2, argv[i + 1], &e))
				return cli_fail(&e), E_INVALID;
			i++;
		} else if (!strcmp(argv[i], "--config")) {
			i++;
		} else {
			rest[n_rest++] = argv[i];
		}
	}
	rest[n_rest] = NULL;
	*out_n_rest = n_rest;
	log_set_level(log_level_parse(cfg->log_level));
	return OK;
}

static int mkdirs(const char *path)
{
	char tmp[600];
	size_t n = util_strlcpy(tmp, path, sizeof tmp);
	if (n >= sizeof tmp)
		return -1;
	for (char *p = tmp + 1; *p; p++) {
		if (*p == '/') {
			*p = 0;
			if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
				return -1;
			*p = '/';
		}
	}
	if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

int cli_open_data(const char *data_dir, store **out, err *e)
{
	char path[700];
	if (mkdirs(data_dir) != 0)
		return err_set(e, E_IO, "data-dir", "cannot create data directory %s: %s", data_dir, strerror(errno));
	snprintf(path, sizeof path, "%s/casebridge.db", data_dir);
	store *db = NULL;
	int rc = store_open(path, &db, e);
	if (rc == OK)
		rc = store_migrate(db, NULL, e);
	if (rc == OK)
		rc = org_cache_load(db, e);
	if (rc == OK)
		rc = legal_init(db, data_dir, e);
	if (rc == OK)
		rc = numbering_init(data_dir, e);
	if (rc == OK) {
		/* an initialised store has its log algorithm and key; a new one gets them from init */
		arena *a = arena_new();
		char *alg = NULL;
		if (!a)
			rc = err_set(e, E_NOMEM, NULL, "out of memory");
		else if (store_meta_get(db, "hash_alg", a, &alg, NULL) == OK)
			rc = tlog_init(db, data_dir, e);
		arena_free(a);
	}
	if (rc) {
		store_close(db);
		return rc;
	}
	*out = db;
	return OK;
}
