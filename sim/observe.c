/* observe.c — exact integer accumulators (see observe.h). */
#include "observe.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

const obs_var obs_key_var[KEY_COUNT] = {OV_LEG_LEAN, OV_KNEE, OV_GRIP, OV_GAIT, OV_BMD};

static const double fixed_scale = (double)(1 << OBS_FRAC_BITS);

static int64_t to_fixed(double x)
{
    return llround(x * fixed_scale);
}

static void moments_add(obs_moments *m, double x)
{
    obs_int q = to_fixed(x);
    m->n++;
    m->sum += q;
    m->sumsq += q * q;
}

static void moments_merge(obs_moments *d, const obs_moments *s)
{
    d->n += s->n;
    d->sum += s->sum;
    d->sumsq += s->sumsq;
}

obs_acc *obs_create(size_t n_arms, size_t n_obs)
{
    obs_acc *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    size_t ak = n_arms * n_obs;
    a->n_arms = n_arms;
    a->n_obs = n_obs;
    a->alive = calloc(ak, sizeof *a->alive);
    a->prevalent = calloc(ak * PREV_COUNT, sizeof *a->prevalent);
    a->count = calloc(ak * EVC_COUNT, sizeof *a->count);
    a->ever = calloc(ak * EVC_COUNT, sizeof *a->ever);
    a->alive_days = calloc(ak, sizeof *a->alive_days);
    a->immobilized_days = calloc(ak, sizeof *a->immobilized_days);
    a->value = calloc(ak * OV_COUNT, sizeof *a->value);
    a->hist = calloc(ak * OV_COUNT * OBS_HIST_BINS, sizeof *a->hist);
    a->paired = calloc(ak * OV_COUNT, sizeof *a->paired);
    a->change_pct = calloc(n_arms * KEY_COUNT, sizeof *a->change_pct);
    a->paired_change = calloc(n_arms * KEY_COUNT, sizeof *a->paired_change);
    a->paired_count = calloc(n_arms * EVC_COUNT, sizeof *a->paired_count);
    if (!a->alive || !a->prevalent || !a->count || !a->ever || !a->alive_days ||
        !a->immobilized_days || !a->value || !a->hist || !a->paired || !a->change_pct ||
        !a->paired_change || !a->paired_count) {
        obs_destroy(a);
        return NULL;
    }
    return a;
}

void obs_destroy(obs_acc *a)
{
    if (!a)
        return;
    free(a->alive);
    free(a->prevalent);
    free(a->count);
    free(a->ever);
    free(a->alive_days);
    free(a->immobilized_days);
    free(a->value);
    free(a->hist);
    free(a->paired);
    free(a->change_pct);
    free(a->paired_change);
    free(a->paired_count);
    free(a);
}

static size_t hist_bin(obs_var v, double x)
{
    const obs_var_info *vi = &obs_var_table[v];
    double f = (x - vi->hist_lo) / (vi->hist_hi - vi->hist_lo);
    if (!(f > 0))
        return 0;
    if (f >= 1)
        return OBS_HIST_BINS - 1;
    return (size_t)(f * OBS_HIST_BINS);
}

void obs_add(obs_acc *a, size_t arm, const obs_record *rec, const obs_record *ref)
{
    for (size_t k = 0; k < a->n_obs; k++) {
        const obs_record *r = &rec[k];
        size_t i = obs_index(a, arm, k);
        for (int c = 0; c < EVC_COUNT; c++) {
            a->count[i * EVC_COUNT + c] += r->count[c];
            a->ever[i * EVC_COUNT + c] += r->count[c] > 0;
        }
        a->alive_days[i] += to_fixed(r->alive_days);
        a->immobilized_days[i] += to_fixed(r->immobilized_days);
        if (!r->alive)
            continue;
        a->alive[i]++;
        for (int c = 0; c < PREV_COUNT; c++)
            a->prevalent[i * PREV_COUNT + c] += r->prevalent[c];
        for (int v = 0; v < OV_COUNT; v++) {
            moments_add(&a->value[i * OV_COUNT + v], r->value[v]);
            a->hist[(i * OV_COUNT + v) * OBS_HIST_BINS + hist_bin((obs_var)v, r->value[v])]++;
            if (ref && ref[k].alive)
                moments_add(&a->paired[i * OV_COUNT + v], r->value[v] - ref[k].value[v]);
        }
    }
    /* End of follow-up: % change from baseline among survivors, paired against the
     * reference arm (baseline is the same person, so only the end values differ). */
    const obs_record *first = &rec[0], *last = &rec[a->n_obs - 1];
    if (last->alive) {
        for (int key = 0; key < KEY_COUNT; key++) {
            obs_var v = obs_key_var[key];
            double change = 100.0 * (last->value[v] - first->value[v]) / first->value[v];
            moments_add(&a->change_pct[arm * KEY_COUNT + key], change);
            if (ref && ref[a->n_obs - 1].alive) {
                double ref_change = 100.0 * (ref[a->n_obs - 1].value[v] - first->value[v]) / first->value[v];
                moments_add(&a->paired_change[arm * KEY_COUNT + key], change - ref_change);
            }
        }
    }
    if (ref)
        for (int c = 0; c < EVC_COUNT; c++)
            moments_add(&a->paired_count[arm * EVC_COUNT + c],
                        (double)last->count[c] - (double)ref[a->n_obs - 1].count[c]);
}

void obs_merge(obs_acc *d, const obs_acc *s)
{
    size_t ak = d->n_arms * d->n_obs;
    for (size_t i = 0; i < ak; i++) {
        d->alive[i] += s->alive[i];
        d->alive_days[i] += s->alive_days[i];
        d->immobilized_days[i] += s->immobilized_days[i];
    }
    for (size_t i = 0; i < ak * PREV_COUNT; i++)
        d->prevalent[i] += s->prevalent[i];
    for (size_t i = 0; i < ak * EVC_COUNT; i++) {
        d->count[i] += s->count[i];
        d->ever[i] += s->ever[i];
    }
    for (size_t i = 0; i < ak * OV_COUNT; i++) {
        moments_merge(&d->value[i], &s->value[i]);
        moments_merge(&d->paired[i], &s->paired[i]);
    }
    for (size_t i = 0; i < ak * OV_COUNT * OBS_HIST_BINS; i++)
        d->hist[i] += s->hist[i];
    for (size_t i = 0; i < d->n_arms * KEY_COUNT; i++) {
        moments_merge(&d->change_pct[i], &s->change_pct[i]);
        moments_merge(&d->paired_change[i], &s->paired_change[i]);
    }
    for (size_t i = 0; i < d->n_arms * EVC_COUNT; i++)
        moments_merge(&d->paired_count[i], &s->paired_count[i]);
}

double obs_mean(const obs_moments *m)
{
    if (m->n == 0)
        return NAN;
    return (double)m->sum / fixed_scale / (double)m->n;
}

double obs_sd(const obs_moments *m)
{
    if (m->n < 2)
        return NAN;
    /* n*sumsq - sum^2 is exact in integers: no cancellation. */
    obs_int n = m->n;
    obs_int num = n * m->sumsq - m->sum * m->sum;
    if (num < 0)
        num = 0;
    double var = (double)num / ((double)m->n * (double)(m->n - 1));
    return sqrt(var) / fixed_scale;
}

double obs_ci95(const obs_moments *m)
{
    if (m->n < 2)
        return NAN;
    double t = gsl_cdf_tdist_Pinv(0.975, (double)(m->n - 1));
    return t * obs_sd(m) / sqrt((double)m->n);
}

double obs_quantile(const uint32_t *hist, obs_var v, double q)
{
    uint64_t total = 0;
    for (size_t b = 0; b < OBS_HIST_BINS; b++)
        total += hist[b];
    if (total == 0)
        return NAN;
    const obs_var_info *vi = &obs_var_table[v];
    double width = (vi->hist_hi - vi->hist_lo) / OBS_HIST_BINS;
    double target = q * (double)total, acc = 0;
    for (size_t b = 0; b < OBS_HIST_BINS; b++) {
        if (hist[b] && acc + hist[b] >= target) {
            double within = (target - acc) / hist[b];
            return vi->hist_lo + ((double)b + within) * width;
        }
        acc += hist[b];
    }
    return vi->hist_hi;
}
