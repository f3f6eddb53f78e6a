/* test_kinetics.c — the closed forms of models/kinetics.c, and the exact muscle and
 * bone propagators built on them, against GSL's adaptive Runge-Kutta (rk8pd at a
 * relative tolerance of 1e-12) on the ODEs they claim to solve.
 *
 * Parameter sets are "high-entropy": unround values, edge cases (k close to r, r = 0,
 * tiny and long intervals) and a batch from a fixed-seed generator. Composition
 * (advancing t1 then t2 equals advancing t1 + t2) is checked as well, because the
 * engine cuts intervals at every event. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>

#include "bone.h"
#include "activity.h"
#include "kinetics.h"
#include "minmax.h"
#include "muscle.h"
#include "params.h"
#include "testutil.h"

#define DAYS_PER_YEAR 365.25

/* Agreement required between a closed form and the numerical integral. GSL is run at
 * 1e-12; 1e-8 leaves room for its global error while staying far inside the 1e-6 the
 * models need. */
#define TOL_ODE 1e-8
/* Composition only reorders floating-point work. */
#define TOL_COMPOSE 1e-11

/* ---- A small deterministic generator for parameter batches (state passed in). ---- */

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Log-uniform on [lo, hi]. */
static double log_uniform(uint64_t *s, double lo, double hi)
{
    double u = (double)(splitmix(s) >> 11) * 0x1.0p-53;
    return lo * pow(hi / lo, u);
}

/* ---- Numerical reference ------------------------------------------------------------ */

/* Integrate an n-dimensional system from 0 to t with rk8pd; returns the GSL status. */
static int integrate(int (*f)(double, const double *, double *, void *), size_t n, void *par,
                     double *y, double t)
{
    gsl_odeiv2_system sys = {f, NULL, n, par};
    double h0 = fmin(1e-3, 1e-3 * t);
    gsl_odeiv2_driver *d = gsl_odeiv2_driver_alloc_y_new(&sys, gsl_odeiv2_step_rk8pd, h0, 0.0, 1e-12);
    if (!d)
        return GSL_ENOMEM;
    gsl_odeiv2_driver_set_nmax(d, 10000000);
    double t0 = 0;
    int rc = gsl_odeiv2_driver_apply(d, &t0, t, y);
    gsl_odeiv2_driver_free(d);
    return rc;
}

/* ---- kinetics_relax: dx/dt = k (c e^{-rt} - x) -------------------------------------- */

typedef struct {
    double c, k, r;
} relax_par;

static int relax_rhs(double t, const double *y, double *dy, void *vp)
{
    const relax_par *q = vp;
    dy[0] = q->k * (q->c * exp(-q->r * t) - y[0]);
    return GSL_SUCCESS;
}

static void check_relax(const char *label, double x0, double c, double k, double r, double t)
{
    relax_par q = {c, k, r};
    double y[1] = {x0};
    int rc = integrate(relax_rhs, 1, &q, y, t);
    double exact = kinetics_relax(x0, c, k, r, t);
    char what[160];
    snprintf(what, sizeof what, "relax %s (x0=%g c=%g k=%.17g r=%.17g t=%g) closed form vs rk8pd",
             label, x0, c, k, r, t);
    CHECK(rc == GSL_SUCCESS, "%s: GSL status %d", what, rc);
    CHECK_CLOSE(exact, y[0], TOL_ODE, what);
}

static void check_relax_compose(double x0, double c, double k, double r, double t1, double t2)
{
    double once = kinetics_relax(x0, c, k, r, t1 + t2);
    /* The target has drifted by e^{-r t1} when the second interval starts. */
    double twice = kinetics_relax(kinetics_relax(x0, c, k, r, t1), c * exp(-r * t1), k, r, t2);
    char what[160];
    snprintf(what, sizeof what, "relax composition (k=%g r=%g t1=%g t2=%g): t1+t2 vs t1 then t2",
             k, r, t1, t2);
    CHECK_CLOSE(once, twice, TOL_COMPOSE, what);
}

static void test_relax(void)
{
    /* Unround, typical of the muscle and neural compartments. */
    check_relax("muscle-like", 3.1415926, 2.7182818, 0.0147113, 2.43e-5, 14.0);
    check_relax("neural-like", 0.9173, 0.7512, 0.0511, 4.17e-5, 37.3);
    check_relax("rising", 0.4391, 1.9376, 0.2713, 1.3e-3, 9.71);
    /* r = 0: plain relaxation. */
    check_relax("r = 0", 1.2345, 0.3456, 0.0823, 0.0, 41.7);
    check_relax("r = 0 long", 1.2345, 0.3456, 0.0823, 0.0, 612.0);
    /* r > k: the target falls faster than x can follow. */
    check_relax("r > k", 2.2, 1.7, 0.0131, 0.0457, 83.0);
    /* Tiny and long intervals. */
    check_relax("t tiny", 1.7777, 0.9111, 0.0347, 1.9e-4, 1e-7);
    check_relax("t small", 1.7777, 0.9111, 0.0347, 1.9e-4, 0.013);
    check_relax("t large", 1.7777, 0.9111, 0.0347, 1.9e-4, 3650.0);
    /* k close to r: the particular solution c k/(k - r) is singular and the code
     * switches to the resonant limit below |k - r| < 1e-12 k. Both sides of that
     * switch, and the exact resonance, must stay accurate. */
    const double k = 0.0513;
    const double gaps[] = {1e-3, 1e-6, 1e-9, 1e-11, 2e-12, 5e-13, 0.0};
    for (size_t i = 0; i < sizeof gaps / sizeof gaps[0]; i++) {
        char label[48];
        snprintf(label, sizeof label, "k-r = %g k", gaps[i]);
        check_relax(label, 0.3141, 1.1213, k, k * (1.0 - gaps[i]), 97.3);
    }

    /* A batch of random sets spanning the ranges the models use and beyond. */
    uint64_t s = 20240917u;
    for (int i = 0; i < 24; i++) {
        double x0 = log_uniform(&s, 0.01, 50.0);
        double c = log_uniform(&s, 0.01, 50.0);
        double kk = log_uniform(&s, 1e-3, 1.0);
        double r = (i % 4 == 0) ? 0.0 : log_uniform(&s, 1e-6, 0.1);
        double t = log_uniform(&s, 1e-3, 2000.0);
        check_relax("random", x0, c, kk, r, t);
    }

    check_relax_compose(3.1415926, 2.7182818, 0.0147113, 2.43e-5, 5.0, 9.0);
    check_relax_compose(0.9173, 0.7512, 0.0511, 4.17e-5, 0.37, 27.9);
    check_relax_compose(1.2345, 0.3456, 0.0823, 0.0, 100.0, 512.0);
    check_relax_compose(2.2, 1.7, 0.0131, 0.0457, 17.0, 66.0);
    check_relax_compose(0.3141, 1.1213, 0.0513, 0.0513, 40.0, 57.3);

    /* Zero interval returns the start exactly (no event may move the state). */
    double x = kinetics_relax(0.8123, 0.6, 0.05, 1e-4, 0.0);
    CHECK(x == 0.8123, "relax over t = 0 returns x0 exactly: %.17g", x);
}

/* ---- kinetics_lagged_balance: dF/dt = (T - F)/tau, dB/dt = F - R --------------------- */

typedef struct {
    double target, resorption, tau;
} lag_par;

static int lag_rhs(double t, const double *y, double *dy, void *vp)
{
    (void)t;
    const lag_par *q = vp;
    dy[0] = (q->target - y[0]) / q->tau;
    dy[1] = y[0] - q->resorption;
    return GSL_SUCCESS;
}

static void check_lag(const char *label, double f0, double b0, double target, double resorption,
                      double tau, double t)
{
    lag_par q = {target, resorption, tau};
    /* Integrate the change of balance from 0, so a tiny change is resolved. */
    double y[2] = {f0, 0.0};
    int rc = integrate(lag_rhs, 2, &q, y, t);
    double f = f0, b = b0;
    kinetics_lagged_balance(&f, &b, target, resorption, tau, t);
    char what[160];
    snprintf(what, sizeof what, "lagged balance %s (tau=%g t=%g)", label, tau, t);
    CHECK(rc == GSL_SUCCESS, "%s: GSL status %d", what, rc);
    char wf[200], wb[200];
    snprintf(wf, sizeof wf, "%s: formation", what);
    snprintf(wb, sizeof wb, "%s: balance", what);
    CHECK_CLOSE(f, y[0], TOL_ODE, wf);
    CHECK_CLOSE(b, b0 + y[1], TOL_ODE, wb);
    /* The balance changes by a tiny amount over a short interval: check the change
     * itself, not only the total, so a wrong small-t expansion cannot hide. */
    char wd[200];
    snprintf(wd, sizeof wd, "%s: change of balance", what);
    CHECK_CLOSE(b - b0, y[1], 1e-6, wd);
}

static void test_lagged_balance(void)
{
    /* Femoral-neck scale: BMD ~0.7 g/cm^2, resorption ~1.5e-4 g/cm^2/day. */
    const double r0 = 0.08 / DAYS_PER_YEAR * 0.6871;
    check_lag("equilibrium-ish", 0.96 * r0, 0.6871, 0.96 * r0, r0, 90.0, 28.0);
    check_lag("disuse step", 0.96 * r0, 0.6871, 2.69 * r0, 4.2 * r0, 90.0, 28.0);
    check_lag("overload step", 1.01 * r0, 0.7313, 1.17 * r0, 0.93 * r0, 117.3, 61.7);
    check_lag("t tiny", 0.96 * r0, 0.6871, 2.69 * r0, 4.2 * r0, 90.0, 1e-5);
    check_lag("t small", 0.96 * r0, 0.6871, 2.69 * r0, 4.2 * r0, 90.0, 0.25);
    check_lag("t large", 0.96 * r0, 0.6871, 0.93 * r0, r0, 90.0, 3650.0);
    check_lag("tau short", 1.3e-4, 0.5123, 2.9e-4, 3.1e-4, 5.3, 200.0);
    check_lag("zero resorption", 1.3e-4, 0.5123, 0.0, 0.0, 44.4, 70.0);

    uint64_t s = 77031u;
    for (int i = 0; i < 16; i++) {
        double res = log_uniform(&s, 1e-6, 1e-3);
        double beta = log_uniform(&s, 0.2, 2.0);
        double f0 = res * log_uniform(&s, 0.2, 2.0);
        double b0 = log_uniform(&s, 0.3, 1.2);
        double tau = log_uniform(&s, 5.0, 400.0);
        double t = log_uniform(&s, 1e-2, 1500.0);
        check_lag("random", f0, b0, beta * res, res, tau, t);
    }

    /* Composition. */
    double f1 = 1.3e-4, b1 = 0.6123, f2 = f1, b2 = b1;
    kinetics_lagged_balance(&f1, &b1, 2.9e-4, 3.7e-4, 90.0, 73.1);
    kinetics_lagged_balance(&f2, &b2, 2.9e-4, 3.7e-4, 90.0, 20.6);
    kinetics_lagged_balance(&f2, &b2, 2.9e-4, 3.7e-4, 90.0, 52.5);
    CHECK_CLOSE(f1, f2, TOL_COMPOSE, "lagged balance composition: formation");
    CHECK_CLOSE(b1, b2, TOL_COMPOSE, "lagged balance composition: balance");
    CHECK_CLOSE(b1 - 0.6123, b2 - 0.6123, 1e-9, "lagged balance composition: change of balance");
}

/* ---- muscle_advance against the ODE system of muscle.h ------------------------------
 *
 * y = (M, G, N, S, L_nc, N_s, T, K), after the onset step of the transient (the test
 * starts with the state's unloading equal to the input's, so nothing is raised):
 *   dM/dt   = kd (A' S - T (1 - rho) S - B M),  A' = anabolic (1 - delta sigma U),
 *                                               B = 1 + train_breakdown + catabolic
 *   dG/dt   = (g - G)/tau_G,  g = drive - 1,   tau_G = rise or detrain days by direction
 *   dN/dt   = (nu U - N)/tau_N,                 tau_N = disuse or recovery days by direction
 *   dS/dt   = -r S,  dL_nc/dt = -r L_nc,  dN_s/dt = -rn N_s,  dT/dt = -T/tau_b
 *   dK/dt   = (k - K)/tau_K,  k = skill target, tau_K = skill rise or decay days by direction
 * with U = max(0, 1 - loading) (1 - rho), r = age_loss / 365.25, rn = neural_age_ratio r. */

typedef struct {
    double kd, a, b, rho, g, tau_g, nu_u, tau_n, r, rn, lambda, k, tau_k;
} muscle_par;

static int muscle_rhs(double t, const double *y, double *dy, void *vp)
{
    (void)t;
    const muscle_par *q = vp;
    dy[0] = q->kd * (q->a * y[3] - y[6] * (1.0 - q->rho) * y[3] - q->b * y[0]);
    dy[1] = (q->g - y[1]) / q->tau_g;
    dy[2] = (q->nu_u - y[2]) / q->tau_n;
    dy[3] = -q->r * y[3];
    dy[4] = -q->r * y[4];
    dy[5] = -q->rn * y[5];
    dy[6] = -q->lambda * y[6];
    dy[7] = (q->k - y[7]) / q->tau_k;
    return GSL_SUCCESS;
}

static void check_muscle(const char *label, const muscle_state *m0_in, const muscle_inputs *in,
                         const model_params *p, double dt)
{
    muscle_state m0 = *m0_in;
    double loss = fmax(0.0, 1.0 - in->loading);
    m0.unload = loss * in->disuse_sensitivity; /* no onset step: the ODE alone */
    double u = loss * (1.0 - in->relief);
    double r = in->age_loss / DAYS_PER_YEAR;
    double g = fmax(0.0, in->neural_drive - 1.0), nu_u = p->muscle_neural_disuse_drop * u;
    muscle_par q = {
        .kd = p->muscle_turnover_rate,
        .a = in->anabolic * (1.0 - fmin(0.9, p->muscle_disuse_synthesis_drop * in->disuse_sensitivity * u)),
        .b = 1.0 + in->train_breakdown + in->catabolic,
        .rho = in->relief,
        .g = g,
        .tau_g = g > m0.neural_gain ? p->muscle_neural_rise_days : p->muscle_neural_detrain_days,
        .nu_u = nu_u,
        .tau_n = nu_u > m0.neural_deficit ? p->muscle_neural_disuse_days : p->muscle_neural_recovery_days,
        .r = r,
        .rn = p->muscle_neural_age_ratio * r,
        .lambda = 1.0 / p->muscle_disuse_breakdown_days,
        .k = in->skill,
        .tau_k = in->skill > m0.skill ? p->muscle_skill_rise_days : p->muscle_skill_decay_days,
    };
    double y[8] = {m0.contractile, m0.neural_gain, m0.neural_deficit, m0.setpoint,
                   m0.noncontractile, m0.neural_set, m0.transient, m0.skill};
    int rc = integrate(muscle_rhs, 8, &q, y, dt);
    muscle_state m = m0;
    muscle_advance(&m, in, p, dt);
    char what[120], w[200];
    snprintf(what, sizeof what, "muscle %s (dt=%g)", label, dt);
    CHECK(rc == GSL_SUCCESS, "%s: GSL status %d", what, rc);
    snprintf(w, sizeof w, "%s: contractile", what);
    CHECK_CLOSE(m.contractile, y[0], TOL_ODE, w);
    snprintf(w, sizeof w, "%s: neural", what);
    CHECK_CLOSE(m.neural, y[5] * (1.0 + y[1]) * (1.0 - y[2]), TOL_ODE, w);
    snprintf(w, sizeof w, "%s: setpoint", what);
    CHECK_CLOSE(m.setpoint, y[3], TOL_ODE, w);
    snprintf(w, sizeof w, "%s: noncontractile", what);
    CHECK_CLOSE(m.noncontractile, y[4], TOL_ODE, w);
    snprintf(w, sizeof w, "%s: neural_set", what);
    CHECK_CLOSE(m.neural_set, y[5], TOL_ODE, w);
    snprintf(w, sizeof w, "%s: skill", what);
    CHECK_CLOSE(m.skill, y[7], TOL_ODE, w);
    snprintf(w, sizeof w, "%s: transient", what);
    CHECK(fabs(m.transient - y[6]) <= TOL_ODE * fmax(1e-3, fabs(y[6])), "%s: %.10g vs %.10g", w,
          m.transient, y[6]);
}

static void test_muscle(void)
{
    model_params p;
    model_params_defaults(&p);
    muscle_state m0;
    muscle_init(&m0, 7.3137, &p);
    /* Start away from the homeostatic state, as after a previous interval. */
    m0.contractile *= 0.9417;
    m0.neural_gain = 0.0813;
    m0.neural_deficit = 0.0412;
    m0.neural_set = 0.9721;
    m0.transient = 0.31;
    m0.skill = 0.0571;

    muscle_inputs cast = {0.05, 1.0, 1.0, 0.0, 0.0089, 1.0, 0.0, 0.0, 0.0};
    check_muscle("cast", &m0, &cast, &p, 14.0);
    muscle_inputs hosp = {0.08, 1.0, 1.0, 0.8, 0.0123, 1.37, 0.0, 0.23, 0.0};
    check_muscle("hospital, passive BFR", &m0, &hosp, &p, 6.37);
    muscle_inputs train = {1.03, 1.137, 1.171, 0.0, 0.0067, 1.0, 0.21, 0.0, 0.183};
    check_muscle("training (loading > 1)", &m0, &train, &p, 27.9);
    muscle_inputs detrain = {1.0, 1.0, 1.0, 0.0, 0.0067, 1.0, 0.0, 0.0, 0.0};
    check_muscle("detraining", &m0, &detrain, &p, 91.0);
    muscle_inputs age = {0.8127, 1.0, 1.0, 0.0, 0.0456, 1.52, 0.0, 0.0, 0.0};
    check_muscle("ageing, long interval", &m0, &age, &p, 1461.0);
    check_muscle("cast, tiny interval", &m0, &cast, &p, 1e-4);

    /* Unround parameters too. */
    model_params q = p;
    q.muscle_turnover_rate = 0.0231;
    q.muscle_neural_rise_days = 8.37;
    q.muscle_neural_detrain_days = 171.3;
    q.muscle_disuse_synthesis_drop = 0.3791;
    q.muscle_disuse_breakdown_days = 3.3;
    q.muscle_neural_disuse_drop = 0.1833;
    q.muscle_neural_age_ratio = 2.37;
    q.muscle_skill_rise_days = 11.7;
    q.muscle_skill_decay_days = 913.0;
    muscle_inputs mix = {0.4441, 1.0719, 1.0517, 0.1234, 0.0311, 1.21, 0.117, 0.071, 0.0917};
    check_muscle("unround parameters", &m0, &mix, &q, 45.6);

    /* Composition over an event boundary. */
    muscle_state a = m0, b = m0;
    muscle_advance(&a, &mix, &q, 45.6);
    muscle_advance(&b, &mix, &q, 12.3);
    muscle_advance(&b, &mix, &q, 33.3);
    CHECK_CLOSE(a.contractile, b.contractile, TOL_COMPOSE, "muscle composition: contractile");
    CHECK_CLOSE(a.neural, b.neural, TOL_COMPOSE, "muscle composition: neural");
    CHECK_CLOSE(a.skill, b.skill, TOL_COMPOSE, "muscle composition: skill");
    CHECK_CLOSE(a.setpoint, b.setpoint, TOL_COMPOSE, "muscle composition: setpoint");
    CHECK_CLOSE(a.noncontractile, b.noncontractile, TOL_COMPOSE, "muscle composition: noncontractile");
    CHECK_CLOSE(a.neural_set, b.neural_set, TOL_COMPOSE, "muscle composition: neural_set");
    CHECK_CLOSE(a.transient, b.transient, TOL_COMPOSE, "muscle composition: transient");

    /* The onset of unloading raises the transient by beta0 sigma dU; reloading ends it. */
    muscle_state c;
    muscle_init(&c, 7.3137, &p);
    muscle_advance(&c, &cast, &p, 1e-9);
    CHECK_CLOSE(c.transient, p.muscle_disuse_breakdown_rise * 0.95, 1e-6, "transient raised at cast onset");
    muscle_advance(&c, &detrain, &p, 1.0);
    CHECK(c.transient == 0.0, "reloading ends the transient: %g", c.transient);
}

/* ---- bone_advance: dF/dt = (beta R - F)/tau, dB/dt = F - R ---------------------------- */

static void check_bone(const char *label, const bone_state *b0, const bone_rates *r,
                       const model_params *p, double dt)
{
    lag_par q = {r->coupling * r->resorption, r->resorption, p->bone_formation_lag};
    double y[2] = {b0->formation, 0.0}; /* BMD change integrated from 0 */
    int rc = integrate(lag_rhs, 2, &q, y, dt);
    bone_state b = *b0;
    bone_advance(&b, r, p, dt);
    char what[120], w[200];
    snprintf(what, sizeof what, "bone %s (dt=%g)", label, dt);
    CHECK(rc == GSL_SUCCESS, "%s: GSL status %d", what, rc);
    snprintf(w, sizeof w, "%s: formation", what);
    CHECK_CLOSE(b.formation, y[0], TOL_ODE, w);
    snprintf(w, sizeof w, "%s: BMD", what);
    CHECK_CLOSE(b.bmd, b0->bmd + y[1], TOL_ODE, w);
    snprintf(w, sizeof w, "%s: BMD change", what);
    CHECK_CLOSE(b.bmd - b0->bmd, y[1], 1e-6, w);
}

static void test_bone(void)
{
    model_params p;
    model_params_defaults(&p);
    bone_inputs usual = {1.0, 72.4, NAN, 1000.0, 600.0, 1.0};
    bone_state b0;
    bone_init(&b0, 0.6731, &usual, &p);

    bone_inputs disuse = usual;
    disuse.stimulus = 0.5;
    bone_rates r = bone_rates_for(&b0, &disuse, &p);
    check_bone("disuse", &b0, &r, &p, 28.0);
    /* Long enough to be split (test_bone_split); here the closed form itself. */
    model_params whole = p;
    whole.bone_max_step_resorption = 1e9;
    check_bone("disuse, long", &b0, &r, &whole, 730.5);

    bone_inputs meno = usual;
    meno.age = 51.7;
    meno.years_since_fmp = 0.37;
    meno.calcium_mg = 612.0;
    r = bone_rates_for(&b0, &meno, &p);
    check_bone("menopause, low calcium", &b0, &r, &p, 91.3);

    bone_inputs over = usual;
    over.stimulus = 1.4137;
    r = bone_rates_for(&b0, &over, &p);
    check_bone("overload", &b0, &r, &p, 243.0);

    model_params q = p;
    q.bone_formation_lag = 17.3;
    q.bone_turnover = 0.1931;
    r = bone_rates_for(&b0, &disuse, &q);
    check_bone("short lag, fast turnover", &b0, &r, &q, 3.7);
}

/* ---- bone_advance over long intervals: resorption follows the excess ------------- */

typedef struct {
    double per_excess, residual, coupling, tau;
} excess_par;

/* dF/dt = (beta k (B - res) - F)/tau, dB/dt = F - k (B - res): resorption proportional to
 * the density above the residual at every instant (the limit of ever finer splits). */
static int excess_rhs(double t, const double *y, double *dy, void *vp)
{
    (void)t;
    const excess_par *q = vp;
    double resorption = q->per_excess * fmax(0.0, y[1] - q->residual);
    dy[0] = (q->coupling * resorption - y[0]) / q->tau;
    dy[1] = y[0] - resorption;
    return GSL_SUCCESS;
}

static void test_bone_split(void)
{
    model_params p;
    model_params_defaults(&p);
    p.bone_turnover = 0.5;
    p.bone_disuse_resorption_gain = 50;
    bone_inputs usual = {1.0, 72.4, NAN, 1000.0, 600.0, 1.0}, disuse = usual;
    disuse.stimulus = 0.0;
    bone_state b0;
    bone_init(&b0, 0.6731, &usual, &p);
    bone_rates r = bone_rates_for(&b0, &disuse, &p);
    const double dt = 91.0;
    CHECK(r.resorption * dt > b0.bmd - p.bone_residual_bmd,
          "held constant for %g days, resorption would remove %.3f g/cm2, more than the %.3f "
          "above the residual density",
          dt, r.resorption * dt, b0.bmd - p.bone_residual_bmd);
    excess_par q = {r.per_excess, p.bone_residual_bmd, r.coupling, p.bone_formation_lag};
    double y[2] = {b0.formation, b0.bmd};
    int rc = integrate(excess_rhs, 2, &q, y, dt);
    CHECK(rc == GSL_SUCCESS, "continuous resorption: GSL status %d", rc);
    double share[] = {p.bone_max_step_resorption, 0.01};
    double tol[] = {0.15, 0.01};
    for (int i = 0; i < 2; i++) {
        model_params pi = p;
        pi.bone_max_step_resorption = share[i];
        bone_state b = b0;
        bone_advance(&b, &r, &pi, dt);
        double err = fabs((b.bmd - b0.bmd) - (y[1] - b0.bmd)) / fabs(y[1] - b0.bmd);
        CHECK(b.bmd > p.bone_residual_bmd && err < tol[i],
              "split by a share of %g: BMD %.5f (residual %.2f; continuous %.5f, change off by "
              "%.2g, want < %g)",
              share[i], b.bmd, p.bone_residual_bmd, y[1], err, tol[i]);
    }
    /* The rates of a refresh long past: the density fell since, resorption did not. */
    bone_state low = b0;
    low.bmd = p.bone_residual_bmd + 0.01;
    bone_advance(&low, &r, &p, 28.0);
    CHECK(low.bmd > p.bone_residual_bmd, "stale resorption cannot step past the residual density: %.5f",
          low.bmd);
    /* Formation stops at the densest bone the model allows. */
    bone_inputs over = usual;
    over.stimulus = 3.0;
    p.bone_overload_formation_gain = 10;
    r = bone_rates_for(&b0, &over, &p);
    bone_state high = b0;
    bone_advance(&high, &r, &p, 3650.0);
    double at_max = r.per_excess * (p.bone_max_bmd - p.bone_residual_bmd);
    CHECK(high.bmd == p.bone_max_bmd && high.formation <= at_max,
          "ten years of overload stop at max_bmd: %.4f (formation %.3g, resorption there %.3g)",
          high.bmd, high.formation, at_max);
}

/* ---- memos and inline min/max: the same bits as the plain functions ------------------ */

static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static double (*volatile libm_fmax)(double, double) = fmax;
static double (*volatile libm_fmin)(double, double) = fmin;

static void test_memos(void)
{
    /* msk_fmax / msk_fmin against libm (through pointers, so that it is called). */
    const double v[] = {0.0, -0.0, 1.0, -1.0, INFINITY, -INFINITY, NAN, 1e-310, -1e-310,
                        0.5, 1.0000000000000002, 0.9999999999999999, 3.7e12};
    const size_t nv = sizeof v / sizeof v[0];
    for (size_t i = 0; i < nv; i++)
        for (size_t j = 0; j < nv; j++) {
            double a = msk_fmax(v[i], v[j]), b = libm_fmax(v[i], v[j]);
            CHECK(same_bits(a, b) || (isnan(a) && isnan(b)), "msk_fmax(%g, %g) = %g, libm %g", v[i], v[j], a, b);
            a = msk_fmin(v[i], v[j]), b = libm_fmin(v[i], v[j]);
            CHECK(same_bits(a, b) || (isnan(a) && isnan(b)), "msk_fmin(%g, %g) = %g, libm %g", v[i], v[j], a, b);
        }

    /* A sequence of advances whose steps, rates and loads repeat, change and come
     * back: the memo gives the bits of the plain calls. */
    model_params p;
    model_params_defaults(&p);
    muscle_state a[3], b[3];
    muscle_init(&a[0], 7.3137, &p);
    muscle_init(&a[1], 7.1, &p);
    muscle_init(&a[2], 4.9, &p);
    memcpy(b, a, sizeof a);
    muscle_memo mm;
    muscle_memo_init(&mm);
    bone_state ba = {0.71, 0}, bb;
    bone_rates br = {2.1e-5, 0.93, 0};
    bone_memo bm;
    bone_memo_init(&bm);
    activity_state xa = {0.3, 0.2, 1.0}, xb;
    activity_memo am;
    activity_memo_init(&am);
    bb = ba;
    xb = xa;
    const double dts[] = {7, 7, 7, 3.25, 3.75, 7, 7, 0, 7, 28, 7, 7};
    for (size_t s = 0; s < sizeof dts / sizeof dts[0]; s++) {
        double age_loss = s % 4 == 3 ? 0.0123 : 0.0089;
        double load0 = s % 3 == 0 ? 0.05 : 0.93;
        muscle_inputs in[3] = {{load0, 1.1, 1.05, 0.0, age_loss, 1.3, 0.1, 0.0, 0.12},
                               {0.93, 1.1, 1.05, 0.0, age_loss, 1.3, 0.1, 0.2, 0.12},
                               {1.0, 1.0, 1.0, s % 5 == 1 ? 0.8 : 0.0, age_loss, 1.3, 0.0, 0.0, 0.0}};
        muscle_advance_all(a, in, 3, &p, dts[s]);
        muscle_advance_memo(b, in, 3, &p, dts[s], &mm);
        CHECK(memcmp(a, b, sizeof a) == 0, "muscle memo, step %zu: not the same bits", s);
        bone_advance(&ba, &br, &p, dts[s]);
        bone_advance_memo(&bb, &br, &p, dts[s], &bm);
        CHECK(same_bits(ba.bmd, bb.bmd) && same_bits(ba.formation, bb.formation),
              "bone memo, step %zu: not the same bits", s);
        activity_fade(&xa, &p, dts[s]);
        activity_fade_memo(&xb, &p, dts[s], &am);
        CHECK(memcmp(&xa, &xb, sizeof xa) == 0, "activity memo, step %zu: not the same bits", s);
    }
}

int main(void)
{
    test_relax();
    test_lagged_balance();
    test_muscle();
    test_bone();
    test_bone_split();
    test_memos();
    printf("%d failure(s)\n", test_failures);
    return test_failures;
}
