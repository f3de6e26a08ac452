/*
 * cli.h - the command-line commands. main.c holds the command table and dispatches; each command
 * parses its own flags, prints a useful --help, and returns the process exit code (0 ok, 1 failed,
 * 2 usage).
 */
#ifndef CB_CLI_H
#define CB_CLI_H

#include "core/config.h"
#include "core/err.h"
#include "store/store.h"

int cli_serve(int argc, char **argv);
int cli_init(int argc, char **argv);
int cli_migrate(int argc, char **argv);
int cli_user(int argc, char **argv);
int cli_demo_logins(int argc, char **argv);
int cli_routes(int argc, char **argv);
int cli_due(int argc, char **argv);
int cli_verify(int argc, char **argv);
int cli_export(int argc, char **argv);
int cli_monitor(int argc, char **argv);
int cli_calendar(int argc, char **argv);
int cli_gen(int argc, char **argv);
int cli_sweep(int argc, char **argv);

/* Shared: settings from defaults, the config file, the environment and flags. Flags are the
 * settings' names (--data-dir, --listen, ...) plus --config FILE; unknown flags are left in
 * *rest (argv order) for the command. Returns OK or E_INVALID (message printed). */
int cli_load_config(int argc, char **argv, config *cfg, int *out_n_rest, char **rest);
/* Open <data-dir>/casebridge.db (creating the directory), migrate, load the organisation cache. */
int cli_open_data(const char *data_dir, store **out, err *e);
/* 1 if the arguments ask for help (--help or -h anywhere). */
int cli_wants_help(int argc, char **argv);
/* Close what cli_open_data opened (the store and the process-wide caches); NULL is fine. */
void cli_close_data(store *db);
/* Print "error: message (field)" to stderr and return 1. */
int cli_fail(const err *e);

#endif
