/*
 * synth.h - synthetic but valid people and organisations for demo data and the benchmark generator:
 * Chinese names (mostly two characters, as real ones are), resident ID numbers with correct check
 * characters and birth dates, unified social credit codes with correct check characters. Driven by a
 * seeded generator so the same seed gives the same data. No real person or body.
 */
#ifndef CB_SYNTH_H
#define CB_SYNTH_H

#include <stddef.h>
#include <stdint.h>

typedef struct synth_rng {
	uint64_t s;
} synth_rng;

void synth_seed(synth_rng *r, uint64_t seed);
uint32_t synth_next(synth_rng *r);
/* Uniform in [0, n). */
uint32_t synth_below(synth_rng *r, uint32_t n);

/* A person's name (2 or 3 characters) into out. */
void synth_person_name(synth_rng *r, char *out, size_t cap);
/* A company name into out. */
void synth_org_name(synth_rng *r, char *out, size_t cap);
/* A valid 18-character resident ID for the 6-digit area code, born in [year_from, year_to]. */
void synth_resident_id(synth_rng *r, const char *area_code, int year_from, int year_to, char out[19]);
/* A valid unified social credit code registered in the area. */
void synth_credit_code(synth_rng *r, const char *area_code, char out[19]);

#endif
