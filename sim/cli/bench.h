/* bench.h — one measured run of a scenario, for `msksim bench` (docs/performance.md).
 *
 * Each run happens in a child process (fork), so that its peak resident memory is its
 * own (wait4's ru_maxrss) and no run inherits the heap, the OpenMP thread pool or the
 * page cache of the one before. The child simulates the scenario (the exact loop, or
 * the fixed-step loop of individual.h), optionally writes the result file into a
 * scratch directory and removes it, and sends its figures back through a pipe. The
 * parent never runs an OpenMP region itself, so forking is safe. */
#ifndef MSK_BENCH_H
#define MSK_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include "observe.h"
#include "scenario.h"

enum { BENCH_MAX_ARMS = 16 };

/* Outcomes compared between the exact and the fixed-step loop. */
typedef enum { BENCH_LEG_LEAN, BENCH_KNEE, BENCH_BMD, BENCH_FALLS, BENCH_FRACTURES, BENCH_OUTCOMES } bench_outcome;
/* Its name in the result file (models/observables.def). */
const char *bench_outcome_name(bench_outcome o);

typedef struct {
    int threads;
    double step_days;   /* 0: the exact event-driven loop; > 0: fixed steps */
    int write_output;   /* write (and then remove) the HDF5 result file */
    const char *scratch_dir; /* where the result file goes */
} bench_options;

typedef struct {
    int status;                 /* msk_status of the child (MSK_OK when it worked) */
    double sim_seconds;         /* wall clock of the simulation (engine) */
    double output_seconds;      /* wall clock of writing the result file */
    double cpu_seconds;         /* user + system time of the whole child */
    double sim_cpu_seconds;     /* the same up to the end of the simulation */
    double person_years;        /* all arms */
    uint64_t events, steps;     /* events handled; fixed steps taken */
    long peak_rss_kb;           /* of the child */
    double output_mb;           /* size of the result file */
    double sample_mb, log_mb;   /* output buffers: sampled trajectories, event log */
    int sample_in_file;         /* the sampled trajectories waited in a temporary file
                                   (spill.h), not in memory */
    double accumulator_mb;      /* integer accumulators: one per thread plus the merged one */
    size_t n_arms;
    /* Per arm: mean at the end among survivors (BENCH_LEG_LEAN..BENCH_BMD, in the
     * variable's unit), mean % change from baseline among survivors, and events per
     * 1000 person-years (BENCH_FALLS, BENCH_FRACTURES). */
    double end_mean[BENCH_MAX_ARMS][BENCH_OUTCOMES];
    double change_pct[BENCH_MAX_ARMS][BENCH_OUTCOMES];
    double rate[BENCH_MAX_ARMS][BENCH_OUTCOMES];
} bench_figures;

/* Run sc once as *o says, in a child process, and fill *out. Returns MSK_OK, or the
 * child's failure (out->status), or MSK_ESOFTWARE when the child could not be started
 * or died (a message on stderr says why). */
msk_status bench_measure(const scenario *sc, const bench_options *o, bench_figures *out);

#endif
