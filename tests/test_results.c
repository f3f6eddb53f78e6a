/* test_results.c — summary statistics: Poisson rate limits across the exact/Byar
 * boundary and for very large counts, and accumulator moments against direct sums. */
#include "fixture.h"
#include "testutil.h"

int main(void)
{
    scenario sc;
    fixture_load(&sc,
                 "name: rates\nseed: 2\nhorizon_weeks: 104\nobserve_every_weeks: 52\n"
                 "population: {size: 2000, age_min: 80, age_max: 95}\n"
                 "record: {sample_size: 0, event_log: none}\n"
                 "arms: [{name: none}]\n",
                 NULL, 0);
    engine_result r;
    fixture_run(&sc, 2, &r);
    results_arm_summary s;
    results_arm(&r, 0, &s);
    double falls = fixture_count(&r, 0, EVC_FALL);
    CHECK(falls > 1000, "many falls (%g) so the large-count interval is used", falls);
    CHECK(isfinite(s.rate_lo[EVC_FALL]) && s.rate_lo[EVC_FALL] < s.rate[EVC_FALL] &&
              s.rate[EVC_FALL] < s.rate_hi[EVC_FALL],
          "fall rate %.1f inside its CI [%.1f, %.1f]", s.rate[EVC_FALL], s.rate_lo[EVC_FALL], s.rate_hi[EVC_FALL]);
    /* Normal approximation check: half-width ~ 1.96 sqrt(E)/T. */
    double half = 1.96 * sqrt(falls) / (s.person_years / 1000.0);
    CHECK_CLOSE(s.rate_hi[EVC_FALL] - s.rate_lo[EVC_FALL], 2 * half, 0.02, "CI width matches sqrt(E) scaling");
    /* Accumulator mean equals the mean of the sampled trajectories' source? Check the
     * exact-integer SD against a two-pass SD of the same values. */
    obs_acc *a = obs_create(1, 1);
    obs_record rec[1];
    memset(rec, 0, sizeof rec);
    /* A real person's baseline values are positive; zeros would make the % change
     * from baseline 0/0, which UBSan rightly refuses to round into the accumulator. */
    for (int v = 0; v < OV_COUNT; v++)
        rec[0].value[v] = 1.0;
    double xs[] = {12.25, 7.5, 9.125, 30.0, 0.5, 18.75}, sum = 0, ss = 0;
    for (size_t i = 0; i < 6; i++) {
        rec[0].alive = 1;
        rec[0].value[OV_GRIP] = xs[i];
        obs_add(a, 0, rec, NULL);
        sum += xs[i];
    }
    double mean = sum / 6;
    for (size_t i = 0; i < 6; i++)
        ss += (xs[i] - mean) * (xs[i] - mean);
    CHECK_CLOSE(obs_mean(&a->value[OV_GRIP]), mean, 1e-12, "exact mean");
    CHECK_CLOSE(obs_sd(&a->value[OV_GRIP]), sqrt(ss / 5), 1e-12, "exact SD");
    obs_destroy(a);
    engine_result_fini(&r);
    scenario_fini(&sc);
    printf("%d failure(s)\n", test_failures);
    return test_failures;
}
