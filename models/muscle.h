/* muscle.h — one muscle compartment: protein balance, a breakdown transient at the
 * onset of unloading, and an activation (neural) factor with asymmetric kinetics.
 *
 * Mass is the balance of synthesis and breakdown (docs/model.md, "Muscle"):
 *     dM/dt = kd [ Σ S(t) - T(t) (1 - ρ) S(t) - B M ],   S(t) = S0 e^{-r t}
 *     Σ = A (1 - δ σ U),  B = 1 + b_train + b_ill,  T(t) = T0 e^{-t/τβ}
 * kd is the basal fractional turnover (tracer FSR), A the synthesis multiplier
 * (training, protein), δ the fall of synthesis at complete unloading U (σ: age),
 * b_train the rise of breakdown with training, b_ill that of illness, T the short rise
 * of breakdown at the onset of unloading (raised by β0 σ ΔU when unloading starts or
 * deepens, taken as a flux proportional to the set point so that the advance stays
 * linear and exact) and ρ the share of unloading relieved by passive stimuli (passive
 * BFR, passive movement). The unloading itself is U = (1 - loading)^+ (1 - ρ).
 * Strength is contractile mass times q (1 + G) (1 - N): q (neural_set) falls with
 * age; G, the neural gain of training, rises towards D - 1 with τ_rise and fades with
 * τ_detrain (months) once training stops; N, the neural deficit of disuse, rises
 * towards ν U with τ_disuse and recovers with τ_recover on reloading. Each relaxes to
 * its target at the rate for its direction, which cannot change within an interval.
 * The one-repetition maximum of a practised lift is strength times (1 + K): K, the
 * skill of the lift, is learnt towards its target with τ_skill_rise (weeks) while the
 * lift is practised and fades with τ_skill_decay (years) once it is not; isometric
 * strength and function do not see it (task specificity).
 * With constant inputs every variable has a closed form (kinetics.h). A person has
 * four compartments (sim/engine/life.h): the index leg (the one cast or trained
 * alone), the other leg, the arms and the trunk. */
#ifndef MSK_MUSCLE_H
#define MSK_MUSCLE_H

#include <stddef.h>

#include "kinetics.h"
#include "params.h"

typedef struct {
    double contractile;    /* kg, contractile protein mass */
    double noncontractile; /* kg, rest of the DXA lean mass of the compartment */
    double setpoint;       /* kg, homeostatic contractile mass without stimulus */
    double setpoint_floor; /* kg, what ageing leaves of the set point at least */
    double neural;         /* 1, strength per unit contractile mass: neural_set (1 + gain) (1 - deficit) */
    double neural_set;     /* 1, what ageing leaves of it (1 at entry) */
    double neural_gain;    /* 1, neural gain from training (0 at entry) */
    double neural_deficit; /* 1, neural deficit from disuse (0 at entry) */
    double skill;          /* 1, rise of the 1RM of practised lifts above isometric strength (0 at entry) */
    double transient;      /* 1, extra breakdown left from the onset of unloading */
    double unload;         /* 1, unloading (before relief) the transient was last raised for */
} muscle_state;

/* Constant inputs over one interval. */
typedef struct {
    double loading;      /* 1: habitual mechanical loading relative to the person's usual (0 = cast) */
    double anabolic;     /* 1: synthesis multiplier from training and protein (1 = none) */
    double neural_drive; /* 1: activation-target multiplier from training (1 = none) */
    double catabolic;    /* 1: extra fractional breakdown from illness (0 = none) */
    double age_loss;     /* 1/year: fractional loss of the set point (age, disease) */
    double disuse_sensitivity; /* 1: multiplier of the effect of unloading (1 = young adult) */
    double train_breakdown;    /* 1: extra fractional breakdown from training (0 = none) */
    double relief;       /* 1: share of the unloading relieved by passive stimuli (0 = none) */
    double skill;        /* 1: target of the skill of practised lifts (0 = no practice) */
} muscle_inputs;

/* Initialise a compartment of DXA lean mass `lean` kg at its homeostatic state. */
void muscle_init(muscle_state *m, double lean, const model_params *p);

/* Advance by dt days with constant inputs (exact). */
void muscle_advance(muscle_state *m, const muscle_inputs *in, const model_params *p,
                    double dt_days);

/* Advance n compartments, each with its own constant inputs, by dt days. */
void muscle_advance_all(muscle_state *m, const muscle_inputs *in, size_t n,
                        const model_params *p, double dt_days);

/* The ageing exponentials of the last muscle_advance_memo call (the same for all
 * compartments of one person and for most intervals between two refreshes). A call
 * with the same step and ageing rate reuses them: the numbers are those of
 * muscle_advance_all. muscle_memo_init empties it. */
typedef struct {
    double dt, r;     /* NAN: empty */
    double e_r, e_rn; /* e^{-r dt}, e^{-rn dt} */
} muscle_memo;

void muscle_memo_init(muscle_memo *mm);
void muscle_advance_memo(muscle_state *m, const muscle_inputs *in, size_t n,
                         const model_params *p, double dt_days, muscle_memo *mm);

/* EWGSOP2 sarcopenia (Cruz-Jentoft 2019): grip (kg) and appendicular lean mass (kg)
 * both below the sex's cut-offs (model.criteria.*). The one test of it: entry, every
 * observation and the person table use this. */
int muscle_sarcopenic(double grip_kg, double asm_kg, int female, const model_params *p);

/* DXA lean mass of the compartment, kg. */
double muscle_lean(const muscle_state *m);

/* Yearly fractional loss of muscle with age: the sex-specific rate at 75, doubling
 * every muscle.age_loss_doubling years. */
double muscle_age_loss(double age_years, int female, const model_params *p);

/* How strongly unloading acts at this age relative to a young adult (>= 1). */
double muscle_disuse_sensitivity(double age_years, const model_params *p);

/* Usual gait speed, m/s, of a person who walks at gait0 at entry, once the legs have
 * relative strength s (1 at entry): stronger legs speed walking up, less than
 * proportionally (s^muscle.gait_strength_exponent; Buchner 1996), up to where people
 * would run instead (muscle.max_gait_speed; Hreljac 1993). */
double muscle_gait_speed(double gait0, double leg_strength_rel, const model_params *p);

/* A usual gait speed drawn for a person at entry, kept to walking: at least a shuffle
 * (0.2 m/s), at most muscle.max_gait_speed. */
double muscle_gait_bounded(double gait, const model_params *p);

/* Synthesis multiplier A for a weekly training stimulus (1/week), current protein
 * intake (g/kg/day) taken relative to muscle.protein_ref, age, and the person's
 * responsiveness (1 = typical). */
double muscle_anabolic(double weekly_stimulus, double protein, double age_years,
                       double responsiveness, const model_params *p);

/* The two halves of muscle_anabolic, for callers that reuse the first (intake changes
 * rarely). Without training, synthesis follows protein availability relative to the
 * person's own habitual intake (everyone starts in balance with their diet); the
 * training gain is scaled by availability relative to muscle.protein_ref to the power
 * muscle.protein_synergy (protein is the material of the gain). */
typedef struct {
    double availability, synergy;
} muscle_protein;
muscle_protein muscle_protein_of(double protein, double habitual_protein, const model_params *p);
double muscle_anabolic_at(double weekly_stimulus, const muscle_protein *mp, double age_years,
                          double responsiveness, const model_params *p);

/* Extra fractional breakdown with a weekly training stimulus (Frontera 1988: 3-MH). */
double muscle_train_breakdown(double weekly_stimulus, const model_params *p);

/* Activation-target multiplier for a weekly neural stimulus. */
double muscle_neural_drive(double weekly_neural_stimulus, double responsiveness,
                           const model_params *p);

/* Target of the skill of a lift (muscle_state.skill) for a weekly practice w (the sum
 * of per-session dose_effect.skill): saturating like the training gain. */
double muscle_skill_target(double weekly_practice, double responsiveness,
                           const model_params *p);

/* One-repetition maximum of a practised lift relative to the isometric strength of the
 * same muscle: 1 + skill. */
double muscle_one_rm_factor(const muscle_state *m);

/* Share of the unloading relieved by passive stimuli whose weekly sum (of per-session
 * reliefs, muscle.passive_bfr_relief and muscle.passive_movement_relief) is w. */
double muscle_relief(double weekly_relief);

#endif
