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

/* A fall adds fear; a fracture adds pain. */
void activity_after_fall(activity_state *a, const model_params *p);
void activity_after_fracture(activity_state *a, const model_params *p);

/* Habitual activity relative to usual: strength_rel is leg strength relative to entry,
 * training is 1 while a training programme runs (0 otherwise). */
double activity_level(const activity_state *a, double strength_rel, int training,
                      const model_params *p);

#endif
