/*
 * csv.c - the record reader behind the data/ loaders. It walks the text byte by byte with a tiny state
 * machine (outside a field, unquoted, quoted, after a closing quote) and copies field bytes into the
 * record's buffer, so a record never points into the caller's text and the text may be read-only.
 * See csv.h.
 */
#include "core/csv.h"

#include <string.h>

void csv_reader_init(csv_reader *r, const char *text, size_t text_len)
{
	r->p = text;
	r->end = text + text_len;
	r->line = 1;
	if (text_len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB &&
	    (unsigned char)text[2] == 0xBF)
		r->p += 3;
}

/* Skip empty lines ("\n", "\r\n") so that they never become records. */
static void skip_blank_lines(csv_reader *r)
{
	for (;;) {
		if (r->p < r->end && *r->p == '\n') {
			r->p++;
			r->line++;
		} else if (r->end - r->p >= 2 && r->p[0] == '\r' && r->p[1] == '\n') {
			r->p += 2;
			r->line++;
		} else {
			return;
		}
	}
}

int csv_read_record(csv_reader *r, csv_record *rec, err *e)
{
	int rc = OK;
	size_t used = 0;
	int quoted = 0, after_quote = 0;

	rec->n_fields = 0;
	skip_blank_lines(r);
	rec->line = r->line;
	if (r->p >= r->end)
		goto done;

	rec->fields[0] = rec->buf;
	rec->n_fields = 1;
	while (r->p < r->end) {
		char c = *r->p++;
		/* Every byte stored below, separators included, must leave room for the final NUL. */
		if (used + 1 >= CSV_RECORD_MAX) {
			rc = err_set(e, E_INVALID, "", "第%d行过长（超过%d字节），请缩短该行", rec->line,
			             CSV_RECORD_MAX);
			goto done;
		}
		if (quoted) {
			if (c == '"') {
				if (r->p < r->end && *r->p == '"') {
					r->p++;
				} else {
					quoted = 0;
					after_quote = 1;
					continue;
				}
			} else if (c == '\n') {
				r->line++;
			}
		} else if (c == ',') {
			if (rec->n_fields == CSV_FIELDS_MAX) {
				rc = err_set(e, E_INVALID, "", "第%d行：字段超过%d个，请检查逗号", rec->line,
				             CSV_FIELDS_MAX);
				goto done;
			}
			rec->buf[used++] = 0;
			rec->fields[rec->n_fields++] = rec->buf + used;
			after_quote = 0;
			continue;
		} else if (c == '\n' || (c == '\r' && (r->p == r->end || *r->p == '\n'))) {
			if (c == '\r' && r->p < r->end)
				r->p++;
			r->line++;
			break;
		} else if (after_quote) {
			rc = err_set(e, E_INVALID, "", "第%d行：引号后面有多余字符，字段内的引号应写成两个双引号",
			             rec->line);
			goto done;
		} else if (c == '"' && rec->fields[rec->n_fields - 1] == rec->buf + used) {
			quoted = 1;
			continue;
		}
		rec->buf[used++] = c;
	}
	if (quoted) {
		rc = err_set(e, E_INVALID, "", "第%d行：引号没有闭合，请补上结尾的双引号", rec->line);
		goto done;
	}
	rec->buf[used] = 0;

done:
	if (rc != OK)
		rec->n_fields = 0;
	return rc;
}

int csv_field_index(const csv_record *header, const char *name)
{
	for (int i = 0; i < header->n_fields; i++)
		if (strcmp(header->fields[i], name) == 0)
			return i;
	return -1;
}
