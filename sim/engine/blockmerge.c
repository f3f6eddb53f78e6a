/* blockmerge.c — exact merge of block-range results, in memory or from a byte buffer
 * (see blockmerge.h). */
#include "blockmerge.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static msk_status append_log(event_log *dst, const log_entry *items, size_t count)
{
    if (!count)
        return MSK_OK;
    log_entry *all = realloc(dst->items, (dst->count + count) * sizeof *all);
    if (!all)
        return MSK_ENOMEM;
    memcpy(all + dst->count, items, count * sizeof *all);
    dst->items = all;
    dst->count += count;
    dst->capacity = dst->count;
    engine_log_sort(dst); /* the engine's order: pieces may arrive in any order */
    return MSK_OK;
}

/* Sampled ids (replicate 0, id < n_sample) inside blocks [b0, b1). */
static void sample_range(const engine_result *r, size_t b0, size_t b1, size_t *lo, size_t *hi)
{
    size_t first = b0 * ENGINE_BLOCK, last = b1 * ENGINE_BLOCK;
    *lo = first < r->n_sample ? first : r->n_sample;
    *hi = last < r->n_sample ? last : r->n_sample;
}

static void widen(engine_result *dst, size_t b0, size_t b1, double seconds)
{
    if (b0 < dst->block_begin)
        dst->block_begin = b0;
    if (b1 > dst->block_end)
        dst->block_end = b1;
    if (seconds > dst->seconds)
        dst->seconds = seconds;
}

msk_status blockmerge_add(engine_result *dst, const engine_result *src)
{
    const size_t n_arms = dst->plan.sc->n_arms, n_obs = dst->plan.n_obs;
    obs_merge(dst->acc, src->acc);
    if (dst->strata)
        obs_merge(dst->strata, src->strata);
    for (size_t a = 0; a < n_arms; a++)
        if (append_log(&dst->logs[a], src->logs[a].items, src->logs[a].count) != MSK_OK)
            return MSK_ENOMEM;
    size_t lo, hi;
    sample_range(src, src->block_begin, src->block_end, &lo, &hi);
    for (size_t id = lo; id < hi; id++) {
        dst->sample_people[id] = src->sample_people[id];
        for (size_t a = 0; a < n_arms; a++)
            memcpy(&dst->sample[(a * dst->n_sample + id) * n_obs],
                   &src->sample[(a * src->n_sample + id) * n_obs], n_obs * sizeof(obs_record));
    }
    widen(dst, src->block_begin, src->block_end, src->seconds);
    return MSK_OK;
}

/* ---- Byte buffer ----------------------------------------------------------------- */

enum { ALIGN = 16, N_ACC_ARRAYS = 13 };
static const uint64_t pack_magic = 0x6d736b626c6b3032ULL; /* "mskblk02" */

/* The accumulator travels as its cells: per (arm, stratum) with strata, per arm
 * without; the receiver sums the cells into its per-arm totals. */
typedef struct {
    uint64_t magic, n_arms, n_strata, n_obs, n_sample, n_people, block_begin, block_end;
    double seconds;
} pack_header;

static size_t aligned(size_t n)
{
    return (n + ALIGN - 1) / ALIGN * ALIGN;
}

/* Every array of an accumulator with its size in bytes. Keep in step with obs_acc. */
static void acc_arrays(const obs_acc *a, void *ptr[N_ACC_ARRAYS], size_t bytes[N_ACC_ARRAYS])
{
    const size_t ak = a->n_arms * a->n_obs;
    void *p[N_ACC_ARRAYS] = {a->enrolled, a->alive, a->prevalent, a->count, a->ever, a->alive_days,
                             a->immobilized_days, a->value, a->hist, a->paired, a->change_pct,
                             a->paired_change, a->paired_count};
    const size_t b[N_ACC_ARRAYS] = {
        a->n_arms * sizeof *a->enrolled,
        ak * sizeof *a->alive,
        ak * PREV_COUNT * sizeof *a->prevalent,
        ak * EVC_COUNT * sizeof *a->count,
        ak * EVC_COUNT * sizeof *a->ever,
        ak * sizeof *a->alive_days,
        ak * sizeof *a->immobilized_days,
        ak * OV_COUNT * sizeof *a->value,
        ak * OV_COUNT * OBS_HIST_BINS * sizeof *a->hist,
        ak * OV_COUNT * sizeof *a->paired,
        a->n_arms * KEY_COUNT * sizeof *a->change_pct,
        a->n_arms * KEY_COUNT * sizeof *a->paired_change,
        a->n_arms * EVC_COUNT * sizeof *a->paired_count};
    memcpy(ptr, p, sizeof p);
    memcpy(bytes, b, sizeof b);
}

msk_status blockmerge_pack(const engine_result *src, void **buf, size_t *len)
{
    const size_t n_arms = src->plan.sc->n_arms, n_obs = src->plan.n_obs;
    void *ptr[N_ACC_ARRAYS];
    size_t bytes[N_ACC_ARRAYS];
    acc_arrays(src->strata ? src->strata : src->acc, ptr, bytes);
    size_t lo, hi;
    sample_range(src, src->block_begin, src->block_end, &lo, &hi);
    const size_t ns = hi - lo;

    size_t total = aligned(sizeof(pack_header)) + aligned(n_arms * sizeof(uint64_t));
    for (int i = 0; i < N_ACC_ARRAYS; i++)
        total += aligned(bytes[i]);
    for (size_t a = 0; a < n_arms; a++)
        total += aligned(src->logs[a].count * sizeof(log_entry));
    total += aligned(ns * sizeof(person)) + n_arms * aligned(ns * n_obs * sizeof(obs_record));

    char *out = calloc(total, 1); /* zeroed padding: identical buffers for identical data */
    if (!out)
        return MSK_ENOMEM;
    pack_header h = {pack_magic, n_arms, src->n_strata, n_obs, src->n_sample, src->n_people, src->block_begin,
                     src->block_end, src->seconds};
    size_t o = 0;
    memcpy(out, &h, sizeof h);
    o += aligned(sizeof h);
    for (size_t a = 0; a < n_arms; a++) {
        uint64_t c = src->logs[a].count;
        memcpy(out + o + a * sizeof c, &c, sizeof c);
    }
    o += aligned(n_arms * sizeof(uint64_t));
    for (int i = 0; i < N_ACC_ARRAYS; i++) {
        memcpy(out + o, ptr[i], bytes[i]);
        o += aligned(bytes[i]);
    }
    for (size_t a = 0; a < n_arms; a++) {
        size_t b = src->logs[a].count * sizeof(log_entry);
        if (b)
            memcpy(out + o, src->logs[a].items, b);
        o += aligned(b);
    }
    if (ns)
        memcpy(out + o, &src->sample_people[lo], ns * sizeof(person));
    o += aligned(ns * sizeof(person));
    for (size_t a = 0; a < n_arms; a++) {
        if (ns)
            memcpy(out + o, &src->sample[(a * src->n_sample + lo) * n_obs], ns * n_obs * sizeof(obs_record));
        o += aligned(ns * n_obs * sizeof(obs_record));
    }
    *buf = out;
    *len = total;
    return MSK_OK;
}

msk_status blockmerge_add_packed(engine_result *dst, const void *buf, size_t len)
{
    const char *in = buf;
    const size_t n_arms = dst->plan.sc->n_arms, n_obs = dst->plan.n_obs;
    pack_header h;
    if (len < sizeof h)
        return MSK_ESOFTWARE;
    memcpy(&h, in, sizeof h);
    if (h.magic != pack_magic || h.n_arms != n_arms || h.n_strata != dst->n_strata || h.n_obs != n_obs || h.n_sample != dst->n_sample ||
        h.n_people != dst->n_people || h.block_begin > h.block_end)
        return MSK_ESOFTWARE;
    size_t o = aligned(sizeof h);
    if (len < o + aligned(n_arms * sizeof(uint64_t)))
        return MSK_ESOFTWARE;
    uint64_t *counts = malloc(n_arms * sizeof *counts);
    if (!counts)
        return MSK_ENOMEM;
    memcpy(counts, in + o, n_arms * sizeof *counts);
    o += aligned(n_arms * sizeof(uint64_t));

    /* A view of the packed accumulator; malloc'ed buffers are 16-byte aligned on the
     * platforms msksim supports, and every array starts on a 16-byte boundary. */
    obs_acc view = *engine_cells(dst);
    void *ptr[N_ACC_ARRAYS];
    size_t bytes[N_ACC_ARRAYS];
    acc_arrays(&view, ptr, bytes);
    size_t need = o;
    for (int i = 0; i < N_ACC_ARRAYS; i++)
        need += aligned(bytes[i]);
    for (size_t a = 0; a < n_arms; a++)
        need += aligned(counts[a] * sizeof(log_entry));
    size_t lo, hi;
    sample_range(dst, h.block_begin, h.block_end, &lo, &hi);
    const size_t ns = hi - lo;
    need += aligned(ns * sizeof(person)) + n_arms * aligned(ns * n_obs * sizeof(obs_record));
    if (need != len || ((uintptr_t)in % ALIGN) != 0) {
        free(counts);
        return MSK_ESOFTWARE;
    }
    int i = 0;
#define TAKE(field)                                    \
    do {                                               \
        view.field = (void *)(uintptr_t)(in + o);      \
        o += aligned(bytes[i++]);                      \
    } while (0)
    TAKE(enrolled);
    TAKE(alive);
    TAKE(prevalent);
    TAKE(count);
    TAKE(ever);
    TAKE(alive_days);
    TAKE(immobilized_days);
    TAKE(value);
    TAKE(hist);
    TAKE(paired);
    TAKE(change_pct);
    TAKE(paired_change);
    TAKE(paired_count);
#undef TAKE
    obs_merge(engine_cells(dst), &view);
    if (dst->strata)
        obs_merge_cells(dst->acc, &view, dst->n_strata);
    msk_status st = MSK_OK;
    for (size_t a = 0; a < n_arms; a++) {
        size_t b = counts[a] * sizeof(log_entry);
        if (st == MSK_OK)
            st = append_log(&dst->logs[a], (const log_entry *)(const void *)(in + o), counts[a]);
        o += aligned(b);
    }
    free(counts);
    if (st != MSK_OK)
        return st;
    if (ns)
        memcpy(&dst->sample_people[lo], in + o, ns * sizeof(person));
    o += aligned(ns * sizeof(person));
    for (size_t a = 0; a < n_arms; a++) {
        if (ns)
            memcpy(&dst->sample[(a * dst->n_sample + lo) * n_obs], in + o, ns * n_obs * sizeof(obs_record));
        o += aligned(ns * n_obs * sizeof(obs_record));
    }
    widen(dst, h.block_begin, h.block_end, h.seconds);
    return MSK_OK;
}
