/* persons.c — the person table of the result file: baseline covariates of everyone
 * enrolled, drawn again from the seed (persons.h). */
#include "persons.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "bone.h"
#include "muscle.h"
#include "population.h"
#include "rng.h"

enum { COL_AGE, COL_HEIGHT, COL_MASS, COL_LEG_LEAN, COL_ASM, COL_GRIP, COL_KNEE, COL_GAIT, COL_BMD,
       COL_TSCORE, COL_STEPS, COL_PROTEIN, COL_RESPONSE, N_COLS };

static const struct {
    const char *name, *units, *long_name;
} cols[N_COLS] = {
    [COL_AGE] = {"age", "year", "age at entry"},
    [COL_HEIGHT] = {"height", "cm", "height"},
    [COL_MASS] = {"body_mass", "kg", "body mass"},
    [COL_LEG_LEAN] = {"leg_lean_mass", "kg", "DXA lean mass of one leg at entry"},
    [COL_ASM] = {"appendicular_lean_mass", "kg", "appendicular lean mass (both legs and arms) at entry"},
    [COL_GRIP] = {"grip_strength", "kg", "grip strength at entry"},
    [COL_KNEE] = {"knee_extension_strength", "N m", "isometric knee-extension torque at entry"},
    [COL_GAIT] = {"gait_speed", "m s-1", "usual gait speed at entry"},
    [COL_BMD] = {"fn_bmd", "g cm-2", "femoral-neck areal BMD at entry"},
    [COL_TSCORE] = {"fn_tscore", "1", "femoral-neck T-score at entry"},
    [COL_STEPS] = {"daily_steps", "day-1", "habitual daily steps at entry"},
    [COL_PROTEIN] = {"protein_intake", "g kg-1 day-1", "habitual protein intake"},
    [COL_RESPONSE] = {"responsiveness", "1", "training responsiveness (1 = typical)"},
};

/* Row i's values and classes from person x. */
static void fill_row(const person *x, const model_params *p, size_t i, size_t n, double *v, int8_t *sex,
                     int8_t *sarc, int8_t *who)
{
    double asm_kg = 2.0 * x->leg_lean_kg + x->arm_lean_kg, t = bone_tscore(x->fn_bmd, x->female, p);
    const double row[N_COLS] = {x->age, x->height_cm, x->body_mass_kg, x->leg_lean_kg, asm_kg, x->grip_kg,
                                x->knee_torque, x->gait_ms, x->fn_bmd, t, x->steps, x->protein,
                                x->responsiveness};
    for (int c = 0; c < N_COLS; c++)
        v[c * n + i] = row[c];
    sex[i] = (int8_t)x->female;
    /* EWGSOP2 and WHO, as the engine classifies people at week 0. */
    sarc[i] = (int8_t)muscle_sarcopenic(x->grip_kg, asm_kg, x->female, p);
    who[i] = (int8_t)bone_who_class(t, p);
}

static msk_status write_table(h5out *w, size_t n, const int32_t *rep, const int64_t *ind, const double *v,
                              const int8_t *sex, const int8_t *sarc, const int8_t *who)
{
    const char *g = "persons", *d[] = {"person"};
    msk_status st = h5out_dim(w, g, "person", n, NULL, NULL, NULL);
    if (st == MSK_OK)
        st = h5out_var_int32(w, g, "replicate", 1, d, rep, "1", "replicate index");
    if (st == MSK_OK)
        st = h5out_var_int64(w, g, "individual", 1, d, ind, "1", "individual index within its replicate");
    if (st == MSK_OK)
        st = h5out_var_flags(w, g, "sex", 1, d, sex, "male female", "sex");
    for (int c = 0; c < N_COLS && st == MSK_OK; c++)
        st = h5out_var_double(w, g, cols[c].name, 1, d, &v[(size_t)c * n], cols[c].units, cols[c].long_name);
    if (st == MSK_OK)
        st = h5out_var_flags(w, g, "sarcopenia", 1, d, sarc, "no yes",
                             "EWGSOP2 sarcopenia at entry (low grip and low appendicular lean mass)");
    if (st == MSK_OK)
        st = h5out_var_flags(w, g, "who_class", 1, d, who, "normal osteopenia osteoporosis",
                             "WHO class of the femoral-neck T-score at entry");
    return st;
}

msk_status persons_write(h5out *w, const engine_result *r, diag_list *diags)
{
    const scenario *sc = r->plan.sc;
    size_t size = (size_t)sc->population.size, n = r->n_people < PERSONS_MAX ? r->n_people : PERSONS_MAX;
    population *pop = population_create(sc, diags);
    rng_stream *rng = rng_create(sc->seed);
    int32_t *rep = malloc((n ? n : 1) * sizeof *rep);
    int64_t *ind = malloc((n ? n : 1) * sizeof *ind);
    double *v = malloc((n ? n : 1) * N_COLS * sizeof *v);
    int8_t *flags = malloc((n ? n : 1) * 3);
    msk_status st = !pop ? MSK_EDATA : rng && rep && ind && v && flags ? MSK_OK : MSK_ENOMEM;
    for (size_t g = 0; g < n && st == MSK_OK; g++) {
        person x;
        rep[g] = (int32_t)(g / size);
        ind[g] = (int64_t)(g % size);
        /* The run drew everyone already: this cannot fail where the run did not. */
        st = population_draw(pop, rng, (uint64_t)ind[g], (uint32_t)rep[g], &x);
        if (st == MSK_OK)
            fill_row(&x, &sc->model, g, n, v, &flags[0], &flags[n], &flags[2 * n]);
    }
    if (st == MSK_OK)
        st = h5out_group(w, "persons");
    if (st == MSK_OK) {
        h5out_attr_string(w, "persons", "description",
                          "baseline covariates of every person enrolled (the same people in every arm), "
                          "replicate-major; join the event log and trajectories on (replicate, individual)");
        h5out_attr_string(w, "persons", "complete", n == r->n_people ? "yes" : "no: the first 1000000 people");
        st = write_table(w, n, rep, ind, v, &flags[0], &flags[n], &flags[2 * n]);
    }
    free(rep);
    free(ind);
    free(v);
    free(flags);
    rng_destroy(rng);
    population_destroy(pop);
    return st;
}
