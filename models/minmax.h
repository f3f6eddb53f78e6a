/* minmax.h — fmax and fmin without a call.
 *
 * GCC calls libm for fmax and fmin unless it may ignore NaNs and signed zeros, and in
 * the event loop those calls cost more than the comparisons. These give glibc's
 * results on x86-64 (maxsd / minsd with its NaN rule), so the numbers do not change:
 * for ordered operands the larger (smaller) one, the second when they compare equal
 * (so msk_fmax(-0.0, 0.0) is 0.0 and msk_fmax(0.0, -0.0) is -0.0, as there); a quiet
 * NaN operand is ignored. (Signalling NaNs, which arithmetic never makes, are not
 * handled as libm does.) */
#ifndef MSK_MINMAX_H
#define MSK_MINMAX_H

static inline double msk_fmax(double a, double b)
{
    return a > b ? a : (b != b ? a : b);
}

static inline double msk_fmin(double a, double b)
{
    return a < b ? a : (b != b ? a : b);
}

#endif
