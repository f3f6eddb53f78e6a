/* observe.c — the observation tables and exact integer accumulators (see observe.h). */
#include "observe.h"

#include "status.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

/* ---- The tables of models/observables.def ----------------------------------------- */

const obs_var_info obs_var_table[OV_COUNT] = {
#define OBSERVABLE(id, name, units, long_name, label, display, hlo, hhi, blo, bhi) \
    [OV_##id] = {name, units, long_name, hlo, hhi},
#include "observables.def"
};
const obs_var obs_key_var[KEY_COUNT] = {
#define KEY_OUTCOME(id) [KEY_##id] = OV_##id,
#include "observables.def"
};
const char *const obs_prevalence_names[PREV_COUNT] = {
#define PREVALENCE(id, name, long_name, label) [PREV_##id] = name,
#include "observables.def"
};
const char *const obs_prevalence_long_names[PREV_COUNT] = {
#define PREVALENCE(id, name, long_name, label) [PREV_##id] = long_name,
#include "observables.def"
};
const char *const obs_count_names[EVC_COUNT] = {
#define EVENT_COUNT(id, name, long_name, label) [EVC_##id] = name,
#include "observables.def"
};
const char *const obs_count_long_names[EVC_COUNT] = {
#define EVENT_COUNT(id, name, long_name, label) [EVC_##id] = long_name,
#include "observables.def"
};

/* ---- Accumulators ------------------------------------------------------------------- */

static const double fixed_scale = (double)(1 << OBS_FRAC_BITS);

/* llround(x 2^20). Multiplying by a power of two is exact; below 2^62 truncation
 * plus a correction by the (exact) fraction rounds half away from zero as llround
 * does, without the library call. NaN and huge values go to llround itself. */
static inline int64_t to_fixed(double x)
{
    double y = x * fixed_scale;
    if (fabs(y) < 0x1p62) {
        int64_t i = (int64_t)y;
        double f = y - (double)i;
        return i + (f >= 0.5) - (f <= -0.5); /* no branch: f is anywhere in (-1, 1) */
    }
    return llround(y);
}

static inline void moments_add(obs_moments *m, double x)
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
    a->enrolled = calloc(n_arms, sizeof *a->enrolled);
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
    if (!a->enrolled || !a->alive || !a->prevalent || !a->count || !a->ever || !a->alive_days ||
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
    free(a->enrolled);
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

static inline size_t hist_bin(obs_var v, double x)
{
    const obs_var_info *vi = &obs_var_table[v];
    double f = (x - vi->hist_lo) / (vi->hist_hi - vi->hist_lo);
    if (!(f > 0))
        return 0;
    if (f >= 1)
        return OBS_HIST_BINS - 1;
    return (size_t)(f * OBS_HIST_BINS);
}

/* End of follow-up, of one person's n records in one arm: % change from baseline
 * among survivors (change_pct[KEY_COUNT]), paired against the reference arm
 * (paired_change[KEY_COUNT]; baseline is the same person, so only the end values
 * differ), and the paired difference of event counts (paired_count[EVC_COUNT]).
 * Inlined into both callers, as when it was written out in each: obs_work_add runs
 * once per person and arm. */
static inline __attribute__((always_inline)) void add_end(obs_moments *change_pct, obs_moments *paired_change, obs_moments *paired_count,
                           const obs_record *rec, const obs_record *ref, size_t n)
{
    const obs_record *first = &rec[0], *last = &rec[n - 1];
    if (last->alive) {
        for (int key = 0; key < KEY_COUNT; key++) {
            obs_var v = obs_key_var[key];
            double change = 100.0 * (last->value[v] - first->value[v]) / first->value[v];
            moments_add(&change_pct[key], change);
            if (ref && ref[n - 1].alive) {
                double ref_change = 100.0 * (ref[n - 1].value[v] - first->value[v]) / first->value[v];
                moments_add(&paired_change[key], change - ref_change);
            }
        }
    }
    if (ref)
        for (int c = 0; c < EVC_COUNT; c++)
            moments_add(&paired_count[c], (double)last->count[c] - (double)ref[n - 1].count[c]);
}

void obs_add(obs_acc *a, size_t arm, const obs_record *rec, const obs_record *ref)
{
    a->enrolled[arm]++;
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
    add_end(&a->change_pct[arm * KEY_COUNT], &a->paired_change[arm * KEY_COUNT],
            &a->paired_count[arm * EVC_COUNT], rec, ref, a->n_obs);
}

void obs_merge(obs_acc *d, const obs_acc *s)
{
    size_t ak = d->n_arms * d->n_obs;
    for (size_t i = 0; i < d->n_arms; i++)
        d->enrolled[i] += s->enrolled[i];
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

/* dst row di += src row si, everything a row holds. */
static void merge_row(obs_acc *d, size_t di, const obs_acc *s, size_t si)
{
    const size_t n = d->n_obs;
    d->enrolled[di] += s->enrolled[si];
    for (size_t k = 0; k < n; k++) {
        size_t i = di * n + k, j = si * n + k;
        d->alive[i] += s->alive[j];
        d->alive_days[i] += s->alive_days[j];
        d->immobilized_days[i] += s->immobilized_days[j];
        for (int c = 0; c < PREV_COUNT; c++)
            d->prevalent[i * PREV_COUNT + c] += s->prevalent[j * PREV_COUNT + c];
        for (int c = 0; c < EVC_COUNT; c++) {
            d->count[i * EVC_COUNT + c] += s->count[j * EVC_COUNT + c];
            d->ever[i * EVC_COUNT + c] += s->ever[j * EVC_COUNT + c];
        }
        for (int v = 0; v < OV_COUNT; v++) {
            moments_merge(&d->value[i * OV_COUNT + v], &s->value[j * OV_COUNT + v]);
            moments_merge(&d->paired[i * OV_COUNT + v], &s->paired[j * OV_COUNT + v]);
        }
        for (size_t b = 0; b < (size_t)OV_COUNT * OBS_HIST_BINS; b++)
            d->hist[i * OV_COUNT * OBS_HIST_BINS + b] += s->hist[j * OV_COUNT * OBS_HIST_BINS + b];
    }
    for (int k = 0; k < KEY_COUNT; k++) {
        moments_merge(&d->change_pct[di * KEY_COUNT + k], &s->change_pct[si * KEY_COUNT + k]);
        moments_merge(&d->paired_change[di * KEY_COUNT + k], &s->paired_change[si * KEY_COUNT + k]);
    }
    for (int c = 0; c < EVC_COUNT; c++)
        moments_merge(&d->paired_count[di * EVC_COUNT + c], &s->paired_count[si * EVC_COUNT + c]);
}

void obs_merge_cells(obs_acc *d, const obs_acc *s, size_t per)
{
    MSK_ASSERT(s->n_arms == d->n_arms * per && s->n_obs == d->n_obs);
    for (size_t a = 0; a < d->n_arms; a++)
        for (size_t c = 0; c < per; c++)
            merge_row(d, a, s, a * per + c);
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

void obs_quantiles(const uint32_t *hist, obs_var v, const double *q, size_t n, double *out)
{
    for (size_t j = 1; j < n; j++)
        if (!(q[j] >= q[j - 1])) {
            for (size_t i = 0; i < n; i++)
                out[i] = obs_quantile(hist, v, q[i]);
            return;
        }
    uint64_t total = 0;
    for (size_t b = 0; b < OBS_HIST_BINS; b++)
        total += hist[b];
    const obs_var_info *vi = &obs_var_table[v];
    if (total == 0) {
        for (size_t j = 0; j < n; j++)
            out[j] = NAN;
        return;
    }
    /* The arithmetic of obs_quantile, all targets in one pass: a bin that is too early
     * for one target is too early for every larger one. */
    double width = (vi->hist_hi - vi->hist_lo) / OBS_HIST_BINS, acc = 0;
    size_t j = 0;
    for (size_t b = 0; b < OBS_HIST_BINS && j < n; b++) {
        if (!hist[b])
            continue;
        while (j < n && acc + hist[b] >= q[j] * (double)total) {
            double within = (q[j] * (double)total - acc) / hist[b];
            out[j++] = vi->hist_lo + ((double)b + within) * width;
        }
        acc += hist[b];
    }
    for (; j < n; j++)
        out[j] = vi->hist_hi;
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

/* ---- The thread accumulator (obs_work) ------------------------------------------ */

/* The running sums of one observation: of the values and of their differences from
 * the reference arm (paired). */
enum { MOM_SUM, MOM_PSUM, MOM_PARTS };

struct obs_work {
    size_t n_arms, n_obs;
    /* First differences along the observations, [arm][obs](...): alive; alive here
     * and in the reference arm (the paired n); prevalences among the alive; counts;
     * people with at least one event. */
    int64_t *d_alive, *d_paired, *d_prevalent, *d_count, *d_ever;
    /* Second differences of fixed-point person-time, which grows by the same step
     * from one observation to the next while alive (or immobilized). */
    obs_int *dd_alive_days, *dd_immobilized_days;
    /* [arm][obs][MOM_PARTS][OV_COUNT]: sums of squares in 128 bits, one row per
     * observation; the sums in 64 bits, added into the shared accumulator at each
     * fold (obs_work_fold): an observed value is within its invariant bounds (at most
     * 1e6 in magnitude, a paired difference 2e6), 2^41 in fixed point, so the
     * fold_every <= 32,767 trajectories between folds sum to less than 2^56. */
    obs_int *mom;
    int64_t *sum;
    /* Histogram counts as differences along the observations, [arm][OV_COUNT]
     * [OBS_HIST_BINS][obs]: a trajectory adds +1 where it enters a bin and -1 where it
     * leaves it, two writes per stay in a bin instead of one per observation; the
     * running sum along the observations is the count. A trajectory changes a cell by
     * at most 1, so 16 bits hold fold_every trajectories; then the caller folds them
     * into the shared accumulator, over the bins reached. */
    int16_t *hot;
    size_t fold_every;
    size_t *hot_people;  /* [arm] trajectories added since the last fold */
    int64_t *enrolled;   /* [arm] trajectories added */
    uint16_t *hot_lo, *hot_hi; /* [arm][OV_COUNT]: bins reached since the last fold */
    obs_moments *change_pct, *paired_change, *paired_count; /* as in obs_acc */
};

obs_work *obs_work_create(size_t n_arms, size_t n_obs, size_t fold_every)
{
    if (fold_every < 1 || fold_every > OBS_WORK_FOLD_PEOPLE)
        return NULL;
    obs_work *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->fold_every = fold_every;
    size_t ak = n_arms * n_obs;
    w->n_arms = n_arms;
    w->n_obs = n_obs;
    w->d_alive = calloc(ak, sizeof *w->d_alive);
    w->d_paired = calloc(ak, sizeof *w->d_paired);
    w->d_prevalent = calloc(ak * PREV_COUNT, sizeof *w->d_prevalent);
    w->d_count = calloc(ak * EVC_COUNT, sizeof *w->d_count);
    w->d_ever = calloc(ak * EVC_COUNT, sizeof *w->d_ever);
    w->dd_alive_days = calloc(ak, sizeof *w->dd_alive_days);
    w->dd_immobilized_days = calloc(ak, sizeof *w->dd_immobilized_days);
    w->mom = calloc(ak * MOM_PARTS * OV_COUNT, sizeof *w->mom);
    w->sum = calloc(ak * MOM_PARTS * OV_COUNT, sizeof *w->sum);
    w->hot = calloc(ak * OV_COUNT * OBS_HIST_BINS, sizeof *w->hot);
    w->hot_people = calloc(n_arms, sizeof *w->hot_people);
    w->enrolled = calloc(n_arms, sizeof *w->enrolled);
    w->hot_lo = malloc(n_arms * OV_COUNT * sizeof *w->hot_lo);
    w->hot_hi = calloc(n_arms * OV_COUNT, sizeof *w->hot_hi);
    if (w->hot_lo)
        for (size_t i = 0; i < n_arms * OV_COUNT; i++)
            w->hot_lo[i] = OBS_HIST_BINS;
    w->change_pct = calloc(n_arms * KEY_COUNT, sizeof *w->change_pct);
    w->paired_change = calloc(n_arms * KEY_COUNT, sizeof *w->paired_change);
    w->paired_count = calloc(n_arms * EVC_COUNT, sizeof *w->paired_count);
    if (!w->d_alive || !w->d_paired || !w->d_prevalent || !w->d_count || !w->d_ever ||
        !w->dd_alive_days || !w->dd_immobilized_days || !w->mom || !w->sum || !w->hot ||
        !w->hot_people || !w->enrolled || !w->hot_lo || !w->hot_hi ||
        !w->change_pct || !w->paired_change || !w->paired_count) {
        obs_work_destroy(w);
        return NULL;
    }
    return w;
}

size_t obs_acc_bytes(size_t n_arms, size_t n_obs)
{
    size_t ak = n_arms * n_obs;
    return sizeof(obs_acc) +
           ak * (sizeof(int64_t) * (1 + PREV_COUNT + 2 * EVC_COUNT) + 2 * sizeof(obs_int) +
                 2 * OV_COUNT * sizeof(obs_moments) + OV_COUNT * OBS_HIST_BINS * sizeof(uint32_t)) +
           n_arms * ((2 * KEY_COUNT + EVC_COUNT) * sizeof(obs_moments) + sizeof(int64_t));
}

size_t obs_work_bytes(size_t n_arms, size_t n_obs)
{
    size_t ak = n_arms * n_obs;
    return sizeof(obs_work) +
           ak * (sizeof(int64_t) * (2 + PREV_COUNT + 2 * EVC_COUNT) + 2 * sizeof(obs_int) +
                 MOM_PARTS * OV_COUNT * (sizeof(obs_int) + sizeof(int64_t)) +
                 OV_COUNT * OBS_HIST_BINS * sizeof(int16_t)) +
           n_arms * ((2 * KEY_COUNT + EVC_COUNT) * sizeof(obs_moments) + sizeof(int64_t) + sizeof(size_t) +
                     2 * OV_COUNT * sizeof(uint16_t));
}

void obs_work_destroy(obs_work *w)
{
    if (!w)
        return;
    free(w->d_alive);
    free(w->d_paired);
    free(w->d_prevalent);
    free(w->d_count);
    free(w->d_ever);
    free(w->dd_alive_days);
    free(w->dd_immobilized_days);
    free(w->mom);
    free(w->sum);
    free(w->hot);
    free(w->hot_people);
    free(w->enrolled);
    free(w->hot_lo);
    free(w->hot_hi);
    free(w->change_pct);
    free(w->paired_change);
    free(w->paired_count);
    free(w);
}

/* Second difference of a fixed-point sequence: f is the new value, *f1 and *d1 the
 * previous value and step. */
static inline obs_int second_difference(int64_t f, int64_t *f1, obs_int *d1)
{
    obs_int d = (obs_int)f - *f1, dd = d - *d1;
    *f1 = f;
    *d1 = d;
    return dd;
}

/* dst->hist += the counts of (arm, v) over bins [lo, hi): running sums of the
 * differences along the observations, written transposed from [bin][obs] to
 * [obs][variable][bin], in tiles of observations so that both sides stay in cache. */
static void add_hot(obs_acc *d, const obs_work *w, size_t arm, size_t v, size_t lo, size_t hi)
{
    enum { TILE = 16 };
    const size_t n = w->n_obs;
    const int16_t *hot = &w->hot[(arm * OV_COUNT + v) * OBS_HIST_BINS * n];
    int32_t sum[OBS_HIST_BINS] = {0};
    for (size_t k0 = 0; k0 < n; k0 += TILE) {
        size_t k1 = k0 + TILE < n ? k0 + TILE : n;
        for (size_t k = k0; k < k1; k++) {
            uint32_t *h = &d->hist[((arm * n + k) * OV_COUNT + v) * OBS_HIST_BINS];
            for (size_t b = lo; b < hi; b++) {
                sum[b] += hot[b * n + k];
                h[b] += (uint32_t)sum[b];
            }
        }
    }
}

void obs_work_fold(obs_acc *d, obs_work *w, size_t arm)
{
    const size_t n = w->n_obs;
    /* The 64-bit sums, before they could overflow (struct obs_work). */
    int64_t *m1 = &w->sum[arm * n * MOM_PARTS * OV_COUNT];
    for (size_t k = 0; k < n; k++, m1 += MOM_PARTS * OV_COUNT)
        for (size_t v = 0; v < OV_COUNT; v++) {
            d->value[(arm * n + k) * OV_COUNT + v].sum += m1[MOM_SUM * OV_COUNT + v];
            d->paired[(arm * n + k) * OV_COUNT + v].sum += m1[MOM_PSUM * OV_COUNT + v];
        }
    memset(&w->sum[arm * n * MOM_PARTS * OV_COUNT], 0, n * MOM_PARTS * OV_COUNT * sizeof *w->sum);
    for (size_t v = 0; v < OV_COUNT; v++) {
        size_t j = arm * OV_COUNT + v;
        if (w->hot_lo[j] >= w->hot_hi[j])
            continue;
        add_hot(d, w, arm, v, w->hot_lo[j], w->hot_hi[j]);
        memset(&w->hot[((arm * OV_COUNT + v) * OBS_HIST_BINS + w->hot_lo[j]) * n], 0,
               (size_t)(w->hot_hi[j] - w->hot_lo[j]) * n * sizeof *w->hot);
        w->hot_lo[j] = OBS_HIST_BINS;
        w->hot_hi[j] = 0;
    }
    w->hot_people[arm] = 0;
}

/* Along one trajectory, the differences between consecutive observations of the
 * counts, person-time, vital status and prevalences, and the moments of the values. */
static inline void add_trajectory(obs_work *w, size_t arm, const obs_record *rec, const obs_record *ref)
{
    const size_t n = w->n_obs;
    uint32_t count[EVC_COUNT] = {0};
    uint8_t prevalent[PREV_COUNT] = {0};
    int alive = 0, paired = 0;
    int64_t ad = 0, id = 0;
    obs_int ad_step = 0, id_step = 0;
    for (size_t k = 0; k < n; k++) {
        const obs_record *r = &rec[k];
        size_t i = arm * n + k;
        if (memcmp(r->count, count, sizeof count) != 0)
            for (int c = 0; c < EVC_COUNT; c++) {
                if (r->count[c] == count[c])
                    continue;
                w->d_count[i * EVC_COUNT + c] += (int64_t)r->count[c] - (int64_t)count[c];
                w->d_ever[i * EVC_COUNT + c] += (int64_t)(r->count[c] > 0) - (int64_t)(count[c] > 0);
                count[c] = r->count[c];
            }
        obs_int dd = second_difference(to_fixed(r->alive_days), &ad, &ad_step);
        if (dd)
            w->dd_alive_days[i] += dd;
        dd = second_difference(to_fixed(r->immobilized_days), &id, &id_step);
        if (dd)
            w->dd_immobilized_days[i] += dd;
        int a = r->alive != 0, pa = a && ref && ref[k].alive;
        if (a != alive)
            w->d_alive[i] += a - alive;
        if (pa != paired)
            w->d_paired[i] += pa - paired;
        alive = a;
        paired = pa;
        for (int c = 0; c < PREV_COUNT; c++) {
            uint8_t p = a ? r->prevalent[c] : 0;
            if (p != prevalent[c]) {
                w->d_prevalent[i * PREV_COUNT + c] += (int64_t)p - (int64_t)prevalent[c];
                prevalent[c] = p;
            }
        }
        if (!a)
            continue;
        obs_int *m = &w->mom[i * MOM_PARTS * OV_COUNT];
        int64_t *m1 = &w->sum[i * MOM_PARTS * OV_COUNT];
        for (int v = 0; v < OV_COUNT; v++) {
            int64_t q = to_fixed(r->value[v]);
            m1[MOM_SUM * OV_COUNT + v] += q;
            m[MOM_SUM * OV_COUNT + v] += (obs_int)q * q;
        }
        if (pa)
            for (int v = 0; v < OV_COUNT; v++) {
                int64_t q = to_fixed(r->value[v] - ref[k].value[v]);
                m1[MOM_PSUM * OV_COUNT + v] += q;
                m[MOM_PSUM * OV_COUNT + v] += (obs_int)q * q;
            }
    }
}

/* The histogram counts, variable by variable: each walks its rows forward in time. */
static inline void add_histograms(obs_work *w, size_t arm, const obs_record *rec)
{
    const size_t n = w->n_obs;
    for (int v = 0; v < OV_COUNT; v++) {
        int16_t *h = &w->hot[(arm * OV_COUNT + (size_t)v) * OBS_HIST_BINS * n];
        size_t lo = OBS_HIST_BINS, hi = 0, prev = OBS_HIST_BINS; /* prev: no bin (dead) */
        for (size_t k = 0; k < n; k++) {
            size_t b = rec[k].alive ? hist_bin((obs_var)v, rec[k].value[v]) : OBS_HIST_BINS;
            if (b == prev)
                continue;
            if (prev < OBS_HIST_BINS)
                h[prev * n + k]--;
            if (b < OBS_HIST_BINS) {
                h[b * n + k]++;
                lo = b < lo ? b : lo;
                hi = b > hi ? b : hi;
            }
            prev = b;
        }
        size_t j = arm * OV_COUNT + (size_t)v;
        if (lo < w->hot_lo[j])
            w->hot_lo[j] = (uint16_t)lo;
        if (hi + 1 > w->hot_hi[j])
            w->hot_hi[j] = (uint16_t)(hi + 1);
    }
}

int obs_work_add(obs_work *w, size_t arm, const obs_record *rec, const obs_record *ref)
{
    MSK_ASSERT(w->hot_people[arm] < w->fold_every);
    add_trajectory(w, arm, rec, ref);
    w->hot_people[arm]++;
    w->enrolled[arm]++;
    add_histograms(w, arm, rec);
    add_end(&w->change_pct[arm * KEY_COUNT], &w->paired_change[arm * KEY_COUNT], &w->paired_count[arm * EVC_COUNT],
            rec, ref, w->n_obs);
    return w->hot_people[arm] == w->fold_every;
}

void obs_work_flush(obs_acc *d, const obs_work *w)
{
    const size_t n = w->n_obs;
    for (size_t arm = 0; arm < w->n_arms; arm++) {
        d->enrolled[arm] += w->enrolled[arm];
        int64_t alive = 0, paired = 0, prevalent[PREV_COUNT] = {0};
        int64_t count[EVC_COUNT] = {0}, ever[EVC_COUNT] = {0};
        obs_int ad = 0, ad_step = 0, id = 0, id_step = 0;
        for (size_t k = 0; k < n; k++) {
            size_t i = arm * n + k;
            alive += w->d_alive[i];
            paired += w->d_paired[i];
            d->alive[i] += alive;
            for (int c = 0; c < PREV_COUNT; c++) {
                prevalent[c] += w->d_prevalent[i * PREV_COUNT + c];
                d->prevalent[i * PREV_COUNT + c] += prevalent[c];
            }
            for (int c = 0; c < EVC_COUNT; c++) {
                count[c] += w->d_count[i * EVC_COUNT + c];
                ever[c] += w->d_ever[i * EVC_COUNT + c];
                d->count[i * EVC_COUNT + c] += count[c];
                d->ever[i * EVC_COUNT + c] += ever[c];
            }
            ad_step += w->dd_alive_days[i];
            ad += ad_step;
            d->alive_days[i] += ad;
            id_step += w->dd_immobilized_days[i];
            id += id_step;
            d->immobilized_days[i] += id;
            const obs_int *m = &w->mom[i * MOM_PARTS * OV_COUNT];
            const int64_t *m1 = &w->sum[i * MOM_PARTS * OV_COUNT];
            for (int v = 0; v < OV_COUNT; v++) {
                obs_moments *x = &d->value[i * OV_COUNT + v], *y = &d->paired[i * OV_COUNT + v];
                x->n += alive;
                x->sum += m1[MOM_SUM * OV_COUNT + v];
                x->sumsq += m[MOM_SUM * OV_COUNT + v];
                y->n += paired;
                y->sum += m1[MOM_PSUM * OV_COUNT + v];
                y->sumsq += m[MOM_PSUM * OV_COUNT + v];
            }
        }
        for (size_t v = 0; v < OV_COUNT; v++) {
            size_t j = arm * OV_COUNT + v;
            if (w->hot_lo[j] < w->hot_hi[j])
                add_hot(d, w, arm, v, w->hot_lo[j], w->hot_hi[j]);
        }
    }
    for (size_t i = 0; i < w->n_arms * KEY_COUNT; i++) {
        moments_merge(&d->change_pct[i], &w->change_pct[i]);
        moments_merge(&d->paired_change[i], &w->paired_change[i]);
    }
    for (size_t i = 0; i < w->n_arms * EVC_COUNT; i++)
        moments_merge(&d->paired_count[i], &w->paired_count[i]);
}
