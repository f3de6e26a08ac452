/*
 * cli_due.h - the `casebridge due` subcommand: compute a statutory due date from the command line with
 * the holiday calendar and rules table built into the binary, for clerks checking a date by hand and for
 * scripts. main.c dispatches `casebridge due ...` here; the counting itself lives in domain/calendar.
 *
 *   casebridge due --start YYYY-MM-DD [--days N] [--months N] [--working-days N] [--criminal] [--custody]
 *   casebridge due --start YYYY-MM-DD --rule RULE_ID [--extensions N]
 *
 * Output: the due date (YYYY-MM-DD) on the first line and a one-line explanation on the second; with
 * --rule a third line gives the legal basis; --explain adds every counting step.
 */
#ifndef CB_CLI_DUE_H
#define CB_CLI_DUE_H

#include <stdio.h>

/*
 * Run `due` with argv[0] the subcommand name ("due") and its options in argv[1..argc-1], writing to
 * stdout and stderr. Returns the process exit code: 0 done (also for --help), 2 usage error (unknown or
 * repeated option, missing --start, a bad date or number, an impossible combination, an unknown rule),
 * 1 internal failure (the built-in tables cannot be loaded, no memory).
 */
int cli_due(int argc, char **argv);

/* cli_due with the output streams given, for tests. */
int cli_due_run(int argc, char **argv, FILE *out, FILE *errout);

#endif
