/* falls.c — fall rate and fracture per fall. */
#include "falls.h"

#include <math.h>

#include "minmax.h"

double falls_rate(double age, int female, double gait, double grip, int immobilized,
                  const model_params *p)
{
    double rate = p->falls_rate_at80 * exp(p->falls_age_slope * (age - 80.0));
    /* Verghese 2009: rate ratio per 10 cm/s slower; faster walkers gain likewise. */
    rate *= pow(p->falls_gait_rr_per_10cm, (p->falls_gait_ref - gait) / 0.1);
    double ref = female ? p->falls_grip_ref_female : p->falls_grip_ref_male;
    double sd = female ? p->falls_grip_sd_female : p->falls_grip_sd_male;
    rate *= pow(p->falls_grip_hr_per_sd, (ref - grip) / sd);
    if (immobilized)
        rate *= p->falls_immobilized_rr;
    /* The exponential risk factors are fitted on ordinary ranges; their product would
     * otherwise grow without bound at extreme ages, gait or grip. */
    return msk_fmin(rate, p->falls_max_rate);
}

void falls_fracture_probabilities(double tscore, double age, const model_params *p,
                                  double prob[FRACTURE_SITE_COUNT])
{
    double sd_below = p->falls_fracture_ref_tscore - tscore; /* > 0: weaker bone */
    /* Only the hip: wrist fractures per fall do not rise with age (older people break
     * a fall with the hand less often), so the other sites keep the BMD term alone. */
    double age_rr = exp(p->falls_hip_age_slope * (msk_fmin(age, p->falls_hip_age_max) - p->falls_hip_age_ref));
    prob[FRACTURE_HIP] = p->falls_hip_prob * pow(p->falls_hip_rr_per_sd, sd_below) * age_rr;
    prob[FRACTURE_WRIST] = p->falls_wrist_prob * pow(p->falls_other_rr_per_sd, sd_below);
    prob[FRACTURE_VERTEBRAL] = p->falls_vertebral_prob * pow(p->falls_vertebral_rr_per_sd, sd_below);
    prob[FRACTURE_OTHER] = p->falls_other_prob * pow(p->falls_other_rr_per_sd, sd_below);
    double total = 0;
    for (int s = FRACTURE_HIP; s < FRACTURE_SITE_COUNT; s++)
        total += prob[s];
    /* Very low BMD cannot push the chance of a fracture per fall past a ceiling. */
    double cap = p->falls_max_fracture_prob;
    if (total > cap) {
        for (int s = FRACTURE_HIP; s < FRACTURE_SITE_COUNT; s++)
            prob[s] *= cap / total;
        total = cap;
    }
    prob[FRACTURE_NONE] = 1.0 - total;
}

fracture_site falls_fracture_site(double tscore, double age, double u, const model_params *p)
{
    double prob[FRACTURE_SITE_COUNT];
    falls_fracture_probabilities(tscore, age, p, prob);
    double acc = 0;
    for (int s = FRACTURE_HIP; s < FRACTURE_SITE_COUNT; s++) {
        acc += prob[s];
        if (u < acc)
            return (fracture_site)s;
    }
    return FRACTURE_NONE;
}
