/* dose.h — what one training session does: mechanical, metabolic (BFR) and neural
 * stimulus, its share of bone loading, and its adverse-event rates.
 *
 * Mechanical stimulus rises steeply with load (Hill curve in %1RM): high loads are
 * near maximal, 20-30% 1RM weak alone. A BFR cuff adds a metabolic stimulus that
 * saturates with cuff pressure (%AOP), weaker during walking. The weekly stimulus is
 * the sum over attended sessions; muscle.h turns it into synthesis and neural drive.
 * Muscle grows only from loading above its habitual: the mechanical hypertrophy
 * stimulus is what a session's load adds to that of everyday walking (so walking at
 * the usual pace maintains, and does not build, muscle). Passive stimuli (a cuff
 * without contraction, passive movement) do not build muscle; they relieve part of the
 * unloading of an unloaded limb, and nothing in a loaded one. */
#ifndef MSK_DOSE_H
#define MSK_DOSE_H

#include "params.h"

typedef enum {
    DOSE_RESISTANCE,       /* resistance exercise at load_pct_1rm */
    DOSE_WALKING,          /* walking at speed for minutes */
    DOSE_PASSIVE_BFR,      /* cuff cycles without contraction (immobilized limb) */
    DOSE_PASSIVE_MOVEMENT, /* passive joint movement (rehabilitation stage 1) */
} dose_mode;

typedef struct {
    dose_mode mode;
    double load_pct_1rm;   /* resistance; ignored otherwise */
    double cuff_pct_aop;   /* 0 without a cuff */
    double walk_minutes, walk_speed_kmh;
} dose_session;

typedef struct {
    double hypertrophy; /* contribution to the weekly muscle stimulus */
    double neural;      /* contribution to the weekly neural stimulus */
    double bone;        /* contribution to the weekly bone (strain) stimulus */
    double relief;      /* contribution to the weekly relief of unloading (passive stimuli) */
    double skill;       /* contribution to the weekly practice of a lift (heavier loads teach the 1RM more) */
} dose_effect;

/* Stimulus of one attended session. */
dose_effect dose_session_effect(const dose_session *s, const model_params *p);

/* Expected minor and serious adverse events of one session for a person; frail
 * multiplies by safety.frail_ae_factor. */
void dose_adverse_rates(const dose_session *s, int frail, const model_params *p,
                        double *minor, double *serious);

#endif
