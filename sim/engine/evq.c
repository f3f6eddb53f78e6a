/* evq.c — binary heap with deterministic tie-breaking. */
#include "evq.h"

static int before(const evq_event *a, const evq_event *b)
{
    if (a->time != b->time)
        return a->time < b->time;
    if (a->kind != b->kind)
        return a->kind < b->kind;
    return a->seq < b->seq;
}

void evq_init(evq *q)
{
    q->size = 0;
    q->next_seq = 0;
}

int evq_push(evq *q, double time, int kind, int32_t arg)
{
    if (q->size == EVQ_CAPACITY)
        return -1;
    evq_event e = {time, kind, q->next_seq++, arg};
    size_t i = q->size++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!before(&e, &q->heap[parent]))
            break;
        q->heap[i] = q->heap[parent];
        i = parent;
    }
    q->heap[i] = e;
    return 0;
}

int evq_pop(evq *q, evq_event *out)
{
    if (q->size == 0)
        return -1;
    *out = q->heap[0];
    evq_event last = q->heap[--q->size];
    size_t i = 0, n = q->size;
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= n)
            break;
        if (child + 1 < n && before(&q->heap[child + 1], &q->heap[child]))
            child++;
        if (!before(&q->heap[child], &last))
            break;
        q->heap[i] = q->heap[child];
        i = child;
    }
    if (n > 0)
        q->heap[i] = last;
    return 0;
}
