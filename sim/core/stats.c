/* stats.c — confidence intervals (see stats.h). */
#include "stats.h"

#include <math.h>

#include <gsl/gsl_cdf.h>

static const double z975 = 1.959963984540054;

void stats_poisson_ci(double events, double time, double *lo, double *hi)
{
    if (!(time > 0)) {
        *lo = *hi = NAN;
        return;
    }
    if (events <= 50) {
        *lo = events > 0 ? gsl_cdf_chisq_Pinv(0.025, 2 * events) / 2 / time : 0.0;
        *hi = gsl_cdf_chisq_Pinv(0.975, 2 * events + 2) / 2 / time;
        return;
    }
    double e1 = events + 1;
    *lo = events * pow(1 - 1 / (9 * events) - z975 / (3 * sqrt(events)), 3) / time;
    *hi = e1 * pow(1 - 1 / (9 * e1) + z975 / (3 * sqrt(e1)), 3) / time;
}

void stats_wilson_ci(double k, double n, double *lo, double *hi)
{
    if (!(n > 0)) {
        *lo = *hi = NAN;
        return;
    }
    double p = k / n, z2 = z975 * z975;
    double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
    double half = z975 * sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
    *lo = fmax(0.0, centre - half);
    *hi = fmin(1.0, centre + half);
}

double stats_mean_ci(double s, double ss, double n, double *half)
{
    if (!(n > 0)) {
        *half = NAN;
        return NAN;
    }
    double mean = s / n;
    if (n < 2) {
        *half = NAN;
        return mean;
    }
    double var = fmax(0.0, (ss - s * mean) / (n - 1));
    *half = gsl_cdf_tdist_Pinv(0.975, n - 1) * sqrt(var / n);
    return mean;
}

int stats_leaders_unranked(const double *v, const double *lo, const double *hi, size_t k, size_t *best,
                           size_t *second)
{
    *best = 0;
    *second = k;
    for (size_t j = 1; j < k; j++)
        if (v[j] > v[*best])
            *best = j;
    for (size_t j = 0; j < k; j++)
        if (j != *best && (*second == k || v[j] > v[*second]))
            *second = j;
    return *second < k && lo[*best] <= hi[*second];
}
