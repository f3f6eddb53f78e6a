/* measure.c — the simulated value of a published figure, with its Monte Carlo CI.
 *
 * Every per-person loop reads values through value_at (the instrument's reading when
 * the target names one, else the true value) and skips people outside the target's
 * subgroup (in_subgroup). A target without either reads exactly what it always read. */
#include "measure.h"

#include <math.h>
#include <string.h>

#include "falls.h"
#include "instrument.h"
#include "stats.h"

#define DAYS_PER_WEEK 7.0
#define DAYS_PER_YEAR 365.25
#define WEEKS_PER_YEAR (DAYS_PER_YEAR / DAYS_PER_WEEK)

static const obs_record *rec(const engine_result *r, size_t arm, size_t i, size_t k)
{
    return &r->sample[(arm * r->n_sample + i) * r->plan.n_obs + k];
}

/* Is person i (of replicate 0) in t's subgroup? Age and sex at entry, the condition at
 * week 0 (the true state, as the engine classifies it). */
static int in_subgroup(const target *t, const engine_result *r, size_t arm, size_t i)
{
    const target_subgroup *w = &t->who;
    if (!w->sex && !w->by_age && !w->by_condition)
        return 1;
    if (w->by_condition && !rec(r, arm, i, 0)->prevalent[w->condition])
        return 0;
    if (!w->sex && !w->by_age)
        return 1;
    if (!r->sample_people)
        return 0;
    const person *x = &r->sample_people[i];
    if (w->sex && x->female != (w->sex == 1))
        return 0;
    return !w->by_age || (x->age >= w->age_min && x->age < w->age_max);
}

/* Variable var of person i in arm at observation k, as t's instrument for it reads it. */
static double value_at(const target *t, const engine_result *r, size_t arm, size_t i, size_t k,
                       int var)
{
    const double x = rec(r, arm, i, k)->value[var];
    const size_t in = t->instrument[var];
    if (!in)
        return x;
    const uint64_t id = r->sample_people ? r->sample_people[i].id : (uint64_t)i;
    return instrument_read(in, x, r->plan.sc->seed, id, arm, r->plan.obs_days[k]);
}

/* Running sums of one per-person quantity. */
typedef struct {
    double s, ss, n;
} sums;

static void add(sums *a, double x)
{
    a->s += x;
    a->ss += x * x;
    a->n += 1;
}

static void from_sums(const sums *a, double scale, measure_result *out)
{
    double half;
    double mean = stats_mean_ci(a->s, a->ss, a->n, &half);
    out->value = scale * mean;
    out->lo = scale * (mean - half);
    out->hi = scale * (mean + half);
    if (out->lo > out->hi) {
        double t = out->lo;
        out->lo = out->hi;
        out->hi = t;
    }
    out->n = a->n;
}

/* The change of var for person i in arm from observation k0 to k1, in % when pct. */
static double change_in(const target *t, const engine_result *r, size_t arm, size_t i, size_t k0,
                        size_t k1, int var, int pct)
{
    const double x0 = value_at(t, r, arm, i, k0, var), x1 = value_at(t, r, arm, i, k1, var);
    return pct ? 100.0 * (x1 / x0 - 1.0) : x1 - x0;
}

/* The change t measures of its variable, person i in arm, from from_week to at_week. */
static double change_of(const target *t, const engine_result *r, size_t arm, size_t i)
{
    int pct = 0;
    switch (t->measure) {
    case TM_CHANGE_PCT:
    case TM_RATE_PCT_PER_YEAR:
    case TM_DIFF_CHANGE_PCT:
    case TM_RATIO_CHANGE_PCT:
    case TM_RATIO_OF_CHANGES_PCT:
    case TM_SD_CHANGE_PCT:
        pct = 1;
        break;
    default:
        break;
    }
    return change_in(t, r, arm, i, t->from_obs, t->at_obs, t->variable, pct);
}

static int log_matches(const log_entry *e, int evc)
{
    switch (evc) {
    case EVC_FALL:
        return e->kind == LOG_FALL;
    case EVC_FRACTURE:
        return e->kind == LOG_FRACTURE;
    case EVC_FRACTURE_HIP:
        return e->kind == LOG_FRACTURE && e->detail == FRACTURE_HIP;
    case EVC_FRACTURE_WRIST:
        return e->kind == LOG_FRACTURE && e->detail == FRACTURE_WRIST;
    case EVC_FRACTURE_VERTEBRAL:
        return e->kind == LOG_FRACTURE && e->detail == FRACTURE_VERTEBRAL;
    case EVC_FRACTURE_OTHER:
        return e->kind == LOG_FRACTURE && e->detail == FRACTURE_OTHER;
    case EVC_IMMOBILIZATION:
        return e->kind == LOG_IMMOBILIZATION_START;
    case EVC_ADMISSION:
        return e->kind == LOG_ADMISSION;
    case EVC_ADVERSE_MINOR:
        return e->kind == LOG_ADVERSE_MINOR;
    case EVC_ADVERSE_SERIOUS:
        return e->kind == LOG_ADVERSE_SERIOUS;
    case EVC_DEATH:
        return e->kind == LOG_DEATH;
    case EVC_WITHHELD:
        return e->kind == LOG_INTERVENTION_WITHHELD;
    default:
        return 0;
    }
}

/* Share of people whose first per_event (early enough to be followed for the whole
 * window) is followed by event within the window. */
static void fraction_after(const target *t, const engine_result *r, measure_result *out)
{
    const event_log *log = &r->logs[t->arm];
    const double window = t->within_weeks * DAYS_PER_WEEK;
    const double t0 = t->from_week * DAYS_PER_WEEK, t1 = t->at_week * DAYS_PER_WEEK;
    double n = 0, k = 0;
    size_t i = 0;
    while (i < log->count) {
        const uint64_t id = log->items[i].individual;
        const uint32_t rep = log->items[i].replicate;
        size_t j = i;
        while (j < log->count && log->items[j].individual == id && log->items[j].replicate == rep)
            j++;
        /* Entries of one person in [i, j), in order of occurrence. */
        double first = NAN;
        for (size_t e = i; e < j; e++)
            if (log_matches(&log->items[e], t->per_event)) {
                first = log->items[e].time;
                break;
            }
        const int member = rep != 0 || id >= r->n_sample || in_subgroup(t, r, t->arm, (size_t)id);
        if (member && !isnan(first) && first >= t0 && first + window <= t1) {
            n += 1;
            for (size_t e = i; e < j; e++) {
                const log_entry *x = &log->items[e];
                if (x->time > first && x->time <= first + window && log_matches(x, t->event)) {
                    k += 1;
                    break;
                }
            }
        }
        i = j;
    }
    out->n = n;
    out->value = n > 0 ? k / n : NAN;
    stats_wilson_ci(k, n, &out->lo, &out->hi);
}

/* Ratio of two means over the same people, mean(x) / mean(y), with a delta-method CI;
 * NAN when the denominator's mean is zero. cross is the sum of x*y. */
static void ratio_estimate(const sums *x, const sums *y, double cross, measure_result *out)
{
    out->n = x->n;
    if (x->n < 2 || y->s == 0) {
        out->value = out->lo = out->hi = NAN;
        return;
    }
    const double mx = x->s / x->n, my = y->s / y->n, R = mx / my;
    const double vx = (x->ss - x->s * mx) / (x->n - 1), vy = (y->ss - y->s * my) / (y->n - 1);
    const double cv = (cross - x->n * mx * my) / (x->n - 1);
    const double se = sqrt(fmax(0.0, vx - 2 * R * cv + R * R * vy) / x->n) / fabs(my);
    out->value = R;
    out->lo = R - 1.959963984540054 * se;
    out->hi = R + 1.959963984540054 * se;
}

/* Poisson regression log E[y] = a + b x + log T by Newton's method (the log-likelihood
 * is concave). Returns 0 on convergence with b and its standard error. */
static int poisson_slope(const double *x, const double *y, const double *T, size_t n,
                         double *b_out, double *se_out)
{
    double ysum = 0, Tsum = 0, xm = 0;
    for (size_t i = 0; i < n; i++) {
        ysum += y[i];
        Tsum += T[i];
        xm += x[i];
    }
    if (ysum <= 0 || Tsum <= 0 || n < 3)
        return -1;
    xm /= (double)n;
    double a = log(ysum / Tsum), b = 0;
    for (int it = 0; it < 100; it++) {
        double g0 = 0, g1 = 0, h00 = 0, h01 = 0, h11 = 0;
        for (size_t i = 0; i < n; i++) {
            const double xc = x[i] - xm;
            const double mu = T[i] * exp(a + b * xc);
            g0 += y[i] - mu;
            g1 += (y[i] - mu) * xc;
            h00 += mu;
            h01 += mu * xc;
            h11 += mu * xc * xc;
        }
        const double det = h00 * h11 - h01 * h01;
        if (!(det > 0))
            return -1;
        const double da = (h11 * g0 - h01 * g1) / det, db = (h00 * g1 - h01 * g0) / det;
        a += da;
        b += db;
        if (fabs(da) < 1e-12 && fabs(db) < 1e-12) {
            *b_out = b;
            *se_out = sqrt(h00 / det);
            return 0;
        }
    }
    return -1;
}

static msk_status rate_ratio(const target *t, const engine_result *r, measure_result *out,
                             diag_list *diags)
{
    const size_t n = r->n_sample;
    double *buf = malloc(3 * (n ? n : 1) * sizeof *buf);
    if (!buf)
        return MSK_ENOMEM;
    double *x = buf, *y = buf + n, *T = buf + 2 * n;
    size_t m = 0;
    sums xs = {0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        const obs_record *a = rec(r, t->arm, i, t->from_obs), *b = rec(r, t->arm, i, t->at_obs);
        if (!a->alive || !in_subgroup(t, r, t->arm, i))
            continue;
        x[m] = value_at(t, r, t->arm, i, t->from_obs, t->variable);
        y[m] = (double)(b->count[t->event] - a->count[t->event]);
        T[m] = (b->alive_days - a->alive_days) / DAYS_PER_YEAR;
        if (T[m] <= 0)
            continue;
        add(&xs, x[m]);
        m++;
    }
    double beta, se;
    int rc = poisson_slope(x, y, T, m, &beta, &se);
    free(buf);
    if (rc != 0 || xs.n < 2) {
        diag_add(diags, DIAG_ERROR, t->file, t->line, t->col, t->id,
                 "cannot estimate the rate ratio: too few %s events in the simulated trial "
                 "(raise population.size or the horizon)",
                 obs_count_names[t->event]);
        out->value = out->lo = out->hi = NAN;
        return MSK_EDATA;
    }
    const double sd = sqrt(fmax(0.0, (xs.ss - xs.s * xs.s / xs.n) / (xs.n - 1)));
    const double z = 1.959963984540054;
    /* Per SD *lower* value, as Marshall et al. report it. */
    out->value = exp(-beta * sd);
    out->lo = exp(-(beta + z * se) * sd);
    out->hi = exp(-(beta - z * se) * sd);
    out->n = (double)m;
    return MSK_OK;
}

/* change_pct, change and their rates per year: mean individual change in t->arm. */
static void measure_change(const target *t, const engine_result *r, measure_result *out)
{
    const double years = (t->at_week - t->from_week) / WEEKS_PER_YEAR;
    const int per_year = t->measure == TM_RATE_PCT_PER_YEAR || t->measure == TM_RATE_PER_YEAR;
    sums acc = {0, 0, 0};
    for (size_t i = 0; i < r->n_sample; i++) {
        const obs_record *a = rec(r, t->arm, i, t->from_obs), *b = rec(r, t->arm, i, t->at_obs);
        if (a->alive && b->alive && in_subgroup(t, r, t->arm, i))
            add(&acc, change_of(t, r, t->arm, i) / (per_year ? years : 1.0));
    }
    from_sums(&acc, t->scale, out);
}

/* sd_change_pct, sd_change: the SD across people of the individual change. The CI is
 * the normal approximation s (1 +- 1.96 / sqrt(2 (n - 1))), exact for normally
 * distributed changes and close for the skewed ones of a few thousand people. */
static void measure_sd_change(const target *t, const engine_result *r, measure_result *out)
{
    sums acc = {0, 0, 0};
    for (size_t i = 0; i < r->n_sample; i++) {
        const obs_record *a = rec(r, t->arm, i, t->from_obs), *b = rec(r, t->arm, i, t->at_obs);
        if (a->alive && b->alive && in_subgroup(t, r, t->arm, i))
            add(&acc, change_of(t, r, t->arm, i));
    }
    out->n = acc.n;
    if (acc.n < 3) {
        out->value = out->lo = out->hi = NAN;
        return;
    }
    const double mean = acc.s / acc.n;
    const double sd = fabs(t->scale) * sqrt(fmax(0.0, (acc.ss - acc.s * mean) / (acc.n - 1)));
    const double rel = 1.959963984540054 / sqrt(2.0 * (acc.n - 1));
    out->value = sd;
    out->lo = sd * (1 - rel);
    out->hi = sd * (1 + rel);
}

/* diff_change_pct, diff_change: the change in t->arm minus in t->versus, same people. */
static void measure_diff(const target *t, const engine_result *r, measure_result *out)
{
    sums acc = {0, 0, 0};
    for (size_t i = 0; i < r->n_sample; i++) {
        const obs_record *a = rec(r, t->arm, i, t->from_obs), *b = rec(r, t->arm, i, t->at_obs);
        const obs_record *c = rec(r, t->versus, i, t->from_obs), *d = rec(r, t->versus, i, t->at_obs);
        if (a->alive && b->alive && c->alive && d->alive && in_subgroup(t, r, t->arm, i))
            add(&acc, change_of(t, r, t->arm, i) - change_of(t, r, t->versus, i));
    }
    from_sums(&acc, t->scale, out);
}

/* ratio_change_pct: ratio of the arms' mean changes (same people); CI by the delta method. */
static void measure_ratio(const target *t, const engine_result *r, measure_result *out)
{
    sums x = {0, 0, 0}, y = {0, 0, 0};
    double cross = 0;
    for (size_t i = 0; i < r->n_sample; i++) {
        const obs_record *a = rec(r, t->arm, i, t->from_obs), *b = rec(r, t->arm, i, t->at_obs);
        const obs_record *c = rec(r, t->versus, i, t->from_obs), *d = rec(r, t->versus, i, t->at_obs);
        if (!(a->alive && b->alive && c->alive && d->alive) || !in_subgroup(t, r, t->arm, i))
            continue;
        const double u = change_of(t, r, t->arm, i), v = change_of(t, r, t->versus, i);
        add(&x, u);
        add(&y, v);
        cross += u * v;
    }
    ratio_estimate(&x, &y, cross, out);
}

static void measure_baseline(const target *t, const engine_result *r, measure_result *out)
{
    sums acc = {0, 0, 0};
    for (size_t i = 0; i < r->n_sample; i++) {
        const obs_record *a = rec(r, t->arm, i, t->from_obs);
        if (a->alive && in_subgroup(t, r, t->arm, i))
            add(&acc, value_at(t, r, t->arm, i, t->from_obs, t->variable));
    }
    from_sums(&acc, t->scale, out);
}

/* recovered_fraction: the share of the loss from from_week to at_week regained by
 * recover_week (a ratio of means). */
static void measure_recovered(const target *t, const engine_result *r, measure_result *out)
{
    sums g = {0, 0, 0}, l = {0, 0, 0};
    double cross = 0;
    for (size_t i = 0; i < r->n_sample; i++) {
        const obs_record *a = rec(r, t->arm, i, t->from_obs), *b = rec(r, t->arm, i, t->at_obs);
        const obs_record *c = rec(r, t->arm, i, t->recover_obs);
        if (!(a->alive && b->alive && c->alive) || !in_subgroup(t, r, t->arm, i))
            continue;
        const double x0 = value_at(t, r, t->arm, i, t->from_obs, t->variable);
        const double x1 = value_at(t, r, t->arm, i, t->at_obs, t->variable);
        const double x2 = value_at(t, r, t->arm, i, t->recover_obs, t->variable);
        const double loss = x0 - x1;
        const double gain = x2 - x1;
        add(&g, gain);
        add(&l, loss);
        cross += loss * gain;
    }
    ratio_estimate(&g, &l, cross, out);
}

/* ratio_of_changes_pct: mean % change of variable / mean % change of versus_variable,
 * the same people (delta-method CI). */
static void measure_ratio_of_changes(const target *t, const engine_result *r, measure_result *out)
{
    sums x = {0, 0, 0}, y = {0, 0, 0};
    double cross = 0;
    for (size_t i = 0; i < r->n_sample; i++) {
        const obs_record *a = rec(r, t->arm, i, t->from_obs), *b = rec(r, t->arm, i, t->at_obs);
        if (!(a->alive && b->alive) || !in_subgroup(t, r, t->arm, i))
            continue;
        const double u = change_of(t, r, t->arm, i);
        const double v = change_in(t, r, t->arm, i, t->from_obs, t->at_obs, t->versus_variable, 1);
        add(&x, u);
        add(&y, v);
        cross += u * v;
    }
    ratio_estimate(&x, &y, cross, out);
}

/* retained_fraction: (X(later) - X(from)) / (X(at) - X(from)), a ratio of means. */
static void measure_retained(const target *t, const engine_result *r, measure_result *out)
{
    sums kept = {0, 0, 0}, gained = {0, 0, 0};
    double cross = 0;
    for (size_t i = 0; i < r->n_sample; i++) {
        const obs_record *a = rec(r, t->arm, i, t->from_obs), *b = rec(r, t->arm, i, t->at_obs);
        const obs_record *c = rec(r, t->arm, i, t->later_obs);
        if (!(a->alive && b->alive && c->alive) || !in_subgroup(t, r, t->arm, i))
            continue;
        const double g = change_in(t, r, t->arm, i, t->from_obs, t->at_obs, t->variable, 0);
        const double k = change_in(t, r, t->arm, i, t->from_obs, t->later_obs, t->variable, 0);
        add(&kept, k);
        add(&gained, g);
        cross += k * g;
    }
    ratio_estimate(&kept, &gained, cross, out);
}

/* responder_share: people meeting every criterion at once, among those alive at both
 * times (Wilson CI). */
static void measure_responders(const target *t, const engine_result *r, measure_result *out)
{
    double k = 0, m = 0;
    for (size_t i = 0; i < r->n_sample; i++) {
        const obs_record *a = rec(r, t->arm, i, t->from_obs), *b = rec(r, t->arm, i, t->at_obs);
        if (!(a->alive && b->alive) || !in_subgroup(t, r, t->arm, i))
            continue;
        int all = 1;
        for (size_t c = 0; c < t->n_criteria && all; c++) {
            const target_criterion *q = &t->criteria[c];
            const double d = change_in(t, r, t->arm, i, t->from_obs, t->at_obs, q->variable, q->pct);
            all = q->above ? d >= q->threshold : d <= q->threshold;
        }
        m += 1;
        k += all;
    }
    out->value = m > 0 ? k / m : NAN;
    stats_wilson_ci(k, m, &out->lo, &out->hi);
    out->n = m;
}

static void measure_event_rate(const target *t, const engine_result *r, measure_result *out)
{
    double events = 0, py = 0;
    for (size_t i = 0; i < r->n_sample; i++) {
        const obs_record *a = rec(r, t->arm, i, t->from_obs), *b = rec(r, t->arm, i, t->at_obs);
        if (!a->alive || !in_subgroup(t, r, t->arm, i))
            continue;
        events += (double)(b->count[t->event] - a->count[t->event]);
        py += (b->alive_days - a->alive_days) / DAYS_PER_YEAR;
    }
    out->value = py > 0 ? events / py : NAN;
    stats_poisson_ci(events, py, &out->lo, &out->hi);
    out->n = events;
}

static void measure_proportion(const target *t, const engine_result *r, measure_result *out)
{
    double k = 0, m = 0;
    for (size_t i = 0; i < r->n_sample; i++) {
        const obs_record *a = rec(r, t->arm, i, t->from_obs), *b = rec(r, t->arm, i, t->at_obs);
        if (!a->alive || !in_subgroup(t, r, t->arm, i))
            continue;
        m += 1;
        k += b->count[t->event] > a->count[t->event];
    }
    out->value = m > 0 ? k / m : NAN;
    stats_wilson_ci(k, m, &out->lo, &out->hi);
    out->n = m;
}

static void measure_events_per_event(const target *t, const engine_result *r, measure_result *out)
{
    double k = 0, m = 0;
    for (size_t i = 0; i < r->n_sample; i++) {
        const obs_record *a = rec(r, t->arm, i, t->from_obs), *b = rec(r, t->arm, i, t->at_obs);
        if (!a->alive || !in_subgroup(t, r, t->arm, i))
            continue;
        k += (double)(b->count[t->event] - a->count[t->event]);
        m += (double)(b->count[t->per_event] - a->count[t->per_event]);
    }
    out->value = m > 0 ? k / m : NAN;
    stats_wilson_ci(fmin(k, m), m, &out->lo, &out->hi);
    out->n = m;
}

static void measure_prevalence(const target *t, const engine_result *r, measure_result *out)
{
    double k = 0, m = 0;
    for (size_t i = 0; i < r->n_sample; i++) {
        const obs_record *a = rec(r, t->arm, i, t->from_obs);
        if (!a->alive || !in_subgroup(t, r, t->arm, i))
            continue;
        m += 1;
        k += a->prevalent[t->condition] != 0;
    }
    /* In per cent, as prevalence is published. */
    stats_wilson_ci(k, m, &out->lo, &out->hi);
    out->value = m > 0 ? 100.0 * k / m : NAN;
    out->lo *= 100.0;
    out->hi *= 100.0;
    out->n = m;
}

msk_status measure_target(const target *t, const engine_result *r, measure_result *out,
                          diag_list *diags)
{
    out->value = out->lo = out->hi = NAN;
    out->n = 0;
    switch (t->measure) {
    case TM_CHANGE_PCT:
    case TM_CHANGE:
    case TM_RATE_PCT_PER_YEAR:
    case TM_RATE_PER_YEAR:
        measure_change(t, r, out);
        break;
    case TM_DIFF_CHANGE_PCT:
    case TM_DIFF_CHANGE:
        measure_diff(t, r, out);
        break;
    case TM_RATIO_CHANGE_PCT:
        measure_ratio(t, r, out);
        break;
    case TM_BASELINE_MEAN:
        measure_baseline(t, r, out);
        break;
    case TM_RECOVERED_FRACTION:
        measure_recovered(t, r, out);
        break;
    case TM_EVENT_RATE:
        measure_event_rate(t, r, out);
        break;
    case TM_PROPORTION_WITH_EVENT:
        measure_proportion(t, r, out);
        break;
    case TM_EVENTS_PER_EVENT:
        measure_events_per_event(t, r, out);
        break;
    case TM_FRACTION_AFTER_EVENT:
        fraction_after(t, r, out);
        break;
    case TM_PREVALENCE:
        measure_prevalence(t, r, out);
        break;
    case TM_RATE_RATIO_PER_SD:
        return rate_ratio(t, r, out, diags);
    case TM_RATIO_OF_CHANGES_PCT:
        measure_ratio_of_changes(t, r, out);
        break;
    case TM_RETAINED_FRACTION:
        measure_retained(t, r, out);
        break;
    case TM_RESPONDER_SHARE:
        measure_responders(t, r, out);
        break;
    case TM_SD_CHANGE_PCT:
    case TM_SD_CHANGE:
        measure_sd_change(t, r, out);
        break;
    case TM_COUNT:
        break;
    }
    if (isnan(out->value)) {
        diag_add(diags, DIAG_ERROR, t->file, t->line, t->col, t->id,
                 "the simulated trial has no people or events to measure %s on (raise "
                 "population.size or the horizon)",
                 target_measure_names[t->measure]);
        return MSK_EDATA;
    }
    return MSK_OK;
}
