/* calibrate.c — weighted nonlinear least squares over the evidence trials. */
#include "calibrate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_multifit_nlinear.h>

#include "atomicfile.h"
#include "yamltree.h"

/* Residual of a target that could not be measured: large, so the fit leaves that region. */
#define UNMEASURED_RESIDUAL 1e3

static const char *const spec_keys[] = {"evidence", "population_divisor", "max_iterations",
                                        "fd_step", "parameters", NULL};
static const char *const param_keys[] = {"name", "start", "min", "max", "prior_sd", NULL};

static int in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return 1;
    return 0;
}

static int get_real(const yamltree_node *map, const char *key, const char *path, double *out,
                    int required, const char *file, diag_list *d)
{
    const yamltree_node *v = yamltree_get(map, key);
    if (!v) {
        if (required)
            diag_add(d, DIAG_ERROR, file, map->line, map->col, path, "missing required key '%s'", key);
        return 0;
    }
    if (v->kind != YAMLTREE_SCALAR || v->quoted || yamltree_parse_real(v->text, out) != 1) {
        diag_add(d, DIAG_ERROR, file, v->line, v->col, path, "%s: expected a finite number", key);
        return 0;
    }
    return 1;
}

static void load_param(calibrate_param *cp, const yamltree_node *item, const char *path,
                       const char *file, diag_list *d)
{
    cp->prior_sd = NAN;
    cp->line = item->line;
    cp->col = item->col;
    if (item->kind != YAMLTREE_MAPPING) {
        diag_add(d, DIAG_ERROR, file, item->line, item->col, path,
                 "expected a mapping (name:, start:, min:, max:), found %s",
                 yamltree_kind_name(item->kind));
        return;
    }
    for (size_t i = 0; i < item->count; i++)
        if (!in_list(item->pairs[i].key->text, param_keys))
            diag_add(d, DIAG_ERROR, file, item->pairs[i].key->line, item->pairs[i].key->col, path,
                     "unknown key '%s'; expected name, start, min, max or prior_sd",
                     item->pairs[i].key->text);
    const yamltree_node *name = yamltree_get(item, "name");
    const model_param_info *info = NULL;
    if (!name || name->kind != YAMLTREE_SCALAR) {
        diag_add(d, DIAG_ERROR, file, item->line, item->col, path,
                 "missing 'name' (GROUP.NAME of a model parameter, e.g. muscle.turnover_rate)");
    } else {
        const char *dot = strchr(name->text, '.');
        if (dot) {
            cp->group = strndup(name->text, (size_t)(dot - name->text));
            cp->name = strdup(dot + 1);
            if (cp->group && cp->name)
                info = model_param_find(cp->group, cp->name);
        }
        if (!info)
            diag_add(d, DIAG_ERROR, file, name->line, name->col, path,
                     "'%s' is not a model parameter (GROUP.NAME; see 'msksim params')", name->text);
    }
    int ok = get_real(item, "start", path, &cp->start, 1, file, d);
    ok &= get_real(item, "min", path, &cp->min, 1, file, d);
    ok &= get_real(item, "max", path, &cp->max, 1, file, d);
    get_real(item, "prior_sd", path, &cp->prior_sd, 0, file, d);
    if (ok && !(cp->min < cp->start && cp->start < cp->max))
        diag_add(d, DIAG_ERROR, file, item->line, item->col, path,
                 "start (%g) must lie strictly between min (%g) and max (%g)", cp->start, cp->min,
                 cp->max);
    if (ok && info && (cp->min < info->min || cp->max > info->max))
        diag_add(d, DIAG_ERROR, file, item->line, item->col, path,
                 "[min, max] = [%g, %g] leaves the parameter's valid range [%g, %g]", cp->min,
                 cp->max, info->min, info->max);
    if (!isnan(cp->prior_sd) && !(cp->prior_sd > 0))
        diag_add(d, DIAG_ERROR, file, item->line, item->col, path, "prior_sd must be positive");
    cp->value = cp->start;
    cp->se = NAN;
}

msk_status calibrate_load(calibrate_spec *spec, const char *path, diag_list *d)
{
    memset(spec, 0, sizeof *spec);
    spec->population_divisor = 8;
    spec->max_iterations = 25;
    spec->fd_step = 0.01;
    const size_t errors_before = d->errors;
    yamltree t;
    yamltree_init(&t);
    msk_status st = yamltree_parse_file(&t, path, NULL, d);
    spec->file = strdup(path);
    if (st != MSK_OK || !spec->file) {
        yamltree_fini(&t);
        return st != MSK_OK ? st : MSK_ENOMEM;
    }
    const yamltree_node *root = t.root;
    if (!root || root->kind != YAMLTREE_MAPPING) {
        diag_add(d, DIAG_ERROR, path, 1, 1, "",
                 "a calibration file is a mapping (evidence:, parameters:, ...)");
        yamltree_fini(&t);
        return MSK_EDATA;
    }
    for (size_t i = 0; i < root->count; i++)
        if (!in_list(root->pairs[i].key->text, spec_keys))
            diag_add(d, DIAG_ERROR, path, root->pairs[i].key->line, root->pairs[i].key->col, "",
                     "unknown key '%s'; expected evidence, population_divisor, max_iterations, "
                     "fd_step or parameters",
                     root->pairs[i].key->text);
    const yamltree_node *ev = yamltree_get(root, "evidence");
    if (!ev || ev->kind != YAMLTREE_SCALAR)
        diag_add(d, DIAG_ERROR, path, root->line, root->col, "evidence",
                 "missing 'evidence' (the directory of trial files, relative to this file)");
    else
        spec->evidence = scenario_resolve_path(path, ev->text);
    double x;
    if (get_real(root, "population_divisor", "population_divisor", &x, 0, path, d)) {
        if (x < 1 || x > 1000 || x != floor(x))
            diag_add(d, DIAG_ERROR, path, root->line, root->col, "population_divisor",
                     "expected a whole number from 1 to 1000");
        else
            spec->population_divisor = (size_t)x;
    }
    if (get_real(root, "max_iterations", "max_iterations", &x, 0, path, d)) {
        if (x < 1 || x > 1000 || x != floor(x))
            diag_add(d, DIAG_ERROR, path, root->line, root->col, "max_iterations",
                     "expected a whole number from 1 to 1000");
        else
            spec->max_iterations = (int)x;
    }
    if (get_real(root, "fd_step", "fd_step", &x, 0, path, d)) {
        if (!(x > 1e-8 && x < 1))
            diag_add(d, DIAG_ERROR, path, root->line, root->col, "fd_step",
                     "expected a step between 1e-8 and 1 (logit scale)");
        else
            spec->fd_step = x;
    }
    const yamltree_node *ps = yamltree_get(root, "parameters");
    if (!ps || ps->kind != YAMLTREE_SEQUENCE || ps->count == 0) {
        diag_add(d, DIAG_ERROR, path, ps ? ps->line : root->line, ps ? ps->col : root->col,
                 "parameters", "expected a non-empty list of free parameters ('- name: ...')");
    } else {
        spec->params = calloc(ps->count, sizeof *spec->params);
        if (!spec->params) {
            yamltree_fini(&t);
            return MSK_ENOMEM;
        }
        spec->n_params = ps->count;
        for (size_t i = 0; i < ps->count; i++) {
            char p[48];
            snprintf(p, sizeof p, "parameters[%zu]", i);
            load_param(&spec->params[i], ps->items[i], p, path, d);
            for (size_t j = 0; j < i; j++)
                if (spec->params[i].name && spec->params[j].name &&
                    strcmp(spec->params[i].name, spec->params[j].name) == 0 &&
                    strcmp(spec->params[i].group, spec->params[j].group) == 0)
                    diag_add(d, DIAG_ERROR, path, ps->items[i]->line, ps->items[i]->col, p,
                             "%s.%s is listed twice", spec->params[i].group, spec->params[i].name);
        }
    }
    yamltree_fini(&t);
    return d->errors > errors_before ? MSK_EDATA : MSK_OK;
}

void calibrate_fini(calibrate_spec *spec)
{
    for (size_t i = 0; spec->params && i < spec->n_params; i++) {
        free(spec->params[i].group);
        free(spec->params[i].name);
    }
    free(spec->params);
    free(spec->file);
    free(spec->evidence);
    memset(spec, 0, sizeof *spec);
}

/* ---- The objective ------------------------------------------------------------- */

typedef struct {
    calibrate_spec *spec;
    char **paths;
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
            const double sigma = (r->t->accept_hi - r->t->accept_lo) / 4.0;
            gsl_vector_set(f, k++, r->measured ? (r->m.value - r->t->published) / sigma
                                               : UNMEASURED_RESIDUAL);
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

msk_status calibrate_run(calibrate_spec *spec, int threads, volatile sig_atomic_t *stop,
                         FILE *log, calibrate_report *report, diag_list *diags)
{
    memset(report, 0, sizeof *report);
    objective ob = {spec, NULL, 0, threads, stop, diags, NULL, 0, MSK_OK, 0, NULL, NULL, 0};
    msk_status st = evidence_find(spec->evidence, &ob.paths, &ob.n_paths, diags);
    if (st != MSK_OK)
        return st;
    st = count_targets(&ob, &ob.n_targets);
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

    gsl_multifit_nlinear_workspace *w = NULL;
    gsl_vector *u0 = NULL;
    gsl_matrix *cov = NULL;
    if (st == MSK_OK) {
        gsl_multifit_nlinear_fdf fdf;
        memset(&fdf, 0, sizeof fdf);
        fdf.f = residuals;
        fdf.df = jacobian;
        fdf.n = n;
        fdf.p = p;
        fdf.params = &ob;
        gsl_multifit_nlinear_parameters fp = gsl_multifit_nlinear_default_parameters();
        fp.trs = gsl_multifit_nlinear_trs_lm;
        fp.scale = gsl_multifit_nlinear_scale_more;
        fp.solver = gsl_multifit_nlinear_solver_qr;
        /* jacobian() steps well above round-off: the objective is a simulation (event
         * timing makes it piecewise smooth), so the Jacobian is taken over a finite
         * neighbourhood. */
        w = gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &fp, n, p);
        u0 = gsl_vector_alloc(p);
        cov = gsl_matrix_alloc(p, p);
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
                        report->objective_start, ob.n_targets, n_priors, p);
            int info = 0;
            progress pr = {log, &ob};
            int rc = gsl_multifit_nlinear_driver((size_t)spec->max_iterations, 1e-6, 1e-6, 1e-6,
                                                 on_iteration, &pr, &info, w);
            if (ob.failure != MSK_OK) {
                st = ob.failure;
            } else if (stop && *stop) {
                st = MSK_EINTERRUPTED;
            } else {
                const gsl_vector *u = gsl_multifit_nlinear_position(w);
                double chi = gsl_blas_dnrm2(gsl_multifit_nlinear_residual(w));
                report->objective_end = chi * chi;
                report->iterations = (int)gsl_multifit_nlinear_niter(w);
                report->converged = rc == GSL_SUCCESS;
                report->stop_reason = rc == GSL_SUCCESS
                                          ? (info == 1 ? "small step" : "small gradient")
                                      : rc == GSL_EMAXITER ? "iteration limit"
                                                           : "no further progress";
                const gsl_matrix *J = gsl_multifit_nlinear_jac(w);
                int cov_ok = gsl_multifit_nlinear_covar(J, 1e-8, cov) == GSL_SUCCESS;
                for (size_t j = 0; j < p; j++) {
                    calibrate_param *cp = &spec->params[j];
                    const double uj = gsl_vector_get(u, j);
                    cp->value = to_value(cp, uj);
                    /* d value / d u = (max - min) f (1 - f): the delta method. */
                    const double fr = (cp->value - cp->min) / (cp->max - cp->min);
                    const double var = gsl_matrix_get(cov, j, j);
                    cp->se = cov_ok && var > 0 ? (cp->max - cp->min) * fr * (1 - fr) * sqrt(var) : NAN;
                }
            }
        }
    }
    report->n_residuals = n;
    report->n_targets = ob.n_targets;
    report->evaluations = ob.evaluations;
    gsl_multifit_nlinear_free(w);
    gsl_vector_free(ob.last_u);
    gsl_vector_free(ob.last_f);
    gsl_vector_free(u0);
    gsl_matrix_free(cov);
    for (size_t j = 0; ob.overrides && j < p; j++)
        free(ob.overrides[j]);
    free(ob.overrides);
    for (size_t i = 0; i < ob.n_paths; i++)
        free(ob.paths[i]);
    free(ob.paths);
    return st;
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
          "# Standard errors (delta method, from the Jacobian) are in the comments.\nmodel:\n", f);
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
    return atomicfile_commit(&af, diags);
}
