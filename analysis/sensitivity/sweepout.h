/* sweepout.h — the result of a finished sweep: per-point outcomes, sensitivity
 * indices, the HDF5 file and the terminal table.
 *
 * Every number is computed from the task outcomes in task order, so the file is the
 * same whatever ran the tasks (one process, many ranks, several interrupted jobs).
 * Layout (netCDF-4 compatible, through h5out; docs/cluster.md describes it):
 *   /            dimensions point, parameter, outcome, replicate; one variable per
 *                parameter (its value at each point, the point's coordinates) and per
 *                outcome (mean over replicates, with `coordinates` naming the
 *                parameters); parameter_value(point, parameter),
 *                outcome_value(point, outcome), outcome_replicates(point, replicate,
 *                outcome), task_seed(point, replicate), the design's structure
 *   /sensitivity first_order, total_order and their bootstrap limits (saltelli), or
 *                mu, mu_star, sigma and mu_star limits (morris), (outcome, parameter)
 *   /provenance  the sweep file, the base scenario, versions, command line, key */
#ifndef MSK_SWEEPOUT_H
#define MSK_SWEEPOUT_H

#include <stdio.h>

#include "sensitivity.h"
#include "sweep.h"

typedef struct {
    double *mean;        /* [n_points][n_outcomes]: mean over replicates */
    sens_sobol *sobol;   /* [n_outcomes][n_params] (saltelli), else NULL */
    sens_morris *morris; /* [n_outcomes][n_params] (morris), else NULL */
} sweepout_analysis;

/* Means and indices from task_values[n_tasks][n_outcomes]. MSK_OK or MSK_ENOMEM. */
msk_status sweepout_analyse(const sweep *sw, const double *task_values, sweepout_analysis *a);
void sweepout_analysis_fini(sweepout_analysis *a);

/* Write the result file atomically (temporary file, fsync, rename). */
msk_status sweepout_write(const sweep *sw, const double *task_values, const sweepout_analysis *a,
                          const char *path, const char *command_line, diag_list *diags);

/* Print the indices (or, for grid and lhs, the range of each outcome). */
void sweepout_print(const sweep *sw, const sweepout_analysis *a, FILE *out);

/* The whole last step of a finished sweep: indices, the result file (diagnostics on
 * stderr) and, unless quiet, the table on stdout. Fits sweeprun_options.write_result. */
msk_status sweepout_assemble(const sweep *sw, const double *task_values, const char *out,
                             const char *command_line, int quiet, void *ctx);

#endif
