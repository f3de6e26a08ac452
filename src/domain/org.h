/*
 * org.h - the region's organisations: areas (GB/T 2260 divisions: region, 12 leagues/cities, 103
 * counties) and units (committee, police, procuratorate, court, justice bureau in every area: 580,
 * plus sub-units such as 执行局 that administrators add).
 *
 * Areas and units are few and read on every request (authorization), so they live in a process-wide
 * cache loaded from the store at start (org_cache_load) and updated when a unit is added. Entries are
 * immutable and never freed while the process runs, so pointers stay valid without holding a lock.
 *
 * Unit ids are stable text: "<area code>.<kind>" (e.g. "152501.court"), sub-units "<parent>.<suffix>".
 */
#ifndef CB_ORG_H
#define CB_ORG_H

#include "core/err.h"
#include "core/mem.h"
#include "domain/principal.h"
#include "store/store.h"

#include <stddef.h>

enum org_level { LEVEL_PROVINCE = 1, LEVEL_PREFECTURE = 2, LEVEL_COUNTY = 3 };

typedef struct org_area {
	char code[8];
	char name[64];
	char parent_code[8]; /* "" for the region */
	int level;           /* enum org_level */
} org_area;

typedef struct org_unit {
	char id[96];
	char name[160];
	char kind[16]; /* committee | police | procuratorate | court | justice_bureau */
	char area_code[8];
	char parent_id[96];  /* "" for a top unit */
	char court_code[16]; /* 法院代字, courts only */
} org_unit;

/* The unit kinds in canonical order, and the zh-CN label of each. */
extern const char *const org_kinds[5];
const char *org_kind_label(const char *kind);
int org_kind_valid(const char *kind);

/* Insert the areas and the 580 units from the embedded domain data, one event each (in a single
 * transaction the caller does NOT open: org_seed opens and commits it). */
int org_seed(store *db, const principal *who, err *e);

/* Load (or reload) the cache from the store. */
int org_cache_load(store *db, err *e);
/* Free the cache (at process exit; tests). */
void org_cache_free(void);

const org_area *org_area_find(const char *code);
const org_unit *org_unit_find(const char *id);
/* The short name of an area used in documents' numbers: the shortest prefix of its name, at least two
 * characters, that no other area's name starts with (正镶白旗 → 正镶, 科尔沁左翼中旗 → 科尔沁左翼中), so
 * numbers of units in different areas never collide. "内蒙" for an unknown code. */
void org_area_abbr(const char *code, char *out, size_t cap);
/* 1 if area code equals ancestor or lies below it. */
int org_area_within(const char *code, const char *ancestor);
/* The top unit of a kind in an area (the default receiver of a transfer), or NULL. */
const org_unit *org_unit_of(const char *area_code, const char *kind);

/* Copies of areas / units (filtered; NULL filter = any) into the arena. */
int org_area_list(arena *a, org_area **out, size_t *out_n, err *e);
int org_unit_list(const char *area_code, const char *kind, int include_below, arena *a, org_unit **out, size_t *out_n,
                  err *e);

/* Add a sub-unit under parent_id (same kind and area) with id "<parent>.<suffix>", suffix [a-z0-9_]
 * 1-32 chars. Opens its own transaction; writes an event; updates the cache. */
int org_unit_add(store *db, const principal *who, const char *parent_id, const char *suffix, const char *name,
                 org_unit *out, err *e);

#endif
