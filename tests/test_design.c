/* test_design.c — the structure of each design, and that seeded designs are pure
 * functions of their seed. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "design.h"
#include "testutil.h"

static void test_grid(void)
{
    const size_t levels[3] = {3, 1, 2};
    design d;
    CHECK(design_grid(&d, 3, levels) == MSK_OK && d.n_points == 6, "grid 3 x 1 x 2: %zu points", d.n_points);
    /* First coordinate slowest: (0, .5, 0) (0, .5, 1) (.5, .5, 0) ... (1, .5, 1). */
    const double want[6][3] = {{0, .5, 0}, {0, .5, 1}, {.5, .5, 0}, {.5, .5, 1}, {1, .5, 0}, {1, .5, 1}};
    int ok = 1;
    for (size_t i = 0; i < 6; i++)
        for (size_t c = 0; c < 3; c++)
            ok &= d.x[i * 3 + c] == want[i][c];
    CHECK(ok, "grid points in order, one-level coordinate at 0.5, exact level values");
    design_fini(&d);
    const size_t zero[1] = {0};
    CHECK(design_grid(&d, 1, zero) == MSK_EUSAGE, "a coordinate with no level is refused");
}

static void test_lhs(void)
{
    design d, again, other;
    const size_t n = 50, k = 4;
    design_lhs(&d, k, n, 7);
    int strata = 1, inside = 1;
    for (size_t c = 0; c < k; c++) {
        int seen[50] = {0};
        for (size_t i = 0; i < n; i++) {
            double x = d.x[i * k + c];
            inside &= x > 0 && x < 1;
            seen[(size_t)(x * (double)n)]++;
        }
        for (size_t s = 0; s < n; s++)
            strata &= seen[s] == 1;
    }
    CHECK(strata, "Latin hypercube: every coordinate has exactly one point in each of %zu strata", n);
    CHECK(inside, "all coordinates strictly inside (0, 1)");
    design_lhs(&again, k, n, 7);
    design_lhs(&other, k, n, 8);
    CHECK(memcmp(d.x, again.x, n * k * sizeof *d.x) == 0, "same seed, same design (bit for bit)");
    CHECK(memcmp(d.x, other.x, n * k * sizeof *d.x) != 0, "another seed, another design");
    design_fini(&d);
    design_fini(&again);
    design_fini(&other);
}

static void test_saltelli(void)
{
    design d;
    const size_t k = 3, n = 16;
    CHECK(design_saltelli(&d, k, n) == MSK_OK, "Saltelli design N = 16, k = 3");
    CHECK(d.n_points == n * (k + 2) && d.group_size == k + 2 && d.n_groups == n, "%zu points in %zu groups of %zu",
          d.n_points, d.n_groups, d.group_size);
    int structure = 1;
    for (size_t j = 0; j < n; j++) {
        const double *a = &d.x[(j * (k + 2)) * k], *b = a + k;
        structure &= d.role[j * (k + 2)] == DESIGN_ROLE_A && d.role[j * (k + 2) + 1] == DESIGN_ROLE_B;
        for (size_t i = 0; i < k; i++) {
            const double *ab = &d.x[(j * (k + 2) + 2 + i) * k];
            structure &= d.role[j * (k + 2) + 2 + i] == DESIGN_ROLE_AB && d.column[j * (k + 2) + 2 + i] == (int32_t)i;
            for (size_t c = 0; c < k; c++)
                structure &= ab[c] == (c == i ? b[c] : a[c]);
        }
    }
    CHECK(structure, "AB_i is A with coordinate i from B, for every sample and i");
    /* GSL's Sobol' points in the first dimension: 0.5, 0.75, 0.25, 0.375, ..., rotated
     * by frac(0.618...) (Cranley-Patterson). */
    const double g = 0.6180339887498949;
    CHECK(d.x[0] == fmod(0.5 + g, 1) && d.x[(k + 2) * k] == fmod(0.75 + g, 1) &&
              d.x[2 * (k + 2) * k] == fmod(0.25 + g, 1),
          "A's first coordinate follows the rotated Sobol' sequence: %g %g %g", d.x[0], d.x[(k + 2) * k],
          d.x[2 * (k + 2) * k]);
    design_fini(&d);
    /* No AB_i repeats A (a wasted run): no coordinate of A equals B's, for any k and N
     * (unrotated, the first points tie: 10 of the 48 runs of k = 4, N = 8). */
    size_t ties = 0, checked = 0;
    for (size_t kk = 1; kk <= 10; kk++)
        for (size_t nn = 1; nn <= 1024; nn *= 4) {
            CHECK(design_saltelli(&d, kk, nn) == MSK_OK, "Saltelli k = %zu N = %zu", kk, nn);
            for (size_t j = 0; j < nn; j++)
                for (size_t i = 0; i < kk; i++, checked++)
                    ties += d.x[(j * (kk + 2)) * kk + i] == d.x[(j * (kk + 2) + 1) * kk + i];
            design_fini(&d);
        }
    CHECK(ties == 0, "no coordinate of A equals B's (%zu ties in %zu pairs, k = 1..10, N = 1..1024)", ties, checked);
    CHECK(design_saltelli(&d, k, n) == MSK_OK, "Saltelli design again");
    design_fini(&d);
    CHECK(design_saltelli(&d, DESIGN_SALTELLI_MAX_K + 1, 4) == MSK_EUSAGE,
          "more than %d parameters is refused (GSL's Sobol' has 40 dimensions)", DESIGN_SALTELLI_MAX_K);
}

static void test_morris(void)
{
    design d;
    const size_t k = 5, r = 30, p = 4;
    CHECK(design_morris(&d, k, r, p, 3) == MSK_OK && d.n_points == r * (k + 1), "Morris r = 30, k = 5: %zu points",
          d.n_points);
    const double delta = 2.0 / 3.0;
    int one_step = 1, on_grid = 1, each_once = 1;
    for (size_t t = 0; t < r; t++) {
        int moved[5] = {0};
        for (size_t s = 0; s <= k; s++) {
            const double *x = &d.x[(t * (k + 1) + s) * k];
            for (size_t c = 0; c < k; c++) {
                double level = x[c] * (double)(p - 1);
                on_grid &= fabs(level - nearbyint(level)) < 1e-12 && x[c] >= 0 && x[c] <= 1;
            }
            if (s == 0)
                continue;
            int32_t c = d.column[t * (k + 1) + s];
            moved[c]++;
            for (size_t j = 0; j < k; j++) {
                double dx = x[j] - x[j - k];
                one_step &= (int32_t)j == c ? fabs(fabs(dx) - delta) < 1e-12 : dx == 0;
            }
        }
        for (size_t c = 0; c < k; c++)
            each_once &= moved[c] == 1;
    }
    CHECK(one_step, "each step moves exactly one coordinate, by delta = p / (2 (p - 1)) = %.4f", delta);
    CHECK(on_grid, "every point lies on the %zu-level grid", p);
    CHECK(each_once, "each trajectory moves every coordinate once");
    design_fini(&d);
}

int main(void)
{
    test_grid();
    test_lhs();
    test_saltelli();
    test_morris();
    CHECK(design_uniform(1, 2, 3, 4) == design_uniform(1, 2, 3, 4) && design_uniform(1, 2, 3, 4) != design_uniform(1, 2, 3, 5),
          "design_uniform is a pure function of its arguments");
    printf("%d failure(s)\n", test_failures);
    return test_failures;
}
