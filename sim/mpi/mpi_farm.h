/* mpi_sweep.h — the MPI task farm of a sweep (compiled with MSK_HAVE_MPI only).
 *
 * Rank 0 is the master: it never simulates, it hands out task indices one at a time
 * to whichever worker asks (dynamic scheduling: fast and slow points mix freely),
 * journals each result as it comes back, and stops handing out work when told to
 * drain. Ranks 1..N-1 are workers: ask, run the task with their OpenMP threads, send
 * the outcomes, ask again, until the master answers "stop". Only the main thread of
 * each rank calls MPI (MPI_THREAD_FUNNELED). The master waits with MPI_Iprobe and
 * short sleeps rather than a blocking receive, so an oversubscribed node does not
 * lose a core to it, and it keeps noticing signals. */
#ifndef MSK_MPI_SWEEP_H
#define MSK_MPI_SWEEP_H

#include <signal.h>

#include "mpi_env.h"
#include "sweeprun.h"

/* Rank 0. Returns when every worker has been told to stop; the outcome is in f. */
void mpi_sweep_master(const mpi_env *e, sweeprun_farm *f);

/* Ranks 1..N-1. */
void mpi_sweep_worker(const mpi_env *e, const sweep *sw, int threads, volatile sig_atomic_t *stop);

#endif
