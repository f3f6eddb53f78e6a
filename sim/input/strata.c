/* strata.c — parse, number and name the subgroups of record.strata (see strata.h). */
#include "strata.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const strata_factor_names[STRATUM_FACTOR_COUNT] = {"sex", "age", "who_class", "sarcopenia"};

size_t strata_levels(const strata_spec *spec, stratum_factor f)
{
    if (!spec->by[f])
        return 1;
    switch (f) {
    case STRATUM_SEX:
        return 2;
    case STRATUM_AGE:
        return spec->n_age_edges + 1;
    case STRATUM_WHO:
        return 3;
    case STRATUM_SARCOPENIA:
        return 2;
    case STRATUM_FACTOR_COUNT:
        break;
    }
    return 1;
}

/* The next word of a list separated by spaces or commas: [*start, *end), or 0 at the
 * end of the text. */
static int next_word(const char **p, const char **start, const char **end)
{
    const char *s = *p;
    while (*s && (isspace((unsigned char)*s) || *s == ','))
        s++;
    if (!*s)
        return 0;
    *start = s;
    while (*s && !isspace((unsigned char)*s) && *s != ',')
        s++;
    *end = s;
    *p = s;
    return 1;
}

int strata_parse_factors(strata_spec *spec, const char *text, char *err, size_t err_size)
{
    const char *p = text ? text : "", *a, *b;
    while (next_word(&p, &a, &b)) {
        size_t len = (size_t)(b - a);
        int found = -1;
        for (int f = 0; f < STRATUM_FACTOR_COUNT; f++)
            if (strlen(strata_factor_names[f]) == len && strncmp(a, strata_factor_names[f], len) == 0)
                found = f;
        if (found < 0) {
            snprintf(err, err_size, "unknown stratum '%.*s'; expected any of sex, age, who_class, sarcopenia",
                     (int)(len > 40 ? 40 : len), a);
            return -1;
        }
        if (spec->by[found]) {
            snprintf(err, err_size, "stratum '%s' is given twice", strata_factor_names[found]);
            return -1;
        }
        spec->by[found] = 1;
    }
    return 0;
}

int strata_parse_ages(strata_spec *spec, const char *text, char *err, size_t err_size)
{
    const char *p = text ? text : "", *a, *b;
    spec->n_age_edges = 0;
    while (next_word(&p, &a, &b)) {
        char word[64];
        size_t len = (size_t)(b - a) < sizeof word - 1 ? (size_t)(b - a) : sizeof word - 1;
        memcpy(word, a, len);
        word[len] = '\0';
        char *stop;
        errno = 0;
        double x = strtod(word, &stop);
        if (stop == word || *stop || errno || !isfinite(x)) {
            snprintf(err, err_size, "'%s' is not an age in years", word);
            return -1;
        }
        if (spec->n_age_edges == STRATA_MAX_AGE_EDGES) {
            snprintf(err, err_size, "at most %d age edges (%d bands)", STRATA_MAX_AGE_EDGES,
                     STRATA_MAX_AGE_EDGES + 1);
            return -1;
        }
        if (spec->n_age_edges && x <= spec->age_edges[spec->n_age_edges - 1]) {
            snprintf(err, err_size, "age edges must ascend: %g after %g", x, spec->age_edges[spec->n_age_edges - 1]);
            return -1;
        }
        spec->age_edges[spec->n_age_edges++] = x;
    }
    return 0;
}

size_t strata_keep_inside(strata_spec *spec, double *dropped)
{
    size_t kept = 0, n_dropped = 0;
    for (size_t i = 0; i < spec->n_age_edges; i++) {
        double x = spec->age_edges[i];
        if (x > spec->age_min && x < spec->age_max)
            spec->age_edges[kept++] = x;
        else
            dropped[n_dropped++] = x;
    }
    spec->n_age_edges = kept;
    return n_dropped;
}

void strata_default_ages(strata_spec *spec)
{
    spec->n_age_edges = 0;
    for (double x = 10.0 * floor(spec->age_min / 10.0 + 1.0);
         x < spec->age_max && spec->n_age_edges < STRATA_MAX_AGE_EDGES; x += 10.0)
        spec->age_edges[spec->n_age_edges++] = x;
}

void strata_finish(strata_spec *spec)
{
    spec->count = 1;
    for (int f = 0; f < STRATUM_FACTOR_COUNT; f++)
        spec->count *= strata_levels(spec, (stratum_factor)f);
}

static size_t age_band(const strata_spec *spec, double age)
{
    size_t b = 0;
    while (b < spec->n_age_edges && age >= spec->age_edges[b])
        b++;
    return b;
}

size_t strata_cell(const strata_spec *spec, int female, double age, int who_class, int sarcopenic)
{
    const size_t level[STRATUM_FACTOR_COUNT] = {(size_t)(female != 0), age_band(spec, age), (size_t)who_class,
                                                (size_t)(sarcopenic != 0)};
    size_t s = 0;
    for (int f = 0; f < STRATUM_FACTOR_COUNT; f++)
        if (spec->by[f])
            s = s * strata_levels(spec, (stratum_factor)f) + level[f];
    return s;
}

size_t strata_level(const strata_spec *spec, size_t s, stratum_factor f)
{
    for (int g = STRATUM_FACTOR_COUNT - 1; g >= 0; g--) {
        size_t n = strata_levels(spec, (stratum_factor)g);
        if (g == (int)f)
            return spec->by[f] ? s % n : 0;
        s /= n;
    }
    return 0;
}

void strata_age_band(const strata_spec *spec, size_t b, double *lo, double *hi)
{
    *lo = b == 0 ? spec->age_min : spec->age_edges[b - 1];
    *hi = b >= spec->n_age_edges ? spec->age_max : spec->age_edges[b];
}

void strata_label(const strata_spec *spec, size_t s, char *out, size_t size)
{
    static const char *const sex[] = {"men", "women"};
    static const char *const who[] = {"normal BMD", "osteopenia", "osteoporosis"};
    static const char *const sarc[] = {"no sarcopenia", "sarcopenia"};
    size_t used = 0;
    out[0] = '\0';
    for (int f = 0; f < STRATUM_FACTOR_COUNT && used < size; f++) {
        if (!spec->by[f])
            continue;
        size_t l = strata_level(spec, s, (stratum_factor)f);
        const char *sep = used ? ", " : "";
        int n = 0;
        if (f == STRATUM_AGE) {
            double lo, hi;
            strata_age_band(spec, l, &lo, &hi);
            n = snprintf(out + used, size - used, "%sage %g-%g", sep, lo, hi);
        } else {
            const char *name = f == STRATUM_SEX ? sex[l] : f == STRATUM_WHO ? who[l] : sarc[l];
            n = snprintf(out + used, size - used, "%s%s", sep, name);
        }
        used += n > 0 ? (size_t)n : 0;
    }
    if (!used)
        snprintf(out, size, "all");
}
