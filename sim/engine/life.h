/* life.h — one person's simulated life in one arm: the state and the steps that both
 * loops take, the exact one (individual.c, event by event) and the benchmark's
 * fixed-step one (fixedstep.c).
 *
 * Only those two see it: they define MSK_INDIVIDUAL_LOOPS and include individual.h,
 * which includes this header at its end (so this one needs individual.h's types without
 * including it back). Everyone else simulates a person through individual.h. */
#ifndef MSK_LIFE_H
#define MSK_LIFE_H

#ifndef MSK_INDIVIDUAL_H
#error "include individual.h with MSK_INDIVIDUAL_LOOPS defined, not life.h"
#endif

#include <stddef.h>
#include <stdint.h>

#include "activity.h"
#include "bone.h"
#include "dose.h"
#include "evq.h"
#include "muscle.h"

/* Scheduled event kinds, in the order simultaneous events run: observe first (it sees
 * the state reached by then), ends before starts (back-to-back windows don't overlap),
 * the end of follow-up last. */
typedef enum {
    EV_OBSERVE, EV_RECOVERY_END, EV_DISCHARGE, EV_IV_END,
    EV_EXPOSURE_START, EV_IV_START, EV_TRAINING_WEEK, EV_MENOPAUSE, EV_REASSESS, EV_END
} event_kind;

/* Immobilization kinds (event-log detail and counters). */
typedef enum {
    IMMOB_LEG_CAST, IMMOB_ARM_CAST, IMMOB_BED_REST, IMMOB_HOSPITAL, IMMOB_HIP_REHAB,
    IMMOB_ICU,         /* with IMMOB_HOSPITAL: intensive care within a stay */
    IMMOB_SPACEFLIGHT, /* non-weight-bearing unloading */
    IMMOB_KIND_COUNT
} immob_kind;

/* Muscle compartments: the index leg (cast, trained alone, its hip followed), the
 * other leg, both arms, and the trunk's muscle (trained by whole-body programmes; it
 * makes whole-body lean mass respond as trials measure it). */
enum { LEG_INDEX, LEG_OTHER, ARMS, TRUNK, COMPARTMENTS };
/* Columns of iv_slot.week_effect: what a week of an intervention adds to each stimulus. */
enum { EFF_HYPERTROPHY, EFF_NEURAL, EFF_BONE, EFF_RELIEF, EFF_SKILL, EFFECTS };
enum { CLOCK_FALL, CLOCK_ADMISSION, CLOCK_DEATH, CLOCKS };

typedef struct {
    const intervention_spec *spec;
    int active, stopped, withheld;
    int phase;            /* rehabilitation stage 0..2 */
    int32_t week;         /* weeks started */
    int32_t n_weeks;
    double adherence;
    double week_effect[COMPARTMENTS][EFFECTS]; /* this week's stimuli (EFF_*) */
    /* The last session's dose and what follows from it: sessions rarely change, so
     * their (pure) effect and adverse-event rates are computed once per change. */
    int dose_known, dose_frail;
    dose_session dose;
    dose_effect effect;
    double minor, serious, log1p_serious;
    /* The chance of a serious event in a week for the last number of sessions
     * attended (it is usually the same from week to week). */
    unsigned serious_attended;
    double serious_week;
} iv_slot;

typedef struct {
    const sim_plan *plan;
    const model_params *p;
    const person *x;
    rng_stream *rng;
    event_log *log;
    invariant_violation *bad; /* where a broken invariant is recorded */
    size_t arm;

    double t; /* days */
    int alive;
    muscle_state m[COMPARTMENTS];
    muscle_memo muscle_memo; /* exponentials of the last advance (muscle.h) */
    double contractile0[COMPARTMENTS];
    double grip_z0; /* grip at entry in log-scale SDs above peers of that age and sex */
    bone_state bone;
    bone_memo bone_memo;
    activity_state act;
    activity_memo activity_memo;

    int immob[IMMOB_KIND_COUNT]; /* overlapping episodes of each kind */
    double protein;              /* current intake, g/kg/day */
    double hip_fracture_day;     /* NAN without one */

    iv_slot iv[INDIVIDUAL_MAX_INTERVENTIONS];
    size_t n_iv;

    /* Piecewise-constant inputs and hazards, set by life_refresh(). */
    muscle_inputs min[COMPARTMENTS];
    bone_rates brates;
    double activity;     /* relative to usual */
    double rate[CLOCKS]; /* per day */
    double clock[CLOCKS];
    double refreshed_at; /* time of the last life_refresh() */
    /* Memos of pure functions of the state, so that several readers at one time
     * compute them once: gait speed for a leg strength; protein availability. */
    double gait_strength, gait;
    double avail_protein;
    muscle_protein avail;
    uint32_t draws[CLOCKS];

    uint32_t count[EVC_COUNT];
    uint32_t n_logged;
    uint64_t events, steps; /* work done, for msksim bench */
    double alive_days, immobilized_days;
    evq q;
} life;

/* Observations stay out of the event list: their times are a sorted array, walked with
 * the cursor next_obs, and EV_OBSERVE, the first kind, runs before any other event at
 * the same time, as the list would order it. A push and a pop saved per observation. */
static inline int life_observation_first(const life *L, size_t next_obs)
{
    return next_obs < L->plan->n_obs && L->plan->obs_days[next_obs] <= evq_next_time(&L->q);
}

/* Time of the next scheduled event, observations included. */
static inline double life_next_scheduled(const life *L, size_t next_obs)
{
    return life_observation_first(L, next_obs) ? L->plan->obs_days[next_obs] : evq_next_time(&L->q);
}

/* What follows a scheduled event. */
enum { AFTER_REFRESH, AFTER_NOTHING, AFTER_END, AFTER_BROKEN };

/* Recompute every piecewise-constant input and hazard from the current state. */
void life_refresh(life *L);

/* Advance the physiology and the hazard clocks to time t1. Returns 0 when the new
 * state breaks an invariant. */
int life_advance(life *L, double t1);

/* Fire stochastic clock `which` at the current time. Returns 1 when the person died
 * (the records from next_obs on are then filled), 0 otherwise. */
int life_fire(life *L, int which, obs_record *rec, size_t next_obs);

/* Remove the next scheduled event, observations included, into *e. */
void life_pop_scheduled(life *L, size_t next_obs, evq_event *e);

/* Run scheduled event e at the current time; returns what follows (AFTER_*). */
int life_run_scheduled(life *L, const evq_event *e, obs_record *rec, size_t *next_obs);

/* The fixed-step loop (plan->fixed_step_days = h > 0) that msksim bench compares with
 * the exact one (docs/performance.md): rec receives the plan's n_obs records. MSK_OK,
 * or MSK_ESOFTWARE when an invariant broke, as the exact loop. */
msk_status fixedstep_run(life *L, obs_record *rec, double h);

#endif
