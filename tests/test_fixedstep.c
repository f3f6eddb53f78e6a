/* test_fixedstep.c — the fixed-step loop (individual.h, what msksim bench compares
 * the exact loop with) against the exact event-driven loop on a small cohort: both
 * integrate the same model with the same random numbers, so they must agree closely at
 * a daily step, and exactly where the step meets every event; each counts its work. */
#include "fixture.h"
#include "testutil.h"

static const char *scenario_text =
    "name: fixed-step-test\n"
    "seed: 7\n"
    "horizon_weeks: 104\n"
    "observe_every_weeks: 2\n"
    "population: {size: 400, age_min: 65, age_max: 90, female_fraction: 0.6, tscore_max: -1}\n"
    "exposures:\n"
    "  - {kind: leg_cast, start_week: 10, duration_weeks: 4}\n"
    "record: {sample_size: 0, event_log: none}\n"
    "arms:\n"
    "  - name: none\n"
    "  - name: bfr\n"
    "    interventions:\n"
    "      - {type: bfr_resistance, start_week: 14, duration_weeks: 60, load_pct_1rm: 30, cuff_pct_aop: 50}\n"
    "  - name: walking\n"
    "    interventions:\n"
    "      - {type: walking, duration_weeks: 104, sessions_per_week: 3, walk_minutes: 30}\n";

static void run_stepped(const scenario *sc, double step, engine_result *r)
{
    diag_list d;
    diag_list_init(&d);
    engine_options o = {2, NULL, 0, SIZE_MAX, 1, 0, 0};
    msk_status st = engine_run_stepped(sc, &o, step, r, &d);
    diag_print(&d, stderr);
    diag_list_fini(&d);
    if (st != MSK_OK) {
        fprintf(stderr, "run failed (%d)\n", st);
        exit(99);
    }
}

static double end_mean(const engine_result *r, size_t arm, obs_var v)
{
    const obs_acc *a = r->acc;
    return obs_mean(&a->value[obs_index(a, arm, a->n_obs - 1) * OV_COUNT + v]);
}

static double events(const engine_result *r, size_t arm, obs_count c)
{
    const obs_acc *a = r->acc;
    return (double)a->count[obs_index(a, arm, a->n_obs - 1) * EVC_COUNT + c];
}

/* Largest relative difference of the end-of-study means of the key outcomes. */
static double worst_mean_difference(const engine_result *x, const engine_result *y)
{
    static const obs_var vars[] = {OV_LEG_LEAN, OV_KNEE, OV_GRIP, OV_GAIT, OV_BMD};
    double worst = 0;
    for (size_t arm = 0; arm < x->plan.sc->n_arms; arm++)
        for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
            double a = end_mean(x, arm, vars[i]), b = end_mean(y, arm, vars[i]);
            worst = fmax(worst, fabs(b - a) / fabs(a));
        }
    return worst;
}

int main(void)
{
    scenario sc;
    fixture_load(&sc, scenario_text, NULL, 0);
    engine_result exact, daily, weekly;
    run_stepped(&sc, 0.0, &exact);
    run_stepped(&sc, 1.0, &daily);

    double horizon = sc.horizon_weeks * 7.0, people = (double)sc.population.size;
    CHECK(exact.work.steps == 0 && exact.work.events > (uint64_t)(people * 3 * sc.horizon_weeks / 2),
          "the exact loop counts events (%llu, at least one per person and observation) and no steps",
          (unsigned long long)exact.work.events);
    CHECK((double)daily.work.steps > 0.9 * people * 3 * horizon && (double)daily.work.steps <= people * 3 * horizon,
          "the daily loop takes one step per person, arm and day alive (%llu of at most %.0f)",
          (unsigned long long)daily.work.steps, people * 3 * horizon);

    /* The same model and random numbers: a daily step moves event times by under a day
     * and refreshes inputs daily instead of monthly, which changes means by far less
     * than the 0.5%. */
    double d1 = worst_mean_difference(&exact, &daily);
    CHECK(d1 < 0.005, "daily step: end-of-study means within 0.5%% of the exact loop (largest %.4f%%)", 100 * d1);
    for (size_t arm = 0; arm < sc.n_arms; arm++) {
        double fe = events(&exact, arm, EVC_FALL), fd = events(&daily, arm, EVC_FALL);
        double xe = events(&exact, arm, EVC_FRACTURE), xd = events(&daily, arm, EVC_FRACTURE);
        /* Falls: a few hundred; at most one per day in the daily loop. Fractures: tens,
         * each decided by the same uniform draw in both loops. */
        CHECK(fe > 100 && fabs(fd - fe) <= 0.03 * fe, "arm %s: falls %g (exact) vs %g (daily step)",
              sc.arms[arm].name, fe, fd);
        CHECK(fabs(xd - xe) <= fmax(2.0, 0.1 * xe), "arm %s: fractures %g (exact) vs %g (daily step)",
              sc.arms[arm].name, xe, xd);
    }

    /* The fixed-step loop keeps the engine's guarantees: its results do not depend on
     * the thread count either. */
    engine_result daily1;
    diag_list d;
    diag_list_init(&d);
    engine_options one = {1, NULL, 0, SIZE_MAX, 1, 0, 0};
    msk_status st = engine_run_stepped(&sc, &one, 1.0, &daily1, &d);
    diag_list_fini(&d);
    const obs_acc *a = daily.acc, *b = st == MSK_OK ? daily1.acc : NULL;
    size_t ak = a->n_arms * a->n_obs;
    CHECK(b && !memcmp(a->hist, b->hist, ak * OV_COUNT * OBS_HIST_BINS * sizeof *a->hist) &&
              !memcmp(a->count, b->count, ak * EVC_COUNT * sizeof *a->count) &&
              a->value[ak * OV_COUNT - 1].sumsq == b->value[ak * OV_COUNT - 1].sumsq,
          "daily step: 1 and 2 threads give the same accumulators");
    if (st == MSK_OK)
        engine_result_fini(&daily1);

    engine_result_fini(&exact);
    engine_result_fini(&daily);
    scenario_fini(&sc);

    /* Without hazards (nor the admissions that serious adverse events of training
     * bring), with inputs reassessed weekly and every scheduled event on a week
     * boundary, a 7-day step refreshes and advances at exactly the times the exact loop
     * does: the same arithmetic, the same bits. A daily step refreshes the
     * age-dependent inputs more often, which moves the means a little. */
    static const char *const calm[] = {"model.falls.rate_at80=0", "model.hospital.rate_at75=0",
                                       "model.mortality.table_scale=0",
                                       "model.activity.reassess_interval=7",
                                       "model.safety.bfr_serious_ae=0"};
    fixture_load(&sc, scenario_text, calm, sizeof calm / sizeof calm[0]);
    run_stepped(&sc, 0.0, &exact);
    run_stepped(&sc, 7.0, &weekly);
    run_stepped(&sc, 1.0, &daily);
    a = exact.acc;
    b = weekly.acc;
    CHECK(!memcmp(a->hist, b->hist, ak * OV_COUNT * OBS_HIST_BINS * sizeof *a->hist) &&
              !memcmp(a->alive_days, b->alive_days, ak * sizeof *a->alive_days) &&
              a->value[ak * OV_COUNT - 1].sum == b->value[ak * OV_COUNT - 1].sum &&
              a->paired[ak * OV_COUNT - 1].sumsq == b->paired[ak * OV_COUNT - 1].sumsq &&
              end_mean(&exact, 1, OV_KNEE) == end_mean(&weekly, 1, OV_KNEE),
          "no hazards, weekly reassessment: a 7-day step gives the exact loop's numbers bit for bit "
          "(knee strength %.10g vs %.10g)", end_mean(&exact, 1, OV_KNEE), end_mean(&weekly, 1, OV_KNEE));
    d1 = worst_mean_difference(&exact, &daily);
    CHECK(d1 > 0 && d1 < 0.005, "no hazards: a daily step moves the means by %.5f%% (> 0, < 0.5%%)", 100 * d1);
    CHECK(events(&exact, 0, EVC_FALL) == 0 && events(&daily, 0, EVC_DEATH) == 0,
          "no hazards: no falls, no deaths");
    engine_result_fini(&exact);
    engine_result_fini(&daily);
    engine_result_fini(&weekly);
    scenario_fini(&sc);
    return test_failures;
}
