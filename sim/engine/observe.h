/* observe.h — what is observed of a person, and population accumulators that give
 * bit-identical results in any order.
 *
 * What a person contributes at each observation time (obs_record) follows the one
 * table of observables (models/observables.def): the observed variables, the key
 * outcomes, the prevalences and the counted events, with their names in the result
 * file.
 *
 * Sums over people are kept as exact integers: each value is rounded to a fixed-point
 * grid of 2^-OBS_FRAC_BITS of its unit and summed (with its square) in 128-bit
 * integers. Integer addition is associative, so the totals, and every mean and SD
 * derived from them, are identical whatever the number of threads or MPI ranks and
 * whatever order blocks are merged in. Quantiles come from fixed-range integer
 * histograms, which merge the same way. The rounding (2^-20 of a unit, e.g. 1e-6 kg)
 * is far below any reported precision.
 *
 * An accumulator (obs_acc) covers all arms and observation times. Each thread adds into
 * its own obs_work, whose histogram counts it folds into the shared obs_acc during the
 * run and whose other sums it adds at the end; MPI ranks merge with obs_merge. */
#ifndef MSK_OBSERVE_H
#define MSK_OBSERVE_H

#include <stddef.h>
#include <stdint.h>

/* Variables observed at every observation time (order = output order). */
typedef enum {
#define OBSERVABLE(id, name, units, long_name, label, display, hlo, hhi, blo, bhi) OV_##id,
#include "observables.def"
    OV_COUNT
} obs_var;

typedef struct {
    const char *name, *units, *long_name;
    double hist_lo, hist_hi; /* fixed histogram range for quantiles */
} obs_var_info;
extern const obs_var_info obs_var_table[OV_COUNT];

/* Key outcomes compared at the end of follow-up, and the variable of each. */
typedef enum {
#define KEY_OUTCOME(id) KEY_##id,
#include "observables.def"
    KEY_COUNT
} obs_key;
extern const obs_var obs_key_var[KEY_COUNT];

/* Conditions counted as prevalences. */
typedef enum {
#define PREVALENCE(id, name, long_name, label) PREV_##id,
#include "observables.def"
    PREV_COUNT
} obs_prevalence;
extern const char *const obs_prevalence_names[PREV_COUNT];
extern const char *const obs_prevalence_long_names[PREV_COUNT];

/* Events counted cumulatively. */
typedef enum {
#define EVENT_COUNT(id, name, long_name, label) EVC_##id,
#include "observables.def"
    EVC_COUNT
} obs_count;
extern const char *const obs_count_names[EVC_COUNT];
extern const char *const obs_count_long_names[EVC_COUNT];

/* What one person contributes at one observation time. */
typedef struct {
    uint8_t alive;
    uint8_t prevalent[PREV_COUNT];
    double value[OV_COUNT];         /* valid when alive */
    uint32_t count[EVC_COUNT];      /* events since the start, up to this time */
    double alive_days;              /* person-time since the start */
    double immobilized_days;        /* time immobilized since the start */
} obs_record;

enum { OBS_FRAC_BITS = 20, OBS_HIST_BINS = 512 };

__extension__ typedef __int128 obs_int;

typedef struct {
    int64_t n;
    obs_int sum, sumsq;
} obs_moments;

typedef struct {
    size_t n_arms, n_obs;
    int64_t *enrolled;             /* [arm] people added */
    /* [arm][obs] */
    int64_t *alive;
    int64_t *prevalent;            /* [arm][obs][PREV_COUNT] */
    int64_t *count;                /* [arm][obs][EVC_COUNT] cumulative events */
    int64_t *ever;                 /* [arm][obs][EVC_COUNT] people with >= 1 event */
    obs_int *alive_days;           /* [arm][obs] fixed point */
    obs_int *immobilized_days;     /* [arm][obs] fixed point */
    obs_moments *value;            /* [arm][obs][OV_COUNT] */
    uint32_t *hist;                /* [arm][obs][OV_COUNT][OBS_HIST_BINS] */
    obs_moments *paired;           /* [arm][obs][OV_COUNT]: arm minus reference, same person */
    obs_moments *change_pct;       /* [arm][KEY_COUNT]: % change baseline -> end, alive at end */
    obs_moments *paired_change;    /* [arm][KEY_COUNT]: paired difference of % change */
    obs_moments *paired_count;     /* [arm][EVC_COUNT]: paired difference of event counts */
} obs_acc;

/* Allocate zeroed accumulators; NULL when out of memory. */
obs_acc *obs_create(size_t n_arms, size_t n_obs);
void obs_destroy(obs_acc *a);

/* Add one person's records in one arm (n_obs records). ref is the same person's
 * records in the reference arm (NULL for the reference arm itself). */
void obs_add(obs_acc *a, size_t arm, const obs_record *rec, const obs_record *ref);

/* dst += src (exact; any order gives the same result). */
void obs_merge(obs_acc *dst, const obs_acc *src);

/* dst's arm a += the sum of src's arms a * per ... a * per + per - 1 (exact), for every
 * arm of dst: src's "arms" are (arm, stratum) cells and dst is their total per arm.
 * src->n_arms must be dst->n_arms * per. */
void obs_merge_cells(obs_acc *dst, const obs_acc *src, size_t per);

/* A thread's accumulator, laid out for the order in which a thread adds: person by
 * person, each over all observation times. Along one trajectory most quantities change
 * rarely (event counts, prevalences, vital status, person-time, the histogram bin of
 * each value), so they are added as differences between consecutive observations and
 * summed back when they leave the thread accumulator; the histograms are indexed
 * [arm][variable][bin][observation], so that a trajectory walks memory forward. The
 * histogram differences are 16-bit, and there is no thread-private copy of the full
 * histograms: every fold_every trajectories of an arm the caller folds them into the
 * shared accumulator (obs_work_fold). Everything is an integer, so the result is
 * exactly what obs_add of the same records gives, in any order (tests/test_observe.c). */
typedef struct obs_work obs_work;

/* The most trajectories of one arm between two folds (what 16 bits hold). */
enum { OBS_WORK_FOLD_PEOPLE = INT16_MAX };

/* Allocate a zeroed accumulator that asks for a fold every fold_every (1 ..
 * OBS_WORK_FOLD_PEOPLE) trajectories of an arm; NULL when out of memory or when
 * fold_every is out of range. */
obs_work *obs_work_create(size_t n_arms, size_t n_obs, size_t fold_every);
void obs_work_destroy(obs_work *w);

/* As obs_add. Returns 1 when the histogram counts of arm are full: obs_work_fold must
 * then move them into the shared accumulator before the next add to that arm (an add
 * without it is a bug: MSK_ASSERT). Returns 0 otherwise. */
int obs_work_add(obs_work *w, size_t arm, const obs_record *rec, const obs_record *ref);

/* Add w's histogram counts of arm into dst->hist and its 64-bit sums of the values of
 * arm into dst's moments (exact), and clear them. Calls with
 * the same dst must not run concurrently (the engine serialises them). */
void obs_work_fold(obs_acc *dst, obs_work *w, size_t arm);

/* dst += w: everything w holds, histogram counts not yet folded included (exact); w
 * is left as it was. */
void obs_work_flush(obs_acc *dst, const obs_work *w);

/* Bytes an obs_acc / an obs_work of this shape holds (msksim bench reports them). */
size_t obs_acc_bytes(size_t n_arms, size_t n_obs);
size_t obs_work_bytes(size_t n_arms, size_t n_obs);

/* Derived statistics. */
double obs_mean(const obs_moments *m);
double obs_sd(const obs_moments *m);
/* 95% CI half-width of the mean (Student t); NAN when n < 2. */
double obs_ci95(const obs_moments *m);
/* Quantile q of a histogram of the variable (linear within a bin). */
double obs_quantile(const uint32_t *hist, obs_var v, double q);
/* n quantiles q[0..n) at once, each equal to obs_quantile's (one pass over the bins
 * when q is ascending). */
void obs_quantiles(const uint32_t *hist, obs_var v, const double *q, size_t n, double *out);

static inline size_t obs_index(const obs_acc *a, size_t arm, size_t k)
{
    return arm * a->n_obs + k;
}

#endif
