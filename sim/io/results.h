/* results.h — turn an engine result into the HDF5 result file and summary numbers.
 *
 * The file layout (docs/output-format.md): root coordinates time (days), week, quantile
 * and arm, and every per-arm series over (arm, time[, quantile]); one group per arm
 * under /arms with its event log, sampled trajectories and prescription; /persons with
 * everyone's baseline covariates; /summary with end-of-study outcomes per arm;
 * /comparison with end-of-study paired differences against the reference arm;
 * /provenance with the scenario text, effective parameters, version and command line. */
#ifndef MSK_RESULTS_H
#define MSK_RESULTS_H

#include <stdio.h>

#include "engine.h"
#include "h5out.h"
#include "scenario.h"

/* Quantiles reported for every variable. */
enum { RESULTS_N_QUANTILES = 5 };
extern const double results_quantiles[RESULTS_N_QUANTILES];

/* End-of-study figures of one arm (what the terminal table shows). */
typedef struct {
    double change_pct[KEY_COUNT], change_lo[KEY_COUNT], change_hi[KEY_COUNT];
    double rate[EVC_COUNT], rate_lo[EVC_COUNT], rate_hi[EVC_COUNT]; /* per 1000 person-years */
    double diff_change[KEY_COUNT], diff_change_lo[KEY_COUNT], diff_change_hi[KEY_COUNT];
    double diff_rate[EVC_COUNT], diff_rate_lo[EVC_COUNT], diff_rate_hi[EVC_COUNT];
    double person_years;
} results_arm_summary;

/* The share of the people enrolled alive in arm `arm` at observation k, with its
 * Wilson 95% limits: out[0..2] = share, lower, upper. */
void results_survival(const engine_result *r, size_t arm, size_t k, double out[3]);

/* Compute the summary of arm a. */
void results_arm(const engine_result *r, size_t arm, results_arm_summary *out);

/* Write the result file to `path` (atomically: a temporary file renamed at the end).
 * command_line is recorded in the provenance. */
msk_status results_write(const engine_result *r, const char *path, const char *command_line,
                         diag_list *diags);

/* The same, with groups another module writes into the same file before it is
 * committed (the /draws of a run with parameter draws: draws.h). */
typedef msk_status (*results_extra)(h5out *w, const engine_result *r, const void *ctx);
msk_status results_write_with(const engine_result *r, const char *path, const char *command_line,
                              results_extra extra, const void *extra_ctx, diag_list *diags);

/* The time coordinate of GROUP ("time", in days, and "week"), as the root's. */
msk_status results_write_time(h5out *w, const char *group, const engine_result *r);

/* Decimals down to the half-width of [lo, hi]'s first significant digit (plus extra),
 * from 0 to 3, so that a printed interval's bounds differ from its centre. */
int results_decimals(double lo, double hi, int extra);

/* Print the compact arms x key-outcomes table. */
void results_print_table(const engine_result *r, FILE *out);

#endif
