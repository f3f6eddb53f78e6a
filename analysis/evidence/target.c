/* target.c — reading a scenario's `targets:` list (see target.h). */
#include "target.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const target_measure_names[TM_COUNT] = {
#define X(code, name) name,
    TARGET_MEASURE_LIST(X)
#undef X
};

#define DAYS_PER_WEEK 7.0

static const char *const target_keys[] = {
    "id",        "what",   "source",       "tolerance", "measure",      "variable",
    "event",     "per_event", "arm",       "versus",    "from_week",    "at_week",
    "recover_week", "within_weeks", "scale", "units",   "published",    "accept",
    "calibrate", "condition", NULL};

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

typedef struct {
    const scenario *sc;
    const double *obs_days;
    size_t n_obs;
    diag_list *d;
    int failed_alloc;
} reader;

static void err(reader *R, const yamltree_node *at, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void err(reader *R, const yamltree_node *at, const char *path, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_add(R->d, DIAG_ERROR, at ? at->file : R->sc->source_path, at ? at->line : 0,
             at ? at->col : 0, path, "%s", msg);
}

static char *dup_text(reader *R, const char *s)
{
    char *c = strdup(s);
    if (!c)
        R->failed_alloc = 1;
    return c;
}

static const yamltree_node *scalar(reader *R, const yamltree_node *item, const char *key,
                                   const char *path, int required)
{
    const yamltree_node *v = yamltree_get(item, key);
    char p[160];
    snprintf(p, sizeof p, "%s.%s", path, key);
    if (!v || yamltree_is_null(v)) {
        if (required)
            err(R, item, p, "missing required key '%s'", key);
        return NULL;
    }
    if (v->kind != YAMLTREE_SCALAR) {
        err(R, v, p, "expected a single value, found %s", yamltree_kind_name(v->kind));
        return NULL;
    }
    return v;
}

static int real(reader *R, const yamltree_node *item, const char *key, const char *path,
                double *out, int required)
{
    const yamltree_node *v = scalar(R, item, key, path, required);
    char p[160];
    snprintf(p, sizeof p, "%s.%s", path, key);
    if (!v)
        return 0;
    int ok = v->quoted ? 0 : yamltree_parse_real(v->text, out);
    if (ok == 1)
        return 1;
    err(R, v, p, ok < 0 ? "'%s' is not a finite number" : "expected a number, found '%s'",
        v->text);
    return 0;
}

static int lookup(const char *text, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(text, names[i]) == 0)
            return (int)i;
    return -1;
}

static void list_names(char *buf, size_t size, const char *const *names, size_t n)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && o < size; i++)
        o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? ", " : "", names[i]);
}

static int named(reader *R, const yamltree_node *item, const char *key, const char *path,
                 const char *const *names, size_t n, int required)
{
    const yamltree_node *v = scalar(R, item, key, path, required);
    if (!v)
        return -1;
    int i = lookup(v->text, names, n);
    if (i < 0) {
        char p[160], list[600];
        snprintf(p, sizeof p, "%s.%s", path, key);
        list_names(list, sizeof list, names, n);
        err(R, v, p, "unknown %s '%s'; expected one of: %s", key, v->text, list);
    }
    return i;
}

static int arm_index(reader *R, const yamltree_node *item, const char *key, const char *path,
                     size_t *out, int required)
{
    const yamltree_node *v = scalar(R, item, key, path, required);
    if (!v)
        return 0;
    for (size_t a = 0; a < R->sc->n_arms; a++)
        if (strcmp(R->sc->arms[a].name, v->text) == 0) {
            *out = a;
            return 1;
        }
    char p[160], list[400];
    size_t o = 0;
    list[0] = '\0';
    for (size_t a = 0; a < R->sc->n_arms && o < sizeof list; a++)
        o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", a ? ", " : "",
                              R->sc->arms[a].name);
    snprintf(p, sizeof p, "%s.%s", path, key);
    err(R, v, p, "'%s' names no arm of this scenario; the arms are: %s", v->text, list);
    return 0;
}

/* The observation index at `week`, which must be an observation time. */
static int obs_at(reader *R, const yamltree_node *item, const char *key, const char *path,
                  double week, size_t *out)
{
    const double day = week * DAYS_PER_WEEK;
    for (size_t k = 0; k < R->n_obs; k++)
        if (fabs(R->obs_days[k] - day) < 1e-6) {
            *out = k;
            return 1;
        }
    char p[160];
    snprintf(p, sizeof p, "%s.%s", path, key);
    err(R, yamltree_get(item, key) ? yamltree_get(item, key) : item, p,
        "week %g is not an observation time of this scenario (observations every %g weeks "
        "up to week %g); choose a multiple of observe_every_weeks or the horizon",
        week, R->sc->observe_every_weeks, R->sc->horizon_weeks);
    return 0;
}

static void load_one(reader *R, const yamltree_node *item, const char *path, target *t)
{
    t->variable = t->event = t->per_event = t->condition = -1;
    t->scale = 1.0;
    t->calibrate = 1;
    t->file = item->file;
    t->line = item->line;
    t->col = item->col;
    if (item->kind != YAMLTREE_MAPPING) {
        err(R, item, path, "a target is a mapping (id:, measure:, published:, accept:, ...), "
                           "not %s", yamltree_kind_name(item->kind));
        return;
    }
    for (size_t i = 0; i < item->count; i++) {
        const yamltree_node *k = item->pairs[i].key;
        if (lookup(k->text, target_keys, sizeof target_keys / sizeof *target_keys - 1) < 0) {
            char list[600];
            list_names(list, sizeof list, target_keys, sizeof target_keys / sizeof *target_keys - 1);
            err(R, k, path, "unknown key '%s' in a target; the keys are: %s", k->text, list);
        }
    }
    static const char *const text_keys[] = {"id", "what", "source", "tolerance"};
    char **slots[] = {&t->id, &t->what, &t->source, &t->tolerance};
    for (size_t i = 0; i < 4; i++) {
        const yamltree_node *v = scalar(R, item, text_keys[i], path, 1);
        if (v)
            *slots[i] = dup_text(R, v->text);
    }
    const yamltree_node *u = scalar(R, item, "units", path, 0);
    if (u)
        t->units = dup_text(R, u->text);

    int m = named(R, item, "measure", path, target_measure_names, TM_COUNT, 1);
    if (m < 0)
        return;
    t->measure = (target_measure)m;
    const int need = needs(t->measure);

    const char *var_names[OV_COUNT];
    for (size_t i = 0; i < OV_COUNT; i++)
        var_names[i] = obs_var_table[i].name;
    t->variable = named(R, item, "variable", path, var_names, OV_COUNT, need & NEED_VARIABLE);
    t->event = named(R, item, "event", path, obs_count_names, EVC_COUNT, need & NEED_EVENT);
    t->per_event = named(R, item, "per_event", path, obs_count_names, EVC_COUNT, need & NEED_PER_EVENT);
    t->condition = named(R, item, "condition", path, obs_prevalence_names, PREV_COUNT,
                         need & NEED_CONDITION);

    t->arm = R->sc->reference;
    arm_index(R, item, "arm", path, &t->arm, 0);
    if (need & NEED_VERSUS) {
        if (arm_index(R, item, "versus", path, &t->versus, 1) && t->versus == t->arm) {
            char p[160];
            snprintf(p, sizeof p, "%s.versus", path);
            err(R, yamltree_get(item, "versus"), p, "'versus' must name a different arm than 'arm'");
        }
    }

    t->from_week = 0;
    t->at_week = R->sc->horizon_weeks;
    real(R, item, "from_week", path, &t->from_week, 0);
    real(R, item, "at_week", path, &t->at_week, 0);
    obs_at(R, item, "from_week", path, t->from_week, &t->from_obs);
    obs_at(R, item, "at_week", path, t->at_week, &t->at_obs);
    if (t->at_week <= t->from_week && t->measure != TM_BASELINE_MEAN &&
        t->measure != TM_PREVALENCE) {
        char p[160];
        snprintf(p, sizeof p, "%s.at_week", path);
        err(R, item, p, "at_week (%g) must come after from_week (%g)", t->at_week, t->from_week);
    }
    if (need & NEED_RECOVER) {
        if (real(R, item, "recover_week", path, &t->recover_week, 1) &&
            obs_at(R, item, "recover_week", path, t->recover_week, &t->recover_obs) &&
            t->recover_week <= t->at_week) {
            char p[160];
            snprintf(p, sizeof p, "%s.recover_week", path);
            err(R, yamltree_get(item, "recover_week"), p, "recover_week must come after at_week");
        }
    }
    if (need & NEED_WITHIN) {
        if (real(R, item, "within_weeks", path, &t->within_weeks, 1) && !(t->within_weeks > 0)) {
            char p[160];
            snprintf(p, sizeof p, "%s.within_weeks", path);
            err(R, yamltree_get(item, "within_weeks"), p, "within_weeks must be positive");
        }
    }
    if (real(R, item, "scale", path, &t->scale, 0) && !(t->scale != 0)) {
        char p[160];
        snprintf(p, sizeof p, "%s.scale", path);
        err(R, yamltree_get(item, "scale"), p, "scale must not be zero");
    }
    real(R, item, "published", path, &t->published, 1);

    char p[160];
    snprintf(p, sizeof p, "%s.accept", path);
    const yamltree_node *acc = yamltree_get(item, "accept");
    if (!acc) {
        err(R, item, p, "missing required key 'accept' ([low, high]: the interval the "
                        "simulated value must fall in)");
    } else if (acc->kind != YAMLTREE_SEQUENCE || acc->count != 2 ||
               acc->items[0]->kind != YAMLTREE_SCALAR || acc->items[1]->kind != YAMLTREE_SCALAR ||
               yamltree_parse_real(acc->items[0]->text, &t->accept_lo) != 1 ||
               yamltree_parse_real(acc->items[1]->text, &t->accept_hi) != 1) {
        err(R, acc, p, "expected [low, high], two finite numbers");
    } else if (!(t->accept_lo < t->accept_hi)) {
        err(R, acc, p, "low (%g) must be below high (%g)", t->accept_lo, t->accept_hi);
    } else if (t->published < t->accept_lo || t->published > t->accept_hi) {
        err(R, acc, p, "the published value %g lies outside [%g, %g]", t->published,
            t->accept_lo, t->accept_hi);
    }

    const yamltree_node *cal = scalar(R, item, "calibrate", path, 0);
    if (cal) {
        if (strcmp(cal->text, "true") == 0)
            t->calibrate = 1;
        else if (strcmp(cal->text, "false") == 0)
            t->calibrate = 0;
        else
            err(R, cal, path, "calibrate: expected true or false, found '%s'", cal->text);
    }
}

msk_status target_list_load(target_list *tl, const scenario *sc, const double *obs_days,
                            size_t n_obs, diag_list *diags)
{
    memset(tl, 0, sizeof *tl);
    reader R = {sc, obs_days, n_obs, diags, 0};
    const size_t errors_before = diags->errors;
    yamltree tree;
    yamltree_init(&tree);
    msk_status st = yamltree_parse_string(&tree, sc->source_path, sc->source_text,
                                          strlen(sc->source_text), diags);
    if (st != MSK_OK || !tree.root) {
        yamltree_fini(&tree);
        return st == MSK_OK ? MSK_OK : st;
    }
    const yamltree_node *seq = yamltree_get(tree.root, "targets");
    if (seq && seq->kind != YAMLTREE_SEQUENCE) {
        err(&R, seq, "targets", "expected a list of targets ('- id: ...' items), found %s",
            yamltree_kind_name(seq->kind));
    } else if (seq && seq->count > 0) {
        if (sc->replicates != 1)
            err(&R, seq, "targets", "targets are measured in one population: set replicates: 1 "
                                    "and raise population.size instead");
        tl->items = calloc(seq->count, sizeof *tl->items);
        if (!tl->items) {
            yamltree_fini(&tree);
            return MSK_ENOMEM;
        }
        tl->count = seq->count;
        for (size_t i = 0; i < seq->count; i++) {
            char path[64];
            snprintf(path, sizeof path, "targets[%zu]", i);
            load_one(&R, seq->items[i], path, &tl->items[i]);
            /* Nodes die with the tree: keep the file name the scenario owns. */
            tl->items[i].file = sc->source_path;
            for (size_t j = 0; j < i && tl->items[i].id; j++)
                if (tl->items[j].id && strcmp(tl->items[j].id, tl->items[i].id) == 0)
                    err(&R, seq->items[i], path, "target id '%s' is used twice in this file",
                        tl->items[i].id);
        }
    }
    yamltree_fini(&tree);
    if (R.failed_alloc) {
        target_list_fini(tl);
        return MSK_ENOMEM;
    }
    if (diags->errors > errors_before) {
        target_list_fini(tl);
        return MSK_EDATA;
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
