/* engine.h — run a scenario over its whole population, in parallel.
 *
 * The population (size x replicates people) is cut into fixed blocks of
 * ENGINE_BLOCK people; OpenMP threads take blocks dynamically. Each person is
 * simulated in the reference arm first and then in every other arm, with the same
 * random streams (paired arms). Each thread adds into its own accumulators, merged
 * exactly into the shared one (observe.h: histogram counts during the run, the rest
 * at the end), so the data are bit-identical for any thread count.
 * The event log is sorted by (replicate, individual, order of occurrence), also
 * independent of scheduling. A run can be split into block ranges (MPI ranks) and the
 * pieces merged with the same result. */
#ifndef MSK_ENGINE_H
#define MSK_ENGINE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "individual.h"
#include "observe.h"
#include "population.h"
#include "scenario.h"
#include "spill.h"

enum { ENGINE_BLOCK = 64 };

typedef struct {
    sim_plan plan;
    double *obs_days;        /* n_obs observation times, days */
    obs_acc *acc;            /* merged accumulators, one row per arm */
    size_t n_strata;         /* record.strata's cells (1: none asked for) */
    obs_acc *strata;         /* n_strata > 1: one row per (arm, stratum), arm-major, of
                                which acc is the exact sum; NULL otherwise */
    event_log *logs;         /* per arm, sorted */
    size_t n_sample;         /* sampled individuals (replicate 0, ids 0..n_sample-1) */
    person *sample_people;   /* [n_sample] */
    obs_record *sample;      /* [arm][n_sample][n_obs]: sample_store's array */
    spill sample_store;      /* in a temporary file when large (spill.h): read it through
                                `sample`, then engine_sample_release */
    size_t n_people;         /* enrolled per arm (the whole population, also for a block range) */
    size_t block_begin, block_end; /* the blocks simulated (all of them unless split) */
    double seconds;          /* wall-clock time of the simulation */
    int threads;
    individual_work work;    /* events handled and fixed steps taken, all arms */
} engine_result;

/* Run sc with `threads` OpenMP threads (>= 1). `stop` (may be NULL) is polled between
 * blocks: when it becomes non-zero the run ends with MSK_EINTERRUPTED. On success
 * fills *out (free with engine_result_fini). */
msk_status engine_run(const scenario *sc, int threads, volatile sig_atomic_t *stop,
                      engine_result *out, diag_list *diags);
void engine_result_fini(engine_result *r);

/* The sampled trajectories of arm will not be read again soon: when they live in a
 * temporary file, their pages leave the process's memory (they can still be read). */
void engine_sample_release(const engine_result *r, size_t arm);

/* A run restricted to blocks [block_begin, block_end) of engine_block_count(sc)
 * (block_end is clamped to the count: SIZE_MAX means to the end), as an MPI rank or a
 * sweep runs it. Sampled people
 * outside the range are left zeroed; blockmerge.h adds ranges together. */
typedef struct {
    int threads;                  /* >= 1 */
    volatile sig_atomic_t *stop;  /* may be NULL */
    size_t block_begin, block_end;
    int quiet;                    /* no progress bar */
    size_t sample_memory_limit;   /* sampled trajectories larger than this many bytes go
                                     to a temporary file (spill.h); 0: SPILL_MEMORY_LIMIT */
    uint64_t log_limit;           /* the most event-log entries the run may hold (0: no
                                     limit); past it the run stops with MSK_ENOMEM and
                                     says why (estimate.h gives the budget) */
} engine_options;

size_t engine_block_count(const scenario *sc);

/* The strata of sc's summaries: record.strata's cells, 1 when none are asked for. */
size_t engine_strata_count(const scenario *sc);

/* The accumulator people are added to: the strata's when there are strata (acc is
 * then made from it at the end, engine_strata_total), acc otherwise. */
obs_acc *engine_cells(engine_result *r);

/* r->acc += the sum over strata of r->strata (nothing without strata). */
void engine_strata_total(engine_result *r);
msk_status engine_run_blocks(const scenario *sc, const engine_options *opt, engine_result *out,
                             diag_list *diags);

/* engine_run_blocks with the fixed-step loop of step_days > 0 days instead of the
 * exact one (sim_plan; 0 is the exact loop): what msksim bench compares it with
 * (docs/performance.md). */
msk_status engine_run_stepped(const scenario *sc, const engine_options *opt, double step_days,
                              engine_result *out, diag_list *diags);

/* Sort an arm's event log by (replicate, individual, order of occurrence): the one
 * order of every log, in one process or merged from MPI ranks (blockmerge.h). */
void engine_log_sort(event_log *log);

/* Observation times for a scenario: every observe_every_weeks from 0, plus the
 * horizon when it is not a multiple. Returns the count; *days is malloc'ed. */
size_t engine_observation_days(const scenario *sc, double **days);

#endif
