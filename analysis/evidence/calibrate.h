/* calibrate.h — fit free model parameters to the evidence targets.
 *
 * A calibration file (scenarios/calibration.yaml) names the trials, the free
 * parameters with their starting values, bounds and optional Gaussian priors, and the
 * settings of the fit. The objective is the weighted sum of squares
 *     sum_i ((sim_i - published_i) / sigma_i)^2 + sum_j ((theta_j - prior_j) / tau_j)^2
 * over the targets marked for calibration, with sigma_i a quarter of the target's
 * acceptance interval (the interval is read as +-2 sigma). It is minimised by GSL's
 * trust-region nonlinear least squares (Levenberg-Marquardt with geodesic
 * acceleration off, finite-difference Jacobian) on logit-transformed parameters, so
 * bounds hold. Every evaluation reruns the trials with the same seeds (common random
 * numbers): the objective is a deterministic function of the parameters, and the same
 * file always gives the same fit. */
#ifndef MSK_CALIBRATE_H
#define MSK_CALIBRATE_H

#include <signal.h>
#include <stdio.h>

#include "evidence.h"
#include "status.h"

typedef struct {
    char *group, *name;         /* model.GROUP.NAME */
    double start, min, max;
    double prior_sd;            /* NAN: no prior */
    double value;               /* fitted */
    double se;                  /* approximate standard error from the Jacobian (NAN if singular) */
    double logit;               /* the fitted value on the logit scale of [min, max] */
    int line, col;
} calibrate_param;

typedef struct {
    char *file;                 /* the calibration file */
    char *evidence;             /* trial directory or file, resolved against the file */
    size_t population_divisor;
    int max_iterations;
    double fd_step;             /* finite-difference step on the logit scale */
    calibrate_param *params;
    size_t n_params;
    /* After a fit, the Laplace approximation of the parameters' distribution: the
     * covariance of the logit-scale parameters, (J'J)^-1 at the optimum times
     * cov_scale = max(1, objective / (residuals - parameters)), [n_params x n_params]
     * row-major; 0 on the row and column of a parameter the fit does not identify.
     * NULL before a fit. */
    double *cov;
    double cov_scale;
} calibrate_spec;

typedef struct {
    double objective_start, objective_end;
    size_t n_residuals, n_targets;
    int iterations, evaluations;
    int converged;              /* 0: stopped at max_iterations */
    const char *stop_reason;
} calibrate_report;

msk_status calibrate_load(calibrate_spec *spec, const char *path, diag_list *diags);
void calibrate_fini(calibrate_spec *spec);

/* Fit; spec->params[*].value and .se receive the result. threads as for engine_run;
 * log (may be NULL) receives one line per iteration. */
msk_status calibrate_run(calibrate_spec *spec, int threads, volatile sig_atomic_t *stop,
                         FILE *log, calibrate_report *report, diag_list *diags);

/* calibrate_run on the trial files paths[0..n_paths) instead of spec->evidence (a fold
 * of a cross-validation). The fit starts from the spec's start values. */
msk_status calibrate_run_on(calibrate_spec *spec, char *const *paths, size_t n_paths, int threads,
                            volatile sig_atomic_t *stop, FILE *log, calibrate_report *report,
                            diag_list *diags);

/* Write the fitted values as a parameter file (a `model:` mapping) with a comment
 * header describing the fit, and the Laplace approximation of their distribution (an
 * `uncertainty:` mapping, read by sim/input/uncertainty.h) when the fit has one. */
msk_status calibrate_write(const calibrate_spec *spec, const calibrate_report *report,
                           const char *path, diag_list *diags);

#endif
