/* estimate.h — what a run will need before it starts: memory, disk and time.
 *
 * Most of a run's memory is known exactly from the scenario: the accumulators (arms x
 * observation times), each thread's working copy, the sampled trajectories. The event
 * log is not: how many falls, fractures, admissions and adverse events people have is
 * what the run finds out. So a pilot simulates the first ESTIMATE_PILOT_PEOPLE people
 * of the scenario in every arm, observed only at the start and end (observation times
 * never change what happens: individual.h), counts their log entries and scales the
 * count to the population, with a margin for the pilot's sampling error. The same pilot
 * gives the time per person. The run then holds the event log to the budget the
 * estimate leaves it (engine_options.log_limit), so a wrong guess still ends early with
 * a message instead of exhausting the machine. */
#ifndef MSK_ESTIMATE_H
#define MSK_ESTIMATE_H

#include <stddef.h>
#include <stdint.h>

#include "scenario.h"
#include "status.h"

enum {
    ESTIMATE_PILOT_PEOPLE = 256,
    /* Peak bytes per event-log entry: the 32-byte entry in a thread's buffer that
     * doubles as it grows (up to 64), plus the merge's copy into the result (32). */
    ESTIMATE_LOG_ENTRY_PEAK = 96
};

typedef struct {
    size_t n_arms, n_obs;
    uint64_t people;          /* per arm: population size x replicates */
    double log_entries;       /* event-log entries expected, all arms (an upper estimate) */
    double log_per_person;    /* the pilot's mean entries per person, all arms */
    uint64_t acc_bytes;       /* the merged accumulators */
    uint64_t thread_bytes;    /* every thread's working accumulators and records */
    uint64_t sample_bytes;    /* the sampled trajectories */
    int sample_on_disk;       /* they wait in a temporary file (spill.h) */
    uint64_t log_bytes;       /* the event log at its peak */
    uint64_t memory_bytes;    /* all of it: what the process needs at its peak */
    uint64_t temp_bytes;      /* temporary file in $TMPDIR (the spilled trajectories) */
    uint64_t output_bytes;    /* the result file, about */
    double seconds;           /* simulation time on `threads` threads, about (pilot x people) */
    size_t pilot_people;
} engine_estimate;

/* Estimate what sc needs on `threads` threads (>= 1), simulating a pilot. MSK_OK, or
 * what the pilot failed with (MSK_EDATA when no eligible person can be drawn, ...). */
msk_status engine_estimate_run(const scenario *sc, int threads, engine_estimate *e, diag_list *diags);

/* The most event-log entries the run may hold within memory_budget bytes, given what
 * else it needs: 0 when even the rest does not fit. */
uint64_t engine_estimate_log_limit(const engine_estimate *e, uint64_t memory_budget);

#endif
