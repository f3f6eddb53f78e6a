/* sweepfile.c — load and validate a sweep file, build its design, run one task (sweep.h).
 *
 * The file is read into a located tree (yamltree) and walked against the rows of
 * sweep.def, like scenario.c walks a scenario. The points themselves are never
 * assembled here: each is the base scenario file loaded by scenario_load with --set
 * style overrides, and the diagnostics those overrides cause are moved back to the
 * place in the sweep file where the value came from. */
#include "sweepfile.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "journal.h"
#include "results.h"
#include "version.h"
#include "yamltree.h"

/* ---- The table ------------------------------------------------------------------- */

typedef enum { SEC_top, SEC_parameter, SEC_design, SEC_outcome, SEC_COUNT } section_id;
typedef enum {
    KIND_REAL, KIND_INT, KIND_BOOL, KIND_STRING, KIND_ENUM, KIND_PATHS, KIND_NUMBERS,
    KIND_SETTINGS, KIND_LIST, KIND_SECTION
} key_kind;

static const char *const kind_names[] = {"number", "whole number", "true/false", "text", "choice",
                                         "path or list of paths", "list of numbers",
                                         "mapping path: value", "list", "mapping"};

typedef struct {
    section_id section;
    const char *key;
    key_kind kind;
    double def;           /* NAN: required (REAL, INT, BOOL, ENUM); 1 = required (others) */
    const char *def_text; /* STRING; NULL = required */
    double min, max;
    const char *choices, *help;
    size_t offset;
} key_info;

#define STRUCT_top sweep
#define STRUCT_parameter sweep_param
#define STRUCT_design sweep_design_spec
#define STRUCT_outcome sweep_outcome
#define OFFSET_REAL(s, k) offsetof(STRUCT_##s, k)
#define OFFSET_INT(s, k) offsetof(STRUCT_##s, k)
#define OFFSET_BOOL(s, k) offsetof(STRUCT_##s, k)
#define OFFSET_STRING(s, k) offsetof(STRUCT_##s, k)
#define OFFSET_ENUM(s, k) offsetof(STRUCT_##s, k)
#define OFFSET_PATHS(s, k) offsetof(STRUCT_##s, k)
#define OFFSET_NUMBERS(s, k) offsetof(STRUCT_##s, k)
#define OFFSET_SETTINGS(s, k) offsetof(STRUCT_##s, k)
#define OFFSET_LIST(s, k) 0
#define OFFSET_SECTION(s, k) 0
#define DEFAULT_REAL(d) (d), NULL
#define DEFAULT_INT(d) (d), NULL
#define DEFAULT_BOOL(d) (d), NULL
#define DEFAULT_ENUM(d) (d), NULL
#define DEFAULT_STRING(d) 0.0, (d)
#define DEFAULT_PATHS(d) (d), NULL
#define DEFAULT_NUMBERS(d) (d), NULL
#define DEFAULT_SETTINGS(d) (d), NULL
#define DEFAULT_LIST(d) (d), NULL
#define DEFAULT_SECTION(d) (d), NULL

static const key_info keys[] = {
#define SWEEP_KEY(section, key, kind, def, lo, hi, choices, help)                              \
    {SEC_##section, #key, KIND_##kind, DEFAULT_##kind(def), lo, hi, choices, help,             \
     OFFSET_##kind(section, key)},
#include "sweepfile.def"
#undef SWEEP_KEY
};
enum { N_KEYS = sizeof keys / sizeof keys[0] };

/* K_section_key: a row, for the checks that look at one key. */
enum {
#define SWEEP_KEY(section, key, ...) K_##section##_##key,
#include "sweepfile.def"
#undef SWEEP_KEY
};

/* Variable names of the result file that parameter and outcome names must not take. */
static const char *const reserved_names[] = {
    "point", "parameter", "outcome", "replicate", "document", "parameter_value", "parameter_path",
    "parameter_unit", "parameter_lower", "parameter_upper", "design_coordinate", "outcome_value",
    "outcome_unit", "outcome_replicates", "task_seed", "design_role", "design_column",
    "design_group", NULL};

/* ---- Diagnostics --------------------------------------------------------------- */

typedef struct {
    diag_list *d;
    sweep *sw;
    int nomem;
} loader;

static sweep_loc loc_of(const loader *L, const yamltree_node *n)
{
    sweep_loc at = {L->sw->source_path, 0, 0};
    if (n) {
        at.file = n->file == yamltree_cmdline_file ? yamltree_cmdline_file : L->sw->source_path;
        at.line = n->line;
        at.col = n->col;
    }
    return at;
}

static void report_at(loader *L, diag_severity sev, sweep_loc at, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void report_at(loader *L, diag_severity sev, sweep_loc at, const char *path, const char *fmt, ...)
{
    char msg[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_add(L->d, sev, at.file, at.line, at.col, path, "%s", msg);
}

#define report(L, node, path, ...) report_at(L, DIAG_ERROR, loc_of(L, node), path, __VA_ARGS__)

/* User text shown in a message: truncated, control characters masked. */
static const char *show(const char *s, char buf[64])
{
    size_t o = 0;
    for (; *s && o < 56; s++)
        buf[o++] = ((unsigned char)*s < 0x20 || *s == 0x7F) ? '?' : *s;
    if (*s)
        memcpy(buf + o, "...", 4);
    else
        buf[o] = '\0';
    return buf;
}

static char *xstrdup(loader *L, const char *s)
{
    char *c = strdup(s ? s : "");
    if (!c)
        L->nomem = 1;
    return c;
}

/* ---- Values -------------------------------------------------------------------- */

static int parse_int(const char *s, long long *out)
{
    const char *p = s + (*s == '-');
    if (!*p || (p[0] == '0' && p[1]))
        return 0;
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9')
            return 0;
    if (strlen(p) > 18)
        return 0;
    *out = strtoll(s, NULL, 10);
    return 1;
}

static int choice_index(const char *choices, const char *text)
{
    int i = 0;
    size_t n = strlen(text);
    for (const char *s = choices;; i++) {
        const char *bar = strchr(s, '|');
        size_t len = bar ? (size_t)(bar - s) : strlen(s);
        if (len == n && strncmp(s, text, n) == 0)
            return i;
        if (!bar)
            return -1;
        s = bar + 1;
    }
}

static void choice_list(const char *choices, char *buf, size_t size)
{
    size_t o = 0;
    for (const char *c = choices; *c && o + 3 < size; c++) {
        if (*c == '|') {
            buf[o++] = ',';
            buf[o++] = ' ';
        } else {
            buf[o++] = *c;
        }
    }
    buf[o] = '\0';
}

static int is_scalar(const yamltree_node *n)
{
    return n->kind == YAMLTREE_SCALAR && !yamltree_is_null(n);
}

static int parse_number(loader *L, const yamltree_node *n, const char *path, double *out)
{
    char t[64];
    if (!is_scalar(n)) {
        report(L, n, path, "expected a number, found %s",
               yamltree_is_null(n) ? "nothing" : yamltree_kind_name(n->kind));
        return 0;
    }
    if (n->quoted) {
        report(L, n, path, "expected a number, found the quoted text \"%s\" (remove the quotes)",
               show(n->text, t));
        return 0;
    }
    int r = yamltree_parse_real(n->text, out);
    if (r == 0)
        report(L, n, path, "'%s' is not a number", show(n->text, t));
    else if (r < 0)
        report(L, n, path, "'%s' is not a finite number", show(n->text, t));
    return r == 1;
}

static void strings_free(sweep_strings *s)
{
    for (size_t i = 0; s->items && i < s->count; i++)
        free(s->items[i]);
    free(s->items);
    free(s->at);
    memset(s, 0, sizeof *s);
}

static int strings_alloc(loader *L, sweep_strings *s, size_t n)
{
    s->items = calloc(n ? n : 1, sizeof *s->items);
    s->at = calloc(n ? n : 1, sizeof *s->at);
    if (!s->items || !s->at) {
        L->nomem = 1;
        strings_free(s);
        return 0;
    }
    s->count = n;
    return 1;
}

/* A scalar written back as a --set value: quoted text stays text ("'50'" is a string). */
static char *setting_text(loader *L, const char *key, const yamltree_node *v)
{
    size_t len = strlen(key) + 2 * v->length + 8;
    char *s = malloc(len);
    if (!s) {
        L->nomem = 1;
        return NULL;
    }
    size_t o = (size_t)snprintf(s, len, "%s=", key);
    if (!v->quoted) {
        snprintf(s + o, len - o, "%s", v->text);
        return s;
    }
    s[o++] = '\'';
    for (const char *c = v->text; *c; c++) {
        if (*c == '\'')
            s[o++] = '\'';
        s[o++] = *c;
    }
    s[o++] = '\'';
    s[o] = '\0';
    return s;
}

/* `set:` entries, flattened: `population: {size: 5}` and `population.size: 5` both give
 * "population.size=5". */
static void add_settings(loader *L, sweep_strings *s, const yamltree_node *map, const char *prefix,
                         const char *ypath)
{
    char t[64];
    for (size_t i = 0; i < map->count && !L->nomem; i++) {
        const yamltree_node *key = map->pairs[i].key, *val = map->pairs[i].value;
        char full[400], kpath[480];
        snprintf(full, sizeof full, "%s%s%s", prefix, prefix[0] ? "." : "", key->text);
        snprintf(kpath, sizeof kpath, "%.200s.%s", ypath, show(full, t));
        if (val->kind == YAMLTREE_MAPPING && val->count) {
            add_settings(L, s, val, full, ypath);
            continue;
        }
        if (!is_scalar(val)) {
            report(L, val, kpath, "expected a single value, found %s (a sweep sets single values; put "
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
        char *text = items && at ? setting_text(L, full, val) : NULL;
        if (!text) {
            L->nomem = 1;
            return;
        }
        s->items[s->count] = text;
        s->at[s->count++] = loc_of(L, key);
    }
}

static void parse_value(loader *L, const key_info *f, const yamltree_node *v, void *base, const char *path)
{
    void *p = (char *)base + f->offset;
    char t[64];
    switch (f->kind) {
    case KIND_REAL: {
        double x;
        if (!parse_number(L, v, path, &x))
            return;
        if (!(x >= f->min && x <= f->max)) {
            report(L, v, path, "value %s is out of range [%g, %g]", show(v->text, t), f->min, f->max);
            return;
        }
        *(double *)p = x;
        return;
    }
    case KIND_INT: {
        long long x;
        if (!is_scalar(v) || v->quoted || !parse_int(v->text, &x)) {
            report(L, v, path, "expected a whole number, found %s%s%s",
                   is_scalar(v) ? "'" : "", is_scalar(v) ? show(v->text, t) : yamltree_is_null(v) ? "nothing" : yamltree_kind_name(v->kind),
                   is_scalar(v) ? "'" : "");
            return;
        }
        if (!((double)x >= f->min && (double)x <= f->max)) {
            report(L, v, path, "value %lld is out of range [%.0f, %.0f]", x, f->min, f->max);
            return;
        }
        *(long long *)p = x;
        return;
    }
    case KIND_BOOL:
        if (is_scalar(v) && !v->quoted && (strcmp(v->text, "true") == 0 || strcmp(v->text, "false") == 0))
            *(int *)p = strcmp(v->text, "true") == 0;
        else
            report(L, v, path, "expected true or false, found %s", is_scalar(v) ? show(v->text, t) : yamltree_kind_name(v->kind));
        return;
    case KIND_STRING:
        if (!is_scalar(v)) {
            report(L, v, path, "expected a text, found %s",
                   yamltree_is_null(v) ? "nothing" : yamltree_kind_name(v->kind));
            return;
        }
        free(*(char **)p);
        *(char **)p = xstrdup(L, v->text);
        return;
    case KIND_ENUM: {
        char list[200];
        choice_list(f->choices, list, sizeof list);
        int i = is_scalar(v) ? choice_index(f->choices, v->text) : -1;
        if (i < 0)
            report(L, v, path, "'%s' is not a valid %s; choose one of: %s",
                   is_scalar(v) ? show(v->text, t) : yamltree_kind_name(v->kind), f->key, list);
        else
            *(int *)p = i;
        return;
    }
    case KIND_PATHS: {
        sweep_strings *s = p;
        strings_free(s);
        size_t n = v->kind == YAMLTREE_SEQUENCE ? v->count : 1;
        if (n == 0) {
            report(L, v, path, "expected at least one dotted path");
            return;
        }
        if (!strings_alloc(L, s, n))
            return;
        for (size_t i = 0; i < n; i++) {
            const yamltree_node *item = v->kind == YAMLTREE_SEQUENCE ? v->items[i] : v;
            s->at[i] = loc_of(L, item);
            if (!is_scalar(item)) {
                report(L, item, path, "expected a dotted path such as population.size, found %s",
                       yamltree_is_null(item) ? "nothing" : yamltree_kind_name(item->kind));
                s->items[i] = xstrdup(L, "");
                continue;
            }
            s->items[i] = xstrdup(L, item->text);
        }
        return;
    }
    case KIND_NUMBERS: {
        sweep_numbers *s = p;
        free(s->items);
        s->items = NULL;
        s->count = 0;
        if (v->kind != YAMLTREE_SEQUENCE || v->count == 0) {
            report(L, v, path, "expected a list of numbers such as [0.5, 1.5], found %s",
                   v->kind == YAMLTREE_SEQUENCE ? "an empty list" : yamltree_kind_name(v->kind));
            return;
        }
        s->items = malloc(v->count * sizeof *s->items);
        if (!s->items) {
            L->nomem = 1;
            return;
        }
        int ok = 1;
        for (size_t i = 0; i < v->count; i++) {
            char ipath[240];
            snprintf(ipath, sizeof ipath, "%.200s[%zu]", path, i);
            ok &= parse_number(L, v->items[i], ipath, &s->items[i]);
        }
        if (ok)
            s->count = v->count;
        return;
    }
    case KIND_SETTINGS: {
        sweep_strings *s = p;
        strings_free(s);
        if (yamltree_is_null(v))
            return;
        if (v->kind != YAMLTREE_MAPPING) {
            report(L, v, path, "expected a mapping of dotted paths to values (population.size: 500), found %s",
                   yamltree_kind_name(v->kind));
            return;
        }
        add_settings(L, s, v, "", path);
        return;
    }
    case KIND_LIST:
    case KIND_SECTION:
        return; /* read by the caller */
    }
}

static void set_default(loader *L, const key_info *f, void *base)
{
    void *p = (char *)base + f->offset;
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
        free(*(char **)p);
        *(char **)p = f->def_text ? xstrdup(L, f->def_text) : NULL;
        break;
    default:
        break;
    }
}

static int required(const key_info *f)
{
    switch (f->kind) {
    case KIND_STRING:
        return f->def_text == NULL;
    case KIND_REAL:
    case KIND_INT:
    case KIND_BOOL:
    case KIND_ENUM:
        return isnan(f->def);
    default:
        return f->def != 0;
    }
}

/* Walk mapping MAP against section SEC into BASE; given[row] receives the value nodes.
 * PATH prefixes the keys in messages. */
static void load_section(loader *L, section_id sec, const yamltree_node *map, const yamltree_node *owner,
                         void *base, const char *path, const yamltree_node **given)
{
    for (size_t i = 0; i < N_KEYS; i++)
        if (keys[i].section == sec)
            set_default(L, &keys[i], base);
    if (map && map->kind != YAMLTREE_MAPPING) {
        report(L, map, path, "expected a mapping of keys, found %s", yamltree_kind_name(map->kind));
        return;
    }
    char kpath[200], t[64];
    for (size_t p = 0; map && p < map->count; p++) {
        const yamltree_node *k = map->pairs[p].key, *v = map->pairs[p].value;
        snprintf(kpath, sizeof kpath, "%s%s%s", path, path[0] ? "." : "", show(k->text, t));
        size_t row = N_KEYS;
        for (size_t i = 0; i < N_KEYS; i++)
            if (keys[i].section == sec && strcmp(keys[i].key, k->text) == 0)
                row = i;
        if (row == N_KEYS) {
            char list[400];
            size_t o = 0;
            for (size_t i = 0; i < N_KEYS && o < sizeof list; i++)
                if (keys[i].section == sec)
                    o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", o ? ", " : "", keys[i].key);
            report(L, k, kpath, "unknown key '%s' %s%s; valid keys: %s", show(k->text, t),
                   path[0] ? "in " : "at the top level", path, list);
            continue;
        }
        given[row] = v;
        parse_value(L, &keys[row], v, base, kpath);
    }
    for (size_t i = 0; i < N_KEYS; i++)
        if (keys[i].section == sec && !given[i] && required(&keys[i])) {
            snprintf(kpath, sizeof kpath, "%s%s%s", path, path[0] ? "." : "", keys[i].key);
            report(L, map ? map : owner, kpath, "missing required key '%s' (%s)", keys[i].key, keys[i].help);
        }
}

/* ---- Names and paths ----------------------------------------------------------- */

static int valid_sweep_name(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') ||
              s[n] == '_' || s[n] == '-'))
            return 0;
    return n >= 1 && n <= 64;
}

/* A variable name: a letter, then letters, digits or '_' (netCDF, Python, R alike). */
static int valid_var_name(const char *s)
{
    if (!((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')))
        return 0;
    size_t n = 1;
    for (; s[n]; n++)
        if (!((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') ||
              s[n] == '_'))
            return 0;
    return n <= 64;
}

static int is_reserved(const char *s)
{
    for (const char *const *r = reserved_names; *r; r++)
        if (strcmp(*r, s) == 0)
            return 1;
    return 0;
}

static int is_index(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return len > 0;
}

/* The base scenario must be a regular file that opens: a FIFO would make `check` wait
 * for a writer, a device would be read up to the size limit, and an unreadable file
 * would otherwise surface first as arm names missing from the paths. Returns 0 after a
 * diagnostic at `base:`. */
static int base_readable(loader *L, const yamltree_node *base_node, const char *file)
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
        report(L, base_node, "base", "cannot read the base scenario '%s': %s", file, why);
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

static void arm_names_read(loader *L, const char *base_path, arm_names *out)
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
            L->nomem = 1;
        for (size_t i = 0; out->names && i < arms->count; i++) {
            const yamltree_node *name = yamltree_get(arms->items[i], "name");
            out->names[i] = xstrdup(L, name && is_scalar(name) ? name->text : "");
        }
        out->count = out->names ? arms->count : 0;
    }
    yamltree_fini(&t);
}

/* Check a dotted path and replace `arms.NAME.` by `arms.INDEX.`. Returns 0 after a
 * diagnostic. */
static int resolve_path(loader *L, char **path, sweep_loc at, const char *ypath, const arm_names *arms)
{
    const char *s = *path;
    char t[64];
    if (!*s || strchr(s, '=') || strchr(s, ' ') || s[0] == '.' || s[strlen(s) - 1] == '.' || strstr(s, "..")) {
        report_at(L, DIAG_ERROR, at, ypath,
                  "'%s' is not a dotted path (keys separated by '.', list items by their index, "
                  "e.g. arms.1.interventions.0.adherence)", show(s, t));
        return 0;
    }
    if (strncmp(s, "arms.", 5) != 0)
        return 1;
    const char *name = s + 5, *dot = strchr(name, '.');
    size_t len = dot ? (size_t)(dot - name) : strlen(name);
    if (is_index(name, len))
        return 1;
    for (size_t i = 0; i < arms->count; i++)
        if (strlen(arms->names[i]) == len && strncmp(arms->names[i], name, len) == 0) {
            size_t size = strlen(s) + 24;
            char *r = malloc(size);
            if (!r) {
                L->nomem = 1;
                return 0;
            }
            snprintf(r, size, "arms.%zu%s", i, dot ? dot : "");
            free(*path);
            *path = r;
            return 1;
        }
    char list[400];
    size_t o = 0;
    for (size_t i = 0; i < arms->count && o < sizeof list; i++)
        o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "", arms->names[i]);
    report_at(L, DIAG_ERROR, at, ypath, "the base scenario has no arm named '%.*s'; its arms are: %s",
              (int)(len > 60 ? 60 : len), name, o ? list : "(none)");
    return 0;
}

/* ---- Outcome variables ----------------------------------------------------------- */

/* Fill o->kind, o->index and o->units from o->variable; 0 when unknown. */
static int outcome_lookup(sweep_outcome *o)
{
    char name[160];
    for (int k = 0; k < KEY_COUNT; k++) {
        const obs_var_info *vi = &obs_var_table[obs_key_var[k]];
        snprintf(name, sizeof name, "%s_change_pct", vi->name);
        if (strcmp(o->variable, name) == 0) {
            o->kind = SWEEP_OUT_CHANGE_PCT, o->index = k, o->units = "percent";
            return 1;
        }
        snprintf(name, sizeof name, "%s_change_pct_difference", vi->name);
        if (strcmp(o->variable, name) == 0) {
            o->kind = SWEEP_OUT_CHANGE_PCT_DIFF, o->index = k, o->units = "percent";
            return 1;
        }
    }
    for (int c = 0; c < EVC_COUNT; c++) {
        snprintf(name, sizeof name, "%s_per_1000py", obs_count_names[c]);
        if (strcmp(o->variable, name) == 0) {
            o->kind = SWEEP_OUT_RATE, o->index = c, o->units = "(1000 year)-1";
            return 1;
        }
        snprintf(name, sizeof name, "%s_per_1000py_difference", obs_count_names[c]);
        if (strcmp(o->variable, name) == 0) {
            o->kind = SWEEP_OUT_RATE_DIFF, o->index = c, o->units = "(1000 year)-1";
            return 1;
        }
        snprintf(name, sizeof name, "cumulative_incidence_%s", obs_count_names[c]);
        if (strcmp(o->variable, name) == 0) {
            o->kind = SWEEP_OUT_INCIDENCE_END, o->index = c, o->units = "1";
            return 1;
        }
    }
    for (int v = 0; v < OV_COUNT; v++) {
        snprintf(name, sizeof name, "%s_mean", obs_var_table[v].name);
        if (strcmp(o->variable, name) == 0) {
            o->kind = SWEEP_OUT_MEAN_END, o->index = v, o->units = obs_var_table[v].units;
            return 1;
        }
    }
    for (int c = 0; c < PREV_COUNT; c++) {
        snprintf(name, sizeof name, "prevalence_%s", obs_prevalence_names[c]);
        if (strcmp(o->variable, name) == 0) {
            o->kind = SWEEP_OUT_PREVALENCE_END, o->index = c, o->units = "1";
            return 1;
        }
    }
    return 0;
}

static char *outcome_long_name(const sweep_outcome *o, const char *reference)
{
    char buf[512];
    switch (o->kind) {
    case SWEEP_OUT_CHANGE_PCT:
        snprintf(buf, sizeof buf, "%s: mean %% change in %s from baseline to the end (survivors)", o->arm,
                 obs_var_table[obs_key_var[o->index]].long_name);
        break;
    case SWEEP_OUT_CHANGE_PCT_DIFF:
        snprintf(buf, sizeof buf, "%s: paired difference in %% change of %s vs the reference arm (%s)", o->arm,
                 obs_var_table[obs_key_var[o->index]].long_name, reference);
        break;
    case SWEEP_OUT_RATE:
        snprintf(buf, sizeof buf, "%s: %s per 1000 person-years", o->arm, obs_count_long_names[o->index]);
        break;
    case SWEEP_OUT_RATE_DIFF:
        snprintf(buf, sizeof buf, "%s: paired difference in %s per 1000 person-years vs the reference arm (%s)",
                 o->arm, obs_count_long_names[o->index], reference);
        break;
    case SWEEP_OUT_MEAN_END:
        snprintf(buf, sizeof buf, "%s: mean %s at the end of follow-up", o->arm, obs_var_table[o->index].long_name);
        break;
    case SWEEP_OUT_PREVALENCE_END:
        snprintf(buf, sizeof buf, "%s: %s at the end of follow-up", o->arm, obs_prevalence_long_names[o->index]);
        break;
    case SWEEP_OUT_INCIDENCE_END:
        snprintf(buf, sizeof buf, "%s: share of people enrolled with at least one of: %s, by the end", o->arm,
                 obs_count_long_names[o->index]);
        break;
    }
    return strdup(buf);
}

double sweep_outcome_value(const sweep_outcome *o, const engine_result *r)
{
    const obs_acc *a = r->acc;
    size_t last = obs_index(a, o->arm_index, a->n_obs - 1);
    results_arm_summary s;
    switch (o->kind) {
    case SWEEP_OUT_CHANGE_PCT:
        results_arm(r, o->arm_index, &s);
        return s.change_pct[o->index];
    case SWEEP_OUT_CHANGE_PCT_DIFF:
        results_arm(r, o->arm_index, &s);
        return s.diff_change[o->index];
    case SWEEP_OUT_RATE:
        results_arm(r, o->arm_index, &s);
        return s.rate[o->index];
    case SWEEP_OUT_RATE_DIFF:
        results_arm(r, o->arm_index, &s);
        return s.diff_rate[o->index];
    case SWEEP_OUT_MEAN_END:
        return obs_mean(&a->value[last * OV_COUNT + (size_t)o->index]);
    case SWEEP_OUT_PREVALENCE_END:
        return a->alive[last] ? (double)a->prevalent[last * PREV_COUNT + (size_t)o->index] / (double)a->alive[last]
                              : NAN;
    case SWEEP_OUT_INCIDENCE_END:
        return (double)a->ever[last * EVC_COUNT + (size_t)o->index] / (double)r->n_people;
    }
    return NAN;
}

/* ---- Points -------------------------------------------------------------------- */

static double param_value(const sweep_param *p, double u)
{
    double x;
    if (p->levels.count) {
        size_t i = (size_t)(u * (double)p->levels.count);
        if (i >= p->levels.count)
            i = p->levels.count - 1;
        x = p->levels.items[i];
    } else if (p->scale == SWEEP_SCALE_LOG) {
        x = exp((1 - u) * log(p->range.items[0]) + u * log(p->range.items[1]));
        if (u == 0)
            x = p->range.items[0];
        if (u == 1)
            x = p->range.items[1];
    } else {
        x = (1 - u) * p->range.items[0] + u * p->range.items[1]; /* exact at both ends */
    }
    return p->integer ? nearbyint(x) : x;
}

static uint64_t splitmix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

unsigned long long sweep_task_seed(const sweep *sw, size_t task)
{
    const uint64_t point = task / (size_t)sw->replicates, rep = task % (size_t)sw->replicates;
    if (sw->seeds == SWEEP_SEEDS_COMMON) {
        if (rep == 0)
            return sw->base_seed;
        return splitmix(sw->base_seed ^ splitmix(rep)) & 0xffffffffULL;
    }
    return splitmix(sw->base_seed ^ splitmix(rep ^ splitmix(point + 1))) & 0xffffffffULL;
}

void sweep_free_overrides(char **ov, size_t n)
{
    for (size_t i = 0; ov && i < n; i++)
        free(ov[i]);
    free(ov);
}

/* Overrides of a task: the `set:` entries, each parameter's paths, the seed. */
char **sweep_task_overrides(const sweep *sw, size_t task, size_t *n)
{
    size_t count = sw->set.count + 1;
    for (size_t j = 0; j < sw->n_params; j++)
        count += sw->params[j].path.count;
    char **ov = calloc(count, sizeof *ov);
    if (!ov)
        return NULL;
    size_t k = 0, point = task / (size_t)sw->replicates;
    for (size_t i = 0; i < sw->set.count; i++)
        if (!(ov[k++] = strdup(sw->set.items[i])))
            goto nomem;
    for (size_t j = 0; j < sw->n_params; j++) {
        const sweep_param *p = &sw->params[j];
        double x = sw->values[point * sw->n_params + j];
        char val[40];
        if (p->integer)
            snprintf(val, sizeof val, "%.0f", x);
        else
            yamltree_format_real(x, val, sizeof val);
        for (size_t q = 0; q < p->path.count; q++) {
            size_t len = strlen(p->path.items[q]) + strlen(val) + 2;
            if (!(ov[k] = malloc(len)))
                goto nomem;
            snprintf(ov[k++], len, "%s=%s", p->path.items[q], val);
        }
    }
    char seed[48];
    snprintf(seed, sizeof seed, "seed=%llu", sweep_task_seed(sw, task));
    if (!(ov[k++] = strdup(seed)))
        goto nomem;
    *n = k;
    return ov;
nomem:
    sweep_free_overrides(ov, count);
    return NULL;
}

/* Where override i (0-based, as built by sweep_task_overrides) came from. */
static void override_origin(const sweep *sw, size_t i, sweep_loc *at, char *label, size_t size)
{
    if (i < sw->set.count) {
        *at = sw->set.at[i];
        snprintf(label, size, "set");
        return;
    }
    i -= sw->set.count;
    for (size_t j = 0; j < sw->n_params; j++) {
        if (i < sw->params[j].path.count) {
            *at = sw->params[j].path.at[i];
            snprintf(label, size, "parameters[%zu].path", j);
            return;
        }
        i -= sw->params[j].path.count;
    }
    *at = (sweep_loc){sw->source_path, 1, 1};
    snprintf(label, size, "replicates");
}

static void describe_point(const sweep *sw, size_t point, char *buf, size_t size)
{
    size_t o = (size_t)snprintf(buf, size, "point %zu (", point);
    for (size_t j = 0; j < sw->n_params && o < size; j++) {
        o += (size_t)snprintf(buf + o, size - o, "%s%s = %.6g", j ? ", " : "", sw->params[j].name,
                              sw->values[point * sw->n_params + j]);
    }
    if (o < size)
        snprintf(buf + o, size - o, ")");
}

/* Load task t's scenario; diagnostics of the overrides are moved to the sweep file and
 * prefixed with the point. */
static msk_status load_task(const sweep *sw, size_t task, scenario *sc, diag_list *diags)
{
    size_t n;
    char **ov = sweep_task_overrides(sw, task, &n);
    if (!ov)
        return MSK_ENOMEM;
    diag_list tmp;
    diag_list_init(&tmp);
    msk_status st = scenario_load(sc, sw->base_path, (const char *const *)ov, n, &tmp);
    sweep_free_overrides(ov, n);
    char point[600];
    describe_point(sw, task / (size_t)sw->replicates, point, sizeof point);
    for (size_t i = 0; i < tmp.count; i++) {
        const diag *g = &tmp.items[i];
        if (strcmp(g->file, yamltree_cmdline_file) == 0 && g->line >= 1 && (size_t)g->line <= n) {
            sweep_loc at;
            char label[64];
            override_origin(sw, (size_t)g->line - 1, &at, label, sizeof label);
            diag_add(diags, g->severity, at.file, at.line, at.col, label, "%s: %s%s%s", point, g->path,
                     g->path[0] ? ": " : "", g->message);
        } else {
            diag_add(diags, g->severity, g->file, g->line, g->col, g->path, "%s (in %s)", g->message, point);
        }
    }
    diag_list_fini(&tmp);
    return st;
}

msk_status sweep_run_task(const sweep *sw, size_t task, int threads, volatile sig_atomic_t *stop,
                          double *values, diag_list *diags)
{
    scenario sc;
    diag_list quiet; /* warnings were shown once, when the sweep was checked */
    diag_list_init(&quiet);
    msk_status st = load_task(sw, task, &sc, &quiet);
    if (st != MSK_OK) {
        for (size_t i = 0; i < quiet.count; i++)
            if (quiet.items[i].severity == DIAG_ERROR)
                diag_add(diags, DIAG_ERROR, quiet.items[i].file, quiet.items[i].line, quiet.items[i].col,
                         quiet.items[i].path, "%s", quiet.items[i].message);
        diag_list_fini(&quiet);
        return st;
    }
    diag_list_fini(&quiet);
    engine_options opt = {threads, stop, 0, SIZE_MAX, 1, 0};
    engine_result r;
    st = engine_run_blocks(&sc, &opt, &r, diags);
    if (st == MSK_OK) {
        for (size_t o = 0; o < sw->n_outcomes; o++)
            values[o] = sweep_outcome_value(&sw->outcomes[o], &r);
        engine_result_fini(&r);
    }
    scenario_fini(&sc);
    return st;
}

/* ---- Loading ------------------------------------------------------------------- */

static void load_parameters(loader *L, const yamltree_node *seq)
{
    sweep *sw = L->sw;
    if (!seq)
        return; /* reported as missing */
    if (seq->kind != YAMLTREE_SEQUENCE || seq->count == 0) {
        report(L, seq, "parameters", "expected a list of parameters ('- name: ...' items), found %s",
               seq->kind == YAMLTREE_SEQUENCE ? "an empty list" : yamltree_kind_name(seq->kind));
        return;
    }
    sw->params = calloc(seq->count, sizeof *sw->params);
    if (!sw->params) {
        L->nomem = 1;
        return;
    }
    sw->n_params = seq->count;
    for (size_t i = 0; i < seq->count; i++) {
        sweep_param *p = &sw->params[i];
        const yamltree_node *item = seq->items[i], *given[N_KEYS] = {0};
        char path[64];
        snprintf(path, sizeof path, "parameters[%zu]", i);
        p->at = loc_of(L, item);
        load_section(L, SEC_parameter, item, seq, p, path, given);
        if (item->kind != YAMLTREE_MAPPING)
            continue;
        char t[64];
        if (p->name && !valid_var_name(p->name))
            report(L, given[K_parameter_name], path,
                   "parameter name '%s' is not valid: a letter, then up to 63 letters, digits or '_'",
                   show(p->name, t));
        else if (p->name && is_reserved(p->name))
            report(L, given[K_parameter_name], path, "'%s' is a reserved variable name of the result file; choose another",
                   p->name);
        for (size_t j = 0; p->name && j < i; j++)
            if (sw->params[j].name && strcmp(sw->params[j].name, p->name) == 0)
                report(L, given[K_parameter_name], path, "parameter name '%s' is used twice (first by parameters[%zu])",
                       p->name, j);
        const yamltree_node *range = given[K_parameter_range], *levels = given[K_parameter_levels];
        if (range && levels)
            report(L, levels, path, "give either range or levels, not both");
        else if (!range && !levels)
            report(L, item, path, "missing range: [lower, upper] or levels: [...]");
        if (range && p->range.count && p->range.count != 2) {
            report(L, range, path, "range needs exactly two numbers [lower, upper], found %zu", p->range.count);
            p->range.count = 0;
        } else if (range && p->range.count == 2 && !(p->range.items[0] < p->range.items[1])) {
            report(L, range, path, "range: the lower bound must be below the upper bound");
            p->range.count = 0;
        }
        if (p->scale == SWEEP_SCALE_LOG && levels)
            report(L, given[K_parameter_scale], path, "scale: log applies to a range, not to levels");
        if (p->scale == SWEEP_SCALE_LOG && p->range.count == 2 && !(p->range.items[0] > 0))
            report(L, given[K_parameter_scale], path, "scale: log needs a positive lower bound");
        if (given[K_parameter_steps] && !range)
            report(L, given[K_parameter_steps], path, "steps applies to a range (levels lists the values)");
        if (p->integer && levels)
            for (size_t j = 0; j < p->levels.count; j++)
                if (p->levels.items[j] != nearbyint(p->levels.items[j]))
                    report(L, levels->items[j], path, "integer: true, but level %g is not a whole number",
                           p->levels.items[j]);
    }
}

static void load_outcomes(loader *L, const yamltree_node *seq)
{
    sweep *sw = L->sw;
    if (!seq)
        return;
    if (seq->kind != YAMLTREE_SEQUENCE || seq->count == 0) {
        report(L, seq, "outcomes", "expected a list of outcomes ('- arm: ...' items), found %s",
               seq->kind == YAMLTREE_SEQUENCE ? "an empty list" : yamltree_kind_name(seq->kind));
        return;
    }
    sw->outcomes = calloc(seq->count, sizeof *sw->outcomes);
    if (!sw->outcomes) {
        L->nomem = 1;
        return;
    }
    sw->n_outcomes = seq->count;
    for (size_t i = 0; i < seq->count; i++) {
        sweep_outcome *o = &sw->outcomes[i];
        const yamltree_node *item = seq->items[i], *given[N_KEYS] = {0};
        char path[64], t[64];
        snprintf(path, sizeof path, "outcomes[%zu]", i);
        o->at = loc_of(L, item);
        load_section(L, SEC_outcome, item, seq, o, path, given);
        if (o->variable && !outcome_lookup(o)) {
            report(L, given[K_outcome_variable], path,
                   "unknown outcome variable '%s'; `msksim sweep --format` and docs/sweep-format.md "
                   "list them (e.g. knee_extension_strength_change_pct_difference, falls_per_1000py)",
                   show(o->variable, t));
            free(o->variable);
            o->variable = NULL;
        }
        if (o->arm && o->variable && (!o->name || !o->name[0])) {
            size_t len = strlen(o->arm) + strlen(o->variable) + 2;
            free(o->name);
            o->name = malloc(len);
            if (!o->name) {
                L->nomem = 1;
                continue;
            }
            snprintf(o->name, len, "%s_%s", o->arm, o->variable);
            for (char *c = o->name; *c; c++)
                if (*c == '-')
                    *c = '_';
            if (!valid_var_name(o->name))
                report(L, item, path, "the default name '%s' is not a valid variable name; give one with name:",
                       show(o->name, t));
        } else if (o->name && o->name[0] && !valid_var_name(o->name)) {
            report(L, given[K_outcome_name], path,
                   "outcome name '%s' is not valid: a letter, then up to 63 letters, digits or '_'", show(o->name, t));
        }
        if (o->name && is_reserved(o->name))
            report(L, item, path, "'%s' is a reserved variable name of the result file; choose another", o->name);
        for (size_t j = 0; o->name && j < i; j++)
            if (sw->outcomes[j].name && strcmp(sw->outcomes[j].name, o->name) == 0)
                report(L, item, path, "outcome name '%s' is used twice (first by outcomes[%zu])", o->name, j);
        for (size_t j = 0; o->name && j < sw->n_params; j++)
            if (sw->params[j].name && strcmp(sw->params[j].name, o->name) == 0)
                report(L, item, path, "outcome name '%s' is also a parameter name", o->name);
    }
}

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

static msk_status build_design(loader *L, const yamltree_node *spec_node)
{
    sweep *sw = L->sw;
    const sweep_design_spec *sp = &sw->spec;
    size_t k = sw->n_params;
    msk_status st = MSK_OK;
    switch ((design_method)sp->method) {
    case DESIGN_GRID: {
        size_t *levels = malloc(k * sizeof *levels);
        if (!levels)
            return MSK_ENOMEM;
        double n = 1;
        for (size_t j = 0; j < k; j++) {
            levels[j] = sw->params[j].levels.count ? sw->params[j].levels.count : (size_t)sw->params[j].steps;
            n *= (double)levels[j];
        }
        if (n > 1e8) {
            report(L, spec_node, "design.method", "the grid has %.0f points, more than 100000000; "
                   "use fewer levels or steps, or a saltelli, lhs or morris design", n);
            free(levels);
            return MSK_EDATA;
        }
        st = design_grid(&sw->design, k, levels);
        free(levels);
        break;
    }
    case DESIGN_LHS:
        st = design_lhs(&sw->design, k, (size_t)sp->samples, (uint64_t)sp->seed);
        break;
    case DESIGN_SALTELLI:
        if (k > DESIGN_SALTELLI_MAX_K) {
            report(L, spec_node, "design.method",
                   "a saltelli design takes at most %d parameters (GSL's Sobol' sequence has 40 "
                   "dimensions, two per parameter); this sweep has %zu: screen them first with a "
                   "morris design",
                   DESIGN_SALTELLI_MAX_K, k);
            return MSK_EDATA;
        }
        st = design_saltelli(&sw->design, k, (size_t)sp->samples);
        break;
    case DESIGN_MORRIS:
        st = design_morris(&sw->design, k, (size_t)sp->trajectories, (size_t)sp->levels, (uint64_t)sp->seed);
        break;
    default:
        return MSK_EDATA;
    }
    if (st == MSK_EUSAGE) {
        report(L, spec_node, "design", "the design cannot be built with these sizes");
        return MSK_EDATA;
    }
    if (st != MSK_OK)
        return st;
    sw->n_points = sw->design.n_points;
    if ((double)sw->n_points * (double)sw->replicates > 1e9) {
        report(L, spec_node, "design", "%zu points x %lld replicates is more than 10^9 runs", sw->n_points,
               sw->replicates);
        return MSK_EDATA;
    }
    sw->n_tasks = sw->n_points * (size_t)sw->replicates;
    sw->values = malloc(sw->n_points * k * sizeof *sw->values);
    if (!sw->values)
        return MSK_ENOMEM;
    for (size_t i = 0; i < sw->n_points; i++)
        for (size_t j = 0; j < k; j++)
            sw->values[i * k + j] = param_value(&sw->params[j], sw->design.x[i * k + j]);
    return MSK_OK;
}

/* The key: everything the numbers depend on, nothing that does not (paths, threads). */
static void compute_key(sweep *sw)
{
    uint64_t h = JOURNAL_HASH_START;
    const char *parts[] = {"msksim sweep 1", MSK_VERSION, MSK_GIT_REVISION, sw->source_text, sw->overrides,
                           sw->base_text, sw->base_effective};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        h = journal_hash(h, parts[i] ? parts[i] : "", strlen(parts[i] ? parts[i] : "") + 1);
    h = journal_hash(h, sw->values, sw->n_points * sw->n_params * sizeof *sw->values);
    uint64_t sizes[] = {sw->n_points, sw->n_params, sw->n_outcomes, (uint64_t)sw->replicates};
    sw->key = journal_hash(h, sizes, sizeof sizes);
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
        strcpy(o, s[i]);
        o += strlen(s[i]);
    }
    *o = '\0';
    return out;
}

/* Load the base scenario with the `set:` entries: its seed, arms and effective text. */
static msk_status load_base(loader *L, const yamltree_node *base_node)
{
    sweep *sw = L->sw;
    diag_list tmp;
    diag_list_init(&tmp);
    scenario sc;
    msk_status st = scenario_load(&sc, sw->base_path, (const char *const *)sw->set.items, sw->set.count, &tmp);
    for (size_t i = 0; i < tmp.count; i++) {
        const diag *g = &tmp.items[i];
        if (strcmp(g->file, yamltree_cmdline_file) == 0 && g->line >= 1 && (size_t)g->line <= sw->set.count) {
            sweep_loc at = sw->set.at[g->line - 1];
            diag_add(L->d, g->severity, at.file, at.line, at.col, "set", "%s%s%s", g->path, g->path[0] ? ": " : "",
                     g->message);
        } else {
            diag_add(L->d, g->severity, g->file, g->line, g->col, g->path, "%s", g->message);
        }
    }
    diag_list_fini(&tmp);
    if (st == MSK_ENOINPUT) {
        report(L, base_node, "base", "cannot read the base scenario '%s'", sw->base_path);
        return MSK_EDATA;
    }
    if (st != MSK_OK)
        return st == MSK_EUSAGE ? MSK_EDATA : st;
    sw->base_seed = (unsigned long long)sc.seed;
    sw->n_arms = sc.n_arms;
    sw->base_text = strdup(sc.source_text ? sc.source_text : "");
    /* Without the path: the key must not change with the directory the sweep runs from. */
    char *keep = sc.source_path;
    sc.source_path = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&sw->base_effective, &len);
    if (mem) {
        scenario_write_effective(&sc, mem);
        fclose(mem);
    }
    sc.source_path = keep;
    if (!sw->base_text || !sw->base_effective)
        L->nomem = 1;

    for (size_t i = 0; i < sw->n_outcomes; i++) {
        sweep_outcome *o = &sw->outcomes[i];
        if (!o->arm || !o->variable)
            continue;
        size_t a = 0;
        while (a < sc.n_arms && strcmp(sc.arms[a].name, o->arm) != 0)
            a++;
        char path[64];
        snprintf(path, sizeof path, "outcomes[%zu].arm", i);
        if (a == sc.n_arms) {
            char list[400];
            size_t n = 0;
            for (size_t j = 0; j < sc.n_arms && n < sizeof list; j++)
                n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", j ? ", " : "", sc.arms[j].name);
            report_at(L, DIAG_ERROR, o->at, path, "the base scenario has no arm named '%s'; its arms are: %s",
                      o->arm, list);
            continue;
        }
        o->arm_index = a;
        if ((o->kind == SWEEP_OUT_CHANGE_PCT_DIFF || o->kind == SWEEP_OUT_RATE_DIFF) && a == sc.reference)
            report_at(L, DIAG_ERROR, o->at, path,
                      "'%s' is the reference arm: a difference against itself is zero; pick another "
                      "arm, or the variable without _difference",
                      o->arm);
        o->long_name = outcome_long_name(o, sc.arms[sc.reference].name);
        if (!o->long_name)
            L->nomem = 1;
    }
    scenario_fini(&sc);
    return MSK_OK;
}

/* Points `check` validates at most: beyond this an evenly spaced subset (with the
 * first and last point) is checked, and each point is validated again when it runs. */
enum { CHECK_MAX_POINTS = 100000 };

/* Load every point's scenario (or an evenly spaced CHECK_MAX_POINTS of them); report
 * the first few that fail, and each warning once with the number of points that raise it. */
static msk_status check_points(loader *L)
{
    sweep *sw = L->sw;
    size_t failed = 0;
    diag_list warn;
    diag_list_init(&warn);
    size_t *count = NULL;
    const size_t n_check = sw->n_points < CHECK_MAX_POINTS ? sw->n_points : CHECK_MAX_POINTS;
    if (n_check < sw->n_points)
        report_at(L, DIAG_NOTE, (sweep_loc){sw->source_path, 0, 0}, "",
                  "checked %zu evenly spaced of the %zu points; every point is validated again "
                  "when it runs", n_check, sw->n_points);
    for (size_t c = 0; c < n_check && !L->nomem; c++) {
        /* c-th of n_check points spread over [0, n_points - 1]; exact for n_check = n_points. */
        const size_t p = n_check > 1 ? (size_t)((double)c * (double)(sw->n_points - 1) / (double)(n_check - 1) + 0.5) : 0;
        scenario sc;
        diag_list tmp;
        diag_list_init(&tmp);
        msk_status st = load_task(sw, p * (size_t)sw->replicates, &sc, &tmp);
        if (st == MSK_OK) {
            scenario_fini(&sc);
        } else if (st == MSK_ENOMEM) {
            L->nomem = 1;
        } else if (++failed <= 3) {
            for (size_t i = 0; i < tmp.count; i++)
                if (tmp.items[i].severity == DIAG_ERROR)
                    diag_add(L->d, DIAG_ERROR, tmp.items[i].file, tmp.items[i].line, tmp.items[i].col,
                             tmp.items[i].path, "%s", tmp.items[i].message);
        }
        for (size_t i = 0; i < tmp.count; i++) {
            const diag *g = &tmp.items[i];
            if (g->severity != DIAG_WARNING)
                continue;
            size_t j = 0;
            while (j < warn.count && !(warn.items[j].line == g->line && warn.items[j].col == g->col &&
                                       strcmp(warn.items[j].file, g->file) == 0))
                j++;
            if (j == warn.count) {
                size_t *grown = realloc(count, (j + 1) * sizeof *count);
                if (!grown) {
                    L->nomem = 1;
                    break;
                }
                count = grown;
                count[j] = 0;
                diag_add(&warn, DIAG_WARNING, g->file, g->line, g->col, g->path, "%s", g->message);
                if (warn.count == j) { /* the list could not grow */
                    L->nomem = 1;
                    break;
                }
            }
            count[j]++;
        }
        diag_list_fini(&tmp);
    }
    for (size_t j = 0; j < warn.count; j++)
        diag_add(L->d, DIAG_WARNING, warn.items[j].file, warn.items[j].line, warn.items[j].col, warn.items[j].path,
                 "%s [at %zu of the %zu points checked]", warn.items[j].message, count[j], n_check);
    free(count);
    diag_list_fini(&warn);
    if (failed > 3)
        report_at(L, DIAG_ERROR, (sweep_loc){sw->source_path, 0, 0}, "",
                  "%zu more of the %zu points checked are invalid (only the first 3 are shown)", failed - 3, n_check);
    return failed ? MSK_EDATA : MSK_OK;
}

msk_status sweep_load(sweep *sw, const char *path, const char *const *overrides, size_t n_overrides,
                      int check_all, diag_list *diags)
{
    memset(sw, 0, sizeof *sw);
    const size_t errors_before = diags->errors;
    for (size_t i = 0; i < n_overrides; i++) {
        const char *eq = strchr(overrides[i], '=');
        if (!eq || eq == overrides[i]) {
            diag_add(diags, DIAG_ERROR, yamltree_cmdline_file, (int)i + 1, 1, "",
                     "--set '%.100s': expected KEY=VALUE, e.g. design.samples=128", overrides[i]);
            return MSK_EUSAGE;
        }
    }
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
    sw->overrides = join_lines(overrides, n_overrides);
    loader L = {diags, sw, !sw->source_path || !sw->overrides};
    for (size_t i = 0; t.root && i < n_overrides && !L.nomem; i++) {
        const char *eq = strchr(overrides[i], '=');
        char *key = strndup(overrides[i], (size_t)(eq - overrides[i]));
        if (!key) {
            L.nomem = 1;
            break;
        }
        msk_status s = yamltree_set(&t, key, eq + 1, (int)i + 1, diags);
        free(key);
        if (s == MSK_ENOMEM)
            L.nomem = 1;
    }
    if (st == MSK_OK && !t.root)
        diag_add(diags, DIAG_ERROR, path, 1, 1, "", "the file is empty; a sweep needs sweep, base, parameters, design and outcomes");
    const yamltree_node *root = t.root;
    if (root && root->kind != YAMLTREE_MAPPING) {
        report(&L, root, "", "a sweep file is a mapping of keys (sweep:, base:, parameters:, ...), not %s",
               yamltree_kind_name(root->kind));
        root = NULL;
    }
    const yamltree_node *given[N_KEYS] = {0}, *dgiven[N_KEYS] = {0};
    if (root && diags->errors == errors_before) {
        load_section(&L, SEC_top, root, root, sw, "", given);
        char tt[64];
        if (sw->sweep && !valid_sweep_name(sw->sweep))
            report(&L, given[K_top_sweep], "sweep", "sweep name '%s' is not valid: 1 to 64 letters, digits, '-' or '_'",
                   show(sw->sweep, tt));
        load_parameters(&L, given[K_top_parameters]);
        load_section(&L, SEC_design, given[K_top_design], root, &sw->spec, "design", dgiven);
        sw->spec.at = loc_of(&L, given[K_top_design] ? given[K_top_design] : root);
        load_outcomes(&L, given[K_top_outcomes]);
        if (dgiven[K_design_trajectories] && sw->spec.method != DESIGN_MORRIS)
            report_at(&L, DIAG_WARNING, loc_of(&L, dgiven[K_design_trajectories]), "design.trajectories",
                      "used only by the morris design");
        if (dgiven[K_design_samples] && (sw->spec.method == DESIGN_GRID || sw->spec.method == DESIGN_MORRIS))
            report_at(&L, DIAG_WARNING, loc_of(&L, dgiven[K_design_samples]), "design.samples",
                      "used only by the lhs and saltelli designs");
        for (size_t j = 0; j < sw->n_params; j++) {
            const sweep_param *p = &sw->params[j];
            if (sw->spec.method != DESIGN_GRID && p->levels.count == 1)
                report_at(&L, DIAG_ERROR, p->at, "levels", "parameters[%zu]: one level does not vary; a %s design needs two or more",
                          j, design_method_name((design_method)sw->spec.method));
        }
    }
    /* Paths, the base scenario, the design, the points: only for a file that is sound. */
    if (root && diags->errors == errors_before && !L.nomem) {
        sw->base_path = scenario_resolve_path(path, sw->base);
        arm_names arms;
        if (!sw->base_path) {
            L.nomem = 1;
        } else if (base_readable(&L, given[K_top_base], sw->base_path)) {
            arm_names_read(&L, sw->base_path, &arms);
            for (size_t i = 0; i < sw->set.count; i++) {
                char *eq = strchr(sw->set.items[i], '=');
                char *key = strndup(sw->set.items[i], (size_t)(eq - sw->set.items[i]));
                if (!key) {
                    L.nomem = 1;
                    break;
                }
                if (resolve_path(&L, &key, sw->set.at[i], "set", &arms)) {
                    size_t len = strlen(key) + strlen(eq) + 1;
                    char *full = malloc(len);
                    if (full) {
                        snprintf(full, len, "%s%s", key, eq);
                        free(sw->set.items[i]);
                        sw->set.items[i] = full;
                    } else {
                        L.nomem = 1;
                    }
                }
                free(key);
            }
            for (size_t j = 0; j < sw->n_params; j++)
                for (size_t q = 0; q < sw->params[j].path.count; q++) {
                    char ypath[64];
                    snprintf(ypath, sizeof ypath, "parameters[%zu].path", j);
                    resolve_path(&L, &sw->params[j].path.items[q], sw->params[j].path.at[q], ypath, &arms);
                }
            arm_names_fini(&arms);
        }
        for (size_t j = 0; j < sw->n_params && !L.nomem; j++)
            if (!(sw->params[j].resolved_unit = param_unit(&sw->params[j])))
                L.nomem = 1;
        if (diags->errors == errors_before && !L.nomem) {
            st = load_base(&L, given[K_top_base]);
            if (st == MSK_ENOMEM)
                L.nomem = 1;
        }
        if (diags->errors == errors_before && !L.nomem) {
            st = build_design(&L, given[K_top_design]);
            if (st == MSK_ENOMEM)
                L.nomem = 1;
        }
        if (diags->errors == errors_before && !L.nomem && check_all)
            check_points(&L);
    }
    yamltree_fini(&t);
    if (L.nomem || diags->errors > errors_before) {
        sweep_fini(sw);
        return L.nomem ? MSK_ENOMEM : MSK_EDATA;
    }
    compute_key(sw);
    return MSK_OK;
}

/* ---- Reference ----------------------------------------------------------------- */

static void write_table(FILE *out, section_id sec)
{
    fputs("| key | type | default | allowed | meaning |\n|---|---|---|---|---|\n", out);
    for (size_t i = 0; i < N_KEYS; i++) {
        const key_info *f = &keys[i];
        if (f->section != sec)
            continue;
        char def[64] = "", allowed[200] = "";
        if (required(f))
            snprintf(def, sizeof def, "required");
        else if (f->kind == KIND_STRING)
            snprintf(def, sizeof def, "%s", f->def_text[0] ? f->def_text : "\"\"");
        else if (f->kind == KIND_ENUM) {
            const char *c = f->choices;
            int idx = (int)f->def;
            for (int n = 0; n < idx && c; n++) {
                c = strchr(c, '|');
                c = c ? c + 1 : NULL;
            }
            snprintf(def, sizeof def, "%.*s", c ? (int)(strchr(c, '|') ? (size_t)(strchr(c, '|') - c) : strlen(c)) : 0,
                     c ? c : "");
        } else if (f->kind == KIND_BOOL)
            snprintf(def, sizeof def, "%s", f->def != 0 ? "true" : "false");
        else if (f->kind == KIND_REAL || f->kind == KIND_INT)
            snprintf(def, sizeof def, "%.10g", f->def);
        else
            snprintf(def, sizeof def, "none");
        if (f->kind == KIND_ENUM)
            choice_list(f->choices, allowed, sizeof allowed);
        else if (f->kind == KIND_REAL || f->kind == KIND_INT)
            snprintf(allowed, sizeof allowed, "%.10g to %.10g", f->min, f->max);
        fprintf(out, "| `%s` | %s | %s | %s | %s |\n", f->key, kind_names[f->kind], def, allowed, f->help);
    }
    fputc('\n', out);
}

void sweep_write_reference(FILE *out)
{
    fputs("<!-- Generated by `msksim sweep --format`; do not edit by hand. -->\n\n", out);
    for (int s = 0; s < SEC_COUNT; s++) {
        static const char *const titles[SEC_COUNT] = {
            "Top level", "Each item of `parameters:`", "`design:`", "Each item of `outcomes:`"};
        fprintf(out, "### %s\n\n", titles[s]);
        write_table(out, (section_id)s);
    }
    fputs("### Outcome variables\n\n"
          "Each is a summary of one arm over the whole follow-up, the same numbers `msksim run` "
          "writes under `/summary` and `/comparison` (a `_difference` is paired against the "
          "reference arm, on the same people) or at the last time of `/arms/ARM`.\n\n"
          "| variable | unit | meaning |\n|---|---|---|\n",
          out);
    for (int k = 0; k < KEY_COUNT; k++) {
        const obs_var_info *vi = &obs_var_table[obs_key_var[k]];
        fprintf(out, "| `%s_change_pct` | percent | mean %% change in %s from baseline to the end (survivors) |\n",
                vi->name, vi->long_name);
        fprintf(out, "| `%s_change_pct_difference` | percent | paired difference of that change vs the reference arm |\n",
                vi->name);
    }
    for (int c = 0; c < EVC_COUNT; c++) {
        fprintf(out, "| `%s_per_1000py` | (1000 year)-1 | %s per 1000 person-years |\n", obs_count_names[c],
                obs_count_long_names[c]);
        fprintf(out, "| `%s_per_1000py_difference` | (1000 year)-1 | paired difference of that rate vs the reference arm |\n",
                obs_count_names[c]);
        fprintf(out, "| `cumulative_incidence_%s` | 1 | share of people enrolled with at least one by the end |\n",
                obs_count_names[c]);
    }
    for (int v = 0; v < OV_COUNT; v++)
        fprintf(out, "| `%s_mean` | %s | mean %s at the end |\n", obs_var_table[v].name, obs_var_table[v].units,
                obs_var_table[v].long_name);
    for (int c = 0; c < PREV_COUNT; c++)
        fprintf(out, "| `prevalence_%s` | 1 | %s at the end |\n", obs_prevalence_names[c], obs_prevalence_long_names[c]);
    fputc('\n', out);
}
