/*
 * tlog_bench.c - the verifiable log's costs, measured (not a test: it asserts nothing).
 *
 *   tlog_bench insert FILE [--sync normal|full] [--seconds S]
 *       The storage limit: plain single-row INSERTs, each its own transaction, in WAL mode at the
 *       given synchronous setting (the server runs normal). Prints insert_per_s=...
 *   tlog_bench log DIR --size N [--seconds S] [--proofs K]
 *       Builds (or reuses) a log of N entries in DIR through the real append path (audit_record ->
 *       tlog_append_event: event row, leaf hash, Merkle nodes in the same transaction), then measures
 *       at synchronous=normal and =full: audited appends (one transaction each, as a server write
 *       does) against plain single-row inserts into the same file, and K inclusion and K consistency
 *       proofs from the stored nodes (build and verify) at that size, first as the page cache happens
 *       to be, then after reading every node once ("warm_"); and the same audited appends made by 16
 *       threads at once through group commit (group_append_*), as the server makes them. Prints
 *       key=value lines.
 *
 * The log is built with synchronous=OFF and a 1 GiB page cache, many appends per outer transaction
 * (store batches): that only speeds up building; every timed figure uses the stated durability.
 */
#include "core/err.h"
#include "core/util.h"
#include "crypto/hash.h"
#include "crypto/merkle.h"
#include "domain/audit.h"
#include "domain/tlog.h"
#include "store/store.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* A payload like a transfer's: about 300 bytes of JSON. */
static json_t *payload(int64_t i)
{
	return json_pack("{s:{s:{s:s,s:s},s:{s:s,s:s}},s:{s:I,s:s,s:s,s:s,s:s,s:[]}}", "changes", "stage", "old",
	                 "investigation", "new", "arrest_review", "due_on", "old", "2026-12-01", "new", "2026-11-29",
	                 "transfer", "transfer_id", (json_int_t)i, "from_unit_id", "150103.police", "to_unit_id",
	                 "150103.procuratorate", "to_stage", "arrest_review", "accept_due_on", "2026-11-25",
	                 "manifest");
}

static int append_one(store *db, int64_t i, err *e)
{
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)i);
	json_t *p = payload(i);
	int rc = p ? store_tx_begin(db, e) : E_NOMEM;
	if (rc == OK && (rc = audit_record(db, principal_system(), "bench", id, "bench.appended", p, NULL, e)) == OK)
		rc = store_tx_commit(db, e);
	if (rc && store_in_tx(db))
		store_tx_rollback(db);
	json_decref(p);
	return rc;
}

/* ---- plain inserts: the storage limit ---- */
static double plain_insert_rate(const char *path, const char *sync, double seconds)
{
	sqlite3 *h;
	sqlite3_stmt *ins, *begin, *commit;
	char pragma[96];
	if (sqlite3_open(path, &h) != SQLITE_OK)
		return -1;
	snprintf(pragma, sizeof pragma, "PRAGMA journal_mode=WAL; PRAGMA synchronous=%s;", sync);
	sqlite3_exec(h, pragma, NULL, NULL, NULL);
	sqlite3_exec(h,
	             "CREATE TABLE IF NOT EXISTS bench_plain (id INTEGER PRIMARY KEY, at TEXT NOT NULL, payload TEXT "
	             "NOT NULL)",
	             NULL, NULL, NULL);
	sqlite3_prepare_v2(h, "INSERT INTO bench_plain(at,payload) VALUES(?,?)", -1, &ins, NULL);
	sqlite3_prepare_v2(h, "BEGIN IMMEDIATE", -1, &begin, NULL);
	sqlite3_prepare_v2(h, "COMMIT", -1, &commit, NULL);
	json_t *p = payload(1);
	char *text = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(p);
	long n = 0;
	double t0 = now_s(), t = t0;
	while (t - t0 < seconds) {
		char at[32];
		util_now_iso(at, sizeof at);
		sqlite3_step(begin);
		sqlite3_reset(begin);
		sqlite3_bind_text(ins, 1, at, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 2, text, -1, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			fprintf(stderr, "plain insert failed: %s\n", sqlite3_errmsg(h));
			break;
		}
		sqlite3_reset(ins);
		sqlite3_step(commit);
		sqlite3_reset(commit);
		if (++n % 64 == 0)
			t = now_s();
	}
	t = now_s();
	free(text);
	sqlite3_finalize(ins);
	sqlite3_finalize(begin);
	sqlite3_finalize(commit);
	sqlite3_close(h);
	return (double)n / (t - t0);
}

static int cmd_insert(int argc, char **argv)
{
	const char *path = argv[2], *sync = "normal";
	double seconds = 5;
	for (int i = 3; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--sync"))
			sync = argv[i + 1];
		else if (!strcmp(argv[i], "--seconds"))
			seconds = atof(argv[i + 1]);
	}
	double r = plain_insert_rate(path, sync, seconds);
	printf("insert_sync=%s\ninsert_per_s=%.0f\n", sync, r);
	return r > 0 ? 0 : 1;
}

/* ---- the log ---- */
static int build(store *db, const char *dir, int64_t target, err *e)
{
	int64_t n = 0;
	int rc = store_event_count(db, &n, e);
	if (rc)
		return rc;
	if (n == 0) {
		if ((rc = tlog_setup(dir, "sha256", "ed25519", e)) || (rc = store_tx_begin(db, e)) ||
		    (rc = store_meta_set(db, "hash_alg", "sha256", e)) ||
		    (rc = audit_record(db, principal_system(), "system", "bench", "system.initialized", NULL, NULL,
		                       e)) ||
		    (rc = store_tx_commit(db, e)))
			return rc;
		n = 1;
	} else if ((rc = tlog_init(db, dir, e))) {
		return rc;
	}
	if (n >= target)
		return OK;
	fprintf(stderr, "building a log of %lld entries in %s (real append path, batched)...\n", (long long)target,
	        dir);
	double t0 = now_s();
	store_tune(db, "off", 1024, NULL);
	while (rc == OK && n < target) {
		if ((rc = store_batch_begin(db, e)))
			break;
		for (int k = 0; rc == OK && k < 20000 && n < target; k++)
			rc = append_one(db, ++n, e);
		if (rc) {
			store_batch_rollback(db);
			break;
		}
		rc = store_batch_commit(db, e);
		if ((n / 20000) % 25 == 0)
			fprintf(stderr, "  %lld entries, %.0f s\n", (long long)n, now_s() - t0);
	}
	store_tune(db, "normal", 0, NULL);
	fprintf(stderr, "built %lld entries in %.1f s (%.0f appends/s batched)\n", (long long)n, now_s() - t0,
	        (double)target / (now_s() - t0));
	return rc;
}

static double timed_appends(store *db, const char *sync, double seconds, err *e)
{
	int64_t n;
	if (store_event_count(db, &n, e) || store_tune(db, sync, 0, e))
		return -1;
	long done = 0;
	double t0 = now_s(), t = t0;
	while (t - t0 < seconds) {
		if (append_one(db, ++n, e))
			return -1;
		if (++done % 32 == 0)
			t = now_s();
	}
	t = now_s();
	store_tune(db, "normal", 0, NULL);
	return (double)done / (t - t0);
}

/* Audited appends from many threads at once through group commit (store_group_start), as the
 * server's write requests make them: each its own transaction, batches sharing one WAL sync. */
typedef struct appender {
	const char *path;
	int64_t base;
	double until;
	long done;
	int rc;
} appender;

static void *run_appender(void *arg)
{
	appender *ap = arg;
	store *db = NULL;
	err e = { 0 };
	if ((ap->rc = store_open(ap->path, &db, &e)))
		return NULL;
	while (now_s() < ap->until && (ap->rc = append_one(db, ap->base + ap->done + 1, &e)) == OK)
		ap->done++;
	store_close(db);
	return NULL;
}

static double group_appends(const char *path, const char *sync, int n_threads, double seconds, err *e)
{
	if (store_set_synchronous(sync, e) || store_group_start(path, 256, 0, e))
		return -1;
	pthread_t t[64];
	appender ap[64];
	n_threads = n_threads > 64 ? 64 : n_threads;
	double t0 = now_s();
	for (int i = 0; i < n_threads; i++) {
		ap[i] = (appender){ path, 1000000000LL * (i + 1), t0 + seconds, 0, OK };
		pthread_create(&t[i], NULL, run_appender, &ap[i]);
	}
	long done = 0;
	int rc = OK;
	for (int i = 0; i < n_threads; i++) {
		pthread_join(t[i], NULL);
		done += ap[i].done;
		rc = rc ? rc : ap[i].rc;
	}
	double dt = now_s() - t0;
	store_group_counters gc;
	store_group_stats(&gc);
	store_group_stop();
	store_set_synchronous("normal", NULL);
	if (rc)
		return err_set(e, rc, NULL, "group append failed"), -1;
	printf("group_%s_threads=%d\ngroup_%s_tx_per_commit=%.1f\ngroup_%s_syncs=%lld\n", sync, n_threads, sync,
	       gc.batches ? (double)gc.transactions / (double)gc.batches : 0, sync, (long long)gc.syncs);
	return (double)done / dt;
}

static void stats(const char *prefix, const char *name, double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	double sum = 0;
	for (int i = 0; i < n; i++)
		sum += v[i];
	printf("%s%s_mean_us=%.1f\n%s%s_p50_us=%.1f\n%s%s_p99_us=%.1f\n", prefix, name, sum / n * 1e6, prefix, name,
	       v[n / 2] * 1e6, prefix, name, v[(int)(n * 0.99)] * 1e6);
}

/* Read every node once (a full scan through a second connection), so that the next proofs find their
 * pages in the OS page cache: "warm" figures are the work of a proof, "cold" ones include the disk. */
static void warm_nodes(const char *path)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return;
	if (sqlite3_prepare_v2(h, "SELECT sum(length(hash)) FROM tlog_nodes", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_step(st);
		sqlite3_finalize(st);
	}
	sqlite3_close(h);
}

static int proofs(store *db, int count, const char *prefix, err *e)
{
	int64_t n;
	int rc = store_event_count(db, &n, e);
	if (rc)
		return rc;
	double *tin = calloc((size_t)count, sizeof *tin), *tcons = calloc((size_t)count, sizeof *tcons),
	       *tver = calloc((size_t)count, sizeof *tver);
	unsigned char root[32], path[MERKLE_MAX_PROOF][32];
	size_t np;
	uint64_t seed = 12345;
	if (!tin || !tcons || !tver || (rc = tlog_root(db, (uint64_t)n, root, e)))
		goto done;
	store_read_begin(db, e);
	for (int i = 0; i < count && rc == OK; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		uint64_t idx = (seed >> 11) % (uint64_t)n;
		double t0 = now_s();
		rc = tlog_prove_inclusion(db, idx, (uint64_t)n, path, MERKLE_MAX_PROOF, &np, e);
		double t1 = now_s();
		tin[i] = t1 - t0;
		if (rc)
			break;
		/* verify against the leaf stored for that entry */
		unsigned char leaf[32];
		if ((rc = store_tlog_node_get(db, 0, idx, leaf, e)))
			break;
		t0 = now_s();
		if (merkle_verify_inclusion(tlog_hash_alg(), idx, (uint64_t)n, leaf, (const uint8_t(*)[32])path, np,
		                            root) != OK) {
			rc = err_set(e, E_INTEGRITY, NULL, "inclusion proof of %llu does not verify",
			             (unsigned long long)idx);
			break;
		}
		tver[i] = now_s() - t0;
		uint64_t m = 1 + (seed >> 7) % (uint64_t)(n - 1);
		t0 = now_s();
		rc = tlog_prove_consistency(db, m, (uint64_t)n, path, MERKLE_MAX_PROOF, &np, e);
		tcons[i] = now_s() - t0;
	}
	store_read_end(db);
	if (rc == OK) {
		printf("proof_size=%lld\nproof_count=%d\n", (long long)n, count);
		stats(prefix, "inclusion", tin, count);
		stats(prefix, "consistency", tcons, count);
		stats(prefix, "verify_inclusion", tver, count);
	}
done:
	free(tin);
	free(tcons);
	free(tver);
	return rc;
}

static int cmd_log(int argc, char **argv)
{
	const char *dir = argv[2];
	int64_t size = 1000000;
	double seconds = 5;
	int count = 2000;
	err e = { 0 };
	for (int i = 3; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--size"))
			size = atoll(argv[i + 1]);
		else if (!strcmp(argv[i], "--seconds"))
			seconds = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--proofs"))
			count = atoi(argv[i + 1]);
	}
	char path[600];
	mkdir(dir, 0700);
	snprintf(path, sizeof path, "%s/casebridge.db", dir);
	store *db = NULL;
	int rc = store_open(path, &db, &e);
	if (rc == OK)
		rc = store_migrate(db, NULL, &e);
	if (rc == OK)
		rc = build(db, dir, size, &e);
	if (rc == OK)
		rc = proofs(db, count, "", &e); /* as the cache happens to be */
	if (rc == OK) {
		warm_nodes(path);
		rc = proofs(db, count, "warm_", &e);
	}
	static const char *const syncs[] = { "normal", "full" };
	for (int s = 0; rc == OK && s < 2; s++) {
		double ap = timed_appends(db, syncs[s], seconds, &e);
		double pl = plain_insert_rate(path, syncs[s], seconds);
		if (ap < 0 || pl < 0) {
			rc = e.code ? e.code : E_STORE;
			break;
		}
		printf("append_%s_per_s=%.0f\ninsert_%s_per_s=%.0f\nappend_vs_insert_%s=%.3f\n", syncs[s], ap, syncs[s],
		       pl, syncs[s], ap / pl);
		/* the same appends from 16 threads through group commit, against the same plain inserts */
		double gp = group_appends(path, syncs[s], 16, seconds, &e);
		if (gp < 0) {
			rc = e.code ? e.code : E_STORE;
			break;
		}
		printf("group_append_%s_per_s=%.0f\ngroup_append_vs_insert_%s=%.3f\n", syncs[s], gp, syncs[s], gp / pl);
	}
	store_close(db);
	tlog_free();
	if (rc)
		fprintf(stderr, "error: %s\n", e.message);
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "insert"))
		return cmd_insert(argc, argv);
	if (argc >= 3 && !strcmp(argv[1], "log"))
		return cmd_log(argc, argv);
	fprintf(stderr, "usage: tlog_bench insert FILE [--sync normal|full] [--seconds S]\n"
	                "       tlog_bench log DIR --size N [--seconds S] [--proofs K]\n");
	return 2;
}
