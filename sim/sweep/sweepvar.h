/* sweepvar.h — the outcome variables a sweep records at every point.
 *
 * An outcome of a sweep (`outcomes:` in a sweep file) is one summary of one arm at the
 * end of follow-up, named like the variables `msksim run` writes: KEY_change_pct,
 * EVENT_per_1000py, VARIABLE_mean, prevalence_CONDITION, ... This module maps such a
 * name to what it measures, gives its unit and long name, computes it from a finished
 * run, and lists every name for the sweep-file reference (docs/sweep-format.md). */
#ifndef MSK_SWEEPVAR_H
#define MSK_SWEEPVAR_H

#include <stddef.h>
#include <stdio.h>

#include "engine.h"

/* What an outcome variable measures. */
typedef enum {
    SWEEP_OUT_CHANGE_PCT,       /* KEY_*: mean % change baseline -> end, survivors */
    SWEEP_OUT_CHANGE_PCT_DIFF,  /* KEY_*: paired difference vs the reference arm */
    SWEEP_OUT_RATE,             /* EVC_*: events per 1000 person-years */
    SWEEP_OUT_RATE_DIFF,        /* EVC_*: paired difference vs the reference arm */
    SWEEP_OUT_MEAN_END,         /* OV_*: mean at the end */
    SWEEP_OUT_PREVALENCE_END,   /* PREV_*: share of the living at the end */
    SWEEP_OUT_INCIDENCE_END     /* EVC_*: share of people with >= 1 event by the end */
} sweep_outcome_kind;

/* The variable called VARIABLE: *kind, *index (into KEY_*, EVC_*, OV_* or PREV_*) and
 * *units (static). Returns 0 when there is none. */
int sweepvar_lookup(const char *variable, sweep_outcome_kind *kind, int *index, const char **units);

/* The unit of an outcome of this kind as tables and figures print it: "percentage
 * points" for a paired difference of % changes, "per 1000 person-years" for rates;
 * `units` (the file's UDUNITS unit) for means. */
const char *sweepvar_display_unit(sweep_outcome_kind kind, const char *units);

/* "ARM: ..." in words (REFERENCE names the reference arm of a difference); newly
 * allocated, NULL when out of memory. */
char *sweepvar_long_name(sweep_outcome_kind kind, int index, const char *arm, const char *reference);

/* The variable's value for arm ARM in a finished run (NaN when undefined, e.g. nobody
 * alive at the end). */
double sweepvar_value(sweep_outcome_kind kind, int index, size_t arm, const engine_result *r);

/* The list of variables as Markdown. */
void sweepvar_write_reference(FILE *out);

#endif
