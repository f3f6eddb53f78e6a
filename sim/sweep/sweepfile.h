/* sweepfile.h — a parameter sweep: a base scenario, the parameters varied, a design and
 * the outcomes recorded at every point.
 *
 * A sweep file (YAML, keys in sweep.def, reference in docs/sweep-format.md) is loaded
 * and validated by sweep_load. Every point is an ordinary scenario: the base scenario
 * file with the sweep's `set:` overrides and the point's parameter values applied
 * through the scenario loader's --set mechanism (yamltree_set), so each point is
 * validated exactly like `msksim run --set ...`, and a value the scenario refuses is
 * reported at the sweep file's FILE:LINE:COL. sweep_load checks every point before
 * anything runs.
 *
 * A task is one replicate of one point (task = point * replicates + replicate). Its
 * outcomes are a pure function of the sweep file, the base scenario and the task
 * index: the seed of replicate r is the base scenario's seed for r = 0 and a hash of
 * (seed, r) — with `seeds: independent`, of (seed, point, r) — otherwise. That is
 * what makes a sweep give the same numbers on any number of ranks, threads or
 * interruptions (sweeprun.h). */
#ifndef MSK_SWEEPFILE_H
#define MSK_SWEEPFILE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "design.h"
#include "engine.h"
#include "scenario.h"

/* Where a value came from: the sweep file or "<command line>" (then line = the
 * position of the --set argument). */
typedef struct {
    const char *file; /* the sweep's source_path or yamltree_cmdline_file; not owned */
    int line, col;
} sweep_loc;

typedef struct {
    char **items;
    sweep_loc *at;
    size_t count;
} sweep_strings;

typedef struct {
    double *items;
    size_t count;
} sweep_numbers;

/* C types of the table's kinds; LIST and SECTION rows have no field of their own. */
#define SWEEP_DECL_REAL(k) double k;
#define SWEEP_DECL_INT(k) long long k;
#define SWEEP_DECL_BOOL(k) int k;
#define SWEEP_DECL_STRING(k) char *k;
#define SWEEP_DECL_ENUM(k) int k;
#define SWEEP_DECL_PATHS(k) sweep_strings k;
#define SWEEP_DECL_NUMBERS(k) sweep_numbers k;
#define SWEEP_DECL_SETTINGS(k) sweep_strings k;
#define SWEEP_DECL_LIST(k)
#define SWEEP_DECL_SECTION(k)
#define SWEEP_KEY(section, key, kind, ...) SWEEP_WANT_##section(key, kind)

typedef enum { SWEEP_SCALE_LINEAR, SWEEP_SCALE_LOG } sweep_scale;
typedef enum { SWEEP_SEEDS_COMMON, SWEEP_SEEDS_INDEPENDENT } sweep_seeds;

typedef struct {
#define SWEEP_WANT_top(k, t)
#define SWEEP_WANT_parameter(k, t) SWEEP_DECL_##t(k)
#define SWEEP_WANT_design(k, t)
#define SWEEP_WANT_outcome(k, t)
#include "sweepfile.def"
#undef SWEEP_WANT_top
#undef SWEEP_WANT_parameter
#undef SWEEP_WANT_design
#undef SWEEP_WANT_outcome
    sweep_loc at;
    char *resolved_unit; /* unit, or the table's, or "1" */
} sweep_param;

typedef struct {
#define SWEEP_WANT_top(k, t)
#define SWEEP_WANT_parameter(k, t)
#define SWEEP_WANT_design(k, t) SWEEP_DECL_##t(k)
#define SWEEP_WANT_outcome(k, t)
#include "sweepfile.def"
#undef SWEEP_WANT_top
#undef SWEEP_WANT_parameter
#undef SWEEP_WANT_design
#undef SWEEP_WANT_outcome
    sweep_loc at;
} sweep_design_spec;

/* What an outcome variable measures (names in sweep_outcome_variables). */
typedef enum {
    SWEEP_OUT_CHANGE_PCT,       /* KEY_*: mean % change baseline -> end, survivors */
    SWEEP_OUT_CHANGE_PCT_DIFF,  /* KEY_*: paired difference vs the reference arm */
    SWEEP_OUT_RATE,             /* EVC_*: events per 1000 person-years */
    SWEEP_OUT_RATE_DIFF,        /* EVC_*: paired difference vs the reference arm */
    SWEEP_OUT_MEAN_END,         /* OV_*: mean at the end */
    SWEEP_OUT_PREVALENCE_END,   /* PREV_*: share of the living at the end */
    SWEEP_OUT_INCIDENCE_END     /* EVC_*: share of people with >= 1 event by the end */
} sweep_outcome_kind;

typedef struct {
#define SWEEP_WANT_top(k, t)
#define SWEEP_WANT_parameter(k, t)
#define SWEEP_WANT_design(k, t)
#define SWEEP_WANT_outcome(k, t) SWEEP_DECL_##t(k)
#include "sweepfile.def"
#undef SWEEP_WANT_top
#undef SWEEP_WANT_parameter
#undef SWEEP_WANT_design
#undef SWEEP_WANT_outcome
    sweep_loc at;
    size_t arm_index;
    sweep_outcome_kind kind;
    int index;             /* into KEY_*, EVC_*, OV_* or PREV_* */
    const char *units;     /* static */
    char *long_name;
} sweep_outcome;

typedef struct {
#define SWEEP_WANT_top(k, t) SWEEP_DECL_##t(k)
#define SWEEP_WANT_parameter(k, t)
#define SWEEP_WANT_design(k, t)
#define SWEEP_WANT_outcome(k, t)
#include "sweepfile.def"
#undef SWEEP_WANT_top
#undef SWEEP_WANT_parameter
#undef SWEEP_WANT_design
#undef SWEEP_WANT_outcome
    sweep_param *params;
    size_t n_params;
    sweep_outcome *outcomes;
    size_t n_outcomes;
    sweep_design_spec spec;

    /* Provenance. */
    char *source_path, *source_text;
    char *overrides;        /* --set arguments on the sweep, one per line */
    char *base_path;        /* base resolved against the sweep file's directory */
    char *base_text;        /* the base scenario file as read */
    char *base_effective;   /* effective base scenario (YAML), `set:` applied */

    /* The points. */
    unsigned long long base_seed;
    size_t n_arms;          /* of the base scenario */
    size_t n_points, n_tasks;
    design design;
    double *values;         /* [n_points][n_params] parameter values */
    uint64_t key;           /* hash of everything the results depend on */
} sweep;

#undef SWEEP_KEY

/* Is PATH a sweep file (a YAML mapping with a top-level `sweep:` key)? Returns 1, 0,
 * or -1 when it cannot be read or parsed (the scenario loader then says why). */
int sweep_file_detect(const char *path);

/* Load PATH, apply the --set overrides (dotted paths into the sweep file, e.g.
 * design.samples=128), validate the file, load the base scenario, build the design
 * and check every point's scenario. All problems go to *diags. Returns MSK_OK,
 * MSK_EDATA, MSK_ENOINPUT, MSK_EUSAGE (malformed --set) or MSK_ENOMEM; on failure *sw
 * holds nothing to free. check_points = 0 skips the per-point check (worker ranks,
 * whose rank 0 has done it). */
msk_status sweep_load(sweep *sw, const char *path, const char *const *overrides,
                      size_t n_overrides, int check_points, diag_list *diags);
void sweep_fini(sweep *sw);

/* The --set style overrides of task t (n strings "path=value", caller frees with
 * sweep_free_overrides). Returns NULL when out of memory. */
char **sweep_task_overrides(const sweep *sw, size_t task, size_t *n);
void sweep_free_overrides(char **ov, size_t n);

/* Seed of the scenario for task t. */
unsigned long long sweep_task_seed(const sweep *sw, size_t task);

/* Run task t: load its scenario, simulate it with `threads` threads (no progress bar),
 * and store its n_outcomes outcomes in values. `stop` as in engine.h. Returns MSK_OK,
 * MSK_EINTERRUPTED, or an error with diagnostics located in the sweep file. */
msk_status sweep_run_task(const sweep *sw, size_t task, int threads, volatile sig_atomic_t *stop,
                          double *values, diag_list *diags);

/* Value of outcome o in a finished run (NaN when undefined, e.g. nobody alive). */
double sweep_outcome_value(const sweep_outcome *o, const engine_result *r);

/* Print the reference of the sweep-file format as Markdown (docs/sweep-format.md). */
void sweep_write_reference(FILE *out);

#endif
