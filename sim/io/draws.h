/* draws.h — the parameter draws of a run: what is recorded of each draw, the summaries
 * across draws, the /draws group of the result file and the table printed with them.
 *
 * A run with `draws: N` simulates the same population (same seed: common random
 * numbers) once at the scenario's own parameters -- the central run, the root of the
 * file -- and once under each of N parameter sets drawn from the calibration's
 * distribution (uncertainty.h). Of every draw it keeps the end-of-study outcomes of
 * every arm (the % changes of the key outcomes and the event rates) and their paired
 * differences against the reference arm. Across the draws it gives, per outcome and
 * arm: the mean, the 95% uncertainty interval (2.5% and 97.5% quantiles across
 * draws), beside the central run's value and its Monte Carlo interval; for each
 * difference the probability that the arm does better than the reference; and the
 * standardized regression coefficients (SRC) of the drawn parameters, which say what
 * drives the spread (docs/model.md, "Two kinds of interval"). */
#ifndef MSK_DRAWS_H
#define MSK_DRAWS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "engine.h"
#include "h5out.h"

/* The outcomes recorded of each arm of a draw, in this order. */
typedef enum { DRAWS_CHANGE, DRAWS_RATE, DRAWS_CHANGE_DIFF, DRAWS_RATE_DIFF } draws_family;
enum { DRAWS_PER_ARM = 2 * (KEY_COUNT + EVC_COUNT) };

/* Outcome o (0 .. n_arms * DRAWS_PER_ARM) is outcome j = o % DRAWS_PER_ARM of arm
 * o / DRAWS_PER_ARM: its family and its index into KEY_* or EVC_*. */
void draws_outcome(size_t j, draws_family *family, int *index);

/* The series over time kept of each draw, after the outcomes, each [arm][observation]
 * and as the root has it: the arm means of the key variables (KEY_*: VAR_mean), the
 * cumulative incidence of falls and of fractures, and the prevalence of sarcopenia,
 * osteopenia and osteoporosis among the living. */
enum { DRAWS_SERIES_FALLS = KEY_COUNT, DRAWS_SERIES_FRACTURES, DRAWS_SERIES_SARCOPENIA, DRAWS_SERIES_OSTEOPENIA,
       DRAWS_SERIES_OSTEOPOROSIS, DRAWS_N_SERIES };

/* Values kept of one draw: n_arms * DRAWS_PER_ARM outcomes, then the series. */
size_t draws_value_count(size_t n_arms, size_t n_obs);

/* Index of series s of arm a at observation k among a draw's values. */
size_t draws_series_at(size_t n_arms, size_t n_obs, int s, size_t a, size_t k);

/* Every value kept of a finished run, in that order (the reference arm's differences
 * are NaN). values has draws_value_count elements. */
void draws_values(const engine_result *r, double *values);

/* What a run with draws keeps. */
typedef struct {
    size_t n_draws, n_params, n_arms, n_obs;
    char **param_name;    /* "group.name" under model., the drawn parameters only */
    char **param_units;
    char **param_source;  /* where its distribution comes from */
    double *param_value;  /* [draw][param] */
    double *value;        /* [draw][draws_value_count(n_arms, n_obs)] */
    char *source;         /* the parameter file the distribution came from */
    char *held;           /* parameters of that file not drawn, and why ("" if none) */
    uint64_t seed;        /* of the draws */
} draws_data;

/* Allocate the arrays of a draws_data for the given sizes (names empty). Returns 0,
 * or -1 when out of memory (free it with draws_data_fini in either case). */
int draws_data_alloc(draws_data *d, size_t n_draws, size_t n_params, size_t n_arms, size_t n_obs);
void draws_data_fini(draws_data *d);

/* The summary of one outcome of one arm across the draws. */
typedef struct {
    double mean, ui_low, ui_high; /* across draws; NaN when undefined in any draw */
    double central, mc_low, mc_high; /* the central run and its Monte Carlo 95% CI */
    double p_better;              /* differences: P(arm does better than the reference) */
    double r2;                    /* of the linear regression behind the SRCs */
} draws_summary;

/* The summary of outcome o (0 .. n_arms * DRAWS_PER_ARM); src, when not NULL, gets
 * the n_params standardized regression coefficients (NaN when there are too few draws
 * or the outcome does not vary). */
void draws_summarise(const draws_data *d, const engine_result *central, size_t o, draws_summary *s, double *src);

/* Write /draws into W; CTX is the draws_data (results.h's results_extra). */
msk_status draws_write(h5out *w, const engine_result *central, const void *ctx);

/* The table printed after a run with draws: mean [95% uncertainty interval] of every
 * arm's key outcomes, its paired differences, and the probability of doing better. */
void draws_print_table(const draws_data *d, const engine_result *central, FILE *out);

#endif
