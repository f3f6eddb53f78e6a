/* test_properties.c — random valid scenarios keep every state finite and physiological.
 *
 * Scenarios are drawn at random from the tables' ranges: every model parameter over
 * the whole [min, max] of models/params.def (an end point one time in eight each), the
 * population keys within those of sim/input/scenario.def, random exposures, and one to three
 * arms of random interventions. Two kinds of draw are not run:
 *   - the four baseline correlations are drawn again, together, until they form a
 *     positive-definite matrix: the loader refuses the others (`msksim check` does), and
 *     about two draws in three over the whole ranges are such;
 *   - the engine refuses, before time zero, a population in which nobody meets the
 *     inclusion criteria (T-scores against extreme reference values); such a draw is
 *     counted and replaced, and must stay below a tenth of the runs.
 * Every other draw must load (the test fails on a refusal by the loader). Each
 * scenario runs a small population, every person sampled, and then:
 *   - the engine's invariant checks (sim/engine/invariant.h) must not have fired;
 *   - every observation of every person is checked here, independently: finite values,
 *     positive masses, BMD within 0.05-2.5 g/cm^2, appendicular lean mass above the
 *     index leg's, non-negative strength, speed and steps, person-time no longer than
 *     follow-up, counts that never decrease, at most one death.
 * Then an invariant is broken on purpose (a parameter set behind the loader's back) and
 * the run must stop with MSK_ESOFTWARE and an error naming the individual, replicate,
 * arm, day and seed, the same for 1 and 3 threads.
 *
 * The observation at the horizon is also checked when k * step rounds above it.
 *
 * MSK_PROPERTY_SEED, MSK_PROPERTY_COUNT (default 150) and MSK_PROPERTY_SPREAD_PCT
 * (default 100: the whole ranges) change the draw for a longer or narrower search; a
 * failure prints the seed, the draw number and the scenario text
 * (docs/robustness.md gives the figures of the longer searches). */
#include "fixture.h" /* first: it asks for mkstemps (_DEFAULT_SOURCE) */

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "testutil.h"
#include "yamltree.h"

/* ---- Ranges of sim/input/scenario.def ----------------------------------------------------- */

typedef struct {
    const char *section, *key;
    double lo, hi;
} scen_range;

static const scen_range scen_ranges[] = {
#define FIELD(section, key, kind, unit, def, lo, hi, choices, applies, help) {#section, #key, lo, hi},
#include "scenario.def"
#undef FIELD
};

static const scen_range *scen(const char *section, const char *key)
{
    for (size_t i = 0; i < sizeof scen_ranges / sizeof scen_ranges[0]; i++)
        if (strcmp(scen_ranges[i].section, section) == 0 && strcmp(scen_ranges[i].key, key) == 0)
            return &scen_ranges[i];
    fprintf(stderr, "no scenario key %s.%s\n", section, key);
    exit(99);
}

/* ---- Drawing ------------------------------------------------------------------------ */

typedef struct {
    char *buf;
    size_t len, cap;
} text;

static void put(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= t->cap - t->len) {
        fprintf(stderr, "scenario text too long\n");
        exit(99);
    }
    t->len += (size_t)n;
}

static double uniform(gsl_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * gsl_rng_uniform(r);
}

/* A value of [lo, hi]: an end point one time in eight each, else uniform. The ends are
 * where models meet their limits. */
static double draw_in(gsl_rng *r, double lo, double hi)
{
    double u = gsl_rng_uniform(r);
    return u < 0.125 ? lo : u < 0.25 ? hi : uniform(r, lo, hi);
}

/* Log-uniform on [lo, hi], lo > 0: for times spanning decades. */
static double log_uniform(gsl_rng *r, double lo, double hi)
{
    return exp(uniform(r, log(lo), log(hi)));
}

static const char *num(double x, char *buf)
{
    yamltree_format_real(x, buf, 40);
    return buf;
}

static void put_key(text *t, gsl_rng *r, const char *indent, const char *section, const char *key)
{
    const scen_range *s = scen(section, key);
    char b[40];
    put(t, "%s%s: %s\n", indent, key, num(draw_in(r, s->lo, s->hi), b));
}

/* Model parameters are drawn from [min, max] scaled towards the default by SPREAD:
 * 1 (the default) is the table's whole range, 0.5 half of it on each side of the
 * default. */
static double spread = 1.0;

/* Times the correlation block was drawn again (see draw_scenario). */
static long corr_redraws;

static double draw_param(gsl_rng *r, const model_param_info *p)
{
    /* Clamped: def - 1 * (def - min) need not round to min. */
    double lo = fmax(p->min, p->def - spread * (p->def - p->min));
    double hi = fmin(p->max, p->def + spread * (p->max - p->def));
    return draw_in(r, spread >= 1 ? p->min : lo, spread >= 1 ? p->max : hi);
}

/* Draw one scenario as YAML. */
static void draw_scenario(gsl_rng *r, text *t, size_t *n_people)
{
    char b[40], c[40];
    t->len = 0;
    t->buf[0] = '\0';
    const double horizon = log_uniform(r, 0.1, 3650);
    /* At most ~100 observations: the scenario range allows 0.1-week steps over ten
     * years, which only multiplies the records checked, not the states reached. */
    const double every = fmax(horizon / 100, log_uniform(r, 0.1, 520));
    put(t, "name: property\nseed: %lu\nreplicates: %d\nhorizon_weeks: %s\nobserve_every_weeks: %s\n",
        gsl_rng_get(r) % 4294967296ul, 1 + (int)gsl_rng_uniform_int(r, 2), num(horizon, b),
        num(every, c));

    *n_people = 4 + gsl_rng_uniform_int(r, 9);
    put(t, "population:\n  size: %zu\n", *n_people);
    double amin = draw_in(r, 18, 110), amax = draw_in(r, 18, 110);
    if (amin > amax) {
        double x = amin;
        amin = amax;
        amax = x;
    }
    put(t, "  age_min: %s\n  age_max: %s\n", num(amin, b), num(amax, c));
    put(t, "  age_distribution: %s\n", gsl_rng_uniform(r) < 0.5 ? "uniform" : "normal");
    put(t, "  age_mean: %s\n", num(uniform(r, amin, amax), b));
    put_key(t, r, "  ", "population", "age_sd");
    put_key(t, r, "  ", "population", "female_fraction");
    put_key(t, r, "  ", "population", "protein_g_per_kg");
    put_key(t, r, "  ", "population", "protein_sd");
    put_key(t, r, "  ", "population", "calcium_mg");
    put_key(t, r, "  ", "population", "calcium_sd");
    put_key(t, r, "  ", "population", "vitamin_d_iu");
    put_key(t, r, "  ", "population", "vitamin_d_sd");
    put_key(t, r, "  ", "population", "activity_factor");
    double neuro = uniform(r, 0, 0.5), myo = uniform(r, 0, 0.5);
    put(t, "  neurogenic_fraction: %s\n  myogenic_fraction: %s\n", num(neuro, b), num(myo, c));
    /* Inclusion criteria stay wide: narrow ones only make the draw fail before time 0. */
    put(t, "  tscore_min: %s\n  tscore_max: %s\n", num(uniform(r, -6, -4), b), num(uniform(r, 2, 5), c));
    put(t, "  gait_max: %s\n", num(uniform(r, 2.5, 3), b));
    put(t, "record: {sample_size: %zu, event_log: all}\n", *n_people);

    size_t n_exp = gsl_rng_uniform_int(r, 4);
    put(t, "exposures:%s\n", n_exp ? "" : " []");
    static const char *const kinds[] = {"leg_cast", "arm_cast", "bed_rest", "hospital", "icu", "spaceflight"};
    for (size_t i = 0; i < n_exp; i++) {
        double start = uniform(r, 0, horizon * 0.9);
        double dur = fmin(520, uniform(r, 0.01, fmax(0.011, horizon - start)));
        put(t, "  - {kind: %s, start_week: %s, duration_weeks: %s}\n", kinds[gsl_rng_uniform_int(r, 6)],
            num(start, b), num(dur, c));
    }

    /* The model first: the cuff limits of the interventions depend on it. */
    model_params m;
    model_params_defaults(&m);
    for (size_t i = 0; i < model_param_count; i++) {
        const model_param_info *p = &model_param_table[i];
        *(double *)((char *)&m + p->offset) = draw_param(r, p);
    }
    /* The four baseline correlations are drawn again, together, until they form a
     * correlation matrix (positive-definite); the loader refuses the others (about two
     * draws in three over the whole ranges). Each still reaches its range's ends. */
    double chol[BASELINE_Z_COUNT][BASELINE_Z_COUNT];
    while (model_params_correlation_factor(&m, chol) != 0) {
        for (size_t i = 0; i < model_param_count; i++) {
            const model_param_info *p = &model_param_table[i];
            if (strcmp(p->group, "baseline") == 0 && strncmp(p->name, "corr_", 5) == 0)
                *(double *)((char *)&m + p->offset) = draw_param(r, p);
        }
        corr_redraws++;
    }
    text model = {malloc(1 << 16), 0, 1 << 16};
    put(&model, "model:\n");
    const char *group = "";
    for (size_t i = 0; i < model_param_count; i++) {
        const model_param_info *p = &model_param_table[i];
        if (strcmp(group, p->group) != 0)
            put(&model, "  %s:\n", p->group);
        group = p->group;
        put(&model, "    %s: %s\n", p->name, num(*(const double *)((const char *)&m + p->offset), b));
    }

    static const char *const types[] = {"protein", "walking", "bfr_walking", "resistance",
                                        "bfr_resistance", "passive_bfr", "rehabilitation"};
    size_t n_arms = 1 + gsl_rng_uniform_int(r, 3);
    put(t, "arms:\n");
    for (size_t a = 0; a < n_arms; a++) {
        size_t n_iv = a == 0 ? 0 : 1 + gsl_rng_uniform_int(r, 3);
        put(t, "  - name: arm%zu\n    interventions:%s\n", a, n_iv ? "" : " []");
        for (size_t j = 0; j < n_iv; j++) {
            const int type = (int)gsl_rng_uniform_int(r, 7);
            const double start = uniform(r, 0, horizon * 0.9);
            put(t, "      - type: %s\n        start_week: %s\n", types[type], num(start, b));
            put(t, "        duration_weeks: %s\n", num(draw_in(r, 0.1, 3650), b));
            put_key(t, r, "        ", "intervention", "adherence");
            if (type != 0)
                put_key(t, r, "        ", "intervention", "sessions_per_week");
            if (type == 0)
                put_key(t, r, "        ", "intervention", "protein_g_per_kg");
            if (type == 1 || type == 2) {
                put_key(t, r, "        ", "intervention", "walk_minutes");
                put_key(t, r, "        ", "intervention", "walk_speed_kmh");
            }
            if (type == 3 || type == 4)
                put_key(t, r, "        ", "intervention", "load_pct_1rm");
            if (type == 2 || type == 4 || type == 5) {
                if (gsl_rng_uniform(r) < 0.5)
                    put(t, "        cuff_pct_aop: %s\n", num(draw_in(r, 0, m.safety_max_cuff_pct_aop), b));
                else
                    put(t, "        cuff_mmhg: %s\n", num(draw_in(r, 0, fmin(500, m.safety_max_cuff_mmhg)), b));
            }
            if (type == 6) {
                put_key(t, r, "        ", "intervention", "passive_weeks");
                put_key(t, r, "        ", "intervention", "active_weeks");
                put_key(t, r, "        ", "intervention", "bands_weeks");
            }
        }
    }
    put(t, "%s", model.buf);
    free(model.buf);
}

/* ---- Checking ----------------------------------------------------------------------- */

/* The first problem with person i's records in arm a, or NULL. */
static const char *record_problem(const engine_result *res, size_t a, size_t i, size_t *k_out,
                                  double *value)
{
    const size_t n_obs = res->plan.n_obs;
    const obs_record *rec = &res->sample[(a * res->n_sample + i) * n_obs];
    int dead = 0;
    for (size_t k = 0; k < n_obs; k++) {
        const obs_record *o = &rec[k];
        *k_out = k;
        const double day = res->obs_days[k];
        *value = o->alive_days;
        if (!(o->alive_days >= 0 && o->alive_days <= day + 1e-6))
            return "person-time outside [0, day]";
        *value = o->immobilized_days;
        if (!(o->immobilized_days >= 0 && o->immobilized_days <= o->alive_days + 1e-6))
            return "immobilized time outside [0, person-time]";
        *value = o->count[EVC_DEATH];
        if (o->count[EVC_DEATH] > 1)
            return "more than one death";
        if (k > 0)
            for (int c = 0; c < EVC_COUNT; c++)
                if (o->count[c] < rec[k - 1].count[c]) {
                    *value = c;
                    return "a cumulative count decreased";
                }
        if (dead && o->alive)
            return "alive again after death";
        dead |= !o->alive;
        if (!o->alive)
            continue;
        for (int v = 0; v < OV_COUNT; v++) {
            *value = o->value[v];
            if (!isfinite(o->value[v]))
                return obs_var_table[v].name;
        }
        const double *v = o->value;
        *value = v[OV_LEG_LEAN];
        if (!(v[OV_LEG_LEAN] > 0))
            return "leg lean mass not positive";
        *value = v[OV_ASM];
        if (!(v[OV_ASM] > v[OV_LEG_LEAN]))
            return "appendicular lean mass not above one leg's";
        *value = v[OV_QUAD_CSA];
        if (!(v[OV_QUAD_CSA] > 0))
            return "quadriceps CSA not positive";
        *value = v[OV_BMD];
        if (!(v[OV_BMD] >= 0.05 && v[OV_BMD] <= 2.5))
            return "BMD outside 0.05-2.5 g/cm2";
        for (int x = OV_KNEE; x <= OV_GAIT; x++) {
            *value = v[x];
            if (!(v[x] >= 0))
                return "negative strength or speed";
        }
        *value = v[OV_STEPS];
        if (!(v[OV_STEPS] >= 0))
            return "negative steps";
    }
    return NULL;
}

static int env_int(const char *name, int def)
{
    const char *s = getenv(name);
    return s && *s ? atoi(s) : def;
}

static void random_scenarios(void)
{
    const unsigned long seed = (unsigned long)env_int("MSK_PROPERTY_SEED", 20261121);
    const int count = env_int("MSK_PROPERTY_COUNT", 150);
    spread = env_int("MSK_PROPERTY_SPREAD_PCT", 100) / 100.0;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    text t = {malloc(1 << 17), 0, 1 << 17};
    int accepted = 0, refused_load = 0, refused_engine = 0, broken_runs = 0, bad_records = 0;
    size_t records = 0, people = 0;
    for (int draw = 0; accepted < count && draw < 50 * count; draw++) {
        size_t n_people;
        draw_scenario(r, &t, &n_people);
        char path[] = "/tmp/msksim-prop-XXXXXX.yaml";
        int fd = mkstemps(path, 5);
        if (fd < 0 || write(fd, t.buf, t.len) != (ssize_t)t.len) {
            perror("property test");
            exit(99);
        }
        close(fd);
        scenario sc;
        diag_list d;
        diag_list_init(&d);
        msk_status st = scenario_load(&sc, path, NULL, 0, &d);
        unlink(path);
        if (st != MSK_OK) {
            if (getenv("MSK_PROPERTY_VERBOSE"))
                diag_print(&d, stdout);
            refused_load++;
            diag_list_fini(&d);
            continue;
        }
        engine_result res;
        st = engine_run(&sc, 2, NULL, &res, &d);
        if (st == MSK_EDATA) {
            if (getenv("MSK_PROPERTY_VERBOSE"))
                diag_print(&d, stdout);
            refused_engine++;
        } else if (st != MSK_OK) {
            broken_runs++;
            CHECK(0, "seed %lu draw %d: run failed with status %d", seed, draw, (int)st);
            diag_print(&d, stdout);
            printf("%s\n", t.buf);
        } else {
            accepted++;
            people += res.n_people;
            for (size_t a = 0; a < sc.n_arms; a++)
                for (size_t i = 0; i < res.n_sample; i++) {
                    size_t k = 0;
                    double value = 0;
                    const char *why = record_problem(&res, a, i, &k, &value);
                    records += res.plan.n_obs;
                    if (why) {
                        bad_records++;
                        CHECK(0, "seed %lu draw %d: arm %zu person %zu observation %zu (day %g): %s (%g)",
                              seed, draw, a, i, k, res.obs_days[k], why, value);
                        if (bad_records < 3)
                            printf("%s\n", t.buf);
                    }
                }
            engine_result_fini(&res);
        }
        diag_list_fini(&d);
        scenario_fini(&sc);
    }
    CHECK(accepted == count, "%d random valid scenarios ran (seed %lu, parameters over %.0f%% of their "
          "ranges; correlations drawn again %ld times)", accepted, seed, 100 * spread, corr_redraws);
    /* Every draw is a valid scenario; the engine may still find nobody who meets the
     * inclusion criteria (T-scores against extreme reference values): a refusal with
     * its reason, which must stay rare or the test would check little. */
    CHECK(refused_load == 0 && refused_engine * 10 <= count,
          "draws refused: %d by the loader (want 0), %d before time zero for want of eligible "
          "people (want at most a tenth)", refused_load, refused_engine);
    CHECK(broken_runs == 0, "no run broke an invariant (%d did)", broken_runs);
    CHECK(bad_records == 0 && records > 0,
          "%zu observations of %zu people: finite, positive masses, BMD in 0.05-2.5, consistent "
          "counts (%d bad)", records, people, bad_records);
    free(t.buf);
    gsl_rng_free(r);
}

/* ---- A broken invariant on purpose -------------------------------------------------- */

static const char *broken_text =
    "name: broken\n"
    "seed: 4242\n"
    "horizon_weeks: 20\n"
    "observe_every_weeks: 4\n"
    "population: {size: 150}\n"
    "arms:\n"
    "  - name: usual\n"
    "  - name: walk\n"
    "    interventions: [{type: walking, duration_weeks: 10}]\n";

/* Run with the scenario changed after validation; returns the status, *msg the error. */
static msk_status run_broken(void (*tamper)(scenario *), int threads, char *msg, size_t size)
{
    scenario sc;
    fixture_load(&sc, broken_text, NULL, 0);
    tamper(&sc);
    engine_result res;
    diag_list d;
    diag_list_init(&d);
    msk_status st = engine_run(&sc, threads, NULL, &res, &d);
    snprintf(msg, size, "%s", d.count ? d.items[0].message : "(no diagnostic)");
    CHECK(d.count == 1 && d.items[0].severity == DIAG_ERROR && strcmp(d.items[0].file, sc.source_path) == 0,
          "one error diagnostic naming the scenario file (%zu)", d.count);
    if (st == MSK_OK)
        engine_result_fini(&res);
    diag_list_fini(&d);
    scenario_fini(&sc);
    return st;
}

static void nan_turnover(scenario *sc)
{
    sc->model.muscle_turnover_rate = NAN;
}

static void bmd_too_high(scenario *sc)
{
    /* Everyone starts near 5 g/cm^2, twice the plausible limit (and far above any
     * T-score the inclusion criteria accept). */
    sc->model.baseline_fn_bmd_female = 5.0;
    sc->model.baseline_fn_bmd_male = 5.0;
    sc->model.bone_max_bmd = 10.0;
    sc->population.tscore_max = 1000;
}

static void broken_invariants(void)
{
    char m1[1024], m3[1024];
    msk_status st = run_broken(nan_turnover, 1, m1, sizeof m1);
    CHECK(st == MSK_ESOFTWARE, "NaN muscle turnover: status %d (want MSK_ESOFTWARE)", (int)st);
    CHECK(strstr(m1, "physiological invariant violated: individual 0 of replicate 0, arm 'usual', day ") &&
              strstr(m1, ", seed 4242: contractile muscle mass = ") && strstr(m1, "nan kg, not a finite number"),
          "NaN muscle turnover: %s", m1);
    st = run_broken(nan_turnover, 3, m3, sizeof m3);
    CHECK(st == MSK_ESOFTWARE && strcmp(m1, m3) == 0, "the same error with 3 threads: %s", m3);

    /* The first event after time 0: the reassessment or observation at day 28. */
    const char *day = strstr(m1, "day ");
    CHECK(day && atof(day + 4) > 0 && atof(day + 4) <= 28, "the day is reported (%.12s)", day ? day : "-");

    /* Caught by the first observation, at day 0, before any state update. */
    st = run_broken(bmd_too_high, 1, m1, sizeof m1);
    CHECK(st == MSK_ESOFTWARE &&
              strstr(m1, "individual 0 of replicate 0, arm 'usual', day 0.0000, seed 4242: fn_bmd = ") &&
              strstr(m1, "g cm-2, outside [0.05, 2.5]"),
          "BMD of 5 g/cm2: status %d: %s", (int)st, m1);
}

/* 3 * 0.4 weeks rounds above 1.2: that observation, at the horizon, must still be
 * made (it was once skipped, leaving the last records of the result unwritten). */
static void observation_at_horizon(void)
{
    scenario sc;
    fixture_load(&sc,
                 "name: h\nhorizon_weeks: 1.2\nobserve_every_weeks: 0.4\npopulation: {size: 30}\n"
                 "record: {sample_size: 30}\narms: [{name: a}]\n",
                 NULL, 0);
    engine_result r;
    fixture_run(&sc, 1, &r);
    size_t made = 0;
    for (size_t i = 0; i < r.n_sample; i++) {
        const obs_record *last = &r.sample[i * r.plan.n_obs + r.plan.n_obs - 1];
        made += last->alive_days > 8.39 || (last->count[EVC_DEATH] == 1 && last->alive_days > 0);
    }
    CHECK(r.plan.n_obs == 4 && r.obs_days[3] == 1.2 * 7.0 && made == r.n_sample,
          "observations at 0, 0.4, 0.8, 1.2 weeks; the last (day %.17g) made for %zu of %zu people",
          r.obs_days[r.plan.n_obs - 1], made, r.n_sample);
    engine_result_fini(&r);
    scenario_fini(&sc);
}

int main(void)
{
    observation_at_horizon();
    random_scenarios();
    broken_invariants();
    return test_failures;
}
