/* muscle.c — protein-balance muscle compartment with a neural factor. */
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
    m->neural = 1.0;
    m->neural_set = 1.0;
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
    mm->n_k = 0;
    mm->n_load = 0;
}

/* e^{-k dt} for the memo's step, computed once per step and k. */
static double memo_e_k(muscle_memo *mm, double k)
{
    for (size_t j = 0; j < mm->n_k; j++)
        if (mm->k[j] == k)
            return mm->e_k[j];
    double e_k = exp(-k * mm->dt);
    if (mm->n_k < MUSCLE_MEMO_LOADS) {
        mm->k[mm->n_k] = k;
        mm->e_k[mm->n_k++] = e_k;
    }
    return e_k;
}

void muscle_advance_memo(muscle_state *m, const muscle_inputs *in, size_t n,
                         const model_params *p, double dt, muscle_memo *mm)
{
    if (dt <= 0)
        return;
    /* Exponentials shared by compartments, and by calls with the same step and rates
     * (most weekly intervals between two refreshes): those of the ageing rate r (the
     * same for all of one person) and of each distinct load (breakdown rate k). */
    const double kd = p->muscle_turnover_rate, kn = p->muscle_neural_rate;
    if (!(dt == mm->dt)) {
        mm->dt = dt;
        mm->e_kn = exp(-kn * dt);
        mm->n_k = 0;
        mm->r = NAN;
    }
    kinetics_relax_factors one;
    for (size_t i = 0; i < n; i++) {
        muscle_state *c = &m[i];
        double unload = msk_fmax(0.0, 1.0 - in[i].loading);
        double r = in[i].age_loss / DAYS_PER_YEAR;
        /* Older muscle loses more in disuse; synthesis cannot fall below a tenth. */
        double drop = msk_fmin(0.9, p->muscle_disuse_synthesis_drop * in[i].disuse_sensitivity * unload);
        double synth = in[i].anabolic * (1.0 - drop);
        double brk = 1.0 + p->muscle_disuse_breakdown_rise * unload + in[i].catabolic;
        /* dM/dt = kd synth S e^{-rt} - kd brk M  ==  k (c e^{-rt} - M) with k = kd brk. */
        double k = kd * brk;
        if (!(r == mm->r)) {
            mm->r = r;
            mm->e_r = exp(-r * dt);
            double rn = p->muscle_neural_age_ratio * r;
            mm->e_rn = exp(-rn * dt);
            kinetics_relax_factors_set(&mm->neural, kn, rn, dt, mm->e_kn, mm->e_rn);
            mm->n_load = 0;
        }
        const kinetics_relax_factors *f = NULL;
        for (size_t j = 0; j < mm->n_load && !f; j++)
            if (mm->load[j].k == k)
                f = &mm->load[j];
        if (!f) {
            kinetics_relax_factors *slot = mm->n_load < MUSCLE_MEMO_LOADS ? &mm->load[mm->n_load++] : &one;
            kinetics_relax_factors_set(slot, k, r, dt, memo_e_k(mm, k), mm->e_r);
            f = slot;
        }
        c->contractile = kinetics_relax_by(f, c->contractile, synth * c->setpoint / brk);

        double target = c->neural_set * in[i].neural_drive * (1.0 - p->muscle_neural_disuse_drop * unload);
        c->neural = kinetics_relax_by(&mm->neural, c->neural, target);

        c->setpoint *= mm->e_r;
        c->noncontractile *= mm->e_r;
        /* Ageing lowers strength per unit muscle, but not to nothing. */
        c->neural_set = msk_fmax(c->neural_set * mm->e_rn, p->muscle_neural_floor);
    }
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

muscle_protein muscle_protein_of(double protein, const model_params *p)
{
    muscle_protein mp;
    mp.availability = protein_availability(protein, p) / protein_availability(p->muscle_protein_ref, p);
    mp.synergy = pow(mp.availability, p->muscle_protein_synergy);
    return mp;
}

double muscle_anabolic(double weekly, double protein, double age, double responsiveness,
                       const model_params *p)
{
    muscle_protein mp = muscle_protein_of(protein, p);
    return muscle_anabolic_at(weekly, &mp, age, responsiveness, p);
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
    double gain = p->muscle_train_gain_max * weekly / (weekly + p->muscle_train_halfsat) *
                  responsiveness * age_factor * mp->synergy;
    /* Hypertrophy has a ceiling however responsive the person and rich the diet: the
     * product of the factors above is not bounded on its own. */
    return msk_fmin(base * (1.0 + gain), p->muscle_max_anabolic);
}

double muscle_neural_drive(double weekly, double responsiveness, const model_params *p)
{
    if (weekly <= 0)
        return 1.0;
    /* Neural adaptation varies less between people than hypertrophy. */
    return msk_fmin(1.0 + p->muscle_neural_gain_max * weekly / (weekly + p->muscle_train_halfsat) *
                              sqrt(responsiveness),
                    p->muscle_max_neural_drive);
}
