/*
 * csv.h - a small RFC 4180 reader for the domain tables (divisions, court codes, rules, holidays):
 * comma-separated, double-quoted fields with "" escapes, LF or CRLF line ends, a header row.
 * It walks a NUL-terminated text in place of a file; fields are copied into the caller's buffer.
 */
#ifndef CB_CSV_H
#define CB_CSV_H

#include <stddef.h>

#define CSV_MAX_FIELDS 24

typedef struct csv_reader {
	const char *p;      /* next unread byte */
	int line;           /* 1-based line number of the row just read */
	char buf[4096];     /* field storage of the current row */
	char *field[CSV_MAX_FIELDS];
	int n_fields;
} csv_reader;

void csv_open(csv_reader *r, const char *text);
/* Read the next row into r->field[0..n_fields). Returns 1 for a row, 0 at the end, -1 for a row that
 * is malformed or too long (r->line names it). Blank lines are skipped. */
int csv_next(csv_reader *r);
/* Index of a header name in the current row, or -1. */
int csv_column(const csv_reader *r, const char *name);

#endif
