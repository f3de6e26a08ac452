/*
 * config.c - the settings table and its sources. See config.h.
 */
#include "core/config.h"

#include "core/log.h"
#include "core/util.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

enum { T_STR, T_INT };

static const struct setting {
	const char *name; /* flag form: --name; file form: name or name_with_underscores */
	int type;
	size_t off, size;
	const char *def;
	int64_t min, max;
	const char *help;
} settings[] = {
	{ "data-dir", T_STR, offsetof(config, data_dir), sizeof(((config *)0)->data_dir), "var/data", 0, 0,
	  "directory of the database, keys, dossier files and casebridge.conf" },
	{ "listen", T_STR, offsetof(config, listen), sizeof(((config *)0)->listen), "127.0.0.1:8080", 0, 0,
	  "address and port to serve on" },
	{ "web-root", T_STR, offsetof(config, web_root), sizeof(((config *)0)->web_root), "", 0, 0,
	  "directory of the built web application (empty: API only)" },
	{ "log-level", T_STR, offsetof(config, log_level), sizeof(((config *)0)->log_level), "info", 0, 0,
	  "debug, info, warn, error or off" },
	{ "threads", T_INT, offsetof(config, threads), 0, "0", 0, 256,
	  "worker threads (0 = eight per core: workers wait for their batch's disk sync)" },
	{ "max-json-bytes", T_INT, offsetof(config, max_json_bytes), 0, "1048576", 1024, 64 << 20,
	  "largest JSON request body" },
	{ "max-upload-bytes", T_INT, offsetof(config, max_upload_bytes), 0, "67108864", 1024, INT64_C(4) << 30,
	  "largest dossier file" },
	{ "max-header-bytes", T_INT, offsetof(config, max_header_bytes), 0, "32768", 4096, 1 << 20,
	  "memory per connection for the request line and headers" },
	{ "request-timeout", T_INT, offsetof(config, request_timeout), 0, "30", 1, 3600,
	  "seconds a connection may stay idle" },
	{ "sth-interval", T_INT, offsetof(config, sth_interval), 0, "10", 1, 86400,
	  "seconds between signed tree heads while events arrive" },
	{ "synchronous", T_STR, offsetof(config, synchronous), sizeof(((config *)0)->synchronous), "full", 0, 0,
	  "full: a write is on disk before it is acknowledged; normal: on disk at the next checkpoint" },
	{ "group-commit", T_INT, offsetof(config, group_commit), 0, "256", 0, 100000,
	  "most concurrent write transactions that share one commit (0 = each commits alone)" },
	{ "writer-cache", T_INT, offsetof(config, writer_cache), 0, "32", 0, 4096,
	  "MiB of page cache of the one writer connection (readers have 4 MiB each)" },
	{ "assist-locate-days", T_INT, offsetof(config, assist_locate_days), 0, "5", 0, 60,
	  "working days the police have to answer a request to locate a person (0 = same day)" },
	{ "assist-consumption-days", T_INT, offsetof(config, assist_consumption_days), 0, "5", 0, 60,
	  "working days to answer a request for consumption records" },
	{ "assist-movement-days", T_INT, offsetof(config, assist_movement_days), 0, "5", 0, 60,
	  "working days to answer a request for a movement track" },
	{ "assist-vehicles-days", T_INT, offsetof(config, assist_vehicles_days), 0, "5", 0, 60,
	  "working days to answer a request for vehicles" },
	{ "assist-detain-days", T_INT, offsetof(config, assist_detain_days), 0, "0", 0, 60,
	  "working days to carry out a judicial detention order (0 = the same day)" },
	{ "assist-seize-days", T_INT, offsetof(config, assist_seize_days), 0, "5", 0, 60,
	  "working days to answer a request to seize a vehicle" },
	{ "funds-due-days", T_INT, offsetof(config, funds_due_days), 0, "30", 1, 365,
	  "days within which case funds are disbursed after they arrive" },
	{ "debtor-grace-days", T_INT, offsetof(config, debtor_grace_days), 0, "3", 0, 90,
	  "days from the notice to a listed debtor until the listing is published" },
	{ "query-log-delay-days", T_INT, offsetof(config, query_log_delay_days), 0, "30", 0, 3650,
	  "days before a person can see a lookup of their data in their query log" },
	{ "enforce-sweep-interval", T_INT, offsetof(config, enforce_sweep_interval), 0, "3600", 1, 86400,
	  "seconds between sweeps that record expired orders and listings and published listings as events" },
	{ "query-code-days", T_INT, offsetof(config, query_code_days), 0, "30", 1, 365,
	  "days a one-time code for the query log stays valid" },
	{ "public-rate-per-minute", T_INT, offsetof(config, public_rate_per_minute), 0, "600", 0, 600000,
	  "requests per minute each client IP may make to the public routes (0 = no limit)" },
	{ "public-burst", T_INT, offsetof(config, public_burst), 0, "300", 1, 100000,
	  "requests a client IP may make to the public routes at once before the rate applies" },
};
#define N_SETTINGS (sizeof settings / sizeof settings[0])

static const struct setting *find(const char *name)
{
	char norm[64];
	size_t n = util_strlcpy(norm, name, sizeof norm);
	if (n >= sizeof norm)
		return NULL;
	for (char *p = norm; *p; p++)
		if (*p == '_')
			*p = '-';
		else
			*p = (char)tolower((unsigned char)*p);
	for (size_t i = 0; i < N_SETTINGS; i++)
		if (strcmp(settings[i].name, norm) == 0)
			return &settings[i];
	return NULL;
}

int config_known(const char *name)
{
	return find(name) != NULL;
}

int config_set(config *cfg, const char *name, const char *value, err *e)
{
	const struct setting *s = find(name);
	if (!s)
		return err_set(e, E_INVALID, name, "unknown setting %s", name);
	char *base = (char *)cfg + s->off;
	if (s->type == T_STR) {
		if (strlen(value) >= s->size)
			return err_set(e, E_INVALID, s->name, "%s is too long", s->name);
		if (!strcmp(s->name, "log-level") && log_level_parse(value) < 0)
			return err_set(e, E_INVALID, s->name, "log-level must be debug, info, warn, error or off");
		util_strlcpy(base, value, s->size);
		return OK;
	}
	int64_t v;
	if (util_parse_i64(value, s->min, s->max, &v))
		return err_set(e, E_INVALID, s->name, "%s must be a whole number from %lld to %lld", s->name,
		               (long long)s->min, (long long)s->max);
	memcpy(base, &v, sizeof v);
	return OK;
}

void config_defaults(config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	for (size_t i = 0; i < N_SETTINGS; i++)
		config_set(cfg, settings[i].name, settings[i].def, NULL);
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = 0;
	return s;
}

int config_load_file(config *cfg, const char *path, int optional, err *e)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return optional ? OK : err_set(e, E_IO, "config", "cannot read config file %s", path);
	char line[1024];
	int n = 0, rc = OK;
	while (fgets(line, sizeof line, f)) {
		n++;
		char *s = trim(line);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			rc = err_set(e, E_INVALID, "config", "%s:%d: expected name = value", path, n);
			break;
		}
		*eq = 0;
		char *name = trim(s), *value = trim(eq + 1);
		if ((rc = config_set(cfg, name, value, e))) {
			char msg[ERR_MESSAGE_MAX];
			util_strlcpy(msg, e ? e->message : "", sizeof msg);
			rc = err_set(e, rc, name, "%s:%d: %s", path, n, msg);
			break;
		}
	}
	fclose(f);
	return rc;
}

int config_load_env(config *cfg, err *e)
{
	for (size_t i = 0; i < N_SETTINGS; i++) {
		char env[64] = "CASEBRIDGE_";
		size_t o = strlen(env);
		for (const char *p = settings[i].name; *p && o + 1 < sizeof env; p++)
			env[o++] = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
		env[o] = 0;
		const char *v = getenv(env);
		if (v) {
			int rc = config_set(cfg, settings[i].name, v, e);
			if (rc) {
				char msg[ERR_MESSAGE_MAX]; /* e->message cannot be both source and destination */
				util_strlcpy(msg, e ? e->message : "invalid", sizeof msg);
				return err_set(e, rc, env, "environment %s: %s", env, msg);
			}
		}
	}
	return OK;
}

void config_print_help(FILE *f)
{
	fprintf(f,
	        "Settings (flag --name VALUE, environment CASEBRIDGE_NAME, or 'name = value' in casebridge.conf):\n");
	for (size_t i = 0; i < N_SETTINGS; i++)
		fprintf(f, "  --%-22s %s (default %s)\n", settings[i].name, settings[i].help,
		        settings[i].def[0] ? settings[i].def : "empty");
}
