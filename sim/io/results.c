/* results.c — the HDF5 result file (layout in docs/output-format.md). */
#include "results.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "h5out.h"
#include "persons.h"
#include "stats.h"
#include "version.h"

#define DAYS_PER_WEEK 7.0
#define DAYS_PER_YEAR 365.25

const double results_quantiles[RESULTS_N_QUANTILES] = {0.05, 0.25, 0.5, 0.75, 0.95};

static double fixed_to_double(obs_int x)
{
    return (double)x / (double)(1 << OBS_FRAC_BITS);
}

/* The share alive of the people enrolled in row `row` of a, with Wilson limits. */
static void row_survival(const obs_acc *a, size_t row, size_t k, double out[3])
{
    double n = (double)a->enrolled[row], dead = (double)a->ever[obs_index(a, row, k) * EVC_COUNT + EVC_DEATH];
    if (n <= 0) {
        out[0] = out[1] = out[2] = NAN;
        return;
    }
    out[0] = (n - dead) / n;
    stats_wilson_ci(n - dead, n, &out[1], &out[2]);
}

void results_survival(const engine_result *r, size_t arm, size_t k, double out[3])
{
    row_survival(r->acc, arm, k, out);
}

/* The end-of-study summary of row `row` of a (an arm, or an arm's stratum). */
static void row_summary(const obs_acc *a, size_t row, results_arm_summary *s)
{
    size_t last = obs_index(a, row, a->n_obs - 1);
    double py = fixed_to_double(a->alive_days[last]) / DAYS_PER_YEAR;
    s->person_years = py;
    for (int k = 0; k < KEY_COUNT; k++) {
        const obs_moments *m = &a->change_pct[row * KEY_COUNT + k];
        double ci = obs_ci95(m);
        s->change_pct[k] = obs_mean(m);
        s->change_lo[k] = s->change_pct[k] - ci;
        s->change_hi[k] = s->change_pct[k] + ci;
        const obs_moments *d = &a->paired_change[row * KEY_COUNT + k];
        double dci = obs_ci95(d);
        s->diff_change[k] = obs_mean(d);
        s->diff_change_lo[k] = s->diff_change[k] - dci;
        s->diff_change_hi[k] = s->diff_change[k] + dci;
    }
    for (int c = 0; c < EVC_COUNT; c++) {
        double events = (double)a->count[last * EVC_COUNT + c];
        s->rate[c] = py > 0 ? 1000.0 * events / py : NAN;
        stats_poisson_ci(events, py / 1000.0, &s->rate_lo[c], &s->rate_hi[c]);
        /* Paired: mean difference in events per person over mean follow-up. */
        const obs_moments *d = &a->paired_count[row * EVC_COUNT + c];
        double per_person_years = a->enrolled[row] > 0 ? py / (double)a->enrolled[row] : 0;
        double scale = per_person_years > 0 ? 1000.0 / per_person_years : NAN;
        double dci = obs_ci95(d);
        s->diff_rate[c] = obs_mean(d) * scale;
        s->diff_rate_lo[c] = (obs_mean(d) - dci) * scale;
        s->diff_rate_hi[c] = (obs_mean(d) + dci) * scale;
    }
}

void results_arm(const engine_result *r, size_t arm, results_arm_summary *s)
{
    row_summary(r->acc, arm, s);
}

/* Collects the first failure so the writing code reads straight. */
typedef struct {
    h5out *w;
    msk_status status;
    double *buf; /* scratch of n_obs * n_quantiles doubles or more */
} writer;

static void ok(writer *wr, msk_status s)
{
    if (wr->status == MSK_OK)
        wr->status = s;
}

static void var1(writer *wr, const char *group, const char *name, const char *dim,
                 const double *data, const char *units, const char *long_name)
{
    if (wr->status != MSK_OK)
        return;
    const char *dims[] = {dim};
    ok(wr, h5out_var_double(wr->w, group, name, 1, dims, data, units, long_name));
}

static const char *const ci_part[] = {"", "_ci_low", "_ci_high"};

/* Where a set of series comes from and goes: the rows of an accumulator, arm-major
 * with `per` rows per arm, written to the root (one row per arm) or to /strata (a row
 * per arm and stratum). */
typedef struct {
    const obs_acc *acc;
    size_t n_arms, per, reference;
    const char *group; /* "" or "strata" */
    const char *coordinates; /* the auxiliary coordinates every series names */
} view;

static size_t view_rows(const view *vw)
{
    return vw->n_arms * vw->per;
}

/* The dimensions of a series of vw: (arm[, stratum], time[, quantile]). */
static int view_dims(const view *vw, int with_quantiles, const char *dims[4])
{
    int n = 0;
    dims[n++] = "arm";
    if (vw->group[0])
        dims[n++] = "stratum";
    dims[n++] = "time";
    if (with_quantiles)
        dims[n++] = "quantile";
    return n;
}

/* Name the series' auxiliary coordinates (CF `coordinates`), so that xarray attaches
 * `week` (and the strata's factors) to it. */
static void view_coordinates(writer *wr, const view *vw, const char *name)
{
    char path[160];
    snprintf(path, sizeof path, "%s%s%s", vw->group, vw->group[0] ? "/" : "", name);
    if (wr->status == MSK_OK)
        ok(wr, h5out_attr_string(wr->w, path, "coordinates", vw->coordinates));
}

/* A variable over (arm[, stratum], time[, quantile]): every arm's series in one
 * variable, labelled by the group's coordinates, so that xr.open_dataset(file) shows
 * it and .sel(arm=...) picks an arm. */
static void series(writer *wr, const view *vw, const char *name, int with_quantiles, const double *data,
                   const char *units, const char *long_name)
{
    if (wr->status != MSK_OK)
        return;
    const char *dims[4];
    int nd = view_dims(vw, with_quantiles, dims);
    ok(wr, h5out_var_double(wr->w, vw->group, name, nd, dims, data, units, long_name));
    view_coordinates(wr, vw, name);
}

/* Every observed variable over time: mean, SD and quantiles, for every row. */
static void write_variables(writer *wr, const view *vw)
{
    const obs_acc *a = vw->acc;
    size_t n = a->n_obs, rows = view_rows(vw), nq = RESULTS_N_QUANTILES;
    double *buf = wr->buf;
    char name[128], longname[512];
    for (int v = 0; v < OV_COUNT; v++) {
        const obs_var_info *vi = &obs_var_table[v];
        for (size_t row = 0; row < rows; row++)
            for (size_t k = 0; k < n; k++)
                buf[row * n + k] = obs_mean(&a->value[obs_index(a, row, k) * OV_COUNT + v]);
        snprintf(name, sizeof name, "%s_mean", vi->name);
        snprintf(longname, sizeof longname, "mean %s (people alive)", vi->long_name);
        series(wr, vw, name, 0, buf, vi->units, longname);
        for (size_t row = 0; row < rows; row++)
            for (size_t k = 0; k < n; k++)
                buf[row * n + k] = obs_sd(&a->value[obs_index(a, row, k) * OV_COUNT + v]);
        snprintf(name, sizeof name, "%s_sd", vi->name);
        snprintf(longname, sizeof longname, "standard deviation of %s (people alive)", vi->long_name);
        series(wr, vw, name, 0, buf, vi->units, longname);
        for (size_t row = 0; row < rows; row++)
            for (size_t k = 0; k < n; k++)
                obs_quantiles(&a->hist[(obs_index(a, row, k) * OV_COUNT + v) * OBS_HIST_BINS], (obs_var)v,
                              results_quantiles, RESULTS_N_QUANTILES, &buf[(row * n + k) * nq]);
        snprintf(name, sizeof name, "%s_quantiles", vi->name);
        snprintf(longname, sizeof longname,
                 "quantiles of %s, people alive (histogram of %d bins over [%g, %g])", vi->long_name,
                 OBS_HIST_BINS, vi->hist_lo, vi->hist_hi);
        series(wr, vw, name, 1, buf, vi->units, longname);
    }
}

/* Survival: the share of people enrolled still alive, with a Wilson 95% CI. Everyone
 * is followed to the horizon (no censoring), so this is the Kaplan-Meier estimate, and
 * each cumulative_incidence_EVENT is that event's cumulative incidence with death as
 * a competing risk (the dead keep their events and are never at risk again). */
static void write_survival(writer *wr, const view *vw)
{
    size_t n = vw->acc->n_obs, rows = view_rows(vw);
    double *buf = wr->buf;
    for (int part = 0; part < 3; part++) {
        for (size_t row = 0; row < rows; row++)
            for (size_t k = 0; k < n; k++) {
                double s[3];
                row_survival(vw->acc, row, k, s);
                buf[row * n + k] = s[part];
            }
        char name[64], ln[200];
        snprintf(name, sizeof name, "survival%s", ci_part[part]);
        snprintf(ln, sizeof ln, "share of the people enrolled alive (Kaplan-Meier, no censoring)%s",
                 part == 0 ? "" : part == 1 ? " (Wilson lower 95% limit)" : " (Wilson upper 95% limit)");
        series(wr, vw, name, 0, buf, "1", ln);
    }
}

/* People alive: an integer series. */
static void write_alive(writer *wr, const view *vw)
{
    const obs_acc *a = vw->acc;
    size_t n = a->n_obs, rows = view_rows(vw);
    int64_t *alive = malloc(rows * n * sizeof *alive);
    if (!alive) {
        ok(wr, MSK_ENOMEM);
        return;
    }
    for (size_t row = 0; row < rows; row++)
        for (size_t k = 0; k < n; k++)
            alive[row * n + k] = a->alive[obs_index(a, row, k)];
    const char *dims[4];
    int nd = view_dims(vw, 0, dims);
    if (wr->status == MSK_OK)
        ok(wr, h5out_var_int64(wr->w, vw->group, "n_alive", nd, dims, alive, "1", "people alive and observed"));
    view_coordinates(wr, vw, "n_alive");
    free(alive);
}

/* People alive, prevalences, cumulative events and incidences, person-time and
 * immobilized time, for every row. Per person means per person enrolled in the row. */
static void write_counts(writer *wr, const view *vw)
{
    const obs_acc *a = vw->acc;
    size_t n = a->n_obs, rows = view_rows(vw);
    double *buf = wr->buf;
    char name[128], longname[512];
    write_alive(wr, vw);
    for (int c = 0; c < PREV_COUNT; c++) {
        for (size_t row = 0; row < rows; row++)
            for (size_t k = 0; k < n; k++) {
                size_t i = obs_index(a, row, k);
                buf[row * n + k] =
                    a->alive[i] ? (double)a->prevalent[i * PREV_COUNT + c] / (double)a->alive[i] : NAN;
            }
        snprintf(name, sizeof name, "prevalence_%s", obs_prevalence_names[c]);
        snprintf(longname, sizeof longname, "%s (share of people alive)", obs_prevalence_long_names[c]);
        series(wr, vw, name, 0, buf, "1", longname);
    }
    for (int c = 0; c < EVC_COUNT; c++) {
        for (size_t row = 0; row < rows; row++)
            for (size_t k = 0; k < n; k++)
                buf[row * n + k] =
                    (double)a->count[obs_index(a, row, k) * EVC_COUNT + c] / (double)a->enrolled[row];
        snprintf(name, sizeof name, "cumulative_%s_per_person", obs_count_names[c]);
        snprintf(longname, sizeof longname, "cumulative %s per person enrolled", obs_count_long_names[c]);
        series(wr, vw, name, 0, buf, "1", longname);
        for (size_t row = 0; row < rows; row++)
            for (size_t k = 0; k < n; k++)
                buf[row * n + k] =
                    (double)a->ever[obs_index(a, row, k) * EVC_COUNT + c] / (double)a->enrolled[row];
        snprintf(name, sizeof name, "cumulative_incidence_%s", obs_count_names[c]);
        snprintf(longname, sizeof longname, "share of people enrolled with at least one of: %s",
                 obs_count_long_names[c]);
        series(wr, vw, name, 0, buf, "1", longname);
    }
    write_survival(wr, vw);
    for (size_t row = 0; row < rows; row++)
        for (size_t k = 0; k < n; k++)
            buf[row * n + k] = fixed_to_double(a->alive_days[obs_index(a, row, k)]) / DAYS_PER_YEAR;
    series(wr, vw, "person_years", 0, buf, "year", "cumulative person-time alive");
    for (size_t row = 0; row < rows; row++)
        for (size_t k = 0; k < n; k++)
            buf[row * n + k] = fixed_to_double(a->immobilized_days[obs_index(a, row, k)]) / DAYS_PER_WEEK /
                               (double)a->enrolled[row];
    series(wr, vw, "immobilized_weeks_per_person", 0, buf, "week",
           "cumulative weeks immobilized (cast, bed rest, hospital) per person enrolled");
}

/* Paired differences over time of every variable against the reference arm, with
 * their CI; NaN for the reference arm itself (it is not compared with itself). */
static void write_differences(writer *wr, const view *vw)
{
    const obs_acc *a = vw->acc;
    size_t n = a->n_obs, rows = view_rows(vw);
    double *buf = wr->buf;
    char name[128], ln[512];
    for (int vv = 0; vv < OV_COUNT && vw->n_arms > 1; vv++) {
        const obs_var_info *vi = &obs_var_table[vv];
        for (int p = 0; p < 3; p++) {
            for (size_t row = 0; row < rows; row++)
                for (size_t k = 0; k < n; k++) {
                    const obs_moments *m = &a->paired[obs_index(a, row, k) * OV_COUNT + vv];
                    double mean = obs_mean(m), ci = obs_ci95(m);
                    buf[row * n + k] = row / vw->per == vw->reference ? NAN
                                       : p == 0                       ? mean
                                       : p == 1                       ? mean - ci
                                                                      : mean + ci;
                }
            snprintf(name, sizeof name, "%s_difference%s", vi->name, ci_part[p]);
            snprintf(ln, sizeof ln,
                     "paired difference in %s vs the reference arm, people alive in both%s", vi->long_name,
                     p == 0 ? "" : p == 1 ? " (lower 95% limit)" : " (upper 95% limit)");
            series(wr, vw, name, 0, buf, vi->units, ln);
        }
    }
}

/* The time coordinate of GROUP ("" for the root) in days since the start of follow-up,
 * which xarray decodes (to timedelta64; it knows no weeks), with weeks alongside as an
 * auxiliary coordinate. days is scratch of n_obs. */
static void write_time(writer *wr, const char *group, const engine_result *r, double *days)
{
    size_t n = r->acc->n_obs;
    char path[64];
    snprintf(path, sizeof path, "%s%stime", group, group[0] ? "/" : "");
    for (size_t k = 0; k < n; k++)
        days[k] = r->obs_days[k];
    ok(wr, h5out_dim(wr->w, group, "time", n, days, "days", "time since the start of follow-up"));
    if (wr->status == MSK_OK) {
        ok(wr, h5out_attr_string(wr->w, path, "standard_name", "time"));
        ok(wr, h5out_attr_string(wr->w, path, "axis", "T"));
    }
    for (size_t k = 0; k < n; k++)
        days[k] = r->obs_days[k] / DAYS_PER_WEEK;
    var1(wr, group, "week", "time", days, "week", "time since the start of follow-up, in weeks");
}

/* ---- /strata: every series and end-of-study figure by subgroup --------------------- */

/* The strata's coordinates: labels, and one auxiliary coordinate per factor. *coords
 * receives the names a series lists in its `coordinates` attribute. */
static void write_strata_coords(writer *wr, const scenario *sc, char *coords, size_t size)
{
    const strata_spec *st = &sc->strata;
    const size_t S = st->count;
    const char *const sd[] = {"stratum"};
    char **labels = calloc(S, sizeof *labels);
    int8_t *lev = malloc(S * sizeof *lev);
    double *lo = malloc(S * sizeof *lo), *hi = malloc(S * sizeof *hi);
    for (size_t s = 0; labels && s < S; s++)
        if ((labels[s] = malloc(160)))
            strata_label(st, s, labels[s], 160);
    if (!labels || !lev || !lo || !hi)
        ok(wr, MSK_ENOMEM);
    for (size_t s = 0; wr->status == MSK_OK && s < S; s++)
        if (!labels[s])
            ok(wr, MSK_ENOMEM);
    if (wr->status == MSK_OK)
        ok(wr, h5out_dim_strings(wr->w, "strata", "stratum", S, (const char *const *)labels,
                                 "subgroup at entry (record.strata)"));
    snprintf(coords, size, "week");
    static const char *const meanings[] = {"male female", NULL, "normal osteopenia osteoporosis", "no yes"};
    static const char *const long_names[] = {"sex of the stratum", NULL,
                                             "WHO class at entry of the stratum (femoral-neck T-score)",
                                             "EWGSOP2 sarcopenia at entry of the stratum"};
    for (int f = 0; f < STRATUM_FACTOR_COUNT && wr->status == MSK_OK; f++) {
        if (!st->by[f])
            continue;
        char name[64];
        snprintf(name, sizeof name, "stratum_%s", strata_factor_names[f]);
        if (f == STRATUM_AGE) {
            for (size_t s = 0; s < S; s++)
                strata_age_band(st, strata_level(st, s, STRATUM_AGE), &lo[s], &hi[s]);
            var1(wr, "strata", "stratum_age_low", "stratum", lo, "year", "youngest age at entry of the stratum");
            var1(wr, "strata", "stratum_age_high", "stratum", hi, "year",
                 "oldest age at entry of the stratum (excluded, except for the last band)");
            strncat(coords, " stratum_age_low stratum_age_high", size - strlen(coords) - 1);
            continue;
        }
        for (size_t s = 0; s < S; s++)
            lev[s] = (int8_t)strata_level(st, s, (stratum_factor)f);
        ok(wr, h5out_var_flags(wr->w, "strata", name, 1, sd, lev, meanings[f], long_names[f]));
        strncat(coords, " ", size - strlen(coords) - 1);
        strncat(coords, name, size - strlen(coords) - 1);
    }
    for (size_t s = 0; labels && s < S; s++)
        free(labels[s]);
    free(labels);
    free(lev);
    free(lo);
    free(hi);
}

/* One end-of-study figure over (arm, stratum), from each row's summary. */
static void strata_end_var(writer *wr, const view *vw, const results_arm_summary *s, size_t offset,
                           int paired, const char *name, const char *units, const char *long_name)
{
    const size_t rows = view_rows(vw);
    double *v = wr->buf;
    for (size_t row = 0; row < rows; row++) {
        double x = *(const double *)(const void *)((const char *)&s[row] + offset);
        v[row] = paired && row / vw->per == vw->reference ? NAN : x;
    }
    const char *dims[] = {"arm", "stratum"};
    if (wr->status == MSK_OK)
        ok(wr, h5out_var_double(wr->w, "strata", name, 2, dims, v, units, long_name));
}

/* The /summary and /comparison figures of every stratum, over (arm, stratum); the
 * paired ones are NaN for the reference arm. */
static void write_strata_end(writer *wr, const view *vw)
{
    const size_t rows = view_rows(vw);
    results_arm_summary *s = calloc(rows, sizeof *s);
    if (!s) {
        ok(wr, MSK_ENOMEM);
        return;
    }
    for (size_t row = 0; row < rows; row++)
        row_summary(vw->acc, row, &s[row]);
    char name[128], ln[512];
    static const char *const lim[] = {"", " (lower 95% limit)", " (upper 95% limit)"};
#define AT(field, i) (offsetof(results_arm_summary, field) + (size_t)(i) * sizeof(double))
    for (int k = 0; k < KEY_COUNT; k++) {
        const obs_var_info *vi = &obs_var_table[obs_key_var[k]];
        const size_t own[] = {AT(change_pct, k), AT(change_lo, k), AT(change_hi, k)};
        const size_t dif[] = {AT(diff_change, k), AT(diff_change_lo, k), AT(diff_change_hi, k)};
        for (int j = 0; j < 3; j++) {
            snprintf(name, sizeof name, "%s_change_pct%s", vi->name, ci_part[j]);
            snprintf(ln, sizeof ln, "mean %% change in %s from baseline to the end (survivors)%s", vi->long_name,
                     lim[j]);
            strata_end_var(wr, vw, s, own[j], 0, name, "percent", ln);
            snprintf(name, sizeof name, "%s_change_pct_difference%s", vi->name, ci_part[j]);
            snprintf(ln, sizeof ln, "paired difference in %% change of %s vs the reference arm%s", vi->long_name,
                     lim[j]);
            strata_end_var(wr, vw, s, dif[j], 1, name, "percent", ln);
        }
    }
    for (int c = 0; c < EVC_COUNT; c++) {
        const size_t own[] = {AT(rate, c), AT(rate_lo, c), AT(rate_hi, c)};
        const size_t dif[] = {AT(diff_rate, c), AT(diff_rate_lo, c), AT(diff_rate_hi, c)};
        for (int j = 0; j < 3; j++) {
            snprintf(name, sizeof name, "%s_per_1000py%s", obs_count_names[c], ci_part[j]);
            snprintf(ln, sizeof ln, "%s per 1000 person-years%s", obs_count_long_names[c],
                     j == 0 ? "" : j == 1 ? " (exact Poisson lower 95% limit)" : " (exact Poisson upper 95% limit)");
            strata_end_var(wr, vw, s, own[j], 0, name, "(1000 year)-1", ln);
            snprintf(name, sizeof name, "%s_per_1000py_difference%s", obs_count_names[c], ci_part[j]);
            snprintf(ln, sizeof ln, "paired difference in %s per 1000 person-years vs the reference arm%s",
                     obs_count_long_names[c], lim[j]);
            strata_end_var(wr, vw, s, dif[j], 1, name, "(1000 year)-1", ln);
        }
    }
    strata_end_var(wr, vw, s, offsetof(results_arm_summary, person_years), 0, "total_person_years", "year",
                   "person-time alive over the whole follow-up");
#undef AT
    free(s);
}

/* People enrolled in each (arm, stratum): the same in every arm, since a stratum is
 * fixed at entry. */
static void write_strata_enrolled(writer *wr, const view *vw)
{
    const char *dims[] = {"arm", "stratum"};
    if (wr->status == MSK_OK)
        ok(wr, h5out_var_int64(wr->w, "strata", "n_enrolled", 2, dims, vw->acc->enrolled, "1",
                               "people enrolled in the stratum"));
}

/* /strata, when the scenario asks for strata: its own coordinates (arm, stratum, time,
 * week, quantile), so that it opens alone with xarray, and every root series and
 * end-of-study figure with a stratum dimension. */
static void write_strata(writer *wr, const engine_result *r, const char *const *arm_names, double *days)
{
    const scenario *sc = r->plan.sc;
    if (!r->strata || wr->status != MSK_OK)
        return;
    ok(wr, h5out_group(wr->w, "strata"));
    if (wr->status != MSK_OK)
        return;
    char factors[128] = "";
    for (int f = 0; f < STRATUM_FACTOR_COUNT; f++)
        if (sc->strata.by[f])
            snprintf(factors + strlen(factors), sizeof factors - strlen(factors), "%s%s", factors[0] ? " " : "",
                     strata_factor_names[f]);
    h5out_attr_string(wr->w, "strata", "factors", factors);
    h5out_attr_string(wr->w, "strata", "description",
                      "every root series and the end-of-study figures of /summary and /comparison, by "
                      "subgroup at entry; strata add up exactly to the root's totals, and paired "
                      "differences compare the same people, so they stay within a stratum");
    write_time(wr, "strata", r, days);
    ok(wr, h5out_dim(wr->w, "strata", "quantile", RESULTS_N_QUANTILES, results_quantiles, "1", "quantile level"));
    ok(wr, h5out_dim_strings(wr->w, "strata", "arm", sc->n_arms, arm_names, "intervention arm"));
    char coords[256];
    write_strata_coords(wr, sc, coords, sizeof coords);
    const view vw = {r->strata, sc->n_arms, r->n_strata, sc->reference, "strata", coords};
    write_strata_enrolled(wr, &vw);
    write_counts(wr, &vw);
    write_variables(wr, &vw);
    write_differences(wr, &vw);
    write_strata_end(wr, &vw);
}

/* GROUP/events: the arm's event log, one column per field. */
static void write_arm_events(writer *wr, const engine_result *r, size_t arm, const char *group)
{
    const event_log *log = &r->logs[arm];
    size_t ne = log->count;
    char sub[600];
    snprintf(sub, sizeof sub, "%s/events", group);
    ok(wr, h5out_group(wr->w, sub));
    ok(wr, h5out_dim(wr->w, sub, "event", ne, NULL, NULL, NULL));
    int64_t *ind = malloc((ne ? ne : 1) * sizeof *ind);
    int32_t *rep = malloc((ne ? ne : 1) * sizeof *rep);
    int32_t *det = malloc((ne ? ne : 1) * sizeof *det);
    int8_t *kind = malloc(ne ? ne : 1);
    double *time = malloc((ne ? ne : 1) * sizeof *time);
    if (!ind || !rep || !det || !kind || !time)
        ok(wr, MSK_ENOMEM);
    if (wr->status == MSK_OK) {
        for (size_t i = 0; i < ne; i++) {
            ind[i] = (int64_t)log->items[i].individual;
            rep[i] = (int32_t)log->items[i].replicate;
            det[i] = log->items[i].detail;
            kind[i] = log->items[i].kind;
            time[i] = log->items[i].time;
        }
        const char *ed[] = {"event"};
        ok(wr, h5out_var_int64(wr->w, sub, "individual", 1, ed, ind, "1", "individual index within its replicate"));
        ok(wr, h5out_var_int32(wr->w, sub, "replicate", 1, ed, rep, "1", "replicate index"));
        ok(wr, h5out_var_double(wr->w, sub, "event_time", 1, ed, time, "days", "time of the event since the start of follow-up"));
        ok(wr, h5out_var_flags(wr->w, sub, "kind", 1, ed, kind, log_kind_names, "kind of event"));
        ok(wr, h5out_var_int32(wr->w, sub, "detail", 1, ed, det, "1",
                               "fracture: site (1 hip, 2 wrist, 3 vertebral, 4 other); immobilization: "
                               "0 leg cast, 1 arm cast, 2 bed rest; admission/discharge: 0 illness, "
                               "1 hip fracture, 2 serious adverse event, 3 scheduled; intervention "
                               "and adverse events: intervention index in the arm; phase: "
                               "rehabilitation stage (0 passive, 1 active, 2 bands)"));
        /* CF discrete sampling geometry: every event is a point in time, attributed to
         * a person by the auxiliary coordinates. */
        char v[700];
        ok(wr, h5out_attr_string(wr->w, sub, "featureType", "point"));
        snprintf(v, sizeof v, "%s/event_time", sub);
        ok(wr, h5out_attr_string(wr->w, v, "standard_name", "time"));
        ok(wr, h5out_attr_string(wr->w, v, "axis", "T"));
        static const char *const aux[] = {"kind", "detail"};
        for (int c = 0; c < 2 && wr->status == MSK_OK; c++) {
            snprintf(v, sizeof v, "%s/%s", sub, aux[c]);
            ok(wr, h5out_attr_string(wr->w, v, "coordinates", "event_time individual replicate"));
        }
    }
    free(ind);
    free(rep);
    free(det);
    free(kind);
    free(time);
}

/* GROUP/sample: the sampled people's trajectories (then released, engine.h). */
static void write_arm_sample(writer *wr, const engine_result *r, size_t arm, const char *group)
{
    size_t ns = r->n_sample, n = r->acc->n_obs;
    if (ns == 0 || wr->status != MSK_OK)
        return;
    char sub[600], name[128];
    snprintf(sub, sizeof sub, "%s/sample", group);
    ok(wr, h5out_group(wr->w, sub));
    double *traj = malloc(ns * n * sizeof *traj);
    int8_t *flags = malloc(ns * n);
    if (!traj || !flags) {
        ok(wr, MSK_ENOMEM);
        free(traj);
        free(flags);
        return;
    }
    const obs_record *rec = &r->sample[arm * ns * n];
    const char *sd[] = {"individual_sample", "time"};
    /* CF discrete sampling geometry: one time series per sampled person (orthogonal
     * multidimensional array), identified by `individual`. */
    ok(wr, h5out_attr_string(wr->w, sub, "featureType", "timeSeries"));
    int64_t *ids = malloc(ns * sizeof *ids);
    if (!ids)
        ok(wr, MSK_ENOMEM);
    for (size_t i = 0; ids && i < ns; i++)
        ids[i] = (int64_t)i;
    const char *id_dim[] = {"individual_sample"};
    if (wr->status == MSK_OK)
        ok(wr, h5out_var_int64(wr->w, sub, "individual", 1, id_dim, ids, "1",
                               "index of the sampled person within replicate 0"));
    free(ids);
    char idpath[700];
    snprintf(idpath, sizeof idpath, "%s/individual", sub);
    if (wr->status == MSK_OK)
        ok(wr, h5out_attr_string(wr->w, idpath, "cf_role", "timeseries_id"));
    for (int v = 0; v < OV_COUNT && wr->status == MSK_OK; v++) {
        for (size_t i = 0; i < ns * n; i++)
            traj[i] = rec[i].alive ? rec[i].value[v] : NAN;
        ok(wr, h5out_var_double(wr->w, sub, obs_var_table[v].name, 2, sd, traj, obs_var_table[v].units,
                                obs_var_table[v].long_name));
    }
    for (size_t i = 0; i < ns * n; i++)
        flags[i] = (int8_t)rec[i].alive;
    if (wr->status == MSK_OK)
        ok(wr, h5out_var_flags(wr->w, sub, "alive", 2, sd, flags, "dead alive", "vital status"));
    for (size_t i = 0; i < ns * n; i++)
        flags[i] = (int8_t)rec[i].prevalent[PREV_IMMOBILIZED];
    if (wr->status == MSK_OK)
        ok(wr, h5out_var_flags(wr->w, sub, "immobilized", 2, sd, flags, "no yes",
                               "immobilized (cast, bed rest or hospital)"));
    for (int c = 0; c < EVC_COUNT && wr->status == MSK_OK; c++) {
        if (c != EVC_FALL && c != EVC_FRACTURE && c != EVC_ADMISSION)
            continue;
        for (size_t i = 0; i < ns * n; i++)
            traj[i] = rec[i].count[c];
        snprintf(name, sizeof name, "cumulative_%s", obs_count_names[c]);
        ok(wr, h5out_var_double(wr->w, sub, name, 2, sd, traj, "1", obs_count_long_names[c]));
    }
    engine_sample_release(r, arm);
    free(traj);
    free(flags);
}

/* The group of one arm: its event log and sampled people. */
static void write_arm(writer *wr, const engine_result *r, size_t arm)
{
    char group[512];
    snprintf(group, sizeof group, "arms/%s", r->plan.sc->arms[arm].name);
    ok(wr, h5out_group(wr->w, group));
    if (wr->status != MSK_OK)
        return;
    h5out_attr_string(wr->w, group, "description",
                      "one arm's event log, sampled trajectories and prescription (its summaries "
                      "over time are the root variables, at arm = this arm)");
    h5out_attr_int64(wr->w, group, "arm_index", (int64_t)arm);
    write_arm_events(wr, r, arm, group);
    write_arm_sample(wr, r, arm, group);
}

static void write_sample_people(writer *wr, const engine_result *r)
{
    size_t ns = r->n_sample;
    if (ns == 0)
        return;
    const char *g = "arms";
    double *buf = wr->buf;
    const char *d[] = {"individual_sample"};
    struct {
        const char *name, *units, *long_name;
        size_t offset;
    } attrs[] = {
        {"sample_age", "year", "age at entry", offsetof(person, age)},
        {"sample_height", "cm", "height", offsetof(person, height_cm)},
        {"sample_body_mass", "kg", "body mass", offsetof(person, body_mass_kg)},
        {"sample_protein_intake", "g kg-1 day-1", "habitual protein intake", offsetof(person, protein)},
        {"sample_responsiveness", "1", "training responsiveness (1 = typical)", offsetof(person, responsiveness)},
    };
    for (size_t j = 0; j < sizeof attrs / sizeof attrs[0] && wr->status == MSK_OK; j++) {
        for (size_t i = 0; i < ns; i++)
            memcpy(&buf[i], (const char *)&r->sample_people[i] + attrs[j].offset, sizeof(double));
        ok(wr, h5out_var_double(wr->w, g, attrs[j].name, 1, d, buf, attrs[j].units, attrs[j].long_name));
    }
    int8_t *sex = malloc(ns);
    if (!sex) {
        ok(wr, MSK_ENOMEM);
        return;
    }
    for (size_t i = 0; i < ns; i++)
        sex[i] = (int8_t)r->sample_people[i].female;
    if (wr->status == MSK_OK)
        ok(wr, h5out_var_flags(wr->w, g, "sample_sex", 1, d, sex, "male female", "sex"));
    free(sex);
}

/* /summary: end-of-study outcomes of every arm, s[arm]; v is scratch of n_arms. */
static void write_summary_table(writer *wr, const results_arm_summary *s, size_t na, double *v)
{
    char name[128], ln[512];
    for (int k = 0; k < KEY_COUNT; k++) {
        const obs_var_info *vi = &obs_var_table[obs_key_var[k]];
        for (int j = 0; j < 3; j++) {
            for (size_t a = 0; a < na; a++)
                v[a] = j == 0 ? s[a].change_pct[k] : j == 1 ? s[a].change_lo[k] : s[a].change_hi[k];
            snprintf(name, sizeof name, "%s_change_pct%s", vi->name, ci_part[j]);
            snprintf(ln, sizeof ln, "%s%% change in %s from baseline to the end (survivors)",
                     j == 0 ? "mean " : j == 1 ? "lower 95% limit of the mean " : "upper 95% limit of the mean ",
                     vi->long_name);
            var1(wr, "summary", name, "arm", v, "percent", ln);
        }
    }
    for (int c = 0; c < EVC_COUNT; c++) {
        for (int j = 0; j < 3; j++) {
            for (size_t a = 0; a < na; a++)
                v[a] = j == 0 ? s[a].rate[c] : j == 1 ? s[a].rate_lo[c] : s[a].rate_hi[c];
            snprintf(name, sizeof name, "%s_per_1000py%s", obs_count_names[c], ci_part[j]);
            snprintf(ln, sizeof ln, "%s per 1000 person-years%s", obs_count_long_names[c],
                     j == 0 ? "" : j == 1 ? " (exact Poisson lower 95% limit)" : " (exact Poisson upper 95% limit)");
            var1(wr, "summary", name, "arm", v, "(1000 year)-1", ln);
        }
    }
    for (size_t a = 0; a < na; a++)
        v[a] = s[a].person_years;
    var1(wr, "summary", "person_years", "arm", v, "year", "person-time alive over the whole follow-up");
}

/* /comparison at the end: paired differences of the key outcomes and event rates of
 * the compared arms idx[0 .. nc-1]; v is scratch of nc. */
static void write_comparison_end(writer *wr, const results_arm_summary *s, const size_t *idx, size_t nc,
                                 double *v)
{
    char name[128], ln[512];
    for (int k = 0; k < KEY_COUNT; k++) {
        const obs_var_info *vi = &obs_var_table[obs_key_var[k]];
        for (int p = 0; p < 3; p++) {
            for (size_t i = 0; i < nc; i++) {
                const results_arm_summary *x = &s[idx[i]];
                v[i] = p == 0 ? x->diff_change[k] : p == 1 ? x->diff_change_lo[k] : x->diff_change_hi[k];
            }
            snprintf(name, sizeof name, "%s_change_pct_difference%s", vi->name, ci_part[p]);
            snprintf(ln, sizeof ln, "paired difference in %% change of %s vs the reference arm%s",
                     vi->long_name, p == 0 ? "" : p == 1 ? " (lower 95% limit)" : " (upper 95% limit)");
            var1(wr, "comparison", name, "compared_arm", v, "percent", ln);
        }
    }
    for (int c = 0; c < EVC_COUNT; c++) {
        for (int p = 0; p < 3; p++) {
            for (size_t i = 0; i < nc; i++) {
                const results_arm_summary *x = &s[idx[i]];
                v[i] = p == 0 ? x->diff_rate[c] : p == 1 ? x->diff_rate_lo[c] : x->diff_rate_hi[c];
            }
            snprintf(name, sizeof name, "%s_per_1000py_difference%s", obs_count_names[c], ci_part[p]);
            snprintf(ln, sizeof ln, "paired difference in %s per 1000 person-years vs the reference arm%s",
                     obs_count_long_names[c], p == 0 ? "" : p == 1 ? " (lower 95% limit)" : " (upper 95% limit)");
            var1(wr, "comparison", name, "compared_arm", v, "(1000 year)-1", ln);
        }
    }
}

/* /comparison: every arm but the reference, paired against it; v is scratch of n_arms. */
static void write_comparison(writer *wr, const engine_result *r, const results_arm_summary *s, double *v)
{
    const scenario *sc = r->plan.sc;
    size_t na = sc->n_arms, nc = na - 1;
    ok(wr, h5out_group(wr->w, "comparison"));
    h5out_attr_string(wr->w, "comparison", "reference_arm", sc->arms[sc->reference].name);
    h5out_attr_string(wr->w, "comparison", "description",
                      "each arm minus the reference arm, paired on the same virtual people "
                      "(common random numbers); 95% confidence intervals from the paired SD");
    const char **names = malloc(nc * sizeof *names);
    size_t *idx = malloc(nc * sizeof *idx);
    if (!names || !idx) {
        ok(wr, MSK_ENOMEM);
    } else {
        size_t j = 0;
        for (size_t a = 0; a < na; a++)
            if (a != sc->reference) {
                idx[j] = a;
                names[j++] = sc->arms[a].name;
            }
        ok(wr, h5out_dim_strings(wr->w, "comparison", "compared_arm", nc, names,
                                 "arm compared with the reference arm"));
        write_comparison_end(wr, s, idx, nc, v);
    }
    free(names);
    free(idx);
}

/* /summary and, with more than one arm, /comparison. */
static void write_summary(writer *wr, const engine_result *r)
{
    size_t na = r->plan.sc->n_arms;
    ok(wr, h5out_group(wr->w, "summary"));
    if (wr->status != MSK_OK)
        return;
    h5out_attr_string(wr->w, "summary", "description",
                      "end-of-study outcomes per arm: % change from baseline among survivors and "
                      "event rates per 1000 person-years, with 95% confidence intervals");
    results_arm_summary *s = calloc(na, sizeof *s);
    double *v = malloc(na * sizeof *v);
    if (!s || !v) {
        free(s);
        free(v);
        ok(wr, MSK_ENOMEM);
        return;
    }
    for (size_t a = 0; a < na; a++)
        results_arm(r, a, &s[a]);
    /* Its own labelled arm coordinate: a group opened alone (xarray's group=) does not
     * see the root's. */
    const char **names = malloc(na * sizeof *names);
    if (!names) {
        ok(wr, MSK_ENOMEM);
    } else {
        for (size_t a = 0; a < na; a++)
            names[a] = r->plan.sc->arms[a].name;
        ok(wr, h5out_dim_strings(wr->w, "summary", "arm", na, names, "intervention arm"));
        free(names);
    }
    write_summary_table(wr, s, na, v);
    if (na > 1 && wr->status == MSK_OK)
        write_comparison(wr, r, s, v);
    free(s);
    free(v);
}

/* ---- Study design: scheduled exposures and each arm's interventions -----------------
 * Readers (msksim plot) need the timing of casts and each arm's dose (cuff pressure,
 * load) without parsing the YAML in /provenance. The REAL keys of the exposure and
 * intervention sections of scenario.def become one variable each, so the file cannot
 * drift from the table. */

typedef struct {
    const char *key, *unit, *applies, *help;
    size_t offset;
} design_col;

#define DESIGN_ROW(section, key, kind, unit, def, lo, hi, choices, applies, help) \
    DESIGN_ROW_##section(key, kind, unit, applies, help)
#define DESIGN_ROW_top(...)
#define DESIGN_ROW_population(...)
#define DESIGN_ROW_record(...)
#define DESIGN_KIND_REAL(type, key, unit, applies, help) {#key, unit, applies, help, offsetof(type, key)},
#define DESIGN_KIND_INT(...)
#define DESIGN_KIND_BOOL(...)
#define DESIGN_KIND_STRING(...)
#define DESIGN_KIND_ENUM(...)

#define DESIGN_ROW_exposure(key, kind, unit, applies, help) DESIGN_KIND_##kind(exposure_spec, key, unit, applies, help)
#define DESIGN_ROW_intervention(...)
static const design_col exposure_cols[] = {
#define FIELD DESIGN_ROW
#include "scenario.def"
#undef FIELD
};
#undef DESIGN_ROW_exposure
#undef DESIGN_ROW_intervention

#define DESIGN_ROW_exposure(...)
#define DESIGN_ROW_intervention(key, kind, unit, applies, help) DESIGN_KIND_##kind(intervention_spec, key, unit, applies, help)
static const design_col intervention_cols[] = {
#define FIELD DESIGN_ROW
#include "scenario.def"
#undef FIELD
};

/* Does the "applies" list of scenario.def ("*", "a|b", "!a|b") hold type_name? */
static int design_applies(const char *applies, const char *type_name)
{
    if (!applies)
        return 1;
    if (*applies == '!')
        applies++;
    if (strcmp(applies, "*") == 0)
        return 1;
    size_t n = strlen(type_name);
    for (const char *p = applies; *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && strncmp(p, type_name, n) == 0)
            return 1;
        p += len + (bar != NULL);
    }
    return 0;
}

/* "a b c": the choices of an ENUM key, as CF flag_meanings. */
static void design_flag_meanings(const char *section, const char *key, char *out, size_t size)
{
    out[0] = '\0';
    for (int i = 0;; i++) {
        const char *name = scenario_choice_name(section, key, i);
        if (!name)
            break;
        size_t used = strlen(out);
        snprintf(out + used, size - used, "%s%s", i ? " " : "", name);
    }
}

/* The scenario's unit of a design key as UDUNITS writes it (the scenario's own are for
 * people: %1RM and %AOP say of what; the long_name says it in the file). */
static const char *udunits_of(const char *unit)
{
    static const char *const map[][2] = {
        {"", "1"}, {"%1RM", "percent"}, {"%AOP", "percent"}, {"g/kg/day", "g kg-1 day-1"},
        {"km/h", "km h-1"}, {"1/week", "week-1"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(unit, map[i][0]) == 0)
            return map[i][1];
    return unit;
}

static void write_design_table(writer *wr, const char *group, const char *dim, size_t n,
                               const design_col *cols, size_t n_cols, const char *kind_name,
                               const char *section, const void *items, size_t item_size,
                               const int8_t *kinds, const char *kind_long_name)
{
    ok(wr, h5out_group(wr->w, group));
    ok(wr, h5out_dim(wr->w, group, dim, n, NULL, NULL, NULL));
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) {
        ok(wr, MSK_ENOMEM);
        return;
    }
    char meanings[512];
    design_flag_meanings(section, kind_name, meanings, sizeof meanings);
    const char *d[] = {dim};
    if (wr->status == MSK_OK)
        ok(wr, h5out_var_flags(wr->w, group, kind_name, 1, d, kinds, meanings, kind_long_name));
    for (size_t c = 0; c < n_cols && wr->status == MSK_OK; c++) {
        for (size_t i = 0; i < n; i++) {
            const char *item = (const char *)items + i * item_size;
            const char *tname = scenario_choice_name(section, kind_name, kinds[i]);
            memcpy(&v[i], item + cols[c].offset, sizeof(double));
            if (!design_applies(cols[c].applies, tname ? tname : ""))
                v[i] = NAN; /* a default the type ignores is not a setting */
        }
        char ln[600];
        snprintf(ln, sizeof ln, "%s (NaN: not given or not used by this %s)", cols[c].help, kind_name);
        var1(wr, group, cols[c].key, dim, v, udunits_of(cols[c].unit), ln);
    }
    free(v);
}

static void write_exposures(writer *wr, const scenario *sc)
{
    size_t n = sc->n_exposures;
    int8_t *kinds = malloc(n ? n : 1);
    if (!kinds) {
        ok(wr, MSK_ENOMEM);
        return;
    }
    for (size_t i = 0; i < n; i++)
        kinds[i] = (int8_t)sc->exposures[i].kind;
    write_design_table(wr, "exposures", "exposure", n, exposure_cols,
                       sizeof exposure_cols / sizeof exposure_cols[0], "kind", "exposure",
                       sc->exposures, sizeof *sc->exposures, kinds,
                       "scheduled immobilization, the same for every arm");
    h5out_attr_string(wr->w, "exposures", "description",
                      "immobilizations scheduled by the scenario for everyone (exposures:)");
    free(kinds);
}

static void write_interventions(writer *wr, const scenario *sc, size_t arm)
{
    const arm_spec *as = &sc->arms[arm];
    size_t n = as->n_interventions;
    char group[600];
    snprintf(group, sizeof group, "arms/%s/interventions", as->name);
    int8_t *types = malloc(n ? n : 1);
    if (!types) {
        ok(wr, MSK_ENOMEM);
        return;
    }
    for (size_t i = 0; i < n; i++)
        types[i] = (int8_t)as->interventions[i].type;
    write_design_table(wr, group, "intervention", n, intervention_cols,
                       sizeof intervention_cols / sizeof intervention_cols[0], "type",
                       "intervention", as->interventions, sizeof *as->interventions, types,
                       "kind of intervention");
    if (wr->status == MSK_OK)
        h5out_attr_string(wr->w, group, "description", "the arm's interventions as prescribed");
    free(types);
}

static void write_provenance(writer *wr, const engine_result *r, const char *command_line)
{
    const scenario *sc = r->plan.sc;
    ok(wr, h5out_group(wr->w, "provenance"));
    if (wr->status != MSK_OK)
        return;
    h5out_attr_string(wr->w, "provenance", "msksim_version", MSK_VERSION);
    h5out_attr_string(wr->w, "provenance", "git_revision", MSK_GIT_REVISION);
    h5out_attr_string(wr->w, "provenance", "command_line", command_line);
    h5out_attr_string(wr->w, "provenance", "scenario_file", sc->source_path ? sc->source_path : "");
    h5out_attr_string(wr->w, "provenance", "overrides", sc->overrides ? sc->overrides : "");
    h5out_attr_int64(wr->w, "provenance", "seed", (int64_t)sc->seed);
    h5out_attr_int64(wr->w, "provenance", "replicates", (int64_t)sc->replicates);

    char *eff = NULL;
    size_t eff_len = 0;
    FILE *mem = open_memstream(&eff, &eff_len);
    if (!mem) {
        ok(wr, MSK_ENOMEM);
        return;
    }
    scenario_write_effective(sc, mem);
    fclose(mem);
    ok(wr, h5out_dim(wr->w, "provenance", "document", 1, NULL, NULL, NULL));
    const char *text[] = {sc->source_text ? sc->source_text : ""};
    const char *effective[] = {eff ? eff : ""};
    ok(wr, h5out_var_strings(wr->w, "provenance", "scenario_text", "document", text,
                             "the scenario file as read"));
    ok(wr, h5out_var_strings(wr->w, "provenance", "effective_scenario", "document", effective,
                             "every scenario key and model parameter in effect, after defaults and overrides (YAML)"));
    free(eff);

    /* The model parameter table, machine-readable. */
    size_t np = model_param_count;
    const char **names = malloc(np * sizeof *names);
    const char **units = malloc(np * sizeof *units);
    const char **sources = malloc(np * sizeof *sources);
    char *storage = malloc(np * 96);
    double *values = malloc(np * sizeof *values);
    if (!names || !units || !sources || !storage || !values) {
        ok(wr, MSK_ENOMEM);
    } else {
        for (size_t i = 0; i < np; i++) {
            const model_param_info *mp = &model_param_table[i];
            snprintf(storage + 96 * i, 96, "model.%s.%s", mp->group, mp->name);
            names[i] = storage + 96 * i;
            units[i] = mp->unit;
            sources[i] = mp->source;
            memcpy(&values[i], (const char *)&sc->model + mp->offset, sizeof(double));
        }
        ok(wr, h5out_dim_strings(wr->w, "provenance", "parameter", np, names, "model parameter (dotted path)"));
        const char *pd[] = {"parameter"};
        if (wr->status == MSK_OK)
            ok(wr, h5out_var_double(wr->w, "provenance", "parameter_value", 1, pd, values, NULL,
                                    "value in effect (each parameter's unit in parameter_unit)"));
        ok(wr, h5out_var_strings(wr->w, "provenance", "parameter_unit", "parameter", units, "unit of the parameter"));
        ok(wr, h5out_var_strings(wr->w, "provenance", "parameter_source", "parameter", sources,
                                 "published source of the default, or 'Assumption'"));
    }
    free(names);
    free(units);
    free(sources);
    free(storage);
    free(values);
}


msk_status results_write_with(const engine_result *r, const char *path, const char *command_line,
                              results_extra extra, const void *extra_ctx, diag_list *diags)
{
    const scenario *sc = r->plan.sc;
    size_t n = r->acc->n_obs;
    writer wr = {NULL, MSK_OK, NULL};
    /* Scratch for one root variable over (arm, time, quantile), or a sample column. */
    size_t nbuf = sc->n_arms * (r->n_strata ? r->n_strata : 1) * n * RESULTS_N_QUANTILES;
    if (nbuf < r->n_sample)
        nbuf = r->n_sample;
    wr.buf = malloc(nbuf * sizeof *wr.buf);
    if (!wr.buf)
        return MSK_ENOMEM;
    wr.w = h5out_create(path, diags);
    if (!wr.w) {
        free(wr.buf);
        return MSK_EIO;
    }
    h5out_attr_string(wr.w, "", "title", sc->name);
    h5out_attr_string(wr.w, "", "description", sc->description ? sc->description : "");
    h5out_attr_string(wr.w, "", "Conventions", "CF-1.8");
    h5out_attr_string(wr.w, "", "source", "msksim " MSK_VERSION " (" MSK_GIT_REVISION ")");
    h5out_attr_string(wr.w, "", "reference_arm", sc->arms[sc->reference].name);
    h5out_attr_int64(wr.w, "", "population_size", sc->population.size);
    h5out_attr_int64(wr.w, "", "replicates", sc->replicates);

    double *days = malloc(n * sizeof *days);
    const char **arm_names = malloc(sc->n_arms * sizeof *arm_names);
    if (!days || !arm_names) {
        ok(&wr, MSK_ENOMEM);
    } else {
        write_time(&wr, "", r, days);
        for (size_t a = 0; a < sc->n_arms; a++)
            arm_names[a] = sc->arms[a].name;
        ok(&wr, h5out_dim(wr.w, "", "quantile", RESULTS_N_QUANTILES, results_quantiles, "1", "quantile level"));
        ok(&wr, h5out_dim_strings(wr.w, "", "arm", sc->n_arms, arm_names, "intervention arm"));
        const view root = {r->acc, sc->n_arms, 1, sc->reference, "", "week"};
        write_counts(&wr, &root);
        write_variables(&wr, &root);
        write_differences(&wr, &root);
        write_strata(&wr, r, arm_names, days);
        ok(&wr, h5out_group(wr.w, "arms"));
        if (r->n_sample)
            ok(&wr, h5out_dim(wr.w, "arms", "individual_sample", r->n_sample, NULL, NULL, NULL));
        write_sample_people(&wr, r);
        for (size_t a = 0; a < sc->n_arms && wr.status == MSK_OK; a++) {
            write_arm(&wr, r, a);
            if (wr.status == MSK_OK)
                write_interventions(&wr, sc, a);
        }
        if (wr.status == MSK_OK)
            write_exposures(&wr, sc);
        if (wr.status == MSK_OK)
            write_summary(&wr, r);
        if (wr.status == MSK_OK && extra)
            ok(&wr, extra(wr.w, r, extra_ctx));
        if (wr.status == MSK_OK)
            ok(&wr, persons_write(wr.w, r, diags));
        if (wr.status == MSK_OK)
            write_provenance(&wr, r, command_line);
    }
    free(days);
    free(arm_names);
    free(wr.buf);
    if (wr.status == MSK_OK)
        wr.status = h5out_commit(wr.w);
    h5out_destroy(wr.w);
    return wr.status;
}

msk_status results_write(const engine_result *r, const char *path, const char *command_line,
                         diag_list *diags)
{
    return results_write_with(r, path, command_line, NULL, NULL, diags);
}

msk_status results_write_time(h5out *w, const char *group, const engine_result *r)
{
    writer wr = {w, MSK_OK, NULL};
    double *days = malloc((r->acc->n_obs ? r->acc->n_obs : 1) * sizeof *days);
    if (!days)
        return MSK_ENOMEM;
    write_time(&wr, group, r, days);
    free(days);
    return wr.status;
}
