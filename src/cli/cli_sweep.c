/*
 * cli_sweep.c - `casebridge sweep`: record, once each, what the calendar did in enforcement (control
 * orders and listings that reached their last day, listings published after the grace period) as
 * events, the same sweep the server runs every enforce-sweep-interval seconds (enforce_sweep).
 */
#include "cli/cli.h"

#include "domain/enforce.h"
#include "domain/legal.h"

#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: casebridge sweep [--data-dir DIR] [--today YYYY-MM-DD]\n\n"
	           "Writes the events of control orders and dishonest-debtor listings that expired, and of\n"
	           "listings published after the grace period, up to today (Beijing time) or an earlier --today.\n"
	           "Running"
	           " it again, or beside a running server, writes nothing twice.\n");
}

int cli_sweep(int argc, char **argv)
{
	config cfg;
	char *rest[64], today[11];
	int n_rest = 0, rc;
	err e = { 0 };
	store *db = NULL;
	if (argc > 64)
		return 2;
	if (cli_wants_help(argc, argv))
		return usage(stdout), 0;
	if (cli_load_config(argc, argv, &cfg, &n_rest, rest))
		return 2;
	legal_today(today);
	for (int i = 0; i < n_rest; i++) {
		if (!strcmp(rest[i], "--today") && i + 1 < n_rest && strlen(rest[i + 1]) == 10) {
			memcpy(today, rest[++i], 11);
		} else {
			fprintf(stderr, "error: unknown argument %s (see casebridge sweep --help)\n", rest[i]);
			return 2;
		}
	}
	char now[11];
	legal_today(now);
	if (strcmp(today, now) > 0) {
		/* an expiry recorded before its day would be a false record */
		fprintf(stderr, "error: --today %s is after today (%s)\n", today, now);
		return 2;
	}
	if (cli_open_data(cfg.data_dir, &db, &e))
		return cli_fail(&e);
	enforce_sweep_result r;
	rc = enforce_sweep(db, today, &r, &e);
	if (rc == OK)
		printf("sweep %s: %d control orders expired, %d listings expired, %d listings published\n", today,
		       r.orders_expired, r.listings_expired, r.listings_published);
	cli_close_data(db);
	return rc ? cli_fail(&e) : 0;
}
