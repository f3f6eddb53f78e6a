/* target.c — reading a scenario's `targets:` list (see target.h) through the one loader
 * (schema.h): a table of the keys, then the rules between them (what each measure
 * needs, weeks that are observation times, the published value inside its interval). */
#include "target.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "instrument.h"
#include "schema.h"

const char *const target_measure_names[TM_COUNT] = {
#define X(code, name) name,
    TARGET_MEASURE_LIST(X)
#undef X
};

#define DAYS_PER_WEEK 7.0

/* What each measure needs besides the common keys. */
enum { NEED_VARIABLE = 1, NEED_EVENT = 2, NEED_PER_EVENT = 4, NEED_VERSUS = 8,
       NEED_RECOVER = 16, NEED_WITHIN = 32, NEED_CONDITION = 64, NEED_VERSUS_VARIABLE = 128,
       NEED_LATER = 256, NEED_CRITERIA = 512 };

static int needs(target_measure m)
{
    switch (m) {
    case TM_CHANGE_PCT:
    case TM_CHANGE:
    case TM_RATE_PCT_PER_YEAR:
    case TM_RATE_PER_YEAR:
    case TM_BASELINE_MEAN:
    case TM_SD_CHANGE_PCT:
    case TM_SD_CHANGE:
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
    case TM_RATIO_OF_CHANGES_PCT:
        return NEED_VARIABLE | NEED_VERSUS_VARIABLE;
    case TM_RETAINED_FRACTION:
        return NEED_VARIABLE | NEED_LATER;
    case TM_RESPONDER_SHARE:
        return NEED_CRITERIA;
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

/* accept: [low, high], two finite numbers, low below high; into accept_lo, accept_hi.
 * One of them may be null: a one-sided interval (an upper or a lower bound only). */
static int parse_accept(schema_ctx *c, const schema_field *f, const yamltree_node *v, void *slot,
                        const char *path)
{
    (void)f;
    static const schema_field number = {.key = "", .kind = SCHEMA_REAL, .min = -HUGE_VAL,
                                        .max = HUGE_VAL};
    target *t = (target *)((char *)slot - offsetof(target, accept_lo));
    if (v->kind != YAMLTREE_SEQUENCE || v->count != 2 ||
        (yamltree_is_null(v->items[0]) && yamltree_is_null(v->items[1]))) {
        schema_error(c, v, path, "expected [low, high], two finite numbers (one of them may be "
                                 "null for a one-sided interval)");
        return 0;
    }
    char p[160];
    int ok = 1;
    double *side[2] = {&t->accept_lo, &t->accept_hi};
    for (int k = 0; k < 2; k++) {
        snprintf(p, sizeof p, "%.150s[%d]", path, k);
        if (yamltree_is_null(v->items[k]))
            *side[k] = k ? HUGE_VAL : -HUGE_VAL;
        else
            ok &= schema_parse(c, &number, v->items[k], side[k], p);
    }
    if (ok && !(t->accept_lo < t->accept_hi)) {
        schema_error(c, v, path, "low (%g) must be below high (%g)", t->accept_lo, t->accept_hi);
        ok = 0;
    }
    return ok;
}

/* instrument: a name of instrument.h's table, or a list of them (one per variable). */
static int parse_instrument(schema_ctx *c, const schema_field *f, const yamltree_node *v,
                            void *slot, const char *path)
{
    (void)f;
    unsigned char *of = slot; /* target.instrument[OV_COUNT] */
    const int list = v->kind == YAMLTREE_SEQUENCE;
    const size_t n = list ? v->count : 1;
    int ok = 1;
    for (size_t i = 0; i < n; i++) {
        const yamltree_node *x = list ? v->items[i] : v;
        char p[160], names[400], shown[SCHEMA_SHOW_SIZE];
        if (list)
            schema_join_index(p, sizeof p, path, i);
        else
            snprintf(p, sizeof p, "%s", path);
        size_t in = x->kind == YAMLTREE_SCALAR && !yamltree_is_null(x) ? instrument_find(x->text) : 0;
        if (!in) {
            instrument_list(names, sizeof names);
            schema_error(c, x, p, "'%s' is not an instrument; choose one of: %s",
                         x->kind == YAMLTREE_SCALAR ? schema_show(x->text, shown) : "(not a name)",
                         names);
            ok = 0;
            continue;
        }
        const int var = instrument_table[in].variable;
        if (of[var]) {
            schema_error(c, x, p, "%s is already measured by %s: one instrument per variable",
                         obs_var_table[var].name, instrument_table[of[var]].name);
            ok = 0;
        }
        of[var] = (unsigned char)in;
    }
    return ok;
}

/* ---- The table of a target's keys ------------------------------------------------- */

enum {
    K_id, K_what, K_source, K_tolerance, K_units, K_measure, K_variable, K_event, K_per_event,
    K_condition, K_arm, K_versus, K_from_week, K_at_week, K_recover_week, K_within_weeks,
    K_scale, K_published, K_accept, K_calibrate, K_versus_variable, K_later_week, K_criteria,
    K_sex, K_age_min, K_age_max, K_baseline_condition, K_instrument, K_COUNT
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
        [K_versus_variable] = {.key = "versus_variable", .kind = SCHEMA_ENUM, .def = NAN,
                               .need = SCHEMA_OPTIONAL, .names = var_names, .n_names = OV_COUNT,
                               .help = "ratio_of_changes_pct: the variable whose change divides",
                               AT(versus_variable)},
        [K_later_week] = WEEKS(later_week, 0, "retained_fraction: when the retained change is measured"),
        [K_criteria] = {.key = "criteria", .kind = SCHEMA_NODE, .type = "list",
                        .help = "responder_share: [{variable, min_change_pct | min_change | "
                                "max_change_pct | max_change}, ...], all met at once"},
        [K_sex] = {.key = "sex", .kind = SCHEMA_ENUM, .def = 0, .choices = "any|female|male",
                   .help = "subgroup: women or men only", AT(who.sex)},
        [K_age_min] = {.key = "age_min", .kind = SCHEMA_REAL, .unit = "year", .def = NAN,
                       .min = 0, .max = 200, .need = SCHEMA_OPTIONAL,
                       .help = "subgroup: youngest age at entry (included)", AT(who.age_min)},
        [K_age_max] = {.key = "age_max", .kind = SCHEMA_REAL, .unit = "year", .def = NAN,
                       .min = 0, .max = 200, .need = SCHEMA_OPTIONAL,
                       .help = "subgroup: oldest age at entry (excluded)", AT(who.age_max)},
        [K_baseline_condition] = {.key = "baseline_condition", .kind = SCHEMA_ENUM, .def = NAN,
                                  .need = SCHEMA_OPTIONAL, .names = obs_prevalence_names,
                                  .n_names = PREV_COUNT,
                                  .help = "subgroup: people with this condition at week 0",
                                  AT(who.condition)},
        [K_instrument] = {.key = "instrument", .kind = SCHEMA_CUSTOM, .parse = parse_instrument,
                          .type = "name or list",
                          .help = "instruments whose measurement error the values carry "
                                  "(docs/evidence.md)", AT(instrument)},
    };
    memcpy(f, table, sizeof table);
}

/* ---- Checks across keys ------------------------------------------------------------ */

static const yamltree_node *where(const yamltree_node *a, const yamltree_node *b)
{
    return a ? a : b;
}

/* The observation index at WEEK (the value of KEY), which must lie within the
 * follow-up; TARGET_OFF_GRID when it is not (yet) an observation time. */
static int obs_at(schema_ctx *c, const reader *R, const yamltree_node *at, const char *path,
                  const char *key, double week, size_t *out)
{
    const double day = week * DAYS_PER_WEEK;
    *out = TARGET_OFF_GRID;
    if (week < 0 || week > R->sc->horizon_weeks + 1e-9) {
        char p[160];
        schema_join_key(p, sizeof p, path, key);
        schema_error(c, at, p, "week %g lies outside the follow-up (weeks 0 to %g)", week,
                     R->sc->horizon_weeks);
        return 0;
    }
    for (size_t k = 0; k < R->n_obs; k++)
        if (fabs(R->obs_days[k] - day) < 1e-6) {
            *out = k;
            break;
        }
    return 1;
}

/* The keys the measure needs, each reported when missing. */
static void check_needs(schema_ctx *c, const target *t, const yamltree_node *item,
                        const char *path, const yamltree_node **given)
{
    static const struct {
        int need, key;
    } rows[] = {{NEED_VARIABLE, K_variable}, {NEED_EVENT, K_event},   {NEED_PER_EVENT, K_per_event},
                {NEED_CONDITION, K_condition}, {NEED_VERSUS, K_versus}, {NEED_RECOVER, K_recover_week},
                {NEED_WITHIN, K_within_weeks}, {NEED_VERSUS_VARIABLE, K_versus_variable},
                {NEED_LATER, K_later_week}, {NEED_CRITERIA, K_criteria}};
    static const char *const keys[K_COUNT] = {
        [K_variable] = "variable", [K_event] = "event", [K_per_event] = "per_event",
        [K_condition] = "condition", [K_versus] = "versus", [K_recover_week] = "recover_week",
        [K_within_weeks] = "within_weeks", [K_versus_variable] = "versus_variable",
        [K_later_week] = "later_week", [K_criteria] = "criteria"};
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
    const yamltree_node *lw = given[K_later_week];
    if ((need & NEED_LATER) && lw && !isnan(t->later_week) &&
        obs_at(c, R, lw, path, "later_week", t->later_week, &t->later_obs) &&
        t->later_week <= t->at_week) {
        schema_join_key(p, sizeof p, path, "later_week");
        schema_error(c, lw, p, "later_week must come after at_week");
    }
}

/* ---- responder_share: the criteria ------------------------------------------------ */

typedef struct {
    int variable;
    double v[4]; /* min_change_pct, min_change, max_change_pct, max_change */
} criterion_keys;

static const char *const criterion_bounds[4] = {"min_change_pct", "min_change", "max_change_pct",
                                                "max_change"};

static void load_criterion(schema_ctx *c, const char *const *var_names, const yamltree_node *item,
                           const char *path, target_criterion *out)
{
    schema_field f[5] = {{.key = "variable", .kind = SCHEMA_ENUM, .def = NAN,
                          .need = SCHEMA_REQUIRED, .names = var_names, .n_names = OV_COUNT,
                          .help = "an observed variable", .offset = offsetof(criterion_keys, variable)}};
    for (int b = 0; b < 4; b++)
        f[1 + b] = (schema_field){.key = criterion_bounds[b], .kind = SCHEMA_REAL, .def = NAN,
                                  .min = -HUGE_VAL, .max = HUGE_VAL, .need = SCHEMA_OPTIONAL,
                                  .help = "the change a responder reaches (min) or stays within (max)",
                                  .offset = offsetof(criterion_keys, v) + (size_t)b * sizeof(double)};
    criterion_keys k;
    const yamltree_node *given[5];
    const schema_map m = {.path = path, .owner = item};
    schema_load(c, f, 5, item, &k, &m, given);
    int n_given = 0;
    for (int b = 0; b < 4; b++)
        if (given[1 + b]) {
            n_given++;
            out->pct = b % 2 == 0;
            out->above = b < 2;
            out->threshold = k.v[b];
        }
    out->variable = k.variable;
    if (n_given != 1)
        schema_error(c, item, path, "a criterion gives exactly one of min_change_pct, min_change, "
                                    "max_change_pct, max_change (found %d)", n_given);
}

static void load_criteria(schema_ctx *c, const char *const *var_names, const yamltree_node *seq,
                          const char *path, target *t)
{
    char p[160];
    schema_join_key(p, sizeof p, path, "criteria");
    if (seq->kind != YAMLTREE_SEQUENCE || seq->count == 0) {
        schema_error(c, seq, p, "expected a non-empty list of criteria ('- {variable: ..., "
                                "min_change_pct: ...}')");
        return;
    }
    t->criteria = calloc(seq->count, sizeof *t->criteria);
    if (!t->criteria) {
        c->nomem = 1;
        return;
    }
    t->n_criteria = seq->count;
    for (size_t i = 0; i < seq->count; i++) {
        char q[176];
        schema_join_index(q, sizeof q, p, i);
        load_criterion(c, var_names, seq->items[i], q, &t->criteria[i]);
    }
}

/* The subgroup keys: an age band needs its bounds in order. */
static void check_subgroup(schema_ctx *c, target *t, const char *path, const yamltree_node **given)
{
    t->who.by_condition = given[K_baseline_condition] != NULL && t->who.condition >= 0;
    t->who.by_age = given[K_age_min] || given[K_age_max];
    if (!given[K_age_min])
        t->who.age_min = 0;
    if (!given[K_age_max])
        t->who.age_max = HUGE_VAL;
    if (t->who.by_age && !(t->who.age_min < t->who.age_max)) {
        char p[160];
        schema_join_key(p, sizeof p, path, "age_max");
        schema_error(c, where(given[K_age_max], given[K_age_min]), p,
                     "age_max (%g) must be above age_min (%g)", t->who.age_max, t->who.age_min);
    }
}

static void load_one(schema_ctx *c, const schema_field *fields, const yamltree_node *item,
                     const char *path, target *t, const char *const *var_names)
{
    const reader *R = c->user;
    const yamltree_node *given[K_COUNT];
    char p[160];
    t->file = item->file;
    t->line = item->line;
    t->col = item->col;
    t->arm = R->sc->reference;
    t->measure = TM_COUNT; /* none until one is read */
    t->from_obs = t->at_obs = t->recover_obs = t->later_obs = TARGET_OFF_GRID;
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
    check_subgroup(c, t, path, given);
    if ((needs(t->measure) & NEED_CRITERIA) && given[K_criteria])
        load_criteria(c, var_names, given[K_criteria], path, t);
    if ((needs(t->measure) & NEED_VERSUS) && given[K_versus] && given[K_arm] &&
        t->versus == t->arm) {
        schema_join_key(p, sizeof p, path, "versus");
        schema_error(c, given[K_versus], p, "'versus' must name a different arm than 'arm'");
    }
    check_weeks(c, R, t, item, path, given);
    if ((needs(t->measure) & NEED_VERSUS_VARIABLE) && given[K_versus_variable] &&
        t->versus_variable == t->variable) {
        schema_join_key(p, sizeof p, path, "versus_variable");
        schema_error(c, given[K_versus_variable], p, "'versus_variable' must differ from 'variable'");
    }
    if (given[K_scale] && !(t->scale != 0)) {
        schema_join_key(p, sizeof p, path, "scale");
        schema_error(c, given[K_scale], p, "scale must not be zero");
    }
    if (given[K_accept] && t->accept_lo < t->accept_hi && !isnan(t->published) &&
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
        load_one(c, fields, seq->items[i], path, &tl->items[i], var_names);
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
        free(tl->items[i].criteria);
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
    case TM_SD_CHANGE_PCT:
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
    case TM_RATIO_OF_CHANGES_PCT:
    case TM_RETAINED_FRACTION:
    case TM_RESPONDER_SHARE:
        return "1";
    case TM_PREVALENCE:
        return "%";
    default:
        return t->scale == 1.0 && t->variable >= 0 ? obs_var_table[t->variable].units : "";
    }
}

int target_one_sided(const target *t)
{
    return isinf(t->accept_lo) || isinf(t->accept_hi);
}

static int by_value(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

size_t target_list_missing_days(const target_list *tl, double **days, int *nomem)
{
    *days = NULL;
    *nomem = 0;
    size_t n = 0;
    double *d = malloc((4 * tl->count + 1) * sizeof *d);
    if (!d) {
        *nomem = 1;
        return 0;
    }
    for (size_t i = 0; i < tl->count; i++) {
        const target *t = &tl->items[i];
        const size_t obs[4] = {t->from_obs, t->at_obs, t->recover_obs, t->later_obs};
        const double weeks[4] = {t->from_week, t->at_week, t->recover_week, t->later_week};
        const int need = needs(t->measure);
        const int used[4] = {1, 1, (need & NEED_RECOVER) != 0, (need & NEED_LATER) != 0};
        for (int k = 0; k < 4; k++)
            if (used[k] && obs[k] == TARGET_OFF_GRID && !isnan(weeks[k]))
                d[n++] = weeks[k] * DAYS_PER_WEEK;
    }
    qsort(d, n, sizeof *d, by_value);
    size_t m = 0;
    for (size_t k = 0; k < n; k++)
        if (m == 0 || fabs(d[k] - d[m - 1]) > 1e-6)
            d[m++] = d[k];
    if (m == 0) {
        free(d);
        return 0;
    }
    *days = d;
    return m;
}
