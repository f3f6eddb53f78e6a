/* params.h — the model parameters as one plain struct.
 *
 * Generated from params.def: field GROUP_NAME holds parameter "model.GROUP.NAME" in the
 * unit declared there. Models read it through a const pointer; nothing writes it after
 * the scenario is loaded. */
#ifndef MSK_PARAMS_H
#define MSK_PARAMS_H

#include <stddef.h>

typedef struct {
#define PARAM(group, name, unit, def, lo, hi, help, source) double group##_##name;
#include "params.def"
#undef PARAM
} model_params;

/* One row of the table, for loaders, documentation and provenance. */
typedef struct {
    const char *group, *name, *unit, *help, *source;
    double def, min, max;
    size_t offset; /* of the double inside model_params */
} model_param_info;

extern const model_param_info model_param_table[];
extern const size_t model_param_count;

/* Nonzero when row i is the first of its group: listings walk the table once and
 * print each group whole, even if params.def interleaves groups. */
int model_param_opens_group(size_t i);

/* The row of model.GROUP.NAME, or NULL when there is none. */
const model_param_info *model_param_find(const char *group, const char *name);

/* The row of "GROUP.NAME" written as one string, or NULL. */
const model_param_info *model_param_find_dotted(const char *dotted);

/* Where row info's value lives in m. */
const double *model_param_value(const model_params *m, const model_param_info *info);

/* Baseline residuals correlated through model.baseline.corr_* (population.c). */
enum { BASELINE_Z_LEAN, BASELINE_Z_STRENGTH, BASELINE_Z_GAIT, BASELINE_Z_BMD, BASELINE_Z_ACTIVITY,
       BASELINE_Z_COUNT };

/* Lower Cholesky factor of the baseline residual correlation matrix into
 * chol[i][j] (row-major, j <= i). Returns 0, or -1 when the correlations do not form a
 * positive-definite matrix (the loader refuses such a scenario). */
int model_params_correlation_factor(const model_params *p,
                                    double chol[BASELINE_Z_COUNT][BASELINE_Z_COUNT]);

/* What is known about an uncalibrated parameter (params_dist.def). */
typedef enum { PARAM_DIST_FIXED, PARAM_DIST_UNIFORM, PARAM_DIST_NORMAL, PARAM_DIST_LOGNORMAL } model_param_dist_kind;

typedef struct {
    const char *group, *name;
    model_param_dist_kind kind;
    double a, b;        /* UNIFORM: the range; NORMAL, LOGNORMAL: the 95% CI */
    const char *source; /* or, FIXED, the reason */
} model_param_dist;

extern const model_param_dist model_param_dist_table[];
extern const size_t model_param_dist_count;

/* The row of model.GROUP.NAME in params_dist.def, or NULL. */
const model_param_dist *model_param_dist_find(const char *group, const char *name);

/* Fill p with every default from params.def. */
void model_params_defaults(model_params *p);

#endif
