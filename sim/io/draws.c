/* draws.c — the outcomes of parameter draws, their summaries, /draws and its table
 * (see draws.h). */
#include "draws.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "results.h"

void draws_outcome(size_t j, draws_family *family, int *index)
{
    if (j < KEY_COUNT) {
        *family = DRAWS_CHANGE, *index = (int)j;
    } else if (j < KEY_COUNT + EVC_COUNT) {
        *family = DRAWS_RATE, *index = (int)(j - KEY_COUNT);
    } else if (j < 2 * KEY_COUNT + EVC_COUNT) {
        *family = DRAWS_CHANGE_DIFF, *index = (int)(j - KEY_COUNT - EVC_COUNT);
    } else {
        *family = DRAWS_RATE_DIFF, *index = (int)(j - 2 * KEY_COUNT - EVC_COUNT);
    }
}

/* Value and Monte Carlo limits of outcome j of one arm's summary. */
static void pick(const results_arm_summary *s, size_t j, double out[3])
{
    draws_family f;
    int i;
    draws_outcome(j, &f, &i);
    switch (f) {
    case DRAWS_CHANGE:
        out[0] = s->change_pct[i], out[1] = s->change_lo[i], out[2] = s->change_hi[i];
        break;
    case DRAWS_RATE:
        out[0] = s->rate[i], out[1] = s->rate_lo[i], out[2] = s->rate_hi[i];
        break;
    case DRAWS_CHANGE_DIFF:
        out[0] = s->diff_change[i], out[1] = s->diff_change_lo[i], out[2] = s->diff_change_hi[i];
        break;
    case DRAWS_RATE_DIFF:
        out[0] = s->diff_rate[i], out[1] = s->diff_rate_lo[i], out[2] = s->diff_rate_hi[i];
        break;
    }
}

static int is_difference(size_t j)
{
    return j >= KEY_COUNT + EVC_COUNT;
}

size_t draws_value_count(size_t n_arms, size_t n_obs)
{
    return n_arms * (DRAWS_PER_ARM + DRAWS_N_SERIES * n_obs);
}

size_t draws_series_at(size_t n_arms, size_t n_obs, int s, size_t a, size_t k)
{
    return n_arms * DRAWS_PER_ARM + ((size_t)s * n_arms + a) * n_obs + k;
}

/* The event counted (EVC_*) or the condition (PREV_*) of series s past the key means. */
static int series_index(int s)
{
    static const int index[DRAWS_N_SERIES - KEY_COUNT] = {EVC_FALL, EVC_FRACTURE, PREV_SARCOPENIA, PREV_OSTEOPENIA,
                                                           PREV_OSTEOPOROSIS};
    return index[s - KEY_COUNT];
}

/* Series s of arm a at observation k, as the root of the result file has it. */
static double series_value(const engine_result *r, int s, size_t arm, size_t k)
{
    const obs_acc *acc = r->acc;
    size_t at = obs_index(acc, arm, k);
    if (s < KEY_COUNT)
        return obs_mean(&acc->value[at * OV_COUNT + obs_key_var[s]]);
    if (s <= DRAWS_SERIES_FRACTURES)
        return (double)acc->ever[at * EVC_COUNT + series_index(s)] / (double)acc->enrolled[arm];
    return acc->alive[at] ? (double)acc->prevalent[at * PREV_COUNT + series_index(s)] / (double)acc->alive[at] : NAN;
}

void draws_values(const engine_result *r, double *values)
{
    const scenario *sc = r->plan.sc;
    const size_t n_obs = r->acc->n_obs;
    for (int s = 0; s < DRAWS_N_SERIES; s++)
        for (size_t a = 0; a < sc->n_arms; a++)
            for (size_t k = 0; k < n_obs; k++)
                values[draws_series_at(sc->n_arms, n_obs, s, a, k)] = series_value(r, s, a, k);
    for (size_t a = 0; a < sc->n_arms; a++) {
        results_arm_summary s;
        results_arm(r, a, &s);
        for (size_t j = 0; j < DRAWS_PER_ARM; j++) {
            double v[3];
            pick(&s, j, v);
            values[a * DRAWS_PER_ARM + j] = a == sc->reference && is_difference(j) ? NAN : v[0];
        }
    }
}

int draws_data_alloc(draws_data *d, size_t n_draws, size_t n_params, size_t n_arms, size_t n_obs)
{
    memset(d, 0, sizeof *d);
    d->n_draws = n_draws, d->n_params = n_params, d->n_arms = n_arms, d->n_obs = n_obs;
    d->param_name = calloc(n_params ? n_params : 1, sizeof *d->param_name);
    d->param_units = calloc(n_params ? n_params : 1, sizeof *d->param_units);
    d->param_source = calloc(n_params ? n_params : 1, sizeof *d->param_source);
    d->param_value = calloc(n_draws * n_params + 1, sizeof *d->param_value);
    d->value = calloc(n_draws * draws_value_count(n_arms, n_obs) + 1, sizeof *d->value);
    return d->param_name && d->param_units && d->param_source && d->param_value && d->value ? 0 : -1;
}

void draws_data_fini(draws_data *d)
{
    for (size_t j = 0; d->param_name && j < d->n_params; j++)
        free(d->param_name[j]);
    for (size_t j = 0; d->param_units && j < d->n_params; j++)
        free(d->param_units[j]);
    for (size_t j = 0; d->param_source && j < d->n_params; j++)
        free(d->param_source[j]);
    free(d->param_source);
    free(d->param_name);
    free(d->param_units);
    free(d->param_value);
    free(d->value);
    free(d->source);
    free(d->held);
    memset(d, 0, sizeof *d);
}

/* ---- Summaries --------------------------------------------------------------------- */

/* Standardized regression coefficients of y on the drawn parameters: the change in y,
 * in SDs of y, per SD of the parameter, the others held (a linear model fitted by
 * least squares; GSL). NaN when there are fewer than n_params + 3 draws or y or a
 * parameter does not vary; *r2 is the model's R^2. */
static void regress(const draws_data *d, const double *y, double *src, double *r2)
{
    size_t n = d->n_draws, p = d->n_params;
    for (size_t j = 0; j < p; j++)
        src[j] = NAN;
    *r2 = NAN;
    double sy = gsl_stats_sd(y, 1, n);
    if (n < p + 3 || !(sy > 0))
        return;
    gsl_matrix *X = gsl_matrix_alloc(n, p + 1), *cov = gsl_matrix_alloc(p + 1, p + 1);
    gsl_vector *yv = gsl_vector_alloc(n), *c = gsl_vector_alloc(p + 1);
    gsl_multifit_linear_workspace *ws = gsl_multifit_linear_alloc(n, p + 1);
    double *sx = malloc((p ? p : 1) * sizeof *sx);
    int usable = X && cov && yv && c && ws && sx;
    for (size_t j = 0; usable && j < p; j++) {
        sx[j] = gsl_stats_sd(&d->param_value[j], p, n);
        usable = sx[j] > 0;
    }
    if (usable) {
        for (size_t i = 0; i < n; i++) {
            gsl_matrix_set(X, i, 0, 1.0);
            for (size_t j = 0; j < p; j++)
                gsl_matrix_set(X, i, j + 1, d->param_value[i * p + j]);
            gsl_vector_set(yv, i, y[i]);
        }
        double chisq;
        gsl_error_handler_t *old = gsl_set_error_handler_off();
        if (gsl_multifit_linear(X, yv, c, cov, &chisq, ws) == GSL_SUCCESS) {
            for (size_t j = 0; j < p; j++)
                src[j] = gsl_vector_get(c, j + 1) * sx[j] / sy;
            *r2 = 1.0 - chisq / (sy * sy * (double)(n - 1));
        }
        gsl_set_error_handler(old);
    }
    gsl_matrix_free(X);
    gsl_matrix_free(cov);
    gsl_vector_free(yv);
    gsl_vector_free(c);
    gsl_multifit_linear_free(ws);
    free(sx);
}

/* The p-quantile of sorted x[0..n) interpolated between order statistics (as GSL's
 * gsl_stats_quantile_from_sorted_data), written x[i] + f (x[i+1] - x[i]) so that equal
 * draws give exactly their value: with no parameter spread the interval is a point. */
static double quantile(const double *x, size_t n, double p)
{
    double h = (double)(n - 1) * p;
    size_t i = (size_t)h;
    return i + 1 < n ? x[i] + (h - (double)i) * (x[i + 1] - x[i]) : x[n - 1];
}

void draws_summarise(const draws_data *d, const engine_result *central, size_t o, draws_summary *s, double *src)
{
    const size_t n = d->n_draws, stride = draws_value_count(d->n_arms, d->n_obs), j = o % DRAWS_PER_ARM;
    const size_t arm = o / DRAWS_PER_ARM;
    results_arm_summary rs;
    results_arm(central, arm, &rs);
    double c[3];
    pick(&rs, j, c);
    const int undefined_here = arm == central->plan.sc->reference && is_difference(j);
    s->central = undefined_here ? NAN : c[0];
    s->mc_low = undefined_here ? NAN : c[1];
    s->mc_high = undefined_here ? NAN : c[2];
    s->mean = s->ui_low = s->ui_high = s->p_better = s->r2 = NAN;
    double *y = malloc((n ? n : 1) * sizeof *y), *sorted = malloc((n ? n : 1) * sizeof *sorted);
    int defined = y && sorted && n > 0 && !undefined_here;
    for (size_t i = 0; defined && i < n; i++)
        defined = isfinite(y[i] = sorted[i] = d->value[i * stride + o]);
    if (defined) {
        gsl_sort(sorted, 1, n);
        s->mean = gsl_stats_mean(y, 1, n);
        s->ui_low = quantile(sorted, n, 0.025);
        s->ui_high = quantile(sorted, n, 0.975);
        if (is_difference(j)) { /* higher % changes and fewer events are better */
            const int higher = j < 2 * KEY_COUNT + EVC_COUNT;
            double better = 0;
            for (size_t i = 0; i < n; i++)
                better += y[i] == 0 ? 0.5 : (y[i] > 0) == higher;
            s->p_better = better / (double)n;
        }
    }
    if (src) {
        if (defined)
            regress(d, y, src, &s->r2);
        else
            for (size_t p = 0; p < d->n_params; p++)
                src[p] = NAN;
    }
    free(y);
    free(sorted);
}

/* ---- The /draws group ------------------------------------------------------------- */

static void outcome_name(size_t j, char *name, size_t size, char *units, size_t usize, char *ln, size_t lsize)
{
    draws_family f;
    int i;
    draws_outcome(j, &f, &i);
    const char *diff = f == DRAWS_CHANGE_DIFF || f == DRAWS_RATE_DIFF ? "_difference" : "";
    if (f == DRAWS_CHANGE || f == DRAWS_CHANGE_DIFF) {
        const obs_var_info *vi = &obs_var_table[obs_key_var[i]];
        snprintf(name, size, "%s_change_pct%s", vi->name, diff);
        snprintf(units, usize, "percent");
        snprintf(ln, lsize, "%s%% change in %s from baseline to the end (survivors)%s", diff[0] ? "paired difference in " : "",
                 vi->long_name, diff[0] ? " vs the reference arm" : "");
    } else {
        snprintf(name, size, "%s_per_1000py%s", obs_count_names[i], diff);
        snprintf(units, usize, "(1000 year)-1");
        snprintf(ln, lsize, "%s%s per 1000 person-years%s", diff[0] ? "paired difference in " : "",
                 obs_count_long_names[i], diff[0] ? " vs the reference arm" : "");
    }
}

typedef struct {
    h5out *w;
    msk_status st;
} out;

static void ok(out *o, msk_status st)
{
    if (o->st == MSK_OK)
        o->st = st;
}

/* The per-draw values and the summaries of outcome j of every arm. */
static void write_outcome(out *o, const draws_data *d, const engine_result *central, size_t j, double *buf,
                          double *src)
{
    char name[128], units[32], ln[512], vn[160], vl[700];
    outcome_name(j, name, sizeof name, units, sizeof units, ln, sizeof ln);
    const size_t na = d->n_arms, n = d->n_draws, np = d->n_params, stride = draws_value_count(na, d->n_obs);
    for (size_t i = 0; i < n; i++)
        for (size_t a = 0; a < na; a++)
            buf[i * na + a] = d->value[i * stride + a * DRAWS_PER_ARM + j];
    static const char *const dims2[] = {"draw", "arm"}, *const dims1[] = {"arm"}, *const dimsp[] = {"arm", "parameter"};
    snprintf(vl, sizeof vl, "%s, in each parameter draw", ln);
    ok(o, h5out_var_double(o->w, "draws", name, 2, dims2, buf, units, vl));
    enum { MEAN, UI_LOW, UI_HIGH, CENTRAL, MC_LOW, MC_HIGH, P_BETTER, R2, N_PARTS };
    static const char *const part[N_PARTS] = {"_mean", "_ui_low", "_ui_high", "_central", "_mc_low", "_mc_high",
                                              "_p_better", "_importance_r2"};
    static const char *const what[N_PARTS] = {
        "mean across parameter draws of the ", "2.5% quantile across parameter draws (95% uncertainty interval) of the ",
        "97.5% quantile across parameter draws (95% uncertainty interval) of the ",
        "central run (the scenario's own parameters) of the ",
        "lower 95% Monte Carlo limit of the central run of the ", "upper 95% Monte Carlo limit of the central run of the ",
        "share of parameter draws in which the arm does better than the reference arm in the ",
        "R^2 of the linear regression on the drawn parameters behind the importance of the "};
    double *sum = malloc(na * N_PARTS * sizeof *sum);
    if (!sum) {
        ok(o, MSK_ENOMEM);
        return;
    }
    for (size_t a = 0; a < na; a++) {
        draws_summary s;
        draws_summarise(d, central, a * DRAWS_PER_ARM + j, &s, &src[a * (np ? np : 1)]);
        const double v[N_PARTS] = {s.mean, s.ui_low, s.ui_high, s.central, s.mc_low, s.mc_high, s.p_better, s.r2};
        for (int p = 0; p < N_PARTS; p++)
            sum[p * na + a] = v[p];
    }
    const int diff = is_difference(j);
    for (int p = 0; p < N_PARTS && o->st == MSK_OK; p++) {
        if ((p == P_BETTER || p == R2) && !diff)
            continue;
        snprintf(vn, sizeof vn, "%s%s", name, part[p]);
        snprintf(vl, sizeof vl, "%s%s", what[p], ln);
        ok(o, h5out_var_double(o->w, "draws", vn, 1, dims1, &sum[p * na], p >= P_BETTER ? "1" : units, vl));
    }
    if (diff && np) {
        snprintf(vn, sizeof vn, "%s_importance", name);
        snprintf(vl, sizeof vl, "standardized regression coefficient of each drawn parameter (SDs of the outcome "
                                "per SD of the parameter, the others held) for the %s", ln);
        ok(o, h5out_var_double(o->w, "draws", vn, 2, dimsp, src, "1", vl));
    }
    free(sum);
}

/* The series s of every draw (draw, arm, time), and across the draws their mean and
 * 95% uncertainty interval at each time (arm, time). */
static void write_series(out *o, const draws_data *d, int s, double *buf, double *sorted)
{
    const size_t na = d->n_arms, nt = d->n_obs, n = d->n_draws, stride = draws_value_count(na, nt);
    char name[128], ln[512], vn[160], vl[700];
    const char *units;
    if (s < KEY_COUNT) {
        const obs_var_info *vi = &obs_var_table[obs_key_var[s]];
        snprintf(name, sizeof name, "%s_mean", vi->name);
        snprintf(ln, sizeof ln, "mean %s (people alive)", vi->long_name);
        units = vi->units;
    } else if (s <= DRAWS_SERIES_FRACTURES) {
        const int c = series_index(s);
        snprintf(name, sizeof name, "cumulative_incidence_%s", obs_count_names[c]);
        snprintf(ln, sizeof ln, "share of the people enrolled with at least one of the %s so far",
                 obs_count_long_names[c]);
        units = "1";
    } else {
        const int c = series_index(s);
        snprintf(name, sizeof name, "prevalence_%s", obs_prevalence_names[c]);
        snprintf(ln, sizeof ln, "%s (share of people alive)", obs_prevalence_long_names[c]);
        units = "1";
    }
    for (size_t i = 0; i < n; i++)
        for (size_t a = 0; a < na; a++)
            for (size_t k = 0; k < nt; k++)
                buf[(i * na + a) * nt + k] = d->value[i * stride + draws_series_at(na, nt, s, a, k)];
    static const char *const dims3[] = {"draw", "arm", "time"}, *const dims2[] = {"arm", "time"};
    snprintf(vl, sizeof vl, "%s, in each parameter draw", ln);
    ok(o, h5out_var_double(o->w, "draws", name, 3, dims3, buf, units, vl));
    static const char *const part[3] = {"_draws_mean", "_ui_low", "_ui_high"};
    static const char *const what[3] = {"mean across parameter draws of the ",
                                        "2.5% quantile across parameter draws (95% uncertainty interval) of the ",
                                        "97.5% quantile across parameter draws (95% uncertainty interval) of the "};
    double *sum = buf + n * na * nt; /* 3 x na x nt after the draws */
    for (size_t a = 0; a < na; a++)
        for (size_t k = 0; k < nt; k++) {
            int defined = n > 0;
            for (size_t i = 0; defined && i < n; i++)
                defined = isfinite(sorted[i] = buf[(i * na + a) * nt + k]);
            double v[3] = {NAN, NAN, NAN};
            if (defined) {
                v[0] = gsl_stats_mean(sorted, 1, n);
                gsl_sort(sorted, 1, n);
                v[1] = quantile(sorted, n, 0.025);
                v[2] = quantile(sorted, n, 0.975);
            }
            for (int p = 0; p < 3; p++)
                sum[(size_t)p * na * nt + a * nt + k] = v[p];
        }
    for (int p = 0; p < 3 && o->st == MSK_OK; p++) {
        snprintf(vn, sizeof vn, "%s%s", name, part[p]);
        snprintf(vl, sizeof vl, "%s%s", what[p], ln);
        ok(o, h5out_var_double(o->w, "draws", vn, 2, dims2, &sum[(size_t)p * na * nt], units, vl));
    }
}

msk_status draws_write(h5out *w, const engine_result *central, const void *ctx)
{
    const draws_data *d = ctx;
    out o = {w, h5out_group(w, "draws")};
    const scenario *sc = central->plan.sc;
    const char **arm_names = malloc(sc->n_arms * sizeof *arm_names);
    size_t big = d->n_draws * (d->n_arms > d->n_params ? d->n_arms : d->n_params);
    double *buf = malloc((big ? big : 1) * sizeof *buf), *src = malloc((d->n_arms * d->n_params + 1) * sizeof *src);
    if (!arm_names || !buf || !src)
        ok(&o, MSK_ENOMEM);
    for (size_t a = 0; o.st == MSK_OK && a < sc->n_arms; a++)
        arm_names[a] = sc->arms[a].name;
    ok(&o, h5out_attr_string(w, "draws", "description",
                             "the same population (same seed: common random numbers) run under parameter sets "
                             "drawn from the calibration's distribution; the uncertainty interval (ui) spans the "
                             "middle 95% of the draws and shows what the model does not know about its "
                             "parameters; the Monte Carlo interval (mc) of the central run shows only how "
                             "precisely this finite population estimates the model's answer"));
    ok(&o, h5out_attr_string(w, "draws", "distribution", d->source ? d->source : ""));
    ok(&o, h5out_attr_string(w, "draws", "parameters_held", d->held ? d->held : ""));
    ok(&o, h5out_attr_int64(w, "draws", "draw_seed", (int64_t)d->seed));
    ok(&o, h5out_dim(w, "draws", "draw", d->n_draws, NULL, NULL, "parameter draw"));
    ok(&o, h5out_dim_strings(w, "draws", "arm", sc->n_arms, arm_names, "intervention arm"));
    if (d->n_params) {
        ok(&o, h5out_dim_strings(w, "draws", "parameter", d->n_params, (const char *const *)d->param_name,
                                 "drawn model parameter (model.GROUP.NAME)"));
        ok(&o, h5out_var_strings(w, "draws", "parameter_units", "parameter", (const char *const *)d->param_units,
                                 "unit of each parameter"));
        ok(&o, h5out_var_strings(w, "draws", "parameter_source", "parameter", (const char *const *)d->param_source,
                                 "where each parameter's distribution comes from: the calibration, or the range "
                                 "or confidence interval its source reports (models/params_dist.def)"));
        static const char *const dims[] = {"draw", "parameter"};
        ok(&o, h5out_var_double(w, "draws", "parameter_value", 2, dims, d->param_value, "1",
                                "value of each drawn parameter in each draw (units: parameter_units)"));
    }
    for (size_t j = 0; j < DRAWS_PER_ARM && o.st == MSK_OK; j++)
        write_outcome(&o, d, central, j, buf, src);
    ok(&o, results_write_time(w, "draws", central));
    double *series = malloc(((d->n_draws + 3) * d->n_arms * d->n_obs + 1) * sizeof *series);
    double *sorted = malloc((d->n_draws + 1) * sizeof *sorted);
    if (!series || !sorted)
        ok(&o, MSK_ENOMEM);
    for (int s = 0; s < DRAWS_N_SERIES && o.st == MSK_OK; s++)
        write_series(&o, d, s, series, sorted);
    free(series);
    free(sorted);
    free(arm_names);
    free(buf);
    free(src);
    return o.st;
}

/* ---- The table --------------------------------------------------------------------- */

enum { CELL = 24, N_SHOWN = 6 };
static const size_t shown[N_SHOWN] = {KEY_LEG_LEAN, KEY_KNEE, KEY_BMD, KEY_COUNT + EVC_FALL,
                                      KEY_COUNT + EVC_FRACTURE, KEY_COUNT + EVC_DEATH};
static const char *const shown_titles[N_SHOWN] = {"leg lean mass, %", "knee strength, %", "FN BMD, %",
                                                  "falls /1000py", "fractures /1000py", "deaths /1000py"};

static void cell(FILE *f, double v, double lo, double hi)
{
    char b[64];
    int dd = results_decimals(lo, hi, 1); /* a wider interval: one more digit */
    if (isnan(v))
        snprintf(b, sizeof b, "n/a");
    else
        snprintf(b, sizeof b, "%.*f [%.*f, %.*f]", dd, v, dd, lo, dd, hi);
    fprintf(f, "  %-*s", CELL, b);
}

static void panel(const draws_data *d, const engine_result *central, FILE *f, int wname, size_t first, size_t count,
                  int diff, int probability)
{
    const scenario *sc = central->plan.sc;
    static const char *const short_titles[N_SHOWN] = {"leg lean", "knee", "FN BMD", "falls", "fractures", "deaths"};
    fprintf(f, "%-*s", wname, probability ? "P(better)" : diff ? "difference" : "mean [95% UI]");
    for (size_t i = first; i < first + count; i++)
        fprintf(f, "  %-*s", probability ? 10 : CELL, probability ? short_titles[i] : shown_titles[i]);
    fputc('\n', f);
    for (size_t a = 0; a < sc->n_arms; a++) {
        if (diff && a == sc->reference)
            continue;
        fprintf(f, "%-*s", wname, sc->arms[a].name);
        for (size_t i = first; i < first + count; i++) {
            draws_summary s;
            draws_summarise(d, central, a * DRAWS_PER_ARM + shown[i] + (diff ? KEY_COUNT + EVC_COUNT : 0), &s, NULL);
            if (probability) {
                char b[32];
                snprintf(b, sizeof b, "%.2f", s.p_better);
                fprintf(f, "  %-10s", b);
            } else {
                cell(f, s.mean, s.ui_low, s.ui_high);
            }
        }
        fputc('\n', f);
    }
}

/* The parameters with the largest |SRC| for the leg-lean and fracture differences of
 * every compared arm. */
static void drivers(const draws_data *d, const engine_result *central, FILE *f)
{
    const scenario *sc = central->plan.sc;
    double *src = malloc((d->n_params ? d->n_params : 1) * sizeof *src);
    if (!src || d->n_params == 0) {
        free(src);
        return;
    }
    fprintf(f, "\nwhat drives the uncertainty of each difference (standardized regression coefficients, top 3):\n");
    static const size_t which[] = {KEY_LEG_LEAN, KEY_COUNT + EVC_FRACTURE};
    for (size_t a = 0; a < sc->n_arms; a++) {
        if (a == sc->reference)
            continue;
        for (size_t w = 0; w < 2; w++) {
            draws_summary s;
            draws_summarise(d, central, a * DRAWS_PER_ARM + which[w] + KEY_COUNT + EVC_COUNT, &s, src);
            fprintf(f, "  %s, %s:", sc->arms[a].name, w == 0 ? "leg lean" : "fractures");
            if (isnan(s.r2)) {
                fputs(" n/a (the difference does not vary, or too few draws)\n", f);
                continue;
            }
            for (int k = 0; k < 3 && (size_t)k < d->n_params; k++) {
                size_t best = 0;
                for (size_t p = 1; p < d->n_params; p++)
                    if (fabs(src[p]) > fabs(src[best]))
                        best = p;
                fprintf(f, " %s %+.2f%s", d->param_name[best], src[best], k < 2 ? "," : "");
                src[best] = 0;
            }
            fprintf(f, " (R^2 %.2f)\n", s.r2);
        }
    }
    free(src);
}

/* The differences whose Monte Carlo interval (the central run's) is as wide as their
 * uncertainty interval in some arm: for them the population, not the parameters, is
 * what limits the answer, and the table's interval alone would mislead. */
static void mc_note(const draws_data *d, const engine_result *central, FILE *f)
{
    const scenario *sc = central->plan.sc;
    int any = 0;
    for (size_t i = 0; i < N_SHOWN; i++) {
        double worst = 0, ui = 0, mc = 0;
        const char *arm = NULL;
        for (size_t a = 0; a < sc->n_arms; a++) {
            if (a == sc->reference)
                continue;
            draws_summary s;
            draws_summarise(d, central, a * DRAWS_PER_ARM + shown[i] + KEY_COUNT + EVC_COUNT, &s, NULL);
            double w = s.mc_high - s.mc_low, u = s.ui_high - s.ui_low;
            if (w > 0 && w >= u && w / (u > 0 ? u : w) >= worst) {
                worst = w / (u > 0 ? u : w), ui = u, mc = w, arm = sc->arms[a].name;
            }
        }
        if (!arm)
            continue;
        if (!any)
            fputs("\nnote: where the population, not the parameters, limits the answer (the Monte Carlo interval of the\n"
                  "central run is as wide as the uncertainty interval across draws; more people would sharpen it):\n",
                  f);
        any = 1;
        fprintf(f, "  %s difference: in %s the Monte Carlo interval spans %.3g, the uncertainty interval %.3g\n",
                shown_titles[i], arm, mc, ui);
    }
}

void draws_print_table(const draws_data *d, const engine_result *central, FILE *f)
{
    const scenario *sc = central->plan.sc;
    int wname = (int)strlen("mean [95% UI]");
    for (size_t a = 0; a < sc->n_arms; a++)
        if ((int)strlen(sc->arms[a].name) > wname)
            wname = (int)strlen(sc->arms[a].name);
    fprintf(f, "\n%s: %zu people x %lld replicate%s, %g weeks, %zu parameter draws. Mean [95%% uncertainty\n"
               "interval] across the draws: the interval is what the model does not know about its\n"
               "parameters (the Monte Carlo intervals of the population are in the file, /draws/*_mc_*)\n",
            sc->name, (size_t)sc->population.size, (long long)sc->replicates, sc->replicates == 1 ? "" : "s",
            sc->horizon_weeks, d->n_draws);
    panel(d, central, f, wname, 0, 3, 0, 0);
    panel(d, central, f, wname, 3, 3, 0, 0);
    if (sc->n_arms < 2)
        return;
    fprintf(f, "\npaired difference vs '%s' (same people and parameters in each draw):\n",
            sc->arms[sc->reference].name);
    panel(d, central, f, wname, 0, 3, 1, 0);
    panel(d, central, f, wname, 3, 3, 1, 0);
    fprintf(f, "\nshare of draws in which the arm does better than '%s' (more muscle and bone, fewer events):\n",
            sc->arms[sc->reference].name);
    panel(d, central, f, wname, 0, N_SHOWN, 1, 1);
    mc_note(d, central, f);
    drivers(d, central, f);
}
