/* test_mechanisms.c — the mechanisms respond in the right direction, end to end:
 * immobilization costs strength faster than mass; BFR walking beats walking; protein
 * alone adds little; resistance + protein beats either alone; disuse loses bone;
 * lower BMD raises fracture risk per fall; fractures feed further loss; training
 * reduces falls and fractures. Each check prints the figures it compares. */
#include "fixture.h"
#include "testutil.h"

static double pct_change(const engine_result *r, size_t arm, size_t k, obs_var v)
{
    double base = fixture_mean(r, arm, 0, v);
    return 100.0 * (fixture_mean(r, arm, k, v) - base) / base;
}

static void immobilization(void)
{
    scenario sc;
    fixture_load(&sc,
                 "name: cast\nseed: 3\nhorizon_weeks: 2\nobserve_every_weeks: 1\n"
                 "population: {size: 400, age_min: 20, age_max: 30}\n"
                 "exposures: [{kind: leg_cast, start_week: 0, duration_weeks: 2}]\n"
                 "arms: [{name: none}]\n",
                 NULL, 0);
    engine_result r;
    fixture_run(&sc, 2, &r);
    double csa = pct_change(&r, 0, 2, OV_QUAD_CSA), knee = pct_change(&r, 0, 2, OV_KNEE);
    double lean = pct_change(&r, 0, 2, OV_LEG_LEAN), csa5 = pct_change(&r, 0, 1, OV_QUAD_CSA);
    CHECK(csa < 0 && knee < csa, "14-day cast: strength %.1f%% falls faster than CSA %.1f%%", knee, csa);
    CHECK(csa5 < 0 && csa < csa5, "CSA loss grows with cast length: %.1f%% at 7 d, %.1f%% at 14 d", csa5, csa);
    CHECK(lean < 0 && lean > csa, "leg lean mass %.1f%% falls less than quadriceps CSA %.1f%%", lean, csa);
    engine_result_fini(&r);
    scenario_fini(&sc);
}

static void training(void)
{
    scenario sc;
    fixture_load(&sc,
                 "name: training\nseed: 11\nhorizon_weeks: 12\nobserve_every_weeks: 4\n"
                 "population: {size: 600, age_min: 60, age_max: 80, protein_g_per_kg: 0.9}\n"
                 "arms:\n"
                 "  - name: none\n"
                 "  - name: walking\n"
                 "    interventions: [{type: walking, sessions_per_week: 4, duration_weeks: 12}]\n"
                 "  - name: bfr-walking\n"
                 "    interventions: [{type: bfr_walking, sessions_per_week: 4, duration_weeks: 12, cuff_pct_aop: 50}]\n"
                 "  - name: protein\n"
                 "    interventions: [{type: protein, protein_g_per_kg: 1.4, duration_weeks: 12}]\n"
                 "  - name: resistance\n"
                 "    interventions: [{type: resistance, sessions_per_week: 3, duration_weeks: 12, load_pct_1rm: 75}]\n"
                 "  - name: resistance-protein\n"
                 "    interventions:\n"
                 "      - {type: resistance, sessions_per_week: 3, duration_weeks: 12, load_pct_1rm: 75}\n"
                 "      - {type: protein, protein_g_per_kg: 1.4, duration_weeks: 12}\n",
                 NULL, 0);
    engine_result r;
    fixture_run(&sc, 2, &r);
    results_arm_summary s[6];
    const char *names[] = {"none", "walking", "bfr-walking", "protein", "resistance", "resistance-protein"};
    for (int i = 0; i < 6; i++)
        results_arm(&r, fixture_arm(&sc, names[i]), &s[i]);
    CHECK(s[2].diff_change[KEY_KNEE] > s[1].diff_change[KEY_KNEE] + 2,
          "BFR walking beats walking for strength: %+.1f vs %+.1f points vs none",
          s[2].diff_change[KEY_KNEE], s[1].diff_change[KEY_KNEE]);
    CHECK(s[2].diff_change[KEY_LEG_LEAN] > s[1].diff_change[KEY_LEG_LEAN],
          "BFR walking beats walking for leg lean mass: %+.2f vs %+.2f", s[2].diff_change[KEY_LEG_LEAN],
          s[1].diff_change[KEY_LEG_LEAN]);
    CHECK(s[3].diff_change[KEY_LEG_LEAN] >= 0 && s[3].diff_change[KEY_LEG_LEAN] < 0.5 &&
              s[3].diff_change[KEY_LEG_LEAN] < 0.2 * s[4].diff_change[KEY_LEG_LEAN],
          "protein alone adds little: %+.2f points (resistance %+.2f)", s[3].diff_change[KEY_LEG_LEAN],
          s[4].diff_change[KEY_LEG_LEAN]);
    CHECK(s[5].diff_change_lo[KEY_LEG_LEAN] > s[4].diff_change[KEY_LEG_LEAN] ||
              s[5].diff_change[KEY_LEG_LEAN] > s[4].diff_change_hi[KEY_LEG_LEAN],
          "resistance + protein %+.2f [%+.2f, %+.2f] beats resistance alone %+.2f [%+.2f, %+.2f]",
          s[5].diff_change[KEY_LEG_LEAN], s[5].diff_change_lo[KEY_LEG_LEAN], s[5].diff_change_hi[KEY_LEG_LEAN],
          s[4].diff_change[KEY_LEG_LEAN], s[4].diff_change_lo[KEY_LEG_LEAN], s[4].diff_change_hi[KEY_LEG_LEAN]);
    CHECK(s[5].diff_change[KEY_LEG_LEAN] > s[3].diff_change[KEY_LEG_LEAN] + 1,
          "resistance + protein %+.2f beats protein alone %+.2f", s[5].diff_change[KEY_LEG_LEAN],
          s[3].diff_change[KEY_LEG_LEAN]);
    CHECK(s[4].diff_change[KEY_KNEE] > s[4].diff_change[KEY_LEG_LEAN],
          "early strength gains exceed hypertrophy: %+.1f%% strength vs %+.1f%% lean",
          s[4].diff_change[KEY_KNEE], s[4].diff_change[KEY_LEG_LEAN]);
    engine_result_fini(&r);
    scenario_fini(&sc);
}

static void disuse_bone(void)
{
    const char *text = "name: bedrest\nseed: 5\nhorizon_weeks: 12\nobserve_every_weeks: 12\n"
                       "population: {size: 300, age_min: 40, age_max: 60}\n"
                       "exposures: [{kind: bed_rest, start_week: 0, duration_weeks: 12}]\n"
                       "arms: [{name: none}]\n";
    const char *none[] = {"exposures.0.duration_weeks=0.01"};
    scenario bed, free_living;
    fixture_load(&bed, text, NULL, 0);
    fixture_load(&free_living, text, none, 1);
    engine_result rb, rf;
    fixture_run(&bed, 2, &rb);
    fixture_run(&free_living, 2, &rf);
    double db = pct_change(&rb, 0, 1, OV_BMD), df = pct_change(&rf, 0, 1, OV_BMD);
    CHECK(db < df - 1.0, "12 weeks of bed rest lose bone: %.2f%% vs %.2f%% free-living", db, df);
    engine_result_fini(&rb);
    engine_result_fini(&rf);
    scenario_fini(&bed);
    scenario_fini(&free_living);
}

static void bmd_and_fracture(void)
{
    const char *text = "name: fx\nseed: 9\nhorizon_weeks: 104\nobserve_every_weeks: 52\n"
                       "population: {size: 1500, age_min: 75, age_max: 85, female_fraction: 1}\n"
                       "record: {sample_size: 0, event_log: none}\n"
                       "arms: [{name: none}]\n";
    const char *low[] = {"population.tscore_max=-2.5"};
    const char *high[] = {"population.tscore_min=-0.5"};
    scenario sl, sh;
    fixture_load(&sl, text, low, 1);
    fixture_load(&sh, text, high, 1);
    engine_result rl, rh;
    fixture_run(&sl, 2, &rl);
    fixture_run(&sh, 2, &rh);
    double per_fall_low = fixture_count(&rl, 0, EVC_FRACTURE) / fixture_count(&rl, 0, EVC_FALL);
    double per_fall_high = fixture_count(&rh, 0, EVC_FRACTURE) / fixture_count(&rh, 0, EVC_FALL);
    double hip_low = fixture_count(&rl, 0, EVC_FRACTURE_HIP) / fixture_count(&rl, 0, EVC_FALL);
    double hip_high = fixture_count(&rh, 0, EVC_FRACTURE_HIP) / fixture_count(&rh, 0, EVC_FALL);
    CHECK(per_fall_low > 1.5 * per_fall_high, "fractures per fall: %.3f with osteoporosis vs %.3f with normal BMD",
          per_fall_low, per_fall_high);
    CHECK(hip_low > 2 * hip_high, "hip fractures per fall: %.4f vs %.4f", hip_low, hip_high);
    engine_result_fini(&rl);
    engine_result_fini(&rh);
    scenario_fini(&sl);
    scenario_fini(&sh);
}

static void vicious_cycle(void)
{
    const char *text =
        "name: cycle\nseed: 21\nhorizon_weeks: 260\nobserve_every_weeks: 52\n"
        "population: {size: 1500, age_min: 75, age_max: 90, female_fraction: 0.7, tscore_max: -1}\n"
        "record: {sample_size: 0, event_log: none}\n"
        "arms:\n"
        "  - name: usual-care\n"
        "  - name: training\n"
        "    interventions:\n"
        "      - {type: bfr_resistance, sessions_per_week: 2, duration_weeks: 260, load_pct_1rm: 30, cuff_pct_aop: 50, adherence: 0.7}\n"
        "      - {type: protein, protein_g_per_kg: 1.2, duration_weeks: 260}\n";
    const char *no_fractures[] = {"model.falls.hip_prob=0", "model.falls.wrist_prob=0",
                                  "model.falls.vertebral_prob=0", "model.falls.other_prob=0"};
    scenario sc, nf;
    fixture_load(&sc, text, NULL, 0);
    fixture_load(&nf, text, no_fractures, 4);
    engine_result r, rn;
    fixture_run(&sc, 2, &r);
    fixture_run(&nf, 2, &rn);
    size_t end = r.acc->n_obs - 1;
    double knee = pct_change(&r, 0, end, OV_KNEE), knee_nf = pct_change(&rn, 0, end, OV_KNEE);
    double bmd = pct_change(&r, 0, end, OV_BMD), bmd_nf = pct_change(&rn, 0, end, OV_BMD);
    CHECK(fixture_count(&r, 0, EVC_FRACTURE) > 50, "fractures arise on their own: %g in 5 years",
          fixture_count(&r, 0, EVC_FRACTURE));
    CHECK(knee < knee_nf, "fractures lead to further muscle loss: strength %.1f%% vs %.1f%% without fractures",
          knee, knee_nf);
    CHECK(bmd < bmd_nf, "fractures lead to further bone loss: BMD %.2f%% vs %.2f%% without fractures", bmd, bmd_nf);
    results_arm_summary t;
    results_arm(&r, fixture_arm(&sc, "training"), &t);
    CHECK(t.diff_rate_hi[EVC_FALL] < 0, "training reduces falls: %+.1f [%+.1f, %+.1f] per 1000 py",
          t.diff_rate[EVC_FALL], t.diff_rate_lo[EVC_FALL], t.diff_rate_hi[EVC_FALL]);
    CHECK(t.diff_rate_hi[EVC_FRACTURE] < 0, "training reduces fractures: %+.1f [%+.1f, %+.1f] per 1000 py",
          t.diff_rate[EVC_FRACTURE], t.diff_rate_lo[EVC_FRACTURE], t.diff_rate_hi[EVC_FRACTURE]);
    engine_result_fini(&r);
    engine_result_fini(&rn);
    scenario_fini(&sc);
    scenario_fini(&nf);
}

static void conditions_and_safety(void)
{
    const char *text =
        "name: safety\nseed: 13\nhorizon_weeks: 12\nobserve_every_weeks: 12\n"
        "population: {size: 800, age_min: 60, age_max: 75}\n"
        "record: {sample_size: 0, event_log: none}\n"
        "arms:\n"
        "  - name: none\n"
        "  - name: bfr-40\n"
        "    interventions: [{type: bfr_resistance, sessions_per_week: 3, duration_weeks: 12, load_pct_1rm: 30, cuff_pct_aop: 40}]\n"
        "  - name: bfr-70\n"
        "    interventions: [{type: bfr_resistance, sessions_per_week: 3, duration_weeks: 12, load_pct_1rm: 30, cuff_pct_aop: 70}]\n";
    const char *neuro[] = {"population.neurogenic_fraction=1"};
    scenario sc, sn;
    fixture_load(&sc, text, NULL, 0);
    fixture_load(&sn, text, neuro, 1);
    engine_result r, rn;
    fixture_run(&sc, 2, &r);
    fixture_run(&sn, 2, &rn);
    double ae40 = fixture_count(&r, 1, EVC_ADVERSE_MINOR), ae70 = fixture_count(&r, 2, EVC_ADVERSE_MINOR);
    CHECK(ae70 > 2 * ae40 && ae40 > 0, "minor adverse events rise with cuff pressure: %g at 40%% AOP, %g at 70%%",
          ae40, ae70);
    CHECK(fixture_count(&r, 0, EVC_ADVERSE_MINOR) == 0, "no adverse events without training");
    results_arm_summary typical, neurogenic;
    results_arm(&r, 1, &typical);
    results_arm(&rn, 1, &neurogenic);
    CHECK(neurogenic.diff_change[KEY_LEG_LEAN] < 0.3 * typical.diff_change[KEY_LEG_LEAN],
          "neurogenic atrophy responds poorly to training: %+.2f vs %+.2f points",
          neurogenic.diff_change[KEY_LEG_LEAN], typical.diff_change[KEY_LEG_LEAN]);
    engine_result_fini(&r);
    engine_result_fini(&rn);
    scenario_fini(&sc);
    scenario_fini(&sn);
}

int main(void)
{
    conditions_and_safety();
    immobilization();
    training();
    disuse_bone();
    bmd_and_fracture();
    vicious_cycle();
    printf("%d failure(s)\n", test_failures);
    return test_failures;
}
