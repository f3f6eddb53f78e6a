/* design.c — grid, Latin hypercube, Saltelli and Morris designs (see design.h). */
#include "design.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_qrng.h>
#include <Random123/philox.h>

static const char *const method_names[DESIGN_METHOD_COUNT] = {"grid", "lhs", "saltelli", "morris"};

const char *design_method_name(design_method m)
{
    return (m >= 0 && m < DESIGN_METHOD_COUNT) ? method_names[m] : "?";
}

double design_uniform(uint64_t seed, uint64_t purpose, uint64_t a, uint64_t b)
{
    philox4x64_ctr_t c = {{a, b, 0, 0}};
    philox4x64_key_t k = {{seed, purpose}};
    philox4x64_ctr_t r = philox4x64(c, k);
    /* 53 random bits, centred in their cell: never 0, never 1. */
    return ((double)(r.v[0] >> 11) + 0.5) * 0x1p-53;
}

void design_fini(design *d)
{
    if (!d)
        return;
    free(d->x);
    free(d->role);
    free(d->column);
    memset(d, 0, sizeof *d);
}

static msk_status alloc_points(design *d, design_method m, size_t k, size_t n_points,
                               size_t n_groups, size_t group_size)
{
    memset(d, 0, sizeof *d);
    d->method = m;
    d->k = k;
    d->n_points = n_points;
    d->n_groups = n_groups;
    d->group_size = group_size;
    if (k && n_points > SIZE_MAX / sizeof(double) / k)
        return MSK_ENOMEM;
    d->x = calloc(n_points * k > 0 ? n_points * k : 1, sizeof *d->x);
    d->role = calloc(n_points ? n_points : 1, sizeof *d->role);
    d->column = malloc((n_points ? n_points : 1) * sizeof *d->column);
    if (!d->x || !d->role || !d->column) {
        design_fini(d);
        return MSK_ENOMEM;
    }
    for (size_t i = 0; i < n_points; i++)
        d->column[i] = -1;
    return MSK_OK;
}

msk_status design_grid(design *d, size_t k, const size_t *levels)
{
    size_t n = 1;
    for (size_t c = 0; c < k; c++) {
        if (levels[c] < 1 || n > SIZE_MAX / levels[c])
            return MSK_EUSAGE;
        n *= levels[c];
    }
    msk_status st = alloc_points(d, DESIGN_GRID, k, n, n, 1);
    if (st != MSK_OK)
        return st;
    for (size_t i = 0; i < n; i++) {
        size_t rest = i;
        for (size_t c = k; c-- > 0;) {
            size_t L = levels[c], level = rest % L;
            rest /= L;
            d->x[i * k + c] = L == 1 ? 0.5 : (double)level / (double)(L - 1);
        }
    }
    return MSK_OK;
}

/* Fisher-Yates with counter-based draws: the permutation depends on (seed, column). */
static void permutation(size_t *perm, size_t n, uint64_t seed, uint64_t column)
{
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    for (size_t i = n; i-- > 1;) {
        size_t j = (size_t)(design_uniform(seed, DESIGN_STREAM_LHS_PERM, column, i) * (double)(i + 1));
        if (j > i)
            j = i;
        size_t t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
}

msk_status design_lhs(design *d, size_t k, size_t n, uint64_t seed)
{
    if (n < 1)
        return MSK_EUSAGE;
    msk_status st = alloc_points(d, DESIGN_LHS, k, n, n, 1);
    if (st != MSK_OK)
        return st;
    size_t *perm = malloc(n * sizeof *perm);
    if (!perm) {
        design_fini(d);
        return MSK_ENOMEM;
    }
    for (size_t c = 0; c < k; c++) {
        permutation(perm, n, seed, c);
        for (size_t i = 0; i < n; i++)
            d->x[i * k + c] = ((double)perm[i] + design_uniform(seed, DESIGN_STREAM_LHS_JITTER, i, c)) / (double)n;
    }
    free(perm);
    return MSK_OK;
}

msk_status design_saltelli(design *d, size_t k, size_t n)
{
    if (k < 1 || k > DESIGN_SALTELLI_MAX_K || n < 1 || n > SIZE_MAX / (k + 2))
        return MSK_EUSAGE;
    msk_status st = alloc_points(d, DESIGN_SALTELLI, k, n * (k + 2), n, k + 2);
    if (st != MSK_OK)
        return st;
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)(2 * k));
    double *ab = malloc(2 * k * sizeof *ab);
    if (!q || !ab) {
        gsl_qrng_free(q);
        free(ab);
        design_fini(d);
        return MSK_ENOMEM;
    }
    /* Sobol' coordinates are dyadic fractions, and early points repeat across dimensions
     * (0.5 everywhere; (0.75, 0.25, 0.75, 0.25, ...)): wherever a coordinate of A equals
     * the same coordinate of B, AB_i equals A and the run is wasted (10 of the 48 runs
     * of the shipped example were). A rotation of each dimension by its own fixed
     * irrational shift (Cranley-Patterson, with the additive recurrence of the golden
     * ratio) keeps the sequence's uniformity and makes such ties impossible: a dyadic
     * difference never equals a difference of the shifts. */
    for (size_t j = 0; j < n; j++) {
        gsl_qrng_get(q, ab);
        for (size_t c = 0; c < 2 * k; c++) {
            double shift = fmod(0.6180339887498949 * (double)(c + 1), 1.0);
            ab[c] = fmod(ab[c] + shift, 1.0);
        }
        const double *a = ab, *b = ab + k;
        size_t base = j * (k + 2);
        memcpy(&d->x[base * k], a, k * sizeof *a);
        d->role[base] = DESIGN_ROLE_A;
        memcpy(&d->x[(base + 1) * k], b, k * sizeof *b);
        d->role[base + 1] = DESIGN_ROLE_B;
        for (size_t i = 0; i < k; i++) {
            double *row = &d->x[(base + 2 + i) * k];
            memcpy(row, a, k * sizeof *a);
            row[i] = b[i];
            d->role[base + 2 + i] = DESIGN_ROLE_AB;
            d->column[base + 2 + i] = (int32_t)i;
        }
    }
    gsl_qrng_free(q);
    free(ab);
    return MSK_OK;
}

msk_status design_morris(design *d, size_t k, size_t r, size_t p, uint64_t seed)
{
    if (k < 1 || r < 1 || p < 2 || r > SIZE_MAX / (k + 1))
        return MSK_EUSAGE;
    msk_status st = alloc_points(d, DESIGN_MORRIS, k, r * (k + 1), r, k + 1);
    if (st != MSK_OK)
        return st;
    size_t *order = malloc(k * sizeof *order);
    double *lower = malloc(k * sizeof *lower);
    int *up = malloc(k * sizeof *up);
    if (!order || !lower || !up) {
        free(order);
        free(lower);
        free(up);
        design_fini(d);
        return MSK_ENOMEM;
    }
    /* Morris (1991); Campolongo et al. (2007): the move is delta = p / (2 (p - 1)),
     * half the levels, so a start on the lower half of the grid stays on the grid. */
    const double step = 1.0 / (double)(p - 1), delta = (double)(p / 2) * step;
    const size_t lower_levels = p - p / 2;
    for (size_t t = 0; t < r; t++) {
        for (size_t c = 0; c < k; c++) {
            size_t level = (size_t)(design_uniform(seed, DESIGN_STREAM_MORRIS, t, c) * (double)lower_levels);
            if (level >= lower_levels)
                level = lower_levels - 1;
            lower[c] = (double)level * step;
            up[c] = design_uniform(seed, DESIGN_STREAM_MORRIS, t, k + c) < 0.5;
            order[c] = c;
        }
        for (size_t i = k; i-- > 1;) {
            size_t j = (size_t)(design_uniform(seed, DESIGN_STREAM_MORRIS, t, 2 * k + i) * (double)(i + 1));
            if (j > i)
                j = i;
            size_t tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        size_t base = t * (k + 1);
        for (size_t c = 0; c < k; c++) {
            double hi = lower[c] + delta > 1 ? 1 : lower[c] + delta;
            d->x[base * k + c] = up[c] ? lower[c] : hi;
        }
        for (size_t s = 1; s <= k; s++) {
            size_t c = order[s - 1];
            double *row = &d->x[(base + s) * k];
            memcpy(row, row - k, k * sizeof *row);
            double hi = lower[c] + delta > 1 ? 1 : lower[c] + delta;
            row[c] = up[c] ? hi : lower[c];
            d->role[base + s] = 1;
            d->column[base + s] = (int32_t)c;
        }
    }
    free(order);
    free(lower);
    free(up);
    return MSK_OK;
}
