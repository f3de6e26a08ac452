/*
 * cli_gen.c - `casebridge gen`: a synthetic region for benchmarks (src/domain/gen.c does the work).
 * Creates the data directory like `init` when it is new, adds the demo users (so the benchmark can
 * log in; the database is marked demo), then files and walks N matters with a progress bar on stderr.
 */
#include "cli/cli.h"

#include "core/util.h"
#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/demo.h"
#include "domain/gen.h"
#include "domain/legal.h"
#include "domain/org.h"
#include "domain/tlog.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: casebridge gen --matters N --data-dir DIR [--seed S] [--years Y] [--as-of YYYY-MM-DD]\n"
	           "                      [--batch B] [--durable]\n\n"
	           "Writes a synthetic region for benchmarks: N matters filed over the 103 counties by population\n"
	           "over the last Y years (default 10), walked through the flow by the domain code (every event\n"
	           "a Merkle leaf in its transaction), with valid synthetic ID numbers. The same seed (default 1)\n"
	           "and as-of day (default today) give the same data. A new DIR is initialised first; demo users\n"
	           "(password " DEMO_PASSWORD ") are added. B matters share one write transaction (default 500).\n"
	           "For speed the database runs with synchronous=OFF and a 1 GiB page cache while generating\n"
	           "(a power loss during gen may corrupt it; --durable keeps synchronous=NORMAL). Never use on\n"
	           "real data.\n");
}

struct progress {
	double t0;
	int tty;
	long last_pct;
	double last_t;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_progress(void *ctx, long done, long n, int64_t events)
{
	struct progress *p = ctx;
	double t = now_s(), el = t - p->t0;
	long pct = n ? done * 100 / n : 100;
	if (p->tty ? (t - p->last_t < 0.25 && done < n) : (pct / 5 == p->last_pct / 5 && done < n))
		return;
	p->last_pct = pct;
	p->last_t = t;
	double rate = el > 0 ? (double)done / el : 0;
	double eta = rate > 0 ? (double)(n - done) / rate : 0;
	char bar[41];
	int fill = (int)(pct * 40 / 100);
	for (int i = 0; i < 40; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[40] = 0;
	fprintf(stderr,
	        "%s[%s] %3ld%% %ld/%ld matters, %lld events, %.0f matters/s, %02d:%02d elapsed, eta %02d:%02d%s",
	        p->tty ? "\r" : "", bar, pct, done, n, (long long)events, rate, (int)el / 60, (int)el % 60,
	        (int)eta / 60, (int)eta % 60, p->tty ? "" : "\n");
	if (p->tty && done >= n)
		fputc('\n', stderr);
}

static int mark_demo(store *db, long n, uint64_t seed, err *e)
{
	arena *a = arena_new();
	store_user *v;
	size_t nu = 0;
	if (!a)
		return err_set(e, E_NOMEM, NULL, "out of memory");
	int rc = auth_user_list(db, a, &v, &nu, e);
	arena_free(a);
	if (rc == OK && nu == 0)
		rc = demo_seed(db, e);
	if (rc)
		return rc;
	json_t *p = json_pack("{s:I,s:I}", "matters", (json_int_t)n, "seed", (json_int_t)seed);
	if (!p)
		return err_set(e, E_NOMEM, NULL, "out of memory");
	if ((rc = store_tx_begin(db, e)) == OK) {
		if ((rc = store_meta_set(db, "demo", "1", e)) == OK &&
		    (rc = audit_record(db, principal_system(), "system", "casebridge", "system.synthetic_data", p, NULL,
		                       e)) == OK)
			rc = store_tx_commit(db, e);
		if (rc)
			store_tx_rollback(db);
	}
	json_decref(p);
	return rc;
}

int cli_gen(int argc, char **argv)
{
	config cfg;
	char *rest[64];
	int n_rest = 0, durable = 0;
	int64_t n = 0, seed = 1, years = 10, batch = 500;
	const char *as_of = NULL;
	err e = { 0 };
	store *db = NULL;
	if (argc > 64)
		return 2;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return usage(stdout), 0;
	if (cli_load_config(argc, argv, &cfg, &n_rest, rest))
		return 2;
	for (int i = 0; i < n_rest; i++) {
		const char *a = rest[i], *v = i + 1 < n_rest ? rest[i + 1] : NULL;
		if (!strcmp(a, "--durable")) {
			durable = 1;
			continue;
		}
		int bad = !v;
		if (!bad && !strcmp(a, "--matters"))
			bad = util_parse_i64(v, 1, 100000000, &n) != OK;
		else if (!bad && !strcmp(a, "--seed"))
			bad = util_parse_i64(v, 0, INT64_MAX, &seed) != OK;
		else if (!bad && !strcmp(a, "--years"))
			bad = util_parse_i64(v, 1, 30, &years) != OK;
		else if (!bad && !strcmp(a, "--batch"))
			bad = util_parse_i64(v, 1, 100000, &batch) != OK;
		else if (!bad && !strcmp(a, "--as-of"))
			as_of = v;
		else
			bad = 1;
		if (bad) {
			fprintf(stderr, "error: bad or unknown argument %s%s%s (see casebridge gen --help)\n", a,
			        v ? " " : "", v ? v : "");
			return 2;
		}
		i++;
	}
	if (n <= 0) {
		fprintf(stderr, "error: --matters N is required (see casebridge gen --help)\n");
		return 2;
	}
	int rc = cli_open_data(cfg.data_dir, &db, &e);
	int64_t events = 0;
	if (rc == OK)
		rc = store_event_count(db, &events, &e);
	if (rc)
		goto done;
	if (events == 0) {
		/* a new directory: exactly what `casebridge init` does */
		store_close(db);
		db = NULL;
		char *init_argv[] = { "init", "--data-dir", cfg.data_dir, NULL };
		if (cli_init(3, init_argv) != 0)
			return 1;
		if ((rc = cli_open_data(cfg.data_dir, &db, &e)))
			goto done;
	}
	if ((rc = mark_demo(db, (long)n, (uint64_t)seed, &e)))
		goto done;
	if ((rc = store_tune(db, durable ? "normal" : "off", 1024, &e)))
		goto done;
	struct progress pr = { .t0 = now_s(), .tty = isatty(2), .last_pct = -1 };
	gen_opts o = { .n_matters = (long)n,
		       .seed = (uint64_t)seed,
		       .years = (int)years,
		       .as_of = as_of,
		       .batch = (int)batch,
		       .data_dir = cfg.data_dir,
		       .progress = on_progress,
		       .progress_ctx = &pr };
	gen_stats st;
	rc = gen_region(db, &o, &st, &e);
	store_tune(db, "normal", 0, NULL);
	if (rc)
		goto done;
	arena *ha = arena_new();
	store_tlog_head head;
	if (!ha || (rc = tlog_sign_head(db, 0, ha, &head, &e))) {
		arena_free(ha);
		goto done;
	}
	arena_free(ha);
	double el = now_s() - pr.t0;
	printf("generated %ld matters (criminal %ld, civil %ld, administrative %ld, enforcement %ld) with %lld events "
	       "in %.1f s: %ld open, %ld overdue, %ld transfers pending; signed head of size %lld\n",
	       st.matters, st.by_kind[0], st.by_kind[1], st.by_kind[2], st.by_kind[3], (long long)st.events, el,
	       st.open, st.overdue, st.pending_transfers, (long long)head.tree_size);
done:
	store_close(db);
	org_cache_free();
	legal_free();
	tlog_free();
	return rc ? cli_fail(&e) : 0;
}
