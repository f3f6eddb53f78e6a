/* mpi_engine.c — block ranges per rank and the exact gather to rank 0 (mpi_engine.h). */
#include "mpi_engine.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <mpi.h>

#include "blockmerge.h"

/* MPI counts are ints: large buffers travel in pieces. */
enum { CHUNK = 1 << 30, TAG_SIZE = 101, TAG_DATA = 102 };

void mpi_engine_range(const mpi_env *e, size_t n_blocks, size_t *begin, size_t *end)
{
    size_t r = (size_t)e->rank, n = (size_t)e->size;
    *begin = n_blocks * r / n;
    *end = n_blocks * (r + 1) / n;
}

static void send_bytes(const char *buf, size_t len, int to)
{
    uint64_t n = len;
    MPI_Send(&n, 1, MPI_UINT64_T, to, TAG_SIZE, MPI_COMM_WORLD);
    for (size_t o = 0; o < len; o += CHUNK) {
        size_t piece = len - o < CHUNK ? len - o : CHUNK;
        MPI_Send(buf + o, (int)piece, MPI_BYTE, to, TAG_DATA, MPI_COMM_WORLD);
    }
}

static char *recv_bytes(const mpi_env *e, int from, size_t *len)
{
    uint64_t n;
    MPI_Recv(&n, 1, MPI_UINT64_T, from, TAG_SIZE, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    char *buf = malloc(n ? (size_t)n : 1);
    if (!buf) {
        /* The sender is already sending: there is no orderly way back. */
        fprintf(stderr, "msksim: rank 0 is out of memory receiving %llu bytes from rank %d\n",
                (unsigned long long)n, from);
        mpi_env_abort(e, msk_status_exit_code(MSK_ENOMEM));
    }
    for (size_t o = 0; o < n; o += CHUNK) {
        size_t piece = n - o < CHUNK ? (size_t)n - o : CHUNK;
        MPI_Recv(buf + o, (int)piece, MPI_BYTE, from, TAG_DATA, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    }
    *len = (size_t)n;
    return buf;
}

msk_status mpi_engine_gather(const mpi_env *e, engine_result *r, msk_status local)
{
    msk_status st = (msk_status)mpi_env_max(e, (int)local);
    if (st != MSK_OK || e->size == 1)
        return st;
    if (e->rank != 0) {
        void *buf = NULL;
        size_t len = 0;
        msk_status p = blockmerge_pack(r, &buf, &len);
        if (p != MSK_OK)
            len = 0; /* rank 0 sees an empty buffer and fails the run */
        send_bytes(buf, len, 0);
        free(buf);
        return (msk_status)mpi_env_max(e, (int)p);
    }
    msk_status merged = MSK_OK;
    for (int from = 1; from < e->size; from++) {
        size_t len;
        char *buf = recv_bytes(e, from, &len);
        if (merged == MSK_OK)
            merged = blockmerge_add_packed(r, buf, len);
        free(buf);
    }
    return (msk_status)mpi_env_max(e, (int)merged);
}
