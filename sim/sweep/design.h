/* design.h — experimental designs over the unit cube, for parameter sweeps.
 *
 * A design is a list of points in [0, 1]^k; the sweep (sweep.h) maps each coordinate
 * onto its parameter's range or levels. Four designs:
 *   grid      full factorial: every combination of per-parameter levels i/(L-1);
 *   lhs       Latin hypercube: each coordinate falls in each of n equal strata once;
 *   saltelli  the A, B and AB_i matrices of Saltelli (2010) for first-order and total
 *             Sobol indices, drawn from a Sobol' sequence (GSL): N (k + 2) points;
 *   morris    r elementary-effect trajectories on a p-level grid (Morris 1991), each
 *             of k + 1 points moving one coordinate by delta = p / (2 (p - 1)).
 * Points are stored group-major (a Saltelli sample's k + 2 points, a Morris trajectory's
 * k + 1 points, are consecutive), so the estimators in sensitivity.h find them by index.
 *
 * Every random draw is a pure function of (seed, purpose, indices) through Random123's
 * Philox (design_uniform): a design never depends on the platform's RNG, the thread or
 * the order of calls. */
#ifndef MSK_DESIGN_H
#define MSK_DESIGN_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

typedef enum { DESIGN_GRID, DESIGN_LHS, DESIGN_SALTELLI, DESIGN_MORRIS, DESIGN_METHOD_COUNT } design_method;

/* Roles of a Saltelli point within its sample (design.role). */
enum { DESIGN_ROLE_A = 0, DESIGN_ROLE_B = 1, DESIGN_ROLE_AB = 2 };

/* GSL's Sobol' generator has at most 40 dimensions; Saltelli needs 2k of them. */
enum { DESIGN_SALTELLI_MAX_K = 20 };

typedef struct {
    design_method method;
    size_t k;        /* coordinates (parameters) */
    size_t n_points;
    size_t n_groups; /* saltelli: samples N; morris: trajectories r; else n_points */
    size_t group_size; /* points per group: k + 2, k + 1 or 1 */
    double *x;       /* [n_points][k] in [0, 1] */
    int8_t *role;    /* [n_points] saltelli: DESIGN_ROLE_*; morris: 0 start, 1 step; else 0 */
    int32_t *column; /* [n_points] saltelli AB_i and morris steps: the coordinate i; else -1 */
} design;

/* Builders fill *d (caller-owned; free with design_fini) and return MSK_OK, MSK_ENOMEM,
 * or MSK_EUSAGE for arguments outside the limits stated (a bug in the caller: the
 * sweep loader checks them first). */

/* Full factorial over levels[i] >= 1 values per coordinate; the first coordinate
 * varies slowest. A coordinate with one level sits at 0.5. */
msk_status design_grid(design *d, size_t k, const size_t *levels);
/* n >= 1 points; coordinate c of point i is (perm_c(i) + U) / n. */
msk_status design_lhs(design *d, size_t k, size_t n, uint64_t seed);
/* N >= 1 samples, 1 <= k <= DESIGN_SALTELLI_MAX_K. Sample j uses Sobol' point j of
 * GSL's sequence in 2k dimensions, each dimension c rotated by frac(0.618... (c + 1))
 * (Cranley-Patterson: no coordinate of A equals B's, so no AB_i repeats A): A from its
 * first k coordinates, B from the next k. Point order within a sample: A, B,
 * AB_1 .. AB_k, where AB_i is A with coordinate i taken from B. */
msk_status design_saltelli(design *d, size_t k, size_t n);
/* r >= 1 trajectories on p >= 2 levels (p even gives the usual symmetric design). */
msk_status design_morris(design *d, size_t k, size_t r, size_t p, uint64_t seed);

void design_fini(design *d);

/* Uniform on (0, 1), a pure function of its arguments (Philox4x64-10). */
double design_uniform(uint64_t seed, uint64_t purpose, uint64_t a, uint64_t b);

/* Purposes of design_uniform streams (new ones are appended). */
enum { DESIGN_STREAM_LHS_PERM, DESIGN_STREAM_LHS_JITTER, DESIGN_STREAM_MORRIS, DESIGN_STREAM_BOOTSTRAP };

/* Method names as written in sweep files ("grid", "lhs", "saltelli", "morris"). */
const char *design_method_name(design_method m);

#endif
