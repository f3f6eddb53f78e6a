/* bone.h — femoral-neck BMD as a balance of resorption and lagged formation.
 *
 * Osteoclast resorption R and osteoblast formation F (g/cm^2/day) set the change of
 * BMD: dBMD/dt = F - R. Formation follows resorption with a lag (coupling) towards
 * beta * R: dF/dt = (beta R - F)/tau. R and beta come from a mechanostat (the strain
 * stimulus against a lazy zone), ageing, oestrogen loss at menopause and nutrition
 * (docs/model.md, "Bone"). With constant R and beta the state advances exactly. */
#ifndef MSK_BONE_H
#define MSK_BONE_H

#include "params.h"

typedef struct {
    double bmd;       /* g/cm^2, femoral neck */
    double formation; /* g/cm^2/day */
} bone_state;

typedef struct {
    double stimulus;            /* 1: relative strain stimulus (1 = habitual at entry) */
    double age;                 /* years */
    double years_since_fmp;     /* years since the final menstrual period; NAN for men
                                   and for women before the transition */
    double calcium_mg, vitamin_d_iu, protein_g_per_kg;
} bone_inputs;

typedef struct {
    double resorption; /* g/cm^2/day */
    double coupling;   /* beta: formation target / resorption */
    double per_excess; /* 1/day: resorption per g/cm^2 above the residual density; 0 = not
                          known, the interval is never split */
} bone_rates;

/* Start with formation in equilibrium with the entry inputs (as if they had held for
 * a long time), so the first interval has no artificial transient. */
void bone_init(bone_state *b, double bmd, const bone_inputs *in, const model_params *p);

/* Remodeling rates for the current state and inputs. */
bone_rates bone_rates_for(const bone_state *b, const bone_inputs *in, const model_params *p);

/* Advance by dt days with constant rates (exact); an interval in which resorption
 * would remove more than bone.max_step_resorption of the remodelable density is split,
 * resorption following the density from step to step. */
void bone_advance(bone_state *b, const bone_rates *r, const model_params *p, double dt_days);

/* bone_advance with the formation lag's decay over the last unsplit step kept in
 * *memo and reused for the same step (the same expression of the same operands: the
 * same numbers). One memo serves one set of parameters p; bone_memo_init empties it. */
typedef struct {
    double dt, decay; /* dt NAN: empty */
} bone_memo;
void bone_memo_init(bone_memo *memo);
void bone_advance_memo(bone_state *b, const bone_rates *r, const model_params *p, double dt_days,
                       bone_memo *memo);

/* Mechanostat stimulus: strain from muscle force and weight-bearing activity, scaled
 * by loading, relative to bone density at entry, plus training strain. */
double bone_stimulus(double strength_rel, double loading, double bmd_rel,
                     double weekly_bone_stimulus, const model_params *p);

/* T-score against the young-adult reference of the sex (params bone.tscore_ref_*). */
double bone_tscore(double bmd, int female, const model_params *p);

/* WHO class from a T-score: 0 normal, 1 osteopenia, 2 osteoporosis
 * (criteria.osteopenia_tscore, criteria.osteoporosis_tscore). */
int bone_who_class(double tscore, const model_params *p);

#endif
