/* plotfig.h — the figure toolkit of `msksim plot` (plotfig.c), internal to plot*.c:
 * what every figure shares (files, colours, axes, panels, legends, words).
 *
 * A figure is a data table, a script and a caption. Each figure function (pf_trajectories
 * ...) decides whether it applies (else it fills plot_figure.skipped with the reason),
 * gathers what it plots (ranges, people, episodes) into a struct of its own, writes its
 * title and caption into its plot_figure, and hands the struct to pf_write_files with
 * its table and script writers, which write NAME.tsv and NAME.gp into the output
 * directory; plot_all renders them:
 *
 *     x_data(c, &x);
 *     x_caption(c, F, &x);
 *     pf_write_files(c, F->name, F->title, x_table, x_script, &x);
 *
 * Failures are recorded once in the context (the first one wins) and later figures are
 * skipped, so the figure code reads straight. */
#ifndef MSK_PLOTFIG_H
#define MSK_PLOTFIG_H

#include <stdio.h>

#include "gnuplot.h"
#include "resultdata.h"
#include "status.h"

/* The figure record of plot.h, which each figure file fills (plot.h includes nothing
 * of this header's, so the figure toolkit and the figure set do not include each other). */
typedef struct plot_figure plot_figure;

/* Weeks per year (365.25 / 7), for time axes in years. */
#define PF_WEEKS_PER_YEAR 52.178571428571429

typedef struct {
    const resultdata *d;
    const char *result_path, *dir;
    unsigned formats;
    diag_list *diags;
    int years; /* long follow-up: time axes in years */
    msk_status st;
} plot_ctx;

/* ---- A figure's files ---- */

/* The writers of a figure's parts, each given the figure's own data (fig, its struct):
 * a data table after its opening comment, a caption part, or a row of a table; and a
 * gnuplot script after its preamble, which reads the table from the file `tsv`. */
typedef void pf_text_fn(const plot_ctx *c, FILE *f, const void *fig);
typedef void pf_script_fn(const plot_ctx *c, FILE *gp, const char *tsv, const char *title,
                          const void *fig);
typedef void pf_row_fn(const plot_ctx *c, FILE *f, size_t arm, size_t k, const void *fig);

/* Write DIR/NAME.tsv (the opening comment, then `table`) and DIR/NAME.gp (the preamble,
 * then `script`). Nothing when c->st is already set; c->st set on failure. */
void pf_write_files(plot_ctx *c, const char *name, const char *title, pf_text_fn *table,
                    pf_script_fn *script, const void *fig);
/* A caption part as `words` write it: malloc'ed, NULL when out of memory. */
char *pf_text(const plot_ctx *c, pf_text_fn *words, const void *fig);

/* ---- Colours, axes, panels, legends ---- */

/* The colour of an arm: dark grey for the reference, then a colour-blind-safe palette. */
const char *pf_colour(const plot_ctx *c, size_t arm);
/* A gnuplot variable TS converting the TSV's weeks to the axis unit, with its xlabel
 * and an x range covering the follow-up. */
void pf_time_axis(const plot_ctx *c, FILE *gp, const char *what);
/* "weeks" or "years", and a time in that unit. */
const char *pf_time_unit(const plot_ctx *c);
double pf_time(const plot_ctx *c, double weeks);

/* The arm drawn i-th (0 <= i < n_arms): every other arm in order, the reference last,
 * so that it lies on top of the others and stays visible. */
size_t pf_draw_order(const resultdata *d, size_t i);

/* "plot" with one line per arm from blocks 0..n-1 of the TSV: column col (times scale,
 * a gnuplot expression such as "*100" or "") against the week, in the given style. */
void pf_plot_arm_lines(const plot_ctx *c, FILE *gp, const char *tsv, int col, const char *scale,
                       const char *style);

/* "unset key; set multiplot title ..." with a font that fits the title on one line. */
void pf_multiplot_begin(FILE *gp, const char *title);

/* Panels of a multiplot, placed by explicit margins (gnuplot's own layout lets axis
 * labels collide at slide size): rows x cols panels between left/right and
 * bottom/top (screen fractions), with gaps between them. */
typedef struct {
    int rows, cols;
    double left, right, bottom, top, hgap, vgap;
} pf_layout;
/* The usual layout: title above, a legend strip below. */
pf_layout pf_layout_default(int rows, int cols);
/* Margins of panel (row, col), counted from the top left. */
void pf_panel(FILE *gp, const pf_layout *L, int row, int col);
/* The legend as a strip across the bottom of the figure (height: screen fraction):
 * pf_legend_begin (with at most max_rows rows), then one pf_legend_entry per line (its
 * title a printf format), then pf_legend_end. Ends the figure's drawing state (borders,
 * tics), so it comes last in a multiplot. */
void pf_legend_begin(FILE *gp, double height, int max_rows);
void pf_legend_entry(FILE *gp, const char *style, const char *colour, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void pf_legend_end(FILE *gp);
/* One legend entry per arm, in the arms' colours; pf_legend_arms makes them the whole
 * legend. */
void pf_legend_arm_entries(const plot_ctx *c, FILE *gp, const char *style);
void pf_legend_arms(const plot_ctx *c, FILE *gp, const char *style);

/* ---- Data tables ---- */

/* "# block N: arm NAME", after the two blank lines that end block N-1. */
void pf_tsv_arm_block(FILE *f, size_t block, const char *arm);
/* One block per arm (numbered from first_block), one row per observation: the week,
 * then what `row` writes. */
void pf_tsv_per_arm(const plot_ctx *c, FILE *f, size_t first_block, pf_row_fn *row, const void *fig);
/* A TSV cell after a tab: gp_num. */
void pf_num(FILE *f, double x);
/* Sampled person p's value of v at observation k in arm A (NaN after death). */
double pf_sample(const plot_ctx *c, const rd_arm *A, rd_var v, size_t p, size_t k);

/* ---- Sampled people (figures 6a and 6b) ---- */

/* The sampled person with the most eventful life in the reference arm: fractures weigh
 * most, then hospital stays and immobilizations, then falls; ties go to the lowest id.
 * *score_out receives that person's score. */
size_t pf_eventful_person(const resultdata *d, int *score_out);
/* Whether the run sampled people; without them, F->skipped says that there `nothing`
 * ("is no story to tell"). */
int pf_has_sampled_people(const plot_ctx *c, plot_figure *F, const char *nothing);

/* ---- Numbers and words ---- */

/* A 1-2-5 tick step giving about n ticks over span. */
double pf_tick_step(double span, int n);

/* Two-sided 95% Student t quantile for a mean of n values (NaN below 2). */
double pf_t975(double n);

/* A malloc'ed formatted string (NULL when out of memory): titles, caption parts, the
 * reasons a figure was skipped. */
char *pf_format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A formatted text as a gnuplot string (gp_string). */
void pf_quoted(FILE *gp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Describe an arm's prescription in words ("no intervention" when none). */
void pf_describe_arm(FILE *f, const rd_arm *A);
/* Does the arm use a cuff (BFR)? */
int pf_arm_has_bfr(const rd_arm *A);
/* A scheduled exposure in words ("a leg cast"), and the time spent in it ("in the
 * cast"); unknown kinds get general words. */
const char *pf_exposure_name(rd_expo_kind k);
const char *pf_exposure_time(rd_expo_kind k);

/* The figures (plot_series.c, plot_immobilization.c, plot_outcomes.c, plot_story.c,
 * plot_cycle.c, plot_strata.c). */
void pf_trajectories(plot_ctx *c, plot_figure *F);
void pf_immobilization(plot_ctx *c, plot_figure *F);
void pf_incidence(plot_ctx *c, plot_figure *F);
void pf_prevalence(plot_ctx *c, plot_figure *F);
void pf_who_classes(plot_ctx *c, plot_figure *F);
void pf_end_of_study(plot_ctx *c, plot_figure *F);
void pf_bfr_dose(plot_ctx *c, plot_figure *F);
void pf_story(plot_ctx *c, plot_figure *F);
void pf_spiral(plot_ctx *c, plot_figure *F);
void pf_strata(plot_ctx *c, plot_figure *F);
void pf_drivers(plot_ctx *c, plot_figure *F);

#endif
