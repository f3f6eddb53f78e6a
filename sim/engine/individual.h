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
#include "population.h"
#include "rng.h"
#include "scenario.h"

/* Variables observed at every observation time (order = output order), from the one
 * table of observables (models/observables.def). */
typedef enum {
#define OBSERVABLE(id, name, units, long_name, label, display, hlo, hhi, blo, bhi) OV_##id,
#include "observables.def"
    OV_COUNT
} obs_var;

typedef struct {
    const char *name, *units, *long_name;
    double hist_lo, hist_hi; /* fixed histogram range for quantiles */
} obs_var_info;
extern const obs_var_info obs_var_table[OV_COUNT];

/* Conditions counted as prevalences. */
typedef enum {
    PREV_SARCOPENIA, PREV_SEVERE_SARCOPENIA, PREV_OSTEOPENIA, PREV_OSTEOPOROSIS,
    PREV_IMMOBILIZED, PREV_COUNT
} obs_prevalence;
extern const char *const obs_prevalence_names[PREV_COUNT];
extern const char *const obs_prevalence_long_names[PREV_COUNT];

/* Events counted cumulatively. */
typedef enum {
    EVC_FALL, EVC_FRACTURE, EVC_FRACTURE_HIP, EVC_FRACTURE_WRIST, EVC_FRACTURE_VERTEBRAL,
    EVC_FRACTURE_OTHER, EVC_IMMOBILIZATION, EVC_ADMISSION, EVC_ADVERSE_MINOR,
    EVC_ADVERSE_SERIOUS, EVC_DEATH, EVC_WITHHELD, EVC_COUNT
} obs_count;
extern const char *const obs_count_names[EVC_COUNT];
extern const char *const obs_count_long_names[EVC_COUNT];

/* What one person contributes at one observation time. */
typedef struct {
    uint8_t alive;
    uint8_t prevalent[PREV_COUNT];
    double value[OV_COUNT];         /* valid when alive */
    uint32_t count[EVC_COUNT];      /* events since the start, up to this time */
    double alive_days;              /* person-time since the start */
    double immobilized_days;        /* time immobilized since the start */
} obs_record;

/* Kinds written to the event log (flag values of events/kind). */
typedef enum {
    LOG_FALL, LOG_FRACTURE, LOG_ADMISSION, LOG_DISCHARGE, LOG_IMMOBILIZATION_START,
    LOG_IMMOBILIZATION_END, LOG_ADVERSE_MINOR, LOG_ADVERSE_SERIOUS, LOG_INTERVENTION_START,
    LOG_INTERVENTION_END, LOG_INTERVENTION_WITHHELD, LOG_PHASE, LOG_MENOPAUSE, LOG_DEATH,
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

#endif
