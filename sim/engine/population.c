/* population.c — baseline characteristics of virtual individuals. */
#include "population.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_randist.h>

#include "bone.h"
#include "muscle.h"

/* Correlated residuals, in the order of model_params_correlation_factor. */
enum { Z_LEAN = BASELINE_Z_LEAN, Z_STRENGTH = BASELINE_Z_STRENGTH, Z_GAIT = BASELINE_Z_GAIT,
       Z_BMD = BASELINE_Z_BMD, Z_ACTIVITY = BASELINE_Z_ACTIVITY, Z_COUNT = BASELINE_Z_COUNT };

/* Each attempt has its own counter index, so a rejected attempt never shifts the next. */

struct population {
    const scenario *sc;
    gsl_matrix *chol; /* lower-triangular factor of the residual correlation */
};

population *population_create(const scenario *sc, diag_list *diags)
{
    const model_params *p = &sc->model;
    population *pop = calloc(1, sizeof *pop);
    if (!pop)
        return NULL;
    pop->sc = sc;
    pop->chol = gsl_matrix_calloc(Z_COUNT, Z_COUNT);
    if (!pop->chol) {
        free(pop);
        return NULL;
    }
    double factor[BASELINE_Z_COUNT][BASELINE_Z_COUNT];
    int rc = model_params_correlation_factor(p, factor);
    for (size_t i = 0; i < Z_COUNT; i++)
        for (size_t j = 0; j <= i; j++)
            gsl_matrix_set(pop->chol, i, j, factor[i][j]);
    if (rc != 0) {
        diag_add(diags, DIAG_ERROR, sc->source_path, 0, 0, "model.baseline",
                 "the correlations corr_muscle_bone, corr_muscle_strength, corr_strength_gait "
                 "and corr_activity_gait do not form a valid (positive-definite) correlation "
                 "matrix; reduce their magnitudes");
        population_destroy(pop);
        return NULL;
    }
    return pop;
}

void population_destroy(population *pop)
{
    if (!pop)
        return;
    gsl_matrix_free(pop->chol);
    free(pop);
}

static double draw_age(const population_spec *ps, rng_stream *rng)
{
    if (ps->age_distribution == AGE_UNIFORM || ps->age_max <= ps->age_min)
        return ps->age_min + (ps->age_max - ps->age_min) * gsl_rng_uniform(rng->r);
    /* Truncated normal by inversion: exact and one draw, unlike rejection. */
    double lo = gsl_cdf_gaussian_P(ps->age_min - ps->age_mean, ps->age_sd);
    double hi = gsl_cdf_gaussian_P(ps->age_max - ps->age_mean, ps->age_sd);
    double u = lo + (hi - lo) * gsl_rng_uniform_pos(rng->r);
    double age = ps->age_mean + gsl_cdf_gaussian_Pinv(u, ps->age_sd);
    return fmin(fmax(age, ps->age_min), ps->age_max);
}

/* Cross-sectional age curve anchored at 70: slope `old` per decade from 50 on and the
 * gentler `young` below 50 (peak adult values change little before midlife). */
static double age_term(double age, double old, double young)
{
    if (age >= 50.0)
        return old * (age - 70.0) / 10.0;
    return -2.0 * old + young * (age - 50.0) / 10.0;
}

/* Strength at this age relative to age 70 (cross-sectional). */
static double strength_age(double age, const model_params *p)
{
    return fmax(0.2, 1.0 + age_term(age, p->baseline_strength_per_decade, p->baseline_strength_per_decade_young));
}

double population_grip_norm(double age, int female, const model_params *p)
{
    return fmin((female ? p->baseline_grip_female : p->baseline_grip_male) * strength_age(age, p),
                p->baseline_grip_max);
}

static double positive_normal(rng_stream *rng, double mean, double sd, double floor_value)
{
    return fmax(floor_value, mean + gsl_ran_gaussian_ziggurat(rng->r, sd));
}

/* One attempt. Draws are consumed in a fixed order from the attempt's own counter;
 * new attributes must be drawn after the existing ones so that old people stay the
 * same people. */
static void draw_once(const population *pop, rng_stream *rng, person *x)
{
    const scenario *sc = pop->sc;
    const population_spec *ps = &sc->population;
    const model_params *p = &sc->model;

    x->female = gsl_rng_uniform(rng->r) < ps->female_fraction;
    x->age = draw_age(ps, rng);
    int f = x->female;

    double z0[Z_COUNT], z[Z_COUNT];
    for (int i = 0; i < Z_COUNT; i++)
        z0[i] = gsl_ran_gaussian_ziggurat(rng->r, 1.0);
    for (size_t i = 0; i < Z_COUNT; i++) {
        z[i] = 0;
        for (size_t j = 0; j <= i; j++)
            z[i] += gsl_matrix_get(pop->chol, i, j) * z0[j];
    }

    double h_mean = f ? p->baseline_height_female : p->baseline_height_male;
    x->height_cm = h_mean + gsl_ran_gaussian_ziggurat(rng->r, p->baseline_height_sd);
    double m_mean = f ? p->baseline_body_mass_female : p->baseline_body_mass_male;
    x->body_mass_kg = m_mean * exp(p->baseline_body_mass_cv * gsl_ran_gaussian_ziggurat(rng->r, 1.0));

    /* Lean mass scales with height squared (lean-mass index is the stable quantity). */
    double h2 = (x->height_cm / h_mean) * (x->height_cm / h_mean);
    double lean_age = fmax(0.3, 1.0 + age_term(x->age, p->baseline_lean_per_decade,
                                                  p->baseline_lean_per_decade_young));
    double lean_z = exp(p->baseline_lean_cv * z[Z_LEAN]);
    /* Log-normal tails, extrapolated age curves and extreme heights are cut where no
     * body goes (the ceilings are far beyond the distributions of the defaults). */
    x->leg_lean_kg = fmin((f ? p->baseline_leg_lean_female : p->baseline_leg_lean_male) * h2 * lean_age * lean_z,
                          p->baseline_leg_lean_max);
    x->arm_lean_kg = fmin((f ? p->baseline_arm_lean_female : p->baseline_arm_lean_male) * h2 * lean_age * lean_z,
                          p->baseline_arm_lean_max);

    double str_age = strength_age(x->age, p);
    double str_z = exp(p->baseline_strength_cv * z[Z_STRENGTH]);
    x->knee_torque = fmin((f ? p->baseline_knee_torque_female : p->baseline_knee_torque_male) * str_age * str_z,
                          p->baseline_knee_torque_max);
    x->grip_kg = fmin((f ? p->baseline_grip_female : p->baseline_grip_male) * str_age * str_z, p->baseline_grip_max);

    /* Normal draws are truncated where walking would be running (and at a shuffle). */
    x->gait_ms = muscle_gait_bounded((f ? p->baseline_gait_female : p->baseline_gait_male) +
                                         age_term(x->age, p->baseline_gait_per_decade,
                                                  p->baseline_gait_per_decade_young) +
                                         p->baseline_gait_sd * z[Z_GAIT],
                                     p);
    x->fn_bmd = fmin(fmax(0.25, (f ? p->baseline_fn_bmd_female : p->baseline_fn_bmd_male) +
                                    age_term(x->age, p->baseline_fn_bmd_per_decade,
                                             p->baseline_fn_bmd_per_decade_young) +
                                    (f ? p->baseline_fn_bmd_sd_female : p->baseline_fn_bmd_sd_male) * z[Z_BMD]),
                     p->bone_max_bmd);
    /* The log-normal tail is cut where nobody walks more. */
    x->steps = fmin(p->baseline_steps_at70 * ps->activity_factor *
                        fmax(0.1, 1.0 + p->baseline_steps_per_decade * (x->age - 70.0) / 10.0) *
                        exp(p->baseline_steps_cv * z[Z_ACTIVITY]),
                    p->baseline_steps_max);

    x->protein = positive_normal(rng, ps->protein_g_per_kg, ps->protein_sd, 0.3);
    x->calcium = positive_normal(rng, ps->calcium_mg, ps->calcium_sd, 100);
    x->vitamin_d = positive_normal(rng, ps->vitamin_d_iu, ps->vitamin_d_sd, 0);

    double sd = p->baseline_response_sd;
    x->responsiveness = exp(sd * gsl_ran_gaussian_ziggurat(rng->r, 1.0) - 0.5 * sd * sd);
    x->adherence_z = gsl_ran_gaussian_ziggurat(rng->r, 1.0);
    x->aop_leg = fmax(80, p->baseline_aop_leg_mmhg + gsl_ran_gaussian_ziggurat(rng->r, p->baseline_aop_sd_mmhg));
    x->aop_arm = fmax(80, p->baseline_aop_arm_mmhg + gsl_ran_gaussian_ziggurat(rng->r, p->baseline_aop_sd_mmhg));
    double meno = p->baseline_menopause_age + gsl_ran_gaussian_ziggurat(rng->r, p->baseline_menopause_age_sd);
    x->menopause_age = f ? meno : NAN;

    double u = gsl_rng_uniform(rng->r);
    x->condition = u < ps->neurogenic_fraction ? CONDITION_NEUROGENIC
                   : u < ps->neurogenic_fraction + ps->myogenic_fraction ? CONDITION_MYOGENIC
                                                                          : CONDITION_NONE;
}

/* The sarcopenia criterion of inclusion: EWGSOP2 at entry, as the engine classifies a
 * person at week 0 (grip, and appendicular lean mass = both legs and the arms). */
static int sarcopenia_eligible(const person *x, const population_spec *ps, const model_params *p)
{
    if (ps->sarcopenia == SARCOPENIA_ANY)
        return 1;
    const int sarcopenic = muscle_sarcopenic(x->grip_kg, 2.0 * x->leg_lean_kg + x->arm_lean_kg, x->female, p);
    return sarcopenic == (ps->sarcopenia == SARCOPENIA_REQUIRED);
}

msk_status population_draw(const population *pop, rng_stream *rng, uint64_t id,
                           uint32_t replicate, person *out)
{
    const population_spec *ps = &pop->sc->population;
    for (uint64_t attempt = 0; attempt < POPULATION_MAX_ATTEMPTS; attempt++) {
        rng_seek(rng, RNG_POPULATION, id, replicate, attempt);
        draw_once(pop, rng, out);
        double t = bone_tscore(out->fn_bmd, out->female, &pop->sc->model);
        if (t <= ps->tscore_max && t >= ps->tscore_min && out->gait_ms <= ps->gait_max &&
            sarcopenia_eligible(out, ps, &pop->sc->model)) {
            out->id = id;
            out->replicate = replicate;
            return MSK_OK;
        }
    }
    return MSK_EDATA;
}

size_t population_stratum(const strata_spec *spec, const person *x, const model_params *p)
{
    if (spec->count <= 1)
        return 0;
    const double t = bone_tscore(x->fn_bmd, x->female, p);
    const int sarcopenic = muscle_sarcopenic(x->grip_kg, 2.0 * x->leg_lean_kg + x->arm_lean_kg, x->female, p);
    return strata_cell(spec, x->female, x->age, bone_who_class(t, p), sarcopenic);
}
