/* kinetics.c — closed forms of the shared linear ODEs. */
#include "kinetics.h"

#include <math.h>

#include "minmax.h"

/* (1 - e^{-z})/z, with its limit 1 at z = 0; accurate for small z. */
static double expm1_ratio(double z)
{
    return z == 0 ? 1.0 : -expm1(-z) / z;
}

double kinetics_relax(double x0, double c, double k, double r, double t)
{
    /* x = x0 e^{-kt} + c k (e^{-rt} - e^{-kt})/(k - r), rewritten so that neither
     * the near-resonant case k ~ r cancels nor r >> k overflows:
     * (e^{-rt} - e^{-kt})/(k - r) = t e^{-min(k,r) t} E(|k - r| t). */
    double slow = msk_fmin(k, r);
    return x0 * exp(-k * t) + c * k * t * exp(-slow * t) * expm1_ratio(fabs(k - r) * t);
}

void kinetics_relax_factors_set(kinetics_relax_factors *f, double k, double r, double t,
                                double e_k, double e_r)
{
    double slow = msk_fmin(k, r);
    f->k = k;
    f->t = t;
    f->e_k = e_k;
    f->e_slow = slow == r ? e_r : slow == k ? e_k : exp(-slow * t);
    f->ratio = expm1_ratio(fabs(k - r) * t);
}

double kinetics_relax_by(const kinetics_relax_factors *f, double x0, double c)
{
    /* kinetics_relax's expression, term for term. */
    return x0 * f->e_k + c * f->k * f->t * f->e_slow * f->ratio;
}

double kinetics_lag_decay(double tau, double t)
{
    return -expm1(-t / tau); /* 1 - e^{-t/tau}, accurate for small t */
}

void kinetics_lagged_balance_by(double *formation, double *balance, double target,
                                double resorption, double tau, double t, double decay)
{
    double f0 = *formation;
    *formation = target + (f0 - target) * (1.0 - decay);
    *balance += (target - resorption) * t + (f0 - target) * tau * decay;
}

void kinetics_lagged_balance(double *formation, double *balance, double target,
                             double resorption, double tau, double t)
{
    kinetics_lagged_balance_by(formation, balance, target, resorption, tau, t,
                               kinetics_lag_decay(tau, t));
}
