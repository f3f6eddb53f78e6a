/* target.c — reading a scenario's `targets:` list (see target.h) through the one loader
 * (schema.h): a table of the keys, then the rules between them (what each measure
 * needs, weeks that are observation times, the published value inside its interval). */
#include "target.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"

const char *const target_measure_names[TM_COUNT] = {
#define X(code, name) name,
    TARGET_MEASURE_LIST(X)
#undef X
};

#define DAYS_PER_WEEK 7.0

/* What each measure needs besides the common keys. */
enum { NEED_VARIABLE = 1, NEED_EVENT = 2, NEED_PER_EVENT = 4, NEED_VERSUS = 8,
       NEED_RECOVER = 16, NEED_WITHIN = 32, NEED_CONDITION = 64 };

static int needs(target_measure m)
{
    switch (m) {
    case TM_CHANGE_PCT:
    case TM_CHANGE:
    case TM_RATE_PCT_PER_YEAR:
    case TM_RATE_PER_YEAR:
    case TM_BASELINE_MEAN:
        return NEED_VARIABLE;
    case TM_DIFF_CHANGE_PCT:
    case TM_DIFF_CHANGE:
    case TM_RATIO_CHANGE_PCT:
        return NEED_VARIABLE | NEED_VERSUS;
    case TM_RECOVERED_FRACTION:
        return NEED_VARIABLE | NEED_RECOVER;
    case TM_EVENT_RATE:
    case TM_PROPORTION_WITH_EVENT:
        return NEED_EVENT;
    case TM_EVENTS_PER_EVENT:
        return NEED_EVENT | NEED_PER_EVENT;
    case TM_FRACTION_AFTER_EVENT:
        return NEED_EVENT | NEED_PER_EVENT | NEED_WITHIN;
    case TM_RATE_RATIO_PER_SD:
        return NEED_EVENT | NEED_VARIABLE;
    case TM_PREVALENCE:
        return NEED_CONDITION;
    case TM_COUNT:
        break;
    }
    return 0;
}

/* The loading context's user: what a target is read against. */
typedef struct {
    const scenario *sc;
    const double *obs_days;
    size_t n_obs;
} reader;

/* ---- Values of a target's own kinds ------------------------------------------------ */

/* measure: a name of target_measure_names (target_measure is an enum, not an int slot). */
static int parse_measure(schema_ctx *c, const schema_field *f, const yamltree_node *v,
                         void *slot, const char *path)
{
    const schema_field as_enum = {.key = f->key, .kind = SCHEMA_ENUM,
                                  .names = target_measure_names, .n_names = TM_COUNT};
    int m = -1;
    const int ok = schema_parse(c, &as_enum, v, &m, path);
    *(target_measure *)slot = ok ? (target_measure)m : TM_COUNT;
    return ok;
}

/* arm, versus: the name of an arm of the scenario, stored as its index. */
static int parse_arm(schema_ctx *c, const schema_field *f, const yamltree_node *v, void *slot,
                     const char *path)
{
    (void)f;
    const scenario *sc = ((const reader *)c->user)->sc;
    if (v->kind != YAMLTREE_SCALAR || yamltree_is_null(v)) {
        schema_error(c, v, path, "expected an arm name, found %s",
                     yamltree_is_null(v) ? "nothing" : yamltree_kind_name(v->kind));
        return 0;
    }
    for (size_t a = 0; a < sc->n_arms; a++)
        if (strcmp(sc->arms[a].name, v->text) == 0) {
            *(size_t *)slot = a;
            return 1;
        }
    char list[400], t[SCHEMA_SHOW_SIZE];
    size_t o = 0;
    list[0] = '\0';
    for (size_t a = 0; a < sc->n_arms && o < sizeof list; a++)
        o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", a ? ", " : "", sc->arms[a].name);
    schema_error(c, v, path, "'%s' names no arm of this scenario; the arms are: %s",
                 schema_show(v->text, t), list);
    return 0;
}

/* accept: [low, high], two finite numbers, low below high; into accept_lo, accept_hi. */
static int parse_accept(schema_ctx *c, const schema_field *f, const yamltree_node *v, void *slot,
                        const char *path)
{
    (void)f;
    static const schema_field number = {.key = "", .kind = SCHEMA_REAL, .min = -HUGE_VAL,
                                        .max = HUGE_VAL};
    target *t = (target *)((char *)slot - offsetof(target, accept_lo));
    if (v->kind != YAMLTREE_SEQUENCE || v->count != 2) {
        schema_error(c, v, path, "expected [low, high], two finite numbers");
        return 0;
    }
    char p[160];
    snprintf(p, sizeof p, "%.150s[0]", path);
    int ok = schema_parse(c, &number, v->items[0], &t->accept_lo, p);
    snprintf(p, sizeof p, "%.150s[1]", path);
    ok &= schema_parse(c, &number, v->items[1], &t->accept_hi, p);
    if (ok && !(t->accept_lo < t->accept_hi)) {
        schema_error(c, v, path, "low (%g) must be below high (%g)", t->accept_lo, t->accept_hi);
        ok = 0;
    }
    return ok;
}

/* ---- The table of a target's keys ------------------------------------------------- */

enum {
    K_id, K_what, K_source, K_tolerance, K_units, K_measure, K_variable, K_event, K_per_event,
    K_condition, K_arm, K_versus, K_from_week, K_at_week, K_recover_week, K_within_weeks,
    K_scale, K_published, K_accept, K_calibrate, K_COUNT
};

#define AT(field) .offset = offsetof(target, field)
#define WEEKS(field, default, what)                                                            \
    {.key = #field, .kind = SCHEMA_REAL, .unit = "week", .def = default, .min = -HUGE_VAL,     \
     .max = HUGE_VAL, .need = SCHEMA_OPTIONAL, .help = what, AT(field)}

/* The keys; variable, event and condition name rows of the run's tables (VAR_NAMES[OV_COUNT]
 * are the observed variables' names), so the table is made per load. */
static void target_fields(schema_field f[K_COUNT], const char *const *var_names)
{
    const schema_field table[K_COUNT] = {
        [K_id] = {.key = "id", .kind = SCHEMA_STRING, .help = "unique across the evidence set", AT(id)},
        [K_what] = {.key = "what", .kind = SCHEMA_STRING, .help = "the published quantity in words", AT(what)},
        [K_source] = {.key = "source", .kind = SCHEMA_STRING, .help = "citation", AT(source)},
        [K_tolerance] = {.key = "tolerance", .kind = SCHEMA_STRING,
                         .help = "why the acceptance interval is what it is", AT(tolerance)},
        [K_units] = {.key = "units", .kind = SCHEMA_STRING, .need = SCHEMA_OPTIONAL,
                     .help = "units of the value (default: from measure and variable)", AT(units)},
        [K_measure] = {.key = "measure", .kind = SCHEMA_CUSTOM, .parse = parse_measure,
                       .need = SCHEMA_REQUIRED, .type = "choice",
                       .help = "how the quantity is measured in the simulated trial", AT(measure)},
        [K_variable] = {.key = "variable", .kind = SCHEMA_ENUM, .def = NAN, .need = SCHEMA_OPTIONAL,
                        .names = var_names, .n_names = OV_COUNT, .help = "an observed variable",
                        AT(variable)},
        [K_event] = {.key = "event", .kind = SCHEMA_ENUM, .def = NAN, .need = SCHEMA_OPTIONAL,
                     .names = obs_count_names, .n_names = EVC_COUNT, .help = "an event counted",
                     AT(event)},
        [K_per_event] = {.key = "per_event", .kind = SCHEMA_ENUM, .def = NAN,
                         .need = SCHEMA_OPTIONAL, .names = obs_count_names, .n_names = EVC_COUNT,
                         .help = "the event counted per", AT(per_event)},
        [K_condition] = {.key = "condition", .kind = SCHEMA_ENUM, .def = NAN,
                         .need = SCHEMA_OPTIONAL, .names = obs_prevalence_names,
                         .n_names = PREV_COUNT, .help = "a condition whose prevalence is measured",
                         AT(condition)},
        [K_arm] = {.key = "arm", .kind = SCHEMA_CUSTOM, .parse = parse_arm, .type = "arm name",
                   .help = "the arm measured (default: the reference arm)", AT(arm)},
        [K_versus] = {.key = "versus", .kind = SCHEMA_CUSTOM, .parse = parse_arm,
                      .type = "arm name", .help = "the arm compared with (diff_*, ratio_*)", AT(versus)},
        [K_from_week] = WEEKS(from_week, 0, "start of the interval measured"),
        [K_at_week] = WEEKS(at_week, NAN, "end of the interval measured (default: the horizon)"),
        [K_recover_week] = WEEKS(recover_week, 0, "recovered_fraction: when recovery is measured"),
        [K_within_weeks] = WEEKS(within_weeks, 0, "fraction_after_event: the window after the first event"),
        [K_scale] = {.key = "scale", .kind = SCHEMA_REAL, .def = 1, .min = -HUGE_VAL, .max = HUGE_VAL,
                     .help = "multiplies the measured value (e.g. 1000: g -> mg)", AT(scale)},
        [K_published] = {.key = "published", .kind = SCHEMA_REAL, .def = NAN, .min = -HUGE_VAL,
                         .max = HUGE_VAL, .help = "the published value", AT(published)},
        [K_accept] = {.key = "accept", .kind = SCHEMA_CUSTOM, .parse = parse_accept,
                      .need = SCHEMA_REQUIRED, .type = "[low, high]",
                      .help = "[low, high]: the interval the simulated value must fall in",
                      AT(accept_lo)},
        [K_calibrate] = {.key = "calibrate", .kind = SCHEMA_BOOL, .def = 1,
                         .help = "used by `msksim calibrate` (false: held out for validation)",
                         AT(calibrate)},
    };
    memcpy(f, table, sizeof table);
}

/* ---- Checks across keys ------------------------------------------------------------ */

static const yamltree_node *where(const yamltree_node *a, const yamltree_node *b)
{
    return a ? a : b;
}

/* The observation index at WEEK (the value of KEY), which must be an observation time. */
static int obs_at(schema_ctx *c, const reader *R, const yamltree_node *at, const char *path,
                  const char *key, double week, size_t *out)
{
    const double day = week * DAYS_PER_WEEK;
    for (size_t k = 0; k < R->n_obs; k++)
        if (fabs(R->obs_days[k] - day) < 1e-6) {
            *out = k;
            return 1;
        }
    char p[160];
    schema_join_key(p, sizeof p, path, key);
    schema_error(c, at, p,
                 "week %g is not an observation time of this scenario (observations every %g weeks "
                 "up to week %g); choose a multiple of observe_every_weeks or the horizon",
                 week, R->sc->observe_every_weeks, R->sc->horizon_weeks);
    return 0;
}

/* The keys the measure needs, each reported when missing. */
static void check_needs(schema_ctx *c, const target *t, const yamltree_node *item,
                        const char *path, const yamltree_node **given)
{
    static const struct {
        int need, key;
    } rows[] = {{NEED_VARIABLE, K_variable}, {NEED_EVENT, K_event},   {NEED_PER_EVENT, K_per_event},
                {NEED_CONDITION, K_condition}, {NEED_VERSUS, K_versus}, {NEED_RECOVER, K_recover_week},
                {NEED_WITHIN, K_within_weeks}};
    static const char *const keys[K_COUNT] = {
        [K_variable] = "variable", [K_event] = "event", [K_per_event] = "per_event",
        [K_condition] = "condition", [K_versus] = "versus", [K_recover_week] = "recover_week",
        [K_within_weeks] = "within_weeks"};
    const int need = needs(t->measure);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if ((need & rows[i].need) && !given[rows[i].key]) {
            char why[96];
            snprintf(why, sizeof why, "a target of measure '%s' needs it",
                     target_measure_names[t->measure]);
            schema_missing(c, item, path, keys[rows[i].key], why);
        }
}

/* The weeks: observation times, in order. */
static void check_weeks(schema_ctx *c, const reader *R, target *t, const yamltree_node *item,
                        const char *path, const yamltree_node **given)
{
    const int need = needs(t->measure);
    char p[160];
    if (!isnan(t->from_week))
        obs_at(c, R, where(given[K_from_week], item), path, "from_week", t->from_week, &t->from_obs);
    if (!isnan(t->at_week))
        obs_at(c, R, where(given[K_at_week], item), path, "at_week", t->at_week, &t->at_obs);
    if (t->at_week <= t->from_week && t->measure != TM_BASELINE_MEAN && t->measure != TM_PREVALENCE) {
        schema_join_key(p, sizeof p, path, "at_week");
        schema_error(c, item, p, "at_week (%g) must come after from_week (%g)", t->at_week,
                     t->from_week);
    }
    const yamltree_node *rw = given[K_recover_week], *ww = given[K_within_weeks];
    if ((need & NEED_RECOVER) && rw && !isnan(t->recover_week) &&
        obs_at(c, R, rw, path, "recover_week", t->recover_week, &t->recover_obs) &&
        t->recover_week <= t->at_week) {
        schema_join_key(p, sizeof p, path, "recover_week");
        schema_error(c, rw, p, "recover_week must come after at_week");
    }
    if ((need & NEED_WITHIN) && ww && !(t->within_weeks > 0) && !isnan(t->within_weeks)) {
        schema_join_key(p, sizeof p, path, "within_weeks");
        schema_error(c, ww, p, "within_weeks must be positive");
    }
}

static void load_one(schema_ctx *c, const schema_field *fields, const yamltree_node *item,
                     const char *path, target *t)
{
    const reader *R = c->user;
    const yamltree_node *given[K_COUNT];
    char p[160];
    t->file = item->file;
    t->line = item->line;
    t->col = item->col;
    t->arm = R->sc->reference;
    t->measure = TM_COUNT; /* none until one is read */
    if (item->kind != YAMLTREE_MAPPING) {
        schema_error(c, item, path,
                     "a target is a mapping (id:, measure:, published:, accept:, ...), not %s",
                     yamltree_kind_name(item->kind));
        return;
    }
    const schema_map m = {.path = path, .owner = item};
    schema_load(c, fields, K_COUNT, item, t, &m, given);
    if (!given[K_at_week])
        t->at_week = R->sc->horizon_weeks;
    if (!given[K_arm])
        t->arm = R->sc->reference;
    if (t->measure == TM_COUNT)
        return; /* reported; what it needs is not known */
    check_needs(c, t, item, path, given);
    if ((needs(t->measure) & NEED_VERSUS) && given[K_versus] && given[K_arm] &&
        t->versus == t->arm) {
        schema_join_key(p, sizeof p, path, "versus");
        schema_error(c, given[K_versus], p, "'versus' must name a different arm than 'arm'");
    }
    check_weeks(c, R, t, item, path, given);
    if (given[K_scale] && !(t->scale != 0)) {
        schema_join_key(p, sizeof p, path, "scale");
        schema_error(c, given[K_scale], p, "scale must not be zero");
    }
    if (given[K_accept] && t->accept_lo < t->accept_hi &&
        (t->published < t->accept_lo || t->published > t->accept_hi)) {
        schema_join_key(p, sizeof p, path, "accept");
        schema_error(c, given[K_accept], p, "the published value %g lies outside [%g, %g]",
                     t->published, t->accept_lo, t->accept_hi);
    }
}

/* The items of the `targets:` list SEQ, each checked. */
static void load_targets(schema_ctx *c, const yamltree_node *seq, target_list *tl)
{
    const reader *R = c->user;
    const char *var_names[OV_COUNT];
    for (size_t i = 0; i < OV_COUNT; i++)
        var_names[i] = obs_var_table[i].name;
    schema_field fields[K_COUNT];
    target_fields(fields, var_names);
    for (size_t i = 0; i < tl->count; i++) {
        char path[64];
        snprintf(path, sizeof path, "targets[%zu]", i);
        load_one(c, fields, seq->items[i], path, &tl->items[i]);
        /* Nodes die with the tree: keep the file name the scenario owns. */
        tl->items[i].file = R->sc->source_path;
        for (size_t j = 0; j < i && tl->items[i].id; j++)
            if (tl->items[j].id && strcmp(tl->items[j].id, tl->items[i].id) == 0)
                schema_error(c, seq->items[i], path, "target id '%s' is used twice in this file",
                             tl->items[i].id);
    }
}

msk_status target_list_load(target_list *tl, const scenario *sc, const double *obs_days,
                            size_t n_obs, diag_list *diags)
{
    memset(tl, 0, sizeof *tl);
    reader R = {sc, obs_days, n_obs};
    schema_ctx c;
    schema_ctx_init(&c, diags, &R);
    yamltree tree;
    yamltree_init(&tree);
    msk_status st = yamltree_parse_string(&tree, sc->source_path, sc->source_text,
                                          strlen(sc->source_text), diags);
    if (st != MSK_OK || !tree.root) {
        yamltree_fini(&tree);
        return st;
    }
    const yamltree_node *seq = yamltree_get(tree.root, "targets");
    if (seq && seq->kind != YAMLTREE_SEQUENCE) {
        schema_error(&c, seq, "targets", "expected a list of targets ('- id: ...' items), found %s",
                     yamltree_kind_name(seq->kind));
    } else if (seq && seq->count > 0) {
        if (sc->replicates != 1)
            schema_error(&c, seq, "targets",
                         "targets are measured in one population: set replicates: 1 and raise "
                         "population.size instead");
        tl->items = calloc(seq->count, sizeof *tl->items);
        if (!tl->items) {
            yamltree_fini(&tree);
            return MSK_ENOMEM;
        }
        tl->count = seq->count;
        load_targets(&c, seq, tl);
    }
    yamltree_fini(&tree);
    if (schema_failed(&c)) {
        target_list_fini(tl);
        return c.nomem ? MSK_ENOMEM : MSK_EDATA;
    }
    return MSK_OK;
}

void target_list_fini(target_list *tl)
{
    for (size_t i = 0; tl->items && i < tl->count; i++) {
        free(tl->items[i].id);
        free(tl->items[i].what);
        free(tl->items[i].source);
        free(tl->items[i].tolerance);
        free(tl->items[i].units);
    }
    free(tl->items);
    memset(tl, 0, sizeof *tl);
}

const char *target_units(const target *t)
{
    if (t->units)
        return t->units;
    switch (t->measure) {
    case TM_CHANGE_PCT:
    case TM_DIFF_CHANGE_PCT:
        return "%";
    case TM_RATE_PCT_PER_YEAR:
        return "%/year";
    case TM_EVENT_RATE:
        return "1/person-year";
    case TM_RECOVERED_FRACTION:
    case TM_RATIO_CHANGE_PCT:
    case TM_PROPORTION_WITH_EVENT:
    case TM_EVENTS_PER_EVENT:
    case TM_FRACTION_AFTER_EVENT:
    case TM_RATE_RATIO_PER_SD:
        return "1";
    case TM_PREVALENCE:
        return "%";
    default:
        return t->scale == 1.0 && t->variable >= 0 ? obs_var_table[t->variable].units : "";
    }
}
