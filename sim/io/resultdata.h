/* resultdata.h — the parts of an msksim result file that figures and tables use,
 * loaded and validated in one pass.
 *
 * resultdata_load reads through resultfile.h, so every object is checked for type and
 * shape against the file's own dimensions (time, arm, individual_sample) before it is
 * used; names read from the file are checked (resultfile_name_ok) before they become
 * object paths; observation times must increase. What an older msksim did not write
 * (the arms' interventions, scheduled exposures) is optional and flagged; everything
 * else missing makes the load fail with MSK_EDATA and a diagnostic naming the object.
 * Only the events of the sampled people (replicate 0, individuals 0 … n_sample-1,
 * which the writer puts first) are loaded, and at most RESULTDATA_MAX_SAMPLE of them,
 * so memory stays small whatever the size of the run.
 *
 * Usage (also the fuzzing entry point: open, load, fini, close):
 *   resultfile rf;
 *   resultdata d;
 *   if (resultfile_open(&rf, path, &diags) == MSK_OK && resultdata_load(&d, &rf) == MSK_OK) {
 *       ... d.arms[a].mean[RV_LEG_LEAN][k] ...
 *       resultdata_fini(&d);
 *   }
 *   resultfile_close(&rf); */
#ifndef MSK_RESULTDATA_H
#define MSK_RESULTDATA_H

#include <stddef.h>

#include "resultfile.h"

/* Ceilings on what a file's contents imply, checked before anything is allocated or
 * drawn (docs/robustness.md, "Ceilings of the readers"). Each is far above what msksim
 * writes (observations: horizon_weeks <= 3650 at observe_every_weeks >= 0.1, so at most
 * 36 502 times), so a valid result never meets one; a file past one is refused with
 * MSK_EDATA. They bound memory (series: arms x times) and what the figures write (a
 * person's events become lines of a gnuplot script, one per panel). */
enum {
    RESULTDATA_MAX_ARMS = 1000,
    RESULTDATA_MAX_SAMPLE = 200,
    RESULTDATA_MAX_TIMES = 100000,           /* observation times */
    RESULTDATA_MAX_ARM_TIMES = 4000000,      /* arms x observation times */
    RESULTDATA_MAX_EVENTS_PER_PERSON = 10000, /* events of one sampled person in one arm */
    RESULTDATA_MAX_INTERVENTIONS = 1000,     /* per arm */
    RESULTDATA_MAX_EXPOSURES = 1000,
    RESULTDATA_MAX_STRATA = 4096
};
/* Observation times lie within [-RESULTDATA_MAX_WEEKS, RESULTDATA_MAX_WEEKS]. */
#define RESULTDATA_MAX_WEEKS 1e5

/* Observed variables (VAR_mean, VAR_sd, sample/VAR), key outcomes (/summary
 * VAR_change_pct), prevalences (prevalence_NAME) and counted events
 * (cumulative_incidence_NAME, NAME_per_1000py): the tables of models/observables.def,
 * which the writer uses too. */
typedef enum {
#define OBSERVABLE(id, name, units, long_name, label, display, hlo, hhi, blo, bhi) RV_##id,
#include "observables.def"
    RV_COUNT
} rd_var;
typedef enum {
#define KEY_OUTCOME(id) RK_##id,
#include "observables.def"
    RK_COUNT
} rd_key;
typedef enum {
#define PREVALENCE(id, name, long_name, label) RP_##id,
#include "observables.def"
    RP_COUNT
} rd_prev;
typedef enum {
#define EVENT_COUNT(id, name, long_name, label) RE_##id,
#include "observables.def"
    RE_COUNT
} rd_count;
/* Event-log kinds (models/observables.def), mapped from the file's flag_meanings by
 * name. */
typedef enum {
#define EVENT_LOG_KIND(id, name) RL_##id,
#include "observables.def"
    RL_COUNT,
    RL_UNKNOWN = RL_COUNT
} rd_log_kind;
/* Intervention types and exposure kinds, mapped by name from the file's flag_meanings
 * to the choices of scenario.def (intervention type, exposure kind), which the writer
 * names them by. The readers above sim/io may not see sim/input, so the enumerators are
 * written out here; resultdata.c checks at compile time that they are scenario.h's. */
typedef enum {
    RI_PROTEIN, RI_WALKING, RI_BFR_WALKING, RI_RESISTANCE, RI_BFR_RESISTANCE, RI_PASSIVE_BFR,
    RI_REHABILITATION, RI_COUNT, RI_UNKNOWN = RI_COUNT
} rd_iv_type;
typedef enum {
    RX_LEG_CAST, RX_ARM_CAST, RX_BED_REST, RX_HOSPITAL, RX_ICU, RX_SPACEFLIGHT, RX_COUNT,
    RX_UNKNOWN = RX_COUNT
} rd_expo_kind;

typedef struct {
    const char *name;  /* in the file */
    const char *label; /* for people: "leg lean mass" */
    const char *unit;  /* for people, UTF-8: "kg", "N·m", "g/cm²" */
} rd_name;
extern const rd_name resultdata_vars[RV_COUNT];
extern const rd_name resultdata_prevs[RP_COUNT];
extern const rd_name resultdata_counts[RE_COUNT];
extern const rd_var resultdata_key_var[RK_COUNT];
extern const char *const resultdata_log_kinds[RL_COUNT];

/* One prescribed intervention (NaN: not given or not used by the type). */
typedef struct {
    rd_iv_type type;
    double start_week, duration_weeks, sessions_per_week, adherence, load_pct_1rm,
        cuff_pct_aop, cuff_mmhg, walk_minutes, walk_speed_kmh, protein_g_per_kg;
} rd_intervention;

typedef struct {
    rd_expo_kind kind;
    double start_week, duration_weeks;
} rd_exposure;

/* One event of a sampled person. */
typedef struct {
    size_t individual; /* 0 … n_sample-1 */
    double week;
    rd_log_kind kind;
    int detail;
} rd_event;

typedef struct {
    char *name;
    /* Over time, [n_time] each. */
    double *mean[RV_COUNT], *sd[RV_COUNT];
    double *n_alive;
    double *prevalence[RP_COUNT];
    double *incidence[RE_COUNT]; /* share of people enrolled with >= 1 */
    /* End of study: [0] mean, [1] lower, [2] upper 95% limit. */
    double change_pct[RK_COUNT][3];
    double rate[RE_COUNT][3]; /* per 1000 person-years */
    double person_years;
    /* Paired against the reference arm; NaN for the reference itself. */
    double diff_change_pct[RK_COUNT][3];
    double diff_rate[RE_COUNT][3];
    /* With parameter draws (/draws; resultdata.n_draws > 0): the same across the
     * draws, [0] mean, [1] 2.5%, [2] 97.5% quantile (the 95% uncertainty interval), and
     * the share of draws in which the arm does better than the reference. */
    double ui_change_pct[RK_COUNT][3], ui_diff_change_pct[RK_COUNT][3], ui_diff_rate[RE_COUNT][3];
    double p_better_change[RK_COUNT], p_better_rate[RE_COUNT];
    /* ... and over time, [n_time] each ([0] mean, [1] 2.5%, [2] 97.5% across draws):
     * the mean of each key variable, the cumulative incidence of falls [0] and of
     * fractures [1], the prevalence of each condition (NULL for those not kept).
     * NULL without draws. */
    double *ui_key_mean[RK_COUNT][3], *ui_incidence[2][3], *ui_prevalence[RP_COUNT][3];
    /* Sampled people, [n_sample][n_time] each (NaN after death); NULL without a sample. */
    double *sample[RV_COUNT];
    double *sample_immobilized, *sample_falls, *sample_fractures;
    rd_event *events; /* the sampled people's, in file order */
    size_t n_events;
    /* Prescription; has_interventions is 0 for files written before it was recorded. */
    int has_interventions;
    rd_intervention *iv;
    size_t n_iv;
} rd_arm;

typedef struct {
    char *title, *description, *source;
    double population_size, replicates;
    size_t n_time;
    double *time; /* weeks, increasing */
    size_t n_arms, reference;
    rd_arm *arms;
    size_t n_sample; /* sampled people loaded (<= RESULTDATA_MAX_SAMPLE) */
    double *sample_age, *sample_female; /* [n_sample]; NULL without a sample */
    int has_exposures;
    rd_exposure *exposures;
    size_t n_exposures;
    /* Who was enrolled, from /persons (has_entry 0 without it): age at entry, share of
     * women, share sarcopenic (EWGSOP2) and in each WHO class at entry. */
    int has_entry;
    double entry_age_min, entry_age_max, entry_age_mean, entry_female, entry_sarcopenic,
        entry_who[3];
    /* Subgroups at entry (/strata; n_strata 0 without): their labels and, at
     * [arm * n_strata + stratum], the people enrolled, fractures per 1000 person-years
     * and the % change of leg lean mass to the end among survivors ([0] mean, [1] lower,
     * [2] upper 95% limit). */
    size_t n_strata;
    char **stratum;
    double *strata_enrolled, *strata_fractures[3], *strata_lean[3];
    /* Parameter draws behind the ui_* figures of every arm (0: a run without); the
     * drawn parameters and, for the paired differences of leg lean mass [0] and of
     * fractures [1], each one's standardized regression coefficient at
     * [arm * n_params + parameter] and the regression's R^2 at [arm] (NaN where
     * undefined: the reference arm, too few draws). */
    size_t n_draws, n_params;
    char **param;
    double *importance[2], *importance_r2[2];
    /* Model parameters the figures need (NaN when the provenance lacks them). */
    double tscore_ref_mean_female, tscore_ref_sd_female, tscore_ref_mean_male,
        tscore_ref_sd_male, osteopenia_tscore, osteoporosis_tscore;
} resultdata;

/* Load everything above from an open result file. On failure *d holds nothing to
 * free and a diagnostic says what is wrong; statuses as in resultfile.h. */
msk_status resultdata_load(resultdata *d, resultfile *rf);

/* Free what resultdata_load allocated; accepts a zeroed struct. */
void resultdata_fini(resultdata *d);

/* Arm index by name, or -1. */
long resultdata_arm_index(const resultdata *d, const char *name);

/* Read the result file at PATH completely (resultfile_open and resultdata_load) in a
 * child process first. Some damaged files crash the HDF5 library itself (e.g. a
 * corrupt global heap behind a string: H5HG_read in HDF5 1.10.8, found by fuzzing);
 * such a file gets a diagnostic and MSK_EDATA instead of taking the program down.
 * Returns MSK_OK when the child came back (the caller's own reading then reports any
 * ordinary problem), MSK_EDATA when it crashed, MSK_ESOFTWARE when it cannot fork. */
msk_status resultdata_probe(const char *path, diag_list *diags);

#endif
