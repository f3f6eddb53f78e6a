/* plot_cycle.c — figure 6b, the vicious cycle in all sampled people: muscle against
 * bone. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"
#include "plotfig.h"

/* ---- Figure 6b: the spiral -------------------------------------------------------- */

/* What figure 6b plots: every sampled person of the reference arm as a path through
 * (T-score, leg lean mass), their fractures, the person of figure 6a, and each arm's mean
 * path. */
typedef struct {
    size_t story;   /* the person of figure 6a */
    size_t n_fract; /* fractures with a point to mark */
    gp_range rx, ry;
} spiral;

/* Where the fracture e is marked: the person's point at the last observation at or
 * before it, the state in which they broke the bone. The next observation already
 * holds what the fracture brought (muscle lost in the cast or in bed), so a mark
 * there would sit after the bend it caused. 0 when its values are not known. */
static int fracture_point(const plot_ctx *c, const rd_event *e, double *x, double *y)
{
    const resultdata *d = c->d;
    const rd_arm *R = &d->arms[d->reference];
    size_t k = 0;
    while (k + 1 < d->n_time && d->time[k + 1] <= e->week)
        k++;
    *x = pf_sample(c, R, RV_TSCORE, e->individual, k);
    *y = pf_sample(c, R, RV_LEG_LEAN, e->individual, k);
    return isfinite(*x) && isfinite(*y);
}

static void spiral_data(const plot_ctx *c, spiral *x)
{
    const resultdata *d = c->d;
    const rd_arm *R = &d->arms[d->reference];
    int score;
    x->story = pf_eventful_person(d, &score);
    gp_range_init(&x->rx);
    gp_range_init(&x->ry);
    for (size_t p = 0; p < d->n_sample; p++)
        for (size_t k = 0; k < d->n_time; k++) {
            gp_range_add(&x->rx, pf_sample(c, R, RV_TSCORE, p, k));
            gp_range_add(&x->ry, pf_sample(c, R, RV_LEG_LEAN, p, k));
        }
    for (size_t a = 0; a < d->n_arms; a++)
        for (size_t k = 0; k < d->n_time; k++) {
            gp_range_add(&x->rx, d->arms[a].mean[RV_TSCORE][k]);
            gp_range_add(&x->ry, d->arms[a].mean[RV_LEG_LEAN][k]);
        }
    gp_range_final(&x->rx, 0.05, 0);
    gp_range_final(&x->ry, 0.05, 0);
    x->n_fract = 0;
    for (size_t i = 0; i < R->n_events; i++) {
        double px, py;
        x->n_fract += R->events[i].kind == RL_FRACTURE && fracture_point(c, &R->events[i], &px, &py);
    }
}

/* Sampled person p's path in the reference arm: week, individual, fn_tscore, leg lean mass. */
static void spiral_path(const plot_ctx *c, FILE *tsv, size_t p)
{
    const resultdata *d = c->d;
    const rd_arm *R = &d->arms[d->reference];
    for (size_t k = 0; k < d->n_time; k++) {
        fprintf(tsv, "%.10g\t%zu", d->time[k], p);
        pf_num(tsv, pf_sample(c, R, RV_TSCORE, p, k));
        pf_num(tsv, pf_sample(c, R, RV_LEG_LEAN, p, k));
        fputc('\n', tsv);
    }
}

static void spiral_mean_row(const plot_ctx *c, FILE *f, size_t arm, size_t k, const void *fig)
{
    (void)fig;
    pf_num(f, c->d->arms[arm].mean[RV_TSCORE][k]);
    pf_num(f, c->d->arms[arm].mean[RV_LEG_LEAN][k]);
}

static void spiral_table(const plot_ctx *c, FILE *tsv, const void *fig)
{
    const spiral *x = fig;
    const rd_arm *R = &c->d->arms[c->d->reference];
    fputs("# block 0: every sampled person in the reference arm, one after another (one blank line\n"
          "#   between people); columns: week, individual, fn_tscore, leg_lean_mass (kg)\n"
          "# block 1: fractures of those people, at the last observation at or before each: week\n"
          "#   of the fracture, individual, fn_tscore, leg_lean_mass\n"
          "# block 2: the person of figure 6a (same columns as block 0)\n"
          "# blocks 3 ..: mean of each arm: week, fn_tscore_mean, leg_lean_mass_mean\n",
          tsv);
    fputs("# block 0: sampled people\n", tsv);
    for (size_t p = 0; p < c->d->n_sample; p++) {
        if (p)
            fputc('\n', tsv);
        spiral_path(c, tsv, p);
    }
    fputs("\n\n# block 1: fractures\n", tsv);
    for (size_t i = 0; i < R->n_events; i++) {
        const rd_event *e = &R->events[i];
        double px, py;
        if (e->kind == RL_FRACTURE && fracture_point(c, e, &px, &py))
            fprintf(tsv, "%.10g\t%zu\t%.10g\t%.10g\n", e->week, e->individual, px, py);
    }
    if (x->n_fract == 0)
        fputs("NaN\tNaN\tNaN\tNaN\n", tsv);
    fputs("\n\n# block 2: the person of figure 6a\n", tsv);
    spiral_path(c, tsv, x->story);
    pf_tsv_per_arm(c, tsv, 3, spiral_mean_row, fig);
}

/* Dotted lines at the WHO thresholds of the T-score that fall inside the x range. */
static void spiral_thresholds(const plot_ctx *c, FILE *gp, const spiral *x)
{
    const resultdata *d = c->d;
    if (!isfinite(d->osteopenia_tscore) || !isfinite(d->osteoporosis_tscore))
        return;
    fputs("# WHO thresholds of the T-score\n", gp);
    double t[2] = {d->osteopenia_tscore, d->osteoporosis_tscore};
    for (int i = 0; i < 2; i++)
        if (t[i] > x->rx.lo && t[i] < x->rx.hi)
            fprintf(gp, "set arrow %d from first %.4g, graph 0 to first %.4g, graph 1 nohead lc rgb \"#999999\" dt 3 lw 2\n"
                        "set label %d \"%s\" at first %.4g, graph 0.03 right offset char -0.5,0 font \",15\" tc rgb \"#666666\"\n",
                    i + 1, t[i], t[i], i + 1, i ? "osteoporosis" : "osteopenia", t[i]);
}

static void spiral_script(const plot_ctx *c, FILE *gp, const char *tsv, const char *title, const void *fig)
{
    const spiral *x = fig;
    const resultdata *d = c->d;
    pf_multiplot_begin(gp, title);
    fputs("set lmargin at screen 0.08; set rmargin at screen 0.7; set bmargin at screen 0.12; set tmargin at screen 0.88\n", gp);
    fputs("set xlabel \"Femoral-neck T-score (SD from a young adult's mean)\"\n"
          "set ylabel \"Leg lean mass (kg)\"\n",
          gp);
    fprintf(gp, "set xrange [%.6g:%.6g]\nset yrange [%.6g:%.6g]\n", x->rx.lo, x->rx.hi, x->ry.lo, x->ry.hi);
    fputs("set key at screen 0.72, screen 0.88 left top vertical Left reverse samplen 2 spacing 1.2 font \",17\"\n", gp);
    spiral_thresholds(c, gp, x);
    fprintf(gp, "plot '%s' index 0 using 3:4 with lines lw 1 lc rgb \"#9a9a9a\" title ", tsv);
    gp_string(gp, "a sampled person");
    if (x->n_fract)
        fputs(", \\\n     '' index 1 using 3:4 with points pt 2 ps 2.2*PS lw 3 lc rgb \"#C00000\" title \"fracture\"", gp);
    fputs(", \\\n     '' index 2 using 3:4 with lines lw 3 lc rgb \"#000000\" title \"the person of figure 6a\"", gp);
    for (size_t a = 0; a < d->n_arms; a++) {
        /* The dot ends the path at its last mean: the end of follow-up, or the last
         * observation before everyone in the arm had died. */
        size_t k = d->n_time;
        while (k > 0 && !(isfinite(d->arms[a].mean[RV_TSCORE][k - 1]) && isfinite(d->arms[a].mean[RV_LEG_LEAN][k - 1])))
            k--;
        if (k == 0)
            continue; /* no mean at all: nothing to draw, and gnuplot would warn */
        fprintf(gp, ", \\\n     '' index %zu using 2:3 with lines lw 5 lc rgb \"%s\" title ", 3 + a, pf_colour(c, a));
        pf_quoted(gp, "mean, arm ‘%s’", d->arms[a].name);
        fprintf(gp, ", \\\n     '' index %zu every ::%zu::%zu using 2:3 with points pt 7 ps 2.5*PS lc rgb \"%s\" notitle",
                3 + a, k - 1, k - 1, pf_colour(c, a));
    }
    fputs("\nunset multiplot\n", gp);
}

static void spiral_caption(const plot_ctx *c, plot_figure *F)
{
    const resultdata *d = c->d;
    const char *ref = d->arms[d->reference].name;
    F->title = pf_format("Muscle against bone: sampled people of ‘%s’, and each arm’s mean path", ref);
    F->shows = pf_format("Each grey line is one sampled person of arm ‘%s’, moving over %.4g %s through a "
                         "map of muscle (up = more leg lean mass) against bone (right = denser hip bone). "
                         "Red crosses mark fractures, where the person was when the bone broke (the path "
                         "bends after them). Thick coloured lines are the average path of each "
                         "arm, ending at the dot.",
                         ref, pf_time(c, d->time[d->n_time - 1]), pf_time_unit(c));
    F->how = pf_format("Healthy ageing drifts slowly down and to the left. The vicious cycle shows as paths "
                       "that bend sharply after a fracture: weaker bone, then lost muscle while immobilized, "
                       "then more falls. An arm whose mean path stays higher and further right has slowed "
                       "the spiral.");
    F->assumed = pf_format("The sampled people are the first %zu of the population, the same people in every "
                           "arm. A person's T-score uses the young-adult reference of model.bone.*.",
                           d->n_sample);
}

void pf_spiral(plot_ctx *c, plot_figure *F)
{
    if (!pf_has_sampled_people(c, F, "are no individual paths of muscle against bone to draw"))
        return;
    spiral x;
    spiral_data(c, &x);
    spiral_caption(c, F);
    pf_write_files(c, F->name, F->title, spiral_table, spiral_script, &x);
}
