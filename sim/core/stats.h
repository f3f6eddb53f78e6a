/* stats.h — confidence intervals shared by the result file, the evidence table and the
 * sweep's sensitivity indices.
 *
 * All intervals are two-sided 95%. Each function returns NAN limits when the data
 * cannot support an interval (no person-time, fewer than two people). */
#ifndef MSK_STATS_H
#define MSK_STATS_H

#include <stddef.h>

/* Rate = events / time: exact (chi-square) limits for small counts, Byar's
 * approximation above 50 events (agrees to < 0.1%; GSL's inverse may not converge). */
void stats_poisson_ci(double events, double time, double *lo, double *hi);

/* Proportion k / n: Wilson score interval (good coverage even near 0 and 1). */
void stats_wilson_ci(double k, double n, double *lo, double *hi);

/* Mean of n values with sum s and sum of squares ss: Student-t interval. Returns the
 * mean; *half receives the half-width. */
double stats_mean_ci(double s, double ss, double n, double *half);

/* Of k estimates v[] with interval limits lo[] and hi[], the largest (*best) and the
 * next (*second; k when there is none). Returns 1 when the two cannot be ranked: the
 * leader's lower limit does not clear the runner-up's upper limit. */
int stats_leaders_unranked(const double *v, const double *lo, const double *hi, size_t k, size_t *best,
                           size_t *second);

#endif
