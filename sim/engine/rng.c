/* rng.c — Philox4x64 behind gsl_rng, via Random123's gsl_microrng adapter. */
#include "rng.h"

#include <stdlib.h>

#include <Random123/philox.h>

/* The adapter defines a file-scope type pointer and functions; keep the warnings it
 * would raise under our flags local to this one expansion. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#pragma GCC diagnostic ignored "-Wconversion"
#include <Random123/gsl_microrng.h>
GSL_MICRORNG(msk_philox, philox4x64);
#pragma GCC diagnostic pop

rng_stream *rng_create(uint64_t seed)
{
    rng_stream *s = malloc(sizeof *s);
    if (!s)
        return NULL;
    s->seed = seed;
    s->r = gsl_rng_alloc(gsl_rng_msk_philox);
    if (!s->r) {
        free(s);
        return NULL;
    }
    rng_seek(s, RNG_POPULATION, 0, 0, 0);
    return s;
}

void rng_destroy(rng_stream *s)
{
    if (!s)
        return;
    gsl_rng_free(s->r);
    free(s);
}

void rng_seek(rng_stream *s, rng_purpose purpose, uint64_t individual, uint64_t replicate,
              uint64_t index)
{
    /* Counter word 3 keeps its high 32 bits for the adapter's draw count, so the
     * index lives in word 2 and word 3 stays zero. */
    philox4x64_ctr_t c = {{individual, replicate, index, 0}};
    philox4x64_key_t k = {{s->seed, (uint64_t)purpose}};
    msk_philox_reset(s->r, c, k);
}

double rng_uniform_pos(rng_stream *s)
{
    return gsl_rng_uniform_pos(s->r);
}
