/* validate.h — out-of-sample checks of the calibration (cross-validation).
 *
 * In sample, the calibration is fitted to every trial and each target is measured at
 * the fitted parameters: how well the model reproduces the data it was tuned on. Out
 * of sample, the trials are split into folds by study (the part of a trial file's name
 * before its first '-': cti1999-older-women and cti1999-premenopausal are one study),
 * the calibration is refitted without each fold, and the fold's targets are measured at
 * the parameters fitted without them: how well the model predicts a study it has not
 * seen. Every fit starts from the calibration file's start values; the trials run at
 * the file's population_divisor, so an in-sample value is exactly what the fit saw.
 * Everything is deterministic: the same files give the same numbers for any thread
 * count. */
#ifndef MSK_VALIDATE_H
#define MSK_VALIDATE_H

#include <signal.h>
#include <stdio.h>

#include "calibrate.h"
#include "evidence.h"

typedef struct {
    size_t folds;                 /* 0: one fold per study (leave one study out) */
    int max_iterations;           /* 0: the calibration file's */
    int threads;
    volatile sig_atomic_t *stop;  /* may be NULL */
    FILE *log;                    /* progress, may be NULL */
} validate_options;

typedef struct {
    const target *t;              /* owned by the in-sample set */
    const scenario *sc;
    size_t fold;
    double in_value, out_value;   /* NAN: not measured */
    int in_pass, out_pass;
} validate_row;

typedef struct {
    evidence_set in_sample;       /* every trial at the parameters fitted to all */
    validate_row *rows;           /* [n_rows], as in_sample.rows */
    size_t n_rows, n_folds;
    size_t in_pass, out_pass;     /* over all targets */
    size_t n_held_out, in_pass_held_out, out_pass_held_out; /* calibrate: false */
    double objective_all;         /* weighted sum of squares of the fit to all trials */
    int iterations_all;
} validate_result;

/* Cross-validate the calibration SPEC (loaded with calibrate_load). */
msk_status validate_run(calibrate_spec *spec, const validate_options *opt, validate_result *out,
                        diag_list *diags);
void validate_result_fini(validate_result *v);

/* The study a trial file belongs to: its base name up to the first '-' (or '.'), in buf. */
void validate_study(const char *path, char *buf, size_t size);

/* Write the report: a TSV (header row, one row per target) or Markdown. */
void validate_write_tsv(const validate_result *v, FILE *f);
void validate_write_markdown(const validate_result *v, const char *command, FILE *f);

#endif
