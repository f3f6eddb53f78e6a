/* activity.h — habitual activity and the psychological side of the vicious cycle.
 *
 * Activity (relative to the person's usual at entry) falls with weakness, fear of
 * falling after falls, pain after fractures and lasting disability after a hip
 * fracture without recovery, and rises a little with regular training. It sets the
 * loading of the legs, which drives muscle (muscle.h) and bone (bone.h). */
#ifndef MSK_ACTIVITY_H
#define MSK_ACTIVITY_H

#include "params.h"

typedef struct {
    double fear;    /* 0..1: activity restriction from fear of falling */
    double pain;    /* 0..1: activity restriction from fracture pain */
    double lasting; /* 0..1: lasting activity capacity (1 unless disabled by a fracture) */
} activity_state;

void activity_init(activity_state *a);

/* Fear and pain fade exponentially over dt days. */
void activity_fade(activity_state *a, const model_params *p, double dt_days);

/* activity_fade with the factors e^{-dt/decay} of the last step kept in *memo and
 * reused for the same step (the same numbers). One memo serves one set of parameters
 * p; activity_memo_init empties it. */
typedef struct {
    double fear_dt, fear, pain_dt, pain; /* *_dt NAN: empty */
} activity_memo;
void activity_memo_init(activity_memo *memo);
void activity_fade_memo(activity_state *a, const model_params *p, double dt_days,
                        activity_memo *memo);

/* A fall adds fear; a fracture adds pain. */
void activity_after_fall(activity_state *a, const model_params *p);
void activity_after_fracture(activity_state *a, const model_params *p);

/* Habitual activity relative to usual: strength_rel is leg strength relative to entry,
 * training is 1 while a training programme runs (0 otherwise). */
double activity_level(const activity_state *a, double strength_rel, int training,
                      const model_params *p);

#endif
