/*
 * principal.c - role names and the system principal. See principal.h.
 */
#include "domain/principal.h"

#include "core/util.h"

#include <stdio.h>
#include <string.h>

static const struct {
	unsigned bit;
	const char *name;
} roles[] = {
	{ ROLE_ADMIN, "admin" },
	{ ROLE_CLERK, "clerk" },
	{ ROLE_HANDLER, "handler" },
	{ ROLE_REVIEWER, "reviewer" },
	{ ROLE_FUND_OFFICER, "fund_officer" },
	{ ROLE_SUPERVISOR, "supervisor" },
	{ ROLE_AUDITOR, "auditor" },
};

static const principal sys = { .user_id = 0, .username = "system", .display_name = "系统", .roles = ROLE_ALL };

const principal *principal_system(void)
{
	return &sys;
}

unsigned role_parse(const char *name)
{
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (strcmp(roles[i].name, name) == 0)
			return roles[i].bit;
	return 0;
}

const char *role_name(unsigned bit)
{
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (roles[i].bit == bit)
			return roles[i].name;
	return "?";
}

unsigned role_parse_list(const char *csv, char *out_bad, int bad_len)
{
	unsigned bits = 0;
	const char *p = csv;
	while (*p) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);
		char name[32];
		if (n == 0 || n >= sizeof name) {
			snprintf(out_bad, (size_t)bad_len, "%.*s", (int)(n < 31 ? n : 31), p);
			return 0;
		}
		memcpy(name, p, n);
		name[n] = 0;
		unsigned b = role_parse(name);
		if (!b) {
			util_strlcpy(out_bad, name, (size_t)bad_len);
			return 0;
		}
		bits |= b;
		p += n + (c ? 1 : 0);
	}
	return bits;
}
