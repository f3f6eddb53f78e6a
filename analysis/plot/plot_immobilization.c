/* plot_immobilization.c — figure 2: muscle lost during and after immobilization, for a
 * scheduled one (the arms' means) or for those of the sampled people (event-aligned). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"
#include "plotfig.h"

/* A scheduled leg cast, bed rest or hospital stay (arm casts spare the legs). */
static const rd_exposure *leg_exposure(const resultdata *d, size_t *count)
{
    const rd_exposure *first = NULL;
    *count = 0;
    for (size_t i = 0; i < d->n_exposures; i++) {
        const rd_exposure *e = &d->exposures[i];
        if (e->kind == RX_LEG_CAST || e->kind == RX_BED_REST || e->kind == RX_HOSPITAL) {
            if (isfinite(e->start_week) && isfinite(e->duration_weeks) && e->duration_weeks > 0) {
                if (!first)
                    first = e;
                (*count)++;
            }
        }
    }
    return first;
}

static const char *exposure_word(rd_expo_kind k)
{
    return k == RX_LEG_CAST ? "in the cast" : k == RX_BED_REST ? "in bed rest" : k == RX_HOSPITAL ? "in hospital" : "immobilized";
}

/* The population version: everyone has the same scheduled immobilization. */
static void immobilization_scheduled(plot_ctx *c, plot_figure *F, const rd_exposure *e, size_t n_expo)
{
    const resultdata *d = c->d;
    double t0 = e->start_week, dur = e->duration_weeks, t1 = t0 + dur;
    /* Baseline: the last observation at or before the start. */
    size_t k0 = 0;
    for (size_t k = 0; k < d->n_time; k++)
        if (d->time[k] <= t0 + 1e-9)
            k0 = k;
    double until = t1 + fmax(52.0, 3 * dur); /* the recovery, within reason */
    size_t kfirst = k0 >= 2 ? k0 - 2 : 0;
    static const rd_var vars[2] = {RV_LEG_LEAN, RV_KNEE};
    const char *what = e->kind == RX_LEG_CAST ? "a leg cast" : e->kind == RX_BED_REST ? "bed rest" : "a hospital stay";

    F->title = pf_format("Muscle lost during and after %s of %.3g weeks: %% change since it began, per arm", what, dur);
    FILE *tsv = pf_open(c, F->name, "tsv");
    if (!tsv)
        return;
    pf_tsv_head(c, tsv, F->title);
    fprintf(tsv, "# immobilization from week %.6g to %.6g; baseline = the mean at week %.6g\n", t0, t1, d->time[k0]);
    fputs("# columns: weeks_since_start_of_immobilization, week, leg_lean_mass_pct, knee_extension_strength_pct\n"
          "# (% change of the arm's mean since baseline), leg_lean_mass_pct_per_week,\n"
          "# knee_extension_strength_pct_per_week (change since the previous observation, in % of the\n"
          "# baseline, divided by the weeks in between)\n",
          tsv);
    gp_range rc, rw;
    gp_range_init(&rc);
    gp_range_init(&rw);
    double *loss = calloc(d->n_arms * 2, sizeof *loss); /* % per week immobilized */
    if (!loss) {
        c->st = MSK_ENOMEM;
        fclose(tsv);
        return;
    }
    size_t kend = k0;
    for (size_t a = 0; a < d->n_arms; a++) {
        const rd_arm *A = &d->arms[a];
        pf_tsv_arm_block(tsv, a, A->name);
        for (size_t k = kfirst; k < d->n_time && d->time[k] <= until + 1e-9; k++) {
            fprintf(tsv, "%.10g\t%.10g", d->time[k] - t0, d->time[k]);
            double pct[2], step[2];
            for (int v = 0; v < 2; v++) {
                double base = A->mean[vars[v]][k0];
                pct[v] = 100 * (A->mean[vars[v]][k] / base - 1);
                step[v] = k > kfirst ? 100 * (A->mean[vars[v]][k] - A->mean[vars[v]][k - 1]) / base /
                                           (d->time[k] - d->time[k - 1])
                                     : NAN;
                gp_range_add(&rc, pct[v]);
                gp_range_add(&rw, step[v]);
            }
            for (int v = 0; v < 2; v++) {
                fputc('\t', tsv);
                gp_num(tsv, pct[v]);
            }
            for (int v = 0; v < 2; v++) {
                fputc('\t', tsv);
                gp_num(tsv, step[v]);
            }
            fputc('\n', tsv);
            if (d->time[k] <= t1 + 1e-9) {
                loss[2 * a] = pct[0] / dur;
                loss[2 * a + 1] = pct[1] / dur;
            }
            if (k > kend)
                kend = k;
        }
    }
    pf_close(c, tsv, F->name, "tsv");

    char tsvname[128];
    FILE *gp = pf_open_script(c, F->name, F->title, tsvname);
    if (gp) {
        fputs("TS = 1            # weeks since the immobilization began\n", gp);
        fprintf(gp, "set xrange [%.6g:%.6g]\n", d->time[kfirst] - t0, d->time[kend] - t0);
        fprintf(gp, "# The grey area is the time %s.\n", exposure_word(e->kind));
        fprintf(gp, "set object 10 rect from first 0, graph 0 to first %.6g, graph 1 behind fc rgb \"#e4e4e4\" fs solid 1.0 noborder\n", dur);
        fprintf(gp, "set label 10 \"%s\" at first %.6g, graph 0.95 center font \",16\" tc rgb \"#555555\"\n",
                exposure_word(e->kind), dur / 2);
        fputs("set xzeroaxis lt -1 lw 1\n", gp);
        pf_multiplot_begin(gp, F->title);
        pf_layout L = pf_layout_default(2, 2);
        gp_range_final(&rc, 0.08, 1);
        gp_range_final(&rw, 0.08, 1);
        static const char *const label[2] = {"Leg lean mass", "Knee-extension strength"};
        for (int row = 0; row < 2; row++)
            for (int v = 0; v < 2; v++) {
                const gp_range *r = row == 0 ? &rc : &rw;
                const char *what_row = row == 0 ? "change since the start" : "change in each week";
                fprintf(gp, "\n# ---- %s, %s (same scale in both columns) ----\n", label[v], what_row);
                pf_panel(gp, &L, row, v);
                fprintf(gp, "set title \"%s: %s\"\n", label[v], what_row);
                fprintf(gp, "set ylabel \"%s\"\n", row == 0 ? "Change (%)" : "Change per week (%)");
                fprintf(gp, "set yrange [%.6g:%.6g]\n", r->lo, r->hi);
                if (row == 0)
                    fputs("set format x \"%g\"; unset xlabel\n", gp);
                else
                    fprintf(gp, "set xlabel \"Weeks since the start of %s\"\n", what);
                pf_plot_arm_lines(c, gp, tsvname, row == 0 ? 3 + v : 5 + v, "", "linespoints lw 3 pt 7 ps 0.9*PS");
            }
        pf_legend_arms(c, gp, "linespoints lw 3 pt 7 ps 0.9*PS");
        fputs("unset multiplot\n", gp);
        pf_close(c, gp, F->name, "gp");
    }

    size_t len;
    FILE *m = open_memstream(&F->shows, &len);
    if (m) {
        fprintf(m, "What %.3g weeks %s do to the leg, and how it recovers afterwards. Top: the change of "
                   "the arm's mean leg lean mass and knee strength since the day it began. Bottom: the "
                   "change in each week. Averaged over the time %s, leg lean mass changed by ",
                dur, exposure_word(e->kind), exposure_word(e->kind));
        for (size_t a = 0; a < d->n_arms; a++)
            fprintf(m, "%s%s %+.2f%%", a ? ", " : "", d->arms[a].name, loss[2 * a]);
        fputs(" per week, and knee strength by ", m);
        for (size_t a = 0; a < d->n_arms; a++)
            fprintf(m, "%s%s %+.2f%%", a ? ", " : "", d->arms[a].name, loss[2 * a + 1]);
        fputs(" per week.", m);
        if (n_expo > 1)
            fprintf(m, " The scenario schedules %zu immobilizations; this figure follows the first.", n_expo);
        fclose(m);
    }
    free(loss);
    F->how = pf_format("The grey area is the time %s. Below the zero line the leg has lost muscle or "
                       "strength; both columns share one scale. Strength usually falls faster than mass, because the nerves' drive to the "
                       "muscle is lost too. After the immobilization the curves climb back; the arms show "
                       "how much an intervention prevents the loss or speeds the recovery.",
            exposure_word(e->kind));
    F->assumed = pf_format("Everyone in every arm has the same immobilization from week %.3g. Disuse raises "
                           "muscle protein breakdown and lowers synthesis (model.muscle.*); changes are of "
                           "the arm's mean, people who die are left out from then on.",
            t0);
}

/* The start of something that keeps the legs still: a leg cast (detail 0), bed rest
 * (2) or a hospital stay. */
static int leg_episode(const rd_event *e)
{
    return (e->kind == RL_IMMOB_START && (e->detail == 0 || e->detail == 2)) || e->kind == RL_ADMISSION;
}

/* The event-aligned version: immobilizations that happened to the sampled people. */
static void immobilization_sampled(plot_ctx *c, plot_figure *F)
{
    const resultdata *d = c->d;
    static const rd_var vars[2] = {RV_LEG_LEAN, RV_KNEE};
    size_t ns = d->n_sample, nt = d->n_time;
    const double window = 26; /* weeks after the start shown */
    size_t episodes_total = 0;
    for (size_t a = 0; a < d->n_arms; a++)
        for (size_t i = 0; i < d->arms[a].n_events; i++) {
            const rd_event *e = &d->arms[a].events[i];
            if (leg_episode(e))
                episodes_total++;
        }
    if (ns == 0 || episodes_total == 0) {
        F->skipped = pf_format("Nobody's legs were immobilized in this run (no scheduled cast, bed rest or "
                               "hospital stay, and none among the sampled people), so there is no loss "
                               "per week of immobilization to show. The immobilization scenario shows it.");
        return;
    }
    F->title = pf_format("Muscle lost in each cast, bed rest or hospital stay of the sampled people: %% change");
    FILE *tsv = pf_open(c, F->name, "tsv");
    if (!tsv)
        return;
    pf_tsv_head(c, tsv, F->title);
    fputs("# one line per immobilization (leg cast, bed rest or hospital stay) of a sampled person,\n"
          "# aligned at its start;\n"
          "# columns: weeks_since_start, week, individual, leg_lean_mass_pct, knee_extension_strength_pct\n"
          "# (% change of that person's value since the last observation before the start);\n"
          "# episodes are separated by one blank line, arms by two;\n"
          "# then one block per arm: the mean over its episodes, by weeks since the start (rounded\n"
          "# to the observation interval): weeks, leg_lean_mass_pct, knee_extension_strength_pct,\n"
          "# episodes\n",
          tsv);
    gp_range r, rx;
    gp_range_init(&r);
    gp_range_init(&rx);
    gp_range_add(&rx, window);
    double dt = nt > 1 ? d->time[1] - d->time[0] : 1;
    size_t nbins = (size_t)ceil(window / dt) + 3; /* from -dt (the baseline) to the window */
    size_t *count = calloc(d->n_arms, sizeof *count);
    double *sum = calloc(d->n_arms * nbins * 3, sizeof *sum); /* [arm][bin]{n, mass, strength} */
    if (!count || !sum) {
        free(count);
        free(sum);
        fclose(tsv);
        c->st = MSK_ENOMEM;
        return;
    }
    for (size_t a = 0; a < d->n_arms; a++) {
        const rd_arm *A = &d->arms[a];
        pf_tsv_arm_block(tsv, a, A->name);
        int wrote = 0;
        for (size_t i = 0; i < A->n_events; i++) {
            const rd_event *e = &A->events[i];
            if (!leg_episode(e))
                continue;
            size_t p = e->individual;
            double t0 = e->week;
            long k0 = -1;
            for (size_t k = 0; k < nt; k++)
                if (d->time[k] <= t0 + 1e-9)
                    k0 = (long)k;
            if (k0 < 0)
                continue;
            double base[2] = {A->sample[vars[0]][p * nt + (size_t)k0], A->sample[vars[1]][p * nt + (size_t)k0]};
            if (!isfinite(base[0]) || !isfinite(base[1]))
                continue;
            if (wrote)
                fputc('\n', tsv);
            wrote = 1;
            count[a]++;
            for (size_t k = (size_t)k0; k < nt && d->time[k] <= t0 + window + 1e-9; k++) {
                double pct[2];
                for (int v = 0; v < 2; v++) {
                    pct[v] = 100 * (A->sample[vars[v]][p * nt + k] / base[v] - 1);
                    gp_range_add(&r, pct[v]);
                }
                fprintf(tsv, "%.10g\t%.10g\t%zu\t", d->time[k] - t0, d->time[k], p);
                gp_range_add(&rx, d->time[k] - t0);
                long b = lround((d->time[k] - t0) / dt) + 1;
                if (b >= 0 && (size_t)b < nbins && isfinite(pct[0]) && isfinite(pct[1])) {
                    double *s = &sum[(a * nbins + (size_t)b) * 3];
                    s[0] += 1;
                    s[1] += pct[0];
                    s[2] += pct[1];
                }
                gp_num(tsv, pct[0]);
                fputc('\t', tsv);
                gp_num(tsv, pct[1]);
                fputc('\n', tsv);
            }
        }
        if (!wrote) /* an empty block would make gnuplot warn */
            fputs("NaN\tNaN\tNaN\tNaN\tNaN\n", tsv);
    }
    for (size_t a = 0; a < d->n_arms; a++) {
        fputs("\n\n", tsv);
        fprintf(tsv, "# block %zu: mean over the episodes of arm ", d->n_arms + a);
        gp_cell(tsv, d->arms[a].name);
        fputc('\n', tsv);
        int wrote = 0;
        for (size_t b = 0; b < nbins; b++) {
            const double *s = &sum[(a * nbins + b) * 3];
            if (s[0] < 1)
                continue;
            fprintf(tsv, "%.10g\t%.10g\t%.10g\t%.0f\n", ((double)b - 1) * dt, s[1] / s[0], s[2] / s[0], s[0]);
            wrote = 1;
        }
        if (!wrote)
            fputs("NaN\tNaN\tNaN\t0\n", tsv);
    }
    free(sum);
    pf_close(c, tsv, F->name, "tsv");

    char tsvname[128];
    FILE *gp = pf_open_script(c, F->name, F->title, tsvname);
    if (gp) {
        fputs("TS = 1            # weeks since the immobilization began\n", gp);
        fputs("set xlabel \"Weeks since the immobilization began\"\n", gp);
        fprintf(gp, "set xrange [%.6g:%.6g]\n", fmin(rx.lo, 0), rx.hi);
        fputs("set arrow 1 from first 0, graph 0 to first 0, graph 1 nohead lc rgb \"#777777\" dt 2 lw 2\n", gp);
        fputs("set xzeroaxis lt -1 lw 1\n", gp);
        pf_multiplot_begin(gp, F->title);
        pf_layout L = pf_layout_default(1, 2);
        gp_range_final(&r, 0.08, 1);
        static const char *const label[2] = {"Leg lean mass", "Knee-extension strength"};
        for (int v = 0; v < 2; v++) {
            fprintf(gp, "\n# ---- %s ----\n", label[v]);
            pf_panel(gp, &L, 0, v);
            fprintf(gp, "set title \"%s\"\nset ylabel \"Change since the start (%%)\"\nset yrange [%.6g:%.6g]\n",
                    label[v], r.lo, r.hi);
            fputs("plot ", gp);
            int first = 1;
            /* Thin, faint: each episode ("#AARRGGBB", AA = transparency); thick: the mean. */
            for (size_t a = 0; a < d->n_arms; a++) {
                if (!count[a])
                    continue;
                fprintf(gp, "%s'%s' index %zu using ($1*TS):%d with lines lw 1 lc rgb \"#B0%s\" notitle",
                        first ? "" : ", \\\n     ", first ? tsvname : "", a, 4 + v, pf_colour(c, a) + 1);
                first = 0;
            }
            for (size_t a = 0; a < d->n_arms; a++)
                if (count[a])
                    fprintf(gp, ", \\\n     '' index %zu using ($1*TS):%d with linespoints lw 5 pt 7 ps 1.2*PS lc rgb \"%s\" notitle",
                            d->n_arms + a, 2 + v, pf_colour(c, a));
            fputc('\n', gp);
        }
        pf_legend_begin(gp, 0.13, 2);
        for (size_t a = 0; a < d->n_arms; a++)
            if (count[a]) {
                char *t = pf_format("%s: mean", d->arms[a].name);
                pf_legend_entry(gp, "linespoints lw 5 pt 7 ps 1.2*PS", pf_colour(c, a), "%s", t ? t : "");
                free(t);
                t = pf_format("%s: one episode", d->arms[a].name);
                pf_legend_entry(gp, "lines lw 1", pf_colour(c, a), "%s", t ? t : "");
                free(t);
            }
        pf_legend_end(gp);
        fputs("unset multiplot\n", gp);
        pf_close(c, gp, F->name, "gp");
    }
    size_t len;
    FILE *m = open_memstream(&F->shows, &len);
    if (m) {
        fputs("In this run nobody is immobilized on schedule, but falls break bones, and fractures "
              "bring casts, bed rest and hospital stays. Each line follows one sampled person from "
              "the start of one such episode (the dashed line), for up to 26 weeks: the change of "
              "that person's leg lean mass (left) and knee strength (right) since the last "
              "observation before it. Episodes per arm: ",
              m);
        for (size_t a = 0; a < d->n_arms; a++)
            fprintf(m, "%s%s %zu", a ? ", " : "", d->arms[a].name, count[a]);
        fputs(".", m);
        fclose(m);
    }
    free(count);
    F->how = pf_format("Each thin line is one episode of one person: it drops while the legs are kept still "
                       "and climbs back as the person recovers. The thick line is the mean over all episodes "
                       "of the arm: the typical loss per week of immobilization, and how fast it comes back. "
                       "Only the sampled people are shown, so the means rest on few episodes.");
    F->assumed = pf_format("A hip fracture brings a hospital stay, a vertebral fracture bed rest, other "
                           "fractures of the leg a cast (model.falls.*); illness brings hospital stays too. "
                           "The sampled people are the first %zu of the population, the same people in "
                           "every arm.",
            d->n_sample);
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
