/* individual.h — one person's follow-up in one arm, event by event.
 *
 * The person's scheduled events (observations, exposures, intervention starts and
 * ends, training weeks, rehabilitation phases, menopause, reassessments) sit in a
 * future-event list (evq.h); stochastic events (falls, admissions, death) are
 * exponential clocks raced against it: each process holds the unit-exponential
 * "hazard mass" left until it fires, drawn from its own stream index, so the k-th
 * fall uses the same random number in every arm (paired arms). Between two events
 * all inputs are constant and the physiology advances exactly (models/). Inputs and
 * hazards are recomputed only after events that change the state, never after an
 * observation, so observing more often does not change what happens.
 *
 * The simulation writes one obs_record per observation time and, optionally, appends
 * its notable events to an event log. It reads the scenario and never allocates. */
#ifndef MSK_INDIVIDUAL_H
#define MSK_INDIVIDUAL_H

#include <stddef.h>
#include <stdint.h>

#include "invariant.h"
#include "observe.h"
#include "population.h"
#include "rng.h"
#include "scenario.h"

/* Kinds written to the event log (flag values of events/kind), from the one table of
 * observables (models/observables.def). */
typedef enum {
#define EVENT_LOG_KIND(id, name) LOG_##id,
#include "observables.def"
    LOG_KIND_COUNT
} log_kind;
extern const char *const log_kind_names; /* space-separated, for flag_meanings */

typedef struct {
    uint64_t individual;
    uint32_t replicate;
    uint32_t seq;     /* order among this person's entries in this arm */
    int8_t kind;      /* log_kind */
    int32_t detail;   /* fracture site, immobilization kind, intervention slot, phase... */
    double time;      /* days */
} log_entry;

/* A growable event-log buffer owned by one thread. */
typedef struct {
    log_entry *items;
    size_t count, capacity;
    int failed; /* set when growing failed (reported by the engine as out of memory) */
} event_log;

void event_log_init(event_log *log);
void event_log_fini(event_log *log);

/* Shared, read-only description of the run. */
typedef struct {
    const scenario *sc;
    double horizon_days;
    size_t n_obs;
    const double *obs_days; /* n_obs observation times, days */
    double fixed_step_days; /* 0: exact event-driven loop; h > 0: fixed steps of h days
                               (the benchmark's comparison, docs/performance.md) */
} sim_plan;

/* Work counted for the benchmark: events handled (scheduled and stochastic) and, in
 * the fixed-step loop, steps taken. */
typedef struct {
    uint64_t events, steps;
} individual_work;

/* Simulate person x in arm `arm` over the horizon. rec receives n_obs records; log,
 * when not NULL, receives the person's notable events; work, when not NULL, is added
 * to. Returns MSK_OK, or MSK_ESOFTWARE when a physiological invariant broke
 * (invariant.h): *bad then says what, when and for whom, and the records from that
 * time on are not filled. */
msk_status individual_simulate(const sim_plan *plan, const person *x, size_t arm,
                               rng_stream *rng, obs_record *rec, event_log *log,
                               invariant_violation *bad, individual_work *work);

enum { INDIVIDUAL_MAX_INTERVENTIONS = 32, INDIVIDUAL_MAX_EXPOSURES = 32 };

/* The loops' shared state and steps, for individual.c and fixedstep.c only. */
#ifdef MSK_INDIVIDUAL_LOOPS
#include "life.h"
#endif

#endif
