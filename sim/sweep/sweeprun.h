/* sweeprun.h — carry a sweep to its result file: resume from journals, farm the
 * remaining tasks out (one process, or MPI ranks), stop cleanly on a signal.
 *
 * The life of `msksim sweep FILE -o OUT.h5`:
 *   1. load and check the sweep (sweep.h); its key names what the results depend on;
 *   2. read OUT.h5.journal and any shard journals (journal.h): tasks found there with
 *      the same key are done; a journal of another key is an error; if there is no
 *      journal and OUT.h5 already holds this key, there is nothing to do;
 *   3. run the other tasks — in this process, or, under mpirun with N > 1 ranks, as a
 *      task farm: rank 0 hands task indices one at a time to ranks 1..N-1 (dynamic
 *      scheduling) and journals each result as it arrives; each rank runs its task
 *      with OpenMP threads;
 *   4. when every task is done: opt->write_result (sensitivity indices, the result
 *      file: temporary file renamed into place), then the journals are removed.
 * SIGUSR1 (e.g. `sbatch --signal=B:USR1@120`, forwarded by mpirun) drains: no new
 * tasks start, running ones finish and are journaled. SIGTERM and SIGINT also abort
 * the running tasks at their next block of people (their partial work is dropped).
 * Either way the exit status is 75 and the same command resumes. A job-array task
 * runs with --shard I/M: it does tasks t with t % M == I into its own journal; the
 * plain command afterwards assembles everything (running what is still missing). A
 * shard that finds, when it ends, every other run journaled writes the result too. */
#ifndef MSK_SWEEPRUN_H
#define MSK_SWEEPRUN_H

#include <signal.h>
#include <stddef.h>

#include "journal.h"
#include "mpi_env.h"
#include "sweep.h"

typedef struct {
    const char *sweep_path;
    const char *const *sets; /* --set on the sweep file */
    size_t n_sets;
    const char *out_path;    /* NULL: output/<sweep name>.h5 */
    const char *command_line;
    int threads;
    size_t shard_index, shard_count; /* shard_count 0: not sharded */
    int quiet;                       /* no table */
    volatile sig_atomic_t *stop, *drain;
    /* A sweep built by the caller (the draws of `msksim run --draws`: drawplan.h)
     * instead of loading sweep_path; every rank builds the same one. */
    const sweep *prepared;
    const char *label;       /* in messages: "msksim sweep" (NULL) or "msksim run" */
    void *result_ctx;        /* handed to write_result */
    /* Writes the result file of a finished sweep (indices, file, table: in
     * analysis/sensitivity, above this layer); the runner only says when. MSK_OK, or
     * the reason nothing was written (the journals are then kept). */
    msk_status (*write_result)(const sweep *sw, const double *task_values, const char *out,
                               const char *command_line, int quiet, void *ctx);
} sweeprun_options;

/* Run the sweep; returns the exit status (the same on every rank). */
int sweeprun(const sweeprun_options *opt, const mpi_env *e);

#endif
