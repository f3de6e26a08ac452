#!/bin/sh
# bench/report.sh RESULTS MATTERS EVENTS DB_MB DURATION THREADS CONNECTIONS - turns the key=value lines
# bench/run.sh collected into the markdown report: every result with its limit and the ratio.
set -eu
RESULTS=$1
printf '# CaseBridge benchmark report\n\n'
printf -- '- date: %s; machine: %s cores, %s GiB, %s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$(nproc)" \
	"$(awk '/MemTotal/{printf "%.0f", $2/1048576}' /proc/meminfo)" \
	"$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")"
printf -- '- region: %s matters, %s log entries, database %s MB; wrk %s s per run, %s threads, %s connections, loopback\n' \
	"$2" "$3" "$4" "$5" "$6" "$7"
printf -- '- versions: %s; %s; SQLite %s; %s\n\n' "$(wrk -v 2>&1 | head -n1 | awk '{print $1" "$2}')" \
	"$(nginx -v 2>&1 | sed 's/.*: //')" "$(sqlite3 --version | awk '{print $1}')" "$(openssl version | awk '{print $1" "$2}')"
awk '
function get(name, key,   line, n, i, kv, f) {
	line = R[name]; n = split(line, f, " ")
	for (i = 1; i <= n; i++) { split(f[i], kv, "="); if (kv[1] == key) return kv[2] }
	return ""
}
function row(label, name, limit, limitname, goal, goalok) {
	rps = get(name, "rps"); ratio = (limit > 0 ? rps / limit : 0)
	printf "| %s | %.0f | %.2f | %.2f | %d | %s %.0f/s | %.2f | %s | %s |\n", label, rps, get(name, "p50_ms"),
		get(name, "p99_ms"), get(name, "non2xx") + get(name, "errors"), limitname, limit, ratio, goal, goalok
}
{ name = $1; $1 = ""; R[name] = $0 }
END {
	http = get("http_limit", "rps"); ins = get("storage_limit", "rps"); sha = get("hash_limit", "rps")
	print "| measure | requests/s | p50 ms | p99 ms | non-2xx/errors | limit | ratio | goal | met |"
	print "| --- | ---: | ---: | ---: | ---: | --- | ---: | --- | --- |"
	printf "| HTTP limit: nginx, static 200-byte JSON | %.0f | %.2f | %.2f | %d | | 1.00 | | |\n", http,
		get("http_limit", "p50_ms"), get("http_limit", "p99_ms"), get("http_limit", "non2xx")
	split("matter workbench search supervision mix", reads, " ")
	split("matter page (GET /matters/{id})|workbench (GET /workbench)|search (GET /matters?party=)|supervision counts (GET /supervision)|read mix (40/25/15/20)", labels, "|")
	for (i = 1; i <= 5; i++) {
		n = "read_" reads[i]; ok = (get(n, "rps") >= 0.5 * http ? "yes" : "no")
		g = ">= 0.50"
		if (reads[i] == "supervision") { g = g ", p99 < 50 ms"; if (get(n, "p99_ms") >= 50) ok = "no" }
		row(labels[i], n, http, "nginx", g, ok)
	}
	n = "read_supervision_few"
	printf "| supervision counts, %s connections (a few committees at once) | %.0f | %.2f | %.2f | %d | | | p99 < 50 ms | %s |\n",
		threads, get(n, "rps"), get(n, "p50_ms"), get(n, "p99_ms"), get(n, "non2xx") + get(n, "errors"),
		(get(n, "p99_ms") != "" && get(n, "p99_ms") < 50 ? "yes" : "no")
	printf "| storage limit: plain single-row INSERT, WAL, synchronous=FULL (the server'"'"'s durability) | %.0f | | | | | 1.00 | | |\n", ins
	split("file transfer accept", writes, " ")
	split("new matter (POST /matters)|transfer (POST /matters/{id}/actions)|accept (POST /transfers/{id}/accept)", wl, "|")
	best = 0
	for (i = 1; i <= 3; i++) {
		n = "write_" writes[i]; if (get(n, "rps") > best) best = get(n, "rps")
		row(wl[i], n, ins, "insert", ">= 0.80", (get(n, "rps") >= 0.8 * ins ? "yes" : "no"))
	}
	for (k in R) if (k ~ /^tlog_/) {
		ga = get(k, "group_append_full_per_s"); gi = get(k, "insert_full_per_s")
		if (ga != "")
			printf "| audited log appends, 16 threads through group commit, no HTTP (tlog_bench at %s entries) | %.0f | | | | insert %.0f/s (same file) | %.2f | >= 0.80 | %s |\n",
				get(k, "proof_size"), ga, gi, (gi > 0 ? ga / gi : 0), (gi > 0 && ga >= 0.8 * gi ? "yes" : "no")
	}
	insn = get("storage_limit_normal", "rps")
	printf "| for reference: the same INSERT at synchronous=NORMAL (durable at checkpoints only) | %.0f | | | | | | | |\n", insn
	printf "| for reference: best write run against the NORMAL insert | %.0f | | | | insert %.0f/s | %.2f | | |\n", best, insn, (insn > 0 ? best / insn : 0)
	printf "| hash limit: SHA-256, 64-byte blocks (openssl speed) | %.0f | | | | | 1.00 | | |\n", sha
	# an audited write hashes about 4 times: the private part, the leaf, and on average one parent node
	# plus the entry encoding; the share of one core the log needs at the best write rate:
	printf "| log hashing at the best write rate (4 hashes per event) | %.0f | | | | sha256 %.0f/s | %.4f | | |\n",
		best * 4, sha, (sha > 0 ? best * 4 / sha : 0)
	st = get("startup", "ms")
	printf "| start-up to first /healthz | %s ms | | | | | | < 1000 ms | %s |\n", st, (st < 1000 ? "yes" : "no")
	pk = get("peak_rss", "kb") / 1024
	printf "| server peak memory (VmHWM), whole run | %.0f MB | | | | | | < 200 MB | %s |\n", pk, (pk < 200 ? "yes" : "no")
	printf "| server peak memory after the read runs | %.0f MB | | | | | | | |\n", get("peak_rss_reads", "kb") / 1024
	gb = get("group_commit", "batches"); gt = get("group_commit", "transactions")
	if (gb > 0)
		printf "\nGroup commit over the whole server run: %d write transactions in %d commits (%.1f per commit) and %s WAL syncs; %s ms holding the writer, %s ms of it in COMMIT; %s ms in WAL syncs outside the lock; %s failed batches.\n",
			gt, gb, gt / gb, get("group_commit", "syncs"), get("group_commit", "held_ms"), get("group_commit", "commit_ms"),
			get("group_commit", "sync_ms"), get("group_commit", "failed")
	printf "\nLoad average (1/5/15 min) at the end of the run: %s. The machine is shared with other work, so figures vary between runs; see docs/benchmarks.md for repeated runs.\n", get("load", "avg")
	it = get("ids_transfer", "n"); ia = get("ids_accept", "n")
	rt = get("write_transfer", "requests"); ra = get("write_accept", "requests")
	# a wrk thread stops once its share of the ids is used up (the requests in flight then are not
	# counted, up to one a connection); the rate is then over the whole run and understates the real one
	printf "\nIds available to the write runs: %s matters to transfer (%s used%s), %s transfers to accept (%s used%s).\n",
		it, rt, (rt >= it - conns - 2 * threads ? ": they ran out, so the transfer rate is a lower bound" : ""),
		ia, ra, (ra >= ia - conns - 2 * threads ? ": they ran out, so the accept rate is a lower bound" : "")
	have = 0
	for (k in R) if (k ~ /^tlog_/) have = 1
	if (have) {
		print "\n## Verifiable log (bench/tlog_bench)\n"
		print "| entries | append/s NORMAL | insert/s NORMAL | ratio | append/s FULL | insert/s FULL | ratio | 16 threads, group commit: append/s FULL | ratio | inclusion p50/p99 us, cold / warm | consistency p50/p99 us, cold / warm | verify p50 us |"
		print "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: |"
		for (k in R) if (k ~ /^tlog_/) {
			printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s/%s / %s/%s | %s/%s / %s/%s | %s |\n", get(k, "proof_size"),
				get(k, "append_normal_per_s"), get(k, "insert_normal_per_s"), get(k, "append_vs_insert_normal"),
				get(k, "append_full_per_s"), get(k, "insert_full_per_s"), get(k, "append_vs_insert_full"),
				get(k, "group_append_full_per_s"), get(k, "group_append_vs_insert_full"),
				get(k, "inclusion_p50_us"), get(k, "inclusion_p99_us"), get(k, "warm_inclusion_p50_us"),
				get(k, "warm_inclusion_p99_us"), get(k, "consistency_p50_us"), get(k, "consistency_p99_us"),
				get(k, "warm_consistency_p50_us"), get(k, "warm_consistency_p99_us"), get(k, "warm_verify_inclusion_p50_us")
		}
	}
}' threads="$6" conns="$7" "$RESULTS"
