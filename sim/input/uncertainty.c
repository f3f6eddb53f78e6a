/* uncertainty.c — read the calibration's Laplace approximation and draw from it (see
 * uncertainty.h). */
#include "uncertainty.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <Random123/philox.h>

#include "params.h"

#define UNBOUNDED .min = -HUGE_VAL, .max = HUGE_VAL

typedef struct {
    char *method;
    double residual_scale;
} top_keys;

enum { T_method, T_residual_scale, T_parameters, T_correlation, T_COUNT };
static const schema_field top_fields[T_COUNT] = {
    [T_method] = {.key = "method", .kind = SCHEMA_STRING, .help = "laplace: normal on the logit scale",
                  .offset = offsetof(top_keys, method)},
    [T_residual_scale] = {.key = "residual_scale", .kind = SCHEMA_REAL, .def = 1, .min = 1, .max = 1e6,
                          .help = "factor the covariance was inflated by for misfit",
                          .offset = offsetof(top_keys, residual_scale)},
    [T_parameters] = {.key = "parameters", .kind = SCHEMA_NODE, .need = SCHEMA_REQUIRED, .type = "list"},
    [T_correlation] = {.key = "correlation", .kind = SCHEMA_NODE, .need = SCHEMA_REQUIRED,
                       .type = "list of rows"},
};

typedef struct {
    char *name;
    double min, max, mean, sd;
} param_keys;

enum { P_name, P_min, P_max, P_mean, P_sd, P_COUNT };
static const schema_field param_fields[P_COUNT] = {
    [P_name] = {.key = "name", .kind = SCHEMA_STRING, .help = "GROUP.NAME of a model parameter",
                .offset = offsetof(param_keys, name)},
    [P_min] = {.key = "min", .kind = SCHEMA_REAL, .def = NAN, UNBOUNDED, .help = "lower bound",
               .offset = offsetof(param_keys, min)},
    [P_max] = {.key = "max", .kind = SCHEMA_REAL, .def = NAN, UNBOUNDED, .help = "upper bound",
               .offset = offsetof(param_keys, max)},
    [P_mean] = {.key = "logit_mean", .kind = SCHEMA_REAL, .def = NAN, .min = -1e6, .max = 1e6,
                .help = "mean on the logit scale", .offset = offsetof(param_keys, mean)},
    [P_sd] = {.key = "logit_sd", .kind = SCHEMA_REAL, .def = NAN, .min = 0, .max = 100,
              .help = "SD on the logit scale (0: held at the mean)", .offset = offsetof(param_keys, sd)},
};

void uncertainty_fini(param_uncertainty *u)
{
    for (size_t i = 0; u->name && i < u->n; i++)
        free(u->name[i]);
    free(u->name);
    free(u->min);
    free(u->max);
    free(u->mean);
    free(u->sd);
    free(u->chol);
    memset(u, 0, sizeof *u);
}

/* Item i of the parameter list into u; 0 or -1 (reported). */
static int load_param(schema_ctx *c, const yamltree_node *item, const char *path, param_uncertainty *u, size_t i)
{
    char where[160];
    snprintf(where, sizeof where, "%s.parameters[%zu]", path, i);
    param_keys k = {0};
    const yamltree_node *given[P_COUNT] = {0};
    const schema_map m = {.path = where, .owner = item};
    size_t errors = c->d->errors;
    schema_load(c, param_fields, P_COUNT, item, &k, &m, given);
    u->name[i] = k.name;
    u->min[i] = k.min;
    u->max[i] = k.max;
    u->mean[i] = k.mean;
    u->sd[i] = k.sd;
    if (c->d->errors != errors)
        return -1;
    if (!k.name || !model_param_find_dotted(k.name)) {
        schema_error(c, given[P_name] ? given[P_name] : item, where, "'%s' is not a model parameter (GROUP.NAME)",
                     k.name ? k.name : "");
        return -1;
    }
    if (!(k.min < k.max)) {
        schema_error(c, item, where, "min (%g) must be below max (%g)", k.min, k.max);
        return -1;
    }
    return 0;
}

/* The correlation rows into a matrix; 0 or -1 (reported). */
static int load_correlation(schema_ctx *c, const yamltree_node *rows, const char *path, size_t n, gsl_matrix *r)
{
    char where[160];
    snprintf(where, sizeof where, "%s.correlation", path);
    if (rows->kind != YAMLTREE_SEQUENCE || rows->count != n) {
        schema_error(c, rows, where, "expected %zu rows of %zu correlations, one per parameter", n, n);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        const yamltree_node *row = rows->items[i];
        if (row->kind != YAMLTREE_SEQUENCE || row->count != n) {
            schema_error(c, row, where, "row %zu: expected a list of %zu correlations", i + 1, n);
            return -1;
        }
        for (size_t j = 0; j < n; j++) {
            double x;
            const yamltree_node *v = row->items[j];
            if (v->kind != YAMLTREE_SCALAR || !yamltree_parse_real(v->text, &x) || !(x >= -1 && x <= 1) ||
                (i == j && x != 1)) {
                schema_error(c, v, where, "row %zu, column %zu: expected a correlation in [-1, 1] (1 on the diagonal)",
                             i + 1, j + 1);
                return -1;
            }
            gsl_matrix_set(r, i, j, x);
        }
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (fabs(gsl_matrix_get(r, i, j) - gsl_matrix_get(r, j, i)) > 1e-6) {
                schema_error(c, rows, where, "not symmetric: row %zu column %zu differs from row %zu column %zu",
                             i + 1, j + 1, j + 1, i + 1);
                return -1;
            }
    return 0;
}

/* The Cholesky factor of the correlations among the parameters with sd > 0; 0 or -1
 * (reported at AT). */
static int factor(schema_ctx *c, const yamltree_node *at, const char *path, param_uncertainty *u,
                  const gsl_matrix *r)
{
    size_t *idx = malloc((u->n ? u->n : 1) * sizeof *idx), m = 0;
    if (!idx) {
        c->nomem = 1;
        return -1;
    }
    for (size_t i = 0; i < u->n; i++)
        if (u->sd[i] > 0)
            idx[m++] = i;
    int rc = 0;
    if (m > 0) {
        gsl_matrix *a = gsl_matrix_alloc(m, m);
        if (!a) {
            c->nomem = 1;
            free(idx);
            return -1;
        }
        for (size_t i = 0; i < m; i++)
            for (size_t j = 0; j < m; j++)
                gsl_matrix_set(a, i, j, gsl_matrix_get(r, idx[i], idx[j]));
        gsl_error_handler_t *old = gsl_set_error_handler_off();
        rc = gsl_linalg_cholesky_decomp1(a) == GSL_SUCCESS ? 0 : -1;
        gsl_set_error_handler(old);
        if (rc != 0)
            schema_error(c, at, path,
                         "the correlations of the parameters with logit_sd > 0 are not positive definite");
        for (size_t i = 0; rc == 0 && i < m; i++)
            for (size_t j = 0; j <= i; j++)
                u->chol[idx[i] * u->n + idx[j]] = gsl_matrix_get(a, i, j);
        gsl_matrix_free(a);
    }
    free(idx);
    return rc;
}

static int alloc_params(schema_ctx *c, param_uncertainty *u, size_t n)
{
    u->n = n;
    u->name = calloc(n, sizeof *u->name);
    u->min = calloc(n, sizeof *u->min);
    u->max = calloc(n, sizeof *u->max);
    u->mean = calloc(n, sizeof *u->mean);
    u->sd = calloc(n, sizeof *u->sd);
    u->chol = calloc(n * n, sizeof *u->chol);
    if (!u->name || !u->min || !u->max || !u->mean || !u->sd || !u->chol) {
        c->nomem = 1;
        return -1;
    }
    return 0;
}

int uncertainty_load(schema_ctx *c, const yamltree_node *node, const char *path, param_uncertainty *u)
{
    memset(u, 0, sizeof *u);
    top_keys k = {0};
    const yamltree_node *given[T_COUNT] = {0};
    const schema_map m = {.path = path, .owner = node};
    size_t errors = c->d->errors;
    if (!schema_load(c, top_fields, T_COUNT, node, &k, &m, given) || c->d->errors != errors) {
        free(k.method);
        return -1;
    }
    int rc = 0;
    if (!k.method || strcmp(k.method, "laplace") != 0) {
        schema_error(c, given[T_method] ? given[T_method] : node, path,
                     "method '%s' is not known; expected laplace", k.method ? k.method : "");
        rc = -1;
    }
    free(k.method);
    u->residual_scale = k.residual_scale;
    const yamltree_node *ps = given[T_parameters];
    if (rc == 0 && (ps->kind != YAMLTREE_SEQUENCE || ps->count == 0)) {
        schema_error(c, ps, path, "parameters: expected a non-empty list ('- {name: ..., ...}')");
        rc = -1;
    }
    if (rc != 0 || alloc_params(c, u, ps->count) != 0)
        return -1;
    for (size_t i = 0; i < u->n; i++)
        rc |= load_param(c, ps->items[i], path, u, i);
    gsl_matrix *r = rc == 0 ? gsl_matrix_alloc(u->n, u->n) : NULL;
    if (rc == 0 && !r)
        c->nomem = 1;
    if (r && load_correlation(c, given[T_correlation], path, u->n, r) == 0)
        rc = factor(c, given[T_correlation], path, u, r);
    else
        rc = -1;
    gsl_matrix_free(r);
    return rc;
}

double uncertainty_value(const param_uncertainty *u, size_t j, double x)
{
    return u->min[j] + (u->max[j] - u->min[j]) / (1.0 + exp(-x));
}

/* A standard normal from (seed, draw, j): the inverse CDF of 53 random bits centred in
 * their cell (never 0 or 1), so one counter gives one number. */
static double normal_at(uint64_t seed, uint64_t draw, uint64_t j)
{
    philox4x64_ctr_t ctr = {{draw, j, 0, 0}};
    philox4x64_key_t key = {{seed, 0x756e63657274ULL /* "uncert" */}};
    philox4x64_ctr_t r = philox4x64(ctr, key);
    return gsl_cdf_ugaussian_Pinv(((double)(r.v[0] >> 11) + 0.5) * 0x1p-53);
}

void uncertainty_draw(const param_uncertainty *u, uint64_t seed, uint64_t draw, double *values)
{
    for (size_t i = 0; i < u->n; i++) {
        double x = 0;
        if (u->sd[i] > 0)
            for (size_t j = 0; j <= i; j++)
                if (u->chol[i * u->n + j] != 0)
                    x += u->chol[i * u->n + j] * normal_at(seed, draw, j);
        values[i] = uncertainty_value(u, i, u->mean[i] + u->sd[i] * x);
    }
}

msk_status uncertainty_read_file(const char *file, param_uncertainty *u, diag_list *d)
{
    memset(u, 0, sizeof *u);
    struct stat info;
    if (stat(file, &info) == 0 && !S_ISREG(info.st_mode)) { /* never wait on a FIFO */
        diag_add(d, DIAG_ERROR, file, 0, 0, "", "not a regular file");
        return MSK_ENOINPUT;
    }
    yamltree t;
    yamltree_init(&t);
    msk_status st = yamltree_parse_file(&t, file, NULL, d);
    const yamltree_node *node = t.root && t.root->kind == YAMLTREE_MAPPING ? yamltree_get(t.root, "uncertainty") : NULL;
    if (st == MSK_OK && !node) {
        diag_add(d, DIAG_ERROR, file, 1, 1, "uncertainty",
                 "holds no `uncertainty:` mapping: it is not the output of msksim calibrate (rerun the "
                 "calibration to get one)");
        st = MSK_EDATA;
    }
    if (st == MSK_OK) {
        schema_ctx c;
        schema_ctx_init(&c, d, NULL);
        if (uncertainty_load(&c, node, "uncertainty", u) != 0)
            st = c.nomem ? MSK_ENOMEM : MSK_EDATA;
    }
    yamltree_fini(&t);
    return st;
}

const double *uncertainty_param_in(const param_uncertainty *u, size_t j, const model_params *m)
{
    return model_param_value(m, model_param_find_dotted(u->name[j]));
}

int uncertainty_centred_on(const param_uncertainty *u, size_t j, const model_params *m)
{
    double v = *uncertainty_param_in(u, j, m), centre = uncertainty_value(u, j, u->mean[j]);
    return fabs(v - centre) <= 1e-9 * fmax(1.0, fabs(v));
}

double uncertainty_source_value(const model_param_dist *d, const model_param_info *p, double central, double u)
{
    if (d->kind == PARAM_DIST_UNIFORM)
        return d->a + u * (d->b - d->a);
    if (d->kind == PARAM_DIST_FIXED)
        return central;
    /* Normal on the value (NORMAL) or its logarithm (LOGNORMAL), centred on the run's
     * value, truncated to the parameter's range by inverting the CDF between the
     * range's quantiles. */
    const int lg = d->kind == PARAM_DIST_LOGNORMAL;
    const double sd = lg ? log(d->b / d->a) / 3.919927969080108 : (d->b - d->a) / 3.919927969080108;
    const double mu = lg ? log(central) : central;
    const double lo = lg ? (p->min > 0 ? log(p->min) : -HUGE_VAL) : p->min, hi = lg ? log(p->max) : p->max;
    const double plo = gsl_cdf_ugaussian_P((lo - mu) / sd), phi = gsl_cdf_ugaussian_P((hi - mu) / sd);
    const double x = mu + sd * gsl_cdf_ugaussian_Pinv(plo + u * (phi - plo));
    const double v = lg ? exp(x) : x;
    return v < p->min ? p->min : v > p->max ? p->max : v;
}

double uncertainty_uniform_at(uint64_t seed, uint64_t draw, uint64_t slot)
{
    philox4x64_ctr_t ctr = {{draw, slot, 0, 0}};
    philox4x64_key_t key = {{seed, 0x736f75726365ULL /* "source" */}};
    philox4x64_ctr_t r = philox4x64(ctr, key);
    return ((double)(r.v[0] >> 11) + 0.5) * 0x1p-53;
}
