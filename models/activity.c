/* activity.c — activity as a function of strength, fear, pain and disability. */
#include "activity.h"

#include <math.h>

#include "minmax.h"

void activity_init(activity_state *a)
{
    a->fear = 0;
    a->pain = 0;
    a->lasting = 1;
}

void activity_fade(activity_state *a, const model_params *p, double dt)
{
    if (dt <= 0)
        return;
    /* Nothing to fade is the usual case: skip the exponential (0 times it is 0). */
    if (a->fear != 0)
        a->fear *= exp(-dt / p->activity_fear_decay);
    if (a->pain != 0)
        a->pain *= exp(-dt / p->activity_pain_decay);
}

void activity_memo_init(activity_memo *memo)
{
    memo->fear_dt = memo->pain_dt = NAN;
    memo->fear = memo->pain = NAN;
}

void activity_fade_memo(activity_state *a, const model_params *p, double dt, activity_memo *memo)
{
    if (dt <= 0)
        return;
    /* activity_fade's expressions, each computed once per step. */
    if (a->fear != 0) {
        if (!(dt == memo->fear_dt)) {
            memo->fear_dt = dt;
            memo->fear = exp(-dt / p->activity_fear_decay);
        }
        a->fear *= memo->fear;
    }
    if (a->pain != 0) {
        if (!(dt == memo->pain_dt)) {
            memo->pain_dt = dt;
            memo->pain = exp(-dt / p->activity_pain_decay);
        }
        a->pain *= memo->pain;
    }
}

void activity_after_fall(activity_state *a, const model_params *p)
{
    /* Each fall removes a further share of what activity remains. */
    a->fear = 1.0 - (1.0 - a->fear) * (1.0 - p->activity_fear_per_fall);
}

void activity_after_fracture(activity_state *a, const model_params *p)
{
    a->pain = msk_fmax(a->pain, p->activity_fracture_pain);
}

double activity_level(const activity_state *a, double strength_rel, int training,
                      const model_params *p)
{
    double capacity = pow(msk_fmax(strength_rel, 0.0), p->activity_strength_exponent);
    double level = capacity * (1.0 - a->fear) * (1.0 - a->pain) * a->lasting;
    if (training)
        level *= 1.0 + p->activity_training_activity_gain;
    return level;
}
