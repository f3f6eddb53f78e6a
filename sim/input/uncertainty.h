/* uncertainty.h — the calibration's distribution of the fitted parameters, and draws
 * from it.
 *
 * `msksim calibrate` writes, beside the fitted values, an `uncertainty:` mapping: the
 * Laplace approximation of the fit, under which the fitted parameters are jointly
 * normal on the logit scale of their bounds, u = log((v - min) / (max - v)), with the
 * given means, SDs and correlations (docs/model.md, "What the calibration does not
 * know"). A parameter with SD 0 is not identified by the targets and is held at its
 * fitted value. This module reads that mapping (every problem at FILE:LINE:COL) and
 * draws parameter sets from it: draw i of a seed is a pure function of (seed, i), so
 * any thread, rank or resumed run draws the same values. */
#ifndef MSK_UNCERTAINTY_H
#define MSK_UNCERTAINTY_H

#include <stddef.h>
#include <stdint.h>

#include "params.h"
#include "schema.h"

typedef struct {
    size_t n;            /* parameters */
    char **name;         /* "group.name" under model. */
    double *min, *max;   /* bounds of the logit scale */
    double *mean, *sd;   /* logit scale */
    double *chol;        /* [n x n] row-major lower Cholesky factor of the correlation
                            matrix of the parameters with sd > 0 (rows of the others 0) */
    double residual_scale;
} param_uncertainty;

/* Read an `uncertainty:` mapping (NODE) into *u, reporting through C at PATH. Returns
 * 0, or -1 when it is not usable (reported). *u is zeroed first and must be freed with
 * uncertainty_fini in either case. */
int uncertainty_load(schema_ctx *c, const yamltree_node *node, const char *path, param_uncertainty *u);
void uncertainty_fini(param_uncertainty *u);

/* Draw `draw` of `seed`: values[0..n) on the parameters' own scale, each strictly
 * inside its bounds. */
void uncertainty_draw(const param_uncertainty *u, uint64_t seed, uint64_t draw, double *values);

/* Read FILE's `uncertainty:` mapping into *u (zeroed first; free it with
 * uncertainty_fini in any case). Problems go to D, located in FILE; a file without the
 * mapping is an error that says it is not a calibration's output. Returns MSK_OK,
 * MSK_ENOINPUT, MSK_EDATA or MSK_ENOMEM. */
msk_status uncertainty_read_file(const char *file, param_uncertainty *u, diag_list *d);

/* Where parameter j of U lives in M (its names are checked against params.def when
 * loaded). */
const double *uncertainty_param_in(const param_uncertainty *u, size_t j, const model_params *m);

/* Is M's value of parameter j the centre of its distribution (to 1e-9 relative)? */
int uncertainty_centred_on(const param_uncertainty *u, size_t j, const model_params *m);

/* The value at probability u in (0, 1) of an uncalibrated parameter's distribution
 * from its source (params_dist.def), centred on `central` (its value in the run) and
 * truncated to p's range. */
double uncertainty_source_value(const model_param_dist *d, const model_param_info *p, double central, double u);

/* A uniform number in (0, 1), a pure function of (seed, draw, slot), from a stream of
 * its own (not the calibration's normals). */
double uncertainty_uniform_at(uint64_t seed, uint64_t draw, uint64_t slot);

/* The value of parameter j at logit-scale position x. */
double uncertainty_value(const param_uncertainty *u, size_t j, double x);

#endif
