/* scenario.h — a validated study description.
 *
 * A scenario is loaded from YAML (scenario_load), checked against the tables in
 * scenario.def and models/params.def, amended by --set overrides, and then read-only.
 * Every scalar field below is generated from scenario.def, so the loader, range
 * checks, documentation and provenance cannot drift from the struct. Times are in the
 * units of the table (weeks); the engine converts to days. */
#ifndef MSK_SCENARIO_H
#define MSK_SCENARIO_H

#include <stddef.h>

#include "params.h"
#include "schema.h"
#include "status.h"
#include "strata.h"

/* C types of the table's kinds. ENUM values are indices into the choices string. */
#define SCEN_CTYPE_REAL double
#define SCEN_CTYPE_INT long long
#define SCEN_CTYPE_BOOL int
#define SCEN_CTYPE_STRING char *
#define SCEN_CTYPE_ENUM int

/* Emit one struct field per row of the given section only. */
#define SCEN_FIELD_ONLY(want, section, key, kind, ...) SCEN_FIELD_##want##_##section(key, kind)
#define SCEN_DECL(key, kind) SCEN_CTYPE_##kind key;
#define SCEN_SKIP(key, kind)

/* Enumerations mirror the choices strings in scenario.def (order matters). */
typedef enum { AGE_UNIFORM, AGE_NORMAL } age_distribution_kind;
typedef enum { SARCOPENIA_ANY, SARCOPENIA_REQUIRED, SARCOPENIA_EXCLUDED } sarcopenia_inclusion;
typedef enum { EVENTLOG_NONE, EVENTLOG_SAMPLE, EVENTLOG_ALL } event_log_kind;
typedef enum {
    EXPO_LEG_CAST,
    EXPO_ARM_CAST,
    EXPO_BED_REST,
    EXPO_HOSPITAL,
    EXPO_ICU,
    EXPO_SPACEFLIGHT,
    EXPO_KIND_COUNT
} exposure_kind;
typedef enum { LIMBS_DEFAULT, LIMBS_LEGS, LIMBS_ARMS, LIMBS_BOTH, LIMBS_INDEX_LEG } limbs_kind;
typedef enum {
    IV_PROTEIN,
    IV_WALKING,
    IV_BFR_WALKING,
    IV_RESISTANCE,
    IV_BFR_RESISTANCE,
    IV_PASSIVE_BFR,
    IV_REHABILITATION,
    IV_TYPE_COUNT
} intervention_type;

#define SCEN_FIELD_population_top(k, t) SCEN_SKIP(k, t)
#define SCEN_FIELD_population_population(k, t) SCEN_DECL(k, t)
#define SCEN_FIELD_population_record(k, t) SCEN_SKIP(k, t)
#define SCEN_FIELD_population_exposure(k, t) SCEN_SKIP(k, t)
#define SCEN_FIELD_population_intervention(k, t) SCEN_SKIP(k, t)
typedef struct {
#define FIELD(section, ...) SCEN_FIELD_ONLY(population, section, __VA_ARGS__)
#include "scenario.def"
#undef FIELD
} population_spec;

#define SCEN_FIELD_record_top(k, t) SCEN_SKIP(k, t)
#define SCEN_FIELD_record_population(k, t) SCEN_SKIP(k, t)
#define SCEN_FIELD_record_record(k, t) SCEN_DECL(k, t)
#define SCEN_FIELD_record_exposure(k, t) SCEN_SKIP(k, t)
#define SCEN_FIELD_record_intervention(k, t) SCEN_SKIP(k, t)
typedef struct {
#define FIELD(section, ...) SCEN_FIELD_ONLY(record, section, __VA_ARGS__)
#include "scenario.def"
#undef FIELD
} record_spec;

#define SCEN_FIELD_exposure_top(k, t) SCEN_SKIP(k, t)
#define SCEN_FIELD_exposure_population(k, t) SCEN_SKIP(k, t)
#define SCEN_FIELD_exposure_record(k, t) SCEN_SKIP(k, t)
#define SCEN_FIELD_exposure_exposure(k, t) SCEN_DECL(k, t)
#define SCEN_FIELD_exposure_intervention(k, t) SCEN_SKIP(k, t)
typedef struct {
#define FIELD(section, ...) SCEN_FIELD_ONLY(exposure, section, __VA_ARGS__)
#include "scenario.def"
#undef FIELD
    int line, col; /* where it was declared, for messages */
} exposure_spec;

#define SCEN_FIELD_intervention_top(k, t) SCEN_SKIP(k, t)
#define SCEN_FIELD_intervention_population(k, t) SCEN_SKIP(k, t)
#define SCEN_FIELD_intervention_record(k, t) SCEN_SKIP(k, t)
#define SCEN_FIELD_intervention_exposure(k, t) SCEN_SKIP(k, t)
#define SCEN_FIELD_intervention_intervention(k, t) SCEN_DECL(k, t)
typedef struct {
#define FIELD(section, ...) SCEN_FIELD_ONLY(intervention, section, __VA_ARGS__)
#include "scenario.def"
#undef FIELD
    /* NAN when the key was not given (cuff_pct_aop / cuff_mmhg / load_pct_1rm). */
    int line, col;
} intervention_spec;

typedef struct {
    char *name;
    intervention_spec *interventions;
    size_t n_interventions;
    int line, col;
} arm_spec;

#define SCEN_FIELD_top_top(k, t) SCEN_DECL(k, t)
#define SCEN_FIELD_top_population(k, t) SCEN_SKIP(k, t)
#define SCEN_FIELD_top_record(k, t) SCEN_SKIP(k, t)
#define SCEN_FIELD_top_exposure(k, t) SCEN_SKIP(k, t)
#define SCEN_FIELD_top_intervention(k, t) SCEN_SKIP(k, t)
typedef struct {
#define FIELD(section, ...) SCEN_FIELD_ONLY(top, section, __VA_ARGS__)
#include "scenario.def"
#undef FIELD
    population_spec population;
    record_spec record;
    exposure_spec *exposures;
    size_t n_exposures;
    arm_spec *arms;
    size_t n_arms;
    size_t reference; /* index of the reference arm */
    strata_spec strata; /* record.strata and record.age_bands, parsed */
    model_params model;

    /* Provenance. */
    char *source_path;   /* the file as given on the command line */
    char *source_text;   /* its full text */
    char *overrides;     /* the --set arguments, one per line ("" if none) */
} scenario;

/* Limits checked when loading, so `check` and `run` agree and a hostile file stays
 * cheap to refuse. After SCENARIO_MAX_ERRORS errors one note says more were found. */
enum {
    SCENARIO_MAX_ARMS = 64,
    SCENARIO_MAX_EXPOSURES = 32,
    SCENARIO_MAX_INTERVENTIONS = 32, /* per arm */
    SCENARIO_MAX_ERRORS = SCHEMA_MAX_ERRORS
};

/* Load FILE, apply the --set overrides (each "dotted.path=value"), validate everything,
 * and fill *sc. Every problem found is added to *diags (all of them up to
 * SCENARIO_MAX_ERRORS, not just the first). Returns MSK_OK, MSK_EDATA (bad scenario,
 * diagnostics added), MSK_ENOINPUT (unreadable file), MSK_EUSAGE (malformed --set
 * argument) or MSK_ENOMEM. On failure *sc holds nothing that needs freeing. Warnings
 * (e.g. cuff above the advised range) are added to *diags without failing. */
msk_status scenario_load(scenario *sc, const char *path, const char *const *overrides,
                         size_t n_overrides, diag_list *diags);

/* As scenario_load, for TEXT[0..length) already in memory (the fuzzer's entry point).
 * NAME stands for the file in messages and provenance, and a `parameters:` file is
 * looked up relative to it. TEXT is copied. */
msk_status scenario_load_text(scenario *sc, const char *name, const char *text, size_t length,
                              const char *const *overrides, size_t n_overrides,
                              diag_list *diags);

/* The parameter file the draws come from (`draws_from`, else `parameters`, both
 * relative to the scenario file, else the shipped scenarios/parameters.yaml); newly
 * allocated, NULL when out of memory. */
char *scenario_draws_file(const scenario *sc);

/* Free what scenario_load allocated; accepts a zeroed struct. */
void scenario_fini(scenario *sc);

/* The one rule for an arm named in a dotted key (arms.SEG.KEY, on the command line or
 * in a sweep): the index of the arm called SEG (its LEN bytes) among NAMES (NULL
 * entries: arms without a usable name), or -1. A name wins over an index: an arm may
 * be called "2". scenario_arm_is_index says whether SEG reads as a list index instead;
 * scenario_arm_list writes "a, b, c" (at most SIZE bytes) for the error that names
 * the arms when SEG is neither. */
long scenario_arm_by_name(const char *const *names, size_t n, const char *seg, size_t len);
int scenario_arm_is_index(const char *seg, size_t len);
void scenario_arm_list(const char *const *names, size_t n, char *out, size_t size);

/* REL read relative to the directory of FILE (a scenario, sweep or calibration file),
 * or REL itself when absolute: a newly allocated string, NULL when out of memory. */
char *scenario_resolve_path(const char *file, const char *rel);

/* Name of a choice of an ENUM key, e.g. scenario_choice_name("intervention", "type", 2)
 * == "bfr_walking"; NULL when out of range. */
const char *scenario_choice_name(const char *section, const char *key, int index);

/* Write the effective parameters (every model parameter and every scalar scenario key,
 * after overrides) as YAML to out; used for provenance and `msksim params`. */
void scenario_write_effective(const scenario *sc, FILE *out);

#endif
