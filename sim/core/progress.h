/* progress.h — a progress bar on stderr, shown only when stderr is a terminal. */
#ifndef MSK_PROGRESS_H
#define MSK_PROGRESS_H

#include <stddef.h>

typedef struct {
    int enabled;
    size_t total;
    double start, last_draw;
} progress;

void progress_init(progress *pr, size_t total, const char *label);
/* Redraw with `done` of `total` units finished (at most ~10 times a second). */
void progress_update(progress *pr, size_t done);
/* The last line, with `done` units finished (the total when the work completed). */
void progress_finish(progress *pr, size_t done);

/* Wall-clock seconds (monotonic). */
double progress_now(void);

#endif
