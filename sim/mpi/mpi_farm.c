/* mpi_farm.c — master and workers of the MPI task farm (mpi_farm.h). */
#include "mpi_farm.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <mpi.h>

/* Worker -> master: doubles {task or -1 (first request), status, outcomes...}.
 * Master -> worker: one long long, the task to run, or -1 to stop. Task indices are
 * far below 2^53, so a double carries them exactly. */
enum { TAG_RESULT = 201, TAG_TASK = 202 };

void mpi_farm_master(const mpi_env *e, const mpi_farm *f)
{
    const size_t len = 2 + f->n_values;
    double *msg = malloc(len * sizeof *msg);
    if (!msg)
        mpi_env_abort(e, msk_status_exit_code(MSK_ENOMEM));
    size_t next = 0;
    int active = e->size - 1;
    while (active > 0) {
        int flag = 0;
        MPI_Status status;
        MPI_Iprobe(MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &flag, &status);
        if (!flag) {
            struct timespec ts = {0, 2000000}; /* 2 ms */
            nanosleep(&ts, NULL);
            continue;
        }
        MPI_Recv(msg, (int)len, MPI_DOUBLE, status.MPI_SOURCE, TAG_RESULT, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (msg[0] >= 0) {
            size_t task = (size_t)msg[0];
            msk_status st = (msk_status)(int)msg[1];
            if (st == MSK_OK)
                st = f->record(f->ctx, task, msg + 2);
            if (st != MSK_OK)
                f->failed(f->ctx, task, st);
        }
        long long reply = -1;
        if (!f->draining(f->ctx) && next < f->n_todo)
            reply = (long long)f->todo[next++];
        else
            active--;
        MPI_Send(&reply, 1, MPI_LONG_LONG, status.MPI_SOURCE, TAG_TASK, MPI_COMM_WORLD);
    }
    free(msg);
}

void mpi_farm_worker(const mpi_env *e, const mpi_farm *f)
{
    const size_t len = 2 + f->n_values;
    double *msg = calloc(len, sizeof *msg);
    if (!msg)
        mpi_env_abort(e, msk_status_exit_code(MSK_ENOMEM));
    msg[0] = -1;
    for (;;) {
        MPI_Send(msg, (int)len, MPI_DOUBLE, 0, TAG_RESULT, MPI_COMM_WORLD);
        long long task;
        MPI_Recv(&task, 1, MPI_LONG_LONG, 0, TAG_TASK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (task < 0)
            break;
        diag_list d;
        diag_list_init(&d);
        msk_status st = *f->stop ? MSK_EINTERRUPTED : f->run(f->ctx, (size_t)task, msg + 2, &d);
        if (st != MSK_OK && st != MSK_EINTERRUPTED) {
            fprintf(stderr, "%s (rank %d): run %lld failed:\n", f->label, e->rank, task);
            diag_print(&d, stderr);
        }
        diag_list_fini(&d);
        msg[0] = (double)task;
        msg[1] = (double)st;
    }
    free(msg);
}
