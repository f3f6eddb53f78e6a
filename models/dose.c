/* dose.c — session stimulus and adverse-event rates. */
#include "dose.h"

#include <math.h>

static double load_effect(double load, const model_params *p)
{
    if (load <= 0)
        return 0.0;
    double x = pow(load / p->muscle_load_halfeff, p->muscle_load_hill);
    return x / (1.0 + x);
}

static double bfr_effect(double cuff, const model_params *p)
{
    if (cuff <= 0)
        return 0.0;
    return p->muscle_bfr_stimulus_max * cuff / (cuff + p->muscle_bfr_halfeff);
}

/* Hypertrophy stimulus of a load: what it adds to everyday loading (walking at
 * 4 km/h, muscle.walk_load_at4kmh), which only maintains the set point. */
static double load_above_habitual(double load, const model_params *p)
{
    return fmax(0.0, load_effect(load, p) - load_effect(p->muscle_walk_load_at4kmh, p));
}

dose_effect dose_session_effect(const dose_session *s, const model_params *p)
{
    dose_effect e = {0, 0, 0, 0, 0};
    switch (s->mode) {
    case DOSE_RESISTANCE: {
        double mech = load_effect(s->load_pct_1rm, p);
        double bfr = bfr_effect(s->cuff_pct_aop, p);
        e.hypertrophy = load_above_habitual(s->load_pct_1rm, p) + bfr;
        e.neural = mech + p->muscle_bfr_neural_factor * bfr;
        e.bone = mech;
        /* Practising a lift teaches it, the more the heavier the load (Schoenfeld
         * 2017: 1RM gains favour heavy loads, isometric gains do not). */
        e.skill = mech;
        break;
    }
    case DOSE_WALKING: {
        /* Quadriceps load of walking rises with speed; the stimulus with minutes up
         * to the reference session length. */
        double load = p->muscle_walk_load_at4kmh * s->walk_speed_kmh / 4.0;
        double minutes = fmin(1.0, s->walk_minutes / p->muscle_walk_minutes_ref);
        double mech = load_effect(load, p);
        double bfr = p->muscle_bfr_walking_factor * bfr_effect(s->cuff_pct_aop, p);
        e.hypertrophy = (load_above_habitual(load, p) + bfr) * minutes;
        e.neural = (mech + p->muscle_bfr_neural_factor * bfr) * minutes;
        e.bone = mech * minutes;
        break;
    }
    case DOSE_PASSIVE_BFR:
        /* Saturates with pressure like BFR during exercise, scaled to its own maximum. */
        e.relief = s->cuff_pct_aop > 0 ? p->muscle_passive_bfr_relief * s->cuff_pct_aop /
                                             (s->cuff_pct_aop + p->muscle_bfr_halfeff)
                                       : 0.0;
        break;
    case DOSE_PASSIVE_MOVEMENT:
        e.relief = p->muscle_passive_movement_relief;
        break;
    }
    return e;
}

void dose_adverse_rates(const dose_session *s, int frail, const model_params *p,
                        double *minor, double *serious)
{
    double frailty = frail ? p->safety_frail_ae_factor : 1.0;
    *minor = 0;
    *serious = 0;
    if (s->cuff_pct_aop > 0) {
        double pressure = exp2((s->cuff_pct_aop - p->safety_bfr_ae_reference) / p->safety_bfr_ae_doubling);
        double mode = s->mode == DOSE_WALKING ? p->safety_bfr_walking_ae_factor : 1.0;
        *minor += p->safety_bfr_minor_ae * pressure * mode * frailty;
        *serious += p->safety_bfr_serious_ae * pressure * mode * frailty;
    }
    if (s->mode == DOSE_RESISTANCE && s->load_pct_1rm >= p->safety_high_load_pct)
        *minor += p->safety_high_load_ae * frailty;
    *minor = fmin(*minor, 1.0);
    *serious = fmin(*serious, 1.0);
}
