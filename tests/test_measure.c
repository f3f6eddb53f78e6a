/* test_measure.c — the evidence measures on hand-made trajectories with known answers.
 *
 * Each check builds an engine_result by hand (no simulation), so the expected value is
 * computed independently from the data put in: a mean change, a paired difference, a
 * ratio, a Poisson rate, a proportion, a recovery fraction, the fraction of people
 * dying within a window after a hip fracture, a Poisson-regression rate ratio
 * recovered from data generated with a known one, and a prevalence among the living;
 * the ratio of two variables' changes, the share of a gain retained, responders on two
 * criteria, subgroups, one-sided intervals; and measurement error: an instrument's CV
 * or SD inflates the SD of measured values and changes by what theory says, within
 * Monte Carlo error, deterministically. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "evidence.h"
#include "falls.h"
#include "instrument.h"
#include "measure.h"
#include "stats.h"
#include "testutil.h"

enum { N_OBS = 3 };
static const double obs_days[N_OBS] = {0, 182.625, 365.25};

typedef struct {
    engine_result r;
    scenario sc;
    arm_spec arms[2];
} fake;

static void fake_init(fake *f, size_t n_people, size_t n_arms)
{
    memset(f, 0, sizeof *f);
    f->sc.n_arms = n_arms;
    f->sc.arms = f->arms;
    f->r.plan.sc = &f->sc;
    f->r.plan.n_obs = N_OBS;
    f->r.plan.obs_days = obs_days;
    f->r.plan.horizon_days = obs_days[N_OBS - 1];
    f->r.n_sample = n_people;
    f->r.n_people = n_people;
    f->r.sample = calloc(n_arms * n_people * N_OBS, sizeof *f->r.sample);
    f->r.logs = calloc(n_arms, sizeof *f->r.logs);
    for (size_t a = 0; a < n_arms; a++)
        event_log_init(&f->r.logs[a]);
}

static void fake_fini(fake *f)
{
    for (size_t a = 0; a < f->sc.n_arms; a++)
        event_log_fini(&f->r.logs[a]);
    free(f->r.logs);
    free(f->r.sample);
}

static obs_record *at(fake *f, size_t arm, size_t i, size_t k)
{
    return &f->r.sample[(arm * f->r.n_sample + i) * N_OBS + k];
}

static target base_target(target_measure m)
{
    target t;
    memset(&t, 0, sizeof t);
    t.id = "t";
    t.file = "test";
    t.measure = m;
    t.variable = OV_KNEE;
    t.event = t.per_event = -1;
    t.from_obs = 0;
    t.at_obs = 2;
    t.from_week = 0;
    t.at_week = 365.25 / 7;
    t.scale = 1;
    return t;
}

static void test_changes(void)
{
    fake f;
    fake_init(&f, 4, 2);
    /* Arm 0: knee 100 -> 110, 120, 90, 100 (changes +10, +20, -10, 0 %); person 3
     * dies before the end and must be left out. Arm 1: +5% for everyone alive. */
    const double end0[4] = {110, 120, 90, 50};
    for (size_t i = 0; i < 4; i++) {
        for (size_t k = 0; k < N_OBS; k++) {
            at(&f, 0, i, k)->alive = at(&f, 1, i, k)->alive = 1;
            at(&f, 0, i, k)->value[OV_KNEE] = at(&f, 1, i, k)->value[OV_KNEE] = 100;
        }
        at(&f, 0, i, 2)->value[OV_KNEE] = end0[i];
        at(&f, 1, i, 2)->value[OV_KNEE] = 105;
    }
    at(&f, 0, 3, 2)->alive = 0;
    diag_list d;
    diag_list_init(&d);
    measure_result m;

    target t = base_target(TM_CHANGE_PCT);
    CHECK(measure_target(&t, &f.r, &m, &d) == MSK_OK, "change_pct measured");
    CHECK_CLOSE(m.value, 20.0 / 3.0, 1e-12, "mean % change of the people alive at both times");
    CHECK(m.n == 3, "3 people used (the dead one left out): %g", m.n);
    /* t interval: sd of {10, 20, -10} = 15.2753, t(0.975, 2) = 4.3027 */
    CHECK_CLOSE(m.hi - m.value, 4.302652729749464 * 15.275252316519467 / sqrt(3.0), 1e-9,
                "Student-t half-width");

    t.measure = TM_RATE_PCT_PER_YEAR;
    measure_target(&t, &f.r, &m, &d);
    CHECK_CLOSE(m.value, 20.0 / 3.0, 1e-12, "one year: rate per year equals the change");

    t.measure = TM_DIFF_CHANGE_PCT;
    t.versus = 1;
    measure_target(&t, &f.r, &m, &d);
    CHECK_CLOSE(m.value, 20.0 / 3.0 - 5.0, 1e-12, "paired difference arm 0 minus arm 1");

    t.measure = TM_RATIO_CHANGE_PCT;
    measure_target(&t, &f.r, &m, &d);
    CHECK_CLOSE(m.value, (20.0 / 3.0) / 5.0, 1e-12, "ratio of mean changes");

    t.measure = TM_CHANGE;
    t.scale = 2;
    measure_target(&t, &f.r, &m, &d);
    CHECK_CLOSE(m.value, 2 * 20.0 / 3.0, 1e-12, "absolute change times scale");

    /* Recovery: 100 -> (obs 1) 80 -> (obs 2) 90 regains half the loss. */
    for (size_t i = 0; i < 4; i++) {
        at(&f, 0, i, 1)->value[OV_KNEE] = 80;
        at(&f, 0, i, 2)->value[OV_KNEE] = 90 + (double)i; /* 0.5, 0.55, 0.6 (person 3 dead) */
    }
    t = base_target(TM_RECOVERED_FRACTION);
    t.at_obs = 1;
    t.recover_obs = 2;
    measure_target(&t, &f.r, &m, &d);
    CHECK_CLOSE(m.value, (10 + 11 + 12) / 3.0 / 20.0, 1e-12, "recovered fraction = mean regain / mean loss");
    CHECK(m.lo < m.value && m.value < m.hi, "recovered fraction has a CI around it");
    diag_list_fini(&d);
    fake_fini(&f);
}

static void test_events(void)
{
    fake f;
    fake_init(&f, 10, 1);
    /* 10 people for a year; person i has i falls and, for i >= 5, one hip fracture. */
    for (size_t i = 0; i < 10; i++) {
        for (size_t k = 0; k < N_OBS; k++) {
            obs_record *r = at(&f, 0, i, k);
            r->alive = 1;
            r->alive_days = obs_days[k];
        }
        at(&f, 0, i, 2)->count[EVC_FALL] = (uint32_t)i;
        at(&f, 0, i, 2)->count[EVC_FRACTURE_HIP] = i >= 5;
    }
    diag_list d;
    diag_list_init(&d);
    measure_result m;
    target t = base_target(TM_EVENT_RATE);
    t.event = EVC_FALL;
    measure_target(&t, &f.r, &m, &d);
    CHECK_CLOSE(m.value, 45.0 / 10.0, 1e-12, "falls per person-year");
    double lo, hi;
    stats_poisson_ci(45, 10, &lo, &hi);
    CHECK(m.lo == lo && m.hi == hi, "Poisson CI of 45 events in 10 person-years");

    t.measure = TM_PROPORTION_WITH_EVENT;
    measure_target(&t, &f.r, &m, &d);
    CHECK_CLOSE(m.value, 0.9, 1e-12, "9 of 10 fell at least once");

    t.measure = TM_EVENTS_PER_EVENT;
    t.event = EVC_FRACTURE_HIP;
    t.per_event = EVC_FALL;
    measure_target(&t, &f.r, &m, &d);
    CHECK_CLOSE(m.value, 5.0 / 45.0, 1e-12, "hip fractures per fall");

    /* Event log: people 0-3 break a hip at day 10, 20, 30, 300; 0 and 1 die within
     * 100 days, 2 dies at day 200 (outside), 3 is not followed for the whole window. */
    const double hip[4] = {10, 20, 30, 300}, death[4] = {50, 110, 200, NAN};
    event_log *log = &f.r.logs[0];
    log->items = calloc(8, sizeof *log->items);
    log->capacity = 8;
    for (size_t i = 0; i < 4; i++) {
        log->items[log->count++] = (log_entry){i, 0, 0, LOG_FRACTURE, FRACTURE_HIP, hip[i]};
        if (!isnan(death[i]))
            log->items[log->count++] = (log_entry){i, 0, 1, LOG_DEATH, 0, death[i]};
    }
    t = base_target(TM_FRACTION_AFTER_EVENT);
    t.event = EVC_DEATH;
    t.per_event = EVC_FRACTURE_HIP;
    t.within_weeks = 100.0 / 7.0;
    measure_target(&t, &f.r, &m, &d);
    CHECK(m.n == 3, "3 hip fractures followed for the whole window: %g", m.n);
    CHECK_CLOSE(m.value, 2.0 / 3.0, 1e-12, "2 of 3 died within the window");
    diag_list_fini(&d);
    fake_fini(&f);
}

static void test_rate_ratio(void)
{
    /* Poisson counts with log rate = a + b x over 1 year: the rate ratio per SD lower x
     * is exp(-b SD(x)). 20000 people give it to within a few percent. */
    enum { N = 20000 };
    fake f;
    fake_init(&f, N, 1);
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, 7);
    const double b = -8.0, a = log(0.02) - b * 0.7;
    for (size_t i = 0; i < N; i++) {
        const double x = 0.7 + 0.12 * gsl_ran_gaussian(g, 1.0);
        for (size_t k = 0; k < N_OBS; k++) {
            obs_record *r = at(&f, 0, i, k);
            r->alive = 1;
            r->alive_days = obs_days[k];
            r->value[OV_BMD] = x;
        }
        at(&f, 0, i, 2)->count[EVC_FRACTURE_HIP] = gsl_ran_poisson(g, 5 * exp(a + b * x));
    }
    diag_list d;
    diag_list_init(&d);
    measure_result m;
    target t = base_target(TM_RATE_RATIO_PER_SD);
    t.variable = OV_BMD;
    t.event = EVC_FRACTURE_HIP;
    CHECK(measure_target(&t, &f.r, &m, &d) == MSK_OK, "rate ratio estimated");
    const double truth = exp(-b * 0.12);
    CHECK(m.lo < truth && truth < m.hi, "true RR %.3f inside the CI [%.3f, %.3f] (estimate %.3f)",
          truth, m.lo, m.hi, m.value);
    CHECK_CLOSE(m.value, truth, 0.05, "RR per SD within 5%");
    gsl_rng_free(g);
    diag_list_fini(&d);
    fake_fini(&f);
}

static void test_prevalence(void)
{
    fake f;
    fake_init(&f, 20, 1);
    /* 20 people at week 0; the 4 dead at the end are left out there. Osteoporosis: every
     * third person at week 0 (7 of 20); at the end, people 0-9 (of the 16 alive). */
    for (size_t i = 0; i < 20; i++)
        for (size_t k = 0; k < N_OBS; k++) {
            obs_record *r = at(&f, 0, i, k);
            r->alive = k < 2 || i < 16;
            r->prevalent[PREV_OSTEOPOROSIS] = (uint8_t)(k == 0 ? i % 3 == 0 : i < 10);
            r->prevalent[PREV_OSTEOPENIA] = (uint8_t)(k == 0 && i % 3 != 0);
        }
    diag_list d;
    diag_list_init(&d);
    measure_result m;
    target t = base_target(TM_PREVALENCE);
    t.condition = PREV_OSTEOPOROSIS;
    measure_target(&t, &f.r, &m, &d);
    CHECK_CLOSE(m.value, 100.0 * 7 / 20, 1e-12, "osteoporosis in 7 of 20 at week 0, in per cent");
    double lo, hi;
    stats_wilson_ci(7, 20, &lo, &hi);
    CHECK_CLOSE(m.lo, 100 * lo, 1e-12, "Wilson CI, lower end, in per cent");
    CHECK_CLOSE(m.hi, 100 * hi, 1e-12, "Wilson CI, upper end, in per cent");
    CHECK(m.n == 20, "measured over the 20 alive at week 0");
    t.condition = PREV_OSTEOPENIA;
    measure_target(&t, &f.r, &m, &d);
    CHECK_CLOSE(m.value, 100.0 * 13 / 20, 1e-12, "osteopenia in the other 13");
    t.condition = PREV_OSTEOPOROSIS;
    t.from_obs = 2;
    measure_target(&t, &f.r, &m, &d);
    CHECK_CLOSE(m.value, 100.0 * 10 / 16, 1e-12, "at the end: 10 of the 16 alive");
    CHECK(m.n == 16, "the dead are not counted");
    diag_list_fini(&d);
    fake_fini(&f);
}

/* Ratio of two variables' changes, retained share of a gain, responders, subgroups. */
static void test_literature_measures(void)
{
    fake f;
    fake_init(&f, 4, 1);
    person people[4];
    memset(people, 0, sizeof people);
    const double knee[4][3] = {{100, 110, 105}, {100, 120, 110}, {100, 130, 115}, {100, 90, 95}};
    const double csa[4][3] = {{50, 52.5, 51}, {50, 52.5, 51}, {50, 52.5, 51}, {50, 50, 50}};
    const double grip[4] = {1, 2, -1, 3}; /* grip change of each person */
    for (size_t i = 0; i < 4; i++) {
        people[i].id = i;
        people[i].female = i % 2 == 0;
        people[i].age = 60 + 5.0 * (double)i;
        for (size_t k = 0; k < N_OBS; k++) {
            obs_record *o = at(&f, 0, i, k);
            o->alive = 1;
            o->value[OV_KNEE] = knee[i][k];
            o->value[OV_QUAD_CSA] = csa[i][k];
            o->value[OV_GRIP] = 30 + (k == 2 ? grip[i] : 0);
            o->prevalent[PREV_SARCOPENIA] = i >= 2;
        }
    }
    f.r.sample_people = people;
    diag_list d;
    diag_list_init(&d);
    measure_result m;
    /* People 0-2: knee +10, +20, +30 % at obs 1, CSA +5 %; person 3 is outside the
     * subgroup "women" (ids 0 and 2) and "sarcopenic" (2 and 3) tests below. */
    target t = base_target(TM_RATIO_OF_CHANGES_PCT);
    t.at_obs = 1;
    t.versus_variable = OV_QUAD_CSA;
    t.who.by_age = 1;
    t.who.age_min = 60;
    t.who.age_max = 75; /* people 0, 1, 2 */
    CHECK(measure_target(&t, &f.r, &m, &d) == MSK_OK, "ratio_of_changes_pct measured");
    CHECK_CLOSE(m.value, 20.0 / 5.0, 1e-12, "mean strength change / mean CSA change");
    CHECK(m.n == 3, "the age band 60-75 holds 3 people: %g", m.n);

    t = base_target(TM_RETAINED_FRACTION);
    t.at_obs = 1;
    t.later_obs = 2;
    t.who.sex = 1; /* women: people 0 and 2 */
    measure_target(&t, &f.r, &m, &d);
    CHECK_CLOSE(m.value, (5.0 + 15.0) / (10.0 + 30.0), 1e-12, "retained: mean kept / mean gained");
    CHECK(m.n == 2, "two women");

    t = base_target(TM_RESPONDER_SHARE);
    target_criterion both[2] = {{OV_KNEE, 1, 1, 4.0}, {OV_GRIP, 0, 1, 0.5}};
    t.criteria = both;
    t.n_criteria = 2;
    measure_target(&t, &f.r, &m, &d);
    CHECK_CLOSE(m.value, 2.0 / 4.0, 1e-12, "knee +4% or more AND grip +0.5 kg or more: 2 of 4");
    t.who.by_condition = 1;
    t.who.condition = PREV_SARCOPENIA;
    measure_target(&t, &f.r, &m, &d);
    CHECK(m.n == 2 && m.value == 0, "among the sarcopenic (2, 3) nobody meets both: %g of %g",
          m.value, m.n);
    t.n_criteria = 1;
    measure_target(&t, &f.r, &m, &d);
    CHECK_CLOSE(m.value, 0.5, 1e-12, "knee alone: person 2 responds, person 3 (-5%) does not");

    /* The spread of individual changes: knee +10, +20, +30, -10 % at obs 1 (SD of
     * those four, n - 1 in the denominator); in absolute units the same numbers. */
    t = base_target(TM_SD_CHANGE_PCT);
    t.at_obs = 1;
    CHECK(measure_target(&t, &f.r, &m, &d) == MSK_OK, "sd_change_pct measured");
    CHECK_CLOSE(m.value, sqrt((2.5 * 2.5 + 7.5 * 7.5 + 17.5 * 17.5 + 22.5 * 22.5) / 3.0), 1e-12,
                "SD of the % changes +10, +20, +30, -10");
    CHECK(m.lo < m.value && m.value < m.hi && m.n == 4, "a CI around it from 4 people");
    t = base_target(TM_SD_CHANGE);
    t.at_obs = 1;
    t.scale = -2; /* a negative scale flips signs, never the spread's */
    measure_target(&t, &f.r, &m, &d);
    CHECK_CLOSE(m.value, 2 * sqrt((2.5 * 2.5 + 7.5 * 7.5 + 17.5 * 17.5 + 22.5 * 22.5) / 3.0), 1e-12,
                "sd_change times |scale|");

    /* One-sided intervals: a bound on one side only. */
    t.accept_lo = -HUGE_VAL;
    t.accept_hi = 0.6;
    CHECK(target_one_sided(&t) && evidence_within(&t, -1e6) && !evidence_within(&t, 0.61),
          "an upper bound only: everything below it passes");
    diag_list_fini(&d);
    fake_fini(&f);
}

/* The SD of measured values is sqrt(true SD^2 + error SD^2); the error is a pure
 * function of (seed, person, arm, day, variable). */
static void test_instruments(void)
{
    enum { N = 20000 };
    fake f;
    fake_init(&f, N, 1);
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, 12);
    for (size_t i = 0; i < N; i++)
        for (size_t k = 0; k < N_OBS; k++) {
            obs_record *o = at(&f, 0, i, k);
            o->alive = 1;
            o->value[OV_KNEE] = 100;
            o->value[OV_GRIP] = 30 + (k == 2 ? 2 + gsl_ran_gaussian(g, 1.5) : 0);
        }
    gsl_rng_free(g);
    f.sc.seed = 99;
    diag_list d;
    diag_list_init(&d);
    measure_result m, again;
    const double z975 = 1.959963984540054, se_sd = 1.0 / sqrt(2.0 * N); /* relative SE of an SD */

    target t = base_target(TM_BASELINE_MEAN);
    measure_target(&t, &f.r, &m, &d);
    CHECK(m.value == 100 && m.lo == 100, "without an instrument: the true values, no spread");
    const size_t iso = instrument_find("dynamometer_isokinetic");
    CHECK(iso > 0 && instrument_table[iso].variable == OV_KNEE, "isokinetic dynamometer measures the knee");
    t.instrument[OV_KNEE] = (unsigned char)iso;
    measure_target(&t, &f.r, &m, &d);
    double sd = (m.hi - m.value) * sqrt((double)N) / z975;
    const double cv = instrument_table[iso].error;
    CHECK_CLOSE(sd, cv, 4 * se_sd, "CV 9%: SD of measured torque (true SD 0) is 9 N m");
    CHECK(fabs(m.value - 100) < 4 * cv / sqrt((double)N), "unbiased mean: %.4f", m.value);
    measure_target(&t, &f.r, &again, &d);
    CHECK(again.value == m.value && again.hi == m.hi, "the same errors on a second reading");

    /* Change of grip: true SD 1.5 kg, Jamar SD e at both visits: sqrt(1.5^2 + 2 e^2). */
    t = base_target(TM_CHANGE);
    t.variable = OV_GRIP;
    measure_target(&t, &f.r, &m, &d);
    const double true_sd = (m.hi - m.value) * sqrt((double)N) / z975;
    CHECK_CLOSE(true_sd, 1.5, 4 * se_sd, "true SD of change 1.5 kg");
    const size_t jamar = instrument_find("jamar_grip");
    t.instrument[OV_GRIP] = (unsigned char)jamar;
    measure_target(&t, &f.r, &m, &d);
    const double e = instrument_table[jamar].error;
    sd = (m.hi - m.value) * sqrt((double)N) / z975;
    CHECK_CLOSE(sd, sqrt(true_sd * true_sd + 2 * e * e), 4 * se_sd,
                "measured SD of change = sqrt(true^2 + 2 x Jamar SD^2)");

    /* Deviates: independent between arms, days and variables; standard normal. */
    double s = 0, ss = 0;
    for (uint64_t i = 0; i < N; i++) {
        const double z = instrument_normal(5, i, 0, 7.0, OV_GRIP);
        s += z;
        ss += z * z;
    }
    CHECK(fabs(s / N) < 4 / sqrt((double)N) && fabs(ss / N - 1) < 4 * sqrt(2.0 / N),
          "standard normal: mean %.4f, variance %.4f", s / N, ss / N);
    CHECK(instrument_normal(5, 1, 0, 7.0, OV_GRIP) != instrument_normal(5, 1, 1, 7.0, OV_GRIP) &&
              instrument_normal(5, 1, 0, 7.0, OV_GRIP) != instrument_normal(5, 1, 0, 14.0, OV_GRIP) &&
              instrument_normal(5, 1, 0, 7.0, OV_GRIP) == instrument_normal(5, 1, 0, 7.0, OV_GRIP),
          "a different arm or visit gets a different error; the same visit the same one");
    CHECK(instrument_find("no_such_thing") == 0, "unknown instruments are not found");
    diag_list_fini(&d);
    fake_fini(&f);
}

/* The two leading estimates and whether their intervals let them be ranked. */
static void test_leaders(void)
{
    const double v[4] = {0.2, 0.9, 0.5, 0.1}, lo[4] = {0.1, 0.7, 0.3, 0.0}, hi[4] = {0.3, 1.1, 0.6, 0.2};
    size_t b, s;
    CHECK(!stats_leaders_unranked(v, lo, hi, 4, &b, &s) && b == 1 && s == 2,
          "leader 1 (0.9, lower limit 0.7) ranked above 2 (0.5, upper limit 0.6): best %zu second %zu", b, s);
    const double hi2[4] = {0.3, 1.1, 0.7, 0.2};
    CHECK(stats_leaders_unranked(v, lo, hi2, 4, &b, &s) && b == 1 && s == 2,
          "an upper limit reaching the leader's lower limit (0.7) leaves them unranked");
    CHECK(!stats_leaders_unranked(v, lo, hi, 1, &b, &s) && b == 0 && s == 1, "one estimate: no runner-up");
}

int main(void)
{
    test_leaders();
    test_changes();
    test_events();
    test_rate_ratio();
    test_prevalence();
    test_literature_measures();
    test_instruments();
    printf("%d failure(s)\n", test_failures);
    return test_failures != 0;
}
