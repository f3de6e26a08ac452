/*
 * cli_log.c - `casebridge verify`, `casebridge export --log` and `casebridge monitor`: checking the
 * verifiable log in the database, in an export (no database, no server), and from outside over HTTP.
 */
#include "cli/cli.h"

#include "core/codec.h"
#include "core/util.h"
#include "crypto/hash.h"
#include "crypto/merkle.h"
#include "crypto/sign.h"
#include "domain/org.h"
#include "domain/tlog.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int cli_verify(int argc, char **argv)
{
	config cfg;
	char *rest[64];
	int n_rest = 0, rc;
	const char *export_dir = NULL;
	err e = { 0 };
	store *db = NULL;
	if (argc > 64)
		return 2;
	if (cli_wants_help(argc, argv)) {
		printf("usage: casebridge verify --data-dir DIR\n"
		       "       casebridge verify --export DIR\n\n"
		       "Recomputes the Merkle tree from the events and checks every stored node and every signed\n"
		       "tree head (root and signature); names the first entry that diverges. With --export it\n"
		       "checks an export made by `casebridge export --log` with neither database nor server.\n");
		return 0;
	}
	if (cli_load_config(argc, argv, &cfg, &n_rest, rest))
		return 2;
	for (int i = 0; i < n_rest; i++) {
		if (!strcmp(rest[i], "--export") && i + 1 < n_rest)
			export_dir = rest[++i];
		else {
			fprintf(stderr, "error: unknown argument %s (see casebridge verify --help)\n", rest[i]);
			return 2;
		}
	}
	if (export_dir) {
		rc = tlog_verify_export(export_dir, stdout, &e);
	} else {
		rc = cli_open_data(cfg.data_dir, &db, &e);
		if (rc == OK)
			rc = tlog_verify_store(db, cfg.data_dir, stdout, &e);
		cli_close_data(db);
	}
	tlog_free();
	if (rc) {
		printf("FAILED: %s\n", e.message);
		return 1;
	}
	printf("OK: the log is consistent\n");
	return 0;
}

int cli_export(int argc, char **argv)
{
	config cfg;
	char *rest[64];
	int n_rest = 0, rc;
	const char *dir = NULL;
	err e = { 0 };
	store *db = NULL;
	if (argc > 64)
		return 2;
	if (cli_wants_help(argc, argv)) {
		printf("usage: casebridge export --log DIR --data-dir DATA\n\n"
		       "Writes the verifiable log to DIR: events.jsonl (every entry with its fields and leaf hash),\n"
		       "heads.jsonl (signed tree heads), public_key.pem and log.json (algorithms). Check it with\n"
		       "`casebridge verify --export DIR` anywhere.\n");
		return 0;
	}
	if (cli_load_config(argc, argv, &cfg, &n_rest, rest))
		return 2;
	for (int i = 0; i < n_rest; i++) {
		if (!strcmp(rest[i], "--log") && i + 1 < n_rest)
			dir = rest[++i];
		else {
			fprintf(stderr, "error: unknown argument %s (see casebridge export --help)\n", rest[i]);
			return 2;
		}
	}
	if (!dir) {
		fprintf(stderr, "error: --log DIR is required\n");
		return 2;
	}
	rc = cli_open_data(cfg.data_dir, &db, &e);
	if (rc == OK)
		rc = tlog_export(db, dir, stdout, &e);
	cli_close_data(db);
	return rc ? cli_fail(&e) : 0;
}

/* ---- monitor: a minimal HTTP/1.0 GET over plain TCP (the monitor talks to the platform's own
 * address; TLS is the reverse proxy's job) ---- */
static int http_get_json(const char *base, const char *path, json_t **out, char *why, size_t why_len)
{
	char host[256], port[8] = "80";
	const char *p = base;
	if (strncmp(p, "http://", 7) != 0) {
		snprintf(why, why_len, "URL must start with http://");
		return -1;
	}
	p += 7;
	size_t hl = strcspn(p, ":/");
	if (hl == 0 || hl >= sizeof host) {
		snprintf(why, why_len, "bad host in URL");
		return -1;
	}
	memcpy(host, p, hl);
	host[hl] = 0;
	p += hl;
	if (*p == ':') {
		size_t pl = strcspn(p + 1, "/");
		if (pl == 0 || pl >= sizeof port) {
			snprintf(why, why_len, "bad port in URL");
			return -1;
		}
		memcpy(port, p + 1, pl);
		port[pl] = 0;
	}
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *ai = NULL;
	if (getaddrinfo(host, port, &hints, &ai) != 0) {
		snprintf(why, why_len, "cannot resolve %s", host);
		return -1;
	}
	int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		freeaddrinfo(ai);
		if (fd >= 0)
			close(fd);
		snprintf(why, why_len, "cannot connect to %s:%s", host, port);
		return -1;
	}
	freeaddrinfo(ai);
	char reqbuf[1024];
	int n = snprintf(reqbuf, sizeof reqbuf, "GET %s HTTP/1.0\r\nHost: %s\r\nAccept: application/json\r\n\r\n", path,
	                 host);
	if (write(fd, reqbuf, (size_t)n) != n) {
		close(fd);
		snprintf(why, why_len, "write failed");
		return -1;
	}
	size_t cap = 65536, len = 0;
	char *buf = malloc(cap);
	ssize_t r;
	while (buf && (r = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)r;
		if (len + 1 == cap) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	close(fd);
	if (!buf) {
		snprintf(why, why_len, "out of memory");
		return -1;
	}
	buf[len] = 0;
	int status = 0;
	char *body = strstr(buf, "\r\n\r\n");
	if (sscanf(buf, "HTTP/%*s %d", &status) != 1 || !body) {
		free(buf);
		snprintf(why, why_len, "not an HTTP response");
		return -1;
	}
	json_error_t je;
	*out = json_loads(body + 4, 0, &je);
	free(buf);
	if (status != 200 || !*out) {
		snprintf(why, why_len, "GET %s answered %d", path, status);
		json_decref(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

static int head_from_json(json_t *j, store_tlog_head *h)
{
	const char *root = json_string_value(json_object_get(j, "root_hash"));
	const char *sig = json_string_value(json_object_get(j, "signature"));
	size_t rl = 0, sl = 0;
	memset(h, 0, sizeof *h);
	h->tree_size = json_integer_value(json_object_get(j, "tree_size"));
	h->timestamp_ms = json_integer_value(json_object_get(j, "timestamp"));
	h->hash_alg = json_string_value(json_object_get(j, "hash_alg"));
	h->sign_alg = json_string_value(json_object_get(j, "sign_alg"));
	h->key_id = json_string_value(json_object_get(j, "key_id"));
	if (!root || !sig || !h->hash_alg || !h->sign_alg || !h->key_id || codec_hex_decode(root, h->root, 32, &rl) ||
	    rl != 32 || codec_base64_decode(sig, strlen(sig), h->signature, sizeof h->signature, &sl))
		return -1;
	h->signature_len = sl;
	return 0;
}

int cli_monitor(int argc, char **argv)
{
	const char *url = NULL, *state_path = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: casebridge monitor URL --state FILE\n\n"
			       "Fetches the latest signed tree head from URL (e.g. http://127.0.0.1:8080), checks its\n"
			       "signature with the key pinned in FILE at the first run, and checks that it is "
			       "consistent\n"
			       "with the last head seen (a consistency proof). Exits 0 and updates FILE when all is "
			       "well;\n"
			       "exits 1 and says what is wrong on any inconsistency.\n");
			return 0;
		}
		if (!strcmp(argv[i], "--state") && i + 1 < argc)
			state_path = argv[++i];
		else if (!url && strncmp(argv[i], "--", 2))
			url = argv[i];
		else {
			fprintf(stderr, "error: unknown argument %s (see casebridge monitor --help)\n", argv[i]);
			return 2;
		}
	}
	if (!url || !state_path) {
		fprintf(stderr, "error: monitor needs URL and --state FILE\n");
		return 2;
	}
	char why[300];
	json_t *sth = NULL, *key = NULL, *state = NULL, *proof = NULL;
	int rc = 1, alg, salg;
	store_tlog_head h;
	json_error_t je;
	state = json_load_file(state_path, 0, &je);
	if (http_get_json(url, "/api/v1/log/sth", &sth, why, sizeof why) || head_from_json(sth, &h)) {
		printf("ERROR: cannot read the signed tree head: %s\n", why);
		goto done;
	}
	const char *pem = state ? json_string_value(json_object_get(state, "public_key")) : NULL;
	if (!pem) {
		if (http_get_json(url, "/api/v1/log/key", &key, why, sizeof why)) {
			printf("ERROR: cannot read the public key: %s\n", why);
			goto done;
		}
		pem = json_string_value(json_object_get(key, "public_key"));
	}
	if (!pem || hash_alg_parse(h.hash_alg, &alg) || sign_alg_parse(h.sign_alg, &salg)) {
		printf("ERROR: the head names unknown algorithms\n");
		goto done;
	}
	unsigned char msg[512];
	size_t ml = tlog_head_message(&h, msg, sizeof msg);
	if (!ml || sign_verify_pem(salg, pem, msg, ml, h.signature, h.signature_len) != OK) {
		printf("INCONSISTENT: the signature of the head of size %lld does not verify with the pinned key\n",
		       (long long)h.tree_size);
		goto done;
	}
	if (state) {
		store_tlog_head old;
		if (head_from_json(json_object_get(state, "head"), &old)) {
			printf("ERROR: state file %s is damaged\n", state_path);
			goto done;
		}
		if (h.tree_size < old.tree_size) {
			printf("INCONSISTENT: the log shrank from %lld to %lld entries\n", (long long)old.tree_size,
			       (long long)h.tree_size);
			goto done;
		}
		if (h.timestamp_ms < old.timestamp_ms) {
			printf("INCONSISTENT: the head's timestamp went backwards\n");
			goto done;
		}
		if (h.tree_size == old.tree_size && memcmp(h.root, old.root, 32) != 0) {
			printf("INCONSISTENT: two different roots for size %lld\n", (long long)h.tree_size);
			goto done;
		}
		if (h.tree_size > old.tree_size && old.tree_size > 0) {
			char path[128];
			unsigned char nodes[64][32];
			size_t nn = 0;
			snprintf(path, sizeof path, "/api/v1/log/proof/consistency?first=%lld&second=%lld",
			         (long long)old.tree_size, (long long)h.tree_size);
			if (http_get_json(url, path, &proof, why, sizeof why)) {
				printf("INCONSISTENT: no consistency proof from %lld to %lld: %s\n",
				       (long long)old.tree_size, (long long)h.tree_size, why);
				goto done;
			}
			json_t *arr = json_object_get(proof, "path");
			size_t i;
			json_t *x;
			json_array_foreach(arr, i, x)
			{
				size_t l = 0;
				if (i >= 64 || codec_hex_decode(json_string_value(x) ?: "", nodes[i], 32, &l) ||
				    l != 32) {
					printf("INCONSISTENT: malformed consistency proof\n");
					goto done;
				}
				nn = i + 1;
			}
			if (merkle_verify_consistency(alg, (uint64_t)old.tree_size, (uint64_t)h.tree_size, old.root,
			                              h.root, (const uint8_t(*)[32])nodes, nn) != OK) {
				printf("INCONSISTENT: the head of size %lld does not extend the one of size %lld\n",
				       (long long)h.tree_size, (long long)old.tree_size);
				goto done;
			}
		}
	}
	json_t *ns = json_pack("{s:s,s:O}", "public_key", pem, "head", sth);
	if (!ns || json_dump_file(ns, state_path, JSON_INDENT(2)) != 0) {
		json_decref(ns);
		printf("ERROR: cannot write %s\n", state_path);
		goto done;
	}
	json_decref(ns);
	printf("OK: tree size %lld, root %.16s…, consistent with the last head seen\n", (long long)h.tree_size,
	       json_string_value(json_object_get(sth, "root_hash")));
	rc = 0;
done:
	json_decref(sth);
	json_decref(key);
	json_decref(state);
	json_decref(proof);
	return rc;
}
