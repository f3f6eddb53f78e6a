/* population.h — virtual individuals drawn from age- and sex-specific distributions.
 *
 * Person i of replicate r is a pure function of (seed, i, r) and the scenario: the same
 * person in every arm, for any thread or rank count. Lean mass, strength, gait speed,
 * BMD and activity are drawn jointly (correlated normal residuals around the
 * age- and sex-specific means of the baseline.* parameters), so muscle and bone go
 * together. Inclusion criteria are applied by redrawing. */
#ifndef MSK_POPULATION_H
#define MSK_POPULATION_H

#include <stdint.h>

#include "rng.h"
#include "scenario.h"

typedef enum { CONDITION_NONE, CONDITION_NEUROGENIC, CONDITION_MYOGENIC } muscle_condition;

typedef struct {
    uint64_t id;        /* index within the replicate */
    uint32_t replicate;
    int female;
    double age;           /* years at entry */
    double height_cm, body_mass_kg;
    double leg_lean_kg;   /* DXA lean mass of one leg */
    double arm_lean_kg;   /* DXA lean mass of both arms */
    double knee_torque;   /* N*m, isometric knee extension */
    double grip_kg;
    double gait_ms;
    double fn_bmd;        /* g/cm^2 */
    double steps;         /* steps/day */
    double protein, calcium, vitamin_d; /* g/kg/day, mg/day, IU/day */
    double responsiveness;  /* training response multiplier, mean 1 */
    double adherence_z;     /* standard normal: how this person's adherence deviates */
    double aop_leg, aop_arm; /* mmHg */
    double menopause_age;    /* years; NAN for men */
    muscle_condition condition;
} person;

/* Precomputed draw machinery (the Cholesky factor of the residual correlations). */
typedef struct population population;

/* Validate the correlations (must form a positive-definite matrix) and prepare.
 * Returns NULL with a diagnostic in *diags on bad parameters or out of memory. */
population *population_create(const scenario *sc, diag_list *diags);
void population_destroy(population *pop);

/* Grip strength (kg) at the centre of the baseline distribution for people of this
 * age and sex: the draw of population_draw without the person's own residual. The
 * reference that "weaker than one's peers" is measured against. */
double population_grip_norm(double age, int female, const model_params *p);

/* Draw person id of replicate. Returns MSK_OK, or MSK_EDATA when no eligible person
 * was found in population_max_attempts tries (inclusion criteria too strict). */
msk_status population_draw(const population *pop, rng_stream *rng, uint64_t id,
                           uint32_t replicate, person *out);

/* The stratum (strata.h) a person belongs to: by sex, age, WHO class and EWGSOP2
 * sarcopenia at entry, classified as sim/io/persons.c writes them to /persons. */
size_t population_stratum(const strata_spec *spec, const person *x, const model_params *p);

enum { POPULATION_MAX_ATTEMPTS = 10000 };

#endif
