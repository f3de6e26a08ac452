/*
 * flow.h - stages as data: the one transition table that drives every matter's flow across the
 * agencies (criminal, civil, administrative, enforcement). Each row says, for a kind of matter in a
 * stage, which action a unit of which kind may take, where it leads, whether the matter is transferred
 * to another unit for that (and to which: the counterpart in the same area, or the court of the area
 * above for appeals), and which time-limit rule (data/time_limit_rules.csv) runs in the new stage.
 *
 * The matter module never tests stage names in code: it asks this table. A step not allowed now
 * answers 409 with the steps that are (flow_actions).
 */
#ifndef CB_FLOW_H
#define CB_FLOW_H

#include <stddef.h>

enum flow_target {
	TARGET_NONE = 0,  /* the matter stays with its holder */
	TARGET_SAME_AREA, /* the unit of to_kind in the holder's area */
	TARGET_UP,        /* the unit of to_kind in the area above (appeal to the intermediate court) */
	TARGET_ORIGIN,    /* the unit of to_kind in the area where the matter was filed (community correction
			   * where the offender lives, after a second instance held above) */
};

enum flow_flags {
	FLOW_CLOSES = 1 << 0,          /* the matter is closed by this step */
	FLOW_NEEDS_REASON = 1 << 1,    /* the actor must give a reason (returns, refusals) */
	FLOW_COUNTS_RETURN = 1 << 2,   /* counts against max_rounds of the rule (supplementary investigation) */
	FLOW_NEEDS_PROCEDURE = 1 << 3, /* the actor chooses a procedure (ordinary/summary/...) */
	FLOW_COURT_NUMBER = 1 << 4,    /* entering to_stage gives the matter a new court case number */
	FLOW_REVIEWER = 1 << 5,        /* only a reviewer may take this step */
	FLOW_NEEDS_MANNER = 1 << 6,    /* the actor says how the matter ended (flow_manners: `manner`) */
};

typedef struct flow_step {
	const char *kind; /* criminal | civil | administrative | enforcement */
	const char *from_stage;
	const char *action;
	const char *label;      /* zh-CN button text */
	const char *actor_kind; /* unit kind that may take it (the holder's kind) */
	int target;             /* enum flow_target */
	const char *to_kind;    /* receiving unit kind when target != NONE */
	const char *to_stage;
	const char *rule_id;   /* time limit of to_stage ("" = by procedure, see flow_rule_for) */
	const char *type_code; /* court case type code (案件类型代字) when FLOW_COURT_NUMBER */
	int flags;
	const char *basis;        /* the article the step rests on, shown with it (NULL: see the comment) */
	const char *precondition; /* a set of conditions the domain checks first (enforce_close_check) */
} flow_step;

/* How a step ended a matter, for steps with FLOW_NEEDS_MANNER: the `manner` the actor chooses. */
typedef struct flow_manner {
	const char *action;
	const char *manner;
	const char *label; /* zh-CN */
} flow_manner;
extern const flow_manner flow_manners[];
extern const size_t flow_n_manners;
/* The manner row of an action, or NULL when manner is not one of the action's. */
const flow_manner *flow_manner_find(const char *action, const char *manner);

typedef struct flow_stage {
	const char *kind;
	const char *stage;
	const char *label; /* zh-CN */
	const char *holder_kind;
} flow_stage;

/* The step for (kind, stage, action), or NULL. */
const flow_step *flow_find(const char *kind, const char *stage, const char *action);
/* The steps available in (kind, stage): fills out (up to cap), returns how many exist. */
size_t flow_actions(const char *kind, const char *stage, const flow_step **out, size_t cap);
/* The stage description, or NULL. */
const flow_stage *flow_stage_find(const char *kind, const char *stage);
/* The first stage of a kind and the unit kind that files it. */
const char *flow_initial_stage(const char *kind, int detained);
const char *flow_filing_kind(const char *kind);
/* The initial stage's time-limit rule. */
const char *flow_initial_rule(const char *kind, int detained);
/* The rule for a step given the chosen procedure (ordinary | summary | fast_track | small_claims);
 * NULL with a procedure the step does not know. */
const char *flow_rule_for(const flow_step *s, const char *procedure);
/* 1 if kind is a known matter kind. */
int flow_kind_valid(const char *kind);
/* zh-CN label of a kind. */
const char *flow_kind_label(const char *kind);

/* All rows (for docs, tests and the stage list in the UI). */
extern const flow_step flow_steps[];
extern const size_t flow_n_steps;
extern const flow_stage flow_stages[];
extern const size_t flow_n_stages;

#endif
