/* plot_sweep.c — tornado chart, outcome-against-parameter panels and heat maps of a
 * sweep result (see plot_sweep.h). */
#include "plot_sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gnuplot.h"
#include "outdir.h"
#include "report.h"
#include "resultfile.h"
#include "stats.h"

/* Beyond these a file is not a plausible sweep result, or not plottable
 * (docs/robustness.md, "Ceilings of the readers"). MAX_VALUES bounds points x (parameters
 * + outcomes), the numbers held in memory and written to the tables: 400 MB. */
enum {
    MAX_PARAMS = 64,
    MAX_OUTCOMES = 64,
    MAX_POINTS = 10000000,
    MAX_VALUES = 50000000,
    MAX_FIGURES = 2 + MAX_OUTCOMES
};

static const char *const colours[] = {"#4477aa", "#ee6677", "#228833", "#ccbb44", "#66ccee", "#aa3377"};

typedef struct {
    size_t k, no, np;
    char **param, **outcome, **unit, **param_unit;
    char *design;
    double *x; /* [np][k] */
    double *y; /* [np][no] */
    /* Sensitivity, [no][k] each; NULL when absent. */
    double *s1, *s1_lo, *s1_hi, *st, *st_lo, *st_hi;
    double *mu_star, *mu_lo, *mu_hi, *sigma;
} sweepdata;

/* ---- Reading, through the defensive reader (resultfile.h) ---------------------------- */

/* The first failure wins; later reads are skipped. */
typedef struct {
    resultfile rf;
    msk_status st;
} reader;

static void fail(reader *r, msk_status st, const char *object, const char *why)
{
    if (r->st == MSK_OK) {
        r->st = st;
        diag_add(r->rf.diags, DIAG_ERROR, r->rf.path, 0, 0, object, "%s", why);
    }
}

/* Length of the 1-D dataset name: 1 to max. */
static size_t length_of(reader *r, const char *name, size_t max)
{
    if (r->st != MSK_OK)
        return 0;
    int nd;
    size_t dims[RESULTFILE_MAX_RANK];
    if ((r->st = resultfile_shape(&r->rf, name, &nd, dims)) != MSK_OK)
        return 0;
    if (nd != 1 || dims[0] < 1) {
        fail(r, MSK_EDATA, name, "has an unexpected shape for an msksim sweep result");
        return 0;
    }
    if (dims[0] > max) {
        fail(r, MSK_EDATA, name, "has more entries than a sweep can plot");
        return 0;
    }
    return dims[0];
}

/* A 1-D dataset of strings, each cut to MAX_LABEL bytes: of length *n, or when *n is 0
 * of any length up to max (stored in *n). */
static char **read_strings(reader *r, const char *name, size_t *n, size_t max)
{
    enum { MAX_LABEL = 255 };
    if (*n == 0)
        *n = length_of(r, name, max);
    if (r->st != MSK_OK)
        return NULL;
    char **out = calloc(*n, sizeof *out);
    if (!out)
        r->st = MSK_ENOMEM;
    else if ((r->st = resultfile_strings(&r->rf, name, *n, out)) != MSK_OK) {
        free(out);
        return NULL;
    }
    for (size_t i = 0; out && i < *n; i++)
        if (strlen(out[i]) > MAX_LABEL)
            out[i][MAX_LABEL] = '\0';
    return out;
}

/* A rows x cols dataset of numbers. */
static double *read_doubles(reader *r, const char *name, size_t rows, size_t cols)
{
    if (r->st != MSK_OK)
        return NULL;
    const size_t dims[2] = {rows, cols};
    double *v = malloc(rows * cols * sizeof *v);
    if (!v)
        r->st = MSK_ENOMEM;
    else if ((r->st = resultfile_doubles(&r->rf, name, 2, dims, v)) != MSK_OK) {
        free(v);
        v = NULL;
    }
    return v;
}

static void free_strings(char **s, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        free(s[i]);
    free(s);
}

static void sweepdata_fini(sweepdata *d)
{
    free_strings(d->param, d->k);
    free_strings(d->param_unit, d->k);
    free_strings(d->outcome, d->no);
    free_strings(d->unit, d->no);
    free(d->design);
    double *arrays[] = {d->x, d->y, d->s1, d->s1_lo, d->s1_hi, d->st, d->st_lo, d->st_hi,
                        d->mu_star, d->mu_lo, d->mu_hi, d->sigma};
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
        free(arrays[i]);
    memset(d, 0, sizeof *d);
}

int plot_sweep_detect(const char *path)
{
    return resultfile_is_sweep(path);
}

/* The indices of /sensitivity, when the design has them: Sobol' (saltelli) or Morris. */
static void load_sensitivity(reader *r, sweepdata *d)
{
    if (r->st != MSK_OK || !resultfile_exists(&r->rf, "/sensitivity"))
        return;
    if (resultfile_exists(&r->rf, "/sensitivity/total_order")) {
        d->s1 = read_doubles(r, "/sensitivity/first_order", d->no, d->k);
        d->s1_lo = read_doubles(r, "/sensitivity/first_order_lower", d->no, d->k);
        d->s1_hi = read_doubles(r, "/sensitivity/first_order_upper", d->no, d->k);
        d->st = read_doubles(r, "/sensitivity/total_order", d->no, d->k);
        d->st_lo = read_doubles(r, "/sensitivity/total_order_lower", d->no, d->k);
        d->st_hi = read_doubles(r, "/sensitivity/total_order_upper", d->no, d->k);
    } else {
        d->mu_star = read_doubles(r, "/sensitivity/mu_star", d->no, d->k);
        d->mu_lo = read_doubles(r, "/sensitivity/mu_star_lower", d->no, d->k);
        d->mu_hi = read_doubles(r, "/sensitivity/mu_star_upper", d->no, d->k);
        d->sigma = read_doubles(r, "/sensitivity/sigma", d->no, d->k);
    }
}

static msk_status load(const char *path, sweepdata *d, diag_list *diags)
{
    memset(d, 0, sizeof *d);
    reader r = {.st = MSK_OK};
    r.st = resultfile_open_sweep(&r.rf, path, diags);
    if (r.st == MSK_OK && resultfile_has_attr(&r.rf, "/", "design"))
        r.st = resultfile_attr_text(&r.rf, "/", "design", &d->design);
    d->param = read_strings(&r, "/parameter", &d->k, MAX_PARAMS);
    d->param_unit = read_strings(&r, "/parameter_unit", &d->k, MAX_PARAMS);
    d->outcome = read_strings(&r, "/outcome", &d->no, MAX_OUTCOMES);
    /* As tables print it ("percentage points", "per 1000 person-years"); files of an
     * earlier msksim have only the UDUNITS unit. */
    const char *unit_var = r.st == MSK_OK && resultfile_exists(&r.rf, "/outcome_display_unit")
                               ? "/outcome_display_unit" : "/outcome_unit";
    d->unit = read_strings(&r, unit_var, &d->no, MAX_OUTCOMES);
    d->np = length_of(&r, "/point", MAX_POINTS);
    if (r.st == MSK_OK && d->np * (d->k + d->no) > MAX_VALUES) {
        char why[200];
        snprintf(why, sizeof why, "%zu points x (%zu parameters + %zu outcomes) values: more than the %d a sweep "
                 "plot reads (MAX_VALUES)", d->np, d->k, d->no, MAX_VALUES);
        fail(&r, MSK_EDATA, "/point", why);
    }
    d->x = read_doubles(&r, "/parameter_value", d->np, d->k);
    d->y = read_doubles(&r, "/outcome_value", d->np, d->no);
    load_sensitivity(&r, d);
    resultfile_close(&r.rf);
    if (r.st != MSK_OK)
        sweepdata_fini(d);
    return r.st;
}

/* ---- Writing ------------------------------------------------------------------------ */

typedef struct {
    const char *dir;   /* the temporary directory the files go to */
    const char *path;  /* the result file, named in the scripts */
    diag_list *diags;
    msk_status st;
    char *scripts[MAX_FIGURES];
    size_t n_scripts;
} writer;

static FILE *open_file(writer *w, const char *name, const char *ext)
{
    if (w->st != MSK_OK)
        return NULL;
    char p[4096];
    snprintf(p, sizeof p, "%s/%s.%s", w->dir, name, ext);
    FILE *f = fopen(p, "w");
    if (!f) {
        w->st = MSK_EIO;
        diag_add(w->diags, DIAG_ERROR, p, 0, 0, "", "cannot write");
    }
    return f;
}

static void close_file(writer *w, FILE *f, const char *name, const char *ext)
{
    if (!f)
        return;
    if (ferror(f) | fclose(f)) {
        w->st = MSK_EIO;
        diag_add(w->diags, DIAG_ERROR, w->dir, 0, 0, name, "cannot write %s.%s", name, ext);
        return;
    }
    if (strcmp(ext, "gp") == 0 && w->n_scripts < MAX_FIGURES) {
        size_t len = strlen(name) + 4;
        char *s = malloc(len);
        if (s) {
            snprintf(s, len, "%s.gp", name);
            w->scripts[w->n_scripts++] = s;
        } else {
            w->st = MSK_ENOMEM;
        }
    }
}

/* Panels of a multiplot: as square a layout as n allows. */
static void layout(size_t n, size_t *rows, size_t *cols)
{
    *cols = (size_t)ceil(sqrt((double)n));
    *rows = (n + *cols - 1) / *cols;
}

static void gp_label(FILE *f, const char *name, const char *unit)
{
    char buf[600];
    if (unit && unit[0] && strcmp(unit, "1") != 0)
        snprintf(buf, sizeof buf, "%s (%s)", name, unit);
    else
        snprintf(buf, sizeof buf, "%s", name);
    gp_string(f, buf);
}

/* Rank of the parameters of outcome o by decreasing key (NaN last). */
static void order_by(const double *key, size_t k, size_t *order)
{
    for (size_t i = 0; i < k; i++)
        order[i] = i;
    for (size_t i = 1; i < k; i++)
        for (size_t j = i; j > 0; j--) {
            double a = key[order[j - 1]], b = key[order[j]];
            if (isnan(a) || (!isnan(b) && b > a)) {
                size_t t = order[j - 1];
                order[j - 1] = order[j];
                order[j] = t;
            } else {
                break;
            }
        }
}

/* The tornado chart's numbers: per outcome the parameters in the order of order_by on
 * the key index (Sobol' total or Morris mu*), shared by the table and the script. */
typedef struct {
    int sobol;         /* Sobol' indices, else Morris */
    const char *name;  /* file name without extension */
    const char *title;
    size_t *order;     /* [k], of the outcome being written */
    gp_range *xr;      /* [no]: the range of each outcome's panel */
} tornado_chart;

static void tornado_order(const tornado_chart *t, const sweepdata *d, size_t o)
{
    order_by(t->sobol ? &d->st[o * d->k] : &d->mu_star[o * d->k], d->k, t->order);
}

/* One row's values (at = o * k + j): total, its limits, first order and its limits
 * (Sobol'), or mu*, its limits and sigma (Morris). Returns how many. */
static int tornado_values(const tornado_chart *t, const sweepdata *d, size_t at, double v[6])
{
    if (t->sobol) {
        const double x[6] = {d->st[at], d->st_lo[at], d->st_hi[at], d->s1[at], d->s1_lo[at], d->s1_hi[at]};
        memcpy(v, x, sizeof x);
        return 6;
    }
    const double x[4] = {d->mu_star[at], d->mu_lo[at], d->mu_hi[at], d->sigma[at]};
    memcpy(v, x, sizeof x);
    return 4;
}

/* NAME.tsv: one block per outcome, largest index last; fills t->xr. */
static void tornado_table(writer *w, const sweepdata *d, tornado_chart *t)
{
    FILE *tsv = open_file(w, t->name, "tsv");
    if (!tsv)
        return;
    fputs("# ", tsv);
    gp_cell(tsv, t->title);
    fputs("\n# from ", tsv);
    gp_cell(tsv, w->path);
    fputs(t->sobol ? "\n# one block per outcome (in file order); rows sorted by the total index, largest last (top);\n"
                     "# columns: parameter, row, total, total_low, total_high, first, first_low, first_high\n"
                   : "\n# one block per outcome (in file order); rows sorted by mu*, largest last (top);\n"
                     "# columns: parameter, row, mu_star, mu_star_low, mu_star_high, sigma\n",
          tsv);
    for (size_t o = 0; o < d->no; o++) {
        tornado_order(t, d, o);
        gp_range_init(&t->xr[o]);
        if (o)
            fputs("\n\n", tsv);
        fputs("# outcome ", tsv);
        gp_cell(tsv, d->outcome[o]);
        fputc('\n', tsv);
        for (size_t r = d->k; r-- > 0;) {
            size_t j = t->order[r];
            gp_cell(tsv, d->param[j]);
            fprintf(tsv, "\t%zu", d->k - 1 - r);
            double v[6];
            int n = tornado_values(t, d, o * d->k + j, v);
            for (int c = 0; c < n; c++) {
                fputc('\t', tsv);
                gp_num(tsv, v[c]);
                gp_range_add(&t->xr[o], v[c]);
            }
            fputc('\n', tsv);
        }
    }
    close_file(w, tsv, t->name, "tsv");
}

/* The panel of outcome o: parameters as y tics, bars, intervals. */
static void tornado_panel(FILE *gp, const sweepdata *d, const tornado_chart *t, size_t o)
{
    tornado_order(t, d, o);
    fprintf(gp, "\n# ---- outcome %zu ----\nset title ", o + 1);
    gp_label(gp, d->outcome[o], t->sobol ? "" : d->unit[o]);
    const double *key = t->sobol ? &d->st[o * d->k] : &d->mu_star[o * d->k];
    int defined = 0;
    for (size_t j = 0; j < d->k; j++)
        defined |= isfinite(key[j]);
    if (!defined) { /* an outcome the same at every point: 0/0, nothing to draw */
        fputs("\nset label 1 \"undefined: outcome does not vary\" at graph 0.5, graph 0.5 center font \",16\"\n"
              "unset ytics\nset xrange [0:1]\nset yrange [0:1]\nplot -1 notitle\nunset label 1\nset ytics\n",
              gp);
        return;
    }
    fputs("\nset ytics (", gp);
    for (size_t r = 0; r < d->k; r++) {
        gp_string(gp, d->param[t->order[d->k - 1 - r]]);
        fprintf(gp, " %zu%s", r, r + 1 < d->k ? ", " : ")\n");
    }
    fprintf(gp, "set yrange [-0.6:%.1f]\n", (double)d->k - 0.4);
    gp_range *xr = &t->xr[o];
    if (t->sobol) {
        /* Small samples give bootstrap intervals far outside [0, 1]: clip the view. */
        gp_range_add(xr, 0);
        gp_range_add(xr, 1);
        gp_range_final(xr, 0.05, 1);
        /* Every estimate stays in view (a negative first-order index of a small sample
         * is drawn, not cut off); only the intervals are clipped, and the panel says so. */
        double plo = 0, phi = 1;
        for (size_t j = 0; j < d->k; j++) {
            double v[2] = {d->s1[o * d->k + j], d->st[o * d->k + j]};
            for (int q = 0; q < 2; q++)
                if (isfinite(v[q])) {
                    plo = fmin(plo, v[q] - 0.05);
                    phi = fmax(phi, v[q] + 0.05);
                }
        }
        double lo = fmin(fmax(xr->lo, -0.5), plo), hi = fmax(fmin(xr->hi, 1.5), phi);
        if (xr->lo < lo || xr->hi > hi)
            fputs("set label 2 \"intervals cut at the edges: too few samples\" at graph 1, graph 1.04 right "
                  "font \",11\" tc rgb \"#aa3377\"\n",
                  gp);
        fprintf(gp, "set xrange [%.4g:%.4g]\nset xlabel \"Sobol' index (share of the outcome's variance)\"\n", lo,
                hi);
        fprintf(gp, "plot '%s.tsv' index %zu using (0):2:(0):3:($2-0.38):($2+0.38) with boxxyerror lc rgb \"#9cb8d9\" title 'total', \\\n"
                    "     '' index %zu using (0):2:($6<0?$6:0):($6>0?$6:0):($2-0.18):($2+0.18) with boxxyerror lc rgb \"#1f3f6e\" title 'first order', \\\n"
                    "     '' index %zu using 3:2:4:5 with xerrorbars pt 7 ps 0.6 lc rgb \"#000000\" notitle\n",
                t->name, o, o, o);
        fputs("unset label 2\n", gp);
    } else {
        gp_range_add(xr, 0);
        gp_range_final(xr, 0.05, 1);
        fprintf(gp, "set xrange [%.6g:%.6g]\nset xlabel ", xr->lo, xr->hi);
        gp_label(gp, "effect of the whole parameter range", d->unit[o]);
        fprintf(gp, "\nplot '%s.tsv' index %zu using (0):2:(0):3:($2-0.38):($2+0.38) with boxxyerror lc rgb \"#9cb8d9\" title 'mu*', \\\n"
                    "     '' index %zu using 3:2:4:5 with xerrorbars pt -1 lc rgb \"#000000\" notitle, \\\n"
                    "     '' index %zu using 6:2 with points pt 13 ps 1.5 lc rgb \"#ee6677\" title 'sigma'\n",
                t->name, o, o, o);
    }
}

/* NAME.gp: a multiplot of one panel per outcome. */
static void tornado_script(writer *w, const sweepdata *d, const tornado_chart *t)
{
    FILE *gp = open_file(w, t->name, "gp");
    if (!gp)
        return;
    gp_preamble(gp, t->name, t->title, w->path);
    size_t rows, cols;
    layout(d->no, &rows, &cols);
    fprintf(gp, "set multiplot layout %zu,%zu title ", rows, cols);
    gp_string(gp, t->title);
    fputs(" font \",20\"\n"
          "set style fill solid 1.0 noborder\n"
          "set grid xtics noytics\n"
          "set key bottom right font \",14\"\n",
          gp);
    for (size_t o = 0; o < d->no; o++)
        tornado_panel(gp, d, t, o);
    fputs("unset multiplot\n", gp);
    close_file(w, gp, t->name, "gp");
}

/* sweep-indices: what drives each outcome, for designs with indices. */
static void tornado(writer *w, const sweepdata *d)
{
    const int sobol = d->st != NULL;
    if (!sobol && !d->mu_star)
        return;
    tornado_chart t = {
        .sobol = sobol,
        .name = "sweep-indices",
        .title = sobol ? "What drives each outcome: Sobol' indices (bars: total; dark: first order; 95% bootstrap intervals)"
                       : "What drives each outcome: Morris screening (bars: mu*, 95% bootstrap interval; dots: sigma)",
        .order = malloc((d->k ? d->k : 1) * sizeof *t.order),
        .xr = malloc((d->no ? d->no : 1) * sizeof *t.xr),
    };
    if (!t.order || !t.xr)
        w->st = MSK_ENOMEM;
    tornado_table(w, d, &t);
    if (w->st == MSK_OK)
        tornado_script(w, d, &t);
    free(t.xr);
    free(t.order);
}

static void outcome_panels(writer *w, const sweepdata *d, size_t o)
{
    char name[64];
    snprintf(name, sizeof name, "sweep-outcome-%zu", o + 1);
    FILE *tsv = open_file(w, name, "tsv");
    if (!tsv)
        return;
    fputs("# outcome ", tsv);
    gp_cell(tsv, d->outcome[o]);
    fputs(" at every point of the sweep, with the parameter values\n# columns:", tsv);
    for (size_t j = 0; j < d->k; j++) {
        fputc(' ', tsv);
        gp_cell(tsv, d->param[j]);
    }
    fputs(" outcome\n", tsv);
    gp_range yr;
    gp_range_init(&yr);
    for (size_t p = 0; p < d->np; p++) {
        for (size_t j = 0; j < d->k; j++) {
            gp_num(tsv, d->x[p * d->k + j]);
            fputc('\t', tsv);
        }
        gp_num(tsv, d->y[p * d->no + o]);
        gp_range_add(&yr, d->y[p * d->no + o]);
        fputc('\n', tsv);
    }
    close_file(w, tsv, name, "tsv");
    FILE *gp = open_file(w, name, "gp");
    if (!gp)
        return;
    char title[700];
    snprintf(title, sizeof title, "%s at each point of the sweep, against each parameter", d->outcome[o]);
    gp_preamble(gp, name, title, w->path);
    size_t rows, cols;
    layout(d->k, &rows, &cols);
    gp_range_final(&yr, 0.05, 0);
    fprintf(gp, "set multiplot layout %zu,%zu title ", rows, cols);
    gp_string(gp, title);
    fprintf(gp, " font \",20\"\nset yrange [%.6g:%.6g]\nset ylabel ", yr.lo, yr.hi);
    gp_string(gp, d->unit[o][0] && strcmp(d->unit[o], "1") != 0 ? d->unit[o] : "value"); /* the title names it */
    fputc('\n', gp);
    for (size_t j = 0; j < d->k; j++) {
        fputs("set xlabel ", gp);
        gp_label(gp, d->param[j], d->param_unit[j]);
        fprintf(gp, "\nplot '%s.tsv' using %zu:%zu with points pt 7 ps 0.7 lc rgb \"%s\" notitle\n", name, j + 1, d->k + 1,
                colours[j % (sizeof colours / sizeof colours[0])]);
    }
    fputs("unset multiplot\n", gp);
    close_file(w, gp, name, "gp");
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Distinct values of column j, sorted; returns their count (0 when over max). */
static size_t distinct(const sweepdata *d, size_t j, double *out, size_t max)
{
    size_t n = 0;
    for (size_t p = 0; p < d->np; p++) {
        double v = d->x[p * d->k + j];
        int seen = 0;
        for (size_t i = 0; i < n && !seen; i++)
            seen = out[i] == v;
        if (!seen) {
            if (n == max)
                return 0;
            out[n++] = v;
        }
    }
    qsort(out, n, sizeof *out, by_double);
    return n;
}

static size_t index_of(const double *v, size_t n, double x)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == x)
            return i;
    return 0;
}

/* A grid over exactly two varied parameters: each outcome as a heat map. */
static int heatmap(writer *w, const sweepdata *d)
{
    enum { MAX_LEVELS = 200 };
    if (!d->design || strcmp(d->design, "grid") != 0 || d->k < 2)
        return 0;
    double levels[2][MAX_LEVELS], scratch[MAX_LEVELS];
    size_t nl[2], varied[2], nv = 0;
    for (size_t j = 0; j < d->k; j++) {
        size_t n = distinct(d, j, scratch, MAX_LEVELS);
        if (n == 1)
            continue;
        if (n == 0 || nv == 2)
            return 0;
        memcpy(levels[nv], scratch, n * sizeof *scratch);
        nl[nv] = n;
        varied[nv++] = j;
    }
    if (nv != 2)
        return 0;
    const char *name = "sweep-heatmap";
    FILE *tsv = open_file(w, name, "tsv");
    if (!tsv)
        return 0;
    fputs("# one block per outcome; columns: level of the first parameter (0, 1, ...), level of the second, outcome\n", tsv);
    for (size_t o = 0; o < d->no; o++) {
        if (o)
            fputs("\n\n", tsv);
        for (size_t a = 0; a < nl[0]; a++) {
            for (size_t b = 0; b < nl[1]; b++) {
                double z = NAN;
                for (size_t p = 0; p < d->np; p++)
                    if (index_of(levels[0], nl[0], d->x[p * d->k + varied[0]]) == a &&
                        index_of(levels[1], nl[1], d->x[p * d->k + varied[1]]) == b)
                        z = d->y[p * d->no + o];
                fprintf(tsv, "%zu\t%zu\t", a, b);
                gp_num(tsv, z);
                fputc('\n', tsv);
            }
            fputc('\n', tsv);
        }
    }
    close_file(w, tsv, name, "tsv");
    FILE *gp = open_file(w, name, "gp");
    if (!gp)
        return 0;
    const char *title = "Each outcome over the two parameters of the grid";
    gp_preamble(gp, name, title, w->path);
    size_t rows, cols;
    layout(d->no, &rows, &cols);
    fprintf(gp, "set multiplot layout %zu,%zu title ", rows, cols);
    gp_string(gp, title);
    fputs(" font \",20\"\nset palette defined (0 \"#313695\", 1 \"#74add1\", 2 \"#ffffbf\", 3 \"#f46d43\", 4 \"#a50026\")\n"
          "unset grid\n",
          gp);
    for (int axis = 0; axis < 2; axis++) {
        fprintf(gp, "set %s (", axis ? "ytics" : "xtics");
        for (size_t i = 0; i < nl[axis]; i++)
            fprintf(gp, "\"%.6g\" %zu%s", levels[axis][i], i, i + 1 < nl[axis] ? ", " : ")\n");
        fprintf(gp, "set %s ", axis ? "ylabel" : "xlabel");
        gp_label(gp, d->param[varied[axis]], d->param_unit[varied[axis]]);
        fprintf(gp, "\nset %s [-0.5:%.1f]\n", axis ? "yrange" : "xrange", (double)nl[axis] - 0.5);
    }
    for (size_t o = 0; o < d->no; o++) {
        fputs("set title ", gp);
        gp_label(gp, d->outcome[o], d->unit[o]);
        fprintf(gp, "\nplot '%s.tsv' index %zu using 1:2:3 with image notitle\n", name, o);
    }
    fputs("unset multiplot\n", gp);
    close_file(w, gp, name, "gp");
    return 1;
}

/* ---- The report page (index.html) ------------------------------------------------- */

/* The indices of outcome o with their intervals, and a note when the two leading
 * parameters cannot be ranked (stats_leaders_unranked). */
static void index_table(FILE *f, const sweepdata *d, size_t o)
{
    const int sobol = d->st != NULL;
    fprintf(f, "<table><tr><th>parameter</th><th>%s</th><th>%s</th></tr>\n",
            sobol ? "first-order S1 [interval]" : "Morris mu* [interval]", sobol ? "total ST [interval]" : "sigma");
    for (size_t j = 0; j < d->k; j++) {
        size_t i = o * d->k + j;
        fputs("<tr><td>", f);
        report_html_text(f, d->param[j]);
        if (sobol)
            fprintf(f, "</td><td>%.3f [%.3f, %.3f]</td><td>%.3f [%.3f, %.3f]</td></tr>\n", d->s1[i], d->s1_lo[i],
                    d->s1_hi[i], d->st[i], d->st_lo[i], d->st_hi[i]);
        else
            fprintf(f, "</td><td>%.3g [%.3g, %.3g]</td><td>%.3g</td></tr>\n", d->mu_star[i], d->mu_lo[i],
                    d->mu_hi[i], d->sigma[i]);
    }
    fputs("</table>\n", f);
    const size_t at = o * d->k;
    size_t best, second;
    if (!(sobol ? stats_leaders_unranked(d->st + at, d->st_lo + at, d->st_hi + at, d->k, &best, &second)
                : stats_leaders_unranked(d->mu_star + at, d->mu_lo + at, d->mu_hi + at, d->k, &best, &second)))
        return;
    fputs("<p class=\"note\">The intervals of the two leading parameters (", f);
    report_html_text(f, d->param[best]);
    fputs(", ", f);
    report_html_text(f, d->param[second]);
    fputs(") overlap: this sweep's sample cannot rank them. Raise <code>design.samples</code> "
          "(the intervals narrow about as 1/&radic;N).</p>\n",
          f);
}

static void figure_caption(FILE *f, const char *name, const sweepdata *d)
{
    fputs("<figcaption><p>", f);
    if (strcmp(name, "sweep-indices") == 0)
        fputs(d->st ? "For each outcome, the parameters sorted by their total Sobol' index: the share of the "
                      "outcome's variance over the sweep that goes away if the parameter is fixed (bar), with "
                      "the first-order index, its share alone, inside; whiskers are the bootstrap 95% intervals "
                      "of the total index (the table below gives both indices with their intervals). An index "
                      "describes this sweep's ranges, not the parameter in general."
                    : "For each outcome, the parameters sorted by Morris mu*, the mean absolute effect of moving "
                      "the parameter across its range, with its bootstrap interval; sigma measures interaction "
                      "and non-linearity.",
              f);
    else if (strcmp(name, "sweep-heatmap") == 0)
        fputs("Each outcome over the two parameters of the grid, one cell per point.", f);
    else
        fputs("The outcome at every point of the sweep, one panel per parameter: a trend across a panel "
              "says the outcome follows that parameter; scatter says the others matter too. Each point is "
              "one virtual trial (its Monte Carlo noise included).",
              f);
    fputs("</p></figcaption>\n", f);
}

/* The heading of figure `name`: what it shows, in words (the file name says less). */
static void figure_heading(FILE *f, const char *name, const sweepdata *d)
{
    size_t o;
    if (strcmp(name, "sweep-indices") == 0)
        fputs(d->st ? "What drives each outcome: Sobol' indices" : "What drives each outcome: Morris screening", f);
    else if (strcmp(name, "sweep-heatmap") == 0)
        fputs("Each outcome over the two parameters of the grid", f);
    else if (sscanf(name, "sweep-outcome-%zu", &o) == 1 && o >= 1 && o <= d->no) {
        report_html_text(f, d->outcome[o - 1]);
        if (d->unit[o - 1][0] && strcmp(d->unit[o - 1], "1") != 0) {
            fputs(" (", f);
            report_html_text(f, d->unit[o - 1]);
            fputs(")", f);
        }
        fputs(" at every point of the sweep, against each parameter", f);
    } else
        report_html_text(f, name);
}

/* DIR/index.html: every figure embedded with its caption, and the indices with their
 * intervals and a warning where the sample cannot rank the parameters. */
static msk_status sweep_report(const writer *w, const sweepdata *d, unsigned formats, diag_list *diags)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/index.html", w->dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        diag_add(diags, DIAG_ERROR, path, 0, 0, "", "cannot write the report page");
        return MSK_EIO;
    }
    report_page_head(f, "Parameter sweep: what drives the outcomes");
    fputs("<p class=\"meta\">Results of simulations, not of real people. Made by <code>msksim plot</code> from "
          "<code>",
          f);
    report_html_text(f, w->path);
    fprintf(f, "</code>: %s design, %zu points, %zu parameters, %zu outcomes.</p>\n", d->design ? d->design : "?",
            d->np, d->k, d->no);
    const unsigned image = formats & GP_PNG ? GP_PNG : formats & GP_SVG ? GP_SVG : 0;
    msk_status st = MSK_OK;
    for (size_t i = 0; i < w->n_scripts && st == MSK_OK; i++) {
        char name[256];
        snprintf(name, sizeof name, "%s", w->scripts[i]);
        char *dot = strrchr(name, '.');
        if (dot)
            *dot = '\0';
        fprintf(f, "<section><h2>Figure %zu. ", i + 1);
        figure_heading(f, name, d);
        fputs("</h2>\n<figure>\n", f);
        if (image)
            st = report_embed_image(f, w->dir, name, image, name, diags);
        figure_caption(f, name, d);
        fputs("</figure>\n</section>\n", f);
    }
    if (d->st || d->mu_star) {
        fputs("<h2 id=\"indices\">Indices and their precision</h2>\n", f);
        for (size_t o = 0; o < d->no; o++) {
            fputs("<h3>", f);
            report_html_text(f, d->outcome[o]);
            fputs("</h3>\n", f);
            index_table(f, d, o);
        }
    }
    fputs("</body>\n</html>\n", f);
    if (fclose(f) != 0 && st == MSK_OK) {
        diag_add(diags, DIAG_ERROR, path, 0, 0, "", "cannot write the report page");
        st = MSK_EIO;
    }
    return st;
}

msk_status plot_sweep(const char *path, const char *dir, unsigned formats, int *n_figures, diag_list *diags)
{
    if (n_figures)
        *n_figures = 0;
    sweepdata d;
    msk_status st = load(path, &d, diags);
    if (st != MSK_OK)
        return st;
    outdir od;
    st = outdir_begin(&od, dir, diags);
    if (st != MSK_OK) {
        sweepdata_fini(&d);
        return st;
    }
    writer w = {od.tmp, path, diags, MSK_OK, {0}, 0};
    tornado(&w, &d);
    for (size_t o = 0; o < d.no && w.st == MSK_OK; o++)
        outcome_panels(&w, &d, o);
    if (w.st == MSK_OK)
        heatmap(&w, &d);
    if (w.st == MSK_OK)
        w.st = gp_run_all(od.tmp, (const char *const *)w.scripts, w.n_scripts, formats, 2, diags);
    if (w.st == MSK_OK)
        w.st = sweep_report(&w, &d, formats, diags);
    if (w.st == MSK_OK) {
        w.st = outdir_commit(&od, NULL, diags);
        if (w.st == MSK_OK && n_figures)
            *n_figures = (int)w.n_scripts;
    } else {
        outdir_abort(&od);
    }
    for (size_t i = 0; i < w.n_scripts; i++)
        free(w.scripts[i]);
    sweepdata_fini(&d);
    return w.st;
}
