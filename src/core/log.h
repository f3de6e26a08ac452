/*
 * log.h - one key=value line per event on stderr (or a file), with a level filter.
 *
 * Lines look like `ts=2026-11-22T04:30:00.123Z level=info event=request id=9f.. status=200 ms=1.4`.
 * Callers pass pre-formatted key=value pairs; values with spaces are quoted by log_kv. Never log
 * passwords, tokens or full ID numbers: mask them (ident_mask_id) before they get here.
 */
#ifndef CB_LOG_H
#define CB_LOG_H

enum { LOG_DEBUG = 0, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_OFF };

/* Parse "debug|info|warn|error|off"; -1 if unknown. */
int log_level_parse(const char *s);
void log_set_level(int level);
int log_get_level(void);
/* Send lines to fd (default 2). */
void log_set_fd(int fd);

/* Writes one line: ts, level, event, then fmt (which should be key=value pairs). Thread-safe: one
 * write(2) per line. */
void log_event(int level, const char *event, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
