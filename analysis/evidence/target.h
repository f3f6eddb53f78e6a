/* target.h — published results a scenario must reproduce (its `targets:` list).
 *
 * An evidence scenario is an ordinary scenario (it runs with `msksim run`) plus a
 * `targets:` list. Each target names a published figure, how to measure the same
 * quantity in the simulated trial (measure, variable or event, arms, times), the
 * published value and the interval the simulated value must fall in, with the reason
 * for that tolerance in words. `msksim evidence` checks the targets; `msksim
 * calibrate` fits free parameters to them, each weighted by its interval.
 *
 * Measures (all computed per person from full trajectories, people alive at the
 * times involved):
 *   change_pct            mean individual % change of `variable` from from_week to at_week
 *   change                mean individual change (units of variable x scale)
 *   rate_pct_per_year     change_pct per year of the interval
 *   rate_per_year         change per year of the interval (x scale)
 *   diff_change_pct       change_pct in `arm` minus in `versus` (same people, paired)
 *   diff_change           change in `arm` minus in `versus` (x scale)
 *   ratio_change_pct      change_pct in `arm` divided by change_pct in `versus` ("n-fold")
 *   recovered_fraction    share of the loss from from_week to at_week regained by recover_week
 *   baseline_mean         mean of variable at from_week (x scale)
 *   event_rate            `event`s per person-year between from_week and at_week
 *   proportion_with_event share of people alive at from_week with >= 1 `event` by at_week
 *   events_per_event      `event`s per `per_event` (e.g. hip fractures per fall)
 *   fraction_after_event  share of people whose first `after_event` (at least within_weeks
 *                         before the end) have `event` within within_weeks of it
 *   rate_ratio_per_sd     rate ratio of `event` per SD lower baseline `variable` (Poisson
 *                         regression on person-time), as in Marshall et al. 1996
 *   prevalence            share of people alive at from_week who then have `condition`
 *                         (osteoporosis, osteopenia, sarcopenia, ...: as the result file's
 *                         prevalence_* variables define them)
 *   ratio_of_changes_pct  mean % change of `variable` divided by the mean % change of
 *                         `versus_variable`, same people and interval (e.g. strength loss
 *                         per unit of atrophy)
 *   retained_fraction     share of the change from from_week to at_week still present at
 *                         later_week: (X(later) - X(from)) / (X(at) - X(from)), a ratio of
 *                         means (detraining)
 *   responder_share       share of people whose changes from from_week to at_week meet
 *                         every one of `criteria` at once (e.g. lean mass AND grip up)
 *   sd_change_pct         standard deviation across people of the individual % change
 *                         of `variable` from from_week to at_week (response heterogeneity;
 *                         with instruments it includes their error, as in a paper)
 *   sd_change             the same for the change (units of variable x scale)
 *
 * Every measure can be restricted to a subgroup fixed at entry (sex, age_min/age_max at
 * entry, baseline_condition at week 0). `accept` may leave one side open (null: an
 * upper or lower bound only). A target may name the instruments that measured it
 * (instrument.h): each person's measured values then carry that instrument's error.
 * Weeks need not lie on the observation grid: the evidence runner observes them. */
#ifndef MSK_TARGET_H
#define MSK_TARGET_H

#include <stddef.h>

#include "individual.h"
#include "scenario.h"
#include "status.h"
#include "yamltree.h"

#define TARGET_MEASURE_LIST(X)                                                              \
    X(TM_CHANGE_PCT, "change_pct")                                                          \
    X(TM_CHANGE, "change")                                                                  \
    X(TM_RATE_PCT_PER_YEAR, "rate_pct_per_year")                                            \
    X(TM_RATE_PER_YEAR, "rate_per_year")                                                    \
    X(TM_DIFF_CHANGE_PCT, "diff_change_pct")                                                \
    X(TM_DIFF_CHANGE, "diff_change")                                                        \
    X(TM_RATIO_CHANGE_PCT, "ratio_change_pct")                                              \
    X(TM_RECOVERED_FRACTION, "recovered_fraction")                                          \
    X(TM_BASELINE_MEAN, "baseline_mean")                                                    \
    X(TM_EVENT_RATE, "event_rate")                                                          \
    X(TM_PROPORTION_WITH_EVENT, "proportion_with_event")                                    \
    X(TM_EVENTS_PER_EVENT, "events_per_event")                                              \
    X(TM_FRACTION_AFTER_EVENT, "fraction_after_event")                                      \
    X(TM_RATE_RATIO_PER_SD, "rate_ratio_per_sd")                                          \
    X(TM_PREVALENCE, "prevalence")                                                          \
    X(TM_RATIO_OF_CHANGES_PCT, "ratio_of_changes_pct")                                      \
    X(TM_RETAINED_FRACTION, "retained_fraction")                                            \
    X(TM_RESPONDER_SHARE, "responder_share")                                                \
    X(TM_SD_CHANGE_PCT, "sd_change_pct")                                                    \
    X(TM_SD_CHANGE, "sd_change")

typedef enum {
#define X(code, name) code,
    TARGET_MEASURE_LIST(X)
#undef X
        TM_COUNT
} target_measure;

extern const char *const target_measure_names[TM_COUNT];

/* Who is measured: everyone, or a subgroup fixed at entry (all zero: everyone). */
typedef struct {
    int sex;                 /* 0 anyone, 1 women, 2 men */
    int by_age;              /* only people with age_min <= age at entry < age_max */
    double age_min, age_max;
    int by_condition;        /* only people with `condition` (PREV_*) at week 0 */
    int condition;
} target_subgroup;

/* One criterion of responder_share: the change of `variable` from from_week to at_week
 * (in % when pct) is at least (above) or at most (!above) threshold. */
typedef struct {
    int variable;
    int pct, above;
    double threshold;
} target_criterion;

/* An observation index not yet on the run's grid (target_list_missing_days). */
#define TARGET_OFF_GRID ((size_t)-1)

typedef struct {
    char *id;        /* unique across the evidence set, e.g. "wall2014-csa-14d" */
    char *what;      /* the published quantity in words */
    char *source;    /* citation */
    char *tolerance; /* why the acceptance interval is what it is */
    char *units;     /* optional; NULL = derived from measure and variable */
    target_measure measure;
    int variable;            /* obs_var, or -1 */
    int event, per_event;    /* obs_count, or -1 */
    int condition;           /* PREV_*, or -1 */
    size_t arm, versus;      /* arm indices (versus: diff_* only) */
    double from_week, at_week, recover_week, within_weeks;
    double later_week;       /* retained_fraction */
    size_t from_obs, at_obs, recover_obs, later_obs; /* observation indices of those times */
    int versus_variable;     /* ratio_of_changes_pct: obs_var of the denominator, or -1 */
    target_criterion *criteria; /* responder_share: [n_criteria], owned */
    size_t n_criteria;
    target_subgroup who;
    /* Instrument (instrument.h, 0: the true value) whose error each observed variable
     * carries when this target measures it. */
    unsigned char instrument[OV_COUNT];
    double scale;            /* multiplies the measured value (e.g. 1000: g -> mg) */
    double published;        /* published point value (mid-range for a range) */
    double accept_lo, accept_hi; /* -HUGE_VAL or HUGE_VAL: that side is open */
    int calibrate;           /* used by `msksim calibrate` (0: held out for validation) */
    const char *file;        /* not owned: the scenario file */
    int line, col;
} target;

typedef struct {
    target *items;
    size_t count;
} target_list;

/* Read the `targets:` list of the scenario sc (already loaded from sc->source_text).
 * obs_days are the run's observation times: a week given that is not one of them (it
 * must still lie within the follow-up) gets the index TARGET_OFF_GRID, and
 * target_list_missing_days lists it. Returns MSK_OK (an empty list when the scenario has no targets), MSK_EDATA with
 * diagnostics, or MSK_ENOMEM. */
msk_status target_list_load(target_list *tl, const scenario *sc, const double *obs_days,
                            size_t n_obs, diag_list *diags);
void target_list_fini(target_list *tl);

/* The days (week x 7, ascending, each once) that targets of tl need observed but that
 * were not observation times when tl was loaded. Returns the count; *days is
 * malloc'ed (NULL when none or out of memory: then returns 0 and sets *nomem). */
size_t target_list_missing_days(const target_list *tl, double **days, int *nomem);

/* Is the interval [accept_lo, accept_hi] open on one side? */
int target_one_sided(const target *t);

/* Units of a target's value, for tables ("%", "kg", "1/person-year", ...). */
const char *target_units(const target *t);

#endif
