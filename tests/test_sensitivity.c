/* test_sensitivity.c — Sobol' and Morris estimators against functions whose indices
 * are known in closed form. */
#include <math.h>
#include <stdlib.h>

#include "design.h"
#include "sensitivity.h"
#include "testutil.h"

/* Ishigami & Homma (1990) on [-pi, pi]^3, a = 7, b = 0.1. Analytic variances from
 * Sobol' & Levitan (1999): V1 = (1 + b pi^4 / 5)^2 / 2, V2 = a^2 / 8, V3 = 0,
 * V13 = 8 b^2 pi^8 / 225, V = a^2 / 8 + b pi^4 / 5 + b^2 pi^8 / 18 + 1 / 2. */
static const double ish_a = 7, ish_b = 0.1;
static const double PI = 3.14159265358979323846; /* PI is not C17 */

static double ishigami(const double *u)
{
    double x1 = -PI + 2 * PI * u[0], x2 = -PI + 2 * PI * u[1], x3 = -PI + 2 * PI * u[2];
    return sin(x1) + ish_a * sin(x2) * sin(x2) + ish_b * pow(x3, 4) * sin(x1);
}

static void ishigami_indices(double s1[3], double st[3])
{
    double pi4 = pow(PI, 4), pi8 = pow(PI, 8);
    double v = ish_a * ish_a / 8 + ish_b * pi4 / 5 + ish_b * ish_b * pi8 / 18 + 0.5;
    double v1 = 0.5 * pow(1 + ish_b * pi4 / 5, 2), v2 = ish_a * ish_a / 8;
    double v13 = 8 * ish_b * ish_b * pi8 / 225;
    s1[0] = v1 / v;
    s1[1] = v2 / v;
    s1[2] = 0;
    st[0] = (v1 + v13) / v;
    st[1] = v2 / v;
    st[2] = v13 / v;
}

static void test_ishigami(size_t n, size_t n_boot)
{
    design d;
    CHECK(design_saltelli(&d, 3, n) == MSK_OK, "Saltelli design, N = %zu, k = 3", n);
    CHECK(d.n_points == n * 5, "N (k + 2) = %zu points", d.n_points);
    double *y = malloc(d.n_points * sizeof *y);
    for (size_t i = 0; i < d.n_points; i++)
        y[i] = ishigami(&d.x[i * 3]);
    sens_sobol s[3];
    CHECK(sensitivity_sobol(&d, y, n_boot, 0.95, 42, s) == MSK_OK, "Sobol' indices computed");
    double s1[3], st[3];
    ishigami_indices(s1, st);
    for (int i = 0; i < 3; i++) {
        CHECK(s[i].s1_lo <= s1[i] && s1[i] <= s[i].s1_hi,
              "N = %zu: S1[x%d] = %.4f, 95%% CI [%.4f, %.4f] holds the true %.4f", n, i + 1, s[i].s1,
              s[i].s1_lo, s[i].s1_hi, s1[i]);
        CHECK(s[i].st_lo <= st[i] && st[i] <= s[i].st_hi,
              "N = %zu: ST[x%d] = %.4f, 95%% CI [%.4f, %.4f] holds the true %.4f", n, i + 1, s[i].st,
              s[i].st_lo, s[i].st_hi, st[i]);
        CHECK(fabs(s[i].s1 - s1[i]) < 0.05 && fabs(s[i].st - st[i]) < 0.05,
              "N = %zu: x%d estimates within 0.05 of the truth (S1 %+.4f, ST %+.4f)", n, i + 1,
              s[i].s1 - s1[i], s[i].st - st[i]);
        CHECK(s[i].s1_hi - s[i].s1_lo < 0.2, "N = %zu: S1[x%d] CI width %.4f < 0.2", n, i + 1,
              s[i].s1_hi - s[i].s1_lo);
    }

    /* The same inputs give the same intervals (counter-based bootstrap). */
    sens_sobol again[3];
    sensitivity_sobol(&d, y, n_boot, 0.95, 42, again);
    CHECK(again[0].s1_lo == s[0].s1_lo && again[2].st_hi == s[2].st_hi,
          "bootstrap intervals are reproducible (%.17g, %.17g)", again[0].s1_lo, again[2].st_hi);
    free(y);
    design_fini(&d);
}

/* Indices describe variance, not level: the Ishigami function raised by 1000 (an
 * outcome far from zero, like a 15-point gain with a spread of 3) gives the same
 * estimates and intervals, where the uncentred S1 estimator's intervals widened about
 * as the mean over the SD. */
static void test_shift_invariance(void)
{
    design d;
    design_saltelli(&d, 3, 256);
    double *y = malloc(d.n_points * sizeof *y), *z = malloc(d.n_points * sizeof *z);
    for (size_t i = 0; i < d.n_points; i++) {
        y[i] = ishigami(&d.x[i * 3]);
        z[i] = y[i] + 1000.0;
    }
    sens_sobol a[3], b[3];
    sensitivity_sobol(&d, y, 300, 0.95, 7, a);
    sensitivity_sobol(&d, z, 300, 0.95, 7, b);
    for (int i = 0; i < 3; i++)
        CHECK(fabs(a[i].s1 - b[i].s1) < 1e-9 && fabs((a[i].s1_hi - a[i].s1_lo) - (b[i].s1_hi - b[i].s1_lo)) < 1e-9,
              "x%d: S1 %.4f [%.4f, %.4f] unchanged by +1000 (%.4f [%.4f, %.4f])", i + 1, a[i].s1, a[i].s1_lo,
              a[i].s1_hi, b[i].s1, b[i].s1_lo, b[i].s1_hi);
    free(y);
    free(z);
    design_fini(&d);
}

/* y = sum_i c_i u_i: every elementary effect of u_i is c_i exactly. */
static void test_morris_linear(void)
{
    const double c[4] = {3.0, -2.0, 0.5, 0.0};
    design d;
    CHECK(design_morris(&d, 4, 12, 4, 7) == MSK_OK, "Morris design, k = 4, r = 12, p = 4");
    double *y = malloc(d.n_points * sizeof *y);
    for (size_t i = 0; i < d.n_points; i++) {
        y[i] = 0;
        for (int j = 0; j < 4; j++)
            y[i] += c[j] * d.x[i * 4 + (size_t)j];
    }
    sens_morris m[4];
    CHECK(sensitivity_morris(&d, y, 200, 0.95, 1, m) == MSK_OK, "Morris indices computed");
    for (int j = 0; j < 4; j++) {
        CHECK(fabs(m[j].mu - c[j]) < 1e-12 && fabs(m[j].mu_star - fabs(c[j])) < 1e-12 && m[j].sigma < 1e-12,
              "linear: mu[%d] = %.15g (want %g), mu* = %.15g, sigma = %.3g", j, m[j].mu, c[j],
              m[j].mu_star, m[j].sigma);
    }
    free(y);
    design_fini(&d);
}

/* Morris on Ishigami screens x3 as interacting: its sigma is large against its mu,
 * while x2 (additive, no interaction) has mu near 0 but large mu* (sin^2 is not
 * monotone). Only robust orderings are checked. */
static void test_morris_ishigami(void)
{
    design d;
    design_morris(&d, 3, 200, 4, 11);
    double *y = malloc(d.n_points * sizeof *y);
    for (size_t i = 0; i < d.n_points; i++)
        y[i] = ishigami(&d.x[i * 3]);
    sens_morris m[3];
    sensitivity_morris(&d, y, 200, 0.95, 1, m);
    CHECK(m[0].mu_star > 0 && m[1].mu_star > 0 && m[2].mu_star > 0,
          "Ishigami: every mu* positive (%.3f %.3f %.3f)", m[0].mu_star, m[1].mu_star, m[2].mu_star);
    CHECK(m[2].sigma > fabs(m[2].mu), "Ishigami: x3 acts through interaction (sigma %.3f > |mu| %.3f)",
          m[2].sigma, fabs(m[2].mu));
    for (int j = 0; j < 3; j++)
        CHECK(m[j].mu_star_lo <= m[j].mu_star && m[j].mu_star <= m[j].mu_star_hi,
              "Ishigami: mu*[x%d] %.3f inside its bootstrap interval [%.3f, %.3f]", j + 1, m[j].mu_star,
              m[j].mu_star_lo, m[j].mu_star_hi);
    free(y);
    design_fini(&d);
}

static void test_errors(void)
{
    design d;
    design_lhs(&d, 2, 10, 1);
    double y[10] = {0};
    sens_sobol s[2];
    sens_morris m[2];
    CHECK(sensitivity_sobol(&d, y, 10, 0.95, 1, s) == MSK_EUSAGE, "Sobol' indices refuse a non-Saltelli design");
    CHECK(sensitivity_morris(&d, y, 10, 0.95, 1, m) == MSK_EUSAGE, "Morris indices refuse a non-Morris design");
    design_fini(&d);
    design_saltelli(&d, 2, 4);
    double z[16] = {0};
    CHECK(sensitivity_sobol(&d, z, 10, 1.5, 1, s) == MSK_EUSAGE, "confidence 1.5 is refused");
    sensitivity_sobol(&d, z, 10, 0.9, 1, s);
    CHECK(isnan(s[0].s1) && isnan(s[1].st), "a constant outcome has no variance: indices NaN");
    for (size_t i = 0; i < 16; i++)
        z[i] = i == 3 ? NAN : (double)i;
    sensitivity_sobol(&d, z, 10, 0.9, 1, s);
    CHECK(isnan(s[0].s1) && isnan(s[0].s1_lo) && isnan(s[1].st_hi),
          "a NaN outcome (at an AB point of parameter 2) makes every index NaN");
    design_fini(&d);
}

int main(void)
{
    test_ishigami(1024, 500);
    test_ishigami(4096, 300);
    test_shift_invariance();
    test_morris_linear();
    test_morris_ishigami();
    test_errors();
    printf("%d failure(s)\n", test_failures);
    return test_failures;
}
