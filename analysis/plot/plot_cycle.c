/* plot_cycle.c — figure 6b, the vicious cycle in all sampled people: muscle against
 * bone. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"
#include "plotfig.h"

/* What figure 6b plots. Left: every sampled person of the reference arm as a path
 * through (T-score, leg lean mass), with their falls and fractures on the paths, the
 * person of figure 6a, and each arm's mean path. Right: the cycle seen from the
 * fracture: how muscle and bone change in the years around each person's first
 * fracture, against people of the same sample who never broke a bone, over the same
 * weeks (so that ageing, common to both, is not mistaken for the fracture's effect). */
enum { AROUND_BEFORE_YEARS = 2, AROUND_AFTER_YEARS = 4, AROUND_MIN_PEOPLE = 3 };

typedef struct {
    size_t story;   /* the person of figure 6a */
    size_t n_fract; /* fractures with a point to mark */
    size_t n_fall;  /* falls with a point to mark */
    gp_range rx, ry;
    /* Around a fracture, offsets -before .. +after observations: mean % change of leg
     * lean mass and change of T-score from the observation before the first fracture,
     * [0] in people who broke a bone, [1] in people who never did; n people each. */
    size_t before, after, n_broken;
    double step; /* weeks between observations */
    double *lean[2], *tscore[2];
    size_t *n[2];
    gp_range r_lean, r_tscore;
} spiral;

/* The last observation at or before week w. */
static size_t obs_before(const resultdata *d, double w)
{
    size_t k = 0;
    while (k + 1 < d->n_time && d->time[k + 1] <= w)
        k++;
    return k;
}

/* Where the event e is marked: the person's point at the last observation at or
 * before it, the state in which they fell or broke the bone. The next observation
 * already holds what the fracture brought (muscle lost in the cast or in bed), so a
 * mark there would sit after the bend it caused. 0 when its values are not known. */
static int event_point(const plot_ctx *c, const rd_event *e, double *x, double *y)
{
    const resultdata *d = c->d;
    const rd_arm *R = &d->arms[d->reference];
    size_t k = obs_before(d, e->week);
    *x = pf_sample(c, R, RV_TSCORE, e->individual, k);
    *y = pf_sample(c, R, RV_LEG_LEAN, e->individual, k);
    return isfinite(*x) && isfinite(*y);
}

/* Week of sampled person p's first fracture in the reference arm; NAN: none. */
static double first_fracture(const resultdata *d, size_t p)
{
    const rd_arm *R = &d->arms[d->reference];
    double w = NAN;
    for (size_t i = 0; i < R->n_events; i++)
        if (R->events[i].individual == p && R->events[i].kind == RL_FRACTURE && !(R->events[i].week >= w))
            w = R->events[i].week;
    return w;
}

/* Person p's change from observation k0 to k0 + j, added to group g at offset j. */
static void around_add(const plot_ctx *c, spiral *x, int g, size_t p, size_t k0, long j)
{
    const rd_arm *R = &c->d->arms[c->d->reference];
    long k = (long)k0 + j;
    if (k < 0 || k >= (long)c->d->n_time)
        return;
    double l0 = pf_sample(c, R, RV_LEG_LEAN, p, k0), l = pf_sample(c, R, RV_LEG_LEAN, p, (size_t)k);
    double t0 = pf_sample(c, R, RV_TSCORE, p, k0), t = pf_sample(c, R, RV_TSCORE, p, (size_t)k);
    if (!(isfinite(l0) && isfinite(l) && isfinite(t0) && isfinite(t) && l0 > 0))
        return;
    size_t i = (size_t)(j + (long)x->before);
    x->lean[g][i] += 100.0 * (l - l0) / l0;
    x->tscore[g][i] += t - t0;
    x->n[g][i]++;
}

/* The right-hand panels' data; before = after = 0 when there are too few observations. */
static int around_data(const plot_ctx *c, spiral *x)
{
    const resultdata *d = c->d;
    x->before = x->after = x->n_broken = 0;
    gp_range_init(&x->r_lean);
    gp_range_init(&x->r_tscore);
    if (d->n_time < 3)
        return 0;
    x->step = d->time[1] - d->time[0];
    x->before = (size_t)fmin(round(AROUND_BEFORE_YEARS * PF_WEEKS_PER_YEAR / x->step), (double)d->n_time - 1);
    x->after = (size_t)fmin(round(AROUND_AFTER_YEARS * PF_WEEKS_PER_YEAR / x->step), (double)d->n_time - 1);
    size_t m = x->before + x->after + 1;
    double *broke = malloc(d->n_sample * sizeof *broke);
    for (int g = 0; g < 2; g++) {
        x->lean[g] = calloc(m, sizeof *x->lean[g]);
        x->tscore[g] = calloc(m, sizeof *x->tscore[g]);
        x->n[g] = calloc(m, sizeof *x->n[g]);
        if (!x->lean[g] || !x->tscore[g] || !x->n[g])
            m = 0;
    }
    if (!broke || m == 0) {
        free(broke);
        return -1;
    }
    for (size_t p = 0; p < d->n_sample; p++)
        broke[p] = first_fracture(d, p);
    for (size_t p = 0; p < d->n_sample; p++) {
        if (isnan(broke[p]))
            continue;
        size_t k0 = obs_before(d, broke[p]);
        x->n_broken++;
        for (long j = -(long)x->before; j <= (long)x->after; j++) {
            around_add(c, x, 0, p, k0, j);
            for (size_t q = 0; q < d->n_sample; q++)
                if (isnan(broke[q]))
                    around_add(c, x, 1, q, k0, j);
        }
    }
    free(broke);
    for (int g = 0; g < 2; g++)
        for (size_t i = 0; i < m; i++) {
            int enough = x->n[g][i] >= AROUND_MIN_PEOPLE;
            x->lean[g][i] = enough ? x->lean[g][i] / (double)x->n[g][i] : NAN;
            x->tscore[g][i] = enough ? x->tscore[g][i] / (double)x->n[g][i] : NAN;
            gp_range_add(&x->r_lean, x->lean[g][i]);
            gp_range_add(&x->r_tscore, x->tscore[g][i]);
        }
    gp_range_final(&x->r_lean, 0.08, 1);
    gp_range_final(&x->r_tscore, 0.08, 1);
    return 0;
}

static void spiral_free(spiral *x)
{
    for (int g = 0; g < 2; g++) {
        free(x->lean[g]);
        free(x->tscore[g]);
        free(x->n[g]);
    }
}

/* Does the right-hand side have a curve to draw? */
static int has_around(const spiral *x)
{
    for (size_t i = 0; x->n_broken && i < x->before + x->after + 1; i++)
        if (isfinite(x->lean[0][i]))
            return 1;
    return 0;
}

static int spiral_data(const plot_ctx *c, spiral *x)
{
    const resultdata *d = c->d;
    const rd_arm *R = &d->arms[d->reference];
    int score;
    memset(x, 0, sizeof *x);
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
    for (size_t i = 0; i < R->n_events; i++) {
        double px, py;
        const rd_event *e = &R->events[i];
        x->n_fract += e->kind == RL_FRACTURE && event_point(c, e, &px, &py);
        x->n_fall += e->kind == RL_FALL && event_point(c, e, &px, &py);
    }
    return around_data(c, x);
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

/* The reference arm's events of one kind, at their points (a NaN row when none). */
static void event_rows(const plot_ctx *c, FILE *tsv, rd_log_kind kind, size_t n)
{
    const rd_arm *R = &c->d->arms[c->d->reference];
    for (size_t i = 0; i < R->n_events; i++) {
        const rd_event *e = &R->events[i];
        double px, py;
        if (e->kind == kind && event_point(c, e, &px, &py))
            fprintf(tsv, "%.10g\t%zu\t%.10g\t%.10g\n", e->week, e->individual, px, py);
    }
    if (n == 0)
        fputs("NaN\tNaN\tNaN\tNaN\n", tsv);
}

static void around_rows(FILE *tsv, const spiral *x)
{
    for (size_t i = 0; i < x->before + x->after + 1; i++) {
        fprintf(tsv, "%.10g", ((double)i - (double)x->before) * x->step);
        for (int g = 0; g < 2; g++) {
            pf_num(tsv, x->lean[g] ? x->lean[g][i] : NAN);
            pf_num(tsv, x->tscore[g] ? x->tscore[g][i] : NAN);
            fprintf(tsv, "\t%zu", x->n[g] ? x->n[g][i] : 0);
        }
        fputc('\n', tsv);
    }
    if (x->before + x->after == 0)
        fputs("NaN\tNaN\tNaN\t0\tNaN\tNaN\t0\n", tsv);
}

static void spiral_table(const plot_ctx *c, FILE *tsv, const void *fig)
{
    const spiral *x = fig;
    fputs("# block 0: every sampled person in the reference arm, one after another (one blank line\n"
          "#   between people); columns: week, individual, fn_tscore, leg_lean_mass (kg)\n"
          "# block 1: fractures of those people, at the last observation at or before each: week\n"
          "#   of the fracture, individual, fn_tscore, leg_lean_mass\n"
          "# block 2: falls of those people, the same way\n"
          "# block 3: the person of figure 6a (same columns as block 0)\n"
          "# block 4: around a first fracture: weeks from the observation before it; then, for the\n"
          "#   people who broke a bone and for those who never did (the same weeks): mean % change\n"
          "#   of leg lean mass and mean change of fn_tscore from that observation, and people\n"
          "# blocks 5 ..: mean of each arm: week, fn_tscore_mean, leg_lean_mass_mean\n",
          tsv);
    fputs("# block 0: sampled people\n", tsv);
    for (size_t p = 0; p < c->d->n_sample; p++) {
        if (p)
            fputc('\n', tsv);
        spiral_path(c, tsv, p);
    }
    fputs("\n\n# block 1: fractures\n", tsv);
    event_rows(c, tsv, RL_FRACTURE, x->n_fract);
    fputs("\n\n# block 2: falls\n", tsv);
    event_rows(c, tsv, RL_FALL, x->n_fall);
    fputs("\n\n# block 3: the person of figure 6a\n", tsv);
    spiral_path(c, tsv, x->story);
    fputs("\n\n# block 4: around a first fracture\n", tsv);
    around_rows(tsv, x);
    pf_tsv_per_arm(c, tsv, 5, spiral_mean_row, fig);
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

/* The map of muscle against bone: people, their events, the mean paths. */
static void map_panel(const plot_ctx *c, FILE *gp, const char *tsv, const spiral *x, double right)
{
    const resultdata *d = c->d;
    fprintf(gp, "set lmargin at screen 0.075; set rmargin at screen %.3f; set bmargin at screen 0.3; "
                "set tmargin at screen 0.88\n", right);
    fputs("set xlabel \"Femoral-neck T-score (SD from a young adult's mean)\"\n"
          "set ylabel \"Leg lean mass (kg)\"\n",
          gp);
    fprintf(gp, "set xrange [%.6g:%.6g]\nset yrange [%.6g:%.6g]\n", x->rx.lo, x->rx.hi, x->ry.lo, x->ry.hi);
    spiral_thresholds(c, gp, x);
    fprintf(gp, "plot '%s' index 0 using 3:4 with lines lw 1 lc rgb \"#9a9a9a\" notitle", tsv);
    if (x->n_fall)
        fputs(", \\\n     '' index 2 using 3:4 with points pt 6 ps 1.1*PS lw 2 lc rgb \"#E69F00\" notitle", gp);
    if (x->n_fract)
        fputs(", \\\n     '' index 1 using 3:4 with points pt 2 ps 2.2*PS lw 3 lc rgb \"#C00000\" notitle", gp);
    fputs(", \\\n     '' index 3 using 3:4 with lines lw 3 lc rgb \"#000000\" notitle", gp);
    for (size_t i = 0; i < d->n_arms; i++) {
        size_t a = pf_draw_order(d, i);
        /* The dot ends the path at its last mean: the end of follow-up, or the last
         * observation before everyone in the arm had died. */
        size_t k = d->n_time;
        while (k > 0 && !(isfinite(d->arms[a].mean[RV_TSCORE][k - 1]) && isfinite(d->arms[a].mean[RV_LEG_LEAN][k - 1])))
            k--;
        if (k == 0)
            continue; /* no mean at all: nothing to draw, and gnuplot would warn */
        fprintf(gp, ", \\\n     '' index %zu using 2:3 with lines lw 5 lc rgb \"%s\" notitle", 5 + a, pf_colour(c, a));
        fprintf(gp, ", \\\n     '' index %zu every ::%zu::%zu using 2:3 with points pt 7 ps 2.5*PS lc rgb \"%s\" notitle",
                5 + a, k - 1, k - 1, pf_colour(c, a));
    }
    fputs("\nunset arrow; unset label\n", gp);
}

/* One panel around the fracture: column col (people who broke a bone) and col + 3
 * (people who never did) against years from the fracture. */
static void around_panel(FILE *gp, const char *tsv, int top, int col, const gp_range *r,
                         const char *ylabel)
{
    fprintf(gp, "set lmargin at screen 0.66; set rmargin at screen 0.985; set bmargin at screen %s; "
                "set tmargin at screen %s\n",
            top ? "0.62" : "0.3", top ? "0.88" : "0.56");
    fprintf(gp, "set xrange [%d:%d]\nset yrange [%.6g:%.6g]\nset ytics %.6g\nset xtics 1\nset xzeroaxis lt 1 lc rgb \"#bbbbbb\"\n",
            -AROUND_BEFORE_YEARS, AROUND_AFTER_YEARS, r->lo, r->hi, pf_tick_step(r->hi - r->lo, 4));
    fprintf(gp, "set ylabel \"%s\" font \",16\"\n", ylabel);
    fprintf(gp, "set arrow 1 from first 0, graph 0 to first 0, graph 1 nohead lc rgb \"#C00000\" lw 3\n");
    if (top)
        fputs("set format x \"\"\nunset xlabel\n", gp);
    else
        fputs("set format x \"%g\"\nset xlabel \"Years from the observation before a first fracture\" font \",16\"\n", gp);
    fprintf(gp, "plot '%s' index 4 using ($1/%.10g):%d with lines lw 3 dt 2 lc rgb \"#777777\" notitle, \\\n"
                "     '' index 4 using ($1/%.10g):%d with lines lw 4 lc rgb \"#C00000\" notitle\n",
            tsv, PF_WEEKS_PER_YEAR, col + 3, PF_WEEKS_PER_YEAR, col);
    fputs("unset arrow; unset xzeroaxis; set xtics autofreq; set format x \"%g\"\n", gp);
}

static void spiral_script(const plot_ctx *c, FILE *gp, const char *tsv, const char *title, const void *fig)
{
    const spiral *x = fig;
    const resultdata *d = c->d;
    const int around = has_around(x);
    pf_multiplot_begin(gp, title);
    map_panel(c, gp, tsv, x, around ? 0.56 : 0.985);
    if (around) {
        around_panel(gp, tsv, 1, 2, &x->r_lean, "Leg lean mass (% change)");
        around_panel(gp, tsv, 0, 3, &x->r_tscore, "T-score (change, SD)");
    }
    pf_legend_begin(gp, 0.17, 3);
    pf_legend_entry(gp, "lines lw 1", "#9a9a9a", "a sampled person (arm ‘%s’)", d->arms[d->reference].name);
    pf_legend_entry(gp, "lines lw 3", "#000000", "the person of figure 6a");
    if (x->n_fall)
        pf_legend_entry(gp, "points pt 6 ps 1.5 lw 2", "#E69F00", "fall");
    if (x->n_fract)
        pf_legend_entry(gp, "points pt 2 ps 2 lw 3", "#C00000", "fracture");
    for (size_t a = 0; a < d->n_arms; a++)
        pf_legend_entry(gp, "lines lw 5", pf_colour(c, a), "mean, arm ‘%s’", d->arms[a].name);
    if (around) {
        pf_legend_entry(gp, "lines lw 4", "#C00000", "right: people who broke a bone (%zu)", x->n_broken);
        pf_legend_entry(gp, "lines lw 3 dt 2", "#777777", "right: never broke one, same weeks");
    }
    pf_legend_end(gp);
    fputs("unset multiplot\n", gp);
}

/* What the right-hand panels show, in numbers: the change in the years after the
 * fracture, against the same weeks in people who never broke a bone. */
static void around_words(const plot_ctx *c, FILE *m, const void *fig)
{
    (void)c;
    const spiral *x = fig;
    if (!has_around(x)) {
        fputs("The right-hand panels are left out: too few sampled people broke a bone (at least "
              "3 are needed at each time), or the run has too few observations.",
              m);
        return;
    }
    const size_t lim = x->before < x->after ? x->before : x->after;
    const size_t year = (size_t)fmin(round(PF_WEEKS_PER_YEAR / x->step), (double)lim);
    const size_t i = x->before + year, h = x->before - year;
    fprintf(m, "On the right, %zu sampled people who broke a bone are lined up at their first fracture "
               "(their last observation before it is year 0). ",
            x->n_broken);
    if (year && isfinite(x->lean[0][i]) && isfinite(x->lean[1][i]))
        fprintf(m, "A year later their leg muscle had changed by %.1f%% and their T-score by %+.2f SD, against "
                   "%.1f%% and %+.2f SD over the same weeks in people of the same sample who never broke a bone. ",
                x->lean[0][i], x->tscore[0][i], x->lean[1][i], x->tscore[1][i]);
    if (year && isfinite(x->lean[0][h]) && isfinite(x->lean[1][h]))
        fprintf(m, "In the year before it, their muscle had changed by %.1f%% (%.1f%% in those who never broke a "
                   "bone). ",
                -x->lean[0][h], -x->lean[1][h]);
    fputs("Few people make these curves: they are noisy, and a larger record.sample_size steadies them.", m);
}

static void spiral_caption(const plot_ctx *c, plot_figure *F, const spiral *x)
{
    const resultdata *d = c->d;
    const char *ref = d->arms[d->reference].name;
    F->title = pf_format("The vicious cycle: muscle against bone in the sampled people of ‘%s’%s", ref,
                         has_around(x) ? ", and around a fracture" : "");
    char *around = pf_text(c, around_words, x);
    F->shows = pf_format("On the left, each grey line is one sampled person of arm ‘%s’, moving over %.4g %s "
                         "through a map of muscle (up = more leg lean mass) against bone (right = denser hip "
                         "bone). Orange circles mark falls and red crosses fractures, where the person was "
                         "when it happened (the path bends after them). Thick coloured lines are the average "
                         "path of each arm, ending at the dot. %s",
                         ref, pf_time(c, d->time[d->n_time - 1]), pf_time_unit(c), around ? around : "");
    free(around);
    F->how = pf_format("Healthy ageing drifts slowly down and to the left. The vicious cycle shows as paths "
                       "that bend sharply after a fracture: muscle lost while immobilized, then less loading "
                       "of the bone, then more falls. On the right, the red curve falling below the grey one "
                       "after year 0 is that cycle, measured against people of the same sample who never "
                       "broke a bone, over the same weeks (so ageing is in both). An arm whose mean path stays higher and further right has slowed the spiral.");
    F->assumed = pf_format("The sampled people are the first %zu of the population, the same people in every "
                           "arm. Means over the living only: people who died drop out of both curves. A "
                           "person's T-score uses the young-adult reference of model.bone.*.",
                           d->n_sample);
}

void pf_spiral(plot_ctx *c, plot_figure *F)
{
    if (!pf_has_sampled_people(c, F, "are no individual paths of muscle against bone to draw"))
        return;
    spiral x;
    if (spiral_data(c, &x) != 0) {
        spiral_free(&x);
        c->st = MSK_ENOMEM;
        return;
    }
    spiral_caption(c, F, &x);
    pf_write_files(c, F->name, F->title, spiral_table, spiral_script, &x);
    spiral_free(&x);
}
