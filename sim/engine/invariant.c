/* invariant.c — bounds of the physiological state and of observations (invariant.h). */
#include "invariant.h"

#include <math.h>
#include <stdio.h>

#include "evq.h"
#include "scenario.h"

const invariant_bound invariant_state_bounds[INV_STATE_COUNT] = {
    [INV_CONTRACTILE] = {"contractile muscle mass", "kg", 1e-6, 200},
    [INV_NONCONTRACTILE] = {"non-contractile lean mass", "kg", 0, 200},
    [INV_NEURAL] = {"neural factor", "1", 1e-6, 50},
    /* docs/architecture.md: BMD outside 0.05-2.5 g/cm^2 is a bug. */
    [INV_BMD] = {"femoral-neck BMD", "g cm-2", 0.05, 2.5},
    [INV_PENDING_EVENTS] = {"pending events of one person", "1", 0, EVQ_CAPACITY},
};

/* In the order of the observables (models/observables.def), as obs_var. */
const invariant_bound invariant_obs_bounds[] = {
#define OBSERVABLE(id, name, units, long_name, label, display, hlo, hhi, blo, bhi) {name, units, blo, bhi},
#include "observables.def"
};
const size_t invariant_obs_count = sizeof invariant_obs_bounds / sizeof invariant_obs_bounds[0];

/* The events scheduled before time zero (observation, end, reassessment, two menopause
 * stages, exposures, interventions) always fit the event list. */
_Static_assert(5 + (int)SCENARIO_MAX_EXPOSURES + (int)SCENARIO_MAX_INTERVENTIONS <= (int)EVQ_CAPACITY,
               "the initial events fit the event list");

int invariant_check(invariant_violation *v, const invariant_bound *b, double x)
{
    if (invariant_holds(b, x))
        return 1;
    if (!v->violated) {
        v->violated = 1;
        v->bound = b;
        v->value = x;
    }
    return 0;
}

int invariant_check_observation(invariant_violation *v, const double *value, size_t n)
{
    for (size_t i = 0; i < n && i < invariant_obs_count; i++)
        if (!invariant_check(v, &invariant_obs_bounds[i], value[i]))
            return 0;
    return 1;
}

void invariant_report(const invariant_violation *v, const char *file, const char *arm_name,
                      diag_list *diags)
{
    const invariant_bound *b = v->bound;
    char why[96];
    if (isfinite(v->value))
        snprintf(why, sizeof why, "outside [%g, %g]", b->lo, b->hi);
    else
        snprintf(why, sizeof why, "not a finite number");
    diag_add(diags, DIAG_ERROR, file, 0, 0, "",
             "internal error: physiological invariant violated: individual %llu of replicate "
             "%lu, arm '%s', day %.4f, seed %llu: %s = %.17g %s, %s; a bug in a model, or a "
             "parameter combination the models do not support",
             (unsigned long long)v->individual, (unsigned long)v->replicate,
             arm_name ? arm_name : "?", v->day, (unsigned long long)v->seed, b->name, v->value,
             b->unit, why);
}
