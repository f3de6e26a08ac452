/*
 * numbering.h - case-number formats as data (data/case_number_patterns.csv, each row citing its basis):
 * the court's (年度)法院代字类型代字序号号 and the numbers police, procuratorates and justice bureaus give
 * a matter when it enters one of their stages. A deployment replaces rows (by scope and stage) with
 * <data-dir>/case_number_patterns.csv in the same format. Patterns use {abbr} (the area's short name),
 * {court} (法院代字), {type}, {year} and {serial}; serials are gapless per organ, type and year.
 */
#ifndef CB_NUMBERING_H
#define CB_NUMBERING_H

#include "core/err.h"

#include <stddef.h>
#include <stdint.h>

/* Load the built-in table and the deployment's overrides (idempotent; NULL data_dir: built-in only). */
int numbering_init(const char *data_dir, err *e);
void numbering_free(void);

/* The type code and pattern a unit uses when a matter enters stage, or NULL when it gives none. */
const char *numbering_unit_type(const char *stage, const char **out_pattern);
/* The court's pattern. */
const char *numbering_court_pattern(void);

/* Fill a pattern; OK or E_INVALID (unknown placeholder, or too long for cap). */
int numbering_format(const char *pattern, const char *abbr, const char *court, const char *type, int year,
                     int64_t serial, char *out, size_t cap);

#endif
