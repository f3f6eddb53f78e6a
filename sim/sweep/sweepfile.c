/* sweepfile.c — read and check a sweep file and its base scenario (sweepfile.h).
 *
 * The file is read into a located tree (yamltree) and walked against the rows of
 * sweepfile.def through the one loader (schema.h), like scenario.c walks a scenario.
 * What no table can say is checked here: names, ranges against levels, dotted paths
 * against the base scenario's arms, and the base scenario itself with `set:` applied,
 * whose diagnostics are moved back to the place in the sweep file they came from. */
#include "sweepfile.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "schema.h"
#include "yamltree.h"

/* ---- The table ------------------------------------------------------------------- */

typedef enum { SEC_top, SEC_parameter, SEC_design, SEC_outcome, SEC_COUNT } section_id;

static schema_parse_fn parse_paths, parse_numbers, parse_settings;

#define STRUCT_top sweep
#define STRUCT_parameter sweep_param
#define STRUCT_design sweep_design_spec
#define STRUCT_outcome sweep_outcome
#define AT(s, k) .offset = offsetof(STRUCT_##s, k)
#define NEED(d) .need = (d) ? SCHEMA_REQUIRED : SCHEMA_OPTIONAL
#define ROW_REAL(s, k, d, lo, hi, ch) .kind = SCHEMA_REAL, .def = (d), .min = lo, .max = hi, AT(s, k)
#define ROW_INT(s, k, d, lo, hi, ch) .kind = SCHEMA_INT, .def = (d), .min = lo, .max = hi, AT(s, k)
#define ROW_BOOL(s, k, d, lo, hi, ch) .kind = SCHEMA_BOOL, .def = (d), AT(s, k)
#define ROW_STRING(s, k, d, lo, hi, ch) .kind = SCHEMA_STRING, .def_text = (d), AT(s, k)
#define ROW_ENUM(s, k, d, lo, hi, ch) .kind = SCHEMA_ENUM, .def = (d), .choices = ch, AT(s, k)
#define ROW_PATHS(s, k, d, lo, hi, ch)                                                         \
    .kind = SCHEMA_CUSTOM, .parse = parse_paths, .type = "path or list of paths", NEED(d), AT(s, k)
#define ROW_NUMBERS(s, k, d, lo, hi, ch)                                                       \
    .kind = SCHEMA_CUSTOM, .parse = parse_numbers, .type = "list of numbers", NEED(d), AT(s, k)
#define ROW_SETTINGS(s, k, d, lo, hi, ch)                                                      \
    .kind = SCHEMA_CUSTOM, .parse = parse_settings, .type = "mapping path: value", NEED(d), AT(s, k)
#define ROW_LIST(s, k, d, lo, hi, ch) .kind = SCHEMA_NODE, .type = "list", NEED(d)
#define ROW_SECTION(s, k, d, lo, hi, ch) .kind = SCHEMA_NODE, .type = "mapping", NEED(d)

static const schema_field keys[] = {
#define SWEEP_KEY(section, key_, kind_, def_, lo, hi, choices_, help_)                         \
    {.key = #key_, .help = help_, ROW_##kind_(section, key_, def_, lo, hi, choices_)},
#include "sweepfile.def"
#undef SWEEP_KEY
};
enum { N_KEYS = sizeof keys / sizeof keys[0] };

static const unsigned char key_section[] = {
#define SWEEP_KEY(section, ...) SEC_##section,
#include "sweepfile.def"
#undef SWEEP_KEY
};

/* K_section_key: a row, for the checks that look at one key. */
enum {
#define SWEEP_KEY(section, key, ...) K_##section##_##key,
#include "sweepfile.def"
#undef SWEEP_KEY
};

static int load_section(schema_ctx *c, section_id sec, const yamltree_node *map, void *base,
                        const schema_map *m, const yamltree_node **given)
{
    return schema_load_section(c, keys, key_section, N_KEYS, sec, map, base, m, given);
}

/* Variable names of the result file that parameter and outcome names must not take. */
static const char *const reserved_names[] = {
    "point", "parameter", "outcome", "replicate", "document", "parameter_value", "parameter_path",
    "parameter_unit", "parameter_lower", "parameter_upper", "design_coordinate", "outcome_value",
    "outcome_unit", "outcome_replicates", "task_seed", "design_role", "design_column",
    "design_group", NULL};

static int is_reserved(const char *s)
{
    for (const char *const *r = reserved_names; *r; r++)
        if (strcmp(*r, s) == 0)
            return 1;
    return 0;
}

/* ---- Values of the sweep's own kinds ------------------------------------------------ */

/* Where node N came from, kept past the tree's lifetime: the sweep's source_path (the
 * loading context's user) or "<command line>". */
static sweep_loc loc_of(const schema_ctx *c, const yamltree_node *n)
{
    const sweep *sw = c->user;
    sweep_loc at = {sw->source_path, 0, 0};
    if (n) {
        at.file = n->file == yamltree_cmdline_file ? yamltree_cmdline_file : sw->source_path;
        at.line = n->line;
        at.col = n->col;
    }
    return at;
}

static char *xstrdup(schema_ctx *c, const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d)
        c->nomem = 1;
    return d;
}

static int is_scalar(const yamltree_node *n)
{
    return n->kind == YAMLTREE_SCALAR && !yamltree_is_null(n);
}

static void strings_free(sweep_strings *s)
{
    for (size_t i = 0; s->items && i < s->count; i++)
        free(s->items[i]);
    free(s->items);
    free(s->at);
    memset(s, 0, sizeof *s);
}

static int strings_alloc(schema_ctx *c, sweep_strings *s, size_t n)
{
    s->items = calloc(n ? n : 1, sizeof *s->items);
    s->at = calloc(n ? n : 1, sizeof *s->at);
    if (!s->items || !s->at) {
        c->nomem = 1;
        strings_free(s);
        return 0;
    }
    s->count = n;
    return 1;
}

/* PATHS: one dotted scenario path or a list of them. */
static int parse_paths(schema_ctx *c, const schema_field *f, const yamltree_node *v, void *slot,
                       const char *path)
{
    (void)f;
    sweep_strings *s = slot;
    strings_free(s);
    const size_t n = v->kind == YAMLTREE_SEQUENCE ? v->count : 1;
    if (n == 0) {
        schema_error(c, v, path, "expected at least one dotted path");
        return 0;
    }
    if (!strings_alloc(c, s, n))
        return 0;
    int ok = 1;
    for (size_t i = 0; i < n; i++) {
        const yamltree_node *item = v->kind == YAMLTREE_SEQUENCE ? v->items[i] : v;
        s->at[i] = loc_of(c, item);
        if (!is_scalar(item)) {
            schema_error(c, item, path, "expected a dotted path such as population.size, found %s",
                         yamltree_is_null(item) ? "nothing" : yamltree_kind_name(item->kind));
            s->items[i] = xstrdup(c, "");
            ok = 0;
            continue;
        }
        s->items[i] = xstrdup(c, item->text);
    }
    return ok;
}

/* NUMBERS: a non-empty list of finite numbers, each read like a REAL key. */
static int parse_numbers(schema_ctx *c, const schema_field *f, const yamltree_node *v, void *slot,
                         const char *path)
{
    (void)f;
    static const schema_field number = {.key = "", .kind = SCHEMA_REAL, .min = -HUGE_VAL,
                                        .max = HUGE_VAL};
    sweep_numbers *s = slot;
    free(s->items);
    s->items = NULL;
    s->count = 0;
    if (v->kind != YAMLTREE_SEQUENCE || v->count == 0) {
        schema_error(c, v, path, "expected a list of numbers such as [0.5, 1.5], found %s",
                     v->kind == YAMLTREE_SEQUENCE ? "an empty list" : yamltree_kind_name(v->kind));
        return 0;
    }
    s->items = malloc(v->count * sizeof *s->items);
    if (!s->items) {
        c->nomem = 1;
        return 0;
    }
    int ok = 1;
    for (size_t i = 0; i < v->count; i++) {
        char ipath[240];
        snprintf(ipath, sizeof ipath, "%.200s[%zu]", path, i);
        ok &= schema_parse(c, &number, v->items[i], &s->items[i], ipath);
    }
    if (ok)
        s->count = v->count;
    return ok;
}

/* A scalar written back as a --set value: quoted text stays text ("'50'" is a string). */
static char *setting_text(schema_ctx *c, const char *key, const yamltree_node *v)
{
    size_t len = strlen(key) + 2 * v->length + 8;
    char *s = malloc(len);
    if (!s) {
        c->nomem = 1;
        return NULL;
    }
    size_t o = (size_t)snprintf(s, len, "%s=", key);
    if (!v->quoted) {
        snprintf(s + o, len - o, "%s", v->text);
        return s;
    }
    s[o++] = '\'';
    for (const char *q = v->text; *q; q++) {
        if (*q == '\'')
            s[o++] = '\'';
        s[o++] = *q;
    }
    s[o++] = '\'';
    s[o] = '\0';
    return s;
}

/* `set:` entries, flattened: `population: {size: 5}` and `population.size: 5` both give
 * "population.size=5". */
static void add_settings(schema_ctx *c, sweep_strings *s, const yamltree_node *map,
                         const char *prefix, const char *ypath)
{
    char t[SCHEMA_SHOW_SIZE];
    for (size_t i = 0; i < map->count && !c->nomem; i++) {
        const yamltree_node *key = map->pairs[i].key, *val = map->pairs[i].value;
        char full[400], kpath[480];
        snprintf(full, sizeof full, "%s%s%s", prefix, prefix[0] ? "." : "", key->text);
        snprintf(kpath, sizeof kpath, "%.200s.%s", ypath, schema_show(full, t));
        if (val->kind == YAMLTREE_MAPPING && val->count) {
            add_settings(c, s, val, full, ypath);
            continue;
        }
        if (!is_scalar(val)) {
            schema_error(c, val, kpath,
                         "expected a single value, found %s (a sweep sets single values; put "
                         "lists in the base scenario)",
                         yamltree_is_null(val) ? "nothing" : yamltree_kind_name(val->kind));
            continue;
        }
        char **items = realloc(s->items, (s->count + 1) * sizeof *items);
        if (items)
            s->items = items;
        sweep_loc *at = realloc(s->at, (s->count + 1) * sizeof *at);
        if (at)
            s->at = at;
        char *text = items && at ? setting_text(c, full, val) : NULL;
        if (!text) {
            c->nomem = 1;
            return;
        }
        s->items[s->count] = text;
        s->at[s->count++] = loc_of(c, key);
    }
}

/* SETTINGS: a mapping of dotted scenario paths to values, like --set. */
static int parse_settings(schema_ctx *c, const schema_field *f, const yamltree_node *v,
                          void *slot, const char *path)
{
    (void)f;
    sweep_strings *s = slot;
    strings_free(s);
    if (yamltree_is_null(v))
        return 1;
    if (v->kind != YAMLTREE_MAPPING) {
        schema_error(c, v, path,
                     "expected a mapping of dotted paths to values (population.size: 500), found %s",
                     yamltree_kind_name(v->kind));
        return 0;
    }
    add_settings(c, s, v, "", path);
    return 1;
}

/* ---- Parameters and outcomes ------------------------------------------------------- */

/* The name of parameter I: a variable name, not reserved, not used before. */
static void check_param_name(schema_ctx *c, const sweep *sw, size_t i, const yamltree_node *at,
                             const char *path)
{
    const sweep_param *p = &sw->params[i];
    char t[SCHEMA_SHOW_SIZE];
    if (!p->name)
        return;
    if (!schema_is_var_name(p->name))
        schema_error(c, at, path, "parameter name '%s' is not valid: %s", schema_show(p->name, t),
                     SCHEMA_VAR_NAME_RULE);
    else if (is_reserved(p->name))
        schema_error(c, at, path,
                     "'%s' is a reserved variable name of the result file; choose another",
                     p->name);
    for (size_t j = 0; j < i; j++)
        if (sw->params[j].name && strcmp(sw->params[j].name, p->name) == 0)
            schema_error(c, at, path, "parameter name '%s' is used twice (first by parameters[%zu])",
                         p->name, j);
}

/* Range or levels, the scale and the steps of parameter P (ITEM, at PATH). */
static void check_param_values(schema_ctx *c, sweep_param *p, const yamltree_node *item,
                               const char *path, const yamltree_node **given)
{
    const yamltree_node *range = given[K_parameter_range], *levels = given[K_parameter_levels];
    if (range && levels)
        schema_error(c, levels, path, "give either range or levels, not both");
    else if (!range && !levels)
        schema_error(c, item, path, "missing range: [lower, upper] or levels: [...]");
    if (range && p->range.count && p->range.count != 2) {
        schema_error(c, range, path, "range needs exactly two numbers [lower, upper], found %zu",
                     p->range.count);
        p->range.count = 0;
    } else if (range && p->range.count == 2 && !(p->range.items[0] < p->range.items[1])) {
        schema_error(c, range, path, "range: the lower bound must be below the upper bound");
        p->range.count = 0;
    }
    if (p->scale == SWEEP_SCALE_LOG && levels)
        schema_error(c, given[K_parameter_scale], path, "scale: log applies to a range, not to levels");
    if (p->scale == SWEEP_SCALE_LOG && p->range.count == 2 && !(p->range.items[0] > 0))
        schema_error(c, given[K_parameter_scale], path, "scale: log needs a positive lower bound");
    if (given[K_parameter_steps] && !range)
        schema_error(c, given[K_parameter_steps], path,
                     "steps applies to a range (levels lists the values)");
    if (p->integer && levels)
        for (size_t j = 0; j < p->levels.count; j++)
            if (p->levels.items[j] != nearbyint(p->levels.items[j]))
                schema_error(c, levels->items[j], path,
                             "integer: true, but level %g is not a whole number", p->levels.items[j]);
}

/* A list under KEY: absent is reported as missing; otherwise a non-empty list, of which
 * *OUT receives COUNT zeroed items of SIZE bytes. Returns the number of items. */
static size_t alloc_list(schema_ctx *c, const yamltree_node *seq, const char *key,
                         const char *what, size_t size, void **out)
{
    *out = NULL;
    if (!seq)
        return 0;
    if (seq->kind != YAMLTREE_SEQUENCE || seq->count == 0) {
        schema_error(c, seq, key, "expected a list of %s, found %s", what,
                     seq->kind == YAMLTREE_SEQUENCE ? "an empty list" : yamltree_kind_name(seq->kind));
        return 0;
    }
    if (!(*out = calloc(seq->count, size))) {
        c->nomem = 1;
        return 0;
    }
    return seq->count;
}

static void load_parameters(schema_ctx *c, sweep *sw, const yamltree_node *seq)
{
    void *items;
    sw->n_params = alloc_list(c, seq, "parameters", "parameters ('- name: ...' items)",
                              sizeof *sw->params, &items);
    sw->params = items;
    for (size_t i = 0; i < sw->n_params; i++) {
        sweep_param *p = &sw->params[i];
        const yamltree_node *item = seq->items[i], *given[N_KEYS] = {0};
        char path[64];
        snprintf(path, sizeof path, "parameters[%zu]", i);
        p->at = loc_of(c, item);
        const schema_map m = {.path = path, .owner = seq};
        load_section(c, SEC_parameter, item, p, &m, given);
        if (item->kind != YAMLTREE_MAPPING)
            continue;
        check_param_name(c, sw, i, given[K_parameter_name], path);
        check_param_values(c, p, item, path, given);
    }
}

/* The variable and the name of outcome I (ITEM, at PATH). */
static void check_outcome(schema_ctx *c, sweep *sw, size_t i, const yamltree_node *item,
                          const char *path, const yamltree_node **given)
{
    sweep_outcome *o = &sw->outcomes[i];
    char t[SCHEMA_SHOW_SIZE];
    if (o->variable && !sweepvar_lookup(o->variable, &o->kind, &o->index, &o->units)) {
        schema_error(c, given[K_outcome_variable], path,
                     "unknown outcome variable '%s'; `msksim sweep --format` and "
                     "docs/sweep-format.md list them (e.g. "
                     "knee_extension_strength_change_pct_difference, falls_per_1000py)",
                     schema_show(o->variable, t));
        free(o->variable);
        o->variable = NULL;
    }
    if (o->arm && o->variable && (!o->name || !o->name[0])) {
        size_t len = strlen(o->arm) + strlen(o->variable) + 2;
        free(o->name);
        if (!(o->name = malloc(len))) {
            c->nomem = 1;
            return;
        }
        snprintf(o->name, len, "%s_%s", o->arm, o->variable);
        for (char *s = o->name; *s; s++)
            if (*s == '-')
                *s = '_';
        if (!schema_is_var_name(o->name))
            schema_error(c, item, path,
                         "the default name '%s' is not a valid variable name; give one with name:",
                         schema_show(o->name, t));
    } else if (o->name && o->name[0] && !schema_is_var_name(o->name)) {
        schema_error(c, given[K_outcome_name], path, "outcome name '%s' is not valid: %s",
                     schema_show(o->name, t), SCHEMA_VAR_NAME_RULE);
    }
    if (o->name && is_reserved(o->name))
        schema_error(c, item, path,
                     "'%s' is a reserved variable name of the result file; choose another", o->name);
    for (size_t j = 0; o->name && j < i; j++)
        if (sw->outcomes[j].name && strcmp(sw->outcomes[j].name, o->name) == 0)
            schema_error(c, item, path, "outcome name '%s' is used twice (first by outcomes[%zu])",
                         o->name, j);
    for (size_t j = 0; o->name && j < sw->n_params; j++)
        if (sw->params[j].name && strcmp(sw->params[j].name, o->name) == 0)
            schema_error(c, item, path, "outcome name '%s' is also a parameter name", o->name);
}

static void load_outcomes(schema_ctx *c, sweep *sw, const yamltree_node *seq)
{
    void *items;
    sw->n_outcomes = alloc_list(c, seq, "outcomes", "outcomes ('- arm: ...' items)",
                                sizeof *sw->outcomes, &items);
    sw->outcomes = items;
    for (size_t i = 0; i < sw->n_outcomes; i++) {
        const yamltree_node *item = seq->items[i], *given[N_KEYS] = {0};
        char path[64];
        snprintf(path, sizeof path, "outcomes[%zu]", i);
        sw->outcomes[i].at = loc_of(c, item);
        const schema_map m = {.path = path, .owner = seq};
        load_section(c, SEC_outcome, item, &sw->outcomes[i], &m, given);
        check_outcome(c, sw, i, item, path, given);
    }
}

/* ---- The base scenario and the paths into it ------------------------------------- */

/* The base scenario must be a regular file that opens: a FIFO would make `check` wait
 * for a writer, a device would be read up to the size limit, and an unreadable file
 * would otherwise surface first as arm names missing from the paths. Returns 0 after a
 * diagnostic at `base:`. */
static int base_readable(schema_ctx *c, const yamltree_node *base_node, const char *file)
{
    struct stat info;
    const char *why = NULL;
    if (stat(file, &info) != 0)
        why = strerror(errno);
    else if (S_ISDIR(info.st_mode))
        why = "a directory, not a regular file";
    else if (S_ISFIFO(info.st_mode))
        why = "a FIFO (named pipe), not a regular file";
    else if (S_ISCHR(info.st_mode) || S_ISBLK(info.st_mode))
        why = "a device, not a regular file";
    else if (!S_ISREG(info.st_mode))
        why = "not a regular file";
    if (!why) {
        FILE *f = fopen(file, "r"); /* a regular file: opening it cannot block */
        if (f)
            fclose(f);
        else
            why = strerror(errno);
    }
    if (why)
        schema_error(c, base_node, "base", "cannot read the base scenario '%s': %s", file, why);
    return why == NULL;
}

/* Arm names of the base scenario file in list order (read raw, so that paths can name
 * arms before the scenario is validated). */
typedef struct {
    char **names;
    size_t count;
} arm_names;

static void arm_names_fini(arm_names *a)
{
    for (size_t i = 0; a->names && i < a->count; i++)
        free(a->names[i]);
    free(a->names);
    memset(a, 0, sizeof *a);
}

static void arm_names_read(schema_ctx *c, const char *base_path, arm_names *out)
{
    memset(out, 0, sizeof *out);
    yamltree t;
    yamltree_init(&t);
    diag_list quiet;
    diag_list_init(&quiet);
    yamltree_parse_file(&t, base_path, NULL, &quiet); /* its errors come with the real load */
    diag_list_fini(&quiet);
    const yamltree_node *arms = t.root ? yamltree_get(t.root, "arms") : NULL;
    if (arms && arms->kind == YAMLTREE_SEQUENCE && arms->count) {
        out->names = calloc(arms->count, sizeof *out->names);
        if (!out->names)
            c->nomem = 1;
        for (size_t i = 0; out->names && i < arms->count; i++) {
            const yamltree_node *name = yamltree_get(arms->items[i], "name");
            out->names[i] = xstrdup(c, name && is_scalar(name) ? name->text : "");
        }
        out->count = out->names ? arms->count : 0;
    }
    yamltree_fini(&t);
}

/* Check a dotted path and replace `arms.NAME.` by `arms.INDEX.` (a name first, then an
 * index). Returns 0 after a diagnostic. */
static int resolve_path(schema_ctx *c, char **path, sweep_loc at, const char *ypath, const arm_names *arms)
{
    const char *s = *path;
    char t[SCHEMA_SHOW_SIZE];
    if (!*s || strchr(s, '=') || strchr(s, ' ') || s[0] == '.' || s[strlen(s) - 1] == '.' || strstr(s, "..")) {
        schema_report_at(c, DIAG_ERROR, at.file, at.line, at.col, ypath,
                  "'%s' is not a dotted path (keys separated by '.', list items by their index, "
                  "e.g. arms.1.interventions.0.adherence)", schema_show(s, t));
        return 0;
    }
    if (strncmp(s, "arms.", 5) != 0)
        return 1;
    const char *name = s + 5, *dot = strchr(name, '.');
    size_t len = dot ? (size_t)(dot - name) : strlen(name);
    /* scenario_arm_by_name: a name wins over an index (read as an index, `arms.2.` once
     * varied another arm than the one called "2"). */
    long i = scenario_arm_by_name((const char *const *)arms->names, arms->count, name, len);
    if (i >= 0) {
        size_t size = strlen(s) + 24;
        char *r = malloc(size);
        if (!r) {
            c->nomem = 1;
            return 0;
        }
        snprintf(r, size, "arms.%ld%s", i, dot ? dot : "");
        free(*path);
        *path = r;
        return 1;
    }
    if (scenario_arm_is_index(name, len))
        return 1;
    char list[400];
    scenario_arm_list((const char *const *)arms->names, arms->count, list, sizeof list);
    schema_report_at(c, DIAG_ERROR, at.file, at.line, at.col, ypath, "the base scenario has no arm named '%.*s'; its arms are: %s",
              (int)(len > 60 ? 60 : len), name, list);
    return 0;
}

/* The `set:` key of entry I, checked and with `arms.NAME.` resolved. */
static void resolve_setting(schema_ctx *c, sweep *sw, size_t i, const arm_names *arms)
{
    char *eq = strchr(sw->set.items[i], '=');
    char *key = strndup(sw->set.items[i], (size_t)(eq - sw->set.items[i]));
    if (!key) {
        c->nomem = 1;
        return;
    }
    if (resolve_path(c, &key, sw->set.at[i], "set", arms)) {
        size_t len = strlen(key) + strlen(eq) + 1;
        char *full = malloc(len);
        if (full) {
            snprintf(full, len, "%s%s", key, eq);
            free(sw->set.items[i]);
            sw->set.items[i] = full;
        } else {
            c->nomem = 1;
        }
    }
    free(key);
}

/* Keys that cannot vary per point: the sweep sets the seed of every run itself (from the
 * base seed and the point), runs each point `replicates:` times (the sweep's own key), and
 * names the result after the sweep. A parameter on one of them would pass and have no
 * effect. */
static void refuse_fixed_key(schema_ctx *c, const char *path, sweep_loc at, const char *ypath)
{
    static const char *const fixed[] = {"seed", "replicates", "name"};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (strcmp(path, fixed[i]) == 0)
            schema_report_at(c, DIAG_ERROR, at.file, at.line, at.col, ypath,
                             "'%s' cannot vary between the points of a sweep (the sweep sets the seed "
                             "of each run and how often it is replicated, and names the result); "
                             "give it under set: or in the base scenario",
                             path);
}

/* Every dotted path of the file (`set:` keys, parameter paths), against the arms of the
 * base scenario. */
static void resolve_paths(schema_ctx *c, sweep *sw)
{
    arm_names arms;
    arm_names_read(c, sw->base_path, &arms);
    for (size_t i = 0; i < sw->set.count && !c->nomem; i++)
        resolve_setting(c, sw, i, &arms);
    for (size_t j = 0; j < sw->n_params; j++)
        for (size_t q = 0; q < sw->params[j].path.count; q++) {
            char ypath[64];
            snprintf(ypath, sizeof ypath, "parameters[%zu].path", j);
            if (resolve_path(c, &sw->params[j].path.items[q], sw->params[j].path.at[q], ypath, &arms))
                refuse_fixed_key(c, sw->params[j].path.items[q], sw->params[j].path.at[q], ypath);
        }
    arm_names_fini(&arms);
}

/* Unit of a parameter: given, the table's for a model parameter, else "1". */
static char *param_unit(const sweep_param *p)
{
    if (p->unit && p->unit[0])
        return strdup(p->unit);
    const char *path = p->path.count ? p->path.items[0] : "";
    for (size_t i = 0; i < model_param_count; i++) {
        char full[160];
        snprintf(full, sizeof full, "model.%s.%s", model_param_table[i].group, model_param_table[i].name);
        if (strcmp(full, path) == 0)
            return strdup(model_param_table[i].unit[0] ? model_param_table[i].unit : "1");
    }
    return strdup("1");
}

/* Diagnostics of loading the base scenario: those a `set:` entry caused are moved to
 * that entry in the sweep file. */
static void move_base_diags(schema_ctx *c, const sweep *sw, const diag_list *tmp)
{
    for (size_t i = 0; i < tmp->count; i++) {
        const diag *g = &tmp->items[i];
        if (strcmp(g->file, yamltree_cmdline_file) == 0 && g->line >= 1 && (size_t)g->line <= sw->set.count) {
            sweep_loc at = sw->set.at[g->line - 1];
            diag_add(c->d, g->severity, at.file, at.line, at.col, "set", "%s%s%s", g->path,
                     g->path[0] ? ": " : "", g->message);
        } else {
            diag_add(c->d, g->severity, g->file, g->line, g->col, g->path, "%s", g->message);
        }
    }
}

/* The base scenario as read and as amended by `set:` (the key depends on both). */
static void keep_base_text(schema_ctx *c, sweep *sw, scenario *sc)
{
    sw->base_seed = (unsigned long long)sc->seed;
    sw->n_arms = sc->n_arms;
    sw->base_text = strdup(sc->source_text ? sc->source_text : "");
    /* Without the path: the key must not change with the directory the sweep runs from. */
    char *keep = sc->source_path;
    sc->source_path = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&sw->base_effective, &len);
    if (mem) {
        scenario_write_effective(sc, mem);
        fclose(mem);
    }
    sc->source_path = keep;
    if (!sw->base_text || !sw->base_effective)
        c->nomem = 1;
}

/* Each outcome's arm in the base scenario, and its long name. */
static void find_outcome_arms(schema_ctx *c, sweep *sw, const scenario *sc)
{
    for (size_t i = 0; i < sw->n_outcomes; i++) {
        sweep_outcome *o = &sw->outcomes[i];
        if (!o->arm || !o->variable)
            continue;
        size_t a = 0;
        while (a < sc->n_arms && strcmp(sc->arms[a].name, o->arm) != 0)
            a++;
        char path[64];
        snprintf(path, sizeof path, "outcomes[%zu].arm", i);
        if (a == sc->n_arms) {
            char list[400];
            size_t n = 0;
            for (size_t j = 0; j < sc->n_arms && n < sizeof list; j++)
                n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", j ? ", " : "", sc->arms[j].name);
            schema_report_at(c, DIAG_ERROR, o->at.file, o->at.line, o->at.col, path,
                             "the base scenario has no arm named '%s'; its arms are: %s", o->arm, list);
            continue;
        }
        o->arm_index = a;
        if ((o->kind == SWEEP_OUT_CHANGE_PCT_DIFF || o->kind == SWEEP_OUT_RATE_DIFF) && a == sc->reference)
            schema_report_at(c, DIAG_ERROR, o->at.file, o->at.line, o->at.col, path,
                             "'%s' is the reference arm: a difference against itself is zero; pick "
                             "another arm, or the variable without _difference",
                             o->arm);
        o->long_name = sweepvar_long_name(o->kind, o->index, o->arm, sc->arms[sc->reference].name);
        if (!o->long_name)
            c->nomem = 1;
    }
}

/* Load the base scenario with the `set:` entries: its seed, arms and effective text. */
static void load_base(schema_ctx *c, sweep *sw, const yamltree_node *base_node)
{
    diag_list tmp;
    diag_list_init(&tmp);
    scenario sc;
    msk_status st = scenario_load(&sc, sw->base_path, (const char *const *)sw->set.items, sw->set.count, &tmp);
    move_base_diags(c, sw, &tmp);
    diag_list_fini(&tmp);
    if (st == MSK_ENOINPUT)
        schema_error(c, base_node, "base", "cannot read the base scenario '%s'", sw->base_path);
    if (st == MSK_ENOMEM)
        c->nomem = 1;
    if (st != MSK_OK)
        return;
    keep_base_text(c, sw, &sc);
    find_outcome_arms(c, sw, &sc);
    scenario_fini(&sc);
}

/* ---- The file ---------------------------------------------------------------------- */

static void free_param(sweep_param *p)
{
    free(p->name);
    strings_free(&p->path);
    free(p->range.items);
    free(p->levels.items);
    free(p->unit);
    free(p->description);
    free(p->resolved_unit);
}

void sweep_fini(sweep *sw)
{
    if (!sw)
        return;
    free(sw->sweep);
    free(sw->description);
    free(sw->base);
    strings_free(&sw->set);
    for (size_t i = 0; sw->params && i < sw->n_params; i++)
        free_param(&sw->params[i]);
    free(sw->params);
    for (size_t i = 0; sw->outcomes && i < sw->n_outcomes; i++) {
        free(sw->outcomes[i].arm);
        free(sw->outcomes[i].variable);
        free(sw->outcomes[i].name);
        free(sw->outcomes[i].long_name);
    }
    free(sw->outcomes);
    free(sw->source_path);
    free(sw->source_text);
    free(sw->overrides);
    free(sw->base_path);
    free(sw->base_text);
    free(sw->base_effective);
    design_fini(&sw->design);
    free(sw->values);
    memset(sw, 0, sizeof *sw);
}

int sweep_file_detect(const char *path)
{
    yamltree t;
    yamltree_init(&t);
    diag_list quiet;
    diag_list_init(&quiet);
    msk_status st = yamltree_parse_file(&t, path, NULL, &quiet);
    diag_list_fini(&quiet);
    int r = (st == MSK_OK || st == MSK_EDATA) && t.root ? yamltree_get(t.root, "sweep") != NULL : -1;
    /* An empty document is "not a sweep"; a syntax error (no tree) is -1, so the
     * caller's loader reports it with its location. */
    if (st == MSK_OK && !t.root)
        r = 0;
    yamltree_fini(&t);
    return r;
}

/* The keys of the file, section by section, and the rules between them. GIVEN (N_KEYS)
 * receives the value nodes. */
static void read_tree(schema_ctx *c, sweep *sw, const yamltree_node *root,
                      const yamltree_node **given)
{
    char t[SCHEMA_SHOW_SIZE];
    if (root->kind != YAMLTREE_MAPPING) {
        schema_error(c, root, "",
                     "a sweep file is a mapping of keys (sweep:, base:, parameters:, ...), not %s",
                     yamltree_kind_name(root->kind));
        return;
    }
    const schema_map top = {.owner = root};
    load_section(c, SEC_top, root, sw, &top, given);
    if (sw->sweep && !schema_is_name(sw->sweep))
        schema_error(c, given[K_top_sweep], "sweep", "sweep name '%s' is not valid: %s",
                     schema_show(sw->sweep, t), SCHEMA_NAME_RULE);
    load_parameters(c, sw, given[K_top_parameters]);
    const schema_map dm = {.path = "design", .owner = root};
    load_section(c, SEC_design, given[K_top_design], &sw->spec, &dm, given);
    sw->spec.at = loc_of(c, given[K_top_design] ? given[K_top_design] : root);
    load_outcomes(c, sw, given[K_top_outcomes]);
    if (given[K_design_trajectories] && sw->spec.method != DESIGN_MORRIS)
        schema_warning(c, given[K_design_trajectories], "design.trajectories",
                       "used only by the morris design");
    if (given[K_design_samples] && (sw->spec.method == DESIGN_GRID || sw->spec.method == DESIGN_MORRIS))
        schema_warning(c, given[K_design_samples], "design.samples",
                       "used only by the lhs and saltelli designs");
    for (size_t j = 0; j < sw->n_params; j++) {
        const sweep_param *p = &sw->params[j];
        if (sw->spec.method != DESIGN_GRID && p->levels.count == 1)
            schema_report_at(c, DIAG_ERROR, p->at.file, p->at.line, p->at.col, "levels",
                             "parameters[%zu]: one level does not vary; a %s design needs two or more",
                             j, design_method_name((design_method)sw->spec.method));
    }
}

/* Paths, the base scenario, the units: only for a file that is sound. */
static void read_base(schema_ctx *c, sweep *sw, const char *path, const yamltree_node *base_node)
{
    sw->base_path = scenario_resolve_path(path, sw->base);
    if (!sw->base_path) {
        c->nomem = 1;
        return;
    }
    if (base_readable(c, base_node, sw->base_path))
        resolve_paths(c, sw);
    for (size_t j = 0; j < sw->n_params && !c->nomem; j++)
        if (!(sw->params[j].resolved_unit = param_unit(&sw->params[j])))
            c->nomem = 1;
    if (!schema_failed(c))
        load_base(c, sw, base_node);
}

msk_status sweepfile_load(sweep *sw, const char *path, const char *const *overrides,
                          size_t n_overrides, diag_list *diags)
{
    memset(sw, 0, sizeof *sw);
    const size_t errors_before = diags->errors;
    if (schema_check_sets(overrides, n_overrides, "design.samples=128", diags))
        return MSK_EUSAGE;
    yamltree t;
    yamltree_init(&t);
    char *text = NULL;
    msk_status st = yamltree_parse_file(&t, path, &text, diags);
    if (st == MSK_ENOINPUT || st == MSK_ENOMEM) {
        yamltree_fini(&t);
        free(text);
        return st;
    }
    sw->source_text = text;
    sw->source_path = strdup(path);
    sw->overrides = schema_join_sets(overrides, n_overrides);
    schema_ctx c;
    schema_ctx_init(&c, diags, sw);
    c.errors_before = errors_before;
    c.nomem = !sw->source_path || !sw->overrides;
    const msk_status set = c.nomem ? MSK_OK : schema_apply_sets(&t, overrides, n_overrides, diags);
    if (set == MSK_ENOMEM)
        c.nomem = 1;
    if (st == MSK_OK && !t.root)
        diag_add(diags, DIAG_ERROR, path, 1, 1, "",
                 "the file is empty; a sweep needs sweep, base, parameters, design and outcomes");
    const yamltree_node *given[N_KEYS] = {0};
    if (t.root && set == MSK_OK && !schema_failed(&c)) {
        read_tree(&c, sw, t.root, given);
        if (!schema_failed(&c))
            read_base(&c, sw, path, given[K_top_base]);
    }
    yamltree_fini(&t);
    if (c.nomem || set == MSK_EUSAGE || schema_failed(&c)) {
        sweep_fini(sw);
        return c.nomem ? MSK_ENOMEM : set == MSK_EUSAGE ? MSK_EUSAGE : MSK_EDATA;
    }
    return MSK_OK;
}

/* ---- Reference --------------------------------------------------------------------- */

void sweepfile_write_reference(FILE *out)
{
    static const char *const titles[SEC_COUNT] = {"Top level", "Each item of `parameters:`",
                                                  "`design:`", "Each item of `outcomes:`"};
    for (int s = 0; s < SEC_COUNT; s++) {
        const schema_rows r = schema_section_rows(key_section, N_KEYS, (unsigned)s);
        fprintf(out, "### %s\n\n", titles[s]);
        schema_write_markdown(out, keys + r.first, r.count);
    }
}
