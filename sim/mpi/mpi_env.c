/* mpi_env.c — launch detection and the few collectives the commands need (mpi_env.h). */
#include "mpi_env.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef MSK_HAVE_MPI
#include <mpi.h>
#endif

/* Variables a launcher sets in every process it starts; the size, where known. */
static int launched(int *size)
{
    const char *force = getenv("MSK_MPI");
    *size = 0;
    const char *s;
    if ((s = getenv("OMPI_COMM_WORLD_SIZE")) || (s = getenv("PMI_SIZE")) || (s = getenv("MPI_LOCALNRANKS")))
        *size = atoi(s);
    if (force && strcmp(force, "0") == 0)
        return 0;
    if (force && strcmp(force, "1") == 0)
        return 1;
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_RANK");
}

msk_status mpi_env_init(mpi_env *e, int *argc, char ***argv)
{
    e->active = 0;
    e->rank = 0;
    e->size = 1;
    int size;
    if (!launched(&size))
        return MSK_OK;
#ifdef MSK_HAVE_MPI
    int provided;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        fputs("msksim: MPI_Init_thread failed\n", stderr);
        return MSK_ESOFTWARE;
    }
    e->active = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &e->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &e->size);
    if (provided < MPI_THREAD_FUNNELED && e->rank == 0)
        fputs("msksim: warning: the MPI library does not promise MPI_THREAD_FUNNELED; "
              "OpenMP threads never call MPI, so this is usually harmless\n",
              stderr);
    return MSK_OK;
#else
    (void)argc;
    (void)argv;
    if (size == 1)
        return MSK_OK;
    fprintf(stderr,
            "msksim: started by an MPI launcher%s, but this msksim was built without MPI: every rank "
            "would run the whole job. Rebuild with MPI (Debian: apt-get install libopenmpi-dev, then "
            "cmake again), or run without mpirun (MSK_MPI=0 forces a serial run).\n",
            size > 1 ? " with several ranks" : "");
    return MSK_EUSAGE;
#endif
}

void mpi_env_finalize(mpi_env *e)
{
#ifdef MSK_HAVE_MPI
    if (e->active)
        MPI_Finalize();
#endif
    e->active = 0;
}

int mpi_env_max(const mpi_env *e, int value)
{
#ifdef MSK_HAVE_MPI
    if (e->active) {
        int out = value;
        MPI_Allreduce(&value, &out, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
        return out;
    }
#endif
    (void)e;
    return value;
}

int mpi_env_bcast(const mpi_env *e, int value)
{
#ifdef MSK_HAVE_MPI
    if (e->active)
        MPI_Bcast(&value, 1, MPI_INT, 0, MPI_COMM_WORLD);
#endif
    (void)e;
    return value;
}

void mpi_env_abort(const mpi_env *e, int code)
{
#ifdef MSK_HAVE_MPI
    if (e->active)
        MPI_Abort(MPI_COMM_WORLD, code);
#endif
    (void)e;
    exit(code);
}
