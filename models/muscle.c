/* muscle.c — protein-balance muscle compartment with a disuse breakdown transient and
 * a neural factor of asymmetric kinetics (muscle.h, docs/model.md "Muscle"). */
#include "muscle.h"

#include <math.h>

#include "kinetics.h"
#include "minmax.h"

#define DAYS_PER_YEAR 365.25

void muscle_init(muscle_state *m, double lean, const model_params *p)
{
    /* Wall 2014: only part of DXA lean mass responds to loading. */
    m->contractile = lean * p->muscle_contractile_fraction;
    m->noncontractile = lean - m->contractile;
    m->setpoint = m->contractile;
    m->setpoint_floor = p->muscle_setpoint_floor * m->setpoint;
    m->neural = 1.0;
    m->neural_set = 1.0;
    m->neural_gain = 0.0;
    m->neural_deficit = 0.0;
    m->skill = 0.0;
    m->transient = 0.0;
    m->unload = 0.0;
}

void muscle_advance(muscle_state *m, const muscle_inputs *in, const model_params *p,
                    double dt)
{
    muscle_advance_all(m, in, 1, p, dt);
}

void muscle_advance_all(muscle_state *m, const muscle_inputs *in, size_t n,
                        const model_params *p, double dt)
{
    muscle_memo mm;
    muscle_memo_init(&mm);
    muscle_advance_memo(m, in, n, p, dt, &mm);
}

void muscle_memo_init(muscle_memo *mm)
{
    mm->dt = NAN;
    mm->r = NAN;
}

/* x relaxing towards target at the rate for its direction: rise while below, fall
 * while above. The direction cannot change within the interval (the target is
 * constant), so the closed form is exact. */
static double relax_asym(double x, double target, double tau_rise, double tau_fall, double dt)
{
    /* At its target (no training, no disuse: most people most of the time) x stays:
     * the same number the formula gives, without its exponential. */
    if (x == target)
        return x;
    double tau = target > x ? tau_rise : tau_fall;
    return target + (x - target) * exp(-dt / tau);
}

/* The onset of unloading raises breakdown for a few days (Di Girolamo 2021: breakdown
 * drives the first week). `raw` is the unloading before relief, scaled by age. The
 * transient rises with each deepening of unloading and shrinks in proportion on
 * reloading, so a stay that ends ends its transient. */
static void raise_transient(muscle_state *c, double raw, const model_params *p)
{
    if (raw > c->unload)
        c->transient += p->muscle_disuse_breakdown_rise * (raw - c->unload);
    else if (raw < c->unload)
        c->transient *= raw / c->unload;
    c->unload = raw;
    /* A transient removes about kd T τβ of the set point over its life; the flux is
     * proportional to the set point, so an old, fast-turning muscle with a long
     * transient would lose more than it has, interval after interval. At most half:
     * far above the defaults (T <= 0.4 sigma vs 9.9), reached only at the ends of the
     * parameter ranges (tests/test_properties.c). */
    c->transient = msk_fmin(c->transient, 0.5 / (p->muscle_turnover_rate * p->muscle_disuse_breakdown_days));
}

static void advance_one(muscle_state *c, const muscle_inputs *in, const model_params *p,
                        double dt, double r, const muscle_memo *mm)
{
    const double kd = p->muscle_turnover_rate;
    double loss = msk_fmax(0.0, 1.0 - in->loading);
    raise_transient(c, loss * in->disuse_sensitivity, p);
    double unload = loss * (1.0 - in->relief);
    /* Older muscle loses more in disuse; synthesis cannot fall below a tenth. */
    double drop = msk_fmin(0.9, p->muscle_disuse_synthesis_drop * in->disuse_sensitivity * unload);
    double synth = in->anabolic * (1.0 - drop);
    double brk = 1.0 + in->train_breakdown + in->catabolic;
    /* dM/dt = kd (synth S e^{-rt} - T' S e^{-(r+l)t} - brk M): two relaxations of the
     * same rate k = kd brk, superposed (the equation is linear). */
    double k = kd * brk, lambda = 1.0 / p->muscle_disuse_breakdown_days;
    double t_eff = c->transient * (1.0 - in->relief);
    /* Ageing stops at the floor (exact while above it; the interval that crosses it
     * ends on it). */
    const int ages = c->setpoint > c->setpoint_floor;
    const double ra = ages ? r : 0.0, e_r = ages ? mm->e_r : 1.0;
    double m0 = c->contractile, target = synth * c->setpoint / brk;
    double m_main = kinetics_relax(m0, target, k, ra, dt), m = m_main;
    if (t_eff > 0) {
        m -= kinetics_relax(0.0, t_eff * c->setpoint / brk, k, ra + lambda, dt);
        /* The transient's flux is taken proportional to the set point; it cannot remove
         * protein that is not there: at most half of what the interval would leave
         * without it. Only extreme parameter combinations (a large, slow transient on
         * a muscle already far below its set point) reach this bound. */
        m = msk_fmax(m, 0.5 * m_main);
    }
    c->contractile = m;
    c->transient *= exp(-lambda * dt);

    double gain = msk_fmax(0.0, in->neural_drive - 1.0);
    c->neural_gain = relax_asym(c->neural_gain, gain, p->muscle_neural_rise_days,
                                p->muscle_neural_detrain_days, dt);
    c->neural_deficit = relax_asym(c->neural_deficit, p->muscle_neural_disuse_drop * unload,
                                   p->muscle_neural_disuse_days, p->muscle_neural_recovery_days, dt);
    c->skill = relax_asym(c->skill, in->skill, p->muscle_skill_rise_days, p->muscle_skill_decay_days, dt);

    c->setpoint = msk_fmax(c->setpoint * e_r, c->setpoint_floor);
    c->noncontractile *= e_r;
    /* Ageing lowers strength per unit muscle, but not to nothing. */
    c->neural_set = msk_fmax(c->neural_set * mm->e_rn, p->muscle_neural_floor);
    c->neural = c->neural_set * (1.0 + c->neural_gain) * (1.0 - c->neural_deficit);
}

void muscle_advance_memo(muscle_state *m, const muscle_inputs *in, size_t n,
                         const model_params *p, double dt, muscle_memo *mm)
{
    if (dt <= 0)
        return;
    for (size_t i = 0; i < n; i++) {
        double r = in[i].age_loss / DAYS_PER_YEAR;
        /* The ageing exponentials are shared by the compartments of one person. */
        if (!(dt == mm->dt && r == mm->r)) {
            mm->dt = dt;
            mm->r = r;
            mm->e_r = exp(-r * dt);
            mm->e_rn = exp(-p->muscle_neural_age_ratio * r * dt);
        }
        advance_one(&m[i], &in[i], p, dt, r, mm);
    }
}

int muscle_sarcopenic(double grip_kg, double asm_kg, int female, const model_params *p)
{
    return grip_kg < (female ? p->criteria_grip_low_female : p->criteria_grip_low_male) &&
           asm_kg < (female ? p->criteria_asm_low_female : p->criteria_asm_low_male);
}

double muscle_lean(const muscle_state *m)
{
    return m->contractile + m->noncontractile;
}

double muscle_disuse_sensitivity(double age, const model_params *p)
{
    return 1.0 + p->muscle_disuse_age_gain * msk_fmax(0.0, (age - 30.0) / 10.0);
}

double muscle_gait_speed(double gait0, double leg_strength_rel, const model_params *p)
{
    return msk_fmin(gait0 * pow(leg_strength_rel, p->muscle_gait_strength_exponent), p->muscle_max_gait_speed);
}

double muscle_gait_bounded(double gait, const model_params *p)
{
    return fmin(fmax(0.2, gait), p->muscle_max_gait_speed);
}

double muscle_age_loss(double age, int female, const model_params *p)
{
    double at75 = female ? p->muscle_age_loss_female : p->muscle_age_loss_male;
    /* The doubling is fitted on ages 60-90; it cannot go on for ever. */
    return msk_fmin(at75 * exp2((age - 75.0) / p->muscle_age_loss_doubling), p->muscle_max_age_loss);
}

static double protein_availability(double protein, const model_params *p)
{
    /* Saturating: Morton 2018 found no further gain above ~1.6 g/kg/day. */
    return -expm1(-protein / p->muscle_protein_scale);
}

muscle_protein muscle_protein_of(double protein, double habitual, const model_params *p)
{
    muscle_protein mp;
    double f = protein_availability(protein, p);
    /* Each person's set point is in balance with their own habitual intake: only a
     * change of intake moves synthesis (issue 12: no drift from day one). */
    mp.availability = f / protein_availability(habitual, p);
    mp.synergy = pow(f / protein_availability(p->muscle_protein_ref, p), p->muscle_protein_synergy);
    return mp;
}

double muscle_anabolic(double weekly, double protein, double age, double responsiveness,
                       const model_params *p)
{
    muscle_protein mp = muscle_protein_of(protein, p->muscle_protein_ref, p);
    return muscle_anabolic_at(weekly, &mp, age, responsiveness, p);
}

/* Saturating share of the maximal training response for a weekly stimulus. */
static double train_saturation(double weekly, const model_params *p)
{
    return weekly > 0 ? weekly / (weekly + p->muscle_train_halfsat) : 0.0;
}

double muscle_anabolic_at(double weekly, const muscle_protein *mp, double age, double responsiveness,
                          const model_params *p)
{
    double avail = mp->availability;
    /* Protein is the material, exercise the stimulus: alone it moves synthesis little. */
    double base = 1.0 + p->muscle_protein_alone_gain * (avail - 1.0);
    if (weekly <= 0)
        return msk_fmin(base, p->muscle_max_anabolic);
    double decades_over_65 = msk_fmax(0.0, (age - 65.0) / 10.0);
    double age_factor = msk_fmax(p->muscle_anabolic_resistance_floor,
                                 1.0 - p->muscle_anabolic_resistance * decades_over_65);
    double gain = p->muscle_train_gain_max * train_saturation(weekly, p) * responsiveness *
                  age_factor * mp->synergy;
    /* Hypertrophy has a ceiling however responsive the person and rich the diet: the
     * product of the factors above is not bounded on its own. */
    return msk_fmin(base * (1.0 + gain), p->muscle_max_anabolic);
}

double muscle_train_breakdown(double weekly, const model_params *p)
{
    /* Training raises breakdown as well as synthesis, so the new plateau is approached
     * at kd (1 + b): faster than detraining relaxes at kd. */
    return p->muscle_train_breakdown_rise * train_saturation(weekly, p);
}

double muscle_neural_drive(double weekly, double responsiveness, const model_params *p)
{
    if (weekly <= 0)
        return 1.0;
    /* Neural adaptation varies less between people than hypertrophy. */
    return msk_fmin(1.0 + p->muscle_neural_gain_max * train_saturation(weekly, p) * sqrt(responsiveness),
                    p->muscle_max_neural_drive);
}

double muscle_skill_target(double weekly, double responsiveness, const model_params *p)
{
    /* Learning a lift varies between people as neural adaptation does. */
    return p->muscle_skill_max * train_saturation(weekly, p) * sqrt(responsiveness);
}

double muscle_one_rm_factor(const muscle_state *m)
{
    return 1.0 + m->skill;
}

double muscle_relief(double weekly)
{
    /* Sessions act independently: each prevents its share of what is left. */
    return weekly > 0 ? -expm1(-weekly) : 0.0;
}
