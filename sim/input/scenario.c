/* scenario.c — load a scenario file, validate it against scenario.def and params.def,
 * and write the effective values back as YAML.
 *
 * The file is read into a located tree (yamltree), --set overrides are applied to the
 * tree, and the tree is then walked once against descriptor tables generated from the
 * .def files. Every problem becomes a diagnostic located at the offending node; the
 * walk never stops at the first one, so `msksim check` can report a file in one go. */
#include "scenario.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <threads.h>

#include "yamltree.h"

/* ---- Descriptor table generated from scenario.def ------------------------------ */

typedef enum { SEC_top, SEC_population, SEC_record, SEC_exposure, SEC_intervention } section_id;
typedef enum { KIND_REAL, KIND_INT, KIND_BOOL, KIND_STRING, KIND_ENUM } field_kind;

typedef struct {
    section_id section;
    const char *key;
    field_kind kind;
    const char *unit;
    double def;           /* REAL/INT/BOOL/ENUM; NAN: no default */
    const char *def_text; /* STRING; NULL: no default */
    double min, max;
    const char *choices, *applies, *help;
    size_t offset; /* inside the struct of the section */
} field_info;

#define DEFAULT_REAL(d) (d), NULL
#define DEFAULT_INT(d) (d), NULL
#define DEFAULT_BOOL(d) (d), NULL
#define DEFAULT_ENUM(d) (d), NULL
#define DEFAULT_STRING(d) 0.0, (d)
#define OFFSET_top(key) offsetof(scenario, key)
#define OFFSET_population(key) offsetof(population_spec, key)
#define OFFSET_record(key) offsetof(record_spec, key)
#define OFFSET_exposure(key) offsetof(exposure_spec, key)
#define OFFSET_intervention(key) offsetof(intervention_spec, key)

static const field_info fields[] = {
#define FIELD(section, key, kind, unit, def, lo, hi, choices, applies, help)                  \
    {SEC_##section, #key,  KIND_##kind, unit,    DEFAULT_##kind(def), lo,                      \
     hi,            choices, applies,   help,    OFFSET_##section(key)},
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

/* Keys of the top level that are not scalar fields of the table. */
/* targets: is read by the evidence module (target.h); the run ignores it. */
static const char *const top_extra[] = {"population", "record", "exposures", "arms",
                                        "model",      "targets", NULL};
static const char *const arm_keys[] = {"name", "interventions", NULL};

/* ---- Choice names -------------------------------------------------------------- */

/* ENUM choices are "a|b|c" strings in the table, and the preprocessor cannot split a
 * string, yet scenario_choice_name must return NUL-terminated names. They are split
 * once, under call_once, into a table that is never written again. */
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
    int count[F_COUNT];
} choice_table;

static choice_table split_choices_table;
static once_flag split_choices_once = ONCE_FLAG_INIT;

static void split_choices(void)
{
    choice_table *ct = &split_choices_table;
    size_t used = 0;
    for (size_t i = 0; i < F_COUNT; i++) {
        if (!fields[i].choices)
            continue;
        const size_t len = strlen(fields[i].choices) + 1;
        MSK_ASSERT(used + len <= sizeof ct->store);
        char *s = memcpy(ct->store + used, fields[i].choices, len);
        used += len;
        for (char *tok = s;;) {
            MSK_ASSERT(ct->count[i] < MAX_CHOICES);
            ct->name[i][ct->count[i]++] = tok;
            char *bar = strchr(tok, '|');
            if (!bar)
                break;
            *bar = '\0';
            tok = bar + 1;
        }
    }
}

static const choice_table *choices(void)
{
    call_once(&split_choices_once, split_choices);
    return &split_choices_table;
}

static int choice_count(size_t f)
{
    return choices()->count[f];
}

static const char *choice_name(size_t f, int index)
{
    const choice_table *ct = choices();
    return (index >= 0 && index < ct->count[f]) ? ct->name[f][index] : NULL;
}

static int choice_index(size_t f, const char *text)
{
    for (int i = 0; i < choice_count(f); i++)
        if (strcmp(choice_name(f, i), text) == 0)
            return i;
    return -1;
}

static void choice_list(size_t f, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (int i = 0; i < choice_count(f) && o < size; i++)
        o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? ", " : "", choice_name(f, i));
}

const char *scenario_choice_name(const char *section, const char *key, int index)
{
    static const char *const section_names[] = {"top", "population", "record", "exposure",
                                                "intervention"};
    for (size_t i = 0; i < F_COUNT; i++)
        if (fields[i].choices && strcmp(section_names[fields[i].section], section) == 0 &&
            strcmp(fields[i].key, key) == 0)
            return choice_name(i, index);
    return NULL;
}

/* ---- Intervention rules ("applies" column) -------------------------------------- */

static const char *type_name(int type)
{
    return choice_name(F_intervention_type, type);
}

/* Is TYPE in the "|"-separated LIST? "*" holds every type. */
static int type_in_list(const char *list, int type)
{
    if (strcmp(list, "*") == 0)
        return 1;
    const char *name = type_name(type);
    if (!name)
        return 0;
    const size_t n = strlen(name);
    for (const char *s = list;;) {
        const char *bar = strchr(s, '|');
        const size_t len = bar ? (size_t)(bar - s) : strlen(s);
        if (len == n && strncmp(s, name, n) == 0)
            return 1;
        if (!bar)
            return 0;
        s = bar + 1;
    }
}

static int applies_to(const field_info *f, int type)
{
    if (!f->applies)
        return 1;
    return type_in_list(f->applies + (f->applies[0] == '!'), type);
}

static int has_default(const field_info *f)
{
    return f->kind == KIND_STRING ? f->def_text != NULL : !isnan(f->def);
}

/* Must the key be given? Outside interventions: when it has no default. Inside: when
 * "!" marks it for TYPE, or when it applies to every type and has no default (type
 * itself). TYPE < 0 means the type is unknown: only the type-independent rules hold. */
static int is_required(const field_info *f, int type)
{
    if (!f->applies)
        return !has_default(f);
    if (f->applies[0] == '!')
        return strcmp(f->applies + 1, "*") == 0 || (type >= 0 && type_in_list(f->applies + 1, type));
    return strcmp(f->applies, "*") == 0 && !has_default(f);
}

/* ---- Diagnostics --------------------------------------------------------------- */

typedef struct {
    diag_list *d;
    int nomem;
    size_t errors_before; /* errors in d when loading began */
    int flooded;          /* SCENARIO_MAX_ERRORS reached: the rest is not reported */
} loader;

/* True once SCENARIO_MAX_ERRORS errors were reported; the first time, one note at AT
 * says so. Keeps a file of thousands of mistakes from costing thousands of
 * suggestions (each an edit distance against every valid key). */
static int flooded(loader *L, const yamltree_node *at)
{
    if (L->d->errors - L->errors_before < SCENARIO_MAX_ERRORS)
        return 0;
    if (!L->flooded)
        diag_add(L->d, DIAG_NOTE, at ? at->file : "", at ? at->line : 0, at ? at->col : 0, "",
                 "more errors follow from here; only the first %d are reported",
                 SCENARIO_MAX_ERRORS);
    L->flooded = 1;
    return 1;
}

static void report(loader *L, diag_severity sev, const yamltree_node *at, const char *path,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void report(loader *L, diag_severity sev, const yamltree_node *at, const char *path,
                   const char *fmt, ...)
{
    if (sev == DIAG_ERROR && flooded(L, at))
        return;
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_add(L->d, sev, at ? at->file : "", at ? at->line : 0, at ? at->col : 0, path, "%s",
             msg);
}

/* User text quoted in a message: truncated, control characters masked. */
#define SHOW_SIZE 48
static const char *show(const char *s, char *buf)
{
    size_t o = 0;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (o + 4 >= SHOW_SIZE) {
            while (o > 0 && ((unsigned char)buf[o - 1] & 0xC0) == 0x80)
                o--; /* do not cut a UTF-8 character in half */
            if (o > 0 && (unsigned char)buf[o - 1] >= 0xC0)
                o--;
            memcpy(buf + o, "...", 4);
            return buf;
        }
        buf[o++] = (*c < 0x20 || *c == 0x7F) ? '?' : (char)*c;
    }
    buf[o] = '\0';
    return buf;
}

static const char *fmt_real(double x, char *buf)
{
    yamltree_format_real(x, buf, 32);
    return buf;
}

static void join_key(char *out, size_t size, const char *path, const char *key)
{
    char k[SHOW_SIZE];
    const int n = snprintf(out, size, "%s%s%s", path, path[0] ? "." : "", show(key, k));
    if (n < 0 || (size_t)n >= size)
        memcpy(out + size - 4, "...", 4); /* a path this long is itself a mistake */
}

static void join_index(char *out, size_t size, const char *path, size_t i)
{
    snprintf(out, size, "%s[%zu]", path, i);
}

/* " (people)"; nothing for dimensionless quantities. */
static const char *unit_suffix(const char *unit, char *buf, size_t size)
{
    if (!unit || !unit[0] || strcmp(unit, "1") == 0)
        buf[0] = '\0';
    else
        snprintf(buf, size, " (%s)", unit);
    return buf;
}

/* ---- Suggestions for unknown keys ---------------------------------------------- */

/* Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), so
 * "sise" -> "size" and "szie" -> "size" both cost 1. Keys are short; longer inputs
 * get no suggestion. */
#define SUGGEST_MAX_LEN 64
static size_t edit_distance(const char *a, const char *b)
{
    const size_t n = strlen(a), m = strlen(b);
    size_t rows[3][SUGGEST_MAX_LEN + 1];
    size_t *pp = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= m; j++)
        prev[j] = j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= m; j++) {
            const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t v = prev[j - 1] + cost;
            if (prev[j] + 1 < v)
                v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
                v = pp[j - 2] + 1;
            cur[j] = v;
        }
        size_t *t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    return prev[m];
}

static const char *suggest(const char *key, const char *const *cand, size_t n)
{
    const size_t len = strlen(key);
    if (len == 0 || len > SUGGEST_MAX_LEN)
        return NULL;
    const size_t limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        if (strlen(cand[i]) > SUGGEST_MAX_LEN)
            continue;
        size_t d = edit_distance(key, cand[i]);
        /* "horizon" for "horizon_weeks" (and "turnover_rate" for "turnover"): a
         * prefix is as good as a typo. */
        const size_t cl = strlen(cand[i]);
        if (d > limit && ((len >= 3 && strncmp(cand[i], key, len) == 0) ||
                          (cl >= 4 && strncmp(key, cand[i], cl) == 0)))
            d = limit;
        if (d <= limit && d < best_d) {
            best = cand[i];
            best_d = d;
        }
    }
    return best;
}

#define MAX_CANDIDATES 64
static void unknown_key(loader *L, const yamltree_node *key, const char *path,
                        const char *const *cand, size_t n, const char *extra_hint)
{
    char k[SHOW_SIZE], where[160], keypath[256], tail[700];
    if (flooded(L, key))
        return;
    if (path[0])
        snprintf(where, sizeof where, "in %s", path);
    else
        snprintf(where, sizeof where, "at the top level");
    const char *s = suggest(key->text, cand, n);
    if (s) {
        snprintf(tail, sizeof tail, "; did you mean '%s'?", s);
    } else if (n <= 16) {
        size_t o = (size_t)snprintf(tail, sizeof tail, "; valid keys: ");
        for (size_t i = 0; i < n && o < sizeof tail; i++)
            o += (size_t)snprintf(tail + o, sizeof tail - o, "%s%s", i ? ", " : "", cand[i]);
    } else {
        snprintf(tail, sizeof tail, "; `msksim params --markdown` lists the valid keys");
    }
    join_key(keypath, sizeof keypath, path, key->text);
    report(L, DIAG_ERROR, key, keypath, "unknown key '%s' %s%s%s", show(key->text, k), where,
           tail, extra_hint ? extra_hint : "");
}

/* ---- Values ------------------------------------------------------------------- */

static int parse_real(const char *s, double *out)
{
    return yamltree_parse_real(s, out);
}

/* Strict whole number: [-] (0 | [1-9][0-9]*). Returns 1 with *out set; 0 when not an
 * integer, -1 for a leading zero (010 would be ten here and eight in C or YAML 1.1),
 * -2 when it does not fit a long long. */
static int parse_int(const char *s, long long *out)
{
    const char *p = s + (*s == '-');
    if (!(*p >= '0' && *p <= '9'))
        return 0;
    for (const char *q = p; *q; q++)
        if (!(*q >= '0' && *q <= '9'))
            return 0;
    if (p[0] == '0' && p[1])
        return -1;
    errno = 0;
    const long long v = strtoll(s, NULL, 10);
    if (errno == ERANGE)
        return -2;
    *out = v;
    return 1;
}

static void *at_offset(void *base, const field_info *f)
{
    return (char *)base + f->offset;
}

static const void *at_offset_c(const void *base, const field_info *f)
{
    return (const char *)base + f->offset;
}

static const char *expectation(const field_info *f, size_t fi, char *buf, size_t size)
{
    switch (f->kind) {
    case KIND_REAL:
        return "a number";
    case KIND_INT:
        return "a whole number";
    case KIND_BOOL:
        return "true or false";
    case KIND_STRING:
        return "a text";
    case KIND_ENUM: {
        char list[400];
        choice_list(fi, list, sizeof list);
        snprintf(buf, size, "one of: %s", list);
        return buf;
    }
    }
    return "?";
}

static void set_string(loader *L, char **slot, const char *text)
{
    char *s = text ? strdup(text) : NULL;
    if (text && !s)
        L->nomem = 1;
    free(*slot);
    *slot = s;
}

static void set_default(loader *L, const field_info *f, void *base)
{
    void *p = at_offset(base, f);
    switch (f->kind) {
    case KIND_REAL:
        *(double *)p = f->def;
        break;
    case KIND_INT:
        *(long long *)p = isnan(f->def) ? 0 : (long long)f->def;
        break;
    case KIND_BOOL:
    case KIND_ENUM:
        *(int *)p = isnan(f->def) ? -1 : (int)f->def;
        break;
    case KIND_STRING:
        set_string(L, (char **)p, f->def_text);
        break;
    }
}

static void check_range(loader *L, const field_info *f, const yamltree_node *v, const char *path,
                        double x, int *ok)
{
    if (x >= f->min && x <= f->max)
        return;
    char t[SHOW_SIZE], lo[32], hi[32], u[48];
    report(L, DIAG_ERROR, v, path, "value %s is out of range [%s, %s]%s", show(v->text, t),
           fmt_real(f->min, lo), fmt_real(f->max, hi), unit_suffix(f->unit, u, sizeof u));
    *ok = 0;
}

/* Parse V into the slot of field FI (f describes it; FI is its row for ENUM choices,
 * or -1). Returns 1 when a value was stored. On failure REAL slots become NAN and ENUM
 * slots -1, so cross-field checks (which compare with >, <) skip them instead of
 * reporting follow-on errors. */
static int parse_value(loader *L, const field_info *f, size_t fi, const yamltree_node *v,
                       void *base, const char *path)
{
    char t[SHOW_SIZE], e[480];
    void *p = at_offset(base, f);
    int ok = 1;
    if (v->kind != YAMLTREE_SCALAR) {
        report(L, DIAG_ERROR, v, path, "expected %s, found %s", expectation(f, fi, e, sizeof e),
               yamltree_kind_name(v->kind));
        ok = 0;
    } else if (yamltree_is_null(v)) {
        if (f->kind == KIND_STRING && f->def_text)
            return 1; /* "description:" with nothing after it: keep the default */
        report(L, DIAG_ERROR, v, path, "no value given; expected %s",
               expectation(f, fi, e, sizeof e));
        ok = 0;
    } else if (v->quoted && f->kind != KIND_STRING && f->kind != KIND_ENUM) {
        report(L, DIAG_ERROR, v, path, "expected %s, found the quoted text \"%s\" (remove the quotes)",
               expectation(f, fi, e, sizeof e), show(v->text, t));
        ok = 0;
    } else {
        switch (f->kind) {
        case KIND_REAL: {
            double x = 0;
            const int r = parse_real(v->text, &x);
            if (r == 0)
                report(L, DIAG_ERROR, v, path, "'%s' is not a number", show(v->text, t));
            else if (r < 0)
                report(L, DIAG_ERROR, v, path, "'%s' is not a finite number", show(v->text, t));
            ok = r == 1;
            if (ok)
                check_range(L, f, v, path, x, &ok);
            if (ok)
                *(double *)p = x;
            break;
        }
        case KIND_INT: {
            long long x = 0;
            const int r = parse_int(v->text, &x);
            if (r == 0)
                report(L, DIAG_ERROR, v, path, "'%s' is not a whole number", show(v->text, t));
            else if (r == -1)
                report(L, DIAG_ERROR, v, path,
                       "'%s' has a leading zero; write whole numbers without one", show(v->text, t));
            ok = r == 1 || r == -2;
            if (r == -2)
                x = v->text[0] == '-' ? -1 : 1; /* only its side of the range matters */
            if (ok)
                check_range(L, f, v, path, r == -2 ? (double)x * HUGE_VAL : (double)x, &ok);
            if (ok)
                *(long long *)p = x;
            break;
        }
        case KIND_BOOL:
            if (strcmp(v->text, "true") == 0)
                *(int *)p = 1;
            else if (strcmp(v->text, "false") == 0)
                *(int *)p = 0;
            else {
                report(L, DIAG_ERROR, v, path, "expected true or false, found '%s'",
                       show(v->text, t));
                ok = 0;
            }
            break;
        case KIND_ENUM: {
            const int i = choice_index(fi, v->text);
            if (i < 0) {
                char list[400];
                choice_list(fi, list, sizeof list);
                report(L, DIAG_ERROR, v, path, "'%s' is not a valid %s; choose one of: %s",
                       show(v->text, t), f->key, list);
                ok = 0;
            } else {
                *(int *)p = i;
            }
            break;
        }
        case KIND_STRING:
            set_string(L, (char **)p, v->text);
            break;
        }
    }
    if (!ok && f->kind == KIND_REAL)
        *(double *)p = NAN;
    if (!ok && f->kind == KIND_ENUM)
        *(int *)p = -1;
    return ok;
}

static int in_list(const char *const *list, const char *s)
{
    for (; list && *list; list++)
        if (strcmp(*list, s) == 0)
            return 1;
    return 0;
}

/* Walk mapping MAP against the rows of section SEC, storing into BASE. Defaults are
 * set first; keys listed in EXTRA are left to the caller. GIVEN[row] receives the
 * value node of each key found. AT locates "missing key" errors when MAP is absent.
 * TYPE is the intervention type (or -1) for the "applies" rules. */
static void load_section(loader *L, section_id sec, const yamltree_node *map,
                         const yamltree_node *at, void *base, const char *path, int type,
                         const char *const *extra, const yamltree_node **given)
{
    char keypath[256], k[SHOW_SIZE];
    for (size_t i = 0; i < F_COUNT; i++)
        if (fields[i].section == sec)
            set_default(L, &fields[i], base);
    if (map && yamltree_is_null(map))
        map = NULL;
    if (map && map->kind != YAMLTREE_MAPPING) {
        report(L, DIAG_ERROR, map, path, "expected a mapping (key: value lines), found %s",
               yamltree_kind_name(map->kind));
        return;
    }
    for (size_t p = 0; map && p < map->count; p++) {
        const yamltree_node *key = map->pairs[p].key;
        if (in_list(extra, key->text))
            continue;
        size_t fi = F_COUNT;
        for (size_t i = 0; i < F_COUNT; i++)
            if (fields[i].section == sec && strcmp(fields[i].key, key->text) == 0)
                fi = i;
        if (fi == F_COUNT) {
            const char *cand[MAX_CANDIDATES];
            size_t n = 0;
            for (size_t i = 0; i < F_COUNT && n < MAX_CANDIDATES; i++)
                if (fields[i].section == sec)
                    cand[n++] = fields[i].key;
            for (const char *const *x = extra; x && *x && n < MAX_CANDIDATES; x++)
                cand[n++] = *x;
            unknown_key(L, key, path, cand, n, NULL);
            continue;
        }
        join_key(keypath, sizeof keypath, path, key->text);
        if (sec == SEC_intervention && type >= 0 && !applies_to(&fields[fi], type)) {
            report(L, DIAG_ERROR, key, keypath,
                   "'%s' does not apply to an intervention of type '%s'", show(key->text, k),
                   type_name(type));
            continue;
        }
        given[fi] = map->pairs[p].value;
        parse_value(L, &fields[fi], fi, map->pairs[p].value, base, keypath);
    }
    for (size_t i = 0; i < F_COUNT; i++) {
        if (fields[i].section != sec || given[i] || !is_required(&fields[i], type))
            continue;
        join_key(keypath, sizeof keypath, path, fields[i].key);
        if (!map)
            report(L, DIAG_ERROR, at, keypath, "missing required key '%s' (there is no '%s:')",
                   fields[i].key, path);
        else if (fields[i].applies && fields[i].applies[0] == '!' && strcmp(fields[i].applies, "!*"))
            report(L, DIAG_ERROR, map, keypath,
                   "missing required key '%s' (an intervention of type '%s' needs it)",
                   fields[i].key, type_name(type));
        else
            report(L, DIAG_ERROR, map, keypath, "missing required key '%s'", fields[i].key);
    }
}

static const yamltree_node *where_or(const yamltree_node *a, const yamltree_node *b)
{
    return a ? a : b;
}

/* ---- Model parameters ---------------------------------------------------------- */

static void load_model(loader *L, const yamltree_node *model, model_params *m)
{
    char path[256], k[SHOW_SIZE];
    if (!model || yamltree_is_null(model))
        return;
    if (model->kind != YAMLTREE_MAPPING) {
        report(L, DIAG_ERROR, model, "model",
               "expected a mapping of parameter groups (model: {muscle: {...}}), found %s",
               yamltree_kind_name(model->kind));
        return;
    }
    const char *groups[MAX_CANDIDATES];
    size_t ng = 0;
    for (size_t i = 0; i < model_param_count; i++) {
        int seen = 0;
        for (size_t g = 0; g < ng; g++)
            seen |= strcmp(groups[g], model_param_table[i].group) == 0;
        if (!seen && ng < MAX_CANDIDATES)
            groups[ng++] = model_param_table[i].group;
    }
    for (size_t gp = 0; gp < model->count; gp++) {
        const yamltree_node *gkey = model->pairs[gp].key, *gval = model->pairs[gp].value;
        join_key(path, sizeof path, "model", gkey->text);
        int known = 0;
        for (size_t g = 0; g < ng; g++)
            known |= strcmp(groups[g], gkey->text) == 0;
        if (!known) {
            unknown_key(L, gkey, "model", groups, ng, NULL);
            continue;
        }
        if (yamltree_is_null(gval))
            continue;
        if (gval->kind != YAMLTREE_MAPPING) {
            report(L, DIAG_ERROR, gval, path, "expected a mapping (name: value lines), found %s",
                   yamltree_kind_name(gval->kind));
            continue;
        }
        for (size_t pp = 0; pp < gval->count; pp++) {
            const yamltree_node *pkey = gval->pairs[pp].key;
            const model_param_info *row = NULL, *elsewhere = NULL;
            for (size_t i = 0; i < model_param_count; i++) {
                if (strcmp(model_param_table[i].name, pkey->text) != 0)
                    continue;
                if (strcmp(model_param_table[i].group, gkey->text) == 0)
                    row = &model_param_table[i];
                else
                    elsewhere = &model_param_table[i];
            }
            char keypath[256];
            join_key(keypath, sizeof keypath, path, pkey->text);
            if (!row) {
                const char *cand[MAX_CANDIDATES];
                size_t n = 0;
                for (size_t i = 0; i < model_param_count && n < MAX_CANDIDATES; i++)
                    if (strcmp(model_param_table[i].group, gkey->text) == 0)
                        cand[n++] = model_param_table[i].name;
                char hint[128] = "";
                if (elsewhere)
                    snprintf(hint, sizeof hint, " ('%s' is a parameter of model.%s)",
                             show(pkey->text, k), elsewhere->group);
                unknown_key(L, pkey, path, cand, n, hint);
                continue;
            }
            /* A model parameter is a REAL row of its own table. */
            const field_info f = {.section = SEC_top, .key = row->name, .kind = KIND_REAL,
                                  .unit = row->unit, .def = row->def, .min = row->min,
                                  .max = row->max, .offset = row->offset};
            parse_value(L, &f, F_COUNT, gval->pairs[pp].value, m, keypath);
            /* A bad value must not leave NAN in the model: keep the previous layer. */
            double *slot = (double *)((char *)m + row->offset);
            if (isnan(*slot))
                *slot = row->def;
        }
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

/* A parameter file holds only `model:`; it is read with the same rules, and its
 * problems are located in that file. */
static void load_parameter_file(loader *L, const scenario *sc, const yamltree_node *at,
                                model_params *m)
{
    char *file = scenario_resolve_path(sc->source_path, sc->parameters);
    if (!file) {
        L->nomem = 1;
        return;
    }
    /* The path is shown whole: a shortened path would not say which file is missing. */
    char shown[600];
    size_t o = 0;
    for (const char *c = file; *c && o + 1 < sizeof shown; c++)
        shown[o++] = ((unsigned char)*c < 0x20 || *c == 0x7F) ? '?' : *c;
    shown[o] = '\0';
    /* A scenario names this file, so it must not make `check` wait on a FIFO or a
     * terminal, or read a device: only regular files are parameter files. */
    struct stat info;
    if (stat(file, &info) == 0 && !S_ISREG(info.st_mode)) {
        report(L, DIAG_ERROR, at, "parameters",
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
        report(L, DIAG_ERROR, at, "parameters", "cannot read parameter file '%s': %s", shown,
               local.count ? local.items[0].message : "unreadable");
    } else {
        for (size_t i = 0; i < local.count; i++) {
            const diag *g = &local.items[i];
            diag_add(L->d, g->severity, g->file, g->line, g->col, g->path, "%s", g->message);
        }
        if (st == MSK_ENOMEM)
            L->nomem = 1;
        else if (st == MSK_OK && !t.root)
            diag_add(L->d, DIAG_ERROR, file, 1, 1, "",
                     "the parameter file is empty; it should hold a `model:` mapping");
        else if (t.root && t.root->kind != YAMLTREE_MAPPING)
            report(L, DIAG_ERROR, t.root, "",
                   "a parameter file holds a `model:` mapping, not %s",
                   yamltree_kind_name(t.root->kind));
        else if (t.root) {
            for (size_t i = 0; i < t.root->count; i++) {
                const yamltree_node *key = t.root->pairs[i].key;
                if (strcmp(key->text, "model") == 0) {
                    load_model(L, t.root->pairs[i].value, m);
                } else {
                    char k[SHOW_SIZE];
                    report(L, DIAG_ERROR, key, key->text,
                           "a parameter file holds only `model:`; '%s' belongs in the scenario",
                           show(key->text, k));
                }
            }
        }
    }
    yamltree_fini(&t);
    diag_list_fini(&local);
    free(file);
}

/* ---- Sections and lists -------------------------------------------------------- */

static int valid_name(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++) {
        const char c = s[n];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return 0;
    }
    return n >= 1 && n <= 64;
}

#define NAME_RULE "use 1 to 64 letters, digits, '-' or '_'"

static void check_population(loader *L, const population_spec *p, const yamltree_node *map,
                             const yamltree_node **given)
{
    char a[32], b[32];
    const yamltree_node *at;
    if (p->age_min > p->age_max) {
        at = where_or(given[F_population_age_max], map);
        report(L, DIAG_ERROR, at, "population.age_max", "age_min %s is above age_max %s",
               fmt_real(p->age_min, a), fmt_real(p->age_max, b));
    }
    if (p->neurogenic_fraction + p->myogenic_fraction > 1) {
        at = where_or(given[F_population_myogenic_fraction],
                      where_or(given[F_population_neurogenic_fraction], map));
        report(L, DIAG_ERROR, at,
               given[F_population_myogenic_fraction] ? "population.myogenic_fraction"
                                                     : "population.neurogenic_fraction",
               "neurogenic_fraction + myogenic_fraction = %s exceeds 1",
               fmt_real(p->neurogenic_fraction + p->myogenic_fraction, a));
    }
    if (p->tscore_min >= p->tscore_max) {
        at = where_or(given[F_population_tscore_max], where_or(given[F_population_tscore_min], map));
        report(L, DIAG_ERROR, at,
               given[F_population_tscore_max] ? "population.tscore_max" : "population.tscore_min",
               "tscore_min %s must be below tscore_max %s",
               fmt_real(p->tscore_min, a), fmt_real(p->tscore_max, b));
    }
    if (p->age_distribution == AGE_NORMAL &&
        (p->age_mean < p->age_min || p->age_mean > p->age_max)) {
        at = where_or(given[F_population_age_mean], map);
        report(L, DIAG_WARNING, at, "population.age_mean",
               "age_mean %s lies outside [age_min, age_max]; the truncated normal will be lopsided",
               fmt_real(p->age_mean, a));
    }
}

static void load_exposures(loader *L, const yamltree_node *seq, scenario *sc)
{
    char path[64], a[32], b[32], c[32], h[32];
    if (!seq || yamltree_is_null(seq))
        return;
    if (seq->kind != YAMLTREE_SEQUENCE) {
        report(L, DIAG_ERROR, seq, "exposures", "expected a list ('- kind: ...' items), found %s",
               yamltree_kind_name(seq->kind));
        return;
    }
    if (seq->count == 0)
        return;
    if (seq->count > SCENARIO_MAX_EXPOSURES) {
        report(L, DIAG_ERROR, seq, "exposures", "%zu exposures; at most %d are supported",
               seq->count, SCENARIO_MAX_EXPOSURES);
        return;
    }
    sc->exposures = calloc(seq->count, sizeof *sc->exposures);
    if (!sc->exposures) {
        L->nomem = 1;
        return;
    }
    sc->n_exposures = seq->count;
    for (size_t i = 0; i < seq->count; i++) {
        const yamltree_node *item = seq->items[i], *given[F_COUNT] = {0};
        exposure_spec *e = &sc->exposures[i];
        e->line = item->line;
        e->col = item->col;
        join_index(path, sizeof path, "exposures", i);
        load_section(L, SEC_exposure, item, item, e, path, -1, NULL, given);
        const double end = e->start_week + e->duration_weeks;
        if (end > sc->horizon_weeks) {
            char p2[96];
            join_key(p2, sizeof p2, path, "duration_weeks");
            report(L, DIAG_ERROR, where_or(given[F_exposure_duration_weeks], item), p2,
                   "immobilization ends after the horizon: week %s + %s weeks = week %s > horizon_weeks %s",
                   fmt_real(e->start_week, a), fmt_real(e->duration_weeks, b), fmt_real(end, c),
                   fmt_real(sc->horizon_weeks, h));
        }
    }
}

/* Thresholds that are not user parameters but advice on method. */
#define BFR_LOW_LOAD_MAX 50.0 /* %1RM; BFR resistance is done at 20-40% 1RM (Patterson 2019) */

static void check_intervention(loader *L, const intervention_spec *iv, int type,
                               const yamltree_node *item, const char *path,
                               const yamltree_node **given, const scenario *sc)
{
    char a[32], b[32], p2[128];
    const model_params *m = &sc->model;
    if (iv->start_week >= sc->horizon_weeks) {
        join_key(p2, sizeof p2, path, "start_week");
        report(L, DIAG_ERROR, where_or(given[F_intervention_start_week], item), p2,
               "starts at week %s, not before the horizon (horizon_weeks %s)",
               fmt_real(iv->start_week, a), fmt_real(sc->horizon_weeks, b));
    }
    /* The BFR types are the ones a cuff pressure applies to. */
    if (applies_to(&fields[F_intervention_cuff_pct_aop], type)) {
        const yamltree_node *gp = given[F_intervention_cuff_pct_aop],
                            *gm = given[F_intervention_cuff_mmhg];
        if (!gp && !gm)
            report(L, DIAG_ERROR, item, path,
                   "a %s intervention needs a cuff pressure: give cuff_pct_aop or cuff_mmhg",
                   type_name(type));
        if (gp && gm) {
            join_key(p2, sizeof p2, path, "cuff_mmhg");
            report(L, DIAG_ERROR, gm, p2, "give cuff_pct_aop or cuff_mmhg, not both");
        }
        join_key(p2, sizeof p2, path, "cuff_pct_aop");
        if (iv->cuff_pct_aop > m->safety_max_cuff_pct_aop)
            report(L, DIAG_ERROR, gp, p2,
                   "cuff pressure %s%% AOP is above the safe limit of %s%% AOP "
                   "(model.safety.max_cuff_pct_aop)",
                   fmt_real(iv->cuff_pct_aop, a), fmt_real(m->safety_max_cuff_pct_aop, b));
        else if (iv->cuff_pct_aop > m->safety_advised_cuff_pct_aop)
            report(L, DIAG_WARNING, gp, p2,
                   "cuff pressure %s%% AOP is above the advised %s%% AOP "
                   "(model.safety.advised_cuff_pct_aop); adverse events rise with pressure",
                   fmt_real(iv->cuff_pct_aop, a), fmt_real(m->safety_advised_cuff_pct_aop, b));
        join_key(p2, sizeof p2, path, "cuff_mmhg");
        const double flag = m->safety_max_cuff_pct_aop / 100 * m->baseline_aop_leg_mmhg;
        if (iv->cuff_mmhg > m->safety_max_cuff_mmhg)
            report(L, DIAG_ERROR, gm, p2,
                   "cuff pressure %s mmHg is above the safe limit of %s mmHg "
                   "(model.safety.max_cuff_mmhg)",
                   fmt_real(iv->cuff_mmhg, a), fmt_real(m->safety_max_cuff_mmhg, b));
        else if (iv->cuff_mmhg > flag) {
            char c[32], d[32];
            report(L, DIAG_WARNING, gm, p2,
                   "cuff pressure %s mmHg is above %s%% of the mean leg occlusion pressure "
                   "(%s mmHg); for individuals with a lower occlusion pressure the cuff is "
                   "capped at %s%% of their own (model.safety.max_cuff_pct_aop)",
                   fmt_real(iv->cuff_mmhg, a), fmt_real(m->safety_max_cuff_pct_aop, b),
                   fmt_real(flag, c), fmt_real(m->safety_max_cuff_pct_aop, d));
        }
    }
    if (type == IV_BFR_RESISTANCE && iv->load_pct_1rm > BFR_LOW_LOAD_MAX) {
        join_key(p2, sizeof p2, path, "load_pct_1rm");
        report(L, DIAG_WARNING, given[F_intervention_load_pct_1rm], p2,
               "load %s%% 1RM is high for blood-flow restriction, a low-load method "
               "(usually 20-40%% 1RM)",
               fmt_real(iv->load_pct_1rm, a));
    }
}

static void load_interventions(loader *L, const yamltree_node *seq, arm_spec *arm,
                               const char *arm_path, const scenario *sc)
{
    char path[96];
    join_key(path, sizeof path, arm_path, "interventions");
    if (!seq || yamltree_is_null(seq))
        return; /* absent or empty: the "none" arm */
    if (seq->kind != YAMLTREE_SEQUENCE) {
        report(L, DIAG_ERROR, seq, path, "expected a list ('- type: ...' items), found %s",
               yamltree_kind_name(seq->kind));
        return;
    }
    if (seq->count == 0)
        return;
    if (seq->count > SCENARIO_MAX_INTERVENTIONS) {
        report(L, DIAG_ERROR, seq, path, "%zu interventions; an arm holds at most %d",
               seq->count, SCENARIO_MAX_INTERVENTIONS);
        return;
    }
    arm->interventions = calloc(seq->count, sizeof *arm->interventions);
    if (!arm->interventions) {
        L->nomem = 1;
        return;
    }
    arm->n_interventions = seq->count;
    for (size_t i = 0; i < seq->count; i++) {
        const yamltree_node *item = seq->items[i], *given[F_COUNT] = {0};
        intervention_spec *iv = &arm->interventions[i];
        char ipath[128];
        join_index(ipath, sizeof ipath, path, i);
        iv->line = item->line;
        iv->col = item->col;
        /* The type decides which keys apply, so read it first (quietly: load_section
         * reports a bad type). */
        const yamltree_node *tv = yamltree_get(item, "type");
        int type = -1;
        if (tv && tv->kind == YAMLTREE_SCALAR)
            type = choice_index(F_intervention_type, tv->text);
        load_section(L, SEC_intervention, item, item, iv, ipath, type, NULL, given);
        if (type >= 0 && item->kind == YAMLTREE_MAPPING)
            check_intervention(L, iv, type, item, ipath, given, sc);
    }
}

static void load_arms(loader *L, const yamltree_node *seq, const yamltree_node *root,
                      scenario *sc)
{
    char path[64], k[SHOW_SIZE];
    if (!seq) {
        report(L, DIAG_ERROR, root, "arms",
               "missing required key 'arms' (a list of at least one arm)");
        return;
    }
    if (yamltree_is_null(seq) || (seq->kind == YAMLTREE_SEQUENCE && seq->count == 0)) {
        report(L, DIAG_ERROR, seq, "arms", "at least one arm is needed");
        return;
    }
    if (seq->kind != YAMLTREE_SEQUENCE) {
        report(L, DIAG_ERROR, seq, "arms", "expected a list ('- name: ...' items), found %s",
               yamltree_kind_name(seq->kind));
        return;
    }
    if (seq->count > SCENARIO_MAX_ARMS) {
        report(L, DIAG_ERROR, seq, "arms", "%zu arms; at most %d are supported", seq->count,
               SCENARIO_MAX_ARMS);
        return;
    }
    sc->arms = calloc(seq->count, sizeof *sc->arms);
    if (!sc->arms) {
        L->nomem = 1;
        return;
    }
    sc->n_arms = seq->count;
    for (size_t i = 0; i < seq->count; i++) {
        const yamltree_node *item = seq->items[i];
        arm_spec *arm = &sc->arms[i];
        join_index(path, sizeof path, "arms", i);
        arm->line = item->line;
        arm->col = item->col;
        if (item->kind != YAMLTREE_MAPPING) {
            report(L, DIAG_ERROR, item, path,
                   "expected a mapping (name: ..., interventions: [...]), found %s",
                   yamltree_kind_name(item->kind));
            continue;
        }
        for (size_t p = 0; p < item->count; p++)
            if (!in_list(arm_keys, item->pairs[p].key->text))
                unknown_key(L, item->pairs[p].key, path, arm_keys, 2, NULL);
        const yamltree_node *name = yamltree_get(item, "name");
        char npath[96];
        join_key(npath, sizeof npath, path, "name");
        if (!name) {
            report(L, DIAG_ERROR, item, npath, "missing required key 'name'");
        } else if (name->kind != YAMLTREE_SCALAR || yamltree_is_null(name)) {
            report(L, DIAG_ERROR, name, npath, "expected an arm name (%s), found %s", NAME_RULE,
                   yamltree_is_null(name) ? "nothing" : yamltree_kind_name(name->kind));
        } else if (!valid_name(name->text)) {
            report(L, DIAG_ERROR, name, npath, "arm name '%s' is not valid: %s",
                   show(name->text, k), NAME_RULE);
        } else {
            for (size_t j = 0; j < i; j++)
                if (sc->arms[j].name && strcmp(sc->arms[j].name, name->text) == 0)
                    report(L, DIAG_ERROR, name, npath,
                           "arm name '%s' is used twice (first by arms[%zu], line %d)",
                           name->text, j, sc->arms[j].line);
            set_string(L, &arm->name, name->text);
        }
        load_interventions(L, yamltree_get(item, "interventions"), arm, path, sc);
    }
}

static void walk(loader *L, const yamltree_node *root, scenario *sc)
{
    const yamltree_node *given[F_COUNT] = {0};
    char k[SHOW_SIZE];
    if (root->kind != YAMLTREE_MAPPING) {
        report(L, DIAG_ERROR, root, "",
               "a scenario is a mapping of keys (name:, horizon_weeks:, population:, arms:, ...), "
               "not %s",
               yamltree_kind_name(root->kind));
        return;
    }
    load_section(L, SEC_top, root, root, sc, "", -1, top_extra, given);
    if (sc->name && given[F_top_name] && !valid_name(sc->name))
        report(L, DIAG_ERROR, given[F_top_name], "name", "scenario name '%s' is not valid: %s",
               show(sc->name, k), NAME_RULE);

    /* Precedence: table defaults < parameter file < the scenario's model: < --set (which
     * already sits in the scenario's tree). */
    model_params_defaults(&sc->model);
    if (sc->parameters && sc->parameters[0])
        load_parameter_file(L, sc, given[F_top_parameters], &sc->model);
    load_model(L, yamltree_get(root, "model"), &sc->model);
    double factor[BASELINE_Z_COUNT][BASELINE_Z_COUNT];
    if (model_params_correlation_factor(&sc->model, factor) != 0)
        report(L, DIAG_ERROR, where_or(yamltree_get(root, "model"), root), "model.baseline",
               "the correlations corr_muscle_bone, corr_muscle_strength, corr_strength_gait and "
               "corr_activity_gait do not form a valid (positive-definite) correlation matrix; "
               "reduce their magnitudes");
    if (sc->model.safety_advised_cuff_pct_aop > sc->model.safety_max_cuff_pct_aop)
        report(L, DIAG_WARNING, where_or(yamltree_get(root, "model"), root), "model.safety",
               "advised_cuff_pct_aop is above max_cuff_pct_aop");

    const yamltree_node *pop = yamltree_get(root, "population");
    const yamltree_node *pgiven[F_COUNT] = {0};
    load_section(L, SEC_population, pop, root, &sc->population, "population", -1, NULL, pgiven);
    if (!pop || pop->kind == YAMLTREE_MAPPING)
        check_population(L, &sc->population, where_or(pop, root), pgiven);

    const yamltree_node *rgiven[F_COUNT] = {0};
    load_section(L, SEC_record, yamltree_get(root, "record"), root, &sc->record, "record", -1,
                 NULL, rgiven);

    load_exposures(L, yamltree_get(root, "exposures"), sc);
    load_arms(L, yamltree_get(root, "arms"), root, sc);

    /* The effective reference arm is written back, so provenance names it. */
    if (sc->reference_arm && sc->reference_arm[0]) {
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
            report(L, DIAG_ERROR, given[F_top_reference_arm], "reference_arm",
                   "reference_arm '%s' names no arm; the arms are: %s", show(sc->reference_arm, k),
                   list);
        }
    } else if (sc->n_arms > 0 && sc->arms[0].name) {
        sc->reference = 0;
        set_string(L, &sc->reference_arm, sc->arms[0].name);
    }
}

/* ---- Public entry points ------------------------------------------------------- */

static void free_strings(section_id sec, void *base)
{
    for (size_t i = 0; i < F_COUNT; i++)
        if (fields[i].section == sec && fields[i].kind == KIND_STRING) {
            char **s = at_offset(base, &fields[i]);
            free(*s);
            *s = NULL;
        }
}

void scenario_fini(scenario *sc)
{
    if (!sc)
        return;
    free_strings(SEC_top, sc);
    free_strings(SEC_population, &sc->population);
    free_strings(SEC_record, &sc->record);
    for (size_t i = 0; sc->exposures && i < sc->n_exposures; i++)
        free_strings(SEC_exposure, &sc->exposures[i]);
    free(sc->exposures);
    for (size_t a = 0; sc->arms && a < sc->n_arms; a++) {
        for (size_t i = 0; sc->arms[a].interventions && i < sc->arms[a].n_interventions; i++)
            free_strings(SEC_intervention, &sc->arms[a].interventions[i]);
        free(sc->arms[a].interventions);
        free(sc->arms[a].name);
    }
    free(sc->arms);
    free(sc->source_path);
    free(sc->source_text);
    free(sc->overrides);
    memset(sc, 0, sizeof *sc);
}

static char *join_lines(const char *const *s, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(s[i]) + 1;
    char *out = malloc(len), *o = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (i)
            *o++ = '\n';
        const size_t l = strlen(s[i]);
        memcpy(o, s[i], l);
        o += l;
    }
    *o = '\0';
    return out;
}

/* Malformed --set arguments are usage errors, reported before the file is read.
 * Returns 1 when there was one. */
static int bad_overrides(const char *const *overrides, size_t n_overrides, diag_list *diags)
{
    int usage = 0;
    for (size_t i = 0; i < n_overrides; i++) {
        const char *ov = overrides[i], *eq = strchr(ov, '=');
        const char *why = NULL;
        if (!eq)
            why = "expected KEY=VALUE, e.g. population.size=500";
        else if (eq == ov)
            why = "the key path before '=' is empty";
        else
            for (const char *c = ov; c < eq && !why; c++)
                if (*c == '.' && (c == ov || c + 1 == eq || c[1] == '.'))
                    why = "the key path has an empty part";
        if (why) {
            char k[SHOW_SIZE];
            diag_add(diags, DIAG_ERROR, yamltree_cmdline_file, (int)i + 1, 1, "", "--set '%s': %s",
                     show(ov, k), why);
            usage = 1;
        }
    }
    return usage;
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
    sc->overrides = join_lines(overrides, n_overrides);
    loader L = {.d = diags, .nomem = !sc->source_path || !sc->overrides,
                .errors_before = errors_before};
    int usage = 0;

    if (st == MSK_OK && !t->root)
        diag_add(diags, DIAG_ERROR, path, 1, 1, "",
                 "the file is empty (or only comments); a scenario needs at least name, "
                 "horizon_weeks, population and arms");

    for (size_t i = 0; t->root && i < n_overrides && !L.nomem; i++) {
        const char *eq = strchr(overrides[i], '=');
        char *key = strndup(overrides[i], (size_t)(eq - overrides[i]));
        if (!key) {
            L.nomem = 1;
            break;
        }
        msk_status s = yamltree_set(t, key, eq + 1, (int)i + 1, diags);
        free(key);
        if (s == MSK_ENOMEM)
            L.nomem = 1;
        else if (s == MSK_EUSAGE)
            usage = 1;
    }
    if (t->root && !usage && !L.nomem)
        walk(&L, t->root, sc);
    yamltree_fini(t);

    if (L.nomem || usage || diags->errors > errors_before) {
        scenario_fini(sc);
        return L.nomem ? MSK_ENOMEM : usage ? MSK_EUSAGE : MSK_EDATA;
    }
    return MSK_OK;
}

msk_status scenario_load(scenario *sc, const char *path, const char *const *overrides,
                         size_t n_overrides, diag_list *diags)
{
    memset(sc, 0, sizeof *sc);
    const size_t errors_before = diags->errors;
    if (bad_overrides(overrides, n_overrides, diags))
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
    if (bad_overrides(overrides, n_overrides, diags))
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
    const field_info *f = &fields[fi];
    const void *p = at_offset_c(base, f);
    char val[64];
    int n = fprintf(out, "%s%s: ", lead, f->key);
    switch (f->kind) {
    case KIND_REAL:
        yamltree_format_real(*(const double *)p, val, sizeof val);
        n += fprintf(out, "%s", val);
        break;
    case KIND_INT:
        n += fprintf(out, "%lld", *(const long long *)p);
        break;
    case KIND_BOOL:
        n += fprintf(out, "%s", *(const int *)p ? "true" : "false");
        break;
    case KIND_ENUM: {
        const char *name = choice_name(fi, *(const int *)p);
        n += fprintf(out, "%s", name ? name : "\"?\"");
        break;
    }
    case KIND_STRING: {
        const char *s = *(char *const *)p;
        yamltree_write_quoted(out, s ? s : "");
        n += 2 + (int)strlen(s ? s : "");
        break;
    }
    }
    if (f->kind == KIND_ENUM) {
        char list[400];
        choice_list(fi, list, sizeof list);
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
    for (size_t i = 0; i < F_COUNT; i++) {
        const field_info *f = &fields[i];
        if (f->section != sec)
            continue;
        if (sec == SEC_intervention && !applies_to(f, type))
            continue;
        if (f->kind == KIND_REAL && isnan(*(const double *)at_offset_c(base, f)))
            continue; /* optional and not given (e.g. the cuff pressure not chosen) */
        if (sec == SEC_top && i == F_top_parameters)
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

void scenario_write_effective(const scenario *sc, FILE *out)
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
            yamltree_format_real(*(const double *)((const char *)&sc->model + r->offset), val,
                                 sizeof val);
            int n = fprintf(out, "    %s: %s", r->name, val);
            if (r->unit[0] && strcmp(r->unit, "1") != 0)
                fprintf(out, "%*s# %s", n < COMMENT_COLUMN ? COMMENT_COLUMN - n : 1, "", r->unit);
            fputc('\n', out);
        }
    }
}
