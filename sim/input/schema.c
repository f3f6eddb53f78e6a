/* schema.c — the one loader of msksim's input files (schema.h): fields, values, keys,
 * messages and --set arguments. */
#include "schema.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- Context and reports ----------------------------------------------------------- */

void schema_ctx_init(schema_ctx *c, diag_list *d, void *user)
{
    memset(c, 0, sizeof *c);
    c->d = d;
    c->errors_before = d->errors;
    c->user = user;
}

int schema_failed(const schema_ctx *c)
{
    return c->nomem || c->d->errors > c->errors_before;
}

/* True once SCHEMA_MAX_ERRORS errors were reported; the first time, one note at AT
 * says so. */
static int flooded(schema_ctx *c, const char *file, int line, int col)
{
    if (c->d->errors - c->errors_before < SCHEMA_MAX_ERRORS)
        return 0;
    if (!c->flooded)
        diag_add(c->d, DIAG_NOTE, file, line, col, "",
                 "more errors follow from here; only the first %d are reported",
                 SCHEMA_MAX_ERRORS);
    c->flooded = 1;
    return 1;
}

static void vreport(schema_ctx *c, diag_severity sev, const char *file, int line, int col,
                    const char *path, const char *fmt, va_list ap)
    __attribute__((format(printf, 7, 0)));
static void vreport(schema_ctx *c, diag_severity sev, const char *file, int line, int col,
                    const char *path, const char *fmt, va_list ap)
{
    if (sev == DIAG_ERROR && flooded(c, file, line, col))
        return;
    char msg[1200];
    vsnprintf(msg, sizeof msg, fmt, ap);
    diag_add(c->d, sev, file, line, col, path ? path : "", "%s", msg);
}

void schema_report_at(schema_ctx *c, diag_severity sev, const char *file, int line, int col,
                      const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(c, sev, file ? file : "", line, col, path, fmt, ap);
    va_end(ap);
}

void schema_error(schema_ctx *c, const yamltree_node *at, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(c, DIAG_ERROR, at ? at->file : "", at ? at->line : 0, at ? at->col : 0, path, fmt,
            ap);
    va_end(ap);
}

void schema_warning(schema_ctx *c, const yamltree_node *at, const char *path, const char *fmt,
                    ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(c, DIAG_WARNING, at ? at->file : "", at ? at->line : 0, at ? at->col : 0, path, fmt,
            ap);
    va_end(ap);
}

/* ---- Text for messages ------------------------------------------------------------- */

const char *schema_show(const char *s, char buf[SCHEMA_SHOW_SIZE])
{
    size_t o = 0;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (o + 4 >= SCHEMA_SHOW_SIZE) {
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

const char *schema_fmt_real(double x, char buf[32])
{
    yamltree_format_real(x, buf, 32);
    return buf;
}

void schema_join_key(char *out, size_t size, const char *path, const char *key)
{
    char k[SCHEMA_SHOW_SIZE];
    if (!path)
        path = "";
    const int n = snprintf(out, size, "%s%s%s", path, path[0] ? "." : "", schema_show(key, k));
    if (n < 0 || (size_t)n >= size)
        memcpy(out + size - 4, "...", 4); /* a path this long is itself a mistake */
}

void schema_join_index(char *out, size_t size, const char *path, size_t i)
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

/* ---- Unknown and missing keys -------------------------------------------------------- */

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

void schema_unknown_key(schema_ctx *c, const yamltree_node *key, const char *path,
                        const char *const *cand, size_t n, const char *hint)
{
    char k[SCHEMA_SHOW_SIZE], where[160], keypath[256], tail[700];
    if (!path)
        path = "";
    if (flooded(c, key->file, key->line, key->col))
        return;
    if (path[0])
        snprintf(where, sizeof where, "in %s", path);
    else
        snprintf(where, sizeof where, "at the top level");
    const char *s = suggest(key->text, cand, n);
    if (s) {
        snprintf(tail, sizeof tail, "; did you mean '%s'?", s);
    } else if (n <= 16 || !c->keys_doc) {
        size_t o = (size_t)snprintf(tail, sizeof tail, "; valid keys: ");
        for (size_t i = 0; i < n && o < sizeof tail; i++)
            o += (size_t)snprintf(tail + o, sizeof tail - o, "%s%s", i ? ", " : "", cand[i]);
    } else {
        snprintf(tail, sizeof tail, "; %s lists the valid keys", c->keys_doc);
    }
    schema_join_key(keypath, sizeof keypath, path, key->text);
    schema_error(c, key, keypath, "unknown key '%s' %s%s%s", schema_show(key->text, k), where,
                 tail, hint ? hint : "");
}

void schema_missing(schema_ctx *c, const yamltree_node *at, const char *path, const char *key,
                    const char *why)
{
    char keypath[256];
    schema_join_key(keypath, sizeof keypath, path, key);
    if (why && why[0])
        schema_error(c, at, keypath, "missing required key '%s' (%s)", key, why);
    else
        schema_error(c, at, keypath, "missing required key '%s'", key);
}

/* ---- Choices ----------------------------------------------------------------------- */

int schema_choice_count(const schema_field *f)
{
    if (f->names)
        return (int)f->n_names;
    if (!f->choices)
        return 0;
    int n = 1;
    for (const char *s = f->choices; *s; s++)
        n += *s == '|';
    return n;
}

const char *schema_choice_at(const schema_field *f, int i, size_t *len)
{
    if (i < 0 || i >= schema_choice_count(f))
        return NULL;
    if (f->names) {
        *len = strlen(f->names[i]);
        return f->names[i];
    }
    const char *s = f->choices;
    for (int k = 0; k < i; k++)
        s = strchr(s, '|') + 1;
    const char *bar = strchr(s, '|');
    *len = bar ? (size_t)(bar - s) : strlen(s);
    return s;
}

int schema_choice_index(const schema_field *f, const char *text)
{
    const size_t n = strlen(text);
    for (int i = 0; i < schema_choice_count(f); i++) {
        size_t len;
        const char *s = schema_choice_at(f, i, &len);
        if (len == n && strncmp(s, text, n) == 0)
            return i;
    }
    return -1;
}

void schema_choice_list(const schema_field *f, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (int i = 0; i < schema_choice_count(f) && o < size; i++) {
        size_t len;
        const char *s = schema_choice_at(f, i, &len);
        o += (size_t)snprintf(buf + o, size - o, "%s%.*s", i ? ", " : "", (int)len, s);
    }
}

/* ---- Variants (the applies column) ------------------------------------------------- */

/* Is VARIANT in the "|"-separated LIST? "*" holds every variant. */
static int variant_in_list(const char *list, const char *variant)
{
    if (strcmp(list, "*") == 0)
        return 1;
    const size_t n = strlen(variant);
    for (const char *s = list;;) {
        const char *bar = strchr(s, '|');
        const size_t len = bar ? (size_t)(bar - s) : strlen(s);
        if (len == n && strncmp(s, variant, n) == 0)
            return 1;
        if (!bar)
            return 0;
        s = bar + 1;
    }
}

int schema_applies(const schema_field *f, const char *variant)
{
    if (!f->applies || !variant)
        return 1;
    return variant_in_list(f->applies + (f->applies[0] == '!'), variant);
}

static int has_default(const schema_field *f)
{
    switch (f->kind) {
    case SCHEMA_STRING:
        return f->def_text != NULL;
    case SCHEMA_CUSTOM:
    case SCHEMA_NODE:
        return 1;
    default:
        return !isnan(f->def);
    }
}

/* Outside variants: when the table says so, or the key has no default. With an applies
 * list: when "!" marks it for VARIANT, or when it belongs to every variant and has no
 * default. VARIANT NULL (not known): only the variant-independent rules hold. */
int schema_required(const schema_field *f, const char *variant)
{
    if (f->need != SCHEMA_AUTO)
        return f->need == SCHEMA_REQUIRED;
    if (!f->applies)
        return !has_default(f);
    if (f->applies[0] == '!')
        return strcmp(f->applies + 1, "*") == 0 ||
               (variant && variant_in_list(f->applies + 1, variant));
    return strcmp(f->applies, "*") == 0 && !has_default(f);
}

/* ---- Values ------------------------------------------------------------------------ */

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

static void *slot_of(void *base, const schema_field *f)
{
    return (char *)base + f->offset;
}

static const char *expectation(const schema_field *f, char *buf, size_t size)
{
    switch (f->kind) {
    case SCHEMA_REAL:
        return "a number";
    case SCHEMA_INT:
        return "a whole number";
    case SCHEMA_BOOL:
        return "true or false";
    case SCHEMA_STRING:
        return "a text";
    case SCHEMA_ENUM: {
        char list[400];
        schema_choice_list(f, list, sizeof list);
        snprintf(buf, size, "one of: %s", list);
        return buf;
    }
    case SCHEMA_CUSTOM:
    case SCHEMA_NODE:
        break;
    }
    return f->type ? f->type : "a value";
}

static void set_string(schema_ctx *c, char **slot, const char *text)
{
    char *s = text ? strdup(text) : NULL;
    if (text && !s)
        c->nomem = 1;
    free(*slot);
    *slot = s;
}

static void set_default(schema_ctx *c, const schema_field *f, void *base)
{
    void *p = slot_of(base, f);
    switch (f->kind) {
    case SCHEMA_REAL:
        *(double *)p = f->def;
        break;
    case SCHEMA_INT:
        *(long long *)p = isnan(f->def) ? 0 : (long long)f->def;
        break;
    case SCHEMA_BOOL:
    case SCHEMA_ENUM:
        *(int *)p = isnan(f->def) ? -1 : (int)f->def;
        break;
    case SCHEMA_STRING:
        set_string(c, (char **)p, f->def_text);
        break;
    case SCHEMA_CUSTOM:
    case SCHEMA_NODE:
        break; /* the caller's zeroed struct is the default */
    }
}

void schema_set_defaults(schema_ctx *c, const schema_field *fields, size_t n, void *base)
{
    for (size_t i = 0; i < n; i++)
        set_default(c, &fields[i], base);
}

void schema_free_strings(const schema_field *fields, size_t n, void *base)
{
    for (size_t i = 0; i < n; i++)
        if (fields[i].kind == SCHEMA_STRING) {
            char **s = slot_of(base, &fields[i]);
            free(*s);
            *s = NULL;
        }
}

static int in_range(schema_ctx *c, const schema_field *f, const yamltree_node *v,
                    const char *path, double x)
{
    if (x >= f->min && x <= f->max)
        return 1;
    char t[SCHEMA_SHOW_SIZE], lo[32], hi[32], u[48];
    schema_error(c, v, path, "value %s is out of range [%s, %s]%s", schema_show(v->text, t),
                 schema_fmt_real(f->min, lo), schema_fmt_real(f->max, hi),
                 unit_suffix(f->unit, u, sizeof u));
    return 0;
}

static int parse_real(schema_ctx *c, const schema_field *f, const yamltree_node *v,
                      const char *path, double *out)
{
    char t[SCHEMA_SHOW_SIZE];
    const int r = yamltree_parse_real(v->text, out);
    if (r == 0)
        schema_error(c, v, path, "'%s' is not a number", schema_show(v->text, t));
    else if (r < 0)
        schema_error(c, v, path, "'%s' is not a finite number", schema_show(v->text, t));
    return r == 1 && in_range(c, f, v, path, *out);
}

static int parse_whole(schema_ctx *c, const schema_field *f, const yamltree_node *v,
                       const char *path, long long *out)
{
    char t[SCHEMA_SHOW_SIZE];
    const int r = parse_int(v->text, out);
    if (r == 0)
        schema_error(c, v, path, "'%s' is not a whole number", schema_show(v->text, t));
    else if (r == -1)
        schema_error(c, v, path, "'%s' has a leading zero; write whole numbers without one",
                     schema_show(v->text, t));
    if (r == -2) /* too large for a long long: only its side of the range matters */
        return in_range(c, f, v, path, v->text[0] == '-' ? -HUGE_VAL : HUGE_VAL);
    return r == 1 && in_range(c, f, v, path, (double)*out);
}

/* A scalar that is neither null nor quoted (for a text kind, quoted is fine), read
 * into P by its kind. */
static int parse_scalar(schema_ctx *c, const schema_field *f, const yamltree_node *v, void *p,
                        const char *path)
{
    char t[SCHEMA_SHOW_SIZE];
    switch (f->kind) {
    case SCHEMA_REAL:
        return parse_real(c, f, v, path, (double *)p);
    case SCHEMA_INT: {
        long long x = 0;
        if (!parse_whole(c, f, v, path, &x))
            return 0;
        *(long long *)p = x;
        return 1;
    }
    case SCHEMA_BOOL:
        if (strcmp(v->text, "true") != 0 && strcmp(v->text, "false") != 0) {
            schema_error(c, v, path, "expected true or false, found '%s'",
                         schema_show(v->text, t));
            return 0;
        }
        *(int *)p = strcmp(v->text, "true") == 0;
        return 1;
    case SCHEMA_ENUM: {
        const int i = schema_choice_index(f, v->text);
        if (i < 0) {
            char list[600];
            schema_choice_list(f, list, sizeof list);
            schema_error(c, v, path, "'%s' is not a valid %s; choose one of: %s",
                         schema_show(v->text, t), f->key, list);
            return 0;
        }
        *(int *)p = i;
        return 1;
    }
    case SCHEMA_STRING:
        set_string(c, (char **)p, v->text);
        return 1;
    case SCHEMA_CUSTOM:
    case SCHEMA_NODE:
        break;
    }
    return 0;
}

/* On failure REAL slots become NAN and ENUM slots -1, so cross-field checks (which
 * compare with >, <) skip them instead of reporting follow-on errors. */
int schema_parse(schema_ctx *c, const schema_field *f, const yamltree_node *v, void *base,
                 const char *path)
{
    char t[SCHEMA_SHOW_SIZE], e[640];
    void *p = slot_of(base, f);
    int ok = 0;
    if (f->kind == SCHEMA_CUSTOM)
        return f->parse(c, f, v, p, path);
    if (f->kind == SCHEMA_NODE)
        return 1;
    if (v->kind != YAMLTREE_SCALAR) {
        schema_error(c, v, path, "expected %s, found %s", expectation(f, e, sizeof e),
                     yamltree_kind_name(v->kind));
    } else if (yamltree_is_null(v)) {
        if (f->kind == SCHEMA_STRING && f->def_text)
            return 1; /* "description:" with nothing after it: keep the default */
        schema_error(c, v, path, "no value given; expected %s", expectation(f, e, sizeof e));
    } else if (v->quoted && f->kind != SCHEMA_STRING && f->kind != SCHEMA_ENUM) {
        schema_error(c, v, path,
                     "expected %s, found the quoted text \"%s\" (remove the quotes)",
                     expectation(f, e, sizeof e), schema_show(v->text, t));
    } else {
        ok = parse_scalar(c, f, v, p, path);
    }
    if (!ok && f->kind == SCHEMA_REAL)
        *(double *)p = NAN;
    if (!ok && f->kind == SCHEMA_ENUM)
        *(int *)p = -1;
    return ok;
}

/* ---- Mappings ---------------------------------------------------------------------- */

static int in_list(const char *const *list, const char *s)
{
    for (; list && *list; list++)
        if (strcmp(*list, s) == 0)
            return 1;
    return 0;
}

#define MAX_CANDIDATES 64
static void report_unknown(schema_ctx *c, const schema_field *fields, size_t n,
                           const yamltree_node *key, const schema_map *m)
{
    const char *cand[MAX_CANDIDATES];
    size_t k = 0;
    for (size_t i = 0; i < n && k < MAX_CANDIDATES; i++)
        cand[k++] = fields[i].key;
    for (const char *const *x = m->extra; x && *x && k < MAX_CANDIDATES; x++)
        cand[k++] = *x;
    char hint[160] = "";
    if (m->hint)
        m->hint(key->text, hint, sizeof hint);
    schema_unknown_key(c, key, m->path, cand, k, hint);
}

static void report_missing(schema_ctx *c, const schema_field *f, const yamltree_node *map,
                           const schema_map *m)
{
    char why[200];
    const char *path = m->path ? m->path : "";
    if (!map) {
        snprintf(why, sizeof why, "there is no '%s:'", path);
        schema_missing(c, m->owner, path, f->key, why);
    } else if (m->variant && f->applies && f->applies[0] == '!' && strcmp(f->applies, "!*")) {
        snprintf(why, sizeof why, "%s '%s' needs it", m->variant_what, m->variant);
        schema_missing(c, map, path, f->key, why);
    } else {
        schema_missing(c, map, path, f->key, f->applies ? NULL : f->help);
    }
}

/* schema_parse; with KEEP, a bad value leaves the previous layer's value in place rather
 * than NAN or -1, so later layers and cross-field checks see a valid one. */
static void parse_over(schema_ctx *c, const schema_field *f, const yamltree_node *v,
                       void *base, const char *path, int keep)
{
    size_t size = 0;
    if (keep && f->kind == SCHEMA_REAL)
        size = sizeof(double);
    else if (keep && (f->kind == SCHEMA_ENUM || f->kind == SCHEMA_BOOL))
        size = sizeof(int);
    else if (keep && f->kind == SCHEMA_INT)
        size = sizeof(long long);
    unsigned char saved[sizeof(long long) > sizeof(double) ? sizeof(long long) : sizeof(double)];
    if (size)
        memcpy(saved, slot_of(base, f), size);
    if (!schema_parse(c, f, v, base, path) && size)
        memcpy(slot_of(base, f), saved, size);
}

int schema_load(schema_ctx *c, const schema_field *fields, size_t n, const yamltree_node *map,
                void *base, const schema_map *m, const yamltree_node **given)
{
    static const schema_map plain = {0};
    if (!m)
        m = &plain;
    const char *path = m->path ? m->path : "";
    if (given)
        memset(given, 0, n * sizeof *given);
    if (!m->keep)
        schema_set_defaults(c, fields, n, base);
    if (map && yamltree_is_null(map))
        map = NULL;
    if (map && map->kind != YAMLTREE_MAPPING) {
        schema_error(c, map, path, "expected a mapping (key: value lines), found %s",
                     yamltree_kind_name(map->kind));
        return 0;
    }
    char keypath[256], k[SCHEMA_SHOW_SIZE];
    for (size_t p = 0; map && p < map->count; p++) {
        const yamltree_node *key = map->pairs[p].key;
        if (in_list(m->extra, key->text))
            continue;
        size_t fi = 0;
        while (fi < n && strcmp(fields[fi].key, key->text) != 0)
            fi++;
        if (fi == n) {
            report_unknown(c, fields, n, key, m);
            continue;
        }
        schema_join_key(keypath, sizeof keypath, path, key->text);
        if (!schema_applies(&fields[fi], m->variant)) {
            schema_error(c, key, keypath, "'%s' does not apply to %s '%s'",
                         schema_show(key->text, k), m->variant_what, m->variant);
            continue;
        }
        if (given)
            given[fi] = map->pairs[p].value;
        parse_over(c, &fields[fi], map->pairs[p].value, base, keypath, m->keep);
    }
    for (size_t i = 0; i < n; i++) {
        const int seen = map && yamltree_get(map, fields[i].key) != NULL;
        if (!seen && schema_required(&fields[i], m->variant))
            report_missing(c, &fields[i], map, m);
    }
    return 1;
}

/* ---- Names ------------------------------------------------------------------------- */

static int is_letter(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int schema_is_name(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!(is_letter(s[n]) || is_digit(s[n]) || s[n] == '_' || s[n] == '-'))
            return 0;
    return n >= 1 && n <= 64;
}

int schema_is_var_name(const char *s)
{
    if (!is_letter(s[0]))
        return 0;
    size_t n = 1;
    for (; s[n]; n++)
        if (!(is_letter(s[n]) || is_digit(s[n]) || s[n] == '_'))
            return 0;
    return n <= 64;
}

/* ---- --set KEY=VALUE --------------------------------------------------------------- */

/* Why argument OV is malformed, or NULL. */
static const char *set_problem(const char *ov, const char *example, char *buf, size_t size)
{
    const char *eq = strchr(ov, '=');
    if (!eq) {
        snprintf(buf, size, "expected KEY=VALUE, e.g. %s", example);
        return buf;
    }
    if (eq == ov)
        return "the key path before '=' is empty";
    for (const char *c = ov; c < eq; c++)
        if (*c == '.' && (c == ov || c + 1 == eq || c[1] == '.'))
            return "the key path has an empty part";
    return NULL;
}

size_t schema_check_sets(const char *const *sets, size_t n, const char *example, diag_list *d)
{
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        char why[160], k[SCHEMA_SHOW_SIZE];
        const char *w = set_problem(sets[i], example, why, sizeof why);
        if (!w)
            continue;
        diag_add(d, DIAG_ERROR, yamltree_cmdline_file, (int)i + 1, 1, "", "--set '%s': %s",
                 schema_show(sets[i], k), w);
        bad++;
    }
    return bad;
}

msk_status schema_apply_sets(yamltree *t, const char *const *sets, size_t n, diag_list *d)
{
    msk_status result = MSK_OK;
    for (size_t i = 0; t->root && i < n; i++) {
        const char *eq = strchr(sets[i], '=');
        char *key = strndup(sets[i], (size_t)(eq - sets[i]));
        if (!key)
            return MSK_ENOMEM;
        const msk_status s = yamltree_set(t, key, eq + 1, (int)i + 1, d);
        free(key);
        if (s == MSK_ENOMEM)
            return MSK_ENOMEM;
        if (s == MSK_EUSAGE)
            result = MSK_EUSAGE;
    }
    return result;
}

char *schema_join_sets(const char *const *sets, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(sets[i]) + 1;
    char *out = malloc(len), *o = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (i)
            *o++ = '\n';
        const size_t l = strlen(sets[i]);
        memcpy(o, sets[i], l);
        o += l;
    }
    *o = '\0';
    return out;
}

/* ---- Reference --------------------------------------------------------------------- */

static const char *type_name(const schema_field *f)
{
    static const char *const names[] = {"number", "whole number", "true/false", "text",
                                        "choice"};
    return f->kind <= SCHEMA_ENUM ? names[f->kind] : f->type ? f->type : "";
}

static void default_text(const schema_field *f, char *def, size_t size)
{
    size_t len;
    const char *s;
    if (schema_required(f, NULL))
        snprintf(def, size, "required");
    else if (f->kind == SCHEMA_STRING)
        snprintf(def, size, "%s", f->def_text && f->def_text[0] ? f->def_text : "\"\"");
    else if (f->kind == SCHEMA_ENUM && (s = schema_choice_at(f, (int)f->def, &len)))
        snprintf(def, size, "%.*s", (int)len, s);
    else if (f->kind == SCHEMA_BOOL)
        snprintf(def, size, "%s", f->def != 0 ? "true" : "false");
    else if (f->kind == SCHEMA_REAL || f->kind == SCHEMA_INT)
        snprintf(def, size, "%.10g", f->def);
    else
        snprintf(def, size, "none");
}

void schema_write_markdown(FILE *out, const schema_field *fields, size_t n)
{
    fputs("| key | type | default | allowed | meaning |\n|---|---|---|---|---|\n", out);
    for (size_t i = 0; i < n; i++) {
        const schema_field *f = &fields[i];
        char def[64], allowed[400] = "";
        default_text(f, def, sizeof def);
        if (f->kind == SCHEMA_ENUM)
            schema_choice_list(f, allowed, sizeof allowed);
        else if (f->kind == SCHEMA_REAL || f->kind == SCHEMA_INT)
            snprintf(allowed, sizeof allowed, "%.10g to %.10g", f->min, f->max);
        fprintf(out, "| `%s` | %s | %s | %s | %s |\n", f->key, type_name(f), def, allowed,
                f->help ? f->help : "");
    }
    fputc('\n', out);
}

schema_rows schema_section_rows(const unsigned char *section, size_t n, unsigned sec)
{
    schema_rows r = {0, 0};
    while (r.first < n && section[r.first] != sec)
        r.first++;
    while (r.first + r.count < n && section[r.first + r.count] == sec)
        r.count++;
    for (size_t i = r.first + r.count; i < n; i++)
        MSK_ASSERT(section[i] != sec); /* the table keeps a section's rows together */
    return r;
}

int schema_load_section(schema_ctx *c, const schema_field *fields, const unsigned char *section, size_t n,
                        unsigned sec, const yamltree_node *map, void *base, const schema_map *m,
                        const yamltree_node **given)
{
    const schema_rows r = schema_section_rows(section, n, sec);
    return schema_load(c, fields + r.first, r.count, map, base, m, given ? given + r.first : NULL);
}
