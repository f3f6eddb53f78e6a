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
 *   4. when every task is done: sensitivity indices, the result file (temporary file
 *      renamed into place), then the journals are removed.
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
} sweeprun_options;

/* Run the sweep; returns the exit status (the same on every rank). */
int sweeprun(const sweeprun_options *opt, const mpi_env *e);

/* The state a task farm works on (rank 0's side). */
typedef struct {
    const sweep *sw;
    journal_state *state;
    journal *jr;
    const size_t *todo;
    size_t n_todo;
    int threads;
    volatile sig_atomic_t *stop, *drain;
    diag_list *diags;
    int show_progress;
    double t0, last_report;
    size_t n_run;        /* tasks finished by this run */
    msk_status failure;  /* first task failure other than an interruption */
    size_t failed_task;
    int interrupted;
} sweeprun_farm;

/* Journal a finished task and mark it done. MSK_OK or MSK_EIO. */
msk_status sweeprun_record(sweeprun_farm *f, size_t task, const double *values);
/* Note the outcome of a task that did not finish. */
void sweeprun_failed(sweeprun_farm *f, size_t task, msk_status st);
/* True once no new task should start (signal, failure, interruption). */
int sweeprun_draining(const sweeprun_farm *f);

#endif
