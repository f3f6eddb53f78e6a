/* kinetics.h — exact propagation of the linear ODEs shared by the models.
 *
 * Between events every input is constant, so each state variable obeys
 *     dx/dt = k (c * exp(-r t) - x)                                  (relaxation)
 * towards a target c that drifts down at rate r (ageing). Bone formation follows a
 * first-order lag of resorption. Both have closed forms, used here instead of a
 * numerical integrator; tests check them against GSL's ODE drivers. */
#ifndef MSK_KINETICS_H
#define MSK_KINETICS_H

/* x(t) for dx/dt = k (c e^{-rt} - x), x(0) = x0; k > 0, r >= 0, k != r is not
 * required (the k == r case uses its limit). */
double kinetics_relax(double x0, double c, double k, double r, double t);

/* kinetics_relax's factors for one (k, r, t), so that relaxations over the same
 * interval share their exponentials (muscle compartments age at the same rate, and
 * those under the same load relax at the same rate). e_k and e_r are e^{-k t} and
 * e^{-r t}, which the caller already has. kinetics_relax_by gives exactly
 * kinetics_relax(x0, c, k, r, t). */
typedef struct {
    double k, t, e_k, e_slow, ratio;
} kinetics_relax_factors;

void kinetics_relax_factors_set(kinetics_relax_factors *f, double k, double r, double t,
                                double e_k, double e_r);
double kinetics_relax_by(const kinetics_relax_factors *f, double x0, double c);

/* For dF/dt = (target - F)/tau and dB/dt = F - R with constant target and R:
 * advances F and B over t in place. */
void kinetics_lagged_balance(double *formation, double *balance, double target,
                             double resorption, double tau, double t);

/* The same, given decay = kinetics_lag_decay(tau, t), for callers that reuse it. */
double kinetics_lag_decay(double tau, double t);
void kinetics_lagged_balance_by(double *formation, double *balance, double target,
                                double resorption, double tau, double t, double decay);

#endif
