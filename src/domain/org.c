/*
 * org.c - areas and units: seeding from the domain data, the process-wide cache, and sub-units.
 * See org.h.
 */
#include "domain/org.h"

#include "core/csv.h"
#include "core/embedded.h"
#include "core/log.h"
#include "core/util.h"
#include "domain/audit.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const org_kinds[5] = { "committee", "police", "procuratorate", "court", "justice_bureau" };
static const char *const kind_labels[5] = { "政法委", "公安", "检察院", "法院", "司法局" };

const char *org_kind_label(const char *kind)
{
	for (int i = 0; i < 5; i++)
		if (strcmp(kind, org_kinds[i]) == 0)
			return kind_labels[i];
	return "?";
}

int org_kind_valid(const char *kind)
{
	for (int i = 0; i < 5; i++)
		if (strcmp(kind, org_kinds[i]) == 0)
			return 1;
	return 0;
}

/* ---- the cache ---- */
static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static org_area **areas;
static size_t n_areas, cap_areas;
static org_unit **units;
static size_t n_units, cap_units;
/* The same units sorted by id, for org_unit_find: every request looks units up (authorization, JSON
 * rows), and a linear scan over ~600 ids showed in profiles. Rebuilt whenever a unit is added. */
static org_unit **by_id;
static size_t n_by_id, cap_by_id;

static int level_parse(const char *s)
{
	if (strcmp(s, "province") == 0)
		return LEVEL_PROVINCE;
	if (strcmp(s, "prefecture") == 0)
		return LEVEL_PREFECTURE;
	if (strcmp(s, "county") == 0)
		return LEVEL_COUNTY;
	return 0;
}

/* Room for one more item in *v. */
static int reserve(void ***v, size_t n, size_t *cap)
{
	if (n == *cap) {
		size_t nc = *cap ? *cap * 2 : 256;
		void **nv = mem_realloc(*v, nc * sizeof *nv);
		if (!nv)
			return E_NOMEM;
		*v = nv;
		*cap = nc;
	}
	return OK;
}

static int push(void ***v, size_t *n, size_t *cap, void *item)
{
	if (reserve(v, *n, cap))
		return E_NOMEM;
	(*v)[(*n)++] = item;
	return OK;
}

static int cmp_unit_id(const void *a, const void *b)
{
	return strcmp((*(org_unit *const *)a)->id, (*(org_unit *const *)b)->id);
}

/* Under the write lock. Allocates only when by_id has no room for every unit (org_unit_add reserves
 * that room before its transaction, so rebuilding after the commit cannot fail). */
static int index_units(void)
{
	org_unit **v = by_id;
	if (cap_by_id < n_units + 1) {
		v = mem_realloc(by_id, (n_units + 1) * sizeof *v);
		if (!v)
			return E_NOMEM;
		cap_by_id = n_units + 1;
	}
	if (n_units) {
		memcpy(v, units, n_units * sizeof *v);
		qsort(v, n_units, sizeof *v, cmp_unit_id);
	}
	by_id = v;
	n_by_id = n_units;
	return OK;
}

void org_cache_free(void)
{
	pthread_rwlock_wrlock(&lock);
	for (size_t i = 0; i < n_areas; i++)
		mem_free(areas[i]);
	for (size_t i = 0; i < n_units; i++)
		mem_free(units[i]);
	mem_free(areas);
	mem_free(units);
	mem_free(by_id);
	areas = NULL;
	units = NULL;
	by_id = NULL;
	n_areas = cap_areas = n_units = cap_units = n_by_id = cap_by_id = 0;
	pthread_rwlock_unlock(&lock);
}

static void unit_from_row(org_unit *u, const store_unit *s)
{
	util_strlcpy(u->id, s->id, sizeof u->id);
	util_strlcpy(u->name, s->name, sizeof u->name);
	util_strlcpy(u->kind, s->kind, sizeof u->kind);
	util_strlcpy(u->area_code, s->area_code, sizeof u->area_code);
	util_strlcpy(u->parent_id, s->parent_id ? s->parent_id : "", sizeof u->parent_id);
	util_strlcpy(u->court_code, s->court_code ? s->court_code : "", sizeof u->court_code);
}

int org_cache_load(store *db, err *e)
{
	int rc = OK;
	arena *a = arena_new();
	store_area *sa;
	store_unit *su;
	size_t na, nu;
	if (!a)
		return err_set(e, E_NOMEM, NULL, "out of memory");
	if ((rc = store_area_list(db, a, &sa, &na, e)) || (rc = store_unit_list(db, a, &su, &nu, e)))
		goto done;
	org_cache_free();
	pthread_rwlock_wrlock(&lock);
	for (size_t i = 0; i < na && rc == OK; i++) {
		org_area *x = mem_calloc(1, sizeof *x);
		if (!x || push((void ***)&areas, &n_areas, &cap_areas, x)) {
			mem_free(x);
			rc = err_set(e, E_NOMEM, NULL, "out of memory");
			break;
		}
		util_strlcpy(x->code, sa[i].code, sizeof x->code);
		util_strlcpy(x->name, sa[i].name, sizeof x->name);
		util_strlcpy(x->parent_code, sa[i].parent_code ? sa[i].parent_code : "", sizeof x->parent_code);
		x->level = level_parse(sa[i].level);
	}
	for (size_t i = 0; i < nu && rc == OK; i++) {
		org_unit *x = mem_calloc(1, sizeof *x);
		if (!x || push((void ***)&units, &n_units, &cap_units, x)) {
			mem_free(x);
			rc = err_set(e, E_NOMEM, NULL, "out of memory");
			break;
		}
		unit_from_row(x, &su[i]);
	}
	if (rc == OK && index_units())
		rc = err_set(e, E_NOMEM, NULL, "out of memory");
	pthread_rwlock_unlock(&lock);
done:
	arena_free(a);
	return rc;
}

const org_area *org_area_find(const char *code)
{
	const org_area *r = NULL;
	pthread_rwlock_rdlock(&lock);
	/* Sorted by code (store order): binary search. */
	size_t lo = 0, hi = n_areas;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(areas[mid]->code, code);
		if (c == 0) {
			r = areas[mid];
			break;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	pthread_rwlock_unlock(&lock);
	return r;
}

/* Under the read lock. Ids are unique (the units table's primary key). */
static const org_unit *find_locked(const char *id)
{
	size_t lo = 0, hi = n_by_id;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(by_id[mid]->id, id);
		if (c == 0)
			return by_id[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const org_unit *org_unit_find(const char *id)
{
	pthread_rwlock_rdlock(&lock);
	const org_unit *r = find_locked(id);
	pthread_rwlock_unlock(&lock);
	return r;
}

static size_t utf8_prefix(const char *s, size_t chars)
{
	size_t n = 0;
	for (size_t c = 0; s[n] && c < chars; c++) {
		unsigned char b = (unsigned char)s[n];
		size_t k = b < 0x80 ? 1 : (b & 0xe0) == 0xc0 ? 2 : (b & 0xf0) == 0xe0 ? 3 : 4;
		for (size_t i = 0; i < k && s[n]; i++)
			n++;
	}
	return n;
}

void org_area_abbr(const char *code, char *out, size_t cap)
{
	const org_area *ar = org_area_find(code);
	if (!ar) {
		snprintf(out, cap, "内蒙");
		return;
	}
	const char *s = ar->name;
	size_t n = utf8_prefix(s, 2);
	pthread_rwlock_rdlock(&lock);
	for (size_t chars = 2; s[n]; n = utf8_prefix(s, ++chars)) {
		size_t i = 0;
		while (i < n_areas && (areas[i] == ar || strncmp(areas[i]->name, s, n) != 0))
			i++;
		if (i == n_areas)
			break; /* unique */
	}
	pthread_rwlock_unlock(&lock);
	snprintf(out, cap, "%.*s", (int)n, s);
}

int org_area_within(const char *code, const char *ancestor)
{
	for (int depth = 0; code && *code && depth < 4; depth++) {
		if (strcmp(code, ancestor) == 0)
			return 1;
		const org_area *a = org_area_find(code);
		if (!a)
			return 0;
		code = a->parent_code;
	}
	return 0;
}

const org_unit *org_unit_of(const char *area_code, const char *kind)
{
	const org_unit *r = NULL;
	char id[96];
	pthread_rwlock_rdlock(&lock);
	/* a top unit's id is "<area>.<kind>" (org.h); check it, and scan only if that ever fails */
	snprintf(id, sizeof id, "%s.%s", area_code, kind);
	r = find_locked(id);
	if (r && !r->parent_id[0] && !strcmp(r->area_code, area_code) && !strcmp(r->kind, kind)) {
		pthread_rwlock_unlock(&lock);
		return r;
	}
	r = NULL;
	for (size_t i = 0; i < n_units; i++)
		if (!units[i]->parent_id[0] && strcmp(units[i]->area_code, area_code) == 0 &&
		    strcmp(units[i]->kind, kind) == 0) {
			r = units[i];
			break;
		}
	pthread_rwlock_unlock(&lock);
	return r;
}

int org_area_list(arena *a, org_area **out, size_t *out_n, err *e)
{
	pthread_rwlock_rdlock(&lock);
	org_area *v = arena_alloc(a, (n_areas + 1) * sizeof *v);
	if (v)
		for (size_t i = 0; i < n_areas; i++)
			v[i] = *areas[i];
	*out_n = n_areas;
	pthread_rwlock_unlock(&lock);
	if (!v)
		return err_set(e, E_NOMEM, NULL, "out of memory");
	*out = v;
	return OK;
}

int org_unit_list(const char *area_code, const char *kind, int include_below, arena *a, org_unit **out, size_t *out_n,
                  err *e)
{
	pthread_rwlock_rdlock(&lock);
	size_t total = n_units;
	org_unit **snap = arena_alloc(a, (total + 1) * sizeof *snap);
	if (snap)
		memcpy(snap, units, total * sizeof *snap);
	pthread_rwlock_unlock(&lock);
	if (!snap)
		return err_set(e, E_NOMEM, NULL, "out of memory");
	org_unit *v = arena_alloc(a, (total + 1) * sizeof *v);
	if (!v)
		return err_set(e, E_NOMEM, NULL, "out of memory");
	size_t n = 0;
	for (size_t i = 0; i < total; i++) {
		const org_unit *u = snap[i];
		if (kind && strcmp(u->kind, kind) != 0)
			continue;
		if (area_code &&
		    !(include_below ? org_area_within(u->area_code, area_code) : strcmp(u->area_code, area_code) == 0))
			continue;
		v[n++] = *u;
	}
	*out = v;
	*out_n = n;
	return OK;
}

/* ---- seeding ---- */
static int name_for(const org_area *ar, const org_area *parent, const char *kind, char *out, size_t cap)
{
	int district = 0;
	size_t ln = strlen(ar->name);
	/* City districts (…区) are named with their city: 呼和浩特市回民区人民检察院. */
	if (ar->level == LEVEL_COUNTY && ln >= 3 && strcmp(ar->name + ln - 3, "区") == 0 && parent)
		district = 1;
	char place[160];
	snprintf(place, sizeof place, "%s%s", district ? parent->name : "", ar->name);
	if (ar->level == LEVEL_PROVINCE) {
		if (!strcmp(kind, "committee"))
			snprintf(out, cap, "内蒙古自治区党委政法委");
		else if (!strcmp(kind, "police"))
			snprintf(out, cap, "内蒙古自治区公安厅");
		else if (!strcmp(kind, "procuratorate"))
			snprintf(out, cap, "内蒙古自治区人民检察院");
		else if (!strcmp(kind, "court"))
			snprintf(out, cap, "内蒙古自治区高级人民法院");
		else
			snprintf(out, cap, "内蒙古自治区司法厅");
		return OK;
	}
	if (!strcmp(kind, "committee"))
		snprintf(out, cap, "中共%s委政法委", place);
	else if (!strcmp(kind, "police"))
		snprintf(out, cap, district ? "%s公安局%s分局" : "%s公安局", district ? parent->name : ar->name,
		         ar->name);
	else if (!strcmp(kind, "procuratorate"))
		snprintf(out, cap, "%s人民检察院", place);
	else if (!strcmp(kind, "court"))
		snprintf(out, cap, ar->level == LEVEL_PREFECTURE ? "%s中级人民法院" : "%s人民法院", place);
	else
		snprintf(out, cap, "%s司法局", place);
	return OK;
}

static int court_code_for(const char *division, char *out, size_t cap)
{
	const embedded_file *f = embedded_find("data/court_codes_derived.csv");
	if (!f)
		return E_NOTFOUND;
	csv_reader r;
	csv_record *rec = mem_alloc(sizeof *rec);
	int rc = E_NOTFOUND;
	if (!rec)
		return E_NOMEM;
	csv_reader_init(&r, f->data, f->len);
	if (csv_read_record(&r, rec, NULL) != OK || rec->n_fields == 0) {
		rc = E_INVALID;
		goto done;
	}
	int c_code = csv_field_index(rec, "court_daizi"), c_div = csv_field_index(rec, "division_code");
	if (c_code < 0 || c_div < 0) {
		rc = E_INVALID;
		goto done;
	}
	while (csv_read_record(&r, rec, NULL) == OK && rec->n_fields > 0) {
		if (rec->n_fields > c_div && rec->n_fields > c_code && strcmp(rec->fields[c_div], division) == 0) {
			util_strlcpy(out, rec->fields[c_code], cap);
			rc = OK;
			break;
		}
	}
done:
	mem_free(rec);
	return rc;
}

static int seed_areas(store *db, const principal *who, err *e)
{
	const embedded_file *f = embedded_find("data/divisions_inner_mongolia.csv");
	if (!f)
		return err_set(e, E_INTERNAL, NULL, "divisions data missing from the build");
	csv_reader r;
	csv_record *rec = mem_alloc(sizeof *rec);
	int rc = OK;
	if (!rec)
		return err_set(e, E_NOMEM, NULL, "out of memory");
	csv_reader_init(&r, f->data, f->len);
	if ((rc = csv_read_record(&r, rec, e)))
		goto done;
	int cc = csv_field_index(rec, "code"), cn = csv_field_index(rec, "name"),
	    cp = csv_field_index(rec, "parent_code"), cl = csv_field_index(rec, "level");
	if (cc < 0 || cn < 0 || cp < 0 || cl < 0) {
		rc = err_set(e, E_INVALID, "divisions", "divisions header must be code,name,parent_code,level");
		goto done;
	}
	while ((rc = csv_read_record(&r, rec, e)) == OK && rec->n_fields > 0) {
		if (rec->n_fields < 4) {
			rc = err_set(e, E_INVALID, "divisions", "divisions line %d is malformed", rec->line);
			break;
		}
		store_area ar = { rec->fields[cc], rec->fields[cn], rec->fields[cp][0] ? rec->fields[cp] : NULL,
			          rec->fields[cl] };
		if ((rc = store_area_insert(db, &ar, e)))
			break;
		json_t *p = json_object();
		if (!p) {
			rc = err_set(e, E_NOMEM, NULL, "out of memory");
			break;
		}
		rc = audit_change_str(p, "name", NULL, ar.name) || audit_change_str(p, "level", NULL, ar.level) ||
		                     audit_change_str(p, "parent_code", NULL, ar.parent_code)
		             ? err_set(e, E_NOMEM, NULL, "out of memory")
		             : audit_record(db, who, "area", ar.code, "area.created", p, NULL, e);
		json_decref(p);
		if (rc)
			break;
	}
done:
	mem_free(rec);
	return rc;
}

static int record_unit(store *db, const principal *who, const store_unit *su, err *e)
{
	int rc = store_unit_insert(db, su, e);
	if (rc)
		return rc;
	json_t *p = json_object();
	if (!p)
		return err_set(e, E_NOMEM, NULL, "out of memory");
	if (audit_change_str(p, "name", NULL, su->name) || audit_change_str(p, "kind", NULL, su->kind) ||
	    audit_change_str(p, "area_code", NULL, su->area_code) ||
	    audit_change_str(p, "parent_id", NULL, su->parent_id) ||
	    audit_change_str(p, "court_code", NULL, su->court_code))
		rc = err_set(e, E_NOMEM, NULL, "out of memory");
	else
		rc = audit_record(db, who, "unit", su->id, "unit.created", p, NULL, e);
	json_decref(p);
	return rc;
}

int org_seed(store *db, const principal *who, err *e)
{
	int rc = store_tx_begin(db, e);
	if (rc)
		return rc;
	if ((rc = seed_areas(db, who, e)))
		goto done;
	/* Areas are in the store now; build the cache so names can use parents. */
	if ((rc = org_cache_load(db, e)))
		goto done;
	pthread_rwlock_rdlock(&lock);
	size_t na = n_areas;
	pthread_rwlock_unlock(&lock);
	for (size_t i = 0; i < na && rc == OK; i++) {
		const org_area *ar = areas[i];
		const org_area *parent = ar->parent_code[0] ? org_area_find(ar->parent_code) : NULL;
		for (int k = 0; k < 5 && rc == OK; k++) {
			char id[96], name[160], court[16] = "";
			snprintf(id, sizeof id, "%s.%s", ar->code, org_kinds[k]);
			name_for(ar, parent, org_kinds[k], name, sizeof name);
			if (!strcmp(org_kinds[k], "court") && court_code_for(ar->code, court, sizeof court) != OK)
				rc = err_set(e, E_INVALID, "court_codes", "没有区划 %s 的法院代字", ar->code);
			store_unit su = { id, name, org_kinds[k], ar->code, NULL, court[0] ? court : NULL };
			if (rc == OK)
				rc = record_unit(db, who, &su, e);
		}
	}
	if (rc == OK)
		rc = store_tx_commit(db, e);
done:
	if (rc)
		store_tx_rollback(db);
	if (rc == OK)
		rc = org_cache_load(db, e);
	return rc;
}

int org_unit_add(store *db, const principal *who, const char *parent_id, const char *suffix, const char *name,
                 org_unit *out, err *e)
{
	int rc = OK;
	const org_unit *parent = org_unit_find(parent_id ? parent_id : "");
	if (!parent)
		return err_set(e, E_INVALID, "parent_id", "上级单位 %s 不存在", parent_id ? parent_id : "");
	size_t sl = suffix ? strlen(suffix) : 0;
	if (sl < 1 || sl > 32 || strspn(suffix, "abcdefghijklmnopqrstuvwxyz0123456789_") != sl)
		return err_set(e, E_INVALID, "suffix", "内部标识只能由 1-32 个小写字母、数字或下划线组成");
	if (!name || util_utf8_len(name) < 2 || strlen(name) >= sizeof out->name)
		return err_set(e, E_INVALID, "name", "单位名称应为 2 到 50 个字");
	char id[96];
	if ((size_t)snprintf(id, sizeof id, "%s.%s", parent->id, suffix) >= sizeof id)
		return err_set(e, E_INVALID, "suffix", "单位层级过深");
	store_unit su = { id, name, parent->kind, parent->area_code, parent->id, NULL };
	/* The cache entry and its slot are had before the commit: after it nothing may fail, or the
	 * caller would be told of a failure that was in fact recorded. */
	org_unit *x = mem_calloc(1, sizeof *x);
	if (x) {
		pthread_rwlock_wrlock(&lock);
		rc = reserve((void ***)&units, n_units, &cap_units);
		if (rc == OK && cap_by_id < n_units + 2) {
			org_unit **v = mem_realloc(by_id, (n_units + 2) * sizeof *v);
			if (v) {
				by_id = v;
				cap_by_id = n_units + 2;
			} else {
				rc = E_NOMEM;
			}
		}
		pthread_rwlock_unlock(&lock);
	}
	if (!x || rc) {
		mem_free(x);
		return err_set(e, E_NOMEM, NULL, "out of memory");
	}
	if ((rc = store_tx_begin(db, e))) {
		mem_free(x);
		return rc;
	}
	rc = record_unit(db, who, &su, e);
	if (rc == E_CONFLICT)
		rc = err_set(e, E_CONFLICT, "suffix", "单位 %s 已存在", id);
	if (rc == OK)
		rc = store_tx_commit(db, e);
	if (rc) {
		store_tx_rollback(db);
		mem_free(x);
		return rc;
	}
	if (out)
		unit_from_row(out, &su);
	unit_from_row(x, &su);
	pthread_rwlock_wrlock(&lock);
	rc = push((void ***)&units, &n_units, &cap_units, x);
	if (rc == OK && (rc = index_units()) != OK)
		n_units--; /* keep units and by_id in step; reload below */
	pthread_rwlock_unlock(&lock);
	if (rc) {
		mem_free(x);
		if (org_cache_load(db, NULL) != OK)
			log_event(LOG_ERROR, "org_cache_stale", "unit=%s", id);
	}
	return OK;
}
