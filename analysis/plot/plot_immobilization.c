/* plot_immobilization.c — figure 2: muscle lost during and after immobilization, for a
 * scheduled one (the arms' means) or for those of the sampled people (event-aligned). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"
#include "plotfig.h"

/* A scheduled leg cast, bed rest, hospital or intensive-care stay or non-weight-bearing
 * unloading (arm casts spare the legs). */
static const rd_exposure *leg_exposure(const resultdata *d, size_t *count)
{
    const rd_exposure *first = NULL;
    *count = 0;
    for (size_t i = 0; i < d->n_exposures; i++) {
        const rd_exposure *e = &d->exposures[i];
        if (e->kind != RX_ARM_CAST && e->kind != RX_UNKNOWN) {
            if (isfinite(e->start_week) && isfinite(e->duration_weeks) && e->duration_weeks > 0) {
                if (!first)
                    first = e;
                (*count)++;
            }
        }
    }
    return first;
}

/* Both versions follow leg lean mass and knee strength. */
static const rd_var immob_var[2] = {RV_LEG_LEAN, RV_KNEE};
static const char *const immob_label[2] = {"Leg lean mass", "Knee-extension strength"};

/* ---- Scheduled: everyone has the same immobilization ------------------------------ */

/* What the population version plots: each arm's mean, from two observations before the
 * immobilization to the recovery, as % change since it began and per week. */
typedef struct {
    const rd_exposure *e; /* the first of n_expo scheduled immobilizations of the legs */
    size_t n_expo;
    double t0, dur, until; /* start, duration, the last week shown */
    size_t k0;             /* baseline: the last observation at or before the start */
    size_t kfirst, kend;   /* the first and last observations shown */
    size_t kloss;          /* the last observation during it; SIZE_MAX when none */
    gp_range rc, rw;       /* % change since the start, % change per week */
} scheduled;

/* Is observation k (from x->kfirst on) shown? */
static int sched_shown(const resultdata *d, const scheduled *x, size_t k)
{
    return k < d->n_time && d->time[k] <= x->until + 1e-9;
}

/* Arm A's mean of immob_var[v] at observation k: % change since the baseline, and the
 * change since the previous observation in % of the baseline per week (NaN at the first
 * observation shown). */
static void sched_change(const resultdata *d, const scheduled *x, const rd_arm *A, int v, size_t k, double *pct,
                         double *step)
{
    const double *mean = A->mean[immob_var[v]];
    double base = mean[x->k0];
    *pct = 100 * (mean[k] / base - 1);
    *step = k > x->kfirst ? 100 * (mean[k] - mean[k - 1]) / base / (d->time[k] - d->time[k - 1]) : NAN;
}

/* Arm A's mean loss of immob_var[v] per week immobilized, in % (0 when not observed). */
static double sched_loss(const resultdata *d, const scheduled *x, const rd_arm *A, int v)
{
    double pct = 0, step;
    if (x->kloss != SIZE_MAX)
        sched_change(d, x, A, v, x->kloss, &pct, &step);
    return pct / x->dur;
}

static void sched_data(const resultdata *d, scheduled *x, const rd_exposure *e, size_t n_expo)
{
    x->e = e;
    x->n_expo = n_expo;
    x->t0 = e->start_week;
    x->dur = e->duration_weeks;
    x->until = x->t0 + x->dur + fmax(52.0, 3 * x->dur); /* the recovery, within reason */
    x->k0 = 0;
    for (size_t k = 0; k < d->n_time; k++)
        if (d->time[k] <= x->t0 + 1e-9)
            x->k0 = k;
    x->kfirst = x->k0 >= 2 ? x->k0 - 2 : 0;
    x->kend = x->k0;
    x->kloss = SIZE_MAX;
    for (size_t k = x->kfirst; sched_shown(d, x, k); k++) {
        if (d->time[k] <= x->t0 + x->dur + 1e-9)
            x->kloss = k;
        if (k > x->kend)
            x->kend = k;
    }
    gp_range_init(&x->rc);
    gp_range_init(&x->rw);
    for (size_t a = 0; a < d->n_arms; a++)
        for (size_t k = x->kfirst; sched_shown(d, x, k); k++)
            for (int v = 0; v < 2; v++) {
                double pct, step;
                sched_change(d, x, &d->arms[a], v, k, &pct, &step);
                gp_range_add(&x->rc, pct);
                gp_range_add(&x->rw, step);
            }
    gp_range_final(&x->rc, 0.08, 1);
    gp_range_final(&x->rw, 0.08, 1);
}

static void sched_table(const plot_ctx *c, FILE *tsv, const void *fig)
{
    const scheduled *x = fig;
    const resultdata *d = c->d;
    fprintf(tsv, "# immobilization from week %.6g to %.6g; baseline = the mean at week %.6g\n", x->t0,
            x->t0 + x->dur, d->time[x->k0]);
    fputs("# columns: weeks_since_start_of_immobilization, week, leg_lean_mass_pct, knee_extension_strength_pct\n"
          "# (% change of the arm's mean since baseline), leg_lean_mass_pct_per_week,\n"
          "# knee_extension_strength_pct_per_week (change since the previous observation, in % of the\n"
          "# baseline, divided by the weeks in between)\n",
          tsv);
    for (size_t a = 0; a < d->n_arms; a++) {
        pf_tsv_arm_block(tsv, a, d->arms[a].name);
        for (size_t k = x->kfirst; sched_shown(d, x, k); k++) {
            fprintf(tsv, "%.10g\t%.10g", d->time[k] - x->t0, d->time[k]);
            double pct[2], step[2];
            for (int v = 0; v < 2; v++)
                sched_change(d, x, &d->arms[a], v, k, &pct[v], &step[v]);
            pf_num(tsv, pct[0]);
            pf_num(tsv, pct[1]);
            pf_num(tsv, step[0]);
            pf_num(tsv, step[1]);
            fputc('\n', tsv);
        }
    }
}

/* The panel of immob_var[v]: change since the start (row 0) or in each week (row 1). */
static void sched_panel(const plot_ctx *c, FILE *gp, const char *tsv, const scheduled *x, const pf_layout *L,
                        int row, int v)
{
    const gp_range *r = row == 0 ? &x->rc : &x->rw;
    const char *what_row = row == 0 ? "change since the start" : "change in each week";
    fprintf(gp, "\n# ---- %s, %s (same scale in both columns) ----\n", immob_label[v], what_row);
    pf_panel(gp, L, row, v);
    fprintf(gp, "set title \"%s: %s\"\n", immob_label[v], what_row);
    fprintf(gp, "set ylabel \"%s\"\n", row == 0 ? "Change (%)" : "Change per week (%)");
    fprintf(gp, "set yrange [%.6g:%.6g]\n", r->lo, r->hi);
    if (row == 0)
        fputs("set format x \"%g\"; unset xlabel\n", gp);
    else
        fprintf(gp, "set xlabel \"Weeks since the start of %s\"\n", pf_exposure_name(x->e->kind));
    pf_plot_arm_lines(c, gp, tsv, row == 0 ? 3 + v : 5 + v, "", "linespoints lw 3 pt 7 ps 0.9*PS");
}

static void sched_script(const plot_ctx *c, FILE *gp, const char *tsv, const char *title, const void *fig)
{
    const scheduled *x = fig;
    const resultdata *d = c->d;
    fputs("TS = 1            # weeks since the immobilization began\n", gp);
    fprintf(gp, "set xrange [%.6g:%.6g]\n", d->time[x->kfirst] - x->t0, d->time[x->kend] - x->t0);
    fprintf(gp, "# The grey area is the time %s.\n", pf_exposure_time(x->e->kind));
    fprintf(gp, "set object 10 rect from first 0, graph 0 to first %.6g, graph 1 behind fc rgb \"#e4e4e4\" fs solid 1.0 noborder\n",
            x->dur);
    fprintf(gp, "set label 10 \"%s\" at first %.6g, graph 0.95 center font \",16\" tc rgb \"#555555\"\n",
            pf_exposure_time(x->e->kind), x->dur / 2);
    fputs("set xzeroaxis lt -1 lw 1\n", gp);
    pf_multiplot_begin(gp, title);
    pf_layout L = pf_layout_default(2, 2);
    for (int row = 0; row < 2; row++)
        for (int v = 0; v < 2; v++)
            sched_panel(c, gp, tsv, x, &L, row, v);
    pf_legend_arms(c, gp, "linespoints lw 3 pt 7 ps 0.9*PS");
    fputs("unset multiplot\n", gp);
}

static void sched_shows(const plot_ctx *c, FILE *m, const void *fig)
{
    const scheduled *x = fig;
    const resultdata *d = c->d;
    fprintf(m, "What %.3g weeks %s do to the leg, and how it recovers afterwards. Top: the change of "
               "the arm's mean leg lean mass and knee strength since the day it began. Bottom: the "
               "change in each week. Averaged over the time %s, leg lean mass changed by ",
            x->dur, pf_exposure_time(x->e->kind), pf_exposure_time(x->e->kind));
    for (int v = 0; v < 2; v++) {
        if (v)
            fputs(" per week, and knee strength by ", m);
        for (size_t a = 0; a < d->n_arms; a++)
            fprintf(m, "%s%s %+.2f%%", a ? ", " : "", d->arms[a].name, sched_loss(d, x, &d->arms[a], v));
    }
    fputs(" per week.", m);
    if (x->n_expo > 1)
        fprintf(m, " The scenario schedules %zu immobilizations; this figure follows the first.", x->n_expo);
}

static void sched_caption(const plot_ctx *c, plot_figure *F, const scheduled *x)
{
    F->title = pf_format("Muscle lost during and after %s of %.3g weeks: %% change since it began, per arm",
                         pf_exposure_name(x->e->kind), x->dur);
    F->shows = pf_text(c, sched_shows, x);
    F->how = pf_format("The grey area is the time %s. Below the zero line the leg has lost muscle or "
                       "strength; both columns share one scale. Strength usually falls faster than mass, "
                       "because the nerves' drive to the muscle is lost too. After the immobilization the "
                       "curves climb back; the arms show how much an intervention prevents the loss or "
                       "speeds the recovery.",
                       pf_exposure_time(x->e->kind));
    F->assumed = pf_format("Everyone in every arm has the same immobilization from week %.3g. Disuse raises "
                           "muscle protein breakdown and lowers synthesis (model.muscle.*); changes are of "
                           "the arm's mean, people who die are left out from then on.",
                           x->t0);
}

static void immobilization_scheduled(plot_ctx *c, plot_figure *F, const rd_exposure *e, size_t n_expo)
{
    scheduled x;
    sched_data(c->d, &x, e, n_expo);
    sched_caption(c, F, &x);
    pf_write_files(c, F->name, F->title, sched_table, sched_script, &x);
}

/* ---- Sampled: the immobilizations that happened to the sampled people ------------- */

/* The start of something that keeps the legs still: a leg cast (detail 0), bed rest
 * (2) or a hospital stay. */
static int leg_episode(const rd_event *e)
{
    return (e->kind == RL_IMMOBILIZATION_START && (e->detail == 0 || e->detail == 2)) || e->kind == RL_ADMISSION;
}

/* Weeks shown after the start of an episode. */
#define EPISODE_WINDOW 26.0
/* Bins of the episode means over the window, at most: the bin width is the file's first
 * observation interval (>= 0.1 week in any run msksim makes, so 263 bins), but a file
 * may claim any spacing, and its bin count times the arms must neither wrap nor ask for
 * more memory than the figure is worth. */
#define EPISODE_MAX_BINS 4096

/* One immobilization of a sampled person, with the baseline it is measured from. */
typedef struct {
    size_t arm, person;
    double t0;      /* the week it began */
    size_t k0;      /* the last observation at or before t0 */
    double base[2]; /* the person's immob_var values then */
} episode;

/* What the event-aligned version plots: every episode (with a baseline) of every arm, in
 * order, and each arm's mean over its episodes by weeks since the start. */
typedef struct {
    episode *ep;
    size_t n_ep;
    size_t *count; /* episodes per arm */
    double dt;     /* the observation interval: the mean's bins */
    size_t nbins;  /* from -dt (the baseline) to the window */
    double *sum;   /* [arm][bin]{episodes, mass %, strength %} */
    gp_range r, rx; /* % change, weeks since the start */
} sampled;

/* Is observation k (from ep->k0 on) shown? */
static int episode_shown(const resultdata *d, const episode *ep, size_t k)
{
    return k < d->n_time && d->time[k] <= ep->t0 + EPISODE_WINDOW + 1e-9;
}

/* The person's % change of immob_var[0] and [1] since the baseline, at observation k. */
static void episode_change(const plot_ctx *c, const episode *ep, size_t k, double pct[2])
{
    const rd_arm *A = &c->d->arms[ep->arm];
    for (int v = 0; v < 2; v++)
        pct[v] = 100 * (pf_sample(c, A, immob_var[v], ep->person, k) / ep->base[v] - 1);
}

/* The leg episodes in all arms' event logs (those without a baseline included). */
static size_t leg_episodes(const resultdata *d)
{
    size_t n = 0;
    for (size_t a = 0; a < d->n_arms; a++)
        for (size_t i = 0; i < d->arms[a].n_events; i++)
            n += leg_episode(&d->arms[a].events[i]) != 0;
    return n;
}

/* Episode e of arm a, if it has a baseline: an observation at or before its start, where
 * both values are known. */
static int episode_at(const plot_ctx *c, size_t a, const rd_event *e, episode *ep)
{
    const resultdata *d = c->d;
    long k0 = -1;
    for (size_t k = 0; k < d->n_time; k++)
        if (d->time[k] <= e->week + 1e-9)
            k0 = (long)k;
    if (k0 < 0)
        return 0;
    *ep = (episode){a, e->individual, e->week, (size_t)k0, {0, 0}};
    for (int v = 0; v < 2; v++)
        ep->base[v] = pf_sample(c, &d->arms[a], immob_var[v], ep->person, ep->k0);
    return isfinite(ep->base[0]) && isfinite(ep->base[1]);
}

/* Add episode ep's rows to the ranges and to its arm's bins. */
static void episode_add(const plot_ctx *c, sampled *x, const episode *ep)
{
    const resultdata *d = c->d;
    for (size_t k = ep->k0; episode_shown(d, ep, k); k++) {
        double pct[2];
        episode_change(c, ep, k, pct);
        gp_range_add(&x->r, pct[0]);
        gp_range_add(&x->r, pct[1]);
        gp_range_add(&x->rx, d->time[k] - ep->t0);
        long b = lround((d->time[k] - ep->t0) / x->dt) + 1;
        if (b >= 0 && (size_t)b < x->nbins && isfinite(pct[0]) && isfinite(pct[1])) {
            double *s = &x->sum[(ep->arm * x->nbins + (size_t)b) * 3];
            s[0] += 1;
            s[1] += pct[0];
            s[2] += pct[1];
        }
    }
}

static void sampled_fini(sampled *x)
{
    free(x->ep);
    free(x->count);
    free(x->sum);
}

/* Gather the episodes (at most max_ep) and their means: MSK_OK or MSK_ENOMEM; free with
 * sampled_fini either way. */
static msk_status sampled_data(const plot_ctx *c, sampled *x, size_t max_ep)
{
    const resultdata *d = c->d;
    memset(x, 0, sizeof *x);
    x->dt = d->n_time > 1 ? d->time[1] - d->time[0] : 1;
    /* The file's time spacing sets the number of bins, up to EPISODE_MAX_BINS. */
    if (!(x->dt >= EPISODE_WINDOW / EPISODE_MAX_BINS))
        x->dt = EPISODE_WINDOW / EPISODE_MAX_BINS;
    x->nbins = (size_t)ceil(EPISODE_WINDOW / x->dt) + 3;
    x->ep = malloc(max_ep * sizeof *x->ep);
    x->count = calloc(d->n_arms, sizeof *x->count);
    x->sum = calloc(d->n_arms * x->nbins * 3, sizeof *x->sum);
    if (!x->ep || !x->count || !x->sum)
        return MSK_ENOMEM;
    gp_range_init(&x->r);
    gp_range_init(&x->rx);
    gp_range_add(&x->rx, EPISODE_WINDOW);
    for (size_t a = 0; a < d->n_arms; a++)
        for (size_t i = 0; i < d->arms[a].n_events; i++) {
            const rd_event *e = &d->arms[a].events[i];
            episode *ep = &x->ep[x->n_ep];
            if (!leg_episode(e) || !episode_at(c, a, e, ep))
                continue;
            episode_add(c, x, ep);
            x->count[a]++;
            x->n_ep++;
        }
    gp_range_final(&x->r, 0.08, 1);
    return MSK_OK;
}

/* Blocks 0 .. arms-1: every episode of each arm, row by row. */
static void sampled_episodes_table(const plot_ctx *c, FILE *tsv, const sampled *x)
{
    const resultdata *d = c->d;
    const episode *ep = x->ep;
    for (size_t a = 0; a < d->n_arms; a++) {
        pf_tsv_arm_block(tsv, a, d->arms[a].name);
        for (size_t i = 0; i < x->count[a]; i++, ep++) {
            if (i)
                fputc('\n', tsv);
            for (size_t k = ep->k0; episode_shown(d, ep, k); k++) {
                double pct[2];
                episode_change(c, ep, k, pct);
                fprintf(tsv, "%.10g\t%.10g\t%zu", d->time[k] - ep->t0, d->time[k], ep->person);
                pf_num(tsv, pct[0]);
                pf_num(tsv, pct[1]);
                fputc('\n', tsv);
            }
        }
        if (!x->count[a]) /* an empty block would make gnuplot warn */
            fputs("NaN\tNaN\tNaN\tNaN\tNaN\n", tsv);
    }
}

/* Blocks arms .. 2*arms-1: each arm's mean over its episodes, bin by bin. */
static void sampled_means_table(const plot_ctx *c, FILE *tsv, const sampled *x)
{
    const resultdata *d = c->d;
    for (size_t a = 0; a < d->n_arms; a++) {
        fputs("\n\n", tsv);
        fprintf(tsv, "# block %zu: mean over the episodes of arm ", d->n_arms + a);
        gp_cell(tsv, d->arms[a].name);
        fputc('\n', tsv);
        int wrote = 0;
        for (size_t b = 0; b < x->nbins; b++) {
            const double *s = &x->sum[(a * x->nbins + b) * 3];
            if (s[0] < 1)
                continue;
            fprintf(tsv, "%.10g\t%.10g\t%.10g\t%.0f\n", ((double)b - 1) * x->dt, s[1] / s[0], s[2] / s[0], s[0]);
            wrote = 1;
        }
        if (!wrote)
            fputs("NaN\tNaN\tNaN\t0\n", tsv);
    }
}

static void sampled_table(const plot_ctx *c, FILE *tsv, const void *fig)
{
    fputs("# one line per immobilization (leg cast, bed rest or hospital stay) of a sampled person,\n"
          "# aligned at its start;\n"
          "# columns: weeks_since_start, week, individual, leg_lean_mass_pct, knee_extension_strength_pct\n"
          "# (% change of that person's value since the last observation before the start);\n"
          "# episodes are separated by one blank line, arms by two;\n"
          "# then one block per arm: the mean over its episodes, by weeks since the start (rounded\n"
          "# to the observation interval): weeks, leg_lean_mass_pct, knee_extension_strength_pct,\n"
          "# episodes\n",
          tsv);
    sampled_episodes_table(c, tsv, fig);
    sampled_means_table(c, tsv, fig);
}

/* The panel of immob_var[v]: thin, faint, each episode ("#AARRGGBB", AA = transparency);
 * thick, the arm's mean. */
static void sampled_panel(const plot_ctx *c, FILE *gp, const char *tsv, const sampled *x, const pf_layout *L, int v)
{
    const resultdata *d = c->d;
    fprintf(gp, "\n# ---- %s ----\n", immob_label[v]);
    pf_panel(gp, L, 0, v);
    fprintf(gp, "set title \"%s\"\nset ylabel \"Change since the episode began (%%)\"\nset yrange [%.6g:%.6g]\n",
            immob_label[v], x->r.lo, x->r.hi);
    fputs("plot ", gp);
    int first = 1;
    for (size_t i = 0; i < d->n_arms; i++) {
        size_t a = pf_draw_order(d, i); /* the reference last, on top */
        if (!x->count[a])
            continue;
        fprintf(gp, "%s'%s' index %zu using ($1*TS):%d with lines lw 1 lc rgb \"#B0%s\" notitle",
                first ? "" : ", \\\n     ", first ? tsv : "", a, 4 + v, pf_colour(c, a) + 1);
        first = 0;
    }
    for (size_t i = 0; i < d->n_arms; i++) {
        size_t a = pf_draw_order(d, i);
        if (x->count[a])
            fprintf(gp, ", \\\n     '' index %zu using ($1*TS):%d with linespoints lw 5 pt 7 ps 1.2*PS lc rgb \"%s\" notitle",
                    d->n_arms + a, 2 + v, pf_colour(c, a));
    }
    fputc('\n', gp);
}

static void sampled_script(const plot_ctx *c, FILE *gp, const char *tsv, const char *title, const void *fig)
{
    const sampled *x = fig;
    const resultdata *d = c->d;
    fputs("TS = 1            # weeks since the immobilization began\n", gp);
    fputs("set xlabel \"Weeks since the immobilization began\"\n", gp);
    fprintf(gp, "set xrange [%.6g:%.6g]\n", fmin(x->rx.lo, 0), x->rx.hi);
    fputs("set arrow 1 from first 0, graph 0 to first 0, graph 1 nohead lc rgb \"#777777\" dt 2 lw 2\n", gp);
    fputs("set xzeroaxis lt -1 lw 1\n", gp);
    pf_multiplot_begin(gp, title);
    pf_layout L = pf_layout_default(1, 2);
    for (int v = 0; v < 2; v++)
        sampled_panel(c, gp, tsv, x, &L, v);
    pf_legend_begin(gp, 0.13, 2);
    for (size_t a = 0; a < d->n_arms; a++)
        if (x->count[a]) {
            pf_legend_entry(gp, "linespoints lw 5 pt 7 ps 1.2*PS", pf_colour(c, a), "%s: mean", d->arms[a].name);
            pf_legend_entry(gp, "lines lw 1", pf_colour(c, a), "%s: one episode", d->arms[a].name);
        }
    pf_legend_end(gp);
    fputs("unset multiplot\n", gp);
}

static void sampled_shows(const plot_ctx *c, FILE *m, const void *fig)
{
    const sampled *x = fig;
    /* The legs' figure: a scheduled arm cast is an exposure, but not of the legs. */
    if (c->d->n_exposures > 0)
        fputs("In this run the scheduled immobilization (an arm cast) leaves the legs free, so this "
              "figure, which follows the legs, has no scheduled episode; but falls break bones, and "
              "fractures bring casts, bed rest and hospital stays. ",
              m);
    else
        fputs("In this run nobody is immobilized on schedule, but falls break bones, and fractures "
              "bring casts, bed rest and hospital stays. ",
              m);
    fputs("Each line follows one sampled person from "
          "the start of one such episode (the dashed line), for up to 26 weeks: the change of "
          "that person's leg lean mass (left) and knee strength (right) since the episode began "
          "(from the last observation before it). Episodes per arm: ",
          m);
    for (size_t a = 0; a < c->d->n_arms; a++)
        fprintf(m, "%s%s %zu", a ? ", " : "", c->d->arms[a].name, x->count[a]);
    fputs(".", m);
}

static void sampled_caption(const plot_ctx *c, plot_figure *F, const sampled *x)
{
    F->title = pf_format("Muscle lost in each cast, bed rest or hospital stay of the sampled people: %% change");
    F->shows = pf_text(c, sampled_shows, x);
    F->how = pf_format("Each thin line is one episode of one person: it drops while the legs are kept still "
                       "and climbs back as the person recovers. The thick line is the mean over all episodes "
                       "of the arm: the typical loss per week of immobilization, and how fast it comes back. "
                       "Only the sampled people are shown, so the means rest on few episodes.");
    F->assumed = pf_format("A hip fracture brings a hospital stay, a vertebral fracture bed rest, other "
                           "fractures of the leg a cast (model.falls.*); illness brings hospital stays too. "
                           "The sampled people are the first %zu of the population, the same people in "
                           "every arm.",
                           c->d->n_sample);
}

static void immobilization_sampled(plot_ctx *c, plot_figure *F)
{
    size_t n = leg_episodes(c->d);
    if (c->d->n_sample == 0 || n == 0) {
        F->skipped = pf_format("Nobody's legs were immobilized in this run (no scheduled cast, bed rest or "
                               "hospital stay, and none among the sampled people), so there is no loss "
                               "per week of immobilization to show. The immobilization scenario shows it.");
        return;
    }
    sampled x;
    c->st = sampled_data(c, &x, n);
    if (c->st == MSK_OK) {
        sampled_caption(c, F, &x);
        pf_write_files(c, F->name, F->title, sampled_table, sampled_script, &x);
    }
    sampled_fini(&x);
}

void pf_immobilization(plot_ctx *c, plot_figure *F)
{
    size_t n_expo = 0;
    const rd_exposure *e = leg_exposure(c->d, &n_expo);
    if (e)
        immobilization_scheduled(c, F, e, n_expo);
    else
        immobilization_sampled(c, F);
}
