/* calibrate.c — weighted nonlinear least squares over the evidence trials. */
#include "calibrate.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_multifit_nlinear.h>

#include "atomicfile.h"
#include "schema.h"
#include "yamltree.h"

/* Residual of a target that could not be measured: large, so the fit leaves that region. */
#define UNMEASURED_RESIDUAL 1e3

/* ---- The calibration file --------------------------------------------------------- */

/* The file's keys as read; population_divisor and max_iterations become size_t and int. */
typedef struct {
    char *evidence;
    long long population_divisor, max_iterations;
    double fd_step;
} file_keys;

static const schema_field file_fields[] = {
    {.key = "evidence", .kind = SCHEMA_STRING,
     .help = "the directory of trial files, relative to this file",
     .offset = offsetof(file_keys, evidence)},
    {.key = "population_divisor", .kind = SCHEMA_INT, .def = 8, .min = 1, .max = 1000,
     .help = "each trial runs with its population size divided by this (the same people, seeds)",
     .offset = offsetof(file_keys, population_divisor)},
    {.key = "max_iterations", .kind = SCHEMA_INT, .def = 25, .min = 1, .max = 1000,
     .help = "iterations of the trust-region solver at most",
     .offset = offsetof(file_keys, max_iterations)},
    {.key = "fd_step", .kind = SCHEMA_REAL, .def = 0.01, .min = 1e-8, .max = 1,
     .help = "finite-difference step on the logit scale", .offset = offsetof(file_keys, fd_step)},
    {.key = "parameters", .kind = SCHEMA_NODE, .need = SCHEMA_REQUIRED, .type = "list",
     .help = "the free parameters ('- name: ...')"},
};
enum { F_evidence, F_population_divisor, F_max_iterations, F_fd_step, F_parameters, F_COUNT };

/* A free parameter as read; its name becomes group and name. */
typedef struct {
    char *name;
    double start, min, max, prior_sd;
} param_keys;

#define UNBOUNDED .min = -HUGE_VAL, .max = HUGE_VAL
static const schema_field param_fields[] = {
    {.key = "name", .kind = SCHEMA_STRING,
     .help = "GROUP.NAME of a model parameter, e.g. muscle.turnover_rate",
     .offset = offsetof(param_keys, name)},
    {.key = "start", .kind = SCHEMA_REAL, .def = NAN, UNBOUNDED, .help = "starting value",
     .offset = offsetof(param_keys, start)},
    {.key = "min", .kind = SCHEMA_REAL, .def = NAN, UNBOUNDED, .help = "lower bound",
     .offset = offsetof(param_keys, min)},
    {.key = "max", .kind = SCHEMA_REAL, .def = NAN, UNBOUNDED, .help = "upper bound",
     .offset = offsetof(param_keys, max)},
    {.key = "prior_sd", .kind = SCHEMA_REAL, .def = NAN, UNBOUNDED, .need = SCHEMA_OPTIONAL,
     .help = "SD of a Gaussian prior centred on start (default: no prior)",
     .offset = offsetof(param_keys, prior_sd)},
};
enum { P_name, P_start, P_min, P_max, P_prior_sd, P_COUNT };

/* NAME (GROUP.NAME, given at AT) into cp->group and cp->name; its row, or NULL. */
static const model_param_info *param_name(schema_ctx *c, calibrate_param *cp, const char *name,
                                          const yamltree_node *at, const char *path)
{
    const model_param_info *info = NULL;
    const char *dot = strchr(name, '.');
    if (dot) {
        cp->group = strndup(name, (size_t)(dot - name));
        cp->name = strdup(dot + 1);
        if (!cp->group || !cp->name)
            c->nomem = 1;
        else
            info = model_param_find(cp->group, cp->name);
    }
    if (!info && !c->nomem) {
        char p[96], t[SCHEMA_SHOW_SIZE];
        schema_join_key(p, sizeof p, path, "name");
        schema_error(c, at, p, "'%s' is not a model parameter (GROUP.NAME; see 'msksim params')",
                     schema_show(name, t));
    }
    return info;
}

static void load_param(schema_ctx *c, calibrate_param *cp, const yamltree_node *item,
                       const char *path)
{
    param_keys k = {0};
    const yamltree_node *given[P_COUNT];
    cp->prior_sd = NAN;
    cp->se = NAN;
    cp->line = item->line;
    cp->col = item->col;
    const schema_map m = {.path = path, .owner = item};
    schema_load(c, param_fields, P_COUNT, item, &k, &m, given);
    const model_param_info *info = k.name ? param_name(c, cp, k.name, given[P_name], path) : NULL;
    free(k.name);
    cp->start = k.start;
    cp->min = k.min;
    cp->max = k.max;
    cp->prior_sd = k.prior_sd;
    cp->value = cp->start;
    const int ok = !isnan(cp->start) && !isnan(cp->min) && !isnan(cp->max);
    if (ok && !(cp->min < cp->start && cp->start < cp->max))
        schema_error(c, item, path, "start (%g) must lie strictly between min (%g) and max (%g)",
                     cp->start, cp->min, cp->max);
    if (ok && info && (cp->min < info->min || cp->max > info->max))
        schema_error(c, item, path, "[min, max] = [%g, %g] leaves the parameter's valid range [%g, %g]",
                     cp->min, cp->max, info->min, info->max);
    /* The prior's residual is (value - start) / prior_sd: a prior_sd far below the range
     * made it infinite, and the fit printed "inf -> inf" and succeeded. */
    if (!isnan(cp->prior_sd) && !(cp->prior_sd > 0))
        schema_error(c, item, path, "prior_sd must be positive");
    else if (ok && !isnan(cp->prior_sd) && !(cp->prior_sd >= 1e-6 * (cp->max - cp->min)))
        schema_error(c, item, path, "prior_sd (%g) must be at least 1e-6 of the range max - min (%g), up to any "
                     "larger value", cp->prior_sd, 1e-6 * (cp->max - cp->min));
}

static void load_params(schema_ctx *c, calibrate_spec *spec, const yamltree_node *ps,
                        const yamltree_node *root)
{
    if (!ps || ps->kind != YAMLTREE_SEQUENCE || ps->count == 0) {
        schema_error(c, ps ? ps : root, "parameters",
                     "expected a non-empty list of free parameters ('- name: ...')");
        return;
    }
    spec->params = calloc(ps->count, sizeof *spec->params);
    if (!spec->params) {
        c->nomem = 1;
        return;
    }
    spec->n_params = ps->count;
    for (size_t i = 0; i < ps->count; i++) {
        char p[48];
        snprintf(p, sizeof p, "parameters[%zu]", i);
        load_param(c, &spec->params[i], ps->items[i], p);
        for (size_t j = 0; j < i; j++)
            if (spec->params[i].name && spec->params[j].name &&
                strcmp(spec->params[i].name, spec->params[j].name) == 0 &&
                strcmp(spec->params[i].group, spec->params[j].group) == 0)
                schema_error(c, ps->items[i], p, "%s.%s is listed twice", spec->params[i].group,
                             spec->params[i].name);
    }
}

/* The keys of the file's mapping ROOT. */
static void load_root(schema_ctx *c, calibrate_spec *spec, const yamltree_node *root)
{
    file_keys k = {0};
    const yamltree_node *given[F_COUNT];
    schema_load(c, file_fields, F_COUNT, root, &k, NULL, given);
    if (k.evidence && !(spec->evidence = scenario_resolve_path(spec->file, k.evidence)))
        c->nomem = 1;
    free(k.evidence);
    /* The step is a bound of an open interval: 1e-8 and 1 themselves are refused. */
    if (given[F_fd_step] && (k.fd_step == 1e-8 || k.fd_step == 1))
        schema_error(c, given[F_fd_step], "fd_step",
                     "expected a step between 1e-8 and 1 (logit scale), not %g", k.fd_step);
    spec->population_divisor = (size_t)k.population_divisor;
    spec->max_iterations = (int)k.max_iterations;
    spec->fd_step = k.fd_step;
    if (given[F_parameters])
        load_params(c, spec, given[F_parameters], root);
}

msk_status calibrate_load(calibrate_spec *spec, const char *path, diag_list *d)
{
    memset(spec, 0, sizeof *spec);
    schema_ctx c;
    schema_ctx_init(&c, d, NULL);
    yamltree t;
    yamltree_init(&t);
    msk_status st = yamltree_parse_file(&t, path, NULL, d);
    spec->file = strdup(path);
    if (st != MSK_OK || !spec->file) {
        yamltree_fini(&t);
        return st != MSK_OK ? st : MSK_ENOMEM;
    }
    const yamltree_pair *other = NULL;
    if (t.root && t.root->kind == YAMLTREE_MAPPING && !yamltree_get(t.root, "evidence") &&
        !(other = yamltree_get_pair(t.root, "sweep")))
        other = yamltree_get_pair(t.root, "arms");
    if (!t.root || t.root->kind != YAMLTREE_MAPPING)
        schema_report_at(&c, DIAG_ERROR, path, 1, 1, "",
                         "a calibration file is a mapping (evidence:, parameters:, ...)");
    else if (other) /* a scenario or sweep: one error naming its command, not a dozen */
        schema_report_at(&c, DIAG_ERROR, path, other->key->line, other->key->col, other->key->text,
                         "this is a %s, not a calibration file (which has evidence: and "
                         "parameters:); %s",
                         strcmp(other->key->text, "sweep") == 0 ? "sweep file" : "scenario",
                         strcmp(other->key->text, "sweep") == 0 ? "run it with `msksim sweep FILE`"
                                                                : "run it with `msksim run FILE`");
    else
        load_root(&c, spec, t.root);
    yamltree_fini(&t);
    return c.nomem ? MSK_ENOMEM : schema_failed(&c) ? MSK_EDATA : MSK_OK;
}

void calibrate_fini(calibrate_spec *spec)
{
    for (size_t i = 0; spec->params && i < spec->n_params; i++) {
        free(spec->params[i].group);
        free(spec->params[i].name);
    }
    free(spec->params);
    free(spec->cov);
    free(spec->file);
    free(spec->evidence);
    memset(spec, 0, sizeof *spec);
}

/* ---- The objective ------------------------------------------------------------- */

typedef struct {
    calibrate_spec *spec;
    char *const *paths;
    size_t n_paths;
    int threads;
    volatile sig_atomic_t *stop;
    diag_list *diags;
    char **overrides;      /* [n_params] "model.G.N=VALUE" buffers */
    size_t n_targets;      /* calibration targets (fixed at the first evaluation) */
    msk_status failure;    /* first hard failure inside the callback */
    int evaluations;
    gsl_vector *last_u, *last_f; /* the latest evaluation, reused by the Jacobian */
    int have_last;
} objective;

static double to_value(const calibrate_param *cp, double u)
{
    return cp->min + (cp->max - cp->min) / (1.0 + exp(-u));
}

static double to_logit(const calibrate_param *cp, double v)
{
    double f = (v - cp->min) / (cp->max - cp->min);
    return log(f / (1.0 - f));
}

/* The residual of a measured target: (simulated - published) / sigma, sigma a quarter of
 * the accepted interval. A one-sided interval has no width: inside its bound the
 * target is met (0); beyond it the distance to the bound counts, in units of half the
 * distance between the published value and the bound. */
static double residual_of(const target *t, double value)
{
    if (!target_one_sided(t))
        return (value - t->published) / ((t->accept_hi - t->accept_lo) / 4.0);
    const double bound = isinf(t->accept_lo) ? t->accept_hi : t->accept_lo;
    const double gap = fabs(t->published - bound);
    const double sigma = gap > 0 ? gap / 2.0 : fmax(fabs(bound) * 0.05, 1e-12);
    if (isinf(t->accept_lo))
        return value > bound ? (value - bound) / sigma : 0.0;
    return value < bound ? (value - bound) / sigma : 0.0;
}

/* Residuals for unconstrained parameters u: one run of every trial. */
static int evaluate(const gsl_vector *u, void *data, gsl_vector *f)
{
    objective *ob = data;
    const calibrate_spec *spec = ob->spec;
    if (ob->failure != MSK_OK || (ob->stop && *ob->stop)) {
        gsl_vector_set_all(f, UNMEASURED_RESIDUAL);
        return GSL_SUCCESS;
    }
    for (size_t j = 0; j < spec->n_params; j++) {
        char num[40];
        yamltree_format_real(to_value(&spec->params[j], gsl_vector_get(u, j)), num, sizeof num);
        snprintf(ob->overrides[j], 160, "model.%s.%s=%s", spec->params[j].group,
                 spec->params[j].name, num);
    }
    evidence_options opt = {spec->population_divisor, ob->threads,
                            (const char *const *)ob->overrides, spec->n_params, ob->stop, 0};
    evidence_set set;
    diag_list local;
    diag_list_init(&local);
    msk_status st = evidence_run(&set, ob->paths, ob->n_paths, &opt, &local);
    ob->evaluations++;
    if (st != MSK_OK) {
        for (size_t i = 0; i < local.count; i++)
            diag_add(ob->diags, local.items[i].severity, local.items[i].file, local.items[i].line,
                     local.items[i].col, local.items[i].path, "%s", local.items[i].message);
        ob->failure = st;
        gsl_vector_set_all(f, UNMEASURED_RESIDUAL);
    } else {
        size_t k = 0;
        for (size_t i = 0; i < set.n_rows; i++) {
            const evidence_row *r = &set.rows[i];
            if (!r->t->calibrate)
                continue;
            gsl_vector_set(f, k++, r->measured ? residual_of(r->t, r->m.value) : UNMEASURED_RESIDUAL);
        }
        for (size_t j = 0; j < spec->n_params; j++) {
            const calibrate_param *cp = &spec->params[j];
            if (!isnan(cp->prior_sd))
                gsl_vector_set(f, k++, (to_value(cp, gsl_vector_get(u, j)) - cp->start) / cp->prior_sd);
        }
    }
    evidence_set_fini(&set);
    diag_list_fini(&local);
    return GSL_SUCCESS;
}

/* evaluate(), remembering the result: the trust-region driver asks for the Jacobian at
 * the point whose residuals it has just computed. */
static int residuals(const gsl_vector *u, void *data, gsl_vector *f)
{
    objective *ob = data;
    if (ob->have_last && gsl_vector_equal(u, ob->last_u)) {
        gsl_vector_memcpy(f, ob->last_f);
        return GSL_SUCCESS;
    }
    evaluate(u, data, f);
    gsl_vector_memcpy(ob->last_u, u);
    gsl_vector_memcpy(ob->last_f, f);
    ob->have_last = 1;
    return GSL_SUCCESS;
}

/* Forward differences with an absolute step of fd_step on the logit scale. GSL's own
 * finite differences scale the step by |u|, which vanishes for a parameter that starts
 * at the middle of its bounds (u = 0): its column of the Jacobian would be zero and the
 * parameter would never move. */
static int jacobian(const gsl_vector *u, void *data, gsl_matrix *J)
{
    objective *ob = data;
    const double h = ob->spec->fd_step;
    gsl_vector *f0 = gsl_vector_alloc(J->size1), *fj = gsl_vector_alloc(J->size1);
    gsl_vector *uj = gsl_vector_alloc(u->size);
    if (!f0 || !fj || !uj) {
        gsl_vector_free(f0);
        gsl_vector_free(fj);
        gsl_vector_free(uj);
        return GSL_ENOMEM;
    }
    residuals(u, data, f0);
    for (size_t j = 0; j < u->size; j++) {
        gsl_vector_memcpy(uj, u);
        gsl_vector_set(uj, j, gsl_vector_get(u, j) + h);
        evaluate(uj, data, fj);
        for (size_t i = 0; i < J->size1; i++)
            gsl_matrix_set(J, i, j, (gsl_vector_get(fj, i) - gsl_vector_get(f0, i)) / h);
    }
    gsl_vector_free(f0);
    gsl_vector_free(fj);
    gsl_vector_free(uj);
    return GSL_SUCCESS;
}

typedef struct {
    FILE *log;
    objective *ob;
} progress;

static void on_iteration(const size_t iter, void *data, const gsl_multifit_nlinear_workspace *w)
{
    progress *pr = data;
    if (!pr->log)
        return;
    const gsl_vector *f = gsl_multifit_nlinear_residual(w);
    double chi = gsl_blas_dnrm2(f);
    fprintf(pr->log, "  iteration %2zu: objective %.6g (%d evaluations)\n", iter, chi * chi,
            pr->ob->evaluations);
    fflush(pr->log);
}

/* Count the calibration targets once (a cheap pass: load, no run). */
static msk_status count_targets(objective *ob, size_t *n)
{
    *n = 0;
    for (size_t i = 0; i < ob->n_paths; i++) {
        scenario sc;
        msk_status st = scenario_load(&sc, ob->paths[i], NULL, 0, ob->diags);
        if (st != MSK_OK)
            return st;
        double *days = NULL;
        size_t n_obs = engine_observation_days(&sc, &days);
        target_list tl;
        st = days ? target_list_load(&tl, &sc, days, n_obs, ob->diags) : MSK_ENOMEM;
        free(days);
        if (st == MSK_OK) {
            for (size_t k = 0; k < tl.count; k++)
                *n += (size_t)tl.items[k].calibrate;
            target_list_fini(&tl);
        }
        scenario_fini(&sc);
        if (st != MSK_OK)
            return st;
    }
    return MSK_OK;
}

/* The fitted values, the covariance of their logit-scale values (the Laplace
 * approximation) and their approximate standard errors at the solver's position.
 * The residuals are weighted by a quarter of each target's accepted interval, not by a
 * known measurement SD, so (J'J)^-1 is scaled by the objective per degree of freedom
 * when the fit is worse than those weights say (the usual correction in nonlinear
 * regression); it is never shrunk below them. n residuals. */
static void take_fit(calibrate_spec *spec, const gsl_multifit_nlinear_workspace *w,
                     gsl_matrix *cov, size_t n, double ssr)
{
    const size_t p = spec->n_params;
    const gsl_vector *u = gsl_multifit_nlinear_position(w);
    const gsl_matrix *J = gsl_multifit_nlinear_jac(w);
    int cov_ok = gsl_multifit_nlinear_covar(J, 1e-8, cov) == GSL_SUCCESS;
    spec->cov_scale = n > p && ssr / (double)(n - p) > 1 ? ssr / (double)(n - p) : 1;
    free(spec->cov);
    spec->cov = cov_ok ? malloc(p * p * sizeof *spec->cov) : NULL;
    for (size_t j = 0; j < p; j++) {
        calibrate_param *cp = &spec->params[j];
        const double uj = gsl_vector_get(u, j);
        cp->value = to_value(cp, uj);
        cp->logit = uj;
        for (size_t i = 0; spec->cov && i < p; i++)
            spec->cov[j * p + i] = gsl_matrix_get(cov, j, i) * spec->cov_scale;
        /* d value / d u = (max - min) f (1 - f): the delta method. */
        const double fr = (cp->value - cp->min) / (cp->max - cp->min);
        const double var = gsl_matrix_get(cov, j, j) * spec->cov_scale;
        cp->se = cov_ok && var > 0 ? (cp->max - cp->min) * fr * (1 - fr) * sqrt(var) : NAN;
    }
}

/* Restarts of the minimiser from where it stopped, while each gains at least this
 * share of the objective. */
enum { CALIBRATE_MAX_RESTARTS = 4 };
#define CALIBRATE_RESTART_GAIN 1e-3

/* Minimise from the start values: N residuals (N_PRIORS of them priors) over the
 * spec's parameters. */
static msk_status solve(calibrate_spec *spec, objective *ob, size_t n, size_t n_priors,
                        FILE *log, calibrate_report *report)
{
    const size_t p = spec->n_params;
    gsl_multifit_nlinear_fdf fdf;
    memset(&fdf, 0, sizeof fdf);
    fdf.f = residuals;
    fdf.df = jacobian;
    fdf.n = n;
    fdf.p = p;
    fdf.params = ob;
    gsl_multifit_nlinear_parameters fp = gsl_multifit_nlinear_default_parameters();
    fp.trs = gsl_multifit_nlinear_trs_lm;
    fp.scale = gsl_multifit_nlinear_scale_more;
    fp.solver = gsl_multifit_nlinear_solver_qr;
    /* jacobian() steps well above round-off: the objective is a simulation (event
     * timing makes it piecewise smooth), so the Jacobian is taken over a finite
     * neighbourhood. */
    gsl_multifit_nlinear_workspace *w = gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &fp, n, p);
    gsl_vector *u0 = gsl_vector_alloc(p);
    gsl_matrix *cov = gsl_matrix_alloc(p, p);
    msk_status st = MSK_OK;
    if (!w || !u0 || !cov) {
        st = MSK_ENOMEM;
    } else {
        for (size_t j = 0; j < p; j++)
            gsl_vector_set(u0, j, to_logit(&spec->params[j], spec->params[j].start));
        gsl_multifit_nlinear_init(u0, &fdf, w);
        double chi0 = gsl_blas_dnrm2(gsl_multifit_nlinear_residual(w));
        report->objective_start = chi0 * chi0;
        if (log)
            fprintf(log, "  start: objective %.6g over %zu targets and %zu priors, %zu "
                         "free parameters\n",
                    report->objective_start, ob->n_targets, n_priors, p);
        int info = 0, rc = GSL_SUCCESS;
        size_t iterations = 0;
        progress pr = {log, ob};
        /* Levenberg-Marquardt stops on a small step where the finite-difference
         * Jacobian of a simulation is poor (near a bound, on a flat ridge). Restarting
         * from its end with a fresh trust region often goes on downhill (a fit stopped
         * at 110 went on to 97), so restart while a run still gains. */
        double before = report->objective_start;
        for (int r = 0; r <= CALIBRATE_MAX_RESTARTS; r++) {
            if (r > 0) {
                gsl_vector_memcpy(u0, gsl_multifit_nlinear_position(w));
                gsl_multifit_nlinear_init(u0, &fdf, w);
                if (log)
                    fprintf(log, "  restart %d from objective %.6g\n", r, before);
            }
            rc = gsl_multifit_nlinear_driver((size_t)spec->max_iterations, 1e-6, 1e-6, 1e-6,
                                             on_iteration, &pr, &info, w);
            iterations += gsl_multifit_nlinear_niter(w);
            if (ob->failure != MSK_OK || (ob->stop && *ob->stop))
                break;
            double chi = gsl_blas_dnrm2(gsl_multifit_nlinear_residual(w));
            int gained = chi * chi < before * (1.0 - CALIBRATE_RESTART_GAIN);
            before = chi * chi;
            if (!gained)
                break;
        }
        if (ob->failure != MSK_OK) {
            st = ob->failure;
        } else if (ob->stop && *ob->stop) {
            st = MSK_EINTERRUPTED;
        } else {
            double chi = gsl_blas_dnrm2(gsl_multifit_nlinear_residual(w));
            report->objective_end = chi * chi;
            report->iterations = (int)iterations;
            report->converged = rc == GSL_SUCCESS;
            report->stop_reason = rc == GSL_SUCCESS ? (info == 1 ? "small step" : "small gradient")
                                  : rc == GSL_EMAXITER ? "iteration limit"
                                                       : "no further progress";
            take_fit(spec, w, cov, n, report->objective_end);
        }
    }
    gsl_multifit_nlinear_free(w);
    gsl_vector_free(u0);
    gsl_matrix_free(cov);
    return st;
}

msk_status calibrate_run(calibrate_spec *spec, int threads, volatile sig_atomic_t *stop,
                         FILE *log, calibrate_report *report, diag_list *diags)
{
    memset(report, 0, sizeof *report);
    char **paths = NULL;
    size_t n_paths = 0;
    msk_status st = evidence_find(spec->evidence, &paths, &n_paths, diags);
    if (st == MSK_OK)
        st = calibrate_run_on(spec, paths, n_paths, threads, stop, log, report, diags);
    for (size_t i = 0; i < n_paths; i++)
        free(paths[i]);
    free(paths);
    return st;
}

msk_status calibrate_run_on(calibrate_spec *spec, char *const *paths, size_t n_paths, int threads,
                            volatile sig_atomic_t *stop, FILE *log, calibrate_report *report,
                            diag_list *diags)
{
    memset(report, 0, sizeof *report);
    objective ob = {spec, paths, n_paths, threads, stop, diags, NULL, 0, MSK_OK, 0,
                    NULL, NULL, 0};
    msk_status st = count_targets(&ob, &ob.n_targets);
    const size_t p = spec->n_params;
    size_t n_priors = 0;
    for (size_t j = 0; j < p; j++)
        n_priors += !isnan(spec->params[j].prior_sd);
    const size_t n = ob.n_targets + n_priors;
    if (st == MSK_OK && ob.n_targets < p) {
        diag_add(diags, DIAG_ERROR, spec->file, 0, 0, "parameters",
                 "%zu free parameters but only %zu calibration targets: the fit is not identified",
                 p, ob.n_targets);
        st = MSK_EDATA;
    }
    ob.last_u = gsl_vector_alloc(p ? p : 1);
    ob.last_f = gsl_vector_alloc(n ? n : 1);
    if (!ob.last_u || !ob.last_f)
        st = MSK_ENOMEM;
    ob.overrides = calloc(p, sizeof *ob.overrides);
    for (size_t j = 0; ob.overrides && j < p; j++)
        if (!(ob.overrides[j] = malloc(160)))
            st = MSK_ENOMEM;
    if (!ob.overrides)
        st = MSK_ENOMEM;
    if (st == MSK_OK)
        st = solve(spec, &ob, n, n_priors, log, report);
    report->n_residuals = n;
    report->n_targets = ob.n_targets;
    report->evaluations = ob.evaluations;
    gsl_vector_free(ob.last_u);
    gsl_vector_free(ob.last_f);
    for (size_t j = 0; ob.overrides && j < p; j++)
        free(ob.overrides[j]);
    free(ob.overrides);
    return st;
}

/* A number as YAML writes it back exactly. */
static void put_real(FILE *f, double x)
{
    char num[40];
    yamltree_format_real(x, num, sizeof num);
    fputs(num, f);
}

/* The Laplace approximation as an `uncertainty:` mapping (docs/model.md, "What the
 * calibration does not know"): each parameter's logit-scale mean and SD, and their
 * correlations. A parameter the fit does not identify has SD 0 (held at its fit). */
static void write_uncertainty(FILE *f, const calibrate_spec *spec)
{
    const size_t p = spec->n_params;
    if (!spec->cov)
        return;
    fputs("# The Laplace approximation of the fit: the parameters are jointly normal on the logit\n"
          "# scale of their bounds, u = log((v - min) / (max - v)), with these means, SDs and\n"
          "# correlations; SD 0: not identified by the targets, held at the fitted value.\n"
          "uncertainty:\n  method: laplace\n  residual_scale: ",
          f);
    put_real(f, spec->cov_scale);
    fputs("\n  parameters:\n", f);
    for (size_t j = 0; j < p; j++) {
        const calibrate_param *cp = &spec->params[j];
        double var = spec->cov[j * p + j];
        fprintf(f, "    - {name: %s.%s, min: ", cp->group, cp->name);
        put_real(f, cp->min);
        fputs(", max: ", f);
        put_real(f, cp->max);
        fputs(", logit_mean: ", f);
        put_real(f, cp->logit);
        fputs(", logit_sd: ", f);
        put_real(f, var > 0 ? sqrt(var) : 0);
        fputs("}\n", f);
    }
    fputs("  correlation:\n", f);
    for (size_t j = 0; j < p; j++) {
        fputs("    - [", f);
        for (size_t i = 0; i < p; i++) {
            double vj = spec->cov[j * p + j], vi = spec->cov[i * p + i];
            double r = i == j ? 1 : vj > 0 && vi > 0 ? spec->cov[j * p + i] / sqrt(vj * vi) : 0;
            fprintf(f, "%s%.9g", i ? ", " : "", r);
        }
        fputs("]\n", f);
    }
}

msk_status calibrate_write(const calibrate_spec *spec, const calibrate_report *report,
                           const char *path, diag_list *diags)
{
    atomicfile af;
    msk_status st = atomicfile_open(&af, path, diags);
    if (st != MSK_OK)
        return st == MSK_EUSAGE ? MSK_EIO : st;
    FILE *f = af.f;
    fprintf(f, "# Model parameters fitted by `msksim calibrate %s`.\n", spec->file);
    fprintf(f, "# %zu calibration targets, %zu free parameters; weighted sum of squares %.6g -> "
               "%.6g\n# in %d iterations (%d evaluations; stopped: %s). Cohorts 1/%zu of the "
               "trial sizes.\n",
            report->n_targets, spec->n_params, report->objective_start, report->objective_end,
            report->iterations, report->evaluations, report->stop_reason, spec->population_divisor);
    fputs("# Use it with `parameters: FILE` in a scenario or `msksim evidence --parameters FILE`.\n"
          "# Standard errors (delta method, from the Jacobian, scaled by the misfit: residual_scale\n"
          "# under uncertainty:) are in the comments.\nmodel:\n", f);
    /* Group by group, in the calibration file's order of first appearance. */
    for (size_t j = 0; j < spec->n_params; j++) {
        int first = 1;
        for (size_t i = 0; i < j; i++)
            if (strcmp(spec->params[i].group, spec->params[j].group) == 0)
                first = 0;
        if (!first)
            continue;
        fprintf(f, "  %s:\n", spec->params[j].group);
        for (size_t k = j; k < spec->n_params; k++) {
            const calibrate_param *cp = &spec->params[k];
            if (strcmp(cp->group, spec->params[j].group) != 0)
                continue;
            char num[40];
            yamltree_format_real(cp->value, num, sizeof num);
            fprintf(f, "    %s: %s", cp->name, num);
            if (!isnan(cp->se))
                fprintf(f, "    # SE %.2g; bounds [%g, %g]", cp->se, cp->min, cp->max);
            else
                fprintf(f, "    # SE not identified; bounds [%g, %g]", cp->min, cp->max);
            fputc('\n', f);
        }
    }
    write_uncertainty(f, spec);
    return atomicfile_commit(&af, diags);
}
