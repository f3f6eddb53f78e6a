/* mpi_farm.h — a dynamic task farm over MPI ranks (compiled with MSK_HAVE_MPI only).
 *
 * Rank 0 is the master: it never computes, it hands out task indices one at a time
 * to whichever worker asks (dynamic scheduling: fast and slow tasks mix freely),
 * passes each result to its record callback as it comes back, and stops handing out
 * work once told to drain. Ranks 1..N-1 are workers: ask, run the task, send the
 * result, ask again, until the master answers "stop". Only the main thread of each
 * rank calls MPI (MPI_THREAD_FUNNELED). The master waits with MPI_Iprobe and short
 * sleeps rather than a blocking receive, so an oversubscribed node does not lose a
 * core to it, and it keeps noticing signals.
 *
 * The farm knows a task only as an index and a result only as a vector of doubles;
 * what a task is and what becomes of its result, the caller says through the
 * callbacks (the sweep runner, sim/sweep/sweeprun.c), so this layer needs nothing
 * above it. */
#ifndef MSK_MPI_FARM_H
#define MSK_MPI_FARM_H

#include <signal.h>
#include <stddef.h>

#include "mpi_env.h"
#include "status.h"

typedef struct {
    const char *label;  /* names the job in a worker's error message ("msksim sweep") */
    size_t n_values;    /* doubles in one task's result */
    void *ctx;          /* passed to every callback */
    /* Rank 0: the tasks to hand out, in order, and what to do with each outcome. */
    const size_t *todo;
    size_t n_todo;
    msk_status (*record)(void *ctx, size_t task, const double *values);
    void (*failed)(void *ctx, size_t task, msk_status st);
    int (*draining)(void *ctx); /* true once no new task should start */
    /* Ranks 1..N-1: run one task into values[n_values]. */
    msk_status (*run)(void *ctx, size_t task, double *values, diag_list *d);
    volatile sig_atomic_t *stop; /* a worker starts no task once this is set */
} mpi_farm;

/* Rank 0. Returns when every worker has been told to stop. */
void mpi_farm_master(const mpi_env *e, const mpi_farm *f);

/* Ranks 1..N-1. */
void mpi_farm_worker(const mpi_env *e, const mpi_farm *f);

#endif
