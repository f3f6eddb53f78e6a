/* rng.h — counter-based random streams (Random123 Philox4x64-10 through GSL).
 *
 * A number never depends on the thread, the rank or the order of work: it is a pure
 * function of (master seed, stream purpose) as the key and (individual, replicate,
 * index) as the counter. Each individual has, per purpose, a running index (the k-th
 * fall, the k-th training week...), so the same person meets the same random numbers
 * in every arm: arm comparisons are paired (common random numbers). New purposes are
 * appended to the list so that existing streams, and old results, do not shift.
 *
 * The stream is a gsl_rng (Random123's GSL adapter), so every gsl_ran_* distribution
 * can draw from it. rng_seek repositions it; it is cheap and allocation-free, so it
 * can be called in event handlers. Up to 2^32 draws may follow one seek. */
#ifndef MSK_RNG_H
#define MSK_RNG_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

typedef enum {
    RNG_POPULATION,  /* baseline characteristics; index = attribute draw */
    RNG_FALL,        /* time to next fall (Exp(1) clocks); index = fall number */
    RNG_FRACTURE,    /* fracture site given a fall; index = fall number */
    RNG_DEATH,       /* time to death (Exp(1) clock); index = 0 */
    RNG_HOSPITAL,    /* time to and length of acute admissions; index = admission */
    RNG_TRAINING,    /* sessions attended and adverse events; index = week x arm slot */
    RNG_RECOVERY,    /* recovery after hip fracture; index = number of the fall that broke it */
    RNG_PURPOSE_COUNT
} rng_purpose;

typedef struct {
    gsl_rng *r;
    uint64_t seed;
} rng_stream;

/* Allocate a stream for one thread. Returns NULL when out of memory. */
rng_stream *rng_create(uint64_t seed);
void rng_destroy(rng_stream *s);

/* Position the stream at (purpose; individual, replicate, index). Draws that follow
 * are determined by these values and the seed alone. */
void rng_seek(rng_stream *s, rng_purpose purpose, uint64_t individual, uint64_t replicate,
              uint64_t index);

/* Uniform on the open interval (0, 1): safe for log(). */
double rng_uniform_pos(rng_stream *s);

#endif
