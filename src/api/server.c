/*
 * server.c - the HTTP server on libmicrohttpd: a thread pool (one epoll loop per core), per-request
 * arenas, body limits, the session and route-level authorization, error rendering in one JSON shape,
 * the built web application with history fallback, request logging and a draining stop.
 *
 * Request life: the first callback creates the req, matches the route and rejects early what can be
 * rejected from the headers (415 wrong content type, 413 declared too large). Body chunks are then
 * buffered (JSON, capped) or streamed to a temporary file while hashed (uploads). The last callback
 * resolves the session, authorizes, parses JSON, calls the handler and queues the response. The
 * completion callback logs one line and frees everything.
 */
#include "api/api.h"
#include "api/router.h"

#include "core/json_mem.h"
#include "core/json_out.h"
#include "core/log.h"
#include "core/util.h"
#include "domain/auth.h"
#include "domain/authz.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct server {
	struct MHD_Daemon *d;
	config cfg;
	int port;
};

static config g_cfg;
static char g_db_path[600];
static char g_tmp_dir[600];
static _Atomic long in_flight;

const config *api_config(void)
{
	return &g_cfg;
}
const char *api_db_path(void)
{
	return g_db_path;
}

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- request helpers for handlers ---- */
const char *req_query(req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *req_header(req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

int req_query_int(req *r, const char *name, int64_t def, int64_t min, int64_t max, int64_t *out)
{
	const char *v = req_query(r, name);
	if (!v || !*v) {
		*out = def;
		return OK;
	}
	if (util_parse_i64(v, min, max, out))
		return err_set(&r->e, E_INVALID, name, "参数 %s 应为 %lld 到 %lld 之间的整数", name, (long long)min,
		               (long long)max);
	return OK;
}

int req_reply_json(req *r, int status, json_t *body)
{
	if (!body)
		return err_set(&r->e, E_NOMEM, NULL, "out of memory");
	json_decref(r->out);
	r->out = body;
	r->status = status;
	return OK;
}

int req_reply_raw(req *r, int status, const char *type, const char *data, size_t len)
{
	r->status = status;
	r->out_type = type;
	r->out_raw = data;
	r->out_raw_len = len;
	return OK;
}

int api_authorize(req *r, const authz_scope *scope)
{
	return authz_decide(r->who, r->route->perm, scope, &r->e);
}

/* ---- responses ---- */
static void add_common_headers(req *r, struct MHD_Response *resp, int api)
{
	MHD_add_response_header(resp, "X-Request-Id", r->request_id);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	if (api)
		MHD_add_response_header(resp, "Cache-Control", r->cache_control ? r->cache_control : "no-store");
}

/* copy: QB_PERSISTENT (data outlives the response), QB_COPY, or QB_TAKE (a malloc'd buffer the
 * response frees, also when queueing fails) */
enum { QB_PERSISTENT, QB_COPY, QB_TAKE };
static enum MHD_Result queue_buffer(req *r, int status, const char *type, const char *data, size_t len, int copy,
                                    int api)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, (void *)data,
	                                                            copy == QB_TAKE   ? MHD_RESPMEM_MUST_FREE
	                                                            : copy == QB_COPY ? MHD_RESPMEM_MUST_COPY
	                                                                              : MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		if (copy == QB_TAKE)
			free((void *)data);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", type);
	add_common_headers(r, resp, api);
	if (r->set_cookie)
		MHD_add_response_header(resp, "Set-Cookie", r->set_cookie);
	if (r->out_disposition)
		MHD_add_response_header(resp, "Content-Disposition", r->out_disposition);
	if (r->retry_after > 0) {
		char ra[24];
		snprintf(ra, sizeof ra, "%d", r->retry_after);
		MHD_add_response_header(resp, "Retry-After", ra);
	}
	enum MHD_Result ret = MHD_queue_response(r->conn, (unsigned)status, resp);
	MHD_destroy_response(resp);
	r->status = status;
	return ret;
}

static enum MHD_Result queue_error(req *r)
{
	int code = r->e.code ? r->e.code : E_INTERNAL;
	if (!r->e.message[0])
		err_set(&r->e, code, NULL, "%s", code == E_INTERNAL ? "服务器内部错误" : err_code_name(code));
	json_t *j = json_pack("{s:{s:s,s:s,s:s?,s:s}}", "error", "code", err_code_name(code), "message", r->e.message,
	                      "field", r->e.field[0] ? r->e.field : NULL, "request_id", r->request_id);
	size_t n = 0;
	char *s = json_out_compact(j, 0, &n);
	json_decref(j);
	if (!s)
		return queue_buffer(r, 503, "application/json", "{\"error\":{\"code\":\"no_memory\"}}", 31,
		                    QB_PERSISTENT, 1);
	return queue_buffer(r, err_http_status(code), "application/json; charset=utf-8", s, n, QB_TAKE, 1);
}

static enum MHD_Result queue_result(req *r)
{
	if (r->out_file) {
		int fd = open(r->out_file, O_RDONLY | O_CLOEXEC);
		struct stat st;
		if (fd < 0 || fstat(fd, &st) != 0) {
			if (fd >= 0)
				close(fd);
			err_set(&r->e, E_IO, NULL, "文件读取失败");
			return queue_error(r);
		}
		struct MHD_Response *resp = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
		if (!resp) {
			close(fd);
			return MHD_NO;
		}
		MHD_add_response_header(resp, "Content-Type", r->out_type ? r->out_type : "application/octet-stream");
		add_common_headers(r, resp, 1);
		if (r->out_disposition)
			MHD_add_response_header(resp, "Content-Disposition", r->out_disposition);
		enum MHD_Result ret = MHD_queue_response(r->conn, (unsigned)(r->status ? r->status : 200), resp);
		MHD_destroy_response(resp);
		return ret;
	}
	if (r->out_raw)
		return queue_buffer(r, r->status ? r->status : 200, r->out_type, r->out_raw, r->out_raw_len,
		                    QB_PERSISTENT, 1);
	if (!r->out) {
		if (r->status == 204)
			return queue_buffer(r, 204, "application/json", "", 0, QB_PERSISTENT, 1);
		r->out = json_object();
	}
	size_t n = 0;
	char *s = json_out_compact(r->out, 0, &n);
	if (!s) {
		err_set(&r->e, E_NOMEM, NULL, "out of memory");
		return queue_error(r);
	}
	return queue_buffer(r, r->status ? r->status : 200, "application/json; charset=utf-8", s, n, QB_TAKE, 1);
}

/* ---- the web application ---- */
static const char *mime_for(const char *path)
{
	const char *dot = strrchr(path, '.');
	static const struct {
		const char *ext, *type;
	} types[] = { { ".html", "text/html; charset=utf-8" },
		      { ".js", "text/javascript; charset=utf-8" },
		      { ".css", "text/css; charset=utf-8" },
		      { ".json", "application/json" },
		      { ".svg", "image/svg+xml" },
		      { ".png", "image/png" },
		      { ".ico", "image/x-icon" },
		      { ".woff2", "font/woff2" },
		      { ".woff", "font/woff" },
		      { ".ttf", "font/ttf" },
		      { ".map", "application/json" },
		      { ".txt", "text/plain; charset=utf-8" } };
	for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

static enum MHD_Result serve_static(req *r)
{
	char path[1200];
	struct stat st;
	const char *root = g_cfg.web_root;
	int is_asset = strncmp(r->path, "/assets/", 8) == 0;
	if (!root[0] || strstr(r->path, "..") || strchr(r->path, '\\')) {
		err_set(&r->e, E_NOTFOUND, NULL, "没有这个页面");
		return queue_error(r);
	}
	snprintf(path, sizeof path, "%s%s", root, r->path);
	if (strcmp(r->path, "/") == 0 || stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (is_asset || strchr(strrchr(r->path, '/'), '.')) {
			err_set(&r->e, E_NOTFOUND, NULL, "没有这个文件");
			return queue_error(r);
		}
		snprintf(path, sizeof path, "%s/index.html", root); /* history fallback */
		is_asset = 0;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		if (fd >= 0)
			close(fd);
		err_set(&r->e, E_NOTFOUND, NULL, "没有这个页面");
		return queue_error(r);
	}
	struct MHD_Response *resp = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
	if (!resp) {
		close(fd);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", mime_for(path));
	MHD_add_response_header(resp, "Cache-Control", is_asset ? "public, max-age=31536000, immutable" : "no-cache");
	add_common_headers(r, resp, 0);
	if (strstr(mime_for(path), "text/html"))
		MHD_add_response_header(resp, "Content-Security-Policy",
		                        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
		                        "frame-ancestors 'none'");
	enum MHD_Result ret = MHD_queue_response(r->conn, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	r->status = 200;
	return ret;
}

/* ---- request life ---- */
static void req_free(req *r)
{
	if (!r)
		return;
	if (r->upload_fd > 0)
		close(r->upload_fd);
	if (r->upload_path[0])
		unlink(r->upload_path);
	if (r->upload_hash)
		EVP_MD_CTX_free(r->upload_hash);
	json_decref(r->json);
	json_decref(r->out);
	mem_free(r->body);
	arena *a = r->a;
	arena_free(a);
}

/* Request ids: unique, not secret. A random prefix per process and a counter (the random bytes per
 * request took OpenSSL's generator lock on every request: 2.5 % of a matter page). */
static uint32_t request_id_prefix;
static atomic_uint_fast32_t request_id_counter;

static void request_id_next(char out[17])
{
	uint32_t n = (uint32_t)atomic_fetch_add(&request_id_counter, 1);
	snprintf(out, 17, "%08x%08x", request_id_prefix, n);
}

static req *req_new(struct MHD_Connection *c, const char *url, const char *method)
{
	arena *a = arena_new();
	if (!a)
		return NULL;
	req *r = arena_alloc(a, sizeof *r);
	if (!r) {
		arena_free(a);
		return NULL;
	}
	r->a = a;
	r->conn = c;
	r->method = arena_strdup(a, method);
	r->path = arena_strdup(a, url);
	r->upload_fd = -1;
	r->t_start_ns = now_ns();
	if (!r->method || !r->path) {
		arena_free(a);
		return NULL;
	}
	request_id_next(r->request_id);
	return r;
}

static int content_type_is(const char *ct, const char *want)
{
	if (!ct)
		return 0;
	size_t n = strlen(want);
	return strncasecmp(ct, want, n) == 0 && (ct[n] == 0 || ct[n] == ';' || ct[n] == ' ');
}

/* Early checks from the headers; returns OK or an error (r->e filled). */
static int begin(req *r)
{
	int path_matched = 0;
	r->route = router_match(r->method, r->path, r, &path_matched);
	if (!r->route) {
		if (path_matched)
			return err_set(&r->e, E_METHOD, NULL, "此路径不支持 %s 方法", r->method);
		return OK; /* 404 or a static file, decided at the end */
	}
	const char *cl = req_header(r, "Content-Length");
	int64_t declared = -1;
	if (cl && util_parse_i64(cl, 0, INT64_MAX, &declared))
		return err_set(&r->e, E_INVALID, NULL, "Content-Length 无效");
	if (r->route->body == BODY_JSON) {
		if (!content_type_is(req_header(r, "Content-Type"), "application/json"))
			return err_set(&r->e, E_MEDIATYPE, NULL, "请求体必须是 JSON（Content-Type: application/json）");
		if (declared > g_cfg.max_json_bytes)
			return err_set(&r->e, E_TOOLARGE, NULL, "请求体过大（上限 %lld 字节）",
			               (long long)g_cfg.max_json_bytes);
	} else if (r->route->body == BODY_FILE) {
		if (declared > g_cfg.max_upload_bytes)
			return err_set(&r->e, E_TOOLARGE, NULL, "文件过大（上限 %lld MB）",
			               (long long)(g_cfg.max_upload_bytes >> 20));
	}
	return OK;
}

static int consume(req *r, const char *data, size_t n)
{
	if (!r->route || r->route->body == BODY_NONE) {
		if (!r->route)
			return OK;
		r->too_large = 1; /* a body where none is expected: refuse at the end */
		return OK;
	}
	if (r->route->body == BODY_JSON) {
		if (r->body_len + n > (size_t)g_cfg.max_json_bytes) {
			r->too_large = 1;
			return OK;
		}
		if (r->body_len + n + 1 > r->body_cap) {
			size_t cap = r->body_cap ? r->body_cap : 4096;
			while (cap < r->body_len + n + 1)
				cap *= 2;
			char *nb = mem_realloc(r->body, cap);
			if (!nb)
				return err_set(&r->e, E_NOMEM, NULL, "out of memory");
			r->body = nb;
			r->body_cap = cap;
		}
		memcpy(r->body + r->body_len, data, n);
		r->body_len += n;
		r->body[r->body_len] = 0;
		return OK;
	}
	/* BODY_FILE: stream to a temporary file, hashing on the way in. */
	if (r->too_large || r->e.code)
		return OK;
	if (r->upload_len + n > (uint64_t)g_cfg.max_upload_bytes) {
		r->too_large = 1;
		return OK;
	}
	if (r->upload_fd < 0) {
		snprintf(r->upload_path, sizeof r->upload_path, "%s/up-XXXXXX", g_tmp_dir);
		r->upload_fd = mkstemp(r->upload_path);
		if (r->upload_fd < 0) {
			r->upload_path[0] = 0;
			return err_set(&r->e, E_IO, NULL, "无法创建临时文件");
		}
		r->upload_hash = EVP_MD_CTX_new();
		if (!r->upload_hash || EVP_DigestInit_ex(r->upload_hash, EVP_sha256(), NULL) != 1)
			return err_set(&r->e, E_NOMEM, NULL, "out of memory");
	}
	if (r->upload_head_len < sizeof r->upload_head) {
		size_t k = sizeof r->upload_head - r->upload_head_len;
		if (k > n)
			k = n;
		memcpy(r->upload_head + r->upload_head_len, data, k);
		r->upload_head_len += k;
	}
	EVP_DigestUpdate(r->upload_hash, data, n);
	size_t off = 0;
	while (off < n) {
		ssize_t w = write(r->upload_fd, data + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return err_set(&r->e, E_IO, NULL, "写入临时文件失败");
		off += (size_t)w;
	}
	r->upload_len += n;
	return OK;
}

/* ---- the public routes' rate limit: a token bucket per client IPv4 address ----
 * Each address may make public-burst requests at once, refilled at public-rate-per-minute. The table
 * is fixed (no allocation per client): an address probes a few slots from its hash and, when all are
 * taken, takes the one idle longest (a full bucket by then, unless the table is flooded). */
#define RL_SLOTS 4096
#define RL_PROBE 8
static struct {
	uint32_t ip;
	int used;
	double tokens;
	int64_t t_ns;
} rl[RL_SLOTS];
static pthread_mutex_t rl_lock = PTHREAD_MUTEX_INITIALIZER;

/* OK, or E_RATE with r->retry_after set. */
static int rate_limit(req *r)
{
	if (g_cfg.public_rate_per_minute <= 0)
		return OK;
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!ci || !ci->client_addr || ci->client_addr->sa_family != AF_INET)
		return OK;
	uint32_t ip = ((const struct sockaddr_in *)(const void *)ci->client_addr)->sin_addr.s_addr;
	double rate = (double)g_cfg.public_rate_per_minute / 60e9, burst = (double)g_cfg.public_burst; /* per ns */
	int64_t now = now_ns();
	uint32_t h = (ip * 2654435761u) % RL_SLOTS;
	int rc = OK;
	pthread_mutex_lock(&rl_lock);
	size_t slot = h, oldest = h;
	long free_slot = -1;
	int found = 0;
	for (size_t k = 0; k < RL_PROBE; k++) {
		size_t i = (h + k) % RL_SLOTS;
		if (rl[i].used && rl[i].ip == ip) {
			slot = i;
			found = 1;
			break;
		}
		if (!rl[i].used && free_slot < 0)
			free_slot = (long)i;
		else if (rl[i].used && rl[i].t_ns < rl[oldest].t_ns)
			oldest = i;
	}
	if (!found) {
		slot = free_slot >= 0 ? (size_t)free_slot : oldest;
		rl[slot].used = 1;
		rl[slot].ip = ip;
		rl[slot].tokens = burst;
		rl[slot].t_ns = now;
	}
	double t = rl[slot].tokens + (double)(now - rl[slot].t_ns) * rate;
	rl[slot].tokens = t > burst ? burst : t;
	rl[slot].t_ns = now;
	if (rl[slot].tokens >= 1.0) {
		rl[slot].tokens -= 1.0;
	} else {
		double wait_s = (1.0 - rl[slot].tokens) / rate / 1e9;
		r->retry_after = (int)wait_s + 1;
		rc = E_RATE;
	}
	pthread_mutex_unlock(&rl_lock);
	if (rc)
		return err_set(&r->e, E_RATE, NULL, "请求过于频繁，请 %d 秒后再试", r->retry_after);
	return OK;
}

static const char *cookie_token(req *r)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "cb_session");
}

static int finish(req *r)
{
	int rc = OK;
	if (r->e.code)
		return r->e.code;
	if (r->too_large) {
		if (r->route && r->route->body == BODY_NONE)
			return err_set(&r->e, E_INVALID, NULL, "此接口不接受请求体");
		return err_set(&r->e, E_TOOLARGE, NULL, "请求体过大");
	}
	if (r->route->perm == PERM_PUBLIC && (rc = rate_limit(r)))
		return rc;
	if ((rc = store_thread_get(g_db_path, &r->db, &r->e)))
		return rc;
	/* session */
	const char *auth = req_header(r, "Authorization");
	const char *tok = NULL;
	if (auth && strncasecmp(auth, "Bearer ", 7) == 0)
		tok = auth + 7;
	else if ((tok = cookie_token(r)))
		r->via_cookie = 1;
	if (tok) {
		util_strlcpy(r->token, tok, sizeof r->token);
		err se = { 0 };
		if (auth_session_resolve(r->db, r->token, &r->who_buf, &se) == OK)
			r->who = &r->who_buf;
		else if (se.code != E_UNAUTHORIZED)
			return err_set(&r->e, se.code, NULL, "%s", se.message);
		else if (r->route->perm != PERM_PUBLIC) {
			authz_decide(NULL, r->route->perm, NULL, &r->e); /* logs the denial like any other */
			return err_set(&r->e, E_UNAUTHORIZED, NULL, "%s", se.message);
		}
	}
	if ((rc = authz_decide(r->who, r->route->perm, NULL, &r->e)))
		return rc;
	if (r->route->body == BODY_JSON) {
		if (!r->body_len)
			return err_set(&r->e, E_INVALID, "body", "缺少 JSON 请求体");
		json_error_t je;
		r->json = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &je);
		if (!r->json)
			return err_set(&r->e, E_INVALID, "body", "JSON 格式错误：第 %d 行第 %d 列：%s", je.line,
			               je.column, je.text);
		if (!json_is_object(r->json))
			return err_set(&r->e, E_INVALID, "body", "请求体应为 JSON 对象");
	} else if (r->route->body == BODY_FILE) {
		if (r->upload_fd < 0)
			return err_set(&r->e, E_INVALID, "file", "文件为空");
		if (fsync(r->upload_fd) != 0)
			return err_set(&r->e, E_IO, NULL, "写入临时文件失败");
		unsigned int n = 0;
		EVP_DigestFinal_ex(r->upload_hash, r->upload_sha256, &n);
	}
	return r->route->handler(r);
}

static enum MHD_Result on_request_in(struct MHD_Connection *c, const char *url, const char *method, const char *data,
                                     size_t *data_size, void **con_cls)
{
	req *r = *con_cls;
	if (r)
		json_mem_use(r->a);
	else {
		r = req_new(c, url, method);
		if (!r)
			return MHD_NO;
		json_mem_use(r->a);
		*con_cls = r;
		atomic_fetch_add(&in_flight, 1);
		if (begin(r) != OK) {
			r->failed_early = 1;
			return queue_error(r);
		}
		return MHD_YES;
	}
	if (*data_size) {
		if (!r->failed_early && !r->e.code)
			consume(r, data, *data_size);
		*data_size = 0;
		return MHD_YES;
	}
	if (r->failed_early)
		return MHD_YES;
	if (!r->route) {
		if (strncmp(r->path, "/api/", 5) == 0 || (strcmp(r->method, "GET") && strcmp(r->method, "HEAD"))) {
			err_set(&r->e, E_NOTFOUND, NULL, "没有这个接口：%s %s", r->method, r->path);
			return queue_error(r);
		}
		return serve_static(r);
	}
	int rc = finish(r);
	if (r->db && store_in_tx(r->db))
		store_tx_rollback(r->db); /* a handler bug must not leave a transaction open */
	if (rc) {
		if (!r->e.code)
			err_set(&r->e, rc, NULL, "%s", err_code_name(rc));
		return queue_error(r);
	}
	return queue_result(r);
}

/* Every JSON value made while answering comes from the request's arena (json_mem.h). */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *data, size_t *data_size, void **con_cls)
{
	(void)cls;
	(void)version;
	enum MHD_Result ret = on_request_in(c, url, method, data, data_size, con_cls);
	json_mem_use(NULL);
	return ret;
}

/* The path as a log value. MHD has decoded %XX, so a path could carry a newline, a space or a quote
 * and forge log lines or keys: such bytes (and '%' itself) are encoded again. */
static const char *log_path(req *r)
{
	static const char hx[] = "0123456789ABCDEF";
	size_t n = strlen(r->path), o = 0;
	char *out = arena_alloc(r->a, 3 * n + 1);
	if (!out)
		return "-";
	for (const unsigned char *p = (const unsigned char *)r->path; *p; p++) {
		if (*p <= 0x20 || *p == 0x7f || *p == '"' || *p == '\\' || *p == '%') {
			out[o++] = '%';
			out[o++] = hx[*p >> 4];
			out[o++] = hx[*p & 15];
		} else {
			out[o++] = (char)*p;
		}
	}
	out[o] = 0;
	return out;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	req *r = *con_cls;
	if (!r)
		return;
	double ms = (double)(now_ns() - r->t_start_ns) / 1e6;
	int level = r->status >= 500 ? LOG_ERROR : LOG_INFO;
	log_event(level, "request", "id=%s method=%s path=%s status=%d ms=%.2f user=%s%s%s%s", r->request_id, r->method,
	          log_path(r), r->status, ms, r->who ? r->who->username : "-", r->e.code ? " error=" : "",
	          r->e.code ? err_code_name(r->e.code) : "",
	          toe != MHD_REQUEST_TERMINATED_COMPLETED_OK ? " terminated=1" : "");
	req_free(r);
	*con_cls = NULL;
	atomic_fetch_sub(&in_flight, 1);
}

static int parse_listen(const char *listen, struct sockaddr_in *sa, err *e)
{
	char host[64];
	const char *colon = strrchr(listen, ':');
	int64_t port;
	if (!colon || (size_t)(colon - listen) >= sizeof host || util_parse_i64(colon + 1, 0, 65535, &port))
		return err_set(e, E_INVALID, "listen", "listen must be HOST:PORT, e.g. 127.0.0.1:8080");
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = 0;
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, strcmp(host, "localhost") == 0 ? "127.0.0.1" : host, &sa->sin_addr) != 1)
		return err_set(e, E_INVALID, "listen", "listen host must be an IPv4 address, e.g. 127.0.0.1");
	return OK;
}

__attribute__((format(printf, 2, 0))) static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char msg[512];
	vsnprintf(msg, sizeof msg, fmt, ap);
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = 0;
	log_event(LOG_WARN, "http", "msg=\"%s\"", msg);
}

int server_start(const config *cfg, server **out, err *e)
{
	struct sockaddr_in sa;
	int rc = parse_listen(cfg->listen, &sa, e);
	if (rc)
		return rc;
	g_cfg = *cfg;
	unsigned char pfx[4];
	if (util_random(pfx, sizeof pfx))
		return err_set(e, E_INTERNAL, NULL, "no random bytes for request ids");
	request_id_prefix = (uint32_t)pfx[0] << 24 | (uint32_t)pfx[1] << 16 | (uint32_t)pfx[2] << 8 | pfx[3];
	snprintf(g_db_path, sizeof g_db_path, "%s/casebridge.db", cfg->data_dir);
	snprintf(g_tmp_dir, sizeof g_tmp_dir, "%s/tmp", cfg->data_dir);
	mkdir(g_tmp_dir, 0700);
	server *s = mem_calloc(1, sizeof *s);
	if (!s)
		return err_set(e, E_NOMEM, NULL, "out of memory");
	s->cfg = *cfg;
	/* A worker waits while its write's batch reaches the disk (group commit), and the requests queued on
	 * its connections wait with it: eight workers a core keep the cores busy and the batches full. */
	long threads = cfg->threads ? (long)cfg->threads : 8 * sysconf(_SC_NPROCESSORS_ONLN);
	if (threads < 1)
		threads = 1;
	/* The logger comes first so that MHD never writes to stderr in its own format. */
	s->d = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG, 0, NULL, NULL,
	                        on_request, NULL, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_SOCK_ADDR,
	                        (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)threads,
	                        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)cfg->request_timeout,
	                        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)cfg->max_header_bytes,
	                        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)4096, MHD_OPTION_NOTIFY_COMPLETED,
	                        on_completed, NULL, MHD_OPTION_END);
	if (!s->d) {
		mem_free(s);
		return err_set(e, E_IO, "listen", "无法监听 %s（端口被占用？）", cfg->listen);
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : ntohs(sa.sin_port);
	char host[64];
	inet_ntop(AF_INET, &sa.sin_addr, host, sizeof host);
	printf("listening on http://%s:%d\n", host, s->port);
	fflush(stdout);
	log_event(LOG_INFO, "server_started", "listen=%s:%d threads=%ld data_dir=%s", host, s->port, threads,
	          cfg->data_dir);
	*out = s;
	return OK;
}

int server_port(const server *s)
{
	return s->port;
}

void server_stop(server *s, int timeout_ms)
{
	if (!s)
		return;
	MHD_socket fd = MHD_quiesce_daemon(s->d);
	for (int waited = 0; atomic_load(&in_flight) > 0 && waited < timeout_ms; waited += 10) {
		struct timespec ts = { 0, 10 * 1000000 };
		nanosleep(&ts, NULL);
	}
	long left = atomic_load(&in_flight);
	MHD_stop_daemon(s->d);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	log_event(LOG_INFO, "server_stopped", "unfinished=%ld", left);
	mem_free(s);
}
