/* bone.c — remodeling balance with a mechanostat (Frost 1987). */
#include "bone.h"

#include <math.h>

#include "kinetics.h"
#include "minmax.h"

#define DAYS_PER_YEAR 365.25

/* Transitional oestrogen-deficiency factor: 1 from menopause_lead years before the
 * final menstrual period, decaying after it (SWAN: most loss in the transmenopause). */
static double menopause_transition(double years_since_fmp, const model_params *p)
{
    if (isnan(years_since_fmp) || years_since_fmp < -p->bone_menopause_lead)
        return 0.0;
    return exp(-msk_fmax(0.0, years_since_fmp) / p->bone_menopause_decay);
}

bone_rates bone_rates_for(const bone_state *b, const bone_inputs *in, const model_params *p)
{
    double below = msk_fmax(0.0, p->bone_lazy_low - in->stimulus);
    double above = msk_fmax(0.0, in->stimulus - p->bone_lazy_high);
    double meno = menopause_transition(in->years_since_fmp, p);
    int post = !isnan(in->years_since_fmp) && in->years_since_fmp >= 0;
    double ca_def = msk_fmax(0.0, 1.0 - in->calcium_mg / p->bone_calcium_requirement);
    double vd_def = msk_fmax(0.0, 1.0 - in->vitamin_d_iu / p->bone_vitamin_d_requirement);
    double prot_def = msk_fmax(0.0, 1.0 - in->protein_g_per_kg / p->muscle_protein_ref);

    /* Each factor is plausible alone; their product at extreme parameters is not. */
    double resorb_mult = msk_fmin((1.0 + p->bone_disuse_resorption_gain * below) *
                                      (1.0 + p->bone_menopause_resorption * meno) *
                                      (1.0 + p->bone_calcium_resorption_gain * ca_def) *
                                      (1.0 + p->bone_vitamin_d_resorption_gain * vd_def),
                                  p->bone_max_resorption);
    /* The doubling is fitted on ages 67-90; past that it would soon stop formation. */
    double imb_age = msk_fmin(in->age, p->bone_age_imbalance_max_age);
    double age_imb = p->bone_age_imbalance * exp2((imb_age - 70.0) / p->bone_age_imbalance_doubling);
    double coupling = 1.0 - age_imb - p->bone_menopause_imbalance * meno -
                      (post ? p->bone_postmenopause_imbalance : 0.0) -
                      p->bone_disuse_formation_drop * below -
                      p->bone_protein_formation_drop * prot_def +
                      p->bone_overload_formation_gain * above;
    bone_rates r;
    /* Only bone above a residual density is remodelled away: BMD approaches it
     * instead of crossing zero however strong the imbalance. */
    r.resorption = p->bone_turnover / DAYS_PER_YEAR * msk_fmax(0.0, b->bmd - p->bone_residual_bmd) *
                   resorb_mult;
    r.per_excess = p->bone_turnover / DAYS_PER_YEAR * resorb_mult;
    r.coupling = msk_fmax(0.0, coupling);
    return r;
}

void bone_init(bone_state *b, double bmd, const bone_inputs *in, const model_params *p)
{
    b->bmd = bmd;
    b->formation = 0;
    bone_rates r = bone_rates_for(b, in, p);
    b->formation = r.coupling * r.resorption;
}

/* Bone cannot be made denser than max_bmd: at the ceiling, formation only replaces
 * what is resorbed. */
static void cap_density(bone_state *b, double resorption, const model_params *p)
{
    if (b->bmd > p->bone_max_bmd) {
        b->bmd = p->bone_max_bmd;
        b->formation = msk_fmin(b->formation, resorption);
    }
}

void bone_advance(bone_state *b, const bone_rates *r, const model_params *p, double dt)
{
    bone_memo memo;
    bone_memo_init(&memo);
    bone_advance_memo(b, r, p, dt, &memo);
}

void bone_memo_init(bone_memo *memo)
{
    memo->dt = NAN;
    memo->decay = NAN;
}

void bone_advance_memo(bone_state *b, const bone_rates *r, const model_params *p, double dt,
                       bone_memo *memo)
{
    if (dt <= 0)
        return;
    /* Resorption is held at its value for the density of the last refresh, which may
     * lie several intervals back. Where that would remove more than a share of the
     * remodelable excess (fast turnover over a long interval), the interval is split
     * and resorption follows the excess down, so BMD never steps past residual_bmd. */
    const double max_share = p->bone_max_step_resorption;
    const double excess = b->bmd - p->bone_residual_bmd;
    if (r->per_excess <= 0 || (r->per_excess * dt <= max_share && r->resorption * dt <= max_share * excess)) {
        if (!(dt == memo->dt)) {
            memo->dt = dt;
            memo->decay = kinetics_lag_decay(p->bone_formation_lag, dt);
        }
        kinetics_lagged_balance_by(&b->formation, &b->bmd, r->coupling * r->resorption, r->resorption,
                                   p->bone_formation_lag, dt, memo->decay);
        cap_density(b, r->resorption, p);
        return;
    }
    double steps = ceil(r->per_excess * dt / max_share), h = dt / steps;
    for (double i = 0; i < steps; i++) {
        double resorption = r->per_excess * msk_fmax(0.0, b->bmd - p->bone_residual_bmd);
        kinetics_lagged_balance(&b->formation, &b->bmd, r->coupling * resorption, resorption,
                                p->bone_formation_lag, h);
        cap_density(b, resorption, p);
    }
}

double bone_stimulus(double strength_rel, double loading, double bmd_rel, double weekly,
                     const model_params *p)
{
    double w = p->bone_muscle_weight;
    /* Strain rises as the same load meets less bone (Frost): divide by density. */
    double floor = p->bone_stimulus_floor;
    double habitual = floor + (1.0 - floor) * (w * strength_rel + (1.0 - w)) * loading;
    double training = weekly > 0 ? p->bone_training_stimulus * weekly /
                                       (weekly + p->muscle_train_halfsat)
                                 : 0.0;
    /* Training strain, too, falls as bone densifies: gains level off (Frost). */
    return (habitual + training) / bmd_rel;
}

double bone_tscore(double bmd, int female, const model_params *p)
{
    if (female)
        return (bmd - p->bone_tscore_ref_mean_female) / p->bone_tscore_ref_sd_female;
    return (bmd - p->bone_tscore_ref_mean_male) / p->bone_tscore_ref_sd_male;
}

int bone_who_class(double t, const model_params *p)
{
    if (t <= p->criteria_osteoporosis_tscore)
        return 2;
    return t < p->criteria_osteopenia_tscore ? 1 : 0;
}
