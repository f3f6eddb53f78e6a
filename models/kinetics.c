/* kinetics.c — closed forms of the shared linear ODEs. */
#include "kinetics.h"

#include <math.h>

double kinetics_relax(double x0, double c, double k, double r, double t)
{
    double d = k - r;
    /* Particular solution c k/(k-r) e^{-rt}; near k == r use the resonant limit
     * x = (x0 + c k t) e^{-kt}, reached continuously as d -> 0. */
    if (fabs(d) < 1e-12 * k)
        return (x0 + c * k * t) * exp(-k * t);
    double a = c * k / d;
    return a * exp(-r * t) + (x0 - a) * exp(-k * t);
}

void kinetics_lagged_balance(double *formation, double *balance, double target,
                             double resorption, double tau, double t)
{
    double f0 = *formation;
    double decay = -expm1(-t / tau); /* 1 - e^{-t/tau}, accurate for small t */
    *formation = target + (f0 - target) * (1.0 - decay);
    *balance += (target - resorption) * t + (f0 - target) * tau * decay;
}
