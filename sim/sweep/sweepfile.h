/* sweepfile.h — a sweep file: a base scenario, the parameters varied, a design and the
 * outcomes recorded at every point.
 *
 * A sweep file (YAML, keys in sweepfile.def, reference in docs/sweep-format.md) is read
 * by sweepfile_load into the plain struct below, checked against the table through
 * the one loader (schema.h): every key, every name, every dotted path (`arms.NAME.`
 * becomes `arms.INDEX.` of the base scenario), and the base scenario itself with the
 * `set:` entries applied. A value the base scenario refuses is reported at the sweep
 * file's FILE:LINE:COL. The design, the points and the tasks are built on top of this
 * (sweepdesign.h, sweeptask.h); sweep.h puts them together. */
#ifndef MSK_SWEEPFILE_H
#define MSK_SWEEPFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "design.h"
#include "scenario.h"
#include "sweepvar.h"

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
    int index;             /* into KEY_*, EVC_*, OV_* or PREV_* (sweepvar.h) */
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
    /* A sweep built by a caller may compute its n_outcomes values of a run itself
     * (the parameter draws: drawplan.h); NULL: from `outcomes`. */
    void (*task_values)(const engine_result *r, double *values);
} sweep;

#undef SWEEP_KEY

/* Is PATH a sweep file (a YAML mapping with a top-level `sweep:` key)? Returns 1, 0,
 * or -1 when it cannot be read or parsed (the scenario loader then says why). */
int sweep_file_detect(const char *path);

/* Read PATH, apply the --set overrides (dotted paths into the sweep file, e.g.
 * design.samples=128), check every key, resolve the paths against the base scenario,
 * and load the base scenario with the `set:` entries (base_*, n_arms, the outcomes'
 * arms and long names). Every problem goes to *diags. Returns MSK_OK, MSK_EDATA,
 * MSK_ENOINPUT, MSK_EUSAGE (malformed --set) or MSK_ENOMEM; on failure *sw holds
 * nothing to free. The design is not built (sweepdesign.h). */
msk_status sweepfile_load(sweep *sw, const char *path, const char *const *overrides,
                          size_t n_overrides, diag_list *diags);

/* Free what the loading built (the design and values included); accepts a zeroed struct. */
void sweep_fini(sweep *sw);

/* The tables of the sweep-file keys as Markdown, one per section. */
void sweepfile_write_reference(FILE *out);

#endif
