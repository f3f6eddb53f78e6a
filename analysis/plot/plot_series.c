/* plot_series.c — figures over time: trajectories (1), falls and fractures (4),
 * prevalences (5) and WHO bone classes (5b). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"
#include "plotfig.h"

/* "none −1.2%, protein +0.3%": each arm's change of outcome k from the start to the end. */
static void per_arm_change(FILE *f, const plot_ctx *c, rd_key k)
{
    for (size_t a = 0; a < c->d->n_arms; a++) {
        double v = c->d->arms[a].change_pct[k][0];
        fprintf(f, "%s%s ", a ? ", " : "", c->d->arms[a].name);
        if (isfinite(v))
            fprintf(f, "%+.1f%%", v);
        else
            fputs("n/a", f);
    }
}

/* Plot clauses "band + line" for every arm from blocks 0..n-1 of a TSV. */
static void mean_ci(const rd_arm *A, rd_var v, size_t k, double out[3]);

/* Does arm A's column j of mean_ci (0 mean, 1 and 2 the limits) hold any number?
 * With one person alive the limits never do, after everyone has died nothing does;
 * gnuplot warns of a plot element without a point, so such an element is left out. */
static int any_finite(const plot_ctx *c, const rd_arm *A, rd_var v, int j)
{
    for (size_t k = 0; k < c->d->n_time; k++) {
        double m[3];
        mean_ci(A, v, k, m);
        if (isfinite(m[j]))
            return 1;
    }
    return 0;
}

/* Each arm's band (95% CI of the mean) and mean line of variable v, in the TSV columns
 * given; an arm without numbers for one of them goes without it. */
static void band_and_lines(const plot_ctx *c, FILE *gp, const char *tsv, rd_var v, int col_mean, int col_lo,
                           int col_hi)
{
    const resultdata *d = c->d;
    const char *sep = "plot ";
    for (size_t i = 0; i < d->n_arms; i++) {
        size_t a = pf_draw_order(d, i); /* the reference last, on top */
        const char *col = pf_colour(c, a);
        if (any_finite(c, &d->arms[a], v, 1) && any_finite(c, &d->arms[a], v, 2)) {
            fprintf(gp, "%s'%s' index %zu using ($1*TS):($%d):($%d) with filledcurves fc rgb \"%s\" notitle", sep,
                    *sep == 'p' ? tsv : "", a, col_lo, col_hi, col);
            sep = ", \\\n     ";
        }
        if (any_finite(c, &d->arms[a], v, 0)) {
            fprintf(gp, "%s'%s' index %zu using ($1*TS):($%d) with lines lw 3 lc rgb \"%s\" title ", sep,
                    *sep == 'p' ? tsv : "", a, col_mean, col);
            gp_string(gp, d->arms[a].name);
            sep = ", \\\n     ";
        }
    }
    fputs(*sep == 'p' ? "plot NaN notitle\n" : "\n", gp);
}

/* ---- Figure 1: trajectories ------------------------------------------------------- */

/* The WHO thresholds drawn as dashed lines on a BMD axis [lo, hi], from the T-score
 * thresholds and the young-adult reference (women's). Lines, not coloured bands: the
 * classes are for people, and a band behind a mean read as if the mean had a class
 * (figure 5 counts the people in each). Returns a bit per line drawn. */
static const struct {
    const char *colour, *label;
} who_line[2] = {
    {"#c0392b", "BMD at T = −2.5 (osteoporosis below)"},
    {"#b9770e", "BMD at T = −1 (osteopenia below)"},
};

static unsigned who_bands(const plot_ctx *c, FILE *gp, double lo, double hi)
{
    const resultdata *d = c->d;
    double m = d->tscore_ref_mean_female, s = d->tscore_ref_sd_female;
    double penia = m + d->osteopenia_tscore * s, porosis = m + d->osteoporosis_tscore * s;
    if (!isfinite(penia) || !isfinite(porosis) || !(s > 0) || !(porosis < penia))
        return 0;
    fprintf(gp, "# WHO thresholds on the BMD axis: T-score = (BMD - %.4g) / %.4g (young-adult reference).\n",
            m, s);
    const double at[2] = {porosis, penia};
    unsigned drawn = 0;
    for (int i = 0; i < 2; i++) {
        if (!(at[i] > lo && at[i] < hi))
            continue;
        fprintf(gp, "set arrow %d from graph 0, first %.6g to graph 1, first %.6g nohead dt 2 lw 2 lc rgb \"%s\" back  # %s\n",
                10 + i, at[i], at[i], who_line[i].colour, who_line[i].label);
        drawn |= 1u << i;
    }
    return drawn;
}

/* What figure 1 plots: per panel, each arm's mean of one outcome with its 95% band. */
enum { TRAJ_PANELS = 4 };
static const rd_var traj_var[TRAJ_PANELS] = {RV_LEG_LEAN, RV_KNEE, RV_GRIP, RV_BMD};

typedef struct {
    gp_range r[TRAJ_PANELS]; /* y range of each panel */
} trajectories;

/* Arm A's mean of v at observation k, and the 95% confidence interval of that mean
 * (Student t; NaN where it has no width); with parameter draws, the mean across them
 * and the 95% uncertainty interval. */
static void mean_ci(const rd_arm *A, rd_var v, size_t k, double out[3])
{
    for (int key = 0; key < RK_COUNT; key++)
        if (resultdata_key_var[key] == v && A->ui_key_mean[key][0]) {
            for (int j = 0; j < 3; j++)
                out[j] = A->ui_key_mean[key][j][k];
            return;
        }
    double n = A->n_alive[k];
    double m = A->mean[v][k], h = pf_t975(n) * A->sd[v][k] / sqrt(n);
    if (!isfinite(h))
        h = NAN;
    out[0] = m;
    out[1] = m - h;
    out[2] = m + h;
}

static void traj_data(const plot_ctx *c, trajectories *x)
{
    const resultdata *d = c->d;
    for (int v = 0; v < TRAJ_PANELS; v++) {
        gp_range_init(&x->r[v]);
        for (size_t a = 0; a < d->n_arms; a++)
            for (size_t k = 0; k < d->n_time; k++) {
                double m[3];
                mean_ci(&d->arms[a], traj_var[v], k, m);
                for (int j = 0; j < 3; j++)
                    gp_range_add(&x->r[v], m[j]);
            }
        gp_range_final(&x->r[v], 0.08, 0);
    }
}

static void traj_row(const plot_ctx *c, FILE *f, size_t arm, size_t k, const void *fig)
{
    const rd_arm *A = &c->d->arms[arm];
    (void)fig;
    pf_num(f, A->n_alive[k]);
    for (int v = 0; v < TRAJ_PANELS; v++) {
        double m[3];
        mean_ci(A, traj_var[v], k, m);
        for (int j = 0; j < 3; j++)
            pf_num(f, m[j]);
    }
}

static void traj_table(const plot_ctx *c, FILE *tsv, const void *fig)
{
    if (c->d->n_draws)
        fprintf(tsv, "# %zu parameter draws: mean, ci_low, ci_high below are the mean across the draws and the\n"
                     "# 95%% uncertainty interval (2.5%% and 97.5%% quantiles; /draws/VAR_mean_draws_mean, _ui_low,\n"
                     "# _ui_high)\n",
                c->d->n_draws);
    fputs("# columns: week, n_alive, then for leg_lean_mass (kg), knee_extension_strength (N m),\n"
          "# grip_strength (kg) and fn_bmd (g cm-2): mean, ci_low, ci_high (95% confidence interval\n"
          "# of the mean, Student t)\n",
          tsv);
    pf_tsv_per_arm(c, tsv, 0, traj_row, fig);
}

static void traj_script(const plot_ctx *c, FILE *gp, const char *tsv, const char *title, const void *fig)
{
    const trajectories *x = fig;
    /* Short: two rows of panels leave each axis label half the figure's height. */
    static const char *const ylabel[TRAJ_PANELS] = {"Leg lean mass (kg)", "Knee strength (N·m)",
                                                    "Grip (kg)", "FN BMD (g/cm²)"};
    static const char *const panel[TRAJ_PANELS] = {"Muscle", "Leg strength", "Grip", "Bone"};
    pf_time_axis(c, gp, "Time since the start");
    pf_multiplot_begin(gp, title);
    pf_layout L = pf_layout_default(2, 2);
    L.hgap = 0.13; /* room for the right column's tick labels and axis label */
    unsigned bands = 0;
    for (int v = 0; v < TRAJ_PANELS; v++) {
        pf_panel(gp, &L, v / 2, v % 2);
        /* The time label under the lower row only: above, it would run into the titles
         * of the panels below. */
        if (v < 2)
            fputs("unset xlabel\n", gp);
        else
            fprintf(gp, "set xlabel \"Time since the start (%s)\"\n", pf_time_unit(c));
        fprintf(gp, "\n# ---- Panel %d: %s ----\n", v + 1, ylabel[v]);
        fprintf(gp, "set title \"%s\"\nset ylabel \"%s\"\nset yrange [%.6g:%.6g]\n", panel[v], ylabel[v],
                x->r[v].lo, x->r[v].hi);
        if (traj_var[v] == RV_BMD)
            bands = who_bands(c, gp, x->r[v].lo, x->r[v].hi);
        band_and_lines(c, gp, tsv, traj_var[v], 3 + 3 * v, 4 + 3 * v, 5 + 3 * v);
    }
    pf_legend_begin(gp, 0.13, 2);
    pf_legend_arm_entries(c, gp, "lines lw 3");
    for (int i = 0; i < 2; i++)
        if (bands & (1u << i))
            pf_legend_entry(gp, "lines dt 2 lw 2", who_line[i].colour, "%s", who_line[i].label);
    pf_legend_end(gp);
    fputs("unset multiplot\n", gp);
}

static void traj_shows(const plot_ctx *c, FILE *m, const void *fig)
{
    (void)fig;
    fprintf(m, "The average of each arm over %.4g %s: the lean (muscle) mass of the leg that was cast "
               "or trained, the strength of its knee extensors, grip strength (the arms; the "
               "strength that defines sarcopenia), and the bone mineral density (BMD) at "
               "the femoral neck, where hip fractures happen. At the end, compared with the start, "
               "leg lean mass had changed by ",
            pf_time(c, c->d->time[c->d->n_time - 1]), pf_time_unit(c));
    per_arm_change(m, c, RK_LEG_LEAN);
    fputs("; knee strength by ", m);
    per_arm_change(m, c, RK_KNEE);
    fputs("; grip strength by ", m);
    per_arm_change(m, c, RK_GRIP);
    fputs("; BMD by ", m);
    per_arm_change(m, c, RK_BMD);
    fputs(" (means among survivors).", m);
}

/* Whether arm a's means lie within a line's width (1% of the panel's height) of the
 * reference arm's in every panel at every time: its line is then hidden under the
 * reference's, which is drawn last. */
static int hidden_under_reference(const resultdata *d, const trajectories *x, size_t a)
{
    const rd_arm *A = &d->arms[a], *R = &d->arms[d->reference];
    for (int v = 0; v < TRAJ_PANELS; v++)
        for (size_t k = 0; k < d->n_time; k++) {
            double gap = fabs(A->mean[traj_var[v]][k] - R->mean[traj_var[v]][k]);
            if (!(gap <= 0.01 * (x->r[v].hi - x->r[v].lo)))
                return 0;
        }
    return 1;
}

/* "protein's and walking's lines lie under none's ..." (empty when none is hidden). */
static void hidden_note(const plot_ctx *c, FILE *m, const void *fig)
{
    const resultdata *d = c->d;
    size_t n = 0;
    for (size_t a = 0; a < d->n_arms; a++)
        if (a != d->reference && hidden_under_reference(d, fig, a))
            fprintf(m, "%s%s", n++ ? ", " : " The lines of ", d->arms[a].name);
    if (n)
        fprintf(m, " lie under those of %s in every panel: their means differ by less than a line's "
                   "width (figure 3 gives the differences).",
                d->arms[d->reference].name);
}

static void traj_caption_draws(const plot_ctx *c, plot_figure *F, const char *hidden)
{
    const resultdata *d = c->d;
    F->title = pf_format("Muscle, strength, grip and bone over time: mean per arm with 95%% uncertainty band "
                         "(%zu parameter draws)", d->n_draws);
    F->shows = pf_text(c, traj_shows, NULL);
    F->how = pf_format("The same people were followed %zu times, each time with model parameters drawn from what "
                       "the calibration's data allow. Each line is an arm's mean over those runs; the shaded band "
                       "spans the middle 95%% of them, the uncertainty interval: how far the course could lie "
                       "given what the published data leave open about the model. It is not the Monte Carlo "
                       "precision of the population (the file's root has that, in the plain run's bands). Bands "
                       "of different arms move together, since each draw applies to every arm: figure 3 gives "
                       "the paired differences and their own intervals. On the BMD panel, dashed lines mark the "
                       "WHO thresholds of a woman's T-score (osteopenia below T = %.3g, osteoporosis at T = %.3g "
                       "or lower). The vertical axes do not start at zero.%s",
                       d->n_draws, d->osteopenia_tscore, d->osteoporosis_tscore, hidden ? hidden : "");
    F->assumed = pf_format("T-score = (BMD − %.4g g/cm²) / %.4g g/cm² (model.bone.tscore_ref_*). Parameters "
                           "are drawn from the calibration's Laplace approximation; parameters not calibrated "
                           "keep their published values.",
                           d->tscore_ref_mean_female, d->tscore_ref_sd_female);
}

static void traj_caption(const plot_ctx *c, plot_figure *F, const trajectories *x)
{
    const resultdata *d = c->d;
    char *hidden = pf_text(c, hidden_note, x);
    if (d->n_draws) {
        traj_caption_draws(c, F, hidden);
        free(hidden);
        return;
    }
    F->title = pf_format("Muscle, strength, grip and bone over time: mean per arm with 95%% confidence band");
    F->shows = pf_text(c, traj_shows, x);
    F->how = pf_format("Each line is the mean of one arm over the people alive at that time (who dies leaves "
                       "the average; figure 4 shows survival); the shaded band around it is the 95%% confidence "
                       "interval of that mean, the precision of this virtual population (not the uncertainty "
                       "of the model's parameters). Where two bands do not overlap, the difference is larger "
                       "than the simulation's noise; as "
                       "every arm holds the same people, figure 3 measures the differences more "
                       "precisely than the bands suggest. "
                       "On the BMD panel, dashed lines mark the bone density of a woman at the WHO thresholds "
                       "of the T-score (how far below a young adult's bone density, in standard deviations): "
                       "osteopenia below T = %.3g, osteoporosis at T = %.3g or lower. They classify people, "
                       "not means: a mean above a line can hide many people below it (figures 5 and 5b count "
                       "them). A leg programme moves knee strength, not grip: training is specific to the "
                       "limbs trained. "
                       "The vertical axes "
                       "do not start at zero, so small changes are visible.%s",
                       d->osteopenia_tscore, d->osteoporosis_tscore, hidden ? hidden : "");
    free(hidden);
    F->assumed = pf_format("T-score = (BMD − %.4g g/cm²) / %.4g g/cm² (model.bone.tscore_ref_*). Muscle "
                           "turns over continuously; disuse, age, protein and training change the balance "
                           "of synthesis and breakdown. Bone follows a mechanostat: loading below the "
                           "set-point tips remodeling towards resorption.",
                           d->tscore_ref_mean_female, d->tscore_ref_sd_female);
}

void pf_trajectories(plot_ctx *c, plot_figure *F)
{
    trajectories x;
    traj_data(c, &x);
    traj_caption(c, F, &x);
    pf_write_files(c, F->name, F->title, traj_table, traj_script, &x);
}

/* ---- Figures 4 and 5: shares of people -------------------------------------------- */

typedef enum { SHARE_INCIDENCE, SHARE_PREVALENCE } share_kind;

/* What figures 4 and 5 plot: shares of people over time (0-1 in the TSV), each of the
 * first n_panels in a panel of its own, as percentages. */
typedef struct {
    share_kind kind;      /* cumulative incidence of an event, or prevalence among the living */
    const int *index;     /* the shares of the table: rd_count or rd_prev */
    int n;
    const char *columns;  /* the table's column comment */
    int n_panels;
    const char *title[3]; /* of each panel */
    char ylabel[3][96];
    const char *shows;    /* the caption's first sentences, then each arm's share at the end */
    const char *end_name[3]; /* of the shares reported at the end (NULL: fewer than 3) */
    int end_index[3];
    gp_range r[3];        /* y range of each panel, in % */
    double zoom_lo;       /* survival's axis starts here instead of at 0 (NAN: at 0) */
} share_figure;

/* Survival that stays above this share over the whole run is drawn on an axis that
 * does not start at zero: at 0-100% a year's 2% of deaths is a flat line on the top
 * edge, and the arms cannot be told apart. */
#define SURVIVAL_ZOOM_ABOVE 80.0

/* The incidence index of the share of people enrolled still alive (survival). */
#define SHARE_ALIVE (-1)

/* With parameter draws, the band across them of falls, fractures and the prevalences
 * kept in /draws: column j (0 mean, 1 and 2 the 95% uncertainty interval); NULL for
 * other shares or without draws. */
static const double *share_ui(const rd_arm *A, share_kind kind, int index, int j)
{
    if (kind == SHARE_PREVALENCE)
        return A->ui_prevalence[index][j];
    if (index != RE_FALL && index != RE_FRACTURE)
        return NULL;
    return A->ui_incidence[index == RE_FALL ? 0 : 1][j];
}

/* Arm A's share `index` at observation k (with draws, those with a band: the mean
 * across them). */
static double share_of(const rd_arm *A, share_kind kind, int index, size_t k)
{
    if (share_ui(A, kind, index, 0))
        return share_ui(A, kind, index, 0)[k];
    if (kind == SHARE_PREVALENCE)
        return A->prevalence[index][k];
    return index == SHARE_ALIVE ? 1.0 - A->incidence[RE_DEATH][k] : A->incidence[index][k];
}

/* The table's column of share i (after week, and n_alive for prevalences). */
static int share_column(const share_figure *x, int i)
{
    return (x->kind == SHARE_PREVALENCE ? 3 : 2) + i;
}

static void share_data(const plot_ctx *c, share_figure *x)
{
    const resultdata *d = c->d;
    x->zoom_lo = NAN;
    for (int i = 0; i < x->n_panels; i++) {
        gp_range_init(&x->r[i]);
        for (size_t a = 0; a < d->n_arms; a++)
            for (size_t k = 0; k < d->n_time; k++) {
                gp_range_add(&x->r[i], 100 * share_of(&d->arms[a], x->kind, x->index[i], k));
                for (int j = 1; j < 3 && share_ui(&d->arms[a], x->kind, x->index[i], j); j++)
                    gp_range_add(&x->r[i], 100 * share_ui(&d->arms[a], x->kind, x->index[i], j)[k]);
            }
        int zoom = x->kind == SHARE_INCIDENCE && x->index[i] == SHARE_ALIVE && x->r[i].n > 0 &&
                   x->r[i].lo >= SURVIVAL_ZOOM_ABOVE;
        gp_range_final(&x->r[i], 0.08, !zoom);
        if (zoom) {
            x->r[i].hi = 100.0 + 0.08 * (100.0 - x->r[i].lo);
            x->zoom_lo = x->r[i].lo;
        }
    }
}

static void share_row(const plot_ctx *c, FILE *f, size_t arm, size_t k, const void *fig)
{
    const share_figure *x = fig;
    const rd_arm *A = &c->d->arms[arm];
    if (x->kind == SHARE_PREVALENCE)
        pf_num(f, A->n_alive[k]);
    for (int i = 0; i < x->n; i++)
        pf_num(f, share_of(A, x->kind, x->index[i], k));
    for (int i = 0; i < x->n_panels; i++) /* the bands, after the shares */
        for (int j = 1; j < 3 && share_ui(A, x->kind, x->index[i], j); j++)
            pf_num(f, share_ui(A, x->kind, x->index[i], j)[k]);
}

/* With draws, the bands of the panels that have them, behind the lines: their columns
 * follow the shares, two per panel with a band (share_row). */
static void share_bands(const plot_ctx *c, FILE *gp, const char *tsv, const share_figure *x, int panel)
{
    const resultdata *d = c->d;
    if (!d->n_draws || !share_ui(&d->arms[0], x->kind, x->index[panel], 1))
        return;
    int col = share_column(x, x->n);
    for (int i = 0; i < panel; i++)
        col += share_ui(&d->arms[0], x->kind, x->index[i], 1) ? 2 : 0;
    const char *sep = "plot ";
    for (size_t i = 0; i < d->n_arms; i++) {
        size_t a = pf_draw_order(d, i);
        fprintf(gp, "%s'%s' index %zu using ($1*TS):($%d*100):($%d*100) with filledcurves fc rgb \"%s\" notitle", sep,
                tsv, a, col, col + 1, pf_colour(c, a));
        sep = ", \\\n     ";
    }
    fputs("\n", gp);
}

static void share_table(const plot_ctx *c, FILE *tsv, const void *fig)
{
    const share_figure *x = fig;
    fputs(x->columns, tsv);
    pf_tsv_per_arm(c, tsv, 0, share_row, fig);
}

static void share_script(const plot_ctx *c, FILE *gp, const char *tsv, const char *title, const void *fig)
{
    const share_figure *x = fig;
    pf_time_axis(c, gp, "Time since the start");
    pf_multiplot_begin(gp, title);
    pf_layout L = pf_layout_default(1, x->n_panels);
    for (int i = 0; i < x->n_panels; i++) {
        fprintf(gp, "\n# ---- %s ----\n", x->title[i]);
        pf_panel(gp, &L, 0, i);
        fprintf(gp, "set title \"%s\"\nset ylabel \"%s\"\nset yrange [%.6g:%.6g]\n", x->title[i], x->ylabel[i],
                x->r[i].lo, x->r[i].hi);
        share_bands(c, gp, tsv, x, i);
        pf_plot_arm_lines(c, gp, tsv, share_column(x, i), "*100", "lines lw 3");
    }
    pf_legend_arms(c, gp, "lines lw 3");
    fputs("unset multiplot\n", gp);
}

/* What the figure shows: x->shows, then two shares at the end ("falls none 12.3%,
 * protein 4.5%; fractures none 3.1%, ..."). */
static void share_shows(const plot_ctx *c, FILE *m, const void *fig)
{
    const share_figure *x = fig;
    const resultdata *d = c->d;
    fputs(x->shows, m);
    for (int i = 0; i < 3 && x->end_name[i]; i++) {
        fprintf(m, "%s%s ", i ? "; " : "", x->end_name[i]);
        for (size_t a = 0; a < d->n_arms; a++) {
            const rd_arm *A = &d->arms[a];
            fprintf(m, "%s%s %.1f%%", a ? ", " : "", A->name, 100 * share_of(A, x->kind, x->end_index[i], d->n_time - 1));
        }
    }
    fputs(".", m);
}

/* ---- Figure 4: falls and fractures ------------------------------------------------ */

static void incidence_caption(const plot_ctx *c, plot_figure *F, const share_figure *x)
{
    const size_t nd = c->d->n_draws;
    F->title = nd ? pf_format("Who has fallen, who has broken a bone, who is alive: per arm over time (bands: 95%% "
                              "uncertainty over %zu parameter draws)", nd)
                  : pf_format("Who has fallen, who has broken a bone, who is alive: per arm over time");
    F->shows = pf_text(c, share_shows, x);
    F->how = pf_format("A curve that rises more slowly means fewer people affected. Falls and fractures "
                       "only rise: a person counts from their first event on, and people who die keep their "
                       "count. The right panel is survival, the share of everyone enrolled still alive: "
                       "averages elsewhere (figures 1, 3, 5) are over the living only, so where survival "
                       "differs between arms they describe different people. Rates per 1000 person-years, "
                       "with confidence intervals, are in the table below.%s",
                       isnan(x->zoom_lo) ? "" : " The survival axis does not start at zero: few people die "
                                                "in this run, and at full scale the arms would be one flat line.");
    if (nd) {
        char *more = pf_format("%s With parameter draws, the falls and fractures lines are the mean over the %zu "
                               "runs of the same people under parameters drawn from what the calibration allows, "
                               "and the bands span the middle 95%% of those runs (the uncertainty interval: what "
                               "the published data leave open, not Monte Carlo noise). The arms' bands overlap "
                               "because each draw moves every arm together; the paired differences in the report's "
                               "table have their own, narrower intervals. Survival is the central run's.",
                               F->how, nd);
        free(F->how);
        F->how = more;
    }
    F->assumed = pf_format("Falls happen at random with a rate that rises with weakness, slow gait, age and "
                           "earlier falls; a fall breaks a bone with a probability that rises as bone "
                           "density falls (model.falls.*). The same chance events are replayed in every "
                           "arm, so the arms differ only through the interventions.");
}

void pf_incidence(plot_ctx *c, plot_figure *F)
{
    static const int counts[5] = {RE_FALL, RE_FRACTURE, SHARE_ALIVE, RE_FRACTURE_HIP, RE_IMMOBILIZATION};
    share_figure x = {
        .kind = SHARE_INCIDENCE, .index = counts, .n = 5,
        .columns = "# columns: week, then the share of people enrolled (0-1) with at least one fall, fracture,\n"
                   "# still alive (1 - cumulative incidence of death), with at least one hip fracture,\n"
                   "# immobilization since the start\n",
        .n_panels = 3, .title = {"Falls", "Fractures (any bone)", "Survival"},
        .ylabel = {"People with at least one fall (%)", "People with at least one fracture (%)",
                   "People alive, of all enrolled (%)"},
        .shows = "The share of all people enrolled who have had at least one fall (left) or one fracture "
                 "(middle) since the start, and the share still alive (right). By the end: ",
        .end_name = {"falls", "fractures", "alive"}, .end_index = {RE_FALL, RE_FRACTURE, SHARE_ALIVE}};
    share_data(c, &x);
    incidence_caption(c, F, &x);
    pf_write_files(c, F->name, F->title, share_table, share_script, &x);
}

/* ---- Figure 5: prevalences -------------------------------------------------------- */

static void prevalence_caption(const plot_ctx *c, plot_figure *F, const share_figure *x)
{
    const resultdata *d = c->d;
    F->title = d->n_draws ? pf_format("Sarcopenia, osteopenia and osteoporosis among the living, per arm (bands: 95%% "
                                      "uncertainty, %zu parameter draws)", d->n_draws)
                          : pf_format("How common are sarcopenia, osteopenia and osteoporosis? Share of the living, per arm");
    F->shows = pf_text(c, share_shows, x);
    F->how = pf_format("Unlike the incidence curves, prevalence can fall: people recover (muscle regrows "
                       "with training) or move to another category (osteopenia becomes osteoporosis). The "
                       "vertical axes differ between panels.%s",
                       d->n_draws ? " With parameter draws, each line is the mean over the runs of the same people "
                                    "under parameters drawn from what the calibration allows, and the band spans the "
                                    "middle 95% of them: how much the answer depends on what the published data "
                                    "leave open (baseline bone density above all, for the bone classes)."
                                  : "");
    F->assumed = pf_format("Sarcopenia as defined by EWGSOP2 (Cruz-Jentoft 2019): low grip strength and low "
                           "appendicular lean mass. Osteopenia: femoral-neck T-score between %.3g and %.3g; "
                           "osteoporosis: %.3g or lower (WHO 1994).",
                           d->osteoporosis_tscore, d->osteopenia_tscore, d->osteoporosis_tscore);
}

void pf_prevalence(plot_ctx *c, plot_figure *F)
{
    static const int prevs[3] = {RP_SARCOPENIA, RP_OSTEOPENIA, RP_OSTEOPOROSIS};
    share_figure x = {
        .kind = SHARE_PREVALENCE, .index = prevs, .n = 3,
        .columns = "# columns: week, n_alive, then the share (0-1) of the people alive with sarcopenia,\n"
                   "# osteopenia, osteoporosis\n",
        .n_panels = 3, .title = {"Sarcopenia", "Osteopenia", "Osteoporosis"},
        .shows = "How many of the people still alive have each condition, over time. At the end: ",
        .end_name = {"sarcopenia", "osteoporosis"}, .end_index = {RP_SARCOPENIA, RP_OSTEOPOROSIS}};
    for (int i = 0; i < 3; i++)
        snprintf(x.ylabel[i], sizeof x.ylabel[i], "People alive with %s (%%)", resultdata_prevs[prevs[i]].label);
    share_data(c, &x);
    prevalence_caption(c, F, &x);
    pf_write_files(c, F->name, F->title, share_table, share_script, &x);
}

/* ---- Figure 5b: WHO bone classes, stacked ------------------------------------------ */

/* Columns: week, n_alive, then the shares (0-1) of the living with osteoporosis,
 * osteopenia and a normal T-score. */
static void who_row(const plot_ctx *c, FILE *f, size_t arm, size_t k, const void *fig)
{
    (void)fig;
    const rd_arm *A = &c->d->arms[arm];
    double op = A->prevalence[RP_OSTEOPOROSIS][k], openia = A->prevalence[RP_OSTEOPENIA][k];
    pf_num(f, A->n_alive[k]);
    pf_num(f, op);
    pf_num(f, openia);
    pf_num(f, 1.0 - op - openia);
}

static void who_table(const plot_ctx *c, FILE *tsv, const void *fig)
{
    fputs("# columns: week, n_alive, then the share (0-1) of the people alive with femoral-neck\n"
          "# osteoporosis, osteopenia, a normal T-score (the three add up to 1)\n",
          tsv);
    pf_tsv_per_arm(c, tsv, 0, who_row, fig);
}

/* One panel per arm, in scenario order (three to a row): the living split into the
 * three classes, stacked to 100%. */
static void who_script(const plot_ctx *c, FILE *gp, const char *tsv, const char *title, const void *fig)
{
    (void)fig;
    const resultdata *d = c->d;
    int n = (int)d->n_arms, cols = n < 3 ? n : 3, rows = (n + cols - 1) / cols;
    static const char *const fill[3] = {"#7f2704", "#fd8d3c", "#fee6ce"};
    pf_time_axis(c, gp, "Time since the start");
    pf_multiplot_begin(gp, title);
    pf_layout L = pf_layout_default(rows, cols);
    fputs("set yrange [0:100]\nset ylabel \"People alive (%)\"\n", gp);
    for (int a = 0; a < n; a++) {
        fprintf(gp, "\n# ---- arm %d ----\n", a);
        pf_panel(gp, &L, a / cols, a % cols);
        /* The time label under the lowest panel of each column only: above, it would
         * run into the title of the panel below. */
        if (a + cols < n)
            fputs("unset xlabel\n", gp);
        else
            fprintf(gp, "set xlabel \"Time since the start (%s)\"\n", pf_time_unit(c));
        fputs("set title ", gp);
        pf_quoted(gp, "%s%s", d->arms[a].name, (size_t)a == d->reference ? " (reference)" : "");
        fputc('\n', gp);
        fprintf(gp, "plot '%s' index %d using ($1*TS):(0):(100*$3) with filledcurves fc rgb '%s' fs solid, \\\n"
                    "     '' index %d using ($1*TS):(100*$3):(100*($3+$4)) with filledcurves fc rgb '%s' fs solid, \\\n"
                    "     '' index %d using ($1*TS):(100*($3+$4)):(100) with filledcurves fc rgb '%s' fs solid\n",
                tsv, a, fill[0], a, fill[1], a, fill[2]);
    }
    pf_legend_begin(gp, 0.06, 1);
    pf_legend_entry(gp, "boxes fs solid", fill[0], "osteoporosis (T <= %.3g)", d->osteoporosis_tscore);
    pf_legend_entry(gp, "boxes fs solid", fill[1], "osteopenia");
    pf_legend_entry(gp, "boxes fs solid", fill[2], "normal (T > %.3g)", d->osteopenia_tscore);
    pf_legend_end(gp);
    fputs("unset multiplot\n", gp);
}

static void who_shows(const plot_ctx *c, FILE *m, const void *fig)
{
    (void)fig;
    const resultdata *d = c->d;
    size_t last = d->n_time - 1;
    fputs("Each panel is one arm: the people alive at each time, split by the WHO class of their "
          "femoral-neck T-score, so the three bands always fill 100%. At the end, osteoporosis: ",
          m);
    for (size_t a = 0; a < d->n_arms; a++)
        fprintf(m, "%s%s %.1f%%", a ? ", " : "", d->arms[a].name, 100 * d->arms[a].prevalence[RP_OSTEOPOROSIS][last]);
    fputs(".", m);
}

void pf_who_classes(plot_ctx *c, plot_figure *F)
{
    const resultdata *d = c->d;
    F->title = pf_format("Bone status of the living by WHO class, per arm");
    F->shows = pf_text(c, who_shows, NULL);
    F->how = pf_format("The dark band growing means more osteoporosis. The shares are among the people "
                       "alive at each time: the dead leave the picture (survival is in figure 4), so a "
                       "band can shrink because people with that class died, not only because their "
                       "bones changed.");
    F->assumed = pf_format("WHO 1994 classes of the femoral-neck T-score against the NHANES III young "
                           "white women's reference for both sexes: osteoporosis %.3g or lower, osteopenia "
                           "between %.3g and %.3g, normal above %.3g.",
                           d->osteoporosis_tscore, d->osteoporosis_tscore, d->osteopenia_tscore,
                           d->osteopenia_tscore);
    pf_write_files(c, F->name, F->title, who_table, who_script, NULL);
}
