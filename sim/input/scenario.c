/* scenario.c — load a scenario file, validate it against scenario.def and params.def,
 * and write the effective values back as YAML.
 *
 * The file is read into a located tree (yamltree), --set overrides are applied to the
 * tree, and the tree is then walked once against schema tables (schema.h) generated
 * from the .def files. Every problem becomes a diagnostic located at the offending node;
 * the walk never stops at the first one, so `msksim check` can report a file in one go.
 * What no table can say (lists, arm names, cross-field rules) is checked here. */
#include "scenario.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <threads.h>

#include "datadir.h"
#include "schema.h"
#include "uncertainty.h"
#include "yamltree.h"

/* ---- Schema generated from scenario.def ---------------------------------------- */

typedef enum { SEC_top, SEC_population, SEC_record, SEC_exposure, SEC_intervention, SEC_COUNT } section_id;

#define SCHEMA_KIND_REAL SCHEMA_REAL
#define SCHEMA_KIND_INT SCHEMA_INT
#define SCHEMA_KIND_BOOL SCHEMA_BOOL
#define SCHEMA_KIND_STRING SCHEMA_STRING
#define SCHEMA_KIND_ENUM SCHEMA_ENUM
#define DEFAULT_REAL(d) .def = (d)
#define DEFAULT_INT(d) .def = (d)
#define DEFAULT_BOOL(d) .def = (d)
#define DEFAULT_ENUM(d) .def = (d)
#define DEFAULT_STRING(d) .def_text = (d)
#define OFFSET_top(key) offsetof(scenario, key)
#define OFFSET_population(key) offsetof(population_spec, key)
#define OFFSET_record(key) offsetof(record_spec, key)
#define OFFSET_exposure(key) offsetof(exposure_spec, key)
#define OFFSET_intervention(key) offsetof(intervention_spec, key)

static const schema_field fields[] = {
#define FIELD(section, key_, kind_, unit_, def_, lo, hi, choices_, applies_, help_)             \
    {.key = #key_, .kind = SCHEMA_KIND_##kind_, .unit = unit_, DEFAULT_##kind_(def_),         \
     .min = lo, .max = hi, .choices = choices_, .applies = applies_, .help = help_,            \
     .offset = OFFSET_##section(key_)},
#include "scenario.def"
#undef FIELD
};

static const unsigned char field_section[] = {
#define FIELD(section, ...) SEC_##section,
#include "scenario.def"
#undef FIELD
};

/* F_section_key: the row of a key, for cross-field checks. */
enum {
#define FIELD(section, key, ...) F_##section##_##key,
#include "scenario.def"
#undef FIELD
    F_COUNT
};

static int load_section(schema_ctx *c, section_id sec, const yamltree_node *map, void *base,
                        const schema_map *m, const yamltree_node **given)
{
    return schema_load_section(c, fields, field_section, F_COUNT, sec, map, base, m, given);
}

/* Keys of the top level that are not scalar fields of the table. */
/* targets: is read by the evidence module (target.h); the run ignores it. */
static const char *const top_extra[] = {"population", "record", "exposures", "arms",
                                        "model",      "targets", NULL};
static const char *const arm_keys[] = {"name", "interventions", NULL};

/* ---- Choice names -------------------------------------------------------------- */

/* scenario_choice_name returns NUL-terminated names, and the table's choices are
 * "a|b|c" strings the preprocessor cannot split. They are split once, under
 * call_once, into a table that is never written again. */
#define MAX_CHOICES 16
enum {
    CHOICE_CHARS = 0
#define FIELD(section, key, kind, unit, def, lo, hi, choices, ...) +sizeof(choices)
#include "scenario.def"
#undef FIELD
};

typedef struct {
    char store[CHOICE_CHARS];
    const char *name[F_COUNT][MAX_CHOICES];
} choice_table;

static choice_table split_choices_table;
static once_flag split_choices_once = ONCE_FLAG_INIT;

static void split_choices(void)
{
    choice_table *ct = &split_choices_table;
    size_t used = 0;
    for (size_t i = 0; i < F_COUNT; i++) {
        MSK_ASSERT(schema_choice_count(&fields[i]) <= MAX_CHOICES);
        for (int k = 0; k < schema_choice_count(&fields[i]); k++) {
            size_t len;
            const char *s = schema_choice_at(&fields[i], k, &len);
            MSK_ASSERT(used + len + 1 <= sizeof ct->store);
            ct->name[i][k] = memcpy(ct->store + used, s, len);
            ct->store[used + len] = '\0';
            used += len + 1;
        }
    }
}

static const char *choice_name(size_t f, int index)
{
    call_once(&split_choices_once, split_choices);
    return index >= 0 && index < schema_choice_count(&fields[f])
               ? split_choices_table.name[f][index]
               : NULL;
}

const char *scenario_choice_name(const char *section, const char *key, int index)
{
    static const char *const section_names[] = {"top", "population", "record", "exposure",
                                                "intervention"};
    for (size_t i = 0; i < F_COUNT; i++)
        if (fields[i].choices && strcmp(section_names[field_section[i]], section) == 0 &&
            strcmp(fields[i].key, key) == 0)
            return choice_name(i, index);
    return NULL;
}

static const char *type_name(int type)
{
    return choice_name(F_intervention_type, type);
}

static const yamltree_node *where_or(const yamltree_node *a, const yamltree_node *b)
{
    return a ? a : b;
}

/* ---- Model parameters ---------------------------------------------------------- */

/* Parameters in one group of params.def, at most. */
#define MODEL_GROUP_MAX 128

/* " ('x' is a parameter of model.GROUP)" for a key that is known in another group. */
static void other_group_hint(const char *key, char *buf, size_t size)
{
    char k[SCHEMA_SHOW_SIZE];
    buf[0] = '\0';
    for (size_t i = 0; i < model_param_count; i++)
        if (strcmp(model_param_table[i].name, key) == 0) {
            snprintf(buf, size, " ('%s' is a parameter of model.%s)", schema_show(key, k),
                     model_param_table[i].group);
            return;
        }
}

/* The rows of GROUP as REAL fields of model_params. */
static size_t group_fields(const char *group, schema_field *f)
{
    size_t n = 0;
    for (size_t i = 0; i < model_param_count; i++) {
        const model_param_info *r = &model_param_table[i];
        if (strcmp(r->group, group) != 0)
            continue;
        MSK_ASSERT(n < MODEL_GROUP_MAX);
        f[n++] = (schema_field){.key = r->name, .kind = SCHEMA_REAL, .unit = r->unit,
                                .def = r->def, .min = r->min, .max = r->max, .help = r->help,
                                .offset = r->offset};
    }
    return n;
}

/* One group mapping over the values already in M (defaults, or an earlier layer). */
static void load_group(schema_ctx *c, const yamltree_node *gkey, const yamltree_node *gval,
                       model_params *m)
{
    schema_field f[MODEL_GROUP_MAX];
    char path[256];
    schema_join_key(path, sizeof path, "model", gkey->text);
    const schema_map map = {.path = path, .keep = 1, .hint = other_group_hint};
    schema_load(c, f, group_fields(gkey->text, f), gval, m, &map, NULL);
}

static void load_model(schema_ctx *c, const yamltree_node *model, model_params *m)
{
    if (!model || yamltree_is_null(model))
        return;
    if (model->kind != YAMLTREE_MAPPING) {
        schema_error(c, model, "model",
                     "expected a mapping of parameter groups (model: {muscle: {...}}), found %s",
                     yamltree_kind_name(model->kind));
        return;
    }
    const char *groups[MODEL_GROUP_MAX];
    size_t ng = 0;
    for (size_t i = 0; i < model_param_count; i++)
        if (model_param_opens_group(i) && ng < MODEL_GROUP_MAX)
            groups[ng++] = model_param_table[i].group;
    for (size_t gp = 0; gp < model->count; gp++) {
        const yamltree_node *gkey = model->pairs[gp].key;
        size_t g = 0;
        while (g < ng && strcmp(groups[g], gkey->text) != 0)
            g++;
        if (g == ng)
            schema_unknown_key(c, gkey, "model", groups, ng, NULL);
        else
            load_group(c, gkey, model->pairs[gp].value, m);
    }
}

char *scenario_resolve_path(const char *path, const char *rel)
{
    const char *slash = strrchr(path, '/');
    if (rel[0] == '/' || !slash)
        return strdup(rel);
    const size_t dir = (size_t)(slash - path) + 1;
    char *out = malloc(dir + strlen(rel) + 1);
    if (!out)
        return NULL;
    memcpy(out, path, dir);
    strcpy(out + dir, rel);
    return out;
}

/* A calibration's `uncertainty:` (uncertainty.h), checked when its parameter file is
 * read: readable, and centred on the fitted values of the file's `model:`. The run does
 * not use it yet (parameter draws, issue 15). */
static void check_uncertainty(schema_ctx *c, const yamltree_node *node, const model_params *m)
{
    if (!node)
        return;
    param_uncertainty u;
    if (uncertainty_load(c, node, "uncertainty", &u) == 0)
        for (size_t j = 0; j < u.n; j++)
            if (!uncertainty_centred_on(&u, j, m))
                schema_warning(c, node, "uncertainty",
                               "parameter %s is %g under model: but the uncertainty is centred on %g: "
                               "the two do not come from the same fit",
                               u.name[j], *uncertainty_param_in(&u, j, m), uncertainty_value(&u, j, u.mean[j]));
    uncertainty_fini(&u);
}

/* The tree of a parameter file, which holds only `model:` (and a calibration's
 * `uncertainty:`): its problems are located in that file. */
static void load_parameter_tree(schema_ctx *c, const yamltree *t, msk_status st,
                                const char *file, model_params *m)
{
    if (st == MSK_ENOMEM) {
        c->nomem = 1;
    } else if (st == MSK_OK && !t->root) {
        schema_report_at(c, DIAG_ERROR, file, 1, 1, "",
                         "the parameter file is empty; it should hold a `model:` mapping");
    } else if (t->root && t->root->kind != YAMLTREE_MAPPING) {
        schema_error(c, t->root, "", "a parameter file holds a `model:` mapping, not %s",
                     yamltree_kind_name(t->root->kind));
    } else if (t->root) {
        for (size_t i = 0; i < t->root->count; i++) {
            const yamltree_node *key = t->root->pairs[i].key;
            char k[SCHEMA_SHOW_SIZE];
            if (strcmp(key->text, "model") == 0)
                load_model(c, t->root->pairs[i].value, m);
            else if (strcmp(key->text, "uncertainty") != 0)
                schema_error(c, key, key->text,
                             "a parameter file holds only `model:` (and the `uncertainty:` of a "
                             "calibration); '%s' belongs in the scenario",
                             schema_show(key->text, k));
        }
        check_uncertainty(c, yamltree_get(t->root, "uncertainty"), m);
    }
}

/* The parameter file named by `parameters:` (at AT), read with the scenario's rules. */
static void load_parameter_file(schema_ctx *c, const scenario *sc, const yamltree_node *at,
                                model_params *m)
{
    char *file = scenario_resolve_path(sc->source_path, sc->parameters);
    if (!file) {
        c->nomem = 1;
        return;
    }
    /* The path is shown whole: a shortened path would not say which file is missing. */
    char shown[600];
    size_t o = 0;
    for (const char *s = file; *s && o + 1 < sizeof shown; s++)
        shown[o++] = ((unsigned char)*s < 0x20 || *s == 0x7F) ? '?' : *s;
    shown[o] = '\0';
    /* A scenario names this file, so it must not make `check` wait on a FIFO or a
     * terminal, or read a device: only regular files are parameter files. */
    struct stat info;
    if (stat(file, &info) == 0 && !S_ISREG(info.st_mode)) {
        schema_error(c, at, "parameters",
                     "cannot read parameter file '%s': %s, not a regular file", shown,
                     S_ISDIR(info.st_mode) ? "a directory" : "a device, FIFO or socket");
        free(file);
        return;
    }
    diag_list local;
    diag_list_init(&local);
    yamltree t;
    yamltree_init(&t);
    msk_status st = yamltree_parse_file(&t, file, NULL, &local);
    if (st == MSK_ENOINPUT) {
        schema_error(c, at, "parameters", "cannot read parameter file '%s': %s", shown,
                     local.count ? local.items[0].message : "unreadable");
    } else {
        for (size_t i = 0; i < local.count; i++) {
            const diag *g = &local.items[i];
            diag_add(c->d, g->severity, g->file, g->line, g->col, g->path, "%s", g->message);
        }
        load_parameter_tree(c, &t, st, file, m);
    }
    yamltree_fini(&t);
    diag_list_fini(&local);
    free(file);
}

/* ---- Parameter draws ------------------------------------------------------------ */

char *scenario_draws_file(const scenario *sc)
{
    if (sc->draws_from && sc->draws_from[0])
        return scenario_resolve_path(sc->source_path, sc->draws_from);
    if (sc->parameters && sc->parameters[0])
        return scenario_resolve_path(sc->source_path, sc->parameters);
    char buf[4096];
    const char *shipped = msk_data_find("scenarios/parameters.yaml", buf, sizeof buf);
    return strdup(shipped ? shipped : "scenarios/parameters.yaml");
}

/* `draws:` (0, or at least 2) and the distribution the draws come from: readable, and
 * each of its parameters either at its centre in this scenario or held at the value
 * the scenario gives it (said in a note). Problems with the file are reported there
 * and once more at the key that chose it. */
static void check_draws(schema_ctx *c, const scenario *sc, const yamltree_node *const *given,
                        const yamltree_node *root)
{
    if (sc->draws == 0)
        return;
    const yamltree_node *at = given[F_top_draws] ? given[F_top_draws] : root;
    if (sc->draws == 1) {
        schema_error(c, at, "draws", "1 gives no interval across draws; use 0 (none) or at least 2");
        return;
    }
    const yamltree_node *chose = given[F_top_draws_from] ? given[F_top_draws_from]
                                 : given[F_top_parameters] ? given[F_top_parameters] : at;
    const char *key = given[F_top_draws_from] ? "draws_from" : given[F_top_parameters] ? "parameters" : "draws";
    char *file = scenario_draws_file(sc);
    if (!file) {
        c->nomem = 1;
        return;
    }
    param_uncertainty u;
    diag_list local;
    diag_list_init(&local);
    msk_status st = uncertainty_read_file(file, &u, &local);
    for (size_t i = 0; i < local.count; i++) {
        const diag *g = &local.items[i];
        diag_add(c->d, g->severity, g->file, g->line, g->col, g->path, "%s", g->message);
    }
    if (st == MSK_ENOMEM)
        c->nomem = 1;
    else if (st != MSK_OK)
        schema_error(c, chose, key, "the parameter draws need the `uncertainty:` of a calibration; '%s' %s",
                     file, st == MSK_ENOINPUT ? "cannot be read" : "does not hold a usable one (see above)");
    for (size_t j = 0; st == MSK_OK && j < u.n; j++)
        if (!uncertainty_centred_on(&u, j, &sc->model))
            schema_report_at(c, DIAG_NOTE, at->file ? at->file : sc->source_path, at->line, at->col, "draws",
                             "model.%s is %g in this scenario, not the calibration's %g: it is held at %g in "
                             "every draw, and the other parameters are drawn from their joint distribution",
                             u.name[j], *uncertainty_param_in(&u, j, &sc->model),
                             uncertainty_value(&u, j, u.mean[j]), *uncertainty_param_in(&u, j, &sc->model));
    uncertainty_fini(&u);
    diag_list_fini(&local);
    free(file);
}

/* ---- Sections and lists -------------------------------------------------------- */

static void check_population(schema_ctx *c, const population_spec *p, const yamltree_node *map,
                             const yamltree_node **given)
{
    char a[32], b[32];
    const yamltree_node *at;
    if (p->age_min > p->age_max) {
        at = where_or(given[F_population_age_max], map);
        schema_error(c, at, "population.age_max", "age_min %s is above age_max %s",
                     schema_fmt_real(p->age_min, a), schema_fmt_real(p->age_max, b));
    }
    /* One bound without the other silently took the default: say which range it is. */
    if (given[F_population_age_min] != NULL && given[F_population_age_max] == NULL && p->age_min <= p->age_max)
        schema_warning(c, given[F_population_age_min], "population.age_max",
                       "age_max is not given: people enter aged %s to %s (the default age_max)",
                       schema_fmt_real(p->age_min, a), schema_fmt_real(p->age_max, b));
    if (given[F_population_age_max] != NULL && given[F_population_age_min] == NULL && p->age_min <= p->age_max)
        schema_warning(c, given[F_population_age_max], "population.age_min",
                       "age_min is not given: people enter aged %s to %s (the default age_min)",
                       schema_fmt_real(p->age_min, a), schema_fmt_real(p->age_max, b));
    if (p->neurogenic_fraction + p->myogenic_fraction > 1) {
        at = where_or(given[F_population_myogenic_fraction],
                      where_or(given[F_population_neurogenic_fraction], map));
        schema_error(c, at,
                     given[F_population_myogenic_fraction] ? "population.myogenic_fraction"
                                                           : "population.neurogenic_fraction",
                     "neurogenic_fraction + myogenic_fraction = %s exceeds 1",
                     schema_fmt_real(p->neurogenic_fraction + p->myogenic_fraction, a));
    }
    if (p->tscore_min >= p->tscore_max) {
        at = where_or(given[F_population_tscore_max], where_or(given[F_population_tscore_min], map));
        schema_error(c, at,
                     given[F_population_tscore_max] ? "population.tscore_max" : "population.tscore_min",
                     "tscore_min %s must be below tscore_max %s", schema_fmt_real(p->tscore_min, a),
                     schema_fmt_real(p->tscore_max, b));
    }
    if (p->age_distribution == AGE_NORMAL &&
        (p->age_mean < p->age_min || p->age_mean > p->age_max)) {
        at = where_or(given[F_population_age_mean], map);
        schema_warning(c, at, "population.age_mean",
                       "age_mean %s lies outside [age_min, age_max]; the truncated normal will be lopsided",
                       schema_fmt_real(p->age_mean, a));
    }
}

/* record.strata and record.age_bands into sc->strata (strata.h). */
static void load_strata(schema_ctx *c, scenario *sc, const yamltree_node *map, const yamltree_node **given)
{
    strata_spec *st = &sc->strata;
    char err[200];
    memset(st, 0, sizeof *st);
    st->age_min = sc->population.age_min;
    st->age_max = sc->population.age_max;
    if (strata_parse_factors(st, sc->record.strata, err, sizeof err) != 0)
        schema_error(c, where_or(given[F_record_strata], map), "record.strata", "%s", err);
    const int has_bands = sc->record.age_bands && sc->record.age_bands[0];
    const int any_factor = st->by[STRATUM_SEX] || st->by[STRATUM_WHO] || st->by[STRATUM_SARCOPENIA];
    if (has_bands && !st->by[STRATUM_AGE] && any_factor) /* strata: "" switches strata off */
        schema_warning(c, where_or(given[F_record_age_bands], map), "record.age_bands",
                       "age_bands is given but record.strata does not include age: it has no effect");
    if (has_bands && st->by[STRATUM_AGE] && strata_parse_ages(st, sc->record.age_bands, err, sizeof err) != 0)
        schema_error(c, where_or(given[F_record_age_bands], map), "record.age_bands", "%s", err);
    double dropped[STRATA_MAX_AGE_EDGES];
    size_t n_dropped = strata_keep_inside(st, dropped);
    for (size_t i = 0; i < n_dropped; i++)
        schema_warning(c, where_or(given[F_record_age_bands], map), "record.age_bands",
                       "age edge %g is not inside the ages at entry (%g to %g): ignored, since the "
                       "band it closes would be empty",
                       dropped[i], st->age_min, st->age_max);
    if (!has_bands && st->by[STRATUM_AGE]) {
        strata_default_ages(st);
        if (st->n_age_edges == 0)
            schema_error(c, where_or(given[F_record_strata], map), "record.strata",
                         "the ages at entry (%g to %g) hold no multiple of 10 to split at: give "
                         "record.age_bands, e.g. \"%g\"",
                         st->age_min, st->age_max, floor((st->age_min + st->age_max) / 2));
    }
    strata_finish(st);
    if (st->count > STRATA_MAX)
        schema_error(c, where_or(given[F_record_strata], map), "record.strata",
                     "%zu strata (the cells of every factor crossed); at most %d are supported: "
                     "ask for fewer factors or age bands",
                     st->count, STRATA_MAX);
}

static void load_exposures(schema_ctx *c, const yamltree_node *seq, scenario *sc)
{
    char path[64], a[32], b[32], d[32], h[32];
    if (!seq || yamltree_is_null(seq))
        return;
    if (seq->kind != YAMLTREE_SEQUENCE) {
        schema_error(c, seq, "exposures", "expected a list ('- kind: ...' items), found %s",
                     yamltree_kind_name(seq->kind));
        return;
    }
    if (seq->count == 0)
        return;
    if (seq->count > SCENARIO_MAX_EXPOSURES) {
        schema_error(c, seq, "exposures", "%zu exposures; at most %d are supported", seq->count,
                     SCENARIO_MAX_EXPOSURES);
        return;
    }
    sc->exposures = calloc(seq->count, sizeof *sc->exposures);
    if (!sc->exposures) {
        c->nomem = 1;
        return;
    }
    sc->n_exposures = seq->count;
    for (size_t i = 0; i < seq->count; i++) {
        const yamltree_node *item = seq->items[i], *given[F_COUNT] = {0};
        exposure_spec *e = &sc->exposures[i];
        e->line = item->line;
        e->col = item->col;
        schema_join_index(path, sizeof path, "exposures", i);
        const schema_map m = {.path = path, .owner = item};
        load_section(c, SEC_exposure, item, e, &m, given);
        const double end = e->start_week + e->duration_weeks;
        if (end > sc->horizon_weeks) {
            char p2[96];
            schema_join_key(p2, sizeof p2, path, "duration_weeks");
            schema_error(c, where_or(given[F_exposure_duration_weeks], item), p2,
                         "immobilization ends after the horizon: week %s + %s weeks = week %s > "
                         "horizon_weeks %s",
                         schema_fmt_real(e->start_week, a), schema_fmt_real(e->duration_weeks, b),
                         schema_fmt_real(end, d), schema_fmt_real(sc->horizon_weeks, h));
        }
    }
}

/* Thresholds that are not user parameters but advice on method. */
#define BFR_LOW_LOAD_MAX 50.0 /* %1RM; BFR resistance is done at 20-40% 1RM (Patterson 2019) */

/* The cuff pressure of a BFR intervention: one of two keys, within the safety limits. */
static void check_cuff(schema_ctx *c, const intervention_spec *iv, int type,
                       const yamltree_node *item, const char *path,
                       const yamltree_node **given, const model_params *m)
{
    char a[32], b[32], p2[128];
    const yamltree_node *gp = given[F_intervention_cuff_pct_aop],
                        *gm = given[F_intervention_cuff_mmhg];
    if (!gp && !gm)
        schema_error(c, item, path,
                     "a %s intervention needs a cuff pressure: give cuff_pct_aop or cuff_mmhg",
                     type_name(type));
    if (gp && gm) {
        schema_join_key(p2, sizeof p2, path, "cuff_mmhg");
        schema_error(c, gm, p2, "give cuff_pct_aop or cuff_mmhg, not both");
    }
    schema_join_key(p2, sizeof p2, path, "cuff_pct_aop");
    if (iv->cuff_pct_aop > m->safety_max_cuff_pct_aop)
        schema_error(c, gp, p2,
                     "cuff pressure %s%% AOP is above the safe limit of %s%% AOP "
                     "(model.safety.max_cuff_pct_aop)",
                     schema_fmt_real(iv->cuff_pct_aop, a),
                     schema_fmt_real(m->safety_max_cuff_pct_aop, b));
    else if (iv->cuff_pct_aop > m->safety_advised_cuff_pct_aop)
        schema_warning(c, gp, p2,
                       "cuff pressure %s%% AOP is above the advised %s%% AOP "
                       "(model.safety.advised_cuff_pct_aop); adverse events rise with pressure",
                       schema_fmt_real(iv->cuff_pct_aop, a),
                       schema_fmt_real(m->safety_advised_cuff_pct_aop, b));
    schema_join_key(p2, sizeof p2, path, "cuff_mmhg");
    const double flag = m->safety_max_cuff_pct_aop / 100 * m->baseline_aop_leg_mmhg;
    if (iv->cuff_mmhg > m->safety_max_cuff_mmhg) {
        schema_error(c, gm, p2,
                     "cuff pressure %s mmHg is above the safe limit of %s mmHg "
                     "(model.safety.max_cuff_mmhg)",
                     schema_fmt_real(iv->cuff_mmhg, a), schema_fmt_real(m->safety_max_cuff_mmhg, b));
    } else if (iv->cuff_mmhg > flag) {
        char d[32], e[32];
        schema_warning(c, gm, p2,
                       "cuff pressure %s mmHg is above %s%% of the mean leg occlusion pressure "
                       "(%s mmHg); for individuals with a lower occlusion pressure the cuff is "
                       "capped at %s%% of their own (model.safety.max_cuff_pct_aop)",
                       schema_fmt_real(iv->cuff_mmhg, a),
                       schema_fmt_real(m->safety_max_cuff_pct_aop, b), schema_fmt_real(flag, d),
                       schema_fmt_real(m->safety_max_cuff_pct_aop, e));
    }
}

static void check_intervention(schema_ctx *c, const intervention_spec *iv, int type,
                               const yamltree_node *item, const char *path,
                               const yamltree_node **given, const scenario *sc)
{
    char a[32], b[32], p2[128];
    if (iv->start_week >= sc->horizon_weeks) {
        schema_join_key(p2, sizeof p2, path, "start_week");
        schema_error(c, where_or(given[F_intervention_start_week], item), p2,
                     "starts at week %s, not before the horizon (horizon_weeks %s)",
                     schema_fmt_real(iv->start_week, a), schema_fmt_real(sc->horizon_weeks, b));
    }
    /* The BFR types are the ones a cuff pressure applies to. */
    if (schema_applies(&fields[F_intervention_cuff_pct_aop], type_name(type)))
        check_cuff(c, iv, type, item, path, given, &sc->model);
    if (type == IV_BFR_RESISTANCE && iv->load_pct_1rm > BFR_LOW_LOAD_MAX) {
        schema_join_key(p2, sizeof p2, path, "load_pct_1rm");
        schema_warning(c, given[F_intervention_load_pct_1rm], p2,
                       "load %s%% 1RM is high for blood-flow restriction, a low-load method "
                       "(usually 20-40%% 1RM)",
                       schema_fmt_real(iv->load_pct_1rm, a));
    }
}

static void load_interventions(schema_ctx *c, const yamltree_node *seq, arm_spec *arm,
                               const char *arm_path, const scenario *sc)
{
    char path[96];
    schema_join_key(path, sizeof path, arm_path, "interventions");
    if (!seq || yamltree_is_null(seq))
        return; /* absent or empty: the "none" arm */
    if (seq->kind != YAMLTREE_SEQUENCE) {
        schema_error(c, seq, path, "expected a list ('- type: ...' items), found %s",
                     yamltree_kind_name(seq->kind));
        return;
    }
    if (seq->count == 0)
        return;
    if (seq->count > SCENARIO_MAX_INTERVENTIONS) {
        schema_error(c, seq, path, "%zu interventions; an arm holds at most %d", seq->count,
                     SCENARIO_MAX_INTERVENTIONS);
        return;
    }
    arm->interventions = calloc(seq->count, sizeof *arm->interventions);
    if (!arm->interventions) {
        c->nomem = 1;
        return;
    }
    arm->n_interventions = seq->count;
    for (size_t i = 0; i < seq->count; i++) {
        const yamltree_node *item = seq->items[i], *given[F_COUNT] = {0};
        intervention_spec *iv = &arm->interventions[i];
        char ipath[128];
        schema_join_index(ipath, sizeof ipath, path, i);
        iv->line = item->line;
        iv->col = item->col;
        /* The type decides which keys apply, so read it first (quietly: load_section
         * reports a bad type). */
        const yamltree_node *tv = yamltree_get(item, "type");
        int type = -1;
        if (tv && tv->kind == YAMLTREE_SCALAR)
            type = schema_choice_index(&fields[F_intervention_type], tv->text);
        const schema_map m = {.path = ipath, .owner = item, .variant = type_name(type),
                              .variant_what = "an intervention of type"};
        load_section(c, SEC_intervention, item, iv, &m, given);
        if (type >= 0 && item->kind == YAMLTREE_MAPPING)
            check_intervention(c, iv, type, item, ipath, given, sc);
    }
}

/* The name of arm I (NAME, at PATH) into ARM: valid and not used by an earlier arm. */
static void load_arm_name(schema_ctx *c, const yamltree_node *item, const char *path,
                          scenario *sc, size_t i)
{
    char npath[96], k[SCHEMA_SHOW_SIZE];
    const yamltree_node *name = yamltree_get(item, "name");
    schema_join_key(npath, sizeof npath, path, "name");
    if (!name) {
        schema_missing(c, item, path, "name", NULL);
    } else if (name->kind != YAMLTREE_SCALAR || yamltree_is_null(name)) {
        schema_error(c, name, npath, "expected an arm name (%s), found %s", SCHEMA_NAME_RULE,
                     yamltree_is_null(name) ? "nothing" : yamltree_kind_name(name->kind));
    } else if (!schema_is_name(name->text)) {
        schema_error(c, name, npath, "arm name '%s' is not valid: %s",
                     schema_show(name->text, k), SCHEMA_NAME_RULE);
    } else {
        for (size_t j = 0; j < i; j++)
            if (sc->arms[j].name && strcmp(sc->arms[j].name, name->text) == 0)
                schema_error(c, name, npath,
                             "arm name '%s' is used twice (first by arms[%zu], line %d)",
                             name->text, j, sc->arms[j].line);
        if (!(sc->arms[i].name = strdup(name->text)))
            c->nomem = 1;
    }
}

static void load_arms(schema_ctx *c, const yamltree_node *seq, const yamltree_node *root,
                      scenario *sc)
{
    char path[64];
    if (!seq) {
        schema_error(c, root, "arms", "missing required key 'arms' (a list of at least one arm)");
        return;
    }
    if (yamltree_is_null(seq) || (seq->kind == YAMLTREE_SEQUENCE && seq->count == 0)) {
        schema_error(c, seq, "arms", "at least one arm is needed");
        return;
    }
    if (seq->kind != YAMLTREE_SEQUENCE) {
        schema_error(c, seq, "arms", "expected a list ('- name: ...' items), found %s",
                     yamltree_kind_name(seq->kind));
        return;
    }
    if (seq->count > SCENARIO_MAX_ARMS) {
        schema_error(c, seq, "arms", "%zu arms; at most %d are supported", seq->count,
                     SCENARIO_MAX_ARMS);
        return;
    }
    sc->arms = calloc(seq->count, sizeof *sc->arms);
    if (!sc->arms) {
        c->nomem = 1;
        return;
    }
    sc->n_arms = seq->count;
    for (size_t i = 0; i < seq->count; i++) {
        const yamltree_node *item = seq->items[i];
        arm_spec *arm = &sc->arms[i];
        schema_join_index(path, sizeof path, "arms", i);
        arm->line = item->line;
        arm->col = item->col;
        if (item->kind != YAMLTREE_MAPPING) {
            schema_error(c, item, path,
                         "expected a mapping (name: ..., interventions: [...]), found %s",
                         yamltree_kind_name(item->kind));
            continue;
        }
        for (size_t p = 0; p < item->count; p++) {
            const char *key = item->pairs[p].key->text;
            if (strcmp(key, arm_keys[0]) != 0 && strcmp(key, arm_keys[1]) != 0)
                schema_unknown_key(c, item->pairs[p].key, path, arm_keys, 2, NULL);
        }
        load_arm_name(c, item, path, sc, i);
        load_interventions(c, yamltree_get(item, "interventions"), arm, path, sc);
    }
}

/* ---- The whole file ------------------------------------------------------------ */

/* Model parameters in layers: table defaults < parameter file < the scenario's model:
 * < --set (which already sits in the scenario's tree). */
static void load_all_model(schema_ctx *c, const yamltree_node *root, scenario *sc,
                           const yamltree_node *parameters)
{
    model_params_defaults(&sc->model);
    if (sc->parameters && sc->parameters[0])
        load_parameter_file(c, sc, parameters, &sc->model);
    const yamltree_node *model = yamltree_get(root, "model");
    load_model(c, model, &sc->model);
    double factor[BASELINE_Z_COUNT][BASELINE_Z_COUNT];
    if (model_params_correlation_factor(&sc->model, factor) != 0)
        schema_error(c, where_or(model, root), "model.baseline",
                     "the correlations corr_muscle_bone, corr_muscle_strength, corr_strength_gait and "
                     "corr_activity_gait do not form a valid (positive-definite) correlation matrix; "
                     "reduce their magnitudes");
    if (sc->model.safety_advised_cuff_pct_aop > sc->model.safety_max_cuff_pct_aop)
        schema_warning(c, where_or(model, root), "model.safety",
                       "advised_cuff_pct_aop is above max_cuff_pct_aop");
}

/* The effective reference arm is written back, so provenance names it. */
static void resolve_reference(schema_ctx *c, scenario *sc, const yamltree_node *given)
{
    char k[SCHEMA_SHOW_SIZE];
    if (!(sc->reference_arm && sc->reference_arm[0])) {
        if (sc->n_arms > 0 && sc->arms[0].name) {
            sc->reference = 0;
            free(sc->reference_arm);
            if (!(sc->reference_arm = strdup(sc->arms[0].name)))
                c->nomem = 1;
        }
        return;
    }
    size_t i = 0;
    while (i < sc->n_arms && !(sc->arms[i].name && strcmp(sc->arms[i].name, sc->reference_arm) == 0))
        i++;
    if (i < sc->n_arms) {
        sc->reference = i;
    } else if (sc->n_arms > 0) {
        char list[400];
        size_t o = 0;
        list[0] = '\0';
        for (size_t j = 0; j < sc->n_arms && o < sizeof list; j++)
            o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", j ? ", " : "",
                                  sc->arms[j].name ? sc->arms[j].name : "?");
        schema_error(c, given, "reference_arm", "reference_arm '%s' names no arm; the arms are: %s",
                     schema_show(sc->reference_arm, k), list);
    }
}

static void walk(schema_ctx *c, const yamltree_node *root, scenario *sc)
{
    const yamltree_node *given[F_COUNT] = {0};
    char k[SCHEMA_SHOW_SIZE];
    if (root->kind != YAMLTREE_MAPPING) {
        schema_error(c, root, "",
                     "a scenario is a mapping of keys (name:, horizon_weeks:, population:, arms:, "
                     "...), not %s",
                     yamltree_kind_name(root->kind));
        return;
    }
    const schema_map top = {.owner = root, .extra = top_extra};
    load_section(c, SEC_top, root, sc, &top, given);
    if (sc->name && given[F_top_name] && !schema_is_name(sc->name))
        schema_error(c, given[F_top_name], "name", "scenario name '%s' is not valid: %s",
                     schema_show(sc->name, k), SCHEMA_NAME_RULE);
    load_all_model(c, root, sc, given[F_top_parameters]);

    const yamltree_node *pop = yamltree_get(root, "population");
    const schema_map pm = {.path = "population", .owner = root};
    if (load_section(c, SEC_population, pop, &sc->population, &pm, given))
        check_population(c, &sc->population, where_or(pop, root), given);
    const schema_map rm = {.path = "record", .owner = root};
    const yamltree_node *rec = yamltree_get(root, "record");
    if (load_section(c, SEC_record, rec, &sc->record, &rm, given))
        load_strata(c, sc, where_or(rec, root), given);

    load_exposures(c, yamltree_get(root, "exposures"), sc);
    load_arms(c, yamltree_get(root, "arms"), root, sc);
    resolve_reference(c, sc, given[F_top_reference_arm]);
    check_draws(c, sc, given, root);
}

/* ---- Public entry points ------------------------------------------------------- */

static void free_section(section_id sec, void *base)
{
    const schema_rows r = schema_section_rows(field_section, F_COUNT, sec);
    schema_free_strings(fields + r.first, r.count, base);
}

void scenario_fini(scenario *sc)
{
    if (!sc)
        return;
    free_section(SEC_top, sc);
    free_section(SEC_population, &sc->population);
    free_section(SEC_record, &sc->record);
    for (size_t i = 0; sc->exposures && i < sc->n_exposures; i++)
        free_section(SEC_exposure, &sc->exposures[i]);
    free(sc->exposures);
    for (size_t a = 0; sc->arms && a < sc->n_arms; a++) {
        for (size_t i = 0; sc->arms[a].interventions && i < sc->arms[a].n_interventions; i++)
            free_section(SEC_intervention, &sc->arms[a].interventions[i]);
        free(sc->arms[a].interventions);
        free(sc->arms[a].name);
    }
    free(sc->arms);
    free(sc->source_path);
    free(sc->source_text);
    free(sc->overrides);
    memset(sc, 0, sizeof *sc);
}

/* A sweep or calibration file given where a scenario belongs: one error that names the
 * command for it, instead of a dozen unknown keys. Returns 1 when it recognised one. */
static int other_kind_of_file(const yamltree_node *root, const char *path, diag_list *diags)
{
    if (!root || root->kind != YAMLTREE_MAPPING || yamltree_get(root, "arms"))
        return 0;
    const yamltree_pair *sweep = yamltree_get_pair(root, "sweep");
    const yamltree_pair *evidence = yamltree_get_pair(root, "evidence");
    const yamltree_pair *at = sweep ? sweep : evidence;
    if (!at)
        return 0;
    diag_add(diags, DIAG_ERROR, path, at->key->line, at->key->col, sweep ? "sweep" : "evidence",
             sweep ? "this is a sweep file (top-level 'sweep:'), not a scenario; run it with "
                     "`msksim sweep %s`"
                   : "this is a calibration file (top-level 'evidence:'), not a scenario; fit it "
                     "with `msksim calibrate %s -o PARAMS.yaml` or check it with `msksim "
                     "validate %s`",
             path, path);
    return 1;
}

long scenario_arm_by_name(const char *const *names, size_t n, const char *seg, size_t len)
{
    for (size_t a = 0; a < n; a++)
        if (names[a] && strlen(names[a]) == len && strncmp(names[a], seg, len) == 0)
            return (long)a;
    return -1;
}

int scenario_arm_is_index(const char *seg, size_t len)
{
    return len > 0 && strspn(seg, "0123456789") >= len;
}

void scenario_arm_list(const char *const *names, size_t n, char *out, size_t size)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t a = 0; a < n && o < size; a++)
        o += (size_t)snprintf(out + o, size - o, "%s%s", a ? ", " : "", names[a] ? names[a] : "?");
    if (n == 0)
        snprintf(out, size, "(none)");
}

/* The arms' names as the raw tree has them (NULL where an arm has none), for the rule
 * above; NULL when there are no arms or no memory (*n = 0). */
static const char **tree_arm_names(const yamltree_node *arms, size_t *n)
{
    *n = 0;
    if (!arms || arms->kind != YAMLTREE_SEQUENCE || arms->count == 0)
        return NULL;
    const char **names = calloc(arms->count, sizeof *names);
    for (size_t a = 0; names && a < arms->count; a++) {
        const yamltree_node *nm = arms->items[a]->kind == YAMLTREE_MAPPING ? yamltree_get(arms->items[a], "name") : NULL;
        names[a] = nm && nm->kind == YAMLTREE_SCALAR ? nm->text : NULL;
    }
    if (names)
        *n = arms->count;
    return names;
}

/* --set arms.NAME.KEY=V edits the arm called NAME: rewrite it as arms.INDEX.KEY=V
 * before the sets are applied (scenario_arm_by_name). Returns a new array of N strings
 * (each freed by the caller with the array), or NULL when out of memory. */
static char **resolve_arm_names(const yamltree *t, const char *const *sets, size_t n, diag_list *diags)
{
    char **out = calloc(n ? n : 1, sizeof *out);
    size_t n_arms;
    const char **names = tree_arm_names(t->root && t->root->kind == YAMLTREE_MAPPING ? yamltree_get(t->root, "arms") : NULL,
                                        &n_arms);
    for (size_t i = 0; out && i < n; i++) {
        /* The arm's segment of the key: arms.SEG.rest=V or arms.SEG=V (never the value). */
        const char *s = sets[i], *name = s + 5, *eq = strchr(s, '='), *dot = NULL;
        if (strncmp(s, "arms.", 5) == 0 && eq && eq > name) {
            dot = memchr(name, '.', (size_t)(eq - name));
            if (!dot)
                dot = eq;
        }
        size_t len = dot ? (size_t)(dot - name) : 0;
        long found = dot ? scenario_arm_by_name(names, n_arms, name, len) : -1;
        size_t size = strlen(s) + 24;
        if (!(out[i] = malloc(size))) {
            for (size_t j = 0; j < i; j++)
                free(out[j]);
            free(out);
            free(names);
            return NULL;
        }
        if (found >= 0)
            snprintf(out[i], size, "arms.%ld%s", found, dot); /* dot: ".rest=V" or "=V" */
        else
            memcpy(out[i], s, strlen(s) + 1);
        if (found < 0 && dot && !scenario_arm_is_index(name, len) && n_arms) {
            char list[400], raw[64], shown[SCHEMA_SHOW_SIZE];
            scenario_arm_list(names, n_arms, list, sizeof list);
            snprintf(raw, sizeof raw, "%.*s", len > 60 ? 60 : (int)len, name);
            diag_add(diags, DIAG_ERROR, yamltree_cmdline_file, (int)i + 1, 1, "arms",
                     "--set: the scenario has no arm named '%s' (and it is not an index); its arms are: %s",
                     schema_show(raw, shown), list);
        }
    }
    free(names);
    return out;
}

/* The common part of the two entry points: T holds what yamltree made of TEXT (which
 * this takes over) with status ST. */
static msk_status load_tree(scenario *sc, yamltree *t, msk_status st, char *text,
                            const char *path, const char *const *overrides,
                            size_t n_overrides, diag_list *diags, size_t errors_before)
{
    if (st == MSK_ENOINPUT || st == MSK_ENOMEM) {
        yamltree_fini(t);
        free(text);
        return st;
    }
    sc->source_text = text;
    sc->source_path = strdup(path);
    sc->overrides = schema_join_sets(overrides, n_overrides);
    schema_ctx c;
    schema_ctx_init(&c, diags, NULL);
    c.errors_before = errors_before;
    c.keys_doc = "`msksim params --markdown`";
    c.nomem = !sc->source_path || !sc->overrides;

    if (st == MSK_OK && !t->root)
        diag_add(diags, DIAG_ERROR, path, 1, 1, "",
                 "the file is empty (or only comments); a scenario needs at least name, "
                 "horizon_weeks, population and arms");
    const size_t errors_sets = diags->errors;
    char **resolved = c.nomem ? NULL : resolve_arm_names(t, overrides, n_overrides, diags);
    if (!resolved)
        c.nomem = 1;
    /* An unknown arm name is an error about the data (exit 65), like any bad path. */
    const int bad_arm = diags->errors > errors_sets;
    const msk_status set = c.nomem || bad_arm ? MSK_OK
                                              : schema_apply_sets(t, (const char *const *)resolved, n_overrides, diags);
    for (size_t i = 0; resolved && i < n_overrides; i++)
        free(resolved[i]);
    free(resolved);
    if (set == MSK_ENOMEM)
        c.nomem = 1;
    if (t->root && set == MSK_OK && !c.nomem && !bad_arm && !other_kind_of_file(t->root, path, diags))
        walk(&c, t->root, sc);
    yamltree_fini(t);

    if (c.nomem || set == MSK_EUSAGE || diags->errors > errors_before) {
        scenario_fini(sc);
        return c.nomem ? MSK_ENOMEM : set == MSK_EUSAGE ? MSK_EUSAGE : MSK_EDATA;
    }
    return MSK_OK;
}

/* Malformed --set arguments are usage errors, reported before the file is read. */
#define SET_EXAMPLE "population.size=500"

msk_status scenario_load(scenario *sc, const char *path, const char *const *overrides,
                         size_t n_overrides, diag_list *diags)
{
    memset(sc, 0, sizeof *sc);
    const size_t errors_before = diags->errors;
    if (schema_check_sets(overrides, n_overrides, SET_EXAMPLE, diags))
        return MSK_EUSAGE;
    yamltree t;
    yamltree_init(&t);
    char *text = NULL;
    msk_status st = yamltree_parse_file(&t, path, &text, diags);
    return load_tree(sc, &t, st, text, path, overrides, n_overrides, diags, errors_before);
}

msk_status scenario_load_text(scenario *sc, const char *name, const char *text, size_t length,
                              const char *const *overrides, size_t n_overrides,
                              diag_list *diags)
{
    memset(sc, 0, sizeof *sc);
    const size_t errors_before = diags->errors;
    if (schema_check_sets(overrides, n_overrides, SET_EXAMPLE, diags))
        return MSK_EUSAGE;
    char *copy = malloc(length + 1);
    if (!copy)
        return MSK_ENOMEM;
    if (length)
        memcpy(copy, text, length);
    copy[length] = '\0';
    yamltree t;
    yamltree_init(&t);
    msk_status st = yamltree_parse_string(&t, name, copy, length, diags);
    return load_tree(sc, &t, st, copy, name, overrides, n_overrides, diags, errors_before);
}

/* ---- Writing the effective values ---------------------------------------------- */

#define COMMENT_COLUMN 40

/* Write "key: value" for one field, padded to a "# unit" comment. */
static void write_field(FILE *out, const char *lead, size_t fi, const void *base)
{
    const schema_field *f = &fields[fi];
    const void *p = (const char *)base + f->offset;
    char val[64];
    int n = fprintf(out, "%s%s: ", lead, f->key);
    switch (f->kind) {
    case SCHEMA_REAL:
        yamltree_format_real(*(const double *)p, val, sizeof val);
        n += fprintf(out, "%s", val);
        break;
    case SCHEMA_INT:
        n += fprintf(out, "%lld", *(const long long *)p);
        break;
    case SCHEMA_BOOL:
        n += fprintf(out, "%s", *(const int *)p ? "true" : "false");
        break;
    case SCHEMA_ENUM: {
        const char *name = choice_name(fi, *(const int *)p);
        n += fprintf(out, "%s", name ? name : "\"?\"");
        break;
    }
    case SCHEMA_STRING: {
        const char *s = *(char *const *)p;
        yamltree_write_quoted(out, s ? s : "");
        n += 2 + (int)strlen(s ? s : "");
        break;
    }
    case SCHEMA_CUSTOM:
    case SCHEMA_NODE:
        break;
    }
    if (f->kind == SCHEMA_ENUM) {
        char list[400];
        schema_choice_list(f, list, sizeof list);
        fprintf(out, "%*s# one of: %s", n < COMMENT_COLUMN ? COMMENT_COLUMN - n : 1, "", list);
    } else if (f->unit && f->unit[0] && strcmp(f->unit, "1") != 0) {
        fprintf(out, "%*s# %s", n < COMMENT_COLUMN ? COMMENT_COLUMN - n : 1, "", f->unit);
    }
    fputc('\n', out);
}

/* Write the fields of SEC at INDENT; as a list item ("- " before the first key) when
 * ITEM is set. TYPE filters intervention keys to those that apply. */
static void write_section(FILE *out, section_id sec, const void *base, int indent, int item,
                          int type)
{
    int first = 1;
    const schema_rows r = schema_section_rows(field_section, F_COUNT, sec);
    for (size_t i = r.first; i < r.first + r.count; i++) {
        const schema_field *f = &fields[i];
        if (sec == SEC_intervention && !schema_applies(f, type_name(type)))
            continue;
        if (f->kind == SCHEMA_REAL && isnan(*(const double *)((const char *)base + f->offset)))
            continue; /* optional and not given (e.g. the cuff pressure not chosen) */
        if (i == F_top_parameters)
            continue; /* merged into model: below; re-reading it would be wrong */
        char lead[32];
        if (item && first)
            snprintf(lead, sizeof lead, "%*s- ", indent - 2, "");
        else
            snprintf(lead, sizeof lead, "%*s", indent, "");
        write_field(out, lead, i, base);
        first = 0;
    }
}

/* The model: mapping, every group whole. */
static void write_model(FILE *out, const model_params *m)
{
    fputs("model:\n", out);
    for (size_t i = 0; i < model_param_count; i++) {
        const char *group = model_param_table[i].group;
        if (!model_param_opens_group(i))
            continue; /* groups are written whole, even if the table interleaves them */
        fprintf(out, "  %s:\n", group);
        for (size_t j = i; j < model_param_count; j++) {
            const model_param_info *r = &model_param_table[j];
            if (strcmp(r->group, group) != 0)
                continue;
            char val[64];
            yamltree_format_real(*(const double *)((const char *)m + r->offset), val,
                                 sizeof val);
            int n = fprintf(out, "    %s: %s", r->name, val);
            if (r->unit[0] && strcmp(r->unit, "1") != 0)
                fprintf(out, "%*s# %s", n < COMMENT_COLUMN ? COMMENT_COLUMN - n : 1, "", r->unit);
            fputc('\n', out);
        }
    }
}

static void write_header(const scenario *sc, FILE *out)
{
    fputs("# Effective scenario: table defaults, then the parameter file, the scenario's\n"
          "# model: keys and the --set overrides. It can be loaded again as a scenario.\n",
          out);
    if (sc->source_path)
        fprintf(out, "# source: %s\n", sc->source_path);
    if (sc->parameters && sc->parameters[0]) {
        fputs("# parameters: ", out);
        yamltree_write_quoted(out, sc->parameters);
        fputs(" (merged into model: below)\n", out);
    }
    if (sc->overrides && sc->overrides[0]) {
        fputs("# --set:", out);
        for (const char *s = sc->overrides; *s; s++) {
            if (*s == '\n')
                fputs(" --set ", out);
            else
                fputc(*s == '\r' ? ' ' : *s, out);
        }
        fputc('\n', out);
    }
}

void scenario_write_effective(const scenario *sc, FILE *out)
{
    write_header(sc, out);
    write_section(out, SEC_top, sc, 0, 0, -1);
    fputs("population:\n", out);
    write_section(out, SEC_population, &sc->population, 2, 0, -1);
    fputs("record:\n", out);
    write_section(out, SEC_record, &sc->record, 2, 0, -1);
    if (sc->n_exposures == 0)
        fputs("exposures: []\n", out);
    else
        fputs("exposures:\n", out);
    for (size_t i = 0; i < sc->n_exposures; i++)
        write_section(out, SEC_exposure, &sc->exposures[i], 4, 1, -1);
    fputs("arms:\n", out);
    for (size_t a = 0; a < sc->n_arms; a++) {
        const arm_spec *arm = &sc->arms[a];
        fputs("  - name: ", out);
        yamltree_write_quoted(out, arm->name ? arm->name : "");
        fputc('\n', out);
        if (arm->n_interventions == 0) {
            fputs("    interventions: []\n", out);
            continue;
        }
        fputs("    interventions:\n", out);
        for (size_t i = 0; i < arm->n_interventions; i++)
            write_section(out, SEC_intervention, &arm->interventions[i], 8, 1,
                          arm->interventions[i].type);
    }
    write_model(out, &sc->model);
}
