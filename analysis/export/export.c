/* export.c — the summaries of a result file as CSV or TSV tables (see export.h). */
#include "export.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outdir.h"
#include "resultdata.h"
#include "resultfile.h"

#define DAYS_PER_WEEK 7.0

const char *const export_table_names[] = {"summary", "comparison", "timeseries", "comparison_timeseries",
                                          "timeseries_long", "units", "events", "trajectories",
                                          "strata_summary", "strata_timeseries_long", "draws_summary", NULL};

typedef struct {
    resultfile *rf;
    const resultdata *d;
    const char *dir, *ext;
    char sep;
    diag_list *diags;
    msk_status st;
} exporter;

static void cell_text(const exporter *x, FILE *f, const char *s)
{
    if (x->sep == '\t') {
        for (const unsigned char *p = (const unsigned char *)s; *p; p++)
            fputc(*p < 0x20 ? ' ' : *p, f);
        return;
    }
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
}

static void cell_num(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.15g", v);
    else
        fputs("NA", f);
}

/* A column of a table: a variable's name, and its values (rows x width). */
typedef struct {
    char *name;
    size_t width; /* 1, or the number of quantiles */
    double *v;
} column;

static void free_columns(column *c, size_t n)
{
    for (size_t i = 0; c && i < n; i++) {
        free(c[i].name);
        free(c[i].v);
    }
    free(c);
}

/* The numeric datasets of `group` shaped (rows) or, with inner > 0, (rows, inner)
 * where allowed; names as in `only` when given (same columns for every arm). */
/* The numeric datasets of GROUP whose first axis has `rows` entries (then `inner`
 * columns, or none), or with lead > 0, row `row` of those over (lead, rows[, inner]):
 * one arm's series among every arm's. With `only`, the columns of an earlier call. */
/* A netCDF dimension without coordinate values (such as /draws/draw): a dataset that
 * holds nothing to tabulate. */
static int bare_dimension(exporter *x, const char *path)
{
    char *name = NULL;
    int bare = resultfile_has_attr(x->rf, path, "NAME") && resultfile_attr_text(x->rf, path, "NAME", &name) == MSK_OK &&
               strncmp(name, "This is a netCDF dimension but not a netCDF variable", 52) == 0;
    free(name);
    return bare;
}

static column *read_columns(exporter *x, const char *group, size_t lead, size_t row, size_t rows,
                            size_t inner, size_t *n_out, const column *only, size_t n_only)
{
    *n_out = 0;
    if (x->st != MSK_OK)
        return NULL;
    char **names = NULL;
    size_t n = 0;
    if (!only && (x->st = resultfile_list_datasets(x->rf, *group ? group : "/", &names, &n)) != MSK_OK)
        return NULL;
    size_t cap = only ? n_only : n;
    column *cols = calloc(cap ? cap : 1, sizeof *cols);
    if (!cols) {
        resultfile_free_names(names, n);
        x->st = MSK_ENOMEM;
        return NULL;
    }
    size_t k = 0;
    for (size_t i = 0; i < cap && x->st == MSK_OK; i++) {
        const char *name = only ? only[i].name : names[i];
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", group, name);
        int nd;
        size_t dims[RESULTFILE_MAX_RANK];
        if (!only && (!resultfile_is_numeric(x->rf, path) || bare_dimension(x, path)))
            continue;
        /* The root's paired differences go to comparison_timeseries. */
        if (!only && lead && !group[0] && strstr(name, "_difference"))
            continue;
        if (!only && resultfile_shape(x->rf, path, &nd, dims) != MSK_OK) {
            x->st = MSK_EDATA;
            break;
        }
        size_t width;
        const size_t *d = lead ? dims + 1 : dims;
        int rank = lead ? nd - 1 : nd;
        if (only)
            width = only[i].width;
        else if (lead && dims[0] != lead)
            continue;
        else if (rank == 1 && d[0] == rows)
            width = 1;
        else if (inner && rank == 2 && d[0] == rows && d[1] == inner)
            width = inner;
        else
            continue; /* another dimension: not part of this table */
        column *c = &cols[k];
        c->name = strdup(name);
        c->width = width;
        c->v = malloc((rows * width > 0 ? rows * width : 1) * sizeof *c->v);
        if (!c->name || !c->v) {
            free(c->name);
            free(c->v);
            x->st = MSK_ENOMEM;
            break;
        }
        if (lead) {
            size_t shape[3] = {lead, rows, width};
            x->st = resultfile_doubles_rows(x->rf, path, width == 1 ? 2 : 3, shape, row, 1, c->v);
        } else {
            size_t shape[2] = {rows, width};
            x->st = resultfile_doubles(x->rf, path, width == 1 ? 1 : 2, shape, c->v);
        }
        k++;
    }
    resultfile_free_names(names, n);
    if (x->st != MSK_OK) {
        free_columns(cols, k);
        return NULL;
    }
    *n_out = k;
    return cols;
}

static FILE *open_table(exporter *x, const char *table)
{
    if (x->st != MSK_OK)
        return NULL;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.%s", x->dir, table, x->ext);
    FILE *f = fopen(path, "w");
    if (!f) {
        diag_add(x->diags, DIAG_ERROR, path, 0, 0, "", "cannot write the table");
        x->st = MSK_EIO;
    }
    return f;
}

static void close_table(exporter *x, FILE *f, const char *table)
{
    if (!f)
        return;
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        diag_add(x->diags, DIAG_ERROR, x->dir, 0, 0, "", "cannot write %s.%s", table, x->ext);
        x->st = MSK_EIO;
    }
}

static void header(exporter *x, FILE *f, const char *first, const char *second, const column *cols, size_t n,
                   const double *quantiles)
{
    cell_text(x, f, first);
    if (second) {
        fputc(x->sep, f);
        cell_text(x, f, second);
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < cols[i].width; j++) {
            fputc(x->sep, f);
            if (cols[i].width == 1) {
                cell_text(x, f, cols[i].name);
            } else {
                char name[600];
                snprintf(name, sizeof name, "%s_q%02.0f", cols[i].name, 100 * quantiles[j]);
                cell_text(x, f, name);
            }
        }
    fputc('\n', f);
}

/* One row per arm (or compared arm): summary and comparison. */
static void per_arm_table(exporter *x, const char *table, const char *group, char *const *labels, size_t rows)
{
    size_t n;
    column *cols = read_columns(x, group, 0, 0, rows, 0, &n, NULL, 0);
    FILE *f = open_table(x, table);
    if (f) {
        header(x, f, "arm", NULL, cols, n, NULL);
        for (size_t r = 0; r < rows; r++) {
            cell_text(x, f, labels[r]);
            for (size_t i = 0; i < n; i++) {
                fputc(x->sep, f);
                cell_num(f, cols[i].v[r]);
            }
            fputc('\n', f);
        }
    }
    close_table(x, f, table);
    free_columns(cols, n);
}

/* A column's variable and statistic: NAME_mean -> (NAME, mean), and likewise _sd,
 * _quantiles (one row per quantile), _ci_low, _ci_high; any other name is its own
 * variable with the statistic "value" (prevalences, cumulative incidences). */
static void split_name(const char *name, char *var, size_t size, const char **stat)
{
    static const char *const suffix[][2] = {{"_mean", "mean"}, {"_sd", "sd"}, {"_quantiles", "quantile"},
                                            {"_ci_low", "ci_low"}, {"_ci_high", "ci_high"}};
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
        size_t m = strlen(suffix[i][0]);
        if (n > m && strcmp(name + n - m, suffix[i][0]) == 0) {
            snprintf(var, size, "%.*s", (int)(n - m), name);
            *stat = suffix[i][1];
            return;
        }
    }
    snprintf(var, size, "%s", name);
    *stat = "value";
}

/* A dataset's text attribute, or "" (malloc'ed either way; NULL when out of memory). */
static char *attr_or_empty(exporter *x, const char *path, const char *attr)
{
    char *out = NULL;
    if (resultfile_has_attr(x->rf, path, attr) && resultfile_attr_text(x->rf, path, attr, &out) == MSK_OK)
        return out;
    return strdup("");
}

/* One row of a long table: arm, the stratum (when stratum is not NULL), week, variable,
 * statistic, quantile (NA when NaN), value, units. */
static void long_row(exporter *x, FILE *f, const char *arm, const char *stratum, double week, const char *var,
                     const char *stat, double quantile, double value, const char *units)
{
    cell_text(x, f, arm);
    fputc(x->sep, f);
    if (stratum) {
        cell_text(x, f, stratum);
        fputc(x->sep, f);
    }
    cell_num(f, week);
    fputc(x->sep, f);
    cell_text(x, f, var);
    fputc(x->sep, f);
    cell_text(x, f, stat);
    fputc(x->sep, f);
    cell_num(f, quantile);
    fputc(x->sep, f);
    cell_num(f, value);
    fputc(x->sep, f);
    cell_text(x, f, units);
    fputc('\n', f);
}

/* timeseries_long: one row per arm, week, variable, statistic (and quantile) with its
 * value and units, for tidy tools (R's tidyverse, pandas); units: every column of the
 * wide tables with its units and long name. */
static void long_rows(exporter *x, FILE *f, const char *arm, const column *cols, size_t n, char **units,
                      const double *quantiles)
{
    const resultdata *d = x->d;
    for (size_t k = 0; k < d->n_time; k++)
        for (size_t i = 0; i < n; i++) {
            char var[600];
            const char *stat;
            split_name(cols[i].name, var, sizeof var, &stat);
            for (size_t j = 0; j < cols[i].width; j++)
                long_row(x, f, arm, NULL, d->time[k], var, stat, cols[i].width > 1 ? quantiles[j] : NAN,
                         cols[i].v[k * cols[i].width + j], units[i]);
        }
}

static void units_table(exporter *x, const char *group, const column *cols, size_t n, char **units)
{
    FILE *f = open_table(x, "units");
    if (!f)
        return;
    cell_text(x, f, "column");
    fputc(x->sep, f);
    cell_text(x, f, "units");
    fputc(x->sep, f);
    cell_text(x, f, "long_name");
    fputc('\n', f);
    for (size_t i = 0; i < n && x->st == MSK_OK; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", group, cols[i].name);
        char *ln = attr_or_empty(x, path, "long_name");
        cell_text(x, f, cols[i].name);
        fputc(x->sep, f);
        cell_text(x, f, units[i]);
        fputc(x->sep, f);
        cell_text(x, f, ln ? ln : "");
        fputc('\n', f);
        free(ln);
    }
    close_table(x, f, "units");
}

static void timeseries_table(exporter *x, const double *quantiles, size_t nq)
{
    const resultdata *d = x->d;
    size_t nt = d->n_time, n = 0;
    FILE *f = NULL, *lf = NULL;
    column *first = NULL;
    char **units = NULL;
    for (size_t a = 0; a < d->n_arms && x->st == MSK_OK; a++) {
        /* Every arm's series are root variables over (arm, time[, quantile]). */
        const char *group = "";
        size_t m;
        column *cols = read_columns(x, group, d->n_arms, a, nt, nq, &m, first, n);
        if (!cols)
            break;
        if (!first) {
            f = open_table(x, "timeseries");
            if (f)
                header(x, f, "arm", "week", cols, m, quantiles);
            lf = open_table(x, "timeseries_long");
            if (lf)
                fprintf(lf, "arm%cweek%cvariable%cstatistic%cquantile%cvalue%cunits\n", x->sep, x->sep, x->sep,
                        x->sep, x->sep, x->sep);
            units = calloc(m ? m : 1, sizeof *units);
            for (size_t i = 0; units && i < m; i++) {
                char path[1024];
                snprintf(path, sizeof path, "%s/%s", group, cols[i].name);
                if (!(units[i] = attr_or_empty(x, path, "units")))
                    x->st = MSK_ENOMEM;
            }
            if (!units)
                x->st = MSK_ENOMEM;
            if (x->st == MSK_OK)
                units_table(x, group, cols, m, units);
        }
        if (lf && units && x->st == MSK_OK)
            long_rows(x, lf, d->arms[a].name, cols, m, units, quantiles);
        for (size_t k = 0; f && k < nt; k++) {
            cell_text(x, f, d->arms[a].name);
            fputc(x->sep, f);
            cell_num(f, d->time[k]);
            for (size_t i = 0; i < m; i++)
                for (size_t j = 0; j < cols[i].width; j++) {
                    fputc(x->sep, f);
                    cell_num(f, cols[i].v[k * cols[i].width + j]);
                }
            fputc('\n', f);
        }
        if (!first) {
            first = cols;
            n = m;
        } else {
            free_columns(cols, m);
        }
    }
    close_table(x, f, "timeseries");
    close_table(x, lf, "timeseries_long");
    for (size_t i = 0; units && i < n; i++)
        free(units[i]);
    free(units);
    free_columns(first, n);
}

/* A 1-D numeric dataset of n values (malloc'ed), or NULL (status set). */
static double *read_vector(exporter *x, const char *path, size_t n)
{
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        x->st = MSK_ENOMEM;
    else if ((x->st = resultfile_doubles(x->rf, path, 1, &n, v)) != MSK_OK) {
        free(v);
        v = NULL;
    }
    return v;
}

/* The flag name of value i from a dataset's flag_meanings ("fall fracture ..."). */
static void flag_name(const char *meanings, long i, char *out, size_t size)
{
    const char *p = meanings;
    for (long k = 0; p && *p && k < i; k++) {
        p = strchr(p, ' ');
        if (p)
            p++;
    }
    size_t n = p ? strcspn(p, " ") : 0;
    if (i < 0 || !p || n == 0)
        snprintf(out, size, "%ld", i);
    else
        snprintf(out, size, "%.*s", (int)n, p);
}

/* events: the event log of every arm, one row per event with the kind's name. */
static void events_table(exporter *x)
{
    const resultdata *d = x->d;
    FILE *f = open_table(x, "events");
    if (f)
        fprintf(f, "arm%creplicate%cindividual%cweek%ckind%cdetail\n", x->sep, x->sep, x->sep, x->sep, x->sep);
    for (size_t a = 0; f && a < d->n_arms && x->st == MSK_OK; a++) {
        char g[600], path[700];
        snprintf(g, sizeof g, "/arms/%s/events", d->arms[a].name);
        snprintf(path, sizeof path, "%s/kind", g);
        if (!resultfile_exists(x->rf, path))
            continue;
        int nd;
        size_t shape[RESULTFILE_MAX_RANK];
        if ((x->st = resultfile_shape(x->rf, path, &nd, shape)) != MSK_OK || nd != 1)
            break;
        const size_t n = shape[0];
        static const char *const cols[] = {"replicate", "individual", "event_time", "kind", "detail"};
        double *v[5] = {NULL};
        for (int c = 0; c < 5 && x->st == MSK_OK; c++) {
            snprintf(path, sizeof path, "%s/%s", g, cols[c]);
            v[c] = read_vector(x, path, n);
        }
        snprintf(path, sizeof path, "%s/kind", g);
        char *meanings = attr_or_empty(x, path, "flag_meanings");
        for (size_t i = 0; x->st == MSK_OK && meanings && i < n; i++) {
            char kind[64];
            flag_name(meanings, (long)v[3][i], kind, sizeof kind);
            cell_text(x, f, d->arms[a].name);
            for (int c = 0; c < 5; c++) {
                fputc(x->sep, f);
                if (c == 3)
                    cell_text(x, f, kind);
                else if (c == 2)
                    cell_num(f, v[c][i] / DAYS_PER_WEEK); /* the log is in days */
                else
                    cell_num(f, v[c][i]);
            }
            fputc('\n', f);
        }
        free(meanings);
        for (int c = 0; c < 5; c++)
            free(v[c]);
    }
    close_table(x, f, "events");
}

/* trajectories: the sampled people, one row per arm, person, week and variable. */
static void trajectories_table(exporter *x)
{
    const resultdata *d = x->d;
    FILE *f = open_table(x, "trajectories");
    if (f)
        fprintf(f, "arm%cindividual%cweek%cvariable%cvalue%cunits\n", x->sep, x->sep, x->sep, x->sep, x->sep);
    for (size_t a = 0; f && a < d->n_arms && x->st == MSK_OK; a++) {
        char g[600];
        snprintf(g, sizeof g, "/arms/%s/sample", d->arms[a].name);
        char **names = NULL;
        size_t n = 0;
        if (!resultfile_exists(x->rf, g) || (x->st = resultfile_list_datasets(x->rf, g, &names, &n)) != MSK_OK)
            continue;
        for (size_t i = 0; i < n && x->st == MSK_OK; i++) {
            char path[1024];
            snprintf(path, sizeof path, "%s/%s", g, names[i]);
            int nd;
            size_t dims[RESULTFILE_MAX_RANK];
            if (!resultfile_is_numeric(x->rf, path) || resultfile_shape(x->rf, path, &nd, dims) != MSK_OK || nd != 2 ||
                dims[1] != d->n_time)
                continue;
            const size_t count = dims[0] * dims[1];
            double *v = malloc((count > 0 ? count : 1) * sizeof *v);
            char *units = attr_or_empty(x, path, "units");
            if (!v || !units)
                x->st = MSK_ENOMEM;
            else
                x->st = resultfile_doubles(x->rf, path, 2, dims, v);
            for (size_t p = 0; p < dims[0] && x->st == MSK_OK; p++)
                for (size_t k = 0; k < dims[1]; k++) {
                    cell_text(x, f, d->arms[a].name);
                    fprintf(f, "%c%zu%c", x->sep, p, x->sep);
                    cell_num(f, d->time[k]);
                    fputc(x->sep, f);
                    cell_text(x, f, names[i]);
                    fputc(x->sep, f);
                    cell_num(f, v[p * dims[1] + k]);
                    fputc(x->sep, f);
                    cell_text(x, f, units);
                    fputc('\n', f);
                }
            free(v);
            free(units);
        }
        resultfile_free_names(names, n);
    }
    close_table(x, f, "trajectories");
}

static void comparison_tables(exporter *x, char *const *names, size_t nc)
{
    const resultdata *d = x->d;
    per_arm_table(x, "comparison", "/comparison", names, nc);
    size_t n;
    /* The root's paired differences over (arm, time): read whole, then the compared
     * arms' rows written (the reference's are NaN). */
    char **all = NULL;
    size_t n_all = 0, na = d->n_arms;
    if (x->st == MSK_OK && (x->st = resultfile_list_datasets(x->rf, "/", &all, &n_all)) != MSK_OK)
        return;
    column *cols = calloc(n_all ? n_all : 1, sizeof *cols);
    n = 0;
    for (size_t i = 0; cols && i < n_all && x->st == MSK_OK; i++) {
        char path[1024];
        snprintf(path, sizeof path, "/%s", all[i]);
        int nd;
        size_t dims[RESULTFILE_MAX_RANK];
        if (!strstr(all[i], "_difference") || !resultfile_is_numeric(x->rf, path))
            continue;
        if ((x->st = resultfile_shape(x->rf, path, &nd, dims)) != MSK_OK)
            break;
        if (nd != 2 || dims[0] != na || dims[1] != d->n_time)
            continue;
        cols[n].name = strdup(all[i]);
        cols[n].width = 1;
        cols[n].v = malloc((na * d->n_time > 0 ? na * d->n_time : 1) * sizeof(double));
        if (!cols[n].name || !cols[n].v) {
            x->st = MSK_ENOMEM;
            n++;
            break;
        }
        x->st = resultfile_doubles(x->rf, path, 2, dims, cols[n].v);
        n++;
    }
    if (!cols)
        x->st = MSK_ENOMEM;
    resultfile_free_names(all, n_all);
    FILE *f = open_table(x, "comparison_timeseries");
    if (f) {
        header(x, f, "arm", "week", cols, n, NULL);
        for (size_t r = 0; r < nc && x->st == MSK_OK; r++) {
            long a = resultdata_arm_index(d, names[r]);
            for (size_t k = 0; a >= 0 && k < d->n_time; k++) {
                cell_text(x, f, names[r]);
                fputc(x->sep, f);
                cell_num(f, d->time[k]);
                for (size_t i = 0; i < n; i++) {
                    fputc(x->sep, f);
                    cell_num(f, cols[i].v[(size_t)a * d->n_time + k]);
                }
                fputc('\n', f);
            }
        }
    }
    close_table(x, f, "comparison_timeseries");
    free_columns(cols, n);
}

/* The labels of /strata's strata (*n of them, malloc'ed), or NULL: none, or bad
 * (status set). */
static char **strata_labels(exporter *x, size_t *n)
{
    int nd;
    size_t dims[RESULTFILE_MAX_RANK];
    *n = 0;
    if (x->st != MSK_OK || !resultfile_exists(x->rf, "/strata/stratum"))
        return NULL;
    if ((x->st = resultfile_shape(x->rf, "/strata/stratum", &nd, dims)) != MSK_OK)
        return NULL;
    if (nd != 1 || dims[0] == 0 || dims[0] > 4096) {
        diag_add(x->diags, DIAG_ERROR, x->rf->path, 0, 0, "/strata/stratum", "is not a list of strata");
        x->st = MSK_EDATA;
        return NULL;
    }
    char **labels = calloc(dims[0], sizeof *labels);
    if (!labels) {
        x->st = MSK_ENOMEM;
        return NULL;
    }
    if ((x->st = resultfile_strings(x->rf, "/strata/stratum", dims[0], labels)) != MSK_OK) {
        free(labels);
        return NULL;
    }
    *n = dims[0];
    return labels;
}

/* strata_summary: one row per arm and stratum, every (arm, stratum) variable of
 * /strata (people enrolled, end-of-study changes, event rates, paired differences). */
static void strata_table(exporter *x)
{
    const resultdata *d = x->d;
    size_t S, n = 0;
    char **labels = strata_labels(x, &S);
    if (!labels)
        return;
    FILE *f = NULL;
    column *first = NULL;
    for (size_t a = 0; a < d->n_arms && x->st == MSK_OK; a++) {
        size_t m;
        column *cols = read_columns(x, "/strata", d->n_arms, a, S, 0, &m, first, n);
        if (!cols)
            break;
        if (!first && (f = open_table(x, "strata_summary")))
            header(x, f, "arm", "stratum", cols, m, NULL);
        for (size_t s = 0; f && s < S; s++) {
            cell_text(x, f, d->arms[a].name);
            fputc(x->sep, f);
            cell_text(x, f, labels[s]);
            for (size_t i = 0; i < m; i++) {
                fputc(x->sep, f);
                cell_num(f, cols[i].v[s]);
            }
            fputc('\n', f);
        }
        if (!first) {
            first = cols;
            n = m;
        } else {
            free_columns(cols, m);
        }
    }
    close_table(x, f, "strata_summary");
    free_columns(first, n);
    for (size_t s = 0; s < S; s++)
        free(labels[s]);
    free(labels);
}

/* One (arm, stratum[, time[, quantile]]) dataset of /strata in long rows: arm, stratum,
 * week, variable, statistic, quantile, value, units. */
static void strata_long_var(exporter *x, FILE *f, const char *name, char *const *labels, size_t S,
                            const double *quantiles, size_t nq)
{
    const resultdata *d = x->d;
    char path[1024];
    snprintf(path, sizeof path, "/strata/%s", name);
    int nd;
    size_t dims[RESULTFILE_MAX_RANK];
    if (!resultfile_is_numeric(x->rf, path) || (x->st = resultfile_shape(x->rf, path, &nd, dims)) != MSK_OK)
        return;
    const size_t nt = d->n_time;
    const int with_q = nd == 4 && dims[3] == nq && nq > 0;
    if (nd < 3 || dims[0] != d->n_arms || dims[1] != S || dims[2] != nt || (nd == 4 && !with_q))
        return; /* not a series over time: the summary table holds it */
    const size_t w = with_q ? nq : 1, n = d->n_arms * S * nt * w;
    double *v = malloc((n ? n : 1) * sizeof *v);
    char *units = attr_or_empty(x, path, "units");
    if (!v || !units) {
        x->st = MSK_ENOMEM;
    } else if ((x->st = resultfile_doubles(x->rf, path, nd, dims, v)) == MSK_OK) {
        char var[600];
        const char *stat;
        split_name(name, var, sizeof var, &stat);
        for (size_t i = 0; i < n; i++) {
            size_t q = i % w, k = i / w % nt, s = i / w / nt % S, a = i / w / nt / S;
            long_row(x, f, d->arms[a].name, labels[s], d->time[k], var, stat, with_q ? quantiles[q] : NAN, v[i],
                     units);
        }
    }
    free(v);
    free(units);
}

/* strata_timeseries_long: every series of /strata over time, in long (tidy) form. */
static void strata_long_table(exporter *x, const double *quantiles, size_t nq)
{
    size_t S, n = 0;
    char **labels = strata_labels(x, &S);
    if (!labels)
        return;
    char **names = NULL;
    if ((x->st = resultfile_list_datasets(x->rf, "/strata", &names, &n)) == MSK_OK) {
        FILE *f = open_table(x, "strata_timeseries_long");
        if (f)
            fprintf(f, "arm%cstratum%cweek%cvariable%cstatistic%cquantile%cvalue%cunits\n", x->sep, x->sep, x->sep,
                    x->sep, x->sep, x->sep, x->sep);
        for (size_t i = 0; f && i < n && x->st == MSK_OK; i++)
            strata_long_var(x, f, names[i], labels, S, quantiles, nq);
        close_table(x, f, "strata_timeseries_long");
    }
    resultfile_free_names(names, n);
    for (size_t s = 0; s < S; s++)
        free(labels[s]);
    free(labels);
}

static msk_status export_all(resultfile *rf, const resultdata *d, const char *dir, const char *ext,
                             diag_list *diags)
{
    exporter x = {rf, d, dir, ext, strcmp(ext, "tsv") == 0 ? '\t' : ',', diags, MSK_OK};
    char **arm_names = malloc(d->n_arms * sizeof *arm_names);
    if (!arm_names)
        return MSK_ENOMEM;
    for (size_t a = 0; a < d->n_arms; a++)
        arm_names[a] = d->arms[a].name;
    per_arm_table(&x, "summary", "/summary", arm_names, d->n_arms);
    if (d->n_draws) /* every summary across the parameter draws, one row per arm */
        per_arm_table(&x, "draws_summary", "/draws", arm_names, d->n_arms);
    free(arm_names);

    size_t nq = 0;
    double *quantiles = NULL;
    if (x.st == MSK_OK && resultfile_exists(rf, "/quantile")) {
        int nd;
        size_t dims[RESULTFILE_MAX_RANK];
        if ((x.st = resultfile_shape(rf, "/quantile", &nd, dims)) == MSK_OK && nd == 1 && dims[0] <= 100) {
            nq = dims[0];
            quantiles = malloc((nq ? nq : 1) * sizeof *quantiles);
            if (!quantiles)
                x.st = MSK_ENOMEM;
            else
                x.st = resultfile_doubles(rf, "/quantile", 1, &nq, quantiles);
        }
    }
    timeseries_table(&x, quantiles, nq);
    strata_long_table(&x, quantiles, nq);
    free(quantiles);
    events_table(&x);
    trajectories_table(&x);
    strata_table(&x);

    if (d->n_arms > 1 && x.st == MSK_OK) {
        size_t nc = d->n_arms - 1;
        char **names = calloc(nc, sizeof *names);
        if (!names)
            return MSK_ENOMEM;
        if ((x.st = resultfile_strings(rf, "/comparison/compared_arm", nc, names)) == MSK_OK) {
            for (size_t i = 0; i < nc && x.st == MSK_OK; i++)
                if (!resultfile_name_ok(names[i])) {
                    diag_add(diags, DIAG_ERROR, rf->path, 0, 0, "/comparison/compared_arm",
                             "holds a name that is not a valid arm name");
                    x.st = MSK_EDATA;
                }
            if (x.st == MSK_OK)
                comparison_tables(&x, names, nc);
        }
        for (size_t i = 0; i < nc; i++)
            free(names[i]);
        free(names);
    }
    return x.st;
}

/* The result file, opened and summarised, or the reason it cannot be. */
static msk_status load(const char *result, resultfile *rf, resultdata *d, diag_list *diags)
{
    memset(rf, 0, sizeof *rf);
    msk_status st = resultdata_probe(result, diags);
    if (st == MSK_OK && resultfile_is_sweep(result) == 1) {
        /* Its tables are the points and outcomes, which `plot` writes (TSV beside the
         * figures); saying only "not an msksim result" left the user guessing. */
        diag_add(diags, DIAG_ERROR, result, 0, 0, "",
                 "is a sweep result ('msksim sweep'), not the result of one run: 'msksim plot %s' "
                 "draws it and writes its points and outcomes as TSV tables beside the figures",
                 result);
        return MSK_EDATA;
    }
    if (st == MSK_OK)
        st = resultfile_open(rf, result, diags);
    if (st == MSK_OK)
        st = resultdata_load(d, rf);
    if (st != MSK_OK)
        resultfile_close(rf); /* a failed open keeps the path until closed */
    return st;
}

msk_status export_tables(const char *result, const char *dir, const char *ext,
                         volatile sig_atomic_t *stop, size_t *n_arms, diag_list *diags)
{
    resultfile rf;
    resultdata d;
    msk_status st = load(result, &rf, &d, diags);
    if (st != MSK_OK)
        return st;
    if (n_arms)
        *n_arms = d.n_arms;
    outdir o;
    if ((st = outdir_begin(&o, dir, diags)) == MSK_OK) {
        st = export_all(&rf, &d, o.tmp, ext, diags);
        if (st == MSK_OK && stop && *stop)
            st = MSK_EINTERRUPTED;
        if (st == MSK_OK) {
            enum { N_TABLES = sizeof export_table_names / sizeof export_table_names[0] - 1 };
            char stale[N_TABLES][64];
            const char *list[N_TABLES + 1];
            for (int i = 0; i < N_TABLES; i++) {
                snprintf(stale[i], sizeof stale[i], "%s.%s", export_table_names[i], ext);
                list[i] = stale[i];
            }
            list[N_TABLES] = NULL;
            st = outdir_commit(&o, list, diags);
        } else {
            outdir_abort(&o);
        }
    }
    resultfile_close(&rf);
    resultdata_fini(&d);
    return st;
}
