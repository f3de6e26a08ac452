/*
 * csv.h - a small reader for the comma-separated tables CaseBridge ships under data/ (holidays, time
 * limit rules) and that operators may replace. It reads one record at a time from an in-memory text,
 * copies the fields into a fixed buffer inside the record (no allocation) and counts lines so that a
 * loader can say "第12行: ..." when a row is wrong. Quoting follows RFC 4180: a field in double quotes
 * may hold commas, line breaks and doubled quotes. A UTF-8 byte order mark, CRLF line ends and blank
 * lines are tolerated; blank lines are skipped.
 */
#ifndef CB_CSV_H
#define CB_CSV_H

#include <stddef.h>

#include "core/err.h"

#define CSV_FIELDS_MAX 32
#define CSV_RECORD_MAX 2048

typedef struct csv_reader {
	const char *p;   /* next unread byte */
	const char *end; /* one past the last byte */
	int line;        /* line number of the next unread byte, from 1 */
} csv_reader;

typedef struct csv_record {
	int line;                     /* line on which the record starts, from 1 */
	int n_fields;                 /* 0 at the end of the text */
	char *fields[CSV_FIELDS_MAX]; /* NUL-terminated, pointing into buf */
	char buf[CSV_RECORD_MAX];
} csv_record;

/* Start reading text[0..text_len). The text must outlive the reader. Skips a UTF-8 BOM. */
void csv_reader_init(csv_reader *r, const char *text, size_t text_len);

/*
 * Read the next non-blank record into *rec. Returns OK with rec->n_fields > 0, or OK with
 * rec->n_fields == 0 at the end of the text. Returns E_INVALID (the message names the line; field is left empty
 * for the loader to fill) for an unterminated
 * quote, stray characters after a closing quote, more than CSV_FIELDS_MAX fields or a record longer than
 * CSV_RECORD_MAX bytes.
 */
int csv_read_record(csv_reader *r, csv_record *rec, err *e);

/* The index of the field equal to name in a header record, or -1. */
int csv_field_index(const csv_record *header, const char *name);

#endif
