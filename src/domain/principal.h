/*
 * principal.h - who is acting: the authenticated user with their unit and roles. Every domain write
 * takes one, so the event it appends names the user and the unit (谁录入谁负责). The system itself
 * (init, migrations, imports from the command line) acts as a principal with user_id 0.
 */
#ifndef CB_PRINCIPAL_H
#define CB_PRINCIPAL_H

#include <stdint.h>

enum role {
	ROLE_ADMIN = 1 << 0,
	ROLE_CLERK = 1 << 1,
	ROLE_HANDLER = 1 << 2,
	ROLE_REVIEWER = 1 << 3,
	ROLE_FUND_OFFICER = 1 << 4,
	ROLE_SUPERVISOR = 1 << 5,
	ROLE_AUDITOR = 1 << 6,
};
#define ROLE_ALL 0x7f

typedef struct principal {
	int64_t user_id; /* 0 = the system (command line) */
	char username[64];
	char display_name[96];
	char unit_id[96]; /* "" for the system */
	unsigned roles;   /* enum role bits */
} principal;

/* The system principal for command-line work (user_id 0, all roles, no unit). */
const principal *principal_system(void);

/* Role name <-> bit ("admin" -> ROLE_ADMIN); 0 if unknown. */
unsigned role_parse(const char *name);
const char *role_name(unsigned bit);
/* Parse "a,b,c" into bits; 0 and *out_bad set to the first unknown name on error. */
unsigned role_parse_list(const char *csv, char *out_bad, int bad_len);

#endif
