/*
 * cli_serve.c - `casebridge serve`: run the HTTP server until SIGTERM or SIGINT, then drain.
 */
#include "cli/cli.h"

#include "api/api.h"
#include "core/log.h"
#include "core/mem.h"
#include "domain/enforce.h"
#include "domain/legal.h"
#include "domain/org.h"
#include "domain/tlog.h"
#include "store/store.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

/* malloc arenas shared by the server's threads (see mem_set_arena_max) */
#define SERVE_MALLOC_ARENAS 4

static void usage(FILE *f)
{
	fprintf(f, "usage: casebridge serve [--data-dir DIR] [--listen HOST:PORT] [--config FILE] [settings...]\n\n"
	           "Serves the API (and the web application from --web-root) until SIGTERM or SIGINT; then stops\n"
	           "accepting, lets requests in flight finish (up to 10 s) and closes the database cleanly.\n"
	           "The data directory must have been created with `casebridge init`.\n\n");
	config_print_help(f);
}

int cli_serve(int argc, char **argv)
{
	config cfg;
	char *rest[64];
	int n_rest = 0;
	err e = { 0 };
	if (argc > 64)
		return 2;
	if (cli_wants_help(argc, argv))
		return usage(stdout), 0;
	if (cli_load_config(argc, argv, &cfg, &n_rest, rest))
		return 2;
	if (n_rest) {
		fprintf(stderr, "error: unknown argument %s (see casebridge serve --help)\n", rest[0]);
		return 2;
	}
	if (store_set_synchronous(cfg.synchronous, &e)) {
		fprintf(stderr,
		        "error: invalid setting synchronous=%s: use full or normal (--synchronous, "
		        "CASEBRIDGE_SYNCHRONOUS)\n",
		        cfg.synchronous);
		return 2;
	}
	mem_set_arena_max(SERVE_MALLOC_ARENAS);
	store *db = NULL;
	if (cli_open_data(cfg.data_dir, &db, &e))
		return cli_fail(&e);
	int64_t n_events = 0;
	store_event_count(db, &n_events, &e);
	store_close(db);
	if (n_events == 0) {
		fprintf(stderr, "error: %s is not initialised; run: casebridge init --data-dir %s [--demo]\n",
		        cfg.data_dir, cfg.data_dir);
		return 1;
	}
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL); /* worker threads inherit the mask */
	signal(SIGPIPE, SIG_IGN);
	server *s = NULL;
	char db_path[700];
	snprintf(db_path, sizeof db_path, "%s/casebridge.db", cfg.data_dir);
	if (cfg.group_commit > 0 && store_group_start(db_path, (int)cfg.group_commit, (int)cfg.writer_cache, &e))
		return cli_fail(&e);
	if (tlog_signer_start(db_path, (int)cfg.sth_interval, &e)) {
		store_group_stop();
		return cli_fail(&e);
	}
	if (enforce_sweeper_start(db_path, (int)cfg.enforce_sweep_interval, &e)) {
		tlog_signer_stop();
		store_group_stop();
		return cli_fail(&e);
	}
	if (server_start(&cfg, &s, &e)) {
		enforce_sweeper_stop();
		tlog_signer_stop();
		store_group_stop();
		return cli_fail(&e);
	}
	int sig = 0;
	sigwait(&set, &sig);
	log_event(LOG_INFO, "shutdown", "signal=%d", sig);
	server_stop(s, 10000);
	enforce_sweeper_stop();
	tlog_signer_stop();
	store_group_counters gc;
	store_group_stats(&gc);
	store_group_stop();
	log_event(LOG_INFO, "group_commit",
	          "batches=%lld transactions=%lld failed=%lld syncs=%lld frames=%lld held_ms=%lld commit_ms=%lld "
	          "sync_ms=%lld checkpoints=%lld checkpoint_ms=%lld",
	          (long long)gc.batches, (long long)gc.transactions, (long long)gc.failed, (long long)gc.syncs,
	          (long long)gc.frames, (long long)gc.held_ms, (long long)gc.commit_ms, (long long)gc.sync_ms,
	          (long long)gc.checkpoints, (long long)gc.checkpoint_ms);
	org_cache_free();
	legal_free();
	tlog_free();
	return 0;
}
