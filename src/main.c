/*
 * main.c - the casebridge command: a table of commands, each in src/cli/. Everything else is in the
 * library (libcasebridge.a) that the tests link too.
 */
#include "cli/cli.h"
#include "core/json_mem.h"

#include <stdio.h>
#include <string.h>

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "serve", cli_serve, "serve the API and web application" },
	{ "init", cli_init, "create a data directory (--demo for demo data)" },
	{ "migrate", cli_migrate, "apply schema migrations" },
	{ "user", cli_user, "add, passwd, disable, enable users" },
	{ "demo-logins", cli_demo_logins, "print the demo users of a demo database" },
	{ "routes", cli_routes, "print the API route table" },
	{ "due", cli_due, "compute a due date (period calculator)" },
	{ "calendar", cli_calendar, "import or show the official holiday calendar" },
	{ "verify", cli_verify, "check the verifiable log (database or export)" },
	{ "export", cli_export, "export the verifiable log (--log DIR)" },
	{ "monitor", cli_monitor, "check a server's signed tree heads stay consistent" },
	{ "sweep", cli_sweep, "record expired orders and listings and published listings as events" },
	{ "gen", cli_gen, "generate a synthetic region for benchmarks (--matters N)" },
};

static void usage(FILE *f)
{
	fprintf(f, "casebridge - 政法协同办案监督平台 (cross-agency case platform)\n\n"
	           "usage: casebridge COMMAND [options]    (casebridge COMMAND --help for its options)\n\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].help);
}

int main(int argc, char **argv)
{
	json_mem_install(); /* before any JSON value: the server answers from request arenas */
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "casebridge: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return 2;
}
