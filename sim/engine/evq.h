/* evq.h — one individual's future-event list.
 *
 * A binary min-heap of scheduled events ordered by (time, kind, sequence number), so
 * simultaneous events always run in the same order. The individual is implicit (each
 * has its own list). Storage is a fixed array inside the struct: scheduling never
 * allocates. Stochastic events (falls, deaths, admissions) are not stored here: the
 * engine races their hazard clocks against the head of this list. */
#ifndef MSK_EVQ_H
#define MSK_EVQ_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

enum { EVQ_CAPACITY = 160 };

typedef struct {
    double time;   /* days since the start of follow-up */
    int kind;      /* ordering among simultaneous events: lower runs first */
    uint32_t seq;  /* insertion order: the final tie-breaker */
    int32_t arg;   /* kind-specific: observation index, intervention slot... */
} evq_event;

typedef struct {
    evq_event heap[EVQ_CAPACITY];
    size_t size;
    uint32_t next_seq;
} evq;

void evq_init(evq *q);
/* Returns 0, or -1 if the list is full (a bug: capacity covers every scenario the
 * loader accepts; the caller asserts). */
int evq_push(evq *q, double time, int kind, int32_t arg);
/* Remove the earliest event into *out; returns 0, or -1 when empty. */
int evq_pop(evq *q, evq_event *out);
/* Time of the earliest event, or +infinity when empty. Inline: the event loop asks
 * several times per event. */
static inline double evq_next_time(const evq *q)
{
    return q->size ? q->heap[0].time : INFINITY;
}

#endif
