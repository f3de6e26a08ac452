/*
 * demo.h - the demo region: users of every role in 锡林郭勒盟 and its 正镶白旗, 呼和浩特市 and its
 * 回民区, and the region's committee, all with the one demo password. Only `init --demo` calls this,
 * and the database records that it is a demo (meta demo=1), which `demo-logins` requires.
 */
#ifndef CB_DEMO_H
#define CB_DEMO_H

#include "core/err.h"
#include "store/store.h"

#include <stdio.h>

#define DEMO_PASSWORD "casebridge-demo"

/* Create the demo users (and, as the case flow grows, demo matters). */
int demo_seed(store *db, err *e);

/* Add n demo matters in the demo counties, walked through the flow to every stage with dates in the
 * past (some overdue, some transfers left unanswered or returned); the same seed gives the same
 * matters. */
int demo_seed_matters(store *db, int n, unsigned seed, err *e);

/* Add enforcement demo data at 正镶白旗人民法院 and 正镶白旗公安局: three enforcement matters with
 * assistance requests (one item overdue, one answered late), a detention and a consumption
 * restriction order, two listed debtors (one published, one in its grace period), and case funds
 * (one receipt overdue, one unidentified, one disbursement awaiting approval). Dates in the past. */
int demo_seed_enforcement(store *db, err *e);

/* Print the demo logins (username, display name, unit, roles) to f. */
int demo_print_logins(store *db, FILE *f, err *e);

#endif
