/*
 * gen.h - a synthetic region for benchmarks (`casebridge gen`): matters filed over the 103 counties
 * roughly by population, a realistic mix of kinds, walked through the transition table by the same
 * domain functions the API calls (matter_file, matter_act, transfer_accept, transfer_return,
 * matter_extension_request/decide), so every event is a Merkle leaf appended in its own (savepoint)
 * transaction exactly as in production. Many matters share one outer store batch for speed.
 *
 * Identities are synthetic and valid (synth.h). The same seed and the same as-of date give the same
 * matters, parties, stages and dates; audit timestamps are the wall clock of the run.
 */
#ifndef CB_GEN_H
#define CB_GEN_H

#include "core/err.h"
#include "store/store.h"

#include <stdint.h>

typedef struct gen_opts {
	long n_matters;
	uint64_t seed;
	int years;            /* filing dates spread over this many years before as_of (default 10) */
	const char *as_of;    /* YYYY-MM-DD "today" of the walk; NULL = today (Asia/Shanghai) */
	int batch;            /* matters per store batch (default 500) */
	const char *data_dir; /* where dossier documents are stored; NULL = matters get no documents */
	/* called after every batch with matters and events so far; may be NULL */
	void (*progress)(void *ctx, long matters_done, long n_matters, int64_t events);
	void *progress_ctx;
} gen_opts;

typedef struct gen_stats {
	long matters, open, overdue, pending_transfers;
	int64_t events;
	long by_kind[4]; /* criminal, civil, administrative, enforcement */
} gen_stats;

/* Generate opts->n_matters matters into db (initialised: areas, units, calendar, log key loaded).
 * Returns OK or the first domain error (the current batch is rolled back, earlier ones stay). */
int gen_region(store *db, const gen_opts *opts, gen_stats *out, err *e);

/* The county weights (approximate resident population, 10,000s): for docs and tests. */
typedef struct gen_county {
	const char *code;
	int pop; /* 10,000s, 2020 census, rounded */
} gen_county;
extern const gen_county gen_counties[];
extern const size_t gen_n_counties;

#endif
