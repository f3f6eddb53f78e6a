/* strata.h — the subgroups a scenario's summaries are split by (record.strata).
 *
 * A stratum is fixed at entry: sex, age band at entry, WHO bone class and EWGSOP2
 * sarcopenia at entry. A person therefore has the same stratum in every arm, so paired
 * differences against the reference arm stay within a stratum, and strata add up to the
 * whole population exactly. Strata are the cells of the cross-classification of the
 * factors asked for, numbered with the first factor (in the order sex, age, who_class,
 * sarcopenia) varying slowest. */
#ifndef MSK_STRATA_H
#define MSK_STRATA_H

#include <stddef.h>

typedef enum { STRATUM_SEX, STRATUM_AGE, STRATUM_WHO, STRATUM_SARCOPENIA, STRATUM_FACTOR_COUNT } stratum_factor;

enum {
    STRATA_MAX_AGE_EDGES = 9, /* ten age bands */
    STRATA_MAX = 64           /* cells: each holds every series of every arm (memory) */
};

typedef struct {
    int by[STRATUM_FACTOR_COUNT];       /* factor asked for */
    double age_edges[STRATA_MAX_AGE_EDGES]; /* ascending; inside (age_min, age_max) once
                                               strata_keep_inside has run */
    size_t n_age_edges;
    double age_min, age_max;            /* the population's range, for the labels */
    size_t count;                       /* cells; 1 when no strata are asked for */
} strata_spec;

/* The factor's name in scenario files and result files ("sex", "age", "who_class",
 * "sarcopenia"), and its number of levels under spec. */
extern const char *const strata_factor_names[STRATUM_FACTOR_COUNT];
size_t strata_levels(const strata_spec *spec, stratum_factor f);

/* Parse "sex, age" (names separated by spaces or commas) into spec->by. Returns 0, or
 * -1 with a message in err naming the offending word. */
int strata_parse_factors(strata_spec *spec, const char *text, char *err, size_t err_size);

/* Parse "75 85" (ascending ages, separated by spaces or commas) into the age edges.
 * Returns 0, or -1 with a message in err. */
int strata_parse_ages(strata_spec *spec, const char *text, char *err, size_t err_size);

/* Drop the edges that are not inside (age_min, age_max): a band they close would be
 * empty (a scenario's bands stay valid when --set changes its ages). The dropped
 * edges go to dropped[] (room for STRATA_MAX_AGE_EDGES); returns how many. */
size_t strata_keep_inside(strata_spec *spec, double *dropped);

/* Default edges when the age factor is asked for without bands: every multiple of 10
 * years strictly inside (age_min, age_max). */
void strata_default_ages(strata_spec *spec);

/* spec->count from the factors and edges (after parsing). */
void strata_finish(strata_spec *spec);

/* The cell of a person: level of each factor (sex 0 male 1 female; age band index;
 * WHO class 0 normal 1 osteopenia 2 osteoporosis; sarcopenia 0 no 1 yes). */
size_t strata_cell(const strata_spec *spec, int female, double age, int who_class, int sarcopenic);

/* The level of factor f in cell s (0 when f is not a factor). */
size_t strata_level(const strata_spec *spec, size_t s, stratum_factor f);

/* A readable label of cell s: "women, age 75-85, osteopenia"; "all" without factors. */
void strata_label(const strata_spec *spec, size_t s, char *out, size_t size);

/* Age band b's bounds in years: [lo, hi). */
void strata_age_band(const strata_spec *spec, size_t b, double *lo, double *hi);

#endif
