/*
 * config.h - the server's settings, declared once in a table (config.c) that drives defaults, the
 * config file, environment overrides and command-line flags, and the --help text. Precedence, lowest
 * first: built-in default, config file (<data-dir>/casebridge.conf or --config), environment variable
 * CASEBRIDGE_<NAME>, command-line flag --<name>.
 */
#ifndef CB_CONFIG_H
#define CB_CONFIG_H

#include "core/err.h"

#include <stdint.h>
#include <stdio.h>

typedef struct config {
	char data_dir[512];
	char listen[128];   /* host:port */
	char web_root[512]; /* built web app ("" = none) */
	char log_level[16];
	int64_t threads;          /* 0 = one per core */
	int64_t max_json_bytes;   /* JSON request bodies */
	int64_t max_upload_bytes; /* dossier files */
	int64_t max_header_bytes; /* per connection header/memory cap */
	int64_t request_timeout;  /* seconds a connection may idle */
	int64_t sth_interval;     /* seconds between signed tree heads while entries arrive */
	char synchronous[16];     /* "full" or "normal": see store_set_synchronous */
	int64_t group_commit;     /* most transactions per shared commit (0 = each commits alone) */
	int64_t writer_cache;     /* MiB of page cache of the shared writer (group commit) */
	/* enforcement (src/domain/enforce.h): time limits of assistance requests per kind, in working days
	 * (0 = the same day); case funds; the dishonest-debtor list; the query log */
	int64_t assist_locate_days, assist_consumption_days, assist_movement_days, assist_vehicles_days;
	int64_t assist_detain_days, assist_seize_days;
	int64_t funds_due_days;         /* days from a receipt's arrival to its disbursement */
	int64_t debtor_grace_days;      /* days from the notice to the debtor to publication */
	int64_t query_log_delay_days;   /* days before a person sees a lookup in their query log */
	int64_t enforce_sweep_interval; /* seconds between sweeps recording expiries and publications */
	int64_t query_code_days;        /* days a one-time query-log code stays valid */
	/* the per-client-IP token bucket of the public routes: refill per minute, bucket size (0 = off) */
	int64_t public_rate_per_minute, public_burst;
} config;

/* Defaults into cfg. */
void config_defaults(config *cfg);
/* Set one setting by name ("max-json-bytes" or "max_json_bytes") from text; E_INVALID naming it. */
int config_set(config *cfg, const char *name, const char *value, err *e);
/* Read "name = value" lines (# comments); a missing file is OK when optional. */
int config_load_file(config *cfg, const char *path, int optional, err *e);
/* Apply CASEBRIDGE_<NAME> environment variables. */
int config_load_env(config *cfg, err *e);
/* Print the settings table (for --help). */
void config_print_help(FILE *f);
/* 1 if name is a known setting. */
int config_known(const char *name);

#endif
