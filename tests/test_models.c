/* test_models.c — each physiology module in isolation: directions, steady states and
 * the rough magnitudes it was calibrated to, at the default parameters.
 *
 * Checks assert directions, orderings and definitions; calibration figures (Wall 2014,
 * Lang 2004, SWAN, hip-fracture mortality) are printed beside their published values
 * with a loose range only where the brief says "same ballpark". Tighter calibration is
 * checked end to end elsewhere (test_mechanisms.c). Every check prints its values. */
#include <math.h>
#include <stdio.h>

#include "activity.h"
#include "bone.h"
#include "dose.h"
#include "falls.h"
#include "lifetable.h"
#include "mortality.h"
#include "muscle.h"
#include "params.h"
#include "testutil.h"

#define DAYS_PER_YEAR 365.25

static double pct(double now, double before)
{
    return 100.0 * (now - before) / before;
}

/* ---- Muscle -------------------------------------------------------------------------- */

static const muscle_inputs usual = {1.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0};

/* Strength relative to entry: contractile mass times the neural factor. */
static double strength_rel(const muscle_state *m, double contractile0)
{
    return m->contractile / contractile0 * m->neural;
}

static void muscle_homeostasis(const model_params *p)
{
    muscle_state m;
    muscle_init(&m, 7.3137, p);
    double c0 = m.contractile, lean0 = muscle_lean(&m);
    CHECK_CLOSE(m.contractile, 7.3137 * p->muscle_contractile_fraction, 1e-15,
                "init: contractile = lean x contractile_fraction");
    for (int k = 0; k < 13; k++)
        muscle_advance(&m, &usual, p, 28.0);
    CHECK_CLOSE(m.contractile, c0, 1e-12, "homeostasis, no age loss, 364 d: contractile unchanged");
    CHECK_CLOSE(muscle_lean(&m), lean0, 1e-12, "homeostasis, 364 d: DXA lean unchanged");
    CHECK_CLOSE(m.neural, 1.0, 1e-12, "homeostasis, 364 d: neural factor unchanged");
}

static void muscle_unloading(const model_params *p)
{
    muscle_inputs cast = usual;
    cast.loading = 0.0;
    muscle_state m;
    muscle_init(&m, 9.4, p);
    double c0 = m.contractile, lean0 = muscle_lean(&m);
    muscle_advance(&m, &cast, p, 5.0);
    /* Quadriceps CSA is proportional to contractile mass (muscle.quad_csa_per_kg). */
    double csa5 = pct(m.contractile, c0), str5 = 100.0 * (strength_rel(&m, c0) - 1.0);
    muscle_advance(&m, &cast, p, 9.0);
    double csa14 = pct(m.contractile, c0), str14 = 100.0 * (strength_rel(&m, c0) - 1.0);
    double lean14 = pct(muscle_lean(&m), lean0);
    printf("info: full unloading: CSA %.2f%% / %.2f%% at 5 / 14 d (Wall 2014: -3.5%% / -8.4%%); "
           "strength %.2f%% / %.2f%% (Wall 2014: -9.0%% / -22.9%%); leg lean %.2f%% at 14 d "
           "(Wall 2014: -3.1%%); strength/CSA loss ratio %.2f at 14 d (Wall 2014: ~2.7)\n",
           csa5, csa14, str5, str14, lean14, str14 / csa14);
    CHECK(csa5 < 0 && csa14 < csa5, "unloading loses contractile mass, more by 14 d: %.2f%% then %.2f%%",
          csa5, csa14);
    CHECK(str5 < csa5, "5 d unloading: strength loss %.2f%% exceeds mass loss %.2f%%", str5, csa5);
    CHECK(str14 < csa14, "14 d unloading: strength loss %.2f%% exceeds mass loss %.2f%%", str14, csa14);
    CHECK(str14 < str5, "strength loss grows from 5 d (%.2f%%) to 14 d (%.2f%%)", str5, str14);
    CHECK(lean14 < 0 && lean14 > csa14,
          "DXA leg lean (%.2f%%) falls less than contractile mass (%.2f%%): only part atrophies",
          lean14, csa14);

    /* Partial loading loses less than none; reloading recovers. */
    muscle_state half;
    muscle_init(&half, 9.4, p);
    muscle_inputs part = usual;
    part.loading = 0.5;
    muscle_advance(&half, &part, p, 14.0);
    double half14 = pct(half.contractile, c0);
    CHECK(half14 < 0 && half14 > csa14, "half loading loses less (%.2f%%) than none (%.2f%%) in 14 d",
          half14, csa14);
    /* Reloading: muscle recovers within weeks to months (TARGETS A). */
    double str14_rel = strength_rel(&m, c0);
    muscle_advance(&m, &usual, p, 120.0);
    double back = pct(m.contractile, c0), str_back = strength_rel(&m, c0);
    CHECK(back < 0 && back > 0.25 * csa14,
          "120 d of reloading after 14 d of cast recovers over 75%% of the mass lost: %.2f%% "
          "(from %.2f%%)",
          back, csa14);
    CHECK(str_back < 1 && 1 - str_back < 0.25 * (1 - str14_rel),
          "120 d of reloading recovers over 75%% of the strength lost: %.4f (from %.4f)", str_back,
          str14_rel);

    /* Illness (hospital) adds breakdown. */
    muscle_state ill, bed;
    muscle_init(&ill, 9.4, p);
    muscle_init(&bed, 9.4, p);
    muscle_inputs hosp = cast;
    hosp.catabolic = p->muscle_illness_breakdown_rise;
    muscle_advance(&ill, &hosp, p, 10.0);
    muscle_advance(&bed, &cast, p, 10.0);
    CHECK(ill.contractile < bed.contractile,
          "10 d in hospital loses more (%.2f%%) than 10 d unloading alone (%.2f%%)",
          pct(ill.contractile, c0), pct(bed.contractile, c0));
    printf("info: 10 d, both legs of 9.4 kg lean: bed rest %.2f kg, hospital (illness) %.2f kg "
           "(Kortebein 2007: about -0.9 kg leg lean in 10 d bed rest, healthy, ~67 y)\n",
           2 * (muscle_lean(&bed) - 9.4), 2 * (muscle_lean(&ill) - 9.4));
}

static void muscle_ageing(const model_params *p)
{
    double f70 = muscle_age_loss(70, 1, p), f75 = muscle_age_loss(75, 1, p);
    double f90 = muscle_age_loss(90, 1, p), m75 = muscle_age_loss(75, 0, p);
    CHECK_CLOSE(f75, p->muscle_age_loss_female, 1e-15, "age loss at 75, women = age_loss_female");
    CHECK(f70 < f75 && f75 < f90, "age loss rises with age: %.4f, %.4f, %.4f /y at 70, 75, 90", f70,
          f75, f90);
    CHECK_CLOSE(muscle_age_loss(75 + p->muscle_age_loss_doubling, 1, p), 2 * f75, 1e-12,
                "age loss doubles after age_loss_doubling years");
    CHECK(m75 > f75, "men lose faster than women at 75: %.4f vs %.4f /y", m75, f75);

    /* Long-run yearly losses with a constant age-loss rate: mass at the rate, strength
     * at (1 + neural_age_ratio) times it (Mitchell 2012: 2-3x). */
    muscle_state m;
    muscle_init(&m, 6.9, p);
    double c0 = m.contractile;
    muscle_inputs in = usual;
    in.age_loss = f75;
    muscle_advance(&m, &in, p, 3 * DAYS_PER_YEAR); /* past the transient */
    double ca = m.contractile, sa = strength_rel(&m, c0);
    muscle_advance(&m, &in, p, DAYS_PER_YEAR);
    double mass_loss = -pct(m.contractile, ca), str_loss = -pct(strength_rel(&m, c0), sa);
    CHECK(fabs(mass_loss - 100 * f75) < 0.01 * 100 * f75,
          "ageing alone: mass loss %.3f %%/y matches the age-loss rate %.3f %%/y", mass_loss,
          100 * f75);
    CHECK(str_loss > 2.0 * mass_loss && str_loss < 3.0 * mass_loss,
          "ageing alone: strength loss %.3f %%/y is 2-3x mass loss %.3f %%/y (Mitchell 2012)",
          str_loss, mass_loss);
}

static void muscle_anabolic_response(const model_params *p)
{
    /* Protein alone: the material without the stimulus. */
    double a08 = muscle_anabolic(0, 0.8, 72, 1, p), a16 = muscle_anabolic(0, 1.6, 72, 1, p);
    CHECK_CLOSE(a08, 1.0, 1e-15, "no training at the reference protein intake: A = 1");
    CHECK(a16 > a08 && a16 < 1.02 * a08,
          "protein alone 0.8 -> 1.6 g/kg/d raises A by %.2f%% (> 0, < 2%%)", pct(a16, a08));
    CHECK(muscle_anabolic(0, 0.4, 72, 1, p) < a08, "protein 0.4 g/kg/d lowers A: %.4f",
          muscle_anabolic(0, 0.4, 72, 1, p));

    /* A typical week: 3 sessions at 75% 1RM. */
    dose_session s = {DOSE_RESISTANCE, 75, 0, 0, 0};
    double week = 3 * dose_session_effect(&s, p).hypertrophy;
    double t08 = muscle_anabolic(week, 0.8, 72, 1, p), t12 = muscle_anabolic(week, 1.2, 72, 1, p);
    double t16 = muscle_anabolic(week, 1.6, 72, 1, p), t24 = muscle_anabolic(week, 2.4, 72, 1, p);
    CHECK(t12 > t08 && t08 > a08, "training with 1.2 g/kg (A=%.4f) > with 0.8 (A=%.4f) > none (A=%.4f)",
          t12, t08, a08);
    CHECK(t24 - t16 < t16 - t08 && t24 >= t16,
          "protein saturates above 1.6 g/kg/d: gain 1.6->2.4 %.4f < gain 0.8->1.6 %.4f", t24 - t16,
          t16 - t08);
    double old = muscle_anabolic(week, 1.2, 85, 1, p), young = muscle_anabolic(week, 1.2, 65, 1, p);
    CHECK(old < young && old > a08, "anabolic resistance: training gain at 85 (A=%.4f) < at 65 (A=%.4f)",
          old, young);
    CHECK(muscle_anabolic(week, 1.2, 72, 0.5, p) < t12,
          "lower responsiveness gives less gain: %.4f vs %.4f", muscle_anabolic(week, 1.2, 72, 0.5, p),
          t12);
    double sat = muscle_anabolic(1e9, 0.8, 60, 1, p);
    CHECK(fabs(sat - (1 + p->muscle_train_gain_max)) < 1e-6,
          "saturating training at 60 y, reference protein: A -> 1 + train_gain_max: %.6f", sat);

    /* Steady-state contractile mass scales with A: training with protein for long. */
    muscle_state m;
    muscle_init(&m, 6.9, p);
    double c0 = m.contractile;
    muscle_inputs in = usual;
    in.anabolic = t12;
    in.neural_drive = muscle_neural_drive(week, 1, p);
    muscle_advance(&m, &in, p, 84.0);
    printf("info: 12 wk of 3x/wk 75%% 1RM with 1.2 g/kg/d at 72 y: contractile %+.2f%%, strength "
           "%+.2f%% (Peterson 2010/2011: strength +29-33%%, lean +1.1 kg in 12-24 wk)\n",
           pct(m.contractile, c0), 100 * (strength_rel(&m, c0) - 1));
    CHECK(m.contractile > c0 && strength_rel(&m, c0) - 1 > m.contractile / c0 - 1,
          "12 wk training: strength gain %.2f%% exceeds mass gain %.2f%%",
          100 * (strength_rel(&m, c0) - 1), pct(m.contractile, c0));
    CHECK(muscle_neural_drive(0, 1, p) == 1.0 && muscle_neural_drive(week, 1, p) > 1.0 &&
              muscle_neural_drive(2 * week, 1, p) < 1 + p->muscle_neural_gain_max,
          "neural drive: 1 without training, %.4f with, bounded by %.2f",
          muscle_neural_drive(week, 1, p), 1 + p->muscle_neural_gain_max);
}

/* ---- Dose and safety ------------------------------------------------------------------ */

static void dose_stimulus(const model_params *p)
{
    dose_session high = {DOSE_RESISTANCE, 75, 0, 0, 0};
    dose_session low = {DOSE_RESISTANCE, 30, 0, 0, 0};
    dose_session bfr = {DOSE_RESISTANCE, 30, 50, 0, 0};
    dose_effect eh = dose_session_effect(&high, p), el = dose_session_effect(&low, p),
                eb = dose_session_effect(&bfr, p);
    CHECK(eh.hypertrophy > el.hypertrophy && eh.neural > el.neural,
          "75%% 1RM stimulus (hyp %.3f, neural %.3f) > 30%% 1RM (hyp %.3f, neural %.3f)",
          eh.hypertrophy, eh.neural, el.hypertrophy, el.neural);
    CHECK(eb.hypertrophy > el.hypertrophy, "BFR adds to 30%% 1RM: %.3f vs %.3f", eb.hypertrophy,
          el.hypertrophy);
    /* Centner 2019: LL-BFR ~ high load for hypertrophy (ES 0.21, n.s.), high load better
     * for strength (ES -0.42). Compare what 3 sessions a week do to A and to the neural
     * target, which is what the muscle sees. */
    double gh = muscle_anabolic(3 * eh.hypertrophy, 0.8, 70, 1, p) - 1;
    double gb = muscle_anabolic(3 * eb.hypertrophy, 0.8, 70, 1, p) - 1;
    double nh = muscle_neural_drive(3 * eh.neural, 1, p) - 1;
    double nb = muscle_neural_drive(3 * eb.neural, 1, p) - 1;
    printf("info: BFR 30%% 1RM + 50%% AOP vs 75%% 1RM: session hypertrophy %.3f vs %.3f, neural "
           "%.3f vs %.3f; weekly synthesis gain %.4f vs %.4f (ratio %.2f), neural gain %.4f vs "
           "%.4f (ratio %.2f)\n",
           eb.hypertrophy, eh.hypertrophy, eb.neural, eh.neural, gb, gh, gb / gh, nb, nh, nb / nh);
    CHECK(gb < gh && gb > 0.75 * gh,
          "LL-BFR hypertrophy close to but below high load: synthesis gain ratio %.3f in (0.75, 1)",
          gb / gh);
    CHECK(nb / nh < gb / gh - 0.05 && nb < 0.9 * nh,
          "LL-BFR clearly below high load for neural adaptation: ratio %.3f (hypertrophy %.3f)",
          nb / nh, gb / gh);
    CHECK(eb.bone < eh.bone && eb.bone == el.bone,
          "bone strain from load only: BFR %.3f = low load %.3f < high load %.3f", eb.bone, el.bone,
          eh.bone);

    dose_session walk = {DOSE_WALKING, 0, 0, 20, 4};
    dose_session bwalk = {DOSE_WALKING, 0, 50, 20, 4};
    dose_effect ew = dose_session_effect(&walk, p), ebw = dose_session_effect(&bwalk, p);
    CHECK(ebw.hypertrophy > 3 * ew.hypertrophy && ebw.neural > ew.neural,
          "BFR walking (hyp %.4f, neural %.4f) >> walking alone (hyp %.4f, neural %.4f)",
          ebw.hypertrophy, ebw.neural, ew.hypertrophy, ew.neural);
    CHECK(ebw.hypertrophy < eb.hypertrophy,
          "BFR walking (%.3f) below BFR resistance (%.3f) for hypertrophy", ebw.hypertrophy,
          eb.hypertrophy);
    dose_session slow = {DOSE_WALKING, 0, 0, 10, 4};
    CHECK_CLOSE(dose_session_effect(&slow, p).hypertrophy, 0.5 * ew.hypertrophy, 1e-12,
                "10 min of walking gives half the 20 min stimulus");
    dose_session fast = {DOSE_WALKING, 0, 0, 20, 6};
    CHECK(dose_session_effect(&fast, p).hypertrophy > ew.hypertrophy,
          "faster walking stimulates more: %.4f vs %.4f", dose_session_effect(&fast, p).hypertrophy,
          ew.hypertrophy);

    dose_session passive = {DOSE_PASSIVE_BFR, 0, 50, 0, 0};
    dose_effect ep = dose_session_effect(&passive, p);
    CHECK(ep.relief > 0 && ep.hypertrophy == 0 && ep.neural == 0 && ep.bone == 0,
          "passive BFR: relief of unloading %.4f only (hypertrophy %.1f, neural %.1f, bone %.1f)", ep.relief,
          ep.hypertrophy, ep.neural, ep.bone);
    /* muscle.bfr_stimulus_max = 0 is inside its declared range [0, 2]: "no metabolic
     * stimulus from BFR". Passive BFR then divides 0 by 0. */
    model_params q = *p;
    q.muscle_bfr_stimulus_max = 0;
    dose_effect e0 = dose_session_effect(&passive, &q);
    CHECK(isfinite(e0.hypertrophy),
          "passive BFR with muscle.bfr_stimulus_max = 0 (allowed) gives a finite stimulus: %g",
          e0.hypertrophy);
    dose_session none = {DOSE_RESISTANCE, 0, 0, 0, 0};
    dose_effect en = dose_session_effect(&none, p);
    CHECK(en.hypertrophy == 0 && en.neural == 0 && en.bone == 0, "no load, no cuff: no stimulus");
}

static void dose_safety(const model_params *p)
{
    double m40, s40, m60, s60, m80, s80, mf, sf, mw, sw, mh, sh, m0, s0;
    dose_session b = {DOSE_RESISTANCE, 30, 40, 0, 0};
    dose_adverse_rates(&b, 0, p, &m40, &s40);
    b.cuff_pct_aop = 60;
    dose_adverse_rates(&b, 0, p, &m60, &s60);
    b.cuff_pct_aop = 80;
    dose_adverse_rates(&b, 0, p, &m80, &s80);
    CHECK(m40 < m60 && m60 < m80 && s40 < s60 && s60 < s80,
          "BFR adverse events rise with cuff pressure: minor %.5f, %.5f, %.5f; serious %.2e, %.2e, "
          "%.2e at 40, 60, 80%% AOP",
          m40, m60, m80, s40, s60, s80);
    b.cuff_pct_aop = 50;
    double m50, s50;
    dose_adverse_rates(&b, 0, p, &m50, &s50);
    CHECK_CLOSE(m50, p->safety_bfr_minor_ae, 1e-15, "minor AE rate at 50% AOP = safety.bfr_minor_ae");
    dose_adverse_rates(&b, 1, p, &mf, &sf);
    CHECK(mf > m50 && sf > s50, "frail: minor %.5f > %.5f, serious %.2e > %.2e", mf, m50, sf, s50);
    dose_session bw = {DOSE_WALKING, 0, 50, 20, 4};
    dose_adverse_rates(&bw, 0, p, &mw, &sw);
    CHECK(mw < m50 && sw < s50, "BFR walking safer than BFR resistance: minor %.5f < %.5f", mw, m50);
    dose_session high = {DOSE_RESISTANCE, 80, 0, 0, 0};
    dose_adverse_rates(&high, 0, p, &mh, &sh);
    dose_session low = {DOSE_RESISTANCE, 30, 0, 0, 0};
    dose_adverse_rates(&low, 0, p, &m0, &s0);
    CHECK(mh > 0 && m0 == 0 && s0 == 0 && sh == 0,
          "no cuff: high load has minor AEs (%.4f), low load none (%.4f)", mh, m0);
    b.cuff_pct_aop = 500; /* far beyond anything accepted: still a probability */
    dose_adverse_rates(&b, 1, p, &mf, &sf);
    CHECK(mf <= 1 && sf <= 1, "adverse-event rates are capped at 1 per session: %g, %g", mf, sf);
}

/* ---- Bone ----------------------------------------------------------------------------- */

typedef struct {
    double stimulus; /* fixed strain stimulus; NAN: from loading with density feedback */
    double loading;
    double age, fmp_age; /* fmp_age NAN: no menopause */
    double calcium, vitamin_d, protein;
} bone_run;

static bone_inputs bone_in(const bone_run *r, double t_days, double bmd_rel, const model_params *p)
{
    double age = r->age + t_days / DAYS_PER_YEAR;
    bone_inputs in = {
        .stimulus = isnan(r->stimulus) ? bone_stimulus(1.0, r->loading, bmd_rel, 0, p) : r->stimulus,
        .age = age,
        .years_since_fmp = isnan(r->fmp_age) ? NAN : age - r->fmp_age,
        .calcium_mg = r->calcium,
        .vitamin_d_iu = r->vitamin_d,
        .protein_g_per_kg = r->protein,
    };
    return in;
}

/* Femoral-neck BMD after `days`, refreshing the rates every 28 days as the engine does
 * (activity.reassess_interval); the state starts in equilibrium with usual loading. */
static double bone_after(const bone_run *r, double bmd0, double days, const model_params *p)
{
    bone_run start = *r;
    start.stimulus = 1.0;
    bone_inputs in0 = bone_in(&start, 0, 1, p);
    bone_state b;
    bone_init(&b, bmd0, &in0, p);
    double step = p->activity_reassess_interval;
    for (double t = 0; t < days - 1e-9; t += step) {
        double dt = fmin(step, days - t);
        bone_inputs in = bone_in(r, t, b.bmd / bmd0, p);
        bone_rates rates = bone_rates_for(&b, &in, p);
        bone_advance(&b, &rates, p, dt);
    }
    return b.bmd;
}

static void bone_mechanostat(const model_params *p)
{
    model_params q = *p;
    q.bone_age_imbalance = 0; /* no ageing */
    const double bmd0 = 0.7123;
    bone_run r = {1.0, 1.0, 70, NAN, 1200, 800, 1.0};

    r.stimulus = 0.6;
    double below = pct(bone_after(&r, bmd0, DAYS_PER_YEAR, &q), bmd0);
    r.stimulus = 0.5 * (q.bone_lazy_low + q.bone_lazy_high);
    double mid = pct(bone_after(&r, bmd0, DAYS_PER_YEAR, &q), bmd0);
    r.stimulus = q.bone_lazy_low + 0.001;
    double lo = pct(bone_after(&r, bmd0, DAYS_PER_YEAR, &q), bmd0);
    r.stimulus = q.bone_lazy_high - 0.001;
    double hi = pct(bone_after(&r, bmd0, DAYS_PER_YEAR, &q), bmd0);
    r.stimulus = 1.4;
    double above = pct(bone_after(&r, bmd0, DAYS_PER_YEAR, &q), bmd0);
    CHECK(below < -0.5, "stimulus 0.6, below the lazy zone: BMD %.3f%% in a year", below);
    CHECK(fabs(mid) < 0.05 && fabs(lo) < 0.05 && fabs(hi) < 0.05,
          "within the lazy zone (no ageing, no menopause): BMD %.2e%%, %.2e%%, %.2e%% in a year "
          "at its middle and edges",
          mid, lo, hi);
    CHECK(above > 0.5, "stimulus 1.4, above the lazy zone: BMD %+.3f%% in a year", above);

    /* Ageing alone, at usual loading and sufficient nutrition. */
    r.stimulus = NAN;
    r.loading = 1.0;
    double age70 = pct(bone_after(&r, bmd0, DAYS_PER_YEAR, p), bmd0);
    r.age = 85;
    double age85 = pct(bone_after(&r, bmd0, DAYS_PER_YEAR, p), bmd0);
    printf("info: ageing alone: FN BMD %.2f%%/y at 70, %.2f%%/y at 85 (%.1f and %.1f mg/cm^2/y "
           "at BMD %.3f; SOF, Ensrud 1995: -2.5 at 67-69 rising to -10.4 at >= 85)\n",
           age70, age85, 10 * age70 * bmd0, 10 * age85 * bmd0, bmd0);
    CHECK(age70 < 0 && age85 < age70, "ageing loses bone, faster later: %.3f%%/y at 70, %.3f%%/y at 85",
          age70, age85);
}

static void bone_menopause_nutrition(const model_params *p)
{
    const double bmd0 = 0.80;
    bone_run none = {NAN, 1.0, 50, NAN, 1000, 600, 1.0};
    bone_run meno = none;
    meno.fmp_age = 51; /* from age 50 = menopause_lead years before the FMP */
    double y_none = pct(bone_after(&none, bmd0, DAYS_PER_YEAR, p), bmd0);
    double y_meno = pct(bone_after(&meno, bmd0, DAYS_PER_YEAR, p), bmd0);
    CHECK(y_meno < y_none - 0.5, "menopause transition increases loss: %.2f%% vs %.2f%% in the year "
          "before the FMP", y_meno, y_none);
    double trans = pct(bone_after(&meno, bmd0, 3 * DAYS_PER_YEAR, p), bmd0);
    bone_run ten = meno;
    ten.age = 46; /* 10 y around the FMP: -5 y to +5 y */
    double decade = pct(bone_after(&ten, bmd0, 10 * DAYS_PER_YEAR, p), bmd0);
    printf("info: menopause: FN BMD %.2f%% over the transmenopause (-1 to +2 y; SWAN: -5.8%%), "
           "%.2f%% over 10 y around the FMP (SWAN: -9.1%%)\n",
           trans, decade);
    bone_run pre = meno;
    pre.age = 45;
    double y_pre = pct(bone_after(&pre, bmd0, DAYS_PER_YEAR, p), bmd0);
    CHECK(y_pre > y_meno, "before the transition (45-46 y, FMP at 51) loss %.2f%% < in it %.2f%%",
          y_pre, y_meno);

    bone_run ca = none;
    ca.calcium = 400;
    double y_ca = pct(bone_after(&ca, bmd0, DAYS_PER_YEAR, p), bmd0);
    CHECK(y_ca < y_none, "low calcium (400 mg/d) increases loss: %.3f%% vs %.3f%%", y_ca, y_none);
    bone_run ca_more = none;
    ca_more.calcium = 2000;
    CHECK_CLOSE(bone_after(&ca_more, bmd0, DAYS_PER_YEAR, p), bone_after(&none, bmd0, DAYS_PER_YEAR, p),
                1e-12, "calcium above the requirement adds nothing");
    bone_run vd = none;
    vd.vitamin_d = 0;
    double y_vd = pct(bone_after(&vd, bmd0, DAYS_PER_YEAR, p), bmd0);
    CHECK(y_vd < y_none, "no vitamin D increases loss: %.3f%% vs %.3f%%", y_vd, y_none);
    bone_run pr = none;
    pr.protein = 0.5;
    double y_pr = pct(bone_after(&pr, bmd0, DAYS_PER_YEAR, p), bmd0);
    CHECK(y_pr < y_none, "low protein (0.5 g/kg/d) increases loss: %.3f%% vs %.3f%%", y_pr, y_none);
}

static void bone_disuse(const model_params *p)
{
    /* Lang 2004: spaceflight, hip BMD -1.4 to -1.5 %/month; astronauts ~45 y, men. */
    const double bmd0 = 0.95;
    bone_run r = {NAN, 0.0, 45, NAN, 1000, 600, 1.0};
    double m1 = pct(bone_after(&r, bmd0, 30.44, p), bmd0);
    double m6 = pct(bone_after(&r, bmd0, 6 * 30.44, p), bmd0);
    printf("info: full unloading: FN BMD %.2f%% in the first month, %.2f%%/month over 6 months "
           "(Lang 2004: -1.4 to -1.5 %%/month; Jpn J Rehabil Med: about -0.1 %%/day)\n",
           m1, m6 / 6);
    CHECK(m6 / 6 < -0.7 && m6 / 6 > -2.5,
          "disuse bone loss %.2f %%/month over 6 months is in Lang 2004's ballpark (-0.7 to -2.5)",
          m6 / 6);
    CHECK(m1 < 0 && m6 < m1, "disuse loss accumulates: %.2f%% at 1 month, %.2f%% at 6", m1, m6);
    /* Partial unloading (a cast with crutches) loses less. */
    bone_run cast = r;
    cast.loading = 0.5;
    double c6 = pct(bone_after(&cast, bmd0, 6 * 30.44, p), bmd0);
    CHECK(c6 > m6, "half loading loses less bone in 6 months: %.2f%% vs %.2f%%", c6, m6);

    /* The strain stimulus: muscle force and loading raise it, density lowers it. */
    double s0 = bone_stimulus(1, 1, 1, 0, p);
    CHECK_CLOSE(s0, 1.0, 1e-15, "habitual loading at entry: stimulus 1");
    CHECK(bone_stimulus(0.7, 1, 1, 0, p) < s0 && bone_stimulus(1, 0.5, 1, 0, p) < s0,
          "weaker muscle (%.3f) or less loading (%.3f) lowers the stimulus",
          bone_stimulus(0.7, 1, 1, 0, p), bone_stimulus(1, 0.5, 1, 0, p));
    CHECK(bone_stimulus(1, 1, 0.9, 0, p) > s0, "less bone strains more: %.4f",
          bone_stimulus(1, 1, 0.9, 0, p));
    CHECK_CLOSE(bone_stimulus(1, 0, 1, 0, p), p->bone_stimulus_floor, 1e-15,
                "zero loading leaves the stimulus floor");
    CHECK(bone_stimulus(1, 1, 1, 3, p) > s0, "training adds strain: %.4f", bone_stimulus(1, 1, 1, 3, p));
}

static void bone_classes(const model_params *p)
{
    CHECK_CLOSE(bone_tscore(0.858, 1, p), 0.0, 1e-12, "T-score of the young-adult mean is 0");
    CHECK_CLOSE(bone_tscore(0.858 - 0.120, 1, p), -1.0, 1e-12, "one SD below: T = -1");
    CHECK_CLOSE(bone_tscore(0.558, 1, p), -2.5, 1e-12, "0.558 g/cm^2 in women: T = -2.5");
    CHECK(bone_tscore(0.7, 0, p) == bone_tscore(0.7, 1, p),
          "men use the female reference by default (ISCD): %.4f vs %.4f", bone_tscore(0.7, 0, p),
          bone_tscore(0.7, 1, p));
    model_params q = *p;
    q.bone_tscore_ref_mean_male = 0.934;
    q.bone_tscore_ref_sd_male = 0.137;
    CHECK(bone_tscore(0.7, 0, &q) < bone_tscore(0.7, 0, p),
          "NHANES III male reference gives a lower T-score: %.3f vs %.3f", bone_tscore(0.7, 0, &q),
          bone_tscore(0.7, 0, p));
    const double t[] = {1.0, -1.0, -1.0 - 1e-9, -2.0, -2.5 + 1e-9, -2.5, -4.0};
    const int want[] = {0, 0, 1, 1, 1, 2, 2};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        CHECK(bone_who_class(t[i], p) == want[i], "WHO class of T = %.10g: %d (want %d)", t[i],
              bone_who_class(t[i], p), want[i]);
}

/* ---- Falls and fractures -------------------------------------------------------------- */

static void falls_hazard(const model_params *p)
{
    double ref = falls_rate(80, 1, p->falls_gait_ref, p->falls_grip_ref_female, 0, p);
    CHECK_CLOSE(ref, p->falls_rate_at80, 1e-15, "average woman of 80 falls at rate_at80 /y");
    double r70 = falls_rate(70, 1, 0.95, 20, 0, p), r90 = falls_rate(90, 1, 0.95, 20, 0, p);
    CHECK(r70 < ref && ref < r90, "fall rate rises with age: %.3f, %.3f, %.3f /y at 70, 80, 90", r70,
          ref, r90);
    double slow = falls_rate(80, 1, p->falls_gait_ref - 0.1, 20, 0, p);
    CHECK_CLOSE(slow / ref, p->falls_gait_rr_per_10cm, 1e-12, "rate ratio per 10 cm/s slower gait");
    double weak = falls_rate(80, 1, p->falls_gait_ref, 20 - p->falls_grip_sd_female, 0, p);
    CHECK_CLOSE(weak / ref, p->falls_grip_hr_per_sd, 1e-12, "rate ratio per SD weaker grip");
    double weak_m = falls_rate(80, 0, p->falls_gait_ref, p->falls_grip_ref_male - p->falls_grip_sd_male, 0, p);
    CHECK_CLOSE(weak_m / p->falls_rate_at80, p->falls_grip_hr_per_sd, 1e-12,
                "men: rate ratio per SD weaker grip");
    double bed = falls_rate(80, 1, 0.95, 20, 1, p);
    CHECK(bed < ref, "immobilized people fall less: %.3f vs %.3f /y", bed, ref);
    /* Tinetti: ~30% of people >= 65 fall each year; >= 40% at >= 80. */
    double p70 = 1 - exp(-falls_rate(70, 1, 1.0, 22, 0, p)), p85 = 1 - exp(-falls_rate(85, 1, 0.8, 18, 0, p));
    printf("info: share falling in a year (Poisson): %.1f%% at 70 (gait 1.0, grip 22), %.1f%% at 85 "
           "(gait 0.8, grip 18) (Tinetti: ~30%% at >= 65, >= 40%% at >= 80)\n",
           100 * p70, 100 * p85);
}

static void falls_fractures(const model_params *p)
{
    double a[FRACTURE_SITE_COUNT], b[FRACTURE_SITE_COUNT];
    double t0 = p->falls_fracture_ref_tscore, a0 = p->falls_hip_age_ref;
    falls_fracture_probabilities(t0, a0, p, a);
    CHECK_CLOSE(a[FRACTURE_HIP], p->falls_hip_prob, 1e-15, "hip probability at the reference T-score and age");
    falls_fracture_probabilities(t0, a0 + 10, p, b);
    CHECK(b[FRACTURE_HIP] / a[FRACTURE_HIP] > 1.5 && b[FRACTURE_HIP] / a[FRACTURE_HIP] < 2.5 &&
              b[FRACTURE_WRIST] == a[FRACTURE_WRIST],
          "at the same BMD, ten years older: hip per fall x%.2f (De Laet 1997: x3.8 per fall from "
          "60 to 80 beyond BMD, so x1.5-2.5 per decade), wrist unchanged (%.4f)",
          b[FRACTURE_HIP] / a[FRACTURE_HIP], b[FRACTURE_WRIST]);
    falls_fracture_probabilities(t0 - 1, a0, p, b);
    CHECK_CLOSE(b[FRACTURE_HIP] / a[FRACTURE_HIP], 2.6, 1e-12,
                "hip fracture per fall x2.6 per SD lower BMD (Marshall 1996)");
    CHECK(b[FRACTURE_WRIST] > a[FRACTURE_WRIST] && b[FRACTURE_VERTEBRAL] > a[FRACTURE_VERTEBRAL] &&
              b[FRACTURE_OTHER] > a[FRACTURE_OTHER] && b[FRACTURE_NONE] < a[FRACTURE_NONE],
          "every site rises as T falls from %.1f to %.1f: wrist %.4f->%.4f, vertebral %.4f->%.4f, "
          "other %.4f->%.4f",
          t0, t0 - 1, a[FRACTURE_WRIST], b[FRACTURE_WRIST], a[FRACTURE_VERTEBRAL],
          b[FRACTURE_VERTEBRAL], a[FRACTURE_OTHER], b[FRACTURE_OTHER]);

    const double ts[] = {2.0, 0.0, -1.0, -2.5, -4.0, -6.0, -12.0};
    for (size_t i = 0; i < 2 * (sizeof ts / sizeof ts[0]); i++) {
        /* each T-score at the reference age and at 110 */
        size_t j = i % (sizeof ts / sizeof ts[0]);
        double age = i < sizeof ts / sizeof ts[0] ? a0 : 110.0;
        falls_fracture_probabilities(ts[j], age, p, a);
        double sum = 0;
        int ok = 1;
        for (int s = FRACTURE_HIP; s < FRACTURE_SITE_COUNT; s++) {
            sum += a[s];
            ok &= a[s] >= 0;
        }
        CHECK(ok && sum < 1 && fabs(sum + a[FRACTURE_NONE] - 1) < 1e-12,
              "T = %.1f, age %.0f: fracture probabilities sum to %.4f < 1 (hip %.4f), with none %.4f",
              ts[j], age, sum, a[FRACTURE_HIP], a[FRACTURE_NONE]);
    }
    /* ~1% of falls break the hip in typical fallers; 5-7% are fractures. */
    falls_fracture_probabilities(-2.0, a0, p, a);
    printf("info: at T = -2.0 a fall breaks the hip with p = %.4f, any site %.4f (falls reviews: "
           "~1%% hip; 10-15%% serious injuries, about half fractures)\n",
           a[FRACTURE_HIP], 1 - a[FRACTURE_NONE]);

    /* falls_fracture_site partitions [0, 1) in proportion to the probabilities. */
    const double tt[] = {-1.0, -2.5, -4.0};
    enum { N = 200000 };
    for (size_t i = 0; i < sizeof tt / sizeof tt[0]; i++) {
        falls_fracture_probabilities(tt[i], a0, p, a);
        double freq[FRACTURE_SITE_COUNT] = {0};
        for (int k = 0; k < N; k++)
            freq[falls_fracture_site(tt[i], a0, (k + 0.5) / N, p)] += 1.0 / N;
        double worst = 0;
        for (int s = 0; s < FRACTURE_SITE_COUNT; s++)
            worst = fmax(worst, fabs(freq[s] - a[s]));
        CHECK(worst <= 1.5 / N,
              "T = %.1f: site frequencies over a u-grid of %d match the probabilities (worst "
              "|diff| %.2e; hip %.5f vs %.5f, none %.5f vs %.5f)",
              tt[i], N, worst, freq[FRACTURE_HIP], a[FRACTURE_HIP], freq[FRACTURE_NONE],
              a[FRACTURE_NONE]);
    }
    CHECK(falls_fracture_site(-2.5, a0, 0.0, p) == FRACTURE_HIP &&
              falls_fracture_site(-2.5, a0, 0.999999, p) == FRACTURE_NONE,
          "u = 0 gives the first site (hip); u near 1 gives no fracture");
}

/* ---- Mortality and admissions --------------------------------------------------------- */

static void mortality_hazards(const model_params *p)
{
    double r70 = mortality_rate(70, 1, 0, NAN, p), r80 = mortality_rate(80, 1, 0, NAN, p);
    /* SSA 2019: q(70) = 0.014624 for women; at exact age 70 the rate lies between the
     * hazards of the years 69 and 70 (0.013397 and 0.014732). */
    double lh = log(p->mortality_weakness_hr_per_sd);
    double mean_factor = exp(-0.5 * lh * lh) / (1.0 + mortality_table_hip_excess(70, 1, p));
    CHECK(r70 / mean_factor > 0.013397 && r70 / mean_factor < 0.014732,
          "women at 70: the life table's rate (%.5f /y)", r70 / mean_factor);
    /* Over the population's grip (z standard normal), the weakness ratio averages 1: the
     * table is everyone's mortality. */
    double avg = 0, wsum = 0;
    for (double z = -8; z <= 8; z += 0.001) {
        double w = exp(-0.5 * z * z);
        avg += w * mortality_rate(80, 1, z, NAN, p);
        wsum += w;
    }
    CHECK_CLOSE(avg / wsum * (1.0 + mortality_table_hip_excess(80, 1, p)) / lifetable_hazard(80, 1), 1.0, 1e-6,
                "averaged over grip and recent hip fractures, the rate is the life table's");
    /* The closed form of the hip-fracture excess against a sum over fracture times,
     * below and past the age where the table's incidence stops rising. */
    for (int f = 0; f <= 1; f++)
        for (double age = 80; age <= 100; age += 17) {
            double k = f ? p->mortality_table_hip_slope_female : p->mortality_table_hip_slope_male;
            double i67 = f ? p->mortality_table_hip_rate_female : p->mortality_table_hip_rate_male;
            double tau = p->mortality_hip_hr_decay / DAYS_PER_YEAR, sum = 0, du = 1e-4;
            for (double u = du / 2; u < 40 * tau; u += du)
                sum += i67 * exp(k * (fmin(age - u, p->mortality_table_hip_age_max) - 67.0)) * exp(-u / tau) * du;
            double want = (p->mortality_hip_fracture_hr - 1.0) * sum;
            double got = mortality_table_hip_excess(age, f, p);
            CHECK(fabs(got / want - 1.0) < 1e-6, "%s at %.0f: the life table's hip-fracture excess %.6f (sum %.6f)",
                  f ? "women" : "men", age, got, want);
        }
    /* The stored log hazards are ln(-ln(1 - q)) of the table's q, to rounding. */
    double worst = 0;
    for (int f = 0; f <= 1; f++)
        for (int age = 40; age < 120; age++)
            worst = fmax(worst, fabs(lifetable_year_log_hazard(age, f) - log(-log1p(-lifetable_q(age, f)))));
    CHECK(worst < 1e-13, "log hazards agree with q at every age (largest difference %.2g)", worst);
    /* Survival from 70 to 100 by the interpolated hazard against the table's own
     * l(100)/l(70): 2984/82907 (women), 1069/73247 (men). */
    for (int f = 0; f <= 1; f++) {
        double H = 0;
        for (double a = 70; a < 100; a += 0.01)
            H += lifetable_hazard(a + 0.005, f) * 0.01;
        double want = f ? 2984.0 / 82907.0 : 1069.0 / 73247.0;
        CHECK(fabs(exp(-H) / want - 1) < 0.05, "%s: survival 70 -> 100 %.4f vs the table's %.4f",
              f ? "women" : "men", exp(-H), want);
    }
    CHECK(r80 > r70 && mortality_rate(80, 0, 0, NAN, p) > r80,
          "mortality rises with age (%.4f -> %.4f /y) and is higher in men (%.4f)", r70, r80,
          mortality_rate(80, 0, 0, NAN, p));
    CHECK_CLOSE(mortality_rate(80, 1, 0, 0, p) / r80, p->mortality_hip_fracture_hr, 1e-12,
                "just after a hip fracture: HR = hip_fracture_hr");
    double d30 = mortality_rate(80, 1, 0, 30, p), d180 = mortality_rate(80, 1, 0, 180, p),
           d1000 = mortality_rate(80, 1, 0, 1000, p);
    CHECK(d30 > d180 && d180 > d1000 && d1000 > r80 && d1000 < 1.02 * r80,
          "hip excess decays: HR %.3f at 30 d, %.3f at 180 d, %.4f at 1000 d", d30 / r80, d180 / r80,
          d1000 / r80);
    double weak = mortality_rate(80, 1, -1, NAN, p);
    CHECK_CLOSE(weak / r80, p->mortality_weakness_hr_per_sd, 1e-12, "HR per SD weaker grip than one's peers");
    CHECK(mortality_rate(80, 1, 1, NAN, p) < r80, "stronger grip lowers mortality");

    /* One-year mortality after a hip fracture at 83 with grip 1 SD low (piecewise-constant
     * daily hazard, ageing included). Dyer 2016: 16-30%. */
    double cum = 0, cum0 = 0;
    for (int d = 0; d < 365; d++) {
        double age = 83 + (d + 0.5) / DAYS_PER_YEAR;
        cum += mortality_rate(age, 1, -1, d + 0.5, p) / DAYS_PER_YEAR;
        cum0 += mortality_rate(age, 1, -1, NAN, p) / DAYS_PER_YEAR;
    }
    printf("info: 1-year mortality after hip fracture, woman of 83, grip -1 SD: %.1f%% (without the "
           "fracture %.1f%%) (Dyer 2016: 16-30%%)\n",
           100 * (1 - exp(-cum)), 100 * (1 - exp(-cum0)));
    CHECK(cum > 1.5 * cum0, "hip fracture raises 1-year mortality: %.1f%% vs %.1f%%",
          100 * (1 - exp(-cum)), 100 * (1 - exp(-cum0)));

    double a75 = mortality_admission_rate(75, p), a85 = mortality_admission_rate(85, p);
    CHECK(a85 > a75 && fabs(a75 - p->hospital_rate_at75) < 1e-15,
          "admissions rise with age: %.3f /y at 75, %.3f at 85", a75, a85);
    CHECK(mortality_admission_stay(0, p) == p->hospital_stay_median &&
              mortality_admission_stay(1, p) > mortality_admission_stay(0, p),
          "stay: median %.2f d at z = 0, %.2f d at z = 1", mortality_admission_stay(0, p),
          mortality_admission_stay(1, p));
}

/* ---- Activity ------------------------------------------------------------------------- */

static void activity_cycle(const model_params *p)
{
    activity_state a;
    activity_init(&a);
    double base = activity_level(&a, 1, 0, p);
    CHECK(base == 1.0, "entry: activity 1 at full strength (%.3f)", base);
    CHECK(activity_level(&a, 0.7, 0, p) < base, "weaker legs, less activity: %.4f",
          activity_level(&a, 0.7, 0, p));
    CHECK_CLOSE(activity_level(&a, 1, 1, p), 1 + p->activity_training_activity_gain, 1e-15,
                "training raises activity a little");
    activity_after_fall(&a, p);
    double fall1 = activity_level(&a, 1, 0, p);
    activity_after_fall(&a, p);
    double fall2 = activity_level(&a, 1, 0, p);
    CHECK(fall1 < base && fall2 < fall1 && fall2 > 0,
          "falls restrict activity (fear): %.4f after one, %.4f after two", fall1, fall2);
    activity_after_fracture(&a, p);
    double frac = activity_level(&a, 1, 0, p);
    CHECK(frac < fall2, "a fracture restricts it further (pain): %.4f", frac);
    activity_fade(&a, p, 90);
    double d90 = activity_level(&a, 1, 0, p);
    activity_fade(&a, p, 640);
    double d730 = activity_level(&a, 1, 0, p);
    CHECK(frac < d90 && d90 < d730 && d730 > 0.98,
          "activity recovers as fear and pain fade: %.4f -> %.4f at 90 d -> %.4f at 2 y", frac, d90,
          d730);
    activity_state c;
    activity_init(&c);
    c.lasting = p->activity_hip_no_recovery_activity;
    activity_fade(&c, p, 3650);
    CHECK_CLOSE(activity_level(&c, 1, 0, p), p->activity_hip_no_recovery_activity, 1e-15,
                "lasting disability after hip fracture does not fade");
}

/* ---- Ceilings: what the models' products and exponentials cannot exceed --------------- */

static void ceilings(const model_params *p)
{
    /* A 6-SD responder (responsiveness e^6) on a rich diet, trained to saturation. */
    double a = muscle_anabolic(1e9, 3.0, 60, exp(6.0), p), d = muscle_neural_drive(1e9, exp(6.0), p);
    CHECK(a == p->muscle_max_anabolic && d == p->muscle_max_neural_drive,
          "extreme responder: synthesis x%.3g (ceiling %.3g), neural drive x%.3g (ceiling %.3g)", a,
          p->muscle_max_anabolic, d, p->muscle_max_neural_drive);
    double typical = muscle_anabolic(3.0, 1.2, 72, 1.0, p);
    CHECK(typical < p->muscle_max_anabolic && typical == muscle_anabolic(3.0, 1.2, 72, 1.0, p),
          "typical training stays below the ceiling: x%.4f", typical);
    double loss = muscle_age_loss(180, 0, p);
    CHECK(loss == p->muscle_max_age_loss && muscle_age_loss(90, 0, p) < p->muscle_max_age_loss,
          "age-related loss: %.3f/y at 180 y (ceiling), %.4f/y at 90 y", loss, muscle_age_loss(90, 0, p));
    double adm = mortality_admission_rate(200, p);
    CHECK(adm == p->hospital_max_rate && mortality_admission_rate(95, p) < p->hospital_max_rate,
          "admissions: %.3g/y at 200 y (ceiling), %.3f/y at 95 y", adm, mortality_admission_rate(95, p));

    /* Ageing cannot take strength per unit muscle below the floor. */
    muscle_state m;
    muscle_init(&m, 8.0, p);
    muscle_inputs in = {.loading = 1, .anabolic = 1, .neural_drive = 1, .disuse_sensitivity = 1,
                        .age_loss = p->muscle_max_age_loss};
    for (int i = 0; i < 1300; i++) /* a century in the engine's 28-day intervals */
        muscle_advance(&m, &in, p, 28.0);
    CHECK(m.neural_set == p->muscle_neural_floor && m.neural > 0.99 * p->muscle_neural_floor,
          "a century at the fastest loss: neural set point %.3g, neural factor %.3g (floor %.3g)",
          m.neural_set, m.neural, p->muscle_neural_floor);
}

int main(void)
{
    model_params p;
    model_params_defaults(&p);
    muscle_homeostasis(&p);
    muscle_unloading(&p);
    muscle_ageing(&p);
    muscle_anabolic_response(&p);
    dose_stimulus(&p);
    dose_safety(&p);
    bone_mechanostat(&p);
    bone_menopause_nutrition(&p);
    bone_disuse(&p);
    bone_classes(&p);
    falls_hazard(&p);
    falls_fractures(&p);
    mortality_hazards(&p);
    activity_cycle(&p);
    ceilings(&p);
    printf("%d failure(s)\n", test_failures);
    return test_failures;
}
