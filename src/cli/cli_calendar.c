/*
 * cli_calendar.c - `casebridge calendar import FILE` and `casebridge calendar show`: the official
 * holiday calendar an administrator keeps (State Council notices). An import is one event.
 */
#include "cli/cli.h"

#include "domain/legal.h"
#include "domain/org.h"
#include "domain/tlog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f,
	        "usage:\n"
	        "  casebridge calendar import FILE --data-dir DIR   add or correct days (CSV: date,kind,name,source)\n"
	        "  casebridge calendar show --data-dir DIR          the years covered\n\n"
	        "kind is holiday (法定节假日) or workday (调休上班, a Saturday or Sunday). The whole file is checked\n"
	        "before anything is written; the import is recorded in the log; a running server picks it up.\n");
}

int cli_calendar(int argc, char **argv)
{
	config cfg;
	char *rest[64];
	int n_rest = 0, rc = OK;
	err e = { 0 };
	store *db = NULL;
	char *text = NULL;
	if (argc < 2 || argc > 64 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return usage(argc < 2 ? stderr : stdout), argc < 2 ? 2 : 0;
	const char *sub = argv[1];
	if (cli_load_config(argc - 1, argv + 1, &cfg, &n_rest, rest))
		return 2;
	if (strcmp(sub, "import") && strcmp(sub, "show")) {
		fprintf(stderr, "error: unknown calendar command %s (import, show)\n", sub);
		return 2;
	}
	if (!strcmp(sub, "import") && n_rest != 1) {
		fprintf(stderr, "error: calendar import needs one FILE\n");
		return 2;
	}
	if ((rc = cli_open_data(cfg.data_dir, &db, &e)))
		return cli_fail(&e);
	if (!strcmp(sub, "import")) {
		FILE *f = fopen(rest[0], "rb");
		long n = -1;
		if (f && fseek(f, 0, SEEK_END) == 0)
			n = ftell(f);
		if (!f || n < 0 || n > (1 << 20) || fseek(f, 0, SEEK_SET) != 0 || !(text = calloc(1, (size_t)n + 1)) ||
		    fread(text, 1, (size_t)n, f) != (size_t)n) {
			rc = err_set(&e, E_IO, "file", "cannot read %s (at most 1 MB)", rest[0]);
		} else {
			int added, changed;
			rc = legal_import_holidays(db, principal_system(), text, &added, &changed, &e);
			if (rc == OK)
				printf("imported %s: %d days added, %d changed\n", rest[0], added, changed);
		}
		if (f)
			fclose(f);
	}
	if (rc == OK) {
		int first, last;
		legal_calendar_years(&first, &last);
		printf("the calendar covers %d-%d; later dates count weekends only and say so\n", first, last);
	}
	free(text);
	cli_close_data(db);
	return rc ? cli_fail(&e) : 0;
}
