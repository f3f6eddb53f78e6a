/* mortality.c — background mortality, excess after hip fracture, admissions. */
#include "mortality.h"

#include <math.h>

#include "lifetable.h"
#include "minmax.h"

double mortality_table_hip_excess(double age, int female, const model_params *p)
{
    double k = female ? p->mortality_table_hip_slope_female : p->mortality_table_hip_slope_male;
    double i67 = female ? p->mortality_table_hip_rate_female : p->mortality_table_hip_rate_male;
    double tau = p->mortality_hip_hr_decay / 365.25, cap = p->mortality_table_hip_age_max;
    /* Incidence I(a) = I67 e^{k (a - 67)}, constant past the cap. The integral of
     * I(a - u) e^{-u/tau} over u >= 0: the constant stretch of d = a - cap years (if
     * any), then the exponential one, e^{-d/tau} I(cap) tau / (1 + k tau). */
    double incidence = i67 * exp(k * (msk_fmin(age, cap) - 67.0));
    double rising = tau / (1.0 + k * tau), kernel = rising;
    /* Below the cap (nearly everyone) the constant stretch is empty: no second exp on
     * this path, which every mortality refresh takes. */
    if (age > cap) {
        double w = exp(-(age - cap) / tau);
        kernel = tau * (1.0 - w) + w * rising;
    }
    return (p->mortality_hip_fracture_hr - 1.0) * incidence * kernel;
}

double mortality_rate(double age, int female, double grip_z, double days_since_hip,
                      const model_params *p)
{
    /* Everyone's background is the table less the hip-fracture excess it holds, so
     * that the excess moves deaths to those who break a hip (and an intervention that
     * prevents fractures prevents those deaths) without counting them twice. */
    double rate = p->mortality_table_scale * lifetable_hazard(age, female) /
                  (1.0 + mortality_table_hip_excess(age, female, p));
    /* The table is everyone's mortality, the weak and the strong: the weakness ratio
     * is taken relative to its mean over a standard normal grip z, E[h^-z] =
     * exp((ln h)^2 / 2), so that it moves deaths between people, not their number. */
    double ln_h = log(p->mortality_weakness_hr_per_sd);
    rate *= exp(-ln_h * grip_z - 0.5 * ln_h * ln_h);
    if (!isnan(days_since_hip)) {
        /* Haentjens 2010: excess mortality highest early, fading over months. */
        double excess = (p->mortality_hip_fracture_hr - 1.0) *
                        exp(-days_since_hip / p->mortality_hip_hr_decay);
        rate *= 1.0 + excess;
    }
    return rate;
}

double mortality_admission_rate(double age, const model_params *p)
{
    /* Fitted on ordinary ages; the exponential cannot go on for ever. */
    return msk_fmin(p->hospital_rate_at75 * exp(p->hospital_age_slope * (age - 75.0)), p->hospital_max_rate);
}

double mortality_admission_stay(double z, const model_params *p)
{
    return p->hospital_stay_median * exp(p->hospital_stay_log_sd * z);
}
