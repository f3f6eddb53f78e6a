/* muscle.c — protein-balance muscle compartment with a neural factor. */
#include "muscle.h"

#include <math.h>

#include "kinetics.h"

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
    if (dt <= 0)
        return;
    double unload = fmax(0.0, 1.0 - in->loading);
    double r = in->age_loss / DAYS_PER_YEAR;
    double kd = p->muscle_turnover_rate;
    /* Older muscle loses more in disuse; synthesis cannot fall below a tenth. */
    double drop = fmin(0.9, p->muscle_disuse_synthesis_drop * in->disuse_sensitivity * unload);
    double synth = in->anabolic * (1.0 - drop);
    double brk = 1.0 + p->muscle_disuse_breakdown_rise * unload + in->catabolic;
    /* dM/dt = kd synth S e^{-rt} - kd brk M  ==  k (c e^{-rt} - M) with k = kd brk. */
    double k = kd * brk;
    m->contractile = kinetics_relax(m->contractile, synth * m->setpoint / brk, k, r, dt);

    double rn = p->muscle_neural_age_ratio * r;
    double target = m->neural_set * in->neural_drive * (1.0 - p->muscle_neural_disuse_drop * unload);
    m->neural = kinetics_relax(m->neural, target, p->muscle_neural_rate, rn, dt);

    double age = exp(-r * dt);
    m->setpoint *= age;
    m->noncontractile *= age;
    m->neural_set *= exp(-rn * dt);
}

double muscle_lean(const muscle_state *m)
{
    return m->contractile + m->noncontractile;
}

double muscle_disuse_sensitivity(double age, const model_params *p)
{
    return 1.0 + p->muscle_disuse_age_gain * fmax(0.0, (age - 30.0) / 10.0);
}

double muscle_age_loss(double age, int female, const model_params *p)
{
    double at75 = female ? p->muscle_age_loss_female : p->muscle_age_loss_male;
    return at75 * exp2((age - 75.0) / p->muscle_age_loss_doubling);
}

static double protein_availability(double protein, const model_params *p)
{
    /* Saturating: Morton 2018 found no further gain above ~1.6 g/kg/day. */
    return -expm1(-protein / p->muscle_protein_scale);
}

double muscle_anabolic(double weekly, double protein, double age, double responsiveness,
                       const model_params *p)
{
    double avail = protein_availability(protein, p) / protein_availability(p->muscle_protein_ref, p);
    /* Protein is the material, exercise the stimulus: alone it moves synthesis little. */
    double base = 1.0 + p->muscle_protein_alone_gain * (avail - 1.0);
    if (weekly <= 0)
        return base;
    double decades_over_65 = fmax(0.0, (age - 65.0) / 10.0);
    double age_factor = fmax(p->muscle_anabolic_resistance_floor,
                             1.0 - p->muscle_anabolic_resistance * decades_over_65);
    double gain = p->muscle_train_gain_max * weekly / (weekly + p->muscle_train_halfsat) *
                  responsiveness * age_factor * pow(avail, p->muscle_protein_synergy);
    return base * (1.0 + gain);
}

double muscle_neural_drive(double weekly, double responsiveness, const model_params *p)
{
    if (weekly <= 0)
        return 1.0;
    /* Neural adaptation varies less between people than hypertrophy. */
    return 1.0 + p->muscle_neural_gain_max * weekly / (weekly + p->muscle_train_halfsat) *
                     sqrt(responsiveness);
}
