/* individual.c — the event loop of one person in one arm (see individual.h). */
#define MSK_INDIVIDUAL_LOOPS /* life.h: the state and steps shared with fixedstep.c */
#include "individual.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "activity.h"
#include "bone.h"
#include "dose.h"
#include "falls.h"
#include "mortality.h"
#include "population.h"
#include "minmax.h"
#include "muscle.h"
#include "evq.h"
#include "invariant.h"

#define DAYS_PER_YEAR 365.25
#define DAYS_PER_WEEK 7.0

/* What the loader accepts fits a person. */
_Static_assert((int)INDIVIDUAL_MAX_EXPOSURES >= (int)SCENARIO_MAX_EXPOSURES &&
                   (int)INDIVIDUAL_MAX_INTERVENTIONS >= (int)SCENARIO_MAX_INTERVENTIONS,
               "the loader's limits fit a person");

/* "fall fracture ...": each name after a space, and the first space skipped. */
const char *const log_kind_names = &(""
#define EVENT_LOG_KIND(id, name) " " name
#include "observables.def"
)[1];


void event_log_init(event_log *log)
{
    memset(log, 0, sizeof *log);
}

void event_log_fini(event_log *log)
{
    free(log->items);
    memset(log, 0, sizeof *log);
}

static void log_event(life *L, log_kind kind, int32_t detail)
{
    event_log *log = L->log;
    if (!log || log->failed)
        return;
    if (log->count == log->capacity) {
        /* Amortised growth of a thread-owned buffer; rare after the first people. */
        size_t cap = log->capacity ? 2 * log->capacity : 1024;
        log_entry *items = realloc(log->items, cap * sizeof *items);
        if (!items) {
            log->failed = 1;
            return;
        }
        log->items = items;
        log->capacity = cap;
    }
    log->items[log->count++] =
        (log_entry){L->x->id, L->x->replicate, L->n_logged++, (int8_t)kind, detail, L->t};
}

/* Say who and when, after a check failed (invariant.h). Returns 0. */
static int broken(const life *L)
{
    invariant_violation *v = L->bad;
    v->individual = L->x->id;
    v->replicate = L->x->replicate;
    v->arm = L->arm;
    v->day = L->t;
    v->seed = L->rng->seed;
    return 0;
}

/* A full list means more overlapping episodes (casts, stays, recoveries) than it can
 * hold: a parameter combination the model does not support. That stops the person
 * like a broken invariant (the event loop checks after each event) instead of
 * aborting the whole run. */
static void schedule(life *L, double time, event_kind kind, int32_t arg)
{
    if (evq_push(&L->q, time, (int)kind, arg) != 0 &&
        !invariant_check(L->bad, &invariant_state_bounds[INV_PENDING_EVENTS], EVQ_CAPACITY + 1.0))
        broken(L);
}

static double age_now(const life *L)
{
    return L->x->age + L->t / DAYS_PER_YEAR;
}

static double strength_rel(const life *L, int c)
{
    return L->m[c].contractile / L->contractile0[c] * L->m[c].neural;
}

static double leg_strength_rel(const life *L)
{
    return 0.5 * (strength_rel(L, LEG_INDEX) + strength_rel(L, LEG_OTHER));
}

static double gait_now(life *L)
{
    double s = leg_strength_rel(L);
    if (s != L->gait_strength) {
        L->gait_strength = s;
        L->gait = muscle_gait_speed(L->x->gait_ms, s, L->p);
    }
    return L->gait;
}

/* Appendicular lean mass at entry, kg. */
static double appendicular_lean0(const person *x)
{
    return 2.0 * x->leg_lean_kg + x->arm_lean_kg;
}

static double grip_now(const life *L)
{
    return L->x->grip_kg * strength_rel(L, ARMS);
}

static int immobilized(const life *L)
{
    return L->immob[IMMOB_LEG_CAST] || L->immob[IMMOB_ARM_CAST] || L->immob[IMMOB_BED_REST] ||
           L->immob[IMMOB_HOSPITAL] || L->immob[IMMOB_SPACEFLIGHT];
}

static int legs_unavailable(const life *L)
{
    return L->immob[IMMOB_LEG_CAST] || L->immob[IMMOB_BED_REST] || L->immob[IMMOB_HOSPITAL] ||
           L->immob[IMMOB_SPACEFLIGHT];
}

static double new_clock(life *L, int clock, rng_purpose purpose)
{
    rng_seek(L->rng, purpose, L->x->id, L->x->replicate, L->draws[clock]++);
    return gsl_ran_exponential(L->rng->r, 1.0);
}

/* The week's training effects (EFF_* per compartment) summed over the active
 * interventions. Returns whether one of them trains (protein does not). */
static inline int weekly_training(const life *L, double weekly[COMPARTMENTS][EFFECTS])
{
    int training = 0;
    for (size_t j = 0; j < L->n_iv; j++) {
        if (!L->iv[j].active)
            continue;
        if (L->iv[j].spec->type != IV_PROTEIN)
            training = 1;
        for (int c = 0; c < COMPARTMENTS; c++)
            for (int k = 0; k < EFFECTS; k++)
                weekly[c][k] += L->iv[j].week_effect[c][k];
    }
    return training;
}

/* Muscle loading of each compartment and femoral-neck loading of the index leg under
 * the exposures in force, relative to usual (legs: habitual activity). Each exposure
 * has its own loading of muscle and of bone (params.def, activity.*): the most
 * unloading one wins where several overlap. */
static inline void exposure_loading(const life *L, double legs, double loading[COMPARTMENTS],
                                    double *bone)
{
    const model_params *p = L->p;
    double index_leg = legs, other_leg = legs, arms = 1.0;
    if (L->immob[IMMOB_LEG_CAST]) {
        index_leg = p->activity_cast_loading;
        other_leg = legs * p->activity_cast_activity;
    }
    if (L->immob[IMMOB_ARM_CAST])
        arms = p->activity_cast_loading;
    double both = INFINITY, bone_both = INFINITY;
    if (L->immob[IMMOB_HOSPITAL])
        both = bone_both = p->activity_hospital_loading;
    if (L->immob[IMMOB_ICU])
        both = bone_both = msk_fmin(both, p->activity_icu_loading);
    if (L->immob[IMMOB_BED_REST]) {
        both = msk_fmin(both, p->activity_bed_rest_loading);
        bone_both = msk_fmin(bone_both, p->activity_bed_rest_bone_loading);
    }
    if (L->immob[IMMOB_SPACEFLIGHT]) {
        both = msk_fmin(both, p->activity_spaceflight_loading);
        bone_both = msk_fmin(bone_both, p->activity_spaceflight_bone_loading);
    }
    *bone = msk_fmin(index_leg, bone_both);
    loading[LEG_INDEX] = msk_fmin(index_leg, both);
    loading[LEG_OTHER] = msk_fmin(other_leg, both);
    loading[ARMS] = arms;
    /* Like the arms, the trunk keeps its loading in bed and in hospital: the postural
     * atrophy of long bed rest (lumbar multifidus) is not modelled (docs/model.md). */
    loading[TRUNK] = 1.0;
}

/* Mechanical loading of each compartment (and femoral-neck loading of the index leg,
 * *bone) relative to the person's usual: the activity level, limited by recovery from
 * hip fracture and by the exposures in force. */
static inline void compartment_loading(const life *L, double loading[COMPARTMENTS], double *bone)
{
    double legs = L->activity;
    if (L->immob[IMMOB_HIP_REHAB])
        legs = msk_fmin(legs, L->p->activity_hip_rehab_loading);
    exposure_loading(L, legs, loading, bone);
}

/* The muscle inputs of every compartment at this age, loading and training. */
static inline void refresh_muscle(life *L, double age, const double weekly[COMPARTMENTS][EFFECTS],
                                  const double loading[COMPARTMENTS])
{
    const model_params *p = L->p;
    const person *x = L->x;
    double response = x->responsiveness;
    double age_loss = muscle_age_loss(age, x->female, p);
    if (x->condition == CONDITION_NEUROGENIC)
        response *= p->muscle_neurogenic_response;
    if (x->condition == CONDITION_MYOGENIC)
        response *= p->muscle_myogenic_response;
    if (x->condition != CONDITION_NONE)
        age_loss = msk_fmin(age_loss + p->muscle_disease_extra_loss, p->muscle_max_age_loss);
    double catabolic = L->immob[IMMOB_ICU]        ? p->muscle_icu_breakdown_rise
                       : L->immob[IMMOB_HOSPITAL] ? p->muscle_illness_breakdown_rise
                                                  : 0.0;
    double disuse_sensitivity = muscle_disuse_sensitivity(age, p);
    if (L->protein != L->avail_protein) {
        L->avail_protein = L->protein;
        L->avail = muscle_protein_of(L->protein, x->protein, p);
    }
    for (int c = 0; c < COMPARTMENTS; c++) {
        L->min[c].disuse_sensitivity = disuse_sensitivity;
        L->min[c].loading = loading[c];
        /* Compartments trained alike (both legs, usually) share their inputs. */
        int same = -1;
        for (int d = 0; d < c && same < 0; d++)
            if (weekly[d][EFF_HYPERTROPHY] == weekly[c][EFF_HYPERTROPHY] &&
                weekly[d][EFF_NEURAL] == weekly[c][EFF_NEURAL] && weekly[d][EFF_SKILL] == weekly[c][EFF_SKILL])
                same = d;
        if (same >= 0) {
            L->min[c].anabolic = L->min[same].anabolic;
            L->min[c].neural_drive = L->min[same].neural_drive;
            L->min[c].skill = L->min[same].skill;
            L->min[c].train_breakdown = L->min[same].train_breakdown;
        } else {
            L->min[c].anabolic = muscle_anabolic_at(weekly[c][EFF_HYPERTROPHY], &L->avail, age, response, p);
            L->min[c].neural_drive = muscle_neural_drive(weekly[c][EFF_NEURAL], response, p);
            L->min[c].skill = muscle_skill_target(weekly[c][EFF_SKILL], response, p);
            L->min[c].train_breakdown = muscle_train_breakdown(weekly[c][EFF_HYPERTROPHY], p);
        }
        L->min[c].relief = muscle_relief(weekly[c][EFF_RELIEF]);
        L->min[c].catabolic = catabolic;
        L->min[c].age_loss = age_loss;
    }
}

/* Grip at entry in log-scale SDs above people of the same age and sex. */
static double entry_grip_z(const person *x, const model_params *p)
{
    return log(x->grip_kg / population_grip_norm(x->age, x->female, p)) / p->baseline_strength_cv;
}

/* The rates of falls, admissions and death. */
static inline void refresh_hazards(life *L, double age)
{
    const model_params *p = L->p;
    const person *x = L->x;
    double grip = grip_now(L);
    /* Only confinement (leg cast, bed, hospital) lowers the chance to fall; an arm cast
     * or recovery from hip fracture does not. */
    int bound = legs_unavailable(L);
    L->rate[CLOCK_FALL] = falls_rate(age, x->female, gait_now(L), grip, bound, p) / DAYS_PER_YEAR;
    L->rate[CLOCK_ADMISSION] = L->immob[IMMOB_HOSPITAL] ? 0.0 : mortality_admission_rate(age, p) / DAYS_PER_YEAR;
    /* Weakness relative to one's peers: where the person stood at entry, moved by what
     * grip lost or gained beyond ageing (disuse, illness, training), which is the
     * arms' strength relative to their ageing alone (set point and neural_set). The
     * cohort's ageing itself is in the life table. */
    const muscle_state *arms = &L->m[ARMS];
    double beyond_ageing = arms->contractile / arms->setpoint * (1.0 + arms->neural_gain) * (1.0 - arms->neural_deficit);
    double grip_z = L->grip_z0 + log(beyond_ageing) / p->baseline_strength_cv;
    L->rate[CLOCK_DEATH] = mortality_rate(age, x->female, grip_z,
                                          isnan(L->hip_fracture_day) ? NAN : L->t - L->hip_fracture_day, p) /
                           DAYS_PER_YEAR;
}

/* Recompute every piecewise-constant input and hazard from the current state. */
void life_refresh(life *L)
{
    L->refreshed_at = L->t;
    const model_params *p = L->p;
    const person *x = L->x;
    double age = age_now(L);
    double weekly[COMPARTMENTS][EFFECTS] = {{0}};
    int training = weekly_training(L, weekly);
    L->activity = activity_level(&L->act, leg_strength_rel(L), training, p);
    double loading[COMPARTMENTS], bone_loading;
    compartment_loading(L, loading, &bone_loading);
    refresh_muscle(L, age, weekly, loading);
    bone_inputs bi = {
        .stimulus = bone_stimulus(strength_rel(L, LEG_INDEX), bone_loading, L->bone.bmd / x->fn_bmd,
                                  weekly[LEG_INDEX][EFF_BONE], p),
        .age = age,
        .years_since_fmp = x->female ? age - x->menopause_age : NAN,
        .calcium_mg = x->calcium,
        .vitamin_d_iu = x->vitamin_d,
        .protein_g_per_kg = L->protein,
    };
    L->brates = bone_rates_for(&L->bone, &bi, p);
    refresh_hazards(L, age);
}

static int state_ok(const life *L)
{
    const invariant_bound *b = invariant_state_bounds;
    /* The usual case, inline: everything holds. Otherwise find and record the first
     * failure, as before. */
    int holds = invariant_holds(&b[INV_BMD], L->bone.bmd);
    for (int c = 0; c < COMPARTMENTS; c++)
        holds &= invariant_holds(&b[INV_CONTRACTILE], L->m[c].contractile) &
                 invariant_holds(&b[INV_NONCONTRACTILE], L->m[c].noncontractile) &
                 invariant_holds(&b[INV_NEURAL], L->m[c].neural);
    if (holds)
        return 1;
    for (int c = 0; c < COMPARTMENTS; c++)
        if (!invariant_check(L->bad, &b[INV_CONTRACTILE], L->m[c].contractile) ||
            !invariant_check(L->bad, &b[INV_NONCONTRACTILE], L->m[c].noncontractile) ||
            !invariant_check(L->bad, &b[INV_NEURAL], L->m[c].neural))
            return broken(L);
    return invariant_check(L->bad, &b[INV_BMD], L->bone.bmd) || broken(L);
}

/* Advance the physiology and the hazard clocks to time t1. Returns 0 when the new
 * state breaks an invariant. */
int life_advance(life *L, double t1)
{
    double dt = t1 - L->t;
    if (dt <= 0)
        return 1;
    muscle_advance_memo(L->m, L->min, COMPARTMENTS, L->p, dt, &L->muscle_memo);
    bone_advance_memo(&L->bone, &L->brates, L->p, dt, &L->bone_memo);
    activity_fade_memo(&L->act, L->p, dt, &L->activity_memo);
    for (int k = 0; k < CLOCKS; k++)
        L->clock[k] = msk_fmax(0.0, L->clock[k] - L->rate[k] * dt);
    L->alive_days += dt;
    if (immobilized(L))
        L->immobilized_days += dt;
    L->t = t1;
    msk_assert_context(L->rng->seed, (long long)L->x->id, (int)L->arm, L->t);
    return state_ok(L);
}

/* Record the observation; 0 when an observed value breaks an invariant. */
static int observe(life *L, obs_record *r)
{
    const model_params *p = L->p;
    const person *x = L->x;
    r->alive = 1;
    double *v = r->value;
    /* Lying down moves fluid out of the legs, which DXA counts as lean mass; it
     * returns on remobilization, so it is a view of the state, not part of it. */
    const int supine = L->immob[IMMOB_BED_REST] || L->immob[IMMOB_HOSPITAL];
    const double leg_fluid = supine ? p->muscle_supine_fluid_shift : 0.0;
    const double legs[2] = {muscle_lean(&L->m[LEG_INDEX]) - leg_fluid * L->m[LEG_INDEX].noncontractile,
                            muscle_lean(&L->m[LEG_OTHER]) - leg_fluid * L->m[LEG_OTHER].noncontractile};
    v[OV_LEG_LEAN] = legs[0];
    v[OV_ASM] = legs[0] + legs[1] + muscle_lean(&L->m[ARMS]);
    /* Whole-body DXA sees the fluid the legs lose to the trunk lying down: no shift. */
    v[OV_LBM] = muscle_lean(&L->m[LEG_INDEX]) + muscle_lean(&L->m[LEG_OTHER]) + muscle_lean(&L->m[ARMS]) +
                muscle_lean(&L->m[TRUNK]) +
                (p->muscle_lbm_per_alm - 1.0 - p->muscle_trunk_lean_ratio) * appendicular_lean0(x);
    v[OV_QUAD_CSA] = L->m[LEG_INDEX].contractile * p->muscle_quad_csa_per_kg;
    v[OV_KNEE] = x->knee_torque * strength_rel(L, LEG_INDEX);
    v[OV_KNEE_1RM] = v[OV_KNEE] * muscle_one_rm_factor(&L->m[LEG_INDEX]);
    v[OV_GRIP] = grip_now(L);
    v[OV_GAIT] = gait_now(L);
    v[OV_BMD] = L->bone.bmd;
    v[OV_TSCORE] = bone_tscore(L->bone.bmd, x->female, p);
    double steps = msk_fmin(x->steps * L->activity, p->baseline_steps_max);
    if (L->immob[IMMOB_LEG_CAST])
        steps *= p->activity_cast_activity;
    if (L->immob[IMMOB_HOSPITAL])
        steps *= p->activity_hospital_loading;
    if (L->immob[IMMOB_BED_REST])
        steps *= p->activity_bed_rest_loading;
    if (L->immob[IMMOB_ICU])
        steps *= p->activity_icu_loading;
    if (L->immob[IMMOB_SPACEFLIGHT])
        steps = 0; /* no ground contact */
    v[OV_STEPS] = steps;

    int sarcopenic = muscle_sarcopenic(v[OV_GRIP], v[OV_ASM], x->female, p);
    int who = bone_who_class(v[OV_TSCORE], p);
    r->prevalent[PREV_SARCOPENIA] = (uint8_t)sarcopenic;
    r->prevalent[PREV_SEVERE_SARCOPENIA] = (uint8_t)(sarcopenic && v[OV_GAIT] <= p->criteria_gait_severe);
    r->prevalent[PREV_OSTEOPENIA] = (uint8_t)(who == 1);
    r->prevalent[PREV_OSTEOPOROSIS] = (uint8_t)(who == 2);
    r->prevalent[PREV_IMMOBILIZED] = (uint8_t)immobilized(L);
    memcpy(r->count, L->count, sizeof r->count);
    r->alive_days = L->alive_days;
    r->immobilized_days = L->immobilized_days;
    int holds = 1;
    for (int i = 0; i < OV_COUNT; i++)
        holds &= invariant_holds(&invariant_obs_bounds[i], v[i]);
    return holds || invariant_check_observation(L->bad, v, OV_COUNT) || broken(L);
}

static void start_immobilization(life *L, immob_kind kind, double days)
{
    if (kind != IMMOB_HIP_REHAB) {
        L->count[EVC_IMMOBILIZATION]++;
        log_event(L, LOG_IMMOBILIZATION_START, (int32_t)kind);
    }
    L->immob[kind]++;
    schedule(L, L->t + days, EV_RECOVERY_END, (int32_t)kind);
}

static void admit(life *L, double stay_days, int32_t reason)
{
    L->count[EVC_ADMISSION]++;
    log_event(L, LOG_ADMISSION, reason);
    L->immob[IMMOB_HOSPITAL]++;
    schedule(L, L->t + stay_days, EV_DISCHARGE, reason);
}

/* Admission reasons (event-log detail). */
enum { ADMIT_ILLNESS, ADMIT_HIP_FRACTURE, ADMIT_ADVERSE_EVENT, ADMIT_SCHEDULED };

static void handle_fall(life *L)
{
    const model_params *p = L->p;
    uint32_t n = L->count[EVC_FALL]++;
    log_event(L, LOG_FALL, 0);
    activity_after_fall(&L->act, p);
    rng_seek(L->rng, RNG_FRACTURE, L->x->id, L->x->replicate, n);
    double u = gsl_rng_uniform(L->rng->r);
    double z = gsl_ran_gaussian_ziggurat(L->rng->r, 1.0);
    fracture_site site = falls_fracture_site(bone_tscore(L->bone.bmd, L->x->female, p), age_now(L), u, p);
    if (site == FRACTURE_NONE)
        return;
    L->count[EVC_FRACTURE]++;
    L->count[EVC_FRACTURE_HIP + (site - FRACTURE_HIP)]++;
    log_event(L, LOG_FRACTURE, (int32_t)site);
    activity_after_fracture(&L->act, p);
    switch (site) {
    case FRACTURE_HIP: {
        double stay = p->falls_hip_stay * exp(p->falls_hip_stay_log_sd * z);
        admit(L, stay, ADMIT_HIP_FRACTURE);
        L->hip_fracture_day = L->t;
        /* Reduced loading from discharge for the rehabilitation period. */
        L->immob[IMMOB_HIP_REHAB]++;
        schedule(L, L->t + stay + p->activity_hip_rehab_weeks * DAYS_PER_WEEK, EV_RECOVERY_END,
                 IMMOB_HIP_REHAB);
        rng_seek(L->rng, RNG_RECOVERY, L->x->id, L->x->replicate, n);
        if (gsl_rng_uniform(L->rng->r) >= p->activity_hip_recovery_prob)
            L->act.lasting = msk_fmax(p->activity_lasting_floor,
                                      L->act.lasting * p->activity_hip_no_recovery_activity);
        break;
    }
    case FRACTURE_WRIST:
        start_immobilization(L, IMMOB_ARM_CAST, p->falls_wrist_cast * DAYS_PER_WEEK);
        break;
    case FRACTURE_VERTEBRAL:
        start_immobilization(L, IMMOB_BED_REST, p->falls_vertebral_rest * DAYS_PER_WEEK);
        break;
    case FRACTURE_OTHER:
        start_immobilization(L, IMMOB_LEG_CAST, p->falls_other_cast * DAYS_PER_WEEK);
        break;
    default:
        break;
    }
}

static void handle_admission(life *L)
{
    uint32_t k = L->count[EVC_ADMISSION];
    rng_seek(L->rng, RNG_HOSPITAL, L->x->id, L->x->replicate, 2u * k + 1u);
    double stay = mortality_admission_stay(gsl_ran_gaussian_ziggurat(L->rng->r, 1.0), L->p);
    admit(L, stay, ADMIT_ILLNESS);
}

/* The session an intervention prescribes this week, with the individual's cuff
 * pressure in %AOP. Rehabilitation follows its stage. */
static dose_session session_of(const life *L, const iv_slot *s)
{
    const intervention_spec *iv = s->spec;
    const model_params *p = L->p;
    dose_session d = {DOSE_RESISTANCE, 0, 0, 0, 0};
    double aop = L->x->aop_leg;
    if (!isnan(iv->cuff_pct_aop))
        d.cuff_pct_aop = iv->cuff_pct_aop;
    else if (!isnan(iv->cuff_mmhg))
        d.cuff_pct_aop = msk_fmin(100.0 * iv->cuff_mmhg / aop, p->safety_max_cuff_pct_aop);
    switch (iv->type) {
    case IV_WALKING:
    case IV_BFR_WALKING:
        d.mode = DOSE_WALKING;
        d.walk_minutes = iv->walk_minutes;
        d.walk_speed_kmh = iv->walk_speed_kmh;
        if (iv->type == IV_WALKING)
            d.cuff_pct_aop = 0;
        break;
    case IV_RESISTANCE:
    case IV_BFR_RESISTANCE:
        d.load_pct_1rm = iv->load_pct_1rm;
        if (iv->type == IV_RESISTANCE)
            d.cuff_pct_aop = 0;
        break;
    case IV_PASSIVE_BFR:
        d.mode = DOSE_PASSIVE_BFR;
        break;
    case IV_REHABILITATION:
        if (s->phase == 0)
            d.mode = DOSE_PASSIVE_MOVEMENT;
        else
            d.load_pct_1rm = s->phase == 1 ? p->muscle_rehab_active_load : p->muscle_rehab_bands_load;
        d.cuff_pct_aop = 0;
        break;
    default:
        break;
    }
    return d;
}

static int same_session(const dose_session *a, const dose_session *b)
{
    return a->mode == b->mode && a->load_pct_1rm == b->load_pct_1rm &&
           a->cuff_pct_aop == b->cuff_pct_aop && a->walk_minutes == b->walk_minutes &&
           a->walk_speed_kmh == b->walk_speed_kmh;
}

static int rehab_phase(const intervention_spec *iv, int32_t week)
{
    if (week < iv->passive_weeks)
        return 0;
    return week < iv->passive_weeks + iv->active_weeks ? 1 : 2;
}

static void end_intervention(life *L, iv_slot *s, int32_t slot)
{
    if (!s->active)
        return;
    s->active = 0;
    memset(s->week_effect, 0, sizeof s->week_effect);
    if (s->spec->type == IV_PROTEIN)
        L->protein = L->x->protein;
    log_event(L, LOG_INTERVENTION_END, slot);
}

/* Which compartments a programme trains: the scenario's `limbs`, or by default the
 * legs (walking, leg resistance programmes) or the index leg (passive BFR,
 * rehabilitation of the immobilized limb). Training is specific to the limb trained. */
static void limbs_trained(const intervention_spec *iv, int trained[COMPARTMENTS])
{
    int limbs = iv->limbs;
    if (limbs == LIMBS_DEFAULT)
        limbs = iv->type == IV_PASSIVE_BFR || iv->type == IV_REHABILITATION ? LIMBS_INDEX_LEG : LIMBS_LEGS;
    trained[LEG_INDEX] = limbs != LIMBS_ARMS;
    trained[LEG_OTHER] = limbs == LIMBS_LEGS || limbs == LIMBS_BOTH;
    trained[ARMS] = limbs == LIMBS_ARMS || limbs == LIMBS_BOTH;
    trained[TRUNK] = limbs == LIMBS_BOTH; /* a whole-body programme */
}

/* This week's sessions attended, drawn from the training stream: the prescribed number
 * (a fractional part rounded at random), none when the programme cannot be delivered,
 * each attended with the slot's adherence. */
static unsigned sessions_attended(life *L, const iv_slot *s, const int trained[COMPARTMENTS])
{
    const intervention_spec *iv = s->spec;
    double spw = iv->sessions_per_week;
    unsigned n = (unsigned)floor(spw);
    if (gsl_rng_uniform(L->rng->r) < spw - floor(spw))
        n++;
    /* Walking and leg resistance need the legs; passive BFR, passive mobilization and
     * early rehabilitation are what clinics deliver in bed, in a cast or in hospital. */
    int needs_legs = (iv->type == IV_WALKING || iv->type == IV_BFR_WALKING || iv->type == IV_RESISTANCE ||
                      iv->type == IV_BFR_RESISTANCE) &&
                     (trained[LEG_INDEX] || trained[LEG_OTHER]);
    int needs_ward = iv->type != IV_PASSIVE_BFR && iv->type != IV_REHABILITATION;
    if ((needs_legs && legs_unavailable(L)) || (needs_ward && L->immob[IMMOB_HOSPITAL]))
        n = 0;
    return n ? gsl_ran_binomial(L->rng->r, s->adherence, n) : 0;
}

static void training_week(life *L, int32_t slot)
{
    const model_params *p = L->p;
    iv_slot *s = &L->iv[slot];
    if (!s->active || s->stopped)
        return;
    const intervention_spec *iv = s->spec;
    int32_t w = s->week++;
    if (iv->type == IV_REHABILITATION) {
        int phase = rehab_phase(iv, w);
        if (phase != s->phase) {
            s->phase = phase;
            log_event(L, LOG_PHASE, phase);
        }
    }
    /* Stream index unique per (slot, week): the same draws in every arm that
     * prescribes the same slot (paired arms). */
    rng_seek(L->rng, RNG_TRAINING, L->x->id, L->x->replicate, ((uint64_t)slot << 24) | (uint64_t)w);
    int trained[COMPARTMENTS];
    limbs_trained(iv, trained);
    unsigned attended = sessions_attended(L, s, trained);

    dose_session d = session_of(L, s);
    int frail = gait_now(L) <= p->safety_frail_gait;
    if (!s->dose_known || frail != s->dose_frail || !same_session(&d, &s->dose)) {
        s->dose_known = 1;
        s->dose_frail = frail;
        s->dose = d;
        dose_adverse_rates(&d, frail, p, &s->minor, &s->serious);
        s->log1p_serious = log1p(-s->serious);
        s->effect = dose_session_effect(&d, p);
        s->serious_attended = 0; /* attended = 0 draws nothing: never looked up */
    }
    unsigned n_minor = attended ? gsl_ran_binomial(L->rng->r, s->minor, attended) : 0;
    int serious_event = 0;
    if (attended) {
        double u = gsl_rng_uniform(L->rng->r);
        if (attended != s->serious_attended) {
            s->serious_attended = attended;
            s->serious_week = -expm1(attended * s->log1p_serious);
        }
        serious_event = u < s->serious_week;
    }
    for (unsigned k = 0; k < n_minor; k++) {
        L->count[EVC_ADVERSE_MINOR]++;
        log_event(L, LOG_ADVERSE_MINOR, slot);
    }

    const dose_effect e = s->effect;
    memset(s->week_effect, 0, sizeof s->week_effect);
    for (int c = 0; c < COMPARTMENTS; c++) {
        if (!trained[c])
            continue;
        s->week_effect[c][EFF_HYPERTROPHY] = attended * e.hypertrophy;
        s->week_effect[c][EFF_NEURAL] = attended * e.neural;
        s->week_effect[c][EFF_BONE] = attended * e.bone;
        s->week_effect[c][EFF_RELIEF] = attended * e.relief;
        s->week_effect[c][EFF_SKILL] = attended * e.skill;
    }
    if (serious_event) {
        L->count[EVC_ADVERSE_SERIOUS]++;
        log_event(L, LOG_ADVERSE_SERIOUS, slot);
        s->stopped = 1;
        end_intervention(L, s, slot);
        admit(L, p->safety_serious_ae_stay, ADMIT_ADVERSE_EVENT);
        return;
    }
    if (s->week < s->n_weeks)
        schedule(L, L->t + DAYS_PER_WEEK, EV_TRAINING_WEEK, slot);
}

static void start_intervention(life *L, int32_t slot)
{
    const model_params *p = L->p;
    iv_slot *s = &L->iv[slot];
    const intervention_spec *iv = s->spec;
    double duration = iv->duration_weeks * DAYS_PER_WEEK;
    if (iv->type == IV_RESISTANCE && iv->load_pct_1rm >= p->safety_high_load_pct &&
        gait_now(L) <= p->safety_frail_gait) {
        /* Centner 2019: high load is contraindicated in frailty; withhold, don't harm. */
        s->withheld = 1;
        L->count[EVC_WITHHELD]++;
        log_event(L, LOG_INTERVENTION_WITHHELD, slot);
        return;
    }
    s->active = 1;
    log_event(L, LOG_INTERVENTION_START, slot);
    schedule(L, L->t + duration, EV_IV_END, slot);
    if (iv->type == IV_PROTEIN) {
        double target = iv->protein_g_per_kg;
        L->protein = L->x->protein + s->adherence * msk_fmax(0.0, target - L->x->protein);
        return;
    }
    s->week = 0;
    s->phase = 0;
    s->n_weeks = (int32_t)ceil(iv->duration_weeks - 1e-9);
    training_week(L, slot);
}

static void exposure_start(life *L, int32_t j)
{
    const exposure_spec *e = &L->plan->sc->exposures[j];
    double days = e->duration_weeks * DAYS_PER_WEEK;
    switch ((exposure_kind)e->kind) {
    case EXPO_LEG_CAST:
        start_immobilization(L, IMMOB_LEG_CAST, days);
        break;
    case EXPO_ARM_CAST:
        start_immobilization(L, IMMOB_ARM_CAST, days);
        break;
    case EXPO_BED_REST:
        start_immobilization(L, IMMOB_BED_REST, days);
        break;
    case EXPO_HOSPITAL:
        admit(L, days, ADMIT_SCHEDULED);
        break;
    case EXPO_ICU:
        /* A stay, all of it in intensive care. */
        admit(L, days, ADMIT_SCHEDULED);
        L->immob[IMMOB_ICU]++;
        schedule(L, L->t + days, EV_RECOVERY_END, IMMOB_ICU);
        break;
    case EXPO_SPACEFLIGHT:
        start_immobilization(L, IMMOB_SPACEFLIGHT, days);
        break;
    default:
        break;
    }
}

static void init_life(life *L, const sim_plan *plan, const person *x, size_t arm, rng_stream *rng,
                      event_log *log, invariant_violation *bad)
{
    const scenario *sc = plan->sc;
    const model_params *p = &sc->model;
    memset(L, 0, sizeof *L);
    L->plan = plan;
    L->p = p;
    L->x = x;
    L->rng = rng;
    L->log = log;
    L->bad = bad;
    L->arm = arm;
    L->alive = 1;
    L->protein = x->protein;
    L->hip_fracture_day = NAN;
    L->gait_strength = L->avail_protein = NAN;
    muscle_memo_init(&L->muscle_memo);
    bone_memo_init(&L->bone_memo);
    activity_memo_init(&L->activity_memo);
    muscle_init(&L->m[LEG_INDEX], x->leg_lean_kg, p);
    muscle_init(&L->m[LEG_OTHER], x->leg_lean_kg, p);
    muscle_init(&L->m[ARMS], x->arm_lean_kg, p);
    muscle_init(&L->m[TRUNK], p->muscle_trunk_lean_ratio * appendicular_lean0(x), p);
    for (int c = 0; c < COMPARTMENTS; c++)
        L->contractile0[c] = L->m[c].contractile;
    L->grip_z0 = entry_grip_z(x, p);
    activity_init(&L->act);
    bone_inputs bi = {1.0, x->age, x->female ? x->age - x->menopause_age : NAN, x->calcium,
                      x->vitamin_d, x->protein};
    bone_init(&L->bone, x->fn_bmd, &bi, p);

    const arm_spec *a = &sc->arms[arm];
    L->n_iv = a->n_interventions;
    MSK_ASSERT(L->n_iv <= INDIVIDUAL_MAX_INTERVENTIONS);
    double adherence_sd = p->baseline_adherence_sd;
    for (size_t j = 0; j < L->n_iv; j++) {
        L->iv[j].spec = &a->interventions[j];
        double ad = a->interventions[j].adherence + adherence_sd * x->adherence_z;
        L->iv[j].adherence = msk_fmin(1.0, msk_fmax(0.0, ad));
    }

    evq_init(&L->q);
    /* Observations are not in the list (next_scheduled). */
    schedule(L, plan->horizon_days, EV_END, 0);
    schedule(L, p->activity_reassess_interval, EV_REASSESS, 0);
    MSK_ASSERT(sc->n_exposures <= INDIVIDUAL_MAX_EXPOSURES);
    for (size_t j = 0; j < sc->n_exposures; j++)
        schedule(L, sc->exposures[j].start_week * DAYS_PER_WEEK, EV_EXPOSURE_START, (int32_t)j);
    for (size_t j = 0; j < L->n_iv; j++)
        schedule(L, L->iv[j].spec->start_week * DAYS_PER_WEEK, EV_IV_START, (int32_t)j);
    if (x->female) {
        double lead = (x->menopause_age - p->bone_menopause_lead - x->age) * DAYS_PER_YEAR;
        double fmp = (x->menopause_age - x->age) * DAYS_PER_YEAR;
        if (lead > 0 && lead < plan->horizon_days)
            schedule(L, lead, EV_MENOPAUSE, 0);
        if (fmp > 0 && fmp < plan->horizon_days)
            schedule(L, fmp, EV_MENOPAUSE, 1);
    }

    L->clock[CLOCK_FALL] = new_clock(L, CLOCK_FALL, RNG_FALL);
    L->draws[CLOCK_ADMISSION] = 0;
    rng_seek(rng, RNG_HOSPITAL, x->id, x->replicate, 0);
    L->clock[CLOCK_ADMISSION] = gsl_ran_exponential(rng->r, 1.0);
    L->clock[CLOCK_DEATH] = new_clock(L, CLOCK_DEATH, RNG_DEATH);
    msk_assert_context(rng->seed, (long long)x->id, (int)arm, 0.0);
    life_refresh(L);
}

/* After death, later observations carry the final counts and person-time. */
static void record_dead(const life *L, obs_record *rec, size_t from, size_t n_obs)
{
    for (size_t k = from; k < n_obs; k++) {
        memset(&rec[k], 0, sizeof rec[k]);
        rec[k].alive = 0;
        memcpy(rec[k].count, L->count, sizeof L->count);
        rec[k].alive_days = L->alive_days;
        rec[k].immobilized_days = L->immobilized_days;
    }
}

/* Fire stochastic clock `which` at the current time. Returns 1 when the person died
 * (the records from next_obs on are then filled), 0 otherwise. */
int life_fire(life *L, int which, obs_record *rec, size_t next_obs)
{
    L->clock[which] = 0;
    L->events++;
    if (which == CLOCK_DEATH) {
        L->alive = 0;
        L->count[EVC_DEATH]++;
        log_event(L, LOG_DEATH, 0);
        record_dead(L, rec, next_obs, L->plan->n_obs);
        return 1;
    }
    if (which == CLOCK_FALL) {
        handle_fall(L);
        L->clock[CLOCK_FALL] = new_clock(L, CLOCK_FALL, RNG_FALL);
    } else {
        handle_admission(L);
        rng_seek(L->rng, RNG_HOSPITAL, L->x->id, L->x->replicate, 2u * L->count[EVC_ADMISSION]);
        L->clock[CLOCK_ADMISSION] = gsl_ran_exponential(L->rng->r, 1.0);
    }
    return 0;
}

/* Remove the next scheduled event, observations included, into *e. */
void life_pop_scheduled(life *L, size_t next_obs, evq_event *e)
{
    if (life_observation_first(L, next_obs))
        *e = (evq_event){L->plan->obs_days[next_obs], EV_OBSERVE, 0, (int32_t)next_obs};
    else
        evq_pop(&L->q, e);
}

int life_run_scheduled(life *L, const evq_event *e, obs_record *rec, size_t *next_obs)
{
    L->events++;
    switch ((event_kind)e->kind) {
    case EV_OBSERVE:
        if (!observe(L, &rec[e->arg]))
            return AFTER_BROKEN;
        *next_obs = (size_t)e->arg + 1;
        return AFTER_NOTHING; /* observing changes nothing: no refresh */
    case EV_END:
        return AFTER_END;
    case EV_REASSESS:
        schedule(L, L->t + L->p->activity_reassess_interval, EV_REASSESS, 0);
        /* Every state change is followed by a refresh: one at this very time has
         * already computed what this one would. */
        if (L->t == L->refreshed_at)
            return L->bad->violated ? AFTER_BROKEN : AFTER_NOTHING;
        break;
    case EV_EXPOSURE_START:
        exposure_start(L, e->arg);
        break;
    case EV_RECOVERY_END:
        L->immob[e->arg]--;
        if (e->arg != IMMOB_HIP_REHAB && e->arg != IMMOB_ICU)
            log_event(L, LOG_IMMOBILIZATION_END, e->arg);
        break;
    case EV_DISCHARGE:
        L->immob[IMMOB_HOSPITAL]--;
        log_event(L, LOG_DISCHARGE, e->arg);
        break;
    case EV_IV_START:
        start_intervention(L, e->arg);
        break;
    case EV_IV_END:
        end_intervention(L, &L->iv[e->arg], e->arg);
        break;
    case EV_TRAINING_WEEK:
        training_week(L, e->arg);
        break;
    case EV_MENOPAUSE:
        if (e->arg == 1)
            log_event(L, LOG_MENOPAUSE, 0);
        break;
    }
    return AFTER_REFRESH;
}

/* The exact loop: the hazard clocks race the head of the event list, and the
 * physiology advances in closed form from each event to the next. */
static msk_status run_events(life *L, obs_record *rec)
{
    size_t next_obs = 0;
    for (;;) {
        double t_sched = life_next_scheduled(L, next_obs);
        int which = -1;
        double t_stoch = INFINITY;
        for (int k = 0; k < CLOCKS; k++) {
            if (L->rate[k] <= 0)
                continue;
            double tk = L->t + L->clock[k] / L->rate[k];
            if (tk < t_stoch) {
                t_stoch = tk;
                which = k;
            }
        }
        if (which >= 0 && t_stoch < t_sched) {
            if (!life_advance(L, t_stoch))
                return MSK_ESOFTWARE;
            if (life_fire(L, which, rec, next_obs))
                return MSK_OK;
        } else {
            evq_event e;
            life_pop_scheduled(L, next_obs, &e);
            if (!life_advance(L, e.time))
                return MSK_ESOFTWARE;
            int after = life_run_scheduled(L, &e, rec, &next_obs);
            if (after == AFTER_BROKEN)
                return MSK_ESOFTWARE;
            if (after == AFTER_END)
                return MSK_OK;
            if (after == AFTER_NOTHING)
                continue;
        }
        life_refresh(L);
        if (L->bad->violated)
            return MSK_ESOFTWARE;
    }
}

msk_status individual_simulate(const sim_plan *plan, const person *x, size_t arm,
                               rng_stream *rng, obs_record *rec, event_log *log,
                               invariant_violation *bad, individual_work *work)
{
    life L;
    init_life(&L, plan, x, arm, rng, log, bad);
    msk_status st = plan->fixed_step_days > 0 ? fixedstep_run(&L, rec, plan->fixed_step_days)
                                              : run_events(&L, rec);
    if (work) {
        work->events += L.events;
        work->steps += L.steps;
    }
    return st;
}
