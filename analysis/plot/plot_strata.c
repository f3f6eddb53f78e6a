/* plot_strata.c — figure 8, the arms compared within each subgroup at entry (/strata):
 * fractures per 1000 person-years and the change of leg muscle to the end. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"
#include "plotfig.h"

/* More strata than this crowd the axis past reading: the figure is skipped and the
 * page points to the table. */
enum { STRATA_FIGURE_MAX = 12 };

typedef struct {
    gp_range r[2]; /* fractures, lean mass change */
    int shown[2];  /* panels with a point to draw (none for the muscle when nobody survived) */
} strata_fig;

/* Column j (0 mean, 1 lower, 2 upper) of panel `panel` for arm a, stratum s. */
static double strata_value(const resultdata *d, int panel, int j, size_t a, size_t s)
{
    const double *v = panel == 0 ? d->strata_fractures[j] : d->strata_lean[j];
    return v[a * d->n_strata + s];
}

/* Does arm a have a point with its interval in the panel? gnuplot warns about a curve
 * without one. */
static int arm_has(const resultdata *d, int panel, size_t a)
{
    for (size_t s = 0; s < d->n_strata; s++)
        if (isfinite(strata_value(d, panel, 0, a, s)) && isfinite(strata_value(d, panel, 1, a, s)) &&
            isfinite(strata_value(d, panel, 2, a, s)))
            return 1;
    return 0;
}

static void strata_data(const plot_ctx *c, strata_fig *x)
{
    const resultdata *d = c->d;
    for (int panel = 0; panel < 2; panel++) {
        x->shown[panel] = 0;
        for (size_t a = 0; a < d->n_arms; a++)
            x->shown[panel] |= arm_has(d, panel, a);
        gp_range_init(&x->r[panel]);
        for (size_t a = 0; a < d->n_arms; a++)
            for (size_t s = 0; s < d->n_strata; s++)
                for (int j = 0; j < 3; j++)
                    gp_range_add(&x->r[panel], strata_value(d, panel, j, a, s));
        gp_range_final(&x->r[panel], 0.08, 1);
    }
}

/* One block per arm, one row per stratum. */
static void strata_table(const plot_ctx *c, FILE *tsv, const void *fig)
{
    (void)fig;
    const resultdata *d = c->d;
    fputs("# blocks 0 ..: one per arm (in order), one row per stratum: stratum index, people\n"
          "#   enrolled, fractures per 1000 person-years with its 95% CI, % change of leg lean mass\n"
          "#   (survivors) with its 95% CI (/strata)\n",
          tsv);
    for (size_t a = 0; a < d->n_arms; a++) {
        pf_tsv_arm_block(tsv, a, d->arms[a].name);
        for (size_t s = 0; s < d->n_strata; s++) {
            fprintf(tsv, "%zu", s);
            pf_num(tsv, d->strata_enrolled[a * d->n_strata + s]);
            for (int panel = 0; panel < 2; panel++)
                for (int j = 0; j < 3; j++)
                    pf_num(tsv, strata_value(d, panel, j, a, s));
            fputc('\n', tsv);
        }
    }
}

/* x offset of arm a within a stratum: the arms side by side, in scenario order. */
static double offset_of(const resultdata *d, size_t a)
{
    return d->n_arms > 1 ? -0.3 + 0.6 * (double)a / (double)(d->n_arms - 1) : 0;
}

static void strata_panel(const plot_ctx *c, FILE *gp, const char *tsv, const strata_fig *x, int panel)
{
    const resultdata *d = c->d;
    const int both = x->shown[0] && x->shown[1];
    fprintf(gp, "\n# ---- %s ----\n", panel == 0 ? "fractures" : "leg lean mass");
    fprintf(gp, "set lmargin at screen %.3f; set rmargin at screen %.3f; set bmargin at screen 0.3; "
                "set tmargin at screen 0.86\n",
            panel == 0 || !both ? 0.08 : 0.58, panel == 1 || !both ? 0.98 : 0.48);
    fprintf(gp, "set xrange [-0.6:%.1f]\nset yrange [%.6g:%.6g]\n", (double)d->n_strata - 0.4, x->r[panel].lo,
            x->r[panel].hi);
    fprintf(gp, "set ylabel \"%s\" font \",17\"\n",
            panel == 0 ? "Fractures per 1000 person-years" : "Leg lean mass, % change to the end");
    fputs("set xtics nomirror rotate by 30 right font \",14\" (", gp);
    for (size_t s = 0; s < d->n_strata; s++) {
        fputs(s ? ", " : "", gp);
        gp_string(gp, d->stratum[s]);
        fprintf(gp, " %zu", s);
    }
    fputs(")\nset grid noxtics ytics\nset xzeroaxis lt -1 lw 1\nplot ", gp);
    const char *sep = "";
    for (size_t i = 0; i < d->n_arms; i++) {
        size_t a = pf_draw_order(d, i);
        int col = panel == 0 ? 3 : 6;
        if (!arm_has(d, panel, a))
            continue;
        fprintf(gp, "%s'%s' index %zu using ($1%+.3f):%d:%d:%d with yerrorbars pt 7 ps 1.8*PS lw %d lc rgb \"%s\" notitle",
                sep, tsv, a, offset_of(d, a), col, col + 1, col + 2, a == d->reference ? 3 : 2, pf_colour(c, a));
        sep = ", \\\n     ";
    }
    fputc('\n', gp);
}

static void strata_script(const plot_ctx *c, FILE *gp, const char *tsv, const char *title, const void *fig)
{
    const strata_fig *x = fig;
    pf_multiplot_begin(gp, title);
    for (int panel = 0; panel < 2; panel++)
        if (x->shown[panel])
            strata_panel(c, gp, tsv, x, panel);
    pf_legend_arms(c, gp, "points pt 7 ps 2");
    fputs("unset multiplot\n", gp);
}

/* The stratum with the most and the fewest fractures per person-year in the
 * reference arm, in words. */
static void strata_words(const plot_ctx *c, FILE *m, const void *fig)
{
    const strata_fig *x = fig;
    const resultdata *d = c->d;
    size_t hi = 0, lo = 0, r = d->reference;
    for (size_t s = 1; s < d->n_strata; s++) {
        double v = strata_value(d, 0, 0, r, s);
        if (v > strata_value(d, 0, 0, r, hi) || !isfinite(strata_value(d, 0, 0, r, hi)))
            hi = s;
        if (v < strata_value(d, 0, 0, r, lo) || !isfinite(strata_value(d, 0, 0, r, lo)))
            lo = s;
    }
    fprintf(m, "Each stratum is a group of people who shared these traits when they entered the study, the same "
               "people in every arm. Left: fractures per 1000 person-years; right: the mean %% change of leg lean "
               "mass from the start to the end, among survivors. Points are arms, side by side in each stratum, "
               "with 95%% confidence intervals%s. In arm ‘%s’, fractures were most frequent in ‘%s’ (%.3g per 1000 "
               "person-years, %.0f people) and least in ‘%s’ (%.3g, %.0f people).",
            x->shown[1] ? "" : " (the right panel is left out: nobody survived to the end)", d->arms[r].name, d->stratum[hi], strata_value(d, 0, 0, r, hi), d->strata_enrolled[r * d->n_strata + hi],
            d->stratum[lo], strata_value(d, 0, 0, r, lo), d->strata_enrolled[r * d->n_strata + lo]);
}

void pf_strata(plot_ctx *c, plot_figure *F)
{
    const resultdata *d = c->d;
    if (d->n_strata == 0) {
        F->skipped = pf_format("The run asked for no subgroups (record.strata), so there is nothing to compare "
                               "within them.");
        return;
    }
    if (d->n_strata > STRATA_FIGURE_MAX) {
        F->skipped = pf_format("The run has %zu subgroups, too many to read on one axis (at most %d): `msksim "
                               "export` writes them all in strata_summary.",
                               d->n_strata, STRATA_FIGURE_MAX);
        return;
    }
    strata_fig x;
    strata_data(c, &x);
    if (!x.shown[0] && !x.shown[1]) {
        F->skipped = pf_format("No stratum has a fracture rate or a change of leg muscle with an interval to draw.");
        return;
    }
    F->title = pf_format("Within each subgroup at entry: %s per arm (95%% CI)",
                         x.shown[0] && x.shown[1] ? "fractures and leg muscle" : x.shown[0] ? "fractures" : "leg muscle");
    F->shows = pf_text(c, strata_words, &x);
    F->how = pf_format("Compare arms within a stratum, not strata with each other: strata differ in age and sex, "
                       "and so in risk, whatever the arm. Small strata have wide intervals; the intervals are "
                       "Monte Carlo intervals of the simulated population, not the uncertainty of the model's "
                       "parameters.");
    F->assumed = pf_format("A person's stratum is fixed at entry (sex, age band, WHO class and sarcopenia as "
                           "measured then), so strata add up to the whole population in every arm.");
    pf_write_files(c, F->name, F->title, strata_table, strata_script, &x);
}
