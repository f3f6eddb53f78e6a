/* muscle.h — one muscle compartment: protein balance and a neural factor.
 *
 * Mass is the balance of synthesis and breakdown (docs/model.md, "Muscle"):
 *     dM/dt = kd * A * S(t) - kd * B * M,      S(t) = S0 exp(-r t)
 * where kd is the fractional turnover rate, A the synthesis multiplier (training,
 * protein, unloading), B the breakdown multiplier (unloading, illness) and S the
 * homeostatic set point, which falls with age at rate r. Strength is proportional to
 * contractile mass times a neural factor N that follows its own target quickly:
 *     dN/dt = kn (Nt(t) - N),                  Nt(t) = Ns0 exp(-rn t) * drive * (1 - dn u)
 * The non-contractile part of DXA lean mass only ages. With constant inputs all three
 * have closed forms (kinetics.h). A person has three compartments: the index leg (the
 * one cast or trained), the other leg and the arms. */
#ifndef MSK_MUSCLE_H
#define MSK_MUSCLE_H

#include "kinetics.h"
#include "params.h"

typedef struct {
    double contractile;    /* kg, contractile protein mass */
    double noncontractile; /* kg, rest of the DXA lean mass of the compartment */
    double setpoint;       /* kg, homeostatic contractile mass without stimulus */
    double neural;         /* 1, neural factor (1 at entry) */
    double neural_set;     /* 1, neural factor the person tends to without stimulus */
} muscle_state;

/* Constant inputs over one interval. */
typedef struct {
    double loading;      /* 1: habitual mechanical loading relative to the person's usual (0 = cast) */
    double anabolic;     /* 1: synthesis multiplier from training and protein (1 = none) */
    double neural_drive; /* 1: neural-target multiplier from training (1 = none) */
    double catabolic;    /* 1: extra fractional breakdown from illness (0 = none) */
    double age_loss;     /* 1/year: fractional loss of the set point (age, disease) */
    double disuse_sensitivity; /* 1: multiplier of the effect of unloading (1 = young adult) */
} muscle_inputs;

/* Initialise a compartment of DXA lean mass `lean` kg at its homeostatic state. */
void muscle_init(muscle_state *m, double lean, const model_params *p);

/* Advance by dt days with constant inputs (exact). */
void muscle_advance(muscle_state *m, const muscle_inputs *in, const model_params *p,
                    double dt_days);

/* Advance n compartments, each with its own constant inputs, by dt days: the same
 * numbers as n calls of muscle_advance, with the exponentials they share computed
 * once (kinetics_relax_factors). */
void muscle_advance_all(muscle_state *m, const muscle_inputs *in, size_t n,
                        const model_params *p, double dt_days);

/* The exponentials of the last muscle_advance_memo call: for its step e^{-kn dt} and
 * e^{-k dt} of each breakdown rate k met since the step changed (a compartment without
 * unloading or illness has k = kd whatever its age), and for its last ageing rate r
 * those of r, of the neural ageing rate and the relaxation factors of each load. A call
 * with the same step, rate or loads reuses them: they are the same expressions of the
 * same operands, so the numbers are those of muscle_advance_all. One memo serves one
 * set of parameters p; muscle_memo_init empties it. */
enum { MUSCLE_MEMO_LOADS = 4 };
typedef struct {
    double dt, e_kn;       /* dt NAN: empty */
    double k[MUSCLE_MEMO_LOADS], e_k[MUSCLE_MEMO_LOADS]; /* e^{-k dt} for this dt */
    size_t n_k;
    double r, e_r, e_rn;   /* r NAN: none for this dt */
    kinetics_relax_factors neural, load[MUSCLE_MEMO_LOADS];
    size_t n_load;
} muscle_memo;

void muscle_memo_init(muscle_memo *mm);
void muscle_advance_memo(muscle_state *m, const muscle_inputs *in, size_t n,
                         const model_params *p, double dt_days, muscle_memo *mm);

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

/* Synthesis multiplier A for a weekly training stimulus (1/week), habitual protein
 * intake (g/kg/day), age, and the person's responsiveness (1 = typical). */
double muscle_anabolic(double weekly_stimulus, double protein, double age_years,
                       double responsiveness, const model_params *p);

/* The two halves of muscle_anabolic, for callers that reuse the first (intake changes
 * rarely): protein availability relative to muscle.protein_ref with its power
 * availability^muscle.protein_synergy, and A given them. */
typedef struct {
    double availability, synergy;
} muscle_protein;
muscle_protein muscle_protein_of(double protein, const model_params *p);
double muscle_anabolic_at(double weekly_stimulus, const muscle_protein *mp, double age_years,
                          double responsiveness, const model_params *p);

/* Neural-target multiplier for a weekly neural stimulus. */
double muscle_neural_drive(double weekly_neural_stimulus, double responsiveness,
                           const model_params *p);

#endif
