/* plotfig.c — the figure toolkit: files, colours, time axes, panels, legends, TSV heads,
 * tick steps, confidence factors and prescriptions in words, shared by the figures (see
 * plotfig.h). */
#include "plotfig.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

/* fmt's text, malloc'ed; NULL when out of memory. */
__attribute__((format(printf, 1, 0))) static char *vformat(const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *s = n < 0 ? NULL : malloc((size_t)n + 1);
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, again);
    va_end(again);
    return s;
}

/* fmt's text as a gnuplot string. */
__attribute__((format(printf, 2, 0))) static void vquoted(FILE *gp, const char *fmt, va_list ap)
{
    char *s = vformat(fmt, ap);
    gp_string(gp, s ? s : "");
    free(s);
}

/* ---- A figure's files ------------------------------------------------------------- */

/* Open DIR/NAME.EXT for writing; NULL (and c->st set) on failure or when c->st is set. */
static FILE *open_file(plot_ctx *c, const char *name, const char *ext)
{
    if (c->st != MSK_OK)
        return NULL;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.%s", c->dir, name, ext);
    FILE *f = fopen(path, "w");
    if (!f) {
        diag_add(c->diags, DIAG_ERROR, path, 0, 0, "", "cannot write: %s", strerror(errno));
        c->st = MSK_EIO;
    }
    return f;
}

/* Close, checking that everything was written. */
static void close_file(plot_ctx *c, FILE *f, const char *name, const char *ext)
{
    int bad = ferror(f);
    if (fclose(f) != 0)
        bad = 1;
    if (bad && c->st == MSK_OK) {
        diag_add(c->diags, DIAG_ERROR, c->dir, 0, 0, "", "cannot write %s.%s: %s", name, ext,
                 strerror(errno));
        c->st = MSK_EIO;
    }
}

/* The TSV's opening comment. */
static void tsv_head(const plot_ctx *c, FILE *f, const char *title)
{
    fprintf(f, "# %s\n# from ", title);
    gp_cell(f, c->result_path);
    fputs(" (msksim plot); times in weeks since the start\n", f);
}

void pf_write_files(plot_ctx *c, const char *name, const char *title, pf_text_fn *table,
                    pf_script_fn *script, const void *fig)
{
    if (!title && c->st == MSK_OK) /* pf_format ran out of memory */
        c->st = MSK_ENOMEM;
    FILE *tsv = open_file(c, name, "tsv");
    if (!tsv)
        return;
    tsv_head(c, tsv, title);
    table(c, tsv, fig);
    close_file(c, tsv, name, "tsv");
    FILE *gp = open_file(c, name, "gp");
    if (!gp)
        return;
    char tsvname[128];
    snprintf(tsvname, sizeof tsvname, "%s.tsv", name);
    gp_preamble(gp, name, title, c->result_path);
    script(c, gp, tsvname, title, fig);
    close_file(c, gp, name, "gp");
}

char *pf_text(const plot_ctx *c, pf_text_fn *words, const void *fig)
{
    char *s = NULL;
    size_t len;
    FILE *m = open_memstream(&s, &len);
    if (!m)
        return NULL;
    words(c, m, fig);
    if (fclose(m) != 0) {
        free(s);
        return NULL;
    }
    return s;
}

/* ---- Colours, axes, panels, legends ----------------------------------------------- */

const char *pf_colour(const plot_ctx *c, size_t arm)
{
    /* Okabe & Ito (2008), safe for the common colour-vision deficiencies. */
    static const char *const palette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                          "#E69F00", "#56B4E9", "#882255", "#117733"};
    if (arm == c->d->reference)
        return "#404040";
    size_t i = arm > c->d->reference ? arm - 1 : arm;
    return palette[i % (sizeof palette / sizeof palette[0])];
}

const char *pf_time_unit(const plot_ctx *c)
{
    return c->years ? "years" : "weeks";
}

double pf_time(const plot_ctx *c, double weeks)
{
    return c->years ? weeks / PF_WEEKS_PER_YEAR : weeks;
}

void pf_time_axis(const plot_ctx *c, FILE *gp, const char *what)
{
    if (c->years)
        fprintf(gp, "TS = 1/%.15g    # the TSV holds weeks; the axis shows years\n", PF_WEEKS_PER_YEAR);
    else
        fputs("TS = 1            # the TSV holds weeks; set TS = 1/52.18 for years\n", gp);
    fprintf(gp, "set xlabel \"%s (%s)\"\n", what, pf_time_unit(c));
    fprintf(gp, "set xrange [0:%.6g]\n", pf_time(c, c->d->time[c->d->n_time - 1]));
}

size_t pf_draw_order(const resultdata *d, size_t i)
{
    if (i + 1 == d->n_arms)
        return d->reference;
    return i < d->reference ? i : i + 1;
}

void pf_plot_arm_lines(const plot_ctx *c, FILE *gp, const char *tsv, int col, const char *scale,
                       const char *style)
{
    const resultdata *d = c->d;
    fputs("plot ", gp);
    for (size_t i = 0; i < d->n_arms; i++) {
        size_t a = pf_draw_order(d, i);
        fprintf(gp, "%s'%s' index %zu using ($1*TS):($%d%s) with %s lc rgb \"%s\" title ", i ? "     " : "",
                i ? "" : tsv, a, col, scale, style, pf_colour(c, a));
        gp_string(gp, d->arms[a].name);
        fputs(i + 1 < d->n_arms ? ", \\\n" : "\n", gp);
    }
}

void pf_multiplot_begin(FILE *gp, const char *title)
{
    size_t n = strlen(title);
    fputs("unset key\nset multiplot title ", gp);
    gp_string(gp, title);
    fprintf(gp, " font \",%d\"\n", n > 84 ? 20 : n > 74 ? 22 : 24);
}

pf_layout pf_layout_default(int rows, int cols)
{
    pf_layout L = {rows, cols, 0.09, 0.985, 0.24, 0.86, 0.115, 0.13};
    return L;
}

void pf_panel(FILE *gp, const pf_layout *L, int row, int col)
{
    double w = (L->right - L->left - (L->cols - 1) * L->hgap) / L->cols;
    double h = (L->top - L->bottom - (L->rows - 1) * L->vgap) / L->rows;
    double x0 = L->left + col * (w + L->hgap), y1 = L->top - row * (h + L->vgap);
    fprintf(gp, "set lmargin at screen %.4f; set rmargin at screen %.4f\n", x0, x0 + w);
    fprintf(gp, "set tmargin at screen %.4f; set bmargin at screen %.4f\n", y1, y1 - h);
}

void pf_legend_begin(FILE *gp, double height, int max_rows)
{
    /* gnuplot 5.4 cannot draw a plot of key entries alone: one real curve, outside the
     * range, comes first. */
    fprintf(gp, "\n# ---- Legend, a strip across the bottom ----\n"
                "set lmargin at screen 0.02; set rmargin at screen 0.98\n"
                "set bmargin at screen 0; set tmargin at screen %.4f\n"
                "unset border; unset tics; unset xlabel; unset ylabel; unset title; unset grid\n"
                "unset object; unset label; unset arrow; unset xzeroaxis\n"
                "set xrange [0:1]; set yrange [0:1]\n"
                "set key center center horizontal Left reverse maxrows %d samplen 2 spacing 1.1 width 1 font \",18\"\n"
                "plot 2 with lines notitle",
            height, max_rows);
}

void pf_legend_entry(FILE *gp, const char *style, const char *colour, const char *fmt, ...)
{
    fprintf(gp, ", \\\n     keyentry with %s lc rgb \"%s\" title ", style, colour);
    va_list ap;
    va_start(ap, fmt);
    vquoted(gp, fmt, ap);
    va_end(ap);
}

void pf_legend_end(FILE *gp)
{
    fputc('\n', gp);
}

void pf_legend_arm_entries(const plot_ctx *c, FILE *gp, const char *style)
{
    for (size_t a = 0; a < c->d->n_arms; a++)
        pf_legend_entry(gp, style, pf_colour(c, a), "%s", c->d->arms[a].name);
}

void pf_legend_arms(const plot_ctx *c, FILE *gp, const char *style)
{
    pf_legend_begin(gp, 0.13, 2);
    pf_legend_arm_entries(c, gp, style);
    pf_legend_end(gp);
}

/* ---- Data tables ------------------------------------------------------------------ */

void pf_tsv_arm_block(FILE *f, size_t block, const char *arm)
{
    if (block)
        fputs("\n\n", f);
    fprintf(f, "# block %zu: arm ", block);
    gp_cell(f, arm);
    fputc('\n', f);
}

void pf_tsv_per_arm(const plot_ctx *c, FILE *f, size_t first_block, pf_row_fn *row, const void *fig)
{
    const resultdata *d = c->d;
    for (size_t a = 0; a < d->n_arms; a++) {
        pf_tsv_arm_block(f, first_block + a, d->arms[a].name);
        for (size_t k = 0; k < d->n_time; k++) {
            gp_num(f, d->time[k]);
            row(c, f, a, k, fig);
            fputc('\n', f);
        }
    }
}

void pf_num(FILE *f, double x)
{
    fputc('\t', f);
    gp_num(f, x);
}

double pf_sample(const plot_ctx *c, const rd_arm *A, rd_var v, size_t p, size_t k)
{
    return A->sample[v][p * c->d->n_time + k];
}

/* ---- Numbers and words ------------------------------------------------------------ */

double pf_tick_step(double span, int n)
{
    if (!(span > 0) || n < 1)
        return 1;
    double raw = span / n, mag = pow(10, floor(log10(raw))), f = raw / mag;
    return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

double pf_t975(double n)
{
    if (!(n >= 2))
        return NAN;
    return gsl_cdf_tdist_Pinv(0.975, n - 1);
}

char *pf_format(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    return s;
}

void pf_quoted(FILE *gp, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vquoted(gp, fmt, ap);
    va_end(ap);
}

int pf_arm_has_bfr(const rd_arm *A)
{
    for (size_t i = 0; i < A->n_iv; i++)
        if (A->iv[i].type == RI_BFR_WALKING || A->iv[i].type == RI_BFR_RESISTANCE ||
            A->iv[i].type == RI_PASSIVE_BFR)
            return 1;
    return 0;
}

/* One detail of a prescription (", 4 sessions/week"), written only when given. */
__attribute__((format(printf, 3, 4))) static void detail(FILE *f, int given, const char *fmt, ...)
{
    if (!given)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
}

static void describe_iv(FILE *f, const rd_intervention *iv)
{
    static const char *const what[RI_COUNT + 1] = {
        [RI_PROTEIN] = "protein intake raised to", [RI_WALKING] = "walking",
        [RI_BFR_WALKING] = "BFR walking (cuffs on the thighs)",
        [RI_RESISTANCE] = "resistance training", [RI_BFR_RESISTANCE] = "low-load resistance training with BFR",
        [RI_PASSIVE_BFR] = "passive BFR (cuff cycles without exercise)",
        [RI_REHABILITATION] = "staged rehabilitation (passive movement, active contractions, bands)",
        [RI_UNKNOWN] = "an intervention this version does not know"};
    fputs(what[iv->type], f);
    detail(f, iv->type == RI_PROTEIN && isfinite(iv->protein_g_per_kg), " %.3g g/kg/day", iv->protein_g_per_kg);
    detail(f, isfinite(iv->sessions_per_week), ", %.3g sessions/week", iv->sessions_per_week);
    detail(f, isfinite(iv->walk_minutes), ", %.3g min", iv->walk_minutes);
    detail(f, isfinite(iv->walk_speed_kmh), " at %.3g km/h", iv->walk_speed_kmh);
    detail(f, isfinite(iv->load_pct_1rm), ", load %.3g%% of 1RM", iv->load_pct_1rm);
    detail(f, isfinite(iv->cuff_pct_aop), ", cuff %.3g%% of arterial occlusion pressure", iv->cuff_pct_aop);
    detail(f, isfinite(iv->cuff_mmhg), ", cuff %.3g mmHg", iv->cuff_mmhg);
    detail(f, isfinite(iv->start_week) && isfinite(iv->duration_weeks), ", weeks %.3g to %.3g", iv->start_week,
           iv->start_week + iv->duration_weeks);
    detail(f, isfinite(iv->adherence), ", adherence %.0f%%", 100 * iv->adherence);
}

const char *pf_exposure_name(rd_expo_kind k)
{
    static const char *const name[RX_COUNT + 1] = {
        [RX_LEG_CAST] = "a leg cast", [RX_ARM_CAST] = "an arm cast", [RX_BED_REST] = "bed rest",
        [RX_HOSPITAL] = "a hospital stay", [RX_ICU] = "a stay in intensive care",
        [RX_SPACEFLIGHT] = "non-weight-bearing unloading", [RX_UNKNOWN] = "an immobilization"};
    return name[k];
}

const char *pf_exposure_time(rd_expo_kind k)
{
    static const char *const time[RX_COUNT + 1] = {
        [RX_LEG_CAST] = "in the cast", [RX_ARM_CAST] = "in the cast", [RX_BED_REST] = "in bed rest",
        [RX_HOSPITAL] = "in hospital", [RX_ICU] = "in intensive care", [RX_SPACEFLIGHT] = "unloaded",
        [RX_UNKNOWN] = "immobilized"};
    return time[k];
}

void pf_describe_arm(FILE *f, const rd_arm *A)
{
    if (!A->has_interventions) {
        fputs("(prescription not recorded in this file)", f);
        return;
    }
    if (A->n_iv == 0) {
        fputs("no intervention", f);
        return;
    }
    for (size_t i = 0; i < A->n_iv; i++) {
        if (i)
            fputs("; plus ", f);
        describe_iv(f, &A->iv[i]);
    }
}
