/*
 * log.c - key=value logging. See log.h. One write(2) per line keeps lines whole across threads.
 */
#include "core/log.h"
#include "core/util.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static _Atomic int current_level = LOG_INFO;
static _Atomic int log_fd = 2;
static const char *names[] = { "debug", "info", "warn", "error", "off" };

int log_level_parse(const char *s)
{
	for (int i = 0; i <= LOG_OFF; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

void log_set_level(int level)
{
	atomic_store(&current_level, level);
}
int log_get_level(void)
{
	return atomic_load(&current_level);
}
void log_set_fd(int fd)
{
	atomic_store(&log_fd, fd);
}

void log_event(int level, const char *event, const char *fmt, ...)
{
	if (level < atomic_load(&current_level) || level >= LOG_OFF)
		return;
	char line[2048];
	char ts[32];
	util_now_iso(ts, sizeof ts);
	int n = snprintf(line, sizeof line, "ts=%s level=%s event=%s ", ts, names[level], event);
	if (n < 0 || (size_t)n >= sizeof line)
		return;
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
	va_end(ap);
	size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
	if (len > sizeof line - 2)
		len = sizeof line - 2;
	line[len++] = '\n';
	ssize_t w = write(atomic_load(&log_fd), line, len);
	(void)w;
}
