/* plot_story.c — the vicious cycle: one sampled person's story (6a) and muscle against
 * bone for all sampled people (6b). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"
#include "plotfig.h"

static const char *const site_name[] = {"", "hip", "wrist", "vertebra", "other bone"};

static const char *fracture_site(int detail)
{
    return detail >= 1 && detail <= 4 ? site_name[detail] : "bone";
}

/* The sampled person with the most eventful life in the reference arm: fractures weigh
 * most, then hospital stays and immobilizations, then falls; ties go to the lowest id. */
static size_t eventful_person(const resultdata *d, int *score_out)
{
    const rd_arm *A = &d->arms[d->reference];
    int *score = calloc(d->n_sample, sizeof *score);
    size_t best = 0;
    *score_out = 0;
    if (!score)
        return 0;
    for (size_t i = 0; i < A->n_events; i++) {
        const rd_event *e = &A->events[i];
        int w = e->kind == RL_FRACTURE ? 4 : e->kind == RL_ADMISSION || e->kind == RL_IMMOB_START ? 2
                : e->kind == RL_FALL                                                              ? 1
                                                                                                  : 0;
        score[e->individual] += w;
    }
    for (size_t p = 0; p < d->n_sample; p++)
        if (score[p] > score[best])
            best = p;
    *score_out = score[best];
    free(score);
    return best;
}

typedef struct {
    double from, to; /* weeks */
    const char *what;
} period;

/* Immobilized and hospital periods of person p: each start paired with its end (or the
 * end of follow-up). */
static size_t periods_of(const resultdata *d, const rd_arm *A, size_t p, period *out, size_t cap)
{
    size_t n = 0;
    double horizon = d->time[d->n_time - 1];
    for (size_t i = 0; i < A->n_events && n < cap; i++) {
        const rd_event *e = &A->events[i];
        if (e->individual != p || (e->kind != RL_IMMOB_START && e->kind != RL_ADMISSION))
            continue;
        rd_log_kind end_kind = e->kind == RL_IMMOB_START ? RL_IMMOB_END : RL_DISCHARGE;
        double to = horizon;
        for (size_t j = i + 1; j < A->n_events; j++) {
            const rd_event *x = &A->events[j];
            if (x->individual == p && ((x->kind == end_kind && x->detail == e->detail) || x->kind == RL_DEATH)) {
                to = x->week;
                break;
            }
        }
        out[n].from = e->week;
        out[n].to = to;
        out[n].what = e->kind == RL_ADMISSION ? "hospital" : e->detail == 0 ? "leg cast" : e->detail == 1 ? "arm cast" : "bed rest";
        n++;
    }
    return n;
}

/* ---- Figure 6a: one person's story ------------------------------------------------- */

void pf_story(plot_ctx *c, plot_figure *F)
{
    const resultdata *d = c->d;
    size_t nt = d->n_time, na = d->n_arms;
    if (d->n_sample == 0) {
        F->skipped = pf_format("The run recorded no sampled people (record.sample_size: 0), so there is no "
                               "individual story to tell. Set record.sample_size to 10 or more.");
        return;
    }
    int score;
    size_t p = eventful_person(d, &score);
    const rd_arm *R = &d->arms[d->reference];
    static const rd_var vars[3] = {RV_LEG_LEAN, RV_TSCORE, RV_STEPS};
    static const char *const ylabel[3] = {"Leg muscle (kg)", "Hip T-score (SD)", "Steps per day"};
    double age = d->sample_age[p];
    const char *sex = d->sample_female[p] == 1 ? "woman" : "man";
    /* "an 80-year-old", "an 18-year-old", "an 11-year-old" */
    long years = lround(age);
    int an = (years >= 80 && years <= 89) || years == 8 || years == 11 || years == 18;
    F->title = pf_format("One person’s story: a%s %ld-year-old %s (sampled person %zu), arm ‘%s’", an ? "n" : "", years,
                         sex, p, R->name);

    FILE *tsv = pf_open(c, F->name, "tsv");
    if (!tsv)
        return;
    pf_tsv_head(c, tsv, F->title);
    fputs("# blocks 0 .. (arms-1): the same person in each arm; columns: week, leg_lean_mass (kg),\n"
          "# fn_tscore, daily_steps, fn_bmd (g cm-2), knee_extension_strength (N m), immobilized (0/1)\n"
          "# (/arms/ARM/sample/VAR; NaN after death)\n"
          "# last block: the person's events in the reference arm: week, kind, detail\n",
          tsv);
    gp_range r[3];
    for (int v = 0; v < 3; v++)
        gp_range_init(&r[v]);
    static const rd_var cols[5] = {RV_LEG_LEAN, RV_TSCORE, RV_STEPS, RV_BMD, RV_KNEE};
    for (size_t a = 0; a < na; a++) {
        const rd_arm *A = &d->arms[a];
        pf_tsv_arm_block(tsv, a, A->name);
        for (size_t k = 0; k < nt; k++) {
            gp_num(tsv, d->time[k]);
            for (int v = 0; v < 5; v++) {
                fputc('\t', tsv);
                gp_num(tsv, A->sample[cols[v]][p * nt + k]);
                if (v < 3)
                    gp_range_add(&r[v], A->sample[cols[v]][p * nt + k]);
            }
            fputc('\t', tsv);
            gp_num(tsv, A->sample_immobilized[p * nt + k]);
            fputc('\n', tsv);
        }
    }
    fprintf(tsv, "\n\n# block %zu: events of sampled person %zu in arm ", na, p);
    gp_cell(tsv, R->name);
    fputc('\n', tsv);
    size_t n_ev = 0, n_falls = 0, n_fract = 0;
    for (size_t i = 0; i < R->n_events; i++) {
        const rd_event *e = &R->events[i];
        if (e->individual != p)
            continue;
        fprintf(tsv, "%.10g\t%s\t%d\n", e->week, resultdata_log_kinds[e->kind], e->detail);
        n_ev++;
        n_falls += e->kind == RL_FALL;
        n_fract += e->kind == RL_FRACTURE;
    }
    if (n_ev == 0)
        fputs("NaN\tnone\t0\n", tsv);
    pf_close(c, tsv, F->name, "tsv");

    period per[64];
    size_t n_per = periods_of(d, R, p, per, sizeof per / sizeof per[0]);
    char tsvname[128];
    FILE *gp = pf_open_script(c, F->name, F->title, tsvname);
    if (!gp)
        return;
    pf_time_axis(c, gp, "Time since the start");
    fputs("\n# Grey: immobilized or in hospital. Orange dashed: a fall. Red: a fracture. Black: death.\n", gp);
    int obj = 1, arrow = 1;
    for (size_t i = 0; i < n_per; i++)
        fprintf(gp, "set object %d rect from first %.6g, graph 0 to first %.6g, graph 1 behind fc rgb \"#d9d9d9\" fs solid 1.0 noborder  # %s\n",
                obj++, pf_time(c, per[i].from), pf_time(c, fmax(per[i].to, per[i].from + 0.3)), per[i].what);
    for (size_t i = 0; i < R->n_events; i++) {
        const rd_event *e = &R->events[i];
        if (e->individual != p)
            continue;
        if (e->kind == RL_FALL)
            fprintf(gp, "set arrow %d from first %.6g, graph 0 to first %.6g, graph 1 nohead lc rgb \"#E69F00\" lw 2 dt 2 front  # fall\n",
                    arrow++, pf_time(c, e->week), pf_time(c, e->week));
        else if (e->kind == RL_FRACTURE)
            fprintf(gp, "set arrow %d from first %.6g, graph 0 to first %.6g, graph 1 nohead lc rgb \"#C00000\" lw 4 front  # %s fracture\n",
                    arrow++, pf_time(c, e->week), pf_time(c, e->week), fracture_site(e->detail));
        else if (e->kind == RL_DEATH)
            fprintf(gp, "set arrow %d from first %.6g, graph 0 to first %.6g, graph 1 nohead lc rgb \"#000000\" lw 3 front  # death\n",
                    arrow++, pf_time(c, e->week), pf_time(c, e->week));
    }
    pf_multiplot_begin(gp, F->title);
    pf_layout L = {3, 1, 0.11, 0.985, 0.27, 0.87, 0, 0.03};
    for (int v = 0; v < 3; v++) {
        gp_range_final(&r[v], 0.1, vars[v] == RV_STEPS);
        if (vars[v] == RV_TSCORE) { /* keep the WHO thresholds in view */
            if (isfinite(d->osteoporosis_tscore) && r[v].lo > d->osteoporosis_tscore - 0.2)
                r[v].lo = d->osteoporosis_tscore - 0.2;
            if (isfinite(d->osteopenia_tscore) && r[v].hi < d->osteopenia_tscore + 0.2)
                r[v].hi = d->osteopenia_tscore + 0.2;
        }
        fprintf(gp, "\n# ---- %s ----\n", ylabel[v]);
        pf_panel(gp, &L, v, 0);
        fprintf(gp, "set ylabel \"%s\" font \",17\"\nset yrange [%.6g:%.6g]\nset ytics %.6g\n", ylabel[v], r[v].lo,
                r[v].hi, pf_tick_step(r[v].hi - r[v].lo, 4));
        if (v < 2)
            fputs("set format x \"\"\nunset xlabel\n", gp);
        else {
            fputs("set format x \"%g\"\n", gp);
            fprintf(gp, "set xlabel \"Time since the start (%s)\"\n", pf_time_unit(c));
        }
        if (v == 0) {
            for (size_t i = 0; i < R->n_events; i++) {
                const rd_event *e = &R->events[i];
                if (e->individual == p && e->kind == RL_FRACTURE)
                    fprintf(gp, "set label %d \"%s\" at first %.6g, graph 1.08 center font \",15\" tc rgb \"#C00000\"\n",
                            (int)i + 1, fracture_site(e->detail), pf_time(c, e->week));
            }
        } else {
            fputs("unset label\n", gp);
        }
        fputs("plot ", gp);
        if (vars[v] == RV_TSCORE && isfinite(d->osteopenia_tscore) && isfinite(d->osteoporosis_tscore))
            fprintf(gp, "%.4g with lines lc rgb \"#999999\" dt 3 lw 2 notitle, %.4g with lines lc rgb \"#999999\" dt 3 lw 2 notitle, \\\n     ",
                    d->osteopenia_tscore, d->osteoporosis_tscore);
        /* Other arms first, thin, so the reference arm's line is drawn on top. */
        for (size_t a = 0; a < na; a++) {
            if (a == d->reference)
                continue;
            fprintf(gp, "'%s' index %zu using ($1*TS):%d with lines lw 2 lc rgb \"%s\" notitle, \\\n     ", tsvname,
                    a, 2 + v, pf_colour(c, a));
        }
        fprintf(gp, "'%s' index %zu using ($1*TS):%d with lines lw 4 lc rgb \"%s\" notitle\n", tsvname, d->reference,
                2 + v, pf_colour(c, d->reference));
    }
    pf_legend_begin(gp, 0.16, 3);
    char *t = pf_format("arm ‘%s’", R->name);
    pf_legend_entry(gp, "lines lw 4", pf_colour(c, d->reference), "%s", t ? t : "");
    free(t);
    for (size_t a = 0; a < na; a++) {
        if (a == d->reference)
            continue;
        t = pf_format("‘%s’ (same person)", d->arms[a].name);
        pf_legend_entry(gp, "lines lw 2", pf_colour(c, a), "%s", t ? t : "");
        free(t);
    }
    pf_legend_entry(gp, "lines lw 2 dt 2", "#E69F00", "fall");
    pf_legend_entry(gp, "lines lw 4", "#C00000", "fracture");
    pf_legend_entry(gp, "boxes fs solid 1.0", "#d9d9d9", "immobilized or in hospital");
    pf_legend_end(gp);
    fputs("unset multiplot\n", gp);
    pf_close(c, gp, F->name, "gp");

    size_t len;
    FILE *m = open_memstream(&F->shows, &len);
    if (m) {
        fprintf(m, "The life of one virtual person in the reference arm ‘%s’ — the sampled person with "
                   "the most falls, fractures and immobilizations: %zu fall%s and %zu fracture%s over %.4g %s. "
                   "Top: leg muscle; middle: hip bone (T-score); bottom: how much the person walks. ",
                R->name, n_falls, n_falls == 1 ? "" : "s", n_fract, n_fract == 1 ? "" : "s",
                pf_time(c, d->time[nt - 1]), pf_time_unit(c));
        if (na > 1)
            fputs("Thinner lines show the very same person, with the same bad luck, in the other arms.", m);
        if (score == 0)
            fputs(" None of the sampled people fell or was immobilized in this run.", m);
        fclose(m);
    }
    F->how = pf_format("Read from left to right. A fall (orange) can break a bone (red, with the site); a "
                       "fracture brings a cast, bed rest or a hospital stay (grey). While immobilized, "
                       "muscle and bone are lost faster and steps drop; afterwards the person walks less, "
                       "so the losses continue — and a weaker person falls more easily: the vicious cycle. "
                       "The dotted lines in the middle panel are the WHO thresholds (osteopenia below %.3g, "
                       "osteoporosis at %.3g or lower).",
            d->osteopenia_tscore, d->osteoporosis_tscore);
    F->assumed = pf_format("One person is not an average: the chance events are drawn from the model's "
                           "hazards. The same random numbers are used in every arm, so differences between "
                           "this person's lines come from the interventions (and from events they "
                           "prevented).");
}

/* ---- Figure 6b: the spiral ------------------------------------------------------------ */

void pf_spiral(plot_ctx *c, plot_figure *F)
{
    const resultdata *d = c->d;
    size_t nt = d->n_time, na = d->n_arms, ns = d->n_sample;
    if (ns == 0) {
        F->skipped = pf_format("The run recorded no sampled people (record.sample_size: 0), so there are no "
                               "individual paths of muscle against bone to draw.");
        return;
    }
    const rd_arm *R = &d->arms[d->reference];
    int score;
    size_t story = eventful_person(d, &score);
    F->title = pf_format("Muscle against bone: sampled people of ‘%s’, and each arm’s mean path", R->name);
    FILE *tsv = pf_open(c, F->name, "tsv");
    if (!tsv)
        return;
    pf_tsv_head(c, tsv, F->title);
    fputs("# block 0: every sampled person in the reference arm, one after another (one blank line\n"
          "#   between people); columns: week, individual, fn_tscore, leg_lean_mass (kg)\n"
          "# block 1: fractures of those people, at the first observation after each: week of the\n"
          "#   fracture, individual, fn_tscore, leg_lean_mass\n"
          "# block 2: the person of figure 6a (same columns as block 0)\n"
          "# blocks 3 ..: mean of each arm: week, fn_tscore_mean, leg_lean_mass_mean\n",
          tsv);
    gp_range rx, ry;
    gp_range_init(&rx);
    gp_range_init(&ry);
    fputs("# block 0: sampled people\n", tsv);
    for (size_t p = 0; p < ns; p++) {
        if (p)
            fputc('\n', tsv);
        for (size_t k = 0; k < nt; k++) {
            double x = R->sample[RV_TSCORE][p * nt + k], y = R->sample[RV_LEG_LEAN][p * nt + k];
            fprintf(tsv, "%.10g\t%zu\t", d->time[k], p);
            gp_num(tsv, x);
            fputc('\t', tsv);
            gp_num(tsv, y);
            fputc('\n', tsv);
            gp_range_add(&rx, x);
            gp_range_add(&ry, y);
        }
    }
    fputs("\n\n# block 1: fractures\n", tsv);
    size_t n_fract = 0;
    for (size_t i = 0; i < R->n_events; i++) {
        const rd_event *e = &R->events[i];
        if (e->kind != RL_FRACTURE)
            continue;
        size_t k = 0;
        while (k < nt && d->time[k] < e->week)
            k++;
        if (k == nt)
            continue;
        double x = R->sample[RV_TSCORE][e->individual * nt + k], y = R->sample[RV_LEG_LEAN][e->individual * nt + k];
        if (!isfinite(x) || !isfinite(y))
            continue;
        fprintf(tsv, "%.10g\t%zu\t%.10g\t%.10g\n", e->week, e->individual, x, y);
        n_fract++;
    }
    if (n_fract == 0)
        fputs("NaN\tNaN\tNaN\tNaN\n", tsv);
    fputs("\n\n# block 2: the person of figure 6a\n", tsv);
    for (size_t k = 0; k < nt; k++) {
        fprintf(tsv, "%.10g\t%zu\t", d->time[k], story);
        gp_num(tsv, R->sample[RV_TSCORE][story * nt + k]);
        fputc('\t', tsv);
        gp_num(tsv, R->sample[RV_LEG_LEAN][story * nt + k]);
        fputc('\n', tsv);
    }
    for (size_t a = 0; a < na; a++) {
        pf_tsv_arm_block(tsv, 3 + a, d->arms[a].name);
        for (size_t k = 0; k < nt; k++) {
            gp_num(tsv, d->time[k]);
            fputc('\t', tsv);
            gp_num(tsv, d->arms[a].mean[RV_TSCORE][k]);
            fputc('\t', tsv);
            gp_num(tsv, d->arms[a].mean[RV_LEG_LEAN][k]);
            fputc('\n', tsv);
            gp_range_add(&rx, d->arms[a].mean[RV_TSCORE][k]);
            gp_range_add(&ry, d->arms[a].mean[RV_LEG_LEAN][k]);
        }
    }
    pf_close(c, tsv, F->name, "tsv");

    char tsvname[128];
    FILE *gp = pf_open_script(c, F->name, F->title, tsvname);
    if (!gp)
        return;
    gp_range_final(&rx, 0.05, 0);
    gp_range_final(&ry, 0.05, 0);
    pf_multiplot_begin(gp, F->title);
    fputs("set lmargin at screen 0.08; set rmargin at screen 0.7; set bmargin at screen 0.12; set tmargin at screen 0.88\n", gp);
    fputs("set xlabel \"Femoral-neck T-score (SD from a young adult's mean)\"\n"
          "set ylabel \"Leg lean mass (kg)\"\n",
          gp);
    fprintf(gp, "set xrange [%.6g:%.6g]\nset yrange [%.6g:%.6g]\n", rx.lo, rx.hi, ry.lo, ry.hi);
    fputs("set key at screen 0.72, screen 0.88 left top vertical Left reverse samplen 2 spacing 1.2 font \",17\"\n", gp);
    if (isfinite(d->osteopenia_tscore) && isfinite(d->osteoporosis_tscore)) {
        fputs("# WHO thresholds of the T-score\n", gp);
        double t[2] = {d->osteopenia_tscore, d->osteoporosis_tscore};
        for (int i = 0; i < 2; i++)
            if (t[i] > rx.lo && t[i] < rx.hi)
                fprintf(gp, "set arrow %d from first %.4g, graph 0 to first %.4g, graph 1 nohead lc rgb \"#999999\" dt 3 lw 2\n"
                            "set label %d \"%s\" at first %.4g, graph 0.03 %s offset char %s,0 font \",15\" tc rgb \"#666666\"\n",
                        i + 1, t[i], t[i], i + 1, i ? "osteoporosis" : "osteopenia", t[i], i ? "right" : "right",
                        "-0.5");
    }
    fprintf(gp, "plot '%s' index 0 using 3:4 with lines lw 1 lc rgb \"#9a9a9a\" title ", tsvname);
    gp_string(gp, "a sampled person");
    if (n_fract)
        fputs(", \\\n     '' index 1 using 3:4 with points pt 2 ps 2.2*PS lw 3 lc rgb \"#C00000\" title \"fracture\"", gp);
    fputs(", \\\n     '' index 2 using 3:4 with lines lw 3 lc rgb \"#000000\" title \"the person of figure 6a\"", gp);
    for (size_t a = 0; a < na; a++) {
        fprintf(gp, ", \\\n     '' index %zu using 2:3 with lines lw 5 lc rgb \"%s\" title ", 3 + a, pf_colour(c, a));
        char *mt = pf_format("mean, arm ‘%s’", d->arms[a].name);
        gp_string(gp, mt ? mt : "");
        free(mt);
        fprintf(gp, ", \\\n     '' index %zu every ::%zu::%zu using 2:3 with points pt 7 ps 2.5*PS lc rgb \"%s\" notitle",
                3 + a, nt - 1, nt - 1, pf_colour(c, a));
    }
    fputs("\nunset multiplot\n", gp);
    pf_close(c, gp, F->name, "gp");

    F->shows = pf_format("Each grey line is one sampled person of arm ‘%s’, moving over %.4g %s through a "
                         "map of muscle (up = more leg lean mass) against bone (right = denser hip bone). "
                         "Red crosses mark fractures. Thick coloured lines are the average path of each "
                         "arm, ending at the dot.",
            R->name, pf_time(c, d->time[nt - 1]), pf_time_unit(c));
    F->how = pf_format("Healthy ageing drifts slowly down and to the left. The vicious cycle shows as paths "
                       "that bend sharply after a fracture: weaker bone, then lost muscle while immobilized, "
                       "then more falls. An arm whose mean path stays higher and further right has slowed "
                       "the spiral.");
    F->assumed = pf_format("The sampled people are the first %zu of the population, the same people in every "
                           "arm. A person's T-score uses the young-adult reference of model.bone.*.",
            d->n_sample);
}
