/* progress.c — terminal progress bar. */
#include "progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

double progress_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void progress_init(progress *pr, size_t total, const char *label)
{
    pr->enabled = isatty(STDERR_FILENO);
    pr->total = total ? total : 1;
    pr->start = progress_now();
    pr->last_draw = 0;
    if (pr->enabled)
        fprintf(stderr, "%s\n", label);
}

void progress_update(progress *pr, size_t done)
{
    if (!pr->enabled)
        return;
    double now = progress_now();
    if (now - pr->last_draw < 0.1 && done < pr->total)
        return;
    pr->last_draw = now;
    double f = (double)done / (double)pr->total;
    int width = 40, filled = (int)(f * width);
    double elapsed = now - pr->start;
    double eta = f > 0 ? elapsed * (1 - f) / f : 0;
    fprintf(stderr, "\r  [%.*s%*s] %3.0f%%  %.1fs elapsed, ~%.1fs left ",
            filled, "########################################", width - filled, "",
            100 * f, elapsed, eta);
    fflush(stderr);
}

void progress_finish(progress *pr, size_t done)
{
    if (!pr->enabled)
        return;
    /* Draw what was done, not the total: an interrupted run stops where it stopped. */
    pr->last_draw = 0;
    progress_update(pr, done < pr->total ? done : pr->total);
    fputc('\n', stderr);
}
