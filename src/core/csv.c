/*
 * csv.c - the CSV reader. See csv.h.
 */
#include "core/csv.h"

#include <string.h>

void csv_open(csv_reader *r, const char *text)
{
	memset(r, 0, sizeof *r);
	r->p = text;
	/* Skip a UTF-8 byte order mark. */
	if ((unsigned char)r->p[0] == 0xef && (unsigned char)r->p[1] == 0xbb && (unsigned char)r->p[2] == 0xbf)
		r->p += 3;
}

int csv_next(csv_reader *r)
{
	for (;;) {
		if (!*r->p)
			return 0;
		r->line++;
		if (*r->p == '\n' || (*r->p == '\r' && r->p[1] == '\n')) {
			r->p += *r->p == '\r' ? 2 : 1;
			continue;
		}
		break;
	}
	size_t o = 0;
	r->n_fields = 0;
	int bad = 0;
	for (;;) {
		if (r->n_fields == CSV_MAX_FIELDS) {
			bad = 1;
			break;
		}
		r->field[r->n_fields++] = r->buf + o;
		if (*r->p == '"') {
			r->p++;
			for (;;) {
				if (!*r->p) {
					bad = 1;
					break;
				}
				if (*r->p == '"') {
					if (r->p[1] == '"') {
						r->p++;
					} else {
						r->p++;
						break;
					}
				}
				if (*r->p == '\n')
					r->line++;
				if (o + 1 >= sizeof r->buf) {
					bad = 1;
					break;
				}
				r->buf[o++] = *r->p++;
			}
			if (bad)
				break;
		} else {
			while (*r->p && *r->p != ',' && *r->p != '\n' && !(*r->p == '\r' && r->p[1] == '\n')) {
				if (o + 1 >= sizeof r->buf) {
					bad = 1;
					break;
				}
				r->buf[o++] = *r->p++;
			}
			if (bad)
				break;
		}
		if (o >= sizeof r->buf) { /* no room for the terminator: the row is too long */
			bad = 1;
			break;
		}
		r->buf[o++] = 0;
		if (*r->p == ',') {
			r->p++;
			continue;
		}
		if (*r->p == '\r')
			r->p++;
		if (*r->p == '\n')
			r->p++;
		else if (*r->p) {
			bad = 1;
			break;
		}
		return 1;
	}
	/* Skip the rest of a bad row. */
	while (*r->p && *r->p != '\n')
		r->p++;
	if (*r->p)
		r->p++;
	return -1;
}

int csv_column(const csv_reader *r, const char *name)
{
	for (int i = 0; i < r->n_fields; i++)
		if (strcmp(r->field[i], name) == 0)
			return i;
	return -1;
}
