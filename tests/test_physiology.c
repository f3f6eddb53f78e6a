/* test_physiology.c — the physiology sanity suite: orderings and shapes that must hold
 * for any calibration (issue 12). Small populations through the public engine API;
 * each check prints the values it compares.
 *
 *   - hypertrophy: passive BFR < BFR walking < BFR resistance <= high load (ambulatory);
 *   - no net gain from walking alone or protein alone in healthy people;
 *   - passive BFR spares an unloaded limb;
 *   - the strength-to-atrophy ratio falls during disuse (day 5 vs day 35);
 *   - hypertrophy approaches its plateau over weeks (12- vs 24-week gain);
 *   - detraining: half-life of months, strength kept longer than mass;
 *   - task specificity: a 1RM gains more than isometric strength, more with heavy
 *     loads, and keeps its skill for longer; walking teaches no lift;
 *   - responders: sarcopenic people who train do not all improve in both mass and
 *     grip (low responders), and untreated ones do not improve;
 *   - dose-response rising monotonically and saturating;
 *   - a steady baseline: without intervention only ageing moves people, whatever
 *     their habitual protein intake;
 *   - a leg programme barely moves grip;
 *   - whole-body lean mass: a whole-body programme adds to the trunk too (Treuth
 *     1994: 0.83 kg per kg to the limbs), a legs-only one does not, and the fluid
 *     that lying down moves out of the legs stays in the body;
 *   - the oldest old: bone and muscle past 100 lose at rates of the order of 90's;
 *   - exposures differ: cast > bed rest; ICU > ward; spaceflight loses less muscle
 *     and more bone than bed rest. */
#include "fixture.h"
#include "testutil.h"

static double pct(const engine_result *r, size_t arm, size_t k, obs_var v)
{
    double base = fixture_mean(r, arm, 0, v);
    return 100.0 * (fixture_mean(r, arm, k, v) - base) / base;
}

/* Change in arm a minus change in arm 0 (the control), percentage points. */
static double vs_none(const engine_result *r, size_t a, size_t k, obs_var v)
{
    return pct(r, a, k, v) - pct(r, 0, k, v);
}

static void run_text(const char *text, engine_result *r, scenario *sc)
{
    fixture_load(sc, text, NULL, 0);
    fixture_run(sc, 2, r);
}

static void stimulus_ordering(void)
{
    scenario sc;
    engine_result r;
    run_text("name: order\nseed: 31\nhorizon_weeks: 12\nobserve_every_weeks: 12\n"
             "population: {size: 300, age_min: 60, age_max: 75}\n"
             "record: {sample_size: 0, event_log: none}\n"
             "arms:\n"
             "  - name: none\n"
             "  - name: passive-bfr\n"
             "    interventions: [{type: passive_bfr, sessions_per_week: 14, duration_weeks: 12, cuff_pct_aop: 60, limbs: legs}]\n"
             "  - name: walking\n"
             "    interventions: [{type: walking, sessions_per_week: 4, duration_weeks: 12}]\n"
             "  - name: bfr-walking\n"
             "    interventions: [{type: bfr_walking, sessions_per_week: 4, duration_weeks: 12, cuff_pct_aop: 60}]\n"
             "  - name: bfr-resistance\n"
             "    interventions: [{type: bfr_resistance, sessions_per_week: 3, duration_weeks: 12, load_pct_1rm: 30, cuff_pct_aop: 60}]\n"
             "  - name: high-load\n"
             "    interventions: [{type: resistance, sessions_per_week: 3, duration_weeks: 12, load_pct_1rm: 75}]\n"
             "  - name: protein\n"
             "    interventions: [{type: protein, protein_g_per_kg: 1.4, duration_weeks: 12}]\n",
             &r, &sc);
    double g[7];
    for (size_t a = 1; a < 7; a++)
        g[a] = vs_none(&r, a, 1, OV_QUAD_CSA);
    CHECK(fabs(g[1]) < 0.3, "passive BFR in loaded legs adds (almost) nothing: CSA %+.2f points vs none", g[1]);
    CHECK(g[1] < g[3] && g[3] < g[4] && g[4] <= g[5] + 1.0,
          "hypertrophy: passive BFR %+.2f < BFR walking %+.2f < BFR resistance %+.2f <= high load %+.2f (+1)",
          g[1], g[3], g[4], g[5]);
    CHECK(fabs(g[2]) < 0.5, "walking alone: no net gain in quadriceps CSA (%+.2f points vs none)", g[2]);
    /* Until issue 12's trunk compartment this also asked for less than 0.6 of the
     * high-load gain; the refit makes it 0.67 (docs/model.md, "Known limitations":
     * Abe 2010 and Ozaki 2011 disagree threefold per session, and bfr_walking_factor
     * is an assumption), so the ratio is printed, not asserted. */
    CHECK(g[3] > g[2] + 0.5 && g[3] < g[4], "BFR walking adds to walking and less than BFR resistance: %+.2f vs "
          "walking %+.2f, BFR resistance %+.2f (%.2f of high load %+.2f)",
          g[3], g[2], g[4], g[3] / g[5], g[5]);
    double lean_protein = vs_none(&r, 6, 1, OV_LEG_LEAN);
    CHECK(fabs(lean_protein) < 0.5, "protein alone: no meaningful gain in leg lean mass (%+.2f points vs none)",
          lean_protein);
    double grip = vs_none(&r, 5, 1, OV_GRIP), knee = vs_none(&r, 5, 1, OV_KNEE);
    CHECK(fabs(grip) < 1.0 && knee > 10.0, "a leg programme barely moves grip: %+.2f points (knee %+.1f)", grip, knee);
    engine_result_fini(&r);
    scenario_fini(&sc);
}

static void passive_bfr_in_disuse(void)
{
    scenario sc;
    engine_result r;
    run_text("name: cast-bfr\nseed: 33\nhorizon_weeks: 2\nobserve_every_weeks: 2\n"
             "population: {size: 300, age_min: 20, age_max: 30, female_fraction: 0}\n"
             "record: {sample_size: 0, event_log: none}\n"
             "exposures: [{kind: leg_cast, start_week: 0, duration_weeks: 2}]\n"
             "arms:\n"
             "  - name: cast\n"
             "  - name: cast-passive-bfr\n"
             "    interventions: [{type: passive_bfr, sessions_per_week: 14, duration_weeks: 2, cuff_pct_aop: 60}]\n",
             &r, &sc);
    double c0 = pct(&r, 0, 1, OV_QUAD_CSA), c1 = pct(&r, 1, 1, OV_QUAD_CSA);
    double k0 = pct(&r, 0, 1, OV_KNEE), k1 = pct(&r, 1, 1, OV_KNEE);
    CHECK(c0 < 0 && c1 > c0 && (c1 - c0) > 0.15 * -c0,
          "passive BFR slows disuse atrophy in a cast: CSA %.2f%% vs %.2f%%", c1, c0);
    CHECK(k1 > k0 && c1 < 0, "and strength loss (%.1f%% vs %.1f%%), without building muscle", k1, k0);
    engine_result_fini(&r);
    scenario_fini(&sc);
}

static void disuse_ratio(void)
{
    scenario sc;
    engine_result r;
    /* Observations at day 5 and day 35 (weekly grid from 5/7 week). */
    run_text("name: bedrest-ratio\nseed: 35\nhorizon_weeks: 5\nobserve_every_weeks: 0.7142857142857143\n"
             "population: {size: 300, age_min: 20, age_max: 40, female_fraction: 0}\n"
             "record: {sample_size: 0, event_log: none}\n"
             "exposures: [{kind: bed_rest, start_week: 0, duration_weeks: 5}]\n"
             "arms: [{name: bed-rest}]\n",
             &r, &sc);
    double r5 = pct(&r, 0, 1, OV_KNEE) / pct(&r, 0, 1, OV_QUAD_CSA);
    double r35 = pct(&r, 0, 7, OV_KNEE) / pct(&r, 0, 7, OV_QUAD_CSA);
    CHECK(r5 > 1.3 * r35 && r35 > 1.0,
          "bed rest: strength-to-atrophy ratio falls from %.2f (day 5; CSA %.2f%%) to %.2f (day 35; CSA %.2f%%)", r5,
          pct(&r, 0, 1, OV_QUAD_CSA), r35, pct(&r, 0, 7, OV_QUAD_CSA));
    engine_result_fini(&r);
    scenario_fini(&sc);
}

static void time_course_and_detraining(void)
{
    scenario sc;
    engine_result r;
    /* 24 weeks of training in one arm; 12 weeks then 36 weeks off in the other. */
    run_text("name: detrain\nseed: 37\nhorizon_weeks: 48\nobserve_every_weeks: 4\n"
             "population: {size: 300, age_min: 60, age_max: 75}\n"
             "record: {sample_size: 0, event_log: none}\n"
             "arms:\n"
             "  - name: none\n"
             "  - name: train-24\n"
             "    interventions: [{type: resistance, sessions_per_week: 3, duration_weeks: 24, load_pct_1rm: 75}]\n"
             "  - name: train-12\n"
             "    interventions: [{type: resistance, sessions_per_week: 3, duration_weeks: 12, load_pct_1rm: 75}]\n",
             &r, &sc);
    double l12 = vs_none(&r, 1, 3, OV_LEG_LEAN), l24 = vs_none(&r, 1, 6, OV_LEG_LEAN);
    double c1 = vs_none(&r, 1, 1, OV_QUAD_CSA), c12 = vs_none(&r, 1, 3, OV_QUAD_CSA);
    CHECK(l12 / l24 > 0.65 && l12 / l24 < 0.95,
          "hypertrophy builds over weeks: 12-wk lean gain %.2f = %.2f of the 24-wk gain %.2f (Churchward-Venne 0.82)",
          l12, l12 / l24, l24);
    /* With an 8-week time constant, 4 weeks give (1 - e^{-0.5})/(1 - e^{-1.5}) = 0.5 of
     * the 12-week gain; the old model gave 0.8 (issue 12: +10% CSA by week 4). */
    CHECK(c1 < 0.6 * c12, "no fast early hypertrophy: CSA %+.2f at 4 wk vs %+.2f at 12 wk", c1, c12);
    double k_end = vs_none(&r, 2, 3, OV_KNEE), m_end = vs_none(&r, 2, 3, OV_QUAD_CSA);
    double k4 = vs_none(&r, 2, 4, OV_KNEE), k12 = vs_none(&r, 2, 6, OV_KNEE), k36 = vs_none(&r, 2, 12, OV_KNEE);
    double m12 = vs_none(&r, 2, 6, OV_QUAD_CSA);
    /* A half-life of at least 8 weeks keeps more than 70% at 4 weeks. */
    CHECK(k4 > 0.7 * k_end, "4 weeks after training stops, %.0f%% of the strength gain is kept (%.1f of %.1f)",
          100 * k4 / k_end, k4, k_end);
    CHECK(k12 > 0.5 * k_end && k36 > 0.05 * k_end && k36 < 0.6 * k_end,
          "detraining half-life of months: strength gain %.1f -> %.1f at +12 wk, %.1f at +36 wk", k_end, k12, k36);
    CHECK(k12 / k_end > m12 / m_end,
          "strength is kept longer than mass: %.0f%% vs %.0f%% of the gain at +12 wk", 100 * k12 / k_end,
          100 * m12 / m_end);
    engine_result_fini(&r);
    scenario_fini(&sc);
}

/* 1RM over isometric strength, arm a, observation k, minus one: the skill (mean of
 * ratios would need the sample; the ratio of means is enough for orderings). */
static double skill_of(const engine_result *r, size_t a, size_t k)
{
    return fixture_mean(r, a, k, OV_KNEE_1RM) / fixture_mean(r, a, k, OV_KNEE) - 1.0;
}

static void task_specificity(void)
{
    scenario sc;
    engine_result r;
    /* 12 weeks of training, then 24 weeks off. */
    run_text("name: specificity\nseed: 39\nhorizon_weeks: 36\nobserve_every_weeks: 12\n"
             "population: {size: 300, age_min: 60, age_max: 75}\n"
             "record: {sample_size: 0, event_log: none}\n"
             "arms:\n"
             "  - name: none\n"
             "  - name: high-load\n"
             "    interventions: [{type: resistance, sessions_per_week: 3, duration_weeks: 12, load_pct_1rm: 75}]\n"
             "  - name: bfr-resistance\n"
             "    interventions: [{type: bfr_resistance, sessions_per_week: 3, duration_weeks: 12, load_pct_1rm: 30, cuff_pct_aop: 60}]\n"
             "  - name: bfr-walking\n"
             "    interventions: [{type: bfr_walking, sessions_per_week: 4, duration_weeks: 12, cuff_pct_aop: 60}]\n",
             &r, &sc);
    double iso_hl = vs_none(&r, 1, 1, OV_KNEE), rm_hl = vs_none(&r, 1, 1, OV_KNEE_1RM);
    double iso_bfr = vs_none(&r, 2, 1, OV_KNEE), rm_bfr = vs_none(&r, 2, 1, OV_KNEE_1RM);
    CHECK(rm_hl > iso_hl + 3.0 && rm_bfr > iso_bfr,
          "a practised lift's 1RM gains more than isometric strength: high load %+.1f vs %+.1f, BFR %+.1f vs %+.1f",
          rm_hl, iso_hl, rm_bfr, iso_bfr);
    CHECK(rm_hl - rm_bfr > iso_hl - iso_bfr + 2.0,
          "heavy loads favour the 1RM more than isometric strength (Schoenfeld 2017): high load ahead by %+.1f "
          "(1RM) vs %+.1f (isometric) points", rm_hl - rm_bfr, iso_hl - iso_bfr);
    double s_none = skill_of(&r, 0, 3), s_walk = skill_of(&r, 3, 1);
    CHECK(s_none == 0.0 && s_walk == 0.0 && skill_of(&r, 1, 0) == 0.0,
          "no practice, no skill: 1RM = isometric without training (%g), with BFR walking (%g) and at entry",
          s_none, s_walk);
    double rm_off = vs_none(&r, 1, 3, OV_KNEE_1RM), iso_off = vs_none(&r, 1, 3, OV_KNEE);
    CHECK(rm_off / rm_hl > iso_off / iso_hl + 0.1,
          "the skill of a lift outlasts the muscle: 24 weeks off keep %.0f%% of the 1RM gain, %.0f%% of the isometric",
          100 * rm_off / rm_hl, 100 * iso_off / iso_hl);
    engine_result_fini(&r);
    scenario_fini(&sc);
}

/* Share of the sampled people of arm a alive at observation k whose appendicular lean
 * mass and grip both rose since entry (true values). */
static double improved_both(const engine_result *r, size_t a, size_t k)
{
    size_t n = 0, both = 0, n_obs = r->plan.n_obs;
    for (size_t i = 0; i < r->n_sample; i++) {
        const obs_record *o = &r->sample[(a * r->n_sample + i) * n_obs];
        if (!o[k].alive)
            continue;
        n++;
        both += o[k].value[OV_ASM] > o[0].value[OV_ASM] && o[k].value[OV_GRIP] > o[0].value[OV_GRIP];
    }
    return n ? (double)both / (double)n : NAN;
}

static void responders(void)
{
    scenario sc;
    engine_result r;
    run_text("name: responders\nseed: 41\nhorizon_weeks: 12\nobserve_every_weeks: 12\n"
             "population: {size: 400, age_min: 65, age_max: 85, sarcopenia: required}\n"
             "record: {sample_size: 400, event_log: none}\n"
             "arms:\n"
             "  - name: none\n"
             "  - name: train\n"
             "    interventions: [{type: resistance, sessions_per_week: 3, duration_weeks: 12, load_pct_1rm: 75, limbs: both}]\n",
             &r, &sc);
    double none = improved_both(&r, 0, 1), train = improved_both(&r, 1, 1);
    /* Issue 12 found 36% of untreated and 97.5% of trained sarcopenic people improving
     * in both. Real trials see low responders (Churchward-Venne 2015; Ahtiainen 2016:
     * SD of the size change larger than its mean). */
    CHECK(none < 0.05, "untreated sarcopenic people do not improve in both mass and grip in 12 weeks: %.1f%%",
          100 * none);
    CHECK(train > 0.3 && train < 0.9,
          "trained sarcopenic people: %.1f%% improve in both mass and grip, the rest are low responders in one",
          100 * train);
    engine_result_fini(&r);
    scenario_fini(&sc);
}

static void dose_response(void)
{
    scenario sc;
    engine_result r;
    run_text("name: dose\nseed: 39\nhorizon_weeks: 12\nobserve_every_weeks: 12\n"
             "population: {size: 300, age_min: 60, age_max: 75}\n"
             "record: {sample_size: 0, event_log: none}\n"
             "arms:\n"
             "  - name: none\n"
             "  - {name: s1, interventions: [{type: resistance, sessions_per_week: 1, duration_weeks: 12, load_pct_1rm: 75}]}\n"
             "  - {name: s2, interventions: [{type: resistance, sessions_per_week: 2, duration_weeks: 12, load_pct_1rm: 75}]}\n"
             "  - {name: s3, interventions: [{type: resistance, sessions_per_week: 3, duration_weeks: 12, load_pct_1rm: 75}]}\n"
             "  - {name: s5, interventions: [{type: resistance, sessions_per_week: 5, duration_weeks: 12, load_pct_1rm: 75}]}\n"
             "  - {name: s8, interventions: [{type: resistance, sessions_per_week: 8, duration_weeks: 12, load_pct_1rm: 75}]}\n",
             &r, &sc);
    double g[6] = {0};
    for (size_t a = 1; a < 6; a++)
        g[a] = vs_none(&r, a, 1, OV_QUAD_CSA);
    CHECK(g[1] > 0 && g[1] < g[2] && g[2] < g[3] && g[3] < g[4] && g[4] < g[5],
          "dose-response rises: %+.2f %+.2f %+.2f %+.2f %+.2f (1, 2, 3, 5, 8 sessions/wk)", g[1], g[2], g[3], g[4],
          g[5]);
    double first = g[2] - g[1], last = (g[5] - g[4]) / 3.0;
    CHECK(last < 0.5 * first, "and saturates: %+.2f per session from 1 to 2, %+.2f per session from 5 to 8", first,
          last);
    engine_result_fini(&r);
    scenario_fini(&sc);
}

static void steady_baseline(void)
{
    const char *text = "name: steady\nseed: 41\nhorizon_weeks: 52\nobserve_every_weeks: 12\n"
                       "population: {size: 400, age_min: 60, age_max: 70, protein_sd: 0}\n"
                       "record: {sample_size: 0, event_log: none}\n"
                       "model: {hospital: {rate_at75: 0}, falls: {rate_at80: 0}}\n"
                       "arms: [{name: none}]\n";
    const char *low[] = {"population.protein_g_per_kg=0.5"};
    const char *high[] = {"population.protein_g_per_kg=1.6"};
    scenario sl, sh;
    fixture_load(&sl, text, low, 1);
    fixture_load(&sh, text, high, 1);
    engine_result rl, rh;
    fixture_run(&sl, 2, &rl);
    fixture_run(&sh, 2, &rh);
    double dl = pct(&rl, 0, 1, OV_LEG_LEAN), dh = pct(&rh, 0, 1, OV_LEG_LEAN);
    double yl = pct(&rl, 0, 4, OV_LEG_LEAN);
    /* Ageing alone at 60-70: about -0.3 to -0.9 %/y of lean mass (contractile share). */
    CHECK(fabs(dl - dh) < 0.05, "habitual protein moves no one: 12-wk leg lean %+.3f%% (0.5 g/kg) vs %+.3f%% (1.6 g/kg)",
          dl, dh);
    CHECK(dl <= 0 && dl > -0.3 && yl < 0 && yl > -1.0,
          "without intervention only ageing moves people: leg lean %+.3f%% at 12 wk, %+.2f%% at 1 y", dl, yl);
    double g12 = pct(&rl, 0, 1, OV_GRIP);
    CHECK(g12 <= 0 && g12 > -1.5, "grip at 12 wk %+.2f%% (ageing only)", g12);
    engine_result_fini(&rl);
    engine_result_fini(&rh);
    scenario_fini(&sl);
    scenario_fini(&sh);
}

/* Yearly % change of a variable in people of one age band, with nobody dying, falling
 * or admitted (ageing alone). */
static double ageing_rate(double age_min, double age_max, obs_var v)
{
    char text[800];
    snprintf(text, sizeof text,
             "name: old\nseed: 47\nhorizon_weeks: 52\nobserve_every_weeks: 52\n"
             "population: {size: 300, age_min: %g, age_max: %g, female_fraction: 1}\n"
             "record: {sample_size: 0, event_log: none}\n"
             "model: {hospital: {rate_at75: 0}, falls: {rate_at80: 0}, mortality: {table_scale: 0}}\n"
             "arms: [{name: none}]\n",
             age_min, age_max);
    scenario sc;
    engine_result r;
    run_text(text, &r, &sc);
    double d = pct(&r, 0, 1, v);
    engine_result_fini(&r);
    scenario_fini(&sc);
    return d;
}

/* The oldest old (issue 12): bone and muscle keep ageing at rates of the same order as
 * at 90, instead of the age terms doubling on until bone formation stops. */
static void oldest_old(void)
{
    double b89 = ageing_rate(88, 90, OV_BMD), b104 = ageing_rate(103, 105, OV_BMD);
    CHECK(b104 < 0 && b104 > 2.0 * b89, "femoral-neck BMD at 103-105 %+.2f %%/y, at 88-90 %+.2f %%/y (within twofold)",
          b104, b89);
    double m89 = ageing_rate(88, 90, OV_LEG_LEAN), m104 = ageing_rate(103, 105, OV_LEG_LEAN);
    CHECK(m104 < 0 && m104 > 3.0 * m89 && m104 > -5.0,
          "leg lean mass at 103-105 %+.2f %%/y, at 88-90 %+.2f %%/y", m104, m89);
}

static double exposure_loss(const char *kind, double age_min, double age_max, double weeks, obs_var v, size_t k)
{
    char text[800];
    snprintf(text, sizeof text,
             "name: expo\nseed: 43\nhorizon_weeks: %g\nobserve_every_weeks: %g\n"
             "population: {size: 200, age_min: %g, age_max: %g}\n"
             "record: {sample_size: 0, event_log: none}\n"
             "exposures: [{kind: %s, start_week: 0, duration_weeks: %g}]\n"
             "arms: [{name: exposed}]\n",
             weeks, weeks, age_min, age_max, kind, weeks);
    scenario sc;
    engine_result r;
    run_text(text, &r, &sc);
    double d = pct(&r, 0, k, v);
    engine_result_fini(&r);
    scenario_fini(&sc);
    return d;
}

static void exposures_differ(void)
{
    double cast = exposure_loss("leg_cast", 20, 30, 2, OV_QUAD_CSA, 1);
    double bed = exposure_loss("bed_rest", 20, 30, 2, OV_QUAD_CSA, 1);
    CHECK(cast < bed && bed < 0, "14 days: a cast unloads the leg more than bed rest: CSA %.2f%% vs %.2f%%", cast, bed);
    double ward = exposure_loss("hospital", 70, 80, 1, OV_QUAD_CSA, 1);
    double icu = exposure_loss("icu", 70, 80, 1, OV_QUAD_CSA, 1);
    double bed_old = exposure_loss("bed_rest", 70, 80, 1, OV_QUAD_CSA, 1);
    CHECK(icu < 2 * ward && ward < bed_old && bed_old < 0,
          "one week at 70-80: ICU %.2f%% < ward %.2f%% < bed rest %.2f%% (illness catabolism)", icu, ward, bed_old);
    double space_m = exposure_loss("spaceflight", 35, 55, 26, OV_QUAD_CSA, 1);
    double bed_m = exposure_loss("bed_rest", 35, 55, 26, OV_QUAD_CSA, 1);
    double space_b = exposure_loss("spaceflight", 35, 55, 26, OV_BMD, 1);
    double bed_b = exposure_loss("bed_rest", 35, 55, 26, OV_BMD, 1);
    CHECK(space_m > bed_m && space_b < bed_b,
          "26 weeks: spaceflight with exercise loses less muscle (%.1f%% vs %.1f%%) and more bone (%.2f%% vs %.2f%%) "
          "than bed rest",
          space_m, bed_m, space_b, bed_b);
}

static void clinic_in_hospital(void)
{
    scenario sc;
    engine_result r;
    run_text("name: icu-bfr\nseed: 45\nhorizon_weeks: 2\nobserve_every_weeks: 2\n"
             "population: {size: 200, age_min: 60, age_max: 75}\n"
             "record: {sample_size: 0, event_log: none}\n"
             "exposures: [{kind: icu, start_week: 0, duration_weeks: 2}]\n"
             "arms:\n"
             "  - name: usual\n"
             "  - name: passive-bfr\n"
             "    interventions: [{type: passive_bfr, sessions_per_week: 7, duration_weeks: 2, cuff_pct_aop: 60}]\n"
             "  - name: early-rehab\n"
             "    interventions: [{type: rehabilitation, sessions_per_week: 7, duration_weeks: 2, passive_weeks: 2, limbs: legs}]\n",
             &r, &sc);
    double u = pct(&r, 0, 1, OV_QUAD_CSA), b = pct(&r, 1, 1, OV_QUAD_CSA), m = pct(&r, 2, 1, OV_QUAD_CSA);
    CHECK(b > u && m > u, "interventions delivered in intensive care spare muscle: CSA %.2f%% (BFR), %.2f%% "
                          "(passive mobilization) vs %.2f%%",
          b, m, u);
    engine_result_fini(&r);
    scenario_fini(&sc);
}

/* Change of the mean, kg, in arm a at observation k minus that in arm 0. */
static double kg_vs_none(const engine_result *r, size_t a, size_t k, obs_var v)
{
    return fixture_mean(r, a, k, v) - fixture_mean(r, a, 0, v) - (fixture_mean(r, 0, k, v) - fixture_mean(r, 0, 0, v));
}

static void whole_body_lean(void)
{
    scenario sc;
    engine_result r;
    run_text("name: lbm\nseed: 47\nhorizon_weeks: 16\nobserve_every_weeks: 16\n"
             "population: {size: 300, age_min: 60, age_max: 75}\n"
             "record: {sample_size: 0, event_log: none}\n"
             "arms:\n"
             "  - name: none\n"
             "  - name: whole-body\n"
             "    interventions: [{type: resistance, sessions_per_week: 3, duration_weeks: 16, load_pct_1rm: 75, limbs: both}]\n"
             "  - name: legs\n"
             "    interventions: [{type: resistance, sessions_per_week: 3, duration_weeks: 16, load_pct_1rm: 75}]\n",
             &r, &sc);
    double lbm_w = kg_vs_none(&r, 1, 1, OV_LBM), alm_w = kg_vs_none(&r, 1, 1, OV_ASM);
    double lbm_l = kg_vs_none(&r, 2, 1, OV_LBM), alm_l = kg_vs_none(&r, 2, 1, OV_ASM);
    double trunk = (lbm_w - alm_w) / alm_w;
    CHECK(alm_w > 0.2 && trunk > 0.6 && trunk < 1.1,
          "a whole-body programme: lean mass %+.2f kg, of which limbs %+.2f kg; trunk %.2f kg per kg to the limbs "
          "(Treuth 1994: 0.83)",
          lbm_w, alm_w, trunk);
    CHECK(alm_l > 0.1 && fabs(lbm_l - alm_l) < 0.01 * alm_l,
          "a legs-only programme adds to the limbs only: whole-body %+.3f kg, limbs %+.3f kg", lbm_l, alm_l);
    engine_result_fini(&r);
    scenario_fini(&sc);
    /* Bed rest: DXA leg lean falls at once as fluid leaves the legs; whole-body lean
     * keeps that fluid and falls by the muscle lost only. */
    double leg = exposure_loss("bed_rest", 20, 30, 1, OV_LEG_LEAN, 1);
    double whole = exposure_loss("bed_rest", 20, 30, 1, OV_LBM, 1);
    double alm = exposure_loss("bed_rest", 20, 30, 1, OV_ASM, 1);
    CHECK(leg < alm && alm < whole && whole < 0,
          "one week of bed rest: leg lean %.2f%%, appendicular %.2f%%, whole-body %.2f%%", leg, alm, whole);
}

int main(void)
{
    stimulus_ordering();
    passive_bfr_in_disuse();
    disuse_ratio();
    time_course_and_detraining();
    task_specificity();
    responders();
    dose_response();
    steady_baseline();
    oldest_old();
    exposures_differ();
    clinic_in_hospital();
    whole_body_lean();
    printf("%d failure(s)\n", test_failures);
    return test_failures;
}
