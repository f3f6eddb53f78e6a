/* invariant.h — physiological invariants checked while a person is simulated.
 *
 * Input is validated before time zero, so a state that stops being finite or leaves
 * physiological bounds during a run (a negative mass, BMD outside 0.05-2.5 g/cm^2, a
 * gait speed of 40 m/s) is a bug in a model, or a parameter combination the models do
 * not support. It must not reach the accumulators or the result file: the person's
 * simulation stops, the engine ends the run with MSK_ESOFTWARE and one diagnostic
 * naming the individual, replicate, arm, day, seed, variable, value and bounds, and
 * nothing is written. The checks are a few comparisons per state update and per
 * observation: the bounds are plain numbers, and a NaN fails every comparison.
 *
 * The bounds are deliberately wide (they are not clinical thresholds). Masses are
 * positive and finite, and BMD stays within the range docs/architecture.md documents.
 * Strength, speed and steps only have to stay below magnitudes that are no longer a
 * body (a grip of a tonne, usual gait of 20 m/s): the tails of the baseline draws at
 * the edges of the parameter ranges must never stop a valid run, a runaway number
 * must. The pending events of one person are bounded by the event list (evq.h). */
#ifndef MSK_INVARIANT_H
#define MSK_INVARIANT_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

typedef struct {
    const char *name; /* the variable, as in the result file or the model state */
    const char *unit;
    double lo, hi;    /* allowed closed range; a value must also be finite */
} invariant_bound;

/* What broke, where and when; filled by the first failed check only. */
typedef struct {
    int violated;
    const invariant_bound *bound;
    double value;
    uint64_t individual;
    uint32_t replicate;
    size_t arm;
    double day;
    uint64_t seed;
} invariant_violation;

/* State variables checked after every advance of the physiology. */
typedef enum {
    INV_CONTRACTILE,    /* kg, contractile mass of one compartment */
    INV_NONCONTRACTILE, /* kg, the rest of its lean mass */
    INV_NEURAL,         /* 1, neural factor */
    INV_BMD,            /* g/cm^2 */
    INV_PENDING_EVENTS, /* 1, scheduled events of one person (evq.h capacity) */
    INV_STATE_COUNT
} invariant_state;
extern const invariant_bound invariant_state_bounds[INV_STATE_COUNT];

/* Bounds of the observed variables, in the order of models/observables.def. */
extern const invariant_bound invariant_obs_bounds[];
extern const size_t invariant_obs_count;

/* Does X lie within B (and is it finite)? */
static inline int invariant_holds(const invariant_bound *b, double x)
{
    return x >= b->lo && x <= b->hi; /* false for NaN; the bounds are finite */
}

/* Check one value; on failure record it in *v (unless a violation is already there)
 * and return 0. */
int invariant_check(invariant_violation *v, const invariant_bound *b, double x);

/* Check n observed values (n = invariant_obs_count); 0 on the first failure. */
int invariant_check_observation(invariant_violation *v, const double *value, size_t n);

/* Add the diagnostic for *v to diags: FILE (the scenario) without a line, the arm's
 * name, and the sentence described above. */
void invariant_report(const invariant_violation *v, const char *file, const char *arm_name,
                      diag_list *diags);

#endif
