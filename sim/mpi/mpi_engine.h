/* mpi_engine.h — one scenario run split over the ranks of an MPI job.
 *
 * Each rank simulates a contiguous range of blocks (mpi_engine_range); rank 0 then
 * receives every other rank's partial result, in rank order, and adds it to its own
 * (blockmerge.h). The data are those of a one-rank run, bit for bit. Compiled only
 * when MPI is available (MSK_HAVE_MPI). */
#ifndef MSK_MPI_ENGINE_H
#define MSK_MPI_ENGINE_H

#include <stddef.h>

#include "engine.h"
#include "mpi_env.h"

/* Blocks [*begin, *end) of n_blocks for this rank. */
void mpi_engine_range(const mpi_env *e, size_t n_blocks, size_t *begin, size_t *end);

/* Collective. `local` is this rank's engine status (r is valid only when MSK_OK).
 * Returns the agreed status (the largest of all ranks'); on MSK_OK rank 0's r holds
 * the whole run. Other ranks' r is left as it was. */
msk_status mpi_engine_gather(const mpi_env *e, engine_result *r, msk_status local);

#endif
