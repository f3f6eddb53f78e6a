/* evidence.h — run virtual trials and compare them with their published targets.
 *
 * A trial is a scenario file with a `targets:` list (target.h). The runner loads it
 * with the caller's overrides (calibration parameters, --set), records every person's
 * trajectory and the whole event log, simulates, and measures each target. Cohorts
 * can be scaled down (--quick, calibration): person i is the same person whatever the
 * population size, so a smaller trial is the first people of the full one. Everything
 * is deterministic: the same files, overrides and cap give the same numbers. */
#ifndef MSK_EVIDENCE_H
#define MSK_EVIDENCE_H

#include <signal.h>
#include <stddef.h>

#include "measure.h"
#include "scenario.h"
#include "target.h"

typedef struct {
    size_t population_divisor;        /* >1: every cohort divided by this (rounded up) */
    int threads;
    const char *const *overrides;     /* KEY=VALUE, applied to every trial */
    size_t n_overrides;
    volatile sig_atomic_t *stop;      /* may be NULL */
    int verbose;                      /* print one line per trial on stderr */
} evidence_options;

typedef struct {
    const target *t;
    const scenario *sc;      /* the trial it belongs to */
    measure_result m;
    int measured;            /* 0 when the measure failed (m.value is NAN) */
    int pass;
} evidence_row;

typedef struct {
    scenario *trials;        /* [n_trials] */
    target_list *targets;    /* [n_trials] */
    size_t n_trials;
    evidence_row *rows;      /* [n_rows], in file order then target order */
    size_t n_rows, n_pass;
    double seconds;
} evidence_set;

/* The trial files: FILE itself, or every *.yaml in directory DIR (sorted by name).
 * *paths is malloc'ed (free each and the array). */
msk_status evidence_find(const char *path, char ***paths, size_t *n, diag_list *diags);

/* Run the trials in paths[0..n) and measure their targets into *set (free with
 * evidence_set_fini). Returns MSK_OK when every trial ran (targets may still fail),
 * else the first failure with diagnostics. */
msk_status evidence_run(evidence_set *set, char *const *paths, size_t n,
                        const evidence_options *opt, diag_list *diags);
void evidence_set_fini(evidence_set *set);

/* Does value (NAN: not measured) lie within t's accepted interval? */
int evidence_within(const target *t, double value);

/* Overrides (model.GROUP.NAME=VALUE) equivalent to the `model:` mapping of a parameter
 * file, so that it takes precedence over the trials' own settings. *overrides and each
 * string are malloc'ed. */
msk_status evidence_parameter_overrides(const char *file, char ***overrides, size_t *n,
                                        diag_list *diags);

#endif
