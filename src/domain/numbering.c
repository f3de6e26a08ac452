/*
 * numbering.c - case-number patterns. See numbering.h.
 */
#include "domain/numbering.h"

#include "core/csv.h"
#include "core/embedded.h"
#include "core/mem.h"
#include "core/util.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define MAX_ROWS 64

typedef struct row {
	char scope[8], stage[48], type[32], pattern[128];
} row;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static row rows[MAX_ROWS];
static int n_rows, loaded;

/* Rows from CSV text; a row with the scope and stage of an existing one replaces it. */
static int load_text(const char *text, const char *what, err *e)
{
	csv_reader r;
	csv_record *rec = mem_alloc(sizeof *rec);
	int rc;
	if (!rec)
		return err_set(e, E_NOMEM, NULL, "out of memory");
	csv_reader_init(&r, text, strlen(text));
	if ((rc = csv_read_record(&r, rec, e)))
		goto done;
	int cs = csv_field_index(rec, "scope"), cg = csv_field_index(rec, "stage"), ct = csv_field_index(rec, "type"),
	    cp = csv_field_index(rec, "pattern");
	if (cs < 0 || cg < 0 || ct < 0 || cp < 0) {
		rc = err_set(e, E_INVALID, "case_number_patterns",
		             "%s: header must name scope,stage,type,pattern,basis", what);
		goto done;
	}
	while ((rc = csv_read_record(&r, rec, e)) == OK && rec->n_fields > 0) {
		char probe[256];
		if (rec->n_fields <= cp || (strcmp(rec->fields[cs], "court") && strcmp(rec->fields[cs], "unit")) ||
		    numbering_format(rec->fields[cp], "甲", "内", "X", 2026, 1, probe, sizeof probe) != OK ||
		    strlen(rec->fields[cg]) >= sizeof rows[0].stage || strlen(rec->fields[ct]) >= sizeof rows[0].type ||
		    strlen(rec->fields[cp]) >= sizeof rows[0].pattern) {
			rc = err_set(e, E_INVALID, "case_number_patterns",
			             "%s 第%d行：范围应为 court 或 unit，模式只能用 "
			             "{abbr} {court} {type} {year} {serial}",
			             what, rec->line);
			break;
		}
		int i = 0;
		while (i < n_rows &&
		       !(strcmp(rows[i].scope, rec->fields[cs]) == 0 && strcmp(rows[i].stage, rec->fields[cg]) == 0))
			i++;
		if (i == n_rows) {
			if (n_rows == MAX_ROWS) {
				rc = err_set(e, E_INVALID, "case_number_patterns", "%s: more than %d rows", what,
				             MAX_ROWS);
				break;
			}
			n_rows++;
		}
		util_strlcpy(rows[i].scope, rec->fields[cs], sizeof rows[i].scope);
		util_strlcpy(rows[i].stage, rec->fields[cg], sizeof rows[i].stage);
		util_strlcpy(rows[i].type, rec->fields[ct], sizeof rows[i].type);
		util_strlcpy(rows[i].pattern, rec->fields[cp], sizeof rows[i].pattern);
	}
done:
	mem_free(rec);
	return rc;
}

int numbering_init(const char *data_dir, err *e)
{
	int rc = OK;
	pthread_mutex_lock(&lock);
	if (loaded)
		goto done;
	const embedded_file *f = embedded_find("data/case_number_patterns.csv");
	if (!f) {
		rc = err_set(e, E_INTERNAL, NULL, "case-number patterns missing from the build");
		goto done;
	}
	n_rows = 0;
	if ((rc = load_text(f->data, "data/case_number_patterns.csv", e)))
		goto done;
	if (data_dir) {
		char path[700];
		snprintf(path, sizeof path, "%s/case_number_patterns.csv", data_dir);
		FILE *fp = fopen(path, "rb");
		if (fp) {
			char *text = mem_alloc(65537);
			size_t n = text ? fread(text, 1, 65536, fp) : 0;
			fclose(fp);
			if (!text) {
				rc = err_set(e, E_NOMEM, NULL, "out of memory");
				goto done;
			}
			text[n] = 0;
			rc = load_text(text, path, e);
			mem_free(text);
			if (rc)
				goto done;
		}
	}
	loaded = 1;
done:
	pthread_mutex_unlock(&lock);
	return rc;
}

void numbering_free(void)
{
	pthread_mutex_lock(&lock);
	loaded = 0;
	n_rows = 0;
	pthread_mutex_unlock(&lock);
}

const char *numbering_unit_type(const char *stage, const char **out_pattern)
{
	if (!loaded)
		numbering_init(NULL, NULL);
	for (int i = 0; i < n_rows; i++)
		if (!strcmp(rows[i].scope, "unit") && !strcmp(rows[i].stage, stage)) {
			if (out_pattern)
				*out_pattern = rows[i].pattern;
			return rows[i].type;
		}
	return NULL;
}

const char *numbering_court_pattern(void)
{
	if (!loaded)
		numbering_init(NULL, NULL);
	for (int i = 0; i < n_rows; i++)
		if (!strcmp(rows[i].scope, "court"))
			return rows[i].pattern;
	return "（{year}）{court}{type}{serial}号";
}

int numbering_format(const char *pattern, const char *abbr, const char *court, const char *type, int year,
                     int64_t serial, char *out, size_t cap)
{
	size_t o = 0;
	for (const char *p = pattern; *p;) {
		char piece[64];
		const char *add = NULL;
		if (*p == '{') {
			const char *end = strchr(p, '}');
			if (!end)
				return E_INVALID;
			size_t n = (size_t)(end - p + 1);
			if (n == 6 && !strncmp(p, "{abbr}", 6))
				add = abbr;
			else if (n == 7 && !strncmp(p, "{court}", 7))
				add = court;
			else if (n == 6 && !strncmp(p, "{type}", 6))
				add = type;
			else if (n == 6 && !strncmp(p, "{year}", 6))
				snprintf(piece, sizeof piece, "%d", year), add = piece;
			else if (n == 8 && !strncmp(p, "{serial}", 8))
				snprintf(piece, sizeof piece, "%lld", (long long)serial), add = piece;
			else
				return E_INVALID;
			p = end + 1;
			size_t l = strlen(add ? add : "");
			if (o + l + 1 > cap)
				return E_INVALID;
			memcpy(out + o, add ? add : "", l);
			o += l;
		} else {
			if (o + 2 > cap)
				return E_INVALID;
			out[o++] = *p++;
		}
	}
	if (o + 1 > cap)
		return E_INVALID;
	out[o] = 0;
	return OK;
}
