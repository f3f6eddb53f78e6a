/* mpi_env.h — whether and how this process runs as one rank of an MPI job.
 *
 * msksim must work on machines without any MPI launcher, so MPI is initialized only
 * when the process was started by one (mpirun/mpiexec of OpenMPI, MPICH's Hydra, or
 * srun with PMI/PMIx), as told by the environment those launchers set. A plain
 * `msksim run` never calls MPI_Init. MPI is initialized with MPI_THREAD_FUNNELED: only
 * the main thread calls MPI, OpenMP threads compute inside each rank.
 *
 * When msksim was built without MPI (no MPI found by CMake, so MSK_HAVE_MPI is not
 * defined), a launch by mpirun with several ranks is refused: every rank would
 * otherwise do the whole job and write the same files. MSK_MPI=0 in the environment
 * forces a serial run, MSK_MPI=1 forces MPI_Init (a launcher the detection misses). */
#ifndef MSK_MPI_ENV_H
#define MSK_MPI_ENV_H

#include "status.h"

typedef struct {
    int active;     /* MPI_Init was called (and MPI_Finalize is due) */
    int rank, size; /* 0 and 1 without MPI */
} mpi_env;

/* Start MPI if launched by an MPI launcher. Fills *e; returns MSK_OK, or MSK_EUSAGE
 * with a message on stderr (launched with several ranks, built without MPI). */
msk_status mpi_env_init(mpi_env *e, int *argc, char ***argv);
/* MPI_Finalize if active. */
void mpi_env_finalize(mpi_env *e);

/* The largest of every rank's value (the agreed outcome when any rank failed);
 * `value` itself without MPI. Collective. */
int mpi_env_max(const mpi_env *e, int value);
/* Rank 0's value on every rank. Collective. */
int mpi_env_bcast(const mpi_env *e, int value);
/* End the whole job now (MPI_Abort), or exit(code) without MPI. */
void mpi_env_abort(const mpi_env *e, int code) __attribute__((noreturn));

#endif
